/* url.c - RFC 3986 reference resolution and canonical URLs. */
#include "parsers/url.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/xalloc.h"

struct url_parts {
	const char *scheme, *auth, *path, *query, *frag;
	size_t scheme_n, auth_n, path_n, query_n, frag_n;
	bool has_scheme, has_auth, has_query, has_frag;
};

static size_t
url_scheme_len(const char *s)
{
	size_t i = 0;

	if (!isalpha((unsigned char)s[0]))
		return 0;
	while (isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.')
		i++;
	return s[i] == ':' ? i : 0;
}

bool
url_is_absolute(const char *s)
{
	return s && url_scheme_len(s) > 0;
}

/* Splits the NUL-terminated s into its five components (RFC 3986 3). */
static void
url_split(const char *s, struct url_parts *u)
{
	size_t k;

	memset(u, 0, sizeof(*u));
	if ((k = url_scheme_len(s))) {
		u->has_scheme = true;
		u->scheme = s;
		u->scheme_n = k;
		s += k + 1;
	}
	if (s[0] == '/' && s[1] == '/') {
		u->has_auth = true;
		u->auth = s + 2;
		u->auth_n = strcspn(u->auth, "/?#");
		s = u->auth + u->auth_n;
	}
	u->path = s;
	u->path_n = strcspn(s, "?#");
	s += u->path_n;
	if (*s == '?') {
		u->has_query = true;
		u->query = s + 1;
		u->query_n = strcspn(u->query, "#");
		s = u->query + u->query_n;
	}
	if (*s == '#') {
		u->has_frag = true;
		u->frag = s + 1;
		u->frag_n = strlen(u->frag);
	}
}

/* Drops the last segment (and its '/') from out, as "/.." asks. */
static void
url_pop_segment(struct buf *out)
{
	const char *d = buf_str(out);
	size_t n = out->len;

	while (n > 0 && d[n - 1] != '/')
		n--;
	if (n > 0)
		n--;
	buf_truncate(out, n);
}

/* RFC 3986 5.2.4 remove_dot_segments, appending the result to out. */
static void
url_remove_dots(const char *in, size_t n, struct buf *out)
{
	size_t start = out->len;

	while (n) {
		if (n >= 3 && memcmp(in, "../", 3) == 0) {
			in += 3, n -= 3;
		} else if (n >= 2 && memcmp(in, "./", 2) == 0) {
			in += 2, n -= 2;
		} else if (n >= 3 && memcmp(in, "/./", 3) == 0) {
			in += 2, n -= 2;
		} else if (n == 2 && memcmp(in, "/.", 2) == 0) {
			buf_putc(out, '/');
			n = 0;
		} else if ((n >= 4 && memcmp(in, "/../", 4) == 0) || (n == 3 && memcmp(in, "/..", 3) == 0)) {
			in += 3, n -= 3;
			if (out->len > start)
				url_pop_segment(out);
			if (!n)
				buf_putc(out, '/');
		} else if ((n == 1 && in[0] == '.') || (n == 2 && memcmp(in, "..", 2) == 0)) {
			n = 0;
		} else {
			size_t seg = 1;

			while (seg < n && in[seg] != '/')
				seg++;
			buf_append(out, in, seg);
			in += seg, n -= seg;
		}
	}
}

/* A copy of s without surrounding whitespace and controls, without tabs
 * and newlines inside, and with inner spaces as %20. */
static char *
url_clean(const char *s)
{
	struct buf b;
	size_t n;

	while (*s && (unsigned char)*s <= ' ')
		s++;
	n = strlen(s);
	while (n && (unsigned char)s[n - 1] <= ' ')
		n--;
	if (!n)
		return NULL;
	if (!memchr(s, ' ', n) && !memchr(s, '\t', n) && !memchr(s, '\n', n) &&
	    !memchr(s, '\r', n))
		return xstrndup(s, n);
	buf_init(&b, 0);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == ' ')
			buf_puts(&b, "%20");
		else if (s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			buf_putc(&b, s[i]);
	}
	return buf_take(&b, NULL);
}

static void
url_put_path(struct url_parts *base, struct url_parts *ref, struct buf *out)
{
	struct buf merged;

	if (ref->path_n && ref->path[0] == '/') {
		url_remove_dots(ref->path, ref->path_n, out);
		return;
	}
	buf_init(&merged, 0);
	if (base->has_auth && base->path_n == 0) {
		buf_putc(&merged, '/');
	} else {
		size_t k = base->path_n;

		while (k > 0 && base->path[k - 1] != '/')
			k--;
		buf_append(&merged, base->path, k);
	}
	buf_append(&merged, ref->path, ref->path_n);
	url_remove_dots(buf_str(&merged), merged.len, out);
	buf_free(&merged);
}

/* RFC 3986 5.2.2, for a relative ref and an absolute base. */
static char *
url_merge(const char *base_s, const char *ref_s)
{
	struct url_parts base, ref;
	struct buf out;
	const struct url_parts *q;

	url_split(base_s, &base);
	url_split(ref_s, &ref);
	buf_init(&out, 0);
	buf_append(&out, base.scheme, base.scheme_n + 1);
	if (ref.has_auth) {
		buf_append(&out, ref.auth - 2, ref.auth_n + 2);
		url_remove_dots(ref.path, ref.path_n, &out);
		q = &ref;
	} else {
		if (base.has_auth)
			buf_append(&out, base.auth - 2, base.auth_n + 2);
		if (ref.path_n == 0) {
			buf_append(&out, base.path, base.path_n);
			q = ref.has_query ? &ref : &base;
		} else {
			url_put_path(&base, &ref, &out);
			q = &ref;
		}
	}
	if (q->has_query) {
		buf_putc(&out, '?');
		buf_append(&out, q->query, q->query_n);
	}
	if (ref.has_frag) {
		buf_putc(&out, '#');
		buf_append(&out, ref.frag, ref.frag_n);
	}
	return buf_take(&out, NULL);
}

/* An absolute URL with its dot segments removed. */
static char *
url_normalise_abs(const char *s)
{
	struct url_parts u;
	struct buf out;

	url_split(s, &u);
	if (!u.has_auth || !memchr(u.path, '.', u.path_n))
		return xstrdup(s);
	buf_init(&out, 0);
	buf_append(&out, s, (size_t)(u.path - s));
	url_remove_dots(u.path, u.path_n, &out);
	buf_puts(&out, u.path + u.path_n);
	return buf_take(&out, NULL);
}

char *
url_resolve(const char *base, const char *ref)
{
	char *r, *b, *out;

	if (!ref || !(r = url_clean(ref)))
		return NULL;
	if (url_is_absolute(r)) {
		out = url_normalise_abs(r);
		free(r);
		return out;
	}
	if (!base || !url_is_absolute(base + strspn(base, " \t\r\n")))
		return r;
	b = url_clean(base);
	out = url_merge(b, r);
	free(b);
	free(r);
	return out;
}

/* Appends the query without utm_* parameters; drops '?' when none is left. */
static void
url_put_query(const char *q, size_t n, struct buf *out)
{
	bool first = true;
	size_t i = 0;

	while (i <= n) {
		size_t k = i;

		while (k < n && q[k] != '&')
			k++;
		if (k > i && !(k - i >= 4 && strncasecmp(q + i, "utm_", 4) == 0)) {
			buf_putc(out, first ? '?' : '&');
			buf_append(out, q + i, k - i);
			first = false;
		}
		i = k + 1;
	}
}

/* Appends the authority with the host lower-cased and a default port
 * (80 for http, 443 for https) or an empty one dropped. */
static void
url_put_auth(const struct url_parts *u, bool https, struct buf *out)
{
	const char *a = u->auth, *end = u->auth + u->auth_n, *at, *host, *colon;
	size_t hostn;

	at = memchr(a, '@', u->auth_n);
	host = at ? at + 1 : a;
	colon = memrchr(host, ':', (size_t)(end - host));
	if (colon && memchr(colon, ']', (size_t)(end - colon)))
		colon = NULL; /* a colon inside an IPv6 literal */
	hostn = (size_t)((colon ? colon : end) - host);
	buf_append(out, a, (size_t)(host - a));
	for (size_t i = 0; i < hostn; i++)
		buf_putc(out, (char)tolower((unsigned char)host[i]));
	if (colon) {
		const char *port = colon + 1;
		size_t pn = (size_t)(end - port);

		if (pn && !(pn == 2 && !https && memcmp(port, "80", 2) == 0) &&
		    !(pn == 3 && https && memcmp(port, "443", 3) == 0))
			buf_append(out, colon, pn + 1);
	}
}

char *
url_canonical(const char *url)
{
	struct url_parts u;
	struct buf out;
	char *s;
	bool http, https;

	if (!url || !(s = url_clean(url)))
		return NULL;
	url_split(s, &u);
	https = u.has_scheme && u.scheme_n == 5 && strncasecmp(u.scheme, "https", 5) == 0;
	http = https || (u.has_scheme && u.scheme_n == 4 && strncasecmp(u.scheme, "http", 4) == 0);
	if (!http || !u.has_auth)
		return s;
	buf_init(&out, 0);
	buf_puts(&out, https ? "https://" : "http://");
	url_put_auth(&u, https, &out);
	if (u.path_n)
		buf_append(&out, u.path, u.path_n);
	else
		buf_putc(&out, '/');
	if (u.has_query)
		url_put_query(u.query, u.query_n, &out);
	/* "#!" fragments name content (AJAX crawling URLs); others do not. */
	if (u.has_frag && u.frag_n && u.frag[0] == '!') {
		buf_putc(&out, '#');
		buf_append(&out, u.frag, u.frag_n);
	}
	free(s);
	return buf_take(&out, NULL);
}
