/*
 * ck_ring SPMC with TSan annotations: release before the enqueue publishes
 * a range, acquire after a dequeue took one, both on the range itself.
 */
#include "rangeq.h"

#include <ck_ring.h>
#include <stdlib.h>

#if defined(__SANITIZE_THREAD__)
#define RANGEQ_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define RANGEQ_TSAN 1
#endif
#endif

#ifdef RANGEQ_TSAN
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
#define tsan_acquire(p) __tsan_acquire(p)
#define tsan_release(p) __tsan_release(p)
#else
#define tsan_acquire(p) ((void)(p))
#define tsan_release(p) ((void)(p))
#endif

struct rangeq {
    ck_ring_t ring;
    ck_ring_buffer_t *buf;
};

status rangeq_new(struct rangeq **out, size_t n)
{
    struct rangeq *q = calloc(1, sizeof(*q));
    unsigned size = 4;

    *out = NULL;
    while (size < n + 1)
        size *= 2;
    if (!q)
        return ST_NOMEM;
    q->buf = calloc(size, sizeof(*q->buf));
    if (!q->buf) {
        free(q);
        return ST_NOMEM;
    }
    ck_ring_init(&q->ring, size);
    *out = q;
    return ST_OK;
}

void rangeq_free(struct rangeq *q)
{
    if (!q)
        return;
    free(q->buf);
    free(q);
}

bool rangeq_push(struct rangeq *q, struct scan_range *r)
{
    tsan_release(r);
    return ck_ring_enqueue_spmc(&q->ring, q->buf, r);
}

struct scan_range *rangeq_pop(struct rangeq *q)
{
    void *p = NULL;

    if (!ck_ring_dequeue_spmc(&q->ring, q->buf, &p))
        return NULL;
    tsan_acquire(p);
    return p;
}
