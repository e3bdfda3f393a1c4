#include "core/jsonw.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"

enum es_err
jsonw_str(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0, run;
	enum es_err rc;

	if (!s)
		return buf_puts(b, "null");
	if ((rc = buf_putc(b, '"')))
		return rc;
	run = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		char esc[7];
		size_t k, elen = 0;

		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0x80 && (k = utf8_decode(s + i, n - i, NULL))) {
			/* U+2028 and U+2029 are escaped so the output is also valid JS. */
			if (k == 3 && c == 0xe2 && (unsigned char)s[i + 1] == 0x80 &&
			    ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9)) {
				memcpy(esc, (unsigned char)s[i + 2] == 0xa8 ? "\\u2028" : "\\u2029", 6);
				elen = 6;
			} else {
				i += k;
				continue;
			}
		}
		if ((rc = buf_append(b, s + run, i - run)))
			return rc;
		if (elen) {
			rc = buf_append(b, esc, elen);
			i += 3;
		} else if (c >= 0x80) {
			rc = buf_append(b, "\xef\xbf\xbd", 3);
			i++;
		} else {
			const char *e = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n"
				      : c == '\r' ? "\\r" : c == '\t' ? "\\t" : NULL;

			if (e) {
				rc = buf_puts(b, e);
			} else {
				char u[7] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0 };

				rc = buf_append(b, u, 6);
			}
			i++;
		}
		if (rc)
			return rc;
		run = i;
	}
	if ((rc = buf_append(b, s + run, n - run)))
		return rc;
	return buf_putc(b, '"');
}

enum es_err
jsonw_cstr(struct buf *b, const char *s)
{
	return jsonw_str(b, s, s ? strlen(s) : 0);
}

enum es_err
jsonw_num(struct buf *b, double d)
{
	if (!isfinite(d))
		return buf_puts(b, "null");
	if (d == (double)(int64_t)d && fabs(d) < 1e15)
		return buf_printf(b, "%" PRId64, (int64_t)d);
	{
		char tmp[40];

		/* The shortest of %.15g and %.17g that reads back as d. */
		snprintf(tmp, sizeof(tmp), "%.15g", d);
		if (strtod(tmp, NULL) != d)
			snprintf(tmp, sizeof(tmp), "%.17g", d);
		return buf_puts(b, tmp);
	}
}

enum es_err
jsonw_int(struct buf *b, int64_t v)
{
	return buf_printf(b, "%" PRId64, v);
}

enum es_err
jsonw_key(struct buf *b, const char *key, int *first)
{
	enum es_err rc;

	if (!*first && (rc = buf_putc(b, ',')))
		return rc;
	*first = 0;
	if ((rc = jsonw_cstr(b, key)))
		return rc;
	return buf_putc(b, ':');
}

enum es_err
jsonw_list(struct buf *b, const char *csv)
{
	const char *p = csv;
	enum es_err rc;

	if ((rc = buf_putc(b, '[')))
		return rc;
	while (p && *p) {
		size_t n = strcspn(p, ",");

		if (p != csv && (rc = buf_putc(b, ',')))
			return rc;
		if ((rc = jsonw_str(b, p, n)))
			return rc;
		p += n + (p[n] == ',');
	}
	return buf_putc(b, ']');
}
