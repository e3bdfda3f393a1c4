/* jsonmap.h - any JSON API read through a feeds.conf mapping.
 *
 * map->items names the array of items (absent: an array at the root, else
 * the first of items, hits, data.children[].data, data, entries, results,
 * posts, statuses, feed.entry, ...).  Each other field is a path relative
 * to an item; a field the map leaves unset is looked for under the names
 * APIs commonly use (title, url/link/permalink, content/text/body,
 * created_at/date/..., author/user/owner, ...).  An object where text is
 * expected gives its label/display_name/name/username/acct. */
#ifndef ES_JSONMAP_H
#define ES_JSONMAP_H

#include <cjson/cJSON.h>

#include "parsers/emit.h"
#include "parsers/parse.h"

/* Emits the items of root.  map may be NULL.  Returns ES_OK, or the
 * callback's failure. */
enum es_err jsonmap_parse(const cJSON *root, const struct parse_map *map, const char *base_url,
			  struct emit *e, char *err, size_t errlen);

#endif
