/*
 * Unit tests of core/escape.c: how key names and foreign texts are shown to
 * people and put into JSON. Single-threaded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/escape.h"

/* Escapes `len` bytes into a fresh string and checks it against `want`. */
static void expect_key(const char *key, size_t len, const char *want)
{
    char *got = escape_key_dup(key, len);

    assert_non_null(got);
    if (strcmp(got, want) != 0)
        print_error("escape_key of %zu bytes: expected \"%s\", got \"%s\"\n",
                    len, want, got);
    assert_string_equal(got, want);
    free(got);
}

/* Decodes the escaped form back into bytes; -1 on a malformed escape. */
static long unescape(const char *s, unsigned char *out, size_t outlen)
{
    size_t n = 0;

    while (*s) {
        if (n == outlen)
            return -1;
        if (s[0] == '\\' && s[1] == '\\') {
            out[n++] = '\\';
            s += 2;
        } else if (s[0] == '\\' && s[1] == 'x') {
            char hex[3] = {s[2], s[3], 0};
            char *end;

            out[n++] = (unsigned char)strtoul(hex, &end, 16);
            if (end != hex + 2)
                return -1;
            s += 4;
        } else if (s[0] == '\\' || (unsigned char)s[0] < 0x20 ||
                   (unsigned char)s[0] > 0x7e) {
            return -1;
        } else {
            out[n++] = (unsigned char)*s++;
        }
    }
    return (long)n;
}

static void test_printable_ascii_is_kept_as_is(void **state)
{
    (void)state;
    expect_key("user:1000 {a} ~!", 16, "user:1000 {a} ~!");
    expect_key(" ", 1, " ");
    expect_key("~", 1, "~");
    expect_key("", 0, "");
}

static void test_nul_cr_lf_and_high_bytes_become_hex(void **state)
{
    (void)state;
    expect_key("a\0b", 3, "a\\x00b");
    expect_key("\r\n", 2, "\\x0d\\x0a");
    expect_key("\xff", 1, "\\xff");
    expect_key("\x7f\x1f\x80\xAB", 4, "\\x7f\\x1f\\x80\\xab");
}

static void test_backslash_is_doubled(void **state)
{
    (void)state;
    expect_key("a\\b", 3, "a\\\\b");
    expect_key("\\x00", 4, "\\\\x00");
}

static void test_size_is_the_worst_case_with_the_nul(void **state)
{
    (void)state;
    assert_int_equal(escape_key_size(0), 1);
    assert_int_equal(escape_key_size(10), 41);
    assert_int_equal(escape_key_size(SIZE_MAX), SIZE_MAX);
}

static void test_exact_fit_is_not_cut(void **state)
{
    char out[4];

    (void)state;
    assert_int_equal(escape_key("abc", 3, out, sizeof(out)), 3);
    assert_string_equal(out, "abc");
}

static void test_too_small_output_is_cut_with_an_ellipsis(void **state)
{
    char out[10];

    (void)state;
    assert_int_equal(escape_key("abcdefghijklmnop", 16, out, sizeof(out)), 9);
    assert_string_equal(out, "abcdef...");
}

static void test_cut_never_splits_an_escape(void **state)
{
    char out[12];
    char many[64];

    (void)state;
    /* Room for 11: two \x01 (8 bytes) and the dots fit, a third does not. */
    assert_int_equal(escape_key("\1\1\1\1\1", 5, out, sizeof(out)), 11);
    assert_string_equal(out, "\\x01\\x01...");

    /* Every output size gives a prefix of whole escapes plus "...". */
    for (size_t size = 4; size < 40; size++) {
        size_t n = escape_key("\1a\\\1b\\\xff", 7, many, size);
        unsigned char raw[16];

        assert_true(n < size);
        if (n >= 3 && strcmp(many + n - 3, "...") == 0)
            many[n - 3] = '\0';
        assert_true(unescape(many, raw, sizeof(raw)) >= 0);
    }
}

static void test_tiny_outputs_hold_what_fits(void **state)
{
    char out[3] = "zz";

    (void)state;
    assert_int_equal(escape_key("abcdef", 6, out, 0), 0);
    assert_string_equal(out, "zz"); /* untouched */
    assert_int_equal(escape_key("abcdef", 6, out, 1), 0);
    assert_string_equal(out, "");
    assert_int_equal(escape_key("abcdef", 6, out, 2), 1);
    assert_string_equal(out, ".");
    assert_int_equal(escape_key("ab", 2, out, 3), 2);
    assert_string_equal(out, "ab");
}

static void test_a_64_kib_key_of_every_byte_round_trips(void **state)
{
    const size_t len = 64 * 1024;
    unsigned char *key = malloc(len);
    unsigned char *back = malloc(len);
    char *esc;
    size_t want = 0;

    (void)state;
    assert_non_null(key);
    assert_non_null(back);
    for (size_t i = 0; i < len; i++) {
        key[i] = (unsigned char)(i * 7 + i / 256);
        want += key[i] == '\\' ? 2 : key[i] >= 0x20 && key[i] <= 0x7e ? 1 : 4;
    }

    esc = escape_key_dup((const char *)key, len);
    assert_non_null(esc);
    assert_int_equal(strlen(esc), want);
    assert_int_equal(unescape(esc, back, len), (long)len);
    assert_memory_equal(key, back, len);

    free(esc);
    free(back);
    free(key);
}

static void expect_text(const char *text, const char *want)
{
    char *got = escape_text_dup(text);
    char *again;
    json_t *j;

    assert_non_null(got);
    if (strcmp(got, want) != 0)
        print_error("escape_text: expected \"%s\", got \"%s\"\n", want, got);
    assert_string_equal(got, want);

    /* Valid UTF-8 for jansson, and escaping again changes nothing. */
    j = json_string(got);
    assert_non_null(j);
    json_decref(j);
    again = escape_text_dup(got);
    assert_non_null(again);
    assert_string_equal(again, got);
    free(again);
    free(got);
}

static void test_text_keeps_utf8_and_escapes_the_rest(void **state)
{
    (void)state;
    expect_text("ERR wrong \\ type", "ERR wrong \\ type");
    expect_text("caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80",
                "caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80");
    expect_text("a\nb\x1b[31m", "a\\x0ab\\x1b[31m");
    expect_text("\xff\x80", "\\xff\\x80");
    expect_text("\xc0\xaf", "\\xc0\\xaf");                   /* overlong '/' */
    expect_text("\xed\xa0\x80", "\\xed\\xa0\\x80");          /* a surrogate */
    expect_text("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"); /* > U+10FFFF */
    expect_text("\xc2\x9b", "\\xc2\\x9b");                   /* C1 CSI */
    expect_text("end\xe6\x97", "end\\xe6\\x97");             /* cut sequence */
    expect_text(NULL, "");
}

static void test_text_cut_keeps_sequences_whole(void **state)
{
    char out[8];

    (void)state;
    /* "ab" + 3-byte char = 5 bytes; room for 7 with dots: whole or none. */
    assert_int_equal(escape_text("ab\xe6\x97\xa5\xe6\x97\xa5", out, 8), 5);
    assert_string_equal(out, "ab...");
    assert_int_equal(escape_text("ab\xe6\x97\xa5", out, 8), 5);
    assert_string_equal(out, "ab\xe6\x97\xa5");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_printable_ascii_is_kept_as_is),
        cmocka_unit_test(test_nul_cr_lf_and_high_bytes_become_hex),
        cmocka_unit_test(test_backslash_is_doubled),
        cmocka_unit_test(test_size_is_the_worst_case_with_the_nul),
        cmocka_unit_test(test_exact_fit_is_not_cut),
        cmocka_unit_test(test_too_small_output_is_cut_with_an_ellipsis),
        cmocka_unit_test(test_cut_never_splits_an_escape),
        cmocka_unit_test(test_tiny_outputs_hold_what_fits),
        cmocka_unit_test(test_a_64_kib_key_of_every_byte_round_trips),
        cmocka_unit_test(test_text_keeps_utf8_and_escapes_the_rest),
        cmocka_unit_test(test_text_cut_keeps_sequences_whole),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
