/* cmd_export.c - earshot export: every stored mention as CSV or JSON
 * lines, streamed row by row (memory does not grow with the rows). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/analyst.h"
#include "cli/table.h"
#include "core/buf.h"
#include "core/jsonw.h"
#include "core/when.h"
#include "store/analytics.h"

enum export_format { EXPORT_NONE, EXPORT_CSV, EXPORT_JSONL };

/* The columns, in order, for the CSV header and the JSON keys. */
static const char *const export_cols[] = {
	"id", "source", "counted_at", "published_at", "first_seen_at", "label", "sentiment",
	"rating", "brands", "author", "lang", "url", "title", "text", "guid",
};
#define EXPORT_NCOLS (sizeof(export_cols) / sizeof(export_cols[0]))

struct export_ctx {
	enum export_format format;
	FILE *fp;
	struct buf line;   /* one row, reused */
	size_t rows;
};

/* The row's values as text in export_cols order (NULL for SQL NULL);
 * numbers are written into num (2 slots of 32 bytes and id). */
static void
export_values(const struct analytics_export_row *r, const char **v, char num[3][32])
{
	struct buf b;

	snprintf(num[0], 32, "%lld", (long long)r->id);
	buf_init(&b, 31);
	(void)jsonw_num(&b, r->sentiment);
	snprintf(num[1], 32, "%s", buf_str(&b));
	buf_reset(&b);
	(void)jsonw_num(&b, r->rating);
	snprintf(num[2], 32, "%s", buf_str(&b));
	buf_free(&b);
	v[0] = num[0], v[1] = r->source, v[2] = r->counted_at, v[3] = r->published_at;
	v[4] = r->first_seen_at, v[5] = r->label, v[6] = num[1];
	v[7] = isnan(r->rating) ? NULL : num[2];
	v[8] = r->brands, v[9] = r->author, v[10] = r->lang, v[11] = r->url, v[12] = r->title;
	v[13] = r->text, v[14] = r->guid;
}

static void
export_csv_row(struct export_ctx *x, const struct analytics_export_row *r)
{
	const char *v[EXPORT_NCOLS];
	char num[3][32];

	export_values(r, v, num);
	for (size_t i = 0; i < EXPORT_NCOLS; i++)
		csv_field(x->fp, v[i], v[i] ? strlen(v[i]) : 0, i == 0);
	csv_end(x->fp);
}

static void
export_json_row(struct export_ctx *x, const struct analytics_export_row *r)
{
	const char *v[EXPORT_NCOLS];
	char num[3][32];
	struct buf *b = &x->line;
	int first = 1;

	export_values(r, v, num);
	buf_reset(b);
	(void)buf_putc(b, '{');
	for (size_t i = 0; i < EXPORT_NCOLS; i++) {
		(void)jsonw_key(b, export_cols[i], &first);
		if (i == 0 || i == 6 || (i == 7 && v[i]))
			(void)buf_puts(b, v[i]);
		else if (i == 8)
			(void)jsonw_list(b, v[i]);
		else
			(void)jsonw_cstr(b, v[i]);
	}
	(void)buf_puts(b, "}\n");
	fwrite(b->data, 1, b->len, x->fp);
}

static enum es_err
export_row(const struct analytics_export_row *r, void *ctx)
{
	struct export_ctx *x = ctx;

	if (x->format == EXPORT_CSV)
		export_csv_row(x, r);
	else
		export_json_row(x, r);
	x->rows++;
	return ferror(x->fp) ? ES_EIO : ES_OK;
}

struct export_args {
	enum export_format format;
	const char *brand, *out;
	int64_t since;
};

static int
export_options(int argc, char **argv, struct export_args *a)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' }, { "brand", required_argument, NULL, 'b' },
		{ "format", required_argument, NULL, 'f' }, { "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "+o:", opts, NULL)) != -1) {
		if (ch == 's' && analyst_since(optarg, when_now(), &a->since) == ES_OK)
			;
		else if (ch == 'b')
			a->brand = optarg;
		else if (ch == 'f' && (!strcmp(optarg, "csv") || !strcmp(optarg, "jsonl")))
			a->format = optarg[0] == 'c' ? EXPORT_CSV : EXPORT_JSONL;
		else if (ch == 'o')
			a->out = optarg;
		else
			return cli_usage_error("export", "bad option or value");
	}
	if (optind < argc)
		return cli_usage_error("export", "unexpected argument '%s'", argv[optind]);
	if (a->format == EXPORT_NONE)
		return cli_usage_error("export", "say --format csv or --format jsonl");
	return EXIT_OK;
}

/* Runs the export into x->fp; returns EXIT_*. */
static int
export_run(struct store *s, const struct export_args *a, struct export_ctx *x)
{
	char err[ES_ERRLEN];
	enum es_err rc;

	if (x->format == EXPORT_CSV) {
		for (size_t i = 0; i < EXPORT_NCOLS; i++)
			csv_field(x->fp, export_cols[i], strlen(export_cols[i]), i == 0);
		csv_end(x->fp);
	}
	rc = analytics_export(s, a->brand, a->since, export_row, x, err, sizeof(err));
	if (rc == ES_EIO || (rc == ES_OK && fflush(x->fp) != 0))
		snprintf(err, sizeof(err), "writing %s: %s", a->out ? a->out : "standard output",
			 strerror(errno));
	if (rc != ES_OK || ferror(x->fp)) {
		fprintf(stderr, "earshot export: %s\n", err);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

int
cmd_export(struct cli *cli, int argc, char **argv)
{
	struct export_args a = { 0 };
	struct export_ctx x = { 0 };
	struct store *s = NULL;
	int status;

	if ((status = export_options(argc, argv, &a)) ||
	    (status = analyst_open(cli, "export", STORE_RO, &s, NULL)))
		return status;
	x.format = a.format;
	x.fp = a.out ? fopen(a.out, "w") : stdout;
	if (!x.fp) {
		fprintf(stderr, "earshot export: %s: %s\n", a.out, strerror(errno));
		store_close(s);
		return EXIT_FAIL;
	}
	buf_init(&x.line, 0);
	status = export_run(s, &a, &x);
	if (a.out && fclose(x.fp) != 0 && status == EXIT_OK) {
		fprintf(stderr, "earshot export: writing %s: %s\n", a.out, strerror(errno));
		status = EXIT_FAIL;
	}
	if (a.out && status != EXIT_OK)
		unlink(a.out);
	buf_free(&x.line);
	store_close(s);
	return status;
}
