/*
 * Tests of the SCAN cursor-range arithmetic in core/ranges.c.
 *
 * The bucket layout is checked against a simulation, written here, of how a
 * Redis 7.0 dict answers SCAN: a table of 2^n buckets holding integer keys
 * placed by a 64-bit hash, the reverse-binary cursor increment of dictScan,
 * the COUNT loop of the SCAN command (dictScan calls until COUNT keys or
 * 10*COUNT iterations), and incremental rehashing (two tables, the old one's
 * buckets moved in index order; a scan visits the smaller table's bucket,
 * then every bucket of the larger table that expands from it). Every range
 * of 2^k is walked from ranges_buckets().start until ranges_continues() says
 * stop, and the keys returned are compared with the key set: all of them
 * must come back, and for a stable table each exactly once once the keys of
 * a range's last call that lie outside the range are set aside. The table
 * may also grow or shrink between calls, at once or with a rehash running,
 * while the ranges are walked one after another or interleaved.
 *
 * Single-threaded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/ranges.h"

#define SIM_MAX_EXP    24
#define MAX_RANGE_BITS 8
#define SHOW_KEYS      5

/* This test has one thread, so ThreadSanitizer adds nothing but a 20-fold
 * slowdown: under it, the largest tables and half the resize points are
 * left to the other builds. */
#ifdef __SANITIZE_THREAD__
#define SMALL_TABLE_MAX_EXP 13
#define LARGE_TABLE_MAX_EXP 16
#define RESIZE_STRIDE       26
#else
#define SMALL_TABLE_MAX_EXP 16
#define LARGE_TABLE_MAX_EXP 20
#define RESIZE_STRIDE       13
#endif

/* ---- bit reversal, written independently of ranges.c ------------------ */

static uint8_t rev8_table[256];

static void rev8_init(void)
{
    for (int i = 0; i < 256; i++) {
        uint8_t r = 0;

        for (int b = 0; b < 8; b++)
            if (i & (1 << b))
                r |= (uint8_t)(0x80u >> b);
        rev8_table[i] = r;
    }
}

static uint64_t rev(uint64_t v)
{
    uint64_t r = 0;

    for (int i = 0; i < 8; i++) {
        r = (r << 8) | rev8_table[v & 0xff];
        v >>= 8;
    }
    return r;
}

/* The k-bit reverse of the low k bits of v. */
static uint64_t rev_bits(uint64_t v, int k)
{
    return k ? rev(v) >> (64 - k) : 0;
}

/* ---- the simulated dict ----------------------------------------------- */

/* One hash table of 2^exp buckets over all keys, bucket-sorted. */
struct sim_table {
    uint32_t *first; /* 2^exp + 1 offsets into keys */
    uint32_t *keys;
};

/*
 * A Redis 7.0 dict holding keys 0..nkeys-1. ht[0] has 2^cur_exp buckets;
 * while rehashing (new_exp >= 0) ht[1] has 2^new_exp, and the keys of ht[0]
 * buckets below rehashidx have moved to ht[1].
 */
struct sim_dict {
    uint32_t nkeys;
    uint64_t *hash;
    struct sim_table tab[SIM_MAX_EXP + 1];
    int cur_exp, new_exp;
    uint64_t rehashidx;
    uint64_t step; /* old buckets moved before each SCAN call */
};

/* The keys one SCAN call returned. */
struct sim_reply {
    uint32_t *keys;
    size_t n, cap;
};

static uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static void sim_init(struct sim_dict *d, uint32_t nkeys, uint64_t seed)
{
    memset(d, 0, sizeof(*d));
    d->nkeys = nkeys;
    d->hash = malloc(sizeof(*d->hash) * (nkeys ? nkeys : 1));
    assert_non_null(d->hash);
    for (uint32_t i = 0; i < nkeys; i++)
        d->hash[i] = mix64(i ^ (seed << 32));
    d->new_exp = -1;
}

static void sim_free(struct sim_dict *d)
{
    for (int e = 0; e <= SIM_MAX_EXP; e++) {
        free(d->tab[e].first);
        free(d->tab[e].keys);
    }
    free(d->hash);
}

/* The table of 2^exp buckets, built on first use by a counting sort. */
static const struct sim_table *sim_table(struct sim_dict *d, int exp)
{
    struct sim_table *t = &d->tab[exp];
    uint64_t size = 1ull << exp, mask = size - 1;

    if (t->first)
        return t;
    t->first = calloc(size + 1, sizeof(*t->first));
    t->keys = malloc(sizeof(*t->keys) * (d->nkeys ? d->nkeys : 1));
    assert_non_null(t->first);
    assert_non_null(t->keys);
    for (uint32_t i = 0; i < d->nkeys; i++)
        t->first[(d->hash[i] & mask) + 1]++;
    for (uint64_t b = 0; b < size; b++)
        t->first[b + 1] += t->first[b];
    uint32_t *fill = malloc(sizeof(*fill) * size);
    assert_non_null(fill);
    memcpy(fill, t->first, sizeof(*fill) * size);
    for (uint32_t i = 0; i < d->nkeys; i++)
        t->keys[fill[d->hash[i] & mask]++] = i;
    free(fill);
    return t;
}

static void reply_push(struct sim_reply *rep, uint32_t key)
{
    if (rep->n == rep->cap) {
        rep->cap = rep->cap ? rep->cap * 2 : 256;
        rep->keys = realloc(rep->keys, sizeof(*rep->keys) * rep->cap);
        assert_non_null(rep->keys);
    }
    rep->keys[rep->n++] = key;
}

static bool sim_rehashing(const struct sim_dict *d)
{
    return d->new_exp >= 0;
}

/* Emits the keys in bucket b of ht[0] (old = true) or ht[1]. */
static void sim_emit(struct sim_dict *d, bool old, uint64_t b,
                     struct sim_reply *rep)
{
    uint64_t old_mask = (1ull << d->cur_exp) - 1;
    const struct sim_table *t = sim_table(d, old ? d->cur_exp : d->new_exp);

    if (old && sim_rehashing(d) && b < d->rehashidx)
        return; /* this bucket has moved to ht[1] */
    for (uint32_t i = t->first[b]; i < t->first[b + 1]; i++) {
        uint32_t key = t->keys[i];

        if (!old && (d->hash[key] & old_mask) >= d->rehashidx)
            continue; /* still in ht[0] */
        reply_push(rep, key);
    }
}

/* One dictScan() of Redis 7.0: emits the keys at cursor v, returns the next
 * cursor. */
static uint64_t sim_dict_scan(struct sim_dict *d, uint64_t v,
                              struct sim_reply *rep)
{
    if (d->nkeys == 0)
        return 0;
    if (!sim_rehashing(d)) {
        uint64_t m0 = (1ull << d->cur_exp) - 1;

        sim_emit(d, true, v & m0, rep);
        v |= ~m0;
        v = rev(v);
        v++;
        return rev(v);
    }

    /* t0 is the smaller table, t1 the larger, whichever is old. */
    bool t0_old = d->cur_exp < d->new_exp;
    int e0 = t0_old ? d->cur_exp : d->new_exp;
    int e1 = t0_old ? d->new_exp : d->cur_exp;
    uint64_t m0 = (1ull << e0) - 1, m1 = (1ull << e1) - 1;

    sim_emit(d, t0_old, v & m0, rep);
    do {
        sim_emit(d, !t0_old, v & m1, rep);
        v |= ~m1;
        v = rev(v);
        v++;
        v = rev(v);
    } while (v & (m0 ^ m1));
    return v;
}

/* One SCAN cursor COUNT count, as scanGenericCommand loops over dictScan. */
static uint64_t sim_scan(struct sim_dict *d, uint64_t cursor, long count,
                         struct sim_reply *rep)
{
    long maxiterations = count * 10;

    rep->n = 0;
    do {
        cursor = sim_dict_scan(d, cursor, rep);
    } while (cursor && maxiterations-- && rep->n < (size_t)count);
    return cursor;
}

static void sim_rehash(struct sim_dict *d, uint64_t buckets)
{
    if (!sim_rehashing(d))
        return;
    d->rehashidx += buckets;
    if (d->rehashidx >= (1ull << d->cur_exp)) {
        d->cur_exp = d->new_exp;
        d->new_exp = -1;
        d->rehashidx = 0;
    }
}

/* Resizes to 2^exp buckets: at once (step 0), or by starting a rehash that
 * moves `step` old buckets before each later SCAN call. */
static void sim_resize(struct sim_dict *d, int exp, uint64_t step)
{
    sim_rehash(d, UINT64_MAX / 2); /* Redis finishes one resize first */
    if (exp == d->cur_exp)
        return;
    if (step == 0) {
        d->cur_exp = exp;
        return;
    }
    d->new_exp = exp;
    d->rehashidx = 0;
    d->step = step;
}

/* ---- walking ranges over the simulation ------------------------------- */

/* A table resize that happens before the SCAN call number at_call. */
struct sim_event {
    uint32_t at_call;
    int exp;
    uint32_t step; /* 0: at once; else old buckets moved per call */
};

struct walk_plan {
    const char *what;
    int exp0;
    int k;
    long count;
    bool round_robin;
    const struct sim_event *ev;
    int n_ev;
    bool expect_once; /* no resize that can repeat keys */
};

struct walker {
    struct scan_range r;
    uint64_t cursor;
    uint64_t last_pos;
    uint32_t calls;
    bool done;
};

struct walk_state {
    struct sim_dict *d;
    const struct walk_plan *p;
    struct sim_reply rep;
    uint8_t *all;      /* times each key was returned */
    uint8_t *owned;    /* times counted as owned by a range */
    int16_t *owner;    /* the first range that owned each key */
    uint64_t returned; /* keys returned in all */
    uint32_t calls;
    int next_ev;
    char err[1024];
};

/* Which of the 2^k ranges a key's hash places it in. */
static uint64_t key_range(const struct sim_dict *d, uint32_t key, int k)
{
    return k ? rev(d->hash[key]) >> (64 - k) : 0;
}

static void walk_fail(struct walk_state *s, const struct walker *w,
                      const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    if (s->err[0])
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    snprintf(s->err, sizeof(s->err),
             "%s: table 2^%d (now 2^%d%s), k=%d, count=%ld, range %u of %u "
             "(start cursor %llu), call %u: %s",
             s->p->what, s->p->exp0, s->d->cur_exp,
             sim_rehashing(s->d) ? ", rehashing" : "", s->p->k, s->p->count,
             w->r.index, w->r.count, (unsigned long long)w->r.start, w->calls,
             msg);
}

/* Applies the plan's rehash steps and resizes due before the next call. */
static void walk_events(struct walk_state *s)
{
    const struct walk_plan *p = s->p;

    if (sim_rehashing(s->d))
        sim_rehash(s->d, s->d->step);
    while (s->next_ev < p->n_ev && p->ev[s->next_ev].at_call <= s->calls) {
        sim_resize(s->d, p->ev[s->next_ev].exp, p->ev[s->next_ev].step);
        s->next_ev++;
    }
}

/* Checks the cursor a call returned against an independent reading of the
 * range: the position, whether the walk goes on, where it stops. */
static void walk_check_cursor(struct walk_state *s, struct walker *w,
                              uint64_t next, bool goes_on)
{
    int k = s->p->k;
    uint64_t pos = ranges_pos(LAYOUT_BUCKETS, next);
    uint64_t want_pos = next ? rev(next) : UINT64_MAX;
    bool want_on = next && (k == 0 || rev(next) >> (64 - k) == w->r.index);

    if (pos != want_pos)
        walk_fail(s, w, "ranges_pos(%llu) = %llx, expected %llx",
                  (unsigned long long)next, (unsigned long long)pos,
                  (unsigned long long)want_pos);
    if (pos < w->last_pos)
        walk_fail(s, w, "position went back from %llx to %llx (cursor %llu)",
                  (unsigned long long)w->last_pos, (unsigned long long)pos,
                  (unsigned long long)next);
    if (goes_on != want_on)
        walk_fail(s, w, "ranges_continues(%llu) = %d, expected %d",
                  (unsigned long long)next, goes_on, want_on);
    if (!goes_on && next && k && rev(next) >> (64 - k) < w->r.index)
        walk_fail(s, w, "walk stopped before its range (cursor %llu)",
                  (unsigned long long)next);
    w->last_pos = pos;
}

/* Counts the keys of one reply. Keys of a call after which the walk goes
 * on must lie in the range; the last call's keys outside it are the
 * overrun, set aside. */
static void walk_count(struct walk_state *s, struct walker *w, bool goes_on)
{
    int k = s->p->k;

    for (size_t i = 0; i < s->rep.n; i++) {
        uint32_t key = s->rep.keys[i];
        uint64_t kr = key_range(s->d, key, k);

        s->returned++;
        if (s->all[key] < UINT8_MAX)
            s->all[key]++;
        if (goes_on && kr != w->r.index)
            walk_fail(s, w,
                      "key %u (range %llu) came back from a call after "
                      "which the walk goes on",
                      key, (unsigned long long)kr);
        if (!s->p->n_ev && k <= s->p->exp0 && kr < w->r.index)
            walk_fail(s, w, "key %u of earlier range %llu came back", key,
                      (unsigned long long)kr);
        if (!goes_on && kr != w->r.index)
            continue;
        if (s->owned[key] == 0)
            s->owner[key] = (int16_t)w->r.index;
        if (s->owned[key] < UINT8_MAX)
            s->owned[key]++;
    }
}

static void walk_step(struct walk_state *s, struct walker *w)
{
    walk_events(s);
    uint64_t next = sim_scan(s->d, w->cursor, s->p->count, &s->rep);
    bool goes_on = ranges_continues(&w->r, next);

    s->calls++;
    w->calls++;
    walk_check_cursor(s, w, next, goes_on);
    walk_count(s, w, goes_on);
    w->cursor = next;
    w->done = !goes_on;
    if (w->calls > (4u << 20))
        walk_fail(s, w, "walk does not end");
    if (s->err[0])
        w->done = true;
}

static void walkers_init(struct walker *ws, int k)
{
    for (uint32_t j = 0; j < (1u << k); j++) {
        ws[j] = (struct walker){.r = ranges_buckets((uint32_t)k, j)};
        ws[j].cursor = ws[j].r.start;
        ws[j].last_pos = k ? (uint64_t)j << (64 - k) : 0;
    }
}

/* Walks every range; interleaved one call at a time, or one after another. */
static void walk_all(struct walk_state *s, struct walker *ws)
{
    uint32_t n = 1u << s->p->k;
    bool busy = true;

    if (!s->p->round_robin) {
        for (uint32_t j = 0; j < n; j++)
            while (!ws[j].done)
                walk_step(s, &ws[j]);
        return;
    }
    while (busy) {
        busy = false;
        for (uint32_t j = 0; j < n; j++) {
            if (ws[j].done)
                continue;
            walk_step(s, &ws[j]);
            busy = true;
        }
    }
}

/* Appends the missing and repeated keys to the error message. */
static void walk_report_keys(struct walk_state *s, uint32_t *missing,
                             uint32_t *repeated)
{
    size_t len = strlen(s->err);
    int shown_m = 0, shown_r = 0;

    *missing = *repeated = 0;
    for (uint32_t key = 0; key < s->d->nkeys; key++) {
        bool miss = s->all[key] == 0;
        bool rep = s->p->expect_once && s->owned[key] != 1;

        *missing += miss;
        *repeated += rep;
        if (len + 160 >= sizeof(s->err))
            continue;
        if (miss && shown_m++ < SHOW_KEYS)
            len += (size_t)snprintf(
                s->err + len, sizeof(s->err) - len,
                "\n  missing key %u (hash %016llx, range %llu)", key,
                (unsigned long long)s->d->hash[key],
                (unsigned long long)key_range(s->d, key, s->p->k));
        else if (rep && !miss && shown_r++ < SHOW_KEYS)
            len += (size_t)snprintf(
                s->err + len, sizeof(s->err) - len,
                "\n  key %u (range %llu) owned %u times, first by range %d",
                key, (unsigned long long)key_range(s->d, key, s->p->k),
                s->owned[key], s->owner[key]);
    }
}

struct walk_result {
    uint64_t returned;    /* keys returned in all, overrun included */
    uint32_t missing;     /* keys never returned */
    uint32_t repeated;    /* keys owned other than once, if checked */
    uint32_t owned_twice; /* keys two ranges own (a resize repeats) */
};

/* Walks every range of 2^p->k once over d (reset to 2^exp0 buckets), and
 * fails the test with the details when a check does not hold. */
static struct walk_result walk_plan_run(struct sim_dict *d,
                                        const struct walk_plan *p)
{
    struct walk_state s = {.d = d, .p = p};
    struct walker ws[1u << MAX_RANGE_BITS];
    struct walk_result res = {0};
    char head[1100];

    d->cur_exp = p->exp0;
    d->new_exp = -1;
    d->rehashidx = 0;
    s.all = calloc(d->nkeys + 1, 1);
    s.owned = calloc(d->nkeys + 1, 1);
    s.owner = calloc(d->nkeys + 1, sizeof(*s.owner));
    assert_true(s.all && s.owned && s.owner);

    walkers_init(ws, p->k);
    walk_all(&s, ws);
    for (uint32_t key = 0; key < d->nkeys; key++)
        res.owned_twice += s.owned[key] > 1;
    res.returned = s.returned;

    snprintf(head, sizeof(head), "%s", s.err);
    if (!s.err[0])
        snprintf(s.err, sizeof(s.err),
                 "%s: table 2^%d (now 2^%d), k=%d, count=%ld, %u keys:",
                 p->what, p->exp0, d->cur_exp, p->k, p->count, d->nkeys);
    walk_report_keys(&s, &res.missing, &res.repeated);
    free(s.rep.keys);
    free(s.all);
    free(s.owned);
    free(s.owner);
    if (head[0] || res.missing || res.repeated)
        fail_msg("%s\n  (%u missing, %u not owned exactly once)", s.err,
                 res.missing, res.repeated);
    return res;
}

/* ---- bit reversal and positions --------------------------------------- */

static void test_rev64_reverses_known_values(void **state)
{
    (void)state;
    assert_int_equal(ranges_rev64(0), 0);
    assert_true(ranges_rev64(1) == 0x8000000000000000ull);
    assert_true(ranges_rev64(0x8000000000000000ull) == 1);
    assert_true(ranges_rev64(UINT64_MAX) == UINT64_MAX);
    assert_true(ranges_rev64(0x0f) == 0xf000000000000000ull);
    assert_true(ranges_rev64(0x00000000000000ffull) == 0xff00000000000000ull);
    assert_true(ranges_rev64(0x0123456789abcdefull) == 0xf7b3d591e6a2c480ull);
    assert_true(ranges_rev64(0x5555555555555555ull) == 0xaaaaaaaaaaaaaaaaull);
    assert_true(ranges_rev64(0x00000001ffffffffull) == 0xffffffff80000000ull);
}

static void test_rev64_agrees_with_a_bit_by_bit_reverse(void **state)
{
    (void)state;
    for (uint64_t i = 0; i < 100000; i++) {
        uint64_t v = mix64(i), slow = 0;

        for (int b = 0; b < 64; b++)
            if (v >> b & 1)
                slow |= 1ull << (63 - b);
        if (ranges_rev64(v) != slow || ranges_rev64(slow) != v)
            fail_msg("rev64(%016llx) = %016llx, expected %016llx",
                     (unsigned long long)v, (unsigned long long)ranges_rev64(v),
                     (unsigned long long)slow);
    }
}

static void test_bucket_range_starts_at_the_reverse_of_its_index(void **state)
{
    (void)state;
    for (uint32_t k = 0; k <= 20; k++) {
        for (uint32_t j = 0; j < (1u << k); j += 1 + (j >> 4)) {
            struct scan_range r = ranges_buckets(k, j);

            if (r.start != rev_bits(j, (int)k) || r.index != j ||
                r.count != 1u << k || r.bits != k || r.layout != LAYOUT_BUCKETS)
                fail_msg("ranges_buckets(%u, %u): start %llu (expected "
                         "%llu), index %u, count %u, bits %u",
                         k, j, (unsigned long long)r.start,
                         (unsigned long long)rev_bits(j, (int)k), r.index,
                         r.count, r.bits);
        }
    }
    /* Examples: 16 ranges start at the 4-bit reverses 0, 8, 4, 12, ... */
    assert_int_equal(ranges_buckets(4, 1).start, 8);
    assert_int_equal(ranges_buckets(4, 3).start, 12);
    assert_int_equal(ranges_buckets(4, 15).start, 15);
    assert_int_equal(ranges_buckets(31, 1).start, 1u << 30);
}

static void test_cursor_zero_is_the_end_of_every_walk(void **state)
{
    struct scan_range r;

    (void)state;
    assert_true(ranges_pos(LAYOUT_BUCKETS, 0) == UINT64_MAX);
    assert_true(ranges_pos(LAYOUT_SLOTS, 0) == UINT64_MAX);
    for (uint32_t k = 0; k <= 8; k++) {
        r = ranges_buckets(k, (1u << k) - 1);
        assert_false(ranges_continues(&r, 0));
    }
    r = ranges_slots(0, RANGES_SLOTS, 4, 3);
    assert_false(ranges_continues(&r, 0));
}

static void test_bucket_walk_continues_only_inside_its_range(void **state)
{
    (void)state;
    for (uint32_t k = 1; k <= 8; k++) {
        for (uint32_t j = 0; j < (1u << k); j++) {
            struct scan_range r = ranges_buckets(k, j);

            /* Cursors of a 2^12 table: inside iff low k bits reverse to j. */
            for (uint64_t c = 1; c < 4096; c++) {
                bool want = rev_bits(c, (int)k) == j;

                if (ranges_continues(&r, c) != want)
                    fail_msg("k=%u range %u cursor %llu: continues=%d", k, j,
                             (unsigned long long)c, !want);
            }
        }
    }
}

static void test_slot_positions_order_by_slot_then_bucket(void **state)
{
    (void)state;
    /* Seen on a one-node Valkey 8 cluster: cursors 98319, 65567, 50, 49216
     * are slots 15, 31, 50, 64 with bucket cursors 6, 4, 0, 3. */
    uint64_t seen[] = {98319, 65567, 50, 49216};
    uint64_t slots[] = {15, 31, 50, 64};

    for (int i = 0; i < 4; i++) {
        uint64_t pos = ranges_pos(LAYOUT_SLOTS, seen[i]);

        assert_int_equal(pos >> 50, slots[i]);
        if (i)
            assert_true(pos > ranges_pos(LAYOUT_SLOTS, seen[i - 1]));
    }
    /* Within a slot, the bucket cursor's reverse orders the walk. */
    for (uint64_t slot = 0; slot < RANGES_SLOTS; slot += 997) {
        uint64_t prev = 0;

        for (uint64_t b = 0; b < 64; b++) {
            uint64_t cur = rev_bits(b, 6) << RANGES_SLOT_BITS | slot;
            uint64_t pos = ranges_pos(LAYOUT_SLOTS, cur);

            if (cur == 0)
                continue;
            assert_int_equal(pos >> 50, slot);
            assert_true(b == 0 || pos > prev);
            prev = pos;
        }
        uint64_t next_slot = ranges_pos(LAYOUT_SLOTS, slot + 1);
        assert_true(next_slot > prev);
    }
}

/* ---- slot ranges ------------------------------------------------------ */

static void test_slot_ranges_split_all_slots_into_contiguous_runs(void **state)
{
    uint32_t counts[] = {1, 2, 3, 7, 16, 100, 1000, 4096, 16383, 16384};

    (void)state;
    for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
        uint32_t n = counts[c], expect_lo = 0;

        for (uint32_t j = 0; j < n; j++) {
            struct scan_range r = ranges_slots(0, RANGES_SLOTS, n, j);

            if (r.slot_lo != expect_lo || r.slot_hi <= r.slot_lo ||
                r.start != r.slot_lo || r.layout != LAYOUT_SLOTS ||
                r.index != j || r.count != n)
                fail_msg("%u slot ranges, range %u: [%u, %u) start %llu, "
                         "expected to begin at %u",
                         n, j, r.slot_lo, r.slot_hi,
                         (unsigned long long)r.start, expect_lo);
            /* Sizes differ by at most one slot. */
            uint32_t size = r.slot_hi - r.slot_lo;
            assert_true(size == RANGES_SLOTS / n ||
                        size == RANGES_SLOTS / n + 1);
            expect_lo = r.slot_hi;
        }
        if (expect_lo != RANGES_SLOTS)
            fail_msg("%u slot ranges end at %u, not 16384", n, expect_lo);
    }

    /* A node's own slots: [5461, 10923) in 5 runs. */
    uint32_t lo = 5461;
    for (uint32_t j = 0; j < 5; j++) {
        struct scan_range r = ranges_slots(5461, 10923, 5, j);
        assert_int_equal(r.slot_lo, lo);
        lo = r.slot_hi;
    }
    assert_int_equal(lo, 10923);
}

static void test_slot_walk_continues_while_below_its_last_slot(void **state)
{
    struct scan_range r = ranges_slots(0, RANGES_SLOTS, 16, 2);

    (void)state;
    assert_int_equal(r.start, 2048);
    assert_true(ranges_continues(&r, 2048));
    assert_true(ranges_continues(&r, 3071));
    assert_true(ranges_continues(&r, (123ull << 14) | 3071));
    assert_false(ranges_continues(&r, 3072));
    assert_false(ranges_continues(&r, (5ull << 14) | 3072));
    assert_false(ranges_continues(&r, (5ull << 14) | 9000));
    assert_false(ranges_continues(&r, 0));
}

static void test_next_start_is_where_the_following_range_starts(void **state)
{
    (void)state;
    for (uint32_t k = 1; k <= 10; k++) {
        for (uint32_t j = 0; j + 1 < (1u << k); j++) {
            struct scan_range r = ranges_buckets(k, j);
            assert_int_equal(ranges_next_start(&r),
                             ranges_buckets(k, j + 1).start);
        }
    }
    for (uint32_t j = 0; j + 1 < 7; j++) {
        struct scan_range r = ranges_slots(0, RANGES_SLOTS, 7, j);
        assert_int_equal(ranges_next_start(&r),
                         ranges_slots(0, RANGES_SLOTS, 7, j + 1).start);
    }
}

/* ---- ranges_pick_bits ------------------------------------------------- */

static void test_pick_bits_never_makes_more_ranges_than_keys(void **state)
{
    int threads[] = {1, 2, 3, 4, 8, 16, 64, 1000};

    (void)state;
    for (size_t t = 0; t < sizeof(threads) / sizeof(threads[0]); t++) {
        for (uint64_t keys = 1; keys < (1ull << 26); keys = keys * 3 / 2 + 1) {
            uint32_t bits = ranges_pick_bits(keys, threads[t], 32768);

            if ((1ull << bits) > keys)
                fail_msg("%llu keys, %d threads: %llu ranges",
                         (unsigned long long)keys, threads[t], 1ull << bits);
        }
        assert_int_equal(ranges_pick_bits(0, threads[t], 32768), 0);
    }
}

static void
test_pick_bits_gives_each_worker_eight_ranges_when_keys_allow(void **state)
{
    int threads[] = {1, 2, 3, 4, 5, 8, 12, 16, 64, 1000};

    (void)state;
    for (size_t t = 0; t < sizeof(threads) / sizeof(threads[0]); t++) {
        uint64_t want = (uint64_t)threads[t] * 8, pow2 = 1;

        while (pow2 < want)
            pow2 <<= 1;
        /* Ranges come in powers of two, and each keeps at least eight
         * keys: the keys allow threads*8 ranges from 8 * that power on. */
        for (uint64_t keys = pow2 * 8; keys < (1ull << 26);
             keys = keys * 5 / 4) {
            uint32_t bits = ranges_pick_bits(keys, threads[t], 32768);

            if ((1ull << bits) < want)
                fail_msg("%llu keys, %d threads: only %llu ranges",
                         (unsigned long long)keys, threads[t], 1ull << bits);
        }
    }
}

static void test_pick_bits_keeps_each_range_near_keys_per_range(void **state)
{
    (void)state;
    for (uint64_t keys = 1; keys < (1ull << 30); keys = keys * 3 + 1) {
        uint32_t bits = ranges_pick_bits(keys, 2, 32768);

        if (keys >> bits > 32768)
            fail_msg("%llu keys in 2^%u ranges: %llu keys a range",
                     (unsigned long long)keys, bits,
                     (unsigned long long)(keys >> bits));
    }
    assert_int_equal(ranges_pick_bits(1000000, 2, 32768), 5);
    assert_int_equal(ranges_pick_bits(100000, 2, 32768), 4);
}

/* ---- walks over stable tables ----------------------------------------- */

struct load {
    uint32_t num, den;
};

static void walk_stable(int exp, struct load ld, long count, int kmax)
{
    struct sim_dict d;
    uint64_t n = ((1ull << exp) * ld.num) / ld.den;

    sim_init(&d, (uint32_t)(n ? n : 1), (uint64_t)exp * 31 + ld.num);
    for (int k = 0; k <= kmax; k++) {
        char what[64];
        struct walk_plan p = {.what = what,
                              .exp0 = exp,
                              .k = k,
                              .count = count,
                              .expect_once = true};

        snprintf(what, sizeof(what), "stable table, load %u/%u", ld.num,
                 ld.den);
        walk_plan_run(&d, &p);
    }
    sim_free(&d);
}

static void
test_every_range_of_a_stable_table_returns_every_key_once(void **state)
{
    struct load loads[] = {{1, 10}, {3, 4}, {1, 1}, {5, 1}};
    long counts[] = {1, 10, 500};

    (void)state;
    for (int exp = 4; exp <= SMALL_TABLE_MAX_EXP; exp++)
        for (size_t l = 0; l < 4; l++)
            for (size_t c = 0; c < 3; c++)
                walk_stable(exp, loads[l], counts[c], MAX_RANGE_BITS);
}

static void
test_every_range_of_a_large_stable_table_returns_every_key_once(void **state)
{
    (void)state;
    for (int exp = SMALL_TABLE_MAX_EXP + 1; exp <= LARGE_TABLE_MAX_EXP; exp++) {
        walk_stable(exp, (struct load){1, 1}, 10, MAX_RANGE_BITS);
        walk_stable(exp, (struct load){1, 10}, 500, MAX_RANGE_BITS);
    }
}

/* ---- walks while the table resizes ------------------------------------ */

struct resize_case {
    const char *what;
    uint32_t keys;
    int exp0;
    struct sim_event ev[3];
    int n_ev;
    bool expect_once;
};

/* Walks every k and both orders with the resizes moved along the walk. */
static void walk_resizing(const struct resize_case *rc, long count)
{
    struct sim_dict d;
    uint32_t worst_over = 0;
    uint64_t most_returned = 0;
    int runs = 0;

    sim_init(&d, rc->keys, 7);
    for (int k = 0; k <= MAX_RANGE_BITS; k++) {
        for (int rr = 0; rr < 2; rr++) {
            for (uint32_t at = 0; at < 400; at += RESIZE_STRIDE) {
                struct sim_event ev[3];
                struct walk_plan p = {.what = rc->what,
                                      .exp0 = rc->exp0,
                                      .k = k,
                                      .count = count,
                                      .round_robin = rr,
                                      .ev = ev,
                                      .n_ev = rc->n_ev,
                                      .expect_once = rc->expect_once};

                for (int e = 0; e < rc->n_ev; e++) {
                    ev[e] = rc->ev[e];
                    ev[e].at_call += at;
                }
                struct walk_result res = walk_plan_run(&d, &p);
                if (res.owned_twice > worst_over)
                    worst_over = res.owned_twice;
                if (res.returned > most_returned)
                    most_returned = res.returned;
                runs++;
            }
        }
    }
    print_message("  %s, count %ld: %d walks, every key back; at most %u "
                  "keys repeated besides the overrun, %llu returned for "
                  "%u keys\n",
                  rc->what, count, runs, worst_over,
                  (unsigned long long)most_returned, rc->keys);
    sim_free(&d);
}

static void
test_ranges_return_every_key_when_the_table_shrinks_16_times(void **state)
{
    struct resize_case at_once = {
        "shrink 2^14 -> 2^10 at once", 1000, 14, {{0, 10, 0}}, 1, false};
    struct resize_case rehashing = {
        "shrink 2^14 -> 2^10 rehashing 40 buckets a call",
        1000,
        14,
        {{0, 10, 40}},
        1,
        false};
    struct resize_case slow = {"shrink 2^14 -> 2^10 rehashing 3 buckets a call",
                               1000,
                               14,
                               {{0, 10, 3}},
                               1,
                               false};

    (void)state;
    walk_resizing(&at_once, 10);
    walk_resizing(&rehashing, 10);
    walk_resizing(&slow, 10);
    walk_resizing(&slow, 1);
}

static void
test_ranges_return_every_key_once_when_the_table_grows_4_times(void **state)
{
    struct resize_case at_once = {
        "grow 2^10 -> 2^12 at once", 1000, 10, {{0, 12, 0}}, 1, true};
    struct resize_case rehashing = {
        "grow 2^10 -> 2^12 rehashing 2 buckets a call",
        1000,
        10,
        {{0, 12, 2}},
        1,
        true};
    struct resize_case small = {"grow 2^6 -> 2^8 rehashing 1 bucket a call",
                                60,
                                6,
                                {{0, 8, 1}},
                                1,
                                true};

    (void)state;
    walk_resizing(&at_once, 10);
    walk_resizing(&rehashing, 10);
    walk_resizing(&rehashing, 100);
    walk_resizing(&small, 1);
}

static void test_ranges_return_every_key_through_repeated_resizes(void **state)
{
    struct resize_case up_down = {
        "grow 2^10 -> 2^12, shrink -> 2^8, grow -> 2^11, rehashing",
        1000,
        10,
        {{0, 12, 5}, {60, 8, 7}, {120, 11, 1}},
        3,
        false};
    struct resize_case below_k = {
        "shrink 2^12 -> 2^4 (fewer buckets than ranges) and back to 2^10",
        900,
        12,
        {{0, 4, 0}, {40, 10, 3}},
        2,
        false};

    (void)state;
    walk_resizing(&up_down, 10);
    walk_resizing(&below_k, 10);
    walk_resizing(&below_k, 3);
}

static void test_walk_position_never_goes_back_across_resizes(void **state)
{
    struct sim_dict d;
    struct sim_reply rep = {0};
    struct sim_event plan[] = {
        {5, 16, 0}, {40, 9, 7}, {90, 13, 2}, {200, 6, 1}, {260, 11, 0}};

    (void)state;
    sim_init(&d, 3000, 3);
    d.cur_exp = 12;
    uint64_t cursor = 0, last = 0;
    uint32_t call = 0;
    int e = 0;
    do {
        if (sim_rehashing(&d))
            sim_rehash(&d, d.step);
        while (e < 5 && plan[e].at_call <= call) {
            sim_resize(&d, plan[e].exp, plan[e].step);
            e++;
        }
        cursor = sim_scan(&d, cursor, 10, &rep);
        uint64_t pos = ranges_pos(LAYOUT_BUCKETS, cursor);
        if (pos <= last)
            fail_msg("call %u (table 2^%d%s): position %llx after %llx", call,
                     d.cur_exp, sim_rehashing(&d) ? " rehashing" : "",
                     (unsigned long long)pos, (unsigned long long)last);
        last = pos;
        call++;
    } while (cursor);
    assert_true(call > 200);
    free(rep.keys);
    sim_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rev64_reverses_known_values),
        cmocka_unit_test(test_rev64_agrees_with_a_bit_by_bit_reverse),
        cmocka_unit_test(test_bucket_range_starts_at_the_reverse_of_its_index),
        cmocka_unit_test(test_cursor_zero_is_the_end_of_every_walk),
        cmocka_unit_test(test_bucket_walk_continues_only_inside_its_range),
        cmocka_unit_test(test_slot_positions_order_by_slot_then_bucket),
        cmocka_unit_test(test_slot_ranges_split_all_slots_into_contiguous_runs),
        cmocka_unit_test(test_slot_walk_continues_while_below_its_last_slot),
        cmocka_unit_test(test_next_start_is_where_the_following_range_starts),
        cmocka_unit_test(test_pick_bits_never_makes_more_ranges_than_keys),
        cmocka_unit_test(
            test_pick_bits_gives_each_worker_eight_ranges_when_keys_allow),
        cmocka_unit_test(test_pick_bits_keeps_each_range_near_keys_per_range),
        cmocka_unit_test(
            test_every_range_of_a_stable_table_returns_every_key_once),
        cmocka_unit_test(
            test_every_range_of_a_large_stable_table_returns_every_key_once),
        cmocka_unit_test(
            test_ranges_return_every_key_when_the_table_shrinks_16_times),
        cmocka_unit_test(
            test_ranges_return_every_key_once_when_the_table_grows_4_times),
        cmocka_unit_test(test_ranges_return_every_key_through_repeated_resizes),
        cmocka_unit_test(test_walk_position_never_goes_back_across_resizes),
    };

    rev8_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
