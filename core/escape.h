/*
 * Key names shown to people: printable ASCII (0x20..0x7e) as is, a backslash
 * as `\\`, every other byte as `\xNN` (lowercase hex). The same escaped form
 * is what the JSON report holds as the key's string. Pure functions, any
 * thread.
 */
#ifndef RM_ESCAPE_H
#define RM_ESCAPE_H

#include <stddef.h>

/* Bytes escape_key() needs for `len` input bytes, with the NUL. */
size_t escape_key_size(size_t len);

/* Escapes `key` into `out` (room for `outlen` bytes, NUL-terminated). When
 * `out` is too small the result is cut and ends with "..."; returns the
 * length written, without the NUL. */
size_t escape_key(const char *key, size_t len, char *out, size_t outlen);

/* The escaped key in a new malloc'd string (NULL on out of memory). */
char *escape_key_dup(const char *key, size_t len);

/*
 * Texts from elsewhere (a server's error reply) made safe for a terminal and
 * valid as JSON: printable ASCII and well-formed UTF-8 stay as they are (a
 * backslash too: this is prose, not a key); every control character (C0,
 * DEL, C1) and every byte that is not part of well-formed UTF-8 becomes
 * `\xNN`, byte by byte. The result is valid UTF-8, and escaping it again
 * changes nothing.
 */

/* Bytes escape_text() needs for a text of `len` bytes, with the NUL. */
size_t escape_text_size(size_t len);

/* Escapes the NUL-terminated `text` (NULL reads as "") into `out`, cut with
 * "..." like escape_key() when `out` is too small, never inside a sequence.
 * Returns the length written, without the NUL. */
size_t escape_text(const char *text, char *out, size_t outlen);

/* The escaped text in a new malloc'd string (NULL on out of memory). */
char *escape_text_dup(const char *text);

#endif
