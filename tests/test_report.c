/* test_report.c - earshot report --html on the fixture database: the page
 * is well-formed (parsed as XML by libxml2), holds one chart per brand
 * with a bar per day and a marker per alert, refers to nothing outside
 * itself but the mentions' own links, escapes hostile scraped text, and
 * renders in headless Chromium to a screenshot that is not blank. */
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "core/when.h"
#include "store/store.h"
#include "tests/fixture.h"
#include "tests/test.h"

#define SHOT_W 1280
#define SHOT_H 2000

static const char *db;

static xmlDocPtr
parse(const char *path)
{
	size_t len;
	char *html = t_read_file(path, &len);
	xmlDocPtr doc;

	if (!html)
		return NULL;
	doc = xmlReadMemory(html, (int)len, path, "UTF-8", XML_PARSE_NONET);
	free(html);
	return doc;
}

static int
xcount(xmlDocPtr doc, const char *xpath)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr r = xmlXPathEvalExpression((const xmlChar *)xpath, ctx);
	int n = r && r->nodesetval ? r->nodesetval->nodeNr : -1;

	xmlXPathFreeObject(r);
	xmlXPathFreeContext(ctx);
	return n;
}

/* The string value of xpath (first node), malloc'ed; "" when none. */
static char *
xstring(xmlDocPtr doc, const char *xpath)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	char expr[512];
	xmlXPathObjectPtr r;
	char *s;

	snprintf(expr, sizeof(expr), "string(%s)", xpath);
	r = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
	s = strdup(r && r->stringval ? (const char *)r->stringval : "");
	xmlXPathFreeObject(r);
	xmlXPathFreeContext(ctx);
	return s;
}

static int
url_stored(const char *url)
{
	sqlite3 *d;
	sqlite3_stmt *st;
	int n = 0;

	sqlite3_open_v2(db, &d, SQLITE_OPEN_READONLY, NULL);
	sqlite3_prepare_v2(d, "SELECT count(*) FROM mentions WHERE url = ?1", -1, &st, NULL);
	sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(d);
	return n;
}

/* Every href is a fragment of the page or a stored mention's own link,
 * and nothing is loaded from anywhere (src, url(), @import, scripts). */
static void
check_self_contained(xmlDocPtr doc, const char *text)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr r = xmlXPathEvalExpression((const xmlChar *)"//@href", ctx);
	int links = 0;

	for (int i = 0; r && r->nodesetval && i < r->nodesetval->nodeNr; i++) {
		xmlChar *v = xmlNodeGetContent(r->nodesetval->nodeTab[i]);

		if (v[0] != '#') {
			T_ASSERT(url_stored((const char *)v) == 1);
			links++;
		}
		xmlFree(v);
	}
	xmlXPathFreeObject(r);
	xmlXPathFreeContext(ctx);
	T_EQ_INT(links, 10); /* five most negative mentions per brand */
	T_EQ_INT(xcount(doc, "//@src"), 0);
	T_EQ_INT(xcount(doc, "//script | //link | //img | //iframe | //object | //embed | //base"), 0);
	T_NOT_CONTAINS(text, "url(");
	T_NOT_CONTAINS(text, "@import");
	T_NOT_CONTAINS(text, "@font-face");
	T_NOT_CONTAINS(text, "<script");
	T_NOT_CONTAINS(text, "xlink:href");
}

static void
check_charts(xmlDocPtr doc)
{
	char *s;

	T_EQ_INT(xcount(doc, "//svg[@class='chart']"), 2);
	T_EQ_INT(xcount(doc, "//svg[@data-brand='acme']/g[@class='bar']"), 30);
	T_EQ_INT(xcount(doc, "//svg[@data-brand='globex']/g[@class='bar']"), 30);
	/* Alerts 1, 2 and 4 are acme's, 3 is globex's; 5 (a source) is none. */
	T_EQ_INT(xcount(doc, "//svg[@data-brand='acme']/g[@class='alert']"), 3);
	T_EQ_INT(xcount(doc, "//svg[@data-brand='globex']/g[@class='alert']"), 1);
	s = xstring(doc, "//svg[@data-brand='acme']/g[@class='bar'][1]/@data-day");
	T_EQ_STR(s, "2026-10-20");
	free(s);
	s = xstring(doc, "//svg[@data-brand='acme']/g[@class='bar'][30]/@data-day");
	T_EQ_STR(s, "2026-11-18");
	free(s);
	/* The spike day: 5 + 9 mentions, as SQL counts them. */
	T_EQ_INT(fixture_int(db, "SELECT mentions FROM brand_daily WHERE brand = 'acme' "
				 "AND day = '2026-11-17'"), 14);
	s = xstring(doc, "//svg[@data-brand='acme']/g[@data-day='2026-11-17']/title");
	T_EQ_STR(s, "Nov 17: 14 mentions, 11 negative, 1 neutral, 2 positive");
	free(s);
	T_EQ_INT(xcount(doc, "//svg[@data-brand='acme']/g[@data-day='2026-11-17']/rect"), 3);
	T_EQ_INT(xcount(doc, "//svg[@data-brand='acme']/path[@class='share']"), 1);
}

static void
check_tables(xmlDocPtr doc)
{
	char *s;

	T_EQ_INT(xcount(doc, "//section[@id='brand-acme']//ol[@class='mentions']/li"), 5);
	T_EQ_INT(xcount(doc, "//section[@id='brand-acme']//table[@class='alerts']/tbody/tr"), 3);
	T_EQ_INT(xcount(doc, "//table[@class='sources']/tbody/tr"), 7);
	s = xstring(doc, "//table[@class='summary']/tbody/tr[1]/td[2]");
	T_EQ_STR(s, "133"); /* acme, 2026-10-20..11-18 */
	free(s);
	T_EQ_INT(fixture_int(db, "SELECT count(*) FROM mention_brands b JOIN mentions m ON "
				 "m.id = b.mention_id WHERE b.brand = 'acme' AND m.counted_at >= "
				 "'2026-10-20'"), 133);
	s = xstring(doc, "//table[@class='sources']/tbody/tr[1]/td[1]");
	T_EQ_STR(s, "blog-globex"); /* failing sources first */
	free(s);
}

static void
test_report_fixture(void)
{
	const char *out = t_tmp("report.html");
	char *o, *e, *text;
	xmlDocPtr doc;

	T_EQ_INT(t_earshot(NULL, &o, &e, "-d", db, "report", "--html", out, NULL), 0);
	T_EQ_STR(o, "");
	T_EQ_STR(e, "");
	free(o);
	free(e);
	text = t_read_file(out, NULL);
	T_ASSERT(text && strncmp(text, "<!DOCTYPE html>\n", 16) == 0);
	doc = parse(out);
	T_ASSERT(doc != NULL);
	if (doc) {
		check_charts(doc);
		check_tables(doc);
		check_self_contained(doc, text);
		xmlFreeDoc(doc);
	}
	free(text);
}

static void
test_days_and_brand(void)
{
	const char *out = t_tmp("week.html");
	char *o, *e;
	xmlDocPtr doc;

	T_EQ_INT(t_earshot(NULL, &o, &e, "-d", db, "report", "--html", out, "--days", "7",
			   "--brand", "acme", NULL), 0);
	free(o);
	free(e);
	doc = parse(out);
	T_ASSERT(doc != NULL);
	T_EQ_INT(xcount(doc, "//svg[@class='chart']"), 1);
	T_EQ_INT(xcount(doc, "//svg[@data-brand='acme']/g[@class='bar']"), 7);
	T_EQ_INT(xcount(doc, "//svg[@data-brand='acme']/g[@class='alert']"), 1);
	xmlFreeDoc(doc);
	T_EQ_INT(t_earshot(NULL, &o, &e, "-d", db, "report", NULL), 2);
	T_CONTAINS(e, "--html FILE");
	free(o);
	free(e);
	T_EQ_INT(t_earshot(NULL, &o, &e, "-d", db, "report", "--html", "/nonexistent/r.html", NULL), 1);
	T_CONTAINS(e, "earshot report: ");
	free(o);
	free(e);
}

/* A database whose scraped text tries to break out of the page. */
static const char *
hostile_db(void)
{
	static const char *const brands[] = { "acme" };
	const char *path = t_tmp("hostile.db");
	struct store_source src = { 0 };
	struct mention m[2];
	struct store_item it[2];
	struct store_fetch f;
	char err[ES_ERRLEN];
	struct store *s;

	mention_init(&m[0]);
	mention_init(&m[1]);
	m[0].guid = "h1";
	m[0].title = "<script>alert(1)</script> & \"quotes\" 'single'";
	m[0].text = "</p><img src=x onerror=alert(1)> bad \x01\x1b[31m bytes \xff\xfe end";
	m[0].url = "javascript:alert(1)";
	m[0].published = when_now() - 3600;
	m[1].guid = "h2";
	m[1].title = "Fine \xef\xbf\xbe link";
	m[1].url = "https://example.com/a?x=1&y=\"2\"";
	m[1].published = when_now() - 7200;
	for (int i = 0; i < 2; i++)
		it[i] = (struct store_item){ .m = &m[i], .sentiment = -0.9, .label = -1,
					     .brands = brands, .nbrands = 1 };
	if (store_open(path, STORE_RW, &s, err, sizeof(err)) ||
	    store_source_sync(s, "<b>src</b>", "https://e.com/", &src, err, sizeof(err)))
		return NULL;
	f = (struct store_fetch){ .source_id = src.id, .ok = true, .fetched_at = when_now() };
	if (store_ingest(s, &f, it, 2, NULL, err, sizeof(err)))
		return NULL;
	store_source_reset(&src);
	store_close(s);
	return path;
}

static void
test_escaping(void)
{
	const char *hdb = hostile_db(), *out = t_tmp("hostile.html");
	char *o, *e, *text, *s;
	xmlDocPtr doc;

	T_ASSERT(hdb != NULL);
	T_EQ_INT(t_earshot(NULL, &o, &e, "-d", hdb, "report", "--html", out, NULL), 0);
	free(o);
	free(e);
	text = t_read_file(out, NULL);
	doc = parse(out);
	T_ASSERT(doc != NULL);
	if (doc) {
		T_EQ_INT(xcount(doc, "//script | //img"), 0);
		T_EQ_INT(xcount(doc, "//@src | //@onerror"), 0);
		/* Not a link: javascript: is shown as text.  The https link is. */
		T_EQ_INT(xcount(doc, "//a[starts-with(@href, 'javascript')]"), 0);
		T_EQ_INT(xcount(doc, "//ol[@class='mentions']/li/a"), 1);
		s = xstring(doc, "//ol[@class='mentions']/li/a/@href");
		T_EQ_STR(s, "https://example.com/a?x=1&y=\"2\"");
		free(s);
		s = xstring(doc, "//ol[@class='mentions']/li[strong]/strong");
		T_EQ_STR(s, "<script>alert(1)</script> & \"quotes\" 'single'");
		free(s);
		xmlFreeDoc(doc);
	}
	T_NOT_CONTAINS(text, "\x1b");
	T_NOT_CONTAINS(text, "<b>src</b>");
	T_CONTAINS(text, "&lt;b&gt;src&lt;/b&gt;");
	free(text);
}

/* ---- the screenshot ---- */

struct png {
	unsigned w, h, channels;
	unsigned char *pix; /* w * h * channels */
};

static unsigned
be32(const unsigned char *p)
{
	return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3];
}

static int
paeth(int a, int b, int c)
{
	int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);

	return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/* Reverses the PNG row filters of raw (h rows of 1 + stride bytes). */
static int
unfilter(struct png *img, const unsigned char *raw)
{
	size_t stride = (size_t)img->w * img->channels, bpp = img->channels;

	for (unsigned y = 0; y < img->h; y++) {
		const unsigned char *in = raw + y * (stride + 1) + 1;
		unsigned char *row = img->pix + y * stride, *up = y ? row - stride : NULL;
		int f = in[-1];

		for (size_t x = 0; x < stride; x++) {
			int a = x >= bpp ? row[x - bpp] : 0, b = up ? up[x] : 0;
			int c = up && x >= bpp ? up[x - bpp] : 0;
			int pred = f == 0 ? 0 : f == 1 ? a : f == 2 ? b : f == 3 ? (a + b) / 2
				 : f == 4 ? paeth(a, b, c) : -1;

			if (pred < 0)
				return -1;
			row[x] = (unsigned char)(in[x] + pred);
		}
	}
	return 0;
}

/* Decodes an 8-bit, non-interlaced RGB or RGBA PNG.  0 on success. */
static int
png_decode(const unsigned char *d, size_t n, struct png *img)
{
	size_t pos = 8, zlen = 0, rawlen;
	unsigned char *z = malloc(n), *raw;
	uLongf got;
	int rc = -1;

	if (n < 33 || memcmp(d, "\x89PNG\r\n\x1a\n", 8) != 0 || memcmp(d + 12, "IHDR", 4) != 0)
		goto out;
	img->w = be32(d + 16);
	img->h = be32(d + 20);
	if (d[24] != 8 || (d[25] != 2 && d[25] != 6) || d[28] != 0)
		goto out;
	img->channels = d[25] == 2 ? 3 : 4;
	while (pos + 12 <= n) {
		unsigned len = be32(d + pos);

		if (pos + 12 + len > n)
			goto out;
		if (memcmp(d + pos + 4, "IDAT", 4) == 0) {
			memcpy(z + zlen, d + pos + 8, len);
			zlen += len;
		}
		pos += 12 + len;
	}
	rawlen = (size_t)img->h * ((size_t)img->w * img->channels + 1);
	raw = malloc(rawlen);
	got = rawlen;
	img->pix = malloc((size_t)img->w * img->h * img->channels);
	if (uncompress(raw, &got, z, zlen) == Z_OK && got == rawlen)
		rc = unfilter(img, raw);
	free(raw);
out:
	free(z);
	return rc;
}

static int
chromium_path(char *out, size_t len)
{
	const char *path = getenv("PATH");

	while (path && *path) {
		size_t n = strcspn(path, ":");

		snprintf(out, len, "%.*s/chromium", (int)n, path);
		if (access(out, X_OK) == 0)
			return 0;
		path += n + (path[n] == ':');
	}
	return -1;
}

static int
shot(const char *html, const char *png)
{
	char browser[512], url[1100], size[32], udd[1100], target[1100];
	char *argv[] = { (char *)"timeout", (char *)"120", browser, (char *)"--headless",
			 (char *)"--no-sandbox", (char *)"--disable-gpu",
			 (char *)"--disable-dev-shm-usage", (char *)"--no-first-run",
			 (char *)"--disable-background-networking",
			 (char *)"--disable-component-update", (char *)"--disable-sync",
			 (char *)"--hide-scrollbars", udd, target, size, url, NULL };
	char *err = NULL;
	int rc;

	if (chromium_path(browser, sizeof(browser))) {
		t_fail(__FILE__, __LINE__, "chromium is not installed: apt-get install chromium "
					   "(CI installs it); the report was not rendered");
		return -1;
	}
	snprintf(udd, sizeof(udd), "--user-data-dir=%s", t_tmp("chromium-profile"));
	snprintf(target, sizeof(target), "--screenshot=%s", png);
	snprintf(size, sizeof(size), "--window-size=%d,%d", SHOT_W, SHOT_H);
	snprintf(url, sizeof(url), "file://%s", html);
	rc = t_run_argv(argv, NULL, NULL, &err);
	if (rc != 0)
		fprintf(stderr, "chromium exited %d:\n%s\n", rc, err);
	free(err);
	return rc;
}

struct colours {
	long nonwhite, neg, pos, neu;
	int distinct;
};

static void
count_colours(const struct png *img, struct colours *c)
{
	static unsigned char seen[1 << 15]; /* 15-bit colour buckets */

	memset(c, 0, sizeof(*c));
	memset(seen, 0, sizeof(seen));
	for (size_t i = 0; i < (size_t)img->w * img->h; i++) {
		const unsigned char *p = img->pix + i * img->channels;
		unsigned key = (unsigned)(p[0] >> 3) << 10 | (unsigned)(p[1] >> 3) << 5 | p[2] >> 3;

		c->nonwhite += p[0] < 250 || p[1] < 250 || p[2] < 250;
		c->neg += p[0] == 0xd6 && p[1] == 0x45 && p[2] == 0x45;
		c->pos += p[0] == 0x2f && p[1] == 0x9e && p[2] == 0x5e;
		c->neu += p[0] == 0xaa && p[1] == 0xb2 && p[2] == 0xbf;
		if (!seen[key]++)
			c->distinct++;
	}
}

static void
test_chromium_screenshot(void)
{
	const char *html = t_tmp("report.html"), *png = t_tmp("report.png");
	struct png img = { 0 };
	struct colours c;
	size_t n;
	unsigned char *data;

	if (shot(html, png) != 0)
		return;
	data = (unsigned char *)t_read_file(png, &n);
	T_ASSERT(data != NULL);
	if (!data)
		return;
	T_EQ_INT(png_decode(data, n, &img), 0);
	T_EQ_INT(img.w, SHOT_W);
	T_EQ_INT(img.h, SHOT_H);
	if (img.pix) {
		count_colours(&img, &c);
		fprintf(stderr, "  screenshot %zu bytes: %ld of %d pixels not white, %d colours; "
				"%ld negative, %ld neutral, %ld positive bar pixels\n",
			n, c.nonwhite, SHOT_W * SHOT_H, c.distinct, c.neg, c.neu, c.pos);
		T_ASSERT(c.nonwhite > SHOT_W * SHOT_H / 20);
		T_ASSERT(c.distinct >= 20);
		T_ASSERT(c.neg > 2000 && c.neu > 2000 && c.pos > 2000);
	}
	free(img.pix);
	free(data);
}

int
main(void)
{
	int64_t now;

	db = strdup(fixture_db("report.db", -1));
	/* This process writes mentions too: as of the fixture's now. */
	if (when_parse_iso(FIXTURE_NOW, &now) == ES_OK)
		when_set_offset(now - when_now());
	T_RUN(test_report_fixture);
	T_RUN(test_days_and_brand);
	T_RUN(test_escaping);
	T_RUN(test_chromium_screenshot);
	free((void *)db);
	xmlCleanupParser();
	return t_report();
}
