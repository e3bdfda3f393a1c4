/* alerter.c - detection and delivery, in the caller or in threads of their
 * own; see alerter.h. */
#include "alerts/alerter.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alerts/health.h"
#include "alerts/rules.h"
#include "core/log.h"
#include "core/when.h"
#include "core/xalloc.h"

#define ALERTER_MAX_NOTED 1024 /* brands noted before a pass; more means "all" */
/* Least time between two passes of the detector thread: ingests that come
 * faster are gathered into one pass, so a busy crawl costs at most one
 * pass per gap (about 0.1 s of CPU per rule on 100k mentions a week). */
#define ALERTER_MIN_GAP_MS 2000

struct alerter {
	struct store *s;         /* where detection runs */
	struct store *own;       /* the detector thread's connection */
	const struct conf *c;
	struct outbox *ob;
	struct alerter_opts o;
	int64_t next_check_ms;   /* monotonic */
	int64_t last_pass_ms;    /* monotonic; the detector thread's last pass */
	bool *logged;            /* per rule: its error was logged */
	/* The detector thread. */
	pthread_t thread;
	bool running, stop;
	pthread_mutex_t mu;      /* the fields below and stop */
	pthread_cond_t cv;
	char **noted;            /* brands stored since the last pass */
	size_t nnoted;
	bool all;                /* every rule is due */
	pthread_mutex_t pass;    /* held by a pass; alerter_set_conf waits on it */
	pthread_mutex_t conf_mu; /* c, for alerter_after_source from another thread */
};

void
alerter_opts_default(struct alerter_opts *o)
{
	o->thread = false;
	o->tick_ms = ALERTER_TICK_MS;
	outbox_opts_default(&o->outbox);
}

static void
reset_logged(struct alerter *a)
{
	free(a->logged);
	a->logged = xcalloc((a->c ? a->c->nalerts : 0) + 1, sizeof(*a->logged));
}

/* Runs rule i; failures are logged once per rule and configuration. */
static size_t
run_rule(struct alerter *a, size_t i, int64_t now)
{
	const struct conf_alert *rule = &a->c->alerts[i];
	struct spike_result r;
	int64_t id = 0;
	char err[ES_ERRLEN];

	if (rules_run(a->s, rule, now, &r, &id, err, sizeof(err)) != ES_OK) {
		if (!a->logged[i])
			log_error("alert rule failed", "rule=%s error=%s", logq(rule->name),
				  logq(err));
		a->logged[i] = true;
		return 0;
	}
	a->logged[i] = false;
	return id != 0;
}

/* The rules watching brands (all of them when all), then with all the
 * source-health checks.  Wakes the sender when something was queued. */
static size_t
pass(struct alerter *a, const char *const *brands, size_t n, bool all)
{
	int64_t now = when_now();
	size_t fired = 0, health = 0;
	char err[ES_ERRLEN];

	for (size_t i = 0; a->c && i < a->c->nalerts; i++)
		if (all || rules_watches(&a->c->alerts[i], brands, n))
			fired += run_rule(a, i, now);
	if (all && a->c && health_check(a->s, a->c, now, &health, err, sizeof(err)) != ES_OK)
		log_error("source health check failed", "error=%s", logq(err));
	if (fired + health)
		outbox_wake(a->ob);
	return fired + health;
}

/* ---- the detector thread ---- */

static void
free_noted(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
wait_until(struct alerter *a, int64_t at)
{
	int64_t wait = at - when_mono_ms();
	struct timespec ts;

	if (wait <= 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += wait / 1000;
	ts.tv_nsec += (wait % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(&a->cv, &a->mu, &ts);
}

/* Sleeps until there is work (noted brands, a full check asked for, the
 * tick) and the gap since the last pass has passed, or a stop. */
static void
wait_for_work(struct alerter *a)
{
	while (!a->stop) {
		int64_t gap_end = a->last_pass_ms + ALERTER_MIN_GAP_MS;
		bool work = a->nnoted || a->all || when_mono_ms() >= a->next_check_ms;

		if (work && when_mono_ms() >= gap_end)
			return;
		wait_until(a, work ? gap_end : a->next_check_ms);
	}
}

static void *
detector_main(void *arg)
{
	struct alerter *a = arg;

	pthread_mutex_lock(&a->mu);
	while (!a->stop) {
		char **noted;
		size_t n;
		bool all;

		wait_for_work(a);
		if (a->stop)
			break;
		if (when_mono_ms() >= a->next_check_ms) {
			a->all = true;
			a->next_check_ms = when_mono_ms() + a->o.tick_ms;
		}
		noted = a->noted;
		n = a->nnoted;
		all = a->all;
		a->noted = NULL;
		a->nnoted = 0;
		a->all = false;
		pthread_mutex_unlock(&a->mu);
		pthread_mutex_lock(&a->pass);
		if (n || all)
			pass(a, (const char *const *)noted, n, all);
		pthread_mutex_unlock(&a->pass);
		a->last_pass_ms = when_mono_ms();
		free_noted(noted, n);
		pthread_mutex_lock(&a->mu);
	}
	pthread_mutex_unlock(&a->mu);
	return NULL;
}

/* Adds brands to the noted set (no duplicates); too many means all. */
static void
note(struct alerter *a, const char *const *brands, size_t n)
{
	for (size_t i = 0; i < n && !a->all; i++) {
		size_t k = 0;

		while (k < a->nnoted && strcmp(a->noted[k], brands[i]) != 0)
			k++;
		if (k < a->nnoted)
			continue;
		if (a->nnoted >= ALERTER_MAX_NOTED) {
			a->all = true;
			break;
		}
		a->noted = xreallocarray(a->noted, a->nnoted + 1, sizeof(*a->noted));
		a->noted[a->nnoted++] = xstrdup(brands[i]);
	}
}

/* ---- life ---- */

/* The detector's connection: its own in a thread or when none was given. */
static enum es_err
open_own(struct alerter *a, const char *db_path, char *err, size_t errlen)
{
	enum es_err rc;

	if (a->s && !a->o.thread)
		return ES_OK;
	if ((rc = store_open(db_path, STORE_RW, &a->own, err, errlen)))
		return rc;
	a->s = a->own;
	return ES_OK;
}

static enum es_err
start_threads(struct alerter *a, char *err, size_t errlen)
{
	enum es_err rc;

	if ((rc = outbox_start(a->ob, err, errlen)))
		return rc;
	if (pthread_create(&a->thread, NULL, detector_main, a) != 0)
		return es_error(ES_EIO, err, errlen, "cannot start the detector thread");
	a->running = true;
	return ES_OK;
}

enum es_err
alerter_new(struct store *s, const char *db_path, const struct conf *c,
	    const struct alerter_opts *o, struct alerter **out, char *err, size_t errlen)
{
	struct alerter *a = xcalloc(1, sizeof(*a));
	pthread_condattr_t ca;
	enum es_err rc;

	*out = NULL;
	if (o)
		a->o = *o;
	else
		alerter_opts_default(&a->o);
	if (a->o.tick_ms <= 0)
		a->o.tick_ms = ALERTER_TICK_MS;
	a->s = s;
	a->c = c;
	reset_logged(a);
	pthread_mutex_init(&a->mu, NULL);
	pthread_mutex_init(&a->pass, NULL);
	pthread_mutex_init(&a->conf_mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&a->cv, &ca);
	pthread_condattr_destroy(&ca);
	/* The first tick checks at once: a restart catches up. */
	a->next_check_ms = when_mono_ms();
	a->last_pass_ms = when_mono_ms() - ALERTER_MIN_GAP_MS;
	rc = outbox_new(db_path, c, &a->o.outbox, &a->ob, err, errlen);
	if (rc == ES_OK)
		rc = open_own(a, db_path, err, errlen);
	if (rc == ES_OK && a->o.thread)
		rc = start_threads(a, err, errlen);
	if (rc) {
		alerter_free(a);
		return rc;
	}
	*out = a;
	return ES_OK;
}

void
alerter_free(struct alerter *a)
{
	if (!a)
		return;
	if (a->running) {
		pthread_mutex_lock(&a->mu);
		a->stop = true;
		pthread_cond_signal(&a->cv);
		pthread_mutex_unlock(&a->mu);
		pthread_join(a->thread, NULL);
	}
	outbox_free(a->ob);
	store_close(a->own);
	free_noted(a->noted, a->nnoted);
	free(a->logged);
	pthread_mutex_destroy(&a->mu);
	pthread_mutex_destroy(&a->pass);
	pthread_mutex_destroy(&a->conf_mu);
	pthread_cond_destroy(&a->cv);
	free(a);
}

void
alerter_set_conf(struct alerter *a, const struct conf *c)
{
	pthread_mutex_lock(&a->pass);
	pthread_mutex_lock(&a->conf_mu);
	a->c = c;
	pthread_mutex_unlock(&a->conf_mu);
	reset_logged(a);
	pthread_mutex_unlock(&a->pass);
	outbox_set_conf(a->ob, c);
	outbox_wake(a->ob);
	if (a->running)
		alerter_check_all(a);
}

struct outbox *
alerter_outbox(struct alerter *a)
{
	return a->ob;
}

/* ---- calls ---- */

size_t
alerter_after_ingest(struct alerter *a, const char *const *brands, size_t n)
{
	if (!a->running)
		return pass(a, brands, n, false);
	pthread_mutex_lock(&a->mu);
	note(a, brands, n);
	pthread_cond_signal(&a->cv);
	pthread_mutex_unlock(&a->mu);
	return 0;
}

/* The names of the brands source feeds (its brands, or every brand) in a
 * new array; the names belong to the conf in force. */
static const char **
brands_of(const struct conf *c, const char *source, size_t *n)
{
	const struct conf_source *src = c ? conf_source_find(c, source) : NULL;
	const char **v;

	*n = 0;
	if (!src)
		return NULL;
	*n = src->brands ? src->nbrands : c->nbrands;
	v = xcalloc(*n + 1, sizeof(*v));
	for (size_t i = 0; i < *n; i++)
		v[i] = src->brands ? src->brands[i] : c->brands[i].name;
	return v;
}

size_t
alerter_after_source(struct alerter *a, const char *source, size_t inserted)
{
	const char **brands;
	size_t n, fired = 0;

	if (!inserted)
		return 0;
	pthread_mutex_lock(&a->conf_mu);
	brands = brands_of(a->c, source, &n);
	pthread_mutex_unlock(&a->conf_mu);
	if (brands && n)
		fired = alerter_after_ingest(a, brands, n);
	free(brands);
	return fired;
}

size_t
alerter_check_all(struct alerter *a)
{
	if (!a->running)
		return pass(a, NULL, 0, true);
	pthread_mutex_lock(&a->mu);
	a->all = true;
	pthread_cond_signal(&a->cv);
	pthread_mutex_unlock(&a->mu);
	return 0;
}

int64_t
alerter_tick(struct alerter *a)
{
	int64_t mono = when_mono_ms();

	if (a->running)
		return a->o.tick_ms;
	if (mono >= a->next_check_ms) {
		pass(a, NULL, 0, true);
		a->next_check_ms = mono + a->o.tick_ms;
	}
	return a->next_check_ms - when_mono_ms() > 0 ? a->next_check_ms - when_mono_ms() : 0;
}

size_t
alerter_flush(struct alerter *a, int64_t timeout_ms)
{
	if (a->running) {
		outbox_wake(a->ob);
		return 0;
	}
	return outbox_flush(a->ob, timeout_ms);
}

enum es_err
alerter_once(const char *db_path, const struct conf *c, int64_t timeout_ms,
	     struct alerter_once *out, char *err, size_t errlen)
{
	struct alerter_opts o;
	struct alerter *a = NULL;
	enum es_err rc;

	memset(out, 0, sizeof(*out));
	alerter_opts_default(&o);
	o.outbox.user_agent = c->global.user_agent;
	if ((rc = alerter_new(NULL, db_path, c, &o, &a, err, errlen)) != ES_OK)
		return rc;
	out->fired = alerter_check_all(a);
	out->left = alerter_flush(a, timeout_ms);
	outbox_stats(a->ob, &out->sent);
	alerter_free(a);
	return ES_OK;
}
