/*
 * Unit tests of io/resp.c: the exact bytes of RESP commands, the numbers
 * resp_arg_ll writes, resp_bulk_size against what is really written, the
 * `max` limit (a refused append leaves the buffer as it was) and consume.
 * Single-threaded.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "io/resp.h"

#define BIG_MAX (64u << 20)

/* Prints `n` bytes with C escapes, for failure messages. */
static void show(const char *what, const char *p, size_t n)
{
    fprintf(stderr, "    %s (%zu bytes): \"", what, n);
    for (size_t i = 0; i < n && i < 200; i++) {
        unsigned char ch = (unsigned char)p[i];
        if (ch == '\r')
            fputs("\\r", stderr);
        else if (ch == '\n')
            fputs("\\n", stderr);
        else if (ch == '\\' || ch == '"')
            fprintf(stderr, "\\%c", ch);
        else if (ch < 0x20 || ch > 0x7e)
            fprintf(stderr, "\\x%02x", ch);
        else
            fputc(ch, stderr);
    }
    fputs(n > 200 ? "...\"\n" : "\"\n", stderr);
}

/* Checks that the buffer holds exactly the `n` bytes at `want`. */
static void expect_bytes(const char *step, const struct resp_buf *b,
                         const char *want, size_t n)
{
    if (b->len != n || (n && memcmp(b->data, want, n) != 0)) {
        print_error("%s: the buffer differs\n", step);
        show("expected", want, n);
        show("actual", b->data ? b->data : "", b->len);
    }
    assert_int_equal(b->len, n);
    assert_memory_equal(b->data, want, n);
}

#define EXPECT(step, b, lit) expect_bytes(step, b, lit, sizeof(lit) - 1)

/* What a test allocates lives here, so a failing test (cmocka jumps out of
 * it) still frees everything in teardown and the sanitizers stay quiet. */
static struct resp_buf g_buf, g_num;
static void *g_mem[2];

static void *keep(void *p)
{
    for (size_t i = 0; i < 2; i++)
        if (!g_mem[i])
            return g_mem[i] = p;
    return p;
}

static int teardown(void **state)
{
    (void)state;
    resp_buf_free(&g_buf);
    resp_buf_free(&g_num);
    for (size_t i = 0; i < 2; i++) {
        free(g_mem[i]);
        g_mem[i] = NULL;
    }
    return 0;
}

static void test_a_plain_command_is_an_array_of_bulk_strings(void **state)
{
    struct resp_buf *b = &g_buf;
    const char *argv[] = {"SET", "k", "hello"};

    (void)state;
    resp_buf_init(b, BIG_MAX);
    assert_int_equal(resp_command(b, 3, argv, NULL), ST_OK);
    EXPECT("SET k hello", b, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n");
    resp_buf_free(b);
}

static void test_binary_arguments_are_sent_verbatim(void **state)
{
    struct resp_buf *b = &g_buf;
    const char *argv[] = {"SET", "a\0b\r\nc", "\r\n", "\xff\x00"};
    const size_t lens[] = {3, 6, 2, 2};

    (void)state;
    resp_buf_init(b, BIG_MAX);
    assert_int_equal(resp_command(b, 4, argv, lens), ST_OK);
    EXPECT("SET with NUL and CRLF inside arguments", b,
           "*4\r\n$3\r\nSET\r\n$6\r\na\0b\r\nc\r\n$2\r\n\r\n\r\n"
           "$2\r\n\xff\x00\r\n");
    resp_buf_free(b);
}

static void test_an_empty_argument_is_a_zero_length_bulk(void **state)
{
    struct resp_buf *b = &g_buf;
    const char *argv[] = {"GET", ""};
    const size_t lens[] = {3, 0};

    (void)state;
    resp_buf_init(b, BIG_MAX);
    assert_int_equal(resp_command(b, 2, argv, lens), ST_OK);
    EXPECT("GET of the empty key", b, "*2\r\n$3\r\nGET\r\n$0\r\n\r\n");

    /* The incremental form gives the same bytes, even with p NULL. */
    b->len = 0;
    assert_int_equal(resp_begin(b, 2), ST_OK);
    assert_int_equal(resp_arg_str(b, "GET"), ST_OK);
    assert_int_equal(resp_arg(b, NULL, 0), ST_OK);
    EXPECT("resp_begin + resp_arg(NULL, 0)", b,
           "*2\r\n$3\r\nGET\r\n$0\r\n\r\n");

    /* A command of no arguments at all. */
    b->len = 0;
    assert_int_equal(resp_command(b, 0, NULL, NULL), ST_OK);
    EXPECT("a command of no arguments", b, "*0\r\n");
    resp_buf_free(b);
}

static void expect_ll(long long v, const char *digits)
{
    struct resp_buf *b = &g_num;
    char want[64];
    int n =
        snprintf(want, sizeof(want), "$%zu\r\n%s\r\n", strlen(digits), digits);
    char step[64];

    snprintf(step, sizeof(step), "resp_arg_ll(%lld)", v);
    resp_buf_init(b, BIG_MAX);
    assert_int_equal(resp_arg_ll(b, v), ST_OK);
    expect_bytes(step, b, want, (size_t)n);
    resp_buf_free(b);
}

static void test_numbers_are_written_in_decimal_at_both_extremes(void **state)
{
    (void)state;
    expect_ll(0, "0");
    expect_ll(-1, "-1");
    expect_ll(1, "1");
    expect_ll(9, "9");
    expect_ll(10, "10");
    expect_ll(-10, "-10");
    expect_ll(1700000000123LL, "1700000000123");
    expect_ll(LLONG_MAX, "9223372036854775807");
    expect_ll(LLONG_MIN, "-9223372036854775808");
    expect_ll(LLONG_MIN + 1, "-9223372036854775807");
}

static void test_numbers_match_printf_for_every_power_of_ten(void **state)
{
    (void)state;
    for (long long p = 1; p > 0 && p <= LLONG_MAX / 10; p *= 10) {
        long long vals[] = {p - 1, p, p + 1, -(p - 1), -p, -(p + 1)};
        for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
            char digits[32];
            snprintf(digits, sizeof(digits), "%lld", vals[i]);
            expect_ll(vals[i], digits);
        }
    }
}

static void test_bulk_size_is_what_an_argument_takes(void **state)
{
    static char payload[100001];
    const size_t sizes[] = {0, 1, 9, 10, 11, 99, 100, 999, 1000, 4096, 100000};
    struct resp_buf *b = &g_buf;

    (void)state;
    memset(payload, 'x', sizeof(payload));
    resp_buf_init(b, BIG_MAX);
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        size_t before = b->len;
        assert_int_equal(resp_arg(b, payload, sizes[i]), ST_OK);
        if (b->len - before != resp_bulk_size(sizes[i]))
            print_error("argument of %zu bytes: resp_bulk_size says %zu, "
                        "%zu were written\n",
                        sizes[i], resp_bulk_size(sizes[i]), b->len - before);
        assert_int_equal(b->len - before, resp_bulk_size(sizes[i]));
    }
    assert_int_equal(resp_bulk_size(0), 6); /* $0\r\n\r\n */
    assert_int_equal(resp_bulk_size(10), 1 + 2 + 2 + 10 + 2);
    assert_int_equal(resp_bulk_size(SIZE_MAX - 100), SIZE_MAX - 100 + 25);
    resp_buf_free(b);
}

/* Fills a buffer with `n` bytes of a recognisable pattern. */
static void fill(struct resp_buf *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char ch = (char)('a' + i % 26);
        assert_int_equal(resp_arg(b, &ch, 1), ST_OK);
    }
}

static void test_an_append_past_max_is_refused_and_changes_nothing(void **s)
{
    struct resp_buf *b = &g_buf;
    static char big[300];
    char *copy;
    size_t len;

    (void)s;
    memset(big, 'B', sizeof(big));
    resp_buf_init(b, 256);
    fill(b, 10); /* 10 * 7 = 70 bytes */
    len = b->len;
    copy = keep(malloc(len));
    assert_non_null(copy);
    memcpy(copy, b->data, len);

    /* 70 + (1 + 3 + 2 + 200 + 2) > 256 */
    assert_int_equal(resp_arg(b, big, 200), ST_NOMEM);
    expect_bytes("after a refused resp_arg", b, copy, len);
    assert_true(b->cap <= b->max);

    assert_int_equal(resp_buf_reserve(b, 256 - len + 1), ST_NOMEM);
    assert_int_equal(resp_buf_reserve(b, 256 - len), ST_OK);
    expect_bytes("after reserving up to max", b, copy, len);
    assert_true(b->cap <= 256);

    /* A bulk that lands exactly on max still fits. */
    size_t room = 256 - len; /* 186 = 1 + 3 + 2 + 178 + 2 */
    assert_int_equal(resp_bulk_size(178), room);
    assert_int_equal(resp_arg(b, big, 178), ST_OK);
    assert_int_equal(b->len, 256);
    assert_int_equal(resp_arg(b, big, 0), ST_NOMEM);
    assert_int_equal(b->len, 256);
    resp_buf_free(b);
}

static void test_a_refused_command_is_rolled_back_whole(void **state)
{
    struct resp_buf *b = &g_buf;
    static char big[480];
    const char *argv[] = {"SET", "key", big};
    size_t lens[] = {3, 3, sizeof(big)};
    char *copy;
    size_t len;

    (void)state;
    resp_buf_init(b, 512);
    fill(b, 5);
    len = b->len;
    copy = keep(malloc(len));
    assert_non_null(copy);
    memcpy(copy, b->data, len);

    /* The header and the first two arguments fit; the third does not. */
    assert_int_equal(resp_command(b, 3, argv, lens), ST_NOMEM);
    expect_bytes("after a refused resp_command", b, copy, len);

    /* The same command with a smaller value then goes in as usual. */
    lens[2] = 3;
    memcpy(big, "val", 3);
    assert_int_equal(resp_command(b, 3, argv, lens), ST_OK);
    assert_int_equal(b->len, len + 31);
    assert_memory_equal(b->data + len,
                        "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$3\r\nval\r\n", 31);
    resp_buf_free(b);
}

/* The contract says an append is refused only when it would pass `max`. */
static void test_a_command_that_ends_exactly_at_max_is_accepted(void **state)
{
    struct resp_buf *b = &g_buf;
    const char *argv[] = {"PING"};
    const char want[] = "*1\r\n$4\r\nPING\r\n";

    (void)state;
    resp_buf_init(b, sizeof(want) - 1);
    status rc = resp_command(b, 1, argv, NULL);
    if (rc != ST_OK)
        print_error("PING (%zu bytes) into a buffer of max %zu: expected "
                    "ok, got \"%s\"\n",
                    sizeof(want) - 1, sizeof(want) - 1, status_str(rc));
    assert_int_equal(rc, ST_OK);
    EXPECT("PING at exactly max", b, "*1\r\n$4\r\nPING\r\n");
    resp_buf_free(b);
}

static void test_a_reservation_that_overflows_size_t_is_refused(void **state)
{
    struct resp_buf *b = &g_buf;

    (void)state;
    resp_buf_init(b, 4096);
    fill(b, 2);
    status rc = resp_buf_reserve(b, SIZE_MAX);
    if (rc != ST_NOMEM)
        print_error("resp_buf_reserve(SIZE_MAX) with len %zu, max %zu: "
                    "expected \"%s\", got \"%s\"\n",
                    b->len, b->max, status_str(ST_NOMEM), status_str(rc));
    assert_int_equal(rc, ST_NOMEM);
    resp_buf_free(b);
}

static void test_a_zero_max_refuses_everything(void **state)
{
    struct resp_buf *b = &g_buf;
    const char *argv[] = {"PING"};

    (void)state;
    resp_buf_init(b, 0);
    assert_int_equal(resp_command(b, 1, argv, NULL), ST_NOMEM);
    assert_int_equal(resp_arg_ll(b, 5), ST_NOMEM);
    assert_int_equal(b->len, 0);
    assert_null(b->data);
    resp_buf_free(b);
}

static void test_consume_drops_the_front_and_keeps_the_rest(void **state)
{
    struct resp_buf *b = &g_buf;
    const char *a[] = {"PING"};
    const char *e[] = {"ECHO", "x"};

    (void)state;
    resp_buf_init(b, BIG_MAX);
    assert_int_equal(resp_command(b, 1, a, NULL), ST_OK);
    assert_int_equal(resp_command(b, 2, e, NULL), ST_OK);

    resp_buf_consume(b, 14); /* the PING */
    EXPECT("after consuming the PING", b, "*2\r\n$4\r\nECHO\r\n$1\r\nx\r\n");
    resp_buf_consume(b, 0);
    EXPECT("after consuming nothing", b, "*2\r\n$4\r\nECHO\r\n$1\r\nx\r\n");
    resp_buf_consume(b, 4);
    EXPECT("after consuming 4 bytes", b, "$4\r\nECHO\r\n$1\r\nx\r\n");

    /* Consuming more than is there empties the buffer, which stays usable. */
    resp_buf_consume(b, 1000);
    assert_int_equal(b->len, 0);
    assert_int_equal(resp_command(b, 1, a, NULL), ST_OK);
    EXPECT("a command after emptying", b, "*1\r\n$4\r\nPING\r\n");
    resp_buf_free(b);
    assert_null(b->data);
    assert_int_equal(b->len, 0);
}

static void test_a_large_argument_grows_the_buffer_intact(void **state)
{
    const size_t n = 3u << 20;
    char *val = keep(malloc(n));
    struct resp_buf *b = &g_buf;
    char head[32];
    int h;

    (void)state;
    assert_non_null(val);
    for (size_t i = 0; i < n; i++)
        val[i] = (char)(i * 31 + 7);
    resp_buf_init(b, BIG_MAX);
    assert_int_equal(resp_begin(b, 1), ST_OK);
    assert_int_equal(resp_arg(b, val, n), ST_OK);

    h = snprintf(head, sizeof(head), "*1\r\n$%zu\r\n", n);
    assert_int_equal(b->len, 4 + resp_bulk_size(n));
    assert_memory_equal(b->data, head, (size_t)h);
    assert_memory_equal(b->data + h, val, n);
    assert_memory_equal(b->data + h + n, "\r\n", 2);
    assert_true(b->cap <= b->max);
    resp_buf_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(
            test_a_plain_command_is_an_array_of_bulk_strings, teardown),
        cmocka_unit_test_teardown(test_binary_arguments_are_sent_verbatim,
                                  teardown),
        cmocka_unit_test_teardown(test_an_empty_argument_is_a_zero_length_bulk,
                                  teardown),
        cmocka_unit_test_teardown(
            test_numbers_are_written_in_decimal_at_both_extremes, teardown),
        cmocka_unit_test_teardown(
            test_numbers_match_printf_for_every_power_of_ten, teardown),
        cmocka_unit_test_teardown(test_bulk_size_is_what_an_argument_takes,
                                  teardown),
        cmocka_unit_test_teardown(
            test_an_append_past_max_is_refused_and_changes_nothing, teardown),
        cmocka_unit_test_teardown(test_a_refused_command_is_rolled_back_whole,
                                  teardown),
        cmocka_unit_test_teardown(
            test_a_command_that_ends_exactly_at_max_is_accepted, teardown),
        cmocka_unit_test_teardown(
            test_a_reservation_that_overflows_size_t_is_refused, teardown),
        cmocka_unit_test_teardown(test_a_zero_max_refuses_everything, teardown),
        cmocka_unit_test_teardown(
            test_consume_drops_the_front_and_keeps_the_rest, teardown),
        cmocka_unit_test_teardown(test_a_large_argument_grows_the_buffer_intact,
                                  teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
