/* json.h -- the JSON reader, until ctl and steerdnsctl read with jansson */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_JSON_H
#define STEER_JSON_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Reader: parses a whole document into a tree.  Strings are decoded to
 * UTF-8 (\u escapes included); numbers are kept as double.
 */
enum json_type {
	JSON_NULL,
	JSON_BOOL,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

struct json_val {
	enum json_type	 type;
	bool		 b;
	double		 num;
	char		*str;		/* STRING */
	char		**keys;		/* OBJECT: n keys */
	struct json_val	*items;		/* ARRAY, OBJECT: n values */
	size_t		 n;
};

/* Returns NULL on a syntax error, with the offset in *erroff if given. */
struct json_val	*json_parse(const char *, size_t len, size_t *erroff);
void		 json_val_free(struct json_val *);

/* Member of an object, or NULL (also when v is NULL or no object). */
const struct json_val *json_get(const struct json_val *, const char *key);
/* Typed members: the fallback when missing or of another type. */
const char	*json_get_str(const struct json_val *, const char *key,
		    const char *fallback);
double		 json_get_num(const struct json_val *, const char *key,
		    double fallback);
bool		 json_get_bool(const struct json_val *, const char *key,
		    bool fallback);
bool		 json_is_null(const struct json_val *);

#endif
