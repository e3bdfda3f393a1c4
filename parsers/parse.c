/* parse.c - the one entry point: encoding, sniffing, dispatch. */
#include "parsers/parse.h"

#include <libxml/parser.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/utf8.h"
#include "core/xalloc.h"
#include "parsers/charset.h"
#include "parsers/emit.h"
#include "parsers/json.h"
#include "parsers/jsonfeed.h"
#include "parsers/jsonmap.h"
#include "parsers/review.h"
#include "parsers/sniff.h"
#include "parsers/xmlfeed.h"

static const char *const parse_names[] = {
	[PARSE_AUTO] = "auto", [PARSE_RSS] = "rss",   [PARSE_ATOM] = "atom",
	[PARSE_JSONFEED] = "jsonfeed", [PARSE_JSON] = "json", [PARSE_HTML] = "html",
	[PARSE_UNKNOWN] = "unknown",
};

const char *
parse_format_name(enum parse_format f)
{
	return f <= PARSE_UNKNOWN ? parse_names[f] : "unknown";
}

enum es_err
parse_format_from_name(const char *name, enum parse_format *f)
{
	for (int i = PARSE_AUTO; i < PARSE_UNKNOWN; i++)
		if (name && strcasecmp(name, parse_names[i]) == 0) {
			*f = (enum parse_format)i;
			return ES_OK;
		}
	return ES_EINVAL;
}

/* No entity, DTD or XInclude is ever fetched, whatever asks for one. */
static xmlParserInputPtr
parse_refuse_entity(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)url, (void)id, (void)ctxt;
	return NULL;
}

static void
parse_init(void)
{
	xmlInitParser();
	xmlSetExternalEntityLoader(parse_refuse_entity);
}

/* A UTF-8 copy of the document when it is not valid UTF-8 already (another
 * charset, or bad bytes); NULL when data can be read as it is.  A UTF-8
 * byte order mark (bom, already skipped) outranks any declaration. */
static char *
parse_utf8(const char *data, size_t len, const char *header, enum charset_doc doc, bool bom8,
	   size_t *outlen)
{
	char name[CHARSET_NAMELEN];
	size_t bom = charset_detect(data, len, header, doc, name);

	if (bom8)
		snprintf(name, sizeof(name), "UTF-8");
	if (charset_is_utf8(name) && !bom && utf8_valid(data, len))
		return NULL;
	return charset_to_utf8(data + bom, len - bom, name, 0, outlen);
}

static enum es_err
parse_json(const char *data, size_t len, const struct parse_opts *opts, struct emit *e,
	   struct parse_result *res, char *err, size_t errlen)
{
	cJSON *root = json_parse(data, len, err, errlen);
	enum es_err rc;

	if (!root)
		return ES_EPARSE;
	if (opts->format == PARSE_JSONFEED || (opts->format != PARSE_JSON && jsonfeed_is(root))) {
		res->format = PARSE_JSONFEED;
		rc = jsonfeed_parse(root, opts->base_url, e, err, errlen);
	} else {
		res->format = PARSE_JSON;
		rc = jsonmap_parse(root, opts->map, opts->base_url, e, err, errlen);
	}
	cJSON_Delete(root);
	return rc;
}

/* The format to parse as: what the caller forced (JSON Feed and JSON are
 * told apart later), else what the bytes say. */
static enum parse_format
parse_pick(const char *data, size_t len, enum parse_format forced, size_t *root)
{
	enum parse_format sniffed = sniff_format(data, len, root);

	if (forced == PARSE_AUTO || forced == PARSE_UNKNOWN)
		return sniffed;
	if ((forced == PARSE_RSS || forced == PARSE_ATOM) && sniffed != PARSE_RSS &&
	    sniffed != PARSE_ATOM)
		*root = sniff_first_element(data, len, *root);
	return forced;
}

static enum es_err
parse_dispatch(const char *data, size_t len, const struct parse_opts *opts, bool bom8,
	       struct emit *e, struct parse_result *res, char *err, size_t errlen)
{
	size_t root, n = len;
	enum parse_format f = parse_pick(data, len, opts->format, &root);
	struct parse_opts o = *opts;
	char *utf8;
	enum es_err rc;

	res->format = f;
	switch (f) {
	case PARSE_RSS:
	case PARSE_ATOM:
		if ((utf8 = parse_utf8(data, len, opts->charset, CHARSET_XML, bom8, &n)))
			parse_pick(utf8, n, opts->format, &root);
		rc = xmlfeed_parse(utf8 ? utf8 : data, n, root, f, opts->base_url, e, res, err, errlen);
		break;
	case PARSE_JSON:
	case PARSE_JSONFEED:
		o.format = opts->format;
		utf8 = parse_utf8(data + root, len - root, NULL, CHARSET_JSON, bom8, &n);
		rc = parse_json(utf8 ? utf8 : data + root, utf8 ? n : len - root, &o, e, res, err,
				errlen);
		break;
	case PARSE_HTML:
		utf8 = parse_utf8(data, len, opts->charset, CHARSET_HTML, bom8, &n);
		rc = review_parse(utf8 ? utf8 : data, n, opts->map, opts->base_url, e, err, errlen);
		break;
	default:
		return es_error(ES_EPARSE, err, errlen, "not a feed, JSON or HTML document");
	}
	free(utf8);
	return rc;
}

/* Documents that start with a UTF-16 or UTF-32 byte order mark (or "<\0")
 * are made UTF-8 before anything looks at them. */
static char *
parse_wide(const char *data, size_t len, size_t *outlen)
{
	char name[CHARSET_NAMELEN];
	size_t bom = charset_detect(data, len, NULL, CHARSET_JSON, name);

	if (charset_is_utf8(name))
		return NULL;
	return charset_to_utf8(data + bom, len - bom, name, 0, outlen);
}

enum es_err
parse_document(const char *data, size_t len, const struct parse_opts *opts, mention_fn fn,
	       void *ctx, struct parse_result *res, char *err, size_t errlen)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	static const struct parse_opts defaults;
	struct parse_result local;
	struct emit e;
	size_t n = len;
	char *wide;
	bool bom8;
	enum es_err rc;

	pthread_once(&once, parse_init);
	if (!opts)
		opts = &defaults;
	if (!res)
		res = &local;
	memset(res, 0, sizeof(*res));
	if (!data)
		return es_error(ES_EINVAL, err, errlen, "no document");
	/* A UTF-8 BOM is skipped here; wider ones are converted first. */
	if ((bom8 = len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0))
		data += 3, len -= 3, n = len;
	wide = parse_wide(data, len, &n);
	emit_init(&e, opts, fn, ctx);
	rc = parse_dispatch(wide ? wide : data, wide ? n : len, opts, bom8 || wide, &e, res, err,
			    errlen);
	res->mentions = e.mentions;
	res->skipped = e.skipped;
	emit_reset(&e);
	free(wide);
	if (rc == ES_STOP)
		rc = ES_OK;
	return rc;
}

enum parse_format
parse_sniff(const char *data, size_t len)
{
	size_t root, n = len;
	char *wide;
	enum parse_format f;
	const char *d;

	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		data += 3, len -= 3, n = len;
	wide = parse_wide(data, len, &n);
	d = wide ? wide : data;
	if ((f = sniff_format(d, n, &root)) == PARSE_JSON) {
		size_t k = n - root < 65536 ? n - root : 65536;

		if (memmem(d + root, k, "jsonfeed.org/version/", 21))
			f = PARSE_JSONFEED;
	}
	free(wide);
	return f;
}
