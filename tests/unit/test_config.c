/*
 * Unit tests of config/: the command line, endpoint URIs, the environment
 * and the .env file, merged with flags first, then the environment, then
 * .env; the messages a bad setting gives (one line, naming the setting,
 * never a password); the usage screens.
 *
 * Each test runs in a fresh temporary folder (so ./.env is the test's own)
 * with every REDIS_SOURCE_* and REDIS_DEST_* variable unset. Single-threaded.
 */
#include <errno.h>
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

#include "config/config.h"
#include "core/log.h"

#define SECRET "s3cret"

/* ---- helpers ------------------------------------------------------------- */

static const char *const env_suffixes[] = {
    "HOST",         "PORT",
    "USERNAME",     "PASSWORD",
    "DB",           "TLS",
    "TLS_CA_FILE",  "TLS_CERT_FILE",
    "TLS_KEY_FILE", "TLS_SERVER_NAME",
    "TLS_INSECURE", "URL",
};

static const char *const test_files[] = {".env", "alt.env", "ca.pem",
                                         "dir.env"};

struct fixture {
    char dir[64];
    char home[4096];
};

static void clear_env(void)
{
    char name[64];

    for (size_t i = 0; i < sizeof(env_suffixes) / sizeof(*env_suffixes); i++) {
        snprintf(name, sizeof(name), "REDIS_SOURCE_%s", env_suffixes[i]);
        unsetenv(name);
        snprintf(name, sizeof(name), "REDIS_DEST_%s", env_suffixes[i]);
        unsetenv(name);
    }
}

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof(*fx));

    if (!fx || !getcwd(fx->home, sizeof(fx->home)))
        return -1;
    strcpy(fx->dir, "/tmp/rm-test-config-XXXXXX");
    if (!mkdtemp(fx->dir) || chdir(fx->dir) != 0)
        return -1;
    clear_env();
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;

    for (size_t i = 0; i < sizeof(test_files) / sizeof(*test_files); i++) {
        unlink(test_files[i]);
        rmdir(test_files[i]);
    }
    clear_env();
    if (chdir(fx->home) != 0 || rmdir(fx->dir) != 0)
        return -1;
    free(fx);
    return 0;
}

static void write_file(const char *name, const char *text, mode_t mode)
{
    FILE *f = fopen(name, "w");

    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(chmod(name, mode), 0);
}

/* Runs config_parse on "redis-migrate" + `args` (NULL-terminated) with
 * copies of the strings, freed before returning: the config must not keep
 * pointers into argv. */
static status parse_list(struct config *cfg, char *err, const char **args)
{
    char *argv[64];
    int argc = 0;
    status rc;

    argv[argc++] = strdup("redis-migrate");
    for (; *args; args++)
        argv[argc++] = strdup(*args);
    argv[argc] = NULL;
    memset(cfg, 0, sizeof(*cfg));
    err[0] = '\0';
    rc = config_parse(cfg, argc, argv, err, CONFIG_ERR_LEN);
    for (int i = 0; i < argc; i++)
        free(argv[i]);
    return rc;
}

#define PARSE(cfg, err, ...)                                                   \
    parse_list((cfg), (err), (const char *[]){__VA_ARGS__, NULL})

/* Checks that `err` holds `want` and is one line without the secret. */
static void expect_err_has(const char *err, const char *want)
{
    if (!strstr(err, want))
        print_error("message \"%s\" lacks \"%s\"\n", err, want);
    assert_non_null(strstr(err, want));
    assert_null(strchr(err, '\n'));
    assert_null(strstr(err, SECRET));
}

static void expect_usage(status rc, struct config *cfg, const char *err,
                         const char *want)
{
    if (rc != ST_USAGE)
        print_error("expected a usage error with \"%s\", got status %d "
                    "(\"%s\")\n",
                    want, rc, err);
    assert_int_equal(rc, ST_USAGE);
    expect_err_has(err, want);
    config_free(cfg);
}

static void expect_ok(status rc, const char *err)
{
    if (rc != ST_OK)
        print_error("expected ST_OK, got %d: %s\n", rc, err);
    assert_int_equal(rc, ST_OK);
}

static bool warned(const struct config *cfg, const char *want)
{
    for (size_t i = 0; i < cfg->n_warnings; i++) {
        assert_null(strstr(cfg->warnings[i], SECRET));
        if (strstr(cfg->warnings[i], want))
            return true;
    }
    return false;
}

/* ---- URIs ---------------------------------------------------------------- */

static void uri_ok(struct endpoint *ep, const char *uri, bool *has_pw)
{
    char err[CONFIG_ERR_LEN] = "";
    status rc;

    memset(ep, 0, sizeof(*ep));
    ep->db = -1;
    rc = config_parse_uri(ep, uri, "--source", has_pw, err, sizeof(err));
    if (rc != ST_OK)
        print_error("parsing %s: %s\n", uri, err);
    assert_int_equal(rc, ST_OK);
}

static void free_ep(struct endpoint *ep)
{
    struct config cfg = {0};

    cfg.source = *ep;
    config_free(&cfg);
}

static void test_a_uri_with_user_and_password_gives_every_field(void **state)
{
    struct endpoint ep;
    bool pw;

    (void)state;
    uri_ok(&ep, "redis://mig:" SECRET "@cache.local:6380/3", &pw);
    assert_string_equal(ep.host, "cache.local");
    assert_int_equal(ep.port, 6380);
    assert_string_equal(ep.user, "mig");
    assert_string_equal(ep.password, SECRET);
    assert_int_equal(ep.db, 3);
    assert_false(ep.tls);
    assert_true(pw);
    free_ep(&ep);
}

static void test_a_uri_with_only_a_password_has_no_user(void **state)
{
    struct endpoint ep;
    bool pw;

    (void)state;
    uri_ok(&ep, "redis://:" SECRET "@h", &pw);
    assert_null(ep.user);
    assert_string_equal(ep.password, SECRET);
    assert_true(pw);
    free_ep(&ep);

    uri_ok(&ep, "redis://mig@h", &pw);
    assert_string_equal(ep.user, "mig");
    assert_null(ep.password);
    assert_false(pw);
    free_ep(&ep);
}

static void test_user_and_password_are_percent_decoded(void **state)
{
    struct endpoint ep;
    bool pw;

    (void)state;
    uri_ok(&ep, "redis://us%40er%3a1:p%3Aw%2F%25x@h", &pw);
    assert_string_equal(ep.user, "us@er:1");
    assert_string_equal(ep.password, "p:w/%x");
    free_ep(&ep);
}

static void test_a_password_with_a_raw_at_sign_still_parses(void **state)
{
    struct endpoint ep;
    bool pw;

    (void)state;
    uri_ok(&ep, "redis://u:p@ss/w?rd@h:7000", &pw);
    assert_string_equal(ep.user, "u");
    assert_string_equal(ep.password, "p@ss/w?rd");
    assert_string_equal(ep.host, "h");
    assert_int_equal(ep.port, 7000);
    free_ep(&ep);
}

static void test_an_ipv6_host_is_written_in_brackets(void **state)
{
    struct endpoint ep;
    char desc[128];
    bool pw;

    (void)state;
    uri_ok(&ep, "redis://[::1]:6390/2", &pw);
    assert_string_equal(ep.host, "::1");
    assert_int_equal(ep.port, 6390);
    assert_int_equal(ep.db, 2);
    assert_string_equal(endpoint_describe(&ep, desc, sizeof(desc)),
                        "[::1]:6390/2");
    free_ep(&ep);

    uri_ok(&ep, "redis://[fe80::1:2]", &pw);
    assert_string_equal(ep.host, "fe80::1:2");
    free_ep(&ep);
}

static void test_fields_a_uri_does_not_give_are_left_alone(void **state)
{
    struct endpoint ep;
    char err[CONFIG_ERR_LEN];
    bool pw;

    (void)state;
    memset(&ep, 0, sizeof(ep));
    ep.port = 1234;
    ep.db = 5;
    assert_int_equal(
        config_parse_uri(&ep, "redis://h", "--dest", &pw, err, sizeof(err)),
        ST_OK);
    assert_int_equal(ep.port, 1234);
    assert_int_equal(ep.db, 5);
    assert_string_equal(ep.host, "h");
    free_ep(&ep);

    /* A trailing slash names no database. */
    uri_ok(&ep, "redis://h:1/", &pw);
    assert_int_equal(ep.db, -1);
    free_ep(&ep);
}

static void test_rediss_turns_tls_on_and_schemes_ignore_case(void **state)
{
    struct endpoint ep;
    char desc[128];
    bool pw;

    (void)state;
    uri_ok(&ep, "rediss://app@cache.example.com:6379", &pw);
    assert_true(ep.tls);
    assert_string_equal(endpoint_describe(&ep, desc, sizeof(desc)),
                        "rediss://app@cache.example.com:6379");
    free_ep(&ep);

    uri_ok(&ep, "REDIS://H", &pw);
    assert_false(ep.tls);
    free_ep(&ep);
}

static void test_a_uri_without_a_port_gets_6379(void **state)
{
    struct config cfg;
    char err[CONFIG_ERR_LEN];

    (void)state;
    expect_ok(
        PARSE(&cfg, err, "copy", "--source", "redis://a", "--dest=redis://b/1"),
        err);
    assert_int_equal(cfg.source.port, 6379);
    assert_int_equal(cfg.dest.port, 6379);
    assert_int_equal(cfg.dest.db, 1);
    assert_int_equal(cfg.db, -1);
    config_free(&cfg);
}

static void
test_every_malformed_uri_is_refused_without_its_password(void **state)
{
    static const struct {
        const char *uri;
        const char *want;
    } cases[] = {
        {"http://u:" SECRET "@h", "is not a redis:// or rediss:// URI"},
        {"u:" SECRET "@h:6379", "is not a redis:// or rediss:// URI"},
        {"redis:/u:" SECRET "@h", "is not a redis:// or rediss:// URI"},
        {"", "is not a redis:// or rediss:// URI"},
        {"u:" SECRET "@x://y", "is not a redis:// or rediss:// URI"},
        {"redis://u:" SECRET "@", "has no host"},
        {"redis://u:" SECRET "@:6379", "has no host"},
        {"redis://u:" SECRET "@h:0", "the port in"},
        {"redis://u:" SECRET "@h:65536", "from 1 to 65535"},
        {"redis://u:" SECRET "@h:abc", "the port in"},
        {"redis://u:" SECRET "@h:", "the port in"},
        {"redis://u:" SECRET "@h:+80", "the port in"},
        {"redis://u:" SECRET "@h/abc", "the database in"},
        {"redis://u:" SECRET "@h/-1", "the database in"},
        {"redis://u:" SECRET "@h/10001", "from 0 to 10000"},
        {"redis://u:" SECRET "@h/1/2", "the database in"},
        {"redis://u:" SECRET "@[::1", "not a valid name or address"},
        {"redis://u:" SECRET "@[host]", "not a valid name or address"},
        {"redis://u:" SECRET "@[::1]x", "not a valid name or address"},
        {"redis://u:" SECRET "@[::g]:1", "not a valid name or address"},
        {"redis://u:" SECRET "@::1", "IPv6 address in brackets"},
        {"redis://u:" SECRET "@bad!host", "not a valid name or address"},
        {"redis://u:" SECRET "@a..b", "not a valid name or address"},
        {"redis://u:" SECRET "@h?timeout=1", "has a query or fragment"},
        {"redis://h/0?password=" SECRET, "has a query or fragment"},
        {"redis://u:" SECRET "@h#x", "has a query or fragment"},
        {"redis://u:" SECRET "%zz@h", "bad %-escape"},
        {"redis://u:" SECRET "%4@h", "bad %-escape"},
        {"redis://u:" SECRET "%00@h", "bad %-escape"},
        {"redis://u%g0:" SECRET "@h", "bad %-escape"},
    };
    char err[CONFIG_ERR_LEN];
    bool pw = true;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct endpoint ep = {.db = -1};
        status rc = config_parse_uri(&ep, cases[i].uri, "REDIS_DEST_URL", &pw,
                                     err, sizeof(err));

        if (rc != ST_USAGE || !strstr(err, cases[i].want))
            print_error("URI %s: status %d, message \"%s\", expected \"%s\"\n",
                        cases[i].uri, rc, err, cases[i].want);
        assert_int_equal(rc, ST_USAGE);
        expect_err_has(err, cases[i].want);
        expect_err_has(err, "REDIS_DEST_URL: ");
        assert_false(pw);
        assert_null(ep.host); /* nothing half-applied */
        assert_null(ep.password);
    }
}

static void test_a_bad_flag_uri_names_the_flag_and_hides_userinfo(void **state)
{
    struct config cfg;
    char err[CONFIG_ERR_LEN];

    (void)state;
    expect_usage(PARSE(&cfg, err, "copy", "--source",
                       "redis://admin:" SECRET "@h:99999", "--dest",
                       "redis://b"),
                 &cfg, err,
                 "--source: the port in \"redis://***@h:99999\" is not a "
                 "whole number from 1 to 65535");
    assert_null(strstr(err, "admin"));
}

static void test_endpoint_describe_never_shows_a_password(void **state)
{
    struct endpoint ep = {.host = "10.0.0.5", .port = 6379, .db = -1};
    char desc[128];

    (void)state;
    assert_string_equal(endpoint_describe(&ep, desc, sizeof(desc)),
                        "10.0.0.5:6379");
    ep.user = "mig";
    ep.password = SECRET;
    ep.db = 0;
    ep.tls = true;
    assert_string_equal(endpoint_describe(&ep, desc, sizeof(desc)),
                        "rediss://mig@10.0.0.5:6379/0");
    ep.host = "2001:db8::7";
    ep.user = NULL;
    ep.tls = false;
    assert_string_equal(endpoint_describe(&ep, desc, sizeof(desc)),
                        "[2001:db8::7]:6379/0");
    assert_string_equal(endpoint_describe(&ep, desc, 8), "[2001:d");
}

/* ---- endpoints from the environment -------------------------------------- */

static void test_an_endpoint_can_come_from_separate_variables(void **state)
{
    struct config cfg;
    char err[CONFIG_ERR_LEN], desc[128];

    (void)state;
    setenv("REDIS_SOURCE_HOST", "src.local", 1);
    setenv("REDIS_SOURCE_PORT", "7001", 1);
    setenv("REDIS_SOURCE_USERNAME", "reader", 1);
    setenv("REDIS_SOURCE_PASSWORD", SECRET, 1);
    setenv("REDIS_SOURCE_DB", "4", 1);
    setenv("REDIS_DEST_HOST", "[::1]", 1);
    setenv("REDIS_DEST_TLS", "YES", 1);
    setenv("REDIS_DEST_TLS_INSECURE", "1", 1);
    setenv("REDIS_DEST_TLS_SERVER_NAME", "cache.example.com", 1);
    expect_ok(PARSE(&cfg, err, "copy"), err);

    assert_string_equal(cfg.source.host, "src.local");
    assert_int_equal(cfg.source.port, 7001);
    assert_string_equal(cfg.source.user, "reader");
    assert_string_equal(cfg.source.password, SECRET);
    assert_int_equal(cfg.db, 4);
    assert_int_equal(cfg.source.db, 4);
    assert_false(cfg.source.tls);

    assert_string_equal(cfg.dest.host, "::1");
    assert_int_equal(cfg.dest.port, 6379);
    assert_true(cfg.dest.tls);
    assert_true(cfg.dest.tls_insecure);
    assert_string_equal(cfg.dest.tls_server_name, "cache.example.com");
    assert_int_equal(cfg.dest.db, -1);
    assert_string_equal(endpoint_describe(&cfg.dest, desc, sizeof(desc)),
                        "rediss://[::1]:6379");
    assert_int_equal(cfg.n_warnings, 0);
    config_free(&cfg);
}

static void test_a_password_variable_fills_a_uri_without_one(void **state)
{
    struct config cfg;
    char err[CONFIG_ERR_LEN];

    (void)state;
    setenv("REDIS_SOURCE_PASSWORD", SECRET, 1);
    setenv("REDIS_SOURCE_HOST", "ignored.local", 1);
    setenv("REDIS_SOURCE_PORT", "7002", 1);
    setenv("REDIS_SOURCE_USERNAME", "ignored", 1);
    expect_ok(PARSE(&cfg, err, "copy", "--source", "redis://mig@src.local",
                    "--dest", "redis://dst.local"),
              err);
    assert_string_equal(cfg.source.host, "src.local");
    assert_string_equal(cfg.source.user, "mig");
    assert_string_equal(cfg.source.password, SECRET);
    assert_int_equal(cfg.source.port, 7002); /* the URI left it out */
    assert_int_equal(cfg.n_warnings, 0);
    config_free(&cfg);
}

static void
test_a_password_in_a_flag_uri_warns_but_not_in_a_variable(void **state)
{
    struct config cfg;
    char err[CONFIG_ERR_LEN];

    (void)state;
    expect_ok(PARSE(&cfg, err, "copy", "--source", "redis://:" SECRET "@a",
                    "--dest", "redis://b"),
              err);
    assert_string_equal(cfg.source.password, SECRET);
    assert_true(warned(&cfg, "the source URI carries a password"));
    assert_true(warned(&cfg, "use REDIS_SOURCE_PASSWORD instead"));
    config_free(&cfg);

    setenv("REDIS_DEST_URL", "redis://:" SECRET "@b", 1);
    expect_ok(PARSE(&cfg, err, "copy", "--source", "redis://a"), err);
    assert_string_equal(cfg.dest.password, SECRET);
    assert_int_equal(cfg.n_warnings, 0);
    config_free(&cfg);
}

static void test_the_flag_uri_wins_over_the_url_variable(void **state)
{
    struct config cfg;
    char err[CONFIG_ERR_LEN];

    (void)state;
    setenv("REDIS_SOURCE_URL", "redis://env.local:7000/5", 1);
    setenv("REDIS_DEST_URL", "rediss://dst.local:7001/2", 1);
    expect_ok(PARSE(&cfg, err, "verify", "--source", "redis://flag.local"),
              err);
    assert_string_equal(cfg.source.host, "flag.local");
    assert_int_equal(cfg.source.port, 6379);
    assert_int_equal(cfg.db, -1);
    assert_string_equal(cfg.dest.host, "dst.local");
    assert_true(cfg.dest.tls);
    assert_int_equal(cfg.dest.db, 2);
    config_free(&cfg);
}

static void test_the_environment_wins_over_the_env_file(void **state)
{
    struct config cfg;
    char err[CONFIG_ERR_LEN];

    (void)state;
    write_file(".env",
               "REDIS_SOURCE_HOST=file.local\n"
               "REDIS_SOURCE_PORT=7100\n"
               "REDIS_DEST_URL=redis://dst.local\n"
               "REDIS_DEST_PASSWORD=" SECRET "\n",
               0600);
    setenv("REDIS_SOURCE_HOST", "env.local", 1);
    setenv("REDIS_SOURCE_PORT", "", 1); /* empty counts as unset */
    expect_ok(PARSE(&cfg, err, "copy"), err);
    assert_string_equal(cfg.source.host, "env.local");
    assert_int_equal(cfg.source.port, 7100);
    assert_string_equal(cfg.dest.host, "dst.local");
    assert_string_equal(cfg.dest.password, SECRET);
    config_free(&cfg);

    /* and flags win over both */
    expect_ok(PARSE(&cfg, err, "copy", "--source", "redis://flag.local:1"),
              err);
    assert_string_equal(cfg.source.host, "flag.local");
    assert_int_equal(cfg.source.port, 1);
    config_free(&cfg);
}

static void test_bad_variables_are_named_with_where_they_came_from(void **state)
{
    struct config cfg;
    char err[CONFIG_ERR_LEN];

    (void)state;
    setenv("REDIS_DEST_URL", "redis://b", 1);
    setenv("REDIS_SOURCE_HOST", "a", 1);
    setenv("REDIS_SOURCE_PORT", "http", 1);
    expect_usage(PARSE(&cfg, err, "copy"), &cfg, err,
                 "REDIS_SOURCE_PORT: \"http\" is not a whole number from 1 "
                 "to 65535");

    unsetenv("REDIS_SOURCE_PORT");
    write_file(".env", "\n# db\nREDIS_SOURCE_DB=x1\n", 0600);
    expect_usage(PARSE(&cfg, err, "copy"), &cfg, err,
                 "REDIS_SOURCE_DB (in .env): \"x1\" is not a whole number "
                 "from 0 to 10000");

    write_file(".env", "REDIS_DEST_TLS=maybe\n", 0600);
    expect_usage(PARSE(&cfg, err, "copy"), &cfg, err,
                 "REDIS_DEST_TLS (in .env): \"maybe\" is not true or false");

    write_file(".env", "REDIS_SOURCE_URL=redis://u:" SECRET "@h:0\n", 0600);
    unsetenv("REDIS_SOURCE_HOST");
    expect_usage(PARSE(&cfg, err, "copy"), &cfg, err,
                 "REDIS_SOURCE_URL (in .env): the port in \"redis://***@h:0\"");

    unlink(".env");
    setenv("REDIS_SOURCE_HOST", "bad host", 1);
    expect_usage(PARSE(&cfg, err, "copy"), &cfg, err,
                 "REDIS_SOURCE_HOST: \"bad host\" is not a host name or IP "
                 "address");
}

static void test_tls_files_must_be_readable_when_tls_is_on(void **state)
{
    struct config cfg;
    char err[CONFIG_ERR_LEN];

    (void)state;
    setenv("REDIS_DEST_TLS_CA_FILE", "ca.pem", 1);
    expect_usage(PARSE(&cfg, err, "copy", "--source", "redis://a", "--dest",
                       "rediss://b"),
                 &cfg, err, "REDIS_DEST_TLS_CA_FILE: cannot read \"ca.pem\"");

    write_file("ca.pem", "not checked here\n", 0600);
    expect_ok(PARSE(&cfg, err, "copy", "--source", "redis://a", "--dest",
                    "rediss://b"),
              err);
    assert_string_equal(cfg.dest.tls_ca_file, "ca.pem");
    config_free(&cfg);

    /* TLS asked for by the variable, with a plain redis:// URI */
    setenv("REDIS_DEST_TLS", "true", 1);
    expect_ok(PARSE(&cfg, err, "copy", "--source", "redis://a", "--dest",
                    "redis://b"),
              err);
    assert_true(cfg.dest.tls);
    config_free(&cfg);

    /* TLS settings of an endpoint without TLS are ignored, with a warning */
    expect_ok(PARSE(&cfg, err, "copy", "--source", "redis://a", "--dest",
                    "redis://b", "--source-tls-insecure"),
              err);
    assert_true(warned(&cfg, "the source does not use TLS"));
    config_free(&cfg);
}

static void
test_a_missing_endpoint_names_the_flag_and_the_variables(void **state)
{
    struct config cfg;
    char err[CONFIG_ERR_LEN];

    (void)state;
    expect_usage(PARSE(&cfg, err, "copy", "--dest", "redis://b"), &cfg, err,
                 "no source given: use --source redis://HOST:PORT, or set "
                 "REDIS_SOURCE_URL or REDIS_SOURCE_HOST");

    setenv("REDIS_DEST_PASSWORD", SECRET, 1); /* not enough for an endpoint */
    expect_usage(PARSE(&cfg, err, "verify", "--source", "redis://a"), &cfg, err,
                 "no destination given: use --dest redis://HOST:PORT, or "
                 "set REDIS_DEST_URL or REDIS_DEST_HOST");
}

static void test_db_and_the_source_uri_db_are_one_setting(void **state)
{
    struct config cfg;
    char err[CONFIG_ERR_LEN];

    (void)state;
    expect_ok(PARSE(&cfg, err, "copy", "--source", "redis://a/3", "--dest",
                    "redis://b/7"),
              err);
    assert_int_equal(cfg.db, 3);
    assert_int_equal(cfg.source.db, 3);
    assert_int_equal(cfg.dest.db, 7);
    config_free(&cfg);

    expect_ok(PARSE(&cfg, err, "copy", "--source", "redis://a/3", "--db", "3",
                    "--dest", "redis://b"),
              err);
    assert_int_equal(cfg.db, 3);
    config_free(&cfg);

    /* --db wins over the environment's URI and database */
    setenv("REDIS_SOURCE_URL", "redis://a/3", 1);
    expect_ok(PARSE(&cfg, err, "copy", "--db", "5", "--dest", "redis://b"),
              err);
    assert_int_equal(cfg.db, 5);
    assert_int_equal(cfg.source.db, 5);
    config_free(&cfg);

    expect_usage(PARSE(&cfg, err, "copy", "--source", "redis://a/3", "--db",
                       "4", "--dest", "redis://b"),
                 &cfg, err,
                 "--db 4 and the /3 of --source name different source "
                 "databases");
}

/* ---- the .env file ------------------------------------------------------- */

struct collected {
    char text[1024];
};

static void collect(const char *key, const char *value, void *ctx)
{
    struct collected *c = ctx;
    size_t n = strlen(c->text);

    snprintf(c->text + n, sizeof(c->text) - n, "%s=[%s]\n", key, value);
}

static void test_env_file_syntax_is_read(void **state)
{
    struct collected c = {""};
    char err[CONFIG_ERR_LEN] = "";
    bool readable = true;

    (void)state;
    write_file("alt.env",
               "# a comment\n"
               "\n"
               "   \t\n"
               "PLAIN=value\n"
               "export EXPORTED=1\n"
               "  SPACED = around  \n"
               "TRAILING=abc #comment\n"
               "HASH=abc#def\n"
               "EMPTY=\n"
               "EMPTY_COMMENT= # nothing\n"
               "SINGLE='a \"b\" #c \\n'\n"
               "DOUBLE=\"say \\\"hi\\\"\\nnext\\\\ \\q\"  # note\n"
               "CRLF=dos\r\n"
               "exportX=not an export\n"
               "LAST=no newline",
               0600);
    assert_int_equal(config_read_env_file("alt.env", collect, &c, &readable,
                                          err, sizeof(err)),
                     ST_OK);
    assert_false(readable);
    assert_string_equal(c.text, "PLAIN=[value]\n"
                                "EXPORTED=[1]\n"
                                "SPACED=[around]\n"
                                "TRAILING=[abc]\n"
                                "HASH=[abc#def]\n"
                                "EMPTY=[]\n"
                                "EMPTY_COMMENT=[]\n"
                                "SINGLE=[a \"b\" #c \\n]\n"
                                "DOUBLE=[say \"hi\"\nnext\\ \\q]\n"
                                "CRLF=[dos]\n"
                                "exportX=[not an export]\n"
                                "LAST=[no newline]\n");
}

static void test_a_malformed_env_line_is_named_by_number_only(void **state)
{
    static const struct {
        const char *text;
        const char *want;
    } cases[] = {
        {"A=1\n" SECRET "\n", "alt.env line 2: expected KEY=VALUE"},
        {"A=1\n\n1X=" SECRET "\n", "alt.env line 3: expected KEY=VALUE"},
        {"PW=\"" SECRET "\n", "alt.env line 1: a quoted value is not closed"},
        {"PW='" SECRET "\n", "alt.env line 1: a quoted value is not closed"},
        {"PW=\"" SECRET "\" x\n", "line 1: unexpected text after the"},
        {"export PW " SECRET "\n", "line 1: expected KEY=VALUE"},
        {"PW=" SECRET "\nB\0=1\n", "line 2: the line holds a NUL byte"},
    };
    char err[CONFIG_ERR_LEN];
    bool readable;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct collected c = {""};
        FILE *f = fopen("alt.env", "w");
        size_t len = strlen(cases[i].text);

        if (strstr(cases[i].want, "NUL"))
            len += 1 + strlen(cases[i].text + len + 1);
        assert_non_null(f);
        assert_int_equal(fwrite(cases[i].text, 1, len, f), len);
        fclose(f);
        assert_int_equal(config_read_env_file("alt.env", collect, &c, &readable,
                                              err, sizeof(err)),
                         ST_USAGE);
        expect_err_has(err, cases[i].want);
    }

    /* through config_parse, it is a usage error too */
    struct config cfg;

    write_file(".env", "REDIS_SOURCE_PASSWORD " SECRET "\n", 0600);
    expect_usage(PARSE(&cfg, err, "copy"), &cfg, err,
                 ".env line 1: expected KEY=VALUE");
}

static void test_a_readable_env_file_with_a_password_warns(void **state)
{
    struct config cfg;
    char err[CONFIG_ERR_LEN];

    (void)state;
    write_file(".env",
               "REDIS_SOURCE_URL=redis://a\nREDIS_DEST_URL=redis://b\n"
               "REDIS_DEST_PASSWORD=" SECRET "\n",
               0644);
    expect_ok(PARSE(&cfg, err, "copy"), err);
    assert_true(warned(&cfg, ".env can be read by other users and holds a "
                             "password; run: chmod 600 .env"));
    config_free(&cfg);

    chmod(".env", 0600);
    expect_ok(PARSE(&cfg, err, "copy"), err);
    assert_int_equal(cfg.n_warnings, 0);
    config_free(&cfg);

    write_file(".env", "REDIS_SOURCE_URL=redis://a\nREDIS_DEST_URL=redis://b\n",
               0644);
    expect_ok(PARSE(&cfg, err, "copy"), err);
    assert_int_equal(cfg.n_warnings, 0);
    config_free(&cfg);
}

static void test_env_file_flag_replaces_dot_env_and_must_exist(void **state)
{
    struct config cfg;
    char err[CONFIG_ERR_LEN];
    struct collected c = {""};
    bool readable;

    (void)state;
    write_file(".env", "REDIS_SOURCE_HOST=dot.local\n", 0600);
    write_file("alt.env", "REDIS_SOURCE_HOST=alt.local\n", 0600);
    expect_ok(PARSE(&cfg, err, "copy", "--env-file", "alt.env", "--dest",
                    "redis://b"),
              err);
    assert_string_equal(cfg.source.host, "alt.local");
    config_free(&cfg);

    expect_usage(PARSE(&cfg, err, "copy", "--env-file=missing.env"), &cfg, err,
                 "--env-file: cannot read missing.env: No such file");

    assert_int_equal(mkdir("dir.env", 0700), 0);
    expect_usage(PARSE(&cfg, err, "copy", "--env-file", "dir.env"), &cfg, err,
                 "--env-file: cannot read dir.env: Is a directory");

    /* no ./.env at all is fine; the reader itself says ENOENT */
    unlink(".env");
    expect_ok(PARSE(&cfg, err, "copy", "--source", "redis://a", "--dest",
                    "redis://b"),
              err);
    config_free(&cfg);
    errno = 0;
    assert_int_equal(
        config_read_env_file(".env", collect, &c, &readable, err, sizeof(err)),
        ST_IO);
    assert_int_equal(errno, ENOENT);
}

/* ---- options ------------------------------------------------------------- */

static void test_defaults_are_set(void **state)
{
    struct config cfg;
    char err[CONFIG_ERR_LEN];
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);

    (void)state;
    expect_ok(PARSE(&cfg, err, "copy", "--source", "redis://a", "--dest",
                    "redis://b"),
              err);
    assert_int_equal(cfg.command, CMD_COPY);
    assert_int_equal(cfg.threads, cpus < 1 ? 1 : cpus);
    assert_int_equal(cfg.scan_count, 1000);
    assert_int_equal(cfg.pipeline, 1024);
    assert_int_equal(cfg.big_key_bytes, 64ull << 20);
    assert_int_equal(cfg.max_ops, 0);
    assert_int_equal(cfg.ttl_tolerance_ms, 1000);
    assert_int_equal(cfg.sample, 0);
    assert_int_equal(cfg.log_level, LOG_INFO);
    assert_int_equal(cfg.mode, MODE_AUTO);
    assert_int_equal(cfg.on_conflict, CONFLICT_UNSET);
    assert_int_equal(cfg.progress, PROGRESS_AUTO);
    assert_int_equal(cfg.read_from, READ_MASTER);
    assert_int_equal(cfg.db, -1);
    assert_null(cfg.report_path);
    assert_false(cfg.dry_run);
    assert_string_equal(cfg.source.role, "source");
    assert_string_equal(cfg.dest.role, "destination");
    config_free(&cfg);
}

static void test_every_option_takes_both_value_forms(void **state)
{
    struct config cfg;
    char err[CONFIG_ERR_LEN];

    (void)state;
    expect_ok(PARSE(&cfg, err, "copy", "--source=redis://a", "--dest",
                    "redis://b", "--threads=3", "--scan-count", "500",
                    "--pipeline=16", "--db", "2", "--mode=DUMP",
                    "--on-conflict", "skip", "--big-key-bytes=1MiB",
                    "--max-ops", "2500", "--read-from=replica", "--progress",
                    "json", "--report=out.json", "--log-level", "Debug",
                    "--dry-run", "--dest-tls-insecure", "--db-map=2:0"),
              err);
    assert_int_equal(cfg.threads, 3);
    assert_int_equal(cfg.scan_count, 500);
    assert_int_equal(cfg.pipeline, 16);
    assert_int_equal(cfg.db, 2);
    assert_int_equal(cfg.mode, MODE_DUMP);
    assert_int_equal(cfg.on_conflict, CONFLICT_SKIP);
    assert_int_equal(cfg.big_key_bytes, 1 << 20);
    assert_int_equal(cfg.max_ops, 2500);
    assert_int_equal(cfg.read_from, READ_REPLICA);
    assert_int_equal(cfg.progress, PROGRESS_JSON);
    assert_string_equal(cfg.report_path, "out.json");
    assert_int_equal(cfg.log_level, LOG_DEBUG);
    assert_true(cfg.dry_run);
    assert_true(cfg.dest.tls_insecure);
    assert_false(cfg.source.tls_insecure);
    config_free(&cfg);

    expect_ok(PARSE(&cfg, err, "verify", "--source", "redis://a", "--dest",
                    "redis://b", "--sample=100", "--ttl-tolerance-ms", "0",
                    "--progress=none"),
              err);
    assert_int_equal(cfg.command, CMD_VERIFY);
    assert_int_equal(cfg.sample, 100);
    assert_int_equal(cfg.ttl_tolerance_ms, 0);
    assert_int_equal(cfg.progress, PROGRESS_NONE);
    config_free(&cfg);
}

static void test_bad_numbers_are_refused_naming_the_range(void **state)
{
    static const struct {
        const char *opt;
        const char *val;
        const char *want;
    } cases[] = {
        {"--threads", "abc",
         "--threads: \"abc\" is not a whole number from "
         "1 to 1024"},
        {"--threads", "0", "from 1 to 1024"},
        {"--threads", "1025", "from 1 to 1024"},
        {"--threads", "-1", "from 1 to 1024"},
        {"--threads", "1.5", "from 1 to 1024"},
        {"--threads", " 2", "from 1 to 1024"},
        {"--threads", "99999999999999999999999", "from 1 to 1024"},
        {"--scan-count", "0", "--scan-count: \"0\" is not a whole number"},
        {"--pipeline", "10001", "--pipeline: \"10001\""},
        {"--db", "10001", "--db: \"10001\" is not a whole number from 0"},
        {"--max-ops", "-5", "--max-ops: \"-5\""},
        {"--big-key-bytes", "0", "--big-key-bytes: \"0\" is not a size"},
        {"--big-key-bytes", "12q", "with a k, m or g suffix"},
        {"--big-key-bytes", "2048g", "from 1 byte to 1024g"},
        {"--big-key-bytes", "m", "--big-key-bytes: \"m\""},
        {"--mode", "fast", "--mode: \"fast\" is not auto, dump or struct"},
        {"--on-conflict", "merge", "is not replace, skip or fail"},
        {"--read-from", "slave", "is not master or replica"},
        {"--progress", "fancy", "is not auto, bar, plain, json or none"},
        {"--log-level", "trace", "is not error, warn, info or debug"},
        {"--type", "json", "is not string, list, set, zset, hash or stream"},
        {"--db-map", "1", "--db-map: \"1\" is not SRC:DST"},
        {"--db-map", "a:1", "is not SRC:DST"},
        {"--db-map", "1:10001", "is not SRC:DST"},
        {"--db-map", "1:", "is not SRC:DST"},
    };
    struct config cfg;
    char err[CONFIG_ERR_LEN];

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
        expect_usage(PARSE(&cfg, err, "copy", cases[i].opt, cases[i].val), &cfg,
                     err, cases[i].want);

    expect_usage(PARSE(&cfg, err, "verify", "--sample", "x"), &cfg, err,
                 "--sample: \"x\" is not a whole number");
    expect_usage(PARSE(&cfg, err, "verify", "--ttl-tolerance-ms=86400001"),
                 &cfg, err, "--ttl-tolerance-ms: \"86400001\"");
}

static void test_byte_sizes_take_binary_suffixes(void **state)
{
    static const struct {
        const char *val;
        uint64_t want;
    } cases[] = {
        {"100", 100},       {"1k", 1024},         {"2KB", 2048},
        {"3kib", 3072},     {"64m", 64ull << 20}, {"1MB", 1ull << 20},
        {"2g", 2ull << 30}, {"1GiB", 1ull << 30}, {"1024g", 1ull << 40},
    };
    struct config cfg;
    char err[CONFIG_ERR_LEN];

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        expect_ok(PARSE(&cfg, err, "copy", "--source", "redis://a", "--dest",
                        "redis://b", "--big-key-bytes", cases[i].val),
                  err);
        assert_int_equal(cfg.big_key_bytes, cases[i].want);
        config_free(&cfg);
    }
}

static void test_repeatable_options_collect_every_value(void **state)
{
    struct config cfg;
    char err[CONFIG_ERR_LEN];

    (void)state;
    expect_ok(PARSE(&cfg, err, "copy", "--source", "redis://a", "--dest",
                    "redis://b", "--match", "user:*", "--match=session:*",
                    "--exclude", "tmp:*", "--type", "LIST", "--type=set",
                    "--type", "list", "--db-map", "0:1", "--db-map", "2:1"),
              err);
    assert_int_equal(cfg.n_match, 2);
    assert_string_equal(cfg.match[0], "user:*");
    assert_string_equal(cfg.match[1], "session:*");
    assert_int_equal(cfg.n_exclude, 1);
    assert_string_equal(cfg.exclude[0], "tmp:*");
    assert_int_equal(cfg.n_types, 2);
    assert_string_equal(cfg.types[0], "list");
    assert_string_equal(cfg.types[1], "set");
    assert_int_equal(cfg.n_db_map, 2);
    assert_int_equal(cfg.db_map[0].src, 0);
    assert_int_equal(cfg.db_map[0].dst, 1);
    assert_int_equal(cfg.db_map[1].src, 2);
    assert_int_equal(cfg.db_map[1].dst, 1);
    config_free(&cfg);

    expect_usage(PARSE(&cfg, err, "copy", "--db-map", "0:1", "--db-map", "0:2"),
                 &cfg, err, "--db-map: database 0 is mapped twice");
    expect_usage(PARSE(&cfg, err, "copy", "--threads", "2", "--threads=3"),
                 &cfg, err, "--threads is given twice; give it once");
    expect_usage(PARSE(&cfg, err, "copy", "--source", "redis://a", "--source",
                       "redis://c"),
                 &cfg, err, "--source is given twice");
}

static void test_an_unknown_option_names_itself_but_not_its_value(void **state)
{
    struct config cfg;
    char err[CONFIG_ERR_LEN];

    (void)state;
    expect_usage(PARSE(&cfg, err, "copy", "--foo"), &cfg, err,
                 "unknown option --foo for copy; see redis-migrate copy "
                 "--help");
    assert_string_equal(err, "unknown option --foo for copy; see "
                             "redis-migrate copy --help");
    expect_usage(PARSE(&cfg, err, "verify", "--password=" SECRET), &cfg, err,
                 "unknown option --password for verify");
    expect_usage(PARSE(&cfg, err, "copy", "--thread", "4"), &cfg, err,
                 "unknown option --thread for copy (did you mean "
                 "--threads?)");
    expect_usage(PARSE(&cfg, err, "copy", "-x"), &cfg, err,
                 "unknown option -x for copy");
}

static void test_a_missing_value_says_what_is_expected(void **state)
{
    struct config cfg;
    char err[CONFIG_ERR_LEN];

    (void)state;
    expect_usage(PARSE(&cfg, err, "copy", "--source"), &cfg, err,
                 "--source needs a value (a redis:// or rediss:// URI)");
    assert_string_equal(err,
                        "--source needs a value (a redis:// or rediss:// URI)");
    expect_usage(PARSE(&cfg, err, "copy", "--source="), &cfg, err,
                 "--source needs a value");
    expect_usage(PARSE(&cfg, err, "copy", "--threads", "--dry-run"), &cfg, err,
                 "--threads needs a value (a whole number from 1 to "
                 "1024)");
    expect_usage(PARSE(&cfg, err, "copy", "--dry-run=yes"), &cfg, err,
                 "--dry-run takes no value");
}

static void test_options_of_one_command_are_refused_on_the_other(void **state)
{
    struct config cfg;
    char err[CONFIG_ERR_LEN];

    (void)state;
    expect_usage(PARSE(&cfg, err, "copy", "--sample", "10"), &cfg, err,
                 "--sample is an option of verify, not of copy");
    expect_usage(PARSE(&cfg, err, "verify", "--on-conflict", "skip"), &cfg, err,
                 "--on-conflict is an option of copy, not of verify");
    expect_usage(PARSE(&cfg, err, "verify", "--dry-run"), &cfg, err,
                 "--dry-run is an option of copy");
    expect_usage(PARSE(&cfg, err, "verify", "--mode", "dump"), &cfg, err,
                 "--mode is an option of copy");
}

static void test_settings_that_contradict_each_other_are_refused(void **state)
{
    struct config cfg;
    char err[CONFIG_ERR_LEN];

    (void)state;
    expect_usage(PARSE(&cfg, err, "copy", "--source", "redis://a", "--dest",
                       "redis://b", "--dry-run", "--verify"),
                 &cfg, err, "--verify and --dry-run do not go together");
    expect_usage(PARSE(&cfg, err, "copy", "--source", "redis://a", "--dest",
                       "redis://b", "--db", "1", "--db-map", "2:0"),
                 &cfg, err, "--db-map 2:0 maps a database that");
    expect_usage(PARSE(&cfg, err, "copy", "--source",
                       "redis://:" SECRET "@h:7000", "--dest",
                       "redis://H:7000"),
                 &cfg, err,
                 "the source and the destination are the same "
                 "server and database (h:7000)");

    /* the same server is fine when the databases differ */
    expect_ok(PARSE(&cfg, err, "copy", "--source", "redis://h/0", "--dest",
                    "redis://h/1"),
              err);
    config_free(&cfg);
    expect_ok(PARSE(&cfg, err, "copy", "--source", "redis://h", "--dest",
                    "redis://h", "--db-map", "0:1"),
              err);
    config_free(&cfg);
    expect_ok(PARSE(&cfg, err, "verify", "--source", "redis://h", "--dest",
                    "redis://h"),
              err);
    config_free(&cfg);
}

static void test_stray_arguments_are_refused_without_echo(void **state)
{
    struct config cfg;
    char err[CONFIG_ERR_LEN];

    (void)state;
    expect_usage(PARSE(&cfg, err, "copy", "redis://u:" SECRET "@h"), &cfg, err,
                 "argument 2 looks like a URI: give it with --source");
    expect_usage(PARSE(&cfg, err, "copy", "--dry-run", SECRET), &cfg, err,
                 "unexpected argument 3 for copy");
    expect_usage(PARSE(&cfg, err, "copy", "--", "--dry-run"), &cfg, err,
                 "unexpected argument 3 for copy");
}

/* ---- commands and help --------------------------------------------------- */

static void test_commands_help_and_version_are_recognised(void **state)
{
    struct config cfg;
    char err[CONFIG_ERR_LEN];

    (void)state;
    expect_ok(PARSE(&cfg, err, "--help"), err);
    assert_int_equal(cfg.command, CMD_HELP);
    assert_int_equal(cfg.help_for, CMD_NONE);
    config_free(&cfg);

    expect_ok(PARSE(&cfg, err, "-h"), err);
    assert_int_equal(cfg.command, CMD_HELP);
    config_free(&cfg);

    expect_ok(PARSE(&cfg, err, "--version"), err);
    assert_int_equal(cfg.command, CMD_VERSION);
    config_free(&cfg);

    expect_ok(PARSE(&cfg, err, "help", "verify"), err);
    assert_int_equal(cfg.command, CMD_HELP);
    assert_int_equal(cfg.help_for, CMD_VERIFY);
    config_free(&cfg);

    expect_ok(PARSE(&cfg, err, "help"), err);
    assert_int_equal(cfg.help_for, CMD_NONE);
    config_free(&cfg);

    /* --help wins over anything else on the line, even bad options */
    expect_ok(PARSE(&cfg, err, "copy", "--threads", "x", "--nope", "-h"), err);
    assert_int_equal(cfg.command, CMD_HELP);
    assert_int_equal(cfg.help_for, CMD_COPY);
    config_free(&cfg);

    /* ... but not as the value of an option */
    expect_usage(PARSE(&cfg, err, "copy", "--match", "-h", "--threads", "x"),
                 &cfg, err, "--threads: \"x\"");
}

static void
test_missing_later_and_unknown_commands_are_usage_errors(void **state)
{
    struct config cfg;
    char err[CONFIG_ERR_LEN];
    char *argv[] = {"redis-migrate", NULL};

    (void)state;
    memset(&cfg, 0, sizeof(cfg));
    assert_int_equal(config_parse(&cfg, 1, argv, err, sizeof(err)), ST_USAGE);
    expect_err_has(err, "no command given; see redis-migrate --help");
    config_free(&cfg);

    expect_usage(PARSE(&cfg, err, "run", "job.yaml"), &cfg, err,
                 "run is not available in this version of redis-migrate "
                 "yet");
    expect_usage(PARSE(&cfg, err, "diagnose"), &cfg, err,
                 "diagnose is not available");
    expect_usage(PARSE(&cfg, err, "aws", "provision"), &cfg, err,
                 "aws is not available");
    expect_usage(PARSE(&cfg, err, "help", "aws"), &cfg, err,
                 "aws is not available");
    expect_usage(PARSE(&cfg, err, "cpy"), &cfg, err,
                 "unknown command \"cpy\"; the commands are copy and verify");
    expect_usage(PARSE(&cfg, err, "redis://:" SECRET "@h"), &cfg, err,
                 "unknown command; the commands are copy and verify");
    expect_usage(PARSE(&cfg, err, "--source", "redis://a"), &cfg, err,
                 "the command comes first");
}

static char *usage_text(enum command cmd)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    assert_non_null(f);
    config_usage(cmd, f);
    fclose(f);
    return text;
}

static void test_help_fits_a_screen_and_ignores_the_environment(void **state)
{
    const enum command cmds[] = {CMD_NONE, CMD_COPY, CMD_VERIFY};
    struct config cfg;
    char err[CONFIG_ERR_LEN];

    (void)state;
    for (size_t i = 0; i < sizeof(cmds) / sizeof(*cmds); i++) {
        char *plain = usage_text(cmds[i]), *with_env;
        size_t lines = 0;

        for (const char *p = plain; *p; p++)
            lines += *p == '\n';
        if (lines > 40)
            print_error("usage of command %d has %zu lines\n", cmds[i], lines);
        assert_true(lines <= 40);
        assert_non_null(strstr(plain, "xample"));
        for (const char *p = plain; *p; p++) {
            size_t w = strcspn(p, "\n");

            assert_true(w <= 80);
            p += w;
            if (!*p)
                break;
        }

        setenv("REDIS_SOURCE_PASSWORD", SECRET, 1);
        setenv("REDIS_DEST_URL", "redis://:" SECRET "@h", 1);
        with_env = usage_text(cmds[i]);
        assert_string_equal(plain, with_env);
        clear_env();
        free(plain);
        free(with_env);
    }

    /* a broken .env does not stop --help */
    write_file(".env", "this is not a setting\n", 0644);
    expect_ok(PARSE(&cfg, err, "copy", "--help"), err);
    assert_int_equal(cfg.command, CMD_HELP);
    config_free(&cfg);
}

static void test_config_free_can_run_twice_and_after_a_failure(void **state)
{
    struct config cfg;
    char err[CONFIG_ERR_LEN];

    (void)state;
    setenv("REDIS_DEST_PASSWORD", SECRET, 1);
    assert_int_equal(PARSE(&cfg, err, "copy", "--match", "a", "--type", "hash",
                           "--report", "r.json", "--source", "redis://a",
                           "--dest", "redis://b", "--db-map", "0:1",
                           "--threads", "0"),
                     ST_USAGE);
    config_free(&cfg);
    config_free(&cfg);
    assert_null(cfg.match);

    expect_ok(PARSE(&cfg, err, "copy", "--source", "redis://a", "--dest",
                    "redis://b"),
              err);
    assert_string_equal(cfg.dest.password, SECRET);
    config_free(&cfg);
    assert_null(cfg.dest.password);
    config_free(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_a_uri_with_user_and_password_gives_every_field),
        T(test_a_uri_with_only_a_password_has_no_user),
        T(test_user_and_password_are_percent_decoded),
        T(test_a_password_with_a_raw_at_sign_still_parses),
        T(test_an_ipv6_host_is_written_in_brackets),
        T(test_fields_a_uri_does_not_give_are_left_alone),
        T(test_rediss_turns_tls_on_and_schemes_ignore_case),
        T(test_a_uri_without_a_port_gets_6379),
        T(test_every_malformed_uri_is_refused_without_its_password),
        T(test_a_bad_flag_uri_names_the_flag_and_hides_userinfo),
        T(test_endpoint_describe_never_shows_a_password),
        T(test_an_endpoint_can_come_from_separate_variables),
        T(test_a_password_variable_fills_a_uri_without_one),
        T(test_a_password_in_a_flag_uri_warns_but_not_in_a_variable),
        T(test_the_flag_uri_wins_over_the_url_variable),
        T(test_the_environment_wins_over_the_env_file),
        T(test_bad_variables_are_named_with_where_they_came_from),
        T(test_tls_files_must_be_readable_when_tls_is_on),
        T(test_a_missing_endpoint_names_the_flag_and_the_variables),
        T(test_db_and_the_source_uri_db_are_one_setting),
        T(test_env_file_syntax_is_read),
        T(test_a_malformed_env_line_is_named_by_number_only),
        T(test_a_readable_env_file_with_a_password_warns),
        T(test_env_file_flag_replaces_dot_env_and_must_exist),
        T(test_defaults_are_set),
        T(test_every_option_takes_both_value_forms),
        T(test_bad_numbers_are_refused_naming_the_range),
        T(test_byte_sizes_take_binary_suffixes),
        T(test_repeatable_options_collect_every_value),
        T(test_an_unknown_option_names_itself_but_not_its_value),
        T(test_a_missing_value_says_what_is_expected),
        T(test_options_of_one_command_are_refused_on_the_other),
        T(test_settings_that_contradict_each_other_are_refused),
        T(test_stray_arguments_are_refused_without_echo),
        T(test_commands_help_and_version_are_recognised),
        T(test_missing_later_and_unknown_commands_are_usage_errors),
        T(test_help_fits_a_screen_and_ignores_the_environment),
        T(test_config_free_can_run_twice_and_after_a_failure),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
