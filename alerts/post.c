/* post.c - a POST to a webhook over one libcurl easy handle; see post.h. */
#include "alerts/post.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/when.h"
#include "core/xalloc.h"

#define POST_MAX_WAIT_MS (24LL * 3600 * 1000) /* a larger Retry-After is cut to this */

struct post {
	CURL *h;
	char *user_agent;
	int64_t timeout_ms, connect_timeout_ms;
	const atomic_llong *stop_at;
	struct buf body;
};

struct post *
post_new(const char *user_agent, int64_t timeout_ms, int64_t connect_timeout_ms)
{
	struct post *p = xcalloc(1, sizeof(*p));

	/* Reference counted and thread-safe since 7.84 when libcurl says
	 * "threadsafe" (Debian's does); post_free balances it. */
	curl_global_init(CURL_GLOBAL_DEFAULT);
	p->h = curl_easy_init();
	if (!p->h)
		abort(); /* only out of memory */
	p->user_agent = xstrdup(user_agent ? user_agent : "earshot");
	p->timeout_ms = timeout_ms > 0 ? timeout_ms : 20000;
	p->connect_timeout_ms = connect_timeout_ms > 0 ? connect_timeout_ms : 10000;
	buf_init(&p->body, POST_MAX_BODY);
	return p;
}

void
post_free(struct post *p)
{
	if (!p)
		return;
	curl_easy_cleanup(p->h);
	curl_global_cleanup();
	free(p->user_agent);
	buf_free(&p->body);
	free(p);
}

void
post_set_stop(struct post *p, const atomic_llong *stop_at)
{
	p->stop_at = stop_at;
}

void
post_result_reset(struct post_result *r)
{
	free(r->body);
	memset(r, 0, sizeof(*r));
	r->retry_after_ms = r->rl_remaining = r->rl_reset_ms = -1;
}

static size_t
on_body(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct post *p = arg;
	size_t n = size * nmemb;

	/* Past the cap the rest is read and dropped: the status is what counts. */
	(void)buf_append(&p->body, ptr, n);
	return n;
}

static int
on_progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	struct post *p = arg;

	long long at = p->stop_at ? atomic_load(p->stop_at) : 0;

	return at && when_mono_ms() >= at ? 1 : 0;
}

/* Seconds as a decimal ("1.5"), or an HTTP date: milliseconds from now. */
static int64_t
parse_wait(const char *v)
{
	char *end;
	double secs;
	time_t t;

	if (!v || !*v)
		return -1;
	secs = strtod(v, &end);
	if (end != v && (*end == '\0' || *end == ' ') && isfinite(secs) && secs >= 0)
		return secs * 1000 > POST_MAX_WAIT_MS ? POST_MAX_WAIT_MS : (int64_t)ceil(secs * 1000);
	t = curl_getdate(v, NULL);
	if (t == -1)
		return -1;
	/* NOTE: an HTTP date is compared with the real clock, not when_now(),
	 * which tests may shift. */
	secs = difftime(t, time(NULL));
	if (secs <= 0)
		return 0;
	return secs * 1000 > POST_MAX_WAIT_MS ? POST_MAX_WAIT_MS : (int64_t)(secs * 1000);
}

static const char *
header_value(CURL *h, const char *name)
{
	struct curl_header *hdr = NULL;

	if (curl_easy_header(h, name, 0, CURLH_HEADER, -1, &hdr) != CURLHE_OK || !hdr)
		return NULL;
	return hdr->value;
}

/* Discord answers a 429 with {"retry_after": seconds, ...}. */
static int64_t
body_retry_after(const char *body, size_t len)
{
	cJSON *o = body && len ? cJSON_ParseWithLength(body, len) : NULL;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "retry_after");
	int64_t ms = -1;

	if (cJSON_IsNumber(v) && v->valuedouble >= 0 && isfinite(v->valuedouble))
		ms = v->valuedouble * 1000 > POST_MAX_WAIT_MS ? POST_MAX_WAIT_MS
							      : (int64_t)ceil(v->valuedouble * 1000);
	cJSON_Delete(o);
	return ms;
}

static void
read_answer(struct post *p, struct post_result *r)
{
	long status = 0;
	const char *v;
	int64_t ms;

	curl_easy_getinfo(p->h, CURLINFO_RESPONSE_CODE, &status);
	r->status = (int)status;
	r->body_len = p->body.len;
	r->body = buf_take(&p->body, NULL);
	r->retry_after_ms = parse_wait(header_value(p->h, "Retry-After"));
	if (r->retry_after_ms < 0 && r->status == 429)
		r->retry_after_ms = body_retry_after(r->body, r->body_len);
	if ((v = header_value(p->h, "X-RateLimit-Remaining")))
		r->rl_remaining = strtoll(v, NULL, 10);
	if ((ms = parse_wait(header_value(p->h, "X-RateLimit-Reset-After"))) >= 0)
		r->rl_reset_ms = ms;
}

static void
set_options(struct post *p, const char *url, struct curl_slist *hdrs, const char *body,
	    size_t len)
{
	CURL *h = p->h;

	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, p->user_agent);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)p->timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)p->connect_timeout_ms);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_POST, 1L);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, p);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, p);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
}

enum es_err
post_send(struct post *p, const char *url, const char *query, const char *const *headers,
	  size_t nheaders, const char *body, size_t len, struct post_result *res)
{
	struct curl_slist *hdrs = NULL;
	int64_t t0 = when_mono_ms();
	char *full;
	CURLcode cc;

	post_result_reset(res);
	buf_reset(&p->body);
	full = query ? xasprintf("%s%c%s", url, strchr(url, '?') ? '&' : '?', query) : xstrdup(url);
	/* "Expect: 100-continue" would cost a round trip per message. */
	hdrs = curl_slist_append(hdrs, "Expect:");
	for (size_t i = 0; i < nheaders; i++)
		hdrs = curl_slist_append(hdrs, headers[i]);
	set_options(p, full, hdrs, body, len);
	cc = curl_easy_perform(p->h);
	res->elapsed_ms = when_mono_ms() - t0;
	curl_slist_free_all(hdrs);
	free(full);
	if (cc == CURLE_OK) {
		read_answer(p, res);
		return ES_OK;
	}
	snprintf(res->error, sizeof(res->error), "%s",
		 cc == CURLE_ABORTED_BY_CALLBACK ? "aborted: shutting down" : curl_easy_strerror(cc));
	return cc == CURLE_OPERATION_TIMEDOUT ? ES_ETIMEOUT : ES_ENET;
}
