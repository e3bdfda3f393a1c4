/* robots.h - robots.txt (RFC 9309): parsing and matching, no network.
 *
 * The rules of the groups that name our product token are merged; when no
 * group names it, the rules of the "*" groups are.  A path is allowed when
 * the longest matching Allow is at least as long as the longest matching
 * Disallow (ties go to Allow); "*" and a final "$" are the only special
 * characters.  Lines that are not directives are skipped, common typos
 * ("disalow", "useragent") are accepted, and only the first
 * ROBOTS_MAX_BYTES are read.  Crawl-delay is not in RFC 9309; it is kept so
 * that the crawler can honour it up to its own cap. */
#ifndef ES_ROBOTS_H
#define ES_ROBOTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ROBOTS_MAX_BYTES (500 * 1024) /* RFC 9309 §2.5: parse at least 500 KiB */
#define ROBOTS_MAX_AGENT 64

struct robots;

/* Parses txt (len bytes, need not be NUL-terminated) for the product token
 * agent ("earshot"; matched case-insensitively).  Never fails; an empty
 * or meaningless file allows everything.  Free with robots_free(). */
struct robots *robots_parse(const char *txt, size_t len, const char *agent);
/* A policy that allows everything (robots.txt 4xx) or nothing (5xx or
 * unreachable).  Free with robots_free(). */
struct robots *robots_new_allow_all(void);
struct robots *robots_new_disallow_all(void);
/* NULL is a no-op. */
void robots_free(struct robots *r);

/* True when path (path and query of the URL, starting with "/") may be
 * fetched.  "/robots.txt" itself is always allowed. */
bool robots_allowed(const struct robots *r, const char *path);
/* The Crawl-delay of our group in milliseconds, or -1 when none. */
int64_t robots_crawl_delay_ms(const struct robots *r);
/* Number of Allow plus Disallow rules that apply to us (for logs, tests). */
size_t robots_rules(const struct robots *r);

/* Writes the product token of a User-Agent ("earshot/1.0 (+https://...)"
 * gives "earshot": the leading letters, '_' and '-') into out. */
void robots_agent_token(const char *user_agent, char *out, size_t len);

#endif
