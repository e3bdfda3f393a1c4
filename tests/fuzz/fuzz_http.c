/* fuzz_http.c - the response headers that decide when a source is fetched
 * again: Retry-After (delta seconds or an HTTP-date, through curl_getdate),
 * Cache-Control, Expires and Date, then sched_next_delay over what they
 * say.  Whatever a server sends, the hint is "none" (-1) or inside its
 * clamp, and the next fetch is neither sooner than SCHED_MIN_DELAY_MS nor
 * later than the interval's backoff cap (with jitter) or 24 h.
 *
 * Input: two bytes of options (failed, failures, interval), then up to
 * four header values separated by newlines: Retry-After, Cache-Control,
 * Expires, Date. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crawler/fetch.h"
#include "crawler/sched.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_NOW INT64_C(1795000000) /* 2026-11-18 */

static int64_t
check_hint(int64_t v, int64_t max)
{
	if (v != -1 && (v < 0 || v > max))
		abort();
	return v;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int64_t intervals[] = { 1000, 60000, 900000, 86400000, 30LL * 86400000 };
	char *text, *field[4] = { NULL, NULL, NULL, NULL }, *p;
	struct sched_policy pol = { .jitter = SCHED_JITTER };
	struct sched_outcome o;
	uint64_t rng = 42;
	int64_t d, cap;

	if (size < 2)
		return 0;
	pol.interval_ms = intervals[data[0] % 5];
	o.failed = data[0] & 8;
	o.failures = data[1] % 40;
	text = malloc(size - 1);
	memcpy(text, data + 2, size - 2);
	text[size - 2] = '\0';
	p = text;
	for (int i = 0; i < 4 && p; i++) {
		field[i] = p;
		if ((p = strchr(p, '\n')))
			*p++ = '\0';
	}
	o.retry_after_ms = check_hint(fetch_retry_after_ms(field[0], FUZZ_NOW), 86400000);
	/* Expires far ahead is not clamped here (sched_next_delay clamps it),
	 * but never overflows (UBSan) and is never below -1. */
	o.cache_ms = check_hint(fetch_cache_ms(field[1], field[2], field[3], FUZZ_NOW), INT64_MAX);
	d = sched_next_delay(&pol, &o, &rng);
	cap = pol.interval_ms > SCHED_MAX_BACKOFF_MS ? pol.interval_ms : SCHED_MAX_BACKOFF_MS;
	if (d < SCHED_MIN_DELAY_MS || d > (int64_t)((double)cap * (1 + SCHED_JITTER)) + 1)
		abort();
	/* Retry-After is a floor (up to its 24 h clamp). */
	if (o.retry_after_ms > 0 && d < o.retry_after_ms)
		abort();
	free(text);
	return 0;
}
