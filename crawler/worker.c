/* worker.c - a job thread; see worker.h. */
#include "crawler/worker.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "core/xalloc.h"

struct worker {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t more;          /* todo gained a job, or quit */
	pthread_cond_t idle;          /* a job ran */
	struct worker_job *todo, *todo_tail;
	struct worker_job *done, *done_tail;
	size_t pending;               /* pushed, not collected */
	size_t running;               /* pushed, not yet run */
	bool quit;
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

static struct worker_job *
take_todo(struct worker *w)
{
	struct worker_job *j;

	pthread_mutex_lock(&w->mu);
	while (!w->todo && !w->quit)
		pthread_cond_wait(&w->more, &w->mu);
	if ((j = w->todo) && !(w->todo = j->next))
		w->todo_tail = NULL;
	pthread_mutex_unlock(&w->mu);
	return j;
}

static void *
loop(void *arg)
{
	struct worker *w = arg;
	struct worker_job *j;

	while ((j = take_todo(w))) {
		j->run(j);
		pthread_mutex_lock(&w->mu);
		append(&w->done, &w->done_tail, j);
		w->running--;
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
	struct worker *w = xcalloc(1, sizeof(*w));

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
	append(&w->todo, &w->todo_tail, job);
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
	/* take_todo hands out what is queued before it sees quit. */
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->more);
	pthread_cond_destroy(&w->idle);
	pthread_mutex_destroy(&w->mu);
	free(w);
}
