/* testlib.c - helpers for the tests: files, temp dirs, child processes. */
#include "tests/test.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int t_failures;
int t_checks;
static const char *t_current;
static char t_dir[512];

void
t_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	t_failures++;
	fprintf(stderr, "%s:%d: [%s] ", file, line, t_current ? t_current : "?");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
t_run(const char *name, void (*fn)(void))
{
	int before = t_failures;

	t_current = name;
	fn();
	fprintf(stderr, "%s %s\n", t_failures == before ? "ok  " : "FAIL", name);
	t_current = NULL;
}

int
t_report(void)
{
	fprintf(stderr, "%d checks, %d failures\n", t_checks, t_failures);
	return t_failures ? 1 : 0;
}

int
t_streq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static char *
t_ring(void)
{
	static char ring[8][1024];
	static unsigned i;

	return ring[i++ % 8];
}

const char *
t_data(const char *rel)
{
	const char *d = getenv("ES_DATA");
	char *out = t_ring();

	snprintf(out, 1024, "%s/%s", d ? d : "tests/data", rel);
	return out;
}

static int
t_rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
t_cleanup(void)
{
	if (t_dir[0] && !getenv("ES_KEEP_TMP"))
		nftw(t_dir, t_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *
t_tmpdir(void)
{
	const char *base;

	if (t_dir[0])
		return t_dir;
	base = getenv("TMPDIR");
	snprintf(t_dir, sizeof(t_dir), "%s/es-test-XXXXXX", base ? base : "/tmp");
	if (!mkdtemp(t_dir)) {
		perror("mkdtemp");
		exit(99);
	}
	atexit(t_cleanup);
	return t_dir;
}

const char *
t_tmp(const char *name)
{
	char *out = t_ring();

	snprintf(out, 1024, "%s/%s", t_tmpdir(), name);
	return out;
}

char *
t_read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	size_t cap = 4096, n = 0, r;
	char *p;

	if (!fp)
		return NULL;
	p = malloc(cap);
	while ((r = fread(p + n, 1, cap - n - 1, fp)) > 0) {
		n += r;
		if (cap - n - 1 == 0)
			p = realloc(p, cap *= 2);
	}
	fclose(fp);
	p[n] = '\0';
	if (len)
		*len = n;
	return p;
}

void
t_write_file(const char *path, const char *data)
{
	FILE *fp = fopen(path, "wb");

	if (!fp || fputs(data, fp) < 0 || fclose(fp) != 0) {
		fprintf(stderr, "cannot write %s: %s\n", path, strerror(errno));
		exit(99);
	}
}

void
t_write_filef(const char *path, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		exit(99);
	va_end(ap);
	t_write_file(path, s);
	free(s);
}

struct t_sink {
	int fd;
	char *data;
	size_t len, cap;
};

static void
t_sink_read(struct t_sink *s)
{
	char chunk[8192];
	ssize_t n = read(s->fd, chunk, sizeof(chunk));

	if (n <= 0) {
		close(s->fd);
		s->fd = -1;
		return;
	}
	if (s->len + (size_t)n + 1 > s->cap) {
		s->cap = (s->len + (size_t)n + 1) * 2;
		s->data = realloc(s->data, s->cap);
	}
	memcpy(s->data + s->len, chunk, (size_t)n);
	s->len += (size_t)n;
	s->data[s->len] = '\0';
}

int
t_run_argv(char *const argv[], const char *stdin_data, char **out, char **err)
{
	int in[2], o[2], e[2], status;
	size_t inlen = stdin_data ? strlen(stdin_data) : 0, inoff = 0;
	struct t_sink so = { 0 }, se = { 0 };
	pid_t pid;

	if (pipe(in) || pipe(o) || pipe(e))
		exit(99);
	if ((pid = fork()) == 0) {
		dup2(in[0], 0);
		dup2(o[1], 1);
		dup2(e[1], 2);
		close(in[0]); close(in[1]); close(o[0]); close(o[1]); close(e[0]); close(e[1]);
		execvp(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(in[0]);
	close(o[1]);
	close(e[1]);
	signal(SIGPIPE, SIG_IGN);
	if (!inlen) {
		close(in[1]);
		in[1] = -1;
	}
	so.fd = o[0];
	se.fd = e[0];
	so.data = calloc(1, 1);
	se.data = calloc(1, 1);
	while (so.fd >= 0 || se.fd >= 0) {
		struct pollfd p[3] = { { so.fd, POLLIN, 0 }, { se.fd, POLLIN, 0 },
				       { in[1], POLLOUT, 0 } };

		if (poll(p, 3, -1) < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			t_sink_read(&so);
		if (p[1].revents)
			t_sink_read(&se);
		if (in[1] >= 0 && p[2].revents) {
			ssize_t n = write(in[1], stdin_data + inoff, inlen - inoff);

			if (n > 0)
				inoff += (size_t)n;
			if (n <= 0 || inoff == inlen) {
				close(in[1]);
				in[1] = -1;
			}
		}
	}
	if (in[1] >= 0)
		close(in[1]);
	waitpid(pid, &status, 0);
	if (out)
		*out = so.data;
	else
		free(so.data);
	if (err)
		*err = se.data;
	else
		free(se.data);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int
t_earshot(const char *stdin_data, char **out, char **err, ...)
{
	char *argv[64];
	const char *bin = getenv("ES_BIN");
	va_list ap;
	int n = 0;

	argv[n++] = (char *)(bin ? bin : "earshot");
	va_start(ap, err);
	while (n < 63 && (argv[n] = va_arg(ap, char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	return t_run_argv(argv, stdin_data, out, err);
}

int
t_free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(fd, (struct sockaddr *)&a, &len))
		exit(99);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

int
t_canary_listen(int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 8) ||
	    getsockname(fd, (struct sockaddr *)&a, &len))
		return -1;
	fcntl(fd, F_SETFL, O_NONBLOCK);
	*port = ntohs(a.sin_port);
	return fd;
}

void
t_rfc822(int64_t t, char *out, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, len, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

int64_t
t_db_holds(const char *path, const char *needle)
{
	sqlite3 *db;
	sqlite3_stmt *tabs, *st;
	int64_t hits = 0;
	char sql[200];

	sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
	sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type = 'table'", -1, &tabs,
			   NULL);
	while (sqlite3_step(tabs) == SQLITE_ROW) {
		snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\"", sqlite3_column_text(tabs, 0));
		if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
			continue;
		while (sqlite3_step(st) == SQLITE_ROW)
			for (int i = 0; i < sqlite3_column_count(st); i++) {
				const char *v = (const char *)sqlite3_column_text(st, i);

				hits += v && strstr(v, needle);
			}
		sqlite3_finalize(st);
	}
	sqlite3_finalize(tabs);
	sqlite3_close(db);
	return hits;
}

int
t_count_lines(const char *s)
{
	int n = 0;

	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}
