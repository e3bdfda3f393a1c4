/* fuzz_check.h - what every mention must satisfy, whatever the input:
 * valid UTF-8 within its cap, a guid, a rating in 0..1 or NaN.  Shared by
 * the parser fuzz targets (header-only). */
#ifndef ES_FUZZ_CHECK_H
#define ES_FUZZ_CHECK_H

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "parsers/parse.h"

static void
fuzz_check_str(const char *s, size_t max)
{
	size_t n;

	if (!s)
		return;
	n = strlen(s);
	if (n > max || !utf8_valid(s, n))
		abort();
}

static enum es_err
fuzz_check_mention(struct mention *m, void *ctx)
{
	(void)ctx;
	if (!m->guid || (!m->title && !m->text && !m->url))
		abort();
	fuzz_check_str(m->guid, MENTION_MAX_FIELD + 64);
	fuzz_check_str(m->url, MENTION_MAX_FIELD);
	fuzz_check_str(m->title, MENTION_MAX_TITLE);
	fuzz_check_str(m->text, MENTION_MAX_TEXT);
	fuzz_check_str(m->author, MENTION_MAX_FIELD);
	fuzz_check_str(m->lang, MENTION_MAX_FIELD);
	if (!isnan(m->rating) && (m->rating < 0 || m->rating > 1))
		abort();
	return ES_OK;
}

#endif
