/* crawl.c - the crawl loop: due queue -> host slots -> robots.txt -> fetch
 * -> parse -> store; see crawl.h. */
#include "crawler/crawl.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "analysis/match.h"
#include "analysis/sentiment.h"
#include "core/log.h"
#include "core/when.h"
#include "core/xalloc.h"
#include "crawler/host.h"
#include "crawler/robots.h"
#include "crawler/sched.h"
#include "crawler/worker.h"
#include "parsers/confmap.h"
#include "parsers/parse.h"

#define CRAWL_MAX_WAIT_MS 60000 /* the loop looks at its flags at least this often */
/* Fetching pauses while this many results, or results parsed from this
 * many bytes of bodies, wait for the writer: the byte cap bounds memory
 * whatever the feeds' sizes (64 results of up to max_body each did not),
 * the count lets a writer that fell behind commit many sources at once.
 * bench/ingest end to end, 300,000 mentions, two interleaved pairs: 64
 * sources a commit 15,781 and 18,577 mentions/s, 256: 19,947 and 22,654.
 * The cold crawl of 1,000 feeds could not tell them apart under load
 * (medians of four 2.29 -> 1.91 s, then 2.05 -> 2.12 s); its peak RSS
 * went from 26 to 38 MiB. */
#define CRAWL_MAX_PENDING 256
#define CRAWL_MAX_PENDING_BYTES (32 * 1024 * 1024)
#define CRAWL_WRITE_BATCH 256   /* sources committed together, at most */

struct crawl;

/* One configured source and its fetch state. */
struct src {
	struct crawl *cr;
	size_t idx;                    /* in cr->srcs */
	const struct conf_source *cs;  /* in the newest conf that has it */
	char *name;
	int64_t id;
	char *etag, *last_modified;
	int64_t failures;
	int64_t due_ms;                /* monotonic */
	struct host *host;             /* of the configured URL */
	struct host *run_host;         /* of the transfer in flight */
	char *origin;                  /* "scheme://host:port" for robots.txt */
	char *path;                    /* path and query, for robots.txt */
	bool removed;                  /* gone from feeds.conf */
	bool running;
	bool sent;                     /* its request went out */
	bool storing;                  /* its result waits for the writer */
	bool ready;                    /* in the ready list */
	int64_t heap_due;              /* due time of its entry in the due queue; -1: none */
	bool reported;                 /* has a report in this pass */
	uint64_t body_hash;            /* of the last body stored; 0: none */
	int64_t started_ms;
	struct crawl_report rep;
	char detail[ES_ERRLEN];
};

/* A robots.txt transfer for one host. */
struct robots_job {
	struct crawl *cr;
	struct host *host;
	bool sent;
};

struct crawl {
	struct conf **confs;           /* every conf loaded; the last is in force */
	size_t nconfs;
	struct store *st;
	struct crawl_pipeline pipe;
	struct matcher *matcher;       /* built from the conf in force */
	struct match_ctx *mctx;        /* the main thread's scratch for it */
	struct crawl_hooks hooks;
	struct crawl_signals sig;
	struct fetcher *fetch;
	struct worker *writer;         /* the store's thread */
	size_t pending_bytes;          /* body bytes behind the results it has not handed back */
	struct hosts hosts;
	struct src **srcs;
	size_t nsrcs;
	size_t *ready;                 /* indexes of srcs waiting for their host */
	size_t nready, capready;
	struct sched_queue due;
	uint64_t rng;
	struct crawl_totals totals;
	struct crawl_report *reports;  /* for crawl_reports() */
	bool daemon;                   /* reschedule sources after each fetch */
	char agent[ROBOTS_MAX_AGENT];
};

static const struct conf_global *
global(const struct crawl *cr)
{
	return &cr->confs[cr->nconfs - 1]->global;
}

static bool
flag(volatile sig_atomic_t *f)
{
	return f && *f;
}

/* --- sources ----------------------------------------------------------- */

/* Splits url into its origin, its path (with query) and its host name. */
static enum es_err
url_parts(const char *url, char **origin, char **path, char **host)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *h = NULL, *port = NULL, *p = NULL, *q = NULL;
	enum es_err rc = ES_EINVAL;

	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PATH, &p, 0) == CURLUE_OK) {
		curl_url_get(u, CURLUPART_PORT, &port, 0);
		curl_url_get(u, CURLUPART_QUERY, &q, 0);
		*origin = port ? xasprintf("%s://%s:%s", scheme, h, port)
			       : xasprintf("%s://%s", scheme, h);
		*path = q ? xasprintf("%s?%s", p, q) : xstrdup(p);
		*host = xstrdup(h);
		rc = ES_OK;
	}
	curl_free(scheme);
	curl_free(h);
	curl_free(port);
	curl_free(p);
	curl_free(q);
	curl_url_cleanup(u);
	return rc;
}

static void
src_free(struct src *s)
{
	free(s->name);
	free(s->etag);
	free(s->last_modified);
	free(s->origin);
	free(s->path);
	free(s);
}

static struct src *
src_find(const struct crawl *cr, const char *name)
{
	for (size_t i = 0; i < cr->nsrcs; i++)
		if (!cr->srcs[i]->removed && !strcmp(cr->srcs[i]->name, name))
			return cr->srcs[i];
	return NULL;
}

/* Puts s in the due queue at s->due_ms, unless it is there already.
 * Entries whose time no longer matches the source's are skipped when
 * they come up, so a source can move without a search of the heap. */
static void
schedule(struct crawl *cr, struct src *s)
{
	if (s->heap_due == s->due_ms)
		return;
	sched_queue_push(&cr->due, s->due_ms, s->idx);
	s->heap_due = s->due_ms;
}

/* Points s at cs and loads its row from the store (creating it). */
static enum es_err
src_sync(struct crawl *cr, struct src *s, const struct conf_source *cs, char *err,
	 size_t errlen)
{
	struct store_source row = { 0 };
	char *host = NULL;
	bool first = !s->cs, moved = first || strcmp(s->cs->url, cs->url) != 0;
	enum es_err rc;

	if ((rc = store_source_sync(cr->st, cs->name, cs->url, &row, err, errlen)))
		return rc;
	s->cs = cs;
	s->id = row.id;
	free(s->etag);
	free(s->last_modified);
	s->etag = row.etag, row.etag = NULL;
	s->last_modified = row.last_modified, row.last_modified = NULL;
	s->failures = row.failures;
	free(s->origin);
	free(s->path);
	s->origin = s->path = NULL;
	if (url_parts(cs->url, &s->origin, &s->path, &host) == ES_OK)
		s->host = hosts_get(&cr->hosts, host, global(cr)->host_delay);
	free(host);
	if (moved && !s->running && !s->storing) {
		/* At start the stored schedule holds; a URL changed by a reload
		 * is a new feed, fetched now. */
		int64_t wait = first ? row.next_fetch_at - when_now() : 0;

		s->due_ms = when_mono_ms() + (wait > 0 ? wait * 1000 : 0);
	}
	store_source_reset(&row);
	return ES_OK;
}

static struct src *
src_add(struct crawl *cr, const struct conf_source *cs, char *err, size_t errlen)
{
	struct src *s = xcalloc(1, sizeof(*s));

	s->cr = cr;
	s->heap_due = -1;
	s->name = xstrdup(cs->name);
	if (src_sync(cr, s, cs, err, errlen) != ES_OK) {
		src_free(s);
		return NULL;
	}
	cr->srcs = xreallocarray(cr->srcs, cr->nsrcs + 1, sizeof(*cr->srcs));
	s->idx = cr->nsrcs;
	cr->srcs[cr->nsrcs++] = s;
	return s;
}

/* --- reports ----------------------------------------------------------- */

static void
report_reset(struct src *s)
{
	memset(&s->rep, 0, sizeof(s->rep));
	s->rep.name = s->name;
	s->rep.source_id = s->id;
	s->detail[0] = '\0';
	s->rep.detail = s->detail;
	s->reported = false;
}

/* Counts a finished source and tells the hooks. */
static void
report_done(struct crawl *cr, struct src *s)
{
	struct crawl_totals *t = &cr->totals;

	s->reported = true;
	t->done++;
	if (fetch_outcome_failed(s->rep.outcome))
		t->failed++;
	else
		t->ok++;
	t->not_modified += s->rep.outcome == FETCH_NOT_MODIFIED;
	t->inserted += s->rep.inserted;
	t->duplicates += s->rep.duplicates;
	log_info("fetched", "source=%s outcome=%s status=%d new=%zu dup=%zu unmatched=%zu ms=%lld%s%s",
		 logq(s->name), fetch_outcome_name(s->rep.outcome), s->rep.status,
		 s->rep.inserted, s->rep.duplicates, s->rep.unmatched, (long long)s->rep.elapsed_ms,
		 s->detail[0] ? " detail=" : "", s->detail[0] ? logq(s->detail) : "");
	if (cr->hooks.progress)
		cr->hooks.progress(cr->hooks.ctx, t);
}

/* --- the pipeline: parse -> store -------------------------------------- */

struct mvec {
	struct mention *v;
	size_t n, cap;
};

static enum es_err
collect(struct mention *m, void *ctx)
{
	struct mvec *mv = ctx;

	if (mv->n == mv->cap) {
		mv->cap = mv->cap ? mv->cap * 2 : 32;
		mv->v = xreallocarray(mv->v, mv->cap, sizeof(*mv->v));
	}
	mv->v[mv->n++] = *m;
	mention_init(m);  /* the strings are ours now */
	return ES_OK;
}

static void
mvec_free(struct mvec *mv)
{
	for (size_t i = 0; i < mv->n; i++)
		mention_reset(&mv->v[i]);
	free(mv->v);
}

/* The charset parameter of a Content-Type, in out ("" when none). */
static void
charset_of(const char *ctype, char *out, size_t len)
{
	const char *p = ctype ? strcasestr(ctype, "charset=") : NULL;
	size_t n;

	out[0] = '\0';
	if (!p)
		return;
	p += 8;
	if (*p == '"')
		p++;
	n = strcspn(p, "\"; \t");
	if (n < len)
		snprintf(out, len, "%.*s", (int)n, p);
}

/* Parses the body into mv; ttl_ms gets the feed's <ttl>.  On failure the
 * report says parse error. */
static void
parse_body(struct src *s, const struct fetch_result *res, struct mvec *mv, int64_t *ttl_ms)
{
	struct parse_map map;
	struct parse_opts o = { 0 };
	struct parse_result pr = { 0 };
	char charset[64];

	confmap_opts(s->cs, &map, &o);
	if (res->effective_url)
		o.base_url = res->effective_url;  /* relative links follow redirects */
	charset_of(res->content_type, charset, sizeof(charset));
	o.charset = charset[0] ? charset : NULL;
	if (parse_document(res->body.data ? res->body.data : "", res->body.len, &o, collect, mv,
			   &pr, s->detail, sizeof(s->detail)) != ES_OK) {
		s->rep.outcome = FETCH_PARSE;
		mvec_free(mv);
		memset(mv, 0, sizeof(*mv));
		return;
	}
	s->rep.parsed = mv->n;
	*ttl_ms = pr.ttl > 0 ? pr.ttl * 1000 : -1;
}

/* When the next fetch comes: the one call into sched.h. */
static int64_t
next_delay(struct crawl *cr, struct src *s, const struct fetch_result *res, int64_t ttl_ms)
{
	bool failed = fetch_outcome_failed(s->rep.outcome);
	struct sched_policy p = { .interval_ms = s->cs->interval, .jitter = SCHED_JITTER };
	struct sched_outcome o = {
		.failed = failed,
		.failures = failed ? s->failures + 1 : 0,
		.retry_after_ms = res ? fetch_retry_after_ms(res->retry_after, when_now()) : -1,
		.cache_ms = -1,
	};

	if (res && !failed) {
		o.cache_ms = fetch_cache_ms(res->cache_control, res->expires, res->date, when_now());
		if (ttl_ms > o.cache_ms)
			o.cache_ms = ttl_ms;
	}
	return sched_next_delay(&p, &o, &cr->rng);
}

/* Sentiment for one mention. */
static void
analyse(const struct crawl *cr, const struct mention *m, struct store_item *it)
{
	struct senti_score sc;

	it->m = m;
	if (!cr->pipe.senti)
		return;
	senti_score_mention(cr->pipe.senti, m->title, m->text, m->rating, &sc);
	it->sentiment = sc.compound;
	it->label = (int)sc.label;
	it->scorer = SENTI_VERSION;
}

/* Brands of one mention: appends their names to *names (growing it) and
 * returns how many, or -1 when the mention is to be dropped (it matched no
 * brand and its source does not keep unmatched mentions).  With no [brand]
 * at all nothing is filtered. */
static long
brands_of(struct crawl *cr, const struct conf_source *cs, const struct mention *m,
	  const char ***names, size_t *nnames, size_t *cap)
{
	const size_t *idx;
	size_t n;

	if (matcher_count(cr->matcher) == 0)
		return 0;
	n = matcher_run(cr->matcher, cr->mctx, m->title, m->text, cs, &idx);
	if (n == 0)
		return cs->store_unmatched ? 0 : -1;
	if (*nnames + n > *cap) {
		*cap = (*nnames + n) * 2;
		*names = xreallocarray(*names, *cap, sizeof(**names));
	}
	for (size_t i = 0; i < n; i++)
		(*names)[(*nnames)++] = matcher_name(cr->matcher, idx[i]);
	return (long)n;
}

/* One source's result on its way to the store: built on the main
 * thread, committed on the writer thread, applied on the main thread. */
struct store_job {
	struct worker_job base;       /* first: the worker's handle */
	struct crawl *cr;
	struct src *s;
	struct mvec mv;
	struct store_item *items;
	size_t nitems;                /* mentions kept after brand matching */
	const char **brands;          /* names, owned by the crawl's matcher */
	struct store_fetch f;
	char *etag, *last_modified;   /* what f points to */
	int64_t delay;                /* until the next fetch, when stored */
	uint64_t body_hash;           /* of the body parsed; 0: none */
	size_t body_len;              /* of the body parsed, for CRAWL_MAX_PENDING_BYTES */
	int64_t fetched_ms;
	enum es_err rc;
	struct crawl_report rep;      /* the hook's copy */
	char detail[ES_ERRLEN];
};

static void
job_free(struct store_job *j)
{
	mvec_free(&j->mv);
	free(j->items);
	free(j->brands);
	free(j->etag);
	free(j->last_modified);
	free(j);
}

/* The validators to keep: a 304 may omit them, then we keep what we sent. */
static void
job_validators(struct store_job *j, const struct src *s, const struct fetch_result *res)
{
	bool nm = s->rep.outcome == FETCH_NOT_MODIFIED;

	j->etag = xstrdup(res && res->etag ? res->etag : nm ? s->etag : NULL);
	j->last_modified = xstrdup(res && res->last_modified ? res->last_modified :
				   nm ? s->last_modified : NULL);
	j->f.etag = j->etag;
	j->f.last_modified = j->last_modified;
}

/* Matches brands and scores sentiment for each mention; those about no
 * brand are dropped (and counted) unless the source keeps them.  Brand
 * names are gathered in one array, and each item points into it once it
 * has stopped growing. */
static void
job_analyse(struct store_job *j, struct src *s)
{
	size_t nnames = 0, cap = 0, *first = xcalloc(j->mv.n + 1, sizeof(*first));

	j->items = xcalloc(j->mv.n + 1, sizeof(*j->items));
	for (size_t i = 0; i < j->mv.n; i++) {
		size_t before = nnames;
		long n = brands_of(j->cr, s->cs, &j->mv.v[i], &j->brands, &nnames, &cap);

		if (n < 0) {
			s->rep.unmatched++;
			continue;
		}
		first[j->nitems] = before;
		j->items[j->nitems].nbrands = (size_t)n;
		analyse(j->cr, &j->mv.v[i], &j->items[j->nitems++]);
	}
	for (size_t i = 0; i < j->nitems; i++)
		if (j->items[i].nbrands)
			j->items[i].brands = j->brands + first[i];
	free(first);
}

static void
job_prepare(struct store_job *j, struct src *s, const struct fetch_result *res)
{
	bool ok = !fetch_outcome_failed(s->rep.outcome);

	j->f.source_id = s->id;
	j->f.fetched_at = when_now();
	j->f.ok = ok;
	j->f.status = s->rep.status;
	j->f.next_fetch_at = when_now() + (j->delay + 999) / 1000;
	j->f.error = ok ? NULL : fetch_outcome_name(s->rep.outcome);
	snprintf(j->detail, sizeof(j->detail), "%s", s->detail);
	j->f.error_detail = ok ? NULL : j->detail;
	if (ok)
		job_validators(j, s, res);
	job_analyse(j, s);
	j->rep = s->rep;
	j->rep.detail = j->detail;
}

/* On the writer thread: keeps the write-ahead log from growing without
 * bound.  A reader holding a transaction open (an analyst's sqlite3, a
 * dashboard) pins the log, which then grows with every commit; SQLite's
 * own checkpoints never shrink the file, so without this it stayed at its
 * largest for as long as the daemon ran.  Cheap (one stat) until the log
 * passes STORE_WAL_MAX. */
static void
checkpoint(struct crawl *cr)
{
	char err[ES_ERRLEN];
	enum es_err rc = store_checkpoint(cr->st, err, sizeof(err));

	if (rc == ES_EBUSY)
		log_debug("checkpoint postponed", "reason=%s", logq(err));
	else if (rc != ES_OK)
		log_warn("checkpoint failed", "error=%s", logq(err));
}

/* On the writer thread: one source's mentions and state (a transaction
 * of its own, or a savepoint in the batch's). */
static void
job_store(struct crawl *cr, struct store_job *j)
{
	struct store_ingest_result ir = { 0 };

	j->rc = store_ingest(cr->st, &j->f, j->items, j->nitems, &ir, j->detail, sizeof(j->detail));
	if (j->rc == ES_OK) {
		j->rep.inserted = ir.inserted;
		j->rep.duplicates = ir.duplicates;
	} else {
		j->rep.outcome = FETCH_STORE;
	}
}

/* Marks the jobs from list up to stop (NULL: all) that were stored as
 * failed after all: their transaction was lost. */
static void
batch_lost(struct worker_job *list, const struct worker_job *stop, enum es_err rc, const char *why)
{
	for (struct worker_job *w = list; w != stop; w = w->next) {
		struct store_job *j = (struct store_job *)w;

		if (j->rc != ES_OK)
			continue;
		j->rc = rc;
		snprintf(j->detail, sizeof(j->detail), "%s", why);
		j->rep.outcome = FETCH_STORE;
		j->rep.inserted = j->rep.duplicates = 0;
	}
}

/* On the writer thread: every result that queued up while the last commit
 * ran, in one transaction, each source in a savepoint of its own (a bad
 * one undoes only itself), then the ingest hook for each once committed.
 * Under load that is up to CRAWL_WRITE_BATCH sources a commit, because a
 * commit costs: every page it touched goes to the log again, and the
 * full-text index gets a segment (bench/ingest, raw INSERT of 300,000
 * rows: 9,981 rows/s at 35 a commit, 19,801 at 2,240, 34,501 at 20,000;
 * bench/README.md, "Profiles").  Idle, a batch is one source, as before.
 * A crash loses whole sources, which are fetched again. */
static void
write_batch(void *ctx, struct worker_job *list)
{
	struct crawl *cr = ctx;
	char err[ES_ERRLEN];
	enum es_err rc;
	bool tx = list->next && store_begin(cr->st, err, sizeof(err)) == ES_OK;

	for (struct worker_job *w = list; w; w = w->next) {
		struct store_job *j = (struct store_job *)w;

		job_store(cr, j);
		if (tx && j->rc != ES_OK && !store_in_tx(cr->st)) {
			/* SQLite ended the transaction: the batch so far is lost,
			 * the rest goes one transaction each. */
			batch_lost(list, w, j->rc, j->detail);
			tx = false;
		}
	}
	if (tx && (rc = store_commit(cr->st, err, sizeof(err))) != ES_OK) {
		store_rollback(cr->st);
		batch_lost(list, NULL, rc, err);
	}
	checkpoint(cr);
	for (struct worker_job *w = list; w; w = w->next) {
		struct store_job *j = (struct store_job *)w;

		if (cr->hooks.ingested)
			cr->hooks.ingested(cr->hooks.ctx, cr->st, &j->rep);
	}
}

/* Back on the main thread: the source's new state, schedule and report. */
static void
job_apply(struct crawl *cr, struct store_job *j)
{
	struct src *s = j->s;
	bool ok = !fetch_outcome_failed(s->rep.outcome);

	s->storing = false;
	if (j->rc != ES_OK) {
		log_error("store failed", "source=%s error=%s", logq(s->name), logq(j->detail));
		s->rep.outcome = FETCH_STORE;
		snprintf(s->detail, sizeof(s->detail), "%s", j->detail);
		s->failures++;
		j->delay = next_delay(cr, s, NULL, -1);
	} else {
		s->rep.inserted = j->rep.inserted;
		s->rep.duplicates = j->rep.duplicates;
		if (ok) {
			free(s->etag);
			free(s->last_modified);
			s->etag = j->etag, j->etag = NULL;
			s->last_modified = j->last_modified, j->last_modified = NULL;
		}
		s->failures = ok ? 0 : s->failures + 1;
		if (j->body_hash)
			s->body_hash = j->body_hash;
	}
	s->rep.next_delay_ms = j->delay;
	s->rep.elapsed_ms = when_mono_ms() - s->started_ms;
	s->due_ms = j->fetched_ms + j->delay;
	if (cr->daemon && !s->removed)
		schedule(cr, s);
	report_done(cr, s);
}

/* Applies every job the writer has finished. */
static void
collect_done(struct crawl *cr)
{
	struct worker_job *w = worker_done(cr->writer), *next;

	for (; w; w = next) {
		next = w->next;
		cr->pending_bytes -= ((struct store_job *)w)->body_len;
		job_apply(cr, (struct store_job *)w);
		job_free((struct store_job *)w);
	}
}

/* FNV-1a of the body, never 0.  A third validator after ETag and
 * Last-Modified, for servers that send neither: an identical body is not
 * parsed again (within one process; the hash is not stored). */
static uint64_t
body_hash(const struct fetch_result *res)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < res->body.len; i++)
		h = (h ^ (unsigned char)res->body.data[i]) * 0x100000001b3ULL;
	return h ? h : 1;
}

/* Ends one source's turn: parse, score and schedule here, then hand the
 * result to the writer thread. */
static void
finish_source(struct crawl *cr, struct src *s, const struct fetch_result *res)
{
	struct store_job *j = xcalloc(1, sizeof(*j));
	int64_t ttl_ms = -1;

	j->cr = cr;
	j->s = s;
	j->fetched_ms = when_mono_ms();
	if (s->rep.outcome == FETCH_OK) {
		j->body_len = res->body.len;
		cr->pending_bytes += j->body_len;
		parse_body(s, res, &j->mv, &ttl_ms);
		if (s->rep.outcome == FETCH_OK)
			j->body_hash = body_hash(res);
	}
	j->delay = next_delay(cr, s, res, ttl_ms);
	job_prepare(j, s, res);
	s->storing = true;
	worker_push(cr->writer, &j->base);
}

/* --- transfers --------------------------------------------------------- */

static void
on_source_done(struct fetch_result *res, void *ctx)
{
	struct src *s = ctx;
	struct crawl *cr = s->cr;
	int64_t ra;

	host_done(s->run_host, s->sent);
	s->running = false;
	if (res->outcome == FETCH_ABORTED)
		return;  /* nothing stored: the next start fetches it again */
	/* A 429 or 503 is usually about the whole host. */
	if ((res->status == 429 || res->status == 503) &&
	    (ra = fetch_retry_after_ms(res->retry_after, when_now())) > 0)
		host_hold(s->run_host, when_mono_ms(), ra);
	s->rep.outcome = res->outcome;
	s->rep.status = res->status;
	snprintf(s->detail, sizeof(s->detail), "%s", res->detail);
	if (res->outcome == FETCH_OK && s->body_hash && body_hash(res) == s->body_hash) {
		s->rep.outcome = FETCH_NOT_MODIFIED;
		snprintf(s->detail, sizeof(s->detail), "body unchanged");
	}
	if (!s->removed)
		finish_source(cr, s, res);
}

static void
on_source_sent(void *ctx)
{
	struct src *s = ctx;

	host_sent(s->run_host, when_mono_ms(), !s->sent);
	s->sent = true;
}

static void
on_robots_sent(void *ctx)
{
	struct robots_job *j = ctx;

	host_sent(j->host, when_mono_ms(), !j->sent);
	j->sent = true;
}

static struct fetch_request
request_for(const struct crawl *cr, const struct conf_source *cs)
{
	struct fetch_request rq = {
		.url = cs->url,
		.user_agent = cs->user_agent ? cs->user_agent : global(cr)->user_agent,
		.max_body = cs->max_body,
		.timeout_ms = cs->timeout,
		.connect_timeout_ms = global(cr)->connect_timeout,
		.allow_private = cs->allow_private,
	};
	return rq;
}

static void
start_source(struct crawl *cr, struct src *s, int64_t now)
{
	struct fetch_request rq = request_for(cr, s->cs);
	char err[ES_ERRLEN];

	rq.etag = s->etag;
	rq.last_modified = s->last_modified;
	rq.on_send = on_source_sent;
	report_reset(s);
	s->started_ms = now;
	s->run_host = s->host;
	s->sent = false;
	host_started(s->host, now);
	if (fetch_start(cr->fetch, &rq, on_source_done, s, err, sizeof(err)) != ES_OK) {
		host_done(s->host, false);
		s->rep.outcome = FETCH_PROTOCOL;
		snprintf(s->detail, sizeof(s->detail), "%s", err);
		finish_source(cr, s, NULL);
		return;
	}
	s->running = true;
}

/* A source that is not fetched (robots.txt, a bad URL) still gets a turn:
 * its state and schedule are stored like any other outcome. */
static void
skip_source(struct crawl *cr, struct src *s, enum fetch_outcome o, const char *why, int64_t now)
{
	report_reset(s);
	s->started_ms = now;
	s->rep.outcome = o;
	snprintf(s->detail, sizeof(s->detail), "%s", why);
	finish_source(cr, s, NULL);
}

static void
on_robots_done(struct fetch_result *res, void *ctx)
{
	struct robots_job *j = ctx;
	struct host *h = j->host;
	int64_t now = when_mono_ms();

	host_done(h, j->sent);
	if (res->outcome == FETCH_ABORTED) {
		h->robots_state = HOST_ROBOTS_NONE;
	} else if (res->outcome == FETCH_OK ||
		   (res->outcome == FETCH_TOO_LARGE && res->status / 100 == 2)) {
		host_set_robots(h, robots_parse(res->body.data, res->body.len, j->cr->agent), now,
				HOST_ROBOTS_TTL_MS);
	} else if (res->outcome == FETCH_HTTP_4XX) {
		/* RFC 9309 §2.3.1.3: unavailable, so everything is allowed. */
		host_set_robots(h, robots_new_allow_all(), now, HOST_ROBOTS_TTL_MS);
	} else {
		/* §2.3.1.4: unreachable (5xx, 429, network): assume complete disallow. */
		log_warn("robots.txt unreachable", "host=%s outcome=%s status=%d", logq(h->name),
			 fetch_outcome_name(res->outcome), res->status);
		host_set_robots(h, robots_new_disallow_all(), now, HOST_ROBOTS_RETRY_MS);
	}
	h->robots_status = res->status;
	free(j);
}

static void
start_robots(struct crawl *cr, struct src *s, int64_t now)
{
	struct robots_job *j = xcalloc(1, sizeof(*j));
	struct fetch_request rq = request_for(cr, s->cs);
	char *url = xasprintf("%s/robots.txt", s->origin);
	char err[ES_ERRLEN];

	j->cr = cr;
	j->host = s->host;
	rq.url = url;
	rq.max_body = ROBOTS_MAX_BYTES;
	rq.keep_truncated = true;
	rq.on_send = on_robots_sent;
	s->host->robots_state = HOST_ROBOTS_FETCHING;
	host_started(s->host, now);
	if (fetch_start(cr->fetch, &rq, on_robots_done, j, err, sizeof(err)) != ES_OK) {
		host_done(s->host, false);
		host_set_robots(s->host, robots_new_disallow_all(), now, HOST_ROBOTS_RETRY_MS);
		free(j);
	}
	free(url);
}

/* Starts s if its host allows; returns 0 when s left the ready list, the
 * ms to wait, or -1 when it waits for a transfer to end. */
static int64_t
try_start(struct crawl *cr, struct src *s, int64_t now)
{
	struct host *h = s->host;
	int64_t w;

	if (!h) {
		skip_source(cr, s, FETCH_PROTOCOL, "not an http or https URL", now);
		return 0;
	}
	if (fetch_inflight(cr->fetch) >= global(cr)->concurrency ||
	    worker_pending(cr->writer) >= CRAWL_MAX_PENDING ||
	    cr->pending_bytes >= CRAWL_MAX_PENDING_BYTES)
		return -1;
	if ((w = host_wait_ms(h, (int)global(cr)->per_host, now)) != 0)
		return w;
	if (s->cs->robots && !host_robots_fresh(h, now)) {
		if (h->robots_state != HOST_ROBOTS_FETCHING)
			start_robots(cr, s, now);
		return -1;
	}
	if (s->cs->robots && !robots_allowed(h->robots, s->path)) {
		skip_source(cr, s, FETCH_ROBOTS, h->robots_status / 100 == 2 || h->robots_status / 100 == 4
				? "disallowed by robots.txt" : "robots.txt unreachable: assuming disallow",
			    now);
		return 0;
	}
	start_source(cr, s, now);
	return 0;
}

/* --- the loop ---------------------------------------------------------- */

static void
ready_push(struct crawl *cr, struct src *s)
{
	if (cr->nready == cr->capready) {
		cr->capready = cr->capready ? cr->capready * 2 : 64;
		cr->ready = xreallocarray(cr->ready, cr->capready, sizeof(*cr->ready));
	}
	cr->ready[cr->nready++] = s->idx;
	s->ready = true;
}

/* Moves the sources whose time has come from the due queue to the ready
 * list. */
static void
promote_due(struct crawl *cr, int64_t now)
{
	const struct sched_item *top;
	struct sched_item it;

	while ((top = sched_queue_peek(&cr->due)) && top->due_ms <= now) {
		struct src *s;

		sched_queue_pop(&cr->due, &it);
		s = cr->srcs[it.id];
		if (it.due_ms == s->heap_due)
			s->heap_due = -1;
		if (!s->removed && !s->running && !s->storing && !s->ready &&
		    s->due_ms == it.due_ms)
			ready_push(cr, s);
	}
}

/* Starts what the global cap and the hosts allow, in the order the
 * sources became ready; returns the ms until a waiting host frees up
 * (-1: nothing waits on a timer). */
static int64_t
start_ready(struct crawl *cr, int64_t now)
{
	int64_t wait = -1;
	size_t keep = 0;

	for (size_t i = 0; i < cr->nready; i++) {
		struct src *s = cr->srcs[cr->ready[i]];
		int64_t w;

		if (s->removed) {
			s->ready = false;
			continue;
		}
		if (flag(cr->sig.stop)) {
			cr->ready[keep++] = cr->ready[i];
			continue;
		}
		if ((w = try_start(cr, s, now)) == 0) {
			s->ready = false;
			continue;
		}
		cr->ready[keep++] = cr->ready[i];
		if (w > 0 && (wait < 0 || w < wait))
			wait = w;
	}
	cr->nready = keep;
	return wait;
}

static int
loop_timeout(const struct crawl *cr, int64_t wait, int64_t now)
{
	const struct sched_item *top = cr->daemon ? sched_queue_peek(&cr->due) : NULL;
	int64_t t = CRAWL_MAX_WAIT_MS;

	if (wait >= 0 && wait < t)
		t = wait;
	if (top && top->due_ms - now < t)
		t = top->due_ms > now ? top->due_ms - now : 0;
	return (int)t;
}

/* Runs until the pass is over (once), a flag is raised, or forever. */
/* Waits for the writer to commit every result handed to it, and applies
 * them. */
static void
settle(struct crawl *cr)
{
	worker_drain(cr->writer);
	collect_done(cr);
}

/* After a stop: lets transfers in flight finish until the grace period
 * ends, abandons the rest, and commits what arrived. */
static enum crawl_exit
wind_down(struct crawl *cr)
{
	int64_t stop_at = when_mono_ms() + CRAWL_STOP_GRACE_MS, now;

	while (fetch_inflight(cr->fetch) && (now = when_mono_ms()) < stop_at) {
		fetch_run(cr->fetch, (int)(stop_at - now));
		collect_done(cr);
	}
	if (fetch_inflight(cr->fetch)) {
		log_warn("abandoning transfers", "count=%d", fetch_inflight(cr->fetch));
		fetch_abort_all(cr->fetch);
	}
	settle(cr);
	return CRAWL_STOPPED;
}

/* Runs until the pass is over (once), a flag is raised, or forever. */
static enum crawl_exit
crawl_loop(struct crawl *cr, bool once)
{
	for (;;) {
		int64_t now, wait;

		collect_done(cr);
		if (flag(cr->sig.stop))
			return wind_down(cr);
		if (!once && flag(cr->sig.reload))
			return CRAWL_RELOAD;
		now = when_mono_ms();
		if (!once)
			promote_due(cr, now);
		wait = start_ready(cr, now);
		if (once && !cr->nready && !fetch_inflight(cr->fetch) &&
		    !worker_pending(cr->writer))
			return CRAWL_DONE;
		fetch_run(cr->fetch, loop_timeout(cr, wait, now));
	}
}

static void
pass_begin(struct crawl *cr)
{
	memset(&cr->totals, 0, sizeof(cr->totals));
	for (size_t i = 0; i < cr->nsrcs; i++)
		cr->srcs[i]->reported = false;
}

enum es_err
crawl_once(struct crawl *cr, enum crawl_select sel, const char *name, enum crawl_exit *how,
	   char *err, size_t errlen)
{
	int64_t now = when_mono_ms();

	pass_begin(cr);
	cr->daemon = false;
	if (sel == CRAWL_ONE && !src_find(cr, name))
		return es_error(ES_ENOTFOUND, err, errlen, "no source named %s", name);
	for (size_t i = 0; i < cr->nsrcs; i++) {
		struct src *s = cr->srcs[i];

		if (s->removed || s->running || s->storing || s->ready)
			continue;
		if (sel == CRAWL_ALL || (sel == CRAWL_DUE && s->due_ms <= now) ||
		    (sel == CRAWL_ONE && !strcmp(s->name, name))) {
			ready_push(cr, s);
			cr->totals.sources++;
		}
	}
	*how = crawl_loop(cr, true);
	return ES_OK;
}

enum es_err
crawl_run(struct crawl *cr, enum crawl_exit *how, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	cr->daemon = true;
	for (size_t i = 0; i < cr->nsrcs; i++) {
		struct src *s = cr->srcs[i];

		if (!s->removed && !s->running && !s->storing && !s->ready)
			schedule(cr, s);
	}
	*how = crawl_loop(cr, false);
	return ES_OK;
}

static void
wake_cb(void *ctx)
{
	fetch_wakeup(((struct crawl *)ctx)->fetch);
}

void
crawl_wake(struct crawl *cr)
{
	if (cr && cr->fetch)
		fetch_wakeup(cr->fetch);
}

/* --- life cycle -------------------------------------------------------- */

static void
take_conf(struct crawl *cr, struct conf *conf)
{
	cr->confs = xreallocarray(cr->confs, cr->nconfs + 1, sizeof(*cr->confs));
	cr->confs[cr->nconfs++] = conf;
	robots_agent_token(conf->global.user_agent, cr->agent, sizeof(cr->agent));
	for (size_t i = 0; i < cr->hosts.n; i++) {
		struct host *h = cr->hosts.v[i];

		if (h->delay_ms == h->base_delay_ms)
			h->delay_ms = conf->global.host_delay;
		h->base_delay_ms = conf->global.host_delay;
	}
}

enum es_err
crawl_reload(struct crawl *cr, struct conf *conf, char *err, size_t errlen)
{
	enum es_err rc = ES_OK;

	struct matcher *m;

	if (!(m = matcher_new(conf, err, errlen))) {
		conf_free(conf);
		return ES_EINVAL;
	}
	settle(cr);  /* the store is the writer's while it has work */
	matcher_free(cr->matcher);  /* no job holds its names after settle() */
	cr->matcher = m;
	take_conf(cr, conf);
	fetch_set_limits(cr->fetch, (int)conf->global.concurrency, (int)conf->global.per_host);
	for (size_t i = 0; i < cr->nsrcs; i++)
		cr->srcs[i]->removed = !conf_source_find(conf, cr->srcs[i]->name);
	for (size_t i = 0; i < conf->nsources && rc == ES_OK; i++) {
		const struct conf_source *cs = &conf->sources[i];
		struct src *s = src_find(cr, cs->name);

		if (s)
			rc = src_sync(cr, s, cs, err, errlen);
		else if (!(s = src_add(cr, cs, err, errlen)))
			rc = ES_EDB;
		if (rc == ES_OK && cr->daemon && !s->running && !s->storing && !s->ready)
			schedule(cr, s);
	}
	log_info("configuration reloaded", "path=%s sources=%zu", logq(conf->path),
		 conf->nsources);
	return rc;
}

struct crawl *
crawl_new(struct conf *conf, struct store *st, const struct crawl_pipeline *pipe,
	  const struct crawl_hooks *hooks, const struct crawl_signals *sig, char *err,
	  size_t errlen)
{
	struct crawl *cr;
	struct fetch_config fc = { .max_transfers = (int)conf->global.concurrency,
				   .max_host_conns = (int)conf->global.per_host };

	if (fetch_check_libcurl(err, errlen) != ES_OK) {
		conf_free(conf);
		return NULL;
	}
	cr = xcalloc(1, sizeof(*cr));
	cr->st = st;
	if (pipe)
		cr->pipe = *pipe;
	if (hooks)
		cr->hooks = *hooks;
	if (sig)
		cr->sig = *sig;
	cr->rng = (uint64_t)when_mono_ms() ^ ((uint64_t)getpid() << 32) ^ 0x5DEECE66DULL;
	hosts_init(&cr->hosts);
	sched_queue_init(&cr->due);
	if (!(cr->matcher = matcher_new(conf, err, errlen))) {
		conf_free(conf);
		free(cr);
		return NULL;
	}
	if (conf->nbrands == 0)
		log_info("no [brand] configured: every mention is stored", "%s", "");
	cr->mctx = match_ctx_new();
	take_conf(cr, conf);
	cr->fetch = fetch_new(&fc);
	for (size_t i = 0; i < conf->nsources; i++) {
		if (!src_add(cr, &conf->sources[i], err, errlen)) {
			crawl_free(cr);
			return NULL;
		}
	}
	cr->writer = worker_new_batch(write_batch, CRAWL_WRITE_BATCH, wake_cb, cr);
	return cr;
}

void
crawl_free(struct crawl *cr)
{
	if (!cr)
		return;
	if (cr->writer) {
		settle(cr);
		worker_free(cr->writer);
	}
	fetch_free(cr->fetch);
	matcher_free(cr->matcher);
	match_ctx_free(cr->mctx);
	for (size_t i = 0; i < cr->nsrcs; i++)
		src_free(cr->srcs[i]);
	free(cr->srcs);
	free(cr->ready);
	free(cr->reports);
	sched_queue_free(&cr->due);
	hosts_free(&cr->hosts);
	for (size_t i = 0; i < cr->nconfs; i++)
		conf_free(cr->confs[i]);
	free(cr->confs);
	free(cr);
}

const struct crawl_totals *
crawl_totals(const struct crawl *cr)
{
	return &cr->totals;
}

const struct crawl_report *
crawl_reports(const struct crawl *cr, size_t *n)
{
	struct crawl *w = (struct crawl *)cr;
	size_t k = 0;

	w->reports = xreallocarray(w->reports, cr->nsrcs + 1, sizeof(*w->reports));
	for (size_t i = 0; i < cr->nsrcs; i++)
		if (cr->srcs[i]->reported)
			w->reports[k++] = cr->srcs[i]->rep;
	*n = k;
	return w->reports;
}
