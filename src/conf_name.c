/* conf_name.c -- a zone's managed "names": pool, chain, TTLs, fallback */
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
#include "lb.h"
#include "util.h"

#define TTL_MAX		2147483647

/* A name as read: its label and zone, for messages and lookups. */
struct name_ctx {
	struct conf_zone		*z;
	const struct conf_zindex	*x;
	const char			*label;
	bool				 degraded_given;
};

/* The steps of each preset, parsed once: a name copies them. */
static struct {
	bool		 done;
	struct lb_step	 steps[4];
	size_t		 n;
} presets_parsed[32];

static void
preset_steps(struct loader *ld, const config_setting_t *g,
    const struct lb_preset *pr, struct conf_name *cn)
{
	size_t	 k = pr - lb_presets, i;
	char	 err[256];

	if (k >= NELEM(presets_parsed)) {
		conf_errf(ld, conf_line(g), "preset: too many presets");
		return;
	}
	if (!presets_parsed[k].done) {
		for (i = 0; i < NELEM(pr->steps) && pr->steps[i] != NULL; i++)
			if (lb_parse_step(pr->steps[i],
			    &presets_parsed[k].steps[presets_parsed[k].n++],
			    err, sizeof(err)) == -1) {
				conf_errf(ld, conf_line(g), "preset: %s", err);
				presets_parsed[k].n = 0;
				return;
			}
		presets_parsed[k].done = true;
	}
	memcpy(cn->steps + cn->nsteps, presets_parsed[k].steps,
	    presets_parsed[k].n * sizeof(cn->steps[0]));
	cn->nsteps += presets_parsed[k].n;
}

static void
load_chain(struct loader *ld, const config_setting_t *g,
    struct conf_name *cn, const char *label)
{
	config_setting_t	*s, *e;
	const struct lb_preset	*pr;
	const char		*preset;
	char			 err[256];
	int			 j;
	bool			 has_up = false;

	preset = NULL;
	if ((s = conf_member(g, "strategy")) != NULL &&
	    (preset = conf_get_str(ld, s)) == NULL)
		return;
	s = conf_member(g, "chain");
	if (preset != NULL && s != NULL) {
		conf_errf(ld, conf_line(s), "name \"%s\": give \"strategy\" or "
		    "\"chain\", not both", label);
		return;
	}
	if (s != NULL) {
		if (conf_get_strs(ld, s, true) == NULL)
			return;
		if (config_setting_length(s) > LB_MAX_STEPS - 1) {
			conf_errf(ld, conf_line(s), "name \"%s\": more than %d chain "
			    "steps", label, LB_MAX_STEPS - 1);
			return;
		}
		for (j = 0; (e = config_setting_get_elem(s, j)) != NULL; j++) {
			if (lb_parse_step(config_setting_get_string(e),
			    &cn->steps[cn->nsteps], err, sizeof(err)) == -1) {
				conf_errf(ld, conf_elem_line(ld, e), "name \"%s\": %s",
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
			conf_errf(ld, conf_line(conf_member(g,
			    "strategy")), "name \"%s\": unknown strategy "
			    "\"%s\"", label, preset);
			return;
		}
		preset_steps(ld, g, pr, cn);
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

static void
parse_pool(struct loader *ld, const config_setting_t *s,
    const struct conf_key *k, void *obj, void *arg)
{
	struct conf_name	*cn = obj;
	const struct name_ctx	*nc = arg;
	const char		*t;
	size_t			 i;

	(void)k;
	if ((t = conf_get_str(ld, s)) == NULL)
		return;
	if ((i = conf_index_get(&nc->x->pools, t)) == SIZE_MAX) {
		conf_errf(ld, conf_line(s), "name \"%s\": pool \"%s\" not found",
		    nc->label, t);
		i = nc->z->npools;
	}
	cn->pool = i;
}

static void
parse_degraded(struct loader *ld, const config_setting_t *s,
    const struct conf_key *k, void *obj, void *arg)
{
	static const struct conf_key	 dk[] = {
		{ "degraded_ttl", CONF_UINT, CONF_FIELD(struct conf_name,
		    degraded_ttl), .min = 0, .max = TTL_MAX },
		{ NULL }
	};
	struct name_ctx		*nc = arg;
	config_setting_t	*g = config_setting_parent(s);

	(void)k;
	nc->degraded_given = true;
	conf_section_read(ld, g, dk, obj, "", NULL);
}

static void
parse_fallback(struct loader *ld, const config_setting_t *s,
    const struct conf_key *k, void *obj, void *arg)
{
	struct conf_name	*cn = obj;
	const struct name_ctx	*nc = arg;
	config_setting_t	*e;
	const char		*t;
	ldns_rr			*rr;
	uint8_t			 fam, addr[16];
	size_t			 i;
	int			 j;

	(void)k;
	if (conf_get_strs(ld, s, false) == NULL)
		return;
	cn->fallback = xcalloc(config_setting_length(s) + 1, sizeof(ldns_rr *));
	for (j = 0; (e = config_setting_get_elem(s, j)) != NULL; j++) {
		t = config_setting_get_string(e);
		if ((fam = util_parse_addr(t, addr)) == 0) {
			conf_errf(ld, conf_elem_line(ld, e), "name \"%s\": bad "
			    "fallback address \"%s\"", nc->label, t);
			continue;
		}
		/* An RRset holds no record twice (RFC 2181). */
		for (i = 0; i < cn->nfallback; i++)
			if (fallback_is(cn->fallback[i], fam, addr))
				break;
		if (i < cn->nfallback) {
			conf_errf(ld, conf_elem_line(ld, e), "name \"%s\": "
			    "fallback address %s given twice", nc->label, t);
			continue;
		}
		rr = ldns_rr_new();
		ldns_rr_set_type(rr, fam == 4 ? LDNS_RR_TYPE_A :
		    LDNS_RR_TYPE_AAAA);
		ldns_rr_set_owner(rr, ldns_rdf_clone(cn->owner));
		ldns_rr_set_class(rr, LDNS_RR_CLASS_IN);
		ldns_rr_push_rdf(rr, ldns_rdf_new_frm_data(fam == 4 ?
		    LDNS_RDF_TYPE_A : LDNS_RDF_TYPE_AAAA, fam == 4 ? 4 : 16,
		    addr));
		cn->fallback[cn->nfallback++] = rr;
	}
}

static void
parse_fallback_cname(struct loader *ld, const config_setting_t *s,
    const struct conf_key *k, void *obj, void *arg)
{
	struct conf_name	*cn = obj;
	const struct name_ctx	*nc = arg;
	const char		*t;

	(void)k;
	if ((t = conf_get_str(ld, s)) == NULL)
		return;
	if ((cn->fallback_cname = conf_parse_name(t, nc->z->origin)) == NULL)
		conf_errf(ld, conf_line(s), "name \"%s\": bad fallback_cname "
		    "\"%s\"", nc->label, t);
}

/* Read by hand: owner before everything, the chain between the tables. */
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

static const char *const all_down_names[] = { "all", "nodata", "servfail",
    "fallback", NULL };

#define N(field)	CONF_FIELD(struct conf_name, field)

/* In the order they are read: errors come in that order. */
/* One entry of fallback_order: "eu -> us -> any" into a row. */
static void
parse_order_entry(struct loader *ld, const config_setting_t *e,
    struct conf_name *cn, const struct name_ctx *nc)
{
	const struct lb_regions	*r = &nc->z->regions;
	uint16_t		*row;
	const char		*t = config_setting_get_string(e), *p, *q;
	char			 tok[64];
	size_t			 n = 0, i, len;
	int			 line = conf_elem_line(ld, e);

	/* Each region once and "any": at most nnames + 1, then the end. */
	row = xcalloc(r->nnames + 2, sizeof(*row));
	for (p = t;; p = q + 2) {
		q = strstr(p, "->");
		len = q != NULL ? (size_t)(q - p) : strlen(p);
		while (len > 0 && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		snprintf(tok, sizeof(tok), "%.*s", (int)len, p);
		if (len == 0 || len >= sizeof(tok)) {
			conf_errf(ld, line, "name \"%s\": bad fallback_order "
			    "\"%s\": want \"REGION -> REGION ... [-> any]\"",
			    nc->label, t);
			goto out;
		}
		if (n > 0 && row[n - 1] == LB_ANY_REGION) {
			conf_errf(ld, line, "name \"%s\": fallback_order \"%s\": "
			    "nothing comes after \"any\"", nc->label, t);
			goto out;
		}
		if (strcmp(tok, "any") == 0)
			i = LB_ANY_REGION;
		else
			for (i = 0; i < r->nnames && strcmp(r->names[i], tok) !=
			    0; i++)
				;
		if (i == r->nnames) {
			conf_errf(ld, line, "name \"%s\": fallback_order \"%s\": "
			    "region \"%s\" not found", nc->label, t, tok);
			goto out;
		}
		if (n == 0 && i == LB_ANY_REGION) {
			conf_errf(ld, line, "name \"%s\": fallback_order \"%s\" "
			    "must start with a region", nc->label, t);
			goto out;
		}
		for (len = 0; len < n; len++)
			if (row[len] == i) {
				conf_errf(ld, line, "name \"%s\": "
				    "fallback_order \"%s\": region \"%s\" "
				    "twice", nc->label, t, tok);
				goto out;
			}
		row[n++] = i;
		if (q == NULL)
			break;
	}
	if (cn->order[row[0]] != NULL) {
		conf_errf(ld, line, "name \"%s\": two fallback_order entries "
		    "start with \"%s\"", nc->label, r->names[row[0]]);
		goto out;
	}
	row[n++] = LB_NO_REGION;
	cn->order[row[0]] = xcalloc(n, sizeof(uint16_t));
	memcpy(cn->order[row[0]], row, n * sizeof(uint16_t));
out:
	free(row);
}

static void
parse_order(struct loader *ld, const config_setting_t *s,
    const struct conf_key *k, void *obj, void *arg)
{
	struct conf_name	*cn = obj;
	const struct name_ctx	*nc = arg;
	const config_setting_t	*e;
	int			 i;

	(void)k;
	if (conf_get_strs(ld, s, true) == NULL)
		return;
	if (nc->z->regions.nnames == 0) {
		conf_errf(ld, conf_line(s), "name \"%s\": fallback_order but "
		    "the zone has no regions", nc->label);
		return;
	}
	cn->order = xcalloc(nc->z->regions.nnames, sizeof(*cn->order));
	for (i = 0; (e = config_setting_get_elem(s, i)) != NULL; i++)
		parse_order_entry(ld, e, cn, nc);
}

static const struct conf_key name_head_keys[] = {
	{ "owner", CONF_CUSTOM, .parse = parse_by_hand,
	    .doc = "the name, if not the label" },
	{ "pool", CONF_CUSTOM, .parse = parse_pool, .flags = CONF_REQUIRED,
	    .doc = "the pool answered from" },
	{ "strategy", CONF_CUSTOM, .parse = parse_by_hand,
	    .doc = "a preset chain" },
	{ "chain", CONF_CUSTOM, .parse = parse_by_hand,
	    .doc = "the steps that order the pool" },
	{ NULL }
};

static const struct conf_key name_tail_keys[] = {
	{ "ttl", CONF_UINT, N(ttl), .min = 0, .max = TTL_MAX, .def = 30,
	    .doc = "the TTL of the answers" },
	{ "degraded_ttl", CONF_CUSTOM, .parse = parse_degraded,
	    .doc = "the TTL while a member is down" },
	{ "max_answers", CONF_UINT, N(max_answers), .min = 0,
	    .max = LB_MAX_MEMBERS, .doc = "addresses in one answer; 0: all" },
	{ "ecs", CONF_BOOL, N(ecs), .def = 1,
	    .doc = "use the client subnet option" },
	{ "all_down", CONF_ENUM, N(all_down), .names = all_down_names,
	    .flags = CONF_NODEF, .doc = "what to answer when none is usable" },
	{ "fallback", CONF_CUSTOM, .parse = parse_fallback,
	    .doc = "addresses answered when all are down" },
	{ "fallback_cname", CONF_CUSTOM, .parse = parse_fallback_cname,
	    .doc = "a name answered when all are down" },
	{ "fallback_order", CONF_CUSTOM, .parse = parse_order,
	    .example = "[ \"eu -> us -> any\" ]",
	    .doc = "per region, the regions to try when it has none usable" },
	{ NULL }
};

const struct conf_section conf_name_section = {
	"a name", name_head_keys, "MANAGED NAMES"
};
const struct conf_section conf_name_tail_section = {
	"a name", name_tail_keys, "MANAGED NAMES"
};

/* A hash set of the owners managed so far, for "managed twice". */
struct owners {
	size_t		*slot;		/* index + 1 into z->names, 0: free */
	size_t		 mask;
};

static uint64_t
owner_hash(const ldns_rdf *d)
{
	const uint8_t	*p = ldns_rdf_data(d);
	uint64_t	 h = 0xcbf29ce484222325ULL;
	size_t		 i;

	for (i = 0; i < ldns_rdf_size(d); i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

/* The earlier name with this owner, or -1; else it is added. */
static long
owners_add(struct owners *o, const struct conf_zone *z, size_t idx)
{
	const ldns_rdf	*d = z->names[idx].owner;
	size_t		 i = owner_hash(d) & o->mask;

	for (; o->slot[i] != 0; i = (i + 1) & o->mask)
		if (ldns_dname_compare(z->names[o->slot[i] - 1].owner, d) == 0)
			return o->slot[i] - 1;
	o->slot[i] = idx + 1;
	return -1;
}

static void
load_name(struct loader *ld, const config_setting_t *c, struct conf_zone *z,
    const struct conf_zindex *x, struct owners *own)
{
	struct conf_name	*cn = &z->names[z->nnames];
	struct name_ctx		 nc = { z, x, config_setting_name(c), false };
	struct lb_step		 steps[LB_MAX_STEPS];
	config_setting_t	*s;
	const ldns_rr		*rr;
	const ldns_rdf		*cut;
	const char		*t, *label = nc.label;
	const struct conf_rr	*at;
	char			 ctx[128], *os, *ts, w[512];
	size_t			 k;
	long			 dup;
	int			 oline;
	bool			 names;

	/* In a list, a name's label is its owner. */
	if (label == NULL && config_setting_type(c) == CONFIG_TYPE_GROUP) {
		if ((s = conf_member(c, "owner")) == NULL) {
			conf_errf(ld, conf_line(c), "a name in a list needs "
			    "\"owner\"");
			return;
		}
		if ((label = conf_get_str(ld, s)) == NULL)
			return;
		nc.label = label;
	} else if (label == NULL) {
		conf_errf(ld, conf_line(c), "a name in the list of names must be "
		    "a group");
		return;
	}
	if (config_setting_type(c) != CONFIG_TYPE_GROUP) {
		conf_errf(ld, conf_line(c), "name \"%s\" must be a group", label);
		return;
	}
	memset(cn, 0, sizeof(*cn));
	cn->line = conf_line(c);
	conf_section_defaults(name_tail_keys, cn);
	{
		static const struct conf_key *const tables[] = {
			name_head_keys, name_tail_keys, NULL
		};

		conf_section_unknown(ld, c, "a name", tables);
	}
	/* Point at "owner" when the owner comes from it. */
	if ((s = conf_member(c, "owner")) != NULL) {
		oline = conf_line(s);
		if ((t = conf_get_str(ld, s)) == NULL)
			return;		/* not a string: reported */
	} else {
		oline = cn->line;
		t = label;
	}
	if ((cn->owner = conf_parse_name(t, z->origin)) == NULL) {
		conf_errf(ld, oline, "name \"%s\": bad owner \"%s\"", label, t);
		return;
	}
	ldns_dname2canonical(cn->owner);
	if (!conf_at_or_below(cn->owner, z->origin)) {
		conf_errf(ld, oline, "name \"%s\" is outside the zone", label);
		ldns_rdf_deep_free(cn->owner);
		return;
	}
	if ((dup = owners_add(own, z, z->nnames)) >= 0) {
		conf_errf(ld, cn->line, "name \"%s\" is managed twice (also line "
		    "%d)", label, z->names[dup].line);
		ldns_rdf_deep_free(cn->owner);
		return;
	}
	snprintf(ctx, sizeof(ctx), "name \"%s\": ", label);
	conf_section_read(ld, c, name_head_keys, cn, ctx, &nc);
	cn->steps = steps;	/* the chain is built here, then kept */
	load_chain(ld, c, cn, label);
	conf_section_read(ld, c, name_tail_keys, cn, ctx, &nc);
	lb_chain_prepare(steps, cn->nsteps, cn->max_answers);
	cn->steps = xcalloc(cn->nsteps + 1, sizeof(*cn->steps));
	memcpy(cn->steps, steps, cn->nsteps * sizeof(*cn->steps));
	if (!nc.degraded_given)
		cn->degraded_ttl = cn->ttl;
	if (cn->order != NULL) {
		for (k = 0; k < cn->nsteps && strcmp(cn->steps[k].s->name,
		    "topology") != 0; k++)
			;
		if (k == cn->nsteps)
			conf_errf(ld, conf_line(conf_member(c,
			    "fallback_order")), "name \"%s\": fallback_order "
			    "but the chain has no topology step", label);
	}
	if (conf_member(c, "all_down") == NULL &&
	    (cn->nfallback > 0 || cn->fallback_cname != NULL))
		cn->all_down = LB_ALL_DOWN_FALLBACK;
	if (cn->nfallback > 0 && cn->fallback_cname != NULL)
		conf_errf(ld, cn->line, "name \"%s\": give \"fallback\" or "
		    "\"fallback_cname\", not both", label);
	if (cn->all_down == LB_ALL_DOWN_FALLBACK && cn->nfallback == 0 &&
	    cn->fallback_cname == NULL)
		conf_errf(ld, cn->line, "name \"%s\": all_down \"fallback\" "
		    "needs \"fallback\" or \"fallback_cname\"", label);
	if (cn->all_down != LB_ALL_DOWN_FALLBACK && (cn->nfallback > 0 ||
	    cn->fallback_cname != NULL))
		conf_errf(ld, cn->line, "name \"%s\": a fallback is given but "
		    "all_down is not \"fallback\"", label);
	names = cn->pool < z->npools && z->pools[cn->pool].names;
	if (names && cn->nfallback > 0)
		conf_errf(ld, cn->line, "name \"%s\": pool \"%s\" is of names, "
		    "answered as a CNAME: its fallback is \"fallback_cname\", "
		    "not addresses", label, z->pools[cn->pool].name);
	if (names && ldns_dname_compare(cn->owner, z->origin) == 0)
		conf_errf(ld, cn->line, "name \"%s\": pool \"%s\" is of names, "
		    "answered as a CNAME, which the zone apex cannot hold",
		    label, z->pools[cn->pool].name);
	/* Static data at the name must not fight the pool. */
	for (k = conf_zindex_owned(x, z, cn->owner); k != SIZE_MAX;
	    k = x->next[k]) {
		rr = z->rrs[k].rr;
		if (names) {
			/* A CNAME's owner holds nothing else (RFC 1034 3.6.2). */
			ts = ldns_rr_type2str(ldns_rr_get_type(rr));
			conf_errf_at(ld, z->rrs[k].file, z->rrs[k].line,
			    "%s record at the managed name \"%s\", which "
			    "answers a CNAME from the names of pool \"%s\": "
			    "nothing else may be at a CNAME's owner (%s)", ts,
			    label, z->pools[cn->pool].name, conf_where(ld->file,
			    cn->line, z->rrs[k].file, w, sizeof(w)));
			free(ts);
		} else if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_A ||
		    ldns_rr_get_type(rr) == LDNS_RR_TYPE_AAAA ||
		    ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME) {
			ts = ldns_rr_type2str(ldns_rr_get_type(rr));
			conf_errf_at(ld, z->rrs[k].file, z->rrs[k].line,
			    "%s record at the managed name \"%s\" (%s)",
			    ts, label, conf_where(ld->file, cn->line,
			    z->rrs[k].file, w, sizeof(w)));
			free(ts);
		}
	}
	if ((cut = conf_zindex_cut(x, z, cn->owner, &at)) != NULL) {
		os = conf_name_str(cut);
		conf_errf(ld, cn->line, "name \"%s\" is at or below the "
		    "delegation at %s", label, os);
		free(os);
	} else if ((cut = conf_zindex_dname(x, z, cn->owner, &at)) !=
	    NULL) {
		os = conf_name_str(cut);
		conf_errf(ld, cn->line, "name \"%s\" is below the DNAME at "
		    "%s (%s): it would never be answered", label, os,
		    conf_rr_where(at, ld->file, w, sizeof(w)));
		free(os);
	}
	z->nnames++;
}

void
conf_load_names(struct loader *ld, const config_setting_t *g,
    struct conf_zone *z, const struct conf_zindex *x)
{
	struct owners		 own;
	config_setting_t	*c;
	size_t			 size;
	int			 i, n;

	if (config_setting_type(g) != CONFIG_TYPE_GROUP &&
	    config_setting_type(g) != CONFIG_TYPE_LIST) {
		conf_errf(ld, conf_line(g), "\"names\" must be a group, not %s",
		    conf_type_name(config_setting_type(g)));
		return;
	}
	n = config_setting_length(g);
	z->names = xcalloc(n + 1, sizeof(*z->names));
	for (size = 16; size < (size_t)n * 2; size *= 2)
		;
	own.slot = xcalloc(size, sizeof(*own.slot));
	own.mask = size - 1;
	for (i = 0; (c = config_setting_get_elem(g, i)) != NULL; i++)
		load_name(ld, c, z, x, &own);
	free(own.slot);
}
