/* conf_check.c -- a zone's "checks": the settings every kind shares */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "check.h"
#include "conf.h"
#include "conf_load.h"
#include "conf_schema.h"
#include "util.h"

#define MAX_KINDS	16

/* "type": the kind, from the list of kinds. */
static void
parse_type(struct loader *ld, const config_setting_t *s,
    const struct conf_key *k, void *obj, void *arg)
{
	struct conf_check	*ck = obj;
	const char		*t;
	char			 list[256];
	size_t			 i, off = 0;

	(void)k;
	(void)arg;
	if ((t = conf_get_str(ld, s)) == NULL)
		return;
	if ((ck->kind = check_kind_find(t)) != NULL)
		return;
	list[0] = '\0';
	for (i = 0; check_kinds[i] != NULL && off < sizeof(list); i++)
		off += snprintf(list + off, sizeof(list) - off, "%s%s",
		    i ? ", " : "", check_kinds[i]->name);
	conf_errf(ld, conf_line(s), "check \"%s\": unknown type \"%s\" (%s)",
	    ck->name, t, list);
}

static bool
same_type(const struct conf_key *k, const void *a, const void *b)
{
	(void)k;
	return ((const struct conf_check *)a)->kind ==
	    ((const struct conf_check *)b)->kind;
}

static const char *const initial_names[] = { "up", "down", NULL };

#define C(field)	CONF_FIELD(struct conf_check, field)

static const struct conf_key check_keys[] = {
	{ "type", CONF_CUSTOM, .parse = parse_type, .same = same_type,
	    .flags = CONF_REQUIRED, .doc = "the kind of check" },
	{ "port", CONF_UINT, C(port), .min = 1, .max = 65535,
	    .doc = "the port probed; default the kind's or the member's" },
	{ "interval", CONF_NUM, C(interval), .min = 0.1, .max = 86400,
	    .def = 5, .doc = "seconds between runs" },
	{ "timeout", CONF_NUM, C(timeout), .min = 0.01, .max = 3600,
	    .def = 2, .doc = "seconds a run may take" },
	{ "jitter", CONF_NUM, C(jitter), .min = 0, .max = 1, .def = 0.1,
	    .doc = "runs spread by this fraction of the interval" },
	{ "rise", CONF_UINT, C(rise), .min = 1, .max = 100, .def = 2,
	    .doc = "successes in a row that bring a target up" },
	{ "fall", CONF_UINT, C(fall), .min = 1, .max = 100, .def = 3,
	    .doc = "failures in a row that take a target down" },
	{ "initial", CONF_ENUM, C(initial), .names = initial_names,
	    .doc = "the state before the first result" },
	{ NULL }
};

const struct conf_section conf_check_section = {
	"a check", check_keys, "CHECKS"
};

/* Keys that belong to another kind are an error, not ignored. */
static void
other_kinds(struct loader *ld, const config_setting_t *g,
    const struct conf_check *ck)
{
	config_setting_t	*s;
	const char		*name;
	size_t			 k;
	int			 i;

	for (i = 0; (s = config_setting_get_elem(g, i)) != NULL; i++) {
		name = config_setting_name(s);
		if (name == NULL || conf_key_find(check_keys, name) != NULL ||
		    conf_key_find(ck->kind->keys, name) != NULL)
			continue;
		for (k = 0; check_kinds[k] != NULL; k++)
			if (conf_key_find(check_kinds[k]->keys, name) != NULL)
				break;
		if (check_kinds[k] != NULL)
			conf_errf(ld, conf_line(s), "check \"%s\": \"%s\" is not "
			    "a setting of %s checks", ck->name, name,
			    ck->kind->name);
	}
}

/* FNV-1a over the text of every compared setting: equal checks, equal. */
static uint64_t
hash_keys(uint64_t h, const struct conf_key *keys, const void *obj)
{
	const struct conf_key	*k;
	const char		*p;
	char			 buf[1024];

	for (k = keys; k->name != NULL; k++) {
		if (k->flags & CONF_NOCMP)
			continue;
		conf_key_format(k, obj, buf, sizeof(buf));
		for (p = k->name; *p != '\0'; p++)
			h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
		for (p = buf; *p != '\0'; p++)
			h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	}
	return h;
}

static uint64_t
check_hash(const struct conf_check *ck)
{
	uint64_t	 h = 0xcbf29ce484222325ULL;
	const char	*p;

	for (p = ck->kind->name; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	h = hash_keys(h, check_keys, ck);
	return hash_keys(h, ck->kind->keys, ck->opts);
}

static void
load_check(struct loader *ld, const config_setting_t *c,
    struct conf_check *ck)
{
	const struct conf_key	*tables[MAX_KINDS + 2];
	char			 ctx[128];
	size_t			 k, n = 0;

	ck->name = xstrdup(config_setting_name(c));
	ck->line = conf_line(c);
	conf_section_defaults(check_keys, ck);
	if (config_setting_type(c) != CONFIG_TYPE_GROUP) {
		conf_errf(ld, ck->line, "check \"%s\" must be a group",
		    ck->name);
		return;
	}
	tables[n++] = check_keys;
	for (k = 0; check_kinds[k] != NULL && n < MAX_KINDS + 1; k++)
		tables[n++] = check_kinds[k]->keys;
	tables[n] = NULL;
	conf_section_unknown(ld, c, "a check", tables);
	snprintf(ctx, sizeof(ctx), "check \"%s\": ", ck->name);
	conf_section_read(ld, c, check_keys, ck, ctx, NULL);
	if (ck->timeout > ck->interval)
		conf_errf(ld, ck->line, "check \"%s\": timeout %g longer than "
		    "interval %g", ck->name, ck->timeout, ck->interval);
	if (ck->kind == NULL)
		return;		/* reported */
	other_kinds(ld, c, ck);
	ck->opts = xcalloc(1, ck->kind->opts_size + 1);
	conf_section_defaults(ck->kind->keys, ck->opts);
	conf_section_read(ld, c, ck->kind->keys, ck->opts, ctx, ck);
	if (ck->kind->prepare != NULL)
		ck->kind->prepare(ld, c, ck);
	/* The kind's well-known port; tcp has none (members may give one). */
	if (ck->port == 0)
		ck->port = ck->kind->port;
	ck->hash = check_hash(ck);
}

void
conf_load_checks(struct loader *ld, const config_setting_t *g,
    struct conf_zone *z)
{
	config_setting_t	*c;
	int			 i;

	if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
		conf_errf(ld, conf_line(g), "\"checks\" must be a group, not %s",
		    conf_type_name(config_setting_type(g)));
		return;
	}
	z->checks = xcalloc(config_setting_length(g) + 1, sizeof(*z->checks));
	for (i = 0; (c = config_setting_get_elem(g, i)) != NULL; i++)
		load_check(ld, c, &z->checks[z->nchecks++]);
}

bool
conf_check_same(const struct conf_check *a, const struct conf_check *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	if (a->kind != b->kind || !conf_section_same(check_keys, a, b))
		return false;
	return a->kind == NULL || conf_section_same(a->kind->keys, a->opts,
	    b->opts);
}

void
conf_check_free(struct conf_check *ck)
{
	if (ck->kind != NULL && ck->opts != NULL)
		conf_section_free(ck->kind->keys, ck->opts);
	free(ck->opts);
	conf_section_free(check_keys, ck);
	free(ck->name);
}
