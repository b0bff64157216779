/*
 * The .env reader: KEY=VALUE lines, an optional `export `, blank lines,
 * `#` comment lines and ` #comment` after an unquoted value, single quotes
 * (taken literally) or double quotes (with \", \\, \n, \t and \r escapes)
 * around a value. Nothing is expanded: `${X}` is kept as written.
 *
 * The whole file is read into one buffer with read(2), parsed in place and
 * cleansed before it is freed, so the secrets it holds are not left behind
 * in stdio or getline buffers. Messages name the file and the line number,
 * never the line's text (it may hold a password).
 *
 * Called from main's thread only, before any other thread starts.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define ENV_FILE_MAX (1u << 20)

/* Reads all of `fd` (at most ENV_FILE_MAX bytes) into a new buffer. */
static status slurp(int fd, char **out, size_t *outlen)
{
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap + 1);

    *out = NULL;
    if (!buf)
        return ST_NOMEM;
    for (;;) {
        ssize_t n;

        if (len == cap) {
            char *bigger;

            if (cap >= ENV_FILE_MAX) {
                explicit_bzero(buf, len);
                free(buf);
                errno = EFBIG;
                return ST_IO;
            }
            /* Grown by hand so the old copy can be cleansed. */
            bigger = malloc(cap * 2 + 1);
            if (!bigger) {
                explicit_bzero(buf, len);
                free(buf);
                return ST_NOMEM;
            }
            memcpy(bigger, buf, len);
            explicit_bzero(buf, len);
            free(buf);
            buf = bigger;
            cap *= 2;
        }
        n = read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;

            explicit_bzero(buf, len);
            free(buf);
            errno = e;
            return ST_IO;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    *out = buf;
    *outlen = len;
    return ST_OK;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static char *skip_blanks(char *p)
{
    while (is_blank(*p))
        p++;
    return p;
}

static bool key_char(char c, bool first)
{
    return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (!first && c >= '0' && c <= '9');
}

/* After a closing quote: only blanks, then the end or a comment. */
static const char *after_quote(char *p)
{
    p = skip_blanks(p);
    if (*p == '\0' || *p == '#')
        return NULL;
    return "unexpected text after the closing quote";
}

/* Decodes a double-quoted value starting after its quote, in place. */
static const char *double_quoted(char *p, char **value)
{
    char *out = p;

    *value = p;
    for (; *p && *p != '"'; p++) {
        if (*p != '\\' || p[1] == '\0') {
            *out++ = *p;
            continue;
        }
        switch (*++p) {
        case 'n':
            *out++ = '\n';
            break;
        case 't':
            *out++ = '\t';
            break;
        case 'r':
            *out++ = '\r';
            break;
        case '"':
        case '\\':
            *out++ = *p;
            break;
        default: /* not an escape: kept as written */
            *out++ = '\\';
            *out++ = *p;
            break;
        }
    }
    if (*p != '"')
        return "a quoted value is not closed (a value must fit on one line)";
    *out = '\0';
    return after_quote(p + 1);
}

static const char *single_quoted(char *p, char **value)
{
    char *close = strchr(p, '\'');

    *value = p;
    if (!close)
        return "a quoted value is not closed (a value must fit on one line)";
    *close = '\0';
    return after_quote(close + 1);
}

/* An unquoted value: up to a blank followed by '#', trailing blanks cut. */
static void unquoted(char *p, bool blank_before, char **value)
{
    char *end;

    *value = p;
    if (blank_before && *p == '#') {
        *p = '\0';
        return;
    }
    for (end = p; *end; end++)
        if (is_blank(*end) && end[1] == '#')
            break;
    while (end > p && is_blank(end[-1]))
        end--;
    *end = '\0';
}

/*
 * Parses one line (NUL-terminated, no newline) in place. Sets *key to NULL
 * for a blank or comment line. Returns NULL, or what is wrong with it.
 */
static const char *parse_line(char *line, char **key, char **value)
{
    char *p = skip_blanks(line), *end_key, *v;

    *key = NULL;
    if (*p == '\0' || *p == '#')
        return NULL;
    if (strncmp(p, "export", 6) == 0 && is_blank(p[6]))
        p = skip_blanks(p + 6);

    if (!key_char(*p, true))
        return "expected KEY=VALUE";
    for (end_key = p + 1; key_char(*end_key, false); end_key++)
        ;
    v = skip_blanks(end_key);
    if (*v != '=')
        return "expected KEY=VALUE";
    *end_key = '\0';
    *key = p;

    p = skip_blanks(v + 1);
    if (*p == '"')
        return double_quoted(p + 1, value);
    if (*p == '\'')
        return single_quoted(p + 1, value);
    unquoted(p, p > v + 1, value);
    return NULL;
}

/* Walks the lines of `buf`, calling `set` for each setting. */
static status parse_buffer(char *buf, size_t len, const char *path,
                           void (*set)(const char *, const char *, void *),
                           void *ctx, char *err, size_t errlen)
{
    char show[CONFIG_SHOW_MAX + 8];
    unsigned lineno = 0;
    char *line = buf, *end = buf + len;

    while (line < end) {
        char *nl = memchr(line, '\n', (size_t)(end - line));
        char *stop = nl ? nl : end;
        const char *why;
        char *key, *value;

        lineno++;
        if (memchr(line, '\0', (size_t)(stop - line))) {
            why = "the line holds a NUL byte";
            goto bad;
        }
        *stop = '\0';
        if (stop > line && stop[-1] == '\r')
            stop[-1] = '\0';
        why = parse_line(line, &key, &value);
        if (why)
            goto bad;
        if (key)
            set(key, value, ctx);
        line = stop + 1;
        continue;
    bad:
        snprintf(err, errlen, "%s line %u: %s",
                 config_show(path, show, sizeof(show)), lineno, why);
        return ST_USAGE;
    }
    return ST_OK;
}

status
config_read_env_file(const char *path,
                     void (*set)(const char *key, const char *value, void *ctx),
                     void *ctx, bool *world_readable, char *err, size_t errlen)
{
    char show[CONFIG_SHOW_MAX + 8];
    char *buf = NULL;
    size_t len = 0;
    struct stat st;
    int fd, e = 0;
    status rc = ST_IO;

    *world_readable = false;
    /* O_NONBLOCK: a FIFO named .env must not hang the start. */
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        e = errno;
        goto out;
    }
    if (fstat(fd, &st) != 0) {
        e = errno;
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        e = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
        goto out;
    }
    *world_readable = (st.st_mode & (S_IRGRP | S_IROTH)) != 0;

    rc = slurp(fd, &buf, &len);
    if (rc != ST_OK) {
        e = errno;
        goto out;
    }
    rc = parse_buffer(buf, len, path, set, ctx, err, errlen);
out:
    if (rc == ST_IO)
        snprintf(err, errlen, "cannot read %s: %s",
                 config_show(path, show, sizeof(show)),
                 e == EFBIG ? "larger than 1 MiB" : strerror(e));
    else if (rc == ST_NOMEM)
        snprintf(err, errlen, "out of memory reading %s",
                 config_show(path, show, sizeof(show)));
    if (buf) {
        explicit_bzero(buf, len);
        free(buf);
    }
    if (fd >= 0)
        close(fd);
    errno = e;
    return rc;
}
