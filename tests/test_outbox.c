/* test_outbox.c - the sender against es_httpd playing each chat service on
 * 127.0.0.1: delivered once in each format, digests, 503 then up, 429 and
 * Retry-After, 404 breaks the webhook, disabled webhooks, pacing, timeouts,
 * kill -9 between the 2xx and its record (resent with the same key), and
 * the webhook URL in no log line and no table. */
#include <cjson/cJSON.h>
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alerts/msg.h"
#include "alerts/outbox.h"
#include "alerts/webhook.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/when.h"
#include "core/xalloc.h"
#include "store/alerts.h"
#include "tests/httpd_client.h"
#include "tests/test.h"

#define TOKEN "s3cr3t-T0K3N"

static struct httpd srv;
static int dbn;

/* ---- helpers ---- */

static const char *
new_db(void)
{
	static char path[64];

	snprintf(path, sizeof(path), "outbox%d.db", ++dbn);
	return t_tmp(path);
}

static int64_t
sql_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v = -1;

	sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	} else {
		fprintf(stderr, "sql_int: %s\n", sqlite3_errmsg(db));
	}
	sqlite3_close(db);
	return v;
}

static char *
sql_str(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char *v = NULL;

	sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
			v = xstrdup((const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return v;
}

/* A feeds.conf with one webhook per line "NAME TYPE PATH" (PATH "-":
 * disabled), each pointing at the test server with the secret token. */
static struct conf *
conf_for(const char *hooks)
{
	struct buf b;
	struct conf *c;
	char name[32], type[32], path[64];
	const char *p = hooks;
	int n;

	buf_init(&b, 0);
	while (sscanf(p, "%31s %31s %63s%n", name, type, path, &n) == 3) {
		buf_printf(&b, "[webhook %s]\ntype = %s\n", name, type);
		if (strcmp(path, "-") == 0)
			buf_puts(&b, "url = ${ES_TEST_NEVER_SET:-}\n");
		else
			buf_printf(&b, "url = %s\n",
				   httpd_url(&srv, "hooks.localhost", path));
		if (!strcmp(type, "json"))
			buf_puts(&b, "secret = sign-me\n");
		p += n;
	}
	c = conf_load_string(buf_str(&b), "t.conf");
	if (c->ndiags)
		conf_diag_print(c, stderr);
	T_EQ_INT(c->ndiags, 0);
	buf_free(&b);
	return c;
}

/* Queues one spike alert with a hostile mention for the webhooks. */
static int64_t
queue(const char *db, const char *key, const char *const *hooks, size_t n)
{
	struct store *s;
	struct store_alert a = { 0 };
	struct alert_msg m;
	struct buf j;
	char err[ES_ERRLEN];

	msg_init(&m);
	m.kind = MSG_SPIKE;
	msg_set_text(&m.key, key);
	msg_set_text(&m.rule, "acme-neg");
	msg_set_text(&m.brand, "acme");
	msg_set_text(&m.sentiment, "negative");
	m.fired_at = when_now();
	m.window_start = m.fired_at - 3600;
	m.window_end = m.fired_at;
	m.count = 12;
	m.baseline = 1.5;
	m.score = 5.5;
	msg_set_text(&m.summary, "12 negative mentions of acme in 1h");
	msg_add_mention(&m, "@everyone <!channel> refund never came", "reviews",
			"https://reviews.example/1", -0.9, m.fired_at - 60);
	buf_init(&j, 0);
	msg_to_json(&m, &j);
	a.rule = xstrdup(m.rule);
	a.kind = xstrdup("spike");
	a.brand = xstrdup("acme");
	a.fired_at = m.fired_at;
	a.window_start = m.window_start;
	a.window_end = m.window_end;
	a.count = 12;
	a.baseline = 1.5;
	a.score = 5.5;
	a.share = a.baseline_share = NAN;
	a.summary = xstrdup(m.summary);
	a.details = buf_take(&j, NULL);
	a.key = xstrdup(key);
	a.health_mark = STORE_HEALTH_KEEP;
	T_EQ_INT(store_open(db, STORE_RW, &s, err, sizeof(err)), ES_OK);
	T_EQ_INT(store_alert_insert(s, &a, hooks, n, err, sizeof(err)), ES_OK);
	store_close(s);
	msg_reset(&m);
	n = (size_t)a.id;
	store_alert_reset(&a);
	return (int64_t)n;
}

static struct outbox *
sender(const char *db, const struct conf *c, int64_t base_ms, int64_t timeout_ms)
{
	struct outbox_opts o;
	struct outbox *ob = NULL;
	char err[ES_ERRLEN];

	outbox_opts_default(&o);
	o.backoff_base_ms = base_ms;
	o.backoff_cap_ms = base_ms;
	o.timeout_ms = timeout_ms;
	o.max_attempts = 6;
	T_EQ_INT(outbox_new(db, c, &o, &ob, err, sizeof(err)), ES_OK);
	return ob;
}

/* The logged requests to path, as a cJSON array (caller deletes). */
static cJSON *
requests(const char *path)
{
	cJSON *log = httpd_log(&srv), *out = cJSON_CreateArray(), *r;

	cJSON_ArrayForEach(r, log)
		if (!strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(r, "path")), path))
			cJSON_AddItemReferenceToArray(out, r);
	/* Keep the log alive as long as out: hang it on out. */
	cJSON_AddItemToArray(out, log);
	return out;
}

static const char *
header(const cJSON *req, const char *name)
{
	const cJSON *h;

	cJSON_ArrayForEach(h, cJSON_GetObjectItem(req, "headers"))
		if (!strcasecmp(cJSON_GetStringValue(cJSON_GetArrayItem(h, 0)), name))
			return cJSON_GetStringValue(cJSON_GetArrayItem(h, 1));
	return NULL;
}

static cJSON *
body_of(const cJSON *req)
{
	return cJSON_Parse(cJSON_GetStringValue(cJSON_GetObjectItem(req, "body")));
}

static double
t_of(const cJSON *req)
{
	return cJSON_GetNumberValue(cJSON_GetObjectItem(req, "t"));
}

static void
routes(const char *fmt)
{
	T_EQ_INT(httpd_clear(&srv), 0);
	T_EQ_INT(httpd_reset(&srv), 0);
	T_EQ_INT(httpd_routes(&srv, "%s", fmt), 0);
}

/* ---- tests ---- */

static void
check_shape(const char *type, const cJSON *req)
{
	cJSON *b = body_of(req);
	const char *target = cJSON_GetStringValue(cJSON_GetObjectItem(req, "target"));

	T_ASSERT(b != NULL);
	if (!strcmp(type, "slack")) {
		T_EQ_STR(cJSON_GetStringValue(cJSON_GetObjectItem(b, "text")), "Negative spike: acme");
		T_ASSERT(cJSON_GetArraySize(cJSON_GetObjectItem(b, "attachments")) == 1);
	} else if (!strcmp(type, "discord")) {
		T_CONTAINS(target, "?wait=true");
		T_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItem(
				 cJSON_GetObjectItem(b, "allowed_mentions"), "parse")), 0);
		T_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItem(b, "embeds")), 1);
	} else if (!strcmp(type, "teams")) {
		T_EQ_STR(cJSON_GetStringValue(cJSON_GetObjectItem(b, "type")), "message");
	} else if (!strcmp(type, "mattermost")) {
		T_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItem(b, "attachments")), 1);
	} else if (!strcmp(type, "googlechat")) {
		T_CONTAINS(target, "messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD");
		T_EQ_STR(cJSON_GetStringValue(cJSON_GetObjectItem(
				 cJSON_GetObjectItem(b, "thread"), "threadKey")), "earshot-acme-neg");
	} else {
		const char *body = cJSON_GetStringValue(cJSON_GetObjectItem(req, "body"));
		char sig[65], want[80];

		webhook_sign("sign-me", body, strlen(body), sig);
		snprintf(want, sizeof(want), "sha256=%s", sig);
		T_EQ_STR(header(req, "X-Earshot-Signature"), want);
		T_EQ_STR(cJSON_GetStringValue(cJSON_GetObjectItem(b, "idempotency_key")), "es1-one");
	}
	if (strcmp(type, "json") != 0) {
		const char *raw = cJSON_GetStringValue(cJSON_GetObjectItem(req, "body"));

		T_NOT_CONTAINS(raw, "@everyone");
		T_NOT_CONTAINS(raw, "<!channel>");
	}
	cJSON_Delete(b);
}

static void
test_each_service_once(void)
{
	static const char *const types[] = { "slack", "discord", "teams", "mattermost",
					      "googlechat", "json" };
	const char *db = new_db();
	const char *names[6];
	struct conf *c;
	struct outbox *ob;
	struct outbox_stats st;
	char path[64];

	routes("route /hook/*\nstatus 200\nbody ok\n"
	       "route /hook/discord/" TOKEN "\nstatus 200\ntype application/json\n"
	       "header X-RateLimit-Remaining: 4\nbody {\"id\":\"1\"}\n");
	c = conf_for("slack slack /hook/slack/" TOKEN " discord discord /hook/discord/" TOKEN
		     " teams teams /hook/teams/" TOKEN " mattermost mattermost /hook/mm/" TOKEN
		     " googlechat googlechat /hook/gchat/" TOKEN " json json /hook/json/" TOKEN);
	for (int i = 0; i < 6; i++)
		names[i] = types[i];
	queue(db, "es1-one", names, 6);
	ob = sender(db, c, 1000, 5000);
	T_EQ_INT(outbox_flush(ob, 10000), 0);
	/* A second pass sends nothing: delivered once. */
	T_EQ_INT(outbox_run(ob), -1);
	outbox_stats(ob, &st);
	T_EQ_INT(st.posts, 6);
	T_EQ_INT(st.delivered, 6);
	T_EQ_INT(sql_int(db, "SELECT count(*) FROM deliveries WHERE state = 'delivered' "
			     "AND attempts = 1 AND last_status = 200"), 6);
	T_EQ_INT(httpd_count(&srv, NULL), 6);
	for (int i = 0; i < 6; i++) {
		const char *seg[] = { "slack", "discord", "teams", "mm", "gchat", "json" };
		cJSON *r;

		snprintf(path, sizeof(path), "/hook/%s/%s", seg[i], TOKEN);
		r = requests(path);
		T_EQ_INT(cJSON_GetArraySize(r), 2); /* one request and the log */
		T_EQ_STR(header(cJSON_GetArrayItem(r, 0), "Idempotency-Key"), "es1-one");
		T_EQ_STR(header(cJSON_GetArrayItem(r, 0), "X-Earshot-Idempotency-Key"), "es1-one");
		T_EQ_STR(header(cJSON_GetArrayItem(r, 0), "Content-Type"),
			 "application/json; charset=utf-8");
		check_shape(types[i], cJSON_GetArrayItem(r, 0));
		cJSON_Delete(r);
	}
	outbox_free(ob);
	conf_free(c);
}

static void
test_digest(void)
{
	const char *db = new_db();
	const char *hooks[] = { "cx" };
	struct conf *c;
	struct outbox *ob;
	cJSON *r, *b;

	routes("route /d/*\nstatus 200\n");
	c = conf_for("cx slack /d/" TOKEN);
	queue(db, "es1-a", hooks, 1);
	queue(db, "es1-b", hooks, 1);
	queue(db, "es1-c", hooks, 1);
	ob = sender(db, c, 1000, 5000);
	T_EQ_INT(outbox_flush(ob, 10000), 0);
	T_EQ_INT(httpd_count(&srv, "/d/" TOKEN), 1);
	r = requests("/d/" TOKEN);
	b = body_of(cJSON_GetArrayItem(r, 0));
	T_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItem(b, "attachments")), 3);
	T_EQ_STR(cJSON_GetStringValue(cJSON_GetObjectItem(b, "text")), "3 alerts from earshot");
	T_ASSERT(!strncmp(header(cJSON_GetArrayItem(r, 0), "Idempotency-Key"), "es1-d", 5));
	T_EQ_INT(sql_int(db, "SELECT count(*) FROM deliveries WHERE state = 'delivered'"), 3);
	cJSON_Delete(b);
	cJSON_Delete(r);
	outbox_free(ob);
	conf_free(c);
}

static void
test_down_then_up(void)
{
	const char *db = new_db();
	const char *hooks[] = { "cx" };
	struct conf *c;
	struct outbox *ob;
	cJSON *r;

	/* Later routes win: two 503s, then the 200 underneath. */
	routes("route /u/*\nstatus 200\nbody ok\n"
	       "route /u/*\nstatus 503\ntimes 2\nbody down\n");
	c = conf_for("cx mattermost /u/" TOKEN);
	queue(db, "es1-up", hooks, 1);
	ob = sender(db, c, 1000, 5000);
	T_EQ_INT(outbox_flush(ob, 20000), 0);
	T_EQ_INT(httpd_count(&srv, "/u/" TOKEN), 3);
	T_EQ_INT(sql_int(db, "SELECT attempts FROM deliveries"), 3);
	T_EQ_INT(sql_int(db, "SELECT count(*) FROM deliveries WHERE state = 'delivered' "
			     "AND last_status = 200"), 1);
	r = requests("/u/" TOKEN);
	/* Each retry waited at least the one second floor of the backoff. */
	T_ASSERT(t_of(cJSON_GetArrayItem(r, 1)) - t_of(cJSON_GetArrayItem(r, 0)) >= 1000);
	T_ASSERT(t_of(cJSON_GetArrayItem(r, 2)) - t_of(cJSON_GetArrayItem(r, 1)) >= 1000);
	T_EQ_STR(header(cJSON_GetArrayItem(r, 2), "Idempotency-Key"), "es1-up");
	cJSON_Delete(r);
	outbox_free(ob);
	conf_free(c);
}

/* A 503 with Retry-After: the backoff (1 s here) waits at least that long. */
static void
test_503_retry_after_is_a_floor(void)
{
	const char *db = new_db();
	const char *hooks[] = { "cx" };
	struct conf *c;
	struct outbox *ob;
	cJSON *r;

	routes("route /f/*\nstatus 200\nroute /f/*\nstatus 503\nretry_after 3\ntimes 1\n");
	c = conf_for("cx json /f/" TOKEN);
	queue(db, "es1-floor", hooks, 1);
	ob = sender(db, c, 1000, 5000);
	T_EQ_INT(outbox_flush(ob, 15000), 0);
	r = requests("/f/" TOKEN);
	T_EQ_INT(cJSON_GetArraySize(r), 3);
	T_ASSERT(t_of(cJSON_GetArrayItem(r, 1)) - t_of(cJSON_GetArrayItem(r, 0)) >= 3000);
	cJSON_Delete(r);
	/* A 503 pauses nothing: only a 429 does. */
	T_EQ_INT(sql_int(db, "SELECT count(*) FROM webhooks WHERE paused_until IS NULL"), 1);
	outbox_free(ob);
	conf_free(c);
}

static void
test_gives_up(void)
{
	const char *db = new_db();
	const char *hooks[] = { "cx" };
	struct conf *c;
	struct outbox_opts o;
	struct outbox *ob;
	char err[ES_ERRLEN], *why;

	routes("route /g/*\nstatus 500\nbody broken backend\n");
	c = conf_for("cx teams /g/" TOKEN);
	queue(db, "es1-give", hooks, 1);
	outbox_opts_default(&o);
	o.backoff_base_ms = o.backoff_cap_ms = 1000;
	o.max_attempts = 2;
	T_EQ_INT(outbox_new(db, c, &o, &ob, err, sizeof(err)), ES_OK);
	T_EQ_INT(outbox_flush(ob, 10000), 0);
	T_EQ_INT(httpd_count(&srv, "/g/" TOKEN), 2);
	why = sql_str(db, "SELECT state || ' ' || last_status || ' ' || last_error FROM deliveries");
	T_EQ_STR(why, "failed 500 gave up after 2 attempts: HTTP 500: broken backend");
	free(why);
	/* A 5xx does not break the webhook. */
	T_EQ_INT(sql_int(db, "SELECT count(*) FROM webhooks WHERE broken_at IS NULL"), 1);
	outbox_free(ob);
	conf_free(c);
}

static void
test_retry_after(void)
{
	const char *db = new_db();
	const char *hooks[] = { "cx", "dc" };
	struct conf *c;
	struct outbox *ob;
	cJSON *r;

	routes("route /r/*\nstatus 200\n"
	       "route /r/slack/*\nstatus 429\nretry_after 2\ntimes 1\nbody rate_limited\n"
	       "route /r/discord/*\nstatus 429\ntimes 1\ntype application/json\n"
	       "body {\"message\":\"You are being rate limited.\",\"retry_after\":1.5,"
	       "\"global\":false}\n");
	c = conf_for("cx slack /r/slack/" TOKEN " dc discord /r/discord/" TOKEN);
	queue(db, "es1-429", hooks, 2);
	ob = sender(db, c, 60000, 5000); /* a backoff would be far longer */
	T_EQ_INT(outbox_flush(ob, 15000), 0);
	r = requests("/r/slack/" TOKEN);
	T_EQ_INT(cJSON_GetArraySize(r), 3);
	T_ASSERT(t_of(cJSON_GetArrayItem(r, 1)) - t_of(cJSON_GetArrayItem(r, 0)) >= 2000);
	T_ASSERT(t_of(cJSON_GetArrayItem(r, 1)) - t_of(cJSON_GetArrayItem(r, 0)) < 5000);
	cJSON_Delete(r);
	r = requests("/r/discord/" TOKEN);
	T_EQ_INT(cJSON_GetArraySize(r), 3);
	T_ASSERT(t_of(cJSON_GetArrayItem(r, 1)) - t_of(cJSON_GetArrayItem(r, 0)) >= 1500);
	cJSON_Delete(r);
	T_EQ_INT(sql_int(db, "SELECT count(*) FROM deliveries WHERE state = 'delivered' "
			     "AND attempts = 2"), 2);
	T_EQ_INT(sql_int(db, "SELECT count(*) FROM webhooks WHERE paused_until IS NOT NULL"), 2);
	outbox_free(ob);
	conf_free(c);
}

static void
test_not_found_breaks(void)
{
	const char *db = new_db();
	const char *hooks[] = { "cx" };
	struct conf *c, *c2;
	struct outbox *ob;
	char *why;

	routes("route /gone/*\nstatus 404\nbody no_service\nroute /new/*\nstatus 200\n");
	c = conf_for("cx slack /gone/" TOKEN);
	queue(db, "es1-404", hooks, 1);
	ob = sender(db, c, 1000, 5000);
	T_EQ_INT(outbox_flush(ob, 10000), 0);
	T_EQ_INT(httpd_count(&srv, "/gone/" TOKEN), 1);
	why = sql_str(db, "SELECT state || ' ' || last_error FROM deliveries");
	T_EQ_STR(why, "failed HTTP 404: no_service: webhook marked broken; change its url or run "
		      "earshot alerts --reset cx");
	free(why);
	T_EQ_INT(sql_int(db, "SELECT broken_status FROM webhooks WHERE name = 'cx' "
			     "AND broken_at IS NOT NULL"), 404);
	/* No more traffic: the next alert fails without a request. */
	queue(db, "es1-404b", hooks, 1);
	T_EQ_INT(outbox_flush(ob, 10000), 0);
	T_EQ_INT(httpd_count(&srv, "/gone/" TOKEN), 1);
	why = sql_str(db, "SELECT last_error FROM deliveries WHERE id = 2");
	T_CONTAINS(why, "webhook broken since ");
	T_CONTAINS(why, "(HTTP 404: no_service)");
	free(why);
	/* A new url in feeds.conf mends it. */
	c2 = conf_for("cx slack /new/" TOKEN);
	outbox_set_conf(ob, c2);
	queue(db, "es1-404c", hooks, 1);
	T_EQ_INT(outbox_flush(ob, 10000), 0);
	T_EQ_INT(httpd_count(&srv, "/new/" TOKEN), 1);
	T_EQ_INT(sql_int(db, "SELECT count(*) FROM webhooks WHERE broken_at IS NULL"), 1);
	T_EQ_INT(sql_int(db, "SELECT count(*) FROM deliveries WHERE state = 'delivered'"), 1);
	outbox_free(ob);
	conf_free(c);
	conf_free(c2);
}

/* The other answers that mean the URL or its token is wrong: one request
 * each, the webhook broken with that status. */
static void
test_client_errors_break(void)
{
	static const int codes[] = { 400, 401, 403, 410 };
	const char *hooks[] = { "cx" };
	char route[160], hook[64];

	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		const char *db = new_db();
		struct conf *c;
		struct outbox *ob;
		char path[64];

		snprintf(path, sizeof(path), "/c%d/" TOKEN, codes[i]);
		snprintf(route, sizeof(route), "route /c%d/*\nstatus %d\nbody invalid_token\n",
			 codes[i], codes[i]);
		routes(route);
		snprintf(hook, sizeof(hook), "cx slack /c%d/" TOKEN, codes[i]);
		c = conf_for(hook);
		queue(db, "es1-4xx", hooks, 1);
		ob = sender(db, c, 1000, 5000);
		T_EQ_INT(outbox_flush(ob, 10000), 0);
		T_EQ_INT(httpd_count(&srv, path), 1);
		T_EQ_INT(sql_int(db, "SELECT broken_status FROM webhooks WHERE name = 'cx' "
				     "AND broken_at IS NOT NULL"), codes[i]);
		T_EQ_INT(sql_int(db, "SELECT count(*) FROM deliveries WHERE state = 'failed'"), 1);
		outbox_free(ob);
		conf_free(c);
	}
	/* That a 5xx breaks nothing is test_gives_up's. */
}

static void
test_disabled_and_unknown(void)
{
	const char *db = new_db();
	const char *hooks[] = { "off", "ghost" };
	struct conf *c;
	struct outbox *ob;
	char *why;

	routes("route *\nstatus 200\n");
	c = conf_for("off slack -");
	queue(db, "es1-off", hooks, 2);
	ob = sender(db, c, 1000, 5000);
	T_EQ_INT(outbox_flush(ob, 5000), 0);
	T_EQ_INT(httpd_count(&srv, NULL), 0);
	why = sql_str(db, "SELECT state || ': ' || last_error FROM deliveries WHERE webhook='off'");
	T_EQ_STR(why, "skipped: webhook disabled: its url is empty (is its variable set?)");
	free(why);
	why = sql_str(db, "SELECT state || ': ' || last_error FROM deliveries WHERE webhook='ghost'");
	T_EQ_STR(why, "failed: no such [webhook] in feeds.conf");
	free(why);
	outbox_free(ob);
	conf_free(c);
}

static void
test_pacing(void)
{
	const char *db = new_db();
	const char *sl[] = { "sl" }, *dc[] = { "dc" }, *tm[] = { "tm" };
	struct conf *c;
	struct outbox *ob;
	cJSON *r;

	routes("route /p/*\nstatus 200\n"
	       "route /p/discord/*\nstatus 200\nheader X-RateLimit-Remaining: 0\n"
	       "header X-RateLimit-Reset-After: 1.2\n");
	c = conf_for("sl slack /p/slack/" TOKEN " dc discord /p/discord/" TOKEN
		     " tm teams /p/teams/" TOKEN);
	ob = sender(db, c, 1000, 5000);
	for (int i = 0; i < 2; i++) {
		char key[32];

		snprintf(key, sizeof(key), "es1-p%d", i);
		queue(db, key, sl, 1);
		snprintf(key, sizeof(key), "es1-q%d", i);
		queue(db, key, dc, 1);
		snprintf(key, sizeof(key), "es1-r%d", i);
		queue(db, key, tm, 1);
		T_EQ_INT(outbox_flush(ob, 10000), 0);
	}
	r = requests("/p/slack/" TOKEN);
	T_EQ_INT(cJSON_GetArraySize(r), 3);
	T_ASSERT(t_of(cJSON_GetArrayItem(r, 1)) - t_of(cJSON_GetArrayItem(r, 0)) >= 1000);
	cJSON_Delete(r);
	r = requests("/p/discord/" TOKEN);
	T_ASSERT(t_of(cJSON_GetArrayItem(r, 1)) - t_of(cJSON_GetArrayItem(r, 0)) >= 1200);
	cJSON_Delete(r);
	r = requests("/p/teams/" TOKEN);
	T_ASSERT(t_of(cJSON_GetArrayItem(r, 1)) - t_of(cJSON_GetArrayItem(r, 0)) >= 250);
	cJSON_Delete(r);
	outbox_free(ob);
	conf_free(c);
}

static void
test_timeout_retried(void)
{
	const char *db = new_db();
	const char *hooks[] = { "cx" };
	struct conf *c;
	struct outbox *ob;
	int64_t wait;
	char *why;

	routes("route /t/*\nstatus 200\nroute /t/*\nstatus 200\ndelay 3s\ntimes 1\n");
	c = conf_for("cx googlechat /t/" TOKEN);
	queue(db, "es1-slow", hooks, 1);
	ob = sender(db, c, 1000, 1000);
	wait = outbox_run(ob); /* the failed attempt's retry, a second or two away */
	T_ASSERT(wait >= 1000 && wait <= 2000);
	why = sql_str(db, "SELECT state || ' ' || attempts || ' ' || last_error FROM deliveries");
	T_EQ_STR(why, "pending 1 Timeout was reached");
	free(why);
	T_EQ_INT(outbox_flush(ob, 10000), 0);
	T_EQ_INT(httpd_count(&srv, "/t/" TOKEN), 2);
	T_EQ_INT(sql_int(db, "SELECT count(*) FROM deliveries WHERE state = 'delivered'"), 1);
	outbox_free(ob);
	conf_free(c);
}

/* Nobody listens: a connection error is retried, and says so without the
 * URL. */
static void
test_connection_refused(void)
{
	const char *db = new_db();
	const char *hooks[] = { "cx" };
	struct conf *c;
	struct outbox *ob;
	struct buf t;
	char *why;

	buf_init(&t, 0);
	buf_printf(&t, "[webhook cx]\ntype = slack\nurl = http://127.0.0.1:%d/" TOKEN "\n",
		   t_free_port());
	c = conf_load_string(buf_str(&t), "t.conf");
	T_EQ_INT(c->ndiags, 0);
	queue(db, "es1-refused", hooks, 1);
	ob = sender(db, c, 1000, 5000);
	T_ASSERT(outbox_run(ob) >= 1000);
	why = sql_str(db, "SELECT state || ' ' || attempts || ' ' || coalesce(last_status, 0) || "
			  "' ' || last_error FROM deliveries");
	T_EQ_STR(why, "pending 1 0 Couldn't connect to server");
	free(why);
	outbox_free(ob);
	conf_free(c);
	buf_free(&t);
}

/* kill -9 after the server has the POST but before the 2xx is recorded:
 * the row stays claimed until its lease lapses, then the same message goes
 * again with the same idempotency key. */
static void
test_crash_resends_same_key(void)
{
	const char *db = new_db();
	const char *hooks[] = { "cx" };
	struct conf *c;
	struct outbox *ob;
	pid_t pid;
	int status;
	cJSON *r;

	routes("route /k/*\nstatus 200\nbody ok\n"
	       "route /k/*\nstatus 200\nbody this answer takes its time\ndrip 300ms\ntimes 1\n");
	c = conf_for("cx json /k/" TOKEN);
	queue(db, "es1-crash", hooks, 1);
	fflush(NULL);
	if ((pid = fork()) == 0) {
		ob = sender(db, c, 1000, 30000);
		outbox_flush(ob, 30000);
		_exit(0);
	}
	T_EQ_INT(httpd_wait_count(&srv, "/k/" TOKEN, 1, 10000), 1);
	usleep(200 * 1000);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	T_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	T_EQ_INT(sql_int(db, "SELECT count(*) FROM deliveries WHERE state = 'pending' "
			     "AND attempts = 1 AND next_attempt_at > strftime('%Y-%m-%dT%H:%M:%SZ',"
			     "'now', '+30 seconds')"), 1);
	/* Inside the lease nothing is sent again ... */
	ob = sender(db, c, 1000, 5000);
	T_ASSERT(outbox_run(ob) > 30000);
	T_EQ_INT(httpd_count(&srv, "/k/" TOKEN), 1);
	/* ... after it, once, with the same key. */
	when_set_offset(120);
	T_EQ_INT(outbox_flush(ob, 10000), 0);
	when_set_offset(0);
	r = requests("/k/" TOKEN);
	T_EQ_INT(cJSON_GetArraySize(r), 3);
	T_EQ_STR(header(cJSON_GetArrayItem(r, 0), "Idempotency-Key"), "es1-crash");
	T_EQ_STR(header(cJSON_GetArrayItem(r, 1), "Idempotency-Key"), "es1-crash");
	T_EQ_INT(sql_int(db, "SELECT attempts FROM deliveries WHERE state = 'delivered'"), 2);
	cJSON_Delete(r);
	outbox_free(ob);
	conf_free(c);
}

static void
test_thread_and_wake(void)
{
	const char *db = new_db();
	const char *hooks[] = { "cx" };
	struct conf *c;
	struct outbox *ob;
	char err[ES_ERRLEN];

	routes("route /w/*\nstatus 200\n");
	c = conf_for("cx discord /w/" TOKEN);
	ob = sender(db, c, 1000, 5000);
	T_EQ_INT(outbox_start(ob, err, sizeof(err)), ES_OK);
	queue(db, "es1-thread", hooks, 1);
	outbox_wake(ob);
	T_EQ_INT(httpd_wait_count(&srv, "/w/" TOKEN, 1, 5000), 1);
	outbox_free(ob); /* joins the thread */
	T_EQ_INT(sql_int(db, "SELECT count(*) FROM deliveries WHERE state = 'delivered'"), 1);
	conf_free(c);
}

static void
test_test_message(void)
{
	const char *db = new_db();
	struct conf *c;
	struct outbox *ob;
	struct post_result res = { 0 };
	char err[ES_ERRLEN];
	cJSON *r, *b;

	routes("route /x/*\nstatus 200\nbody ok\n");
	c = conf_for("cx slack /x/" TOKEN " off teams -");
	ob = sender(db, c, 1000, 5000);
	T_EQ_INT(outbox_test(ob, "cx", &res, err, sizeof(err)), ES_OK);
	T_EQ_INT(res.status, 200);
	post_result_reset(&res);
	T_EQ_INT(outbox_test(ob, "off", &res, err, sizeof(err)), ES_EINVAL);
	T_EQ_STR(err, "webhook off is disabled: its url is empty (is its variable set?)");
	T_EQ_INT(outbox_test(ob, "nope", &res, err, sizeof(err)), ES_ENOTFOUND);
	r = requests("/x/" TOKEN);
	b = body_of(cJSON_GetArrayItem(r, 0));
	T_EQ_STR(cJSON_GetStringValue(cJSON_GetObjectItem(b, "text")), "Test message from earshot");
	T_EQ_STR(cJSON_GetStringValue(cJSON_GetObjectItem(
			 cJSON_GetArrayItem(cJSON_GetObjectItem(b, "attachments"), 0), "color")),
		 "#607D8B");
	cJSON_Delete(b);
	cJSON_Delete(r);
	/* No outbox row for a test. */
	T_EQ_INT(sql_int(db, "SELECT count(*) FROM deliveries"), 0);
	post_result_reset(&res);
	outbox_free(ob);
	conf_free(c);
}

static const char *logpath;

/* The token appears in no log line (every test above logged to one file)
 * and in no column of any table of any database the tests wrote. */
static void
test_secret_nowhere(void)
{
	char *log = t_read_file(logpath, NULL);
	char path[64];

	T_ASSERT(log && strlen(log) > 0);
	T_CONTAINS(log, "msg=\"alert delivered\"");
	T_CONTAINS(log, "msg=\"webhook broken\"");
	T_CONTAINS(log, "msg=\"webhook rate limited\"");
	T_NOT_CONTAINS(log, TOKEN);
	/* logurl() shows the host and hides the path and query. */
	T_CONTAINS(log, "msg=\"posting alert\" webhook=slack url=\"http://hooks.localhost:");
	T_CONTAINS(log, "/\xe2\x80\xa6\"");
	T_NOT_CONTAINS(log, "/hook/");
	free(log);
	for (int i = 1; i <= dbn; i++) {
		snprintf(path, sizeof(path), "outbox%d.db", i);
		T_EQ_INT(t_db_holds(t_tmp(path), TOKEN), 0);
		T_EQ_INT(t_db_holds(t_tmp(path), "hooks.localhost"), 0);
		/* The check itself works: alerts' text is found. */
		T_ASSERT(t_db_holds(t_tmp(path), "acme") > 0 ||
			 sql_int(t_tmp(path), "SELECT count(*) FROM alerts") == 0);
	}
}

int
main(void)
{
	FILE *logf;

	logpath = xstrdup(t_tmp("outbox.log"));
	logf = fopen(logpath, "w");

	if (httpd_start(&srv, NULL) != 0)
		return 1;
	log_set_stream(logf);
	log_set_level(ES_LOG_DEBUG); /* the debug lines name the webhook's host */
	T_RUN(test_each_service_once);
	T_RUN(test_digest);
	T_RUN(test_down_then_up);
	T_RUN(test_503_retry_after_is_a_floor);
	T_RUN(test_gives_up);
	T_RUN(test_retry_after);
	T_RUN(test_not_found_breaks);
	T_RUN(test_client_errors_break);
	T_RUN(test_disabled_and_unknown);
	T_RUN(test_pacing);
	T_RUN(test_timeout_retried);
	T_RUN(test_connection_refused);
	T_RUN(test_crash_resends_same_key);
	T_RUN(test_thread_and_wake);
	T_RUN(test_test_message);
	fflush(logf);
	log_set_stream(NULL);
	fclose(logf);
	T_RUN(test_secret_nowhere);
	free((char *)logpath);
	httpd_stop(&srv);
	return t_report();
}
