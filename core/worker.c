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
#include "glob.h"
#include "keyset.h"
#include "log.h"
#include "ranges.h"

#define WALKS_MAX       2
#define BATCH_KEYS      256
#define WALK_KEYSET_MAX (1u << 20)
#define DRAIN_MS        1200

enum tag {
    TAG_SCAN = 1,
    TAG_PROBE,
    TAG_TXN_PART, /* MULTI's +OK and each +QUEUED */
    TAG_EXEC,
    TAG_RESTORE,
    TAG_VERIFY,
    TAG_SELECT,
};

/* A SCAN reply kept alive while keys that point into it are in flight. */
struct scanref {
    redisReply *reply;
    int refs;
};

struct keyref {
    const char *name;
    size_t len;
    struct scanref *sr;
};

struct walk {
    bool active;
    struct scan_range r;
    uint64_t cursor;
    bool scan_out;
    int dst_db;

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
    bool with_time;
    struct keyref keys[BATCH_KEYS];
};

/* One RESTORE in flight. */
struct wrec {
    struct keyref k;
    int64_t deadline; /* ms since the epoch, 0 for none */
    size_t bytes;
    uint64_t payload_hash;
    struct wrec *next_free;
};

struct keyq {
    struct keyref *items;
    size_t cap, head, n;
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
    struct conn *src, *dst;
    int src_db, dst_db; /* what the connections have selected */

    struct walk walks[WALKS_MAX];
    struct scan_range *held_range; /* popped, waiting for a db switch */
    bool queue_empty;

    struct keyq todo;
    size_t reads_out; /* keys in transactions in flight */
    size_t writes_out;
    struct wrec *free_recs;

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
        w->free_recs = r->next_free;
        return r;
    }
    return calloc(1, sizeof(*r));
}

static void wrec_put(struct worker *w, struct wrec *r)
{
    scanref_put(r->k.sr);
    r->k.sr = NULL;
    r->next_free = w->free_recs;
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

/* Queues the keys of a SCAN reply that this walk owns: selected, not seen
 * before in this range, and (after a crossing) not claimed by the probe. */
static status take_keys(struct worker *w, struct walk *wk, struct scanref *sr,
                        bool use_probe)
{
    redisReply *keys = sr->reply->element[1];
    status rc = ST_OK;

    for (size_t i = 0; i < keys->elements && rc == ST_OK; i++) {
        redisReply *k = keys->element[i];
        bool added = false;

        if (k->type != REDIS_REPLY_STRING || !selected(w, k->str, k->len))
            continue;
        if (use_probe && keyset_has(&wk->probe, k->str, k->len))
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
        if (!added)
            continue;
        sr->refs++;
        rc = keyq_push(&w->todo, (struct keyref){k->str, k->len, sr});
    }
    return rc;
}

/* ---- walking ------------------------------------------------------------- */

static status send_scan(struct worker *w, struct walk *wk, uint64_t cursor,
                        enum tag tag)
{
    struct resp_buf *b = conn_buf(w->src);
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
        conn_append_abort(w->src);
        return rc;
    }
    conn_append_done(w->src, wk, tag);
    wk->scan_out = true;
    return ST_OK;
}

static bool is_last_range(const struct scan_range *r)
{
    return r->index + 1 == r->count;
}

static void walk_end(struct walk *wk)
{
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
    wk->cursor = next;
    if (!ranges_continues(&wk->r, next))
        walk_end(wk);
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
    walk_end(wk);
}

/* ---- reading keys -------------------------------------------------------- */

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

static status add_simple(struct worker *w, const char *cmd, void *ctx,
                         enum tag tag)
{
    status rc = resp_command(conn_buf(w->src), 1, &cmd, NULL);
    if (rc == ST_OK)
        conn_append_done(w->src, ctx, tag);
    return rc;
}

/* Sends one transaction reading up to BATCH_KEYS keys from todo. */
static status send_batch(struct worker *w, int n)
{
    struct batch *bt = calloc(1, sizeof(*bt));
    const char *ttl_cmd = w->run->use_pexpiretime ? "PEXPIRETIME" : "PTTL";
    status rc;

    if (!bt)
        return ST_NOMEM;
    bt->with_time = !w->run->use_pexpiretime;
    rc = add_simple(w, "MULTI", NULL, TAG_TXN_PART);
    if (rc == ST_OK && bt->with_time)
        rc = add_simple(w, "TIME", NULL, TAG_TXN_PART);

    for (int i = 0; i < n && rc == ST_OK; i++) {
        struct keyref k = keyq_pop(&w->todo);
        bt->keys[bt->n++] = k;
        if (w->run->check_type) {
            rc = add_cmd2(conn_buf(w->src), "TYPE", &k);
            if (rc == ST_OK)
                conn_append_done(w->src, NULL, TAG_TXN_PART);
        }
        if (rc == ST_OK)
            rc = add_cmd2(conn_buf(w->src), "DUMP", &k);
        if (rc == ST_OK) {
            conn_append_done(w->src, NULL, TAG_TXN_PART);
            rc = add_cmd2(conn_buf(w->src), ttl_cmd, &k);
        }
        if (rc == ST_OK)
            conn_append_done(w->src, NULL, TAG_TXN_PART);
    }
    if (rc == ST_OK)
        rc = add_simple(w, "EXEC", bt, TAG_EXEC);
    if (rc != ST_OK) {
        for (int i = 0; i < bt->n; i++)
            scanref_put(bt->keys[i].sr);
        free(bt);
        return rc;
    }
    w->reads_out += (size_t)n;
    return ST_OK;
}

/* Settles a key that is not written: counts it and lets it go. */
static void settle(struct worker *w, struct keyref *k, _Atomic uint64_t *c)
{
    counter_add(c, 1);
    counter_add(&w->ctr->scanned, 1);
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

static status send_restore(struct worker *w, struct keyref *k,
                           const redisReply *payload, int64_t deadline)
{
    bool replace = w->cfg->on_conflict == CONFLICT_REPLACE;
    struct resp_buf *b = conn_buf(w->dst);
    struct wrec *rec = wrec_get(w);
    status rc;

    if (!rec)
        return ST_NOMEM;
    rc = resp_begin(b, replace ? 6 : 5);
    if (rc == ST_OK)
        rc = resp_arg_str(b, "RESTORE");
    if (rc == ST_OK)
        rc = resp_arg(b, k->name, k->len);
    if (rc == ST_OK)
        rc = resp_arg_ll(b, deadline);
    if (rc == ST_OK)
        rc = resp_arg(b, payload->str, payload->len);
    if (rc == ST_OK)
        rc = resp_arg_str(b, "ABSTTL");
    if (rc == ST_OK && replace)
        rc = resp_arg_str(b, "REPLACE");
    if (rc != ST_OK) {
        conn_append_abort(w->dst);
        rec->k.sr = NULL;
        rec->next_free = w->free_recs;
        w->free_recs = rec;
        return rc;
    }

    rec->k = *k;
    k->sr = NULL; /* the record holds the reference now */
    rec->deadline = deadline;
    rec->bytes = payload->len;
    rec->payload_hash = replace ? 0 : XXH3_64bits(payload->str, payload->len);
    conn_append_done(w->dst, rec, TAG_RESTORE);
    w->writes_out++;
    return ST_OK;
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

static void handle_key(struct worker *w, struct keyref *k,
                       redisReply *const *el, int64_t time_ms)
{
    const redisReply *dump = el[0], *ttl = el[1];
    int64_t deadline = 0;

    if (dump->type == REDIS_REPLY_ERROR || ttl->type == REDIS_REPLY_ERROR) {
        const char *e = dump->type == REDIS_REPLY_ERROR ? dump->str : ttl->str;
        fail_run(w, strncmp(e, "NOPERM", 6) == 0 ? ST_NOPERM : ST_SERVER,
                 "source: reading a key failed: %.300s", e);
        return;
    }
    if (dump->type != REDIS_REPLY_STRING ||
        !deadline_of(w, ttl, time_ms, &deadline)) {
        settle(w, k, &w->ctr->skipped); /* gone before it was read */
        return;
    }
    if (deadline && deadline <= wall_ms()) {
        settle(w, k, &w->ctr->expired);
        return;
    }
    if (w->cfg->dry_run) {
        settle(w, k, &w->ctr->copied);
        return;
    }
    if (send_restore(w, k, dump, deadline) != ST_OK) {
        failures_add(&w->run->failures, k->name, k->len,
                     "the value is larger than one request may be");
        settle(w, k, &w->ctr->failed);
    }
}

static void on_exec(struct worker *w, struct batch *bt, redisReply *r)
{
    size_t per_key = w->run->check_type ? 3 : 2;
    size_t first = bt->with_time ? 1 : 0;

    w->reads_out -= (size_t)bt->n;
    if (r->type != REDIS_REPLY_ARRAY ||
        r->elements != first + per_key * (size_t)bt->n) {
        const char *e =
            r->type == REDIS_REPLY_ERROR ? r->str : "unexpected reply";
        fail_run(w, strstr(e, "NOPERM") ? ST_NOPERM : ST_SERVER,
                 "source: reading keys in a transaction failed: %.300s", e);
        for (int i = 0; i < bt->n; i++)
            scanref_put(bt->keys[i].sr);
        goto out;
    }

    int64_t time_ms = bt->with_time ? time_reply_ms(r->element[0]) : 0;
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
        handle_key(w, k, el, time_ms);
        if (k->sr) /* not handed to a write record */
            scanref_put(k->sr);
    }
out:
    freeReplyObject(r);
    free(bt);
}

/* ---- writing keys -------------------------------------------------------- */

static void settle_rec(struct worker *w, struct wrec *rec, _Atomic uint64_t *c)
{
    counter_add(c, 1);
    counter_add(&w->ctr->scanned, 1);
    w->writes_out--;
    wrec_put(w, rec);
}

static void conflict(struct worker *w, struct wrec *rec)
{
    if (w->cfg->on_conflict == CONFLICT_SKIP) {
        settle_rec(w, rec, &w->ctr->skipped);
        return;
    }
    failures_add(&w->run->failures, rec->k.name, rec->k.len,
                 "exists on the destination (--on-conflict fail)");
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

static void on_restore(struct worker *w, struct wrec *rec, unsigned flags,
                       redisReply *r)
{
    if (r->type == REDIS_REPLY_STATUS) {
        /* ABSTTL with a past deadline answers OK and creates nothing. */
        if (rec->deadline && rec->deadline <= wall_ms()) {
            settle_rec(w, rec, &w->ctr->expired);
        } else {
            counter_add(&w->ctr->bytes, rec->bytes);
            settle_rec(w, rec, &w->ctr->copied);
        }
    } else if (r->type == REDIS_REPLY_ERROR &&
               strncmp(r->str, "BUSYKEY", 7) == 0) {
        if (flags & CONN_RESENT) {
            /* Our first attempt may have landed: compare payloads. */
            const char *argv[] = {"DUMP", rec->k.name};
            size_t lens[] = {4, rec->k.len};
            if (resp_command(conn_buf(w->dst), 2, argv, lens) == ST_OK)
                conn_append_done(w->dst, rec, TAG_VERIFY);
            else
                conflict(w, rec);
        } else {
            conflict(w, rec);
        }
    } else if (r->type == REDIS_REPLY_ERROR && fatal_write_error(r->str)) {
        fail_run(w, strncmp(r->str, "NOPERM", 6) ? ST_SERVER : ST_NOPERM,
                 "destination: RESTORE refused: %.300s", r->str);
        settle_rec(w, rec, &w->ctr->failed);
    } else {
        failures_add(&w->run->failures, rec->k.name, rec->k.len,
                     r->type == REDIS_REPLY_ERROR ? r->str
                                                  : "unexpected reply");
        settle_rec(w, rec, &w->ctr->failed);
    }
    freeReplyObject(r);
}

static void on_verify(struct worker *w, struct wrec *rec, redisReply *r)
{
    if (r->type == REDIS_REPLY_STRING &&
        XXH3_64bits(r->str, r->len) == rec->payload_hash) {
        counter_add(&w->ctr->bytes, rec->bytes);
        settle_rec(w, rec, &w->ctr->copied);
    } else {
        conflict(w, rec);
    }
    freeReplyObject(r);
}

/* ---- reply dispatch ------------------------------------------------------ */

/* A request the connection dropped unanswered (the worker is stopping):
 * release what it held, count nothing. */
static void on_dropped(struct worker *w, void *ctx, uint32_t tag)
{
    if (tag == TAG_EXEC) {
        struct batch *bt = ctx;
        for (int i = 0; i < bt->n; i++)
            scanref_put(bt->keys[i].sr);
        w->reads_out -= (size_t)bt->n;
        free(bt);
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
            fail_run(w, strncmp(r->str, "NOPERM", 6) ? ST_SERVER : ST_NOPERM,
                     "a command was refused: %.300s", r->str);
        freeReplyObject(r);
        return;
    case TAG_EXEC:
        on_exec(w, ctx, r);
        return;
    case TAG_RESTORE:
        on_restore(w, ctx, flags, r);
        return;
    case TAG_VERIFY:
        on_verify(w, ctx, r);
        return;
    }
    freeReplyObject(r);
}

/* ---- scheduling ---------------------------------------------------------- */

static int dst_db_of(const struct worker *w, int src_db)
{
    return w->run->db_target[src_db];
}

static bool idle(const struct worker *w)
{
    for (int i = 0; i < WALKS_MAX; i++)
        if (w->walks[i].active)
            return false;
    return w->todo.n == 0 && w->reads_out == 0 && w->writes_out == 0 &&
           conn_outstanding(w->src) == 0 &&
           (!w->dst || conn_outstanding(w->dst) == 0);
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

/* Starts walking `r` in a free walk slot; switches databases first when the
 * worker is idle, else holds the range until it is. */
static void start_range(struct worker *w, struct scan_range *r)
{
    int dst_db = dst_db_of(w, r->db);

    if (r->db != w->src_db || (w->dst && dst_db != w->dst_db)) {
        if (!idle(w)) {
            w->held_range = r;
            return;
        }
        if (r->db != w->src_db)
            select_db(w->src, r->db, &w->src_db);
        if (w->dst && dst_db != w->dst_db)
            select_db(w->dst, dst_db, &w->dst_db);
    }
    w->held_range = NULL;
    for (int i = 0; i < WALKS_MAX; i++) {
        struct walk *wk = &w->walks[i];
        if (wk->active)
            continue;
        wk->active = true;
        wk->r = *r;
        wk->cursor = r->start;
        wk->dst_db = dst_db;
        wk->probing = false;
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
    while (free_walks(w) > 0) {
        struct scan_range *r = w->held_range;
        if (!r && !w->queue_empty) {
            r = rangeq_pop(w->run->queue);
            if (!r)
                w->queue_empty = true;
        }
        if (!r)
            return;
        start_range(w, r);
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
    size_t window = (size_t)w->cfg->pipeline;
    double per_key = w->run->check_type ? 3 : 2;

    while (w->todo.n > 0) {
        size_t n = w->todo.n < BATCH_KEYS ? w->todo.n : BATCH_KEYS;
        if (w->rate > 0 && n * per_key > w->burst)
            n = (size_t)(w->burst / per_key) ? (size_t)(w->burst / per_key) : 1;
        if (w->reads_out + n > window ||
            w->reads_out + w->writes_out + n > 2 * window)
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
    return w->queue_empty && !w->held_range && idle(w);
}

/* ---- thread -------------------------------------------------------------- */

static status open_conns(struct worker *w, char *err, size_t errlen)
{
    const struct config *cfg = w->cfg;
    struct conn_cfg cc = {
        .connect_timeout_ms = 5000,
        .reply_timeout_ms = 60000,
        .max_retries = 10,
        .max_request_bytes = 64u << 20,
        .stop = &w->run->abort,
        .reconnects = &w->ctr->reconnects,
        .tls_resumed = &w->ctr->tls_resumed,
    };
    status rc;

    snprintf(w->client_src, sizeof(w->client_src), "redis-migrate-read-%d",
             w->id);
    snprintf(w->client_dst, sizeof(w->client_dst), "redis-migrate-write-%d",
             w->id);

    cc.ep = &cfg->source;
    cc.role = "source";
    cc.client_name = w->client_src;
    cc.no_touch = w->run->no_touch;
    cc.db = w->src_db;
    rc = conn_open(&w->src, w->loop, &cc, on_reply, w, err, errlen);
    if (rc != ST_OK || cfg->dry_run)
        return rc;

    cc.ep = &cfg->dest;
    cc.role = "destination";
    cc.client_name = w->client_dst;
    cc.no_touch = false;
    cc.db = w->dst_db;
    return conn_open(&w->dst, w->loop, &cc, on_reply, w, err, errlen);
}

static status service(struct worker *w)
{
    status rc = conn_service(w->src);
    if (rc != ST_OK) {
        copy_run_fail(w->run, rc, conn_error_msg(w->src));
        return rc;
    }
    if (w->dst && (rc = conn_service(w->dst)) != ST_OK) {
        copy_run_fail(w->run, rc, conn_error_msg(w->dst));
        return rc;
    }
    return ST_OK;
}

static int wait_ms(const struct worker *w)
{
    if (w->rate > 0 && w->tokens < 2)
        return 5;
    return 100;
}

static void run_loop(struct worker *w)
{
    int64_t drain_until = 0;

    while (!aborted(w)) {
        if (stopping(w)) {
            /* Let the writes in flight answer, so the counts are true. */
            if (!drain_until)
                drain_until = mono_us() + DRAIN_MS * 1000;
            if (w->writes_out == 0 || mono_us() > drain_until)
                break;
        } else {
            take_ranges(w);
            issue_scans(w);
            issue_reads(w);
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
    conn_close(w->src);
    conn_close(w->dst);
    w->src = w->dst = NULL;
    /* Keys still queued reference SCAN replies: release them. */
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
    if (ioloop_new(&w->loop, 8, w->run->force_poll, why, sizeof(why)) !=
        ST_OK) {
        copy_run_fail(w->run, ST_NOMEM, "out of memory creating a loop");
        goto out;
    }
    if (open_conns(w, err, sizeof(err)) != ST_OK) {
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
    w->src_db = 0;
    w->dst_db = 0;
    snprintf(w->name, sizeof(w->name), "worker-%d", id + 1);
    for (int i = 0; i < WALKS_MAX; i++) {
        keyset_init(&w->walks[i].seen, WALK_KEYSET_MAX);
        keyset_init(&w->walks[i].probe, WALK_KEYSET_MAX);
    }
    if (w->cfg->max_ops > 0) {
        w->rate = (double)w->cfg->max_ops / w->cfg->threads;
        w->burst = w->rate / 10 > 4 ? w->rate / 10 : 4;
        w->tokens = w->burst;
        w->last_refill_us = mono_us();
    }

    if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
        free(w);
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
    for (int i = 0; i < WALKS_MAX; i++) {
        keyset_free(&w->walks[i].seen);
        keyset_free(&w->walks[i].probe);
    }
    while (w->free_recs) {
        struct wrec *r = w->free_recs;
        w->free_recs = r->next_free;
        free(r);
    }
    free(w->todo.items);
    ioloop_free(w->loop);
    free(w);
}
