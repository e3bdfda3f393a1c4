#include "core/log.h"

#include <stdarg.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#define LOG_RING 8
#define LOG_QMAX 512

static enum log_level log_level = ES_LOG_INFO;
static FILE *log_fp;
static const char *const log_names[] = { "debug", "info", "warn", "error" };

void
log_set_level(enum log_level level)
{
	log_level = level;
}

enum log_level
log_get_level(void)
{
	return log_level;
}

void
log_set_stream(FILE *fp)
{
	log_fp = fp;
}

static char *
log_ring_next(void)
{
	static _Thread_local char ring[LOG_RING][LOG_QMAX];
	static _Thread_local unsigned slot;

	return ring[slot++ % LOG_RING];
}

static int
log_needs_quote(const char *s)
{
	if (!*s)
		return 1;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == '"' || *s == '=' || *s == '\\' ||
		    (unsigned char)*s == 0x7f)
			return 1;
	return 0;
}

/* Writes s quoted and escaped into out (size LOG_QMAX), cutting long values. */
static void
log_quote_into(char *out, const char *s)
{
	size_t o = 0;
	const size_t lim = LOG_QMAX - 8;

	out[o++] = '"';
	for (; *s && o < lim; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c == '\n') {
			out[o++] = '\\';
			out[o++] = 'n';
		} else if (c < ' ' || c == 0x7f) {
			out[o++] = '?';
		} else {
			out[o++] = (char)c;
		}
	}
	if (*s) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o++] = '"';
	out[o] = '\0';
}

const char *
logq(const char *s)
{
	char *out;

	if (!s)
		return "\"\"";
	if (!log_needs_quote(s) && strlen(s) < LOG_QMAX - 8)
		return s;
	out = log_ring_next();
	log_quote_into(out, s);
	return out;
}

const char *
logurl(const char *url)
{
	char tmp[LOG_QMAX];
	const char *p, *host_end;
	size_t n;
	char *out;

	if (!url)
		return "\"\"";
	p = strstr(url, "://");
	p = p ? p + 3 : url;
	host_end = p + strcspn(p, "/?#");
	/* Drop any user:password@ as well. */
	for (const char *at = p; at < host_end; at++)
		if (*at == '@')
			p = at + 1;
	n = (size_t)(strstr(url, "://") ? strstr(url, "://") + 3 - url : 0);
	snprintf(tmp, sizeof(tmp), "%.*s%.*s%s", (int)n, url, (int)(host_end - p), p,
		 *host_end ? "/…" : "");
	out = log_ring_next();
	log_quote_into(out, tmp);
	return out;
}

void
log_event(enum log_level level, const char *msg, const char *kvfmt, ...)
{
	char line[4096], ts[40];
	struct timeval tv;
	struct tm tm;
	va_list ap;
	int n;

	if (level < log_level || level >= ES_LOG_QUIET)
		return;
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	n = snprintf(line, sizeof(line), "ts=%s.%03dZ level=%s msg=%s", ts,
		     (int)(tv.tv_usec / 1000), log_names[level], logq(msg));
	if (kvfmt && *kvfmt && n > 0 && (size_t)n < sizeof(line) - 2) {
		line[n++] = ' ';
		va_start(ap, kvfmt);
		vsnprintf(line + n, sizeof(line) - (size_t)n, kvfmt, ap);
		va_end(ap);
	}
	/* One fputs of a whole line keeps lines whole across processes. */
	n = (int)strnlen(line, sizeof(line) - 2);
	line[n++] = '\n';
	line[n] = '\0';
	fputs(line, log_fp ? log_fp : stderr);
	fflush(log_fp ? log_fp : stderr);
}
