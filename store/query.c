/* query.c - read-only SQL from people (earshot query). */
#include "store/query.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/when.h"
#include "core/xalloc.h"
#include "store/store_int.h"

#define QUERY_PROGRESS_OPS 10000 /* VM steps between two deadline checks */
/* Bytes of one string or blob a query may build.  NOTE: one VM step that
 * builds a huge value (s || s doubling in a recursive CTE, printf('%.*c',
 * n), randomblob(n)) runs between two progress checks, so without this cap
 * such a query ran far past its budget in gigabytes of memory; stored
 * values are far smaller (a mention's text is at most 64 KiB). */
#define QUERY_MAX_VALUE (16 * 1024 * 1024)

struct query {
	struct store *s;
	sqlite3_stmt *st;
	int64_t deadline;      /* monotonic ms; 0: none */
	int timed_out;
	int denied_action;     /* the first action the authorizer refused */
	char denied_what[64];
};

/* PRAGMAs that only read, and may be run with an argument naming a table. */
static const char *const query_pragmas_arg[] = {
	"table_info", "table_xinfo", "index_list", "index_info", "index_xinfo",
	"foreign_key_list",
};
/* PRAGMAs that only read when run without a value. */
static const char *const query_pragmas_bare[] = {
	"user_version", "schema_version", "compile_options", "database_list", "table_list",
	"function_list", "page_count", "page_size", "freelist_count", "journal_mode",
	"application_id", "encoding", "data_version",
};

static int
query_in(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (name && strcasecmp(name, list[i]) == 0)
			return 1;
	return 0;
}

static int
query_pragma_ok(const char *name, const char *arg)
{
	if (query_in(name, query_pragmas_arg, sizeof(query_pragmas_arg) / sizeof(char *)))
		return 1;
	return !arg &&
	       query_in(name, query_pragmas_bare, sizeof(query_pragmas_bare) / sizeof(char *));
}

static int
query_authorize(void *ctx, int action, const char *a1, const char *a2, const char *db,
		const char *trigger)
{
	struct query *q = ctx;
	int ok;

	(void)db;
	(void)trigger;
	switch (action) {
	case SQLITE_SELECT:
	case SQLITE_READ:
	case SQLITE_RECURSIVE:
		ok = 1;
		break;
	case SQLITE_FUNCTION:
		ok = !a2 || (strcasecmp(a2, "load_extension") != 0 &&
			     strcasecmp(a2, "fts3_tokenizer") != 0);
		break;
	case SQLITE_PRAGMA:
		ok = query_pragma_ok(a1, a2);
		break;
	case SQLITE_UPDATE:
		/* NOTE: SQLite asks this while connecting a virtual table (FTS5,
		 * pragma_table_info()); it writes nothing.  A user's UPDATE of the
		 * schema is still refused: the statement is not read-only, which
		 * query_prepare() checks, and the connection is read-only. */
		ok = a1 && (strcmp(a1, "sqlite_master") == 0 || strcmp(a1, "sqlite_temp_master") == 0);
		break;
	default:
		ok = 0;
	}
	if (!ok && !q->denied_action) {
		q->denied_action = action;
		snprintf(q->denied_what, sizeof(q->denied_what), "%s", a1 ? a1 : a2 ? a2 : "");
	}
	return ok ? SQLITE_OK : SQLITE_DENY;
}

static int
query_progress(void *ctx)
{
	struct query *q = ctx;

	if (q->deadline && when_mono_ms() > q->deadline) {
		q->timed_out = 1;
		return 1;
	}
	return 0;
}

static const char *
query_denied_reason(int action)
{
	switch (action) {
	case SQLITE_INSERT:
	case SQLITE_UPDATE:
	case SQLITE_DELETE:
	case SQLITE_CREATE_TABLE:
	case SQLITE_CREATE_INDEX:
	case SQLITE_CREATE_VIEW:
	case SQLITE_CREATE_TRIGGER:
	case SQLITE_CREATE_TEMP_TABLE:
	case SQLITE_CREATE_TEMP_INDEX:
	case SQLITE_CREATE_TEMP_VIEW:
	case SQLITE_CREATE_TEMP_TRIGGER:
	case SQLITE_CREATE_VTABLE:
	case SQLITE_DROP_TABLE:
	case SQLITE_DROP_INDEX:
	case SQLITE_DROP_VIEW:
	case SQLITE_DROP_TRIGGER:
	case SQLITE_DROP_TEMP_TABLE:
	case SQLITE_DROP_TEMP_INDEX:
	case SQLITE_DROP_TEMP_VIEW:
	case SQLITE_DROP_TEMP_TRIGGER:
	case SQLITE_DROP_VTABLE:
	case SQLITE_ALTER_TABLE:
	case SQLITE_REINDEX:
	case SQLITE_ANALYZE:
		return "earshot query is read-only: it cannot change the database";
	case SQLITE_ATTACH:
	case SQLITE_DETACH:
		return "earshot query cannot ATTACH or DETACH other databases";
	case SQLITE_PRAGMA:
		return "earshot query allows only PRAGMAs that read (table_info, user_version, ...)";
	case SQLITE_FUNCTION:
		return "earshot query does not allow that function";
	case SQLITE_TRANSACTION:
	case SQLITE_SAVEPOINT:
		return "earshot query runs one statement; transactions are not needed";
	default:
		return "earshot query refused this statement";
	}
}

/* True when only white space and comments follow. */
static int
query_rest_empty(const char *s)
{
	while (*s) {
		if (isspace((unsigned char)*s) || *s == ';') {
			s++;
		} else if (s[0] == '-' && s[1] == '-') {
			s += strcspn(s, "\n");
		} else if (s[0] == '/' && s[1] == '*') {
			const char *e = strstr(s + 2, "*/");

			if (!e)
				return 1;
			s = e + 2;
		} else {
			return 0;
		}
	}
	return 1;
}

enum es_err
query_prepare(struct store *s, const char *sql, int64_t timeout_ms, struct query **out, char *err,
	      size_t errlen)
{
	struct query *q = xcalloc(1, sizeof(*q));
	const char *tail = NULL;
	enum es_err rc;
	int src;

	q->s = s;
	q->deadline = timeout_ms > 0 ? when_mono_ms() + timeout_ms : 0;
	sqlite3_limit(s->db, SQLITE_LIMIT_ATTACHED, 0);
	sqlite3_limit(s->db, SQLITE_LIMIT_LENGTH, QUERY_MAX_VALUE);
	sqlite3_set_authorizer(s->db, query_authorize, q);
	sqlite3_progress_handler(s->db, QUERY_PROGRESS_OPS, query_progress, q);
	src = sqlite3_prepare_v2(s->db, sql, -1, &q->st, &tail);
	if (src != SQLITE_OK || !q->st) {
		if (q->denied_action)
			rc = es_error(ES_EDENIED, err, errlen, "%s (%s)",
				      query_denied_reason(q->denied_action), q->denied_what);
		else if (src == SQLITE_OK)
			rc = es_error(ES_EINVAL, err, errlen, "no SQL statement given");
		else
			rc = es_error(ES_EPARSE, err, errlen, "%s", sqlite3_errmsg(s->db));
		query_free(q);
		return rc;
	}
	if (tail && !query_rest_empty(tail)) {
		query_free(q);
		return es_error(ES_EINVAL, err, errlen,
				"only one SQL statement at a time (found more after the first)");
	}
	if (!sqlite3_stmt_readonly(q->st)) {
		query_free(q);
		return es_error(ES_EDENIED, err, errlen, "%s",
				query_denied_reason(SQLITE_INSERT));
	}
	*out = q;
	return ES_OK;
}

enum es_err
query_next(struct query *q, char *err, size_t errlen)
{
	int rc = sqlite3_step(q->st);

	if (rc == SQLITE_ROW)
		return ES_OK;
	if (rc == SQLITE_DONE)
		return ES_STOP;
	if (q->timed_out)
		return es_error(ES_ETIMEOUT, err, errlen, "query stopped: it ran past its time limit");
	return es_error(ES_EDB, err, errlen, "%s", sqlite3_errmsg(q->s->db));
}

int
query_columns(const struct query *q)
{
	return sqlite3_column_count(q->st);
}

const char *
query_column_name(const struct query *q, int col)
{
	const char *n = sqlite3_column_name(q->st, col);

	return n ? n : "?";
}

enum query_type
query_column_type(const struct query *q, int col)
{
	switch (sqlite3_column_type(q->st, col)) {
	case SQLITE_INTEGER: return QUERY_INT;
	case SQLITE_FLOAT: return QUERY_REAL;
	case SQLITE_TEXT: return QUERY_TEXT;
	case SQLITE_BLOB: return QUERY_BLOB;
	default: return QUERY_NULL;
	}
}

const char *
query_column_text(struct query *q, int col, size_t *len)
{
	const char *t = (const char *)sqlite3_column_text(q->st, col);

	if (len)
		*len = (size_t)sqlite3_column_bytes(q->st, col);
	return t;
}

double
query_column_double(struct query *q, int col)
{
	return sqlite3_column_double(q->st, col);
}

int64_t
query_column_int(struct query *q, int col)
{
	return sqlite3_column_int64(q->st, col);
}

void
query_free(struct query *q)
{
	if (!q)
		return;
	sqlite3_finalize(q->st);
	sqlite3_set_authorizer(q->s->db, NULL, NULL);
	sqlite3_progress_handler(q->s->db, 0, NULL, NULL);
	free(q);
}
