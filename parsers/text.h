/* text.h - plain UTF-8 text from the HTML and text that feeds carry.
 *
 * Every function returns a new NUL-terminated string that the caller frees,
 * or NULL when nothing but whitespace is left.  The result is valid UTF-8
 * (bad bytes become U+FFFD; C0 controls are dropped), with every run of
 * whitespace (including U+00A0) folded into one space and none at either
 * end, cut at max bytes on a character boundary. */
#ifndef ES_TEXT_H
#define ES_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Text of an HTML fragment or page, read by libxml2's HTML parser: tags
 * dropped, entities decoded, script/style/noscript/template/svg dropped,
 * block elements and <br> separating words. */
char *text_html(const char *s, size_t n, size_t max);
/* A reader for many fragments in a row (the items of one document): it
 * keeps libxml2's HTML parser context between calls, which saves about
 * a tenth of the time.  Use from one thread at a time. */
struct text_reader;
/* valid_utf8: every fragment will be valid UTF-8 already (the caller
 * checked), so the reader does not check again. */
struct text_reader *text_reader_new(bool valid_utf8);
/* NULL is a no-op. */
void text_reader_free(struct text_reader *r);
/* text_html() and text_auto() through r; r may be NULL (a fresh parser). */
char *text_html_r(struct text_reader *r, const char *s, size_t n, size_t max);
char *text_auto_r(struct text_reader *r, const char *s, size_t n, size_t max);
/* Text that is not HTML: only whitespace folding and UTF-8 repair. */
char *text_plain(const char *s, size_t n, size_t max);
/* text_html when text_looks_html(s, n), else text_plain. */
char *text_auto(const char *s, size_t n, size_t max);
/* True when s holds an HTML tag ("<p", "</b", "<br/>") or an entity
 * reference ("&amp;", "&#233;"), the markers of escaped HTML in a title. */
bool text_looks_html(const char *s, size_t n);

#endif
