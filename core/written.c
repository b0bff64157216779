#include "written.h"

#include <stdatomic.h>
#include <stdint.h>
#include <xxhash.h>

#define WRITTEN_SLOTS (1u << 18)

static _Atomic uint64_t slots[WRITTEN_SLOTS];

static uint64_t fingerprint(int db, const char *name, size_t len)
{
    uint64_t h = XXH3_64bits_withSeed(name, len, (uint64_t)db);
    return h ? h : 1; /* 0 marks an empty slot */
}

void written_add(int db, const char *name, size_t len)
{
    uint64_t h = fingerprint(db, name, len);
    atomic_store_explicit(&slots[h & (WRITTEN_SLOTS - 1)], h,
                          memory_order_relaxed);
}

bool written_has(int db, const char *name, size_t len)
{
    uint64_t h = fingerprint(db, name, len);
    return atomic_load_explicit(&slots[h & (WRITTEN_SLOTS - 1)],
                                memory_order_relaxed) == h;
}
