/*
 * Log lines to stderr with a millisecond timestamp, the thread's name and the
 * level. The level is set once before threads start; the live-line flag is
 * an atomic the control thread flips.
 */
#include "log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static enum log_level max_level = LOG_INFO;
static _Thread_local const char *thread_name = "main";
static atomic_bool live_line;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void log_set_level(enum log_level level)
{
    max_level = level;
}

enum log_level log_get_level(void)
{
    return max_level;
}

void log_set_thread_name(const char *name)
{
    thread_name = name;
}

void log_set_live_line(bool live)
{
    atomic_store(&live_line, live);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
    char line[2048];
    struct timeval tv;
    struct tm tm;
    size_t n = 0;
    va_list ap;

    if (level > max_level)
        return;

    gettimeofday(&tv, NULL);
    localtime_r(&tv.tv_sec, &tm);
    if (atomic_load(&live_line))
        n += (size_t)snprintf(line, sizeof(line), "\r\033[K");
    n += strftime(line + n, sizeof(line) - n, "%Y-%m-%d %H:%M:%S", &tm);
    n += (size_t)snprintf(line + n, sizeof(line) - n,
                          ".%03ld [%s] %s: ", (long)(tv.tv_usec / 1000),
                          thread_name, level_names[level]);

    va_start(ap, fmt);
    int w = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
    va_end(ap);
    if (w < 0)
        w = 0;
    n += (size_t)w;
    if (n > sizeof(line) - 2)
        n = sizeof(line) - 2;
    line[n++] = '\n';

    ssize_t ignored = write(STDERR_FILENO, line, n);
    (void)ignored;
}
