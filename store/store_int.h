/* store_int.h - for the files of store/ only: the connection and its statement cache. */
#ifndef ES_STORE_INT_H
#define ES_STORE_INT_H

#include <sqlite3.h>

#include "store/store.h"

#define STORE_MAX_STMTS 96
#define STORE_BUSY_MS 5000

struct store_stmt {
	const char *sql;     /* identity: the address of a static string */
	sqlite3_stmt *stmt;
};

struct store {
	sqlite3 *db;
	char *path;
	enum store_mode mode;
	int in_tx;
	int64_t fts_from;    /* first mention id inserted in this transaction; 0: none */
	struct store_stmt stmts[STORE_MAX_STMTS];
	size_t nstmts;
};

/* Returns the cached statement for the static string sql, prepared on first
 * use and reset (bindings cleared) on every call; NULL on a prepare error,
 * with the message in err. */
sqlite3_stmt *store_stmt(struct store *s, const char *sql, char *err, size_t errlen);
/* Notes that mention id was inserted in the open transaction: the commit
 * adds it to the full-text index. */
void store_fts_pending(struct store *s, int64_t id);
/* Maps an SQLite result code of s->db to an es_err and a message in err. */
enum es_err store_fail(struct store *s, int rc, char *err, size_t errlen, const char *what);
/* Binds t as ISO 8601 text, or NULL when t is 0. */
int store_bind_time(sqlite3_stmt *st, int idx, int64_t t);
/* Binds s as text, NULL as NULL. */
int store_bind_text(sqlite3_stmt *st, int idx, const char *s);
/* Reads an ISO 8601 column as Unix seconds (0 for NULL or bad text). */
int64_t store_column_time(sqlite3_stmt *st, int col);
/* Copies a text column (NULL stays NULL). */
char *store_column_dup(sqlite3_stmt *st, int col);

/* The VFS name for sqlite3_open_v2: NULL (the default) normally, or one
 * whose clock is when_now() while the clock is shifted (EARSHOT_NOW), so
 * that date('now') in SQL agrees with earshot; clock.c. */
const char *store_vfs(void);

/* The migrations, in order; schema.c. */
struct store_migration {
	int version;
	const char *sql;
};
extern const struct store_migration store_migrations[];
extern const size_t store_nmigrations;

#endif
