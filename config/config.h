/*
 * The run's configuration: command-line options, `--source`/`--dest` URIs,
 * the REDIS_SOURCE_* / REDIS_DEST_* environment and a `.env` file, merged in
 * that order of precedence (flags, environment, .env; job files come later
 * and sit between flags and environment).
 *
 * An endpoint is assembled field by field: a URI (flag, then the _URL
 * variable) gives host, port, user, password and database; a separate
 * setting fills each field the URI left out. `--db` and the source URI's
 * `/db` are the same setting (--db wins over REDIS_SOURCE_URL's; a --source
 * whose /db contradicts --db is refused). TLS is on when the URI is
 * rediss:// or REDIS_*_TLS is true. An empty variable counts as unset.
 * A password in a --source/--dest flag warns (the process list shows it);
 * one in REDIS_*_URL does not. A copy onto the same host, port and
 * databases is refused.
 *
 * Called from main only, before any thread starts. Nothing here logs:
 * problems come back as one message naming the setting to fix, warnings
 * (password in a URI, a .env readable by others) as a list main prints.
 * Secrets: passwords are kept in `struct endpoint` only; they are cleansed
 * when the config is freed and never copied into a message.
 */
#ifndef RM_CONFIG_H
#define RM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/status.h"

#define CONFIG_MAX_WARNINGS 8
#define CONFIG_ERR_LEN      512

struct endpoint {
    const char *role;      /* "source" or "destination" (static) */
    char *host;            /* owned; IPv6 without brackets */
    int port;              /* 6379 when not given */
    char *user;            /* owned, NULL when none */
    char *password;        /* owned secret, NULL when none */
    int db;                /* -1 when not given */
    bool tls;              /* rediss:// or REDIS_*_TLS=true */
    char *tls_ca_file;     /* owned, NULL when none */
    char *tls_cert_file;   /* owned, NULL when none */
    char *tls_key_file;    /* owned, NULL when none */
    char *tls_server_name; /* owned, NULL when none */
    bool tls_insecure;
};

enum conflict_policy {
    CONFLICT_UNSET = 0, /* none given: refuse a non-empty destination */
    CONFLICT_REPLACE,
    CONFLICT_SKIP,
    CONFLICT_FAIL,
};

enum copy_mode { MODE_AUTO = 0, MODE_DUMP, MODE_STRUCT };

enum progress_kind {
    PROGRESS_AUTO = 0, /* bar on a terminal, plain otherwise */
    PROGRESS_BAR,
    PROGRESS_PLAIN,
    PROGRESS_JSON,
    PROGRESS_NONE,
};

enum read_from { READ_MASTER = 0, READ_REPLICA };

enum command { CMD_NONE = 0, CMD_COPY, CMD_VERIFY, CMD_HELP, CMD_VERSION };

struct db_map_entry {
    int src;
    int dst;
};

struct config {
    enum command command;
    enum command help_for; /* with CMD_HELP: which command's help, or NONE */

    struct endpoint source;
    struct endpoint dest;

    int threads;    /* --threads, default: online CPUs */
    int scan_count; /* --scan-count, default 1000 */
    int pipeline;   /* --pipeline, requests in flight per connection,
                       default 1024 */

    char **match; /* --match globs, owned; any of them selects */
    size_t n_match;
    char **exclude; /* --exclude globs, owned; any of them rejects */
    size_t n_exclude;
    char **types; /* --type, lowercase: string list set zset hash stream */
    size_t n_types;

    int db; /* --db N, or the source URI's /db; -1 = every database */
    struct db_map_entry *db_map; /* --db-map SRC:DST, owned */
    size_t n_db_map;

    enum copy_mode mode;              /* --mode, default auto */
    enum conflict_policy on_conflict; /* --on-conflict */
    uint64_t big_key_bytes;           /* --big-key-bytes, default 64 MiB */
    long max_ops;                     /* --max-ops source reads/s, 0 = none */
    enum read_from read_from;         /* --read-from */
    enum progress_kind progress;      /* --progress */
    char *report_path;                /* --report FILE, owned or NULL */
    bool dry_run;                     /* --dry-run */
    bool verify;                      /* --verify (copy then verify) */
    char *env_file;        /* --env-file, owned; NULL means ./.env if present */
    int log_level;         /* enum log_level, default LOG_INFO */
    long sample;           /* verify --sample N, 0 = every key */
    long ttl_tolerance_ms; /* verify --ttl-tolerance-ms, default 1000 */

    /* Warnings found while parsing, for main to log (no secrets in them). */
    char *warnings[CONFIG_MAX_WARNINGS];
    size_t n_warnings;
};

/*
 * Parses argv (argv[0] is the program, argv[1] the command) together with the
 * process environment (getenv) and the .env file into `cfg`, which the caller
 * zeroes first. Returns ST_OK, or ST_USAGE with one line in `err` naming the
 * setting and what to fix (never a secret), or ST_NOMEM / ST_IO.
 * `--help` and `--version` return ST_OK with cfg->command set to CMD_HELP or
 * CMD_VERSION. On any return, config_free() releases what was built.
 */
status config_parse(struct config *cfg, int argc, char **argv, char *err,
                    size_t errlen);

/* Frees everything `cfg` owns; passwords are cleansed first. */
void config_free(struct config *cfg);

/* Writes the usage of `cmd` (CMD_NONE: the whole tool) to `out`: one screen
 * with examples. */
void config_usage(enum command cmd, void *out /* FILE * */);

/*
 * Parses one URI `redis://[user[:password]@]host[:port][/db]` or rediss://
 * into `ep`, percent-decoding user and password and accepting `[v6]` hosts.
 * Fields the URI does not give are left as they are (redis:// leaves `tls`
 * alone, rediss:// sets it). The user information ends at the URI's last
 * '@'; the message on bad input names `what` and quotes the URI without its
 * user information or query. Sets *has_password when the URI carried one.
 * ST_USAGE on bad input (ep unchanged), ST_NOMEM.
 */
status config_parse_uri(struct endpoint *ep, const char *uri, const char *what,
                        bool *has_password, char *err, size_t errlen);

/*
 * Reads a .env file: KEY=VALUE lines, an optional `export `, `#` comments,
 * single or double quotes around a value. Calls `set(key, value, ctx)` for
 * each. ST_IO when it cannot be read (ENOENT is reported as ST_IO too; the
 * caller decides: errno is left as the failing call set it, ENOENT for a
 * missing file), ST_USAGE naming the line number on a malformed line (never
 * quoting the line), ST_NOMEM. Sets *world_readable when group or others
 * may read it. A line may end in ` #comment` after an unquoted value;
 * double quotes take \", \\, \n, \t and \r escapes; nothing is expanded.
 */
status
config_read_env_file(const char *path,
                     void (*set)(const char *key, const char *value, void *ctx),
                     void *ctx, bool *world_readable, char *err, size_t errlen);

/* "host:port/db" of an endpoint, for messages and reports (never a secret);
 * "[::1]:6379" for IPv6. Writes at most `len` bytes into `buf`, returns buf. */
const char *endpoint_describe(const struct endpoint *ep, char *buf, size_t len);

#endif
