/* fetch.h - HTTP transfers on one libcurl multi handle.
 *
 * The fetcher owns one CURLM for its whole life, so connections (and HTTP/2
 * streams) are reused across sources and passes.  It enforces what must
 * hold for every request: http and https only, on the first request and
 * on each of at most FETCH_MAX_REDIRECTS redirects; connect, total and
 * low-speed timeouts; a body cap counted on decoded bytes in the write
 * callback (libcurl 7.88's CURLOPT_MAXFILESIZE does not stop a running
 * chunked or compressed transfer); no private addresses unless allowed
 * (netguard.h); conditional GET with the validators given.  It does not
 * decide what to fetch or when: politeness is the caller's (crawl.c). */
#ifndef ES_FETCH_H
#define ES_FETCH_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

#define FETCH_MAX_REDIRECTS 5
#define FETCH_LOW_SPEED_BPS 64        /* below this many bytes/s ... */
#define FETCH_LOW_SPEED_MS 20000      /* ... for this long, a transfer is abandoned */
#define FETCH_MAX_HEADER 8192         /* bytes kept of one header value */

/* How a fetch ended.  The last three are set by the crawler. */
enum fetch_outcome {
	FETCH_OK,            /* 2xx with a body */
	FETCH_NOT_MODIFIED,  /* 304: an outcome, not a failure */
	FETCH_DNS,
	FETCH_CONNECT,
	FETCH_TLS,
	FETCH_TIMEOUT,       /* total, connect or low-speed timeout */
	FETCH_HTTP_4XX,
	FETCH_HTTP_429,
	FETCH_HTTP_5XX,
	FETCH_HTTP_OTHER,    /* 1xx/3xx left over, or a status we do not expect */
	FETCH_TOO_LARGE,     /* the body passed the cap (after decoding) */
	FETCH_REDIRECTS,     /* more than FETCH_MAX_REDIRECTS */
	FETCH_PROTOCOL,      /* a scheme other than http/https, e.g. a redirect to file:// */
	FETCH_PRIVATE,       /* refused: a loopback, private or link-local address */
	FETCH_NETWORK,       /* reset, bad response, bad encoding and the rest */
	FETCH_ABORTED,       /* abandoned at shutdown */
	FETCH_ROBOTS,        /* disallowed by robots.txt */
	FETCH_PARSE,         /* the body could not be parsed */
	FETCH_STORE,         /* the database refused the result */
	FETCH_OUTCOME_COUNT
};

struct fetch_config {
	int max_transfers;   /* transfers and connections in flight at once */
	int max_host_conns;  /* connections to one host: a backstop for the caller's cap */
};

struct fetch_request {
	const char *url;
	const char *user_agent;
	const char *etag;          /* sent as If-None-Match; NULL: none */
	const char *last_modified; /* sent as If-Modified-Since; NULL: none */
	int64_t max_body;          /* bytes after decoding */
	int64_t timeout_ms;
	int64_t connect_timeout_ms;
	bool allow_private;
	bool keep_truncated;       /* on FETCH_TOO_LARGE keep the first max_body bytes */
	/* Called right before each request goes out (the first and each
	 * redirect), after the connection is made or reused: politeness is
	 * counted from here, not from when the transfer was queued. */
	void (*on_send)(void *ctx);
};

/* What came back.  Header strings are those of the final response (after
 * redirects), NULL when absent. */
struct fetch_result {
	enum fetch_outcome outcome;
	int status;                /* final HTTP status; 0 when none */
	struct buf body;
	char *etag, *last_modified, *content_type;
	char *retry_after, *cache_control, *expires, *date;
	char *effective_url;
	long redirects;
	int64_t elapsed_ms;
	int http_version;          /* 1 or 2; 0 when no response */
	char detail[ES_ERRLEN];    /* a sentence for logs and the store */
};

/* Called once per transfer when it ends.  res belongs to the fetcher and
 * lives until the callback returns; the callback may take the body with
 * buf_take().  It may start new transfers. */
typedef void (*fetch_done_fn)(struct fetch_result *res, void *ctx);

struct fetcher;

/* Returns a fetcher; free with fetch_free(). */
struct fetcher *fetch_new(const struct fetch_config *cfg);
/* Changes the caps of fetch_config (after a reload). */
void fetch_set_limits(struct fetcher *f, int max_transfers, int max_host_conns);
/* Abandons transfers in flight without calling back; NULL is a no-op. */
void fetch_free(struct fetcher *f);

/* Starts a transfer; fn is called from a later fetch_run().  Returns ES_OK,
 * or ES_EINVAL (bad URL, libcurl refused an option) with detail in err. */
enum es_err fetch_start(struct fetcher *f, const struct fetch_request *rq, fetch_done_fn fn,
			void *ctx, char *err, size_t errlen);
/* Drives the transfers: performs, and calls back the ones that ended; when
 * none did, waits up to timeout_ms for network activity (less when a
 * transfer's timer is due or fetch_wakeup() is called) and performs again.
 * Returns transfers still in flight. */
int fetch_run(struct fetcher *f, int timeout_ms);
int fetch_inflight(const struct fetcher *f);
/* Ends a fetch_run() wait early.  NOTE: safe in a signal handler (it
 * writes one byte to libcurl's wakeup socket pair). */
void fetch_wakeup(struct fetcher *f);
/* Ends every transfer in flight, calling each back with FETCH_ABORTED. */
void fetch_abort_all(struct fetcher *f);

/* "ok", "not_modified", "dns", ..., as stored in sources.last_error. */
const char *fetch_outcome_name(enum fetch_outcome o);
/* True for outcomes that count as a failure of the source. */
bool fetch_outcome_failed(enum fetch_outcome o);

/* Retry-After (delta seconds, or an HTTP-date compared with now, Unix
 * seconds) in milliseconds, clamped to 24 h; -1 for none, garbage or a
 * negative value. */
int64_t fetch_retry_after_ms(const char *value, int64_t now);
/* How long the response may be cached: Cache-Control max-age (s-maxage is
 * for shared caches and ignored), else Expires minus Date (or now), in
 * milliseconds; -1 when neither says, 0 for no-cache/no-store. */
int64_t fetch_cache_ms(const char *cache_control, const char *expires, const char *date,
		       int64_t now);
/* Logs libcurl's version and features once; ES_EUNSUPPORTED when it lacks
 * an asynchronous resolver (a blocking one would stall every transfer). */
enum es_err fetch_check_libcurl(char *err, size_t errlen);

#endif
