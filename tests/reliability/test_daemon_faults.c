/* test_daemon_faults.c - faults around a running earshot run, seen from
 * the daemon's side (the store-level cases are in test_store_faults.c):
 *
 * - the disk fills up (a real tmpfs in a mount namespace of the test's
 *   own): commits fail and roll back, the daemon keeps running and says
 *   so, and once space returns it stores everything it missed;
 * - another process holds the write lock for 3 s (the daemon waits through
 *   its busy timeout) and for 8 s (the daemon gives up on that commit,
 *   says so, and stores it on a later fetch);
 * - a reader holds a transaction open while the daemon ingests: the
 *   write-ahead log grows past STORE_WAL_MAX, and once the reader ends the
 *   daemon's next commit checkpoints it back to nothing;
 * - the wall clock steps back an hour, then forward two, under the daemon
 *   (libfaketime with a timestamp file, the monotonic clock left alone): no
 *   stall and no storm by the server's count.
 *
 * The feeds grow by a version every round, each with its own ETag, so the
 * expected database is known exactly. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/buf.h"
#include "store/store.h"
#include "tests/reliability/rellib.h"

#define FAKETIME_LIB "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1"

static struct httpd srv;

/* Serves version v of n sources named PREFIXi: items 0..items-1 each,
 * ETag "PREFIXi-vV". */
static void
serve(const char *prefix, int n, int v, int items, size_t textlen)
{
	struct buf b;

	buf_init(&b, 0);
	for (int i = 0; i < n; i++) {
		char file[64], p[32];

		snprintf(file, sizeof(file), "%s%d-v%d.xml", prefix, i, v);
		snprintf(p, sizeof(p), "%s%d", prefix, i);
		buf_printf(&b, "route /%s%d\netag \"%s%d-v%d\"\nbody_file %s\n", prefix, i, prefix, i, v,
			   rel_feed(file, p, 0, items, textlen));
	}
	if (httpd_routes(&srv, "%s", b.data) != 0)
		exit(99);
	buf_free(&b);
}

/* [source PREFIXi] lines for n sources on their own hosts. */
static char *
sources(const char *prefix, int n)
{
	struct buf b;

	buf_init(&b, 0);
	for (int i = 0; i < n; i++) {
		char host[64], path[32];

		snprintf(host, sizeof(host), "%s%d.localhost", prefix, i);
		snprintf(path, sizeof(path), "/%s%d", prefix, i);
		buf_printf(&b, "[source %s%d]\nurl = %s\n", prefix, i, httpd_url(&srv, host, path));
	}
	return buf_take(&b, NULL);
}

/* Waits up to ms for the integer sql gives on db to reach want. */
static long long
wait_db(const char *db, const char *sql, long long want, int ms)
{
	int64_t until = rel_now_ms() + ms;
	long long v;

	while ((v = access(db, F_OK) == 0 ? rel_db_int(db, sql) : -1) < want && rel_now_ms() < until)
		rel_sleep_ms(100);
	return v;
}

/* Waits up to ms for tmp/NAME to hold a line with both a and b. */
static bool
wait_log(const char *name, const char *a, const char *b, int ms)
{
	int64_t until = rel_now_ms() + ms;

	for (;;) {
		char *log = rel_log(name);
		int n = log ? rel_count_lines(log, a, b) : 0;

		free(log);
		if (n > 0)
			return true;
		if (rel_now_ms() >= until)
			return false;
		rel_sleep_ms(100);
	}
}

/* --- the disk fills up -------------------------------------------------- */

static void
test_disk_full(void)
{
	const char *dir = t_tmp("small-fs");
	char db[1100], filler[1100], *src, *log;
	const char *conf;
	long long stored;
	pid_t pid;

	mkdir(dir, 0700);
	if (rel_tmpfs(dir, 8L * 1024 * 1024) != 0) {
		t_fail(__FILE__, __LINE__, "no tmpfs: cannot test a full disk");
		return;
	}
	snprintf(db, sizeof(db), "%s/full.db", dir);
	snprintf(filler, sizeof(filler), "%s/filler", dir);
	serve("full", 4, 1, 50, 400);
	src = sources("full", 4);
	conf = t_tmp("full.conf");
	t_write_filef(conf, "[earshot]\ndatabase = %s\nallow_private = yes\ninterval = 1s\n"
			    "host_delay = 0\nconnect_timeout = 2s\n%s", db, src);
	free(src);
	pid = rel_spawn("full.log", NULL, "-c", conf, "run", (char *)NULL);
	T_EQ_INT(wait_db(db, "SELECT count(*) FROM mentions", 200, 20000), 200);
	/* Full: version 2 (150 items of 2 KiB each) cannot be committed. */
	rel_fill_disk(filler);
	serve("full", 4, 2, 150, 2000);
	T_EQ_INT(httpd_reset(&srv), 0);
	rel_sleep_ms(5000);
	T_EQ_INT(kill(pid, 0), 0);  /* still running */
	/* Fetching slows down while nothing can be stored: each failed commit
	 * backs its source off (interval x 2^failures: 2 s, then 4 s), so at
	 * most 3 requests a source in these 5 s, where 1 s intervals would
	 * make 5. */
	{
		int n = httpd_count(&srv, NULL);

		fprintf(stderr, "  disk full: %d requests from 4 sources in 5 s\n", n);
		T_ASSERT(n >= 4 && n <= 12);
	}
	stored = rel_db_int(db, "SELECT count(*) FROM mentions");
	T_EQ_INT(stored, 200);
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM sources WHERE etag LIKE '%-v1\"'"), 4);
	log = rel_log("full.log");
	T_ASSERT(rel_count_lines(log, "store failed", "disk full") >= 4);
	free(log);
	/* Space returns: everything of version 2 is stored, nothing twice. */
	unlink(filler);
	T_EQ_INT(wait_db(db, "SELECT count(*) FROM sources WHERE etag LIKE '%-v2\"'", 4, 30000), 4);
	kill(pid, SIGTERM);
	T_EQ_INT(rel_reap(pid, "full.log", NULL), 0);
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM mentions"), 4 * 150);
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM mentions_fts"), 4 * 150);
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM pragma_integrity_check WHERE "
				"integrity_check = 'ok'"), 1);
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM sources WHERE failures = 0 AND "
				"last_error IS NULL"), 4);
}

/* --- another writer ------------------------------------------------------ */

static void
test_lock_holder(void)
{
	const char *conf, *db = rel_db("lock");
	char *src = sources("lock", 3), *log;
	int status;
	pid_t pid, holder;

	serve("lock", 3, 1, 30, 200);
	conf = rel_conf("lock", "interval = 1s\nhost_delay = 0\n%s", src);
	free(src);
	pid = rel_spawn("lock.log", NULL, "-c", conf, "run", (char *)NULL);
	T_EQ_INT(wait_db(db, "SELECT count(*) FROM mentions", 90, 20000), 90);
	/* 3 s: within the 5 s busy timeout, the daemon waits and commits. */
	holder = rel_hold_lock(db, 3000);
	serve("lock", 3, 2, 60, 200);
	waitpid(holder, &status, 0);
	T_EQ_INT(WEXITSTATUS(status), 0);
	T_EQ_INT(wait_db(db, "SELECT count(*) FROM sources WHERE etag LIKE '%-v2\"'", 3, 15000), 3);
	log = rel_log("lock.log");
	T_EQ_INT(rel_count(log, "store failed"), 0);
	free(log);
	/* Held past the busy timeout, until the daemon reports that a commit
	 * failed (a fixed hold could end first: SQLite's timeout sums its
	 * sleeps, which a busy machine stretches); then the next fetch
	 * stores what that commit held. */
	holder = rel_hold_lock(db, 120000);
	serve("lock", 3, 3, 90, 200);
	T_ASSERT(wait_log("lock.log", "store failed", "database is locked", 60000));
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM mentions"), 3 * 60);
	T_EQ_INT(rel_release_lock(holder), 0);
	T_EQ_INT(wait_db(db, "SELECT count(*) FROM sources WHERE etag LIKE '%-v3\"'", 3, 20000), 3);
	kill(pid, SIGTERM);
	T_EQ_INT(rel_reap(pid, "lock.log", NULL), 0);
	log = rel_log("lock.log");
	T_EQ_INT(rel_count(log, "snapshot"), 0);  /* BEGIN IMMEDIATE: no busy snapshot */
	free(log);
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM mentions"), 3 * 90);
	T_EQ_INT(rel_db_int(db, "SELECT count(DISTINCT source_id || ' ' || guid) FROM mentions"), 3 * 90);
}

/* --- a reader pinning the write-ahead log -------------------------------- */

static long
file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long)st.st_size : 0;
}

/* A child with a read transaction open on db until it reads a byte. */
static pid_t
hold_reader(const char *db, int *ctl)
{
	int go[2], ready[2];
	char c;
	pid_t pid;

	if (pipe(go) || pipe(ready))
		exit(99);
	if ((pid = fork()) == 0) {
		sqlite3 *r;
		sqlite3_stmt *st;

		sqlite3_open_v2(db, &r, SQLITE_OPEN_READONLY, NULL);
		sqlite3_exec(r, "BEGIN", NULL, NULL, NULL);
		sqlite3_prepare_v2(r, "SELECT count(*) FROM mentions", -1, &st, NULL);
		if (sqlite3_step(st) != SQLITE_ROW || write(ready[1], "x", 1) != 1)
			_exit(1);
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		sqlite3_finalize(st);
		sqlite3_exec(r, "COMMIT", NULL, NULL, NULL);
		sqlite3_close(r);
		_exit(0);
	}
	close(go[0]);
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1)
		exit(99);
	close(ready[0]);
	*ctl = go[1];
	return pid;
}

static void
test_wal_reader(void)
{
	const char *conf, *db = rel_db("wal");
	char wal[1100], *src = sources("wal", 8);
	int ctl, v = 1, status;
	long peak = 0, after;
	int64_t t0, slowest = 0;
	pid_t pid, reader;

	snprintf(wal, sizeof(wal), "%s-wal", db);
	serve("wal", 8, v, 20, 2000);
	conf = rel_conf("wal", "interval = 1s\nhost_delay = 0\n%s", src);
	free(src);
	pid = rel_spawn("wal.log", NULL, "-c", conf, "run", (char *)NULL);
	T_EQ_INT(wait_db(db, "SELECT count(*) FROM mentions", 160, 20000), 160);
	reader = hold_reader(db, &ctl);
	/* New items every round until the log is well past STORE_WAL_MAX;
	 * rounds keep their pace (the checkpoint does not wait for the
	 * reader in the writer's busy timeout). */
	t0 = rel_now_ms();
	while ((peak = file_size(wal)) < STORE_WAL_MAX + 4 * 1024 * 1024 &&
	       rel_now_ms() - t0 < 90000) {
		char sql[128];
		int64_t r0 = rel_now_ms();

		v++;
		serve("wal", 8, v, 20 + 100 * v, 2000);
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM sources WHERE etag LIKE '%%-v%d\"'", v);
		T_EQ_INT(wait_db(db, sql, 8, 30000), 8);
		if (rel_now_ms() - r0 > slowest)
			slowest = rel_now_ms() - r0;
	}
	fprintf(stderr, "  write-ahead log at %ld bytes after %d versions with a reader open; "
			"slowest round %lld ms\n", peak, v, (long long)slowest);
	T_ASSERT(peak > STORE_WAL_MAX);
	T_ASSERT(slowest < 10000);
	/* The reader ends; the next commits checkpoint the log away. */
	if (write(ctl, "x", 1) != 1)
		exit(99);
	close(ctl);
	waitpid(reader, &status, 0);
	T_EQ_INT(WEXITSTATUS(status), 0);
	t0 = rel_now_ms();
	while ((after = file_size(wal)) > 1024 * 1024 && rel_now_ms() - t0 < 15000)
		rel_sleep_ms(200);
	fprintf(stderr, "  %ld bytes %lld ms after the reader ended\n", after,
		(long long)(rel_now_ms() - t0));
	T_ASSERT(after <= 1024 * 1024);
	kill(pid, SIGTERM);
	T_EQ_INT(rel_reap(pid, "wal.log", NULL), 0);
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM mentions"), 8 * (20 + 100 * v));
}

/* --- the wall clock steps ------------------------------------------------ */

/* Requests for the clock sources so far. */
static int
clock_requests(void)
{
	int n = 0;

	for (int i = 0; i < 4; i++) {
		char path[32];

		snprintf(path, sizeof(path), "/clock%d", i);
		n += httpd_count(&srv, path);
	}
	return n;
}

static void
test_clock_step(void)
{
	const char *conf, *db = rel_db("clock"), *stamp = t_tmp("faketime.rc");
	char *src = sources("clock", 4), preload[256];
	const char *env[] = { preload, NULL, "FAKETIME_DONT_FAKE_MONOTONIC=1",
			      "FAKETIME_NO_CACHE=1",
			      "ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:verify_asan_link_order=0",
			      NULL };
	char stampenv[1100];
	int n0, n1, n2;
	long long n3;
	long long back;
	pid_t pid;

	if (access(FAKETIME_LIB, R_OK) != 0) {
		t_fail(__FILE__, __LINE__, "%s missing: apt-get install faketime "
					   "(scripts/install-deps --test)", FAKETIME_LIB);
		free(src);
		return;
	}
	snprintf(preload, sizeof(preload), "LD_PRELOAD=%s", FAKETIME_LIB);
	snprintf(stampenv, sizeof(stampenv), "FAKETIME_TIMESTAMP_FILE=%s", stamp);
	env[1] = stampenv;
	t_write_file(stamp, "+0\n");
	httpd_reset(&srv);
	serve("clock", 4, 1, 5, 100);
	conf = rel_conf("clock", "interval = 1s\nhost_delay = 0\n%s", src);
	free(src);
	pid = rel_spawn("clock.log", env, "-c", conf, "run", (char *)NULL);
	T_ASSERT(httpd_wait_count(&srv, NULL, 4, 20000) >= 4);
	rel_sleep_ms(3000);
	n0 = clock_requests();
	/* An hour back. */
	t_write_file(stamp, "-3600\n");
	rel_sleep_ms(4000);
	n1 = clock_requests();
	back = rel_db_int(db, "SELECT min(strftime('%s', 'now') - unixepoch(last_fetch_at)) FROM sources");
	/* Two hours forward of that. */
	t_write_file(stamp, "+3600\n");
	rel_sleep_ms(4000);
	n2 = clock_requests();
	n3 = rel_db_int(db, "SELECT max(unixepoch(next_fetch_at) - unixepoch(last_fetch_at)) FROM sources");
	kill(pid, SIGTERM);
	T_EQ_INT(rel_reap(pid, "clock.log", NULL), 0);
	fprintf(stderr, "  requests: %d before, %d in 4 s an hour back, %d in 4 s an hour ahead; "
			"last fetch stored %lld s behind the real clock\n", n0, n1 - n0, n2 - n1, back);
	/* The step took: fetches were stored with the faked, earlier time. */
	T_ASSERT(back >= 3500);
	/* 4 sources on a 1 s interval: about 16 requests in 4 s either way;
	 * a stall would give none, a storm many more. */
	T_ASSERT(n1 - n0 >= 10 && n1 - n0 <= 24);
	T_ASSERT(n2 - n1 >= 10 && n2 - n1 <= 24);
	/* Stored schedules stay one interval (+-10 %) apart. */
	T_ASSERT(n3 >= 0 && n3 <= 2);
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	if (httpd_start(&srv, NULL) < 0)
		return 1;
	REL_RUN(test_lock_holder);
	REL_RUN(test_wal_reader);
	REL_RUN(test_clock_step);
	/* Last: it moves this process into a mount namespace. */
	REL_RUN(test_disk_full);
	httpd_stop(&srv);
	return t_report();
}
