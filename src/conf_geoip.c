/* conf_geoip.c -- the "geoip" group: a MaxMind DB -> each zone's regions */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>
#include <maxminddb.h>

#include "conf.h"
#include "conf_load.h"
#include "conf_schema.h"
#include "geo.h"
#include "util.h"

#define G(field)	CONF_FIELD(struct conf_geoip, field)

static const struct conf_key geoip_keys[] = {
	{ "database", CONF_PATH, G(database),
	    .flags = CONF_REQUIRED | CONF_NONEMPTY,
	    .example = "\"/var/lib/GeoIP/GeoLite2-City.mmdb\"",
	    .doc = "the MaxMind DB file: City, Country or ASN" },
	{ NULL }
};

const struct conf_section conf_geoip_section = {
	"geoip", geoip_keys, "GEOIP"
};

void
conf_load_geoip(struct loader *ld, const config_setting_t *g, struct conf *c)
{
	static const struct conf_key *const tables[] = { geoip_keys, NULL };
	const config_setting_t	*s;

	if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
		conf_errf(ld, conf_line(g), "\"geoip\" must be a group, not %s",
		    conf_type_name(config_setting_type(g)));
		return;
	}
	conf_section_defaults(geoip_keys, &c->geoip);
	conf_section_unknown(ld, g, "geoip", tables);
	conf_section_read(ld, g, geoip_keys, &c->geoip, "geoip: ", NULL);
	s = conf_member(g, "database");
	c->geoip.line = conf_line(s != NULL ? s : g);
}

void
conf_geoip_free(struct conf *c)
{
	conf_section_free(geoip_keys, &c->geoip);
}

/* ------------------------------------------------------------- the walk */

/* A data record already met: where it is, and its class. */
struct seen {
	uint32_t	 offset;	/* + 1; 0: free */
	uint32_t	 cls;
};

struct walk {
	const MMDB_s	*db;
	struct conf	*c;
	size_t		*zones;		/* the zones with database keys */
	size_t		 nzones;
	uint32_t	 v4node;	/* the node at ::/96; UINT32_MAX: none */
	struct seen	*seen;		/* open addressing by offset */
	size_t		 mask, nseen;
	uint16_t	*reg;		/* class * nzones + zone: region */
	size_t		 ncls, capcls;
	size_t		 visits, maxvisits;
	uint8_t		 addr[16];
	char		 err[160];
};

/* Keep the first reason the walk stopped. */
static bool
fail(struct walk *w, const char *why, const char *detail)
{
	if (w->err[0] == '\0')
		snprintf(w->err, sizeof(w->err), "%s%s%s", why, detail != NULL ?
		    ": " : "", detail != NULL ? detail : "");
	return false;
}

/* A string at path into buf, upper case; "" when the record has none. */
static bool
get_str(struct walk *w, MMDB_entry_s *e, const char *const *path, char *buf,
    size_t len)
{
	MMDB_entry_data_s	 d;
	size_t			 i;
	int			 st;

	buf[0] = '\0';
	st = MMDB_aget_value(e, &d, path);
	if (st == MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR ||
	    st == MMDB_INVALID_LOOKUP_PATH_ERROR)
		return true;
	if (st != MMDB_SUCCESS)
		return fail(w, "bad data record", MMDB_strerror(st));
	if (!d.has_data || d.type != MMDB_DATA_TYPE_UTF8_STRING)
		return true;
	/* Codes are short; a longer string matches no key. */
	if (d.data_size >= len)
		return true;
	for (i = 0; i < d.data_size; i++)
		buf[i] = d.utf8_string[i] >= 'a' && d.utf8_string[i] <= 'z' ?
		    d.utf8_string[i] - 'a' + 'A' : d.utf8_string[i];
	buf[i] = '\0';
	return true;
}

/* The region of zone z for a network with these keys. */
static uint16_t
match(const struct conf_zone *z, const char *cont, const char *country,
    const char *sub, bool has_asn, uint32_t asn)
{
	const struct conf_geosel	*g;
	uint16_t			 best = GEO_NONE;
	int				 kind = CONF_GEO_CONTINENT + 1;
	size_t				 i;
	const char			*v;

	for (i = 0; i < z->ngeosel; i++) {
		g = &z->geosel[i];
		if ((int)g->kind >= kind)
			continue;
		switch (g->kind) {
		case CONF_GEO_ASN:
			if (!has_asn || g->asn != asn)
				continue;
			break;
		default:
			v = g->kind == CONF_GEO_SUBDIVISION ? sub :
			    g->kind == CONF_GEO_COUNTRY ? country : cont;
			if (v[0] == '\0' || strcmp(v, g->code) != 0)
				continue;
			break;
		}
		best = g->region;
		kind = g->kind;
	}
	return best;
}

/* The class of the data record e: decoded once, mapped for each zone. */
static bool
class_of(struct walk *w, MMDB_entry_s *e, uint32_t *out)
{
	static const char *const p_cont[] = { "continent", "code", NULL };
	static const char *const p_cont2[] = { "continent", "iso_code", NULL };
	static const char *const p_country[] = { "country", "iso_code", NULL };
	static const char *const p_sub[] = { "subdivisions", "0", "iso_code",
	    NULL };
	static const char *const p_asn[] = { "autonomous_system_number",
	    NULL };
	MMDB_entry_data_s	 d;
	struct seen		*s, *old;
	char			 cont[4], country[4], sub[16], subcode[8];
	bool			 has_asn = false;
	uint32_t		 asn = 0;
	size_t			 i, j, oldsize;
	int			 st;

	for (i = e->offset & w->mask; w->seen[i].offset != 0;
	    i = (i + 1) & w->mask)
		if (w->seen[i].offset == e->offset + 1) {
			*out = w->seen[i].cls;
			return true;
		}
	if (!get_str(w, e, p_cont, cont, sizeof(cont)) ||
	    (cont[0] == '\0' && !get_str(w, e, p_cont2, cont, sizeof(cont))) ||
	    !get_str(w, e, p_country, country, sizeof(country)) ||
	    !get_str(w, e, p_sub, subcode, sizeof(subcode)))
		return false;
	sub[0] = '\0';
	if (country[0] != '\0' && subcode[0] != '\0')
		snprintf(sub, sizeof(sub), "%s-%s", country, subcode);
	st = MMDB_aget_value(e, &d, p_asn);
	if (st == MMDB_SUCCESS && d.has_data) {
		if (d.type == MMDB_DATA_TYPE_UINT32) {
			has_asn = true;
			asn = d.uint32;
		} else if (d.type == MMDB_DATA_TYPE_UINT16) {
			has_asn = true;
			asn = d.uint16;
		}
	} else if (st != MMDB_SUCCESS &&
	    st != MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR &&
	    st != MMDB_INVALID_LOOKUP_PATH_ERROR)
		return fail(w, "bad data record", MMDB_strerror(st));
	if (w->ncls == w->capcls) {
		w->capcls = w->capcls ? w->capcls * 2 : 256;
		w->reg = xreallocarray(w->reg, w->capcls, w->nzones *
		    sizeof(*w->reg));
	}
	for (j = 0; j < w->nzones; j++)
		w->reg[w->ncls * w->nzones + j] = match(&w->c->zones[
		    w->zones[j]], cont, country, sub, has_asn, asn);
	*out = w->ncls++;
	s = &w->seen[i];
	s->offset = e->offset + 1;
	s->cls = *out;
	/* Half full at most: grow and put every record again. */
	if (++w->nseen * 2 > w->mask) {
		old = w->seen;
		oldsize = w->mask + 1;
		w->mask = oldsize * 2 - 1;
		w->seen = xcalloc(oldsize * 2, sizeof(*w->seen));
		for (i = 0; i < oldsize; i++) {
			if (old[i].offset == 0)
				continue;
			for (j = (old[i].offset - 1) & w->mask;
			    w->seen[j].offset != 0; j = (j + 1) & w->mask)
				;
			w->seen[j] = old[i];
		}
		free(old);
	}
	return true;
}

/* A network of family fam (the first prefix bits of w->addr): its runs. */
static bool
leaf(struct walk *w, uint8_t fam, unsigned prefix, uint8_t type,
    MMDB_entry_s *e)
{
	uint32_t	 cls = 0;
	size_t		 j;

	if (type == MMDB_RECORD_TYPE_INVALID)
		return fail(w, "corrupt search tree: a record points "
		    "past the data", NULL);
	if (type == MMDB_RECORD_TYPE_DATA && !class_of(w, e, &cls))
		return false;
	for (j = 0; j < w->nzones; j++)
		geo_map_add(w->c->zones[w->zones[j]].regions.geo, fam, w->addr,
		    prefix, type == MMDB_RECORD_TYPE_DATA ?
		    w->reg[cls * w->nzones + j] : GEO_NONE);
	return true;
}

/*
 * The subtree at node, bit bits into the family's address; left (0)
 * before right (1), so networks come in ascending order.
 */
static bool
walk(struct walk *w, uint8_t fam, uint32_t node, unsigned bit)
{
	MMDB_search_node_s	 n;
	unsigned		 side;
	uint64_t		 rec;
	uint8_t			 type;
	MMDB_entry_s		*e;

	if (++w->visits > w->maxvisits)
		return fail(w, "corrupt search tree: it has loops", NULL);
	if (bit >= (fam == 4 ? 32u : 128u))
		return fail(w, "corrupt search tree: deeper than the "
		    "address", NULL);
	if (MMDB_read_node(w->db, node, &n) != MMDB_SUCCESS)
		return fail(w, "corrupt search tree: a node past its "
		    "end", NULL);
	for (side = 0; side < 2; side++) {
		if (side)
			w->addr[bit / 8] |= 0x80 >> (bit % 8);
		rec = side ? n.right_record : n.left_record;
		type = side ? n.right_record_type : n.left_record_type;
		e = side ? &n.right_record_entry : &n.left_record_entry;
		if (type != MMDB_RECORD_TYPE_SEARCH_NODE) {
			if (!leaf(w, fam, bit + 1, type, e))
				return false;
		} else if (fam == 6 && rec == w->v4node) {
			/* IPv4 and its aliases (::ffff:0:0/96, 2002::/16):
			   the IPv4 map has it, IPv6 clients there are in
			   no region. */
			if (!leaf(w, fam, bit + 1, MMDB_RECORD_TYPE_EMPTY, e))
				return false;
		} else if (!walk(w, fam, rec, bit + 1))
			return false;
	}
	w->addr[bit / 8] &= ~(0x80 >> (bit % 8));
	return true;
}

/* Both families' maps, from the tree's root and from its IPv4 node. */
static bool
walk_db(struct walk *w)
{
	MMDB_search_node_s	 n;
	uint32_t		 node = 0;
	unsigned		 depth;

	w->v4node = UINT32_MAX;
	if (w->db->metadata.ip_version == 4)
		return walk(w, 4, 0, 0);
	/* IPv4 lives at ::/96: 96 left turns from the root. */
	for (depth = 0; depth < 96; depth++) {
		if (MMDB_read_node(w->db, node, &n) != MMDB_SUCCESS)
			return fail(w, "corrupt search tree: a node past "
			    "its end", NULL);
		if (n.left_record_type != MMDB_RECORD_TYPE_SEARCH_NODE)
			break;
		node = n.left_record;
	}
	if (depth == 96) {
		w->v4node = node;
		if (!walk(w, 4, node, 0))
			return false;
	} else {
		/* ::/depth+1 is one record: all of IPv4 is in it. */
		memset(w->addr, 0, sizeof(w->addr));
		if (!leaf(w, 4, 0, n.left_record_type, &n.left_record_entry))
			return false;
	}
	memset(w->addr, 0, sizeof(w->addr));
	w->visits = 0;
	return walk(w, 6, 0, 0);
}

/* Report every database key given where no database is. */
static void
keys_without_db(struct loader *ld, const struct conf *c)
{
	const struct conf_zone	*z;
	size_t			 i;

	for (i = 0; i < c->nzones; i++) {
		z = &c->zones[i];
		if (z->ngeosel > 0)
			conf_errf_at(ld, z->file, z->geosel[0].line, "region "
			    "\"%s\": continents, countries, subdivisions and "
			    "asns need the main file's geoip database",
			    z->regions.names[z->geosel[0].region]);
	}
}

void
conf_geoip_apply(struct loader *ld, struct conf *c)
{
	struct walk	 w;
	MMDB_s		 db;
	size_t		 i;
	int		 st;

	if (c->geoip.database == NULL) {
		keys_without_db(ld, c);
		return;
	}
	errno = 0;
	if ((st = MMDB_open(c->geoip.database, MMDB_MODE_MMAP, &db)) !=
	    MMDB_SUCCESS) {
		conf_errf(ld, c->geoip.line, "geoip database \"%s\": %s",
		    c->geoip.database, (st == MMDB_IO_ERROR || st == MMDB_FILE_OPEN_ERROR) && errno != 0 ?
		    strerror(errno) : MMDB_strerror(st));
		return;
	}
	memset(&w, 0, sizeof(w));
	w.db = &db;
	w.c = c;
	w.zones = xcalloc(c->nzones + 1, sizeof(*w.zones));
	for (i = 0; i < c->nzones; i++)
		if (c->zones[i].ngeosel > 0) {
			c->zones[i].regions.geo = geo_map_new();
			w.zones[w.nzones++] = i;
		}
	w.mask = 1023;
	w.seen = xcalloc(w.mask + 1, sizeof(*w.seen));
	/* A tree visits each node once; the IPv4 subtree twice at most. */
	w.maxvisits = 2 * (size_t)db.metadata.node_count + 2;
	if (w.nzones > 0 && !walk_db(&w))
		conf_errf(ld, c->geoip.line, "geoip database \"%s\": %s",
		    c->geoip.database, w.err);
	for (i = 0; i < w.nzones; i++)
		geo_map_trim(c->zones[w.zones[i]].regions.geo);
	free(w.zones);
	free(w.seen);
	free(w.reg);
	MMDB_close(&db);
}
