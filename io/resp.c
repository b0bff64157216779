/*
 * Encoding of RESP arrays of bulk strings:
 *
 *   *<argc>\r\n  then per argument  $<len>\r\n<bytes>\r\n
 *
 * Numbers are formatted by hand: this runs once per argument on the hot path.
 */
#include "resp.h"

#include <stdlib.h>
#include <string.h>

void resp_buf_init(struct resp_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void resp_buf_free(struct resp_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void resp_buf_consume(struct resp_buf *b, size_t n)
{
    if (n >= b->len) {
        b->len = 0;
        return;
    }
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
}

status resp_buf_reserve(struct resp_buf *b, size_t n)
{
    if (n > b->max || b->len > b->max - n)
        return ST_NOMEM;

    size_t need = b->len + n;
    if (need <= b->cap)
        return ST_OK;

    size_t cap = b->cap ? b->cap : 4096;
    while (cap < need)
        cap *= 2;
    if (cap > b->max)
        cap = b->max;

    char *p = realloc(b->data, cap);
    if (!p)
        return ST_NOMEM;
    b->data = p;
    b->cap = cap;
    return ST_OK;
}

/* Writes the decimal form of v at p; returns the number of bytes. */
static size_t format_u64(char *p, uint64_t v)
{
    char tmp[20];
    size_t n = 0;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++)
        p[i] = tmp[n - 1 - i];
    return n;
}

static size_t digits(uint64_t v)
{
    size_t n = 1;
    while (v >= 10) {
        v /= 10;
        n++;
    }
    return n;
}

size_t resp_bulk_size(size_t n)
{
    return 1 + digits(n) + 2 + n + 2;
}

/* Appends <prefix><n>\r\n; room must be reserved. */
static void put_header(struct resp_buf *b, char prefix, uint64_t n)
{
    char *p = b->data + b->len;

    *p++ = prefix;
    p += format_u64(p, n);
    *p++ = '\r';
    *p++ = '\n';
    b->len = (size_t)(p - b->data);
}

status resp_begin(struct resp_buf *b, int argc)
{
    status rc = resp_buf_reserve(b, 3 + digits((uint64_t)argc));
    if (rc != ST_OK)
        return rc;
    put_header(b, '*', (uint64_t)argc);
    return ST_OK;
}

status resp_arg(struct resp_buf *b, const void *p, size_t n)
{
    status rc = resp_buf_reserve(b, resp_bulk_size(n));
    if (rc != ST_OK)
        return rc;

    put_header(b, '$', n);
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len++] = '\r';
    b->data[b->len++] = '\n';
    return ST_OK;
}

status resp_arg_str(struct resp_buf *b, const char *s)
{
    return resp_arg(b, s, strlen(s));
}

status resp_arg_ll(struct resp_buf *b, long long v)
{
    char tmp[24];
    size_t n = 0;

    if (v < 0) {
        tmp[n++] = '-';
        n += format_u64(tmp + n, (uint64_t)(-(v + 1)) + 1);
    } else {
        n += format_u64(tmp, (uint64_t)v);
    }
    return resp_arg(b, tmp, n);
}

status resp_command(struct resp_buf *b, int argc, const char *const *argv,
                    const size_t *lens)
{
    size_t saved = b->len;
    status rc = resp_begin(b, argc);

    for (int i = 0; rc == ST_OK && i < argc; i++)
        rc = resp_arg(b, argv[i], lens ? lens[i] : strlen(argv[i]));
    if (rc != ST_OK)
        b->len = saved;
    return rc;
}
