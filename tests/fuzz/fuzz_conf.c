/* fuzz_conf.c - feeds.conf on arbitrary bytes, through conf_load_string
 * with the same value checks `earshot check` installs (brand queries,
 * JSON paths and XPath).  Whatever the text, loading never fails outright,
 * every diagnostic has a line inside the file (or 0) and a message, and a
 * file without diagnostics is complete: every source has a name and an
 * http(s) URL, every number within its option's range. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analysis/match.h"
#include "core/conf.h"
#include "parsers/mapcheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *null_out;

/* Every numeric option of every section within its table range. */
static void
check_ranges(const void *inst, enum conf_section sec)
{
	for (const struct conf_option *o = conf_options; o->name; o++) {
		const char *field = (const char *)inst + o->offset;
		double v;

		if (o->section != sec || (o->min == 0 && o->max == 0))
			continue;
		if (o->type == CONF_T_REAL) {
			v = *(const double *)(const void *)field;
		} else if (o->type == CONF_T_INT || o->type == CONF_T_DURATION ||
			   o->type == CONF_T_SIZE) {
			int64_t i = *(const int64_t *)(const void *)field;

			if (i == CONF_UNSET)
				continue;
			v = (double)i;
		} else {
			continue;
		}
		if (v < o->min || v > o->max)
			abort();
	}
}

/* A file without diagnostics is complete and in range. */
static void
check_complete(const struct conf *c)
{
	check_ranges(&c->global, CONF_SEC_EARSHOT);
	for (size_t i = 0; i < c->nsources; i++) {
		const struct conf_source *s = &c->sources[i];

		/* Schemes are case-insensitive (RFC 3986 §3.1): HTTPS:// is fine. */
		if (!s->name || !s->url ||
		    (strncasecmp(s->url, "http://", 7) && strncasecmp(s->url, "https://", 8)))
			abort();
		if (s->interval <= 0 || s->max_body <= 0 || s->timeout <= 0)
			abort();
		check_ranges(s, CONF_SEC_SOURCE);
	}
	for (size_t i = 0; i < c->nbrands; i++) {
		if (!c->brands[i].name || !c->brands[i].query)
			abort();
		check_ranges(&c->brands[i], CONF_SEC_BRAND);
	}
	for (size_t i = 0; i < c->nwebhooks; i++)
		check_ranges(&c->webhooks[i], CONF_SEC_WEBHOOK);
	for (size_t i = 0; i < c->nalerts; i++)
		check_ranges(&c->alerts[i], CONF_SEC_ALERT);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;
	struct conf *c;
	int lines = 1;

	if (!null_out) {
		null_out = fopen("/dev/null", "w");
		conf_set_check(CONF_T_QUERY, match_check_query);
		conf_set_check(CONF_T_PATH, mapcheck_path);
		setenv("FUZZ_SECRET", "https://hooks.example/T000/B000/XXXX", 1);
	}
	if (memchr(data, '\0', size))
		return 0; /* a C string: feeds.conf is read up to its first NUL */
	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	for (size_t i = 0; i < size; i++)
		lines += text[i] == '\n';
	c = conf_load_string(text, "fuzz.conf");
	if (!c)
		abort();
	for (size_t i = 0; i < c->ndiags; i++)
		if (c->diags[i].line < 0 || c->diags[i].line > lines || !c->diags[i].msg ||
		    !c->diags[i].msg[0])
			abort();
	if (c->ndiags == 0)
		check_complete(c);
	conf_diag_print(c, null_out);
	conf_free(c);
	free(text);
	return 0;
}
