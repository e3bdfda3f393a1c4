/* test.h - the few macros every tests/test_<module>.c needs.
 *
 * A test file defines static void test_x(void) functions and a main that
 * calls T_RUN(test_x) for each, then returns t_report().  Failures print
 * FILE:LINE and the expression, and the run goes on. */
#ifndef ES_TEST_H
#define ES_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

extern int t_failures;
extern int t_checks;

void t_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void t_run(const char *name, void (*fn)(void));
/* Prints the totals; returns the process exit status (0 when all passed). */
int t_report(void);

#define T_RUN(fn) t_run(#fn, fn)

#define T_ASSERT(cond)                                                        \
	do {                                                                  \
		t_checks++;                                                   \
		if (!(cond))                                                  \
			t_fail(__FILE__, __LINE__, "assertion failed: %s", #cond); \
	} while (0)

#define T_EQ_INT(a, b)                                                        \
	do {                                                                  \
		long long a_ = (long long)(a), b_ = (long long)(b);           \
		t_checks++;                                                   \
		if (a_ != b_)                                                 \
			t_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b, a_, b_); \
	} while (0)

#define T_EQ_STR(a, b)                                                        \
	do {                                                                  \
		const char *a_ = (a), *b_ = (b);                              \
		t_checks++;                                                   \
		if (!t_streq(a_, b_))                                         \
			t_fail(__FILE__, __LINE__, "%s == %s:\n  got:      %s\n  expected: %s", \
			       #a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
	} while (0)

#define T_EQ_DBL(a, b, eps)                                                   \
	do {                                                                  \
		double a_ = (a), b_ = (b);                                    \
		t_checks++;                                                   \
		if (!(a_ - b_ <= (eps) && b_ - a_ <= (eps)))                  \
			t_fail(__FILE__, __LINE__, "%s == %s: %g != %g", #a, #b, a_, b_); \
	} while (0)

/* True when s contains needle (NULL s never does). */
#define T_CONTAINS(s, needle)                                                 \
	do {                                                                  \
		const char *s_ = (s);                                         \
		t_checks++;                                                   \
		if (!s_ || !strstr(s_, (needle)))                             \
			t_fail(__FILE__, __LINE__, "%s does not contain \"%s\":\n%s", #s, \
			       (needle), s_ ? s_ : "(null)");                 \
	} while (0)

#define T_NOT_CONTAINS(s, needle)                                             \
	do {                                                                  \
		const char *s_ = (s);                                         \
		t_checks++;                                                   \
		if (s_ && strstr(s_, (needle)))                               \
			t_fail(__FILE__, __LINE__, "%s contains \"%s\":\n%s", #s, (needle), s_); \
	} while (0)

int t_streq(const char *a, const char *b);

/* Path of tests/data/REL (from $ES_DATA); valid until 8 more calls. */
const char *t_data(const char *rel);
/* A fresh directory under $TMPDIR, removed when the test exits unless
 * ES_KEEP_TMP is set.  Returns a static path. */
const char *t_tmpdir(void);
/* t_tmpdir()/NAME in a ring of static buffers. */
const char *t_tmp(const char *name);
/* Whole file, NUL-terminated; NULL when unreadable.  Caller frees. */
char *t_read_file(const char *path, size_t *len);
/* Writes data to path (truncating); aborts the test run on failure. */
void t_write_file(const char *path, const char *data);
/* printf to a new file. */
void t_write_filef(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Runs argv (argv[0] searched in PATH, or a path) with stdin_data on its
 * standard input (NULL: /dev/null); captures stdout and stderr into *out
 * and *err when non-NULL (caller frees).  Returns the exit status, or
 * 128+signal when killed. */
int t_run_argv(char *const argv[], const char *stdin_data, char **out, char **err);
/* Runs the earshot binary ($ES_BIN) with the NULL-terminated arguments. */
int t_earshot(const char *stdin_data, char **out, char **err, ...);

/* The newline characters in s (NULL: 0). */
int t_count_lines(const char *s);
/* A 127.0.0.1 TCP port that was free a moment ago. */
int t_free_port(void);
/* A non-blocking TCP listener on 127.0.0.1 that accepts nothing by itself:
 * a canary that must see no connection.  Its port goes to *port; returns
 * the socket, or -1. */
int t_canary_listen(int *port);
/* t as an RFC 822 date ("Sun, 22 Nov 2026 12:00:00 GMT"), for feeds. */
void t_rfc822(int64_t t, char *out, size_t len);
/* The values, in every column of every table of the SQLite database at
 * path, that contain needle: for secrets that must be nowhere. */
int64_t t_db_holds(const char *path, const char *needle);

#endif
