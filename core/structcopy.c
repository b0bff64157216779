/*
 * Type-command copies (see structcopy.h): strings, lists, hashes, sets and
 * sorted sets here, streams in structstream.c, and the steps every type
 * shares. Runs on the calling worker's thread; the only shared state is
 * the table of slot tags for temporary key names, built once, and the
 * fingerprints of the keys renamed into place (atomics).
 *
 * One key, one attempt:
 *
 *   source       TYPE k
 *   source       MULTI TYPE k [TIME] PEXPIRETIME|PTTL k <size> <bounded read>
 *                EXEC
 *   destination  MULTI UNLINK tmp <rebuild> [PEXPIREAT tmp d]
 *                RENAME|RENAMENX tmp k UNLINK tmp EXEC
 *
 * The bounded read returns the whole value when the size read in the same
 * transaction says it is small (GETRANGE 0 1MiB-1, LRANGE 0 n-1,
 * HRANDFIELD n WITHVALUES and SRANDMEMBER n, which give every field or
 * member when n is at least the size, ZRANGE 0 n-1 WITHSCORES, XINFO
 * STREAM FULL COUNT n), so a key that grew meanwhile costs one bounded
 * read before it takes the chunked path:
 *
 *   source       GETRANGE windows, LRANGE windows, HSCAN/SSCAN/ZSCAN, ...
 *   destination  UNLINK tmp (first), APPEND/RPUSH/HSET/SADD/ZADD tmp ...
 *                PEXPIRE tmp TMPKEY_TTL_MS, STRLEN|LLEN|HLEN|... tmp
 *   ...          one pipeline each way per chunk
 *   source       MULTI TYPE k [TIME] PEXPIRETIME|PTTL k EXEC
 *   destination  MULTI PEXPIREAT tmp d|PERSIST tmp RENAME|RENAMENX tmp k
 *                UNLINK tmp EXEC
 *
 * (A key MEMORY USAGE says is big skips the one-transaction read; its
 * chunks start with MULTI TYPE k [TIME] PEXPIRETIME|PTTL k EXEC, so that
 * a key that goes meanwhile counts as expired when its deadline passed.)
 *
 * While it is built, tmp expires TMPKEY_TTL_MS after its last chunk, so
 * a killed run's goes by itself, and another run's sweep (sc_sweep())
 * leaves it alone. Each chunk reads tmp's size back and compares it with
 * what was written so far: PEXPIRE answering 0 or another size means tmp
 * was removed (and maybe made again by the chunk's writes) since the
 * last chunk, and the key is built again rather than renamed into place
 * short. Lists and strings are counted as they are written; for hashes,
 * sets and sorted sets, whose SCAN can return a member twice, the count
 * is the sum of what HSET, SADD and ZADD answer they added, which equals
 * tmp's size only when no element written went missing.
 *
 * Scores go out as the text the source printed (its shortest round-trip
 * form, "inf", "-inf"): ZADD parses it back to the same double.
 *
 * `again` from the destination (a redirect, or a reconnect that may have
 * sent a write twice) starts the key over; the first write of an attempt
 * opens with UNLINK tmp, so what an earlier attempt left is dropped.
 */
#include "structcopy_int.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>

#include "cluster.h"
#include "escape.h"
#include "written.h"

#define SC_ATTEMPTS   50
#define SC_SWEEP_SCAN "1000"
#define TAG_ALPHABET                                                           \
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define TAG_MAX 4

/* ---- temporary key names ------------------------------------------------- */

static char slot_tags[CLUSTER_SLOTS][TAG_MAX + 1];
static pthread_once_t slot_tags_once = PTHREAD_ONCE_INIT;

/* Gives each slot the first string of the alphabet, shortest first, whose
 * CRC16 lands in it. Three characters (238,328 strings) reach them all. */
static void slot_tags_build(void)
{
    const size_t na = sizeof(TAG_ALPHABET) - 1;
    size_t left = CLUSTER_SLOTS, total = 1;
    char s[TAG_MAX];

    for (size_t len = 1; len <= TAG_MAX && left; len++) {
        total *= na;
        for (size_t x = 0; x < total && left; x++) {
            size_t v = x;
            for (size_t i = 0; i < len; i++, v /= na)
                s[i] = TAG_ALPHABET[v % na];
            uint16_t slot = cluster_slot(s, len);
            if (slot_tags[slot][0])
                continue;
            memcpy(slot_tags[slot], s, len);
            left--;
        }
    }
}

size_t tmpkey_name(char *out, uint16_t slot, const char *token, uint64_t seq)
{
    char num[24];
    const char *tag;

    pthread_once(&slot_tags_once, slot_tags_build);
    tag = slot_tags[slot & (CLUSTER_SLOTS - 1)];
    snprintf(num, sizeof(num), "%" PRIu64, seq);
    if (!token)
        token = "";

    /* PREFIX {tag}: token : seq, the token cut to fit. */
    size_t fixed = strlen(TMPKEY_PREFIX) + strlen(tag) + 4 + strlen(num);
    size_t room = TMPKEY_MAX - 1 - fixed;
    int n = snprintf(out, TMPKEY_MAX, "%s{%s}:%.*s:%s", TMPKEY_PREFIX, tag,
                     (int)(strlen(token) < room ? strlen(token) : room), token,
                     num);
    return n < 0 ? 0 : (size_t)n;
}

/* ---- outcomes ------------------------------------------------------------ */

void sc_settle(struct sc_job *j, enum sc_outcome out)
{
    j->res->out = out;
    j->stop = true;
}

void sc_fail(struct sc_job *j, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(j->res->why, sizeof(j->res->why), fmt, ap);
    va_end(ap);
    sc_settle(j, SC_FAILED);
}

void sc_restart(struct sc_job *j)
{
    j->again = true;
    j->stop = true;
}

status sc_fatal(struct sc_job *j, status rc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(j->ctx->err, sizeof(j->ctx->err), fmt, ap);
    va_end(ap);
    j->stop = true;
    return rc;
}

/* A key no longer there: expired when the last deadline read for it
 * (in this attempt or an earlier one) has passed; else it went away. */
static void settle_missing(struct sc_job *j)
{
    bool expired = j->seen && j->seen <= sc_wall_ms();
    sc_settle(j, expired ? SC_EXPIRED : SC_GONE);
}

/* The temporary key went missing while it was built: build it again. */
static void tmp_lost(struct sc_job *j)
{
    j->lost++;
    sc_restart(j);
}

/* ---- staging ------------------------------------------------------------- */

static void stage_init(struct sc_stage *st)
{
    memset(st, 0, sizeof(*st));
    resp_buf_init(&st->b, SC_STAGE_MAX);
}

void sc_stage_reset(struct sc_stage *st)
{
    st->b.len = 0;
    st->n = 0;
    st->argc_left = 0;
    st->rc = ST_OK;
}

void sc_stage_free(struct sc_stage *st)
{
    resp_buf_free(&st->b);
    free(st->ends);
    memset(st, 0, sizeof(*st));
}

static void stage_done(struct sc_stage *st)
{
    if (st->n == st->cap) {
        size_t cap = st->cap ? st->cap * 2 : 256;
        size_t *p = realloc(st->ends, cap * sizeof(*p));
        if (!p) {
            st->rc = ST_NOMEM;
            return;
        }
        st->ends = p;
        st->cap = cap;
    }
    st->ends[st->n++] = st->b.len;
}

void sc_stage_begin(struct sc_stage *st, int argc)
{
    if (st->rc != ST_OK)
        return;
    st->argc_left = argc;
    st->rc = resp_begin(&st->b, argc);
}

void sc_stage_arg(struct sc_stage *st, const void *p, size_t n)
{
    if (st->rc != ST_OK)
        return;
    st->rc = resp_arg(&st->b, p, n);
    if (st->rc == ST_OK && --st->argc_left == 0)
        stage_done(st);
}

void sc_stage_str(struct sc_stage *st, const char *s)
{
    sc_stage_arg(st, s, strlen(s));
}

void sc_stage_ll(struct sc_stage *st, long long v)
{
    char n[24];
    sc_stage_arg(st, n, (size_t)snprintf(n, sizeof(n), "%lld", v));
}

void sc_stage_tmp(struct sc_job *j)
{
    sc_stage_arg(&j->st, j->tmp, j->tmp_len);
}

bool sc_staged(struct sc_job *j)
{
    if (j->st.rc == ST_OK)
        return true;
    sc_fail(j, "one chunk of the value needs more than %u MiB of requests",
            SC_STAGE_MAX >> 20);
    return false;
}

size_t sc_max_bulk(const struct sc_job *j)
{
    return j->ctx->max_bulk ? j->ctx->max_bulk : (512u << 20);
}

/* Encoded bytes of a command's array header, name and key. */
size_t sc_head_bytes(const char *cmd, size_t key_len)
{
    return 24 + resp_bulk_size(strlen(cmd)) + resp_bulk_size(key_len);
}

/* ---- pipelines ----------------------------------------------------------- */

/* Why a pipeline with nothing queued cannot be built: sending it returns
 * the sio's reason (a fatal status, or `again` when the destination has no
 * master for the slot yet); else `rc` stands. */
static status learn_why(struct sc_job *j, status rc)
{
    struct sio *s = j->ctx->sio;
    bool again = false;
    status why = sio_send(s, &again);

    if (why != ST_OK)
        return sc_fatal(j, why, "%s", sio_error(s));
    if (again) {
        sc_restart(j);
        return ST_OK;
    }
    return sc_fatal(j, rc, "%s: a request does not fit (%s)", sio_node_name(s),
                    status_str(rc));
}

/* The first command of a pipeline. When it cannot be appended (no
 * connection to that node, no master known for the slot) nothing is
 * queued, and learn_why() tells what to do. */
static status pipe_first(struct sc_job *j, int argc, const char *const *argv,
                         const size_t *lens)
{
    status rc = sio_cmd(j->ctx->sio, argc, argv, lens);
    return rc == ST_OK ? ST_OK : learn_why(j, rc);
}

status sc_src_begin(struct sc_job *j, int argc, const char *const *argv,
                    const size_t *lens)
{
    sio_begin(j->ctx->sio, SIO_SRC, j->k->node, j->k->src_db);
    return pipe_first(j, argc, argv, lens);
}

status sc_src_cmd(struct sc_job *j, int argc, const char *const *argv,
                  const size_t *lens)
{
    status rc = sio_cmd(j->ctx->sio, argc, argv, lens);

    if (rc != ST_OK)
        return sc_fatal(j, rc, "source %s: a request does not fit (%s)",
                        sio_node_name(j->ctx->sio), status_str(rc));
    return ST_OK;
}

/* A command on the key: `cmd k` and up to three more arguments (NULL
 * ends them). */
status sc_src_key(struct sc_job *j, bool first, const char *cmd, const char *a1,
                  const char *a2, const char *a3)
{
    const char *argv[5] = {cmd, j->k->name, a1, a2, a3};
    size_t lens[5] = {strlen(cmd), j->k->len, a1 ? strlen(a1) : 0,
                      a2 ? strlen(a2) : 0, a3 ? strlen(a3) : 0};
    int argc = a3 ? 5 : a2 ? 4 : a1 ? 3 : 2;

    if (first)
        return sc_src_begin(j, argc, argv, lens);
    return sc_src_cmd(j, argc, argv, lens);
}

/* The first error reply among replies [from, to), looking inside the
 * array of the last one (EXEC's) but at its element `skip_exec_at`. */
static const redisReply *first_error(const struct sio *s, size_t from,
                                     size_t to, size_t skip_exec_at)
{
    for (size_t i = from; i < to; i++) {
        const redisReply *r = sio_reply(s, i);
        if (!r)
            continue;
        if (r->type == REDIS_REPLY_ERROR)
            return r;
        if (r->type != REDIS_REPLY_ARRAY || i + 1 != to)
            continue;
        for (size_t e = 0; e < r->elements; e++)
            if (e != skip_exec_at && r->element[e]->type == REDIS_REPLY_ERROR)
                return r->element[e];
    }
    return NULL;
}

static bool starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* What a source pipeline's sending (`rc`, `again`) and its replies [from,
 * to) mean for the key that sent them. Error replies: NOPERM is fatal,
 * WRONGTYPE restarts the key (its type changed), any other fails it. */
static status src_replies(struct sc_job *j, status rc, bool again, size_t from,
                          size_t to)
{
    struct sio *s = j->ctx->sio;

    if (rc != ST_OK)
        return sc_fatal(j, rc, "%s", sio_error(s));
    if (again) {
        sc_restart(j);
        return ST_OK;
    }
    const redisReply *e = first_error(s, from, to, SIZE_MAX);
    if (!e)
        return ST_OK;
    if (starts(e->str, "NOPERM"))
        return sc_fatal(j, ST_NOPERM, "source %s refused a read: %.180s",
                        sio_node_name(s), e->str);
    if (starts(e->str, "WRONGTYPE"))
        sc_restart(j); /* the key changed type under the read */
    else
        sc_fail(j, "source %s answered a read with: %.180s", sio_node_name(s),
                e->str);
    return ST_OK;
}

status sc_src_send(struct sc_job *j)
{
    struct sio *s = j->ctx->sio;
    bool again = false;
    status rc = sio_send(s, &again);

    return src_replies(j, rc, again, 0, sio_n(s));
}

/* Appends a stage to the pipeline; ST_NOMEM, with nothing appended, when
 * it does not fit. */
static status replay(struct sio *s, struct sc_stage *st)
{
    struct resp_buf *b = sio_buf(s);
    size_t off = 0;

    if (st->n == 0)
        return ST_OK;
    /* Room for the whole stage first, so that no half of it goes out. */
    if (resp_buf_reserve(b, st->b.len) != ST_OK)
        return ST_NOMEM;
    for (size_t i = 0; i < st->n; i++) {
        size_t len = st->ends[i] - off;
        b = sio_buf(s); /* marks where the command starts */
        if (resp_buf_reserve(b, len) != ST_OK)
            return ST_NOMEM;
        memcpy(b->data + b->len, st->b.data + off, len);
        b->len += len;
        sio_push(s);
        off = st->ends[i];
    }
    sc_stage_reset(st);
    return ST_OK;
}

static status replay_stage(struct sc_job *j, struct sc_stage *st)
{
    struct sio *s = j->ctx->sio;

    if (replay(s, st) == ST_OK)
        return ST_OK;
    if (sio_n(s) == 0)
        return learn_why(j, ST_NOMEM);
    return sc_fatal(j, ST_NOMEM, "destination %s: a request does not fit",
                    sio_node_name(s));
}

/* After `again`: a refusal among replies [from, to) that no redo cures
 * (a queued command refused makes EXEC answer EXECABORT, which sio counts
 * as a redo). */
static status refused_anyway(struct sc_job *j, size_t from, size_t to)
{
    struct sio *s = j->ctx->sio;

    for (size_t i = from; i < to; i++) {
        const redisReply *r = sio_reply(s, i);
        if (!r || r->type != REDIS_REPLY_ERROR)
            continue;
        if (starts(r->str, "NOPERM"))
            return sc_fatal(j, ST_NOPERM,
                            "destination %s refused a write: %.180s",
                            sio_node_name(s), r->str);
        if (starts(r->str, "OOM")) {
            sc_fail(j, "destination %s: %.200s", sio_node_name(s), r->str);
            return ST_OK;
        }
    }
    sc_restart(j);
    return ST_OK;
}

/* What a destination pipeline's sending (`rc`, `again`) and its replies
 * [from, to) mean for the key that sent them; `skip` is an EXEC element
 * its caller checks itself (SIZE_MAX: none). */
static status dst_replies(struct sc_job *j, status rc, bool again, size_t from,
                          size_t to, size_t skip)
{
    struct sio *s = j->ctx->sio;

    if (rc != ST_OK)
        return sc_fatal(j, rc, "%s", sio_error(s));
    j->dirty = true;
    if (again)
        return refused_anyway(j, from, to);
    j->fresh = false;
    const redisReply *e = first_error(s, from, to, skip);
    if (!e)
        return ST_OK;
    if (starts(e->str, "NOPERM"))
        return sc_fatal(j, ST_NOPERM, "destination %s refused a write: %.180s",
                        sio_node_name(s), e->str);
    sc_fail(j, "destination %s refused a write: %.200s", sio_node_name(s),
            e->str);
    return ST_OK;
}

/* A command on the temporary key (and the key, for RENAME). */
static status dst_tmp_cmd(struct sc_job *j, const char *cmd, const char *arg,
                          bool key)
{
    const char *argv[3] = {cmd, j->tmp, key ? j->k->name : arg};
    size_t lens[3] = {strlen(cmd), j->tmp_len,
                      key   ? j->k->len
                      : arg ? strlen(arg)
                            : 0};
    status rc = sio_cmd(j->ctx->sio, key || arg ? 3 : 2, argv, lens);

    if (rc != ST_OK)
        return sc_fatal(j, rc, "destination %s: a request does not fit",
                        sio_node_name(j->ctx->sio));
    return ST_OK;
}

static status dst_cmd(struct sc_job *j, const char *cmd)
{
    const char *argv[] = {cmd};
    status rc = sio_cmd(j->ctx->sio, 1, argv, NULL);

    if (rc != ST_OK)
        return sc_fatal(j, rc, "destination %s: a request does not fit",
                        sio_node_name(j->ctx->sio));
    return ST_OK;
}

/* ---- chunks of a build --------------------------------------------------- */

static const char *const size_cmd[] = {
    [SK_STRING] = "STRLEN", [SK_LIST] = "LLEN",  [SK_HASH] = "HLEN",
    [SK_SET] = "SCARD",     [SK_ZSET] = "ZCARD", [SK_STREAM] = "XLEN",
};

/* The elements tmp holds when no chunk went missing. Hashes, sets and
 * sorted sets add up what the last chunk's `n` writes answer they added
 * (a member SCAN returned twice adds nothing). */
static uint64_t built(struct sc_job *j, size_t n)
{
    struct sio *s = j->ctx->sio;

    if (j->kind == SK_STRING)
        return j->bytes;
    if (j->kind == SK_HASH || j->kind == SK_SET || j->kind == SK_ZSET)
        for (size_t i = j->stage_at; i < j->stage_at + n; i++)
            j->built += (uint64_t)sc_int(sio_reply(s, i), 0);
    return j->built;
}

/* What a chunk's pipeline (`n` staged commands, `fresh` when it opened
 * with UNLINK tmp) answered. The last two replies are PEXPIRE's and the
 * size of tmp. */
static status chunk_replies(struct sc_job *j, status rc, bool again, bool fresh,
                            size_t n)
{
    struct sio *s = j->ctx->sio;
    size_t end = sio_n(s);
    const redisReply *ttl = sio_reply(s, end - 2);

    /* Gone since the last chunk: the writes of this one may have failed
     * for it (XGROUP, XCLAIM), or made a new tmp that lacks the rest. */
    if (rc == ST_OK && !again && !fresh && ttl &&
        ttl->type == REDIS_REPLY_INTEGER && ttl->integer == 0) {
        j->dirty = true;
        tmp_lost(j);
        return ST_OK;
    }
    rc = dst_replies(j, rc, again, 0, end, SIZE_MAX);
    if (rc != ST_OK || j->stop)
        return rc;
    j->wrote = true;
    if (sc_int(sio_reply(s, end - 1), -1) != (long long)built(j, n))
        tmp_lost(j); /* removed and made again by this chunk's writes */
    return ST_OK;
}

/* One chunk: [UNLINK tmp] <stage> PEXPIRE tmp TMPKEY_TTL_MS <size> tmp. */
static status chunk_send(struct sc_job *j, struct sc_stage *st)
{
    const char *unlink[] = {"UNLINK", j->tmp};
    size_t lens[] = {6, j->tmp_len};
    struct sio *s = j->ctx->sio;
    bool fresh = j->fresh, again = false;
    size_t n = st->n;
    char ttl[24];
    status rc = ST_OK;

    if (n == 0)
        return ST_OK;
    snprintf(ttl, sizeof(ttl), "%d", TMPKEY_TTL_MS);
    sio_begin(s, SIO_DST, j->slot, j->k->dst_db);
    if (fresh)
        rc = pipe_first(j, 2, unlink, lens);
    j->stage_at = sio_n(s);
    if (rc == ST_OK && !j->stop)
        rc = replay_stage(j, st);
    if (rc == ST_OK && !j->stop)
        rc = dst_tmp_cmd(j, "PEXPIRE", ttl, false);
    if (rc == ST_OK && !j->stop)
        rc = dst_tmp_cmd(j, size_cmd[j->kind], NULL, false);
    if (rc != ST_OK || j->stop)
        return rc;
    rc = sio_send(s, &again);
    return chunk_replies(j, rc, again, fresh, n);
}

status sc_dst_flush(struct sc_job *j)
{
    return chunk_send(j, &j->st);
}

/* ---- replies ------------------------------------------------------------- */

const redisReply *sc_field(const redisReply *map, const char *name)
{
    if (!map || map->type != REDIS_REPLY_ARRAY)
        return NULL;
    for (size_t i = 0; i + 1 < map->elements; i += 2) {
        const redisReply *k = map->element[i];
        if ((k->type == REDIS_REPLY_STRING || k->type == REDIS_REPLY_STATUS) &&
            strcmp(k->str, name) == 0)
            return map->element[i + 1];
    }
    return NULL;
}

long long sc_int(const redisReply *r, long long def)
{
    if (!r)
        return def;
    if (r->type == REDIS_REPLY_INTEGER)
        return r->integer;
    if (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS)
        return strtoll(r->str, NULL, 10);
    return def;
}

int64_t sc_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t sc_time_ms(const redisReply *r)
{
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2)
        return sc_wall_ms();
    return sc_int(r->element[0], 0) * 1000 + sc_int(r->element[1], 0) / 1000;
}

/* The key's deadline from PEXPIRETIME's or PTTL's reply (`time_ms` is
 * TIME's); false when the key is gone. */
static bool read_deadline(struct sc_job *j, const redisReply *t,
                          int64_t time_ms)
{
    if (!t || t->type != REDIS_REPLY_INTEGER || t->integer == -2)
        return false;
    if (t->integer == -1)
        j->deadline = 0;
    else if (j->ctx->use_pexpiretime)
        j->deadline = t->integer;
    else
        j->deadline = time_ms + t->integer;
    j->deadline_read = true;
    j->seen = j->deadline;
    return true;
}

void sc_adapt_count(struct sc_job *j, size_t n, size_t bytes)
{
    if (j->ctx->chunk_elems) {
        j->count = j->ctx->chunk_elems;
        return;
    }
    if (n == 0)
        return;
    size_t c = SC_CHUNK_BYTES / (bytes / n + 16);
    j->count = c < 1 ? 1 : c > SC_COUNT_MAX ? SC_COUNT_MAX : c;
}

static size_t small_elems(const struct sc_job *j)
{
    return j->ctx->small_elems ? j->ctx->small_elems : SC_SMALL_ELEMS;
}

/* ---- element limits ------------------------------------------------------ */

/* `what "name"`, the name escaped and cut to fit. */
static void name_elem(char *out, size_t outlen, const char *what,
                      const redisReply *name)
{
    char esc[72];

    escape_key(name->str, name->len, esc, sizeof(esc));
    snprintf(out, outlen, "%s \"%s\"", what, esc);
}

/* Whether a value of `len` bytes fits the destination's
 * proto-max-bulk-len; else fails the key naming `elem`. */
static bool bulk_fits(struct sc_job *j, size_t len, const char *elem)
{
    size_t max = sc_max_bulk(j);

    if (len <= max)
        return true;
    sc_fail(j,
            "%s of %zu bytes is longer than the destination's "
            "proto-max-bulk-len (%zu)",
            elem, len, max);
    return false;
}

bool sc_arg_fits(struct sc_job *j, size_t len, const char *elem)
{
    if (!bulk_fits(j, len, elem))
        return false;
    if (len + 4096 > SIO_MAX_BYTES) {
        sc_fail(j, "%s of %zu bytes is larger than one request may be (%u MiB)",
                elem, len, SIO_MAX_BYTES >> 20);
        return false;
    }
    return true;
}

/* The elements of one chunk: `n` string replies, `group` per element (2
 * for field/value and member/score pairs). */
struct elems {
    const char *cmd; /* RPUSH, HSET, SADD, ZADD */
    redisReply *const *v;
    size_t n;
    int group;
    bool swap;    /* a pair goes out in the other order (ZADD score m) */
    bool hold;    /* members scored -0 are held back (held_back()) */
    size_t index; /* of the first element (lists), for messages */
};

/* Element `i` of a chunk, named for a message. */
static void elem_name(const struct sc_job *j, const struct elems *e, size_t i,
                      char *out, size_t outlen)
{
    const redisReply *first = e->v[i - i % 2];

    switch (j->kind) {
    case SK_LIST:
        snprintf(out, outlen, "list element at index %zu", e->index + i);
        break;
    case SK_SET:
        name_elem(out, outlen, "set member", e->v[i]);
        break;
    case SK_HASH:
        name_elem(out, outlen, i % 2 ? "value of hash field" : "hash field",
                  first);
        break;
    default:
        name_elem(out, outlen,
                  i % 2 ? "score of sorted-set member" : "sorted-set member",
                  first);
        break;
    }
}

static bool elems_fit(struct sc_job *j, const struct elems *e)
{
    char name[160];

    for (size_t i = 0; i < e->n; i++) {
        if (e->v[i]->type != REDIS_REPLY_STRING || e->n % (size_t)e->group) {
            sc_fail(j, "the source answered a read with an unexpected reply");
            return false;
        }
    }
    for (size_t i = 0; i < e->n; i++) {
        if (e->v[i]->len + 4096 <= SIO_MAX_BYTES &&
            e->v[i]->len <= sc_max_bulk(j))
            continue;
        elem_name(j, e, i, name, sizeof(name));
        return sc_arg_fits(j, e->v[i]->len, name);
    }
    return true;
}

/*
 * A member scored -0 is held back and written last. A server keeps the
 * sign of a zero score in a skiplist, but not in a listpack, and a zset
 * built in several ZADDs starts as a listpack (Redis 7.0 also decides by
 * the first element of one ZADD); written once the set has its final
 * encoding, -0 stays -0 wherever the destination keeps it.
 */
static bool held_back(const struct elems *e, size_t x)
{
    if (!e->hold)
        return false;
    const redisReply *score = e->v[x + 1];
    return score->len == 2 && memcmp(score->str, "-0", 2) == 0;
}

static void stage_late(struct sc_job *j, const redisReply *member)
{
    sc_stage_begin(&j->late, 4);
    sc_stage_str(&j->late, "ZADD");
    sc_stage_arg(&j->late, j->tmp, j->tmp_len);
    sc_stage_str(&j->late, "-0");
    sc_stage_arg(&j->late, member->str, member->len);
    j->bytes += member->len + 2;
}

/* How many replies from `i` one command takes within the limits, and its
 * arguments (held-back members take none). */
static size_t elems_take(const struct sc_job *j, const struct elems *e,
                         size_t i, int *argc)
{
    size_t bytes = sc_head_bytes(e->cmd, j->tmp_len), m = i;

    *argc = 2;
    for (; m < e->n && *argc + e->group <= SIO_MAX_ARGS;
         m += (size_t)e->group) {
        size_t add = 0;
        if (held_back(e, m))
            continue;
        for (int g = 0; g < e->group; g++)
            add += resp_bulk_size(e->v[m + (size_t)g]->len);
        if (bytes + add > SIO_MAX_BYTES)
            break;
        bytes += add;
        *argc += e->group;
    }
    return m - i;
}

/* Stages the elements from `i` to `i + m` as one command of `argc`. */
static void stage_some(struct sc_job *j, const struct elems *e, size_t i,
                       size_t m, int argc)
{
    if (argc > 2) {
        sc_stage_begin(&j->st, argc);
        sc_stage_str(&j->st, e->cmd);
        sc_stage_tmp(j);
    }
    for (size_t x = i; x < i + m; x += (size_t)e->group) {
        const redisReply *a = e->v[x];
        const redisReply *b = e->group == 2 ? e->v[x + 1] : NULL;
        if (b && held_back(e, x)) {
            stage_late(j, a);
            continue;
        }
        if (b && e->swap) {
            const redisReply *t = a;
            a = b;
            b = t;
        }
        sc_stage_arg(&j->st, a->str, a->len);
        if (b)
            sc_stage_arg(&j->st, b->str, b->len);
        j->bytes += a->len + (b ? b->len : 0);
    }
}

/* Stages `cmd tmp el...` commands for the chunk's elements. */
static void stage_elems(struct sc_job *j, const struct elems *e)
{
    if (!elems_fit(j, e))
        return;
    for (size_t i = 0; i < e->n;) {
        int argc;
        size_t m = elems_take(j, e, i, &argc);
        if (m == 0) { /* a pair whose halves fit, but not together */
            char name[160];
            elem_name(j, e, i, name, sizeof(name));
            sc_fail(j,
                    "%s and its value are larger than one request may be "
                    "(%u MiB)",
                    name, SIO_MAX_BYTES >> 20);
            return;
        }
        stage_some(j, e, i, m, argc);
        i += m;
    }
    if (j->late.rc != ST_OK)
        j->st.rc = j->late.rc;
    sc_staged(j);
}

static void stage_chunk(struct sc_job *j, const redisReply *arr, size_t index)
{
    static const struct {
        const char *cmd;
        int group;
        bool swap;
    } by_kind[] = {
        [SK_LIST] = {"RPUSH", 1, false},
        [SK_HASH] = {"HSET", 2, false},
        [SK_SET] = {"SADD", 1, false},
        [SK_ZSET] = {"ZADD", 2, true},
    };
    struct elems e = {
        .cmd = by_kind[j->kind].cmd,
        .v = arr->element,
        .n = arr->elements,
        .group = by_kind[j->kind].group,
        .swap = by_kind[j->kind].swap,
        .hold = by_kind[j->kind].swap && j->late.n < SC_LATE_MAX,
        .index = index,
    };
    stage_elems(j, &e);
}

/* ---- the key's type ------------------------------------------------------ */

static const char *const kind_names[] = {
    [SK_STRING] = "string", [SK_LIST] = "list", [SK_HASH] = "hash",
    [SK_SET] = "set",       [SK_ZSET] = "zset", [SK_STREAM] = "stream",
};

/* The kind TYPE's reply names; -1 for none, -2 for any other type. */
static int kind_of(const redisReply *r)
{
    if (!r || r->type != REDIS_REPLY_STATUS)
        return -2;
    if (strcmp(r->str, "none") == 0)
        return -1;
    for (size_t i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
        if (strcmp(r->str, kind_names[i]) == 0)
            return (int)i;
    return -2;
}

/* TYPE k, and MEMORY USAGE k SAMPLES 1 where the source allows it;
 * `first` starts the pipeline. */
static status add_type(struct sc_job *j, bool first)
{
    const char *argv[] = {"MEMORY", "USAGE", j->k->name, "SAMPLES", "1"};
    size_t lens[] = {6, 5, j->k->len, 7, 1};
    status rc = sc_src_key(j, first, "TYPE", NULL, NULL, NULL);

    if (rc == ST_OK && !j->stop && j->ctx->use_memory_usage)
        rc = sc_src_cmd(j, 5, argv, lens);
    return rc;
}

/* The key's kind and MEMORY USAGE from add_type()'s replies, the first at
 * `from`. */
static void type_replies(struct sc_job *j, size_t from)
{
    struct sio *s = j->ctx->sio;
    const redisReply *r = sio_reply(s, from);
    const redisReply *m =
        j->ctx->use_memory_usage ? sio_reply(s, from + 1) : NULL;
    int kind = kind_of(r);

    j->memory = m && m->type == REDIS_REPLY_INTEGER ? m->integer : -1;
    if (kind >= 0)
        j->kind = (enum sc_kind)kind;
    else if (kind == -1)
        settle_missing(j); /* expired when a deadline read before passed */
    else if (r && r->type == REDIS_REPLY_STATUS)
        sc_fail(j,
                "module type %.60s: cannot be copied by type commands; load "
                "the module on the destination and use --mode dump",
                r->str);
    else
        sc_fail(j, "the source answered TYPE with an unexpected reply");
}

static status read_type(struct sc_job *j)
{
    status rc = add_type(j, true);

    if (rc == ST_OK && !j->stop)
        rc = sc_src_send(j);
    if (rc == ST_OK && !j->stop)
        type_replies(j, 0);
    return rc;
}

/* ---- one transaction each way -------------------------------------------- */

/* The read of the whole value inside the one-transaction read, bounded so
 * that a key bigger than it looked costs at most `small` elements. */
static status add_small_read(struct sc_job *j)
{
    char n[24], last[24];
    size_t small = small_elems(j);

    snprintf(n, sizeof(n), "%zu", small);
    snprintf(last, sizeof(last), "%zu", small - 1);
    switch (j->kind) {
    case SK_STRING:
        snprintf(last, sizeof(last), "%u", SC_SMALL_STRING - 1);
        return sc_src_key(j, false, "GETRANGE", "0", last, NULL);
    case SK_LIST:
        return sc_src_key(j, false, "LRANGE", "0", last, NULL);
    case SK_HASH:
        return sc_src_key(j, false, "HRANDFIELD", n, "WITHVALUES", NULL);
    case SK_SET:
        return sc_src_key(j, false, "SRANDMEMBER", n, NULL, NULL);
    case SK_ZSET:
        return sc_src_key(j, false, "ZRANGE", "0", last, "WITHSCORES");
    case SK_STREAM:
        break;
    }
    const char *argv[] = {"XINFO", "STREAM", j->k->name, "FULL", "COUNT", n};
    size_t lens[] = {5, 6, j->k->len, 4, 5, strlen(n)};
    return sc_src_cmd(j, 6, argv, lens);
}

/* MULTI TYPE k [TIME] PEXPIRETIME|PTTL k: the head of a reading
 * transaction; `first` starts the pipeline. */
static status add_head(struct sc_job *j, bool first)
{
    const char *multi[] = {"MULTI"}, *time[] = {"TIME"};
    status rc =
        first ? sc_src_begin(j, 1, multi, NULL) : sc_src_cmd(j, 1, multi, NULL);

    if (rc == ST_OK && !j->stop)
        rc = sc_src_key(j, false, "TYPE", NULL, NULL, NULL);
    if (rc == ST_OK && !j->stop && !j->ctx->use_pexpiretime)
        rc = sc_src_cmd(j, 1, time, NULL);
    if (rc == ST_OK && !j->stop)
        rc = sc_src_key(j, false,
                        j->ctx->use_pexpiretime ? "PEXPIRETIME" : "PTTL", NULL,
                        NULL, NULL);
    return rc;
}

static status add_exec(struct sc_job *j)
{
    const char *exec[] = {"EXEC"};
    return sc_src_cmd(j, 1, exec, NULL);
}

/* The last reply of the pipeline (a transaction's EXEC). */
static const redisReply *last_reply(const struct sc_job *j)
{
    return sio_reply(j->ctx->sio, sio_n(j->ctx->sio) - 1);
}

/* Checks the head's replies in EXEC's reply `x` to a reading transaction
 * of `n` commands after its head: *e is then the first of the `n`. */
static void head_replies(struct sc_job *j, const redisReply *x, size_t n,
                         redisReply *const **e)
{
    size_t head = j->ctx->use_pexpiretime ? 2 : 3;

    if (!x || x->type != REDIS_REPLY_ARRAY || x->elements != head + n) {
        sc_fail(j, "the source answered EXEC with an unexpected reply");
        return;
    }
    int kind = kind_of(x->element[0]);
    int64_t time_ms = head == 3 ? sc_time_ms(x->element[1]) : 0;
    if (kind == -1 || !read_deadline(j, x->element[head - 1], time_ms))
        settle_missing(j);
    else if (kind != (int)j->kind)
        sc_restart(j); /* a new value of another type */
    else if (j->deadline && j->deadline <= sc_wall_ms())
        sc_settle(j, SC_EXPIRED);
    *e = x->element + head;
}

/* Stages the whole value read in one transaction; *small stays true when
 * it fits one writing transaction. */
static status stage_small(struct sc_job *j, const redisReply *v, bool *small)
{
    status rc = ST_OK;

    if (j->kind == SK_STREAM) {
        rc = sc_stream_stage_small(j, v, small);
    } else if (v->type != REDIS_REPLY_ARRAY && j->kind != SK_STRING) {
        sc_fail(j, "the source answered a read with an unexpected reply");
    } else if (j->kind != SK_STRING) {
        stage_chunk(j, v, 0);
    } else if (v->type != REDIS_REPLY_STRING) {
        sc_fail(j, "the source answered GETRANGE with an unexpected reply");
    } else if (sc_arg_fits(j, v->len, "string")) {
        sc_stage_begin(&j->st, 3);
        sc_stage_str(&j->st, "SET");
        sc_stage_tmp(j);
        sc_stage_arg(&j->st, v->str, v->len);
        j->bytes += v->len;
        sc_staged(j);
    }
    if (rc == ST_OK && !j->stop && j->st.b.len > SC_SMALL_BYTES)
        *small = false;
    return rc;
}

/* The bytes of the strings in a reply. */
static size_t reply_bytes(const redisReply *r, int depth)
{
    size_t n = 0;

    if (r->type != REDIS_REPLY_ARRAY)
        return r->type == REDIS_REPLY_STRING ? r->len : 0;
    for (size_t i = 0; i < r->elements && depth < 8; i++)
        n += reply_bytes(r->element[i], depth + 1);
    return n;
}

/* The one-transaction read: its head, the size, the bounded read and
 * EXEC; `first` starts the pipeline. */
static status add_small_txn(struct sc_job *j, bool first)
{
    status rc = add_head(j, first);

    if (rc == ST_OK && !j->stop)
        rc = sc_src_key(j, false, size_cmd[j->kind], NULL, NULL, NULL);
    if (rc == ST_OK && !j->stop)
        rc = add_small_read(j);
    if (rc == ST_OK && !j->stop)
        rc = add_exec(j);
    return rc;
}

/* Stages the value from EXEC's reply `x` to the one-transaction read;
 * *small false sends the key down the chunked path (with j->size known). */
static status small_replies(struct sc_job *j, const redisReply *x, bool *small)
{
    redisReply *const *e = NULL;
    status rc = ST_OK;

    head_replies(j, x, 2, &e);
    if (j->stop)
        return ST_OK;

    size_t limit = j->kind == SK_STRING ? SC_SMALL_STRING : small_elems(j);
    j->size = (size_t)sc_int(e[0], 0);
    *small = j->size <= limit && reply_bytes(e[1], 0) <= SC_SMALL_BYTES;
    if (*small)
        rc = stage_small(j, e[1], small);
    if (!*small) {
        sc_stage_reset(&j->st);
        sc_stage_reset(&j->late);
        j->bytes = 0;
        j->built = 0;
    }
    return rc;
}

static status read_small(struct sc_job *j, bool *small)
{
    status rc = add_small_txn(j, true);

    if (rc == ST_OK && !j->stop)
        rc = sc_src_send(j);
    if (rc == ST_OK && !j->stop)
        rc = small_replies(j, last_reply(j), small);
    return rc;
}

/* ---- keys renamed into place --------------------------------------------- */

/* ---- the closing transaction --------------------------------------------- */

/* What the closing transaction's RENAME or RENAMENX (element `at` of
 * EXEC's reply `x`) says about the key. */
static void committed(struct sc_job *j, const redisReply *x, size_t at)
{
    struct sio *s = j->ctx->sio;
    bool past = j->deadline && j->deadline <= sc_wall_ms();

    if (!x || x->type != REDIS_REPLY_ARRAY || x->elements <= at) {
        sc_fail(j, "destination %s did not run the transaction",
                sio_node_name(s));
        return;
    }
    j->dirty = false; /* renamed, or dropped by the UNLINK after it */
    const redisReply *r = x->element[at];
    if (r->type == REDIS_REPLY_ERROR && past) {
        sc_settle(j, SC_EXPIRED); /* PEXPIREAT in the past dropped tmp */
    } else if (r->type == REDIS_REPLY_ERROR && strstr(r->str, "no such key")) {
        sc_restart(j); /* nothing was built: the value went meanwhile */
    } else if (r->type == REDIS_REPLY_ERROR) {
        sc_fail(j, "destination %s: %.200s", sio_node_name(s), r->str);
    } else if (r->type == REDIS_REPLY_INTEGER && r->integer == 0) {
        j->res->own =
            j->k->remember && written_has(j->k->dst_db, j->k->name, j->k->len);
        j->res->maybe_own = !j->res->own && j->commit_again;
        sc_settle(j, j->res->own ? SC_COPIED : SC_EXISTS);
    } else if (past) {
        sc_settle(j, SC_EXPIRED); /* written, and expired on arrival */
    } else {
        /* Under --on-conflict replace, RENAME overwrote whatever was
         * there: it may have been this process's own earlier write. */
        if (j->k->remember) {
            j->res->own = written_has(j->k->dst_db, j->k->name, j->k->len);
            written_add(j->k->dst_db, j->k->name, j->k->len);
        }
        j->res->bytes = j->bytes;
        sc_settle(j, SC_COPIED);
    }
}

/* Whether EXEC's reply `x` shows its RENAME or RENAMENX (element `at`)
 * done: the key is written, whatever else its pipeline answered. */
static bool renamed(const redisReply *x, size_t at)
{
    const redisReply *r;

    if (!x || x->type != REDIS_REPLY_ARRAY || x->elements <= at)
        return false;
    r = x->element[at];
    return r->type == REDIS_REPLY_STATUS ||
           (r->type == REDIS_REPLY_INTEGER && r->integer == 1);
}

/*
 * The closing transaction: MULTI [UNLINK tmp <staged rebuild>] (`body`)
 * [PEXPIREAT tmp d] RENAME|RENAMENX tmp k UNLINK tmp EXEC, appended to
 * the pipeline (`first` starts it). The rebuild is in the same
 * transaction for a small key, so it appears whole or not. A tmp built
 * in chunks has TMPKEY_TTL_MS, which the key must not keep: PERSIST tmp
 * when the key has no deadline. *at is the EXEC element of
 * RENAME|RENAMENX.
 */
static status add_commit(struct sc_job *j, bool body, bool first, size_t *at)
{
    const char *multi[] = {"MULTI"};
    char when[24];
    status rc;

    *at = 0;
    if (first) {
        sio_begin(j->ctx->sio, SIO_DST, j->slot, j->k->dst_db);
        rc = pipe_first(j, 1, multi, NULL);
    } else {
        rc = dst_cmd(j, "MULTI");
    }
    if (rc == ST_OK && !j->stop && body) {
        *at = 1 + j->st.n + j->late.n;
        rc = dst_tmp_cmd(j, "UNLINK", NULL, false);
        if (rc == ST_OK)
            rc = replay_stage(j, &j->st);
        if (rc == ST_OK && !j->stop)
            rc = replay_stage(j, &j->late);
    }
    if (rc == ST_OK && !j->stop && j->deadline) {
        snprintf(when, sizeof(when), "%" PRId64, j->deadline);
        ++*at;
        rc = dst_tmp_cmd(j, "PEXPIREAT", when, false);
    } else if (rc == ST_OK && !j->stop && !body) {
        ++*at;
        rc = dst_tmp_cmd(j, "PERSIST", NULL, false);
    }
    if (rc == ST_OK && !j->stop)
        rc = dst_tmp_cmd(j, j->k->replace ? "RENAME" : "RENAMENX", NULL, true);
    if (rc == ST_OK && !j->stop)
        rc = dst_tmp_cmd(j, "UNLINK", NULL, false);
    if (rc == ST_OK && !j->stop)
        rc = dst_cmd(j, "EXEC");
    return rc;
}

/* What the sending (`rc`, `again`) of the closing transaction, replies
 * [from, to) of the pipeline, says about the key. */
static status commit_replies(struct sc_job *j, status rc, bool again,
                             size_t from, size_t to, size_t at)
{
    /* A redo the pipeline asks for (another key's redirect, a reconnect
     * that sent it again) does not undo this key's transaction when its
     * EXEC came back with the rename done: keep that result, for a new
     * attempt would find its own write there. */
    if (rc == ST_OK && again && renamed(sio_reply(j->ctx->sio, to - 1), at))
        again = false;
    rc = dst_replies(j, rc, again, from, to, at);
    if (rc != ST_OK || j->stop)
        j->commit_again = j->again;
    else
        committed(j, sio_reply(j->ctx->sio, to - 1), at);
    return rc;
}

static status commit(struct sc_job *j, bool body)
{
    struct sio *s = j->ctx->sio;
    bool again = false;
    size_t at;
    status rc = add_commit(j, body, true, &at);

    if (rc != ST_OK || j->stop) {
        j->commit_again = j->again;
        return rc;
    }
    rc = sio_send(s, &again);
    return commit_replies(j, rc, again, 0, sio_n(s), at);
}

/* ---- chunked copies ------------------------------------------------------ */

/* A string in GETRANGE windows, appended to tmp. Each APPEND carries one
 * window, so a string of any length up to the destination's
 * proto-max-bulk-len goes (APPEND refuses to grow a string past it). */
static status big_string(struct sc_job *j)
{
    struct sio *s = j->ctx->sio;
    size_t max = sc_max_bulk(j);
    size_t w = SC_CHUNK_BYTES < max ? SC_CHUNK_BYTES : max;
    char from[24], to[24];
    status rc = sc_src_key(j, true, "STRLEN", NULL, NULL, NULL);

    if (rc == ST_OK && !j->stop)
        rc = sc_src_send(j);
    if (rc != ST_OK || j->stop)
        return rc;
    j->size = (size_t)sc_int(sio_reply(s, 0), 0);
    if (!bulk_fits(j, j->size, "string"))
        return ST_OK;
    for (size_t off = 0, n = w; n == w && rc == ST_OK && !j->stop; off += n) {
        snprintf(from, sizeof(from), "%zu", off);
        snprintf(to, sizeof(to), "%zu", off + w - 1);
        rc = sc_src_key(j, true, "GETRANGE", from, to, NULL);
        if (rc == ST_OK && !j->stop)
            rc = sc_src_send(j);
        if (rc != ST_OK || j->stop)
            break;
        const redisReply *r = sio_reply(s, 0);
        n = r->type == REDIS_REPLY_STRING ? r->len : 0;
        if (n == 0)
            break;
        if (!bulk_fits(j, off + n, "string"))
            break; /* it grew meanwhile */
        sc_stage_begin(&j->st, 3);
        sc_stage_str(&j->st, "APPEND");
        sc_stage_tmp(j);
        sc_stage_arg(&j->st, r->str, n);
        j->bytes += n;
        if (sc_staged(j))
            rc = sc_dst_flush(j);
    }
    return rc;
}

/* Sends the chunk's read, stages its write from the reply `*r` and sends
 * that; the reply is gone afterwards. */
static status chunk_read(struct sc_job *j, const redisReply **r)
{
    status rc = sc_src_send(j);

    *r = NULL;
    if (rc == ST_OK && !j->stop)
        *r = sio_reply(j->ctx->sio, 0);
    return rc;
}

/* A list in LRANGE windows. A list that changes meanwhile is copied as
 * its windows were read (see structcopy.h). */
static status big_list(struct sc_job *j)
{
    char from[24], to[24];
    status rc = ST_OK;

    for (size_t start = 0; rc == ST_OK && !j->stop;) {
        const redisReply *r;
        size_t asked = j->count, before = j->bytes;
        snprintf(from, sizeof(from), "%zu", start);
        snprintf(to, sizeof(to), "%zu", start + asked - 1);
        rc = sc_src_key(j, true, "LRANGE", from, to, NULL);
        if (rc == ST_OK && !j->stop)
            rc = chunk_read(j, &r);
        if (rc != ST_OK || j->stop || r->type != REDIS_REPLY_ARRAY ||
            r->elements == 0)
            break;
        size_t n = r->elements;
        stage_chunk(j, r, start);
        j->built += n;
        if (!j->stop)
            rc = sc_dst_flush(j);
        start += n;
        sc_adapt_count(j, n, (size_t)(j->bytes - before));
        if (n < asked)
            break;
    }
    return rc;
}

/* The held-back members scored -0, once the rest is in. */
static status flush_late(struct sc_job *j)
{
    return chunk_send(j, &j->late);
}

/* A hash, set or sorted set by HSCAN, SSCAN or ZSCAN: a member SCAN
 * returns twice is written twice, which changes nothing. */
static status big_scan(struct sc_job *j)
{
    static const char *const scan[] = {
        [SK_HASH] = "HSCAN", [SK_SET] = "SSCAN", [SK_ZSET] = "ZSCAN"};
    char cursor[32] = "0", count[24];
    status rc = ST_OK;

    do {
        const redisReply *r;
        size_t before = j->bytes;
        snprintf(count, sizeof(count), "%zu", j->count);
        rc = sc_src_key(j, true, scan[j->kind], cursor, "COUNT", count);
        if (rc == ST_OK && !j->stop)
            rc = chunk_read(j, &r);
        if (rc != ST_OK || j->stop)
            break;
        if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
            r->element[0]->type != REDIS_REPLY_STRING ||
            r->element[0]->len >= sizeof(cursor) ||
            r->element[1]->type != REDIS_REPLY_ARRAY) {
            sc_fail(j, "the source answered %s with an unexpected reply",
                    scan[j->kind]);
            break;
        }
        memcpy(cursor, r->element[0]->str, r->element[0]->len + 1);
        size_t n = r->element[1]->elements;
        stage_chunk(j, r->element[1], 0);
        if (!j->stop)
            rc = sc_dst_flush(j);
        sc_adapt_count(j, n, (size_t)(j->bytes - before));
    } while (rc == ST_OK && !j->stop && strcmp(cursor, "0") != 0);
    if (rc == ST_OK && !j->stop && j->late.n)
        rc = flush_late(j);
    return rc;
}

/* The key still there with its type, and its deadline as it is now. */
static status read_head(struct sc_job *j)
{
    redisReply *const *e = NULL;
    status rc = add_head(j, true);

    if (rc == ST_OK && !j->stop)
        rc = add_exec(j);
    if (rc == ST_OK && !j->stop)
        rc = sc_src_send(j);
    if (rc == ST_OK && !j->stop)
        head_replies(j, last_reply(j), 0, &e);
    return rc;
}

/* After the chunks: read_head(), and something written. */
static status read_final(struct sc_job *j)
{
    status rc = read_head(j);

    if (rc == ST_OK && !j->stop && !j->wrote)
        sc_restart(j); /* emptied and filled again meanwhile */
    return rc;
}

static status copy_big(struct sc_job *j)
{
    status rc = ST_OK;

    /* A key sized by MEMORY USAGE, or a stream with many groups, comes
     * without a reading transaction: its deadline first, so that a key
     * that goes while it is read counts as expired when it passed. */
    if (!j->deadline_read)
        rc = read_head(j);
    if (rc != ST_OK || j->stop)
        return rc;
    j->count = j->ctx->chunk_elems ? j->ctx->chunk_elems : SC_COUNT_FIRST;
    switch (j->kind) {
    case SK_STRING:
        rc = big_string(j);
        break;
    case SK_LIST:
        rc = big_list(j);
        break;
    case SK_STREAM:
        rc = sc_stream_big(j);
        break;
    default:
        rc = big_scan(j);
        break;
    }
    if (rc == ST_OK && !j->stop)
        rc = read_final(j);
    if (rc == ST_OK && !j->stop)
        rc = commit(j, false);
    return rc;
}

/* ---- one key ------------------------------------------------------------- */

/* A key MEMORY USAGE sizes above SC_SMALL_MEMORY is never read whole. */
static bool never_whole(const struct sc_job *j)
{
    return j->memory > (long long)SC_SMALL_MEMORY;
}

/* The rest of an attempt once the key's type is known. */
static status copy_typed(struct sc_job *j)
{
    bool small = !never_whole(j);
    status rc = ST_OK;

    if (small && j->kind == SK_STREAM)
        rc = sc_stream_is_small(j, &small);
    if (rc == ST_OK && !j->stop && small)
        rc = read_small(j, &small);
    if (rc != ST_OK || j->stop)
        return rc;
    if (small)
        return commit(j, true);
    return copy_big(j);
}

static status copy_once(struct sc_job *j)
{
    status rc = read_type(j);

    if (rc != ST_OK || j->stop)
        return rc;
    return copy_typed(j);
}

/* Drops what a failed or abandoned attempt left in tmp; best effort. */
static void drop_tmp(struct sc_job *j)
{
    struct sio *s = j->ctx->sio;
    const char *argv[] = {"UNLINK", j->tmp};
    size_t lens[] = {6, j->tmp_len};
    bool again;

    sio_begin(s, SIO_DST, j->slot, j->k->dst_db);
    if (sio_cmd(s, 2, argv, lens) == ST_OK)
        (void)sio_send(s, &again);
}

static void attempt_reset(struct sc_job *j)
{
    j->stop = j->again = false;
    j->fresh = true;
    j->wrote = false;
    j->deadline = 0;
    j->deadline_read = false;
    j->bytes = 0;
    j->built = 0;
    j->size = 0;
    j->res->out = SC_FAILED;
    j->res->why[0] = '\0';
    sc_stage_reset(&j->st);
    sc_stage_reset(&j->late);
}

/* After an attempt that ended with `rc`: more attempts while one ends
 * with `again`, up to SC_ATTEMPTS in all. */
static status retry(struct sc_job *j, status rc)
{
    while (rc == ST_OK && j->again) {
        if (++j->attempts >= SC_ATTEMPTS && j->lost) {
            sc_fail(j,
                    "started over %d times; %d times its temporary key %s "
                    "was removed from the destination while it was built "
                    "(by another client, or another run's clean-up)",
                    j->attempts, j->lost, j->tmp);
            break;
        }
        if (j->attempts >= SC_ATTEMPTS) {
            sc_fail(j,
                    "started over %d times (the destination redirected or "
                    "was reconnected, or the key kept changing type on the "
                    "source)",
                    j->attempts);
            break;
        }
        attempt_reset(j);
        rc = copy_once(j);
    }
    return rc;
}

/* The key's job, ready for its first attempt (its temporary key named). */
static void job_init(struct sc_job *j, struct sc_ctx *ctx,
                     const struct sc_key *k, struct sc_result *res)
{
    *j = (struct sc_job){.ctx = ctx, .k = k, .res = res};
    memset(res, 0, sizeof(*res));
    j->slot = cluster_slot(k->name, k->len);
    j->tmp_len = tmpkey_name(j->tmp, j->slot, ctx->token, ++ctx->seq);
    stage_init(&j->st);
    stage_init(&j->late);
    attempt_reset(j);
}

/* Lets the stages' memory go; they stay usable. */
static void stages_release(struct sc_job *j)
{
    sc_stage_free(&j->st);
    sc_stage_free(&j->late);
    stage_init(&j->st);
    stage_init(&j->late);
}

/* Ends the key's job, whose copy returned `rc`. */
static void job_end(struct sc_job *j, status rc)
{
    /* A refusal leaves the connection usable; a lost one, or a stop
     * request, leaves tmp to the next run's sweep. */
    if ((rc == ST_OK && j->res->out != SC_COPIED) || rc == ST_NOPERM)
        if (j->dirty)
            drop_tmp(j);
    sc_stage_free(&j->st);
    sc_stage_free(&j->late);
    sc_stream_free(j);
}

status sc_copy(struct sc_ctx *ctx, const struct sc_key *k,
               struct sc_result *res)
{
    struct sc_job j;
    status rc;

    ctx->err[0] = '\0';
    job_init(&j, ctx, k, res);
    rc = retry(&j, copy_once(&j));
    job_end(&j, rc);
    return rc;
}

/* ---- many keys ----------------------------------------------------------- */

/*
 * sc_copy_many(): the first attempt of every key goes in pipelines shared
 * with the others, one stage after the other, and a key leaves them for
 * its own copy (sc_copy's steps) where it needs more:
 *
 *   types   source       TYPE k [MEMORY USAGE k SAMPLES 1] ...
 *   reads   source       MULTI TYPE k [TIME] PEXPIRETIME|PTTL k <size>
 *                        <bounded read> EXEC ...
 *   writes  destination  MULTI UNLINK tmp <rebuild> [PEXPIREAT tmp d]
 *                        RENAME|RENAMENX tmp k UNLINK tmp EXEC ...
 *
 * Reads go in rounds of about SC_PIPE_BYTES of values (by MEMORY USAGE;
 * without it, by the bytes per key of the last round), each round's
 * writes before the next round's reads, so that what is staged stays
 * bounded; writes are grouped by destination node, each pipeline about
 * SC_PIPE_BYTES at most. A key whose pipeline answers `again` starts over
 * on its own, like one of sc_copy's, its RENAMENX refused then counting
 * as maybe its own (maybe_own).
 */

#define SC_PIPE_BYTES (2u << 20)

/* Where a key of the batch stands. */
enum bstep {
    BS_TYPE,  /* its TYPE is to be read */
    BS_READ,  /* its one-transaction read is to be sent */
    BS_WRITE, /* its writing transaction is to be sent */
    BS_TYPED, /* on its own from after TYPE (big, or a stream) */
    BS_BIG,   /* on its own by chunks */
    BS_DONE,  /* settled, or to start over on its own (j.again) */
};

struct bkey {
    struct sc_job j;
    enum bstep step;
    size_t from, to; /* its replies in the pipeline sent */
    size_t at;       /* RENAME's element in its EXEC reply */
};

/* Whether key `b` may share the pipeline that key `a` opens. */
static bool same_pipe(struct sio *s, const struct bkey *a, const struct bkey *b)
{
    const struct sc_key *ka = a->j.k, *kb = b->j.k;

    if (a->step != b->step)
        return false;
    if (a->step != BS_WRITE)
        return ka->node == kb->node && ka->src_db == kb->src_db;
    return ka->dst_db == kb->dst_db &&
           sio_dst_node(s, a->j.slot) == sio_dst_node(s, b->j.slot);
}

/* About the bytes a key adds to its pipeline: its requests, and for a
 * read the value that comes back. */
static size_t pipe_cost(const struct bkey *b)
{
    const struct sc_job *j = &b->j;

    switch (b->step) {
    case BS_TYPE:
        return 64 + 2 * j->k->len;
    case BS_READ:
        return 256 + 5 * j->k->len +
               (j->memory >= 0     ? (size_t)j->memory
                : j->ctx->read_est ? j->ctx->read_est
                                   : SC_PIPE_BYTES / 4);
    default:
        return 256 + 4 * j->tmp_len + j->k->len + j->st.b.len + j->late.b.len;
    }
}

static status pipe_add(struct bkey *b, bool first)
{
    switch (b->step) {
    case BS_TYPE:
        return add_type(&b->j, first);
    case BS_READ:
        return add_small_txn(&b->j, first);
    default:
        return add_commit(&b->j, true, first, &b->at);
    }
}

/* What the pipeline's sending (`rc`, `again`) and the key's replies say:
 * its outcome, or its next step. */
static status pipe_check(struct bkey *b, status rc, bool again)
{
    struct sc_job *j = &b->j;
    enum bstep step = b->step;
    bool small = true;

    b->step = BS_DONE;
    if (step == BS_WRITE) {
        rc = commit_replies(j, rc, again, b->from, b->to, b->at);
        stages_release(j);
        return rc;
    }
    rc = src_replies(j, rc, again, b->from, b->to);
    if (rc != ST_OK || j->stop)
        return rc;
    if (step == BS_TYPE) {
        type_replies(j, b->from);
        if (!j->stop)
            b->step =
                never_whole(j) || j->kind == SK_STREAM ? BS_TYPED : BS_READ;
        return ST_OK;
    }
    rc = small_replies(j, sio_reply(j->ctx->sio, b->to - 1), &small);
    if (rc == ST_OK && !j->stop)
        b->step = small ? BS_WRITE : BS_BIG;
    return rc;
}

/* Where MEMORY USAGE does not size the keys: the values' bytes per key
 * in a round of reads size the next rounds. */
static void read_sizes(const struct bkey *b, const size_t *idx, size_t n)
{
    struct sc_ctx *ctx = b[idx[0]].j.ctx;
    size_t total = 0;

    for (size_t x = 0; x < n; x++) {
        const redisReply *r = sio_reply(ctx->sio, b[idx[x]].to - 1);
        if (r)
            total += reply_bytes(r, 0);
    }
    ctx->read_est = total / n > 64 ? total / n : 64;
}

/* One pipeline: key `first` and the keys after it, before `end`, that
 * may share it, about SC_PIPE_BYTES at most. Sends it and moves each key
 * on; *last is one past the last key it took. */
static status pipe_run(struct bkey *b, size_t first, size_t end, size_t *last)
{
    struct sio *s = b[first].j.ctx->sio;
    size_t idx[SC_BATCH_MAX], n = 0, bytes = 0;
    bool again = false;
    status rc = ST_OK;

    for (size_t i = first; i < end && n < SC_BATCH_MAX; i++) {
        if (bytes >= SC_PIPE_BYTES)
            break;
        if (!same_pipe(s, &b[first], &b[i]))
            continue;
        idx[n++] = i;
        bytes += pipe_cost(&b[i]);
    }
    *last = idx[n - 1] + 1;
    for (size_t x = 0; x < n && rc == ST_OK; x++) {
        struct bkey *k = &b[idx[x]];
        k->from = x == 0 ? 0 : sio_n(s); /* the first one begins it */
        rc = pipe_add(k, x == 0);
        k->to = sio_n(s);
        if (rc != ST_OK || !k->j.stop)
            continue;
        /* Nothing could be queued (learn_why): no master known for the
         * slot yet. All start over, on their own. */
        for (size_t y = 0; y < n; y++) {
            sc_restart(&b[idx[y]].j);
            b[idx[y]].step = BS_DONE;
        }
        return ST_OK;
    }
    if (rc != ST_OK)
        return rc;
    rc = sio_send(s, &again);
    if (rc == ST_OK && !again && b[first].step == BS_READ)
        read_sizes(b, idx, n);
    for (size_t x = 0; x < n; x++) {
        status krc = pipe_check(&b[idx[x]], rc, again);
        if (krc != ST_OK)
            return krc;
    }
    return ST_OK;
}

/* Pipelines until no key in [from, to) is at `step`. */
static status pipe_all(struct bkey *b, size_t from, size_t to, enum bstep step)
{
    status rc = ST_OK;
    size_t last;

    for (size_t i = from; i < to && rc == ST_OK; i++)
        while (b[i].step == step && rc == ST_OK)
            rc = pipe_run(b, i, to, &last);
    return rc;
}

/* A key the pipelines handed on: the rest of its attempt on its own, and
 * its other attempts. */
static status solo(struct bkey *b)
{
    struct sc_job *j = &b->j;
    status rc = ST_OK;

    if (b->step == BS_TYPED)
        rc = copy_typed(j);
    else if (b->step == BS_BIG)
        rc = copy_big(j);
    b->step = BS_DONE;
    return retry(j, rc);
}

static status copy_batch(struct sc_ctx *ctx, const struct sc_key *keys,
                         size_t n, struct sc_result *res)
{
    struct bkey *b = calloc(n, sizeof(*b));
    status rc;
    size_t last;

    if (!b) {
        snprintf(ctx->err, sizeof(ctx->err), "out of memory");
        return ST_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        job_init(&b[i].j, ctx, &keys[i], &res[i]);
        b[i].step = BS_TYPE;
    }
    rc = pipe_all(b, 0, n, BS_TYPE);
    for (size_t i = 0; i < n && rc == ST_OK; i++) {
        while (b[i].step == BS_READ && rc == ST_OK) {
            rc = pipe_run(b, i, n, &last);
            if (rc == ST_OK)
                rc = pipe_all(b, i, last, BS_WRITE);
        }
    }
    for (size_t i = 0; i < n && rc == ST_OK; i++)
        rc = solo(&b[i]);
    for (size_t i = 0; i < n; i++)
        job_end(&b[i].j, rc);
    free(b);
    return rc;
}

status sc_copy_many(struct sc_ctx *ctx, const struct sc_key *keys, size_t n,
                    struct sc_result *res)
{
    status rc = ST_OK;

    ctx->err[0] = '\0';
    for (size_t i = 0; i < n && rc == ST_OK; i += SC_BATCH_MAX)
        rc = copy_batch(ctx, keys + i,
                        n - i < SC_BATCH_MAX ? n - i : SC_BATCH_MAX, res + i);
    return rc;
}

/* ---- temporary keys a killed run left ------------------------------------ */

/*
 * One pipeline a step: SCAN from the cursor, PTTL of the keys the last
 * SCAN found in the shape of tmpkey_name(), and UNLINK of those whose
 * PTTL came back idle the step before:
 *
 *   SCAN c MATCH PREFIX{* COUNT n   PTTL t1 ... PTTL tm   UNLINK u1 ...
 *
 * A chunked build sets PEXPIRE tmp TMPKEY_TTL_MS with each chunk, so its
 * PTTL stays above TMPKEY_TTL_MS - TMPKEY_IDLE_MS while a run builds it;
 * one another run is building is left alone. A PTTL above TMPKEY_TTL_MS
 * or none at all is not one a chunk set: an older version's leftover, or
 * one planted by hand.
 */

struct sweep {
    struct sio *s;
    int where, db;
    char cursor[32];
    bool scanned;         /* SCAN came back to cursor 0 */
    struct sc_stage ask;  /* PTTLs of what the last SCAN found */
    struct sc_stage drop; /* UNLINKs of those found idle */
    /* The names of `ask`, and those of the PTTLs in flight: back to
     * back, each after a byte that holds its length. */
    struct resp_buf asking, asked;
    int redos;
    uint64_t *removed;
    char *err;
    size_t errlen;
};

/* Whether `name` has the shape tmpkey_name() gives it: PREFIX, `{`, a tag
 * of 1 to TAG_MAX bytes, `}:`, a token without `:`, `:`, the decimal
 * sequence number; shorter than TMPKEY_MAX in all. */
static bool tmpkey_shaped(const char *name, size_t len)
{
    size_t p = strlen(TMPKEY_PREFIX), i, tag;

    if (len >= TMPKEY_MAX || len <= p + 1 ||
        memcmp(name, TMPKEY_PREFIX, p) != 0 || name[p] != '{')
        return false;
    for (i = p + 1; i < len && name[i] != '}' && name[i] != '{'; i++)
        ;
    tag = i - p - 1;
    if (tag == 0 || tag > TAG_MAX || i + 1 >= len || name[i] != '}' ||
        name[i + 1] != ':')
        return false;
    for (i += 2; i < len && name[i] != ':'; i++) /* the token */
        ;
    if (++i >= len)
        return false; /* no `:` and sequence number after the token */
    for (; i < len; i++)
        if (name[i] < '0' || name[i] > '9')
            return false;
    return true;
}

/* Whether a temporary key's PTTL shows nobody building it. */
static bool tmpkey_idle(long long pttl)
{
    return pttl == -1 || pttl > TMPKEY_TTL_MS ||
           (pttl >= 0 && pttl < TMPKEY_TTL_MS - TMPKEY_IDLE_MS);
}

static status names_add(struct resp_buf *b, const char *name, size_t len)
{
    status rc = resp_buf_reserve(b, 1 + len);

    if (rc == ST_OK) {
        b->data[b->len++] = (char)(unsigned char)len; /* < TMPKEY_MAX */
        memcpy(b->data + b->len, name, len);
        b->len += len;
    }
    return rc;
}

static status sweep_error(struct sweep *w, status rc, const char *what)
{
    if (w->err)
        snprintf(w->err, w->errlen, "destination %s: %.200s",
                 sio_node_name(w->s), what);
    return rc;
}

/* Stages PTTL of each key of a SCAN reply in the shape of a temporary
 * key, and keeps its name. */
static status sweep_found(struct sweep *w, const redisReply *keys)
{
    for (size_t i = 0; i < keys->elements; i++) {
        const redisReply *k = keys->element[i];
        if (k->type != REDIS_REPLY_STRING || !tmpkey_shaped(k->str, k->len))
            continue;
        if (names_add(&w->asking, k->str, k->len) != ST_OK)
            return sweep_error(w, ST_NOMEM, "out of memory");
        sc_stage_begin(&w->ask, 2);
        sc_stage_str(&w->ask, "PTTL");
        sc_stage_arg(&w->ask, k->str, k->len);
    }
    return w->ask.rc;
}

/* The replies of a step that sent `drops` UNLINKs and `asks` PTTLs after
 * its SCAN (none once scanned): counts the UNLINKs, stages those of the
 * idle keys, and the PTTLs of the keys SCAN found. */
static status sweep_replies(struct sweep *w, bool scan, size_t drops,
                            size_t asks)
{
    size_t at = scan ? 1 : 0, off = 0;

    for (size_t i = 0; i < sio_n(w->s); i++) {
        const redisReply *r = sio_reply(w->s, i);
        if (r->type == REDIS_REPLY_ERROR)
            return sweep_error(
                w, starts(r->str, "NOPERM") ? ST_NOPERM : ST_SERVER, r->str);
    }
    for (size_t i = 0; i < drops; i++, at++)
        *w->removed += (uint64_t)sc_int(sio_reply(w->s, at), 0);
    for (size_t i = 0; i < asks && off < w->asked.len; i++, at++) {
        const redisReply *r = sio_reply(w->s, at);
        size_t len = (unsigned char)w->asked.data[off];
        const char *name = w->asked.data + off + 1;
        off += 1 + len;
        if (r->type != REDIS_REPLY_INTEGER || !tmpkey_idle(r->integer))
            continue;
        sc_stage_begin(&w->drop, 2);
        sc_stage_str(&w->drop, "UNLINK");
        sc_stage_arg(&w->drop, name, len);
    }
    if (w->drop.rc != ST_OK)
        return sweep_error(w, w->drop.rc, "out of memory");
    if (!scan)
        return ST_OK;

    const redisReply *r = sio_reply(w->s, 0);
    if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
        r->element[0]->type != REDIS_REPLY_STRING ||
        r->element[0]->len >= sizeof(w->cursor) ||
        r->element[1]->type != REDIS_REPLY_ARRAY)
        return sweep_error(w, ST_PROTOCOL, "unexpected reply to SCAN");
    memcpy(w->cursor, r->element[0]->str, r->element[0]->len + 1);
    w->scanned = strcmp(w->cursor, "0") == 0;
    return sweep_found(w, r->element[1]);
}

/* After a redirect: from the start, with nothing staged. */
static void sweep_restart(struct sweep *w)
{
    snprintf(w->cursor, sizeof(w->cursor), "0");
    w->scanned = false;
    sc_stage_reset(&w->ask);
    sc_stage_reset(&w->drop);
    w->asking.len = w->asked.len = 0;
}

/* One pipeline: SCAN from the cursor (until it is done), the UNLINKs and
 * the PTTLs staged by the last one. */
static status sweep_step(struct sweep *w)
{
    const char *argv[] = {"SCAN",  w->cursor,    "MATCH", TMPKEY_PREFIX "{*",
                          "COUNT", SC_SWEEP_SCAN};
    bool scan = !w->scanned, again = false;
    size_t drops = w->drop.n, asks = w->ask.n;
    struct resp_buf t = w->asked;
    status rc = ST_OK, sent;

    /* The names staged last step are asked now. */
    w->asked = w->asking;
    w->asking = t;
    w->asking.len = 0;

    sio_begin(w->s, SIO_DST, w->where, w->db);
    if (scan)
        rc = sio_cmd(w->s, 6, argv, NULL);
    if (rc == ST_OK)
        rc = replay(w->s, &w->drop);
    if (rc == ST_OK)
        rc = replay(w->s, &w->ask);
    if (rc != ST_OK && sio_n(w->s) > 0)
        return sweep_error(w, rc, "a request does not fit");

    /* With nothing queued, sending tells why nothing could be. */
    sent = sio_send(w->s, &again);
    if (sent != ST_OK)
        return sweep_error(w, sent, sio_error(w->s));
    if (again) {
        if (++w->redos >= SC_ATTEMPTS)
            return sweep_error(w, ST_SERVER, "kept redirecting SCAN");
        sweep_restart(w);
        return ST_OK;
    }
    if (rc != ST_OK)
        return sweep_error(w, rc, "a request does not fit");
    return sweep_replies(w, scan, drops, asks);
}

status sc_sweep_msg(struct sio *s, int where, int db, uint64_t *removed,
                    char *err, size_t errlen)
{
    struct sweep w = {.s = s,
                      .where = where,
                      .db = db,
                      .cursor = "0",
                      .removed = removed,
                      .err = err,
                      .errlen = errlen};
    status rc;

    stage_init(&w.ask);
    stage_init(&w.drop);
    resp_buf_init(&w.asking, SC_STAGE_MAX);
    resp_buf_init(&w.asked, SC_STAGE_MAX);
    do {
        rc = sweep_step(&w);
    } while (rc == ST_OK && (!w.scanned || w.ask.n > 0 || w.drop.n > 0));
    sc_stage_free(&w.ask);
    sc_stage_free(&w.drop);
    resp_buf_free(&w.asking);
    resp_buf_free(&w.asked);
    return rc;
}

status sc_sweep(struct sio *s, int where, int db, uint64_t *removed)
{
    return sc_sweep_msg(s, where, db, removed, NULL, 0);
}
