/* jpath.h - dotted paths into JSON, as feeds.conf writes them.
 *
 *   hits                 a key
 *   owner.display_name   nested keys
 *   im:rating.label      keys may hold any character but . [ ]
 *   data.children[].data [] or [*] visits every element of an array
 *   *                    every element of an array or value of an object
 *   authors[0].name      an index
 */
#ifndef ES_JPATH_H
#define ES_JPATH_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#include "core/err.h"

#define JPATH_MAX_LEN 512 /* bytes in one path */

/* Called for each value a path reaches; return false to stop. */
typedef bool (*jpath_fn)(const cJSON *v, void *ctx);

/* Visits every value path reaches from node, in document order.  An
 * invalid path reaches nothing. */
void jpath_each(const cJSON *node, const char *path, jpath_fn fn, void *ctx);
/* The first value path reaches, or NULL. */
const cJSON *jpath_first(const cJSON *node, const char *path);
/* Checks the syntax of path: ES_OK, or ES_EINVAL with a message in err and
 * the 1-based column of the problem in *col. */
enum es_err jpath_check(const char *path, char *err, size_t errlen, int *col);

#endif
