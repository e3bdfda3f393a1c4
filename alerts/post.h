/* post.h - one HTTP POST to a webhook, with what the sender needs to know
 * about the answer.
 *
 * One struct post owns one libcurl easy handle (its connection cache
 * persists between posts) and is used by one thread.  Only http and https,
 * no redirects (a webhook that redirects is misconfigured), no signals,
 * never CURLOPT_VERBOSE.  Webhook URLs are secrets: nothing here logs a
 * URL or puts one in an error message (curl_easy_strerror's fixed texts
 * are used, never libcurl's error buffer, which can quote the URL). */
#ifndef ES_POST_H
#define ES_POST_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define POST_MAX_BODY (64 * 1024) /* response bytes kept */
#define POST_ERRLEN 160

struct post_result {
	int status;               /* HTTP status; 0 when no response came */
	char error[POST_ERRLEN];  /* why no response came ("" when one did) */
	int64_t retry_after_ms;   /* Retry-After (seconds or HTTP date), else a JSON
				   * body's retry_after (Discord); -1: none */
	int64_t rl_remaining;     /* X-RateLimit-Remaining; -1: none */
	int64_t rl_reset_ms;      /* X-RateLimit-Reset-After; -1: none */
	char *body;               /* the response body, cut at POST_MAX_BODY */
	size_t body_len;
	int64_t elapsed_ms;
};

struct post;

/* A poster that sends user_agent, gives up on a request after timeout_ms
 * (connect_timeout_ms to connect).  Free with post_free(). */
struct post *post_new(const char *user_agent, int64_t timeout_ms, int64_t connect_timeout_ms);
void post_free(struct post *p);
/* Once *stop_at (set by another thread) is non-zero and the monotonic
 * clock (when_mono_ms) has passed it, a running post gives up with ES_ENET
 * "aborted: shutting down".  stop_at may be NULL. */
void post_set_stop(struct post *p, const atomic_llong *stop_at);

/* POSTs body to url (with "?query" or "&query" appended when query is not
 * NULL) with the given "Name: value" headers.  ES_OK when a response came
 * (whatever its status), ES_ETIMEOUT on a timeout, ES_ENET for DNS, connect,
 * TLS and other transport failures, with res->error set.  res is reset
 * first; the caller frees it with post_result_reset(). */
enum es_err post_send(struct post *p, const char *url, const char *query,
		      const char *const *headers, size_t nheaders, const char *body, size_t len,
		      struct post_result *res);
void post_result_reset(struct post_result *r);

#endif
