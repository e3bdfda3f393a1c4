/* test_hostile_servers.c - servers that misbehave, through the real
 * binary: decompression bombs and an endless body cut at the body cap on
 * decoded bytes, a server dripping one byte every few seconds cut by the
 * low-speed limit, while a hundred healthy hosts in the same pass are
 * served undisturbed; redirect chains, loops and redirects to other
 * schemes (with a listener that must never be connected to); Retry-After
 * values good and bad; robots.txt that cannot be had, and Crawl-delay.
 *
 * What tests/test_crawl.c already shows one by one (a 3 MiB body, one
 * bomb each, the total timeout, a loop, file:// and ftp://, Retry-After
 * 7200 and a date) is not repeated; these are the harder variants the
 * checklist asks for, checked by the server's own count and the database. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "tests/reliability/rellib.h"

static struct httpd srv;

static char *
source_text(const char *db, const char *name, const char *expr)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "SELECT coalesce(%s, 'NULL') FROM sources WHERE name = '%s'",
		 expr, name);
	return rel_db_text(db, sql);
}

static long long
source_int(const char *db, const char *name, const char *expr)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "SELECT %s FROM sources WHERE name = '%s'", expr, name);
	return rel_db_int(db, sql);
}

#define T_SOURCE(db, name, expr, want)                                        \
	do {                                                                  \
		char *v_ = source_text(db, name, expr);                       \
		T_EQ_STR(v_, want);                                           \
		free(v_);                                                     \
	} while (0)

static int
canary_accepted(int fd)
{
	int n = 0, c;

	while ((c = accept(fd, NULL, NULL)) >= 0) {
		n++;
		close(c);
	}
	return n;
}

/* A gzip bomb and a brotli bomb (1 GiB of zeros each, a few MiB on the
 * wire), an endless chunked body and a server sending one byte every 3 s,
 * among 100 healthy hosts in one pass: the bombs and the endless body are
 * cut at max_body counted on decoded bytes, the drip by the low-speed
 * limit (FETCH_LOW_SPEED_MS, well before the 60 s total timeout), and the
 * healthy hosts are all served while the drip is still dripping. */
static void
test_bombs_and_drip(void)
{
	struct buf healthy, hostile;
	const char *conf, *db = rel_db("bomb");
	double t[4], last_healthy = 0;
	struct rusage ru0, ru;
	char *log, *p;
	int64_t t0;
	pid_t pid;

	httpd_reset(&srv);
	httpd_routes(&srv, "route /gzip-bomb\nencoding gzip\nbody_size 1GiB\n"
			   "route /br-bomb\nencoding br\nbody_size 1GiB\n"
			   "route /endless\nendless yes\nbody_file %s\n"
			   "route /drip\ndrip 3s\nbody_file %s\n"
			   "route /healthy*\ndelay 100ms\nbody_file %s\n",
		     rel_feed("endless.xml", "endless", 0, 50, 200), rel_feed("drip.xml", "drip", 0, 1, 10),
		     rel_feed("healthy.xml", "healthy", 0, 5, 300));
	buf_init(&healthy, 0);
	buf_init(&hostile, 0);
	buf_printf(&hostile, "[source gzip]\nurl = %s\n[source br]\nurl = %s\n"
			     "[source endless]\nurl = %s\n[source drip]\nurl = %s\n",
		   httpd_url(&srv, "bomb1.localhost", "/gzip-bomb"),
		   httpd_url(&srv, "bomb2.localhost", "/br-bomb"),
		   httpd_url(&srv, "endless.localhost", "/endless"),
		   httpd_url(&srv, "drip.localhost", "/drip"));
	for (int i = 0; i < 100; i++) {
		char host[32], path[32];

		snprintf(host, sizeof(host), "h%d.localhost", i);
		snprintf(path, sizeof(path), "/healthy%d", i);
		buf_printf(&healthy, "[source healthy%d]\nurl = %s\n", i, httpd_url(&srv, host, path));
	}
	/* The same pass without the hostile four, for the memory it needs. */
	conf = rel_conf("bomb0", "max_body = 2MiB\ntimeout = 60s\nconcurrency = 24\n%s", healthy.data);
	pid = rel_spawn("bomb0.log", NULL, "-c", conf, "once", "--all", (char *)NULL);
	T_EQ_INT(rel_reap(pid, "bomb0.log", &ru0), 0);
	conf = rel_conf("bomb", "max_body = 2MiB\ntimeout = 60s\nconcurrency = 24\n%s%s", hostile.data,
			healthy.data);
	buf_free(&healthy);
	buf_free(&hostile);
	httpd_reset(&srv);
	t0 = rel_now_ms();
	pid = rel_spawn("bomb.log", NULL, "-c", conf, "once", "--all", (char *)NULL);
	T_EQ_INT(rel_reap(pid, "bomb.log", &ru), 0);
	fprintf(stderr, "  pass: %lld ms, peak RSS %ld KiB (%ld KiB without the hostile four)\n",
		(long long)(rel_now_ms() - t0), ru.ru_maxrss, ru0.ru_maxrss);
	T_SOURCE(db, "gzip", "last_error", "too_large");
	T_SOURCE(db, "br", "last_error", "too_large");
	T_SOURCE(db, "endless", "last_error", "too_large");
	T_SOURCE(db, "drip", "last_error", "timeout");
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM sources WHERE name LIKE 'healthy%' AND "
				"last_status = 200 AND last_error IS NULL"), 100);
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM mentions"), 500);
	/* Three bodies of 2 MiB at most each, decoded, and nothing more. */
	T_ASSERT(ru.ru_maxrss - ru0.ru_maxrss < 64 * 1024);
	/* The drip ran about FETCH_LOW_SPEED_MS (20 s), not the 60 s timeout;
	 * the healthy hosts were done long before it ended. */
	log = rel_log("bomb.log");
	p = strstr(log, "source=drip outcome=timeout");
	T_ASSERT(p && strstr(p, " ms="));
	if (p && (p = strstr(p, " ms="))) {
		long ms = strtol(p + 4, NULL, 10);

		fprintf(stderr, "  drip abandoned after %ld ms\n", ms);
		T_ASSERT(ms >= 19000 && ms < 30000);
	}
	free(log);
	T_EQ_INT(httpd_arrivals(&srv, "/drip", t, 4), 1);
	for (int i = 0; i < 100; i++) {
		char path[32];
		double th[2];

		snprintf(path, sizeof(path), "/healthy%d", i);
		if (httpd_arrivals(&srv, path, th, 2) == 1 && th[0] - t[0] > last_healthy)
			last_healthy = th[0] - t[0];
	}
	fprintf(stderr, "  last healthy request %.0f ms after the drip's\n", last_healthy);
	T_ASSERT(last_healthy < 10000);
}

/* Five redirects are followed, six are not; a loop ends; redirects to
 * file://, ftp://, gopher://, dict:// and scp:// end in "protocol" without
 * a connection to the listener they point at. */
static void
test_redirects(void)
{
	const char *conf, *db = rel_db("redir");
	int port, fd = t_canary_listen(&port);

	T_ASSERT(fd >= 0);
	httpd_reset(&srv);
	httpd_routes(&srv,
		     "route /r1\nstatus 301\nlocation /r2\nroute /r2\nstatus 302\nlocation /r3\n"
		     "route /r3\nstatus 303\nlocation /r4\nroute /r4\nstatus 307\nlocation /r5\n"
		     "route /r5\nstatus 308\nlocation /r6\nroute /r6\nstatus 302\nlocation /final\n"
		     "route /final\nbody_file %s\n"
		     "route /loop-a\nstatus 302\nlocation http://loop-b.localhost:%d/loop-b\n"
		     "route /loop-b\nstatus 302\nlocation http://loop-a.localhost:%d/loop-a\n"
		     "route /to-file\nstatus 302\nlocation file:///etc/passwd\n"
		     "route /to-ftp\nstatus 302\nlocation ftp://127.0.0.1:%d/feed\n"
		     "route /to-gopher\nstatus 301\nlocation gopher://127.0.0.1:%d/1feed\n"
		     "route /to-dict\nstatus 302\nlocation dict://127.0.0.1:%d/d:acme\n"
		     "route /to-scp\nstatus 302\nlocation scp://127.0.0.1:%d/etc/passwd\n",
		     rel_feed("final.xml", "final", 0, 2, 50), srv.port, srv.port, port, port, port,
		     port);
	conf = rel_conf("redir", "[source five]\nurl = %s\n[source six]\nurl = %s\n"
				 "[source loop]\nurl = %s\n[source file]\nurl = %s\n"
				 "[source ftp]\nurl = %s\n[source gopher]\nurl = %s\n"
				 "[source dict]\nurl = %s\n[source scp]\nurl = %s\n",
			httpd_url(&srv, "r.localhost", "/r2"), httpd_url(&srv, "r.localhost", "/r1"),
			httpd_url(&srv, "loop-a.localhost", "/loop-a"),
			httpd_url(&srv, "s.localhost", "/to-file"),
			httpd_url(&srv, "s.localhost", "/to-ftp"),
			httpd_url(&srv, "s.localhost", "/to-gopher"),
			httpd_url(&srv, "s.localhost", "/to-dict"),
			httpd_url(&srv, "s.localhost", "/to-scp"));
	T_EQ_INT(rel_earshot("redir.log", NULL, "-c", conf, "once", "--all", (char *)NULL), 0);
	T_SOURCE(db, "five", "coalesce(last_error, 'ok')", "ok");
	T_EQ_INT(source_int(db, "five", "(SELECT count(*) FROM mentions WHERE source_id = sources.id)"),
		 2);
	T_SOURCE(db, "six", "last_error", "redirects");
	T_SOURCE(db, "loop", "last_error", "redirects");
	T_EQ_INT(httpd_count(&srv, "/loop-a") + httpd_count(&srv, "/loop-b"), 6);
	T_SOURCE(db, "file", "last_error", "protocol");
	T_SOURCE(db, "ftp", "last_error", "protocol");
	T_SOURCE(db, "gopher", "last_error", "protocol");
	T_SOURCE(db, "dict", "last_error", "protocol");
	T_SOURCE(db, "scp", "last_error", "protocol");
	T_EQ_INT(canary_accepted(fd), 0);
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM mentions WHERE text LIKE '%root:%'"), 0);
	close(fd);
}

/* "Mon, 22 Nov 2026 12:00:00 GMT" in three spellings, at now + secs. */
static void
http_dates(int secs, char *imf, char *rfc850, char *asct, size_t len)
{
	time_t t = time(NULL) + secs;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(imf, len, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	strftime(rfc850, len, "%A, %d-%b-%y %H:%M:%S GMT", &tm);
	strftime(asct, len, "%a %b %e %H:%M:%S %Y", &tm);
}

static const struct {
	const char *name, *value;  /* value NULL: one of the dates */
	int status;
	long lo, hi;               /* next_fetch_at - last_fetch_at, seconds */
} ra_cases[] = {
	{ "secs", "120", 429, 120, 122 },
	{ "imf", NULL, 503, 3590, 3610 },
	{ "rfc850", NULL, 503, 3590, 3610 },
	{ "asctime", NULL, 429, 3590, 3610 },
	{ "negative", "-5", 503, 50, 70 },     /* ignored: the 60 s backoff, +-10 % */
	{ "garbage", "abc", 429, 50, 70 },
	{ "huge", "99999999999", 503, 86399, 86401 },  /* clamped to 24 h */
	{ "zero", "0", 503, 50, 70 },
	{ "past", "Thu, 01 Jan 1970 00:00:00 GMT", 429, 50, 70 },
};

/* Retry-After in every form: each is honoured within [min, 24 h] or
 * ignored, by the stored next_fetch_at; then the daemon on a 1 s interval
 * sends no request storm: at most the exponential backoff's count. */
static void
test_retry_after(void)
{
	char imf[64], rfc850[64], asct[64];
	struct buf routes, conf_text;
	const char *conf, *db = rel_db("ra"), *db2 = rel_db("ra2");
	pid_t pid;

	http_dates(3600, imf, rfc850, asct, sizeof(imf));
	httpd_reset(&srv);
	buf_init(&routes, 0);
	buf_init(&conf_text, 0);
	for (size_t i = 0; i < sizeof(ra_cases) / sizeof(ra_cases[0]); i++) {
		const char *v = ra_cases[i].value ? ra_cases[i].value :
				!strcmp(ra_cases[i].name, "imf") ? imf :
				!strcmp(ra_cases[i].name, "rfc850") ? rfc850 : asct;
		char host[64], path[64];

		buf_printf(&routes, "route /ra-%s\nstatus %d\nretry_after %s\n", ra_cases[i].name,
			   ra_cases[i].status, v);
		snprintf(host, sizeof(host), "ra-%s.localhost", ra_cases[i].name);
		snprintf(path, sizeof(path), "/ra-%s", ra_cases[i].name);
		buf_printf(&conf_text, "[source %s]\nurl = %s\n", ra_cases[i].name,
			   httpd_url(&srv, host, path));
	}
	T_EQ_INT(httpd_routes(&srv, "%s", routes.data), 0);
	conf = rel_conf("ra", "interval = 1m\n%s", conf_text.data);
	T_EQ_INT(rel_earshot("ra.log", NULL, "-c", conf, "once", "--all", (char *)NULL), 1);
	for (size_t i = 0; i < sizeof(ra_cases) / sizeof(ra_cases[0]); i++) {
		long long d = source_int(db, ra_cases[i].name,
					 "unixepoch(next_fetch_at) - unixepoch(last_fetch_at)");

		t_checks++;
		if (d < ra_cases[i].lo || d > ra_cases[i].hi)
			t_fail(__FILE__, __LINE__, "Retry-After %s: next fetch in %lld s, want %ld..%ld",
			       ra_cases[i].name, d, ra_cases[i].lo, ra_cases[i].hi);
	}
	/* The daemon, interval 1 s, for 7 s: with a hint, one request; without
	 * one, the backoff (1, 2, 4 s: at most 4 requests), never a storm. */
	conf = rel_conf("ra2", "interval = 1s\n%s", conf_text.data);
	httpd_reset(&srv);
	pid = rel_spawn("ra2.log", NULL, "-c", conf, "run", (char *)NULL);
	rel_sleep_ms(7000);
	kill(pid, SIGTERM);
	T_EQ_INT(rel_reap(pid, "ra2.log", NULL), 0);
	for (size_t i = 0; i < sizeof(ra_cases) / sizeof(ra_cases[0]); i++) {
		char path[64];
		int n, hinted = ra_cases[i].lo > 70;

		snprintf(path, sizeof(path), "/ra-%s", ra_cases[i].name);
		n = httpd_count(&srv, path);
		t_checks++;
		if (n < 1 || (hinted && n != 1) || n > 4)
			t_fail(__FILE__, __LINE__, "Retry-After %s: %d requests in 7 s", ra_cases[i].name, n);
	}
	T_EQ_INT(rel_db_int(db2, "SELECT count(*) FROM sources WHERE failures >= 1"),
		 (long long)(sizeof(ra_cases) / sizeof(ra_cases[0])));
	buf_free(&routes);
	buf_free(&conf_text);
}

/* robots.txt answered with 429, or not at all within the timeout: complete
 * disallow, not asked again for HOST_ROBOTS_RETRY_MS (10 minutes), and the
 * page itself never requested; a robots.txt that redirects is followed.
 * Crawl-delay: 2 spaces requests to its host 2 s apart; Crawl-delay: 3600
 * is capped at 300 s and the log says so. */
static void
test_robots(void)
{
	const char *conf, *db = rel_db("rob");
	struct httpd_host hh;
	char *log;
	pid_t pid;

	httpd_reset(&srv);
	httpd_routes(&srv,
		     "route /robots.txt\nhost r429.localhost\nstatus 429\nretry_after 1\n"
		     "route /robots.txt\nhost rslow.localhost\ndelay 30s\nbody User-agent: *\\n\n"
		     "route /robots.txt\nhost rmoved.localhost\nstatus 301\n"
		     "location http://rmoved2.localhost:%d/robots-real.txt\n"
		     "route /robots-real.txt\nbody User-agent: *\\nDisallow: /secret\\n\n"
		     "route /robots.txt\nhost rdelay.localhost\n"
		     "body User-agent: *\\nCrawl-delay: 2\\n\n"
		     "route /robots.txt\nhost rcap.localhost\n"
		     "body User-agent: earshot-test\\nCrawl-delay: 3600\\n\n"
		     "route /page*\nbody_file %s\nroute /secret\nbody_file %s\n",
		     srv.port, rel_feed("page.xml", "page", 0, 1, 50), t_tmp("page.xml"));
	conf = rel_conf("rob", "interval = 1s\ntimeout = 2s\nhost_delay = 0\n"
			       "[source r429]\nurl = %s\nrobots = yes\n"
			       "[source rslow]\nurl = %s\nrobots = yes\n"
			       "[source rmoved]\nurl = %s\nrobots = yes\n"
			       "[source rmoved-ok]\nurl = %s\nrobots = yes\n"
			       "[source rdelay-a]\nurl = %s\nrobots = yes\n"
			       "[source rdelay-b]\nurl = %s\nrobots = yes\n"
			       "[source rcap]\nurl = %s\nrobots = yes\n",
			httpd_url(&srv, "r429.localhost", "/page1"),
			httpd_url(&srv, "rslow.localhost", "/page2"),
			httpd_url(&srv, "rmoved.localhost", "/secret"),
			httpd_url(&srv, "rmoved.localhost", "/page3"),
			httpd_url(&srv, "rdelay.localhost", "/page4"),
			httpd_url(&srv, "rdelay.localhost", "/page5"),
			httpd_url(&srv, "rcap.localhost", "/page6"));
	pid = rel_spawn("rob.log", NULL, "-c", conf, "run", (char *)NULL);
	rel_sleep_ms(9000);
	kill(pid, SIGTERM);
	T_EQ_INT(rel_reap(pid, "rob.log", NULL), 0);
	/* Unreachable robots.txt: disallow, asked once in 9 s, page never. */
	T_EQ_INT(httpd_count(&srv, "/page1"), 0);
	T_EQ_INT(httpd_count(&srv, "/page2"), 0);
	T_SOURCE(db, "r429", "last_error", "robots");
	T_SOURCE(db, "rslow", "last_error", "robots");
	T_EQ_INT(httpd_host(&srv, "r429.localhost", &hh), 0);
	T_EQ_INT(hh.requests, 1);
	httpd_host_free(&hh);
	T_EQ_INT(httpd_host(&srv, "rslow.localhost", &hh), 0);
	T_EQ_INT(hh.requests, 1);
	httpd_host_free(&hh);
	/* A robots.txt behind a redirect applies to the host it was asked of. */
	T_EQ_INT(httpd_count(&srv, "/secret"), 0);
	T_SOURCE(db, "rmoved", "last_error", "robots");
	T_ASSERT(httpd_count(&srv, "/page3") >= 3);
	/* Crawl-delay 2: two sources due every second share 2 s spacing. */
	T_EQ_INT(httpd_host(&srv, "rdelay.localhost", &hh), 0);
	T_ASSERT(hh.nstarts >= 4);
	/* starts[0] is robots.txt; the pages follow it. */
	for (size_t i = 2; i < hh.nstarts; i++)
		if (hh.starts[i] - hh.starts[i - 1] < 1995.0)
			t_fail(__FILE__, __LINE__, "rdelay: starts %zu and %zu %.0f ms apart", i - 1, i,
			       hh.starts[i] - hh.starts[i - 1]);
	t_checks++;
	httpd_host_free(&hh);
	/* Crawl-delay 3600: capped at 300 s, said in the log; so one page
	 * request in 9 s after robots.txt. */
	T_EQ_INT(httpd_count(&srv, "/page6"), 1);
	log = rel_log("rob.log");
	T_EQ_INT(rel_count_lines(log, "crawl-delay capped", "host=rcap.localhost"), 1);
	T_CONTAINS(log, "cap_ms=300000");
	free(log);
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	if (httpd_start(&srv, NULL) < 0)
		return 1;
	REL_RUN(test_redirects);
	REL_RUN(test_retry_after);
	REL_RUN(test_robots);
	REL_RUN(test_bombs_and_drip);
	httpd_stop(&srv);
	return t_report();
}
