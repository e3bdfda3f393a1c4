/* robots.c - robots.txt parsing and longest-match rules (RFC 9309). */
#include "crawler/robots.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/xalloc.h"

#define ROBOTS_MAX_PATH 16384 /* bytes of a normalised path or pattern */

struct rule {
	char *pat;      /* normalised; may hold '*' and a final '$' */
	size_t len;
	bool allow;
};

struct ruleset {
	struct rule *v;
	size_t n, cap;
	int64_t delay_ms;  /* -1: none */
};

struct robots {
	struct ruleset spec;   /* groups that name our token */
	struct ruleset any;    /* "*" groups */
	bool saw_spec;         /* a group named us, even with no rules */
	bool disallow_all;
};

enum key { K_NONE, K_AGENT, K_ALLOW, K_DISALLOW, K_DELAY };

/* Directive names, with the typos Google's parser accepts. */
static const struct {
	const char *name;
	enum key key;
} keys[] = {
	{ "user-agent", K_AGENT }, { "useragent", K_AGENT }, { "user agent", K_AGENT },
	{ "allow", K_ALLOW },
	{ "disallow", K_DISALLOW }, { "dissallow", K_DISALLOW }, { "dissalow", K_DISALLOW },
	{ "disalow", K_DISALLOW }, { "diasllow", K_DISALLOW }, { "disallaw", K_DISALLOW },
	{ "crawl-delay", K_DELAY }, { "crawldelay", K_DELAY }, { "crawl delay", K_DELAY },
};

static struct robots *
robots_new(void)
{
	struct robots *r = xcalloc(1, sizeof(*r));

	r->spec.delay_ms = -1;
	r->any.delay_ms = -1;
	return r;
}

struct robots *
robots_new_allow_all(void)
{
	return robots_new();
}

struct robots *
robots_new_disallow_all(void)
{
	struct robots *r = robots_new();

	r->disallow_all = true;
	return r;
}

static void
ruleset_free(struct ruleset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].pat);
	free(s->v);
}

void
robots_free(struct robots *r)
{
	if (!r)
		return;
	ruleset_free(&r->spec);
	ruleset_free(&r->any);
	free(r);
}

/* Appends s (n bytes) to out percent-encoded the way URLs are sent:
 * bytes outside printable ASCII become %XX, existing escapes get upper-case
 * hex, so that a rule and a path written differently still compare. */
static void
normalise(struct buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '%' && i + 2 < n && isxdigit((unsigned char)s[i + 1]) &&
		    isxdigit((unsigned char)s[i + 2])) {
			buf_putc(out, '%');
			buf_putc(out, (char)toupper((unsigned char)s[i + 1]));
			buf_putc(out, (char)toupper((unsigned char)s[i + 2]));
			i += 2;
		} else if (c <= 0x20 || c >= 0x7f) {
			buf_putc(out, '%');
			buf_putc(out, hex[c >> 4]);
			buf_putc(out, hex[c & 15]);
		} else {
			buf_putc(out, (char)c);
		}
	}
}

static void
ruleset_add(struct ruleset *s, const char *pat, size_t n, bool allow)
{
	struct buf b;

	buf_init(&b, ROBOTS_MAX_PATH);
	normalise(&b, pat, n);
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 8;
		s->v = xreallocarray(s->v, s->cap, sizeof(*s->v));
	}
	s->v[s->n].len = b.len;
	s->v[s->n].pat = buf_take(&b, NULL);
	s->v[s->n].allow = allow;
	s->n++;
}

static enum key
key_lookup(const char *k, size_t n)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strlen(keys[i].name) == n && !strncasecmp(keys[i].name, k, n))
			return keys[i].key;
	return K_NONE;
}

void
robots_agent_token(const char *user_agent, char *out, size_t len)
{
	size_t n = 0;

	if (!len)
		return;
	while (user_agent && n + 1 < len &&
	       (isalpha((unsigned char)user_agent[n]) || user_agent[n] == '_' ||
		user_agent[n] == '-'))
		n++;
	memcpy(out, user_agent ? user_agent : "", n);
	out[n] = '\0';
}

/* True when the user-agent value v (n bytes) names agent. */
static bool
agent_matches(const char *v, size_t n, const char *agent)
{
	char tok[ROBOTS_MAX_AGENT];
	char *val = xstrndup(v, n);
	bool ok;

	robots_agent_token(val, tok, sizeof(tok));
	ok = tok[0] && !strcasecmp(tok, agent);
	free(val);
	return ok;
}

static int64_t
parse_delay(const char *v, size_t n)
{
	char tmp[32], *end;
	double d;

	if (!n || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, v, n);
	tmp[n] = '\0';
	d = strtod(tmp, &end);
	if (end == tmp || !isfinite(d) || d < 0)
		return -1;
	return d > 86400.0 ? 86400000 : (int64_t)(d * 1000.0);
}

/* Parser state across lines: which groups the current lines belong to. */
struct pstate {
	struct robots *r;
	const char *agent;
	bool in_agents;   /* the previous directive was a user-agent line */
	bool cur_spec;    /* the current group names us */
	bool cur_any;     /* the current group is "*" */
};

static void
rule_line(struct pstate *p, enum key k, const char *v, size_t n)
{
	struct ruleset *sets[2] = { p->cur_spec ? &p->r->spec : NULL,
				    p->cur_any ? &p->r->any : NULL };

	p->in_agents = false;
	for (int i = 0; i < 2; i++) {
		if (!sets[i])
			continue;
		if (k == K_DELAY) {
			int64_t d = parse_delay(v, n);

			if (d >= 0)
				sets[i]->delay_ms = d;
		} else if (n > 0) {
			/* An empty Allow or Disallow says nothing. */
			ruleset_add(sets[i], v, n, k == K_ALLOW);
		}
	}
}

static void
agent_line(struct pstate *p, const char *v, size_t n)
{
	if (!p->in_agents) {
		p->cur_spec = false;
		p->cur_any = false;
		p->in_agents = true;
	}
	if (n == 1 && v[0] == '*') {
		p->cur_any = true;
	} else if (agent_matches(v, n, p->agent)) {
		p->cur_spec = true;
		p->r->saw_spec = true;
	}
}

static void
trim(const char **s, size_t *n)
{
	while (*n && isspace((unsigned char)**s))
		(*s)++, (*n)--;
	while (*n && isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

static void
parse_line(struct pstate *p, const char *line, size_t n)
{
	const char *hash = memchr(line, '#', n), *colon, *k, *v;
	size_t klen, vlen;
	enum key key;

	if (hash)
		n = (size_t)(hash - line);
	if (!(colon = memchr(line, ':', n)))
		return;
	k = line;
	klen = (size_t)(colon - line);
	v = colon + 1;
	vlen = (size_t)(line + n - v);
	trim(&k, &klen);
	trim(&v, &vlen);
	key = key_lookup(k, klen);
	if (key == K_AGENT)
		agent_line(p, v, vlen);
	else if (key != K_NONE)
		rule_line(p, key, v, vlen);
}

struct robots *
robots_parse(const char *txt, size_t len, const char *agent)
{
	struct pstate p = { .r = robots_new(), .agent = agent ? agent : "" };
	const char *s = txt, *end;

	if (len > ROBOTS_MAX_BYTES)
		len = ROBOTS_MAX_BYTES;
	end = txt + len;
	if (len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
		s += 3;
	while (s < end) {
		const char *eol = s;

		while (eol < end && *eol != '\n' && *eol != '\r')
			eol++;
		parse_line(&p, s, (size_t)(eol - s));
		s = eol < end ? eol + 1 : end;
	}
	return p.r;
}

/* True when pattern (with '*' and a final '$') matches a prefix of path.
 * Tracks every position of path the pattern so far can end at, so the
 * cost is O(len(path) * len(pattern)) whatever the input. */
static bool
pattern_matches(const char *path, size_t plen, const char *pat, size_t n)
{
	size_t *pos = xreallocarray(NULL, plen + 1, sizeof(*pos)), npos = 1;
	bool ok = true;

	pos[0] = 0;
	for (size_t j = 0; j < n && ok; j++) {
		if (pat[j] == '$' && j + 1 == n) {
			ok = pos[npos - 1] == plen;
			break;
		}
		if (pat[j] == '*') {
			npos = plen - pos[0] + 1;
			for (size_t i = 1; i < npos; i++)
				pos[i] = pos[0] + i;
			continue;
		}
		size_t out = 0;

		for (size_t i = 0; i < npos; i++)
			if (pos[i] < plen && path[pos[i]] == pat[j])
				pos[out++] = pos[i] + 1;
		npos = out;
		ok = npos > 0;
	}
	free(pos);
	return ok;
}

/* Length of the longest rule of kind allow matching path; -1 when none. */
static long
longest(const struct ruleset *s, const char *path, size_t plen, bool allow)
{
	long best = -1;

	for (size_t i = 0; i < s->n; i++) {
		const struct rule *r = &s->v[i];

		if (r->allow == allow && (long)r->len > best &&
		    pattern_matches(path, plen, r->pat, r->len))
			best = (long)r->len;
	}
	return best;
}

static const struct ruleset *
applicable(const struct robots *r)
{
	return r->saw_spec ? &r->spec : &r->any;
}

bool
robots_allowed(const struct robots *r, const char *path)
{
	const struct ruleset *s = applicable(r);
	struct buf b;
	long allow, disallow;

	if (!path || !*path)
		path = "/";
	if (!strcmp(path, "/robots.txt"))
		return true;
	if (r->disallow_all)
		return false;
	if (!s->n)
		return true;
	buf_init(&b, ROBOTS_MAX_PATH);
	normalise(&b, path, strlen(path));
	allow = longest(s, buf_str(&b), b.len, true);
	disallow = longest(s, buf_str(&b), b.len, false);
	buf_free(&b);
	return disallow < 0 || allow >= disallow;
}

int64_t
robots_crawl_delay_ms(const struct robots *r)
{
	return applicable(r)->delay_ms;
}

size_t
robots_rules(const struct robots *r)
{
	return applicable(r)->n;
}
