/*
 * Dataset generators: write commands as raw RESP on stdout, ready for
 * `redis-cli --pipe`. The same seed and key count always give the same
 * bytes (splitmix64, no time or address in the output), so two runs of the
 * bench copy the same data.
 *
 * Values are slices of a pool of random printable bytes, so they do not
 * compress (like real data, and unlike DEBUG POPULATE's zero padding).
 *
 * Single-threaded; owns only the stdout buffer and the pool.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchtool.h"

#define POOL_SIZE  65536
#define POOL_SLACK 4096 /* longest slice taken from the pool */

/* The mixed dataset's limits, from PRODUCT.md. */
#define MIX_STR_MIN     20
#define MIX_STR_MAX     2000
#define MIX_ELEMS_MIN   5
#define MIX_ELEMS_MAX   100
#define MIX_STREAM_MIN  5
#define MIX_STREAM_MAX  50
#define MIX_ITEM_MAX    40 /* bytes of a field, member, item or entry value */
#define MIX_TTL_PERCENT 30
#define MIX_TTL_MIN     3600
#define MIX_TTL_MAX     86400

enum mix_type { MIX_STRING, MIX_HASH, MIX_LIST, MIX_SET, MIX_ZSET, MIX_STREAM };

struct gen {
    uint64_t rng;
    char pool[POOL_SIZE + POOL_SLACK];
};

/* splitmix64: small, fast and good enough for test data. */
static uint64_t rng_next(struct gen *g)
{
    uint64_t z = (g->rng += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* A number in [lo, hi]. */
static uint64_t rng_range(struct gen *g, uint64_t lo, uint64_t hi)
{
    return lo + rng_next(g) % (hi - lo + 1);
}

static void gen_init(struct gen *g, uint64_t seed)
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz"
                                   "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                   "0123456789-_";
    size_t i;

    g->rng = seed;
    for (i = 0; i < sizeof(g->pool); i++)
        g->pool[i] = alphabet[rng_next(g) % (sizeof(alphabet) - 1)];
}

/* The start of a random slice of the pool; at most POOL_SLACK bytes of it
 * may be read. */
static const char *pool_slice(struct gen *g)
{
    return g->pool + rng_next(g) % POOL_SIZE;
}

/* --- RESP output ------------------------------------------------------- */

/* Writes the decimal form of v into buf (at least 21 bytes), returns its
 * length. */
static size_t fmt_u64(char *buf, uint64_t v)
{
    char tmp[21];
    size_t n = 0, i;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    for (i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    return n;
}

/* "<c><n>\r\n": an array or bulk-string header. */
static void out_header(char c, uint64_t n)
{
    char buf[24];
    size_t len;

    buf[0] = c;
    len = 1 + fmt_u64(buf + 1, n);
    buf[len++] = '\r';
    buf[len++] = '\n';
    fwrite_unlocked(buf, 1, len, stdout);
}

static void out_arg(const char *p, size_t len)
{
    out_header('$', len);
    fwrite_unlocked(p, 1, len, stdout);
    fwrite_unlocked("\r\n", 1, 2, stdout);
}

static void out_str(const char *s)
{
    out_arg(s, strlen(s));
}

static void out_u64(uint64_t v)
{
    char buf[21];

    out_arg(buf, fmt_u64(buf, v));
}

/* "key:<i>", the names DEBUG POPULATE gives, so both fills look alike. */
static void out_key(uint64_t i)
{
    char buf[32];

    memcpy(buf, "key:", 4);
    out_arg(buf, 4 + fmt_u64(buf + 4, i));
}

static void out_random(struct gen *g, size_t min, size_t max)
{
    size_t len = rng_range(g, min, max);

    out_arg(pool_slice(g), len);
}

static int out_finish(void)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        perror("benchtool: writing stdout");
        return 1;
    }
    return 0;
}

/* --- the datasets ------------------------------------------------------ */

int bt_gen_strings(uint64_t n, uint64_t size, uint64_t seed)
{
    struct gen *g = malloc(sizeof(*g));
    uint64_t i;

    if (g == NULL || size > POOL_SLACK) {
        fprintf(stderr, "benchtool gen-strings: size at most %d\n", POOL_SLACK);
        free(g);
        return 1;
    }
    gen_init(g, seed);
    setvbuf(stdout, NULL, _IOFBF, 1 << 20);
    for (i = 0; i < n; i++) {
        out_header('*', 3);
        out_str("SET");
        out_key(i);
        out_random(g, size, size);
    }
    free(g);
    return out_finish();
}

static enum mix_type mix_pick(struct gen *g)
{
    uint64_t r = rng_next(g) % 100;

    if (r < 70)
        return MIX_STRING;
    if (r < 80)
        return MIX_HASH;
    if (r < 88)
        return MIX_LIST;
    if (r < 93)
        return MIX_SET;
    if (r < 98)
        return MIX_ZSET;
    return MIX_STREAM;
}

/* SET with its TTL in the same command. */
static void mix_string(struct gen *g, uint64_t i, uint64_t ttl)
{
    out_header('*', ttl != 0 ? 5 : 3);
    out_str("SET");
    out_key(i);
    out_random(g, MIX_STR_MIN, MIX_STR_MAX);
    if (ttl != 0) {
        out_str("EX");
        out_u64(ttl);
    }
}

static void mix_hash(struct gen *g, uint64_t i)
{
    uint64_t n = rng_range(g, MIX_ELEMS_MIN, MIX_ELEMS_MAX), j;
    char field[24];

    out_header('*', 2 + 2 * n);
    out_str("HSET");
    out_key(i);
    for (j = 0; j < n; j++) {
        field[0] = 'f';
        out_arg(field, 1 + fmt_u64(field + 1, j));
        out_random(g, 1, MIX_ITEM_MAX);
    }
}

static void mix_list(struct gen *g, uint64_t i)
{
    uint64_t n = rng_range(g, MIX_ELEMS_MIN, MIX_ELEMS_MAX), j;

    out_header('*', 2 + n);
    out_str("RPUSH");
    out_key(i);
    for (j = 0; j < n; j++)
        out_random(g, 1, MIX_ITEM_MAX);
}

/* Half the sets hold integers (an intset on the server), half strings. */
static void mix_set(struct gen *g, uint64_t i)
{
    uint64_t n = rng_range(g, MIX_ELEMS_MIN, MIX_ELEMS_MAX), j;
    int ints = (int)(rng_next(g) & 1);

    out_header('*', 2 + n);
    out_str("SADD");
    out_key(i);
    for (j = 0; j < n; j++) {
        if (ints)
            out_u64(rng_next(g) % 1000000000);
        else
            out_random(g, 1, MIX_ITEM_MAX);
    }
}

static void mix_zset(struct gen *g, uint64_t i)
{
    uint64_t n = rng_range(g, MIX_ELEMS_MIN, MIX_ELEMS_MAX), j;
    char score[48];
    int len;

    out_header('*', 2 + 2 * n);
    out_str("ZADD");
    out_key(i);
    for (j = 0; j < n; j++) {
        uint64_t r = rng_next(g);

        len = snprintf(score, sizeof(score), "%u.%03u", (unsigned)(r % 100000),
                       (unsigned)(r >> 40) % 1000);
        out_arg(score, (size_t)len);
        out_random(g, 1, MIX_ITEM_MAX);
    }
}

/* One XADD per entry, with explicit increasing IDs "<j+1>-0". */
static void mix_stream(struct gen *g, uint64_t i)
{
    uint64_t n = rng_range(g, MIX_STREAM_MIN, MIX_STREAM_MAX), j, f;
    char id[24];

    for (j = 0; j < n; j++) {
        uint64_t fields = rng_range(g, 1, 3);
        size_t len = fmt_u64(id, j + 1);

        memcpy(id + len, "-0", 2);
        out_header('*', 3 + 2 * fields);
        out_str("XADD");
        out_key(i);
        out_arg(id, len + 2);
        for (f = 0; f < fields; f++) {
            char name[24];

            name[0] = 'f';
            out_arg(name, 1 + fmt_u64(name + 1, f));
            out_random(g, 1, MIX_ITEM_MAX);
        }
    }
}

static void mix_key(struct gen *g, uint64_t i)
{
    enum mix_type t = mix_pick(g);
    uint64_t ttl = 0;

    if (rng_next(g) % 100 < MIX_TTL_PERCENT)
        ttl = rng_range(g, MIX_TTL_MIN, MIX_TTL_MAX);

    switch (t) {
    case MIX_STRING:
        mix_string(g, i, ttl);
        return; /* the TTL went with SET */
    case MIX_HASH:
        mix_hash(g, i);
        break;
    case MIX_LIST:
        mix_list(g, i);
        break;
    case MIX_SET:
        mix_set(g, i);
        break;
    case MIX_ZSET:
        mix_zset(g, i);
        break;
    case MIX_STREAM:
        mix_stream(g, i);
        break;
    }
    if (ttl != 0) {
        out_header('*', 3);
        out_str("EXPIRE");
        out_key(i);
        out_u64(ttl);
    }
}

int bt_gen_mixed(uint64_t n, uint64_t seed)
{
    struct gen *g = malloc(sizeof(*g));
    uint64_t i;

    if (g == NULL) {
        fputs("benchtool gen-mixed: out of memory\n", stderr);
        return 1;
    }
    gen_init(g, seed);
    setvbuf(stdout, NULL, _IOFBF, 1 << 20);
    for (i = 0; i < n; i++)
        mix_key(g, i);
    free(g);
    return out_finish();
}
