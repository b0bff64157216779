/*
 * Logging for the top layers (main, copy orchestration, control thread).
 * The RESP, ring and connection layers never log: they return a status and
 * keep a message. A line goes to stderr as
 *
 *   2026-12-04 14:21:17.123 [worker-2] warn: <sentence>
 *
 * Thread-safe: each line is written with a single write(2). Secrets must
 * never reach a log call; endpoints are logged through endpoint_describe().
 */
#ifndef RM_LOG_H
#define RM_LOG_H

#include <stdbool.h>

enum log_level { LOG_ERROR = 0, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Sets the most verbose level printed (default LOG_INFO). Call before
 * threads start. */
void log_set_level(enum log_level level);
enum log_level log_get_level(void);

/* Names the calling thread in its log lines ("main", "worker-3"). The
 * string must outlive the thread. */
void log_set_thread_name(const char *name);

/* Tells the logger that a live progress line may sit on the terminal, so a
 * log line first clears it. Set by the control thread. */
void log_set_live_line(bool live);

void log_msg(enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
