/*
 * Probes before the first write. See probe.h.
 */
#include "probe.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define PROBE_KEY         "redis-migrate:probe"
#define PROBE_SAMPLE_KEYS "10"
#define PROBE_MAX_PAYLOAD (256u << 10)

/* ---- permissions --------------------------------------------------------- */

static status refused_as_replica(const struct probe_end *p, const char *e,
                                 char *err, size_t errlen)
{
    snprintf(err, errlen,
             "%s %s is a read-only replica (%.120s); nothing was written. "
             "Point it at the master instead",
             p->ep->role, p->desc, e);
    return ST_SERVER;
}

static status refused_by_acl(const struct probe_end *p, const char *cmd,
                             const char *e, char *err, size_t errlen)
{
    char lower[32];
    size_t i = 0;

    for (; cmd[i] && i < sizeof(lower) - 1; i++)
        lower[i] = (char)tolower((unsigned char)cmd[i]);
    lower[i] = '\0';
    snprintf(err, errlen,
             "%s %s: the user may not run %s (%.120s); nothing was written. "
             "Grant it: ACL SETUSER %s +%s (README, Minimal ACL users)",
             p->ep->role, p->desc, cmd, e,
             p->ep->user ? p->ep->user : "default", lower);
    return ST_NOPERM;
}

/* Sends one probe; only a refusal of the command itself fails it. */
static status probe(const struct probe_end *p, const char *cmd, const char *a1,
                    const char *a2, const char *a3, char *err, size_t errlen)
{
    redisReply *r = NULL;
    status rc = conn_callv(p->c, &r, cmd, a1, a2, a3, NULL);

    if (rc != ST_OK) {
        snprintf(err, errlen, "%s", conn_error_msg(p->c));
        return rc;
    }
    const char *e = r->type == REDIS_REPLY_ERROR ? r->str : NULL;
    if (e && strncmp(e, "READONLY", 8) == 0)
        rc = refused_as_replica(p, e, err, errlen);
    /* EXEC refused inside MULTI answers EXECABORT ... NOPERM ... */
    else if (e && strstr(e, "NOPERM") && !strstr(e, "key"))
        rc = refused_by_acl(p, cmd, e, err, errlen);
    freeReplyObject(r);
    return rc;
}

status probe_source_perms(const struct probe_end *src, const struct config *cfg,
                          bool use_pexpiretime, char *err, size_t errlen)
{
    status rc = probe(src, "SCAN", "0", "COUNT", "1", err, errlen);

    if (rc == ST_OK)
        rc = probe(src, "DUMP", PROBE_KEY, NULL, NULL, err, errlen);
    /* --mode auto reads strings whole with GETRANGE first. */
    if (rc == ST_OK && cfg->mode == MODE_AUTO)
        rc = probe(src, "GETRANGE", PROBE_KEY, "0", "0", err, errlen);
    if (rc == ST_OK && !use_pexpiretime)
        rc = probe(src, "PTTL", PROBE_KEY, NULL, NULL, err, errlen);
    if (rc == ST_OK && !use_pexpiretime)
        rc = probe(src, "TIME", NULL, NULL, NULL, err, errlen);
    if (rc == ST_OK && cfg->n_types > 1)
        rc = probe(src, "TYPE", PROBE_KEY, NULL, NULL, err, errlen);
    if (rc == ST_OK)
        rc = probe(src, "MULTI", NULL, NULL, NULL, err, errlen);
    if (rc == ST_OK)
        rc = probe(src, "EXEC", NULL, NULL, NULL, err, errlen);
    return rc;
}

status probe_dest_perms(const struct probe_end *dst, const struct config *cfg,
                        char *err, size_t errlen)
{
    status rc =
        probe(dst, "RESTORE", PROBE_KEY, "0", "not-a-payload", err, errlen);

    /* DUMP checks a write resent after a reconnect, unless replacing. */
    if (rc == ST_OK && cfg->on_conflict != CONFLICT_REPLACE)
        rc = probe(dst, "DUMP", PROBE_KEY, NULL, NULL, err, errlen);
    /* --mode auto writes strings with SET (here refused for its missing
     * PX value, after the ACL check, so nothing is written) and checks a
     * resent one with GETRANGE. */
    if (rc == ST_OK && cfg->mode == MODE_AUTO)
        rc = probe(dst, "SET", PROBE_KEY, "v", "PX", err, errlen);
    if (rc == ST_OK && cfg->mode == MODE_AUTO &&
        cfg->on_conflict != CONFLICT_REPLACE)
        rc = probe(dst, "GETRANGE", PROBE_KEY, "0", "0", err, errlen);
    return rc;
}

/* One command queued inside MULTI: ACL refuses it there, before anything
 * runs, and DISCARD then drops what was queued. */
static status probe_queued(const struct probe_end *p, int argc,
                           const char *const *argv, char *err, size_t errlen)
{
    redisReply *r = NULL;
    status rc = conn_call(p->c, &r, argc, argv, NULL);

    if (rc != ST_OK) {
        snprintf(err, errlen, "%s", conn_error_msg(p->c));
        return rc;
    }
    if (r->type == REDIS_REPLY_ERROR && strncmp(r->str, "NOPERM", 6) == 0) {
        char cmd[48];
        snprintf(cmd, sizeof(cmd), "%s%s%s", argv[0],
                 strcmp(argv[0], "XGROUP") == 0 ? "|" : "",
                 strcmp(argv[0], "XGROUP") == 0 ? argv[1] : "");
        rc = refused_by_acl(p, cmd, r->str, err, errlen);
    }
    freeReplyObject(r);
    return rc;
}

status probe_struct_perms(const struct probe_end *dst, char *err, size_t errlen)
{
    static const char *const cmds[][8] = {
        {"UNLINK", PROBE_KEY},
        {"SET", PROBE_KEY, "v"},
        {"APPEND", PROBE_KEY, "v"},
        {"RPUSH", PROBE_KEY, "v"},
        {"HSET", PROBE_KEY, "f", "v"},
        {"SADD", PROBE_KEY, "m"},
        {"ZADD", PROBE_KEY, "1", "m"},
        {"XADD", PROBE_KEY, "1-1", "f", "v"},
        {"XDEL", PROBE_KEY, "1-1"},
        {"XSETID", PROBE_KEY, "1-1"},
        {"XGROUP", "CREATE", PROBE_KEY, "g", "0"},
        {"XGROUP", "CREATECONSUMER", PROBE_KEY, "g", "c"},
        {"XCLAIM", PROBE_KEY, "g", "c", "0", "1-1"},
        {"PEXPIREAT", PROBE_KEY, "1"},
        {"PEXPIRE", PROBE_KEY, "1"},
        {"PERSIST", PROBE_KEY},
        {"RENAME", PROBE_KEY, PROBE_KEY},
        {"RENAMENX", PROBE_KEY, PROBE_KEY},
    };
    status rc = probe(dst, "MULTI", NULL, NULL, NULL, err, errlen);

    for (size_t i = 0; rc == ST_OK && i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        int argc = 0;
        while (argc < 8 && cmds[i][argc])
            argc++;
        rc = probe_queued(dst, argc, cmds[i], err, errlen);
    }
    if (conn_error(dst->c) == ST_OK) {
        char e2[256];
        status rc2 = probe(dst, "DISCARD", NULL, NULL, NULL, e2, sizeof(e2));
        if (rc == ST_OK && rc2 != ST_OK) {
            snprintf(err, errlen, "%s", e2);
            rc = rc2;
        }
    }
    return rc;
}

/* ---- payload format ------------------------------------------------------ */

/* An integer reply's value, or -1. */
static long long call_int(struct conn *c, int argc, const char *const *argv,
                          const size_t *lens)
{
    redisReply *r = NULL;
    long long v = -1;

    if (conn_call(c, &r, argc, argv, lens) == ST_OK &&
        r->type == REDIS_REPLY_INTEGER)
        v = r->integer;
    if (r)
        freeReplyObject(r);
    return v;
}

/* Whether a key is small enough to DUMP for the probe, judged before any
 * DUMP so that a big key never blocks the source: MEMORY USAGE where the
 * source allows it, else only strings, by STRLEN. */
static bool small_enough(struct conn *c, const redisReply *key)
{
    const char *mem[] = {"MEMORY", "USAGE", key->str, "SAMPLES", "1"};
    size_t mem_lens[] = {6, 5, key->len, 7, 1};
    long long used = call_int(c, 5, mem, mem_lens);

    if (used >= 0)
        return used <= PROBE_MAX_PAYLOAD;
    const char *len[] = {"STRLEN", key->str};
    size_t len_lens[] = {6, key->len};
    used = call_int(c, 2, len, len_lens);
    return used > 0 && used <= PROBE_MAX_PAYLOAD;
}

/* DUMP of one of the first keys SCAN returns in database `db`, not larger
 * than PROBE_MAX_PAYLOAD; NULL when there is none to take. */
static redisReply *sample_payload(struct conn *c, int db)
{
    redisReply *scan = NULL, *dump = NULL, *sel = NULL;
    char n[16];

    snprintf(n, sizeof(n), "%d", db);
    if (conn_callv(c, &sel, "SELECT", n, NULL) != ST_OK ||
        sel->type == REDIS_REPLY_ERROR ||
        conn_callv(c, &scan, "SCAN", "0", "COUNT", PROBE_SAMPLE_KEYS, NULL) !=
            ST_OK ||
        scan->type != REDIS_REPLY_ARRAY || scan->elements != 2)
        goto out;
    const redisReply *keys = scan->element[1];
    for (size_t i = 0; i < keys->elements && !dump; i++) {
        const char *argv[] = {"DUMP", keys->element[i]->str};
        size_t lens[] = {4, keys->element[i]->len};
        if (!small_enough(c, keys->element[i]))
            continue;
        if (conn_call(c, &dump, 2, argv, lens) != ST_OK)
            break;
        if (dump->type != REDIS_REPLY_STRING || dump->len > PROBE_MAX_PAYLOAD) {
            freeReplyObject(dump);
            dump = NULL;
        }
    }
out:
    if (sel)
        freeReplyObject(sel);
    if (scan)
        freeReplyObject(scan);
    return dump;
}

status probe_payload_format(const struct probe_end *src, int db,
                            const struct probe_end *dst, char *err,
                            size_t errlen)
{
    redisReply *payload = sample_payload(src->c, db), *r = NULL;
    status rc = ST_OK;

    if (!payload)
        return ST_OK;
    /* A deadline of 1 ms after the epoch: checked, loaded, then dropped. */
    const char *argv[] = {"RESTORE", PROBE_KEY, "1", payload->str, "ABSTTL"};
    size_t lens[] = {7, strlen(PROBE_KEY), 1, payload->len, 6};
    if (conn_call(dst->c, &r, 5, argv, lens) != ST_OK) {
        snprintf(err, errlen, "%s", conn_error_msg(dst->c));
        rc = conn_error(dst->c);
    } else if (r->type == REDIS_REPLY_ERROR &&
               strstr(r->str, "payload version")) {
        snprintf(err, errlen,
                 "destination %s cannot read the source's DUMP payloads "
                 "(%.100s): the source writes a newer format than the "
                 "destination reads, as Valkey 8 into Redis 7.0. Leave out "
                 "--mode dump (auto copies such keys with type commands) or "
                 "use --mode struct; nothing was written",
                 dst->desc, r->str);
        rc = ST_UNSUPPORTED;
    }
    if (r)
        freeReplyObject(r);
    freeReplyObject(payload);
    return rc;
}
