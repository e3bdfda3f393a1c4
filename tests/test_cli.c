/* test_cli.c - the command line as a user meets it: help, version, exit
 * codes, earshot check, and the generated man page being current. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/test.h"

static void
test_help(void)
{
	char *out, *err;

	T_EQ_INT(t_earshot(NULL, &out, &err, "--help", NULL), 0);
	T_CONTAINS(out, "usage: earshot [-c feeds.conf] [-d earshot.db]");
	static const char *const cmds[] = { "run", "once", "check", "parse", "sentiment", "query",
					    "search", "stats", "alerts", "detect", "report" };
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char line[64];

		snprintf(line, sizeof(line), "\n  %-10s ", cmds[i]);
		T_CONTAINS(out, line);
	}
	free(out);
	free(err);
	T_EQ_INT(t_earshot(NULL, &out, &err, "help", "query", NULL), 0);
	T_CONTAINS(out, "usage: earshot [-c feeds.conf] [-d earshot.db] query [--csv|--json]");
	T_CONTAINS(out, "read-only");
	free(out);
	free(err);
	T_EQ_INT(t_earshot(NULL, &out, &err, "help", "nope", NULL), 2);
	T_CONTAINS(err, "unknown command 'nope'");
	free(out);
	free(err);
	T_EQ_INT(t_earshot(NULL, &out, &err, "--version", NULL), 0);
	T_CONTAINS(out, "earshot 0.");
	free(out);
	free(err);
}

static void
test_usage_errors(void)
{
	char *out, *err;

	T_EQ_INT(t_earshot(NULL, &out, &err, "frobnicate", NULL), 2);
	T_CONTAINS(err, "unknown command 'frobnicate'");
	T_EQ_STR(out, "");
	free(out);
	free(err);
	T_EQ_INT(t_earshot(NULL, &out, &err, NULL), 2);
	T_CONTAINS(err, "usage:");
	free(out);
	free(err);
	T_EQ_INT(t_earshot(NULL, &out, &err, "check", "-c", NULL), 2);
	T_CONTAINS(err, "-c needs a file name");
	free(out);
	free(err);
}

static void
test_check(void)
{
	char *out, *err;
	const char *good = t_tmp("good.conf"), *bad = t_tmp("bad.conf");

	t_write_file(good, "[brand a]\nquery = a\n[source s]\nurl = https://s.example/\n"
			   "[webhook w]\ntype = json\nurl = https://hook.example/x\n"
			   "[alert r]\nnotify = w\n");
	T_EQ_INT(t_earshot(NULL, &out, &err, "-c", good, "check", NULL), 0);
	T_CONTAINS(out, ": ok: 1 brand, 1 source, 1 webhook, 1 alert\n");
	free(out);
	free(err);
	/* Global options after the command work too. */
	T_EQ_INT(t_earshot(NULL, &out, &err, "check", "-c", good, NULL), 0);
	free(out);
	free(err);

	t_write_file(bad, "[earshot]\ntimeout = forever\n[source s]\nformat = rss\n");
	T_EQ_INT(t_earshot(NULL, &out, &err, "-c", bad, "check", NULL), 2);
	T_CONTAINS(err, "bad.conf:2: timeout: 'forever' is not a duration");
	T_CONTAINS(err, "bad.conf:3: [source s] is missing required key 'url'");
	T_CONTAINS(err, "2 errors in");
	T_EQ_STR(out, "");
	free(out);
	free(err);

	T_EQ_INT(t_earshot(NULL, &out, &err, "-c", t_tmp("missing.conf"), "check", NULL), 2);
	T_CONTAINS(err, "missing.conf");
	free(out);
	free(err);
}

/* A webhook secret never shows up in check's output, even when the line
 * it is on is wrong. */
static void
test_check_hides_secrets(void)
{
	char *out, *err;
	const char *path = t_tmp("secret.conf");
	char *argv[] = { getenv("ES_BIN"), "-c", (char *)path, "check", NULL };

	setenv("ES_TEST_SECRET", "https://hooks.slack.com/services/T000/B000/s3cr3tt0k3n", 1);
	t_write_file(path, "[webhook w]\ntype = slack\nurl = ${ES_TEST_SECRET}\nmin_interval = ${ES_TEST_SECRET}\n");
	T_EQ_INT(t_run_argv(argv, NULL, &out, &err), 2);
	T_CONTAINS(err, "secret.conf:4: min_interval: the value is not a duration");
	T_NOT_CONTAINS(err, "s3cr3tt0k3n");
	T_NOT_CONTAINS(out, "s3cr3tt0k3n");
	free(out);
	free(err);
}

/* doc/feeds.conf.5 carries the options table; it must match the code. */
static void
test_man_page_current(void)
{
	char path[1024], *page, *out, *err, *begin, *end;
	const char *src = getenv("ES_SRC");

	snprintf(path, sizeof(path), "%s/doc/feeds.conf.5", src ? src : ".");
	page = t_read_file(path, NULL);
	T_ASSERT(page != NULL);
	if (!page)
		return;
	T_EQ_INT(t_earshot(NULL, &out, &err, "help", "--man-options", NULL), 0);
	begin = strstr(page, ".\\\" OPTIONS-BEGIN\n");
	end = strstr(page, ".\\\" OPTIONS-END");
	T_ASSERT(begin && end);
	if (begin && end) {
		begin += strlen(".\\\" OPTIONS-BEGIN\n");
		*end = '\0';
		if (strcmp(begin, out) != 0)
			fprintf(stderr, "doc/feeds.conf.5 is stale: run make -C build man\n");
		T_EQ_INT(strcmp(begin, out), 0);
	}
	free(page);
	free(out);
	free(err);
}

int
main(void)
{
	T_RUN(test_help);
	T_RUN(test_usage_errors);
	T_RUN(test_check);
	T_RUN(test_check_hides_secrets);
	T_RUN(test_man_page_current);
	return t_report();
}
