/* conf_pool.c -- a zone's "regions" and "pools" with their members */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <arpa/inet.h>

#include <ctype.h>
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

void
conf_load_regions(struct loader *ld, const config_setting_t *g,
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
		conf_errf(ld, conf_line(g), "\"regions\" must be a group, not %s",
		    conf_type_name(config_setting_type(g)));
		return;
	}
	r->names = xcalloc(config_setting_length(g), sizeof(char *));
	for (i = 0; (c = config_setting_get_elem(g, i)) != NULL; i++) {
		r->names[r->nnames++] = xstrdup(config_setting_name(c));
		t = config_setting_name(c);
		if (config_setting_type(c) != CONFIG_TYPE_ARRAY &&
		    config_setting_type(c) != CONFIG_TYPE_LIST) {
			conf_errf(ld, conf_line(c), "region \"%s\" must be an array "
			    "of prefixes, not %s", t,
			    conf_type_name(config_setting_type(c)));
			continue;
		}
		if (config_setting_length(c) == 0) {
			conf_errf(ld, conf_line(c), "region \"%s\" is empty", t);
			continue;
		}
		if (conf_get_strs(ld, c, true) == NULL)
			continue;
		for (j = 0; (e = config_setting_get_elem(c, j)) != NULL; j++) {
			t = config_setting_get_string(e);
			r->nets = xreallocarray(r->nets, r->nnets + 1,
			    sizeof(*r->nets));
			n = &r->nets[r->nnets];
			memset(n, 0, sizeof(*n));
			if (strlen(t) >= sizeof(buf) ||
			    (slash = strchr(strcpy(buf, t), '/')) == NULL) {
				conf_errf(ld, conf_elem_line(ld, e), "region \"%s\": bad "
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
				conf_errf(ld, conf_elem_line(ld, e), "region \"%s\": bad "
				    "prefix \"%s\": want ADDRESS/LENGTH",
				    r->names[i], t);
				continue;
			}
			n->prefix = pl;
			for (k = pl; k < max; k++)
				if (n->addr[k / 8] & (0x80 >> (k % 8)))
					break;
			if (k < max) {
				conf_errf(ld, conf_elem_line(ld, e), "region \"%s\": prefix "
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
				conf_errf(ld, conf_elem_line(ld, e), "region \"%s\": prefix "
				    "\"%s\" given twice", r->names[i], t);
				continue;
			}
			if (k < r->nnets) {
				conf_errf(ld, conf_elem_line(ld, e), "prefix \"%s\" is in "
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
	    .flags = CONF_REQUIRED, .doc = "the address answered" },
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

	memset(cm, 0, sizeof(*cm));
	cm->line = conf_line(m);
	cm->region = LB_NO_REGION;
	conf_section_defaults(member_keys, cm);
	if (config_setting_type(m) != CONFIG_TYPE_GROUP) {
		conf_errf(ld, cm->line, "pool \"%s\": a member must be a group "
		    "{ address = ...; }", cp->name);
		return;
	}
	conf_section_unknown(ld, m, "a pool member", tables);
	snprintf(ctx, sizeof(ctx), "pool \"%s\": ", cp->name);
	conf_section_read(ld, m, member_keys, cm, ctx, &mc);
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
	if (cm->family != 0)
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
