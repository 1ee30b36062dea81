/* conf_zfile.c -- records_file: a zone's records from an RFC 1035 master
 * file, with $ORIGIN, $TTL and $INCLUDE */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>
#include <libconfig.h>

#include "conf.h"
#include "conf_load.h"
#include "util.h"

#define TTL_MAX		2147483647
/* Files open at once: the records_file and the $INCLUDEs below it. */
#define ZFILE_DEPTH	16

struct zread {
	struct loader		*ld;
	struct conf_zone	*z;
	char			*open[ZFILE_DEPTH];	/* real paths, for
							   loops */
	int			 depth;
	size_t			 soa;		/* the files' first, in z->rrs;
						   SIZE_MAX: none yet */
	char			 buf[LDNS_MAX_LINELEN + 1];
	char			 text[LDNS_MAX_LINELEN + 1];	/* buf as
							   written */
};

/* The state a file is read in: what $INCLUDE hands on and gets back. */
struct zstate {
	const char	*path;		/* borrowed: a z->srcs entry */
	ldns_rdf	*origin;	/* owned */
	ldns_rdf	*prev;		/* the last owner; owned, NULL: none */
	uint32_t	 ttl;
};

static void	 read_file(struct zread *, const char *path, ldns_rdf *origin,
		    uint32_t ttl, const char *from, int line);

/*
 * Skip blank and comment lines: the next entry then starts at *line.
 * Leading blanks of an entry stay (they mean "the previous owner").
 */
static bool
skip_blank(FILE *fp, int *line)
{
	long	 at;
	int	 c;

	for (;;) {
		if ((at = ftell(fp)) == -1)
			return false;
		while ((c = getc(fp)) == ' ' || c == '\t' || c == '\r')
			;
		if (c == ';')
			while ((c = getc(fp)) != EOF && c != '\n')
				;
		if (c == EOF)
			return false;
		if (c != '\n')
			return fseek(fp, at, SEEK_SET) == 0;
		(*line)++;
	}
}

/* The next blank-separated word of *sp (a "quoted" one unquoted), or NULL. */
static char *
word(char **sp)
{
	char	*p = *sp, *w;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0')
		return NULL;
	if (*p == '"') {
		w = ++p;
		while (*p != '\0' && *p != '"')
			p++;
	} else {
		w = p;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
	}
	if (*p != '\0')
		*p++ = '\0';
	*sp = p;
	return w;
}

/* $ORIGIN, $TTL or $INCLUDE, at line of st->path; text is ours to cut. */
static void
directive(struct zread *r, struct zstate *st, char *text, int line)
{
	struct loader	*ld = r->ld;
	const char	*end;
	char		*p = text, *d, *a, *b, *path;
	ldns_rdf	*o;
	uint32_t	 v;

	d = word(&p);
	a = word(&p);
	b = a != NULL ? word(&p) : NULL;
	if (strcmp(d, "$ORIGIN") == 0 || strcmp(d, "$TTL") == 0) {
		if (a == NULL || b != NULL) {
			conf_errf_at(ld, st->path, line, "%s takes one "
			    "argument", d);
			return;
		}
	} else if (strcmp(d, "$INCLUDE") == 0) {
		if (a == NULL || word(&p) != NULL) {
			conf_errf_at(ld, st->path, line, "$INCLUDE takes a "
			    "file and, if you like, an origin");
			return;
		}
	} else {
		conf_errf_at(ld, st->path, line, "%s: not a directive of RFC "
		    "1035 ($ORIGIN, $INCLUDE, $TTL)", d);
		return;
	}
	if (d[1] == 'T') {
		v = ldns_str2period(a, &end);
		if (*end != '\0' || end == a || v > TTL_MAX) {
			conf_errf_at(ld, st->path, line, "bad $TTL \"%s\": want "
			    "seconds (or 1h, 2d, ...) up to 2147483647", a);
			return;
		}
		st->ttl = v;
		return;
	}
	/* The origin, of $ORIGIN and of $INCLUDE, may be relative to ours. */
	o = NULL;
	if ((d[1] == 'O' || b != NULL) &&
	    (o = conf_parse_name(d[1] == 'O' ? a : b, st->origin)) == NULL) {
		conf_errf_at(ld, st->path, line, "%s: bad name \"%s\"", d,
		    d[1] == 'O' ? a : b);
		return;
	}
	if (d[1] == 'O') {
		ldns_rdf_deep_free(st->origin);
		st->origin = o;
		return;
	}
	/* RFC 1035 5.1: an include never changes the including file's state. */
	path = conf_relative_to(st->path, a);
	read_file(r, path, o != NULL ? o : ldns_rdf_clone(st->origin),
	    st->ttl, st->path, line);
	free(path);
}

/* A record parsed at line of st->path: the checks every record passes. */
static void
take(struct zread *r, struct zstate *st, ldns_rr *rr, const char *text,
    int line)
{
	struct conf_zone	*z = r->z;
	uint32_t		 min;
	char			*s, at[512];

	if (!conf_zone_rr_ok(r->ld, z, rr, st->path, line, text)) {
		ldns_rr_free(rr);
		return;
	}
	if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA) {
		s = conf_name_str(z->origin);
		if (ldns_dname_compare(ldns_rr_owner(rr), z->origin) != 0)
			conf_errf_at(r->ld, st->path, line, "record \"%s\": "
			    "an SOA record belongs at the apex %s", text, s);
		else if (r->soa != SIZE_MAX)
			conf_errf_at(r->ld, st->path, line, "a second SOA "
			    "record (the first at %s): a zone has one",
			    conf_rr_where(&z->rrs[r->soa], st->path, at,
			    sizeof(at)));
		free(s);
		if (ldns_dname_compare(ldns_rr_owner(rr), z->origin) != 0 ||
		    r->soa != SIZE_MAX) {
			ldns_rr_free(rr);
			return;
		}
		/* RFC 2308 5: the lesser of the SOA's TTL and minimum. */
		min = ldns_rdf2native_int32(ldns_rr_rdf(rr, 6));
		z->neg_ttl = min < ldns_rr_ttl(rr) ? min : ldns_rr_ttl(rr);
	}
	if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA)
		r->soa = z->nrrs;
	conf_zone_add_rr(z, rr, st->path, line);
}

/* The entry for messages: blanks outside quotes squeezed to one space. */
static void
squeeze(char *s)
{
	char	*start = s, *o = s;
	bool	 quoted = false, gap = false;

	for (; *s != '\0'; s++) {
		if (!quoted && isspace((unsigned char)*s)) {
			gap = true;
			continue;
		}
		if (gap && o != start)
			*o++ = ' ';
		gap = false;
		if (*s == '"' && (o == start || o[-1] != '\\'))
			quoted = !quoted;
		*o++ = *s;
	}
	*o = '\0';
}

/* Is the text from p to end a class (IN, CH, CLASS3, ...)? */
static bool
is_class(const char *p, const char *end)
{
	char	 t[16];

	if (end - p >= (long)sizeof(t))
		return false;
	memcpy(t, p, end - p);
	t[end - p] = '\0';
	return ldns_get_rr_class_by_name(t) != 0;
}

/* The next word of an entry from *p: its start; *p is then its end. */
static char *
token(char **p)
{
	char	*w;

	while (**p == ' ' || **p == '\t')
		(*p)++;
	w = *p;
	while (**p != '\0' && **p != ' ' && **p != '\t')
		(*p)++;
	return w;
}

/*
 * RFC 1035 5.1 lets the class come before the TTL ("www IN 300 A ..."),
 * which ldns does not read: put the TTL first.  Says whether the entry
 * gives a TTL, which ldns cannot tell when the default is 0.
 */
bool
conf_zfile_ttl_first(char *e)
{
	char	*p = e, *a, *ae, *b, *be, tmp[64];
	size_t	 la, lb;

	if (*p != ' ' && *p != '\t')
		(void)token(&p);	/* the owner */
	a = token(&p);
	ae = p;
	b = token(&p);
	be = p;
	if (isdigit((unsigned char)*a))
		return true;
	if (!is_class(a, ae) || !isdigit((unsigned char)*b))
		return false;
	la = ae - a;
	lb = be - b;
	if (la + lb + 1 >= sizeof(tmp))
		return true;	/* not a TTL and a class: ldns will say */
	snprintf(tmp, sizeof(tmp), "%.*s %.*s", (int)lb, b, (int)la, a);
	memset(a, ' ', be - a);
	memcpy(a, tmp, la + lb + 1);
	return true;
}

/*
 * What is wrong with the entry in fp from start to end that ldns would not
 * say, or NULL: it takes an entry cut off by the end of the file as whole,
 * and text after a NUL byte as not there.
 */
static const char *
unsound(FILE *fp, long start, long end)
{
	bool	 quoted = false, comment = false;
	int	 c, depth = 0, prev = 0;
	long	 n;

	if (fseek(fp, start, SEEK_SET) != 0)
		return "cannot seek in the file";
	for (n = start; n < end && (c = getc(fp)) != EOF; n++, prev = c) {
		if (c == '\0')
			return "a NUL byte";
		if (comment)
			comment = c != '\n';
		else if (c == '"' && prev != '\\')
			quoted = !quoted;
		else if (quoted)
			continue;
		else if (c == ';')
			comment = true;
		else if (c == '(')
			depth++;
		else if (c == ')' && --depth < 0)
			break;
	}
	if (fseek(fp, end, SEEK_SET) != 0)
		return "cannot seek in the file";
	return depth == 0 && !quoted ? NULL : "unbalanced parentheses or quotes";
}

static void
read_entries(struct zread *r, struct zstate *st, FILE *fp)
{
	ldns_rr		*rr;
	ldns_status	 rs;
	ssize_t		 n;
	const char	*why;
	long		 start;
	int		 line = 1, next;
	bool		 ttl;
	char		*p;

	while (skip_blank(fp, &line)) {
		next = line;
		start = ftell(fp);
		/* One entry: parentheses joined, comments dropped. */
		n = ldns_fget_token_l(fp, r->buf, LDNS_PARSE_SKIP_SPACE,
		    LDNS_MAX_LINELEN, &next);
		if (n < 0) {
			conf_errf_at(r->ld, st->path, line, "an entry longer "
			    "than %d bytes, or unbalanced parentheses",
			    LDNS_MAX_LINELEN);
			return;
		}
		if ((why = unsound(fp, start, ftell(fp))) != NULL) {
			conf_errf_at(r->ld, st->path, line, "%s", why);
			return;
		}
		p = r->buf;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '$' && p == r->buf)
			directive(r, st, p, line);
		else if (*p != '\0') {
			rr = NULL;
			memcpy(r->text, p, strlen(p) + 1);
			squeeze(r->text);
			ttl = conf_zfile_ttl_first(r->buf);
			rs = ldns_rr_new_frm_str(&rr, r->buf, st->ttl,
			    st->origin, &st->prev);
			if (rs != LDNS_STATUS_OK)
				conf_errf_at(r->ld, st->path, line, "bad record "
				    "\"%s\": %s", r->text,
				    ldns_get_errorstr_by_id(rs));
			else {
				/* ldns reads a default of 0 as "none". */
				if (!ttl)
					ldns_rr_set_ttl(rr, st->ttl);
				take(r, st, rr, r->text, line);
			}
		}
		line = next;
	}
}

/*
 * Read path, included at from:line (the zone file's records_file key, or
 * an $INCLUDE), with origin (now ours) and ttl as its starting state.
 */
static void
read_file(struct zread *r, const char *path, ldns_rdf *origin, uint32_t ttl,
    const char *from, int line)
{
	struct conf_zone	*z = r->z;
	struct zstate		 st;
	struct stat		 sb;
	FILE			*fp;
	char			*real;
	int			 i;

	if ((fp = fopen(path, "r")) == NULL) {
		conf_errf_at(r->ld, from, line, "cannot read master file %s: "
		    "%s", path, strerror(errno));
		ldns_rdf_deep_free(origin);
		return;
	}
	if (fstat(fileno(fp), &sb) == -1 || !S_ISREG(sb.st_mode)) {
		conf_errf_at(r->ld, from, line, "master file %s is not a "
		    "regular file", path);
		fclose(fp);
		ldns_rdf_deep_free(origin);
		return;
	}
	if ((real = realpath(path, NULL)) == NULL)
		real = xstrdup(path);
	for (i = 0; i < r->depth; i++)
		if (strcmp(r->open[i], real) == 0)
			break;
	if (i < r->depth || r->depth == ZFILE_DEPTH) {
		if (i < r->depth)
			conf_errf_at(r->ld, from, line, "$INCLUDE %s: an "
			    "include loop (the file is being read)", path);
		else
			conf_errf_at(r->ld, from, line, "$INCLUDE %s: more "
			    "than %d files deep", path, ZFILE_DEPTH);
		free(real);
		fclose(fp);
		ldns_rdf_deep_free(origin);
		return;
	}
	r->open[r->depth++] = real;
	z->srcs = xreallocarray(z->srcs, z->nsrcs + 1, sizeof(*z->srcs));
	z->srcs[z->nsrcs] = xstrdup(path);
	st.path = z->srcs[z->nsrcs++];
	st.origin = origin;
	st.prev = NULL;
	st.ttl = ttl;
	read_entries(r, &st, fp);
	if (ferror(fp))
		conf_errf_at(r->ld, st.path, 1, "cannot read master file: %s",
		    strerror(errno));
	fclose(fp);
	ldns_rdf_deep_free(st.origin);
	ldns_rdf_deep_free(st.prev);
	free(r->open[--r->depth]);
}

void
conf_zfile_read(struct loader *ld, struct conf_zone *z, const char *path,
    int line)
{
	struct zread	*r;

	r = xcalloc(1, sizeof(*r));
	r->ld = ld;
	r->z = z;
	r->soa = SIZE_MAX;
	read_file(r, path, ldns_rdf_clone(z->origin), z->ttl, ld->file, line);
	free(r);
}
