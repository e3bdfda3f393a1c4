/* html.c - escaping for the HTML report. */
#include "cli/html.h"

#include <string.h>
#include <strings.h>

#include "core/utf8.h"

/* Writes one code point cp (k bytes at s) escaped; drops what XML forbids. */
static void
html_put_cp(FILE *fp, const char *s, size_t k, int32_t cp)
{
	switch (cp) {
	case '&': fputs("&amp;", fp); return;
	case '<': fputs("&lt;", fp); return;
	case '>': fputs("&gt;", fp); return;
	case '"': fputs("&quot;", fp); return;
	case '\'': fputs("&#39;", fp); return;
	default: break;
	}
	if ((cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0x7f || cp == 0xfffe || cp == 0xffff ||
	    (cp >= 0x80 && cp < 0xa0))
		return;
	fwrite(s, 1, k, fp);
}

void
html_put(FILE *fp, const char *s, size_t max)
{
	size_t i = 0, n, count = 0;

	if (!s)
		return;
	n = strlen(s);
	while (i < n) {
		int32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);

		if (max && count == max) {
			fputs("…", fp);
			return;
		}
		if (k == 0) {
			fputs("\xef\xbf\xbd", fp);
			i++;
		} else {
			html_put_cp(fp, s + i, k, cp);
			i += k;
		}
		count++;
	}
}

bool
html_url_ok(const char *url)
{
	if (!url || (strncasecmp(url, "http://", 7) != 0 && strncasecmp(url, "https://", 8) != 0))
		return false;
	for (const unsigned char *p = (const unsigned char *)url; *p; p++)
		if (*p <= 0x20 || *p == 0x7f)
			return false;
	return true;
}
