/* alerts.h - every SQL statement the alerts need: counting mentions for the
 * rules, the evidence an alert carries, the alerts table and its outbox
 * (deliveries), and the state of each webhook.
 *
 * Times are Unix seconds in this API and ISO 8601 UTC text in the database.
 * Mentions are counted by counted_at (min(published, first seen), see
 * store_ingest), so a new source's backlog lands in the past.
 *
 * The outbox: store_alert_insert() writes an alert and one pending delivery
 * per webhook in one transaction.  A sender picks due rows with
 * store_delivery_due(), claims each with store_delivery_claim() (which
 * pushes next_attempt_at out by a lease, so a second process does not send
 * the same row meanwhile and a crashed sender's rows come due again when the
 * lease lapses) and records the outcome with store_delivery_done().  No
 * webhook URL is ever written here: deliveries name the webhook, and the
 * webhooks table keeps only a short hash of the URL to notice that
 * feeds.conf changed it. */
#ifndef ES_STORE_ALERTS_H
#define ES_STORE_ALERTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

/* ---- counting ---- */

/* Which mentions a rule counts, and over which buckets. */
struct store_count_spec {
	const char *brand;   /* NULL: mentions that matched any brand */
	const char *label;   /* "negative", "neutral", "positive"; NULL: any */
	int64_t from, to;    /* counted_at in [from, to) */
	int64_t bucket;      /* seconds, > 0; (to - from) a multiple of it */
};

/* Fills counts[i] with the mentions of q->brand labelled q->label whose
 * counted_at lies in bucket i (i < n), and, when totals is not NULL,
 * totals[i] with all of the brand's mentions there.  Both arrays are zeroed
 * first.  ES_EINVAL when n does not match the spec. */
enum es_err store_alert_counts(struct store *s, const struct store_count_spec *q, double *counts,
			       double *totals, size_t n, char *err, size_t errlen);

/* The earliest counted_at of any mention of brand (NULL: of any brand), in
 * *t; 0 when there is none. */
enum es_err store_alert_history_start(struct store *s, const char *brand, int64_t *t, char *err,
				      size_t errlen);

/* ---- evidence ---- */

struct store_top_mention {
	int64_t id;
	char *title, *source, *url;
	int64_t counted_at;
	double sentiment;
};

/* The most negative mentions that q counts in [q->from, q->to), at most
 * limit, most negative first (then newest); for q->label "positive", the
 * most positive first.  *out is an array the caller
 * frees with store_top_mentions_free(). */
enum es_err store_alert_top_mentions(struct store *s, const struct store_count_spec *q,
				     size_t limit, struct store_top_mention **out, size_t *n,
				     char *err, size_t errlen);
void store_top_mentions_free(struct store_top_mention *m, size_t n);

struct store_source_count {
	char *source;
	int64_t window;    /* mentions in the window */
	int64_t base;      /* mentions in the baseline before it */
};

/* Per source, the mentions q counts in the window [win_from, q->to) and in
 * the baseline [q->from, win_from).  Caller frees with
 * store_source_counts_free(). */
enum es_err store_alert_source_counts(struct store *s, const struct store_count_spec *q,
				      int64_t win_from, struct store_source_count **out,
				      size_t *n, char *err, size_t errlen);
void store_source_counts_free(struct store_source_count *c, size_t n);

/* Called with the title and text of one mention; in_window says whether
 * it lies in the window or the baseline.  Strings live until it returns. */
typedef void (*store_text_fn)(const char *title, const char *text, bool in_window, void *arg);

/* Calls fn for the newest max_win mentions q counts in the window [win_from,
 * q->to) and the newest max_base in the baseline [q->from, win_from). */
enum es_err store_alert_texts(struct store *s, const struct store_count_spec *q, int64_t win_from,
			      size_t max_win, size_t max_base, store_text_fn fn, void *arg,
			      char *err, size_t errlen);

/* ---- alerts ---- */

#define STORE_HEALTH_KEEP (-1) /* health_mark: leave sources.health_alerted_at */

/* One row of the alerts table.  Strings are owned by the struct and freed
 * by store_alert_reset(); NaN doubles are stored as NULL. */
struct store_alert {
	int64_t id;              /* set by store_alert_insert */
	char *rule;              /* [alert NAME], or "source-health" */
	char *kind;              /* "spike", "source_failing", "source_silent", "source_recovered" */
	char *brand;             /* NULL: every brand, or not about a brand */
	char *sentiment;         /* "negative", ..., "any"; NULL when not counted */
	char *source;            /* source-health alerts: the source's name */
	int64_t fired_at;
	int64_t window_start, window_end;
	int64_t count;
	double baseline, score, share, baseline_share;
	char *summary;           /* one line for people */
	char *details;           /* JSON: what the webhooks show (doc/webhooks.md) */
	char *key;               /* the idempotency key, unique */
	/* Source-health alerts only: in the same transaction, set the source's
	 * health_alerted_at to health_mark (0 clears it) unless it is
	 * STORE_HEALTH_KEEP. */
	int64_t source_id;
	int64_t health_mark;
};

void store_alert_reset(struct store_alert *a);

/* Writes a and one pending delivery per webhook, due at a->fired_at, in
 * one transaction, and sets a->id.  ES_DUPLICATE when an alert with a->key
 * exists already: then nothing changes.  On failure nothing changes. */
enum es_err store_alert_insert(struct store *s, struct store_alert *a, const char *const *webhooks,
			       size_t nwebhooks, char *err, size_t errlen);
/* Loads one alert into out (which the caller resets); ES_ENOTFOUND. */
enum es_err store_alert_get(struct store *s, int64_t id, struct store_alert *out, char *err,
			    size_t errlen);
/* The end of the window of the rule's last alert of kind "spike", what
 * its cooldown counts from (0: never fired). */
enum es_err store_alert_last_fired(struct store *s, const char *rule, int64_t *t, char *err,
				   size_t errlen);

/* One line of the alert log (an alert and one of its deliveries). */
struct store_alert_log {
	int64_t alert_id;
	int64_t fired_at;
	const char *rule, *kind, *brand, *source, *summary;
	int64_t count;
	double baseline, score;
	const char *webhook;     /* NULL: the alert has no delivery */
	const char *state;
	int attempts;
	int last_status;         /* 0: none */
	const char *last_error;
	int64_t next_attempt_at, delivered_at;
};

/* Calls fn for each delivery of the newest limit alerts, newest first.
 * The strings live until fn returns.  fn returning other than ES_OK stops
 * the walk, and its code is returned. */
enum es_err store_alert_log(struct store *s, size_t limit,
			    enum es_err (*fn)(const struct store_alert_log *row, void *arg),
			    void *arg, char *err, size_t errlen);

/* ---- deliveries (the outbox) ---- */

struct store_delivery {
	int64_t id;
	int64_t alert_id;
	char *webhook;
	int attempts;
	int64_t next_attempt_at;
	int64_t created_at;      /* the alert's fired_at */
};

/* The pending deliveries due at now (next_attempt_at <= now), grouped by
 * webhook and oldest first, at most max.  Caller frees with
 * store_deliveries_free(). */
enum es_err store_delivery_due(struct store *s, int64_t now, size_t max,
			       struct store_delivery **out, size_t *n, char *err, size_t errlen);
void store_deliveries_free(struct store_delivery *d, size_t n);
/* Per webhook with pending deliveries: how many, and the earliest
 * next_attempt_at among them. */
struct store_pending {
	char *webhook;
	int64_t next_at;
	int64_t count;
};

/* Fills *out with one entry per webhook that has pending deliveries,
 * ordered by name.  Caller frees with store_pending_free(). */
enum es_err store_delivery_pending(struct store *s, struct store_pending **out, size_t *n,
				   char *err, size_t errlen);
void store_pending_free(struct store_pending *p, size_t n);
/* Takes a due pending row for one attempt: attempts + 1, last_attempt_at =
 * now, next_attempt_at = lease_until.  ES_OK and the new attempt count in
 * *attempts when taken; ES_STOP when the row is no longer due and pending
 * (another sender has it). */
enum es_err store_delivery_claim(struct store *s, int64_t id, int64_t now, int64_t lease_until,
				 int *attempts, char *err, size_t errlen);

/* The outcome of an attempt. */
struct store_outcome {
	const char *state;       /* "delivered", "pending" (retry), "failed", "skipped" */
	int64_t at;              /* when it was known */
	int status;              /* HTTP status, 0: none */
	const char *error;       /* NULL when delivered; never holds a URL */
	int64_t next_attempt_at; /* state "pending": when to try again */
};

/* Records o for delivery id. */
enum es_err store_delivery_done(struct store *s, int64_t id, const struct store_outcome *o,
				char *err, size_t errlen);
/* Moves every pending delivery of webhook due before t to t (a pause
 * that a 429 asked for applies to the whole webhook). */
enum es_err store_delivery_defer(struct store *s, const char *webhook, int64_t t, char *err,
				 size_t errlen);

/* ---- webhooks ---- */

struct store_webhook {
	char *name;
	char *url_hash;
	int64_t broken_at;       /* 0: working */
	int broken_status;
	char *broken_reason;
	int64_t paused_until;    /* 0: not paused */
};

void store_webhook_reset(struct store_webhook *w);
/* Makes sure webhook name has a row and loads it into out.  When url_hash
 * differs from the stored one (feeds.conf changed the URL), the broken
 * state and any pause are cleared first. */
enum es_err store_webhook_sync(struct store *s, const char *name, const char *url_hash,
			       struct store_webhook *out, char *err, size_t errlen);
/* Marks name broken at `at` for the HTTP status and reason given. */
enum es_err store_webhook_break(struct store *s, const char *name, int64_t at, int status,
				const char *reason, char *err, size_t errlen);
/* Sets (until > 0) or clears (0) the pause of name. */
enum es_err store_webhook_pause(struct store *s, const char *name, int64_t until, char *err,
				size_t errlen);
/* Clears the broken state and pause of name: the operator's reset.
 * ES_ENOTFOUND when the webhook never had a row. */
enum es_err store_webhook_clear(struct store *s, const char *name, char *err, size_t errlen);
/* Loads the state of name; ES_ENOTFOUND when it has no row. */
enum es_err store_webhook_get(struct store *s, const char *name, struct store_webhook *out,
			      char *err, size_t errlen);

/* ---- source health ---- */

/* The kind of the last "source_failing" or "source_silent" alert about
 * source in *kind (caller frees; NULL when there is none). */
enum es_err store_alert_last_health(struct store *s, const char *source, char **kind, char *err,
				    size_t errlen);

/* Over the mentions of source_id first seen in [since, until): how many
 * distinct first-seen times there are (fetches that brought something
 * new) in *fetches, and the first and last of them. */
enum es_err store_source_activity(struct store *s, int64_t source_id, int64_t since,
				  int64_t until, int64_t *fetches, int64_t *first, int64_t *last,
				  char *err, size_t errlen);

#endif
