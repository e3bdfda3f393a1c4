/* crawl.h - the crawler: the sources of feeds.conf, fetched politely,
 * parsed and stored.
 *
 * One loop on one libcurl multi handle (fetch.h) serves every source:
 * a due queue (sched.h) says which source comes next, per-host slots
 * (host.h) say when a request may start on its host, robots.txt (robots.h)
 * is fetched first for the sources that obey it, and each body goes
 * through parse -> brand match -> sentiment -> store, the source's new
 * state and its new mentions atomically (store_ingest) on a writer thread,
 * so that committing overlaps fetching and parsing; results that queue up
 * while the writer commits are committed together, a savepoint each.
 * "earshot once" runs one pass; "earshot run" runs the same loop until
 * stopped.
 *
 * The API is for one thread; one crawl per process.  From crawl_new() to
 * crawl_free() the store belongs to the crawl's writer thread (see the
 * ingested hook). */
#ifndef ES_CRAWL_H
#define ES_CRAWL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/conf.h"
#include "core/err.h"
#include "crawler/fetch.h"
#include "store/store.h"

struct senti;

#define CRAWL_STOP_GRACE_MS 3000 /* in-flight transfers get this long after a stop */

/* What happened to one source in one fetch. */
struct crawl_report {
	const char *name;
	int64_t source_id;
	enum fetch_outcome outcome;
	int status;                /* HTTP status; 0 when none */
	size_t parsed;             /* mentions read from the body */
	size_t unmatched;          /* dropped: about none of the brands */
	size_t inserted;           /* new mentions stored */
	size_t duplicates;         /* already stored */
	int64_t elapsed_ms;        /* request start to stored */
	int64_t next_delay_ms;     /* until the next fetch */
	const char *detail;        /* "" when nothing to say */
};

/* Counts over the current pass (once) or since the start (run). */
struct crawl_totals {
	size_t sources;            /* selected for the pass */
	size_t done;
	size_t ok;                 /* fetched and stored, or not modified */
	size_t not_modified;
	size_t failed;
	size_t inserted;
	size_t duplicates;
};

struct crawl_hooks {
	/* After each source's result is committed (or failed to be), on the
	 * store's writer thread: st is this hook's to use while it runs, and
	 * no other thread touches it then.  The daemon runs alert detection
	 * here (queueing deliveries; sending them here would hold up the
	 * writer). */
	void (*ingested)(void *ctx, struct store *st, const struct crawl_report *r);
	/* After each source in a pass, for progress displays. */
	void (*progress)(void *ctx, const struct crawl_totals *t);
	void *ctx;
};

/* Flags a signal handler sets; the loop reads them.  Either may be NULL. */
struct crawl_signals {
	volatile sig_atomic_t *stop;    /* start nothing new, finish, return */
	volatile sig_atomic_t *reload;  /* return CRAWL_RELOAD from crawl_run */
};

/* The analysis stages between parse and store; any may be NULL (then
 * mentions are stored unscored). */
struct crawl_pipeline {
	const struct senti *senti;   /* analysis/sentiment.h; not taken */
};

enum crawl_select { CRAWL_DUE, CRAWL_ALL, CRAWL_ONE };
enum crawl_exit { CRAWL_STOPPED, CRAWL_RELOAD, CRAWL_DONE };

struct crawl;

/* A crawler for conf (taken: freed by crawl_free) over the open store st
 * (not taken), with the analysis stages of pipe (may be NULL).  Syncs every
 * source with its row in the store.  Returns NULL with err on a store
 * failure, or when libcurl lacks an asynchronous resolver. */
struct crawl *crawl_new(struct conf *conf, struct store *st, const struct crawl_pipeline *pipe,
			const struct crawl_hooks *hooks, const struct crawl_signals *sig,
			char *err, size_t errlen);
/* NULL is a no-op. */
void crawl_free(struct crawl *cr);

/* Runs one pass over the due sources, all of them, or the one named, then
 * returns (CRAWL_DONE, or CRAWL_STOPPED when stopped by a signal).
 * ES_ENOTFOUND when name names no source. */
enum es_err crawl_once(struct crawl *cr, enum crawl_select sel, const char *name,
		       enum crawl_exit *how, char *err, size_t errlen);
/* The daemon loop: fetches each source when it is due, sleeping in
 * between, until a stop (CRAWL_STOPPED) or reload (CRAWL_RELOAD) flag. */
enum es_err crawl_run(struct crawl *cr, enum crawl_exit *how, char *err, size_t errlen);
/* Replaces the configuration (conf is taken).  Sources keep their state
 * and schedule by name; new ones are synced with the store; removed ones
 * are dropped once their transfer ends. */
enum es_err crawl_reload(struct crawl *cr, struct conf *conf, char *err, size_t errlen);
/* Wakes the loop so that it reads the signal flags.  NOTE: safe in a
 * signal handler. */
void crawl_wake(struct crawl *cr);

const struct crawl_totals *crawl_totals(const struct crawl *cr);
/* The last report of each source fetched in this pass, in config order;
 * *n gets the count.  Valid until the next pass. */
const struct crawl_report *crawl_reports(const struct crawl *cr, size_t *n);

#endif
