/* test_conf_zfile.c -- records_file: master files, their directives and
 * every error, each at its file and line */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#ifndef CONF_DIR
#error CONF_DIR must name tests/unit/conf
#endif

#define D	CONF_DIR "/"

#define assert_errs(name, want)	tu_assert_errs(D, (name), (want))

static struct conf *
load_ok(const char *name)
{
	struct conf		*c = NULL;
	struct conf_errs	 errs = { NULL, 0 };
	char			*path;
	size_t			 n;
	int			 rv;

	path = tu_printf("%s%s", D, name);
	rv = conf_load(path, &c, &errs);
	free(path);
	tu_print_errs(&errs);
	n = errs.n;
	conf_errs_clear(&errs);
	assert_int_equal(n, 0);
	assert_int_equal(rv, 0);
	assert_non_null(c);
	return c;
}

/*
 * The record of z whose text (ldns_rr2str without the newline) is want,
 * written at file (below CONF_DIR) and line; fails when there is none.
 */
static void
assert_rr_at(const struct conf_zone *z, const char *want, const char *file,
    int line)
{
	char	*s, *path = tu_printf("%s%s", D, file);
	size_t	 i, n;
	bool	 found = false;

	for (i = 0; i < z->nrrs && !found; i++) {
		s = ldns_rr2str(z->rrs[i].rr);
		n = strlen(s);
		if (n > 0 && s[n - 1] == '\n')
			s[n - 1] = '\0';
		if (strcmp(s, want) == 0) {
			found = true;
			assert_string_equal(z->rrs[i].file, path);
			assert_int_equal(z->rrs[i].line, line);
		}
		free(s);
	}
	if (!found)
		fail_msg("no record \"%s\"", want);
	free(path);
}

/*
 * Every directive and form of RFC 1035 section 5; the SOA and NS from the
 * file; records merged, a duplicate kept as records keeps it.
 */
static void
master_file_with_every_directive(void **state)
{
	const struct conf_zone	*z;
	struct conf		*c;

	(void)state;
	c = load_ok("zf-good.conf");
	z = &c->zones[0];
	assert_int_equal(z->nrrs, 25);
	assert_int_equal(z->nsrcs, 3);
	assert_string_equal(z->srcs[0], D "zf-good.zone");
	assert_string_equal(z->srcs[1], D "zf-inc/a.zone");
	assert_string_equal(z->srcs[2], D "zf-inc/b.zone");
	/* Parentheses, comments, units; no $TTL yet: the zone's ttl. */
	assert_rr_at(z, "lb.example.\t900\tIN\tSOA\tns1.lb.example. "
	    "hostmaster.lb.example. 2026120301 3600 900 604800 120",
	    "zf-good.zone", 2);
	/* RFC 2308 5: min(SOA TTL, minimum). */
	assert_int_equal(z->neg_ttl, 120);
	/* Blank owners: the previous owner. */
	assert_rr_at(z, "lb.example.\t900\tIN\tNS\tns1.lb.example.",
	    "zf-good.zone", 8);
	assert_rr_at(z, "lb.example.\t900\tIN\tNS\tns2.lb.example.",
	    "zf-good.zone", 9);
	assert_rr_at(z, "www.lb.example.\t300\tIN\tAAAA\t2001:db8::10",
	    "zf-good.zone", 13);
	/* $TTL with units. */
	assert_rr_at(z, "mail.lb.example.\t5400\tIN\tMX\t10 mx1.lb.example.",
	    "zf-good.zone", 15);
	/* A ";" inside quotes is data; an entry over two lines. */
	assert_rr_at(z, "txt.lb.example.\t5400\tIN\tTXT\t\"a;b\" \"c\" \"d\"",
	    "zf-good.zone", 16);
	assert_rr_at(z, "*.wild.lb.example.\t5400\tIN\tA\t192.0.2.99",
	    "zf-good.zone", 18);
	assert_rr_at(z, "old.lb.example.\t5400\tIN\tDNAME\tnew.example.",
	    "zf-good.zone", 19);
	/* RFC 3597 for a type ldns does not know. */
	assert_rr_at(z, "any.lb.example.\t5400\tIN\tTYPE65280\t\\# 3 010203",
	    "zf-good.zone", 20);
	/* A relative $ORIGIN is relative to the one before; "@" is it. */
	assert_rr_at(z, "host.sub.lb.example.\t5400\tIN\tA\t192.0.2.20",
	    "zf-good.zone", 22);
	assert_rr_at(z, "sub.lb.example.\t5400\tIN\tSRV\t0 5 443 "
	    "host.sub.lb.example.", "zf-good.zone", 23);
	assert_rr_at(z, "dele.lb.example.\t5400\tIN\tDS\t12345 8 2 "
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	    "zf-good.zone", 26);
	/* $INCLUDE with an origin, its own $TTL; b.zone beside a.zone. */
	assert_rr_at(z, "a.inc.lb.example.\t60\tIN\tA\t192.0.2.50",
	    "zf-inc/a.zone", 4);
	assert_rr_at(z, "b.inc.lb.example.\t60\tIN\tA\t192.0.2.51",
	    "zf-inc/b.zone", 2);
	assert_rr_at(z, "c.elsewhere.lb.example.\t60\tIN\tA\t192.0.2.52",
	    "zf-inc/a.zone", 7);
	/* After the include: the including file's origin and TTL again. */
	assert_rr_at(z, "after.lb.example.\t5400\tIN\tA\t192.0.2.40",
	    "zf-good.zone", 29);
	/* $TTL 0 is a TTL, not "none" (ldns would make it 3600). */
	assert_rr_at(z, "zero.lb.example.\t0\tIN\tA\t192.0.2.60",
	    "zf-good.zone", 31);
	/* RFC 1035 5.1: the class may come before the TTL. */
	assert_rr_at(z, "swapped.lb.example.\t120\tIN\tA\t192.0.2.61",
	    "zf-good.zone", 32);
	/* records, merged; its duplicate of www's A is kept, as always. */
	assert_rr_at(z, "extra.lb.example.\t900\tIN\tTXT\t\"from records\"",
	    "zf-good.zone.conf", 7);
	conf_free(c);
}

/* Every error of a master file, at its line; the zone-wide checks too. */
static void
master_file_errors(void **state)
{
	static const char *const want[] = {
		D "zf-bad.zone:9: bad record \"bad A 300.1.1.1\": Syntax "
		    "error, could not parse the RR's rdata",
		D "zf-bad.zone:10: record \"ch CH TXT \"x\"\": only class IN "
		    "is served",
		D "zf-bad.zone:11: record \"big 4294967295 A 192.0.2.4\": a "
		    "TTL over 2147483647 is read as 0 (RFC 2181 8)",
		D "zf-bad.zone:12: record \"sig RRSIG A 8 2 300 "
		    "20300101000000 20200101000000 1 lb.example. AAAA\": DNSSEC "
		    "records are not served: steerdns does not sign",
		D "zf-bad.zone:13: record \"nsec NSEC www A RRSIG NSEC\": "
		    "DNSSEC records are not served: steerdns does not sign",
		D "zf-bad.zone:14: record \"n3 NSEC3 1 0 0 - "
		    "2VPTU5TIMAMQTTGL4LUU9KG21E0AOR3S A\": DNSSEC records are "
		    "not served: steerdns does not sign",
		D "zf-bad.zone:15: record \"@ NSEC3PARAM 1 0 0 -\": DNSSEC "
		    "records are not served: steerdns does not sign",
		D "zf-bad.zone:16: record \"x TYPE255 \\# 0\": not a data type",
		D "zf-bad.zone:17: record \"x TYPE252 \\# 0\": not a data type",
		D "zf-bad.zone:18: record \"x TYPE41 \\# 0\": not a data type",
		D "zf-bad.zone:19: record \"x TYPE0 \\# 0\": a reserved type "
		    "(RFC 6895 3.1)",
		D "zf-bad.zone:20: record \"@ DS 12345 8 2 "
		    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789"
		    "abcdef\": a DS record at the apex belongs in the parent "
		    "zone (RFC 4034 5)",
		D "zf-bad.zone:22: record \"www SOA ns1 hostmaster 1 2 3 4 5\": "
		    "an SOA record belongs at the apex lb.example.",
		D "zf-bad.zone:23: a second SOA record (the first at line 2): "
		    "a zone has one",
		D "zf-bad.zone:24: record \"out.example. A 192.0.2.5\" is "
		    "outside the zone lb.example.",
		D "zf-bad.zone:25: $GENERATE: not a directive of RFC 1035 "
		    "($ORIGIN, $INCLUDE, $TTL)",
		D "zf-bad.zone:26: bad $TTL \"forever\": want seconds (or 1h, "
		    "2d, ...) up to 2147483647",
		D "zf-bad.zone:27: $ORIGIN takes one argument",
		D "zf-bad.zone:28: cannot read master file " D "no-such.zone: "
		    "No such file or directory",
		/* The rest of the file is not read. */
		D "zf-bad.zone:30: unbalanced parentheses or quotes",
		D "zf-bad.zone.conf:5: CNAME at dup.lb.example. beside other "
		    "data (A, " D "zf-bad.zone:6)",
		D "zf-bad.zone:21: DS record at www.lb.example., which is not "
		    "a delegation: a DS belongs beside the NS of a zone cut "
		    "(RFC 4034 5)",
		D "zf-bad.zone:29: TXT record at or below the delegation at "
		    "dele.lb.example.: only glue (A, AAAA) is allowed there",
	};

	(void)state;
	assert_errs("zf-bad.conf", want);
}

/* The same rules for records. */
static void
records_refused_types(void **state)
{
	static const struct tu_file files[] = {
		{ "main.conf", "server = { listen = [ \"127.0.0.1:5353\" ]; };\n"
		    "zones = [ \"z.conf\" ];\n" },
		{ "z.conf", "origin = \"lb.example.\";\n"
		    "soa = { mname = \"ns1\"; rname = \"h\"; };\n"
		    "ns = [ \"ns1\" ];\n"
		    "records = [\n"
		    "  \"nsec NSEC www A\",\n"
		    "  \"@ DS 1 8 2 00ff\",\n"
		    "  \"m TYPE254 \\\\# 0\" ];\n" },
	};
	static const char *const want[] = {
		"z.conf:5: record \"nsec NSEC www A\": DNSSEC records are not "
		    "served: steerdns does not sign",
		"z.conf:6: record \"@ DS 1 8 2 00ff\": a DS record at the apex "
		    "belongs in the parent zone (RFC 4034 5)",
		"z.conf:7: record \"m TYPE254 \\# 0\": not a data type",
	};
	struct conf_errs	 errs = { NULL, 0 };
	struct conf		*c = NULL;
	const char		*m;
	size_t			 i;

	(void)state;
	assert_int_equal(tu_load_files(files, 2, &c, &errs), -1);
	tu_print_errs(&errs);
	assert_int_equal(errs.n, 3);
	for (i = 0; i < 3; i++) {
		m = strstr(errs.msg[i], "z.conf:");
		assert_non_null(m);
		assert_string_equal(m, want[i]);
	}
	conf_errs_clear(&errs);
}

/* records read TTLs as master files do: ttl 0 is a TTL, class first. */
static void
records_ttl_zero_and_class_first(void **state)
{
	static const struct tu_file files[] = {
		{ "main.conf", "server = { listen = [ \"127.0.0.1:5353\" ]; };\n"
		    "zones = [ \"z.conf\" ];\n" },
		{ "z.conf", "origin = \"lb.example.\";\nttl = 0;\n"
		    "soa = { mname = \"ns1\"; rname = \"h\"; };\n"
		    "ns = [ \"ns1\" ];\n"
		    "records = [ \"zero A 192.0.2.1\", "
		    "\"swapped IN 120 A 192.0.2.2\" ];\n" },
	};
	struct conf_errs	 errs = { NULL, 0 };
	struct conf		*c = NULL;
	const struct conf_zone	*z;

	(void)state;
	assert_int_equal(tu_load_files(files, 2, &c, &errs), 0);
	z = &c->zones[0];
	assert_int_equal(z->nrrs, 4);
	assert_int_equal(ldns_rr_ttl(z->rrs[2].rr), 0);
	assert_int_equal(ldns_rr_ttl(z->rrs[3].rr), 120);
	assert_int_equal(ldns_rr_get_type(z->rrs[3].rr), LDNS_RR_TYPE_A);
	conf_free(c);
}

/* soa and ns given twice, or not at all; the file names both places. */
static void
soa_ns_both_or_neither(void **state)
{
	static const char *const both[] = {
		D "zf-both.zone.conf:3: \"soa\" given here and an SOA record "
		    "at " D "zf-both.zone:2: give one of them",
		D "zf-both.zone.conf:7: \"ns\" given here and the apex NS "
		    "records at " D "zf-both.zone:3: give one of them",
	};
	static const char *const neither[] = {
		D "zf-missing.zone.conf:1: missing \"soa\", and records_file "
		    "has no SOA at the apex",
		D "zf-missing.zone.conf:1: missing \"ns\", and records_file "
		    "has no NS at the apex",
	};

	(void)state;
	assert_errs("zf-both.conf", both);
	assert_errs("zf-missing.conf", neither);
}

static void
include_loop_and_unreadable(void **state)
{
	static const char *const loop[] = {
		D "zf-inc/loop-b.zone:3: $INCLUDE " D "zf-inc/loop-a.zone: an "
		    "include loop (the file is being read)",
	};
	static const char *const unreadable[] = {
		D "zf-unreadable.zone.conf:9: cannot read master file "
		    D "zf-no-such.zone: No such file or directory",
	};

	(void)state;
	assert_errs("zf-loop.conf", loop);
	assert_errs("zf-unreadable.conf", unreadable);
}

/* A directory, a NUL byte: refused, not read as something else. */
static void
hostile_files(void **state)
{
	static const char *const want[] = {
		D "zf-hostile.zone.conf:3: master file " D "zf-inc is not a "
		    "regular file",
		D "zf-hostile.zone.conf:1: missing \"soa\", and records_file "
		    "has no SOA at the apex",
		D "zf-hostile.zone.conf:1: missing \"ns\", and records_file "
		    "has no NS at the apex",
		D "zf-nul.zone:4: a NUL byte",
	};

	(void)state;
	assert_errs("zf-hostile.conf", want);
}

/* Sixteen files deep are read; the seventeenth is refused. */
static void
include_depth_bounded(void **state)
{
	struct tu_file		 f[20];
	struct conf_errs	 errs = { NULL, 0 };
	struct conf		*c = NULL;
	char			*names[20], *texts[20];
	int			 i, n;

	(void)state;
	for (n = 16; n <= 17; n++) {
		f[0].name = "main.conf";
		f[0].text = "server = { listen = [ \"127.0.0.1:5353\" ]; };\n"
		    "zones = [ \"z.conf\" ];\n";
		f[1].name = "z.conf";
		f[1].text = "origin = \"lb.example.\";\n"
		    "records_file = \"d1.zone\";\n";
		for (i = 1; i <= n; i++) {
			names[i] = tu_printf("d%d.zone", i);
			texts[i] = i == 1 ? tu_printf("@ SOA ns1 h 1 2 3 4 5\n"
			    "@ NS ns1\n$INCLUDE d2.zone\n") : i < n ?
			    tu_printf("d%d A 192.0.2.%d\n$INCLUDE d%d.zone\n",
			    i, i, i + 1) : tu_printf("ns1 A 192.0.2.1\n");
			f[i + 1].name = names[i];
			f[i + 1].text = texts[i];
		}
		assert_int_equal(tu_load_files(f, n + 2, &c, &errs),
		    n == 16 ? 0 : -1);
		if (n == 16) {
			assert_int_equal(c->zones[0].nsrcs, 16);
			conf_free(c);
			c = NULL;
		} else {
			assert_int_equal(errs.n, 1);
			assert_non_null(strstr(errs.msg[0], "d16.zone:2: "
			    "$INCLUDE "));
			assert_non_null(strstr(errs.msg[0], "d17.zone: more "
			    "than 16 files deep"));
		}
		conf_errs_clear(&errs);
		for (i = 1; i <= n; i++) {
			free(names[i]);
			free(texts[i]);
		}
	}
}

/*
 * Data of a zone at or below a deeper zone we serve would never be
 * answered; the delegation to it and its glue may stay.
 */
static void
nested_zone_data_refused(void **state)
{
	static const char *const want[] = {
		D "zf-nested.zone:5: A record at ns.sub.lb.example. is in the "
		    "zone sub.lb.example. of " D "zf-nested-sub.zone.conf, which "
		    "answers for it: it would never be served",
		D "zf-nested.zone:6: TXT record at www.sub.lb.example. is in "
		    "the zone sub.lb.example. of " D "zf-nested-sub.zone.conf, "
		    "which answers for it: it would never be served",
		D "zf-nested.zone.conf:5: the managed name m.sub.lb.example. "
		    "is in the zone sub.lb.example. of " D
		    "zf-nested-sub.zone.conf, which answers for it: it would "
		    "never be served",
	};
	struct conf	*c;

	(void)state;
	assert_errs("zf-nested.conf", want);
	c = load_ok("zf-nested-ok.conf");
	assert_int_equal(c->nzones, 2);
	conf_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(master_file_with_every_directive),
		cmocka_unit_test(master_file_errors),
		cmocka_unit_test(records_refused_types),
		cmocka_unit_test(records_ttl_zero_and_class_first),
		cmocka_unit_test(soa_ns_both_or_neither),
		cmocka_unit_test(include_loop_and_unreadable),
		cmocka_unit_test(include_depth_bounded),
		cmocka_unit_test(hostile_files),
		cmocka_unit_test(nested_zone_data_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
