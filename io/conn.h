/*
 * A pipelined connection to one Redis or Valkey server, driven by the
 * owning thread's ioloop.
 *
 * Requests are appended as RESP bytes and answered in order. Each request
 * carries a caller context and tag; its reply is handed to the owner's
 * callback, which then owns the hiredis reply object. Bytes of a request
 * are kept until its reply arrives, so that when the connection drops, it
 * reconnects with backoff, runs the handshake again (AUTH, SELECT, CLIENT
 * SETNAME, CLIENT NO-TOUCH) and resends every unanswered request in order;
 * the callback learns that a reply answers a resent request (CONN_RESENT),
 * so that a write that may have landed twice is accounted once.
 *
 * The connection keeps its first fatal error (status and message naming the
 * endpoint, never a secret); once set, every call returns it.
 *
 * Threads: a connection belongs to the thread that owns its loop.
 * TLS (OpenSSL over memory BIOs, io/tls.h) sits between the ring and the
 * reader inside this file; cluster routing sits above it (core/dest.h).
 */
#ifndef RM_CONN_H
#define RM_CONN_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hiredis/hiredis.h>

#include "../config/config.h"
#include "../core/status.h"
#include "ioloop.h"
#include "resp.h"

/* Flags handed to the reply callback. */
#define CONN_RESENT 0x1u /* the request was sent again after a reconnect */

typedef void (*conn_reply_fn)(void *owner, void *ctx, uint32_t tag,
                              unsigned flags, redisReply *reply);

struct conn_cfg {
    const struct endpoint *ep;
    const char *role;        /* "source" or "destination", for messages */
    const char *client_name; /* CLIENT SETNAME value, NULL for none */
    bool no_touch;          /* send CLIENT NO-TOUCH on when the server has it */
    int db;                 /* SELECT this database when > 0 */
    bool readonly;          /* send READONLY (reads from a cluster replica) */
    bool check_restart;     /* fail when a reconnect finds a restarted
                               server (a destination may have lost writes,
                               a source's SCAN cursors no longer hold) */
    int connect_timeout_ms; /* per attempt */
    int reply_timeout_ms;   /* no byte for this long with requests out:
                               the connection is treated as lost */
    int max_retries;        /* reconnect attempts before giving up */
    size_t max_request_bytes;      /* the largest single request */
    const atomic_bool *stop;       /* set: stop waiting and retrying */
    _Atomic uint64_t *reconnects;  /* counted here when not NULL */
    _Atomic uint64_t *tls_resumed; /* handshakes that resumed a session */
};

struct conn;

/*
 * Connects (blocking, bounded by the timeout), and queues the handshake,
 * which completes inside the loop ahead of any request. Owner callbacks get
 * every reply of a request appended with conn_append_done(). On failure *out
 * is NULL and `err` holds one line naming the endpoint and what failed.
 */
status conn_open(struct conn **out, struct ioloop *loop,
                 const struct conn_cfg *cfg, conn_reply_fn on_reply,
                 void *owner, char *err, size_t errlen);

/* Shuts the socket, waits for its ops, and frees. Each unanswered request
 * is handed to the callback with a NULL reply, so its owner can release
 * what the request held. */
void conn_close(struct conn *c);

/* The buffer to encode the next request into. Append one whole command,
 * then call conn_append_done(); on an encoding error, call
 * conn_append_abort() to drop the partial bytes. */
struct resp_buf *conn_buf(struct conn *c);
void conn_append_done(struct conn *c, void *ctx, uint32_t tag);
void conn_append_abort(struct conn *c);

/*
 * Requests appended between conn_unit_begin() and conn_unit_end() form a
 * unit (MULTI ... EXEC): after a reconnect, a unit whose first replies had
 * arrived is sent again whole, from its first request, and those replies
 * are delivered again (flagged CONN_RESENT). Units do not nest.
 */
void conn_unit_begin(struct conn *c);
void conn_unit_end(struct conn *c);

/* Hands queued bytes to the loop, and reconnects when the connection was
 * lost. Call once per loop iteration. Returns the sticky error, if any. */
status conn_service(struct conn *c);

/* The database a reconnect's handshake selects from now on; the caller
 * sends its own SELECT for the live connection. */
void conn_set_db(struct conn *c, int db);

/* Requests sent or queued and not answered yet. */
size_t conn_outstanding(const struct conn *c);

/* Whether the handshake has completed and the connection is usable. */
bool conn_ready(const struct conn *c);

/* The sticky error, ST_OK while none; conn_error_msg() its message. */
status conn_error(const struct conn *c);
const char *conn_error_msg(const struct conn *c);

/*
 * Sends one command and waits for its reply (for set-up and checks, with
 * nothing else outstanding on the connection). *reply is owned by the
 * caller. A server error reply is returned as a reply, not as a status.
 */
status conn_call(struct conn *c, redisReply **reply, int argc,
                 const char *const *argv, const size_t *lens);

/* conn_call() with a NUL-separated list of string arguments. */
status conn_callv(struct conn *c, redisReply **reply, const char *arg0, ...);

#endif
