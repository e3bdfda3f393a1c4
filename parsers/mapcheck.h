/* mapcheck.h - `earshot check` for the mapping keys of a [source]: dotted
 * JSON paths for format = json, XPath for format = html. */
#ifndef ES_MAPCHECK_H
#define ES_MAPCHECK_H

#include <stddef.h>

#include "core/conf.h"

/* A conf_check_fn for CONF_T_PATH: ES_OK when value reads as a path for
 * the source's format (with format = auto, a value starting with '/', '.'
 * or '(' is taken as XPath); a rating scale like "10" or "1..5" is always
 * fine.  Otherwise ES_EINVAL, a message in err and the 1-based column in
 * *col when known. */
enum es_err mapcheck_path(const char *value, const struct conf_source *src, char *err,
			  size_t errlen, int *col);

#endif
