/*
 * Open addressing with linear probing over 128-bit hashes. A hash of
 * (0, 0) is moved to (1, 0) so that it never reads as an empty slot; that
 * merges two hash values, which the 2^-128 odds make harmless.
 */
#include "keyset.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

void keyset_init(struct keyset *s, size_t max)
{
    s->slots = NULL;
    s->cap = 0;
    s->n = 0;
    s->max = max;
}

void keyset_free(struct keyset *s)
{
    free(s->slots);
    s->slots = NULL;
    s->cap = s->n = 0;
}

void keyset_clear(struct keyset *s)
{
    if (s->slots)
        memset(s->slots, 0, s->cap * 2 * sizeof(uint64_t));
    s->n = 0;
}

static void hash_key(const void *key, size_t len, uint64_t *lo, uint64_t *hi)
{
    XXH128_hash_t h = XXH3_128bits(key, len);
    *lo = h.low64;
    *hi = h.high64;
    if (*lo == 0 && *hi == 0)
        *lo = 1;
}

/* The slot holding (lo, hi), or the empty slot where it would go. */
static size_t find(const struct keyset *s, uint64_t lo, uint64_t hi)
{
    size_t mask = s->cap - 1;
    size_t i = (size_t)(hi ^ (lo >> 7)) & mask;

    for (;;) {
        uint64_t *e = &s->slots[i * 2];
        if ((e[0] == lo && e[1] == hi) || (e[0] == 0 && e[1] == 0))
            return i;
        i = (i + 1) & mask;
    }
}

static status grow(struct keyset *s)
{
    size_t cap = s->cap ? s->cap * 2 : 1024;
    uint64_t *old = s->slots;
    size_t old_cap = s->cap;

    s->slots = calloc(cap * 2, sizeof(uint64_t));
    if (!s->slots) {
        s->slots = old;
        return ST_NOMEM;
    }
    s->cap = cap;
    for (size_t i = 0; i < old_cap; i++) {
        uint64_t lo = old[i * 2], hi = old[i * 2 + 1];
        if (lo == 0 && hi == 0)
            continue;
        size_t j = find(s, lo, hi);
        s->slots[j * 2] = lo;
        s->slots[j * 2 + 1] = hi;
    }
    free(old);
    return ST_OK;
}

status keyset_add(struct keyset *s, const void *key, size_t len, bool *added)
{
    uint64_t lo, hi;

    *added = false;
    hash_key(key, len, &lo, &hi);
    if (s->cap) {
        size_t i = find(s, lo, hi);
        if (s->slots[i * 2] == lo && s->slots[i * 2 + 1] == hi)
            return ST_OK; /* known: a full set still answers */
    }
    if (s->n >= s->max)
        return ST_NOMEM;
    if ((s->n + 1) * 2 > s->cap) {
        status rc = grow(s);
        if (rc != ST_OK)
            return rc;
    }

    size_t i = find(s, lo, hi);
    uint64_t *e = &s->slots[i * 2];
    e[0] = lo;
    e[1] = hi;
    s->n++;
    *added = true;
    return ST_OK;
}

bool keyset_has(const struct keyset *s, const void *key, size_t len)
{
    uint64_t lo, hi;

    if (s->n == 0)
        return false;
    hash_key(key, len, &lo, &hi);
    size_t i = find(s, lo, hi);
    return s->slots[i * 2] == lo && s->slots[i * 2 + 1] == hi;
}
