/*
 * Cluster topology: which node holds which of the 16,384 hash slots, read
 * from CLUSTER SHARDS (Redis 7.0 and later, Valkey) or CLUSTER SLOTS (older
 * servers), and the slot of a key (CRC16 of the key, or of its hash tag).
 *
 * Nodes are named by the host name the cluster announces where it gives one
 * (TLS certificates name hosts, not addresses), else by its preferred
 * endpoint, else by IP; a node the reply gives no address for (a one-node
 * cluster) gets an empty host, meaning the node that answered. Failed
 * nodes are left out.
 *
 * The parsers take a hiredis reply so that recorded replies can be tested
 * without a server. Pure functions and plain data; any thread, one owner.
 */
#ifndef RM_CLUSTER_H
#define RM_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hiredis/hiredis.h>

#include "status.h"

#define CLUSTER_SLOTS 16384

struct cluster_node {
    char *host; /* owned */
    int port;
    char id[41];   /* node ID, "" when the reply gave none */
    int master_of; /* a replica: index of its master; a master: -1 */
};

struct topology {
    struct cluster_node *nodes;
    int n_nodes;
    int16_t slot_master[CLUSTER_SLOTS]; /* index into nodes, -1: unassigned */
};

/* The hash slot of a key: CRC16 of the part between the first { and the
 * next } when that part is not empty, else of the whole key. */
uint16_t cluster_slot(const char *key, size_t len);

/*
 * Reads a CLUSTER SHARDS reply into `t` (which must be zeroed or freed).
 * `tls`: the connection is TLS, so a node's tls-port is used where given.
 * ST_PROTOCOL with a message when the reply is not the expected shape.
 */
status topology_from_shards(struct topology *t, const redisReply *r, bool tls,
                            char *err, size_t errlen);

/* The same for a CLUSTER SLOTS reply (which names the port the client's
 * connection kind uses). */
status topology_from_slots(struct topology *t, const redisReply *r, char *err,
                           size_t errlen);

void topology_free(struct topology *t);

/* Index of the node at host:port, or -1. */
int topology_find(const struct topology *t, const char *host, int port);

/* Adds a master at host:port if unknown; returns its index or -1 (memory). */
int topology_add(struct topology *t, const char *host, int port);

/* Number of slots without a master. */
int topology_unassigned(const struct topology *t);

/* Whether node `i` is a master that owns at least one slot. */
bool topology_owns_slots(const struct topology *t, int i);

/* A replica of master `m` (the first listed), or -1. */
int topology_replica_of(const struct topology *t, int m);

#endif
