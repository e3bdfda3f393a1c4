#include "core/when.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static int64_t when_offset;

int64_t
when_now(void)
{
	return (int64_t)time(NULL) + when_offset;
}

int64_t
when_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
when_set_offset(int64_t secs)
{
	when_offset = secs;
}

/* Days from 1970-01-01 to the given civil date (Howard Hinnant's method). */
static int64_t
when_days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int64_t
when_timegm(int year, int mon, int mday, int hour, int min, int sec)
{
	return when_days_from_civil(year, mon, mday) * 86400 + (int64_t)hour * 3600 +
	       (int64_t)min * 60 + sec;
}

char *
when_fmt_iso(int64_t t, char out[WHEN_ISOLEN])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 0) {
		strcpy(out, "1970-01-01T00:00:00Z");
		return out;
	}
	{
		char tmp[80];

		snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
		memcpy(out, tmp, WHEN_ISOLEN - 1);
		out[WHEN_ISOLEN - 1] = '\0';
	}
	return out;
}

static int
when_digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 1;
}

enum es_err
when_parse_iso(const char *s, int64_t *t)
{
	int y, mo, d, h = 0, mi = 0, se = 0;
	size_t n = strlen(s);

	if (n < 10 || !when_digits(s, 4, &y) || s[4] != '-' || !when_digits(s + 5, 2, &mo) ||
	    s[7] != '-' || !when_digits(s + 8, 2, &d))
		return ES_EPARSE;
	if (n > 10) {
		if ((s[10] != 'T' && s[10] != ' ') || n < 16 || !when_digits(s + 11, 2, &h) ||
		    s[13] != ':' || !when_digits(s + 14, 2, &mi))
			return ES_EPARSE;
		if (n >= 19 && s[16] == ':' && !when_digits(s + 17, 2, &se))
			return ES_EPARSE;
		s += n >= 19 && s[16] == ':' ? 19 : 16;
		if (*s && strcmp(s, "Z") != 0)
			return ES_EPARSE;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
		return ES_EPARSE;
	*t = when_timegm(y, mo, d, h, mi, se);
	return ES_OK;
}
