/* cmd_once.c - earshot once: one pass over the due (or all, or one)
 * sources, then a table of what happened. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alerts/alerter.h"
#include "cli/cmd.h"
#include "cli/table.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "analysis/sentiment.h"
#include "crawler/crawl.h"
#include "store/store.h"

static volatile sig_atomic_t once_stop;
static struct crawl *once_crawl;

static void
once_on_signal(int sig)
{
	(void)sig;
	once_stop = 1;
	crawl_wake(once_crawl);
}

/* Live progress on a terminal: one line, rewritten in place. */
static void
once_progress(void *ctx, const struct crawl_totals *t)
{
	(void)ctx;
	fprintf(stderr, "\r\033[Kearshot: %zu/%zu sources, %zu new mentions, %zu errors",
		t->done, t->sources, t->inserted, t->failed);
	fflush(stderr);
}

static void
once_status(const struct crawl_report *r, char *out, size_t len)
{
	if (r->status && r->outcome != FETCH_OK && r->outcome != FETCH_NOT_MODIFIED)
		snprintf(out, len, "%s (%d)", fetch_outcome_name(r->outcome), r->status);
	else
		snprintf(out, len, "%s", fetch_outcome_name(r->outcome));
}

static void
once_table(struct crawl *cr)
{
	static const char *const cols[] = { "source", "status", "new", "duplicate", "time",
					    "detail" };
	struct table *t = table_new(6, cols);
	const struct crawl_report *r;
	size_t n;

	table_align_right(t, 2);
	table_align_right(t, 3);
	table_align_right(t, 4);
	r = crawl_reports(cr, &n);
	for (size_t i = 0; i < n; i++) {
		char status[64], ins[24], dup[24], ms[32];
		const char *cells[6] = { r[i].name, status, ins, dup, ms, r[i].detail };

		once_status(&r[i], status, sizeof(status));
		snprintf(ins, sizeof(ins), "%zu", r[i].inserted);
		snprintf(dup, sizeof(dup), "%zu", r[i].duplicates);
		snprintf(ms, sizeof(ms), "%.2fs", (double)r[i].elapsed_ms / 1000.0);
		table_add(t, cells);
	}
	table_print(t, stdout);
	table_free(t);
}

static int
once_args(int argc, char **argv, enum crawl_select *sel, const char **name)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "source", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*sel = CRAWL_DUE;
	*name = NULL;
	optind = 1;
	while ((c = getopt_long(argc, argv, "as:", longopts, NULL)) != -1) {
		if (c == 'a')
			*sel = CRAWL_ALL;
		else if (c == 's')
			*sel = CRAWL_ONE, *name = optarg;
		else
			return cli_usage_error("once", "unknown option");
	}
	if (optind < argc)
		return cli_usage_error("once", "unexpected argument %s", argv[optind]);
	return EXIT_OK;
}

static void
once_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = once_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

/* Exit status: 0 when the pass ran, 1 when it selected sources and none
 * of them could be fetched. */
static int
once_pass(struct crawl *cr, enum crawl_select sel, const char *name, bool tty)
{
	const struct crawl_totals *t;
	enum crawl_exit how;
	char err[ES_ERRLEN];

	if (crawl_once(cr, sel, name, &how, err, sizeof(err)) != ES_OK) {
		fprintf(stderr, "earshot once: %s\n", err);
		return EXIT_USAGE;
	}
	t = crawl_totals(cr);
	if (tty)
		fputc('\n', stderr);
	once_table(cr);
	printf("%zu sources: %zu ok (%zu not modified), %zu failed; %zu new mentions, "
	       "%zu duplicates%s\n", t->done, t->ok, t->not_modified, t->failed, t->inserted,
	       t->duplicates, how == CRAWL_STOPPED ? "; stopped early" : "");
	return t->sources > 0 && t->ok == 0 && how != CRAWL_STOPPED ? EXIT_FAIL : EXIT_OK;
}

/* The sentiment scorer with the lexicon feeds.conf names (relative to its
 * directory); NULL with a message on stderr when it cannot be built. */
static struct senti *
once_senti(const struct conf *conf)
{
	char err[ES_ERRLEN], *lex = cli_conf_relative(conf, conf->global.lexicon);
	struct senti *sc = NULL;

	if (senti_new(lex, &sc, err, sizeof(err)) != ES_OK)
		fprintf(stderr, "earshot once: %s\n", err);
	free(lex);
	return sc;
}

#define ONCE_ALERT_MS 30000 /* longest time spent delivering alerts at the end */

/* After the pass: every rule and source-health check, then the pending
 * deliveries for at most ONCE_ALERT_MS; what is left stays in the outbox
 * for the next run.  Prints a line when there was anything to do. */
static void
once_alerts(const struct conf *conf, const char *db)
{
	struct alerter_once r;
	char err[ES_ERRLEN];

	if (alerter_once(db, conf, ONCE_ALERT_MS, &r, err, sizeof(err)) != ES_OK) {
		fprintf(stderr, "earshot once: alerts: %s\n", err);
		return;
	}
	if (r.fired || r.sent.posts || r.left)
		printf("alerts: %zu raised; %zu message%s sent, %zu deliver%s done, %zu failed, "
		       "%zu pending\n",
		       r.fired, r.sent.posts, r.sent.posts == 1 ? "" : "s", r.sent.delivered,
		       r.sent.delivered == 1 ? "y" : "ies", r.sent.failed, r.left);
}

int
cmd_once(struct cli *cli, int argc, char **argv)
{
	struct crawl_hooks hooks = { .progress = NULL };
	struct crawl_pipeline pipe = { NULL };
	struct senti *sc;
	struct crawl_signals sig = { .stop = &once_stop };
	enum crawl_select sel;
	const char *name;
	struct conf *conf;
	struct store *st = NULL;
	char err[ES_ERRLEN], *db;
	int status;

	if ((status = once_args(argc, argv, &sel, &name)) != EXIT_OK)
		return status;
	if (!(conf = cli_conf(cli, true, &status)))
		return status;
	db = cli_db_path(cli, conf);
	if (store_open(db, STORE_RW, &st, err, sizeof(err)) != ES_OK) {
		fprintf(stderr, "earshot once: %s: %s\n", db, err);
		free(db);
		conf_free(conf);
		return EXIT_FAIL;
	}
	/* On a terminal the progress line replaces the per-source log lines. */
	if (isatty(STDERR_FILENO) && cli->verbosity <= 0) {
		hooks.progress = once_progress;
		log_set_level(ES_LOG_WARN);
	}
	once_signals();
	if (!(sc = once_senti(conf))) {
		free(db);
		conf_free(conf);
		store_close(st);
		return EXIT_FAIL;
	}
	pipe.senti = sc;
	if (!(once_crawl = crawl_new(conf, st, &pipe, &hooks, &sig, err, sizeof(err)))) {
		senti_free(sc);
		fprintf(stderr, "earshot once: %s\n", err);
		free(db);
		store_close(st);
		return EXIT_FAIL;
	}
	status = once_pass(once_crawl, sel, name, hooks.progress != NULL);
	if (status != EXIT_USAGE && !once_stop)
		once_alerts(conf, db);
	free(db);
	crawl_free(once_crawl);
	once_crawl = NULL;
	senti_free(sc);
	store_close(st);
	return status;
}
