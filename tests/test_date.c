/* test_date.c - every date form the parsers accept, and the ones they refuse. */
#include <math.h>
#include <string.h>

#include "core/when.h"
#include "parsers/date.h"
#include "tests/test.h"

struct date_case {
	const char *in;
	const char *want; /* ISO 8601 UTC, or NULL for unparseable (0) */
};

static void
check_cases(const struct date_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int64_t t = date_parse(c[i].in);
		char iso[WHEN_ISOLEN];

		if (!c[i].want) {
			t_checks++;
			if (t != 0)
				t_fail(__FILE__, __LINE__, "\"%s\" should be unparseable, got %s",
				       c[i].in, when_fmt_iso(t, iso));
			continue;
		}
		t_checks++;
		if (t == 0 || strcmp(when_fmt_iso(t, iso), c[i].want) != 0)
			t_fail(__FILE__, __LINE__, "\"%s\": got %s, expected %s", c[i].in,
			       t ? iso : "0", c[i].want);
	}
}

#define CHECK(cases) check_cases(cases, sizeof(cases) / sizeof(cases[0]))

static void
test_rfc822(void)
{
	static const struct date_case cases[] = {
		{ "Tue, 10 Jun 2003 04:00:00 GMT", "2003-06-10T04:00:00Z" },
		{ "Tue, 10 Jun 2003 04:00:00 +0000", "2003-06-10T04:00:00Z" },
		{ "10 Jun 2003 04:00:00 GMT", "2003-06-10T04:00:00Z" },
		{ "Tue, 10 Jun 03 04:00:00 GMT", "2003-06-10T04:00:00Z" },
		{ "Thu, 01 Jan 98 00:00:00 GMT", "1998-01-01T00:00:00Z" },
		{ "Tue, 10 Jun 2003 04:00 GMT", "2003-06-10T04:00:00Z" },
		{ "Tue, 10 Jun 2003 04:00:00 UT", "2003-06-10T04:00:00Z" },
		{ "Tue, 10 Jun 2003 04:00:00 UTC", "2003-06-10T04:00:00Z" },
		{ "Tue, 10 Jun 2003 04:00:00 EST", "2003-06-10T09:00:00Z" },
		{ "Tue, 10 Jun 2003 04:00:00 EDT", "2003-06-10T08:00:00Z" },
		{ "Tue, 10 Jun 2003 04:00:00 PDT", "2003-06-10T11:00:00Z" },
		{ "Tue, 10 Jun 2003 04:00:00 PST", "2003-06-10T12:00:00Z" },
		{ "Tue, 10 Jun 2003 04:00:00 CEST", "2003-06-10T02:00:00Z" },
		{ "Tue, 10 Jun 2003 04:00:00 +0200", "2003-06-10T02:00:00Z" },
		{ "Tue, 10 Jun 2003 04:00:00 -0400", "2003-06-10T08:00:00Z" },
		{ "Tue, 10 Jun 2003 04:00:00 -04:00", "2003-06-10T08:00:00Z" },
		{ "Tue, 10 Jun 2003 04:00:00 +0530", "2003-06-09T22:30:00Z" },
		{ "Tue, 10 Jun 2003 04:00:00 GMT+2", "2003-06-10T02:00:00Z" },
		{ "Tue, 10 Jun 2003 04:00:00 GMT-05:00", "2003-06-10T09:00:00Z" },
		{ "Tue, 10 Jun 2003 04:00:00 +0000 (UTC)", "2003-06-10T04:00:00Z" },
		{ "Tue, 10 Jun 2003 04:00:00 Z", "2003-06-10T04:00:00Z" },
		{ "Tue, 10 Jun 2003 04:00:00 A", "2003-06-10T05:00:00Z" },
		{ "Tue, 10 Jun 2003 04:00:00 M", "2003-06-10T16:00:00Z" },
		{ "Tue, 10 Jun 2003 04:00:00 N", "2003-06-10T03:00:00Z" },
		{ "Tue, 10 Jun 2003 04:00:00 Y", "2003-06-09T16:00:00Z" },
		{ "Tue, 10 Jun 2003 04:00:00", "2003-06-10T04:00:00Z" },
		{ "tue, 10 jun 2003 04:00:00 gmt", "2003-06-10T04:00:00Z" },
		{ "Tuesday, 10 June 2003 04:00:00 GMT", "2003-06-10T04:00:00Z" },
		{ "Tue, 3 Jun 2003 04:00:00 GMT", "2003-06-03T04:00:00Z" },
		{ "Tue,10 Jun 2003 04:00:00 GMT", "2003-06-10T04:00:00Z" },
		{ "Tue 10 Jun 2003 04:00:00 GMT", "2003-06-10T04:00:00Z" },
		{ "Wed, 10 Sept 2003 04:00:00 GMT", "2003-09-10T04:00:00Z" },
		{ "Thurs, 12 Jun 2003 04:00:00 GMT", "2003-06-12T04:00:00Z" },
		{ "  Tue, 10 Jun 2003 04:00:00 GMT\n", "2003-06-10T04:00:00Z" },
		{ "Tue, 10 Jun 2003 04:00:00.123 GMT", "2003-06-10T04:00:00Z" },
		{ "Tue, 10 Jun 2003 4:05:06 GMT", "2003-06-10T04:05:06Z" },
		{ "Tue, 10 Jun 2003", "2003-06-10T00:00:00Z" },
		{ "10 Jun 2003", "2003-06-10T00:00:00Z" },
		{ "Tue, 31 Dec 2024 23:59:60 GMT", "2025-01-01T00:00:00Z" },
		{ "Tue, 10 Jun 2003 04:00:00 -0000", "2003-06-10T04:00:00Z" },
	};
	CHECK(cases);
}

static void
test_other_prose(void)
{
	static const struct date_case cases[] = {
		/* RFC 850 */
		{ "Tuesday, 10-Jun-03 04:00:00 GMT", "2003-06-10T04:00:00Z" },
		{ "10-Jun-2003 04:00:00", "2003-06-10T04:00:00Z" },
		/* asctime */
		{ "Tue Jun 10 04:00:00 2003", "2003-06-10T04:00:00Z" },
		{ "Tue Jun  3 04:00:00 2003", "2003-06-03T04:00:00Z" },
		/* English prose as APIs and pages write it */
		{ "June 10, 2003", "2003-06-10T00:00:00Z" },
		{ "June 10, 2003 4:30 PM", "2003-06-10T16:30:00Z" },
		{ "Jun 10, 2003 at 12:15 AM EST", "2003-06-10T05:15:00Z" },
		{ "June 10th, 2003", "2003-06-10T00:00:00Z" },
		{ "1st March 2024", "2024-03-01T00:00:00Z" },
		{ "2003 Jun 10", "2003-06-10T00:00:00Z" },
		{ "29 Feb 2024 12:00:00 GMT", "2024-02-29T12:00:00Z" },
	};
	CHECK(cases);
}

static void
test_iso8601(void)
{
	static const struct date_case cases[] = {
		{ "2003-06-10T04:00:00Z", "2003-06-10T04:00:00Z" },
		{ "2003-06-10T04:00:00z", "2003-06-10T04:00:00Z" },
		{ "2003-06-10t04:00:00Z", "2003-06-10T04:00:00Z" },
		{ "2003-06-10T04:00:00.123Z", "2003-06-10T04:00:00Z" },
		{ "2003-06-10T04:00:00.123456789Z", "2003-06-10T04:00:00Z" },
		{ "2003-06-10T04:00:00+02:00", "2003-06-10T02:00:00Z" },
		{ "2003-06-10T04:00:00-04:00", "2003-06-10T08:00:00Z" },
		{ "2003-06-10T04:00:00+0200", "2003-06-10T02:00:00Z" },
		{ "2003-06-10T04:00:00+02", "2003-06-10T02:00:00Z" },
		{ "2003-06-10T04:00:00.5-04:00", "2003-06-10T08:00:00Z" },
		{ "2003-06-10 04:00:00", "2003-06-10T04:00:00Z" },
		{ "2003-06-10 04:00:00 +0000", "2003-06-10T04:00:00Z" },
		{ "2003-06-10 04:00:00 -0400", "2003-06-10T08:00:00Z" },
		{ "2003-06-10 04:00:00 UTC", "2003-06-10T04:00:00Z" },
		{ "2003-06-10T04:00Z", "2003-06-10T04:00:00Z" },
		{ "2003-06-10T04:00", "2003-06-10T04:00:00Z" },
		{ "2003-06-10T04:00:00", "2003-06-10T04:00:00Z" },
		{ "2003-06-10", "2003-06-10T00:00:00Z" },
		{ "2003/06/10", "2003-06-10T00:00:00Z" },
		{ "2003/06/10 04:00", "2003-06-10T04:00:00Z" },
		{ "2003-6-1", "2003-06-01T00:00:00Z" },
		{ "20030610T040000Z", "2003-06-10T04:00:00Z" },
		{ "20030610", "2003-06-10T00:00:00Z" },
		{ "2024-12-31T23:30:00-01:00", "2025-01-01T00:30:00Z" },
		{ "2024-02-29T00:00:00Z", "2024-02-29T00:00:00Z" },
	};
	CHECK(cases);
}

static void
test_epoch(void)
{
	static const struct date_case cases[] = {
		{ "1700000000", "2023-11-14T22:13:20Z" },
		{ "1700000000.75", "2023-11-14T22:13:20Z" },
		{ "1700000000000", "2023-11-14T22:13:20Z" },
		{ "1700000000000000", "2023-11-14T22:13:20Z" },
	};
	CHECK(cases);
	T_EQ_INT(date_from_epoch(1700000000.0), 1700000000);
	T_EQ_INT(date_from_epoch(1700000000123.0), 1700000000);
	T_EQ_INT(date_from_epoch(-5), 0);
	T_EQ_INT(date_from_epoch(NAN), 0);
	T_EQ_INT(date_from_epoch(1e300), 0);
	T_EQ_INT(date_parse_len("2003-06-10T04:00:00Zjunk", 20), 1055217600);
}

static void
test_unparseable(void)
{
	static const struct date_case cases[] = {
		{ "", NULL },
		{ "   ", NULL },
		{ "yesterday", NULL },
		{ "not a date", NULL },
		{ "Tue, 31 Jun 2003 04:00:00 GMT", NULL },  /* June has 30 days */
		{ "Tue, 29 Feb 2023 04:00:00 GMT", NULL },  /* not a leap year */
		{ "Tue, 10 Foo 2003 04:00:00 GMT", NULL },
		{ "Tue, 10 Jun 2003 25:00:00 GMT", NULL },
		{ "Tue, 10 Jun 2003 04:61:00 GMT", NULL },
		{ "Tue, 10 Jun 2003 04:00:00 XYZ", NULL },  /* unknown zone: no guess */
		{ "Tue, 10 Jun 2003 04:00:00 +9900", NULL },
		{ "06/10/2003", NULL },                     /* US or European order? */
		{ "2003-13-10", NULL },
		{ "2003-06-10T04:00:00Zjunk", NULL },
		{ "2003-06", NULL },
		{ "0001-01-01T00:00:00Z", NULL },           /* Go's zero time */
		{ "Jun 2003", NULL },
		{ "13:00", NULL },
		{ "Tue, 10 Jun 2003 04:00:00 GMT (unclosed", NULL },
		{ "Tue, 10 Jun 2003 04:00:00 04:00:00", NULL },
		{ "10 Jun 2003 13:00 PM", NULL },
		{ "1.2.3", NULL },
		{ "Tue Jun  20170000120331700001", NULL }, /* found by fuzz_date */
	};
	CHECK(cases);
	T_EQ_INT(date_parse(NULL), 0);
	T_EQ_INT(date_parse_len("2003-06-10\0junk", 15), 0);
}

int
main(void)
{
	T_RUN(test_rfc822);
	T_RUN(test_other_prose);
	T_RUN(test_iso8601);
	T_RUN(test_epoch);
	T_RUN(test_unparseable);
	return t_report();
}
