/*
 * The end of a run: sums the workers' counters, keeps the list of failed
 * keys, writes the `--report FILE` JSON document and prints the summary
 * table. Progress lines live in progress.c.
 *
 * Threads: failures_add() is called by any worker and takes the list's
 * mutex; everything else runs on the control thread (or main, once the
 * workers are gone). The failure list owns its escaped keys and texts.
 * Endpoints arrive already described, so no secret passes through here.
 */
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "escape.h"

#define SUMMARY_MAX_KEYS 20
#define SUMMARY_WIDTH    80 /* columns the summary keeps within */
#define SUMMARY_LABEL    13 /* "destination  " */
#define SUMMARY_KEY_COLS 40 /* a failed key's share of its line */

/* ---- counters and formatting --------------------------------------------- */

void totals_sum(const struct counters *workers, size_t n, struct totals *out)
{
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < n; i++) {
        /* The counters are atomics written by their worker: a relaxed load
         * is enough, the sum is a snapshot that only ever lags. */
        const struct counters *c = &workers[i];

        out->scanned += atomic_load_explicit(&c->scanned, memory_order_relaxed);
        out->copied += atomic_load_explicit(&c->copied, memory_order_relaxed);
        out->skipped += atomic_load_explicit(&c->skipped, memory_order_relaxed);
        out->expired += atomic_load_explicit(&c->expired, memory_order_relaxed);
        out->failed += atomic_load_explicit(&c->failed, memory_order_relaxed);
        out->bytes += atomic_load_explicit(&c->bytes, memory_order_relaxed);
        out->reconnects +=
            atomic_load_explicit(&c->reconnects, memory_order_relaxed);
        out->redirects +=
            atomic_load_explicit(&c->redirects, memory_order_relaxed);
        out->tls_resumed +=
            atomic_load_explicit(&c->tls_resumed, memory_order_relaxed);
        out->rewritten +=
            atomic_load_explicit(&c->rewritten, memory_order_relaxed);
        out->source_reads +=
            atomic_load_explicit(&c->source_reads, memory_order_relaxed);
        out->by_struct +=
            atomic_load_explicit(&c->by_struct, memory_order_relaxed);
        out->compared +=
            atomic_load_explicit(&c->compared, memory_order_relaxed);
        out->equal += atomic_load_explicit(&c->equal, memory_order_relaxed);
        out->diff_missing +=
            atomic_load_explicit(&c->diff_missing, memory_order_relaxed);
        out->diff_extra +=
            atomic_load_explicit(&c->diff_extra, memory_order_relaxed);
        out->diff_type +=
            atomic_load_explicit(&c->diff_type, memory_order_relaxed);
        out->diff_value +=
            atomic_load_explicit(&c->diff_value, memory_order_relaxed);
        out->diff_ttl +=
            atomic_load_explicit(&c->diff_ttl, memory_order_relaxed);
    }
}

const char *report_status_for_exit(int exit_code)
{
    switch (exit_code) {
    case 0:
        return "ok";
    case 3:
        return "partial";
    case 130:
        return "interrupted";
    default:
        return "failed";
    }
}

const char *report_fmt_count(uint64_t n, char *buf, size_t len)
{
    char digits[24];
    char tmp[32];
    int nd = snprintf(digits, sizeof(digits), "%" PRIu64, n);
    size_t j = 0;

    /* Copy the digits, with a comma wherever a group of three starts. */
    for (int i = 0; i < nd; i++) {
        if (i > 0 && (nd - i) % 3 == 0)
            tmp[j++] = ',';
        tmp[j++] = digits[i];
    }
    tmp[j] = '\0';
    snprintf(buf, len, "%s", tmp);
    return buf;
}

const char *report_fmt_duration(double seconds, char *buf, size_t len)
{
    uint64_t s = seconds > 0 && isfinite(seconds) ? (uint64_t)seconds : 0;

    if (s < 3600)
        snprintf(buf, len, "%" PRIu64 ":%02" PRIu64, s / 60, s % 60);
    else
        snprintf(buf, len, "%" PRIu64 ":%02" PRIu64 ":%02" PRIu64, s / 3600,
                 s / 60 % 60, s % 60);
    return buf;
}

static double keys_per_second(const struct report *r)
{
    if (!(r->elapsed_seconds > 0))
        return 0;
    return (double)r->totals.scanned / r->elapsed_seconds;
}

/* ---- failed keys --------------------------------------------------------- */

void failures_init(struct failures *f)
{
    memset(f, 0, sizeof(*f));
    pthread_mutex_init(&f->lock, NULL);
}

void failures_free(struct failures *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->items[i].key);
        free(f->items[i].error);
    }
    free(f->items);
    f->items = NULL;
    f->n = 0;
    pthread_mutex_destroy(&f->lock);
}

/* Counts one failure as omitted when the list is full; true when it was. */
static bool failures_full(struct failures *f)
{
    bool full;

    pthread_mutex_lock(&f->lock);
    full = f->n >= FAILURES_MAX_LISTED;
    if (full)
        f->omitted++;
    pthread_mutex_unlock(&f->lock);
    return full;
}

/* The escaped key in a new string of at most FAILURES_KEY_MAX bytes (cut
 * with "..." beyond), shrunk to fit. */
static char *dup_escaped_key(const char *key, size_t len)
{
    size_t size = escape_key_size(len);
    char *s, *shrunk;

    if (size > FAILURES_KEY_MAX + 1)
        size = FAILURES_KEY_MAX + 1;
    s = malloc(size);
    if (!s)
        return NULL;
    size = escape_key(key, len, s, size) + 1;
    shrunk = realloc(s, size);
    return shrunk ? shrunk : s;
}

static char *dup_escaped_text(const char *text)
{
    char buf[FAILURES_ERROR_MAX + 1];

    escape_text(text ? text : "no error text", buf, sizeof(buf));
    return strdup(buf);
}

void failures_add(struct failures *f, const char *key, size_t keylen,
                  const char *error)
{
    failures_add_kind(f, key, keylen, NULL, error);
}

void failures_add_kind(struct failures *f, const char *key, size_t keylen,
                       const char *kind, const char *error)
{
    struct failure item = {.kind = kind};

    /* Escaping a big key takes a while: do it outside the lock, and not at
     * all once the list is full. */
    if (failures_full(f))
        return;
    item.key = dup_escaped_key(key, keylen);
    item.error = dup_escaped_text(error);

    pthread_mutex_lock(&f->lock);
    /* The whole list at once: FAILURES_MAX_LISTED small slots, and only
     * runs with a failure pay for it. */
    if (!f->items)
        f->items = calloc(FAILURES_MAX_LISTED, sizeof(*f->items));
    if (f->items && item.key && item.error && f->n < FAILURES_MAX_LISTED) {
        f->items[f->n++] = item;
        item.key = item.error = NULL;
    } else {
        /* Out of memory, or another worker filled the last slot. */
        f->omitted++;
    }
    pthread_mutex_unlock(&f->lock);

    free(item.key);
    free(item.error);
}

/* ---- JSON report --------------------------------------------------------- */

/* A JSON string of `text` made valid by escape_text(), or null for NULL. */
static json_t *json_text(const char *text)
{
    char *safe;
    json_t *j;

    if (!text)
        return json_null();
    safe = escape_text_dup(text);
    if (!safe)
        return NULL;
    j = json_string(safe);
    free(safe);
    return j;
}

static json_t *json_count(uint64_t n)
{
    return json_integer(n > INT64_MAX ? INT64_MAX : (json_int_t)n);
}

/* Rounded to milliseconds (or thousandths of a key), which is all the
 * precision these numbers have. */
static json_t *json_real3(double x)
{
    if (!isfinite(x) || x < 0)
        x = 0;
    return json_real(round(x * 1000) / 1000);
}

/* Sets `key` to `value` (stolen); false when either is missing. */
static bool put(json_t *obj, const char *key, json_t *value)
{
    return json_object_set_new(obj, key, value) == 0;
}

static json_t *failed_keys_json(const struct failures *cf, uint64_t *omitted)
{
    /* The list is only read here, but its lock is not const. */
    struct failures *f = (struct failures *)cf;
    json_t *list = json_array();
    bool ok = list != NULL;

    *omitted = 0;
    if (!f || !list)
        return list;

    pthread_mutex_lock(&f->lock);
    for (size_t i = 0; ok && i < f->n; i++) {
        json_t *item = json_object();

        const struct failure *x = &f->items[i];
        ok = item && put(item, "key", json_string(x->key));
        if (x->kind)
            ok = ok && put(item, "kind", json_string(x->kind)) &&
                 put(item, "detail", json_string(x->error));
        else
            ok = ok && put(item, "error", json_string(x->error));
        ok = json_array_append_new(list, item) == 0 && ok;
    }
    *omitted = f->omitted;
    pthread_mutex_unlock(&f->lock);

    if (!ok) {
        json_decref(list);
        return NULL;
    }
    return list;
}

/* verify's fields, into `obj`. */
static bool put_verify(json_t *obj, const struct report *r)
{
    const struct totals *t = &r->totals;
    json_t *kinds = json_object();
    uint64_t omitted = 0;
    bool ok = kinds != NULL;

    ok = ok && put(kinds, "missing", json_count(t->diff_missing));
    ok = ok && put(kinds, "extra", json_count(t->diff_extra));
    ok = ok && put(kinds, "type", json_count(t->diff_type));
    ok = ok && put(kinds, "value", json_count(t->diff_value));
    ok = ok && put(kinds, "ttl", json_count(t->diff_ttl));
    ok = put(obj, "keys_compared", json_count(t->compared)) && ok;
    ok = ok && put(obj, "keys_equal", json_count(t->equal));
    ok = ok && put(obj, "differences", kinds);
    ok = ok && put(obj, "diffs", failed_keys_json(r->diffs, &omitted));
    ok = ok && put(obj, "diffs_omitted", json_count(omitted));
    return ok;
}

/* copy --verify: verify's part of the report as one object. */
static json_t *verify_json(const struct report *r)
{
    json_t *obj = json_object();

    const char *word = totals_diffs(&r->totals) ? "partial" : "ok";

    if (obj && (!put(obj, "status", json_text(word)) || !put_verify(obj, r) ||
                !put(obj, "elapsed_seconds", json_real3(r->verify_seconds)))) {
        json_decref(obj);
        return NULL;
    }
    return obj;
}

/* What a copy did, key by key. */
static bool put_copy_counts(json_t *root, const struct report *r)
{
    const struct totals *t = &r->totals;
    uint64_t omitted = 0;
    bool ok = true;

    ok = ok && put(root, "keys_scanned", json_count(t->scanned));
    ok = ok && put(root, "keys_copied", json_count(t->copied));
    ok = ok && put(root, "keys_skipped", json_count(t->skipped));
    ok = ok && put(root, "keys_expired", json_count(t->expired));
    ok = ok && put(root, "keys_failed", json_count(t->failed));
    ok = ok && put(root, "bytes_copied", json_count(t->bytes));
    ok = ok && put(root, "keys_per_second", json_real3(keys_per_second(r)));
    ok = ok && put(root, "keys_rewritten", json_count(t->rewritten));
    ok = ok && put(root, "keys_by_type_commands", json_count(t->by_struct));
    ok =
        ok && put(root, "failed_keys", failed_keys_json(r->failures, &omitted));
    ok = ok && put(root, "failed_keys_omitted", json_count(omitted));
    return ok;
}

/* The whole document, in the order of report.h; NULL when out of memory.
 * verify's has its own counts instead of the copy's. */
static json_t *report_json(const struct report *r)
{
    const struct totals *t = &r->totals;
    bool verify_only = strcmp(r->command, "verify") == 0;
    json_t *root = json_object();
    bool ok = root != NULL;

    ok = ok && put(root, "status", json_text(r->status));
    ok = ok && put(root, "exit_code", json_integer(r->exit_code));
    ok = ok && put(root, "command", json_text(r->command));
    ok = ok && put(root, "error", json_text(r->error));
    ok = ok && put(root, "source", json_text(r->source));
    ok = ok && put(root, "destination", json_text(r->dest));
    ok = ok && put(root, "dry_run", json_boolean(r->dry_run));
    ok = ok && put(root, "elapsed_seconds", json_real3(r->elapsed_seconds));
    ok = ok && put(root, "estimated_total", json_count(r->estimated_total));
    ok = ok && put(root, "reconnects", json_count(t->reconnects));
    ok = ok && put(root, "redirects", json_count(t->redirects));
    ok = ok && put(root, "tls_sessions_resumed", json_count(t->tls_resumed));
    if (ok && !verify_only)
        ok = put_copy_counts(root, r);
    if (ok && r->verified && verify_only)
        ok = put_verify(root, r);
    else if (ok && r->verified)
        ok = put(root, "verify", verify_json(r));

    if (!ok) {
        json_decref(root);
        return NULL;
    }
    return root;
}

static bool write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, buf, len);

        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return false;
        buf += w;
        len -= (size_t)w;
    }
    return true;
}

/* Writes `text` to a new temporary file beside `path`, then renames it over
 * `path`, so that a reader sees the old document or the whole new one. */
static status write_atomically(const char *path, const char *text, char *err,
                               size_t errlen)
{
    size_t tlen = strlen(path) + sizeof(".tmp-XXXXXX");
    char *tmp = malloc(tlen);
    int fd = -1;
    status rc = ST_IO;

    if (!tmp) {
        snprintf(err, errlen, "out of memory writing the report %s", path);
        return ST_NOMEM;
    }
    snprintf(tmp, tlen, "%s.tmp-XXXXXX", path);

    /* mkstemp creates the file 0600; fchmod says so in case of an odd
     * umask-like policy. */
    fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, errlen,
                 "cannot create a temporary file beside the report %s: %s",
                 path, strerror(errno));
        free(tmp);
        return ST_IO;
    }
    if (fchmod(fd, 0600) != 0 || !write_all(fd, text, strlen(text)) ||
        fsync(fd) != 0) {
        snprintf(err, errlen, "cannot write the report %s: %s", tmp,
                 strerror(errno));
        goto out;
    }
    if (close(fd) != 0) {
        fd = -1;
        snprintf(err, errlen, "cannot write the report %s: %s", tmp,
                 strerror(errno));
        goto out;
    }
    fd = -1;
    if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot rename %s to the report %s: %s", tmp,
                 path, strerror(errno));
        goto out;
    }
    rc = ST_OK;

out:
    if (fd >= 0)
        close(fd);
    if (rc != ST_OK)
        unlink(tmp);
    free(tmp);
    return rc;
}

status report_write_json(const struct report *r, const char *path, char *err,
                         size_t errlen)
{
    json_t *root = report_json(r);
    char *text = NULL;
    char *doc = NULL;
    status rc = ST_NOMEM;

    if (!root)
        goto nomem;
    text = json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
    if (!text)
        goto nomem;
    /* A text file ends with a newline. */
    doc = malloc(strlen(text) + 2);
    if (!doc)
        goto nomem;
    snprintf(doc, strlen(text) + 2, "%s\n", text);

    rc = write_atomically(path, doc, err, errlen);
    goto out;

nomem:
    snprintf(err, errlen, "out of memory building the report %s", path);
out:
    free(doc);
    free(text);
    json_decref(root);
    return rc;
}

/* ---- summary table ------------------------------------------------------- */

/* Display width of the escaped piece at `s`: `\xNN`, `\\`, a UTF-8
 * sequence or one byte each take one piece. Sets *bytes. */
static size_t piece_at(const char *s, size_t *bytes)
{
    unsigned char b = (unsigned char)s[0];
    size_t n = 1;

    if (b == '\\' && s[1] == '\\')
        n = 2;
    else if (b == '\\' && s[1] == 'x' && s[2] && s[3])
        n = 4;
    else if (b >= 0xf0)
        n = 4;
    else if (b >= 0xe0)
        n = 3;
    else if (b >= 0xc0)
        n = 2;
    /* escape_text() leaves only whole sequences, but stay on the string. */
    for (size_t i = 1; i < n; i++)
        if (s[i] == '\0')
            n = i;
    *bytes = n;
    return b >= 0x80 ? 1 : n;
}

static size_t display_cols(const char *s)
{
    size_t cols = 0, bytes;

    for (; *s; s += bytes)
        cols += piece_at(s, &bytes);
    return cols;
}

/* Prints the escaped string `s` in at most `max` columns (max >= 3),
 * ending with "..." when cut, never inside an escape; returns the columns
 * printed. */
static size_t print_cut(FILE *out, const char *s, size_t max)
{
    size_t cols = 0, bytes;

    if (display_cols(s) <= max) {
        fputs(s, out);
        return display_cols(s);
    }
    for (; *s; s += bytes) {
        size_t w = piece_at(s, &bytes);

        if (cols + w > max - 3)
            break;
        fwrite(s, 1, bytes, out);
        cols += w;
    }
    fputs("...", out);
    return cols + 3;
}

/* One table row; `value` is trusted text of our own. */
static void row(FILE *out, const char *label, const char *value)
{
    fprintf(out, "%-*s%s\n", SUMMARY_LABEL, label, value);
}

/* Length in bytes and columns of the word at `s` (up to a space or the
 * end, whole pieces only). */
static size_t word_at(const char *s, size_t *bytes)
{
    size_t cols = 0, n = 0, b;

    while (s[n] && s[n] != ' ') {
        cols += piece_at(s + n, &b);
        n += b;
    }
    *bytes = n;
    return cols;
}

/* Prints escaped text after a label, wrapped at spaces to the summary's
 * width, continuation lines indented under the first. A word too long for
 * a line is cut with "...". */
static void print_wrapped(FILE *out, const char *s)
{
    const size_t width = SUMMARY_WIDTH - 1 - SUMMARY_LABEL;
    size_t col = 0, bytes;

    while (*s) {
        size_t w;

        while (*s == ' ')
            s++;
        if (!*s)
            break;
        w = word_at(s, &bytes);
        if (col > 0 && col + 1 + w > width) {
            fprintf(out, "\n%*s", SUMMARY_LABEL, "");
            col = 0;
        } else if (col > 0) {
            fputc(' ', out);
            col++;
        }
        if (w > width - col) {
            char *word = strndup(s, bytes);

            if (word)
                col += print_cut(out, word, width - col);
            free(word);
        } else {
            fwrite(s, 1, bytes, out);
            col += w;
        }
        s += bytes;
    }
}

/* One row of foreign text, escaped and wrapped. */
static void row_text(FILE *out, const char *label, const char *text)
{
    char safe[1024];

    escape_text(text ? text : "-", safe, sizeof(safe));
    fprintf(out, "%-*s", SUMMARY_LABEL, label);
    print_wrapped(out, safe);
    fputc('\n', out);
}

static void row_count(FILE *out, const char *label, uint64_t n)
{
    char buf[32];

    row(out, label, report_fmt_count(n, buf, sizeof(buf)));
}

static void print_elapsed(FILE *out, double s)
{
    char buf[48], dur[32];

    if (s < 60)
        snprintf(buf, sizeof(buf), "%.1f s", s > 0 ? s : 0.0);
    else
        snprintf(buf, sizeof(buf), "%s (%.0f s)",
                 report_fmt_duration(s, dur, sizeof(dur)), s);
    row(out, "elapsed", buf);
}

/* Up to SUMMARY_MAX_KEYS keys of a list; verify's differences lead with
 * their kind. */
static void print_failed_keys(FILE *out, const struct failures *cf,
                              const char *title)
{
    struct failures *f = (struct failures *)cf; /* for the lock only */
    size_t shown;
    uint64_t more;

    if (!f)
        return;
    pthread_mutex_lock(&f->lock);
    if (f->n == 0 && f->omitted == 0)
        goto out;

    shown = f->n < SUMMARY_MAX_KEYS ? f->n : SUMMARY_MAX_KEYS;
    more = (uint64_t)(f->n - shown) + f->omitted;
    fprintf(out, "%s:\n", title);
    for (size_t i = 0; i < shown; i++) {
        size_t used = 2;

        fputs("  ", out);
        if (f->items[i].kind)
            used += (size_t)fprintf(out, "%-8s", f->items[i].kind);
        used += print_cut(out, f->items[i].key, SUMMARY_KEY_COLS);
        fputs(": ", out);
        print_cut(out, f->items[i].error, SUMMARY_WIDTH - 1 - used - 2);
        fputc('\n', out);
    }
    if (more > 0) {
        char buf[32];

        fprintf(out, "... and %s more (see --report)\n",
                report_fmt_count(more, buf, sizeof(buf)));
    }
out:
    pthread_mutex_unlock(&f->lock);
}

static void print_copy_counts(FILE *out, const struct totals *t)
{
    char buf[64];

    row_count(out, "scanned", t->scanned);
    row_count(out, "copied", t->copied);
    if (t->by_struct)
        row_count(out, "  type cmds", t->by_struct);
    row_count(out, "skipped", t->skipped);
    row_count(out, "expired", t->expired);
    row_count(out, "failed", t->failed);
    snprintf(buf, sizeof(buf), "%.1f MB", (double)t->bytes / 1e6);
    row(out, "written", buf);
}

static void print_verify_counts(FILE *out, const struct totals *t)
{
    row_count(out, "compared", t->compared);
    row_count(out, "equal", t->equal);
    row_count(out, "missing", t->diff_missing);
    row_count(out, "extra", t->diff_extra);
    row_count(out, "type", t->diff_type);
    row_count(out, "value", t->diff_value);
    row_count(out, "ttl", t->diff_ttl);
}

void report_print_summary(const struct report *r, FILE *out)
{
    const struct totals *t = &r->totals;
    bool verify_only = r->command && strcmp(r->command, "verify") == 0;
    char buf[64];

    if (r->dry_run)
        fprintf(out, "dry run: nothing was written\n");

    snprintf(buf, sizeof(buf), "%s (exit %d)", r->status ? r->status : "-",
             r->exit_code);
    row(out, "status", buf);
    if (r->error)
        row_text(out, "error", r->error);
    row_text(out, "source", r->source);
    row_text(out, "destination", r->dest);
    if (!verify_only)
        print_copy_counts(out, t);
    if (r->verified)
        print_verify_counts(out, t);
    print_elapsed(out, r->elapsed_seconds);
    if (!verify_only)
        row_count(out, "keys/s", (uint64_t)llround(keys_per_second(r)));

    print_failed_keys(out, r->failures, "failed keys");
    if (r->verified)
        print_failed_keys(out, r->diffs, "differences");
}

status report_check_path(const char *path, char *err, size_t errlen)
{
    char dir[4096];
    struct stat st;
    const char *slash = strrchr(path, '/');

    if (!slash)
        snprintf(dir, sizeof(dir), ".");
    else if (slash == path)
        snprintf(dir, sizeof(dir), "/");
    else
        snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "--report %s is a folder; give a file name",
                 path);
        return ST_USAGE;
    }
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen,
                 "--report %s: the folder %s does not exist; create it or "
                 "choose another path",
                 path, dir);
        return ST_USAGE;
    }
    if (access(dir, W_OK | X_OK) != 0) {
        snprintf(err, errlen,
                 "--report %s: the folder %s is not writable; choose another "
                 "path",
                 path, dir);
        return ST_USAGE;
    }
    return ST_OK;
}
