/* rellib.h - what the reliability tests (tests/reliability/test_*.c) share:
 * the earshot binary as a child process with its log, feeds and
 * configurations written to the test's directory, the database read
 * directly with SQLite, /proc figures of a running process, and private
 * namespaces (network, mounts) for the tests that need addresses or file
 * systems of their own.  See tests/reliability/README.md for the map of
 * what each test covers. */
#ifndef ES_RELLIB_H
#define ES_RELLIB_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "tests/httpd_client.h"
#include "tests/test.h"

/* T_ONLY=name runs only the tests whose name contains it. */
#define REL_RUN(fn)                                                           \
	do {                                                                  \
		const char *only_ = getenv("T_ONLY");                         \
		if (!only_ || strstr(#fn, only_))                             \
			T_RUN(fn);                                            \
	} while (0)

/* Scales a count for a longer local run: ES_REL_SCALE (default 1)
 * times n. */
int rel_scale(int n);

void rel_sleep_ms(int ms);
/* Monotonic milliseconds. */
int64_t rel_now_ms(void);

/* Writes an RSS 2.0 feed to tmp/NAME: items FIRST..FIRST+N-1 with guids
 * PREFIX-i, a title naming Acme, a link, and a description of about
 * textlen bytes (at least a sentence).  Returns the path. */
const char *rel_feed(const char *name, const char *prefix, int first, int n, size_t textlen);

/* Writes tmp/NAME.conf: [earshot] with database tmp/NAME.db, short
 * connect timeout and a test user agent, then the printf-style text (more
 * [earshot] keys, then sections).  Loopback is allowed unless the text
 * says allow_private itself.  Returns the path, in a ring of 16 of its
 * own. */
const char *rel_conf(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* tmp/NAME.db, in a ring of 16 of its own (t_tmp's ring of 8 turns over
 * quickly). */
const char *rel_db(const char *name);

/* The first column of the first row of sql on the database at path, read
 * directly; -1 with a message on stderr on failure. */
long long rel_db_int(const char *path, const char *sql);
/* The same with the database at other attached as "ref". */
long long rel_db_int2(const char *path, const char *other, const char *sql);
/* The same as text (caller frees); NULL for SQL NULL or a failure. */
char *rel_db_text(const char *path, const char *sql);

/* Starts the earshot binary ($ES_BIN) with the NULL-terminated arguments,
 * standard output and error to tmp/LOG.  env is NULL or a NULL-terminated
 * list of "NAME=VALUE" added to the child's environment. */
pid_t rel_spawn(const char *log, const char *const *env, ...);
/* Waits up to timeout_ms (-1: for ever) for pid.  Returns its exit status
 * (128+signal when killed), or -1 when it is still running.  ru (may be
 * NULL) receives its resource usage (ru_maxrss: peak RSS in KiB). */
int rel_wait(pid_t pid, int timeout_ms, struct rusage *ru);
/* rel_wait(pid, -1, ru), then fails the test when tmp/LOG shows a
 * sanitizer report. */
int rel_reap(pid_t pid, const char *log, struct rusage *ru);
/* Runs earshot to its end like rel_spawn + rel_reap. */
int rel_earshot(const char *log, const char *const *env, ...);
/* The whole of tmp/LOG (caller frees; "" when missing). */
char *rel_log(const char *log);
/* Occurrences of needle in text. */
int rel_count(const char *text, const char *needle);
/* Lines of text holding both a and b (b may be NULL). */
int rel_count_lines(const char *text, const char *a, const char *b);

/* From /proc/PID: CPU time used (user + system, clock ticks), resident
 * set size (KiB), open file descriptors; -1 when unreadable. */
long rel_cpu_ticks(pid_t pid);
long rel_rss_kb(pid_t pid);
int rel_fds(pid_t pid);

/* Moves this process into a network namespace of its own (as root, or in
 * a new user namespace when not root), with lo up and the IPv4 addresses
 * of the NULL-terminated addrs added to it, so that a test can give
 * servers addresses such as 192.88.99.1 or 169.254.169.254 and nothing it
 * does can leave the machine (names other than localhost fail to resolve
 * at once).  Must run before any thread or child is started.  Returns 0,
 * or -1 with the reason on stderr. */
int rel_netns(const char *const *addrs);
/* Moves this process into a mount namespace of its own and mounts a tmpfs
 * of size bytes on dir there; it goes away with the process.  Returns 0,
 * or -1 with the reason on stderr. */
int rel_tmpfs(const char *dir, long size);
/* A child that holds the write lock of the store at db (BEGIN IMMEDIATE)
 * for ms, or until rel_release_lock; returns its pid once it holds it. */
pid_t rel_hold_lock(const char *db, int ms);
/* Makes holder commit and end now; its exit status (0), -1 if it died. */
int rel_release_lock(pid_t holder);
/* Writes path until the file system holding it is full. */
void rel_fill_disk(const char *path);

/* In a mount namespace of its own (made on first use), puts a file
 * holding text over path (/etc/hosts, /etc/resolv.conf) with a bind
 * mount.  Returns 0, or -1 with the reason on stderr. */
int rel_bind_file(const char *path, const char *text);

/* Server-side totals over every host es_httpd saw: requests, and the
 * largest conns_max and active_max of any host. */
struct rel_hosts {
	long requests;
	int hosts;
	int conns_max, active_max;   /* over all hosts */
	int conns_now;               /* sum over hosts */
	double min_gap_ms;           /* smallest spacing of two starts on one host */
};
int rel_hosts(const struct httpd *h, struct rel_hosts *out);

/* True when all n bytes of every text value in every column of every row
 * of table are valid UTF-8; names the first bad row on stderr. */
int rel_db_utf8_valid(const char *path, const char *table);

#endif
