/* alerts.c - counting for the rules, evidence, the alerts table, the
 * outbox and webhook state.  See alerts.h. */
#include "store/alerts.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/store_int.h"

/* The brand filter every counting statement shares: ?1 the brand (NULL:
 * any brand), ?2 the label (NULL: any label). */
#define BRAND_FILTER                                                                   \
	"  AND (CASE WHEN ?1 IS NULL\n"                                                \
	"       THEN EXISTS (SELECT 1 FROM mention_brands b WHERE b.mention_id = m.id)\n"  \
	"       ELSE EXISTS (SELECT 1 FROM mention_brands b\n"                         \
	"                    WHERE b.brand = ?1 AND b.mention_id = m.id) END)\n"

static const char sql_counts[] =
	"SELECT (unixepoch(m.counted_at) - ?3) / ?5, count(*),\n"
	"  sum(?2 IS NULL OR m.label = ?2)\n"
	"FROM mentions m\n"
	"WHERE m.counted_at >= ?6 AND m.counted_at < ?7\n" BRAND_FILTER
	"GROUP BY 1";

static const char sql_history_start[] =
	"SELECT m.counted_at FROM mentions m\n"
	"WHERE 1\n" BRAND_FILTER
	"ORDER BY m.counted_at LIMIT 1";

static const char sql_top_mentions[] =
	"SELECT m.id, m.title, s.name, m.url, m.counted_at, m.sentiment\n"
	"FROM mentions m JOIN sources s ON s.id = m.source_id\n"
	"WHERE m.counted_at >= ?6 AND m.counted_at < ?7 AND (?2 IS NULL OR m.label = ?2)\n"
	BRAND_FILTER
	"ORDER BY CASE WHEN ?2 = 'positive' THEN -m.sentiment ELSE m.sentiment END,\n"
	"  m.counted_at DESC, m.id DESC LIMIT ?3";

static const char sql_source_counts[] =
	"SELECT s.name, sum(m.counted_at >= ?3), sum(m.counted_at < ?3)\n"
	"FROM mentions m JOIN sources s ON s.id = m.source_id\n"
	"WHERE m.counted_at >= ?6 AND m.counted_at < ?7 AND (?2 IS NULL OR m.label = ?2)\n"
	BRAND_FILTER
	"GROUP BY s.id ORDER BY s.name";

static const char sql_texts[] =
	"SELECT m.title, substr(m.text, 1, 2000) FROM mentions m\n"
	"WHERE m.counted_at >= ?6 AND m.counted_at < ?7 AND (?2 IS NULL OR m.label = ?2)\n"
	BRAND_FILTER
	"ORDER BY m.counted_at DESC LIMIT ?3";

static enum es_err
step_fail(struct store *s, sqlite3_stmt *st, int rc, char *err, size_t errlen, const char *what)
{
	sqlite3_reset(st);
	return store_fail(s, rc, err, errlen, what);
}

/* Binds the brand and label of q; the time range goes to ?6 and ?7. */
static void
bind_spec(sqlite3_stmt *st, const struct store_count_spec *q, int64_t from, int64_t to)
{
	store_bind_text(st, 1, q->brand);
	store_bind_text(st, 2, q->label);
	store_bind_time(st, 6, from);
	store_bind_time(st, 7, to);
}

enum es_err
store_alert_counts(struct store *s, const struct store_count_spec *q, double *counts,
		   double *totals, size_t n, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc;

	if (q->bucket <= 0 || q->to <= q->from || (q->to - q->from) % q->bucket ||
	    (size_t)((q->to - q->from) / q->bucket) != n)
		return es_error(ES_EINVAL, err, errlen, "bad bucket range");
	memset(counts, 0, n * sizeof(*counts));
	if (totals)
		memset(totals, 0, n * sizeof(*totals));
	if (!(st = store_stmt(s, sql_counts, err, errlen)))
		return ES_EDB;
	bind_spec(st, q, q->from, q->to);
	sqlite3_bind_int64(st, 3, q->from);
	sqlite3_bind_int64(st, 5, q->bucket);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t i = sqlite3_column_int64(st, 0);

		if (i < 0 || (size_t)i >= n)
			continue;
		counts[i] = (double)sqlite3_column_int64(st, 2);
		if (totals)
			totals[i] = (double)sqlite3_column_int64(st, 1);
	}
	if (rc != SQLITE_DONE)
		return step_fail(s, st, rc, err, errlen, "count mentions");
	sqlite3_reset(st);
	return ES_OK;
}

enum es_err
store_alert_history_start(struct store *s, const char *brand, int64_t *t, char *err,
			  size_t errlen)
{
	sqlite3_stmt *st = store_stmt(s, sql_history_start, err, errlen);
	int rc;

	*t = 0;
	if (!st)
		return ES_EDB;
	store_bind_text(st, 1, brand);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*t = store_column_time(st, 0);
	else if (rc != SQLITE_DONE)
		return step_fail(s, st, rc, err, errlen, "history start");
	sqlite3_reset(st);
	return ES_OK;
}

/* ---- evidence ---- */

void
store_top_mentions_free(struct store_top_mention *m, size_t n)
{
	for (size_t i = 0; m && i < n; i++) {
		free(m[i].title);
		free(m[i].source);
		free(m[i].url);
	}
	free(m);
}

enum es_err
store_alert_top_mentions(struct store *s, const struct store_count_spec *q, size_t limit,
			 struct store_top_mention **out, size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *st = store_stmt(s, sql_top_mentions, err, errlen);
	struct store_top_mention *v = NULL;
	size_t k = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!st)
		return ES_EDB;
	bind_spec(st, q, q->from, q->to);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xreallocarray(v, k + 1, sizeof(*v));
		v[k].id = sqlite3_column_int64(st, 0);
		v[k].title = store_column_dup(st, 1);
		v[k].source = store_column_dup(st, 2);
		v[k].url = store_column_dup(st, 3);
		v[k].counted_at = store_column_time(st, 4);
		v[k].sentiment = sqlite3_column_double(st, 5);
		k++;
	}
	if (rc != SQLITE_DONE) {
		store_top_mentions_free(v, k);
		return step_fail(s, st, rc, err, errlen, "top mentions");
	}
	sqlite3_reset(st);
	*out = v;
	*n = k;
	return ES_OK;
}

void
store_source_counts_free(struct store_source_count *c, size_t n)
{
	for (size_t i = 0; c && i < n; i++)
		free(c[i].source);
	free(c);
}

enum es_err
store_alert_source_counts(struct store *s, const struct store_count_spec *q, int64_t win_from,
			  struct store_source_count **out, size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *st = store_stmt(s, sql_source_counts, err, errlen);
	struct store_source_count *v = NULL;
	size_t k = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!st)
		return ES_EDB;
	bind_spec(st, q, q->from, q->to);
	store_bind_time(st, 3, win_from);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xreallocarray(v, k + 1, sizeof(*v));
		v[k].source = store_column_dup(st, 0);
		v[k].window = sqlite3_column_int64(st, 1);
		v[k].base = sqlite3_column_int64(st, 2);
		k++;
	}
	if (rc != SQLITE_DONE) {
		store_source_counts_free(v, k);
		return step_fail(s, st, rc, err, errlen, "source counts");
	}
	sqlite3_reset(st);
	*out = v;
	*n = k;
	return ES_OK;
}

static enum es_err
texts_range(struct store *s, const struct store_count_spec *q, int64_t from, int64_t to,
	    size_t max, bool in_window, store_text_fn fn, void *arg, char *err, size_t errlen)
{
	sqlite3_stmt *st = store_stmt(s, sql_texts, err, errlen);
	int rc;

	if (!st)
		return ES_EDB;
	bind_spec(st, q, from, to);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn((const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
		   in_window, arg);
	if (rc != SQLITE_DONE)
		return step_fail(s, st, rc, err, errlen, "mention texts");
	sqlite3_reset(st);
	return ES_OK;
}

enum es_err
store_alert_texts(struct store *s, const struct store_count_spec *q, int64_t win_from,
		  size_t max_win, size_t max_base, store_text_fn fn, void *arg, char *err,
		  size_t errlen)
{
	enum es_err rc = texts_range(s, q, win_from, q->to, max_win, true, fn, arg, err, errlen);

	if (rc == ES_OK && win_from > q->from)
		rc = texts_range(s, q, q->from, win_from, max_base, false, fn, arg, err, errlen);
	return rc;
}

/* ---- alerts ---- */

static const char sql_alert_insert[] =
	"INSERT INTO alerts (rule, kind, brand, sentiment, source, fired_at, window_start,\n"
	"  window_end, count, baseline, score, share, baseline_share, summary, details,\n"
	"  idempotency_key)\n"
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)\n"
	"ON CONFLICT (idempotency_key) DO NOTHING";

static const char sql_delivery_insert[] =
	"INSERT INTO deliveries (alert_id, webhook, next_attempt_at) VALUES (?1, ?2, ?3)\n"
	"ON CONFLICT (alert_id, webhook) DO NOTHING";

static const char sql_health_mark[] =
	"UPDATE sources SET health_alerted_at = ?2 WHERE id = ?1";

static const char sql_alert_get[] =
	"SELECT id, rule, kind, brand, sentiment, source, fired_at, window_start, window_end,\n"
	"  count, baseline, score, share, baseline_share, summary, details, idempotency_key\n"
	"FROM alerts WHERE id = ?1";

static const char sql_last_fired[] =
	"SELECT max(window_end) FROM alerts WHERE rule = ?1 AND kind = 'spike'";

void
store_alert_reset(struct store_alert *a)
{
	if (!a)
		return;
	free(a->rule);
	free(a->kind);
	free(a->brand);
	free(a->sentiment);
	free(a->source);
	free(a->summary);
	free(a->details);
	free(a->key);
	memset(a, 0, sizeof(*a));
}

static void
bind_real(sqlite3_stmt *st, int idx, double v)
{
	if (isfinite(v))
		sqlite3_bind_double(st, idx, v);
	else
		sqlite3_bind_null(st, idx);
}

static void
bind_alert(sqlite3_stmt *st, const struct store_alert *a)
{
	store_bind_text(st, 1, a->rule);
	store_bind_text(st, 2, a->kind);
	store_bind_text(st, 3, a->brand);
	store_bind_text(st, 4, a->sentiment);
	store_bind_text(st, 5, a->source);
	store_bind_time(st, 6, a->fired_at);
	store_bind_time(st, 7, a->window_start);
	store_bind_time(st, 8, a->window_end);
	if (a->window_end)
		sqlite3_bind_int64(st, 9, a->count);
	else
		sqlite3_bind_null(st, 9);
	bind_real(st, 10, a->baseline);
	bind_real(st, 11, a->score);
	bind_real(st, 12, a->share);
	bind_real(st, 13, a->baseline_share);
	store_bind_text(st, 14, a->summary ? a->summary : "");
	store_bind_text(st, 15, a->details);
	store_bind_text(st, 16, a->key);
}

static enum es_err
insert_deliveries(struct store *s, const struct store_alert *a, const char *const *webhooks,
		  size_t n, char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *st = store_stmt(s, sql_delivery_insert, err, errlen);
		int rc;

		if (!st)
			return ES_EDB;
		sqlite3_bind_int64(st, 1, a->id);
		store_bind_text(st, 2, webhooks[i]);
		store_bind_time(st, 3, a->fired_at);
		if ((rc = sqlite3_step(st)) != SQLITE_DONE)
			return step_fail(s, st, rc, err, errlen, "insert delivery");
		sqlite3_reset(st);
	}
	return ES_OK;
}

static enum es_err
mark_health(struct store *s, const struct store_alert *a, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc;

	if (a->source_id <= 0 || a->health_mark == STORE_HEALTH_KEEP)
		return ES_OK;
	if (!(st = store_stmt(s, sql_health_mark, err, errlen)))
		return ES_EDB;
	sqlite3_bind_int64(st, 1, a->source_id);
	store_bind_time(st, 2, a->health_mark);
	if ((rc = sqlite3_step(st)) != SQLITE_DONE)
		return step_fail(s, st, rc, err, errlen, "source health");
	sqlite3_reset(st);
	return ES_OK;
}

/* Inserts the alert row: ES_OK with a->id set, or ES_DUPLICATE. */
static enum es_err
insert_alert_row(struct store *s, struct store_alert *a, char *err, size_t errlen)
{
	sqlite3_stmt *st = store_stmt(s, sql_alert_insert, err, errlen);
	int rc;

	if (!st)
		return ES_EDB;
	bind_alert(st, a);
	if ((rc = sqlite3_step(st)) != SQLITE_DONE)
		return step_fail(s, st, rc, err, errlen, "insert alert");
	sqlite3_reset(st);
	if (sqlite3_changes(s->db) == 0)
		return ES_DUPLICATE;
	a->id = sqlite3_last_insert_rowid(s->db);
	return ES_OK;
}

enum es_err
store_alert_insert(struct store *s, struct store_alert *a, const char *const *webhooks,
		   size_t nwebhooks, char *err, size_t errlen)
{
	enum es_err rc;

	if (!a->rule || !a->kind || !a->key || !a->fired_at)
		return es_error(ES_EINVAL, err, errlen, "an alert needs a rule, kind, key and time");
	if ((rc = store_begin(s, err, errlen)))
		return rc;
	rc = insert_alert_row(s, a, err, errlen);
	if (rc == ES_OK)
		rc = insert_deliveries(s, a, webhooks, nwebhooks, err, errlen);
	if (rc == ES_OK)
		rc = mark_health(s, a, err, errlen);
	if (rc == ES_OK)
		rc = store_commit(s, err, errlen);
	if (rc != ES_OK) {
		store_rollback(s);
		a->id = 0;
	}
	return rc;
}

static double
column_real(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL ? NAN : sqlite3_column_double(st, col);
}

static void
read_alert(sqlite3_stmt *st, struct store_alert *a)
{
	store_alert_reset(a);
	a->id = sqlite3_column_int64(st, 0);
	a->rule = store_column_dup(st, 1);
	a->kind = store_column_dup(st, 2);
	a->brand = store_column_dup(st, 3);
	a->sentiment = store_column_dup(st, 4);
	a->source = store_column_dup(st, 5);
	a->fired_at = store_column_time(st, 6);
	a->window_start = store_column_time(st, 7);
	a->window_end = store_column_time(st, 8);
	a->count = sqlite3_column_int64(st, 9);
	a->baseline = column_real(st, 10);
	a->score = column_real(st, 11);
	a->share = column_real(st, 12);
	a->baseline_share = column_real(st, 13);
	a->summary = store_column_dup(st, 14);
	a->details = store_column_dup(st, 15);
	a->key = store_column_dup(st, 16);
	a->health_mark = STORE_HEALTH_KEEP;
}

enum es_err
store_alert_get(struct store *s, int64_t id, struct store_alert *out, char *err, size_t errlen)
{
	sqlite3_stmt *st = store_stmt(s, sql_alert_get, err, errlen);
	int rc;

	if (!st)
		return ES_EDB;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_alert(st, out);
		sqlite3_reset(st);
		return ES_OK;
	}
	if (rc != SQLITE_DONE)
		return step_fail(s, st, rc, err, errlen, "alert");
	sqlite3_reset(st);
	return es_error(ES_ENOTFOUND, err, errlen, "no alert %lld", (long long)id);
}

enum es_err
store_alert_last_fired(struct store *s, const char *rule, int64_t *t, char *err, size_t errlen)
{
	sqlite3_stmt *st = store_stmt(s, sql_last_fired, err, errlen);
	int rc;

	*t = 0;
	if (!st)
		return ES_EDB;
	store_bind_text(st, 1, rule);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*t = store_column_time(st, 0);
	else
		return step_fail(s, st, rc, err, errlen, "last fired");
	sqlite3_reset(st);
	return ES_OK;
}

static const char sql_alert_log[] =
	"SELECT a.id, a.fired_at, a.rule, a.kind, a.brand, a.source, a.summary, a.count,\n"
	"  a.baseline, a.score, d.webhook, d.state, d.attempts, d.last_status, d.last_error,\n"
	"  d.next_attempt_at, d.delivered_at\n"
	"FROM (SELECT * FROM alerts ORDER BY fired_at DESC, id DESC LIMIT ?1) a\n"
	"LEFT JOIN deliveries d ON d.alert_id = a.id\n"
	"ORDER BY a.fired_at DESC, a.id DESC, d.webhook";

static void
read_log_row(sqlite3_stmt *st, struct store_alert_log *r)
{
	memset(r, 0, sizeof(*r));
	r->alert_id = sqlite3_column_int64(st, 0);
	r->fired_at = store_column_time(st, 1);
	r->rule = (const char *)sqlite3_column_text(st, 2);
	r->kind = (const char *)sqlite3_column_text(st, 3);
	r->brand = (const char *)sqlite3_column_text(st, 4);
	r->source = (const char *)sqlite3_column_text(st, 5);
	r->summary = (const char *)sqlite3_column_text(st, 6);
	r->count = sqlite3_column_int64(st, 7);
	r->baseline = column_real(st, 8);
	r->score = column_real(st, 9);
	r->webhook = (const char *)sqlite3_column_text(st, 10);
	r->state = (const char *)sqlite3_column_text(st, 11);
	r->attempts = sqlite3_column_int(st, 12);
	r->last_status = sqlite3_column_int(st, 13);
	r->last_error = (const char *)sqlite3_column_text(st, 14);
	r->next_attempt_at = store_column_time(st, 15);
	r->delivered_at = store_column_time(st, 16);
}

enum es_err
store_alert_log(struct store *s, size_t limit,
		enum es_err (*fn)(const struct store_alert_log *row, void *arg), void *arg,
		char *err, size_t errlen)
{
	sqlite3_stmt *st = store_stmt(s, sql_alert_log, err, errlen);
	struct store_alert_log row;
	enum es_err out = ES_OK;
	int rc;

	if (!st)
		return ES_EDB;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_log_row(st, &row);
		if ((out = fn(&row, arg)) != ES_OK)
			break;
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return step_fail(s, st, rc, err, errlen, "alert log");
	sqlite3_reset(st);
	return out;
}

/* ---- deliveries ---- */

static const char sql_delivery_due[] =
	"SELECT d.id, d.alert_id, d.webhook, d.attempts, d.next_attempt_at, a.fired_at\n"
	"FROM deliveries d JOIN alerts a ON a.id = d.alert_id\n"
	"WHERE d.state = 'pending' AND d.next_attempt_at <= ?1\n"
	"ORDER BY d.webhook, d.id LIMIT ?2";

static const char sql_delivery_pending[] =
	"SELECT webhook, min(next_attempt_at), count(*) FROM deliveries WHERE state = 'pending'\n"
	"GROUP BY webhook ORDER BY webhook";

static const char sql_delivery_claim[] =
	"UPDATE deliveries SET attempts = attempts + 1, last_attempt_at = ?2,\n"
	"  next_attempt_at = ?3\n"
	"WHERE id = ?1 AND state = 'pending' AND next_attempt_at <= ?2\n"
	"RETURNING attempts";

static const char sql_delivery_done[] =
	"UPDATE deliveries SET state = ?2, last_status = ?3, last_error = ?4,\n"
	"  next_attempt_at = CASE WHEN ?2 = 'pending' THEN ?5 ELSE next_attempt_at END,\n"
	"  delivered_at = CASE WHEN ?2 = 'delivered' THEN ?6 ELSE delivered_at END\n"
	"WHERE id = ?1";

static const char sql_delivery_defer[] =
	"UPDATE deliveries SET next_attempt_at = ?2\n"
	"WHERE webhook = ?1 AND state = 'pending' AND next_attempt_at < ?2";

void
store_deliveries_free(struct store_delivery *d, size_t n)
{
	for (size_t i = 0; d && i < n; i++)
		free(d[i].webhook);
	free(d);
}

enum es_err
store_delivery_due(struct store *s, int64_t now, size_t max, struct store_delivery **out,
		   size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *st = store_stmt(s, sql_delivery_due, err, errlen);
	struct store_delivery *v = NULL;
	size_t k = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!st)
		return ES_EDB;
	store_bind_time(st, 1, now);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xreallocarray(v, k + 1, sizeof(*v));
		v[k].id = sqlite3_column_int64(st, 0);
		v[k].alert_id = sqlite3_column_int64(st, 1);
		v[k].webhook = store_column_dup(st, 2);
		v[k].attempts = sqlite3_column_int(st, 3);
		v[k].next_attempt_at = store_column_time(st, 4);
		v[k].created_at = store_column_time(st, 5);
		k++;
	}
	if (rc != SQLITE_DONE) {
		store_deliveries_free(v, k);
		return step_fail(s, st, rc, err, errlen, "due deliveries");
	}
	sqlite3_reset(st);
	*out = v;
	*n = k;
	return ES_OK;
}

void
store_pending_free(struct store_pending *p, size_t n)
{
	for (size_t i = 0; p && i < n; i++)
		free(p[i].webhook);
	free(p);
}

enum es_err
store_delivery_pending(struct store *s, struct store_pending **out, size_t *n, char *err,
		       size_t errlen)
{
	sqlite3_stmt *st = store_stmt(s, sql_delivery_pending, err, errlen);
	struct store_pending *v = NULL;
	size_t k = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!st)
		return ES_EDB;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xreallocarray(v, k + 1, sizeof(*v));
		v[k].webhook = store_column_dup(st, 0);
		v[k].next_at = store_column_time(st, 1);
		v[k].count = sqlite3_column_int64(st, 2);
		k++;
	}
	if (rc != SQLITE_DONE) {
		store_pending_free(v, k);
		return step_fail(s, st, rc, err, errlen, "pending deliveries");
	}
	sqlite3_reset(st);
	*out = v;
	*n = k;
	return ES_OK;
}

enum es_err
store_delivery_claim(struct store *s, int64_t id, int64_t now, int64_t lease_until,
		     int *attempts, char *err, size_t errlen)
{
	sqlite3_stmt *st = store_stmt(s, sql_delivery_claim, err, errlen);
	int rc;

	if (!st)
		return ES_EDB;
	sqlite3_bind_int64(st, 1, id);
	store_bind_time(st, 2, now);
	store_bind_time(st, 3, lease_until);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*attempts = sqlite3_column_int(st, 0);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? ES_OK : store_fail(s, rc, err, errlen, "claim");
	}
	if (rc != SQLITE_DONE)
		return step_fail(s, st, rc, err, errlen, "claim");
	sqlite3_reset(st);
	return ES_STOP;
}

enum es_err
store_delivery_done(struct store *s, int64_t id, const struct store_outcome *o, char *err,
		    size_t errlen)
{
	sqlite3_stmt *st = store_stmt(s, sql_delivery_done, err, errlen);
	int rc;

	if (!st)
		return ES_EDB;
	sqlite3_bind_int64(st, 1, id);
	store_bind_text(st, 2, o->state);
	if (o->status)
		sqlite3_bind_int(st, 3, o->status);
	else
		sqlite3_bind_null(st, 3);
	store_bind_text(st, 4, o->error);
	store_bind_time(st, 5, o->next_attempt_at ? o->next_attempt_at : o->at);
	store_bind_time(st, 6, o->at);
	if ((rc = sqlite3_step(st)) != SQLITE_DONE)
		return step_fail(s, st, rc, err, errlen, "record delivery");
	sqlite3_reset(st);
	return ES_OK;
}

enum es_err
store_delivery_defer(struct store *s, const char *webhook, int64_t t, char *err, size_t errlen)
{
	sqlite3_stmt *st = store_stmt(s, sql_delivery_defer, err, errlen);
	int rc;

	if (!st)
		return ES_EDB;
	store_bind_text(st, 1, webhook);
	store_bind_time(st, 2, t);
	if ((rc = sqlite3_step(st)) != SQLITE_DONE)
		return step_fail(s, st, rc, err, errlen, "defer deliveries");
	sqlite3_reset(st);
	return ES_OK;
}

/* ---- webhooks ---- */

static const char sql_webhook_insert[] =
	"INSERT INTO webhooks (name, url_hash) VALUES (?1, ?2)\n"
	"ON CONFLICT (name) DO UPDATE SET url_hash = excluded.url_hash, broken_at = NULL,\n"
	"  broken_status = NULL, broken_reason = NULL, paused_until = NULL\n"
	"WHERE url_hash IS NOT excluded.url_hash";

static const char sql_webhook_get[] =
	"SELECT name, url_hash, broken_at, broken_status, broken_reason, paused_until\n"
	"FROM webhooks WHERE name = ?1";

static const char sql_webhook_break[] =
	"UPDATE webhooks SET broken_at = ?2, broken_status = ?3, broken_reason = ?4\n"
	"WHERE name = ?1";

static const char sql_webhook_pause[] =
	"UPDATE webhooks SET paused_until = ?2 WHERE name = ?1";

static const char sql_webhook_clear[] =
	"UPDATE webhooks SET broken_at = NULL, broken_status = NULL, broken_reason = NULL,\n"
	"  paused_until = NULL WHERE name = ?1";

void
store_webhook_reset(struct store_webhook *w)
{
	if (!w)
		return;
	free(w->name);
	free(w->url_hash);
	free(w->broken_reason);
	memset(w, 0, sizeof(*w));
}

enum es_err
store_webhook_get(struct store *s, const char *name, struct store_webhook *out, char *err,
		  size_t errlen)
{
	sqlite3_stmt *st = store_stmt(s, sql_webhook_get, err, errlen);
	int rc;

	if (!st)
		return ES_EDB;
	store_bind_text(st, 1, name);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		store_webhook_reset(out);
		out->name = store_column_dup(st, 0);
		out->url_hash = store_column_dup(st, 1);
		out->broken_at = store_column_time(st, 2);
		out->broken_status = sqlite3_column_int(st, 3);
		out->broken_reason = store_column_dup(st, 4);
		out->paused_until = store_column_time(st, 5);
		sqlite3_reset(st);
		return ES_OK;
	}
	if (rc != SQLITE_DONE)
		return step_fail(s, st, rc, err, errlen, "webhook");
	sqlite3_reset(st);
	return es_error(ES_ENOTFOUND, err, errlen, "no state for webhook %s", name);
}

/* Steps a bound webhook statement to its end; *changes gets the rows
 * changed when not NULL. */
static enum es_err
webhook_step(struct store *s, sqlite3_stmt *st, int *changes, char *err, size_t errlen)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE)
		return step_fail(s, st, rc, err, errlen, "webhook state");
	sqlite3_reset(st);
	if (changes)
		*changes = sqlite3_changes(s->db);
	return ES_OK;
}

enum es_err
store_webhook_sync(struct store *s, const char *name, const char *url_hash,
		   struct store_webhook *out, char *err, size_t errlen)
{
	sqlite3_stmt *st = store_stmt(s, sql_webhook_insert, err, errlen);
	enum es_err rc;

	if (!st)
		return ES_EDB;
	store_bind_text(st, 1, name);
	store_bind_text(st, 2, url_hash);
	if ((rc = webhook_step(s, st, NULL, err, errlen)))
		return rc;
	return store_webhook_get(s, name, out, err, errlen);
}

enum es_err
store_webhook_break(struct store *s, const char *name, int64_t at, int status,
		    const char *reason, char *err, size_t errlen)
{
	sqlite3_stmt *st = store_stmt(s, sql_webhook_break, err, errlen);

	if (!st)
		return ES_EDB;
	store_bind_text(st, 1, name);
	store_bind_time(st, 2, at);
	sqlite3_bind_int(st, 3, status);
	store_bind_text(st, 4, reason);
	return webhook_step(s, st, NULL, err, errlen);
}

enum es_err
store_webhook_pause(struct store *s, const char *name, int64_t until, char *err, size_t errlen)
{
	sqlite3_stmt *st = store_stmt(s, sql_webhook_pause, err, errlen);

	if (!st)
		return ES_EDB;
	store_bind_text(st, 1, name);
	store_bind_time(st, 2, until);
	return webhook_step(s, st, NULL, err, errlen);
}

enum es_err
store_webhook_clear(struct store *s, const char *name, char *err, size_t errlen)
{
	sqlite3_stmt *st = store_stmt(s, sql_webhook_clear, err, errlen);
	int changes = 0;
	enum es_err rc;

	if (!st)
		return ES_EDB;
	store_bind_text(st, 1, name);
	if ((rc = webhook_step(s, st, &changes, err, errlen)))
		return rc;
	if (changes == 0)
		return es_error(ES_ENOTFOUND, err, errlen, "webhook %s has no state to reset", name);
	return ES_OK;
}

/* ---- source health ---- */

static const char sql_last_health[] =
	"SELECT kind FROM alerts WHERE source = ?1 AND kind IN ('source_failing', 'source_silent')\n"
	"ORDER BY fired_at DESC, id DESC LIMIT 1";

enum es_err
store_alert_last_health(struct store *s, const char *source, char **kind, char *err,
			size_t errlen)
{
	sqlite3_stmt *st = store_stmt(s, sql_last_health, err, errlen);
	int rc;

	*kind = NULL;
	if (!st)
		return ES_EDB;
	store_bind_text(st, 1, source);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*kind = store_column_dup(st, 0);
	else if (rc != SQLITE_DONE)
		return step_fail(s, st, rc, err, errlen, "last health alert");
	sqlite3_reset(st);
	return ES_OK;
}

static const char sql_source_activity[] =
	"SELECT count(DISTINCT first_seen_at), min(first_seen_at), max(first_seen_at)\n"
	"FROM mentions WHERE source_id = ?1 AND first_seen_at >= ?2 AND first_seen_at < ?3";

enum es_err
store_source_activity(struct store *s, int64_t source_id, int64_t since, int64_t until,
		      int64_t *fetches, int64_t *first, int64_t *last, char *err, size_t errlen)
{
	sqlite3_stmt *st = store_stmt(s, sql_source_activity, err, errlen);
	int rc;

	*fetches = *first = *last = 0;
	if (!st)
		return ES_EDB;
	sqlite3_bind_int64(st, 1, source_id);
	store_bind_time(st, 2, since);
	store_bind_time(st, 3, until);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW)
		return step_fail(s, st, rc, err, errlen, "source activity");
	*fetches = sqlite3_column_int64(st, 0);
	*first = store_column_time(st, 1);
	*last = store_column_time(st, 2);
	sqlite3_reset(st);
	return ES_OK;
}
