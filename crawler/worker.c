/* worker.c - a job thread; see worker.h. */
#include "crawler/worker.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "core/xalloc.h"

struct worker {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t more;          /* queued gained a job, or quit */
	pthread_cond_t idle;          /* a job ran */
	struct worker_job *queued, *queued_tail;
	struct worker_job *done, *done_tail;
	size_t pending;               /* pushed, not collected */
	size_t running;               /* pushed, not yet run */
	bool quit;
	void (*run_batch)(void *ctx, struct worker_job *list); /* NULL: job->run */
	size_t max;                   /* jobs taken at once */
	void (*wake)(void *ctx);
	void *ctx;
};

static void
append(struct worker_job **head, struct worker_job **tail, struct worker_job *j)
{
	j->next = NULL;
	if (*tail)
		(*tail)->next = j;
	else
		*head = j;
	*tail = j;
}

/* Takes up to w->max jobs off the queue, as a list; NULL once quit and
 * empty. */
static struct worker_job *
take_queued(struct worker *w)
{
	struct worker_job *head, *last;
	size_t n = 1;

	pthread_mutex_lock(&w->mu);
	while (!w->queued && !w->quit)
		pthread_cond_wait(&w->more, &w->mu);
	if ((head = last = w->queued)) {
		while (last->next && n < w->max)
			last = last->next, n++;
		if (!(w->queued = last->next))
			w->queued_tail = NULL;
		last->next = NULL;
	}
	pthread_mutex_unlock(&w->mu);
	return head;
}

static void *
loop(void *arg)
{
	struct worker *w = arg;
	struct worker_job *list, *j, *next;

	while ((list = take_queued(w))) {
		if (w->run_batch)
			w->run_batch(w->ctx, list);
		else
			list->run(list);
		pthread_mutex_lock(&w->mu);
		for (j = list; j; j = next) {
			next = j->next;
			append(&w->done, &w->done_tail, j);
			w->running--;
		}
		pthread_cond_broadcast(&w->idle);
		pthread_mutex_unlock(&w->mu);
		if (w->wake)
			w->wake(w->ctx);
	}
	return NULL;
}

struct worker *
worker_new(void (*wake)(void *ctx), void *ctx)
{
	return worker_new_batch(NULL, 1, wake, ctx);
}

struct worker *
worker_new_batch(void (*run_batch)(void *ctx, struct worker_job *list), size_t max,
		 void (*wake)(void *ctx), void *ctx)
{
	struct worker *w = xcalloc(1, sizeof(*w));

	w->run_batch = run_batch;
	w->max = run_batch && max > 1 ? max : 1;
	w->wake = wake;
	w->ctx = ctx;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->more, NULL);
	pthread_cond_init(&w->idle, NULL);
	if (pthread_create(&w->thread, NULL, loop, w) != 0)
		abort();
	return w;
}

void
worker_push(struct worker *w, struct worker_job *job)
{
	pthread_mutex_lock(&w->mu);
	append(&w->queued, &w->queued_tail, job);
	w->pending++;
	w->running++;
	pthread_cond_signal(&w->more);
	pthread_mutex_unlock(&w->mu);
}

struct worker_job *
worker_done(struct worker *w)
{
	struct worker_job *list, *j;

	pthread_mutex_lock(&w->mu);
	list = w->done;
	w->done = w->done_tail = NULL;
	for (j = list; j; j = j->next)
		w->pending--;
	pthread_mutex_unlock(&w->mu);
	return list;
}

size_t
worker_pending(const struct worker *w)
{
	struct worker *mw = (struct worker *)w;
	size_t n;

	pthread_mutex_lock(&mw->mu);
	n = mw->pending;
	pthread_mutex_unlock(&mw->mu);
	return n;
}

void
worker_drain(struct worker *w)
{
	pthread_mutex_lock(&w->mu);
	while (w->running)
		pthread_cond_wait(&w->idle, &w->mu);
	pthread_mutex_unlock(&w->mu);
}

void
worker_free(struct worker *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->quit = true;
	pthread_cond_signal(&w->more);
	pthread_mutex_unlock(&w->mu);
	/* take_queued hands out what is queued before it sees quit. */
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->more);
	pthread_cond_destroy(&w->idle);
	pthread_mutex_destroy(&w->mu);
	free(w);
}
