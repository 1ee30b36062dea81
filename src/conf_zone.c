/* conf_zone.c -- a zone file: origin, SOA, NS and static records */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>
#include <ldns/ldns.h>

#include "conf.h"
#include "conf_load.h"
#include "conf_schema.h"
#include "util.h"

#define TTL_MAX		2147483647
#define MAX_LABELS	128

static void
add_rr(struct conf_zone *z, ldns_rr *rr, int line)
{
	/* Room doubles at 4, 8, 16, ... records. */
	if (z->nrrs >= 4 ? (z->nrrs & (z->nrrs - 1)) == 0 : z->nrrs == 0)
		z->rrs = xreallocarray(z->rrs, z->nrrs ? z->nrrs * 2 : 4,
		    sizeof(*z->rrs));
	z->rrs[z->nrrs].rr = rr;
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
		conf_errf(ld, conf_line(config_setting_get_member(g, "mname")),
		    "bad name \"%s\" in soa mname", soa.mname);
	if (soa.rname != NULL && (r = conf_parse_name(soa.rname, z->origin)) ==
	    NULL)
		conf_errf(ld, conf_line(config_setting_get_member(g, "rname")),
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
	add_rr(z, rr, conf_line(g));
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
		add_rr(z, rr, conf_line(e));
	}
}

/* ------------------------------------------------------------ records */

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
	char			*s;
	int			 i, line;

	(void)k;
	(void)arg;
	if (z->origin == NULL || conf_get_strs(ld, list, false) == NULL)
		return;
	for (i = 0; (e = config_setting_get_elem(list, i)) != NULL; i++) {
		text = config_setting_get_string(e);
		line = conf_elem_line(ld, e);
		rr = NULL;
		st = ldns_rr_new_frm_str(&rr, text, z->ttl, z->origin, &prev);
		if (st != LDNS_STATUS_OK) {
			conf_errf(ld, line, "bad record \"%s\": %s", text,
			    ldns_get_errorstr_by_id(st));
			continue;
		}
		if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN) {
			conf_errf(ld, line, "record \"%s\": only class IN is "
			    "served", text);
			ldns_rr_free(rr);
			continue;
		}
		if (!conf_at_or_below(ldns_rr_owner(rr), z->origin)) {
			s = conf_name_str(z->origin);
			conf_errf(ld, line, "record \"%s\" is outside the zone "
			    "%s", text, s);
			free(s);
			ldns_rr_free(rr);
			continue;
		}
		switch (ldns_rr_get_type(rr)) {
		case LDNS_RR_TYPE_SOA:
			conf_errf(ld, line, "SOA in records: use the \"soa\" "
			    "group");
			ldns_rr_free(rr);
			continue;
		case LDNS_RR_TYPE_OPT:
		case LDNS_RR_TYPE_TSIG:
		case LDNS_RR_TYPE_AXFR:
		case LDNS_RR_TYPE_IXFR:
		case LDNS_RR_TYPE_ANY:
			conf_errf(ld, line, "record \"%s\": not a data type",
			    text);
			ldns_rr_free(rr);
			continue;
		default:
			break;
		}
		add_rr(z, rr, line);
	}
	ldns_rdf_deep_free(prev);
}

/* -------------------------------------------------------------- index */

struct sort_ctx {
	const struct conf_zone	*z;
};

static int
by_owner(const void *a, const void *b, void *arg)
{
	const struct conf_zone	*z = ((struct sort_ctx *)arg)->z;
	size_t			 i = *(const size_t *)a, j = *(const size_t *)b;
	int			 c;

	c = ldns_dname_compare(ldns_rr_owner(z->rrs[i].rr),
	    ldns_rr_owner(z->rrs[j].rr));
	if (c != 0)
		return c;
	return i < j ? -1 : i > j;
}

void
conf_zindex_build(const struct conf_zone *z, struct conf_zindex *x)
{
	struct sort_ctx	 sc = { z };
	size_t		 i;

	memset(x, 0, sizeof(*x));
	x->n = z->nrrs;
	x->by_owner = xcalloc(z->nrrs + 1, sizeof(size_t));
	for (i = 0; i < z->nrrs; i++)
		x->by_owner[i] = i;
	qsort_r(x->by_owner, x->n, sizeof(size_t), by_owner, &sc);
	/* One NS of each delegation point, in owner order. */
	x->cuts = xcalloc(z->nrrs + 1, sizeof(size_t));
	for (i = 0; i < x->n; i++) {
		const ldns_rr	*rr = z->rrs[x->by_owner[i]].rr;

		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_NS ||
		    ldns_dname_compare(ldns_rr_owner(rr), z->origin) == 0)
			continue;
		if (x->ncuts > 0 && ldns_dname_compare(ldns_rr_owner(rr),
		    ldns_rr_owner(z->rrs[x->cuts[x->ncuts - 1]].rr)) == 0)
			continue;
		x->cuts[x->ncuts++] = x->by_owner[i];
	}
}

void
conf_zindex_free(struct conf_zindex *x)
{
	free(x->by_owner);
	free(x->cuts);
	memset(x, 0, sizeof(*x));
}

size_t
conf_zindex_owned(const struct conf_zindex *x, const struct conf_zone *z,
    const ldns_rdf *name, size_t *first)
{
	size_t	 lo = 0, hi = x->n, mid, end;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ldns_dname_compare(ldns_rr_owner(z->rrs[x->by_owner[mid]]
		    .rr), name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < x->n && ldns_dname_compare(ldns_rr_owner(
	    z->rrs[x->by_owner[end]].rr), name) == 0; end++)
		;
	*first = lo;
	return end - lo;
}

/* The index in z->rrs of the NS of cut name, or SIZE_MAX. */
static size_t
cut_find(const struct conf_zindex *x, const struct conf_zone *z,
    const ldns_rdf *name)
{
	size_t	 lo = 0, hi = x->ncuts, mid;
	int	 c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = ldns_dname_compare(ldns_rr_owner(z->rrs[x->cuts[mid]].rr),
		    name);
		if (c == 0)
			return x->cuts[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return SIZE_MAX;
}

/*
 * The delegation points at or above name, as indices of the first NS of
 * each in z->rrs, in zone order; returns how many (at most max).
 */
static size_t
cuts_above(const struct conf_zindex *x, const struct conf_zone *z,
    const ldns_rdf *name, size_t *out, size_t max)
{
	ldns_rdf	*d, *up;
	size_t		 n = 0, c, i, j, first, k;

	if (x->ncuts == 0)
		return 0;
	d = ldns_rdf_clone(name);
	while (n < max && ldns_dname_label_count(d) > ldns_dname_label_count(
	    z->origin)) {
		if ((c = cut_find(x, z, d)) != SIZE_MAX) {
			/* The NS of this cut that the zone lists first. */
			conf_zindex_owned(x, z, d, &first);
			for (k = first; k < x->n; k++)
				if (ldns_rr_get_type(z->rrs[x->by_owner[k]]
				    .rr) == LDNS_RR_TYPE_NS)
					break;
			out[n++] = k < x->n ? x->by_owner[k] : c;
		}
		up = ldns_dname_left_chop(d);
		ldns_rdf_deep_free(d);
		if ((d = up) == NULL)
			break;
	}
	ldns_rdf_deep_free(d);
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
    const ldns_rdf *name, int *line)
{
	size_t	 c[MAX_LABELS];

	if (cuts_above(x, z, name, c, MAX_LABELS) == 0)
		return NULL;
	*line = z->rrs[c[0]].line;
	return ldns_rr_owner(z->rrs[c[0]].rr);
}

/*
 * Checks that need the whole zone: CNAME beside other data, records below
 * a zone cut that are not glue, data at a cut other than NS, DS and glue.
 */
static void
check_zone_data(struct loader *ld, const struct conf_zone *z,
    const struct conf_zindex *x)
{
	size_t		 i, j, k, first, n, nc, c[MAX_LABELS];
	const ldns_rr	*a, *b;
	ldns_rr_type	 ta, tb;
	char		*s, *t;

	for (i = 0; i < z->nrrs; i++) {
		a = z->rrs[i].rr;
		ta = ldns_rr_get_type(a);
		if (ta != LDNS_RR_TYPE_CNAME)
			continue;
		if (ldns_dname_compare(ldns_rr_owner(a), z->origin) == 0) {
			conf_errf(ld, z->rrs[i].line, "CNAME at the zone apex is "
			    "not allowed");
			continue;
		}
		/* The others at the owner, in the order of the zone. */
		n = conf_zindex_owned(x, z, ldns_rr_owner(a), &first);
		for (k = first; k < first + n; k++) {
			j = x->by_owner[k];
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
				conf_errf(ld, z->rrs[i].line, "more than one "
				    "CNAME at %s", s);
			else {
				t = ldns_rr_type2str(tb);
				conf_errf(ld, z->rrs[i].line, "CNAME at %s beside "
				    "other data (%s, line %d)", s, t,
				    z->rrs[j].line);
				free(t);
			}
			free(s);
			break;
		}
	}
	/* What lies at or below each delegation point. */
	for (i = 0; x->ncuts > 0 && i < z->nrrs; i++) {
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
				conf_errf(ld, z->rrs[i].line, "delegation below "
				    "the delegation at %s", s);
			else
				conf_errf(ld, z->rrs[i].line, "%s record at or "
				    "below the delegation at %s: only glue "
				    "(A, AAAA) is allowed there", t, s);
			free(s);
			free(t);
			break;
		}
	}
}

/* ---------------------------------------------------------- the file */

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
	{ "soa", CONF_CUSTOM, .parse = parse_soa, .flags = CONF_REQUIRED,
	    .doc = "the SOA record" },
	{ "ns", CONF_CUSTOM, .parse = parse_ns, .flags = CONF_REQUIRED,
	    .doc = "the apex NS records" },
	{ "records", CONF_CUSTOM, .parse = parse_records,
	    .doc = "static records in presentation format" },
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
	if ((s = config_setting_get_member(root, "origin")) == NULL) {
		conf_errf(ld, conf_line(root), "missing \"origin\"");
		goto out;
	}
	conf_section_read(ld, root, zone_keys, z, "", NULL);
	if (z->origin == NULL)
		goto out;
	conf_zindex_build(z, &x);
	check_zone_data(ld, z, &x);
	if ((s = config_setting_get_member(root, "checks")) != NULL)
		conf_load_checks(ld, s, z);
	if ((s = config_setting_get_member(root, "regions")) != NULL)
		conf_load_regions(ld, s, z);
	if ((s = config_setting_get_member(root, "pools")) != NULL)
		conf_load_pools(ld, s, z);
	if ((s = config_setting_get_member(root, "names")) != NULL)
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
	ldns_rdf_deep_free(z->origin);
	free(z->file);
}
