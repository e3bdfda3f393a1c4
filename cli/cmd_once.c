/* cmd_once.c - earshot once. */
#include "cli/cmd.h"

int
cmd_once(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	(void)argc;
	(void)argv;
	return cli_unfinished("once");
}
