/* conf_load.c -- what every section's loader uses: errors, lines, names */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/stat.h>

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

static void
verrf(struct loader *ld, const char *file, int line, const char *fmt,
    va_list ap)
{
	char	 msg[1024];
	char	*full;
	int	 n;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = snprintf(NULL, 0, "%s:%d: %s", file, line, msg);
	full = xmalloc(n + 1);
	snprintf(full, n + 1, "%s:%d: %s", file, line, msg);
	ld->errs->msg = xreallocarray(ld->errs->msg, ld->errs->n + 1,
	    sizeof(char *));
	ld->errs->msg[ld->errs->n++] = full;
	ld->nerr++;
}

void
conf_errf(struct loader *ld, int line, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	verrf(ld, ld->file, line, fmt, ap);
	va_end(ap);
}

void
conf_errf_at(struct loader *ld, const char *file, int line,
    const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	verrf(ld, file, line, fmt, ap);
	va_end(ap);
}

const char *
conf_where(const char *file, int line, const char *here, char *buf,
    size_t len)
{
	if (strcmp(file, here) == 0)
		snprintf(buf, len, "line %d", line);
	else
		snprintf(buf, len, "%s:%d", file, line);
	return buf;
}

const char *
conf_rr_where(const struct conf_rr *r, const char *here, char *buf,
    size_t len)
{
	return conf_where(r->file, r->line, here, buf, len);
}

#define INCLUDE_DEPTH	10	/* libconfig's own bound */
#define CONF_FILE_MAX	(16 * 1024 * 1024)

static int
read_ok(struct loader *ld, const char *dir, int depth)
{
	struct stat	 st;
	const char	*p, *q, *end, *d, *me = ld->file;
	char		*buf = NULL, *inc, *path;
	size_t		 len;
	int		 line = 1, rv = -1;
	FILE		*f;

	/* A file that is not there: libconfig says so, as it always has. */
	if (stat(me, &st) == -1 || (f = fopen(me, "r")) == NULL)
		return 0;
	if (!S_ISREG(st.st_mode) || st.st_size > CONF_FILE_MAX) {
		conf_errf(ld, 1, "cannot read config file: %s",
		    !S_ISREG(st.st_mode) ? "not a regular file" :
		    "larger than 16 MB");
		goto out;
	}
	buf = xmalloc(st.st_size + 1);
	len = fread(buf, 1, st.st_size, f);
	buf[len] = '\0';
	rv = 0;
	for (p = buf, end = buf + len; p < end && rv == 0; p = q + 1, line++) {
		if ((q = memchr(p, '\n', end - p)) == NULL)
			q = end;
		if (memchr(p, '\0', q - p) != NULL) {
			conf_errf(ld, line, "a NUL byte: not a text file");
			rv = -1;
			break;
		}
		while (p < q && (*p == ' ' || *p == '\t'))
			p++;
		if (q - p < 10 || strncmp(p, "@include", 8) != 0)
			continue;
		for (p += 8; p < q && (*p == ' ' || *p == '\t'); p++)
			;
		if (p == q || *p++ != '"' || (inc = memchr(p, '"', q - p)) ==
		    NULL)
			continue;	/* libconfig says what is wrong */
		if (depth >= INCLUDE_DEPTH) {
			conf_errf(ld, line, "@include nested over %d deep",
			    INCLUDE_DEPTH);
			rv = -1;
			break;
		}
		/* As libconfig: the top file's directory, unless absolute. */
		d = p[0] == '/' || dir == NULL ? "" : dir;
		path = xmalloc(strlen(d) + 1 + (inc - p) + 1);
		snprintf(path, strlen(d) + 1 + (inc - p) + 1, "%s%s%.*s", d,
		    d[0] != '\0' ? "/" : "", (int)(inc - p), p);
		ld->file = path;
		rv = read_ok(ld, dir, depth + 1);
		ld->file = me;
		if (rv == -1)
			conf_errf(ld, line, "in the file included here");
		free(path);
	}
out:
	free(buf);
	fclose(f);
	return rv;
}

int
conf_read_ok(struct loader *ld)
{
	const char	*slash = strrchr(ld->file, '/');
	char		*dir = NULL;
	int		 rv;

	/* The directory util_include_dir() gives libconfig. */
	if (slash != NULL) {
		dir = xstrdup(ld->file);
		dir[slash == ld->file ? 1 : slash - ld->file] = '\0';
	}
	rv = read_ok(ld, dir, 0);
	free(dir);
	return rv;
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

config_setting_t *
conf_member(const config_setting_t *g, const char *name)
{
	config_setting_t	*s;
	const char		*n;
	int			 i;

	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return NULL;
	for (i = 0; (s = config_setting_get_elem(g, i)) != NULL; i++)
		if ((n = config_setting_name(s)) != NULL && n[0] == name[0] &&
		    strcmp(n, name) == 0)
			return s;
	return NULL;
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
	size_t		 n = strlen(text);

	if (strcmp(text, "@") == 0)
		return ldns_rdf_clone(origin);
	if (n == 0)
		return NULL;
	if (text[n - 1] == '.')
		return ldns_dname_new_frm_str(text);
	/* Relative: its labels, then the origin's. */
	if ((d = ldns_dname_new_frm_str(text)) == NULL)
		return NULL;
	if (ldns_dname_cat(d, origin) != LDNS_STATUS_OK) {
		ldns_rdf_deep_free(d);
		return NULL;
	}
	return d;
}

/* Is d equal to or below top: a suffix of its wire form at a label? */
bool
conf_at_or_below(const ldns_rdf *d, const ldns_rdf *top)
{
	const uint8_t	*p = ldns_rdf_data(d), *t = ldns_rdf_data(top);
	size_t		 n = ldns_rdf_size(d), tn = ldns_rdf_size(top), i = 0, k;

	while (i < n && n - i > tn)
		i += p[i] + 1;
	if (i >= n || n - i != tn)
		return false;
	/* Length octets are below 64: case folding leaves them alone. */
	for (k = 0; k < tn; k++)
		if (tolower(p[i + k]) != tolower(t[k]))
			return false;
	return true;
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

static uint64_t
name_hash(const char *s)
{
	uint64_t	 h = 0xcbf29ce484222325ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h ^ (h >> 29);
}

void
conf_index_init(struct conf_index *x, size_t expected)
{
	size_t	 size;

	for (size = 16; size < expected * 2; size *= 2)
		;
	x->key = xcalloc(size, sizeof(*x->key));
	x->val = xcalloc(size, sizeof(*x->val));
	x->mask = size - 1;
}

void
conf_index_free(struct conf_index *x)
{
	free(x->key);
	free(x->val);
	memset(x, 0, sizeof(*x));
}

size_t
conf_index_get(const struct conf_index *x, const char *name)
{
	size_t	 i;

	if (x->key == NULL)
		return SIZE_MAX;
	for (i = name_hash(name) & x->mask; x->key[i] != NULL;
	    i = (i + 1) & x->mask)
		if (strcmp(x->key[i], name) == 0)
			return x->val[i];
	return SIZE_MAX;
}

size_t
conf_index_put(struct conf_index *x, const char *name, size_t v)
{
	size_t	 i;

	for (i = name_hash(name) & x->mask; x->key[i] != NULL;
	    i = (i + 1) & x->mask)
		if (strcmp(x->key[i], name) == 0)
			return x->val[i];
	x->key[i] = name;
	x->val[i] = v;
	return SIZE_MAX;
}
