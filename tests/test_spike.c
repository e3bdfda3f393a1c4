/* test_spike.c - the spike detector (alerts/spike) and earshot detect.
 *
 * Reference values are computed here independently of spike.c: tail
 * probabilities by summing the probability mass function term by term,
 * z-scores by bisection on erfc.  Synthetic series come from a fixed-seed
 * generator, so every expectation is exact and repeatable. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts/spike.h"
#include "core/when.h"
#include "tests/test.h"

#define HOUR_MS 3600000LL
#define DAY_MS (24 * HOUR_MS)
#define T0_MS 1767571200000LL /* 2026-01-05T00:00:00Z, a Monday */

/* ---- references ----------------------------------------------------- */

/* z with P(N(0,1) >= z) = p, by bisection. */
static double
ref_z(double p)
{
	double lo = -40, hi = 60;

	for (int i = 0; i < 200; i++) {
		double mid = (lo + hi) / 2;

		if (0.5 * erfc(mid / M_SQRT2) > p)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

/* P(X >= x), X Poisson(mu), summed upwards from x. */
static double
ref_poisson_tail(int x, double mu)
{
	long double s = 0;

	for (int k = x; k < x + 2000; k++)
		s += expl(k * logl(mu) - mu - lgammal(k + 1.0L));
	return (double)s;
}

/* P(X >= x), X negative binomial with mean mu and variance var > mu. */
static double
ref_nb_tail(int x, double mu, double var)
{
	long double r = mu * mu / (var - mu), q = r / (r + mu), s = 0;

	for (int k = x; k < x + 20000; k++)
		s += expl(lgammal(k + r) - lgammal(r) - lgammal(k + 1.0L) + r * logl(q) +
		          k * logl(1 - q));
	return (double)s;
}

/* P(X >= x), X hypergeometric: n draws from N holding K marked. */
static double
ref_hyper_tail(int N, int K, int n, int x)
{
	long double s = 0;

	for (int k = x; k <= n && k <= K; k++)
		s += expl(lgammal(K + 1.0L) - lgammal(k + 1.0L) - lgammal(K - k + 1.0L) +
		          lgammal(N - K + 1.0L) - lgammal(n - k + 1.0L) -
		          lgammal(N - K - n + k + 1.0L) - lgammal(N + 1.0L) + lgammal(n + 1.0L) +
		          lgammal(N - n + 1.0L));
	return (double)s;
}

/* ---- synthetic series ----------------------------------------------- */

static uint64_t rng;

static double
uniform(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) / 9007199254740992.0;
}

static double
poisson(double mu)
{
	double l = exp(-mu), p = 1;
	int k = 0;

	do {
		k++;
		p *= uniform();
	} while (p > l);
	return k - 1;
}

/* A strong daily cycle: 5 an hour at 02:00 to 100 at 14:00. */
static double
daily_level(size_t hour)
{
	double c = cos(2 * M_PI * ((double)(hour % 24) - 14) / 24);

	return 5 + 95 * pow((1 + c) / 2, 2);
}

#define HITS_MAX 64

struct hits {
	int n;
	struct spike_result r[HITS_MAX];
};

static enum es_err
collect(const struct spike_result *r, void *arg)
{
	struct hits *h = arg;

	if (h->n < HITS_MAX)
		h->r[h->n] = *r;
	h->n++;
	return ES_OK;
}

static struct spike_series
hourly(const double *v, size_t n)
{
	struct spike_series s = {.start_ms = T0_MS, .bucket_ms = HOUR_MS, .counts = v, .n = n};

	return s;
}

static int
scan(const struct spike_params *p, const struct spike_series *s, struct hits *h)
{
	char err[ES_ERRLEN] = "";
	enum es_err rc;

	memset(h, 0, sizeof(*h));
	rc = spike_scan(p, s, collect, h, err, sizeof(err));
	if (rc != ES_OK)
		fprintf(stderr, "spike_scan: %s\n", err);
	return rc;
}

/* ---- the statistics ------------------------------------------------- */

static void
test_count_z_small_counts(void)
{
	/* the examples: 6 against 0.5 a window is a spike, 2 is not */
	T_EQ_DBL(spike_count_z(6, 0.5, 0.5), ref_z(ref_poisson_tail(6, 0.5)), 1e-6);
	T_EQ_DBL(spike_count_z(6, 0.5, 0.5), 4.186492, 1e-6);
	T_EQ_DBL(spike_count_z(2, 0.5, 0.5), 1.339500, 1e-6);
	T_EQ_DBL(spike_count_z(25, 10, 10), ref_z(ref_poisson_tail(25, 10)), 1e-6);
	T_EQ_DBL(spike_count_z(5, 10, 10), ref_z(ref_poisson_tail(5, 10)), 1e-6);
	/* a variance below the mean is raised to it: Poisson */
	T_EQ_DBL(spike_count_z(25, 10, 1), spike_count_z(25, 10, 10), 1e-12);
	/* nothing, against anything, is never unusual */
	T_EQ_DBL(spike_count_z(0, 3, 3), -40, 0);
	T_EQ_DBL(spike_count_z(5, 0, 0), -40, 0);
}

static void
test_count_z_overdispersed(void)
{
	T_EQ_DBL(spike_count_z(80, 47, 400), ref_z(ref_nb_tail(80, 47, 400)), 1e-6);
	T_EQ_DBL(spike_count_z(150, 47, 400), ref_z(ref_nb_tail(150, 47, 400)), 1e-6);
	T_EQ_DBL(spike_count_z(30, 47, 400), ref_z(ref_nb_tail(30, 47, 400)), 1e-6);
	T_EQ_DBL(spike_count_z(3, 0.2, 2), ref_z(ref_nb_tail(3, 0.2, 2)), 1e-6);
	/* overdispersion makes the same count less unusual */
	T_ASSERT(spike_count_z(80, 47, 400) < spike_count_z(80, 47, 47));
}

static void
test_count_z_far_tail(void)
{
	/* p far below DBL_MIN: still finite and ordered, from log space */
	double z1 = spike_count_z(2000, 10, 10), z2 = spike_count_z(4000, 10, 10);

	T_ASSERT(isfinite(z1) && isfinite(z2));
	T_ASSERT(z1 > 38 && z2 > z1);
	/* the asymptotic branch joins the erfc one smoothly around z = 35 */
	T_EQ_DBL(spike_count_z(100, 10, 10), ref_z(ref_poisson_tail(100, 10)), 1e-5);
}

static void
test_share_z(void)
{
	/* the same share in the window as in the baseline: nothing */
	T_ASSERT(fabs(spike_share_z(40, 200, 700, 3500)) < 0.5);
	/* exact against the hypergeometric tail */
	T_EQ_DBL(spike_share_z(60, 100, 700, 3500), ref_z(ref_hyper_tail(3600, 760, 100, 60)),
	         1e-6);
	T_EQ_DBL(spike_share_z(3, 5, 20, 100), ref_z(ref_hyper_tail(105, 23, 5, 3)), 1e-6);
	/* a lower share is not a rise */
	T_ASSERT(spike_share_z(5, 100, 700, 3500) < -3);
	/* impossible or empty inputs say nothing */
	T_EQ_DBL(spike_share_z(5, 0, 700, 3500), 0, 0);
	T_EQ_DBL(spike_share_z(5, 10, 0, 0), 0, 0);
	T_EQ_DBL(spike_share_z(11, 10, 5, 50), 0, 0);
	T_EQ_DBL(spike_share_z(-1, 10, 5, 50), 0, 0);
}

static void
test_share_launch_vs_storm(void)
{
	/* a launch doubles all volume at the same 10% negative share: no */
	T_ASSERT(spike_share_z(20, 200, 1680, 16800) < 1);
	/* the share jumps from 10% to 30% at the same volume: yes */
	T_ASSERT(spike_share_z(30, 100, 1680, 16800) > 3.5);
}

/* ---- parameters ----------------------------------------------------- */

static void
test_params(void)
{
	struct spike_params p;
	char err[ES_ERRLEN];

	spike_params_default(&p);
	T_EQ_INT(p.window_ms, HOUR_MS);
	T_EQ_INT(p.baseline_ms, 7 * DAY_MS);
	T_EQ_DBL(p.threshold, 3.5, 0);
	T_EQ_INT(p.min_count, 5);
	T_EQ_INT(p.cooldown_ms, 6 * HOUR_MS);
	T_ASSERT(!p.share);
	T_EQ_INT(spike_params_check(&p, HOUR_MS, err, sizeof(err)), ES_OK);
	T_EQ_INT(spike_params_check(&p, 7 * 60000, err, sizeof(err)), ES_EINVAL);
	T_CONTAINS(err, "the window (1h) must be a positive multiple of the interval (7m)");
	p.baseline_ms = HOUR_MS;
	T_EQ_INT(spike_params_check(&p, HOUR_MS, err, sizeof(err)), ES_EINVAL);
	T_CONTAINS(err, "at least twice the window");
	spike_params_default(&p);
	p.threshold = NAN;
	T_EQ_INT(spike_params_check(&p, HOUR_MS, err, sizeof(err)), ES_EINVAL);
	/* warm-up: a day, or 24 windows, never more than the baseline */
	spike_params_default(&p);
	T_EQ_INT(spike_need_ms(&p), DAY_MS);
	p.window_ms = 6 * HOUR_MS;
	T_EQ_INT(spike_need_ms(&p), 6 * DAY_MS);
	p.window_ms = DAY_MS;
	T_EQ_INT(spike_need_ms(&p), 7 * DAY_MS);
	p.window_ms = HOUR_MS;
	p.baseline_ms = 12 * HOUR_MS;
	T_EQ_INT(spike_need_ms(&p), 12 * HOUR_MS);
	/* buckets that put windows and earlier days on whole buckets */
	T_EQ_INT(spike_bucket_ms(&p), HOUR_MS);
	T_EQ_INT(spike_span_ms(&p), 13 * HOUR_MS);
	p.window_ms = 90 * 60000;
	T_EQ_INT(spike_bucket_ms(&p), 30 * 60000);
	p.window_ms = 5 * 60000;
	T_EQ_INT(spike_bucket_ms(&p), 5 * 60000);
	p.window_ms = DAY_MS;
	T_EQ_INT(spike_bucket_ms(&p), HOUR_MS);
	p.window_ms = 7 * 60000;
	T_EQ_INT(spike_bucket_ms(&p), 60000);
}

static void
test_params_from_conf(void)
{
	struct conf *c = conf_load_string("[webhook w]\ntype = json\nurl = https://example.org/h\n"
	                                  "[alert a]\nwindow = 30m\nbaseline = 3d\nthreshold = 4\n"
	                                  "min_count = 3\ncooldown = 2h\nshare = yes\nnotify = w\n",
	                                  "feeds.conf");
	struct spike_params p;

	T_EQ_INT(c->ndiags, 0);
	spike_params_from_conf(&p, conf_alert_find(c, "a"));
	T_EQ_INT(p.window_ms, 30 * 60000);
	T_EQ_INT(p.baseline_ms, 3 * DAY_MS);
	T_EQ_DBL(p.threshold, 4, 0);
	T_EQ_INT(p.min_count, 3);
	T_EQ_INT(p.cooldown_ms, 2 * HOUR_MS);
	T_ASSERT(p.share);
	conf_free(c);
}

/* ---- behaviour on series -------------------------------------------- */

static void
test_flat_series(void)
{
	double v[14 * 24];
	struct spike_params p;
	struct spike_series s = hourly(v, 14 * 24);
	struct hits h;

	spike_params_default(&p);
	for (size_t i = 0; i < 14 * 24; i++)
		v[i] = 10;
	T_EQ_INT(scan(&p, &s, &h), ES_OK);
	T_EQ_INT(h.n, 0);
	for (size_t i = 0; i < 14 * 24; i++)
		v[i] = 0;
	T_EQ_INT(scan(&p, &s, &h), ES_OK);
	T_EQ_INT(h.n, 0);
}

static void
test_injected_spike(void)
{
	double v[14 * 24];
	struct spike_params p;
	struct spike_series s = hourly(v, 14 * 24);
	struct hits h;

	spike_params_default(&p);
	rng = 42;
	for (size_t i = 0; i < 14 * 24; i++)
		v[i] = poisson(20);
	v[9 * 24 + 11] = 60;
	T_EQ_INT(scan(&p, &s, &h), ES_OK);
	T_EQ_INT(h.n, 1);
	T_EQ_INT(h.r[0].start_ms, T0_MS + (9 * 24 + 11) * HOUR_MS);
	T_EQ_INT(h.r[0].end_ms, T0_MS + (9 * 24 + 12) * HOUR_MS);
	T_EQ_DBL(h.r[0].value, 60, 0);
	T_EQ_INT(h.r[0].state, SPIKE_FIRE);
	T_EQ_INT(h.r[0].basis, SPIKE_BASIS_DAILY);
	T_ASSERT(fabs(h.r[0].baseline - 20) < 2.5);
	T_ASSERT(h.r[0].score >= 3.5);
}

/* Two days of 0,1,0,1... an hour (0.5 on average), then one window. */
static void
check_half_per_hour(double value, int64_t min_count, struct spike_result *r)
{
	double v[49];
	struct spike_params p;
	struct spike_series s = hourly(v, 49);
	char err[ES_ERRLEN];

	spike_params_default(&p);
	p.baseline_ms = 2 * DAY_MS; /* too short for daily samples: recent windows */
	p.min_count = min_count;
	for (size_t i = 0; i < 48; i++)
		v[i] = (double)(i % 2);
	v[48] = value;
	T_EQ_INT(spike_check(&p, &s, T0_MS + 49 * HOUR_MS, SPIKE_NEVER, r, err, sizeof(err)),
	         ES_OK);
}

static void
test_small_counts(void)
{
	struct spike_result r;

	check_half_per_hour(6, 5, &r);
	T_EQ_INT(r.state, SPIKE_FIRE);
	T_EQ_INT(r.basis, SPIKE_BASIS_RECENT);
	T_EQ_DBL(r.baseline, 0.5, 1e-12);
	T_EQ_DBL(r.score, ref_z(ref_poisson_tail(6, 0.5)), 1e-6);
	/* 2 against 0.5 is not a spike, even with no min_count to hold it */
	check_half_per_hour(2, 1, &r);
	T_EQ_INT(r.state, SPIKE_QUIET);
	T_EQ_DBL(r.score, ref_z(ref_poisson_tail(2, 0.5)), 1e-6);
	/* 6 is a spike, but below min_count it does not fire */
	check_half_per_hour(6, 7, &r);
	T_EQ_INT(r.state, SPIKE_QUIET);
	T_ASSERT(r.score > 4);
}

static void
test_zero_variance(void)
{
	double v[10 * 24 + 1];
	struct spike_params p;
	struct spike_series s = hourly(v, 10 * 24 + 1);
	struct spike_result r;
	char err[ES_ERRLEN];
	int64_t now = T0_MS + (10 * 24 + 1) * HOUR_MS;

	spike_params_default(&p);
	for (size_t i = 0; i < 10 * 24; i++)
		v[i] = 10;
	/* every window held exactly 10: the spread is Poisson's, not zero */
	v[10 * 24] = 25;
	T_EQ_INT(spike_check(&p, &s, now, SPIKE_NEVER, &r, err, sizeof(err)), ES_OK);
	T_EQ_INT(r.state, SPIKE_FIRE);
	T_EQ_DBL(r.baseline, 10, 0);
	T_EQ_DBL(r.spread, sqrt(10), 1e-12);
	T_EQ_DBL(r.score, ref_z(ref_poisson_tail(25, 10)), 1e-6);
	v[10 * 24] = 19;
	T_EQ_INT(spike_check(&p, &s, now, SPIKE_NEVER, &r, err, sizeof(err)), ES_OK);
	T_EQ_INT(r.state, SPIKE_QUIET);
	T_EQ_DBL(r.score, ref_z(ref_poisson_tail(19, 10)), 1e-6);
	/* a week of nothing: the mean is taken as half a mention per baseline */
	for (size_t i = 0; i < 10 * 24; i++)
		v[i] = 0;
	v[10 * 24] = 5;
	T_EQ_INT(spike_check(&p, &s, now, SPIKE_NEVER, &r, err, sizeof(err)), ES_OK);
	T_EQ_INT(r.state, SPIKE_FIRE);
	T_EQ_DBL(r.baseline, 0, 0);
	T_EQ_DBL(r.score, ref_z(ref_poisson_tail(5, 0.5 / 168)), 1e-6);
	v[10 * 24] = 1;
	p.min_count = 1;
	T_EQ_INT(spike_check(&p, &s, now, SPIKE_NEVER, &r, err, sizeof(err)), ES_OK);
	T_EQ_INT(r.state, SPIKE_QUIET);
	T_ASSERT(isfinite(r.score) && r.score < 3.5);
}

static void
test_warmup(void)
{
	double v[3 * 24];
	struct spike_params p;
	struct spike_series s = hourly(v, 3 * 24);
	struct spike_result r;
	struct hits h;
	char err[ES_ERRLEN];

	spike_params_default(&p);
	for (size_t i = 0; i < 3 * 24; i++)
		v[i] = 10;
	v[20] = 500; /* 20 hours in: not enough history yet */
	v[50] = 500; /* 50 hours in: enough */
	T_EQ_INT(spike_check(&p, &s, T0_MS + 21 * HOUR_MS, SPIKE_NEVER, &r, err, sizeof(err)),
	         ES_OK);
	T_EQ_INT(r.state, SPIKE_WARMING);
	T_EQ_INT(r.have_ms, 20 * HOUR_MS);
	T_EQ_INT(r.need_ms, DAY_MS);
	T_ASSERT(isnan(r.score));
	T_EQ_INT(scan(&p, &s, &h), ES_OK);
	T_EQ_INT(h.n, 1);
	T_EQ_INT(h.r[0].start_ms, T0_MS + 50 * HOUR_MS);
	T_EQ_INT(h.r[0].have_ms, 50 * HOUR_MS);
}

static void
test_cooldown(void)
{
	double v[10 * 24];
	struct spike_params p;
	struct spike_series s = hourly(v, 10 * 24);
	struct spike_result r;
	struct hits h;
	char err[ES_ERRLEN];
	size_t first = 8 * 24 + 3;

	spike_params_default(&p);
	for (size_t i = 0; i < 10 * 24; i++)
		v[i] = 10;
	v[first] = v[first + 3] = v[first + 7] = 60;
	T_EQ_INT(scan(&p, &s, &h), ES_OK);
	T_EQ_INT(h.n, 2); /* the second, 3 h later, is held; the third, 7 h later, is not */
	T_EQ_INT(h.r[0].start_ms, T0_MS + (int64_t)first * HOUR_MS);
	T_EQ_INT(h.r[1].start_ms, T0_MS + (int64_t)(first + 7) * HOUR_MS);
	/* the daemon's view of the held one */
	T_EQ_INT(spike_check(&p, &s, T0_MS + (int64_t)(first + 4) * HOUR_MS,
	                     T0_MS + (int64_t)(first + 1) * HOUR_MS, &r, err, sizeof(err)),
	         ES_OK);
	T_EQ_INT(r.state, SPIKE_HELD);
	/* no cooldown: all three */
	p.cooldown_ms = 0;
	T_EQ_INT(scan(&p, &s, &h), ES_OK);
	T_EQ_INT(h.n, 3);
}

static void
make_daily(double *v, size_t n)
{
	rng = 7;
	for (size_t i = 0; i < n; i++)
		v[i] = poisson(daily_level(i));
}

static void
test_daily_rhythm(void)
{
	enum { N = 21 * 24 };
	double v[N];
	struct spike_params p;
	struct spike_series s = hourly(v, N);
	struct spike_result r;
	struct hits h;
	char err[ES_ERRLEN];
	size_t quiet = 12 * 24 + 2; /* day 12, 02:00, about 5 an hour */

	spike_params_default(&p);
	make_daily(v, N);
	/* three weeks of a twentyfold daily swing: not one alarm */
	T_EQ_INT(scan(&p, &s, &h), ES_OK);
	T_EQ_INT(h.n, 0);
	/* 30 at a quiet hour, still far below the daily peaks of 100, fires */
	v[quiet] = 30;
	T_EQ_INT(scan(&p, &s, &h), ES_OK);
	T_EQ_INT(h.n, 1);
	T_EQ_INT(h.r[0].start_ms, T0_MS + (int64_t)quiet * HOUR_MS);
	T_EQ_INT(h.r[0].basis, SPIKE_BASIS_DAILY);
	T_ASSERT(h.r[0].baseline < 10);
	/* the baseline at the peak follows the peak */
	T_EQ_INT(spike_check(&p, &s, T0_MS + (12 * 24 + 15) * HOUR_MS, SPIKE_NEVER, &r, err,
	                     sizeof(err)),
	         ES_OK);
	T_ASSERT(r.baseline > 85 && r.baseline < 105);
	T_EQ_INT(r.state, SPIKE_QUIET);
}

static void
test_robust_to_earlier_spikes(void)
{
	enum { N = 21 * 24 };
	double v[N];
	struct spike_params p;
	struct spike_series s = hourly(v, N);
	struct hits h;

	spike_params_default(&p);
	make_daily(v, N);
	/* storms at 02:00 on days 10, 11 and 13: each one fires */
	v[10 * 24 + 2] = 40;
	v[11 * 24 + 2] = 40;
	v[13 * 24 + 2] = 40;
	T_EQ_INT(scan(&p, &s, &h), ES_OK);
	T_EQ_INT(h.n, 3);
	T_EQ_INT(h.r[2].start_ms, T0_MS + (13 * 24 + 2) * HOUR_MS);
	T_ASSERT(h.r[2].baseline < 10);
}

/* A week of 100 mentions an hour, 10 of them negative, then one window. */
static enum spike_state
share_check(double neg, double all, struct spike_result *r)
{
	double n[8 * 24 + 1], t[8 * 24 + 1];
	struct spike_params p;
	struct spike_series s = hourly(n, 8 * 24 + 1);
	char err[ES_ERRLEN];

	spike_params_default(&p);
	p.share = true;
	s.totals = t;
	for (size_t i = 0; i < 8 * 24; i++) {
		n[i] = 10;
		t[i] = 100;
	}
	n[8 * 24] = neg;
	t[8 * 24] = all;
	T_EQ_INT(spike_check(&p, &s, T0_MS + (8 * 24 + 1) * HOUR_MS, SPIKE_NEVER, r, err,
	                     sizeof(err)),
	         ES_OK);
	return r->state;
}

static void
test_share_rule(void)
{
	struct spike_result r;

	/* a launch: four times the volume, the same share */
	T_EQ_INT(share_check(40, 400, &r), SPIKE_QUIET);
	T_ASSERT(r.score > 3.5);
	T_EQ_DBL(r.share, 0.1, 1e-12);
	T_EQ_DBL(r.base_share, 0.1, 1e-12);
	T_ASSERT(r.share_score < 1);
	/* a complaint storm: four times the negatives, at the same volume */
	T_EQ_INT(share_check(40, 100, &r), SPIKE_FIRE);
	T_EQ_DBL(r.share, 0.4, 1e-12);
	T_EQ_DBL(r.share_score, ref_z(ref_hyper_tail(16900, 1720, 100, 40)), 1e-6);
	/* share rules need the totals */
	{
		double v[48];
		struct spike_params p;
		struct spike_series s = hourly(v, 48);
		struct hits h;
		char err[ES_ERRLEN];

		spike_params_default(&p);
		p.share = true;
		T_EQ_INT(spike_scan(&p, &s, collect, &h, err, sizeof(err)), ES_EINVAL);
		T_CONTAINS(err, "share = yes needs the totals");
	}
}

static void
test_check_arguments(void)
{
	double v[48] = {0};
	struct spike_params p;
	struct spike_series s = hourly(v, 48);
	struct spike_result r;
	char err[ES_ERRLEN];

	spike_params_default(&p);
	T_EQ_INT(spike_check(&p, &s, T0_MS + 49 * HOUR_MS, SPIKE_NEVER, &r, err, sizeof(err)),
	         ES_EINVAL);
	T_EQ_INT(spike_check(&p, &s, T0_MS + 30 * 60000, SPIKE_NEVER, &r, err, sizeof(err)),
	         ES_EINVAL);
	T_EQ_INT(spike_check(&p, &s, T0_MS + 48 * HOUR_MS + 1, SPIKE_NEVER, &r, err, sizeof(err)),
	         ES_EINVAL);
	T_CONTAINS(err, "now is not the end of a whole window");
	T_EQ_INT(spike_check(&p, &s, T0_MS + 48 * HOUR_MS, SPIKE_NEVER, &r, err, sizeof(err)),
	         ES_OK);
}

/* What a scan reports must be exactly what the daemon, calling spike_check
 * once per bucket, would have seen: same firings, same numbers. */
static void
compare_scan_with_checks(const struct spike_params *p, const struct spike_series *s)
{
	struct hits h;
	int64_t last = SPIKE_NEVER;
	int k = 0;
	char err[ES_ERRLEN];

	T_EQ_INT(scan(p, s, &h), ES_OK);
	if (!(h.n > 0 && h.n <= HITS_MAX))
		fprintf(stderr, "scan found %d\n", h.n);
	T_ASSERT(h.n > 0 && h.n <= HITS_MAX);
	for (int64_t now = s->start_ms + p->window_ms;
	     now <= s->start_ms + (int64_t)s->n * s->bucket_ms; now += s->bucket_ms) {
		struct spike_result r;

		T_EQ_INT(spike_check(p, s, now, last, &r, err, sizeof(err)), ES_OK);
		if (r.state != SPIKE_FIRE)
			continue;
		last = now;
		if (k >= h.n)
			break;
		T_EQ_INT(r.end_ms, h.r[k].end_ms);
		T_ASSERT(r.score == h.r[k].score);
		T_ASSERT(r.baseline == h.r[k].baseline);
		T_ASSERT(r.spread == h.r[k].spread);
		k++;
	}
	T_EQ_INT(k, h.n);
}

static void
test_scan_equals_check(void)
{
	enum { N = 10 * 24, N5 = 5 * 288 };
	static double v[N], v5[N5];
	struct spike_params p;
	struct spike_series s = hourly(v, N);

	spike_params_default(&p);
	p.cooldown_ms = 2 * HOUR_MS;
	rng = 99;
	for (size_t i = 0; i < N; i++) /* overdispersed: a Poisson of a random level */
		v[i] = poisson(daily_level(i) * (0.5 + uniform()));
	for (size_t i = 30; i < N; i += 37)
		v[i] += 60;
	compare_scan_with_checks(&p, &s);
	/* 5-minute buckets under a 1h window: twelve interleaved residual sets */
	for (size_t i = 0; i < N5; i++)
		v5[i] = poisson(daily_level(i / 12) / 12 * (0.5 + uniform()));
	for (size_t i = 400; i < N5; i += 301)
		v5[i] += 25;
	s.counts = v5;
	s.n = N5;
	s.bucket_ms = 300000;
	compare_scan_with_checks(&p, &s);
}

/* ---- earshot detect ------------------------------------------------- */

static int
detect(const char *stdin_data, char **out, char **err, const char *a1, const char *a2,
       const char *a3)
{
	return t_earshot(stdin_data, out, err, "detect", a1, a2, a3, NULL);
}

static void
test_detect_output(void)
{
	char *out, *err, line[128];

	snprintf(line, sizeof(line), "2026-01-12T14:00:00Z\t40\t10.00\t%.2f\n",
	         ref_z(ref_poisson_tail(40, 10)));
	T_EQ_INT(detect(NULL, &out, &err, t_data("spikes/hourly_one_spike.csv"), NULL, NULL), 0);
	T_EQ_STR(out, line);
	T_EQ_STR(err, "");
	free(out), free(err);
	/* the same rows shuffled, or as ISO 8601 with offsets, CRLF, BOM, quotes */
	T_EQ_INT(detect(NULL, &out, &err, t_data("spikes/hourly_one_spike_shuffled.csv"), NULL,
	                NULL),
	         0);
	T_EQ_STR(out, line);
	free(out), free(err);
	T_EQ_INT(detect(NULL, &out, &err, t_data("spikes/hourly_one_spike_iso_crlf.csv"), NULL,
	                NULL),
	         0);
	T_EQ_STR(out, line);
	free(out), free(err);
	/* a flat series, and one with a missing row (zero, so no spike) */
	T_EQ_INT(detect(NULL, &out, &err, t_data("spikes/hourly_flat.csv"), NULL, NULL), 0);
	T_EQ_STR(out, "");
	free(out), free(err);
	T_EQ_INT(detect(NULL, &out, &err, t_data("spikes/hourly_missing_row.csv"), NULL, NULL), 0);
	T_EQ_STR(out, "");
	free(out), free(err);
}

static void
test_detect_stdin_and_options(void)
{
	char *csv = t_read_file(t_data("spikes/hourly_one_spike.csv"), NULL), *out, *err;
	char line[128];

	T_EQ_INT(detect(csv, &out, &err, "-", NULL, NULL), 0);
	T_CONTAINS(out, "2026-01-12T14:00:00Z\t40\t10.00\t");
	free(out), free(err);
	/* a two-hour window: the spike's window ends with the spike's row */
	snprintf(line, sizeof(line), "2026-01-12T14:00:00Z\t50\t20.00\t%.2f\n",
	         ref_z(ref_poisson_tail(50, 20)));
	T_EQ_INT(detect(csv, &out, &err, "--window", "2h", NULL), 0);
	T_EQ_STR(out, line);
	free(out), free(err);
	/* a threshold above its score: nothing */
	T_EQ_INT(detect(csv, &out, &err, "--threshold=7.5", NULL, NULL), 0);
	T_EQ_STR(out, "");
	free(out), free(err);
	/* min-count above the value: nothing */
	T_EQ_INT(detect(csv, &out, &err, "--min-count", "41", NULL), 0);
	T_EQ_STR(out, "");
	free(out), free(err);
	T_EQ_INT(detect(csv, &out, &err, "--window", "90m", NULL), 2);
	T_CONTAINS(err, "the window (1h30m) must be a positive multiple of the interval (1h)");
	free(out), free(err);
	T_EQ_INT(detect(csv, &out, &err, "--baseline", "1h", NULL), 2);
	T_CONTAINS(err, "at least twice the window");
	free(out), free(err);
	T_EQ_INT(detect(csv, &out, &err, "--threshold", "lots", NULL), 2);
	T_CONTAINS(err, "--threshold: bad number 'lots'");
	free(out), free(err);
	T_EQ_INT(detect(csv, &out, &err, "--cooldown", "soon", NULL), 2);
	T_CONTAINS(err, "--cooldown: bad duration 'soon'");
	free(out), free(err);
	T_EQ_INT(detect(csv, &out, &err, "--frobnicate", NULL, NULL), 2);
	T_CONTAINS(err, "unknown option '--frobnicate'");
	free(out), free(err);
	T_EQ_INT(detect(csv, &out, &err, "--window", NULL, NULL), 2);
	T_CONTAINS(err, "--window needs a value");
	free(out), free(err);
	T_EQ_INT(detect(csv, &out, &err, "a.csv", "b.csv", NULL), 2);
	T_CONTAINS(err, "one input file at most");
	free(out), free(err);
	free(csv);
}

static void
detect_fails(const char *file, const char *message)
{
	char *out, *err, want[256];

	snprintf(want, sizeof(want), "earshot detect: %s:%s\n", t_data(file), message);
	T_EQ_INT(detect(NULL, &out, &err, t_data(file), NULL, NULL), 1);
	T_EQ_STR(out, "");
	T_EQ_STR(err, want);
	free(out), free(err);
}

static void
test_detect_malformed(void)
{
	char *out, *err;

	detect_fails("spikes/bad_header.csv", "1: expected the header timestamp,value");
	detect_fails("spikes/bad_timestamp.csv",
	             "5: bad timestamp '2026-01-05 0300:00' (expected YYYY-MM-DD HH:MM:SS or "
	             "ISO 8601)");
	detect_fails("spikes/bad_value.csv", "3: bad value '-2' (expected a count from 0 to 1e12)");
	detect_fails("spikes/short_row.csv", "3: expected 2 fields, found 1");
	detect_fails("spikes/duplicate_timestamp.csv", "5: the timestamp of line 3 again");
	detect_fails("spikes/same_interval.csv", "6: falls in the same 1h interval as line 5");
	detect_fails("spikes/unclosed_quote.csv", "2: unclosed quote");
	detect_fails("spikes/text_after_quote.csv", "2: text after a closing quote");
	detect_fails("spikes/mistyped_year.csv",
	             "2: 8765812 intervals of 1h after line 22; the rows fill too little of "
	             "their span (is a timestamp wrong?)");
	T_EQ_INT(detect("", &out, &err, NULL, NULL, NULL), 1);
	T_EQ_STR(err, "earshot detect: stdin: empty (expected the header timestamp,value)\n");
	free(out), free(err);
	T_EQ_INT(detect(NULL, &out, &err, t_data("spikes/no_such_file.csv"), NULL, NULL), 1);
	T_CONTAINS(err, "No such file or directory");
	free(out), free(err);
	/* a header alone, or one row: nothing to test, and said so */
	T_EQ_INT(detect("timestamp,value\n2026-01-05 00:00:00,3\n", &out, &err, NULL, NULL, NULL),
	         0);
	T_EQ_STR(out, "");
	T_CONTAINS(err, "fewer than two rows");
	free(out), free(err);
	/* too short for the warm-up: nothing, and said so */
	T_EQ_INT(detect("timestamp,value\n2026-01-05 00:00:00,3\n2026-01-05 01:00:00,90\n", &out,
	                &err, NULL, NULL, NULL),
	         0);
	T_EQ_STR(out, "");
	T_CONTAINS(err, "covers 2h, less than the 1d of history needed");
	free(out), free(err);
}

int
main(void)
{
	T_RUN(test_count_z_small_counts);
	T_RUN(test_count_z_overdispersed);
	T_RUN(test_count_z_far_tail);
	T_RUN(test_share_z);
	T_RUN(test_share_launch_vs_storm);
	T_RUN(test_params);
	T_RUN(test_params_from_conf);
	T_RUN(test_flat_series);
	T_RUN(test_injected_spike);
	T_RUN(test_small_counts);
	T_RUN(test_zero_variance);
	T_RUN(test_warmup);
	T_RUN(test_cooldown);
	T_RUN(test_daily_rhythm);
	T_RUN(test_robust_to_earlier_spikes);
	T_RUN(test_share_rule);
	T_RUN(test_check_arguments);
	T_RUN(test_scan_equals_check);
	T_RUN(test_detect_output);
	T_RUN(test_detect_stdin_and_options);
	T_RUN(test_detect_malformed);
	return t_report();
}
