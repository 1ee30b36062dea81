/* conf_zone.c -- a zone file: origin, SOA, NS and static records */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>
#include <ldns/ldns.h>

#include "conf.h"
#include "conf_load.h"
#include "conf_schema.h"
#include "geo.h"
#include "util.h"

#define TTL_MAX		2147483647
#define MAX_LABELS	128

void
conf_zone_add_rr(struct conf_zone *z, ldns_rr *rr, const char *file, int line)
{
	/* Room doubles at 4, 8, 16, ... records. */
	if (z->nrrs >= 4 ? (z->nrrs & (z->nrrs - 1)) == 0 : z->nrrs == 0)
		z->rrs = xreallocarray(z->rrs, z->nrrs ? z->nrrs * 2 : 4,
		    sizeof(*z->rrs));
	z->rrs[z->nrrs].rr = rr;
	z->rrs[z->nrrs].file = file;
	z->rrs[z->nrrs].line = line;
	z->nrrs++;
}

/* ---------------------------------------------------------------- SOA */

struct soa {
	char		*mname, *rname;
	uint32_t	 serial, refresh, retry, expire, minimum;
};

#define S(field)	CONF_FIELD(struct soa, field)

static const struct conf_key soa_keys[] = {
	{ "mname", CONF_STR, S(mname), .flags = CONF_REQUIRED,
	    .doc = "the primary name server" },
	{ "rname", CONF_STR, S(rname), .flags = CONF_REQUIRED,
	    .doc = "the mailbox of the person responsible" },
	{ "serial", CONF_UINT, S(serial), .min = 0, .max = 4294967295.0,
	    .def = 1, .doc = "the serial number" },
	{ "refresh", CONF_UINT, S(refresh), .min = 0, .max = TTL_MAX,
	    .def = 3600, .doc = "seconds between secondaries' checks" },
	{ "retry", CONF_UINT, S(retry), .min = 0, .max = TTL_MAX, .def = 900,
	    .doc = "seconds before a failed check is retried" },
	{ "expire", CONF_UINT, S(expire), .min = 0, .max = TTL_MAX,
	    .def = 604800, .doc = "seconds a secondary serves unrefreshed" },
	{ "minimum", CONF_UINT, S(minimum), .min = 0, .max = TTL_MAX,
	    .def = 60, .doc = "the TTL of negative answers (RFC 2308)" },
	{ NULL }
};

const struct conf_section conf_soa_section = {
	"soa", soa_keys, "ZONE FILES"
};

static void
parse_soa(struct loader *ld, const config_setting_t *g,
    const struct conf_key *k, void *obj, void *arg)
{
	static const struct conf_key *const tables[] = { soa_keys, NULL };
	struct conf_zone	*z = obj;
	struct soa		 soa;
	ldns_rdf		*m = NULL, *r = NULL;
	ldns_rr			*rr;
	int			 nerr = ld->nerr;

	(void)k;
	(void)arg;
	if (z->origin == NULL)
		return;
	if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
		conf_errf(ld, conf_line(g), "\"soa\" must be a group, not %s",
		    conf_type_name(config_setting_type(g)));
		return;
	}
	memset(&soa, 0, sizeof(soa));
	conf_section_defaults(soa_keys, &soa);
	conf_section_unknown(ld, g, "soa", tables);
	conf_section_read(ld, g, soa_keys, &soa, "", NULL);
	if (soa.mname != NULL && (m = conf_parse_name(soa.mname, z->origin)) ==
	    NULL)
		conf_errf(ld, conf_line(conf_member(g, "mname")),
		    "bad name \"%s\" in soa mname", soa.mname);
	if (soa.rname != NULL && (r = conf_parse_name(soa.rname, z->origin)) ==
	    NULL)
		conf_errf(ld, conf_line(conf_member(g, "rname")),
		    "bad name \"%s\" in soa rname", soa.rname);
	if (m == NULL || r == NULL || ld->nerr != nerr) {
		ldns_rdf_deep_free(m);
		ldns_rdf_deep_free(r);
		conf_section_free(soa_keys, &soa);
		return;
	}
	rr = ldns_rr_new();
	ldns_rr_set_type(rr, LDNS_RR_TYPE_SOA);
	ldns_rr_set_owner(rr, ldns_rdf_clone(z->origin));
	ldns_rr_set_ttl(rr, z->ttl);
	ldns_rr_set_class(rr, LDNS_RR_CLASS_IN);
	ldns_rr_push_rdf(rr, m);
	ldns_rr_push_rdf(rr, r);
	ldns_rr_push_rdf(rr, ldns_native2rdf_int32(LDNS_RDF_TYPE_INT32,
	    soa.serial));
	ldns_rr_push_rdf(rr, ldns_native2rdf_int32(LDNS_RDF_TYPE_PERIOD,
	    soa.refresh));
	ldns_rr_push_rdf(rr, ldns_native2rdf_int32(LDNS_RDF_TYPE_PERIOD,
	    soa.retry));
	ldns_rr_push_rdf(rr, ldns_native2rdf_int32(LDNS_RDF_TYPE_PERIOD,
	    soa.expire));
	ldns_rr_push_rdf(rr, ldns_native2rdf_int32(LDNS_RDF_TYPE_PERIOD,
	    soa.minimum));
	z->neg_ttl = soa.minimum < z->ttl ? soa.minimum : z->ttl;
	conf_zone_add_rr(z, rr, z->file, conf_line(g));
	conf_section_free(soa_keys, &soa);
}

/* ------------------------------------------------------ origin, NS, TTL */

static void
parse_origin(struct loader *ld, const config_setting_t *s,
    const struct conf_key *k, void *obj, void *arg)
{
	struct conf_zone	*z = obj;
	const char		*origin;

	(void)k;
	(void)arg;
	if ((origin = conf_get_str(ld, s)) == NULL)
		return;
	if (origin[0] == '\0' || origin[strlen(origin) - 1] != '.' ||
	    (z->origin = ldns_dname_new_frm_str(origin)) == NULL) {
		conf_errf(ld, conf_line(s), "bad origin \"%s\": want an absolute "
		    "domain name ending in a dot", origin);
		return;
	}
	ldns_dname2canonical(z->origin);
}

static void
parse_ns(struct loader *ld, const config_setting_t *s,
    const struct conf_key *k, void *obj, void *arg)
{
	struct conf_zone	*z = obj;
	config_setting_t	*e;
	ldns_rdf		*d;
	ldns_rr			*rr;
	int			 i;

	(void)k;
	(void)arg;
	if (z->origin == NULL || conf_get_strs(ld, s, true) == NULL)
		return;
	for (i = 0; (e = config_setting_get_elem(s, i)) != NULL; i++) {
		d = conf_parse_name(config_setting_get_string(e), z->origin);
		if (d == NULL) {
			conf_errf(ld, conf_elem_line(ld, e), "bad name \"%s\" in "
			    "ns", config_setting_get_string(e));
			continue;
		}
		rr = ldns_rr_new();
		ldns_rr_set_type(rr, LDNS_RR_TYPE_NS);
		ldns_rr_set_owner(rr, ldns_rdf_clone(z->origin));
		ldns_rr_set_ttl(rr, z->ttl);
		ldns_rr_set_class(rr, LDNS_RR_CLASS_IN);
		ldns_rr_push_rdf(rr, d);
		conf_zone_add_rr(z, rr, z->file, conf_line(e));
	}
}

/* ------------------------------------------------------------ records */

bool
conf_zone_rr_ok(struct loader *ld, const struct conf_zone *z,
    const ldns_rr *rr, const char *file, int line, const char *text)
{
	ldns_rr_type	 t = ldns_rr_get_type(rr);
	const char	*why = NULL;
	char		*s;

	if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN)
		why = "only class IN is served";
	else if (ldns_rr_ttl(rr) > TTL_MAX)
		why = "a TTL over 2147483647 is read as 0 (RFC 2181 8)";
	else if (t == LDNS_RR_TYPE_RRSIG || t == LDNS_RR_TYPE_NSEC ||
	    t == LDNS_RR_TYPE_NSEC3 || t == LDNS_RR_TYPE_NSEC3PARAM ||
	    t == LDNS_RR_TYPE_SIG || t == LDNS_RR_TYPE_NXT)
		why = "DNSSEC records are not served: steerdns does not sign";
	/* RFC 6895 3.1: 128-255 are query and meta types; OPT is meta. */
	else if (t == LDNS_RR_TYPE_OPT || (t >= 128 && t <= 255))
		why = "not a data type";
	else if (t == 0 || t == 65535)
		why = "a reserved type (RFC 6895 3.1)";
	else if (t == LDNS_RR_TYPE_DS && ldns_dname_compare(
	    ldns_rr_owner(rr), z->origin) == 0)
		why = "a DS record at the apex belongs in the parent zone "
		    "(RFC 4034 5)";
	if (why != NULL) {
		conf_errf_at(ld, file, line, "record \"%s\": %s", text, why);
		return false;
	}
	if (!conf_at_or_below(ldns_rr_owner(rr), z->origin)) {
		s = conf_name_str(z->origin);
		conf_errf_at(ld, file, line, "record \"%s\" is outside the "
		    "zone %s", text, s);
		free(s);
		return false;
	}
	return true;
}

static void
parse_records(struct loader *ld, const config_setting_t *list,
    const struct conf_key *k, void *obj, void *arg)
{
	struct conf_zone	*z = obj;
	config_setting_t	*e;
	const char		*text;
	ldns_rdf		*prev = NULL;
	ldns_rr			*rr;
	ldns_status		 st;
	char			*t;
	int			 i, line;
	bool			 ttl;

	(void)k;
	(void)arg;
	if (z->origin == NULL || conf_get_strs(ld, list, false) == NULL)
		return;
	for (i = 0; (e = config_setting_get_elem(list, i)) != NULL; i++) {
		text = config_setting_get_string(e);
		line = conf_elem_line(ld, e);
		rr = NULL;
		t = xstrdup(text);
		ttl = conf_zfile_ttl_first(t);
		st = ldns_rr_new_frm_str(&rr, t, z->ttl, z->origin, &prev);
		free(t);
		/* ldns reads a default of 0 as "none" and gives 3600. */
		if (st == LDNS_STATUS_OK && !ttl)
			ldns_rr_set_ttl(rr, z->ttl);
		if (st != LDNS_STATUS_OK) {
			conf_errf(ld, line, "bad record \"%s\": %s", text,
			    ldns_get_errorstr_by_id(st));
			continue;
		}
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA) {
			conf_errf(ld, line, "SOA in records: use the \"soa\" "
			    "group");
			ldns_rr_free(rr);
			continue;
		}
		if (!conf_zone_rr_ok(ld, z, rr, z->file, line, text)) {
			ldns_rr_free(rr);
			continue;
		}
		conf_zone_add_rr(z, rr, z->file, line);
	}
	ldns_rdf_deep_free(prev);
}

/* -------------------------------------------------------------- index */

/* FNV-1a of a wire name (or its suffix), folded to lower case. */
static uint64_t
wire_hash(const uint8_t *p, size_t n)
{
	uint64_t	 h = 0xcbf29ce484222325ULL;
	size_t		 i;

	for (i = 0; i < n; i++)
		h = (h ^ (uint8_t)tolower(p[i])) * 0x100000001b3ULL;
	return h ^ (h >> 31);
}

static bool
wire_same(const uint8_t *a, const uint8_t *b, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (tolower(a[i]) != tolower(b[i]))
			return false;
	return true;
}

/* The owner entry of the wire name p[0..n), or a free one; never full. */
static struct conf_zowner *
owner_slot(const struct conf_zindex *x, const struct conf_zone *z,
    const uint8_t *p, size_t n, uint64_t h)
{
	struct conf_zowner	*o;
	const ldns_rdf		*d;
	size_t			 i;

	for (i = h & x->mask;; i = (i + 1) & x->mask) {
		o = &x->owners[i];
		if (o->first == SIZE_MAX)
			return o;
		d = ldns_rr_owner(z->rrs[o->first].rr);
		if (o->hash == h && ldns_rdf_size(d) == n &&
		    wire_same(ldns_rdf_data(d), p, n))
			return o;
	}
}

void
conf_zindex_build(const struct conf_zone *z, struct conf_zindex *x)
{
	struct conf_zowner	*o;
	const ldns_rdf		*d;
	const ldns_rr		*rr;
	size_t			 i, size;
	uint64_t		 h;

	memset(x, 0, sizeof(*x));
	for (size = 16; size < z->nrrs * 2; size *= 2)
		;
	x->owners = xcalloc(size, sizeof(*x->owners));
	x->mask = size - 1;
	for (i = 0; i < size; i++)
		x->owners[i].first = SIZE_MAX;
	x->next = xcalloc(z->nrrs + 1, sizeof(size_t));
	for (i = 0; i < z->nrrs; i++) {
		rr = z->rrs[i].rr;
		d = ldns_rr_owner(rr);
		h = wire_hash(ldns_rdf_data(d), ldns_rdf_size(d));
		o = owner_slot(x, z, ldns_rdf_data(d), ldns_rdf_size(d), h);
		x->next[i] = SIZE_MAX;
		if (o->first == SIZE_MAX) {
			o->hash = h;
			o->first = o->last = i;
			o->ns = SIZE_MAX;
		} else {
			x->next[o->last] = i;
			o->last = i;
		}
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_NS && o->ns ==
		    SIZE_MAX && ldns_dname_compare(d, z->origin) != 0) {
			o->ns = i;
			x->cuts = true;
		}
	}
}

void
conf_zindex_free(struct conf_zindex *x)
{
	free(x->owners);
	free(x->next);
	conf_index_free(&x->pools);
	memset(x, 0, sizeof(*x));
}

static const struct conf_zowner *
owner_of(const struct conf_zindex *x, const struct conf_zone *z,
    const ldns_rdf *name)
{
	const uint8_t	*p = ldns_rdf_data(name);
	size_t		 n = ldns_rdf_size(name);

	return owner_slot(x, z, p, n, wire_hash(p, n));
}

size_t
conf_zindex_owned(const struct conf_zindex *x, const struct conf_zone *z,
    const ldns_rdf *name)
{
	return owner_of(x, z, name)->first;
}

/*
 * The delegation points at or above name, as indices of the first NS of
 * each in z->rrs, in zone order; returns how many (at most max).
 */
static size_t
cuts_above(const struct conf_zindex *x, const struct conf_zone *z,
    const ldns_rdf *name, size_t *out, size_t max)
{
	const struct conf_zowner	*o;
	const uint8_t			*p = ldns_rdf_data(name);
	size_t				 len = ldns_rdf_size(name), at = 0;
	size_t				 olen = ldns_rdf_size(z->origin), n = 0;
	size_t				 i, j, c;

	if (!x->cuts)
		return 0;
	/* Each suffix of the name below the apex, from the name itself. */
	while (at < len && len - at > olen && n < max) {
		o = owner_slot(x, z, p + at, len - at, wire_hash(p + at,
		    len - at));
		if (o->first != SIZE_MAX && o->ns != SIZE_MAX)
			out[n++] = o->ns;
		at += p[at] + 1;
	}
	/* In the order the zone gives them. */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && out[j - 1] > out[j]; j--) {
			c = out[j];
			out[j] = out[j - 1];
			out[j - 1] = c;
		}
	return n;
}

const ldns_rdf *
conf_zindex_cut(const struct conf_zindex *x, const struct conf_zone *z,
    const ldns_rdf *name, const struct conf_rr **at)
{
	size_t	 c[MAX_LABELS];

	if (cuts_above(x, z, name, c, MAX_LABELS) == 0)
		return NULL;
	*at = &z->rrs[c[0]];
	return ldns_rr_owner(z->rrs[c[0]].rr);
}

/*
 * Checks that need the whole zone: CNAME beside other data, records below
 * a zone cut that are not glue, data at a cut other than NS, DS and glue,
 * DS anywhere but at a cut.
 */
static void
check_zone_data(struct loader *ld, const struct conf_zone *z,
    const struct conf_zindex *x)
{
	const struct conf_rr	*r;
	size_t		 i, j, nc, c[MAX_LABELS];
	const ldns_rr	*a, *b;
	ldns_rr_type	 ta, tb;
	char		*s, *t, at[512];

	for (i = 0; i < z->nrrs; i++) {
		r = &z->rrs[i];
		a = r->rr;
		ta = ldns_rr_get_type(a);
		if (ta == LDNS_RR_TYPE_DS && ldns_dname_compare(
		    ldns_rr_owner(a), z->origin) != 0 &&
		    owner_of(x, z, ldns_rr_owner(a))->ns == SIZE_MAX) {
			s = conf_name_str(ldns_rr_owner(a));
			conf_errf_at(ld, r->file, r->line, "DS record at %s, "
			    "which is not a delegation: a DS belongs beside the "
			    "NS of a zone cut (RFC 4034 5)", s);
			free(s);
		}
		if (ta != LDNS_RR_TYPE_CNAME)
			continue;
		if (ldns_dname_compare(ldns_rr_owner(a), z->origin) == 0) {
			conf_errf_at(ld, r->file, r->line, "CNAME at the zone "
			    "apex is not allowed");
			continue;
		}
		/* The others at the owner, in the order of the zone. */
		for (j = conf_zindex_owned(x, z, ldns_rr_owner(a)); j !=
		    SIZE_MAX; j = x->next[j]) {
			if (j == i)
				continue;
			b = z->rrs[j].rr;
			tb = ldns_rr_get_type(b);
			if (tb == LDNS_RR_TYPE_CNAME && j < i &&
			    ldns_rr_compare(a, b) == 0)
				break;	/* a duplicate, reported once */
			if (tb == LDNS_RR_TYPE_CNAME && j > i)
				continue;
			s = conf_name_str(ldns_rr_owner(a));
			if (tb == LDNS_RR_TYPE_CNAME)
				conf_errf_at(ld, r->file, r->line, "more than "
				    "one CNAME at %s", s);
			else {
				t = ldns_rr_type2str(tb);
				conf_errf_at(ld, r->file, r->line, "CNAME at %s "
				    "beside other data (%s, %s)", s, t,
				    conf_rr_where(&z->rrs[j], r->file, at,
				    sizeof(at)));
				free(t);
			}
			free(s);
			break;
		}
	}
	/* What lies at or below each delegation point. */
	for (i = 0; x->cuts && i < z->nrrs; i++) {
		b = z->rrs[i].rr;
		tb = ldns_rr_get_type(b);
		nc = cuts_above(x, z, ldns_rr_owner(b), c, MAX_LABELS);
		for (j = 0; j < nc; j++) {
			const ldns_rdf	*cut = ldns_rr_owner(z->rrs[c[j]].rr);

			if (tb == LDNS_RR_TYPE_A || tb == LDNS_RR_TYPE_AAAA)
				break;
			if (ldns_dname_compare(ldns_rr_owner(b), cut) == 0 &&
			    (tb == LDNS_RR_TYPE_NS || tb == LDNS_RR_TYPE_DS))
				continue;	/* a deeper cut may hold it */
			s = conf_name_str(cut);
			t = ldns_rr_type2str(tb);
			if (tb == LDNS_RR_TYPE_NS)
				conf_errf_at(ld, z->rrs[i].file, z->rrs[i].line,
				    "delegation below the delegation at %s", s);
			else
				conf_errf_at(ld, z->rrs[i].file, z->rrs[i].line,
				    "%s record at or below the delegation at %s: "
				    "only glue (A, AAAA) is allowed there", t, s);
			free(s);
			free(t);
			break;
		}
	}
}

/* ---------------------------------------------------------- the file */

static void
parse_records_file(struct loader *ld, const config_setting_t *s,
    const struct conf_key *k, void *obj, void *arg)
{
	struct conf_zone	*z = obj;
	const char		*name;
	char			*path;

	(void)k;
	(void)arg;
	if (z->origin == NULL || (name = conf_get_str(ld, s)) == NULL)
		return;
	if (name[0] == '\0') {
		conf_errf(ld, conf_line(s), "\"records_file\" must not be "
		    "empty");
		return;
	}
	path = conf_relative_to(z->file, name);
	conf_zfile_read(ld, z, path, conf_line(s));
	free(path);
}

/*
 * The SOA and the apex NS come from the keys or from the master file,
 * from exactly one of them; says what is missing or given twice.
 */
static void
check_soa_ns(struct loader *ld, const config_setting_t *root,
    const struct conf_zone *z)
{
	static const char *const what[] = { "soa", "ns" };
	const config_setting_t	*key, *file;
	const struct conf_rr	*fr;
	ldns_rr_type		 t;
	size_t			 i, w;
	char			 at[512];

	file = conf_member(root, "records_file");
	for (w = 0; w < 2; w++) {
		t = w == 0 ? LDNS_RR_TYPE_SOA : LDNS_RR_TYPE_NS;
		key = conf_member(root, what[w]);
		fr = NULL;
		for (i = 0; i < z->nrrs && fr == NULL; i++)
			if (ldns_rr_get_type(z->rrs[i].rr) == t &&
			    z->rrs[i].file != z->file && ldns_dname_compare(
			    ldns_rr_owner(z->rrs[i].rr), z->origin) == 0)
				fr = &z->rrs[i];
		if (key == NULL && fr == NULL && file == NULL)
			conf_errf(ld, conf_line(root), "missing \"%s\"",
			    what[w]);
		else if (key == NULL && fr == NULL)
			conf_errf(ld, conf_line(root), "missing \"%s\", and "
			    "records_file has no %s at the apex", what[w],
			    w == 0 ? "SOA" : "NS");
		else if (key != NULL && fr != NULL)
			conf_errf(ld, conf_line(key), "\"%s\" given here and "
			    "%s %s at %s: give one of them", what[w],
			    w == 0 ? "an SOA" : "the apex NS", w == 0 ?
			    "record" : "records", conf_rr_where(fr, ld->file,
			    at, sizeof(at)));
	}
}

/* Sections that need the zone's data; read after it. */
static void
parse_later(struct loader *ld, const config_setting_t *s,
    const struct conf_key *k, void *obj, void *arg)
{
	(void)ld;
	(void)s;
	(void)k;
	(void)obj;
	(void)arg;
}

#define Z(field)	CONF_FIELD(struct conf_zone, field)

static const struct conf_key zone_keys[] = {
	{ "origin", CONF_CUSTOM, .parse = parse_origin,
	    .flags = CONF_REQUIRED, .doc = "the zone's name" },
	{ "ttl", CONF_UINT, Z(ttl), .min = 0, .max = TTL_MAX, .def = 3600,
	    .doc = "the TTL of records that give none" },
	/* Required unless records_file has them: check_soa_ns(). */
	{ "soa", CONF_CUSTOM, .parse = parse_soa,
	    .doc = "the SOA record" },
	{ "ns", CONF_CUSTOM, .parse = parse_ns,
	    .doc = "the apex NS records" },
	{ "records", CONF_CUSTOM, .parse = parse_records,
	    .doc = "static records in presentation format" },
	{ "records_file", CONF_CUSTOM, .parse = parse_records_file,
	    .doc = "a master file (RFC 1035) of static records" },
	{ "checks", CONF_CUSTOM, .parse = parse_later,
	    .doc = "health check definitions" },
	{ "regions", CONF_CUSTOM, .parse = parse_later,
	    .doc = "client subnets by region" },
	{ "pools", CONF_CUSTOM, .parse = parse_later,
	    .doc = "pools of backends" },
	{ "names", CONF_CUSTOM, .parse = parse_later,
	    .doc = "managed names" },
	{ NULL }
};

const struct conf_section conf_zone_section = {
	"zone file", zone_keys, "ZONE FILES"
};

int
conf_load_zone(struct loader *ld, const char *file, struct conf_zone *z)
{
	static const struct conf_key *const tables[] = { zone_keys, NULL };
	struct conf_zindex	 x;
	config_t		 cfg;
	config_setting_t	*root, *s;
	int			 rv = 0;

	z->file = xstrdup(file);
	config_init(&cfg);
	util_include_dir(&cfg, file);
	if (conf_read_ok(ld) == -1)
		goto out;
	if (config_read_file(&cfg, file) == CONFIG_FALSE) {
		if (config_error_type(&cfg) == CONFIG_ERR_FILE_IO)
			rv = -1;
		else
			conf_errf(ld, config_error_line(&cfg), "%s",
			    config_error_text(&cfg));
		goto out;
	}
	root = config_root_setting(&cfg);
	conf_section_unknown(ld, root, "zone file", tables);
	conf_section_defaults(zone_keys, z);
	/* Nothing else means anything without an origin. */
	if ((s = conf_member(root, "origin")) == NULL) {
		conf_errf(ld, conf_line(root), "missing \"origin\"");
		goto out;
	}
	conf_section_read(ld, root, zone_keys, z, "", NULL);
	if (z->origin == NULL)
		goto out;
	check_soa_ns(ld, root, z);
	conf_zindex_build(z, &x);
	check_zone_data(ld, z, &x);
	conf_zone_special(ld, z, &x);
	if ((s = conf_member(root, "checks")) != NULL)
		conf_load_checks(ld, s, z);
	if ((s = conf_member(root, "regions")) != NULL)
		conf_load_regions(ld, s, z);
	if ((s = conf_member(root, "pools")) != NULL)
		conf_load_pools(ld, s, z, &x.pools);
	if ((s = conf_member(root, "names")) != NULL)
		conf_load_names(ld, s, z, &x);
	conf_zindex_free(&x);
out:
	config_destroy(&cfg);
	return rv;
}

void
conf_zone_free(struct conf_zone *z)
{
	size_t	 i, j;

	for (i = 0; i < z->nrrs; i++)
		ldns_rr_free(z->rrs[i].rr);
	free(z->rrs);
	for (i = 0; i < z->nchecks; i++)
		conf_check_free(&z->checks[i]);
	free(z->checks);
	for (i = 0; i < z->regions.nnames; i++)
		free(z->regions.names[i]);
	free(z->regions.names);
	free(z->regions.nets);
	geo_map_free(z->regions.geo);
	free(z->geosel);
	for (i = 0; i < z->npools; i++) {
		free(z->pools[i].name);
		for (j = 0; j < z->pools[i].nmembers; j++)
			ldns_rdf_deep_free(z->pools[i].members[j].target);
		free(z->pools[i].members);
	}
	free(z->pools);
	for (i = 0; i < z->nnames; i++) {
		ldns_rdf_deep_free(z->names[i].owner);
		for (j = 0; j < z->names[i].nfallback; j++)
			ldns_rr_free(z->names[i].fallback[j]);
		free(z->names[i].fallback);
		ldns_rdf_deep_free(z->names[i].fallback_cname);
		free(z->names[i].steps);
		for (j = 0; z->names[i].order != NULL &&
		    j < z->regions.nnames; j++)
			free(z->names[i].order[j]);
		free(z->names[i].order);
	}
	free(z->names);
	ldns_rdf_deep_free(z->origin);
	for (i = 0; i < z->nsrcs; i++)
		free(z->srcs[i]);
	free(z->srcs);
	free(z->file);
}
