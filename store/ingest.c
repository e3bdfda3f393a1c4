/* ingest.c - sources' fetch state and the mentions each fetch brings. */
#include <stdlib.h>
#include <string.h>

#include "core/when.h"
#include "store/store_int.h"

static const char sql_source_insert[] =
	"INSERT INTO sources (name, url, created_at) VALUES (?1, ?2, ?3)\n"
	"ON CONFLICT (name) DO UPDATE SET url = excluded.url, etag = NULL, last_modified = NULL\n"
	"WHERE url IS NOT excluded.url";

static const char sql_source_get[] =
	"SELECT id, name, url, etag, last_modified, next_fetch_at, last_fetch_at,\n"
	"  last_success_at, failing_since, last_new_at, last_status, last_error,\n"
	"  last_error_detail, failures, health_alerted_at\n"
	"FROM sources WHERE name = ?1";

static const char sql_mention_insert[] =
	"INSERT INTO mentions (source_id, guid, url, title, text, author, lang, published_at,\n"
	"  first_seen_at, counted_at, rating, sentiment, label, scorer)\n"
	"SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14\n"
	"WHERE NOT EXISTS (SELECT 1 FROM mention_tombstones WHERE source_id = ?1 AND guid = ?2)\n"
	"ON CONFLICT (source_id, guid) DO NOTHING";

/* A source inside a transaction its caller opened (several sources in
 * one commit): its rows are undone alone when it fails. */
static const char sql_savepoint[] = "SAVEPOINT ingest";
static const char sql_release[] = "RELEASE ingest";
static const char sql_rollback_to[] = "ROLLBACK TO ingest";

static const char sql_brand_insert[] =
	"INSERT OR IGNORE INTO mention_brands (brand, mention_id) VALUES (?1, ?2)";

/* On success the validators are replaced; on failure they are kept, so the
 * next attempt can still be conditional. */
static const char sql_source_update[] =
	"UPDATE sources SET\n"
	"  etag = CASE WHEN ?2 THEN ?3 ELSE etag END,\n"
	"  last_modified = CASE WHEN ?2 THEN ?4 ELSE last_modified END,\n"
	"  next_fetch_at = ?5, last_fetch_at = ?6,\n"
	"  last_success_at = CASE WHEN ?2 THEN ?6 ELSE last_success_at END,\n"
	"  last_status = ?7, last_error = ?8, last_error_detail = ?9,\n"
	"  failures = CASE WHEN ?2 THEN 0 ELSE failures + 1 END,\n"
	"  failing_since = CASE WHEN ?2 THEN NULL ELSE coalesce(failing_since, ?6) END,\n"
	"  last_new_at = CASE WHEN ?10 > 0 THEN ?6 ELSE last_new_at END\n"
	"WHERE id = ?1";

void
store_source_reset(struct store_source *src)
{
	if (!src)
		return;
	free(src->name);
	free(src->url);
	free(src->etag);
	free(src->last_modified);
	free(src->last_error);
	free(src->last_error_detail);
	memset(src, 0, sizeof(*src));
}

static void
store_source_read(sqlite3_stmt *st, struct store_source *out)
{
	store_source_reset(out);
	out->id = sqlite3_column_int64(st, 0);
	out->name = store_column_dup(st, 1);
	out->url = store_column_dup(st, 2);
	out->etag = store_column_dup(st, 3);
	out->last_modified = store_column_dup(st, 4);
	out->next_fetch_at = store_column_time(st, 5);
	out->last_fetch_at = store_column_time(st, 6);
	out->last_success_at = store_column_time(st, 7);
	out->failing_since = store_column_time(st, 8);
	out->last_new_at = store_column_time(st, 9);
	out->last_status = sqlite3_column_int(st, 10);
	out->last_error = store_column_dup(st, 11);
	out->last_error_detail = store_column_dup(st, 12);
	out->failures = sqlite3_column_int64(st, 13);
	out->health_alerted_at = store_column_time(st, 14);
}

enum es_err
store_source_get(struct store *s, const char *name, struct store_source *out, char *err,
		 size_t errlen)
{
	sqlite3_stmt *st = store_stmt(s, sql_source_get, err, errlen);
	int rc;

	if (!st)
		return ES_EDB;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		store_source_read(st, out);
		sqlite3_reset(st);
		return ES_OK;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return es_error(ES_ENOTFOUND, err, errlen, "no source named %s", name);
	return store_fail(s, rc, err, errlen, "source");
}

enum es_err
store_source_sync(struct store *s, const char *name, const char *url, struct store_source *out,
		  char *err, size_t errlen)
{
	sqlite3_stmt *st = store_stmt(s, sql_source_insert, err, errlen);
	int rc;

	if (!st)
		return ES_EDB;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, url, -1, SQLITE_STATIC);
	store_bind_time(st, 3, when_now());
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, rc, err, errlen, "source");
	return store_source_get(s, name, out, err, errlen);
}

/* The time a mention counts at: its publication, unless it has none or it
 * lies after the moment we first saw it (a feed with a future date). */
static int64_t
store_counted_at(const struct mention *m, int64_t seen)
{
	return m->published > 0 && m->published <= seen ? m->published : seen;
}

/* When a fetch was seen, as Unix seconds and as the ISO 8601 text bound
 * for every one of its mentions (formatted once, not three times a row:
 * when_fmt_iso was 3% of an end-to-end ingest in callgrind). */
struct seen {
	int64_t t;
	char iso[WHEN_ISOLEN];
};

static enum es_err
store_insert_mention(struct store *s, int64_t source_id, const struct seen *seen,
		     struct store_item *it, char *err, size_t errlen)
{
	sqlite3_stmt *st = store_stmt(s, sql_mention_insert, err, errlen);
	const struct mention *m = it->m;
	char pub[WHEN_ISOLEN];
	int rc;

	if (!st)
		return ES_EDB;
	sqlite3_bind_int64(st, 1, source_id);
	store_bind_text(st, 2, m->guid);
	store_bind_text(st, 3, m->url);
	store_bind_text(st, 4, m->title);
	store_bind_text(st, 5, m->text);
	store_bind_text(st, 6, m->author);
	store_bind_text(st, 7, m->lang);
	if (m->published)
		sqlite3_bind_text(st, 8, when_fmt_iso(m->published, pub), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, seen->iso, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, store_counted_at(m, seen->t) == seen->t ? seen->iso : pub, -1,
			  SQLITE_STATIC);
	if (m->rating == m->rating && m->rating >= 0 && m->rating <= 1)
		sqlite3_bind_double(st, 11, m->rating);
	else
		sqlite3_bind_null(st, 11);
	sqlite3_bind_double(st, 12, it->sentiment);
	sqlite3_bind_text(st, 13, store_label_name(it->label), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 14, it->scorer);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, rc, err, errlen, "insert mention");
	it->id = sqlite3_changes(s->db) ? sqlite3_last_insert_rowid(s->db) : 0;
	if (it->id)
		store_fts_pending(s, it->id);
	return ES_OK;
}

static enum es_err
store_insert_brands(struct store *s, const struct store_item *it, char *err, size_t errlen)
{
	for (size_t i = 0; i < it->nbrands; i++) {
		sqlite3_stmt *st = store_stmt(s, sql_brand_insert, err, errlen);
		int rc;

		if (!st)
			return ES_EDB;
		sqlite3_bind_text(st, 1, it->brands[i], -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, it->id);
		if ((rc = sqlite3_step(st)) != SQLITE_DONE)
			return store_fail(s, rc, err, errlen, "insert brand");
	}
	return ES_OK;
}

static enum es_err
store_update_source(struct store *s, const struct store_fetch *f, size_t inserted, char *err,
		    size_t errlen)
{
	sqlite3_stmt *st = store_stmt(s, sql_source_update, err, errlen);
	int rc;

	if (!st)
		return ES_EDB;
	sqlite3_bind_int64(st, 1, f->source_id);
	sqlite3_bind_int(st, 2, f->ok);
	store_bind_text(st, 3, f->etag);
	store_bind_text(st, 4, f->last_modified);
	store_bind_time(st, 5, f->next_fetch_at);
	store_bind_time(st, 6, f->fetched_at ? f->fetched_at : when_now());
	if (f->status)
		sqlite3_bind_int(st, 7, f->status);
	else
		sqlite3_bind_null(st, 7);
	store_bind_text(st, 8, f->ok ? NULL : f->error ? f->error : "error");
	store_bind_text(st, 9, f->ok ? NULL : f->error_detail);
	sqlite3_bind_int64(st, 10, (sqlite3_int64)inserted);
	if ((rc = sqlite3_step(st)) != SQLITE_DONE)
		return store_fail(s, rc, err, errlen, "update source");
	if (sqlite3_changes(s->db) != 1)
		return es_error(ES_ENOTFOUND, err, errlen, "no source with id %lld",
				(long long)f->source_id);
	return ES_OK;
}

/* Runs one of the savepoint statements above. */
static enum es_err
store_savepoint_exec(struct store *s, const char *sql, char *err, size_t errlen)
{
	sqlite3_stmt *st = store_stmt(s, sql, err, errlen);
	int rc;

	if (!st)
		return ES_EDB;
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? ES_OK : store_fail(s, rc, err, errlen, sql);
}

/* Opens this ingest's transaction, or its savepoint inside the caller's. */
static enum es_err
ingest_open(struct store *s, bool nested, char *err, size_t errlen)
{
	return nested ? store_savepoint_exec(s, sql_savepoint, err, errlen)
		      : store_begin(s, err, errlen);
}

static enum es_err
ingest_close(struct store *s, bool nested, char *err, size_t errlen)
{
	return nested ? store_savepoint_exec(s, sql_release, err, errlen)
		      : store_commit(s, err, errlen);
}

/* Undoes this ingest.  NOTE: after some errors (disk full, I/O) SQLite has
 * already rolled back the caller's whole transaction; store_in_tx() then
 * says so. */
static void
ingest_undo(struct store *s, bool nested)
{
	if (!nested) {
		store_rollback(s);
		return;
	}
	if (store_in_tx(s)) {
		sqlite3_exec(s->db, sql_rollback_to, NULL, NULL, NULL);
		sqlite3_exec(s->db, sql_release, NULL, NULL, NULL);
	}
}

enum es_err
store_ingest(struct store *s, const struct store_fetch *f, struct store_item *items, size_t n,
	     struct store_ingest_result *res, char *err, size_t errlen)
{
	struct seen seen = { .t = f->fetched_at ? f->fetched_at : when_now() };
	bool nested = s->in_tx;
	size_t inserted = 0;
	enum es_err rc;

	if ((rc = ingest_open(s, nested, err, errlen)))
		return rc;
	when_fmt_iso(seen.t, seen.iso);
	for (size_t i = 0; i < n; i++) {
		if (!items[i].m->guid) {
			rc = es_error(ES_EINVAL, err, errlen, "mention without a guid");
			goto fail;
		}
		if ((rc = store_insert_mention(s, f->source_id, &seen, &items[i], err, errlen)))
			goto fail;
		if (items[i].id && (rc = store_insert_brands(s, &items[i], err, errlen)))
			goto fail;
		inserted += items[i].id != 0;
	}
	if ((rc = store_update_source(s, f, inserted, err, errlen)) ||
	    (rc = ingest_close(s, nested, err, errlen)))
		goto fail;
	if (res) {
		res->inserted = inserted;
		res->duplicates = n - inserted;
	}
	return ES_OK;
fail:
	ingest_undo(s, nested);
	for (size_t i = 0; i < n; i++)
		items[i].id = 0;
	return rc;
}
