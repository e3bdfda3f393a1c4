/* store.c - opening, migrating and the plumbing every store file shares.
 *
 * Durability: WAL with synchronous=NORMAL.  A commit survives a crash of
 * the process (kill -9) always; after a power loss the last commits may
 * roll back.  That is safe here because everything such a rollback loses
 * is redone: a source's fetch state rolls back together with its mentions
 * (so they are fetched again), alert decisions are recomputed from the
 * mentions, and a delivery marked as sent rolls back to pending and is
 * resent with the same idempotency key. */
#include "store/store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/when.h"
#include "core/xalloc.h"

#define STORE_APPLICATION_ID 0x45415253 /* "EARS" */

int
store_schema_version(void)
{
	return store_migrations[store_nmigrations - 1].version;
}

enum es_err
store_fail(struct store *s, int rc, char *err, size_t errlen, const char *what)
{
	const char *msg = s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);

	switch (rc & 0xff) {
	case SQLITE_FULL:
		return es_error(ES_EFULL, err, errlen, "%s: disk full (%s)", what, msg);
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return es_error(ES_EBUSY, err, errlen, "%s: database is locked (%s)", what, msg);
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
		return es_error(ES_EIO, err, errlen, "%s: %s", what, msg);
	default:
		return es_error(ES_EDB, err, errlen, "%s: %s", what, msg);
	}
}

sqlite3_stmt *
store_stmt(struct store *s, const char *sql, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc;

	for (size_t i = 0; i < s->nstmts; i++) {
		if (s->stmts[i].sql == sql) {
			st = s->stmts[i].stmt;
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return st;
		}
	}
	rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK) {
		store_fail(s, rc, err, errlen, "prepare");
		return NULL;
	}
	if (s->nstmts < STORE_MAX_STMTS) {
		s->stmts[s->nstmts].sql = sql;
		s->stmts[s->nstmts].stmt = st;
		s->nstmts++;
	}
	/* NOTE: with the cache full the statement would leak; the cache is sized
	 * above the number of distinct statements in store/, so this is a bug
	 * worth knowing about in tests. */
	return st;
}

int
store_bind_time(sqlite3_stmt *st, int idx, int64_t t)
{
	char iso[WHEN_ISOLEN];

	if (t == 0)
		return sqlite3_bind_null(st, idx);
	return sqlite3_bind_text(st, idx, when_fmt_iso(t, iso), -1, SQLITE_TRANSIENT);
}

int
store_bind_text(sqlite3_stmt *st, int idx, const char *str)
{
	if (!str)
		return sqlite3_bind_null(st, idx);
	return sqlite3_bind_text(st, idx, str, -1, SQLITE_STATIC);
}

int64_t
store_column_time(sqlite3_stmt *st, int col)
{
	const char *txt = (const char *)sqlite3_column_text(st, col);
	int64_t t;

	if (!txt || when_parse_iso(txt, &t) != ES_OK)
		return 0;
	return t;
}

char *
store_column_dup(sqlite3_stmt *st, int col)
{
	const unsigned char *txt = sqlite3_column_text(st, col);

	return txt ? xstrdup((const char *)txt) : NULL;
}

static enum es_err
store_exec(struct store *s, const char *sql, char *err, size_t errlen, const char *what)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? ES_OK : store_fail(s, rc, err, errlen, what);
}

static int
store_pragma_int(struct store *s, const char *sql)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

enum es_err
store_begin(struct store *s, char *err, size_t errlen)
{
	enum es_err rc = store_exec(s, "BEGIN IMMEDIATE", err, errlen, "begin");

	if (rc == ES_OK)
		s->in_tx = 1;
	return rc;
}

/* Every mention inserted in this transaction, into the full-text index at
 * once.  Mention ids only grow within a transaction (one writer, rowid =
 * max + 1), so "id >= the first" is exactly this transaction's rows, less
 * those a rolled-back savepoint took away.  One statement means one FTS5
 * segment per commit; see schema.c, version 2. */
static const char sql_fts_index[] =
	"INSERT INTO mentions_fts (rowid, title, text)\n"
	"SELECT id, title, text FROM mentions WHERE id >= ?1";

void
store_fts_pending(struct store *s, int64_t id)
{
	if (!s->fts_from || id < s->fts_from)
		s->fts_from = id;
}

static enum es_err
store_fts_flush(struct store *s, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc;

	if (!s->fts_from)
		return ES_OK;
	if (!(st = store_stmt(s, sql_fts_index, err, errlen)))
		return ES_EDB;
	sqlite3_bind_int64(st, 1, s->fts_from);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, rc, err, errlen, "full-text index");
	s->fts_from = 0;
	return ES_OK;
}

enum es_err
store_commit(struct store *s, char *err, size_t errlen)
{
	enum es_err rc = store_fts_flush(s, err, errlen);

	if (rc == ES_OK)
		rc = store_exec(s, "COMMIT", err, errlen, "commit");
	if (rc == ES_OK)
		s->in_tx = 0;
	return rc;
}

bool
store_in_tx(struct store *s)
{
	/* SQLite ends a transaction by itself after some errors: follow it. */
	if (s->in_tx && sqlite3_get_autocommit(s->db)) {
		s->in_tx = 0;
		s->fts_from = 0;
	}
	return s->in_tx;
}

void
store_rollback(struct store *s)
{
	if (!s->in_tx)
		return;
	/* A failed COMMIT (disk full) leaves the transaction open: end it. */
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->in_tx = 0;
	s->fts_from = 0;
}

/* Applies each migration newer than the file's version, one transaction
 * each. */
static enum es_err
store_migrate(struct store *s, int have, char *err, size_t errlen)
{
	enum es_err rc;

	for (size_t i = 0; i < store_nmigrations; i++) {
		const struct store_migration *m = &store_migrations[i];
		char pragma[64];

		if (m->version <= have)
			continue;
		if ((rc = store_begin(s, err, errlen)))
			return rc;
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", m->version);
		if ((rc = store_exec(s, m->sql, err, errlen, "migrate")) ||
		    (rc = store_exec(s, pragma, err, errlen, "migrate")) ||
		    (rc = store_commit(s, err, errlen))) {
			store_rollback(s);
			return rc;
		}
	}
	return ES_OK;
}

/* Checks the file is ours and not from the future; migrates when writable. */
static enum es_err
store_check_schema(struct store *s, char *err, size_t errlen)
{
	int version = store_pragma_int(s, "PRAGMA user_version");
	int appid = store_pragma_int(s, "PRAGMA application_id");
	int tables = store_pragma_int(s, "SELECT count(*) FROM sqlite_schema");
	enum es_err rc;

	if (version < 0 || appid < 0 || tables < 0)
		return store_fail(s, sqlite3_errcode(s->db), err, errlen, s->path);
	if (version > store_schema_version())
		return es_error(ES_EVERSION, err, errlen,
				"%s was written by a newer earshot (schema version %d; this earshot "
				"knows up to %d): upgrade earshot",
				s->path, version, store_schema_version());
	if ((version > 0 || tables > 0) && appid != STORE_APPLICATION_ID)
		return es_error(ES_EINVAL, err, errlen, "%s is not an earshot database", s->path);
	if (version == store_schema_version())
		return ES_OK;
	if (s->mode == STORE_RO)
		return es_error(ES_EVERSION, err, errlen,
				"%s has schema version %d, older than this earshot's %d: run "
				"earshot once (or any command that writes) to upgrade it",
				s->path, version, store_schema_version());
	if (version == 0) {
		char pragma[64];

		snprintf(pragma, sizeof(pragma), "PRAGMA application_id = %d", STORE_APPLICATION_ID);
		if ((rc = store_exec(s, pragma, err, errlen, "create")))
			return rc;
	}
	return store_migrate(s, version, err, errlen);
}

static enum es_err
store_configure(struct store *s, char *err, size_t errlen)
{
	enum es_err rc;

	sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	if ((rc = store_exec(s, "PRAGMA foreign_keys = ON", err, errlen, s->path)))
		return rc;
	if (s->mode == STORE_RO)
		return store_exec(s, "PRAGMA query_only = 1", err, errlen, s->path);
	/* auto_vacuum only takes effect before the first table is created. */
	if (store_pragma_int(s, "SELECT count(*) FROM sqlite_schema") == 0 &&
	    (rc = store_exec(s, "PRAGMA auto_vacuum = INCREMENTAL", err, errlen, s->path)))
		return rc;
	if ((rc = store_exec(s, "PRAGMA journal_mode = WAL", err, errlen, s->path)) ||
	    (rc = store_exec(s, "PRAGMA synchronous = NORMAL", err, errlen, s->path)) ||
	    (rc = store_exec(s, "PRAGMA journal_size_limit = 67108864", err, errlen, s->path)))
		return rc;
	/* Statement and savepoint journals in memory, not in files under
	 * /var/tmp: each source in a batch is a savepoint, and every page it
	 * first touches was copied to such a file (strace of a cold crawl of
	 * 1,000 feeds: 368,645 pwrite calls, 87,395 with this).  They hold at
	 * most the pages of one source's savepoint or one statement. */
	if ((rc = store_exec(s, "PRAGMA temp_store = MEMORY", err, errlen, s->path)))
		return rc;
	/* Checkpoint when the log holds STORE_WAL_MAX bytes rather than
	 * SQLite's default 1,000 pages: each checkpoint syncs the log and the
	 * file (two fdatasync), and a cold crawl of 1,000 feeds writes some
	 * 40,000 pages of log. */
	if ((rc = store_exec(s, "PRAGMA wal_autocheckpoint = 4096", err, errlen, s->path)))
		return rc;
	return ES_OK;
}

enum es_err
store_open(const char *path, enum store_mode mode, struct store **out, char *err, size_t errlen)
{
	struct store *s = xcalloc(1, sizeof(*s));
	int flags = mode == STORE_RO ? SQLITE_OPEN_READONLY
				     : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	enum es_err rc;
	int src;

	s->path = xstrdup(path);
	s->mode = mode;
	src = sqlite3_open_v2(path, &s->db, flags | SQLITE_OPEN_NOMUTEX, store_vfs());
	if (src != SQLITE_OK) {
		rc = mode == STORE_RO && (src & 0xff) == SQLITE_CANTOPEN
			     ? es_error(ES_ENOTFOUND, err, errlen,
					"%s: no database there (earshot once creates it)", path)
			     : store_fail(s, src, err, errlen, path);
		store_close(s);
		return rc;
	}
	if ((rc = store_configure(s, err, errlen)) || (rc = store_check_schema(s, err, errlen))) {
		store_close(s);
		return rc;
	}
	*out = s;
	return ES_OK;
}

void
store_close(struct store *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nstmts; i++)
		sqlite3_finalize(s->stmts[i].stmt);
	if (s->db) {
		if (s->mode == STORE_RW)
			sqlite3_exec(s->db, "PRAGMA optimize", NULL, NULL, NULL);
		sqlite3_close_v2(s->db);
	}
	free(s->path);
	free(s);
}

enum es_err
store_checkpoint(struct store *s, char *err, size_t errlen)
{
	char wal[4096];
	struct stat st;
	int busy = 0, logged = 0, moved = 0, rc;

	snprintf(wal, sizeof(wal), "%s-wal", s->path);
	if (stat(wal, &st) != 0 || st.st_size <= STORE_WAL_MAX)
		return ES_OK;
	/* NOTE: TRUNCATE waits in the busy handler for readers of older
	 * snapshots; with STORE_BUSY_MS that would hold the writer 5 s after
	 * every ingest for as long as a reader stays open.  It copies what it
	 * can, then gives up at once, and the next call tries again. */
	sqlite3_busy_timeout(s->db, 0);
	rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, &logged, &moved);
	sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
	busy = (rc & 0xff) == SQLITE_BUSY;
	if (rc != SQLITE_OK && !busy)
		return store_fail(s, rc, err, errlen, "checkpoint");
	if (busy)
		return es_error(ES_EBUSY, err, errlen,
				"checkpoint: a reader holds the write-ahead log (%lld bytes)",
				(long long)st.st_size);
	return ES_OK;
}

const char *
store_path(const struct store *s)
{
	return s->path;
}

const char *
store_label_name(int label)
{
	return label < 0 ? "negative" : label > 0 ? "positive" : "neutral";
}
