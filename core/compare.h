/*
 * verify's comparisons: whether a key on the destination equals the key
 * on the source, type by type and in chunks, for keys whose DUMP payloads
 * differ (two servers holding the same set can give different DUMP bytes)
 * or are too big for one DUMP.
 *
 * Runs on the calling worker's thread, over its slow lane (sio.h).
 */
#ifndef RM_COMPARE_H
#define RM_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sio.h"
#include "status.h"

enum cmp_kind {
    CMP_EQUAL,
    CMP_MISSING, /* on the source, not on the destination */
    CMP_EXTRA,   /* on the destination, not on the source (set by callers) */
    CMP_TYPE,
    CMP_VALUE,
    CMP_TTL,
    CMP_GONE, /* gone from the source before it was compared: not counted */
};

struct cmp_key {
    const char *name;
    size_t len;
    int node; /* source node index */
    int src_db, dst_db;
};

struct cmp_result {
    enum cmp_kind kind;
    char detail[256]; /* what differs, for the report, without the key
                         (`zset member "\x01a" score 1.5 vs 2`, `deadline
                         120 ms later`); names escaped as escape_key() */
};

struct cmp_ctx {
    struct sio *sio;
    bool use_pexpiretime;  /* else PTTL with TIME */
    int64_t ttl_tolerance; /* ms */
};

/*
 * Compares one key fully: existence, type, value (chunked), deadline, and
 * reports one kind per key, the first of missing, type, value, ttl that
 * applies. CMP_GONE: the key left the source before it could be compared,
 * or is due to expire within the tolerance and the destination has
 * already dropped it. Reads only; memory stays within a few chunks
 * whatever the key's size.
 *
 * A non-OK status is fatal for the run, with res->detail saying why (the
 * sio's message when the sio failed, else what the server answered, e.g.
 * NOPERM for a command verify needs): ST_SERVER also when the key could
 * not be compared within 50 attempts (redirects, type changes).
 */
status cmp_key(struct cmp_ctx *ctx, const struct cmp_key *k,
               struct cmp_result *res);

/* The name of a kind for the summary and the report ("missing", ...). */
const char *cmp_kind_name(enum cmp_kind k);

#endif
