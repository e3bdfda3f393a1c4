/* maint.h - keeping the database small and sound: retention, vacuum and
 * integrity checks (earshot run and earshot db).
 *
 * The database is created with auto_vacuum = INCREMENTAL, so pages freed
 * by deletes can be handed back to the file system without rewriting the
 * file.  All of these need a store opened STORE_RW. */
#ifndef ES_MAINT_H
#define ES_MAINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

#define MAINT_RETENTION_BATCH 500 /* mentions one retention step deletes by default */

/* Deletes at most batch mentions counted before cutoff (Unix s), oldest
 * first, with their brand rows and full-text rows, then returns the freed
 * pages to the file system (PRAGMA incremental_vacuum), all in one short
 * write transaction.  *removed receives how many mentions went.
 *
 * The daemon calls it from its loop, e.g. once a minute:
 *     cutoff = when_now() - conf->global.retention / 1000;
 *     store_retention_step(s, cutoff, MAINT_RETENTION_BATCH, &n, err, len);
 * and again at once while n == batch, yielding to fetches in between, so
 * the writer lock is never held for long. */
enum es_err store_retention_step(struct store *s, int64_t cutoff, size_t batch, size_t *removed,
				 char *err, size_t errlen);

/* The size of the database. */
struct store_space {
	int64_t page_size;
	int64_t pages;        /* pages in the database */
	int64_t free_pages;   /* of which unused */
	int64_t file_bytes;   /* size of the file on disk */
	int64_t wal_bytes;    /* size of the -wal file (0 when none) */
};

enum es_err store_space(struct store *s, struct store_space *out, char *err, size_t errlen);

/* Hands free pages back to the file system and truncates the WAL.  full
 * also merges the full-text index into one segment and rewrites the file
 * (VACUUM): slower, needs free disk as large as the file, and blocks the
 * daemon's writes while it runs. */
enum es_err store_vacuum(struct store *s, bool full, char *err, size_t errlen);

/* Receives one problem found by store_check(). */
typedef void (*store_check_fn)(const char *what, const char *problem, void *ctx);

/* Runs PRAGMA integrity_check, PRAGMA foreign_key_check and the FTS5
 * integrity-check of mentions_fts against the mentions table, calling fn
 * for every problem; *problems receives how many.  ES_OK when the checks
 * ran (whether or not they found problems). */
enum es_err store_check(struct store *s, store_check_fn fn, void *ctx, size_t *problems,
			char *err, size_t errlen);

/* Rebuilds the full-text index from the mentions table. */
enum es_err store_fts_rebuild(struct store *s, char *err, size_t errlen);

#endif
