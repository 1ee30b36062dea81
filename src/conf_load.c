/* conf_load.c -- what every section's loader uses: errors, lines, names */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libconfig.h>
#include <ldns/ldns.h>

#include "conf.h"
#include "conf_load.h"
#include "util.h"

void
conf_errf(struct loader *ld, int line, const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[1024];
	char	*full;
	int	 n;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n = snprintf(NULL, 0, "%s:%d: %s", ld->file, line, msg);
	full = xmalloc(n + 1);
	snprintf(full, n + 1, "%s:%d: %s", ld->file, line, msg);
	ld->errs->msg = xreallocarray(ld->errs->msg, ld->errs->n + 1,
	    sizeof(char *));
	ld->errs->msg[ld->errs->n++] = full;
	ld->nerr++;
}

int
conf_line(const config_setting_t *s)
{
	int	 line = s != NULL ? (int)config_setting_source_line(s) : 0;

	return line > 0 ? line : 1;
}

const char *
conf_type_name(int type)
{
	switch (type) {
	case CONFIG_TYPE_GROUP:
		return "a group";
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return "an integer";
	case CONFIG_TYPE_FLOAT:
		return "a number";
	case CONFIG_TYPE_STRING:
		return "a string";
	case CONFIG_TYPE_BOOL:
		return "a boolean";
	case CONFIG_TYPE_ARRAY:
		return "an array";
	case CONFIG_TYPE_LIST:
		return "a list";
	default:
		return "a setting";
	}
}

const char *
conf_get_str(struct loader *ld, const config_setting_t *s)
{
	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		conf_errf(ld, conf_line(s), "\"%s\" must be a string, not %s",
		    config_setting_name(s) != NULL ? config_setting_name(s) :
		    "value", conf_type_name(config_setting_type(s)));
		return NULL;
	}
	return config_setting_get_string(s);
}

/* An array or list of strings, non-empty when required; NULL: bad. */
const config_setting_t *
conf_get_strs(struct loader *ld, const config_setting_t *s, bool required)
{
	config_setting_t	*e;
	int			 i, t = config_setting_type(s), bad = 0;
	const char		*key = config_setting_name(s);

	if (t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST) {
		conf_errf(ld, conf_line(s), "\"%s\" must be an array of strings, "
		    "not %s", key, conf_type_name(t));
		return NULL;
	}
	for (i = 0; (e = config_setting_get_elem(s, i)) != NULL; i++)
		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			conf_errf(ld, conf_line(e), "\"%s\" must hold strings, "
			    "not %s", key, conf_type_name(
			    config_setting_type(e)));
			bad = 1;
		}
	if (bad)
		return NULL;
	if (required && config_setting_length(s) == 0) {
		conf_errf(ld, conf_line(s), "\"%s\" must not be empty", key);
		return NULL;
	}
	return s;
}

/*
 * The text of a file the config came from, read once per load: looking
 * back at a line is then a lookup, not a read of the whole file.
 */
static const struct conf_file *
file_of(struct loader *ld, const char *path)
{
	struct conf_files	*fs = ld->files;
	struct conf_file	*f;
	FILE			*fp;
	size_t			 i, cap = 0, n;
	char			*p;
	long			 len;

	if (path == NULL || fs == NULL)
		return NULL;
	for (i = 0; i < fs->n; i++)
		if (strcmp(fs->v[i].path, path) == 0)
			return &fs->v[i];
	if ((fp = fopen(path, "r")) == NULL)
		return NULL;
	fs->v = xreallocarray(fs->v, fs->n + 1, sizeof(*fs->v));
	f = &fs->v[fs->n++];
	memset(f, 0, sizeof(*f));
	f->path = xstrdup(path);
	if (fseek(fp, 0, SEEK_END) == 0 && (len = ftell(fp)) >= 0 &&
	    fseek(fp, 0, SEEK_SET) == 0) {
		f->text = xmalloc(len + 1);
		n = fread(f->text, 1, len, fp);
		f->text[n] = '\0';
	} else
		f->text = xstrdup("");
	fclose(fp);
	for (p = f->text; *p != '\0' || p == f->text; ) {
		if (f->nlines == cap) {
			cap = cap ? cap * 2 : 256;
			f->lines = xreallocarray(f->lines, cap, sizeof(char *));
		}
		f->lines[f->nlines++] = p;
		if ((p = strchr(p, '\n')) == NULL)
			break;
		*p++ = '\0';
	}
	return f;
}

void
conf_files_free(struct conf_files *fs)
{
	size_t	 i;

	for (i = 0; i < fs->n; i++) {
		free(fs->v[i].path);
		free(fs->v[i].text);
		free(fs->v[i].lines);
	}
	free(fs->v);
}

/*
 * The line of a string in an array.  libconfig 1.5 gives the last element
 * of an array the line of the token after it; look back for the string.
 */
int
conf_elem_line(struct loader *ld, const config_setting_t *e)
{
	const struct conf_file	*f;
	const char		*text;
	char			 key[24];
	int			 line = conf_line(e), n, found = line;

	if (e == NULL || (text = config_setting_get_string(e)) == NULL ||
	    (f = file_of(ld, config_setting_source_file(e))) == NULL)
		return line;
	/* A prefix without characters that may be escaped in the file. */
	snprintf(key, sizeof(key), "%.*s", (int)strcspn(text, "\\\"\t"),
	    text);
	if (key[0] == '\0')
		return line;
	for (n = line - 5 > 1 ? line - 5 : 1; n <= line && (size_t)n <=
	    f->nlines; n++)
		if (strstr(f->lines[n - 1], key) != NULL)
			found = n;
	return found;
}

long long
conf_literal_int(struct loader *ld, const config_setting_t *s, long long v,
    bool octal)
{
	const struct conf_file	*f;
	const char		*name = config_setting_name(s);
	const char		*buf, *p, *end;
	char			*q, *o;
	long long		 r;
	int			 line = config_setting_source_line(s);
	size_t			 nl;

	if (name == NULL || line < 1 || (f = file_of(ld,
	    config_setting_source_file(s))) == NULL || (size_t)line >
	    f->nlines)
		return v;
	buf = f->lines[line - 1];
	nl = strlen(name);
	for (p = buf; (p = strstr(p, name)) != NULL; p = end) {
		end = p + nl;
		if (p > buf && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
			continue;
		end += strspn(end, " \t");
		if (*end != '=' && *end != ':')
			continue;
		end++;
		end += strspn(end, " \t");
		errno = 0;
		r = strtoll(end, &q, strncasecmp(end, "0x", 2) == 0 ? 16 : 10);
		/*
		 * Several settings of this name may share the line ({ weight
		 * = 1; }, { weight = 2; }): the literal is the one whose low
		 * 32 bits libconfig read.
		 */
		if (errno != 0 || q == end || (uint32_t)r != (uint32_t)v)
			continue;
		if (octal && *end == '0') {
			r = strtoll(end, &o, 8);
			return o == q ? r : -1;	/* -1: 8 or 9 in it */
		}
		return r;
	}
	return v;
}

char *
conf_relative_to(const char *base, const char *path)
{
	const char	*slash;
	char		*out;
	int		 n;

	if (path[0] == '/' || path[0] == '\0' || (slash = strrchr(base,
	    '/')) == NULL)
		return xstrdup(path);
	n = snprintf(NULL, 0, "%.*s/%s", (int)(slash - base), base, path);
	out = xmalloc(n + 1);
	snprintf(out, n + 1, "%.*s/%s", (int)(slash - base), base, path);
	return out;
}

char *
conf_name_str(const ldns_rdf *d)
{
	char	*s = ldns_rdf2str(d);

	return s != NULL ? s : xstrdup("?");
}

ldns_rdf *
conf_parse_name(const char *text, const ldns_rdf *origin)
{
	ldns_rdf	*d;
	char		*o, *full;
	size_t		 n = strlen(text);
	int		 len;

	if (strcmp(text, "@") == 0)
		return ldns_rdf_clone(origin);
	if (n == 0)
		return NULL;
	if (text[n - 1] == '.')
		return ldns_dname_new_frm_str(text);
	o = conf_name_str(origin);
	len = snprintf(NULL, 0, "%s.%s", text, o);
	full = xmalloc(len + 1);
	snprintf(full, len + 1, "%s.%s", text, o);
	d = ldns_dname_new_frm_str(full);
	free(full);
	free(o);
	return d;
}

bool
conf_at_or_below(const ldns_rdf *d, const ldns_rdf *top)
{
	return ldns_dname_compare(d, top) == 0 || ldns_dname_is_subdomain(d,
	    top);
}

bool
conf_str_same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL &&
	    strcmp(a, b) == 0);
}

void
conf_errs_clear(struct conf_errs *errs)
{
	size_t	 i;

	for (i = 0; i < errs->n; i++)
		free(errs->msg[i]);
	free(errs->msg);
	errs->msg = NULL;
	errs->n = 0;
}
