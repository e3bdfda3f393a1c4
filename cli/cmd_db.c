/* cmd_db.c - earshot db: maintenance for operators.
 *
 *   vacuum [--full]         hand free pages back to the file system
 *   check                   integrity of the file, foreign keys, FTS index
 *   rebuild                 rebuild the full-text index from the mentions
 *   prune [--older-than D]  apply retention now (default: feeds.conf's) */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/analyst.h"
#include "core/units.h"
#include "core/when.h"
#include "store/maint.h"

static void
db_fmt_size(int64_t bytes, char *out, size_t len)
{
	if (bytes >= 1024 * 1024)
		snprintf(out, len, "%.1f MiB", (double)bytes / (1024.0 * 1024.0));
	else
		snprintf(out, len, "%.1f KiB", (double)bytes / 1024.0);
}

/* Prints "PATH: BEFORE -> AFTER" for the file with its WAL. */
static void
db_print_sizes(struct store *s, const struct store_space *a, const struct store_space *b)
{
	char x[32], y[32];

	db_fmt_size(a->file_bytes + a->wal_bytes, x, sizeof(x));
	db_fmt_size(b->file_bytes + b->wal_bytes, y, sizeof(y));
	printf("%s: %s -> %s (%lld free pages before, %lld after)\n", store_path(s), x, y,
	       (long long)a->free_pages, (long long)b->free_pages);
}

static int
db_vacuum(struct store *s, int argc, char **argv)
{
	struct store_space before, after;
	char err[ES_ERRLEN];
	bool full = argc == 2 && strcmp(argv[1], "--full") == 0;

	if (argc > 2 || (argc == 2 && !full))
		return cli_usage_error("db", "vacuum takes only --full");
	if (store_space(s, &before, err, sizeof(err)) || store_vacuum(s, full, err, sizeof(err)) ||
	    store_space(s, &after, err, sizeof(err))) {
		fprintf(stderr, "earshot db vacuum: %s\n", err);
		return EXIT_FAIL;
	}
	db_print_sizes(s, &before, &after);
	return EXIT_OK;
}

static void
db_problem(const char *what, const char *problem, void *ctx)
{
	(void)ctx;
	printf("%s: %s\n", what, problem);
}

static int
db_check(struct store *s, int argc)
{
	char err[ES_ERRLEN];
	size_t problems;

	if (argc != 1)
		return cli_usage_error("db", "check takes no arguments");
	if (store_check(s, db_problem, NULL, &problems, err, sizeof(err))) {
		fprintf(stderr, "earshot db check: %s\n", err);
		return EXIT_FAIL;
	}
	if (problems) {
		printf("%s: %zu problem%s found\n", store_path(s), problems, problems == 1 ? "" : "s");
		return EXIT_FAIL;
	}
	printf("%s: ok (file integrity, foreign keys, full-text index)\n", store_path(s));
	return EXIT_OK;
}

static int
db_rebuild(struct store *s, int argc)
{
	char err[ES_ERRLEN];

	if (argc != 1)
		return cli_usage_error("db", "rebuild takes no arguments");
	if (store_fts_rebuild(s, err, sizeof(err))) {
		fprintf(stderr, "earshot db rebuild: %s\n", err);
		return EXIT_FAIL;
	}
	printf("%s: full-text index rebuilt\n", store_path(s));
	return EXIT_OK;
}

/* The retention in ms: --older-than, else feeds.conf's; 0 when neither. */
static int
db_retention(const struct conf *c, int argc, char **argv, int64_t *ms)
{
	*ms = c ? c->global.retention : 0;
	if (argc == 3 && strcmp(argv[1], "--older-than") == 0) {
		if (units_parse_duration(argv[2], ms) != ES_OK || *ms < 1000)
			return cli_usage_error("db", "--older-than takes a duration such as 180d");
	} else if (argc != 1) {
		return cli_usage_error("db", "prune takes only --older-than DURATION");
	}
	if (*ms <= 0)
		return cli_usage_error("db", "no feeds.conf with a retention: say --older-than");
	return EXIT_OK;
}

static int
db_prune(struct store *s, int64_t ms)
{
	int64_t cutoff = when_now() - ms / 1000;
	struct store_space before, after;
	size_t n, total = 0;
	char err[ES_ERRLEN], iso[WHEN_ISOLEN];

	if (store_space(s, &before, err, sizeof(err)))
		goto fail;
	do {
		if (store_retention_step(s, cutoff, MAINT_RETENTION_BATCH, &n, err, sizeof(err)))
			goto fail;
		total += n;
	} while (n == MAINT_RETENTION_BATCH);
	if (store_vacuum(s, false, err, sizeof(err)) || store_space(s, &after, err, sizeof(err)))
		goto fail;
	printf("removed %zu mention%s counted before %s\n", total, total == 1 ? "" : "s",
	       when_fmt_iso(cutoff, iso));
	db_print_sizes(s, &before, &after);
	return EXIT_OK;
fail:
	fprintf(stderr, "earshot db prune: %s\n", err);
	return EXIT_FAIL;
}

int
cmd_db(struct cli *cli, int argc, char **argv)
{
	struct conf *c = NULL;
	struct store *s = NULL;
	const char *sub = argc > 1 ? argv[1] : "";
	int64_t ms = 0;
	int status;

	if (strcmp(sub, "vacuum") && strcmp(sub, "check") && strcmp(sub, "rebuild") &&
	    strcmp(sub, "prune"))
		return cli_usage_error("db", "say vacuum, check, rebuild or prune");
	if ((status = analyst_open(cli, "db", STORE_RW, &s, &c)))
		return status;
	if (!strcmp(sub, "vacuum"))
		status = db_vacuum(s, argc - 1, argv + 1);
	else if (!strcmp(sub, "check"))
		status = db_check(s, argc - 1);
	else if (!strcmp(sub, "rebuild"))
		status = db_rebuild(s, argc - 1);
	else if (!(status = db_retention(c, argc - 1, argv + 1, &ms)))
		status = db_prune(s, ms);
	conf_free(c);
	store_close(s);
	return status;
}
