/* test_conf_schema.c -- the config tables: the man page, equality, values */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "check.h"
#include "conf.h"
#include "conf_schema.h"
#include "lb.h"
#include "testutil.h"

#ifndef CONF_DIR
#error CONF_DIR must name tests/unit/conf
#endif
#define MAN_CONF	CONF_DIR "/../../../man/steerdns.conf.5"

/* One ".It Ic key" of the page, with the .Sh it is under. */
struct man_key {
	char	 sec[64];
	char	 key[64];
	bool	 seen;
};

/* The ".It Ic key" entries of steerdns.conf(5), or the ".It Cm" of sec. */
static size_t
man_items(const char *macro, const char *only, struct man_key *out,
    size_t max)
{
	char	 line[512], sec[64] = "", *p;
	size_t	 n = 0, ml = strlen(macro);
	FILE	*f;

	if ((f = fopen(MAN_CONF, "r")) == NULL)
		fail_msg("%s: cannot read", MAN_CONF);
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, ".Sh ", 4) == 0) {
			snprintf(sec, sizeof(sec), "%.60s", line + 4);
			continue;
		}
		if (only != NULL && strcmp(sec, only) != 0)
			continue;
		if (strncmp(line, macro, ml) != 0)
			continue;
		/* A table row (".It Cm name Ta ...") is not an entry. */
		if (strstr(line, " Ta ") != NULL)
			continue;
		p = line + ml;
		if (n == max)
			fail_msg("too many entries in %s", MAN_CONF);
		snprintf(out[n].sec, sizeof(out[n].sec), "%s", sec);
		snprintf(out[n].key, sizeof(out[n].key), "%.*s",
		    (int)strcspn(p, " "), p);
		out[n].seen = false;
		n++;
	}
	fclose(f);
	return n;
}

static void
want_key(struct man_key *m, size_t n, const char *sec, const char *key)
{
	size_t	 i;
	bool	 found = false;

	/* A section may hold two tables with a key of the same name (a
	   pool's "name" and a member's): each entry is one of them. */
	for (i = 0; i < n; i++)
		if (strcmp(m[i].sec, sec) == 0 && strcmp(m[i].key, key) == 0) {
			m[i].seen = true;
			found = true;
		}
	if (found)
		return;
	fail_msg("steerdns.conf(5) has no \".It Ic %s\" under .Sh %s", key,
	    sec);
}

/*
 * Every key of every table is documented in its section of the page, and
 * every key the page documents is in a table.
 */
static void
man_page_keys_are_the_tables(void **state)
{
	struct man_key		 m[256];
	const struct conf_key	*k;
	size_t			 n, i, s;

	(void)state;
	n = man_items(".It Ic ", NULL, m, 256);
	assert_true(n > 50);
	for (s = 0; conf_sections[s] != NULL; s++)
		for (k = conf_sections[s]->keys; k->name != NULL; k++)
			want_key(m, n, conf_sections[s]->man, k->name);
	for (s = 0; check_kinds[s] != NULL; s++)
		for (k = check_kinds[s]->keys; k->name != NULL; k++)
			want_key(m, n, "CHECKS", k->name);
	for (i = 0; i < n; i++)
		if (!m[i].seen)
			fail_msg("steerdns.conf(5) documents \"%s\" under %s, "
			    "but no table has it", m[i].key, m[i].sec);
}

/* conf_section_read() maps members to keys by name: at most
 * CONF_KEYS_MAX keys a table, each name once. */
static void
tables_fit_the_reader(void **state)
{
	const struct conf_key	*tabs[64], *k, *o;
	size_t			 nt = 0, s, n;

	(void)state;
	for (s = 0; conf_sections[s] != NULL; s++)
		tabs[nt++] = conf_sections[s]->keys;
	for (s = 0; check_kinds[s] != NULL; s++)
		tabs[nt++] = check_kinds[s]->keys;
	for (s = 0; s < nt; s++) {
		n = 0;
		for (k = tabs[s]; k->name != NULL; k++, n++)
			for (o = tabs[s]; o < k; o++)
				if (strcmp(o->name, k->name) == 0)
					fail_msg("key \"%s\" twice in a table",
					    k->name);
		assert_true(n <= CONF_KEYS_MAX);
	}
}

/*
 * Every strategy is documented with its parameters, every entry of the
 * page is a strategy, and the table of presets is lb_presets.
 */
static void
man_page_strategies_are_the_list(void **state)
{
	struct man_key		 m[64];
	const struct lb_param	*pm;
	const struct lb_preset	*pr;
	char			 line[512], want[256], *p;
	size_t			 n, i, s, k, rows = 0, off;
	FILE			*f;
	bool			 found;

	(void)state;
	n = man_items(".It Cm ", "STRATEGIES", m, 64);
	for (s = 0; lb_strategies[s] != NULL; s++) {
		for (i = 0; i < n; i++)
			if (strcmp(m[i].key, lb_strategies[s]->name) == 0)
				break;
		if (i == n)
			fail_msg("steerdns.conf(5) does not document the "
			    "strategy \"%s\"", lb_strategies[s]->name);
		m[i].seen = true;
	}
	for (i = 0; i < n; i++)
		if (!m[i].seen)
			fail_msg("steerdns.conf(5): \"%s\" is no strategy",
			    m[i].key);
	/* Each parameter on its strategy's line, as "Cm name Ns =". */
	if ((f = fopen(MAN_CONF, "r")) == NULL)
		fail_msg("%s: cannot read", MAN_CONF);
	for (s = 0; lb_strategies[s] != NULL; s++) {
		rewind(f);
		found = false;
		while (fgets(line, sizeof(line), f) != NULL) {
			snprintf(want, sizeof(want), ".It Cm %s",
			    lb_strategies[s]->name);
			if (strncmp(line, want, strlen(want)) != 0 ||
			    (line[strlen(want)] != ' ' &&
			    line[strlen(want)] != '\n') ||
			    strstr(line, " Ta ") != NULL)
				continue;
			found = true;
			for (pm = lb_strategies[s]->params; pm != NULL &&
			    pm->name != NULL; pm++) {
				if (pm->type == LB_PARAM_COUNT)
					snprintf(want, sizeof(want), " Ar ");
				else
					snprintf(want, sizeof(want),
					    "Cm %s Ns =", pm->name);
				if (strstr(line, want) == NULL)
					fail_msg("steerdns.conf(5): %s lacks its "
					    "parameter %s", lb_strategies[s]->name,
					    pm->name);
			}
		}
		assert_true(found);
	}
	/* The presets table: ".It Cm preset Ta step, step". */
	rewind(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, ".It Cm ", 7) != 0 ||
		    (p = strstr(line, " Ta ")) == NULL)
			continue;
		*p = '\0';
		line[strcspn(line, "\n")] = '\0';
		p[4 + strcspn(p + 4, "\n")] = '\0';
		if ((pr = lb_preset_find(line + 7)) == NULL)
			fail_msg("steerdns.conf(5): unknown preset \"%s\"",
			    line + 7);
		off = 0;
		want[0] = '\0';
		for (k = 0; k < NITEMS(pr->steps) && pr->steps[k] != NULL; k++)
			off += snprintf(want + off, sizeof(want) - off, "%s%s",
			    k ? ", " : "", pr->steps[k]);
		assert_string_equal(p + 4, want);
		rows++;
	}
	fclose(f);
	for (k = 0; lb_presets[k].name != NULL; k++)
		;
	assert_int_equal(rows, k);
}

/* A value of key other than its default, as config text. */
static void
other_value(const struct conf_key *k, char *buf, size_t len)
{
	if (k->example != NULL) {
		snprintf(buf, len, "%s", k->example);
		return;
	}
	switch (k->type) {
	case CONF_UINT:
		snprintf(buf, len, "%.0f", k->min != k->def ? k->min : k->max);
		break;
	case CONF_NUM:
		snprintf(buf, len, "%g", (k->min + k->def) / 2);
		break;
	case CONF_BOOL:
		snprintf(buf, len, "%s", k->def ? "false" : "true");
		break;
	case CONF_ENUM:
		snprintf(buf, len, "\"%s\"", k->names[k->def == 1 ? 0 : 1]);
		break;
	case CONF_STRS:
		snprintf(buf, len, "[ \"x\" ]");
		break;
	default:
		snprintf(buf, len, "\"/other\"");
		break;
	}
}

/* What a check of the kind needs to load at all. */
static const char *
kind_base(const struct check_kind *kind)
{
	if (strcmp(kind->name, "dns") == 0)
		return "qname = \"a.example.\"; ";
	if (strcmp(kind->name, "exec") == 0)
		return "command = \"true\"; ";
	return "";
}

static const struct conf_check *
check_named(const struct conf *c, const char *name)
{
	size_t	 i;

	for (i = 0; i < c->zones[0].nchecks; i++)
		if (strcmp(c->zones[0].checks[i].name, name) == 0)
			return &c->zones[0].checks[i];
	fail_msg("no check %s", name);
	return NULL;
}

/*
 * Two checks that differ in any one setting are not the same check (so
 * a reload does not carry health over a changed check), and two written
 * alike are, whatever their names.  Every key of every kind is tried.
 */
static void
check_equality_covers_every_key(void **state)
{
	extern const struct conf_section	 conf_check_section;
	const struct conf_key			*tables[2], *k;
	char					 val[128], key[64], *zone, *text;
	const char				*cbase;
	const char				*zp[1];
	struct conf				*c;
	size_t					 s, t, tried = 0;

	(void)state;
	for (s = 0; check_kinds[s] != NULL; s++) {
		tables[0] = conf_check_section.keys;
		tables[1] = check_kinds[s]->keys;
		for (t = 0; t < 2; t++)
			for (k = tables[t]; k->name != NULL; k++) {
				if (strcmp(k->name, "type") == 0)
					continue;
				other_value(k, val, sizeof(val));
				/* The key written once: not also in the base. */
				snprintf(key, sizeof(key), "%s =", k->name);
				cbase = strstr(kind_base(check_kinds[s]), key) ==
				    NULL ? kind_base(check_kinds[s]) : "";
				zone = tu_printf("origin = \"lb.example.\";\n"
				    "soa = { mname = \"ns1\"; rname = \"h\"; };\n"
				    "ns = [ \"ns1\" ];\n"
				    "checks = {\n"
				    "  a = { type = \"%s\"; %s};\n"
				    "  b = { type = \"%s\"; %s};\n"
				    "  c = { type = \"%s\"; %s%s = %s; };\n"
				    "};\n", check_kinds[s]->name,
				    kind_base(check_kinds[s]),
				    check_kinds[s]->name,
				    kind_base(check_kinds[s]),
				    check_kinds[s]->name, cbase, k->name, val);
				zp[0] = zone;
				c = tu_load_zones(zp, 1);
				if (!conf_check_same(check_named(c, "a"),
				    check_named(c, "b")))
					fail_msg("%s: two checks written alike "
					    "differ", check_kinds[s]->name);
				text = tu_printf("%s %s = %s",
				    check_kinds[s]->name, k->name, val);
				if (conf_check_same(check_named(c, "a"),
				    check_named(c, "c")))
					fail_msg("%s: counts as the same check",
					    text);
				free(text);
				conf_free(c);
				free(zone);
				tried++;
			}
	}
	assert_true(tried > 30);
}

/* The engine's own behaviour: defaults, formats, equality of arrays. */
struct sample {
	unsigned	 n;
	double		 x;
	bool		 b;
	char		*s;
	char		**v;
	size_t		 nv;
	int		 e;
};

static const char *const sample_names[] = { "one", "two", "three", NULL };

static const struct conf_key sample_keys[] = {
	{ "n", CONF_UINT, CONF_FIELD(struct sample, n), .min = 1, .max = 9,
	    .def = 3 },
	{ "x", CONF_NUM, CONF_FIELD(struct sample, x), .min = 0, .max = 1,
	    .def = 0.5 },
	{ "b", CONF_BOOL, CONF_FIELD(struct sample, b), .def = 1 },
	{ "s", CONF_STR, CONF_FIELD(struct sample, s), .defs = "dflt" },
	{ "v", CONF_STRS, CONF_FIELD(struct sample, v),
	    .noff = offsetof(struct sample, nv) },
	{ "e", CONF_ENUM, CONF_FIELD(struct sample, e), .names = sample_names,
	    .def = -1 },
	{ NULL }
};

static void
engine_defaults_format_same(void **state)
{
	struct sample	 a, b;
	char		 buf[128];
	char		*v[] = { (char *)"p", (char *)"q" };
	char		*w[] = { (char *)"p", (char *)"r" };

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	conf_section_defaults(sample_keys, &a);
	conf_section_defaults(sample_keys, &b);
	assert_int_equal(a.n, 3);
	assert_true(a.x == 0.5);
	assert_true(a.b);
	assert_string_equal(a.s, "dflt");
	assert_int_equal(a.e, -1);
	conf_key_format(&sample_keys[0], &a, buf, sizeof(buf));
	assert_string_equal(buf, "3");
	conf_key_format(&sample_keys[1], &a, buf, sizeof(buf));
	assert_string_equal(buf, "0.5");
	conf_key_format(&sample_keys[2], &a, buf, sizeof(buf));
	assert_string_equal(buf, "true");
	conf_key_format(&sample_keys[3], &a, buf, sizeof(buf));
	assert_string_equal(buf, "\"dflt\"");
	conf_key_format(&sample_keys[5], &a, buf, sizeof(buf));
	assert_string_equal(buf, "(none)");
	assert_true(conf_section_same(sample_keys, &a, &b));
	a.e = 1;
	conf_key_format(&sample_keys[5], &a, buf, sizeof(buf));
	assert_string_equal(buf, "\"two\"");
	assert_false(conf_section_same(sample_keys, &a, &b));
	b.e = 1;
	a.v = v;
	a.nv = 2;
	b.v = w;
	b.nv = 2;
	conf_key_format(&sample_keys[4], &a, buf, sizeof(buf));
	assert_string_equal(buf, "[ \"p\", \"q\" ]");
	assert_false(conf_section_same(sample_keys, &a, &b));
	b.v = v;
	assert_true(conf_section_same(sample_keys, &a, &b));
	b.nv = 1;
	assert_false(conf_section_same(sample_keys, &a, &b));
	a.v = b.v = NULL;
	a.nv = b.nv = 0;
	free(a.s);
	a.s = NULL;
	assert_false(conf_section_same(sample_keys, &a, &b));
	conf_section_free(sample_keys, &b);
	assert_null(b.s);
	assert_non_null(conf_key_find(sample_keys, "v"));
	assert_null(conf_key_find(sample_keys, "w"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(man_page_keys_are_the_tables),
		cmocka_unit_test(man_page_strategies_are_the_list),
		cmocka_unit_test(tables_fit_the_reader),
		cmocka_unit_test(check_equality_covers_every_key),
		cmocka_unit_test(engine_defaults_format_same),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
