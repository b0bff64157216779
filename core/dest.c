/*
 * Destination routing for one worker. See dest.h.
 */
#include "dest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct dnode {
    struct endpoint ep; /* the seed's settings with this node's address */
    struct conn *c;
    bool dead; /* could not be reached; kept so indexes stay valid */
    char name[96];
};

struct dest {
    struct dest_cfg cfg;
    bool cluster;
    struct dnode *nodes;
    int n_nodes;
    int16_t slot_node[CLUSTER_SLOTS];
    struct ioloop *tloop; /* for topology reads, apart from the data path */
};

/* ---- nodes --------------------------------------------------------------- */

static int add_node(struct dest *d, const char *host, int port)
{
    struct dnode *n = realloc(d->nodes, (size_t)(d->n_nodes + 1) * sizeof(*n));
    if (!n)
        return -1;
    d->nodes = n;
    n = &d->nodes[d->n_nodes];
    memset(n, 0, sizeof(*n));
    n->ep = *d->cfg.seed;
    n->ep.host = strdup(host);
    if (!n->ep.host)
        return -1;
    n->ep.port = port;
    n->ep.db = d->cluster ? 0 : d->cfg.seed->db;
    snprintf(n->name, sizeof(n->name), "%s%s:%d", n->ep.tls ? "rediss://" : "",
             host, port);
    return d->n_nodes++;
}

int dest_node_at(struct dest *d, const char *host, int port)
{
    for (int i = 0; i < d->n_nodes; i++)
        if (d->nodes[i].ep.port == port &&
            strcmp(d->nodes[i].ep.host, host) == 0) {
            d->nodes[i].dead = false;
            return i;
        }
    return add_node(d, host, port);
}

const char *dest_node_name(const struct dest *d, int node)
{
    return d->nodes[node].name;
}

bool dest_is_cluster(const struct dest *d)
{
    return d->cluster;
}

int dest_node_of_slot(const struct dest *d, uint16_t slot)
{
    return d->cluster ? d->slot_node[slot] : 0;
}

void dest_set_slot(struct dest *d, uint16_t slot, int node)
{
    d->slot_node[slot] = (int16_t)node;
}

/* Maps the topology's masters onto nodes and takes its slot map. */
static status apply_topology(struct dest *d, const struct topology *t)
{
    int16_t map[CLUSTER_SLOTS];

    for (int s = 0; s < CLUSTER_SLOTS; s++) {
        int m = t->slot_master[s];
        map[s] = -1;
        if (m < 0)
            continue;
        int n = dest_node_at(d, t->nodes[m].host, t->nodes[m].port);
        if (n < 0)
            return ST_NOMEM;
        map[s] = (int16_t)n;
    }
    memcpy(d->slot_node, map, sizeof(map));
    return ST_OK;
}

status dest_conn(struct dest *d, int node, struct conn **out, char *err,
                 size_t errlen)
{
    struct dnode *n = &d->nodes[node];

    if (!n->c) {
        struct conn_cfg cc = d->cfg.conn;
        cc.ep = &n->ep;
        cc.db = n->ep.db > 0 ? n->ep.db : 0;
        status rc = conn_open(&n->c, d->cfg.loop, &cc, d->cfg.on_reply,
                              d->cfg.owner, err, errlen);
        if (rc != ST_OK)
            return rc;
    }
    *out = n->c;
    return ST_OK;
}

/* ---- life ---------------------------------------------------------------- */

status dest_new(struct dest **out, const struct dest_cfg *cfg, char *err,
                size_t errlen)
{
    struct dest *d = calloc(1, sizeof(*d));
    struct conn *c;
    status rc = ST_NOMEM;

    *out = NULL;
    if (!d)
        goto fail;
    d->cfg = *cfg;
    d->cluster = cfg->topo != NULL;
    if (d->cluster) {
        if (apply_topology(d, cfg->topo) != ST_OK)
            goto fail;
        *out = d;
        return ST_OK;
    }
    if (add_node(d, cfg->seed->host, cfg->seed->port) < 0)
        goto fail;
    rc = dest_conn(d, 0, &c, err, errlen);
    if (rc != ST_OK)
        goto fail;
    *out = d;
    return ST_OK;
fail:
    if (rc == ST_NOMEM)
        snprintf(err, errlen, "out of memory");
    dest_free(d);
    return rc;
}

void dest_free(struct dest *d)
{
    if (!d)
        return;
    for (int i = 0; i < d->n_nodes; i++) {
        conn_close(d->nodes[i].c);
        free(d->nodes[i].ep.host);
    }
    free(d->nodes);
    ioloop_free(d->tloop);
    free(d);
}

size_t dest_outstanding(const struct dest *d)
{
    size_t n = 0;
    for (int i = 0; i < d->n_nodes; i++)
        if (d->nodes[i].c)
            n += conn_outstanding(d->nodes[i].c);
    return n;
}

status dest_service(struct dest *d, int *failed)
{
    *failed = -1;
    for (int i = 0; i < d->n_nodes; i++) {
        if (!d->nodes[i].c)
            continue;
        status rc = conn_service(d->nodes[i].c);
        if (rc != ST_OK) {
            *failed = i;
            return rc;
        }
    }
    return ST_OK;
}

/* ---- topology ------------------------------------------------------------ */

static status read_topology(struct conn *c, bool tls, struct topology *t,
                            char *err, size_t errlen);

/* Names the nodes the reply gave no address for after the one asked. */
static status fill_hosts(struct topology *t, const char *host)
{
    for (int i = 0; i < t->n_nodes; i++) {
        if (t->nodes[i].host[0])
            continue;
        char *h = strdup(host);
        if (!h)
            return ST_NOMEM;
        free(t->nodes[i].host);
        t->nodes[i].host = h;
    }
    return ST_OK;
}

status dest_read_topology(struct conn *c, const char *host, bool tls,
                          struct topology *t, char *err, size_t errlen)
{
    status rc = read_topology(c, tls, t, err, errlen);
    return rc == ST_OK ? fill_hosts(t, host) : rc;
}

static status read_topology(struct conn *c, bool tls, struct topology *t,
                            char *err, size_t errlen)
{
    redisReply *r = NULL;
    status rc = conn_callv(c, &r, "CLUSTER", "SHARDS", NULL);

    if (rc != ST_OK) {
        snprintf(err, errlen, "%s", conn_error_msg(c));
        return rc;
    }
    if (r->type != REDIS_REPLY_ERROR) {
        rc = topology_from_shards(t, r, tls, err, errlen);
        freeReplyObject(r);
        return rc;
    }
    /* Older servers have no CLUSTER SHARDS. */
    freeReplyObject(r);
    r = NULL;
    rc = conn_callv(c, &r, "CLUSTER", "SLOTS", NULL);
    if (rc != ST_OK) {
        snprintf(err, errlen, "%s", conn_error_msg(c));
        return rc;
    }
    if (r->type == REDIS_REPLY_ERROR) {
        snprintf(err, errlen,
                 "CLUSTER SHARDS and CLUSTER SLOTS refused (%.160s); grant "
                 "the user +cluster|shards +cluster|slots",
                 r->str);
        rc = strncmp(r->str, "NOPERM", 6) == 0 ? ST_NOPERM : ST_SERVER;
    } else {
        rc = topology_from_slots(t, r, err, errlen);
    }
    freeReplyObject(r);
    return rc;
}

/* Reads the topology from node `i`'s address on the private loop. */
static status read_from(struct dest *d, const struct endpoint *ep,
                        struct topology *t, char *err, size_t errlen)
{
    char why[160];
    struct conn *c = NULL;
    struct conn_cfg cc = d->cfg.conn;

    if (!d->tloop &&
        ioloop_new(&d->tloop, 4, true, why, sizeof(why)) != ST_OK) {
        snprintf(err, errlen, "%s", why);
        return ST_NOMEM;
    }
    cc.ep = ep;
    cc.db = 0;
    cc.connect_timeout_ms = 1000;
    cc.reply_timeout_ms = 3000;
    cc.max_retries = 0;
    cc.reconnects = NULL;
    status rc = conn_open(&c, d->tloop, &cc, NULL, NULL, err, errlen);
    if (rc == ST_OK)
        rc = dest_read_topology(c, ep->host, ep->tls, t, err, errlen);
    conn_close(c);
    return rc;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Whether `t` serves every slot from nodes other than the failed one. */
static bool usable_topology(const struct dest *d, const struct topology *t,
                            int failed)
{
    const struct dnode *f = &d->nodes[failed];

    if (topology_unassigned(t) > 0)
        return false;
    for (int i = 0; i < t->n_nodes; i++)
        if (t->nodes[i].master_of < 0 && t->nodes[i].port == f->ep.port &&
            strcmp(t->nodes[i].host, f->ep.host) == 0 &&
            topology_owns_slots(t, i))
            return false;
    return true;
}

/* One pass over the known nodes (and the seed): the first usable answer. */
static bool try_nodes(struct dest *d, int failed, struct topology *t, char *err,
                      size_t errlen)
{
    for (int i = -1; i < d->n_nodes; i++) {
        const struct endpoint *ep = i < 0 ? d->cfg.seed : &d->nodes[i].ep;
        if (i == failed || (i >= 0 && d->nodes[i].dead))
            continue;
        topology_free(t);
        if (read_from(d, ep, t, err, errlen) == ST_OK &&
            usable_topology(d, t, failed))
            return true;
    }
    return false;
}

status dest_refresh(struct dest *d, int failed, uint8_t *lost, int timeout_ms,
                    char *err, size_t errlen)
{
    struct topology t = {0};
    int64_t deadline = now_ms() + timeout_ms;
    status rc = ST_TIMEOUT;

    conn_close(d->nodes[failed].c);
    d->nodes[failed].c = NULL;
    d->nodes[failed].dead = true;
    while (now_ms() < deadline) {
        if (d->cfg.conn.stop && atomic_load(d->cfg.conn.stop))
            break;
        if (try_nodes(d, failed, &t, err, errlen)) {
            rc = ST_OK;
            break;
        }
        sleep_ms(200);
    }
    if (rc == ST_OK) {
        for (int s = 0; s < CLUSTER_SLOTS; s++)
            lost[s] = lost[s] || d->slot_node[s] == failed;
        rc = apply_topology(d, &t);
        d->nodes[failed].dead = true;
    } else {
        snprintf(err, errlen,
                 "destination node %s was lost and no master took over its "
                 "slots within %d s",
                 d->nodes[failed].name, timeout_ms / 1000);
    }
    topology_free(&t);
    return rc;
}
