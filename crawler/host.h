/* host.h - per-host politeness: how many requests one host has in flight,
 * when the next may start, and its robots.txt.
 *
 * A request may start on a host when fewer than max_conns are in flight,
 * none of them is still connecting, and the host's next start time has
 * come.  Each start, and each request going out, pushes that time by the
 * host's delay (host_delay, raised by Crawl-delay), so the requests one
 * host receives are spaced by at least the delay however many transfers
 * run at once and however slowly their connections open: a request held
 * up in DNS or in the server's full accept queue cannot go out together
 * with the one started after it.  With no delay, nothing waits for a
 * connection.  Retry-After holds the whole host.  The table lives as long as the
 * crawler, so spacing holds across passes, not only within one.  Times are
 * monotonic milliseconds. */
#ifndef ES_HOST_H
#define ES_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crawler/robots.h"

#define HOST_MAX_CRAWL_DELAY_MS (300 * 1000) /* Crawl-delay is honoured up to this */
#define HOST_ROBOTS_TTL_MS (24LL * 3600 * 1000) /* a fetched robots.txt is kept this long */
#define HOST_ROBOTS_RETRY_MS (10LL * 60 * 1000) /* an unreachable one is retried after this */

enum host_robots_state {
	HOST_ROBOTS_NONE,      /* not fetched, or expired */
	HOST_ROBOTS_FETCHING,
	HOST_ROBOTS_READY,
};

struct host {
	char *name;            /* lower case, without port */
	int inflight;
	int connecting;        /* of those, not sent yet */
	int64_t next_ms;       /* no request starts before this */
	int64_t delay_ms;      /* spacing between starts */
	int64_t base_delay_ms; /* host_delay from feeds.conf */
	enum host_robots_state robots_state;
	struct robots *robots; /* when READY */
	int64_t robots_expires_ms;
	int robots_status;     /* HTTP status of the last robots.txt fetch; 0: none */
};

struct hosts {
	struct host **v;
	size_t n, cap;
};

void hosts_init(struct hosts *t);
void hosts_free(struct hosts *t);
/* The slot for name (a URL's host, any case), created with delay_ms on
 * first use. */
struct host *hosts_get(struct hosts *t, const char *name, int64_t delay_ms);

/* Milliseconds until a request may start on h (0: now), or -1 when it
 * must wait for one of its max_conns requests in flight to end or for
 * one still connecting to go out. */
int64_t host_wait_ms(const struct host *h, int max_conns, int64_t now);
/* Records a start; the next may come delay_ms later. */
void host_started(struct host *h, int64_t now);
/* Records that a request of h actually went out at now: the next may not
 * start before now + delay, however long the connection took.  first:
 * the transfer's first request (a redirect sends others), which no
 * longer holds the host's next start back. */
void host_sent(struct host *h, int64_t now, bool first);
/* Records the end of a request; sent: host_sent saw it go out. */
void host_done(struct host *h, bool sent);
/* Holds every request to h until now + ms (Retry-After on 429/503). */
void host_hold(struct host *h, int64_t now, int64_t ms);
/* Replaces h's robots policy (taking r) for ttl_ms, and applies its
 * Crawl-delay, capped at HOST_MAX_CRAWL_DELAY_MS, on top of the base delay. */
void host_set_robots(struct host *h, struct robots *r, int64_t now, int64_t ttl_ms);
/* True when h's robots policy is known and fresh at now. */
bool host_robots_fresh(const struct host *h, int64_t now);

#endif
