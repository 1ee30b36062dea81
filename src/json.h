/* json.h -- a small JSON writer into a growable buffer, and a reader */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_JSON_H
#define STEER_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH	32

/*
 * Writer.  Values are written in order; json_key() names the next value
 * inside an object.  Commas are placed by the writer.  The buffer is
 * always NUL terminated; out of memory is fatal.
 */
struct json {
	char		*buf;
	size_t		 len, cap;
	int		 depth;
	bool		 first[JSON_MAX_DEPTH];
	bool		 afterkey;
};

void		 json_init(struct json *);
void		 json_free(struct json *);
/* Hand out the text (caller frees) and reset the writer. */
char		*json_take(struct json *);

void		 json_obj_begin(struct json *);
void		 json_obj_end(struct json *);
void		 json_arr_begin(struct json *);
void		 json_arr_end(struct json *);
void		 json_key(struct json *, const char *);
void		 json_str(struct json *, const char *);	/* NULL: null */
void		 json_strn(struct json *, const char *, size_t);
void		 json_int(struct json *, int64_t);
void		 json_uint(struct json *, uint64_t);
void		 json_double(struct json *, double);	/* NaN, inf: null */
void		 json_bool(struct json *, bool);
void		 json_null(struct json *);
/* A key and its value in one call. */
void		 json_kv_str(struct json *, const char *, const char *);
void		 json_kv_uint(struct json *, const char *, uint64_t);
void		 json_kv_int(struct json *, const char *, int64_t);
void		 json_kv_double(struct json *, const char *, double);
void		 json_kv_bool(struct json *, const char *, bool);

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
