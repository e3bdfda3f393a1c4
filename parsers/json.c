/* json.c - cJSON with the rules of reliability.md: bounded, terminated,
 * case-sensitive. */
#include "parsers/json.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "parsers/date.h"

/* The value of the \uXXXX escape at p (n bytes left), or -1. */
static long
json_u_escape(const char *p, size_t n)
{
	long v = 0;

	if (n < 6 || p[0] != '\\' || p[1] != 'u')
		return -1;
	for (int i = 2; i < 6; i++) {
		if (!isxdigit((unsigned char)p[i]))
			return -1;
		v = v * 16 + (isdigit((unsigned char)p[i]) ? p[i] - '0' : (p[i] | 0x20) - 'a' + 10);
	}
	return v;
}

/* Rewrites each \uD800-\uDFFF escape that is not half of a pair into
 * \uFFFD, in place (same length).  cJSON refuses the whole document over
 * one such escape, and JavaScript writes them whenever it cuts a string
 * between the halves of an emoji, so one truncated comment would make a
 * whole API response unreadable.  Backslashes outside strings make the
 * JSON invalid whatever happens here, so strings need not be tracked. */
static void
json_fix_surrogates(char *s, size_t len)
{
	char *p = s, *end = s + len;

	while ((p = memchr(p, '\\', (size_t)(end - p))) && end - p >= 2) {
		long hi = json_u_escape(p, (size_t)(end - p)), lo;

		if (hi < 0xD800 || hi > 0xDFFF) {
			p += hi < 0 ? 2 : 6;
			continue;
		}
		lo = hi <= 0xDBFF ? json_u_escape(p + 6, (size_t)(end - p - 6)) : -1;
		if (lo >= 0xDC00 && lo <= 0xDFFF) {
			p += 12;
			continue;
		}
		memcpy(p + 2, "fffd", 4);
		p += 6;
	}
}

cJSON *
json_parse(const char *data, size_t len, char *err, size_t errlen)
{
	char *copy = xmemdup(data, len);
	const char *end = NULL;
	cJSON *root;

	json_fix_surrogates(copy, len);
	root = cJSON_ParseWithLengthOpts(copy, len, &end, 0);

	if (!root) {
		es_error(ES_EPARSE, err, errlen, "invalid JSON at byte %zu",
			 end ? (size_t)(end - copy) : (size_t)0);
	} else {
		while (end && (size_t)(end - copy) < len && isspace((unsigned char)*end))
			end++;
		if (end && (size_t)(end - copy) < len && *end) {
			es_error(ES_EPARSE, err, errlen, "junk after JSON at byte %zu",
				 (size_t)(end - copy));
			cJSON_Delete(root);
			root = NULL;
		}
	}
	free(copy);
	return root;
}

char *
json_scalar(const cJSON *v)
{
	if (cJSON_IsString(v))
		return v->valuestring && *v->valuestring ? xstrdup(v->valuestring) : NULL;
	if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;

		if (!isfinite(d))
			return NULL;
		if (d == floor(d) && fabs(d) < 9e15)
			return xasprintf("%lld", (long long)d);
		return xasprintf("%.17g", d);
	}
	if (cJSON_IsBool(v))
		return xstrdup(cJSON_IsTrue(v) ? "true" : "false");
	return NULL;
}

int64_t
json_date(const cJSON *v)
{
	if (cJSON_IsNumber(v))
		return date_from_epoch(v->valuedouble);
	if (cJSON_IsString(v) && v->valuestring)
		return date_parse(v->valuestring);
	return 0;
}

double
json_number(const cJSON *v)
{
	char *end;
	double d;

	if (cJSON_IsNumber(v))
		return isfinite(v->valuedouble) ? v->valuedouble : NAN;
	if (!cJSON_IsString(v) || !v->valuestring)
		return NAN;
	d = strtod(v->valuestring, &end);
	return end == v->valuestring || !isfinite(d) ? NAN : d;
}

const cJSON *
json_get(const cJSON *obj, const char *key)
{
	return cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
}

const char *
json_str(const cJSON *obj, const char *key)
{
	const cJSON *v = json_get(obj, key);

	return cJSON_IsString(v) && v->valuestring && *v->valuestring ? v->valuestring : NULL;
}
