/*
 * Endpoint URIs, `redis://[user[:password]@]host[:port][/db]` and
 * `rediss://` for TLS, and endpoint_describe(), the one way an endpoint is
 * shown to people.
 *
 * The user information ends at the LAST '@' of the URI: no '@' may stand in
 * the host, port or database, so a password holding an unencoded '@', '/',
 * '?' or ':' still parses, and the part a message quotes (everything after
 * that '@', with any query cut off) never holds a byte of the password.
 *
 * Called from main's thread only, before any other thread starts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

#define SHOWN_LEN 192
#define HIDDEN    "***@"

/* A URI cut into pieces; every pointer points into the URI itself. */
struct uri_parts {
    bool tls;
    const char *userinfo; /* NULL when the URI has no '@' */
    size_t userinfo_len;
    const char *host;
    size_t host_len;
    const char *port; /* NULL when not given */
    size_t port_len;
    const char *db; /* NULL when not given or empty */
    size_t db_len;
};

/* The URI as a message may quote it: no user information, no query. */
static const char *shown_uri(const char *uri, char *buf, size_t len)
{
    char tmp[SHOWN_LEN];
    const char *at = strrchr(uri, '@');
    const char *sep = strstr(uri, "://");
    const char *tail;
    size_t head, tail_len;

    /* A "://" after the '@' is no scheme: the head would show the secret. */
    if (sep && at && sep > at)
        sep = NULL;
    tail = at ? at + 1 : (sep ? sep + 3 : uri);
    head = sep ? (size_t)(sep + 3 - uri) : 0;
    tail_len = strcspn(tail, "?#");

    if (head > 16)
        head = 16;
    snprintf(tmp, sizeof(tmp), "%.*s%s%.*s%s", (int)head, uri, at ? HIDDEN : "",
             (int)(tail_len > 120 ? 120 : tail_len), tail,
             tail[tail_len] ? "?..." : "");
    return config_show(tmp, buf, len);
}

static status uri_err(char *err, size_t errlen, const char *what,
                      const char *uri, const char *fmt_before,
                      const char *after)
{
    char shown[SHOWN_LEN];

    snprintf(err, errlen, "%s: %s\"%s\"%s", what, fmt_before,
             shown_uri(uri, shown, sizeof(shown)), after);
    return ST_USAGE;
}

/* The scheme; false when it is neither redis nor rediss. */
static bool split_scheme(const char *uri, struct uri_parts *u,
                         const char **rest)
{
    const char *sep = strstr(uri, "://");
    size_t n = sep ? (size_t)(sep - uri) : 0;

    if (n == 5 && strncasecmp(uri, "redis", 5) == 0)
        u->tls = false;
    else if (n == 6 && strncasecmp(uri, "rediss", 6) == 0)
        u->tls = true;
    else
        return false;
    *rest = sep + 3;
    return true;
}

/* Host and port of `hp` (after the user information), then the path. */
static status split_host(const char *uri, const char *hp, struct uri_parts *u,
                         const char *what, char *err, size_t errlen)
{
    const char *p;

    if (*hp == '[') {
        const char *close = strchr(hp, ']');

        if (!close || !memchr(hp, ':', (size_t)(close - hp)))
            return uri_err(err, errlen, what, uri, "",
                           " has a host that is not a valid name or address");
        u->host = hp + 1;
        u->host_len = (size_t)(close - hp - 1);
        p = close + 1;
    } else {
        u->host = hp;
        u->host_len = strcspn(hp, ":/?#");
        p = hp + u->host_len;
        if (*p == ':' && memchr(p + 1, ':', strcspn(p + 1, "/?#")))
            return uri_err(err, errlen, what, uri, "",
                           ": write an IPv6 address in brackets, as in "
                           "redis://[::1]:6379");
    }
    if (u->host_len == 0)
        return uri_err(err, errlen, what, uri, "",
                       " has no host (for example redis://host:6379)");

    if (*p == ':') {
        u->port = p + 1;
        u->port_len = strcspn(u->port, "/?#");
        p = u->port + u->port_len;
    }
    if (*p == '/') {
        u->db = p + 1;
        u->db_len = strcspn(u->db, "?#");
        p = u->db + u->db_len;
    }
    if (*p == '?' || *p == '#')
        return uri_err(err, errlen, what, uri, "",
                       " has a query or fragment (?... or #...), which "
                       "redis-migrate does not read; give TLS and other "
                       "options with their own settings");
    if (*p != '\0')
        return uri_err(err, errlen, what, uri, "",
                       " has a host that is not a valid name or address");
    return ST_OK;
}

static status split_uri(const char *uri, struct uri_parts *u, const char *what,
                        char *err, size_t errlen)
{
    const char *rest, *at;

    memset(u, 0, sizeof(*u));
    if (!split_scheme(uri, u, &rest))
        return uri_err(err, errlen, what, uri, "",
                       " is not a redis:// or rediss:// URI (for example "
                       "redis://host:6379)");

    at = strrchr(rest, '@');
    if (at) {
        u->userinfo = rest;
        u->userinfo_len = (size_t)(at - rest);
        rest = at + 1;
    }
    return split_host(uri, rest, u, what, err, errlen);
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decodes s[0..n) into a new string in *out (NULL when n is 0).
 * ST_USAGE on a bad escape or an escaped NUL, ST_NOMEM. */
static status decode(const char *s, size_t n, char **out)
{
    char *d;
    size_t j = 0;

    *out = NULL;
    if (n == 0)
        return ST_OK;
    d = malloc(n + 1);
    if (!d)
        return ST_NOMEM;
    for (size_t i = 0; i < n; i++) {
        int hi, lo;

        if (s[i] != '%') {
            d[j++] = s[i];
            continue;
        }
        hi = i + 2 < n ? hex_digit(s[i + 1]) : -1;
        lo = hi >= 0 ? hex_digit(s[i + 2]) : -1;
        if (lo < 0 || (hi == 0 && lo == 0)) {
            explicit_bzero(d, j);
            free(d);
            return ST_USAGE;
        }
        d[j++] = (char)(hi << 4 | lo);
        i += 2;
    }
    d[j] = '\0';
    *out = d;
    return ST_OK;
}

/* User name and password of the user information, decoded. */
static status decode_userinfo(const struct uri_parts *u, char **user,
                              char **password)
{
    const char *colon = memchr(u->userinfo, ':', u->userinfo_len);
    size_t ulen = colon ? (size_t)(colon - u->userinfo) : u->userinfo_len;
    status rc;

    rc = decode(u->userinfo, ulen, user);
    if (rc == ST_OK && colon)
        rc = decode(colon + 1, u->userinfo_len - ulen - 1, password);
    if (rc != ST_OK) {
        free(*user);
        *user = NULL;
    }
    return rc;
}

/* Port and database numbers of the URI; -1 for those not given. */
static status uri_numbers(const char *uri, const struct uri_parts *u, int *port,
                          int *db, const char *what, char *err, size_t errlen)
{
    char num[16];
    long v;

    *port = -1;
    *db = -1;
    if (u->port) {
        snprintf(num, sizeof(num), "%.*s", (int)u->port_len, u->port);
        if (u->port_len >= sizeof(num) || !config_whole(num, 1, 65535, &v))
            return uri_err(err, errlen, what, uri, "the port in ",
                           " is not a whole number from 1 to 65535");
        *port = (int)v;
    }
    if (u->db && u->db_len > 0) {
        snprintf(num, sizeof(num), "%.*s", (int)u->db_len, u->db);
        if (u->db_len >= sizeof(num) ||
            !config_whole(num, 0, CONFIG_DB_MAX, &v)) {
            char after[64];

            snprintf(after, sizeof(after),
                     " is not a whole number from 0 to %d", CONFIG_DB_MAX);
            return uri_err(err, errlen, what, uri, "the database in ", after);
        }
        *db = (int)v;
    }
    return ST_OK;
}

/* Moves what the URI gave into `ep`; the strings change owner. */
static void commit(struct endpoint *ep, const struct uri_parts *u, char *host,
                   char *user, char *password, int port, int db)
{
    free(ep->host);
    ep->host = host;
    if (user) {
        free(ep->user);
        ep->user = user;
    }
    if (password) {
        config_free_secret(ep->password);
        ep->password = password;
    }
    if (port > 0)
        ep->port = port;
    if (db >= 0)
        ep->db = db;
    if (u->tls)
        ep->tls = true;
}

status config_parse_uri(struct endpoint *ep, const char *uri, const char *what,
                        bool *has_password, char *err, size_t errlen)
{
    struct uri_parts u;
    char *host = NULL, *user = NULL, *password = NULL;
    int port, db;
    status rc;

    *has_password = false;
    rc = split_uri(uri, &u, what, err, errlen);
    if (rc != ST_OK)
        goto out;
    rc = uri_numbers(uri, &u, &port, &db, what, err, errlen);
    if (rc != ST_OK)
        goto out;

    host = strndup(u.host, u.host_len);
    if (!host) {
        rc = ST_NOMEM;
        goto out;
    }
    if (!config_valid_host(host)) {
        rc = uri_err(err, errlen, what, uri, "",
                     " has a host that is not a valid name or address");
        goto out;
    }

    if (u.userinfo) {
        rc = decode_userinfo(&u, &user, &password);
        if (rc == ST_USAGE)
            uri_err(err, errlen, what, uri, "the user name or password in ",
                    " has a bad %-escape (write a % itself as %25)");
        if (rc != ST_OK)
            goto out;
    }

    *has_password = password != NULL;
    commit(ep, &u, host, user, password, port, db);
    host = user = password = NULL;
out:
    if (rc == ST_NOMEM)
        snprintf(err, errlen, "%s: out of memory reading the URI", what);
    free(host);
    free(user);
    config_free_secret(password);
    return rc;
}

const char *endpoint_describe(const struct endpoint *ep, char *buf, size_t len)
{
    char user[CONFIG_SHOW_MAX + 8] = "";
    char db[24] = "";
    const char *host = ep->host ? ep->host : "(no host)";
    bool v6 = strchr(host, ':') != NULL;

    if (len == 0)
        return buf;
    if (ep->user)
        config_show(ep->user, user, sizeof(user) - 1);
    if (ep->user)
        strcat(user, "@");
    if (ep->db >= 0)
        snprintf(db, sizeof(db), "/%d", ep->db);
    snprintf(buf, len, "%s%s%s%s%s:%d%s", ep->tls ? "rediss://" : "", user,
             v6 ? "[" : "", host, v6 ? "]" : "", ep->port, db);
    return buf;
}
