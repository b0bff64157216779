/*
 * Progress lines on stderr while a run goes on: a live bar redrawn in place
 * on a terminal, a timestamped line every few seconds elsewhere, or one
 * JSON object per line for programs.
 *
 * Time is the run's elapsed seconds as the caller passes them, so that the
 * periods and rates follow one clock. Rates are taken over a sliding window
 * of the last WINDOW_S seconds (from a small ring of samples), so that they
 * show the current speed, not the average since the start.
 *
 * Control thread only. The bar tells log.c that a live line is on the
 * terminal, so that a log line from any thread clears it first.
 */
#include "report.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "../config/config.h"
#include "log.h"

#define BAR_PERIOD_S   0.25
#define PLAIN_PERIOD_S 5.0
#define JSON_PERIOD_S  1.0
#define WINDOW_S       5.0  /* rates cover about this much recent time */
#define SAMPLE_EVERY_S 0.25 /* at most one sample per this long */
#define N_SAMPLES      32   /* >= WINDOW_S / SAMPLE_EVERY_S, with room */
#define PERCENT_CAP    99.9 /* until the run has finished */
#define LINE_MAX_LEN   256

#define CLEAR_LINE "\r\033[K"

struct sample {
    double t; /* elapsed seconds */
    uint64_t keys, bytes;
};

struct progress {
    int kind; /* enum progress_kind, never PROGRESS_AUTO */
    FILE *out;
    const char *label; /* "copy", or NULL */
    double period;     /* seconds between two lines */
    double next_print; /* elapsed seconds of the next line */
    bool live;         /* a bar line sits on the terminal */
    bool finished;

    struct sample ring[N_SAMPLES]; /* oldest at head */
    size_t head, count;
};

/* What one line shows. */
struct view {
    const struct totals *t;
    uint64_t estimated_total;
    double elapsed;
    double keys_per_s, bytes_per_s;
    bool final;
};

/* ---- rates --------------------------------------------------------------- */

static const struct sample *sample_at(const struct progress *p, size_t i)
{
    return &p->ring[(p->head + i) % N_SAMPLES];
}

static void push_sample(struct progress *p, double t, uint64_t keys,
                        uint64_t bytes)
{
    struct sample s = {t, keys, bytes};

    if (p->count > 0 && t - sample_at(p, p->count - 1)->t < SAMPLE_EVERY_S)
        return;
    if (p->count == N_SAMPLES) {
        p->head = (p->head + 1) % N_SAMPLES;
        p->count--;
    }
    p->ring[(p->head + p->count) % N_SAMPLES] = s;
    p->count++;
}

/*
 * Keys/s and bytes/s since the newest sample at least WINDOW_S old (the
 * oldest one early in the run, which is the start), so the window spans
 * WINDOW_S or a bit more even when updates come rarely.
 */
static void window_rates(const struct progress *p, const struct totals *t,
                         double now, double *keys_per_s, double *bytes_per_s)
{
    const struct sample *base = sample_at(p, 0);
    double dt;

    for (size_t i = 1; i < p->count; i++) {
        const struct sample *s = sample_at(p, i);

        if (s->t > now - WINDOW_S)
            break;
        base = s;
    }
    dt = now - base->t;
    if (dt <= 0 || t->scanned < base->keys || t->bytes < base->bytes) {
        *keys_per_s = *bytes_per_s = 0;
        return;
    }
    *keys_per_s = (double)(t->scanned - base->keys) / dt;
    *bytes_per_s = (double)(t->bytes - base->bytes) / dt;
}

/* ---- formatting ---------------------------------------------------------- */

/* "183.2k", "1.25M", "950". */
static const char *fmt_rate(double r, char *buf, size_t len)
{
    if (r < 1e3)
        snprintf(buf, len, "%.0f", r);
    else if (r < 1e6)
        snprintf(buf, len, "%.1fk", r / 1e3);
    else
        snprintf(buf, len, "%.2fM", r / 1e6);
    return buf;
}

static double percent_of(const struct view *v)
{
    double pct = 100.0 * (double)v->t->scanned / (double)v->estimated_total;

    return !v->final && pct > PERCENT_CAP ? PERCENT_CAP : pct;
}

/* "ETA 0:03", or "ETA -" while the rate says nothing. */
static void fmt_eta(const struct view *v, char *buf, size_t len)
{
    char dur[32];
    uint64_t left;

    if (v->t->scanned >= v->estimated_total || !(v->keys_per_s > 0)) {
        snprintf(buf, len, "ETA -");
        return;
    }
    left = v->estimated_total - v->t->scanned;
    snprintf(
        buf, len, "ETA %s",
        report_fmt_duration((double)left / v->keys_per_s, dur, sizeof(dur)));
}

/*
 * The text shared by bar and plain lines:
 *   42.1%  421,337/1,000,000 keys  183.2k keys/s  18.3 MB/s  ETA 0:03
 * Percent and ETA only when a total was estimated; failures when any.
 */
static void fmt_body(const struct view *v, char *buf, size_t len)
{
    char done[32], total[32], rate[32], eta[48], failed[32];
    size_t n = 0;

    report_fmt_count(v->t->scanned, done, sizeof(done));
    fmt_rate(v->keys_per_s, rate, sizeof(rate));
    if (v->estimated_total > 0) {
        fmt_eta(v, eta, sizeof(eta));
        n = (size_t)snprintf(
            buf, len, "%5.1f%%  %s/%s keys  %s keys/s  %.1f MB/s  %s",
            percent_of(v), done,
            report_fmt_count(v->estimated_total, total, sizeof(total)), rate,
            v->bytes_per_s / 1e6, eta);
    } else {
        n = (size_t)snprintf(buf, len, "%s keys  %s keys/s  %.1f MB/s", done,
                             rate, v->bytes_per_s / 1e6);
    }
    if (v->t->failed > 0 && n < len)
        snprintf(buf + n, len - n, "  %s failed",
                 report_fmt_count(v->t->failed, failed, sizeof(failed)));
}

/* Columns of the terminal behind `out`, or 0 when unknown. */
static size_t terminal_cols(FILE *out)
{
    struct winsize ws;

    if (ioctl(fileno(out), TIOCGWINSZ, &ws) != 0)
        return 0;
    return ws.ws_col;
}

/* ---- the three kinds ----------------------------------------------------- */

static void draw_bar(struct progress *p, const struct view *v)
{
    char body[LINE_MAX_LEN], line[LINE_MAX_LEN + 32];
    size_t cols = terminal_cols(p->out);
    int n;

    fmt_body(v, body, sizeof(body));
    n = snprintf(line, sizeof(line), "%s%s%s", p->label ? p->label : "",
                 p->label ? "  " : "", body);

    /* A line that wraps cannot be redrawn in place: keep it one column
     * short of the terminal's width. */
    if (n > 0 && cols > 1 && (size_t)n >= cols)
        line[cols - 1] = '\0';

    if (!p->live) {
        log_set_live_line(true);
        p->live = true;
    }
    fprintf(p->out, CLEAR_LINE "%s", line);
    fflush(p->out);
}

static void clear_bar(struct progress *p)
{
    if (!p->live)
        return;
    fputs(CLEAR_LINE, p->out);
    fflush(p->out);
    log_set_live_line(false);
    p->live = false;
}

/* "2026-12-04 14:21:17.123", like log lines. */
static void fmt_now(char *buf, size_t len)
{
    struct timeval tv;
    struct tm tm;
    size_t n;

    gettimeofday(&tv, NULL);
    localtime_r(&tv.tv_sec, &tm);
    n = strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
    snprintf(buf + n, len - n, ".%03ld", (long)(tv.tv_usec / 1000));
}

static void draw_plain(struct progress *p, const struct view *v)
{
    char now[48], body[LINE_MAX_LEN], el[32];
    const char *label = p->label ? p->label : "progress";

    fmt_now(now, sizeof(now));
    report_fmt_duration(v->elapsed, el, sizeof(el));
    if (v->final) {
        char done[32], rate[32];

        fprintf(
            p->out, "%s %s: finished, %s keys in %s, %s keys/s, %.1f MB/s\n",
            now, label, report_fmt_count(v->t->scanned, done, sizeof(done)), el,
            fmt_rate(v->keys_per_s, rate, sizeof(rate)), v->bytes_per_s / 1e6);
    } else {
        fmt_body(v, body, sizeof(body));
        fprintf(p->out, "%s %s: %s  elapsed %s\n", now, label, body, el);
    }
    fflush(p->out);
}

static json_t *json_u64(uint64_t n)
{
    return json_integer(n > INT64_MAX ? INT64_MAX : (json_int_t)n);
}

static void draw_json(struct progress *p, const struct view *v)
{
    const struct totals *t = v->t;
    json_t *o = json_object();
    char *text;

    if (!o)
        return;
    json_object_set_new(o, "keys_scanned", json_u64(t->scanned));
    json_object_set_new(o, "keys_copied", json_u64(t->copied));
    json_object_set_new(o, "keys_skipped", json_u64(t->skipped));
    json_object_set_new(o, "keys_expired", json_u64(t->expired));
    json_object_set_new(o, "keys_failed", json_u64(t->failed));
    json_object_set_new(o, "bytes_copied", json_u64(t->bytes));
    json_object_set_new(o, "estimated_total", json_u64(v->estimated_total));
    json_object_set_new(o, "elapsed_seconds",
                        json_real(round(v->elapsed * 1000) / 1000));
    json_object_set_new(o, "keys_per_second",
                        json_real(round(v->keys_per_s * 10) / 10));
    json_object_set_new(o, "finished", json_boolean(v->final));

    /* A line that cannot be built is skipped: the next one comes soon. */
    text = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(15));
    if (text) {
        fprintf(p->out, "%s\n", text);
        fflush(p->out);
    }
    free(text);
    json_decref(o);
}

static void draw(struct progress *p, const struct view *v)
{
    switch (p->kind) {
    case PROGRESS_BAR:
        draw_bar(p, v);
        break;
    case PROGRESS_PLAIN:
        draw_plain(p, v);
        break;
    case PROGRESS_JSON:
        draw_json(p, v);
        break;
    default:
        break;
    }
}

/* ---- public -------------------------------------------------------------- */

struct progress *progress_new(int kind, FILE *out)
{
    struct progress *p = calloc(1, sizeof(*p));

    if (!p)
        return NULL;
    p->kind = kind;
    p->out = out;
    switch (kind) {
    case PROGRESS_BAR:
        p->period = BAR_PERIOD_S;
        break;
    case PROGRESS_PLAIN:
        p->period = PLAIN_PERIOD_S;
        break;
    case PROGRESS_JSON:
        p->period = JSON_PERIOD_S;
        break;
    default:
        p->kind = PROGRESS_NONE;
        break;
    }
    p->next_print = p->period;
    /* The start of the run is the first sample: early rates are averages
     * since the start. */
    push_sample(p, 0, 0, 0);
    return p;
}

void progress_set_label(struct progress *p, const char *label)
{
    if (p)
        p->label = label;
}

void progress_update(struct progress *p, const struct totals *t,
                     uint64_t estimated_total, double elapsed_seconds)
{
    struct view v = {t, estimated_total, elapsed_seconds, 0, 0, false};

    if (!p || p->kind == PROGRESS_NONE || p->finished)
        return;
    if (elapsed_seconds < p->next_print) {
        push_sample(p, elapsed_seconds, t->scanned, t->bytes);
        return;
    }
    /* Steady steps, unless the caller fell behind by a whole period. */
    p->next_print += p->period;
    if (p->next_print <= elapsed_seconds)
        p->next_print = elapsed_seconds + p->period;

    window_rates(p, t, elapsed_seconds, &v.keys_per_s, &v.bytes_per_s);
    push_sample(p, elapsed_seconds, t->scanned, t->bytes);
    draw(p, &v);
}

void progress_finish(struct progress *p, const struct totals *t,
                     uint64_t estimated_total, double elapsed_seconds)
{
    struct view v = {t, estimated_total, elapsed_seconds, 0, 0, true};

    if (!p || p->finished)
        return;
    p->finished = true;
    if (p->kind == PROGRESS_BAR) {
        clear_bar(p);
        return;
    }
    if (p->kind == PROGRESS_NONE)
        return;

    /* The last line gives the averages of the whole run. */
    if (elapsed_seconds > 0) {
        v.keys_per_s = (double)t->scanned / elapsed_seconds;
        v.bytes_per_s = (double)t->bytes / elapsed_seconds;
    }
    draw(p, &v);
}

void progress_free(struct progress *p)
{
    if (!p)
        return;
    if (p->kind == PROGRESS_BAR)
        clear_bar(p);
    free(p);
}
