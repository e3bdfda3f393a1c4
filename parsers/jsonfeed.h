/* jsonfeed.h - JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1). */
#ifndef ES_JSONFEED_H
#define ES_JSONFEED_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#include "parsers/emit.h"

/* True when root is an object whose "version" is a jsonfeed.org URL. */
bool jsonfeed_is(const cJSON *root);
/* Emits every item of the feed root.  Relative URLs resolve against the
 * feed's home_page_url, else base_url.  Returns ES_OK, ES_EPARSE when root
 * is not an object, or the callback's failure. */
enum es_err jsonfeed_parse(const cJSON *root, const char *base_url, struct emit *e, char *err,
			   size_t errlen);

#endif
