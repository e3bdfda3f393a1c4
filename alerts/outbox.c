/* outbox.c - the sender; see outbox.h for the contract and the outcomes. */
#include "alerts/outbox.h"

#include <ctype.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alerts/msg.h"
#include "alerts/webhook.h"
#include "core/log.h"
#include "core/when.h"
#include "core/xalloc.h"
#include "store/alerts.h"

#define OUTBOX_BATCH 500            /* due rows read per pass */
#define OUTBOX_LEASE_EXTRA_S 30     /* lease beyond the POST timeout */
#define OUTBOX_IDLE_MS 60000        /* longest sleep of the thread */
#define OUTBOX_REASON 300
#define OUTBOX_STOP_GRACE_MS 2000   /* an in-flight POST may finish this long */

/* A webhook as the sender sees it: a copy of its [webhook] section and its
 * pace.  The URL lives only here and in the request. */
struct ob_hook {
	struct conf_webhook wh;     /* strings owned */
	char url_hash[WEBHOOK_HASHLEN];
	int64_t next_ok_ms;         /* monotonic: no message before this */
};

struct ob_hooks {
	struct ob_hook *v;
	size_t n;
};

struct outbox {
	struct store *s;
	struct post *post;
	struct outbox_opts o;
	char *user_agent;
	struct ob_hooks hooks;      /* the sender's */
	struct ob_hooks next;       /* a new configuration, under mu */
	bool has_next;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	bool running, woken;
	atomic_int stop;
	atomic_llong stop_at;       /* an in-flight POST is abandoned after this */
	struct outbox_stats stats;  /* under mu */
};

enum verdict { V_DELIVERED, V_RETRY, V_RATE_LIMITED, V_BROKEN, V_REJECTED };

/* HTTP statuses and what they mean for a delivery; others are V_REJECTED. */
static const struct {
	int lo, hi;
	enum verdict v;
} verdicts[] = {
	{ 200, 299, V_DELIVERED }, { 400, 401, V_BROKEN }, { 403, 404, V_BROKEN },
	{ 408, 408, V_RETRY },     { 410, 410, V_BROKEN }, { 429, 429, V_RATE_LIMITED },
	{ 500, 599, V_RETRY },
};

void
outbox_opts_default(struct outbox_opts *o)
{
	o->timeout_ms = 20000;
	o->connect_timeout_ms = 10000;
	o->backoff_base_ms = 5000;
	o->backoff_cap_ms = 15 * 60 * 1000;
	o->max_attempts = 10;
	o->max_age_s = 86400;
	o->user_agent = NULL;
}

/* ---- the copy of the webhooks ---- */

static void
hooks_free(struct ob_hooks *h)
{
	for (size_t i = 0; i < h->n; i++) {
		free(h->v[i].wh.name);
		free(h->v[i].wh.url);
		free(h->v[i].wh.secret);
	}
	free(h->v);
	h->v = NULL;
	h->n = 0;
}

static void
hooks_copy(struct ob_hooks *h, const struct conf *c)
{
	h->n = c ? c->nwebhooks : 0;
	h->v = h->n ? xcalloc(h->n, sizeof(*h->v)) : NULL;
	for (size_t i = 0; i < h->n; i++) {
		const struct conf_webhook *w = &c->webhooks[i];
		struct ob_hook *d = &h->v[i];

		d->wh = *w;
		d->wh.name = xstrdup(w->name);
		d->wh.url = xstrdup(w->url ? w->url : "");
		d->wh.secret = xstrdup(w->secret);
		webhook_url_hash(d->wh.url, d->url_hash);
	}
}

static struct ob_hook *
hook_find(struct ob_hooks *h, const char *name)
{
	for (size_t i = 0; i < h->n; i++)
		if (strcmp(h->v[i].wh.name, name) == 0)
			return &h->v[i];
	return NULL;
}

/* Takes a configuration set by outbox_set_conf, keeping each webhook's pace. */
static void
adopt_conf(struct outbox *ob)
{
	struct ob_hooks old;

	pthread_mutex_lock(&ob->mu);
	if (!ob->has_next) {
		pthread_mutex_unlock(&ob->mu);
		return;
	}
	old = ob->hooks;
	ob->hooks = ob->next;
	ob->next.v = NULL;
	ob->next.n = 0;
	ob->has_next = false;
	pthread_mutex_unlock(&ob->mu);
	for (size_t i = 0; i < ob->hooks.n; i++) {
		struct ob_hook *was = hook_find(&old, ob->hooks.v[i].wh.name);

		if (was)
			ob->hooks.v[i].next_ok_ms = was->next_ok_ms;
	}
	hooks_free(&old);
}

void
outbox_set_conf(struct outbox *ob, const struct conf *c)
{
	struct ob_hooks h;

	hooks_copy(&h, c);
	pthread_mutex_lock(&ob->mu);
	hooks_free(&ob->next);
	ob->next = h;
	ob->has_next = true;
	pthread_mutex_unlock(&ob->mu);
}

enum es_err
outbox_new(const char *db_path, const struct conf *c, const struct outbox_opts *o,
	   struct outbox **out, char *err, size_t errlen)
{
	struct outbox *ob = xcalloc(1, sizeof(*ob));
	pthread_condattr_t ca;
	enum es_err rc;

	*out = NULL;
	if (db_path && (rc = store_open(db_path, STORE_RW, &ob->s, err, errlen))) {
		free(ob);
		return rc;
	}
	if (o)
		ob->o = *o;
	else
		outbox_opts_default(&ob->o);
	ob->user_agent = xstrdup(ob->o.user_agent ? ob->o.user_agent : "earshot");
	ob->o.user_agent = ob->user_agent;
	ob->post = post_new(ob->user_agent, ob->o.timeout_ms, ob->o.connect_timeout_ms);
	post_set_stop(ob->post, &ob->stop_at);
	pthread_mutex_init(&ob->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&ob->cv, &ca);
	pthread_condattr_destroy(&ca);
	hooks_copy(&ob->hooks, c);
	*out = ob;
	return ES_OK;
}

void
outbox_free(struct outbox *ob)
{
	if (!ob)
		return;
	if (ob->running) {
		pthread_mutex_lock(&ob->mu);
		atomic_store(&ob->stop_at, (long long)(when_mono_ms() + OUTBOX_STOP_GRACE_MS));
		atomic_store(&ob->stop, 1);
		pthread_cond_signal(&ob->cv);
		pthread_mutex_unlock(&ob->mu);
		pthread_join(ob->thread, NULL);
	}
	hooks_free(&ob->hooks);
	hooks_free(&ob->next);
	post_free(ob->post);
	store_close(ob->s);
	pthread_mutex_destroy(&ob->mu);
	pthread_cond_destroy(&ob->cv);
	free(ob->user_agent);
	free(ob);
}

void
outbox_stats(struct outbox *ob, struct outbox_stats *st)
{
	pthread_mutex_lock(&ob->mu);
	*st = ob->stats;
	pthread_mutex_unlock(&ob->mu);
}

static void
count(struct outbox *ob, size_t *field, size_t n)
{
	pthread_mutex_lock(&ob->mu);
	*field += n;
	pthread_mutex_unlock(&ob->mu);
}

/* ---- recording outcomes ---- */

static void
settle(struct outbox *ob, const struct store_delivery *d, const char *state, int status,
       const char *why, int64_t next_at)
{
	struct store_outcome o = { state, when_now(), status, why, next_at };
	char err[ES_ERRLEN];

	if (store_delivery_done(ob->s, d->id, &o, err, sizeof(err)) != ES_OK) {
		/* The lease makes it come back: at least once still holds. */
		log_error("outbox: cannot record a delivery", "delivery=%lld error=%s",
			  (long long)d->id, logq(err));
		return;
	}
	if (!strcmp(state, "delivered"))
		count(ob, &ob->stats.delivered, 1);
	else if (!strcmp(state, "pending"))
		count(ob, &ob->stats.retries, 1);
	else if (!strcmp(state, "skipped"))
		count(ob, &ob->stats.skipped, 1);
	else
		count(ob, &ob->stats.failed, 1);
}

static void
settle_all(struct outbox *ob, const struct store_delivery *d, size_t n, const char *state,
	   int status, const char *why)
{
	for (size_t i = 0; i < n; i++)
		settle(ob, &d[i], state, status, why, 0);
}

/* A random delay in [1 s, min(cap, base * 2^(attempt-1))]: full jitter. */
static int64_t
backoff_ms(const struct outbox_opts *o, int attempt)
{
	int64_t top = o->backoff_base_ms;

	for (int i = 1; i < attempt && top < o->backoff_cap_ms; i++)
		top *= 2;
	if (top > o->backoff_cap_ms)
		top = o->backoff_cap_ms;
	if (top <= 1000)
		return 1000;
	return 1000 + (int64_t)arc4random_uniform((uint32_t)(top - 1000 + 1));
}

/* The database counts whole seconds: round a wait up so nothing is early. */
static int64_t
after_ms(int64_t now, int64_t ms)
{
	return now + (ms + 999) / 1000 + 1;
}

/* "HTTP 503: no_service" with a short, URL-free part of the answer. */
static void
describe(char *out, size_t len, enum es_err rc, const struct post_result *r)
{
	char snip[64];
	size_t k = 0;

	if (rc != ES_OK) {
		snprintf(out, len, "%s", r->error);
		return;
	}
	for (size_t i = 0; r->body && i < r->body_len && k + 1 < sizeof(snip); i++)
		snip[k++] = isprint((unsigned char)r->body[i]) ? r->body[i] : ' ';
	snip[k] = '\0';
	if (k && !strstr(snip, "://"))
		snprintf(out, len, "HTTP %d: %s", r->status, snip);
	else
		snprintf(out, len, "HTTP %d", r->status);
}

static enum verdict
classify(enum es_err rc, int status)
{
	if (rc != ES_OK)
		return V_RETRY;
	for (size_t i = 0; i < sizeof(verdicts) / sizeof(verdicts[0]); i++)
		if (status >= verdicts[i].lo && status <= verdicts[i].hi)
			return verdicts[i].v;
	return V_REJECTED;
}

/* Retries each row, or fails it when it has had enough attempts.  The
 * wait is exact_ms when that is not negative (a 429's Retry-After), else
 * the backoff, but no less than floor_ms (a 503's Retry-After). */
static void
retry_rows(struct outbox *ob, const struct store_delivery *d, const int *attempts, size_t n,
	   int status, const char *why, int64_t exact_ms, int64_t floor_ms)
{
	int64_t now = when_now();
	char gave_up[OUTBOX_REASON];

	for (size_t i = 0; i < n; i++) {
		int64_t ms = exact_ms >= 0 ? exact_ms : backoff_ms(&ob->o, attempts[i]);

		if (exact_ms < 0 && floor_ms > ms)
			ms = floor_ms;

		if (atomic_load(&ob->stop)) {
			settle(ob, &d[i], "pending", status, why, now);
		} else if (attempts[i] >= ob->o.max_attempts ||
			   now - d[i].created_at > ob->o.max_age_s) {
			snprintf(gave_up, sizeof(gave_up), "gave up after %d attempts: %.200s",
				 attempts[i], why);
			settle(ob, &d[i], "failed", status, gave_up, 0);
		} else {
			settle(ob, &d[i], "pending", status, why, after_ms(now, ms));
		}
	}
}

static void
mark_broken(struct outbox *ob, struct ob_hook *h, const struct store_delivery *d, size_t n,
	    int status, const char *why)
{
	char reason[OUTBOX_REASON], err[ES_ERRLEN];

	snprintf(reason, sizeof(reason),
		 "%.120s: webhook marked broken; change its url or run earshot alerts --reset %.64s",
		 why,
		 h->wh.name);
	if (store_webhook_break(ob->s, h->wh.name, when_now(), status, why, err, sizeof(err)))
		log_error("outbox: cannot mark a webhook broken", "webhook=%s error=%s",
			  logq(h->wh.name), logq(err));
	log_warn("webhook broken", "webhook=%s status=%d error=%s", logq(h->wh.name), status,
		 logq(why));
	settle_all(ob, d, n, "failed", status, reason);
}

/* ---- sending ---- */

static void
pace(struct ob_hook *h, const struct post_result *r)
{
	int64_t next = when_mono_ms() + webhook_min_interval(&h->wh);

	if (r->rl_remaining == 0 && r->rl_reset_ms > 0 && when_mono_ms() + r->rl_reset_ms > next)
		next = when_mono_ms() + r->rl_reset_ms;
	h->next_ok_ms = next;
}

static void
rate_limited(struct outbox *ob, struct ob_hook *h, const struct store_delivery *d,
	     const int *attempts, size_t n, const struct post_result *r, const char *why)
{
	int64_t ms = r->retry_after_ms >= 0 ? r->retry_after_ms : backoff_ms(&ob->o, attempts[0]);
	int64_t until = after_ms(when_now(), ms);
	char err[ES_ERRLEN];

	if (when_mono_ms() + ms > h->next_ok_ms)
		h->next_ok_ms = when_mono_ms() + ms;
	if (store_webhook_pause(ob->s, h->wh.name, until, err, sizeof(err)))
		log_error("outbox: cannot pause a webhook", "webhook=%s error=%s",
			  logq(h->wh.name), logq(err));
	log_warn("webhook rate limited", "webhook=%s wait_ms=%lld", logq(h->wh.name),
		 (long long)ms);
	retry_rows(ob, d, attempts, n, r->status, why, ms, -1);
}

static void
record(struct outbox *ob, struct ob_hook *h, const struct store_delivery *d, const int *attempts,
       size_t n, enum es_err rc, const struct post_result *r, const char *key)
{
	char why[OUTBOX_REASON];

	describe(why, sizeof(why), rc, r);
	switch (classify(rc, r->status)) {
	case V_DELIVERED:
		log_info("alert delivered", "webhook=%s type=%s alerts=%zu status=%d key=%s ms=%lld",
			 logq(h->wh.name), webhook_type_name(h->wh.type), n, r->status, logq(key),
			 (long long)r->elapsed_ms);
		settle_all(ob, d, n, "delivered", r->status, NULL);
		break;
	case V_RATE_LIMITED:
		rate_limited(ob, h, d, attempts, n, r, why);
		break;
	case V_BROKEN:
		mark_broken(ob, h, d, n, r->status, why);
		break;
	case V_REJECTED:
		log_warn("alert rejected", "webhook=%s error=%s", logq(h->wh.name), logq(why));
		settle_all(ob, d, n, "failed", r->status, why);
		break;
	case V_RETRY:
		log_warn("alert delivery failed", "webhook=%s error=%s attempt=%d",
			 logq(h->wh.name), logq(why), attempts[0]);
		retry_rows(ob, d, attempts, n, r->status, why, -1,
			   r->status == 503 ? r->retry_after_ms : -1);
		break;
	}
}

/* Loads the alerts of the claimed rows; rows whose alert cannot be read
 * are failed and dropped from d.  Returns how many remain. */
static size_t
load_msgs(struct outbox *ob, struct store_delivery *d, int *attempts, size_t n,
	  struct alert_msg *msgs)
{
	char err[ES_ERRLEN];
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		struct store_alert a = { 0 };
		enum es_err rc = store_alert_get(ob->s, d[i].alert_id, &a, err, sizeof(err));

		if (rc == ES_OK)
			rc = msg_from_json(a.details, &msgs[k], err, sizeof(err));
		store_alert_reset(&a);
		if (rc != ES_OK) {
			settle(ob, &d[i], "failed", 0, err, 0);
			continue;
		}
		d[k] = d[i];
		attempts[k++] = attempts[i];
	}
	return k;
}

static void
send_message(struct outbox *ob, struct ob_hook *h, const struct store_delivery *d,
	     const int *attempts, size_t n, const struct alert_msg *msgs)
{
	const struct alert_msg *ptrs[WEBHOOK_DIGEST_MAX];
	struct webhook_req req;
	struct post_result res = { 0 };
	char err[ES_ERRLEN];
	enum es_err rc;

	for (size_t i = 0; i < n; i++)
		ptrs[i] = &msgs[i];
	if ((rc = webhook_format(&h->wh, ptrs, n, when_now(), &req, err, sizeof(err)))) {
		settle_all(ob, d, n, "failed", 0, err);
		return;
	}
	count(ob, &ob->stats.posts, 1);
	log_debug("posting alert", "webhook=%s url=%s alerts=%zu bytes=%zu key=%s",
		  logq(h->wh.name), logurl(h->wh.url), n, req.len, logq(req.key));
	rc = post_send(ob->post, h->wh.url, req.query, (const char *const *)req.headers,
		       req.nheaders, req.body, req.len, &res);
	pace(h, &res);
	record(ob, h, d, attempts, n, rc, &res, req.key);
	post_result_reset(&res);
	webhook_req_reset(&req);
}

/* Claims up to WEBHOOK_DIGEST_MAX rows and sends them as one message. */
static void
send_group(struct outbox *ob, struct ob_hook *h, const struct store_delivery *rows, size_t n)
{
	struct store_delivery d[WEBHOOK_DIGEST_MAX];
	struct alert_msg msgs[WEBHOOK_DIGEST_MAX];
	int attempts[WEBHOOK_DIGEST_MAX];
	int64_t now = when_now();
	int64_t lease = now + (ob->o.timeout_ms + 999) / 1000 + OUTBOX_LEASE_EXTRA_S;
	char err[ES_ERRLEN];
	size_t k = 0;

	for (size_t i = 0; i < n && k < WEBHOOK_DIGEST_MAX; i++) {
		enum es_err rc = store_delivery_claim(ob->s, rows[i].id, now, lease, &attempts[k],
						      err, sizeof(err));

		if (rc == ES_OK)
			d[k++] = rows[i];
		else if (rc != ES_STOP)
			log_error("outbox: cannot claim a delivery", "error=%s", logq(err));
	}
	k = load_msgs(ob, d, attempts, k, msgs);
	if (k)
		send_message(ob, h, d, attempts, k, msgs);
	for (size_t i = 0; i < k; i++)
		msg_reset(&msgs[i]);
}

/* The rows of one webhook that are due now. */
static void
deliver_group(struct outbox *ob, const struct store_delivery *rows, size_t n)
{
	struct ob_hook *h = hook_find(&ob->hooks, rows[0].webhook);
	struct store_webhook st = { 0 };
	char err[ES_ERRLEN], why[OUTBOX_REASON], iso[WHEN_ISOLEN];

	if (!h) {
		settle_all(ob, rows, n, "failed", 0, "no such [webhook] in feeds.conf");
		return;
	}
	if (!*h->wh.url) {
		settle_all(ob, rows, n, "skipped", 0,
			   "webhook disabled: its url is empty (is its variable set?)");
		return;
	}
	if (store_webhook_sync(ob->s, h->wh.name, h->url_hash, &st, err, sizeof(err))) {
		log_error("outbox: webhook state", "webhook=%s error=%s", logq(h->wh.name), logq(err));
	} else if (st.broken_at) {
		snprintf(why, sizeof(why),
			 "webhook broken since %s (%.100s); change its url or run earshot alerts "
			 "--reset %.64s",
			 when_fmt_iso(st.broken_at, iso), st.broken_reason ? st.broken_reason : "?",
			 h->wh.name);
		settle_all(ob, rows, n, "failed", st.broken_status, why);
	} else if (st.paused_until > when_now()) {
		if (store_delivery_defer(ob->s, h->wh.name, st.paused_until, err, sizeof(err)))
			log_error("outbox: defer", "webhook=%s error=%s", logq(h->wh.name), logq(err));
	} else if (h->next_ok_ms <= when_mono_ms()) {
		send_group(ob, h, rows, n);
	}
	store_webhook_reset(&st);
}

/* Milliseconds until some pending row can go: its time, and its
 * webhook's pace; -1 when nothing is pending. */
static int64_t
next_wait(struct outbox *ob)
{
	struct store_pending *p;
	char err[ES_ERRLEN];
	int64_t best = -1, now = when_now(), mono = when_mono_ms();
	size_t n;

	if (store_delivery_pending(ob->s, &p, &n, err, sizeof(err)) != ES_OK) {
		log_error("outbox: pending deliveries", "error=%s", logq(err));
		return OUTBOX_IDLE_MS;
	}
	for (size_t i = 0; i < n; i++) {
		struct ob_hook *h = hook_find(&ob->hooks, p[i].webhook);
		int64_t ms = p[i].next_at > now ? (p[i].next_at - now) * 1000 : 0;

		if (h && h->next_ok_ms - mono > ms)
			ms = h->next_ok_ms - mono;
		if (best < 0 || ms < best)
			best = ms;
	}
	store_pending_free(p, n);
	return best;
}

int64_t
outbox_run(struct outbox *ob)
{
	struct store_delivery *d;
	char err[ES_ERRLEN];
	size_t n, i, j;

	adopt_conf(ob);
	if (!ob->s)
		return -1;
	if (store_delivery_due(ob->s, when_now(), OUTBOX_BATCH, &d, &n, err, sizeof(err))) {
		log_error("outbox: due deliveries", "error=%s", logq(err));
		return OUTBOX_IDLE_MS;
	}
	for (i = 0; i < n && !atomic_load(&ob->stop); i = j) {
		for (j = i; j < n && strcmp(d[j].webhook, d[i].webhook) == 0; j++)
			;
		deliver_group(ob, d + i, j - i);
	}
	store_deliveries_free(d, n);
	return next_wait(ob);
}

static void
sleep_ms(int64_t ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0)
		;
}

size_t
outbox_flush(struct outbox *ob, int64_t timeout_ms)
{
	int64_t end = when_mono_ms() + timeout_ms, wait;
	struct store_pending *p;
	size_t n, left = 0;

	while ((wait = outbox_run(ob)) >= 0 && when_mono_ms() + wait <= end)
		if (wait > 0)
			sleep_ms(wait);
	if (ob->s && store_delivery_pending(ob->s, &p, &n, NULL, 0) == ES_OK) {
		for (size_t i = 0; i < n; i++)
			left += (size_t)p[i].count;
		store_pending_free(p, n);
	}
	return left;
}

/* ---- the thread ---- */

static void *
thread_main(void *arg)
{
	struct outbox *ob = arg;

	while (!atomic_load(&ob->stop)) {
		int64_t wait = outbox_run(ob);
		struct timespec ts;

		if (wait < 0 || wait > OUTBOX_IDLE_MS)
			wait = OUTBOX_IDLE_MS;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += wait / 1000;
		ts.tv_nsec += (wait % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_mutex_lock(&ob->mu);
		while (!ob->woken && !atomic_load(&ob->stop) &&
		       pthread_cond_timedwait(&ob->cv, &ob->mu, &ts) == 0)
			;
		ob->woken = false;
		pthread_mutex_unlock(&ob->mu);
	}
	return NULL;
}

enum es_err
outbox_start(struct outbox *ob, char *err, size_t errlen)
{
	if (ob->running)
		return ES_OK;
	if (pthread_create(&ob->thread, NULL, thread_main, ob) != 0)
		return es_error(ES_EIO, err, errlen, "cannot start the sender thread");
	ob->running = true;
	return ES_OK;
}

void
outbox_wake(struct outbox *ob)
{
	pthread_mutex_lock(&ob->mu);
	ob->woken = true;
	pthread_cond_signal(&ob->cv);
	pthread_mutex_unlock(&ob->mu);
}

/* ---- test messages ---- */

static void
test_msg(struct alert_msg *m, const struct ob_hook *h)
{
	char key[WEBHOOK_KEYLEN];
	struct buf s;

	msg_init(m);
	m->kind = MSG_TEST;
	m->fired_at = when_now();
	snprintf(key, sizeof(key), "es1-test-%lld-%08x", (long long)m->fired_at, arc4random());
	msg_set_text(&m->key, key);
	buf_init(&s, 0);
	buf_printf(&s, "This is a test message from earshot to the %s webhook \"%s\". "
		       "Alerts will arrive here.",
		   webhook_type_name(h->wh.type), h->wh.name);
	msg_set_text(&m->summary, buf_str(&s));
	buf_free(&s);
}

enum es_err
outbox_test(struct outbox *ob, const char *name, struct post_result *res, char *err,
	    size_t errlen)
{
	struct ob_hook *h;
	struct alert_msg m;
	const struct alert_msg *ptr = &m;
	struct webhook_req req;
	enum es_err rc;

	adopt_conf(ob);
	post_result_reset(res);
	if (!(h = hook_find(&ob->hooks, name)))
		return es_error(ES_ENOTFOUND, err, errlen, "no [webhook %s] in feeds.conf", name);
	if (!*h->wh.url)
		return es_error(ES_EINVAL, err, errlen,
				"webhook %s is disabled: its url is empty (is its variable set?)",
				name);
	test_msg(&m, h);
	rc = webhook_format(&h->wh, &ptr, 1, when_now(), &req, err, errlen);
	msg_reset(&m);
	if (rc)
		return rc;
	count(ob, &ob->stats.posts, 1);
	rc = post_send(ob->post, h->wh.url, req.query, (const char *const *)req.headers,
		       req.nheaders, req.body, req.len, res);
	webhook_req_reset(&req);
	if (rc)
		es_error(rc, err, errlen, "%s", res->error);
	return rc;
}
