/* analyst.c - helpers the analyst's commands share. */
#include "cli/analyst.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/units.h"
#include "core/utf8.h"
#include "core/when.h"

int
analyst_open(struct cli *cli, const char *name, enum store_mode mode, struct store **s,
	     struct conf **conf)
{
	struct conf *c = NULL;
	char err[ES_ERRLEN], *db;
	int status = EXIT_OK;
	enum es_err rc;

	*s = NULL;
	if ((conf || !cli->db_path) && !(c = cli_conf(cli, false, &status)) && status)
		return status;
	db = cli_db_path(cli, c);
	/* Opening read-only first refuses a missing file instead of creating it. */
	rc = store_open(db, STORE_RO, s, err, sizeof(err));
	if (rc == ES_OK && mode == STORE_RW) {
		store_close(*s);
		*s = NULL;
		rc = store_open(db, STORE_RW, s, err, sizeof(err));
	}
	if (rc != ES_OK) {
		fprintf(stderr, "earshot %s: %s\n", name, err);
		status = EXIT_FAIL;
		*s = NULL;
	}
	free(db);
	if (conf && status == EXIT_OK)
		*conf = c;
	else
		conf_free(c);
	return status;
}

enum es_err
analyst_since(const char *arg, int64_t now, int64_t *t)
{
	int64_t ms;

	if (when_parse_iso(arg, t) == ES_OK)
		return ES_OK;
	if (units_parse_duration(arg, &ms) != ES_OK || ms < 0)
		return ES_EPARSE;
	*t = now - ms / 1000;
	return ES_OK;
}

enum es_err
analyst_number(const char *arg, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < min || v > max)
		return ES_EPARSE;
	*out = v;
	return ES_OK;
}

int64_t
analyst_day(int64_t t)
{
	int64_t r = t % ANALYST_DAY;

	return t - (r < 0 ? r + ANALYST_DAY : r);
}

char *
analyst_fmt_day(int64_t t, char out[11])
{
	char iso[WHEN_ISOLEN];

	snprintf(out, 11, "%.10s", when_fmt_iso(t, iso));
	return out;
}

char *
analyst_fmt_minute(int64_t t, char out[17])
{
	char iso[WHEN_ISOLEN];

	when_fmt_iso(t, iso);
	snprintf(out, 17, "%.10s %.5s", iso, iso + 11);
	return out;
}

void
analyst_put_clean(FILE *fp, const char *s, size_t n, const char *mark_open,
		  const char *mark_close)
{
	size_t i = 0;

	while (i < n) {
		int32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);

		if (k == 0) {
			fputs("\xef\xbf\xbd", fp);
			i++;
			continue;
		}
		if (cp == 1 || cp == 2)
			fputs(cp == 1 ? mark_open : mark_close, fp);
		else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
			fputc(' ', fp);
		else
			fwrite(s + i, 1, k, fp);
		i += k;
	}
}

bool
analyst_color(void)
{
	const char *nc = getenv("NO_COLOR");

	return isatty(STDOUT_FILENO) && !(nc && *nc);
}
