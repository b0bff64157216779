/*
 * Connection internals.
 *
 * Output bytes live in two buffers:
 *
 *   wbuf  [0 .. ack)   answered, dropped at the next compaction
 *         [ack .. sent) handed to the kernel, waiting for replies
 *         [sent .. len) queued, not sent yet
 *   next  bytes appended while a send is in flight; wbuf must not move
 *         then (the kernel reads it), so they are merged after the send.
 *
 * `reqs` is a FIFO of the unanswered requests with their byte sizes, so a
 * reply moves `ack` forward and a reconnect rewinds `sent` to `ack`.
 *
 * The handshake has its own small buffer, sent before wbuf after every
 * (re)connect; its replies are checked here and never reach the owner.
 *
 * State changes: CONNECTING -> HANDSHAKE -> READY -> BROKEN -> (reconnect)
 * HANDSHAKE ... or FAILED, which is final and keeps the first error.
 */
#include "conn.h"
#include "tls.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#define CONN_RBUF_SIZE (256 * 1024)
#define CONN_HS_MAX    8
#define CONN_TAG_SYNC  0xffffffffu

enum conn_state { CS_TLS, CS_HANDSHAKE, CS_READY, CS_BROKEN, CS_FAILED };

enum hs_kind {
    HS_AUTH,
    HS_SELECT,
    HS_SETNAME,
    HS_NOTOUCH,
    HS_READONLY,
    HS_RUN_ID,
};

/* A request of a unit (conn_unit_begin/end) that is not its last. */
#define UNIT_MEMBER 1
#define UNIT_LAST   2

struct req {
    void *ctx;
    uint32_t tag;
    unsigned flags;
    unsigned unit; /* 0, UNIT_MEMBER or UNIT_LAST */
    size_t size;
};

struct conn {
    struct conn_cfg cfg;
    char where[160]; /* "source 127.0.0.1:6379", no secret */
    char run_id[48]; /* the server's, from the first handshake */
    struct ioloop *loop;
    conn_reply_fn on_reply;
    void *owner;
    int fd;
    enum conn_state state;

    struct resp_buf wbuf, next, hs;
    size_t ack, sent;
    size_t append_mark; /* start of the request being appended */
    struct io_op send_op, recv_op;
    bool sending_hs;
    size_t hs_sent;
    enum hs_kind hs_kinds[CONN_HS_MAX];
    int hs_count, hs_done;

    struct req *reqs; /* ring */
    size_t reqs_cap, reqs_head, reqs_n;

    /* An open unit (MULTI ... EXEC): its answered requests stay sent but
     * unacknowledged, so that a reconnect sends the whole unit again. */
    bool in_unit;
    struct req *unit_done;
    size_t unit_n, unit_cap, unit_bytes;

    redisReader *reader;
    char *rbuf;

    /* TLS only: the session, decrypted bytes, and ciphertext on its way
     * out (the kernel reads tls_out while a send is in flight). */
    struct tls *tls;
    char *pbuf;
    struct resp_buf tls_out;
    size_t tls_out_off;
    struct timespec last_rx; /* last byte received, or when a request
                                went out onto an idle connection */
    int lost_in_a_row;       /* reconnects since the last answered request */

    redisReply *sync_reply;
    bool sync_done;

    status err;
    char errmsg[512];
};

/* ---- small helpers ----------------------------------------------------- */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool stopping(const struct conn *c)
{
    return c->cfg.stop && atomic_load(c->cfg.stop);
}

/* Records the first fatal error; the connection is unusable after it. */
static status conn_fail(struct conn *c, status rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static status conn_fail(struct conn *c, status rc, const char *fmt, ...)
{
    va_list ap;

    if (c->err != ST_OK)
        return c->err;
    c->err = rc;
    c->state = CS_FAILED;
    int n = snprintf(c->errmsg, sizeof(c->errmsg), "%s: ", c->where);
    va_start(ap, fmt);
    vsnprintf(c->errmsg + n, sizeof(c->errmsg) - (size_t)n, fmt, ap);
    va_end(ap);
    return rc;
}

static status reqs_reserve(struct conn *c, size_t extra)
{
    if (c->reqs_n + extra > c->reqs_cap) {
        size_t cap = c->reqs_cap ? c->reqs_cap * 2 : 256;
        while (cap < c->reqs_n + extra)
            cap *= 2;
        struct req *p = malloc(cap * sizeof(*p));
        if (!p)
            return ST_NOMEM;
        for (size_t i = 0; i < c->reqs_n; i++)
            p[i] = c->reqs[(c->reqs_head + i) % c->reqs_cap];
        free(c->reqs);
        c->reqs = p;
        c->reqs_cap = cap;
        c->reqs_head = 0;
    }
    return ST_OK;
}

static status reqs_push(struct conn *c, struct req r)
{
    if (reqs_reserve(c, 1) != ST_OK)
        return ST_NOMEM;
    c->reqs[(c->reqs_head + c->reqs_n) % c->reqs_cap] = r;
    c->reqs_n++;
    return ST_OK;
}

/* Keeps an answered member of an open unit until its last one answers. */
static status unit_keep(struct conn *c, struct req q)
{
    if (c->unit_n == c->unit_cap) {
        size_t cap = c->unit_cap ? c->unit_cap * 2 : 64;
        struct req *p = realloc(c->unit_done, cap * sizeof(*p));
        if (!p)
            return ST_NOMEM;
        c->unit_done = p;
        c->unit_cap = cap;
    }
    c->unit_done[c->unit_n++] = q;
    c->unit_bytes += q.size;
    return ST_OK;
}

/* After a reconnect: the answered members of the open unit go back in
 * front of the queue, to be sent and answered again. */
static status unit_requeue(struct conn *c)
{
    if (c->unit_n == 0)
        return ST_OK;
    if (reqs_reserve(c, c->unit_n) != ST_OK)
        return ST_NOMEM;
    for (size_t i = c->unit_n; i-- > 0;) {
        c->reqs_head = (c->reqs_head + c->reqs_cap - 1) % c->reqs_cap;
        c->reqs[c->reqs_head] = c->unit_done[i];
        c->reqs_n++;
    }
    c->unit_n = 0;
    c->unit_bytes = 0;
    return ST_OK;
}

static struct req reqs_pop(struct conn *c)
{
    struct req r = c->reqs[c->reqs_head];
    c->reqs_head = (c->reqs_head + 1) % c->reqs_cap;
    c->reqs_n--;
    return r;
}

/* ---- connecting -------------------------------------------------------- */

/* Waits for a non-blocking connect in slices, so a stop request is seen. */
static status wait_connected(struct conn *c, int fd, int timeout_ms)
{
    int64_t deadline = now_ms() + timeout_ms;

    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        int left = (int)(deadline - now_ms());
        if (left <= 0)
            return ST_TIMEOUT;
        int n = poll(&p, 1, left < 100 ? left : 100);
        if (n > 0)
            break;
        if (n < 0 && errno != EINTR)
            return ST_IO;
        if (stopping(c))
            return ST_INTERRUPTED;
    }

    int soerr = 0;
    socklen_t len = sizeof(soerr);
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
    if (soerr) {
        errno = soerr;
        return ST_CONNECT;
    }
    return ST_OK;
}

/* Opens a TCP connection to the endpoint; on failure leaves a message. */
static status dial(struct conn *c, char *msg, size_t msglen)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM,
                             .ai_family = AF_UNSPEC};
    struct addrinfo *res = NULL;
    char port[16];
    status rc = ST_CONNECT;

    snprintf(port, sizeof(port), "%d", c->cfg.ep->port);
    int gai = getaddrinfo(c->cfg.ep->host, port, &hints, &res);
    if (gai != 0) {
        snprintf(msg, msglen, "cannot resolve host name: %s",
                 gai_strerror(gai));
        return ST_CONNECT;
    }

    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        int fd = socket(ai->ai_family,
                        ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                        ai->ai_protocol);
        if (fd < 0)
            continue;
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));

        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 ||
            errno == EINPROGRESS)
            rc = wait_connected(c, fd, c->cfg.connect_timeout_ms);
        else
            rc = ST_CONNECT;
        if (rc == ST_OK) {
            c->fd = fd;
            break;
        }
        int saved = errno;
        close(fd);
        if (rc == ST_TIMEOUT)
            snprintf(msg, msglen, "no answer within %d ms",
                     c->cfg.connect_timeout_ms);
        else if (rc == ST_INTERRUPTED)
            snprintf(msg, msglen, "interrupted while connecting");
        else
            snprintf(msg, msglen, "%s", strerror(saved));
        if (rc == ST_INTERRUPTED)
            break;
    }
    freeaddrinfo(res);
    return rc;
}

/* Appends one handshake command of `kind`. */
static status hs_add(struct conn *c, enum hs_kind kind, int argc,
                     const char *const *argv)
{
    status rc = resp_command(&c->hs, argc, argv, NULL);
    if (rc == ST_OK)
        c->hs_kinds[c->hs_count++] = kind;
    return rc;
}

/* Builds the handshake for a fresh socket. */
static status hs_build(struct conn *c)
{
    const struct endpoint *ep = c->cfg.ep;
    char db[16];
    status rc = ST_OK;

    c->hs.len = 0;
    c->hs_count = c->hs_done = 0;
    c->hs_sent = 0;

    if (ep->password && ep->user) {
        const char *a[] = {"AUTH", ep->user, ep->password};
        rc = hs_add(c, HS_AUTH, 3, a);
    } else if (ep->password) {
        const char *a[] = {"AUTH", ep->password};
        rc = hs_add(c, HS_AUTH, 2, a);
    }
    if (rc == ST_OK && c->cfg.db > 0) {
        snprintf(db, sizeof(db), "%d", c->cfg.db);
        const char *a[] = {"SELECT", db};
        rc = hs_add(c, HS_SELECT, 2, a);
    }
    if (rc == ST_OK && c->cfg.client_name) {
        const char *a[] = {"CLIENT", "SETNAME", c->cfg.client_name};
        rc = hs_add(c, HS_SETNAME, 3, a);
    }
    if (rc == ST_OK && c->cfg.no_touch) {
        const char *a[] = {"CLIENT", "NO-TOUCH", "on"};
        rc = hs_add(c, HS_NOTOUCH, 3, a);
    }
    if (rc == ST_OK && c->cfg.readonly) {
        const char *a[] = {"READONLY"};
        rc = hs_add(c, HS_READONLY, 1, a);
    }
    if (rc == ST_OK && c->cfg.check_restart) {
        const char *a[] = {"INFO", "server"};
        rc = hs_add(c, HS_RUN_ID, 2, a);
    }
    return rc;
}

static void on_recv(struct io_op *op, int res);
static void on_send(struct io_op *op, int res);

static status start_recv(struct conn *c)
{
    c->recv_op.fd = c->fd;
    c->recv_op.buf = c->rbuf;
    c->recv_op.len = CONN_RBUF_SIZE;
    return ioloop_submit(c->loop, &c->recv_op);
}

/* A fresh socket: new reader, handshake queued, everything unanswered
 * rewound for resending. */
static status conn_start(struct conn *c)
{
    status rc;

    if (c->reader)
        redisReaderFree(c->reader);
    c->reader = redisReaderCreate();
    if (!c->reader)
        return ST_NOMEM;

    rc = hs_build(c);
    if (rc != ST_OK)
        return rc;
    c->state = c->hs_count ? CS_HANDSHAKE : CS_READY;
    c->sending_hs = false;
    if (c->tls) {
        c->tls_out.len = c->tls_out_off = 0;
        rc = tls_start(c->tls);
        if (rc != ST_OK)
            return conn_fail(c, rc, "%s", tls_error_msg(c->tls));
        c->state = CS_TLS;
    }

    rc = unit_requeue(c);
    if (rc != ST_OK)
        return rc;
    /* Requests whose bytes reached the kernel may have run on the server:
     * their replies will say they were resent. */
    size_t was_sent = c->sent - c->ack, upto = 0;
    for (size_t i = 0; i < c->reqs_n && upto < was_sent; i++) {
        struct req *q = &c->reqs[(c->reqs_head + i) % c->reqs_cap];
        q->flags |= CONN_RESENT;
        upto += q->size;
    }
    c->sent = c->ack;
    clock_gettime(CLOCK_MONOTONIC, &c->last_rx);
    return start_recv(c);
}

/* ---- replies ----------------------------------------------------------- */

/*
 * A server that restarted while we were away may have lost what it had
 * acknowledged (no persistence, or writes not yet on disk): the run
 * cannot vouch for the keys it wrote there, so it stops and says so.
 */
static void check_run_id(struct conn *c, const redisReply *r)
{
    const char *p =
        r->type == REDIS_REPLY_STRING ? strstr(r->str, "run_id:") : NULL;
    char id[48];

    if (!p)
        return; /* a server that does not say: nothing to compare */
    size_t n = strcspn(p + 7, "\r\n");
    snprintf(id, sizeof(id), "%.*s", (int)n, p + 7);
    if (!c->run_id[0]) {
        snprintf(c->run_id, sizeof(c->run_id), "%s", id);
        return;
    }
    if (strcmp(id, c->run_id) == 0)
        return;
    if (c->cfg.role && strcmp(c->cfg.role, "source") == 0)
        conn_fail(c, ST_CLOSED,
                  "the server restarted during the run (its run_id "
                  "changed): the SCAN cursors of the walk no longer hold, "
                  "so keys could be missed; nothing more is read. Run it "
                  "again (a copy with --on-conflict replace)");
    else
        conn_fail(c, ST_CLOSED,
                  "the server restarted during the copy (its run_id "
                  "changed), so keys written to it before may be lost; "
                  "nothing more is written. Run the copy again with "
                  "--on-conflict replace");
}

/* Checks one handshake reply; AUTH and SELECT errors are fatal, the
 * others are optional features. */
static void hs_reply(struct conn *c, redisReply *r)
{
    enum hs_kind kind = c->hs_kinds[c->hs_done++];
    bool is_err = r->type == REDIS_REPLY_ERROR;

    if (is_err && kind == HS_AUTH) {
        conn_fail(c, ST_AUTH,
                  "authentication refused (the server said: %.200s); check "
                  "the user name and password of the %s",
                  r->str, c->cfg.role);
    } else if (!is_err && kind == HS_RUN_ID) {
        check_run_id(c, r);
    } else if (is_err && kind == HS_READONLY) {
        conn_fail(c, ST_SERVER,
                  "READONLY refused (the server said: %.200s); a replica "
                  "of a cluster is needed to read from replicas",
                  r->str);
    } else if (is_err && kind == HS_SELECT) {
        conn_fail(c, ST_SERVER,
                  "SELECT %d refused (the server said: %.200s); check the "
                  "database number",
                  c->cfg.db, r->str);
    } else if (is_err && strncmp(r->str, "NOAUTH", 6) == 0) {
        conn_fail(c, ST_AUTH,
                  "the server requires a password (it said: %.200s); set "
                  "the %s password",
                  r->str, c->cfg.role);
    }
    freeReplyObject(r);

    if (c->state == CS_HANDSHAKE && c->hs_done == c->hs_count)
        c->state = CS_READY;
}

static void deliver(struct conn *c, redisReply *r)
{
    if (c->reqs_n == 0) {
        freeReplyObject(r);
        conn_fail(c, ST_PROTOCOL, "the server sent a reply nobody asked for");
        return;
    }
    struct req q = reqs_pop(c);
    c->lost_in_a_row = 0;
    if (q.unit == UNIT_MEMBER) {
        if (unit_keep(c, q) != ST_OK) {
            freeReplyObject(r);
            conn_fail(c, ST_NOMEM, "out of memory keeping a transaction");
            return;
        }
    } else {
        c->ack += c->unit_bytes + q.size;
        c->unit_bytes = 0;
        c->unit_n = 0;
    }

    if (q.tag == CONN_TAG_SYNC) {
        c->sync_reply = r;
        c->sync_done = true;
        return;
    }
    c->on_reply(c->owner, q.ctx, q.tag, q.flags, r);
}

static void mark_broken(struct conn *c)
{
    if (c->state == CS_FAILED || c->state == CS_BROKEN)
        return;
    c->state = CS_BROKEN;
    shutdown(c->fd, SHUT_RDWR);
}

static void kick_send(struct conn *c);

/* Parses the replies in `n` plaintext bytes and hands them on. */
static void take_replies(struct conn *c, const char *buf, size_t n)
{
    if (redisReaderFeed(c->reader, buf, n) != REDIS_OK) {
        conn_fail(c, ST_NOMEM, "out of memory reading replies");
        return;
    }
    for (;;) {
        void *reply = NULL;
        if (redisReaderGetReply(c->reader, &reply) != REDIS_OK) {
            conn_fail(c, ST_PROTOCOL,
                      "the server's reply is not valid RESP (%s); is this "
                      "a Redis or Valkey port?",
                      c->reader->errstr);
            return;
        }
        if (!reply)
            break;
        if (c->hs_done < c->hs_count)
            hs_reply(c, reply);
        else
            deliver(c, reply);
        if (c->state == CS_FAILED)
            return;
    }
}

/* The TLS handshake finished: the Redis handshake (AUTH, SELECT...) next. */
static void tls_done(struct conn *c)
{
    c->state = c->hs_count ? CS_HANDSHAKE : CS_READY;
    if (c->cfg.tls_resumed && tls_resumed(c->tls))
        atomic_fetch_add(c->cfg.tls_resumed, 1);
}

/* Decrypts what arrived; a TLS failure is final (a certificate does not
 * get better by retrying), a clean close is a lost connection. */
static void tls_received(struct conn *c, size_t n)
{
    size_t off = 0;

    while (c->state != CS_FAILED) {
        if (off < n)
            off += (size_t)tls_feed(c->tls, c->rbuf + off, n - off);
        long got = tls_read(c->tls, c->pbuf, CONN_RBUF_SIZE);
        if (got < 0) {
            if (tls_error(c->tls) == ST_CLOSED)
                mark_broken(c);
            else
                conn_fail(c, tls_error(c->tls), "%s", tls_error_msg(c->tls));
            return;
        }
        if (c->state == CS_TLS && tls_ready(c->tls))
            tls_done(c);
        if (got > 0)
            take_replies(c, c->pbuf, (size_t)got);
        else if (off >= n)
            break;
    }
    kick_send(c);
}

static void on_recv(struct io_op *op, int res)
{
    struct conn *c =
        (struct conn *)((char *)op - offsetof(struct conn, recv_op));
    if (c->state == CS_TLS && res <= 0) {
        tls_note_eof(c->tls);
        if (tls_error(c->tls) == ST_CLOSED)
            mark_broken(c);
        else
            conn_fail(c, tls_error(c->tls), "%s", tls_error_msg(c->tls));
        return;
    }
    if (res <= 0 || c->state == CS_BROKEN || c->state == CS_FAILED) {
        mark_broken(c);
        return;
    }

    clock_gettime(CLOCK_MONOTONIC, &c->last_rx);
    if (c->tls)
        tls_received(c, (size_t)res);
    else
        take_replies(c, c->rbuf, (size_t)res);
    if (c->state == CS_BROKEN || c->state == CS_FAILED)
        return;
    if (start_recv(c) != ST_OK)
        conn_fail(c, ST_IO, "cannot queue a receive");
}

/* ---- sending ----------------------------------------------------------- */

/* Moves bytes appended during a send into wbuf and drops answered bytes.
 * Only while no send is in flight. */
static status compact(struct conn *c)
{
    if (c->ack > 0 && (c->ack >= c->wbuf.len / 2 || c->next.len)) {
        resp_buf_consume(&c->wbuf, c->ack);
        c->sent -= c->ack;
        c->ack = 0;
    }
    if (c->next.len) {
        status rc = resp_buf_reserve(&c->wbuf, c->next.len);
        if (rc != ST_OK)
            return rc;
        memcpy(c->wbuf.data + c->wbuf.len, c->next.data, c->next.len);
        c->wbuf.len += c->next.len;
        c->next.len = 0;
    }
    return ST_OK;
}

/* Encrypts queued plaintext (the handshake first, then requests once the
 * handshake is answered) until a good amount of ciphertext waits. */
static status tls_encrypt(struct conn *c)
{
    while (c->state != CS_TLS && tls_out_pending(c->tls) < CONN_RBUF_SIZE) {
        const char *p;
        size_t n;
        bool hs = c->hs_sent < c->hs.len;

        if (hs) {
            p = c->hs.data + c->hs_sent;
            n = c->hs.len - c->hs_sent;
        } else if (c->state == CS_READY) {
            if (compact(c) != ST_OK)
                return ST_NOMEM;
            p = c->wbuf.data + c->sent;
            n = c->wbuf.len - c->sent;
        } else {
            break;
        }
        if (n == 0)
            break;
        long w = tls_write(c->tls, p, n < 65536 ? n : 65536);
        if (w < 0)
            return tls_error(c->tls);
        if (w == 0)
            break;
        if (hs)
            c->hs_sent += (size_t)w;
        else
            c->sent += (size_t)w;
    }
    return ST_OK;
}

static void tls_kick_send(struct conn *c)
{
    if (c->tls_out_off >= c->tls_out.len) {
        c->tls_out.len = c->tls_out_off = 0;
        status rc = tls_encrypt(c);
        if (rc != ST_OK) {
            conn_fail(c, rc, "%s",
                      rc == ST_NOMEM ? "output buffer limit reached"
                                     : tls_error_msg(c->tls));
            return;
        }
        size_t pending = tls_out_pending(c->tls);
        if (pending == 0)
            return;
        if (resp_buf_reserve(&c->tls_out, pending) != ST_OK) {
            conn_fail(c, ST_NOMEM, "output buffer limit reached");
            return;
        }
        c->tls_out.len = tls_take_out(c->tls, c->tls_out.data, pending);
    }
    c->send_op.buf = c->tls_out.data + c->tls_out_off;
    c->send_op.len = c->tls_out.len - c->tls_out_off;
    c->send_op.fd = c->fd;
    if (ioloop_submit(c->loop, &c->send_op) != ST_OK)
        conn_fail(c, ST_IO, "cannot queue a send");
}

static void kick_send(struct conn *c)
{
    if (c->send_op.pending || c->state == CS_BROKEN || c->state == CS_FAILED)
        return;
    if (c->tls) {
        tls_kick_send(c);
        return;
    }

    if (c->state == CS_HANDSHAKE || c->hs_sent < c->hs.len) {
        if (c->hs_sent >= c->hs.len)
            return; /* handshake sent; wait for its replies */
        c->sending_hs = true;
        c->send_op.buf = c->hs.data + c->hs_sent;
        c->send_op.len = c->hs.len - c->hs_sent;
    } else {
        if (compact(c) != ST_OK) {
            conn_fail(c, ST_NOMEM, "output buffer limit reached");
            return;
        }
        if (c->sent >= c->wbuf.len)
            return;
        c->sending_hs = false;
        c->send_op.buf = c->wbuf.data + c->sent;
        c->send_op.len = c->wbuf.len - c->sent;
    }
    c->send_op.fd = c->fd;
    if (ioloop_submit(c->loop, &c->send_op) != ST_OK)
        conn_fail(c, ST_IO, "cannot queue a send");
}

static void on_send(struct io_op *op, int res)
{
    struct conn *c =
        (struct conn *)((char *)op - offsetof(struct conn, send_op));
    if (res < 0 || c->state == CS_BROKEN || c->state == CS_FAILED) {
        mark_broken(c);
        return;
    }
    if (c->tls)
        c->tls_out_off += (size_t)res;
    else if (c->sending_hs)
        c->hs_sent += (size_t)res;
    else
        c->sent += (size_t)res;
    kick_send(c);
}

/* ---- reconnecting ------------------------------------------------------ */

static void sleep_ms_unless_stopped(struct conn *c, int ms)
{
    while (ms > 0 && !stopping(c)) {
        int step = ms < 50 ? ms : 50;
        struct timespec ts = {0, (long)step * 1000000};
        nanosleep(&ts, NULL);
        ms -= step;
    }
}

static status reconnect(struct conn *c)
{
    char msg[256] = "";
    int backoff = 100;
    status rc = ST_CONNECT;

    close(c->fd);
    c->fd = -1;
    if (compact(c) != ST_OK)
        return conn_fail(c, ST_NOMEM, "output buffer limit reached");

    /* A server that accepts and then drops every connection never lets a
     * dial fail: count the losses that no answer came between. */
    if (++c->lost_in_a_row > c->cfg.max_retries)
        return conn_fail(c, ST_CLOSED,
                         "the connection dropped %d times in a row without "
                         "answering; check the server's log and limits "
                         "(maxclients, timeouts), and if the port expects "
                         "TLS, use rediss://",
                         c->lost_in_a_row);
    for (int i = 1; i < c->lost_in_a_row && backoff < 2000; i++)
        backoff *= 2;

    for (int attempt = 0; attempt < c->cfg.max_retries; attempt++) {
        if (stopping(c))
            return conn_fail(c, ST_INTERRUPTED, "stopped while reconnecting");
        sleep_ms_unless_stopped(c, backoff);
        backoff = backoff * 2 > 2000 ? 2000 : backoff * 2;
        rc = dial(c, msg, sizeof(msg));
        if (rc == ST_OK)
            break;
    }
    if (rc != ST_OK)
        return conn_fail(c, rc,
                         "connection lost and %d reconnect attempts failed "
                         "(last: %s); check that the server is up",
                         c->cfg.max_retries, msg);

    if (c->cfg.reconnects)
        atomic_fetch_add(c->cfg.reconnects, 1);
    rc = conn_start(c);
    if (rc != ST_OK)
        return conn_fail(c, rc, "cannot restart the connection");
    return ST_OK;
}

/* ---- public ------------------------------------------------------------ */

status conn_open(struct conn **out, struct ioloop *loop,
                 const struct conn_cfg *cfg, conn_reply_fn on_reply,
                 void *owner, char *err, size_t errlen)
{
    char msg[256] = "", ep[128];
    status rc = ST_NOMEM;
    struct conn *c = calloc(1, sizeof(*c));

    *out = NULL;
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return ST_NOMEM;
    }
    c->cfg = *cfg;
    c->loop = loop;
    c->on_reply = on_reply;
    c->owner = owner;
    c->fd = -1;
    snprintf(c->where, sizeof(c->where), "%s %s", cfg->role,
             endpoint_describe(cfg->ep, ep, sizeof(ep)));
    resp_buf_init(&c->wbuf, cfg->max_request_bytes * 4 + (64u << 20));
    resp_buf_init(&c->next, cfg->max_request_bytes * 2 + (64u << 20));
    resp_buf_init(&c->hs, 64 * 1024);
    c->send_op.kind = IO_SEND;
    c->send_op.done = on_send;
    c->recv_op.kind = IO_RECV;
    c->recv_op.done = on_recv;
    c->rbuf = malloc(CONN_RBUF_SIZE);
    if (!c->rbuf)
        goto out;
    resp_buf_init(&c->tls_out, 2 * CONN_RBUF_SIZE + (1u << 20));
    if (cfg->ep->tls) {
        c->pbuf = malloc(CONN_RBUF_SIZE);
        if (!c->pbuf)
            goto out;
        rc = tls_new(&c->tls, cfg->ep, cfg->role, err, errlen);
        if (rc != ST_OK)
            goto out_quiet;
    }

    rc = dial(c, msg, sizeof(msg));
    if (rc != ST_OK) {
        snprintf(err, errlen,
                 "%s: cannot connect: %s; check the host and port, and that "
                 "the server is running and reachable from here",
                 c->where, msg);
        goto out;
    }
    rc = conn_start(c);
    if (rc != ST_OK) {
        snprintf(err, errlen, "%s",
                 c->errmsg[0] ? c->errmsg : "cannot start the connection");
        goto out_quiet;
    }
    *out = c;
    return ST_OK;

out:
    if (rc == ST_NOMEM)
        snprintf(err, errlen, "out of memory");
out_quiet:
    conn_close(c);
    return rc;
}

void conn_close(struct conn *c)
{
    if (!c)
        return;
    if (c->fd >= 0) {
        shutdown(c->fd, SHUT_RDWR);
        /* The ops reference our buffers: let them finish first. */
        for (int i = 0; i < 100 && (c->recv_op.pending || c->send_op.pending);
             i++)
            ioloop_wait(c->loop, 10);
        close(c->fd);
    }
    while (c->reqs_n) {
        struct req q = reqs_pop(c);
        if (q.tag != CONN_TAG_SYNC && c->on_reply)
            c->on_reply(c->owner, q.ctx, q.tag, q.flags, NULL);
    }
    if (c->sync_reply)
        freeReplyObject(c->sync_reply);
    if (c->reader)
        redisReaderFree(c->reader);
    if (c->hs.data)
        OPENSSL_cleanse(c->hs.data, c->hs.cap);
    resp_buf_free(&c->wbuf);
    resp_buf_free(&c->next);
    resp_buf_free(&c->hs);
    free(c->reqs);
    free(c->unit_done);
    free(c->rbuf);
    free(c->pbuf);
    tls_free(c->tls);
    resp_buf_free(&c->tls_out);
    free(c);
}

/* Where new requests go: wbuf may not move while the kernel reads it, and
 * once `next` holds bytes, later ones must follow them to keep order. */
static struct resp_buf *append_target(struct conn *c)
{
    bool wbuf_busy = c->send_op.pending && !c->sending_hs;
    return wbuf_busy || c->next.len ? &c->next : &c->wbuf;
}

struct resp_buf *conn_buf(struct conn *c)
{
    struct resp_buf *b = append_target(c);
    c->append_mark = b->len;
    return b;
}

void conn_append_abort(struct conn *c)
{
    append_target(c)->len = c->append_mark;
}

void conn_append_done(struct conn *c, void *ctx, uint32_t tag)
{
    struct resp_buf *b = append_target(c);
    struct req q = {.ctx = ctx,
                    .tag = tag,
                    .unit = c->in_unit ? UNIT_MEMBER : 0,
                    .size = b->len - c->append_mark};

    /* The reply timeout counts from when an idle connection got work. */
    if (c->reqs_n == 0)
        clock_gettime(CLOCK_MONOTONIC, &c->last_rx);

    if (reqs_push(c, q) != ST_OK)
        conn_fail(c, ST_NOMEM, "out of memory queueing a request");
}

void conn_unit_begin(struct conn *c)
{
    c->in_unit = true;
}

void conn_unit_end(struct conn *c)
{
    c->in_unit = false;
    if (c->reqs_n > 0) {
        struct req *q = &c->reqs[(c->reqs_head + c->reqs_n - 1) % c->reqs_cap];
        if (q->unit == UNIT_MEMBER)
            q->unit = UNIT_LAST;
    }
}

status conn_service(struct conn *c)
{
    if (c->state == CS_FAILED)
        return c->err;

    if (c->state == CS_BROKEN) {
        if (c->recv_op.pending || c->send_op.pending)
            return ST_OK; /* wait until the kernel gave our buffers back */
        status rc = reconnect(c);
        if (rc != ST_OK)
            return rc;
    }

    /* A plain server takes a ClientHello for the start of a command and
     * waits for the rest: it never answers. */
    if (c->state == CS_TLS) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        int64_t waited = (ts.tv_sec - c->last_rx.tv_sec) * 1000 +
                         (ts.tv_nsec - c->last_rx.tv_nsec) / 1000000;
        if (waited > c->cfg.connect_timeout_ms)
            return conn_fail(c, ST_TLS,
                             "no TLS handshake answer within %d ms: the port "
                             "is probably a plain (non-TLS) one; use "
                             "redis:// for it",
                             c->cfg.connect_timeout_ms);
    }

    /* A silent server with requests outstanding is treated as lost. */
    if (c->reqs_n && c->cfg.reply_timeout_ms > 0) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        int64_t idle = (ts.tv_sec - c->last_rx.tv_sec) * 1000 +
                       (ts.tv_nsec - c->last_rx.tv_nsec) / 1000000;
        if (idle > c->cfg.reply_timeout_ms)
            mark_broken(c);
    }
    kick_send(c);
    return c->err;
}

void conn_set_db(struct conn *c, int db)
{
    c->cfg.db = db;
}

size_t conn_outstanding(const struct conn *c)
{
    return c->reqs_n;
}

bool conn_ready(const struct conn *c)
{
    return c->state == CS_READY;
}

status conn_error(const struct conn *c)
{
    return c->err;
}

const char *conn_error_msg(const struct conn *c)
{
    return c->errmsg;
}

status conn_call(struct conn *c, redisReply **reply, int argc,
                 const char *const *argv, const size_t *lens)
{
    status rc;
    int64_t deadline =
        now_ms() +
        (c->cfg.reply_timeout_ms > 0 ? c->cfg.reply_timeout_ms : 30000);

    *reply = NULL;
    if (c->err != ST_OK)
        return c->err;

    rc = resp_command(conn_buf(c), argc, argv, lens);
    if (rc != ST_OK)
        return conn_fail(c, rc, "request too large");
    conn_append_done(c, NULL, CONN_TAG_SYNC);
    c->sync_done = false;

    while (!c->sync_done) {
        rc = conn_service(c);
        if (rc != ST_OK)
            return rc;
        if (stopping(c))
            return ST_INTERRUPTED;
        if (now_ms() > deadline)
            return conn_fail(c, ST_TIMEOUT, "no reply to %.40s within %d ms",
                             argv[0], c->cfg.reply_timeout_ms);
        if (ioloop_wait(c->loop, 50) != ST_OK)
            return conn_fail(c, ST_IO, "event loop failed");
    }
    *reply = c->sync_reply;
    c->sync_reply = NULL;
    return ST_OK;
}

status conn_callv(struct conn *c, redisReply **reply, const char *arg0, ...)
{
    const char *argv[16];
    int argc = 0;
    va_list ap;

    va_start(ap, arg0);
    for (const char *a = arg0; a && argc < 16; a = va_arg(ap, const char *))
        argv[argc++] = a;
    va_end(ap);
    return conn_call(c, reply, argc, argv, NULL);
}
