/* test_crawl.c - earshot once and earshot run end to end: the real binary,
 * es_httpd on 127.0.0.1 with many host names under .localhost, and a real
 * SQLite file, checked through the server's own log and counters and
 * through the database. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/httpd_client.h"
#include "tests/test.h"

static struct httpd srv;

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Writes an RSS feed of n items with guids PREFIX-0.. to tmp/NAME. */
static const char *
feed_file(const char *name, const char *prefix, int n)
{
	const char *path = t_tmp(name);
	FILE *fp = fopen(path, "w");

	fprintf(fp, "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>%s</title>\n",
		prefix);
	for (int i = 0; i < n; i++)
		fprintf(fp, "<item><guid>%s-%d</guid><title>Acme item %d</title>"
			"<link>http://example.org/%s/%d</link><description>%s</description>"
			"</item>\n", prefix, i, i, prefix, i,
			i % 3 == 0 ? "I love it, great support" :
			i % 3 == 1 ? "Terrible, the app crashed again" : "It arrived on Tuesday");
	fputs("</channel></rss>\n", fp);
	fclose(fp);
	return path;
}

/* Writes tmp/NAME.conf: [earshot] with the database tmp/NAME.db, loopback
 * allowed, short timeouts, then extra (printf-style) text. */
static const char *
conf_file(const char *name, const char *fmt, ...)
{
	char file[64];
	const char *path;
	va_list ap;
	FILE *fp;

	snprintf(file, sizeof(file), "%s.conf", name);
	path = t_tmp(file);
	fp = fopen(path, "w");
	fprintf(fp, "[earshot]\ndatabase = %s.db\nallow_private = yes\n"
		"connect_timeout = 2s\nuser_agent = earshot-test/1.0 (+https://example.org)\n", name);
	va_start(ap, fmt);
	vfprintf(fp, fmt, ap);
	va_end(ap);
	fclose(fp);
	return path;
}

/* One integer from SQL on tmp/NAME.db; -1 on failure. */
static long long
db_int(const char *name, const char *sql)
{
	char file[64];
	sqlite3 *db;
	sqlite3_stmt *st;
	long long v = -1;

	snprintf(file, sizeof(file), "%s.db", name);
	if (sqlite3_open_v2(t_tmp(file), &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return -1;
	}
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	else
		fprintf(stderr, "db_int: %s: %s\n", sql, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* A text value, copied into out. */
static const char *
db_text(const char *name, const char *sql, char *out, size_t len)
{
	char file[64];
	sqlite3 *db;
	sqlite3_stmt *st;

	out[0] = '\0';
	snprintf(file, sizeof(file), "%s.db", name);
	if (sqlite3_open_v2(t_tmp(file), &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return out;
	}
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(out, len, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out;
}

/* Runs earshot -c CONF once ARGS...; output in *out (caller frees). */
static int
once(const char *conf, char **out, const char *arg)
{
	char *err = NULL;
	int rc = t_earshot(NULL, out, &err, "-c", conf, "once", arg, (char *)NULL);

	if (rc != 0 && rc != 1)
		fprintf(stderr, "earshot once: exit %d\n%s\n", rc, err);
	T_NOT_CONTAINS(err, "Sanitizer");
	free(err);
	return rc;
}

/* Starts earshot -c CONF CMD [ARG] in the background, stderr to tmp/LOG. */
static pid_t
spawn(const char *conf, const char *cmd, const char *arg, const char *log)
{
	const char *bin = getenv("ES_BIN");
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open(t_tmp(log), O_WRONLY | O_CREAT | O_TRUNC, 0644);

		dup2(fd, 2);
		dup2(fd, 1);
		execl(bin, bin, "-c", conf, cmd, arg, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Waits for pid; fails the test when its log (tmp/LOG) shows a sanitizer
 * report.  Returns the exit status. */
static int
reap(pid_t pid, const char *log)
{
	int status;
	char *text;

	waitpid(pid, &status, 0);
	text = t_read_file(t_tmp(log), NULL);
	T_NOT_CONTAINS(text, "Sanitizer");
	free(text);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* --- tests ------------------------------------------------------------- */

static void
test_conditional_get_round_trip(void)
{
	const char *conf;
	char *out = NULL;

	httpd_reset(&srv);
	httpd_routes(&srv, "route /cg1.xml\netag \"e1\"\nbody_file %s\n"
			   "route /cg2.xml\nlast_modified Sat, 21 Nov 2026 10:00:00 GMT\nbody_file %s\n",
		     feed_file("cg1.xml", "cg1", 5), feed_file("cg2.xml", "cg2", 7));
	conf = conf_file("cg", "[source one]\nurl = %s\n[source two]\nurl = %s\n",
			 httpd_url(&srv, "cg1.localhost", "/cg1.xml"),
			 httpd_url(&srv, "cg2.localhost", "/cg2.xml"));
	T_EQ_INT(once(conf, &out, "--all"), 0);
	T_CONTAINS(out, "12 new mentions");
	free(out);
	T_EQ_INT(db_int("cg", "SELECT count(*) FROM mentions"), 12);
	/* Scored on the way in: 2+3 positive, 2+2 negative, 1+2 neutral. */
	T_EQ_INT(db_int("cg", "SELECT count(*) FROM mentions WHERE scorer > 0"), 12);
	T_EQ_INT(db_int("cg", "SELECT count(*) FROM mentions WHERE label = 'positive'"), 5);
	T_EQ_INT(db_int("cg", "SELECT count(*) FROM mentions WHERE label = 'negative'"), 4);
	/* Second pass: both conditional, both 304, nothing new, nothing parsed. */
	T_EQ_INT(once(conf, &out, "--all"), 0);
	T_CONTAINS(out, "2 ok (2 not modified)");
	T_CONTAINS(out, "0 new mentions, 0 duplicates");
	free(out);
	T_EQ_INT(db_int("cg", "SELECT count(*) FROM mentions"), 12);
	T_EQ_INT(db_int("cg", "SELECT count(*) FROM sources WHERE last_status = 304"), 2);
	T_EQ_INT(httpd_count(&srv, "/cg1.xml"), 2);
	{
		cJSON *log = httpd_log(&srv), *e, *h;
		int conditional = 0;

		cJSON_ArrayForEach(e, log)
			cJSON_ArrayForEach(h, cJSON_GetObjectItem(e, "headers"))
				if (!strcasecmp(cJSON_GetArrayItem(h, 0)->valuestring, "If-None-Match") ||
				    !strcasecmp(cJSON_GetArrayItem(h, 0)->valuestring, "If-Modified-Since"))
					conditional++;
		T_EQ_INT(conditional, 2);
		cJSON_Delete(log);
	}
	/* Without --all nothing is due yet (interval 15m). */
	T_EQ_INT(once(conf, &out, NULL), 0);
	T_CONTAINS(out, "0 sources");
	free(out);
	T_EQ_INT(httpd_count(&srv, "/cg1.xml"), 2);
}

static void
test_retry_after(void)
{
	const char *conf;
	char *out = NULL;

	httpd_reset(&srv);
	httpd_routes(&srv, "route /ra.xml\nstatus 429\nretry_after 7200\n"
			   "route /ra-date.xml\nstatus 503\nretry_after Fri, 01 Jan 2100 00:00:00 GMT\n");
	conf = conf_file("ra", "interval = 1m\n[source limited]\nurl = %s\n[source down]\nurl = %s\n",
			 httpd_url(&srv, "ra.localhost", "/ra.xml"),
			 httpd_url(&srv, "ra2.localhost", "/ra-date.xml"));
	T_EQ_INT(once(conf, &out, "--all"), 1);  /* nothing could be fetched */
	T_CONTAINS(out, "http_429 (429)");
	free(out);
	/* Next fetch no sooner than Retry-After (2 h), though interval is 1 m;
	 * an HTTP-date far ahead is clamped to 24 h. */
	T_EQ_INT(db_int("ra", "SELECT unixepoch(next_fetch_at) - unixepoch(last_fetch_at) >= 7200 "
			      "AND unixepoch(next_fetch_at) - unixepoch(last_fetch_at) <= 7300 "
			      "FROM sources WHERE name = 'limited'"), 1);
	T_EQ_INT(db_int("ra", "SELECT (unixepoch(next_fetch_at) - unixepoch(last_fetch_at)) / 3600 "
			      "FROM sources WHERE name = 'down'"), 24);
	T_EQ_INT(once(conf, &out, NULL), 0);
	free(out);
	T_EQ_INT(httpd_count(&srv, "/ra.xml"), 1);
}

/* A 429 is about the whole host: its Retry-After holds the other sources
 * of that host too, but not those of other hosts. */
static void
test_retry_after_holds_host(void)
{
	const char *conf;
	char *out = NULL;
	double t1[4], t2[4], t3[4];

	httpd_reset(&srv);
	httpd_routes(&srv, "route /hold-limited\nstatus 429\nretry_after 2\n"
			   "route /hold-ok*\nbody_file %s\n", feed_file("hold.xml", "hold", 1));
	conf = conf_file("hold", "per_host = 1\nhost_delay = 0\n[source limited]\nurl = %s\n"
				 "[source same-host]\nurl = %s\n[source other-host]\nurl = %s\n",
			 httpd_url(&srv, "hold.localhost", "/hold-limited"),
			 httpd_url(&srv, "hold.localhost", "/hold-ok1"),
			 httpd_url(&srv, "free.localhost", "/hold-ok2"));
	T_EQ_INT(once(conf, &out, "--all"), 0);
	free(out);
	T_EQ_INT(httpd_arrivals(&srv, "/hold-limited", t1, 4), 1);
	T_EQ_INT(httpd_arrivals(&srv, "/hold-ok1", t2, 4), 1);
	T_EQ_INT(httpd_arrivals(&srv, "/hold-ok2", t3, 4), 1);
	T_ASSERT(t2[0] - t1[0] >= 1995.0);
	T_ASSERT(t3[0] - t1[0] < 1000.0);
}

/* 12 sources on one host, per_host = 2, host_delay = 200ms, each answer
 * taking 150 ms: the server never sees more than 2 at once and no two
 * request starts closer than 200 ms; another host runs alongside. */
static void
test_politeness(void)
{
	struct httpd_host hh;
	struct buf_s { char s[8192]; size_t n; } b = { .n = 0 };
	const char *conf;
	char *out = NULL;

	httpd_reset(&srv);
	httpd_routes(&srv, "route /pol*\ndelay 150ms\nbody_file %s\n",
		     feed_file("pol.xml", "pol", 1));
	for (int i = 0; i < 12; i++)
		b.n += (size_t)snprintf(b.s + b.n, sizeof(b.s) - b.n, "[source p%d]\nurl = %s\n", i,
				       httpd_url(&srv, "polite.localhost", i % 2 ? "/pol-a" : "/pol-b"));
	for (int i = 0; i < 6; i++)
		b.n += (size_t)snprintf(b.s + b.n, sizeof(b.s) - b.n, "[source o%d]\nurl = %s?%d\n",
				       i, httpd_url(&srv, "other.localhost", "/pol-o"), i);
	conf = conf_file("pol", "per_host = 2\nhost_delay = 200ms\nconcurrency = 8\n%s", b.s);
	T_EQ_INT(once(conf, &out, "--all"), 0);
	T_CONTAINS(out, "18 sources: 18 ok");
	free(out);
	T_EQ_INT(httpd_host(&srv, "polite.localhost", &hh), 0);
	T_EQ_INT(hh.requests, 12);
	T_ASSERT(hh.active_max <= 2);
	T_ASSERT(hh.conns_max <= 2);
	/* NOTE: arrival times differ from start times by the connect time on
	 * loopback (well under 5 ms); that is the only tolerance. */
	for (size_t i = 1; i < hh.nstarts; i++)
		if (hh.starts[i] - hh.starts[i - 1] < 195.0)
			t_fail(__FILE__, __LINE__, "starts %zu and %zu only %.1f ms apart", i - 1, i,
			       hh.starts[i] - hh.starts[i - 1]);
	t_checks++;
	T_ASSERT(hh.starts[11] - hh.starts[0] >= 11 * 195.0);
	httpd_host_free(&hh);
	/* Keep-alive: the 12 requests rode on at most 2 connections. */
	{
		cJSON *log = httpd_log(&srv), *e;
		long conns[16];
		int nconns = 0;

		cJSON_ArrayForEach(e, log) {
			long id = (long)cJSON_GetObjectItem(e, "conn")->valuedouble;
			int k = 0;

			if (strcmp(cJSON_GetObjectItem(e, "host")->valuestring, "polite.localhost"))
				continue;
			while (k < nconns && conns[k] != id)
				k++;
			if (k == nconns && nconns < 16)
				conns[nconns++] = id;
		}
		T_ASSERT(nconns >= 1 && nconns <= 2);
		cJSON_Delete(log);
	}
	T_EQ_INT(httpd_host(&srv, "other.localhost", &hh), 0);
	T_EQ_INT(hh.requests, 6);
	T_ASSERT(hh.active_max <= 2);
	httpd_host_free(&hh);
}

/* The daemon holds the spacing across passes, not only within one: three
 * sources of one host due every second, host_delay = 600ms. */
static void
test_politeness_across_passes(void)
{
	struct httpd_host hh;
	const char *conf;
	pid_t pid;

	httpd_reset(&srv);
	httpd_routes(&srv, "route /pass*\nbody_file %s\n", feed_file("pass.xml", "pass", 1));
	conf = conf_file("pass", "interval = 1s\nper_host = 1\nhost_delay = 600ms\n"
				 "[source a]\nurl = %s\n[source b]\nurl = %s\n[source c]\nurl = %s\n",
			 httpd_url(&srv, "pass.localhost", "/pass-a"),
			 httpd_url(&srv, "pass.localhost", "/pass-b"),
			 httpd_url(&srv, "pass.localhost", "/pass-c"));
	pid = spawn(conf, "run", NULL, "pass.log");
	T_ASSERT(httpd_wait_count(&srv, NULL, 7, 10000) >= 7);
	kill(pid, SIGTERM);
	T_EQ_INT(reap(pid, "pass.log"), 0);
	T_EQ_INT(httpd_host(&srv, "pass.localhost", &hh), 0);
	T_ASSERT(hh.requests >= 7);
	T_EQ_INT(hh.active_max, 1);
	for (size_t i = 1; i < hh.nstarts; i++)
		if (hh.starts[i] - hh.starts[i - 1] < 595.0)
			t_fail(__FILE__, __LINE__, "starts %zu and %zu only %.1f ms apart", i - 1, i,
			       hh.starts[i] - hh.starts[i - 1]);
	t_checks++;
	httpd_host_free(&hh);
}

static void
test_redirects_and_schemes(void)
{
	const char *conf;
	char *out = NULL, v[64];

	httpd_reset(&srv);
	httpd_routes(&srv, "route /rd-loop\nstatus 302\nlocation /rd-loop\n"
			   "route /rd-file\nstatus 301\nlocation file:///etc/passwd\n"
			   "route /rd-ftp\nstatus 302\nlocation ftp://127.0.0.1:%d/feed\n"
			   "route /rd-ok\nstatus 302\nlocation /rd-final\n"
			   "route /rd-final\nbody_file %s\n",
		     srv.port, feed_file("rd.xml", "rd", 2));
	conf = conf_file("rd", "[source loop]\nurl = %s\n[source file]\nurl = %s\n"
			       "[source ftp]\nurl = %s\n[source fine]\nurl = %s\n",
			 httpd_url(&srv, "rd.localhost", "/rd-loop"),
			 httpd_url(&srv, "rd.localhost", "/rd-file"),
			 httpd_url(&srv, "rd.localhost", "/rd-ftp"),
			 httpd_url(&srv, "rd.localhost", "/rd-ok"));
	T_EQ_INT(once(conf, &out, "--all"), 0);
	free(out);
	T_EQ_STR(db_text("rd", "SELECT last_error FROM sources WHERE name='loop'", v, sizeof(v)),
		 "redirects");
	T_EQ_STR(db_text("rd", "SELECT last_error FROM sources WHERE name='file'", v, sizeof(v)),
		 "protocol");
	T_EQ_STR(db_text("rd", "SELECT last_error FROM sources WHERE name='ftp'", v, sizeof(v)),
		 "protocol");
	T_EQ_INT(db_int("rd", "SELECT count(*) FROM mentions"), 2);
	T_EQ_INT(httpd_count(&srv, "/rd-loop"), 6);
	T_EQ_INT(httpd_count(&srv, NULL), 6 + 1 + 1 + 2);
}

static void
test_body_caps(void)
{
	const char *conf;
	char *out = NULL;

	httpd_reset(&srv);
	httpd_routes(&srv, "route /cap-cl\nbody_size 3MiB\n"
			   "route /cap-endless\nendless yes\n"
			   "route /cap-gzip\nencoding gzip\nbody_size 200MiB\n"
			   "route /cap-br\nencoding br\nbody_size 200MiB\n"
			   "route /cap-small\nencoding gzip\nbody_file %s\n",
		     feed_file("cap.xml", "cap", 3));
	conf = conf_file("cap", "max_body = 1MiB\n[source cl]\nurl = %s\n[source endless]\nurl = %s\n"
				"[source gzip]\nurl = %s\n[source br]\nurl = %s\n[source small]\nurl = %s\n",
			 httpd_url(&srv, "cap.localhost", "/cap-cl"),
			 httpd_url(&srv, "cap.localhost", "/cap-endless"),
			 httpd_url(&srv, "cap.localhost", "/cap-gzip"),
			 httpd_url(&srv, "cap.localhost", "/cap-br"),
			 httpd_url(&srv, "cap.localhost", "/cap-small"));
	T_EQ_INT(once(conf, &out, "--all"), 0);
	free(out);
	T_EQ_INT(db_int("cap", "SELECT count(*) FROM sources WHERE last_error = 'too_large'"), 4);
	T_EQ_INT(db_int("cap", "SELECT count(*) FROM mentions"), 3);
}

/* One byte every 2 s with timeout = 3s: abandoned at the timeout, while the
 * daemon keeps fetching the quick sources on their 1 s interval. */
static void
test_slow_server(void)
{
	const char *conf;
	double t[64];
	pid_t pid;
	int nq, ns;

	httpd_reset(&srv);
	httpd_routes(&srv, "route /slow\ndrip 2s\nbody_file %s\nroute /quick*\nbody_file %s\n",
		     feed_file("slow.xml", "slow", 1), feed_file("quick.xml", "quick", 1));
	conf = conf_file("slow", "interval = 1s\nhost_delay = 0\ntimeout = 3s\n"
				 "[source slow]\nurl = %s\n[source quick1]\nurl = %s\n"
				 "[source quick2]\nurl = %s\n",
			 httpd_url(&srv, "slow.localhost", "/slow"),
			 httpd_url(&srv, "q1.localhost", "/quick1"),
			 httpd_url(&srv, "q2.localhost", "/quick2"));
	pid = spawn(conf, "run", NULL, "slow.log");
	sleep_ms(3500);
	kill(pid, SIGTERM);
	T_EQ_INT(reap(pid, "slow.log"), 0);
	ns = httpd_arrivals(&srv, "/slow", t, 64);
	nq = httpd_arrivals(&srv, "/quick1", t, 64);
	T_EQ_INT(ns, 1);
	T_ASSERT(nq >= 3);   /* at 0, ~1, ~2, ~3 s */
	T_EQ_INT(db_int("slow", "SELECT count(*) FROM sources WHERE name='slow' AND "
				"last_error = 'timeout'"), 1);
	T_EQ_INT(db_int("slow", "SELECT count(*) FROM mentions"), 2);
}

/* A source failing with 500 backs off 1 s, 2 s, 4 s, then recovers to its
 * 1 s interval once the server heals. */
static void
test_backoff_and_recovery(void)
{
	const char *conf;
	double t[16];
	pid_t pid;
	int n;

	httpd_reset(&srv);
	httpd_routes(&srv, "route /flaky\nbody_file %s\nroute /flaky\nstatus 500\ntimes 3\n",
		     feed_file("flaky.xml", "flaky", 2));
	conf = conf_file("bo", "interval = 1s\n[source flaky]\nurl = %s\n",
			 httpd_url(&srv, "flaky.localhost", "/flaky"));
	pid = spawn(conf, "run", NULL, "bo.log");
	T_ASSERT(httpd_wait_count(&srv, "/flaky", 6, 15000) >= 6);
	kill(pid, SIGTERM);
	T_EQ_INT(reap(pid, "bo.log"), 0);
	n = httpd_arrivals(&srv, "/flaky", t, 16);
	T_ASSERT(n >= 6);
	/* Gaps: 1, 2, 4 s (failures), then 1 s (healed); jitter is +-10 %. */
	{
		const double want[] = { 1000, 2000, 4000, 1000, 1000 };

		for (int i = 0; i < 5 && i + 1 < n; i++) {
			double gap = t[i + 1] - t[i];

			if (gap < want[i] * 0.88 || gap > want[i] * 1.12 + 300)
				t_fail(__FILE__, __LINE__, "gap %d: %.0f ms, want %.0f", i, gap, want[i]);
			t_checks++;
		}
	}
	T_EQ_INT(db_int("bo", "SELECT failures FROM sources"), 0);
	T_EQ_INT(db_int("bo", "SELECT last_status FROM sources"), 200);
	T_EQ_INT(db_int("bo", "SELECT count(*) FROM mentions"), 2);
}

static void
test_robots(void)
{
	const char *conf;
	char *out = NULL, v[128];

	httpd_reset(&srv);
	httpd_routes(&srv,
		     "route /robots.txt\nhost allow.localhost\nbody User-agent: *\\nDisallow: /private\\n"
		     "User-agent: earshot-test\\nAllow: /\\n\n"
		     "route /robots.txt\nhost deny.localhost\n"
		     "body User-agent: earshot-test\\nDisallow: /reviews\\n\n"
		     "route /robots.txt\nhost err.localhost\nstatus 503\n"
		     "route /robots.txt\nhost none.localhost\nstatus 404\n"
		     "route /robots.txt\nhost huge.localhost\n"
		     "body User-agent: *\\nDisallow: /reviews/7\\n\nbody_size 600KiB\n"
		     "route /reviews*\nbody_file %s\n",
		     feed_file("rb.xml", "rb", 1));
	conf = conf_file("rb", "[source allowed]\nurl = %s\nrobots = yes\n"
			       "[source denied]\nurl = %s\nrobots = yes\n"
			       "[source unreachable]\nurl = %s\nrobots = yes\n"
			       "[source missing]\nurl = %s\nrobots = yes\n"
			       "[source ignored]\nurl = %s\nrobots = no\n"
			       "[source huge]\nurl = %s\nrobots = yes\n",
			 httpd_url(&srv, "allow.localhost", "/reviews/1"),
			 httpd_url(&srv, "deny.localhost", "/reviews/2"),
			 httpd_url(&srv, "err.localhost", "/reviews/3"),
			 httpd_url(&srv, "none.localhost", "/reviews/4"),
			 httpd_url(&srv, "deny.localhost", "/reviews/5"),
			 httpd_url(&srv, "huge.localhost", "/reviews/7"));
	T_EQ_INT(once(conf, &out, "--all"), 0);
	free(out);
	T_EQ_STR(db_text("rb", "SELECT coalesce(last_error,'ok') FROM sources WHERE name='allowed'",
			 v, sizeof(v)), "ok");
	T_EQ_STR(db_text("rb", "SELECT last_error FROM sources WHERE name='denied'", v, sizeof(v)),
		 "robots");
	T_EQ_STR(db_text("rb", "SELECT last_error FROM sources WHERE name='unreachable'", v,
			 sizeof(v)), "robots");
	T_CONTAINS(db_text("rb", "SELECT last_error_detail FROM sources WHERE name='unreachable'",
			   v, sizeof(v)), "unreachable");
	T_EQ_STR(db_text("rb", "SELECT coalesce(last_error,'ok') FROM sources WHERE name='missing'",
			 v, sizeof(v)), "ok");
	T_EQ_STR(db_text("rb", "SELECT coalesce(last_error,'ok') FROM sources WHERE name='ignored'",
			 v, sizeof(v)), "ok");
	/* The disallowed pages were never requested; robots.txt once per host. */
	T_EQ_INT(httpd_count(&srv, "/reviews/2"), 0);
	T_EQ_INT(httpd_count(&srv, "/reviews/3"), 0);
	T_EQ_INT(httpd_count(&srv, "/reviews/5"), 1);
	/* A 600 KiB robots.txt is read to its first 500 KiB, not refused. */
	T_EQ_STR(db_text("rb", "SELECT last_error FROM sources WHERE name='huge'", v, sizeof(v)),
		 "robots");
	T_EQ_INT(httpd_count(&srv, "/reviews/7"), 0);
	T_EQ_INT(httpd_count(&srv, "/robots.txt"), 5);
}

/* SIGTERM in the middle of a pass, then a restart: every mention is
 * stored exactly once. */
static void
test_sigterm_then_restart(void)
{
	char conf_text[16384];
	size_t n = 0;
	const char *conf;
	char *out = NULL;
	pid_t pid;
	int rc;

	httpd_reset(&srv);
	httpd_routes(&srv, "route /st*\ndelay 400ms\nbody_file %s\n", feed_file("st.xml", "st", 10));
	for (int i = 0; i < 24; i++)
		n += (size_t)snprintf(conf_text + n, sizeof(conf_text) - n,
				      "[source s%d]\nurl = %s\n", i,
				      httpd_url(&srv, "st.localhost", i % 2 ? "/st-a" : "/st-b"));
	conf = conf_file("st", "concurrency = 4\nper_host = 4\nhost_delay = 0\n%s", conf_text);
	pid = spawn(conf, "once", "--all", "st.log");
	T_ASSERT(httpd_wait_count(&srv, NULL, 6, 10000) >= 6);
	kill(pid, SIGTERM);
	rc = reap(pid, "st.log");
	T_EQ_INT(rc, 0);
	/* Some sources were stored, not all. */
	T_ASSERT(db_int("st", "SELECT count(*) FROM sources WHERE last_fetch_at IS NOT NULL") < 24);
	T_ASSERT(db_int("st", "SELECT count(*) FROM mentions") > 0);
	T_EQ_INT(db_int("st", "SELECT count(*) FROM mentions") % 10, 0);
	/* The restart fetches the rest (and again the stored ones, as --all). */
	T_EQ_INT(once(conf, &out, "--all"), 0);
	free(out);
	T_EQ_INT(db_int("st", "SELECT count(*) FROM mentions"), 240);
	T_EQ_INT(db_int("st", "SELECT count(*) FROM (SELECT DISTINCT source_id, guid FROM mentions)"),
		 240);
	T_EQ_INT(db_int("st", "SELECT count(*) FROM sources WHERE last_status = 200"), 24);
}

/* A server that sends no validators: the same body again is recognised by
 * its hash and not parsed again (an outcome, not a failure); a changed body
 * is. */
static void
test_unchanged_body(void)
{
	const char *conf;
	char *log, *p;
	pid_t pid;
	int unchanged = 0;

	httpd_reset(&srv);
	httpd_routes(&srv, "route /same\nbody_file %s\n", feed_file("same.xml", "same", 4));
	conf = conf_file("same", "interval = 1s\nhost_delay = 0\n[source same]\nurl = %s\n",
			 httpd_url(&srv, "same.localhost", "/same"));
	pid = spawn(conf, "run", NULL, "same.log");
	T_ASSERT(httpd_wait_count(&srv, "/same", 3, 8000) >= 3);
	httpd_routes(&srv, "route /same\nbody_file %s\n", feed_file("same2.xml", "same2", 2));
	T_ASSERT(httpd_wait_count(&srv, "/same", 5, 8000) >= 5);
	kill(pid, SIGTERM);
	T_EQ_INT(reap(pid, "same.log"), 0);
	log = t_read_file(t_tmp("same.log"), NULL);
	for (p = log; (p = strstr(p, "outcome=not_modified status=200")); p++)
		unchanged++;
	T_ASSERT(unchanged >= 2);
	T_CONTAINS(log, "detail=\"body unchanged\"");
	T_NOT_CONTAINS(log, "outcome=http");
	free(log);
	T_EQ_INT(db_int("same", "SELECT count(*) FROM mentions"), 6);
	T_EQ_INT(db_int("same", "SELECT failures FROM sources"), 0);
}

/* SIGHUP: a broken feeds.conf is refused and the old one stays; a good one
 * adds a source.  Idle, the daemon uses next to no CPU. */
static void
test_reload_and_idle(void)
{
	const char *conf;
	char *log;
	pid_t pid;
	long ticks0, ticks1;
	char stat[64];

	httpd_reset(&srv);
	httpd_routes(&srv, "route /hup*\nbody_file %s\n", feed_file("hup.xml", "hup", 3));
	conf = conf_file("hup", "interval = 1h\n[source first]\nurl = %s\n",
			 httpd_url(&srv, "hup.localhost", "/hup1"));
	pid = spawn(conf, "run", NULL, "hup.log");
	T_EQ_INT(httpd_wait_count(&srv, "/hup1", 1, 5000), 1);
	sleep_ms(300);
	/* Idle for 2 s: CPU time (utime + stime, in clock ticks) barely moves. */
	snprintf(stat, sizeof(stat), "/proc/%d/stat", (int)pid);
	{
		char *s = t_read_file(stat, NULL), *p = strrchr(s, ')');
		unsigned long ut, st;

		sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st);
		ticks0 = (long)(ut + st);
		free(s);
		sleep_ms(2000);
		s = t_read_file(stat, NULL);
		p = strrchr(s, ')');
		sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st);
		ticks1 = (long)(ut + st);
		free(s);
	}
	T_ASSERT(ticks1 - ticks0 <= 2);  /* at most 20 ms of CPU in 2 s */
	t_write_filef(conf, "[earshot]\ndatabase = hup.db\nallow_private = yes\n"
			    "[source first]\nurl = not a url\n");
	kill(pid, SIGHUP);
	sleep_ms(500);
	conf_file("hup", "interval = 1h\n[source first]\nurl = %s\n[source second]\nurl = %s\n",
		  httpd_url(&srv, "hup.localhost", "/hup1"), httpd_url(&srv, "hup.localhost", "/hup2"));
	kill(pid, SIGHUP);
	T_EQ_INT(httpd_wait_count(&srv, "/hup2", 1, 5000), 1);
	/* A source whose URL changes is a new feed: fetched at once. */
	conf_file("hup", "interval = 1h\n[source first]\nurl = %s\n[source second]\nurl = %s\n",
		  httpd_url(&srv, "hup.localhost", "/hup1"), httpd_url(&srv, "hup.localhost", "/hup3"));
	kill(pid, SIGHUP);
	T_EQ_INT(httpd_wait_count(&srv, "/hup3", 1, 5000), 1);
	kill(pid, SIGTERM);
	T_EQ_INT(reap(pid, "hup.log"), 0);
	log = t_read_file(t_tmp("hup.log"), NULL);
	T_CONTAINS(log, "reload refused");
	T_CONTAINS(log, "configuration reloaded");
	free(log);
	T_EQ_INT(httpd_count(&srv, "/hup1"), 1);  /* its schedule survived three reloads */
	T_EQ_INT(httpd_count(&srv, "/hup2"), 1);
	/* One feed body for all three paths: second's guids are stored once. */
	T_EQ_INT(db_int("hup", "SELECT count(*) FROM mentions"), 6);
}

static void
test_once_single_source_and_usage(void)
{
	const char *conf;
	char *out = NULL, *err = NULL;

	httpd_reset(&srv);
	httpd_routes(&srv, "route /one*\nbody_file %s\n", feed_file("one.xml", "one", 2));
	conf = conf_file("one", "[source a]\nurl = %s\n[source b]\nurl = %s\n",
			 httpd_url(&srv, "one.localhost", "/one-a"),
			 httpd_url(&srv, "one.localhost", "/one-b"));
	T_EQ_INT(once(conf, &out, "--source=b"), 0);
	T_CONTAINS(out, "1 sources: 1 ok");
	free(out);
	T_EQ_INT(httpd_count(&srv, "/one-a"), 0);
	T_EQ_INT(httpd_count(&srv, "/one-b"), 1);
	T_EQ_INT(t_earshot(NULL, &out, &err, "-c", conf, "once", "--source", "nope", (char *)NULL),
		 2);
	T_CONTAINS(err, "no source named nope");
	free(out);
	free(err);
}

/* Brand matching on the way in: a mention about no brand is dropped unless
 * its source keeps them; one about two brands is linked to both; a source
 * may limit itself to some brands. */
static void
test_brand_filter(void)
{
	const char *feed = t_tmp("brands.xml"), *conf;
	char *out = NULL, v[256];
	FILE *fp = fopen(feed, "w");

	fputs("<rss version=\"2.0\"><channel><title>b</title>\n"
	      "<item><guid>b1</guid><title>Acme Cloud is down again</title></item>\n"
	      "<item><guid>b2</guid><title>Globex and ACME merge</title></item>\n"
	      "<item><guid>b3</guid><title>Weather today</title></item>\n"
	      "<item><guid>b4</guid><title>Road runner buys an acme anvil</title></item>\n"
	      "<item><guid>b5</guid><title>globex quarterly results</title></item>\n"
	      "</channel></rss>\n", fp);
	fclose(fp);
	httpd_reset(&srv);
	httpd_routes(&srv, "route /brands.xml\nbody_file %s\n", feed);
	conf = conf_file("bf", "[brand acme]\nquery = acme OR \"acme cloud\"\nexclude = anvil\n"
			 "[brand globex]\nquery = globex\n"
			 "[source all]\nurl = %s\n"
			 "[source only-acme]\nurl = %s\nbrands = acme\n"
			 "[source keep]\nurl = %s\nbrands = acme\nstore_unmatched = yes\n",
			 httpd_url(&srv, "b1.localhost", "/brands.xml"),
			 httpd_url(&srv, "b2.localhost", "/brands.xml"),
			 httpd_url(&srv, "b3.localhost", "/brands.xml"));
	T_EQ_INT(once(conf, &out, "--all"), 0);
	free(out);
	/* all: b1 (acme), b2 (both), b5 (globex); b3 and b4 (excluded) dropped. */
	T_EQ_STR(db_text("bf", "SELECT group_concat(guid, ',') FROM (SELECT guid FROM mentions m "
			       "JOIN sources s ON s.id = m.source_id WHERE s.name = 'all' ORDER BY guid)",
			 v, sizeof(v)), "b1,b2,b5");
	T_EQ_STR(db_text("bf", "SELECT group_concat(brand, ',') FROM (SELECT brand FROM mention_brands b "
			       "JOIN mentions m ON m.id = b.mention_id JOIN sources s ON s.id = m.source_id "
			       "WHERE s.name = 'all' AND m.guid = 'b2' ORDER BY brand)", v, sizeof(v)),
		 "acme,globex");
	/* only-acme: b1 and b2, each linked to acme alone. */
	T_EQ_STR(db_text("bf", "SELECT group_concat(guid || ':' || brand, ',') FROM (SELECT m.guid, b.brand "
			       "FROM mentions m JOIN sources s ON s.id = m.source_id "
			       "JOIN mention_brands b ON b.mention_id = m.id WHERE s.name = 'only-acme' "
			       "ORDER BY m.guid)", v, sizeof(v)), "b1:acme,b2:acme");
	/* keep: every item, the unmatched ones with no brand. */
	T_EQ_INT(db_int("bf", "SELECT count(*) FROM mentions m JOIN sources s ON s.id = m.source_id "
			      "WHERE s.name = 'keep'"), 5);
	T_EQ_INT(db_int("bf", "SELECT count(*) FROM mentions m JOIN sources s ON s.id = m.source_id "
			      "WHERE s.name = 'keep' AND NOT EXISTS (SELECT 1 FROM mention_brands b "
			      "WHERE b.mention_id = m.id)"), 3);
}

/* T_ONLY=name runs only the tests whose name contains it. */
#define RUN(fn)                                                               \
	do {                                                                  \
		const char *only_ = getenv("T_ONLY");                         \
		if (!only_ || strstr(#fn, only_))                             \
			T_RUN(fn);                                            \
	} while (0)

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	if (httpd_start(&srv, NULL) < 0)
		return 1;
	RUN(test_conditional_get_round_trip);
	RUN(test_brand_filter);
	RUN(test_retry_after);
	RUN(test_retry_after_holds_host);
	RUN(test_politeness);
	RUN(test_politeness_across_passes);
	RUN(test_redirects_and_schemes);
	RUN(test_body_caps);
	RUN(test_robots);
	RUN(test_once_single_source_and_usage);
	RUN(test_sigterm_then_restart);
	RUN(test_slow_server);
	RUN(test_backoff_and_recovery);
	RUN(test_unchanged_body);
	RUN(test_reload_and_idle);
	httpd_stop(&srv);
	return t_report();
}
