/*
 * A copy worker: one thread with its own ioloop, one connection to the
 * source and one to the destination. It pops SCAN ranges from the run's
 * queue, walks them, reads keys with DUMP and their deadlines in pipelined
 * transactions, and writes them with RESTORE ... ABSTTL.
 *
 * The worker owns everything it allocates; the run (copy.h) owns what it
 * shares. worker_start() and worker_join() are called by the main thread.
 */
#ifndef RM_WORKER_H
#define RM_WORKER_H

#include <stdbool.h>

#include "copy.h"
#include "status.h"

struct worker;

/* Starts worker number `id` (0-based) of `run`. */
status worker_start(struct worker **out, struct copy_run *run, int id);

/* Whether the worker's thread has finished (control thread polls this). */
bool worker_done(const struct worker *w);

/* Joins the thread and frees the worker. */
void worker_join(struct worker *w);

#endif
