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
#define SPIKE_CLIP 3.0          /* sigma-clipping bound, in standard deviations */
#define SPIKE_CLIP_ROUNDS 5
#define SPIKE_MAD_SCALE 1.482602218505602 /* MAD to standard deviation (normal) */
#define SPIKE_DAILY_MAX_WINDOW (SPIKE_DAY_MS / 4)

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

static void
spike_swap(double *a, double *b)
{
	double t = *a;

	*a = *b;
	*b = t;
}

/* The k-th smallest of v[0..n) (Wirth's selection); reorders v so that
 * v[0..k) <= v[k] <= v(k..n). */
static double
spike_select(double *v, size_t n, size_t k)
{
	ptrdiff_t lo = 0, hi = (ptrdiff_t)n - 1, kk = (ptrdiff_t)k;

	while (lo < hi) {
		double pivot = v[kk];
		ptrdiff_t i = lo, j = hi;

		do {
			while (v[i] < pivot)
				i++;
			while (pivot < v[j])
				j--;
			if (i <= j)
				spike_swap(&v[i++], &v[j--]);
		} while (i <= j);
		if (j < kk)
			lo = i;
		if (kk < i)
			hi = j;
	}
	return v[kk];
}

/* Median of v[0..n), n > 0; reorders v. */
static double
spike_median(double *v, size_t n)
{
	double hi = spike_select(v, n, n / 2), lo;

	if (n % 2)
		return hi;
	lo = v[0];
	for (size_t i = 1; i < n / 2; i++) /* the largest of the lower half */
		lo = fmax(lo, v[i]);
	return (lo + hi) / 2;
}

struct spike_est {
	double center; /* sigma-clipped mean */
	double sd;     /* standard deviation of the samples kept */
	size_t kept;
};

/* Mean and sd of the samples within [lo, hi]. */
static size_t
spike_clipped_moments(const double *v, size_t n, double lo, double hi, double *mean, double *sd)
{
	double s = 0, ss = 0;
	size_t m = 0;

	for (size_t i = 0; i < n; i++)
		if (v[i] >= lo && v[i] <= hi) {
			s += v[i];
			m++;
		}
	if (m == 0)
		return 0;
	*mean = s / m;
	for (size_t i = 0; i < n; i++)
		if (v[i] >= lo && v[i] <= hi)
			ss += (v[i] - *mean) * (v[i] - *mean);
	*sd = m > 1 ? sqrt(ss / (m - 1)) : 0;
	return m;
}

/* The robust level and spread of samples v[0..n), n > 0; scratch holds n.
 * The clipping scale never drops below Poisson's (and 1), so integer
 * counts with a MAD of 0 are not all thrown away. */
static void
spike_estimate(const double *v, size_t n, double *scratch, struct spike_est *e)
{
	double med, mad, scale, mean = 0, sd = 0;
	size_t kept = 0;

	memcpy(scratch, v, n * sizeof(*v));
	med = spike_median(scratch, n);
	for (size_t i = 0; i < n; i++)
		scratch[i] = fabs(v[i] - med);
	mad = spike_median(scratch, n);
	e->center = med;
	e->sd = SPIKE_MAD_SCALE * mad;
	e->kept = n;
	scale = fmax(SPIKE_MAD_SCALE * mad, sqrt(fmax(med, 1)));
	for (int pass = 0; pass < SPIKE_CLIP_ROUNDS; pass++) {
		size_t m = spike_clipped_moments(v, n, e->center - SPIKE_CLIP * scale,
						 e->center + SPIKE_CLIP * scale, &mean, &sd);

		if (m == 0 || (m == kept && mean == e->center))
			break;
		kept = m;
		e->center = mean;
		e->sd = sd;
		e->kept = m;
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
				"the window (%s) must be a positive multiple of the interval (%s)", w,
				b);
	if (p->baseline_ms / bucket_ms < 2 * (p->window_ms / bucket_ms))
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

	if (p->window_ms > need / SPIKE_WARMUP_WINDOWS)
		need = p->window_ms * SPIKE_WARMUP_WINDOWS;
	return need < p->baseline_ms ? need : p->baseline_ms;
}

const char *
spike_state_name(enum spike_state st)
{
	static const char *const names[] = { "warming", "quiet", "fire", "held" };

	return (unsigned)st < sizeof(names) / sizeof(names[0]) ? names[st] : "?";
}

const char *
spike_basis_name(enum spike_basis b)
{
	static const char *const names[] = { "none", "recent", "daily" };

	return (unsigned)b < sizeof(names) / sizeof(names[0]) ? names[b] : "?";
}

/* ---- evaluation ----------------------------------------------------- */

/* Everything one evaluation needs, in buckets. */
struct spike_ctx {
	const struct spike_params *p;
	const struct spike_series *s;
	double *sum;        /* prefix sums of counts: sum[i] = counts[0..i) */
	double *tot;        /* prefix sums of totals, or NULL */
	double *samples;    /* SPIKE_MAX_SAMPLES */
	double *scratch;    /* SPIKE_MAX_SAMPLES */
	size_t wb, bb, need; /* window, baseline and warm-up */
	size_t dayb;        /* buckets per day; 0: no daily samples */
	size_t band;        /* daily band, in windows either side */
	bool lazy;          /* skip the estimate where nothing can fire */
};

static double *
spike_prefix(const double *v, size_t n)
{
	double *sum = xmalloc((n + 1) * sizeof(*sum));

	sum[0] = 0;
	for (size_t i = 0; i < n; i++)
		sum[i + 1] = sum[i] + (isfinite(v[i]) && v[i] > 0 ? v[i] : 0);
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
	c->samples = xmalloc(2 * SPIKE_MAX_SAMPLES * sizeof(double));
	c->scratch = c->samples + SPIKE_MAX_SAMPLES;
	c->wb = (size_t)(p->window_ms / b);
	c->bb = (size_t)(p->baseline_ms / b);
	c->need = (size_t)((spike_need_ms(p) + b - 1) / b);
	if (SPIKE_DAY_MS % b == 0 && p->window_ms <= SPIKE_DAILY_MAX_WINDOW) {
		c->dayb = (size_t)(SPIKE_DAY_MS / b);
		c->band = (size_t)(SPIKE_DAILY_BAND_MS / p->window_ms);
	}
}

static void
spike_ctx_reset(struct spike_ctx *c)
{
	free(c->sum);
	free(c->tot);
	free(c->samples);
}

/* Count in the window of wb buckets that starts at bucket i. */
static double
spike_win(const struct spike_ctx *c, size_t i)
{
	return c->sum[i + c->wb] - c->sum[i];
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

static void
spike_share(const struct spike_ctx *c, size_t ws, size_t have, struct spike_result *r)
{
	double nw = spike_win(c, ws), aw = c->tot[ws + c->wb] - c->tot[ws];
	double nb = c->sum[ws] - c->sum[ws - have], ab = c->tot[ws] - c->tot[ws - have];

	r->share = aw > 0 ? nw / aw : NAN;
	r->base_share = ab > 0 ? nb / ab : NAN;
	r->share_score = spike_share_z(nw, aw, nb, ab);
}

/* Level, spread and score of the window starting at bucket ws. */
static void
spike_score(const struct spike_ctx *c, size_t ws, size_t have, struct spike_result *r)
{
	struct spike_est e;
	size_t n = 0;
	double mu, floor_mu = 0.5 * (double)c->wb / (double)have;

	r->basis = SPIKE_BASIS_DAILY;
	if (c->dayb && have / c->dayb >= SPIKE_DAILY_MIN_DAYS)
		n = spike_daily_samples(c, ws, have);
	if (n < SPIKE_DAILY_MIN_SAMPLES) {
		r->basis = SPIKE_BASIS_RECENT;
		n = spike_recent_samples(c, ws, have);
	}
	spike_estimate(c->samples, n, c->scratch, &e);
	mu = fmax(e.center, floor_mu);
	r->baseline = e.center;
	r->spread = e.sd;
	r->nsamples = e.kept;
	r->score = spike_count_z(r->value, mu, fmax(e.sd * e.sd, mu));
}

/* Evaluates the window that ends at bucket iend (iend >= wb), given the
 * last firing; fills r.  Cooldown is decided by the caller's last_fired. */
static void
spike_eval(const struct spike_ctx *c, size_t iend, int64_t last_fired, struct spike_result *r)
{
	const struct spike_params *p = c->p;
	size_t ws = iend - c->wb, have = ws < c->bb ? ws : c->bb;
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
	spike_score(c, ws, have, r);
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
spike_validate(const struct spike_params *p, const struct spike_series *s, char *err,
	       size_t errlen)
{
	if (!s->counts && s->n)
		return es_error(ES_EINVAL, err, errlen, "no counts");
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
