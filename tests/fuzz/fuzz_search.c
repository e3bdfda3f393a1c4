/* fuzz_search.c - the search query rewriter on arbitrary bytes: whatever
 * it accepts, FTS5 either runs or rejects as a syntax error (which earshot
 * search turns into a sentence); nothing crashes and nothing leaks. */
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "store/search.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sqlite3 *db;
static sqlite3_stmt *st;

static void
setup(void)
{
	sqlite3_open(":memory:", &db);
	sqlite3_exec(db, "CREATE VIRTUAL TABLE f USING fts5(title, text, "
			 "tokenize='unicode61 remove_diacritics 2');"
			 "INSERT INTO f VALUES ('Acme login outage', 'refund please, t-mobile user')",
		     NULL, NULL, NULL);
	sqlite3_prepare_v2(db, "SELECT count(*) FROM f WHERE f MATCH ?1", -1, &st, NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *typed = malloc(size + 1);
	struct buf q;

	if (!db)
		setup();
	memcpy(typed, data, size);
	typed[size] = '\0';
	buf_init(&q, 0);
	if (search_fts_query(typed, &q, NULL, 0) == ES_OK) {
		int rc;

		sqlite3_bind_text(st, 1, buf_str(&q), -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		if (rc != SQLITE_ROW && rc != SQLITE_ERROR)
			abort();
		sqlite3_reset(st);
	}
	buf_free(&q);
	free(typed);
	return 0;
}
