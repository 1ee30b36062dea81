/* conf.c -- libconfig files -> validated, read-only struct conf */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libconfig.h>
#include <ldns/ldns.h>

#include "conf.h"
#include "health.h"
#include "util.h"

#define TTL_MAX		2147483647LL

/* The loader's working state: where errors go, which file we are in. */
struct loader {
	struct conf_errs	*errs;
	const char		*file;
	int			 nerr;
};

static void	 errf(struct loader *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static char	*relative_to(const char *, const char *);
static int	 get_double(struct loader *, const config_setting_t *,
		    const char *, double, double, double *);

static bool
in_list(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

static void
errf(struct loader *ld, int line, const char *fmt, ...)
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

static int
line_of(const config_setting_t *s)
{
	int	 line = s != NULL ? (int)config_setting_source_line(s) : 0;

	return line > 0 ? line : 1;
}

/*
 * The line of a string in an array.  libconfig 1.5 gives the last element
 * of an array the line of the token after it; look back for the string.
 */
static int
elem_line(const config_setting_t *e)
{
	const char	*file = config_setting_source_file(e);
	const char	*text = config_setting_get_string(e);
	int		 line = line_of(e), n = 0, found = line;
	char		 buf[4096], key[24];
	FILE		*f;

	if (file == NULL || text == NULL || (f = fopen(file, "r")) == NULL)
		return line;
	/* A prefix without characters that may be escaped in the file. */
	snprintf(key, sizeof(key), "%.*s", (int)strcspn(text, "\\\"\t"),
	    text);
	while (fgets(buf, sizeof(buf), f) != NULL && ++n <= line)
		if (n >= line - 5 && key[0] != '\0' && strstr(buf, key) !=
		    NULL)
			found = n;
	fclose(f);
	return found;
}

static const char *
type_name(int type)
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

/* Report every member of group g whose name is not in the NULL-ended keys. */
static void
check_keys(struct loader *ld, const config_setting_t *g, const char *what,
    const char *const *keys)
{
	config_setting_t	*s;
	const char		*name;
	int			 i, k;

	for (i = 0; (s = config_setting_get_elem(g, i)) != NULL; i++) {
		name = config_setting_name(s);
		if (name == NULL)
			continue;
		for (k = 0; keys[k] != NULL; k++)
			if (strcmp(keys[k], name) == 0)
				break;
		if (keys[k] == NULL)
			errf(ld, line_of(s), "unknown key \"%s\" in %s", name,
			    what);
	}
}

/*
 * libconfig 1.5 reads an integer literal without an L suffix as 32 bits
 * and wraps it; read the literal of a named setting back from its line.
 * libconfig reads 0660 as decimal 660; with octal, a literal with a
 * leading 0 is octal (file modes).
 */
static long long
literal_int_base(const config_setting_t *s, long long v, bool octal)
{
	const char	*file = config_setting_source_file(s);
	const char	*name = config_setting_name(s);
	char		 buf[4096], *p, *q, *end;
	long long	 r;
	int		 n = 0, line = config_setting_source_line(s);
	size_t		 nl;
	FILE		*f;

	if (file == NULL || name == NULL || (f = fopen(file, "r")) == NULL)
		return v;
	nl = strlen(name);
	while (fgets(buf, sizeof(buf), f) != NULL)
		if (++n == line)
			break;
	fclose(f);
	if (n != line)
		return v;
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
			r = strtoll(end, &p, 8);
			return p == q ? r : -1;	/* -1: 8 or 9 in it */
		}
		return r;
	}
	return v;
}

static long long
literal_int(const config_setting_t *s, long long v)
{
	return literal_int_base(s, v, false);
}

/* Integer member "key" of g in [min, max]; absent leaves *out alone. */
static int
get_int(struct loader *ld, const config_setting_t *g, const char *key,
    long long min, long long max, long long *out)
{
	config_setting_t	*s;
	long long		 v;

	if ((s = config_setting_get_member(g, key)) == NULL)
		return 0;
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
		v = literal_int(s, config_setting_get_int(s));
		break;
	case CONFIG_TYPE_INT64:
		v = config_setting_get_int64(s);
		break;
	default:
		errf(ld, line_of(s), "\"%s\" must be an integer, not %s", key,
		    type_name(config_setting_type(s)));
		return -1;
	}
	if (v < min || v > max) {
		errf(ld, line_of(s), "\"%s\" %lld not in %lld..%lld", key, v,
		    min, max);
		return -1;
	}
	*out = v;
	return 0;
}

/* String member "key" of g; NULL when absent (reported if required). */
static const char *
get_string(struct loader *ld, const config_setting_t *g, const char *key,
    bool required)
{
	config_setting_t	*s;

	if ((s = config_setting_get_member(g, key)) == NULL) {
		if (required)
			errf(ld, line_of(g), "missing \"%s\"", key);
		return NULL;
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		errf(ld, line_of(s), "\"%s\" must be a string, not %s", key,
		    type_name(config_setting_type(s)));
		return NULL;
	}
	return config_setting_get_string(s);
}

/* An array or list of strings, non-empty when required. */
static config_setting_t *
get_strings(struct loader *ld, const config_setting_t *g, const char *key,
    bool required)
{
	config_setting_t	*s, *e;
	int			 i, t, bad = 0;

	if ((s = config_setting_get_member(g, key)) == NULL) {
		if (required)
			errf(ld, line_of(g), "missing \"%s\"", key);
		return NULL;
	}
	t = config_setting_type(s);
	if (t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST) {
		errf(ld, line_of(s), "\"%s\" must be an array of strings, "
		    "not %s", key, type_name(t));
		return NULL;
	}
	for (i = 0; (e = config_setting_get_elem(s, i)) != NULL; i++)
		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			errf(ld, line_of(e), "\"%s\" must hold strings, not "
			    "%s", key, type_name(config_setting_type(e)));
			bad = 1;
		}
	if (bad)
		return NULL;
	if (required && config_setting_length(s) == 0) {
		errf(ld, line_of(s), "\"%s\" must not be empty", key);
		return NULL;
	}
	return s;
}

int
conf_parse_listen(const char *text, struct sockaddr_storage *ss,
    socklen_t *sslen)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;
	char			 host[INET6_ADDRSTRLEN + 1];
	const char		*p, *port = NULL;
	char			*end;
	size_t			 hl;
	long			 pn = 53;
	bool			 bracket = text[0] == '[';

	memset(ss, 0, sizeof(*ss));
	if (bracket) {
		if ((p = strchr(text, ']')) == NULL)
			return -1;
		hl = p - text - 1;
		if (p[1] == ':')
			port = p + 2;
		else if (p[1] != '\0')
			return -1;
		text++;
	} else if ((p = strchr(text, ':')) != NULL && strchr(p + 1, ':') ==
	    NULL) {
		hl = p - text;
		port = p + 1;
	} else
		hl = strlen(text);
	if (hl == 0 || hl >= sizeof(host))
		return -1;
	memcpy(host, text, hl);
	host[hl] = '\0';
	if (port != NULL) {
		if (strspn(port, "0123456789") != strlen(port))
			return -1;
		errno = 0;
		pn = strtol(port, &end, 10);
		if (*port == '\0' || *end != '\0' || errno != 0 || pn < 1 ||
		    pn > 65535)
			return -1;
	}
	if (!bracket && inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(pn);
		*sslen = sizeof(*sin);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(pn);
		*sslen = sizeof(*sin6);
		return 0;
	}
	return -1;
}

static void
load_server(struct loader *ld, const config_setting_t *srv, struct conf *c)
{
	static const char *const keys[] = { "listen", "workers",
	    "edns_payload", "tcp_timeout", "tcp_clients", "control",
	    "control_mode", "metrics", "state_file", "pid_file", "user",
	    "group", "log", "log_level", "query_log", NULL };
	static const char *const logs[] = { "stderr", "syslog", NULL };
	static const char *const levels[] = { "err", "warn", "info",
	    "debug", NULL };
	const char		*t;
	config_setting_t	*l, *e;
	long long		 v;
	size_t			 j;
	int			 i;

	if (config_setting_type(srv) != CONFIG_TYPE_GROUP) {
		errf(ld, line_of(srv), "\"server\" must be a group, not %s",
		    type_name(config_setting_type(srv)));
		return;
	}
	check_keys(ld, srv, "server", keys);
	if ((l = get_strings(ld, srv, "listen", true)) != NULL) {
		c->listen = xcalloc(config_setting_length(l),
		    sizeof(*c->listen));
		for (i = 0; (e = config_setting_get_elem(l, i)) != NULL; i++) {
			struct conf_listen	*cl = &c->listen[c->nlisten];

			t = config_setting_get_string(e);
			if (conf_parse_listen(t, &cl->ss, &cl->sslen) == -1) {
				errf(ld, elem_line(e), "bad listen address "
				    "\"%s\": want ADDR, ADDR:PORT or "
				    "[ADDR6]:PORT", t);
				continue;
			}
			for (j = 0; j < c->nlisten; j++)
				if (c->listen[j].sslen == cl->sslen &&
				    memcmp(&c->listen[j].ss, &cl->ss,
				    cl->sslen) == 0)
					break;
			if (j < c->nlisten) {
				errf(ld, elem_line(e), "listen address \"%s\" "
				    "given twice", t);
				continue;
			}
			cl->text = xstrdup(t);
			c->nlisten++;
		}
	}
	v = c->workers;
	if (get_int(ld, srv, "workers", 0, 256, &v) == 0)
		c->workers = v;
	v = c->edns_payload;
	if (get_int(ld, srv, "edns_payload", 512, 4096, &v) == 0)
		c->edns_payload = v;
	v = c->tcp_timeout;
	if (get_int(ld, srv, "tcp_timeout", 1, 300, &v) == 0)
		c->tcp_timeout = v;
	v = c->tcp_clients;
	if (get_int(ld, srv, "tcp_clients", 1, 65535, &v) == 0)
		c->tcp_clients = v;
	if ((t = get_string(ld, srv, "control", false)) != NULL)
		c->control = relative_to(ld->file, t);
	if ((e = config_setting_get_member(srv, "control_mode")) != NULL) {
		v = config_setting_type(e) == CONFIG_TYPE_INT ?
		    literal_int_base(e, config_setting_get_int(e), true) : -1;
		if (v < 0 || v > 0777)
			errf(ld, line_of(e), "\"control_mode\" must be an octal "
			    "file mode such as 0660");
		else
			c->control_mode = v;
	}
	if ((t = get_string(ld, srv, "metrics", false)) != NULL && *t ==
	    '\0')
		c->has_metrics = true;	/* "": no metrics at all */
	else if (t != NULL) {
		if (conf_parse_listen(t, &c->metrics.ss, &c->metrics.sslen) ==
		    -1)
			errf(ld, line_of(config_setting_get_member(srv,
			    "metrics")), "bad metrics address \"%s\": want "
			    "ADDR:PORT or [ADDR6]:PORT", t);
		else {
			c->metrics.text = xstrdup(t);
			c->has_metrics = true;
		}
	}
	if ((t = get_string(ld, srv, "state_file", false)) != NULL)
		c->state_file = relative_to(ld->file, t);
	if ((t = get_string(ld, srv, "pid_file", false)) != NULL)
		c->pid_file = relative_to(ld->file, t);
	if ((t = get_string(ld, srv, "user", false)) != NULL)
		c->user = xstrdup(t);
	if ((t = get_string(ld, srv, "group", false)) != NULL)
		c->group = xstrdup(t);
	if ((t = get_string(ld, srv, "log", false)) != NULL) {
		if (!in_list(t, logs))
			errf(ld, line_of(config_setting_get_member(srv, "log")),
			    "log \"%s\" is not stderr or syslog", t);
		else
			c->log = xstrdup(t);
	}
	if ((t = get_string(ld, srv, "log_level", false)) != NULL) {
		if (!in_list(t, levels))
			errf(ld, line_of(config_setting_get_member(srv,
			    "log_level")), "log_level \"%s\" is not err, warn, "
			    "info or debug", t);
		else
			c->log_level = xstrdup(t);
	}
	get_double(ld, srv, "query_log", 0, 1, &c->query_log);
}

static char *
name_str(const ldns_rdf *d)
{
	char	*s = ldns_rdf2str(d);

	return s != NULL ? s : xstrdup("?");
}

/* A domain name, relative to origin unless it ends in a dot. */
static ldns_rdf *
parse_name(const char *text, const ldns_rdf *origin)
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
	o = name_str(origin);
	len = snprintf(NULL, 0, "%s.%s", text, o);
	full = xmalloc(len + 1);
	snprintf(full, len + 1, "%s.%s", text, o);
	d = ldns_dname_new_frm_str(full);
	free(full);
	free(o);
	return d;
}

static void
add_rr(struct conf_zone *z, ldns_rr *rr, int line)
{
	z->rrs = xreallocarray(z->rrs, z->nrrs + 1, sizeof(*z->rrs));
	z->rrs[z->nrrs].rr = rr;
	z->rrs[z->nrrs].line = line;
	z->nrrs++;
}

static void
load_soa(struct loader *ld, const config_setting_t *g, struct conf_zone *z)
{
	static const char *const keys[] = { "mname", "rname", "serial",
	    "refresh", "retry", "expire", "minimum", NULL };
	const char	*mname, *rname;
	ldns_rdf	*m = NULL, *r = NULL;
	ldns_rr		*soa;
	long long	 serial = 1, refresh = 3600, retry = 900;
	long long	 expire = 604800, minimum = 60;
	int		 bad = 0;

	if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
		errf(ld, line_of(g), "\"soa\" must be a group, not %s",
		    type_name(config_setting_type(g)));
		return;
	}
	check_keys(ld, g, "soa", keys);
	mname = get_string(ld, g, "mname", true);
	rname = get_string(ld, g, "rname", true);
	bad |= get_int(ld, g, "serial", 0, 4294967295LL, &serial);
	bad |= get_int(ld, g, "refresh", 0, TTL_MAX, &refresh);
	bad |= get_int(ld, g, "retry", 0, TTL_MAX, &retry);
	bad |= get_int(ld, g, "expire", 0, TTL_MAX, &expire);
	bad |= get_int(ld, g, "minimum", 0, TTL_MAX, &minimum);
	if (mname != NULL && (m = parse_name(mname, z->origin)) == NULL)
		errf(ld, line_of(config_setting_get_member(g, "mname")),
		    "bad name \"%s\" in soa mname", mname);
	if (rname != NULL && (r = parse_name(rname, z->origin)) == NULL)
		errf(ld, line_of(config_setting_get_member(g, "rname")),
		    "bad name \"%s\" in soa rname", rname);
	if (m == NULL || r == NULL || bad) {
		ldns_rdf_deep_free(m);
		ldns_rdf_deep_free(r);
		return;
	}
	soa = ldns_rr_new();
	ldns_rr_set_type(soa, LDNS_RR_TYPE_SOA);
	ldns_rr_set_owner(soa, ldns_rdf_clone(z->origin));
	ldns_rr_set_ttl(soa, z->ttl);
	ldns_rr_set_class(soa, LDNS_RR_CLASS_IN);
	ldns_rr_push_rdf(soa, m);
	ldns_rr_push_rdf(soa, r);
	ldns_rr_push_rdf(soa, ldns_native2rdf_int32(LDNS_RDF_TYPE_INT32,
	    serial));
	ldns_rr_push_rdf(soa, ldns_native2rdf_int32(LDNS_RDF_TYPE_PERIOD,
	    refresh));
	ldns_rr_push_rdf(soa, ldns_native2rdf_int32(LDNS_RDF_TYPE_PERIOD,
	    retry));
	ldns_rr_push_rdf(soa, ldns_native2rdf_int32(LDNS_RDF_TYPE_PERIOD,
	    expire));
	ldns_rr_push_rdf(soa, ldns_native2rdf_int32(LDNS_RDF_TYPE_PERIOD,
	    minimum));
	z->neg_ttl = (uint32_t)minimum < z->ttl ? (uint32_t)minimum : z->ttl;
	add_rr(z, soa, line_of(g));
}

/* Is d equal to or below the name of "top"? */
static bool
at_or_below(const ldns_rdf *d, const ldns_rdf *top)
{
	return ldns_dname_compare(d, top) == 0 || ldns_dname_is_subdomain(d,
	    top);
}

/*
 * Checks that need the whole zone: CNAME beside other data, records below
 * a zone cut that are not glue, data at a cut other than NS, DS and glue.
 */
static void
check_zone_data(struct loader *ld, struct conf_zone *z)
{
	size_t		 i, j, ncuts = 0;
	ldns_rr		*a, *b;
	ldns_rr_type	 ta, tb;
	ldns_rdf	**cuts;
	char		*s, *t;

	for (i = 0; i < z->nrrs; i++) {
		a = z->rrs[i].rr;
		ta = ldns_rr_get_type(a);
		if (ta == LDNS_RR_TYPE_CNAME) {
			if (ldns_dname_compare(ldns_rr_owner(a), z->origin) ==
			    0) {
				errf(ld, z->rrs[i].line, "CNAME at the zone "
				    "apex is not allowed");
				continue;
			}
			for (j = 0; j < z->nrrs; j++) {
				if (j == i)
					continue;
				b = z->rrs[j].rr;
				if (ldns_dname_compare(ldns_rr_owner(a),
				    ldns_rr_owner(b)) != 0)
					continue;
				tb = ldns_rr_get_type(b);
				if (tb == LDNS_RR_TYPE_CNAME && j < i &&
				    ldns_rr_compare(a, b) == 0)
					break;	/* a duplicate, reported once */
				if (tb == LDNS_RR_TYPE_CNAME && j > i)
					continue;
				s = name_str(ldns_rr_owner(a));
				if (tb == LDNS_RR_TYPE_CNAME)
					errf(ld, z->rrs[i].line, "more than "
					    "one CNAME at %s", s);
				else {
					t = ldns_rr_type2str(tb);
					errf(ld, z->rrs[i].line, "CNAME at %s "
					    "beside other data (%s, line %d)",
					    s, t, z->rrs[j].line);
					free(t);
				}
				free(s);
				break;
			}
		}
	}
	/* Every distinct delegation point, then what lies at or below it. */
	cuts = xcalloc(z->nrrs + 1, sizeof(*cuts));
	for (i = 0; i < z->nrrs; i++) {
		a = z->rrs[i].rr;
		if (ldns_rr_get_type(a) != LDNS_RR_TYPE_NS ||
		    ldns_dname_compare(ldns_rr_owner(a), z->origin) == 0)
			continue;
		for (j = 0; j < ncuts; j++)
			if (ldns_dname_compare(cuts[j], ldns_rr_owner(a)) == 0)
				break;
		if (j == ncuts)
			cuts[ncuts++] = ldns_rr_owner(a);
	}
	for (i = 0; i < z->nrrs; i++) {
		b = z->rrs[i].rr;
		tb = ldns_rr_get_type(b);
		for (j = 0; j < ncuts; j++) {
			if (!at_or_below(ldns_rr_owner(b), cuts[j]))
				continue;
			if (tb == LDNS_RR_TYPE_A || tb == LDNS_RR_TYPE_AAAA)
				break;
			if (ldns_dname_compare(ldns_rr_owner(b), cuts[j]) ==
			    0) {
				if (tb == LDNS_RR_TYPE_NS ||
				    tb == LDNS_RR_TYPE_DS)
					continue;	/* a deeper cut may hold it */
			}
			s = name_str(cuts[j]);
			t = ldns_rr_type2str(tb);
			if (tb == LDNS_RR_TYPE_NS)
				errf(ld, z->rrs[i].line, "delegation below "
				    "the delegation at %s", s);
			else
				errf(ld, z->rrs[i].line, "%s record at or "
				    "below the delegation at %s: only glue "
				    "(A, AAAA) is allowed there", t, s);
			free(s);
			free(t);
			break;
		}
	}
	free(cuts);
}

static void
load_records(struct loader *ld, const config_setting_t *list,
    struct conf_zone *z)
{
	config_setting_t	*e;
	const char		*text;
	ldns_rdf		*prev = NULL;
	ldns_rr			*rr;
	ldns_status		 st;
	char			*s;
	int			 i, line;

	for (i = 0; (e = config_setting_get_elem(list, i)) != NULL; i++) {
		text = config_setting_get_string(e);
		line = elem_line(e);
		rr = NULL;
		st = ldns_rr_new_frm_str(&rr, text, z->ttl, z->origin, &prev);
		if (st != LDNS_STATUS_OK) {
			errf(ld, line, "bad record \"%s\": %s", text,
			    ldns_get_errorstr_by_id(st));
			continue;
		}
		if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN) {
			errf(ld, line, "record \"%s\": only class IN is "
			    "served", text);
			ldns_rr_free(rr);
			continue;
		}
		if (!at_or_below(ldns_rr_owner(rr), z->origin)) {
			s = name_str(z->origin);
			errf(ld, line, "record \"%s\" is outside the zone %s",
			    text, s);
			free(s);
			ldns_rr_free(rr);
			continue;
		}
		switch (ldns_rr_get_type(rr)) {
		case LDNS_RR_TYPE_SOA:
			errf(ld, line, "SOA in records: use the \"soa\" group");
			ldns_rr_free(rr);
			continue;
		case LDNS_RR_TYPE_OPT:
		case LDNS_RR_TYPE_TSIG:
		case LDNS_RR_TYPE_AXFR:
		case LDNS_RR_TYPE_IXFR:
		case LDNS_RR_TYPE_ANY:
			errf(ld, line, "record \"%s\": not a data type", text);
			ldns_rr_free(rr);
			continue;
		default:
			break;
		}
		add_rr(z, rr, line);
	}
	ldns_rdf_deep_free(prev);
}

/* A number (integer or float) member "key" of g in [min, max]. */
static int
get_double(struct loader *ld, const config_setting_t *g, const char *key,
    double min, double max, double *out)
{
	config_setting_t	*s;
	double			 v;

	if ((s = config_setting_get_member(g, key)) == NULL)
		return 0;
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		v = config_setting_get_int64(s);
		break;
	case CONFIG_TYPE_FLOAT:
		v = config_setting_get_float(s);
		break;
	default:
		errf(ld, line_of(s), "\"%s\" must be a number, not %s", key,
		    type_name(config_setting_type(s)));
		return -1;
	}
	if (v < min || v > max) {
		errf(ld, line_of(s), "\"%s\" %g not in %g..%g", key, v, min,
		    max);
		return -1;
	}
	*out = v;
	return 0;
}

static int
get_bool(struct loader *ld, const config_setting_t *g, const char *key,
    bool *out)
{
	config_setting_t	*s;

	if ((s = config_setting_get_member(g, key)) == NULL)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
		errf(ld, line_of(s), "\"%s\" must be true or false, not %s",
		    key, type_name(config_setting_type(s)));
		return -1;
	}
	*out = config_setting_get_bool(s);
	return 0;
}

static char *
dupstr(struct loader *ld, const config_setting_t *g, const char *key)
{
	const char	*s = get_string(ld, g, key, false);

	return s != NULL ? xstrdup(s) : NULL;
}

static const char *const check_types[] = { "tcp", "http", "https", "dns",
    "exec", NULL };

/*
 * "expect": one status code or a non-empty array of them.  Anything else
 * is an error, not the default [200]: a quoted "204" or 204.0 would
 * otherwise leave a check that fails on 204 and passes on 200.
 */
static void
load_expect(struct loader *ld, const config_setting_t *s,
    struct conf_check *ck)
{
	const config_setting_t	*e;
	long long		 v;
	int			 j, n, type = config_setting_type(s);
	bool			 one = type == CONFIG_TYPE_INT ||
				    type == CONFIG_TYPE_INT64;

	if (!one && type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST) {
		errf(ld, line_of(s), "check \"%s\": \"expect\" must be a "
		    "status code or an array of them, not %s", ck->name,
		    type_name(type));
		return;
	}
	n = one ? 1 : config_setting_length(s);
	if (n == 0) {
		errf(ld, line_of(s), "check \"%s\": \"expect\" must not be "
		    "empty", ck->name);
		return;
	}
	ck->expect = xcalloc(n, sizeof(unsigned));
	for (j = 0; j < n; j++) {
		e = one ? s : config_setting_get_elem(s, j);
		switch (config_setting_type(e)) {
		case CONFIG_TYPE_INT:
			v = literal_int(e, config_setting_get_int(e));
			break;
		case CONFIG_TYPE_INT64:
			v = config_setting_get_int64(e);
			break;
		default:
			v = -1;
			break;
		}
		if (v < 100 || v > 599) {
			errf(ld, line_of(e), "check \"%s\": \"expect\" wants "
			    "HTTP status codes 100..599", ck->name);
			continue;
		}
		ck->expect[ck->nexpect++] = v;
	}
}

/* Would the prober's ldns make a query name of text? */
static bool
valid_qname(const char *text)
{
	ldns_rdf	*d;

	if ((d = ldns_dname_new_frm_str(text)) == NULL)
		return false;
	ldns_rdf_deep_free(d);
	return true;
}

static void
load_checks(struct loader *ld, const config_setting_t *g, struct conf_zone *z)
{
	static const char *const keys[] = { "type", "port", "interval",
	    "timeout", "jitter", "rise", "fall", "path", "host", "headers",
	    "user_agent", "expect", "body", "load_header", "load_body", "sni",
	    "verify", "qname", "qtype", "rcode", "command", "initial", NULL };
	config_setting_t	*c, *s, *e;
	struct conf_check	*ck;
	const char		*t;
	long long		 v;
	int			 i, j, k;

	if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
		errf(ld, line_of(g), "\"checks\" must be a group, not %s",
		    type_name(config_setting_type(g)));
		return;
	}
	z->checks = xcalloc(config_setting_length(g), sizeof(*z->checks));
	for (i = 0; (c = config_setting_get_elem(g, i)) != NULL; i++) {
		ck = &z->checks[z->nchecks++];
		ck->name = xstrdup(config_setting_name(c));
		ck->line = line_of(c);
		ck->interval = 5.0;
		ck->timeout = 2.0;
		ck->jitter = 0.1;
		ck->rise = 2;
		ck->fall = 3;
		ck->verify = true;
		ck->initial_up = true;
		ck->qtype = LDNS_RR_TYPE_SOA;
		if (config_setting_type(c) != CONFIG_TYPE_GROUP) {
			errf(ld, line_of(c), "check \"%s\" must be a group",
			    ck->name);
			continue;
		}
		check_keys(ld, c, "a check", keys);
		if ((t = get_string(ld, c, "type", true)) != NULL) {
			for (k = 0; check_types[k] != NULL; k++)
				if (strcmp(t, check_types[k]) == 0)
					break;
			if (check_types[k] == NULL)
				errf(ld, line_of(config_setting_get_member(c,
				    "type")), "check \"%s\": unknown type "
				    "\"%s\" (tcp, http, https, dns, exec)",
				    ck->name, t);
			else
				ck->type = k;
		}
		v = 0;
		if (get_int(ld, c, "port", 1, 65535, &v) == 0)
			ck->port = v;
		get_double(ld, c, "interval", 0.1, 86400, &ck->interval);
		get_double(ld, c, "timeout", 0.01, 3600, &ck->timeout);
		get_double(ld, c, "jitter", 0, 1, &ck->jitter);
		v = ck->rise;
		if (get_int(ld, c, "rise", 1, 100, &v) == 0)
			ck->rise = v;
		v = ck->fall;
		if (get_int(ld, c, "fall", 1, 100, &v) == 0)
			ck->fall = v;
		if (ck->timeout > ck->interval)
			errf(ld, ck->line, "check \"%s\": timeout %g longer "
			    "than interval %g", ck->name, ck->timeout,
			    ck->interval);
		ck->path = dupstr(ld, c, "path");
		ck->host = dupstr(ld, c, "host");
		ck->user_agent = dupstr(ld, c, "user_agent");
		ck->body = dupstr(ld, c, "body");
		ck->load_header = dupstr(ld, c, "load_header");
		get_bool(ld, c, "load_body", &ck->load_body);
		ck->sni = dupstr(ld, c, "sni");
		get_bool(ld, c, "verify", &ck->verify);
		ck->qname = dupstr(ld, c, "qname");
		ck->command = dupstr(ld, c, "command");
		if ((s = get_strings(ld, c, "headers", false)) != NULL) {
			ck->headers = xcalloc(config_setting_length(s),
			    sizeof(char *));
			for (j = 0; (e = config_setting_get_elem(s, j)) !=
			    NULL; j++) {
				t = config_setting_get_string(e);
				/* A line break would split the message. */
				if (strpbrk(t, "\r\n") != NULL)
					errf(ld, elem_line(e), "check \"%s\": "
					    "bad header \"%.*s...\": a line "
					    "break in it", ck->name,
					    (int)strcspn(t, "\r\n"), t);
				else if (strchr(t, ':') == NULL)
					errf(ld, elem_line(e), "check \"%s\": "
					    "bad header \"%s\": want \"Name: "
					    "value\"", ck->name, t);
				else
					ck->headers[ck->nheaders++] =
					    xstrdup(t);
			}
		}
		if ((s = config_setting_get_member(c, "expect")) != NULL)
			load_expect(ld, s, ck);
		if ((t = get_string(ld, c, "qtype", false)) != NULL) {
			ck->qtype = ldns_get_rr_type_by_name(t);
			if (ck->qtype == 0)
				errf(ld, line_of(config_setting_get_member(c,
				    "qtype")), "check \"%s\": unknown qtype "
				    "\"%s\"", ck->name, t);
		}
		if ((t = get_string(ld, c, "rcode", false)) != NULL) {
			ldns_lookup_table	*lt = ldns_lookup_by_name(
			    ldns_rcodes, t);

			if (lt == NULL)
				errf(ld, line_of(config_setting_get_member(c,
				    "rcode")), "check \"%s\": unknown rcode "
				    "\"%s\"", ck->name, t);
			else
				ck->rcode = lt->id;
		}
		if ((t = get_string(ld, c, "initial", false)) != NULL) {
			if (strcmp(t, "up") == 0)
				ck->initial_up = true;
			else if (strcmp(t, "down") == 0)
				ck->initial_up = false;
			else
				errf(ld, line_of(config_setting_get_member(c,
				    "initial")), "check \"%s\": \"initial\" "
				    "must be \"up\" or \"down\"", ck->name);
		}
		/* Only when absent: one of the wrong type was reported. */
		if (ck->type == CHECK_EXEC && config_setting_get_member(c,
		    "command") == NULL)
			errf(ld, ck->line, "check \"%s\": exec needs "
			    "\"command\"", ck->name);
		if (ck->type == CHECK_DNS && config_setting_get_member(c,
		    "qname") == NULL)
			errf(ld, ck->line, "check \"%s\": dns needs \"qname\"",
			    ck->name);
		/* Else the prober could not build its query at start. */
		if (ck->qname != NULL && !valid_qname(ck->qname))
			errf(ld, line_of(config_setting_get_member(c, "qname")),
			    "check \"%s\": bad qname \"%s\"", ck->name,
			    ck->qname);
		/* Well-known ports; tcp has none (members may give one). */
		if (ck->port == 0)
			ck->port = ck->type == CHECK_HTTP ? 80 :
			    ck->type == CHECK_HTTPS ? 443 :
			    ck->type == CHECK_DNS ? 53 : 0;
		if ((ck->type == CHECK_HTTP || ck->type == CHECK_HTTPS) &&
		    ck->path == NULL)
			ck->path = xstrdup("/");
		if ((ck->type == CHECK_HTTP || ck->type == CHECK_HTTPS) &&
		    ck->nexpect == 0) {
			ck->expect = xreallocarray(ck->expect, 1,
			    sizeof(unsigned));
			ck->expect[ck->nexpect++] = 200;
		}
	}
}

static void
load_regions(struct loader *ld, const config_setting_t *g,
    struct conf_zone *z)
{
	struct lb_regions	*r = &z->regions;
	config_setting_t	*c, *e;
	struct lb_net		*n;
	char			 buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	const char		*t;
	unsigned long		 pl;
	unsigned		 max, k;
	int			 i, j;

	if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
		errf(ld, line_of(g), "\"regions\" must be a group, not %s",
		    type_name(config_setting_type(g)));
		return;
	}
	r->names = xcalloc(config_setting_length(g), sizeof(char *));
	for (i = 0; (c = config_setting_get_elem(g, i)) != NULL; i++) {
		r->names[r->nnames++] = xstrdup(config_setting_name(c));
		t = config_setting_name(c);
		if (config_setting_type(c) != CONFIG_TYPE_ARRAY &&
		    config_setting_type(c) != CONFIG_TYPE_LIST) {
			errf(ld, line_of(c), "region \"%s\" must be an array "
			    "of prefixes, not %s", t,
			    type_name(config_setting_type(c)));
			continue;
		}
		if (config_setting_length(c) == 0) {
			errf(ld, line_of(c), "region \"%s\" is empty", t);
			continue;
		}
		if ((c = get_strings(ld, g, t, true)) == NULL)
			continue;
		for (j = 0; (e = config_setting_get_elem(c, j)) != NULL; j++) {
			t = config_setting_get_string(e);
			r->nets = xreallocarray(r->nets, r->nnets + 1,
			    sizeof(*r->nets));
			n = &r->nets[r->nnets];
			memset(n, 0, sizeof(*n));
			if (strlen(t) >= sizeof(buf) ||
			    (slash = strchr(strcpy(buf, t), '/')) == NULL) {
				errf(ld, elem_line(e), "region \"%s\": bad "
				    "prefix \"%s\": want ADDRESS/LENGTH",
				    r->names[i], t);
				continue;
			}
			*slash = '\0';
			n->family = util_parse_addr(buf, n->addr);
			max = n->family == 4 ? 32 : 128;
			pl = strtoul(slash + 1, &end, 10);
			if (n->family == 0 ||
			    !isdigit((unsigned char)slash[1]) ||
			    *end != '\0' || pl > max) {
				errf(ld, elem_line(e), "region \"%s\": bad "
				    "prefix \"%s\": want ADDRESS/LENGTH",
				    r->names[i], t);
				continue;
			}
			n->prefix = pl;
			for (k = pl; k < max; k++)
				if (n->addr[k / 8] & (0x80 >> (k % 8)))
					break;
			if (k < max) {
				errf(ld, elem_line(e), "region \"%s\": prefix "
				    "\"%s\" has bits set past /%lu",
				    r->names[i], t, pl);
				continue;
			}
			for (k = 0; k < r->nnets; k++)
				if (r->nets[k].family == n->family &&
				    r->nets[k].prefix == n->prefix &&
				    memcmp(r->nets[k].addr, n->addr, 16) == 0)
					break;
			if (k < r->nnets && r->nets[k].region == i) {
				errf(ld, elem_line(e), "region \"%s\": prefix "
				    "\"%s\" given twice", r->names[i], t);
				continue;
			}
			if (k < r->nnets) {
				errf(ld, elem_line(e), "prefix \"%s\" is in "
				    "two regions, \"%s\" and \"%s\"", t,
				    r->names[r->nets[k].region], r->names[i]);
				continue;
			}
			n->region = i;
			r->nnets++;
		}
	}
	lb_regions_prepare(r);
}

static void
load_pools(struct loader *ld, const config_setting_t *g, struct conf_zone *z)
{
	static const char *const keys[] = { "check", "members", NULL };
	static const char *const mkeys[] = { "address", "weight", "priority",
	    "region", "check_address", "check_port", "admin", NULL };
	config_setting_t	*p, *l, *m, *s;
	struct conf_pool	*cp;
	struct conf_member	*cm;
	const char		*t;
	long long		 v;
	size_t			 k;
	int			 i, j, a;
	bool			 has_check;

	if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
		errf(ld, line_of(g), "\"pools\" must be a group, not %s",
		    type_name(config_setting_type(g)));
		return;
	}
	z->pools = xcalloc(config_setting_length(g), sizeof(*z->pools));
	for (i = 0; (p = config_setting_get_elem(g, i)) != NULL; i++) {
		cp = &z->pools[z->npools++];
		cp->name = xstrdup(config_setting_name(p));
		cp->line = line_of(p);
		cp->check = -1;
		if (config_setting_type(p) != CONFIG_TYPE_GROUP) {
			errf(ld, cp->line, "pool \"%s\" must be a group",
			    cp->name);
			continue;
		}
		check_keys(ld, p, "a pool", keys);
		has_check = config_setting_get_member(p, "check") != NULL;
		if ((t = get_string(ld, p, "check", false)) != NULL) {
			for (k = 0; k < z->nchecks; k++)
				if (strcmp(z->checks[k].name, t) == 0)
					break;
			if (k == z->nchecks)
				errf(ld, line_of(config_setting_get_member(p,
				    "check")), "pool \"%s\": check \"%s\" not "
				    "found", cp->name, t);
			else
				cp->check = k;
		}
		if ((l = config_setting_get_member(p, "members")) == NULL) {
			errf(ld, cp->line, "pool \"%s\": missing \"members\"",
			    cp->name);
			continue;
		}
		if (config_setting_type(l) != CONFIG_TYPE_LIST) {
			errf(ld, line_of(l), "pool \"%s\": \"members\" must be "
			    "a list ( { address = ...; }, ... )", cp->name);
			continue;
		}
		if (config_setting_length(l) == 0) {
			errf(ld, line_of(l), "pool \"%s\" is empty", cp->name);
			continue;
		}
		if (config_setting_length(l) > LB_MAX_MEMBERS) {
			errf(ld, line_of(l), "pool \"%s\": more than %d "
			    "members", cp->name, LB_MAX_MEMBERS);
			continue;
		}
		cp->members = xcalloc(config_setting_length(l),
		    sizeof(*cp->members));
		for (j = 0; (m = config_setting_get_elem(l, j)) != NULL; j++) {
			cm = &cp->members[cp->nmembers];
			cm->line = line_of(m);
			cm->weight = 1;
			cm->priority = 1;
			cm->region = LB_NO_REGION;
			if (config_setting_type(m) != CONFIG_TYPE_GROUP) {
				errf(ld, cm->line, "pool \"%s\": a member must "
				    "be a group { address = ...; }", cp->name);
				continue;
			}
			check_keys(ld, m, "a pool member", mkeys);
			if ((t = get_string(ld, m, "address", true)) == NULL)
				continue;
			if ((cm->family = util_parse_addr(t, cm->addr)) == 0) {
				errf(ld, line_of(config_setting_get_member(m,
				    "address")), "pool \"%s\": bad address "
				    "\"%s\"", cp->name, t);
				continue;
			}
			for (k = 0; k < cp->nmembers; k++)
				if (cp->members[k].family == cm->family &&
				    memcmp(cp->members[k].addr, cm->addr, 16) ==
				    0)
					break;
			if (k < cp->nmembers) {
				errf(ld, cm->line, "pool \"%s\": duplicate "
				    "member %s", cp->name, t);
				continue;
			}
			v = cm->weight;
			if (get_int(ld, m, "weight", 0, LB_WEIGHT_MAX, &v) == 0)
				cm->weight = v;
			v = cm->priority;
			if (get_int(ld, m, "priority", 1, 255, &v) == 0)
				cm->priority = v;
			if ((t = get_string(ld, m, "region", false)) != NULL) {
				for (k = 0; k < z->regions.nnames; k++)
					if (strcmp(z->regions.names[k], t) == 0)
						break;
				if (k == z->regions.nnames)
					errf(ld, line_of(
					    config_setting_get_member(m,
					    "region")), "pool \"%s\": region "
					    "\"%s\" not found", cp->name, t);
				else
					cm->region = k;
			}
			if ((t = get_string(ld, m, "check_address", false)) !=
			    NULL && (cm->check_family = util_parse_addr(t,
			    cm->check_addr)) == 0)
				errf(ld, line_of(config_setting_get_member(m,
				    "check_address")), "pool \"%s\": bad "
				    "check_address \"%s\"", cp->name, t);
			v = 0;
			if (get_int(ld, m, "check_port", 1, 65535, &v) == 0)
				cm->check_port = v;
			/*
			 * Nothing probes a pool without a check: where to
			 * probe would be silently ignored.
			 */
			if (!has_check && (s = config_setting_get_member(m,
			    "check_address")) != NULL)
				errf(ld, line_of(s), "pool \"%s\": "
				    "\"check_address\" but the pool has no "
				    "\"check\"", cp->name);
			if (!has_check && (s = config_setting_get_member(m,
			    "check_port")) != NULL)
				errf(ld, line_of(s), "pool \"%s\": "
				    "\"check_port\" but the pool has no "
				    "\"check\"", cp->name);
			if (cp->check >= 0 && cm->check_port == 0 &&
			    z->checks[cp->check].port == 0 &&
			    z->checks[cp->check].type == CHECK_TCP)
				errf(ld, cm->line, "pool \"%s\": check \"%s\" "
				    "has no port and the member no check_port",
				    cp->name, z->checks[cp->check].name);
			if ((t = get_string(ld, m, "admin", false)) != NULL) {
				if ((a = health_admin_parse(t)) == -1)
					errf(ld, line_of(
					    config_setting_get_member(m,
					    "admin")), "pool \"%s\": admin "
					    "\"%s\" is not none, up, down or "
					    "drain", cp->name, t);
				else
					cm->admin = a;
			}
			cp->nmembers++;
		}
	}
}

static void
load_chain(struct loader *ld, const config_setting_t *g, struct conf_name *cn,
    const char *label)
{
	config_setting_t	*s, *e;
	const struct lb_preset	*pr;
	const char		*preset;
	char			 err[256];
	size_t			 i;
	int			 j;
	bool			 has_up = false;

	preset = get_string(ld, g, "strategy", false);
	s = config_setting_get_member(g, "chain");
	if (preset != NULL && s != NULL) {
		errf(ld, line_of(s), "name \"%s\": give \"strategy\" or "
		    "\"chain\", not both", label);
		return;
	}
	if (s != NULL) {
		if ((s = get_strings(ld, g, "chain", true)) == NULL)
			return;
		if (config_setting_length(s) > LB_MAX_STEPS - 1) {
			errf(ld, line_of(s), "name \"%s\": more than %d chain "
			    "steps", label, LB_MAX_STEPS - 1);
			return;
		}
		for (j = 0; (e = config_setting_get_elem(s, j)) != NULL; j++) {
			if (lb_parse_step(config_setting_get_string(e),
			    &cn->steps[cn->nsteps], err, sizeof(err)) == -1) {
				errf(ld, elem_line(e), "name \"%s\": %s",
				    label, err);
				continue;
			}
			has_up |= strcmp(cn->steps[cn->nsteps].s->name, "up") ==
			    0;
			cn->nsteps++;
		}
	} else {
		if (preset == NULL)
			preset = "round_robin";
		if ((pr = lb_preset_find(preset)) == NULL) {
			errf(ld, line_of(config_setting_get_member(g,
			    "strategy")), "name \"%s\": unknown strategy "
			    "\"%s\"", label, preset);
			return;
		}
		for (i = 0; i < NELEM(pr->steps) && pr->steps[i] != NULL; i++)
			if (lb_parse_step(pr->steps[i],
			    &cn->steps[cn->nsteps++], err, sizeof(err)) == -1)
				errf(ld, line_of(g), "preset: %s", err);
		has_up = true;
	}
	/* Health always comes first: never answer a down member needlessly. */
	if (!has_up) {
		memmove(cn->steps + 1, cn->steps, cn->nsteps *
		    sizeof(cn->steps[0]));
		lb_parse_step("up", &cn->steps[0], err, sizeof(err));
		cn->nsteps++;
	}
}

/* Does the fallback record rr hold the address addr of family fam? */
static bool
fallback_is(const ldns_rr *rr, uint8_t fam, const uint8_t *addr)
{
	const ldns_rdf	*d = ldns_rr_rdf(rr, 0);

	return ldns_rdf_size(d) == (fam == 4 ? 4u : 16u) &&
	    memcmp(ldns_rdf_data(d), addr, ldns_rdf_size(d)) == 0;
}

static const char *const all_down_names[] = { "all", "nodata", "servfail",
    "fallback", NULL };

static void
load_names(struct loader *ld, const config_setting_t *g, struct conf_zone *z)
{
	static const char *const keys[] = { "owner", "pool", "strategy",
	    "chain", "ttl", "degraded_ttl", "max_answers", "all_down",
	    "fallback", "fallback_cname", "ecs", NULL };
	config_setting_t	*c, *s, *e;
	struct conf_name	*cn;
	const char		*t, *label;
	ldns_rr			*rr;
	long long		 v;
	size_t			 k;
	int			 i, j;
	uint8_t			 fam, addr[16];
	bool			 has_all_down;
	char			*os, *ts;
	int			 oline;

	if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
		errf(ld, line_of(g), "\"names\" must be a group, not %s",
		    type_name(config_setting_type(g)));
		return;
	}
	z->names = xcalloc(config_setting_length(g), sizeof(*z->names));
	for (i = 0; (c = config_setting_get_elem(g, i)) != NULL; i++) {
		label = config_setting_name(c);
		if (config_setting_type(c) != CONFIG_TYPE_GROUP) {
			errf(ld, line_of(c), "name \"%s\" must be a group",
			    label);
			continue;
		}
		cn = &z->names[z->nnames];
		memset(cn, 0, sizeof(*cn));
		cn->line = line_of(c);
		cn->ttl = 30;
		cn->ecs = true;
		check_keys(ld, c, "a name", keys);
		/* Point at "owner" when the owner comes from it. */
		if ((s = config_setting_get_member(c, "owner")) != NULL)
			oline = line_of(s);
		else
			oline = cn->line;
		if ((t = get_string(ld, c, "owner", false)) == NULL) {
			if (s != NULL)
				continue;	/* not a string: reported */
			t = label;
		}
		if ((cn->owner = parse_name(t, z->origin)) == NULL) {
			errf(ld, oline, "name \"%s\": bad owner \"%s\"",
			    label, t);
			continue;
		}
		ldns_dname2canonical(cn->owner);
		if (!at_or_below(cn->owner, z->origin)) {
			errf(ld, oline, "name \"%s\" is outside the zone",
			    label);
			ldns_rdf_deep_free(cn->owner);
			continue;
		}
		for (k = 0; k < z->nnames; k++)
			if (ldns_dname_compare(z->names[k].owner, cn->owner) ==
			    0)
				break;
		if (k < z->nnames) {
			errf(ld, cn->line, "name \"%s\" is managed twice "
			    "(also line %d)", label, z->names[k].line);
			ldns_rdf_deep_free(cn->owner);
			continue;
		}
		if ((t = get_string(ld, c, "pool", true)) != NULL) {
			for (k = 0; k < z->npools; k++)
				if (strcmp(z->pools[k].name, t) == 0)
					break;
			if (k == z->npools)
				errf(ld, line_of(config_setting_get_member(c,
				    "pool")), "name \"%s\": pool \"%s\" not "
				    "found", label, t);
			cn->pool = k;
		}
		load_chain(ld, c, cn, label);
		v = cn->ttl;
		if (get_int(ld, c, "ttl", 0, TTL_MAX, &v) == 0)
			cn->ttl = v;
		cn->degraded_ttl = cn->ttl;
		v = cn->degraded_ttl;
		if (get_int(ld, c, "degraded_ttl", 0, TTL_MAX, &v) == 0)
			cn->degraded_ttl = v;
		v = 0;
		if (get_int(ld, c, "max_answers", 0, LB_MAX_MEMBERS, &v) == 0)
			cn->max_answers = v;
		get_bool(ld, c, "ecs", &cn->ecs);
		has_all_down = false;
		if ((t = get_string(ld, c, "all_down", false)) != NULL) {
			for (k = 0; all_down_names[k] != NULL; k++)
				if (strcmp(all_down_names[k], t) == 0)
					break;
			if (all_down_names[k] == NULL)
				errf(ld, line_of(config_setting_get_member(c,
				    "all_down")), "name \"%s\": all_down "
				    "\"%s\" is not all, nodata, servfail or "
				    "fallback", label, t);
			else {
				cn->all_down = k;
				has_all_down = true;
			}
		}
		if ((s = get_strings(ld, c, "fallback", false)) != NULL) {
			cn->fallback = xcalloc(config_setting_length(s),
			    sizeof(ldns_rr *));
			for (j = 0; (e = config_setting_get_elem(s, j)) !=
			    NULL; j++) {
				t = config_setting_get_string(e);
				if ((fam = util_parse_addr(t, addr)) == 0) {
					errf(ld, elem_line(e), "name \"%s\": "
					    "bad fallback address \"%s\"",
					    label, t);
					continue;
				}
				/* An RRset holds no record twice (RFC 2181). */
				for (k = 0; k < cn->nfallback; k++)
					if (fallback_is(cn->fallback[k], fam,
					    addr))
						break;
				if (k < cn->nfallback) {
					errf(ld, elem_line(e), "name \"%s\": "
					    "fallback address %s given twice",
					    label, t);
					continue;
				}
				rr = ldns_rr_new();
				ldns_rr_set_type(rr, fam == 4 ?
				    LDNS_RR_TYPE_A : LDNS_RR_TYPE_AAAA);
				ldns_rr_set_owner(rr, ldns_rdf_clone(
				    cn->owner));
				ldns_rr_set_class(rr, LDNS_RR_CLASS_IN);
				ldns_rr_push_rdf(rr, ldns_rdf_new_frm_data(
				    fam == 4 ? LDNS_RDF_TYPE_A :
				    LDNS_RDF_TYPE_AAAA, fam == 4 ? 4 : 16,
				    addr));
				cn->fallback[cn->nfallback++] = rr;
			}
		}
		if ((t = get_string(ld, c, "fallback_cname", false)) != NULL &&
		    (cn->fallback_cname = parse_name(t, z->origin)) == NULL)
			errf(ld, line_of(config_setting_get_member(c,
			    "fallback_cname")), "name \"%s\": bad "
			    "fallback_cname \"%s\"", label, t);
		if (cn->nfallback > 0 && cn->fallback_cname != NULL)
			errf(ld, cn->line, "name \"%s\": give \"fallback\" or "
			    "\"fallback_cname\", not both", label);
		if (!has_all_down && (cn->nfallback > 0 ||
		    cn->fallback_cname != NULL))
			cn->all_down = LB_ALL_DOWN_FALLBACK;
		if (cn->all_down == LB_ALL_DOWN_FALLBACK && cn->nfallback ==
		    0 && cn->fallback_cname == NULL)
			errf(ld, cn->line, "name \"%s\": all_down \"fallback\" "
			    "needs \"fallback\" or \"fallback_cname\"", label);
		if (cn->all_down != LB_ALL_DOWN_FALLBACK && (cn->nfallback >
		    0 || cn->fallback_cname != NULL))
			errf(ld, cn->line, "name \"%s\": a fallback is given "
			    "but all_down is not \"fallback\"", label);
		/* Static data at the name must not fight the pool. */
		for (k = 0; k < z->nrrs; k++) {
			rr = z->rrs[k].rr;
			if (ldns_dname_compare(ldns_rr_owner(rr), cn->owner) !=
			    0)
				continue;
			if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_A ||
			    ldns_rr_get_type(rr) == LDNS_RR_TYPE_AAAA ||
			    ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME) {
				ts = ldns_rr_type2str(ldns_rr_get_type(rr));
				errf(ld, z->rrs[k].line, "%s record at the "
				    "managed name \"%s\" (line %d)", ts, label,
				    cn->line);
				free(ts);
			}
		}
		for (k = 0; k < z->nrrs; k++) {
			rr = z->rrs[k].rr;
			if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_NS &&
			    ldns_dname_compare(ldns_rr_owner(rr), z->origin) !=
			    0 && at_or_below(cn->owner, ldns_rr_owner(rr))) {
				os = name_str(ldns_rr_owner(rr));
				errf(ld, cn->line, "name \"%s\" is at or below "
				    "the delegation at %s", label, os);
				free(os);
				break;
			}
		}
		z->nnames++;
	}
}

/* Returns -1 when the file cannot be read (the caller says where). */
static int
load_zone(struct loader *ld, const char *file, struct conf_zone *z)
{
	static const char *const keys[] = { "origin", "ttl", "soa", "ns",
	    "records", "checks", "regions", "pools", "names", NULL };
	config_t		 cfg;
	config_setting_t	*root, *s, *e;
	const char		*origin;
	ldns_rdf		*d;
	ldns_rr			*rr;
	long long		 ttl = 3600;
	int			 i, rv = 0;

	z->file = xstrdup(file);
	config_init(&cfg);
	if (config_read_file(&cfg, file) == CONFIG_FALSE) {
		if (config_error_type(&cfg) == CONFIG_ERR_FILE_IO)
			rv = -1;
		else
			errf(ld, config_error_line(&cfg), "%s",
			    config_error_text(&cfg));
		goto out;
	}
	root = config_root_setting(&cfg);
	check_keys(ld, root, "zone file", keys);
	if ((origin = get_string(ld, root, "origin", true)) == NULL)
		goto out;
	s = config_setting_get_member(root, "origin");
	if (origin[0] == '\0' || origin[strlen(origin) - 1] != '.' ||
	    (z->origin = ldns_dname_new_frm_str(origin)) == NULL) {
		errf(ld, line_of(s), "bad origin \"%s\": want an absolute "
		    "domain name ending in a dot", origin);
		goto out;
	}
	ldns_dname2canonical(z->origin);
	if (get_int(ld, root, "ttl", 0, TTL_MAX, &ttl) == 0)
		z->ttl = ttl;
	else
		z->ttl = 3600;
	if ((s = config_setting_get_member(root, "soa")) == NULL)
		errf(ld, 1, "missing \"soa\"");
	else
		load_soa(ld, s, z);
	if ((s = get_strings(ld, root, "ns", true)) != NULL) {
		for (i = 0; (e = config_setting_get_elem(s, i)) != NULL; i++) {
			d = parse_name(config_setting_get_string(e),
			    z->origin);
			if (d == NULL) {
				errf(ld, elem_line(e), "bad name \"%s\" in ns",
				    config_setting_get_string(e));
				continue;
			}
			rr = ldns_rr_new();
			ldns_rr_set_type(rr, LDNS_RR_TYPE_NS);
			ldns_rr_set_owner(rr, ldns_rdf_clone(z->origin));
			ldns_rr_set_ttl(rr, z->ttl);
			ldns_rr_set_class(rr, LDNS_RR_CLASS_IN);
			ldns_rr_push_rdf(rr, d);
			add_rr(z, rr, line_of(e));
		}
	}
	if ((s = get_strings(ld, root, "records", false)) != NULL)
		load_records(ld, s, z);
	check_zone_data(ld, z);
	if ((s = config_setting_get_member(root, "checks")) != NULL)
		load_checks(ld, s, z);
	if ((s = config_setting_get_member(root, "regions")) != NULL)
		load_regions(ld, s, z);
	if ((s = config_setting_get_member(root, "pools")) != NULL)
		load_pools(ld, s, z);
	if ((s = config_setting_get_member(root, "names")) != NULL)
		load_names(ld, s, z);
out:
	config_destroy(&cfg);
	return rv;
}

/* path relative to the directory of base, unless absolute. */
static char *
relative_to(const char *base, const char *path)
{
	const char	*slash;
	char		*out;
	int		 n;

	if (path[0] == '/' || (slash = strrchr(base, '/')) == NULL)
		return xstrdup(path);
	n = snprintf(NULL, 0, "%.*s/%s", (int)(slash - base), base, path);
	out = xmalloc(n + 1);
	snprintf(out, n + 1, "%.*s/%s", (int)(slash - base), base, path);
	return out;
}

int
conf_load(const char *path, struct conf **out, struct conf_errs *errs)
{
	static const char *const keys[] = { "server", "zones", NULL };
	struct loader		 ld = { .errs = errs, .file = path };
	config_t		 cfg;
	config_setting_t	*root, *s, *e;
	struct conf		*c;
	struct conf_zone	*z;
	char			*zpath, *a, *b;
	size_t			 j;
	int			 i, rv = -1;

	c = xcalloc(1, sizeof(*c));
	c->path = xstrdup(path);
	c->edns_payload = 1232;
	c->tcp_timeout = 10;
	c->tcp_clients = 512;
	c->control_mode = 0660;
	config_init(&cfg);
	if (config_read_file(&cfg, path) == CONFIG_FALSE) {
		if (config_error_type(&cfg) == CONFIG_ERR_FILE_IO)
			errf(&ld, 1, "cannot read config file: %s",
			    strerror(errno));
		else
			errf(&ld, config_error_line(&cfg), "%s",
			    config_error_text(&cfg));
		goto out;
	}
	root = config_root_setting(&cfg);
	check_keys(&ld, root, "the main file", keys);
	if ((s = config_setting_get_member(root, "server")) == NULL)
		errf(&ld, 1, "missing \"server\"");
	else
		load_server(&ld, s, c);
	if ((s = get_strings(&ld, root, "zones", true)) == NULL)
		goto out;
	c->zones = xcalloc(config_setting_length(s), sizeof(*c->zones));
	for (i = 0; (e = config_setting_get_elem(s, i)) != NULL; i++) {
		struct loader	 zl = { .errs = errs };

		zpath = relative_to(path, config_setting_get_string(e));
		z = &c->zones[c->nzones++];
		zl.file = zpath;
		if (load_zone(&zl, zpath, z) == -1)
			errf(&ld, elem_line(e), "cannot read zone file %s: %s",
			    zpath, strerror(errno));
		ld.nerr += zl.nerr;
		free(zpath);
		if (z->origin == NULL)
			continue;
		for (j = 0; j + 1 < c->nzones; j++) {
			if (c->zones[j].origin == NULL || ldns_dname_compare(
			    c->zones[j].origin, z->origin) != 0)
				continue;
			a = name_str(z->origin);
			b = c->zones[j].file;
			errf(&ld, elem_line(e), "duplicate zone %s (also in %s)",
			    a, b);
			free(a);
			break;
		}
	}
	if (ld.nerr == 0) {
		*out = c;
		c = NULL;
		rv = 0;
	}
out:
	if (ld.nerr == 0 && rv == -1)
		errf(&ld, 1, "configuration not loaded");
	conf_free(c);
	config_destroy(&cfg);
	return rv;
}

static void
zone_conf_free(struct conf_zone *z)
{
	struct conf_check	*ck;
	size_t			 i, j;

	for (i = 0; i < z->nchecks; i++) {
		ck = &z->checks[i];
		free(ck->name);
		free(ck->path);
		free(ck->host);
		free(ck->user_agent);
		free(ck->body);
		for (j = 0; j < ck->nheaders; j++)
			free(ck->headers[j]);
		free(ck->headers);
		free(ck->expect);
		free(ck->load_header);
		free(ck->sni);
		free(ck->qname);
		free(ck->command);
	}
	free(z->checks);
	for (i = 0; i < z->regions.nnames; i++)
		free(z->regions.names[i]);
	free(z->regions.names);
	free(z->regions.nets);
	for (i = 0; i < z->npools; i++) {
		free(z->pools[i].name);
		free(z->pools[i].members);
	}
	free(z->pools);
	for (i = 0; i < z->nnames; i++) {
		ldns_rdf_deep_free(z->names[i].owner);
		for (j = 0; j < z->names[i].nfallback; j++)
			ldns_rr_free(z->names[i].fallback[j]);
		free(z->names[i].fallback);
		ldns_rdf_deep_free(z->names[i].fallback_cname);
	}
	free(z->names);
}

void
conf_free(struct conf *c)
{
	size_t	 i, j;

	if (c == NULL)
		return;
	for (i = 0; i < c->nlisten; i++)
		free(c->listen[i].text);
	free(c->listen);
	free(c->control);
	free(c->metrics.text);
	free(c->state_file);
	free(c->pid_file);
	free(c->user);
	free(c->group);
	free(c->log);
	free(c->log_level);
	for (i = 0; i < c->nzones; i++) {
		for (j = 0; j < c->zones[i].nrrs; j++)
			ldns_rr_free(c->zones[i].rrs[j].rr);
		free(c->zones[i].rrs);
		zone_conf_free(&c->zones[i]);
		ldns_rdf_deep_free(c->zones[i].origin);
		free(c->zones[i].file);
	}
	free(c->zones);
	free(c->path);
	free(c);
}

/* Two strings, either of which may be NULL, are equal. */
static bool
str_same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL &&
	    strcmp(a, b) == 0);
}

bool
conf_check_same(const struct conf_check *a, const struct conf_check *b)
{
	size_t	 i;

	if (a == NULL || b == NULL)
		return a == b;
	if (a->type != b->type || a->port != b->port || a->rise != b->rise ||
	    a->fall != b->fall || a->interval != b->interval ||
	    a->timeout != b->timeout || a->verify != b->verify ||
	    a->jitter != b->jitter || a->initial_up != b->initial_up ||
	    a->qtype != b->qtype || a->rcode != b->rcode ||
	    a->load_body != b->load_body || a->nexpect != b->nexpect ||
	    a->nheaders != b->nheaders)
		return false;
	if (!str_same(a->path, b->path) || !str_same(a->host, b->host) ||
	    !str_same(a->body, b->body) || !str_same(a->sni, b->sni) ||
	    !str_same(a->qname, b->qname) || !str_same(a->command,
	    b->command) || !str_same(a->load_header, b->load_header) ||
	    !str_same(a->user_agent, b->user_agent))
		return false;
	for (i = 0; i < a->nexpect; i++)
		if (a->expect[i] != b->expect[i])
			return false;
	for (i = 0; i < a->nheaders; i++)
		if (strcmp(a->headers[i], b->headers[i]) != 0)
			return false;
	return true;
}
