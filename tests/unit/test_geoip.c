/* test_geoip.c -- regions from a GeoIP database: mapping, scopes, fallback */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <arpa/inet.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <maxminddb.h>

#include "conf.h"
#include "geo.h"
#include "health.h"
#include "lb.h"
#include "testutil.h"

#ifndef MMDB_WRITE
#error MMDB_WRITE must name tests/integration/mmdb_write.py
#endif

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* Where the databases of this run are written. */
static char	*dbdir;

/*
 * The networks of the test database.  Expected mappings below come from
 * the zone's regions; every kind of key is there, and networks that a
 * zone's prefix overrides.
 */
static const char *const networks =
    "[\"10.1.0.0/16\", {\"continent\": {\"code\": \"EU\"}, "
    "  \"country\": {\"iso_code\": \"DE\"}, "
    "  \"subdivisions\": [{\"iso_code\": \"BY\"}]}],"
    "[\"10.1.2.128/25\", {\"continent\": {\"code\": \"EU\"}, "
    "  \"country\": {\"iso_code\": \"DE\"}}],"
    "[\"10.2.0.0/16\", {\"continent\": {\"code\": \"EU\"}, "
    "  \"country\": {\"iso_code\": \"DE\"}, "
    "  \"subdivisions\": [{\"iso_code\": \"HE\"}]}],"
    "[\"10.3.0.0/24\", {\"continent\": {\"code\": \"AS\"}, "
    "  \"country\": {\"iso_code\": \"TR\"}}],"
    "[\"10.4.0.0/20\", {\"continent\": {\"code\": \"NA\"}, "
    "  \"country\": {\"iso_code\": \"US\"}, "
    "  \"autonomous_system_number\": 64500}],"
    "[\"10.5.0.0/16\", {\"continent\": {\"code\": \"NA\"}, "
    "  \"country\": {\"iso_code\": \"us\"}}],"
    "[\"10.6.0.0/16\", {\"continent\": {\"code\": \"EU\"}}],"
    "[\"10.7.0.0/16\", {\"continent\": {\"code\": \"OC\"}, "
    "  \"country\": {\"iso_code\": \"AU\"}}],"
    "[\"10.8.0.0/16\", {\"continent\": {\"iso_code\": \"EU\"}}],"
    "[\"10.9.0.0/16\", {\"autonomous_system_number\": 64501, "
    "  \"autonomous_system_organization\": \"Other\"}]";
static const char *const networks6 =
    ",[\"2001:db8:1::/48\", {\"continent\": {\"code\": \"EU\"}, "
    "  \"country\": {\"iso_code\": \"FR\"}}],"
    "[\"2001:db8:2::/48\", {\"autonomous_system_number\": 64500}],"
    "[\"2001:db8:3::/56\", {\"country\": {\"iso_code\": \"TR\"}}]";

static const char *const zone_text =
    "origin = \"lb.example.\";\n"
    "soa = { mname = \"ns1\"; rname = \"hostmaster\"; };\n"
    "ns = [ \"ns1\" ];\n"
    "records = [ \"ns1 A 192.0.2.1\" ];\n"
    "regions = {\n"
    "  eu = { continents = [ \"EU\" ]; };\n"
    "  tr = { countries = [ \"TR\" ]; };\n"
    "  by = { subdivisions = [ \"de-by\" ]; };\n"
    "  isp = { asns = [ 64500 ]; };\n"
    "  lab = { nets = [ \"10.1.2.0/24\", \"2001:db8:1:1::/64\" ]; };\n"
    "  old = [ \"10.6.0.0/16\" ];\n"
    "  us = { countries = [ \"US\" ]; continents = [ \"OC\" ]; "
    "subdivisions = [ \"AU-NSW\" ]; };\n"
    "};\n"
    "pools = { web = { members = (\n"
    "  { address = \"192.0.2.10\"; region = \"eu\"; },\n"
    "  { address = \"192.0.2.11\"; region = \"us\"; },\n"
    "  { address = \"192.0.2.12\"; region = \"by\"; },\n"
    "  { address = \"192.0.2.13\"; region = \"tr\"; }\n"
    "); }; };\n"
    "names = { www = { pool = \"web\"; strategy = \"geo\";\n"
    "  fallback_order = [ \"by -> eu -> any\", \"tr -> us\" ]; }; };\n";

/* Write the database spec into dbdir/name; its path (malloc'd). */
static char *
write_db(const char *name, const char *spec)
{
	char	*path = tu_printf("%s/%s", dbdir, name), *cmd;
	FILE	*p;

	cmd = tu_printf("python3 '%s' - '%s'", MMDB_WRITE, path);
	p = popen(cmd, "w");
	assert_non_null(p);
	assert_true(fputs(spec, p) >= 0);
	assert_int_equal(pclose(p), 0);
	free(cmd);
	return path;
}

static char *
spec_of(int ip_version, int record_size, bool aliases)
{
	return tu_printf("{\"ip_version\": %d, \"record_size\": %d, "
	    "\"aliases\": %s, \"networks\": [%s%s]}", ip_version, record_size,
	    aliases ? "true" : "false", networks, ip_version == 6 ?
	    networks6 : "");
}

/* Load a main file with geoip (database NULL: none) and one zone. */
static int
load(const char *database, const char *zone, struct conf **c,
    struct conf_errs *errs)
{
	struct tu_file	 f[2];
	char		*main_text;
	int		 rv;

	main_text = tu_printf("server = { listen = [ \"127.0.0.1:5353\" ]; "
	    "};\n%s%s%szones = [ \"z.conf\" ];\n", database != NULL ?
	    "geoip = {\n  database = \"" : "", database != NULL ? database :
	    "", database != NULL ? "\";\n};\n" : "");
	f[0].name = "steerdns.conf";
	f[0].text = main_text;
	f[1].name = "z.conf";
	f[1].text = zone;
	rv = tu_load_files(f, 2, c, errs);
	free(main_text);
	return rv;
}

static struct conf *
load_ok(const char *database, const char *zone)
{
	struct conf_errs	 errs = { 0 };
	struct conf		*c = NULL;

	if (load(database, zone, &c, &errs) != 0)
		tu_print_errs(&errs);
	assert_non_null(c);
	conf_errs_clear(&errs);
	return c;
}

/* The one error a load must fail with ends with want. */
static void
load_fails(const char *database, const char *zone, const char *want)
{
	struct conf_errs	 errs = { 0 };
	struct conf		*c = NULL;
	size_t			 n, w = strlen(want);

	assert_int_equal(load(database, zone, &c, &errs), -1);
	assert_null(c);
	if (errs.n == 0)
		fail_msg("no error, want %s", want);
	n = strlen(errs.msg[0]);
	if (n < w || strcmp(errs.msg[0] + n - w, want) != 0) {
		tu_print_errs(&errs);
		fail_msg("want ...%s", want);
	}
	conf_errs_clear(&errs);
}

static uint16_t
region_index(const struct lb_regions *r, const char *name)
{
	size_t	 i;

	if (name == NULL)
		return LB_NO_REGION;
	for (i = 0; i < r->nnames; i++)
		if (strcmp(r->names[i], name) == 0)
			return i;
	fail_msg("no region %s", name);
	return LB_NO_REGION;
}

/* One client: address, bits known, region (NULL: none), ECS scope. */
struct want {
	const char	*addr;
	uint8_t		 bits;
	const char	*region;
	uint8_t		 scope;
};

static const struct want want4[] = {
	/* 10.1.0.0/16 is cut by 10.1.2.128/25: the tree's leaves. */
	{ "10.1.200.1", 32, "by", 17 },		/* subdivision DE-BY */
	{ "10.1.5.5", 32, "by", 22 },
	{ "10.1.3.1", 32, "by", 24 },
	{ "10.1.2.200", 32, "lab", 24 },	/* the zone's prefix wins */
	{ "10.1.2.1", 32, "lab", 24 },		/* ... over a longer one */
	{ "10.2.0.1", 32, "eu", 16 },		/* continent EU, not BY */
	{ "10.2.0.0", 12, "eu", 12 },		/* capped by what we know */
	{ "10.3.0.9", 32, "tr", 24 },		/* country TR */
	{ "10.4.15.255", 32, "isp", 20 },	/* the ASN wins over US */
	{ "10.4.16.0", 32, NULL, 20 },		/* next to it: nothing */
	{ "10.5.1.1", 32, "us", 16 },		/* "us" in the database */
	{ "10.6.1.1", 32, "old", 16 },		/* the array form wins */
	{ "10.7.0.1", 32, "us", 16 },		/* continent OC */
	{ "10.8.0.1", 32, "eu", 16 },		/* continent.iso_code */
	{ "10.9.0.1", 32, NULL, 16 },		/* an ASN of no region */
	{ "10.200.0.1", 32, NULL, 9 },		/* not in the database */
	{ "192.0.2.1", 24, NULL, 1 },		/* ... its empty half */
};

static const struct want want6[] = {
	{ "2001:db8:1:2::1", 128, "eu", 63 },	/* out of lab's /64 */
	{ "2001:db8:1:1::1", 64, "lab", 64 },	/* the zone's prefix */
	{ "2001:db8:1::", 40, "eu", 40 },	/* capped */
	{ "2001:db8:2:ffff::1", 56, "isp", 48 },
	{ "2001:db8:3::1", 128, "tr", 56 },
	{ "2001:db8:3:100::1", 128, NULL, 56 },
	{ "2001:db8:4::1", 128, NULL, 46 },
	/* IPv4 space inside IPv6 is IPv4's: no region here. */
	{ "::a01:c801", 128, NULL, 96 },
};

static void
check_wants(const struct lb_regions *r, const struct want *w, size_t n,
    int ip_version, const char *what)
{
	uint8_t		 a[16], scope;
	uint16_t	 got;
	size_t		 i;
	int		 fam;

	for (i = 0; i < n; i++) {
		memset(a, 0, sizeof(a));
		fam = inet_pton(AF_INET, w[i].addr, a) == 1 ? 4 : 6;
		if (fam == 6)
			assert_int_equal(inet_pton(AF_INET6, w[i].addr, a), 1);
		scope = 0xee;
		got = lb_region_of(r, fam, a, w[i].bits, &scope);
		if (fam == 6 && ip_version == 4) {
			/* An IPv4 database knows no IPv6 client. */
			if (strcmp(w[i].addr, "2001:db8:1:1::1") == 0)
				continue;
			if (got != LB_NO_REGION)
				fail_msg("%s: %s in a region", what, w[i].addr);
			continue;
		}
		if (got != region_index(r, w[i].region) ||
		    scope != w[i].scope)
			fail_msg("%s: %s/%u: region %s scope %u, want %s scope "
			    "%u", what, w[i].addr, w[i].bits, got ==
			    LB_NO_REGION ? "none" : r->names[got], scope,
			    w[i].region != NULL ? w[i].region : "none",
			    w[i].scope);
	}
}

/* Every mapping and scope, for each record size, with and without the
 * aliases MaxMind's files have, and from an IPv4 database. */
static void
every_mapping(void **state)
{
	static const int	 sizes[] = { 24, 28, 32 };
	struct conf		*c;
	char			*spec, *db, what[64];
	size_t			 i;
	int			 alias, ipv;

	(void)state;
	for (ipv = 4; ipv <= 6; ipv += 2)
		for (i = 0; i < NITEMS(sizes); i++)
			for (alias = 0; alias < (ipv == 6 ? 2 : 1); alias++) {
				snprintf(what, sizeof(what), "IPv%d, %d-bit "
				    "records%s", ipv, sizes[i], alias ?
				    ", aliases" : "");
				spec = spec_of(ipv, sizes[i], alias);
				db = write_db("t.mmdb", spec);
				c = load_ok(db, zone_text);
				assert_non_null(c->zones[0].regions.geo);
				check_wants(&c->zones[0].regions, want4,
				    NITEMS(want4), ipv, what);
				check_wants(&c->zones[0].regions, want6,
				    NITEMS(want6), ipv, what);
				conf_free(c);
				free(db);
				free(spec);
			}
}

/* Neighbours of one region and length are one run: the map is small. */
static void
neighbours_merge(void **state)
{
	struct conf	*c;
	char		*db, *spec, *nets = NULL, *t;
	int		 i;

	(void)state;
	nets = tu_printf("[\"10.0.0.0/24\", {\"country\": "
	    "{\"iso_code\": \"TR\"}}]");
	for (i = 1; i < 64; i++) {
		t = tu_printf("%s,[\"10.0.%d.0/24\", {\"country\": "
		    "{\"iso_code\": \"TR\"}}]", nets, i);
		free(nets);
		nets = t;
	}
	spec = tu_printf("{\"ip_version\": 4, \"networks\": [%s]}", nets);
	db = write_db("m.mmdb", spec);
	c = load_ok(db, zone_text);
	/* Before, the run of TR, the empty rest: a handful, not 64. */
	assert_true(geo_map_runs(c->zones[0].regions.geo, 4) < 40);
	assert_int_equal(geo_map_runs(c->zones[0].regions.geo, 6), 0);
	conf_free(c);
	free(db);
	free(spec);
	free(nets);
}

/* Our files are read back by libmaxminddb itself, as a check of them. */
static void
writer_is_read_by_libmaxminddb(void **state)
{
	MMDB_s			 db;
	MMDB_lookup_result_s	 r;
	MMDB_entry_data_s	 d;
	char			*spec, *path;
	int			 gai, err;

	(void)state;
	spec = spec_of(6, 28, true);
	path = write_db("l.mmdb", spec);
	assert_int_equal(MMDB_open(path, MMDB_MODE_MMAP, &db), MMDB_SUCCESS);
	r = MMDB_lookup_string(&db, "::ffff:10.1.5.5", &gai, &err);
	assert_int_equal(gai, 0);
	assert_int_equal(err, MMDB_SUCCESS);
	assert_true(r.found_entry);
	assert_int_equal(r.netmask, 96 + 22);
	assert_int_equal(MMDB_get_value(&r.entry, &d, "subdivisions", "0",
	    "iso_code", NULL), MMDB_SUCCESS);
	assert_int_equal(d.data_size, 2);
	assert_memory_equal(d.utf8_string, "BY", 2);
	MMDB_close(&db);
	free(path);
	free(spec);
}

/* A missing or corrupt database is an error at the line naming it. */
static void
bad_databases(void **state)
{
	char	*db, *spec, *want;
	FILE	*f;

	(void)state;
	want = tu_printf("steerdns.conf:3: geoip database \"%s/none.mmdb\": "
	    "No such file or directory", dbdir);
	db = tu_printf("%s/none.mmdb", dbdir);
	load_fails(db, zone_text, want);
	free(want);
	free(db);

	db = tu_printf("%s/junk.mmdb", dbdir);
	assert_non_null(f = fopen(db, "w"));
	fputs("not a database at all\n", f);
	fclose(f);
	want = tu_printf("geoip database \"%s\": %s", db,
	    MMDB_strerror(MMDB_INVALID_METADATA_ERROR));
	load_fails(db, zone_text, want);
	free(want);
	free(db);

	/* Records that point into an empty data section: at its marker. */
	spec = tu_printf("{\"ip_version\": 4, \"raw_tail\": \"\", "
	    "\"networks\": [%s]}", networks);
	db = write_db("cut.mmdb", spec);
	want = tu_printf("geoip database \"%s\": bad data record: %s", db,
	    MMDB_strerror(MMDB_INVALID_DATA_ERROR));
	load_fails(db, zone_text, want);
	free(want);
	free(db);
	free(spec);
}

/* Keys of the database with no database; bad and doubled keys. */
static void
bad_regions(void **state)
{
	char	*db, *spec, *z;

	(void)state;
	load_fails(NULL, zone_text, "z.conf:6: region \"eu\": continents, "
	    "countries, subdivisions and asns need the main file's geoip "
	    "database");
	spec = spec_of(4, 24, false);
	db = write_db("e.mmdb", spec);
	z = tu_printf("origin = \"lb.example.\";\n"
	    "soa = { mname = \"ns1\"; rname = \"hostmaster\"; };\n"
	    "ns = [ \"ns1\" ];\nrecords = [ \"ns1 A 192.0.2.1\" ];\n"
	    "regions = {\n  eu = { countries = [ \"TRK\" ]; };\n};\n");
	load_fails(db, z, "z.conf:6: region \"eu\": bad country code "
	    "\"TRK\": want two letters");
	free(z);
	z = tu_printf("origin = \"lb.example.\";\n"
	    "soa = { mname = \"ns1\"; rname = \"hostmaster\"; };\n"
	    "ns = [ \"ns1\" ];\nrecords = [ \"ns1 A 192.0.2.1\" ];\n"
	    "regions = {\n  eu = { countries = [ \"TR\" ]; };\n"
	    "  as = { countries = [ \"tr\" ]; };\n};\n");
	load_fails(db, z, "z.conf:7: country \"TR\" is in two regions, "
	    "\"eu\" and \"as\"");
	free(z);
	z = tu_printf("origin = \"lb.example.\";\n"
	    "soa = { mname = \"ns1\"; rname = \"hostmaster\"; };\n"
	    "ns = [ \"ns1\" ];\nrecords = [ \"ns1 A 192.0.2.1\" ];\n"
	    "regions = {\n  eu = { subdivisions = [ \"BY\" ]; };\n};\n");
	load_fails(db, z, "z.conf:6: region \"eu\": bad subdivision code "
	    "\"BY\": want COUNTRY-CODE, as \"DE-BY\"");
	free(z);
	z = tu_printf("origin = \"lb.example.\";\n"
	    "soa = { mname = \"ns1\"; rname = \"hostmaster\"; };\n"
	    "ns = [ \"ns1\" ];\nrecords = [ \"ns1 A 192.0.2.1\" ];\n"
	    "regions = {\n  eu = { asns = [ 0 ]; };\n};\n");
	load_fails(db, z, "z.conf:6: region \"eu\": bad AS number: want "
	    "1..4294967295");
	free(z);
	z = tu_printf("origin = \"lb.example.\";\n"
	    "soa = { mname = \"ns1\"; rname = \"hostmaster\"; };\n"
	    "ns = [ \"ns1\" ];\nrecords = [ \"ns1 A 192.0.2.1\" ];\n"
	    "regions = {\n  eu = { };\n};\n");
	load_fails(db, z, "z.conf:6: region \"eu\" is empty");
	free(z);
	free(db);
	free(spec);
}

/* The zone with the names part replaced by tail. */
static char *
zone_with_names(const char *tail)
{
	const char	*p = strstr(zone_text, "names = ");

	return tu_printf("%.*s%s", (int)(p - zone_text), zone_text, tail);
}

static void
bad_fallback_orders(void **state)
{
	static const struct {
		const char	*names, *want;
	} cases[] = {
		{ "names = { www = { pool = \"web\"; strategy = \"geo\"; "
		  "fallback_order = [ \"by -> mars\" ]; }; };\n",
		  "z.conf:20: name \"www\": fallback_order \"by -> mars\": "
		  "region \"mars\" not found" },
		{ "names = { www = { pool = \"web\"; strategy = \"geo\"; "
		  "fallback_order = [ \"by -> eu\", \"by -> us\" ]; }; };\n",
		  "z.conf:20: name \"www\": two fallback_order entries start "
		  "with \"by\"" },
		{ "names = { www = { pool = \"web\"; strategy = \"geo\"; "
		  "fallback_order = [ \"by -> any -> eu\" ]; }; };\n",
		  "z.conf:20: name \"www\": fallback_order \"by -> any -> "
		  "eu\": nothing comes after \"any\"" },
		{ "names = { www = { pool = \"web\"; strategy = \"geo\"; "
		  "fallback_order = [ \"any -> eu\" ]; }; };\n",
		  "z.conf:20: name \"www\": fallback_order \"any -> eu\" must "
		  "start with a region" },
		{ "names = { www = { pool = \"web\"; strategy = \"geo\"; "
		  "fallback_order = [ \"by -> eu -> by\" ]; }; };\n",
		  "z.conf:20: name \"www\": fallback_order \"by -> eu -> by\": "
		  "region \"by\" twice" },
		{ "names = { www = { pool = \"web\"; strategy = \"geo\"; "
		  "fallback_order = [ \"by ->\" ]; }; };\n",
		  "z.conf:20: name \"www\": bad fallback_order \"by ->\": want "
		  "\"REGION -> REGION ... [-> any]\"" },
		{ "names = { www = { pool = \"web\"; chain = [ \"up\" ]; "
		  "fallback_order = [ \"by -> eu\" ]; }; };\n",
		  "z.conf:20: name \"www\": fallback_order but the chain has "
		  "no topology step" },
	};
	char	*db, *spec, *z;
	size_t	 i;

	(void)state;
	spec = spec_of(6, 28, false);
	db = write_db("f.mmdb", spec);
	for (i = 0; i < NITEMS(cases); i++) {
		z = zone_with_names(cases[i].names);
		load_fails(db, z, cases[i].want);
		free(z);
	}
	free(db);
	free(spec);
}

/*
 * The topology step walks the client's fallback order: its region while
 * a member there is usable, then the next, "any" keeps all.
 */
static void
fallback_order_runs(void **state)
{
	const struct lb_strategy *topo = lb_strategy_find("topology");
	struct conf		*c;
	struct lb_step		 st = { .s = topo };
	struct lb_member	 m[4];
	struct lb_cand		 cand[4];
	struct lb_query		 q;
	const struct lb_regions	*r;
	char			*db, *spec;
	uint16_t		 eu, us, by, tr;
	size_t			 i, n;

	(void)state;
	spec = spec_of(6, 28, false);
	db = write_db("r.mmdb", spec);
	c = load_ok(db, zone_text);
	r = &c->zones[0].regions;
	eu = region_index(r, "eu");
	us = region_index(r, "us");
	by = region_index(r, "by");
	tr = region_index(r, "tr");
	memset(m, 0, sizeof(m));
	m[0].region = eu;
	m[1].region = us;
	m[2].region = by;
	m[3].region = tr;
	memset(&q, 0, sizeof(q));
	q.members = m;
	q.regions = r;
	q.fallback = (const uint16_t *const *)c->zones[0].names[0].order;
	q.family = 4;
	q.bits = 32;
	assert_int_equal(inet_pton(AF_INET, "10.1.200.1", q.addr), 1);

#define RUN(mask) do {						\
	for (i = 0; i < 4; i++) {					\
		cand[i].member = i;					\
		cand[i].usable = ((mask) >> i) & 1;			\
	}								\
	q.scope = 0;							\
	n = lb_step_run(&st, &q, cand, 4);				\
} while (0)

	/* A client in "by": its member while it is usable ... */
	RUN(0xf);
	assert_int_equal(n, 1);
	assert_int_equal(cand[0].member, 2);
	assert_int_equal(q.scope, 17);
	/* ... then eu's ... */
	RUN(0xb);
	assert_int_equal(n, 1);
	assert_int_equal(cand[0].member, 0);
	/* ... then any: all of them. */
	RUN(0xa);
	assert_int_equal(n, 4);
	RUN(0x0);
	assert_int_equal(n, 4);
	/* "tr -> us": without "any" the end keeps all too. */
	assert_int_equal(inet_pton(AF_INET, "10.3.0.1", q.addr), 1);
	RUN(0x7);
	assert_int_equal(n, 1);
	assert_int_equal(cand[0].member, 1);
	RUN(0x5);
	assert_int_equal(n, 4);
	/* eu has no entry: today's rule, its members, usable or not. */
	assert_int_equal(inet_pton(AF_INET, "10.2.0.1", q.addr), 1);
	RUN(0x0);
	assert_int_equal(n, 1);
	assert_int_equal(cand[0].member, 0);
	/* Without fallback_order, "by" keeps its own even when down. */
	q.fallback = NULL;
	assert_int_equal(inet_pton(AF_INET, "10.1.200.1", q.addr), 1);
	RUN(0xb);
	assert_int_equal(n, 1);
	assert_int_equal(cand[0].member, 2);
	(void)us;
	(void)tr;
#undef RUN
	conf_free(c);
	free(db);
	free(spec);
}

static int
setup(void **state)
{
	const char	*tmp = getenv("TMPDIR");

	(void)state;
	dbdir = tu_printf("%s/steerdns-geo.XXXXXX", tmp != NULL && *tmp !=
	    '\0' ? tmp : "/tmp");
	return mkdtemp(dbdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char	*cmd;

	(void)state;
	cmd = tu_printf("rm -rf '%s'", dbdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dbdir);
	free(cmd);
	free(dbdir);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(writer_is_read_by_libmaxminddb),
		cmocka_unit_test(every_mapping),
		cmocka_unit_test(neighbours_merge),
		cmocka_unit_test(bad_databases),
		cmocka_unit_test(bad_regions),
		cmocka_unit_test(bad_fallback_orders),
		cmocka_unit_test(fallback_order_runs),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
