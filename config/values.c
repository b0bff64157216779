/*
 * Parsers of single setting values (numbers, booleans, byte sizes, host
 * names) and the small helpers config/ shares: quoting a bad value safely in
 * a message, freeing secrets, collecting warnings.
 *
 * Called from main's thread only, before any other thread starts.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/escape.h"
#include "internal.h"

#define HOST_MAX  253
#define LABEL_MAX 63
#define BYTES_MAX (1ULL << 40)

bool config_whole(const char *s, long min, long max, long *out)
{
    long v = 0;

    if (!s || !*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        if (v > (max - (*s - '0')) / 10)
            return false; /* past max, and no overflow */
        v = v * 10 + (*s - '0');
    }
    if (v < min || v > max)
        return false;
    *out = v;
    return true;
}

status config_err_whole(char *err, size_t errlen, const char *name,
                        const char *value, long min, long max)
{
    char show[CONFIG_SHOW_MAX + 8];

    snprintf(err, errlen, "%s: \"%s\" is not a whole number from %ld to %ld",
             name, config_show(value, show, sizeof(show)), min, max);
    return ST_USAGE;
}

bool config_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"true", "1", "yes"};
    static const char *const no[] = {"false", "0", "no"};

    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        if (strcasecmp(s, yes[i]) == 0) {
            *out = true;
            return true;
        }
        if (strcasecmp(s, no[i]) == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

/* The multiplier a size suffix stands for; 0 when it is none we know. */
static uint64_t size_unit(const char *suffix)
{
    static const struct {
        const char *name;
        uint64_t mult;
    } units[] = {
        {"", 1},
        {"b", 1},
        {"k", 1ULL << 10},
        {"kb", 1ULL << 10},
        {"kib", 1ULL << 10},
        {"m", 1ULL << 20},
        {"mb", 1ULL << 20},
        {"mib", 1ULL << 20},
        {"g", 1ULL << 30},
        {"gb", 1ULL << 30},
        {"gib", 1ULL << 30},
    };

    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
        if (strcasecmp(suffix, units[i].name) == 0)
            return units[i].mult;
    return 0;
}

bool config_bytes(const char *s, uint64_t *out)
{
    uint64_t v = 0, mult;
    const char *p = s;

    if (!s || *p < '0' || *p > '9')
        return false;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > BYTES_MAX)
            return false;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    mult = size_unit(p);
    if (mult == 0 || v == 0 || v > BYTES_MAX / mult)
        return false;
    *out = v * mult;
    return true;
}

/* Dot-separated labels of letters, digits, '-' and '_'; a final dot is
 * allowed (a fully qualified name). */
static bool valid_name(const char *h)
{
    size_t label = 0, len = strlen(h);

    if (len == 0 || len > HOST_MAX + 1)
        return false;
    for (const char *p = h; *p; p++) {
        if (*p == '.') {
            if (label == 0)
                return false;
            label = 0;
            continue;
        }
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
            return false;
        if (++label > LABEL_MAX)
            return false;
    }
    return true;
}

bool config_valid_host(const char *host)
{
    unsigned char addr[16];

    if (!host || !*host)
        return false;
    if (strchr(host, ':'))
        return inet_pton(AF_INET6, host, addr) == 1;
    return valid_name(host);
}

const char *config_show(const char *s, char *buf, size_t len)
{
    char cut[CONFIG_SHOW_MAX + 1];
    size_t n = s ? strlen(s) : 0;

    /* Long values are cut first, so the escaper never reads past them. */
    if (n > CONFIG_SHOW_MAX) {
        memcpy(cut, s, CONFIG_SHOW_MAX - 3);
        memcpy(cut + CONFIG_SHOW_MAX - 3, "...", 4);
        s = cut;
    }
    escape_text(s ? s : "", buf, len);
    return buf;
}

char *config_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);

    if (d)
        memcpy(d, s, n);
    return d;
}

void config_free_secret(char *s)
{
    if (!s)
        return;
    explicit_bzero(s, strlen(s));
    free(s);
}

status config_warn(struct config *cfg, const char *fmt, ...)
{
    char line[CONFIG_ERR_LEN];
    va_list ap;

    if (cfg->n_warnings >= CONFIG_MAX_WARNINGS)
        return ST_OK;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    cfg->warnings[cfg->n_warnings] = config_strdup(line);
    if (!cfg->warnings[cfg->n_warnings])
        return ST_NOMEM;
    cfg->n_warnings++;
    return ST_OK;
}
