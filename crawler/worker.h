/* worker.h - one background thread that runs jobs in order: the crawler's
 * store writer, so that committing one source's mentions (SQLite, FTS5,
 * the disk) overlaps fetching, parsing and scoring the next ones instead of
 * adding to them.
 *
 * The main thread pushes jobs; the thread runs job->run(job) one at a time
 * in push order; finished jobs come back to the main thread through
 * worker_done(), and wake() is called (from the worker thread) after each,
 * so a main loop asleep in poll() notices. */
#ifndef ES_WORKER_H
#define ES_WORKER_H

#include <stddef.h>

struct worker_job {
	struct worker_job *next;        /* the queue's */
	void (*run)(struct worker_job *job);
};

struct worker;

/* Starts the thread.  wake(ctx) must be thread-safe (curl_multi_wakeup
 * is).  Aborts when no thread can be created, like an allocation failure. */
struct worker *worker_new(void (*wake)(void *ctx), void *ctx);
/* The same, but the thread takes every job queued, up to max, at once and
 * hands them to run_batch(ctx, list), oldest first through ->next (which
 * run_batch must leave as it is), instead of calling each job's run():
 * the crawler commits what queued up while it was busy in one transaction.
 * One job waiting makes a list of one, so nothing waits for a batch to
 * fill. */
struct worker *worker_new_batch(void (*run_batch)(void *ctx, struct worker_job *list),
				size_t max, void (*wake)(void *ctx), void *ctx);
/* Runs every job pushed, joins the thread, frees; NULL is a no-op.  Jobs
 * not collected with worker_done() are leaked to the caller: collect
 * first. */
void worker_free(struct worker *w);

/* Queues job (main thread). */
void worker_push(struct worker *w, struct worker_job *job);
/* Takes the jobs that have run, oldest first, as a list through ->next;
 * NULL when none (main thread). */
struct worker_job *worker_done(struct worker *w);
/* Jobs pushed and not yet collected by worker_done(). */
size_t worker_pending(const struct worker *w);
/* Blocks until every job pushed so far has run. */
void worker_drain(struct worker *w);

#endif
