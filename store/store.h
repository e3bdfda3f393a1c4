/* store.h - the SQLite store: mentions, per-source fetch state, alerts.
 *
 * store/ is the only module that speaks SQL.  Everything here goes through
 * prepared statements with bound parameters.  Times are Unix seconds in the
 * API and ISO 8601 UTC text ("2026-11-22T07:46:00Z") in the database, so
 * that analysts can write WHERE published_at >= '2026-11-01'.
 *
 * A struct store is one connection; it is not thread-safe.  The daemon has
 * one writer; readers (earshot query, search, stats) open their own. */
#ifndef ES_STORE_H
#define ES_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "parsers/mention.h"

struct store;

enum store_mode {
	STORE_RW,   /* create if missing, migrate to the current schema */
	STORE_RO,   /* read-only; the file must exist */
};

/* The schema version this binary writes (PRAGMA user_version). */
int store_schema_version(void);

/* Opens (and in STORE_RW mode creates and migrates) the database at path.
 * ES_EVERSION when the file comes from a newer earshot, ES_EINVAL when it
 * is not an earshot database, ES_EDB/ES_EIO otherwise; detail in err.
 * On success *out is the store, freed with store_close(). */
enum es_err store_open(const char *path, enum store_mode mode, struct store **out, char *err,
		       size_t errlen);
/* Finalises statements and closes; NULL is a no-op. */
void store_close(struct store *s);
const char *store_path(const struct store *s);

/* Keeps the write-ahead log small: when the -wal file has grown past
 * STORE_WAL_MAX bytes (a reader held it open, say), checkpoints it with
 * TRUNCATE.  Cheap when there is nothing to do; the daemon calls it after
 * ingests.  ES_EBUSY when a reader still holds old pages: try again later. */
#define STORE_WAL_MAX (16 * 1024 * 1024)
enum es_err store_checkpoint(struct store *s, char *err, size_t errlen);

/* A write transaction (BEGIN IMMEDIATE, so it never fails later with a
 * busy snapshot).  store_rollback() is a no-op outside a transaction. */
enum es_err store_begin(struct store *s, char *err, size_t errlen);
enum es_err store_commit(struct store *s, char *err, size_t errlen);
void store_rollback(struct store *s);
/* Whether a transaction opened by store_begin() is still open: false once
 * SQLite has rolled it back by itself (after a disk-full or I/O error). */
bool store_in_tx(struct store *s);

/* ---- sources ---- */

/* One row of the sources table.  Strings are owned by the struct and freed
 * by store_source_reset(); times are Unix seconds, 0 when never. */
struct store_source {
	int64_t id;
	char *name;
	char *url;
	char *etag;
	char *last_modified;
	int64_t next_fetch_at;
	int64_t last_fetch_at;
	int64_t last_success_at;
	int64_t failing_since;
	int64_t last_new_at;
	int last_status;          /* HTTP status of the last fetch, 0 when none */
	char *last_error;         /* error class of the last fetch; NULL when it worked */
	char *last_error_detail;
	int64_t failures;         /* consecutive failed fetches */
	int64_t health_alerted_at;/* when ops_notify last heard of this failure streak */
};

void store_source_reset(struct store_source *src);

/* Makes sure a row exists for the configured source name with this url and
 * loads its state into out (which the caller resets).  When the url changed
 * since the last run, the stored validators (ETag, Last-Modified) are
 * dropped, since they belong to the old address. */
enum es_err store_source_sync(struct store *s, const char *name, const char *url,
			      struct store_source *out, char *err, size_t errlen);
/* Loads the row of one source; ES_ENOTFOUND when there is none. */
enum es_err store_source_get(struct store *s, const char *name, struct store_source *out,
			     char *err, size_t errlen);

/* ---- ingest ---- */

/* The new state of a source after one fetch. */
struct store_fetch {
	int64_t source_id;
	int64_t fetched_at;        /* when the fetch ended */
	bool ok;                   /* the fetch worked (200 parsed, or 304) */
	int status;                /* HTTP status, 0 when none */
	const char *etag;          /* validators to send next time; NULL keeps none */
	const char *last_modified;
	int64_t next_fetch_at;
	const char *error;         /* error class when !ok ("timeout", "http_5xx", ...) */
	const char *error_detail;  /* a human sentence; no secrets */
};

/* One mention to store, with what analysis said of it. */
struct store_item {
	const struct mention *m;
	double sentiment;          /* compound score in -1..1 */
	int label;                 /* -1 negative, 0 neutral, 1 positive */
	int scorer;                /* version of the scorer that gave it */
	const char *const *brands; /* names of the brands it matched */
	size_t nbrands;
	int64_t id;                /* out: new row id, 0 when already stored */
};

struct store_ingest_result {
	size_t inserted;
	size_t duplicates;
};

/* Stores the mentions of one fetch and the source's new state in one
 * transaction: either all of it is committed or none of it.  Inside a
 * transaction the caller opened with store_begin() (several sources in one
 * commit, which is much cheaper than one commit each), it takes a savepoint
 * instead: on failure only this fetch is undone and the caller's
 * transaction goes on, unless SQLite ended it (check store_in_tx(): then
 * every fetch stored in it is lost, and must be reported as failed); on
 * success this fetch is durable only when the caller commits.  A mention
 * already stored for this source (same guid) is counted as a duplicate and
 * changes nothing.  Each mention is counted in time at min(published, first
 * seen), or at first seen when it has no date or a date in the future.
 * Returns ES_EFULL when the disk is full, ES_EBUSY when another writer held
 * the lock past the busy timeout; on any failure nothing was changed. */
enum es_err store_ingest(struct store *s, const struct store_fetch *f, struct store_item *items,
			 size_t n, struct store_ingest_result *res, char *err, size_t errlen);

/* "negative", "neutral", "positive" for -1, 0, 1. */
const char *store_label_name(int label);


/* ---- rescoring ---- */

/* What the rescorer needs of a stored mention, and what it gives back. */
struct store_rescore_item {
	int64_t id;
	char *title, *text;   /* owned by the batch */
	double rating;        /* NAN when none */
	double sentiment;     /* out */
	int label;            /* out: -1, 0, 1 */
};

/* Loads up to max mentions with id > *after whose scorer is older than
 * version (every mention when all), in id order, into items (the caller's
 * array of max); sets *n and moves *after to the last id.  *n == 0 means
 * there are no more.  Free the strings with store_rescore_reset(). */
enum es_err store_rescore_load(struct store *s, int version, bool all, int64_t *after,
			       struct store_rescore_item *items, size_t max, size_t *n, char *err,
			       size_t errlen);
/* Writes the scores of n items, stamped with version, in one transaction. */
enum es_err store_rescore_save(struct store *s, int version, const struct store_rescore_item *items,
			       size_t n, char *err, size_t errlen);
void store_rescore_reset(struct store_rescore_item *items, size_t n);

#endif
