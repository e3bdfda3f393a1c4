/* host.c - per-host politeness slots; see host.h. */
#include "crawler/host.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/log.h"
#include "core/xalloc.h"

void
hosts_init(struct hosts *t)
{
	memset(t, 0, sizeof(*t));
}

void
hosts_free(struct hosts *t)
{
	for (size_t i = 0; i < t->n; i++) {
		robots_free(t->v[i]->robots);
		free(t->v[i]->name);
		free(t->v[i]);
	}
	free(t->v);
	hosts_init(t);
}

struct host *
hosts_get(struct hosts *t, const char *name, int64_t delay_ms)
{
	struct host *h;

	for (size_t i = 0; i < t->n; i++)
		if (!strcasecmp(t->v[i]->name, name))
			return t->v[i];
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->v = xreallocarray(t->v, t->cap, sizeof(*t->v));
	}
	h = xcalloc(1, sizeof(*h));
	h->name = xstrdup(name);
	for (char *p = h->name; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	h->delay_ms = delay_ms;
	h->base_delay_ms = delay_ms;
	t->v[t->n++] = h;
	return h;
}

int64_t
host_wait_ms(const struct host *h, int max_conns, int64_t now)
{
	if (h->inflight >= max_conns || (h->connecting > 0 && h->delay_ms > 0))
		return -1;
	return h->next_ms > now ? h->next_ms - now : 0;
}

void
host_started(struct host *h, int64_t now)
{
	h->inflight++;
	h->connecting++;
	h->next_ms = (h->next_ms > now ? h->next_ms : now) + h->delay_ms;
}

void
host_sent(struct host *h, int64_t now, bool first)
{
	if (first && h->connecting > 0)
		h->connecting--;
	if (now + h->delay_ms > h->next_ms)
		h->next_ms = now + h->delay_ms;
}

void
host_done(struct host *h, bool sent)
{
	if (h->inflight > 0)
		h->inflight--;
	if (!sent && h->connecting > 0)
		h->connecting--;
}

void
host_hold(struct host *h, int64_t now, int64_t ms)
{
	if (ms > 0 && now + ms > h->next_ms)
		h->next_ms = now + ms;
}

void
host_set_robots(struct host *h, struct robots *r, int64_t now, int64_t ttl_ms)
{
	int64_t cd = robots_crawl_delay_ms(r);

	robots_free(h->robots);
	h->robots = r;
	h->robots_state = HOST_ROBOTS_READY;
	h->robots_expires_ms = now + ttl_ms;
	if (cd > HOST_MAX_CRAWL_DELAY_MS) {
		log_info("crawl-delay capped", "host=%s crawl_delay_ms=%lld cap_ms=%d", logq(h->name),
			 (long long)cd, HOST_MAX_CRAWL_DELAY_MS);
		cd = HOST_MAX_CRAWL_DELAY_MS;
	}
	h->delay_ms = cd > h->base_delay_ms ? cd : h->base_delay_ms;
}

bool
host_robots_fresh(const struct host *h, int64_t now)
{
	return h->robots_state == HOST_ROBOTS_READY && now < h->robots_expires_ms;
}
