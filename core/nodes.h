/*
 * The nodes behind each end of a run, found before any worker starts: a
 * standalone server is one node; a cluster source is read from every master
 * (or, with --read-from replica, from one replica of each), each with its
 * own key count and SCAN cursor layout; a cluster destination is its
 * topology, handed to every worker's router (dest.h).
 *
 * Main thread only. Connections opened here are closed before returning;
 * `stop`, when set (by a signal), cuts their waits short.
 */
#ifndef RM_NODES_H
#define RM_NODES_H

#include <stdbool.h>
#include <stdint.h>

#include "../config/config.h"
#include "../io/conn.h"
#include "cluster.h"
#include "ranges.h"
#include "status.h"

struct src_node {
    struct endpoint ep; /* the source's settings, this node's address */
    uint64_t keys;      /* in database 0 */
    enum cursor_layout layout;
};

/* INFO `section` as a string reply; a refusal is an error naming `who`
 * ("source 127.0.0.1:6379") and the grant that fixes it. */
status nodes_info(struct conn *c, const char *section, redisReply **r,
                  const char *who, char *err, size_t errlen);

/* Whether the server behind `c` runs in cluster mode; `who` names it in
 * messages ("source 127.0.0.1:6379"). */
status nodes_is_cluster(struct conn *c, const char *who, bool *yes, char *err,
                        size_t errlen);

/*
 * The source nodes of a cluster, read through `c` (a connection to the
 * seed `ep`): masters that own slots, or one replica of each when
 * `replicas`. Opens a short connection to each for its key count and
 * server version.
 */
status nodes_source(struct conn *c, const struct endpoint *ep, bool replicas,
                    struct ioloop *loop, const atomic_bool *stop,
                    struct src_node **out, int *n, char *err, size_t errlen);

/* A standalone source as a single node. */
status nodes_single(const struct endpoint *ep, struct src_node **out, int *n);

void nodes_free(struct src_node *nodes, int n);

/* A cluster destination's topology (every slot must have a master). */
status nodes_dest_topology(struct conn *c, const struct endpoint *ep,
                           struct topology **out, char *err, size_t errlen);

/* Keys held by the masters of a cluster destination. */
status nodes_dest_keys(const struct topology *t, const struct endpoint *ep,
                       struct ioloop *loop, const atomic_bool *stop,
                       uint64_t *keys, char *err, size_t errlen);

/* A cluster node's endpoint: `ep`'s settings with host:port; host owned. */
status nodes_endpoint(struct endpoint *out, const struct endpoint *ep,
                      const char *host, int port);

#endif
