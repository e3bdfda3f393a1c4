/* fuzz_date.c - date_parse on any bytes: never a crash, and a result that
 * is 0 or inside years 1900..9999 (-14 h .. +14 h of zone offsets).  The
 * same input also goes through URL resolution and canonicalisation. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "parsers/date.h"
#include "parsers/url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int64_t t = date_parse_len((const char *)data, size);
	char *s, *r, *c;

	if (t != 0 && (t < -2208988800LL - 86400 || t > 253402300800LL + 86400))
		abort();
	s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	if (!memchr(data, '\0', size) && date_parse(s) != t)
		abort();
	r = url_resolve("https://fuzz.example/a/b/c?q#f", s);
	c = url_canonical(r);
	free(r);
	free(c);
	free(s);
	return 0;
}
