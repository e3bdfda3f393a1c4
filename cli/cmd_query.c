/* cmd_query.c - earshot query: read-only SQL on the store. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/table.h"
#include "core/buf.h"
#include "core/jsonw.h"
#include "core/units.h"
#include "core/xalloc.h"
#include "store/query.h"

enum query_out { OUT_TABLE, OUT_CSV, OUT_JSON };

#define QUERY_MAX_SQL (1024 * 1024)

static void
print_csv(struct query *q, bool header)
{
	int n = query_columns(q);

	if (header) {
		for (int i = 0; i < n; i++) {
			const char *name = query_column_name(q, i);

			csv_field(stdout, name, strlen(name), i == 0);
		}
		csv_end(stdout);
		return;
	}
	for (int i = 0; i < n; i++) {
		size_t len;
		const char *v = query_column_text(q, i, &len);

		csv_field(stdout, v, len, i == 0);
	}
	csv_end(stdout);
}

static void
print_json(struct query *q, struct buf *b)
{
	int n = query_columns(q), first = 1;

	buf_reset(b);
	(void)buf_putc(b, '{');
	for (int i = 0; i < n; i++) {
		size_t len;
		const char *v;

		(void)jsonw_key(b, query_column_name(q, i), &first);
		switch (query_column_type(q, i)) {
		case QUERY_NULL: (void)buf_puts(b, "null"); break;
		case QUERY_INT: (void)jsonw_int(b, query_column_int(q, i)); break;
		case QUERY_REAL: (void)jsonw_num(b, query_column_double(q, i)); break;
		default:
			v = query_column_text(q, i, &len);
			(void)jsonw_str(b, v, len);
		}
	}
	(void)buf_puts(b, "}\n");
	fwrite(b->data, 1, b->len, stdout);
}

static void
add_table_row(struct table *t, struct query *q, const char **cells)
{
	int n = query_columns(q);

	for (int i = 0; i < n; i++)
		cells[i] = query_column_text(q, i, NULL);
	table_add(t, cells);
}

/* Runs q to the end, printing rows as out says.  Returns EXIT_*. */
static int
query_print(struct query *q, enum query_out out)
{
	int n = query_columns(q), status = EXIT_OK;
	const char **cells = xcalloc((size_t)n + 1, sizeof(char *));
	struct table *t = NULL;
	char err[ES_ERRLEN];
	enum es_err rc;
	struct buf b;
	bool first = true;

	buf_init(&b, 0);
	for (int i = 0; i < n; i++)
		cells[i] = query_column_name(q, i);
	if (out == OUT_TABLE)
		t = table_new((size_t)n, cells);
	else if (out == OUT_CSV)
		print_csv(q, true);
	while ((rc = query_next(q, err, sizeof(err))) == ES_OK) {
		if (t && first)
			for (int i = 0; i < n; i++)
				if (query_column_type(q, i) == QUERY_INT ||
				    query_column_type(q, i) == QUERY_REAL)
					table_align_right(t, (size_t)i);
		first = false;
		if (out == OUT_TABLE)
			add_table_row(t, q, cells);
		else if (out == OUT_CSV)
			print_csv(q, false);
		else
			print_json(q, &b);
	}
	if (rc != ES_STOP) {
		fprintf(stderr, "earshot query: %s\n", err);
		status = EXIT_FAIL;
	}
	if (t && n > 0)
		table_print(t, stdout);
	table_free(t);
	buf_free(&b);
	free(cells);
	return status;
}

/* The SQL: the arguments joined by spaces, or standard input for "-". */
static char *
query_sql(int argc, char **argv)
{
	struct buf b;
	char chunk[8192];
	size_t n;

	buf_init(&b, QUERY_MAX_SQL);
	if (argc == 1 && strcmp(argv[0], "-") == 0) {
		while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
			if (buf_append(&b, chunk, n))
				break;
		return buf_take(&b, NULL);
	}
	for (int i = 0; i < argc; i++) {
		if (i)
			(void)buf_putc(&b, ' ');
		(void)buf_puts(&b, argv[i]);
	}
	return buf_take(&b, NULL);
}

int
cmd_query(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "csv", no_argument, NULL, 'C' }, { "json", no_argument, NULL, 'J' },
		{ "timeout", required_argument, NULL, 't' }, { NULL, 0, NULL, 0 },
	};
	enum query_out out = OUT_TABLE;
	int64_t timeout = 30000;
	struct store *s = NULL;
	struct query *q = NULL;
	struct conf *c = NULL;
	char err[ES_ERRLEN], *sql, *db;
	int ch, status;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (ch == 'C')
			out = OUT_CSV;
		else if (ch == 'J')
			out = OUT_JSON;
		else if (ch == 't' && units_parse_duration(optarg, &timeout) == ES_OK)
			;
		else
			return cli_usage_error("query", "bad option");
	}
	if (optind >= argc)
		return cli_usage_error("query", "no SQL given");
	if (!cli->db_path && !(c = cli_conf(cli, false, &status)) && status)
		return status;
	db = cli_db_path(cli, c);
	conf_free(c);
	sql = query_sql(argc - optind, argv + optind);
	if (store_open(db, STORE_RO, &s, err, sizeof(err)) ||
	    query_prepare(s, sql, timeout, &q, err, sizeof(err))) {
		fprintf(stderr, "earshot query: %s\n", err);
		status = EXIT_FAIL;
	} else {
		status = query_print(q, out);
	}
	query_free(q);
	store_close(s);
	free(sql);
	free(db);
	return status;
}
