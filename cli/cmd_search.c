/* cmd_search.c - earshot search. */
#include "cli/cmd.h"

int
cmd_search(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	(void)argc;
	(void)argv;
	return cli_unfinished("search");
}
