/* analytics.c - the SQL behind earshot stats, report and export.
 *
 * Every statement filters on counted_at first, so it reads the index
 * mentions_counted_at over the period only; a brand filter is an EXISTS on
 * mention_brands' primary key.  ?1/?2 are the range [from, to) as ISO
 * text, ?3 the brand (NULL: all), ?4 a row limit. */
#include "store/analytics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/when.h"
#include "core/xalloc.h"
#include "store/store_int.h"

#define AN_RANGE_BRAND                                                                  \
	"m.counted_at >= ?1 AND m.counted_at < ?2\n"                                    \
	"  AND (?3 IS NULL OR EXISTS (SELECT 1 FROM mention_brands b\n"                 \
	"       WHERE b.mention_id = m.id AND b.brand = ?3))\n"

static const char sql_days[] =
	"SELECT substr(m.counted_at, 1, 10) AS day, count(*), sum(m.label = 'negative'),\n"
	"  sum(m.label = 'neutral'), sum(m.label = 'positive'), avg(m.sentiment)\n"
	"FROM mentions m WHERE " AN_RANGE_BRAND "GROUP BY day ORDER BY day";

static const char sql_brands[] =
	"SELECT DISTINCT b.brand FROM mentions m JOIN mention_brands b ON b.mention_id = m.id\n"
	"WHERE m.counted_at >= ?1 AND m.counted_at < ?2 ORDER BY b.brand LIMIT ?4";

static const char sql_top_sources[] =
	"SELECT s.name, count(*) AS n FROM mentions m JOIN sources s ON s.id = m.source_id\n"
	"WHERE " AN_RANGE_BRAND "GROUP BY s.id ORDER BY n DESC, s.name LIMIT ?4";

static const char sql_top_negative[] =
	"SELECT m.id, s.name, m.counted_at, m.title, substr(m.text, 1, 280), m.url, m.sentiment\n"
	"FROM mentions m JOIN sources s ON s.id = m.source_id\n"
	"WHERE m.label = 'negative' AND " AN_RANGE_BRAND
	"ORDER BY m.sentiment, m.counted_at DESC, m.id LIMIT ?4";

static const char sql_alerts[] =
	"SELECT alert_id, fired_at, rule, kind, sentiment, summary, count, baseline, score,\n"
	"  webhooks, delivered, pending, failed, delivery\n"
	"FROM alert_summary\n"
	"WHERE fired_at >= ?1 AND fired_at < ?2 AND (?3 IS NULL OR brand = ?3)\n"
	"ORDER BY fired_at, alert_id LIMIT ?4";

static const char sql_sources[] =
	"SELECT name, status, failures, failing_since, last_status, last_error,\n"
	"  last_error_detail, last_success_at, last_new_at, mentions, mentions_7d\n"
	"FROM source_health\n"
	"ORDER BY CASE status WHEN 'failing' THEN 0 WHEN 'never fetched' THEN 1 ELSE 2 END, name\n"
	"LIMIT ?4";

/* NOTE: since = '' when not given, so the index on counted_at both
 * filters and orders, and rows stream without a sort. */
static const char sql_export[] =
	"SELECT m.id, s.name, m.guid, m.url, m.title, m.text, m.author, m.lang,\n"
	"  m.published_at, m.first_seen_at, m.counted_at, m.label, m.sentiment, m.rating,\n"
	"  (SELECT group_concat(brand, ',') FROM (SELECT brand FROM mention_brands\n"
	"     WHERE mention_id = m.id ORDER BY brand))\n"
	"FROM mentions m JOIN sources s ON s.id = m.source_id\n"
	"WHERE m.counted_at >= ?1\n"
	"  AND (?3 IS NULL OR EXISTS (SELECT 1 FROM mention_brands b\n"
	"       WHERE b.mention_id = m.id AND b.brand = ?3))\n"
	"ORDER BY m.counted_at, m.id";

/* Prepares sql and binds the range, brand and limit. */
static sqlite3_stmt *
an_prepare(struct store *s, const char *sql, int64_t from, int64_t to, const char *brand,
	   size_t limit, char *err, size_t errlen)
{
	sqlite3_stmt *st = store_stmt(s, sql, err, errlen);

	if (!st)
		return NULL;
	store_bind_time(st, 1, from);
	store_bind_time(st, 2, to);
	store_bind_text(st, 3, brand);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)limit);
	return st;
}

/* Ends a statement's run: ES_OK when it finished, else the error. */
static enum es_err
an_finish(struct store *s, sqlite3_stmt *st, int rc, char *err, size_t errlen, const char *what)
{
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? ES_OK : store_fail(s, rc, err, errlen, what);
}

/* Grows an array of elements of size sz to hold n + 1. */
static void *
an_grow(void *arr, size_t n, size_t *cap, size_t sz)
{
	if (n < *cap)
		return arr;
	*cap = *cap ? *cap * 2 : 16;
	arr = xreallocarray(arr, *cap, sz);
	return arr;
}

enum es_err
analytics_snapshot_begin(struct store *s, char *err, size_t errlen)
{
	int rc = sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL);

	return rc == SQLITE_OK ? ES_OK : store_fail(s, rc, err, errlen, "begin");
}

void
analytics_snapshot_end(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
}

enum es_err
analytics_days(struct store *s, const char *brand, int64_t first_day, size_t ndays,
	       struct analytics_day *days, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc;

	if (ndays > ANALYTICS_MAX_DAYS)
		return es_error(ES_EINVAL, err, errlen, "at most %d days", ANALYTICS_MAX_DAYS);
	for (size_t i = 0; i < ndays; i++)
		days[i] = (struct analytics_day){ .day = first_day + (int64_t)i * 86400 };
	st = an_prepare(s, sql_days, first_day, first_day + (int64_t)ndays * 86400, brand, 0,
			err, errlen);
	if (!st)
		return ES_EDB;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t t;
		struct analytics_day *d;

		if (when_parse_iso((const char *)sqlite3_column_text(st, 0), &t) != ES_OK ||
		    t < first_day || (t - first_day) / 86400 >= (int64_t)ndays)
			continue;
		d = &days[(t - first_day) / 86400];
		d->mentions = sqlite3_column_int64(st, 1);
		d->negative = sqlite3_column_int64(st, 2);
		d->neutral = sqlite3_column_int64(st, 3);
		d->positive = sqlite3_column_int64(st, 4);
		d->avg_sentiment = sqlite3_column_double(st, 5);
	}
	return an_finish(s, st, rc, err, errlen, "daily counts");
}

enum es_err
analytics_brands(struct store *s, int64_t from, int64_t to, char ***names, size_t *n, char *err,
		 size_t errlen)
{
	sqlite3_stmt *st = an_prepare(s, sql_brands, from, to, NULL, ANALYTICS_MAX_BRANDS, err,
				      errlen);
	size_t cap = 0;
	int rc;

	*names = NULL;
	*n = 0;
	if (!st)
		return ES_EDB;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*names = an_grow(*names, *n, &cap, sizeof(char *));
		(*names)[(*n)++] = store_column_dup(st, 0);
	}
	return an_finish(s, st, rc, err, errlen, "brands");
}

void
analytics_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

enum es_err
analytics_top_sources(struct store *s, const char *brand, int64_t from, int64_t to, size_t limit,
		      struct analytics_count **out, size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *st = an_prepare(s, sql_top_sources, from, to, brand, limit, err, errlen);
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!st)
		return ES_EDB;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = an_grow(*out, *n, &cap, sizeof(**out));
		(*out)[*n].name = store_column_dup(st, 0);
		(*out)[(*n)++].count = sqlite3_column_int64(st, 1);
	}
	return an_finish(s, st, rc, err, errlen, "top sources");
}

void
analytics_counts_free(struct analytics_count *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(c[i].name);
	free(c);
}

enum es_err
analytics_top_negative(struct store *s, const char *brand, int64_t from, int64_t to,
		       size_t limit, struct analytics_mention **out, size_t *n, char *err,
		       size_t errlen)
{
	sqlite3_stmt *st = an_prepare(s, sql_top_negative, from, to, brand, limit, err, errlen);
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!st)
		return ES_EDB;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct analytics_mention *m;

		*out = an_grow(*out, *n, &cap, sizeof(**out));
		m = &(*out)[(*n)++];
		m->id = sqlite3_column_int64(st, 0);
		m->source = store_column_dup(st, 1);
		m->counted_at = store_column_dup(st, 2);
		m->title = store_column_dup(st, 3);
		m->text = store_column_dup(st, 4);
		m->url = store_column_dup(st, 5);
		m->sentiment = sqlite3_column_double(st, 6);
	}
	return an_finish(s, st, rc, err, errlen, "top negative");
}

void
analytics_mentions_free(struct analytics_mention *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].source);
		free(m[i].counted_at);
		free(m[i].title);
		free(m[i].text);
		free(m[i].url);
	}
	free(m);
}

static void
an_read_alert(sqlite3_stmt *st, struct analytics_alert *a)
{
	a->id = sqlite3_column_int64(st, 0);
	a->fired_at = store_column_time(st, 1);
	a->rule = store_column_dup(st, 2);
	a->kind = store_column_dup(st, 3);
	a->sentiment = store_column_dup(st, 4);
	a->summary = store_column_dup(st, 5);
	a->count = sqlite3_column_int64(st, 6);
	a->baseline = sqlite3_column_double(st, 7);
	a->score = sqlite3_column_double(st, 8);
	a->webhooks = sqlite3_column_int64(st, 9);
	a->delivered = sqlite3_column_int64(st, 10);
	a->pending = sqlite3_column_int64(st, 11);
	a->failed = sqlite3_column_int64(st, 12);
	a->delivery = store_column_dup(st, 13);
}

enum es_err
analytics_alerts(struct store *s, const char *brand, int64_t from, int64_t to,
		 struct analytics_alert **out, size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *st = an_prepare(s, sql_alerts, from, to, brand, ANALYTICS_MAX_ROWS, err,
				      errlen);
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!st)
		return ES_EDB;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = an_grow(*out, *n, &cap, sizeof(**out));
		an_read_alert(st, &(*out)[(*n)++]);
	}
	return an_finish(s, st, rc, err, errlen, "alerts");
}

void
analytics_alerts_free(struct analytics_alert *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(a[i].rule);
		free(a[i].kind);
		free(a[i].sentiment);
		free(a[i].summary);
		free(a[i].delivery);
	}
	free(a);
}

static void
an_read_source(sqlite3_stmt *st, struct analytics_source *src)
{
	src->name = store_column_dup(st, 0);
	src->status = store_column_dup(st, 1);
	src->failures = sqlite3_column_int64(st, 2);
	src->failing_since = store_column_time(st, 3);
	src->last_status = sqlite3_column_int(st, 4);
	src->last_error = store_column_dup(st, 5);
	src->last_error_detail = store_column_dup(st, 6);
	src->last_success_at = store_column_time(st, 7);
	src->last_new_at = store_column_time(st, 8);
	src->mentions = sqlite3_column_int64(st, 9);
	src->mentions_7d = sqlite3_column_int64(st, 10);
}

enum es_err
analytics_sources(struct store *s, struct analytics_source **out, size_t *n, char *err,
		  size_t errlen)
{
	sqlite3_stmt *st = an_prepare(s, sql_sources, 0, 0, NULL, ANALYTICS_MAX_ROWS, err, errlen);
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!st)
		return ES_EDB;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = an_grow(*out, *n, &cap, sizeof(**out));
		an_read_source(st, &(*out)[(*n)++]);
	}
	return an_finish(s, st, rc, err, errlen, "source health");
}

void
analytics_sources_free(struct analytics_source *src, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(src[i].name);
		free(src[i].status);
		free(src[i].last_error);
		free(src[i].last_error_detail);
	}
	free(src);
}

#define AN_TEXT(st, i) ((const char *)sqlite3_column_text((st), (i)))

static void
an_read_export(sqlite3_stmt *st, struct analytics_export_row *r)
{
	r->id = sqlite3_column_int64(st, 0);
	r->source = AN_TEXT(st, 1);
	r->guid = AN_TEXT(st, 2);
	r->url = AN_TEXT(st, 3);
	r->title = AN_TEXT(st, 4);
	r->text = AN_TEXT(st, 5);
	r->author = AN_TEXT(st, 6);
	r->lang = AN_TEXT(st, 7);
	r->published_at = AN_TEXT(st, 8);
	r->first_seen_at = AN_TEXT(st, 9);
	r->counted_at = AN_TEXT(st, 10);
	r->label = AN_TEXT(st, 11);
	r->sentiment = sqlite3_column_double(st, 12);
	r->rating = sqlite3_column_type(st, 13) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 13);
	r->brands = AN_TEXT(st, 14);
}

enum es_err
analytics_export(struct store *s, const char *brand, int64_t since, analytics_export_fn fn,
		 void *ctx, char *err, size_t errlen)
{
	sqlite3_stmt *st = store_stmt(s, sql_export, err, errlen);
	enum es_err rc = ES_OK;
	int src;

	if (!st)
		return ES_EDB;
	if (since)
		store_bind_time(st, 1, since);
	else
		sqlite3_bind_text(st, 1, "", 0, SQLITE_STATIC);
	store_bind_text(st, 3, brand);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		struct analytics_export_row r;

		an_read_export(st, &r);
		if ((rc = fn(&r, ctx)) != ES_OK)
			break;
	}
	if (rc != ES_OK) {
		sqlite3_reset(st);
		return rc;
	}
	return an_finish(s, st, src, err, errlen, "export");
}
