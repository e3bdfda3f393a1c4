/* test_query.c - earshot query: read-only for certain, and its three
 * output formats (run as a user would, through the binary). */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/store.h"
#include "tests/test.h"

static const char *db;

static void
setup(void)
{
	char err[ES_ERRLEN];
	struct store *s;
	struct store_source src = { 0 };
	struct mention m[3];
	struct store_item items[3];
	struct store_fetch f;
	static const char *const brands[] = { "acme" };

	db = t_tmp("q.db");
	for (int i = 0; i < 3; i++) {
		mention_init(&m[i]);
		items[i] = (struct store_item){ .m = &m[i], .brands = brands, .nbrands = 1 };
	}
	m[0].guid = "1";
	m[0].title = "Hello, \"world\"";
	m[0].text = "line one\nline two";
	m[1].guid = "2";
	m[1].title = "Tab\there and a backslash \\ and é";
	m[1].text = "refund please";
	m[2].guid = "3";
	m[2].title = "plain";
	m[2].text = "nothing";
	items[1].label = -1;
	items[1].sentiment = -0.5;
	if (store_open(db, STORE_RW, &s, err, sizeof(err)) ||
	    store_source_sync(s, "src", "http://s/", &src, err, sizeof(err))) {
		fprintf(stderr, "setup: %s\n", err);
		exit(99);
	}
	f = (struct store_fetch){ .source_id = src.id, .ok = true };
	if (store_ingest(s, &f, items, 3, NULL, err, sizeof(err)))
		exit(99);
	store_source_reset(&src);
	store_close(s);
}

static int
count_mentions(void)
{
	sqlite3 *d;
	sqlite3_stmt *st;
	int n = -1;

	sqlite3_open_v2(db, &d, SQLITE_OPEN_READONLY, NULL);
	sqlite3_prepare_v2(d, "SELECT count(*) FROM mentions", -1, &st, NULL);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(d);
	return n;
}

static void
test_refuses_writes(void)
{
	static const char *const bad[] = {
		"DELETE FROM mentions",
		"UPDATE mentions SET title = 'x'",
		"DROP TABLE mentions",
		"INSERT INTO sources(name,url,created_at) VALUES('a','b','c')",
		"ATTACH DATABASE '/tmp/es-evil.db' AS evil",
		"PRAGMA query_only = 0",
		"PRAGMA journal_mode = DELETE",
		"CREATE TABLE t(x)",
		"SELECT load_extension('/tmp/evil.so')",
		"VACUUM",
		"BEGIN",
		"WITH x AS (SELECT 1) DELETE FROM mentions",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *out, *err;
		int rc = t_earshot(NULL, &out, &err, "-d", db, "query", bad[i], NULL);

		T_EQ_INT(rc, 1);
		T_EQ_STR(out, "");
		T_CONTAINS(err, "earshot query: ");
		if (rc != 1)
			fprintf(stderr, "  statement: %s\n", bad[i]);
		free(out);
		free(err);
	}
	T_EQ_INT(count_mentions(), 3);
	T_ASSERT(access("/tmp/es-evil.db", F_OK) != 0);
}

static void
test_read_pragmas_and_fts(void)
{
	char *out, *err;

	T_EQ_INT(t_earshot(NULL, &out, &err, "-d", db, "query", "--csv",
			   "SELECT name FROM pragma_table_info('sources') WHERE cid < 2", NULL), 0);
	T_EQ_STR(out, "name\r\nid\r\nname\r\n");
	free(out);
	free(err);
	T_EQ_INT(t_earshot(NULL, &out, &err, "-d", db, "query", "--csv", "PRAGMA user_version", NULL), 0);
	T_EQ_STR(out, "user_version\r\n2\r\n");
	free(out);
	free(err);
	T_EQ_INT(t_earshot(NULL, &out, &err, "-d", db, "query", "--csv",
			   "SELECT guid FROM mentions JOIN mentions_fts ON mentions_fts.rowid = mentions.id "
			   "WHERE mentions_fts MATCH 'refund'", NULL), 0);
	T_EQ_STR(out, "guid\r\n2\r\n");
	free(out);
	free(err);
}

static void
test_csv(void)
{
	char *out, *err;

	T_EQ_INT(t_earshot(NULL, &out, &err, "-d", db, "query", "--csv",
			   "SELECT guid, title, text, NULL AS empty, 1.5 AS x FROM mentions "
			   "WHERE guid IN ('1','3') ORDER BY guid", NULL), 0);
	T_EQ_STR(out, "guid,title,text,empty,x\r\n"
		      "1,\"Hello, \"\"world\"\"\",\"line one\nline two\",,1.5\r\n"
		      "3,plain,nothing,,1.5\r\n");
	free(out);
	free(err);
}

static void
test_json(void)
{
	char *out, *err;

	T_EQ_INT(t_earshot(NULL, &out, &err, "-d", db, "query", "--json",
			   "SELECT guid, title, text, label, sentiment, NULL AS n, 3 AS k FROM mentions "
			   "WHERE guid IN ('1','2') ORDER BY guid", NULL), 0);
	T_EQ_STR(out, "{\"guid\":\"1\",\"title\":\"Hello, \\\"world\\\"\",\"text\":\"line one\\nline two\","
		      "\"label\":\"neutral\",\"sentiment\":0,\"n\":null,\"k\":3}\n"
		      "{\"guid\":\"2\",\"title\":\"Tab\\there and a backslash \\\\ and é\",\"text\":\"refund please\","
		      "\"label\":\"negative\",\"sentiment\":-0.5,\"n\":null,\"k\":3}\n");
	free(out);
	free(err);
}

static void
test_table(void)
{
	char *out, *err;

	T_EQ_INT(t_earshot(NULL, &out, &err, "-d", db, "query",
			   "SELECT guid, title FROM mentions ORDER BY guid", NULL), 0);
	T_EQ_STR(out, "guid  title\n"
		      "----  --------------------------------\n"
		      "1     Hello, \"world\"\n"
		      "2     Tab here and a backslash \\ and é\n"
		      "3     plain\n");
	free(out);
	free(err);
}

static void
test_errors(void)
{
	char *out, *err;

	T_EQ_INT(t_earshot(NULL, &out, &err, "-d", db, "query", "SELEKT 1", NULL), 1);
	T_CONTAINS(err, "syntax error");
	free(out);
	free(err);
	T_EQ_INT(t_earshot(NULL, &out, &err, "-d", db, "query", "SELECT 1; DELETE FROM mentions", NULL), 1);
	T_CONTAINS(err, "one SQL statement");
	free(out);
	free(err);
	/* A runaway recursive query is stopped by the time budget. */
	T_EQ_INT(t_earshot(NULL, &out, &err, "-d", db, "query", "--timeout", "300ms",
			   "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
			   "SELECT count(*) FROM c", NULL), 1);
	T_CONTAINS(err, "time limit");
	free(out);
	free(err);
	T_EQ_INT(t_earshot(NULL, &out, &err, "-d", t_tmp("none.db"), "query", "SELECT 1", NULL), 1);
	T_CONTAINS(err, "no database there");
	free(out);
	free(err);
	T_EQ_INT(t_earshot(NULL, &out, &err, "-d", db, "query", NULL), 2);
	free(out);
	free(err);
	T_EQ_INT(count_mentions(), 3);
}

/* A runaway query holds its read transaction for seconds; the writer goes
 * on meanwhile (WAL: readers never block the writer), and the query still
 * ends at its time limit. */
static void
test_writer_not_blocked(void)
{
	const char *bin = getenv("ES_BIN"), *log = t_tmp("runaway.err");
	static const char *const brands[] = { "acme" };
	struct store_source src = { 0 };
	struct store_item items[20];
	struct mention m[20];
	char err[ES_ERRLEN], guid[20][16];
	struct store *s;
	struct store_fetch f;
	int status, busy;
	char *text;
	pid_t pid;

	T_ASSERT(bin != NULL);
	fflush(NULL);
	if ((pid = fork()) == 0) {
		freopen(log, "w", stderr);
		freopen("/dev/null", "w", stdout);
		execl(bin, bin, "-d", db, "query", "--timeout", "3s",
		      "WITH RECURSIVE c(x) AS (SELECT (SELECT count(*) FROM mentions) "
		      "UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c", (char *)NULL);
		_exit(127);
	}
	usleep(500 * 1000); /* the query is under way */
	T_EQ_INT(store_open(db, STORE_RW, &s, err, sizeof(err)), ES_OK);
	T_EQ_INT(store_source_sync(s, "src2", "http://s2/", &src, err, sizeof(err)), ES_OK);
	for (int i = 0; i < 20; i++) {
		mention_init(&m[i]);
		snprintf(guid[i], sizeof(guid[i]), "w%d", i);
		m[i].guid = guid[i];
		m[i].title = "written beside a runaway query";
		items[i] = (struct store_item){ .m = &m[i], .brands = brands, .nbrands = 1 };
	}
	f = (struct store_fetch){ .source_id = src.id, .ok = true };
	T_EQ_INT(store_ingest(s, &f, items, 20, NULL, err, sizeof(err)), ES_OK);
	store_source_reset(&src);
	store_close(s);
	busy = waitpid(pid, &status, WNOHANG) == 0; /* the query was still running */
	T_ASSERT(busy);
	if (busy)
		waitpid(pid, &status, 0);
	T_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	text = t_read_file(log, NULL);
	T_CONTAINS(text, "time limit");
	free(text);
	T_EQ_INT(count_mentions(), 23);
}

int
main(void)
{
	setup();
	T_RUN(test_refuses_writes);
	T_RUN(test_read_pragmas_and_fts);
	T_RUN(test_csv);
	T_RUN(test_json);
	T_RUN(test_table);
	T_RUN(test_errors);
	T_RUN(test_writer_not_blocked);
	return t_report();
}
