/* cmd_rescore.c - earshot rescore: score stored mentions again with this
 * version of the sentiment scorer. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "analysis/sentiment.h"
#include "cli/cmd.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "store/store.h"

#define RESCORE_BATCH 1000 /* mentions per transaction */

static void
rescore_items(const struct senti *sc, struct store_rescore_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct senti_score r;

		senti_score_mention(sc, items[i].title, items[i].text, items[i].rating, &r);
		items[i].sentiment = r.compound;
		items[i].label = r.label;
	}
}

/* Rescores every matching mention in batches; returns EXIT_*. */
static int
rescore_all(struct store *s, const struct senti *sc, bool all)
{
	struct store_rescore_item *items = xcalloc(RESCORE_BATCH, sizeof(*items));
	char err[ES_ERRLEN];
	int64_t after = 0;
	size_t n, total = 0;
	enum es_err rc;

	while ((rc = store_rescore_load(s, SENTI_VERSION, all, &after, items, RESCORE_BATCH, &n,
					err, sizeof(err))) == ES_OK && n) {
		rescore_items(sc, items, n);
		rc = store_rescore_save(s, SENTI_VERSION, items, n, err, sizeof(err));
		store_rescore_reset(items, n);
		if (rc)
			break;
		total += n;
	}
	free(items);
	if (rc) {
		fprintf(stderr, "earshot rescore: %s\n", err);
		return EXIT_FAIL;
	}
	printf("rescored %zu mention%s with scorer version %d\n", total, total == 1 ? "" : "s",
	       SENTI_VERSION);
	return EXIT_OK;
}

int
cmd_rescore(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { { "all", no_argument, NULL, 'a' },
					      { NULL, 0, NULL, 0 } };
	struct conf *c = NULL;
	struct senti *sc = NULL;
	struct store *s = NULL;
	char err[ES_ERRLEN], *db, *lex;
	bool all = false;
	int ch, status;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (ch != 'a')
			return cli_usage_error("rescore", "bad option");
		all = true;
	}
	if (optind < argc)
		return cli_usage_error("rescore", "unexpected argument '%s'", argv[optind]);
	if (!(c = cli_conf(cli, false, &status)) && status)
		return status;
	db = cli_db_path(cli, c);
	lex = cli_conf_relative(c, c ? c->global.lexicon : NULL);
	if (senti_new(lex, &sc, err, sizeof(err)) ||
	    store_open(db, STORE_RW, &s, err, sizeof(err))) {
		fprintf(stderr, "earshot rescore: %s\n", err);
		status = EXIT_FAIL;
	} else {
		status = rescore_all(s, sc, all);
	}
	store_close(s);
	senti_free(sc);
	conf_free(c);
	free(lex);
	free(db);
	return status;
}
