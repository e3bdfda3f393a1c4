/* date.h - dates as feeds, APIs and CSV files write them, to Unix seconds UTC.
 *
 * Accepted: RFC 822/1123/2822 in the forms seen in the wild (day name or
 * none, 2- or 4-digit year, no seconds, zone names, military letters,
 * +0200, -04:00, GMT+2, a trailing "(UTC)" comment), RFC 850, asctime,
 * "June 10, 2003 4:00 PM", RFC 3339 / ISO 8601 (fractions, Z, offsets, a
 * space instead of T, the basic 20030610T040000Z form, a date alone) and
 * Unix epoch numbers (seconds; milliseconds from 1e11, microseconds from
 * 1e14).  A date without a zone is taken as UTC.  Anything else -- an
 * unknown zone name, a day 31 in June, a slash date like 06/10/2003 whose
 * order cannot be known -- is unparseable: never a guess. */
#ifndef ES_DATE_H
#define ES_DATE_H

#include <stddef.h>
#include <stdint.h>

/* Parses the NUL-terminated s; returns Unix seconds UTC, or 0 when s is NULL,
 * empty or unparseable. */
int64_t date_parse(const char *s);
/* Same for n bytes that need not be NUL-terminated. */
int64_t date_parse_len(const char *s, size_t n);
/* Converts an epoch number as APIs give it: seconds, or milliseconds when
 * >= 1e11, or microseconds when >= 1e14; fractions are dropped.  Returns 0
 * for NaN, negatives and values past year 9999. */
int64_t date_from_epoch(double v);

#endif
