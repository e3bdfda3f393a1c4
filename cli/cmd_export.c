/* cmd_export.c - earshot export. */
#include "cli/cmd.h"

int
cmd_export(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	(void)argc;
	(void)argv;
	return cli_unfinished("export");
}
