/* cmd_sentiment.c - earshot sentiment. */
#include "cli/cmd.h"

int
cmd_sentiment(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	(void)argc;
	(void)argv;
	return cli_unfinished("sentiment");
}
