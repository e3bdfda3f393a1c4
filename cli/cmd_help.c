/* cmd_help.c - earshot help [COMMAND]; also prints the generated parts of
 * the man pages (--man-options) so they are made from the same tables. */
#include <stdio.h>
#include <string.h>

#include "cli/cmd.h"

static void
help_one(const struct cmd *c)
{
	printf("usage: earshot [-c feeds.conf] [-d earshot.db] %s %s\n\n%s\n", c->name, c->usage,
	       c->help);
}

int
cmd_help(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	if (argc < 2) {
		printf("usage: earshot [-c feeds.conf] [-d earshot.db] [-v|-q] COMMAND [ARGS]\n\n");
		for (const struct cmd *c = cmd_table; c->name; c++)
			printf("  %-10s %s\n", c->name, c->summary);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--man-options") == 0) {
		conf_write_man_options(stdout);
		return EXIT_OK;
	}
	for (const struct cmd *c = cmd_table; c->name; c++) {
		if (strcmp(c->name, argv[1]) == 0) {
			help_one(c);
			return EXIT_OK;
		}
	}
	fprintf(stderr, "earshot help: unknown command '%s'\n", argv[1]);
	return EXIT_USAGE;
}
