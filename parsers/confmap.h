/* confmap.h - how a feeds.conf [source] is parsed: its format, mapping or
 * XPath selectors, and its URL as the base for relative links.  For the
 * crawler and `earshot parse --source`. */
#ifndef ES_CONFMAP_H
#define ES_CONFMAP_H

#include "core/conf.h"
#include "parsers/parse.h"

/* Fills *map from s and points opts->map at it; sets opts->format from s
 * and opts->base_url to s->url.  Other fields of opts are left alone.  map
 * and opts borrow s's strings: keep s alive while they are used. */
void confmap_opts(const struct conf_source *s, struct parse_map *map, struct parse_opts *opts);

#endif
