/*
 * What the files of config/ share among themselves: value parsers
 * (values.c), the merged view of the environment and the .env file and the
 * endpoint assembly (endpoint.c). Not for use outside config/.
 *
 * Called from main's thread only, before any other thread starts.
 */
#ifndef RM_CONFIG_INTERNAL_H
#define RM_CONFIG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define CONFIG_DB_MAX      10000
#define CONFIG_THREADS_MAX 1024
#define CONFIG_SHOW_MAX    80 /* bytes of a bad value quoted in a message */

/* ---- values.c ---------------------------------------------------------- */

/* A whole decimal number (digits only: no sign, no blanks) in [min, max]. */
bool config_whole(const char *s, long min, long max, long *out);

/* Writes `NAME: "VALUE" is not a whole number from MIN to MAX`; ST_USAGE. */
status config_err_whole(char *err, size_t errlen, const char *name,
                        const char *value, long min, long max);

/* true/false, 1/0, yes/no, any case. */
bool config_bool(const char *s, bool *out);

/* A byte count with an optional k, m, g (kb, kib, ...) suffix, powers of
 * 1024, any case; in [1, 2^40]. */
bool config_bytes(const char *s, uint64_t *out);

/* A host name (letters, digits, '-', '_', dot-separated labels), an IPv4
 * address, or an IPv6 address without brackets. */
bool config_valid_host(const char *host);

/* `s` made safe to quote in a message: escaped, cut at CONFIG_SHOW_MAX. */
const char *config_show(const char *s, char *buf, size_t len);

/* Copies `s` into a new string; NULL on out of memory. */
char *config_strdup(const char *s);

/* Cleanses and frees a string that may hold a secret. */
void config_free_secret(char *s);

/* Adds a warning (copied) to cfg->warnings; dropped when the list is full.
 * ST_NOMEM when the copy fails. */
status config_warn(struct config *cfg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- options.c --------------------------------------------------------- */

struct config_endpoint_flags;

/* Whether --help or -h stands among argv[2..] as an option, not a value. */
bool config_wants_help(int argc, char **argv);

/* Reads the options of `cmd` (CMD_COPY or CMD_VERIFY) from argv[2..] into
 * `cfg` and, for the endpoints, `fl`. ST_USAGE naming the option. */
status config_parse_options(struct config *cfg, enum command cmd, int argc,
                            char **argv, struct config_endpoint_flags *fl,
                            char *err, size_t errlen);

/* ---- endpoint.c -------------------------------------------------------- */

/* The REDIS_SOURCE_* / REDIS_DEST_* values of a .env file. */
struct config_env {
    char **keys;
    char **values; /* may hold secrets: cleansed when freed */
    size_t n;
    size_t cap;
    const char *path; /* the file read, for messages; NULL when none */
};

/*
 * Reads the .env file `path` into `env`: the one named by --env-file
 * (`must_exist`), else ./.env when present. Adds the "readable by others"
 * warning to `cfg`. ST_USAGE or ST_IO with a message naming the file.
 */
status config_env_load(struct config_env *env, const char *path,
                       bool must_exist, struct config *cfg, char *err,
                       size_t errlen);

/* The value of `name`: the environment's, else the .env file's. Empty
 * values count as unset (NULL). *from_file says where it came from. */
const char *config_env_get(const struct config_env *env, const char *name,
                           bool *from_file);

void config_env_free(struct config_env *env);

/* What the command line said about the endpoints, for the assembly. */
struct config_endpoint_flags {
    const char *source_uri; /* --source, NULL when not given */
    const char *dest_uri;   /* --dest */
    int db;                 /* --db, -1 when not given */
};

/*
 * Assembles cfg->source and cfg->dest field by field (flag URI, _URL
 * variable, separate variables, defaults) and settles cfg->db. ST_USAGE
 * naming the setting on a bad or missing value.
 */
status config_endpoints(struct config *cfg,
                        const struct config_endpoint_flags *fl,
                        const struct config_env *env, char *err, size_t errlen);

void config_endpoint_free(struct endpoint *ep);

#endif
