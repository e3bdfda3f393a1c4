/* cmd.h - the subcommand table and what every cmd_<name>.c shares. */
#ifndef ES_CMD_H
#define ES_CMD_H

#include <stdbool.h>

#include "core/conf.h"

/* Exit statuses of the earshot program. */
enum {
	EXIT_OK = 0,      /* it worked */
	EXIT_FAIL = 1,    /* a runtime failure */
	EXIT_USAGE = 2,   /* bad usage or a bad configuration */
};

/* Global options, parsed by main before the subcommand. */
struct cli {
	const char *conf_path;  /* -c; "feeds.conf" when not given */
	bool conf_given;        /* -c was on the command line */
	const char *db_path;    /* -d; NULL when not given */
	int verbosity;          /* -v adds one, -q subtracts one */
};

struct cmd {
	const char *name;
	int (*fn)(struct cli *cli, int argc, char **argv);
	const char *usage;      /* arguments after the name */
	const char *summary;    /* one line for earshot --help */
	const char *help;       /* paragraph(s) for earshot help NAME */
};

extern const struct cmd cmd_table[];

/* Prints "earshot NAME: message" and the command's usage to stderr;
 * returns EXIT_USAGE. */
int cli_usage_error(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Loads feeds.conf, registering the checks for queries and paths, and
 * prints its diagnostics.  Returns the conf, or NULL with *status set to
 * EXIT_USAGE (errors, or the file is missing while required).  When the
 * file is missing and !required, returns NULL with *status EXIT_OK. */
struct conf *cli_conf(struct cli *cli, bool required, int *status);
/* The database path: -d, else [earshot] database relative to the
 * directory of feeds.conf, else "earshot.db".  Returns a malloc'ed string. */
char *cli_db_path(const struct cli *cli, const struct conf *c);
/* path as named in feeds.conf, taken relative to the directory of feeds.conf
 * unless absolute.  NULL for a NULL or empty path; caller frees. */
char *cli_conf_relative(const struct conf *c, const char *path);

int cmd_run(struct cli *cli, int argc, char **argv);
int cmd_once(struct cli *cli, int argc, char **argv);
int cmd_check(struct cli *cli, int argc, char **argv);
int cmd_parse(struct cli *cli, int argc, char **argv);
int cmd_sentiment(struct cli *cli, int argc, char **argv);
int cmd_query(struct cli *cli, int argc, char **argv);
int cmd_search(struct cli *cli, int argc, char **argv);
int cmd_stats(struct cli *cli, int argc, char **argv);
int cmd_alerts(struct cli *cli, int argc, char **argv);
int cmd_detect(struct cli *cli, int argc, char **argv);
int cmd_backtest(struct cli *cli, int argc, char **argv);
int cmd_export(struct cli *cli, int argc, char **argv);
int cmd_report(struct cli *cli, int argc, char **argv);
int cmd_rescore(struct cli *cli, int argc, char **argv);
int cmd_db(struct cli *cli, int argc, char **argv);
int cmd_help(struct cli *cli, int argc, char **argv);

#endif
