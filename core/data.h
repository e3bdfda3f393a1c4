/* data.h - files from data/ compiled into the binary (lexicons). */
#ifndef ES_DATA_H
#define ES_DATA_H

#include <stddef.h>

/* Returns the bytes of data/NAME (NUL-terminated) and their length in *len,
 * or NULL when no such file was embedded. */
const char *data_find(const char *name, size_t *len);

#endif
