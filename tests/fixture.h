/* fixture.h - the analyst tests' shared setup: the fixture database that
 * tests/tool_fixturedb.c writes, and the clock it is "as of". */
#ifndef ES_TEST_FIXTURE_H
#define ES_TEST_FIXTURE_H

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "tests/test.h"

#define FIXTURE_NOW "2026-11-18T10:30:00Z"

/* Writes the fixture database to t_tmp(name) (with --bulk n when n >= 0),
 * sets EARSHOT_NOW for the earshot runs that follow, and returns the path.
 * Exits the test when the tool fails. */
static inline const char *
fixture_db(const char *name, long bulk)
{
	const char *tool = getenv("ES_FIXTUREDB");
	static char path[1024];
	char n[32], *err = NULL;
	int rc;

	snprintf(path, sizeof(path), "%s", t_tmp(name));
	snprintf(n, sizeof(n), "%ld", bulk);
	{
		char *argv[] = { (char *)(tool ? tool : "es_fixturedb"), path,
				 bulk >= 0 ? (char *)"--bulk" : NULL, n, NULL };

		rc = t_run_argv(argv, NULL, NULL, &err);
	}
	if (rc != 0) {
		fprintf(stderr, "es_fixturedb failed (%d): %s\n", rc, err ? err : "");
		exit(99);
	}
	free(err);
	setenv("EARSHOT_NOW", FIXTURE_NOW, 1);
	return path;
}

/* The first column of the first row of sql on the database at path, read
 * directly with SQLite (to check earshot's answers independently). */
static inline int64_t
fixture_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return -2;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	} else {
		fprintf(stderr, "fixture_int: %s: %s\n", sql, sqlite3_errmsg(db));
	}
	sqlite3_close(db);
	return v;
}

#endif
