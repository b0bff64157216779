#include "digest.h"

#include <xxhash.h>

#define RDB_TYPE_SET  2
#define RDB_TYPE_HASH 4
#define PAYLOAD_TAIL  10 /* RDB version (2 bytes) and CRC64 (8) */

/* A cursor over a payload's body. */
struct reader {
    const unsigned char *p;
    size_t pos, end;
};

static bool take(struct reader *r, uint64_t n)
{
    if (n > r->end - r->pos)
        return false;
    r->pos += (size_t)n;
    return true;
}

static uint64_t big_endian(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

/*
 * Reads an RDB length: 6 bits, 14 bits, or a 32- or 64-bit big-endian
 * number after a marker byte. With top bits 11 it is a special string
 * encoding instead: *special is set and *len holds its 6-bit code.
 */
static bool read_len(struct reader *r, uint64_t *len, bool *special)
{
    if (r->pos >= r->end)
        return false;
    unsigned char b = r->p[r->pos++];
    *special = false;
    switch (b >> 6) {
    case 0:
        *len = b & 0x3f;
        return true;
    case 1:
        if (r->pos >= r->end)
            return false;
        *len = (uint64_t)(b & 0x3f) << 8 | r->p[r->pos++];
        return true;
    case 2:
        if (b != 0x80 && b != 0x81)
            return false;
        int n = b == 0x80 ? 4 : 8;
        if (r->end - r->pos < (size_t)n)
            return false;
        *len = big_endian(r->p + r->pos, n);
        r->pos += (size_t)n;
        return true;
    default:
        *special = true;
        *len = b & 0x3f;
        return true;
    }
}

/* A count of elements: a plain length. */
static bool read_count(struct reader *r, uint64_t *n)
{
    bool special;
    return read_len(r, n, &special) && !special;
}

/* Steps over one encoded string: raw bytes, an 8-, 16- or 32-bit integer,
 * or an LZF block (compressed length, original length, the block). */
static bool skip_string(struct reader *r)
{
    static const uint64_t int_bytes[] = {1, 2, 4};
    uint64_t len, clen, ulen;
    bool special;

    if (!read_len(r, &len, &special))
        return false;
    if (!special)
        return take(r, len);
    if (len < 3)
        return take(r, int_bytes[len]);
    return len == 3 && read_count(r, &clen) && read_count(r, &ulen) &&
           take(r, clen);
}

static void add_element(struct digest *d, const unsigned char *p, size_t len)
{
    XXH128_hash_t h = XXH3_128bits(p, len);
    d->lo += h.low64;
    d->hi += h.high64 + (d->lo < h.low64); /* carry */
    d->elements++;
}

/* One element (a hash's field and value together), hashed as a whole. */
static bool digest_element(struct reader *r, struct digest *d)
{
    size_t start = r->pos;
    bool ok = skip_string(r);

    if (ok && d->type == RDB_TYPE_HASH)
        ok = skip_string(r);
    if (ok)
        add_element(d, r->p + start, r->pos - start);
    return ok;
}

bool digest_payload(const char *payload, size_t len, struct digest *d)
{
    struct reader r = {(const unsigned char *)payload, 1, 0};
    uint64_t n;

    if (len <= PAYLOAD_TAIL + 1)
        return false;
    r.end = len - PAYLOAD_TAIL;
    *d = (struct digest){.type = r.p[0]};
    if (d->type != RDB_TYPE_SET && d->type != RDB_TYPE_HASH)
        return false;
    if (!read_count(&r, &n) || n > r.end - r.pos) /* >= 1 byte each */
        return false;
    for (uint64_t i = 0; i < n; i++)
        if (!digest_element(&r, d))
            return false;
    return r.pos == r.end;
}

bool digest_equal(const struct digest *a, const struct digest *b)
{
    return a->type == b->type && a->elements == b->elements && a->lo == b->lo &&
           a->hi == b->hi;
}
