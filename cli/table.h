/* table.h - aligned text tables and RFC 4180 CSV for command output. */
#ifndef ES_TABLE_H
#define ES_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define TABLE_MAX_CELL 60     /* display columns shown of one cell */
#define TABLE_MAX_ROWS 100000 /* rows kept for alignment; the rest are counted */

struct table;

/* A table of ncols columns with these header names (copied). */
struct table *table_new(size_t ncols, const char *const *names);
/* Right-aligns column col (numbers). */
void table_align_right(struct table *t, size_t col);
/* Adds a row of ncols cells (copied; NULL shows as empty).  Control
 * characters become spaces and long cells are cut with an ellipsis. */
void table_add(struct table *t, const char *const *cells);
/* Prints header, rule and rows to fp, each column as wide as its widest
 * cell (terminal columns, so wide characters count two). */
void table_print(const struct table *t, FILE *fp);
size_t table_rows(const struct table *t);
void table_free(struct table *t);

/* Writes one CSV field (quoted when it holds a comma, quote, CR or LF),
 * preceded by a comma unless first.  NULL writes an empty field. */
void csv_field(FILE *fp, const char *s, size_t n, bool first);
/* Ends a CSV record (CRLF, as RFC 4180 says). */
void csv_end(FILE *fp);

#endif
