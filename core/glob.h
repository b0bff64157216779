/*
 * Glob matching on raw bytes with the syntax of SCAN MATCH: `*` any run of
 * bytes, `?` one byte, `[abc]`, `[^abc]`, `[a-z]` classes, and `\x` for a
 * literal x, with the servers' quirks: a range's ends compare as signed
 * chars, as on x86-64 servers (ARM servers compare unsigned), and `[a-]` is
 * the range a..]. Used for --exclude and for several --match patterns, which
 * SCAN cannot take at once. Pure; any thread.
 */
#ifndef RM_GLOB_H
#define RM_GLOB_H

#include <stdbool.h>
#include <stddef.h>

bool glob_match(const char *pat, size_t plen, const char *s, size_t slen);

#endif
