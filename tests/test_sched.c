/* test_sched.c - next-fetch delays (interval, hints, backoff, jitter), the
 * due queue, and per-host slots (caps, spacing, holds, Crawl-delay). */
#include <stdint.h>
#include <string.h>

#include "crawler/host.h"
#include "crawler/sched.h"
#include "crawler/worker.h"
#include "tests/test.h"

#define S 1000LL
#define H (3600 * S)

static int64_t
delay(int64_t interval, bool failed, int64_t failures, int64_t retry_after, int64_t cache)
{
	struct sched_policy p = { .interval_ms = interval, .jitter = 0 };
	struct sched_outcome o = { .failed = failed, .failures = failures,
				   .retry_after_ms = retry_after, .cache_ms = cache };

	return sched_next_delay(&p, &o, NULL);
}

static void
test_success_delays(void)
{
	T_EQ_INT(delay(15 * 60 * S, false, 0, -1, -1), 15 * 60 * S);
	/* Cache hints only ever lengthen, and are clamped to 24 h. */
	T_EQ_INT(delay(15 * 60 * S, false, 0, -1, 60 * S), 15 * 60 * S);
	T_EQ_INT(delay(15 * 60 * S, false, 0, -1, 2 * H), 2 * H);
	T_EQ_INT(delay(15 * 60 * S, false, 0, -1, 400 * H), 24 * H);
	/* ... unless the interval itself is longer. */
	T_EQ_INT(delay(48 * H, false, 0, -1, 400 * H), 48 * H);
	/* Nothing comes back sooner than a second. */
	T_EQ_INT(delay(10, false, 0, -1, -1), 1000);
}

static void
test_backoff(void)
{
	/* Doubles per consecutive failure ... */
	T_EQ_INT(delay(60 * S, true, 1, -1, -1), 60 * S);
	T_EQ_INT(delay(60 * S, true, 2, -1, -1), 120 * S);
	T_EQ_INT(delay(60 * S, true, 5, -1, -1), 16 * 60 * S);
	/* ... up to 24 h, however long it fails (no overflow). */
	T_EQ_INT(delay(60 * S, true, 12, -1, -1), 24 * H);
	T_EQ_INT(delay(60 * S, true, 1000000, -1, -1), 24 * H);
	/* Cache hints do not stretch a failure. */
	T_EQ_INT(delay(60 * S, true, 1, -1, 10 * H), 60 * S);
	/* One success: back on the interval. */
	T_EQ_INT(delay(60 * S, false, 0, -1, -1), 60 * S);
}

static void
test_retry_after(void)
{
	/* Never sooner than Retry-After ... */
	T_EQ_INT(delay(60 * S, true, 1, 300 * S, -1), 300 * S);
	T_EQ_INT(delay(60 * S, false, 0, 300 * S, -1), 300 * S);
	/* ... which does not shorten a longer backoff ... */
	T_EQ_INT(delay(60 * S, true, 4, 10 * S, -1), 480 * S);
	/* ... and is clamped to 24 h. */
	T_EQ_INT(delay(60 * S, true, 1, 100 * H, -1), 24 * H);
}

static void
test_jitter(void)
{
	struct sched_policy p = { .interval_ms = 100 * S, .jitter = SCHED_JITTER };
	struct sched_outcome o = { .failed = false, .retry_after_ms = -1, .cache_ms = -1 };
	uint64_t rng = 42;
	int64_t lo = INT64_MAX, hi = 0;

	for (int i = 0; i < 1000; i++) {
		int64_t d = sched_next_delay(&p, &o, &rng);

		lo = d < lo ? d : lo;
		hi = d > hi ? d : hi;
	}
	T_ASSERT(lo >= 90 * S && hi <= 110 * S);
	T_ASSERT(lo < 92 * S && hi > 108 * S);  /* it does spread */
	/* Never below Retry-After, jitter or not. */
	o.retry_after_ms = 100 * S;
	for (int i = 0; i < 200; i++)
		T_ASSERT(sched_next_delay(&p, &o, &rng) >= 100 * S);
}

static void
test_queue(void)
{
	struct sched_queue q;
	struct sched_item it;
	int64_t dues[] = { 50, 10, 30, 10, 70, 20, 60, 40 };
	int64_t last = -1;
	size_t n = 0;

	sched_queue_init(&q);
	T_ASSERT(sched_queue_peek(&q) == NULL);
	for (size_t i = 0; i < 8; i++)
		sched_queue_push(&q, dues[i], i);
	T_EQ_INT(sched_queue_peek(&q)->due_ms, 10);
	T_EQ_INT(sched_queue_peek(&q)->id, 1);  /* ties by id */
	while (sched_queue_pop(&q, &it)) {
		T_ASSERT(it.due_ms >= last);
		T_EQ_INT(dues[it.id], it.due_ms);
		last = it.due_ms;
		n++;
	}
	T_EQ_INT(n, 8);
	sched_queue_free(&q);
}

static void
test_host_slots(void)
{
	struct hosts t;
	struct host *h, *h2;

	hosts_init(&t);
	h = hosts_get(&t, "News.Example.COM", 1000);
	T_ASSERT(hosts_get(&t, "news.example.com", 5) == h);
	T_EQ_STR(h->name, "news.example.com");
	T_EQ_INT(h->delay_ms, 1000);
	/* Free now; a start pushes the next by the delay. */
	T_EQ_INT(host_wait_ms(h, 2, 10000), 0);
	host_started(h, 10000);
	/* Still connecting: nothing else starts on the host, however long. */
	T_EQ_INT(host_wait_ms(h, 2, 10000), -1);
	T_EQ_INT(host_wait_ms(h, 2, 12000), -1);
	/* Sent at once: the next start comes a delay after the start. */
	host_sent(h, 10000, true);
	T_EQ_INT(host_wait_ms(h, 2, 10000), 1000);
	T_EQ_INT(host_wait_ms(h, 2, 10600), 400);
	host_started(h, 11000);
	/* A connection that took 700 ms: the delay counts from the send. */
	host_sent(h, 11700, true);
	T_EQ_INT(host_wait_ms(h, 2, 12000), -1);  /* two in flight */
	/* Two in flight with max 2: wait for one to end. */
	T_EQ_INT(host_wait_ms(h, 2, 13000), -1);
	host_done(h, true);
	T_EQ_INT(host_wait_ms(h, 2, 12000), 700);
	T_EQ_INT(host_wait_ms(h, 2, 12700), 0);
	/* A redirect's second request pushes the next start again, and a
	 * transfer that ends before it sends anything frees the host. */
	host_sent(h, 12500, false);
	T_EQ_INT(host_wait_ms(h, 2, 12700), 800);
	host_done(h, true);
	host_started(h, 13500);
	host_done(h, false);
	T_EQ_INT(h->connecting, 0);
	T_EQ_INT(h->inflight, 0);
	T_EQ_INT(host_wait_ms(h, 2, 14500), 0);
	/* Retry-After holds the host; a shorter hold changes nothing. */
	host_hold(h, 12000, 30000);
	T_EQ_INT(host_wait_ms(h, 2, 12000), 30000);
	host_hold(h, 12000, 5000);
	T_EQ_INT(host_wait_ms(h, 2, 12000), 30000);
	/* Other hosts are not affected. */
	h2 = hosts_get(&t, "other.example", 1000);
	T_EQ_INT(host_wait_ms(h2, 2, 12000), 0);
	T_EQ_INT(t.n, 2);
	/* host_delay = 0: no spacing asked for, so a connection in progress
	 * holds nothing back; per_host still does. */
	h2 = hosts_get(&t, "fast.example", 0);
	host_started(h2, 12000);
	T_EQ_INT(host_wait_ms(h2, 2, 12000), 0);
	host_started(h2, 12000);
	T_EQ_INT(host_wait_ms(h2, 2, 12000), -1);
	hosts_free(&t);
}

static void
test_host_robots(void)
{
	struct hosts t;
	struct host *h;
	const char *txt = "user-agent: *\ncrawl-delay: 5\ndisallow: /private\n";

	hosts_init(&t);
	h = hosts_get(&t, "a.example", 1000);
	T_ASSERT(!host_robots_fresh(h, 0));
	host_set_robots(h, robots_parse(txt, strlen(txt), "earshot"), 0, HOST_ROBOTS_TTL_MS);
	T_ASSERT(host_robots_fresh(h, 1000));
	T_ASSERT(!host_robots_fresh(h, HOST_ROBOTS_TTL_MS));
	T_EQ_INT(h->delay_ms, 5000);  /* Crawl-delay raises the spacing */
	T_ASSERT(!robots_allowed(h->robots, "/private/x"));
	/* A lower Crawl-delay never goes below host_delay; a huge one is capped. */
	txt = "user-agent: *\ncrawl-delay: 0.1\n";
	host_set_robots(h, robots_parse(txt, strlen(txt), "earshot"), 0, HOST_ROBOTS_TTL_MS);
	T_EQ_INT(h->delay_ms, 1000);
	txt = "user-agent: *\ncrawl-delay: 3600\n";
	host_set_robots(h, robots_parse(txt, strlen(txt), "earshot"), 0, HOST_ROBOTS_TTL_MS);
	T_EQ_INT(h->delay_ms, HOST_MAX_CRAWL_DELAY_MS);
	hosts_free(&t);
}

struct seq_job {
	struct worker_job base;
	int n;
	int *log, *nlog;
};

static void
seq_run(struct worker_job *w)
{
	struct seq_job *j = (struct seq_job *)w;

	j->log[(*j->nlog)++] = j->n;  /* only the worker thread writes */
}

static int wakes;

static void
count_wake(void *ctx)
{
	(void)ctx;
	__atomic_add_fetch(&wakes, 1, __ATOMIC_SEQ_CST);
}

/* Jobs run in push order on the worker thread, come back in that order,
 * and each wakes the main loop once. */
static void
test_worker_order(void)
{
	struct worker *w = worker_new(count_wake, NULL);
	struct seq_job jobs[100];
	struct worker_job *done;
	int log[100], nlog = 0, back = 0;

	for (int i = 0; i < 100; i++) {
		jobs[i] = (struct seq_job){ .base.run = seq_run, .n = i, .log = log, .nlog = &nlog };
		worker_push(w, &jobs[i].base);
	}
	worker_drain(w);
	T_EQ_INT(nlog, 100);
	T_EQ_INT(worker_pending(w), 100);
	for (done = worker_done(w); done; done = done->next)
		T_EQ_INT(((struct seq_job *)done)->n, back++);
	T_EQ_INT(back, 100);
	T_EQ_INT(worker_pending(w), 0);
	T_ASSERT(worker_done(w) == NULL);
	for (int i = 0; i < 100; i++)
		if (log[i] != i)
			t_fail(__FILE__, __LINE__, "job %d ran as %d", i, log[i]);
	worker_free(w);
	T_EQ_INT(__atomic_load_n(&wakes, __ATOMIC_SEQ_CST), 100);
}

static size_t batches, batched;

static void
count_batch(void *ctx, struct worker_job *list)
{
	(void)ctx;
	batches++;
	for (struct worker_job *j = list; j; j = j->next, batched++)
		j->run(j);
}

/* A batch worker hands over what queued up, at most max at a time, in
 * push order; every job comes back once. */
static void
test_worker_batch(void)
{
	struct worker *w = worker_new_batch(count_batch, 8, NULL, NULL);
	struct seq_job jobs[100];
	struct worker_job *done;
	int log[100], nlog = 0, back = 0;

	for (int i = 0; i < 100; i++) {
		jobs[i] = (struct seq_job){ .base.run = seq_run, .n = i, .log = log, .nlog = &nlog };
		worker_push(w, &jobs[i].base);
	}
	worker_drain(w);
	T_EQ_INT(nlog, 100);
	T_EQ_INT(batched, 100);
	T_ASSERT(batches >= 100 / 8 && batches <= 100);
	for (done = worker_done(w); done; done = done->next)
		T_EQ_INT(((struct seq_job *)done)->n, back++);
	T_EQ_INT(back, 100);
	for (int i = 0; i < 100; i++)
		if (log[i] != i)
			t_fail(__FILE__, __LINE__, "job %d ran as %d", i, log[i]);
	worker_free(w);
}

int
main(void)
{
	T_RUN(test_success_delays);
	T_RUN(test_backoff);
	T_RUN(test_retry_after);
	T_RUN(test_jitter);
	T_RUN(test_queue);
	T_RUN(test_host_slots);
	T_RUN(test_host_robots);
	T_RUN(test_worker_order);
	T_RUN(test_worker_batch);
	return t_report();
}
