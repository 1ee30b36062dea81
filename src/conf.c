/* conf.c -- libconfig files -> validated, read-only struct conf */
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
#include "conf_int.h"
#include "conf_schema.h"
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

static void
files_free(struct conf_files *fs)
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

/* -------------------------------------------------------- the main file */

static void
parse_server(struct loader *ld, const config_setting_t *s,
    const struct conf_key *k, void *obj, void *arg)
{
	(void)k;
	(void)arg;
	if (config_setting_type(s) != CONFIG_TYPE_GROUP) {
		conf_errf(ld, conf_line(s), "\"server\" must be a group, not %s",
		    conf_type_name(config_setting_type(s)));
		return;
	}
	conf_load_server(ld, s, obj);
}

/* Each zone file named, relative to the main file. */
static void
parse_zones(struct loader *ld, const config_setting_t *s,
    const struct conf_key *k, void *obj, void *arg)
{
	struct conf		*c = obj;
	struct conf_zone	*z;
	config_setting_t	*e;
	char			*zpath, *a;
	size_t			 j;
	int			 i, t = config_setting_type(s);

	(void)k;
	(void)arg;
	if (t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST) {
		conf_errf(ld, conf_line(s), "\"zones\" must be an array of "
		    "strings, not %s", conf_type_name(t));
		return;
	}
	for (i = 0; (e = config_setting_get_elem(s, i)) != NULL; i++)
		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			conf_errf(ld, conf_line(e), "\"zones\" must hold "
			    "strings, not %s",
			    conf_type_name(config_setting_type(e)));
			return;
		}
	if (config_setting_length(s) == 0) {
		conf_errf(ld, conf_line(s), "\"zones\" must not be empty");
		return;
	}
	c->zones = xcalloc(config_setting_length(s), sizeof(*c->zones));
	for (i = 0; (e = config_setting_get_elem(s, i)) != NULL; i++) {
		struct loader	 zl = { .errs = ld->errs, .files = ld->files };

		zpath = conf_relative_to(c->path, config_setting_get_string(e));
		z = &c->zones[c->nzones++];
		zl.file = zpath;
		if (conf_load_zone(&zl, zpath, z) == -1)
			conf_errf(ld, conf_elem_line(ld, e), "cannot read zone "
			    "file %s: %s", zpath, strerror(errno));
		ld->nerr += zl.nerr;
		free(zpath);
		if (z->origin == NULL)
			continue;
		for (j = 0; j + 1 < c->nzones; j++) {
			if (c->zones[j].origin == NULL || ldns_dname_compare(
			    c->zones[j].origin, z->origin) != 0)
				continue;
			a = conf_name_str(z->origin);
			conf_errf(ld, conf_elem_line(ld, e), "duplicate zone %s "
			    "(also in %s)", a, c->zones[j].file);
			free(a);
			break;
		}
	}
}

static const struct conf_key main_keys[] = {
	{ "server", CONF_CUSTOM, .parse = parse_server, .flags = CONF_REQUIRED,
	    .doc = "the server's settings" },
	{ "zones", CONF_CUSTOM, .parse = parse_zones, .flags = CONF_REQUIRED,
	    .doc = "the zone files" },
	{ NULL }
};

static const struct conf_section main_section = {
	"the main file", main_keys, "MAIN FILE"
};

extern const struct conf_section conf_server_section, conf_zone_section,
    conf_soa_section, conf_check_section, conf_pool_section,
    conf_member_section, conf_name_section, conf_name_tail_section;

const struct conf_section *const conf_sections[] = {
	&main_section,
	&conf_server_section,
	&conf_zone_section,
	&conf_soa_section,
	&conf_check_section,
	&conf_pool_section,
	&conf_member_section,
	&conf_name_section,
	&conf_name_tail_section,
	NULL
};

int
conf_load(const char *path, struct conf **out, struct conf_errs *errs)
{
	static const struct conf_key *const tables[] = { main_keys, NULL };
	struct conf_files	 files = { 0 };
	struct loader		 ld = { .errs = errs, .file = path,
				    .files = &files };
	config_t		 cfg;
	config_setting_t	*root;
	struct conf		*c;
	int			 rv = -1;

	c = xcalloc(1, sizeof(*c));
	c->path = xstrdup(path);
	config_init(&cfg);
	if (config_read_file(&cfg, path) == CONFIG_FALSE) {
		if (config_error_type(&cfg) == CONFIG_ERR_FILE_IO)
			conf_errf(&ld, 1, "cannot read config file: %s",
			    strerror(errno));
		else
			conf_errf(&ld, config_error_line(&cfg), "%s",
			    config_error_text(&cfg));
		goto out;
	}
	root = config_root_setting(&cfg);
	conf_section_unknown(&ld, root, main_section.name, tables);
	conf_section_read(&ld, root, main_keys, c, "", NULL);
	if (ld.nerr == 0) {
		*out = c;
		c = NULL;
		rv = 0;
	}
out:
	if (ld.nerr == 0 && rv == -1)
		conf_errf(&ld, 1, "configuration not loaded");
	conf_free(c);
	config_destroy(&cfg);
	files_free(&files);
	return rv;
}

void
conf_free(struct conf *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	conf_server_free(c);
	for (i = 0; i < c->nzones; i++)
		conf_zone_free(&c->zones[i]);
	free(c->zones);
	free(c->path);
	free(c);
}
