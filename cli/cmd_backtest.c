/* cmd_backtest.c - earshot backtest: when an [alert] rule would have fired
 * over the stored mentions, replayed bucket by bucket as the daemon would
 * have seen them, so a team can tune a rule before it goes live. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts/rules.h"
#include "cli/cmd.h"
#include "cli/table.h"
#include "core/units.h"
#include "core/when.h"

#define BACKTEST_SINCE_MS (30LL * 86400000) /* --since default */

static enum es_err
add_firing(const struct spike_result *r, void *arg)
{
	char end[WHEN_ISOLEN], count[24], base[24], score[24], share[48];
	const char *cells[5];

	snprintf(count, sizeof(count), "%.0f", r->value);
	snprintf(base, sizeof(base), "%.1f", r->baseline);
	snprintf(score, sizeof(score), "%.1f", r->score);
	if (isfinite(r->share) && isfinite(r->base_share))
		snprintf(share, sizeof(share), "%.0f%% (usually %.0f%%)", r->share * 100,
			 r->base_share * 100);
	else
		snprintf(share, sizeof(share), "-");
	cells[0] = when_fmt_iso(r->end_ms / 1000, end);
	cells[1] = count;
	cells[2] = base;
	cells[3] = score;
	cells[4] = share;
	table_add(arg, cells);
	return ES_OK;
}

static int
backtest(struct store *s, const struct conf_alert *a, int64_t since_ms)
{
	static const char *const names[] = { "WINDOW END", "COUNT", "USUAL", "SCORE", "SHARE" };
	struct table *t = table_new(5, names);
	char err[ES_ERRLEN], since[32], win[32], cool[32];
	size_t n;
	enum es_err rc;

	for (size_t i = 1; i < 4; i++)
		table_align_right(t, i);
	rc = rules_backtest(s, a, since_ms / 1000, when_now(), add_firing, t, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "earshot backtest: %s: %s\n", a->name, err);
		table_free(t);
		return rc == ES_EINVAL ? EXIT_USAGE : EXIT_FAIL;
	}
	n = table_rows(t);
	if (n)
		table_print(t, stdout);
	printf("%s would have fired %zu time%s in the last %s (window %s, threshold %g, "
	       "min_count %lld, cooldown %s%s)\n",
	       a->name, n, n == 1 ? "" : "s", units_fmt_duration(since_ms, since, sizeof(since)),
	       units_fmt_duration(a->window, win, sizeof(win)), a->threshold,
	       (long long)a->min_count, units_fmt_duration(a->cooldown, cool, sizeof(cool)),
	       a->share ? ", share = yes" : "");
	table_free(t);
	return EXIT_OK;
}

int
cmd_backtest(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' }, { NULL, 0, NULL, 0 },
	};
	int64_t since_ms = BACKTEST_SINCE_MS;
	const struct conf_alert *a;
	struct store *s = NULL;
	struct conf *c;
	char err[ES_ERRLEN], *db;
	int ch, status;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1)
		if (ch != 's' || units_parse_duration(optarg, &since_ms) != ES_OK || since_ms <= 0)
			return cli_usage_error("backtest", "--since needs a duration (30d, 12h)");
	if (optind + 1 != argc)
		return cli_usage_error("backtest", "name one [alert] rule");
	if (!(c = cli_conf(cli, true, &status)))
		return status;
	if (!(a = conf_alert_find(c, argv[optind]))) {
		fprintf(stderr, "earshot backtest: no [alert %s] in %s\n", argv[optind], c->path);
		conf_free(c);
		return EXIT_USAGE;
	}
	db = cli_db_path(cli, c);
	if (store_open(db, STORE_RO, &s, err, sizeof(err)) != ES_OK) {
		fprintf(stderr, "earshot backtest: %s\n", err);
		status = EXIT_FAIL;
	} else {
		status = backtest(s, a, since_ms);
	}
	store_close(s);
	free(db);
	conf_free(c);
	return status;
}
