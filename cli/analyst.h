/* analyst.h - what earshot search, stats, export, report and db share:
 * opening the database, reading --since and --days, terminal-safe text. */
#ifndef ES_ANALYST_H
#define ES_ANALYST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/cmd.h"
#include "core/err.h"
#include "store/store.h"

#define ANALYST_DAY 86400

/* Opens the database (-d, else feeds.conf's database when feeds.conf is
 * there, else earshot.db) in mode; STORE_RW only opens a database that
 * exists.  Returns EXIT_OK with *s set (and *conf, when conf is not NULL:
 * feeds.conf or NULL when there is none, freed by the caller), or prints
 * "earshot NAME: message" and returns EXIT_FAIL (EXIT_USAGE for a bad
 * feeds.conf). */
int analyst_open(struct cli *cli, const char *name, enum store_mode mode, struct store **s,
		 struct conf **conf);

/* Parses a --since value: a duration back from now ("7d", "36h") or an
 * ISO 8601 date or time ("2026-11-01").  ES_EPARSE otherwise. */
enum es_err analyst_since(const char *arg, int64_t now, int64_t *t);

/* Parses a whole number in [min, max]; ES_EPARSE otherwise. */
enum es_err analyst_number(const char *arg, long min, long max, long *out);

/* Midnight UTC of the day holding t. */
int64_t analyst_day(int64_t t);

/* Writes t as "2026-11-17" (with time: "2026-11-17 21:20") into out. */
char *analyst_fmt_day(int64_t t, char out[11]);
char *analyst_fmt_minute(int64_t t, char out[17]);

/* Writes s (n bytes) for a terminal: valid UTF-8, with control
 * characters (C0, DEL, C1: a scraped text's escape sequences) shown as
 * spaces, except that \x01 and \x02 become mark_open and mark_close. */
void analyst_put_clean(FILE *fp, const char *s, size_t n, const char *mark_open,
		       const char *mark_close);

/* True when standard output is a terminal that takes colour (NO_COLOR unset). */
bool analyst_color(void);

#endif
