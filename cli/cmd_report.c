/* cmd_report.c - earshot report. */
#include "cli/cmd.h"

int
cmd_report(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	(void)argc;
	(void)argv;
	return cli_unfinished("report");
}
