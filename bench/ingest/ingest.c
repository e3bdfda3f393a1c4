/* ingest.c - store throughput: earshot's store_ingest() against the limit, a
 * raw SQLite batched INSERT of the same rows into the same schema (same
 * indexes, same FTS5 triggers).  Run by bench/ingest/run.sh.
 *
 *   ingest earshot|raw DB N BATCH SEED
 *
 * Prints one line: MODE N BATCH seconds rows/s */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/when.h"
#include "store/store.h"
#include "store/store_int.h"

static uint64_t rng;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static const char *const words[] = {
	"acme", "cloud", "refund", "great", "support", "outage", "slow", "love", "hate", "order",
	"delivery", "app", "update", "crash", "price", "service", "team", "account", "login",
	"still", "waiting", "never", "again", "thanks", "amazing", "broken", "fixed", "today",
	"customer", "ticket", "billing", "charged", "twice", "review", "stars", "phone", "help",
};

static void
sentence(char *out, size_t len, int nwords)
{
	size_t o = 0;

	for (int i = 0; i < nwords && o + 16 < len; i++)
		o += (size_t)snprintf(out + o, len - o, "%s%s", i ? " " : "",
				      words[next() % (sizeof(words) / sizeof(*words))]);
	out[o] = '\0';
}

struct row {
	char guid[64], url[96], title[128], text[512];
};

static void
make_row(struct row *r, uint64_t i)
{
	uint64_t h = next();

	snprintf(r->guid, sizeof(r->guid), "https://example%02d.com/post/%016" PRIx64,
		 (int)(h % 50), h ^ i);
	snprintf(r->url, sizeof(r->url), "%s?ref=feed", r->guid);
	sentence(r->title, sizeof(r->title), 8);
	sentence(r->text, sizeof(r->text), 40);
}

static double
run_earshot(const char *path, long n, int batch)
{
	static const char *const brands[] = { "acme", "globex" };
	char err[ES_ERRLEN];
	struct store *s;
	struct store_source src = { 0 };
	struct row *rows = calloc((size_t)batch, sizeof(*rows));
	struct mention *m = calloc((size_t)batch, sizeof(*m));
	struct store_item *items = calloc((size_t)batch, sizeof(*items));
	int64_t t0;

	if (store_open(path, STORE_RW, &s, err, sizeof(err)) ||
	    store_source_sync(s, "bench", "http://bench/", &src, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	t0 = when_mono_ms();
	for (long done = 0; done < n; done += batch) {
		struct store_fetch f = { .source_id = src.id, .ok = true, .status = 200 };
		int k = (int)(n - done < batch ? n - done : batch);

		for (int i = 0; i < k; i++) {
			make_row(&rows[i], (uint64_t)(done + i));
			mention_init(&m[i]);
			m[i].guid = rows[i].guid;
			m[i].url = rows[i].url;
			m[i].title = rows[i].title;
			m[i].text = rows[i].text;
			m[i].published = 1790000000 + (int64_t)(next() % 8640000);
			items[i] = (struct store_item){ .m = &m[i], .sentiment = -0.3, .label = -1,
							.scorer = 1, .brands = brands,
							.nbrands = 1 + (next() & 1) };
		}
		if (store_ingest(s, &f, items, (size_t)k, NULL, err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			exit(1);
		}
	}
	store_source_reset(&src);
	store_close(s);
	free(rows);
	free(m);
	free(items);
	return (when_mono_ms() - t0) / 1000.0;
}

/* The limit: the same schema, plain prepared INSERTs, BATCH rows a
 * transaction, no upsert, no per-row source update. */
static double
run_raw(const char *path, long n, int batch)
{
	sqlite3 *db;
	sqlite3_stmt *ins, *br;
	struct row r;
	int64_t t0;

	sqlite3_open(path, &db);
	sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
			 "PRAGMA foreign_keys=ON",
		     NULL, NULL, NULL);
	sqlite3_exec(db, store_migrations[0].sql, NULL, NULL, NULL);
	sqlite3_exec(db, "INSERT INTO sources(id,name,url,created_at) VALUES(1,'b','http://b/','x')",
		     NULL, NULL, NULL);
	if (getenv("NOFTS"))
		sqlite3_exec(db, "DROP TRIGGER mentions_fts_insert", NULL, NULL, NULL);
	if (getenv("NOUNIQUE"))
		sqlite3_exec(db, "DROP INDEX IF EXISTS mentions_counted_at", NULL, NULL, NULL);
	sqlite3_prepare_v2(db,
			   "INSERT INTO mentions (source_id, guid, url, title, text, published_at, "
			   "first_seen_at, counted_at, sentiment, label, scorer) VALUES "
			   "(1, ?1, ?2, ?3, ?4, ?5, ?5, ?5, -0.3, 'negative', 1)",
			   -1, &ins, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO mention_brands (brand, mention_id) VALUES (?1, ?2)", -1,
			   &br, NULL);
	t0 = when_mono_ms();
	for (long done = 0; done < n; done += batch) {
		sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
		for (long i = done; i < done + batch && i < n; i++) {
			char iso[WHEN_ISOLEN];
			int nb;

			make_row(&r, (uint64_t)i);
			when_fmt_iso(1790000000 + (int64_t)(next() % 8640000), iso);
			nb = 1 + (int)(next() & 1);
			sqlite3_bind_text(ins, 1, r.guid, -1, SQLITE_STATIC);
			sqlite3_bind_text(ins, 2, r.url, -1, SQLITE_STATIC);
			sqlite3_bind_text(ins, 3, r.title, -1, SQLITE_STATIC);
			sqlite3_bind_text(ins, 4, r.text, -1, SQLITE_STATIC);
			sqlite3_bind_text(ins, 5, iso, -1, SQLITE_STATIC);
			sqlite3_step(ins);
			sqlite3_reset(ins);
			for (int b = 0; b < nb; b++) {
				sqlite3_bind_text(br, 1, b ? "globex" : "acme", -1, SQLITE_STATIC);
				sqlite3_bind_int64(br, 2, sqlite3_last_insert_rowid(db));
				sqlite3_step(br);
				sqlite3_reset(br);
			}
		}
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	}
	sqlite3_finalize(ins);
	sqlite3_finalize(br);
	sqlite3_close(db);
	return (when_mono_ms() - t0) / 1000.0;
}

int
main(int argc, char **argv)
{
	long n;
	int batch;
	double secs;

	if (argc != 6) {
		fprintf(stderr, "usage: ingest earshot|raw DB N BATCH SEED\n");
		return 2;
	}
	n = strtol(argv[3], NULL, 10);
	batch = (int)strtol(argv[4], NULL, 10);
	rng = strtoull(argv[5], NULL, 10) | 1;
	remove(argv[2]);
	secs = strcmp(argv[1], "raw") == 0 ? run_raw(argv[2], n, batch) : run_earshot(argv[2], n, batch);
	printf("%s %ld %d %.3f %.0f\n", argv[1], n, batch, secs, n / secs);
	return 0;
}
