/* test_network.c - the crawler's view of the network, in a network
 * namespace of the test's own: lo carries 127.0.0.1 and three more
 * addresses -- 192.88.99.1 (a public address as netguard sees it),
 * 10.0.0.5 (RFC 1918) and 169.254.169.254 (link-local, where clouds keep
 * their metadata service) -- es_httpd listens on all of them, and
 * /etc/hosts and /etc/resolv.conf are bind-mounted so that names resolve
 * as the test says and every other lookup fails at once, inside the
 * namespace, without leaving the machine.
 *
 * - Private addresses: with allow_private = no (the default) a source
 *   whose name or address is loopback, private or link-local, in any
 *   spelling, and a redirect from the public address into any of them,
 *   are refused at connect time and the server hears nothing of them;
 *   allow_private = yes per source, or globally, lets them through.
 * - DNS failures and refused connections for hundreds of sources: each
 *   backs off on its own, healthy sources keep their interval by the
 *   server's count, and the daemon idles at next to no CPU. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "tests/reliability/rellib.h"

#define PUBLIC_IP "192.88.99.1"

static struct httpd srv;

static char *
source_text(const char *db, const char *name, const char *expr)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "SELECT coalesce(%s, 'NULL') FROM sources WHERE name = '%s'",
		 expr, name);
	return rel_db_text(db, sql);
}

/* Requests logged whose path starts with prefix. */
static int
count_prefix(const char *prefix)
{
	cJSON *log = httpd_log(&srv), *e;
	int n = 0;

	cJSON_ArrayForEach(e, log)
		n += !strncmp(cJSON_GetObjectItem(e, "path")->valuestring, prefix, strlen(prefix));
	cJSON_Delete(log);
	return n;
}

static const struct {
	const char *name;
	const char *host;   /* as written in the URL (port added) */
} private_targets[] = {
	{ "localhost-name", "a.localhost" },
	{ "loopback", "127.0.0.1" },
	{ "decimal", "2130706433" },
	{ "hex", "0x7f.1" },
	{ "mapped", "[::ffff:127.0.0.1]" },
	{ "v6-loopback", "[::1]" },
	{ "rfc1918", "10.0.0.5" },
	{ "metadata", "169.254.169.254" },
	{ "hosts-name", "internal.example" },    /* /etc/hosts: 10.0.0.5 */
	{ "rebound", "rebind.example" },         /* /etc/hosts: 169.254.169.254 */
};
#define NTARGETS (sizeof(private_targets) / sizeof(private_targets[0]))

/* Routes: /secret-NAME on every address, and /hop-NAME on the public one
 * redirecting there. */
static void
private_routes(void)
{
	struct buf b;

	buf_init(&b, 0);
	buf_printf(&b, "route /public.xml\nbody_file %s\n", rel_feed("public.xml", "public", 0, 2, 60));
	for (size_t i = 0; i < NTARGETS; i++)
		buf_printf(&b, "route /secret-%s\nbody_file %s\n"
			       "route /hop-%s\nstatus 302\nlocation http://%s:%d/secret-%s\n",
			   private_targets[i].name, t_tmp("public.xml"), private_targets[i].name,
			   private_targets[i].host, srv.port, private_targets[i].name);
	T_EQ_INT(httpd_routes(&srv, "%s", b.data), 0);
	buf_free(&b);
}

/* [source direct-NAME] and [source hop-NAME] for each target, with extra
 * lines in each. */
static char *
private_sources(const char *extra)
{
	struct buf b;

	buf_init(&b, 0);
	buf_printf(&b, "[source public]\nurl = http://%s:%d/public.xml\n%s", PUBLIC_IP, srv.port,
		   extra);
	for (size_t i = 0; i < NTARGETS; i++)
		buf_printf(&b, "[source direct-%s]\nurl = http://%s:%d/secret-%s\n%s"
			       "[source hop-%s]\nurl = http://%s:%d/hop-%s\n%s",
			   private_targets[i].name, private_targets[i].host, srv.port,
			   private_targets[i].name, extra, private_targets[i].name, PUBLIC_IP, srv.port,
			   private_targets[i].name, extra);
	return buf_take(&b, NULL);
}

/* allow_private = no: every private target is refused, directly and
 * through a redirect from the public address, and the server never sees
 * a request for it; the public source is fetched. */
static void
test_private_refused(void)
{
	char *sources = private_sources(""), *v;
	const char *conf, *db = rel_db("priv");
	int refused = 0;

	httpd_reset(&srv);
	private_routes();
	conf = rel_conf("priv", "allow_private = no\nhost_delay = 0\n%s", sources);
	free(sources);
	T_EQ_INT(rel_earshot("priv.log", NULL, "-c", conf, "once", "--all", (char *)NULL), 0);
	v = source_text(db, "public", "coalesce(last_error, 'ok')");
	T_EQ_STR(v, "ok");
	free(v);
	for (size_t i = 0; i < NTARGETS; i++) {
		char name[64];

		for (int hop = 0; hop < 2; hop++) {
			snprintf(name, sizeof(name), "%s-%s", hop ? "hop" : "direct", private_targets[i].name);
			v = source_text(db, name, "last_error");
			t_checks++;
			if (!v || strcmp(v, "private_address"))
				t_fail(__FILE__, __LINE__, "%s: %s, not private_address", name, v ? v : "?");
			else
				refused++;
			free(v);
		}
	}
	T_EQ_INT(refused, 2 * (int)NTARGETS);
	/* Not one request reached a private address; the hops were asked
	 * (and answered with their redirect) on the public one. */
	T_EQ_INT(count_prefix("/secret-"), 0);
	T_EQ_INT(count_prefix("/hop-"), (int)NTARGETS);
	T_EQ_INT(httpd_count(&srv, "/public.xml"), 1);
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM mentions"), 2);
	v = source_text(db, "hop-metadata", "last_error_detail");
	T_CONTAINS(v, "private address");
	free(v);
}

/* allow_private = yes on the sources (global default no), then globally:
 * the same targets are fetched, through redirects too; a source that says
 * no under a global yes is still refused. */
static void
test_private_allowed(void)
{
	char *sources = private_sources("allow_private = yes\n"), *v;
	const char *conf, *db = rel_db("allow");
	int mapped_ok;

	httpd_reset(&srv);
	private_routes();
	conf = rel_conf("allow", "allow_private = no\nhost_delay = 0\n%s", sources);
	free(sources);
	T_EQ_INT(rel_earshot("allow.log", NULL, "-c", conf, "once", "--all", (char *)NULL), 0);
	/* NOTE: es_httpd listens on IPv4 only, so [::1] gets as far as a
	 * refused connection: past the guard, which is what counts here. */
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM sources WHERE last_error IS NOT NULL AND "
				"NOT (name LIKE '%v6-loopback' AND last_error = 'connect')"), 0);
	T_EQ_INT(count_prefix("/secret-"), 2 * (int)NTARGETS - 2);
	/* The metadata address was really reached, by its own Host. */
	{
		cJSON *log = httpd_log(&srv), *e;
		int meta = 0;

		cJSON_ArrayForEach(e, log)
			meta += !strcmp(cJSON_GetObjectItem(e, "host")->valuestring, "169.254.169.254");
		T_EQ_INT(meta, 2);
		cJSON_Delete(log);
	}
	mapped_ok = (int)rel_db_int(db, "SELECT count(*) FROM sources WHERE name LIKE '%mapped' "
					"AND last_status = 200");
	T_EQ_INT(mapped_ok, 2);

	/* Global yes, one source saying no. */
	httpd_reset(&srv);
	conf = rel_conf("allow2", "allow_private = yes\n[source inherits]\nurl = http://10.0.0.5:%d/"
				  "secret-rfc1918\n[source refuses]\nurl = http://10.0.0.5:%d/secret-metadata\n"
				  "allow_private = no\n", srv.port, srv.port);
	T_EQ_INT(rel_earshot("allow2.log", NULL, "-c", conf, "once", "--all", (char *)NULL), 0);
	v = source_text(rel_db("allow2"), "inherits", "coalesce(last_error, 'ok')");
	T_EQ_STR(v, "ok");
	free(v);
	v = source_text(rel_db("allow2"), "refuses", "last_error");
	T_EQ_STR(v, "private_address");
	free(v);
	T_EQ_INT(httpd_count(&srv, "/secret-rfc1918"), 1);
	T_EQ_INT(httpd_count(&srv, "/secret-metadata"), 0);
}

/* CPU ticks pid used over ms. */
static long
cpu_over(pid_t pid, int ms)
{
	long t0 = rel_cpu_ticks(pid);

	rel_sleep_ms(ms);
	return rel_cpu_ticks(pid) - t0;
}

/* 300 sources that fail -- 150 names that do not resolve, 150 ports where
 * nobody listens -- beside 20 healthy ones, interval 8 s, for 18 s of
 * daemon: the failures back off each on its own (8 s, then 16 s: at most
 * 2 attempts each), the healthy sources are fetched on their interval by
 * the server's count, and between passes the daemon sleeps. */
static void
test_dns_and_refused(void)
{
	struct buf b;
	const char *conf, *db = rel_db("fail");
	char *log;
	long idle_ticks, total_ticks;
	int64_t t0;
	int closed_port = t_free_port(), most = 0, healthy_min = 1000;
	pid_t pid;

	httpd_reset(&srv);
	httpd_routes(&srv, "route /ok*\nbody_file %s\n", rel_feed("ok.xml", "ok", 0, 3, 60));
	buf_init(&b, 0);
	for (int i = 0; i < 150; i++)
		buf_printf(&b, "[source nx%d]\nurl = http://nx%d.example/feed\n", i, i);
	for (int i = 0; i < 150; i++)
		buf_printf(&b, "[source refused%d]\nurl = http://refused%d.localhost:%d/feed\n", i,
			   i % 50, closed_port);
	for (int i = 0; i < 20; i++)
		buf_printf(&b, "[source ok%d]\nurl = http://ok%d.localhost:%d/ok%d\n", i, i % 10,
			   srv.port, i);
	conf = rel_conf("fail", "interval = 8s\nconcurrency = 32\n%s", b.data);
	buf_free(&b);
	t0 = rel_now_ms();
	pid = rel_spawn("fail.log", NULL, "-c", conf, "run", (char *)NULL);
	/* The first pass: 320 sources reported. */
	for (;;) {
		log = rel_log("fail.log");
		if (rel_count(log, "msg=fetched") >= 320 || rel_now_ms() - t0 > 15000)
			break;
		free(log);
		rel_sleep_ms(50);
	}
	free(log);
	fprintf(stderr, "  first pass over 320 sources: %lld ms\n", (long long)(rel_now_ms() - t0));
	rel_sleep_ms(200);
	/* Idle until the next pass, due 8 s (-10 %) after the first. */
	idle_ticks = cpu_over(pid, 2500);
	while (rel_now_ms() - t0 < 18000)
		rel_sleep_ms(100);
	total_ticks = rel_cpu_ticks(pid);
	kill(pid, SIGTERM);
	T_EQ_INT(rel_reap(pid, "fail.log", NULL), 0);
	fprintf(stderr, "  CPU: %ld ticks idle over 2.5 s, %ld ticks in all\n", idle_ticks,
		total_ticks);
	T_ASSERT(idle_ticks <= 5);  /* at most 50 ms of 2.5 s: 2 % */
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM sources WHERE name LIKE 'nx%' AND last_error = 'dns'"),
		 150);
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM sources WHERE name LIKE 'refused%' AND "
				"last_error = 'connect'"), 150);
	/* Each failing source's next fetch is its own backoff: 8 s after one
	 * failure, 16 s after two (+-10 %). */
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM sources WHERE last_error IN ('dns', 'connect') "
				"AND unixepoch(next_fetch_at) - unixepoch(last_fetch_at) < 7 * failures"), 0);
	log = rel_log("fail.log");
	for (int i = 0; i < 150; i++) {
		char a[48];
		int n;

		snprintf(a, sizeof(a), "source=nx%d ", i);
		if ((n = rel_count_lines(log, a, "outcome=dns")) > most)
			most = n;
		snprintf(a, sizeof(a), "source=refused%d ", i);
		if ((n = rel_count_lines(log, a, "outcome=connect")) > most)
			most = n;
	}
	free(log);
	fprintf(stderr, "  most attempts by one failing source in 18 s: %d\n", most);
	T_ASSERT(most >= 1 && most <= 2);
	for (int i = 0; i < 20; i++) {
		char path[16];
		int n;

		snprintf(path, sizeof(path), "/ok%d", i);
		if ((n = httpd_count(&srv, path)) < healthy_min)
			healthy_min = n;
	}
	fprintf(stderr, "  fewest fetches of a healthy source: %d\n", healthy_min);
	T_ASSERT(healthy_min >= 2);
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM sources WHERE name LIKE 'ok%' AND failures = 0 "
				"AND last_status = 200"), 20);
}

int
main(void)
{
	static const char *const addrs[] = { PUBLIC_IP, "10.0.0.5", "169.254.169.254", NULL };

	signal(SIGPIPE, SIG_IGN);
	if (rel_netns(addrs) != 0 ||
	    rel_bind_file("/etc/hosts", "127.0.0.1 localhost\n::1 localhost\n"
					PUBLIC_IP " public.example\n10.0.0.5 internal.example\n"
					"169.254.169.254 rebind.example\n") != 0 ||
	    rel_bind_file("/etc/resolv.conf", "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n")) {
		fprintf(stderr, "test_network needs a network and a mount namespace of its own\n");
		return 1;
	}
	setenv("ES_HTTPD_ADDR", "0.0.0.0", 1);
	if (httpd_start(&srv, NULL) < 0)
		return 1;
	REL_RUN(test_private_refused);
	REL_RUN(test_private_allowed);
	REL_RUN(test_dns_and_refused);
	httpd_stop(&srv);
	return t_report();
}
