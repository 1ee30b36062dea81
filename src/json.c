/* json.c -- a small JSON writer into a growable buffer, and a reader */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "util.h"

/* Writer */

void
json_init(struct json *j)
{
	memset(j, 0, sizeof(*j));
	j->cap = 256;
	j->buf = xmalloc(j->cap);
	j->buf[0] = '\0';
	j->first[0] = true;
}

void
json_free(struct json *j)
{
	if (j == NULL)
		return;
	free(j->buf);
	memset(j, 0, sizeof(*j));
}

char *
json_take(struct json *j)
{
	char	*s = j->buf;

	j->buf = NULL;
	json_free(j);
	return s;
}

static void
grow(struct json *j, size_t more)
{
	if (j->len + more + 1 <= j->cap)
		return;
	while (j->len + more + 1 > j->cap)
		j->cap *= 2;
	j->buf = xreallocarray(j->buf, j->cap, 1);
}

static void
put(struct json *j, const char *s, size_t n)
{
	grow(j, n);
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = '\0';
}

static void
putc_(struct json *j, char c)
{
	put(j, &c, 1);
}

/* Before any value or key: the comma, unless first or right after a key. */
static void
sep(struct json *j)
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
open_(struct json *j, char c)
{
	sep(j);
	putc_(j, c);
	if (j->depth < JSON_MAX_DEPTH - 1)
		j->depth++;
	j->first[j->depth] = true;
}

static void
close_(struct json *j, char c)
{
	if (j->depth > 0)
		j->depth--;
	putc_(j, c);
}

void
json_obj_begin(struct json *j)
{
	open_(j, '{');
}

void
json_obj_end(struct json *j)
{
	close_(j, '}');
}

void
json_arr_begin(struct json *j)
{
	open_(j, '[');
}

void
json_arr_end(struct json *j)
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
quote(struct json *j, const char *s, size_t n)
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
json_key(struct json *j, const char *k)
{
	sep(j);
	quote(j, k, strlen(k));
	putc_(j, ':');
	j->afterkey = true;
}

void
json_strn(struct json *j, const char *s, size_t n)
{
	sep(j);
	quote(j, s, n);
}

void
json_str(struct json *j, const char *s)
{
	if (s == NULL)
		json_null(j);
	else
		json_strn(j, s, strlen(s));
}

static void
raw(struct json *j, const char *s)
{
	sep(j);
	put(j, s, strlen(s));
}

void
json_int(struct json *j, int64_t v)
{
	char	 b[32];

	snprintf(b, sizeof(b), "%" PRId64, v);
	raw(j, b);
}

void
json_uint(struct json *j, uint64_t v)
{
	char	 b[32];

	snprintf(b, sizeof(b), "%" PRIu64, v);
	raw(j, b);
}

void
json_double(struct json *j, double v)
{
	char	 b[40], *p;

	if (!isfinite(v)) {
		json_null(j);
		return;
	}
	snprintf(b, sizeof(b), "%.15g", v);
	for (p = b; *p != '\0'; p++)	/* whatever the locale says */
		if (*p == ',')
			*p = '.';
	raw(j, b);
}

void
json_bool(struct json *j, bool v)
{
	raw(j, v ? "true" : "false");
}

void
json_null(struct json *j)
{
	raw(j, "null");
}

void
json_kv_str(struct json *j, const char *k, const char *v)
{
	json_key(j, k);
	json_str(j, v);
}

void
json_kv_uint(struct json *j, const char *k, uint64_t v)
{
	json_key(j, k);
	json_uint(j, v);
}

void
json_kv_int(struct json *j, const char *k, int64_t v)
{
	json_key(j, k);
	json_int(j, v);
}

void
json_kv_double(struct json *j, const char *k, double v)
{
	json_key(j, k);
	json_double(j, v);
}

void
json_kv_bool(struct json *j, const char *k, bool v)
{
	json_key(j, k);
	json_bool(j, v);
}

/* Reader */

struct rd {
	const char	*s;
	size_t		 len, pos;
	int		 depth;
};

static int	parse_value(struct rd *, struct json_val *);

static void
ws(struct rd *r)
{
	while (r->pos < r->len && (r->s[r->pos] == ' ' ||
	    r->s[r->pos] == '\t' || r->s[r->pos] == '\n' ||
	    r->s[r->pos] == '\r'))
		r->pos++;
}

static int
lit(struct rd *r, const char *w)
{
	size_t	 n = strlen(w);

	if (r->len - r->pos < n || memcmp(r->s + r->pos, w, n) != 0)
		return -1;
	r->pos += n;
	return 0;
}

static int
hex4(struct rd *r, uint32_t *out)
{
	uint32_t	 v = 0;
	int		 i;
	char		 c;

	if (r->len - r->pos < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		c = r->s[r->pos++];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	*out = v;
	return 0;
}

static size_t
utf8_put(char *d, uint32_t cp)
{
	if (cp < 0x80) {
		d[0] = cp;
		return 1;
	}
	if (cp < 0x800) {
		d[0] = 0xc0 | (cp >> 6);
		d[1] = 0x80 | (cp & 0x3f);
		return 2;
	}
	if (cp < 0x10000) {
		d[0] = 0xe0 | (cp >> 12);
		d[1] = 0x80 | ((cp >> 6) & 0x3f);
		d[2] = 0x80 | (cp & 0x3f);
		return 3;
	}
	d[0] = 0xf0 | (cp >> 18);
	d[1] = 0x80 | ((cp >> 12) & 0x3f);
	d[2] = 0x80 | ((cp >> 6) & 0x3f);
	d[3] = 0x80 | (cp & 0x3f);
	return 4;
}

/* At the opening quote; a decoded string is never longer than its text. */
static int
parse_string(struct rd *r, char **out)
{
	char		*d;
	size_t		 n = 0, save;
	uint32_t	 cp, lo;
	unsigned char	 c;

	r->pos++;
	d = xmalloc(r->len - r->pos + 1);
	for (;;) {
		if (r->pos >= r->len)
			goto bad;
		c = r->s[r->pos++];
		if (c == '"')
			break;
		if (c < 0x20)
			goto bad;
		if (c != '\\') {
			d[n++] = c;
			continue;
		}
		if (r->pos >= r->len)
			goto bad;
		switch ((c = r->s[r->pos++])) {
		case '"':
		case '\\':
		case '/':
			d[n++] = c;
			break;
		case 'b':
			d[n++] = '\b';
			break;
		case 'f':
			d[n++] = '\f';
			break;
		case 'n':
			d[n++] = '\n';
			break;
		case 'r':
			d[n++] = '\r';
			break;
		case 't':
			d[n++] = '\t';
			break;
		case 'u':
			if (hex4(r, &cp) == -1)
				goto bad;
			/* A lone surrogate becomes U+FFFD; what follows it
			   is read on its own. */
			save = r->pos;
			if (cp >= 0xd800 && cp <= 0xdbff &&
			    lit(r, "\\u") == 0 && hex4(r, &lo) == 0 &&
			    lo >= 0xdc00 && lo <= 0xdfff)
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
			else if (cp >= 0xd800 && cp <= 0xdfff) {
				r->pos = save;
				cp = 0xfffd;
			}
			if (cp == 0)
				cp = 0xfffd;	/* keep C strings whole */
			n += utf8_put(d + n, cp);
			break;
		default:
			goto bad;
		}
	}
	d[n] = '\0';
	*out = d;
	return 0;
bad:
	free(d);
	return -1;
}

static bool
digit(const struct rd *r, size_t i)
{
	return i < r->len && r->s[i] >= '0' && r->s[i] <= '9';
}

/* RFC 8259 numbers only: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static int
parse_number(struct rd *r, struct json_val *v)
{
	char	 b[64], *end;
	size_t	 i = r->pos;

	if (i < r->len && r->s[i] == '-')
		i++;
	if (!digit(r, i))
		return -1;
	if (r->s[i] == '0')
		i++;
	else
		while (digit(r, i))
			i++;
	if (i < r->len && r->s[i] == '.') {
		if (!digit(r, ++i))
			return -1;
		while (digit(r, i))
			i++;
	}
	if (i < r->len && (r->s[i] == 'e' || r->s[i] == 'E')) {
		i++;
		if (i < r->len && (r->s[i] == '+' || r->s[i] == '-'))
			i++;
		if (!digit(r, i))
			return -1;
		while (digit(r, i))
			i++;
	}
	if (i - r->pos >= sizeof(b))
		return -1;
	memcpy(b, r->s + r->pos, i - r->pos);
	b[i - r->pos] = '\0';
	v->num = strtod(b, &end);
	if (*end != '\0')
		return -1;
	r->pos = i;
	v->type = JSON_NUMBER;
	return 0;
}

static int
parse_list(struct rd *r, struct json_val *v, bool obj)
{
	size_t	 cap = 0;
	char	 close = obj ? '}' : ']';

	v->type = obj ? JSON_OBJECT : JSON_ARRAY;
	if (++r->depth > 64)
		return -1;
	r->pos++;
	ws(r);
	if (r->pos < r->len && r->s[r->pos] == close) {
		r->pos++;
		r->depth--;
		return 0;
	}
	for (;;) {
		if (v->n == cap) {
			cap = cap == 0 ? 8 : cap * 2;
			v->items = xreallocarray(v->items, cap,
			    sizeof(*v->items));
			if (obj)
				v->keys = xreallocarray(v->keys, cap,
				    sizeof(*v->keys));
		}
		memset(&v->items[v->n], 0, sizeof(v->items[v->n]));
		if (obj) {
			ws(r);
			v->keys[v->n] = NULL;
			if (r->pos >= r->len || r->s[r->pos] != '"' ||
			    parse_string(r, &v->keys[v->n]) == -1) {
				v->n++;
				return -1;
			}
			ws(r);
			if (lit(r, ":") == -1) {
				v->n++;
				return -1;
			}
		}
		if (parse_value(r, &v->items[v->n++]) == -1)
			return -1;
		ws(r);
		if (r->pos < r->len && r->s[r->pos] == ',') {
			r->pos++;
			continue;
		}
		if (r->pos < r->len && r->s[r->pos] == close) {
			r->pos++;
			r->depth--;
			return 0;
		}
		return -1;
	}
}

static int
parse_value(struct rd *r, struct json_val *v)
{
	ws(r);
	if (r->pos >= r->len)
		return -1;
	switch (r->s[r->pos]) {
	case '{':
		return parse_list(r, v, true);
	case '[':
		return parse_list(r, v, false);
	case '"':
		v->type = JSON_STRING;
		return parse_string(r, &v->str);
	case 't':
		v->type = JSON_BOOL;
		v->b = true;
		return lit(r, "true");
	case 'f':
		v->type = JSON_BOOL;
		return lit(r, "false");
	case 'n':
		v->type = JSON_NULL;
		return lit(r, "null");
	default:
		return parse_number(r, v);
	}
}

static void
val_clear(struct json_val *v)
{
	size_t	 i;

	for (i = 0; i < v->n; i++) {
		val_clear(&v->items[i]);
		if (v->keys != NULL)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->str);
}

struct json_val *
json_parse(const char *s, size_t len, size_t *erroff)
{
	struct rd	 r = { s, len, 0, 0 };
	struct json_val	*v;

	v = xcalloc(1, sizeof(*v));
	if (parse_value(&r, v) == 0) {
		ws(&r);
		if (r.pos == r.len)
			return v;
	}
	if (erroff != NULL)
		*erroff = r.pos;
	json_val_free(v);
	return NULL;
}

void
json_val_free(struct json_val *v)
{
	if (v == NULL)
		return;
	val_clear(v);
	free(v);
}

const struct json_val *
json_get(const struct json_val *v, const char *key)
{
	size_t	 i;

	if (v == NULL || v->type != JSON_OBJECT)
		return NULL;
	for (i = 0; i < v->n; i++)
		if (strcmp(v->keys[i], key) == 0)
			return &v->items[i];
	return NULL;
}

const char *
json_get_str(const struct json_val *v, const char *key, const char *fallback)
{
	const struct json_val	*m = json_get(v, key);

	return m != NULL && m->type == JSON_STRING ? m->str : fallback;
}

double
json_get_num(const struct json_val *v, const char *key, double fallback)
{
	const struct json_val	*m = json_get(v, key);

	return m != NULL && m->type == JSON_NUMBER ? m->num : fallback;
}

bool
json_get_bool(const struct json_val *v, const char *key, bool fallback)
{
	const struct json_val	*m = json_get(v, key);

	return m != NULL && m->type == JSON_BOOL ? m->b : fallback;
}

bool
json_is_null(const struct json_val *v)
{
	return v == NULL || v->type == JSON_NULL;
}
