/* period.c - loading a period's numbers for earshot stats and report. */
#include "cli/period.h"

#include <stdlib.h>

#include "core/xalloc.h"

#define PERIOD_DAY 86400

static void
period_sum(const struct analytics_day *d, size_t n, struct period_sum *out)
{
	*out = (struct period_sum){ 0 };
	for (size_t i = 0; i < n; i++) {
		out->mentions += d[i].mentions;
		out->negative += d[i].negative;
		out->sentiment_sum += d[i].avg_sentiment * (double)d[i].mentions;
	}
}

double
period_share(const struct period_sum *s)
{
	return s->mentions ? (double)s->negative / (double)s->mentions : 0;
}

double
period_avg(const struct period_sum *s)
{
	return s->mentions ? s->sentiment_sum / (double)s->mentions : 0;
}

static enum es_err
period_load_lists(struct store *s, const struct period *p, const struct period_want *w,
		  struct period_brand *b, char *err, size_t errlen)
{
	enum es_err rc = ES_OK;

	if (w->top_sources)
		rc = analytics_top_sources(s, b->name, p->first, p->to, w->top_sources, &b->top,
					   &b->ntop, err, errlen);
	if (!rc && w->top_negative)
		rc = analytics_top_negative(s, b->name, p->first, p->to, w->top_negative, &b->neg,
					    &b->nneg, err, errlen);
	if (!rc && w->alerts)
		rc = analytics_alerts(s, b->name, p->first, p->to, &b->alerts, &b->nalerts, err,
				      errlen);
	return rc;
}

static enum es_err
period_load_brand(struct store *s, const struct period *p, const struct period_want *w,
		  struct period_brand *b, char *err, size_t errlen)
{
	struct analytics_day *prev = xcalloc(p->ndays, sizeof(*prev));
	int64_t pfirst = p->first - (int64_t)p->ndays * PERIOD_DAY;
	enum es_err rc;

	b->days = xcalloc(p->ndays, sizeof(*b->days));
	if (!(rc = analytics_days(s, b->name, p->first, p->ndays, b->days, err, errlen)) &&
	    !(rc = analytics_days(s, b->name, pfirst, p->ndays, prev, err, errlen)))
		rc = period_load_lists(s, p, w, b, err, errlen);
	period_sum(b->days, p->ndays, &b->cur);
	period_sum(prev, p->ndays, &b->prev);
	free(prev);
	return rc;
}

static enum es_err
period_load_all(struct store *s, const struct period_want *w, struct period *p, char *err,
		size_t errlen)
{
	char **names = NULL;
	size_t n = 0;
	enum es_err rc = ES_OK;

	if (w->brand) {
		names = xcalloc(1, sizeof(char *));
		names[n++] = xstrdup(w->brand);
	} else if ((rc = analytics_brands(s, p->first - (int64_t)p->ndays * PERIOD_DAY, p->to,
					  &names, &n, err, errlen))) {
		return rc;
	}
	p->brands = xcalloc(n ? n : 1, sizeof(*p->brands));
	for (size_t i = 0; i < n && !rc; i++) {
		p->brands[p->nbrands].name = names[i];
		names[i] = NULL;
		rc = period_load_brand(s, p, w, &p->brands[p->nbrands++], err, errlen);
	}
	analytics_names_free(names, n);
	if (!rc)
		rc = analytics_sources(s, &p->sources, &p->nsources, err, errlen);
	return rc;
}

enum es_err
period_load(struct store *s, int64_t now, size_t ndays, const struct period_want *w,
	    struct period *p, char *err, size_t errlen)
{
	enum es_err rc;

	*p = (struct period){ .ndays = ndays };
	if (ndays < 1 || ndays > PERIOD_MAX_DAYS)
		return es_error(ES_EINVAL, err, errlen, "a period is 1 to %d days", PERIOD_MAX_DAYS);
	p->to = now - (now % PERIOD_DAY + PERIOD_DAY) % PERIOD_DAY + PERIOD_DAY;
	p->first = p->to - (int64_t)ndays * PERIOD_DAY;
	if ((rc = analytics_snapshot_begin(s, err, errlen)))
		return rc;
	rc = period_load_all(s, w, p, err, errlen);
	analytics_snapshot_end(s);
	return rc;
}

void
period_free(struct period *p)
{
	for (size_t i = 0; i < p->nbrands; i++) {
		struct period_brand *b = &p->brands[i];

		free(b->name);
		free(b->days);
		analytics_counts_free(b->top, b->ntop);
		analytics_mentions_free(b->neg, b->nneg);
		analytics_alerts_free(b->alerts, b->nalerts);
	}
	free(p->brands);
	analytics_sources_free(p->sources, p->nsources);
	*p = (struct period){ 0 };
}
