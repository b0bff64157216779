/*
 * The copy run: what the main thread prepares (connections checked,
 * databases chosen, ranges queued), what the workers share while they copy,
 * and the control loop that draws progress and handles signals.
 *
 * Threads: copy_main() runs on the main thread, which becomes the control
 * thread; workers (worker.h) read the run's settings, pop ranges from its
 * queue, add to their own counters and to the shared failures, and report
 * a fatal error through copy_run_fail().
 */
#ifndef RM_COPY_H
#define RM_COPY_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "../config/config.h"
#include "cluster.h"
#include "rangeq.h"
#include "report.h"
#include "status.h"

#define COPY_MAX_DBS 16384

struct copy_run {
    const struct config *cfg;

    /* Source database -> destination database; -1 where not copied. */
    int *db_target;
    int n_db;

    /* Source nodes read from: the source itself, or one per cluster master
     * (its replica with --read-from replica, then READONLY is sent). */
    struct endpoint *src_nodes;
    int n_src_nodes;
    bool src_readonly;
    bool src_cluster;
    struct topology *dst_topo; /* NULL: a standalone destination */

    struct rangeq *queue;
    struct scan_range *ranges;
    size_t n_ranges;

    bool use_pexpiretime;   /* else PTTL with TIME in the same transaction */
    bool no_touch;          /* the source knows CLIENT NO-TOUCH */
    bool force_poll;        /* run workers on the poll loop */
    const char *scan_match; /* one --match pattern sent with SCAN, or NULL */
    const char *scan_type;  /* one --type sent with SCAN TYPE, or NULL */
    bool check_type;        /* several --type: TYPE read per key */

    /* Type-command copies (structcopy.h): every key with --mode struct,
     * and under --mode auto every key once the destination refused a
     * payload; keys whose DUMP is larger than `dump_limit` always. */
    atomic_bool by_struct;
    atomic_bool payload_refused; /* set once, logged by the control thread */
    bool size_first;             /* the source allows MEMORY USAGE */
    bool strings_first;          /* read keys as strings first (worker.c) */
    size_t max_bulk;             /* the destination's proto-max-bulk-len */
    size_t dump_limit;
    char token[24]; /* this run's part of temporary key names */

    /* verify, and copy --verify after the copy: compare instead of write. */
    bool verifying;
    bool dst_pexpiretime;        /* verify reads deadlines with PEXPIRETIME */
    uint64_t sample_every;       /* verify --sample: about 1 key in N */
    _Atomic int64_t sample_left; /* keys the sample still takes */
    struct failures diffs;       /* verify's differences */
    double verify_seconds;       /* how long verify's passes took */

    atomic_bool stop;  /* workers stop issuing work and drain */
    atomic_bool abort; /* workers stop at once (fatal error) */

    struct counters *counters; /* one per worker */
    struct failures failures;

    pthread_mutex_t err_lock;
    status err; /* first fatal error of any worker */
    char errmsg[512];
};

/* Records a fatal error (the first one wins) and stops every worker. Any
 * thread. */
void copy_run_fail(struct copy_run *run, status rc, const char *msg);

/* Runs `copy` (or a dry run) as configured; returns the exit code. */
int copy_main(const struct config *cfg);

#endif
