/*
 * Iterative matcher: on `*` it remembers where the star was and how far the
 * subject had got, and on a later mismatch retries with the star eating one
 * more byte. One remembered star is enough because a later star can always
 * take over what an earlier one would, which bounds the work to
 * O(plen * slen) with no recursion.
 */
#include "glob.h"

/* Matches one class `[...]` at pat[*pi] against byte c; advances *pi past
 * the closing bracket. An unclosed class matches its bytes as listed. */
static bool class_match(const char *pat, size_t plen, size_t *pi,
                        unsigned char c)
{
    size_t i = *pi + 1;
    bool negate = false, hit = false;

    if (i < plen && pat[i] == '^') {
        negate = true;
        i++;
    }
    while (i < plen && pat[i] != ']') {
        if (pat[i] == '\\' && i + 1 < plen) {
            i++;
            hit |= (unsigned char)pat[i] == c;
            i++;
        } else if (i + 2 < plen && pat[i + 1] == '-') {
            /* As the servers read it: `[a-]` is the range a..], and the
             * ends compare as signed chars (x86's char). */
            signed char lo = (signed char)pat[i];
            signed char hi = (signed char)pat[i + 2];
            if (lo > hi) {
                signed char t = lo;
                lo = hi;
                hi = t;
            }
            hit |= (signed char)c >= lo && (signed char)c <= hi;
            i += 3;
        } else {
            hit |= (unsigned char)pat[i] == c;
            i++;
        }
    }
    *pi = i < plen ? i + 1 : i;
    return hit != negate;
}

bool glob_match(const char *pat, size_t plen, const char *s, size_t slen)
{
    size_t pi = 0, si = 0;
    size_t star_p = (size_t)-1, star_s = 0;

    /* The servers match an empty key only with an empty pattern, or with
     * exactly "*", which SCAN takes as no pattern at all. */
    if (slen == 0)
        return plen == 0 || (plen == 1 && pat[0] == '*');

    while (si < slen) {
        if (pi < plen && pat[pi] == '*') {
            while (pi < plen && pat[pi] == '*')
                pi++;
            if (pi == plen)
                return true;
            star_p = pi;
            star_s = si;
            continue;
        }
        if (pi < plen) {
            size_t next = pi + 1;
            bool ok;
            unsigned char c = (unsigned char)s[si];

            if (pat[pi] == '?') {
                ok = true;
            } else if (pat[pi] == '[') {
                next = pi;
                ok = class_match(pat, plen, &next, c);
            } else if (pat[pi] == '\\' && pi + 1 < plen) {
                ok = (unsigned char)pat[pi + 1] == c;
                next = pi + 2;
            } else {
                ok = (unsigned char)pat[pi] == c;
            }
            if (ok) {
                pi = next;
                si++;
                continue;
            }
        }
        if (star_p == (size_t)-1)
            return false;
        pi = star_p;
        si = ++star_s;
    }
    while (pi < plen && pat[pi] == '*')
        pi++;
    return pi == plen;
}
