/*
 * The reference paths of the bench, driven through hiredis's blocking API:
 *
 *   dump-stream  prepares the ingest-ceiling row. It SCANs the source, DUMPs
 *                every key with its PEXPIRETIME (pipelined, one round trip
 *                per SCAN page) and writes RESTORE commands as raw RESP to a
 *                file. The bench times only `redis-cli --pipe < file`.
 *   migrate      is the server-side row: SCAN the source and let it push the
 *                keys itself with MIGRATE ... COPY REPLACE KEYS, in batches.
 *
 * Single-threaded. Each function owns its connection and buffers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "benchtool.h"

#define SCAN_COUNT "1000"

/* Connects to host:port; prints why on failure and returns NULL. */
static redisContext *connect_to(const char *what, const char *host, int port)
{
    redisContext *c = redisConnect(host, port);

    if (c == NULL || c->err) {
        fprintf(stderr, "benchtool: cannot connect to the %s %s:%d: %s\n", what,
                host, port, c ? c->errstr : "out of memory");
        redisFree(c);
        return NULL;
    }
    return c;
}

/* One SCAN call: returns the reply (an array of cursor and keys) and copies
 * the next cursor into `cursor` (at least 32 bytes), or NULL on error. */
static redisReply *scan_page(redisContext *c, char *cursor)
{
    redisReply *r = redisCommand(c, "SCAN %s COUNT " SCAN_COUNT, cursor);

    if (r == NULL) {
        fprintf(stderr, "benchtool: SCAN failed: %s\n", c->errstr);
        return NULL;
    }
    if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
        r->element[0]->type != REDIS_REPLY_STRING || r->element[0]->len >= 32 ||
        r->element[1]->type != REDIS_REPLY_ARRAY) {
        fprintf(stderr, "benchtool: unexpected SCAN reply (type %d)%s%s\n",
                r->type, r->type == REDIS_REPLY_ERROR ? ": " : "",
                r->type == REDIS_REPLY_ERROR ? r->str : "");
        freeReplyObject(r);
        return NULL;
    }
    memcpy(cursor, r->element[0]->str, r->element[0]->len + 1);
    return r;
}

/* --- dump-stream ------------------------------------------------------- */

static void resp_arg(FILE *f, const char *p, size_t len)
{
    fprintf(f, "$%zu\r\n", len);
    fwrite(p, 1, len, f);
    fputs("\r\n", f);
}

/* Writes one RESTORE; `deadline_ms` is PEXPIRETIME's answer (-1: none). */
static void write_restore(FILE *f, const redisReply *key,
                          const redisReply *payload, long long deadline_ms)
{
    char ttl[24];
    int len;

    len = snprintf(ttl, sizeof(ttl), "%lld", deadline_ms > 0 ? deadline_ms : 0);
    fputs(deadline_ms > 0 ? "*6\r\n" : "*5\r\n", f);
    resp_arg(f, "RESTORE", 7);
    resp_arg(f, key->str, key->len);
    resp_arg(f, ttl, (size_t)len);
    resp_arg(f, payload->str, payload->len);
    resp_arg(f, "REPLACE", 7);
    if (deadline_ms > 0)
        resp_arg(f, "ABSTTL", 6);
}

/* DUMPs the keys of one SCAN page (pipelined) and writes their RESTOREs.
 * Keys gone in between (nil DUMP) are left out. Adds to *written. */
static int dump_page(redisContext *c, const redisReply *keys, FILE *f,
                     unsigned long long *written)
{
    size_t i;

    for (i = 0; i < keys->elements; i++) {
        const redisReply *k = keys->element[i];

        redisAppendCommand(c, "DUMP %b", k->str, k->len);
        redisAppendCommand(c, "PEXPIRETIME %b", k->str, k->len);
    }
    for (i = 0; i < keys->elements; i++) {
        redisReply *dump = NULL, *exp = NULL;
        int rc = -1;

        if (redisGetReply(c, (void **)&dump) != REDIS_OK ||
            redisGetReply(c, (void **)&exp) != REDIS_OK) {
            fprintf(stderr, "benchtool: DUMP failed: %s\n", c->errstr);
        } else if (dump->type == REDIS_REPLY_NIL) {
            rc = 0;
        } else if (dump->type != REDIS_REPLY_STRING ||
                   exp->type != REDIS_REPLY_INTEGER) {
            fprintf(stderr, "benchtool: unexpected DUMP reply: %s\n",
                    dump->type == REDIS_REPLY_ERROR  ? dump->str
                    : exp->type == REDIS_REPLY_ERROR ? exp->str
                                                     : "wrong type");
        } else {
            write_restore(f, keys->element[i], dump, exp->integer);
            (*written)++;
            rc = 0;
        }
        freeReplyObject(dump);
        freeReplyObject(exp);
        if (rc != 0)
            return -1;
    }
    return 0;
}

int bt_dump_stream(const char *host, int port, const char *path)
{
    char cursor[32] = "0";
    unsigned long long written = 0;
    redisContext *c = NULL;
    redisReply *r = NULL;
    FILE *f = NULL;
    int code = 1;

    c = connect_to("source", host, port);
    if (c == NULL)
        goto out;
    f = fopen(path, "w");
    if (f == NULL) {
        perror(path);
        goto out;
    }
    setvbuf(f, NULL, _IOFBF, 1 << 20);

    do {
        r = scan_page(c, cursor);
        if (r == NULL || dump_page(c, r->element[1], f, &written) != 0)
            goto out;
        freeReplyObject(r);
        r = NULL;
    } while (strcmp(cursor, "0") != 0);

    if (fflush(f) != 0 || ferror(f)) {
        perror(path);
        goto out;
    }
    printf("keys %llu bytes %ld\n", written, ftell(f));
    code = 0;
out:
    freeReplyObject(r);
    if (f != NULL)
        fclose(f);
    redisFree(c);
    return code;
}

/* --- migrate ----------------------------------------------------------- */

/* A batch of keys waiting for one MIGRATE: argv[0..fixed-1] is the fixed
 * head of the command, the keys follow and are owned by the batch. */
struct batch {
    const char **argv;
    size_t *lens;
    int fixed, n, max;
};

static void batch_clear(struct batch *b)
{
    int i;

    for (i = b->fixed; i < b->fixed + b->n; i++)
        free((void *)b->argv[i]);
    b->n = 0;
}

/* Sends the batch as one MIGRATE and empties it. OK and NOKEY (every key
 * gone) are both fine; anything else is an error. */
static int batch_send(redisContext *c, struct batch *b,
                      unsigned long long *batches)
{
    redisReply *r;
    int rc = -1;

    if (b->n == 0)
        return 0;
    r = redisCommandArgv(c, b->fixed + b->n, b->argv, b->lens);
    if (r == NULL)
        fprintf(stderr, "benchtool: MIGRATE failed: %s\n", c->errstr);
    else if (r->type == REDIS_REPLY_STATUS)
        rc = 0;
    else
        fprintf(stderr, "benchtool: MIGRATE answered: %s\n",
                r->type == REDIS_REPLY_ERROR ? r->str : "an unexpected type");
    freeReplyObject(r);
    batch_clear(b);
    (*batches)++;
    return rc;
}

static int batch_add(struct batch *b, const redisReply *key)
{
    char *copy = malloc(key->len + 1);

    if (copy == NULL)
        return -1;
    memcpy(copy, key->str, key->len + 1);
    b->argv[b->fixed + b->n] = copy;
    b->lens[b->fixed + b->n] = key->len;
    b->n++;
    return 0;
}

int bt_migrate(const char *shost, int sport, const char *dhost, int dport,
               int batch, int timeout_ms)
{
    char cursor[32] = "0", port[8], timeout[16];
    const char *head[] = {"MIGRATE", dhost,  port,      "",    "0",
                          timeout,   "COPY", "REPLACE", "KEYS"};
    unsigned long long moved = 0, batches = 0;
    struct batch b = {.fixed = 9, .max = batch};
    redisContext *c = NULL;
    redisReply *r = NULL;
    size_t i;
    int code = 1;

    snprintf(port, sizeof(port), "%d", dport);
    snprintf(timeout, sizeof(timeout), "%d", timeout_ms);
    b.argv = calloc((size_t)(b.fixed + batch), sizeof(*b.argv));
    b.lens = calloc((size_t)(b.fixed + batch), sizeof(*b.lens));
    if (b.argv == NULL || b.lens == NULL) {
        fputs("benchtool migrate: out of memory\n", stderr);
        goto out;
    }
    for (i = 0; i < (size_t)b.fixed; i++) {
        b.argv[i] = head[i];
        b.lens[i] = strlen(head[i]);
    }
    c = connect_to("source", shost, sport);
    if (c == NULL)
        goto out;

    /* Fill batches from the SCAN pages; a full batch goes out at once. */
    do {
        r = scan_page(c, cursor);
        if (r == NULL)
            goto out;
        for (i = 0; i < r->element[1]->elements; i++) {
            if (batch_add(&b, r->element[1]->element[i]) != 0)
                goto out;
            moved++;
            if (b.n == b.max && batch_send(c, &b, &batches) != 0)
                goto out;
        }
        freeReplyObject(r);
        r = NULL;
    } while (strcmp(cursor, "0") != 0);
    if (batch_send(c, &b, &batches) != 0)
        goto out;

    printf("keys %llu batches %llu\n", moved, batches);
    code = 0;
out:
    freeReplyObject(r);
    if (b.argv != NULL)
        batch_clear(&b);
    free(b.argv);
    free(b.lens);
    redisFree(c);
    return code;
}
