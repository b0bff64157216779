/*
 * Unit tests of digest_payload() (core/digest.c) on DUMP payloads recorded
 * from real redis-server 7.0 processes (data/digest/record.py): the same
 * set or hash dumped by two servers in two orders digests alike; one
 * element changed, or long members stored uncompressed, digests otherwise;
 * a listpack, a cut payload and stray bytes are refused. No server.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/digest.h"
#include "data/digest/payloads.h"

#define PAYLOAD(name) name, sizeof(name) - 1
#define TAIL          10

static struct digest digest_of(const char *p, size_t len)
{
    struct digest d;
    assert_true(digest_payload(p, len, &d));
    return d;
}

/* Both recordings hold one value in two layouts: bodies differ, digests
 * do not. */
static void expect_same_value(const char *a, size_t alen, const char *b,
                              size_t blen, uint64_t elements)
{
    struct digest da = digest_of(a, alen), db = digest_of(b, blen);

    assert_int_equal(alen, blen);
    assert_true(memcmp(a, b, alen - TAIL) != 0);
    assert_int_equal(da.elements, elements);
    assert_true(digest_equal(&da, &db));
}

static void expect_other_value(const char *a, size_t alen, const char *b,
                               size_t blen)
{
    struct digest da = digest_of(a, alen), db = digest_of(b, blen);
    assert_false(digest_equal(&da, &db));
}

static void test_one_set_in_two_orders_digests_alike(void **state)
{
    (void)state;
    expect_same_value(PAYLOAD(set_one), PAYLOAD(set_two), 60);
}

static void test_one_hash_in_two_orders_digests_alike(void **state)
{
    (void)state;
    expect_same_value(PAYLOAD(hash_one), PAYLOAD(hash_two), 520);
}

static void test_one_element_changed_digests_otherwise(void **state)
{
    (void)state;
    expect_other_value(PAYLOAD(set_one), PAYLOAD(set_other));
    expect_other_value(PAYLOAD(hash_one), PAYLOAD(hash_other));
}

/* rdbcompression no: the same members encoded without LZF. The digest
 * cannot tell, and says "not the same" (the caller then compares). */
static void test_uncompressed_members_digest_otherwise(void **state)
{
    (void)state;
    expect_other_value(PAYLOAD(set_one), PAYLOAD(set_plain));
    assert_true(sizeof(set_plain) > sizeof(set_one));
}

static void test_a_listpack_is_not_digested(void **state)
{
    struct digest d;
    (void)state;
    assert_false(digest_payload(PAYLOAD(hash_small), &d));
}

/* Every cut of a payload short of its end is refused, never read past. */
static void test_cut_payloads_are_refused(void **state)
{
    const size_t len = sizeof(set_one) - 1;
    struct digest d;
    (void)state;

    for (size_t cut = 0; cut < len; cut++) {
        /* A copy of exactly `cut` bytes, so a read past it shows in ASan. */
        char *p = malloc(cut ? cut : 1);
        assert_non_null(p);
        memcpy(p, set_one, cut);
        assert_false(digest_payload(p, cut, &d));
        free(p);
    }
}

static void test_stray_bytes_before_the_tail_are_refused(void **state)
{
    const size_t len = sizeof(hash_one) - 1;
    char *p = malloc(len + 1);
    struct digest d;
    (void)state;

    assert_non_null(p);
    memcpy(p, hash_one, len - TAIL);
    p[len - TAIL] = 'x';
    memcpy(p + len - TAIL + 1, hash_one + len - TAIL, TAIL);
    assert_false(digest_payload(p, len + 1, &d));
    free(p);
}

/* A count larger than the bytes that follow is refused before any loop. */
static void test_a_huge_count_is_refused(void **state)
{
    const char p[] = "\x02\x81\x7f\xff\xff\xff\xff\xff\xff\xff"
                     "\x01\x61"
                     "\x0a\x00\x00\x00\x00\x00\x00\x00\x00\x00";
    struct digest d;
    (void)state;
    assert_false(digest_payload(p, sizeof(p) - 1, &d));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_set_in_two_orders_digests_alike),
        cmocka_unit_test(test_one_hash_in_two_orders_digests_alike),
        cmocka_unit_test(test_one_element_changed_digests_otherwise),
        cmocka_unit_test(test_uncompressed_members_digest_otherwise),
        cmocka_unit_test(test_a_listpack_is_not_digested),
        cmocka_unit_test(test_cut_payloads_are_refused),
        cmocka_unit_test(test_stray_bytes_before_the_tail_are_refused),
        cmocka_unit_test(test_a_huge_count_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
