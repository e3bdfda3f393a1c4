/* alerter.h - what `earshot run` and `earshot once` call to alert.
 *
 * Process model.  The daemon has one thread that schedules, fetches (one
 * libcurl multi loop), parses and stores; it owns the writing store
 * connection.  After each ingest it calls alerter_after_ingest() with the
 * brands the new mentions matched, which only notes them and returns: with
 * opts.thread the alerter runs two threads of its own, each with its own
 * SQLite connection, so neither detection nor delivery can delay a fetch:
 *
 *   detector  runs the rules that watch the noted brands, gathering the
 *             ingests of a busy crawl into one pass at most every 2 s, and
 *             every rule and the source-health checks every tick_ms.  A
 *             rule counts a few thousand buckets with indexed queries
 *             (about 12 ms of CPU on 10k mentions a week, 110 ms on 100k:
 *             bench/alerts/run) and writes an alert with its deliveries in
 *             one transaction (BEGIN IMMEDIATE, waiting on the daemon's
 *             writes through busy_timeout).
 *   sender    delivers the outbox (alerts/outbox.h), woken when the
 *             detector queues an alert, with its own libcurl handle.
 *
 * SIGHUP: alerter_set_conf() waits for a running pass to end, so the old
 * conf may be freed when it returns.  SIGTERM: alerter_free() stops both (an
 * in-flight POST has two seconds to end, else it is abandoned: its rows stay
 * pending and go out, with the same idempotency key, after a restart).
 *
 * Without the thread (`earshot once`, `earshot alerts --send`, tests)
 * everything runs in the caller, on the connection it passes:
 * alerter_after_ingest() and alerter_check_all() run the rules at once and
 * return the alerts they queued, and alerter_flush() delivers what is
 * pending within a bounded time; whatever is left stays in the outbox. */
#ifndef ES_ALERTER_H
#define ES_ALERTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alerts/outbox.h"
#include "core/conf.h"
#include "core/err.h"
#include "store/store.h"

#define ALERTER_TICK_MS 60000

struct alerter_opts {
	bool thread;                 /* detector and sender in threads of their own */
	int64_t tick_ms;             /* every rule and source is checked this often */
	struct outbox_opts outbox;
};

struct alerter;

/* thread false, tick ALERTER_TICK_MS, the outbox's defaults. */
void alerter_opts_default(struct alerter_opts *o);
/* An alerter for the rules of c (c must live until alerter_set_conf or
 * alerter_free) over the database at db_path.  Without opts.thread it
 * detects on s, the caller's connection, which must then outlive it; with
 * the thread, or when s is NULL, it opens a connection of its own.  o may
 * be NULL (defaults). */
enum es_err alerter_new(struct store *s, const char *db_path, const struct conf *c,
			const struct alerter_opts *o, struct alerter **out, char *err,
			size_t errlen);
/* Stops the threads, frees; NULL is a no-op. */
void alerter_free(struct alerter *a);
/* Switches to the configuration c (SIGHUP); returns once no pass uses the
 * old one.  Call it from the thread that calls alerter_free. */
void alerter_set_conf(struct alerter *a, const struct conf *c);

/* Notes that mentions of brands[0..n) were stored.  With the thread: wakes
 * the detector and returns 0.  Without: runs the rules that watch any of
 * them now and returns the alerts queued. */
size_t alerter_after_ingest(struct alerter *a, const char *const *brands, size_t n);
/* alerter_after_ingest for the brands that source (a [source] name) feeds
 * (its brands, or every brand), when inserted > 0; for the crawler's
 * "ingested" hook, which runs on its writer thread: with opts.thread this
 * is safe from any thread (the brand names must stay valid: the crawler
 * keeps every conf it was given until it is freed).  Returns what
 * alerter_after_ingest returned, 0 for an unknown source or nothing new. */
size_t alerter_after_source(struct alerter *a, const char *source, size_t inserted);
/* Without the thread: runs every rule and the source-health checks when
 * tick_ms has passed since they last ran.  Returns the milliseconds until
 * it wants to be called again (with the thread: tick_ms, a no-op). */
int64_t alerter_tick(struct alerter *a);
/* Without the thread: runs every rule and the source-health checks now and
 * returns the alerts queued.  With it: asks the detector to, returns 0. */
size_t alerter_check_all(struct alerter *a);
/* Without the thread: delivers what is pending, waiting for retries and
 * pacing, for at most timeout_ms.  Returns the deliveries still pending.
 * With it: wakes the sender and returns 0. */
size_t alerter_flush(struct alerter *a, int64_t timeout_ms);
/* The sender, for its statistics. */
struct outbox *alerter_outbox(struct alerter *a);

/* What alerter_once() did. */
struct alerter_once {
	size_t fired;             /* alerts raised */
	size_t left;              /* deliveries still pending at the end */
	struct outbox_stats sent; /* the sender's statistics */
};
/* The whole alerter once, without threads, over the store at db_path:
 * every rule and source-health check, then the pending deliveries for at
 * most timeout_ms (what is left stays in the outbox for the next time).
 * For `earshot once` and `earshot alerts --send`. */
enum es_err alerter_once(const char *db_path, const struct conf *c, int64_t timeout_ms,
			 struct alerter_once *out, char *err, size_t errlen);

#endif
