/*
 * config_parse() and config_free(): picks the command, lets options.c read
 * its options, reads the .env file, lets endpoint.c assemble the endpoints,
 * then checks the settings that only make sense together.
 *
 * `--help` and `--version` read neither the environment nor the .env file,
 * so what they print cannot depend on (or leak) either.
 *
 * Called from main's thread only, before any other thread starts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/log.h"
#include "internal.h"

#define DEFAULT_SCAN_COUNT    1000
#define DEFAULT_PIPELINE      1024
#define DEFAULT_BIG_KEY_BYTES (64ULL << 20)
#define DEFAULT_TTL_TOLERANCE 1000
#define COMMAND_SHOW_MAX      24

static const char *const later_commands[] = {"run", "diagnose", "aws", NULL};

static void set_defaults(struct config *cfg)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);

    cfg->source.role = "source";
    cfg->dest.role = "destination";
    cfg->source.db = -1;
    cfg->dest.db = -1;
    cfg->db = -1;
    cfg->threads = cpus < 1                    ? 1
                   : cpus > CONFIG_THREADS_MAX ? CONFIG_THREADS_MAX
                                               : (int)cpus;
    cfg->scan_count = DEFAULT_SCAN_COUNT;
    cfg->pipeline = DEFAULT_PIPELINE;
    cfg->big_key_bytes = DEFAULT_BIG_KEY_BYTES;
    cfg->log_level = LOG_INFO;
    cfg->ttl_tolerance_ms = DEFAULT_TTL_TOLERANCE;
}

/* A command name as a message may quote it: short words only. */
static const char *shown_command(const char *name, char *buf, size_t len)
{
    size_t n = strlen(name);

    if (n == 0 || n > COMMAND_SHOW_MAX ||
        strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                     "0123456789-_") != n)
        return NULL;
    snprintf(buf, len, "%s", name);
    return buf;
}

/* The command `name` names: CMD_COPY, CMD_VERIFY, else an error. */
static status lookup_command(const char *name, enum command *cmd, char *err,
                             size_t errlen)
{
    char buf[COMMAND_SHOW_MAX + 1];
    const char *shown;

    if (strcmp(name, "copy") == 0) {
        *cmd = CMD_COPY;
        return ST_OK;
    }
    if (strcmp(name, "verify") == 0) {
        *cmd = CMD_VERIFY;
        return ST_OK;
    }
    for (int i = 0; later_commands[i]; i++) {
        if (strcmp(name, later_commands[i]) == 0) {
            snprintf(err, errlen,
                     "%s is not available in this version of redis-migrate "
                     "yet; the commands are copy and verify",
                     name);
            return ST_USAGE;
        }
    }
    if (name[0] == '-') {
        snprintf(err, errlen,
                 "the command comes first, as in: redis-migrate copy "
                 "--source URI --dest URI; see redis-migrate --help");
        return ST_USAGE;
    }
    shown = shown_command(name, buf, sizeof(buf));
    snprintf(err, errlen,
             "unknown command%s%s%s; the commands are copy and verify (see "
             "redis-migrate --help)",
             shown ? " \"" : "", shown ? shown : "", shown ? "\"" : "");
    return ST_USAGE;
}

/* `help [COMMAND]`. */
static status help_command(struct config *cfg, int argc, char **argv, char *err,
                           size_t errlen)
{
    enum command cmd = CMD_NONE;
    status rc = ST_OK;

    if (argc > 2)
        rc = lookup_command(argv[2], &cmd, err, errlen);
    if (rc != ST_OK)
        return rc;
    cfg->command = CMD_HELP;
    cfg->help_for = cmd;
    return ST_OK;
}

/* --db-map entries must concern the database --db picks. */
static status check_db_map(const struct config *cfg, char *err, size_t errlen)
{
    for (size_t i = 0; cfg->db >= 0 && i < cfg->n_db_map; i++) {
        if (cfg->db_map[i].src != cfg->db) {
            snprintf(err, errlen,
                     "--db-map %d:%d maps a database that the source "
                     "database setting (%d, from --db or the source URI) "
                     "leaves out",
                     cfg->db_map[i].src, cfg->db_map[i].dst, cfg->db);
            return ST_USAGE;
        }
    }
    return ST_OK;
}

/* Whether a copy would write each database onto itself. */
static bool copies_onto_itself(const struct config *cfg)
{
    const struct endpoint *s = &cfg->source, *d = &cfg->dest;

    if (strcasecmp(s->host, d->host) != 0 || s->port != d->port)
        return false;
    if (cfg->n_db_map > 0) {
        for (size_t i = 0; i < cfg->n_db_map; i++)
            if (cfg->db_map[i].src == cfg->db_map[i].dst)
                return true;
        return false;
    }
    return !(cfg->db >= 0 && d->db >= 0 && cfg->db != d->db);
}

static status check_together(const struct config *cfg, char *err, size_t errlen)
{
    char where[CONFIG_ERR_LEN / 2];
    status rc = check_db_map(cfg, err, errlen);

    if (rc != ST_OK)
        return rc;
    if (cfg->dry_run && cfg->verify) {
        snprintf(err, errlen,
                 "--verify and --dry-run do not go together: a dry run "
                 "writes nothing to verify");
        return ST_USAGE;
    }
    if (cfg->command == CMD_COPY && copies_onto_itself(cfg)) {
        endpoint_describe(&cfg->source, where, sizeof(where));
        snprintf(err, errlen,
                 "the source and the destination are the same server and "
                 "database (%s); pick other databases with --db and a /db "
                 "in --dest, or with --db-map",
                 where);
        return ST_USAGE;
    }
    return ST_OK;
}

/* The options, .env, environment and checks of `copy` or `verify`. */
static status parse_command(struct config *cfg, enum command cmd, int argc,
                            char **argv, char *err, size_t errlen)
{
    struct config_endpoint_flags fl;
    struct config_env env = {0};
    status rc;

    cfg->command = cmd;
    rc = config_parse_options(cfg, cmd, argc, argv, &fl, err, errlen);
    if (rc != ST_OK)
        goto out;
    rc = config_env_load(&env, cfg->env_file ? cfg->env_file : ".env",
                         cfg->env_file != NULL, cfg, err, errlen);
    if (rc != ST_OK)
        goto out;
    rc = config_endpoints(cfg, &fl, &env, err, errlen);
    if (rc != ST_OK)
        goto out;
    rc = check_together(cfg, err, errlen);
out:
    if (rc == ST_NOMEM && !err[0])
        snprintf(err, errlen, "out of memory reading the settings");
    config_env_free(&env);
    return rc;
}

status config_parse(struct config *cfg, int argc, char **argv, char *err,
                    size_t errlen)
{
    enum command cmd;
    const char *first;
    status rc;

    if (errlen > 0)
        err[0] = '\0';
    set_defaults(cfg);
    if (argc < 2) {
        snprintf(err, errlen, "no command given; see redis-migrate --help");
        return ST_USAGE;
    }

    first = argv[1];
    if (strcmp(first, "--help") == 0 || strcmp(first, "-h") == 0) {
        cfg->command = CMD_HELP;
        return ST_OK;
    }
    if (strcmp(first, "--version") == 0) {
        cfg->command = CMD_VERSION;
        return ST_OK;
    }
    if (strcmp(first, "help") == 0)
        return help_command(cfg, argc, argv, err, errlen);

    rc = lookup_command(first, &cmd, err, errlen);
    if (rc != ST_OK)
        return rc;
    if (config_wants_help(argc, argv)) {
        cfg->command = CMD_HELP;
        cfg->help_for = cmd;
        return ST_OK;
    }
    return parse_command(cfg, cmd, argc, argv, err, errlen);
}

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void config_free(struct config *cfg)
{
    config_endpoint_free(&cfg->source);
    config_endpoint_free(&cfg->dest);
    free_strings(cfg->match, cfg->n_match);
    free_strings(cfg->exclude, cfg->n_exclude);
    free_strings(cfg->types, cfg->n_types);
    free(cfg->db_map);
    free(cfg->report_path);
    free(cfg->env_file);
    for (size_t i = 0; i < cfg->n_warnings; i++)
        free(cfg->warnings[i]);
    memset(cfg, 0, sizeof(*cfg));
}
