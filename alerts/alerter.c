/* alerter.c - detection on the caller's thread, delivery on the sender's;
 * see alerter.h. */
#include "alerts/alerter.h"

#include <stdlib.h>
#include <string.h>

#include "alerts/health.h"
#include "alerts/rules.h"
#include "core/log.h"
#include "core/when.h"
#include "core/xalloc.h"

struct alerter {
	struct store *s;
	const struct conf *c;
	struct outbox *ob;
	struct alerter_opts o;
	int64_t next_check_ms;   /* monotonic */
	bool *logged;            /* per rule: its error was logged */
	size_t nlogged;
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
	a->nlogged = a->c ? a->c->nalerts : 0;
	a->logged = xcalloc(a->nlogged + 1, sizeof(*a->logged));
}

enum es_err
alerter_new(struct store *s, const char *db_path, const struct conf *c,
	    const struct alerter_opts *o, struct alerter **out, char *err, size_t errlen)
{
	struct alerter *a = xcalloc(1, sizeof(*a));
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
	rc = outbox_new(db_path, c, &a->o.outbox, &a->ob, err, errlen);
	if (rc == ES_OK && a->o.thread)
		rc = outbox_start(a->ob, err, errlen);
	if (rc) {
		alerter_free(a);
		return rc;
	}
	/* The first tick checks at once: a restart catches up. */
	a->next_check_ms = when_mono_ms();
	*out = a;
	return ES_OK;
}

void
alerter_free(struct alerter *a)
{
	if (!a)
		return;
	outbox_free(a->ob);
	free(a->logged);
	free(a);
}

void
alerter_set_conf(struct alerter *a, const struct conf *c)
{
	a->c = c;
	reset_logged(a);
	outbox_set_conf(a->ob, c);
	outbox_wake(a->ob);
}

struct outbox *
alerter_outbox(struct alerter *a)
{
	return a->ob;
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

static size_t
queued(struct alerter *a, size_t n)
{
	if (n)
		outbox_wake(a->ob);
	return n;
}

size_t
alerter_after_ingest(struct alerter *a, const char *const *brands, size_t n)
{
	int64_t now = when_now();
	size_t fired = 0;

	for (size_t i = 0; a->c && i < a->c->nalerts; i++)
		if (rules_watches(&a->c->alerts[i], brands, n))
			fired += run_rule(a, i, now);
	return queued(a, fired);
}

size_t
alerter_check_all(struct alerter *a)
{
	int64_t now = when_now();
	size_t fired = 0, health = 0;
	char err[ES_ERRLEN];

	for (size_t i = 0; a->c && i < a->c->nalerts; i++)
		fired += run_rule(a, i, now);
	if (a->c && health_check(a->s, a->c, now, &health, err, sizeof(err)) != ES_OK)
		log_error("source health check failed", "error=%s", logq(err));
	return queued(a, fired + health);
}

int64_t
alerter_tick(struct alerter *a)
{
	int64_t mono = when_mono_ms();

	if (mono >= a->next_check_ms) {
		alerter_check_all(a);
		a->next_check_ms = mono + a->o.tick_ms;
	}
	return a->next_check_ms - when_mono_ms() > 0 ? a->next_check_ms - when_mono_ms() : 0;
}

size_t
alerter_flush(struct alerter *a, int64_t timeout_ms)
{
	return outbox_flush(a->ob, timeout_ms);
}
