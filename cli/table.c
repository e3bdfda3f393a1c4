#include "cli/table.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "core/xalloc.h"

struct table {
	size_t ncols;
	char **names;
	bool *right;
	size_t *width;
	char **cells;    /* rows * ncols */
	size_t nrows, cap;
	size_t dropped;  /* rows past TABLE_MAX_ROWS */
};

struct table *
table_new(size_t ncols, const char *const *names)
{
	struct table *t = xcalloc(1, sizeof(*t));

	t->ncols = ncols;
	t->names = xcalloc(ncols, sizeof(char *));
	t->right = xcalloc(ncols, sizeof(bool));
	t->width = xcalloc(ncols, sizeof(size_t));
	for (size_t i = 0; i < ncols; i++) {
		t->names[i] = xstrdup(names[i]);
		t->width[i] = utf8_width(names[i], strlen(names[i]));
	}
	return t;
}

void
table_align_right(struct table *t, size_t col)
{
	if (col < t->ncols)
		t->right[col] = true;
}

/* A copy of s fit for one table cell: one line, at most TABLE_MAX_CELL
 * terminal columns, valid UTF-8. */
static char *
table_cell(const char *s)
{
	struct buf b;
	size_t i = 0, n, w = 0;

	buf_init(&b, 0);
	if (!s)
		return buf_take(&b, NULL);
	n = strlen(s);
	while (i < n) {
		int32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		size_t cw;

		if (!k) {
			cp = 0xfffd;
			k = 1;
		}
		if (cp < 0x20 || cp == 0x7f)
			cp = ' ';
		cw = utf8_width(s + i, k);
		if (w + cw > TABLE_MAX_CELL - 1 && i + k < n) {
			(void)buf_puts(&b, "…");
			break;
		}
		(void)utf8_put(&b, cp);
		w += cw;
		i += k;
	}
	return buf_take(&b, NULL);
}

void
table_add(struct table *t, const char *const *cells)
{
	if (t->nrows >= TABLE_MAX_ROWS) {
		t->dropped++;
		return;
	}
	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->cells = xreallocarray(t->cells, t->cap * t->ncols, sizeof(char *));
	}
	for (size_t i = 0; i < t->ncols; i++) {
		char *c = table_cell(cells[i]);
		size_t w = utf8_width(c, strlen(c));

		t->cells[t->nrows * t->ncols + i] = c;
		if (w > t->width[i])
			t->width[i] = w;
	}
	t->nrows++;
}

static void
table_pad(FILE *fp, size_t n)
{
	while (n--)
		fputc(' ', fp);
}

static void
table_print_row(const struct table *t, FILE *fp, char *const *cells)
{
	for (size_t i = 0; i < t->ncols; i++) {
		size_t w = utf8_width(cells[i], strlen(cells[i]));
		bool last = i + 1 == t->ncols;

		if (i)
			fputs("  ", fp);
		if (t->right[i])
			table_pad(fp, t->width[i] - w);
		fputs(cells[i], fp);
		if (!t->right[i] && !last)
			table_pad(fp, t->width[i] - w);
	}
	fputc('\n', fp);
}

void
table_print(const struct table *t, FILE *fp)
{
	table_print_row(t, fp, t->names);
	for (size_t i = 0; i < t->ncols; i++) {
		if (i)
			fputs("  ", fp);
		for (size_t k = 0; k < t->width[i]; k++)
			fputs("-", fp);
	}
	fputc('\n', fp);
	for (size_t r = 0; r < t->nrows; r++)
		table_print_row(t, fp, t->cells + r * t->ncols);
	if (t->dropped)
		fprintf(fp, "(%zu more rows not shown; use --csv or --json for all)\n", t->dropped);
}

size_t
table_rows(const struct table *t)
{
	return t->nrows + t->dropped;
}

void
table_free(struct table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	for (size_t i = 0; i < t->ncols; i++)
		free(t->names[i]);
	free(t->cells);
	free(t->names);
	free(t->right);
	free(t->width);
	free(t);
}

void
csv_field(FILE *fp, const char *s, size_t n, bool first)
{
	if (!first)
		fputc(',', fp);
	if (!s)
		return;
	if (!memchr(s, ',', n) && !memchr(s, '"', n) && !memchr(s, '\r', n) &&
	    !memchr(s, '\n', n)) {
		fwrite(s, 1, n, fp);
		return;
	}
	fputc('"', fp);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			fputc('"', fp);
		fputc(s[i], fp);
	}
	fputc('"', fp);
}

void
csv_end(FILE *fp)
{
	fputs("\r\n", fp);
}
