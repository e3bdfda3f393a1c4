/* test_store.c - the SQLite store on real files: migrations, version
 * checks, ingest and its dedupe, FTS in step, atomicity under kill -9. */
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/when.h"
#include "store/store.h"
#include "tests/fixture.h"
#include "tests/test.h"

static void
sql_exec(const char *path, const char *sql)
{
	sqlite3 *db;

	sqlite3_open(path, &db);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		fprintf(stderr, "sql_exec: %s\n", sqlite3_errmsg(db));
	sqlite3_close(db);
}

static void
test_migrate_and_reopen(void)
{
	const char *path = t_tmp("m.db");
	char err[ES_ERRLEN];
	struct store *s = NULL;

	T_EQ_INT(store_open(path, STORE_RW, &s, err, sizeof(err)), ES_OK);
	store_close(s);
	T_EQ_INT(fixture_int(path, "PRAGMA user_version"), store_schema_version());
	T_EQ_INT(fixture_int(path, "PRAGMA application_id"), 0x45415253);
	T_EQ_INT(fixture_int(path, "PRAGMA auto_vacuum"), 2); /* incremental */
	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM sqlite_schema WHERE name IN "
			       "('sources','mentions','mention_brands','mentions_fts','alerts',"
			       "'deliveries','brand_daily','source_health','alert_log')"),
		 9);
	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM pragma_journal_mode WHERE journal_mode='wal'"), 1);
	/* Reopening changes nothing and keeps data. */
	sql_exec(path, "INSERT INTO sources(name,url,created_at) VALUES('x','http://x/','2026-01-01T00:00:00Z')");
	T_EQ_INT(store_open(path, STORE_RW, &s, err, sizeof(err)), ES_OK);
	store_close(s);
	T_EQ_INT(store_open(path, STORE_RO, &s, err, sizeof(err)), ES_OK);
	store_close(s);
	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM sources"), 1);
}

static void
test_refuse_newer_and_foreign(void)
{
	const char *path = t_tmp("new.db"), *other = t_tmp("other.db");
	char err[ES_ERRLEN];
	struct store *s = NULL;

	T_EQ_INT(store_open(path, STORE_RW, &s, err, sizeof(err)), ES_OK);
	store_close(s);
	sql_exec(path, "PRAGMA user_version = 99");
	s = NULL;
	T_EQ_INT(store_open(path, STORE_RW, &s, err, sizeof(err)), ES_EVERSION);
	T_ASSERT(s == NULL);
	T_CONTAINS(err, "newer earshot");
	T_CONTAINS(err, "schema version 99");
	/* Left untouched. */
	T_EQ_INT(fixture_int(path, "PRAGMA user_version"), 99);

	sql_exec(other, "CREATE TABLE t(x)");
	T_EQ_INT(store_open(other, STORE_RW, &s, err, sizeof(err)), ES_EINVAL);
	T_CONTAINS(err, "not an earshot database");
	T_EQ_INT(store_open(t_tmp("missing.db"), STORE_RO, &s, err, sizeof(err)), ES_ENOTFOUND);
}

static struct mention
mk(const char *guid, const char *title, const char *text, int64_t published)
{
	struct mention m;

	mention_init(&m);
	m.guid = (char *)guid;
	m.title = (char *)title;
	m.text = (char *)text;
	m.url = (char *)"https://example.com/x";
	m.published = published;
	return m;
}

static void
test_ingest_and_dedupe(void)
{
	const char *path = t_tmp("i.db");
	static const char *const brands[] = { "acme", "globex" };
	char err[ES_ERRLEN];
	struct store *s;
	struct store_source src = { 0 };
	struct store_ingest_result r;
	int64_t now = when_now();
	struct mention m[3] = {
		mk("g1", "Acme outage", "The service is down again", now - 3600),
		mk("g2", "Acme praise", "Great support from acme", 0),
		mk("g3", "From the future", "Clock skew", now + 86400),
	};
	struct store_item items[3];
	struct store_fetch f = { 0 };

	T_EQ_INT(store_open(path, STORE_RW, &s, err, sizeof(err)), ES_OK);
	T_EQ_INT(store_source_sync(s, "news", "https://news.example/rss", &src, err, sizeof(err)), ES_OK);
	T_ASSERT(src.id > 0);
	T_EQ_INT(src.failures, 0);
	for (int i = 0; i < 3; i++) {
		items[i] = (struct store_item){ .m = &m[i], .sentiment = i == 0 ? -0.6 : 0.5,
						.label = i == 0 ? -1 : 1, .scorer = 1,
						.brands = brands, .nbrands = i == 0 ? 2 : 1 };
	}
	f = (struct store_fetch){ .source_id = src.id, .fetched_at = now, .ok = true, .status = 200,
				  .etag = "\"v1\"", .last_modified = "Sat, 21 Nov 2026 10:00:00 GMT",
				  .next_fetch_at = now + 900 };
	T_EQ_INT(store_ingest(s, &f, items, 3, &r, err, sizeof(err)), ES_OK);
	T_EQ_INT(r.inserted, 3);
	T_EQ_INT(r.duplicates, 0);
	T_ASSERT(items[0].id > 0 && items[1].id > 0);

	/* The same batch again: all duplicates, no change to mentions. */
	f.etag = "\"v2\"";
	T_EQ_INT(store_ingest(s, &f, items, 3, &r, err, sizeof(err)), ES_OK);
	T_EQ_INT(r.inserted, 0);
	T_EQ_INT(r.duplicates, 3);
	T_EQ_INT(items[0].id, 0);
	store_source_reset(&src);
	T_EQ_INT(store_source_get(s, "news", &src, err, sizeof(err)), ES_OK);
	T_EQ_STR(src.etag, "\"v2\"");
	T_EQ_INT(src.last_status, 200);
	T_EQ_INT(src.next_fetch_at, now + 900);
	T_EQ_INT(src.last_success_at, now);

	/* A failed fetch keeps the validators and counts the failure. */
	f = (struct store_fetch){ .source_id = src.id, .fetched_at = now + 10, .ok = false,
				  .status = 503, .error = "http_5xx", .error_detail = "HTTP 503",
				  .next_fetch_at = now + 60 };
	T_EQ_INT(store_ingest(s, &f, NULL, 0, &r, err, sizeof(err)), ES_OK);
	f.fetched_at = now + 70;
	T_EQ_INT(store_ingest(s, &f, NULL, 0, &r, err, sizeof(err)), ES_OK);
	store_source_reset(&src);
	T_EQ_INT(store_source_get(s, "news", &src, err, sizeof(err)), ES_OK);
	T_EQ_STR(src.etag, "\"v2\"");
	T_EQ_INT(src.failures, 2);
	T_EQ_INT(src.failing_since, now + 10);
	T_EQ_STR(src.last_error, "http_5xx");
	T_EQ_INT(src.last_success_at, now);
	store_source_reset(&src);

	/* A changed URL drops the old validators. */
	T_EQ_INT(store_source_sync(s, "news", "https://news.example/v2", &src, err, sizeof(err)), ES_OK);
	T_ASSERT(src.etag == NULL);
	T_EQ_STR(src.url, "https://news.example/v2");
	store_source_reset(&src);
	store_close(s);

	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM mentions"), 3);
	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM mention_brands"), 4);
	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM mention_brands WHERE brand='globex'"), 1);
	/* counted_at: published when in the past, else first seen. */
	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM mentions WHERE guid='g1' AND counted_at = published_at"), 1);
	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM mentions WHERE guid='g2' AND published_at IS NULL AND counted_at = first_seen_at"), 1);
	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM mentions WHERE guid='g3' AND counted_at = first_seen_at AND published_at > first_seen_at"), 1);
	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM mentions WHERE label='negative' AND sentiment < -0.5 AND scorer = 1"), 1);
	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM mentions WHERE rating IS NULL"), 3);
}

static void
test_fts_in_step(void)
{
	const char *path = t_tmp("fts.db");
	char err[ES_ERRLEN];
	struct store *s;
	struct store_source src = { 0 };
	struct mention m[2] = { mk("a", "Refund never arrived", "Still waiting for my café order", 0),
				mk("b", "Lovely", "All good", 0) };
	struct store_item items[2] = { { .m = &m[0] }, { .m = &m[1] } };
	struct store_fetch f;

	T_EQ_INT(store_open(path, STORE_RW, &s, err, sizeof(err)), ES_OK);
	store_source_sync(s, "s", "http://s/", &src, err, sizeof(err));
	f = (struct store_fetch){ .source_id = src.id, .ok = true };
	T_EQ_INT(store_ingest(s, &f, items, 2, NULL, err, sizeof(err)), ES_OK);
	store_source_reset(&src);
	store_close(s);
	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM mentions_fts WHERE mentions_fts MATCH 'refund'"), 1);
	/* remove_diacritics: cafe finds café. */
	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM mentions_fts WHERE mentions_fts MATCH 'cafe'"), 1);
	sql_exec(path, "UPDATE mentions SET title = 'Chargeback filed' WHERE guid = 'a'");
	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM mentions_fts WHERE mentions_fts MATCH 'refund'"), 0);
	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM mentions_fts WHERE mentions_fts MATCH 'chargeback'"), 1);
	sql_exec(path, "DELETE FROM mentions WHERE guid = 'a'");
	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM mentions_fts WHERE mentions_fts MATCH 'chargeback'"), 0);
	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM mentions_fts WHERE mentions_fts MATCH 'good'"), 1);
	sql_exec(path, "INSERT INTO mentions_fts(mentions_fts, rank) VALUES('integrity-check', 1)");
	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM mentions_fts"), 1);
}

/* Several sources in one transaction (as the crawler's writer commits
 * them): each is a savepoint, so one that fails undoes only itself, and
 * the full-text index holds exactly what was committed. */
static void
test_sources_in_one_commit(void)
{
	const char *path = t_tmp("batch.db");
	char err[ES_ERRLEN];
	struct store *s;
	struct store_source a = { 0 }, b = { 0 }, c = { 0 };
	struct mention ma[2] = { mk("a1", "alpha one", "zebra text", 0), mk("a2", "alpha two", "zebra", 0) };
	struct mention mb[2] = { mk("b1", "beta one", "zebra", 0), mk(NULL, "no guid", "zebra", 0) };
	struct mention mc[1] = { mk("c1", "gamma one", "zebra", 0) };
	struct store_item ia[2], ib[2], ic[1];
	struct store_ingest_result r;

	for (int i = 0; i < 2; i++) {
		ia[i] = (struct store_item){ .m = &ma[i] };
		ib[i] = (struct store_item){ .m = &mb[i] };
	}
	ic[0] = (struct store_item){ .m = &mc[0] };
	T_EQ_INT(store_open(path, STORE_RW, &s, err, sizeof(err)), ES_OK);
	T_EQ_INT(store_source_sync(s, "a", "http://a/", &a, err, sizeof(err)), ES_OK);
	T_EQ_INT(store_source_sync(s, "b", "http://b/", &b, err, sizeof(err)), ES_OK);
	T_EQ_INT(store_source_sync(s, "c", "http://c/", &c, err, sizeof(err)), ES_OK);
	T_EQ_INT(store_begin(s, err, sizeof(err)), ES_OK);
	T_EQ_INT(store_ingest(s, &(struct store_fetch){ .source_id = a.id, .ok = true, .etag = "ea" },
			      ia, 2, &r, err, sizeof(err)), ES_OK);
	T_EQ_INT(r.inserted, 2);
	/* b's second mention has no guid: b fails, after its first was written. */
	T_EQ_INT(store_ingest(s, &(struct store_fetch){ .source_id = b.id, .ok = true, .etag = "eb" },
			      ib, 2, &r, err, sizeof(err)), ES_EINVAL);
	T_ASSERT(store_in_tx(s));
	T_EQ_INT(store_ingest(s, &(struct store_fetch){ .source_id = c.id, .ok = true, .etag = "ec" },
			      ic, 1, &r, err, sizeof(err)), ES_OK);
	/* Nothing is visible to another connection before the commit. */
	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM mentions"), 0);
	T_EQ_INT(store_commit(s, err, sizeof(err)), ES_OK);
	T_ASSERT(!store_in_tx(s));
	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM mentions"), 3);
	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM mentions WHERE guid = 'b1'"), 0);
	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM sources WHERE etag = 'eb'"), 0);
	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM sources WHERE etag IN ('ea', 'ec')"), 2);
	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM mentions_fts WHERE mentions_fts MATCH 'zebra'"), 3);
	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM mentions_fts WHERE mentions_fts MATCH 'beta'"), 0);
	sql_exec(path, "INSERT INTO mentions_fts(mentions_fts, rank) VALUES('integrity-check', 1)");

	/* A rolled-back transaction leaves nothing to index behind it. */
	mc[0] = mk("c2", "delta", "yak", 0);
	T_EQ_INT(store_begin(s, err, sizeof(err)), ES_OK);
	T_EQ_INT(store_ingest(s, &(struct store_fetch){ .source_id = c.id, .ok = true },
			      ic, 1, &r, err, sizeof(err)), ES_OK);
	store_rollback(s);
	T_EQ_INT(store_ingest(s, &(struct store_fetch){ .source_id = a.id, .ok = true },
			      ia, 2, &r, err, sizeof(err)), ES_OK);
	T_EQ_INT(r.duplicates, 2);
	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM mentions_fts WHERE mentions_fts MATCH 'yak'"), 0);
	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM mentions_fts"), 3);
	store_source_reset(&a);
	store_source_reset(&b);
	store_source_reset(&c);
	store_close(s);
}

/* The child ingests batch after batch; batch k of round r stores guids
 * "r-k-0".."r-k-49" and sets the source's etag to "r-k".  It never returns. */
static void
crash_child(const char *path, int round)
{
	char err[ES_ERRLEN], etag[32], guids[50][32];
	struct store *s;
	struct store_source src = { 0 };
	struct mention m[50];
	struct store_item items[50];

	if (store_open(path, STORE_RW, &s, err, sizeof(err)) ||
	    store_source_sync(s, "src", "http://s/", &src, err, sizeof(err)))
		_exit(3);
	for (int k = 1;; k++) {
		struct store_fetch f = { .source_id = src.id, .ok = true, .etag = etag };

		snprintf(etag, sizeof(etag), "%d-%d", round, k);
		for (int i = 0; i < 50; i++) {
			snprintf(guids[i], sizeof(guids[i]), "%d-%d-%d", round, k, i);
			m[i] = mk(guids[i], "title", "some text that is long enough to matter", 0);
			items[i] = (struct store_item){ .m = &m[i] };
		}
		if (store_ingest(s, &f, items, 50, NULL, err, sizeof(err)))
			_exit(4);
	}
}

static void
test_kill_mid_batch(void)
{
	const char *path = t_tmp("crash.db");
	struct timespec ts;
	int64_t total = 0;

	srand(12345);
	for (int round = 1; round <= 12; round++) {
		int64_t etag_round, etag_k, count;
		char sql[256];
		pid_t pid = fork();

		if (pid == 0)
			crash_child(path, round);
		ts.tv_sec = 0;
		ts.tv_nsec = (30 + rand() % 150) * 1000000L;
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		T_EQ_INT(fixture_int(path, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check='ok'"), 1);
		/* The state and the mentions moved together: the stored etag names
		 * the last whole batch, and nothing of a later batch is there. */
		etag_round = fixture_int(path, "SELECT coalesce(CAST(substr(etag, 1, instr(etag, '-') - 1) AS INTEGER), 0) FROM sources");
		etag_k = fixture_int(path, "SELECT coalesce(CAST(substr(etag, instr(etag, '-') + 1) AS INTEGER), 0) FROM sources");
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM mentions WHERE guid LIKE '%d-%%'", round);
		count = fixture_int(path, sql);
		if (etag_round == round)
			T_EQ_INT(count, 50 * etag_k);
		else
			T_EQ_INT(count, 0);
		total += count;
		T_EQ_INT(fixture_int(path, "SELECT count(*) FROM mentions"), total);
		T_EQ_INT(fixture_int(path, "SELECT count(*) FROM mentions_fts"), total);
	}
	T_ASSERT(total > 0);
}

int
main(void)
{
	T_RUN(test_migrate_and_reopen);
	T_RUN(test_refuse_newer_and_foreign);
	T_RUN(test_ingest_and_dedupe);
	T_RUN(test_fts_in_step);
	T_RUN(test_sources_in_one_commit);
	T_RUN(test_kill_mid_batch);
	return t_report();
}
