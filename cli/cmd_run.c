/* cmd_run.c - earshot run: the daemon.
 *
 * SIGTERM/SIGINT: start nothing new, let transfers in flight finish for up
 * to CRAWL_STOP_GRACE_MS (then abandon them; they are fetched again on the
 * next start), commit, exit 0.  SIGHUP: reload feeds.conf; a file with
 * errors is reported and the configuration in force stays.  Between fetches
 * the loop sleeps in curl_multi_poll until the next source is due. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts/alerter.h"
#include "cli/cmd.h"
#include "core/log.h"
#include "analysis/sentiment.h"
#include "crawler/crawl.h"
#include "store/store.h"

static volatile sig_atomic_t run_stop, run_reload;
static struct crawl *run_crawl;
static struct alerter *run_alerter;

static void
run_on_signal(int sig)
{
	if (sig == SIGHUP)
		run_reload = 1;
	else
		run_stop = 1;
	crawl_wake(run_crawl);
}

static void
run_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = run_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* Called on the crawler's writer thread after each source's fetch is
 * committed: tells the alerter which brands have new mentions.  Detection
 * and delivery run in the alerter's own threads (alerts/alerter.h). */
static void
run_after_ingest(void *ctx, struct store *st, const struct crawl_report *r)
{
	(void)ctx;
	(void)st;
	if (run_alerter)
		alerter_after_source(run_alerter, r->name, r->inserted);
}

/* The alerter, with its detector and sender threads; NULL with a message
 * on stderr when it cannot start. */
static struct alerter *
run_alerts(const struct conf *conf, const char *db)
{
	struct alerter_opts o;
	struct alerter *a = NULL;
	char err[ES_ERRLEN];

	alerter_opts_default(&o);
	o.thread = true;
	o.outbox.user_agent = conf->global.user_agent;
	if (alerter_new(NULL, db, conf, &o, &a, err, sizeof(err)) != ES_OK)
		fprintf(stderr, "earshot run: alerts: %s\n", err);
	return a;
}

/* Loads feeds.conf again; on errors keeps the configuration in force. */
static void
run_reload_conf(struct cli *cli)
{
	char err[ES_ERRLEN];
	struct conf *c;
	int status;

	run_reload = 0;
	if (!(c = cli_conf(cli, true, &status))) {
		log_error("reload refused", "path=%s reason=%s", logq(cli->conf_path),
			  logq("feeds.conf has errors; the running configuration stays"));
		return;
	}
	if (crawl_reload(run_crawl, c, err, sizeof(err)) != ES_OK)
		log_error("reload failed", "error=%s", logq(err));
	/* The crawl keeps every conf it was given until crawl_free. */
	alerter_set_conf(run_alerter, c);
}

static int
run_loop(struct cli *cli)
{
	enum crawl_exit how = CRAWL_RELOAD;
	char err[ES_ERRLEN];

	while (how == CRAWL_RELOAD) {
		if (crawl_run(run_crawl, &how, err, sizeof(err)) != ES_OK) {
			log_error("crawl failed", "error=%s", logq(err));
			return EXIT_FAIL;
		}
		if (how == CRAWL_RELOAD)
			run_reload_conf(cli);
	}
	return EXIT_OK;
}

/* The sentiment scorer with the lexicon feeds.conf names (relative to its
 * directory); NULL with a message on stderr when it cannot be built. */
static struct senti *
run_senti(const struct conf *conf)
{
	char err[ES_ERRLEN], *lex = cli_conf_relative(conf, conf->global.lexicon);
	struct senti *sc = NULL;

	if (senti_new(lex, &sc, err, sizeof(err)) != ES_OK)
		fprintf(stderr, "earshot run: %s\n", err);
	free(lex);
	return sc;
}

int
cmd_run(struct cli *cli, int argc, char **argv)
{
	struct crawl_hooks hooks = { .ingested = run_after_ingest };
	struct crawl_pipeline pipe = { NULL };
	struct senti *sc;
	struct crawl_signals sig = { .stop = &run_stop, .reload = &run_reload };
	struct store *st = NULL;
	struct conf *conf;
	char err[ES_ERRLEN], *db;
	int status;

	if (argc > 1)
		return cli_usage_error("run", "unexpected argument %s", argv[1]);
	if (!(conf = cli_conf(cli, true, &status)))
		return status;
	db = cli_db_path(cli, conf);
	if (store_open(db, STORE_RW, &st, err, sizeof(err)) != ES_OK) {
		fprintf(stderr, "earshot run: %s: %s\n", db, err);
		free(db);
		conf_free(conf);
		return EXIT_FAIL;
	}
	run_signals();
	if (!(sc = run_senti(conf))) {
		free(db);
		conf_free(conf);
		store_close(st);
		return EXIT_FAIL;
	}
	pipe.senti = sc;
	if (!(run_crawl = crawl_new(conf, st, &pipe, &hooks, &sig, err, sizeof(err)))) {
		senti_free(sc);
		fprintf(stderr, "earshot run: %s\n", err);
		free(db);
		store_close(st);
		return EXIT_FAIL;
	}
	if (!(run_alerter = run_alerts(conf, db))) {
		crawl_free(run_crawl);
		senti_free(sc);
		free(db);
		store_close(st);
		return EXIT_FAIL;
	}
	log_info("running", "database=%s sources=%zu", logq(db), conf->nsources);
	free(db);
	status = run_loop(cli);
	log_info("stopped", "fetched=%zu new=%zu", crawl_totals(run_crawl)->done,
		 crawl_totals(run_crawl)->inserted);
	/* The crawl has settled: its writer calls the hook no more. */
	alerter_free(run_alerter);
	run_alerter = NULL;
	crawl_free(run_crawl);
	run_crawl = NULL;
	senti_free(sc);
	store_close(st);
	return status;
}
