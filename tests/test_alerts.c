/* test_alerts.c - rules, evidence, source health and the alerter over a real
 * SQLite store, with mentions whose published times the test chooses:
 * a spike gives exactly one alert (and one delivery per webhook), a new
 * source's backlog gives none, warming up, cooldown, the share test,
 * backtest, failing/silent/recovered sources, and the alerter delivering
 * through its own thread to es_httpd. */
#include <cjson/cJSON.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alerts/alerter.h"
#include "alerts/evidence.h"
#include "alerts/health.h"
#include "alerts/msg.h"
#include "alerts/rules.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/when.h"
#include "core/xalloc.h"
#include "store/alerts.h"
#include "tests/httpd_client.h"
#include "tests/test.h"

#define HOUR 3600
#define T0 1793491200 /* 2026-11-01T00:00:00Z */

static int dbn;
static int guidn;

static const char *
new_db(void)
{
	char name[32];

	snprintf(name, sizeof(name), "alerts%d.db", ++dbn);
	return t_tmp(name);
}

static int64_t
sql_int(struct store *s, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v = -1;

	sqlite3_open_v2(store_path(s), &db, SQLITE_OPEN_READONLY, NULL);
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
sql_str(struct store *s, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char *v = NULL;

	sqlite3_open_v2(store_path(s), &db, SQLITE_OPEN_READONLY, NULL);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
			v = xstrdup((const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return v;
}

static struct store *
open_db(void)
{
	struct store *s = NULL;
	char err[ES_ERRLEN];

	T_EQ_INT(store_open(new_db(), STORE_RW, &s, err, sizeof(err)), ES_OK);
	return s;
}

static int64_t
source(struct store *s, const char *name)
{
	struct store_source src = { 0 };
	char err[ES_ERRLEN], url[64];
	int64_t id;

	snprintf(url, sizeof(url), "http://%s.example/feed", name);
	T_EQ_INT(store_source_sync(s, name, url, &src, err, sizeof(err)), ES_OK);
	id = src.id;
	store_source_reset(&src);
	return id;
}

/* One fetch of source_id at fetched_at that brings n mentions of brand
 * published at pub[i] (0: undated), labelled label, titled title. */
static void
fetch(struct store *s, int64_t source_id, int64_t fetched_at, const int64_t *pub, size_t n,
      const char *brand, int label, const char *title)
{
	struct mention *m = xcalloc(n + 1, sizeof(*m));
	struct store_item *it = xcalloc(n + 1, sizeof(*it));
	const char *brands[1] = { brand };
	struct store_fetch f = { .source_id = source_id, .fetched_at = fetched_at, .ok = true,
				 .status = 200, .next_fetch_at = fetched_at + 900 };
	char err[ES_ERRLEN], guid[32];

	for (size_t i = 0; i < n; i++) {
		mention_init(&m[i]);
		snprintf(guid, sizeof(guid), "g%d", ++guidn);
		m[i].guid = xstrdup(guid);
		m[i].title = xstrdup(title);
		m[i].url = xasprintf("https://example.com/%s", guid);
		m[i].published = pub[i];
		it[i].m = &m[i];
		it[i].label = label;
		it[i].sentiment = label < 0 ? -0.5 - 0.01 * (double)(i % 40) : label * 0.5;
		it[i].brands = brands;
		it[i].nbrands = 1;
	}
	T_EQ_INT(store_ingest(s, &f, it, n, NULL, err, sizeof(err)), ES_OK);
	for (size_t i = 0; i < n; i++)
		mention_reset(&m[i]);
	free(m);
	free(it);
}

/* A failed fetch of source_id at t. */
static void
fail(struct store *s, int64_t source_id, int64_t t)
{
	struct store_fetch f = { .source_id = source_id, .fetched_at = t, .ok = false,
				 .status = 503, .next_fetch_at = t + 900, .error = "http_5xx",
				 .error_detail = "HTTP 503" };
	char err[ES_ERRLEN];

	T_EQ_INT(store_ingest(s, &f, NULL, 0, NULL, err, sizeof(err)), ES_OK);
}

/* days of hourly history for brand from source_id, fetched hourly: hour h
 * brings (h % 3) mentions with the label (0, 1, 2, 0, ...). */
static void
history(struct store *s, int64_t source_id, const char *brand, int label, int64_t from,
	int days, const char *title)
{
	for (int h = 0; h < days * 24; h++) {
		int64_t start = from + h * HOUR, pub[2] = { start + 600, start + 2400 };

		fetch(s, source_id, start + HOUR - 1, pub, (size_t)(h % 3), brand, label, title);
	}
}

/* A spike: n mentions published over the hour before end, fetched at end. */
static void
spike(struct store *s, int64_t source_id, const char *brand, int64_t end, int n,
      const char *title)
{
	int64_t *pub = xcalloc((size_t)n, sizeof(*pub));

	for (int i = 0; i < n; i++)
		pub[i] = end - HOUR + 60 + i * (HOUR - 120) / n;
	fetch(s, source_id, end, pub, (size_t)n, brand, -1, title);
	free(pub);
}

static struct conf *
conf_of(const char *text)
{
	struct conf *c = conf_load_string(text, "t.conf");

	if (c->ndiags)
		conf_diag_print(c, stderr);
	T_EQ_INT(c->ndiags, 0);
	return c;
}

static const char rule_conf[] =
	"[brand acme]\nquery = acme\n"
	"[webhook cx]\ntype = slack\nurl = http://127.0.0.1:9/x\n"
	"[webhook ops]\ntype = json\nurl = http://127.0.0.1:9/y\n"
	"[alert acme-neg]\nbrand = acme\nwindow = 1h\nbaseline = 7d\nthreshold = 3.5\n"
	"min_count = 5\ncooldown = 6h\nnotify = cx, ops\n";

/* ---- rules ---- */

static void
test_bucket_and_watch(void)
{
	struct conf_alert a = { .window = 3600000 };
	const char *b1[] = { "other", "acme" }, *b2[] = { "other" };

	T_EQ_INT(rules_bucket_ms(&a), 300000);
	a.window = 90000;
	T_EQ_INT(rules_bucket_ms(&a), 30000);
	a.window = 7 * 86400000LL;
	T_EQ_INT(rules_bucket_ms(&a), 300000);
	a.brand = "acme";
	T_ASSERT(rules_watches(&a, b1, 2));
	T_ASSERT(!rules_watches(&a, b2, 1));
	a.brand = NULL;
	T_ASSERT(rules_watches(&a, b2, 1));
	T_ASSERT(!rules_watches(&a, b2, 0));
	a.sentiment = CONF_SENT_ANY;
	T_ASSERT(rules_label(&a) == NULL);
	a.sentiment = CONF_SENT_NEGATIVE;
	T_EQ_STR(rules_label(&a), "negative");
}

static void
test_spike_fires_once(void)
{
	struct store *s = open_db();
	struct conf *c = conf_of(rule_conf);
	struct spike_result r;
	int64_t id, id2, news = source(s, "news"), reviews = source(s, "reviews");
	int64_t end = T0 + 8 * 86400;
	char err[ES_ERRLEN], *v;
	struct alert_msg m;

	history(s, news, "acme", -1, T0, 8, "acme service was slow today");
	/* Quiet as of the end of the history. */
	T_EQ_INT(rules_run(s, &c->alerts[0], end, &r, &id, err, sizeof(err)), ES_OK);
	T_EQ_INT(r.state, SPIKE_QUIET);
	T_EQ_INT(id, 0);
	spike(s, reviews, "acme", end, 20, "acme refund never arrived");
	T_EQ_INT(rules_run(s, &c->alerts[0], end, &r, &id, err, sizeof(err)), ES_OK);
	T_EQ_INT(r.state, SPIKE_FIRE);
	T_EQ_INT(r.value, 22); /* the spike and the two of the history's last hour */
	T_ASSERT(id > 0);
	/* The same bucket again, and later within the cooldown: nothing new. */
	T_EQ_INT(rules_run(s, &c->alerts[0], end, &r, &id2, err, sizeof(err)), ES_OK);
	T_EQ_INT(id2, 0);
	T_EQ_INT(rules_run(s, &c->alerts[0], end + 600, &r, &id2, err, sizeof(err)), ES_OK);
	T_EQ_INT(r.state, SPIKE_HELD);
	T_EQ_INT(id2, 0);
	T_EQ_INT(sql_int(s, "SELECT count(*) FROM alerts"), 1);
	T_EQ_INT(sql_int(s, "SELECT count(*) FROM deliveries WHERE state = 'pending'"), 2);
	T_EQ_INT(sql_int(s, "SELECT count(*) FROM deliveries WHERE webhook IN ('cx', 'ops')"), 2);
	T_EQ_INT(sql_int(s, "SELECT count FROM alerts"), 22);
	v = sql_str(s, "SELECT rule || ' ' || kind || ' ' || brand || ' ' || sentiment || ' ' || "
		       "window_start || ' ' || window_end FROM alerts");
	T_EQ_STR(v, "acme-neg spike acme negative 2026-11-08T23:00:00Z 2026-11-09T00:00:00Z");
	free(v);
	v = sql_str(s, "SELECT summary FROM alerts");
	T_ASSERT(v && !strncmp(v, "22 negative mentions of acme in 1h: ", 36));
	free(v);
	/* The evidence: the spike's source and word, its mentions. */
	v = sql_str(s, "SELECT details FROM alerts");
	T_EQ_INT(msg_from_json(v, &m, err, sizeof(err)), ES_OK);
	T_EQ_INT(m.nmentions, EVIDENCE_MENTIONS);
	T_EQ_STR(m.mentions[0].title, "acme refund never arrived");
	T_EQ_STR(m.mentions[0].source, "reviews");
	T_ASSERT(m.nsources >= 1 && !strcmp(m.sources[0].name, "reviews"));
	T_EQ_INT(m.sources[0].count, 20);
	T_EQ_DBL(m.sources[0].usual, 0, 1e-9);
	/* The spike's words, each in its 20 mentions; "acme" is the brand. */
	T_EQ_INT(m.nwords, 3);
	T_EQ_STR(m.words[0].name, "arrived");
	T_EQ_STR(m.words[1].name, "never");
	T_EQ_STR(m.words[2].name, "refund");
	T_EQ_INT(m.words[2].count, 20);
	T_ASSERT(m.words[2].usual < 0.5);
	T_ASSERT(m.key && !strncmp(m.key, "es1-", 4) && strlen(m.key) == 36);
	/* Every mention here is negative: the share shown is 100% against 100%. */
	T_EQ_DBL(m.share, 1, 1e-9);
	T_EQ_DBL(m.baseline_share, 1, 1e-9);
	msg_reset(&m);
	free(v);
	/* After the cooldown, a second spike fires again. */
	history(s, news, "acme", -1, end, 1, "acme service was slow today");
	spike(s, reviews, "acme", end + 86400, 25, "acme outage again");
	T_EQ_INT(rules_run(s, &c->alerts[0], end + 86400, &r, &id2, err, sizeof(err)), ES_OK);
	T_EQ_INT(r.state, SPIKE_FIRE);
	T_ASSERT(id2 > id);
	conf_free(c);
	store_close(s);
}

static void
test_cooldown_holds(void)
{
	struct store *s = open_db();
	struct conf *c = conf_of(rule_conf);
	struct spike_result r;
	int64_t id, news = source(s, "news"), end = T0 + 8 * 86400;
	char err[ES_ERRLEN];

	history(s, news, "acme", -1, T0, 8, "slow");
	spike(s, news, "acme", end, 15, "refund");
	T_EQ_INT(rules_run(s, &c->alerts[0], end, &r, &id, err, sizeof(err)), ES_OK);
	T_ASSERT(id > 0);
	/* Two hours later, a bigger spike: held by the 6h cooldown. */
	history(s, news, "acme", -1, end, 0, "slow");
	spike(s, news, "acme", end + 2 * HOUR, 30, "refund");
	T_EQ_INT(rules_run(s, &c->alerts[0], end + 2 * HOUR, &r, &id, err, sizeof(err)), ES_OK);
	T_EQ_INT(r.state, SPIKE_HELD);
	T_EQ_INT(id, 0);
	T_EQ_INT(sql_int(s, "SELECT count(*) FROM alerts"), 1);
	conf_free(c);
	store_close(s);
}

static void
test_backlog_does_not_fire(void)
{
	struct store *s = open_db();
	struct conf *c = conf_of(rule_conf);
	struct spike_result r;
	int64_t id, now = T0 + 8 * 86400, pub[200];
	char err[ES_ERRLEN];

	/* A new source's first fetch brings a week of negative mentions at
	 * once: they count when they were published and fill the history. */
	for (int i = 0; i < 200; i++)
		pub[i] = now - 7 * 86400 + i * (7 * 86400 / 200) + 17;
	fetch(s, source(s, "forum"), now, pub, 200, "acme", -1, "acme is meh");
	T_EQ_INT(rules_run(s, &c->alerts[0], now, &r, &id, err, sizeof(err)), ES_OK);
	T_EQ_INT(r.state, SPIKE_QUIET);
	T_ASSERT(r.value <= 2);
	T_EQ_INT(id, 0);
	/* Undated items count at first seen: 200 of them at once would be a
	 * spike, but that is what they are. */
	T_EQ_INT(sql_int(s, "SELECT count(*) FROM alerts"), 0);
	conf_free(c);
	store_close(s);
}

static void
test_warming_up(void)
{
	struct store *s = open_db();
	struct conf *c = conf_of(rule_conf);
	struct spike_result r;
	int64_t id, now = T0 + 5 * HOUR, pub[30];
	char err[ES_ERRLEN], *brand;

	/* A brand first heard of 5 hours ago: a burst cannot fire yet. */
	for (int i = 0; i < 30; i++)
		pub[i] = now - 5 * HOUR + (i < 3 ? i * HOUR : 4 * HOUR + i * 60);
	fetch(s, source(s, "news"), now, pub, 30, "acme", -1, "acme");
	T_EQ_INT(rules_run(s, &c->alerts[0], now, &r, &id, err, sizeof(err)), ES_OK);
	T_EQ_INT(r.state, SPIKE_WARMING);
	T_EQ_INT(r.have_ms, 4 * 3600000LL);
	T_EQ_INT(r.need_ms, 86400000LL);
	T_EQ_INT(id, 0);
	/* No mention at all: warming with nothing. */
	brand = c->alerts[0].brand;
	c->alerts[0].brand = "nobody";
	T_EQ_INT(rules_check(s, &c->alerts[0], now, &r, err, sizeof(err)), ES_OK);
	T_EQ_INT(r.state, SPIKE_WARMING);
	T_EQ_INT(r.have_ms, 0);
	c->alerts[0].brand = brand; /* conf_free must not free the literal */
	conf_free(c);
	store_close(s);
}

static void
test_share_rule(void)
{
	struct store *s = open_db();
	struct conf *c = conf_of("[brand acme]\nquery = acme\n"
				 "[webhook cx]\ntype = slack\nurl = http://127.0.0.1:9/x\n"
				 "[alert share]\nbrand = acme\nshare = yes\nnotify = cx\n");
	struct spike_result r;
	int64_t id, news = source(s, "news"), end = T0 + 8 * 86400;
	char err[ES_ERRLEN];

	history(s, news, "acme", -1, T0, 8, "meh");
	history(s, news, "acme", 1, T0, 8, "great");
	history(s, news, "acme", 0, T0, 8, "ok");
	/* A launch: everything triples, negative included.  Not a storm. */
	spike(s, news, "acme", end, 12, "launch");
	{
		int64_t pub[24];

		for (int i = 0; i < 24; i++)
			pub[i] = end - HOUR + 100 + i * 100;
		fetch(s, news, end, pub, 24, "acme", 1, "launch great");
	}
	T_EQ_INT(rules_run(s, &c->alerts[0], end, &r, &id, err, sizeof(err)), ES_OK);
	T_ASSERT(r.score >= 3.5);          /* the count alone would fire ... */
	T_ASSERT(r.share_score < 3.5);     /* ... the share does not move ... */
	T_EQ_INT(r.state, SPIKE_QUIET);    /* ... so nothing fires */
	T_EQ_INT(id, 0);
	T_ASSERT(isfinite(r.share) && isfinite(r.base_share));
	conf_free(c);
	store_close(s);
}

/* A rule over every brand and every sentiment. */
static void
test_every_brand_any_sentiment(void)
{
	struct store *s = open_db();
	struct conf *c = conf_of("[brand acme]\nquery = acme\n[brand globex]\nquery = globex\n"
				 "[webhook cx]\ntype = slack\nurl = http://127.0.0.1:9/x\n"
				 "[alert all]\nsentiment = any\nnotify = cx\n");
	struct spike_result r;
	int64_t id, news = source(s, "news"), end = T0 + 8 * 86400, pub[12];
	char err[ES_ERRLEN], *v;
	struct alert_msg m;

	history(s, news, "acme", 1, T0, 8, "fine");
	history(s, news, "globex", 0, T0, 8, "fine");
	/* globex's positive launch: twelve in the hour, on top of acme's usual. */
	for (int i = 0; i < 12; i++)
		pub[i] = end - HOUR + 120 + i * 240;
	fetch(s, news, end, pub, 12, "globex", 1, "globex launch");
	T_EQ_INT(rules_run(s, &c->alerts[0], end, &r, &id, err, sizeof(err)), ES_OK);
	T_EQ_INT(r.state, SPIKE_FIRE);
	T_EQ_INT(r.value, 16); /* 12, and 2 + 2 from the history's last hour */
	T_ASSERT(id > 0);
	v = sql_str(s, "SELECT coalesce(brand, 'NULL') || ' ' || sentiment || ' ' || details "
		       "FROM alerts");
	T_ASSERT(v && !strncmp(v, "NULL any {", 10));
	T_EQ_INT(msg_from_json(strchr(v, '{'), &m, err, sizeof(err)), ES_OK);
	T_ASSERT(isnan(m.share)); /* no share for every sentiment */
	T_EQ_INT(m.nmentions, EVIDENCE_MENTIONS);
	T_ASSERT(m.nwords == 2 && !strcmp(m.words[1].name, "launch") && m.words[1].count == 12);
	msg_reset(&m);
	free(v);
	conf_free(c);
	store_close(s);
}

struct fired {
	int n;
	int64_t end_ms[8];
};

static enum es_err
on_fire(const struct spike_result *r, void *arg)
{
	struct fired *f = arg;

	if (f->n < 8)
		f->end_ms[f->n] = r->end_ms;
	f->n++;
	return ES_OK;
}

static void
test_backtest(void)
{
	struct store *s = open_db();
	struct conf *c = conf_of(rule_conf);
	struct fired f = { 0 };
	int64_t news = source(s, "news"), end = T0 + 8 * 86400;
	char err[ES_ERRLEN];

	history(s, news, "acme", -1, T0, 8, "slow");
	spike(s, news, "acme", end, 20, "refund");
	history(s, news, "acme", -1, end, 2, "slow");
	T_EQ_INT(rules_backtest(s, &c->alerts[0], 9 * 86400, end + 2 * 86400, on_fire, &f, err,
				sizeof(err)),
		 ES_OK);
	/* One firing, as the daemon would have seen it: the bucket in which
	 * the count of the hour first crossed, within the spike's hour. */
	T_EQ_INT(f.n, 1);
	T_ASSERT(f.end_ms[0] > (end - HOUR) * 1000 && f.end_ms[0] <= end * 1000);
	/* Nothing is written by a backtest. */
	T_EQ_INT(sql_int(s, "SELECT count(*) FROM alerts"), 0);
	/* --since shorter than the time since the spike: no firing. */
	f.n = 0;
	T_EQ_INT(rules_backtest(s, &c->alerts[0], 86400, end + 2 * 86400, on_fire, &f, err,
				sizeof(err)),
		 ES_OK);
	T_EQ_INT(f.n, 0);
	conf_free(c);
	store_close(s);
}

/* ---- evidence ---- */

struct words_seen {
	struct buf b;
};

static void
on_word(const char *w, void *arg)
{
	buf_printf(arg, "%s|", w);
}

static void
test_words(void)
{
	struct buf b;

	buf_init(&b, 0);
	evidence_words("The REFUND never arrived, Stra\xc3\x9f" "e caf\xc3\xa9 ok "
		       "\xef\xbc\xa1\xef\xbc\xa3\xef\xbc\xad\xef\xbc\xa5 it's", on_word, &b);
	/* Stop words and short words go; case and width fold; ß folds to ss. */
	T_EQ_STR(buf_str(&b), "refund|never|arrived|strasse|caf\xc3\xa9|acme|");
	buf_free(&b);
}

/* ---- source health ---- */

static void
test_source_failing_and_recovered(void)
{
	struct store *s = open_db();
	struct conf *c = conf_of("[earshot]\nops_notify = ops\nsource_alert_after = 6h\n"
				 "[webhook ops]\ntype = json\nurl = http://127.0.0.1:9/ops\n"
				 "[source hn]\nurl = http://hn.example/\n"
				 "[source quiet]\nurl = http://quiet.example/\n");
	int64_t hn = source(s, "hn"), pub[1] = { T0 };
	size_t n;
	char err[ES_ERRLEN], *v;

	fetch(s, hn, T0, pub, 1, "acme", 0, "x");
	for (int i = 1; i <= 20; i++)
		fail(s, hn, T0 + i * 1800);
	/* Failing since T0 + 30m: not yet 6h at T0 + 6h. */
	T_EQ_INT(health_check(s, c, T0 + 6 * HOUR, &n, err, sizeof(err)), ES_OK);
	T_EQ_INT(n, 0);
	T_EQ_INT(health_check(s, c, T0 + 7 * HOUR, &n, err, sizeof(err)), ES_OK);
	T_EQ_INT(n, 1);
	T_EQ_INT(health_check(s, c, T0 + 9 * HOUR, &n, err, sizeof(err)), ES_OK);
	T_EQ_INT(n, 0);
	v = sql_str(s, "SELECT kind || ' ' || source || ' ' || d.webhook || ' ' || summary "
		       "FROM alerts a JOIN deliveries d ON d.alert_id = a.id");
	T_EQ_STR(v, "source_failing hn ops hn has failed every fetch for 6h30m (20 in a row); "
		    "last error: http_5xx: HTTP 503");
	free(v);
	T_EQ_INT(sql_int(s, "SELECT health_alerted_at IS NOT NULL FROM sources WHERE name='hn'"),
		 1);
	/* A fetch works: one recovery, then nothing. */
	fetch(s, hn, T0 + 10 * HOUR, NULL, 0, "acme", 0, "x");
	T_EQ_INT(health_check(s, c, T0 + 10 * HOUR + 60, &n, err, sizeof(err)), ES_OK);
	T_EQ_INT(n, 1);
	T_EQ_INT(health_check(s, c, T0 + 11 * HOUR, &n, err, sizeof(err)), ES_OK);
	T_EQ_INT(n, 0);
	v = sql_str(s, "SELECT kind || ': ' || summary FROM alerts ORDER BY id DESC");
	T_EQ_STR(v, "source_recovered: hn works again: a fetch succeeded at 2026-11-01T10:00:00Z");
	free(v);
	T_EQ_INT(sql_int(s, "SELECT count(*) FROM deliveries WHERE webhook = 'ops'"), 2);
	conf_free(c);
	store_close(s);
}

static void
test_source_silent(void)
{
	struct store *s = open_db();
	struct conf *c = conf_of("[earshot]\nops_notify = ops\nsource_alert_after = 6h\n"
				 "[webhook ops]\ntype = teams\nurl = http://127.0.0.1:9/ops\n"
				 "[source feed]\nurl = http://feed.example/\n");
	int64_t feed = source(s, "feed"), last = T0 + 10 * 86400, pub[1];
	size_t n;
	char err[ES_ERRLEN], *v;

	/* New mentions every hour for ten days ... */
	for (int64_t t = T0; t <= last; t += HOUR) {
		pub[0] = t - 60;
		fetch(s, feed, t, pub, 1, "acme", 0, "news");
	}
	/* ... then fetches that bring nothing new. */
	for (int i = 1; i <= 12; i++)
		fetch(s, feed, last + i * HOUR, NULL, 0, "acme", 0, "news");
	/* The usual gap is an hour, so silence means max(6h, 8h) = 8h. */
	T_EQ_INT(health_check(s, c, last + 7 * HOUR, &n, err, sizeof(err)), ES_OK);
	T_EQ_INT(n, 0);
	T_EQ_INT(health_check(s, c, last + 9 * HOUR, &n, err, sizeof(err)), ES_OK);
	T_EQ_INT(n, 1);
	v = sql_str(s, "SELECT kind || ': ' || summary FROM alerts");
	T_EQ_STR(v, "source_silent: feed has brought no new mention for 9h; it usually brings "
		    "some every 1h");
	free(v);
	T_EQ_INT(health_check(s, c, last + 12 * HOUR, &n, err, sizeof(err)), ES_OK);
	T_EQ_INT(n, 0);
	pub[0] = last + 13 * HOUR - 30;
	fetch(s, feed, last + 13 * HOUR, pub, 1, "acme", 0, "news");
	T_EQ_INT(health_check(s, c, last + 13 * HOUR, &n, err, sizeof(err)), ES_OK);
	T_EQ_INT(n, 1);
	v = sql_str(s, "SELECT kind FROM alerts ORDER BY id DESC");
	T_EQ_STR(v, "source_recovered");
	free(v);
	conf_free(c);
	store_close(s);
}

/* ---- the alerter ---- */

/* The daemon's way: detector and sender in threads; after_ingest only
 * notes the brands. */
static void
test_alerter_delivers_in_thread(void)
{
	struct httpd h;
	struct store *s = open_db();
	struct alerter_opts o;
	struct alerter *a;
	struct conf *c;
	struct buf t;
	const char *brands[] = { "acme" };
	int64_t news, now = when_now();
	char err[ES_ERRLEN];
	cJSON *log;

	T_EQ_INT(httpd_start(&h, NULL), 0);
	T_EQ_INT(httpd_routes(&h, "route /slack\nstatus 200\nbody ok\n"), 0);
	buf_init(&t, 0);
	buf_printf(&t, "[brand acme]\nquery = acme\n[webhook cx]\ntype = slack\nurl = %s\n"
		       "[alert acme-neg]\nbrand = acme\nnotify = cx\n",
		   httpd_url(&h, "hooks.localhost", "/slack"));
	c = conf_of(buf_str(&t));
	news = source(s, "news");
	history(s, news, "acme", -1, now - 8 * 86400, 8, "slow");
	alerter_opts_default(&o);
	o.thread = true;
	T_EQ_INT(alerter_new(NULL, store_path(s), c, &o, &a, err, sizeof(err)), ES_OK);
	/* The daemon stores a spike and says so. */
	spike(s, news, "acme", now, 20, "refund");
	T_EQ_INT(alerter_after_ingest(a, brands, 1), 0);
	T_EQ_INT(httpd_wait_count(&h, "/slack", 1, 10000), 1);
	/* More ingests of the same spike: no second message. */
	T_EQ_INT(alerter_after_ingest(a, brands, 1), 0);
	alerter_check_all(a);
	usleep(1500 * 1000);
	T_EQ_INT(alerter_tick(a), ALERTER_TICK_MS);
	alerter_set_conf(a, c);
	alerter_free(a);
	T_EQ_INT(httpd_count(&h, "/slack"), 1);
	T_EQ_INT(sql_int(s, "SELECT count(*) FROM alerts"), 1);
	T_EQ_INT(sql_int(s, "SELECT count(*) FROM deliveries WHERE state = 'delivered'"), 1);
	log = httpd_log(&h);
	T_CONTAINS(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(log, 0), "body")),
		   "Negative spike: acme");
	cJSON_Delete(log);
	httpd_stop(&h);
	buf_free(&t);
	conf_free(c);
	store_close(s);
}

/* earshot once's way: everything in the caller. */
static void
test_alerter_in_caller(void)
{
	struct httpd h;
	struct store *s = open_db();
	struct alerter *a;
	struct conf *c;
	struct buf t;
	const char *brands[] = { "acme" }, *other[] = { "other" };
	int64_t news, now = when_now();
	char err[ES_ERRLEN];

	T_EQ_INT(httpd_start(&h, NULL), 0);
	T_EQ_INT(httpd_routes(&h, "route /mm\nstatus 200\nbody ok\n"), 0);
	buf_init(&t, 0);
	buf_printf(&t, "[brand acme]\nquery = acme\n[brand other]\nquery = other\n"
		       "[source news]\nurl = http://news.example/\n"
		       "[source elsewhere]\nurl = http://else.example/\nbrands = other\n"
		       "[webhook mm]\ntype = mattermost\nurl = %s\n"
		       "[alert acme-neg]\nbrand = acme\nnotify = mm\n",
		   httpd_url(&h, "hooks.localhost", "/mm"));
	c = conf_of(buf_str(&t));
	news = source(s, "news");
	history(s, news, "acme", -1, now - 8 * 86400, 8, "slow");
	T_EQ_INT(alerter_new(s, store_path(s), c, NULL, &a, err, sizeof(err)), ES_OK);
	T_EQ_INT(alerter_check_all(a), 0);
	spike(s, news, "acme", now, 20, "refund");
	T_EQ_INT(alerter_after_ingest(a, other, 1), 0);
	T_EQ_INT(alerter_after_source(a, "elsewhere", 20), 0); /* feeds "other" only */
	T_EQ_INT(alerter_after_source(a, "news", 0), 0);       /* nothing new */
	T_EQ_INT(alerter_after_source(a, "nope", 20), 0);
	T_EQ_INT(alerter_after_source(a, "news", 20), 1);      /* every brand: acme fires */
	T_EQ_INT(alerter_after_ingest(a, brands, 1), 0);
	T_EQ_INT(httpd_count(&h, "/mm"), 0); /* nothing is sent before the flush */
	T_EQ_INT(alerter_flush(a, 5000), 0);
	T_EQ_INT(httpd_count(&h, "/mm"), 1);
	T_ASSERT(alerter_tick(a) <= ALERTER_TICK_MS);
	alerter_free(a);
	httpd_stop(&h);
	buf_free(&t);
	conf_free(c);
	store_close(s);
}

int
main(void)
{
	log_set_level(ES_LOG_ERROR);
	T_RUN(test_bucket_and_watch);
	T_RUN(test_spike_fires_once);
	T_RUN(test_cooldown_holds);
	T_RUN(test_backlog_does_not_fire);
	T_RUN(test_warming_up);
	T_RUN(test_share_rule);
	T_RUN(test_every_brand_any_sentiment);
	T_RUN(test_backtest);
	T_RUN(test_words);
	T_RUN(test_source_failing_and_recovered);
	T_RUN(test_source_silent);
	T_RUN(test_alerter_delivers_in_thread);
	T_RUN(test_alerter_in_caller);
	return t_report();
}
