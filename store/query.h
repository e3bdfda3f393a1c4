/* query.h - running SQL that a person typed, safely.
 *
 * The connection is read-only (SQLITE_OPEN_READONLY and query_only), an
 * authorizer allows only reading (SELECT, reads, functions, recursive CTEs
 * and a few read-only PRAGMAs) and denies writes, ATTACH, PRAGMA changes
 * and extension loading, and a progress handler stops a query that runs
 * past its time budget. */
#ifndef ES_QUERY_H
#define ES_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

struct query;

enum query_type { QUERY_NULL, QUERY_INT, QUERY_REAL, QUERY_TEXT, QUERY_BLOB };

/* Prepares one statement of sql on s (which must be opened STORE_RO) with
 * a budget of timeout_ms (0: none).  Returns ES_EDENIED with a plain
 * explanation when the statement would write or reach outside the store,
 * ES_EPARSE for SQL errors (message in err), ES_EINVAL for more than one
 * statement.  *out is freed with query_free(). */
enum es_err query_prepare(struct store *s, const char *sql, int64_t timeout_ms, struct query **out,
			  char *err, size_t errlen);
/* Steps to the next row: ES_OK with a row, ES_STOP at the end, ES_ETIMEOUT
 * when the budget ran out, another failure with detail in err. */
enum es_err query_next(struct query *q, char *err, size_t errlen);
int query_columns(const struct query *q);
const char *query_column_name(const struct query *q, int col);
enum query_type query_column_type(const struct query *q, int col);
/* The value of col in the current row as text (NULL for SQL NULL); valid
 * until the next query_next(). */
const char *query_column_text(struct query *q, int col, size_t *len);
double query_column_double(struct query *q, int col);
int64_t query_column_int(struct query *q, int col);
void query_free(struct query *q);

#endif
