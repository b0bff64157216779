/*
 * split-stream: cuts a RESP command stream (the ceiling's RESTOREs, or any
 * stream whose commands name their key as the first argument) into one
 * file per master of a cluster, so that each part can be piped into its
 * node with `redis-cli --pipe`. The slot map comes from CLUSTER SLOTS of
 * the node given; a key goes to the master owning CRC16 of its hash tag
 * (the whole key when it has none), mod 16384.
 *
 * Prints one line per master, in the order of the files:
 *   node INDEX HOST PORT keys N bytes B
 * A key of a slot no master owns is an error, as is a malformed stream.
 *
 * Single-threaded. Reads the input once, buffered; memory is one command.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "benchtool.h"

#define SLOTS     16384
#define MAX_NODES 64
#define HOST_MAX  256

struct node {
    char host[HOST_MAX];
    int port;
    FILE *out;
    unsigned long long keys, bytes;
};

struct split {
    struct node nodes[MAX_NODES];
    int n_nodes;
    short owner[SLOTS]; /* index into nodes, -1: unowned */
};

/* CRC16-CCITT (XMODEM: polynomial 0x1021, initial value 0), the checksum
 * Redis Cluster takes of a key, bit by bit. */
static unsigned crc16(const unsigned char *p, size_t len)
{
    unsigned crc = 0;
    size_t i;
    int b;

    for (i = 0; i < len; i++) {
        crc ^= (unsigned)p[i] << 8;
        for (b = 0; b < 8; b++)
            crc = (crc & 0x8000) ? (crc << 1) ^ 0x1021 : crc << 1;
        crc &= 0xffff;
    }
    return crc;
}

/* The slot of a key: only the part between the first '{' and the next '}'
 * counts when that part is not empty. */
unsigned bt_key_slot(const unsigned char *key, size_t len)
{
    const unsigned char *open = memchr(key, '{', len), *close;

    if (open != NULL) {
        size_t rest = len - (size_t)(open - key) - 1;

        close = memchr(open + 1, '}', rest);
        if (close != NULL && close > open + 1)
            return crc16(open + 1, (size_t)(close - open - 1)) & (SLOTS - 1);
    }
    return crc16(key, len) & (SLOTS - 1);
}

/* The index of master host:port, added when new. */
static int node_index(struct split *s, const char *host, size_t hlen, int port)
{
    int i;

    for (i = 0; i < s->n_nodes; i++)
        if (s->nodes[i].port == port && strlen(s->nodes[i].host) == hlen &&
            memcmp(s->nodes[i].host, host, hlen) == 0)
            return i;
    if (s->n_nodes == MAX_NODES || hlen >= HOST_MAX) {
        fprintf(
            stderr,
            "benchtool split-stream: too many masters or too long a host\n");
        return -1;
    }
    memcpy(s->nodes[s->n_nodes].host, host, hlen);
    s->nodes[s->n_nodes].host[hlen] = '\0';
    s->nodes[s->n_nodes].port = port;
    return s->n_nodes++;
}

/* Reads CLUSTER SLOTS from host:port into s->owner and s->nodes. */
static int read_slot_map(struct split *s, const char *host, int port)
{
    redisContext *c = redisConnect(host, port);
    redisReply *r = NULL;
    size_t i;
    int rc = -1, slot;

    for (slot = 0; slot < SLOTS; slot++)
        s->owner[slot] = -1;
    if (c == NULL || c->err) {
        fprintf(stderr, "benchtool split-stream: cannot connect to %s:%d: %s\n",
                host, port, c ? c->errstr : "out of memory");
        goto out;
    }
    r = redisCommand(c, "CLUSTER SLOTS");
    if (r == NULL || r->type != REDIS_REPLY_ARRAY) {
        fprintf(stderr, "benchtool split-stream: CLUSTER SLOTS failed: %s\n",
                r == NULL                      ? c->errstr
                : r->type == REDIS_REPLY_ERROR ? r->str
                                               : "not an array");
        goto out;
    }
    for (i = 0; i < r->elements; i++) {
        const redisReply *e = r->element[i], *m;
        long long a, b;
        int idx;

        if (e->type != REDIS_REPLY_ARRAY || e->elements < 3 ||
            e->element[2]->type != REDIS_REPLY_ARRAY ||
            e->element[2]->elements < 2) {
            fprintf(stderr,
                    "benchtool split-stream: unexpected CLUSTER SLOTS entry\n");
            goto out;
        }
        a = e->element[0]->integer;
        b = e->element[1]->integer;
        m = e->element[2];
        if (a < 0 || b >= SLOTS || a > b ||
            m->element[0]->type != REDIS_REPLY_STRING) {
            fprintf(stderr,
                    "benchtool split-stream: bad slot range %lld-%lld\n", a, b);
            goto out;
        }
        idx = node_index(s, m->element[0]->str, m->element[0]->len,
                         (int)m->element[1]->integer);
        if (idx < 0)
            goto out;
        for (slot = (int)a; slot <= (int)b; slot++)
            s->owner[slot] = (short)idx;
    }
    rc = 0;
out:
    freeReplyObject(r);
    redisFree(c);
    return rc;
}

/* A growable buffer holding one command as read. */
struct buf {
    char *p;
    size_t len, cap;
};

static int buf_reserve(struct buf *b, size_t more)
{
    size_t cap = b->cap ? b->cap : 4096;
    char *p;

    if (b->len + more <= b->cap)
        return 0;
    while (cap < b->len + more)
        cap *= 2;
    p = realloc(b->p, cap);
    if (p == NULL)
        return -1;
    b->p = p;
    b->cap = cap;
    return 0;
}

/* Appends one "<prefix><number>\r\n" line from `in` to `b` and returns the
 * number, -2 at a clean end of input, -1 on a malformed line. */
static long long read_header(FILE *in, struct buf *b, char prefix)
{
    char line[32];
    char *end;
    long long v;
    size_t n = 0;
    int ch;

    while ((ch = getc_unlocked(in)) != EOF) {
        if (n == sizeof(line) - 1)
            return -1;
        line[n++] = (char)ch;
        if (ch == '\n')
            break;
    }
    if (n == 0 && ch == EOF)
        return -2;
    if (n < 4 || line[0] != prefix || line[n - 2] != '\r' ||
        line[n - 1] != '\n')
        return -1;
    line[n - 2] = '\0';
    errno = 0;
    v = strtoll(line + 1, &end, 10);
    if (errno != 0 || *end != '\0' || v < 0)
        return -1;
    if (buf_reserve(b, n) != 0)
        return -1;
    memcpy(b->p + b->len, line, n - 2);
    memcpy(b->p + b->len + n - 2, "\r\n", 2);
    b->len += n;
    return v;
}

/* Reads one command into `b`; the key (second argument) is at b->p +
 * *key_off, *key_len bytes. Returns 1 for a command, 0 at the end, -1 on
 * a malformed stream. */
static int read_command(FILE *in, struct buf *b, size_t *key_off,
                        size_t *key_len)
{
    long long argc, i, len;

    b->len = 0;
    argc = read_header(in, b, '*');
    if (argc == -2)
        return 0;
    if (argc < 2)
        return -1;
    for (i = 0; i < argc; i++) {
        len = read_header(in, b, '$');
        if (len < 0 || buf_reserve(b, (size_t)len + 2) != 0)
            return -1;
        if (fread(b->p + b->len, 1, (size_t)len + 2, in) != (size_t)len + 2 ||
            b->p[b->len + len] != '\r' || b->p[b->len + len + 1] != '\n')
            return -1;
        if (i == 1) {
            *key_off = b->len;
            *key_len = (size_t)len;
        }
        b->len += (size_t)len + 2;
    }
    return 1;
}

int bt_split_stream(const char *in_path, const char *host, int port,
                    const char *out_prefix)
{
    static struct split s;
    struct buf b = {0};
    char path[4096];
    size_t key_off = 0, key_len = 0;
    unsigned long long total = 0;
    FILE *in = NULL;
    int i, rc, code = 1;

    memset(&s, 0, sizeof(s));
    if (read_slot_map(&s, host, port) != 0)
        goto out;
    if (s.n_nodes == 0) {
        fprintf(stderr, "benchtool split-stream: %s:%d owns no slots\n", host,
                port);
        goto out;
    }
    for (i = 0; i < s.n_nodes; i++) {
        snprintf(path, sizeof(path), "%s.%d", out_prefix, i);
        s.nodes[i].out = fopen(path, "w");
        if (s.nodes[i].out == NULL) {
            perror(path);
            goto out;
        }
        setvbuf(s.nodes[i].out, NULL, _IOFBF, 1 << 20);
    }
    in = fopen(in_path, "r");
    if (in == NULL) {
        perror(in_path);
        goto out;
    }
    setvbuf(in, NULL, _IOFBF, 1 << 20);

    while ((rc = read_command(in, &b, &key_off, &key_len)) == 1) {
        unsigned slot =
            bt_key_slot((const unsigned char *)b.p + key_off, key_len);
        struct node *nd;

        if (s.owner[slot] < 0) {
            fprintf(stderr, "benchtool split-stream: slot %u has no master\n",
                    slot);
            goto out;
        }
        nd = &s.nodes[s.owner[slot]];
        if (fwrite(b.p, 1, b.len, nd->out) != b.len) {
            perror("benchtool split-stream: write");
            goto out;
        }
        nd->keys++;
        nd->bytes += b.len;
        total++;
    }
    if (rc < 0) {
        fprintf(
            stderr,
            "benchtool split-stream: %s: malformed RESP after %llu commands\n",
            in_path, total);
        goto out;
    }
    for (i = 0; i < s.n_nodes; i++) {
        if (fflush(s.nodes[i].out) != 0 || ferror(s.nodes[i].out)) {
            perror("benchtool split-stream: write");
            goto out;
        }
    }
    for (i = 0; i < s.n_nodes; i++)
        printf("node %d %s %d keys %llu bytes %llu\n", i, s.nodes[i].host,
               s.nodes[i].port, s.nodes[i].keys, s.nodes[i].bytes);
    code = 0;
out:
    for (i = 0; i < s.n_nodes; i++)
        if (s.nodes[i].out != NULL)
            fclose(s.nodes[i].out);
    if (in != NULL)
        fclose(in);
    free(b.p);
    return code;
}

int bt_key_slot_cmd(const char *key)
{
    printf("%u\n", bt_key_slot((const unsigned char *)key, strlen(key)));
    return 0;
}
