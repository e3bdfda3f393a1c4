/* cmd_stats.c - earshot stats. */
#include "cli/cmd.h"

int
cmd_stats(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	(void)argc;
	(void)argv;
	return cli_unfinished("stats");
}
