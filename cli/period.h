/* period.h - the numbers earshot stats and report show: per brand, the
 * days of a period and the period before, and what happened in it. */
#ifndef ES_PERIOD_H
#define ES_PERIOD_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/analytics.h"

#define PERIOD_MAX_DAYS 366

/* A period (or the one before it) of one brand, summed. */
struct period_sum {
	int64_t mentions, negative;
	double sentiment_sum;     /* sum of the scores, for the average */
};

struct period_brand {
	char *name;
	struct analytics_day *days;       /* ndays, oldest first */
	struct period_sum cur, prev;
	struct analytics_count *top;      /* top sources */
	size_t ntop;
	struct analytics_mention *neg;    /* most negative mentions */
	size_t nneg;
	struct analytics_alert *alerts;   /* alerts fired in the period */
	size_t nalerts;
};

/* What to load besides the days. */
struct period_want {
	const char *brand;   /* only this brand; NULL: every brand with mentions */
	size_t top_sources;
	size_t top_negative;
	int alerts;          /* load the alerts */
};

struct period {
	size_t ndays;
	int64_t first, to;   /* [first, to): the period, in whole UTC days */
	struct period_brand *brands;
	size_t nbrands;
	struct analytics_source *sources;
	size_t nsources;
};

/* Loads the ndays (1..PERIOD_MAX_DAYS) UTC days ending with the day of
 * now, and the same number of days before them, into p (freed with
 * period_free() whatever the result).  The brands listed are those with a
 * mention in either period, sorted by name. */
enum es_err period_load(struct store *s, int64_t now, size_t ndays, const struct period_want *w,
			struct period *p, char *err, size_t errlen);
void period_free(struct period *p);

/* The negative share of a sum (0 when it has no mentions). */
double period_share(const struct period_sum *s);
/* The average sentiment of a sum (0 when it has no mentions). */
double period_avg(const struct period_sum *s);

#endif
