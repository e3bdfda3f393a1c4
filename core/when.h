/* when.h - clocks and the ISO 8601 UTC text that people query.
 *
 * Delays are measured on the monotonic clock (when_mono_ms), so a wall
 * clock that steps back cannot stall or storm the scheduler; timestamps that
 * are stored use the wall clock (when_now). */
#ifndef ES_WHEN_H
#define ES_WHEN_H

#include <stdint.h>

#include "core/err.h"

#define WHEN_ISOLEN 21 /* "2026-11-22T07:46:00Z" plus NUL */

/* Wall clock, Unix seconds UTC, plus any offset set below. */
int64_t when_now(void);
/* Monotonic milliseconds from an arbitrary origin. */
int64_t when_mono_ms(void);
/* Shifts when_now() by secs (tests and EARSHOT_NOW use it). */
void when_set_offset(int64_t secs);

/* Writes t as "YYYY-MM-DDTHH:MM:SSZ" into out and returns out. */
char *when_fmt_iso(int64_t t, char out[WHEN_ISOLEN]);
/* Parses what when_fmt_iso writes, a date alone ("2026-11-01"), or
 * "YYYY-MM-DD HH:MM:SS"; returns ES_EPARSE for anything else. */
enum es_err when_parse_iso(const char *s, int64_t *t);
/* timegm() without the libc dependency on TZ. */
int64_t when_timegm(int year, int mon, int mday, int hour, int min, int sec);

#endif
