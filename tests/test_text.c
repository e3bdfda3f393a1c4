/* test_text.c - HTML to text, whitespace, UTF-8 repair and charsets. */
#include <stdlib.h>
#include <string.h>

#include "parsers/charset.h"
#include "parsers/mention.h"
#include "parsers/text.h"
#include "tests/test.h"

static void
check_html(const char *in, const char *want)
{
	char *got = text_html(in, strlen(in), MENTION_MAX_TEXT);

	t_checks++;
	if (!t_streq(got, want))
		t_fail(__FILE__, __LINE__, "html(%s):\n  got:      %s\n  expected: %s", in,
		       got ? got : "NULL", want ? want : "NULL");
	free(got);
}

static void
test_html(void)
{
	check_html("<p>Hello <b>world</b></p><p>Next</p>", "Hello world Next");
	check_html("Tom &amp; Jerry &eacute;t&eacute; caf&#233; &#x1F600;", "Tom & Jerry \xc3\xa9t\xc3\xa9 caf\xc3\xa9 \xf0\x9f\x98\x80");
	check_html("a<br>b<br/>c", "a b c");
	check_html("wor<b>ld</b>", "world");
	check_html("<script>alert('<p>x</p>')</script><style>p{color:red}</style>kept", "kept");
	check_html("<noscript>enable js</noscript><template>t</template>text", "text");
	check_html("  lots \n\n of\t\twhite&nbsp;&nbsp;space  ", "lots of white space");
	check_html("<p>unclosed <b>bold<p>next", "unclosed bold next");
	check_html("<ul><li>one</li><li>two</li></ul>", "one two");
	check_html("<!-- comment -->visible", "visible");
	check_html("AT&T a < b", "AT&T a < b");
	check_html("<meta charset=\"iso-8859-1\"><p>caf\xc3\xa9</p>", "caf\xc3\xa9");
	check_html("bad \xff utf8 <b>x</b>", "bad \xef\xbf\xbd utf8 x");
	check_html("<p>   </p>", NULL);
	check_html("", NULL);
}

static void
test_plain(void)
{
	char *s = text_plain("  a\r\n b\x01 c\xc2\xa0 d ", 15, 100);

	T_EQ_STR(s, "a b c d");
	free(s);
	s = text_plain("x < y & z", 9, 100);
	T_EQ_STR(s, "x < y & z");
	free(s);
	s = text_plain("bad\xc3(", 5, 100);
	T_EQ_STR(s, "bad\xef\xbf\xbd(");
	free(s);
	T_EQ_STR(text_plain("   ", 3, 10), NULL);
}

static void
test_cap(void)
{
	/* "é" is two bytes: a cap of 6 must not cut it in half. */
	char *s = text_plain("ab cd\xc3\xa9xyz", 10, 6);

	T_EQ_STR(s, "ab cd");
	free(s);
	s = text_html("<p>12345</p><p>67890</p>", 24, 8);
	T_EQ_STR(s, "12345 67");
	free(s);
}

static void
test_looks_html(void)
{
	T_ASSERT(text_looks_html("a <b>bold</b>", 13));
	T_ASSERT(text_looks_html("x</p>", 5));
	T_ASSERT(text_looks_html("Tom &amp; Jerry", 15));
	T_ASSERT(text_looks_html("caf&#233;", 9));
	T_ASSERT(!text_looks_html("a < b and c > d", 15));
	T_ASSERT(!text_looks_html("AT&T rocks", 10));
	T_ASSERT(!text_looks_html("R&D budget", 10));
}

static void
check_detect(const char *data, size_t len, const char *header, const char *want, size_t bom)
{
	char name[CHARSET_NAMELEN];
	size_t got = charset_detect(data, len, header,
				   strstr(data, "<html") ? CHARSET_HTML : CHARSET_XML, name);

	T_EQ_STR(name, want);
	T_EQ_INT(got, bom);
}

static void
test_charset_detect(void)
{
	check_detect("\xef\xbb\xbf<rss/>", 9, "iso-8859-1", "UTF-8", 3);
	check_detect("\xff\xfe<\0r\0", 6, NULL, "UTF-16LE", 2);
	check_detect("\xfe\xff\0<\0r", 6, NULL, "UTF-16BE", 2);
	check_detect("<\0?\0x\0m\0l\0", 10, NULL, "UTF-16LE", 0);
	check_detect("<?xml version=\"1.0\" encoding=\"windows-1251\"?><rss/>", 51, "utf-8",
		     "WINDOWS-1251", 0);
	check_detect("<?xml version='1.0' encoding='ISO-8859-1'?><rss/>", 48, NULL,
		     "WINDOWS-1252", 0);
	check_detect("<rss/>", 6, "koi8-r", "KOI8-R", 0);
	check_detect("<rss/>", 6, NULL, "UTF-8", 0);
	check_detect("<html><head><meta charset=\"Shift_JIS\">", 38, NULL, "SHIFT_JIS", 0);
	check_detect("<html><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">",
		     75, NULL, "GBK", 0);
	/* Declared Latin-1, but the bytes are UTF-8 with a multi-byte sequence. */
	check_detect("<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><t>caf\xc3\xa9</t>", 55, NULL,
		     "UTF-8", 0);
	/* Declared UTF-16 in a declaration readable as ASCII: a lie. */
	check_detect("<?xml version=\"1.0\" encoding=\"UTF-16\"?><rss/>", 45, NULL, "UTF-8", 0);
	/* JSON: only a byte order mark counts. */
	{
		char name[CHARSET_NAMELEN];

		T_EQ_INT(charset_detect("{\"a\":\"<meta charset=koi8-r>\"}", 29, "latin1",
					CHARSET_JSON, name), 0);
		T_EQ_STR(name, "UTF-8");
		/* An HTML meta means nothing in a feed. */
		charset_detect("<rss><meta charset=koi8-r></rss>", 32, NULL, CHARSET_XML, name);
		T_EQ_STR(name, "UTF-8");
	}
}

static void
test_charset_convert(void)
{
	size_t n;
	char *s = charset_to_utf8("caf\xe9 \x93quoted\x94 \x80", 15, "WINDOWS-1252", 0, &n);

	T_EQ_STR(s, "caf\xc3\xa9 \xe2\x80\x9cquoted\xe2\x80\x9d \xe2\x82\xac");
	free(s);
	s = charset_to_utf8("\xcf\xf0\xe8\xe2\xe5\xf2", 6, "WINDOWS-1251", 0, &n);
	T_EQ_STR(s, "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82"); /* Привет */
	free(s);
	s = charset_to_utf8("h\0i\0\xe9\0", 6, "UTF-16LE", 0, &n);
	T_EQ_STR(s, "hi\xc3\xa9");
	T_EQ_INT(n, 4);
	free(s);
	s = charset_to_utf8("ok\xff", 3, "UTF-8", 0, &n);
	T_EQ_STR(s, "ok\xef\xbf\xbd");
	free(s);
	s = charset_to_utf8("a\x81", 2, "SHIFT_JIS", 0, &n);
	T_EQ_STR(s, "a\xef\xbf\xbd");
	free(s);
	s = charset_to_utf8("plain", 5, "no-such-charset", 0, &n);
	T_EQ_STR(s, "plain");
	free(s);
	T_ASSERT(charset_to_utf8("0123456789", 10, "UTF-8", 4, &n) == NULL);
}

int
main(void)
{
	T_RUN(test_html);
	T_RUN(test_plain);
	T_RUN(test_cap);
	T_RUN(test_looks_html);
	T_RUN(test_charset_detect);
	T_RUN(test_charset_convert);
	return t_report();
}
