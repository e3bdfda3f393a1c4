/* maint.c - retention, vacuum and integrity checks. */
#include "store/maint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/when.h"
#include "core/xalloc.h"
#include "store/store_int.h"

/* Deleting a mention deletes its mention_brands rows (ON DELETE CASCADE)
 * and its full-text rows (trigger mentions_fts_delete). */
static const char sql_retention[] =
	"DELETE FROM mentions WHERE id IN\n"
	"  (SELECT id FROM mentions WHERE counted_at < ?1 ORDER BY counted_at, id LIMIT ?2)";

/* What retention removes leaves a tombstone, so that a feed still listing
 * an old item does not store it again; tombstones go after one more
 * retention period. */
static const char sql_tombstone[] =
	"INSERT OR IGNORE INTO mention_tombstones (source_id, guid, deleted_at)\n"
	"SELECT source_id, guid, ?3 FROM mentions WHERE counted_at < ?1\n"
	"ORDER BY counted_at, id LIMIT ?2";
static const char sql_tombstone_expire[] =
	"DELETE FROM mention_tombstones WHERE deleted_at < ?1";

/* The external-content check (rank 1) compares the index with the mentions
 * table; without it a missing delete goes unnoticed. */
static const char sql_fts_check[] =
	"INSERT INTO mentions_fts(mentions_fts, rank) VALUES ('integrity-check', 1)";

static enum es_err
maint_exec(struct store *s, const char *sql, char *err, size_t errlen)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? ES_OK : store_fail(s, rc, err, errlen, sql);
}

static enum es_err
maint_writable(struct store *s, char *err, size_t errlen)
{
	if (s->mode != STORE_RW)
		return es_error(ES_EINVAL, err, errlen, "%s is open read-only", s->path);
	return ES_OK;
}

static enum es_err
maint_tombstones(struct store *s, int64_t cutoff, size_t batch, char *err, size_t errlen)
{
	sqlite3_stmt *st = store_stmt(s, sql_tombstone, err, errlen);
	int rc;

	if (!st)
		return ES_EDB;
	store_bind_time(st, 1, cutoff);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)batch);
	store_bind_time(st, 3, when_now());
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, rc, err, errlen, "retention");
	if (!(st = store_stmt(s, sql_tombstone_expire, err, errlen)))
		return ES_EDB;
	store_bind_time(st, 1, cutoff);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? ES_OK : store_fail(s, rc, err, errlen, "retention");
}

static enum es_err
maint_delete_old(struct store *s, int64_t cutoff, size_t batch, size_t *removed, char *err,
		 size_t errlen)
{
	sqlite3_stmt *st = store_stmt(s, sql_retention, err, errlen);
	int rc;

	if (!st)
		return ES_EDB;
	store_bind_time(st, 1, cutoff);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)batch);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, rc, err, errlen, "retention");
	*removed = (size_t)sqlite3_changes(s->db);
	return ES_OK;
}

enum es_err
store_retention_step(struct store *s, int64_t cutoff, size_t batch, size_t *removed, char *err,
		     size_t errlen)
{
	enum es_err rc;

	*removed = 0;
	if ((rc = maint_writable(s, err, errlen)))
		return rc;
	if (batch == 0 || cutoff <= 0)
		return es_error(ES_EINVAL, err, errlen, "retention needs a cutoff and a batch size");
	if ((rc = store_begin(s, err, errlen)))
		return rc;
	if ((rc = maint_tombstones(s, cutoff, batch, err, errlen)) ||
	    (rc = maint_delete_old(s, cutoff, batch, removed, err, errlen)) ||
	    (*removed && (rc = maint_exec(s, "PRAGMA incremental_vacuum", err, errlen))) ||
	    (rc = store_commit(s, err, errlen))) {
		store_rollback(s);
		*removed = 0;
		return rc;
	}
	return ES_OK;
}

static int64_t
maint_pragma(struct store *s, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int64_t
maint_file_size(const char *path, const char *suffix)
{
	char *p = xasprintf("%s%s", path, suffix);
	struct stat sb;
	int64_t n = stat(p, &sb) == 0 ? (int64_t)sb.st_size : 0;

	free(p);
	return n;
}

enum es_err
store_space(struct store *s, struct store_space *out, char *err, size_t errlen)
{
	out->page_size = maint_pragma(s, "PRAGMA page_size");
	out->pages = maint_pragma(s, "PRAGMA page_count");
	out->free_pages = maint_pragma(s, "PRAGMA freelist_count");
	if (out->page_size < 0 || out->pages < 0 || out->free_pages < 0)
		return store_fail(s, sqlite3_errcode(s->db), err, errlen, "page count");
	out->file_bytes = maint_file_size(s->path, "");
	out->wal_bytes = maint_file_size(s->path, "-wal");
	return ES_OK;
}

enum es_err
store_vacuum(struct store *s, bool full, char *err, size_t errlen)
{
	enum es_err rc;

	if ((rc = maint_writable(s, err, errlen)))
		return rc;
	if (full) {
		if ((rc = maint_exec(s, "INSERT INTO mentions_fts(mentions_fts) VALUES ('optimize')",
				     err, errlen)) ||
		    (rc = maint_exec(s, "VACUUM", err, errlen)))
			return rc;
	} else if ((rc = maint_exec(s, "PRAGMA incremental_vacuum", err, errlen))) {
		return rc;
	}
	return maint_exec(s, "PRAGMA wal_checkpoint(TRUNCATE)", err, errlen);
}

/* Runs a PRAGMA whose rows are problems, except a single "ok". */
static enum es_err
maint_check_rows(struct store *s, const char *what, const char *sql, store_check_fn fn, void *ctx,
		 size_t *problems, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL)) != SQLITE_OK)
		return store_fail(s, rc, err, errlen, what);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *first = (const char *)sqlite3_column_text(st, 0);
		char line[512];

		if (sqlite3_column_count(st) == 1 && first && strcmp(first, "ok") == 0)
			continue;
		if (sqlite3_column_count(st) == 1)
			snprintf(line, sizeof(line), "%s", first ? first : "?");
		else if (sqlite3_column_type(st, 1) == SQLITE_NULL) /* WITHOUT ROWID */
			snprintf(line, sizeof(line), "a %s row refers to a missing %s row",
				 first ? first : "?", (const char *)sqlite3_column_text(st, 2));
		else /* foreign_key_check: table, rowid, parent, fkid */
			snprintf(line, sizeof(line), "%s row %lld refers to a missing %s row",
				 first ? first : "?", (long long)sqlite3_column_int64(st, 1),
				 (const char *)sqlite3_column_text(st, 2));
		fn(what, line, ctx);
		(*problems)++;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? ES_OK : store_fail(s, rc, err, errlen, what);
}

static enum es_err
maint_check_fts(struct store *s, store_check_fn fn, void *ctx, size_t *problems, char *err,
		size_t errlen)
{
	int rc = sqlite3_exec(s->db, sql_fts_check, NULL, NULL, NULL);

	if (rc == SQLITE_OK)
		return ES_OK;
	if ((rc & 0xff) != SQLITE_CORRUPT)
		return store_fail(s, rc, err, errlen, "full-text check");
	fn("full-text index",
	   "mentions_fts does not match the mentions table (earshot db rebuild fixes it)", ctx);
	(*problems)++;
	return ES_OK;
}

enum es_err
store_check(struct store *s, store_check_fn fn, void *ctx, size_t *problems, char *err,
	    size_t errlen)
{
	enum es_err rc;

	*problems = 0;
	if ((rc = maint_writable(s, err, errlen)) ||
	    (rc = maint_check_rows(s, "integrity", "PRAGMA integrity_check", fn, ctx, problems,
				   err, errlen)) ||
	    (rc = maint_check_rows(s, "foreign keys", "PRAGMA foreign_key_check", fn, ctx,
				   problems, err, errlen)))
		return rc;
	return maint_check_fts(s, fn, ctx, problems, err, errlen);
}

enum es_err
store_fts_rebuild(struct store *s, char *err, size_t errlen)
{
	enum es_err rc;

	if ((rc = maint_writable(s, err, errlen)))
		return rc;
	return maint_exec(s, "INSERT INTO mentions_fts(mentions_fts) VALUES ('rebuild')", err,
			  errlen);
}
