/* cmd_detect.c - earshot detect. */
#include "cli/cmd.h"

int
cmd_detect(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	(void)argc;
	(void)argv;
	return cli_unfinished("detect");
}
