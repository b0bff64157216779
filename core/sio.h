/*
 * The slow lane's requests: short synchronous pipelines to one source node
 * or to the destination master of one hash slot, for the keys that do not
 * go by DUMP and RESTORE (type-command copies, big keys read and written in
 * chunks) and for verify's comparisons.
 *
 * A `struct sio` belongs to one worker thread. It owns its own ioloop, one
 * connection per source node (opened on first use, with the same settings
 * as the worker's) and a destination router (core/dest.h), so nothing it
 * does touches the worker's pipelines. Each call blocks until every reply
 * of the pipeline is in, or a fatal error; the worker calls it between
 * services of its own loop.
 *
 * Use:
 *
 *     sio_begin(s, SIO_DST, slot, db);
 *     sio_cmdv(s, "HSET", tmp, f, v, NULL);   (or sio_buf + sio_push)
 *     rc = sio_send(s, &again);
 *     for i < sio_n(s): sio_reply(s, i) ...
 *
 * `again` asks the caller to build the work again from its start (for a
 * type-command copy: the temporary key from scratch): the destination
 * cluster redirected or refused the pipeline (MOVED, ASK, TRYAGAIN,
 * CLUSTERDOWN; the slot map is updated and a short wait done), or a
 * reconnect sent some of its requests twice. A source pipeline is only
 * read from, so it never asks.
 *
 * Replies belong to the sio until the next sio_begin(). Pipelines are kept
 * bounded by their callers (see SIO_MAX_ARGS and SIO_MAX_BYTES per command).
 */
#ifndef RM_SIO_H
#define RM_SIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hiredis/hiredis.h>

#include "../config/config.h"
#include "../io/conn.h"
#include "../io/resp.h"
#include "cluster.h"
#include "status.h"

/* Per command: ElastiCache Serverless refuses more than 3,999 arguments;
 * 8 MiB keeps one request well inside every server's limits. */
#define SIO_MAX_ARGS  3999
#define SIO_MAX_BYTES (8u << 20)

enum sio_end { SIO_SRC, SIO_DST };

struct sio_cfg {
    const struct endpoint *src_nodes; /* the run's source nodes */
    int n_src_nodes;
    struct conn_cfg src;             /* settings; .ep is set per node */
    const struct endpoint *dst_seed; /* NULL: no destination (dry run) */
    const struct topology *dst_topo; /* NULL: a standalone destination */
    struct conn_cfg dst;
    bool force_poll;
    /* --max-ops: called with a source pipeline's request count before it
     * is sent; returns when the budget allows it. NULL: no limit. */
    void (*pace)(void *arg, size_t requests);
    void *pace_arg;
};

struct sio;

/* Makes the loop and opens the destination (standalone: connects now).
 * On failure *out is NULL and `err` says what failed. */
status sio_open(struct sio **out, const struct sio_cfg *cfg, char *err,
                size_t errlen);
void sio_free(struct sio *s);

/*
 * Starts a pipeline. SIO_SRC: to source node `where` (an index into the
 * run's source nodes). SIO_DST: to the destination master of slot `where`
 * (any value on a standalone destination). `db` is SELECTed first when the
 * connection is on another database (never on a cluster). Drops the
 * previous pipeline's replies.
 */
void sio_begin(struct sio *s, enum sio_end end, int where, int db);

/* Appends one command: argv/lens as resp_command(); sio_cmdv() takes
 * NUL-terminated strings ending with NULL. ST_NOMEM when it does not fit. */
status sio_cmd(struct sio *s, int argc, const char *const *argv,
               const size_t *lens);
status sio_cmdv(struct sio *s, const char *arg0, ...);

/* Or encode a command into sio_buf() yourself (resp_begin, resp_arg...),
 * then sio_push() it, or sio_drop() the partial bytes after an error. */
struct resp_buf *sio_buf(struct sio *s);
void sio_push(struct sio *s);
void sio_drop(struct sio *s);

/*
 * Sends the pipeline and waits for all its replies. ST_OK when every reply
 * came back (server errors are replies: check them); else the fatal status,
 * with sio_error() naming the endpoint: a connection lost beyond its
 * retries, a stop request (ST_INTERRUPTED). See the file comment for
 * `again`; when it is set the replies are not to be used.
 */
status sio_send(struct sio *s, bool *again);

size_t sio_n(const struct sio *s);
const redisReply *sio_reply(const struct sio *s, size_t i);
const char *sio_error(const struct sio *s);

/* The destination node that serves `slot` (0 when standalone, -1 when no
 * master is known): keys of one node can share a pipeline. */
int sio_dst_node(const struct sio *s, uint16_t slot);

/* "host:port" of the node the last pipeline went to, for messages. */
const char *sio_node_name(struct sio *s);

#endif
