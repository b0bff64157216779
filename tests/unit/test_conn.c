/*
 * Unit tests of io/ioloop.c and io/conn.c, each run twice: on io_uring and
 * on the poll loop (ioloop_new's force_poll). The io_uring run skips, and
 * says why, where the kernel refuses io_uring.
 *
 * The peer is a fake server inside the test: a thread listening on a free
 * port of 127.0.0.1 that runs a script written per test, reading commands
 * and writing raw RESP bytes exactly as scripted (split into tiny writes,
 * broken, refused, cut off). Every wait, in the test and in the script, is
 * bounded by a few seconds.
 *
 * Threads: cmocka and the connection run on the main thread; each fake
 * server on its own thread, which touches only `struct fake` (its results
 * are read after the join; the step/go flags are atomics). One test adds a
 * thread that sets the stop flag.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <cmocka.h>

#include "config/config.h"
#include "io/conn.h"
#include "io/ioloop.h"

#define WAIT_MS  5000 /* the most any single wait of the fake server takes */
#define MAX_GOT  512
#define LOG_SIZE 4096

/* ---- the fake server ---------------------------------------------------- */

struct fake;
typedef void (*script_fn)(struct fake *f);

struct fake {
    int lfd;
    int port;
    pthread_t th;
    bool running;
    script_fn script;
    atomic_int step;    /* how far the script got */
    atomic_int go;      /* how far the test lets the script go */
    atomic_bool quit;   /* the test is over: stop at once */
    atomic_int conns;   /* connections accepted */
    char err[1024];     /* the script's first failure */
    char log[LOG_SIZE]; /* commands received, "|" between them */
};

/* One accepted connection of the fake server, with its unread bytes. */
struct fconn {
    int fd;
    char buf[1 << 16];
    size_t len;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

static void fk_fail(struct fake *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void fk_fail(struct fake *f, const char *fmt, ...)
{
    va_list ap;

    if (f->err[0])
        return;
    va_start(ap, fmt);
    vsnprintf(f->err, sizeof(f->err), fmt, ap);
    va_end(ap);
}

static void fk_log(struct fake *f, const char *cmd)
{
    size_t n = strlen(f->log);
    snprintf(f->log + n, sizeof(f->log) - n, "%s%s", n ? "|" : "", cmd);
}

/* Waits until fd is readable; false on timeout or quit. */
static bool fk_wait_readable(struct fake *f, int fd, int ms)
{
    int64_t end = now_ms() + ms;

    while (!atomic_load(&f->quit) && now_ms() < end) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 50) > 0)
            return true;
    }
    return false;
}

static bool fk_accept(struct fake *f, struct fconn *fc)
{
    int one = 1;

    fc->len = 0;
    fc->fd = -1;
    if (!fk_wait_readable(f, f->lfd, WAIT_MS)) {
        if (!atomic_load(&f->quit))
            fk_fail(f, "fake server: no connection within %d ms", WAIT_MS);
        return false;
    }
    fc->fd = accept(f->lfd, NULL, NULL);
    if (fc->fd < 0) {
        fk_fail(f, "fake server: accept: %s", strerror(errno));
        return false;
    }
    setsockopt(fc->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    atomic_fetch_add(&f->conns, 1);
    return true;
}

static void fk_close(struct fconn *fc)
{
    if (fc->fd >= 0)
        close(fc->fd);
    fc->fd = -1;
}

/* Parses one command from the front of fc->buf into "ARG ARG ...".
 * Returns 1 when one was taken, 0 when more bytes are needed, -1 when the
 * bytes are not a RESP array of bulk strings. */
static int fk_parse(struct fconn *fc, char *out, size_t outlen)
{
    char *p = fc->buf, *end = fc->buf + fc->len, *nl;
    long argc, blen;
    size_t o = 0;

    out[0] = '\0';
    if (p == end)
        return 0;
    if (*p != '*')
        return -1;
    nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl)
        return 0;
    argc = strtol(p + 1, NULL, 10);
    p = nl + 1;
    for (long i = 0; i < argc; i++) {
        if (p == end)
            return 0;
        if (*p != '$')
            return -1;
        nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            return 0;
        blen = strtol(p + 1, NULL, 10);
        p = nl + 1;
        if (end - p < blen + 2)
            return 0;
        if (o + (size_t)blen + 2 < outlen) {
            if (i)
                out[o++] = ' ';
            memcpy(out + o, p, (size_t)blen);
            o += (size_t)blen;
            out[o] = '\0';
        }
        p += blen + 2;
    }
    fc->len = (size_t)(end - p);
    memmove(fc->buf, p, fc->len);
    return 1;
}

/* Reads one command; false (and a failure unless `eof_ok`) when none
 * comes. */
static bool fk_read(struct fake *f, struct fconn *fc, char *out, size_t outlen,
                    bool eof_ok)
{
    for (;;) {
        int r = fk_parse(fc, out, outlen);
        if (r > 0) {
            fk_log(f, out);
            return true;
        }
        if (r < 0) {
            fk_fail(f, "fake server: the client sent bytes that are not a "
                       "RESP command");
            return false;
        }
        if (!fk_wait_readable(f, fc->fd, WAIT_MS)) {
            if (!atomic_load(&f->quit))
                fk_fail(f,
                        "fake server: no command within %d ms "
                        "(have \"%s\")",
                        WAIT_MS, f->log);
            return false;
        }
        ssize_t n =
            recv(fc->fd, fc->buf + fc->len, sizeof(fc->buf) - fc->len, 0);
        if (n <= 0) {
            if (!eof_ok)
                fk_fail(f,
                        "fake server: the client closed while a command "
                        "was expected (have \"%s\")",
                        f->log);
            return false;
        }
        fc->len += (size_t)n;
    }
}

/* Reads one command and checks it is `want`. */
static bool fk_expect(struct fake *f, struct fconn *fc, const char *want)
{
    char got[256];

    if (!fk_read(f, fc, got, sizeof(got), false))
        return false;
    if (strcmp(got, want) != 0) {
        fk_fail(f, "fake server: expected the command \"%s\", got \"%s\"", want,
                got);
        return false;
    }
    return true;
}

static void fk_send(struct fake *f, struct fconn *fc, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(fc->fd, p, n, MSG_NOSIGNAL);
        if (w <= 0) {
            fk_fail(f, "fake server: send: %s", strerror(errno));
            return;
        }
        p += w;
        n -= (size_t)w;
    }
}

static void fk_send_str(struct fake *f, struct fconn *fc, const char *s)
{
    fk_send(f, fc, s, strlen(s));
}

/* The reply of the echo server: PING, ECHO x, and +OK for the rest. */
static void fk_answer(struct fake *f, struct fconn *fc, const char *cmd)
{
    char out[300];

    if (strcmp(cmd, "PING") == 0) {
        fk_send_str(f, fc, "+PONG\r\n");
    } else if (strncmp(cmd, "ECHO ", 5) == 0) {
        snprintf(out, sizeof(out), "$%zu\r\n%s\r\n", strlen(cmd + 5), cmd + 5);
        fk_send_str(f, fc, out);
    } else {
        fk_send_str(f, fc, "+OK\r\n");
    }
}

/* Sends what is left to send, then closes with a FIN after reading
 * everything, so the client reads all replies before the EOF. */
static void fk_hang_up(struct fconn *fc)
{
    shutdown(fc->fd, SHUT_WR);
    fk_close(fc);
}

/* Closes with a RST: the client's next send fails. */
static void fk_reset(struct fconn *fc)
{
    struct linger lg = {1, 0};
    setsockopt(fc->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
    fk_close(fc);
}

static bool fk_wait_go(struct fake *f, int value)
{
    int64_t end = now_ms() + WAIT_MS;

    while (atomic_load(&f->go) < value) {
        if (atomic_load(&f->quit) || now_ms() > end) {
            if (!atomic_load(&f->quit))
                fk_fail(f, "fake server: the test never said go %d", value);
            return false;
        }
        sleep_ms(2);
    }
    return true;
}

/* Waits for the client to close (or the test to end). */
static void fk_wait_eof(struct fake *f, struct fconn *fc)
{
    char buf[4096];
    int64_t end = now_ms() + WAIT_MS;

    while (!atomic_load(&f->quit) && now_ms() < end) {
        if (!fk_wait_readable(f, fc->fd, 100))
            continue;
        if (recv(fc->fd, buf, sizeof(buf), 0) <= 0)
            return;
    }
}

static void *fk_main(void *arg)
{
    struct fake *f = arg;
    f->script(f);
    return NULL;
}

/* ---- the test's side ---------------------------------------------------- */

struct got {
    void *ctx;
    uint32_t tag;
    unsigned flags;
    bool null;
    int type;
    long long integer;
    size_t elements;
    char str[128];
};

struct tstate {
    bool force_poll;
    bool no_uring;
    char why[256];
    struct ioloop *loop;
    struct fake fk;
    char host[16];
    struct endpoint ep;
    struct conn_cfg cfg;
    struct conn *c;
    _Atomic uint64_t reconnects;
    atomic_bool stop;
    struct got got[MAX_GOT];
    size_t ngot;
    int ctxs[MAX_GOT]; /* ctx pointers handed out point here */
};

static const char *name_of(const struct tstate *t)
{
    return t->force_poll ? "poll" : "io_uring";
}

static void on_reply(void *owner, void *ctx, uint32_t tag, unsigned flags,
                     redisReply *r)
{
    struct tstate *t = owner;
    struct got *g;

    if (t->ngot == MAX_GOT) {
        if (r)
            freeReplyObject(r);
        return;
    }
    g = &t->got[t->ngot++];
    memset(g, 0, sizeof(*g));
    g->ctx = ctx;
    g->tag = tag;
    g->flags = flags;
    g->null = r == NULL;
    if (!r)
        return;
    g->type = r->type;
    g->integer = r->integer;
    g->elements = r->elements;
    if (r->str)
        snprintf(g->str, sizeof(g->str), "%.*s", (int)r->len, r->str);
    freeReplyObject(r);
}

static int setup(void **state, bool force_poll)
{
    struct tstate *t = calloc(1, sizeof(*t));
    struct sockaddr_in a = {.sin_family = AF_INET};
    socklen_t alen = sizeof(a);

    if (!t)
        return -1;
    t->force_poll = force_poll;
    if (ioloop_new(&t->loop, 8, force_poll, t->why, sizeof(t->why)) != ST_OK) {
        free(t);
        return -1;
    }
    if (!force_poll && !ioloop_uses_uring(t->loop))
        t->no_uring = true;

    t->fk.lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (t->fk.lfd < 0 ||
        bind(t->fk.lfd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
        listen(t->fk.lfd, 16) != 0 ||
        getsockname(t->fk.lfd, (struct sockaddr *)&a, &alen) != 0)
        return -1;
    t->fk.port = ntohs(a.sin_port);

    snprintf(t->host, sizeof(t->host), "127.0.0.1");
    t->ep.role = "source";
    t->ep.host = t->host;
    t->ep.port = t->fk.port;
    t->ep.db = -1;
    t->cfg.ep = &t->ep;
    t->cfg.role = "source";
    t->cfg.connect_timeout_ms = 2000;
    t->cfg.reply_timeout_ms = 0;
    t->cfg.max_retries = 3;
    t->cfg.max_request_bytes = 1u << 20;
    t->cfg.stop = &t->stop;
    t->cfg.reconnects = &t->reconnects;
    for (int i = 0; i < MAX_GOT; i++)
        t->ctxs[i] = i;
    *state = t;
    return 0;
}

static int setup_uring(void **state)
{
    return setup(state, false);
}

static int setup_poll(void **state)
{
    return setup(state, true);
}

static int teardown(void **state)
{
    struct tstate *t = *state;

    atomic_store(&t->fk.quit, true);
    if (t->c)
        conn_close(t->c);
    if (t->fk.running)
        pthread_join(t->fk.th, NULL);
    if (t->fk.lfd >= 0)
        close(t->fk.lfd);
    ioloop_free(t->loop);
    free(t);
    return 0;
}

/* Skips the io_uring run where the kernel refuses io_uring. */
static void need_backend(struct tstate *t)
{
    if (t->no_uring) {
        fprintf(stderr,
                "SKIP: io_uring is refused here (%s); the poll run "
                "covers this test\n",
                t->why);
        skip();
    }
}

static void start_server(struct tstate *t, script_fn script)
{
    t->fk.script = script;
    assert_int_equal(pthread_create(&t->fk.th, NULL, fk_main, &t->fk), 0);
    t->fk.running = true;
}

/* Stops the fake server and fails the test with its first failure. */
static void join_server(struct tstate *t)
{
    if (t->fk.running) {
        pthread_join(t->fk.th, NULL);
        t->fk.running = false;
    }
    if (t->fk.err[0])
        print_error("%s: %s\n", name_of(t), t->fk.err);
    assert_string_equal(t->fk.err, "");
}

static void open_conn(struct tstate *t)
{
    char err[512] = "";
    status rc =
        conn_open(&t->c, t->loop, &t->cfg, on_reply, t, err, sizeof(err));

    if (rc != ST_OK)
        print_error("%s: conn_open to port %d: %s (%s)\n", name_of(t),
                    t->fk.port, status_str(rc), err);
    assert_int_equal(rc, ST_OK);
    assert_non_null(t->c);
}

/* Appends ECHO <n> with ctx &ctxs[n] and tag n. */
static void append_echo(struct tstate *t, int n)
{
    char num[16];
    struct resp_buf *b = conn_buf(t->c);

    snprintf(num, sizeof(num), "%d", n);
    assert_int_equal(resp_begin(b, 2), ST_OK);
    assert_int_equal(resp_arg_str(b, "ECHO"), ST_OK);
    assert_int_equal(resp_arg_str(b, num), ST_OK);
    conn_append_done(t->c, &t->ctxs[n], (uint32_t)n);
}

/* Services the connection until `n` replies came, an error, or `ms`. */
static status pump_replies(struct tstate *t, size_t n, int ms)
{
    int64_t end = now_ms() + ms;
    status rc = ST_OK;

    while (t->ngot < n && now_ms() < end) {
        rc = conn_service(t->c);
        if (rc != ST_OK)
            break;
        assert_int_equal(ioloop_wait(t->loop, 10), ST_OK);
    }
    return rc;
}

/* Services the connection until it fails or `ms` passed. */
static status pump_error(struct tstate *t, int ms)
{
    int64_t end = now_ms() + ms;
    status rc = ST_OK;

    while (rc == ST_OK && now_ms() < end) {
        rc = conn_service(t->c);
        if (rc == ST_OK)
            assert_int_equal(ioloop_wait(t->loop, 10), ST_OK);
    }
    return rc;
}

static void pump_for(struct tstate *t, int ms)
{
    int64_t end = now_ms() + ms;

    while (now_ms() < end) {
        assert_int_equal(conn_service(t->c), ST_OK);
        assert_int_equal(ioloop_wait(t->loop, 10), ST_OK);
    }
}

/* Runs the loop alone (no conn_service, so no reconnect) until the
 * connection stops being ready. */
static void wait_not_ready(struct tstate *t, int ms)
{
    int64_t end = now_ms() + ms;

    while (conn_ready(t->c) && now_ms() < end)
        assert_int_equal(ioloop_wait(t->loop, 10), ST_OK);
    if (conn_ready(t->c))
        print_error("%s: the connection still looks ready after %d ms\n",
                    name_of(t), ms);
    assert_false(conn_ready(t->c));
}

static void wait_step(struct tstate *t, int value, bool run_loop)
{
    int64_t end = now_ms() + WAIT_MS;

    while (atomic_load(&t->fk.step) < value && now_ms() < end) {
        if (run_loop)
            assert_int_equal(ioloop_wait(t->loop, 10), ST_OK);
        else
            sleep_ms(2);
    }
    if (atomic_load(&t->fk.step) < value)
        print_error("%s: the fake server did not reach step %d\n", name_of(t),
                    value);
    assert_true(atomic_load(&t->fk.step) >= value);
}

/* Checks reply i: its tag, ctx, flags and its string. */
static void expect_got(struct tstate *t, size_t i, uint32_t tag, unsigned flags,
                       const char *str)
{
    struct got *g;

    if (t->ngot <= i)
        print_error("%s: expected a reply #%zu (tag %u), got only %zu "
                    "replies\n",
                    name_of(t), i, tag, t->ngot);
    assert_true(t->ngot > i);
    g = &t->got[i];
    if (g->tag != tag || g->ctx != &t->ctxs[tag] || g->flags != flags ||
        (str && strcmp(g->str, str) != 0) || (str && g->null))
        print_error("%s: reply #%zu: expected tag %u flags %u \"%s\", got "
                    "tag %u flags %u ctx %s \"%s\"%s\n",
                    name_of(t), i, tag, flags, str ? str : "(null reply)",
                    g->tag, g->flags,
                    g->ctx == &t->ctxs[tag] ? "right" : "WRONG", g->str,
                    g->null ? " (null reply)" : "");
    assert_int_equal(g->tag, tag);
    assert_ptr_equal(g->ctx, &t->ctxs[tag]);
    assert_int_equal(g->flags, flags);
    if (str) {
        assert_false(g->null);
        assert_string_equal(g->str, str);
    } else {
        assert_true(g->null);
    }
}

static void expect_msg_names_endpoint(struct tstate *t, const char *msg)
{
    char where[64];

    snprintf(where, sizeof(where), "127.0.0.1:%d", t->fk.port);
    if (!strstr(msg, where) || !strstr(msg, "source"))
        print_error("%s: the message \"%s\" should name \"source\" and "
                    "\"%s\"\n",
                    name_of(t), msg, where);
    assert_non_null(strstr(msg, where));
    assert_non_null(strstr(msg, "source"));
}

/* ---- ioloop ------------------------------------------------------------- */

struct opres {
    int res;
    int calls;
};

static struct opres results[4];
static struct io_op *again_op; /* resubmitted once from its callback */
static struct ioloop *again_loop;

static void op_done(struct io_op *op, int res)
{
    struct opres *r = &results[op->kind == IO_RECV ? 0 : 1];
    r->res = res;
    r->calls++;
    if (op == again_op) {
        again_op = NULL;
        assert_int_equal(ioloop_submit(again_loop, op), ST_OK);
    }
}

static void loop_until(struct ioloop *l, int *calls, int want)
{
    int64_t end = now_ms() + 2000;

    while (*calls < want && now_ms() < end)
        assert_int_equal(ioloop_wait(l, 20), ST_OK);
    assert_int_equal(*calls, want);
}

static void test_loop_reports_its_backend(void **state)
{
    struct tstate *t = *state;

    need_backend(t);
    assert_int_equal(ioloop_uses_uring(t->loop), !t->force_poll);
    if (!t->force_poll)
        assert_string_equal(t->why, "");
}

static void test_loop_completes_a_send_and_a_recv(void **state)
{
    struct tstate *t = *state;
    int sv[2];
    char in[16] = "";
    struct io_op rx = {
        .done = op_done, .kind = IO_RECV, .buf = in, .len = sizeof(in)};
    struct io_op tx = {
        .done = op_done, .kind = IO_SEND, .buf = "hello", .len = 5};

    need_backend(t);
    memset(results, 0, sizeof(results));
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv),
                     0);
    rx.fd = sv[0];
    tx.fd = sv[1];
    assert_int_equal(ioloop_submit(t->loop, &rx), ST_OK);
    assert_true(rx.pending);
    assert_int_equal(ioloop_submit(t->loop, &tx), ST_OK);
    loop_until(t->loop, &results[0].calls, 1);
    loop_until(t->loop, &results[1].calls, 1);
    assert_int_equal(results[1].res, 5);
    assert_int_equal(results[0].res, 5);
    assert_memory_equal(in, "hello", 5);
    assert_false(rx.pending);
    assert_false(tx.pending);

    /* A callback may queue its op again: the second read sees EOF. */
    again_op = &rx;
    again_loop = t->loop;
    tx.buf = "abc";
    tx.len = 3;
    assert_int_equal(ioloop_submit(t->loop, &rx), ST_OK);
    assert_int_equal(ioloop_submit(t->loop, &tx), ST_OK);
    loop_until(t->loop, &results[0].calls, 2);
    assert_int_equal(results[0].res, 3);
    shutdown(sv[1], SHUT_WR);
    loop_until(t->loop, &results[0].calls, 3);
    assert_int_equal(results[0].res, 0);
    close(sv[0]);
    close(sv[1]);
}

static void test_loop_gives_errors_as_negative_errno(void **state)
{
    struct tstate *t = *state;
    int sv[2];
    struct io_op tx = {.done = op_done, .kind = IO_SEND, .buf = "x", .len = 1};

    need_backend(t);
    memset(results, 0, sizeof(results));
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv),
                     0);
    close(sv[1]);
    tx.fd = sv[0];
    /* No SIGPIPE either: the test would die of it. */
    assert_int_equal(ioloop_submit(t->loop, &tx), ST_OK);
    loop_until(t->loop, &results[1].calls, 1);
    if (results[1].res != -EPIPE)
        print_error("%s: send to a closed peer: expected %d (EPIPE), got "
                    "%d\n",
                    name_of(t), -EPIPE, results[1].res);
    assert_int_equal(results[1].res, -EPIPE);
    close(sv[0]);
}

static void test_loop_wait_times_out_without_completions(void **state)
{
    struct tstate *t = *state;
    int sv[2];
    char in[4];
    struct io_op rx = {
        .done = op_done, .kind = IO_RECV, .buf = in, .len = sizeof(in)};

    need_backend(t);
    memset(results, 0, sizeof(results));
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv),
                     0);
    rx.fd = sv[0];
    assert_int_equal(ioloop_submit(t->loop, &rx), ST_OK);
    int64_t t0 = now_ms();
    assert_int_equal(ioloop_wait(t->loop, 150), ST_OK);
    int64_t took = now_ms() - t0;
    assert_int_equal(results[0].calls, 0);
    if (took < 100 || took > 1500)
        print_error("%s: a wait of 150 ms with nothing ready took %lld ms\n",
                    name_of(t), (long long)took);
    assert_true(took >= 100 && took <= 1500);

    /* Shut it to get the op back before the socket goes. */
    shutdown(sv[0], SHUT_RDWR);
    loop_until(t->loop, &results[0].calls, 1);
    close(sv[0]);
    close(sv[1]);
}

static void test_poll_loop_refuses_ops_past_its_maximum(void **state)
{
    struct tstate *t = *state;
    struct ioloop *l;
    int sv[2];
    char in[3][4];
    struct io_op rx[3];

    if (!t->force_poll)
        skip(); /* the poll backend's own bound */
    assert_int_equal(ioloop_new(&l, 2, true, NULL, 0), ST_OK);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv),
                     0);
    memset(results, 0, sizeof(results));
    for (int i = 0; i < 3; i++)
        rx[i] = (struct io_op){.done = op_done,
                               .kind = IO_RECV,
                               .fd = sv[0],
                               .buf = in[i],
                               .len = 4};
    assert_int_equal(ioloop_submit(l, &rx[0]), ST_OK);
    assert_int_equal(ioloop_submit(l, &rx[1]), ST_OK);
    assert_int_equal(ioloop_submit(l, &rx[2]), ST_NOMEM);
    assert_false(rx[2].pending);
    shutdown(sv[0], SHUT_RDWR);
    loop_until(l, &results[0].calls, 2);
    ioloop_free(l);
    close(sv[0]);
    close(sv[1]);
}

/* ---- pipelining ---------------------------------------------------------- */

#define PIPE_N 300 /* past the request ring's first 256 */

/* Replies of four kinds, in order, all in one write. */
static void script_pipeline(struct fake *f)
{
    struct fconn fc;
    char cmd[64], out[64 * PIPE_N];
    size_t o = 0;

    if (!fk_accept(f, &fc))
        return;
    for (int i = 0; i < PIPE_N; i++) {
        char want[32];
        snprintf(want, sizeof(want), "ECHO %d", i);
        if (!fk_expect(f, &fc, want))
            goto out;
    }
    for (int i = 0; i < PIPE_N; i++) {
        switch (i % 4) {
        case 0:
            snprintf(cmd, sizeof(cmd), "$%d\r\n%d\r\n",
                     snprintf(NULL, 0, "%d", i), i);
            break;
        case 1:
            snprintf(cmd, sizeof(cmd), ":%d\r\n", i);
            break;
        case 2:
            snprintf(cmd, sizeof(cmd), "-ERR no %d\r\n", i);
            break;
        default:
            snprintf(cmd, sizeof(cmd), "*2\r\n$1\r\na\r\n:%d\r\n", i);
        }
        o += (size_t)snprintf(out + o, sizeof(out) - o, "%s", cmd);
    }
    fk_send(f, &fc, out, o);
    fk_wait_eof(f, &fc);
out:
    fk_close(&fc);
}

static void
test_pipelined_replies_arrive_in_order_with_ctx_and_tag(void **state)
{
    struct tstate *t = *state;

    need_backend(t);
    start_server(t, script_pipeline);
    open_conn(t);
    for (int i = 0; i < PIPE_N; i++)
        append_echo(t, i);
    assert_int_equal(conn_outstanding(t->c), PIPE_N);
    assert_int_equal(pump_replies(t, PIPE_N, 3000), ST_OK);
    assert_int_equal(t->ngot, PIPE_N);

    for (int i = 0; i < PIPE_N; i++) {
        struct got *g = &t->got[i];
        char want[32];
        int want_type[] = {REDIS_REPLY_STRING, REDIS_REPLY_INTEGER,
                           REDIS_REPLY_ERROR, REDIS_REPLY_ARRAY};
        switch (i % 4) {
        case 0:
            snprintf(want, sizeof(want), "%d", i);
            break;
        case 2:
            snprintf(want, sizeof(want), "ERR no %d", i);
            break;
        default:
            want[0] = '\0';
        }
        if (g->tag != (uint32_t)i || g->ctx != &t->ctxs[i] ||
            g->type != want_type[i % 4] || strcmp(g->str, want) != 0 ||
            (i % 4 == 1 && g->integer != i) ||
            (i % 4 == 3 && g->elements != 2) || g->flags)
            print_error("%s: reply #%d: expected tag %d type %d \"%s\", "
                        "got tag %u type %d \"%s\" integer %lld flags %u\n",
                        name_of(t), i, i, want_type[i % 4], want, g->tag,
                        g->type, g->str, g->integer, g->flags);
        assert_int_equal(g->tag, i);
        assert_ptr_equal(g->ctx, &t->ctxs[i]);
        assert_int_equal(g->type, want_type[i % 4]);
        assert_string_equal(g->str, want);
        assert_int_equal(g->flags, 0);
    }
    assert_int_equal(conn_outstanding(t->c), 0);
    assert_int_equal(conn_error(t->c), ST_OK);
    assert_int_equal(atomic_load(&t->reconnects), 0);
    conn_close(t->c);
    t->c = NULL;
    join_server(t);
}

/* ---- a reply cut into pieces --------------------------------------------- */

static const char split_reply[] =
    "*4\r\n$5\r\nhello\r\n:42\r\n$-1\r\n*2\r\n$0\r\n\r\n+in\r\n"
    "+OK\r\n";

static void script_split(struct fake *f)
{
    struct fconn fc;

    if (!fk_accept(f, &fc))
        return;
    if (fk_expect(f, &fc, "ECHO 1") && fk_expect(f, &fc, "ECHO 2")) {
        /* One byte per segment: TCP_NODELAY and a pause between. */
        for (size_t i = 0; i < sizeof(split_reply) - 1; i++) {
            fk_send(f, &fc, split_reply + i, 1);
            sleep_ms(1);
        }
    }
    fk_wait_eof(f, &fc);
    fk_close(&fc);
}

static void test_a_reply_split_into_tiny_writes_is_reassembled(void **state)
{
    struct tstate *t = *state;
    struct got *g;

    need_backend(t);
    start_server(t, script_split);
    open_conn(t);
    append_echo(t, 1);
    append_echo(t, 2);
    assert_int_equal(pump_replies(t, 2, 3000), ST_OK);
    assert_int_equal(t->ngot, 2);

    g = &t->got[0];
    if (g->type != REDIS_REPLY_ARRAY || g->elements != 4)
        print_error("%s: reply 1: expected an array of 4, got type %d with "
                    "%zu elements\n",
                    name_of(t), g->type, g->elements);
    assert_int_equal(g->type, REDIS_REPLY_ARRAY);
    assert_int_equal(g->elements, 4);
    assert_int_equal(g->tag, 1);
    expect_got(t, 1, 2, 0, "OK");
    assert_int_equal(t->got[1].type, REDIS_REPLY_STATUS);
    conn_close(t->c);
    t->c = NULL;
    join_server(t);
}

/* ---- broken bytes -------------------------------------------------------- */

static void script_garbage(struct fake *f)
{
    struct fconn fc;

    if (!fk_accept(f, &fc))
        return;
    if (fk_expect(f, &fc, "ECHO 1") && fk_expect(f, &fc, "ECHO 2"))
        fk_send_str(f, &fc, "+OK\r\nHTTP/1.1 400 Bad Request\r\n\r\n");
    fk_wait_eof(f, &fc);
    fk_close(&fc);
}

static void
test_broken_resp_is_a_protocol_error_naming_the_endpoint(void **state)
{
    struct tstate *t = *state;
    status rc;

    need_backend(t);
    start_server(t, script_garbage);
    open_conn(t);
    append_echo(t, 1);
    append_echo(t, 2);
    rc = pump_error(t, 3000);
    if (rc != ST_PROTOCOL)
        print_error("%s: expected \"%s\", got \"%s\" (%s)\n", name_of(t),
                    status_str(ST_PROTOCOL), status_str(rc),
                    conn_error_msg(t->c));
    assert_int_equal(rc, ST_PROTOCOL);
    expect_got(t, 0, 1, 0, "OK");
    assert_int_equal(t->ngot, 1);
    expect_msg_names_endpoint(t, conn_error_msg(t->c));

    /* The error sticks. */
    assert_int_equal(conn_error(t->c), ST_PROTOCOL);
    assert_int_equal(conn_service(t->c), ST_PROTOCOL);
    redisReply *r = (redisReply *)1;
    assert_int_equal(conn_callv(t->c, &r, "PING", NULL), ST_PROTOCOL);
    assert_null(r);
    assert_int_equal(atomic_load(&t->reconnects), 0);

    /* Closing hands the unanswered request back with no reply. */
    conn_close(t->c);
    t->c = NULL;
    assert_true(t->ngot >= 2);
    expect_got(t, 1, 2, 0, NULL);
    join_server(t);
}

/* ---- AUTH and the handshake ---------------------------------------------- */

static void script_auth_refused(struct fake *f)
{
    struct fconn fc;

    if (!fk_accept(f, &fc))
        return;
    if (fk_expect(f, &fc, "AUTH mig s3cret-pw"))
        fk_send_str(f, &fc,
                    "-WRONGPASS invalid username-password pair or "
                    "user is disabled.\r\n");
    fk_wait_eof(f, &fc);
    fk_close(&fc);
}

static void
test_a_refused_auth_is_an_auth_error_without_the_secret(void **state)
{
    struct tstate *t = *state;
    static char user[] = "mig", pw[] = "s3cret-pw";
    status rc;

    need_backend(t);
    t->ep.user = user;
    t->ep.password = pw;
    start_server(t, script_auth_refused);
    open_conn(t);
    assert_false(conn_ready(t->c));
    append_echo(t, 1);
    rc = pump_error(t, 3000);
    if (rc != ST_AUTH)
        print_error("%s: expected \"%s\", got \"%s\" (%s)\n", name_of(t),
                    status_str(ST_AUTH), status_str(rc), conn_error_msg(t->c));
    assert_int_equal(rc, ST_AUTH);
    expect_msg_names_endpoint(t, conn_error_msg(t->c));
    if (strstr(conn_error_msg(t->c), pw))
        print_error("%s: the message holds the password: \"%s\"\n", name_of(t),
                    conn_error_msg(t->c));
    assert_null(strstr(conn_error_msg(t->c), pw));
    assert_int_equal(t->ngot, 0); /* the handshake never reaches the owner */
    assert_int_equal(atomic_load(&t->reconnects), 0);
    conn_close(t->c);
    t->c = NULL;
    expect_got(t, 0, 1, 0, NULL);
    join_server(t);
}

static void script_noauth(struct fake *f)
{
    struct fconn fc;

    if (!fk_accept(f, &fc))
        return;
    if (fk_expect(f, &fc, "CLIENT SETNAME rm-test"))
        fk_send_str(f, &fc, "-NOAUTH Authentication required.\r\n");
    fk_wait_eof(f, &fc);
    fk_close(&fc);
}

static void test_a_server_wanting_a_password_is_an_auth_error(void **state)
{
    struct tstate *t = *state;
    status rc;

    need_backend(t);
    t->cfg.client_name = "rm-test";
    start_server(t, script_noauth);
    open_conn(t);
    append_echo(t, 1);
    rc = pump_error(t, 3000);
    if (rc != ST_AUTH)
        print_error("%s: expected \"%s\", got \"%s\" (%s)\n", name_of(t),
                    status_str(ST_AUTH), status_str(rc), conn_error_msg(t->c));
    assert_int_equal(rc, ST_AUTH);
    expect_msg_names_endpoint(t, conn_error_msg(t->c));
    conn_close(t->c);
    t->c = NULL;
    join_server(t);
}

static void script_handshake(struct fake *f)
{
    struct fconn fc;

    if (!fk_accept(f, &fc))
        return;
    if (fk_expect(f, &fc, "AUTH s3cret-pw") && fk_expect(f, &fc, "SELECT 3") &&
        fk_expect(f, &fc, "CLIENT SETNAME rm-test") &&
        fk_expect(f, &fc, "CLIENT NO-TOUCH on")) {
        /* An older server without NO-TOUCH: an optional feature. */
        fk_send_str(f, &fc,
                    "+OK\r\n+OK\r\n+OK\r\n-ERR unknown subcommand "
                    "'NO-TOUCH'. Try CLIENT HELP.\r\n");
        if (fk_expect(f, &fc, "ECHO 1"))
            fk_send_str(f, &fc, "$1\r\n1\r\n");
    }
    fk_wait_eof(f, &fc);
    fk_close(&fc);
}

static void test_the_handshake_runs_first_and_stays_inside(void **state)
{
    struct tstate *t = *state;
    static char pw[] = "s3cret-pw";

    need_backend(t);
    t->ep.password = pw;
    t->cfg.db = 3;
    t->cfg.client_name = "rm-test";
    t->cfg.no_touch = true;
    start_server(t, script_handshake);
    open_conn(t);
    append_echo(t, 1);
    assert_int_equal(pump_replies(t, 1, 3000), ST_OK);
    assert_true(conn_ready(t->c));
    assert_int_equal(t->ngot, 1);
    expect_got(t, 0, 1, 0, "1");
    conn_close(t->c);
    t->c = NULL;
    join_server(t);
}

/* ---- losing the connection ------------------------------------------------
 */

/* Answers 1 and 2 of six requests, hangs up, then on the next connection
 * wants the handshake again and 3..7 in order. */
static void script_drop_mid_pipeline(struct fake *f)
{
    struct fconn fc;
    char want[32];

    if (!fk_accept(f, &fc))
        return;
    if (!fk_expect(f, &fc, "CLIENT SETNAME rm-test") ||
        !fk_expect(f, &fc, "CLIENT NO-TOUCH on"))
        goto out;
    fk_send_str(f, &fc, "+OK\r\n+OK\r\n");
    for (int i = 1; i <= 6; i++) {
        snprintf(want, sizeof(want), "ECHO %d", i);
        if (!fk_expect(f, &fc, want))
            goto out;
    }
    fk_send_str(f, &fc, "$1\r\n1\r\n$1\r\n2\r\n");
    fk_hang_up(&fc);
    atomic_store(&f->step, 1);

    if (!fk_accept(f, &fc))
        return;
    if (!fk_expect(f, &fc, "CLIENT SETNAME rm-test") ||
        !fk_expect(f, &fc, "CLIENT NO-TOUCH on"))
        goto out;
    fk_send_str(f, &fc, "+OK\r\n+OK\r\n");
    for (int i = 3; i <= 7; i++) {
        char cmd[64];
        if (!fk_read(f, &fc, cmd, sizeof(cmd), false))
            goto out;
        fk_answer(f, &fc, cmd);
    }
    fk_wait_eof(f, &fc);
out:
    fk_close(&fc);
}

static void
test_a_dropped_connection_is_rebuilt_and_resent_in_order(void **state)
{
    struct tstate *t = *state;
    char want[16];

    need_backend(t);
    t->cfg.client_name = "rm-test";
    t->cfg.no_touch = true;
    start_server(t, script_drop_mid_pipeline);
    open_conn(t);
    for (int i = 1; i <= 6; i++)
        append_echo(t, i);
    assert_int_equal(pump_replies(t, 2, 3000), ST_OK);
    assert_int_equal(t->ngot, 2);

    /* Request 7 goes in after the loss and before the reconnect: it was
     * never sent, so it is no resend. */
    wait_not_ready(t, 3000);
    append_echo(t, 7);
    assert_int_equal(pump_replies(t, 7, 5000), ST_OK);

    for (int i = 1; i <= 7; i++) {
        snprintf(want, sizeof(want), "%d", i);
        expect_got(t, (size_t)i - 1, (uint32_t)i,
                   i >= 3 && i <= 6 ? CONN_RESENT : 0, want);
    }
    assert_int_equal(t->ngot, 7);
    assert_int_equal(atomic_load(&t->reconnects), 1);
    assert_int_equal(atomic_load(&t->fk.conns), 2);
    assert_int_equal(conn_outstanding(t->c), 0);
    assert_true(conn_ready(t->c));
    conn_close(t->c);
    t->c = NULL;
    join_server(t);
}

/* Reads one request, then resets the connection when told; the next
 * connection reads four requests and echoes them. */
static void script_reset_during_send(struct fake *f)
{
    struct fconn fc;
    char cmd[64];

    if (!fk_accept(f, &fc))
        return;
    if (!fk_expect(f, &fc, "ECHO 1"))
        goto out;
    atomic_store(&f->step, 1);
    if (!fk_wait_go(f, 1))
        goto out;
    fk_reset(&fc);
    atomic_store(&f->step, 2);

    if (!fk_accept(f, &fc))
        return;
    for (int i = 0; i < 4; i++) {
        if (!fk_read(f, &fc, cmd, sizeof(cmd), false))
            goto out;
        fk_answer(f, &fc, cmd);
    }
    fk_wait_eof(f, &fc);
out:
    fk_close(&fc);
}

static void
test_requests_queued_during_a_lost_send_keep_their_order(void **state)
{
    struct tstate *t = *state;
    char want[16];

    need_backend(t);
    start_server(t, script_reset_during_send);
    open_conn(t);

    /* 1 is sent and read; then the server resets the connection. */
    append_echo(t, 1);
    assert_int_equal(conn_service(t->c), ST_OK);
    wait_step(t, 1, true);
    assert_int_equal(ioloop_wait(t->loop, 0), ST_OK);
    atomic_store(&t->fk.go, 1);
    wait_step(t, 2, false);
    sleep_ms(50);

    /* 2 goes into a send that will fail; 3 is appended while that send is
     * in flight; 4 after the loss was seen. */
    append_echo(t, 2);
    assert_int_equal(conn_service(t->c), ST_OK);
    append_echo(t, 3);
    wait_not_ready(t, 2000);
    for (int i = 0; i < 3; i++)
        assert_int_equal(ioloop_wait(t->loop, 10), ST_OK);
    append_echo(t, 4);

    assert_int_equal(pump_replies(t, 4, 5000), ST_OK);
    conn_close(t->c);
    t->c = NULL;
    join_server(t);
    if (strcmp(t->fk.log, "ECHO 1|ECHO 1|ECHO 2|ECHO 3|ECHO 4") != 0)
        print_error("%s: the server read \"%s\"; expected \"%s\"\n", name_of(t),
                    t->fk.log, "ECHO 1|ECHO 1|ECHO 2|ECHO 3|ECHO 4");
    assert_int_equal(t->ngot, 4);
    for (int i = 1; i <= 4; i++) {
        snprintf(want, sizeof(want), "%d", i);
        expect_got(t, (size_t)i - 1, (uint32_t)i, t->got[i - 1].flags /* any */,
                   want);
    }
    assert_string_equal(t->fk.log, "ECHO 1|ECHO 1|ECHO 2|ECHO 3|ECHO 4");
}

/* Reads one request and goes away for good. */
static void script_gone(struct fake *f)
{
    struct fconn fc;

    if (!fk_accept(f, &fc))
        return;
    fk_expect(f, &fc, "ECHO 1");
    close(f->lfd);
    f->lfd = -1;
    fk_hang_up(&fc);
}

static void test_a_server_that_never_returns_is_a_sticky_error(void **state)
{
    struct tstate *t = *state;
    status rc;
    int64_t t0;

    need_backend(t);
    t->cfg.max_retries = 2;
    start_server(t, script_gone);
    open_conn(t);
    append_echo(t, 1);
    t0 = now_ms();
    rc = pump_error(t, 5000);
    if (rc != ST_CONNECT)
        print_error("%s: expected \"%s\", got \"%s\" (%s)\n", name_of(t),
                    status_str(ST_CONNECT), status_str(rc),
                    conn_error_msg(t->c));
    assert_int_equal(rc, ST_CONNECT);
    assert_true(now_ms() - t0 < 4000);
    expect_msg_names_endpoint(t, conn_error_msg(t->c));
    if (!strstr(conn_error_msg(t->c), "2 reconnect attempts"))
        print_error("%s: the message should count the attempts: \"%s\"\n",
                    name_of(t), conn_error_msg(t->c));
    assert_non_null(strstr(conn_error_msg(t->c), "2 reconnect attempts"));
    assert_int_equal(conn_service(t->c), ST_CONNECT);
    assert_int_equal(conn_error(t->c), ST_CONNECT);
    assert_int_equal(atomic_load(&t->reconnects), 0);
    conn_close(t->c);
    t->c = NULL;
    expect_got(t, 0, 1, 0, NULL);
    join_server(t);
}

/* Takes every connection and drops it at once, until the test ends. */
static void script_drop_every_connection(struct fake *f)
{
    struct fconn fc;

    while (!atomic_load(&f->quit)) {
        if (!fk_wait_readable(f, f->lfd, 100))
            continue;
        if (!fk_accept(f, &fc))
            return;
        fk_close(&fc);
    }
}

static void test_a_server_dropping_every_connection_is_given_up_on(void **state)
{
    struct tstate *t = *state;
    status rc;

    need_backend(t);
    t->cfg.max_retries = 2;
    start_server(t, script_drop_every_connection);
    open_conn(t);
    append_echo(t, 1);
    rc = pump_error(t, 4000);
    if (rc == ST_OK)
        print_error("%s: after 4 s against a server that accepts and at "
                    "once closes every connection, max_retries %d: still "
                    "no error, %llu reconnects, %d connections\n",
                    name_of(t), t->cfg.max_retries,
                    (unsigned long long)atomic_load(&t->reconnects),
                    atomic_load(&t->fk.conns));
    assert_int_not_equal(rc, ST_OK);
    expect_msg_names_endpoint(t, conn_error_msg(t->c));
    assert_true(atomic_load(&t->reconnects) <= (uint64_t)t->cfg.max_retries);
}

/* Reads one request and stays silent until the client gives up on this
 * connection; the next connection answers. */
static void script_silent_once(struct fake *f)
{
    struct fconn fc;
    char cmd[64];

    if (!fk_accept(f, &fc))
        return;
    if (!fk_expect(f, &fc, "ECHO 1"))
        goto out;
    fk_wait_eof(f, &fc);
    fk_close(&fc);
    if (!fk_accept(f, &fc))
        return;
    if (fk_read(f, &fc, cmd, sizeof(cmd), false))
        fk_answer(f, &fc, cmd);
    fk_wait_eof(f, &fc);
out:
    fk_close(&fc);
}

static void
test_a_silent_server_is_treated_as_lost_after_the_timeout(void **state)
{
    struct tstate *t = *state;

    need_backend(t);
    t->cfg.reply_timeout_ms = 300;
    start_server(t, script_silent_once);
    open_conn(t);
    append_echo(t, 1);
    assert_int_equal(pump_replies(t, 1, 4000), ST_OK);
    expect_got(t, 0, 1, CONN_RESENT, "1");
    assert_int_equal(atomic_load(&t->reconnects), 1);
    conn_close(t->c);
    t->c = NULL;
    join_server(t);
}

/* Serves connections one after the other, echoing, until the test ends. */
static void script_echo(struct fake *f)
{
    struct fconn fc;
    char cmd[256];

    while (!atomic_load(&f->quit)) {
        if (!fk_wait_readable(f, f->lfd, 100))
            continue;
        if (!fk_accept(f, &fc))
            return;
        while (fk_read(f, &fc, cmd, sizeof(cmd), true))
            fk_answer(f, &fc, cmd);
        fk_close(&fc);
    }
}

static void test_an_idle_connection_outlives_the_reply_timeout(void **state)
{
    struct tstate *t = *state;

    need_backend(t);
    t->cfg.reply_timeout_ms = 300;
    start_server(t, script_echo);
    open_conn(t);

    /* Nothing outstanding for longer than the reply timeout. */
    pump_for(t, 700);
    append_echo(t, 1);
    assert_int_equal(pump_replies(t, 1, 3000), ST_OK);
    expect_got(t, 0, 1, 0, "1");
    if (atomic_load(&t->reconnects) != 0)
        print_error("%s: a request sent after 700 ms of idleness (reply "
                    "timeout 300 ms) caused %llu reconnects; expected 0\n",
                    name_of(t),
                    (unsigned long long)atomic_load(&t->reconnects));
    assert_int_equal(atomic_load(&t->reconnects), 0);
    assert_int_equal(atomic_load(&t->fk.conns), 1);
}

static void *stop_later(void *arg)
{
    struct tstate *t = arg;
    sleep_ms(300);
    atomic_store(&t->stop, true);
    return NULL;
}

static void test_a_stop_request_cuts_the_reconnect_short(void **state)
{
    struct tstate *t = *state;
    pthread_t th;
    status rc;
    int64_t t0;

    need_backend(t);
    t->cfg.max_retries = 100; /* minutes of retrying, were it not stopped */
    start_server(t, script_gone);
    open_conn(t);
    append_echo(t, 1);
    t0 = now_ms();
    assert_int_equal(pthread_create(&th, NULL, stop_later, t), 0);
    rc = pump_error(t, 5000);
    pthread_join(th, NULL);
    if (rc != ST_INTERRUPTED)
        print_error("%s: expected \"%s\", got \"%s\" (%s)\n", name_of(t),
                    status_str(ST_INTERRUPTED), status_str(rc),
                    conn_error_msg(t->c));
    assert_int_equal(rc, ST_INTERRUPTED);
    assert_true(now_ms() - t0 < 2000);
    conn_close(t->c);
    t->c = NULL;
    join_server(t);
}

/* ---- conn_call and conn_close -------------------------------------------- */

static void test_conn_call_returns_the_reply_to_the_caller(void **state)
{
    struct tstate *t = *state;
    redisReply *r = NULL;
    const char *argv[] = {"ECHO", "a\r\nb"};
    const size_t lens[] = {4, 4};

    need_backend(t);
    t->cfg.client_name = "rm-test";
    start_server(t, script_echo);
    open_conn(t);
    assert_int_equal(conn_callv(t->c, &r, "PING", NULL), ST_OK);
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_STATUS);
    assert_string_equal(r->str, "PONG");
    freeReplyObject(r);

    assert_int_equal(conn_call(t->c, &r, 2, argv, lens), ST_OK);
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_STRING);
    assert_int_equal(r->len, 4);
    assert_memory_equal(r->str, "a\r\nb", 4);
    freeReplyObject(r);

    assert_int_equal(conn_callv(t->c, &r, "ECHO", "x", NULL), ST_OK);
    assert_string_equal(r->str, "x");
    freeReplyObject(r);
    assert_int_equal(t->ngot, 0); /* nothing reached the callback */
    assert_int_equal(conn_outstanding(t->c), 0);
}

static void script_silent(struct fake *f)
{
    struct fconn fc;

    if (!fk_accept(f, &fc))
        return;
    fk_expect(f, &fc, "PING");
    fk_wait_eof(f, &fc);
    fk_close(&fc);
}

static void test_conn_call_gives_up_on_a_silent_server(void **state)
{
    struct tstate *t = *state;
    redisReply *r = (redisReply *)1;
    int64_t t0 = now_ms();

    need_backend(t);
    t->cfg.reply_timeout_ms = 300;
    start_server(t, script_silent);
    open_conn(t);
    status rc = conn_callv(t->c, &r, "PING", NULL);
    if (rc != ST_TIMEOUT)
        print_error("%s: expected \"%s\", got \"%s\" (%s)\n", name_of(t),
                    status_str(ST_TIMEOUT), status_str(rc),
                    conn_error_msg(t->c));
    assert_int_equal(rc, ST_TIMEOUT);
    assert_null(r);
    assert_true(now_ms() - t0 < 2000);
    expect_msg_names_endpoint(t, conn_error_msg(t->c));
    conn_close(t->c);
    t->c = NULL;
    join_server(t);
}

/* Reads five requests, answers two, and waits. */
static void script_answer_two(struct fake *f)
{
    struct fconn fc;
    char cmd[64];

    if (!fk_accept(f, &fc))
        return;
    for (int i = 1; i <= 5; i++)
        if (!fk_read(f, &fc, cmd, sizeof(cmd), false))
            goto out;
    fk_send_str(f, &fc, "$1\r\n1\r\n$1\r\n2\r\n");
    atomic_store(&f->step, 1);
    fk_wait_eof(f, &fc);
out:
    fk_close(&fc);
}

static void test_close_hands_back_every_unanswered_request(void **state)
{
    struct tstate *t = *state;

    need_backend(t);
    start_server(t, script_answer_two);
    open_conn(t);
    for (int i = 1; i <= 5; i++)
        append_echo(t, i);
    assert_int_equal(pump_replies(t, 2, 3000), ST_OK);
    wait_step(t, 1, true);

    /* Three more that are never sent. */
    for (int i = 6; i <= 8; i++)
        append_echo(t, i);
    assert_int_equal(conn_outstanding(t->c), 6);
    conn_close(t->c);
    t->c = NULL;

    assert_int_equal(t->ngot, 8);
    expect_got(t, 0, 1, 0, "1");
    expect_got(t, 1, 2, 0, "2");
    for (int i = 3; i <= 8; i++)
        expect_got(t, (size_t)i - 1, (uint32_t)i, 0, NULL);
    join_server(t);
}

static void test_an_unreachable_server_fails_open_with_a_message(void **st)
{
    struct tstate *t = *st;
    char err[512] = "";
    struct conn *c = (struct conn *)1;

    need_backend(t);
    close(t->fk.lfd); /* nothing listens there now */
    t->fk.lfd = -1;
    status rc = conn_open(&c, t->loop, &t->cfg, on_reply, t, err, sizeof(err));
    if (rc != ST_CONNECT)
        print_error("%s: expected \"%s\", got \"%s\" (%s)\n", name_of(t),
                    status_str(ST_CONNECT), status_str(rc), err);
    assert_int_equal(rc, ST_CONNECT);
    assert_null(c);
    expect_msg_names_endpoint(t, err);
}

/* ---- main ---------------------------------------------------------------- */

/* Each test twice: on io_uring, then on the poll loop. */
#define BOTH(fn)                                                               \
    {"io_uring: " #fn, fn, setup_uring, teardown, NULL},                       \
    {                                                                          \
        "poll: " #fn, fn, setup_poll, teardown, NULL                           \
    }

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH(test_loop_reports_its_backend),
        BOTH(test_loop_completes_a_send_and_a_recv),
        BOTH(test_loop_gives_errors_as_negative_errno),
        BOTH(test_loop_wait_times_out_without_completions),
        BOTH(test_poll_loop_refuses_ops_past_its_maximum),
        BOTH(test_pipelined_replies_arrive_in_order_with_ctx_and_tag),
        BOTH(test_a_reply_split_into_tiny_writes_is_reassembled),
        BOTH(test_broken_resp_is_a_protocol_error_naming_the_endpoint),
        BOTH(test_a_refused_auth_is_an_auth_error_without_the_secret),
        BOTH(test_a_server_wanting_a_password_is_an_auth_error),
        BOTH(test_the_handshake_runs_first_and_stays_inside),
        BOTH(test_a_dropped_connection_is_rebuilt_and_resent_in_order),
        BOTH(test_requests_queued_during_a_lost_send_keep_their_order),
        BOTH(test_a_server_that_never_returns_is_a_sticky_error),
        BOTH(test_a_server_dropping_every_connection_is_given_up_on),
        BOTH(test_a_silent_server_is_treated_as_lost_after_the_timeout),
        BOTH(test_an_idle_connection_outlives_the_reply_timeout),
        BOTH(test_a_stop_request_cuts_the_reconnect_short),
        BOTH(test_conn_call_returns_the_reply_to_the_caller),
        BOTH(test_conn_call_gives_up_on_a_silent_server),
        BOTH(test_close_hands_back_every_unanswered_request),
        BOTH(test_an_unreachable_server_fails_open_with_a_message),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
