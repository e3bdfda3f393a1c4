/* test_schema_doc.c - doc/schema.md cannot rot: every example query runs
 * through earshot query on the fixture database and must print exactly
 * the table written under it, and every table, view and column of the
 * schema is documented (and nothing else is). */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fixture.h"
#include "tests/test.h"

#define MIN_EXAMPLES 10

static const char *db;
static char *doc;

/* The text of the fenced block of kind fence ("```sql\n") at or after *p,
 * which must come next (only blank lines before it); advances *p.  NULL
 * when there is none. */
static char *
next_block(const char **p, const char *fence, int must_follow)
{
	const char *start = strstr(*p, fence), *end;

	if (!start || (must_follow && strspn(*p, "\n") != (size_t)(start - *p)))
		return NULL;
	start += strlen(fence);
	if (!(end = strstr(start, "```\n")))
		return NULL;
	*p = end + 4;
	return strndup(start, (size_t)(end - start));
}

static void
test_examples(void)
{
	const char *p = doc;
	char *sql;
	int n = 0;

	while ((sql = next_block(&p, "```sql\n", 0)) != NULL) {
		char *want = next_block(&p, "```text\n", 1), *out = NULL, *err = NULL;
		int rc;

		T_ASSERT(want != NULL);
		rc = t_earshot(sql, &out, &err, "-d", db, "query", "-", NULL);
		T_EQ_INT(rc, 0);
		T_EQ_STR(out, want);
		if (rc != 0 || !t_streq(out, want))
			fprintf(stderr, "  example %d:\n%s  stderr: %s\n", n + 1, sql, err);
		n++;
		free(sql);
		free(want);
		free(out);
		free(err);
	}
	fprintf(stderr, "  %d examples\n", n);
	T_ASSERT(n >= MIN_EXAMPLES);
}

/* The section of doc under "### name", up to the next heading. */
static char *
section(const char *name)
{
	char head[128];
	const char *s, *e, *e2;

	snprintf(head, sizeof(head), "\n### %s\n", name);
	if (!(s = strstr(doc, head)))
		return NULL;
	s += strlen(head);
	e = strstr(s, "\n### ");
	e2 = strstr(s, "\n## ");
	if (!e || (e2 && e2 < e))
		e = e2;
	return e ? strndup(s, (size_t)(e - s)) : strdup(s);
}

/* Checks that every column of object is a row of its section, and every
 * row of the section is a column.  Returns the columns found. */
static int
check_columns(sqlite3 *d, const char *object, const char *sec)
{
	sqlite3_stmt *st;
	int ncols = 0, nrows = 0;
	const char *p;

	sqlite3_prepare_v2(d, "SELECT name FROM pragma_table_info(?1)", -1, &st, NULL);
	sqlite3_bind_text(st, 1, object, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char row[160];

		snprintf(row, sizeof(row), "\n| `%s` |", (const char *)sqlite3_column_text(st, 0));
		if (!strstr(sec, row))
			fprintf(stderr, "  %s.%s is not documented\n", object,
				(const char *)sqlite3_column_text(st, 0));
		T_ASSERT(strstr(sec, row) != NULL);
		ncols++;
	}
	sqlite3_finalize(st);
	for (p = sec; (p = strstr(p, "\n| `")) != NULL; p++)
		nrows++;
	if (nrows != ncols)
		fprintf(stderr, "  %s: %d documented columns, %d in the schema\n", object, nrows,
			ncols);
	T_EQ_INT(nrows, ncols);
	return ncols;
}

static void
test_every_column_documented(void)
{
	sqlite3 *d;
	sqlite3_stmt *st;
	int objects = 0, cols = 0;

	T_EQ_INT(sqlite3_open_v2(db, &d, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_prepare_v2(d,
			   "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') "
			   "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'mentions_fts_%' "
			   "ORDER BY name", -1, &st, NULL);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		char *sec = section(name);

		if (!sec)
			fprintf(stderr, "  no \"### %s\" in doc/schema.md\n", name);
		T_ASSERT(sec != NULL);
		if (sec)
			cols += check_columns(d, name, sec);
		free(sec);
		objects++;
	}
	sqlite3_finalize(st);
	sqlite3_close(d);
	fprintf(stderr, "  %d tables and views, %d columns\n", objects, cols);
	T_EQ_INT(objects, 19);
}

int
main(void)
{
	const char *src = getenv("ES_SRC");
	char path[1024];

	snprintf(path, sizeof(path), "%s/doc/schema.md", src ? src : ".");
	if (!(doc = t_read_file(path, NULL))) {
		fprintf(stderr, "cannot read %s\n", path);
		return 1;
	}
	db = fixture_db("fixture.db", -1);
	T_RUN(test_examples);
	T_RUN(test_every_column_documented);
	free(doc);
	return t_report();
}
