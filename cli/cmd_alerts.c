/* cmd_alerts.c - earshot alerts: recent alerts and their deliveries, the
 * rules (and which still warm up), the webhooks' state; --test sends a test
 * message, --reset mends a broken webhook, --send checks and delivers now. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts/alerter.h"
#include "alerts/outbox.h"
#include "alerts/rules.h"
#include "alerts/webhook.h"
#include "cli/cmd.h"
#include "cli/table.h"
#include "core/units.h"
#include "core/when.h"
#include "store/alerts.h"

#define ALERTS_LIMIT 20        /* alerts listed by default */
#define ALERTS_SEND_MS 30000   /* --send: longest time spent delivering */

struct alerts_args {
	long limit;
	const char *test, *reset;
	bool send;
	int64_t timeout_ms;
};

static const char *
iso_or(int64_t t, char *buf, const char *none)
{
	return t ? when_fmt_iso(t, buf) : none;
}

/* ---- recent alerts ---- */

static enum es_err
add_log_row(const struct store_alert_log *r, void *arg)
{
	char id[24], fired[WHEN_ISOLEN], count[24], tries[16], status[16], when[WHEN_ISOLEN];
	char note[400];
	const char *cells[10];

	snprintf(id, sizeof(id), "%lld", (long long)r->alert_id);
	snprintf(count, sizeof(count), "%lld", (long long)r->count);
	snprintf(tries, sizeof(tries), "%d", r->attempts);
	snprintf(status, sizeof(status), "%d", r->last_status);
	note[0] = '\0';
	if (r->state && !strcmp(r->state, "pending"))
		snprintf(note, sizeof(note), "next try %s%s%s", iso_or(r->next_attempt_at, when, "?"),
			 r->last_error ? "; " : "", r->last_error ? r->last_error : "");
	else if (r->state && !strcmp(r->state, "delivered"))
		snprintf(note, sizeof(note), "at %s", iso_or(r->delivered_at, when, "?"));
	else if (r->last_error)
		snprintf(note, sizeof(note), "%s", r->last_error);
	else if (!r->webhook)
		snprintf(note, sizeof(note), "no webhook to tell");
	cells[0] = id;
	cells[1] = when_fmt_iso(r->fired_at, fired);
	cells[2] = r->rule;
	cells[3] = r->brand ? r->brand : r->source ? r->source : "*";
	cells[4] = r->kind && !strcmp(r->kind, "spike") ? count : r->kind;
	cells[5] = r->webhook ? r->webhook : "-";
	cells[6] = r->state ? r->state : "-";
	cells[7] = r->webhook ? tries : "";
	cells[8] = r->last_status ? status : "";
	cells[9] = note;
	table_add(arg, cells);
	return ES_OK;
}

static int
list_alerts(struct store *s, long limit)
{
	static const char *const names[] = { "ALERT", "FIRED", "RULE", "ABOUT", "COUNT",
					      "WEBHOOK", "STATE", "TRIES", "HTTP", "NOTE" };
	struct table *t = table_new(10, names);
	char err[ES_ERRLEN];
	enum es_err rc;

	table_align_right(t, 0);
	table_align_right(t, 4);
	table_align_right(t, 7);
	table_align_right(t, 8);
	rc = store_alert_log(s, (size_t)limit, add_log_row, t, err, sizeof(err));
	if (rc == ES_OK && table_rows(t) == 0)
		printf("No alerts yet.\n");
	else if (rc == ES_OK)
		table_print(t, stdout);
	table_free(t);
	if (rc)
		fprintf(stderr, "earshot alerts: %s\n", err);
	return rc ? EXIT_FAIL : EXIT_OK;
}

/* ---- rules ---- */

static void
rule_note(char *out, size_t len, const struct conf_alert *a, const struct spike_result *r)
{
	char have[32], need[32];

	switch (r->state) {
	case SPIKE_WARMING:
		units_fmt_duration(r->have_ms / 60000 * 60000, have, sizeof(have));
		units_fmt_duration(r->need_ms, need, sizeof(need));
		snprintf(out, len, "warming up: %s of %s of history; no alert until then", have,
			 need);
		break;
	case SPIKE_HELD:
		snprintf(out, len, "above threshold, but in its cooldown");
		break;
	case SPIKE_FIRE:
		snprintf(out, len, "above threshold: fires at the next check");
		break;
	default:
		snprintf(out, len, "%.0f in the window against a usual %.1f (score %.1f of %.1f)",
			 r->value, r->baseline, r->score, a->threshold);
		break;
	}
}

static void
add_rule_row(struct table *t, struct store *s, const struct conf_alert *a, int64_t now)
{
	static const char *const sentiments[] = { "negative", "positive", "neutral", "any" };
	struct spike_result r;
	char win[32], note[300], err[ES_ERRLEN];
	const char *cells[6];

	if (rules_check(s, a, now, &r, err, sizeof(err)) == ES_OK) {
		rule_note(note, sizeof(note), a, &r);
		cells[4] = spike_state_name(r.state);
	} else {
		snprintf(note, sizeof(note), "%s", err);
		cells[4] = "error";
	}
	cells[0] = a->name;
	cells[1] = a->brand ? a->brand : "*";
	cells[2] = a->sentiment >= 0 && a->sentiment <= CONF_SENT_ANY ? sentiments[a->sentiment]
								   : "?";
	cells[3] = units_fmt_duration(a->window, win, sizeof(win));
	cells[5] = note;
	table_add(t, cells);
}

static void
list_rules(struct store *s, const struct conf *c)
{
	static const char *const names[] = { "RULE", "BRAND", "SENTIMENT", "WINDOW", "STATE",
					      "NOTE" };
	struct table *t;
	int64_t now = when_now();

	if (!c || c->nalerts == 0)
		return;
	t = table_new(6, names);
	for (size_t i = 0; i < c->nalerts; i++)
		add_rule_row(t, s, &c->alerts[i], now);
	printf("\nRules:\n");
	table_print(t, stdout);
	table_free(t);
}

/* ---- webhooks ---- */

static int64_t
pending_of(const struct store_pending *p, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(p[i].webhook, name))
			return p[i].count;
	return 0;
}

static void
add_webhook_row(struct table *t, struct store *s, const struct conf_webhook *w, int64_t pending,
		size_t *broken)
{
	struct store_webhook st = { 0 };
	char note[300] = "", count[24], iso[WHEN_ISOLEN];
	const char *cells[5], *state = "ok";

	if (!w->url || !*w->url) {
		state = "disabled";
		snprintf(note, sizeof(note), "url is empty (is its variable set?): alerts are skipped");
	} else if (store_webhook_get(s, w->name, &st, NULL, 0) == ES_OK && st.broken_at) {
		state = "broken";
		snprintf(note, sizeof(note), "since %s: %s", when_fmt_iso(st.broken_at, iso),
			 st.broken_reason ? st.broken_reason : "?");
		(*broken)++;
	} else if (st.paused_until > when_now()) {
		state = "paused";
		snprintf(note, sizeof(note), "rate limited until %s", when_fmt_iso(st.paused_until, iso));
	}
	snprintf(count, sizeof(count), "%lld", (long long)pending);
	cells[0] = w->name;
	cells[1] = webhook_type_name(w->type);
	cells[2] = state;
	cells[3] = count;
	cells[4] = note;
	table_add(t, cells);
	store_webhook_reset(&st);
}

static void
list_webhooks(struct store *s, const struct conf *c)
{
	static const char *const names[] = { "WEBHOOK", "TYPE", "STATE", "PENDING", "NOTE" };
	struct store_pending *p = NULL;
	struct table *t;
	size_t n = 0, broken = 0;

	if (!c || c->nwebhooks == 0)
		return;
	(void)store_delivery_pending(s, &p, &n, NULL, 0);
	t = table_new(5, names);
	table_align_right(t, 3);
	for (size_t i = 0; i < c->nwebhooks; i++)
		add_webhook_row(t, s, &c->webhooks[i], pending_of(p, n, c->webhooks[i].name),
				&broken);
	printf("\nWebhooks:\n");
	table_print(t, stdout);
	if (broken)
		printf("A broken webhook gets no alerts until its url changes in feeds.conf or "
		       "`earshot alerts --reset NAME`.\n");
	table_free(t);
	store_pending_free(p, n);
}

static int
alerts_list(const struct conf *c, const char *db, long limit)
{
	struct store *s = NULL;
	char err[ES_ERRLEN];
	int status;

	if (store_open(db, STORE_RO, &s, err, sizeof(err)) != ES_OK) {
		fprintf(stderr, "earshot alerts: %s\n", err);
		return EXIT_FAIL;
	}
	status = list_alerts(s, limit);
	list_rules(s, c);
	list_webhooks(s, c);
	store_close(s);
	return status;
}

/* ---- --test, --reset, --send ---- */

static int
alerts_test(const struct conf *c, const char *name)
{
	const struct conf_webhook *w = conf_webhook_find(c, name);
	struct post_result res = { 0 };
	struct outbox *ob = NULL;
	char err[ES_ERRLEN];
	enum es_err rc;
	int ok;

	if (!w) {
		fprintf(stderr, "earshot alerts: no [webhook %s] in %s\n", name, c->path);
		return EXIT_USAGE;
	}
	if ((rc = outbox_new(NULL, c, NULL, &ob, err, sizeof(err))) == ES_OK)
		rc = outbox_test(ob, name, &res, err, sizeof(err));
	ok = rc == ES_OK && res.status >= 200 && res.status < 300;
	if (rc == ES_OK)
		printf("%s (%s): HTTP %d in %lld ms%s%.*s\n", name, webhook_type_name(w->type),
		       res.status, (long long)res.elapsed_ms, ok || !res.body_len ? "" : ": ",
		       ok ? 0 : (int)(res.body_len > 200 ? 200 : res.body_len),
		       res.body ? res.body : "");
	else
		printf("%s (%s): %s\n", name, webhook_type_name(w->type), err);
	post_result_reset(&res);
	outbox_free(ob);
	return ok ? EXIT_OK : EXIT_FAIL;
}

static int
alerts_reset(const struct conf *c, const char *db, const char *name)
{
	struct store *s = NULL;
	char err[ES_ERRLEN];
	enum es_err rc;

	if (!conf_webhook_find(c, name)) {
		fprintf(stderr, "earshot alerts: no [webhook %s] in %s\n", name, c->path);
		return EXIT_USAGE;
	}
	if ((rc = store_open(db, STORE_RW, &s, err, sizeof(err))) == ES_OK)
		rc = store_webhook_clear(s, name, err, sizeof(err));
	store_close(s);
	if (rc == ES_ENOTFOUND) {
		printf("%s: nothing to reset\n", name);
		return EXIT_OK;
	}
	if (rc) {
		fprintf(stderr, "earshot alerts: %s\n", err);
		return EXIT_FAIL;
	}
	printf("%s: reset; it gets alerts again\n", name);
	return EXIT_OK;
}

static int
alerts_send(const struct conf *c, const char *db, int64_t timeout_ms)
{
	struct alerter_once r;
	char err[ES_ERRLEN];

	if (alerter_once(db, c, timeout_ms, &r, err, sizeof(err)) != ES_OK) {
		fprintf(stderr, "earshot alerts: %s\n", err);
		return EXIT_FAIL;
	}
	printf("%zu alert%s raised; %zu message%s sent, %zu deliver%s done, %zu failed, "
	       "%zu skipped, %zu pending\n",
	       r.fired, r.fired == 1 ? "" : "s", r.sent.posts, r.sent.posts == 1 ? "" : "s",
	       r.sent.delivered, r.sent.delivered == 1 ? "y" : "ies", r.sent.failed, r.sent.skipped,
	       r.left);
	return EXIT_OK;
}

static int
parse_args(struct alerts_args *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "limit", required_argument, NULL, 'n' }, { "test", required_argument, NULL, 't' },
		{ "reset", required_argument, NULL, 'r' }, { "send", no_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 'T' }, { NULL, 0, NULL, 0 },
	};
	char *end;
	int ch;

	memset(a, 0, sizeof(*a));
	a->limit = ALERTS_LIMIT;
	a->timeout_ms = ALERTS_SEND_MS;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (ch == 'n')
			a->limit = strtol(optarg, &end, 10);
		if (ch == 'n' && (*end || a->limit <= 0))
			return cli_usage_error("alerts", "--limit needs a positive number");
		if (ch == 'T' && units_parse_duration(optarg, &a->timeout_ms) != ES_OK)
			return cli_usage_error("alerts", "--timeout needs a duration (30s, 2m)");
		if (ch == '?')
			return EXIT_USAGE;
		a->test = ch == 't' ? optarg : a->test;
		a->reset = ch == 'r' ? optarg : a->reset;
		a->send = a->send || ch == 's';
	}
	if (optind < argc)
		return cli_usage_error("alerts", "unexpected argument '%s'", argv[optind]);
	if ((a->test != NULL) + (a->reset != NULL) + a->send > 1)
		return cli_usage_error("alerts", "--test, --reset and --send go alone");
	return EXIT_OK;
}

int
cmd_alerts(struct cli *cli, int argc, char **argv)
{
	struct alerts_args a;
	struct conf *c;
	char *db;
	int status;

	if ((status = parse_args(&a, argc, argv)))
		return status;
	c = cli_conf(cli, a.test || a.reset || a.send || !cli->db_path, &status);
	if (!c && status)
		return status;
	db = cli_db_path(cli, c);
	if (a.test)
		status = alerts_test(c, a.test);
	else if (a.reset)
		status = alerts_reset(c, db, a.reset);
	else if (a.send)
		status = alerts_send(c, db, a.timeout_ms);
	else
		status = alerts_list(c, db, a.limit);
	free(db);
	conf_free(c);
	return status;
}
