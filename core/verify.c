/*
 * verify's extra keys (see verify.h). The destination is walked one node
 * and one database at a time with SCAN ... COUNT 1000; each page's
 * selected keys are looked up on the source with pipelined EXISTS, in
 * every source database that maps to the walked one.
 */
#include "verify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "compare.h"
#include "glob.h"
#include "nodes.h"
#include "sio.h"
#include "structcopy.h"

#define PAGE_KEYS "1000"

struct walker {
    const struct config *cfg;
    struct copy_run *run;
    struct sio *dst, *src;
    int src_dbs[64]; /* source databases that map to the walked one */
    int n_src_dbs;
    uint64_t extra;
};

static struct conn_cfg lane_conn(const struct copy_run *run, const char *role)
{
    return (struct conn_cfg){
        .role = role,
        .connect_timeout_ms = 5000,
        .reply_timeout_ms = 60000,
        .max_retries = 10,
        .max_request_bytes = 64u << 20,
        .stop = &run->abort,
    };
}

/* Two lanes: one whose "destination" is the destination, one whose
 * "destination" is the source, so that both route keys by slot. */
static status open_lanes(struct walker *wk, const struct topology *src_topo,
                         char *err, size_t errlen)
{
    struct sio_cfg d = {
        .dst_seed = &wk->cfg->dest,
        .dst_topo = wk->run->dst_topo,
        .dst = lane_conn(wk->run, "destination"),
        .force_poll = wk->run->force_poll,
    };
    struct sio_cfg s = {
        .dst_seed = &wk->cfg->source,
        .dst_topo = src_topo,
        .dst = lane_conn(wk->run, "source"),
        .force_poll = wk->run->force_poll,
    };
    s.dst.no_touch = wk->run->no_touch;
    status rc = sio_open(&wk->dst, &d, err, errlen);
    if (rc == ST_OK)
        rc = sio_open(&wk->src, &s, err, errlen);
    return rc;
}

static bool selected(const struct walker *wk, const char *k, size_t len)
{
    const struct config *cfg = wk->cfg;

    if (len >= strlen(TMPKEY_PREFIX) &&
        memcmp(k, TMPKEY_PREFIX, strlen(TMPKEY_PREFIX)) == 0)
        return false;
    if (wk->run->sample_every &&
        XXH3_64bits(k, len) % wk->run->sample_every != 0)
        return false;
    for (size_t i = 0; i < cfg->n_exclude; i++)
        if (glob_match(cfg->exclude[i], strlen(cfg->exclude[i]), k, len))
            return false;
    if (cfg->n_match == 0)
        return true;
    for (size_t i = 0; i < cfg->n_match; i++)
        if (glob_match(cfg->match[i], strlen(cfg->match[i]), k, len))
            return true;
    return false;
}

/* EXISTS of `n` keys in source database `db`, one pipeline per source
 * node; found[i] is set for each key the source holds. */
static status look_up(struct walker *wk, const redisReply *const *keys,
                      size_t n, int db, bool *found)
{
    for (size_t first = 0; first < n;) {
        uint16_t slot = cluster_slot(keys[first]->str, keys[first]->len);
        int node = sio_dst_node(wk->src, slot);
        size_t last = first + 1;
        while (last < n &&
               sio_dst_node(wk->src, cluster_slot(keys[last]->str,
                                                  keys[last]->len)) == node)
            last++;
        bool again = true;
        status rc = ST_OK;
        for (int tries = 0; again && rc == ST_OK && tries < 50; tries++) {
            sio_begin(wk->src, SIO_DST, slot, db);
            for (size_t i = first; i < last && rc == ST_OK; i++) {
                const char *argv[] = {"EXISTS", keys[i]->str};
                size_t lens[] = {6, keys[i]->len};
                rc = sio_cmd(wk->src, 2, argv, lens);
            }
            if (rc == ST_OK)
                rc = sio_send(wk->src, &again);
        }
        if (rc != ST_OK || again)
            return rc != ST_OK ? rc : ST_SERVER;
        for (size_t i = first; i < last; i++) {
            const redisReply *r = sio_reply(wk->src, i - first);
            found[i] =
                found[i] || (r->type == REDIS_REPLY_INTEGER && r->integer > 0);
        }
        first = last;
    }
    return ST_OK;
}

/* Checks one SCAN page's keys, of destination database `db`, against the
 * source. */
static status check_page(struct walker *wk, const redisReply *page, int db)
{
    size_t n = 0;
    const redisReply **keys = malloc(page->elements * sizeof(*keys) + 1);
    bool *found = calloc(page->elements + 1, sizeof(*found));
    status rc = keys && found ? ST_OK : ST_NOMEM;

    for (size_t i = 0; rc == ST_OK && i < page->elements; i++) {
        const redisReply *k = page->element[i];
        if (k->type == REDIS_REPLY_STRING && selected(wk, k->str, k->len))
            keys[n++] = k;
    }
    for (int d = 0; rc == ST_OK && n && d < wk->n_src_dbs; d++)
        rc = look_up(wk, keys, n, wk->src_dbs[d], found);
    char detail[96];
    if (db > 0)
        snprintf(detail, sizeof(detail),
                 "in database %d of the destination, not on the source", db);
    else
        snprintf(detail, sizeof(detail),
                 "on the destination, not on the source");
    for (size_t i = 0; rc == ST_OK && i < n; i++) {
        if (found[i])
            continue;
        wk->extra++;
        failures_add_kind(&wk->run->diffs, keys[i]->str, keys[i]->len,
                          cmp_kind_name(CMP_EXTRA), detail);
    }
    free(keys);
    free(found);
    return rc;
}

/* SCAN of one destination node (the master of `slot`) in database `db`. */
static status walk_node(struct walker *wk, int slot, int db)
{
    char cursor[32] = "0";
    status rc = ST_OK;

    do {
        const char *argv[8] = {"SCAN", cursor, "COUNT", PAGE_KEYS};
        int argc = 4;
        bool again = false;
        if (wk->run->scan_match) {
            argv[argc++] = "MATCH";
            argv[argc++] = wk->run->scan_match;
        }
        if (wk->run->scan_type) {
            argv[argc++] = "TYPE";
            argv[argc++] = wk->run->scan_type;
        }
        sio_begin(wk->dst, SIO_DST, slot, db);
        rc = sio_cmd(wk->dst, argc, argv, NULL);
        if (rc == ST_OK)
            rc = sio_send(wk->dst, &again);
        if (rc != ST_OK || again)
            return rc != ST_OK ? rc : ST_SERVER;
        const redisReply *r = sio_reply(wk->dst, 0);
        if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
            r->element[0]->type != REDIS_REPLY_STRING)
            return ST_PROTOCOL;
        snprintf(cursor, sizeof(cursor), "%s", r->element[0]->str);
        rc = check_page(wk, r->element[1], db);
    } while (rc == ST_OK && strcmp(cursor, "0") != 0);
    return rc;
}

/* The source databases whose keys go to destination database `db`. */
static void sources_of(struct walker *wk, int db)
{
    wk->n_src_dbs = 0;
    for (int s = 0; s < wk->run->n_db && wk->n_src_dbs < 64; s++)
        if (wk->run->db_target[s] == db)
            wk->src_dbs[wk->n_src_dbs++] = s;
}

/* Each destination database written to, once. */
static status walk_dbs(struct walker *wk)
{
    uint8_t *target = calloc(COPY_MAX_DBS, 1);
    status rc = target ? ST_OK : ST_NOMEM;

    for (int s = 0; target && s < wk->run->n_db; s++)
        if (wk->run->db_target[s] >= 0 && wk->run->db_target[s] < COPY_MAX_DBS)
            target[wk->run->db_target[s]] = 1;
    for (int db = 0; db < COPY_MAX_DBS && rc == ST_OK; db++) {
        if (!target[db])
            continue;
        sources_of(wk, db);
        rc = walk_node(wk, 0, db);
    }
    free(target);
    return rc;
}

/* Each master of a destination cluster, database 0. */
static status walk_masters(struct walker *wk)
{
    const struct topology *t = wk->run->dst_topo;
    status rc = ST_OK;

    sources_of(wk, 0);
    for (int n = 0; n < t->n_nodes && rc == ST_OK; n++) {
        int slot = -1;
        for (int s = 0; s < CLUSTER_SLOTS && slot < 0; s++)
            if (t->slot_master[s] == n)
                slot = s;
        if (slot >= 0)
            rc = walk_node(wk, slot, 0);
    }
    return rc;
}

/* The one destination database the run compares into, or -1 when there
 * are several. */
static int only_target(const struct copy_run *run)
{
    int db = -1;
    for (int s = 0; s < run->n_db; s++) {
        int t = run->db_target[s];
        if (t < 0 || t == db)
            continue;
        if (db >= 0)
            return -1;
        db = t;
    }
    return db;
}

/* DBSIZE of database `db` of the destination, summed over a cluster's
 * masters; -1 when it cannot be read. */
static long long dest_keys(struct walker *wk, int db)
{
    const struct topology *t = wk->run->dst_topo;
    long long sum = 0;
    int n = t ? t->n_nodes : 1;

    for (int node = 0; node < n; node++) {
        int slot = 0;
        if (t) {
            slot = -1;
            for (int s = 0; s < CLUSTER_SLOTS && slot < 0; s++)
                if (t->slot_master[s] == node)
                    slot = s;
            if (slot < 0)
                continue;
        }
        bool again = false;
        sio_begin(wk->dst, SIO_DST, slot, db);
        if (sio_cmdv(wk->dst, "DBSIZE", NULL) != ST_OK ||
            sio_send(wk->dst, &again) != ST_OK || again ||
            sio_reply(wk->dst, 0)->type != REDIS_REPLY_INTEGER)
            return -1;
        sum += sio_reply(wk->dst, 0)->integer;
    }
    return sum;
}

/*
 * Whether counting proves there is no extra key, so the walk can be left
 * out: every selected key of one destination database was compared (no
 * filter, no sample), and the destination holds exactly as many keys as
 * the comparison found there. Those keys are then all of its keys (unless,
 * in the moment between, a key expired there and an extra one came: a
 * destination being written during verify is not what verify is for).
 */
static bool counts_rule_out_extras(struct walker *wk, uint64_t present)
{
    const struct config *cfg = wk->cfg;

    if (cfg->n_match || cfg->n_exclude || cfg->n_types || cfg->sample)
        return false;
    int db = only_target(wk->run);
    return db >= 0 && dest_keys(wk, db) == (long long)present;
}

status verify_extra(const struct config *cfg, struct copy_run *run,
                    struct conn *src, uint64_t present, uint64_t *extra,
                    char *err, size_t errlen)
{
    struct walker wk = {.cfg = cfg, .run = run};
    struct topology *src_topo = NULL;
    status rc = ST_OK;

    if (run->src_cluster)
        rc = nodes_dest_topology(src, &cfg->source, &src_topo, err, errlen);
    if (rc == ST_OK)
        rc = open_lanes(&wk, src_topo, err, errlen);
    if (rc == ST_OK && !counts_rule_out_extras(&wk, present)) {
        rc = run->dst_topo ? walk_masters(&wk) : walk_dbs(&wk);
        if (rc != ST_OK)
            snprintf(err, errlen, "looking for extra keys: %s",
                     sio_error(wk.dst)[0] ? sio_error(wk.dst)
                                          : sio_error(wk.src));
    }
    *extra = wk.extra;
    sio_free(wk.dst);
    sio_free(wk.src);
    if (src_topo)
        topology_free(src_topo);
    free(src_topo);
    return rc;
}
