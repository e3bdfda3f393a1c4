/* confmap.c - a feeds.conf [source] as parse options. */
#include "parsers/confmap.h"

void
confmap_opts(const struct conf_source *s, struct parse_map *map, struct parse_opts *opts)
{
	static const enum parse_format formats[] = {
		[CONF_FMT_AUTO] = PARSE_AUTO, [CONF_FMT_RSS] = PARSE_RSS,
		[CONF_FMT_ATOM] = PARSE_ATOM, [CONF_FMT_JSONFEED] = PARSE_JSONFEED,
		[CONF_FMT_JSON] = PARSE_JSON, [CONF_FMT_HTML] = PARSE_HTML,
	};

	*map = (struct parse_map){ .items = s->items, .item = s->item, .id = s->id,
				   .title = s->title, .link = s->link, .text = s->text,
				   .published = s->published, .author = s->author,
				   .rating = s->rating, .rating_scale = s->rating_scale };
	opts->map = map;
	opts->format = s->format >= 0 && s->format < (int64_t)(sizeof(formats) / sizeof(formats[0]))
			       ? formats[s->format]
			       : PARSE_AUTO;
	opts->base_url = s->url;
}
