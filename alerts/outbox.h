/* outbox.h - the sender: delivers the outbox's pending rows to the
 * webhooks, at least once, never faster than each service allows.
 *
 * A struct outbox owns its own SQLite connection and its own libcurl
 * handle.  It either runs in a thread of its own (outbox_start; the daemon,
 * so that a slow webhook never stalls fetching), woken by outbox_wake()
 * when alerts are queued, or is driven by the caller (outbox_run,
 * outbox_flush; earshot once, earshot alerts --send and tests), never both.
 *
 * Per pass, due deliveries are grouped by webhook; up to WEBHOOK_DIGEST_MAX
 * of one webhook go out as one message.  Each row is claimed first (its
 * next attempt pushed out by a lease, so a crash leaves it to be resent
 * when the lease lapses, with the same idempotency key).  Outcomes:
 *
 *   2xx                  delivered
 *   429                  the webhook pauses for Retry-After (header, or the
 *                        JSON body's retry_after), else a backoff; retried
 *   408, 5xx, timeout,   retried after a full-jitter exponential backoff,
 *   network error        random in [1 s, min(cap, base * 2^(attempt-1))];
 *                        failed after max_attempts or max_age
 *   400 401 403 404 410  failed at once and the webhook marked broken: it
 *                        gets no traffic until its url changes in
 *                        feeds.conf or `earshot alerts --reset NAME`
 *   anything else        failed at once
 *
 * A webhook whose url is "" (disabled) gets no traffic: its deliveries
 * are recorded as skipped.  One that feeds.conf no longer has: failed.
 * Pacing: at least webhook_min_interval() between two messages to one
 * webhook, and for Discord until X-RateLimit-Reset-After when
 * X-RateLimit-Remaining says 0. */
#ifndef ES_OUTBOX_H
#define ES_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include "alerts/post.h"
#include "core/conf.h"
#include "core/err.h"

struct outbox_opts {
	int64_t timeout_ms;          /* one POST, start to end (default 20 s) */
	int64_t connect_timeout_ms;  /* default 10 s */
	int64_t backoff_base_ms;     /* default 5 s */
	int64_t backoff_cap_ms;      /* default 15 min */
	int max_attempts;            /* default 10 */
	int64_t max_age_s;           /* give up this long after the alert fired (1 day) */
	const char *user_agent;      /* NULL: "earshot" */
};

/* What the sender did since it was made. */
struct outbox_stats {
	size_t posts;      /* HTTP requests made */
	size_t delivered;  /* deliveries marked delivered */
	size_t retries;    /* deliveries put back for a later attempt */
	size_t failed;
	size_t skipped;
};

struct outbox;

void outbox_opts_default(struct outbox_opts *o);
/* Opens its own connection to the database at db_path and takes a copy
 * of c's webhooks.  o may be NULL (defaults).  With db_path NULL there is
 * no outbox, only outbox_test(). */
enum es_err outbox_new(const char *db_path, const struct conf *c, const struct outbox_opts *o,
		       struct outbox **out, char *err, size_t errlen);
/* Stops the thread if it runs (an in-flight POST has two seconds to end;
 * after that it is abandoned and its rows are left pending, to be sent
 * again with the same key), closes; NULL is a no-op. */
void outbox_free(struct outbox *ob);
/* Takes a copy of c's webhooks (SIGHUP); the sender adopts it at its next
 * pass.  Safe from any thread. */
void outbox_set_conf(struct outbox *ob, const struct conf *c);

/* One pass over what is due now.  Returns the milliseconds until another
 * pass has something to do, or -1 when nothing is pending. */
int64_t outbox_run(struct outbox *ob);
/* Runs passes, sleeping between them, until nothing is pending or the next
 * work lies beyond timeout_ms from the call.  Returns the deliveries still
 * pending. */
size_t outbox_flush(struct outbox *ob, int64_t timeout_ms);

/* Starts the sender thread.  ES_EIO when it cannot. */
enum es_err outbox_start(struct outbox *ob, char *err, size_t errlen);
/* Tells the thread that deliveries were queued.  Safe from any thread; a
 * no-op without a thread. */
void outbox_wake(struct outbox *ob);

void outbox_stats(struct outbox *ob, struct outbox_stats *st);

/* Sends a test message to webhook name now, outside the outbox (no row
 * is written), and fills res (reset it with post_result_reset).
 * ES_ENOTFOUND for an unknown webhook, ES_EINVAL for a disabled one (url
 * ""), else what post_send returned.  Not while the thread runs. */
enum es_err outbox_test(struct outbox *ob, const char *name, struct post_result *res, char *err,
			size_t errlen);

#endif
