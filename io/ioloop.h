/*
 * The per-thread event loop: io_uring where the kernel allows it, poll(2)
 * otherwise, with one interface so the connection code above does not know
 * which one runs. Every socket read and write of a worker goes through here.
 *
 * A loop belongs to one thread; ops are embedded in their owner (a
 * connection), at most one op of each kind per fd is outstanding, and the
 * owner's memory (op and buffer) must stay put until `done` has been called.
 * To abandon a socket, shutdown(2) it and wait for its ops to complete.
 */
#ifndef RM_IOLOOP_H
#define RM_IOLOOP_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/status.h"

enum io_kind { IO_RECV, IO_SEND };

struct io_op {
    /* Called from ioloop_wait() with bytes moved (0 on EOF for a recv) or
     * a negative errno. */
    void (*done)(struct io_op *op, int res);
    int fd;
    enum io_kind kind;
    void *buf;
    size_t len;
    bool pending; /* set by ioloop_submit, cleared before done() */
};

struct ioloop;

/*
 * Creates a loop for up to `max_ops` outstanding ops. With `force_poll`, or
 * when io_uring_queue_init is refused, the poll backend is used; in the
 * latter case `why` gets the reason (the caller says so once). ST_NOMEM.
 */
status ioloop_new(struct ioloop **out, int max_ops, bool force_poll, char *why,
                  size_t whylen);
void ioloop_free(struct ioloop *l);

/* Whether this loop runs on io_uring. */
bool ioloop_uses_uring(const struct ioloop *l);

/* Queues `op`; it is handed to the kernel at the next ioloop_wait(). */
status ioloop_submit(struct ioloop *l, struct io_op *op);

/*
 * Hands queued ops to the kernel, waits up to `timeout_ms` for at least one
 * completion (0: do not wait), and calls `done` for every completion
 * available. Returns ST_OK also when it timed out; ST_IO on a loop failure.
 */
status ioloop_wait(struct ioloop *l, int timeout_ms);

#endif
