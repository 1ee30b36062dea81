/* conf_pool.c -- a zone's "regions" and "pools" with their members */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <arpa/inet.h>

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "check.h"
#include "conf.h"
#include "conf_load.h"
#include "conf_schema.h"
#include "health.h"
#include "lb.h"
#include "util.h"

/* Prefix e of region i: into r->nets. */
static void
add_net(struct loader *ld, struct lb_regions *r, size_t i,
    const config_setting_t *e)
{
	struct lb_net	*n;
	char		 buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	const char	*t = config_setting_get_string(e);
	unsigned long	 pl;
	unsigned	 max, k;

	r->nets = xreallocarray(r->nets, r->nnets + 1, sizeof(*r->nets));
	n = &r->nets[r->nnets];
	memset(n, 0, sizeof(*n));
	if (strlen(t) >= sizeof(buf) ||
	    (slash = strchr(strcpy(buf, t), '/')) == NULL) {
		conf_errf(ld, conf_elem_line(ld, e), "region \"%s\": bad "
		    "prefix \"%s\": want ADDRESS/LENGTH", r->names[i], t);
		return;
	}
	*slash = '\0';
	n->family = util_parse_addr(buf, n->addr);
	max = n->family == 4 ? 32 : 128;
	pl = strtoul(slash + 1, &end, 10);
	if (n->family == 0 || !isdigit((unsigned char)slash[1]) ||
	    *end != '\0' || pl > max) {
		conf_errf(ld, conf_elem_line(ld, e), "region \"%s\": bad "
		    "prefix \"%s\": want ADDRESS/LENGTH", r->names[i], t);
		return;
	}
	n->prefix = pl;
	for (k = pl; k < max; k++)
		if (n->addr[k / 8] & (0x80 >> (k % 8)))
			break;
	if (k < max) {
		conf_errf(ld, conf_elem_line(ld, e), "region \"%s\": prefix "
		    "\"%s\" has bits set past /%lu", r->names[i], t, pl);
		return;
	}
	for (k = 0; k < r->nnets; k++)
		if (r->nets[k].family == n->family &&
		    r->nets[k].prefix == n->prefix &&
		    memcmp(r->nets[k].addr, n->addr, 16) == 0)
			break;
	if (k < r->nnets && r->nets[k].region == i) {
		conf_errf(ld, conf_elem_line(ld, e), "region \"%s\": prefix "
		    "\"%s\" given twice", r->names[i], t);
		return;
	}
	if (k < r->nnets) {
		conf_errf(ld, conf_elem_line(ld, e), "prefix \"%s\" is in "
		    "two regions, \"%s\" and \"%s\"", t,
		    r->names[r->nets[k].region], r->names[i]);
		return;
	}
	n->region = i;
	r->nnets++;
}

/* The prefixes of region i: an array of strings, not empty. */
static void
add_nets(struct loader *ld, struct lb_regions *r, size_t i,
    const config_setting_t *c, bool empty_ok)
{
	const config_setting_t	*e;
	int			 j;

	if (config_setting_length(c) == 0 && !empty_ok) {
		conf_errf(ld, conf_line(c), "region \"%s\" is empty",
		    r->names[i]);
		return;
	}
	if (conf_get_strs(ld, c, !empty_ok) == NULL)
		return;
	for (j = 0; (e = config_setting_get_elem(c, j)) != NULL; j++)
		add_net(ld, r, i, e);
}

/* ------------------------------------------------- regions as groups */

static const char *const geo_kind_names[] = {
	"ASN", "subdivision", "country", "continent"
};

static void
parse_by_hand(struct loader *ld, const config_setting_t *s,
    const struct conf_key *k, void *obj, void *arg)
{
	(void)ld;
	(void)s;
	(void)k;
	(void)obj;
	(void)arg;
}

/* The group form's lists, as read; only the schema needs the struct. */
struct region_spec {
	char	**continents, **countries, **subdivisions;
	size_t	 ncontinents, ncountries, nsubdivisions;
};

#define RS(field)	CONF_FIELD(struct region_spec, field)

static const struct conf_key region_keys[] = {
	{ "continents", CONF_STRS, RS(continents),
	    .noff = offsetof(struct region_spec, ncontinents),
	    .example = "[ \"EU\" ]",
	    .doc = "continent codes of the database: AF, AN, AS, EU, NA, ..." },
	{ "countries", CONF_STRS, RS(countries),
	    .noff = offsetof(struct region_spec, ncountries),
	    .example = "[ \"TR\" ]", .doc = "ISO 3166-1 country codes" },
	{ "subdivisions", CONF_STRS, RS(subdivisions),
	    .noff = offsetof(struct region_spec, nsubdivisions),
	    .example = "[ \"DE-BY\" ]",
	    .doc = "ISO 3166-2 codes: country, '-', subdivision" },
	{ "asns", CONF_CUSTOM, .parse = parse_by_hand,
	    .example = "[ 64500 ]", .doc = "autonomous system numbers" },
	{ "nets", CONF_CUSTOM, .parse = parse_by_hand,
	    .example = "[ \"192.0.2.0/24\" ]",
	    .doc = "prefixes, which win over the database" },
	{ NULL }
};

const struct conf_section conf_region_section = {
	"a region", region_keys, "REGIONS"
};

/* Is code a well-formed key of its kind?  Upper-cased in place. */
static bool
good_code(enum conf_geo_kind kind, char *code)
{
	size_t	 i, n = strlen(code);

	for (i = 0; i < n; i++)
		code[i] = toupper((unsigned char)code[i]);
	if (kind == CONF_GEO_SUBDIVISION)
		return n >= 4 && n <= 6 && isalpha((unsigned char)code[0]) &&
		    isalpha((unsigned char)code[1]) && code[2] == '-' &&
		    strspn(code + 3, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") ==
		    n - 3;
	return n == 2 && isalpha((unsigned char)code[0]) &&
	    isalpha((unsigned char)code[1]);
}

/* One database key of region i; the same key twice is an error. */
static void
add_sel(struct loader *ld, struct conf_zone *z, size_t i,
    enum conf_geo_kind kind, const char *code, uint32_t asn, int line)
{
	struct conf_geosel	*g;
	size_t			 k;
	char			 what[32];

	z->geosel = xreallocarray(z->geosel, z->ngeosel + 1,
	    sizeof(*z->geosel));
	g = &z->geosel[z->ngeosel];
	memset(g, 0, sizeof(*g));
	g->kind = kind;
	g->asn = asn;
	g->region = i;
	g->line = line;
	if (kind == CONF_GEO_ASN)
		snprintf(what, sizeof(what), "%" PRIu32, asn);
	else {
		snprintf(g->code, sizeof(g->code), "%s", code);
		if (strlen(code) >= sizeof(g->code) ||
		    !good_code(kind, g->code)) {
			conf_errf(ld, line, "region \"%s\": bad %s code "
			    "\"%s\"%s", z->regions.names[i],
			    geo_kind_names[kind], code, kind ==
			    CONF_GEO_SUBDIVISION ? ": want COUNTRY-CODE, as "
			    "\"DE-BY\"" : ": want two letters");
			return;
		}
		snprintf(what, sizeof(what), "\"%s\"", g->code);
	}
	for (k = 0; k < z->ngeosel; k++) {
		if (z->geosel[k].kind != kind || z->geosel[k].asn != asn ||
		    strcmp(z->geosel[k].code, g->code) != 0)
			continue;
		if (z->geosel[k].region == i)
			conf_errf(ld, line, "region \"%s\": %s %s given twice",
			    z->regions.names[i], geo_kind_names[kind], what);
		else
			conf_errf(ld, line, "%s %s is in two regions, \"%s\" "
			    "and \"%s\"", geo_kind_names[kind], what,
			    z->regions.names[z->geosel[k].region],
			    z->regions.names[i]);
		return;
	}
	z->ngeosel++;
}

static void
add_codes(struct loader *ld, struct conf_zone *z, size_t i,
    const config_setting_t *g, const char *key, enum conf_geo_kind kind)
{
	const config_setting_t	*s, *e;
	int			 j;

	if ((s = conf_member(g, key)) == NULL)
		return;
	for (j = 0; (e = config_setting_get_elem(s, j)) != NULL; j++)
		if (config_setting_type(e) == CONFIG_TYPE_STRING)
			add_sel(ld, z, i, kind, config_setting_get_string(e),
			    0, conf_elem_line(ld, e));
}

static void
add_asns(struct loader *ld, struct conf_zone *z, size_t i,
    const config_setting_t *s)
{
	const config_setting_t	*e;
	long long		 v;
	int			 j, t = config_setting_type(s);

	if ((t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST) ||
	    config_setting_length(s) == 0) {
		conf_errf(ld, conf_line(s), "region \"%s\": \"asns\" must be "
		    "an array of numbers", z->regions.names[i]);
		return;
	}
	for (j = 0; (e = config_setting_get_elem(s, j)) != NULL; j++) {
		t = config_setting_type(e);
		v = t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64 ?
		    conf_literal_int(ld, e, config_setting_get_int64(e),
		    false) : -1;
		if (v < 1 || v > UINT32_MAX) {
			conf_errf(ld, conf_line(e), "region \"%s\": bad AS "
			    "number: want 1..4294967295", z->regions.names[i]);
			continue;
		}
		add_sel(ld, z, i, CONF_GEO_ASN, NULL, v, conf_line(e));
	}
}

/* Region i in the group form: database keys and prefixes. */
static void
load_region_group(struct loader *ld, struct conf_zone *z, size_t i,
    const config_setting_t *c)
{
	static const struct conf_key *const tables[] = { region_keys, NULL };
	struct region_spec	 rs;
	const config_setting_t	*s;
	char			 ctx[96];
	size_t			 before = z->ngeosel, nets = z->regions.nnets;

	memset(&rs, 0, sizeof(rs));
	conf_section_unknown(ld, c, "a region", tables);
	snprintf(ctx, sizeof(ctx), "region \"%s\": ", z->regions.names[i]);
	conf_section_read(ld, c, region_keys, &rs, ctx, NULL);
	add_codes(ld, z, i, c, "continents", CONF_GEO_CONTINENT);
	add_codes(ld, z, i, c, "countries", CONF_GEO_COUNTRY);
	add_codes(ld, z, i, c, "subdivisions", CONF_GEO_SUBDIVISION);
	if ((s = conf_member(c, "asns")) != NULL)
		add_asns(ld, z, i, s);
	if ((s = conf_member(c, "nets")) != NULL) {
		if (config_setting_type(s) != CONFIG_TYPE_ARRAY &&
		    config_setting_type(s) != CONFIG_TYPE_LIST)
			conf_errf(ld, conf_line(s), "region \"%s\": \"nets\" "
			    "must be an array of prefixes, not %s",
			    z->regions.names[i],
			    conf_type_name(config_setting_type(s)));
		else
			add_nets(ld, &z->regions, i, s, true);
	}
	if (config_setting_length(c) == 0 || (z->ngeosel == before &&
	    z->regions.nnets == nets && ld->nerr == 0))
		conf_errf(ld, conf_line(c), "region \"%s\" is empty",
		    z->regions.names[i]);
	conf_section_free(region_keys, &rs);
}

void
conf_load_regions(struct loader *ld, const config_setting_t *g,
    struct conf_zone *z)
{
	struct lb_regions	*r = &z->regions;
	config_setting_t	*c;
	const char		*t;
	int			 i;

	if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
		conf_errf(ld, conf_line(g), "\"regions\" must be a group, not %s",
		    conf_type_name(config_setting_type(g)));
		return;
	}
	r->names = xcalloc(config_setting_length(g), sizeof(char *));
	for (i = 0; (c = config_setting_get_elem(g, i)) != NULL; i++) {
		r->names[r->nnames++] = xstrdup(config_setting_name(c));
		t = config_setting_name(c);
		if (strcmp(t, "any") == 0) {
			conf_errf(ld, conf_line(c), "region \"any\": the name "
			    "means every member in a fallback_order");
			continue;
		}
		if (config_setting_type(c) == CONFIG_TYPE_GROUP) {
			load_region_group(ld, z, i, c);
			continue;
		}
		if (config_setting_type(c) != CONFIG_TYPE_ARRAY &&
		    config_setting_type(c) != CONFIG_TYPE_LIST) {
			conf_errf(ld, conf_line(c), "region \"%s\" must be an array "
			    "of prefixes or a group, not %s", t,
			    conf_type_name(config_setting_type(c)));
			continue;
		}
		add_nets(ld, r, i, c, false);
	}
	lb_regions_prepare(r);
}

/* ------------------------------------------------------------ members */

/* A member as read: where its pool is, for the messages. */
struct member_ctx {
	const struct conf_zone	*z;
	const struct conf_pool	*cp;
};

static void
parse_address(struct loader *ld, const config_setting_t *s,
    const struct conf_key *k, void *obj, void *arg)
{
	struct conf_member		*cm = obj;
	const struct member_ctx		*mc = arg;
	const char			*t;
	size_t				 i;

	(void)k;
	if ((t = conf_get_str(ld, s)) == NULL)
		return;
	if ((cm->family = util_parse_addr(t, cm->addr)) == 0) {
		conf_errf(ld, conf_line(s), "pool \"%s\": bad address \"%s\"",
		    mc->cp->name, t);
		return;
	}
	for (i = 0; i < mc->cp->nmembers; i++)
		if (mc->cp->members[i].family == cm->family &&
		    memcmp(mc->cp->members[i].addr, cm->addr, 16) == 0) {
			conf_errf(ld, cm->line, "pool \"%s\": duplicate member %s",
			    mc->cp->name, t);
			cm->family = 0;
			return;
		}
}

/* A name member: the CNAME target it is answered as. */
static void
parse_name(struct loader *ld, const config_setting_t *s,
    const struct conf_key *k, void *obj, void *arg)
{
	struct conf_member		*cm = obj;
	const struct member_ctx		*mc = arg;
	const char			*t;
	char				*o;
	size_t				 i;

	(void)k;
	if ((t = conf_get_str(ld, s)) == NULL)
		return;
	if ((cm->target = conf_parse_name(t, mc->z->origin)) == NULL) {
		conf_errf(ld, conf_line(s), "pool \"%s\": bad name \"%s\"",
		    mc->cp->name, t);
		return;
	}
	/*
	 * A target inside the zone would have to be followed in the answer
	 * (RFC 1034 4.3.2 step 3.a); the pool's own members do that better.
	 */
	if (ldns_dname_compare(cm->target, mc->z->origin) == 0 ||
	    ldns_dname_is_subdomain(cm->target, mc->z->origin)) {
		o = conf_name_str(mc->z->origin);
		conf_errf(ld, conf_line(s), "pool \"%s\": name \"%s\" is "
		    "inside the zone %s: a name member is a CNAME target "
		    "outside it; give the addresses as members instead",
		    mc->cp->name, t, o);
		free(o);
		goto bad;
	}
	for (i = 0; i < mc->cp->nmembers; i++)
		if (mc->cp->members[i].target != NULL &&
		    ldns_dname_compare(mc->cp->members[i].target,
		    cm->target) == 0) {
			conf_errf(ld, cm->line, "pool \"%s\": duplicate member "
			    "%s", mc->cp->name, t);
			goto bad;
		}
	return;
bad:
	ldns_rdf_deep_free(cm->target);
	cm->target = NULL;
}

static void
parse_region(struct loader *ld, const config_setting_t *s,
    const struct conf_key *k, void *obj, void *arg)
{
	struct conf_member		*cm = obj;
	const struct member_ctx		*mc = arg;
	const struct lb_regions		*r = &mc->z->regions;
	const char			*t;
	size_t				 i;

	(void)k;
	if ((t = conf_get_str(ld, s)) == NULL)
		return;
	for (i = 0; i < r->nnames; i++)
		if (strcmp(r->names[i], t) == 0) {
			cm->region = i;
			return;
		}
	conf_errf(ld, conf_line(s), "pool \"%s\": region \"%s\" not found",
	    mc->cp->name, t);
}

static void
parse_check_address(struct loader *ld, const config_setting_t *s,
    const struct conf_key *k, void *obj, void *arg)
{
	struct conf_member		*cm = obj;
	const struct member_ctx		*mc = arg;
	const char			*t;

	(void)k;
	if ((t = conf_get_str(ld, s)) == NULL)
		return;
	if ((cm->check_family = util_parse_addr(t, cm->check_addr)) == 0)
		conf_errf(ld, conf_line(s), "pool \"%s\": bad check_address "
		    "\"%s\"", mc->cp->name, t);
}

static const char *const admin_names[] = { "none", "up", "down", "drain",
    NULL };

#define M(field)	CONF_FIELD(struct conf_member, field)

static const struct conf_key member_keys[] = {
	{ "address", CONF_CUSTOM, .parse = parse_address,
	    .doc = "the address answered; or name" },
	{ "name", CONF_CUSTOM, .parse = parse_name,
	    .doc = "the CNAME target answered (a pool of names)" },
	{ "weight", CONF_UINT, M(weight), .min = 0, .max = LB_WEIGHT_MAX,
	    .def = 1, .doc = "share; 0: only when no other is usable" },
	{ "priority", CONF_UINT, M(priority), .min = 1, .max = 255, .def = 1,
	    .doc = "failover tier, lower first" },
	{ "region", CONF_CUSTOM, .parse = parse_region,
	    .doc = "the member's region" },
	{ "check_address", CONF_CUSTOM, .parse = parse_check_address,
	    .doc = "the address probed instead" },
	{ "check_port", CONF_UINT, M(check_port), .min = 1, .max = 65535,
	    .doc = "the port probed instead" },
	{ "admin", CONF_ENUM, M(admin), .names = admin_names,
	    .doc = "the state an operator gives it at start" },
	{ NULL }
};

const struct conf_section conf_member_section = {
	"a pool member", member_keys, "POOLS"
};

static void
load_member(struct loader *ld, const config_setting_t *m,
    const struct conf_zone *z, struct conf_pool *cp)
{
	static const struct conf_key *const tables[] = { member_keys, NULL };
	struct member_ctx	 mc = { z, cp };
	struct conf_member	*cm = &cp->members[cp->nmembers];
	const struct conf_check	*ck = cp->check >= 0 ? &z->checks[cp->check] :
				    NULL;
	const config_setting_t	*s;
	char			 ctx[128];
	bool			 naddr, nname;

	memset(cm, 0, sizeof(*cm));
	cm->line = conf_line(m);
	cm->region = LB_NO_REGION;
	conf_section_defaults(member_keys, cm);
	if (config_setting_type(m) != CONFIG_TYPE_GROUP) {
		conf_errf(ld, cm->line, "pool \"%s\": a member must be a group "
		    "{ address = ...; } or { name = ...; }", cp->name);
		return;
	}
	conf_section_unknown(ld, m, "a pool member", tables);
	snprintf(ctx, sizeof(ctx), "pool \"%s\": ", cp->name);
	naddr = conf_member(m, "address") != NULL;
	nname = conf_member(m, "name") != NULL;
	if (naddr == nname) {
		conf_errf(ld, cm->line, "pool \"%s\": a member needs "
		    "\"address\" or \"name\"%s", cp->name, naddr ?
		    ", not both" : "");
		return;
	}
	/* The first member decides; the others must follow it. */
	if (cp->nmembers == 0)
		cp->names = nname;
	else if (cp->names != nname) {
		conf_errf(ld, cm->line, "pool \"%s\": a pool is either "
		    "addresses or names: this member is %s, the first %s",
		    cp->name, nname ? "a name" : "an address", cp->names ?
		    "a name" : "an address");
		return;
	}
	conf_section_read(ld, m, member_keys, cm, ctx, &mc);
	/* A name has no address to probe but the one given for it. */
	if (nname && cp->check >= 0 && cm->check_family == 0 &&
	    conf_member(m, "check_address") == NULL)
		conf_errf(ld, cm->line, "pool \"%s\": a name member of a pool "
		    "with a check needs \"check_address\", the address its "
		    "check probes", cp->name);
	/* Nothing probes a pool without a check: where would be ignored. */
	if (cp->check < 0 && (s = conf_member(m,
	    "check_address")) != NULL)
		conf_errf(ld, conf_line(s), "pool \"%s\": \"check_address\" but "
		    "the pool has no \"check\"", cp->name);
	if (cp->check < 0 && (s = conf_member(m,
	    "check_port")) != NULL)
		conf_errf(ld, conf_line(s), "pool \"%s\": \"check_port\" but "
		    "the pool has no \"check\"", cp->name);
	if (ck != NULL && ck->kind != NULL && ck->kind->needs_port &&
	    cm->check_port == 0 && ck->port == 0)
		conf_errf(ld, cm->line, "pool \"%s\": check \"%s\" has no port "
		    "and the member no check_port", cp->name, ck->name);
	/* A member without a good address is not one: later ones skip it. */
	if (cm->family != 0 || cm->target != NULL)
		cp->nmembers++;
}

/* -------------------------------------------------------------- pools */

static void
parse_pool_check(struct loader *ld, const config_setting_t *s,
    const struct conf_key *k, void *obj, void *arg)
{
	struct conf_pool		*cp = obj;
	const struct conf_zone		*z = arg;
	const char			*t;
	size_t				 i;

	(void)k;
	if ((t = conf_get_str(ld, s)) == NULL)
		return;
	for (i = 0; i < z->nchecks; i++)
		if (strcmp(z->checks[i].name, t) == 0) {
			cp->check = i;
			return;
		}
	conf_errf(ld, conf_line(s), "pool \"%s\": check \"%s\" not found",
	    cp->name, t);
}

static void
parse_members(struct loader *ld, const config_setting_t *l,
    const struct conf_key *k, void *obj, void *arg)
{
	struct conf_pool		*cp = obj;
	const struct conf_zone		*z = arg;
	config_setting_t		*m;
	int				 j;

	(void)k;
	if (config_setting_type(l) != CONFIG_TYPE_LIST) {
		conf_errf(ld, conf_line(l), "pool \"%s\": \"members\" must be a "
		    "list ( { address = ...; }, ... )", cp->name);
		return;
	}
	if (config_setting_length(l) == 0) {
		conf_errf(ld, conf_line(l), "pool \"%s\" is empty", cp->name);
		return;
	}
	if (config_setting_length(l) > LB_MAX_MEMBERS) {
		conf_errf(ld, conf_line(l), "pool \"%s\": more than %d members",
		    cp->name, LB_MAX_MEMBERS);
		return;
	}
	cp->members = xcalloc(config_setting_length(l), sizeof(*cp->members));
	for (j = 0; (m = config_setting_get_elem(l, j)) != NULL; j++)
		load_member(ld, m, z, cp);
}

static void	parse_pool_name(struct loader *, const config_setting_t *,
		    const struct conf_key *, void *, void *);

#define P(field)	CONF_FIELD(struct conf_pool, field)

/* "name" first: a list form reads the rest after it. */
static const struct conf_key pool_keys[] = {
	{ "name", CONF_CUSTOM, .parse = parse_pool_name,
	    .doc = "its name, when pools are written as a list" },
	{ "check", CONF_CUSTOM, .parse = parse_pool_check,
	    .doc = "the check its members are probed with" },
	{ "members", CONF_CUSTOM, .parse = parse_members,
	    .doc = "the backends" },
	{ "slow_start", CONF_NUM, P(slow_start), .min = 0, .max = 3600,
	    .def = 0, .doc = "seconds over which a member that comes up "
	    "ramps from 10% to 100% of its weight; 0: at once" },
	{ "flap_limit", CONF_UINT, P(flap_limit), .min = 0,
	    .max = HEALTH_FLAPS - 1, .def = 0, .doc = "more state changes "
	    "than this within flap_window keep a member out until it is "
	    "stable that long; 0: no damping" },
	{ "flap_window", CONF_NUM, P(flap_window), .min = 1, .max = 86400,
	    .def = 60, .doc = "seconds of flap_limit" },
	{ NULL }
};

const struct conf_section conf_pool_section = {
	"a pool", pool_keys, "POOLS"
};

/* In a list, a pool's name is its "name"; in a group, its label. */
static void
parse_pool_name(struct loader *ld, const config_setting_t *s,
    const struct conf_key *k, void *obj, void *arg)
{
	struct conf_pool	*cp = obj;

	(void)k;
	(void)arg;
	if (cp->name != NULL)
		conf_errf(ld, conf_line(s), "pool \"%s\": \"name\" is for pools "
		    "written as a list", cp->name);
}

void
conf_load_pools(struct loader *ld, const config_setting_t *g,
    struct conf_zone *z, struct conf_index *names)
{
	static const struct conf_key *const tables[] = { pool_keys, NULL };
	config_setting_t	*p, *s;
	struct conf_pool	*cp;
	const char		*t;
	size_t			 dup;
	int			 i, type = config_setting_type(g);

	if (type != CONFIG_TYPE_GROUP && type != CONFIG_TYPE_LIST) {
		conf_errf(ld, conf_line(g), "\"pools\" must be a group, not %s",
		    conf_type_name(config_setting_type(g)));
		return;
	}
	z->pools = xcalloc(config_setting_length(g) + 1, sizeof(*z->pools));
	conf_index_init(names, config_setting_length(g));
	for (i = 0; (p = config_setting_get_elem(g, i)) != NULL; i++) {
		cp = &z->pools[z->npools];
		conf_section_defaults(pool_keys, cp);
		cp->line = conf_line(p);
		cp->check = -1;
		if (type == CONFIG_TYPE_GROUP)
			cp->name = xstrdup(config_setting_name(p));
		else if (config_setting_type(p) == CONFIG_TYPE_GROUP) {
			if ((s = conf_member(p, "name")) == NULL) {
				conf_errf(ld, cp->line, "a pool in a list needs "
				    "\"name\"");
				continue;
			}
			if ((t = conf_get_str(ld, s)) == NULL)
				continue;
			cp->name = xstrdup(t);
		} else {
			conf_errf(ld, conf_elem_line(ld, p), "a pool in the list "
			    "of pools must be a group");
			continue;
		}
		z->npools++;
		if ((dup = conf_index_put(names, cp->name, z->npools - 1)) !=
		    SIZE_MAX) {
			conf_errf(ld, cp->line, "pool \"%s\" given twice (also "
			    "line %d)", cp->name, z->pools[dup].line);
			continue;
		}
		if (config_setting_type(p) != CONFIG_TYPE_GROUP) {
			conf_errf(ld, cp->line, "pool \"%s\" must be a group",
			    cp->name);
			continue;
		}
		conf_section_unknown(ld, p, "a pool", tables);
		if (type == CONFIG_TYPE_GROUP)
			conf_section_read(ld, p, pool_keys, cp, "", z);
		else {
			/* The name is read already; the rest as usual. */
			conf_section_read(ld, p, pool_keys + 1, cp, "", z);
		}
		if (conf_member(p, "members") == NULL)
			conf_errf(ld, cp->line, "pool \"%s\": missing "
			    "\"members\"", cp->name);
		/* A window alone would be read and then ignored. */
		if (cp->flap_limit == 0 && (s = conf_member(p,
		    "flap_window")) != NULL)
			conf_errf(ld, conf_line(s), "pool \"%s\": "
			    "\"flap_window\" without \"flap_limit\"",
			    cp->name);
	}
}
