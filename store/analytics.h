/* analytics.h - the numbers behind earshot stats, report and export.
 *
 * Days are UTC calendar days given as the Unix time of their midnight;
 * a range [from, to) is in Unix seconds and compared with counted_at (the
 * time a mention counts at, see store.h).  Lists are small and returned as
 * arrays the caller frees with the matching *_free(); export streams. */
#ifndef ES_ANALYTICS_H
#define ES_ANALYTICS_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

#define ANALYTICS_MAX_DAYS 366    /* longest daily series */
#define ANALYTICS_MAX_BRANDS 1000 /* brands listed at most */
#define ANALYTICS_MAX_ROWS 1000   /* rows of any other list at most */

/* Starts a read transaction, so that the queries which follow all see one
 * snapshot of the database while the daemon goes on writing; end it soon
 * (a snapshot held open keeps the WAL from being checkpointed). */
enum es_err analytics_snapshot_begin(struct store *s, char *err, size_t errlen);
void analytics_snapshot_end(struct store *s);

/* One day of one brand. */
struct analytics_day {
	int64_t day;            /* midnight UTC */
	int64_t mentions, negative, neutral, positive;
	double avg_sentiment;   /* 0 when no mentions */
};

/* Fills days[0..ndays-1] with the days from first_day on (zeros for days
 * without mentions).  brand NULL counts every mention once. */
enum es_err analytics_days(struct store *s, const char *brand, int64_t first_day, size_t ndays,
			   struct analytics_day *days, char *err, size_t errlen);

/* Names of the brands with a mention counted in [from, to), sorted; the
 * caller frees the array and its strings with analytics_names_free(). */
enum es_err analytics_brands(struct store *s, int64_t from, int64_t to, char ***names,
			     size_t *n, char *err, size_t errlen);
void analytics_names_free(char **names, size_t n);

/* A name with a count. */
struct analytics_count {
	char *name;
	int64_t count;
};

/* The sources that brought most mentions of brand in [from, to), most
 * first, at most limit of them. */
enum es_err analytics_top_sources(struct store *s, const char *brand, int64_t from, int64_t to,
				  size_t limit, struct analytics_count **out, size_t *n, char *err,
				  size_t errlen);
void analytics_counts_free(struct analytics_count *c, size_t n);

/* A stored mention, as lists show it. */
struct analytics_mention {
	int64_t id;
	char *source;
	char *counted_at;       /* ISO 8601 UTC */
	char *title;            /* may be NULL */
	char *text;             /* the start of the text, may be NULL */
	char *url;              /* may be NULL */
	double sentiment;
};

/* The most negative mentions of brand in [from, to), most negative first. */
enum es_err analytics_top_negative(struct store *s, const char *brand, int64_t from, int64_t to,
				   size_t limit, struct analytics_mention **out, size_t *n,
				   char *err, size_t errlen);
void analytics_mentions_free(struct analytics_mention *m, size_t n);

/* An alert with the state of its deliveries. */
struct analytics_alert {
	int64_t id;
	int64_t fired_at;
	char *rule;
	char *kind;
	char *sentiment;        /* may be NULL */
	char *summary;
	int64_t count;
	double baseline, score;
	int64_t webhooks, delivered, pending, failed;
	char *delivery;         /* delivered | pending | failed | partly delivered | not sent */
};

/* The alerts about brand fired in [from, to), oldest first. */
enum es_err analytics_alerts(struct store *s, const char *brand, int64_t from, int64_t to,
			     struct analytics_alert **out, size_t *n, char *err, size_t errlen);
void analytics_alerts_free(struct analytics_alert *a, size_t n);

/* One row of the source_health view. */
struct analytics_source {
	char *name;
	char *status;           /* ok | failing | never fetched */
	int64_t failures;
	int64_t failing_since;  /* Unix s, 0 when not failing */
	int last_status;        /* HTTP status, 0 when none */
	char *last_error;       /* error class, NULL when the last fetch worked */
	char *last_error_detail;
	int64_t last_success_at;
	int64_t last_new_at;
	int64_t mentions, mentions_7d;
};

/* Every source, failing ones first, then by name. */
enum es_err analytics_sources(struct store *s, struct analytics_source **out, size_t *n,
			      char *err, size_t errlen);
void analytics_sources_free(struct analytics_source *src, size_t n);

/* ---- export ---- */

/* One mention for export.  Pointers are valid only during the callback. */
struct analytics_export_row {
	int64_t id;
	const char *source, *guid, *url, *title, *text, *author, *lang;
	const char *published_at, *first_seen_at, *counted_at; /* ISO 8601; published may be NULL */
	const char *label;
	double sentiment;
	double rating;          /* 0..1, NAN when none */
	const char *brands;     /* comma-separated, sorted; NULL when none */
};

typedef enum es_err (*analytics_export_fn)(const struct analytics_export_row *r, void *ctx);

/* Streams every mention counted at or after since (0: all), of brand
 * (NULL: all), in counted_at order, to fn; stops early with fn's code.
 * Memory use does not depend on the number of rows. */
enum es_err analytics_export(struct store *s, const char *brand, int64_t since,
			     analytics_export_fn fn, void *ctx, char *err, size_t errlen);

#endif
