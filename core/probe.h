/*
 * Probes that change nothing, sent before the first write so that a run
 * which cannot finish stops while the destination is still untouched:
 *
 *   permissions  each command the run will send, in a harmless form (a
 *                RESTORE of a bad payload is refused after the ACL check);
 *                a user lacking one is named with the ACL SETUSER that
 *                fixes it. A refusal about key patterns is left to the
 *                run: the probe's key is not one the run writes.
 *   format       one real payload of the source, restored on the
 *                destination with a deadline in the past, which a server
 *                checks and then drops: a destination that cannot read
 *                the source's format (Valkey 8 into Redis 7.0) says so
 *                here, once, instead of refusing every key.
 *
 * Main thread, over the set-up connections.
 */
#ifndef RM_PROBE_H
#define RM_PROBE_H

#include <stdbool.h>
#include <stddef.h>

#include "../config/config.h"
#include "../io/conn.h"
#include "status.h"

struct probe_end {
    struct conn *c;
    const char *desc; /* endpoint, for messages */
    const struct endpoint *ep;
};

/* SCAN, DUMP, the deadline commands, TYPE (several --type), MULTI/EXEC. */
status probe_source_perms(const struct probe_end *src, const struct config *cfg,
                          bool use_pexpiretime, char *err, size_t errlen);

/* RESTORE, and DUMP unless --on-conflict replace. */
status probe_dest_perms(const struct probe_end *dst, const struct config *cfg,
                        char *err, size_t errlen);

/* The commands of type-command copies (structcopy.h), each queued in a
 * MULTI that is then discarded: nothing runs. A standalone destination. */
status probe_struct_perms(const struct probe_end *dst, char *err,
                          size_t errlen);

/* Whether the destination accepts a payload DUMPed from database `db` of
 * the source. ST_UNSUPPORTED with a message when it refuses the format;
 * ST_OK also when nothing could be tried (no key, a redirect). */
status probe_payload_format(const struct probe_end *src, int db,
                            const struct probe_end *dst, char *err,
                            size_t errlen);

#endif
