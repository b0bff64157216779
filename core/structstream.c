/*
 * Streams by type commands (structcopy.h; shared steps in structcopy.c).
 * Runs on the calling worker's thread.
 *
 * What a stream holds, and how each part is rebuilt on the temporary key:
 *
 *   entries               XADD tmp <id> f v ...        in id order
 *   groups                XGROUP CREATE tmp g <last-delivered-id>
 *                         [ENTRIESREAD n]     (left out when nil: unknown)
 *   consumers             XGROUP CREATECONSUMER tmp g c    (empty ones too)
 *   pending entries       XCLAIM tmp g c 0 <id> TIME <last delivery>
 *                         RETRYCOUNT <deliveries> FORCE JUSTID
 *   last-generated-id,    XSETID tmp <id> ENTRIESADDED n MAXDELETEDID m
 *   entries-added,        (last: the XDELs below move them)
 *   max-deleted-entry-id
 *
 * XCLAIM with RETRYCOUNT sets the delivery count as given: JUSTID adds
 * nothing to it (checked on Redis 7.0 and Valkey 8.0). XCLAIM skips an id
 * that is not in the stream, yet a group can hold pending entries that
 * were deleted (XDEL) or trimmed away after their delivery. Those ids are
 * written as placeholder entries in id order among the real ones, claimed
 * like the others, then deleted with XDEL; XSETID sets the counters back.
 * The one-transaction path finds them in XINFO STREAM FULL; the chunked
 * path learns them from XCLAIM's empty answers and builds the key again.
 *
 * A stream without entries (all deleted, or made by XGROUP CREATE ...
 * MKSTREAM) is made with XADD tmp MAXLEN 0 0-1 ..., which leaves it
 * empty; XSETID then sets its last id, 0-0 included.
 *
 * A stream read in chunks while it changes is copied as it was read:
 * entries added after their page, or groups changed between reads, can
 * end as a mix (see structcopy.h).
 */
#include "structcopy_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SMALL_GROUPS    32  /* groups of a stream read in one transaction */
#define SMALL_CONSUMERS 256 /* consumers, all groups together */
#define PLACEHOLDER     "redis-migrate:placeholder"
#define ID_MAX          48 /* "18446744073709551615-18446744073709551615" */

/* ---- entry ids ----------------------------------------------------------- */

static bool sid_parse(const redisReply *r, struct sc_sid *id)
{
    char buf[ID_MAX], *end;

    if (!r || r->type != REDIS_REPLY_STRING || r->len == 0 ||
        r->len >= sizeof(buf))
        return false;
    memcpy(buf, r->str, r->len + 1);
    id->ms = strtoull(buf, &end, 10);
    if (*end != '-')
        return false;
    id->seq = strtoull(end + 1, &end, 10);
    return *end == '\0';
}

static int sid_cmp(const struct sc_sid *a, const struct sc_sid *b)
{
    if (a->ms != b->ms)
        return a->ms < b->ms ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int sid_qcmp(const void *a, const void *b)
{
    return sid_cmp(a, b);
}

static size_t sid_str(const struct sc_sid *id, char *out, size_t outlen)
{
    return (size_t)snprintf(out, outlen, "%" PRIu64 "-%" PRIu64, id->ms,
                            id->seq);
}

static void stage_sid(struct sc_stage *st, const struct sc_sid *id)
{
    char s[ID_MAX];
    sc_stage_arg(st, s, sid_str(id, s, sizeof(s)));
}

static void stage_reply(struct sc_stage *st, const redisReply *r)
{
    sc_stage_arg(st, r->str, r->len);
}

static void unexpected(struct sc_job *j, const char *what)
{
    sc_fail(j, "the source answered %s with an unexpected reply", what);
}

/* ---- ids of deleted pending entries -------------------------------------- */

static void dead_add(struct sc_job *j, const struct sc_sid *id)
{
    if (j->n_dead >= SC_DEAD_MAX) {
        sc_fail(j,
                "more than %d pending entries of its groups refer to deleted "
                "stream entries",
                SC_DEAD_MAX);
        return;
    }
    if (j->n_dead == j->cap_dead) {
        size_t cap = j->cap_dead ? j->cap_dead * 2 : 64;
        struct sc_sid *p = realloc(j->dead, cap * sizeof(*p));
        if (!p) {
            sc_fail(j, "out of memory for the ids of deleted pending entries");
            return;
        }
        j->dead = p;
        j->cap_dead = cap;
    }
    j->dead[j->n_dead++] = *id;
    j->dead_grew = true;
}

/* Sorts the ids and drops repeats (several groups hold the same one). */
static void dead_sort(struct sc_job *j)
{
    size_t n = 0;

    if (j->n_dead > 1)
        qsort(j->dead, j->n_dead, sizeof(*j->dead), sid_qcmp);
    for (size_t i = 0; i < j->n_dead; i++)
        if (n == 0 || sid_cmp(&j->dead[n - 1], &j->dead[i]) != 0)
            j->dead[n++] = j->dead[i];
    j->n_dead = n;
    j->dead_grew = false;
}

/* ---- staging entries ----------------------------------------------------- */

/* Where the rebuild of the entries stands. */
struct xw {
    size_t di;         /* next placeholder in j->dead */
    bool any;          /* an XADD was staged */
    struct sc_sid top; /* the last id staged */
};

static void stage_placeholder(struct sc_job *j, struct xw *w,
                              const struct sc_sid *id)
{
    sc_stage_begin(&j->st, 5);
    sc_stage_str(&j->st, "XADD");
    sc_stage_tmp(j);
    stage_sid(&j->st, id);
    sc_stage_str(&j->st, PLACEHOLDER);
    sc_stage_str(&j->st, "");
    j->built++;
    w->any = true;
    w->top = *id;
}

/* Whether one entry [id, [f, v, ...]] fits one XADD; fails the key when
 * not, naming the entry. */
static bool entry_fits(struct sc_job *j, const redisReply *e, size_t *bytes)
{
    const redisReply *f = e->element[1];
    char what[80];

    snprintf(what, sizeof(what), "field of stream entry %.*s",
             (int)e->element[0]->len, e->element[0]->str);
    *bytes =
        sc_head_bytes("XADD", j->tmp_len) + resp_bulk_size(e->element[0]->len);
    for (size_t i = 0; i < f->elements; i++) {
        if (f->element[i]->type != REDIS_REPLY_STRING) {
            unexpected(j, "XRANGE");
            return false;
        }
        if (!sc_arg_fits(j, f->element[i]->len, what))
            return false;
        *bytes += resp_bulk_size(f->element[i]->len);
    }
    if (3 + f->elements > SIO_MAX_ARGS || *bytes > SIO_MAX_BYTES) {
        sc_fail(j,
                "stream entry %.*s (%zu fields, %zu bytes) is larger than "
                "one request may be (%d arguments, %u MiB)",
                (int)e->element[0]->len, e->element[0]->str, f->elements / 2,
                *bytes, SIO_MAX_ARGS, SIO_MAX_BYTES >> 20);
        return false;
    }
    return true;
}

static void stage_entry(struct sc_job *j, struct xw *w, const redisReply *e,
                        const struct sc_sid *id)
{
    const redisReply *f = e->element[1];
    size_t bytes;

    if (!entry_fits(j, e, &bytes))
        return;
    sc_stage_begin(&j->st, 3 + (int)f->elements);
    sc_stage_str(&j->st, "XADD");
    sc_stage_tmp(j);
    stage_reply(&j->st, e->element[0]);
    for (size_t i = 0; i < f->elements; i++) {
        stage_reply(&j->st, f->element[i]);
        j->bytes += f->element[i]->len;
    }
    j->built++;
    w->any = true;
    w->top = *id;
}

/* Stages entries [[id, [f, v...]], ...] (as XRANGE gives them), with the
 * placeholders whose ids come before each. */
static void stage_entries(struct sc_job *j, struct xw *w, const redisReply *es)
{
    for (size_t i = 0; i < es->elements && !j->stop; i++) {
        const redisReply *e = es->element[i];
        struct sc_sid id;
        if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 ||
            !sid_parse(e->element[0], &id) ||
            e->element[1]->type != REDIS_REPLY_ARRAY ||
            e->element[1]->elements % 2) {
            unexpected(j, "a stream read");
            return;
        }
        while (w->di < j->n_dead && sid_cmp(&j->dead[w->di], &id) < 0)
            stage_placeholder(j, w, &j->dead[w->di++]);
        if (w->di < j->n_dead && sid_cmp(&j->dead[w->di], &id) == 0)
            w->di++; /* there after all */
        stage_entry(j, w, e, &id);
    }
}

/* After the last entry: the placeholders past it, and a stream with no
 * entry made empty. */
static void stage_entries_end(struct sc_job *j, struct xw *w)
{
    while (w->di < j->n_dead)
        stage_placeholder(j, w, &j->dead[w->di++]);
    if (w->any)
        return;
    sc_stage_begin(&j->st, 7);
    sc_stage_str(&j->st, "XADD");
    sc_stage_tmp(j);
    sc_stage_str(&j->st, "MAXLEN");
    sc_stage_str(&j->st, "0");
    sc_stage_str(&j->st, "0-1");
    sc_stage_str(&j->st, PLACEHOLDER);
    sc_stage_str(&j->st, "");
}

/* ---- staging groups and the rest ----------------------------------------- */

/* XGROUP CREATE tmp g <last-delivered-id> [ENTRIESREAD n]; `er` is the
 * entries-read field (nil or absent: left out). */
static void stage_group(struct sc_job *j, const char *name, size_t len,
                        const char *last, const redisReply *er, long long n)
{
    bool with_read = er ? er->type == REDIS_REPLY_INTEGER : n >= 0;

    sc_stage_begin(&j->st, with_read ? 7 : 5);
    sc_stage_str(&j->st, "XGROUP");
    sc_stage_str(&j->st, "CREATE");
    sc_stage_tmp(j);
    sc_stage_arg(&j->st, name, len);
    sc_stage_str(&j->st, last);
    if (!with_read)
        return;
    sc_stage_str(&j->st, "ENTRIESREAD");
    sc_stage_ll(&j->st, er ? er->integer : n);
}

static void stage_consumer(struct sc_job *j, const char *group, size_t glen,
                           const redisReply *name)
{
    sc_stage_begin(&j->st, 5);
    sc_stage_str(&j->st, "XGROUP");
    sc_stage_str(&j->st, "CREATECONSUMER");
    sc_stage_tmp(j);
    sc_stage_arg(&j->st, group, glen);
    stage_reply(&j->st, name);
}

/* One pending entry: delivered to `consumer` last at `when` (ms since
 * the epoch), `count` times. */
static void stage_claim(struct sc_job *j, const char *group, size_t glen,
                        const redisReply *consumer, const redisReply *id,
                        long long when, long long count)
{
    sc_stage_begin(&j->st, 12);
    sc_stage_str(&j->st, "XCLAIM");
    sc_stage_tmp(j);
    sc_stage_arg(&j->st, group, glen);
    stage_reply(&j->st, consumer);
    sc_stage_str(&j->st, "0");
    stage_reply(&j->st, id);
    sc_stage_str(&j->st, "TIME");
    sc_stage_ll(&j->st, when);
    sc_stage_str(&j->st, "RETRYCOUNT");
    sc_stage_ll(&j->st, count);
    sc_stage_str(&j->st, "FORCE");
    sc_stage_str(&j->st, "JUSTID");
}

/* XDEL of the placeholders, as few commands as the limits allow. Each id
 * is in tmp by then (a placeholder, or an entry after all). */
static void stage_xdel_dead(struct sc_job *j)
{
    const size_t per = SIO_MAX_ARGS - 2;

    j->built -= j->n_dead;
    for (size_t i = 0; i < j->n_dead; i += per) {
        size_t n = j->n_dead - i < per ? j->n_dead - i : per;
        sc_stage_begin(&j->st, 2 + (int)n);
        sc_stage_str(&j->st, "XDEL");
        sc_stage_tmp(j);
        for (size_t x = i; x < i + n; x++)
            stage_sid(&j->st, &j->dead[x]);
    }
}

/* The stream's counters, as XINFO STREAM gives them. */
struct meta {
    char last[ID_MAX];
    char max_deleted[ID_MAX];
    long long added; /* -1: the server does not report them */
};

static bool meta_read(const redisReply *info, struct meta *m)
{
    const redisReply *last = sc_field(info, "last-generated-id");
    const redisReply *maxdel = sc_field(info, "max-deleted-entry-id");
    const redisReply *added = sc_field(info, "entries-added");

    if (!last || last->type != REDIS_REPLY_STRING || last->len >= ID_MAX)
        return false;
    memcpy(m->last, last->str, last->len + 1);
    m->added = -1;
    if (added && added->type == REDIS_REPLY_INTEGER && maxdel &&
        maxdel->type == REDIS_REPLY_STRING && maxdel->len < ID_MAX) {
        m->added = added->integer;
        memcpy(m->max_deleted, maxdel->str, maxdel->len + 1);
    }
    return true;
}

static void stage_setid(struct sc_job *j, const struct meta *m)
{
    bool full = m->added >= 0;

    sc_stage_begin(&j->st, full ? 7 : 3);
    sc_stage_str(&j->st, "XSETID");
    sc_stage_tmp(j);
    sc_stage_str(&j->st, m->last);
    if (!full)
        return;
    sc_stage_str(&j->st, "ENTRIESADDED");
    sc_stage_ll(&j->st, m->added);
    sc_stage_str(&j->st, "MAXDELETEDID");
    sc_stage_str(&j->st, m->max_deleted);
}

/* ---- one transaction ----------------------------------------------------- */

status sc_stream_is_small(struct sc_job *j, bool *small)
{
    const char *argv[] = {"XINFO", "GROUPS", j->k->name};
    size_t lens[] = {5, 6, j->k->len};
    size_t limit = j->ctx->small_elems ? j->ctx->small_elems : SC_SMALL_ELEMS;
    long long consumers = 0;
    status rc = sc_src_key(j, true, "XLEN", NULL, NULL, NULL);

    if (rc == ST_OK && !j->stop)
        rc = sc_src_cmd(j, 3, argv, lens);
    if (rc == ST_OK && !j->stop)
        rc = sc_src_send(j);
    if (rc != ST_OK || j->stop)
        return rc;

    const redisReply *len = sio_reply(j->ctx->sio, 0);
    const redisReply *groups = sio_reply(j->ctx->sio, 1);
    *small = sc_int(len, 0) <= (long long)limit &&
             groups->type == REDIS_REPLY_ARRAY &&
             groups->elements <= SMALL_GROUPS;
    for (size_t i = 0; *small && i < groups->elements; i++) {
        consumers += sc_int(sc_field(groups->element[i], "consumers"), 0);
        *small = sc_int(sc_field(groups->element[i], "pending"), 0) <=
                     (long long)limit &&
                 consumers <= SMALL_CONSUMERS;
    }
    return ST_OK;
}

/* Whether entry `id` is among the entries of XINFO STREAM FULL. */
static bool entry_in(const redisReply *es, const struct sc_sid *id)
{
    size_t lo = 0, hi = es->elements;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const redisReply *e = es->element[mid];
        struct sc_sid at = {0, 0};
        if (e->type == REDIS_REPLY_ARRAY && e->elements == 2)
            sid_parse(e->element[0], &at);
        int c = sid_cmp(&at, id);
        if (c == 0)
            return true;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

/* Whether COUNT cut none of FULL's lists (entries, pending entries). */
static bool full_whole(const redisReply *full, const redisReply *es,
                       const redisReply *groups)
{
    if ((size_t)sc_int(sc_field(full, "length"), 0) > es->elements)
        return false;
    for (size_t g = 0; g < groups->elements; g++) {
        const redisReply *pel = sc_field(groups->element[g], "pending");
        long long count = sc_int(sc_field(groups->element[g], "pel-count"), 0);
        if (!pel || pel->type != REDIS_REPLY_ARRAY ||
            pel->elements < (size_t)count)
            return false;
    }
    return true;
}

/* The ids pending in a group whose entries are not in the stream. */
static void full_dead(struct sc_job *j, const redisReply *es,
                      const redisReply *groups)
{
    j->n_dead = 0;
    for (size_t g = 0; g < groups->elements && !j->stop; g++) {
        const redisReply *pel = sc_field(groups->element[g], "pending");
        for (size_t i = 0; i < pel->elements && !j->stop; i++) {
            struct sc_sid id;
            const redisReply *p = pel->element[i];
            if (p->type != REDIS_REPLY_ARRAY || p->elements != 4 ||
                !sid_parse(p->element[0], &id) ||
                p->element[1]->type != REDIS_REPLY_STRING)
                unexpected(j, "XINFO STREAM FULL");
            else if (!entry_in(es, &id))
                dead_add(j, &id);
        }
    }
    dead_sort(j);
}

/* A group of FULL: create it, its consumers, its pending entries. */
static void stage_full_group(struct sc_job *j, const redisReply *g)
{
    const redisReply *name = sc_field(g, "name");
    const redisReply *last = sc_field(g, "last-delivered-id");
    const redisReply *cons = sc_field(g, "consumers");
    const redisReply *pel = sc_field(g, "pending");

    if (!name || name->type != REDIS_REPLY_STRING || !last ||
        last->type != REDIS_REPLY_STRING || !cons ||
        cons->type != REDIS_REPLY_ARRAY || !pel) {
        unexpected(j, "XINFO STREAM FULL");
        return;
    }
    stage_group(j, name->str, name->len, last->str, sc_field(g, "entries-read"),
                -1);
    for (size_t i = 0; i < cons->elements; i++) {
        const redisReply *c = sc_field(cons->element[i], "name");
        if (c && c->type == REDIS_REPLY_STRING)
            stage_consumer(j, name->str, name->len, c);
    }
    for (size_t i = 0; i < pel->elements; i++) {
        const redisReply *p = pel->element[i];
        stage_claim(j, name->str, name->len, p->element[1], p->element[0],
                    sc_int(p->element[2], 0), sc_int(p->element[3], 0));
    }
}

status sc_stream_stage_small(struct sc_job *j, const redisReply *full,
                             bool *small)
{
    const redisReply *es = sc_field(full, "entries");
    const redisReply *groups = sc_field(full, "groups");
    struct meta m;
    struct xw w = {0};

    if (!es || es->type != REDIS_REPLY_ARRAY || !groups ||
        groups->type != REDIS_REPLY_ARRAY || !meta_read(full, &m)) {
        unexpected(j, "XINFO STREAM FULL");
        return ST_OK;
    }
    *small = full_whole(full, es, groups);
    if (*small)
        full_dead(j, es, groups);
    if (!*small || j->stop)
        return ST_OK;

    stage_entries(j, &w, es);
    stage_entries_end(j, &w);
    for (size_t g = 0; g < groups->elements && !j->stop; g++)
        stage_full_group(j, groups->element[g]);
    stage_xdel_dead(j);
    stage_setid(j, &m);
    sc_staged(j);
    return ST_OK;
}

/* ---- in chunks ----------------------------------------------------------- */

/* The entries in XRANGE pages, with the placeholders among them. */
static status big_entries(struct sc_job *j, struct xw *w)
{
    char start[ID_MAX + 1] = "-", count[24];
    status rc = ST_OK;

    for (;;) {
        const char *argv[] = {"XRANGE", j->k->name, start, "+", "COUNT", count};
        size_t asked = j->count, before = j->bytes;
        size_t lens[] = {6, j->k->len, strlen(start), 1, 5, 0};
        lens[5] = (size_t)snprintf(count, sizeof(count), "%zu", asked);
        rc = sc_src_begin(j, 6, argv, lens);
        if (rc == ST_OK && !j->stop)
            rc = sc_src_send(j);
        if (rc != ST_OK || j->stop)
            return rc;
        const redisReply *r = sio_reply(j->ctx->sio, 0);
        if (r->type != REDIS_REPLY_ARRAY || r->elements == 0)
            break;
        size_t n = r->elements;
        stage_entries(j, w, r);
        if (j->stop)
            return ST_OK;
        start[0] = '(';
        sid_str(&w->top, start + 1, sizeof(start) - 1);
        rc = sc_dst_flush(j);
        if (rc != ST_OK || j->stop)
            return rc;
        sc_adapt_count(j, n, (size_t)(j->bytes - before));
        if (n < asked)
            break;
    }
    stage_entries_end(j, w);
    return sc_staged(j) ? sc_dst_flush(j) : ST_OK;
}

static void groups_free(struct sc_job *j)
{
    for (size_t i = 0; i < j->n_groups; i++)
        free(j->groups[i].name);
    free(j->groups);
    j->groups = NULL;
    j->n_groups = 0;
}

/* Copies the groups of XINFO GROUPS (the sio drops its replies). */
static bool groups_keep(struct sc_job *j, const redisReply *r)
{
    groups_free(j);
    j->groups = calloc(r->elements ? r->elements : 1, sizeof(*j->groups));
    if (!j->groups)
        return false;
    for (size_t i = 0; i < r->elements; i++) {
        struct sc_group *g = &j->groups[j->n_groups];
        const redisReply *name = sc_field(r->element[i], "name");
        const redisReply *last = sc_field(r->element[i], "last-delivered-id");
        const redisReply *er = sc_field(r->element[i], "entries-read");
        if (!name || name->type != REDIS_REPLY_STRING || !last ||
            last->type != REDIS_REPLY_STRING || last->len >= sizeof(g->last))
            return false;
        g->name = malloc(name->len + 1);
        if (!g->name)
            return false;
        memcpy(g->name, name->str, name->len + 1);
        g->len = name->len;
        memcpy(g->last, last->str, last->len + 1);
        g->entries_read =
            er && er->type == REDIS_REPLY_INTEGER ? er->integer : -1;
        j->n_groups++;
    }
    return true;
}

/* XINFO STREAM and XINFO GROUPS, read after the entries so that the last
 * id is at least the last entry copied. */
static status big_meta(struct sc_job *j, struct meta *m)
{
    const char *info[] = {"XINFO", "STREAM", j->k->name};
    const char *groups[] = {"XINFO", "GROUPS", j->k->name};
    size_t lens[] = {5, 6, j->k->len};
    status rc = sc_src_begin(j, 3, info, lens);

    if (rc == ST_OK && !j->stop)
        rc = sc_src_cmd(j, 3, groups, lens);
    if (rc == ST_OK && !j->stop)
        rc = sc_src_send(j);
    if (rc != ST_OK || j->stop)
        return rc;
    const redisReply *g = sio_reply(j->ctx->sio, 1);
    if (!meta_read(sio_reply(j->ctx->sio, 0), m) ||
        g->type != REDIS_REPLY_ARRAY || !groups_keep(j, g))
        unexpected(j, "XINFO");
    return ST_OK;
}

static status big_groups(struct sc_job *j)
{
    status rc = ST_OK;

    for (size_t i = 0; i < j->n_groups && rc == ST_OK && !j->stop; i++) {
        const struct sc_group *g = &j->groups[i];
        stage_group(j, g->name, g->len, g->last, NULL, g->entries_read);
        if (j->st.n >= SC_COUNT_MAX || i + 1 == j->n_groups)
            rc = sc_staged(j) ? sc_dst_flush(j) : ST_OK;
    }
    return rc;
}

static status big_consumers(struct sc_job *j, const struct sc_group *g)
{
    const char *argv[] = {"XINFO", "CONSUMERS", j->k->name, g->name};
    size_t lens[] = {5, 9, j->k->len, g->len};
    status rc = sc_src_begin(j, 4, argv, lens);

    if (rc == ST_OK && !j->stop)
        rc = sc_src_send(j);
    if (rc != ST_OK || j->stop)
        return rc;
    const redisReply *r = sio_reply(j->ctx->sio, 0);
    if (r->type != REDIS_REPLY_ARRAY) {
        unexpected(j, "XINFO CONSUMERS");
        return ST_OK;
    }
    for (size_t i = 0; i < r->elements; i++) {
        const redisReply *c = sc_field(r->element[i], "name");
        if (c && c->type == REDIS_REPLY_STRING)
            stage_consumer(j, g->name, g->len, c);
    }
    return sc_staged(j) ? sc_dst_flush(j) : ST_OK;
}

/* Stages the claims of one XPENDING page; keeps its ids in *ids. */
static bool stage_claims(struct sc_job *j, const struct sc_group *g,
                         const redisReply *page, int64_t now,
                         struct sc_sid *ids)
{
    for (size_t i = 0; i < page->elements; i++) {
        const redisReply *p = page->element[i];
        if (p->type != REDIS_REPLY_ARRAY || p->elements != 4 ||
            !sid_parse(p->element[0], &ids[i]) ||
            p->element[1]->type != REDIS_REPLY_STRING) {
            unexpected(j, "XPENDING");
            return false;
        }
        stage_claim(j, g->name, g->len, p->element[1], p->element[0],
                    now - sc_int(p->element[2], 0), sc_int(p->element[3], 0));
    }
    return sc_staged(j);
}

/* An XCLAIM answered with no id: that entry is not in the stream. The
 * claims were the whole stage of the last chunk. */
static void claims_check(struct sc_job *j, const struct sc_sid *ids, size_t n)
{
    struct sio *s = j->ctx->sio;
    size_t first = j->stage_at;

    for (size_t i = 0; i < n && !j->stop; i++) {
        const redisReply *r = sio_reply(s, first + i);
        if (r && r->type == REDIS_REPLY_ARRAY && r->elements == 0)
            dead_add(j, &ids[i]);
    }
}

/* One page of XPENDING, from `start`, claimed on tmp. *n is its size. */
static status big_pending_page(struct sc_job *j, const struct sc_group *g,
                               char *start, struct sc_sid *ids, size_t *n)
{
    const char *time[] = {"TIME"};
    char count[24];
    const char *argv[] = {"XPENDING", j->k->name, g->name, start, "+", count};
    size_t lens[] = {8, j->k->len, g->len, strlen(start), 1, 0};
    status rc = sc_src_begin(j, 1, time, NULL);

    *n = 0;
    lens[5] = (size_t)snprintf(count, sizeof(count), "%d", SC_COUNT_MAX);
    if (rc == ST_OK && !j->stop)
        rc = sc_src_cmd(j, 6, argv, lens);
    if (rc == ST_OK && !j->stop)
        rc = sc_src_send(j);
    if (rc != ST_OK || j->stop)
        return rc;
    int64_t now = sc_time_ms(sio_reply(j->ctx->sio, 0));
    const redisReply *page = sio_reply(j->ctx->sio, 1);
    if (page->type != REDIS_REPLY_ARRAY || page->elements > SC_COUNT_MAX) {
        unexpected(j, "XPENDING");
        return ST_OK;
    }
    *n = page->elements;
    if (*n == 0 || !stage_claims(j, g, page, now, ids))
        return ST_OK;
    start[0] = '(';
    sid_str(&ids[*n - 1], start + 1, ID_MAX);
    rc = sc_dst_flush(j);
    if (rc == ST_OK && !j->stop)
        claims_check(j, ids, *n);
    return rc;
}

static status big_pending(struct sc_job *j, const struct sc_group *g)
{
    char start[ID_MAX + 1] = "-";
    struct sc_sid *ids = malloc(SC_COUNT_MAX * sizeof(*ids));
    size_t n = SC_COUNT_MAX;
    status rc = ST_OK;

    if (!ids)
        return sc_fatal(j, ST_NOMEM, "out of memory");
    while (rc == ST_OK && !j->stop && n == SC_COUNT_MAX)
        rc = big_pending_page(j, g, start, ids, &n);
    free(ids);
    return rc;
}

status sc_stream_big(struct sc_job *j)
{
    struct xw w = {0};
    struct meta m;
    struct sc_sid last;
    status rc = big_entries(j, &w);

    if (rc == ST_OK && !j->stop)
        rc = big_meta(j, &m);
    if (rc != ST_OK || j->stop)
        return rc;
    char *dash = strchr(m.last, '-');
    last.ms = strtoull(m.last, NULL, 10);
    last.seq = dash ? strtoull(dash + 1, NULL, 10) : 0;
    if (sid_cmp(&last, &w.top) < 0) {
        sc_restart(j); /* made again with lower ids meanwhile */
        return ST_OK;
    }

    rc = big_groups(j);
    for (size_t i = 0; i < j->n_groups && rc == ST_OK && !j->stop; i++) {
        rc = big_consumers(j, &j->groups[i]);
        if (rc == ST_OK && !j->stop)
            rc = big_pending(j, &j->groups[i]);
    }
    if (rc != ST_OK || j->stop)
        return rc;
    if (j->dead_grew) {
        dead_sort(j); /* build again, with their placeholders */
        sc_restart(j);
        return ST_OK;
    }
    stage_xdel_dead(j);
    stage_setid(j, &m);
    return sc_staged(j) ? sc_dst_flush(j) : ST_OK;
}

void sc_stream_free(struct sc_job *j)
{
    groups_free(j);
    free(j->dead);
    j->dead = NULL;
    j->n_dead = j->cap_dead = 0;
}
