/* test_alerts_e2e.c - end to end: earshot fetches an RSS feed from es_httpd,
 * parses it, matches the brand, scores sentiment, stores, detects and
 * delivers, with EARSHOT_NOW setting the clock.  A new source's week of
 * backlog raises nothing; a storm of complaints in the next hour reaches
 * each kind of webhook once from `earshot once`; a later storm reaches each
 * again from `earshot run`, which stops cleanly on SIGTERM.  The webhook
 * URLs appear in no output, no log line and no table. */
#include <cjson/cJSON.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "alerts/webhook.h"
#include "core/buf.h"
#include "core/when.h"
#include "core/xalloc.h"
#include "tests/httpd_client.h"
#include "tests/test.h"

#define TOKEN "e2e-S3CRET-tok"
#define HOUR 3600
#define T1 1794182400 /* 2026-11-09T00:00:00Z: the source is added */

static struct httpd srv;
static char *conf_path, *feed_path;
static struct buf outputs; /* every stdout, stderr and log, for the secret check */

static const char *const kinds[] = { "slack", "discord", "teams", "mattermost", "googlechat",
				     "json" };

/* The feed: 192 items over the 8 days before T1 (a third of them
 * complaints), then `storms` storms of 25 complaints, the k-th in the hour
 * before storm_end[k]. */
static void
write_feed(const int64_t *storm_end, int storms)
{
	FILE *fp = fopen(feed_path, "w");
	char date[64];

	fputs("<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>news</title>\n", fp);
	for (int i = 0; i < 192; i++) {
		t_rfc822(T1 - 8 * 86400 + i * HOUR + 600, date, sizeof(date));
		fprintf(fp, "<item><guid>h-%d</guid><title>Acme update %d</title>"
			"<link>https://news.example/h/%d</link><pubDate>%s</pubDate>"
			"<description>%s</description></item>\n", i, i, i, date,
			i % 3 == 0 ? "I love it, great support" :
			i % 3 == 1 ? "Terrible, the app crashed again" : "It arrived on Tuesday");
	}
	for (int k = 0; k < storms; k++)
		for (int i = 0; i < 25; i++) {
			t_rfc822(storm_end[k] - 55 * 60 + i * 120, date, sizeof(date));
			fprintf(fp, "<item><guid>s%d-%d</guid><title>Acme refund never arrived "
				"@everyone &lt;!channel&gt;</title>"
				"<link>https://reviews.example/s%d/%d</link><pubDate>%s</pubDate>"
				"<description>Terrible support, the app crashed again and I want my "
				"money back. Awful.</description></item>\n", k, i, k, i, date);
		}
	fputs("</channel></rss>\n", fp);
	fclose(fp);
	/* es_httpd reads a body_file when the route is added; later routes win. */
	T_EQ_INT(httpd_routes(&srv, "route /feed.xml\ntype application/rss+xml\nbody_file %s\n",
			      feed_path), 0);
}

static void
write_conf(void)
{
	FILE *fp = fopen(conf_path, "w");
	const char *seg[] = { "slack", "discord", "teams", "mm", "gchat", "json" };
	const char *names[] = { "cx", "dc", "tm", "mm", "gc", "js" };

	fprintf(fp, "[earshot]\ndatabase = e2e.db\nallow_private = yes\nconnect_timeout = 2s\n"
		    "interval = 15m\nops_notify = js\n"
		    "[brand acme]\nquery = acme\n"
		    "[source news]\nurl = %s\n", httpd_url(&srv, "feeds.localhost", "/feed.xml"));
	for (int i = 0; i < 6; i++) {
		char path[64];

		snprintf(path, sizeof(path), "/hook/%s/%s", seg[i], TOKEN);
		fprintf(fp, "[webhook %s]\ntype = %s\nurl = %s\n%s", names[i], kinds[i],
			httpd_url(&srv, "hooks.localhost", path),
			!strcmp(kinds[i], "json") ? "secret = e2e-key\n" : "");
	}
	fputs("[alert acme-neg]\nbrand = acme\nnotify = cx, dc, tm, mm, gc, js\n", fp);
	fclose(fp);
}

static int
once(const char *now, char **out)
{
	char *err = NULL;
	int rc;

	setenv("EARSHOT_NOW", now, 1);
	rc = t_earshot(NULL, out, &err, "-c", conf_path, "once", "--all", (char *)NULL);
	buf_printf(&outputs, "%s%s", *out ? *out : "", err ? err : "");
	if (rc != 0)
		fprintf(stderr, "earshot once: exit %d\n%s\n", rc, err);
	T_NOT_CONTAINS(err, "Sanitizer");
	free(err);
	return rc;
}

static int64_t
db_int(const char *sql)
{
	char *path = xasprintf("%s/e2e.db", t_tmpdir());
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v = -1;

	sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	else
		fprintf(stderr, "db_int: %s: %s\n", sql, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(path);
	return v;
}

static int
hook_count(int i)
{
	const char *seg[] = { "slack", "discord", "teams", "mm", "gchat", "json" };
	char path[64];

	snprintf(path, sizeof(path), "/hook/%s/%s", seg[i], TOKEN);
	return httpd_count(&srv, path);
}

/* The last request to the webhook of kind i, parsed (caller deletes). */
static cJSON *
last_body(int i, const cJSON *log, const cJSON **req)
{
	const char *seg[] = { "slack", "discord", "teams", "mm", "gchat", "json" };
	char path[64];
	const cJSON *e;

	snprintf(path, sizeof(path), "/hook/%s/%s", seg[i], TOKEN);
	*req = NULL;
	cJSON_ArrayForEach(e, log)
		if (!strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(e, "path")), path))
			*req = e;
	return *req ? cJSON_Parse(cJSON_GetStringValue(cJSON_GetObjectItem(*req, "body"))) : NULL;
}

static const char *
jstr(const cJSON *o, const char *a, const char *b)
{
	const cJSON *x = cJSON_GetObjectItem(o, a);

	if (b)
		x = cJSON_GetObjectItem(cJSON_IsArray(x) ? cJSON_GetArrayItem(x, 0) : x, b);
	return cJSON_GetStringValue(x);
}

/* Each webhook got the spike in its own format, pinging nobody. */
static void
check_messages(int64_t min_count)
{
	cJSON *log = httpd_log(&srv);

	for (int i = 0; i < 6; i++) {
		const cJSON *req;
		cJSON *b = last_body(i, log, &req);
		const char *raw = req ? cJSON_GetStringValue(cJSON_GetObjectItem(req, "body")) : NULL;

		T_ASSERT(b != NULL);
		if (!b)
			continue;
		if (i == 0)
			T_EQ_STR(jstr(b, "text", NULL), "Negative spike: acme");
		if (i == 1)
			T_EQ_STR(jstr(b, "embeds", "title"), "Negative spike: acme");
		if (i == 2)
			T_EQ_STR(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(
					 cJSON_GetArrayItem(cJSON_GetObjectItem(b, "attachments"), 0),
					 "content"), "version")), "1.4");
		if (i == 3)
			T_EQ_STR(jstr(b, "attachments", "title"), "Negative spike: acme");
		if (i == 4)
			T_EQ_STR(jstr(b, "thread", "threadKey"), "earshot-acme-neg");
		if (i == 5) {
			const cJSON *a = cJSON_GetArrayItem(cJSON_GetObjectItem(b, "alerts"), 0);
			char sig[65], want[80];

			T_EQ_STR(jstr(a, "rule", NULL), "acme-neg");
			T_ASSERT(cJSON_GetNumberValue(cJSON_GetObjectItem(a, "count")) >= min_count);
			T_CONTAINS(jstr(a, "top_mentions", "title"), "Acme refund never arrived");
			char *hdrs = cJSON_PrintUnformatted(cJSON_GetObjectItem(req, "headers"));

			webhook_sign("e2e-key", raw, strlen(raw), sig);
			snprintf(want, sizeof(want), "sha256=%s", sig);
			T_CONTAINS(hdrs, want);
			free(hdrs);
		}
		if (i != 5) {
			T_NOT_CONTAINS(raw, "@everyone");
			T_NOT_CONTAINS(raw, "<!channel>");
		}
		cJSON_Delete(b);
	}
	cJSON_Delete(log);
}

static void
test_backlog_then_storm_once(void)
{
	int64_t storm[1] = { T1 + HOUR };
	char *out = NULL;

	/* The source's first fetch: a week of backlog, no alert. */
	write_feed(storm, 0);
	T_EQ_INT(once("2026-11-09T00:00:00Z", &out), 0);
	T_NOT_CONTAINS(out, "alerts:");
	free(out);
	T_EQ_INT(db_int("SELECT count(*) FROM mentions"), 192);
	T_EQ_INT(db_int("SELECT count(*) FROM mention_brands WHERE brand = 'acme'"), 192);
	/* About a third are complaints (the scorer decides; it is not tested here). */
	T_ASSERT(db_int("SELECT count(*) FROM mentions WHERE label = 'negative'") >= 50);
	T_EQ_INT(db_int("SELECT count(*) FROM alerts"), 0);
	T_EQ_INT(httpd_count(&srv, NULL) - httpd_count(&srv, "/feed.xml"), 0);
	/* An hour later, 25 complaints: one alert, to each webhook once. */
	write_feed(storm, 1);
	T_EQ_INT(once("2026-11-09T01:00:00Z", &out), 0);
	T_CONTAINS(out, "alerts: 1 raised; 6 messages sent, 6 deliveries done, 0 failed, "
			"0 pending\n");
	free(out);
	for (int i = 0; i < 6; i++)
		T_EQ_INT(hook_count(i), 1);
	T_EQ_INT(db_int("SELECT count(*) FROM alerts WHERE rule = 'acme-neg'"), 1);
	T_EQ_INT(db_int("SELECT count(*) FROM deliveries WHERE state = 'delivered'"), 6);
	check_messages(25);
	/* Fetching again changes nothing: no second alert, no message. */
	T_EQ_INT(once("2026-11-09T01:20:00Z", &out), 0);
	T_NOT_CONTAINS(out, "alerts:");
	free(out);
	for (int i = 0; i < 6; i++)
		T_EQ_INT(hook_count(i), 1);
}

static void
test_storm_from_the_daemon(void)
{
	int64_t storms[2] = { T1 + HOUR, T1 + 9 * HOUR };
	const char *bin = getenv("ES_BIN");
	char *log_path = xasprintf("%s/run.log", t_tmpdir()), *text;
	int status, done = 0;
	pid_t pid;

	/* Eight hours on (past the 6h cooldown), a second storm. */
	write_feed(storms, 2);
	setenv("EARSHOT_NOW", "2026-11-09T09:00:00Z", 1);
	if ((pid = fork()) == 0) {
		int fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		dup2(fd, 1);
		dup2(fd, 2);
		execl(bin, bin, "-c", conf_path, "run", (char *)NULL);
		_exit(127);
	}
	for (int waited = 0; waited < 300 && done < 6; waited++) {
		usleep(100 * 1000);
		done = 0;
		for (int i = 0; i < 6; i++)
			done += hook_count(i) == 2;
	}
	T_EQ_INT(done, 6);
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	T_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	text = t_read_file(log_path, NULL);
	T_NOT_CONTAINS(text, "Sanitizer");
	T_CONTAINS(text, "msg=\"alert fired\" rule=acme-neg");
	T_CONTAINS(text, "msg=\"alert delivered\" webhook=cx type=slack alerts=1 status=200");
	buf_printf(&outputs, "%s", text ? text : "");
	free(text);
	free(log_path);
	T_EQ_INT(db_int("SELECT count(*) FROM alerts WHERE rule = 'acme-neg'"), 2);
	T_EQ_INT(db_int("SELECT count(*) FROM deliveries WHERE state = 'delivered'"), 12);
	check_messages(25);
}

static void
test_secret_nowhere(void)
{
	T_ASSERT(outputs.len > 0);
	T_NOT_CONTAINS(buf_str(&outputs), TOKEN);
	{
		char *db = xasprintf("%s/e2e.db", t_tmpdir());

		T_EQ_INT(t_db_holds(db, TOKEN), 0);
		T_ASSERT(t_db_holds(db, "Acme refund never arrived") > 0);
		free(db);
	}
}

int
main(void)
{
	if (httpd_start(&srv, NULL) != 0)
		return 1;
	buf_init(&outputs, 0);
	conf_path = xasprintf("%s/feeds.conf", t_tmpdir());
	feed_path = xasprintf("%s/feed.xml", t_tmpdir());
	T_EQ_INT(httpd_routes(&srv, "route /hook/*\nstatus 200\nbody ok\n"
				    "route /hook/discord/*\nstatus 200\ntype application/json\n"
				    "body {\"id\":\"1\"}\n"), 0);
	write_conf();
	T_RUN(test_backlog_then_storm_once);
	T_RUN(test_storm_from_the_daemon);
	T_RUN(test_secret_nowhere);
	httpd_stop(&srv);
	buf_free(&outputs);
	free(conf_path);
	free(feed_path);
	return t_report();
}
