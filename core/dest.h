/*
 * Where a worker writes: one destination server, or the masters of a
 * destination cluster, each key to the master of its hash slot.
 *
 * A worker owns one `struct dest`. Standalone, it is one connection, opened
 * at once. A cluster starts from the topology the main thread read; a
 * node's connection opens on first use, with the endpoint's user, password
 * and TLS settings and the node's announced host name. MOVED updates the
 * slot map (dest_set_slot); a node that cannot be reached is dropped and
 * the topology read again (dest_refresh) until every slot has a master that
 * answers. Nothing here logs or counts keys; the worker decides what to do
 * with the requests a dropped connection hands back.
 *
 * Never SELECT on a cluster: connections to cluster nodes use database 0.
 */
#ifndef RM_DEST_H
#define RM_DEST_H

#include <stdbool.h>
#include <stdint.h>

#include "../io/conn.h"
#include "cluster.h"
#include "status.h"

struct dest;

struct dest_cfg {
    const struct endpoint *seed; /* what the user gave */
    const struct topology *topo; /* NULL: a standalone server */
    struct conn_cfg conn;        /* settings for each node's connection */
    struct ioloop *loop;
    conn_reply_fn on_reply;
    void *owner;
};

/* Standalone: connects now. ST_* and `err` on failure. */
status dest_new(struct dest **out, const struct dest_cfg *cfg, char *err,
                size_t errlen);

/* Closes every connection (unanswered requests come back with NULL
 * replies) and frees. */
void dest_free(struct dest *d);

bool dest_is_cluster(const struct dest *d);

/* Reads a cluster's topology over `c`, a connection to `host` (CLUSTER
 * SHARDS, else CLUSTER SLOTS); `tls` chooses the ports of a TLS cluster. */
status dest_read_topology(struct conn *c, const char *host, bool tls,
                          struct topology *t, char *err, size_t errlen);

/* The node that serves `slot` (0 when standalone). */
int dest_node_of_slot(const struct dest *d, uint16_t slot);

/* The connection to node `node`, opened on first use. */
status dest_conn(struct dest *d, int node, struct conn **out, char *err,
                 size_t errlen);

/* The node at host:port, added when new; -1 when out of memory. */
int dest_node_at(struct dest *d, const char *host, int port);

/* MOVED: `slot` lives on `node` now. */
void dest_set_slot(struct dest *d, uint16_t slot, int node);

/* "host:port" of a node, for messages. */
const char *dest_node_name(const struct dest *d, int node);

/* Requests in flight over every connection. */
size_t dest_outstanding(const struct dest *d);

/*
 * Services every open connection. When one has failed for good, returns its
 * status with *failed set to its node (the caller decides: a cluster
 * refreshes, a standalone run stops); else ST_OK and *failed = -1.
 */
status dest_service(struct dest *d, int *failed);

/*
 * After node `failed` could not be reached: closes its connection, then
 * reads the topology from the other nodes until every slot has a master
 * other than the failed one, or `timeout_ms` passes (ST_TIMEOUT). On
 * success `lost[s]` is set for each slot the failed node served.
 */
status dest_refresh(struct dest *d, int failed, uint8_t *lost, int timeout_ms,
                    char *err, size_t errlen);

#endif
