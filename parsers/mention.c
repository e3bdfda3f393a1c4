#include "parsers/mention.h"

#include <math.h>
#include <stdlib.h>

void
mention_init(struct mention *m)
{
	m->guid = m->url = m->title = m->text = m->author = m->lang = NULL;
	m->published = 0;
	m->rating = NAN;
}

void
mention_reset(struct mention *m)
{
	if (!m)
		return;
	free(m->guid);
	free(m->url);
	free(m->title);
	free(m->text);
	free(m->author);
	free(m->lang);
	mention_init(m);
}
