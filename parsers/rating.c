/* rating.c - stars, percentages and "4 out of 5". */
#include "parsers/rating.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

double
rating_norm(double value, double best, double worst)
{
	double r;

	if (isnan(best))
		best = RATING_BEST;
	if (isnan(worst))
		worst = best > 10 ? 0 : RATING_WORST;
	if (isnan(value) || !(best > worst))
		return NAN;
	r = (value - worst) / (best - worst);
	return r < 0 ? 0 : r > 1 ? 1 : r;
}

/* Reads "12" or "4.5" (a '.' counts only when a digit follows, so that
 * "0..10" reads 0 and then ".."). */
static bool
rating_num(const char **s, double *out)
{
	const char *p = *s;
	double v = 0, scale = 1;

	while (isspace((unsigned char)*p))
		p++;
	if (!isdigit((unsigned char)*p))
		return false;
	for (; isdigit((unsigned char)*p) && v < 1e12; p++)
		v = v * 10 + (*p - '0');
	if (*p == '.' && isdigit((unsigned char)p[1]))
		for (p++; isdigit((unsigned char)*p); p++)
			v += (*p - '0') * (scale /= 10);
	*out = v;
	*s = p;
	return true;
}

bool
rating_scale_parse(const char *s, double *best, double *worst)
{
	double a, b;

	if (!s || !rating_num(&s, &a))
		return false;
	while (isspace((unsigned char)*s))
		s++;
	if (!*s) {
		*best = a;
		*worst = a > 10 ? 0 : 1;
		return a > *worst;
	}
	if (strncmp(s, "..", 2) == 0)
		s += 2;
	else if (*s == '-')
		s++;
	else
		return false;
	if (!rating_num(&s, &b))
		return false;
	while (isspace((unsigned char)*s))
		s++;
	*worst = a;
	*best = b;
	return !*s && b > a;
}

/* Counts U+2605 BLACK STAR in s; 0 when none. */
static int
rating_stars(const char *s)
{
	int n = 0;

	for (const char *p = s; (p = strstr(p, "\xe2\x98\x85")); p += 3)
		n++;
	return n;
}

double
rating_from_text(const char *s, double *best)
{
	double v, b;
	const char *p = s;

	if (!s)
		return NAN;
	while (*p && !isdigit((unsigned char)*p))
		p++;
	if (!*p || !rating_num(&p, &v)) {
		int stars = rating_stars(s);

		return stars ? stars : NAN;
	}
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '%') {
		*best = 100;
		return v;
	}
	if (*p == '/')
		p++;
	else if (strncasecmp(p, "out of", 6) == 0)
		p += 6;
	else if (strncasecmp(p, "of", 2) == 0)
		p += 2;
	else
		return v;
	if (rating_num(&p, &b) && b > 0)
		*best = b;
	return v;
}
