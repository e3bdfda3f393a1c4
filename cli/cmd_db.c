/* cmd_db.c - earshot db. */
#include "cli/cmd.h"

int
cmd_db(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	(void)argc;
	(void)argv;
	return cli_unfinished("db");
}
