/* synth.c - the spike detector on synthetic series with known anomalies,
 * next to mean + 3 sigma over the last 24 h, scored as score.c scores the
 * labelled real series (caught windows, false alarms counted once per
 * hour, F1 over windows).
 *
 *   synth [SEED]
 *
 * Four families of 20 series x 60 days each, every one from the seed:
 *   sparse   hourly Poisson(0.5); anomaly: +6 in one hour
 *   daily    hourly Poisson, 5/h with a daily swing x0.2..x1.8;
 *            anomaly: x4 for two hours
 *   overdisp hourly, 50/h with a daily swing, gamma noise (sd 30%);
 *            anomaly: x3 for three hours
 *   bursty   5-minute, 20 per 5 min with a daily swing, gamma noise and
 *            unlabelled one-interval bursts x2..x4 (1% of intervals);
 *            anomaly: x5 for six hours
 * Three anomalies per series, after the first eight days, at random times;
 * a window is the anomaly plus an hour either side.  The detector runs as
 * `earshot detect` does: window = the interval, the [alert] defaults. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts/spike.h"

#define DAYS 60
#define SERIES 20
#define ANOMALIES 3
#define HOUR 3600000LL

struct family {
	const char *name;
	int64_t bucket_ms;
	double level;     /* mean count per bucket */
	double swing;     /* daily swing: level * (1 + swing * sin) */
	double noise;     /* gamma noise sd, relative; 0: Poisson */
	double bursts;    /* share of buckets with an unlabelled burst */
	double add, mult; /* anomaly: + add, x mult */
	int64_t dur_ms;   /* anomaly length */
};

static const struct family families[] = {
        {"sparse", HOUR, 0.5, 0, 0, 0, 6, 1, HOUR},
        {"daily", HOUR, 5, 0.8, 0, 0, 0, 4, 2 * HOUR},
        {"overdisp", HOUR, 50, 0.8, 0.3, 0, 0, 3, 3 * HOUR},
        {"bursty", HOUR / 12, 20, 0.8, 0.3, 0.01, 0, 5, 6 * HOUR},
};

struct tally {
	int windows, caught, false_alarms;
};

static uint64_t rng;

static double
uniform(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return ((double)(rng >> 11) + 0.5) / 9007199254740992.0;
}

static double
normal(void)
{
	return sqrt(-2 * log(uniform())) * cos(2 * M_PI * uniform());
}

/* Marsaglia and Tsang's gamma, shape k >= 1, mean 1. */
static double
gamma_mean1(double k)
{
	double d = k - 1.0 / 3, c = 1 / sqrt(9 * d);

	for (;;) {
		double x = normal(), v = pow(1 + c * x, 3);

		if (v > 0 && log(uniform()) < 0.5 * x * x + d - d * v + d * log(v))
			return d * v / k;
	}
}

static double
poisson(double mu)
{
	double l, p = 1;
	int k = 0;

	if (mu > 60)
		return fmax(0, round(mu + sqrt(mu) * normal()));
	l = exp(-mu);
	do {
		k++;
		p *= uniform();
	} while (p > l);
	return k - 1;
}

/* Fills v with one series of f and returns its anomaly windows in w. */
static void
make_series(const struct family *f, double *v, size_t n, int64_t w[][2])
{
	size_t per_day = (size_t)(24 * HOUR / f->bucket_ms),
	       dur = (size_t)(f->dur_ms / f->bucket_ms);
	double phase = 2 * M_PI * uniform();

	for (size_t i = 0; i < n; i++) {
		double mu =
		        f->level *
		        (1 + f->swing * sin(2 * M_PI * (double)(i % per_day) / per_day + phase));

		if (f->noise > 0)
			mu *= gamma_mean1(1 / (f->noise * f->noise));
		if (uniform() < f->bursts)
			mu *= 2 + 2 * uniform();
		v[i] = poisson(mu);
	}
	for (int a = 0; a < ANOMALIES; a++) {
		/* one in each third of days 8..60 */
		size_t span = (n - 8 * per_day) / ANOMALIES;
		size_t at =
		        8 * per_day + (size_t)a * span + (size_t)(uniform() * (double)(span - dur));

		for (size_t i = at; i < at + dur; i++)
			v[i] = poisson(v[i] * (f->mult - 1) + f->add) + v[i];
		w[a][0] = (int64_t)at * f->bucket_ms - HOUR;
		w[a][1] = (int64_t)(at + dur) * f->bucket_ms + HOUR;
	}
}

struct alarms {
	int64_t t[4096];
	int n;
};

static enum es_err
on_spike(const struct spike_result *r, void *arg)
{
	struct alarms *a = arg;

	if (a->n < 4096)
		a->t[a->n++] = r->start_ms;
	return ES_OK;
}

/* mean + 3 sigma of the previous 24 h of buckets. */
static void
naive(const double *v, size_t n, int64_t bucket_ms, struct alarms *a)
{
	size_t day = (size_t)(24 * HOUR / bucket_ms);
	double sum = 0, sq = 0;

	for (size_t i = 0; i < n; i++) {
		if (i >= day) {
			double mean = sum / day, sd = sqrt(fmax(0, sq / day - mean * mean));

			if (v[i] > mean + 3 * sd && a->n < 4096)
				a->t[a->n++] = (int64_t)i * bucket_ms;
			sum -= v[i - day];
			sq -= v[i - day] * v[i - day];
		}
		sum += v[i];
		sq += v[i] * v[i];
	}
}

static void
tally(const struct alarms *a, int64_t w[][2], struct tally *t)
{
	int64_t last_false = INT64_MIN;

	t->windows += ANOMALIES;
	for (int k = 0; k < ANOMALIES; k++)
		for (int i = 0; i < a->n; i++)
			if (a->t[i] >= w[k][0] && a->t[i] <= w[k][1]) {
				t->caught++;
				break;
			}
	for (int i = 0; i < a->n; i++) {
		bool inside = false;

		for (int k = 0; k < ANOMALIES; k++)
			inside |= a->t[i] >= w[k][0] && a->t[i] <= w[k][1];
		if (inside)
			continue;
		if (last_false == INT64_MIN || a->t[i] - last_false > HOUR)
			t->false_alarms++;
		last_false = a->t[i];
	}
}

static double
f1(const struct tally *t)
{
	double p =
	        t->caught + t->false_alarms ? (double)t->caught / (t->caught + t->false_alarms) : 0;
	double r = (double)t->caught / t->windows;

	return p + r > 0 ? 2 * p * r / (p + r) : 0;
}

/* FA/month: false alarms per series and 30 days. */
static void
row(const char *fam, const char *det, const struct tally *t)
{
	double months = (double)t->windows / ANOMALIES * DAYS / 30.0;

	printf("%-10s %-10s %3d/%-3d %7d %6.3f %8.2f\n", fam, det, t->caught, t->windows,
	       t->false_alarms, f1(t), t->false_alarms / months);
}

int
main(int argc, char **argv)
{
	struct tally all_e = {0}, all_n = {0};

	rng = argc > 1 ? strtoull(argv[1], NULL, 10) : 20260105;
	printf("%-10s %-10s %7s %7s %6s %8s\n", "family", "detector", "caught", "false", "F1",
	       "FA/month");
	for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++) {
		const struct family *fam = &families[f];
		size_t n = (size_t)(DAYS * 24 * HOUR / fam->bucket_ms);
		double *v = malloc(n * sizeof(*v));
		struct tally te = {0}, tn = {0};
		struct spike_params p;
		char err[ES_ERRLEN];

		spike_params_default(&p);
		p.window_ms = fam->bucket_ms;
		for (int s = 0; s < SERIES; s++) {
			static struct alarms ea, na;
			int64_t w[ANOMALIES][2];
			struct spike_series ser = {0, fam->bucket_ms, v, NULL, n};

			make_series(fam, v, n, w);
			ea.n = na.n = 0;
			if (spike_scan(&p, &ser, on_spike, &ea, err, sizeof(err)) != ES_OK)
				return fprintf(stderr, "%s\n", err), 1;
			naive(v, n, fam->bucket_ms, &na);
			tally(&ea, w, &te);
			tally(&na, w, &tn);
		}
		row(fam->name, "earshot", &te);
		row(fam->name, "mean+3sd", &tn);
		all_e.windows += te.windows, all_e.caught += te.caught;
		all_e.false_alarms += te.false_alarms;
		all_n.windows += tn.windows, all_n.caught += tn.caught;
		all_n.false_alarms += tn.false_alarms;
		free(v);
	}
	row("total", "earshot", &all_e);
	row("total", "mean+3sd", &all_n);
	return 0;
}
