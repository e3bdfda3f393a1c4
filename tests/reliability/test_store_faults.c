/* test_store_faults.c - the store under faults: the disk filling up during
 * a commit (a real, small tmpfs), another process holding the write lock,
 * and a reader holding the write-ahead log open. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/when.h"
#include "store/store.h"
#include "tests/fixture.h"
#include "tests/reliability/rellib.h"
#include "tests/test.h"

/* Batch k: n mentions with guids "k-0".."k-(n-1)" and about 1 KiB of text. */
static enum es_err
ingest_batch(struct store *s, int64_t source_id, int k, int n, char *err, size_t errlen)
{
	struct mention *m = calloc((size_t)n, sizeof(*m));
	struct store_item *items = calloc((size_t)n, sizeof(*items));
	char (*guids)[32] = calloc((size_t)n, 32);
	char text[1100];
	struct store_fetch f = { .source_id = source_id, .ok = true, .status = 200 };
	enum es_err rc;

	for (size_t i = 0; i + 1 < sizeof(text); i++)
		text[i] = "abcdefghij klmnopqrst uvwxyz "[(i * 7 + (size_t)k) % 29];
	text[sizeof(text) - 1] = '\0';
	for (int i = 0; i < n; i++) {
		snprintf(guids[i], 32, "%d-%d", k, i);
		mention_init(&m[i]);
		m[i].guid = guids[i];
		m[i].title = "a title long enough to take some room in the index";
		m[i].text = text;
		items[i] = (struct store_item){ .m = &m[i] };
	}
	rc = store_ingest(s, &f, items, (size_t)n, NULL, err, errlen);
	free(m);
	free(items);
	free(guids);
	return rc;
}

/* The disk fills during a commit: the transaction rolls back, the store
 * stays usable and consistent, and ingest resumes when space returns.
 * Runs in a child so the mount namespace stays there. */
static int
disk_full_child(const char *dir)
{
	char db[512], filler[512], err[ES_ERRLEN];
	struct store *s;
	struct store_source src = { 0 };
	int failures = 0;
	enum es_err rc;

	if (rel_tmpfs(dir, 6L * 1024 * 1024))
		return 10;
	snprintf(db, sizeof(db), "%s/full.db", dir);
	snprintf(filler, sizeof(filler), "%s/filler", dir);
	if (store_open(db, STORE_RW, &s, err, sizeof(err)) ||
	    store_source_sync(s, "src", "http://s/", &src, err, sizeof(err)) ||
	    ingest_batch(s, src.id, 1, 100, err, sizeof(err)))
		return 11;
	rel_fill_disk(filler);
	rc = ingest_batch(s, src.id, 2, 2000, err, sizeof(err));
	if (rc != ES_EFULL) {
		fprintf(stderr, "expected disk full, got %s: %s\n", es_strerror(rc), err);
		failures++;
	}
	/* Nothing of the failed batch is there; the store still reads. */
	if (fixture_int(db, "SELECT count(*) FROM mentions") != 100 ||
	    fixture_int(db, "SELECT count(*) FROM mentions WHERE guid LIKE '2-%'") != 0)
		failures++;
	store_source_reset(&src);
	if (store_source_get(s, "src", &src, err, sizeof(err)) != ES_OK)
		failures++;
	unlink(filler);
	rc = ingest_batch(s, src.id, 2, 2000, err, sizeof(err));
	if (rc != ES_OK) {
		fprintf(stderr, "after freeing space: %s: %s\n", es_strerror(rc), err);
		failures++;
	}
	store_source_reset(&src);
	store_close(s);
	if (fixture_int(db, "SELECT count(*) FROM mentions") != 2100 ||
	    fixture_int(db, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check='ok'") != 1)
		failures++;
	return failures ? 20 + failures : 0;
}

static void
test_disk_full(void)
{
	const char *dir = t_tmp("small-fs");
	int status;
	pid_t pid;

	mkdir(dir, 0700);
	if ((pid = fork()) == 0)
		_exit(disk_full_child(dir));
	waitpid(pid, &status, 0);
	T_ASSERT(WIFEXITED(status));
	T_EQ_INT(WEXITSTATUS(status), 0);
}

/* Another process holds the write lock for seconds: the writer waits and
 * succeeds; past the busy timeout it gives up cleanly, changing nothing. */
static void
test_lock_holder(void)
{
	const char *path = t_tmp("lock.db");
	char err[ES_ERRLEN];
	struct store *s;
	struct store_source src = { 0 };
	int64_t t0, waited;
	pid_t pid;

	T_EQ_INT(store_open(path, STORE_RW, &s, err, sizeof(err)), ES_OK);
	T_EQ_INT(store_source_sync(s, "src", "http://s/", &src, err, sizeof(err)), ES_OK);
	pid = rel_hold_lock(path, 2000);
	t0 = when_mono_ms();
	T_EQ_INT(ingest_batch(s, src.id, 1, 50, err, sizeof(err)), ES_OK);
	waited = when_mono_ms() - t0;
	T_ASSERT(waited >= 1500);
	waitpid(pid, NULL, 0);

	/* Held until the writer has given up: SQLite's busy timeout sums its
	 * sleeps, which a busy machine stretches, so no fixed hold is sure
	 * to outlast it. */
	pid = rel_hold_lock(path, 120000);
	T_EQ_INT(ingest_batch(s, src.id, 2, 50, err, sizeof(err)), ES_EBUSY);
	T_EQ_INT(rel_release_lock(pid), 0);
	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM mentions"), 50);
	T_EQ_INT(ingest_batch(s, src.id, 2, 50, err, sizeof(err)), ES_OK);
	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM mentions"), 100);
	store_source_reset(&src);
	store_close(s);
}

static long
file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* A reader holding a transaction open lets the WAL grow; once it ends, the
 * next checkpoint brings the WAL back down. */
static void
test_wal_reader(void)
{
	const char *path = t_tmp("wal.db");
	char wal[1024], err[ES_ERRLEN];
	struct store *s;
	struct store_source src = { 0 };
	sqlite3 *reader;
	sqlite3_stmt *st;

	snprintf(wal, sizeof(wal), "%s-wal", path);
	T_EQ_INT(store_open(path, STORE_RW, &s, err, sizeof(err)), ES_OK);
	T_EQ_INT(store_source_sync(s, "src", "http://s/", &src, err, sizeof(err)), ES_OK);
	sqlite3_open_v2(path, &reader, SQLITE_OPEN_READONLY, NULL);
	sqlite3_exec(reader, "BEGIN", NULL, NULL, NULL);
	sqlite3_prepare_v2(reader, "SELECT count(*) FROM mentions", -1, &st, NULL);
	T_EQ_INT(sqlite3_step(st), SQLITE_ROW);
	for (int k = 1; k <= 12; k++)
		T_EQ_INT(ingest_batch(s, src.id, k, 1000, err, sizeof(err)), ES_OK);
	T_ASSERT(file_size(wal) > STORE_WAL_MAX);
	T_EQ_INT(store_checkpoint(s, err, sizeof(err)), ES_EBUSY);
	sqlite3_finalize(st);
	sqlite3_exec(reader, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(reader);
	T_EQ_INT(store_checkpoint(s, err, sizeof(err)), ES_OK);
	T_ASSERT(file_size(wal) < 1024 * 1024);
	T_EQ_INT(fixture_int(path, "SELECT count(*) FROM mentions"), 12000);
	store_source_reset(&src);
	store_close(s);
}

int
main(void)
{
	T_RUN(test_disk_full);
	T_RUN(test_lock_holder);
	T_RUN(test_wal_reader);
	return t_report();
}
