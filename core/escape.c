/*
 * Escaping of key names and of foreign texts for people and for JSON.
 *
 * Both escapers cut the same way: pieces (one byte, one `\xNN`, one `\\`, one
 * UTF-8 sequence) are written whole while they fit; when one does not, the
 * output goes back to the last piece boundary that leaves room for "..." and
 * ends there. So a cut result never ends inside an escape or a sequence.
 *
 * Pure functions, no state: any thread.
 */
#include "escape.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ELLIPSIS     "..."
#define ELLIPSIS_LEN 3
#define ESC_WIDTH    4 /* "\xNN" */

/* Output being filled piece by piece, with the cut bookkeeping. */
struct sink {
    char *out;
    size_t cap;  /* bytes usable, without the NUL */
    size_t pos;  /* bytes written */
    size_t safe; /* last piece boundary leaving room for the ellipsis */
    bool cut;
};

static const char hex[] = "0123456789abcdef";

static void sink_init(struct sink *s, char *out, size_t outlen)
{
    s->out = out;
    s->cap = outlen - 1;
    s->pos = 0;
    s->safe = 0;
    s->cut = false;
}

/* Appends one piece; false (and the sink marked cut) when it does not fit. */
static bool sink_put(struct sink *s, const char *piece, size_t w)
{
    if (w > s->cap - s->pos) {
        s->cut = true;
        return false;
    }
    memcpy(s->out + s->pos, piece, w);
    s->pos += w;
    if (s->cap >= ELLIPSIS_LEN && s->pos <= s->cap - ELLIPSIS_LEN)
        s->safe = s->pos;
    return true;
}

static bool sink_put_hex(struct sink *s, unsigned char b)
{
    char esc[ESC_WIDTH] = {'\\', 'x', hex[b >> 4], hex[b & 0xf]};

    return sink_put(s, esc, sizeof(esc));
}

/* Terminates the output, replacing the tail by "..." when it was cut. */
static size_t sink_end(struct sink *s)
{
    if (s->cut) {
        size_t dots = s->cap - s->safe;

        if (dots > ELLIPSIS_LEN)
            dots = ELLIPSIS_LEN;
        s->pos = s->safe;
        memcpy(s->out + s->pos, ELLIPSIS, dots);
        s->pos += dots;
    }
    s->out[s->pos] = '\0';
    return s->pos;
}

/* Every input byte may need ESC_WIDTH output bytes; SIZE_MAX when the size
 * cannot be represented (no allocation can succeed then anyway). */
static size_t worst_case_size(size_t len)
{
    if (len > (SIZE_MAX - 1) / ESC_WIDTH)
        return SIZE_MAX;
    return len * ESC_WIDTH + 1;
}

/* ---- keys ---------------------------------------------------------------- */

size_t escape_key_size(size_t len)
{
    return worst_case_size(len);
}

size_t escape_key(const char *key, size_t len, char *out, size_t outlen)
{
    const unsigned char *k = (const unsigned char *)key;
    struct sink s;

    if (!out || outlen == 0)
        return 0;
    sink_init(&s, out, outlen);

    for (size_t i = 0; i < len; i++) {
        bool ok;

        if (k[i] == '\\')
            ok = sink_put(&s, "\\\\", 2);
        else if (k[i] >= 0x20 && k[i] <= 0x7e)
            ok = sink_put(&s, (const char *)&k[i], 1);
        else
            ok = sink_put_hex(&s, k[i]);
        if (!ok)
            break;
    }
    return sink_end(&s);
}

char *escape_key_dup(const char *key, size_t len)
{
    size_t size = escape_key_size(len);
    char *out;

    if (size == SIZE_MAX)
        return NULL;
    out = malloc(size);
    if (!out)
        return NULL;
    escape_key(key, len, out, size);
    return out;
}

/* ---- texts --------------------------------------------------------------- */

static bool is_cont(unsigned char b)
{
    return (b & 0xc0) == 0x80;
}

/*
 * Length of the well-formed UTF-8 sequence of two or more bytes at `p`
 * (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF), or 0.
 * The NUL that ends the text fails is_cont(), so this never reads past it.
 */
static size_t utf8_seq_len(const unsigned char *p)
{
    unsigned char b = p[0];
    unsigned char lo = 0x80, hi = 0xbf; /* range of the second byte */
    size_t n;

    if (b >= 0xc2 && b <= 0xdf)
        n = 2;
    else if (b >= 0xe0 && b <= 0xef)
        n = 3;
    else if (b >= 0xf0 && b <= 0xf4)
        n = 4;
    else
        return 0;

    if (b == 0xe0)
        lo = 0xa0; /* overlong below U+0800 */
    else if (b == 0xed)
        hi = 0x9f; /* surrogates U+D800..U+DFFF */
    else if (b == 0xf0)
        lo = 0x90; /* overlong below U+10000 */
    else if (b == 0xf4)
        hi = 0x8f; /* past U+10FFFF */
    if (p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (!is_cont(p[i]))
            return 0;
    return n;
}

size_t escape_text_size(size_t len)
{
    return worst_case_size(len);
}

size_t escape_text(const char *text, char *out, size_t outlen)
{
    const unsigned char *t = (const unsigned char *)(text ? text : "");
    struct sink s;

    if (!out || outlen == 0)
        return 0;
    sink_init(&s, out, outlen);

    for (size_t i = 0; t[i] != '\0';) {
        size_t n = t[i] >= 0x80 ? utf8_seq_len(t + i) : 0;
        bool ok;

        /* C1 controls (U+0080..U+009F, 0xc2 0x80..0x9f) can drive a
         * terminal like ESC does: escape them byte by byte. */
        if (n == 2 && t[i] == 0xc2 && t[i + 1] <= 0x9f)
            n = 0;

        if (n > 0) {
            ok = sink_put(&s, (const char *)t + i, n);
            i += n;
        } else if (t[i] >= 0x20 && t[i] <= 0x7e) {
            ok = sink_put(&s, (const char *)t + i, 1);
            i++;
        } else {
            ok = sink_put_hex(&s, t[i]);
            i++;
        }
        if (!ok)
            break;
    }
    return sink_end(&s);
}

char *escape_text_dup(const char *text)
{
    size_t size = escape_text_size(text ? strlen(text) : 0);
    char *out;

    if (size == SIZE_MAX)
        return NULL;
    out = malloc(size);
    if (!out)
        return NULL;
    escape_text(text, out, size);
    return out;
}
