/* cmd_parse.c - earshot parse. */
#include "cli/cmd.h"

int
cmd_parse(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	(void)argc;
	(void)argv;
	return cli_unfinished("parse");
}
