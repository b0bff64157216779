/*
 * RESP requests: commands are encoded straight into an output buffer as
 * arrays of bulk strings, so a key or payload is copied once, from the reply
 * that held it to the bytes that go out. Replies are parsed by hiredis's
 * reader (see conn.c); this file only builds.
 *
 * A `struct resp_buf` is owned by one thread. Its size never passes `max`:
 * an append that would is refused with ST_NOMEM and leaves the buffer as it
 * was, so a caller can flush and retry or fail the one request.
 */
#ifndef RM_RESP_H
#define RM_RESP_H

#include <stddef.h>
#include <stdint.h>

#include "../core/status.h"

struct resp_buf {
    char *data;
    size_t len;
    size_t cap;
    size_t max; /* hard limit on cap */
};

void resp_buf_init(struct resp_buf *b, size_t max);
void resp_buf_free(struct resp_buf *b);

/* Drops the first `n` bytes. */
void resp_buf_consume(struct resp_buf *b, size_t n);

/* Makes room for `n` more bytes. ST_NOMEM past `max` or on malloc failure. */
status resp_buf_reserve(struct resp_buf *b, size_t n);

/* Appends a whole command from argv/lens (lens NULL: strlen of each). */
status resp_command(struct resp_buf *b, int argc, const char *const *argv,
                    const size_t *lens);

/* Incremental form: header, then exactly `argc` arguments. A failed
 * append leaves what came before it; the caller drops the partial command
 * (conn_append_abort) when it needs all-or-nothing. */
status resp_begin(struct resp_buf *b, int argc);
status resp_arg(struct resp_buf *b, const void *p, size_t n);
status resp_arg_str(struct resp_buf *b, const char *s);
status resp_arg_ll(struct resp_buf *b, long long v);

/* Bytes one bulk argument of `n` bytes takes on the wire. */
size_t resp_bulk_size(size_t n);

#endif
