/* fuzz_webhook.c - every service's message built from arbitrary alert text.
 *
 * The input is either an alert's details JSON (what alerts.details holds)
 * or, when it is not, lines that become the titles, sources, links and
 * words of a spike.  For every type the message must be valid UTF-8 JSON
 * within the service's byte limit, and in every chat format each '@' must
 * be followed by a zero-width space (no mention can ping). */
#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alerts/msg.h"
#include "alerts/webhook.h"
#include "core/utf8.h"
#include "core/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Splits text into lines and uses them in turn for each field. */
static void
from_lines(struct alert_msg *m, const char *text)
{
	const char *p = text;
	char *line[4];
	int i = 0;

	msg_init(m);
	m->kind = MSG_SPIKE;
	msg_set_text(&m->key, "es1-fuzz");
	msg_set_text(&m->rule, "fuzz");
	msg_set_text(&m->brand, "acme");
	msg_set_text(&m->sentiment, "negative");
	m->fired_at = 1795000000;
	m->window_start = m->fired_at - 3600;
	m->window_end = m->fired_at;
	m->count = 42;
	m->baseline = 3;
	m->score = 9;
	while (*p && m->nmentions < MSG_MAX_ITEMS) {
		size_t n = strcspn(p, "\n");

		line[i++ % 4] = xstrndup(p, n);
		if (i % 4 == 0) {
			msg_add_mention(m, line[0], line[1], line[2], -0.5, m->fired_at);
			msg_add_term(&m->words, &m->nwords, line[3], 3, 1);
			msg_add_term(&m->sources, &m->nsources, line[1], 3, 1);
			for (int k = 0; k < 4; k++)
				free(line[k]);
		}
		p += n + (p[n] == '\n');
	}
	for (int k = 0; k < i % 4; k++)
		free(line[k]);
}

static void
check(int64_t type, const struct alert_msg *m)
{
	struct conf_webhook wh = { .name = "w", .type = type, .url = "http://x/",
				   .secret = "k", .min_interval = CONF_UNSET };
	const struct alert_msg *a[2] = { m, m };
	struct webhook_req r;
	cJSON *root;

	for (size_t n = 1; n <= 2; n++) {
		if (webhook_format(&wh, a, n, 1795000001, &r, NULL, 0) != ES_OK)
			abort();
		root = cJSON_ParseWithLength(r.body, r.len);
		if (!root || !utf8_valid(r.body, r.len))
			abort();
		cJSON_Delete(root);
		for (const char *at = strchr(r.body, '@'); type != CONF_WH_JSON && at;
		     at = strchr(at + 1, '@'))
			if (strncmp(at + 1, "\xe2\x80\x8b", 3) != 0)
				abort();
		webhook_req_reset(&r);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size);
	struct alert_msg m;

	if (msg_from_json(text, &m, NULL, 0) != ES_OK)
		from_lines(&m, text);
	for (int64_t t = CONF_WH_SLACK; t <= CONF_WH_JSON; t++)
		check(t, &m);
	msg_reset(&m);
	free(text);
	return 0;
}
