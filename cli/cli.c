/* cli.c - what the subcommands share: usage errors, loading feeds.conf,
 * finding the database. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/match.h"
#include "cli/cmd.h"
#include "core/xalloc.h"
#include "parsers/mapcheck.h"

int
cli_usage_error(const char *name, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "earshot %s: ", name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	for (const struct cmd *c = cmd_table; c->name; c++)
		if (strcmp(c->name, name) == 0)
			fprintf(stderr, "usage: earshot %s %s\n", c->name, c->usage);
	return EXIT_USAGE;
}

/* The checks feeds.conf runs on values only other modules understand. */
static void
cli_register_checks(void)
{
	conf_set_check(CONF_T_QUERY, match_check_query);
	conf_set_check(CONF_T_PATH, mapcheck_path);
}

struct conf *
cli_conf(struct cli *cli, bool required, int *status)
{
	char err[ES_ERRLEN];
	struct conf *c;

	cli_register_checks();
	*status = EXIT_OK;
	if (!required && !cli->conf_given && access(cli->conf_path, F_OK) != 0)
		return NULL;
	if (!(c = conf_load(cli->conf_path, err, sizeof(err)))) {
		fprintf(stderr, "earshot: %s\n", err);
		*status = EXIT_USAGE;
		return NULL;
	}
	if (c->ndiags) {
		conf_diag_print(c, stderr);
		fprintf(stderr, "earshot: %zu error%s in %s\n", c->ndiags, c->ndiags == 1 ? "" : "s",
			c->path);
		conf_free(c);
		*status = EXIT_USAGE;
		return NULL;
	}
	return c;
}

char *
cli_conf_relative(const struct conf *c, const char *path)
{
	const char *slash;

	if (!path || !*path)
		return NULL;
	if (path[0] == '/' || !c || !(slash = strrchr(c->path, '/')))
		return xstrdup(path);
	return xasprintf("%.*s/%s", (int)(slash - c->path), c->path, path);
}

char *
cli_db_path(const struct cli *cli, const struct conf *c)
{
	if (cli->db_path)
		return xstrdup(cli->db_path);
	if (!c || !c->global.database || !*c->global.database)
		return xstrdup("earshot.db");
	return cli_conf_relative(c, c->global.database);
}
