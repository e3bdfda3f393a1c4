/* units.h - durations ("90s", "15m", "1h30m", "7d") and sizes ("512KiB",
 * "8MiB") as people write them in feeds.conf and on the command line. */
#ifndef ES_UNITS_H
#define ES_UNITS_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* Parses a duration into milliseconds: a sequence of NUMBER UNIT with units
 * ms, s, m, h, d, w ("1h30m"); a bare number is seconds.  ES_EPARSE otherwise. */
enum es_err units_parse_duration(const char *s, int64_t *ms);
/* Parses a size into bytes: NUMBER with B, K/KiB (1024), KB (1000), M/MiB,
 * MB, G/GiB, GB; a bare number is bytes.  ES_EPARSE otherwise. */
enum es_err units_parse_size(const char *s, int64_t *bytes);
/* Writes ms as the shortest exact form ("15m", "1h30m", "0s"); returns out. */
char *units_fmt_duration(int64_t ms, char *out, size_t len);
/* Writes bytes as "8MiB", "512KiB" when exact, else plain bytes; returns out. */
char *units_fmt_size(int64_t bytes, char *out, size_t len);

#endif
