/* spike.c - spike detection (see spike.h for the method).
 *
 * Layout: tail probabilities in log space (Poisson through the incomplete
 * gamma function, negative binomial through the incomplete beta function,
 * hypergeometric by direct summation), their conversion to z-scores, the
 * robust baseline estimate, then spike_check and spike_scan over one
 * evaluation function. */
#include "alerts/spike.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/units.h"
#include "core/xalloc.h"

#define SPIKE_Z_MIN (-40.0)
#define SPIKE_EPS 1e-15
#define SPIKE_TINY 1e-300
#define SPIKE_MAX_ITER 100000
#define SPIKE_CLIP 3.0 /* sigma-clipping bound, in standard deviations */
#define SPIKE_CLIP_ROUNDS 5
#define SPIKE_MAD_SCALE 1.482602218505602 /* MAD to standard deviation (normal) */
#define SPIKE_DAILY_MAX_WINDOW (SPIKE_DAY_MS / 4)
#define SPIKE_Z95 1.6448536269514722 /* the normal's 95th percentile */
#define SPIKE_LEVEL_MIN_WINDOWS 2    /* history a window needs to have a level */
#define SPIKE_MIN_RESIDUALS 8        /* fewer: spread from the level's samples */

/* ---- tail probabilities --------------------------------------------- */

/* log of the regularized lower incomplete gamma function P(a, z), a > 0. */
static double
spike_log_gamma_p(double a, double z)
{
	double sum, term, b, c, d, h;

	if (z <= 0)
		return -INFINITY;
	if (z < a + 1) { /* series: converges fast below the mode */
		sum = term = 1 / a;
		for (int n = 1; n < SPIKE_MAX_ITER && term > sum * SPIKE_EPS; n++) {
			term *= z / (a + n);
			sum += term;
		}
		return a * log(z) - z - lgamma(a) + log(sum);
	}
	/* continued fraction for Q(a, z) (modified Lentz); P = 1 - Q is not small */
	b = z + 1 - a;
	c = 1 / SPIKE_TINY;
	d = 1 / b;
	h = d;
	for (int i = 1; i < SPIKE_MAX_ITER; i++) {
		double an = -i * (i - a), del;

		b += 2;
		d = an * d + b;
		d = fabs(d) < SPIKE_TINY ? SPIKE_TINY : d;
		c = b + an / c;
		c = fabs(c) < SPIKE_TINY ? SPIKE_TINY : c;
		d = 1 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < SPIKE_EPS)
			break;
	}
	return log1p(-exp(-z + a * log(z) - lgamma(a) + log(h)));
}

/* Continued fraction of the incomplete beta function (modified Lentz). */
static double
spike_betacf(double z, double a, double b)
{
	double c = 1, d = 1 - (a + b) * z / (a + 1), h;

	d = 1 / (fabs(d) < SPIKE_TINY ? SPIKE_TINY : d);
	h = d;
	for (int m = 1; m < SPIKE_MAX_ITER; m++) {
		double m2 = 2.0 * m, del;
		double even = m * (b - m) * z / ((a - 1 + m2) * (a + m2));
		double odd = -(a + m) * (a + b + m) * z / ((a + m2) * (a + 1 + m2));

		d = 1 + even * d;
		d = 1 / (fabs(d) < SPIKE_TINY ? SPIKE_TINY : d);
		c = 1 + even / c;
		c = fabs(c) < SPIKE_TINY ? SPIKE_TINY : c;
		h *= d * c;
		d = 1 + odd * d;
		d = 1 / (fabs(d) < SPIKE_TINY ? SPIKE_TINY : d);
		c = 1 + odd / c;
		c = fabs(c) < SPIKE_TINY ? SPIKE_TINY : c;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < SPIKE_EPS)
			break;
	}
	return h;
}

/* log of the regularized incomplete beta function I_z(a, b). */
static double
spike_log_beta_i(double z, double a, double b)
{
	double front;

	if (z <= 0)
		return -INFINITY;
	if (z >= 1)
		return 0;
	front = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(z) + b * log1p(-z);
	if (z < (a + 1) / (a + b + 2))
		return front + log(spike_betacf(z, a, b)) - log(a);
	return log1p(-exp(front + log(spike_betacf(1 - z, b, a)) - log(b)));
}

/* log P(X >= x) for a count X with mean mu > 0 and variance var. */
static double
spike_log_count_tail(double x, double mu, double var)
{
	double r;

	if (x <= 0)
		return 0;
	if (var <= mu * (1 + 1e-9))
		return spike_log_gamma_p(x, mu); /* Poisson: P(X >= x) = P(x, mu) */
	/* negative binomial with r successes: P(X >= x) = I_{mu/(r+mu)}(x, r) */
	r = mu * mu / (var - mu);
	return spike_log_beta_i(mu / (r + mu), x, r);
}

static double
spike_lchoose(double n, double k)
{
	return lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1);
}

/* Sums the hypergeometric pmf from k outwards (step +1 or -1) relative to
 * pmf(k), while the terms matter; they shrink monotonically away from the
 * mode, which the caller keeps behind k. */
static double
spike_hyper_sum(double N, double K, double n, double k, double end, int step)
{
	double t = 1, s = 1;

	for (double j = k; step > 0 ? j < end : j > end; j += step) {
		if (step > 0)
			t *= (K - j) * (n - j) / ((j + 1) * (N - K - n + j + 1));
		else
			t *= j * (N - K - n + j) / ((K - j + 1) * (n - j + 1));
		s += t;
		if (t < s * SPIKE_EPS)
			break;
	}
	return s;
}

/* log P(X >= x) for X hypergeometric: n draws from N holding K marked. */
static double
spike_log_hyper_tail(double N, double K, double n, double x)
{
	double lo = fmax(0, n + K - N), hi = fmin(n, K);
	double mode = floor((n + 1) * (K + 1) / (N + 2));
	double lpmf;

	if (x <= lo)
		return 0;
	if (x > hi)
		return -INFINITY;
	if (x > mode) {
		lpmf = spike_lchoose(K, x) + spike_lchoose(N - K, n - x) - spike_lchoose(N, n);
		return lpmf + log(spike_hyper_sum(N, K, n, x, hi, 1));
	}
	/* 1 - P(X <= x - 1), summed downwards from x - 1 */
	lpmf = spike_lchoose(K, x - 1) + spike_lchoose(N - K, n - x + 1) - spike_lchoose(N, n);
	return log1p(-fmin(1, exp(lpmf + log(spike_hyper_sum(N, K, n, x - 1, lo, -1)))));
}

/* ---- z-scores ------------------------------------------------------- */

/* log Q(z), Q the standard normal upper tail, accurate far out. */
static double
spike_log_q(double z)
{
	double z2;

	if (z < 35)
		return log(0.5 * erfc(z / M_SQRT2));
	z2 = z * z;
	return -z2 / 2 - log(z) - 0.5 * log(2 * M_PI) +
	       log1p(-1 / z2 + 3 / (z2 * z2) - 15 / (z2 * z2 * z2));
}

/* The z with log Q(z) = lp.  Newton on log Q, which is concave and
 * decreasing: after the first step the iterates approach from above. */
static double
spike_z_from_log_tail(double lp)
{
	double z;

	if (!(lp < 0))
		return SPIKE_Z_MIN;
	if (lp < -1e10) /* past any real count; Newton's z * z would overflow */
		return sqrt(-2 * lp - log(-2 * lp) - log(2 * M_PI));
	z = lp < -0.7 ? sqrt(-2 * lp) : 0;
	for (int i = 0; i < 200; i++) {
		double f = spike_log_q(z) - lp;
		double slope = -exp(-z * z / 2 - 0.5 * log(2 * M_PI) - spike_log_q(z));

		if (fabs(f) < 1e-13 * fmax(1, -lp))
			break;
		z -= f / slope;
		if (z < SPIKE_Z_MIN)
			return SPIKE_Z_MIN;
	}
	return z;
}

double
spike_count_z(double x, double mu, double var)
{
	if (!(mu > 0) || !isfinite(x))
		return SPIKE_Z_MIN;
	return spike_z_from_log_tail(spike_log_count_tail(x, mu, fmax(var, mu)));
}

double
spike_share_z(double neg_w, double all_w, double neg_b, double all_b)
{
	double nw = round(neg_w), aw = round(all_w), nb = round(neg_b), ab = round(all_b);

	if (!(aw > 0) || !(ab > 0) || !(nw >= 0) || !(nb >= 0) || nw > aw || nb > ab)
		return 0;
	return spike_z_from_log_tail(spike_log_hyper_tail(aw + ab, nw + nb, aw, nw));
}

/* ---- the baseline --------------------------------------------------- */

/* Sorts v[0..n) ascending: insertion sort for the few samples a daily
 * baseline has, qsort beyond. */
static int
spike_cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
spike_sort(double *v, size_t n)
{
	if (n > 48) {
		qsort(v, n, sizeof(*v), spike_cmp_dbl);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		double x = v[i];
		size_t j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* Index of the first value >= x (upper: > x) in sorted v[0..n). */
static size_t
spike_bound(const double *v, size_t n, double x, bool upper)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid] < x || (upper && v[mid] == x))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static double
spike_sorted_median(const double *v, size_t n)
{
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Deviation t of the run below med (t = 0 nearest) or above it. */
#define SPIKE_DEV_LO(t) (med - v[split - 1 - (t)])
#define SPIKE_DEV_HI(t) (v[split + (t)] - med)

/* The k-th smallest (from 0) of |v[i] - med| over sorted v[0..n), with
 * split the first index above med: the deviations form two sorted runs,
 * split below med and n - split above, and a binary search on how many of
 * the k + 1 smallest come from the run below finds it in O(log n). */
static double
spike_sorted_dev(const double *v, size_t n, double med, size_t split, size_t k)
{
	size_t nhi = n - split, lo = k + 1 > nhi ? k + 1 - nhi : 0;
	size_t hi = k + 1 < split ? k + 1 : split;

	for (;;) {
		size_t i = lo + (hi - lo) / 2, j = k + 1 - i;

		if (i < split && j > 0 && SPIKE_DEV_HI(j - 1) > SPIKE_DEV_LO(i))
			lo = i + 1;
		else if (i > 0 && j < nhi && SPIKE_DEV_LO(i - 1) > SPIKE_DEV_HI(j))
			hi = i - 1;
		else
			return i == 0   ? SPIKE_DEV_HI(j - 1)
			       : j == 0 ? SPIKE_DEV_LO(i - 1)
			                : fmax(SPIKE_DEV_LO(i - 1), SPIKE_DEV_HI(j - 1));
	}
}

#undef SPIKE_DEV_LO
#undef SPIKE_DEV_HI

/* The median of |v[i] - med| over sorted v[0..n), n > 0. */
static double
spike_sorted_mad(const double *v, size_t n, double med)
{
	size_t split = spike_bound(v, n, med, true);
	double d = spike_sorted_dev(v, n, med, split, n / 2);

	return n % 2 ? d : (d + spike_sorted_dev(v, n, med, split, n / 2 - 1)) / 2;
}

struct spike_est {
	double center; /* sigma-clipped mean */
	double sd;     /* standard deviation of the samples kept */
	size_t kept;
};

/* Mean and sd of v[a..b), b > a. */
static void
spike_moments(const double *v, size_t a, size_t b, double *mean, double *sd)
{
	double s = 0, ss = 0;

	for (size_t i = a; i < b; i++)
		s += v[i];
	*mean = s / (double)(b - a);
	for (size_t i = a; i < b; i++)
		ss += (v[i] - *mean) * (v[i] - *mean);
	*sd = b - a > 1 ? sqrt(ss / (double)(b - a - 1)) : 0;
}

/* The robust level and spread of samples v[0..n), n > 0; sorts v.  Starts
 * at the median and MAD, then keeps the samples within SPIKE_CLIP scales
 * of the mean of those kept, a few times.  The scale never drops below
 * Poisson's (and 1), so integer counts with a MAD of 0 are not all thrown
 * away. */
static void
spike_estimate(double *v, size_t n, struct spike_est *e)
{
	double med, mad, scale, mean, sd;
	size_t a = 0, b = n;

	spike_sort(v, n);
	med = spike_sorted_median(v, n);
	mad = spike_sorted_mad(v, n, med);
	e->center = med;
	e->sd = SPIKE_MAD_SCALE * mad;
	e->kept = n;
	scale = fmax(SPIKE_MAD_SCALE * mad, sqrt(fmax(med, 1)));
	for (int pass = 0; pass < SPIKE_CLIP_ROUNDS; pass++) {
		size_t na = spike_bound(v, n, e->center - SPIKE_CLIP * scale, false);
		size_t nb = spike_bound(v, n, e->center + SPIKE_CLIP * scale, true);

		if (nb <= na || (pass > 0 && na == a && nb == b))
			break;
		a = na;
		b = nb;
		spike_moments(v, a, b, &mean, &sd);
		e->center = mean;
		e->sd = sd;
		e->kept = b - a;
		scale = fmax(sd, sqrt(fmax(mean, 1)));
	}
}

/* ---- parameters ----------------------------------------------------- */

static const char *
spike_default_of(const char *name)
{
	for (const struct conf_option *o = conf_options; o->name; o++)
		if (o->section == CONF_SEC_ALERT && strcmp(o->name, name) == 0)
			return o->def;
	return NULL;
}

static int64_t
spike_default_ms(const char *name)
{
	const char *def = spike_default_of(name);
	int64_t ms = 0;

	if (def)
		(void)units_parse_duration(def, &ms);
	return ms;
}

void
spike_params_default(struct spike_params *p)
{
	const char *thr = spike_default_of("threshold");
	const char *min = spike_default_of("min_count");
	const char *share = spike_default_of("share");

	p->window_ms = spike_default_ms("window");
	p->baseline_ms = spike_default_ms("baseline");
	p->cooldown_ms = spike_default_ms("cooldown");
	p->threshold = thr ? strtod(thr, NULL) : 3.5;
	p->min_count = min ? strtoll(min, NULL, 10) : 5;
	p->share = share && strcmp(share, "yes") == 0;
}

void
spike_params_from_conf(struct spike_params *p, const struct conf_alert *a)
{
	p->window_ms = a->window;
	p->baseline_ms = a->baseline;
	p->threshold = a->threshold;
	p->min_count = a->min_count;
	p->cooldown_ms = a->cooldown;
	p->share = a->share != 0;
}

enum es_err
spike_params_check(const struct spike_params *p, int64_t bucket_ms, char *err, size_t errlen)
{
	char w[32], b[32];

	if (bucket_ms <= 0)
		return es_error(ES_EINVAL, err, errlen, "the bucket width must be positive");
	units_fmt_duration(p->window_ms, w, sizeof(w));
	units_fmt_duration(bucket_ms, b, sizeof(b));
	if (p->window_ms <= 0 || p->window_ms % bucket_ms != 0)
		return es_error(ES_EINVAL, err, errlen,
		                "the window (%s) must be a positive multiple of the interval (%s)",
		                w, b);
	if (p->baseline_ms / bucket_ms / 2 < p->window_ms / bucket_ms)
		return es_error(ES_EINVAL, err, errlen,
		                "the baseline must be at least twice the window (%s)", w);
	if (!(p->threshold > 0) || !isfinite(p->threshold))
		return es_error(ES_EINVAL, err, errlen, "the threshold must be a positive number");
	if (p->min_count < 0 || p->cooldown_ms < 0)
		return es_error(ES_EINVAL, err, errlen,
		                "min_count and cooldown must not be negative");
	return ES_OK;
}

int64_t
spike_need_ms(const struct spike_params *p)
{
	int64_t need = SPIKE_DAY_MS;

	if (p->window_ms > p->baseline_ms / SPIKE_WARMUP_WINDOWS)
		return p->baseline_ms; /* 24 windows would be more than the baseline */
	if (p->window_ms > need / SPIKE_WARMUP_WINDOWS)
		need = p->window_ms * SPIKE_WARMUP_WINDOWS;
	return need < p->baseline_ms ? need : p->baseline_ms;
}

int64_t
spike_bucket_ms(const struct spike_params *p)
{
	int64_t a = p->window_ms, b = SPIKE_DAILY_BAND_MS;

	while (b) {
		int64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

int64_t
spike_span_ms(const struct spike_params *p)
{
	return p->window_ms + p->baseline_ms;
}

const char *
spike_state_name(enum spike_state st)
{
	static const char *const names[] = {"warming", "quiet", "fire", "held"};

	return (unsigned)st < sizeof(names) / sizeof(names[0]) ? names[st] : "?";
}

const char *
spike_basis_name(enum spike_basis b)
{
	static const char *const names[] = {"none", "recent", "daily"};

	return (unsigned)b < sizeof(names) / sizeof(names[0]) ? names[b] : "?";
}

/* ---- evaluation ----------------------------------------------------- */

/* While scanning, the residuals of the windows that start at the same
 * offset modulo the window, kept sorted, with a ring in time order so the
 * oldest can be dropped as the window slides. */
struct spike_phase {
	double *sorted; /* n values, ascending */
	double *ring;   /* the same values in time order, from head */
	size_t *ring_j; /* and the window start of each */
	size_t n, head, next_j;
	enum spike_basis basis; /* of the residuals held; NONE until first use */
	bool ready;
};

/* Everything one evaluation needs, in buckets.  NOTE: functions take it
 * const, yet fill its caches (level, basis, phases) and scratch arrays:
 * those never change what any later evaluation computes. */
struct spike_ctx {
	const struct spike_params *p;
	const struct spike_series *s;
	double *sum;                /* prefix sums of counts: sum[i] = counts[0..i) */
	double *tot;                /* prefix sums of totals, or NULL */
	double *level;              /* per window start: its level, NAN until computed */
	unsigned char *basis;       /* and the basis of that level */
	double *samples;            /* SPIKE_MAX_SAMPLES: baseline windows */
	double *resid;              /* SPIKE_MAX_SAMPLES: residuals */
	size_t wb, bb, need;        /* window, baseline and warm-up */
	size_t dayb;                /* buckets per day; 0: no daily samples */
	size_t band;                /* daily band, in windows either side */
	double log_q_thr;           /* log Q(threshold): tails above it cannot fire */
	bool lazy;                  /* scanning: skip work that cannot change a firing */
	struct spike_phase *phases; /* scanning: wb sorted residual sets */
	size_t kmax;                /* residuals per set, at most */
};

/* A count as the detector takes it: 0 for negatives and NaN, at most
 * SPIKE_MAX_COUNT. */
static double
spike_clamp(double v)
{
	if (!(v > 0))
		return 0;
	return v < SPIKE_MAX_COUNT ? v : SPIKE_MAX_COUNT;
}

static double *
spike_prefix(const double *v, size_t n)
{
	double *sum = xmalloc((n + 1) * sizeof(*sum));

	sum[0] = 0;
	for (size_t i = 0; i < n; i++)
		sum[i + 1] = sum[i] + spike_clamp(v[i]);
	return sum;
}

static void
spike_ctx_init(struct spike_ctx *c, const struct spike_params *p, const struct spike_series *s)
{
	int64_t b = s->bucket_ms;

	memset(c, 0, sizeof(*c));
	c->p = p;
	c->s = s;
	c->sum = spike_prefix(s->counts, s->n);
	c->tot = p->share && s->totals ? spike_prefix(s->totals, s->n) : NULL;
	c->level = xmalloc((s->n + 1) * sizeof(*c->level));
	for (size_t i = 0; i <= s->n; i++)
		c->level[i] = NAN;
	c->basis = xcalloc(s->n + 1, 1);
	c->samples = xmalloc(2 * SPIKE_MAX_SAMPLES * sizeof(double));
	c->resid = c->samples + SPIKE_MAX_SAMPLES;
	c->wb = (size_t)(p->window_ms / b);
	c->bb = (size_t)(p->baseline_ms / b);
	c->need = (size_t)(spike_need_ms(p) / b + (spike_need_ms(p) % b != 0));
	c->log_q_thr = spike_log_q(p->threshold);
	c->kmax = c->bb / c->wb < SPIKE_MAX_SAMPLES ? c->bb / c->wb : SPIKE_MAX_SAMPLES;
	if (SPIKE_DAY_MS % b == 0 && p->window_ms <= SPIKE_DAILY_MAX_WINDOW) {
		c->dayb = (size_t)(SPIKE_DAY_MS / b);
		c->band = (size_t)(SPIKE_DAILY_BAND_MS / p->window_ms);
	}
}

static void
spike_ctx_reset(struct spike_ctx *c)
{
	for (size_t i = 0; c->phases && i < c->wb; i++) {
		free(c->phases[i].sorted);
		free(c->phases[i].ring);
		free(c->phases[i].ring_j);
	}
	free(c->phases);
	free(c->sum);
	free(c->tot);
	free(c->level);
	free(c->basis);
	free(c->samples);
}

/* Count in the window of wb buckets that starts at bucket i. */
static double
spike_win(const struct spike_ctx *c, size_t i)
{
	return c->sum[i + c->wb] - c->sum[i];
}

/* History before the window that starts at bucket ws, at most the baseline. */
static size_t
spike_have(const struct spike_ctx *c, size_t ws)
{
	return ws < c->bb ? ws : c->bb;
}

/* The windows at the same time of day on up to have/day earlier days, each
 * band windows either side, inside [ws - have, ws).  Returns how many. */
static size_t
spike_daily_samples(const struct spike_ctx *c, size_t ws, size_t have)
{
	size_t days = have / c->dayb, band = c->band, n = 0;

	if (days > SPIKE_MAX_SAMPLES)
		days = SPIKE_MAX_SAMPLES;
	if ((2 * band + 1) * days > SPIKE_MAX_SAMPLES)
		band = (SPIKE_MAX_SAMPLES / days - 1) / 2;
	for (size_t d = 1; d <= days; d++)
		for (size_t j = 0; j <= 2 * band; j++) {
			/* start = ws - d*day + (j - band)*wb, kept inside the history */
			size_t back = d * c->dayb + band * c->wb;

			if (back < j * c->wb)
				continue;
			back -= j * c->wb;
			if (back > have || back < c->wb)
				continue;
			c->samples[n++] = spike_win(c, ws - back);
		}
	return n;
}

/* The windows just before ws, spread evenly over the history when there
 * are more than SPIKE_MAX_SAMPLES.  Returns how many. */
static size_t
spike_recent_samples(const struct spike_ctx *c, size_t ws, size_t have)
{
	size_t k = have / c->wb, stride = (k + SPIKE_MAX_SAMPLES - 1) / SPIKE_MAX_SAMPLES, n = 0;

	for (size_t i = 1; i <= k && n < SPIKE_MAX_SAMPLES; i += stride)
		c->samples[n++] = spike_win(c, ws - i * c->wb);
	return n;
}

/* The level of the window at ws from its own history: the robust estimate
 * over the daily samples when there are enough, else the recent windows.
 * Caches the level; returns the basis used. */
static enum spike_basis
spike_level(const struct spike_ctx *c, size_t ws, size_t have, struct spike_est *e)
{
	size_t n = 0;
	enum spike_basis basis = SPIKE_BASIS_DAILY;

	if (c->dayb && have / c->dayb >= SPIKE_DAILY_MIN_DAYS)
		n = spike_daily_samples(c, ws, have);
	if (n < SPIKE_DAILY_MIN_SAMPLES) {
		basis = SPIKE_BASIS_RECENT;
		n = spike_recent_samples(c, ws, have);
	}
	if (c->sum[ws] - c->sum[ws - have] > 0) {
		spike_estimate(c->samples, n, e);
	} else { /* nothing in the whole history: what the estimate gives, fast */
		e->center = e->sd = 0;
		e->kept = n;
	}
	c->level[ws] = e->center;
	c->basis[ws] = (unsigned char)basis;
	return basis;
}

/* The cached level of the window at j, computed on first use; NAN when the
 * window has less than SPIKE_LEVEL_MIN_WINDOWS windows of history. */
static double
spike_level_at(const struct spike_ctx *c, size_t j)
{
	struct spike_est e;
	size_t have = spike_have(c, j);

	if (isnan(c->level[j]) && have >= SPIKE_LEVEL_MIN_WINDOWS * c->wb)
		(void)spike_level(c, j, have, &e);
	return c->level[j];
}

/* The residual of the window at j: log(1 + count) - log(1 + level), or
 * NAN when it has no level, one on another basis than want (levels from
 * recent windows ignore the daily cycle, so their residuals would hold it)
 * or one below SPIKE_SPREAD_MIN_LEVEL.
 * NOTE: small Poisson counts are too skewed and too discrete for a
 * quantile-based spread on the log scale (around 0.5 they would look
 * overdispersed); their spread comes from the level's own samples. */
static double
spike_resid(const struct spike_ctx *c, size_t j, enum spike_basis want)
{
	double level = spike_level_at(c, j);

	if (isnan(level) || c->basis[j] != want || level < SPIKE_SPREAD_MIN_LEVEL)
		return NAN;
	return log1p(spike_win(c, j)) - log1p(level);
}

/* The spread of residuals, sorted v[0..n), n > 0, as a robust standard
 * deviation: the larger of the MAD's and the one the 95th percentile
 * implies, so a bursty series is judged by its own upper tail. */
static double
spike_sorted_spread(const double *v, size_t n)
{
	double med = spike_sorted_median(v, n);

	return fmax(SPIKE_MAD_SCALE * spike_sorted_mad(v, n, med),
	            (v[(n - 1) * 19 / 20] - med) / SPIKE_Z95);
}

/* Residuals of the last k windows before ws, sorted, computed afresh. */
static size_t
spike_resid_fresh(const struct spike_ctx *c, size_t ws, size_t k, enum spike_basis want)
{
	size_t n = 0;

	for (size_t i = 1; i <= k; i++) {
		double r = spike_resid(c, ws - i * c->wb, want);

		if (!isnan(r))
			c->resid[n++] = r;
	}
	spike_sort(c->resid, n);
	return n;
}

static void
spike_phase_push(struct spike_phase *ph, size_t cap, size_t j, double r)
{
	size_t at = spike_bound(ph->sorted, ph->n, r, false), tail = (ph->head + ph->n) % cap;

	memmove(ph->sorted + at + 1, ph->sorted + at, (ph->n - at) * sizeof(double));
	ph->sorted[at] = r;
	ph->ring[tail] = r;
	ph->ring_j[tail] = j;
	ph->n++;
}

static void
spike_phase_pop(struct spike_phase *ph, size_t cap)
{
	size_t at = spike_bound(ph->sorted, ph->n, ph->ring[ph->head], false);

	memmove(ph->sorted + at, ph->sorted + at + 1, (ph->n - at - 1) * sizeof(double));
	ph->head = (ph->head + 1) % cap;
	ph->n--;
}

/* Brings the residual set of ws's phase up to the last k windows before
 * ws on basis want (k never shrinks as ws grows, and the basis changes
 * once, from recent to daily, which starts the set afresh); returns it. */
static const struct spike_phase *
spike_phase_sync(const struct spike_ctx *c, size_t ws, size_t k, enum spike_basis want)
{
	struct spike_phase *ph = &c->phases[ws % c->wb];
	size_t cap = c->kmax + 1;

	if (!ph->ready) {
		ph->sorted = xmalloc(cap * sizeof(double));
		ph->ring = xmalloc(cap * sizeof(double));
		ph->ring_j = xmalloc(cap * sizeof(size_t));
		ph->ready = true;
	}
	if (ph->basis != want) {
		ph->n = ph->head = 0;
		ph->next_j = ws % c->wb;
		ph->basis = want;
	}
	for (; ph->next_j + c->wb <= ws; ph->next_j += c->wb) {
		double r = spike_resid(c, ph->next_j, want);

		if (!isnan(r))
			spike_phase_push(ph, cap, ph->next_j, r);
		while (ph->n && ph->ring_j[ph->head] + k * c->wb < ws)
			spike_phase_pop(ph, cap);
	}
	return ph;
}

/* The log-scale spread of the windows before ws around their own levels
 * on basis want (spike_sorted_spread); NAN with fewer than
 * SPIKE_MIN_RESIDUALS. */
static double
spike_log_spread(const struct spike_ctx *c, size_t ws, size_t have, enum spike_basis want)
{
	size_t k = have / c->wb < c->kmax ? have / c->wb : c->kmax;
	const struct spike_phase *ph;

	if (!c->phases) {
		size_t n = spike_resid_fresh(c, ws, k, want);

		return n < SPIKE_MIN_RESIDUALS ? NAN : spike_sorted_spread(c->resid, n);
	}
	ph = spike_phase_sync(c, ws, k, want);
	return ph->n < SPIKE_MIN_RESIDUALS ? NAN : spike_sorted_spread(ph->sorted, ph->n);
}

static void
spike_share(const struct spike_ctx *c, size_t ws, size_t have, struct spike_result *r)
{
	double nw = spike_win(c, ws), aw = c->tot[ws + c->wb] - c->tot[ws];
	double nb = c->sum[ws] - c->sum[ws - have], ab = c->tot[ws] - c->tot[ws - have];

	r->share = aw > 0 ? nw / aw : NAN;
	r->base_share = ab > 0 ? nb / ab : NAN;
	r->share_score = spike_share_z(nw, aw, nb, ab);
}

/* Fills baseline, spread and score of the window at ws; returns false when
 * it cannot fire (value not above the baseline, or, scanning, a tail too
 * likely for the threshold), in which case a scan leaves score NAN. */
static bool
spike_score(const struct spike_ctx *c, size_t ws, size_t have, struct spike_result *r)
{
	struct spike_est e;
	double mu, var, s, lp;

	r->basis = spike_level(c, ws, have, &e);
	r->baseline = e.center;
	r->nsamples = e.kept;
	mu = fmax(e.center, 0.5 * (double)c->wb / (double)have);
	if (c->lazy && r->value <= mu)
		return false;
	s = spike_log_spread(c, ws, have, r->basis);
	if (!isnan(s)) /* log(1 + X) has sd s: X has about s (1 + mu) */
		var = fmax(mu, s * (mu + 1) * s * (mu + 1));
	else if (mu >= SPIKE_SPREAD_MIN_LEVEL) /* too little history yet */
		var = fmax(mu, e.sd * e.sd);
	else /* small counts: Poisson; a week cannot show overdispersion there */
		var = mu;
	r->spread = sqrt(var);
	lp = spike_log_count_tail(r->value, mu, var);
	if (c->lazy && lp > c->log_q_thr + 1e-9)
		return false;
	r->score = spike_z_from_log_tail(lp);
	return r->value > mu;
}

/* Evaluates the window that ends at bucket iend (iend >= wb), given the
 * last firing; fills r. */
static void
spike_eval(const struct spike_ctx *c, size_t iend, int64_t last_fired, struct spike_result *r)
{
	const struct spike_params *p = c->p;
	size_t ws = iend - c->wb, have = spike_have(c, ws);
	bool fire;

	r->end_ms = c->s->start_ms + (int64_t)iend * c->s->bucket_ms;
	r->start_ms = r->end_ms - p->window_ms;
	r->value = spike_win(c, ws);
	r->baseline = r->spread = r->score = NAN;
	r->share = r->base_share = r->share_score = NAN;
	r->nsamples = 0;
	r->basis = SPIKE_BASIS_NONE;
	r->have_ms = (int64_t)have * c->s->bucket_ms;
	r->need_ms = spike_need_ms(p);
	r->state = SPIKE_WARMING;
	if (have < c->need)
		return;
	r->state = SPIKE_QUIET;
	if (c->lazy && r->value < (double)p->min_count)
		return;
	if (!spike_score(c, ws, have, r))
		return;
	if (c->tot)
		spike_share(c, ws, have, r);
	fire = r->score >= p->threshold && r->value >= (double)p->min_count &&
	       (!c->tot || r->share_score >= p->threshold);
	if (fire)
		r->state = last_fired != SPIKE_NEVER && r->end_ms - last_fired < p->cooldown_ms
		                   ? SPIKE_HELD
		                   : SPIKE_FIRE;
}

static enum es_err
spike_validate(const struct spike_params *p, const struct spike_series *s, char *err, size_t errlen)
{
	if (!s->counts && s->n)
		return es_error(ES_EINVAL, err, errlen, "no counts");
	if (s->bucket_ms > 0 && s->n > (uint64_t)((INT64_MAX - llabs(s->start_ms)) / s->bucket_ms))
		return es_error(ES_EINVAL, err, errlen,
		                "the series ends past the year 292 million");
	if (p->share && !s->totals)
		return es_error(ES_EINVAL, err, errlen, "share = yes needs the totals per bucket");
	return spike_params_check(p, s->bucket_ms, err, errlen);
}

enum es_err
spike_check(const struct spike_params *p, const struct spike_series *s, int64_t now_ms,
            int64_t last_fired_ms, struct spike_result *r, char *err, size_t errlen)
{
	struct spike_ctx c;
	enum es_err rc;
	int64_t off = now_ms - s->start_ms;

	if ((rc = spike_validate(p, s, err, errlen)) != ES_OK)
		return rc;
	if (off < p->window_ms || off % s->bucket_ms != 0 || off / s->bucket_ms > (int64_t)s->n)
		return es_error(ES_EINVAL, err, errlen,
		                "now is not the end of a whole window inside the series");
	spike_ctx_init(&c, p, s);
	spike_eval(&c, (size_t)(off / s->bucket_ms), last_fired_ms, r);
	spike_ctx_reset(&c);
	return ES_OK;
}

enum es_err
spike_scan(const struct spike_params *p, const struct spike_series *s, spike_fn fn, void *arg,
           char *err, size_t errlen)
{
	struct spike_ctx c;
	struct spike_result r;
	enum es_err rc;
	int64_t last = SPIKE_NEVER;

	if ((rc = spike_validate(p, s, err, errlen)) != ES_OK)
		return rc;
	spike_ctx_init(&c, p, s);
	c.lazy = true;
	c.phases = xcalloc(c.wb, sizeof(*c.phases));
	for (size_t iend = c.wb; iend <= s->n && rc == ES_OK; iend++) {
		spike_eval(&c, iend, last, &r);
		if (r.state != SPIKE_FIRE)
			continue;
		last = r.end_ms;
		rc = fn(&r, arg);
	}
	spike_ctx_reset(&c);
	return rc;
}
