/* json.c -- the JSON reader, until ctl and steerdnsctl read with jansson */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "util.h"

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
