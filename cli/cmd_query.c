/* cmd_query.c - earshot query. */
#include "cli/cmd.h"

int
cmd_query(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	(void)argc;
	(void)argv;
	return cli_unfinished("query");
}
