/*
 * Unit tests of core/report.c and core/progress.c: counters, the failed-key
 * list (also from several threads), the JSON report as jansson reads it
 * back, the summary table and the three kinds of progress lines.
 */
#include <dirent.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "config/config.h"
#include "core/report.h"

/* ---- helpers ------------------------------------------------------------- */

/* A stream whose text the test reads back once it is closed. */
struct capture {
    FILE *f;
    char *text;
    size_t len;
};

static void capture_open(struct capture *c)
{
    c->text = NULL;
    c->len = 0;
    c->f = open_memstream(&c->text, &c->len);
    assert_non_null(c->f);
}

static void capture_flush(struct capture *c)
{
    fflush(c->f);
}

static void capture_close(struct capture *c)
{
    fclose(c->f);
    c->f = NULL;
}

/* A fresh temporary folder; the test removes what it made in it. */
static char *temp_dir(void)
{
    char tmpl[] = "/tmp/rm-test-report-XXXXXX";
    char *d = mkdtemp(tmpl);

    assert_non_null(d);
    return strdup(d);
}

static size_t count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t n = 0;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

static void set_totals(struct totals *t, uint64_t copied, uint64_t skipped,
                       uint64_t expired, uint64_t failed)
{
    memset(t, 0, sizeof(*t));
    t->copied = copied;
    t->skipped = skipped;
    t->expired = expired;
    t->failed = failed;
    t->scanned = copied + skipped + expired + failed;
}

/* ---- counters ------------------------------------------------------------ */

static void test_totals_sum_adds_every_worker(void **state)
{
    struct counters c[3];
    struct totals t;

    (void)state;
    memset(c, 0, sizeof(c));
    for (int i = 0; i < 3; i++) {
        counter_add(&c[i].scanned, 10 * (uint64_t)(i + 1));
        counter_add(&c[i].copied, 7 * (uint64_t)(i + 1));
        counter_add(&c[i].skipped, 1);
        counter_add(&c[i].expired, 1);
        counter_add(&c[i].failed, (uint64_t)i);
        counter_add(&c[i].bytes, 1000);
        counter_add(&c[i].reconnects, 2);
        counter_add(&c[i].redirects, 3);
        counter_add(&c[i].source_reads, 4);
    }
    totals_sum(c, 3, &t);
    assert_int_equal(t.scanned, 60);
    assert_int_equal(t.copied, 42);
    assert_int_equal(t.skipped, 3);
    assert_int_equal(t.expired, 3);
    assert_int_equal(t.failed, 3);
    assert_int_equal(t.bytes, 3000);
    assert_int_equal(t.reconnects, 6);
    assert_int_equal(t.redirects, 9);
    assert_int_equal(t.source_reads, 12);

    totals_sum(c, 0, &t);
    assert_int_equal(t.scanned, 0);
}

static void test_status_words_follow_exit_codes(void **state)
{
    (void)state;
    assert_string_equal(report_status_for_exit(0), "ok");
    assert_string_equal(report_status_for_exit(1), "failed");
    assert_string_equal(report_status_for_exit(2), "failed");
    assert_string_equal(report_status_for_exit(3), "partial");
    assert_string_equal(report_status_for_exit(130), "interrupted");
}

static void test_counts_and_durations_are_formatted(void **state)
{
    char buf[32];

    (void)state;
    assert_string_equal(report_fmt_count(0, buf, sizeof(buf)), "0");
    assert_string_equal(report_fmt_count(999, buf, sizeof(buf)), "999");
    assert_string_equal(report_fmt_count(1000, buf, sizeof(buf)), "1,000");
    assert_string_equal(report_fmt_count(1234567, buf, sizeof(buf)),
                        "1,234,567");
    assert_string_equal(report_fmt_count(UINT64_MAX, buf, sizeof(buf)),
                        "18,446,744,073,709,551,615");
    assert_string_equal(report_fmt_duration(3.9, buf, sizeof(buf)), "0:03");
    assert_string_equal(report_fmt_duration(754, buf, sizeof(buf)), "12:34");
    assert_string_equal(report_fmt_duration(3723, buf, sizeof(buf)), "1:02:03");
    assert_string_equal(report_fmt_duration(-1, buf, sizeof(buf)), "0:00");
}

/* ---- failures ------------------------------------------------------------ */

static void test_failures_keep_1000_and_count_the_rest(void **state)
{
    struct failures f;
    char key[32];

    (void)state;
    failures_init(&f);
    for (int i = 0; i < FAILURES_MAX_LISTED + 5; i++) {
        int n = snprintf(key, sizeof(key), "k\n%d", i);
        failures_add(&f, key, (size_t)n, "OOM command not allowed");
    }
    assert_int_equal(f.n, FAILURES_MAX_LISTED);
    assert_int_equal(f.omitted, 5);
    assert_string_equal(f.items[0].key, "k\\x0a0");
    assert_string_equal(f.items[999].key, "k\\x0a999");
    assert_string_equal(f.items[0].error, "OOM command not allowed");
    failures_free(&f);
}

static void test_failures_escape_keys_and_error_texts(void **state)
{
    struct failures f;

    (void)state;
    failures_init(&f);
    failures_add(&f, "a\0\\", 3, "ERR \xff\x1b[2J bad");
    failures_add(&f, "b", 1, NULL);
    assert_int_equal(f.n, 2);
    assert_string_equal(f.items[0].key, "a\\x00\\\\");
    assert_string_equal(f.items[0].error, "ERR \\xff\\x1b[2J bad");
    assert_non_null(f.items[1].error);
    failures_free(&f);
}

static void test_failures_bound_a_huge_key(void **state)
{
    const size_t len = 64 * 1024;
    char *key = malloc(len);
    struct failures f;
    size_t n;

    (void)state;
    assert_non_null(key);
    memset(key, 0x01, len);
    failures_init(&f);
    failures_add(&f, key, len, "too big");
    assert_int_equal(f.n, 1);
    n = strlen(f.items[0].key);
    assert_true(n <= FAILURES_KEY_MAX);
    assert_string_equal(f.items[0].key + n - 3, "...");
    assert_memory_equal(f.items[0].key, "\\x01\\x01", 8);
    failures_free(&f);
    free(key);
}

#define ADD_THREADS     4
#define ADDS_PER_THREAD 400

static void *add_many(void *arg)
{
    struct failures *f = arg;
    char key[32];

    for (int i = 0; i < ADDS_PER_THREAD; i++) {
        int n = snprintf(key, sizeof(key), "t%p:%d", (void *)&key, i);
        failures_add(f, key, (size_t)n, "READONLY");
    }
    return NULL;
}

static void test_failures_from_several_threads_are_all_counted(void **state)
{
    pthread_t th[ADD_THREADS];
    struct failures f;

    (void)state;
    failures_init(&f);
    for (int i = 0; i < ADD_THREADS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, add_many, &f), 0);
    for (int i = 0; i < ADD_THREADS; i++)
        pthread_join(th[i], NULL);
    assert_int_equal(f.n, FAILURES_MAX_LISTED);
    assert_int_equal(f.n + f.omitted, ADD_THREADS * ADDS_PER_THREAD);
    failures_free(&f);
}

/* ---- JSON report --------------------------------------------------------- */

static const char *const report_fields[] = {
    "status",
    "exit_code",
    "command",
    "error",
    "source",
    "destination",
    "dry_run",
    "keys_scanned",
    "keys_copied",
    "keys_skipped",
    "keys_expired",
    "keys_failed",
    "bytes_copied",
    "elapsed_seconds",
    "keys_per_second",
    "estimated_total",
    "reconnects",
    "redirects",
    "tls_sessions_resumed",
    "keys_rewritten",
    "keys_by_type_commands",
    "failed_keys",
    "failed_keys_omitted",
};

#define N_FIELDS (sizeof(report_fields) / sizeof(report_fields[0]))

static uint64_t get_u64(json_t *root, const char *key)
{
    json_t *v = json_object_get(root, key);

    if (!json_is_integer(v))
        fail_msg("field %s: expected an integer", key);
    return (uint64_t)json_integer_value(v);
}

/* Writes `r` into a fresh folder and reads it back; checks the file's mode
 * and that no temporary file is left beside it. */
static json_t *write_and_load(const struct report *r)
{
    char *dir = temp_dir();
    char path[512], err[256] = "";
    json_error_t jerr;
    struct stat st;
    json_t *root;

    snprintf(path, sizeof(path), "%s/report.json", dir);
    assert_int_equal(report_write_json(r, path, err, sizeof(err)), ST_OK);

    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(count_entries(dir), 1);

    root = json_load_file(path, 0, &jerr);
    if (!root)
        fail_msg("report does not parse: %s line %d", jerr.text, jerr.line);

    unlink(path);
    rmdir(dir);
    free(dir);
    return root;
}

static void test_json_report_round_trips_with_exactly_its_fields(void **state)
{
    struct failures f;
    struct report r = {
        .command = "copy",
        .status = "partial",
        .exit_code = 3,
        .error = NULL,
        .source = "127.0.0.1:6379/0",
        .dest = "[::1]:6380",
        .dry_run = false,
        .elapsed_seconds = 12.5,
        .estimated_total = 1000000,
        .failures = &f,
    };
    json_t *root, *list, *item;

    (void)state;
    failures_init(&f);
    failures_add(&f, "bad\xff", 4, "ERR \xc3 broken utf-8");
    failures_add(&f, "two", 3, "OOM");
    f.omitted = 7; /* as if the list had been full */
    set_totals(&r.totals, 999000, 600, 150, 250);
    r.totals.bytes = 123456789;
    r.totals.reconnects = 2;
    r.totals.redirects = 5;
    r.totals.tls_resumed = 4;

    root = write_and_load(&r);
    assert_int_equal(json_object_size(root), N_FIELDS);
    for (size_t i = 0; i < N_FIELDS; i++)
        if (!json_object_get(root, report_fields[i]))
            fail_msg("field %s missing", report_fields[i]);

    assert_string_equal(json_string_value(json_object_get(root, "status")),
                        "partial");
    assert_int_equal(get_u64(root, "exit_code"), 3);
    assert_string_equal(json_string_value(json_object_get(root, "command")),
                        "copy");
    assert_true(json_is_null(json_object_get(root, "error")));
    assert_string_equal(json_string_value(json_object_get(root, "source")),
                        "127.0.0.1:6379/0");
    assert_string_equal(json_string_value(json_object_get(root, "destination")),
                        "[::1]:6380");
    assert_true(json_is_false(json_object_get(root, "dry_run")));

    /* The counters as given, so the invariant holds as it did. */
    assert_int_equal(get_u64(root, "keys_scanned"), 1000000);
    assert_int_equal(
        get_u64(root, "keys_scanned"),
        get_u64(root, "keys_copied") + get_u64(root, "keys_skipped") +
            get_u64(root, "keys_expired") + get_u64(root, "keys_failed"));
    assert_int_equal(get_u64(root, "keys_failed"), 250);
    assert_int_equal(get_u64(root, "bytes_copied"), 123456789);
    assert_int_equal(get_u64(root, "estimated_total"), 1000000);
    assert_int_equal(get_u64(root, "reconnects"), 2);
    assert_int_equal(get_u64(root, "redirects"), 5);
    assert_int_equal(get_u64(root, "tls_sessions_resumed"), 4);
    assert_float_equal(
        json_real_value(json_object_get(root, "elapsed_seconds")), 12.5, 1e-9);
    assert_float_equal(
        json_real_value(json_object_get(root, "keys_per_second")), 80000.0,
        1e-6);

    list = json_object_get(root, "failed_keys");
    assert_true(json_is_array(list));
    assert_int_equal(json_array_size(list), 2);
    item = json_array_get(list, 0);
    assert_int_equal(json_object_size(item), 2);
    assert_string_equal(json_string_value(json_object_get(item, "key")),
                        "bad\\xff");
    assert_string_equal(json_string_value(json_object_get(item, "error")),
                        "ERR \\xc3 broken utf-8");
    assert_int_equal(get_u64(root, "failed_keys_omitted"), 7);

    json_decref(root);
    failures_free(&f);
}

static void test_json_report_of_a_failed_run_without_failures(void **state)
{
    struct report r = {
        .command = "copy",
        .status = "failed",
        .exit_code = 1,
        .error = "source 127.0.0.1:1: cannot connect \xfe",
        .source = "127.0.0.1:1",
        .dest = "127.0.0.1:2",
        .dry_run = true,
        .elapsed_seconds = 0,
        .failures = NULL,
    };
    json_t *root;

    (void)state;
    root = write_and_load(&r);
    assert_int_equal(json_object_size(root), N_FIELDS);
    assert_string_equal(json_string_value(json_object_get(root, "error")),
                        "source 127.0.0.1:1: cannot connect \\xfe");
    assert_true(json_is_true(json_object_get(root, "dry_run")));
    assert_float_equal(
        json_real_value(json_object_get(root, "keys_per_second")), 0, 0);
    assert_int_equal(json_array_size(json_object_get(root, "failed_keys")), 0);
    assert_int_equal(get_u64(root, "failed_keys_omitted"), 0);
    json_decref(root);
}

/* verify's report: its counts by kind and each difference with its kind,
 * at the top level for the verify command, in an object for copy. */
static void test_json_verify_report_counts_kinds_and_lists_diffs(void **state)
{
    struct failures d;
    struct report r = {
        .command = "verify",
        .status = "partial",
        .exit_code = 3,
        .source = "127.0.0.1:1",
        .dest = "127.0.0.1:2",
        .verified = true,
        .diffs = &d,
        .verify_seconds = 1.5,
    };
    json_t *root, *item, *obj;

    (void)state;
    failures_init(&d);
    failures_add_kind(&d, "k\x01", 2, "value", "string lengths 1 vs 2");
    failures_add_kind(&d, "gone", 4, "missing", "not on the destination");
    r.totals.compared = 10;
    r.totals.equal = 8;
    r.totals.diff_value = 1;
    r.totals.diff_missing = 1;

    root = write_and_load(&r);
    assert_int_equal(get_u64(root, "keys_compared"), 10);
    assert_int_equal(get_u64(root, "keys_equal"), 8);
    obj = json_object_get(root, "differences");
    assert_int_equal(json_integer_value(json_object_get(obj, "value")), 1);
    assert_int_equal(json_integer_value(json_object_get(obj, "missing")), 1);
    assert_int_equal(json_integer_value(json_object_get(obj, "ttl")), 0);
    assert_int_equal(json_array_size(json_object_get(root, "diffs")), 2);
    item = json_array_get(json_object_get(root, "diffs"), 0);
    assert_string_equal(json_string_value(json_object_get(item, "key")),
                        "k\\x01");
    assert_string_equal(json_string_value(json_object_get(item, "kind")),
                        "value");
    assert_string_equal(json_string_value(json_object_get(item, "detail")),
                        "string lengths 1 vs 2");
    assert_null(json_object_get(root, "verify"));
    assert_null(json_object_get(root, "keys_copied")); /* copy's counts */
    json_decref(root);

    r.command = "copy";
    root = write_and_load(&r);
    obj = json_object_get(root, "verify");
    assert_non_null(obj);
    assert_string_equal(json_string_value(json_object_get(obj, "status")),
                        "partial");
    assert_int_equal(json_integer_value(json_object_get(obj, "keys_compared")),
                     10);
    assert_float_equal(json_real_value(json_object_get(obj, "elapsed_seconds")),
                       1.5, 0.001);
    assert_null(json_object_get(root, "keys_compared"));
    json_decref(root);
    failures_free(&d);
}

static void test_json_report_replaces_an_old_one(void **state)
{
    char *dir = temp_dir();
    char path[512], err[256];
    struct report r = {.command = "copy", .status = "ok", .failures = NULL};
    FILE *old;
    json_t *root;

    (void)state;
    snprintf(path, sizeof(path), "%s/r.json", dir);
    old = fopen(path, "w");
    assert_non_null(old);
    fputs("old and much longer than the new document would ever be ......"
          "..................................................................."
          "..................................................................."
          "...................................................................",
          old);
    fclose(old);
    chmod(path, 0644);

    assert_int_equal(report_write_json(&r, path, err, sizeof(err)), ST_OK);
    root = json_load_file(path, 0, NULL);
    assert_non_null(root);
    json_decref(root);
    assert_int_equal(count_entries(dir), 1);

    unlink(path);
    rmdir(dir);
    free(dir);
}

static void test_json_report_into_a_missing_folder_says_where(void **state)
{
    struct report r = {.command = "copy", .status = "ok"};
    char err[256] = "";

    (void)state;
    assert_int_equal(
        report_write_json(&r, "/nonexistent-rm-dir/r.json", err, sizeof(err)),
        ST_IO);
    assert_non_null(strstr(err, "/nonexistent-rm-dir/r.json"));
}

/* ---- summary ------------------------------------------------------------- */

/* Every line of `text` fits in 80 columns (all ASCII here). */
static void assert_lines_fit(const char *text)
{
    while (*text) {
        const char *nl = strchr(text, '\n');
        size_t len = nl ? (size_t)(nl - text) : strlen(text);

        if (len >= 80)
            fail_msg("line of %zu columns: %.*s", len, (int)len, text);
        text += len + (nl ? 1 : 0);
    }
}

static void test_summary_shows_the_numbers(void **state)
{
    struct report r = {
        .command = "copy",
        .status = "ok",
        .exit_code = 0,
        .source = "127.0.0.1:6379",
        .dest = "127.0.0.1:6380",
        .elapsed_seconds = 5.0,
        .estimated_total = 1000000,
    };
    struct capture c;

    (void)state;
    set_totals(&r.totals, 999990, 3, 5, 2);
    r.totals.bytes = 95400000;
    capture_open(&c);
    report_print_summary(&r, c.f);
    capture_close(&c);

    assert_null(strstr(c.text, "dry run"));
    assert_non_null(strstr(c.text, "ok"));
    assert_non_null(strstr(c.text, "127.0.0.1:6379"));
    assert_non_null(strstr(c.text, "127.0.0.1:6380"));
    assert_non_null(strstr(c.text, "1,000,000"));
    assert_non_null(strstr(c.text, "999,990"));
    assert_non_null(strstr(c.text, "95.4 MB"));
    assert_non_null(strstr(c.text, "5.0 s"));
    assert_non_null(strstr(c.text, "200,000")); /* keys/s */
    assert_null(strstr(c.text, "failed keys"));
    assert_lines_fit(c.text);
    free(c.text);
}

static void test_summary_lists_20_failed_keys_and_the_rest(void **state)
{
    struct failures f;
    struct report r = {
        .command = "copy",
        .status = "partial",
        .exit_code = 3,
        .error = "a long error that must wrap: " /* 29 */
                 "the destination refused the write with OOM because "
                 "its maxmemory is reached; raise it or free memory",
        .source = "127.0.0.1:6379",
        .dest = "127.0.0.1:6380",
        .dry_run = true,
        .elapsed_seconds = 75,
        .failures = &f,
    };
    char longkey[300];
    struct capture c;

    (void)state;
    failures_init(&f);
    memset(longkey, 'x', sizeof(longkey));
    failures_add(&f, longkey, sizeof(longkey),
                 "a long error text as well "
                 "that would run past the end of the line by far, surely");
    for (int i = 1; i < 25; i++) {
        char key[16];
        int n = snprintf(key, sizeof(key), "key\t%d", i);
        failures_add(&f, key, (size_t)n, "OOM");
    }
    f.omitted = 10;
    set_totals(&r.totals, 100, 0, 0, 35);

    capture_open(&c);
    report_print_summary(&r, c.f);
    capture_close(&c);

    assert_memory_equal(c.text, "dry run: nothing was written\n", 29);
    assert_non_null(strstr(c.text, "partial"));
    assert_non_null(strstr(c.text, "  key\\x091: OOM\n"));
    assert_non_null(strstr(c.text, "  key\\x0919: OOM\n"));
    assert_null(strstr(c.text, "key\\x0920:"));
    assert_non_null(strstr(c.text, "... and 15 more (see --report)"));
    assert_non_null(strstr(c.text, "xxx...: a long error"));
    assert_non_null(strstr(c.text, "free memory"));
    assert_non_null(strstr(c.text, "1:15"));
    assert_lines_fit(c.text);
    free(c.text);
    failures_free(&f);
}

/* ---- progress ------------------------------------------------------------ */

static void test_progress_prints_nothing_before_its_period(void **state)
{
    static const struct {
        int kind;
        double period;
    } kinds[] = {
        {PROGRESS_BAR, 0.25},
        {PROGRESS_PLAIN, 5.0},
        {PROGRESS_JSON, 1.0},
    };
    struct totals t;

    (void)state;
    set_totals(&t, 10, 0, 0, 0);
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        struct capture c;
        struct progress *p;

        capture_open(&c);
        p = progress_new(kinds[i].kind, c.f);
        assert_non_null(p);
        progress_update(p, &t, 100, 0);
        progress_update(p, &t, 100, kinds[i].period * 0.9);
        capture_flush(&c);
        if (c.len != 0)
            fail_msg("kind %d printed before %.2f s: %s", kinds[i].kind,
                     kinds[i].period, c.text);

        progress_update(p, &t, 100, kinds[i].period);
        capture_flush(&c);
        if (c.len == 0)
            fail_msg("kind %d printed nothing after %.2f s", kinds[i].kind,
                     kinds[i].period);
        progress_free(p);
        capture_close(&c);
        free(c.text);
    }
}

static void test_progress_none_prints_nothing(void **state)
{
    struct capture c;
    struct progress *p;
    struct totals t;

    (void)state;
    set_totals(&t, 10, 0, 0, 0);
    capture_open(&c);
    p = progress_new(PROGRESS_NONE, c.f);
    assert_non_null(p);
    for (int i = 0; i < 100; i++)
        progress_update(p, &t, 100, i);
    progress_finish(p, &t, 100, 100);
    progress_free(p);
    capture_close(&c);
    assert_int_equal(c.len, 0);
    free(c.text);
}

/* Parses every line of `text` as a JSON object; returns the last one. */
static json_t *last_json_line(const char *text, size_t *lines)
{
    json_t *last = NULL;

    *lines = 0;
    while (*text) {
        const char *nl = strchr(text, '\n');
        json_error_t err;
        json_t *o;

        assert_non_null(nl);
        o = json_loadb(text, (size_t)(nl - text), 0, &err);
        if (!o || !json_is_object(o))
            fail_msg("progress line is not a JSON object: %.*s",
                     (int)(nl - text), text);
        json_decref(last);
        last = o;
        (*lines)++;
        text = nl + 1;
    }
    return last;
}

static void test_progress_json_lines_parse_with_the_counters(void **state)
{
    static const char *const fields[] = {
        "keys_scanned",    "keys_copied",     "keys_skipped",
        "keys_expired",    "keys_failed",     "bytes_copied",
        "estimated_total", "elapsed_seconds", "keys_per_second",
    };
    struct capture c;
    struct progress *p;
    struct totals t;
    json_t *o;
    size_t lines;

    (void)state;
    capture_open(&c);
    p = progress_new(PROGRESS_JSON, c.f);
    /* Steady 1,000 keys/s for 10 s, then 3,000 keys/s for 10 s. */
    for (int ms = 0; ms <= 20000; ms += 100) {
        uint64_t k =
            ms <= 10000 ? (uint64_t)ms : 10000 + 3 * (uint64_t)(ms - 10000);
        set_totals(&t, k - k / 10, 0, 0, k / 10);
        t.bytes = k * 100;
        progress_update(p, &t, 100000, ms / 1000.0);
    }
    capture_flush(&c);

    o = last_json_line(c.text, &lines);
    assert_int_equal(lines, 20);
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        if (!json_object_get(o, fields[i]))
            fail_msg("progress line lacks %s", fields[i]);
    assert_int_equal(json_integer_value(json_object_get(o, "keys_scanned")),
                     40000);
    assert_int_equal(json_integer_value(json_object_get(o, "keys_failed")),
                     4000);
    assert_float_equal(json_real_value(json_object_get(o, "elapsed_seconds")),
                       20.0, 1e-9);
    /* The rate of the last seconds, not the run's average of 2,000. */
    assert_float_equal(json_real_value(json_object_get(o, "keys_per_second")),
                       3000, 1);
    json_decref(o);

    progress_finish(p, &t, 100000, 20.0);
    progress_free(p);
    capture_close(&c);
    o = last_json_line(c.text, &lines);
    assert_int_equal(lines, 21);
    assert_true(json_is_true(json_object_get(o, "finished")));
    assert_float_equal(json_real_value(json_object_get(o, "keys_per_second")),
                       2000, 1);
    json_decref(o);
    free(c.text);
}

static void test_progress_bar_redraws_in_place_and_caps_percent(void **state)
{
    const char *want;
    struct capture c;
    struct progress *p;
    struct totals t;

    (void)state;
    capture_open(&c);
    p = progress_new(PROGRESS_BAR, c.f);
    progress_set_label(p, "copy");

    set_totals(&t, 421337, 0, 0, 0);
    t.bytes = 42133700;
    progress_update(p, &t, 1000000, 0.3);
    capture_flush(&c);
    want = "\r\033[Kcopy   42.1%  421,337/1,000,000 keys  ";
    if (strncmp(c.text, want, strlen(want)) != 0)
        fail_msg("bar line: expected it to start with \"%s\", got \"%s\"",
                 want + 4, c.text);
    assert_null(strchr(c.text, '\n'));

    /* Everything settled but not finished: not 100% yet. */
    set_totals(&t, 1000000, 0, 0, 0);
    progress_update(p, &t, 1000000, 0.6);
    capture_flush(&c);
    assert_non_null(strstr(c.text, "99.9%"));
    assert_null(strstr(c.text, "100.0%"));

    progress_finish(p, &t, 1000000, 0.7);
    capture_flush(&c);
    assert_int_equal(strcmp(c.text + c.len - 4, "\r\033[K"), 0);
    progress_free(p);
    capture_close(&c);
    free(c.text);
}

static void test_progress_plain_lines_are_whole_lines(void **state)
{
    struct capture c;
    struct progress *p;
    struct totals t;

    (void)state;
    capture_open(&c);
    p = progress_new(PROGRESS_PLAIN, c.f);
    set_totals(&t, 5000, 0, 0, 0);
    progress_update(p, &t, 0, 5.0); /* no estimate: no percent, no ETA */
    progress_finish(p, &t, 0, 6.0);
    progress_free(p);
    capture_close(&c);

    assert_null(strchr(c.text, '\r'));
    assert_null(strchr(c.text, '%'));
    assert_null(strstr(c.text, "ETA"));
    assert_non_null(strstr(c.text, "5,000 keys"));
    assert_non_null(strstr(c.text, "finished"));
    assert_int_equal(c.text[c.len - 1], '\n');
    free(c.text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_totals_sum_adds_every_worker),
        cmocka_unit_test(test_status_words_follow_exit_codes),
        cmocka_unit_test(test_counts_and_durations_are_formatted),
        cmocka_unit_test(test_failures_keep_1000_and_count_the_rest),
        cmocka_unit_test(test_failures_escape_keys_and_error_texts),
        cmocka_unit_test(test_failures_bound_a_huge_key),
        cmocka_unit_test(test_failures_from_several_threads_are_all_counted),
        cmocka_unit_test(test_json_report_round_trips_with_exactly_its_fields),
        cmocka_unit_test(test_json_report_of_a_failed_run_without_failures),
        cmocka_unit_test(test_json_verify_report_counts_kinds_and_lists_diffs),
        cmocka_unit_test(test_json_report_replaces_an_old_one),
        cmocka_unit_test(test_json_report_into_a_missing_folder_says_where),
        cmocka_unit_test(test_summary_shows_the_numbers),
        cmocka_unit_test(test_summary_lists_20_failed_keys_and_the_rest),
        cmocka_unit_test(test_progress_prints_nothing_before_its_period),
        cmocka_unit_test(test_progress_none_prints_nothing),
        cmocka_unit_test(test_progress_json_lines_parse_with_the_counters),
        cmocka_unit_test(test_progress_bar_redraws_in_place_and_caps_percent),
        cmocka_unit_test(test_progress_plain_lines_are_whole_lines),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
