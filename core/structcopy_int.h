/*
 * Inside type-command copies: the per-key job and the helpers that
 * core/structcopy.c (strings, lists, hashes, sets, sorted sets, the
 * transactions around them) and core/structstream.c (streams) share.
 * Not for other modules: structcopy.h is the interface.
 *
 * The sio drops a pipeline's replies when the next one begins, so what a
 * source reply holds is encoded at once into the job's stage (destination
 * commands, checked against the limits), and the stage is replayed into
 * the destination pipeline after sio_begin(). A stage holds one chunk.
 */
#ifndef RM_STRUCTCOPY_INT_H
#define RM_STRUCTCOPY_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hiredis/hiredis.h>

#include "../io/resp.h"
#include "structcopy.h"

#define SC_SMALL_ELEMS  512        /* elements read in one transaction */
#define SC_SMALL_STRING (1u << 20) /* string bytes read in one transaction */
#define SC_SMALL_BYTES  (4u << 20) /* bytes written in one transaction */
#define SC_SMALL_MEMORY (2u << 20) /* MEMORY USAGE of a key read in one */
#define SC_CHUNK_BYTES  (1u << 20) /* aim of one chunk read */
#define SC_COUNT_FIRST  64         /* elements of the first chunk */
#define SC_COUNT_MAX    2000
#define SC_STAGE_MAX    (48u << 20) /* a chunk this large fails the key */
#define SC_DEAD_MAX     200000      /* placeholders for deleted pending ids */
#define SC_LATE_MAX     10000       /* members scored -0 held back */

enum sc_kind { SK_STRING, SK_LIST, SK_HASH, SK_SET, SK_ZSET, SK_STREAM };

/* Destination commands encoded ahead of their pipeline. The first
 * failure sticks in `rc`; sc_staged() turns it into the key's failure. */
struct sc_stage {
    struct resp_buf b;
    size_t *ends; /* end offset of each whole command in b */
    size_t n, cap;
    int argc_left; /* arguments the open command still needs */
    status rc;
};

/* A stream entry ID. */
struct sc_sid {
    uint64_t ms, seq;
};

/* A consumer group of a stream copied in chunks. */
struct sc_group {
    char *name; /* owned */
    size_t len;
    char last[48];          /* last-delivered-id */
    long long entries_read; /* -1: unknown (nil) */
    bool has_entries_read;  /* the server reports the field at all */
};

struct sc_job {
    struct sc_ctx *ctx;
    const struct sc_key *k;
    struct sc_result *res;
    uint16_t slot;
    char tmp[TMPKEY_MAX];
    size_t tmp_len;
    enum sc_kind kind;

    int64_t deadline;   /* ms since the epoch, 0 for none */
    bool deadline_read; /* this attempt has read it */
    int64_t seen;       /* the last deadline any attempt read */
    size_t size;        /* elements (bytes of a string) the source reported */
    long long memory;   /* MEMORY USAGE of the key, -1 when not known */
    size_t count;       /* elements per chunk read */
    uint64_t bytes;     /* value bytes written this attempt */

    /* A build in chunks: the elements tmp holds if nothing removed it
     * meanwhile (a string's are its bytes), checked after each chunk;
     * where the last chunk's staged commands begin among its replies;
     * and how often tmp went missing. Streams count their XADDs and
     * XDELs as they stage them; hashes, sets and sorted sets count what
     * their writes answer they added. */
    uint64_t built;
    size_t stage_at;
    int lost;

    /* How an attempt ends: `stop` with an outcome in res, or `again` to
     * start the key over from scratch. */
    bool stop, again;
    bool fresh;        /* the next destination pipeline opens with UNLINK */
    bool dirty;        /* the temporary key may exist on the destination */
    bool wrote;        /* something was written to it this attempt */
    bool commit_again; /* the last commit was answered by `again` */
    int attempts;

    struct sc_stage st;

    /* Sorted-set members scored -0, written after all others (see
     * structcopy.c): ZADD tmp -0 m, one each. */
    struct sc_stage late;

    /* Streams: ids pending in a group whose entries are gone, written as
     * placeholder entries while building and deleted after the claims
     * (sorted, unique); and the groups of a chunked copy. */
    struct sc_sid *dead;
    size_t n_dead, cap_dead;
    bool dead_grew;
    struct sc_group *groups;
    size_t n_groups;
};

/* ---- outcomes (structcopy.c) --------------------------------------------- */

/* Ends the attempt with `out`. */
void sc_settle(struct sc_job *j, enum sc_outcome out);

/* Ends the attempt with SC_FAILED and a reason. */
void sc_fail(struct sc_job *j, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Ends the attempt so that the key starts over. */
void sc_restart(struct sc_job *j);

/* Ends the attempt with the fatal `rc`, ctx->err set from a format. */
status sc_fatal(struct sc_job *j, status rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- staging ------------------------------------------------------------- */

void sc_stage_reset(struct sc_stage *st);
void sc_stage_free(struct sc_stage *st);

/* One command of `argc` arguments, then exactly that many arguments; the
 * command counts when its last argument is in. */
void sc_stage_begin(struct sc_stage *st, int argc);
void sc_stage_arg(struct sc_stage *st, const void *p, size_t n);
void sc_stage_str(struct sc_stage *st, const char *s);
void sc_stage_ll(struct sc_stage *st, long long v);
void sc_stage_tmp(struct sc_job *j);

/* Whether staging went well; else fails the key and returns false. */
bool sc_staged(struct sc_job *j);

/* The destination's proto-max-bulk-len (512 MiB when unknown). */
size_t sc_max_bulk(const struct sc_job *j);

/* Encoded bytes of a command's array header, name and key. */
size_t sc_head_bytes(const char *cmd, size_t key_len);

/* Whether one argument of `len` bytes fits a request to the destination;
 * else fails the key naming `elem` ("hash field \"f\""). */
bool sc_arg_fits(struct sc_job *j, size_t len, const char *elem);

/* ---- pipelines ----------------------------------------------------------- */

/* A command to the key's source node: `cmd k a1 a2 a3` (NULL ends the
 * arguments); `first` starts the pipeline. */
status sc_src_key(struct sc_job *j, bool first, const char *cmd, const char *a1,
                  const char *a2, const char *a3);
status sc_src_begin(struct sc_job *j, int argc, const char *const *argv,
                    const size_t *lens);
status sc_src_cmd(struct sc_job *j, int argc, const char *const *argv,
                  const size_t *lens);

/* Sends the source pipeline. Error replies: NOPERM is fatal, WRONGTYPE
 * restarts the key (its type changed), any other fails it. */
status sc_src_send(struct sc_job *j);

/* Sends the staged commands as one destination pipeline (nothing when the
 * stage is empty): UNLINK tmp first while the attempt has sent nothing
 * yet, then the stage, PEXPIRE tmp TMPKEY_TTL_MS and tmp's size. `again`
 * restarts the key, and so does tmp found missing or of another size
 * than j->built; an error reply fails it (NOPERM is fatal). The replies
 * stay readable until the next pipeline, the stage's from j->stage_at. */
status sc_dst_flush(struct sc_job *j);

/* ---- replies ------------------------------------------------------------- */

/* The value of `name` in a flat [name, value, ...] reply, or NULL. */
const redisReply *sc_field(const redisReply *map, const char *name);

/* A reply's integer, also from a string reply; `def` when neither. */
long long sc_int(const redisReply *r, long long def);

/* TIME's reply in ms since the epoch (the local clock when malformed). */
int64_t sc_time_ms(const redisReply *r);
int64_t sc_wall_ms(void);

/* Elements for the next chunk read after one of `n` elements and `bytes`
 * value bytes: about SC_CHUNK_BYTES, at most SC_COUNT_MAX. */
void sc_adapt_count(struct sc_job *j, size_t n, size_t bytes);

/* ---- streams (structstream.c) -------------------------------------------- */

/* Whether the stream is small enough for the one-transaction path, by its
 * length and its groups (a read of its own). */
status sc_stream_is_small(struct sc_job *j, bool *small);

/* Stages the stream's whole rebuild from XINFO STREAM FULL's reply; *small
 * false when a list in it was cut by COUNT. */
status sc_stream_stage_small(struct sc_job *j, const redisReply *full,
                             bool *small);

/* Rebuilds the stream in chunks into the temporary key (not renamed). */
status sc_stream_big(struct sc_job *j);

void sc_stream_free(struct sc_job *j);

#endif
