/* test_crash.c - kill -9 at random points during ingest, and SIGTERM under
 * load: nothing lost, nothing twice.
 *
 * Six sources on three hosts serve feeds that grow by a version every
 * round, each version with its own ETag.  Round after round, earshot once
 * --all or earshot run starts on the same database and is killed with
 * SIGKILL at a random moment.  After every kill:
 *   - PRAGMA integrity_check is "ok";
 *   - every source holds exactly the mentions of the version its stored
 *     ETag names (none when it has none), and last_success_at is set
 *     exactly when an ETag is: a source's fetch state never moved without
 *     its mentions, nor its mentions without its state.
 * At the end a run to completion stores exactly the missing mentions (the
 * sources already at the last version are answered 304), and the result
 * equals a reference run into a fresh database, row for row.
 *
 * ES_REL_SEED fixes the random kill times; ES_REL_SCALE multiplies the
 * rounds (50 in CI). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "tests/reliability/rellib.h"

#define NSRC 6
#define BASE_ITEMS 60
#define STEP_ITEMS 12

static struct httpd srv;

static int
items_of(int version)
{
	return BASE_ITEMS + STEP_ITEMS * version;
}

/* Routes serving version v of every source (ETag "sI-vV"). */
static void
serve_version(int v)
{
	struct buf b;

	buf_init(&b, 0);
	for (int i = 0; i < NSRC; i++) {
		char name[32], prefix[16];

		snprintf(name, sizeof(name), "crash-s%d-v%d.xml", i, v);
		snprintf(prefix, sizeof(prefix), "s%d", i);
		/* Answers spread over 0.75 s, so a round's commits are too. */
		buf_printf(&b, "route /feed-s%d\netag \"s%d-v%d\"\ndelay %dms\nbody_file %s\n", i, i,
			   v, i * 150, rel_feed(name, prefix, 0, items_of(v), 240));
	}
	if (httpd_routes(&srv, "%s", b.data) != 0)
		exit(99);
	buf_free(&b);
}

static const char *
crash_conf(const char *name)
{
	struct buf b;
	const char *conf;

	buf_init(&b, 0);
	for (int i = 0; i < NSRC; i++) {
		char host[32], path[32];

		snprintf(host, sizeof(host), "crash%d.localhost", i % 3);
		snprintf(path, sizeof(path), "/feed-s%d", i);
		buf_printf(&b, "[source s%d]\nurl = %s\n", i, httpd_url(&srv, host, path));
	}
	conf = rel_conf(name, "interval = 1s\nhost_delay = 0\nper_host = 2\n%s", b.data);
	buf_free(&b);
	return conf;
}

/* The invariant after a crash; returns how many sources are at version
 * v (the round's), or -1 when it does not hold (with t_fail). */
static int
check_state(const char *db, int v)
{
	int at_v = 0;

	if (access(db, F_OK) != 0)
		return 0;  /* killed before it created the database */
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM pragma_integrity_check WHERE "
				"integrity_check = 'ok'"), 1);
	for (int i = 0; i < NSRC; i++) {
		char sql[512], *etag;
		long long n, succ;
		int ver = -1, want;

		snprintf(sql, sizeof(sql), "SELECT etag FROM sources WHERE name = 's%d'", i);
		etag = rel_db_text(db, sql);
		if (etag && sscanf(etag, "\"s%*d-v%d\"", &ver) != 1) {
			t_fail(__FILE__, __LINE__, "s%d: stored etag %s", i, etag);
			free(etag);
			return -1;
		}
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM mentions m JOIN sources s ON "
					   "s.id = m.source_id WHERE s.name = 's%d'", i);
		n = rel_db_int(db, sql);
		snprintf(sql, sizeof(sql), "SELECT last_success_at IS NOT NULL FROM sources "
					   "WHERE name = 's%d'", i);
		succ = rel_db_int(db, sql);
		want = etag ? items_of(ver) : 0;
		t_checks++;
		if (n != want || succ != (etag != NULL)) {
			t_fail(__FILE__, __LINE__, "s%d: etag %s, %lld mentions (want %d), "
				   "last_success_at %s", i, etag ? etag : "NULL", n, want,
			       succ ? "set" : "NULL");
			free(etag);
			return -1;
		}
		at_v += ver == v;
		free(etag);
	}
	return at_v;
}

/* A full run into a fresh database at version v; *startup_ms gets the
 * time until its first request, *total_ms its wall time. */
static void
reference_run(int v, int64_t *startup_ms, int64_t *total_ms)
{
	int64_t t0 = rel_now_ms();
	pid_t pid;

	serve_version(v);
	httpd_reset(&srv);
	pid = rel_spawn("ref.log", NULL, "-c", crash_conf("ref"), "once", "--all", (char *)NULL);
	while (httpd_count(&srv, NULL) == 0 && rel_now_ms() - t0 < 30000)
		rel_sleep_ms(5);
	*startup_ms = rel_now_ms() - t0;
	T_EQ_INT(rel_reap(pid, "ref.log", NULL), 0);
	*total_ms = rel_now_ms() - t0;
}

static void
test_kill9_during_ingest(void)
{
	const char *seed_env = getenv("ES_REL_SEED");
	unsigned seed = seed_env ? (unsigned)strtoul(seed_env, NULL, 10) : (unsigned)time(NULL);
	const char *conf = crash_conf("crash"), *db = rel_db("crash"), *ref = rel_db("ref");
	int rounds = rel_scale(50), partial = 0, none = 0, all = 0, exited = 0;
	int64_t startup, t_ref;
	char sql[1024], *out = NULL;
	long long before, inserted_want;

	srand(seed);
	reference_run(rounds, &startup, &t_ref);
	fprintf(stderr, "  seed %u, %d rounds; reference run of %d mentions: %lld ms, the first "
			"request after %lld ms\n", seed, rounds, NSRC * items_of(rounds), (long long)t_ref,
		(long long)startup);
	for (int k = 1; k <= rounds; k++) {
		/* From halfway through start-up to a while after the last
		 * answer; rounds alternate between once --all and the daemon. */
		int64_t at = startup / 2 + rand() % (int)(startup / 2 + 5 * 150 + 500);
		pid_t pid;
		int rc, n;

		serve_version(k);
		pid = k % 2 ? rel_spawn("crash.log", NULL, "-c", conf, "once", "--all", (char *)NULL)
			    : rel_spawn("crash.log", NULL, "-c", conf, "run", (char *)NULL);
		rel_sleep_ms((int)at);
		if (kill(pid, SIGKILL) != 0 || (rc = rel_reap(pid, "crash.log", NULL)) != 128 + SIGKILL) {
			exited++;
			rel_reap(pid, "crash.log", NULL);
		}
		if ((n = check_state(db, k)) < 0) {
			fprintf(stderr, "  round %d (seed %u): invariant broken after a kill at %lld ms\n",
				k, seed, (long long)at);
			return;
		}
		none += n == 0;
		partial += n > 0 && n < NSRC;
		all += n == NSRC;
	}
	fprintf(stderr, "  kills: %d before any source of the round was stored, %d with some "
			"stored, %d after all were; %d runs ended before the kill\n",
		none, partial, all, exited);
	/* Enough kills landed in the middle of a round's ingest to mean
	 * something. */
	T_ASSERT(partial >= rounds / 10);

	/* The run to completion stores exactly what is missing. */
	before = rel_db_int(db, "SELECT count(*) FROM mentions");
	inserted_want = (long long)NSRC * items_of(rounds) - before;
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM sources WHERE etag LIKE '%%-v%d\"'", rounds);
	{
		long long up_to_date = rel_db_int(db, sql);
		cJSON *log, *e;
		int n304 = 0;

		httpd_reset(&srv);
		T_EQ_INT(t_earshot(NULL, &out, NULL, "-c", conf, "once", "--all", (char *)NULL), 0);
		snprintf(sql, sizeof(sql), "; %lld new mentions, ", inserted_want);
		T_CONTAINS(out, sql);
		free(out);
		log = httpd_log(&srv);
		cJSON_ArrayForEach(e, log)
			n304 += cJSON_GetObjectItem(e, "status")->valueint == 304;
		cJSON_Delete(log);
		T_EQ_INT(n304, up_to_date);
	}
	T_EQ_INT(check_state(db, rounds), NSRC);
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM (SELECT source_id, guid FROM mentions "
				"GROUP BY 1, 2 HAVING count(*) > 1)"), 0);
	/* Row for row what the reference run stored: same mentions, same
	 * text, same scores, same brands. */
	snprintf(sql, sizeof(sql),
		 "SELECT (SELECT count(*) FROM (SELECT s.name, m.guid, m.title, m.text, m.url, "
		 "m.label, m.sentiment FROM mentions m JOIN sources s ON s.id = m.source_id "
		 "EXCEPT SELECT s.name, m.guid, m.title, m.text, m.url, m.label, m.sentiment "
		 "FROM ref.mentions m JOIN ref.sources s ON s.id = m.source_id)) + "
		 "(SELECT count(*) FROM ref.mentions) - (SELECT count(*) FROM main.mentions)");
	T_EQ_INT(rel_db_int2(db, ref, sql), 0);
}

/* SIGTERM to the daemon in the middle of a heavy pass: 80 sources on 8
 * hosts, answers taking 0.2 to 4.5 s, 16 transfers at once.  No new request
 * starts after the signal, the transfers in flight get CRAWL_STOP_GRACE_MS
 * and the slow ones are abandoned, what arrived is committed, the process
 * exits 0 within a few seconds with its write-ahead log checkpointed away,
 * and the next start fetches the rest: every mention once. */
static void
test_sigterm_under_load(void)
{
	struct buf b;
	const char *conf, *db = rel_db("term");
	int64_t t_term, took;
	int n_before, n_after;
	char *log;
	pid_t pid;

	httpd_reset(&srv);
	buf_init(&b, 0);
	for (int i = 0; i < 80; i++)
		buf_printf(&b, "route /term%d\ndelay %dms\nbody_file %s\n", i, 200 + (i * 797) % 4300,
			   rel_feed("term.xml", "term", 0, 40, 400));
	T_EQ_INT(httpd_routes(&srv, "%s", b.data), 0);
	buf_reset(&b);
	for (int i = 0; i < 80; i++) {
		char host[32], path[32];

		snprintf(host, sizeof(host), "term%d.localhost", i % 8);
		snprintf(path, sizeof(path), "/term%d", i);
		buf_printf(&b, "[source t%d]\nurl = %s?%d\n", i, httpd_url(&srv, host, path), i);
	}
	conf = rel_conf("term", "interval = 1h\nconcurrency = 16\nper_host = 2\nhost_delay = 0\n%s",
			b.data);
	buf_free(&b);
	pid = rel_spawn("term.log", NULL, "-c", conf, "run", (char *)NULL);
	T_ASSERT(httpd_wait_count(&srv, NULL, 30, 30000) >= 30);
	n_before = httpd_count(&srv, NULL);
	t_term = rel_now_ms();
	kill(pid, SIGTERM);
	T_EQ_INT(rel_reap(pid, "term.log", NULL), 0);
	took = rel_now_ms() - t_term;
	n_after = httpd_count(&srv, NULL);
	fprintf(stderr, "  SIGTERM after %d requests: exit 0 in %lld ms; %d requests after\n",
		n_before, (long long)took, n_after - n_before);
	T_ASSERT(took < 3000 + 3000);
	T_ASSERT(n_after - n_before <= 2);  /* only what was already on the wire */
	log = rel_log("term.log");
	T_CONTAINS(log, "abandoning transfers");
	T_CONTAINS(log, "msg=stopped");
	free(log);
	{
		char wal[1100];
		struct stat st;

		snprintf(wal, sizeof(wal), "%s-wal", db);
		T_ASSERT(stat(wal, &st) != 0 || st.st_size == 0);
	}
	/* What was committed is whole; the rest comes with the next start. */
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM mentions") % 40, 0);
	T_ASSERT(rel_db_int(db, "SELECT count(*) FROM sources WHERE last_status = 200") < 80);
	T_EQ_INT(rel_earshot("term2.log", NULL, "-c", conf, "once", (char *)NULL), 0);
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM sources WHERE last_status = 200"), 80);
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM mentions"), 80 * 40);
	T_EQ_INT(rel_db_int(db, "SELECT count(DISTINCT source_id || ' ' || guid) FROM mentions"), 80 * 40);
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	if (httpd_start(&srv, NULL) < 0)
		return 1;
	REL_RUN(test_kill9_during_ingest);
	REL_RUN(test_sigterm_under_load);
	httpd_stop(&srv);
	return t_report();
}
