/*
 * benchtool's entry point: a flat dispatcher over the subcommands, and the
 * `timeit` subcommand, which measures a child the way /usr/bin/time -v
 * would (wall clock from CLOCK_MONOTONIC, user and system CPU and peak RSS
 * from the rusage wait4() returns) but prints one machine-readable line,
 * and stops a child that runs past its time limit.
 *
 * Single-threaded.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "benchtool.h"

/* What a subcommand's argument parser returns for malformed arguments. */
#define BT_BAD_ARGS (-1)

static void usage(void)
{
    fputs("usage: benchtool gen-strings N SIZE SEED > file.resp\n"
          "       benchtool gen-mixed N SEED > file.resp\n"
          "       benchtool dump-stream HOST PORT OUT.resp\n"
          "       benchtool migrate SHOST SPORT DHOST DPORT BATCH TIMEOUT_MS\n"
          "       benchtool split-stream IN.resp HOST PORT OUT_PREFIX\n"
          "       benchtool key-slot KEY\n"
          "       benchtool timeit OUT.txt LIMIT_S -- CMD [ARG...]\n",
          stderr);
}

/* Parses a decimal unsigned number; returns -1 when `s` is not one. */
static int parse_u64(const char *s, uint64_t *out)
{
    char *end = NULL;
    unsigned long long v;

    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || s[0] == '-') {
        fprintf(stderr, "benchtool: not a number: %s\n", s);
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_port(const char *s, int *out)
{
    uint64_t v;

    if (parse_u64(s, &v) != 0 || v == 0 || v > 65535)
        return -1;
    *out = (int)v;
    return 0;
}

static double seconds(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) +
           (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static double tv_seconds(const struct timeval *tv)
{
    return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

static volatile sig_atomic_t alarm_rang;

static void on_alarm(int sig)
{
    (void)sig;
    alarm_rang = 1;
}

/* Waits for `pid`. After `limit_s` seconds (0: never) it sends SIGTERM, and
 * SIGKILL five seconds later; *timed_out says whether that happened. */
static int wait_child(pid_t pid, unsigned limit_s, int *st, struct rusage *ru,
                      int *timed_out)
{
    struct sigaction sa = {.sa_handler = on_alarm}; /* no SA_RESTART */
    int sent = 0;

    *timed_out = 0;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    alarm(limit_s);
    while (wait4(pid, st, 0, ru) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "benchtool timeit: wait4: %s\n", strerror(errno));
            return -1;
        }
        if (!alarm_rang)
            continue; /* a signal meant for the bench */
        alarm_rang = 0;
        *timed_out = 1;
        kill(pid, sent == 0 ? SIGTERM : SIGKILL);
        if (sent++ == 0)
            alarm(5);
    }
    alarm(0);
    return 0;
}

int bt_timeit(const char *path, unsigned limit_s, char **argv)
{
    struct timespec t0, t1;
    struct rusage ru;
    int st = 0, code, timed_out;
    pid_t pid;
    FILE *f;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid = fork();
    if (pid < 0) {
        fprintf(stderr, "benchtool timeit: fork: %s\n", strerror(errno));
        return 127;
    }
    if (pid == 0) {
        execvp(argv[0], argv);
        fprintf(stderr, "benchtool timeit: cannot run %s: %s\n", argv[0],
                strerror(errno));
        _exit(127);
    }
    if (wait_child(pid, limit_s, &st, &ru, &timed_out) != 0)
        return 127;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);

    f = fopen(path, "w");
    if (f == NULL) {
        fprintf(stderr, "benchtool timeit: %s: %s\n", path, strerror(errno));
        return 127;
    }
    fprintf(f, "%.6f %.6f %.6f %ld %d %d\n", seconds(&t0, &t1),
            tv_seconds(&ru.ru_utime), tv_seconds(&ru.ru_stime), ru.ru_maxrss,
            code, timed_out);
    fclose(f);
    return code;
}

static int cmd_gen_strings(int argc, char **argv)
{
    uint64_t n, size, seed;

    if (argc != 5 || parse_u64(argv[2], &n) || parse_u64(argv[3], &size) ||
        parse_u64(argv[4], &seed))
        return BT_BAD_ARGS;
    return bt_gen_strings(n, size, seed);
}

static int cmd_gen_mixed(int argc, char **argv)
{
    uint64_t n, seed;

    if (argc != 4 || parse_u64(argv[2], &n) || parse_u64(argv[3], &seed))
        return BT_BAD_ARGS;
    return bt_gen_mixed(n, seed);
}

static int cmd_dump_stream(int argc, char **argv)
{
    int port;

    if (argc != 5 || parse_port(argv[3], &port))
        return BT_BAD_ARGS;
    return bt_dump_stream(argv[2], port, argv[4]);
}

static int cmd_migrate(int argc, char **argv)
{
    int sport, dport;
    uint64_t batch, timeout;

    if (argc != 8 || parse_port(argv[3], &sport) ||
        parse_port(argv[5], &dport) || parse_u64(argv[6], &batch) ||
        parse_u64(argv[7], &timeout) || batch == 0 || batch > 1000000 ||
        timeout > 3600000)
        return BT_BAD_ARGS;
    return bt_migrate(argv[2], sport, argv[4], dport, (int)batch, (int)timeout);
}

static int cmd_split_stream(int argc, char **argv)
{
    int port;

    if (argc != 6 || parse_port(argv[4], &port))
        return BT_BAD_ARGS;
    return bt_split_stream(argv[2], argv[3], port, argv[5]);
}

static int cmd_key_slot(int argc, char **argv)
{
    if (argc != 3)
        return BT_BAD_ARGS;
    return bt_key_slot_cmd(argv[2]);
}

static int cmd_timeit(int argc, char **argv)
{
    uint64_t limit;

    if (argc < 6 || parse_u64(argv[3], &limit) || limit > 86400 ||
        strcmp(argv[4], "--") != 0)
        return BT_BAD_ARGS;
    return bt_timeit(argv[2], (unsigned)limit, argv + 5);
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(int argc, char **argv);
    } cmds[] = {
        {"gen-strings", cmd_gen_strings},
        {"gen-mixed", cmd_gen_mixed},
        {"dump-stream", cmd_dump_stream},
        {"migrate", cmd_migrate},
        {"split-stream", cmd_split_stream},
        {"key-slot", cmd_key_slot},
        {"timeit", cmd_timeit},
    };
    size_t i;
    int code;

    if (argc < 2) {
        usage();
        return 2;
    }
    for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        if (strcmp(argv[1], cmds[i].name) != 0)
            continue;
        code = cmds[i].run(argc, argv);
        if (code == BT_BAD_ARGS) {
            usage();
            return 2;
        }
        return code;
    }
    usage();
    return 2;
}
