/*
 * Unit tests of tmpkey_name() (core/structcopy.c): the names of the
 * temporary keys type-command copies build values in. Each must hash to
 * the slot of the key it stands in for, carry the recognisable prefix and
 * stay within TMPKEY_MAX, from any thread. No server.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/cluster.h"
#include "core/structcopy.h"

#define THREADS 4

/* Checks one name for `slot`; returns its length. */
static size_t expect_name(uint16_t slot, const char *token, uint64_t seq)
{
    char name[TMPKEY_MAX + 16];
    size_t n;

    memset(name, 'X', sizeof(name));
    n = tmpkey_name(name, slot, token, seq);
    if (n != strlen(name) || n >= TMPKEY_MAX || cluster_slot(name, n) != slot ||
        strncmp(name, TMPKEY_PREFIX, strlen(TMPKEY_PREFIX)) != 0)
        print_error("slot %u, token \"%s\", seq %llu: got \"%s\" (%zu bytes, "
                    "slot %u); expected a name under %d bytes starting "
                    "with %s in slot %u\n",
                    slot, token, (unsigned long long)seq, name, n,
                    cluster_slot(name, n), TMPKEY_MAX, TMPKEY_PREFIX, slot);
    assert_int_equal(n, strlen(name));
    assert_true(n < TMPKEY_MAX);
    assert_int_equal(cluster_slot(name, n), slot);
    assert_memory_equal(name, TMPKEY_PREFIX, strlen(TMPKEY_PREFIX));
    return n;
}

static void test_every_slot_has_a_name_in_that_slot(void **state)
{
    (void)state;
    for (unsigned slot = 0; slot < CLUSTER_SLOTS; slot++)
        expect_name((uint16_t)slot, "run-1a2b3c-0", slot * 7919ull);
}

static void test_tags_are_short(void **state)
{
    char name[TMPKEY_MAX];
    size_t longest = 0;

    (void)state;
    for (unsigned slot = 0; slot < CLUSTER_SLOTS; slot++) {
        tmpkey_name(name, (uint16_t)slot, "t", 1);
        const char *open = strchr(name, '{'), *close = strchr(name, '}');
        assert_non_null(open);
        assert_non_null(close);
        if ((size_t)(close - open - 1) > longest)
            longest = (size_t)(close - open - 1);
    }
    /* 62^3 strings cover the 16,384 slots. */
    assert_true(longest <= 3);
}

static void test_name_has_token_and_sequence(void **state)
{
    char name[TMPKEY_MAX];

    (void)state;
    tmpkey_name(name, 0, "tok", 42);
    assert_non_null(strstr(name, "}:tok:42"));
    size_t n = strlen(name);
    assert_string_equal(name + n - 3, ":42");
}

static void test_sequence_numbers_give_different_names(void **state)
{
    char a[TMPKEY_MAX], b[TMPKEY_MAX];

    (void)state;
    tmpkey_name(a, 1234, "tok", 1);
    tmpkey_name(b, 1234, "tok", 2);
    assert_string_not_equal(a, b);
}

static void test_long_token_is_cut_to_fit(void **state)
{
    char token[400];

    (void)state;
    memset(token, 'a', sizeof(token) - 1);
    token[sizeof(token) - 1] = '\0';
    for (unsigned slot = 0; slot < CLUSTER_SLOTS; slot += 97) {
        size_t n = expect_name((uint16_t)slot, token, UINT64_MAX);
        assert_true(n <= TMPKEY_MAX - 1);
    }
    char name[TMPKEY_MAX];
    tmpkey_name(name, 5, token, UINT64_MAX);
    assert_non_null(strstr(name, ":18446744073709551615"));
}

static void test_empty_and_null_tokens(void **state)
{
    (void)state;
    expect_name(16383, "", 0);
    expect_name(0, NULL, 0);
}

/* A token with braces does not move the slot: the first {...} decides. */
static void test_braces_in_token_keep_the_slot(void **state)
{
    (void)state;
    for (unsigned slot = 0; slot < CLUSTER_SLOTS; slot += 1013)
        expect_name((uint16_t)slot, "{other}", 9);
}

static void *name_all(void *arg)
{
    char name[TMPKEY_MAX];
    long bad = 0;

    (void)arg;
    for (unsigned slot = 0; slot < CLUSTER_SLOTS; slot++) {
        size_t n = tmpkey_name(name, (uint16_t)slot, "thread", slot);
        bad += cluster_slot(name, n) != slot;
    }
    return (void *)bad;
}

/* The slot table is built once, whichever thread asks first. */
static void test_threads_naming_at_once_agree(void **state)
{
    pthread_t t[THREADS];

    (void)state;
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, name_all, NULL), 0);
    for (int i = 0; i < THREADS; i++) {
        void *bad;
        assert_int_equal(pthread_join(t[i], &bad), 0);
        assert_int_equal((long)bad, 0);
    }
}

int main(void)
{
    /* First, so that the table is built by racing threads. */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads_naming_at_once_agree),
        cmocka_unit_test(test_every_slot_has_a_name_in_that_slot),
        cmocka_unit_test(test_tags_are_short),
        cmocka_unit_test(test_name_has_token_and_sequence),
        cmocka_unit_test(test_sequence_numbers_give_different_names),
        cmocka_unit_test(test_long_token_is_cut_to_fit),
        cmocka_unit_test(test_empty_and_null_tokens),
        cmocka_unit_test(test_braces_in_token_keep_the_slot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
