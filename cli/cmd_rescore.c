/* cmd_rescore.c - earshot rescore. */
#include "cli/cmd.h"

int
cmd_rescore(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	(void)argc;
	(void)argv;
	return cli_unfinished("rescore");
}
