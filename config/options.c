/*
 * The options of `copy` and `verify`, `--opt value` or `--opt=value`, read
 * from argv into the config (the endpoint URIs are only noted here; see
 * endpoint.c), and the one-line messages a bad option gives.
 *
 * Options are one table: name, what the value is (for "needs a value"), the
 * commands that take it, a handler and, for numbers, the range. A value is
 * quoted in a message only after it is escaped and cut; an unknown option
 * only up to its '=' (the rest may be a secret); a stray argument never.
 *
 * Called from main's thread only, before any other thread starts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/log.h"
#include "internal.h"

#define FOR_COPY      1u
#define FOR_VERIFY    2u
#define FOR_BOTH      (FOR_COPY | FOR_VERIFY)
#define REPEAT_MAX    256
#define DB_MAP_MAX    1024
#define SUGGEST_MAX   2 /* edit distance of a "did you mean" */
#define NAME_MAX_SHOW 48

struct parse {
    struct config *cfg;
    enum command cmd;
    const char *cmd_name;
    struct config_endpoint_flags fl;
    uint64_t seen; /* bit i: option i of the table was given */
    char *err;
    size_t errlen;
};

struct opt;
typedef status (*opt_set)(struct parse *ps, const struct opt *o,
                          const char *val);

struct opt {
    const char *name;
    const char *hint; /* what the value is; NULL: the option takes none */
    unsigned cmds;
    bool repeatable;
    opt_set set;
    long min, max; /* of a number; both 0 for other options */
};

/* ---- value helpers ----------------------------------------------------- */

/* A number within the option's range. */
static status whole(struct parse *ps, const struct opt *o, const char *val,
                    long *out)
{
    if (config_whole(val, o->min, o->max, out))
        return ST_OK;
    return config_err_whole(ps->err, ps->errlen, o->name, val, o->min, o->max);
}

/* Index of `val` among the NULL-terminated `names`, any case. */
static status keyword(struct parse *ps, const struct opt *o, const char *val,
                      const char *const *names, int *idx)
{
    char show[CONFIG_SHOW_MAX + 8], list[128] = "";

    for (int i = 0; names[i]; i++) {
        if (strcasecmp(val, names[i]) == 0) {
            *idx = i;
            return ST_OK;
        }
    }
    for (int i = 0; names[i]; i++) {
        size_t n = strlen(list);

        snprintf(list + n, sizeof(list) - n, "%s%s",
                 i == 0 ? "" : (names[i + 1] ? ", " : " or "), names[i]);
    }
    snprintf(ps->err, ps->errlen, "%s: \"%s\" is not %s", o->name,
             config_show(val, show, sizeof(show)), list);
    return ST_USAGE;
}

static status push(struct parse *ps, const struct opt *o, char ***arr,
                   size_t *n, const char *val)
{
    char **grown;

    if (*n >= REPEAT_MAX) {
        snprintf(ps->err, ps->errlen, "%s is given more than %d times", o->name,
                 REPEAT_MAX);
        return ST_USAGE;
    }
    grown = realloc(*arr, (*n + 1) * sizeof(**arr));
    if (!grown)
        return ST_NOMEM;
    *arr = grown;
    grown[*n] = config_strdup(val);
    if (!grown[*n])
        return ST_NOMEM;
    (*n)++;
    return ST_OK;
}

static status set_path(char **field, const char *val)
{
    *field = config_strdup(val);
    return *field ? ST_OK : ST_NOMEM;
}

/* ---- handlers ---------------------------------------------------------- */

static status opt_source(struct parse *ps, const struct opt *o, const char *val)
{
    (void)o;
    ps->fl.source_uri = val;
    return ST_OK;
}

static status opt_dest(struct parse *ps, const struct opt *o, const char *val)
{
    (void)o;
    ps->fl.dest_uri = val;
    return ST_OK;
}

/* The numeric options: one handler each, the range is in the table. */
#define NUMBER_OPTION(fn, field, type)                                         \
    static status fn(struct parse *ps, const struct opt *o, const char *val)   \
    {                                                                          \
        long v;                                                                \
        status rc = whole(ps, o, val, &v);                                     \
                                                                               \
        if (rc == ST_OK)                                                       \
            field = (type)v;                                                   \
        return rc;                                                             \
    }
NUMBER_OPTION(opt_threads, ps->cfg->threads, int)
NUMBER_OPTION(opt_scan_count, ps->cfg->scan_count, int)
NUMBER_OPTION(opt_pipeline, ps->cfg->pipeline, int)
NUMBER_OPTION(opt_db, ps->fl.db, int)
NUMBER_OPTION(opt_max_ops, ps->cfg->max_ops, long)
NUMBER_OPTION(opt_sample, ps->cfg->sample, long)
NUMBER_OPTION(opt_ttl_tolerance, ps->cfg->ttl_tolerance_ms, long)
#undef NUMBER_OPTION

static status opt_match(struct parse *ps, const struct opt *o, const char *val)
{
    return push(ps, o, &ps->cfg->match, &ps->cfg->n_match, val);
}

static status opt_exclude(struct parse *ps, const struct opt *o,
                          const char *val)
{
    return push(ps, o, &ps->cfg->exclude, &ps->cfg->n_exclude, val);
}

static status opt_type(struct parse *ps, const struct opt *o, const char *val)
{
    static const char *const types[] = {"string", "list",   "set", "zset",
                                        "hash",   "stream", NULL};
    struct config *cfg = ps->cfg;
    int idx;
    status rc = keyword(ps, o, val, types, &idx);

    if (rc != ST_OK)
        return rc;
    for (size_t i = 0; i < cfg->n_types; i++)
        if (strcmp(cfg->types[i], types[idx]) == 0)
            return ST_OK; /* given twice: once is enough */
    return push(ps, o, &cfg->types, &cfg->n_types, types[idx]);
}

static status opt_db_map(struct parse *ps, const struct opt *o, const char *val)
{
    struct config *cfg = ps->cfg;
    char show[CONFIG_SHOW_MAX + 8], src[16];
    const char *colon = strchr(val, ':');
    struct db_map_entry *grown;
    long s, d;

    if (!colon || (size_t)(colon - val) >= sizeof(src))
        goto bad;
    snprintf(src, sizeof(src), "%.*s", (int)(colon - val), val);
    if (!config_whole(src, 0, CONFIG_DB_MAX, &s) ||
        !config_whole(colon + 1, 0, CONFIG_DB_MAX, &d))
        goto bad;
    for (size_t i = 0; i < cfg->n_db_map; i++) {
        if (cfg->db_map[i].src == (int)s) {
            snprintf(ps->err, ps->errlen,
                     "--db-map: database %ld is mapped twice", s);
            return ST_USAGE;
        }
    }
    if (cfg->n_db_map >= DB_MAP_MAX) {
        snprintf(ps->err, ps->errlen, "%s is given more than %d times", o->name,
                 DB_MAP_MAX);
        return ST_USAGE;
    }
    grown = realloc(cfg->db_map, (cfg->n_db_map + 1) * sizeof(*grown));
    if (!grown)
        return ST_NOMEM;
    cfg->db_map = grown;
    grown[cfg->n_db_map].src = (int)s;
    grown[cfg->n_db_map++].dst = (int)d;
    return ST_OK;
bad:
    snprintf(ps->err, ps->errlen,
             "%s: \"%s\" is not SRC:DST, two database numbers from 0 to %d "
             "(for example 0:1)",
             o->name, config_show(val, show, sizeof(show)), CONFIG_DB_MAX);
    return ST_USAGE;
}

static status opt_choice(struct parse *ps, const struct opt *o, const char *val)
{
    static const char *const modes[] = {"auto", "dump", "struct", NULL};
    static const char *const conflicts[] = {"replace", "skip", "fail", NULL};
    static const char *const reads[] = {"master", "replica", NULL};
    static const char *const progress[] = {"auto", "bar",  "plain",
                                           "json", "none", NULL};
    static const char *const levels[] = {"error", "warn", "info", "debug",
                                         NULL};
    struct config *cfg = ps->cfg;
    int i;

    if (strcmp(o->name, "--mode") == 0) {
        if (keyword(ps, o, val, modes, &i) != ST_OK)
            return ST_USAGE;
        cfg->mode = (enum copy_mode)i;
    } else if (strcmp(o->name, "--on-conflict") == 0) {
        if (keyword(ps, o, val, conflicts, &i) != ST_OK)
            return ST_USAGE;
        cfg->on_conflict = (enum conflict_policy)(CONFLICT_REPLACE + i);
    } else if (strcmp(o->name, "--read-from") == 0) {
        if (keyword(ps, o, val, reads, &i) != ST_OK)
            return ST_USAGE;
        cfg->read_from = (enum read_from)i;
    } else if (strcmp(o->name, "--progress") == 0) {
        if (keyword(ps, o, val, progress, &i) != ST_OK)
            return ST_USAGE;
        cfg->progress = (enum progress_kind)i;
    } else {
        if (keyword(ps, o, val, levels, &i) != ST_OK)
            return ST_USAGE;
        cfg->log_level = LOG_ERROR + i;
    }
    return ST_OK;
}

static status opt_big_key(struct parse *ps, const struct opt *o,
                          const char *val)
{
    char show[CONFIG_SHOW_MAX + 8];

    if (config_bytes(val, &ps->cfg->big_key_bytes))
        return ST_OK;
    snprintf(ps->err, ps->errlen,
             "%s: \"%s\" is not a size from 1 byte to 1024g (a whole number "
             "of bytes, or with a k, m or g suffix: 64m)",
             o->name, config_show(val, show, sizeof(show)));
    return ST_USAGE;
}

static status opt_file(struct parse *ps, const struct opt *o, const char *val)
{
    if (strcmp(o->name, "--report") == 0)
        return set_path(&ps->cfg->report_path, val);
    return set_path(&ps->cfg->env_file, val);
}

static status opt_flag(struct parse *ps, const struct opt *o, const char *val)
{
    struct config *cfg = ps->cfg;

    (void)val;
    if (strcmp(o->name, "--dry-run") == 0)
        cfg->dry_run = true;
    else if (strcmp(o->name, "--verify") == 0)
        cfg->verify = true;
    else if (strcmp(o->name, "--source-tls-insecure") == 0)
        cfg->source.tls_insecure = true;
    else
        cfg->dest.tls_insecure = true;
    return ST_OK;
}

#define NUMBER "a whole number"
static const struct opt opts[] = {
    {"--source", "a redis:// or rediss:// URI", FOR_BOTH, false, opt_source},
    {"--dest", "a redis:// or rediss:// URI", FOR_BOTH, false, opt_dest},
    {"--threads", NUMBER, FOR_BOTH, false, opt_threads, 1, CONFIG_THREADS_MAX},
    {"--scan-count", NUMBER, FOR_BOTH, false, opt_scan_count, 1, 100000},
    {"--pipeline", NUMBER, FOR_BOTH, false, opt_pipeline, 1, 10000},
    {"--match", "a glob such as user:*", FOR_BOTH, true, opt_match},
    {"--exclude", "a glob such as tmp:*", FOR_BOTH, true, opt_exclude},
    {"--type", "string, list, set, zset, hash or stream", FOR_BOTH, true,
     opt_type},
    {"--db", NUMBER, FOR_BOTH, false, opt_db, 0, CONFIG_DB_MAX},
    {"--db-map", "SRC:DST, two database numbers", FOR_BOTH, true, opt_db_map},
    {"--mode", "auto, dump or struct", FOR_COPY, false, opt_choice},
    {"--on-conflict", "replace, skip or fail", FOR_COPY, false, opt_choice},
    {"--big-key-bytes", "a size such as 64m", FOR_BOTH, false, opt_big_key},
    {"--max-ops", NUMBER, FOR_BOTH, false, opt_max_ops, 0, 1000000000L},
    {"--read-from", "master or replica", FOR_BOTH, false, opt_choice},
    {"--source-tls-insecure", NULL, FOR_BOTH, false, opt_flag},
    {"--dest-tls-insecure", NULL, FOR_BOTH, false, opt_flag},
    {"--progress", "auto, bar, plain, json or none", FOR_BOTH, false,
     opt_choice},
    {"--report", "a file name", FOR_BOTH, false, opt_file},
    {"--dry-run", NULL, FOR_COPY, false, opt_flag},
    {"--verify", NULL, FOR_COPY, false, opt_flag},
    {"--env-file", "a file name", FOR_BOTH, false, opt_file},
    {"--log-level", "error, warn, info or debug", FOR_BOTH, false, opt_choice},
    {"--sample", NUMBER, FOR_VERIFY, false, opt_sample, 0, 1000000000000L},
    {"--ttl-tolerance-ms", NUMBER, FOR_BOTH, false, opt_ttl_tolerance, 0,
     86400000L},
};
#undef NUMBER
#define N_OPTS (sizeof(opts) / sizeof(opts[0]))
_Static_assert(N_OPTS <= 64, "struct parse's `seen` has one bit an option");

/* ---- option lookup and messages ---------------------------------------- */

/* The option named by `arg` up to any '='; NULL when there is none. */
static const struct opt *find_opt(const char *arg)
{
    size_t n = strcspn(arg, "=");

    for (size_t i = 0; i < N_OPTS; i++)
        if (strlen(opts[i].name) == n && strncmp(opts[i].name, arg, n) == 0)
            return &opts[i];
    return NULL;
}

/* Levenshtein distance of two short names, capped at SUGGEST_MAX + 1. */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), row[NAME_MAX_SHOW + 1];

    if (la > NAME_MAX_SHOW || lb > NAME_MAX_SHOW)
        return SUGGEST_MAX + 1;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];

        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);

            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            diag = up;
            row[j] = best;
        }
    }
    return row[lb];
}

static status unknown_option(struct parse *ps, const char *arg)
{
    char name[NAME_MAX_SHOW + 1], show[CONFIG_SHOW_MAX + 8], hint[80] = "";
    size_t n = strcspn(arg, "="); /* never the value: it may be a secret */

    snprintf(name, sizeof(name), "%.*s", (int)n, arg);
    for (size_t i = 0; i < N_OPTS; i++) {
        if ((opts[i].cmds & (ps->cmd == CMD_COPY ? FOR_COPY : FOR_VERIFY)) &&
            distance(name, opts[i].name) <= SUGGEST_MAX) {
            snprintf(hint, sizeof(hint), " (did you mean %s?)", opts[i].name);
            break;
        }
    }
    snprintf(ps->err, ps->errlen,
             "unknown option %s for %s%s; see redis-migrate %s --help",
             config_show(name, show, sizeof(show)), ps->cmd_name, hint,
             ps->cmd_name);
    return ST_USAGE;
}

/* An argument that looks like the next option, not like a value. */
static bool option_like(const char *arg)
{
    return arg[0] == '-' && arg[1] == '-' && arg[2] != '\0';
}

/* The value of option `o` at argv[*i], from "=value" or the next word. */
static status take_value(struct parse *ps, const struct opt *o, int argc,
                         char **argv, int *i, const char **val)
{
    const char *eq = strchr(argv[*i], '=');

    *val = NULL;
    if (!o->hint) {
        if (!eq)
            return ST_OK;
        snprintf(ps->err, ps->errlen, "%s takes no value", o->name);
        return ST_USAGE;
    }
    if (eq)
        *val = eq + 1;
    else if (*i + 1 < argc && !option_like(argv[*i + 1]))
        *val = argv[++*i];
    if (*val && **val)
        return ST_OK;
    if (o->max > 0)
        snprintf(ps->err, ps->errlen, "%s needs a value (%s from %ld to %ld)",
                 o->name, o->hint, o->min, o->max);
    else
        snprintf(ps->err, ps->errlen, "%s needs a value (%s)", o->name,
                 o->hint);
    return ST_USAGE;
}

/* Checks that `o` belongs to the command and is not given twice. */
static status admit(struct parse *ps, const struct opt *o)
{
    unsigned want = ps->cmd == CMD_COPY ? FOR_COPY : FOR_VERIFY;
    uint64_t bit = 1ULL << (o - opts);

    if (!(o->cmds & want)) {
        snprintf(ps->err, ps->errlen,
                 "%s is an option of %s, not of %s; see redis-migrate %s "
                 "--help",
                 o->name, want == FOR_COPY ? "verify" : "copy", ps->cmd_name,
                 ps->cmd_name);
        return ST_USAGE;
    }
    if ((ps->seen & bit) && !o->repeatable) {
        snprintf(ps->err, ps->errlen, "%s is given twice; give it once",
                 o->name);
        return ST_USAGE;
    }
    ps->seen |= bit;
    return ST_OK;
}

static status stray_argument(struct parse *ps, int i, const char *arg)
{
    if (strstr(arg, "://"))
        snprintf(ps->err, ps->errlen,
                 "argument %d looks like a URI: give it with --source or "
                 "--dest; see redis-migrate %s --help",
                 i, ps->cmd_name);
    else
        snprintf(ps->err, ps->errlen,
                 "unexpected argument %d for %s: %s takes options only, "
                 "each starting with --; see redis-migrate %s --help",
                 i, ps->cmd_name, ps->cmd_name, ps->cmd_name);
    return ST_USAGE;
}

/* ---- the command line -------------------------------------------------- */

bool config_wants_help(int argc, char **argv)
{
    for (int i = 2; i < argc; i++) {
        const struct opt *o;

        if (strcmp(argv[i], "--") == 0)
            return false;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return true;
        o = find_opt(argv[i]);
        if (o && o->hint && !strchr(argv[i], '=') && i + 1 < argc &&
            !option_like(argv[i + 1]))
            i++;
    }
    return false;
}

static status parse_argv(struct parse *ps, int argc, char **argv)
{
    for (int i = 2; i < argc; i++) {
        const char *arg = argv[i], *val;
        const struct opt *o;
        status rc;

        if (strcmp(arg, "--") == 0) {
            if (i + 1 < argc)
                return stray_argument(ps, i + 1, argv[i + 1]);
            break;
        }
        if (arg[0] != '-' || arg[1] == '\0')
            return stray_argument(ps, i, arg);
        o = find_opt(arg);
        if (!o)
            return unknown_option(ps, arg);
        rc = admit(ps, o);
        if (rc == ST_OK)
            rc = take_value(ps, o, argc, argv, &i, &val);
        if (rc == ST_OK)
            rc = o->set(ps, o, val);
        if (rc == ST_NOMEM)
            snprintf(ps->err, ps->errlen, "out of memory reading %s", o->name);
        if (rc != ST_OK)
            return rc;
    }
    return ST_OK;
}

status config_parse_options(struct config *cfg, enum command cmd, int argc,
                            char **argv, struct config_endpoint_flags *fl,
                            char *err, size_t errlen)
{
    struct parse ps = {
        .cfg = cfg,
        .cmd = cmd,
        .cmd_name = cmd == CMD_COPY ? "copy" : "verify",
        .fl = {.db = -1},
        .err = err,
        .errlen = errlen,
    };
    status rc = parse_argv(&ps, argc, argv);

    *fl = ps.fl;
    return rc;
}
