/*
 * The copy worker's pipeline. Everything here runs on the worker's own
 * thread; the only shared state it touches is the run's range queue (a
 * lock-free SPMC ring), its own counters (atomics read by the control
 * thread), the failures list (a mutex, rarely taken) and the stop flags.
 *
 * Stages, each bounded so that memory does not grow with the key count:
 *
 *   walks     up to WALKS_MAX ranges walked at once, one SCAN in flight each
 *   todo      keys returned by SCAN, filtered and counted once, waiting
 *   reads     MULTI [TIME] (DUMP k, PEXPIRETIME k)... EXEC on the source,
 *             at most `pipeline` keys in flight
 *   writes    RESTORE k deadline payload ABSTTL [REPLACE] on the destination,
 *             at most 2 x `pipeline` in flight
 *
 * DUMP and the deadline are read in one transaction so that a key written
 * on the source meanwhile is copied with its old value and TTL or its new
 * ones, never a mix of the two.
 *
 * Counting each key once, although SCAN returns some keys twice:
 *
 *   - Within a range, a table that shrinks mid-walk makes SCAN visit a
 *     merged bucket again. Each walk remembers the keys it handled in a
 *     keyset (128-bit hashes, bounded because ranges are sized to hold a
 *     bounded number of keys) and drops a key it has already handled.
 *   - Across ranges, a range's last SCAN call runs on past the range's end
 *     (it stops only after COUNT keys), into buckets the next range walks
 *     too. Those keys belong to the later range. So when a reply's cursor
 *     has left the range, the worker "probes": it SCANs from the next
 *     range's start cursor until the probe's cursor reaches the position of
 *     the crossing cursor, and drops from the crossing reply every key the
 *     probe saw. Each key that lives through the run is then handled by
 *     exactly one range: the one whose walk returns it and whose probe does
 *     not, because positions in the walk do not change when the table
 *     resizes (see ranges.h).
 *
 * One gap remains on a source written meanwhile: a key deleted between the
 * crossing reply and the probe, and made again before both ranges read it,
 * is handed to both. Such a key is in the crossing reply, and in one of the
 * first few replies of the next range's walk; the writes of those "edge"
 * keys are remembered (written.h), so that a second write of the same key
 * is neither counted again nor taken for another client's key. (Only edge
 * keys: remembering every key cost the copy a fifth of its speed in cache
 * misses.)
 *
 * Because each key is written once, `--on-conflict skip|fail` never trips on
 * a key this run wrote, except after a reconnect, when a RESTORE may have
 * run before the connection dropped: a BUSYKEY answer to a resent RESTORE is
 * checked by reading the destination's DUMP back and comparing it with the
 * payload that was sent.
 */
#include "worker.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>

#include "../io/conn.h"
#include "cluster.h"
#include "compare.h"
#include "dest.h"
#include "digest.h"
#include "glob.h"
#include "keyset.h"
#include "log.h"
#include "ranges.h"
#include "sio.h"
#include "structcopy.h"
#include "written.h"

#define WALKS_MAX       2
#define BATCH_KEYS      256
#define WALK_KEYSET_MAX (1u << 20)
#define DRAIN_MS        1200
#define RECENT_MAX      8192  /* ranges remembered for a repair pass */
#define REPAIR_WINDOW   15000 /* ms of acknowledged writes re-checked */
#define EDGE_REPLIES    3     /* a walk's first replies, near its start */
#define STRING_WINDOW   16384 /* a string this long or shorter is read whole */
#define WRITE_BYTES_MAX (8u << 20) /* values in flight: no new reads past */
#define READ_BYTES_MAX  (2u << 20) /* values read in flight, on average */
#define WINDOW_ARG      "16384"    /* STRING_WINDOW as GETRANGE's end */
#define FAILOVER_WAIT   60000      /* ms to wait for a replica to take over */
#define RETRY_MAX       600        /* TRYAGAIN / CLUSTERDOWN retries per key */
#define SLOW_MAX        1024       /* keys waiting for the slow lane */
#define VERIFY_GROUP    128        /* keys verified in one pipeline */

enum tag {
    TAG_SCAN = 1,
    TAG_PROBE,
    TAG_TXN_PART, /* MULTI's +OK and each +QUEUED */
    TAG_EXEC,
    TAG_SIZES,
    TAG_RESTORE,
    TAG_VERIFY,
    TAG_SELECT,
    TAG_ASKING,
};

/* A SCAN reply kept alive while keys that point into it are in flight. */
struct scanref {
    redisReply *reply;
    int refs;
};

/* An EXEC reply kept alive while RESTOREs of its payloads are in flight,
 * so that a write redirected to another node can be sent again. */
struct execref {
    redisReply *reply;
    int refs;
};

struct keyref {
    const char *name;
    size_t len;
    struct scanref *sr;
    int16_t node; /* source node it was read from */
    bool repair;  /* re-check after a destination failover */
    bool edge;    /* near a range's edge: may be handed over twice */
};

struct walk {
    bool active;
    struct scan_range r;
    uint64_t cursor;
    bool scan_out;
    int dst_db;
    bool repair; /* a repair pass: only keys of lost slots, counted apart */
    unsigned replies; /* SCAN replies taken so far */

    /* Probing the next range after a crossing reply. */
    bool probing;
    struct scanref *held;
    uint64_t held_pos;
    uint64_t probe_cursor;

    struct keyset seen;
    struct keyset probe;
};

struct batch {
    int n;
    int node;
    bool with_time;
    bool lane;    /* read only TYPE: the keys go to the slow lane */
    bool sizing;  /* MEMORY USAGE in flight, the read after it */
    bool strings; /* read as strings: GETRANGE, not DUMP */
    struct keyref keys[BATCH_KEYS];
};

/* One RESTORE in flight. */
struct wrec {
    struct keyref k;
    int64_t deadline; /* ms since the epoch, 0 for none */
    size_t bytes;
    uint64_t payload_hash;
    const redisReply *payload; /* inside xr */
    struct execref *xr;
    int node;          /* destination node it was sent to */
    bool set;          /* SET of a string's value, not RESTORE of a payload */
    bool resent;       /* may have landed before (reconnect or lost node) */
    bool verifying;    /* a DUMP to compare is in flight, not the RESTORE */
    int attempts;      /* TRYAGAIN / CLUSTERDOWN / LOADING so far */
    int64_t due_us;    /* when waiting to be sent again */
    struct wrec *next; /* free list, or the retry list */
};

struct recent {
    struct scan_range r;
    int64_t end_ms;
};

struct keyq {
    struct keyref *items;
    size_t cap, head, n;
};

/* A key for the slow lane: a type-command copy, or verify's comparison. */
struct slowkey {
    struct keyref k;
    int64_t deadline;      /* verify: the source's deadline */
    uint64_t payload_hash; /* verify: the body of the source's payload */
    bool dumped;           /* verify: the two above are set */
    bool digested;         /* verify: `digest` is the source payload's */
    bool whole_string;     /* verify: payload_hash is of a string's bytes */
    struct digest digest;
};

struct worker {
    int id;
    char name[24];
    struct copy_run *run;
    const struct config *cfg;
    struct counters *ctr;
    pthread_t thread;
    atomic_bool done;

    struct ioloop *loop;
    struct conn **srcs; /* one per source node, opened on first use */
    struct dest *dst;   /* NULL in a dry run */
    int src_db, dst_db; /* what the connections have selected */

    /* Writes waiting to be sent again (redirects, busy cluster). */
    struct wrec *retry_head;
    bool rerouting; /* a dropped connection's writes go to retry_head */

    /* After a destination node is lost: ranges walked again for the keys
     * of its slots, since it may have acknowledged writes its replica
     * never received. */
    struct recent *recent;
    size_t recent_n, recent_next;
    struct scan_range *repairs;
    size_t n_repairs, cap_repairs;
    uint8_t *lost_slots;

    struct walk walks[WALKS_MAX];
    struct scan_range *held_range; /* popped, waiting for a db switch */
    bool queue_empty;

    struct keyq todo;
    size_t reads_out; /* keys in transactions in flight */
    size_t writes_out;
    size_t write_bytes; /* values held by the writes in flight */
    double value_bytes; /* running average of a value read, in bytes */
    struct wrec *free_recs;

    /* The slow lane (sio.h): its own connections, used between services
     * of the pipelines above. */
    struct sio *sio;
    struct sc_ctx sc;
    struct slowkey *slow;
    size_t slow_n, slow_cap;
    char lane_token[40];

    /* --max-ops: a token bucket of source commands. */
    double tokens, rate, burst;
    int64_t last_refill_us;

    char client_src[48], client_dst[48];
};

/* ---- time ---------------------------------------------------------------- */

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- errors -------------------------------------------------------------- */

static void fail_run(struct worker *w, status rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail_run(struct worker *w, status rc, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    copy_run_fail(w->run, rc, msg);
}

static bool aborted(const struct worker *w)
{
    return atomic_load(&w->run->abort);
}

static bool stopping(const struct worker *w)
{
    return atomic_load(&w->run->stop) || aborted(w);
}

/* ---- key references ----------------------------------------------------- */

static struct scanref *scanref_new(redisReply *r)
{
    struct scanref *sr = malloc(sizeof(*sr));
    if (!sr)
        return NULL;
    sr->reply = r;
    sr->refs = 1;
    return sr;
}

static void scanref_put(struct scanref *sr)
{
    if (sr && --sr->refs == 0) {
        freeReplyObject(sr->reply);
        free(sr);
    }
}

static status keyq_push(struct keyq *q, struct keyref k)
{
    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 1024;
        struct keyref *p = malloc(cap * sizeof(*p));
        if (!p)
            return ST_NOMEM;
        for (size_t i = 0; i < q->n; i++)
            p[i] = q->items[(q->head + i) % q->cap];
        free(q->items);
        q->items = p;
        q->cap = cap;
        q->head = 0;
    }
    q->items[(q->head + q->n) % q->cap] = k;
    q->n++;
    return ST_OK;
}

static struct keyref keyq_pop(struct keyq *q)
{
    struct keyref k = q->items[q->head];
    q->head = (q->head + 1) % q->cap;
    q->n--;
    return k;
}

static struct wrec *wrec_get(struct worker *w)
{
    struct wrec *r = w->free_recs;
    if (r) {
        w->free_recs = r->next;
        memset(r, 0, sizeof(*r));
        return r;
    }
    return calloc(1, sizeof(*r));
}

static void execref_put(struct execref *xr)
{
    if (xr && --xr->refs == 0) {
        freeReplyObject(xr->reply);
        free(xr);
    }
}

static void wrec_put(struct worker *w, struct wrec *r)
{
    w->write_bytes -= r->bytes;
    scanref_put(r->k.sr);
    execref_put(r->xr);
    r->k.sr = NULL;
    r->xr = NULL;
    r->next = w->free_recs;
    w->free_recs = r;
}

/* ---- rate limit ---------------------------------------------------------- */

static void refill(struct worker *w)
{
    int64_t now = mono_us();

    if (w->rate <= 0)
        return;
    w->tokens += (double)(now - w->last_refill_us) * w->rate / 1e6;
    if (w->tokens > w->burst)
        w->tokens = w->burst;
    w->last_refill_us = now;
}

/* Takes `n` tokens if the bucket has them. */
static bool take_tokens(struct worker *w, double n)
{
    if (w->rate <= 0)
        return true;
    refill(w);
    if (w->tokens < n)
        return false;
    w->tokens -= n;
    counter_add(&w->ctr->source_reads, (uint64_t)n);
    return true;
}

/* Takes `n` tokens whether or not the bucket has them: reads that follow
 * from reads already paid for. A debt delays the next batch. */
static void owe_tokens(struct worker *w, double n)
{
    if (w->rate <= 0)
        return;
    refill(w);
    w->tokens -= n;
    counter_add(&w->ctr->source_reads, (uint64_t)n);
}

/* ---- key selection ------------------------------------------------------- */

/* Client-side filters: every --exclude, and --match when SCAN could not
 * take the patterns itself. */
static bool selected(const struct worker *w, const char *k, size_t len)
{
    const struct config *cfg = w->cfg;

    for (size_t i = 0; i < cfg->n_exclude; i++)
        if (glob_match(cfg->exclude[i], strlen(cfg->exclude[i]), k, len))
            return false;
    if (w->run->scan_match || cfg->n_match == 0)
        return true;
    for (size_t i = 0; i < cfg->n_match; i++)
        if (glob_match(cfg->match[i], strlen(cfg->match[i]), k, len))
            return true;
    return false;
}

/* verify --sample N: a key whose hash falls in the sampled share, while
 * the sample is not full. */
static bool sampled(struct worker *w, const char *k, size_t len)
{
    if (!w->run->sample_every)
        return true;
    if (XXH3_64bits(k, len) % w->run->sample_every != 0)
        return false;
    return atomic_fetch_sub(&w->run->sample_left, 1) > 0;
}

/* Whether the keys of a walk's reply may also be handed to the next or
 * the previous range (see the top of this file): those of a crossing
 * reply, and those of a walk's first EDGE_REPLIES replies, which cover
 * what the previous range's crossing reply reached past this range's
 * start (at most --scan-count keys, or as many buckets as this reply may
 * visit) and what was made there since. */
static bool at_edge(const struct walk *wk, bool crossing)
{
    return crossing || (wk->r.index > 0 && wk->replies < EDGE_REPLIES);
}

/* Queues the keys of a SCAN reply that this walk owns: selected, not seen
 * before in this range, and (after a crossing) not claimed by the probe. */
static status take_keys(struct worker *w, struct walk *wk, struct scanref *sr,
                        bool use_probe)
{
    redisReply *keys = sr->reply->element[1];
    bool edge = at_edge(wk, use_probe);
    status rc = ST_OK;

    for (size_t i = 0; i < keys->elements && rc == ST_OK; i++) {
        redisReply *k = keys->element[i];
        bool added = false;

        if (k->type != REDIS_REPLY_STRING || !selected(w, k->str, k->len))
            continue;
        if (use_probe && keyset_has(&wk->probe, k->str, k->len))
            continue;
        if (wk->repair && !w->lost_slots[cluster_slot(k->str, k->len)])
            continue;
        rc = keyset_add(&wk->seen, k->str, k->len, &added);
        if (rc != ST_OK) {
            fail_run(w, rc,
                     "range %u/%u of db %d holds more than %u keys; the "
                     "source grew past what the range plan allows, run "
                     "again with more --threads",
                     wk->r.index, wk->r.count, wk->r.db, WALK_KEYSET_MAX);
            return rc;
        }
        if (!added || !sampled(w, k->str, k->len))
            continue;
        sr->refs++;
        rc = keyq_push(&w->todo,
                       (struct keyref){k->str, k->len, sr, (int16_t)wk->r.node,
                                       wk->repair, edge});
    }
    return rc;
}

/* ---- walking ------------------------------------------------------------- */

static status send_scan(struct worker *w, struct walk *wk, uint64_t cursor,
                        enum tag tag)
{
    struct conn *src = w->srcs[wk->r.node];
    struct resp_buf *b = conn_buf(src);
    const struct config *cfg = w->cfg;
    int argc = 4 + (w->run->scan_match ? 2 : 0) + (w->run->scan_type ? 2 : 0);
    status rc = resp_begin(b, argc);

    if (rc == ST_OK)
        rc = resp_arg_str(b, "SCAN");
    if (rc == ST_OK)
        rc = resp_arg_ll(b, (long long)cursor);
    if (rc == ST_OK)
        rc = resp_arg_str(b, "COUNT");
    if (rc == ST_OK)
        rc = resp_arg_ll(b, cfg->scan_count);
    if (rc == ST_OK && w->run->scan_match) {
        rc = resp_arg_str(b, "MATCH");
        if (rc == ST_OK)
            rc = resp_arg_str(b, w->run->scan_match);
    }
    if (rc == ST_OK && w->run->scan_type) {
        rc = resp_arg_str(b, "TYPE");
        if (rc == ST_OK)
            rc = resp_arg_str(b, w->run->scan_type);
    }
    if (rc != ST_OK) {
        conn_append_abort(src);
        return rc;
    }
    conn_append_done(src, wk, tag);
    wk->scan_out = true;
    return ST_OK;
}

static bool is_last_range(const struct scan_range *r)
{
    return r->index + 1 == r->count;
}

/* Remembers a finished range, for a repair pass if a destination node that
 * acknowledged its writes is lost soon after. */
static void remember(struct worker *w, const struct scan_range *r)
{
    if (!w->recent)
        return;
    w->recent[w->recent_next] = (struct recent){*r, wall_ms()};
    w->recent_next = (w->recent_next + 1) % RECENT_MAX;
    if (w->recent_n < RECENT_MAX)
        w->recent_n++;
}

static void walk_end(struct worker *w, struct walk *wk)
{
    if (!wk->repair)
        remember(w, &wk->r);
    wk->active = false;
    keyset_clear(&wk->seen);
    keyset_clear(&wk->probe);
}

/* Checks a SCAN reply's shape; returns the next cursor. */
static bool parse_scan(redisReply *r, uint64_t *cursor)
{
    if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
        r->element[0]->type != REDIS_REPLY_STRING ||
        r->element[1]->type != REDIS_REPLY_ARRAY)
        return false;
    char *end = NULL;
    errno = 0;
    *cursor = strtoull(r->element[0]->str, &end, 10);
    return errno == 0 && end && *end == '\0';
}

static void on_scan(struct worker *w, struct walk *wk, redisReply *r)
{
    uint64_t next;

    wk->scan_out = false;
    if (!parse_scan(r, &next)) {
        fail_run(w, ST_SERVER, "source: SCAN failed: %.300s",
                 r->type == REDIS_REPLY_ERROR ? r->str : "unexpected reply");
        freeReplyObject(r);
        return;
    }
    struct scanref *sr = scanref_new(r);
    if (!sr) {
        freeReplyObject(r);
        fail_run(w, ST_NOMEM, "out of memory");
        return;
    }

    /* A walk only moves forward; a cursor that goes back means the server
     * lays its cursors out differently than the ranges assume, and going
     * on could silently skip keys. */
    if (next != 0 && wk->cursor != wk->r.start &&
        ranges_pos(wk->r.layout, next) < ranges_pos(wk->r.layout, wk->cursor)) {
        scanref_put(sr);
        fail_run(w, ST_UNSUPPORTED,
                 "source: SCAN cursor %llu went back from %llu in db %d; the "
                 "server's cursor layout is not one this version knows, so "
                 "the copy stopped rather than miss keys",
                 (unsigned long long)next, (unsigned long long)wk->cursor,
                 wk->r.db);
        return;
    }

    bool crossed = !ranges_continues(&wk->r, next) && !is_last_range(&wk->r);
    if (crossed) {
        /* Hold the reply until the probe tells which keys are ours. */
        wk->probing = true;
        wk->held = sr;
        wk->held_pos = ranges_pos(wk->r.layout, next);
        wk->probe_cursor = ranges_next_start(&wk->r);
        if (send_scan(w, wk, wk->probe_cursor, TAG_PROBE) != ST_OK)
            fail_run(w, ST_NOMEM, "request buffer limit reached");
        return;
    }

    take_keys(w, wk, sr, false);
    scanref_put(sr);
    wk->replies++;
    wk->cursor = next;
    if (!ranges_continues(&wk->r, next))
        walk_end(w, wk);
}

static void on_probe(struct worker *w, struct walk *wk, redisReply *r)
{
    uint64_t next;
    status rc = ST_OK;

    wk->scan_out = false;
    if (!parse_scan(r, &next)) {
        fail_run(w, ST_SERVER, "source: SCAN failed: %.300s",
                 r->type == REDIS_REPLY_ERROR ? r->str : "unexpected reply");
        freeReplyObject(r);
        return;
    }
    redisReply *keys = r->element[1];
    for (size_t i = 0; i < keys->elements && rc == ST_OK; i++) {
        bool added;
        rc = keyset_add(&wk->probe, keys->element[i]->str,
                        keys->element[i]->len, &added);
    }
    freeReplyObject(r);
    if (rc != ST_OK) {
        fail_run(w, rc, "out of memory while matching range edges");
        return;
    }

    if (next != 0 && ranges_pos(wk->r.layout, next) < wk->held_pos) {
        wk->probe_cursor = next;
        if (send_scan(w, wk, next, TAG_PROBE) != ST_OK)
            fail_run(w, ST_NOMEM, "request buffer limit reached");
        return;
    }

    /* The probe reached the crossing point: keep the rest, end the walk. */
    take_keys(w, wk, wk->held, true);
    scanref_put(wk->held);
    wk->held = NULL;
    wk->probing = false;
    walk_end(w, wk);
}

/* ---- reading keys -------------------------------------------------------- */

static uint64_t payload_body_hash(const char *p, size_t len);

static status add_cmd2(struct resp_buf *b, const char *cmd,
                       const struct keyref *k)
{
    status rc = resp_begin(b, 2);
    if (rc == ST_OK)
        rc = resp_arg_str(b, cmd);
    if (rc == ST_OK)
        rc = resp_arg(b, k->name, k->len);
    return rc;
}

static status add_simple(struct conn *c, const char *cmd, void *ctx,
                         enum tag tag)
{
    status rc = resp_command(conn_buf(c), 1, &cmd, NULL);
    if (rc == ST_OK)
        conn_append_done(c, ctx, tag);
    return rc;
}

static status add_part(struct conn *c, const char *cmd, const struct keyref *k)
{
    status rc = add_cmd2(conn_buf(c), cmd, k);
    if (rc == ST_OK)
        conn_append_done(c, NULL, TAG_TXN_PART);
    return rc;
}

/* Whether the next key in todo may join a transaction that began with
 * `first`: the same source node, and on a cluster the same slot (a
 * cluster refuses a transaction over several slots). */
static bool same_txn(const struct worker *w, const struct keyref *first,
                     const struct keyref *k)
{
    if (k->node != first->node)
        return false;
    return !w->run->src_cluster || cluster_slot(k->name, k->len) ==
                                       cluster_slot(first->name, first->len);
}

/* How many of the first `n` keys in todo one transaction can read. */
static size_t txn_size(const struct worker *w, size_t n)
{
    const struct keyq *q = &w->todo;
    const struct keyref *first = &q->items[q->head];

    for (size_t i = 1; i < n; i++)
        if (!same_txn(w, first, &q->items[(q->head + i) % q->cap]))
            return i;
    return n;
}

/* Whether keys go to the slow lane for a type-command copy instead of
 * being read with DUMP (verify always reads the source's payload). */
static bool to_lane(const struct worker *w)
{
    return !w->run->verifying && atomic_load(&w->run->by_struct);
}

/* Whether keys are read as strings first (GETRANGE, then SET, or for
 * verify a GETRANGE of the destination). */
static bool strings_first(const struct worker *w)
{
    return w->run->strings_first;
}

/* Whether a key goes to the slow lane with nothing read first. */
static bool straight_to_lane(const struct worker *w)
{
    return to_lane(w) && !w->run->check_type && !strings_first(w);
}

/* Hands a key to the slow lane, which then holds its reference. */
static status slow_push(struct worker *w, struct keyref *k, int64_t deadline,
                        const redisReply *payload)
{
    if (w->slow_n == w->slow_cap) {
        size_t cap = w->slow_cap ? w->slow_cap * 2 : 256;
        struct slowkey *p = realloc(w->slow, cap * sizeof(*p));
        if (!p)
            return ST_NOMEM;
        w->slow = p;
        w->slow_cap = cap;
    }
    struct slowkey *sk = &w->slow[w->slow_n++];
    *sk = (struct slowkey){.k = *k, .deadline = deadline};
    if (payload) {
        sk->dumped = true;
        sk->payload_hash = payload_body_hash(payload->str, payload->len);
        sk->digested = digest_payload(payload->str, payload->len, &sk->digest);
    }
    k->sr = NULL;
    return ST_OK;
}

/* GETRANGE k 0 STRING_WINDOW: a string whole, or one byte more than the
 * window when it is longer. */
static status add_getrange(struct conn *c, const struct keyref *k)
{
    struct resp_buf *b = conn_buf(c);
    status rc = resp_begin(b, 4);

    if (rc == ST_OK)
        rc = resp_arg_str(b, "GETRANGE");
    if (rc == ST_OK)
        rc = resp_arg(b, k->name, k->len);
    if (rc == ST_OK)
        rc = resp_arg_str(b, "0");
    if (rc == ST_OK)
        rc = resp_arg_str(b, WINDOW_ARG);
    if (rc == ST_OK)
        conn_append_done(c, NULL, TAG_TXN_PART);
    return rc;
}

/* Hands verify's lane a string read whole: it is compared by its bytes. */
static status slow_push_string(struct worker *w, struct keyref *k,
                               int64_t deadline, const redisReply *value)
{
    status rc = slow_push(w, k, deadline, NULL);

    if (rc == ST_OK) {
        struct slowkey *sk = &w->slow[w->slow_n - 1];
        sk->dumped = true;
        sk->whole_string = true;
        sk->payload_hash = XXH3_64bits(value->str, value->len);
    }
    return rc;
}

/* Sends the transaction that reads a batch's keys: MULTI, [TIME], for each
 * key [TYPE], DUMP (or GETRANGE for a strings batch) and its deadline,
 * EXEC; for the lane only TYPE. */
static status send_read(struct worker *w, struct batch *bt)
{
    const char *ttl_cmd = w->run->use_pexpiretime ? "PEXPIRETIME" : "PTTL";
    struct conn *src = w->srcs[bt->node];
    status rc;

    bt->sizing = false;
    bt->with_time = !w->run->use_pexpiretime && !bt->lane;
    conn_unit_begin(src);
    rc = add_simple(src, "MULTI", NULL, TAG_TXN_PART);
    if (rc == ST_OK && bt->with_time)
        rc = add_simple(src, "TIME", NULL, TAG_TXN_PART);
    for (int i = 0; i < bt->n && rc == ST_OK; i++) {
        if (w->run->check_type)
            rc = add_part(src, "TYPE", &bt->keys[i]);
        if (rc == ST_OK && !bt->lane && bt->strings)
            rc = add_getrange(src, &bt->keys[i]);
        else if (rc == ST_OK && !bt->lane)
            rc = add_part(src, "DUMP", &bt->keys[i]);
        if (rc == ST_OK && !bt->lane)
            rc = add_part(src, ttl_cmd, &bt->keys[i]);
    }
    if (rc == ST_OK)
        rc = add_simple(src, "EXEC", bt, TAG_EXEC);
    conn_unit_end(src);
    return rc;
}

/* Sends MULTI, MEMORY USAGE k SAMPLES 1 for each key, EXEC: the sizes that
 * decide, before any DUMP, which keys are too big for one (on_sizes). */
static status send_sizes(struct worker *w, struct batch *bt)
{
    struct conn *src = w->srcs[bt->node];
    status rc;

    bt->sizing = true;
    conn_unit_begin(src);
    rc = add_simple(src, "MULTI", NULL, TAG_TXN_PART);
    for (int i = 0; i < bt->n && rc == ST_OK; i++) {
        struct resp_buf *b = conn_buf(src);
        rc = resp_begin(b, 5);
        if (rc == ST_OK)
            rc = resp_arg_str(b, "MEMORY");
        if (rc == ST_OK)
            rc = resp_arg_str(b, "USAGE");
        if (rc == ST_OK)
            rc = resp_arg(b, bt->keys[i].name, bt->keys[i].len);
        if (rc == ST_OK)
            rc = resp_arg_str(b, "SAMPLES");
        if (rc == ST_OK)
            rc = resp_arg_str(b, "1");
        if (rc == ST_OK)
            conn_append_done(src, NULL, TAG_TXN_PART);
    }
    if (rc == ST_OK)
        rc = add_simple(src, "EXEC", bt, TAG_SIZES);
    conn_unit_end(src);
    return rc;
}

static void batch_free(struct batch *bt)
{
    for (int i = 0; i < bt->n; i++)
        scanref_put(bt->keys[i].sr);
    free(bt);
}

/* Takes the first `n` keys of todo, which txn_size() found to share a
 * source node (and cluster slot), into one batch and sends it: sized
 * first where the source allows MEMORY USAGE, else read at once. */
static status send_batch(struct worker *w, int n)
{
    struct batch *bt = calloc(1, sizeof(*bt));
    status rc;

    if (!bt)
        return ST_NOMEM;
    bt->node = w->todo.items[w->todo.head].node;
    /* Strings are read whole even when the other keys go by type
     * commands: SET carries them across server versions. */
    bt->strings = strings_first(w);
    bt->lane = !bt->strings && to_lane(w);
    for (int i = 0; i < n; i++)
        bt->keys[bt->n++] = keyq_pop(&w->todo);
    if (!bt->lane && !bt->strings && w->run->size_first)
        rc = send_sizes(w, bt);
    else
        rc = send_read(w, bt);
    if (rc != ST_OK) {
        batch_free(bt);
        return rc;
    }
    w->reads_out += (size_t)bt->n;
    return ST_OK;
}

/* The sizes of a batch's keys: those larger than one RESTORE may carry go
 * to the slow lane (read in chunks, never DUMPed); the others are read. */
static void on_sizes(struct worker *w, struct batch *bt, redisReply *r)
{
    int kept = 0;

    if (r->type != REDIS_REPLY_ARRAY || r->elements != (size_t)bt->n) {
        const char *e =
            r->type == REDIS_REPLY_ERROR ? r->str : "unexpected reply";
        fail_run(w, strstr(e, "NOPERM") ? ST_NOPERM : ST_SERVER,
                 "source: reading key sizes failed: %.300s", e);
        w->reads_out -= (size_t)bt->n;
        batch_free(bt);
        freeReplyObject(r);
        return;
    }
    for (int i = 0; i < bt->n; i++) {
        const redisReply *u = r->element[i];
        bool big = u->type == REDIS_REPLY_INTEGER &&
                   (uint64_t)u->integer > w->run->dump_limit;
        if (!big) {
            bt->keys[kept++] = bt->keys[i];
            continue;
        }
        w->reads_out--;
        if (slow_push(w, &bt->keys[i], 0, NULL) != ST_OK)
            fail_run(w, ST_NOMEM, "out of memory");
    }
    freeReplyObject(r);
    bt->n = kept;
    if (kept == 0) {
        free(bt);
        return;
    }
    if (send_read(w, bt) != ST_OK) {
        fail_run(w, ST_NOMEM, "request buffer limit reached");
        w->reads_out -= (size_t)bt->n;
        batch_free(bt);
    }
}

/* Settles a key that is not written: counts it and lets it go. A repair
 * pass counts nothing: the first pass counted its keys. */
static void settle(struct worker *w, struct keyref *k, _Atomic uint64_t *c)
{
    if (!k->repair) {
        counter_add(c, 1);
        counter_add(&w->ctr->scanned, 1);
    }
    scanref_put(k->sr);
    k->sr = NULL;
}

static bool type_selected(const struct worker *w, const redisReply *t)
{
    if (t->type != REDIS_REPLY_STATUS)
        return false;
    for (size_t i = 0; i < w->cfg->n_types; i++)
        if (strcmp(w->cfg->types[i], t->str) == 0)
            return true;
    return false;
}

/* Reads the deadline of one key from its TTL reply; false when the key is
 * gone. */
static bool deadline_of(const struct worker *w, const redisReply *t,
                        int64_t time_ms, int64_t *deadline)
{
    if (t->type != REDIS_REPLY_INTEGER || t->integer == -2)
        return false;
    if (t->integer == -1)
        *deadline = 0;
    else if (w->run->use_pexpiretime)
        *deadline = t->integer;
    else
        *deadline = time_ms + t->integer;
    return true;
}

/* TIME's reply as milliseconds since the epoch. */
static int64_t time_reply_ms(const redisReply *r)
{
    if (r->type != REDIS_REPLY_ARRAY || r->elements != 2)
        return wall_ms();
    return strtoll(r->element[0]->str, NULL, 10) * 1000 +
           strtoll(r->element[1]->str, NULL, 10) / 1000;
}

/* ---- writing keys -------------------------------------------------------- */

static void lose_node(struct worker *w, int node);
static void write_failed(struct worker *w, struct wrec *rec, const char *why);

/* A repair write may overwrite nothing: a key that is there was kept. */
static bool replaces(const struct worker *w, const struct wrec *rec)
{
    return w->cfg->on_conflict == CONFLICT_REPLACE && !rec->k.repair;
}

/* SET k value [PXAT deadline] [NX]: without NX it replaces any key, as
 * RESTORE REPLACE does. */
static status encode_set(struct conn *c, const struct wrec *rec, bool replace)
{
    struct resp_buf *b = conn_buf(c);
    status rc = resp_begin(b, 3 + (rec->deadline ? 2 : 0) + (replace ? 0 : 1));

    if (rc == ST_OK)
        rc = resp_arg_str(b, "SET");
    if (rc == ST_OK)
        rc = resp_arg(b, rec->k.name, rec->k.len);
    if (rc == ST_OK)
        rc = resp_arg(b, rec->payload->str, rec->payload->len);
    if (rc == ST_OK && rec->deadline)
        rc = resp_arg_str(b, "PXAT");
    if (rc == ST_OK && rec->deadline)
        rc = resp_arg_ll(b, rec->deadline);
    if (rc == ST_OK && !replace)
        rc = resp_arg_str(b, "NX");
    if (rc != ST_OK)
        conn_append_abort(c);
    return rc;
}

static status encode_restore(struct conn *c, const struct wrec *rec,
                             bool replace)
{
    struct resp_buf *b = conn_buf(c);
    status rc = resp_begin(b, replace ? 6 : 5);

    if (rc == ST_OK)
        rc = resp_arg_str(b, "RESTORE");
    if (rc == ST_OK)
        rc = resp_arg(b, rec->k.name, rec->k.len);
    if (rc == ST_OK)
        rc = resp_arg_ll(b, rec->deadline);
    if (rc == ST_OK)
        rc = resp_arg(b, rec->payload->str, rec->payload->len);
    if (rc == ST_OK)
        rc = resp_arg_str(b, "ABSTTL");
    if (rc == ST_OK && replace)
        rc = resp_arg_str(b, "REPLACE");
    if (rc != ST_OK)
        conn_append_abort(c);
    return rc;
}

/* Parks a write to be sent again after `delay_us`. */
static void park(struct worker *w, struct wrec *rec, int64_t delay_us)
{
    rec->due_us = mono_us() + (delay_us > 1000 ? delay_us : 1000);
    rec->next = w->retry_head;
    w->retry_head = rec;
}

/* Sends a write (new, redirected or retried) to `node`, after ASKING when
 * the slot is being imported there. The record stays counted in
 * writes_out until it settles. */
static void send_write(struct worker *w, struct wrec *rec, int node,
                       bool asking)
{
    char err[512];
    struct conn *c = NULL;

    if (node < 0) { /* no master known for the slot yet */
        park(w, rec, 200000);
        return;
    }
    status rc = dest_conn(w->dst, node, &c, err, sizeof(err));
    if (rc != ST_OK && dest_is_cluster(w->dst)) {
        park(w, rec, 0);
        lose_node(w, node);
        return;
    }
    if (rc != ST_OK) {
        fail_run(w, rc, "%s", err);
        return;
    }
    if (asking && add_simple(c, "ASKING", NULL, TAG_ASKING) != ST_OK)
        asking = false;
    rec->node = node;
    rec->verifying = false;
    if ((rec->set ? encode_set : encode_restore)(c, rec, replaces(w, rec)) !=
        ST_OK) {
        write_failed(w, rec, "the value is larger than one request may be");
        return;
    }
    conn_append_done(c, rec, TAG_RESTORE);
}

static int node_for(const struct worker *w, const struct wrec *rec)
{
    if (!dest_is_cluster(w->dst))
        return 0;
    return dest_node_of_slot(w->dst, cluster_slot(rec->k.name, rec->k.len));
}

/*
 * A DUMP payload ends with the RDB version (2 bytes) and a CRC64 (8 bytes).
 * A destination of another version re-dumps the same value with its own
 * version, so only the body before them is compared.
 */
static uint64_t payload_body_hash(const char *p, size_t len)
{
    return XXH3_64bits(p, len > 10 ? len - 10 : len);
}

/* What a write's value is compared by after a resent write met the key:
 * a payload's body, or a string's bytes. */
static uint64_t value_hash(const struct wrec *rec, const char *p, size_t len)
{
    return rec->set ? XXH3_64bits(p, len) : payload_body_hash(p, len);
}

/* Writes a key: RESTORE of its DUMP payload, or (`set`) SET of the string
 * `value` read whole. */
static status send_value(struct worker *w, struct keyref *k,
                         const redisReply *value, struct execref *xr,
                         int64_t deadline, bool set)
{
    struct wrec *rec = wrec_get(w);

    if (!rec)
        return ST_NOMEM;
    rec->k = *k;
    k->sr = NULL; /* the record holds the reference now */
    rec->payload = value;
    rec->set = set;
    rec->xr = xr;
    xr->refs++;
    rec->deadline = deadline;
    rec->bytes = value->len;
    w->write_bytes += rec->bytes;
    rec->payload_hash =
        replaces(w, rec) ? 0 : value_hash(rec, value->str, value->len);
    w->writes_out++;
    send_write(w, rec, node_for(w, rec), false);
    return ST_OK;
}

/* Settles a key read from the source that is not to be written (the value
 * and its deadline in el[0] and el[1]): a refused read (the run fails),
 * a key gone, expired or counted by a dry run. Else sets *deadline. */
static bool settled_unwritten(struct worker *w, struct keyref *k,
                              redisReply *const *el, int64_t time_ms,
                              int64_t *deadline)
{
    const redisReply *value = el[0], *ttl = el[1];

    *deadline = 0;
    if (value->type == REDIS_REPLY_ERROR || ttl->type == REDIS_REPLY_ERROR) {
        const char *e =
            value->type == REDIS_REPLY_ERROR ? value->str : ttl->str;
        fail_run(w, strncmp(e, "NOPERM", 6) == 0 ? ST_NOPERM : ST_SERVER,
                 "source: reading a key failed: %.300s", e);
        return true;
    }
    if (value->type != REDIS_REPLY_STRING ||
        !deadline_of(w, ttl, time_ms, deadline)) {
        settle(w, k, &w->ctr->skipped); /* gone before it was read */
        return true;
    }
    if (*deadline && *deadline <= wall_ms()) {
        settle(w, k, &w->ctr->expired);
        return true;
    }
    if (w->cfg->dry_run && !w->run->verifying) {
        settle(w, k, &w->ctr->copied);
        return true;
    }
    return false;
}

/* A key read with DUMP: to verify's lane, RESTOREd, or, too big for one
 * RESTORE, copied by type commands. */
static void handle_key(struct worker *w, struct keyref *k,
                       redisReply *const *el, struct execref *xr,
                       int64_t time_ms)
{
    const redisReply *dump = el[0];
    int64_t deadline;
    status rc;

    if (settled_unwritten(w, k, el, time_ms, &deadline))
        return;
    if (w->run->verifying)
        rc = slow_push(w, k, deadline, dump);
    else if (dump->len > w->run->dump_limit)
        rc = slow_push(w, k, 0, NULL); /* too big for one RESTORE */
    else
        rc = send_value(w, k, dump, xr, deadline, false);
    if (rc != ST_OK)
        fail_run(w, ST_NOMEM, "out of memory");
}

/* Puts a key of a strings batch into `*later`, a batch read the DUMP way. */
static void defer_key(struct worker *w, struct keyref *k, struct batch **later)
{
    if (!*later) {
        *later = calloc(1, sizeof(**later));
        if (!*later) {
            fail_run(w, ST_NOMEM, "out of memory");
            return;
        }
        (*later)->node = k->node;
    }
    (*later)->keys[(*later)->n++] = *k;
    k->sr = NULL; /* the later batch holds the reference now */
}

/* Sends on a batch of keys that a strings batch found are not strings,
 * or longer than STRING_WINDOW: to the slow lane when keys go by type
 * commands, else sized first where the source allows, then read with
 * DUMP. */
static void send_later(struct worker *w, struct batch *bt)
{
    if (to_lane(w)) {
        for (int i = 0; i < bt->n; i++)
            if (slow_push(w, &bt->keys[i], 0, NULL) != ST_OK)
                fail_run(w, ST_NOMEM, "out of memory");
        batch_free(bt); /* what slow_push took is NULL there now */
        return;
    }
    status rc = w->run->size_first ? send_sizes(w, bt) : send_read(w, bt);

    if (rc != ST_OK) {
        fail_run(w, ST_NOMEM, "request buffer limit reached");
        batch_free(bt);
        return;
    }
    owe_tokens(w, bt->n * (2.0 + (w->run->size_first ? 1 : 0)));
    w->reads_out += (size_t)bt->n;
}

/* A key of a strings batch: its value (GETRANGE) written with SET, or the
 * key deferred to the DUMP way when it is not a string or longer than the
 * window. */
static void handle_string(struct worker *w, struct keyref *k,
                          redisReply *const *el, struct execref *xr,
                          int64_t time_ms, struct batch **later)
{
    const redisReply *value = el[0];
    int64_t deadline;

    if ((value->type == REDIS_REPLY_ERROR &&
         strncmp(value->str, "WRONGTYPE", 9) == 0) ||
        (value->type == REDIS_REPLY_STRING && value->len > STRING_WINDOW)) {
        defer_key(w, k, later);
        return;
    }
    if (settled_unwritten(w, k, el, time_ms, &deadline))
        return;
    status rc = w->run->verifying ? slow_push_string(w, k, deadline, value)
                                  : send_value(w, k, value, xr, deadline, true);
    if (rc != ST_OK)
        fail_run(w, ST_NOMEM, "out of memory");
}

/* The read window in keys: --pipeline, or fewer when values are big, so
 * that about READ_BYTES_MAX of values are read at once. Each value is
 * held several times over (socket buffer, reply, request to the
 * destination), so a window of 1,024 16 KiB strings cost 70 MiB. */
static size_t read_window(const struct worker *w)
{
    size_t window = (size_t)w->cfg->pipeline;

    if (w->value_bytes > 0 && READ_BYTES_MAX / w->value_bytes < window) {
        size_t by_bytes = (size_t)(READ_BYTES_MAX / w->value_bytes);
        window = by_bytes > 0 ? by_bytes : 1;
    }
    return window;
}

/* Adds a batch's values (strings or payloads, element `at` of each key's
 * group in the EXEC reply `r`) to the running average of a value's size. */
static void note_value_bytes(struct worker *w, const redisReply *r,
                             size_t first, size_t per_key, int n)
{
    size_t bytes = 0;

    for (int i = 0; i < n; i++) {
        const redisReply *v = r->element[first + per_key * (size_t)i];
        if (v->type == REDIS_REPLY_STRING)
            bytes += v->len;
    }
    double avg = n > 0 ? (double)bytes / n : 0;
    w->value_bytes =
        w->value_bytes > 0 ? 0.75 * w->value_bytes + 0.25 * avg : avg;
}

static void on_exec(struct worker *w, struct batch *bt, redisReply *r)
{
    size_t per_key = (w->run->check_type ? 1 : 0) + (bt->lane ? 0 : 2);
    size_t first = bt->with_time ? 1 : 0;
    struct execref *xr = NULL;

    w->reads_out -= (size_t)bt->n;
    if (r->type != REDIS_REPLY_ARRAY ||
        r->elements != first + per_key * (size_t)bt->n) {
        const char *e =
            r->type == REDIS_REPLY_ERROR ? r->str : "unexpected reply";
        fail_run(w, strstr(e, "NOPERM") ? ST_NOPERM : ST_SERVER,
                 "source: reading keys in a transaction failed: %.300s", e);
        goto drop;
    }
    xr = malloc(sizeof(*xr));
    if (!xr) {
        fail_run(w, ST_NOMEM, "out of memory");
        goto drop;
    }
    xr->reply = r;
    xr->refs = 1;

    int64_t time_ms = bt->with_time ? time_reply_ms(r->element[0]) : 0;
    struct batch *later = NULL;
    if (!bt->lane)
        note_value_bytes(w, r, first + (w->run->check_type ? 1 : 0), per_key,
                         bt->n);
    for (int i = 0; i < bt->n; i++) {
        redisReply *const *el = r->element + first + per_key * (size_t)i;
        struct keyref *k = &bt->keys[i];

        if (w->run->check_type) {
            if (!type_selected(w, el[0])) {
                scanref_put(k->sr); /* not selected: not counted */
                continue;
            }
            el++;
        }
        if (bt->lane && slow_push(w, k, 0, NULL) != ST_OK)
            fail_run(w, ST_NOMEM, "out of memory");
        else if (bt->strings)
            handle_string(w, k, el, xr, time_ms, &later);
        else if (!bt->lane)
            handle_key(w, k, el, xr, time_ms);
        if (k->sr) /* not handed to a write record */
            scanref_put(k->sr);
    }
    execref_put(xr);
    free(bt);
    if (later)
        send_later(w, later);
    return;
drop:
    for (int i = 0; i < bt->n; i++)
        scanref_put(bt->keys[i].sr);
    freeReplyObject(r);
    free(bt);
}

/* ---- write replies ------------------------------------------------------- */

static void settle_rec(struct worker *w, struct wrec *rec, _Atomic uint64_t *c)
{
    if (!rec->k.repair) {
        counter_add(c, 1);
        counter_add(&w->ctr->scanned, 1);
    }
    w->writes_out--;
    wrec_put(w, rec);
}

static int dst_db_of(const struct worker *w, int src_db);

/* The destination database the worker writes to now (it switches only
 * when idle, so every write in flight shares it). */
static int dst_db_now(const struct worker *w)
{
    return dst_db_of(w, w->src_db);
}

/* Whether `k` was already written by this run (handed over twice, see the
 * top of this file); remembers it as written from now on. */
static bool written_again(const struct worker *w, const struct keyref *k)
{
    if (!k->edge)
        return false;
    int db = dst_db_now(w);
    bool again = written_has(db, k->name, k->len);
    if (!again)
        written_add(db, k->name, k->len);
    return again;
}

/* A key's second write: it was counted the first time. */
static void settle_again(struct worker *w, struct wrec *rec)
{
    w->writes_out--;
    wrec_put(w, rec);
}

/* A write the destination took: counted as copied, once per key. */
static void written_ok(struct worker *w, struct wrec *rec)
{
    if (written_again(w, &rec->k)) {
        settle_again(w, rec);
        return;
    }
    counter_add(&w->ctr->bytes, rec->bytes);
    settle_rec(w, rec, &w->ctr->copied);
}

static void conflict(struct worker *w, struct wrec *rec)
{
    if (rec->k.repair) { /* the key is there: nothing was lost */
        settle_rec(w, rec, NULL);
        return;
    }
    if (w->cfg->on_conflict == CONFLICT_SKIP) {
        settle_rec(w, rec, &w->ctr->skipped);
        return;
    }
    failures_add(&w->run->failures, rec->k.name, rec->k.len,
                 w->cfg->on_conflict == CONFLICT_FAIL
                     ? "exists on the destination (--on-conflict fail)"
                     : "appeared on the destination during the run, written "
                       "by another client; left as it was");
    settle_rec(w, rec, &w->ctr->failed);
}

/* A key that could not be written. A repair write moves its key from
 * copied to failed, so that the counts still add up. */
static void write_failed(struct worker *w, struct wrec *rec, const char *why)
{
    failures_add(&w->run->failures, rec->k.name, rec->k.len, why);
    if (rec->k.repair) {
        atomic_fetch_sub_explicit(&w->ctr->copied, 1, memory_order_relaxed);
        counter_add(&w->ctr->failed, 1);
    }
    settle_rec(w, rec, &w->ctr->failed);
}

/* Errors after which no other key could be written either. */
static bool fatal_write_error(const char *e)
{
    static const char *const fatal[] = {"NOPERM",     "OOM",    "READONLY",
                                        "MASTERDOWN", "NOAUTH", "MISCONF"};
    for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
        if (strncmp(e, fatal[i], strlen(fatal[i])) == 0)
            return true;
    return false;
}

/* Errors of a cluster in motion, worth waiting out. */
static bool transient_cluster_error(const char *e)
{
    static const char *const busy[] = {"TRYAGAIN", "CLUSTERDOWN", "LOADING",
                                       "MASTERDOWN", "READONLY"};
    for (size_t i = 0; i < sizeof(busy) / sizeof(busy[0]); i++)
        if (strncmp(e, busy[i], strlen(busy[i])) == 0)
            return true;
    return false;
}

/*
 * MOVED <slot> <host>:<port> and ASK <slot> <host>:<port>: the node to send
 * to. An empty host means the node that answered.
 */
static int redirect_node(struct worker *w, const struct wrec *rec,
                         const char *e, uint16_t *slot)
{
    const char *sp = strchr(e, ' ');
    char host[256];
    unsigned long s;

    if (!sp)
        return -1;
    s = strtoul(sp + 1, NULL, 10);
    const char *addr = strchr(sp + 1, ' ');
    const char *colon = addr ? strrchr(addr, ':') : NULL;
    if (!colon || s >= CLUSTER_SLOTS)
        return -1;
    size_t hlen = (size_t)(colon - addr - 1);
    if (hlen >= sizeof(host))
        return -1;
    memcpy(host, addr + 1, hlen);
    host[hlen] = '\0';
    if (hlen == 0) {
        const char *name = dest_node_name(w->dst, rec->node);
        const char *c = strrchr(name, ':');
        const char *h = strstr(name, "://") ? strstr(name, "://") + 3 : name;
        snprintf(host, sizeof(host), "%.*s", (int)(c - h), h);
    }
    *slot = (uint16_t)s;
    return dest_node_at(w->dst, host, atoi(colon + 1));
}

/* Follows a cluster redirect; false when the error is not one. */
static bool redirected(struct worker *w, struct wrec *rec, const char *e)
{
    bool moved = strncmp(e, "MOVED ", 6) == 0;
    bool ask = strncmp(e, "ASK ", 4) == 0;
    uint16_t slot;

    if (!moved && !ask)
        return false;
    int node = redirect_node(w, rec, e, &slot);
    if (node < 0) {
        fail_run(w, ST_PROTOCOL, "destination: cannot follow %.200s", e);
        return true;
    }
    if (moved)
        dest_set_slot(w->dst, slot, node);
    counter_add(&w->ctr->redirects, 1);
    send_write(w, rec, node, ask);
    return true;
}

/* Waits out a busy cluster: again after a backoff, up to RETRY_MAX. */
static void retry_later(struct worker *w, struct wrec *rec, const char *e)
{
    if (++rec->attempts > RETRY_MAX) {
        fail_run(w, ST_SERVER, "destination %s kept refusing writes: %.200s",
                 dest_node_name(w->dst, rec->node), e);
        settle_rec(w, rec, &w->ctr->failed);
        return;
    }
    int64_t delay_ms = rec->attempts < 20 ? 10 * rec->attempts : 200;
    park(w, rec, delay_ms * 1000);
}

/* RESTORE's refusals of a payload the destination cannot read. */
static bool payload_refused(const struct worker *w, const char *e)
{
    return w->cfg->mode == MODE_AUTO &&
           (strstr(e, "payload version") || strstr(e, "Bad data format"));
}

/* Reads back what the destination holds under a write's key, to compare
 * with what was sent (on_verify): DUMP for a payload, GETRANGE k 0 -1 for
 * a string. */
static bool read_back(struct worker *w, struct wrec *rec)
{
    const char *argv[] = {rec->set ? "GETRANGE" : "DUMP", rec->k.name, "0",
                          "-1"};
    size_t lens[] = {strlen(argv[0]), rec->k.len, 1, 2};
    struct conn *c = NULL;
    char err[256];

    if (dest_conn(w->dst, rec->node, &c, err, sizeof(err)) != ST_OK ||
        resp_command(conn_buf(c), rec->set ? 4 : 2, argv, lens) != ST_OK)
        return false;
    rec->verifying = true;
    conn_append_done(c, rec, TAG_VERIFY);
    return true;
}

static void on_restore(struct worker *w, struct wrec *rec, unsigned flags,
                       redisReply *r)
{
    const char *e = r->type == REDIS_REPLY_ERROR ? r->str : NULL;
    bool cluster = dest_is_cluster(w->dst);

    if (r->type == REDIS_REPLY_STATUS) {
        /* ABSTTL with a past deadline answers OK and creates nothing. */
        if (rec->deadline && rec->deadline <= wall_ms()) {
            settle_rec(w, rec, &w->ctr->expired);
        } else if (rec->k.repair) {
            counter_add(&w->ctr->rewritten, 1);
            settle_rec(w, rec, NULL);
        } else {
            written_ok(w, rec);
        }
    } else if (rec->set ? r->type == REDIS_REPLY_NIL
                        : e && strncmp(e, "BUSYKEY", 7) == 0) {
        int db = dst_db_now(w);
        if (!rec->k.repair && rec->k.edge &&
            written_has(db, rec->k.name, rec->k.len)) {
            settle_again(w, rec);
        } else if (((flags & CONN_RESENT) || rec->resent) && !rec->k.repair) {
            /* Our first attempt may have landed: compare values. */
            if (!read_back(w, rec))
                conflict(w, rec);
        } else {
            conflict(w, rec);
        }
    } else if (e && payload_refused(w, e)) {
        /* Another RDB version, or a module the destination lacks: this
         * key and, once one is refused, every later one by type
         * commands. */
        atomic_store(&w->run->payload_refused, true);
        atomic_store(&w->run->by_struct, true);
        if (slow_push(w, &rec->k, 0, NULL) != ST_OK)
            fail_run(w, ST_NOMEM, "out of memory");
        w->writes_out--;
        wrec_put(w, rec);
    } else if (e && cluster && redirected(w, rec, e)) {
        /* sent again */
    } else if (e && cluster && transient_cluster_error(e)) {
        retry_later(w, rec, e);
    } else if (e && fatal_write_error(e)) {
        fail_run(w, strncmp(e, "NOPERM", 6) ? ST_SERVER : ST_NOPERM,
                 "destination %s: RESTORE refused: %.300s",
                 dest_node_name(w->dst, rec->node), e);
        write_failed(w, rec, e);
    } else {
        write_failed(w, rec, e ? e : "unexpected reply");
    }
    freeReplyObject(r);
}

static void on_verify(struct worker *w, struct wrec *rec, redisReply *r)
{
    if (r->type == REDIS_REPLY_STRING &&
        value_hash(rec, r->str, r->len) == rec->payload_hash) {
        written_ok(w, rec);
    } else {
        conflict(w, rec);
    }
    freeReplyObject(r);
}

/* Sends the writes whose wait is over. */
static void issue_retries(struct worker *w)
{
    int64_t now = mono_us();
    struct wrec **pp = &w->retry_head;

    while (*pp && !aborted(w)) {
        struct wrec *rec = *pp;
        if (rec->due_us > now) {
            pp = &rec->next;
            continue;
        }
        *pp = rec->next;
        rec->next = NULL;
        send_write(w, rec, node_for(w, rec), false);
        /* Records parked meanwhile are due after `now`: start over. */
        pp = &w->retry_head;
    }
}

/* An error inside a source transaction, or a refused SELECT. */
static void source_refused(struct worker *w, const char *e)
{
    if (strncmp(e, "MOVED ", 6) == 0 || strncmp(e, "ASK ", 4) == 0 ||
        strncmp(e, "TRYAGAIN", 8) == 0) {
        fail_run(w, ST_UNSUPPORTED,
                 "source: a slot moved during the copy (%.100s): the source "
                 "cluster failed over or is being resharded, which this "
                 "version does not follow on the source; run the copy again "
                 "when the source cluster is stable (with --on-conflict "
                 "replace)",
                 e);
        return;
    }
    fail_run(w, strncmp(e, "NOPERM", 6) ? ST_SERVER : ST_NOPERM,
             "source: a command was refused: %.300s", e);
}

/* ---- reply dispatch ------------------------------------------------------ */

/*
 * A request its connection dropped unanswered. While a lost destination
 * node is replaced, its writes are parked to go to the new owner of their
 * slot (they may have landed: marked resent). Otherwise the worker is
 * stopping: release what the request held, count nothing.
 */
static void on_dropped(struct worker *w, void *ctx, uint32_t tag)
{
    if (tag == TAG_EXEC || tag == TAG_SIZES) {
        struct batch *bt = ctx;
        w->reads_out -= (size_t)bt->n;
        batch_free(bt);
    } else if ((tag == TAG_RESTORE || tag == TAG_VERIFY) && w->rerouting) {
        struct wrec *rec = ctx;
        rec->resent = true;
        park(w, rec, 0);
    } else if (tag == TAG_RESTORE || tag == TAG_VERIFY) {
        w->writes_out--;
        wrec_put(w, ctx);
    }
}

static void on_reply(void *owner, void *ctx, uint32_t tag, unsigned flags,
                     redisReply *r)
{
    struct worker *w = owner;

    if (!r) {
        on_dropped(w, ctx, tag);
        return;
    }
    switch ((enum tag)tag) {
    case TAG_SCAN:
        on_scan(w, ctx, r);
        return;
    case TAG_PROBE:
        on_probe(w, ctx, r);
        return;
    case TAG_TXN_PART:
    case TAG_SELECT:
        if (r->type == REDIS_REPLY_ERROR)
            source_refused(w, r->str);
        break;
    case TAG_EXEC:
        on_exec(w, ctx, r);
        return;
    case TAG_SIZES:
        on_sizes(w, ctx, r);
        return;
    case TAG_RESTORE:
        on_restore(w, ctx, flags, r);
        return;
    case TAG_VERIFY:
        on_verify(w, ctx, r);
        return;
    case TAG_ASKING: /* the RESTORE after it says how it went */
        break;
    }
    freeReplyObject(r);
}

/* ---- the slow lane ------------------------------------------------------- */

static struct conn_cfg conn_settings(struct worker *w);

/* --max-ops for the lane's source reads: waits for the budget. */
static void lane_pace(void *arg, size_t requests)
{
    struct worker *w = arg;
    double n = (double)requests < w->burst ? (double)requests : w->burst;
    struct timespec ts = {0, 2000000L};

    while (w->rate > 0 && !stopping(w) && !take_tokens(w, n))
        nanosleep(&ts, NULL);
}

static status open_lane(struct worker *w)
{
    char err[512];
    struct sio_cfg sc = {
        .src_nodes = w->run->src_nodes,
        .n_src_nodes = w->run->n_src_nodes,
        .src = conn_settings(w),
        .dst_seed = w->cfg->dry_run ? NULL : &w->cfg->dest,
        .dst_topo = w->run->dst_topo,
        .dst = conn_settings(w),
        .force_poll = w->run->force_poll,
        .pace = lane_pace,
        .pace_arg = w,
    };

    /* A signal stops the lane too, between two of its requests. */
    sc.src.stop = sc.dst.stop = &w->run->stop;
    sc.src.role = "source";
    sc.src.client_name = w->client_src;
    sc.src.no_touch = w->run->no_touch;
    sc.src.readonly = w->run->src_readonly;
    sc.src.check_restart = true;
    sc.dst.role = "destination";
    sc.dst.client_name = w->client_dst;
    sc.dst.check_restart = true;
    status rc = sio_open(&w->sio, &sc, err, sizeof(err));
    if (rc != ST_OK) {
        fail_run(w, rc, "%s", err);
        return rc;
    }
    snprintf(w->lane_token, sizeof(w->lane_token), "%s-%d", w->run->token,
             w->id);
    w->sc = (struct sc_ctx){
        .sio = w->sio,
        .use_pexpiretime = w->run->use_pexpiretime,
        .src_cluster = w->run->src_cluster,
        .max_bulk = w->run->max_bulk,
        .token = w->lane_token,
        .use_memory_usage = w->run->size_first,
    };
    return ST_OK;
}

/* Counts a lane key that met a key already on the destination. */
static void lane_conflict(struct worker *w, struct slowkey *sk)
{
    if (sk->k.repair || w->cfg->on_conflict == CONFLICT_SKIP) {
        settle(w, &sk->k, sk->k.repair ? NULL : &w->ctr->skipped);
        return;
    }
    failures_add(&w->run->failures, sk->k.name, sk->k.len,
                 w->cfg->on_conflict == CONFLICT_FAIL
                     ? "exists on the destination (--on-conflict fail)"
                     : "appeared on the destination during the run, written "
                       "by another client; left as it was");
    settle(w, &sk->k, &w->ctr->failed);
}

static void lane_settle(struct worker *w, struct slowkey *sk,
                        const struct sc_result *res)
{
    switch (res->out) {
    case SC_COPIED:
        if (sk->k.repair) { /* its own earlier write was there: not lost */
            if (!res->own)
                counter_add(&w->ctr->rewritten, 1);
        } else if (res->own) { /* handed over twice: counted already */
            scanref_put(sk->k.sr);
            sk->k.sr = NULL;
            break;
        } else {
            counter_add(&w->ctr->bytes, res->bytes);
            counter_add(&w->ctr->by_struct, 1);
        }
        settle(w, &sk->k, &w->ctr->copied);
        break;
    case SC_GONE:
        settle(w, &sk->k, &w->ctr->skipped);
        break;
    case SC_EXPIRED:
        settle(w, &sk->k, &w->ctr->expired);
        break;
    case SC_EXISTS:
        lane_conflict(w, sk);
        break;
    case SC_FAILED:
        failures_add(&w->run->failures, sk->k.name, sk->k.len, res->why);
        if (sk->k.repair) {
            atomic_fetch_sub_explicit(&w->ctr->copied, 1, memory_order_relaxed);
            counter_add(&w->ctr->failed, 1);
        }
        settle(w, &sk->k, &w->ctr->failed);
        break;
    }
}

static status verify_full(struct worker *w, struct slowkey *sk,
                          struct cmp_result *res);

/* A RENAMENX refused after a reconnect may have met this run's own first
 * attempt: the key counts as copied when it equals the source's. */
static bool own_write(struct worker *w, struct slowkey *sk)
{
    struct cmp_result res = {.kind = CMP_VALUE};
    return verify_full(w, sk, &res) == ST_OK && res.kind == CMP_EQUAL;
}

/* Keys by type commands: the lane's keys from `first` on that share its
 * source node, SC_BATCH_MAX at most, in one sc_copy_many(). Returns how
 * many it took. */
static size_t lane_copy(struct worker *w, size_t first)
{
    struct sc_result res[SC_BATCH_MAX];
    struct sc_key k[SC_BATCH_MAX];
    size_t n = 0, max = SC_BATCH_MAX;

    /* --max-ops: each source pipeline within one burst, as the reading
     * transactions' keys are. */
    if (w->rate > 0 && w->burst / SC_BATCH_READS < max)
        max = w->burst >= SC_BATCH_READS ? (size_t)(w->burst / SC_BATCH_READS)
                                         : 1;
    for (; first + n < w->slow_n && n < max; n++) {
        const struct slowkey *sk = &w->slow[first + n];
        if (sk->k.node != w->slow[first].k.node)
            break;
        k[n] = (struct sc_key){
            .name = sk->k.name,
            .len = sk->k.len,
            .node = sk->k.node,
            .src_db = w->src_db,
            .dst_db = dst_db_of(w, w->src_db),
            .replace = w->cfg->on_conflict == CONFLICT_REPLACE && !sk->k.repair,
            .remember = sk->k.edge,
        };
    }
    if (w->cfg->dry_run) {
        for (size_t i = 0; i < n; i++)
            settle(w, &w->slow[first + i].k, &w->ctr->copied);
        return n;
    }
    status rc = sc_copy_many(&w->sc, k, n, res);
    if (rc == ST_INTERRUPTED)
        return n; /* left uncounted, some maybe written; their temporary
                     keys go next run */
    if (rc != ST_OK) {
        fail_run(w, rc, "%s", w->sc.err[0] ? w->sc.err : sio_error(w->sio));
        return n;
    }
    for (size_t i = 0; i < n; i++) {
        struct slowkey *sk = &w->slow[first + i];
        if (res[i].out == SC_EXISTS && res[i].maybe_own && own_write(w, sk)) {
            res[i].out = SC_COPIED;
            if (k[i].remember)
                written_add(k[i].dst_db, k[i].name, k[i].len);
        }
        lane_settle(w, sk, &res[i]);
    }
    return n;
}

/* Counts one key verify compared, and lists a difference. */
static void verified(struct worker *w, struct slowkey *sk,
                     const struct cmp_result *res)
{
    static const size_t offsets[] = {
        [CMP_MISSING] = offsetof(struct counters, diff_missing),
        [CMP_EXTRA] = offsetof(struct counters, diff_extra),
        [CMP_TYPE] = offsetof(struct counters, diff_type),
        [CMP_VALUE] = offsetof(struct counters, diff_value),
        [CMP_TTL] = offsetof(struct counters, diff_ttl),
    };

    counter_add(&w->ctr->scanned, 1); /* for the progress line */
    if (res->kind == CMP_GONE) {      /* gone from the source meanwhile */
        scanref_put(sk->k.sr);
        sk->k.sr = NULL;
        return;
    }
    counter_add(&w->ctr->compared, 1);
    if (res->kind == CMP_EQUAL) {
        counter_add(&w->ctr->equal, 1);
    } else {
        counter_add((_Atomic uint64_t *)((char *)w->ctr + offsets[res->kind]),
                    1);
        char detail[sizeof(res->detail) + 32];
        int db = dst_db_of(w, w->src_db);
        if (db > 0) /* a key name can be in several databases */
            snprintf(detail, sizeof(detail), "in database %d: %s", db,
                     res->detail);
        else
            snprintf(detail, sizeof(detail), "%s", res->detail);
        failures_add_kind(&w->run->diffs, sk->k.name, sk->k.len,
                          cmp_kind_name(res->kind), detail);
    }
    scanref_put(sk->k.sr);
    sk->k.sr = NULL;
}

/* The destination's deadline from PTTL read at `now`: 0 for none. */
static int64_t pttl_deadline(const redisReply *r, int64_t now)
{
    return r->type == REDIS_REPLY_INTEGER && r->integer >= 0 ? now + r->integer
                                                             : 0;
}

/* Whether the destination's payload `dump` holds the value the source
 * dumped: the same body, or the same elements of a set, hash or sorted
 * set in another order (digest.h). */
static bool same_payload(const struct slowkey *sk, const redisReply *ttl,
                         const redisReply *dump)
{
    struct digest d;

    if (!sk->dumped || !dump || dump->type != REDIS_REPLY_STRING)
        return false;
    if (sk->whole_string) /* GETRANGE: "" for a missing key too */
        return ttl &&
               !(ttl->type == REDIS_REPLY_INTEGER && ttl->integer == -2) &&
               XXH3_64bits(dump->str, dump->len) == sk->payload_hash;
    if (payload_body_hash(dump->str, dump->len) == sk->payload_hash)
        return true;
    return sk->digested && digest_payload(dump->str, dump->len, &d) &&
           digest_equal(&d, &sk->digest);
}

/* Compares one key from its destination PTTL and DUMP (GETRANGE for a
 * string read whole). Equal values settle it here; false when it needs
 * the full comparison of compare.c. */
static bool verify_fast(struct worker *w, struct slowkey *sk,
                        const redisReply *ttl, const redisReply *dump,
                        int64_t now)
{
    struct cmp_result res = {.kind = CMP_EQUAL};

    if (sk->deadline && sk->deadline <= now) { /* expired meanwhile */
        res.kind = CMP_GONE;
        verified(w, sk, &res);
        return true;
    }
    if (!same_payload(sk, ttl, dump))
        return false;
    int64_t d = pttl_deadline(ttl, now);
    int64_t gap = d > sk->deadline ? d - sk->deadline : sk->deadline - d;
    if ((d == 0) != (sk->deadline == 0) || gap > w->cfg->ttl_tolerance_ms) {
        res.kind = CMP_TTL;
        if (d == 0 || sk->deadline == 0)
            snprintf(res.detail, sizeof(res.detail), "%s",
                     d == 0 ? "lost TTL" : "gained TTL");
        else
            snprintf(res.detail, sizeof(res.detail), "deadline %lld ms %s",
                     (long long)gap, d > sk->deadline ? "later" : "earlier");
    }
    verified(w, sk, &res);
    return true;
}

/* The full comparison of one key (compare.c) into *res. */
static status verify_full(struct worker *w, struct slowkey *sk,
                          struct cmp_result *res)
{
    struct cmp_ctx cc = {
        .sio = w->sio,
        .use_pexpiretime = w->run->use_pexpiretime,
        .ttl_tolerance = w->cfg->ttl_tolerance_ms,
    };
    struct cmp_key k = {
        .name = sk->k.name,
        .len = sk->k.len,
        .node = sk->k.node,
        .src_db = w->src_db,
        .dst_db = dst_db_of(w, w->src_db),
    };
    status rc = cmp_key(&cc, &k, res);
    if (rc != ST_OK && rc != ST_INTERRUPTED)
        fail_run(w, rc, "verify: %s", res->detail);
    return rc;
}

/* The lane keys from `first` that live on the same destination node, at
 * most VERIFY_GROUP: one pipeline of PTTL and DUMP. */
static size_t verify_group_size(struct worker *w, size_t first)
{
    const struct slowkey *a = &w->slow[first];
    int node = sio_dst_node(w->sio, cluster_slot(a->k.name, a->k.len));
    size_t n = 1;

    while (first + n < w->slow_n && n < VERIFY_GROUP) {
        const struct slowkey *b = &w->slow[first + n];
        if (sio_dst_node(w->sio, cluster_slot(b->k.name, b->k.len)) != node)
            break;
        n++;
    }
    return n;
}

static status verify_group(struct worker *w, size_t first, size_t n)
{
    const struct slowkey *a = &w->slow[first];
    bool again = true;
    status rc = ST_OK;

    for (int tries = 0; again && tries < 50 && rc == ST_OK; tries++) {
        sio_begin(w->sio, SIO_DST, cluster_slot(a->k.name, a->k.len),
                  dst_db_of(w, w->src_db));
        for (size_t i = first; i < first + n && rc == ST_OK; i++) {
            const char *argv[4] = {"PTTL", w->slow[i].k.name, "0", WINDOW_ARG};
            size_t lens[4] = {4, w->slow[i].k.len, 1, strlen(WINDOW_ARG)};
            rc = sio_cmd(w->sio, 2, argv, lens);
            bool whole = w->slow[i].whole_string;
            argv[0] = whole ? "GETRANGE" : "DUMP";
            lens[0] = strlen(argv[0]);
            if (rc == ST_OK)
                rc = sio_cmd(w->sio, whole ? 4 : 2, argv, lens);
        }
        if (rc == ST_OK)
            rc = sio_send(w->sio, &again);
    }
    if (rc == ST_OK && again) {
        fail_run(w, ST_SERVER, "destination %s kept redirecting reads",
                 sio_node_name(w->sio));
        return ST_SERVER;
    }
    /* The full comparisons use the lane too: first settle every key the
     * replies decide, then compare the others one by one. */
    bool full[VERIFY_GROUP] = {false};
    int64_t now = wall_ms();
    for (size_t i = 0; i < n && rc == ST_OK; i++)
        full[i] = !verify_fast(w, &w->slow[first + i], sio_reply(w->sio, 2 * i),
                               sio_reply(w->sio, 2 * i + 1), now);
    for (size_t i = 0; i < n && rc == ST_OK; i++) {
        struct cmp_result res = {.kind = CMP_EQUAL};
        if (full[i] &&
            (rc = verify_full(w, &w->slow[first + i], &res)) == ST_OK)
            verified(w, &w->slow[first + i], &res);
    }
    return rc;
}

static void lane_verify(struct worker *w)
{
    for (size_t i = 0; i < w->slow_n && !stopping(w);) {
        size_t n = verify_group_size(w, i);
        status rc = verify_group(w, i, n);
        if (rc != ST_OK) {
            if (!stopping(w)) /* verify_full has said why */
                fail_run(w, rc, "verify: %s", sio_error(w->sio));
            return;
        }
        i += n;
    }
}

/* Lets go of the lane's keys (the ones not run when stopping). */
static void lane_clear(struct worker *w)
{
    for (size_t i = 0; i < w->slow_n; i++)
        scanref_put(w->slow[i].k.sr);
    w->slow_n = 0;
}

/* Runs every key waiting in the slow lane. */
static void run_lane(struct worker *w)
{
    if (w->slow_n == 0 || aborted(w))
        return;
    if (!w->sio && open_lane(w) != ST_OK)
        return;
    if (w->run->verifying)
        lane_verify(w);
    else
        for (size_t i = 0; i < w->slow_n && !stopping(w);)
            i += lane_copy(w, i);
    lane_clear(w);
}

/* ---- a lost destination node --------------------------------------------- */

static status push_repair(struct worker *w, const struct scan_range *r)
{
    if (w->n_repairs == w->cap_repairs) {
        size_t cap = w->cap_repairs ? w->cap_repairs * 2 : 64;
        struct scan_range *p = realloc(w->repairs, cap * sizeof(*p));
        if (!p)
            return ST_NOMEM;
        w->repairs = p;
        w->cap_repairs = cap;
    }
    w->repairs[w->n_repairs++] = *r;
    return ST_OK;
}

/* The ranges whose writes the lost node may have acknowledged without
 * passing them on: those finished lately and those being walked. */
static status plan_repairs(struct worker *w)
{
    int64_t since = wall_ms() - REPAIR_WINDOW;
    status rc = ST_OK;

    for (size_t i = 0; i < w->recent_n && rc == ST_OK; i++)
        if (w->recent[i].end_ms >= since)
            rc = push_repair(w, &w->recent[i].r);
    for (int i = 0; i < WALKS_MAX && rc == ST_OK; i++)
        if (w->walks[i].active && !w->walks[i].repair)
            rc = push_repair(w, &w->walks[i].r);
    return rc;
}

/*
 * A destination node cannot be reached: its requests are parked, the
 * topology is read again until a replica has taken over its slots, and
 * recent ranges are walked again for the keys of those slots.
 */
static void lose_node(struct worker *w, int node)
{
    char err[512];

    if (aborted(w))
        return;
    w->rerouting = true;
    status rc = dest_refresh(w->dst, node, w->lost_slots, FAILOVER_WAIT, err,
                             sizeof(err));
    w->rerouting = false;
    if (rc != ST_OK) {
        fail_run(w, rc, "%s", err);
        return;
    }
    counter_add(&w->ctr->reconnects, 1);
    if (plan_repairs(w) != ST_OK)
        fail_run(w, ST_NOMEM, "out of memory planning a repair pass");
}

/* ---- scheduling ---------------------------------------------------------- */

static int dst_db_of(const struct worker *w, int src_db)
{
    return w->run->db_target[src_db];
}

static size_t src_outstanding(const struct worker *w)
{
    size_t n = 0;
    for (int i = 0; i < w->run->n_src_nodes; i++)
        if (w->srcs[i])
            n += conn_outstanding(w->srcs[i]);
    return n;
}

static bool idle(const struct worker *w)
{
    for (int i = 0; i < WALKS_MAX; i++)
        if (w->walks[i].active)
            return false;
    return w->todo.n == 0 && w->reads_out == 0 && w->writes_out == 0 &&
           w->slow_n == 0 && src_outstanding(w) == 0 &&
           (!w->dst || dest_outstanding(w->dst) == 0);
}

static status select_db(struct conn *c, int db, int *cur)
{
    char n[16];
    const char *argv[] = {"SELECT", n};

    snprintf(n, sizeof(n), "%d", db);
    status rc = resp_command(conn_buf(c), 2, argv, NULL);
    if (rc != ST_OK)
        return rc;
    conn_append_done(c, NULL, TAG_SELECT);
    conn_set_db(c, db);
    *cur = db;
    return ST_OK;
}

static struct conn_cfg conn_settings(struct worker *w)
{
    return (struct conn_cfg){
        .connect_timeout_ms = 5000,
        .reply_timeout_ms = 60000,
        .max_retries = 10,
        .max_request_bytes = 64u << 20,
        .stop = &w->run->abort,
        .reconnects = &w->ctr->reconnects,
        .tls_resumed = &w->ctr->tls_resumed,
    };
}

/* The connection to source node `node`, opened on first use. */
static status src_conn(struct worker *w, int node)
{
    char err[512];
    struct conn_cfg cc = conn_settings(w);

    if (w->srcs[node])
        return ST_OK;
    cc.ep = &w->run->src_nodes[node];
    cc.role = "source";
    cc.client_name = w->client_src;
    cc.no_touch = w->run->no_touch;
    cc.readonly = w->run->src_readonly;
    cc.check_restart = true;
    cc.db = w->src_db;
    status rc =
        conn_open(&w->srcs[node], w->loop, &cc, on_reply, w, err, sizeof(err));
    if (rc != ST_OK)
        fail_run(w, rc, "%s", err);
    return rc;
}

/* The single source and destination connections of a standalone run
 * switch databases; a cluster has only database 0. */
static bool needs_switch(const struct worker *w, const struct scan_range *r)
{
    int dst_db = dst_db_of(w, r->db);
    bool dst_standalone = w->dst && !dest_is_cluster(w->dst);
    return r->db != w->src_db || (dst_standalone && dst_db != w->dst_db);
}

static void switch_db(struct worker *w, const struct scan_range *r)
{
    int dst_db = dst_db_of(w, r->db);
    struct conn *d = NULL;
    char err[256];

    if (r->db != w->src_db)
        select_db(w->srcs[r->node], r->db, &w->src_db);
    if (w->dst && !dest_is_cluster(w->dst) && dst_db != w->dst_db &&
        dest_conn(w->dst, 0, &d, err, sizeof(err)) == ST_OK)
        select_db(d, dst_db, &w->dst_db);
}

/* Starts walking `r` in a free walk slot; switches databases first when the
 * worker is idle, else holds the range until it is. */
static void start_range(struct worker *w, struct scan_range *r, bool repair)
{
    if (src_conn(w, r->node) != ST_OK)
        return;
    if (needs_switch(w, r)) {
        if (!idle(w)) {
            w->held_range = r;
            return;
        }
        switch_db(w, r);
    }
    w->held_range = NULL;
    for (int i = 0; i < WALKS_MAX; i++) {
        struct walk *wk = &w->walks[i];
        if (wk->active)
            continue;
        wk->active = true;
        wk->r = *r;
        wk->cursor = r->start;
        wk->dst_db = dst_db_of(w, r->db);
        wk->replies = 0;
        wk->probing = false;
        wk->repair = repair;
        return;
    }
}

static int free_walks(const struct worker *w)
{
    int n = 0;
    for (int i = 0; i < WALKS_MAX; i++)
        n += !w->walks[i].active;
    return n;
}

static void take_ranges(struct worker *w)
{
    while (free_walks(w) > 0 && !aborted(w)) {
        if (!w->held_range && w->n_repairs > 0) {
            struct scan_range r = w->repairs[--w->n_repairs];
            start_range(w, &r, true);
            continue;
        }
        struct scan_range *r = w->held_range;
        if (!r && !w->queue_empty) {
            r = rangeq_pop(w->run->queue);
            if (!r)
                w->queue_empty = true;
        }
        if (!r)
            return;
        start_range(w, r, false);
        if (w->held_range)
            return;
    }
}

static void issue_scans(struct worker *w)
{
    size_t low_water = (size_t)w->cfg->scan_count * 2;

    for (int i = 0; i < WALKS_MAX; i++) {
        struct walk *wk = &w->walks[i];
        if (!wk->active || wk->scan_out || wk->probing)
            continue;
        if (w->todo.n >= low_water || !take_tokens(w, 1))
            return;
        if (send_scan(w, wk, wk->cursor, TAG_SCAN) != ST_OK)
            fail_run(w, ST_NOMEM, "request buffer limit reached");
    }
}

static void issue_reads(struct worker *w)
{
    size_t window = read_window(w);
    double per_key = (w->run->check_type ? 3 : 2) +
                     (w->run->size_first && !strings_first(w) ? 1 : 0);

    while (w->todo.n > 0 && !aborted(w) && w->slow_n < SLOW_MAX) {
        if (straight_to_lane(w)) { /* nothing to read first */
            struct keyref k = keyq_pop(&w->todo);
            if (slow_push(w, &k, 0, NULL) != ST_OK)
                fail_run(w, ST_NOMEM, "out of memory");
            continue;
        }
        /* A batch never exceeds the window, or it could never be sent. */
        size_t most = window < BATCH_KEYS ? window : BATCH_KEYS;
        size_t n = txn_size(w, w->todo.n < most ? w->todo.n : most);
        if (w->rate > 0 && n * per_key > w->burst)
            n = (size_t)(w->burst / per_key) ? (size_t)(w->burst / per_key) : 1;
        if (w->reads_out + n > window ||
            w->reads_out + w->writes_out + n > 2 * window ||
            w->write_bytes > WRITE_BYTES_MAX)
            return;
        if (!take_tokens(w, (double)n * per_key))
            return;
        if (send_batch(w, (int)n) != ST_OK) {
            fail_run(w, ST_NOMEM, "request buffer limit reached");
            return;
        }
    }
}

static bool finished(const struct worker *w)
{
    return w->queue_empty && !w->held_range && w->n_repairs == 0 && idle(w);
}

/* ---- thread -------------------------------------------------------------- */

static status open_dest(struct worker *w, char *err, size_t errlen)
{
    struct dest_cfg dc = {
        .seed = &w->cfg->dest,
        .topo = w->run->dst_topo,
        .conn = conn_settings(w),
        .loop = w->loop,
        .on_reply = on_reply,
        .owner = w,
    };

    snprintf(w->client_dst, sizeof(w->client_dst), "redis-migrate-write-%d",
             w->id);
    dc.conn.role = "destination";
    dc.conn.check_restart = true;
    dc.conn.client_name = w->client_dst;
    dc.conn.db = w->dst_db;
    if (w->run->dst_topo) {
        /* A lost node is replaced by asking the cluster, not by waiting
         * for it: give up on it sooner. */
        dc.conn.connect_timeout_ms = 1000;
        dc.conn.max_retries = 3;
    }
    return dest_new(&w->dst, &dc, err, errlen);
}

static status service(struct worker *w)
{
    int failed;
    status rc;

    for (int i = 0; i < w->run->n_src_nodes; i++) {
        if (!w->srcs[i] || (rc = conn_service(w->srcs[i])) == ST_OK)
            continue;
        copy_run_fail(w->run, rc, conn_error_msg(w->srcs[i]));
        return rc;
    }
    if (!w->dst)
        return ST_OK;
    while ((rc = dest_service(w->dst, &failed)) != ST_OK) {
        struct conn *c = NULL;
        char err[64];
        if (!dest_is_cluster(w->dst)) {
            dest_conn(w->dst, failed, &c, err, sizeof(err));
            copy_run_fail(w->run, rc, conn_error_msg(c));
            return rc;
        }
        lose_node(w, failed);
        if (aborted(w))
            return ST_INTERRUPTED;
    }
    return ST_OK;
}

static int wait_ms(const struct worker *w)
{
    if (w->retry_head)
        return 5;
    /* Keys that go straight to the lane: take them now rather than wait
     * for a reply that nothing asked for. */
    if (straight_to_lane(w) && w->todo.n > 0)
        return 0;
    if (w->rate > 0 && w->tokens < 2)
        return 5;
    return 100;
}

static void run_loop(struct worker *w)
{
    int64_t drain_until = 0;

    for (;;) {
        if (stopping(w)) {
            /* Let the writes in flight answer, so that the counts are
             * true, also when an error stops the run. */
            if (!drain_until)
                drain_until = mono_us() + DRAIN_MS * 1000;
            if (w->writes_out == 0 || mono_us() > drain_until)
                break;
            if (!aborted(w))
                issue_retries(w);
        } else {
            take_ranges(w);
            issue_scans(w);
            issue_reads(w);
            issue_retries(w);
            run_lane(w);
            if (finished(w))
                break;
        }
        if (service(w) != ST_OK)
            break;
        if (ioloop_wait(w->loop, wait_ms(w)) != ST_OK) {
            copy_run_fail(w->run, ST_IO, "the event loop failed");
            break;
        }
    }
}

static void worker_cleanup(struct worker *w)
{
    for (int i = 0; i < WALKS_MAX; i++) {
        scanref_put(w->walks[i].held);
        w->walks[i].held = NULL;
    }
    for (int i = 0; i < w->run->n_src_nodes; i++) {
        conn_close(w->srcs[i]);
        w->srcs[i] = NULL;
    }
    dest_free(w->dst);
    w->dst = NULL;
    lane_clear(w);
    sio_free(w->sio);
    w->sio = NULL;
    /* Parked writes and queued keys reference replies: release them. */
    while (w->retry_head) {
        struct wrec *rec = w->retry_head;
        w->retry_head = rec->next;
        w->writes_out--;
        wrec_put(w, rec);
    }
    while (w->todo.n) {
        struct keyref k = keyq_pop(&w->todo);
        scanref_put(k.sr);
    }
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    char err[512];
    char why[160];

    log_set_thread_name(w->name);
    snprintf(w->client_src, sizeof(w->client_src), "redis-migrate-read-%d",
             w->id);
    if (ioloop_new(&w->loop, 8, w->run->force_poll, why, sizeof(why)) !=
        ST_OK) {
        copy_run_fail(w->run, ST_NOMEM, "out of memory creating a loop");
        goto out;
    }
    if (src_conn(w, 0) != ST_OK)
        goto out;
    if (!w->cfg->dry_run && open_dest(w, err, sizeof(err)) != ST_OK) {
        copy_run_fail(w->run, ST_CONNECT, err);
        goto out;
    }
    run_loop(w);
out:
    worker_cleanup(w);
    atomic_store(&w->done, true);
    return NULL;
}

/* ---- public -------------------------------------------------------------- */

static void worker_free(struct worker *w)
{
    for (int i = 0; i < WALKS_MAX; i++) {
        keyset_free(&w->walks[i].seen);
        keyset_free(&w->walks[i].probe);
    }
    while (w->free_recs) {
        struct wrec *r = w->free_recs;
        w->free_recs = r->next;
        free(r);
    }
    free(w->todo.items);
    free(w->slow);
    free(w->srcs);
    free(w->recent);
    free(w->repairs);
    free(w->lost_slots);
    ioloop_free(w->loop);
    free(w);
}

static void set_rate(struct worker *w)
{
    if (w->cfg->max_ops <= 0)
        return;
    w->rate = (double)w->cfg->max_ops / w->cfg->threads;
    w->burst = w->rate / 10 > 4 ? w->rate / 10 : 4;
    w->tokens = w->burst;
    w->last_refill_us = mono_us();
}

status worker_start(struct worker **out, struct copy_run *run, int id)
{
    struct worker *w = calloc(1, sizeof(*w));

    *out = NULL;
    if (!w)
        return ST_NOMEM;
    w->id = id;
    w->run = run;
    w->cfg = run->cfg;
    w->ctr = &run->counters[id];
    snprintf(w->name, sizeof(w->name), "worker-%d", id + 1);
    for (int i = 0; i < WALKS_MAX; i++) {
        keyset_init(&w->walks[i].seen, WALK_KEYSET_MAX);
        keyset_init(&w->walks[i].probe, WALK_KEYSET_MAX);
    }
    set_rate(w);
    w->srcs = calloc((size_t)run->n_src_nodes, sizeof(*w->srcs));
    bool ok = w->srcs != NULL;
    if (ok && run->dst_topo) {
        w->recent = calloc(RECENT_MAX, sizeof(*w->recent));
        w->lost_slots = calloc(CLUSTER_SLOTS, 1);
        ok = w->recent && w->lost_slots;
    }
    if (!ok || pthread_create(&w->thread, NULL, worker_main, w) != 0) {
        worker_free(w);
        return ST_NOMEM;
    }
    *out = w;
    return ST_OK;
}

bool worker_done(const struct worker *w)
{
    return atomic_load(&w->done);
}

void worker_join(struct worker *w)
{
    if (!w)
        return;
    pthread_join(w->thread, NULL);
    worker_free(w);
}
