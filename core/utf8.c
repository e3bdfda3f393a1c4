#include "core/utf8.h"

#include <stdint.h>
#include <string.h>
#include <utf8proc.h>

size_t
utf8_decode(const char *str, size_t n, int32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	int32_t c;
	size_t len;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		c = s[0];
		len = 1;
	} else if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		if (n < 2 || (s[1] & 0xc0) != 0x80)
			return 0;
		c = ((s[0] & 0x1f) << 6) | (s[1] & 0x3f);
		len = 2;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		c = ((s[0] & 0x0f) << 12) | ((s[1] & 0x3f) << 6) | (s[2] & 0x3f);
		if (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))
			return 0;
		len = 3;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		c = ((s[0] & 0x07) << 18) | ((s[1] & 0x3f) << 12) | ((s[2] & 0x3f) << 6) |
		    (s[3] & 0x3f);
		if (c < 0x10000 || c > 0x10ffff)
			return 0;
		len = 4;
	} else {
		return 0;
	}
	if (cp)
		*cp = c;
	return len;
}

bool
utf8_valid(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint64_t w;
		size_t k;

		/* Eight bytes of ASCII at a time: most feed text is. */
		if (n - i >= 8) {
			memcpy(&w, s + i, 8);
			if (!(w & 0x8080808080808080ULL)) {
				i += 8;
				continue;
			}
		}
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		if (!(k = utf8_decode(s + i, n - i, NULL)))
			return false;
		i += k;
	}
	return true;
}

enum es_err
utf8_append_clean(struct buf *out, const char *s, size_t n)
{
	size_t i = 0, run = 0;
	enum es_err rc;

	/* Copies runs of good bytes at once; fixes the rest one by one. */
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		size_t k;

		if (c >= 0x20 && c < 0x80) {
			i++;
			continue;
		}
		if (c == '\t' || c == '\n') {
			i++;
			continue;
		}
		if (c >= 0x80 && (k = utf8_decode(s + i, n - i, NULL))) {
			i += k;
			continue;
		}
		if ((rc = buf_append(out, s + run, i - run)))
			return rc;
		if (c >= 0x80 && (rc = buf_append(out, "\xef\xbf\xbd", 3)))
			return rc;
		i++;
		run = i;
	}
	return buf_append(out, s + run, n - run);
}

size_t
utf8_cut(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return max;
}

size_t
utf8_count(const char *s, size_t n)
{
	size_t i = 0, count = 0;

	while (i < n) {
		size_t k = utf8_decode(s + i, n - i, NULL);

		i += k ? k : 1;
		count++;
	}
	return count;
}

size_t
utf8_width(const char *s, size_t n)
{
	size_t i = 0, w = 0;

	while (i < n) {
		int32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		int cw;

		if (!k) {
			i++;
			w++;
			continue;
		}
		i += k;
		cw = utf8proc_charwidth(cp);
		w += cw > 0 ? (size_t)cw : 0;
	}
	return w;
}

enum es_err
utf8_put(struct buf *out, int32_t cp)
{
	unsigned char b[4];
	size_t n;

	if (cp < 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xc0 | (cp >> 6));
		b[1] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (unsigned char)(0xe0 | (cp >> 12));
		b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (unsigned char)(0xf0 | (cp >> 18));
		b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return buf_append(out, b, n);
}
