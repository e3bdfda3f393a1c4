/* date.c - tolerant date parsing for feeds and APIs.
 *
 * Three readers: epoch numbers, ISO 8601 (starts with a 4-digit year) and
 * a token reader for everything RFC 822-like, which classifies words
 * (day, month, zone, AM/PM) and numbers (day, year, time, offset) wherever
 * they stand.  Every value is range-checked; an unknown word fails the
 * whole date rather than being ignored. */
#include "parsers/date.h"

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/when.h"

#define DATE_MAX_LEN 128   /* longer strings are not dates */
#define DATE_MIN_YEAR 1900 /* earlier years are sentinels ("0001-01-01") */
#define DATE_MAX_YEAR 9999

struct date_tm {
	int year, mon, day, hour, min, sec;
	int off;       /* seconds east of UTC */
	bool has_time, has_zone, has_off;
	int ampm;      /* 0 none, 1 AM, 2 PM */
	int year_digits;
};

/* Zone abbreviations seen in feeds; offsets in minutes east of UTC.  The
 * military letters follow RFC 822 literally (A = -1 ... Z = 0), as
 * feedparser and most readers do. */
static const struct {
	const char *name;
	int min;
} date_zones[] = {
	{ "ut", 0 },      { "utc", 0 },     { "gmt", 0 },     { "z", 0 },
	{ "wet", 0 },     { "bst", 60 },    { "west", 60 },   { "cet", 60 },
	{ "met", 60 },    { "cest", 120 },  { "mest", 120 },  { "eet", 120 },
	{ "eest", 180 },  { "msk", 180 },   { "sgt", 480 },   { "hkt", 480 },
	{ "awst", 480 },  { "jst", 540 },   { "kst", 540 },   { "acst", 570 },
	{ "aest", 600 },  { "aedt", 660 },  { "nzst", 720 },  { "nzdt", 780 },
	{ "ast", -240 },  { "adt", -180 },  { "est", -300 },  { "edt", -240 },
	{ "cst", -360 },  { "cdt", -300 },  { "mst", -420 },  { "mdt", -360 },
	{ "pst", -480 },  { "pdt", -420 },  { "akst", -540 }, { "akdt", -480 },
	{ "hst", -600 },  { "et", -300 },   { "ct", -360 },   { "mt", -420 },
	{ "pt", -480 },
};

static const char *const date_months[] = { "january", "february", "march", "april",
					    "may", "june", "july", "august", "september",
					    "october", "november", "december" };
static const char *const date_days[] = { "monday", "tuesday", "wednesday", "thursday",
					  "friday", "saturday", "sunday" };

static bool
date_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
date_mdays(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && date_leap(y) ? 29 : days[m - 1];
}

/* Range-checks tm and converts it; 0 when any field is out of range. */
static int64_t
date_finish(struct date_tm *tm)
{
	if (tm->ampm) {
		if (tm->hour < 1 || tm->hour > 12)
			return 0;
		tm->hour = tm->hour % 12 + (tm->ampm == 2 ? 12 : 0);
	}
	if (tm->year_digits == 2)
		tm->year += tm->year < 50 ? 2000 : 1900;
	else if (tm->year_digits == 3)
		tm->year += 1900;
	if (tm->year < DATE_MIN_YEAR || tm->year > DATE_MAX_YEAR || tm->mon < 1 || tm->mon > 12 ||
	    tm->day < 1 || tm->day > date_mdays(tm->year, tm->mon))
		return 0;
	if (tm->hour < 0 || tm->hour > 24 || tm->min < 0 || tm->min > 59 || tm->sec < 0 ||
	    tm->sec > 60 || (tm->hour == 24 && (tm->min || tm->sec)))
		return 0;
	return when_timegm(tm->year, tm->mon, tm->day, tm->hour, tm->min, tm->sec) - tm->off;
}

/* Reads up to max digits at *p (at least min); advances *p.  -1 on failure. */
static int
date_num(const char **p, int min, int max)
{
	int v = 0, n = 0;

	while (n < max && isdigit((unsigned char)**p)) {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	return n >= min ? v : -1;
}

/* Reads "hh[:mm[:ss[.frac]]]" (or "hhmm[ss]" when basic); fractions are
 * dropped.  Returns false when malformed. */
static bool
date_time(const char **p, struct date_tm *tm, bool basic)
{
	const char *s = *p;

	if ((tm->hour = date_num(&s, 1, 2)) < 0)
		return false;
	if (*s == ':' || (basic && isdigit((unsigned char)*s))) {
		s += *s == ':';
		if ((tm->min = date_num(&s, 2, 2)) < 0)
			return false;
		if (*s == ':' || (basic && isdigit((unsigned char)*s))) {
			s += *s == ':';
			if ((tm->sec = date_num(&s, 2, 2)) < 0)
				return false;
			if ((*s == '.' || *s == ',') && isdigit((unsigned char)s[1]))
				for (s++; isdigit((unsigned char)*s); s++)
					;
		}
	}
	tm->has_time = true;
	*p = s;
	return true;
}

/* Reads a numeric offset after its sign: "+2", "+02", "+0200", "-04:00". */
static bool
date_offset(const char **p, struct date_tm *tm)
{
	const char *s = *p;
	int sign = *s == '-' ? -1 : 1, h, m = 0, n;
	const char *start = ++s;

	while (isdigit((unsigned char)*s))
		s++;
	n = (int)(s - start);
	s = start;
	if (n == 4 || n == 3) {
		h = date_num(&s, n - 2, n - 2);
		m = date_num(&s, 2, 2);
	} else if (n == 1 || n == 2) {
		h = date_num(&s, n, n);
		if (*s == ':' && (m = (s++, date_num(&s, 2, 2))) < 0)
			return false;
	} else {
		return false;
	}
	if (h > 23 || m > 59)
		return false;
	tm->off += sign * (h * 3600 + m * 60);
	tm->has_off = true;
	*p = s;
	return true;
}

/* A zone word or offset after the time in an ISO date: "Z", "+02:00",
 * " UTC", " GMT+2".  Returns false on trailing junk. */
static bool
date_iso_zone(const char *s, struct date_tm *tm)
{
	while (*s == ' ')
		s++;
	if (*s == 'Z' || *s == 'z') {
		s++;
	} else if (strncasecmp(s, "utc", 3) == 0 || strncasecmp(s, "gmt", 3) == 0) {
		s += 3;
	} else if (strncasecmp(s, "ut", 2) == 0) {
		s += 2;
	}
	if ((*s == '+' || *s == '-') && !date_offset(&s, tm))
		return false;
	while (*s == ' ')
		s++;
	return *s == '\0';
}

/* ISO 8601 / RFC 3339: "2003-06-10", "2003-06-10T04:00:00.5+02:00",
 * "2003-06-10 04:00:00 -0400", "20030610T040000Z", "2003/06/10 04:00". */
static int64_t
date_iso(const char *s)
{
	struct date_tm tm = { 0 };
	bool basic = isdigit((unsigned char)s[4]);
	char sep = basic ? 0 : s[4];

	tm.year = date_num(&s, 4, 4);
	if (sep && *s++ != sep)
		return 0;
	if ((tm.mon = date_num(&s, basic ? 2 : 1, 2)) < 0 || (sep && *s++ != sep) ||
	    (tm.day = date_num(&s, basic ? 2 : 1, 2)) < 0)
		return 0;
	if (*s == 'T' || *s == 't' || (*s == ' ' && isdigit((unsigned char)s[1]))) {
		s++;
		if (!date_time(&s, &tm, basic))
			return 0;
	}
	if (!date_iso_zone(s, &tm))
		return 0;
	return date_finish(&tm);
}

/* Index of w (n letters) in names as a prefix of at least 3 letters, or -1. */
static int
date_name(const char *w, size_t n, const char *const *names, int count)
{
	if (n < 3)
		return -1;
	for (int i = 0; i < count; i++)
		if (n <= strlen(names[i]) && strncasecmp(w, names[i], n) == 0)
			return i;
	return -1;
}

static bool
date_zone_word(const char *w, size_t n, struct date_tm *tm)
{
	char c = (char)tolower((unsigned char)w[0]);

	for (size_t i = 0; i < sizeof(date_zones) / sizeof(date_zones[0]); i++)
		if (strlen(date_zones[i].name) == n && strncasecmp(w, date_zones[i].name, n) == 0) {
			tm->off += date_zones[i].min * 60;
			return tm->has_zone = true;
		}
	if (n != 1 || c < 'a' || c > 'z' || c == 'j')
		return false;
	/* Military letters: A-I = -1..-9, K-M = -10..-12, N-Y = +1..+12. */
	if (c <= 'i')
		tm->off -= (c - 'a' + 1) * 3600;
	else if (c <= 'm')
		tm->off -= (c - 'k' + 10) * 3600;
	else if (c <= 'y')
		tm->off += (c - 'n' + 1) * 3600;
	return tm->has_zone = true;
}

/* One word of a loose date: month, day name, AM/PM, "at" or a zone. */
static bool
date_word(const char *w, size_t n, struct date_tm *tm)
{
	int i;

	if ((i = date_name(w, n, date_months, 12)) >= 0) {
		if (tm->mon)
			return false;
		tm->mon = i + 1;
		return true;
	}
	if (date_name(w, n, date_days, 7) >= 0 || (n == 2 && strncasecmp(w, "at", 2) == 0))
		return true;
	if (n == 2 && (strncasecmp(w, "am", 2) == 0 || strncasecmp(w, "pm", 2) == 0)) {
		if (!tm->has_time || tm->ampm)
			return false;
		tm->ampm = tolower((unsigned char)w[0]) == 'a' ? 1 : 2;
		return true;
	}
	if (tm->has_zone || !tm->has_time)
		return false;
	return date_zone_word(w, n, tm);
}

/* A number that is not a time: the day, then the year. */
static bool
date_number(const char **p, struct date_tm *tm)
{
	const char *s = *p;
	int digits, v;

	while (isdigit((unsigned char)*s))
		s++;
	digits = (int)(s - *p);
	if (*s == ':')
		return !tm->has_time && date_time(p, tm, false);
	if (digits > 4)
		return false;
	s = *p;
	v = date_num(&s, digits, digits);
	if (digits <= 2 && !tm->day) {
		tm->day = v;
	} else if (digits <= 4 && !tm->year_digits) {
		tm->year = v;
		tm->year_digits = digits;
	} else {
		return false;
	}
	/* "10th", "1st": ordinal suffixes on the day. */
	if (digits <= 2 && tm->year_digits == 0 && isalpha((unsigned char)*s) &&
	    (strncasecmp(s, "st", 2) == 0 || strncasecmp(s, "nd", 2) == 0 ||
	     strncasecmp(s, "rd", 2) == 0 || strncasecmp(s, "th", 2) == 0) &&
	    !isalpha((unsigned char)s[2]))
		s += 2;
	*p = s;
	return true;
}

/* RFC 822/1123/850, asctime and English prose dates, token by token. */
static int64_t
date_loose(const char *s)
{
	struct date_tm tm = { 0 };

	while (*s) {
		unsigned char c = (unsigned char)*s;

		if (c == ' ' || c == ',' || c == '\t' || c == '.' || c == '/') {
			s++;
		} else if (c == '(') {
			const char *close = strchr(s, ')');

			if (!close)
				return 0;
			s = close + 1;
		} else if (isalpha(c)) {
			const char *w = s;

			while (isalpha((unsigned char)*s))
				s++;
			if (!date_word(w, (size_t)(s - w), &tm))
				return 0;
		} else if (isdigit(c)) {
			if (!date_number(&s, &tm))
				return 0;
		} else if ((c == '+' || c == '-') && tm.has_time && !tm.has_off &&
			   isdigit((unsigned char)s[1])) {
			if (!date_offset(&s, &tm))
				return 0;
		} else if (c == '-') {
			s++;
		} else {
			return 0;
		}
	}
	if (!tm.mon || !tm.day || !tm.year_digits)
		return 0;
	return date_finish(&tm);
}

int64_t
date_from_epoch(double v)
{
	if (isnan(v) || v <= 0)
		return 0;
	if (v >= 1e14)
		v /= 1e6;
	else if (v >= 1e11)
		v /= 1e3;
	if (v >= 253402300800.0) /* 10000-01-01 */
		return 0;
	return (int64_t)v;
}

/* All digits with at most one '.': an epoch number. */
static bool
date_is_number(const char *s)
{
	int dots = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s == '.')
			dots++;
		else if (!isdigit((unsigned char)*s))
			return false;
	}
	return dots <= 1;
}

int64_t
date_parse_len(const char *s, size_t n)
{
	char tmp[DATE_MAX_LEN];

	if (!s)
		return 0;
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (n == 0 || n >= sizeof(tmp) || memchr(s, '\0', n))
		return 0;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (n == 8 && date_is_number(tmp) && !strchr(tmp, '.')) {
		int64_t t = date_iso(tmp);

		if (t)
			return t;
	}
	if (date_is_number(tmp))
		return date_from_epoch(strtod(tmp, NULL));
	if (n >= 8 && isdigit((unsigned char)tmp[0]) && isdigit((unsigned char)tmp[1]) &&
	    isdigit((unsigned char)tmp[2]) && isdigit((unsigned char)tmp[3]) &&
	    (tmp[4] == '-' || tmp[4] == '/' || isdigit((unsigned char)tmp[4])))
		return date_iso(tmp);
	return date_loose(tmp);
}

int64_t
date_parse(const char *s)
{
	return s ? date_parse_len(s, strlen(s)) : 0;
}
