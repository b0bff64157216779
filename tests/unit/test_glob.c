/*
 * Unit tests of core/glob.c against the semantics of SCAN MATCH.
 *
 * The tables below say what a Redis 7.0 server on x86-64 answers for each
 * (pattern, key) pair; the last test starts a real redis-server on a free
 * port of 127.0.0.1 in a temporary folder, stores every key of the tables,
 * asks SCAN MATCH for every pattern, and compares the server's answer with
 * glob_match() on every pair (and with the tables, so the tables cannot
 * drift from the server). It skips, saying so, when no redis-server can be
 * started; REDIS_SERVER_BIN names another binary (valkey-server).
 *
 * Single-threaded; the server is a child process stopped by its pid.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>

#include <cmocka.h>
#include <hiredis/hiredis.h>

#include "core/glob.h"

struct gcase {
    const char *pat;
    size_t plen;
    const char *key;
    size_t klen;
    bool want;
};

/* String literals with their real lengths, so NUL bytes count. */
#define G(p, k, w)                                                             \
    {                                                                          \
        p, sizeof(p) - 1, k, sizeof(k) - 1, w                                  \
    }
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the tables -------------------------------------------------------- */

static const struct gcase stars[] = {
    G("*", "abc", true),        G("*", "", true), /* SCAN never filters "*" */
    G("a*", "a", true),         G("a*", "abc", true),
    G("a*", "bac", false),      G("*c", "abc", true),
    G("*c", "abcd", false),     G("a*c", "ac", true),
    G("a*c", "abbbc", true),    G("a*c", "abcb", false),
    G("*b*", "abc", true),      G("*b*", "acd", false),
    G("user:*", "user:", true), G("user:*", "user", false),
    G("*:*", "a:b", true),      G("*:*", "ab", false),
    G("a*b*c", "aXbYc", true),  G("a*b*c", "acb", false),
    G("*a", "aaaa", true),      G("a*a", "a", false),
    G("a*a", "aa", true),       G("*ab", "aab", true),
    G("*aab", "aaab", true),    G("a*b*", "abxab", true),
};

static const struct gcase star_runs[] = {
    G("a**c", "ac", true),     G("a**c", "abc", true),
    G("***", "abc", true),     G("**a**", "a", true),
    G("**a**", "b", false),    G("*?*", "a", true),
    G("*?*", "", false),       G("a*****", "a", true),
    G("*****b", "aaab", true), G("**?**?**", "ab", true),
    G("**?**?**", "a", false),
};

static const struct gcase questions[] = {
    G("?", "a", true),         G("?", "", false),
    G("?", "ab", false),       G("??", "ab", true),
    G("h?llo", "hello", true), G("h?llo", "hllo", false),
    G("?*", "", false),        G("?*", "x", true),
    G("*?", "x", true),        G("*?", "", false),
    G("?", "\0", true),        G("?", "\xff", true),
    G("a?c", "a\nc", true),    G("a?c", "a\r\nc", false),
};

static const struct gcase classes[] = {
    G("[abc]", "a", true),         G("[abc]", "c", true),
    G("[abc]", "d", false),        G("[abc]", "", false),
    G("[abc]", "ab", false),       G("h[ae]llo", "hallo", true),
    G("h[ae]llo", "hillo", false), G("[^abc]", "d", true),
    G("[^abc]", "a", false),       G("[^abc]", "", false),
    G("[^]", "x", true),           G("[^]", "", false),
    G("[]", "x", false),           G("[]", "]", false),
    G("[]]", "]", false),          G("[]a]", "a", false),
    G("[\\]]", "]", true),         G("[\\]]", "\\", false),
    G("[*]", "*", true),           G("[*]", "a", false),
    G("[?]", "?", true),           G("[?]", "a", false),
    G("[[]", "[", true),           G("[-a]", "-", true),
    G("[-a]", "a", true),          G("[-a]", "b", false),
    G("[a-b-c]", "c", true),       G("[a-b-c]", "-", true),
    G("[a-b-c]", "d", false),      G("[\\-]", "-", true),
    G("[\\-]", "\\", false),       G("[\\a-c]", "b", false),
    G("[\\a-c]", "-", true),       G("[\\a-c]", "c", true),
    G("[^\\^]", "^", false),       G("[^^]", "a", true),
};

static const struct gcase ranges[] = {
    G("[a-z]", "m", true),
    G("[a-z]", "A", false),
    G("[a-z]", "a", true),
    G("[a-z]", "z", true),
    G("[a-z]", "{", false),
    G("[A-Z]", "Q", true),
    G("[0-9]", "5", true),
    G("[^0-9]", "5", false),
    G("[^0-9]", "x", true),
    G("[--0]", "/", true),
    G("[--0]", "1", false),
    G("user:[0-9]*", "user:1x", true),
    G("user:[0-9]*", "user:x1", false),
    G("[a-cx-z]", "y", true),
    G("[a-cx-z]", "m", false),
    G("[a-z]*[0-9]", "abc9", true),
    G("[a-a]", "a", true),
    G("[a-a]", "b", false),
};

static const struct gcase reversed_ranges[] = {
    G("[z-a]", "m", true),  G("[z-a]", "a", true),   G("[z-a]", "z", true),
    G("[z-a]", "A", false), G("[^z-a]", "m", false), G("[9-0]", "3", true),
};

static const struct gcase escapes[] = {
    G("\\*", "*", true),      G("\\*", "a", false),    G("a\\*c", "a*c", true),
    G("a\\*c", "abc", false), G("a\\?c", "a?c", true), G("a\\?c", "abc", false),
    G("\\[a]", "[a]", true),  G("\\[a]", "a", false),  G("\\\\", "\\", true),
    G("\\a", "a", true),      G("*\\*", "x*", true),   G("*\\*", "x", false),
};

static const struct gcase trailing_backslash[] = {
    G("\\", "\\", true),   G("\\", "", false),   G("\\", "a", false),
    G("a\\", "a\\", true), G("a\\", "a", false), G("*\\", "x\\", true),
    G("[\\", "\\", true),  G("[a\\", "a", true),
};

static const struct gcase unclosed[] = {
    G("[", "", false),    G("[", "[", false),    G("[", "a", false),
    G("[a", "a", true),   G("[a", "b", false),   G("[a", "ab", false),
    G("[abc", "b", true), G("[^", "x", true),    G("[^a", "a", false),
    G("[^a", "b", true),  G("a[", "a", false),   G("a[", "a[", false),
    G("*[", "x", false),  G("[a-", "a", true),   G("[a-", "-", true),
    G("[a-", "b", false), G("x[ab", "xb", true),
};

/* Redis reads `x-]` as a range from x to ']' and the class as unclosed. */
static const struct gcase dash_before_bracket[] = {
    G("[a-]", "a", true), G("[a-]", "-", false), G("[a-]", "_", true),
    G("[a-]", "]", true), G("[a-]x", "x", true), G("[a-]x", "ax", false),
    G("[%-]", "A", true), G("[%-]", "-", true),
};

static const struct gcase nul_bytes[] = {
    G("a\0b", "a\0b", true),   G("a\0b", "a\0c", false),
    G("a\0b", "a", false),     G("?\0?", "x\0y", true),
    G("[\0]", "\0", true),     G("[\0]", "0", false),
    G("*\0", "abc\0", true),   G("\0*", "\0", true),
    G("[^\0]", "\0", false),   G("[\0-\5]", "\3", true),
    G("[\0-\5]", "\6", false), G("\0", "", false),
};

/* Equality on high bytes: no sign question. */
static const struct gcase high_bytes[] = {
    G("\xff", "\xff", true),
    G("\xff", "\xfe", false),
    G("*\xff*",
      "a\xff"
      "b",
      true),
    G("[\xff]", "\xff", true),
    G("[^\xff]", "\xff", false),
    G("[^\xff]", "a", true),
    G("[\x80-\xff]", "\x90", true),
    G("[\x80-\xff]", "a", false),
    G("[\x00-\x7f]", "a", true),
    G("[\x00-\x7f]", "\x80", false),
    G("\xc3\xa9*", "\xc3\xa9t\xc3\xa9", true),
};

/*
 * Ranges with one end at or past 0x80: the server compares `char`s, which
 * are signed on x86-64 (0xff is -1), so [\x01-\xff] is the range -1..1.
 */
static const struct gcase signed_ranges[] = {
    G("[\x01-\xff]", "a", false), G("[\x01-\xff]", "\x00", true),
    G("[a-\xff]", "b", false),    G("[a-\xff]", "0", true),
    G("[\x7f-\x80]", "a", true),  G("[\x7f-\x80]", "\x85", true),
};

static const struct gcase empties[] = {
    G("", "", true),     G("", "a", false),   G("a", "", false),
    G("**", "", false),  G("***", "", false), G("?", "", false),
    G("[a]", "", false),
};

/* ---- helpers ----------------------------------------------------------- */

/* Writes `n` bytes escaped as the report shows keys: printable ASCII as
 * is, backslash doubled, every other byte \xNN. */
static const char *esc(const char *p, size_t n, char *out, size_t outlen)
{
    size_t o = 0;

    for (size_t i = 0; i < n && o + 5 < outlen; i++) {
        unsigned char ch = (unsigned char)p[i];
        if (ch == '\\') {
            out[o++] = '\\';
            out[o++] = '\\';
        } else if (ch >= 0x20 && ch <= 0x7e)
            out[o++] = (char)ch;
        else
            o += (size_t)snprintf(out + o, outlen - o, "\\x%02x", ch);
    }
    out[o] = '\0';
    return out;
}

static void run_table(const char *name, const struct gcase *t, size_t n)
{
    int bad = 0;

    for (size_t i = 0; i < n; i++) {
        bool got = glob_match(t[i].pat, t[i].plen, t[i].key, t[i].klen);
        char pe[128], ke[128];

        if (got == t[i].want)
            continue;
        bad++;
        print_error("%s: pattern \"%s\" key \"%s\": expected %s, got %s\n",
                    name, esc(t[i].pat, t[i].plen, pe, sizeof(pe)),
                    esc(t[i].key, t[i].klen, ke, sizeof(ke)),
                    t[i].want ? "match" : "no match",
                    got ? "match" : "no match");
    }
    if (bad)
        print_error("%s: %d of %zu cases disagree with SCAN MATCH\n", name, bad,
                    n);
    assert_int_equal(bad, 0);
}

#define RUN(t) run_table(#t, t, N(t))

/* ---- table tests ------------------------------------------------------- */

static void test_star_matches_any_run_of_bytes(void **state)
{
    (void)state;
    RUN(stars);
}

static void test_runs_of_stars_act_as_one_star(void **state)
{
    (void)state;
    RUN(star_runs);
}

static void test_question_mark_matches_exactly_one_byte(void **state)
{
    (void)state;
    RUN(questions);
}

static void test_classes_match_one_listed_byte_or_one_unlisted(void **s)
{
    (void)s;
    RUN(classes);
}

static void test_ranges_match_bytes_between_their_ends(void **state)
{
    (void)state;
    RUN(ranges);
}

static void test_a_reversed_range_is_read_low_to_high(void **state)
{
    (void)state;
    RUN(reversed_ranges);
}

static void test_backslash_makes_the_next_byte_literal(void **state)
{
    (void)state;
    RUN(escapes);
}

static void test_a_trailing_backslash_matches_a_backslash(void **state)
{
    (void)state;
    RUN(trailing_backslash);
}

static void test_an_unclosed_class_matches_one_of_its_bytes(void **state)
{
    (void)state;
    RUN(unclosed);
}

static void
test_a_dash_before_the_closing_bracket_reads_as_redis_does(void **state)
{
    (void)state;
    RUN(dash_before_bracket);
}

static void test_nul_bytes_are_ordinary_bytes(void **state)
{
    (void)state;
    RUN(nul_bytes);
}

static void test_high_bytes_match_themselves(void **state)
{
    (void)state;
    RUN(high_bytes);
}

static void test_ranges_over_high_bytes_compare_as_the_server_does(void **s)
{
    (void)s;
    RUN(signed_ranges);
}

static void test_empty_patterns_and_empty_keys(void **state)
{
    (void)state;
    RUN(empties);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_a_pathological_pattern_finishes_fast(void **state)
{
    const size_t n = 100000;
    char *s = malloc(n + 1);
    const char *pats[] = {
        "a*a*a*a*a*a*b",
        "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*c",
        "?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*b",
        "*[a-z]*[a-z]*[a-z]*[a-z]*[a-z]*[a-z]*[a-z]*!",
    };
    double t0 = now_s();

    (void)state;
    assert_non_null(s);
    memset(s, 'a', n);
    for (size_t i = 0; i < N(pats); i++) {
        bool got = glob_match(pats[i], strlen(pats[i]), s, n);
        if (got)
            print_error("\"%s\" against %zu a's: expected no match\n", pats[i],
                        n);
        assert_false(got);
    }
    s[n] = 'b';
    assert_true(glob_match(pats[0], strlen(pats[0]), s, n + 1));
    assert_true(glob_match(pats[2], strlen(pats[2]), s, n + 1));

    double took = now_s() - t0;
    if (took > 2.0)
        print_error("the pathological patterns took %.2f s (limit 2 s)\n",
                    took);
    assert_true(took <= 2.0);
    free(s);
}

static void test_long_keys_and_patterns_work(void **state)
{
    const size_t n = 64 * 1024;
    char *k = malloc(n);
    char *p = malloc(n);

    (void)state;
    assert_non_null(k);
    assert_non_null(p);
    /* Every byte but the four the pattern syntax gives a meaning to. */
    for (size_t i = 0, b = 0; i < n; i++, b++) {
        while (b % 256 == '*' || b % 256 == '?' || b % 256 == '[' ||
               b % 256 == '\\')
            b++;
        k[i] = (char)(b % 256);
    }
    memcpy(p, k, n);
    assert_true(glob_match(p, n, k, n));
    p[n / 2] = '?';
    assert_true(glob_match(p, n, k, n));
    p[n - 1] = '*';
    assert_true(glob_match(p, n, k, n));
    assert_false(glob_match(p, n, k, n / 2));
    free(p);
    free(k);
}

/* ---- the cross-check with a real server -------------------------------- */

static const struct {
    const struct gcase *t;
    size_t n;
} all_tables[] = {
    {stars, N(stars)},
    {star_runs, N(star_runs)},
    {questions, N(questions)},
    {classes, N(classes)},
    {ranges, N(ranges)},
    {reversed_ranges, N(reversed_ranges)},
    {escapes, N(escapes)},
    {trailing_backslash, N(trailing_backslash)},
    {unclosed, N(unclosed)},
    {dash_before_bracket, N(dash_before_bracket)},
    {nul_bytes, N(nul_bytes)},
    {high_bytes, N(high_bytes)},
    {signed_ranges, N(signed_ranges)},
    {empties, N(empties)},
};

struct bytes {
    const char *p;
    size_t n;
};

/* Extra keys, so that every pattern also meets keys it was not written for. */
static const struct bytes extra_keys[] = {
    {"hello", 5},
    {"hallo", 5},
    {"hxllo", 5},
    {"heeello", 7},
    {"user:1", 6},
    {"user:10", 7},
    {"user:abc", 8},
    {"A", 1},
    {"Z", 1},
    {"0", 1},
    {"9", 1},
    {"^", 1},
    {"`", 1},
    {"\x7f", 1},
    {"\x80", 1},
    {"\xfe", 1},
    {"\r\n", 2},
    {"a-b", 3},
    {"aaaaab", 6},
    {"[abc]", 5},
    {"\\\\", 2},
    {"a\xff"
     "b",
     3},
};

struct server {
    pid_t pid;
    int port;
    char dir[64];
};

static int free_port(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET};
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[512];

    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

static void server_stop(struct server *s)
{
    int st;

    if (s->pid > 0) {
        kill(s->pid, SIGTERM);
        for (int i = 0; i < 100; i++) {
            if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
                s->pid = 0;
                break;
            }
            usleep(50 * 1000);
        }
        if (s->pid > 0) {
            kill(s->pid, SIGKILL);
            waitpid(s->pid, &st, 0);
            s->pid = 0;
        }
    }
    if (s->dir[0])
        remove_dir(s->dir);
    s->dir[0] = '\0';
}

/* Forks the server on a free port; false with `why` if it does not come
 * up within 5 s. */
static bool server_try(struct server *s, const char *bin, redisContext **out,
                       char *why, size_t whylen)
{
    char port[16], log[128];

    s->port = free_port();
    snprintf(port, sizeof(port), "%d", s->port);
    snprintf(log, sizeof(log), "%s/server.log", s->dir);
    s->pid = fork();
    if (s->pid < 0) {
        snprintf(why, whylen, "fork: %s", strerror(errno));
        return false;
    }
    if (s->pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execlp(bin, bin, "--port", port, "--bind", "127.0.0.1", "--dir", s->dir,
               "--save", "", "--appendonly", "no", "--daemonize", "no",
               (char *)NULL);
        _exit(127);
    }

    for (int i = 0; i < 100; i++) {
        struct timeval tv = {1, 0};
        int st;

        if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
            s->pid = 0;
            snprintf(why, whylen, "%s exited with status %d (see its log)", bin,
                     WIFEXITED(st) ? WEXITSTATUS(st) : -1);
            return false;
        }
        redisContext *c = redisConnectWithTimeout("127.0.0.1", s->port, tv);
        if (c && !c->err) {
            redisReply *r = redisCommand(c, "PING");
            bool up = r && r->type == REDIS_REPLY_STATUS;
            if (r)
                freeReplyObject(r);
            if (up) {
                *out = c;
                return true;
            }
        }
        if (c)
            redisFree(c);
        usleep(50 * 1000);
    }
    snprintf(why, whylen, "%s did not answer PING within 5 s", bin);
    return false;
}

static bool server_start(struct server *s, redisContext **out, char *why,
                         size_t whylen)
{
    const char *bin = getenv("REDIS_SERVER_BIN");

    if (!bin || !*bin)
        bin = "redis-server";
    snprintf(s->dir, sizeof(s->dir), "/tmp/rm-test-glob-XXXXXX");
    if (!mkdtemp(s->dir)) {
        snprintf(why, whylen, "mkdtemp: %s", strerror(errno));
        s->dir[0] = '\0';
        return false;
    }
    for (int attempt = 0; attempt < 3; attempt++) {
        if (server_try(s, bin, out, why, whylen))
            return true;
        if (s->pid > 0) {
            kill(s->pid, SIGKILL);
            waitpid(s->pid, NULL, 0);
            s->pid = 0;
        }
        if (strstr(why, "status 127"))
            break; /* no such binary: trying again will not help */
    }
    return false;
}

/* Appends p unless it is there already. */
static void add_unique(struct bytes *set, size_t *n, size_t max, const char *p,
                       size_t len)
{
    for (size_t j = 0; j < *n; j++)
        if (set[j].n == len && memcmp(set[j].p, p, len) == 0)
            return;
    if (*n < max)
        set[(*n)++] = (struct bytes){p, len};
}

/* Collects the distinct keys and patterns of every table, and extras. */
static void collect(struct bytes *keys, size_t *nk, struct bytes *pats,
                    size_t *np, size_t max)
{
    *nk = *np = 0;
    for (size_t t = 0; t < N(all_tables); t++)
        for (size_t i = 0; i < all_tables[t].n; i++) {
            const struct gcase *g = &all_tables[t].t[i];
            add_unique(keys, nk, max, g->key, g->klen);
            add_unique(pats, np, max, g->pat, g->plen);
        }
    for (size_t i = 0; i < N(extra_keys); i++)
        add_unique(keys, nk, max, extra_keys[i].p, extra_keys[i].n);
}

static int find_key(const struct bytes *keys, size_t n, const char *p,
                    size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (keys[i].n == len && memcmp(keys[i].p, p, len) == 0)
            return (int)i;
    return -1;
}

/* Marks in `hit` the keys SCAN MATCH returns for the pattern. */
static void scan_match(redisContext *c, const char *pat, size_t plen,
                       const struct bytes *keys, size_t n, bool *hit)
{
    char cursor[32] = "0";

    memset(hit, 0, n * sizeof(*hit));
    do {
        const char *argv[] = {"SCAN", cursor, "MATCH", pat, "COUNT", "1000"};
        size_t lens[] = {4, strlen(cursor), 5, plen, 5, 4};
        redisReply *r = redisCommandArgv(c, 6, argv, lens);

        assert_non_null(r);
        assert_int_equal(r->type, REDIS_REPLY_ARRAY);
        assert_int_equal(r->elements, 2);
        snprintf(cursor, sizeof(cursor), "%s", r->element[0]->str);
        for (size_t i = 0; i < r->element[1]->elements; i++) {
            redisReply *k = r->element[1]->element[i];
            int at = find_key(keys, n, k->str, k->len);
            assert_true(at >= 0);
            hit[at] = true;
        }
        freeReplyObject(r);
    } while (strcmp(cursor, "0") != 0);
}

/* Compares the server and our matcher on every key for one pattern, and
 * prints one line per pattern with a few of the keys they disagree on. */
static int compare_pattern(redisContext *c, const char *pat, size_t plen,
                           const struct bytes *keys, size_t n, bool *hit)
{
    int bad = 0;
    char pe[128], ke[128], ex[512] = "";
    size_t o = 0;

    scan_match(c, pat, plen, keys, n, hit);
    for (size_t i = 0; i < n; i++) {
        bool ours = glob_match(pat, plen, keys[i].p, keys[i].n);
        if (ours == hit[i])
            continue;
        if (bad++ < 4 && o < sizeof(ex))
            o += (size_t)snprintf(
                ex + o, sizeof(ex) - o, " \"%s\" (server %s, glob_match %s)",
                esc(keys[i].p, keys[i].n, ke, sizeof(ke)),
                hit[i] ? "match" : "no match", ours ? "match" : "no match");
    }
    if (bad)
        print_error("pattern \"%s\": glob_match and the server disagree on "
                    "%d of %zu keys, e.g.%s\n",
                    esc(pat, plen, pe, sizeof(pe)), bad, n, ex);
    return bad;
}

/* The tables' own expectations must be what the server says. */
static int check_tables(const struct bytes *keys, size_t n, bool *hit,
                        redisContext *c)
{
    int bad = 0;
    char pe[128], ke[128];

    for (size_t t = 0; t < N(all_tables); t++)
        for (size_t i = 0; i < all_tables[t].n; i++) {
            const struct gcase *g = &all_tables[t].t[i];
            int at = find_key(keys, n, g->key, g->klen);
            scan_match(c, g->pat, g->plen, keys, n, hit);
            if (hit[at] == g->want)
                continue;
            bad++;
            print_error("TABLE ERROR: pattern \"%s\" key \"%s\": the table "
                        "says %s, the server says %s\n",
                        esc(g->pat, g->plen, pe, sizeof(pe)),
                        esc(g->key, g->klen, ke, sizeof(ke)),
                        g->want ? "match" : "no match",
                        hit[at] ? "match" : "no match");
        }
    return bad;
}

/* The server and the client live here so that teardown stops the server
 * even when an assertion jumps out of the test. */
static struct server g_srv;
static redisContext *g_ctx;

static int stop_server(void **state)
{
    (void)state;
    if (g_ctx)
        redisFree(g_ctx);
    g_ctx = NULL;
    server_stop(&g_srv);
    return 0;
}

static void test_matches_what_a_real_server_answers_to_scan_match(void **st)
{
    struct server *s = &g_srv;
    redisContext *c = NULL;
    char why[256] = "";
    struct bytes keys[512], pats[512];
    bool hit[512];
    size_t nk, np;
    int bad = 0, table_bad;

    (void)st;
    collect(keys, &nk, pats, &np, N(keys));
    if (!server_start(s, &g_ctx, why, sizeof(why))) {
        server_stop(s);
        fprintf(stderr,
                "SKIP: cannot start a server for the cross-check: "
                "%s\n",
                why);
        skip();
    }
    c = g_ctx;

    /* Store every key, then ask for every pattern. */
    for (size_t i = 0; i < nk; i++) {
        const char *argv[] = {"SET", keys[i].p, "1"};
        size_t lens[] = {3, keys[i].n, 1};
        redisReply *r = redisCommandArgv(c, 3, argv, lens);
        assert_non_null(r);
        assert_int_not_equal(r->type, REDIS_REPLY_ERROR);
        freeReplyObject(r);
    }
    for (size_t i = 0; i < np; i++)
        bad += compare_pattern(c, pats[i].p, pats[i].n, keys, nk, hit);
    table_bad = check_tables(keys, nk, hit, c);

    fprintf(stderr,
            "cross-check: %zu patterns x %zu keys = %zu pairs; glob_match "
            "disagrees with the server on %d; the tables on %d\n",
            np, nk, np * nk, bad, table_bad);
    stop_server(NULL);
    assert_int_equal(table_bad, 0);
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_star_matches_any_run_of_bytes),
        cmocka_unit_test(test_runs_of_stars_act_as_one_star),
        cmocka_unit_test(test_question_mark_matches_exactly_one_byte),
        cmocka_unit_test(test_classes_match_one_listed_byte_or_one_unlisted),
        cmocka_unit_test(test_ranges_match_bytes_between_their_ends),
        cmocka_unit_test(test_a_reversed_range_is_read_low_to_high),
        cmocka_unit_test(test_backslash_makes_the_next_byte_literal),
        cmocka_unit_test(test_a_trailing_backslash_matches_a_backslash),
        cmocka_unit_test(test_an_unclosed_class_matches_one_of_its_bytes),
        cmocka_unit_test(
            test_a_dash_before_the_closing_bracket_reads_as_redis_does),
        cmocka_unit_test(test_nul_bytes_are_ordinary_bytes),
        cmocka_unit_test(test_high_bytes_match_themselves),
        cmocka_unit_test(
            test_ranges_over_high_bytes_compare_as_the_server_does),
        cmocka_unit_test(test_empty_patterns_and_empty_keys),
        cmocka_unit_test(test_a_pathological_pattern_finishes_fast),
        cmocka_unit_test(test_long_keys_and_patterns_work),
        cmocka_unit_test_teardown(
            test_matches_what_a_real_server_answers_to_scan_match, stop_server),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
