/*
 * A set of key names, remembered by their 128-bit XXH3 hashes, used to
 * count a key once when SCAN returns it twice within one range (a table
 * that shrinks mid-walk revisits buckets) and to match the keys of a range's
 * last SCAN call against the next range's (see worker.c). A 128-bit hash
 * makes a false "already seen" vanishingly unlikely (about 2^-100 for a
 * range of 2^14 keys), and keeps memory at 16 bytes a key whatever the
 * names' lengths. Sized by ranges.h so that one range holds a bounded
 * number of keys; the set refuses to grow past its limit.
 *
 * Single-threaded: owned by one worker.
 */
#ifndef RM_KEYSET_H
#define RM_KEYSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

struct keyset {
    uint64_t *slots; /* pairs of (lo, hi); (0,0) marks an empty slot */
    size_t cap;      /* slots, a power of two */
    size_t n;
    size_t max; /* most entries allowed */
};

void keyset_init(struct keyset *s, size_t max);
void keyset_free(struct keyset *s);
void keyset_clear(struct keyset *s);

/* Adds the key; *added tells whether it was new. ST_NOMEM past `max`. */
status keyset_add(struct keyset *s, const void *key, size_t len, bool *added);

bool keyset_has(const struct keyset *s, const void *key, size_t len);

#endif
