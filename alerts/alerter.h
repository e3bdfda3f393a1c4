/* alerter.h - what `earshot run` and `earshot once` call to alert.
 *
 * Process model.  The daemon has one thread that schedules, fetches (one
 * libcurl multi loop), parses and stores; it owns the writing store
 * connection.  On that thread it calls alerter_after_ingest() after each
 * ingest with the brands the new mentions matched, and alerter_tick()
 * whenever the delay that the previous call returned has passed.  Those
 * run the rules (alerts/rules.h) and the source-health checks
 * (alerts/health.h) on the caller's connection: a few indexed queries per
 * rule, milliseconds, and the alert with its deliveries is committed in one
 * transaction.  They never send: with opts.thread the alerter runs the
 * sender (alerts/outbox.h) in a thread of its own, with its own SQLite
 * connection and libcurl handle, and wakes it whenever an alert is queued,
 * so a slow or dead webhook cannot delay a fetch.  SIGTERM: alerter_free()
 * stops the sender (an in-flight POST has two seconds to end, else it is
 * abandoned: its rows stay pending and go out, with the same idempotency
 * key, after a restart).
 *
 * `earshot once` makes an alerter without the thread, runs
 * alerter_check_all() after its pass, then alerter_flush() to deliver
 * what is pending within a bounded time before it exits; whatever is left
 * stays in the outbox for the next run. */
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
	bool thread;                 /* run the sender in its own thread */
	int64_t tick_ms;             /* every rule and source is checked this often */
	struct outbox_opts outbox;
};

struct alerter;

/* thread false, tick ALERTER_TICK_MS, the outbox's defaults. */
void alerter_opts_default(struct alerter_opts *o);
/* An alerter that detects on s (the caller's connection; s must outlive
 * it) with the rules of c (c must live until alerter_set_conf or
 * alerter_free), and delivers through its own connection to db_path.
 * o may be NULL (defaults). */
enum es_err alerter_new(struct store *s, const char *db_path, const struct conf *c,
			const struct alerter_opts *o, struct alerter **out, char *err,
			size_t errlen);
/* Stops the sender, frees; NULL is a no-op. */
void alerter_free(struct alerter *a);
/* Switches to the configuration c (SIGHUP). */
void alerter_set_conf(struct alerter *a, const struct conf *c);

/* Runs the rules that watch any of brands[0..n) as of now.  Returns the
 * alerts queued (and wakes the sender when there are some). */
size_t alerter_after_ingest(struct alerter *a, const char *const *brands, size_t n);
/* Runs every rule and the source-health checks when tick_ms has passed
 * since they last ran.  Returns the milliseconds until it wants to be
 * called again. */
int64_t alerter_tick(struct alerter *a);
/* Runs every rule and the source-health checks now; returns the alerts
 * queued. */
size_t alerter_check_all(struct alerter *a);
/* Without the thread: delivers what is pending, waiting for retries and
 * pacing, for at most timeout_ms.  Returns the deliveries still pending. */
size_t alerter_flush(struct alerter *a, int64_t timeout_ms);
/* The sender, for its statistics. */
struct outbox *alerter_outbox(struct alerter *a);

#endif
