/* fuzz_sql.c - what a person may type at earshot query, on arbitrary
 * bytes: query_prepare() and query_next() over a real earshot database
 * opened read-only, with the authorizer and a 50 ms budget.  Whatever the
 * SQL, the database file is never changed (size, modification time and
 * its write-ahead log stay as they were), a statement that prepares is
 * read-only, and a runaway query stops at its budget. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/when.h"
#include "store/query.h"
#include "store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_BUDGET_MS 50

static struct store *ro;
static char dir[64] = "/tmp/es-fuzz-sql-XXXXXX", path[128], wal[140];
static struct stat before;

static void
cleanup(void)
{
	char f[160];

	store_close(ro);
	unlink(path);
	snprintf(f, sizeof(f), "%s-shm", path);
	unlink(f);
	unlink(wal);
	rmdir(dir);
}

/* A small earshot database: two sources, a few mentions with brands. */
static void
setup(void)
{
	static const char *const brands[] = { "acme" };
	struct store *rw;
	struct store_source src = { 0 };
	struct mention m[3];
	struct store_item it[3];
	struct store_fetch f = { .ok = true, .status = 200, .etag = "\"v1\"" };
	char err[ES_ERRLEN];

	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof(path), "%s/fuzz.db", dir);
	snprintf(wal, sizeof(wal), "%s-wal", path);
	if (store_open(path, STORE_RW, &rw, err, sizeof(err)) ||
	    store_source_sync(rw, "news", "https://news.example/feed", &src, err, sizeof(err)))
		abort();
	for (int i = 0; i < 3; i++) {
		mention_init(&m[i]);
		m[i].guid = (char *)(i == 0 ? "g0" : i == 1 ? "g1" : "g2");
		m[i].title = (char *)"Acme cloud outage";
		m[i].text = (char *)(i ? "refund please, terrible support" : "I love acme");
		m[i].published = 1795000000 - i * 3600;
		it[i] = (struct store_item){ .m = &m[i], .sentiment = i ? -0.6 : 0.7,
					     .label = i ? -1 : 1, .scorer = 1, .brands = brands,
					     .nbrands = 1 };
	}
	f.source_id = src.id;
	f.fetched_at = 1795000000;
	f.next_fetch_at = 1795000900;
	if (store_ingest(rw, &f, it, 3, NULL, err, sizeof(err)))
		abort();
	store_source_reset(&src);
	store_close(rw);
	if (store_open(path, STORE_RO, &ro, err, sizeof(err)))
		abort();
	stat(path, &before);
	atexit(cleanup);
}

static void
check_unchanged(void)
{
	struct stat now, w;

	if (stat(path, &now) || now.st_size != before.st_size ||
	    now.st_mtim.tv_sec != before.st_mtim.tv_sec ||
	    now.st_mtim.tv_nsec != before.st_mtim.tv_nsec)
		abort();
	if (stat(wal, &w) == 0 && w.st_size != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct query *q;
	char *sql, err[ES_ERRLEN];
	int64_t t0;
	enum es_err rc;

	if (!ro)
		setup();
	sql = malloc(size + 1);
	memcpy(sql, data, size);
	sql[size] = '\0';
	t0 = when_mono_ms();
	if (query_prepare(ro, sql, FUZZ_BUDGET_MS, &q, err, sizeof(err)) == ES_OK) {
		for (int rows = 0; rows < 1000; rows++) {
			if ((rc = query_next(q, err, sizeof(err))) != ES_OK)
				break;
			for (int c = 0; c < query_columns(q); c++)
				(void)query_column_text(q, c, NULL);
		}
		query_free(q);
	}
	/* The budget, plus one progress interval and a loaded machine. */
	if (when_mono_ms() - t0 > 5000 + FUZZ_BUDGET_MS)
		abort();
	check_unchanged();
	free(sql);
	return 0;
}
