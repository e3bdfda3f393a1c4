/* test_webhook.c - the message each service gets: shape, limits, cutting on
 * character boundaries, neutralised scraped text, digests, signatures, and
 * the alert JSON that is stored and sent. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts/msg.h"
#include "alerts/neutral.h"
#include "alerts/webhook.h"
#include "core/buf.h"
#include "core/utf8.h"
#include "tests/test.h"

#define HOSTILE "@everyone <!channel> <!here> *bold* [click](https://evil.example/x) " \
		"<https://evil.example|Your bank> `code` @here"

static char *
neutral(enum neutral_style st, const char *s, size_t max)
{
	struct buf b;

	buf_init(&b, 0);
	neutral_append(&b, st, s, max);
	return buf_take(&b, NULL);
}

static void
test_neutral_styles(void)
{
	char *s;

	s = neutral(NEUTRAL_SLACK, "a & <!channel> <https://x|y> *b* @everyone", 1000);
	T_EQ_STR(s, "a &amp; &lt;!channel&gt; &lt;https://x|y&gt; *\xe2\x80\x8b" "b*\xe2\x80\x8b "
		    "@\xe2\x80\x8b" "everyone");
	free(s);
	s = neutral(NEUTRAL_MARKDOWN, "[x](https://e) <@123> #h a_b \\", 1000);
	T_EQ_STR(s, "\\[x\\]\\(https://e\\) \\<@\xe2\x80\x8b" "123\\> \\#h a\\_b \\\\");
	free(s);
	s = neutral(NEUTRAL_TEAMS, "[x](https://e) <at>y</at>", 1000);
	T_EQ_STR(s, "\xef\xbc\xbbx\xef\xbc\xbd(https://e) \xef\xbc\x9c" "at\xef\xbc\x9ey"
		    "\xef\xbc\x9c/at\xef\xbc\x9e");
	free(s);
	s = neutral(NEUTRAL_GCHAT, "<users/all> <https://e|t>", 1000);
	T_EQ_STR(s, "\xef\xbc\x9cusers/all\xef\xbc\x9e \xef\xbc\x9chttps://e|t\xef\xbc\x9e");
	free(s);
	/* Controls become spaces, bidi overrides vanish, bad bytes are U+FFFD. */
	s = neutral(NEUTRAL_PLAIN, "a\nb\tc\xe2\x80\xae" "d\xff", 1000);
	T_EQ_STR(s, "a b cd\xef\xbf\xbd");
	free(s);
	s = neutral(NEUTRAL_RAW, "@everyone <x>\n", 1000);
	T_EQ_STR(s, "@everyone <x> ");
	free(s);
}

static void
test_neutral_cut(void)
{
	char *s;

	/* Cut on a character boundary, the ellipsis inside the limit. */
	s = neutral(NEUTRAL_PLAIN, "h\xc3\xa9llo w\xc3\xb6rld", 5);
	T_EQ_STR(s, "h\xc3\xa9ll\xe2\x80\xa6");
	T_EQ_INT(utf8_count(s, strlen(s)), 5);
	free(s);
	/* Exactly fitting text is not cut. */
	s = neutral(NEUTRAL_PLAIN, "hello", 5);
	T_EQ_STR(s, "hello");
	free(s);
	/* An escape is never split: "&amp;" goes whole or not at all. */
	s = neutral(NEUTRAL_SLACK, "ab&cd", 5);
	T_EQ_STR(s, "ab\xe2\x80\xa6");
	free(s);
	T_EQ_INT(neutral_len(NEUTRAL_SLACK, "a&b"), 7);
}

static void
test_neutral_url(void)
{
	struct buf b;

	buf_init(&b, 0);
	T_ASSERT(!neutral_url(&b, NEUTRAL_SLACK, "javascript:alert(1)"));
	T_ASSERT(!neutral_url(&b, NEUTRAL_MARKDOWN, "ftp://x/"));
	T_EQ_INT(b.len, 0);
	T_ASSERT(neutral_url(&b, NEUTRAL_SLACK, "https://e.example/a b|c>d?x=1&y=2"));
	T_EQ_STR(buf_str(&b), "https://e.example/a%20b%7Cc%3Ed?x=1&amp;y=2");
	buf_reset(&b);
	T_ASSERT(neutral_url(&b, NEUTRAL_MARKDOWN, "https://e.example/(x)[y]\xc3\xa9"));
	T_EQ_STR(buf_str(&b), "https://e.example/%28x%29%5By%5D%C3%A9");
	buf_free(&b);
}

/* A spike with ten mentions whose titles are long, multibyte and hostile. */
static void
make_spike(struct alert_msg *m, const char *rule, const char *key)
{
	struct buf t;

	msg_init(m);
	m->kind = MSG_SPIKE;
	msg_set_text(&m->key, key);
	msg_set_text(&m->rule, rule);
	msg_set_text(&m->brand, "acme");
	msg_set_text(&m->sentiment, "negative");
	m->fired_at = 1795000000;
	m->window_start = 1794996400;
	m->window_end = 1795000000;
	m->count = 42;
	m->baseline = 6.5;
	m->spread = 2;
	m->score = 7.25;
	m->share = 0.71;
	m->baseline_share = 0.2;
	msg_set_text(&m->summary, "acme: 42 negative mentions in 1h");
	buf_init(&t, 0);
	for (int i = 0; i < 10; i++) {
		buf_reset(&t);
		buf_printf(&t, "%d %s ", i, HOSTILE);
		for (int k = 0; k < 120; k++)
			buf_puts(&t, "r\xc3\xa9" "fund ");
		msg_add_mention(m, buf_str(&t), "trustpilot", "https://reviews.example/r?id=1&x=(2)",
				-0.8, 1794999000);
	}
	buf_free(&t);
	msg_add_term(&m->sources, &m->nsources, "trustpilot", 19, 2);
	msg_add_term(&m->sources, &m->nsources, "@everyone-forum", 7, 1);
	msg_add_term(&m->words, &m->nwords, "refund", 12, 1);
	msg_add_term(&m->words, &m->nwords, "<!channel>", 5, 0);
}

static size_t
cp(const cJSON *o)
{
	const char *s = cJSON_GetStringValue(o);

	return s ? utf8_count(s, strlen(s)) : 0;
}

static const cJSON *
at(const cJSON *o, const char *path)
{
	char key[64];

	while (o && *path) {
		size_t n = strcspn(path, ".");

		snprintf(key, sizeof(key), "%.*s", (int)n, path);
		if (key[0] >= '0' && key[0] <= '9')
			o = cJSON_GetArrayItem(o, (int)strtol(key, NULL, 10));
		else
			o = cJSON_GetObjectItemCaseSensitive(o, key);
		path += n + (path[n] == '.');
	}
	return o;
}

static const char *
str_at(const cJSON *o, const char *path)
{
	return cJSON_GetStringValue(at(o, path));
}

/* True when needle occurs in s other than right after a backslash (a
 * markdown escape, "\\\\" in the JSON text). */
static int
has_unescaped(const char *s, const char *needle)
{
	for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
		if (p == s || p[-1] != '\\')
			return 1;
	return 0;
}

/* Formats alerts for a webhook of type, checks the request-wide rules and
 * returns the parsed body (caller deletes). */
static cJSON *
format(int64_t type, const struct alert_msg *const *a, size_t n, struct webhook_req *r)
{
	struct conf_webhook wh = { .name = "w", .type = type, .url = "http://x/",
				   .min_interval = CONF_UNSET };
	char err[ES_ERRLEN];
	cJSON *root;

	T_EQ_INT(webhook_format(&wh, a, n, 1795000005, r, err, sizeof(err)), ES_OK);
	T_ASSERT(r->body && utf8_valid(r->body, r->len));
	T_EQ_INT(r->nalerts, n);
	T_EQ_STR(r->headers[0], "Content-Type: application/json; charset=utf-8");
	T_ASSERT(!strncmp(r->headers[1], "Idempotency-Key: ", 17) &&
		 !strcmp(r->headers[1] + 17, r->key));
	T_ASSERT(!strncmp(r->headers[2], "X-Earshot-Idempotency-Key: ", 27) &&
		 !strcmp(r->headers[2] + 27, r->key));
	root = cJSON_ParseWithLength(r->body, r->len);
	T_ASSERT(root != NULL);
	if (type != CONF_WH_JSON) {
		/* Scraped text pings nobody and forges no link. */
		T_NOT_CONTAINS(r->body, "@everyone");
		T_NOT_CONTAINS(r->body, "@here");
		T_NOT_CONTAINS(r->body, "<!channel>");
		T_NOT_CONTAINS(r->body, "<!here>");
		T_ASSERT(!has_unescaped(r->body, "<https://evil"));
	}
	/* Slack's mrkdwn has no [text](url) links; every other service does. */
	if (type != CONF_WH_JSON && type != CONF_WH_SLACK) {
		T_NOT_CONTAINS(r->body, "[click](");
		T_NOT_CONTAINS(r->body, "](https://evil");
	}
	return root;
}

static void
test_slack(void)
{
	struct alert_msg m;
	const struct alert_msg *a[] = { &m };
	struct webhook_req r;
	const cJSON *blocks, *b;
	cJSON *root;
	size_t total = 0;

	make_spike(&m, "acme-neg", "es1-abc");
	root = format(CONF_WH_SLACK, a, 1, &r);
	T_EQ_STR(r.key, "es1-abc");
	T_ASSERT(r.query == NULL);
	T_EQ_STR(str_at(root, "text"), "Negative spike: acme");
	T_EQ_STR(str_at(root, "attachments.0.color"), "#D50000");
	T_ASSERT(strlen(str_at(root, "attachments.0.fallback")) > 0);
	blocks = at(root, "attachments.0.blocks");
	T_ASSERT(cJSON_GetArraySize(blocks) >= 3 && cJSON_GetArraySize(blocks) <= 50);
	T_EQ_STR(str_at(blocks, "0.type"), "header");
	T_EQ_STR(str_at(blocks, "0.text.type"), "plain_text");
	T_EQ_STR(str_at(blocks, "0.text.text"), "Negative spike: acme");
	T_EQ_STR(str_at(blocks, "1.text.type"), "mrkdwn");
	T_CONTAINS(str_at(blocks, "1.text.text"), "*42* negative mentions of acme in 1h");
	T_CONTAINS(str_at(blocks, "1.text.text"), "6.5");
	T_CONTAINS(str_at(blocks, "1.text.text"), "Negative share *71%*, usually 20%.");
	T_CONTAINS(str_at(blocks, "2.text.text"), "\xe2\x80\xa2 <https://reviews.example/r?id=1&amp;x=%282%29|0 ");
	T_CONTAINS(str_at(blocks, "2.text.text"), "|9 ");
	T_NOT_CONTAINS(str_at(blocks, "2.text.text"), "more");
	cJSON_ArrayForEach(b, blocks) {
		size_t n = cp(at(b, "text.text"));

		T_ASSERT(n <= (strcmp(str_at(b, "type"), "header") ? 3000u : 150u));
		total += n;
	}
	T_ASSERT(total <= 12000);
	T_EQ_STR(str_at(blocks, "3.text.text") ? "ok" : NULL, "ok");
	T_CONTAINS(str_at(blocks, "3.text.text"), "trustpilot 19 (usually 2)");
	T_EQ_STR(str_at(at(blocks, "4"), "type"), "context");
	T_CONTAINS(str_at(blocks, "4.elements.0.text"), "key es1-abc");
	cJSON_Delete(root);
	webhook_req_reset(&r);
	msg_reset(&m);
}

static void
test_discord(void)
{
	struct alert_msg m;
	const struct alert_msg *a[] = { &m };
	struct webhook_req r;
	const cJSON *e;
	cJSON *root;
	size_t total;

	make_spike(&m, "acme-neg", "es1-abc");
	root = format(CONF_WH_DISCORD, a, 1, &r);
	T_EQ_STR(r.query, "wait=true");
	T_ASSERT(cJSON_IsArray(at(root, "allowed_mentions.parse")));
	T_EQ_INT(cJSON_GetArraySize(at(root, "allowed_mentions.parse")), 0);
	e = at(root, "embeds.0");
	T_EQ_STR(str_at(e, "title"), "Negative spike: acme");
	T_EQ_INT((long)cJSON_GetNumberValue(at(e, "color")), 0xD50000);
	T_ASSERT(cp(at(e, "title")) <= 256 && cp(at(e, "description")) <= 4096);
	T_CONTAINS(str_at(e, "description"), "**42** negative mentions");
	T_CONTAINS(str_at(e, "description"), "- [0 ");
	T_CONTAINS(str_at(e, "description"), "](https://reviews.example/r?id=1&x=%282%29)");
	total = cp(at(e, "title")) + cp(at(e, "description")) + cp(at(e, "footer.text"));
	T_CONTAINS(str_at(e, "description"), "\n\n**Sources above usual:** trustpilot 19 (usually 2)");
	T_ASSERT(at(e, "fields") == NULL);
	T_ASSERT(total <= 6000);
	T_EQ_STR(str_at(e, "timestamp"), "2026-11-18T11:06:40Z");
	cJSON_Delete(root);
	webhook_req_reset(&r);
	msg_reset(&m);
}

static void
test_teams(void)
{
	struct alert_msg m;
	const struct alert_msg *a[] = { &m };
	struct webhook_req r;
	const cJSON *card, *items;
	cJSON *root;

	make_spike(&m, "acme-neg", "es1-abc");
	root = format(CONF_WH_TEAMS, a, 1, &r);
	T_ASSERT(r.len <= 20000);
	T_EQ_STR(str_at(root, "type"), "message");
	T_EQ_STR(str_at(root, "attachments.0.contentType"),
		 "application/vnd.microsoft.card.adaptive");
	T_ASSERT(cJSON_IsNull(at(root, "attachments.0.contentUrl")));
	card = at(root, "attachments.0.content");
	T_EQ_STR(str_at(card, "type"), "AdaptiveCard");
	T_EQ_STR(str_at(card, "version"), "1.4");
	T_EQ_STR(str_at(card, "msteams.width"), "Full");
	items = at(card, "body.0.items");
	T_EQ_STR(str_at(items, "0.type"), "TextBlock");
	T_EQ_STR(str_at(items, "0.text"), "Negative spike: acme");
	T_EQ_STR(str_at(items, "0.color"), "Attention");
	T_CONTAINS(str_at(items, "2.text"), "- [0 ");
	T_NOT_CONTAINS(r.body, "<at>");
	cJSON_Delete(root);
	webhook_req_reset(&r);
	msg_reset(&m);
}

static void
test_mattermost_and_gchat(void)
{
	struct alert_msg m;
	const struct alert_msg *a[] = { &m };
	struct webhook_req r;
	const cJSON *att;
	cJSON *root;
	size_t total = 0;

	make_spike(&m, "acme-neg", "es1-abc");
	root = format(CONF_WH_MATTERMOST, a, 1, &r);
	cJSON_ArrayForEach(att, at(root, "attachments")) {
		T_EQ_STR(str_at(att, "color"), "#D50000");
		total += cp(at(att, "text")) + cp(at(att, "title")) + cp(at(att, "footer")) +
			 cp(at(att, "fallback"));
	}
	T_ASSERT(total <= 7900);
	T_CONTAINS(str_at(root, "attachments.0.text"), "**42** negative mentions");
	cJSON_Delete(root);
	webhook_req_reset(&r);

	root = format(CONF_WH_GOOGLECHAT, a, 1, &r);
	T_EQ_STR(r.query, "messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD");
	T_EQ_STR(str_at(root, "thread.threadKey"), "earshot-acme-neg");
	T_ASSERT(cp(at(root, "text")) <= 4000);
	T_CONTAINS(str_at(root, "text"), "*Negative spike: acme*\n*42* negative mentions");
	T_CONTAINS(str_at(root, "text"), "\xe2\x80\xa2 <https://reviews.example/r?id=1&x=%282%29|0 ");
	cJSON_Delete(root);
	webhook_req_reset(&r);
	msg_reset(&m);
}

static void
test_json_and_signature(void)
{
	struct conf_webhook wh = { .name = "j", .type = CONF_WH_JSON, .url = "http://x/",
				   .secret = "s3cret", .min_interval = CONF_UNSET };
	struct alert_msg m;
	const struct alert_msg *a[] = { &m };
	struct webhook_req r;
	char sig[65], hdr[100], err[ES_ERRLEN];
	cJSON *root;

	/* RFC 4231-style known answer (the widely published HMAC example). */
	webhook_sign("key", "The quick brown fox jumps over the lazy dog", 43, sig);
	T_EQ_STR(sig, "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");

	make_spike(&m, "acme-neg", "es1-abc");
	T_EQ_INT(webhook_format(&wh, a, 1, 1795000005, &r, err, sizeof(err)), ES_OK);
	root = cJSON_ParseWithLength(r.body, r.len);
	T_EQ_STR(str_at(root, "schema"), "earshot.alert/1");
	T_EQ_STR(str_at(root, "idempotency_key"), "es1-abc");
	T_EQ_STR(str_at(root, "sent_at"), "2026-11-18T11:06:45Z");
	T_EQ_STR(str_at(root, "alerts.0.kind"), "spike");
	T_EQ_STR(str_at(root, "alerts.0.rule"), "acme-neg");
	T_EQ_INT((long)cJSON_GetNumberValue(at(root, "alerts.0.count")), 42);
	T_EQ_DBL(cJSON_GetNumberValue(at(root, "alerts.0.baseline")), 6.5, 1e-9);
	T_EQ_STR(str_at(root, "alerts.0.window.start"), "2026-11-18T10:06:40Z");
	T_EQ_INT((long)cJSON_GetNumberValue(at(root, "alerts.0.window.seconds")), 3600);
	T_EQ_INT(cJSON_GetArraySize(at(root, "alerts.0.top_mentions")), 10);
	T_EQ_STR(str_at(root, "alerts.0.top_words.0.name"), "refund");
	T_EQ_STR(r.headers[3], "X-Earshot-Event: spike");
	webhook_sign("s3cret", r.body, r.len, sig);
	snprintf(hdr, sizeof(hdr), "X-Earshot-Signature: sha256=%s", sig);
	T_EQ_INT(r.nheaders, 5);
	T_EQ_STR(r.headers[4], hdr);
	cJSON_Delete(root);
	webhook_req_reset(&r);
	/* No secret, no signature. */
	wh.secret = NULL;
	T_EQ_INT(webhook_format(&wh, a, 1, 1795000005, &r, err, sizeof(err)), ES_OK);
	T_EQ_INT(r.nheaders, 4);
	webhook_req_reset(&r);
	msg_reset(&m);
}

static void
test_digest(void)
{
	struct alert_msg m[WEBHOOK_DIGEST_MAX];
	const struct alert_msg *a[WEBHOOK_DIGEST_MAX];
	char key[WEBHOOK_KEYLEN], key2[WEBHOOK_KEYLEN], rule[32], k[32], err[ES_ERRLEN];
	struct webhook_req r;
	struct conf_webhook wh = { .name = "w", .type = CONF_WH_SLACK, .url = "http://x/" };
	cJSON *root;
	int64_t types[] = { CONF_WH_SLACK, CONF_WH_DISCORD, CONF_WH_TEAMS, CONF_WH_MATTERMOST,
			    CONF_WH_GOOGLECHAT, CONF_WH_JSON };

	for (int i = 0; i < WEBHOOK_DIGEST_MAX; i++) {
		snprintf(rule, sizeof(rule), "rule-%d", i);
		snprintf(k, sizeof(k), "es1-k%d", i);
		make_spike(&m[i], rule, k);
		a[i] = &m[i];
	}
	webhook_digest_key(a, 3, key);
	webhook_digest_key(a, 3, key2);
	T_EQ_STR(key, key2);
	T_ASSERT(!strncmp(key, "es1-d", 5) && strlen(key) == 37);
	webhook_digest_key(a + 1, 3, key2);
	T_ASSERT(strcmp(key, key2) != 0);
	for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
		root = format(types[t], a, WEBHOOK_DIGEST_MAX, &r);
		T_ASSERT(!strncmp(r.key, "es1-d", 5));
		if (types[t] == CONF_WH_SLACK) {
			T_EQ_INT(cJSON_GetArraySize(at(root, "attachments")), WEBHOOK_DIGEST_MAX);
			T_CONTAINS(str_at(root, "attachments.9.blocks.2.text.text"),
				   "\n\xe2\x80\xa6 and 7 more");
		}
		if (types[t] == CONF_WH_DISCORD)
			T_EQ_INT(cJSON_GetArraySize(at(root, "embeds")), WEBHOOK_DIGEST_MAX);
		if (types[t] == CONF_WH_GOOGLECHAT) {
			T_ASSERT(cp(at(root, "text")) <= 4000);
			T_EQ_STR(str_at(root, "thread.threadKey"), "earshot-digest");
			T_CONTAINS(str_at(root, "text"), "10 alerts from earshot");
			T_CONTAINS(str_at(root, "text"), "*Negative spike: acme*");
		}
		if (types[t] == CONF_WH_JSON)
			T_EQ_INT(cJSON_GetArraySize(at(root, "alerts")), WEBHOOK_DIGEST_MAX);
		cJSON_Delete(root);
		webhook_req_reset(&r);
	}
	T_EQ_INT(webhook_format(&wh, a, WEBHOOK_DIGEST_MAX + 1, 0, &r, err, sizeof(err)),
		 ES_EINVAL);
	for (int i = 0; i < WEBHOOK_DIGEST_MAX; i++)
		msg_reset(&m[i]);
}

static void
test_msg_json_roundtrip(void)
{
	struct alert_msg m, back;
	struct buf j, j2;
	char err[ES_ERRLEN];

	make_spike(&m, "acme-neg", "es1-abc");
	buf_init(&j, 0);
	buf_init(&j2, 0);
	msg_to_json(&m, &j);
	T_EQ_INT(msg_from_json(buf_str(&j), &back, err, sizeof(err)), ES_OK);
	msg_to_json(&back, &j2);
	T_EQ_STR(buf_str(&j2), buf_str(&j));
	T_EQ_INT(back.nmentions, 10);
	T_EQ_INT(back.count, 42);
	T_ASSERT(isnan(back.baseline) == 0 && back.window_end == m.window_end);
	msg_reset(&back);
	T_EQ_INT(msg_from_json("[1]", &back, err, sizeof(err)), ES_EPARSE);
	T_EQ_INT(msg_from_json("{\"kind\":\"nope\"}", &back, err, sizeof(err)), ES_EPARSE);
	buf_free(&j);
	buf_free(&j2);
	msg_reset(&m);
}

static void
test_url_hash_and_pace(void)
{
	char a[WEBHOOK_HASHLEN], b[WEBHOOK_HASHLEN];
	struct conf_webhook wh = { .type = CONF_WH_SLACK, .min_interval = CONF_UNSET };

	webhook_url_hash("https://hooks.slack.com/services/T/B/secret", a);
	webhook_url_hash("https://hooks.slack.com/services/T/B/other", b);
	T_EQ_INT(strlen(a), 16);
	T_ASSERT(strcmp(a, b) != 0);
	T_NOT_CONTAINS(a, "secret");
	T_EQ_INT(webhook_min_interval(&wh), 1000);
	wh.type = CONF_WH_TEAMS;
	T_EQ_INT(webhook_min_interval(&wh), 250);
	wh.type = CONF_WH_DISCORD;
	T_EQ_INT(webhook_min_interval(&wh), 0);
	wh.min_interval = 5000;
	T_EQ_INT(webhook_min_interval(&wh), 5000);
}

int
main(void)
{
	T_RUN(test_neutral_styles);
	T_RUN(test_neutral_cut);
	T_RUN(test_neutral_url);
	T_RUN(test_slack);
	T_RUN(test_discord);
	T_RUN(test_teams);
	T_RUN(test_mattermost_and_gchat);
	T_RUN(test_json_and_signature);
	T_RUN(test_digest);
	T_RUN(test_msg_json_roundtrip);
	T_RUN(test_url_hash_and_pace);
	return t_report();
}
