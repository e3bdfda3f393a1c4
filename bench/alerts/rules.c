/* rules.c - what a rule costs the daemon's thread: rules_check (count the
 * buckets of a 7-day baseline, run the detector) and rules_run with the
 * evidence of a firing (top mentions, sources, words), on a store holding
 * N mentions of one brand over 8 days.  Run by bench/alerts/run.
 *
 *   rules DB N
 *
 * Prints: N, the mentions in the window, then the median (wall and CPU)
 * and max of 21 rules_check calls and of 5 evidence collections, in ms. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alerts/evidence.h"
#include "alerts/rules.h"
#include "core/conf.h"
#include "core/when.h"
#include "core/xalloc.h"
#include "store/alerts.h"
#include "store/store.h"

#define DAY 86400
#define BATCH 500

static const char *const words[] = {
	"acme", "cloud", "refund", "great", "support", "outage", "slow", "love", "hate", "order",
	"delivery", "app", "update", "crash", "price", "service", "team", "account", "login",
	"still", "waiting", "never", "again", "thanks", "amazing", "broken", "fixed", "today",
};

static uint64_t rng = 88172645463325252ULL;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static char *
sentence(int n)
{
	char buf[400];
	size_t o = 0;

	for (int i = 0; i < n && o + 20 < sizeof(buf); i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s", i ? " " : "",
				      words[next() % (sizeof(words) / sizeof(words[0]))]);
	return xstrdup(buf);
}

/* n mentions spread evenly over [end - 8 days, end), in fetches of BATCH. */
static void
fill(struct store *s, long n, int64_t end)
{
	static const char *const srcs[] = { "news", "forum", "reviews" };
	const char *brands[] = { "acme" };
	int64_t ids[3];
	struct store_source src = { 0 };
	char err[ES_ERRLEN], guid[32];
	long done = 0;

	for (int i = 0; i < 3; i++) {
		store_source_sync(s, srcs[i], "http://x.example/", &src, err, sizeof(err));
		ids[i] = src.id;
	}
	store_source_reset(&src);
	while (done < n) {
		struct mention m[BATCH];
		struct store_item it[BATCH];
		long k = n - done < BATCH ? n - done : BATCH;
		int64_t at = end - 8 * DAY + (int64_t)((double)(done + k) / (double)n * 8 * DAY);
		struct store_fetch f = { .source_id = ids[done / BATCH % 3], .fetched_at = at,
					 .ok = true, .status = 200, .next_fetch_at = at + 900 };

		for (long i = 0; i < k; i++) {
			mention_init(&m[i]);
			snprintf(guid, sizeof(guid), "g%ld", done + i);
			m[i].guid = xstrdup(guid);
			m[i].title = sentence(8);
			m[i].text = sentence(40);
			m[i].url = xasprintf("https://x.example/%s", guid);
			m[i].published = end - 8 * DAY + (int64_t)((double)(done + i) / (double)n * 8 * DAY);
			memset(&it[i], 0, sizeof(it[i]));
			it[i].m = &m[i];
			it[i].label = next() % 10 < 3 ? -1 : next() % 2;
			it[i].sentiment = it[i].label * 0.5;
			it[i].brands = brands;
			it[i].nbrands = 1;
		}
		if (store_ingest(s, &f, it, (size_t)k, NULL, err, sizeof(err)) != ES_OK) {
			fprintf(stderr, "ingest: %s\n", err);
			exit(1);
		}
		for (long i = 0; i < k; i++)
			mention_reset(&m[i]);
		done += k;
	}
}

/* Milliseconds of CPU this process used: the machine is shared, so wall
 * time alone would measure the neighbours too. */
static double
cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	struct conf_alert a = { .name = "bench", .brand = "acme", .sentiment = CONF_SENT_NEGATIVE,
				.window = 3600000, .baseline = 7LL * 86400000, .threshold = 3.5,
				.min_count = 5, .cooldown = 6 * 3600000 };
	struct store *s;
	struct spike_result r;
	double t[21], e[5], tc[21], ec[5];
	char err[ES_ERRLEN];
	long n = argc > 2 ? strtol(argv[2], NULL, 10) : 10000;
	int64_t end = 1795000000;

	if (argc < 3 || store_open(argv[1], STORE_RW, &s, err, sizeof(err)) != ES_OK) {
		fprintf(stderr, "usage: rules DB N\n");
		return 2;
	}
	fill(s, n, end);
	for (int i = 0; i < 21; i++) {
		int64_t t0 = when_mono_ms();
		double c0 = cpu_ms();

		if (rules_check(s, &a, end, &r, err, sizeof(err)) != ES_OK) {
			fprintf(stderr, "rules_check: %s\n", err);
			return 1;
		}
		t[i] = (double)(when_mono_ms() - t0);
		tc[i] = cpu_ms() - c0;
	}
	for (int i = 0; i < 5; i++) {
		struct store_count_spec q = { "acme", "negative", end - 8 * DAY, end, 300 };
		struct alert_msg m;
		int64_t t0 = when_mono_ms();
		double c0 = cpu_ms();

		msg_init(&m);
		evidence_collect(s, &q, end - 3600, &m, err, sizeof(err));
		e[i] = (double)(when_mono_ms() - t0);
		ec[i] = cpu_ms() - c0;
		msg_reset(&m);
	}
	qsort(t, 21, sizeof(t[0]), cmp);
	qsort(e, 5, sizeof(e[0]), cmp);
	qsort(tc, 21, sizeof(tc[0]), cmp);
	qsort(ec, 5, sizeof(ec[0]), cmp);
	printf("%ld mentions, %.0f negative in the window: rules_check median %.0f ms wall "
	       "(%.0f ms cpu), max %.0f ms; evidence median %.0f ms wall (%.0f ms cpu), max %.0f ms\n",
	       n, r.value, t[10], tc[10], t[20], e[2], ec[2], e[4]);
	store_close(s);
	return 0;
}
