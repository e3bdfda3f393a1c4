/* mapcheck.c - feeds.conf mapping values checked by the parsers that read them. */
#include "parsers/mapcheck.h"

#include "parsers/jpath.h"
#include "parsers/rating.h"
#include "parsers/review.h"

enum es_err
mapcheck_path(const char *value, const struct conf_source *src, char *err, size_t errlen,
	      int *col)
{
	double best, worst;
	bool xpath;

	*col = 0;
	if (rating_scale_parse(value, &best, &worst))
		return ES_OK;
	xpath = src && src->format == CONF_FMT_HTML;
	if (src && src->format == CONF_FMT_AUTO)
		xpath = value[0] == '/' || value[0] == '.' || value[0] == '(';
	if (xpath)
		return review_xpath_check(value, err, errlen, col);
	return jpath_check(value, err, errlen, col);
}
