/*
 * Cluster topology parsing and key slots. See cluster.h.
 */
#include "cluster.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- slots --------------------------------------------------------------- */

/* CRC16-CCITT (XModem): polynomial 0x1021, initial value 0, as the cluster
 * specification defines the key slot. */
static uint16_t crc16(const char *buf, size_t len)
{
    uint16_t crc = 0;

    for (size_t i = 0; i < len; i++) {
        crc ^= (uint16_t)((uint8_t)buf[i] << 8);
        for (int b = 0; b < 8; b++)
            crc = (uint16_t)((crc & 0x8000) ? (crc << 1) ^ 0x1021 : crc << 1);
    }
    return crc;
}

uint16_t cluster_slot(const char *key, size_t len)
{
    const char *open = memchr(key, '{', len);

    if (open) {
        size_t rest = len - (size_t)(open - key) - 1;
        const char *close = memchr(open + 1, '}', rest);
        if (close && close > open + 1)
            return crc16(open + 1, (size_t)(close - open - 1)) &
                   (CLUSTER_SLOTS - 1);
    }
    return crc16(key, len) & (CLUSTER_SLOTS - 1);
}

/* ---- nodes --------------------------------------------------------------- */

void topology_free(struct topology *t)
{
    for (int i = 0; i < t->n_nodes; i++)
        free(t->nodes[i].host);
    free(t->nodes);
    t->nodes = NULL;
    t->n_nodes = 0;
}

int topology_find(const struct topology *t, const char *host, int port)
{
    for (int i = 0; i < t->n_nodes; i++)
        if (t->nodes[i].port == port && strcmp(t->nodes[i].host, host) == 0)
            return i;
    return -1;
}

static int add_node(struct topology *t, const char *host, size_t hlen, int port,
                    const char *id, size_t idlen, int master_of)
{
    struct cluster_node *n =
        realloc(t->nodes, (size_t)(t->n_nodes + 1) * sizeof(*n));
    if (!n)
        return -1;
    t->nodes = n;
    n = &t->nodes[t->n_nodes];
    memset(n, 0, sizeof(*n));
    n->host = strndup(host, hlen);
    if (!n->host)
        return -1;
    n->port = port;
    n->master_of = master_of;
    if (idlen >= sizeof(n->id))
        idlen = sizeof(n->id) - 1;
    memcpy(n->id, id, idlen);
    return t->n_nodes++;
}

int topology_add(struct topology *t, const char *host, int port)
{
    int i = topology_find(t, host, port);
    return i >= 0 ? i : add_node(t, host, strlen(host), port, "", 0, -1);
}

int topology_unassigned(const struct topology *t)
{
    int n = 0;
    for (int s = 0; s < CLUSTER_SLOTS; s++)
        n += t->slot_master[s] < 0;
    return n;
}

bool topology_owns_slots(const struct topology *t, int i)
{
    for (int s = 0; s < CLUSTER_SLOTS; s++)
        if (t->slot_master[s] == i)
            return true;
    return false;
}

int topology_replica_of(const struct topology *t, int m)
{
    for (int i = 0; i < t->n_nodes; i++)
        if (t->nodes[i].master_of == m)
            return i;
    return -1;
}

static void clear_slots(struct topology *t)
{
    for (int s = 0; s < CLUSTER_SLOTS; s++)
        t->slot_master[s] = -1;
}

static status bad_reply(char *err, size_t errlen, const char *cmd,
                        const char *what)
{
    snprintf(err, errlen, "%s: unexpected reply (%s)", cmd, what);
    return ST_PROTOCOL;
}

static bool is_str(const redisReply *r)
{
    return r &&
           (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS);
}

static bool is_list(const redisReply *r)
{
    return r && r->type == REDIS_REPLY_ARRAY;
}

static long long int_of(const redisReply *r)
{
    if (!r)
        return -1;
    if (r->type == REDIS_REPLY_INTEGER)
        return r->integer;
    if (is_str(r))
        return strtoll(r->str, NULL, 10);
    return -1;
}

/* A field of a map reply (in RESP2, a flat key/value array). */
static const redisReply *field(const redisReply *map, const char *name)
{
    if (!is_list(map))
        return NULL;
    for (size_t i = 0; i + 1 < map->elements; i += 2)
        if (is_str(map->element[i]) && strcmp(map->element[i]->str, name) == 0)
            return map->element[i + 1];
    return NULL;
}

/* A usable name: not empty and not "?" (unknown endpoint). */
static bool usable(const redisReply *r)
{
    return is_str(r) && r->len > 0 && strcmp(r->str, "?") != 0;
}

/* ---- CLUSTER SHARDS -------------------------------------------------------
 */

/* One node of a shard; returns its index, -1 when skipped (failed, or no
 * address), -2 on a memory failure. */
static int shard_node(struct topology *t, const redisReply *n, bool tls,
                      int master_of)
{
    const redisReply *role = field(n, "role");
    const redisReply *health = field(n, "health");
    const redisReply *host = field(n, "hostname");
    const redisReply *id = field(n, "id");
    long long port = -1;

    /* "failed" in the documentation; the servers send "fail". */
    if (health && is_str(health) && strncmp(health->str, "fail", 4) == 0)
        return -1;
    if (!usable(host))
        host = field(n, "endpoint");
    if (!usable(host))
        host = field(n, "ip");
    if (tls && field(n, "tls-port"))
        port = int_of(field(n, "tls-port"));
    if (port <= 0)
        port = int_of(field(n, "port"));
    if (port <= 0 || port > 65535)
        return -1;
    /* No address: the node that answered (a one-node cluster does not
     * know its own); left empty for the caller to fill in. */
    const char *h = usable(host) ? host->str : "";
    size_t hlen = usable(host) ? host->len : 0;
    bool master = role && is_str(role) && strcmp(role->str, "master") == 0;
    if (master != (master_of < 0))
        return -1;
    int i = add_node(t, h, hlen, (int)port, is_str(id) ? id->str : "",
                     is_str(id) ? id->len : 0, master_of);
    return i < 0 ? -2 : i;
}

static status shard(struct topology *t, const redisReply *s, bool tls)
{
    const redisReply *slots = field(s, "slots");
    const redisReply *nodes = field(s, "nodes");
    int m = -1;

    if (!is_list(slots) || !is_list(nodes) || slots->elements % 2 != 0)
        return ST_PROTOCOL;
    /* The master first, then its replicas. */
    for (size_t i = 0; i < nodes->elements && m < 0; i++) {
        m = shard_node(t, nodes->element[i], tls, -1);
        if (m == -2)
            return ST_NOMEM;
    }
    if (m < 0)
        return ST_OK; /* a shard whose master failed: no slots served */
    for (size_t i = 0; i < nodes->elements; i++)
        if (shard_node(t, nodes->element[i], tls, m) == -2)
            return ST_NOMEM;
    for (size_t i = 0; i + 1 < slots->elements; i += 2) {
        long long lo = int_of(slots->element[i]);
        long long hi = int_of(slots->element[i + 1]);
        if (lo < 0 || hi >= CLUSTER_SLOTS || lo > hi)
            return ST_PROTOCOL;
        for (long long x = lo; x <= hi; x++)
            t->slot_master[x] = (int16_t)m;
    }
    return ST_OK;
}

status topology_from_shards(struct topology *t, const redisReply *r, bool tls,
                            char *err, size_t errlen)
{
    clear_slots(t);
    if (!r || r->type != REDIS_REPLY_ARRAY)
        return bad_reply(err, errlen, "CLUSTER SHARDS", "not an array");
    for (size_t i = 0; i < r->elements; i++) {
        status rc = shard(t, r->element[i], tls);
        if (rc == ST_NOMEM) {
            snprintf(err, errlen, "out of memory reading the cluster layout");
            return rc;
        }
        if (rc != ST_OK)
            return bad_reply(err, errlen, "CLUSTER SHARDS", "a shard");
    }
    return ST_OK;
}

/* ---- CLUSTER SLOTS --------------------------------------------------------
 */

/* One node entry: [endpoint, port, id, {hostname: ..., ip: ...}]. */
static int slots_node(struct topology *t, const redisReply *n, int master_of)
{
    if (!is_list(n) || n->elements < 2)
        return -1;
    const redisReply *meta = n->elements > 3 ? n->element[3] : NULL;
    const redisReply *host = field(meta, "hostname");
    const redisReply *id = n->elements > 2 ? n->element[2] : NULL;
    long long port = int_of(n->element[1]);

    if (!usable(host))
        host = n->element[0];
    if (!usable(host))
        host = field(meta, "ip");
    if (port <= 0 || port > 65535)
        return -1;
    const char *h = usable(host) ? host->str : ""; /* see shard_node() */
    size_t hlen = usable(host) ? host->len : 0;
    int i = topology_find(t, h, (int)port);
    if (i >= 0)
        return i;
    i = add_node(t, h, hlen, (int)port, is_str(id) ? id->str : "",
                 is_str(id) ? id->len : 0, master_of);
    return i < 0 ? -2 : i;
}

status topology_from_slots(struct topology *t, const redisReply *r, char *err,
                           size_t errlen)
{
    clear_slots(t);
    if (!r || r->type != REDIS_REPLY_ARRAY)
        return bad_reply(err, errlen, "CLUSTER SLOTS", "not an array");
    for (size_t i = 0; i < r->elements; i++) {
        const redisReply *e = r->element[i];
        if (!is_list(e) || e->elements < 3)
            return bad_reply(err, errlen, "CLUSTER SLOTS", "a slot range");
        long long lo = int_of(e->element[0]), hi = int_of(e->element[1]);
        if (lo < 0 || hi >= CLUSTER_SLOTS || lo > hi)
            return bad_reply(err, errlen, "CLUSTER SLOTS", "slot numbers");
        int m = slots_node(t, e->element[2], -1);
        if (m == -2)
            goto nomem;
        if (m < 0)
            continue;
        for (size_t j = 3; j < e->elements; j++)
            if (slots_node(t, e->element[j], m) == -2)
                goto nomem;
        for (long long x = lo; x <= hi; x++)
            t->slot_master[x] = (int16_t)m;
    }
    return ST_OK;
nomem:
    snprintf(err, errlen, "out of memory reading the cluster layout");
    return ST_NOMEM;
}
