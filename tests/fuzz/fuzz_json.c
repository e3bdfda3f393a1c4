/* fuzz_json.c - JSON Feed and mapped JSON through parse_document, with the
 * mapping picked by the first byte. */
#include <stddef.h>
#include <stdint.h>

#include "tests/fuzz/fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct parse_map fuzz_maps[] = {
	{ 0 },
	{ .items = "hits", .id = "objectID", .title = "title", .link = "url", .text = "comment_text",
	  .published = "created_at_i", .author = "author" },
	{ .items = "data.children[].data", .id = "name", .link = "permalink", .text = "selftext",
	  .published = "created_utc" },
	{ .items = "feed.entry", .id = "id.label", .title = "title.label", .rating = "im:rating.label",
	  .rating_scale = "0..10", .author = "author.name.label" },
	{ .items = "*", .id = "a[0].b", .text = "*.x[*]", .rating = "r", .rating_scale = "s" },
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct parse_opts o = { 0 };

	if (size < 1)
		return 0;
	o.format = data[0] & 1 ? PARSE_JSON : PARSE_AUTO;
	o.map = &fuzz_maps[(data[0] >> 1) % (sizeof(fuzz_maps) / sizeof(fuzz_maps[0]))];
	o.base_url = "https://fuzz.example/api/";
	parse_document((const char *)data + 1, size - 1, &o, fuzz_check_mention, NULL, NULL, NULL, 0);
	return 0;
}
