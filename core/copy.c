/*
 * `copy` from start to end, on the main thread:
 *
 *   1. check both ends with a control connection each: reachable, AUTH,
 *      what the source supports (PEXPIRETIME, CLIENT NO-TOUCH), which of
 *      its databases hold keys, and that the destination databases the run
 *      writes to are empty unless --on-conflict says what to do;
 *   2. cut each selected database into SCAN ranges and queue them;
 *   3. start the workers and become the control thread: progress, signals;
 *   4. join, print the summary, write the report, pick the exit code.
 *
 * Nothing is written to the destination before step 3.
 */
#include "copy.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../io/conn.h"
#include "nodes.h"
#include "probe.h"
#include "log.h"
#include "ranges.h"
#include "sio.h"
#include "structcopy.h"
#include "verify.h"
#include "worker.h"

#define KEYS_PER_RANGE 32768
#define TICK_MS        100
#define DUMP_LIMIT_MAX (60u << 20) /* within one request's 64 MiB */

struct dbinfo {
    int db;
    uint64_t keys;
};

struct preflight {
    const atomic_bool *stop; /* a signal during the set-up */
    struct ioloop *loop;
    struct conn *src, *dst;
    bool src_cluster, dst_cluster;
    struct src_node *src_nodes;
    int n_src_nodes;
    struct dbinfo *dbs; /* selected source databases */
    int n_dbs;
    uint64_t total;
    char src_desc[160], dst_desc[160];
};

void copy_run_fail(struct copy_run *run, status rc, const char *msg)
{
    pthread_mutex_lock(&run->err_lock);
    if (run->err == ST_OK) {
        run->err = rc;
        snprintf(run->errmsg, sizeof(run->errmsg), "%s", msg);
    }
    pthread_mutex_unlock(&run->err_lock);
    atomic_store(&run->abort, true);
    atomic_store(&run->stop, true);
}

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- preflight ----------------------------------------------------------- */

static status open_control(struct preflight *pf, const struct endpoint *ep,
                           const char *role, bool readonly, struct conn **out,
                           char *err, size_t errlen)
{
    struct conn_cfg cc = {
        .ep = ep,
        .role = role,
        .readonly = readonly,
        .client_name = "redis-migrate-control",
        .connect_timeout_ms = 5000,
        .reply_timeout_ms = 30000,
        .max_retries = 3,
        .max_request_bytes = 1u << 20,
        .stop = pf->stop,
    };
    status rc = conn_open(out, pf->loop, &cc, NULL, NULL, err, errlen);
    redisReply *r = NULL;

    /* The handshake (AUTH) completes with the first call. */
    if (rc == ST_OK)
        rc = conn_callv(*out, &r, "PING", NULL);
    if (rc != ST_OK && *out) {
        snprintf(err, errlen, "%s", conn_error_msg(*out));
    } else if (rc == ST_OK && r->type == REDIS_REPLY_ERROR) {
        snprintf(err, errlen, "%s %s: PING refused: %.200s", role,
                 role[0] == 's' ? pf->src_desc : pf->dst_desc, r->str);
        rc = strncmp(r->str, "NOAUTH", 6) == 0 ? ST_AUTH : ST_SERVER;
    }
    if (r)
        freeReplyObject(r);
    return rc;
}

/* Which ends are clusters, and their nodes. */
static status find_nodes(struct preflight *pf, const struct config *cfg,
                         struct copy_run *run, char *err, size_t errlen)
{
    bool replicas = cfg->read_from == READ_REPLICA;
    char src_who[200], dst_who[200];

    snprintf(src_who, sizeof(src_who), "source %s", pf->src_desc);
    snprintf(dst_who, sizeof(dst_who), "destination %s", pf->dst_desc);
    status rc =
        nodes_is_cluster(pf->src, src_who, &pf->src_cluster, err, errlen);

    if (rc == ST_OK)
        rc = nodes_is_cluster(pf->dst, dst_who, &pf->dst_cluster, err, errlen);
    if (rc != ST_OK)
        return rc;
    if (replicas && !pf->src_cluster) {
        snprintf(err, errlen,
                 "--read-from replica needs a cluster source; %s is a "
                 "standalone server",
                 pf->src_desc);
        return ST_USAGE;
    }
    if (pf->src_cluster && cfg->source.db > 0) {
        snprintf(err, errlen,
                 "the source %s is a cluster, which has only database 0; "
                 "remove /%d from the source URI (or --db)",
                 pf->src_desc, cfg->source.db);
        return ST_USAGE;
    }
    run->src_readonly = replicas;
    run->src_cluster = pf->src_cluster;
    rc = pf->src_cluster
             ? nodes_source(pf->src, &cfg->source, replicas, pf->loop, pf->stop,
                            &pf->src_nodes, &run->n_src_nodes, err, errlen)
             : nodes_single(&cfg->source, &pf->src_nodes, &run->n_src_nodes);
    pf->n_src_nodes = run->n_src_nodes;
    if (rc == ST_OK && pf->dst_cluster)
        rc = nodes_dest_topology(pf->dst, &cfg->dest, &run->dst_topo, err,
                                 errlen);
    if (rc == ST_NOMEM)
        snprintf(err, errlen, "out of memory");
    run->src_nodes =
        malloc((size_t)(run->n_src_nodes + 1) * sizeof(*run->src_nodes));
    if (rc == ST_OK && !run->src_nodes)
        rc = ST_NOMEM;
    for (int i = 0; rc == ST_OK && i < run->n_src_nodes; i++)
        run->src_nodes[i] = pf->src_nodes[i].ep;
    return rc;
}

/* A cluster source has one database: the sum of its nodes' keys. */
static status cluster_dbs(struct preflight *pf, const struct copy_run *run)
{
    pf->dbs = calloc(1, sizeof(*pf->dbs));
    if (!pf->dbs)
        return ST_NOMEM;
    pf->dbs[0].db = 0;
    for (int i = 0; i < run->n_src_nodes; i++)
        pf->dbs[0].keys += pf->src_nodes[i].keys;
    pf->n_dbs = pf->dbs[0].keys > 0;
    pf->total = pf->dbs[0].keys;
    return ST_OK;
}

/* Parses "db3:keys=10,expires=0,..." lines of INFO keyspace. */
/* A database the user named must exist: an empty copy of a database the
 * server does not have would look like success. */
static status check_source_db(struct preflight *pf, const struct config *cfg,
                              char *err, size_t errlen)
{
    char n[16];
    redisReply *r = NULL;

    if (cfg->db < 0)
        return ST_OK;
    snprintf(n, sizeof(n), "%d", cfg->db);
    status rc = conn_callv(pf->src, &r, "SELECT", n, NULL);
    if (rc != ST_OK) {
        snprintf(err, errlen, "%s", conn_error_msg(pf->src));
        return rc;
    }
    if (r->type == REDIS_REPLY_ERROR) {
        snprintf(err, errlen,
                 "source %s has no database %d (SELECT said: %.120s); "
                 "check --db or the source URI",
                 pf->src_desc, cfg->db, r->str);
        rc = strncmp(r->str, "NOPERM", 6) == 0 ? ST_NOPERM : ST_USAGE;
    }
    freeReplyObject(r);
    return rc;
}

static status source_dbs(struct preflight *pf, const struct config *cfg,
                         char *err, size_t errlen)
{
    redisReply *r = NULL;
    char who[200];

    snprintf(who, sizeof(who), "source %s", pf->src_desc);
    status rc = check_source_db(pf, cfg, err, errlen);
    if (rc == ST_OK)
        rc = nodes_info(pf->src, "keyspace", &r, who, err, errlen);
    if (rc != ST_OK)
        return rc;
    pf->dbs = calloc(COPY_MAX_DBS, sizeof(*pf->dbs));
    if (!pf->dbs) {
        freeReplyObject(r);
        return ST_NOMEM;
    }
    for (const char *p = r->str; (p = strstr(p, "db")) != NULL; p += 2) {
        int db;
        unsigned long long keys;
        if ((p != r->str && p[-1] != '\n') ||
            sscanf(p, "db%d:keys=%llu", &db, &keys) != 2 || db < 0 ||
            db >= COPY_MAX_DBS || keys == 0)
            continue;
        if (cfg->db >= 0 && db != cfg->db)
            continue;
        pf->dbs[pf->n_dbs++] = (struct dbinfo){db, keys};
        pf->total += keys;
    }
    freeReplyObject(r);
    return ST_OK;
}

static int map_db(const struct config *cfg, int src_db, int n_selected)
{
    for (size_t i = 0; i < cfg->n_db_map; i++)
        if (cfg->db_map[i].src == src_db)
            return cfg->db_map[i].dst;
    if (cfg->dest.db >= 0 && n_selected == 1)
        return cfg->dest.db;
    return src_db;
}

static const struct db_map_entry *mapping_of(const struct config *cfg, int db)
{
    for (size_t i = 0; i < cfg->n_db_map; i++)
        if (cfg->db_map[i].src == db)
            return &cfg->db_map[i];
    return NULL;
}

/*
 * A cluster has only database 0, and SELECT is never sent to one: every
 * source database other than 0 must be mapped onto it by the user, so
 * that merging databases is a choice, not an accident.
 */
static status check_cluster_targets(const struct preflight *pf,
                                    const struct config *cfg, char *err,
                                    size_t errlen)
{
    char list[200] = "", maps[200] = "";
    size_t used = 0, mused = 0;

    if (cfg->dest.db > 0) {
        snprintf(err, errlen,
                 "the destination %s is a cluster, which has only database "
                 "0; remove /%d from the destination URI",
                 pf->dst_desc, cfg->dest.db);
        return ST_USAGE;
    }
    for (int i = 0; i < pf->n_dbs; i++) {
        int db = pf->dbs[i].db;
        const struct db_map_entry *m = mapping_of(cfg, db);
        if (m && m->dst != 0) {
            snprintf(err, errlen,
                     "--db-map %d:%d: the destination %s is a cluster, which "
                     "has only database 0; use --db-map %d:0",
                     db, m->dst, pf->dst_desc, db);
            return ST_USAGE;
        }
        if (m || db == 0 || used >= sizeof(list) - 16)
            continue;
        used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%d",
                                 used ? ", " : "", db);
        mused += (size_t)snprintf(maps + mused, sizeof(maps) - mused,
                                  " --db-map %d:0", db);
        if (mused >= sizeof(maps))
            mused = sizeof(maps) - 1;
    }
    if (!used)
        return ST_OK;
    snprintf(err, errlen,
             "the source has keys in database %s, but the destination %s is "
             "a cluster, which has only database 0; nothing was written. To "
             "merge them into database 0, add%s",
             list, pf->dst_desc, maps);
    return ST_USAGE;
}

/* Two source databases into one destination database: allowed, but the
 * user should know that keys of the same name meet there. */
static void warn_merges(const struct preflight *pf, const struct copy_run *run)
{
    for (int i = 0; i < pf->n_dbs; i++)
        for (int j = 0; j < i; j++) {
            int a = pf->dbs[j].db, b = pf->dbs[i].db;
            if (run->db_target[a] != run->db_target[b])
                continue;
            log_warn("source databases %d and %d both go into destination "
                     "database %d: a key present in both is written twice "
                     "(--on-conflict decides)",
                     a, b, run->db_target[a]);
            return;
        }
}

static status plan_targets(struct preflight *pf, const struct config *cfg,
                           struct copy_run *run, char *err, size_t errlen)
{
    run->n_db = COPY_MAX_DBS;
    run->db_target = malloc(COPY_MAX_DBS * sizeof(int));
    if (!run->db_target)
        return ST_NOMEM;
    for (int i = 0; i < COPY_MAX_DBS; i++)
        run->db_target[i] = -1;

    if (cfg->dest.db >= 0 && pf->n_dbs > 1 && cfg->n_db_map == 0) {
        snprintf(err, errlen,
                 "the destination URI names database %d, but the source has "
                 "%d non-empty databases; pick one with --db, or map them "
                 "with --db-map SRC:DST",
                 cfg->dest.db, pf->n_dbs);
        return ST_USAGE;
    }
    for (int i = 0; i < pf->n_dbs; i++)
        run->db_target[pf->dbs[i].db] = map_db(cfg, pf->dbs[i].db, pf->n_dbs);
    if (pf->dst_cluster)
        return check_cluster_targets(pf, cfg, err, errlen);
    warn_merges(pf, run);
    return ST_OK;
}

/* A source database the selection maps to destination database `dst`,
 * or -1. */
static int source_of(const struct config *cfg, int dst)
{
    if (cfg->db >= 0)
        return map_db(cfg, cfg->db, 1) == dst ? cfg->db : -1;
    for (size_t i = 0; i < cfg->n_db_map; i++)
        if (cfg->db_map[i].dst == dst)
            return cfg->db_map[i].src;
    return mapping_of(cfg, dst) ? -1 : dst;
}

/*
 * verify walks a destination database for extra keys also when the source
 * database that maps to it is empty (and so has no range): a verify
 * pointed at an empty or wrong source must not pass.
 */
static status plan_verify_targets(struct preflight *pf,
                                  const struct config *cfg,
                                  struct copy_run *run, char *err,
                                  size_t errlen)
{
    redisReply *r = NULL;
    char who[200];

    if (pf->dst_cluster)
        return ST_OK; /* database 0 is walked on every master */
    snprintf(who, sizeof(who), "destination %s", pf->dst_desc);
    status rc = nodes_info(pf->dst, "keyspace", &r, who, err, errlen);
    if (rc != ST_OK)
        return rc;
    for (const char *p = r->str; (p = strstr(p, "db")) != NULL; p += 2) {
        int db, src;
        unsigned long long keys;
        if ((p != r->str && p[-1] != '\n') ||
            sscanf(p, "db%d:keys=%llu", &db, &keys) != 2 || db < 0 ||
            db >= COPY_MAX_DBS || keys == 0)
            continue;
        src = source_of(cfg, db);
        if (src >= 0 && src < COPY_MAX_DBS && run->db_target[src] < 0)
            run->db_target[src] = db;
    }
    freeReplyObject(r);
    return ST_OK;
}

static status report_busy(const struct preflight *pf, const struct config *cfg,
                          bool busy, const char *list, char *err,
                          size_t errlen);

/* DBSIZE of every destination database the run writes to. */
static status check_dest_empty(struct preflight *pf, const struct config *cfg,
                               const struct copy_run *run, char *err,
                               size_t errlen)
{
    char list[256] = "";
    size_t used = 0;
    bool busy = false;

    for (int i = 0; i < pf->n_dbs; i++) {
        int t = run->db_target[pf->dbs[i].db];
        char n[16];
        redisReply *r = NULL;
        bool seen = false;

        for (int j = 0; j < i; j++)
            seen |= run->db_target[pf->dbs[j].db] == t;
        if (seen)
            continue;
        snprintf(n, sizeof(n), "%d", t);
        status rc = conn_callv(pf->dst, &r, "SELECT", n, NULL);
        if (rc == ST_OK && r->type == REDIS_REPLY_ERROR &&
            strncmp(r->str, "NOPERM", 6) == 0) {
            snprintf(err, errlen,
                     "destination %s: the user may not run SELECT (%.200s); "
                     "grant it: ACL SETUSER %s +select",
                     pf->dst_desc, r->str,
                     cfg->dest.user ? cfg->dest.user : "default");
            freeReplyObject(r);
            return ST_NOPERM;
        }
        if (rc == ST_OK && r->type == REDIS_REPLY_ERROR) {
            snprintf(err, errlen,
                     "destination %s: SELECT %d refused: %.200s; check the "
                     "database numbers of --db-map or the destination URI",
                     pf->dst_desc, t, r->str);
            freeReplyObject(r);
            return ST_USAGE;
        }
        if (r)
            freeReplyObject(r);
        if (rc == ST_OK)
            rc = conn_callv(pf->dst, &r, "DBSIZE", NULL);
        if (rc != ST_OK) {
            snprintf(err, errlen, "%s", conn_error_msg(pf->dst));
            return rc;
        }
        if (r->type == REDIS_REPLY_ERROR) {
            /* Unknown is not empty: refuse rather than guess. */
            snprintf(err, errlen,
                     "destination %s: DBSIZE refused (%.200s), so whether "
                     "it holds keys is unknown; grant the user +dbsize",
                     pf->dst_desc, r->str);
            rc = strncmp(r->str, "NOPERM", 6) == 0 ? ST_NOPERM : ST_SERVER;
            freeReplyObject(r);
            return rc;
        }
        if (r->type == REDIS_REPLY_INTEGER && r->integer > 0) {
            busy = true;
            used += (size_t)snprintf(list + used, sizeof(list) - used,
                                     "%sdb %d holds %lld keys",
                                     used ? ", " : "", t, r->integer);
            if (used >= sizeof(list))
                used = sizeof(list) - 1;
        }
        freeReplyObject(r);
    }
    return report_busy(pf, cfg, busy, list, err, errlen);
}

/* The keys of a cluster destination (every master's DBSIZE). */
static status check_cluster_empty(struct preflight *pf,
                                  const struct config *cfg,
                                  const struct copy_run *run, char *err,
                                  size_t errlen)
{
    uint64_t keys = 0;
    char list[64];
    status rc = nodes_dest_keys(run->dst_topo, &cfg->dest, pf->loop, pf->stop,
                                &keys, err, errlen);

    if (rc != ST_OK)
        return rc;
    snprintf(list, sizeof(list), "its masters hold %llu keys",
             (unsigned long long)keys);
    return report_busy(pf, cfg, keys > 0, list, err, errlen);
}

/* A destination holding keys, and no policy for them. */
static status report_busy(const struct preflight *pf, const struct config *cfg,
                          bool busy, const char *list, char *err, size_t errlen)
{
    if (!busy || cfg->on_conflict != CONFLICT_UNSET)
        return ST_OK;

    if (cfg->dry_run) {
        log_warn("destination %s is not empty (%s): a real run would stop "
                 "here; choose --on-conflict replace, skip or fail",
                 pf->dst_desc, list);
        return ST_OK;
    }
    snprintf(err, errlen,
             "destination %s is not empty (%s); nothing was written. Choose "
             "what to do with existing keys: --on-conflict replace, skip or "
             "fail",
             pf->dst_desc, list);
    return ST_NONEMPTY;
}

/* Whether a server runs PEXPIRETIME; `why` gets its refusal. Only a
 * refusal of the command itself counts: a cluster node answers MOVED for
 * a probe key of another node's slot. */
static bool has_pexpiretime(struct conn *c, char *why, size_t whylen)
{
    redisReply *r = NULL;
    bool yes = true;

    if (conn_callv(c, &r, "PEXPIRETIME", "redis-migrate:probe", NULL) ==
            ST_OK &&
        r->type == REDIS_REPLY_ERROR &&
        (strstr(r->str, "unknown command") ||
         strncmp(r->str, "NOPERM", 6) == 0)) {
        yes = false;
        if (why)
            snprintf(why, whylen, "%.80s", r->str);
    }
    if (r)
        freeReplyObject(r);
    return yes;
}

/* Asks the source about optional commands; refusals choose fallbacks. */
static void probe_features(struct preflight *pf, struct copy_run *run)
{
    redisReply *r = NULL;
    char why[96];

    run->use_pexpiretime = has_pexpiretime(pf->src, why, sizeof(why));
    if (!run->use_pexpiretime)
        log_info("the source has no PEXPIRETIME (%s); reading deadlines "
                 "with PTTL and TIME instead",
                 why);

    /* Keys are sized before any DUMP where MEMORY USAGE is allowed (a
     * cluster node may answer MOVED: the command is there). */
    run->size_first =
        conn_callv(pf->src, &r, "MEMORY", "USAGE", "redis-migrate:probe",
                   "SAMPLES", "1", NULL) == ST_OK &&
        (r->type != REDIS_REPLY_ERROR || strncmp(r->str, "MOVED", 5) == 0);
    if (!run->size_first)
        log_info("the source refuses MEMORY USAGE (%.80s): big keys are "
                 "found by the size of their DUMP instead of before it",
                 r && r->type == REDIS_REPLY_ERROR ? r->str : "no reply");
    if (r)
        freeReplyObject(r);
    r = NULL;

    run->no_touch =
        conn_callv(pf->src, &r, "CLIENT", "NO-TOUCH", "on", NULL) == ST_OK &&
        r->type == REDIS_REPLY_STATUS;
    if (!run->no_touch)
        log_debug("the source has no CLIENT NO-TOUCH; reads may update its "
                  "LRU/LFU data");
    if (r)
        freeReplyObject(r);
}

/* Probes where the run reads: a replica with --read-from replica, so that
 * the masters are spared even this. */
static status check_source_perms(struct preflight *pf, const struct config *cfg,
                                 const struct copy_run *run, char *err,
                                 size_t errlen)
{
    struct conn *c = pf->src;
    status rc = ST_OK;

    if (run->src_readonly)
        rc = open_control(pf, &run->src_nodes[0], "source", true, &c, err,
                          errlen);
    if (rc == ST_OK) {
        const struct probe_end end = {c, pf->src_desc, &cfg->source};
        rc = probe_source_perms(&end, cfg, run->use_pexpiretime, err, errlen);
    }
    if (c != pf->src)
        conn_close(c);
    return rc;
}

/*
 * The destination's proto-max-bulk-len, where CONFIG GET is allowed (512 MB,
 * the servers' default, otherwise), and from it the largest payload one
 * RESTORE carries: larger values go by type commands in chunks.
 */
static void read_max_bulk(struct preflight *pf, const struct config *cfg,
                          struct copy_run *run)
{
    redisReply *r = NULL;

    run->max_bulk = 512u << 20;
    if (conn_callv(pf->dst, &r, "CONFIG", "GET", "proto-max-bulk-len", NULL) ==
            ST_OK &&
        r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
        r->element[1]->type == REDIS_REPLY_STRING)
        run->max_bulk = strtoull(r->element[1]->str, NULL, 10);
    else
        log_debug("the destination's proto-max-bulk-len is not readable; "
                  "assuming 512 MB");
    if (r)
        freeReplyObject(r);
    size_t limit = run->max_bulk > 4096 ? run->max_bulk - 4096 : 1024;
    if (limit > cfg->big_key_bytes)
        limit = cfg->big_key_bytes;
    if (limit > DUMP_LIMIT_MAX)
        limit = DUMP_LIMIT_MAX;
    run->dump_limit = limit;
}

/* Permissions, then whether the destination reads the source's payloads
 * (a standalone source; a cluster node may not hold the key it names). */
static status check_dest(struct preflight *pf, const struct config *cfg,
                         struct copy_run *run, char *err, size_t errlen)
{
    const struct probe_end src = {pf->src, pf->src_desc, &cfg->source};
    const struct probe_end dst = {pf->dst, pf->dst_desc, &cfg->dest};

    if (cfg->dry_run || run->verifying)
        return ST_OK;
    status rc = probe_dest_perms(&dst, cfg, err, errlen);
    if (rc == ST_OK && !pf->src_cluster && pf->n_dbs > 0 &&
        cfg->mode != MODE_STRUCT)
        rc = probe_payload_format(&src, pf->dbs[0].db, &dst, err, errlen);
    if (rc == ST_UNSUPPORTED && cfg->mode == MODE_DUMP)
        rc = ST_USAGE; /* what was asked cannot work: a setting to change */
    if (rc == ST_UNSUPPORTED && cfg->mode == MODE_AUTO) {
        log_info("the destination cannot read the source's DUMP payloads; "
                 "every key goes by type commands");
        atomic_store(&run->by_struct, true);
        rc = ST_OK;
    }
    if (rc == ST_OK && atomic_load(&run->by_struct) && !pf->dst_cluster)
        rc = probe_struct_perms(&dst, err, errlen);
    if (rc == ST_OK)
        read_max_bulk(pf, cfg, run);
    return rc;
}

/* The destination, on its own slow lane, for set-up work. */
static status open_dest_lane(const struct config *cfg,
                             const struct copy_run *run, struct sio **out,
                             char *err, size_t errlen)
{
    struct sio_cfg sc = {
        .dst_seed = &cfg->dest,
        .dst_topo = run->dst_topo,
        .dst = {.role = "destination",
                .connect_timeout_ms = 5000,
                .reply_timeout_ms = 60000,
                .max_retries = 3,
                .max_request_bytes = 1u << 20,
                .stop = &run->abort},
        .force_poll = run->force_poll,
    };
    return sio_open(out, &sc, err, errlen);
}

/* A slot that `node` of the destination cluster serves. */
static int slot_of_node(const struct topology *t, int node)
{
    for (int s = 0; s < CLUSTER_SLOTS; s++)
        if (t->slot_master[s] == node)
            return s;
    return -1;
}

/*
 * Removes the temporary keys of type-command copies a killed run left on
 * the destination (in every database this run writes to, on every master),
 * before the destination is checked for keys.
 */
static status sweep_temp_keys(struct preflight *pf, const struct config *cfg,
                              const struct copy_run *run, char *err,
                              size_t errlen)
{
    struct sio *s = NULL;
    uint64_t removed = 0;
    char why[300] = "";
    status rc = open_dest_lane(cfg, run, &s, err, errlen);

    for (int i = 0; rc == ST_OK && i < pf->n_dbs && !pf->dst_cluster; i++)
        rc = sc_sweep_msg(s, 0, run->db_target[pf->dbs[i].db], &removed, why,
                          sizeof(why));
    for (int n = 0;
         rc == ST_OK && pf->dst_cluster && n < run->dst_topo->n_nodes; n++) {
        int slot = slot_of_node(run->dst_topo, n);
        if (slot >= 0)
            rc = sc_sweep_msg(s, slot, 0, &removed, why, sizeof(why));
    }
    if (rc == ST_NOPERM)
        snprintf(
            err, errlen,
            "destination %s: the user may not run SCAN, PTTL or UNLINK, which "
            "remove the temporary keys a killed run leaves (%s); nothing "
            "was written. Grant it: ACL SETUSER %s +scan +pttl +unlink "
            "(README, "
            "Minimal ACL users)",
            pf->dst_desc, why, cfg->dest.user ? cfg->dest.user : "default");
    else if (rc != ST_OK && s)
        snprintf(err, errlen,
                 "destination %s: removing a killed run's temporary keys "
                 "failed: %s; nothing was written",
                 pf->dst_desc, why[0] ? why : sio_error(s));
    if (rc == ST_OK && removed)
        log_info("removed %llu temporary keys a killed run left on the "
                 "destination",
                 (unsigned long long)removed);
    sio_free(s);
    return rc;
}

static void warn_insecure(const struct endpoint *ep, const char *desc)
{
    if (ep->tls && ep->tls_insecure)
        log_warn("TLS certificate checks are OFF for the %s %s (the "
                 "insecure setting): anyone on the network path can read "
                 "and change the data; use it for development only",
                 ep->role, desc);
}

static status preflight(struct preflight *pf, const struct config *cfg,
                        struct copy_run *run, char *err, size_t errlen)
{
    char why[160];
    status rc;

    pf->stop = &run->abort;
    endpoint_describe(&cfg->source, pf->src_desc, sizeof(pf->src_desc));
    endpoint_describe(&cfg->dest, pf->dst_desc, sizeof(pf->dst_desc));
    rc = cfg->report_path ? report_check_path(cfg->report_path, err, errlen)
                          : ST_OK;
    if (rc != ST_OK)
        return rc;

    warn_insecure(&cfg->source, pf->src_desc);
    warn_insecure(&cfg->dest, pf->dst_desc);

    const char *force = getenv("RM_FORCE_POLL");
    run->force_poll = force && *force && strcmp(force, "0") != 0;
    rc = ioloop_new(&pf->loop, 8, run->force_poll, why, sizeof(why));
    if (rc != ST_OK)
        return rc;
    if (run->force_poll)
        log_info("RM_FORCE_POLL is set: running on the poll loop instead of "
                 "io_uring");
    else if (!ioloop_uses_uring(pf->loop)) {
        log_warn("%s; running on the poll loop (same behaviour, more "
                 "system calls)",
                 why);
        run->force_poll = true;
    }

    rc = open_control(pf, &cfg->source, "source", false, &pf->src, err, errlen);
    if (rc == ST_OK)
        rc = open_control(pf, &cfg->dest, "destination", false, &pf->dst, err,
                          errlen);
    if (rc == ST_OK)
        rc = find_nodes(pf, cfg, run, err, errlen);
    if (rc == ST_OK)
        rc = pf->src_cluster ? cluster_dbs(pf, run)
                             : source_dbs(pf, cfg, err, errlen);
    if (rc == ST_OK)
        rc = plan_targets(pf, cfg, run, err, errlen);
    if (rc == ST_OK && !cfg->dry_run && !run->verifying)
        rc = sweep_temp_keys(pf, cfg, run, err, errlen);
    if (rc == ST_OK && !run->verifying)
        rc = pf->dst_cluster ? check_cluster_empty(pf, cfg, run, err, errlen)
                             : check_dest_empty(pf, cfg, run, err, errlen);
    if (rc == ST_OK && (run->verifying || cfg->verify)) {
        rc = plan_verify_targets(pf, cfg, run, err, errlen);
        run->dst_pexpiretime = has_pexpiretime(pf->dst, NULL, 0);
    }
    if (rc == ST_OK)
        probe_features(pf, run);
    if (rc == ST_OK)
        rc = check_source_perms(pf, cfg, run, err, errlen);
    if (rc == ST_OK)
        rc = check_dest(pf, cfg, run, err, errlen);
    return rc;
}

static void preflight_free(struct preflight *pf)
{
    nodes_free(pf->src_nodes, pf->n_src_nodes);
    conn_close(pf->src);
    conn_close(pf->dst);
    ioloop_free(pf->loop);
    free(pf->dbs);
}

/* ---- ranges -------------------------------------------------------------- */

/* How many ranges to cut `keys` keys of one node into. */
static uint32_t range_count(enum cursor_layout layout, uint64_t keys,
                            int threads)
{
    if (layout == LAYOUT_BUCKETS)
        return 1u << ranges_pick_bits(keys, threads, KEYS_PER_RANGE);
    /* Slot ranges: several per worker, each holding a bounded share. */
    uint64_t n = keys / KEYS_PER_RANGE + 1;
    if (n < (uint64_t)threads * 4)
        n = (uint64_t)threads * 4;
    return n > RANGES_SLOTS ? RANGES_SLOTS : (uint32_t)n;
}

static struct scan_range range_at(enum cursor_layout layout, uint32_t count,
                                  uint32_t j)
{
    if (layout == LAYOUT_SLOTS)
        return ranges_slots(0, RANGES_SLOTS, count, j);
    uint32_t bits = 0;
    while ((1u << bits) < count)
        bits++;
    return ranges_buckets(bits, j);
}

/*
 * Cuts every selected database of every source node into ranges and queues
 * them, taking the nodes in turn so that the workers spread their reads
 * over all of them.
 */
static status queue_ranges(struct copy_run *run, const struct preflight *pf,
                           const struct config *cfg)
{
    int nn = run->n_src_nodes;
    uint32_t *count = calloc((size_t)nn, sizeof(*count));
    size_t total = 0;

    if (!count)
        return ST_NOMEM;
    for (int d = 0; d < pf->n_dbs; d++) {
        for (int n = 0; n < nn; n++) {
            const struct src_node *sn = &pf->src_nodes[n];
            uint64_t keys = pf->src_cluster ? sn->keys : pf->dbs[d].keys;
            count[n] = range_count(sn->layout, keys, cfg->threads);
            total += count[n];
        }
    }
    run->ranges = calloc(total ? total : 1, sizeof(*run->ranges));
    status rc = run->ranges ? rangeq_new(&run->queue, total) : ST_NOMEM;
    for (int d = 0; d < pf->n_dbs && rc == ST_OK; d++) {
        uint32_t most = 0;
        for (int n = 0; n < nn; n++) {
            const struct src_node *sn = &pf->src_nodes[n];
            uint64_t keys = pf->src_cluster ? sn->keys : pf->dbs[d].keys;
            count[n] = range_count(sn->layout, keys, cfg->threads);
            most = count[n] > most ? count[n] : most;
        }
        for (uint32_t j = 0; j < most; j++)
            for (int n = 0; n < nn; n++) {
                if (j >= count[n])
                    continue;
                struct scan_range *r = &run->ranges[run->n_ranges++];
                *r = range_at(pf->src_nodes[n].layout, count[n], j);
                r->node = n;
                r->db = pf->dbs[d].db;
                rangeq_push(run->queue, r);
            }
        log_debug("db %d: %llu keys in %zu ranges over %d nodes", pf->dbs[d].db,
                  (unsigned long long)pf->dbs[d].keys, run->n_ranges, nn);
    }
    free(count);
    return rc;
}

/* One --match can go to the server with SCAN MATCH, and one --type with
 * SCAN TYPE; more are filtered here. */
static void plan_filters(struct copy_run *run, const struct config *cfg)
{
    run->scan_match = cfg->n_match == 1 ? cfg->match[0] : NULL;
    run->scan_type = cfg->n_types == 1 ? cfg->types[0] : NULL;
    run->check_type = cfg->n_types > 1;
}

/* Whether the selected keys may include strings. */
static bool selects_strings(const struct config *cfg)
{
    for (size_t i = 0; i < cfg->n_types; i++)
        if (strcmp(cfg->types[i], "string") == 0)
            return true;
    return cfg->n_types == 0;
}

/* What goes by type commands, and the names of temporary keys. Under
 * --mode auto, keys are first read as strings: GETRANGE of a string up to
 * a window and SET, one read of the key on the source where a size
 * before the DUMP would take two (worker.c). */
static void plan_lane(struct copy_run *run, const struct config *cfg)
{
    atomic_store(&run->by_struct, cfg->mode == MODE_STRUCT);
    run->strings_first = cfg->mode == MODE_AUTO && selects_strings(cfg);
    run->verifying = cfg->command == CMD_VERIFY;
    run->max_bulk = 512u << 20;
    run->dump_limit = cfg->big_key_bytes < DUMP_LIMIT_MAX ? cfg->big_key_bytes
                                                          : DUMP_LIMIT_MAX;
    snprintf(run->token, sizeof(run->token), "%lx%x",
             (unsigned long)time(NULL) & 0xffffffu, (unsigned)getpid());
}

/* ---- control thread ------------------------------------------------------ */

static int resolve_progress(int kind)
{
    if (kind == PROGRESS_AUTO)
        return isatty(STDERR_FILENO) ? PROGRESS_BAR : PROGRESS_PLAIN;
    return kind;
}

static bool all_done(struct worker **workers, int n)
{
    for (int i = 0; i < n; i++)
        if (workers[i] && !worker_done(workers[i]))
            return false;
    return true;
}

/* Draws progress and waits for signals until every worker has finished.
 * Returns true when a signal interrupted the run. */
static bool control_loop(struct copy_run *run, struct worker **workers, int n,
                         struct progress *pg, uint64_t total, double t0)
{
    sigset_t set;
    bool interrupted = false;
    struct timespec tick = {0, TICK_MS * 1000000L};

    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);

    while (!all_done(workers, n)) {
        int sig = sigtimedwait(&set, NULL, &tick);
        if (sig == SIGINT || sig == SIGTERM) {
            if (interrupted) {
                log_warn("second signal: stopping without waiting for "
                         "writes in flight");
                atomic_store(&run->abort, true);
            } else {
                log_warn("%s received: stopping; keys in flight are "
                         "finished or left unwritten",
                         sig == SIGINT ? "SIGINT" : "SIGTERM");
                atomic_store(&run->stop, true);
            }
            interrupted = true;
        }
        struct totals t;
        totals_sum(run->counters, (size_t)n, &t);
        progress_update(pg, &t, total, mono_s() - t0);
    }
    return interrupted;
}

static int exit_code_for(const struct copy_run *run, bool interrupted,
                         const struct totals *t)
{
    if (interrupted)
        return 130;
    if (run->err != ST_OK)
        return status_exit_code(run->err) == 0 ? 1 : status_exit_code(run->err);
    if (t->failed > 0)
        return 3;
    return 0;
}

static int finish(const struct config *cfg, struct copy_run *run,
                  const struct preflight *pf, int code, const char *error,
                  const struct totals *t, double elapsed)
{
    struct report rep = {
        .command = cfg->command == CMD_VERIFY ? "verify" : "copy",
        .status = report_status_for_exit(code),
        .exit_code = code,
        .error = error,
        .source = pf->src_desc,
        .dest = pf->dst_desc,
        .dry_run = cfg->dry_run,
        .elapsed_seconds = elapsed,
        .estimated_total = pf->total,
        .failures = &run->failures,
        .verified = run->verifying,
        .diffs = &run->diffs,
        .verify_seconds = run->verify_seconds,
    };
    char err[512];

    if (t)
        rep.totals = *t;
    if (error)
        log_error("%s", error);
    /* A path refused up front has been reported once already. */
    if (cfg->report_path &&
        report_check_path(cfg->report_path, err, sizeof(err)) == ST_OK &&
        report_write_json(&rep, cfg->report_path, err, sizeof(err)) != ST_OK) {
        log_error("%s", err);
        if (code == 0) { /* the summary says what the exit status says */
            code = 1;
            rep.exit_code = 1;
            rep.status = report_status_for_exit(1);
        }
    }
    if (t)
        report_print_summary(&rep, stdout);
    fflush(stdout);
    return code;
}

/* ---- entry --------------------------------------------------------------- */

/*
 * Runs the workers over the queued ranges once: a copy, or verify's
 * comparison when run->verifying. Sums their counters into *t; returns
 * true when a signal interrupted the pass.
 */
static bool run_pass(const struct config *cfg, struct copy_run *run,
                     const struct preflight *pf, const char *label, double t0,
                     struct totals *t)
{
    int n = cfg->threads;
    struct worker **workers = calloc((size_t)n, sizeof(*workers));
    struct progress *pg = progress_new(resolve_progress(cfg->progress), stderr);

    free(run->counters);
    run->counters = calloc((size_t)n, sizeof(*run->counters));
    if (!workers || !run->counters || !pg) {
        copy_run_fail(run, ST_NOMEM, "out of memory");
        free(workers);
        progress_free(pg);
        return false;
    }
    progress_set_label(pg, label);
    for (int i = 0; i < n; i++)
        if (worker_start(&workers[i], run, i) != ST_OK)
            copy_run_fail(run, ST_NOMEM, "cannot start a worker thread");

    bool interrupted = control_loop(run, workers, n, pg, pf->total, t0);
    for (int i = 0; i < n; i++)
        worker_join(workers[i]);
    free(workers);

    totals_sum(run->counters, (size_t)n, t);
    progress_finish(pg, t, pf->total, mono_s() - t0);
    progress_free(pg);
    return interrupted;
}

/* Sets up verify's pass after a copy, or for the verify command: the
 * ranges again, and the sample. */
static status plan_verify(struct copy_run *run, const struct preflight *pf,
                          const struct config *cfg)
{
    status rc = ST_OK;

    if (!run->verifying) {
        run->verifying = true;
        rangeq_free(run->queue);
        free(run->ranges);
        run->queue = NULL;
        run->ranges = NULL;
        run->n_ranges = 0;
        rc = queue_ranges(run, pf, cfg);
    }
    if (cfg->sample > 0) {
        /* A quarter more than asked pass the hash test, so that the
         * sample fills although the walk stops taking keys at N. */
        uint64_t every = pf->total * 4 / ((uint64_t)cfg->sample * 5);
        run->sample_every = every ? every : 1;
        atomic_store(&run->sample_left, cfg->sample);
    }
    return rc;
}

/* verify's counts into the run's totals. */
static void add_verify_totals(struct totals *t, const struct totals *v)
{
    t->compared = v->compared;
    t->equal = v->equal;
    t->diff_missing = v->diff_missing;
    t->diff_extra = v->diff_extra;
    t->diff_type = v->diff_type;
    t->diff_value = v->diff_value;
    t->diff_ttl = v->diff_ttl;
}

/* verify's second half: keys on the destination the source lacks. */
static void check_extra(const struct config *cfg, struct copy_run *run,
                        struct preflight *pf, struct totals *t)
{
    char err[512];
    uint64_t extra = 0;

    status rc = verify_extra(cfg, run, pf->src, t->compared - t->diff_missing,
                             &extra, err, sizeof(err));
    if (rc != ST_OK)
        copy_run_fail(run, rc, err);
    t->diff_extra += extra;
}

static int run_workers(const struct config *cfg, struct copy_run *run,
                       struct preflight *pf, double t0)
{
    struct totals t = {0}, v = {0};
    bool interrupted = false;
    double t_verify = 0;

    if (!run->verifying) {
        log_info("copying %llu keys from %s to %s with %d threads%s",
                 (unsigned long long)pf->total, pf->src_desc, pf->dst_desc,
                 cfg->threads,
                 cfg->dry_run ? " (dry run: nothing is written)" : "");
        interrupted = run_pass(cfg, run, pf, "copy", t0, &t);
    }
    bool verify = run->verifying || cfg->verify;
    if (verify && !interrupted && run->err == ST_OK) {
        if (plan_verify(run, pf, cfg) != ST_OK)
            copy_run_fail(run, ST_NOMEM, "out of memory planning ranges");
        t_verify = mono_s();
        log_info("verifying %llu keys of %s against %s",
                 (unsigned long long)pf->total, pf->src_desc, pf->dst_desc);
        if (run->err == ST_OK)
            interrupted = run_pass(cfg, run, pf, "verify", t0, &v);
        if (!interrupted && run->err == ST_OK)
            check_extra(cfg, run, pf, &v);
        add_verify_totals(&t, &v);
        run->verify_seconds = mono_s() - t_verify;
    }
    double elapsed = mono_s() - t0;
    int code = exit_code_for(run, interrupted, &t);
    if (code == 0 && run->verifying && totals_diffs(&t))
        code = 3;
    return finish(cfg, run, pf, code,
                  run->err != ST_OK && !interrupted ? run->errmsg : NULL, &t,
                  elapsed);
}

/*
 * Until the workers start, a signal only sets a flag that the set-up
 * connections watch, so that a preflight stuck on a silent server stops
 * at once; afterwards signals are blocked and the control loop takes them.
 */
static atomic_bool *preflight_stop;

static void on_preflight_signal(int sig)
{
    (void)sig;
    if (preflight_stop)
        atomic_store(preflight_stop, true);
}

static void catch_preflight_signals(struct copy_run *run)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    preflight_stop = &run->abort;
    sa.sa_handler = on_preflight_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

static void block_signals(void)
{
    sigset_t set;

    /* Workers inherit the mask: only the control loop sees signals. */
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
}

int copy_main(const struct config *cfg)
{
    struct copy_run run = {.cfg = cfg};
    struct preflight pf = {0};
    char err[512] = "";
    double t0 = mono_s();
    int code;

    pthread_mutex_init(&run.err_lock, NULL);
    failures_init(&run.failures);
    failures_init(&run.diffs);
    plan_lane(&run, cfg);

    catch_preflight_signals(&run);
    status rc = preflight(&pf, cfg, &run, err, sizeof(err));
    block_signals();
    if (atomic_load(&run.abort)) {
        rc = ST_INTERRUPTED;
        snprintf(err, sizeof(err),
                 "interrupted before the copy started; nothing was written");
    }
    if (rc == ST_OK) {
        plan_filters(&run, cfg);
        rc = queue_ranges(&run, &pf, cfg);
        if (rc != ST_OK)
            snprintf(err, sizeof(err), "out of memory planning ranges");
    }
    /* The control connections are not needed while workers copy (verify
     * keeps the source's to read its topology). */
    if (!run.verifying && !cfg->verify) {
        conn_close(pf.src);
        pf.src = NULL;
    }
    conn_close(pf.dst);
    pf.dst = NULL;

    /* An interrupted run prints its summary, even one that copied nothing. */
    struct totals none = {0};
    if (rc != ST_OK)
        code = finish(cfg, &run, &pf, status_exit_code(rc), err,
                      rc == ST_INTERRUPTED ? &none : NULL, mono_s() - t0);
    else
        code = run_workers(cfg, &run, &pf, t0);

    preflight_free(&pf);
    rangeq_free(run.queue);
    free(run.ranges);
    free(run.db_target);
    free(run.src_nodes);
    if (run.dst_topo)
        topology_free(run.dst_topo);
    free(run.dst_topo);
    free(run.counters);
    failures_free(&run.failures);
    failures_free(&run.diffs);
    pthread_mutex_destroy(&run.err_lock);
    return code;
}
