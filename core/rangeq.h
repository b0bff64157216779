/*
 * The dispatcher's queue of SCAN ranges: one producer (the main thread,
 * which fills it before the workers start, and may add more later), many
 * consumers (the workers). A thin wrapper over Concurrency Kit's ck_ring in
 * SPMC mode; the queue holds pointers into the caller's array of ranges,
 * which must outlive it. Under ThreadSanitizer the wrapper tells TSan about
 * the hand-off, which it cannot see through ck's own atomics.
 */
#ifndef RM_RANGEQ_H
#define RM_RANGEQ_H

#include <stdbool.h>
#include <stddef.h>

#include "ranges.h"
#include "status.h"

struct rangeq;

/* A queue for at least `n` ranges. ST_NOMEM. */
status rangeq_new(struct rangeq **out, size_t n);
void rangeq_free(struct rangeq *q);

/* Producer only. False when full. */
bool rangeq_push(struct rangeq *q, struct scan_range *r);

/* Any consumer. NULL when empty. */
struct scan_range *rangeq_pop(struct rangeq *q);

#endif
