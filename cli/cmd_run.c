/* cmd_run.c - earshot run. */
#include "cli/cmd.h"

int
cmd_run(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	(void)argc;
	(void)argv;
	return cli_unfinished("run");
}
