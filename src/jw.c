/* jw.c -- a streaming JSON writer into one growable buffer */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jw.h"
#include "util.h"

void
jw_init(struct jw *j)
{
	memset(j, 0, sizeof(*j));
	j->cap = 256;
	j->buf = xmalloc(j->cap);
	j->buf[0] = '\0';
	j->first[0] = true;
}

void
jw_free(struct jw *j)
{
	if (j == NULL)
		return;
	free(j->buf);
	memset(j, 0, sizeof(*j));
}

char *
jw_take(struct jw *j)
{
	char	*s = j->buf;

	j->buf = NULL;
	jw_free(j);
	return s;
}

static void
grow(struct jw *j, size_t more)
{
	if (j->len + more + 1 <= j->cap)
		return;
	while (j->len + more + 1 > j->cap)
		j->cap *= 2;
	j->buf = xreallocarray(j->buf, j->cap, 1);
}

static void
put(struct jw *j, const char *s, size_t n)
{
	grow(j, n);
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = '\0';
}

static void
putc_(struct jw *j, char c)
{
	put(j, &c, 1);
}

/* Before any value or key: the comma, unless first or right after a key. */
static void
sep(struct jw *j)
{
	if (j->afterkey) {
		j->afterkey = false;
		return;
	}
	if (!j->first[j->depth])
		putc_(j, ',');
	j->first[j->depth] = false;
}

static void
open_(struct jw *j, char c)
{
	sep(j);
	putc_(j, c);
	if (j->depth < JW_MAX_DEPTH - 1)
		j->depth++;
	j->first[j->depth] = true;
}

static void
close_(struct jw *j, char c)
{
	if (j->depth > 0)
		j->depth--;
	putc_(j, c);
}

void
jw_obj_begin(struct jw *j)
{
	open_(j, '{');
}

void
jw_obj_end(struct jw *j)
{
	close_(j, '}');
}

void
jw_arr_begin(struct jw *j)
{
	open_(j, '[');
}

void
jw_arr_end(struct jw *j)
{
	close_(j, ']');
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	uint32_t	 cp;
	size_t		 len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static void
quote(struct jw *j, const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	char			 esc[8];
	size_t			 i, l;

	putc_(j, '"');
	for (i = 0; i < n; i += l) {
		l = 1;
		switch (p[i]) {
		case '"':
			put(j, "\\\"", 2);
			continue;
		case '\\':
			put(j, "\\\\", 2);
			continue;
		case '\n':
			put(j, "\\n", 2);
			continue;
		case '\r':
			put(j, "\\r", 2);
			continue;
		case '\t':
			put(j, "\\t", 2);
			continue;
		}
		if (p[i] < 0x20 || p[i] == 0x7f) {
			snprintf(esc, sizeof(esc), "\\u%04x", p[i]);
			put(j, esc, 6);
		} else if ((l = utf8_len(p + i, n - i)) == 0) {
			put(j, "\\ufffd", 6);	/* not UTF-8 */
			l = 1;
		} else
			put(j, s + i, l);
	}
	putc_(j, '"');
}

void
jw_key(struct jw *j, const char *k)
{
	sep(j);
	quote(j, k, strlen(k));
	putc_(j, ':');
	j->afterkey = true;
}

void
jw_strn(struct jw *j, const char *s, size_t n)
{
	sep(j);
	quote(j, s, n);
}

void
jw_str(struct jw *j, const char *s)
{
	if (s == NULL)
		jw_null(j);
	else
		jw_strn(j, s, strlen(s));
}

static void
raw(struct jw *j, const char *s)
{
	sep(j);
	put(j, s, strlen(s));
}

void
jw_int(struct jw *j, int64_t v)
{
	char	 b[32];

	snprintf(b, sizeof(b), "%" PRId64, v);
	raw(j, b);
}

void
jw_uint(struct jw *j, uint64_t v)
{
	char	 b[32];

	snprintf(b, sizeof(b), "%" PRIu64, v);
	raw(j, b);
}

void
jw_double(struct jw *j, double v)
{
	char	 b[40], *p;

	if (!isfinite(v)) {
		jw_null(j);
		return;
	}
	snprintf(b, sizeof(b), "%.15g", v);
	for (p = b; *p != '\0'; p++)	/* whatever the locale says */
		if (*p == ',')
			*p = '.';
	raw(j, b);
}

void
jw_bool(struct jw *j, bool v)
{
	raw(j, v ? "true" : "false");
}

void
jw_null(struct jw *j)
{
	raw(j, "null");
}

void
jw_kv_str(struct jw *j, const char *k, const char *v)
{
	jw_key(j, k);
	jw_str(j, v);
}

void
jw_kv_uint(struct jw *j, const char *k, uint64_t v)
{
	jw_key(j, k);
	jw_uint(j, v);
}

void
jw_kv_int(struct jw *j, const char *k, int64_t v)
{
	jw_key(j, k);
	jw_int(j, v);
}

void
jw_kv_double(struct jw *j, const char *k, double v)
{
	jw_key(j, k);
	jw_double(j, v);
}

void
jw_kv_bool(struct jw *j, const char *k, bool v)
{
	jw_key(j, k);
	jw_bool(j, v);
}
