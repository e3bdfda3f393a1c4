/* sched.c - next-fetch delays and the due queue; see sched.h. */
#include "crawler/sched.h"

#include <stdlib.h>

#include "core/xalloc.h"

uint64_t
sched_rand(uint64_t *state)
{
	uint64_t x = *state ? *state : 0x9E3779B97F4A7C15ULL;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static int64_t
clamp(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* interval * 2^(failures-1), capped. */
static int64_t
backoff(int64_t interval, int64_t failures)
{
	int64_t cap = interval > SCHED_MAX_BACKOFF_MS ? interval : SCHED_MAX_BACKOFF_MS;
	int64_t d = interval;

	for (int64_t i = 1; i < failures && d < cap; i++)
		d = d > cap / 2 ? cap : d * 2;
	return d < cap ? d : cap;
}

/* d scaled by a uniform factor in [1 - j, 1 + j]. */
static int64_t
jitter(int64_t d, double j, uint64_t *rng)
{
	double u;

	if (j <= 0 || !rng)
		return d;
	u = (double)(sched_rand(rng) >> 11) / (double)(1ULL << 53);
	return (int64_t)((double)d * (1.0 - j + 2.0 * j * u));
}

int64_t
sched_next_delay(const struct sched_policy *p, const struct sched_outcome *o, uint64_t *rng)
{
	int64_t interval = p->interval_ms > SCHED_MIN_DELAY_MS ? p->interval_ms : SCHED_MIN_DELAY_MS;
	int64_t d;

	if (o->failed)
		d = backoff(interval, o->failures > 0 ? o->failures : 1);
	else
		d = interval;
	d = jitter(d, p->jitter, rng);
	if (!o->failed && o->cache_ms > d)
		d = clamp(o->cache_ms, d, interval > SCHED_MAX_HINT_MS ? interval : SCHED_MAX_HINT_MS);
	if (o->retry_after_ms > d)
		d = clamp(o->retry_after_ms, d, SCHED_MAX_HINT_MS);
	return d > SCHED_MIN_DELAY_MS ? d : SCHED_MIN_DELAY_MS;
}

void
sched_queue_init(struct sched_queue *q)
{
	q->v = NULL;
	q->n = 0;
	q->cap = 0;
}

void
sched_queue_free(struct sched_queue *q)
{
	free(q->v);
	sched_queue_init(q);
}

static bool
before(const struct sched_item *a, const struct sched_item *b)
{
	return a->due_ms < b->due_ms || (a->due_ms == b->due_ms && a->id < b->id);
}

static void
swap(struct sched_item *a, struct sched_item *b)
{
	struct sched_item t = *a;

	*a = *b;
	*b = t;
}

void
sched_queue_push(struct sched_queue *q, int64_t due_ms, size_t id)
{
	size_t i;

	if (q->n == q->cap) {
		q->cap = q->cap ? q->cap * 2 : 64;
		q->v = xreallocarray(q->v, q->cap, sizeof(*q->v));
	}
	i = q->n++;
	q->v[i].due_ms = due_ms;
	q->v[i].id = id;
	while (i > 0 && before(&q->v[i], &q->v[(i - 1) / 2])) {
		swap(&q->v[i], &q->v[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
}

const struct sched_item *
sched_queue_peek(const struct sched_queue *q)
{
	return q->n ? &q->v[0] : NULL;
}

bool
sched_queue_pop(struct sched_queue *q, struct sched_item *out)
{
	size_t i = 0;

	if (!q->n)
		return false;
	*out = q->v[0];
	q->v[0] = q->v[--q->n];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < q->n && before(&q->v[l], &q->v[m]))
			m = l;
		if (r < q->n && before(&q->v[r], &q->v[m]))
			m = r;
		if (m == i)
			break;
		swap(&q->v[i], &q->v[m]);
		i = m;
	}
	return true;
}
