/* test_retention.c - retention removes exactly the old mentions with their
 * brand and full-text rows, in batches; the file shrinks; earshot db
 * check finds a full-text index out of step and db rebuild mends it. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/when.h"
#include "store/maint.h"
#include "store/store.h"
#include "tests/fixture.h"
#include "tests/test.h"

#define OLD 1000
#define RECENT 500
#define DAY 86400
#define TEXT_BYTES 2000

static int64_t now;

static int64_t
file_size(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? (int64_t)sb.st_size : -1;
}

/* OLD mentions counted 200 to 400 days ago with the word "oldword", RECENT
 * from the last 100 days with "newword", each about TEXT_BYTES long and of
 * brand acme (every third also globex). */
static void
fill(const char *path)
{
	static const char *const brands[] = { "acme", "globex" };
	struct store_source src = { 0 };
	struct mention *m = calloc(OLD + RECENT, sizeof(*m));
	struct store_item *it = calloc(OLD + RECENT, sizeof(*it));
	char err[ES_ERRLEN], *text = malloc(TEXT_BYTES + 1);
	struct store *s;
	struct store_fetch f;

	for (int i = 0; i < TEXT_BYTES; i++)
		text[i] = "abcdefgh "[i % 9];
	text[TEXT_BYTES] = '\0';
	T_EQ_INT(store_open(path, STORE_RW, &s, err, sizeof(err)), ES_OK);
	T_EQ_INT(store_source_sync(s, "src", "https://example.com/feed", &src, err, sizeof(err)), ES_OK);
	for (int i = 0; i < OLD + RECENT; i++) {
		int old = i < OLD;

		mention_init(&m[i]);
		m[i].guid = malloc(32);
		snprintf(m[i].guid, 32, "g%d", i);
		m[i].title = strdup(old ? "oldword title" : "newword title");
		m[i].text = strdup(text);
		m[i].published = old ? now - (200 + i % 200) * DAY : now - (i % 100) * DAY;
		it[i] = (struct store_item){ .m = &m[i], .brands = brands, .nbrands = 1 + (i % 3 == 0) };
	}
	f = (struct store_fetch){ .source_id = src.id, .fetched_at = now, .ok = true };
	T_EQ_INT(store_ingest(s, &f, it, OLD + RECENT, NULL, err, sizeof(err)), ES_OK);
	for (int i = 0; i < OLD + RECENT; i++)
		mention_reset(&m[i]);
	store_source_reset(&src);
	store_close(s);
	free(m);
	free(it);
	free(text);
}

static void
check_problem(const char *what, const char *problem, void *ctx)
{
	(void)problem;
	snprintf(ctx, 64, "%s", what);
}

static void
test_retention_batches(void)
{
	const char *path = t_tmp("r.db");
	char err[ES_ERRLEN], what[64] = "";
	size_t n, steps[8], nsteps = 0, problems = 99;
	struct store *s;
	int64_t before, after, pages_before;

	fill(path);
	before = file_size(path);
	pages_before = fixture_int(path, "PRAGMA page_count");
	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM mention_brands"), (OLD + RECENT) * 4 / 3);
	T_EQ_INT(store_open(path, STORE_RW, &s, err, sizeof(err)), ES_OK);
	do {
		T_EQ_INT(store_retention_step(s, now - 180 * DAY, 300, &n, err, sizeof(err)), ES_OK);
		steps[nsteps++] = n;
	} while (n > 0 && nsteps < 8);
	T_EQ_INT(nsteps, 5);
	T_EQ_INT(steps[0], 300);
	T_EQ_INT(steps[1], 300);
	T_EQ_INT(steps[2], 300);
	T_EQ_INT(steps[3], 100);
	T_EQ_INT(steps[4], 0);
	T_EQ_INT(store_check(s, check_problem, what, &problems, err, sizeof(err)), ES_OK);
	T_EQ_INT(problems, 0);
	T_EQ_STR(what, "");
	store_close(s);
	after = file_size(path);
	fprintf(stderr, "  file %lld -> %lld bytes, %lld -> %lld pages\n", (long long)before,
		(long long)after, (long long)pages_before,
		(long long)fixture_int(path, "PRAGMA page_count"));
	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM mentions"), RECENT);
	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM mentions WHERE title LIKE 'oldword%'"), 0);
	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM mention_brands"), RECENT * 4 / 3);
	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM mention_brands b LEFT JOIN mentions m "
				   "ON m.id = b.mention_id WHERE m.id IS NULL"), 0);
	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM mentions_fts WHERE mentions_fts MATCH 'oldword'"), 0);
	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM mentions_fts WHERE mentions_fts MATCH 'newword'"), RECENT);
	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM mention_words WHERE term = 'oldword'"), 0);
	T_EQ_INT(fixture_int(path, "PRAGMA freelist_count"), 0);
	/* Two thirds of the rows went, so the file shrinks by at least half. */
	T_ASSERT(after > 0 && after < before / 2);
}

/* A feed that still lists items retention removed does not bring them back. */
static void
test_tombstones(void)
{
	const char *path = t_tmp("t.db");
	char err[ES_ERRLEN];
	struct store *s;
	struct store_source src = { 0 };
	struct store_ingest_result r;
	struct mention m[3];
	struct store_item it[3];
	struct store_fetch f;
	size_t n;

	fill(path);
	T_EQ_INT(store_open(path, STORE_RW, &s, err, sizeof(err)), ES_OK);
	do
		T_EQ_INT(store_retention_step(s, now - 180 * DAY, 500, &n, err, sizeof(err)), ES_OK);
	while (n > 0);
	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM mention_tombstones"), OLD);
	T_EQ_INT(store_source_get(s, "src", &src, err, sizeof(err)), ES_OK);
	for (int i = 0; i < 3; i++) {
		mention_init(&m[i]);
		it[i] = (struct store_item){ .m = &m[i] };
	}
	m[0].guid = "g0";       /* removed by retention */
	m[0].published = now - 300 * DAY;
	m[1].guid = "g999";     /* removed by retention */
	m[2].guid = "g-brand-new";
	f = (struct store_fetch){ .source_id = src.id, .fetched_at = now, .ok = true };
	T_EQ_INT(store_ingest(s, &f, it, 3, &r, err, sizeof(err)), ES_OK);
	T_EQ_INT(r.inserted, 1);
	T_EQ_INT(r.duplicates, 2);
	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM mentions WHERE guid IN ('g0','g999')"), 0);
	/* One retention period later the tombstones go too. */
	T_EQ_INT(store_retention_step(s, when_now() + 1, 500, &n, err, sizeof(err)), ES_OK);
	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM mention_tombstones WHERE guid = 'g0'"), 0);
	store_source_reset(&src);
	store_close(s);
}

static void
test_check_finds_fts_drift(void)
{
	const char *path = t_tmp("drift.db");
	char err[ES_ERRLEN], what[64] = "", *out, *e;
	size_t problems = 0;
	struct store *s;
	sqlite3 *raw;

	fill(path);
	/* A delete that bypasses the trigger leaves the index out of step. */
	T_EQ_INT(sqlite3_open(path, &raw), SQLITE_OK);
	T_EQ_INT(sqlite3_exec(raw, "PRAGMA foreign_keys = ON; DROP TRIGGER mentions_fts_delete; "
				   "DELETE FROM mentions WHERE id = 7", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	T_EQ_INT(store_open(path, STORE_RW, &s, err, sizeof(err)), ES_OK);
	T_EQ_INT(store_check(s, check_problem, what, &problems, err, sizeof(err)), ES_OK);
	T_EQ_INT(problems, 1);
	T_EQ_STR(what, "full-text index");
	store_close(s);
	T_EQ_INT(t_earshot(NULL, &out, &e, "-d", path, "db", "check", NULL), 1);
	T_CONTAINS(out, "full-text index: mentions_fts does not match the mentions table");
	T_CONTAINS(out, "1 problem found");
	free(out);
	free(e);
	T_EQ_INT(t_earshot(NULL, &out, &e, "-d", path, "db", "rebuild", NULL), 0);
	free(out);
	free(e);
	T_EQ_INT(t_earshot(NULL, &out, &e, "-d", path, "db", "check", NULL), 0);
	T_CONTAINS(out, ": ok (file integrity, foreign keys, full-text index)\n");
	free(out);
	free(e);
	/* Without foreign keys enforced (and with the trigger still gone), a
	 * delete orphans the two brand rows of mention 4 and the index again. */
	T_EQ_INT(sqlite3_open(path, &raw), SQLITE_OK);
	T_EQ_INT(sqlite3_exec(raw, "DELETE FROM mentions WHERE id = 4", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	T_EQ_INT(t_earshot(NULL, &out, &e, "-d", path, "db", "check", NULL), 1);
	T_EQ_INT(t_count_lines(out), 4); /* three problems and the summary */
	T_CONTAINS(out, "foreign keys: a mention_brands row refers to a missing mentions row\n"
			"foreign keys: a mention_brands row refers to a missing mentions row\n"
			"full-text index: ");
	T_CONTAINS(out, ": 3 problems found\n");
	free(out);
	free(e);
}

static void
test_read_only_refused(void)
{
	const char *path = t_tmp("ro.db");
	char err[ES_ERRLEN];
	struct store *s;
	size_t n = 9;

	fill(path);
	T_EQ_INT(store_open(path, STORE_RO, &s, err, sizeof(err)), ES_OK);
	T_EQ_INT(store_retention_step(s, now, 10, &n, err, sizeof(err)), ES_EINVAL);
	T_EQ_INT(n, 0);
	T_CONTAINS(err, "read-only");
	store_close(s);
	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM mentions"), OLD + RECENT);
}

/* earshot db prune on the fixture removes its three mentions from April
 * and nothing else; db vacuum and check then report on the file. */
static void
test_db_commands(void)
{
	const char *db = fixture_db("prune.db", -1);
	char *out, *err;

	T_EQ_INT(t_earshot(NULL, &out, &err, "-d", db, "db", "prune", "--older-than", "180d", NULL), 0);
	T_CONTAINS(out, "removed 3 mentions counted before 2026-05-22T10:30:00Z\n");
	free(out);
	free(err);
	T_EQ_INT(fixture_int(db, "SELECT count(*) FROM mentions"), 333);
	T_EQ_INT(fixture_int(db, "SELECT count(*) FROM mentions WHERE counted_at < '2026-05-22'"), 0);
	T_EQ_INT(t_earshot(NULL, &out, &err, "-d", db, "db", "prune", NULL), 2);
	T_CONTAINS(err, "--older-than");
	free(out);
	free(err);
	T_EQ_INT(t_earshot(NULL, &out, &err, "-d", db, "db", "vacuum", "--full", NULL), 0);
	T_CONTAINS(out, " KiB (0 free pages before, 0 after)\n");
	free(out);
	free(err);
	T_EQ_INT(t_earshot(NULL, &out, &err, "-d", db, "db", "check", NULL), 0);
	free(out);
	free(err);
	T_EQ_INT(t_earshot(NULL, &out, &err, "-d", t_tmp("absent.db"), "db", "vacuum", NULL), 1);
	T_CONTAINS(err, "no database there");
	free(out);
	free(err);
	T_ASSERT(file_size(t_tmp("absent.db")) < 0);
}

int
main(void)
{
	now = when_timegm(2026, 11, 18, 10, 30, 0);
	when_set_offset(now - when_now());
	T_RUN(test_retention_batches);
	T_RUN(test_tombstones);
	T_RUN(test_check_finds_fts_drift);
	T_RUN(test_read_only_refused);
	T_RUN(test_db_commands);
	return t_report();
}
