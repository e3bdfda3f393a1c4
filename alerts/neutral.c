/* neutral.c - scraped text made inert for each chat service; see neutral.h. */
#include "alerts/neutral.h"

#include <string.h>

#include "core/utf8.h"

#define ZWSP "\xe2\x80\x8b"     /* U+200B */
#define ELLIPSIS "\xe2\x80\xa6" /* U+2026 */

struct neutral_rep {
	char c;
	const char *rep;
};

/* Replacements per style, ASCII only; '@' is handled for all styles. */
static const struct neutral_rep rep_slack[] = {
	{ '&', "&amp;" }, { '<', "&lt;" }, { '>', "&gt;" }, { '*', "*" ZWSP },
	{ '_', "_" ZWSP }, { '~', "~" ZWSP }, { '`', "`" ZWSP }, { 0, NULL },
};
static const struct neutral_rep rep_markdown[] = {
	{ '\\', "\\\\" }, { '*', "\\*" }, { '_', "\\_" }, { '~', "\\~" }, { '`', "\\`" },
	{ '|', "\\|" }, { '<', "\\<" }, { '>', "\\>" }, { '[', "\\[" }, { ']', "\\]" },
	{ '(', "\\(" }, { ')', "\\)" }, { '#', "\\#" }, { 0, NULL },
};
static const struct neutral_rep rep_teams[] = {
	{ '[', "\xef\xbc\xbb" }, { ']', "\xef\xbc\xbd" }, { '<', "\xef\xbc\x9c" },
	{ '>', "\xef\xbc\x9e" }, { '*', "*" ZWSP }, { '_', "_" ZWSP }, { '~', "~" ZWSP },
	{ '`', "`" ZWSP }, { 0, NULL },
};
static const struct neutral_rep rep_gchat[] = {
	{ '<', "\xef\xbc\x9c" }, { '>', "\xef\xbc\x9e" }, { '[', "\xef\xbc\xbb" },
	{ ']', "\xef\xbc\xbd" }, { '*', "*" ZWSP }, { '_', "_" ZWSP },
	{ '~', "~" ZWSP }, { '`', "`" ZWSP }, { 0, NULL },
};
static const struct neutral_rep rep_none[] = { { 0, NULL } };

static const struct neutral_rep *const neutral_reps[] = {
	[NEUTRAL_RAW] = rep_none,     [NEUTRAL_PLAIN] = rep_none,
	[NEUTRAL_SLACK] = rep_slack,  [NEUTRAL_MARKDOWN] = rep_markdown,
	[NEUTRAL_TEAMS] = rep_teams,  [NEUTRAL_GCHAT] = rep_gchat,
};

/* Bidirectional controls that can make displayed text lie about itself. */
static int
is_bidi(int32_t cp)
{
	return cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

/* The output for the character at s (n bytes left): its bytes in *out (or
 * a static string), their length, and the input bytes consumed. */
static size_t
neutral_one(enum neutral_style style, const char *s, size_t n, const char **out, size_t *outlen)
{
	int32_t cp;
	size_t k = utf8_decode(s, n, &cp);

	if (k == 0) {
		*out = "\xef\xbf\xbd"; /* U+FFFD */
		*outlen = 3;
		return 1;
	}
	*out = s;
	*outlen = k;
	if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
		*out = " ";
		*outlen = 1;
	} else if (style == NEUTRAL_RAW) {
		return k;
	} else if (is_bidi(cp)) {
		*outlen = 0;
	} else if (cp == '@') {
		*out = "@" ZWSP;
		*outlen = 4;
	} else if (cp < 0x80) {
		for (const struct neutral_rep *r = neutral_reps[style]; r->rep; r++)
			if (r->c == (char)cp) {
				*out = r->rep;
				*outlen = strlen(r->rep);
			}
	}
	return k;
}

size_t
neutral_len(enum neutral_style style, const char *s)
{
	size_t n = s ? strlen(s) : 0, i = 0, cps = 0;

	while (i < n) {
		const char *o;
		size_t olen;

		i += neutral_one(style, s + i, n - i, &o, &olen);
		cps += utf8_count(o, olen);
	}
	return cps;
}

size_t
neutral_append(struct buf *out, enum neutral_style style, const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0, i = 0, cps = 0;
	bool cut = neutral_len(style, s) > max;
	size_t room = cut ? (max > 0 ? max - 1 : 0) : max;

	while (i < n) {
		const char *o;
		size_t olen, ocps;
		size_t k = neutral_one(style, s + i, n - i, &o, &olen);

		ocps = utf8_count(o, olen);
		if (cps + ocps > room)
			break;
		buf_append(out, o, olen);
		cps += ocps;
		i += k;
	}
	if (cut && max > 0) {
		buf_puts(out, ELLIPSIS);
		cps++;
	}
	return cps;
}

bool
neutral_url(struct buf *out, enum neutral_style style, const char *url)
{
	static const char hex[] = "0123456789ABCDEF";
	/* '@' too: no mention syntax, and no "https://bank@evil" userinfo trick. */
	static const char unsafe[] = " \"'<>|()[]\\{}^`@";

	if (!url || (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0))
		return false;
	for (const unsigned char *p = (const unsigned char *)url; *p; p++) {
		if (*p <= 0x20 || *p >= 0x7f || strchr(unsafe, *p)) {
			buf_putc(out, '%');
			buf_putc(out, hex[*p >> 4]);
			buf_putc(out, hex[*p & 15]);
		} else if (*p == '&' && style == NEUTRAL_SLACK) {
			buf_puts(out, "&amp;");
		} else {
			buf_putc(out, (char)*p);
		}
	}
	return true;
}
