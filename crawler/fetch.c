/* fetch.c - HTTP transfers on one libcurl multi handle; see fetch.h. */
#include "crawler/fetch.h"

#include <ctype.h>
#include <curl/curl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "core/log.h"
#include "core/when.h"
#include "core/xalloc.h"
#include "crawler/netguard.h"

#define FETCH_MAX_CACHE_S (365LL * 86400) /* cache hints are capped at a year */

#define FETCH_ACCEPT "Accept: application/rss+xml, application/atom+xml, application/rdf+xml, " \
	"application/feed+json, application/xml;q=0.9, application/json;q=0.9, text/xml;q=0.9, " \
	"text/html;q=0.8, */*;q=0.5"

struct xfer {
	struct xfer *next, *prev;
	struct fetcher *f;
	CURL *easy;
	struct curl_slist *hdrs;
	fetch_done_fn fn;
	void *ctx;
	int64_t max_body;
	bool keep_truncated;
	bool allow_private;
	void (*on_send)(void *ctx);
	bool too_large;
	bool refused_private;
	int64_t started_ms;
	struct fetch_result res;
};

struct fetcher {
	CURLM *multi;
	struct xfer *xfers;   /* in flight */
	int inflight;
	bool sent;            /* an on_send ran in this fetch_run */
};

static const char *const outcome_names[FETCH_OUTCOME_COUNT] = {
	[FETCH_OK] = "ok",
	[FETCH_NOT_MODIFIED] = "not_modified",
	[FETCH_DNS] = "dns",
	[FETCH_CONNECT] = "connect",
	[FETCH_TLS] = "tls",
	[FETCH_TIMEOUT] = "timeout",
	[FETCH_HTTP_4XX] = "http_4xx",
	[FETCH_HTTP_429] = "http_429",
	[FETCH_HTTP_5XX] = "http_5xx",
	[FETCH_HTTP_OTHER] = "http_other",
	[FETCH_TOO_LARGE] = "too_large",
	[FETCH_REDIRECTS] = "redirects",
	[FETCH_PROTOCOL] = "protocol",
	[FETCH_PRIVATE] = "private_address",
	[FETCH_NETWORK] = "network",
	[FETCH_ABORTED] = "aborted",
	[FETCH_ROBOTS] = "robots",
	[FETCH_PARSE] = "parse",
	[FETCH_STORE] = "store",
};

const char *
fetch_outcome_name(enum fetch_outcome o)
{
	return (unsigned)o < FETCH_OUTCOME_COUNT ? outcome_names[o] : "unknown";
}

bool
fetch_outcome_failed(enum fetch_outcome o)
{
	return o != FETCH_OK && o != FETCH_NOT_MODIFIED;
}

/* --- header values ----------------------------------------------------- */

int64_t
fetch_retry_after_ms(const char *value, int64_t now)
{
	const char *p = value;
	int64_t secs = 0;
	time_t t;

	if (!value)
		return -1;
	while (isspace((unsigned char)*p))
		p++;
	if (isdigit((unsigned char)*p)) {
		while (isdigit((unsigned char)*p) && secs < 86400)
			secs = secs * 10 + (*p++ - '0');
		while (isdigit((unsigned char)*p))
			p++;
		while (isspace((unsigned char)*p))
			p++;
		if (*p)
			return -1;
	} else {
		/* IMF-fixdate, RFC 850 and asctime, as RFC 9110 §5.6.7 asks. */
		if (!*p || (t = curl_getdate(p, NULL)) == -1)
			return -1;
		secs = (int64_t)t - now;
		if (secs < 0)
			secs = 0;
	}
	return (secs > 86400 ? 86400 : secs) * 1000;
}

/* max-age=N inside a Cache-Control value; -1 when absent. */
static int64_t
max_age(const char *cc)
{
	const char *p = cc;

	while ((p = strcasestr(p, "max-age"))) {
		bool word = p == cc || p[-1] == ' ' || p[-1] == ',' || p[-1] == '\t';
		const char *v = p + 7;
		char *end;
		long long n;

		p = v;
		while (*v == ' ')
			v++;
		if (!word || *v != '=')
			continue;
		v++;
		if (*v == '"')
			v++;
		n = strtoll(v, &end, 10);
		if (end != v && n >= 0)
			return n > FETCH_MAX_CACHE_S ? FETCH_MAX_CACHE_S : n;
	}
	return -1;
}

int64_t
fetch_cache_ms(const char *cache_control, const char *expires, const char *date, int64_t now)
{
	int64_t age;
	time_t e, d;

	if (cache_control) {
		if (strcasestr(cache_control, "no-store") || strcasestr(cache_control, "no-cache"))
			return 0;
		if ((age = max_age(cache_control)) >= 0)
			return age * 1000;
	}
	if (!expires)
		return -1;
	if ((e = curl_getdate(expires, NULL)) == -1)
		return 0;  /* "Expires: 0" and garbage mean already expired */
	d = date ? curl_getdate(date, NULL) : -1;
	age = (int64_t)e - (d != -1 ? (int64_t)d : now);
	/* NOTE: curl_getdate() takes years up to 2^31, so an Expires that far
	 * ahead would overflow age * 1000; cap it as max-age is capped. */
	if (age > FETCH_MAX_CACHE_S)
		age = FETCH_MAX_CACHE_S;
	return age > 0 ? age * 1000 : 0;
}

/* --- callbacks --------------------------------------------------------- */

static size_t
on_body(char *p, size_t size, size_t n, void *ud)
{
	struct xfer *x = ud;
	size_t len = size * n;

	if ((int64_t)(x->res.body.len + len) > x->max_body) {
		x->too_large = true;
		if (x->keep_truncated)
			buf_append(&x->res.body, p, (size_t)(x->max_body - (int64_t)x->res.body.len));
		return 0;  /* CURLE_WRITE_ERROR: ends the transfer now */
	}
	buf_append(&x->res.body, p, len);
	return len;
}

static void
set_header(char **slot, const char *v, size_t n)
{
	free(*slot);
	*slot = xstrndup(v, n < FETCH_MAX_HEADER ? n : FETCH_MAX_HEADER);
}

static void
reset_headers(struct fetch_result *r)
{
	char **all[] = { &r->etag, &r->last_modified, &r->content_type, &r->retry_after,
			 &r->cache_control, &r->expires, &r->date };

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		free(*all[i]);
		*all[i] = NULL;
	}
}

/* Keeps the headers of the last response only: each status line (a
 * redirect, a 100 Continue) starts over. */
static size_t
on_header(char *p, size_t size, size_t n, void *ud)
{
	struct xfer *x = ud;
	struct fetch_result *r = &x->res;
	size_t len = size * n, klen;
	const char *colon, *v;
	static const struct { const char *name; size_t off; } keep[] = {
		{ "etag", offsetof(struct fetch_result, etag) },
		{ "last-modified", offsetof(struct fetch_result, last_modified) },
		{ "content-type", offsetof(struct fetch_result, content_type) },
		{ "retry-after", offsetof(struct fetch_result, retry_after) },
		{ "cache-control", offsetof(struct fetch_result, cache_control) },
		{ "expires", offsetof(struct fetch_result, expires) },
		{ "date", offsetof(struct fetch_result, date) },
	};

	if (len >= 5 && !strncmp(p, "HTTP/", 5)) {
		reset_headers(r);
		return len;
	}
	if (!(colon = memchr(p, ':', len)))
		return len;
	klen = (size_t)(colon - p);
	v = colon + 1;
	while (v < p + len && (*v == ' ' || *v == '\t'))
		v++;
	while (len && (p[len - 1] == '\r' || p[len - 1] == '\n' || p[len - 1] == ' '))
		len--;
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		if (strlen(keep[i].name) == klen && !strncasecmp(keep[i].name, p, klen))
			set_header((char **)((char *)r + keep[i].off), v,
				   v < p + len ? (size_t)(p + len - v) : 0);
	return size * n;
}

/* Refuses private addresses after DNS, for every connection. */
static curl_socket_t
on_opensocket(void *ud, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct xfer *x = ud;

	(void)purpose;
	if (!x->allow_private &&
	    netguard_is_private((const struct sockaddr *)&a->addr, a->addrlen)) {
		x->refused_private = true;
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype, a->protocol);
}

/* Checks the address once more right before the request goes out: a
 * connection reused from the pool never passed through on_opensocket. */
static int
on_prereq(void *ud, char *primary_ip, char *local_ip, int primary_port, int local_port)
{
	struct xfer *x = ud;

	(void)local_ip;
	(void)primary_port;
	(void)local_port;
	if (!x->allow_private && netguard_is_private_ip(primary_ip)) {
		x->refused_private = true;
		return CURL_PREREQFUNC_ABORT;
	}
	if (x->on_send) {
		x->on_send(x->ctx);
		x->f->sent = true;
	}
	return CURL_PREREQFUNC_OK;
}

/* --- transfers --------------------------------------------------------- */

static void
xfer_free(struct xfer *x)
{
	curl_slist_free_all(x->hdrs);
	if (x->easy)
		curl_easy_cleanup(x->easy);
	reset_headers(&x->res);
	free(x->res.effective_url);
	buf_free(&x->res.body);
	free(x);
}

static struct curl_slist *
request_headers(const struct fetch_request *rq)
{
	struct curl_slist *h = curl_slist_append(NULL, FETCH_ACCEPT);
	char *line;

	if (rq->etag && *rq->etag) {
		line = xasprintf("If-None-Match: %s", rq->etag);
		h = curl_slist_append(h, line);
		free(line);
	}
	if (rq->last_modified && *rq->last_modified) {
		line = xasprintf("If-Modified-Since: %s", rq->last_modified);
		h = curl_slist_append(h, line);
		free(line);
	}
	return h;
}

/* Sets every option; returns the first failure. */
static CURLcode
xfer_setopts(struct xfer *x, const struct fetch_request *rq)
{
	CURL *e = x->easy;
	CURLcode rc = CURLE_OK;

#define SET(opt, val) \
	do { if (rc == CURLE_OK) rc = curl_easy_setopt(e, opt, val); } while (0)
	SET(CURLOPT_URL, rq->url);
	SET(CURLOPT_PRIVATE, x);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_FOLLOWLOCATION, 1L);
	SET(CURLOPT_MAXREDIRS, (long)FETCH_MAX_REDIRECTS);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_ACCEPT_ENCODING, "");
	SET(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	SET(CURLOPT_PIPEWAIT, 1L);
	SET(CURLOPT_USERAGENT, rq->user_agent ? rq->user_agent : "earshot");
	SET(CURLOPT_HTTPHEADER, x->hdrs);
	SET(CURLOPT_TIMEOUT_MS, (long)rq->timeout_ms);
	SET(CURLOPT_CONNECTTIMEOUT_MS, (long)rq->connect_timeout_ms);
	SET(CURLOPT_LOW_SPEED_LIMIT, (long)FETCH_LOW_SPEED_BPS);
	SET(CURLOPT_LOW_SPEED_TIME, (long)(FETCH_LOW_SPEED_MS / 1000));
	/* Refuses a too long Content-Length up front; not when the start of
	 * the body is wanted anyway. */
	if (!rq->keep_truncated)
		SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)rq->max_body);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, x);
	SET(CURLOPT_HEADERFUNCTION, on_header);
	SET(CURLOPT_HEADERDATA, x);
	SET(CURLOPT_OPENSOCKETFUNCTION, on_opensocket);
	SET(CURLOPT_OPENSOCKETDATA, x);
	SET(CURLOPT_PREREQFUNCTION, on_prereq);
	SET(CURLOPT_PREREQDATA, x);
#undef SET
	return rc;
}

enum es_err
fetch_start(struct fetcher *f, const struct fetch_request *rq, fetch_done_fn fn, void *ctx,
	    char *err, size_t errlen)
{
	struct xfer *x = xcalloc(1, sizeof(*x));
	CURLcode rc;

	x->f = f;
	x->fn = fn;
	x->ctx = ctx;
	x->max_body = rq->max_body > 0 ? rq->max_body : 8 * 1024 * 1024;
	x->keep_truncated = rq->keep_truncated;
	x->allow_private = rq->allow_private;
	x->on_send = rq->on_send;
	buf_init(&x->res.body, 0);
	if (!(x->easy = curl_easy_init()))
		abort();  /* only out of memory */
	x->hdrs = request_headers(rq);
	if ((rc = xfer_setopts(x, rq)) != CURLE_OK) {
		xfer_free(x);
		return es_error(ES_EINVAL, err, errlen, "%s", curl_easy_strerror(rc));
	}
	if (curl_multi_add_handle(f->multi, x->easy) != CURLM_OK) {
		xfer_free(x);
		return es_error(ES_EINVAL, err, errlen, "cannot add a transfer");
	}
	x->started_ms = when_mono_ms();
	x->next = f->xfers;
	if (f->xfers)
		f->xfers->prev = x;
	f->xfers = x;
	f->inflight++;
	return ES_OK;
}

static enum fetch_outcome
classify_status(int status)
{
	if (status == 304)
		return FETCH_NOT_MODIFIED;
	if (status >= 200 && status < 300)
		return FETCH_OK;
	if (status == 429)
		return FETCH_HTTP_429;
	if (status >= 400 && status < 500)
		return FETCH_HTTP_4XX;
	if (status >= 500 && status < 600)
		return FETCH_HTTP_5XX;
	return FETCH_HTTP_OTHER;
}

static enum fetch_outcome
classify(const struct xfer *x, CURLcode rc, int status)
{
	switch (rc) {
	case CURLE_OK:
		return classify_status(status);
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return FETCH_DNS;
	case CURLE_COULDNT_CONNECT:
		return x->refused_private ? FETCH_PRIVATE : FETCH_CONNECT;
	case CURLE_OPERATION_TIMEDOUT:
		return FETCH_TIMEOUT;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
		return FETCH_TLS;
	case CURLE_FILESIZE_EXCEEDED:
		return FETCH_TOO_LARGE;
	case CURLE_WRITE_ERROR:
		return x->too_large ? FETCH_TOO_LARGE : FETCH_NETWORK;
	case CURLE_TOO_MANY_REDIRECTS:
		return FETCH_REDIRECTS;
	case CURLE_UNSUPPORTED_PROTOCOL:
		return FETCH_PROTOCOL;
	default:
		return x->refused_private ? FETCH_PRIVATE : FETCH_NETWORK;
	}
}

static void
finish_detail(struct xfer *x, CURLcode rc)
{
	struct fetch_result *r = &x->res;

	if (r->outcome == FETCH_TOO_LARGE)
		snprintf(r->detail, sizeof(r->detail), "body larger than %lld bytes",
			 (long long)x->max_body);
	else if (r->outcome == FETCH_PRIVATE)
		snprintf(r->detail, sizeof(r->detail),
			 "refused to connect to a private address (allow_private = no)");
	else if (rc != CURLE_OK)
		snprintf(r->detail, sizeof(r->detail), "%s", curl_easy_strerror(rc));
	else if (r->status && fetch_outcome_failed(r->outcome))
		snprintf(r->detail, sizeof(r->detail), "HTTP %d", r->status);
}

static void
finish(struct fetcher *f, struct xfer *x, CURLcode rc)
{
	struct fetch_result *r = &x->res;
	long status = 0, version = 0;
	char *url = NULL;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(x->easy, CURLINFO_REDIRECT_COUNT, &r->redirects);
	curl_easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &url);
	curl_easy_getinfo(x->easy, CURLINFO_HTTP_VERSION, &version);
	r->status = (int)status;
	r->http_version = version == CURL_HTTP_VERSION_2_0 ? 2 : version ? 1 : 0;
	r->effective_url = xstrdup(url);
	r->elapsed_ms = when_mono_ms() - x->started_ms;
	r->outcome = classify(x, rc, r->status);
	finish_detail(x, rc);
	curl_multi_remove_handle(f->multi, x->easy);
	if (x->prev)
		x->prev->next = x->next;
	else
		f->xfers = x->next;
	if (x->next)
		x->next->prev = x->prev;
	f->inflight--;
	x->fn(r, x->ctx);
	xfer_free(x);
}

/* Calls back the transfers that ended; returns how many. */
static int
reap(struct fetcher *f)
{
	CURLMsg *m;
	int left, n = 0;

	while ((m = curl_multi_info_read(f->multi, &left))) {
		struct xfer *x = NULL;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
		finish(f, x, m->data.result);
		n++;
	}
	return n;
}

int
fetch_run(struct fetcher *f, int timeout_ms)
{
	int running;

	f->sent = false;
	curl_multi_perform(f->multi, &running);
	/* A callback may have scheduled work the caller's timeout knew
	 * nothing of (a transfer ended, a request went out and so set its
	 * host's next start): return to the caller rather than sleep. */
	if (reap(f) > 0 || f->sent)
		return f->inflight;
	curl_multi_poll(f->multi, NULL, 0, timeout_ms < 0 ? 0 : timeout_ms, NULL);
	curl_multi_perform(f->multi, &running);
	reap(f);
	return f->inflight;
}

int
fetch_inflight(const struct fetcher *f)
{
	return f->inflight;
}

void
fetch_wakeup(struct fetcher *f)
{
	curl_multi_wakeup(f->multi);
}

void
fetch_abort_all(struct fetcher *f)
{
	while (f->xfers) {
		struct xfer *x = f->xfers;

		curl_multi_remove_handle(f->multi, x->easy);
		f->xfers = x->next;
		if (f->xfers)
			f->xfers->prev = NULL;
		f->inflight--;
		x->res.outcome = FETCH_ABORTED;
		x->res.elapsed_ms = when_mono_ms() - x->started_ms;
		snprintf(x->res.detail, sizeof(x->res.detail), "abandoned at shutdown");
		x->fn(&x->res, x->ctx);
		xfer_free(x);
	}
}

void
fetch_set_limits(struct fetcher *f, int max_transfers, int max_host_conns)
{
	curl_multi_setopt(f->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)max_transfers);
	curl_multi_setopt(f->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)max_host_conns);
	curl_multi_setopt(f->multi, CURLMOPT_MAXCONNECTS, (long)max_transfers * 2);
}

struct fetcher *
fetch_new(const struct fetch_config *cfg)
{
	struct fetcher *f = xcalloc(1, sizeof(*f));

	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (!(f->multi = curl_multi_init()))
		abort();
	fetch_set_limits(f, cfg->max_transfers, cfg->max_host_conns);
	curl_multi_setopt(f->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
	return f;
}

void
fetch_free(struct fetcher *f)
{
	if (!f)
		return;
	while (f->xfers) {
		struct xfer *x = f->xfers;

		curl_multi_remove_handle(f->multi, x->easy);
		f->xfers = x->next;
		xfer_free(x);
	}
	curl_multi_cleanup(f->multi);
	curl_global_cleanup();
	free(f);
}

enum es_err
fetch_check_libcurl(char *err, size_t errlen)
{
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);

	log_debug("libcurl", "version=%s async_dns=%d http2=%d brotli=%d zstd=%d libz=%d",
		  v->version, !!(v->features & CURL_VERSION_ASYNCHDNS),
		  !!(v->features & CURL_VERSION_HTTP2), !!(v->features & CURL_VERSION_BROTLI),
		  !!(v->features & CURL_VERSION_ZSTD), !!(v->features & CURL_VERSION_LIBZ));
	if (!(v->features & CURL_VERSION_ASYNCHDNS))
		return es_error(ES_EUNSUPPORTED, err, errlen,
				"libcurl %s has no asynchronous resolver", v->version);
	return ES_OK;
}
