/*
 * What a run reports: the counters, the failed keys, the final summary on
 * stdout, the `--report FILE` JSON document and the progress lines on
 * stderr.
 *
 * Threads: workers add to their own `struct counters` (relaxed atomics, one
 * writer each) and to the shared `struct failures` (a mutex: failures are
 * rare and off the hot path). The control thread sums the counters into
 * `struct totals`, draws progress and writes the report. Nothing here holds
 * or prints a secret: endpoints arrive already described.
 */
#ifndef RM_REPORT_H
#define RM_REPORT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "status.h"

/* One worker's counters. Written only by that worker, read by the control
 * thread at any time. */
struct counters {
    _Atomic uint64_t scanned;     /* selected keys whose outcome is settled */
    _Atomic uint64_t copied;      /* destination said OK, deadline not past */
    _Atomic uint64_t skipped;     /* gone before read, or --on-conflict skip */
    _Atomic uint64_t expired;     /* deadline passed before the write's reply */
    _Atomic uint64_t failed;      /* could not be written, see failures */
    _Atomic uint64_t bytes;       /* payload bytes written */
    _Atomic uint64_t reconnects;  /* connections re-established */
    _Atomic uint64_t redirects;   /* MOVED/ASK followed (cluster) */
    _Atomic uint64_t tls_resumed; /* TLS handshakes that resumed a session */
    _Atomic uint64_t
        rewritten; /* repair pass: lost on a failed node, written again */
    _Atomic uint64_t source_reads; /* requests sent to the source */
    _Atomic uint64_t by_struct;    /* copied with type commands */
    /* verify: keys compared, found equal, and differences by kind. */
    _Atomic uint64_t compared, equal;
    _Atomic uint64_t diff_missing, diff_extra, diff_type, diff_value, diff_ttl;
};

/* A plain snapshot of the sum of every worker's counters. */
struct totals {
    uint64_t scanned, copied, skipped, expired, failed, bytes;
    uint64_t reconnects, redirects, tls_resumed, rewritten, source_reads;
    uint64_t by_struct;
    uint64_t compared, equal;
    uint64_t diff_missing, diff_extra, diff_type, diff_value, diff_ttl;
};

/* The differences verify found, of every kind. */
static inline uint64_t totals_diffs(const struct totals *t)
{
    return t->diff_missing + t->diff_extra + t->diff_type + t->diff_value +
           t->diff_ttl;
}

/* Adds `n` to a counter; called by the owning worker only. */
static inline void counter_add(_Atomic uint64_t *c, uint64_t n)
{
    atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

/* Sums `n` workers' counters into `out`. Control thread. */
void totals_sum(const struct counters *workers, size_t n, struct totals *out);

#define FAILURES_MAX_LISTED 1000

/* A failed key keeps at most this many bytes of its escaped name and of its
 * error text (longer ones are cut and end with "..."), so that the list
 * stays within a few MiB whatever the key sizes. */
#define FAILURES_KEY_MAX   8192
#define FAILURES_ERROR_MAX 512

struct failure {
    char *key;        /* escaped form, owned */
    char *error;      /* what the server said or why, owned, no secret */
    const char *kind; /* verify's kind of difference (static), or NULL */
};

/* Failed keys, shared by every worker. At most FAILURES_MAX_LISTED are kept;
 * later ones are only counted in `omitted`. */
struct failures {
    pthread_mutex_t lock;
    struct failure *items;
    size_t n;
    uint64_t omitted;
};

void failures_init(struct failures *f);
void failures_free(struct failures *f);

/* Records a failed key (raw bytes; escaped here) with its error text. Any
 * thread. Does not touch the counters: the worker counts the failure. */
void failures_add(struct failures *f, const char *key, size_t keylen,
                  const char *error);

/* Records a difference verify found: `kind` ("missing", "value", ...) is
 * a static string, `detail` says what differs. Any thread. */
void failures_add_kind(struct failures *f, const char *key, size_t keylen,
                       const char *kind, const char *detail);

/* The end of a run, as main and the control thread assemble it. */
struct report {
    const char *command; /* "copy" or "verify" */
    const char *status;  /* "ok", "partial", "failed", "interrupted" */
    int exit_code;       /* 0, 1, 2, 3 or 130 */
    const char *error;   /* why the run failed, or NULL */
    const char *source;  /* endpoint_describe() of the source */
    const char *dest;    /* ... of the destination */
    bool dry_run;
    double elapsed_seconds;
    uint64_t estimated_total; /* selected keys the source held at start */
    struct totals totals;
    const struct failures *failures;
    bool verified;                /* verify ran: the fields below are set */
    const struct failures *diffs; /* verify's differences, with kinds */
    double verify_seconds;        /* copy --verify: verify's share */
};

/* The report's status word for an exit code. */
const char *report_status_for_exit(int exit_code);

/* "1,234,567": `n` with thousands separators in `buf`; returns buf. */
const char *report_fmt_count(uint64_t n, char *buf, size_t len);

/* "m:ss" below an hour, "h:mm:ss" beyond; returns buf. */
const char *report_fmt_duration(double seconds, char *buf, size_t len);

/* Whether a report could be written at `path` (its folder exists and is
 * writable, and the path is not a folder): checked before a run starts,
 * so that a bad --report fails before anything is copied. */
status report_check_path(const char *path, char *err, size_t errlen);

/*
 * Writes the JSON document to `path` (atomically: a temporary file in the
 * same folder, then rename). Fields: status, exit_code, command, error,
 * source, destination, dry_run, keys_scanned, keys_copied, keys_skipped,
 * keys_expired, keys_failed, bytes_copied, elapsed_seconds, keys_per_second,
 * estimated_total, reconnects, redirects, keys_by_type_commands,
 * failed_keys (a list of {key, error}), failed_keys_omitted. When verify
 * ran: for the verify command at the top level, for copy --verify in a
 * `verify` object: keys_compared, keys_equal, differences ({missing, extra,
 * type, value, ttl}), diffs (a list of {key, kind, detail}), diffs_omitted.
 * ST_IO with a message in `err` when it cannot be written (ST_NOMEM when out of
 * memory). Texts that did not come through escape_key() (error, endpoints) are
 * passed through escape_text(), so the document is valid UTF-8 whatever a
 * server said.
 */
status report_write_json(const struct report *r, const char *path, char *err,
                         size_t errlen);

/* Prints the end-of-run summary table (and up to 20 failed keys, escaped)
 * to `out`. */
void report_print_summary(const struct report *r, FILE *out);

/*
 * Progress on stderr. kind is enum progress_kind of config.h after "auto"
 * was resolved (bar on a terminal, plain otherwise).
 *   bar:   one live line redrawn in place: percent of the estimated total,
 *          keys done, keys/s, MB/s, ETA.
 *   plain: a log-style line every 5 s.
 *   json:  one JSON object per line every second, with the report's
 *          counters and elapsed_seconds, keys_per_second (of the last few
 *          seconds; of the whole run in the last line) and `finished`
 *          (true in the line progress_finish() prints).
 * progress_update() may be called as often as wanted; it prints only when
 * its period has passed. Control thread only.
 */
struct progress;

/* NULL when out of memory; PROGRESS_NONE gives one that prints nothing. */
struct progress *progress_new(int kind, FILE *out);
/* Names the command at the head of bar and plain lines ("copy"); `label`
 * must outlive `p`. None by default. */
void progress_set_label(struct progress *p, const char *label);
void progress_update(struct progress *p, const struct totals *t,
                     uint64_t estimated_total, double elapsed_seconds);
/* Prints a last line (json/plain) or clears the live line (bar). */
void progress_finish(struct progress *p, const struct totals *t,
                     uint64_t estimated_total, double elapsed_seconds);
void progress_free(struct progress *p);

#endif
