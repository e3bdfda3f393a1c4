/* spike.h - spike detection: bucketed counts in, decisions out.
 *
 * Pure: no SQLite, no network, no clock.  The caller counts mentions into
 * equal buckets and says what "now" is; the same code serves the daemon
 * (spike_check on the buckets of one rule), `earshot backtest` and
 * `earshot detect` (spike_scan over a whole series), and a scan reports
 * exactly what spike_check, called at every bucket, would have.
 *
 * The test, for the window [now - window, now):
 *  - value: the count in the window.
 *  - baseline (the level): what the window usually holds, from the history
 *    before it, at most `baseline` long.  With SPIKE_DAILY_MIN_DAYS days of
 *    history (and a window of at most 6h on a grid that divides a day) the
 *    samples are the windows at the same time of day on earlier days, each
 *    within SPIKE_DAILY_BAND_MS either side; otherwise the windows just
 *    before.  The level is a sigma-clipped mean of the samples (start at
 *    their median and MAD, keep what lies within 3 standard deviations,
 *    repeat), so earlier spikes do not raise it.
 *  - spread: how far counts stray from their level, measured on the
 *    windows of the baseline, each against its own level (the same basis):
 *    the robust standard deviation of log(1 + count) - log(1 + level), the
 *    larger of the MAD's and the one the 95th percentile implies, so a
 *    bursty series is judged by its own upper tail; a spread s on that
 *    scale is a variance of (s (1 + level))^2 on counts.  Windows whose
 *    level is below SPIKE_SPREAD_MIN_LEVEL take no part (small counts are
 *    too skewed for it), and a series that never reaches it is judged as
 *    Poisson: a week of small counts cannot show overdispersion.
 *  - score: the upper tail probability of the value under a negative
 *    binomial with that mean and variance (Poisson when the variance is
 *    not above the mean), as a one-sided normal z-score.  The variance is
 *    never below the mean, and the mean never below half a mention per
 *    baseline, so a flat or empty baseline still gives a finite, honest
 *    test: 6 against a Poisson mean of 0.5 scores 4.19; 2 scores 1.34.
 *  - it fires when value > baseline, score >= threshold and value >=
 *    min_count (and, with share, the share test passes too), unless the
 *    last firing was less than cooldown ago.
 *  - nothing fires before the rule has history of at least
 *    min(baseline, max(1 day, 24 windows)): SPIKE_WARMING says how much it
 *    has and needs.
 *
 * Times are Unix milliseconds; buckets are half-open intervals. */
#ifndef ES_SPIKE_H
#define ES_SPIKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/conf.h"
#include "core/err.h"

#define SPIKE_DAY_MS 86400000LL
#define SPIKE_DAILY_MIN_DAYS 3        /* days of history before daily samples */
#define SPIKE_DAILY_BAND_MS 3600000LL /* same time of day, +- this */
#define SPIKE_DAILY_MIN_SAMPLES 9     /* fewer daily samples: use recent windows */
#define SPIKE_WARMUP_WINDOWS 24
#define SPIKE_MAX_SAMPLES 2048      /* baseline windows looked at, at most */
#define SPIKE_NEVER INT64_MIN       /* last_fired_ms of a rule that never fired */
#define SPIKE_MAX_COUNT 1e12        /* a bucket's count is taken as at most this */
#define SPIKE_SPREAD_MIN_LEVEL 10.0 /* windows below it: no log-scale spread */

/* An alert rule's detection settings; the fields mirror struct conf_alert. */
struct spike_params {
	int64_t window_ms;
	int64_t baseline_ms;
	double threshold; /* z-score */
	int64_t min_count;
	int64_t cooldown_ms;
	/* Also require the negative share to rise: counts are the rule's
	 * mentions, totals all of the brand's, and a window fires only when
	 * both tests pass, so a launch that doubles all volume does not. */
	bool share;
};

/* Fills p with the [alert] defaults of the feeds.conf options table. */
void spike_params_default(struct spike_params *p);
/* Copies the detection settings of an [alert] section. */
void spike_params_from_conf(struct spike_params *p, const struct conf_alert *a);
/* ES_OK when p can run on buckets of bucket_ms: the window a positive
 * multiple of the bucket, the baseline at least two windows, a positive
 * finite threshold, no negative count or cooldown.  ES_EINVAL with a
 * message otherwise. */
enum es_err spike_params_check(const struct spike_params *p, int64_t bucket_ms, char *err,
                               size_t errlen);
/* The history a rule needs before it may fire, in ms. */
int64_t spike_need_ms(const struct spike_params *p);
/* The bucket width to count a rule's mentions in: the largest that divides
 * both the window and an hour, so that windows and the same time of day on
 * earlier days fall on whole buckets (1h for a 1h or 1d window, 30m for
 * 90m, 5m for 5m).  p->window_ms must be positive. */
int64_t spike_bucket_ms(const struct spike_params *p);
/* How far back spike_check looks from now: window plus baseline, in ms.
 * The daemon loads the buckets of [now - span, now), or from where counting
 * began if that is later. */
int64_t spike_span_ms(const struct spike_params *p);

/* Counts per bucket.  counts[i] is the count in [start_ms + i * bucket_ms,
 * start_ms + (i + 1) * bucket_ms).  History begins at start_ms: the caller
 * starts the series where counting began (a new rule or brand), never with
 * zeros for a time it did not watch.  totals (NULL unless share) holds all
 * mentions of the brand per bucket, counts those that the rule counts.
 * Counts that are negative or not numbers count as 0, above SPIKE_MAX_COUNT
 * as SPIKE_MAX_COUNT. */
struct spike_series {
	int64_t start_ms;
	int64_t bucket_ms;
	const double *counts;
	const double *totals;
	size_t n;
};

enum spike_state {
	SPIKE_WARMING, /* not enough history yet: have_ms < need_ms */
	SPIKE_QUIET,   /* nothing unusual */
	SPIKE_FIRE,    /* a spike: raise an alert */
	SPIKE_HELD,    /* a spike inside the cooldown of the last firing */
};

enum spike_basis {
	SPIKE_BASIS_NONE,   /* warming up */
	SPIKE_BASIS_RECENT, /* the windows before this one */
	SPIKE_BASIS_DAILY,  /* the same time of day on earlier days */
};

struct spike_result {
	enum spike_state state;
	enum spike_basis basis;
	int64_t start_ms, end_ms; /* the window */
	double value;             /* count in the window */
	double baseline;          /* expected count in the window (NAN while warming) */
	double spread;            /* standard deviation of that expectation's samples */
	double score;             /* z-score of value against baseline (NAN while warming) */
	size_t nsamples;          /* baseline windows that were kept */
	double share;             /* share only: counts/totals in the window, else NAN */
	double base_share;        /* share only: the same over the baseline, else NAN */
	double share_score;       /* share only: spike_share_z(), else NAN */
	int64_t have_ms;          /* history before the window (at most the baseline) */
	int64_t need_ms;          /* history needed before firing */
};

/* Tests the window that ends at now_ms, which must be on the series' grid
 * with the whole window inside the series.  last_fired_ms is when the rule
 * last fired (SPIKE_NEVER if it did not), for the cooldown.  Fills *r;
 * ES_EINVAL with a message for bad parameters or a bad now_ms. */
enum es_err spike_check(const struct spike_params *p, const struct spike_series *s, int64_t now_ms,
                        int64_t last_fired_ms, struct spike_result *r, char *err, size_t errlen);

/* Called by spike_scan for each firing; a return other than ES_OK stops the
 * scan and is returned by it. */
typedef enum es_err (*spike_fn)(const struct spike_result *r, void *arg);

/* Slides the window over the whole series one bucket at a time, as the
 * daemon would have seen it, with the cooldown applied from each firing,
 * and calls fn for every SPIKE_FIRE in time order.  Returns ES_OK,
 * ES_EINVAL for bad parameters, or what fn returned. */
enum es_err spike_scan(const struct spike_params *p, const struct spike_series *s, spike_fn fn,
                       void *arg, char *err, size_t errlen);

/* The one-sided z-score of a count x against a count distribution with
 * mean mu > 0 and variance var: Poisson when var <= mu, else negative
 * binomial; z such that P(X >= x) = P(N(0,1) >= z).  Exact in the far tail
 * (no overflow, no division by zero); at least -40. */
double spike_count_z(double x, double mu, double var);

/* The share test: how far the negative share in the window (neg_w of
 * all_w) lies above the baseline's (neg_b of all_b), as a one-sided
 * z-score from Fisher's exact test (the hypergeometric tail of neg_w given
 * the totals), so small counts and a short baseline are judged fairly.
 * Arguments are counts (rounded); 0 when either total is 0 or a count is
 * impossible (negative, or more negatives than mentions). */
double spike_share_z(double neg_w, double all_w, double neg_b, double all_b);

/* "warming", "quiet", "fire", "held". */
const char *spike_state_name(enum spike_state st);
/* "none", "recent", "daily". */
const char *spike_basis_name(enum spike_basis b);

#endif
