#include "core/units.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

struct unit {
	const char *name;
	int64_t factor;
};

/* Durations are kept in milliseconds. */
static const struct unit duration_units[] = {
	{ "s", 1000 }, { "ms", 1 }, { "sec", 1000 }, { "m", 60000 }, { "min", 60000 },
	{ "h", 3600000 }, { "d", 86400000 }, { "w", 604800000 },
};

static const struct unit size_units[] = {
	{ "", 1 }, { "b", 1 },
	{ "k", 1024 }, { "kib", 1024 }, { "kb", 1000 },
	{ "m", 1024 * 1024 }, { "mib", 1024 * 1024 }, { "mb", 1000 * 1000 },
	{ "g", 1024LL * 1024 * 1024 }, { "gib", 1024LL * 1024 * 1024 }, { "gb", 1000LL * 1000 * 1000 },
};

/* Reads digits at *s into *v; returns 0 when there are none or on overflow. */
static int
units_number(const char **s, int64_t *v)
{
	const char *p = *s;
	int64_t n = 0;

	if (!isdigit((unsigned char)*p))
		return 0;
	for (; isdigit((unsigned char)*p); p++) {
		if (n > (INT64_MAX - 9) / 10)
			return 0;
		n = n * 10 + (*p - '0');
	}
	*s = p;
	*v = n;
	return 1;
}

static const struct unit *
units_find(const struct unit *t, size_t n, const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(t[i].name) == len && strncasecmp(t[i].name, name, len) == 0)
			return &t[i];
	return NULL;
}

enum es_err
units_parse_duration(const char *s, int64_t *ms)
{
	int64_t total = 0, v;
	int parts = 0;

	while (isspace((unsigned char)*s))
		s++;
	while (*s) {
		const struct unit *u;
		const char *name;

		if (!units_number(&s, &v))
			return ES_EPARSE;
		name = s;
		while (isalpha((unsigned char)*s))
			s++;
		if (s == name) {
			/* A bare number is seconds, and only when it stands alone. */
			u = &duration_units[0];
			while (isspace((unsigned char)*s))
				s++;
			if (parts || *s)
				return ES_EPARSE;
		} else if (!(u = units_find(duration_units, sizeof(duration_units) / sizeof(*u),
					     name, (size_t)(s - name)))) {
			return ES_EPARSE;
		}
		if (v > (INT64_MAX - total) / u->factor)
			return ES_EPARSE;
		total += v * u->factor;
		parts++;
		while (isspace((unsigned char)*s))
			s++;
	}
	if (!parts)
		return ES_EPARSE;
	*ms = total;
	return ES_OK;
}

enum es_err
units_parse_size(const char *s, int64_t *bytes)
{
	const struct unit *u;
	const char *name;
	int64_t v;

	while (isspace((unsigned char)*s))
		s++;
	if (!units_number(&s, &v))
		return ES_EPARSE;
	while (isspace((unsigned char)*s))
		s++;
	name = s;
	while (isalpha((unsigned char)*s))
		s++;
	u = units_find(size_units, sizeof(size_units) / sizeof(*u), name, (size_t)(s - name));
	while (isspace((unsigned char)*s))
		s++;
	if (!u || *s || v > INT64_MAX / u->factor)
		return ES_EPARSE;
	*bytes = v * u->factor;
	return ES_OK;
}

char *
units_fmt_duration(int64_t ms, char *out, size_t len)
{
	static const struct unit order[] = {
		{ "d", 86400000 }, { "h", 3600000 }, { "m", 60000 }, { "s", 1000 }, { "ms", 1 },
	};
	int64_t secs = ms;
	size_t o = 0;

	if (secs <= 0) {
		snprintf(out, len, "%llds", (long long)secs / 1000);
		return out;
	}
	out[0] = '\0';
	for (size_t i = 0; i < 5 && secs; i++) {
		if (secs >= order[i].factor) {
			int n = snprintf(out + o, len - o, "%lld%s",
					 (long long)(secs / order[i].factor), order[i].name);
			if (n < 0 || (size_t)n >= len - o)
				break;
			o += (size_t)n;
			secs %= order[i].factor;
		}
	}
	return out;
}

char *
units_fmt_size(int64_t bytes, char *out, size_t len)
{
	if (bytes > 0 && bytes % (1024LL * 1024 * 1024) == 0)
		snprintf(out, len, "%lldGiB", (long long)(bytes >> 30));
	else if (bytes > 0 && bytes % (1024 * 1024) == 0)
		snprintf(out, len, "%lldMiB", (long long)(bytes >> 20));
	else if (bytes > 0 && bytes % 1024 == 0)
		snprintf(out, len, "%lldKiB", (long long)(bytes >> 10));
	else
		snprintf(out, len, "%lldB", (long long)bytes);
	return out;
}
