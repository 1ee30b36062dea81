/* conf_fleet.c -- the main file's "fleet" group */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "conf.h"
#include "conf_load.h"
#include "conf_schema.h"
#include "util.h"

/* The most nodes a fleet may have: a number quorum cannot exceed it. */
#define FLEET_MAX_NODES	64

/* "majority" (0) or a number of nodes. */
static void
parse_quorum(struct loader *ld, const config_setting_t *s,
    const struct conf_key *k, void *obj, void *arg)
{
	struct conf_fleet	*f = obj;
	int			 t = config_setting_type(s);
	long long		 v;

	(void)k;
	(void)arg;
	if (t == CONFIG_TYPE_STRING &&
	    strcmp(config_setting_get_string(s), "majority") == 0) {
		f->quorum = 0;
		return;
	}
	if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64) {
		conf_errf(ld, conf_line(s), "\"quorum\" must be \"majority\" "
		    "or a number of nodes");
		return;
	}
	v = config_setting_get_int64(s);
	if (v < 1 || v > FLEET_MAX_NODES) {
		conf_errf(ld, conf_line(s), "\"quorum\" %lld not in 1..%d", v,
		    FLEET_MAX_NODES);
		return;
	}
	f->quorum = v;
}

static bool
same_quorum(const struct conf_key *k, const void *a, const void *b)
{
	(void)k;
	return ((const struct conf_fleet *)a)->quorum ==
	    ((const struct conf_fleet *)b)->quorum;
}

static void
format_quorum(const struct conf_key *k, const void *obj, char *buf,
    size_t len)
{
	const struct conf_fleet	*f = obj;

	(void)k;
	if (f->quorum == 0)
		snprintf(buf, len, "\"majority\"");
	else
		snprintf(buf, len, "%u", f->quorum);
}

#define F(field)	CONF_FIELD(struct conf_fleet, field)

static const struct conf_key fleet_keys[] = {
	{ "node", CONF_STR, F(node), .flags = CONF_REQUIRED,
	    .example = "\"ns2\"",
	    .doc = "this node's name, unique in the fleet" },
	{ "etcd", CONF_STRS, F(etcd), .noff = offsetof(struct conf_fleet,
	    netcd), .flags = CONF_REQUIRED | CONF_NONEMPTY,
	    .example = "[ \"http://127.0.0.1:2379\" ]",
	    .doc = "etcd client endpoints, tried in turn" },
	{ "prefix", CONF_STR, F(prefix), .defs = "/steerdns/",
	    .doc = "the key prefix of every key" },
	{ "quorum", CONF_CUSTOM, .parse = parse_quorum, .same = same_quorum,
	    .format = format_quorum, .example = "2",
	    .doc = "nodes that must see a target down: majority or a number" },
	{ "lease", CONF_NUM, F(lease), .min = 1, .max = 300, .def = 5,
	    .doc = "seconds a node's verdicts outlive it" },
	{ NULL }
};

const struct conf_section conf_fleet_section = {
	"fleet", fleet_keys, "FLEET"
};

/* A node name goes into etcd keys: letters, digits, '.', '-', '_'. */
static bool
good_node(const char *s)
{
	size_t	 n = strlen(s);

	return n > 0 && n <= 63 && strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

void
conf_load_fleet(struct loader *ld, const config_setting_t *g, struct conf *c)
{
	static const struct conf_key *const tables[] = { fleet_keys, NULL };
	struct conf_fleet	*f = &c->fleet;
	config_setting_t	*s;
	size_t			 i, n;

	if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
		conf_errf(ld, conf_line(g), "\"fleet\" must be a group, not %s",
		    conf_type_name(config_setting_type(g)));
		return;
	}
	conf_section_defaults(fleet_keys, f);
	conf_section_unknown(ld, g, "fleet", tables);
	conf_section_read(ld, g, fleet_keys, f, "fleet: ", NULL);
	if (f->node != NULL && !good_node(f->node))
		conf_errf(ld, conf_line(conf_member(g, "node")), "fleet: bad "
		    "node name \"%s\": 1 to 63 letters, digits, '.', '-' or "
		    "'_'", f->node);
	for (i = 0; i < f->netcd; i++)
		if (strncmp(f->etcd[i], "http://", 7) != 0 &&
		    strncmp(f->etcd[i], "https://", 8) != 0) {
			s = conf_member(g, "etcd");
			conf_errf(ld, conf_elem_line(ld,
			    config_setting_get_elem(s, i)), "fleet: bad etcd "
			    "endpoint \"%s\": want http://HOST:PORT or "
			    "https://HOST:PORT", f->etcd[i]);
		}
	n = f->prefix != NULL ? strlen(f->prefix) : 0;
	if (n < 2 || f->prefix[0] != '/' || f->prefix[n - 1] != '/')
		conf_errf(ld, conf_line(conf_member(g, "prefix") != NULL ?
		    conf_member(g, "prefix") : g), "fleet: the prefix must "
		    "start and end with '/', as \"/steerdns/\"");
}

void
conf_fleet_free(struct conf *c)
{
	conf_section_free(fleet_keys, &c->fleet);
}
