/* test_alerts_faults.c - alerts under hostile text, crashes, outages and
 * bursts, through the real binary: feeds from es_httpd, the clock set with
 * EARSHOT_NOW, es_httpd also playing the six chat services.
 *
 * - Mention text built to ping, forge links and blow limits (@everyone,
 *   <!channel>, Slack and Markdown link syntax, bidirectional overrides,
 *   10 KB of emoji) reaches every kind of webhook pinging nobody, with
 *   links escaped, within each service's limits, as valid UTF-8 JSON.
 * - kill -9 of the daemon after each webhook has the POST and its 2xx
 *   status line, before the answer is complete and recorded: after every
 *   restart each message goes again with the same idempotency key, at
 *   most once per crash, and in the end each is recorded delivered once.
 * - A webhook answering 503 for two hours of simulated time: the
 *   deliveries persist, back off within the cap, and arrive after
 *   recovery, in the order the alerts fired.
 * - One source bursting tens of thousands of complaints within a minute
 *   gives one message per webhook, never one per mention, and Slack's
 *   1 message a second is kept.
 *
 * The module tests (tests/test_webhook.c, tests/test_outbox.c,
 * tests/test_alerts_e2e.c) check formats, one crash and one short outage
 * on the library; these are the long and hostile versions end to end. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "tests/reliability/rellib.h"

#define TOKEN "rel-S3CRET-hook"
#define HOUR 3600
#define T1 1794182400 /* 2026-11-09T00:00:00Z: the source is added */

static struct httpd srv;

static const char *const kinds[] = { "slack", "discord", "teams", "mattermost", "googlechat",
				     "json" };
#define NKINDS 6

static void
iso(int64_t t, char *out, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* A feed for brand acme at tmp/NAME.xml served at /NAME.xml: 192 items
 * over the 8 days before T1 (a third complaints), then nstorm storms, the
 * k-th of per_storm complaints in the hour before storm_end[k], titled
 * title (XML-escaped by the caller) and described by text. */
static void
write_feed(const char *name, const int64_t *storm_end, int nstorm, int per_storm,
	   const char *title, const char *text)
{
	char file[64], date[64];
	FILE *fp;

	snprintf(file, sizeof(file), "%s.xml", name);
	fp = fopen(t_tmp(file), "w");
	fputs("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel>"
	      "<title>news</title>\n", fp);
	for (int i = 0; i < 192; i++) {
		t_rfc822(T1 - 8 * 86400 + i * HOUR + 600, date, sizeof(date));
		fprintf(fp, "<item><guid>h-%d</guid><title>Acme update %d</title>"
			    "<link>https://news.example/h/%d</link><pubDate>%s</pubDate>"
			    "<description>%s</description></item>\n", i, i, i, date,
			i % 3 == 0 ? "I love it, great support" :
			i % 3 == 1 ? "Terrible, the app crashed again" : "It arrived on Tuesday");
	}
	for (int k = 0; k < nstorm; k++)
		for (int i = 0; i < per_storm; i++) {
			t_rfc822(storm_end[k] - 55 * 60 + (int64_t)i * 3000 / per_storm, date, sizeof(date));
			fprintf(fp, "<item><guid>s%d-%d</guid><title>Acme %s</title>"
				    "<link>https://reviews.example/@everyone/s%d/%d?a=&lt;b&gt;</link>"
				    "<pubDate>%s</pubDate><description>%s</description></item>\n",
				k, i, title, k, i, date, text);
		}
	fputs("</channel></rss>\n", fp);
	fclose(fp);
	{
		char path[64];

		snprintf(path, sizeof(path), "/%s.xml", name);
		T_EQ_INT(httpd_routes(&srv, "route %s\ntype application/rss+xml\nbody_file %s\n", path,
				      t_tmp(file)), 0);
	}
}

/* tmp/NAME.conf: the feed, one webhook of each kind at /NAME/KIND/TOKEN
 * (hooks: how many of kinds[], from the first), rule acme-neg on them. */
static const char *
alert_conf(const char *name, int hooks, const char *extra)
{
	static const char *const names[] = { "cx", "dc", "tm", "mm", "gc", "js" };
	struct buf b;
	const char *conf;

	buf_init(&b, 0);
	buf_printf(&b, "interval = 15m\nhost_delay = 0\n%s[brand acme]\nquery = acme\n"
		       "[source news]\nurl = http://feeds.localhost:%d/%s.xml\n", extra, srv.port, name);
	for (int i = 0; i < hooks; i++)
		buf_printf(&b, "[webhook %s]\ntype = %s\nurl = http://hooks.localhost:%d/%s/%s/%s\n",
			   names[i], kinds[i], srv.port, name, kinds[i], TOKEN);
	buf_puts(&b, "[alert acme-neg]\nbrand = acme\nnotify = ");
	for (int i = 0; i < hooks; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", names[i]);
	buf_puts(&b, "\n");
	conf = rel_conf(name, "%s", b.data);
	buf_free(&b);
	return conf;
}

static const char *
hook_path(const char *name, int kind)
{
	static char path[8][128];
	static unsigned n;
	char *p = path[n++ % 8];

	snprintf(p, sizeof(path[0]), "/%s/%s/%s", name, kinds[kind], TOKEN);
	return p;
}

/* EARSHOT_NOW=t earshot -c CONF ARGS...; output in *out (may be NULL). */
static int
at(int64_t t, const char *conf, char **out, const char *a1, const char *a2, const char *a3)
{
	char now[64], env[80], *log;
	const char *envp[] = { env, NULL };
	int rc;

	iso(t, now, sizeof(now));
	snprintf(env, sizeof(env), "EARSHOT_NOW=%s", now);
	rc = rel_earshot("at.log", envp, "-c", conf, a1, a2, a3, (char *)NULL);
	log = rel_log("at.log");
	T_NOT_CONTAINS(log, TOKEN);
	if (out)
		*out = log;
	else
		free(log);
	return rc;
}

/* Requests es_httpd logged for path, in order (caller deletes). */
static cJSON *
requests(const char *path)
{
	cJSON *log = httpd_log(&srv), *out = cJSON_CreateArray(), *e, *next;

	for (e = log ? log->child : NULL; e; e = next) {
		next = e->next;
		if (!strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(e, "path")), path))
			cJSON_AddItemToArray(out, cJSON_DetachItemViaPointer(log, e));
	}
	cJSON_Delete(log);
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

/* --- hostile text --------------------------------------------------------- */

/* Every string value in the tree: none may ping, forge a link or carry a
 * bidirectional override; *longest gets the most code points of one. */
static void
check_strings(const cJSON *v, int kind, size_t *longest, int *bad)
{
	static const char *const pings[] = { "@everyone", "@here", "@channel", "<!channel>",
					     "<!here", "<@U024BE7LH>", "<users/all>" };
	static const char *const links[] = { "<https://evil.example|", "[click me](",
					     "evil.example/@everyone", "reviews.example/@everyone" };
	const cJSON *c;

	if (cJSON_IsString(v)) {
		char *s = strdup(v->valuestring);
		size_t n = utf8_count(s, strlen(s));

		if (n > *longest)
			*longest = n;
		if (kind == 5) {
			free(s);
			return;  /* json: raw text for programs (doc/webhooks.md) */
		}
		if (strstr(s, "\xe2\x80\xae") || strstr(s, "\xe2\x80\xab"))
			(*bad)++, fprintf(stderr, "  %s: a bidi override survived\n", kinds[kind]);
		/* Markdown (Discord, Mattermost): a character after a backslash
		 * is literal, so "\\<!here" is text; blank such pairs out. */
		if (kind == 1 || kind == 3)
			for (char *p = s; *p; p++)
				if (*p == '\\' && p[1])
					p[0] = p[1] = '_', p++;
		for (size_t i = 0; i < sizeof(pings) / sizeof(pings[0]); i++)
			if (strstr(s, pings[i]))
				(*bad)++, fprintf(stderr, "  %s: \"%s\" in %.80s\n", kinds[kind], pings[i], s);
		for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
			/* Slack has no [text](url) links: literal there. */
			if (strstr(s, links[i]) && !(kind == 0 && i == 1))
				(*bad)++, fprintf(stderr, "  %s: \"%s\" in %.80s\n", kinds[kind], links[i], s);
		free(s);
		return;
	}
	cJSON_ArrayForEach(c, v)
		check_strings(c, kind, longest, bad);
}

static size_t
cp_len(const cJSON *v)
{
	const char *s = cJSON_GetStringValue(v);

	return s ? utf8_count(s, strlen(s)) : 0;
}

/* The service's own limits, by the payload it received. */
static void
check_limits(int kind, const cJSON *b, size_t raw_len)
{
	const cJSON *e;
	size_t total = 0;

	switch (kind) {
	case 0: /* slack: header <= 150, sections <= 3000 */
		cJSON_ArrayForEach(e, cJSON_GetObjectItem(cJSON_GetArrayItem(
					       cJSON_GetObjectItem(b, "attachments"), 0), "blocks")) {
			const cJSON *t = cJSON_GetObjectItem(cJSON_GetObjectItem(e, "text"), "text");
			const char *type = cJSON_GetStringValue(cJSON_GetObjectItem(e, "type"));

			if (type && !strcmp(type, "header"))
				T_ASSERT(cp_len(t) <= 150);
			else if (t)
				T_ASSERT(cp_len(t) <= 3000);
		}
		T_ASSERT(cp_len(cJSON_GetObjectItem(b, "text")) <= 3000);
		break;
	case 1: /* discord: title <= 256, description <= 4096, all <= 6000; no pings */
		T_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(b, "allowed_mentions"),
							      "parse")), 0);
		T_ASSERT(cJSON_IsArray(cJSON_GetObjectItem(cJSON_GetObjectItem(b, "allowed_mentions"),
							   "parse")));
		cJSON_ArrayForEach(e, cJSON_GetObjectItem(b, "embeds")) {
			const cJSON *f;

			T_ASSERT(cp_len(cJSON_GetObjectItem(e, "title")) <= 256);
			T_ASSERT(cp_len(cJSON_GetObjectItem(e, "description")) <= 4096);
			total += cp_len(cJSON_GetObjectItem(e, "title")) +
				 cp_len(cJSON_GetObjectItem(e, "description")) +
				 cp_len(cJSON_GetObjectItem(cJSON_GetObjectItem(e, "footer"), "text"));
			cJSON_ArrayForEach(f, cJSON_GetObjectItem(e, "fields"))
				total += cp_len(cJSON_GetObjectItem(f, "name")) +
					 cp_len(cJSON_GetObjectItem(f, "value"));
		}
		T_ASSERT(total <= 6000);
		break;
	case 2: /* teams: the whole message under 28 KB */
		T_ASSERT(raw_len < 28 * 1024);
		break;
	case 3: /* mattermost: text <= 7500 in all */
		cJSON_ArrayForEach(e, cJSON_GetObjectItem(b, "attachments"))
			total += cp_len(cJSON_GetObjectItem(e, "text")) +
				 cp_len(cJSON_GetObjectItem(e, "title"));
		T_ASSERT(total <= 7500);
		break;
	case 4: /* google chat: text <= 4000 */
		T_ASSERT(cp_len(cJSON_GetObjectItem(b, "text")) <= 4000);
		break;
	default:
		break;
	}
}

static void
test_hostile_text(void)
{
	int64_t storm[1] = { T1 + HOUR };
	struct buf title, text;
	const char *conf = alert_conf("hostile", NKINDS, "");
	char *out;

	buf_init(&title, 0);
	buf_init(&text, 0);
	buf_puts(&title, "refund @everyone @here @channel &lt;!channel&gt; &lt;!here|here&gt; "
			 "&lt;@U024BE7LH&gt; &lt;users/all&gt; &lt;https://evil.example|Your bank&gt; "
			 "[click me](https://evil.example/x) **bold** `code` "
			 "\xe2\x80\xae" "fdp.exe\xe2\x80\xac " "\xe2\x80\xab" "rtl\xe2\x80\xac ");
	for (int i = 0; i < 2560; i++)
		buf_puts(&title, "\xf0\x9f\x98\xa1");  /* 10 KiB of U+1F621 */
	buf_puts(&text, "Terrible support, the app crashed again, I want my money back. "
			"@everyone &lt;!channel&gt; ");
	for (int i = 0; i < 2560; i++)
		buf_puts(&text, "\xf0\x9f\x92\xa9");
	write_feed("hostile", storm, 0, 0, "", "");
	T_EQ_INT(at(T1, conf, NULL, "once", "--all", NULL), 0);
	write_feed("hostile", storm, 1, 25, title.data, text.data);
	T_EQ_INT(at(T1 + HOUR, conf, &out, "once", "--all", NULL), 0);
	T_CONTAINS(out, "alerts: 1 raised; 6 messages sent, 6 deliveries done, 0 failed");
	free(out);
	for (int k = 0; k < NKINDS; k++) {
		cJSON *r = requests(hook_path("hostile", k)), *b;
		const char *raw;
		size_t longest = 0;
		int bad = 0;

		T_EQ_INT(cJSON_GetArraySize(r), 1);
		raw = cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(r, 0), "body"));
		T_ASSERT(raw && utf8_valid(raw, strlen(raw)));
		b = raw ? cJSON_Parse(raw) : NULL;
		T_ASSERT(b != NULL);
		if (b) {
			check_strings(b, k, &longest, &bad);
			check_limits(k, b, strlen(raw));
			t_checks++;
			if (bad)
				t_fail(__FILE__, __LINE__, "%s: %d unsafe strings", kinds[k], bad);
			/* The scraped text is there, cut, not dropped. */
			T_CONTAINS(raw, "Acme refund");
			fprintf(stderr, "  %-10s %6zu bytes, longest string %zu code points\n", kinds[k],
				strlen(raw), longest);
		}
		cJSON_Delete(b);
		cJSON_Delete(r);
	}
	buf_free(&title);
	buf_free(&text);
}

/* --- kill -9 between the 2xx and its record ------------------------------ */

static int
posts_to_any(const char *name)
{
	int n = 0;

	for (int k = 0; k < NKINDS; k++)
		n += httpd_count(&srv, hook_path(name, k));
	return n;
}

/* An alert for six webhooks.  Round after round the daemon starts (the
 * clock two minutes on, past the claim's lease), sends a message, gets
 * its 2xx status line at once and the rest of the answer slowly, and is
 * killed before the answer is complete and recorded.  Then a start with
 * quick answers: every delivery is recorded once, each message went at
 * most once more per crash than needed, always with its own key. */
static void
test_kill9_after_2xx(void)
{
	int64_t storm[1] = { T1 + HOUR }, t = T1 + HOUR;
	int crashes = rel_scale(6);
	const char *conf = alert_conf("crash", NKINDS, ""), *db = rel_db("crash");
	char now[64], env[80];
	const char *envp[] = { env, NULL };
	int total = 0;

	/* 2xx at once, then the body one byte per 400 ms, for the first
	 * `crashes` messages. */
	T_EQ_INT(httpd_routes(&srv, "route /crash/*\nstatus 200\nbody ok\n"
				    "route /crash/*\nstatus 200\nbody delivered, slowly\n"
				    "drip 400ms\ntimes %d\n", crashes), 0);
	write_feed("crash", storm, 0, 0, "", "");
	T_EQ_INT(at(T1, conf, NULL, "once", "--all", NULL), 0);
	write_feed("crash", storm, 1, 25, "refund never arrived", "Terrible support, awful.");
	for (int i = 1; i <= crashes; i++) {
		pid_t pid;

		iso(t, now, sizeof(now));
		snprintf(env, sizeof(env), "EARSHOT_NOW=%s", now);
		pid = rel_spawn("crash.log", envp, "-c", conf, "run", (char *)NULL);
		for (int waited = 0; waited < 600 && posts_to_any("crash") < i; waited++)
			rel_sleep_ms(50);
		T_EQ_INT(posts_to_any("crash"), i);
		rel_sleep_ms(300);  /* the status line is in, the body drips */
		kill(pid, SIGKILL);
		T_EQ_INT(rel_reap(pid, "crash.log", NULL), 128 + SIGKILL);
		/* Nothing recorded as delivered; the row waits out its lease. */
		T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM deliveries WHERE state = 'delivered'"), 0);
		T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM deliveries WHERE state = 'pending'"), NKINDS);
		t += 120;
	}
	/* The last start: quick answers. */
	T_EQ_INT(at(t, conf, NULL, "alerts", "--send", NULL), 0);
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM alerts"), 1);
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM deliveries WHERE state = 'delivered'"), NKINDS);
	for (int k = 0; k < NKINDS; k++) {
		cJSON *r = requests(hook_path("crash", k)), *e;
		const char *key0 = header(cJSON_GetArrayItem(r, 0), "Idempotency-Key");
		int same = 0, n = cJSON_GetArraySize(r);

		T_ASSERT(n >= 1);
		cJSON_ArrayForEach(e, r)
			same += key0 && header(e, "Idempotency-Key") &&
				!strcmp(header(e, "Idempotency-Key"), key0);
		T_EQ_INT(same, n);
		total += n;
		cJSON_Delete(r);
	}
	/* Never lost (each delivered), one extra message per crash at most. */
	fprintf(stderr, "  %d crashes, %d messages for %d deliveries\n", crashes, total, NKINDS);
	T_EQ_INT(total, NKINDS + crashes);
}

/* --- two hours of outage --------------------------------------------------- */

/* Three storms an hour apart (after the cooldown) raise three alerts while
 * the webhooks answer 503; `earshot alerts --send` every 5 minutes of
 * simulated time retries what is due; after two hours the webhooks
 * recover and every alert arrives, oldest first. */
static void
test_webhook_down_two_hours(void)
{
	int64_t storms[3] = { T1 + HOUR, T1 + 8 * HOUR, T1 + 15 * HOUR };
	const char *conf = alert_conf("down", 2, ""), *db = rel_db("down");
	int64_t t, down_from = T1 + 15 * HOUR, up_at = down_from + 2 * HOUR;
	char *out;
	int posts_down = 0;

	T_EQ_INT(httpd_routes(&srv, "route /down/*\nstatus 503\nbody service unavailable\n"), 0);
	write_feed("down", storms, 0, 0, "", "");
	T_EQ_INT(at(T1, conf, NULL, "once", "--all", NULL), 0);
	/* Each storm in its hour; the 6 h cooldown lets each fire. */
	for (int k = 0; k < 3; k++) {
		write_feed("down", storms, k + 1, 25, "refund never arrived", "Terrible support, awful.");
		T_EQ_INT(at(storms[k], conf, NULL, "once", "--all", NULL), 0);
	}
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM alerts"), 3);
	for (t = down_from; t < up_at; t += 300) {
		T_EQ_INT(at(t, conf, NULL, "alerts", "--send", "--timeout=1s"), 0);
		/* Nothing is given up while the outage lasts. */
		T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM deliveries WHERE state = 'failed'"), 0);
	}
	for (int k = 0; k < 2; k++)
		posts_down += httpd_count(&srv, hook_path("down", k));
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM deliveries WHERE state = 'pending'"), 6);
	/* Backed off: far fewer attempts than the 25 runs, the waits within
	 * the 15 min cap (plus the 5 min between runs). */
	fprintf(stderr, "  %d POSTs in two hours of outage; attempts per delivery %lld..%lld\n",
		posts_down, rel_db_int(db, "SELECT min(attempts) FROM deliveries"),
		rel_db_int(db, "SELECT max(attempts) FROM deliveries"));
	T_ASSERT(rel_db_int(db, "SELECT max(attempts) FROM deliveries") <= 24);
	T_ASSERT(rel_db_int(db, "SELECT max(unixepoch(next_attempt_at)) FROM deliveries") <=
		 up_at + 15 * 60 + 60);
	/* Recovery. */
	T_EQ_INT(httpd_routes(&srv, "route /down/*\nstatus 200\nbody ok\n"), 0);
	httpd_reset(&srv);
	for (t = up_at; t < up_at + HOUR &&
			rel_db_int(db, "SELECT count(*) FROM deliveries WHERE state = 'pending'") > 0;
	     t += 300) {
		T_EQ_INT(at(t, conf, &out, "alerts", "--send", "--timeout=5s"), 0);
		free(out);
	}
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM deliveries WHERE state = 'delivered'"), 6);
	/* In order per webhook: what the webhook received after recovery
	 * names the alerts' keys (each message's footer) oldest first. */
	for (int k = 0; k < 2; k++) {
		cJSON *r = requests(hook_path("down", k)), *e;
		struct buf all;
		const char *prev = NULL;

		buf_init(&all, 0);
		cJSON_ArrayForEach(e, r)
			buf_puts(&all, cJSON_GetStringValue(cJSON_GetObjectItem(e, "body")));
		for (int a = 1; a <= 3; a++) {
			char sql[128], *key;
			const char *p;

			snprintf(sql, sizeof(sql), "SELECT idempotency_key FROM alerts ORDER BY fired_at "
						   "LIMIT 1 OFFSET %d", a - 1);
			key = rel_db_text(db, sql);
			p = key && all.data ? strstr(all.data, key) : NULL;
			t_checks++;
			if (!p || (prev && p < prev))
				t_fail(__FILE__, __LINE__, "%s: alert %d (%s) %s", kinds[k], a, key,
				       p ? "out of order" : "not delivered");
			prev = p;
			free(key);
		}
		buf_free(&all);
		cJSON_Delete(r);
	}
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM (SELECT d.webhook, a.fired_at, d.delivered_at, "
				"lag(d.delivered_at) OVER (PARTITION BY d.webhook ORDER BY a.fired_at) AS prev "
				"FROM deliveries d JOIN alerts a ON a.id = d.alert_id) "
				"WHERE prev > delivered_at"), 0);
}

/* --- a burst ---------------------------------------------------------------- */

/* tmp/burst.xml: n complaints numbered from first, published over the
 * hour before T1 + HOUR. */
static void
burst_feed(int first, int n)
{
	FILE *fp = fopen(t_tmp("burst.xml"), "w");
	char date[64];

	fputs("<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>b</title>\n", fp);
	for (int i = first; i < first + n; i++) {
		t_rfc822(T1 + HOUR - 3300 + (int64_t)(i - first) * 3000 / n, date, sizeof(date));
		fprintf(fp, "<item><guid>b-%d</guid><title>Acme outage report %d</title>"
			    "<link>https://forum.example/t/%d</link><pubDate>%s</pubDate>"
			    "<description>Terrible, the app crashed again and support is awful.</description>"
			    "</item>\n", i, i, i, date);
	}
	fputs("</channel></rss>\n", fp);
	fclose(fp);
	T_EQ_INT(httpd_routes(&srv, "route /burst.xml\nbody_file %s\n", t_tmp("burst.xml")), 0);
}

/* One source bursts 10,000 complaints and 10,000 more a few seconds later,
 * under three rules on three webhooks: a handful of messages, not one per
 * mention; Slack never gets two within a second. */
static void
test_burst(void)
{
	int64_t storm[1] = { T1 + HOUR };
	int per = 10000 /* PARSE_MAX_ITEMS: one document */, rounds = rel_scale(2);
	const char *conf, *db = rel_db("burst");
	char now[64], env[80];
	const char *envp[] = { env, NULL };
	int posts = 0;
	cJSON *r;
	pid_t pid;

	conf = rel_conf("burst", "interval = 2s\nhost_delay = 0\n[brand acme]\nquery = acme\n"
				 "[source forum]\nurl = http://feeds.localhost:%d/burst.xml\n"
				 "[webhook cx]\ntype = slack\nurl = http://hooks.localhost:%d/burst/slack/" TOKEN "\n"
				 "[webhook dc]\ntype = discord\nurl = http://hooks.localhost:%d/burst/discord/" TOKEN "\n"
				 "[webhook js]\ntype = json\nurl = http://hooks.localhost:%d/burst/json/" TOKEN "\n"
				 "[alert neg]\nbrand = acme\nnotify = cx, dc, js\n"
				 "[alert any]\nbrand = acme\nsentiment = any\nnotify = cx, dc, js\n"
				 "[alert all-brands]\nnotify = cx, dc, js\n",
			srv.port, srv.port, srv.port, srv.port);
	T_EQ_INT(httpd_routes(&srv, "route /burst/*\nstatus 200\nbody ok\n"), 0);
	/* A week of ordinary history first (the backlog feed of the other
	 * tests, under the same path). */
	write_feed("burst", storm, 0, 0, "", "");
	T_EQ_INT(at(T1, conf, NULL, "once", "--all", NULL), 0);
	burst_feed(0, per);
	iso(T1 + HOUR, now, sizeof(now));
	snprintf(env, sizeof(env), "EARSHOT_NOW=%s", now);
	pid = rel_spawn("burst.log", envp, "-c", conf, "run", (char *)NULL);
	for (int k = 1; k <= rounds; k++) {
		char sql[64];
		long long want = 192 + (long long)k * per;

		snprintf(sql, sizeof(sql), "SELECT count(*) FROM mentions");
		for (int waited = 0; waited < 1200 && rel_db_int(db, sql) < want; waited++)
			rel_sleep_ms(100);
		T_EQ_INT(rel_db_int(db, sql), want);
		if (k < rounds)
			burst_feed(k * per, per);
	}
	rel_sleep_ms(6000);  /* detection every 2 s at most, then delivery */
	kill(pid, SIGTERM);
	T_EQ_INT(rel_reap(pid, "burst.log", NULL), 0);
	for (int k = 0; k < 3; k++) {
		static const char *const paths[] = { "/burst/slack/" TOKEN, "/burst/discord/" TOKEN,
						     "/burst/json/" TOKEN };
		int n = httpd_count(&srv, paths[k]);

		posts += n;
		T_ASSERT(n >= 1 && n <= 3);
	}
	fprintf(stderr, "  %d mentions in a burst: %lld alerts, %d messages in all\n", rounds * per,
		rel_db_int(db, "SELECT count(*) FROM alerts"), posts);
	T_ASSERT(rel_db_int(db, "SELECT count(*) FROM alerts") <= 3);
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM deliveries WHERE state = 'delivered'"),
		 3 * rel_db_int(db, "SELECT count(*) FROM alerts"));
	/* Slack: at least a second between two messages. */
	r = requests("/burst/slack/" TOKEN);
	for (int i = 1; i < cJSON_GetArraySize(r); i++) {
		double gap = cJSON_GetObjectItem(cJSON_GetArrayItem(r, i), "t")->valuedouble -
			     cJSON_GetObjectItem(cJSON_GetArrayItem(r, i - 1), "t")->valuedouble;

		t_checks++;
		if (gap < 995)
			t_fail(__FILE__, __LINE__, "two Slack messages %.0f ms apart", gap);
	}
	cJSON_Delete(r);
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	if (httpd_start(&srv, NULL) < 0)
		return 1;
	T_EQ_INT(httpd_routes(&srv, "route /hostile/*\nstatus 200\nbody ok\n"
				    "route /hostile/discord/*\nstatus 200\ntype application/json\n"
				    "body {\"id\":\"1\"}\n"), 0);
	REL_RUN(test_hostile_text);
	REL_RUN(test_kill9_after_2xx);
	REL_RUN(test_webhook_down_two_hours);
	REL_RUN(test_burst);
	httpd_stop(&srv);
	return t_report();
}
