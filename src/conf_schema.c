/* conf_schema.c -- config sections described by tables of keys */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "conf_load.h"
#include "conf_schema.h"
#include "util.h"

static void *
field(void *obj, const struct conf_key *k)
{
	return (char *)obj + k->off;
}

static const void *
cfield(const void *obj, const struct conf_key *k)
{
	return (const char *)obj + k->off;
}

static void
put_uint(void *p, size_t size, unsigned long long v)
{
	switch (size) {
	case 1:
		*(uint8_t *)p = v;
		break;
	case 2:
		*(uint16_t *)p = v;
		break;
	case 4:
		*(uint32_t *)p = v;
		break;
	default:
		*(uint64_t *)p = v;
		break;
	}
}

static unsigned long long
get_uint(const void *p, size_t size)
{
	switch (size) {
	case 1:
		return *(const uint8_t *)p;
	case 2:
		return *(const uint16_t *)p;
	case 4:
		return *(const uint32_t *)p;
	default:
		return *(const uint64_t *)p;
	}
}

const struct conf_key *
conf_key_find(const struct conf_key *keys, const char *name)
{
	for (; keys->name != NULL; keys++)
		if (keys->name[0] == name[0] && strcmp(keys->name, name) == 0)
			return keys;
	return NULL;
}

void
conf_section_defaults(const struct conf_key *keys, void *obj)
{
	const struct conf_key	*k;
	char			**sp;

	for (k = keys; k->name != NULL; k++) {
		if (k->flags & CONF_NODEF)
			continue;
		switch (k->type) {
		case CONF_UINT:
		case CONF_ENUM:
		case CONF_MODE:
			/* An enum may default to -1: none chosen. */
			put_uint(field(obj, k), k->size, (unsigned long long)
			    (long long)k->def);
			break;
		case CONF_NUM:
			*(double *)field(obj, k) = k->def;
			break;
		case CONF_BOOL:
			*(bool *)field(obj, k) = k->def != 0;
			break;
		case CONF_STR:
		case CONF_PATH:
			sp = field(obj, k);
			free(*sp);
			*sp = k->defs != NULL ? xstrdup(k->defs) : NULL;
			break;
		case CONF_CUSTOM:
			/* An integer field of a custom key may have one. */
			if (k->size > 0 && k->size <= 8 && k->def != 0)
				put_uint(field(obj, k), k->size,
				    (unsigned long long)k->def);
			break;
		default:
			break;
		}
	}
}

void
conf_section_unknown(struct loader *ld, const config_setting_t *g,
    const char *what, const struct conf_key *const *tables)
{
	config_setting_t	*s;
	const char		*name;
	size_t			 t;
	int			 i;

	for (i = 0; (s = config_setting_get_elem(g, i)) != NULL; i++) {
		if ((name = config_setting_name(s)) == NULL)
			continue;
		for (t = 0; tables[t] != NULL; t++)
			if (conf_key_find(tables[t], name) != NULL)
				break;
		if (tables[t] == NULL)
			conf_errf(ld, conf_line(s), "unknown key \"%s\" in %s",
			    name, what);
	}
}

static bool
is_int(int type)
{
	return type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64;
}

static void
read_uint(struct loader *ld, const config_setting_t *s,
    const struct conf_key *k, void *obj)
{
	int		 t = config_setting_type(s);
	long long	 v;

	if (!is_int(t)) {
		conf_errf(ld, conf_line(s), "\"%s\" must be an integer, not %s",
		    k->name, conf_type_name(t));
		return;
	}
	v = t == CONFIG_TYPE_INT ? conf_literal_int(ld, s,
	    config_setting_get_int(s), false) : config_setting_get_int64(s);
	if (v < (long long)k->min || v > (long long)k->max) {
		conf_errf(ld, conf_line(s), "\"%s\" %lld not in %lld..%lld",
		    k->name, v, (long long)k->min, (long long)k->max);
		return;
	}
	put_uint(field(obj, k), k->size, v);
}

static void
read_num(struct loader *ld, const config_setting_t *s,
    const struct conf_key *k, void *obj)
{
	int	 t = config_setting_type(s);
	double	 v;

	if (is_int(t))
		v = config_setting_get_int64(s);
	else if (t == CONFIG_TYPE_FLOAT)
		v = config_setting_get_float(s);
	else {
		conf_errf(ld, conf_line(s), "\"%s\" must be a number, not %s",
		    k->name, conf_type_name(t));
		return;
	}
	if (!(v >= k->min && v <= k->max)) {
		conf_errf(ld, conf_line(s), "\"%s\" %g not in %g..%g", k->name,
		    v, k->min, k->max);
		return;
	}
	*(double *)field(obj, k) = v;
}

static void
read_strs(struct loader *ld, const config_setting_t *s,
    const struct conf_key *k, void *obj)
{
	config_setting_t	*e;
	char			***vp = field(obj, k);
	size_t			*np = (size_t *)(void *)((char *)obj + k->noff);
	int			 i, t = config_setting_type(s), bad = 0;

	if (t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST) {
		conf_errf(ld, conf_line(s), "\"%s\" must be an array of "
		    "strings, not %s", k->name, conf_type_name(t));
		return;
	}
	for (i = 0; (e = config_setting_get_elem(s, i)) != NULL; i++)
		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			conf_errf(ld, conf_line(e), "\"%s\" must hold strings, "
			    "not %s", k->name,
			    conf_type_name(config_setting_type(e)));
			bad = 1;
		}
	if (bad)
		return;
	if ((k->flags & CONF_NONEMPTY) && config_setting_length(s) == 0) {
		conf_errf(ld, conf_line(s), "\"%s\" must not be empty",
		    k->name);
		return;
	}
	*vp = xcalloc(config_setting_length(s) + 1, sizeof(char *));
	*np = 0;
	for (i = 0; (e = config_setting_get_elem(s, i)) != NULL; i++)
		(*vp)[(*np)++] = xstrdup(config_setting_get_string(e));
}

/* "a, b or c" */
static void
names_list(const char *const *names, char *buf, size_t len)
{
	size_t	 i, n, off = 0;

	for (n = 0; names[n] != NULL; n++)
		;
	buf[0] = '\0';
	for (i = 0; i < n && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i == 0 ? "" :
		    i + 1 == n ? " or " : ", ", names[i]);
}

void
conf_section_read(struct loader *ld, const config_setting_t *g,
    const struct conf_key *keys, void *obj, const char *ctx, void *arg)
{
	const struct conf_key	*k;
	config_setting_t	*s, *by_key[CONF_KEYS_MAX];
	const char		*t, *name;
	char			**sp, list[256];
	long long		 v;
	size_t			 i, nkeys;
	int			 j;

	/*
	 * One pass over the group's members, in place of one libconfig
	 * lookup (a scan of the members) per key of the table; the keys are
	 * then read in the table's order as before.
	 */
	for (nkeys = 0; keys[nkeys].name != NULL; nkeys++)
		;
	assert(nkeys <= CONF_KEYS_MAX);
	memset(by_key, 0, nkeys * sizeof(*by_key));
	for (j = 0; (s = config_setting_get_elem(g, j)) != NULL; j++)
		if ((name = config_setting_name(s)) != NULL &&
		    (k = conf_key_find(keys, name)) != NULL)
			by_key[k - keys] = s;
	for (k = keys; k->name != NULL; k++) {
		if ((s = by_key[k - keys]) == NULL) {
			if (k->flags & CONF_REQUIRED)
				conf_errf(ld, conf_line(g), "missing \"%s\"",
				    k->name);
			continue;
		}
		switch (k->type) {
		case CONF_UINT:
			read_uint(ld, s, k, obj);
			break;
		case CONF_NUM:
			read_num(ld, s, k, obj);
			break;
		case CONF_BOOL:
			if (config_setting_type(s) != CONFIG_TYPE_BOOL)
				conf_errf(ld, conf_line(s), "\"%s\" must be "
				    "true or false, not %s", k->name,
				    conf_type_name(config_setting_type(s)));
			else
				*(bool *)field(obj, k) =
				    config_setting_get_bool(s);
			break;
		case CONF_STR:
		case CONF_PATH:
		case CONF_ENUM:
			if (config_setting_type(s) != CONFIG_TYPE_STRING) {
				conf_errf(ld, conf_line(s), "\"%s\" must be a "
				    "string, not %s", k->name, conf_type_name(
				    config_setting_type(s)));
				break;
			}
			t = config_setting_get_string(s);
			if (k->type == CONF_ENUM) {
				for (i = 0; k->names[i] != NULL; i++)
					if (strcmp(k->names[i], t) == 0)
						break;
				if (k->names[i] != NULL) {
					put_uint(field(obj, k), k->size, i);
					break;
				}
				names_list(k->names, list, sizeof(list));
				conf_errf(ld, conf_line(s), "%s%s \"%s\" is not "
				    "%s", ctx, k->name, t, list);
				break;
			}
			if ((k->flags & CONF_NONEMPTY) && *t == '\0') {
				conf_errf(ld, conf_line(s), "\"%s\" must not be "
				    "empty", k->name);
				break;
			}
			if (k->type == CONF_STR && k->max > 0 && strlen(t) >
			    k->max) {
				conf_errf(ld, conf_line(s), "\"%s\" is %zu bytes "
				    "long, at most %.0f", k->name, strlen(t),
				    k->max);
				break;
			}
			sp = field(obj, k);
			free(*sp);
			*sp = k->type == CONF_PATH ? conf_relative_to(ld->file,
			    t) : xstrdup(t);
			break;
		case CONF_STRS:
			read_strs(ld, s, k, obj);
			break;
		case CONF_MODE:
			v = config_setting_type(s) == CONFIG_TYPE_INT ?
			    conf_literal_int(ld, s, config_setting_get_int(s),
			    true) : -1;
			if (v < 0 || v > 0777)
				conf_errf(ld, conf_line(s), "\"%s\" must be an "
				    "octal file mode such as 0660", k->name);
			else
				put_uint(field(obj, k), k->size, v);
			break;
		case CONF_CUSTOM:
			k->parse(ld, s, k, obj, arg);
			break;
		}
	}
}

bool
conf_section_same(const struct conf_key *keys, const void *a, const void *b)
{
	const struct conf_key	*k;
	char *const		*sa, *const *sb;
	size_t			 na, nb, i;

	for (k = keys; k->name != NULL; k++) {
		if (k->flags & CONF_NOCMP)
			continue;
		switch (k->type) {
		case CONF_UINT:
		case CONF_ENUM:
		case CONF_MODE:
			if (get_uint(cfield(a, k), k->size) !=
			    get_uint(cfield(b, k), k->size))
				return false;
			break;
		case CONF_NUM:
			if (*(const double *)cfield(a, k) !=
			    *(const double *)cfield(b, k))
				return false;
			break;
		case CONF_BOOL:
			if (*(const bool *)cfield(a, k) !=
			    *(const bool *)cfield(b, k))
				return false;
			break;
		case CONF_STR:
		case CONF_PATH:
			if (!conf_str_same(*(char *const *)cfield(a, k),
			    *(char *const *)cfield(b, k)))
				return false;
			break;
		case CONF_STRS:
			sa = *(char **const *)cfield(a, k);
			sb = *(char **const *)cfield(b, k);
			na = *(const size_t *)(const void *)((const char *)a +
			    k->noff);
			nb = *(const size_t *)(const void *)((const char *)b +
			    k->noff);
			if (na != nb)
				return false;
			for (i = 0; i < na; i++)
				if (strcmp(sa[i], sb[i]) != 0)
					return false;
			break;
		case CONF_CUSTOM:
			if (k->same != NULL && !k->same(k, a, b))
				return false;
			break;
		}
	}
	return true;
}

void
conf_section_free(const struct conf_key *keys, void *obj)
{
	const struct conf_key	*k;
	char			**v, **sp;
	size_t			*n, i;

	if (obj == NULL)
		return;
	for (k = keys; k->name != NULL; k++)
		switch (k->type) {
		case CONF_STR:
		case CONF_PATH:
			sp = field(obj, k);
			free(*sp);
			*sp = NULL;
			break;
		case CONF_STRS:
			v = *(char ***)field(obj, k);
			n = (size_t *)(void *)((char *)obj + k->noff);
			for (i = 0; v != NULL && i < *n; i++)
				free(v[i]);
			free(v);
			*(char ***)field(obj, k) = NULL;
			*n = 0;
			break;
		case CONF_CUSTOM:
			if (k->free != NULL)
				k->free(k, obj);
			break;
		default:
			break;
		}
}

void
conf_key_format(const struct conf_key *k, const void *obj, char *buf,
    size_t len)
{
	const char	*s;
	char *const	*v;
	size_t		 n, i, off;

	switch (k->type) {
	case CONF_UINT:
		snprintf(buf, len, "%llu", get_uint(cfield(obj, k), k->size));
		break;
	case CONF_MODE:
		snprintf(buf, len, "0%llo", get_uint(cfield(obj, k), k->size));
		break;
	case CONF_ENUM:
		n = get_uint(cfield(obj, k), k->size);
		for (i = 0; k->names[i] != NULL && i < n; i++)
			;
		if (k->names[i] == NULL)
			snprintf(buf, len, "(none)");
		else
			snprintf(buf, len, "\"%s\"", k->names[i]);
		break;
	case CONF_NUM:
		snprintf(buf, len, "%g", *(const double *)cfield(obj, k));
		break;
	case CONF_BOOL:
		snprintf(buf, len, "%s", *(const bool *)cfield(obj, k) ?
		    "true" : "false");
		break;
	case CONF_STR:
	case CONF_PATH:
		s = *(char *const *)cfield(obj, k);
		if (s == NULL)
			snprintf(buf, len, "(none)");
		else
			snprintf(buf, len, "\"%s\"", s);
		break;
	case CONF_STRS:
		v = *(char **const *)cfield(obj, k);
		n = *(const size_t *)(const void *)((const char *)obj +
		    k->noff);
		off = snprintf(buf, len, "[");
		for (i = 0; i < n && off < len; i++)
			off += snprintf(buf + off, len - off, "%s \"%s\"",
			    i ? "," : "", v[i]);
		if (off < len)
			snprintf(buf + off, len - off, " ]");
		break;
	case CONF_CUSTOM:
		if (k->format != NULL)
			k->format(k, obj, buf, len);
		else
			snprintf(buf, len, "(custom)");
		break;
	}
}
