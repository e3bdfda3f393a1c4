/* test_xmlclean.c - the repair pass on its own: what libxml2 is handed, and
 * the text kept aside behind markers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "parsers/xmlclean.h"
#include "tests/test.h"

/* The cleaned document with every marker expanded, for easy asserts. */
static char *
clean_expanded(const char *in, size_t *repairs, size_t *trunc_at)
{
	struct xmlclean c;
	struct buf out;

	xmlclean_run(in, strlen(in), 0, &c);
	buf_init(&out, 0);
	xmlclean_expand(&c, c.data, c.len, true, &out, SIZE_MAX / 2);
	if (repairs)
		*repairs = c.repairs;
	if (trunc_at)
		*trunc_at = c.trunc_at;
	xmlclean_free(&c);
	return buf_take(&out, NULL);
}

static void
check(const char *in, const char *want, size_t want_repairs)
{
	size_t repairs;
	char *got = clean_expanded(in, &repairs, NULL);

	t_checks++;
	if (strcmp(got, want) != 0)
		t_fail(__FILE__, __LINE__, "clean(%s):\n  got:      %s\n  expected: %s", in, got, want);
	T_EQ_INT(repairs, want_repairs);
	free(got);
}

static void
test_clean_documents(void)
{
	check("<rss><a>x</a></rss>", "<rss><a>x</a></rss>", 0);
	check("<rss><a>AT&T &amp; co</a></rss>", "<rss><a>AT&amp;T &amp; co</a></rss>", 1);
	check("<rss><a>caf&eacute; &nbsp;&#233;&#xE9;</a></rss>",
	      "<rss><a>caf\xc3\xa9 \xc2\xa0\xc3\xa9\xc3\xa9</a></rss>", 2);
	check("<rss><a>&bogus; &#0; &#1234567;</a></rss>", "<rss><a>&amp;bogus;  </a></rss>", 3);
	check("<rss><a>1 < 2</a></rss>", "<rss><a>1 &lt; 2</a></rss>", 1);
	check("<rss><a><![CDATA[<p>x & y</p>]]></a></rss>", "<rss><a>&lt;p&gt;x &amp; y&lt;/p&gt;</a></rss>",
	      0);
	check("<rss><!-- c --><?pi x?><a>t</a></rss>", "<rss><a>t</a></rss>", 0);
}

static void
test_tag_balance(void)
{
	/* A mismatched end tag closes what was left open; a stray one goes. */
	check("<rss><d><p>a<br>b</d></b></rss>", "<rss><d><p>a<br>b</br></p></d></rss>", 3);
	/* Items never nest; an RSS leaf left open ends at the next tag. */
	check("<rss><item><link>x<title>t</title></item><item>y</item></rss>",
	      "<rss><item><link>x</link><title>t</title></item><item>y</item></rss>", 1);
	check("<rss><item>a<item>b</item></rss>", "<rss><item>a</item><item>b</item></rss>", 1);
	/* Case-insensitive match as a last resort. */
	check("<rss><Title>x</title></rss>", "<rss><Title>x</Title></rss>", 0);
	/* Anything after the root's end is dropped. */
	check("<rss></rss><junk/>", "<rss></rss>", 0);
}

static void
test_attributes(void)
{
	check("<rss a=1 b='x\"y' c=\"p&q\" d e=\"1\" e=\"2\"/>",
	      "<rss a=\"1\" b=\"x&quot;y\" c=\"p&amp;q\" d=\"d\" e=\"1\"/>", 4);
}

static void
test_truncated(void)
{
	size_t trunc;
	char *got = clean_expanded("<rss><item><title>cut", NULL, &trunc);

	T_EQ_STR(got, "<rss><item><title>cut</title></item></rss>");
	T_EQ_INT(trunc, strlen("<rss><item><title>cut"));
	free(got);
	got = clean_expanded("<rss><item a=\"unfinished", NULL, &trunc);
	T_EQ_STR(got, "<rss></rss>");
	free(got);
}

static void
test_markers(void)
{
	static const char doc[] = "<rss><a>a long run of text that is kept aside &amp; decoded</a>"
				  "<b>short</b></rss>";
	struct xmlclean c;
	struct buf out;

	xmlclean_run(doc, sizeof(doc) - 1, 0, &c);
	T_EQ_INT(c.nsegs, 1);
	T_EQ_STR(c.data, "<rss><a>" XMLCLEAN_MARK_OPEN "0" XMLCLEAN_MARK_CLOSE "</a><b>short</b></rss>");
	buf_init(&out, 0);
	xmlclean_expand(&c, c.data + 8, 7, false, &out, 1000);
	T_EQ_STR(buf_str(&out), "a long run of text that is kept aside & decoded");
	buf_reset(&out);
	xmlclean_expand(&c, c.data + 8, 7, false, &out, 6);
	T_EQ_STR(buf_str(&out), "a long");
	buf_free(&out);
	xmlclean_free(&c);

	/* The marker characters in the input cannot forge a marker. */
	{
		char *got = clean_expanded("<rss><a>\xee\x80\x80" "0\xee\x80\x81</a></rss>", NULL, NULL);

		T_EQ_STR(got, "<rss><a>\xef\xbf\xbd" "0\xef\xbf\xbd</a></rss>");
		free(got);
	}
}

static void
test_entities_declared(void)
{
	static const char doc[] = "<!DOCTYPE rss [<!ENTITY a \"Acme &#38; Co\"><!ENTITY b SYSTEM "
				  "\"file:///etc/passwd\"><!ENTITY c \"&a;\">]><rss><t>&a; &b; &c;</t></rss>";
	struct xmlclean c;
	struct buf out;
	const char *root = strstr(doc, "<rss>");

	xmlclean_run(doc, sizeof(doc) - 1, (size_t)(root - doc), &c);
	buf_init(&out, 0);
	xmlclean_expand(&c, c.data, c.len, false, &out, 1000);
	/* Short runs stay in the document, escaped again; the external and the
	 * nested entity are left as text. */
	T_EQ_STR(buf_str(&out), "<rss><t>Acme &amp; Co &amp;b; &amp;c;</t></rss>");
	buf_free(&out);
	xmlclean_free(&c);
}

int
main(void)
{
	T_RUN(test_clean_documents);
	T_RUN(test_tag_balance);
	T_RUN(test_attributes);
	T_RUN(test_truncated);
	T_RUN(test_markers);
	T_RUN(test_entities_declared);
	return t_report();
}
