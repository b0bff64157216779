/*
 * The keys this process has written to the destination, remembered by a
 * 64-bit fingerprint of (destination database, name), so that a write
 * refused because the key is already there can tell this run's own
 * earlier write of the same key from another client's key.
 *
 * Why a run writes a key twice: a walk over a source that changes can
 * hand a key to two adjacent ranges when the key is deleted and made
 * again while the first range's walk crosses into the second (worker.c).
 * The second write is then not a new key: it is counted once, and with
 * no --on-conflict given it must not be reported as another client's.
 *
 * Only keys the caller marks as near a range's edge are remembered (about
 * a tenth of them): random stores into a table that holds every key cost
 * the copy a fifth of its speed in cache misses.
 *
 * Bounded (2^18 fingerprints, 8 bytes each, 2 MiB touched as keys are
 * written): a newer key takes an older one's slot, and a key whose slot
 * was taken is reported as not written, so an eviction can only bring
 * back the old behaviour (a conflict reported, or a key counted twice),
 * never hide a real conflict except on a 64-bit fingerprint collision.
 *
 * Thread-safe (relaxed atomics): shared by every worker.
 */
#ifndef RM_WRITTEN_H
#define RM_WRITTEN_H

#include <stdbool.h>
#include <stddef.h>

/* Remembers that this process wrote `name` into destination db `db`. */
void written_add(int db, const char *name, size_t len);

/* Whether written_add() was called for (db, name) and its slot kept it. */
bool written_has(int db, const char *name, size_t len);

#endif
