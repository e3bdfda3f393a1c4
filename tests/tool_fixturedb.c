/* tool_fixturedb.c - es_fixturedb: writes a database with known contents
 * for the analyst tests (doc/schema.md examples, search, stats, export,
 * report), through the store's own API.
 *
 *   es_fixturedb DB               the fixture below
 *   es_fixturedb DB --bulk N      N plain mentions (export memory tests)
 *
 * The fixture is "as of" FIXTURE_NOW, 2026-11-18T10:30:00Z (a Wednesday);
 * tests run earshot with EARSHOT_NOW set to it.  Contents:
 *
 * - 7 sources: news-acme, forum, appstore-acme, reviews-globex, hn,
 *   blog-globex, status-page (never fetched).
 * - 49 days of history, 2026-10-01 to 2026-11-18 (day d = 0..48): acme
 *   gets 3 + d % 3 mentions a day, globex 2 + d % 2; labels, scores and
 *   ratings follow the tables below from (d + slot); on days with d % 7 ==
 *   3 one forum post names both brands.  Today only holds mentions before
 *   08:30.
 * - 2026-11-17: 9 extra negative acme mentions about a login outage,
 *   13:20 to 21:20 (the spike the alerts saw).
 * - 3 acme mentions on 2026-04-01, older than the 180 days of retention.
 * - hn failing since 2026-11-17T06:00Z (timeout, twice); blog-globex
 *   failing since 2026-11-18T08:00Z (HTTP 503).
 * - 5 alerts with 7 deliveries (delivered, failed, pending), written with
 *   plain SQL since the alerts module owns their API. */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/when.h"
#include "store/store.h"

#define FIXTURE_NOW_ISO "2026-11-18T10:30:00Z"
#define FIXTURE_DAYS 49
#define FIXTURE_MAX_ITEMS 1000

enum { S_NEWS, S_FORUM, S_APPSTORE, S_REVIEWS, S_HN, S_BLOG, S_STATUS, S_COUNT };

static const char *const src_names[S_COUNT] = {
	"news-acme", "forum", "appstore-acme", "reviews-globex", "hn", "blog-globex", "status-page",
};
static const char *const src_urls[S_COUNT] = {
	"https://news.example.com/rss?q=acme", "https://forum.example.org/api/posts.json",
	"https://apps.example.com/acme/reviews.json", "https://reviews.example.net/globex",
	"https://hn.example.com/api/search?q=acme", "https://blog.example.net/globex/feed",
	"https://status.example.com/feed",
};

struct tmpl {
	const char *title, *text;
};

static const struct tmpl acme_neg[] = {
	{ "Acme app keeps crashing after the update",
	  "Every time I open the Acme app it crashes. Reinstalled twice, still broken." },
	{ "Still waiting for my Acme refund",
	  "Three weeks and no refund. Acme support keeps sending the same reply." },
	{ "Acme charged me twice",
	  "Double charge on my card this month; I want a refund, not a coupon." },
	{ "Acme support never answers",
	  "Opened a ticket on Monday, nobody answered. Terrible support." },
	{ "Battery drain since Acme 2.3",
	  "The battery drain is real: my phone is empty by noon since the update." },
};
static const struct tmpl acme_pos[] = {
	{ "Love the new Acme dashboard", "The new dashboard is fast and clean. Great work, Acme team." },
	{ "Acme support fixed it in minutes",
	  "Chat support sorted my billing question in five minutes. Impressed." },
	{ "Acme 2.3 is a solid release", "Sync is faster and the dark mode looks great." },
};
static const struct tmpl acme_neu[] = {
	{ "Acme announces quarterly results", "Acme reported revenue in line with expectations." },
	{ "Acme opens an office in Lisbon", "The company will hire 200 engineers in Portugal." },
	{ "How do I export my data from Acme?", "Is there a CSV export somewhere in the settings?" },
};
static const struct tmpl acme_spike[] = {
	{ "Cannot login to Acme", "Login fails with error 503 since this morning. Outage?" },
	{ "Acme login outage", "Whole team locked out, the login page times out." },
	{ "Acme down again?", "Login spinner forever. The status page says all good." },
};
static const struct tmpl globex_neg[] = {
	{ "Globex delivery late again",
	  "Order placed two weeks ago, still no delivery. Asked for a refund." },
	{ "Globex app logs me out", "Have to login every single time, so annoying." },
};
static const struct tmpl globex_pos[] = {
	{ "Globex customer service rocks", "Friendly agent, quick replacement." },
	{ "Globex prices dropped", "Happy with the new plan pricing." },
};
static const struct tmpl globex_neu[] = {
	{ "Globex partners with Initech", "The partnership covers logistics in Europe." },
};
static const struct tmpl both = {
	"Switched from Globex to Acme", "Moved our team from Globex to Acme last month, much happier.",
};

static const int acme_labels[6] = { -1, 1, 0, 1, 0, -1 };
static const int globex_labels[5] = { 1, 0, -1, 1, 1 };

#define NTMPL(a) (sizeof(a) / sizeof((a)[0]))

/* The mentions of one source and one fetch, before ingest. */
struct batch {
	struct mention m[FIXTURE_MAX_ITEMS];
	struct store_item it[FIXTURE_MAX_ITEMS];
	size_t n;
};

static struct store *db;
static int64_t src_ids[S_COUNT];
static int64_t now;
static struct batch batches[S_COUNT];
static const char *const brands_acme[] = { "acme" };
static const char *const brands_globex[] = { "globex" };
static const char *const brands_both[] = { "acme", "globex" };

static void
die(const char *what, const char *err)
{
	fprintf(stderr, "es_fixturedb: %s: %s\n", what, err);
	exit(1);
}

static double
score_for(int label, int v)
{
	if (label < 0)
		return -(0.3 + 0.1 * (v % 6));
	if (label > 0)
		return 0.3 + 0.1 * (v % 6);
	return 0.02 * (v % 3 - 1);
}

static double
rating_for(int label, int v)
{
	/* 1..5 stars as the parsers store them: (stars - 1) / 4. */
	if (label < 0)
		return 0.25 * (v % 2);        /* 1 or 2 stars */
	if (label > 0)
		return 1.0 - 0.25 * (v % 2);  /* 5 or 4 stars */
	return 0.5;                           /* 3 stars */
}

static const struct tmpl *
pick(int label, const struct tmpl *neg, size_t nneg, const struct tmpl *pos, size_t npos,
     const struct tmpl *neu, size_t nneu, int v)
{
	if (label < 0)
		return &neg[v % (int)nneg];
	if (label > 0)
		return &pos[v % (int)npos];
	return &neu[v % (int)nneu];
}

/* Adds one mention to the batch of source src. */
static void
add(int src, const char *guid, const struct tmpl *t, int64_t at, int label, int v,
    const char *const *brands, size_t nbrands)
{
	struct batch *b = &batches[src];
	struct mention *m = &b->m[b->n];
	char url[256];

	if (b->n == FIXTURE_MAX_ITEMS)
		die("batch", "too many mentions");
	mention_init(m);
	snprintf(url, sizeof(url), "%s/%s", src_urls[src], guid);
	m->guid = strdup(guid);
	m->url = strdup(url);
	m->title = strdup(t->title);
	m->text = strdup(t->text);
	m->author = strdup(v % 4 == 0 ? "sam" : v % 4 == 1 ? "alex" : v % 4 == 2 ? "kim" : "lee");
	m->lang = src == S_NEWS ? strdup("en") : NULL;
	m->published = at;
	if (src == S_APPSTORE || src == S_REVIEWS)
		m->rating = rating_for(label, v);
	b->it[b->n] = (struct store_item){ .m = m, .sentiment = score_for(label, v),
					   .label = label, .scorer = 1, .brands = brands,
					   .nbrands = nbrands };
	b->n++;
}

/* Stores the batch of src as one fetch ending at fetched_at. */
static void
flush(int src, int64_t fetched_at, int ok, int status, const char *error, const char *detail)
{
	struct batch *b = &batches[src];
	struct store_fetch f = { .source_id = src_ids[src], .fetched_at = fetched_at, .ok = ok,
				 .status = status, .error = error, .error_detail = detail,
				 .next_fetch_at = fetched_at + 900 };
	char err[ES_ERRLEN];

	if (store_ingest(db, &f, b->it, b->n, NULL, err, sizeof(err)))
		die("ingest", err);
	for (size_t i = 0; i < b->n; i++)
		mention_reset(&b->m[i]);
	b->n = 0;
}

static int64_t
at(int64_t day, int hour, int min)
{
	return day + hour * 3600 + min * 60;
}

static void
day_acme(int d, int64_t day, int last)
{
	int n = 3 + d % 3;

	for (int k = 0; k < n; k++) {
		int v = d + k, label = acme_labels[v % 6];
		int src = k % 3 == 0 ? S_NEWS : k % 3 == 1 ? S_FORUM : S_APPSTORE;
		char guid[64];

		if (k == 3)
			src = d <= 46 ? S_HN : S_FORUM;
		snprintf(guid, sizeof(guid), "acme-%d-%d", d, k);
		add(src, guid,
		    pick(label, acme_neg, NTMPL(acme_neg), acme_pos, NTMPL(acme_pos), acme_neu,
			 NTMPL(acme_neu), v),
		    last ? at(day, 2 * k, 15) : at(day, 7 + 3 * k + d % 4, (11 * k + d) % 60), label,
		    v, brands_acme, 1);
	}
}

static void
day_globex(int d, int64_t day, int last)
{
	int n = 2 + d % 2;

	for (int k = 0; k < n; k++) {
		int v = d + k, label = globex_labels[v % 5];
		int src = k == 0 ? S_REVIEWS : k == 1 ? S_FORUM : d <= 47 ? S_BLOG : S_FORUM;
		char guid[64];

		snprintf(guid, sizeof(guid), "globex-%d-%d", d, k);
		add(src, guid,
		    pick(label, globex_neg, NTMPL(globex_neg), globex_pos, NTMPL(globex_pos),
			 globex_neu, NTMPL(globex_neu), v),
		    last ? at(day, 2 * k + 1, 45) : at(day, 9 + 4 * k, (7 * k + 3 * d) % 60), label,
		    v, brands_globex, 1);
	}
	if (d % 7 == 3) {
		char guid[64];

		snprintf(guid, sizeof(guid), "both-%d", d);
		add(S_FORUM, guid, &both, at(day, 12, 0), 1, 2, brands_both, 2);
	}
}

static void
day_spike(int64_t day)
{
	for (int i = 0; i < 9; i++) {
		int src = i % 3 == 0 ? S_NEWS : i % 3 == 1 ? S_FORUM : S_APPSTORE;
		char guid[64];

		snprintf(guid, sizeof(guid), "spike-%d", i);
		add(src, guid, &acme_spike[i % 3], at(day, 13 + i, 20), -1, i, brands_acme, 1);
	}
}

static void
history(void)
{
	int64_t first = when_timegm(2026, 10, 1, 0, 0, 0);

	for (int d = 0; d < FIXTURE_DAYS; d++) {
		int64_t day = first + (int64_t)d * 86400;
		int last = d == FIXTURE_DAYS - 1;
		int64_t fetched = last ? now : at(day, 23, 59);

		day_acme(d, day, last);
		day_globex(d, day, last);
		if (d == 47)
			day_spike(day);
		for (int s = 0; s < S_COUNT; s++) {
			if (s == S_STATUS || (s == S_HN && d > 46) || (s == S_BLOG && d > 47))
				continue;
			flush(s, fetched, 1, 200, NULL, NULL);
		}
	}
}

static void
ancient(void)
{
	int64_t day = when_timegm(2026, 4, 1, 0, 0, 0);

	for (int k = 0; k < 3; k++) {
		char guid[64];

		snprintf(guid, sizeof(guid), "old-%d", k);
		add(S_FORUM, guid, k == 1 ? &acme_neg[1] : &acme_neu[k], at(day, 9 + k, 0),
		    k == 1 ? -1 : 0, k, brands_acme, 1);
	}
	flush(S_FORUM, at(day, 12, 0), 1, 200, NULL, NULL);
}

static void
failures(void)
{
	int64_t d17 = when_timegm(2026, 11, 17, 0, 0, 0), d18 = d17 + 86400;

	flush(S_HN, at(d17, 6, 0), 0, 0, "timeout", "no response within 30s");
	flush(S_HN, at(d18, 6, 0), 0, 0, "timeout", "no response within 30s");
	flush(S_BLOG, at(d18, 8, 0), 0, 503, "http_5xx", "HTTP 503 Service Unavailable");
}

/* Alerts and deliveries: plain SQL (the alerts module owns their API). */
static const char fixture_alerts_sql[] =
	"INSERT INTO alerts (id, rule, kind, brand, sentiment, fired_at, window_start, window_end,\n"
	"  count, baseline, score, summary, idempotency_key) VALUES\n"
	" (1, 'acme-negative', 'spike', 'acme', 'negative', '2026-10-20T14:05:00Z',\n"
	"  '2026-10-20T13:00:00Z', '2026-10-20T14:00:00Z', 7, 1.5, 4.1,\n"
	"  'acme: 7 negative mentions in 1h (usually 1.5)', 'acme-negative/2026-10-20T13'),\n"
	" (2, 'acme-negative', 'spike', 'acme', 'negative', '2026-11-05T09:40:00Z',\n"
	"  '2026-11-05T08:00:00Z', '2026-11-05T09:00:00Z', 6, 1.4, 3.8,\n"
	"  'acme: 6 negative mentions in 1h (usually 1.4)', 'acme-negative/2026-11-05T08'),\n"
	" (3, 'globex-negative', 'spike', 'globex', 'negative', '2026-11-12T18:00:00Z',\n"
	"  '2026-11-12T17:00:00Z', '2026-11-12T18:00:00Z', 5, 0.9, 3.6,\n"
	"  'globex: 5 negative mentions in 1h (usually 0.9)', 'globex-negative/2026-11-12T17'),\n"
	" (4, 'acme-negative', 'spike', 'acme', 'negative', '2026-11-17T15:10:00Z',\n"
	"  '2026-11-17T14:00:00Z', '2026-11-17T15:00:00Z', 9, 1.3, 6.2,\n"
	"  'acme: 9 negative mentions in 1h (usually 1.3)', 'acme-negative/2026-11-17T14'),\n"
	" (5, 'source-health', 'source', NULL, NULL, '2026-11-18T06:00:00Z', NULL, NULL,\n"
	"  2, NULL, NULL, 'hn failing since 2026-11-17T06:00:00Z (timeout)', 'source/hn/2026-11-17');\n"
	"INSERT INTO deliveries (alert_id, webhook, state, attempts, next_attempt_at,\n"
	"  last_attempt_at, last_status, last_error, delivered_at) VALUES\n"
	" (1, 'cx-slack', 'delivered', 1, '2026-10-20T14:05:00Z', '2026-10-20T14:05:01Z', 200,\n"
	"  NULL, '2026-10-20T14:05:01Z'),\n"
	" (2, 'cx-slack', 'delivered', 1, '2026-11-05T09:40:00Z', '2026-11-05T09:40:01Z', 200,\n"
	"  NULL, '2026-11-05T09:40:01Z'),\n"
	" (2, 'cx-teams', 'failed', 8, '2026-11-05T21:40:00Z', '2026-11-05T21:40:00Z', 404,\n"
	"  'http_4xx', NULL),\n"
	" (3, 'cx-slack', 'delivered', 2, '2026-11-12T18:00:30Z', '2026-11-12T18:00:31Z', 200,\n"
	"  NULL, '2026-11-12T18:00:31Z'),\n"
	" (4, 'cx-slack', 'delivered', 1, '2026-11-17T15:10:00Z', '2026-11-17T15:10:01Z', 200,\n"
	"  NULL, '2026-11-17T15:10:01Z'),\n"
	" (4, 'cx-teams', 'pending', 2, '2026-11-18T10:35:00Z', '2026-11-18T10:20:00Z', 503,\n"
	"  'http_5xx', NULL),\n"
	" (5, 'ops-slack', 'delivered', 1, '2026-11-18T06:00:00Z', '2026-11-18T06:00:01Z', 200,\n"
	"  NULL, '2026-11-18T06:00:01Z');\n";

static void
alerts(const char *path)
{
	sqlite3 *raw;

	if (sqlite3_open(path, &raw) != SQLITE_OK ||
	    sqlite3_exec(raw, fixture_alerts_sql, NULL, NULL, NULL) != SQLITE_OK)
		die("alerts", sqlite3_errmsg(raw));
	sqlite3_close(raw);
}

static void
open_sources(const char *path, int nsrc)
{
	char err[ES_ERRLEN];

	if (store_open(path, STORE_RW, &db, err, sizeof(err)))
		die(path, err);
	for (int s = 0; s < nsrc; s++) {
		struct store_source src = { 0 };

		if (store_source_sync(db, src_names[s], src_urls[s], &src, err, sizeof(err)))
			die("source", err);
		src_ids[s] = src.id;
		store_source_reset(&src);
	}
}

/* N mentions with 300 bytes of text each, one a minute back from now. */
static void
bulk(long n)
{
	static const struct tmpl t = {
		"Bulk mention about Acme and its refund policy",
		"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
		"incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis "
		"nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. "
		"Duis aute irure dolor in reprehenderit in voluptate velit esse cillum.",
	};

	for (long i = 0; i < n; i++) {
		char guid[64];

		snprintf(guid, sizeof(guid), "bulk-%ld", i);
		add(S_NEWS, guid, &t, now - 60 * (n - i), (int)(i % 3) - 1, (int)i, brands_acme, 1);
		if (batches[S_NEWS].n == FIXTURE_MAX_ITEMS || i == n - 1)
			flush(S_NEWS, now, 1, 200, NULL, NULL);
	}
}

int
main(int argc, char **argv)
{
	long nbulk = -1;

	if (argc == 4 && strcmp(argv[2], "--bulk") == 0)
		nbulk = strtol(argv[3], NULL, 10);
	else if (argc != 2) {
		fprintf(stderr, "usage: es_fixturedb DB [--bulk N]\n");
		return 2;
	}
	if (when_parse_iso(FIXTURE_NOW_ISO, &now))
		die("now", FIXTURE_NOW_ISO);
	when_set_offset(now - (int64_t)time(NULL));
	open_sources(argv[1], nbulk >= 0 ? 1 : S_COUNT);
	if (nbulk >= 0) {
		bulk(nbulk);
		store_close(db);
		return 0;
	}
	ancient();
	history();
	failures();
	store_close(db);
	alerts(argv[1]);
	return 0;
}
