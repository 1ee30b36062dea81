/* jw.h -- a streaming JSON writer into one growable buffer */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_JW_H
#define STEER_JW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JW_MAX_DEPTH	32

/*
 * Values are written in order, straight into the text: there is no tree.
 * jw_key() names the next value inside an object; the writer places the
 * commas.  The buffer is always NUL terminated; out of memory is fatal.
 * Strings come out as valid UTF-8 (bytes that are not become U+FFFD) with
 * control characters escaped, so the text is one line.  The prefix is jw_,
 * not json_, so that this header and <jansson.h> (the reader) can be
 * included together.
 */
struct jw {
	char		*buf;
	size_t		 len, cap;
	int		 depth;
	bool		 first[JW_MAX_DEPTH];
	bool		 afterkey;
};

void		 jw_init(struct jw *);
void		 jw_free(struct jw *);
/* Hand out the text (caller frees) and reset the writer. */
char		*jw_take(struct jw *);

void		 jw_obj_begin(struct jw *);
void		 jw_obj_end(struct jw *);
void		 jw_arr_begin(struct jw *);
void		 jw_arr_end(struct jw *);
void		 jw_key(struct jw *, const char *);
void		 jw_str(struct jw *, const char *);	/* NULL: null */
void		 jw_strn(struct jw *, const char *, size_t);
void		 jw_int(struct jw *, int64_t);
void		 jw_uint(struct jw *, uint64_t);
void		 jw_double(struct jw *, double);	/* NaN, inf: null */
void		 jw_bool(struct jw *, bool);
void		 jw_null(struct jw *);
/* A key and its value in one call. */
void		 jw_kv_str(struct jw *, const char *, const char *);
void		 jw_kv_uint(struct jw *, const char *, uint64_t);
void		 jw_kv_int(struct jw *, const char *, int64_t);
void		 jw_kv_double(struct jw *, const char *, double);
void		 jw_kv_bool(struct jw *, const char *, bool);

#endif
