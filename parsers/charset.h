/* charset.h - which character encoding a document is in, and conversion to
 * UTF-8.
 *
 * Precedence: a byte order mark, then what the document declares (the XML
 * declaration's encoding, or an HTML <meta charset> / http-equiv in the
 * first 4 KiB), then the HTTP header's charset, then UTF-8.  Latin-1 and
 * US-ASCII labels mean windows-1252 (as browsers read them); a document
 * labelled single-byte Western whose bytes are valid UTF-8 with multi-byte
 * sequences is read as UTF-8, the usual mislabelling. */
#ifndef ES_CHARSET_H
#define ES_CHARSET_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

#define CHARSET_NAMELEN 40

/* What kind of declaration the document may carry: an XML declaration,
 * an HTML meta, or (JSON) none but a byte order mark. */
enum charset_doc { CHARSET_XML, CHARSET_HTML, CHARSET_JSON };

/* Writes the encoding name (upper case, iconv spelling, e.g. "UTF-8",
 * "WINDOWS-1252", "UTF-16LE") into name and returns the length of the
 * byte order mark to skip (0 when none).  header may be NULL; it is not
 * consulted for JSON, which is UTF-8 unless a byte order mark says else. */
size_t charset_detect(const char *data, size_t len, const char *header, enum charset_doc doc,
		      char name[CHARSET_NAMELEN]);
/* Converts len bytes in charset to UTF-8.  Returns a new NUL-terminated
 * buffer (caller frees; its length in *outlen), with invalid input bytes
 * replaced by U+FFFD; an encoding iconv does not know is read as UTF-8.
 * NULL only when the result would exceed max bytes. */
char *charset_to_utf8(const char *data, size_t len, const char *charset, size_t max,
		      size_t *outlen);
/* True when name is UTF-8 (any spelling). */
bool charset_is_utf8(const char *name);

#endif
