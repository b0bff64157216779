/*
 * Two backends behind ioloop.h:
 *
 *   uring: each op is one SQE (IORING_OP_RECV / IORING_OP_SEND) whose
 *          user_data is the op; ioloop_wait submits and reaps in one call.
 *   poll:  the outstanding ops are kept in an array; ioloop_wait polls their
 *          fds and does the non-blocking recv/send itself, so an op
 *          completes with the same result the ring would have given.
 *
 * Sockets are non-blocking in both cases. A loop is used by one thread only.
 */
#include "ioloop.h"

#include <errno.h>
#include <liburing.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

struct ioloop {
    bool uring;
    struct io_uring ring;
    unsigned queued; /* SQEs prepared since the last submit */

    /* poll backend */
    struct io_op **ops;
    struct pollfd *pfds;
    struct io_op **done; /* completions of one poll round */
    int *res;
    int n_ops;
    int max_ops;
};

status ioloop_new(struct ioloop **out, int max_ops, bool force_poll, char *why,
                  size_t whylen)
{
    status rc = ST_NOMEM;
    struct ioloop *l = calloc(1, sizeof(*l));

    *out = NULL;
    if (why && whylen)
        why[0] = '\0';
    if (!l)
        goto out;
    l->max_ops = max_ops;

    if (!force_poll) {
        unsigned entries = 8;
        while ((int)entries < max_ops * 2)
            entries *= 2;
        int err = io_uring_queue_init(entries, &l->ring, 0);
        if (err == 0) {
            l->uring = true;
            *out = l;
            return ST_OK;
        }
        if (why && whylen)
            snprintf(why, whylen, "io_uring_queue_init refused: %s",
                     strerror(-err));
    }

    l->ops = calloc((size_t)max_ops, sizeof(*l->ops));
    l->pfds = calloc((size_t)max_ops, sizeof(*l->pfds));
    l->done = calloc((size_t)max_ops, sizeof(*l->done));
    l->res = calloc((size_t)max_ops, sizeof(*l->res));
    if (!l->ops || !l->pfds || !l->done || !l->res)
        goto out;
    *out = l;
    return ST_OK;

out:
    ioloop_free(l);
    return rc;
}

void ioloop_free(struct ioloop *l)
{
    if (!l)
        return;
    if (l->uring)
        io_uring_queue_exit(&l->ring);
    free(l->ops);
    free(l->pfds);
    free(l->done);
    free(l->res);
    free(l);
}

bool ioloop_uses_uring(const struct ioloop *l)
{
    return l->uring;
}

/* ---- io_uring backend ------------------------------------------------ */

static status uring_submit(struct ioloop *l, struct io_op *op)
{
    struct io_uring_sqe *sqe = io_uring_get_sqe(&l->ring);

    if (!sqe) {
        /* The submission queue is full: hand it to the kernel first. */
        int n = io_uring_submit(&l->ring);
        if (n < 0)
            return ST_IO;
        l->queued = 0;
        sqe = io_uring_get_sqe(&l->ring);
        if (!sqe)
            return ST_NOMEM;
    }

    if (op->kind == IO_RECV)
        io_uring_prep_recv(sqe, op->fd, op->buf, op->len, 0);
    else
        io_uring_prep_send(sqe, op->fd, op->buf, op->len, MSG_NOSIGNAL);
    io_uring_sqe_set_data(sqe, op);
    l->queued++;
    return ST_OK;
}

static status uring_wait(struct ioloop *l, int timeout_ms)
{
    struct io_uring_cqe *cqe = NULL;
    struct __kernel_timespec ts = {
        .tv_sec = timeout_ms / 1000,
        .tv_nsec = (long long)(timeout_ms % 1000) * 1000000,
    };
    int err;

    if (timeout_ms > 0)
        err = io_uring_submit_and_wait_timeout(&l->ring, &cqe, 1, &ts, NULL);
    else
        err = io_uring_submit(&l->ring);
    l->queued = 0;
    if (err < 0 && err != -ETIME && err != -EINTR && err != -EAGAIN &&
        err != -EBUSY)
        return ST_IO;

    unsigned head, seen = 0;
    io_uring_for_each_cqe(&l->ring, head, cqe)
    {
        struct io_op *op = io_uring_cqe_get_data(cqe);
        int res = cqe->res;

        seen++;
        /* Mark the CQE consumed before the callback, which may queue new
         * SQEs; op memory is ours again from here. */
        op->pending = false;
        op->done(op, res);
    }
    io_uring_cq_advance(&l->ring, seen);
    return ST_OK;
}

/* ---- poll backend ---------------------------------------------------- */

static status poll_submit(struct ioloop *l, struct io_op *op)
{
    if (l->n_ops >= l->max_ops)
        return ST_NOMEM;
    l->ops[l->n_ops++] = op;
    return ST_OK;
}

/* Tries the op once; returns false when it would block. */
static bool poll_try(struct io_op *op, int *res)
{
    ssize_t n;

    if (op->kind == IO_RECV)
        n = recv(op->fd, op->buf, op->len, MSG_DONTWAIT);
    else
        n = send(op->fd, op->buf, op->len, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return false;
    *res = n < 0 ? -errno : (int)n;
    return true;
}

static status poll_wait(struct ioloop *l, int timeout_ms)
{
    int n = l->n_ops;

    for (int i = 0; i < n; i++) {
        l->pfds[i].fd = l->ops[i]->fd;
        l->pfds[i].events = l->ops[i]->kind == IO_RECV ? POLLIN : POLLOUT;
        l->pfds[i].revents = 0;
    }
    if (poll(l->pfds, (nfds_t)n, timeout_ms) < 0 && errno != EINTR)
        return ST_IO;

    /* Collect the finished ops first: their callbacks may submit more. */
    struct io_op **done = l->done;
    int *res = l->res;
    int n_done = 0, kept = 0;

    for (int i = 0; i < n; i++) {
        struct io_op *op = l->ops[i];
        int r;
        if (l->pfds[i].revents && poll_try(op, &r)) {
            done[n_done] = op;
            res[n_done++] = r;
        } else {
            l->ops[kept++] = op;
        }
    }
    /* Ops submitted while we polled sit after index n. */
    for (int i = n; i < l->n_ops; i++)
        l->ops[kept++] = l->ops[i];
    l->n_ops = kept;

    for (int i = 0; i < n_done; i++) {
        done[i]->pending = false;
        done[i]->done(done[i], res[i]);
    }
    return ST_OK;
}

/* ---- public ---------------------------------------------------------- */

status ioloop_submit(struct ioloop *l, struct io_op *op)
{
    op->pending = true;
    status rc = l->uring ? uring_submit(l, op) : poll_submit(l, op);
    if (rc != ST_OK)
        op->pending = false;
    return rc;
}

status ioloop_wait(struct ioloop *l, int timeout_ms)
{
    return l->uring ? uring_wait(l, timeout_ms) : poll_wait(l, timeout_ms);
}
