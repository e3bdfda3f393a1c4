/* rules.c - counting a rule's mentions into buckets, testing them with the
 * spike detector, and writing an alert when it fires; see rules.h. */
#include "alerts/rules.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts/evidence.h"
#include "alerts/msg.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/units.h"
#include "core/xalloc.h"
#include "store/alerts.h"

/* Indexed by enum conf_sentiment. */
static const char *const sentiment_names[] = { "negative", "positive", "neutral", "any" };

/* A rule's counts, ready for the detector. */
struct rule_series {
	struct spike_params p;
	struct spike_series s;
	struct store_count_spec q;   /* seconds; q.from is the series' start */
	double *counts, *totals;
	int64_t end_ms;              /* the end of the last bucket */
};

int64_t
rules_bucket_ms(const struct conf_alert *a)
{
	int64_t x = RULES_MAX_BUCKET_MS / 1000, y = a->window / 1000;

	while (y > 0) {
		int64_t t = x % y;

		x = y;
		y = t;
	}
	return x * 1000;
}

const char *
rules_label(const struct conf_alert *a)
{
	return a->sentiment >= 0 && a->sentiment < CONF_SENT_ANY ? sentiment_names[a->sentiment]
								 : NULL;
}

static const char *
sentiment_name(const struct conf_alert *a)
{
	return a->sentiment >= 0 && a->sentiment <= CONF_SENT_ANY ? sentiment_names[a->sentiment]
								  : "any";
}

bool
rules_watches(const struct conf_alert *a, const char *const *brands, size_t n)
{
	if (!a->brand)
		return n > 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(brands[i], a->brand) == 0)
			return true;
	return false;
}

static int64_t
floor_to(int64_t t, int64_t step)
{
	return t >= 0 ? t / step * step : -((-t + step - 1) / step) * step;
}

static void
series_free(struct rule_series *rs)
{
	free(rs->counts);
	free(rs->totals);
	memset(rs, 0, sizeof(*rs));
}

/* Loads the buckets of rule a from the brand's first mention, but no
 * earlier than from_ms, up to the end of the bucket that holds now. */
static enum es_err
series_load(struct store *st, const struct conf_alert *a, int64_t now, int64_t lookback_ms,
	    struct rule_series *rs, char *err, size_t errlen)
{
	int64_t bucket = rules_bucket_ms(a), first, start;
	enum es_err rc;

	memset(rs, 0, sizeof(*rs));
	spike_params_from_conf(&rs->p, a);
	if ((rc = spike_params_check(&rs->p, bucket, err, errlen)) ||
	    (rc = store_alert_history_start(st, a->brand, &first, err, errlen)))
		return rc;
	rs->end_ms = floor_to(now * 1000 + bucket - 1, bucket);
	start = rs->end_ms - a->window - lookback_ms;
	if (first && floor_to(first * 1000, bucket) > start)
		start = floor_to(first * 1000, bucket);
	if (!first || start > rs->end_ms - a->window)
		start = rs->end_ms - a->window;
	rs->q = (struct store_count_spec){ a->brand, rules_label(a), start / 1000, rs->end_ms / 1000,
					   bucket / 1000 };
	rs->s.start_ms = start;
	rs->s.bucket_ms = bucket;
	rs->s.n = (size_t)((rs->end_ms - start) / bucket);
	rs->counts = xcalloc(rs->s.n, sizeof(double));
	/* Totals are always counted (the same query), for the share a message
	 * shows; the detector tests the share only for share = yes. */
	rs->totals = xcalloc(rs->s.n, sizeof(double));
	rs->s.counts = rs->counts;
	rs->s.totals = a->share ? rs->totals : NULL;
	rc = store_alert_counts(st, &rs->q, rs->counts, rs->totals, rs->s.n, err, errlen);
	if (rc)
		series_free(rs);
	return rc;
}

static enum es_err
check_series(struct store *s, const struct conf_alert *a, int64_t now, struct rule_series *rs,
	     struct spike_result *r, char *err, size_t errlen)
{
	int64_t last;
	enum es_err rc;

	if ((rc = series_load(s, a, now, a->baseline, rs, err, errlen)))
		return rc;
	if ((rc = store_alert_last_fired(s, a->name, &last, err, errlen)) == ES_OK)
		rc = spike_check(&rs->p, &rs->s, rs->end_ms, last ? last * 1000 : SPIKE_NEVER, r,
				 err, errlen);
	if (rc)
		series_free(rs);
	return rc;
}

enum es_err
rules_check(struct store *s, const struct conf_alert *a, int64_t now, struct spike_result *r,
	    char *err, size_t errlen)
{
	struct rule_series rs;
	enum es_err rc = check_series(s, a, now, &rs, r, err, errlen);

	if (rc == ES_OK)
		series_free(&rs);
	return rc;
}

/* ---- firing ---- */

static void
summary_of(struct buf *b, const struct conf_alert *a, const struct spike_result *r)
{
	char win[32];
	const char *label = rules_label(a);

	units_fmt_duration(a->window, win, sizeof(win));
	buf_printf(b, "%.0f %s%smentions of %s in %s: ", r->value, label ? label : "",
		   label ? " " : "", a->brand ? a->brand : "all brands", win);
	if (r->baseline >= 0.05)
		buf_printf(b, "%.1fx the usual %.1f", r->value / r->baseline, r->baseline);
	else
		buf_puts(b, "usually none");
	buf_printf(b, " (score %.1f)", r->score);
	if (isfinite(r->share) && isfinite(r->base_share))
		buf_printf(b, ", %s share %.0f%% against %.0f%%", label ? label : "the",
			   r->share * 100, r->base_share * 100);
}

static void
msg_of(struct alert_msg *m, const struct conf_alert *a, const struct spike_result *r,
       int64_t now)
{
	char key[MSG_KEYLEN];
	struct buf b;

	msg_init(m);
	m->kind = MSG_SPIKE;
	msg_key(key, "spike", a->name, r->end_ms / 1000);
	msg_set_text(&m->key, key);
	msg_set_text(&m->rule, a->name);
	msg_set_text(&m->brand, a->brand);
	msg_set_text(&m->sentiment, sentiment_name(a));
	m->fired_at = now;
	m->window_start = r->start_ms / 1000;
	m->window_end = r->end_ms / 1000;
	m->count = (int64_t)llround(r->value);
	m->baseline = r->baseline;
	m->spread = r->spread;
	m->score = r->score;
	m->share = r->share;
	m->baseline_share = r->base_share;
	buf_init(&b, 0);
	summary_of(&b, a, r);
	msg_set_text(&m->summary, buf_str(&b));
	buf_free(&b);
}

/* The alerts row for m, with m as its details. */
static void
row_of(struct store_alert *row, const struct alert_msg *m)
{
	struct buf j;

	buf_init(&j, 0);
	msg_to_json(m, &j);
	memset(row, 0, sizeof(*row));
	row->rule = xstrdup(m->rule);
	row->kind = xstrdup(msg_kind_name(m->kind));
	row->brand = xstrdup(m->brand);
	row->sentiment = xstrdup(m->sentiment);
	row->source = xstrdup(m->source);
	row->fired_at = m->fired_at;
	row->window_start = m->window_start;
	row->window_end = m->window_end;
	row->count = m->count;
	row->baseline = m->baseline;
	row->score = m->score;
	row->share = m->share;
	row->baseline_share = m->baseline_share;
	row->summary = xstrdup(m->summary);
	row->details = buf_take(&j, NULL);
	row->key = xstrdup(m->key);
	row->health_mark = STORE_HEALTH_KEEP;
}

/* The share of the rule's sentiment among all the brand's mentions in
 * buckets [from, to) of the series; NaN when there are none. */
static double
share_of(const struct rule_series *rs, int64_t from_ms, int64_t to_ms)
{
	double c = 0, t = 0;

	for (size_t i = 0; i < rs->s.n; i++) {
		int64_t at = rs->s.start_ms + (int64_t)i * rs->s.bucket_ms;

		if (at >= from_ms && at < to_ms) {
			c += rs->counts[i];
			t += rs->totals[i];
		}
	}
	return t > 0 ? c / t : NAN;
}

/* The share for the message when the detector did not test it (a rule
 * without share = yes still shows it, unless it counts every sentiment). */
static void
fill_share(struct alert_msg *m, const struct conf_alert *a, const struct rule_series *rs,
	   const struct spike_result *r)
{
	if (isfinite(m->share) || !rules_label(a))
		return;
	m->share = share_of(rs, r->start_ms, r->end_ms);
	m->baseline_share = share_of(rs, r->start_ms - a->baseline, r->start_ms);
	if (!isfinite(m->baseline_share))
		m->share = NAN;
}

static enum es_err
fire(struct store *s, const struct conf_alert *a, const struct rule_series *rs,
     const struct spike_result *r, int64_t now, int64_t *alert_id, char *err, size_t errlen)
{
	struct store_count_spec q = rs->q;
	struct alert_msg m;
	struct store_alert row;
	int64_t base_from = (r->start_ms - a->baseline) / 1000;
	enum es_err rc;

	msg_of(&m, a, r, now);
	fill_share(&m, a, rs, r);
	q.from = base_from > q.from ? base_from : q.from;
	q.to = r->end_ms / 1000;
	if ((rc = evidence_collect(s, &q, r->start_ms / 1000, &m, err, errlen)) == ES_OK) {
		row_of(&row, &m);
		rc = store_alert_insert(s, &row, (const char *const *)a->notify, a->nnotify, err,
					errlen);
		if (rc == ES_OK) {
			*alert_id = row.id;
			log_info("alert fired", "rule=%s brand=%s count=%lld baseline=%.2f "
						"score=%.2f key=%s webhooks=%zu",
				 logq(a->name), logq(a->brand ? a->brand : "*"),
				 (long long)row.count, r->baseline, r->score, row.key, a->nnotify);
		}
		store_alert_reset(&row);
	}
	msg_reset(&m);
	return rc == ES_DUPLICATE ? ES_OK : rc;
}

enum es_err
rules_run(struct store *s, const struct conf_alert *a, int64_t now, struct spike_result *r,
	  int64_t *alert_id, char *err, size_t errlen)
{
	struct rule_series rs;
	enum es_err rc;

	*alert_id = 0;
	if ((rc = check_series(s, a, now, &rs, r, err, errlen)))
		return rc;
	if (r->state == SPIKE_FIRE)
		rc = fire(s, a, &rs, r, now, alert_id, err, errlen);
	series_free(&rs);
	return rc;
}

/* ---- backtest ---- */

struct replay {
	int64_t after_ms;
	spike_fn fn;
	void *arg;
};

static enum es_err
on_replay(const struct spike_result *r, void *arg)
{
	struct replay *rp = arg;

	return r->end_ms > rp->after_ms ? rp->fn(r, rp->arg) : ES_OK;
}

enum es_err
rules_backtest(struct store *s, const struct conf_alert *a, int64_t since, int64_t now,
	       spike_fn fn, void *arg, char *err, size_t errlen)
{
	struct rule_series rs;
	struct replay rp = { (now - since) * 1000, fn, arg };
	enum es_err rc;

	if ((rc = series_load(s, a, now, since * 1000 + a->baseline, &rs, err, errlen)))
		return rc;
	rc = spike_scan(&rs.p, &rs.s, on_replay, &rp, err, errlen);
	series_free(&rs);
	return rc;
}
