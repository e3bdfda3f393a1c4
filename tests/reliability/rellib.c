/* rellib.c - see rellib.h. */
#include "tests/reliability/rellib.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/utf8.h"

extern char **environ;

int
rel_scale(int n)
{
	const char *s = getenv("ES_REL_SCALE");
	long k = s ? strtol(s, NULL, 10) : 1;

	return k > 1 ? (int)(n * k) : n;
}

void
rel_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int64_t
rel_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* --- files ------------------------------------------------------------- */

static const char *const rel_sentences[] = {
	"I love it, great support and a fast refund. ",
	"Terrible, the app crashed again and nobody answers. ",
	"It arrived on Tuesday in a brown box. ",
};

const char *
rel_feed(const char *name, const char *prefix, int first, int n, size_t textlen)
{
	const char *path = t_tmp(name);
	FILE *fp = fopen(path, "w");

	if (!fp) {
		fprintf(stderr, "rel_feed: %s: %s\n", path, strerror(errno));
		exit(99);
	}
	fprintf(fp, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel>"
		    "<title>%s</title><link>http://example.org/%s</link>\n", prefix, prefix);
	for (int i = first; i < first + n; i++) {
		size_t len = 0;

		fprintf(fp, "<item><guid isPermaLink=\"false\">%s-%d</guid><title>Acme item %d of %s"
			    "</title><link>http://example.org/%s/%d</link><description>",
			prefix, i, i, prefix, prefix, i);
		do {
			const char *s = rel_sentences[(i + (int)len) % 3];

			fputs(s, fp);
			len += strlen(s);
		} while (len < textlen);
		fputs("</description></item>\n", fp);
	}
	fputs("</channel></rss>\n", fp);
	fclose(fp);
	return path;
}

const char *
rel_db(const char *name)
{
	static char ring[16][1024];
	static unsigned i;
	char *out = ring[i++ % 16];

	snprintf(out, sizeof(ring[0]), "%s/%s.db", t_tmpdir(), name);
	return out;
}

const char *
rel_conf(const char *name, const char *fmt, ...)
{
	static char ring[16][1024];
	static unsigned i;
	char *path = ring[i++ % 16], *text = NULL;
	va_list ap;
	FILE *fp;

	snprintf(path, sizeof(ring[0]), "%s/%s.conf", t_tmpdir(), name);
	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		exit(99);
	va_end(ap);
	fp = fopen(path, "w");
	if (!fp)
		exit(99);
	fprintf(fp, "[earshot]\ndatabase = %s\n%sconnect_timeout = 2s\n"
		    "user_agent = earshot-test/1.0 (+https://example.org/bot)\n%s",
		rel_db(name), strstr(text, "allow_private") ? "" : "allow_private = yes\n", text);
	fclose(fp);
	free(text);
	return path;
}

long long
rel_db_int2(const char *path, const char *other, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	long long v = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		fprintf(stderr, "rel_db_int: %s: %s\n", path, sqlite3_errmsg(db));
		sqlite3_close(db);
		return -1;
	}
	sqlite3_busy_timeout(db, 10000);
	if (other) {
		char *attach = sqlite3_mprintf("ATTACH %Q AS ref", other);

		if (sqlite3_exec(db, attach, NULL, NULL, NULL) != SQLITE_OK)
			fprintf(stderr, "rel_db_int2: %s: %s\n", attach, sqlite3_errmsg(db));
		sqlite3_free(attach);
	}
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	else
		fprintf(stderr, "rel_db_int: %s: %s\n", sql, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

long long
rel_db_int(const char *path, const char *sql)
{
	return rel_db_int2(path, NULL, sql);
}

char *
rel_db_text(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st = NULL;
	char *v = NULL;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
		sqlite3_busy_timeout(db, 10000);
		if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
			v = strdup((const char *)sqlite3_column_text(st, 0));
		else if (!st)
			fprintf(stderr, "rel_db_text: %s: %s\n", sql, sqlite3_errmsg(db));
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

int
rel_db_utf8_valid(const char *path, const char *table)
{
	sqlite3 *db;
	sqlite3_stmt *st = NULL;
	char sql[256];
	int ok = 1, rows = 0;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return 0;
	snprintf(sql, sizeof(sql), "SELECT * FROM %s", table);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		ok = 0;
	while (ok && sqlite3_step(st) == SQLITE_ROW) {
		rows++;
		for (int c = 0; c < sqlite3_column_count(st); c++) {
			const char *v;
			int n;

			if (sqlite3_column_type(st, c) != SQLITE_TEXT)
				continue;
			/* NOTE: column_blob gives the stored bytes as they are;
			 * column_text would be the same for a UTF-8 database. */
			v = sqlite3_column_blob(st, c);
			n = sqlite3_column_bytes(st, c);
			if (n && !utf8_valid(v, (size_t)n)) {
				fprintf(stderr, "%s row %d column %s: invalid UTF-8\n", table, rows,
					sqlite3_column_name(st, c));
				ok = 0;
			}
		}
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return ok;
}

/* --- children ---------------------------------------------------------- */

static pid_t
rel_vspawn(const char *log, const char *const *env, va_list ap)
{
	const char *bin = getenv("ES_BIN");
	char *argv[64];
	int n = 0;
	pid_t pid;

	argv[n++] = (char *)(bin ? bin : "earshot");
	while (n < 63 && (argv[n] = va_arg(ap, char *)) != NULL)
		n++;
	argv[n] = NULL;
	fflush(NULL);
	if ((pid = fork()) == 0) {
		int fd = open(t_tmp(log), O_WRONLY | O_CREAT | O_TRUNC, 0644);

		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
		fd = open("/dev/null", O_RDONLY);
		dup2(fd, 0);
		close(fd);
		for (int i = 0; env && env[i]; i++)
			putenv((char *)env[i]);
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

pid_t
rel_spawn(const char *log, const char *const *env, ...)
{
	va_list ap;
	pid_t pid;

	va_start(ap, env);
	pid = rel_vspawn(log, env, ap);
	va_end(ap);
	return pid;
}

int
rel_wait(pid_t pid, int timeout_ms, struct rusage *ru)
{
	struct rusage dummy;
	int64_t until = rel_now_ms() + timeout_ms;
	int status;

	for (;;) {
		pid_t r = wait4(pid, &status, timeout_ms < 0 ? 0 : WNOHANG, ru ? ru : &dummy);

		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			return -2;
		if (timeout_ms >= 0 && rel_now_ms() >= until)
			return -1;
		if (r == 0)
			rel_sleep_ms(10);
	}
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

int
rel_reap(pid_t pid, const char *log, struct rusage *ru)
{
	int rc = rel_wait(pid, -1, ru);
	char *text = rel_log(log);

	T_NOT_CONTAINS(text, "Sanitizer");
	T_NOT_CONTAINS(text, "runtime error");
	free(text);
	return rc;
}

int
rel_earshot(const char *log, const char *const *env, ...)
{
	va_list ap;
	pid_t pid;

	va_start(ap, env);
	pid = rel_vspawn(log, env, ap);
	va_end(ap);
	return rel_reap(pid, log, NULL);
}

char *
rel_log(const char *log)
{
	char *text = t_read_file(t_tmp(log), NULL);

	return text ? text : strdup("");
}

int
rel_count(const char *text, const char *needle)
{
	int n = 0;
	size_t len = strlen(needle);

	for (const char *p = text; p && (p = strstr(p, needle)); p += len)
		n++;
	return n;
}

int
rel_count_lines(const char *text, const char *a, const char *b)
{
	int n = 0;

	while (text && *text) {
		const char *eol = strchr(text, '\n');
		size_t len = eol ? (size_t)(eol - text) : strlen(text);
		char *line = strndup(text, len);

		if (strstr(line, a) && (!b || strstr(line, b)))
			n++;
		free(line);
		text += len + (eol ? 1 : 0);
	}
	return n;
}

/* --- /proc ------------------------------------------------------------- */

long
rel_cpu_ticks(pid_t pid)
{
	char path[64], *s, *p;
	unsigned long ut = 0, st = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (!(s = t_read_file(path, NULL)))
		return -1;
	/* Fields after the command name, which may hold spaces. */
	p = strrchr(s, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2) {
		free(s);
		return -1;
	}
	free(s);
	return (long)(ut + st);
}

long
rel_rss_kb(pid_t pid)
{
	char path[64], *s, *p;
	long kb = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (!(s = t_read_file(path, NULL)))
		return -1;
	if ((p = strstr(s, "\nVmRSS:")))
		kb = strtol(p + 7, NULL, 10);
	free(s);
	return kb;
}

int
rel_fds(pid_t pid)
{
	char path[64];
	struct dirent *e;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	if (!(d = opendir(path)))
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* --- namespaces -------------------------------------------------------- */

static void
rel_write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);

	if (fd >= 0) {
		if (write(fd, s, strlen(s)) < 0)
			perror(path);
		close(fd);
	}
}

/* unshare(flags), inside a new user namespace mapping us to root when we
 * are not root already. */
static int
rel_unshare(int flags)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	char map[64];

	if (unshare(flags) == 0)
		return 0;
	if (unshare(CLONE_NEWUSER | flags) != 0) {
		fprintf(stderr, "unshare: %s\n", strerror(errno));
		return -1;
	}
	rel_write_file("/proc/self/setgroups", "deny");
	snprintf(map, sizeof(map), "0 %d 1", (int)uid);
	rel_write_file("/proc/self/uid_map", map);
	snprintf(map, sizeof(map), "0 %d 1", (int)gid);
	rel_write_file("/proc/self/gid_map", map);
	return 0;
}

/* Adds addr as the alias lo:N (the old ioctl interface; no iproute2). */
static int
rel_lo_addr(int fd, int n, const char *addr)
{
	struct ifreq ifr;
	struct sockaddr_in *sin = (struct sockaddr_in *)(void *)&ifr.ifr_addr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo:%d", n);
	sin->sin_family = AF_INET;
	if (inet_pton(AF_INET, addr, &sin->sin_addr) != 1 || ioctl(fd, SIOCSIFADDR, &ifr) < 0) {
		fprintf(stderr, "cannot add %s to lo: %s\n", addr, strerror(errno));
		return -1;
	}
	sin->sin_addr.s_addr = htonl(0xffffffffu);
	ioctl(fd, SIOCSIFNETMASK, &ifr);
	return 0;
}

int
rel_netns(const char *const *addrs)
{
	struct ifreq ifr;
	int fd, rc = 0;

	if (rel_unshare(CLONE_NEWNET) != 0)
		return -1;
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0 ||
	    (ifr.ifr_flags |= IFF_UP | IFF_RUNNING, ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)) {
		fprintf(stderr, "cannot bring lo up: %s\n", strerror(errno));
		rc = -1;
	}
	for (int i = 0; rc == 0 && addrs && addrs[i]; i++)
		rc = rel_lo_addr(fd, i + 1, addrs[i]);
	close(fd);
	return rc;
}

int
rel_tmpfs(const char *dir, long size)
{
	char opts[64];

	snprintf(opts, sizeof(opts), "size=%ld", size);
	if (rel_unshare(CLONE_NEWNS) != 0)
		return -1;
	mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	if (mount("tmpfs", dir, "tmpfs", 0, opts) != 0) {
		fprintf(stderr, "cannot mount a tmpfs on %s: %s\n", dir, strerror(errno));
		return -1;
	}
	return 0;
}

int
rel_bind_file(const char *path, const char *text)
{
	static int in_ns;
	char file[1024];

	if (!in_ns) {
		if (rel_unshare(CLONE_NEWNS) != 0)
			return -1;
		mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
		in_ns = 1;
	}
	snprintf(file, sizeof(file), "%s/bind-%s", t_tmpdir(), strrchr(path, '/') + 1);
	t_write_file(file, text);
	if (mount(file, path, NULL, MS_BIND, NULL) != 0) {
		fprintf(stderr, "cannot bind %s over %s: %s\n", file, path, strerror(errno));
		return -1;
	}
	return 0;
}

/* --- es_httpd ---------------------------------------------------------- */

/* Adds one line of /_es/hosts to out. */
static void
rel_hosts_add(const char *line, size_t len, struct rel_hosts *out)
{
	cJSON *o = cJSON_ParseWithLength(line, len), *t;
	double prev = -1;

	if (!o)
		return;
	out->hosts++;
	out->requests += (long)cJSON_GetObjectItem(o, "requests")->valuedouble;
	if (cJSON_GetObjectItem(o, "conns_max")->valueint > out->conns_max)
		out->conns_max = cJSON_GetObjectItem(o, "conns_max")->valueint;
	if (cJSON_GetObjectItem(o, "active_max")->valueint > out->active_max)
		out->active_max = cJSON_GetObjectItem(o, "active_max")->valueint;
	out->conns_now += cJSON_GetObjectItem(o, "conns_now")->valueint;
	cJSON_ArrayForEach(t, cJSON_GetObjectItem(o, "starts")) {
		if (prev >= 0 && t->valuedouble - prev < out->min_gap_ms)
			out->min_gap_ms = t->valuedouble - prev;
		prev = t->valuedouble;
	}
	cJSON_Delete(o);
}

int
rel_hosts(const struct httpd *h, struct rel_hosts *out)
{
	char *body = NULL;

	memset(out, 0, sizeof(*out));
	out->min_gap_ms = 1e18;
	if (httpd_request(h, "GET", "/_es/hosts", NULL, &body) != 200) {
		free(body);
		return -1;
	}
	for (const char *p = body; *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);

		rel_hosts_add(p, len, out);
		p += len + (eol ? 1 : 0);
	}
	free(body);
	return 0;
}

void
rel_fill_disk(const char *path)
{
	static char block[65536];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	memset(block, 'x', sizeof(block));
	while (write(fd, block, sizeof(block)) > 0)
		;
	while (write(fd, block, 512) > 0)
		;
	close(fd);
}

pid_t
rel_hold_lock(const char *db, int ms)
{
	int p[2];
	char c;
	pid_t pid;
	sigset_t usr1, old;

	if (pipe(p))
		exit(99);
	/* Blocked before the fork: a release sent at once stays pending
	 * until the child waits for it. */
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, &old);
	if ((pid = fork()) == 0) {
		struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
		sqlite3 *h;

		sqlite3_open(db, &h);
		sqlite3_busy_timeout(h, 20000);
		if (sqlite3_exec(h, "BEGIN IMMEDIATE; UPDATE sources SET url = url", NULL, NULL, NULL))
			_exit(1);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		while (sigtimedwait(&usr1, NULL, &ts) < 0 && errno == EINTR)
			;
		sqlite3_exec(h, "COMMIT", NULL, NULL, NULL);
		sqlite3_close(h);
		_exit(0);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		exit(99);
	close(p[0]);
	return pid;
}

int
rel_release_lock(pid_t holder)
{
	int status;

	kill(holder, SIGUSR1);
	if (waitpid(holder, &status, 0) != holder)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
