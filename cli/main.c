/* main.c - global options, then one subcommand from cmd_table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "core/log.h"
#include "core/when.h"
#include "gen/version.h"

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: earshot [-c feeds.conf] [-d earshot.db] [-v|-q] COMMAND [ARGS]\n\n"
		    "Commands:\n");
	for (const struct cmd *c = cmd_table; c->name; c++)
		fprintf(fp, "  %-10s %s\n", c->name, c->summary);
	fprintf(fp, "\nearshot help COMMAND shows the options of one command.\n"
		    "Exit status: 0 ok, 1 runtime failure, 2 usage or configuration error.\n");
}

/* Takes the global options out of argv wherever they stand (before or after
 * the command name, never after "--"), compacting argv.  Returns the new
 * argc, or -1 on a malformed global option. */
static int
take_global_options(struct cli *cli, int argc, char **argv)
{
	int out = 1;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			while (i < argc)
				argv[out++] = argv[i++];
			break;
		}
		if ((strcmp(a, "-c") == 0 || strcmp(a, "-d") == 0)) {
			if (i + 1 >= argc) {
				fprintf(stderr, "earshot: %s needs a file name\n", a);
				return -1;
			}
			if (a[1] == 'c') {
				cli->conf_path = argv[++i];
				cli->conf_given = true;
			} else {
				cli->db_path = argv[++i];
			}
		} else if (strncmp(a, "--config=", 9) == 0) {
			cli->conf_path = a + 9;
			cli->conf_given = true;
		} else if (strncmp(a, "--db=", 5) == 0) {
			cli->db_path = a + 5;
		} else if (strspn(a + 1, "v") == strlen(a + 1) && a[0] == '-' && a[1]) {
			cli->verbosity += (int)strlen(a + 1);
		} else if (strspn(a + 1, "q") == strlen(a + 1) && a[0] == '-' && a[1]) {
			cli->verbosity -= (int)strlen(a + 1);
		} else {
			argv[out++] = argv[i];
		}
	}
	argv[out] = NULL;
	return out;
}

/* EARSHOT_NOW (Unix seconds or ISO 8601) shifts the wall clock, so tests and
 * backfills can run as of another time. */
static void
apply_fake_now(void)
{
	const char *now = getenv("EARSHOT_NOW");
	int64_t t;
	char *end;

	if (!now || !*now)
		return;
	t = strtoll(now, &end, 10);
	if (*end && when_parse_iso(now, &t) != ES_OK)
		return;
	when_set_offset(t - when_now());
}

int
main(int argc, char **argv)
{
	struct cli cli = { .conf_path = "feeds.conf" };
	const struct cmd *c;

	if ((argc = take_global_options(&cli, argc, argv)) < 0)
		return EXIT_USAGE;
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("earshot %s\n", ES_VERSION);
		return EXIT_OK;
	}
	log_set_level(cli.verbosity > 0 ? ES_LOG_DEBUG
		      : cli.verbosity == 0 ? ES_LOG_INFO
		      : cli.verbosity == -1 ? ES_LOG_WARN : ES_LOG_ERROR);
	apply_fake_now();
	for (c = cmd_table; c->name; c++)
		if (strcmp(c->name, argv[1]) == 0)
			return c->fn(&cli, argc - 1, argv + 1);
	fprintf(stderr, "earshot: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
