/*
 * Finding the nodes of each end. See nodes.h.
 */
#include "nodes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dest.h"

/* ---- INFO ---------------------------------------------------------------- */

/* The value of `field:` in an INFO text, or "" (into buf). */
static const char *info_get(const char *info, const char *field, char *buf,
                            size_t len)
{
    size_t flen = strlen(field);

    buf[0] = '\0';
    for (const char *p = info; p && *p; p = strchr(p, '\n')) {
        if (*p == '\n')
            p++;
        if (strncmp(p, field, flen) == 0 && p[flen] == ':') {
            const char *v = p + flen + 1;
            size_t n = strcspn(v, "\r\n");
            if (n >= len)
                n = len - 1;
            memcpy(buf, v, n);
            buf[n] = '\0';
            break;
        }
    }
    return buf;
}

status nodes_info(struct conn *c, const char *section, redisReply **r,
                  const char *who, char *err, size_t errlen)
{
    status rc = conn_callv(c, r, "INFO", section, NULL);
    if (rc != ST_OK) {
        snprintf(err, errlen, "%s", conn_error_msg(c));
        return rc;
    }
    if ((*r)->type == REDIS_REPLY_STRING)
        return ST_OK;
    snprintf(err, errlen, "%s: INFO %s refused: %.200s; grant the user +info",
             who, section,
             (*r)->type == REDIS_REPLY_ERROR ? (*r)->str : "unexpected reply");
    rc = (*r)->type == REDIS_REPLY_ERROR && strncmp((*r)->str, "NOPERM", 6) == 0
             ? ST_NOPERM
             : ST_SERVER;
    freeReplyObject(*r);
    *r = NULL;
    return rc;
}

status nodes_is_cluster(struct conn *c, const char *who, bool *yes, char *err,
                        size_t errlen)
{
    redisReply *r = NULL;
    char v[16];
    status rc = nodes_info(c, "cluster", &r, who, err, errlen);

    if (rc != ST_OK)
        return rc;
    *yes = strcmp(info_get(r->str, "cluster_enabled", v, sizeof(v)), "1") == 0;
    freeReplyObject(r);
    return ST_OK;
}

/* Servers that keep one table per slot in cluster mode put the slot in the
 * cursor's low bits: Valkey 8 and later, Redis 7.4 and later. */
static enum cursor_layout layout_of(const char *server)
{
    char name[32], ver[32];
    int major = 0, minor = 0;

    info_get(server, "server_name", name, sizeof(name));
    if (strcmp(name, "valkey") == 0) {
        info_get(server, "valkey_version", ver, sizeof(ver));
        sscanf(ver, "%d.%d", &major, &minor);
        return major >= 8 ? LAYOUT_SLOTS : LAYOUT_BUCKETS;
    }
    info_get(server, "redis_version", ver, sizeof(ver));
    sscanf(ver, "%d.%d", &major, &minor);
    return major > 7 || (major == 7 && minor >= 4) ? LAYOUT_SLOTS
                                                   : LAYOUT_BUCKETS;
}

static uint64_t db0_keys(const char *keyspace)
{
    const char *p = strstr(keyspace, "db0:keys=");
    return p ? strtoull(p + 9, NULL, 10) : 0;
}

/* ---- nodes --------------------------------------------------------------- */

status nodes_endpoint(struct endpoint *out, const struct endpoint *ep,
                      const char *host, int port)
{
    *out = *ep;
    out->host = strdup(host);
    out->port = port;
    out->db = -1;
    return out->host ? ST_OK : ST_NOMEM;
}

void nodes_free(struct src_node *nodes, int n)
{
    for (int i = 0; nodes && i < n; i++)
        free(nodes[i].ep.host);
    free(nodes);
}

status nodes_single(const struct endpoint *ep, struct src_node **out, int *n)
{
    *out = calloc(1, sizeof(**out));
    if (!*out)
        return ST_NOMEM;
    *n = 1;
    if (nodes_endpoint(&(*out)[0].ep, ep, ep->host, ep->port) != ST_OK)
        return ST_NOMEM;
    (*out)[0].ep.db = ep->db;
    return ST_OK;
}

/* Opens a short connection to a node for set-up questions. */
static status open_node(struct conn **c, struct ioloop *loop,
                        const atomic_bool *stop, const struct endpoint *ep,
                        const char *role, bool readonly, char *err,
                        size_t errlen)
{
    struct conn_cfg cc = {
        .ep = ep,
        .role = role,
        .client_name = "redis-migrate-control",
        .readonly = readonly,
        .connect_timeout_ms = 5000,
        .reply_timeout_ms = 30000,
        .max_retries = 3,
        .max_request_bytes = 1u << 20,
        .stop = stop,
    };
    return conn_open(c, loop, &cc, NULL, NULL, err, errlen);
}

/* Key count and cursor layout of one source node. */
static status probe_node(struct src_node *n, struct ioloop *loop,
                         const atomic_bool *stop, bool readonly, char *err,
                         size_t errlen)
{
    struct conn *c = NULL;
    redisReply *r = NULL;
    char who[160];

    snprintf(who, sizeof(who), "source node %s:%d", n->ep.host, n->ep.port);
    status rc =
        open_node(&c, loop, stop, &n->ep, "source", readonly, err, errlen);
    if (rc == ST_OK)
        rc = nodes_info(c, "keyspace", &r, who, err, errlen);
    if (rc == ST_OK) {
        n->keys = db0_keys(r->str);
        freeReplyObject(r);
        r = NULL;
        rc = nodes_info(c, "server", &r, who, err, errlen);
    }
    if (rc == ST_OK) {
        n->layout = layout_of(r->str);
        freeReplyObject(r);
    }
    conn_close(c);
    return rc;
}

static int count_masters(const struct topology *t)
{
    int n = 0;
    for (int i = 0; i < t->n_nodes; i++)
        n += t->nodes[i].master_of < 0 && topology_owns_slots(t, i);
    return n;
}

/* Fills `out` with the node to read for each slot-owning master. */
static status pick_nodes(const struct topology *t, const struct endpoint *ep,
                         bool replicas, struct src_node *out, int *n, char *err,
                         size_t errlen)
{
    *n = 0;
    for (int i = 0; i < t->n_nodes; i++) {
        if (t->nodes[i].master_of >= 0 || !topology_owns_slots(t, i))
            continue;
        int pick = replicas ? topology_replica_of(t, i) : i;
        if (pick < 0) {
            snprintf(err, errlen,
                     "--read-from replica: master %s:%d of the source has "
                     "no replica; read from masters instead",
                     t->nodes[i].host, t->nodes[i].port);
            return ST_USAGE;
        }
        if (nodes_endpoint(&out[*n].ep, ep, t->nodes[pick].host,
                           t->nodes[pick].port) != ST_OK)
            return ST_NOMEM;
        (*n)++;
    }
    return ST_OK;
}

/* Reads a topology; a failure names the end. */
static status read_named(struct conn *c, const struct endpoint *ep,
                         const char *role, struct topology *t, char *err,
                         size_t errlen)
{
    char why[400];
    status rc = dest_read_topology(c, ep->host, ep->tls, t, why, sizeof(why));

    if (rc != ST_OK)
        snprintf(err, errlen, "%s %s:%d: %s", role, ep->host, ep->port, why);
    return rc;
}

status nodes_source(struct conn *c, const struct endpoint *ep, bool replicas,
                    struct ioloop *loop, const atomic_bool *stop,
                    struct src_node **out, int *n, char *err, size_t errlen)
{
    struct topology t = {0};
    status rc = read_named(c, ep, "source", &t, err, errlen);

    *out = NULL;
    *n = 0;
    if (rc == ST_OK && topology_unassigned(&t) > 0) {
        snprintf(err, errlen,
                 "the source cluster has %d slots without a master; fix the "
                 "cluster (CLUSTER INFO) before copying",
                 topology_unassigned(&t));
        rc = ST_USAGE;
    }
    if (rc == ST_OK) {
        *out = calloc((size_t)count_masters(&t) + 1, sizeof(**out));
        rc = *out ? pick_nodes(&t, ep, replicas, *out, n, err, errlen)
                  : ST_NOMEM;
    }
    for (int i = 0; rc == ST_OK && i < *n; i++)
        rc = probe_node(&(*out)[i], loop, stop, replicas, err, errlen);
    topology_free(&t);
    return rc;
}

status nodes_dest_topology(struct conn *c, const struct endpoint *ep,
                           struct topology **out, char *err, size_t errlen)
{
    struct topology *t = calloc(1, sizeof(*t));
    status rc = t ? read_named(c, ep, "destination", t, err, errlen) : ST_NOMEM;

    if (rc == ST_OK && topology_unassigned(t) > 0) {
        snprintf(err, errlen,
                 "the destination cluster has %d slots without a master; "
                 "fix the cluster (CLUSTER INFO) before copying",
                 topology_unassigned(t));
        rc = ST_USAGE;
    }
    if (rc != ST_OK && t) {
        topology_free(t);
        free(t);
        t = NULL;
    }
    *out = t;
    return rc;
}

status nodes_dest_keys(const struct topology *t, const struct endpoint *ep,
                       struct ioloop *loop, const atomic_bool *stop,
                       uint64_t *keys, char *err, size_t errlen)
{
    status rc = ST_OK;

    *keys = 0;
    for (int i = 0; i < t->n_nodes && rc == ST_OK; i++) {
        struct endpoint nep;
        struct conn *c = NULL;
        redisReply *r = NULL;

        if (t->nodes[i].master_of >= 0 || !topology_owns_slots(t, i))
            continue;
        rc = nodes_endpoint(&nep, ep, t->nodes[i].host, t->nodes[i].port);
        if (rc == ST_OK)
            rc = open_node(&c, loop, stop, &nep, "destination", false, err,
                           errlen);
        if (rc == ST_OK)
            rc = conn_callv(c, &r, "DBSIZE", NULL);
        if (rc == ST_OK && r->type == REDIS_REPLY_INTEGER)
            *keys += (uint64_t)r->integer;
        else if (rc == ST_OK) {
            snprintf(err, errlen,
                     "destination node %s:%d: DBSIZE refused: "
                     "%.200s; grant the user +dbsize",
                     nep.host, nep.port,
                     r->type == REDIS_REPLY_ERROR ? r->str
                                                  : "unexpected reply");
            rc = ST_NOPERM;
        } else if (c) {
            snprintf(err, errlen, "%s", conn_error_msg(c));
        }
        if (r)
            freeReplyObject(r);
        conn_close(c);
        free(nep.host);
    }
    return rc;
}
