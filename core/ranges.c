/*
 * Cursor arithmetic of ranges.h. Position values:
 *
 *   BUCKETS: pos(c) = rev64(c). Range j of 2^k holds pos in
 *            [j << (64-k), (j+1) << (64-k)), and starts at rev64(j<<(64-k)),
 *            which is the k-bit reverse of j.
 *   SLOTS:   c = bucket_cursor << 14 | slot, and
 *            pos(c) = slot << 50 | (rev64(bucket_cursor) >> 14),
 *            slot-major, then the bucket walk as a 50-bit fraction.
 */
#include "ranges.h"

uint64_t ranges_rev64(uint64_t v)
{
    v = ((v >> 1) & 0x5555555555555555ull) | ((v & 0x5555555555555555ull) << 1);
    v = ((v >> 2) & 0x3333333333333333ull) | ((v & 0x3333333333333333ull) << 2);
    v = ((v >> 4) & 0x0f0f0f0f0f0f0f0full) | ((v & 0x0f0f0f0f0f0f0f0full) << 4);
    v = ((v >> 8) & 0x00ff00ff00ff00ffull) | ((v & 0x00ff00ff00ff00ffull) << 8);
    v = ((v >> 16) & 0x0000ffff0000ffffull) |
        ((v & 0x0000ffff0000ffffull) << 16);
    return (v >> 32) | (v << 32);
}

struct scan_range ranges_buckets(uint32_t bits, uint32_t j)
{
    struct scan_range r = {.layout = LAYOUT_BUCKETS};

    r.bits = bits;
    r.count = 1u << bits;
    r.index = j;
    r.start = bits ? ranges_rev64((uint64_t)j << (64 - bits)) : 0;
    return r;
}

struct scan_range ranges_slots(uint32_t lo, uint32_t hi, uint32_t count,
                               uint32_t j)
{
    struct scan_range r = {.layout = LAYOUT_SLOTS};
    uint64_t span = hi - lo;

    r.count = count;
    r.index = j;
    r.slot_lo = lo + (uint32_t)(span * j / count);
    r.slot_hi = lo + (uint32_t)(span * (j + 1) / count);
    r.start = r.slot_lo;
    return r;
}

uint64_t ranges_pos(enum cursor_layout layout, uint64_t cursor)
{
    if (cursor == 0)
        return UINT64_MAX;
    if (layout == LAYOUT_BUCKETS)
        return ranges_rev64(cursor);

    uint64_t slot = cursor & (RANGES_SLOTS - 1);
    uint64_t bucket = cursor >> RANGES_SLOT_BITS;
    return slot << 50 | ranges_rev64(bucket) >> 14;
}

uint64_t ranges_next_start(const struct scan_range *r)
{
    if (r->layout == LAYOUT_SLOTS)
        return r->slot_hi;
    return ranges_buckets(r->bits, r->index + 1).start;
}

bool ranges_continues(const struct scan_range *r, uint64_t cursor)
{
    if (cursor == 0)
        return false;
    if (r->layout == LAYOUT_SLOTS)
        return (cursor & (RANGES_SLOTS - 1)) < r->slot_hi;
    if (r->bits == 0)
        return true;
    return ranges_rev64(cursor) >> (64 - r->bits) == r->index;
}

uint32_t ranges_pick_bits(uint64_t keys, int threads, uint64_t keys_per_range)
{
    uint32_t bits = 0;

    /* At least eight ranges per worker, so a slow range does not leave the
     * others idle at the end. */
    while ((1ull << bits) < (uint64_t)threads * 8 && bits < 20)
        bits++;
    /* Enough ranges that each holds about keys_per_range keys at most. */
    while (keys_per_range && (keys >> bits) > keys_per_range && bits < 24)
        bits++;
    /* Fewer ranges than buckets, with room to spare: ranges that share a
     * bucket read the same keys, and the edge probe (worker.c) is only
     * exact while the table has at least one bucket per range. A table
     * holds about one bucket per key, or one per five keys while a fork
     * blocks resizing, so keep eight keys per range at the least. */
    while (bits > 0 && (1ull << bits) * 8 > keys)
        bits--;
    return bits;
}
