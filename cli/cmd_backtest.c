/* cmd_backtest.c - earshot backtest. */
#include "cli/cmd.h"

int
cmd_backtest(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	(void)argc;
	(void)argv;
	return cli_unfinished("backtest");
}
