/* ingest.c - ingest throughput: earshot end to end (parse, match, score,
 * store) and the store alone, against the limit: a raw batched SQLite
 * INSERT of the same rows into the same schema (same indexes, same FTS5
 * trigger).  Run by bench/ingest/run, never by ctest.
 *
 *   ingest MODE DB N [-b BATCH] [-S SOURCES] [-r SEED] [-o] [-v VARIANT]...
 *
 * MODE
 *   e2e    one RSS 2.0 document of 35 items per fetch, through
 *          parse_document(), matcher_run() (two brands), senti_score_mention()
 *          and store_ingest(), one source's fetch per document, BATCH fetches
 *          (sources) per transaction (default 1, as each source commits
 *          alone; more uses store_ingest's savepoints)
 *   store  the same rows straight into store_ingest(): what the store costs
 *   raw    the same rows by plain prepared INSERTs, BATCH rows a
 *          transaction (default 1000), the full-text index filled by one
 *          INSERT ... SELECT per transaction as store_commit() does: no
 *          tombstone check, no upsert, no source update
 * Options
 *   -S SOURCES  fetches go round SOURCES sources (default 1000); 1 puts
 *               every row under one source, as a single random-order text
 *               key would
 *   -t          e2e on two threads, as the crawler does: parse, match and
 *               score on this one, store on a writer thread (crawler/
 *               worker.h) that commits what queued up, up to BATCH
 *               sources, in one transaction, at most 64 documents waiting
 *   -o          guids in increasing order (a well-ordered key) instead of
 *               random ones, as feeds give
 *   -v VARIANT  changes the schema first (any mode): nofts (no FTS5
 *               trigger), nounique (no UNIQUE (source_id, guid): raw only),
 *               nocounted (no counted_at index), detail-column, detail-none
 *               (FTS5 detail=), prefix (FTS5 prefix='2 3'), ascii (FTS5
 *               ascii tokenizer), cache64 (a 64 MiB page cache),
 *               fts-trigger (schema version 1's FTS5 insert trigger, as
 *               earshot indexed before: one FTS5 flush per row)
 *
 * Rows are generated from SEED, chunk by chunk, outside the timed part;
 * only processing is timed (wall clock: the disk's share counts).
 * Prints one line:
 *   MODE N SECONDS CPU_SECONDS MENTIONS_PER_S STORED PEAK_RSS_KIB DB_BYTES */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analysis/match.h"
#include "crawler/worker.h"
#include "analysis/sentiment.h"
#include "core/buf.h"
#include "core/conf.h"
#include "core/when.h"
#include "parsers/parse.h"
#include "store/store.h"
#include "store/store_int.h"

#define ITEMS 35 /* per document: the crawl benchmark's feeds average 35 */

static uint64_t rng;
static int ordered, threaded;
static uint64_t serial;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static const char *const words[] = {
	"cloud", "refund", "great", "support", "outage", "slow", "love", "hate", "order",
	"delivery", "app", "update", "crash", "price", "service", "team", "account", "login",
	"still", "waiting", "never", "again", "thanks", "amazing", "broken", "fixed", "today",
	"customer", "ticket", "billing", "charged", "twice", "review", "stars", "phone", "help",
	"the", "a", "is", "was", "my", "for", "and", "not", "very", "so", "but", "with",
};

static void
sentence(char *out, size_t len, int nwords, const char *plant)
{
	size_t o = (size_t)snprintf(out, len, "%s", plant);

	for (int i = 0; i < nwords && o + 16 < len; i++)
		o += (size_t)snprintf(out + o, len - o, " %s",
				      words[next() % (sizeof(words) / sizeof(*words))]);
	out[o] = '\0';
}

struct row {
	char guid[64], url[96], title[128], text[512], author[24];
	int64_t published;
	int source;   /* 1-based */
};

static void
make_row(struct row *r, int source)
{
	uint64_t h = next();

	if (ordered)
		snprintf(r->guid, sizeof(r->guid), "https://site%04d.example.com/post/%016" PRIx64,
			 source, ++serial);
	else
		snprintf(r->guid, sizeof(r->guid), "https://site%04d.example.com/post/%016" PRIx64,
			 source, h);
	snprintf(r->url, sizeof(r->url), "%s?ref=feed", r->guid);
	sentence(r->title, sizeof(r->title), 8, "Acme");
	sentence(r->text, sizeof(r->text), 40, next() & 1 ? "globex and acme:" : "acme:");
	snprintf(r->author, sizeof(r->author), "user%d", (int)(next() % 5000));
	r->published = 1790000000 + (int64_t)(next() % 8640000);
	r->source = source;
}

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *what, const char *msg)
{
	fprintf(stderr, "ingest: %s: %s\n", what, msg);
	exit(1);
}

/* ---- the schema and its variants ------------------------------------ */

static char *
replace(char *s, const char *from, const char *to)
{
	char *p = strstr(s, from), *o;

	if (!p)
		die("variant", from);
	o = malloc(strlen(s) + strlen(to) + 1);
	memcpy(o, s, (size_t)(p - s));
	strcpy(o + (p - s), to);
	strcat(o, p + strlen(from));
	free(s);
	return o;
}

static int has_variant[16];
static const char *const variant_names[] = { "nofts", "nounique", "nocounted", "detail-column",
					      "detail-none", "prefix", "ascii", "cache64", "fts-trigger",
					      NULL };
enum { V_NOFTS, V_NOUNIQUE, V_NOCOUNTED, V_DETAIL_COLUMN, V_DETAIL_NONE, V_PREFIX, V_ASCII,
       V_CACHE64, V_FTS_TRIGGER };

/* Creates DB with the schema of store_migrations (changed by the variants)
 * and marks it as earshot's, so that store_open() takes it as it is. */
static void
make_db(const char *path)
{
	char *sql = strdup(store_migrations[0].sql), pragma[160], *err = NULL;
	const char *tok = "tokenize='unicode61 remove_diacritics 2'";
	sqlite3 *db;

	if (has_variant[V_NOUNIQUE])
		sql = replace(sql, ",\n  UNIQUE (source_id, guid)\n", "\n");
	if (has_variant[V_NOCOUNTED])
		sql = replace(sql, "CREATE INDEX mentions_counted_at ON mentions(counted_at);\n", "");
	if (has_variant[V_DETAIL_COLUMN])
		sql = replace(sql, tok, "tokenize='unicode61 remove_diacritics 2', detail=column");
	if (has_variant[V_DETAIL_NONE])
		sql = replace(sql, tok, "tokenize='unicode61 remove_diacritics 2', detail=none");
	if (has_variant[V_PREFIX])
		sql = replace(sql, tok, "tokenize='unicode61 remove_diacritics 2', prefix='2 3'");
	if (has_variant[V_ASCII])
		sql = replace(sql, tok, "tokenize='ascii'");
	remove(path);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		die(path, sqlite3_errmsg(db));
	snprintf(pragma, sizeof(pragma), "PRAGMA application_id = %d; PRAGMA user_version = %d;",
		 0x45415253, store_migrations[store_nmigrations - 1].version);
	if (sqlite3_exec(db, "PRAGMA auto_vacuum = INCREMENTAL; PRAGMA journal_mode = WAL", NULL,
			 NULL, &err) ||
	    sqlite3_exec(db, sql, NULL, NULL, &err))
		die("schema", err);
	for (size_t i = 1; i < store_nmigrations; i++)
		if (sqlite3_exec(db, store_migrations[i].sql, NULL, NULL, &err))
			die("schema", err);
	if (sqlite3_exec(db, pragma, NULL, NULL, &err))
		die("schema", err);
	/* Version 1's trigger, to measure what it cost. */
	if (has_variant[V_FTS_TRIGGER] &&
	    sqlite3_exec(db, "CREATE TRIGGER IF NOT EXISTS mentions_fts_insert AFTER INSERT ON "
			     "mentions BEGIN INSERT INTO mentions_fts(rowid, title, text) VALUES "
			     "(new.id, new.title, new.text); END", NULL, NULL, &err))
		die("schema", err);
	sqlite3_close(db);
	free(sql);
}

/* ---- earshot: store alone, and end to end --------------------------- */

struct sink {
	struct mention m[ITEMS * 2];
	size_t n;
};

static enum es_err
collect(struct mention *m, void *ctx)
{
	struct sink *k = ctx;

	if (k->n < ITEMS * 2) {
		k->m[k->n++] = *m;
		mention_init(m);
	}
	return ES_OK;
}

/* An RSS 2.0 document of the rows, as a feed would serve them. */
static void
make_doc(struct buf *b, const struct row *rows, size_t n)
{
	buf_reset(b);
	buf_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>"
		      "<title>Site %d</title><link>https://site%04d.example.com/</link>\n",
		   rows[0].source, rows[0].source);
	for (size_t i = 0; i < n; i++) {
		char date[64];
		time_t t = (time_t)rows[i].published;
		struct tm tm;

		strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", gmtime_r(&t, &tm));
		buf_printf(b, "<item><guid>%s</guid><title>%s</title><link>%s</link>"
			      "<description>%s</description><author>%s</author>"
			      "<pubDate>%s</pubDate></item>\n",
			   rows[i].guid, rows[i].title, rows[i].url, rows[i].text, rows[i].author, date);
	}
	buf_puts(b, "</channel></rss>\n");
}

struct earshot {
	struct store *st;
	int64_t *source_ids;
	struct matcher *matcher;
	struct match_ctx *mctx;
	struct senti *senti;
	size_t stored;
};

static void
earshot_open(struct earshot *e, const char *path, int nsources)
{
	static const char brands[] = "[brand acme]\nquery = acme\n[brand globex]\nquery = globex\n";
	char err[ES_ERRLEN];
	struct conf *c = conf_load_string(brands, "bench.conf");

	if (store_open(path, STORE_RW, &e->st, err, sizeof(err)))
		die(path, err);
	if (has_variant[V_CACHE64])
		sqlite3_exec(e->st->db, "PRAGMA cache_size = -65536", NULL, NULL, NULL);
	e->source_ids = calloc((size_t)nsources + 1, sizeof(*e->source_ids));
	store_begin(e->st, err, sizeof(err));
	for (int i = 1; i <= nsources; i++) {
		struct store_source src = { 0 };
		char name[32], url[64];

		snprintf(name, sizeof(name), "site%04d", i);
		snprintf(url, sizeof(url), "https://site%04d.example.com/feed", i);
		if (store_source_sync(e->st, name, url, &src, err, sizeof(err)))
			die("source", err);
		e->source_ids[i] = src.id;
		store_source_reset(&src);
	}
	store_commit(e->st, err, sizeof(err));
	if (!(e->matcher = matcher_new(c, err, sizeof(err))) ||
	    senti_new(NULL, &e->senti, err, sizeof(err)))
		die("analysis", err);
	e->mctx = match_ctx_new();
	conf_free(c);
}

/* Stores one fetch of n mentions (already analysed) for source. */
static void
earshot_store(struct earshot *e, int source, struct store_item *items, size_t n)
{
	struct store_fetch f = { .source_id = e->source_ids[source], .ok = true, .status = 200,
				 .etag = "\"e\"", .next_fetch_at = when_now() + 900 };
	struct store_ingest_result r;
	char err[ES_ERRLEN];

	if (store_ingest(e->st, &f, items, n, &r, err, sizeof(err)))
		die("store_ingest", err);
	e->stored += r.inserted;
}

/* Match and score one mention, as the crawler does. */
static void
earshot_analyse(struct earshot *e, const struct mention *m, struct store_item *it,
		const char **names)
{
	const size_t *idx;
	size_t nb = matcher_run(e->matcher, e->mctx, m->title, m->text, NULL, &idx);
	struct senti_score sc;

	for (size_t k = 0; k < nb && k < 4; k++)
		names[k] = matcher_name(e->matcher, idx[k]);
	senti_score_mention(e->senti, m->title, m->text, m->rating, &sc);
	*it = (struct store_item){ .m = m, .sentiment = sc.compound, .label = (int)sc.label,
				   .scorer = SENTI_VERSION, .brands = names,
				   .nbrands = nb < 4 ? nb : 4 };
}

static void
earshot_doc(struct earshot *e, const struct buf *doc, int source)
{
	static struct sink k;
	static struct store_item items[ITEMS * 2];
	static const char *names[ITEMS * 2][4];
	struct parse_opts o = { .format = PARSE_AUTO };
	char err[ES_ERRLEN];
	size_t n = 0;

	k.n = 0;
	if (parse_document(buf_str(doc), doc->len, &o, collect, &k, NULL, err, sizeof(err)))
		die("parse", err);
	for (size_t i = 0; i < k.n; i++) {
		earshot_analyse(e, &k.m[i], &items[n], names[n]);
		n += items[n].nbrands > 0; /* unmatched mentions are dropped */
	}
	earshot_store(e, source, items, n);
	for (size_t i = 0; i < k.n; i++)
		mention_reset(&k.m[i]);
}

/* ---- e2e on two threads, as the crawler's writer ------------------- */

#define PENDING_MAX 64 /* as CRAWL_MAX_PENDING */

struct job {
	struct worker_job base;
	int source;
	struct sink k;
	struct store_item items[ITEMS * 2];
	const char *names[ITEMS * 2][4];
	size_t n;
};

static struct earshot *writer_e;

/* The writer thread: as crawl.c's write_batch(), less the failure
 * bookkeeping (any failure ends the benchmark). */
static void
write_batch(void *ctx, struct worker_job *list)
{
	char err[ES_ERRLEN];
	int tx = list->next != NULL;

	(void)ctx;
	if (tx && store_begin(writer_e->st, err, sizeof(err)))
		die("begin", err);
	for (struct worker_job *w = list; w; w = w->next) {
		struct job *j = (struct job *)w;

		earshot_store(writer_e, j->source, j->items, j->n);
	}
	if (tx && store_commit(writer_e->st, err, sizeof(err)))
		die("commit", err);
}

static void
job_free(struct job *j)
{
	for (size_t i = 0; i < j->k.n; i++)
		mention_reset(&j->k.m[i]);
	free(j);
}

static void
reap(struct worker *w)
{
	struct worker_job *d = worker_done(w), *next;

	for (; d; d = next) {
		next = d->next;
		job_free((struct job *)d);
	}
}

/* Parses and analyses one document into a job for the writer. */
static struct job *
job_make(struct earshot *e, const struct buf *doc, int source)
{
	struct job *j = calloc(1, sizeof(*j));
	struct parse_opts o = { .format = PARSE_AUTO };
	char err[ES_ERRLEN];

	j->source = source;
	if (parse_document(buf_str(doc), doc->len, &o, collect, &j->k, NULL, err, sizeof(err)))
		die("parse", err);
	for (size_t i = 0; i < j->k.n; i++) {
		earshot_analyse(e, &j->k.m[i], &j->items[j->n], j->names[j->n]);
		j->n += j->items[j->n].nbrands > 0;
	}
	return j;
}

static size_t
run_threaded(const char *path, long n, int batch, int nsources, double *wall, double *cpus)
{
	struct earshot e = { 0 };
	struct row rows[ITEMS];
	struct buf doc;
	struct worker *w;
	long done = 0;
	int d = 0;
	double gen = 0, t0, c0;

	earshot_open(&e, path, nsources);
	writer_e = &e;
	buf_init(&doc, 0);
	w = worker_new_batch(write_batch, (size_t)batch, NULL, NULL);
	t0 = mono(), c0 = cpu();
	while (done < n) {
		int k = (int)(n - done < ITEMS ? n - done : ITEMS), source = d++ % nsources + 1;
		double g0 = cpu();

		for (int i = 0; i < k; i++)
			make_row(&rows[i], source);
		make_doc(&doc, rows, (size_t)k);
		gen += cpu() - g0;
		worker_push(w, &job_make(&e, &doc, source)->base);
		done += k;
		reap(w);
		while (worker_pending(w) >= PENDING_MAX) {
			usleep(50);
			reap(w);
		}
	}
	worker_drain(w);
	reap(w);
	worker_free(w);
	store_close(e.st);
	/* NOTE: making the rows and documents is this thread's work too, but
	 * not earshot's: it is taken out of the CPU time, and out of the wall
	 * time on the assumption that it ran while the writer was busy. */
	*wall = mono() - t0 - gen;
	*cpus = cpu() - c0 - gen;
	buf_free(&doc);
	match_ctx_free(e.mctx);
	matcher_free(e.matcher);
	senti_free(e.senti);
	free(e.source_ids);
	return e.stored;
}

/* Times N mentions through earshot: docs of ITEMS rows, BATCH per
 * transaction; e2e parses them, store takes the rows as mentions. */
static size_t
run_earshot(const char *path, long n, int batch, int nsources, int e2e, double *wall,
	    double *cpus)
{
	struct earshot e = { 0 };
	struct row rows[ITEMS];
	struct buf doc;
	char err[ES_ERRLEN];
	long done = 0;
	int d = 0, inbatch = 0;

	earshot_open(&e, path, nsources);
	buf_init(&doc, 0);
	*wall = *cpus = 0;
	while (done < n) {
		int k = (int)(n - done < ITEMS ? n - done : ITEMS), source = d++ % nsources + 1;
		double t0, c0;

		for (int i = 0; i < k; i++)
			make_row(&rows[i], source);
		if (e2e)
			make_doc(&doc, rows, (size_t)k);
		t0 = mono(), c0 = cpu();
		if (batch > 1 && inbatch == 0 && store_begin(e.st, err, sizeof(err)))
			die("begin", err);
		if (e2e) {
			earshot_doc(&e, &doc, source);
		} else {
			struct mention m[ITEMS];
			struct store_item it[ITEMS];
			static const char *const names[] = { "acme", "globex" };

			for (int i = 0; i < k; i++) {
				mention_init(&m[i]);
				m[i].guid = rows[i].guid, m[i].url = rows[i].url;
				m[i].title = rows[i].title, m[i].text = rows[i].text;
				m[i].author = rows[i].author, m[i].published = rows[i].published;
				it[i] = (struct store_item){ .m = &m[i], .sentiment = -0.3,
							     .label = -1, .scorer = 1,
							     .brands = names,
							     .nbrands = 1 + (strstr(rows[i].text, "globex") != NULL) };
			}
			earshot_store(&e, source, it, (size_t)k);
		}
		done += k;
		if (batch > 1 && (++inbatch == batch || done >= n)) {
			if (store_commit(e.st, err, sizeof(err)))
				die("commit", err);
			inbatch = 0;
		}
		*wall += mono() - t0, *cpus += cpu() - c0;
	}
	buf_free(&doc);
	match_ctx_free(e.mctx);
	matcher_free(e.matcher);
	senti_free(e.senti);
	{
		double t0 = mono(), c0 = cpu();

		store_close(e.st); /* its final checkpoint is part of the cost */
		*wall += mono() - t0, *cpus += cpu() - c0;
	}
	free(e.source_ids);
	return e.stored;
}

/* ---- the limit: plain INSERTs ---------------------------------------- */

static void
check(sqlite3 *db, int rc, int want, const char *what)
{
	if (rc != want)
		die(what, sqlite3_errmsg(db));
}

static size_t
run_raw(const char *path, long n, int batch, int nsources, double *wall, double *cpus)
{
	sqlite3 *db;
	sqlite3_stmt *ins, *br, *src, *fts;
	int64_t first = 0;
	struct row r;
	long done = 0;
	int d = 0, inbatch = 0, initem = ITEMS, source = 0;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		die(path, "cannot open");
	check(db, sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
				   "PRAGMA foreign_keys=ON", NULL, NULL, NULL), SQLITE_OK, "pragma");
	if (has_variant[V_CACHE64])
		sqlite3_exec(db, "PRAGMA cache_size = -65536", NULL, NULL, NULL);
	check(db, sqlite3_prepare_v2(db, "INSERT INTO sources (id, name, url, created_at) "
				     "VALUES (?1, 'site' || ?1, 'https://x/' || ?1, 'x')", -1, &src,
				     NULL), SQLITE_OK, "prepare");
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	for (int i = 1; i <= nsources; i++) {
		sqlite3_bind_int(src, 1, i);
		check(db, sqlite3_step(src), SQLITE_DONE, "source");
		sqlite3_reset(src);
	}
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_finalize(src);
	check(db, sqlite3_prepare_v2(db,
		"INSERT INTO mentions (source_id, guid, url, title, text, author, published_at, "
		"first_seen_at, counted_at, sentiment, label, scorer) VALUES "
		"(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7, -0.3, 'negative', 1)", -1, &ins, NULL),
	      SQLITE_OK, "prepare");
	check(db, sqlite3_prepare_v2(db, "INSERT INTO mention_brands (brand, mention_id) "
				     "VALUES (?1, ?2)", -1, &br, NULL), SQLITE_OK, "prepare");
	check(db, sqlite3_prepare_v2(db, "INSERT INTO mentions_fts (rowid, title, text) "
				     "SELECT id, title, text FROM mentions WHERE id >= ?1", -1, &fts,
				     NULL), SQLITE_OK, "prepare");
	*wall = *cpus = 0;
	while (done < n) {
		char pub[WHEN_ISOLEN], seen[WHEN_ISOLEN];
		double t0, c0;
		int64_t id;

		if (initem == ITEMS) /* the same rows, in the same order, as run_earshot */
			initem = 0, source = d++ % nsources + 1;
		initem++;
		make_row(&r, source);
		t0 = mono(), c0 = cpu();
		if (inbatch == 0)
			check(db, sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK, "begin");
		when_fmt_iso(r.published, pub);
		when_fmt_iso(when_now(), seen);
		sqlite3_bind_int(ins, 1, r.source);
		sqlite3_bind_text(ins, 2, r.guid, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 3, r.url, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 4, r.title, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 5, r.text, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 6, r.author, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 7, pub, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 8, seen, -1, SQLITE_STATIC);
		check(db, sqlite3_step(ins), SQLITE_DONE, "insert");
		sqlite3_reset(ins);
		id = sqlite3_last_insert_rowid(db);
		if (inbatch == 0)
			first = id;
		for (int b = 0; b < 1 + (strstr(r.text, "globex") != NULL); b++) {
			sqlite3_bind_text(br, 1, b ? "globex" : "acme", -1, SQLITE_STATIC);
			sqlite3_bind_int64(br, 2, id);
			check(db, sqlite3_step(br), SQLITE_DONE, "brand");
			sqlite3_reset(br);
		}
		done++;
		if (++inbatch == batch || done == n) {
			if (!has_variant[V_FTS_TRIGGER] && !has_variant[V_NOFTS]) {
				/* one statement indexes the batch, as store_commit()
				 * does: FTS5 flushes once */
				sqlite3_bind_int64(fts, 1, first);
				check(db, sqlite3_step(fts), SQLITE_DONE, "fts");
				sqlite3_reset(fts);
			}
			check(db, sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK, "commit");
			inbatch = 0;
		}
		*wall += mono() - t0, *cpus += cpu() - c0;
	}
	sqlite3_finalize(ins);
	sqlite3_finalize(br);
	sqlite3_finalize(fts);
	{
		double t0 = mono(), c0 = cpu();

		sqlite3_close(db);
		*wall += mono() - t0, *cpus += cpu() - c0;
	}
	return (size_t)n;
}

int
main(int argc, char **argv)
{
	const char *mode, *path;
	int batch = -1, nsources = 1000, opt;
	long n;
	double wall, cpus;
	size_t stored;
	struct rusage ru;
	struct stat sb;

	rng = 7;
	while ((opt = getopt(argc, argv, "b:S:r:otv:")) != -1) {
		if (opt == 'b')
			batch = (int)strtol(optarg, NULL, 10);
		else if (opt == 'S')
			nsources = (int)strtol(optarg, NULL, 10);
		else if (opt == 'r')
			rng = strtoull(optarg, NULL, 10) | 1;
		else if (opt == 'o')
			ordered = 1;
		else if (opt == 't')
			threaded = 1;
		else if (opt == 'v') {
			int k = 0;

			while (variant_names[k] && strcmp(variant_names[k], optarg))
				k++;
			if (!variant_names[k])
				die("unknown variant", optarg);
			has_variant[k] = 1;
		} else {
			return 2;
		}
	}
	if (argc - optind != 3 || nsources < 1) {
		fprintf(stderr, "usage: ingest e2e|store|raw DB N [-b BATCH] [-S SOURCES] [-r SEED] "
				"[-o] [-v VARIANT]...\n");
		return 2;
	}
	mode = argv[optind], path = argv[optind + 1];
	n = strtol(argv[optind + 2], NULL, 10);
	make_db(path);
	if (!strcmp(mode, "raw"))
		stored = run_raw(path, n, batch > 0 ? batch : 1000, nsources, &wall, &cpus);
	else if (!strcmp(mode, "e2e") && threaded)
		stored = run_threaded(path, n, batch > 0 ? batch : 64, nsources, &wall, &cpus);
	else if (!strcmp(mode, "e2e") || !strcmp(mode, "store"))
		stored = run_earshot(path, n, batch > 0 ? batch : 1, nsources, !strcmp(mode, "e2e"),
				     &wall, &cpus);
	else
		die("unknown mode", mode);
	getrusage(RUSAGE_SELF, &ru);
	stat(path, &sb);
	printf("%s\t%ld\t%.3f\t%.3f\t%.0f\t%zu\t%ld\t%lld\n", mode, n, wall, cpus, (double)n / wall,
	       stored, ru.ru_maxrss, (long long)sb.st_size);
	return 0;
}
