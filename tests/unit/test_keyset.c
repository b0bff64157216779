/*
 * Unit tests of core/keyset.c: adding and finding keys, duplicates, binary
 * keys, growth through many resizes (a million keys, all found, and a
 * million others, none found), clearing, and the `max` limit.
 * Single-threaded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/keyset.h"

#define MANY 1000000u

/* The set under test lives here, so a failing test (cmocka jumps out of
 * it) still frees it in teardown and the sanitizers stay quiet. */
static struct keyset g_set;

static int teardown(void **state)
{
    (void)state;
    keyset_free(&g_set);
    return 0;
}

/* Adds a key and checks the status and the `added` answer. */
static void expect_add(struct keyset *s, const void *k, size_t len,
                       status want_rc, bool want_added, const char *what)
{
    bool added = !want_added;
    size_t before = s->n;
    status rc = keyset_add(s, k, len, &added);

    if (rc != want_rc || (rc == ST_OK && added != want_added))
        print_error(
            "keyset_add(%s) with %zu keys of max %zu: expected "
            "\"%s\"%s, got \"%s\"%s\n",
            what, before, s->max, status_str(want_rc),
            want_rc == ST_OK ? (want_added ? ", added" : ", known") : "",
            status_str(rc), rc == ST_OK ? (added ? ", added" : ", known") : "");
    assert_int_equal(rc, want_rc);
    if (rc == ST_OK)
        assert_int_equal(added, want_added);
}

static int key_of(char *buf, size_t len, const char *prefix, unsigned i)
{
    return snprintf(buf, len, "%s:%u", prefix, i);
}

static void test_an_added_key_is_found_and_others_are_not(void **state)
{
    struct keyset *s = &g_set;

    (void)state;
    keyset_init(s, 1000);
    assert_false(keyset_has(s, "a", 1)); /* empty, nothing allocated */
    expect_add(s, "user:1", 6, ST_OK, true, "user:1");
    expect_add(s, "user:2", 6, ST_OK, true, "user:2");
    assert_true(keyset_has(s, "user:1", 6));
    assert_true(keyset_has(s, "user:2", 6));
    assert_false(keyset_has(s, "user:3", 6));
    assert_false(keyset_has(s, "user:", 5));
    assert_int_equal(s->n, 2);
    keyset_free(s);
}

static void test_a_duplicate_is_reported_as_not_added(void **state)
{
    struct keyset *s = &g_set;

    (void)state;
    keyset_init(s, 1000);
    expect_add(s, "k", 1, ST_OK, true, "k the first time");
    expect_add(s, "k", 1, ST_OK, false, "k the second time");
    expect_add(s, "k", 1, ST_OK, false, "k the third time");
    assert_int_equal(s->n, 1);
    keyset_free(s);
}

static void test_binary_keys_differ_by_every_byte_and_length(void **state)
{
    struct keyset *s = &g_set;
    static char big[65536];

    (void)state;
    memset(big, 0, sizeof(big));
    keyset_init(s, 1000);
    expect_add(s, "a\0b", 3, ST_OK, true, "a\\0b");
    expect_add(s, "a\0c", 3, ST_OK, true, "a\\0c");
    expect_add(s, "a", 1, ST_OK, true, "a");
    expect_add(s, "a\0", 2, ST_OK, true, "a\\0");
    expect_add(s, "", 0, ST_OK, true, "the empty key");
    expect_add(s, "\0", 1, ST_OK, true, "\\0");
    expect_add(s, "\r\n", 2, ST_OK, true, "\\r\\n");
    expect_add(s, "\xff\xfe", 2, ST_OK, true, "\\xff\\xfe");
    expect_add(s, big, sizeof(big), ST_OK, true, "64 KiB of NUL");
    big[sizeof(big) - 1] = 1;
    expect_add(s, big, sizeof(big), ST_OK, true, "64 KiB ending in 1");

    expect_add(s, "", 0, ST_OK, false, "the empty key again");
    expect_add(s, "a\0b", 3, ST_OK, false, "a\\0b again");
    assert_true(keyset_has(s, "\xff\xfe", 2));
    assert_false(keyset_has(s, "\xff", 1));
    assert_false(keyset_has(s, "\0\0", 2));
    assert_false(keyset_has(s, big, sizeof(big) - 1));
    assert_int_equal(s->n, 10);
    keyset_free(s);
}

static void test_a_million_keys_survive_every_resize(void **state)
{
    struct keyset *s = &g_set;
    char k[32];
    unsigned missing = 0, false_hits = 0, dups = 0;

    (void)state;
    keyset_init(s, MANY);
    for (unsigned i = 0; i < MANY; i++) {
        bool added = false;
        int n = key_of(k, sizeof(k), "key", i);
        status rc = keyset_add(s, k, (size_t)n, &added);
        if (rc != ST_OK)
            print_error("keyset_add(%s) failed with \"%s\" at n=%zu\n", k,
                        status_str(rc), s->n);
        assert_int_equal(rc, ST_OK);
        dups += !added;
    }
    assert_int_equal(dups, 0);
    assert_int_equal(s->n, MANY);
    assert_true(s->cap >= 2 * MANY); /* 1024 doubled eleven times */

    for (unsigned i = 0; i < MANY; i++) {
        int n = key_of(k, sizeof(k), "key", i);
        if (!keyset_has(s, k, (size_t)n) && missing++ < 5)
            print_error("key %s was added but is not found\n", k);
    }
    for (unsigned i = 0; i < MANY; i++) {
        int n = key_of(k, sizeof(k), "other", i);
        if (keyset_has(s, k, (size_t)n) && false_hits++ < 5)
            print_error("key %s was never added but is found\n", k);
    }
    /* Re-adding every key changes nothing. */
    for (unsigned i = 0; i < MANY; i += 997) {
        int n = key_of(k, sizeof(k), "key", i);
        expect_add(s, k, (size_t)n, ST_OK, false, k);
    }
    assert_int_equal(missing, 0);
    assert_int_equal(false_hits, 0);
    assert_int_equal(s->n, MANY);
    keyset_free(s);
    assert_null(s->slots);
}

static void test_clear_forgets_every_key_and_keeps_working(void **state)
{
    struct keyset *s = &g_set;
    char k[32];

    (void)state;
    keyset_init(s, 100000);
    keyset_clear(s); /* clearing an empty set is fine */
    for (unsigned i = 0; i < 5000; i++) {
        int n = key_of(k, sizeof(k), "key", i);
        expect_add(s, k, (size_t)n, ST_OK, true, k);
    }
    keyset_clear(s);
    assert_int_equal(s->n, 0);
    for (unsigned i = 0; i < 5000; i++) {
        int n = key_of(k, sizeof(k), "key", i);
        if (keyset_has(s, k, (size_t)n))
            print_error("key %s is still found after keyset_clear\n", k);
        assert_false(keyset_has(s, k, (size_t)n));
    }
    for (unsigned i = 0; i < 5000; i += 3) {
        int n = key_of(k, sizeof(k), "key", i);
        expect_add(s, k, (size_t)n, ST_OK, true, k);
        expect_add(s, k, (size_t)n, ST_OK, false, k);
    }
    assert_int_equal(s->n, 1667);
    keyset_free(s);
}

/* Adds keys 0..max-1 (all must go in), then key max (must be refused). */
static void expect_limit(size_t max)
{
    struct keyset *s = &g_set;
    char k[32], what[64];

    keyset_init(s, max);
    for (unsigned i = 0; i < max; i++) {
        int n = key_of(k, sizeof(k), "key", i);
        expect_add(s, k, (size_t)n, ST_OK, true, k);
    }
    int n = key_of(k, sizeof(k), "key", (unsigned)max);
    snprintf(what, sizeof(what), "%s, one past max %zu", k, max);
    expect_add(s, k, (size_t)n, ST_NOMEM, false, what);
    assert_int_equal(s->n, max);
    assert_false(keyset_has(s, k, (size_t)n));
    keyset_free(s);
}

static void test_the_key_past_max_is_refused_with_nomem(void **state)
{
    (void)state;
    expect_limit(512);  /* max at a resize point */
    expect_limit(2048); /* and at the next ones */
    expect_limit(1);    /* and between them */
    expect_limit(10);
    expect_limit(600);
    expect_limit(1000);
}

static void test_a_full_set_still_knows_its_keys(void **state)
{
    struct keyset *s = &g_set;
    char k[32];

    (void)state;
    keyset_init(s, 512);
    for (unsigned i = 0; i < 512; i++) {
        int n = key_of(k, sizeof(k), "key", i);
        expect_add(s, k, (size_t)n, ST_OK, true, k);
    }
    /* A duplicate adds nothing, so it does not pass max. */
    int n = key_of(k, sizeof(k), "key", 7);
    expect_add(s, k, (size_t)n, ST_OK, false, "key:7 again, set full");
    assert_true(keyset_has(s, k, (size_t)n));
    keyset_free(s);
}

static void test_a_zero_max_refuses_the_first_key(void **state)
{
    struct keyset *s = &g_set;

    (void)state;
    keyset_init(s, 0);
    expect_add(s, "a", 1, ST_NOMEM, false, "a, max 0");
    assert_false(keyset_has(s, "a", 1));
    keyset_clear(s);
    keyset_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_an_added_key_is_found_and_others_are_not,
                                  teardown),
        cmocka_unit_test_teardown(test_a_duplicate_is_reported_as_not_added,
                                  teardown),
        cmocka_unit_test_teardown(
            test_binary_keys_differ_by_every_byte_and_length, teardown),
        cmocka_unit_test_teardown(test_a_million_keys_survive_every_resize,
                                  teardown),
        cmocka_unit_test_teardown(
            test_clear_forgets_every_key_and_keeps_working, teardown),
        cmocka_unit_test_teardown(test_the_key_past_max_is_refused_with_nomem,
                                  teardown),
        cmocka_unit_test_teardown(test_a_full_set_still_knows_its_keys,
                                  teardown),
        cmocka_unit_test_teardown(test_a_zero_max_refuses_the_first_key,
                                  teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
