/*
 * SCAN cursor ranges: how the dispatcher cuts one database of one source
 * node into pieces that workers walk on their own.
 *
 * SCAN visits a hash table's buckets in reverse-bit order: the walk position
 * of cursor c in a table of 2^n buckets is the n-bit reverse of c's low n
 * bits, and each call moves the position forward. Reading the position as a
 * binary fraction (reverse all 64 bits of the cursor) gives a value that
 * does not change when the table grows or shrinks, so ranges are cut in
 * that fraction space:
 *
 *   LAYOUT_BUCKETS  one table (Redis 7.0, Valkey 8 standalone). Range j of
 *                   2^k starts at the cursor whose low k bits are the k-bit
 *                   reverse of j, and holds the positions whose top k bits
 *                   are j.
 *   LAYOUT_SLOTS    one table per cluster slot (Valkey 8 cluster mode): the
 *                   cursor is (bucket cursor << 14) | slot, a walk goes slot
 *                   by slot upwards, so ranges are runs of slots.
 *
 * A walk is done when SCAN returns 0 or a cursor outside the range. The last
 * call of a range usually runs on into the next range; see worker.c for how
 * those keys are counted once.
 *
 * Pure functions; any thread.
 */
#ifndef RM_RANGES_H
#define RM_RANGES_H

#include <stdbool.h>
#include <stdint.h>

enum cursor_layout { LAYOUT_BUCKETS = 0, LAYOUT_SLOTS };

#define RANGES_SLOT_BITS 14
#define RANGES_SLOTS     16384u

struct scan_range {
    enum cursor_layout layout;
    uint32_t index; /* j, 0 <= j < count */
    uint32_t count; /* ranges in this walk; a power of two for BUCKETS */
    uint32_t bits;  /* BUCKETS: k with count == 1 << k */
    uint32_t slot_lo, slot_hi; /* SLOTS: the range holds [slot_lo, slot_hi) */
    uint64_t start;            /* the cursor the walk starts from */
    int node;                  /* source node index (0 when standalone) */
    int db;                    /* source database */
};

/* Reverses the bits of a 64-bit value. */
uint64_t ranges_rev64(uint64_t v);

/* Range j of the 2^bits bucket ranges (bits <= 31). */
struct scan_range ranges_buckets(uint32_t bits, uint32_t j);

/* Range j of `count` slot ranges over slots [lo, hi) (count <= hi - lo). */
struct scan_range ranges_slots(uint32_t lo, uint32_t hi, uint32_t count,
                               uint32_t j);

/*
 * The walk position of a cursor SCAN returned, comparable across table
 * resizes: a larger value is further along the walk. A returned cursor of 0
 * (the walk is over) has position UINT64_MAX.
 */
uint64_t ranges_pos(enum cursor_layout layout, uint64_t cursor);

/* The start cursor of the range after `r` (r must not be the last). */
uint64_t ranges_next_start(const struct scan_range *r);

/* Whether a walk of `r` that was handed `cursor` by SCAN goes on. */
bool ranges_continues(const struct scan_range *r, uint64_t cursor);

/*
 * How many bucket ranges (as a bit count) to cut a database of `keys` keys
 * into for `threads` workers: enough for every worker to have several, each
 * holding at most about `keys_per_range` keys, never more ranges than the
 * table has buckets.
 */
uint32_t ranges_pick_bits(uint64_t keys, int threads, uint64_t keys_per_range);

#endif
