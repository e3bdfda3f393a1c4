/* fuzz_feed_xml.c - RSS/RDF/Atom through parse_document.  The first byte
 * picks the forced format, a Content-Type charset and an item cap, as
 * libxml2's own fuzzer takes its options from the input. */
#include <stddef.h>
#include <stdint.h>

#include "tests/fuzz/fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum parse_format formats[] = { PARSE_AUTO, PARSE_RSS, PARSE_ATOM, PARSE_AUTO };
	static const char *const charsets[] = { NULL, "iso-8859-1", "utf-16", "windows-1251" };
	struct parse_opts o = { 0 };
	struct parse_result res;
	uint8_t flags;

	if (size < 1)
		return 0;
	flags = data[0];
	o.format = formats[flags & 3];
	o.charset = charsets[(flags >> 2) & 3];
	o.max_items = (flags & 16) ? 3 : 0;
	o.base_url = (flags & 32) ? "https://fuzz.example/a/b?c#d" : NULL;
	parse_document((const char *)data + 1, size - 1, &o, fuzz_check_mention, NULL, &res, NULL, 0);
	if (res.mentions > (o.max_items ? o.max_items : PARSE_MAX_ITEMS))
		abort();
	return 0;
}
