/* cmd_check.c - earshot check: validate feeds.conf. */
#include <stdio.h>

#include "cli/cmd.h"

static const char *
plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

int
cmd_check(struct cli *cli, int argc, char **argv)
{
	struct conf *c;
	int status;

	if (argc > 1)
		return cli_usage_error("check", "unexpected argument '%s'", argv[1]);
	cli->conf_given = true; /* check always wants the file */
	if (!(c = cli_conf(cli, true, &status)))
		return status;
	printf("%s: ok: %zu %s, %zu %s, %zu %s, %zu %s\n", c->path, c->nbrands,
	       plural(c->nbrands, "brand", "brands"), c->nsources,
	       plural(c->nsources, "source", "sources"), c->nwebhooks,
	       plural(c->nwebhooks, "webhook", "webhooks"), c->nalerts,
	       plural(c->nalerts, "alert", "alerts"));
	conf_free(c);
	return EXIT_OK;
}
