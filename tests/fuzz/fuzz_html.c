/* fuzz_html.c - review pages: JSON-LD and microdata, or XPath selectors
 * when the first byte is odd. */
#include <stddef.h>
#include <stdint.h>

#include "tests/fuzz/fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct parse_map xpath = {
		.item = "//article | //*[@itemprop='review']", .id = "@data-id", .title = ".//h2",
		.text = ".//p", .link = ".//a/@href", .author = ".//*[@class='who']",
		.published = ".//time/@datetime", .rating = "@data-rating", .rating_scale = "1..5",
	};
	struct parse_opts o = { .format = PARSE_HTML, .base_url = "https://fuzz.example/r" };

	if (size < 1)
		return 0;
	if (data[0] & 1)
		o.map = &xpath;
	if (data[0] & 2)
		o.charset = "windows-1252";
	parse_document((const char *)data + 1, size - 1, &o, fuzz_check_mention, NULL, NULL, NULL, 0);
	return 0;
}
