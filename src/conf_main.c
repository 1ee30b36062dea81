/* conf_main.c -- the main file: server, zones; conf_load() and conf_free() */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libconfig.h>
#include <ldns/ldns.h>

#include "conf.h"
#include "conf_load.h"
#include "conf_schema.h"
#include "util.h"

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

static void
parse_fleet(struct loader *ld, const config_setting_t *s,
    const struct conf_key *k, void *obj, void *arg)
{
	(void)k;
	(void)arg;
	conf_load_fleet(ld, s, obj);
}

static void
parse_geoip(struct loader *ld, const config_setting_t *s,
    const struct conf_key *k, void *obj, void *arg)
{
	(void)k;
	(void)arg;
	conf_load_geoip(ld, s, obj);
}

/* Has zone p an NS record at name (a delegation to it)? */
static bool
delegates(const struct conf_zone *p, const ldns_rdf *name)
{
	size_t	 i;

	for (i = 0; i < p->nrrs; i++)
		if (ldns_rr_get_type(p->rrs[i].rr) == LDNS_RR_TYPE_NS &&
		    ldns_dname_compare(ldns_rr_owner(p->rrs[i].rr), name) == 0)
			return true;
	return false;
}

/*
 * A record of one zone at or below the origin of a deeper zone we also
 * serve would never be answered: the deeper zone answers for those names
 * (zone_build.c).  Only the parent's delegation to it, its NS and their
 * glue, may stay, as zone files copied from elsewhere have them, and its
 * DS, which the parent side answers; managed names may not.
 */
static void
check_nested(struct loader *ld, const struct conf_zone *p,
    const struct conf *c)
{
	const struct conf_zone	*z, *deep, **below;
	const ldns_rdf		*owner;
	ldns_rr_type		 t;
	size_t			 i, j, n = 0;
	char			*a, *b, *ts;

	/* Most zones have none below them: no walk of their records. */
	below = xcalloc(c->nzones, sizeof(*below));
	for (j = 0; j < c->nzones; j++) {
		z = &c->zones[j];
		if (z != p && z->origin != NULL &&
		    ldns_dname_compare(z->origin, p->origin) != 0 &&
		    conf_at_or_below(z->origin, p->origin))
			below[n++] = z;
	}
	for (i = 0; n > 0 && i < p->nrrs; i++) {
		owner = ldns_rr_owner(p->rrs[i].rr);
		t = ldns_rr_get_type(p->rrs[i].rr);
		deep = NULL;
		for (j = 0; j < n; j++)
			if (conf_at_or_below(owner, below[j]->origin) &&
			    (deep == NULL || conf_at_or_below(below[j]->origin,
			    deep->origin)))
				deep = below[j];
		if (deep == NULL)
			continue;
		/* DS at the child's apex: the parent answers for it
		   (RFC 4035 3.1.4.1), when it delegates there. */
		if ((t == LDNS_RR_TYPE_NS && ldns_dname_compare(owner,
		    deep->origin) == 0) || ((t == LDNS_RR_TYPE_A ||
		    t == LDNS_RR_TYPE_AAAA) && delegates(p, deep->origin)) ||
		    (t == LDNS_RR_TYPE_DS && ldns_dname_compare(owner,
		    deep->origin) == 0 && delegates(p, deep->origin)))
			continue;
		a = conf_name_str(owner);
		b = conf_name_str(deep->origin);
		ts = ldns_rr_type2str(t);
		conf_errf_at(ld, p->rrs[i].file, p->rrs[i].line, "%s record at "
		    "%s is in the zone %s of %s, which answers for it: it "
		    "would never be served", ts, a, b, deep->file);
		free(a);
		free(b);
		free(ts);
	}
	for (i = 0; n > 0 && i < p->nnames; i++)
		for (j = 0; j < n; j++) {
			if (!conf_at_or_below(p->names[i].owner,
			    below[j]->origin))
				continue;
			a = conf_name_str(p->names[i].owner);
			b = conf_name_str(below[j]->origin);
			conf_errf_at(ld, p->file, p->names[i].line, "the managed "
			    "name %s is in the zone %s of %s, which answers for "
			    "it: it would never be served", a, b,
			    below[j]->file);
			free(a);
			free(b);
			break;
		}
	free(below);
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
	for (j = 0; j < c->nzones; j++)
		if (c->zones[j].origin != NULL)
			check_nested(ld, &c->zones[j], c);
}

static const struct conf_key main_keys[] = {
	{ "server", CONF_CUSTOM, .parse = parse_server, .flags = CONF_REQUIRED,
	    .doc = "the server's settings" },
	{ "zones", CONF_CUSTOM, .parse = parse_zones, .flags = CONF_REQUIRED,
	    .doc = "the zone files" },
	{ "fleet", CONF_CUSTOM, .parse = parse_fleet,
	    .doc = "the nodes this one answers with (see FLEET)" },
	{ "geoip", CONF_CUSTOM, .parse = parse_geoip,
	    .doc = "the GeoIP database regions may use (see GEOIP)" },
	{ NULL }
};

static const struct conf_section main_section = {
	"the main file", main_keys, "MAIN FILE"
};

extern const struct conf_section conf_server_section, conf_rrl_section,
    conf_fleet_section, conf_geoip_section,
    conf_zone_section,
    conf_soa_section, conf_check_section, conf_pool_section,
    conf_member_section, conf_name_section, conf_name_tail_section,
    conf_region_section;

const struct conf_section *const conf_sections[] = {
	&main_section,
	&conf_server_section,
	&conf_rrl_section,
	&conf_fleet_section,
	&conf_geoip_section,
	&conf_zone_section,
	&conf_soa_section,
	&conf_check_section,
	&conf_region_section,
	&conf_pool_section,
	&conf_member_section,
	&conf_name_section,
	&conf_name_tail_section,
	NULL
};

/* FNV-1a over the file's bytes into h; false when it cannot be read. */
static bool
hash_file(const char *path, uint64_t *h)
{
	unsigned char	 buf[65536];
	size_t		 n, i;
	FILE		*fp;

	if ((fp = fopen(path, "r")) == NULL)
		return false;
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		for (i = 0; i < n; i++)
			*h = (*h ^ buf[i]) * 0x100000001b3ULL;
	fclose(fp);
	return true;
}

/*
 * What nodes of a fleet compare to find a config that differs: every zone
 * file and the master files it reads, in order.  Not the main file: each node's has its own name,
 * addresses and probe source.
 */
static uint64_t
conf_hash(const struct conf *c)
{
	uint64_t	 h = 0xcbf29ce484222325ULL;
	size_t		 i, j;

	for (i = 0; i < c->nzones; i++) {
		hash_file(c->zones[i].file, &h);
		for (j = 0; j < c->zones[i].nsrcs; j++)
			hash_file(c->zones[i].srcs[j], &h);
	}
	return h;
}

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
	util_include_dir(&cfg, path);
	if (conf_read_ok(&ld) == -1)
		goto out;
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
	/* The database serves every zone: read once, when all are in. */
	conf_geoip_apply(&ld, c);
	if (ld.nerr == 0 && c->fleet.node != NULL)
		c->hash = conf_hash(c);
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
	conf_files_free(&files);
	return rv;
}

void
conf_free(struct conf *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	conf_server_free(c);
	conf_fleet_free(c);
	conf_geoip_free(c);
	for (i = 0; i < c->nzones; i++)
		conf_zone_free(&c->zones[i]);
	free(c->zones);
	free(c->path);
	free(c);
}
