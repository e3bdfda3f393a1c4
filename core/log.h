/* log.h - one line per event on stderr, in logfmt:
 *
 *   ts=2026-11-22T07:46:00.123Z level=info msg="fetched" source=hn status=200
 *
 * The key=value part is a printf format; wrap any value that may contain
 * spaces, quotes or control characters in logq(), and any URL that may
 * carry a secret in logurl(). */
#ifndef ES_LOG_H
#define ES_LOG_H

#include <stdio.h>

enum log_level { ES_LOG_DEBUG, ES_LOG_INFO, ES_LOG_WARN, ES_LOG_ERROR, ES_LOG_QUIET };

/* Events below level are dropped.  Default: ES_LOG_INFO. */
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* Where lines go; NULL restores stderr. */
void log_set_stream(FILE *fp);

void log_event(enum log_level level, const char *msg, const char *kvfmt, ...)
	__attribute__((format(printf, 3, 4)));

#define log_debug(msg, ...) log_event(ES_LOG_DEBUG, msg, __VA_ARGS__)
#define log_info(msg, ...) log_event(ES_LOG_INFO, msg, __VA_ARGS__)
#define log_warn(msg, ...) log_event(ES_LOG_WARN, msg, __VA_ARGS__)
#define log_error(msg, ...) log_event(ES_LOG_ERROR, msg, __VA_ARGS__)

/* Returns s quoted for logfmt when it needs quoting ("" for NULL).  The
 * result lives in a small per-thread ring of buffers: valid until eight
 * more calls of logq/logurl, long values are cut. */
const char *logq(const char *s);
/* Returns url with its path and query hidden ("https://hooks.slack.com/…"),
 * quoted for logfmt, for URLs that are secrets (webhooks).  Same ring. */
const char *logurl(const char *url);

#endif
