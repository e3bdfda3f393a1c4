#include "core/data.h"

#include <string.h>

struct data_blob {
	const char *name;
	const char *data;
	size_t len;
};

extern const struct data_blob data_blobs[];

const char *
data_find(const char *name, size_t *len)
{
	for (const struct data_blob *b = data_blobs; b->name; b++) {
		if (strcmp(b->name, name) == 0) {
			if (len)
				*len = b->len;
			return b->data;
		}
	}
	return NULL;
}
