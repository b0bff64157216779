/*
 * The slow lane's synchronous pipelines (see sio.h).
 *
 * Replies arrive through the connections' callback with the index of their
 * request as context; the pipeline is done when every index has its reply.
 * SELECT requests the sio adds itself are tagged apart and not shown to
 * the caller.
 */
#include "sio.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dest.h"

#define SIO_LOOP_OPS  64
#define SIO_WAIT_MS   50
#define SIO_BUSY_MS   100
#define SIO_TIMEOUT   120000 /* ms without the whole pipeline answered */
#define SIO_NODE_WAIT 60000  /* ms for a lost cluster node to be replaced */

enum sio_tag { SIO_TAG_REQ = 1, SIO_TAG_SELECT };

struct sio {
    struct sio_cfg cfg;
    struct ioloop *loop;
    struct conn **srcs;
    int *src_db;
    struct dest *dst;
    int dst_db;
    uint8_t lost[CLUSTER_SLOTS]; /* dest_refresh's slots of a lost node */

    /* The pipeline being built or sent. */
    enum sio_end end;
    int node; /* source node, or destination node */
    struct conn *conn;
    redisReply **replies;
    size_t n, cap, answered;
    bool resent, select_failed;
    status build_rc;
    char err[512];
    char name[300];
};

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_reply(void *owner, void *ctx, uint32_t tag, unsigned flags,
                     redisReply *r)
{
    struct sio *s = owner;
    size_t i = (size_t)(uintptr_t)ctx;

    if (!r)
        return; /* dropped with its connection: sio_send notices */
    if (flags & CONN_RESENT)
        s->resent = true;
    if (tag == SIO_TAG_SELECT) {
        if (r->type == REDIS_REPLY_ERROR)
            s->select_failed = true;
        freeReplyObject(r);
        return;
    }
    if (i < s->n && !s->replies[i]) {
        s->replies[i] = r;
        s->answered++;
        return;
    }
    freeReplyObject(r);
}

static void clear_replies(struct sio *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->replies[i])
            freeReplyObject(s->replies[i]);
    s->n = 0;
    s->answered = 0;
}

/* ---- opening ------------------------------------------------------------- */

status sio_open(struct sio **out, const struct sio_cfg *cfg, char *err,
                size_t errlen)
{
    struct sio *s = calloc(1, sizeof(*s));
    char why[160];
    status rc = ST_NOMEM;

    *out = NULL;
    if (!s)
        goto fail;
    s->cfg = *cfg;
    s->srcs = calloc((size_t)cfg->n_src_nodes, sizeof(*s->srcs));
    s->src_db = calloc((size_t)cfg->n_src_nodes, sizeof(*s->src_db));
    if (!s->srcs || !s->src_db)
        goto fail;
    rc = ioloop_new(&s->loop, SIO_LOOP_OPS, cfg->force_poll, why, sizeof(why));
    if (rc != ST_OK)
        goto fail;
    s->dst_db = cfg->dst.db;
    if (cfg->dst_seed) {
        struct dest_cfg dc = {
            .seed = cfg->dst_seed,
            .topo = cfg->dst_topo,
            .conn = cfg->dst,
            .loop = s->loop,
            .on_reply = on_reply,
            .owner = s,
        };
        rc = dest_new(&s->dst, &dc, err, errlen);
        if (rc != ST_OK)
            goto fail;
    }
    *out = s;
    return ST_OK;
fail:
    if (rc == ST_NOMEM)
        snprintf(err, errlen, "out of memory");
    sio_free(s);
    return rc;
}

void sio_free(struct sio *s)
{
    if (!s)
        return;
    clear_replies(s);
    for (int i = 0; s->srcs && i < s->cfg.n_src_nodes; i++)
        conn_close(s->srcs[i]);
    dest_free(s->dst);
    ioloop_free(s->loop);
    free(s->replies);
    free(s->srcs);
    free(s->src_db);
    free(s);
}

/* ---- building ------------------------------------------------------------ */

static status src_conn(struct sio *s, int node)
{
    struct conn_cfg cc = s->cfg.src;

    if (s->srcs[node])
        return ST_OK;
    cc.ep = &s->cfg.src_nodes[node];
    s->src_db[node] = cc.db;
    return conn_open(&s->srcs[node], s->loop, &cc, on_reply, s, s->err,
                     sizeof(s->err));
}

static void select_db(struct sio *s, struct conn *c, int db, int *cur)
{
    char n[16];
    const char *argv[] = {"SELECT", n};

    if (db == *cur)
        return;
    snprintf(n, sizeof(n), "%d", db);
    if (resp_command(conn_buf(c), 2, argv, NULL) != ST_OK) {
        s->build_rc = ST_NOMEM;
        return;
    }
    conn_append_done(c, NULL, SIO_TAG_SELECT);
    conn_set_db(c, db);
    *cur = db;
}

static void begin_src(struct sio *s, int node, int db)
{
    s->build_rc = src_conn(s, node);
    if (s->build_rc != ST_OK)
        return;
    s->conn = s->srcs[node];
    select_db(s, s->conn, db, &s->src_db[node]); /* a cluster: always 0 */
}

static void begin_dst(struct sio *s, int slot, int db)
{
    bool cluster = dest_is_cluster(s->dst);

    s->node = cluster ? dest_node_of_slot(s->dst, (uint16_t)slot) : 0;
    if (s->node < 0) {
        s->build_rc = ST_UNSUPPORTED; /* no master yet: wait and redo */
        return;
    }
    s->build_rc = dest_conn(s->dst, s->node, &s->conn, s->err, sizeof(s->err));
    if (s->build_rc == ST_OK && !cluster)
        select_db(s, s->conn, db, &s->dst_db);
}

void sio_begin(struct sio *s, enum sio_end end, int where, int db)
{
    clear_replies(s);
    s->end = end;
    s->node = where;
    s->conn = NULL;
    s->resent = false;
    s->select_failed = false;
    s->build_rc = ST_OK;
    if (end == SIO_SRC)
        begin_src(s, where, db);
    else if (!s->dst)
        s->build_rc = ST_UNSUPPORTED;
    else
        begin_dst(s, where, db);
    /* A reconnect sends the whole pipeline again, MULTI included. */
    if (s->build_rc == ST_OK)
        conn_unit_begin(s->conn);
}

static status grow(struct sio *s)
{
    if (s->n < s->cap)
        return ST_OK;
    size_t cap = s->cap ? s->cap * 2 : 64;
    redisReply **p = realloc(s->replies, cap * sizeof(*p));
    if (!p)
        return ST_NOMEM;
    s->replies = p;
    s->cap = cap;
    return ST_OK;
}

struct resp_buf *sio_buf(struct sio *s)
{
    static struct resp_buf none; /* max 0: every append is refused */
    return s->conn ? conn_buf(s->conn) : &none;
}

void sio_push(struct sio *s)
{
    if (!s->conn || grow(s) != ST_OK) {
        sio_drop(s);
        if (s->build_rc == ST_OK)
            s->build_rc = ST_NOMEM;
        return;
    }
    s->replies[s->n] = NULL;
    conn_append_done(s->conn, (void *)(uintptr_t)s->n, SIO_TAG_REQ);
    s->n++;
}

void sio_drop(struct sio *s)
{
    if (s->conn)
        conn_append_abort(s->conn);
}

status sio_cmd(struct sio *s, int argc, const char *const *argv,
               const size_t *lens)
{
    if (!s->conn)
        return s->build_rc != ST_OK ? s->build_rc : ST_UNSUPPORTED;
    status rc = resp_command(conn_buf(s->conn), argc, argv, lens);
    if (rc != ST_OK)
        return rc;
    sio_push(s);
    return s->build_rc;
}

status sio_cmdv(struct sio *s, const char *arg0, ...)
{
    const char *argv[32];
    int argc = 0;
    va_list ap;

    va_start(ap, arg0);
    for (const char *a = arg0; a && argc < 32; a = va_arg(ap, const char *))
        argv[argc++] = a;
    va_end(ap);
    return sio_cmd(s, argc, argv, NULL);
}

/* ---- sending ------------------------------------------------------------- */

static void wait_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Services the connections this pipeline uses. A lost cluster node is
 * replaced (the caller starts over); anything else lost is fatal. */
static status service(struct sio *s, bool *again)
{
    int failed;
    status rc;

    if (s->end == SIO_SRC) {
        rc = conn_service(s->conn);
        if (rc != ST_OK)
            snprintf(s->err, sizeof(s->err), "%s", conn_error_msg(s->conn));
        return rc;
    }
    while ((rc = dest_service(s->dst, &failed)) != ST_OK) {
        struct conn *c = NULL;
        char e[64];
        if (!dest_is_cluster(s->dst)) {
            dest_conn(s->dst, failed, &c, e, sizeof(e));
            snprintf(s->err, sizeof(s->err), "%s", c ? conn_error_msg(c) : e);
            return rc;
        }
        rc = dest_refresh(s->dst, failed, s->lost, SIO_NODE_WAIT, s->err,
                          sizeof(s->err));
        if (rc != ST_OK)
            return rc;
        *again = true;
    }
    return ST_OK;
}

static bool stopped(const struct sio *s)
{
    const atomic_bool *stop = s->cfg.src.stop;
    return stop && atomic_load(stop);
}

/* An error a cluster in motion answers: the work is built again. */
static bool redo_error(const redisReply *r)
{
    /* Not EXECABORT: a transaction refused for a MOVED has that MOVED
     * among its replies, and one refused for NOPERM must not loop. */
    static const char *const redo[] = {"MOVED ", "ASK ", "TRYAGAIN",
                                       "CLUSTERDOWN", "LOADING"};
    if (!r || r->type != REDIS_REPLY_ERROR)
        return false;
    for (size_t i = 0; i < sizeof(redo) / sizeof(redo[0]); i++)
        if (strncmp(r->str, redo[i], strlen(redo[i])) == 0)
            return true;
    return false;
}

/* MOVED <slot> <host>:<port>: the slot map learns the new owner. */
static void learn_moved(struct sio *s, const char *e)
{
    const char *sp = strchr(e, ' ');
    const char *addr = sp ? strchr(sp + 1, ' ') : NULL;
    const char *colon = addr ? strrchr(addr, ':') : NULL;
    char host[256];

    if (!colon || (size_t)(colon - addr - 1) >= sizeof(host))
        return;
    unsigned long slot = strtoul(sp + 1, NULL, 10);
    size_t hlen = (size_t)(colon - addr - 1);
    if (hlen == 0 || slot >= CLUSTER_SLOTS)
        return;
    memcpy(host, addr + 1, hlen);
    host[hlen] = '\0';
    int node = dest_node_at(s->dst, host, atoi(colon + 1));
    if (node >= 0)
        dest_set_slot(s->dst, (uint16_t)slot, node);
}

/* Whether a destination pipeline must be built again. */
static bool must_redo(struct sio *s)
{
    bool redo = s->resent && s->end == SIO_DST;

    for (size_t i = 0; i < s->n && s->end == SIO_DST; i++) {
        const redisReply *r = s->replies[i];
        if (!redo_error(r))
            continue;
        if (strncmp(r->str, "MOVED ", 6) == 0)
            learn_moved(s, r->str);
        redo = true;
    }
    return redo;
}

status sio_send(struct sio *s, bool *again)
{
    int64_t deadline = mono_ms() + SIO_TIMEOUT;
    status rc;

    *again = false;
    if (s->build_rc == ST_UNSUPPORTED && s->end == SIO_DST && s->dst) {
        wait_ms(SIO_BUSY_MS); /* no master known for the slot yet */
        *again = true;
        return ST_OK;
    }
    if (s->conn)
        conn_unit_end(s->conn);
    if (s->build_rc != ST_OK) {
        if (!s->err[0] || s->build_rc == ST_NOMEM)
            snprintf(s->err, sizeof(s->err), "%s: a request does not fit",
                     s->end == SIO_SRC ? "source" : "destination");
        return s->build_rc;
    }
    if (s->end == SIO_SRC && s->cfg.pace)
        s->cfg.pace(s->cfg.pace_arg, s->n);
    while (s->answered < s->n) {
        if ((rc = service(s, again)) != ST_OK)
            return rc;
        if (*again) /* the node was replaced: its replies are lost */
            return ST_OK;
        if (stopped(s))
            return ST_INTERRUPTED;
        if (mono_ms() > deadline) {
            snprintf(s->err, sizeof(s->err), "%s %s: no reply within %d s",
                     s->end == SIO_SRC ? "source" : "destination",
                     sio_node_name(s), SIO_TIMEOUT / 1000);
            return ST_TIMEOUT;
        }
        if (ioloop_wait(s->loop, SIO_WAIT_MS) != ST_OK)
            return ST_IO;
    }
    if (s->select_failed) {
        snprintf(s->err, sizeof(s->err), "%s %s refused SELECT",
                 s->end == SIO_SRC ? "source" : "destination",
                 sio_node_name(s));
        return ST_SERVER;
    }
    if (must_redo(s)) {
        wait_ms(SIO_BUSY_MS / 10);
        *again = true;
    }
    return ST_OK;
}

size_t sio_n(const struct sio *s)
{
    return s->n;
}

const redisReply *sio_reply(const struct sio *s, size_t i)
{
    return i < s->n ? s->replies[i] : NULL;
}

const char *sio_error(const struct sio *s)
{
    return s->err;
}

int sio_dst_node(const struct sio *s, uint16_t slot)
{
    if (!s->dst || !dest_is_cluster(s->dst))
        return 0;
    return dest_node_of_slot(s->dst, slot);
}

const char *sio_node_name(struct sio *s)
{
    if (s->end == SIO_DST && s->dst)
        return dest_node_name(s->dst, s->node);
    if (s->end == SIO_SRC && s->node < s->cfg.n_src_nodes) {
        const struct endpoint *ep = &s->cfg.src_nodes[s->node];
        snprintf(s->name, sizeof(s->name), "%s:%d", ep->host, ep->port);
        return s->name;
    }
    return "?";
}
