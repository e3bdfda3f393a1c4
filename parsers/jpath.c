/* jpath.c - evaluating dotted paths over a cJSON tree, segment by segment
 * straight from the string (paths are short; nothing is compiled). */
#include "parsers/jpath.h"

#include <stdlib.h>
#include <string.h>

#include "parsers/json.h"

static bool jpath_walk(const cJSON *node, const char *p, jpath_fn fn, void *ctx, int depth);

/* Visits every child of node (array elements, object values) with the
 * rest of the path; false when fn asked to stop. */
static bool
jpath_all(const cJSON *node, const char *rest, jpath_fn fn, void *ctx, int depth)
{
	const cJSON *c;

	if (!cJSON_IsArray(node) && !cJSON_IsObject(node))
		return true;
	cJSON_ArrayForEach(c, node)
		if (!jpath_walk(c, rest, fn, ctx, depth + 1))
			return false;
	return true;
}

/* After a segment: '.' continues, end visits, '[' indexes. */
static bool
jpath_after(const cJSON *node, const char *p, jpath_fn fn, void *ctx, int depth)
{
	char *end;
	long idx;

	if (!node)
		return true;
	if (*p == '\0')
		return fn(node, ctx);
	if (*p == '.')
		return jpath_walk(node, p + 1, fn, ctx, depth + 1);
	if (*p != '[')
		return true;
	if (p[1] == ']')
		return jpath_all(node, p + 2, fn, ctx, depth);
	if (p[1] == '*' && p[2] == ']')
		return jpath_all(node, p + 3, fn, ctx, depth);
	idx = strtol(p + 1, &end, 10);
	if (end == p + 1 || *end != ']' || idx < 0 || !cJSON_IsArray(node))
		return true;
	return jpath_after(cJSON_GetArrayItem(node, (int)idx), end + 1, fn, ctx, depth + 1);
}

/* NOTE: "a[]" visits each element with "" left, but "a[].b" must go on
 * with ".b"; jpath_all passes the rest as is and jpath_walk skips a
 * leading '.'. */
static bool
jpath_walk(const cJSON *node, const char *p, jpath_fn fn, void *ctx, int depth)
{
	size_t n;
	char key[JPATH_MAX_LEN];

	if (depth > JSON_MAX_DEPTH)
		return true;
	if (*p == '.')
		p++;
	if (*p == '\0')
		return fn(node, ctx);
	if (*p == '*' && (p[1] == '\0' || p[1] == '.' || p[1] == '['))
		return jpath_all(node, p + 1, fn, ctx, depth);
	if (*p == '[')
		return jpath_after(node, p, fn, ctx, depth);
	n = strcspn(p, ".[");
	if (n >= sizeof(key))
		return true;
	memcpy(key, p, n);
	key[n] = '\0';
	return jpath_after(json_get(node, key), p + n, fn, ctx, depth);
}

void
jpath_each(const cJSON *node, const char *path, jpath_fn fn, void *ctx)
{
	if (node && path && strlen(path) < JPATH_MAX_LEN)
		jpath_walk(node, path, fn, ctx, 0);
}

static bool
jpath_keep_first(const cJSON *v, void *ctx)
{
	*(const cJSON **)ctx = v;
	return false;
}

const cJSON *
jpath_first(const cJSON *node, const char *path)
{
	const cJSON *found = NULL;

	jpath_each(node, path, jpath_keep_first, &found);
	return found;
}

static enum es_err
jpath_bad(char *err, size_t errlen, int *col, size_t at, const char *what)
{
	*col = (int)at + 1;
	return es_error(ES_EINVAL, err, errlen, "%s", what);
}

/* Checks "[...]" at p[i]; returns the index after it, or 0 on error. */
static size_t
jpath_check_bracket(const char *p, size_t i)
{
	size_t j = i + 1;

	if (p[j] == ']')
		return j + 1;
	if (p[j] == '*' && p[j + 1] == ']')
		return j + 2;
	while (p[j] >= '0' && p[j] <= '9')
		j++;
	return j > i + 1 && p[j] == ']' ? j + 1 : 0;
}

enum es_err
jpath_check(const char *p, char *err, size_t errlen, int *col)
{
	size_t i = 0, n = strlen(p);

	*col = 0;
	if (!n)
		return es_error(ES_EINVAL, err, errlen, "empty path");
	if (n >= JPATH_MAX_LEN)
		return es_error(ES_EINVAL, err, errlen, "path longer than %d bytes", JPATH_MAX_LEN);
	while (i < n) {
		size_t seg = strcspn(p + i, ".[]");

		if (p[i + seg] == ']')
			return jpath_bad(err, errlen, col, i + seg, "']' without '['");
		if (!seg && p[i] != '[' && !(i == 0 && p[i] == '['))
			return jpath_bad(err, errlen, col, i, "empty key");
		i += seg;
		while (p[i] == '[') {
			size_t next = jpath_check_bracket(p, i);

			if (!next)
				return jpath_bad(err, errlen, col, i, "expected [], [*] or [N]");
			i = next;
		}
		if (p[i] == '.') {
			if (!p[i + 1])
				return jpath_bad(err, errlen, col, i, "path ends with '.'");
			i++;
		} else if (p[i] && p[i] != '[') {
			return jpath_bad(err, errlen, col, i, "expected '.' or '['");
		}
	}
	return ES_OK;
}
