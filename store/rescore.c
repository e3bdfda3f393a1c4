/* rescore.c - reading mentions scored by an older scorer, writing new scores. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

static const char sql_rescore_old[] =
	"SELECT id, title, text, rating FROM mentions WHERE id > ?1 AND scorer < ?2\n"
	"ORDER BY id LIMIT ?3";
static const char sql_rescore_all[] =
	"SELECT id, title, text, rating FROM mentions WHERE id > ?1 AND ?2 = ?2\n"
	"ORDER BY id LIMIT ?3";
static const char sql_rescore_update[] =
	"UPDATE mentions SET sentiment = ?2, label = ?3, scorer = ?4 WHERE id = ?1";

enum es_err
store_rescore_load(struct store *s, int version, bool all, int64_t *after,
		   struct store_rescore_item *items, size_t max, size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *st = store_stmt(s, all ? sql_rescore_all : sql_rescore_old, err, errlen);
	int rc;

	*n = 0;
	if (!st)
		return ES_EDB;
	sqlite3_bind_int64(st, 1, *after);
	sqlite3_bind_int(st, 2, version);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_rescore_item *it = &items[(*n)++];

		it->id = sqlite3_column_int64(st, 0);
		it->title = store_column_dup(st, 1);
		it->text = store_column_dup(st, 2);
		it->rating = sqlite3_column_type(st, 3) == SQLITE_NULL ? NAN
									: sqlite3_column_double(st, 3);
		it->sentiment = 0;
		it->label = 0;
		*after = it->id;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_rescore_reset(items, *n);
		*n = 0;
		return store_fail(s, rc, err, errlen, "rescore");
	}
	return ES_OK;
}

enum es_err
store_rescore_save(struct store *s, int version, const struct store_rescore_item *items, size_t n,
		   char *err, size_t errlen)
{
	enum es_err rc;

	if ((rc = store_begin(s, err, errlen)))
		return rc;
	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *st = store_stmt(s, sql_rescore_update, err, errlen);
		int src;

		if (!st) {
			rc = ES_EDB;
			break;
		}
		sqlite3_bind_int64(st, 1, items[i].id);
		sqlite3_bind_double(st, 2, items[i].sentiment);
		sqlite3_bind_text(st, 3, store_label_name(items[i].label), -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 4, version);
		if ((src = sqlite3_step(st)) != SQLITE_DONE) {
			rc = store_fail(s, src, err, errlen, "rescore");
			break;
		}
	}
	if (rc == ES_OK && (rc = store_commit(s, err, errlen)) == ES_OK)
		return ES_OK;
	store_rollback(s);
	return rc;
}

void
store_rescore_reset(struct store_rescore_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(items[i].title);
		free(items[i].text);
		items[i].title = items[i].text = NULL;
	}
}
