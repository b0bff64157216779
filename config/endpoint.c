/*
 * Where the endpoints come from: the .env file's settings, the merged view
 * of environment and .env (the environment wins), and the field-by-field
 * assembly of the source and the destination (a URI from the flag or the
 * _URL variable first, then each separate variable for the fields the URI
 * left out, then the defaults).
 *
 * TLS is on when the URI is rediss:// or REDIS_*_TLS is true: a plain
 * redis:// URI does not turn off TLS that the environment asks for.
 * The .env file's values are kept only for the REDIS_SOURCE_ and
 * REDIS_DEST_ names, and cleansed when freed.
 *
 * Called from main's thread only, before any other thread starts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define DEFAULT_PORT 6379
#define NAME_LEN     64

/* ---- the .env file's settings ----------------------------------------- */

struct load_ctx {
    struct config_env *env;
    bool holds_password;
    bool holds_secret;
    bool nomem;
};

static bool kept_name(const char *key)
{
    return strncmp(key, "REDIS_SOURCE_", 13) == 0 ||
           strncmp(key, "REDIS_DEST_", 11) == 0;
}

static bool env_grow(struct config_env *env)
{
    size_t cap = env->cap ? env->cap * 2 : 16;
    char **keys, **values;

    keys = realloc(env->keys, cap * sizeof(*keys));
    if (!keys)
        return false;
    env->keys = keys;
    values = realloc(env->values, cap * sizeof(*values));
    if (!values)
        return false;
    env->values = values;
    env->cap = cap;
    return true;
}

static bool env_put(struct config_env *env, const char *key, const char *value)
{
    char *v = config_strdup(value), *k;

    if (!v)
        return false;
    for (size_t i = 0; i < env->n; i++) {
        if (strcmp(env->keys[i], key) == 0) {
            config_free_secret(env->values[i]);
            env->values[i] = v; /* a later line wins, as in a shell */
            return true;
        }
    }
    if (env->n == env->cap && !env_grow(env)) {
        config_free_secret(v);
        return false;
    }
    k = config_strdup(key);
    if (!k) {
        config_free_secret(v);
        return false;
    }
    env->keys[env->n] = k;
    env->values[env->n++] = v;
    return true;
}

static void load_one(const char *key, const char *value, void *arg)
{
    struct load_ctx *lc = arg;

    if (*value && strcasestr(key, "PASSWORD"))
        lc->holds_password = true;
    else if (*value && (strcasestr(key, "SECRET") || strcasestr(key, "TOKEN")))
        lc->holds_secret = true;
    if (kept_name(key) && !env_put(lc->env, key, value))
        lc->nomem = true;
}

status config_env_load(struct config_env *env, const char *path,
                       bool must_exist, struct config *cfg, char *err,
                       size_t errlen)
{
    char show[CONFIG_SHOW_MAX + 8];
    struct load_ctx lc = {.env = env};
    bool readable = false;
    status rc;

    rc = config_read_env_file(path, load_one, &lc, &readable, err, errlen);
    if (rc == ST_IO && errno == ENOENT && !must_exist) {
        err[0] = '\0';
        return ST_OK;
    }
    if (rc == ST_IO) {
        char why[CONFIG_ERR_LEN];

        snprintf(why, sizeof(why), "%s", err);
        if (must_exist)
            snprintf(err, errlen, "--env-file: %s", why);
        else
            snprintf(err, errlen,
                     "%s; fix it, or name another file with --env-file", why);
        rc = ST_USAGE;
    }
    if (rc == ST_OK && lc.nomem) {
        snprintf(err, errlen, "out of memory reading %s",
                 config_show(path, show, sizeof(show)));
        rc = ST_NOMEM;
    }
    if (rc != ST_OK)
        return rc;

    env->path = path;
    if (readable && (lc.holds_password || lc.holds_secret)) {
        config_show(path, show, sizeof(show));
        rc = config_warn(cfg,
                         "%s can be read by other users and holds a %s; "
                         "run: chmod 600 %s",
                         show, lc.holds_password ? "password" : "secret", show);
    }
    return rc;
}

const char *config_env_get(const struct config_env *env, const char *name,
                           bool *from_file)
{
    const char *v = getenv(name);

    *from_file = false;
    if (v && *v)
        return v;
    for (size_t i = 0; env && i < env->n; i++) {
        if (strcmp(env->keys[i], name) == 0 && env->values[i][0]) {
            *from_file = true;
            return env->values[i];
        }
    }
    return NULL;
}

void config_env_free(struct config_env *env)
{
    for (size_t i = 0; i < env->n; i++) {
        free(env->keys[i]);
        config_free_secret(env->values[i]);
    }
    free(env->keys);
    free(env->values);
    memset(env, 0, sizeof(*env));
}

/* ---- assembling one endpoint ------------------------------------------ */

/* One endpoint's assembly: its names and where its settings are looked up. */
struct asm_ctx {
    struct config *cfg;
    struct endpoint *ep;
    const char *flag;   /* "--source" */
    const char *prefix; /* "REDIS_SOURCE_" */
    const struct config_env *env;
    char *err;
    size_t errlen;
};

/* Looks up PREFIX+suffix; `label` gets the name for messages. */
static const char *lookup(const struct asm_ctx *a, const char *suffix,
                          char *label, size_t len)
{
    char name[NAME_LEN];
    char show[CONFIG_SHOW_MAX + 8];
    bool from_file;
    const char *v;

    snprintf(name, sizeof(name), "%s%s", a->prefix, suffix);
    v = config_env_get(a->env, name, &from_file);
    if (from_file)
        snprintf(label, len, "%s (in %s)", name,
                 config_show(a->env->path, show, sizeof(show)));
    else
        snprintf(label, len, "%s", name);
    return v;
}

static status bad_value(const struct asm_ctx *a, const char *label,
                        const char *value, const char *accepted)
{
    char show[CONFIG_SHOW_MAX + 8];

    snprintf(a->err, a->errlen, "%s: \"%s\" is not %s", label,
             config_show(value, show, sizeof(show)), accepted);
    return ST_USAGE;
}

/* Fills a string field from PREFIX+suffix when it is still empty. */
static status fill_string(const struct asm_ctx *a, char **field,
                          const char *suffix)
{
    char label[NAME_LEN * 2];
    const char *v;

    if (*field)
        return ST_OK;
    v = lookup(a, suffix, label, sizeof(label));
    if (!v)
        return ST_OK;
    *field = config_strdup(v);
    return *field ? ST_OK : ST_NOMEM;
}

/* A file the TLS set-up will read: it must be readable now. */
static status fill_file(const struct asm_ctx *a, char **field,
                        const char *suffix)
{
    char label[NAME_LEN * 2], show[CONFIG_SHOW_MAX + 8];
    const char *v;

    if (*field)
        return ST_OK;
    v = lookup(a, suffix, label, sizeof(label));
    if (!v)
        return ST_OK;
    /* Checked now only when it will be used: see settle(). */
    if (a->ep->tls && access(v, R_OK) != 0) {
        snprintf(a->err, a->errlen, "%s: cannot read \"%s\": %s", label,
                 config_show(v, show, sizeof(show)), strerror(errno));
        return ST_USAGE;
    }
    *field = config_strdup(v);
    return *field ? ST_OK : ST_NOMEM;
}

/* Fills a bool field: true when either the field or the setting says so. */
static status fill_bool(const struct asm_ctx *a, bool *field,
                        const char *suffix)
{
    char label[NAME_LEN * 2];
    const char *v = lookup(a, suffix, label, sizeof(label));
    bool b;

    if (!v)
        return ST_OK;
    if (!config_bool(v, &b))
        return bad_value(a, label, v,
                         "true or false (accepted: true, false, 1, 0, yes, "
                         "no)");
    *field = *field || b;
    return ST_OK;
}

static status fill_number(const struct asm_ctx *a, int *field, int unset,
                          const char *suffix, long min, long max)
{
    char label[NAME_LEN * 2];
    const char *v;
    long n;

    if (*field != unset)
        return ST_OK;
    v = lookup(a, suffix, label, sizeof(label));
    if (!v)
        return ST_OK;
    if (!config_whole(v, min, max, &n))
        return config_err_whole(a->err, a->errlen, label, v, min, max);
    *field = (int)n;
    return ST_OK;
}

/* The host: REDIS_*_HOST may hold an IPv6 address with or without [ ]. */
static status fill_host(const struct asm_ctx *a, char **field,
                        const char *suffix, const char *accepted)
{
    char label[NAME_LEN * 2];
    const char *v;
    size_t n;
    char *h;

    if (*field)
        return ST_OK;
    v = lookup(a, suffix, label, sizeof(label));
    if (!v)
        return ST_OK;
    n = strlen(v);
    if (v[0] == '[' && n > 2 && v[n - 1] == ']')
        h = strndup(v + 1, n - 2);
    else
        h = config_strdup(v);
    if (!h)
        return ST_NOMEM;
    if (!config_valid_host(h)) {
        free(h);
        return bad_value(a, label, v, accepted);
    }
    *field = h;
    return ST_OK;
}

/* The URI from the flag, else from PREFIX_URL. *uri_db: the db it gave. */
static status apply_uri(const struct asm_ctx *a, const char *flag_uri,
                        int *uri_db)
{
    char label[NAME_LEN * 2];
    const char *uri = flag_uri;
    bool has_password = false;
    status rc;

    *uri_db = -1;
    if (!uri)
        uri = lookup(a, "URL", label, sizeof(label));
    if (!uri)
        return ST_OK;
    rc = config_parse_uri(a->ep, uri, flag_uri ? a->flag : label, &has_password,
                          a->err, a->errlen);
    if (rc != ST_OK)
        return rc;
    *uri_db = a->ep->db;

    /* Only a flag shows in the process list; the environment does not. */
    if (flag_uri && has_password)
        rc = config_warn(a->cfg,
                         "the %s URI carries a password, which other users "
                         "of this machine can read in the process list; use "
                         "%sPASSWORD instead",
                         a->ep->role, a->prefix);
    return rc;
}

/* The separate settings, each for a field the URI left out. */
static status fill_fields(const struct asm_ctx *a)
{
    struct endpoint *ep = a->ep;
    status rc;

    rc = fill_host(a, &ep->host, "HOST", "a host name or IP address");
    if (rc == ST_OK)
        rc = fill_number(a, &ep->port, 0, "PORT", 1, 65535);
    if (rc == ST_OK)
        rc = fill_string(a, &ep->user, "USERNAME");
    if (rc == ST_OK)
        rc = fill_string(a, &ep->password, "PASSWORD");
    if (rc == ST_OK)
        rc = fill_number(a, &ep->db, -1, "DB", 0, CONFIG_DB_MAX);
    if (rc == ST_OK)
        rc = fill_bool(a, &ep->tls, "TLS");
    if (rc == ST_OK)
        rc = fill_bool(a, &ep->tls_insecure, "TLS_INSECURE");
    if (rc == ST_OK)
        rc = fill_file(a, &ep->tls_ca_file, "TLS_CA_FILE");
    if (rc == ST_OK)
        rc = fill_file(a, &ep->tls_cert_file, "TLS_CERT_FILE");
    if (rc == ST_OK)
        rc = fill_file(a, &ep->tls_key_file, "TLS_KEY_FILE");
    if (rc == ST_OK)
        rc = fill_host(a, &ep->tls_server_name, "TLS_SERVER_NAME",
                       "a host name");
    return rc;
}

/* Settings that make no sense together, and the defaults. */
static status settle(const struct asm_ctx *a)
{
    struct endpoint *ep = a->ep;
    const char *env_note = a->env->path ? a->env->path : ".env";

    if (!ep->host) {
        snprintf(a->err, a->errlen,
                 "no %s given: use %s redis://HOST:PORT, or set %sURL or "
                 "%sHOST in the environment or in %s",
                 ep->role, a->flag, a->prefix, a->prefix, env_note);
        return ST_USAGE;
    }
    if (ep->port == 0)
        ep->port = DEFAULT_PORT;
    if (ep->tls_key_file && !ep->tls_cert_file) {
        snprintf(a->err, a->errlen,
                 "%sTLS_KEY_FILE is set without %sTLS_CERT_FILE; a client "
                 "certificate needs both",
                 a->prefix, a->prefix);
        return ST_USAGE;
    }
    if (!ep->tls && (ep->tls_insecure || ep->tls_ca_file || ep->tls_cert_file ||
                     ep->tls_server_name))
        return config_warn(a->cfg,
                           "the %s does not use TLS, so its TLS settings are "
                           "ignored; use rediss:// or %sTLS=true to turn it "
                           "on",
                           ep->role, a->prefix);
    return ST_OK;
}

static status assemble(struct asm_ctx *a, const char *flag_uri, int *uri_db)
{
    status rc;

    a->ep->port = 0; /* "not given" while the fields are filled */
    rc = apply_uri(a, flag_uri, uri_db);
    if (rc == ST_OK)
        rc = fill_fields(a);
    if (rc == ST_OK)
        rc = settle(a);
    if (rc == ST_NOMEM)
        snprintf(a->err, a->errlen, "out of memory reading the %s settings",
                 a->ep->role);
    return rc;
}

/* --db and the source's database are one setting; --db wins, but a --db
 * that contradicts --source's own /db is refused. */
static status settle_db(struct config *cfg,
                        const struct config_endpoint_flags *fl, int uri_db,
                        char *err, size_t errlen)
{
    if (fl->db < 0) {
        cfg->db = cfg->source.db;
        return ST_OK;
    }
    if (fl->source_uri && uri_db >= 0 && uri_db != fl->db) {
        snprintf(err, errlen,
                 "--db %d and the /%d of --source name different source "
                 "databases; give one of them",
                 fl->db, uri_db);
        return ST_USAGE;
    }
    cfg->db = fl->db;
    cfg->source.db = fl->db;
    return ST_OK;
}

status config_endpoints(struct config *cfg,
                        const struct config_endpoint_flags *fl,
                        const struct config_env *env, char *err, size_t errlen)
{
    struct asm_ctx a = {.cfg = cfg, .env = env, .err = err, .errlen = errlen};
    int src_uri_db, dst_uri_db;
    status rc;

    a.ep = &cfg->source;
    a.flag = "--source";
    a.prefix = "REDIS_SOURCE_";
    rc = assemble(&a, fl->source_uri, &src_uri_db);
    if (rc != ST_OK)
        return rc;

    a.ep = &cfg->dest;
    a.flag = "--dest";
    a.prefix = "REDIS_DEST_";
    rc = assemble(&a, fl->dest_uri, &dst_uri_db);
    if (rc != ST_OK)
        return rc;

    return settle_db(cfg, fl, src_uri_db, err, errlen);
}

void config_endpoint_free(struct endpoint *ep)
{
    free(ep->host);
    free(ep->user);
    config_free_secret(ep->password);
    free(ep->tls_ca_file);
    free(ep->tls_cert_file);
    free(ep->tls_key_file);
    free(ep->tls_server_name);
    ep->host = ep->user = ep->password = NULL;
    ep->tls_ca_file = ep->tls_cert_file = ep->tls_key_file = NULL;
    ep->tls_server_name = NULL;
}
