/* charset.c - encoding detection and iconv conversion to UTF-8. */
#include "parsers/charset.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/utf8.h"

#define CHARSET_SNIFF_XML 1024  /* bytes searched for the XML declaration */
#define CHARSET_SNIFF_HTML 4096 /* bytes searched for <meta charset> */

/* Labels read as another encoding (WHATWG: Latin-1 and ASCII labels mean
 * windows-1252; GB2312 pages are GBK). */
static const struct {
	const char *label, *name;
} charset_aliases[] = {
	{ "UTF8", "UTF-8" },           { "ISO-8859-1", "WINDOWS-1252" },
	{ "ISO8859-1", "WINDOWS-1252" }, { "ISO_8859-1", "WINDOWS-1252" },
	{ "LATIN1", "WINDOWS-1252" },  { "LATIN-1", "WINDOWS-1252" },
	{ "L1", "WINDOWS-1252" },      { "US-ASCII", "WINDOWS-1252" },
	{ "ASCII", "WINDOWS-1252" },   { "CP1252", "WINDOWS-1252" },
	{ "CP819", "WINDOWS-1252" },   { "CP1251", "WINDOWS-1251" },
	{ "GB2312", "GBK" },           { "X-SJIS", "SHIFT_JIS" },
	{ "SJIS", "SHIFT_JIS" },       { "UNICODE", "UTF-16LE" },
};

bool
charset_is_utf8(const char *name)
{
	return strcasecmp(name, "UTF-8") == 0 || strcasecmp(name, "UTF8") == 0;
}

/* Copies the label at s (up to a quote, space, ';' or '>') as an upper-case
 * canonical name.  Returns false when empty or too long. */
static bool
charset_label(const char *s, const char *end, char name[CHARSET_NAMELEN])
{
	size_t n = 0;

	while (s < end && (*s == '"' || *s == '\'' || *s == ' '))
		s++;
	while (s < end && n + 1 < CHARSET_NAMELEN &&
	       (isalnum((unsigned char)*s) || *s == '-' || *s == '_' || *s == '.' || *s == ':'))
		name[n++] = (char)toupper((unsigned char)*s++);
	name[n] = '\0';
	if (!n || n + 1 >= CHARSET_NAMELEN)
		return false;
	for (size_t i = 0; i < sizeof(charset_aliases) / sizeof(charset_aliases[0]); i++)
		if (strcmp(name, charset_aliases[i].label) == 0) {
			snprintf(name, CHARSET_NAMELEN, "%s", charset_aliases[i].name);
			break;
		}
	return true;
}

static const char *
charset_memcasemem(const char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	for (size_t i = 0; i + k <= n; i++)
		if (strncasecmp(hay + i, needle, k) == 0)
			return hay + i;
	return NULL;
}

/* encoding="..." in an XML declaration at the start of data. */
static bool
charset_xml_decl(const char *data, size_t len, char name[CHARSET_NAMELEN])
{
	size_t n = len < CHARSET_SNIFF_XML ? len : CHARSET_SNIFF_XML;
	const char *p = data, *end, *enc;

	while (p < data + n && isspace((unsigned char)*p))
		p++;
	if ((size_t)(data + n - p) < 5 || memcmp(p, "<?xml", 5) != 0)
		return false;
	if (!(end = memchr(p, '>', (size_t)(data + n - p))))
		return false;
	if (!(enc = charset_memcasemem(p, (size_t)(end - p), "encoding")))
		return false;
	enc += 8;
	while (enc < end && (*enc == ' ' || *enc == '='))
		enc++;
	return charset_label(enc, end, name);
}

/* <meta charset="x"> or <meta http-equiv content="text/html; charset=x">. */
static bool
charset_html_meta(const char *data, size_t len, char name[CHARSET_NAMELEN])
{
	size_t n = len < CHARSET_SNIFF_HTML ? len : CHARSET_SNIFF_HTML;
	const char *p = data, *meta;

	while ((meta = charset_memcasemem(p, (size_t)(data + n - p), "<meta"))) {
		const char *end = memchr(meta, '>', (size_t)(data + n - meta));
		const char *cs;

		if (!end)
			return false;
		if ((cs = charset_memcasemem(meta, (size_t)(end - meta), "charset"))) {
			cs += 7;
			while (cs < end && (*cs == ' ' || *cs == '='))
				cs++;
			return charset_label(cs, end, name);
		}
		p = end;
	}
	return false;
}

static size_t
charset_bom(const unsigned char *d, size_t len, char name[CHARSET_NAMELEN])
{
	static const struct {
		const char *bytes;
		size_t n;
		const char *name;
	} boms[] = {
		{ "\xef\xbb\xbf", 3, "UTF-8" },        { "\xff\xfe\x00\x00", 4, "UTF-32LE" },
		{ "\x00\x00\xfe\xff", 4, "UTF-32BE" }, { "\xff\xfe", 2, "UTF-16LE" },
		{ "\xfe\xff", 2, "UTF-16BE" },         { "<\0?\0", 0, "UTF-16LE" },
		{ "\0<\0?", 0, "UTF-16BE" },
	};

	for (size_t i = 0; i < sizeof(boms) / sizeof(boms[0]); i++) {
		size_t k = boms[i].n ? boms[i].n : 4;

		if (len >= k && memcmp(d, boms[i].bytes, k) == 0) {
			snprintf(name, CHARSET_NAMELEN, "%s", boms[i].name);
			return boms[i].n;
		}
	}
	return (size_t)-1;
}

static bool
charset_has_multibyte(const char *data, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)data[i] >= 0x80)
			return true;
	return false;
}

size_t
charset_detect(const char *data, size_t len, const char *header, enum charset_doc doc,
	       char name[CHARSET_NAMELEN])
{
	size_t bom = charset_bom((const unsigned char *)data, len, name);
	bool found;

	if (bom != (size_t)-1)
		return bom;
	found = doc != CHARSET_JSON && charset_xml_decl(data, len, name);
	if (!found && doc == CHARSET_HTML)
		found = charset_html_meta(data, len, name);
	if (!found && doc != CHARSET_JSON && header)
		found = charset_label(header, header + strlen(header), name);
	if (!found)
		snprintf(name, CHARSET_NAMELEN, "UTF-8");
	/* A declaration readable as ASCII cannot be UTF-16 or UTF-32. */
	if (strncmp(name, "UTF-16", 6) == 0 || strncmp(name, "UTF-32", 6) == 0 ||
	    strcmp(name, "UCS-2") == 0)
		snprintf(name, CHARSET_NAMELEN, "UTF-8");
	if (strcmp(name, "WINDOWS-1252") == 0 && charset_has_multibyte(data, len) &&
	    utf8_valid(data, len))
		snprintf(name, CHARSET_NAMELEN, "UTF-8");
	return 0;
}

/* Appends what iconv makes of the input; bad bytes become U+FFFD. */
static bool
charset_iconv(iconv_t cd, const char *data, size_t len, struct buf *out)
{
	char *in = (char *)data, chunk[8192];
	size_t inleft = len;

	while (inleft) {
		char *o = chunk;
		size_t oleft = sizeof(chunk);
		size_t r = iconv(cd, &in, &inleft, &o, &oleft);
		int e = errno;

		if (buf_append(out, chunk, sizeof(chunk) - oleft))
			return false;
		if (r != (size_t)-1 || e == E2BIG)
			continue;
		if (buf_append(out, "\xef\xbf\xbd", 3))
			return false;
		if (e == EINVAL)
			break;
		in++;
		inleft--;
	}
	return true;
}

char *
charset_to_utf8(const char *data, size_t len, const char *charset, size_t max, size_t *outlen)
{
	struct buf out;
	iconv_t cd = (iconv_t)-1;
	bool ok;

	buf_init(&out, max);
	if (charset && !charset_is_utf8(charset))
		cd = iconv_open("UTF-8", charset);
	if (cd == (iconv_t)-1) {
		ok = utf8_append_clean(&out, data, len) == ES_OK;
	} else {
		ok = charset_iconv(cd, data, len, &out);
		iconv_close(cd);
	}
	if (!ok) {
		buf_free(&out);
		return NULL;
	}
	return buf_take(&out, outlen);
}
