/* sched.h - when each source is fetched next: the one place where
 * intervals, server hints, backoff and jitter are combined, and the queue
 * of sources ordered by when they are due.
 *
 * All times here are milliseconds on the monotonic clock (when_mono_ms), so
 * a wall clock stepping back cannot stall or storm the crawler; only the
 * store keeps wall-clock times. */
#ifndef ES_SCHED_H
#define ES_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCHED_MAX_BACKOFF_MS (24LL * 3600 * 1000) /* failures never wait longer */
#define SCHED_MAX_HINT_MS (24LL * 3600 * 1000)    /* Retry-After, max-age... clamped */
#define SCHED_MIN_DELAY_MS 1000                   /* nothing comes back sooner */
#define SCHED_JITTER 0.1                          /* +-10 % of the delay */

struct sched_policy {
	int64_t interval_ms;     /* the source's interval */
	double jitter;           /* fraction, e.g. SCHED_JITTER; 0: none */
};

/* What one fetch said about when to come back. */
struct sched_outcome {
	bool failed;             /* a failure (not 200, 304 or "no change") */
	int64_t failures;        /* consecutive failures, this one included */
	int64_t retry_after_ms;  /* Retry-After; -1: none */
	int64_t cache_ms;        /* max of Cache-Control max-age, Expires, <ttl>; -1: none */
};

/* Returns the delay until the next fetch.  Success: the interval, or
 * longer when the server's cache hints say the content will not change
 * before.  Failure: interval * 2^(failures-1), capped at
 * SCHED_MAX_BACKOFF_MS (or the interval when that is longer), so a failing
 * source slows down but is never dropped, and is back on its interval after
 * one success.  Jitter spreads sources that share a host; the result is
 * never shorter than Retry-After, and hints are clamped to
 * SCHED_MAX_HINT_MS.  rng is the state of sched_rand. */
int64_t sched_next_delay(const struct sched_policy *p, const struct sched_outcome *o,
			 uint64_t *rng);
/* A small fast generator (xorshift64*); state must not be 0. */
uint64_t sched_rand(uint64_t *state);

/* A min-heap of (due time, id). */
struct sched_queue {
	struct sched_item {
		int64_t due_ms;
		size_t id;
	} *v;
	size_t n, cap;
};

void sched_queue_init(struct sched_queue *q);
void sched_queue_free(struct sched_queue *q);
void sched_queue_push(struct sched_queue *q, int64_t due_ms, size_t id);
/* The earliest item, or NULL when empty. */
const struct sched_item *sched_queue_peek(const struct sched_queue *q);
/* Removes the earliest item into *out; false when empty. */
bool sched_queue_pop(struct sched_queue *q, struct sched_item *out);

#endif
