/* cmd_alerts.c - earshot alerts. */
#include "cli/cmd.h"

int
cmd_alerts(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	(void)argc;
	(void)argv;
	return cli_unfinished("alerts");
}
