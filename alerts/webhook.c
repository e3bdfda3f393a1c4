/* webhook.c - one message per service, from rendered parts; see webhook.h.
 *
 * Each service is a row of services[]: its text style, its limits and the
 * function that arranges the parts into its JSON.  The limits count code
 * points (what the services count); a message that comes out larger than
 * the service's byte limit is rebuilt with a smaller budget. */
#include "alerts/webhook.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts/render.h"
#include "core/buf.h"
#include "core/jsonw.h"
#include "core/when.h"
#include "core/xalloc.h"

#define WEBHOOK_SHRINKS 8     /* rebuilds with a smaller budget before giving up */

struct service;
typedef cJSON *(*build_fn)(const struct service *sv, const struct alert_msg *const *a, size_t n,
			   size_t budget);

struct service {
	const char *name;
	struct render_style style;
	int64_t pace_ms;
	size_t title_max;     /* code points of a title */
	size_t text_max;      /* of one text field */
	size_t message_max;   /* of all text in one message */
	size_t body_max;      /* bytes of the JSON body */
	const char *query;    /* appended to the URL */
	build_fn build;       /* NULL: the generic JSON schema */
};

static cJSON *slack_build(const struct service *, const struct alert_msg *const *, size_t, size_t);
static cJSON *discord_build(const struct service *, const struct alert_msg *const *, size_t,
			    size_t);
static cJSON *teams_build(const struct service *, const struct alert_msg *const *, size_t, size_t);
static cJSON *mattermost_build(const struct service *, const struct alert_msg *const *, size_t,
			       size_t);
static cJSON *gchat_build(const struct service *, const struct alert_msg *const *, size_t, size_t);

/* Indexed by enum conf_webhook_type. */
static const struct service services[] = {
	[CONF_WH_SLACK] = { "slack",
			    { NEUTRAL_PLAIN, NEUTRAL_SLACK, NEUTRAL_SLACK, "*", RENDER_LINK_ANGLE,
			      "\xe2\x80\xa2 " },
			    1000, 150, 3000, 12000, 40000, NULL, slack_build },
	[CONF_WH_DISCORD] = { "discord",
			      { NEUTRAL_MARKDOWN, NEUTRAL_MARKDOWN, NEUTRAL_PLAIN, "**",
				RENDER_LINK_MD, "- " },
			      0, 256, 2400, 5600, 60000, "wait=true", discord_build },
	[CONF_WH_TEAMS] = { "teams",
			    { NEUTRAL_TEAMS, NEUTRAL_TEAMS, NEUTRAL_TEAMS, "**", RENDER_LINK_MD, "- " },
			    250, 200, 4000, 12000, 20000, NULL, teams_build },
	[CONF_WH_MATTERMOST] = { "mattermost",
				 { NEUTRAL_PLAIN, NEUTRAL_MARKDOWN, NEUTRAL_PLAIN, "**",
				   RENDER_LINK_MD, "- " },
				 200, 256, 7000, 7000, 60000, NULL, mattermost_build },
	[CONF_WH_GOOGLECHAT] = { "googlechat",
				 { NEUTRAL_GCHAT, NEUTRAL_GCHAT, NEUTRAL_GCHAT, "*", RENDER_LINK_ANGLE,
				   "\xe2\x80\xa2 " },
				 1000, 200, 4000, 3900, 32000,
				 "messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD", gchat_build },
	[CONF_WH_JSON] = { "json",
			   { NEUTRAL_RAW, NEUTRAL_RAW, NEUTRAL_RAW, "", RENDER_LINK_NONE, "" },
			   0, 0, 0, 0, 4 * 1024 * 1024, NULL, NULL },
};

#define NSERVICES (sizeof(services) / sizeof(services[0]))

static const struct service *
service_of(int64_t type)
{
	return type >= 0 && (size_t)type < NSERVICES ? &services[type] : &services[CONF_WH_JSON];
}

const char *
webhook_type_name(int64_t type)
{
	return service_of(type)->name;
}

int64_t
webhook_min_interval(const struct conf_webhook *wh)
{
	if (wh->min_interval != CONF_UNSET && wh->min_interval >= 0)
		return wh->min_interval;
	return service_of(wh->type)->pace_ms;
}

void
webhook_req_reset(struct webhook_req *r)
{
	free(r->body);
	for (size_t i = 0; i < r->nheaders; i++)
		free(r->headers[i]);
	memset(r, 0, sizeof(*r));
}

/* ---- hashing ---- */

static void
hex_of(const unsigned char *d, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[2 * n] = '\0';
}

static void
sha256_hex(const void *p, size_t n, char out[65])
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;

	if (!EVP_Digest(p, n, d, &dlen, EVP_sha256(), NULL) || dlen != 32)
		abort(); /* only out of memory makes this fail */
	hex_of(d, 32, out);
}

void
webhook_sign(const char *secret, const char *body, size_t len, char out[65])
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;

	if (!HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)body, len, d,
		  &dlen) || dlen != 32)
		abort();
	hex_of(d, 32, out);
}

void
webhook_url_hash(const char *url, char out[WEBHOOK_HASHLEN])
{
	char hex[65];
	struct buf b;

	/* Salted so the stored value matches no other table of URL hashes. */
	buf_init(&b, 0);
	buf_printf(&b, "earshot webhook url\n%s", url ? url : "");
	sha256_hex(b.data, b.len, hex);
	buf_free(&b);
	snprintf(out, WEBHOOK_HASHLEN, "%.16s", hex);
}

void
webhook_digest_key(const struct alert_msg *const *alerts, size_t n, char out[WEBHOOK_KEYLEN])
{
	char hex[65];
	struct buf b;

	if (n == 1) {
		snprintf(out, WEBHOOK_KEYLEN, "%s", alerts[0]->key ? alerts[0]->key : "");
		return;
	}
	buf_init(&b, 0);
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "%s\n", alerts[i]->key ? alerts[i]->key : "");
	sha256_hex(buf_str(&b), b.len, hex);
	buf_free(&b);
	snprintf(out, WEBHOOK_KEYLEN, "es1-d%.32s", hex);
}

/* ---- shared pieces ---- */

static void
add_str(cJSON *o, const char *key, const struct buf *b)
{
	cJSON_AddStringToObject(o, key, buf_str(b));
}

static void
parts_for(struct render_parts *p, const struct service *sv, const struct alert_msg *m,
	  size_t budget)
{
	struct render_limits lim = { sv->title_max, sv->text_max, budget };

	render_alert(p, &sv->style, &lim, m);
}

/* "3 alerts from earshot" for a digest. */
static void
digest_line(struct buf *out, size_t n)
{
	buf_printf(out, "%zu alerts from earshot", n);
}

/* Joins the non-empty parts with sep into out. */
static void
join_parts(struct buf *out, const char *sep, const struct buf *const *parts, size_t n)
{
	size_t used = 0;

	for (size_t i = 0; i < n; i++) {
		if (!parts[i]->len)
			continue;
		if (used++)
			buf_puts(out, sep);
		buf_append(out, parts[i]->data, parts[i]->len);
	}
}

/* ---- Slack ---- */

static cJSON *
slack_block(cJSON *blocks, const char *type, const char *text_type, const struct buf *text)
{
	cJSON *b = cJSON_CreateObject(), *t = cJSON_CreateObject();

	cJSON_AddStringToObject(b, "type", type);
	cJSON_AddStringToObject(t, "type", text_type);
	add_str(t, "text", text);
	if (!strcmp(text_type, "plain_text"))
		cJSON_AddBoolToObject(t, "emoji", 0);
	cJSON_AddItemToObject(b, "text", t);
	cJSON_AddItemToArray(blocks, b);
	return b;
}

static void
slack_attachment(cJSON *atts, const struct render_parts *p, const struct alert_msg *m)
{
	cJSON *att = cJSON_CreateObject(), *blocks, *ctx, *els, *el;
	struct buf terms;
	const struct buf *tp[] = { &p->sources, &p->words };

	cJSON_AddStringToObject(att, "color", render_color(m->kind, NULL));
	add_str(att, "fallback", &p->fallback);
	blocks = cJSON_AddArrayToObject(att, "blocks");
	slack_block(blocks, "header", "plain_text", &p->title);
	slack_block(blocks, "section", "mrkdwn", &p->headline);
	if (p->mentions.len)
		slack_block(blocks, "section", "mrkdwn", &p->mentions);
	buf_init(&terms, 0);
	join_parts(&terms, "\n", tp, 2);
	if (terms.len)
		slack_block(blocks, "section", "mrkdwn", &terms);
	buf_free(&terms);
	ctx = cJSON_CreateObject();
	cJSON_AddStringToObject(ctx, "type", "context");
	els = cJSON_AddArrayToObject(ctx, "elements");
	el = cJSON_CreateObject();
	cJSON_AddStringToObject(el, "type", "mrkdwn");
	add_str(el, "text", &p->footer);
	cJSON_AddItemToArray(els, el);
	cJSON_AddItemToArray(blocks, ctx);
	cJSON_AddItemToArray(atts, att);
}

static cJSON *
slack_build(const struct service *sv, const struct alert_msg *const *a, size_t n, size_t budget)
{
	cJSON *root = cJSON_CreateObject(), *atts;
	struct render_parts p;
	struct buf text;

	render_parts_init(&p);
	buf_init(&text, 0);
	cJSON_AddStringToObject(root, "username", "earshot");
	atts = cJSON_CreateArray();
	for (size_t i = 0; i < n; i++) {
		parts_for(&p, sv, a[i], budget / n);
		if (n == 1)
			buf_append(&text, buf_str(&p.title), p.title.len);
		slack_attachment(atts, &p, a[i]);
	}
	if (n > 1)
		digest_line(&text, n);
	add_str(root, "text", &text);
	cJSON_AddItemToObject(root, "attachments", atts);
	render_parts_reset(&p);
	buf_free(&text);
	return root;
}

/* ---- Discord ---- */

static void
discord_embed(cJSON *embeds, const struct render_parts *p, const struct alert_msg *m)
{
	cJSON *e = cJSON_CreateObject(), *footer;
	char iso[WHEN_ISOLEN];
	struct buf desc;
	const struct buf *dp[] = { &p->headline, &p->mentions, &p->sources, &p->words };
	long rgb;

	render_color(m->kind, &rgb);
	buf_init(&desc, 0);
	join_parts(&desc, "\n\n", dp, 4);
	add_str(e, "title", &p->title);
	add_str(e, "description", &desc);
	cJSON_AddNumberToObject(e, "color", (double)rgb);
	footer = cJSON_AddObjectToObject(e, "footer");
	add_str(footer, "text", &p->footer);
	if (m->fired_at)
		cJSON_AddStringToObject(e, "timestamp", when_fmt_iso(m->fired_at, iso));
	cJSON_AddItemToArray(embeds, e);
	buf_free(&desc);
}

static cJSON *
discord_build(const struct service *sv, const struct alert_msg *const *a, size_t n,
	      size_t budget)
{
	cJSON *root = cJSON_CreateObject(), *embeds, *am;
	struct render_parts p;
	struct buf content;

	render_parts_init(&p);
	buf_init(&content, 0);
	cJSON_AddStringToObject(root, "username", "earshot");
	if (n > 1)
		digest_line(&content, n);
	add_str(root, "content", &content);
	am = cJSON_AddObjectToObject(root, "allowed_mentions");
	cJSON_AddArrayToObject(am, "parse");
	embeds = cJSON_AddArrayToObject(root, "embeds");
	for (size_t i = 0; i < n; i++) {
		/* The separators between the parts count towards the 6000 too. */
		parts_for(&p, sv, a[i], budget / n > 20 ? budget / n - 20 : 0);
		discord_embed(embeds, &p, a[i]);
	}
	render_parts_reset(&p);
	buf_free(&content);
	return root;
}

/* ---- Microsoft Teams (Workflows, Adaptive Card 1.4) ---- */

static cJSON *
teams_text(cJSON *items, const struct buf *text)
{
	cJSON *t;

	if (!text->len)
		return NULL;
	t = cJSON_CreateObject();
	cJSON_AddStringToObject(t, "type", "TextBlock");
	add_str(t, "text", text);
	cJSON_AddBoolToObject(t, "wrap", 1);
	cJSON_AddItemToArray(items, t);
	return t;
}

static const char *const teams_colors[MSG_KIND_COUNT] = {
	[MSG_SPIKE] = "Attention", [MSG_SOURCE_FAILING] = "Warning",
	[MSG_SOURCE_SILENT] = "Warning", [MSG_SOURCE_RECOVERED] = "Good",
	[MSG_TEST] = "Accent",
};

static void
teams_container(cJSON *body, const struct render_parts *p, const struct alert_msg *m, bool sep)
{
	cJSON *c = cJSON_CreateObject(), *items, *t;

	cJSON_AddStringToObject(c, "type", "Container");
	if (sep)
		cJSON_AddBoolToObject(c, "separator", 1);
	items = cJSON_AddArrayToObject(c, "items");
	t = teams_text(items, &p->title);
	cJSON_AddStringToObject(t, "weight", "Bolder");
	cJSON_AddStringToObject(t, "size", "Large");
	cJSON_AddStringToObject(t, "color", teams_colors[m->kind < MSG_KIND_COUNT ? m->kind
										: MSG_TEST]);
	teams_text(items, &p->headline);
	teams_text(items, &p->mentions);
	teams_text(items, &p->sources);
	teams_text(items, &p->words);
	if ((t = teams_text(items, &p->footer))) {
		cJSON_AddStringToObject(t, "size", "Small");
		cJSON_AddBoolToObject(t, "isSubtle", 1);
	}
	cJSON_AddItemToArray(body, c);
}

static cJSON *
teams_build(const struct service *sv, const struct alert_msg *const *a, size_t n, size_t budget)
{
	cJSON *root = cJSON_CreateObject(), *att, *card, *body, *ms;
	struct render_parts p;
	struct buf head;

	render_parts_init(&p);
	buf_init(&head, 0);
	cJSON_AddStringToObject(root, "type", "message");
	att = cJSON_CreateObject();
	cJSON_AddItemToArray(cJSON_AddArrayToObject(root, "attachments"), att);
	cJSON_AddStringToObject(att, "contentType", "application/vnd.microsoft.card.adaptive");
	cJSON_AddNullToObject(att, "contentUrl");
	card = cJSON_AddObjectToObject(att, "content");
	cJSON_AddStringToObject(card, "$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
	cJSON_AddStringToObject(card, "type", "AdaptiveCard");
	cJSON_AddStringToObject(card, "version", "1.4");
	body = cJSON_AddArrayToObject(card, "body");
	if (n > 1) {
		digest_line(&head, n);
		cJSON_AddStringToObject(teams_text(body, &head), "weight", "Bolder");
	}
	for (size_t i = 0; i < n; i++) {
		parts_for(&p, sv, a[i], budget / n);
		teams_container(body, &p, a[i], i > 0);
	}
	ms = cJSON_AddObjectToObject(card, "msteams");
	cJSON_AddStringToObject(ms, "width", "Full");
	render_parts_reset(&p);
	buf_free(&head);
	return root;
}

/* ---- Mattermost ---- */

static cJSON *
mattermost_build(const struct service *sv, const struct alert_msg *const *a, size_t n,
		 size_t budget)
{
	cJSON *root = cJSON_CreateObject(), *atts;
	struct render_parts p;
	struct buf text;

	render_parts_init(&p);
	buf_init(&text, 0);
	cJSON_AddStringToObject(root, "username", "earshot");
	if (n > 1) {
		digest_line(&text, n);
		add_str(root, "text", &text);
	}
	atts = cJSON_AddArrayToObject(root, "attachments");
	for (size_t i = 0; i < n; i++) {
		cJSON *att = cJSON_CreateObject();
		const struct buf *tp[] = { &p.headline, &p.mentions, &p.sources, &p.words };

		parts_for(&p, sv, a[i], budget / n);
		buf_reset(&text);
		join_parts(&text, "\n\n", tp, 4);
		add_str(att, "fallback", &p.fallback);
		cJSON_AddStringToObject(att, "color", render_color(a[i]->kind, NULL));
		add_str(att, "title", &p.title);
		add_str(att, "text", &text);
		add_str(att, "footer", &p.footer);
		cJSON_AddItemToArray(atts, att);
	}
	render_parts_reset(&p);
	buf_free(&text);
	return root;
}

/* ---- Google Chat ---- */

/* The thread key: the rule's, so repeated alerts of one rule share a
 * thread; a digest of several rules gets its own.  Only [A-Za-z0-9_-]
 * are kept (others become '-'): a key is an identifier, never shown. */
static void
gchat_thread(cJSON *root, const struct alert_msg *const *a, size_t n)
{
	const char *rule = a[0]->rule ? a[0]->rule : "earshot";
	struct buf key;

	for (size_t i = 1; i < n; i++)
		if (!a[i]->rule || strcmp(a[i]->rule, rule) != 0)
			rule = "digest";
	buf_init(&key, 0);
	buf_puts(&key, "earshot-");
	for (const char *p = rule; *p && key.len < 100; p++)
		buf_putc(&key, isalnum((unsigned char)*p) || *p == '_' || *p == '-' ? *p : '-');
	add_str(cJSON_AddObjectToObject(root, "thread"), "threadKey", &key);
	buf_free(&key);
}

static cJSON *
gchat_build(const struct service *sv, const struct alert_msg *const *a, size_t n, size_t budget)
{
	cJSON *root = cJSON_CreateObject();
	struct render_parts p;
	struct buf text, one;

	render_parts_init(&p);
	buf_init(&text, 0);
	buf_init(&one, 0);
	if (n > 1) {
		digest_line(&text, n);
		buf_puts(&text, "\n\n");
	}
	for (size_t i = 0; i < n; i++) {
		const struct buf *tp[] = { &one, &p.headline, &p.mentions, &p.sources, &p.words,
					   &p.footer };

		parts_for(&p, sv, a[i], budget / n > 40 ? budget / n - 40 : 0);
		buf_reset(&one);
		buf_printf(&one, "*%s*", buf_str(&p.title));
		if (i > 0)
			buf_puts(&text, "\n\n");
		join_parts(&text, "\n", tp, 6);
	}
	add_str(root, "text", &text);
	gchat_thread(root, a, n);
	render_parts_reset(&p);
	buf_free(&text);
	buf_free(&one);
	return root;
}

/* ---- generic JSON ---- */

static char *
json_body(const struct alert_msg *const *a, size_t n, const char *key, int64_t now, size_t *len)
{
	char iso[WHEN_ISOLEN];
	struct buf b;
	int first = 1;

	buf_init(&b, 0);
	buf_putc(&b, '{');
	jsonw_key(&b, "schema", &first);
	jsonw_cstr(&b, "earshot.alert/1");
	jsonw_key(&b, "idempotency_key", &first);
	jsonw_cstr(&b, key);
	jsonw_key(&b, "sent_at", &first);
	jsonw_cstr(&b, when_fmt_iso(now, iso));
	jsonw_key(&b, "alerts", &first);
	buf_putc(&b, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_putc(&b, ',');
		msg_to_json(a[i], &b);
	}
	buf_puts(&b, "]}");
	return buf_take(&b, len);
}

/* ---- the request ---- */

static void
add_header(struct webhook_req *r, const char *fmt, const char *value)
{
	if (r->nheaders < WEBHOOK_MAX_HEADERS)
		r->headers[r->nheaders++] = xasprintf(fmt, value);
}

static void
add_headers(struct webhook_req *r, const struct conf_webhook *wh,
	    const struct alert_msg *const *a, size_t n)
{
	char sig[65];

	add_header(r, "Content-Type: %s", "application/json; charset=utf-8");
	add_header(r, "Idempotency-Key: %s", r->key);
	add_header(r, "X-Earshot-Idempotency-Key: %s", r->key);
	if (wh->type != CONF_WH_JSON)
		return;
	add_header(r, "X-Earshot-Event: %s", n == 1 ? msg_kind_name(a[0]->kind) : "digest");
	if (wh->secret && *wh->secret) {
		webhook_sign(wh->secret, r->body, r->len, sig);
		add_header(r, "X-Earshot-Signature: sha256=%s", sig);
	}
}

/* Builds with shrinking budgets until the body fits the service. */
static enum es_err
build_fitted(const struct service *sv, const struct alert_msg *const *a, size_t n,
	     struct webhook_req *r, char *err, size_t errlen)
{
	size_t budget = sv->message_max;

	for (int i = 0; i < WEBHOOK_SHRINKS; i++, budget = budget * 3 / 4) {
		cJSON *root = sv->build(sv, a, n, budget);
		char *body = cJSON_PrintUnformatted(root);

		cJSON_Delete(root);
		if (!body)
			abort(); /* cJSON fails only when out of memory */
		if (strlen(body) <= sv->body_max) {
			r->body = body;
			r->len = strlen(body);
			return ES_OK;
		}
		free(body);
	}
	return es_error(ES_ETOOBIG, err, errlen, "%s message does not fit in %zu bytes", sv->name,
			sv->body_max);
}

enum es_err
webhook_format(const struct conf_webhook *wh, const struct alert_msg *const *alerts, size_t n,
	       int64_t now, struct webhook_req *out, char *err, size_t errlen)
{
	const struct service *sv = service_of(wh->type);
	enum es_err rc = ES_OK;

	memset(out, 0, sizeof(*out));
	if (n == 0 || n > WEBHOOK_DIGEST_MAX)
		return es_error(ES_EINVAL, err, errlen, "a message holds 1 to %d alerts",
				WEBHOOK_DIGEST_MAX);
	webhook_digest_key(alerts, n, out->key);
	out->nalerts = n;
	out->query = sv->query;
	if (sv->build)
		rc = build_fitted(sv, alerts, n, out, err, errlen);
	else
		out->body = json_body(alerts, n, out->key, now, &out->len);
	if (rc == ES_OK && out->len > sv->body_max)
		rc = es_error(ES_ETOOBIG, err, errlen, "message of %zu bytes is too large", out->len);
	if (rc != ES_OK) {
		webhook_req_reset(out);
		return rc;
	}
	add_headers(out, wh, alerts, n);
	return ES_OK;
}
