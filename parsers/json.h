/* json.h - reading untrusted JSON with cJSON, shared by the JSON parsers.
 * Internal to parsers/. */
#ifndef ES_JSON_H
#define ES_JSON_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define JSON_MAX_DEPTH 64 /* levels our own walks descend */

/* Parses len bytes through a NUL-terminated copy with
 * cJSON_ParseWithLengthOpts (never reading past len), allowing trailing
 * whitespace only.  Returns the tree (free with cJSON_Delete) or NULL with
 * a message in err. */
cJSON *json_parse(const char *data, size_t len, char *err, size_t errlen);
/* The text of a scalar: a string as it is, a number (integers without a
 * fraction), true/false.  Returns a new string, or NULL for null, objects,
 * arrays and empty strings. */
char *json_scalar(const cJSON *v);
/* A date from an ISO 8601 / RFC 822 string, a numeric string or an epoch
 * number (seconds, or milliseconds); 0 when none. */
int64_t json_date(const cJSON *v);
/* A number from a number or a numeric string ("4", "4.5", "4.5 out of 5"
 * reads 4.5); NAN when none. */
double json_number(const cJSON *v);
/* obj[key] with a case-sensitive key, or NULL. */
const cJSON *json_get(const cJSON *obj, const char *key);
/* The string at obj[key] when it is a non-empty string, else NULL. */
const char *json_str(const cJSON *obj, const char *key);

#endif
