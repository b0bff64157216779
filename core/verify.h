/*
 * verify's search for extra keys: keys on the destination, within the
 * run's selection (databases, --match, --exclude, one --type, --sample),
 * that the source does not hold. The comparison of the source's keys runs
 * in the workers (worker.c); this walks the destination once more, on the
 * control thread, with SCAN pipelines and EXISTS on the source.
 */
#ifndef RM_VERIFY_H
#define RM_VERIFY_H

#include <stdint.h>

#include "../io/conn.h"
#include "copy.h"
#include "status.h"

/* Adds each extra key to run->diffs and counts them in *extra. `src` is
 * the source's control connection (a cluster's topology is read over
 * it); `present` the compared keys the destination holds: when nothing is
 * filtered and it equals the destination's key count, no walk is needed.
 * A fatal status comes with `err`. */
status verify_extra(const struct config *cfg, struct copy_run *run,
                    struct conn *src, uint64_t present, uint64_t *extra,
                    char *err, size_t errlen);

#endif
