/* fuzz_robots.c - robots.txt parser and matcher on arbitrary bytes.  The
 * first line of the input (up to 256 bytes) is the path asked about. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "crawler/robots.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *txt = (const char *)data;
	const char *nl = memchr(txt, '\n', size < 256 ? size : 256);
	char path[258] = "/";
	struct robots *r;

	if (nl) {
		size_t n = (size_t)(nl - txt);

		memcpy(path + 1, txt, n);
		path[n + 1] = '\0';
		txt = nl + 1;
		size -= n + 1;
	}
	r = robots_parse(txt, size, "earshot");
	(void)robots_allowed(r, path);
	(void)robots_crawl_delay_ms(r);
	robots_free(r);
	return 0;
}
