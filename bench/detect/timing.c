/* timing.c - times spike_scan over a year of hourly counts per brand.
 *
 *   timing N...            time N brands for each N given (rule defaults)
 *   timing --csv DIR N     write N brands as DIR/brandK.csv for earshot detect
 *
 * The counts are generated from a fixed seed: a Poisson count around a
 * brand's level (1 to 200 per hour) with a daily cycle, a weekly dip and a
 * few injected bursts, so the detector does its real work (daily samples,
 * clipping, tail probabilities) rather than a flat line. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "alerts/spike.h"
#include "core/when.h"

#define HOURS (365 * 24)

static uint64_t rng = 0x9E3779B97F4A7C15ull;

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
	double l, p = 1;
	int k = 0;

	if (mu > 50) /* normal approximation, good enough for a load test */
		return fmax(0, round(mu + sqrt(mu) * sqrt(-2 * log(uniform() + 1e-300)) *
		                                  cos(2 * M_PI * uniform())));
	l = exp(-mu);
	do {
		k++;
		p *= uniform();
	} while (p > l);
	return k - 1;
}

static void
brand_series(int b, double *v)
{
	double level = 1 + 199 * uniform(), phase = 2 * M_PI * uniform();

	(void)b;
	for (int h = 0; h < HOURS; h++) {
		double day = 1 + 0.7 * sin(2 * M_PI * (h % 24) / 24 + phase);
		double week = (h / 24) % 7 >= 5 ? 0.6 : 1;

		v[h] = poisson(level * day * week);
		if (uniform() < 0.001) /* about nine bursts a year */
			v[h] += round(level * (2 + 8 * uniform()));
	}
}

static enum es_err
count_spike(const struct spike_result *r, void *arg)
{
	(void)r;
	++*(long *)arg;
	return ES_OK;
}

static double
clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
time_brands(int nbrands)
{
	double *v = malloc((size_t)nbrands * HOURS * sizeof(*v)), t0, t1, c0, c1;
	struct spike_params p;
	long spikes = 0;
	char err[ES_ERRLEN];

	if (!v)
		return 1;
	rng = 0x9E3779B97F4A7C15ull;
	for (int b = 0; b < nbrands; b++)
		brand_series(b, v + (size_t)b * HOURS);
	spike_params_default(&p);
	t0 = clock_s(CLOCK_MONOTONIC);
	c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
	for (int b = 0; b < nbrands; b++) {
		struct spike_series s = {.start_ms = 1420070400000LL,
		                         .bucket_ms = 3600000,
		                         .counts = v + (size_t)b * HOURS,
		                         .n = HOURS};

		if (spike_scan(&p, &s, count_spike, &spikes, err, sizeof(err)) != ES_OK)
			return fprintf(stderr, "%s\n", err), 1;
	}
	t1 = clock_s(CLOCK_MONOTONIC);
	c1 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
	printf("%4d brands x %d hours: %.3f s wall, %.3f s CPU (%.2f us CPU per window), "
	       "%ld spikes\n",
	       nbrands, HOURS, t1 - t0, c1 - c0, (c1 - c0) * 1e6 / ((double)nbrands * HOURS),
	       spikes);
	free(v);
	return 0;
}

static int
write_csv(const char *dir, int nbrands)
{
	double v[HOURS];
	char path[4096], ts[WHEN_ISOLEN];

	mkdir(dir, 0755);
	rng = 0x9E3779B97F4A7C15ull;
	for (int b = 0; b < nbrands; b++) {
		FILE *fp;

		snprintf(path, sizeof(path), "%s/brand%03d.csv", dir, b);
		if (!(fp = fopen(path, "w")))
			return perror(path), 1;
		brand_series(b, v);
		fprintf(fp, "timestamp,value\n");
		for (int h = 0; h < HOURS; h++)
			fprintf(fp, "%s,%.0f\n", when_fmt_iso(1420070400 + h * 3600LL, ts), v[h]);
		fclose(fp);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "--csv") == 0)
		return write_csv(argv[2], (int)strtol(argv[3], NULL, 10));
	for (int i = 1; i < argc; i++)
		if (time_brands((int)strtol(argv[i], NULL, 10)) != 0)
			return 1;
	return 0;
}
