/*
 * Type-command copies: one key rebuilt on the destination with its type's
 * own commands, for `--mode struct`, for a payload the destination refused
 * under `--mode auto`, and for keys too big for one DUMP or one request.
 *
 * The value is read in chunks (GETRANGE, HSCAN, SSCAN, ZSCAN, LRANGE
 * windows, XRANGE pages, the stream's groups, consumers and pending
 * entries) and written in chunks to a temporary key in the same hash slot
 * (tmpkey_name()), which then takes the key's place with RENAME (replace)
 * or RENAMENX (skip, fail) in one transaction with its absolute deadline,
 * so no half-written key is ever visible. A key small enough for one read
 * is read in one transaction with its deadline and written in one
 * transaction, so it is copied with its old value or its new one, never a
 * mix. A big key changed on the source while it is read in chunks can end
 * with a mix; it is copied as it was read.
 *
 * A temporary key built in chunks lives TMPKEY_TTL_MS from its last chunk
 * (each chunk sets that TTL again), so one a killed run left goes by
 * itself; the transaction that renames it gives it the key's own deadline
 * or none. Each chunk also reads the temporary key's size back: one that
 * was removed meanwhile (another run's sweep, another client) is built
 * again from the start, never renamed into place cut short.
 *
 * Every command has at most SIO_MAX_ARGS arguments, SIO_MAX_BYTES bytes
 * and no argument longer than the destination's proto-max-bulk-len.
 *
 * Runs on the calling worker's thread, over its slow lane (sio.h).
 */
#ifndef RM_STRUCTCOPY_H
#define RM_STRUCTCOPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sio.h"
#include "status.h"

struct sc_ctx {
    struct sio *sio;
    bool use_pexpiretime;  /* else PTTL with TIME in the same transaction */
    bool src_cluster;      /* slots matter on the source (one per txn) */
    bool use_memory_usage; /* the source answers MEMORY USAGE: a key is
                              sized with TYPE, so that one big in bytes
                              is never read whole */
    size_t max_bulk;       /* destination proto-max-bulk-len */
    const char *token;     /* this run's part of temporary key names */
    uint64_t seq;          /* temporary keys made so far (names unique) */

    /* Tuning, 0 for the defaults: elements a key may have to be read and
     * written in one transaction each, and elements per chunk read (else
     * sized to about 1 MiB per chunk). Tests lower them to exercise the
     * chunked path with small keys. */
    unsigned small_elems;
    unsigned chunk_elems;

    /* sc_copy_many() without MEMORY USAGE: the bytes per key its last
     * round of one-transaction reads returned (0: none yet), which size
     * its next rounds. */
    size_t read_est;

    /* Set when sc_copy() or sc_copy_many() returns a non-OK status: what
     * failed, naming the endpoint (a server's NOPERM text, or sio_error()'s
     * message). */
    char err[256];
};

struct sc_key {
    const char *name;
    size_t len;
    int node;   /* source node index */
    int src_db; /* database on the source, and on the destination */
    int dst_db;
    bool replace;  /* --on-conflict replace; else RENAMENX */
    bool remember; /* the caller may hand it over twice: see `own` below */
};

enum sc_outcome {
    SC_COPIED,  /* the destination holds the key */
    SC_GONE,    /* no longer on the source when read */
    SC_EXPIRED, /* its deadline passed before it was written */
    SC_EXISTS,  /* the destination had the key and it was left */
    SC_FAILED,  /* this key cannot be copied: `why` says why */
};

struct sc_result {
    enum sc_outcome out;
    uint64_t bytes; /* value bytes written (SC_COPIED) */
    char why[256];  /* SC_FAILED: why, naming the element or limit */
    /* SC_EXISTS after a reconnect while the final RENAMENX was in flight:
     * the key found there may be this copy's own first write. A caller
     * that must tell can compare the two ends (compare.h). */
    bool maybe_own;
    /* SC_COPIED of a key with `remember` that this process had already
     * written (written.h): RENAMENX found it there and wrote nothing, or
     * RENAME (replace) wrote over it. The caller handed the key over
     * twice, as a walk over a changing source can, and counted it the
     * first time. */
    bool own;
};

/*
 * Copies one key. ST_OK with the outcome in *res (a key that cannot be
 * copied is an outcome, not a status: a string longer than the
 * destination's proto-max-bulk-len, a module type, an element larger than
 * one request). A non-OK status is fatal for the run (connection lost,
 * NOPERM, interrupted), with sio_error() saying why.
 */
status sc_copy(struct sc_ctx *ctx, const struct sc_key *k,
               struct sc_result *res);

/*
 * Copies n keys of one source node and database (any n; they go in groups
 * of SC_BATCH_MAX) with one pipeline per stage instead of sc_copy()'s
 * round trips per key: every key's TYPE, then every small key's
 * one-transaction read, then their writing transactions, one pipeline per
 * destination node (each pipeline a few MiB at most). A key that turns out
 * big, a stream, or one whose pipeline answered `again` is copied on its
 * own as sc_copy() does. res[i] is keys[i]'s outcome, as sc_copy()'s. A
 * non-OK status is fatal as sc_copy()'s, and leaves every res[i]
 * undefined.
 */
#define SC_BATCH_MAX 128
/* Source requests one key adds to sc_copy_many()'s pipelines, at most
 * (TYPE, MEMORY USAGE, and MULTI TYPE TIME PTTL <size> <read> EXEC). */
#define SC_BATCH_READS 9
status sc_copy_many(struct sc_ctx *ctx, const struct sc_key *keys, size_t n,
                    struct sc_result *res);

/* Temporary key names: TMPKEY_PREFIX, a `{tag}` that hashes to `slot`,
 * the run token and a sequence number. Writes at most TMPKEY_MAX bytes
 * with a NUL; returns the length. */
#define TMPKEY_PREFIX "__redis-migrate:tmp:"
#define TMPKEY_MAX    128
size_t tmpkey_name(char *out, uint16_t slot, const char *token, uint64_t seq);

/* How long a temporary key built in chunks lives after its last chunk,
 * and how long without a chunk makes it idle: sc_sweep() leaves a key
 * alone while another run may still be building it. */
#define TMPKEY_TTL_MS  600000
#define TMPKEY_IDLE_MS 60000

/*
 * Removes the temporary keys a killed run left on the destination node
 * serving `slot` (any slot on a standalone destination) in database `db`:
 * SCAN MATCH TMPKEY_PREFIX{*, then PTTL and UNLINK of each key that has
 * exactly tmpkey_name()'s shape and is idle: no TTL (left by an older
 * version, or planted), a TTL above TMPKEY_TTL_MS (not one a chunk sets),
 * or one showing no chunk for more than TMPKEY_IDLE_MS. Adds the count to
 * *removed. A non-OK status is fatal; sio_error() names a lost
 * connection, but not a server's refusal (NOPERM): sc_sweep_msg() also
 * returns that text.
 */
status sc_sweep(struct sio *s, int where, int db, uint64_t *removed);
status sc_sweep_msg(struct sio *s, int where, int db, uint64_t *removed,
                    char *err, size_t errlen);

#endif
