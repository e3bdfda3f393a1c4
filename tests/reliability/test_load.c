/* test_load.c - load on loopback, sized for CI (ES_REL_SCALE multiplies
 * the counts and durations for a longer local run):
 *
 * - 2,000 sources over 200 host names in one pass: politeness holds by
 *   es_httpd's own counters (connections and requests per host, spacing
 *   of request starts); then the same pass with nothing changed: every
 *   request conditional, every answer 304, nothing parsed or written but
 *   the sources' schedule, and the CPU it cost per source;
 * - a soak: the daemon on 300 sources with 1 s intervals, a fifth of them
 *   changing every few seconds, for a minute and more: resident memory,
 *   file descriptors and connections stay flat, and LeakSanitizer finds
 *   nothing at the end;
 * - sustained ingest at 1,000 mentions a second through the store while
 *   another process searches the full-text index: commit and search
 *   latencies, and no reader ever blocked.
 *
 * One source bursting 20,000 complaints under alert rules is
 * test_alerts_faults.c: test_burst. */
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/when.h"
#include "store/search.h"
#include "store/store.h"
#include "tests/reliability/rellib.h"

static struct httpd srv;

/* --- thousands of sources ------------------------------------------------ */

static void
test_many_sources(void)
{
	int nsrc = rel_scale(2000), nhost = rel_scale(200);
	const char *conf, *db = rel_db("many");
	struct buf b;
	struct rel_hosts h;
	struct rusage ru;
	int64_t t0, first_ms, second_ms;
	long long max_id, brands;
	char *before, *after, *log;
	cJSON *reqs, *e;
	int conditional = 0, n304 = 0;
	pid_t pid;
	const char *snapshot = "SELECT group_concat(name || '|' || url || '|' || coalesce(etag, '') || '|' "
			       "|| coalesce(last_modified, '') || '|' || failures || '|' || "
			       "coalesce(last_error, '') || '|' || coalesce(last_new_at, ''), ';') FROM "
			       "(SELECT * FROM sources ORDER BY id)";

	httpd_reset(&srv);
	httpd_routes(&srv, "route /m*\netag \"m-v1\"\ndelay 250ms\nbody_file %s\n",
		     rel_feed("many.xml", "many", 0, 5, 120));
	buf_init(&b, 0);
	/* Each host's sources one after another in the file, so that the
	 * crawler has many of one host ready at once and per_host binds. */
	for (int i = 0; i < nsrc; i++)
		buf_printf(&b, "[source s%d]\nurl = http://host%d.localhost:%d/m%d\n", i,
			   i / (nsrc / nhost), srv.port, i);
	conf = rel_conf("many", "per_host = 2\nhost_delay = 100ms\nconcurrency = 64\n%s", b.data);
	buf_free(&b);
	t0 = rel_now_ms();
	pid = rel_spawn("many.log", NULL, "-c", conf, "once", "--all", (char *)NULL);
	T_EQ_INT(rel_reap(pid, "many.log", &ru), 0);
	first_ms = rel_now_ms() - t0;
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM sources WHERE last_status = 200"), nsrc);
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM mentions"), 5LL * nsrc);
	T_EQ_INT(rel_hosts(&srv, &h), 0);
	fprintf(stderr, "  %d sources on %d hosts: %lld ms for the pass, peak RSS %ld KiB; "
			"per host at most %d connections, %d requests at once, starts >= %.0f ms apart\n",
		nsrc, h.hosts, (long long)first_ms, ru.ru_maxrss, h.conns_max, h.active_max,
		h.min_gap_ms);
	T_EQ_INT(h.hosts, nhost);
	T_EQ_INT(h.requests, nsrc);
	T_ASSERT(h.conns_max <= 2);
	T_ASSERT(h.active_max <= 2);
	T_ASSERT(h.min_gap_ms >= 95.0);  /* host_delay; arrival vs start: <5 ms on loopback */

	/* Nothing changed: all conditional, all 304, nothing written but the
	 * schedule. */
	before = rel_db_text(db, snapshot);
	max_id = rel_db_int(db, "SELECT max(id) FROM mentions");
	brands = rel_db_int(db, "SELECT count(*) FROM mention_brands");
	httpd_reset(&srv);
	t0 = rel_now_ms();
	pid = rel_spawn("many2.log", NULL, "-c", conf, "once", "--all", (char *)NULL);
	T_EQ_INT(rel_reap(pid, "many2.log", &ru), 0);
	second_ms = rel_now_ms() - t0;
	log = rel_log("many2.log");
	{
		char want[128];

		snprintf(want, sizeof(want), "%d sources: %d ok (%d not modified), 0 failed; 0 new mentions",
			 nsrc, nsrc, nsrc);
		T_CONTAINS(log, want);
	}
	T_EQ_INT(rel_count_lines(log, "msg=fetched", "outcome=not_modified status=304"), nsrc);
	free(log);
	reqs = httpd_log(&srv);
	cJSON_ArrayForEach(e, reqs) {
		const cJSON *hd;

		n304 += cJSON_GetObjectItem(e, "status")->valueint == 304;
		cJSON_ArrayForEach(hd, cJSON_GetObjectItem(e, "headers"))
			conditional += !strcasecmp(cJSON_GetArrayItem(hd, 0)->valuestring, "If-None-Match") &&
				       !strcmp(cJSON_GetArrayItem(hd, 1)->valuestring, "\"m-v1\"");
	}
	cJSON_Delete(reqs);
	T_EQ_INT(conditional, nsrc);
	T_EQ_INT(n304, nsrc);
	after = rel_db_text(db, snapshot);
	T_ASSERT(before && after && !strcmp(before, after));
	T_EQ_INT(rel_db_int(db, "SELECT max(id) FROM mentions"), max_id);
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM mention_brands"), brands);
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM sources WHERE last_status = 304 AND "
				"next_fetch_at > last_fetch_at"), nsrc);
	{
		double cpu_ms = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000.0 +
				(double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000.0;

		fprintf(stderr, "  unchanged pass: %lld ms, %.0f ms of CPU: %.2f ms per source "
				"(AddressSanitizer build; start-up included)\n",
			(long long)second_ms, cpu_ms, cpu_ms / nsrc);
		T_ASSERT(cpu_ms / nsrc < 10.0);
	}
	free(before);
	free(after);
}

/* --- soak ---------------------------------------------------------------- */

static void
soak_routes(int nsrc, int round)
{
	struct buf b;

	buf_init(&b, 0);
	/* Every fifth source gets a new version (new items) each round. */
	for (int i = 0; i < nsrc; i += 5) {
		char file[64], prefix[32];

		snprintf(file, sizeof(file), "soak%d-%d.xml", i, round % 2);
		snprintf(prefix, sizeof(prefix), "soak%d-r%d", i, round);
		buf_printf(&b, "route /soak%d\netag \"%d-%d\"\nbody_file %s\n", i, i, round,
			   rel_feed(file, prefix, 0, 8, 300));
	}
	if (httpd_routes(&srv, "%s", b.data) != 0)
		exit(99);
	buf_free(&b);
}

static void
test_soak(void)
{
	int nsrc = 300, nhost = 60, secs = rel_scale(80), warm = 20, samples = 0;
	const char *conf, *db = rel_db("soak");
	const char *env[] = { "ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:quarantine_size_mb=16:"
			      "malloc_context_size=5", NULL };
	long rss_warm = 0, rss_max = 0, rss_end = 0;
	int fd_min = 1 << 30, fd_max = 0, conns_max = 0;
	struct rel_hosts h;
	struct buf b;
	int64_t t0;
	pid_t pid;

	httpd_reset(&srv);
	httpd_routes(&srv, "route /soak*\netag \"same\"\nbody_file %s\n",
		     rel_feed("soak-same.xml", "same", 0, 8, 300));
	soak_routes(nsrc, 0);
	buf_init(&b, 0);
	for (int i = 0; i < nsrc; i++)
		buf_printf(&b, "[source s%d]\nurl = http://soak%d.localhost:%d/soak%d\n", i, i % nhost,
			   srv.port, i);
	conf = rel_conf("soak", "interval = 1s\nper_host = 2\nhost_delay = 0\nconcurrency = 16\n%s",
			b.data);
	buf_free(&b);
	t0 = rel_now_ms();
	pid = rel_spawn("soak.log", env, "-c", conf, "run", (char *)NULL);
	for (int s = 1; s <= secs; s++) {
		while (rel_now_ms() - t0 < s * 1000)
			rel_sleep_ms(50);
		if (s % 3 == 0)
			soak_routes(nsrc, s / 3);
		if (s % 5 == 0) {
			long rss = rel_rss_kb(pid);
			int fds = rel_fds(pid);

			rel_hosts(&srv, &h);
			if (h.conns_now > conns_max)
				conns_max = h.conns_now;
			if (s == warm)
				rss_warm = rss;
			if (s >= warm) {
				if (rss > rss_max)
					rss_max = rss;
				if (fds < fd_min)
					fd_min = fds;
				if (fds > fd_max)
					fd_max = fds;
				rss_end = rss;
				samples++;
			}
		}
	}
	kill(pid, SIGTERM);
	T_EQ_INT(rel_reap(pid, "soak.log", NULL), 0);  /* and LeakSanitizer said nothing */
	rel_hosts(&srv, &h);
	fprintf(stderr, "  soak %d s: %ld requests; RSS %ld KiB at %d s, %ld at most, %ld at the end; "
			"fds %d..%d; connections at most %d open (per host %d)\n",
		secs, h.requests, rss_warm, warm, rss_max, rss_end, fd_min, fd_max, conns_max,
		h.conns_max);
	T_ASSERT(samples >= 5);
	/* Flat: the end within 10 % (+4 MiB of allocator slack) of the warm
	 * figure, file descriptors steady, connections within the caps. */
	T_ASSERT(rss_end <= rss_warm * 11 / 10 + 4096);
	T_ASSERT(fd_max - fd_min <= 4);
	T_ASSERT(conns_max <= 16);
	T_ASSERT(h.conns_max <= 2);
	/* It did work all along: about one fetch per source per second. */
	T_ASSERT(h.requests >= (long)nsrc * (secs / 2));
	T_ASSERT(rel_db_int(db, "SELECT count(*) FROM mentions") > 8LL * (nsrc / 5) * (secs / 6));
	T_EQ_INT(rel_db_int(db, "SELECT count(*) FROM pragma_integrity_check WHERE "
				"integrity_check = 'ok'"), 1);
}

/* --- sustained ingest with readers --------------------------------------- */

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static int64_t
pct(int64_t *v, size_t n, double p)
{
	qsort(v, n, sizeof(*v), cmp_i64);
	return n ? v[(size_t)((double)(n - 1) * p)] : -1;
}

static enum es_err
count_hit(const struct search_hit *hit, void *ctx)
{
	(void)hit;
	++*(size_t *)ctx;
	return ES_OK;
}

/* The reader: searches in a loop until told to stop; writes its p95 (us),
 * its number of searches and of failures to fd. */
static void
reader(const char *path, int fd, int stop_fd)
{
	static const char *const words[] = { "refund", "crashed", "support", "tuesday", "acme item" };
	int64_t lat[20000];
	size_t n = 0, failed = 0;
	struct store *s;
	char err[ES_ERRLEN], line[128];
	char c;

	if (store_open(path, STORE_RO, &s, err, sizeof(err)) != ES_OK)
		_exit(3);
	while (n < 20000 && read(stop_fd, &c, 1) != 1) {
		struct search_opts o = { .query = words[n % 5], .limit = 20, .order = SEARCH_BEST };
		size_t hits = 0, total = 0;
		struct timespec a, z;

		clock_gettime(CLOCK_MONOTONIC, &a);
		if (search_run(s, &o, count_hit, &hits, &total, err, sizeof(err)) != ES_OK)
			failed++;
		clock_gettime(CLOCK_MONOTONIC, &z);
		lat[n++] = (z.tv_sec - a.tv_sec) * 1000000 + (z.tv_nsec - a.tv_nsec) / 1000;
	}
	snprintf(line, sizeof(line), "%lld %zu %zu\n", (long long)pct(lat, n, 0.95), n, failed);
	if (write(fd, line, strlen(line)) < 0)
		_exit(4);
	store_close(s);
	_exit(0);
}

static void
test_sustained_ingest(void)
{
	const char *path = rel_db("ingest");
	int seconds = rel_scale(10), per_batch = 50, batches = seconds * 20, res[2], stop[2];
	int64_t *lat = calloc((size_t)batches, sizeof(int64_t)), t0, p95_us = -1;
	size_t searches = 0, failed = 0;
	struct store *s;
	struct store_source src = { 0 };
	char err[ES_ERRLEN], text[600], line[128] = "";
	pid_t pid;

	T_EQ_INT(store_open(path, STORE_RW, &s, err, sizeof(err)), ES_OK);
	T_EQ_INT(store_source_sync(s, "firehose", "http://firehose.example/", &src, err, sizeof(err)),
		 ES_OK);
	if (pipe(res) || pipe(stop))
		exit(99);
	fflush(NULL);
	if ((pid = fork()) == 0) {
		close(res[0]);
		close(stop[1]);
		fcntl(stop[0], F_SETFL, O_NONBLOCK);
		reader(path, res[1], stop[0]);
	}
	close(res[1]);
	close(stop[0]);
	/* 1,000 mentions a second: 50 every 50 ms, each batch one commit. */
	t0 = rel_now_ms();
	for (int k = 0; k < batches; k++) {
		struct mention m[50];
		struct store_item it[50];
		char guids[50][32];
		struct store_fetch f = { .source_id = src.id, .ok = true, .status = 200,
					 .fetched_at = when_now(), .next_fetch_at = when_now() + 60 };
		int64_t a;

		while (rel_now_ms() - t0 < k * 50)
			rel_sleep_ms(1);
		for (int i = 0; i < per_batch; i++) {
			snprintf(guids[i], sizeof(guids[i]), "g%d-%d", k, i);
			snprintf(text, sizeof(text), "Acme item %d: %s", k * per_batch + i,
				 i % 3 ? "Terrible, the app crashed again, I want a refund"
				       : "Great support, it arrived on Tuesday");
			mention_init(&m[i]);
			m[i].guid = guids[i];
			m[i].title = (char *)"Acme firehose";
			m[i].text = strdup(text);
			it[i] = (struct store_item){ .m = &m[i], .sentiment = i % 3 ? -0.5 : 0.6,
						     .label = i % 3 ? -1 : 1, .scorer = 1 };
		}
		a = rel_now_ms();
		T_EQ_INT(store_ingest(s, &f, it, (size_t)per_batch, NULL, err, sizeof(err)), ES_OK);
		lat[k] = rel_now_ms() - a;
		for (int i = 0; i < per_batch; i++)
			free(m[i].text);
	}
	if (write(stop[1], "x", 1) != 1)
		exit(99);
	if (read(res[0], line, sizeof(line) - 1) > 0)
		sscanf(line, "%lld %zu %zu", (long long *)&p95_us, &searches, &failed);
	waitpid(pid, NULL, 0);
	close(res[0]);
	close(stop[1]);
	{
		int64_t p50 = pct(lat, (size_t)batches, 0.5), p99 = pct(lat, (size_t)batches, 0.99);

		fprintf(stderr, "  %d mentions in %lld ms, commits of 50: p50 %lld ms, p99 %lld ms; "
				"%zu searches alongside, p95 %.1f ms, %zu failed\n",
			batches * per_batch, (long long)(rel_now_ms() - t0), (long long)p50,
			(long long)p99, searches, (double)p95_us / 1000.0, failed);
		/* The checklist's 50 ms and 100 ms are for a release build on a
		 * quiet machine; this is AddressSanitizer beside other tests. */
		T_ASSERT(p99 < 250);
		T_ASSERT(p95_us >= 0 && p95_us < 250 * 1000);
	}
	T_ASSERT(searches > 20);
	T_EQ_INT(failed, 0);
	T_EQ_INT(rel_db_int(path, "SELECT count(*) FROM mentions"), (long long)batches * per_batch);
	store_source_reset(&src);
	store_close(s);
	free(lat);
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	if (httpd_start(&srv, NULL) < 0)
		return 1;
	REL_RUN(test_many_sources);
	REL_RUN(test_sustained_ingest);
	REL_RUN(test_soak);
	httpd_stop(&srv);
	return t_report();
}
