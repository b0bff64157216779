/*
 * verify's key-by-key comparison, for the keys whose DUMP payloads differ
 * or were too big to dump. Both ends are read again from scratch: the
 * type, the absolute deadline and the size in one transaction per end,
 * then the value in chunks. A chunk is read from the source first and
 * copied (the next pipeline drops the sio's replies), then the destination
 * answers for the same chunk, so memory holds one chunk, never a whole key.
 *
 *   string   STRLEN, then GETRANGE windows of both ends, byte by byte
 *   list     LLEN, then LRANGE windows of both ends, element by element
 *   hash     HLEN, then HSCAN chunks of the source and HMGET of their
 *            fields on the destination: equal sizes and every source
 *            field there with the same value make the hashes equal
 *   set      SCARD, SSCAN chunks, SMISMEMBER (the same reasoning)
 *   zset     ZCARD, ZSCAN chunks, ZMSCORE; scores are compared as doubles,
 *            since two servers print the same double differently
 *   stream   XLEN, XINFO STREAM's ids and counters, XRANGE pages of both
 *            ends, then per consumer group XINFO GROUPS' fields, XINFO
 *            CONSUMERS' names and pending counts and XPENDING pages (ids,
 *            consumers, delivery counts; idle times are clocks, not data)
 *   module   DUMP payloads of both ends, without the RDB version and CRC
 *
 * A difference found is checked by reading the source's type, deadline and
 * size again: a key gone meanwhile is CMP_GONE, a key changed meanwhile is
 * compared again (a few times, then reported as found). A destination
 * cluster's redirect and a WRONGTYPE answer (the key changed type under
 * us) start the key over.
 *
 * Runs on the calling worker's thread, over its sio; keeps nothing between
 * calls.
 */
#include "compare.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cluster.h"
#include "escape.h"

#define TRIES_MAX   50 /* starts over per key: redirects, type changes */
#define CHANGES_MAX 3  /* comparisons again of a key the source changed */
#define STR_WINDOW  (1ll << 20) /* GETRANGE bytes per request */
#define COUNT_START 256         /* elements per chunk, adapted to sizes */
#define COUNT_MIN   8
#define COUNT_MAX   1024
#define CHUNK_AIM   (4u << 20)        /* bytes a chunk should hold */
#define CHUNK_MAX   ((size_t)1 << 30) /* a chunk's copy never grows past */
#define SHOWN       64                /* bytes of a name in a detail */
#define TRAILER     10 /* a DUMP payload's RDB version and CRC64 */
#define ID_MAX      48 /* a stream ID as text, with the NUL */
#define DRIFT_MS    2  /* PTTL + TIME reads of one deadline can differ */

/* ---- chunks -------------------------------------------------------------- */

/* One copied element: bytes at `off` in the chunk. `present` is false for
 * a map field the reply lacked. */
struct item {
    size_t off, len;
    bool present;
};

/* The source's part of the current chunk, copied out of the sio. */
struct chunk {
    char *bytes;
    size_t len, cap;
    struct item *items;
    size_t n, cap_items;
};

static void chunk_clear(struct chunk *ch)
{
    ch->len = 0;
    ch->n = 0;
}

static void chunk_free(struct chunk *ch)
{
    free(ch->bytes);
    free(ch->items);
    memset(ch, 0, sizeof(*ch));
}

static status chunk_reserve(struct chunk *ch, size_t more)
{
    size_t need = ch->len + more;

    if (more > CHUNK_MAX || need > CHUNK_MAX)
        return ST_NOMEM;
    if (need <= ch->cap)
        return ST_OK;
    size_t cap = ch->cap ? ch->cap : 4096;
    while (cap < need)
        cap *= 2;
    if (cap > CHUNK_MAX)
        cap = CHUNK_MAX;
    char *p = realloc(ch->bytes, cap);
    if (!p)
        return ST_NOMEM;
    ch->bytes = p;
    ch->cap = cap;
    return ST_OK;
}

/* Appends bytes to the last item. */
static status chunk_append(struct chunk *ch, const void *p, size_t len)
{
    status rc = chunk_reserve(ch, len);

    if (rc != ST_OK)
        return rc;
    if (len)
        memcpy(ch->bytes + ch->len, p, len);
    ch->len += len;
    ch->items[ch->n - 1].len += len;
    return ST_OK;
}

/* Starts a new item holding `len` bytes from `p`. */
static status chunk_add(struct chunk *ch, const void *p, size_t len,
                        bool present)
{
    if (ch->n == ch->cap_items) {
        size_t cap = ch->cap_items ? ch->cap_items * 2 : 256;
        struct item *it = realloc(ch->items, cap * sizeof(*it));
        if (!it)
            return ST_NOMEM;
        ch->items = it;
        ch->cap_items = cap;
    }
    ch->items[ch->n++] = (struct item){ch->len, 0, present};
    return chunk_append(ch, p, len);
}

static const char *item_ptr(const struct chunk *ch, size_t i)
{
    return ch->bytes + ch->items[i].off;
}

static bool item_eq(const struct chunk *ch, size_t i, const char *p, size_t len)
{
    const struct item *it = &ch->items[i];

    return it->len == len && (len == 0 || memcmp(item_ptr(ch, i), p, len) == 0);
}

/* ---- replies as data ----------------------------------------------------- */

static bool is_str(const redisReply *r)
{
    return r &&
           (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS);
}

/* Text of a scalar reply: a string as is, an integer printed into `num`,
 * nil as "nil". False for anything else. */
static bool text_of(const redisReply *r, char *num, size_t n, const char **p,
                    size_t *len)
{
    if (is_str(r)) {
        *p = r->str;
        *len = r->len;
        return true;
    }
    if (r && r->type == REDIS_REPLY_INTEGER) {
        *len = (size_t)snprintf(num, n, "%lld", r->integer);
        *p = num;
        return true;
    }
    if (r && r->type == REDIS_REPLY_NIL) {
        *p = "nil";
        *len = 3;
        return true;
    }
    return false;
}

/* The value of field `name` in a map reply (a flat array in RESP2). */
static const redisReply *map_get(const redisReply *map, const char *name)
{
    size_t n = strlen(name);

    if (!map || map->type != REDIS_REPLY_ARRAY)
        return NULL;
    for (size_t i = 0; i + 1 < map->elements; i += 2) {
        const redisReply *k = map->element[i];
        if (is_str(k) && k->len == n && memcmp(k->str, name, n) == 0)
            return map->element[i + 1];
    }
    return NULL;
}

/* Copies the fields of one map as items, absent ones marked. */
static status take_map(struct chunk *ch, const redisReply *map,
                       const char *const *fields, int nf)
{
    status rc = ST_OK;

    for (int i = 0; i < nf && rc == ST_OK; i++) {
        char num[24];
        const char *p = "";
        size_t len = 0;
        bool ok = text_of(map_get(map, fields[i]), num, sizeof(num), &p, &len);
        rc = chunk_add(ch, p, len, ok);
    }
    return rc;
}

/* The first of `nf` fields that differs between the map copied at items
 * from `base` and `map`, or -1. Fields either side lacks (an older server)
 * are not compared. The destination's text goes to *p, *len. */
static int map_diff(const struct chunk *ch, size_t base, const redisReply *map,
                    const char *const *fields, int nf, char *num, size_t n,
                    const char **p, size_t *len)
{
    for (int i = 0; i < nf; i++) {
        if (!ch->items[base + (size_t)i].present ||
            !text_of(map_get(map, fields[i]), num, n, p, len))
            continue;
        if (!item_eq(ch, base + (size_t)i, *p, *len))
            return i;
    }
    return -1;
}

/*
 * A stream entry's fields and values copied as one item, each element as
 * its length (a size_t in host order) then its bytes, so that two entries
 * are compared in one pass without an item per field.
 */
static status take_flat(struct chunk *ch, const redisReply *arr)
{
    status rc = chunk_add(ch, NULL, 0, arr->type == REDIS_REPLY_ARRAY);

    for (size_t i = 0;
         rc == ST_OK && arr->type == REDIS_REPLY_ARRAY && i < arr->elements;
         i++) {
        const redisReply *e = arr->element[i];
        size_t len = is_str(e) ? e->len : 0;
        rc = chunk_append(ch, &len, sizeof(len));
        if (rc == ST_OK)
            rc = chunk_append(ch, is_str(e) ? e->str : "", len);
    }
    return rc;
}

static bool flat_eq(const struct chunk *ch, size_t i, const redisReply *arr)
{
    const char *p = item_ptr(ch, i), *end = p + ch->items[i].len;

    if (arr->type != REDIS_REPLY_ARRAY)
        return !ch->items[i].present;
    for (size_t j = 0; j < arr->elements; j++) {
        const redisReply *e = arr->element[j];
        size_t len;
        if (!is_str(e) || (size_t)(end - p) < sizeof(len))
            return false;
        memcpy(&len, p, sizeof(len));
        p += sizeof(len);
        if (len != e->len || (size_t)(end - p) < len ||
            memcmp(p, e->str, len) != 0)
            return false;
        p += len;
    }
    return p == end;
}

/* The stream ID after `id` ("ms-seq"); false after the last one. */
static bool next_id(const char *id, size_t len, char *out)
{
    char buf[ID_MAX];
    unsigned long long ms, seq;

    if (len >= sizeof(buf))
        return false;
    memcpy(buf, id, len);
    buf[len] = '\0';
    if (sscanf(buf, "%llu-%llu", &ms, &seq) != 2)
        return false;
    if (seq < UINT64_MAX)
        seq++;
    else if (ms < UINT64_MAX)
        ms++, seq = 0;
    else
        return false;
    snprintf(out, ID_MAX, "%llu-%llu", ms, seq);
    return true;
}

/* Whether two scores as the servers printed them are the same double
 * (bit for bit: -0 is not 0). Texts that do not parse compare as texts. */
static bool same_score(const char *a, size_t alen, const char *b, size_t blen)
{
    char x[64], y[64];
    char *xe, *ye;

    if (alen >= sizeof(x) || blen >= sizeof(y))
        return alen == blen && memcmp(a, b, alen) == 0;
    memcpy(x, a, alen);
    x[alen] = '\0';
    memcpy(y, b, blen);
    y[blen] = '\0';
    double dx = strtod(x, &xe), dy = strtod(y, &ye);
    if (alen == 0 || blen == 0 || *xe || *ye)
        return alen == blen && memcmp(a, b, alen) == 0;
    return memcmp(&dx, &dy, sizeof(dx)) == 0;
}

/* ---- the comparison's state ---------------------------------------------- */

struct tdef;

struct meta {
    bool exists;
    char type[64];
    const struct tdef *td; /* NULL: a module type */
    int64_t deadline;      /* ms since the epoch, 0: none */
    long long size;        /* bytes or elements; -1 for a module type */
};

struct cmp {
    const struct cmp_ctx *ctx;
    struct sio *s;
    const struct cmp_key *k;
    struct cmp_result *res;
    int slot;
    enum sio_end end; /* of the pipeline being built */
    const char *cmd;  /* its last command, for messages */
    status build_rc;  /* the first command the sio refused, if any */
    bool again;       /* start this key over */
    struct meta src, dst;
    long long count;     /* elements asked per chunk */
    struct chunk page;   /* the source's part of the current chunk */
    struct chunk groups; /* a stream's groups while each is compared */
};

/* One type's commands: how big, and how its values are compared. */
struct tdef {
    const char *name;
    const char *size_cmd;
    const char *sizes; /* "set sizes" in "set sizes 10 vs 9" */
    status (*values)(struct cmp *c);
};

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *end_name(enum sio_end end)
{
    return end == SIO_SRC ? "source" : "destination";
}

/* A name escaped for a detail, into `buf` of SHOWN bytes. */
static const char *shown(char *buf, const char *p, size_t len)
{
    escape_key(p, len, buf, SHOWN);
    return buf;
}

static const char *shown_item(char *buf, const struct chunk *ch, size_t i)
{
    return shown(buf, item_ptr(ch, i), ch->items[i].len);
}

static bool stopped(const struct cmp *c)
{
    return c->again || c->res->kind != CMP_EQUAL;
}

static status fail(struct cmp *c, status rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A fatal status, with the message in the result's detail. */
static status fail(struct cmp *c, status rc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(c->res->detail, sizeof(c->res->detail), fmt, ap);
    va_end(ap);
    return rc;
}

static status differ(struct cmp *c, enum cmp_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records the difference found; the comparison stops there. */
static status differ(struct cmp *c, enum cmp_kind kind, const char *fmt, ...)
{
    va_list ap;

    c->res->kind = kind;
    va_start(ap, fmt);
    vsnprintf(c->res->detail, sizeof(c->res->detail), fmt, ap);
    va_end(ap);
    return ST_OK;
}

static status unexpected(struct cmp *c)
{
    return fail(c, ST_PROTOCOL, "%s %s: unexpected reply to %s",
                end_name(c->end), sio_node_name(c->s), c->cmd);
}

static status no_room(struct cmp *c)
{
    return fail(c, ST_NOMEM,
                "%s: a chunk of the value does not fit in memory (more "
                "than %zu bytes)",
                c->cmd, CHUNK_MAX);
}

/* An error reply. WRONGTYPE means the key changed type under us: start
 * over. Anything else is fatal: the user lacks a right or the server a
 * command. */
static status server_error(struct cmp *c, const redisReply *r)
{
    char text[160];
    const char *hint = "";
    status rc = ST_SERVER;

    if (strncmp(r->str, "WRONGTYPE", 9) == 0) {
        c->again = true;
        return ST_OK;
    }
    escape_text(r->str, text, sizeof(text));
    if (strncmp(r->str, "NOPERM", 6) == 0) {
        rc = ST_NOPERM;
        hint = "; grant verify's commands to this user (see the README)";
    } else if (strstr(r->str, "unknown command") ||
               strstr(r->str, "unknown subcommand")) {
        rc = ST_UNSUPPORTED;
        hint = "; verify needs Redis 6.2 or later, or Valkey";
    }
    return fail(c, rc, "%s %s: %s failed: %s%s", end_name(c->end),
                sio_node_name(c->s), c->cmd, text, hint);
}

/* ---- requests ------------------------------------------------------------ */

struct args {
    int n;
    const char *v[8];
    size_t len[8];
};

static void arg(struct args *a, const char *p, size_t len)
{
    a->v[a->n] = p;
    a->len[a->n++] = len;
}

static void arg_s(struct args *a, const char *s)
{
    arg(a, s, strlen(s));
}

/* `cmd key` with more to come. */
static void key_args(struct cmp *c, struct args *a, const char *cmd)
{
    a->n = 0;
    arg_s(a, cmd);
    arg(a, c->k->name, c->k->len);
}

static void begin(struct cmp *c, enum sio_end end)
{
    c->end = end;
    c->build_rc = ST_OK;
    if (end == SIO_SRC)
        sio_begin(c->s, SIO_SRC, c->k->node, c->k->src_db);
    else
        sio_begin(c->s, SIO_DST, c->slot, c->k->dst_db);
}

/* Appends a command. A refusal is kept for send(): the sio may know
 * better (a connection that failed to open, a slot without a master). */
static void push(struct cmp *c, const struct args *a)
{
    c->cmd = a->v[0];
    if (c->build_rc == ST_OK)
        c->build_rc = sio_cmd(c->s, a->n, a->v, a->len);
}

static void push_key(struct cmp *c, const char *cmd)
{
    struct args a;

    key_args(c, &a, cmd);
    push(c, &a);
}

static void push_word(struct cmp *c, const char *cmd)
{
    struct args a = {0};

    arg_s(&a, cmd);
    push(c, &a);
}

static status send(struct cmp *c)
{
    bool again = false;
    status rc = sio_send(c->s, &again);

    if (rc != ST_OK)
        return fail(c, rc, "%s", sio_error(c->s));
    if (again) {
        c->again = true;
        return ST_OK;
    }
    if (c->build_rc != ST_OK)
        return fail(c, c->build_rc,
                    "%s %s: a %s request does not fit in the buffer",
                    end_name(c->end), sio_node_name(c->s), c->cmd);
    return ST_OK;
}

/* Reply `i` of the pipeline, when of type `want` (-1: any but an error).
 * *r is NULL when the comparison stops: a fatal status, or c->again. */
static status get(struct cmp *c, size_t i, int want, const redisReply **r)
{
    const redisReply *x = i < sio_n(c->s) ? sio_reply(c->s, i) : NULL;

    *r = NULL;
    if (!x)
        return unexpected(c);
    if (x->type == REDIS_REPLY_ERROR)
        return server_error(c, x);
    if (want >= 0 && x->type != want)
        return unexpected(c);
    *r = x;
    return ST_OK;
}

/* Sends `a` alone to one end; *r as get(). */
static status ask(struct cmp *c, enum sio_end end, const struct args *a,
                  int want, const redisReply **r)
{
    status rc;

    *r = NULL;
    begin(c, end);
    push(c, a);
    rc = send(c);
    if (rc != ST_OK || c->again)
        return rc;
    return get(c, 0, want, r);
}

typedef status (*take_fn)(struct chunk *ch, const redisReply *r);

/* Sends `a` to the source, copies its reply into the page with `take`,
 * then sends `a` to the destination; *dst is that reply, as get(). */
static status ask_both(struct cmp *c, const struct args *a, int want,
                       take_fn take, const redisReply **dst)
{
    const redisReply *r;
    status rc = ask(c, SIO_SRC, a, want, &r);

    *dst = NULL;
    if (!r)
        return rc;
    chunk_clear(&c->page);
    rc = take(&c->page, r);
    if (rc == ST_NOMEM)
        return no_room(c);
    if (rc != ST_OK)
        return unexpected(c);
    return ask(c, SIO_DST, a, want, dst);
}

/* Fewer elements per chunk when they are big, more when small. */
static void adapt(struct cmp *c)
{
    if (c->page.len > CHUNK_AIM && c->count > COUNT_MIN)
        c->count /= 2;
    else if (c->page.len < CHUNK_AIM / 4 && c->count < COUNT_MAX)
        c->count *= 2;
}

/* ---- type, deadline and size --------------------------------------------- */

static status cmp_string(struct cmp *c);
static status cmp_list(struct cmp *c);
static status cmp_hash(struct cmp *c);
static status cmp_set(struct cmp *c);
static status cmp_zset(struct cmp *c);
static status cmp_stream(struct cmp *c);

static const struct tdef tdefs[] = {
    {"string", "STRLEN", "string lengths", cmp_string},
    {"list", "LLEN", "list lengths", cmp_list},
    {"hash", "HLEN", "hash sizes", cmp_hash},
    {"set", "SCARD", "set sizes", cmp_set},
    {"zset", "ZCARD", "zset sizes", cmp_zset},
    {"stream", "XLEN", "stream lengths", cmp_stream},
};
#define N_TDEFS (sizeof(tdefs) / sizeof(tdefs[0]))

static bool with_time(const struct cmp *c)
{
    return !c->ctx->use_pexpiretime;
}

/* MULTI [TIME] TYPE k PEXPIRETIME|PTTL k, every type's size of k, EXEC.
 * The size commands of the other types answer WRONGTYPE inside EXEC. */
static status send_meta(struct cmp *c, enum sio_end end)
{
    begin(c, end);
    push_word(c, "MULTI");
    if (with_time(c))
        push_word(c, "TIME");
    push_key(c, "TYPE");
    push_key(c, with_time(c) ? "PTTL" : "PEXPIRETIME");
    for (size_t i = 0; i < N_TDEFS; i++)
        push_key(c, tdefs[i].size_cmd);
    push_word(c, "EXEC");
    return send(c);
}

/* EXEC's array; when the transaction was refused, the queued command's
 * error that refused it. *x as get(). */
static status exec_reply(struct cmp *c, const redisReply **x)
{
    size_t n = sio_n(c->s);
    const redisReply *r;

    *x = NULL;
    c->cmd = "EXEC";
    for (size_t i = 0; i + 1 < n; i++) {
        r = sio_reply(c->s, i);
        if (r && r->type == REDIS_REPLY_ERROR)
            return server_error(c, r);
    }
    return get(c, n ? n - 1 : 0, REDIS_REPLY_ARRAY, x);
}

/* TIME's reply as ms since the epoch. */
static bool time_ms(const redisReply *r, int64_t *ms)
{
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
        !is_str(r->element[0]) || !is_str(r->element[1]))
        return false;
    *ms = strtoll(r->element[0]->str, NULL, 10) * 1000 +
          strtoll(r->element[1]->str, NULL, 10) / 1000;
    return true;
}

static const struct tdef *tdef_of(const char *type)
{
    for (size_t i = 0; i < N_TDEFS; i++)
        if (strcmp(tdefs[i].name, type) == 0)
            return &tdefs[i];
    return NULL;
}

static status parse_meta(struct cmp *c, const redisReply *x, struct meta *m)
{
    size_t base = with_time(c) ? 1 : 0;
    int64_t now = 0;

    if (x->elements != base + 2 + N_TDEFS ||
        (base && !time_ms(x->element[0], &now)))
        return unexpected(c);
    const redisReply *type = x->element[base], *ttl = x->element[base + 1];
    if (type->type == REDIS_REPLY_ERROR)
        return server_error(c, type);
    if (ttl->type == REDIS_REPLY_ERROR)
        return server_error(c, ttl);
    if (type->type != REDIS_REPLY_STATUS || ttl->type != REDIS_REPLY_INTEGER)
        return unexpected(c);
    if (strcmp(type->str, "none") == 0 || ttl->integer == -2)
        return ST_OK;

    m->exists = true;
    snprintf(m->type, sizeof(m->type), "%s", type->str);
    m->td = tdef_of(type->str);
    m->deadline = ttl->integer == -1 ? 0 : now + ttl->integer;
    m->size = -1;
    if (!m->td)
        return ST_OK;
    const redisReply *size = x->element[base + 2 + (size_t)(m->td - tdefs)];
    if (size->type == REDIS_REPLY_ERROR)
        return server_error(c, size);
    if (size->type != REDIS_REPLY_INTEGER)
        return unexpected(c);
    m->size = size->integer;
    return ST_OK;
}

/* Reads one end's type, deadline and size of the key in one transaction.
 * m->exists is false when the key is not there. */
static status read_meta(struct cmp *c, enum sio_end end, struct meta *m)
{
    const redisReply *x;
    status rc;

    memset(m, 0, sizeof(*m));
    rc = send_meta(c, end);
    if (rc != ST_OK || c->again)
        return rc;
    rc = exec_reply(c, &x);
    if (!x)
        return rc;
    return parse_meta(c, x, m);
}

/* ---- strings and lists --------------------------------------------------- */

static status take_string(struct chunk *ch, const redisReply *r)
{
    return chunk_add(ch, r->str, r->len, true);
}

static status take_elements(struct chunk *ch, const redisReply *r)
{
    status rc = ST_OK;

    for (size_t i = 0; i < r->elements && rc == ST_OK; i++) {
        const redisReply *e = r->element[i];
        rc = chunk_add(ch, is_str(e) ? e->str : "", is_str(e) ? e->len : 0,
                       is_str(e));
    }
    return rc;
}

/* `cmd key first last` of both ends: the source's reply into c->page,
 * the destination's into *d (NULL when there is nothing to compare). */
static status ask_range(struct cmp *c, const char *cmd, long long first,
                        long long last, int want, take_fn take,
                        const redisReply **d)
{
    struct args a;
    char from[24], to[24];

    snprintf(from, sizeof(from), "%lld", first);
    snprintf(to, sizeof(to), "%lld", last);
    key_args(c, &a, cmd);
    arg_s(&a, from);
    arg_s(&a, to);
    return ask_both(c, &a, want, take, d);
}

static status cmp_window(struct cmp *c, long long off)
{
    const redisReply *d;
    status rc = ask_range(c, "GETRANGE", off, off + STR_WINDOW - 1,
                          REDIS_REPLY_STRING, take_string, &d);
    if (!d)
        return rc;

    const char *p = item_ptr(&c->page, 0);
    size_t n = c->page.items[0].len, i = 0;
    while (i < n && i < d->len && p[i] == d->str[i])
        i++;
    if (i < n || i < d->len)
        return differ(c, CMP_VALUE, "string byte %lld: differs",
                      off + (long long)i);
    return ST_OK;
}

static status cmp_string(struct cmp *c)
{
    status rc = ST_OK;

    for (long long off = 0; off < c->src.size && rc == ST_OK && !stopped(c);
         off += STR_WINDOW)
        rc = cmp_window(c, off);
    return rc;
}

/* Compares LRANGE from..from+count-1 of both ends. */
static status cmp_list_window(struct cmp *c, long long from, long long n)
{
    const redisReply *d;
    status rc = ask_range(c, "LRANGE", from, from + n - 1, REDIS_REPLY_ARRAY,
                          take_elements, &d);
    if (!d)
        return rc;

    for (size_t i = 0; i < c->page.n && i < d->elements; i++) {
        const redisReply *e = d->element[i];
        if (!is_str(e) || !item_eq(&c->page, i, e->str, e->len))
            return differ(c, CMP_VALUE, "list element %lld: differs",
                          from + (long long)i);
    }
    if (c->page.n != d->elements)
        return differ(c, CMP_VALUE, "list element %lld: %s",
                      from + (long long)(c->page.n < d->elements ? c->page.n
                                                                 : d->elements),
                      c->page.n < d->elements ? "extra" : "missing");
    adapt(c);
    return ST_OK;
}

static status cmp_list(struct cmp *c)
{
    status rc = ST_OK;

    for (long long i = 0; i < c->src.size && rc == ST_OK && !stopped(c);) {
        long long n = c->count;
        if (n > c->src.size - i)
            n = c->src.size - i;
        rc = cmp_list_window(c, i, n);
        i += n;
    }
    return rc;
}

/* ---- hashes, sets and sorted sets ---------------------------------------- */

/* A scan of the source and the destination's answer for its names. */
struct sdef {
    const char *scan;  /* HSCAN, SSCAN, ZSCAN */
    const char *probe; /* HMGET, SMISMEMBER, ZMSCORE */
    size_t stride;     /* items per element: name [value] */
    status (*check)(struct cmp *c, size_t item, const redisReply *answer);
};

static status check_field(struct cmp *c, size_t i, const redisReply *v)
{
    char f[SHOWN];

    if (v->type == REDIS_REPLY_NIL)
        return differ(c, CMP_VALUE, "hash field \"%s\" missing",
                      shown_item(f, &c->page, i));
    if (!is_str(v))
        return unexpected(c);
    if (!item_eq(&c->page, i + 1, v->str, v->len))
        return differ(c, CMP_VALUE, "hash field \"%s\": value differs",
                      shown_item(f, &c->page, i));
    return ST_OK;
}

static status check_member(struct cmp *c, size_t i, const redisReply *v)
{
    char m[SHOWN];

    if (v->type != REDIS_REPLY_INTEGER)
        return unexpected(c);
    if (v->integer == 0)
        return differ(c, CMP_VALUE, "set member \"%s\" missing",
                      shown_item(m, &c->page, i));
    return ST_OK;
}

static status check_score(struct cmp *c, size_t i, const redisReply *v)
{
    char m[SHOWN], a[SHOWN], b[SHOWN];
    const struct chunk *ch = &c->page;

    if (v->type == REDIS_REPLY_NIL)
        return differ(c, CMP_VALUE, "zset member \"%s\" missing",
                      shown_item(m, ch, i));
    if (!is_str(v))
        return unexpected(c);
    if (!same_score(item_ptr(ch, i + 1), ch->items[i + 1].len, v->str, v->len))
        return differ(c, CMP_VALUE, "zset member \"%s\" score %s vs %s",
                      shown_item(m, ch, i), shown_item(a, ch, i + 1),
                      shown(b, v->str, v->len));
    return ST_OK;
}

static const struct sdef hash_def = {"HSCAN", "HMGET", 2, check_field};
static const struct sdef set_def = {"SSCAN", "SMISMEMBER", 1, check_member};
static const struct sdef zset_def = {"ZSCAN", "ZMSCORE", 2, check_score};

/* How many names from item `first` one probe command takes: at most
 * SIO_MAX_ARGS arguments and SIO_MAX_BYTES bytes, and at least one. */
static size_t probe_end(const struct cmp *c, const struct sdef *d, size_t first)
{
    size_t bytes =
        16 + resp_bulk_size(strlen(d->probe)) + resp_bulk_size(c->k->len);
    size_t j = first;

    for (int argc = 2; j < c->page.n && argc < SIO_MAX_ARGS; argc++) {
        size_t b = resp_bulk_size(c->page.items[j].len);
        if (j > first && bytes + b > SIO_MAX_BYTES)
            break;
        bytes += b;
        j += d->stride;
    }
    return j;
}

/* Sends one probe for the names of items [first, end). */
static status send_probe(struct cmp *c, const struct sdef *d, size_t first,
                         size_t end)
{
    struct resp_buf *b;
    status rc;

    begin(c, SIO_DST);
    c->cmd = d->probe;
    b = sio_buf(c->s);
    rc = resp_begin(b, 2 + (int)((end - first) / d->stride));
    if (rc == ST_OK)
        rc = resp_arg_str(b, d->probe);
    if (rc == ST_OK)
        rc = resp_arg(b, c->k->name, c->k->len);
    for (size_t j = first; j < end && rc == ST_OK; j += d->stride)
        rc = resp_arg(b, item_ptr(&c->page, j), c->page.items[j].len);
    if (rc == ST_OK) {
        sio_push(c->s);
    } else {
        sio_drop(c->s);
        c->build_rc = rc;
    }
    return send(c);
}

/* Asks the destination about every name of the page. */
static status probe_page(struct cmp *c, const struct sdef *d)
{
    status rc = ST_OK;

    for (size_t i = 0; i < c->page.n && rc == ST_OK && !stopped(c);) {
        size_t end = probe_end(c, d, i);
        const redisReply *r;

        rc = send_probe(c, d, i, end);
        if (rc != ST_OK || c->again)
            return rc;
        rc = get(c, 0, REDIS_REPLY_ARRAY, &r);
        if (!r)
            return rc;
        if (r->elements != (end - i) / d->stride)
            return unexpected(c);
        for (size_t m = 0; m < r->elements && rc == ST_OK && !stopped(c); m++)
            rc = d->check(c, i + m * d->stride, r->element[m]);
        i = end;
    }
    return rc;
}

/* One SCAN call of the source: copies its elements into the page and the
 * next cursor into `cursor` (32 bytes). */
static status scan_page(struct cmp *c, const struct sdef *d, char *cursor)
{
    struct args a;
    char count[24];
    const redisReply *r;
    status rc;

    snprintf(count, sizeof(count), "%lld", c->count);
    key_args(c, &a, d->scan);
    arg_s(&a, cursor);
    arg_s(&a, "COUNT");
    arg_s(&a, count);
    rc = ask(c, SIO_SRC, &a, REDIS_REPLY_ARRAY, &r);
    if (!r)
        return rc;
    if (r->elements != 2 || !is_str(r->element[0]) ||
        r->element[0]->len >= 32 || r->element[1]->type != REDIS_REPLY_ARRAY ||
        r->element[1]->elements % d->stride != 0)
        return unexpected(c);
    memcpy(cursor, r->element[0]->str, r->element[0]->len + 1);
    chunk_clear(&c->page);
    if (take_elements(&c->page, r->element[1]) != ST_OK)
        return no_room(c);
    adapt(c);
    return ST_OK;
}

/* Equal sizes (checked before) and every source element on the
 * destination with the same value make the two equal. */
static status cmp_scanned(struct cmp *c, const struct sdef *d)
{
    char cursor[32] = "0";
    status rc;

    do {
        rc = scan_page(c, d, cursor);
        if (rc == ST_OK && !stopped(c))
            rc = probe_page(c, d);
        if (rc != ST_OK || stopped(c))
            return rc;
    } while (strcmp(cursor, "0") != 0);
    return ST_OK;
}

static status cmp_hash(struct cmp *c)
{
    return cmp_scanned(c, &hash_def);
}

static status cmp_set(struct cmp *c)
{
    return cmp_scanned(c, &set_def);
}

static status cmp_zset(struct cmp *c)
{
    return cmp_scanned(c, &zset_def);
}

/* ---- streams: entries ---------------------------------------------------- */

/* Two items per entry: its ID, then its fields and values (take_flat). */
static status take_entries(struct chunk *ch, const redisReply *r)
{
    status rc = ST_OK;

    for (size_t i = 0; i < r->elements && rc == ST_OK; i++) {
        const redisReply *e = r->element[i];
        if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 ||
            !is_str(e->element[0]))
            return ST_PROTOCOL;
        rc = chunk_add(ch, e->element[0]->str, e->element[0]->len, true);
        if (rc == ST_OK)
            rc = take_flat(ch, e->element[1]);
    }
    return rc;
}

static status cmp_entry(struct cmp *c, size_t i, const redisReply *e,
                        long long pos)
{
    char a[SHOWN], b[SHOWN];

    if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 ||
        !is_str(e->element[0]))
        return unexpected(c);
    if (!item_eq(&c->page, 2 * i, e->element[0]->str, e->element[0]->len))
        return differ(c, CMP_VALUE, "stream entry %lld: id %s vs %s", pos,
                      shown_item(a, &c->page, 2 * i),
                      shown(b, e->element[0]->str, e->element[0]->len));
    if (!flat_eq(&c->page, 2 * i + 1, e->element[1]))
        return differ(c, CMP_VALUE, "stream entry %s: fields differ",
                      shown_item(a, &c->page, 2 * i));
    return ST_OK;
}

/* Compares one XRANGE page from `start`; *more when the source may hold
 * entries past it, with `start` moved past its last. */
static status cmp_entry_page(struct cmp *c, char *start, long long *pos,
                             bool *more)
{
    struct args a;
    char count[24], x[SHOWN];
    long long asked = c->count;
    const redisReply *d;
    status rc;

    *more = false;
    snprintf(count, sizeof(count), "%lld", asked);
    key_args(c, &a, "XRANGE");
    arg_s(&a, start);
    arg_s(&a, "+");
    arg_s(&a, "COUNT");
    arg_s(&a, count);
    rc = ask_both(c, &a, REDIS_REPLY_ARRAY, take_entries, &d);
    if (!d)
        return rc;

    size_t n = c->page.n / 2;
    for (size_t i = 0; i < n && i < d->elements; i++, ++*pos) {
        rc = cmp_entry(c, i, d->element[i], *pos);
        if (rc != ST_OK || stopped(c))
            return rc;
    }
    if (n > d->elements)
        return differ(c, CMP_VALUE, "stream entry %s: missing",
                      shown_item(x, &c->page, 2 * d->elements));
    if (n < d->elements)
        return differ(c, CMP_VALUE, "stream entry %lld: extra", *pos);
    adapt(c);
    *more = n > 0 && (long long)n == asked &&
            next_id(item_ptr(&c->page, 2 * (n - 1)),
                    c->page.items[2 * (n - 1)].len, start);
    return ST_OK;
}

static status cmp_entries(struct cmp *c)
{
    char start[ID_MAX] = "-";
    long long pos = 0;
    bool more = true;
    status rc = ST_OK;

    while (more && rc == ST_OK && !stopped(c))
        rc = cmp_entry_page(c, start, &pos, &more);
    return rc;
}

/* ---- streams: ids, counters and consumer groups -------------------------- */

static const char *const info_fields[] = {
    "last-generated-id",
    "max-deleted-entry-id",
    "entries-added",
};
static const char *const group_fields[] = {
    "name",
    "last-delivered-id",
    "entries-read",
    "pending",
};
static const char *const consumer_fields[] = {"name", "pending"};
#define N_INFO     3
#define N_GROUP    4
#define N_CONSUMER 2

static status take_info(struct chunk *ch, const redisReply *r)
{
    return take_map(ch, r, info_fields, N_INFO);
}

static status take_maps(struct chunk *ch, const redisReply *r,
                        const char *const *fields, int nf)
{
    status rc = ST_OK;

    for (size_t i = 0; i < r->elements && rc == ST_OK; i++)
        rc = take_map(ch, r->element[i], fields, nf);
    return rc;
}

static status take_groups(struct chunk *ch, const redisReply *r)
{
    return take_maps(ch, r, group_fields, N_GROUP);
}

static status take_consumers(struct chunk *ch, const redisReply *r)
{
    return take_maps(ch, r, consumer_fields, N_CONSUMER);
}

static status cmp_stream_info(struct cmp *c)
{
    struct args a = {0};
    char num[24], x[SHOWN], y[SHOWN];
    const char *p;
    size_t len;
    const redisReply *d;
    status rc;

    arg_s(&a, "XINFO");
    arg_s(&a, "STREAM");
    arg(&a, c->k->name, c->k->len);
    rc = ask_both(c, &a, REDIS_REPLY_ARRAY, take_info, &d);
    if (!d)
        return rc;
    int f = map_diff(&c->page, 0, d, info_fields, N_INFO, num, sizeof(num), &p,
                     &len);
    if (f >= 0)
        return differ(c, CMP_VALUE, "stream %s %s vs %s", info_fields[f],
                      shown_item(x, &c->page, (size_t)f), shown(y, p, len));
    return ST_OK;
}

/* The group name of group `g` in c->groups. */
static const char *group_shown(char *buf, const struct cmp *c, size_t g)
{
    return shown_item(buf, &c->groups, g * N_GROUP);
}

static void group_arg(const struct cmp *c, struct args *a, size_t g)
{
    size_t i = g * N_GROUP;

    arg(a, item_ptr(&c->groups, i), c->groups.items[i].len);
}

static status cmp_consumers(struct cmp *c, size_t g)
{
    struct args a = {0};
    char gn[SHOWN], x[SHOWN], y[SHOWN], z[SHOWN], num[24];
    const char *p;
    size_t len, n;
    const redisReply *d;
    status rc;

    arg_s(&a, "XINFO");
    arg_s(&a, "CONSUMERS");
    arg(&a, c->k->name, c->k->len);
    group_arg(c, &a, g);
    rc = ask_both(c, &a, REDIS_REPLY_ARRAY, take_consumers, &d);
    if (!d)
        return rc;
    n = c->page.n / N_CONSUMER;
    if (n != d->elements)
        return differ(c, CMP_VALUE,
                      "consumer group \"%s\": consumers %zu vs %zu",
                      group_shown(gn, c, g), n, d->elements);
    for (size_t i = 0; i < n; i++) {
        size_t base = i * N_CONSUMER;
        int f = map_diff(&c->page, base, d->element[i], consumer_fields,
                         N_CONSUMER, num, sizeof(num), &p, &len);
        if (f == 0)
            return differ(c, CMP_VALUE,
                          "consumer group \"%s\": consumer \"%s\" vs \"%s\"",
                          group_shown(gn, c, g), shown_item(x, &c->page, base),
                          shown(y, p, len));
        if (f > 0)
            return differ(c, CMP_VALUE,
                          "consumer group \"%s\": consumer \"%s\" %s %s vs %s",
                          group_shown(gn, c, g), shown_item(x, &c->page, base),
                          consumer_fields[f],
                          shown_item(z, &c->page, base + (size_t)f),
                          shown(y, p, len));
    }
    return ST_OK;
}

/* Three items per pending entry: ID, consumer, delivery count. */
static status take_pel(struct chunk *ch, const redisReply *r)
{
    status rc = ST_OK;

    for (size_t i = 0; i < r->elements && rc == ST_OK; i++) {
        const redisReply *e = r->element[i];
        char num[24];
        int n;
        if (e->type != REDIS_REPLY_ARRAY || e->elements != 4 ||
            !is_str(e->element[0]) || !is_str(e->element[1]) ||
            e->element[3]->type != REDIS_REPLY_INTEGER)
            return ST_PROTOCOL;
        n = snprintf(num, sizeof(num), "%lld", e->element[3]->integer);
        rc = chunk_add(ch, e->element[0]->str, e->element[0]->len, true);
        if (rc == ST_OK)
            rc = chunk_add(ch, e->element[1]->str, e->element[1]->len, true);
        if (rc == ST_OK)
            rc = chunk_add(ch, num, (size_t)n, true);
    }
    return rc;
}

static status cmp_pending(struct cmp *c, size_t g, size_t i,
                          const redisReply *e)
{
    char gn[SHOWN], id[SHOWN], x[SHOWN], y[SHOWN], num[24];
    const struct chunk *ch = &c->page;
    size_t base = 3 * i;

    if (e->type != REDIS_REPLY_ARRAY || e->elements != 4 ||
        !is_str(e->element[0]) || !is_str(e->element[1]) ||
        e->element[3]->type != REDIS_REPLY_INTEGER)
        return unexpected(c);
    group_shown(gn, c, g);
    shown_item(id, ch, base);
    if (!item_eq(ch, base, e->element[0]->str, e->element[0]->len))
        return differ(c, CMP_VALUE,
                      "consumer group \"%s\": pending entry %s vs %s", gn, id,
                      shown(y, e->element[0]->str, e->element[0]->len));
    if (!item_eq(ch, base + 1, e->element[1]->str, e->element[1]->len))
        return differ(c, CMP_VALUE,
                      "consumer group \"%s\": pending entry %s: consumer "
                      "\"%s\" vs \"%s\"",
                      gn, id, shown_item(x, ch, base + 1),
                      shown(y, e->element[1]->str, e->element[1]->len));
    int n = snprintf(num, sizeof(num), "%lld", e->element[3]->integer);
    if (!item_eq(ch, base + 2, num, (size_t)n))
        return differ(c, CMP_VALUE,
                      "consumer group \"%s\": pending entry %s: delivery "
                      "count %s vs %s",
                      gn, id, shown_item(x, ch, base + 2), num);
    return ST_OK;
}

static status pel_extra(struct cmp *c, size_t g, const redisReply *e)
{
    char gn[SHOWN], x[SHOWN];

    if (e->type != REDIS_REPLY_ARRAY || e->elements < 1 ||
        !is_str(e->element[0]))
        return unexpected(c);
    return differ(c, CMP_VALUE,
                  "consumer group \"%s\": pending entry %s: extra",
                  group_shown(gn, c, g),
                  shown(x, e->element[0]->str, e->element[0]->len));
}

/* Compares one XPENDING page of group `g` from `start`, as
 * cmp_entry_page(). */
static status cmp_pel_page(struct cmp *c, size_t g, char *start, bool *more)
{
    struct args a;
    char count[24], gn[SHOWN], x[SHOWN];
    long long asked = c->count;
    const redisReply *d;
    status rc;

    *more = false;
    snprintf(count, sizeof(count), "%lld", asked);
    key_args(c, &a, "XPENDING");
    group_arg(c, &a, g);
    arg_s(&a, start);
    arg_s(&a, "+");
    arg_s(&a, count);
    rc = ask_both(c, &a, REDIS_REPLY_ARRAY, take_pel, &d);
    if (!d)
        return rc;

    size_t n = c->page.n / 3;
    for (size_t i = 0; i < n && i < d->elements; i++) {
        rc = cmp_pending(c, g, i, d->element[i]);
        if (rc != ST_OK || stopped(c))
            return rc;
    }
    if (n > d->elements)
        return differ(
            c, CMP_VALUE, "consumer group \"%s\": pending entry %s: missing",
            group_shown(gn, c, g), shown_item(x, &c->page, 3 * d->elements));
    if (n < d->elements)
        return pel_extra(c, g, d->element[n]);
    *more = n > 0 && (long long)n == asked &&
            next_id(item_ptr(&c->page, 3 * (n - 1)),
                    c->page.items[3 * (n - 1)].len, start);
    return ST_OK;
}

static status cmp_pel(struct cmp *c, size_t g)
{
    char start[ID_MAX] = "-";
    bool more = true;
    status rc = ST_OK;

    while (more && rc == ST_OK && !stopped(c))
        rc = cmp_pel_page(c, g, start, &more);
    return rc;
}

/* XINFO GROUPS of both ends, group by group (both list them by name). */
static status cmp_group_list(struct cmp *c)
{
    struct args a = {0};
    char x[SHOWN], y[SHOWN], z[SHOWN], num[24];
    const char *p;
    size_t len, n;
    const redisReply *d;
    status rc;

    arg_s(&a, "XINFO");
    arg_s(&a, "GROUPS");
    arg(&a, c->k->name, c->k->len);
    rc = ask_both(c, &a, REDIS_REPLY_ARRAY, take_groups, &d);
    if (!d)
        return rc;
    n = c->page.n / N_GROUP;
    if (n != d->elements)
        return differ(c, CMP_VALUE, "consumer groups %zu vs %zu", n,
                      d->elements);
    for (size_t i = 0; i < n; i++) {
        size_t base = i * N_GROUP;
        int f = map_diff(&c->page, base, d->element[i], group_fields, N_GROUP,
                         num, sizeof(num), &p, &len);
        if (f == 0)
            return differ(c, CMP_VALUE, "consumer group \"%s\" vs \"%s\"",
                          shown_item(x, &c->page, base), shown(y, p, len));
        if (f > 0)
            return differ(c, CMP_VALUE, "consumer group \"%s\": %s %s vs %s",
                          shown_item(x, &c->page, base), group_fields[f],
                          shown_item(z, &c->page, base + (size_t)f),
                          shown(y, p, len));
    }
    return ST_OK;
}

static status cmp_groups(struct cmp *c)
{
    status rc = cmp_group_list(c);

    if (rc != ST_OK || stopped(c))
        return rc;

    /* Keep the groups while the page holds each group's chunks. */
    struct chunk t = c->groups;
    c->groups = c->page;
    c->page = t;
    chunk_clear(&c->page);

    size_t n = c->groups.n / N_GROUP;
    for (size_t g = 0; g < n && rc == ST_OK && !stopped(c); g++) {
        rc = cmp_consumers(c, g);
        if (rc == ST_OK && !stopped(c))
            rc = cmp_pel(c, g);
    }
    return rc;
}

static status cmp_stream(struct cmp *c)
{
    status rc = cmp_stream_info(c);

    if (rc == ST_OK && !stopped(c))
        rc = cmp_entries(c);
    if (rc == ST_OK && !stopped(c))
        rc = cmp_groups(c);
    return rc;
}

/* ---- module types -------------------------------------------------------- */

/* A payload's body, without the RDB version and CRC64 at its end: those
 * differ between servers of other versions holding the same value. */
static size_t body_len(size_t len)
{
    return len > TRAILER ? len - TRAILER : len;
}

static status cmp_module(struct cmp *c)
{
    struct args a;
    char t[SHOWN];
    const redisReply *d;
    status rc;

    key_args(c, &a, "DUMP");
    rc = ask_both(c, &a, -1, take_string, &d);
    if (!d)
        return rc;
    const struct item *it = &c->page.items[0];
    if (!is_str(d) || body_len(it->len) != body_len(d->len) ||
        memcmp(item_ptr(&c->page, 0), d->str, body_len(d->len)) != 0)
        return differ(c, CMP_VALUE, "module type %s: payloads differ",
                      shown(t, c->src.type, strlen(c->src.type)));
    return ST_OK;
}

/* ---- one key ------------------------------------------------------------- */

static status cmp_value(struct cmp *c)
{
    const struct tdef *td = c->src.td;

    if (!td)
        return cmp_module(c);
    if (c->src.size != c->dst.size)
        return differ(c, CMP_VALUE, "%s %lld vs %lld", td->sizes, c->src.size,
                      c->dst.size);
    return td->values(c);
}

static status cmp_deadline(struct cmp *c)
{
    int64_t s = c->src.deadline, d = c->dst.deadline;

    if (!s && !d)
        return ST_OK;
    if (!d)
        return differ(c, CMP_TTL, "lost TTL");
    if (!s)
        return differ(c, CMP_TTL, "gained TTL");
    int64_t diff = d - s, mag = diff < 0 ? -diff : diff;
    if (mag <= c->ctx->ttl_tolerance)
        return ST_OK;
    return differ(c, CMP_TTL, "deadline %" PRId64 " ms %s", mag,
                  diff > 0 ? "later" : "earlier");
}

/* Not on the destination. A source key due to expire within the
 * tolerance may have expired there first: that is not a difference. */
static status missing(struct cmp *c)
{
    int64_t s = c->src.deadline;

    if (s && s - wall_ms() <= c->ctx->ttl_tolerance)
        return differ(c, CMP_GONE, "expires within the TTL tolerance");
    return differ(c, CMP_MISSING, "not on the destination");
}

static status compare_once(struct cmp *c)
{
    char a[SHOWN], b[SHOWN];
    status rc = read_meta(c, SIO_SRC, &c->src);

    if (rc != ST_OK || c->again)
        return rc;
    if (!c->src.exists)
        return differ(c, CMP_GONE, "gone from the source");
    rc = read_meta(c, SIO_DST, &c->dst);
    if (rc != ST_OK || c->again)
        return rc;
    if (!c->dst.exists)
        return missing(c);
    if (strcmp(c->src.type, c->dst.type) != 0)
        return differ(c, CMP_TYPE, "type %s vs %s",
                      shown(a, c->src.type, strlen(c->src.type)),
                      shown(b, c->dst.type, strlen(c->dst.type)));
    rc = cmp_value(c);
    if (rc != ST_OK || stopped(c))
        return rc;
    return cmp_deadline(c);
}

/* Reads the source again after a difference: gone now means CMP_GONE;
 * *changed when its type, size or deadline moved meanwhile. */
static status confirm(struct cmp *c, bool *changed)
{
    struct meta m;
    status rc = read_meta(c, SIO_SRC, &m);

    *changed = false;
    if (rc != ST_OK || c->again)
        return rc;
    if (!m.exists)
        return differ(c, CMP_GONE, "gone from the source");
    int64_t drift = m.deadline - c->src.deadline;
    *changed = strcmp(m.type, c->src.type) != 0 || m.size != c->src.size ||
               drift > DRIFT_MS || drift < -DRIFT_MS;
    return ST_OK;
}

static void reset(struct cmp *c)
{
    c->res->kind = CMP_EQUAL;
    c->res->detail[0] = '\0';
    c->again = false;
    c->count = COUNT_START;
    chunk_clear(&c->page);
    chunk_clear(&c->groups);
}

/* One comparison; *done unless the key is to be compared again. */
static status attempt(struct cmp *c, int *changes, bool *done)
{
    bool changed = false;
    status rc;

    reset(c);
    rc = compare_once(c);
    if (rc != ST_OK || c->again)
        return rc;
    if (c->res->kind == CMP_EQUAL || c->res->kind == CMP_GONE) {
        *done = true;
        return ST_OK;
    }

    /* Keep the finding while confirm() reads the source. */
    struct cmp_result found = *c->res;
    rc = confirm(c, &changed);
    if (rc != ST_OK || c->again || c->res->kind == CMP_GONE)
        return rc;
    *c->res = found;
    *done = !changed || ++*changes > CHANGES_MAX;
    return ST_OK;
}

status cmp_key(struct cmp_ctx *ctx, const struct cmp_key *k,
               struct cmp_result *res)
{
    struct cmp c = {.ctx = ctx,
                    .s = ctx->sio,
                    .k = k,
                    .res = res,
                    .slot = cluster_slot(k->name, k->len)};
    int changes = 0;
    bool done = false;
    status rc = ST_OK;

    for (int tries = 0; tries < TRIES_MAX && !done && rc == ST_OK; tries++)
        rc = attempt(&c, &changes, &done);
    if (rc == ST_OK && !done)
        rc = fail(&c, ST_SERVER,
                  "compared %d times without a stable answer: the "
                  "destination kept redirecting, or the key kept changing "
                  "type",
                  TRIES_MAX);
    if (rc == ST_OK && res->kind == CMP_EQUAL)
        res->detail[0] = '\0';
    chunk_free(&c.page);
    chunk_free(&c.groups);
    return rc;
}

const char *cmp_kind_name(enum cmp_kind k)
{
    switch (k) {
    case CMP_EQUAL:
        return "equal";
    case CMP_MISSING:
        return "missing";
    case CMP_EXTRA:
        return "extra";
    case CMP_TYPE:
        return "type";
    case CMP_VALUE:
        return "value";
    case CMP_TTL:
        return "ttl";
    case CMP_GONE:
        return "gone";
    }
    return "unknown";
}
