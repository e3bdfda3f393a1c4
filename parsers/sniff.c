/* sniff.c - telling RSS, Atom, JSON and HTML apart by content. */
#include "parsers/sniff.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

/* Root element names (local part, after any prefix) and their format. */
static const struct {
	const char *name;
	enum parse_format format;
} sniff_roots[] = {
	{ "rss", PARSE_RSS },
	{ "RDF", PARSE_RSS },
	{ "channel", PARSE_RSS },
	{ "feed", PARSE_ATOM },
};

static size_t
sniff_past(const char *data, size_t len, size_t pos, const char *term)
{
	const char *t = memmem(data + pos, len - pos, term, strlen(term));

	return t ? (size_t)(t - data) + strlen(term) : len;
}

/* Past a DOCTYPE, whose internal subset may hold '>' inside [ ]. */
static size_t
sniff_past_doctype(const char *data, size_t len, size_t pos)
{
	int bracket = 0;

	for (; pos < len; pos++) {
		if (data[pos] == '[')
			bracket++;
		else if (data[pos] == ']' && bracket)
			bracket--;
		else if (data[pos] == '>' && !bracket)
			return pos + 1;
	}
	return len;
}

static bool
sniff_name_start(unsigned char c)
{
	return isalpha(c) || c == '_' || c >= 0x80;
}

/* Skips markup that is not an element at pos ('<'); returns the new
 * position, or pos when an element starts there. */
static size_t
sniff_skip(const char *data, size_t len, size_t pos, bool *html)
{
	const char *s = data + pos;
	size_t left = len - pos;

	if (left >= 4 && memcmp(s, "<!--", 4) == 0)
		return sniff_past(data, len, pos + 4, "-->");
	if (left >= 2 && s[1] == '?')
		return sniff_past(data, len, pos + 2, "?>");
	if (left >= 9 && strncasecmp(s, "<!DOCTYPE", 9) == 0) {
		size_t i = pos + 9;

		while (i < len && isspace((unsigned char)data[i]))
			i++;
		if (len - i >= 4 && strncasecmp(data + i, "html", 4) == 0 &&
		    (len - i == 4 || !isalnum((unsigned char)data[i + 4])))
			*html = true;
		return sniff_past_doctype(data, len, pos + 9);
	}
	if (left >= 2 && s[1] == '!')
		return sniff_past(data, len, pos + 2, ">");
	if (left >= 2 && sniff_name_start((unsigned char)s[1]))
		return pos;
	return pos + 1;
}

size_t
sniff_first_element(const char *data, size_t len, size_t pos)
{
	bool html = false;

	while (pos < len) {
		const char *lt = memchr(data + pos, '<', len - pos);
		size_t next;

		if (!lt)
			return len;
		pos = (size_t)(lt - data);
		if ((next = sniff_skip(data, len, pos, &html)) == pos)
			return pos;
		pos = next;
	}
	return len;
}

/* The format a root element's name stands for, or PARSE_UNKNOWN. */
static enum parse_format
sniff_root_name(const char *s, size_t left)
{
	size_t n = 0, local = 0;

	while (n < left && n < 64 && !isspace((unsigned char)s[n]) && s[n] != '>' && s[n] != '/') {
		if (s[n] == ':')
			local = n + 1;
		n++;
	}
	for (size_t i = 0; i < sizeof(sniff_roots) / sizeof(sniff_roots[0]); i++)
		if (strlen(sniff_roots[i].name) == n - local &&
		    memcmp(s + local, sniff_roots[i].name, n - local) == 0)
			return sniff_roots[i].format;
	return PARSE_UNKNOWN;
}

static bool
sniff_is_html_name(const char *s, size_t left)
{
	static const char *const names[] = { "html", "head", "body", "meta", "title", "div", "p" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t n = strlen(names[i]);

		if (left > n && strncasecmp(s, names[i], n) == 0 &&
		    !isalnum((unsigned char)s[n]))
			return true;
	}
	return false;
}

/* Markup: the first feed root within the junk limit, else HTML when the
 * page looks like one. */
static enum parse_format
sniff_markup(const char *data, size_t len, size_t pos, size_t *root)
{
	bool html = false;
	size_t first = len;

	while (pos < len && pos < SNIFF_MAX_JUNK) {
		const char *lt = memchr(data + pos, '<', len - pos);
		enum parse_format f;
		size_t next;

		if (!lt)
			break;
		pos = (size_t)(lt - data);
		if ((next = sniff_skip(data, len, pos, &html)) != pos) {
			pos = next;
			continue;
		}
		if ((f = sniff_root_name(data + pos + 1, len - pos - 1)) != PARSE_UNKNOWN) {
			*root = pos;
			return f;
		}
		if (first == len) {
			first = pos;
			html = html || sniff_is_html_name(data + pos + 1, len - pos - 1);
			if (html)
				break;
		}
		pos++;
	}
	*root = first == len ? 0 : first;
	return html || first != len ? PARSE_HTML : PARSE_UNKNOWN;
}

enum parse_format
sniff_format(const char *data, size_t len, size_t *root)
{
	size_t pos = 0;

	*root = 0;
	while (pos < len && isspace((unsigned char)data[pos]))
		pos++;
	/* ")]}'" guards JSON against script inclusion in some APIs. */
	if (len - pos >= 4 && memcmp(data + pos, ")]}'", 4) == 0) {
		const char *nl = memchr(data + pos, '\n', len - pos);

		pos = nl ? (size_t)(nl - data) + 1 : len;
		while (pos < len && isspace((unsigned char)data[pos]))
			pos++;
	}
	if (pos < len && (data[pos] == '{' || data[pos] == '[')) {
		*root = pos;
		return PARSE_JSON;
	}
	return sniff_markup(data, len, pos, root);
}
