/* test_conf.c -- conf_load(): every error message, valid configurations */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_schema.h"
#include "testutil.h"

#ifndef CONF_DIR
#error CONF_DIR must name tests/unit/conf
#endif
#ifndef SHIPPED_DIR
#error SHIPPED_DIR must name the copy of zones/ as shipped
#endif

#define D	CONF_DIR "/"

#define assert_errs(name, want)	tu_assert_errs(D, (name), (want))

/* Load CONF_DIR/name (or name, when absolute) and expect success. */
static struct conf *
load_ok(const char *name)
{
	struct conf		*c = NULL;
	struct conf_errs	 errs = { NULL, 0 };
	char			*path;
	size_t			 n;
	int			 rv;

	path = tu_printf("%s%s", name[0] == '/' ? "" : D, name);
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

/* The RR in presentation form, without the trailing newline. */
static char *
rr_text(const ldns_rr *rr)
{
	char	*s = ldns_rr2str(rr);
	size_t	 n;

	assert_non_null(s);
	n = strlen(s);
	if (n > 0 && s[n - 1] == '\n')
		s[n - 1] = '\0';
	return s;
}

static void
assert_rr_text(const ldns_rr *rr, const char *want)
{
	char	*s = rr_text(rr);

	assert_string_equal(s, want);
	free(s);
}

/* --- the main file --- */

static void
main_file_missing(void **state)
{
	static const char *const want[] = {
		D "no-such-file.conf:1: cannot read config file: No such file "
		    "or directory",
	};

	(void)state;
	assert_errs("no-such-file.conf", want);
}

static void
main_file_syntax_error(void **state)
{
	static const char *const want[] = {
		D "bad-syntax.conf:4: syntax error",
	};

	(void)state;
	assert_errs("bad-syntax.conf", want);
}

static void
zone_file_unreadable(void **state)
{
	static const char *const want[] = {
		D "bad-zone-unreadable.conf:6: cannot read zone file "
		    D "no-such.zone.conf: No such file or directory",
	};

	(void)state;
	assert_errs("bad-zone-unreadable.conf", want);
}

/* The same with "]" on the line after the file name. */
static void
zone_file_unreadable_bracket_below(void **state)
{
	static const char *const want[] = {
		D "bad-zone-unreadable-nl.conf:7: cannot read zone file "
		    D "no-such.zone.conf: No such file or directory",
	};

	(void)state;
	assert_errs("bad-zone-unreadable-nl.conf", want);
}

static void
unknown_key_in_main_file(void **state)
{
	static const char *const want[] = {
		D "bad-unknown-main.conf:6: unknown key \"zonse\" in the main "
		    "file",
	};

	(void)state;
	assert_errs("bad-unknown-main.conf", want);
}

static void
unknown_key_in_server(void **state)
{
	static const char *const want[] = {
		D "bad-unknown-server.conf:4: unknown key \"threads\" in "
		    "server",
	};

	(void)state;
	assert_errs("bad-unknown-server.conf", want);
}

static void
string_where_integer_goes(void **state)
{
	static const char *const want[] = {
		D "bad-workers-string.conf:4: \"workers\" must be an integer, "
		    "not a string",
	};

	(void)state;
	assert_errs("bad-workers-string.conf", want);
}

static void
float_where_integer_goes(void **state)
{
	static const char *const want[] = {
		D "bad-workers-float.conf:4: \"workers\" must be an integer, "
		    "not a number",
	};

	(void)state;
	assert_errs("bad-workers-float.conf", want);
}

static void
group_where_array_goes(void **state)
{
	static const char *const want[] = {
		D "bad-listen-group.conf:3: \"listen\" must be an array of "
		    "strings, not a group",
	};

	(void)state;
	assert_errs("bad-listen-group.conf", want);
}

static void
integer_where_string_goes_in_listen(void **state)
{
	static const char *const want[] = {
		D "bad-listen-ints.conf:3: \"listen\" must hold strings, not "
		    "an integer",
	};

	(void)state;
	assert_errs("bad-listen-ints.conf", want);
}

static void
server_not_a_group(void **state)
{
	static const char *const want[] = {
		D "bad-server-array.conf:2: \"server\" must be a group, not an "
		    "array",
	};

	(void)state;
	assert_errs("bad-server-array.conf", want);
}

static void
integer_where_string_goes_in_zones(void **state)
{
	static const char *const want[] = {
		D "bad-zones-ints.conf:5: \"zones\" must hold strings, not an "
		    "integer",
	};

	(void)state;
	assert_errs("bad-zones-ints.conf", want);
}

static void
string_where_array_goes(void **state)
{
	static const char *const want[] = {
		D "bad-zones-string.conf:5: \"zones\" must be an array of "
		    "strings, not a string",
	};

	(void)state;
	assert_errs("bad-zones-string.conf", want);
}

static void
workers_out_of_range(void **state)
{
	static const char *const want[] = {
		D "bad-workers-range.conf:4: \"workers\" 300 not in 0..256",
	};

	(void)state;
	assert_errs("bad-workers-range.conf", want);
}

static void
edns_payload_below_512(void **state)
{
	static const char *const want[] = {
		D "bad-edns-payload.conf:4: \"edns_payload\" 100 not in "
		    "512..4096",
	};

	(void)state;
	assert_errs("bad-edns-payload.conf", want);
}

static void
edns_payload_above_4096(void **state)
{
	static const char *const want[] = {
		D "bad-edns-payload-big.conf:4: \"edns_payload\" 4097 not in "
		    "512..4096",
	};

	(void)state;
	assert_errs("bad-edns-payload-big.conf", want);
}

static void
tcp_timeout_zero(void **state)
{
	static const char *const want[] = {
		D "bad-tcp-timeout.conf:4: \"tcp_timeout\" 0 not in 1..300",
	};

	(void)state;
	assert_errs("bad-tcp-timeout.conf", want);
}

static void
tcp_clients_zero(void **state)
{
	static const char *const want[] = {
		D "bad-tcp-clients.conf:4: \"tcp_clients\" 0 not in 1..65535",
	};

	(void)state;
	assert_errs("bad-tcp-clients.conf", want);
}

static void
missing_server(void **state)
{
	static const char *const want[] = {
		D "bad-no-server.conf:1: missing \"server\"",
	};

	(void)state;
	assert_errs("bad-no-server.conf", want);
}

static void
missing_listen(void **state)
{
	static const char *const want[] = {
		D "bad-no-listen.conf:2: missing \"listen\"",
	};

	(void)state;
	assert_errs("bad-no-listen.conf", want);
}

static void
missing_zones(void **state)
{
	static const char *const want[] = {
		D "bad-no-zones.conf:1: missing \"zones\"",
	};

	(void)state;
	assert_errs("bad-no-zones.conf", want);
}

static void
empty_listen(void **state)
{
	static const char *const want[] = {
		D "bad-empty-listen.conf:3: \"listen\" must not be empty",
	};

	(void)state;
	assert_errs("bad-empty-listen.conf", want);
}

static void
empty_zones(void **state)
{
	static const char *const want[] = {
		D "bad-empty-zones.conf:5: \"zones\" must not be empty",
	};

	(void)state;
	assert_errs("bad-empty-zones.conf", want);
}

/* "::1:6299" is an address; the port was meant.  metrics has no port 53. */
static void
bad_listen_ambiguous(void **state)
{
	static const char *const want[] = {
		D "bad-listen-ambiguous.conf:3: listen address \"::1:6299\" is "
		    "ambiguous: write [::1]:6299 for port 6299 of ::1, or "
		    "[::1:6299] for that address",
		D "bad-listen-ambiguous.conf:4: bad metrics address "
		    "\"127.0.0.1\": want ADDR:PORT or [ADDR6]:PORT (a port is "
		    "needed)",
	};
	static const char *const want2[] = {
		D "bad-metrics-ambiguous.conf:4: metrics address \"::1:9153\" is "
		    "ambiguous: write [::1]:9153 for port 9153 of ::1, or "
		    "[::1:9153] for that address",
	};

	(void)state;
	assert_errs("bad-listen-ambiguous.conf", want);
	assert_errs("bad-metrics-ambiguous.conf", want2);
}

static void
bad_listen_addresses(void **state)
{
	static const char *const want[] = {
		D "bad-listen-addr.conf:3: bad listen address "
		    "\"1.2.3.4:99999\": want ADDR, ADDR:PORT or [ADDR6]:PORT",
		D "bad-listen-addr.conf:4: bad listen address \"[::1\": want "
		    "ADDR, ADDR:PORT or [ADDR6]:PORT",
		D "bad-listen-addr.conf:5: bad listen address \"nothost\": "
		    "want ADDR, ADDR:PORT or [ADDR6]:PORT",
	};

	(void)state;
	assert_errs("bad-listen-addr.conf", want);
}

static void
listen_address_twice(void **state)
{
	static const char *const want[] = {
		D "bad-listen-twice.conf:4: listen address \"127.0.0.1\" given "
		    "twice",
	};

	(void)state;
	assert_errs("bad-listen-twice.conf", want);
}

static void
duplicate_zone(void **state)
{
	static const char *const want[] = {
		D "bad-dup-zone.conf:6: duplicate zone lb.example. (also in "
		    D "ok.zone.conf)",
	};

	(void)state;
	assert_errs("bad-dup-zone.conf", want);
}

/* The same with "]" on the line after the file name. */
static void
duplicate_zone_bracket_below(void **state)
{
	static const char *const want[] = {
		D "bad-dup-zone-nl.conf:7: duplicate zone lb.example. (also in "
		    D "ok.zone.conf)",
	};

	(void)state;
	assert_errs("bad-dup-zone-nl.conf", want);
}

/* --- zone files --- */

static void
zone_file_syntax_error(void **state)
{
	static const char *const want[] = {
		D "bad-zone-syntax.zone.conf:10: syntax error",
	};

	(void)state;
	assert_errs("bad-zone-syntax.conf", want);
}

static void
unknown_key_in_zone(void **state)
{
	static const char *const want[] = {
		D "bad-zone-unknown.zone.conf:8: unknown key \"recrods\" in "
		    "zone file",
	};

	(void)state;
	assert_errs("bad-zone-unknown.conf", want);
}

static void
unknown_key_in_soa(void **state)
{
	static const char *const want[] = {
		D "bad-soa-unknown.zone.conf:6: unknown key \"mininum\" in soa",
	};

	(void)state;
	assert_errs("bad-soa-unknown.conf", want);
}

static void
integer_where_origin_goes(void **state)
{
	static const char *const want[] = {
		D "bad-origin-int.zone.conf:2: \"origin\" must be a string, "
		    "not an integer",
	};

	(void)state;
	assert_errs("bad-origin-int.conf", want);
}

static void
ttl_negative(void **state)
{
	static const char *const want[] = {
		D "bad-ttl-negative.zone.conf:3: \"ttl\" -1 not in "
		    "0..2147483647",
	};

	(void)state;
	assert_errs("bad-ttl-negative.conf", want);
}

static void
ttl_group(void **state)
{
	static const char *const want[] = {
		D "bad-ttl-group.zone.conf:3: \"ttl\" must be an integer, not "
		    "a group",
	};

	(void)state;
	assert_errs("bad-ttl-group.conf", want);
}

static void
soa_serial_above_32_bits(void **state)
{
	static const char *const want[] = {
		D "bad-soa-serial.zone.conf:6: \"serial\" 4294967296 not in "
		    "0..4294967295",
	};

	(void)state;
	assert_errs("bad-soa-serial.conf", want);
}

/*
 * libconfig 1.5 reads an integer literal without the L suffix as 32 bits
 * and wraps it: 4294967296 arrives as 0.  The serial must still be refused.
 */
static void
soa_serial_above_32_bits_without_suffix(void **state)
{
	static const char *const want[] = {
		D "bad-soa-serial-plain.zone.conf:6: \"serial\" 4294967296 not "
		    "in 0..4294967295",
	};

	(void)state;
	assert_errs("bad-soa-serial-plain.conf", want);
}

/*
 * Settings of one name sharing a line each keep their own value: the
 * literal read back for a wide serial must not be another's.
 */
static void
same_key_twice_on_one_line(void **state)
{
	static const char *const zones[1] = {
		"origin = \"t.example.\";\n"
		"soa = { mname = \"ns\"; rname = \"h\"; serial = 7; };\n"
		"ns = [ \"ns.example.net.\" ];\n"
		"pools = { p = { members = ( { address = \"192.0.2.1\"; "
		"weight = 1; priority = 1; }, { address = \"192.0.2.2\"; "
		"weight = 2; priority = 2; }, { address = \"192.0.2.3\"; "
		"weight = 0; priority = 3; } ); }; };\n"
		"names = { www = { pool = \"p\"; ttl = 5; }; www2 = { pool = "
		"\"p\"; ttl = 6; }; };\n",
	};
	struct conf	*c;

	(void)state;
	c = tu_load_zones(zones, 1);
	assert_int_equal(c->zones[0].pools[0].members[0].weight, 1);
	assert_int_equal(c->zones[0].pools[0].members[1].weight, 2);
	assert_int_equal(c->zones[0].pools[0].members[2].weight, 0);
	assert_int_equal(c->zones[0].pools[0].members[0].priority, 1);
	assert_int_equal(c->zones[0].pools[0].members[1].priority, 2);
	assert_int_equal(c->zones[0].pools[0].members[2].priority, 3);
	assert_int_equal(c->zones[0].names[0].ttl, 5);
	assert_int_equal(c->zones[0].names[1].ttl, 6);
	conf_free(c);
}

/* The largest serial, written as libconfig users write it, loads. */
static void
soa_serial_max_without_suffix(void **state)
{
	struct conf	*c;

	(void)state;
	c = load_ok("good-serial-max.conf");
	assert_int_equal(ldns_rdf2native_int32(ldns_rr_rdf(
	    c->zones[0].rrs[0].rr, 2)), 4294967295U);
	conf_free(c);
}

static void
soa_refresh_string(void **state)
{
	static const char *const want[] = {
		D "bad-soa-refresh.zone.conf:6: \"refresh\" must be an "
		    "integer, not a string",
	};

	(void)state;
	assert_errs("bad-soa-refresh.conf", want);
}

static void
missing_origin(void **state)
{
	static const char *const want[] = {
		D "bad-no-origin.zone.conf:1: missing \"origin\"",
	};

	(void)state;
	assert_errs("bad-no-origin.conf", want);
}

static void
missing_soa(void **state)
{
	static const char *const want[] = {
		D "bad-no-soa.zone.conf:1: missing \"soa\"",
	};

	(void)state;
	assert_errs("bad-no-soa.conf", want);
}

static void
missing_mname(void **state)
{
	static const char *const want[] = {
		D "bad-no-mname.zone.conf:3: missing \"mname\"",
	};

	(void)state;
	assert_errs("bad-no-mname.conf", want);
}

static void
missing_ns(void **state)
{
	static const char *const want[] = {
		D "bad-no-ns.zone.conf:1: missing \"ns\"",
	};

	(void)state;
	assert_errs("bad-no-ns.conf", want);
}

static void
empty_ns(void **state)
{
	static const char *const want[] = {
		D "bad-empty-ns.zone.conf:7: \"ns\" must not be empty",
	};

	(void)state;
	assert_errs("bad-empty-ns.conf", want);
}

static void
origin_not_absolute(void **state)
{
	static const char *const want[] = {
		D "bad-origin-relative.zone.conf:2: bad origin \"lb.example\": "
		    "want an absolute domain name ending in a dot",
	};

	(void)state;
	assert_errs("bad-origin-relative.conf", want);
}

static void
soa_not_a_group(void **state)
{
	static const char *const want[] = {
		D "bad-soa-string.zone.conf:3: \"soa\" must be a group, not a "
		    "string",
	};

	(void)state;
	assert_errs("bad-soa-string.conf", want);
}

static void
soa_mname_empty_label(void **state)
{
	static const char *const want[] = {
		D "bad-mname.zone.conf:4: bad name \"a..b\" in soa mname",
	};

	(void)state;
	assert_errs("bad-mname.conf", want);
}

static void
ns_label_too_long(void **state)
{
	static const char *const want[] = {
		D "bad-ns-name.zone.conf:8: bad name \"xxxxxxxxxxxxxxxx"
		    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\" in ns",
	};

	(void)state;
	assert_errs("bad-ns-name.conf", want);
}

static void
record_bad_address(void **state)
{
	static const char *const want[] = {
		D "bad-record-addr.zone.conf:10: bad record \"www A "
		    "300.1.1.1\": Syntax error, could not parse the RR's rdata",
	};

	(void)state;
	assert_errs("bad-record-addr.conf", want);
}

static void
record_unknown_type(void **state)
{
	static const char *const want[] = {
		D "bad-record-type.zone.conf:10: bad record \"www FOO bar\": "
		    "Syntax error, could not parse the RR's rdata",
	};

	(void)state;
	assert_errs("bad-record-type.conf", want);
}

static void
record_outside_zone(void **state)
{
	static const char *const want[] = {
		D "bad-record-outside.zone.conf:10: record \"www.example.net. "
		    "A 192.0.2.2\" is outside the zone lb.example.",
	};

	(void)state;
	assert_errs("bad-record-outside.conf", want);
}

static void
record_class_ch(void **state)
{
	static const char *const want[] = {
		D "bad-record-class.zone.conf:10: record \"version CH TXT "
		    "\"1.0\"\": only class IN is served",
	};

	(void)state;
	assert_errs("bad-record-class.conf", want);
}

static void
record_soa(void **state)
{
	static const char *const want[] = {
		D "bad-record-soa.zone.conf:10: SOA in records: use the "
		    "\"soa\" group",
	};

	(void)state;
	assert_errs("bad-record-soa.conf", want);
}

static void
record_meta_types(void **state)
{
	static const char *const want[] = {
		D "bad-record-meta.zone.conf:10: record \"x TYPE255 \\# 0\": "
		    "not a data type",
		D "bad-record-meta.zone.conf:11: record \"y OPT \\# 0\": not "
		    "a data type",
	};

	(void)state;
	assert_errs("bad-record-meta.conf", want);
}

static void
cname_beside_other_data(void **state)
{
	static const char *const want[] = {
		D "bad-cname-beside.zone.conf:11: CNAME at www.lb.example. "
		    "beside other data (A, line 10)",
	};

	(void)state;
	assert_errs("bad-cname-beside.conf", want);
}

/*
 * What libconfig 1.5 cannot read without calling exit() (a directory) or
 * reads wrong (a NUL ends its strings) is refused before it reads.
 */
static void
unreadable_files(void **state)
{
	static const char *const dir[] = {
		D ".:1: cannot read config file: not a regular file",
		D "bad-include-dir.conf:5: in the file included here",
	};
	static const char *const zone[] = {
		D ".:1: cannot read config file: not a regular file",
	};
	static const char *const nul[] = {
		D "bad-nul.conf:4: a NUL byte: not a text file",
	};

	(void)state;
	assert_errs("bad-include-dir.conf", dir);
	assert_errs("bad-zone-dir.conf", zone);
	assert_errs("bad-nul.conf", nul);
}

/*
 * One DNAME an owner (a duplicate merges), nothing below one, none at a
 * wildcard, no NS at a wildcard, no CNAME beside one.
 */
static void
dname_and_wildcard_owners(void **state)
{
	static const char *const want[] = {
		D "bad-dname.zone.conf:17: CNAME at c.lb.example. beside "
		    "other data (DNAME, line 16)",
		D "bad-dname.zone.conf:11: a second DNAME at old.lb.example. "
		    "(line 10): a name redirects to one target (RFC 6672)",
		D "bad-dname.zone.conf:13: x.old.lb.example. is below the "
		    "DNAME at old.lb.example. (line 10): it would never be "
		    "answered (RFC 6672 2.4)",
		D "bad-dname.zone.conf:14: DNAME at the wildcard "
		    "*.w.lb.example.: a wildcard cannot redirect (RFC 4592 "
		    "4.4)",
		D "bad-dname.zone.conf:15: NS at the wildcard *.n.lb.example.: "
		    "a wildcard cannot delegate (RFC 4592 4.2)",
		D "bad-dname.zone.conf:19: name \"m\" is below the DNAME at "
		    "old.lb.example. (line 10): it would never be answered",
	};

	(void)state;
	assert_errs("bad-dname.conf", want);
}

static void
cname_before_other_data(void **state)
{
	static const char *const want[] = {
		D "bad-cname-beside-after.zone.conf:10: CNAME at "
		    "www.lb.example. beside other data (A, line 11)",
	};

	(void)state;
	assert_errs("bad-cname-beside-after.conf", want);
}

static void
two_cnames(void **state)
{
	static const char *const want[] = {
		D "bad-cname-two.zone.conf:11: more than one CNAME at "
		    "alias.lb.example.",
	};

	(void)state;
	assert_errs("bad-cname-two.conf", want);
}

static void
cname_at_apex(void **state)
{
	static const char *const want[] = {
		D "bad-cname-apex.zone.conf:10: CNAME at the zone apex is not "
		    "allowed",
	};

	(void)state;
	assert_errs("bad-cname-apex.conf", want);
}

static void
data_at_and_below_cut(void **state)
{
	static const char *const want[] = {
		D "bad-below-cut.zone.conf:12: TXT record at or below the "
		    "delegation at sub.lb.example.: only glue (A, AAAA) is "
		    "allowed there",
		D "bad-below-cut.zone.conf:13: MX record at or below the "
		    "delegation at sub.lb.example.: only glue (A, AAAA) is "
		    "allowed there",
	};

	(void)state;
	assert_errs("bad-below-cut.conf", want);
}

static void
delegation_below_delegation(void **state)
{
	static const char *const want[] = {
		D "bad-below-cut-ns.zone.conf:11: delegation below the "
		    "delegation at sub.lb.example.",
	};

	(void)state;
	assert_errs("bad-below-cut-ns.conf", want);
}

/* The same zone with the deeper delegation written first. */
static void
delegation_below_delegation_written_first(void **state)
{
	static const char *const want[] = {
		D "bad-below-cut-ns-first.zone.conf:10: delegation below the "
		    "delegation at sub.lb.example.",
	};

	(void)state;
	assert_errs("bad-below-cut-ns-first.conf", want);
}

/* Each offending record is reported once, however many NS the cut has. */
static void
data_below_cut_with_two_ns_reported_once(void **state)
{
	static const char *const want[] = {
		D "bad-below-cut-two-ns.zone.conf:12: TXT record at or below "
		    "the delegation at sub.lb.example.: only glue (A, AAAA) is "
		    "allowed there",
	};

	(void)state;
	assert_errs("bad-below-cut-two-ns.conf", want);
}

/*
 * The last record of a list whose "]" is on the next line: the message
 * names the line of the record (libconfig 1.5 gives the line of "]").
 */
static void
last_record_reported_at_its_line(void **state)
{
	static const char *const want[] = {
		D "bad-last-line.zone.conf:10: bad record \"www A 300.1.1.1\": "
		    "Syntax error, could not parse the RR's rdata",
	};

	(void)state;
	assert_errs("bad-last-line.conf", want);
}

static void
several_errors_in_one_file(void **state)
{
	static const char *const want[] = {
		D "bad-many.zone.conf:3: \"ttl\" -5 not in 0..2147483647",
		D "bad-many.zone.conf:7: unknown key \"colour\" in soa",
		D "bad-many.zone.conf:11: bad record \"www A 192.0.2.300\": "
		    "Syntax error, could not parse the RR's rdata",
		D "bad-many.zone.conf:12: record \"mail.example.net. A "
		    "192.0.2.2\" is outside the zone lb.example.",
		D "bad-many.zone.conf:14: more than one CNAME at "
		    "alias.lb.example.",
	};

	(void)state;
	assert_errs("bad-many.conf", want);
}

static void
errors_across_files(void **state)
{
	static const char *const want[] = {
		D "bad-two.conf:4: \"workers\" -1 not in 0..256",
		D "bad-two-a.zone.conf:8: CNAME at the zone apex is not "
		    "allowed",
		D "bad-two-b.zone.conf:10: record \"www.a.example. A "
		    "192.0.2.2\" is outside the zone b.example.",
	};

	(void)state;
	assert_errs("bad-two.conf", want);
}

static void
errors_are_appended_and_cleared(void **state)
{
	struct conf		*c = NULL;
	struct conf_errs	 errs = { NULL, 0 };

	(void)state;
	assert_int_equal(conf_load(D "bad-workers-range.conf", &c, &errs),
	    -1);
	assert_int_equal(conf_load(D "bad-tcp-clients.conf", &c, &errs), -1);
	assert_null(c);
	assert_int_equal(errs.n, 2);
	assert_non_null(strstr(errs.msg[0], "\"workers\" 300"));
	assert_non_null(strstr(errs.msg[1], "\"tcp_clients\" 0"));
	conf_errs_clear(&errs);
	assert_int_equal(errs.n, 0);
	assert_null(errs.msg);
	conf_errs_clear(&errs);
	conf_free(NULL);
}

/* --- valid configurations --- */

static void
assert_listen(const struct conf_listen *l, int family, const char *addr,
    unsigned port, const char *text)
{
	const struct sockaddr_in	*sin = (const void *)&l->ss;
	const struct sockaddr_in6	*sin6 = (const void *)&l->ss;
	char				 buf[INET6_ADDRSTRLEN];

	assert_string_equal(l->text, text);
	assert_int_equal(l->ss.ss_family, family);
	if (family == AF_INET) {
		assert_int_equal(l->sslen, sizeof(*sin));
		assert_int_equal(ntohs(sin->sin_port), port);
		assert_non_null(inet_ntop(AF_INET, &sin->sin_addr, buf,
		    sizeof(buf)));
	} else {
		assert_int_equal(l->sslen, sizeof(*sin6));
		assert_int_equal(ntohs(sin6->sin6_port), port);
		assert_non_null(inet_ntop(AF_INET6, &sin6->sin6_addr, buf,
		    sizeof(buf)));
	}
	assert_string_equal(buf, addr);
}

static void
shipped_config_loads(void **state)
{
	struct conf	*c;
	ldns_rdf	*origin;
	const char	*f;

	(void)state;
	/*
	 * The file as shipped (HEAD's, see SHIPPED_DIR in Makefile.am), not
	 * zones/ as an operator trying the README may have edited it.
	 */
	c = load_ok(SHIPPED_DIR "/steerdns.conf");
	assert_int_equal(c->nlisten, 2);
	assert_listen(&c->listen[0], AF_INET, "127.0.0.1", 5353,
	    "127.0.0.1:5353");
	assert_listen(&c->listen[1], AF_INET6, "::1", 5353, "[::1]:5353");
	assert_int_equal(c->workers, 0);
	assert_int_equal(c->edns_payload, 1232);
	assert_int_equal(c->tcp_timeout, 10);
	assert_int_equal(c->tcp_clients, 512);
	assert_int_equal(c->tcp_clients_per_source, 8);
	assert_int_equal(c->nzones, 1);
	f = c->zones[0].file;
	assert_true(strlen(f) > strlen("/lb.example.conf"));
	assert_string_equal(f + strlen(f) - strlen("/lb.example.conf"),
	    "/lb.example.conf");
	origin = ldns_dname_new_frm_str("lb.example.");
	assert_int_equal(ldns_dname_compare(c->zones[0].origin, origin), 0);
	ldns_rdf_deep_free(origin);
	assert_int_equal(c->zones[0].ttl, 300);
	assert_int_equal(c->zones[0].neg_ttl, 60);
	assert_int_equal(ldns_rr_get_type(c->zones[0].rrs[0].rr),
	    LDNS_RR_TYPE_SOA);
	conf_free(c);
}

static void
defaults_when_keys_absent(void **state)
{
	struct conf	*c;

	(void)state;
	c = load_ok("good-defaults.conf");
	assert_int_equal(c->nlisten, 2);
	assert_listen(&c->listen[0], AF_INET, "127.0.0.1", 53, "127.0.0.1");
	assert_listen(&c->listen[1], AF_INET6, "::1", 5300, "[::1]:5300");
	assert_int_equal(c->workers, 0);
	assert_int_equal(c->edns_payload, 1232);
	assert_int_equal(c->tcp_timeout, 10);
	assert_int_equal(c->tcp_clients, 512);
	assert_int_equal(c->nzones, 1);
	assert_int_equal(c->zones[0].ttl, 3600);
	/* SOA timers by default; negative TTL min(3600, 60). */
	assert_int_equal(c->zones[0].neg_ttl, 60);
	assert_int_equal(c->zones[0].nrrs, 2);
	assert_rr_text(c->zones[0].rrs[0].rr, "lb.example.\t3600\tIN\tSOA\t"
	    "ns1.lb.example. hostmaster.lb.example. 1 3600 900 604800 60");
	assert_rr_text(c->zones[0].rrs[1].rr, "lb.example.\t3600\tIN\tNS\t"
	    "ns1.lb.example.");
	conf_free(c);
}

static void
server_settings_read(void **state)
{
	struct conf	*c;

	(void)state;
	c = load_ok("good-relative.conf");
	assert_int_equal(c->workers, 4);
	assert_int_equal(c->edns_payload, 1400);
	assert_int_equal(c->tcp_timeout, 30);
	assert_int_equal(c->tcp_clients, 100);
	assert_int_equal(c->nzones, 2);
	assert_string_equal(c->zones[1].file, D "ok.zone.conf");
	conf_free(c);
}

/* Every operations setting, paths relative to the main file's directory. */
static void
ops_settings_read(void **state)
{
	struct conf	*c;
	char		 a[INET6_ADDRSTRLEN];

	(void)state;
	c = load_ok("good-ops.conf");
	assert_string_equal(c->control, D "run/ctl.sock");
	assert_int_equal(c->control_mode, 0640);
	assert_true(c->has_metrics);
	assert_int_equal(c->metrics.ss.ss_family, AF_INET6);
	assert_int_equal(ntohs(((struct sockaddr_in6 *)&c->metrics.ss)->
	    sin6_port), 9354);
	inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&c->metrics.ss)->
	    sin6_addr, a, sizeof(a));
	assert_string_equal(a, "::1");
	assert_string_equal(c->state_file, "/var/lib/steerdns/overrides");
	assert_string_equal(c->pid_file, D "run/steerdns.pid");
	assert_string_equal(c->user, "nobody");
	assert_string_equal(c->group, "nogroup");
	assert_int_equal(c->log, CONF_LOG_SYSLOG);
	assert_int_equal(c->log_level, 3);	/* LOG_LEVEL_DEBUG */
	assert_true(c->query_log == 0.25);
	conf_free(c);

	c = load_ok("good-ops-off.conf");
	assert_true(c->has_metrics);		/* set ... */
	assert_int_equal(c->metrics.sslen, 0);	/* ... to nothing */
	assert_string_equal(c->control, "");	/* none, not the directory */
	assert_int_equal(c->control_mode, 0660);	/* 432 is not octal */
	conf_free(c);

	c = load_ok("good-defaults.conf");
	assert_false(c->has_metrics);		/* the daemon's default */
	assert_int_equal(c->control_mode, 0660);
	assert_true(c->query_log == 0);
	assert_null(c->user);
	assert_null(c->control);
	assert_int_equal(c->log, -1);		/* by -f */
	assert_int_equal(c->log_level, 2);	/* LOG_LEVEL_INFO */
	conf_free(c);
}

static void
ops_settings_errors(void **state)
{
	static const char *const want[] = {
		D "bad-ops.conf:4: \"control\" must be a string, not an "
		    "integer",
		D "bad-ops.conf:5: \"control_mode\" must be an octal file "
		    "mode such as 0660",
		D "bad-ops.conf:6: bad metrics address \"localhost:9353\": "
		    "want ADDR:PORT or [ADDR6]:PORT",
		D "bad-ops.conf:7: \"state_file\" must be a string, not a "
		    "boolean",
		D "bad-ops.conf:8: log \"journal\" is not stderr or syslog",
		D "bad-ops.conf:9: log_level \"loud\" is not err, warn, info "
		    "or debug",
		D "bad-ops.conf:10: \"query_log\" 2 not in 0..1",
	};
	static const char *const want_mode[] = {
		D "bad-ops-mode.conf:4: \"control_mode\" must be an octal "
		    "file mode such as 0660",
	};

	(void)state;
	assert_errs("bad-ops.conf", want);
	assert_errs("bad-ops-mode.conf", want_mode);
}

/* nsid as text and in hex; identity and version as written. */
static void
ident_settings_read(void **state)
{
	static const uint8_t	 hex3[] = { 0x00, 0xff, 0x7a };
	uint8_t			 ab[128];
	struct conf		*c;
	char			 v255[256];

	(void)state;
	memset(v255, 'v', 255);
	v255[255] = '\0';
	c = load_ok("good-ident.conf");
	assert_int_equal(c->nsid_len, 7);
	assert_memory_equal(c->nsid, "ns1.fra", 7);
	assert_string_equal(c->identity, "ns1.fra.example.net");
	assert_string_equal(c->version, v255);	/* one character-string */
	conf_free(c);

	memset(ab, 0xab, sizeof(ab));
	c = load_ok("good-ident-hex.conf");
	assert_int_equal(c->nsid_len, 128);
	assert_memory_equal(c->nsid, ab, 128);
	assert_null(c->identity);
	assert_null(c->version);
	conf_free(c);

	c = load_ok("good-ident-0x.conf");
	assert_int_equal(c->nsid_len, 3);
	assert_memory_equal(c->nsid, hex3, 3);
	conf_free(c);

	/* Off unless configured. */
	c = load_ok("good-defaults.conf");
	assert_null(c->nsid);
	assert_int_equal(c->nsid_len, 0);
	assert_null(c->identity);
	assert_null(c->version);
	conf_free(c);
}

/* Each of the keys is part of the server group's equality. */
static void
ident_settings_compared(void **state)
{
	extern const struct conf_section	 conf_server_section;
	const struct conf_key			*keys = conf_server_section.keys;
	struct conf				*a, *b;

	(void)state;
	a = load_ok("good-ident.conf");
	b = load_ok("good-ident.conf");
	assert_true(conf_section_same(keys, a, b));
	b->nsid[0] ^= 1;
	assert_false(conf_section_same(keys, a, b));
	b->nsid[0] ^= 1;
	b->nsid_len--;
	assert_false(conf_section_same(keys, a, b));
	b->nsid_len++;
	b->identity[0] = 'x';
	assert_false(conf_section_same(keys, a, b));
	b->identity[0] = 'n';
	b->version[254] = 'x';
	assert_false(conf_section_same(keys, a, b));
	b->version[254] = 'v';
	assert_true(conf_section_same(keys, a, b));
	conf_free(a);
	conf_free(b);
}

static void
ident_settings_errors(void **state)
{
	static const char *const want[] = {
		D "bad-ident.conf:4: \"nsid\" \"0xabc\": want an even number "
		    "of hex digits after 0x",
		D "bad-ident.conf:5: \"identity\" must not be empty",
		D "bad-ident.conf:6: \"version\" must be a string, not an "
		    "integer",
	};
	static const char *const want_long[] = {
		D "bad-ident-long.conf:4: \"nsid\" is 129 bytes long, at most "
		    "128",
		D "bad-ident-long.conf:5: \"identity\" is 256 bytes long, at "
		    "most 255",
		D "bad-ident-long.conf:6: \"version\" is 300 bytes long, at "
		    "most 255",
	};
	static const char *const want_hex_long[] = {
		D "bad-nsid-hex-long.conf:4: \"nsid\" is 129 bytes long, at "
		    "most 128",
	};
	static const char *const want_empty[] = {
		D "bad-nsid-empty.conf:4: \"nsid\" must not be empty",
	};
	static const char *const want_digits[] = {
		D "bad-nsid-digits.conf:4: \"nsid\" \"0xzz\": want an even "
		    "number of hex digits after 0x",
	};
	static const char *const want_0x[] = {
		D "bad-nsid-0x.conf:4: \"nsid\" \"0x\": want an even number "
		    "of hex digits after 0x",
	};

	(void)state;
	assert_errs("bad-ident.conf", want);
	assert_errs("bad-ident-long.conf", want_long);
	assert_errs("bad-nsid-hex-long.conf", want_hex_long);
	assert_errs("bad-nsid-empty.conf", want_empty);
	assert_errs("bad-nsid-digits.conf", want_digits);
	assert_errs("bad-nsid-0x.conf", want_0x);
}

/* Cookie secrets in hex (any case); cookies on unless turned off. */
static void
cookie_settings_read(void **state)
{
	static const uint8_t	 cur[16] = { 0xe5, 0xe9, 0x73, 0xe5, 0xa6,
				    0xb2, 0xa4, 0x3f, 0x48, 0xe7, 0xdc, 0x84,
				    0x9e, 0x37, 0xbf, 0xcf };
	struct conf		*c;

	(void)state;
	c = load_ok("good-cookies.conf");
	assert_true(c->cookies);
	assert_true(c->has_cookie_secret);
	assert_memory_equal(c->cookie_secret, cur, 16);
	assert_true(c->has_cookie_secret_previous);
	assert_int_equal(c->cookie_secret_previous[0], 0xdd);
	assert_int_equal(c->cookie_secret_previous[15], 0x15);
	conf_free(c);
	c = load_ok("good-defaults.conf");
	assert_true(c->cookies);
	assert_false(c->has_cookie_secret);
	assert_false(c->has_cookie_secret_previous);
	conf_free(c);
	c = load_ok("good-cookies-off.conf");
	assert_false(c->cookies);
	conf_free(c);
}

/* A wrong secret is refused without repeating it. */
static void
cookie_settings_errors(void **state)
{
	static const char *const want[] = {
		D "bad-cookies.conf:6: \"cookies\" must be true or false, not "
		    "a string",
		D "bad-cookies.conf:4: \"cookie_secret\": want 32 hex digits "
		    "(16 bytes)",
		D "bad-cookies.conf:5: \"cookie_secret_previous\": want 32 hex "
		    "digits (16 bytes)",
	};

	(void)state;
	assert_errs("bad-cookies.conf", want);
}

static void
relative_names_resolved_against_origin(void **state)
{
	static const char *const want[] = {
		"rel.example.\t600\tIN\tSOA\tns1.rel.example. "
		    "hostmaster.rel.example. 2147483647 7200 600 1209600 3600",
		"rel.example.\t600\tIN\tNS\tns1.rel.example.",
		"rel.example.\t600\tIN\tNS\tns.example.net.",
		"rel.example.\t600\tIN\tNS\trel.example.",
		"ns1.rel.example.\t600\tIN\tA\t192.0.2.1",
		"www.rel.example.\t30\tIN\tCNAME\tweb.rel.example.",
		"web.rel.example.\t600\tIN\tA\t192.0.2.80",
		"rel.example.\t600\tIN\tMX\t10 mail.rel.example.",
		"mail.rel.example.\t600\tIN\tA\t192.0.2.25",
		"_sip._udp.rel.example.\t600\tIN\tSRV\t10 60 5060 "
		    "sip.example.net.",
		"sub.rel.example.\t600\tIN\tNS\tns.sub.rel.example.",
		"sub.rel.example.\t600\tIN\tDS\t12345 8 2 "
		    "0123456789abcdef0123456789abcdef0123456789abcdef"
		    "0123456789abcdef",
		"ns.sub.rel.example.\t600\tIN\tA\t192.0.2.53",
	};
	static const int lines[] = { 4, 13, 13, 13, 15, 16, 17, 18, 19, 20,
	    21, 22, 23 };
	struct conf		*c;
	const struct conf_zone	*z;
	size_t			 i;

	(void)state;
	c = load_ok("good-relative.conf");
	z = &c->zones[0];
	assert_string_equal(z->file, D "good-relative.zone.conf");
	assert_int_equal(z->ttl, 600);
	assert_int_equal(z->neg_ttl, 600);
	assert_int_equal(z->nrrs, NITEMS(want));
	for (i = 0; i < z->nrrs; i++) {
		assert_rr_text(z->rrs[i].rr, want[i]);
		assert_int_equal(z->rrs[i].line, lines[i]);
	}
	/* The origin is kept in lower case. */
	assert_int_equal(ldns_rdf_data(z->origin)[1], 'r');
	conf_free(c);
}

/* --- fleet --- */

/*
 * Load a main file whose text after the server group is fleet (lines
 * 4..), over one zone file with zone_extra appended; the errors in errs.
 */
static int
load_fleet(const char *fleet, const char *zone_extra, struct conf **c,
    struct conf_errs *errs)
{
	struct tu_file	 f[2];
	char		*main_text, *zone_text;
	int		 rv;

	main_text = tu_printf("server = {\n  listen = [ \"127.0.0.1:5353\" ];"
	    "\n};\n%s\nzones = [ \"z.conf\" ];\n", fleet);
	zone_text = tu_printf("origin = \"lb.example.\";\n"
	    "soa = { mname = \"ns1\"; rname = \"h\"; };\n"
	    "ns = [ \"ns1\" ];\n%s", zone_extra);
	f[0].name = "steerdns.conf";
	f[0].text = main_text;
	f[1].name = "z.conf";
	f[1].text = zone_text;
	*c = NULL;
	rv = tu_load_files(f, 2, c, errs);
	free(main_text);
	free(zone_text);
	return rv;
}

/* Some error of errs ends with want ("steerdns.conf:5: ..."). */
static void
assert_has_err(const struct conf_errs *errs, const char *want)
{
	size_t	 i;

	for (i = 0; i < errs->n; i++)
		if (strstr(errs->msg[i], want) != NULL)
			return;
	tu_print_errs(errs);
	fail_msg("no error \"%s\"", want);
}

static void
fleet_read(void **state)
{
	struct conf		*c, *d;
	struct conf_errs	 errs = { NULL, 0 };

	(void)state;
	/* No group: alone, no hash. */
	assert_int_equal(load_fleet("", "", &c, &errs), 0);
	assert_null(c->fleet.node);
	assert_int_equal(c->hash, 0);
	conf_free(c);
	/* The defaults. */
	assert_int_equal(load_fleet("fleet = { node = \"ns1\"; etcd = [ "
	    "\"http://127.0.0.1:2379\" ]; };", "", &c, &errs), 0);
	assert_string_equal(c->fleet.node, "ns1");
	assert_int_equal(c->fleet.netcd, 1);
	assert_string_equal(c->fleet.etcd[0], "http://127.0.0.1:2379");
	assert_string_equal(c->fleet.prefix, "/steerdns/");
	assert_int_equal(c->fleet.quorum, 0);
	assert_true(c->fleet.lease == 5.0);
	assert_int_not_equal(c->hash, 0);
	/*
	 * Another node: another main file, the same zone file, the same
	 * hash; another zone file, another hash.
	 */
	assert_int_equal(load_fleet("fleet = { node = \"ns-2_b.x\"; etcd = [ "
	    "\"http://192.0.2.1:2379\", \"https://[2001:db8::1]:2379\" ]; "
	    "prefix = \"/lb/a/\"; quorum = \"majority\"; lease = 2.5; };", "",
	    &d, &errs), 0);
	assert_true(c->hash == d->hash);
	assert_int_equal(d->fleet.netcd, 2);
	assert_string_equal(d->fleet.prefix, "/lb/a/");
	assert_true(d->fleet.lease == 2.5);
	conf_free(d);
	assert_int_equal(load_fleet("fleet = { node = \"ns1\"; etcd = [ "
	    "\"http://127.0.0.1:2379\" ]; quorum = 2; };",
	    "records = [ \"a A 192.0.2.1\" ];\n", &d, &errs), 0);
	assert_true(c->hash != d->hash);
	assert_int_equal(d->fleet.quorum, 2);
	conf_free(d);
	conf_free(c);
}

static void
fleet_errors(void **state)
{
	struct conf		*c;
	struct conf_errs	 errs = { NULL, 0 };

	(void)state;
	assert_int_equal(load_fleet("fleet = {\n"
	    "  node = \"ns 1\";\n"
	    "  etcd = [ \"127.0.0.1:2379\" ];\n"
	    "  prefix = \"steerdns\";\n"
	    "  quorum = \"most\";\n"
	    "  lease = 0.5;\n"
	    "  leases = 5;\n"
	    "};", "", &c, &errs), -1);
	assert_has_err(&errs, "steerdns.conf:5: fleet: bad node name \"ns 1\"");
	assert_has_err(&errs, "steerdns.conf:6: fleet: bad etcd endpoint "
	    "\"127.0.0.1:2379\": want http://HOST:PORT or https://HOST:PORT");
	assert_has_err(&errs, "steerdns.conf:7: fleet: the prefix must start "
	    "and end with '/'");
	assert_has_err(&errs, "steerdns.conf:8: \"quorum\" must be "
	    "\"majority\" or a number of nodes");
	assert_has_err(&errs, "steerdns.conf:9: \"lease\" 0.5 not in 1..300");
	assert_has_err(&errs, "steerdns.conf:10: unknown key \"leases\" in fleet");
	conf_errs_clear(&errs);
	/* node and etcd are required; quorum within 1..64. */
	assert_int_equal(load_fleet("fleet = { quorum = 65; };", "", &c, &errs),
	    -1);
	assert_has_err(&errs, "\"quorum\" 65 not in 1..64");
	assert_has_err(&errs, "node");
	assert_has_err(&errs, "etcd");
	conf_errs_clear(&errs);
	assert_int_equal(load_fleet("fleet = [ \"ns1\" ];", "", &c, &errs), -1);
	assert_has_err(&errs, "steerdns.conf:4: \"fleet\" must be a group");
	conf_errs_clear(&errs);
}

/* --- server.probe_source --- */

/* The main file with these server settings beside listen, one zone. */
static struct conf *
load_server(const char *settings)
{
	struct tu_file		 f[2];
	struct conf		*c = NULL;
	struct conf_errs	 errs = { NULL, 0 };
	char			*main_text;
	size_t			 n;
	int			 rv;

	main_text = tu_printf("server = {\n  listen = [ \"127.0.0.1:5353\" ];"
	    "\n  %s\n};\nzones = [ \"z.conf\" ];\n", settings);
	f[0].name = "steerdns.conf";
	f[0].text = main_text;
	f[1].name = "z.conf";
	f[1].text = "origin = \"lb.example.\";\n"
	    "soa = { mname = \"ns1\"; rname = \"h\"; };\n"
	    "ns = [ \"ns1\" ];\n";
	rv = tu_load_files(f, 2, &c, &errs);
	tu_print_errs(&errs);
	n = errs.n;
	conf_errs_clear(&errs);
	free(main_text);
	assert_int_equal(n, 0);
	assert_int_equal(rv, 0);
	return c;
}

/* src is set to addr (port 0), or unset when addr is NULL. */
static void
assert_source(const struct conf_source *src, const char *addr)
{
	const struct sockaddr_in	*sin = (const void *)&src->ss;
	const struct sockaddr_in6	*sin6 = (const void *)&src->ss;
	char				 buf[INET6_ADDRSTRLEN];

	if (addr == NULL) {
		assert_int_equal(src->sslen, 0);
		assert_string_equal(src->text, "");
		return;
	}
	assert_string_equal(src->text, addr);
	if (strchr(addr, ':') == NULL) {
		assert_int_equal(src->ss.ss_family, AF_INET);
		assert_int_equal(src->sslen, sizeof(*sin));
		assert_int_equal(sin->sin_port, 0);
		inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof(buf));
	} else {
		assert_int_equal(src->ss.ss_family, AF_INET6);
		assert_int_equal(src->sslen, sizeof(*sin6));
		assert_int_equal(sin6->sin6_port, 0);
		inet_ntop(AF_INET6, &sin6->sin6_addr, buf, sizeof(buf));
	}
	assert_string_equal(buf, addr);
}

static void
probe_source_read(void **state)
{
	extern const struct conf_section	 conf_server_section;
	const struct conf_key	*k;
	struct conf		*c;
	char			 buf[128];

	(void)state;
	k = conf_key_find(conf_server_section.keys, "probe_source");
	assert_non_null(k);

	c = load_server("");			/* not set: the kernel picks */
	assert_source(&c->probe_source.v4, NULL);
	assert_source(&c->probe_source.v6, NULL);
	conf_key_format(k, c, buf, sizeof(buf));
	assert_string_equal(buf, "(none)");
	conf_free(c);

	c = load_server("probe_source = [ \"192.0.2.53\" ];");
	assert_source(&c->probe_source.v4, "192.0.2.53");
	assert_source(&c->probe_source.v6, NULL);
	conf_free(c);

	c = load_server("probe_source = [ \"2001:DB8:0::53\" ];");
	assert_source(&c->probe_source.v4, NULL);
	assert_source(&c->probe_source.v6, "2001:db8::53");	/* as printed */
	conf_key_format(k, c, buf, sizeof(buf));
	assert_string_equal(buf, "\"2001:db8::53\"");
	conf_free(c);

	/* Either order; a list does as well as an array. */
	c = load_server("probe_source = ( \"2001:db8::53\", \"192.0.2.53\" );");
	assert_source(&c->probe_source.v4, "192.0.2.53");
	assert_source(&c->probe_source.v6, "2001:db8::53");
	conf_key_format(k, c, buf, sizeof(buf));
	assert_string_equal(buf, "[ \"192.0.2.53\", \"2001:db8::53\" ]");
	conf_free(c);

	/* One address as a plain string; an empty array is no address. */
	c = load_server("probe_source = \"127.0.0.11\";");
	assert_source(&c->probe_source.v4, "127.0.0.11");
	assert_source(&c->probe_source.v6, NULL);
	conf_free(c);
	c = load_server("probe_source = [ ];");
	assert_source(&c->probe_source.v4, NULL);
	assert_source(&c->probe_source.v6, NULL);
	conf_free(c);
}

static void
probe_source_errors(void **state)
{
	static const char *const want[] = {
		D "bad-probe-source.conf:5: probe_source \"192.0.2.54\": a "
		    "second IPv4 address after \"192.0.2.53\"; at most one per "
		    "family",
		D "bad-probe-source.conf:7: probe_source \"2001:DB8::54\": a "
		    "second IPv6 address after \"2001:db8::53\"; at most one "
		    "per family",
		D "bad-probe-source.conf:8: bad probe_source "
		    "\"www.example.com\": want an IPv4 or IPv6 address",
		D "bad-probe-source.conf:9: bad probe_source "
		    "\"192.0.2.55:5353\": want an address alone, without "
		    "brackets or a port",
		D "bad-probe-source.conf:10: bad probe_source "
		    "\"[2001:db8::55]\": want an address alone, without "
		    "brackets or a port",
		D "bad-probe-source.conf:11: bad probe_source \"fe80::1%lo\": "
		    "want an IPv4 or IPv6 address",
		D "bad-probe-source.conf:12: bad probe_source "
		    "\"::ffff:192.0.2.56\": an IPv4-mapped address; write "
		    "192.0.2.56",
		D "bad-probe-source.conf:13: \"probe_source\" must hold "
		    "strings, not an integer",
	};
	static const char *const want_int[] = {
		D "bad-probe-source-int.conf:4: \"probe_source\" must be an "
		    "address or an array of them, not an integer",
	};

	(void)state;
	assert_errs("bad-probe-source.conf", want);
	assert_errs("bad-probe-source-int.conf", want_int);
}

/*
 * The same sources are the same setting, whatever the order or spelling;
 * another address or one family fewer is not.
 */
static void
probe_source_same(void **state)
{
	extern const struct conf_section	 conf_server_section;
	const struct conf_key	*keys = conf_server_section.keys;
	struct conf		*a, *b, *c, *d, *e;

	(void)state;
	a = load_server("probe_source = [ \"192.0.2.53\", \"2001:db8::53\" ];");
	b = load_server("probe_source = [ \"2001:db8:0:0::53\", "
	    "\"192.0.2.53\" ];");
	c = load_server("probe_source = [ \"192.0.2.54\", \"2001:db8::53\" ];");
	d = load_server("probe_source = \"192.0.2.53\";");
	e = load_server("");
	assert_true(conf_section_same(keys, a, b));
	assert_false(conf_section_same(keys, a, c));
	assert_false(conf_section_same(keys, a, d));
	assert_false(conf_section_same(keys, d, e));
	assert_true(conf_section_same(keys, e, e));
	conf_free(a);
	conf_free(b);
	conf_free(c);
	conf_free(d);
	conf_free(e);
}

static void
parse_source_forms(void **state)
{
	static const char *const bad[] = {
		"", "192.0.2.1:53", "[::1]", "[::1]:53", "localhost", "1.2.3",
		" 192.0.2.1", "192.0.2.1 ", "::1/128", "256.0.0.1",
	};
	struct conf_source	 src;
	size_t			 i;

	(void)state;
	assert_int_equal(conf_parse_source("0:0::1", &src), 0);
	assert_string_equal(src.text, "::1");
	assert_int_equal(conf_parse_source("::ffff:192.0.2.1", &src), 0);
	assert_int_equal(src.ss.ss_family, AF_INET6);
	for (i = 0; i < NITEMS(bad); i++) {
		if (conf_parse_source(bad[i], &src) != -1)
			fail_msg("\"%s\" accepted", bad[i]);
		assert_int_equal(src.sslen, 0);
	}
}

/* --- conf_parse_listen() --- */

static void
parse_listen_accepts(void **state)
{
	static const struct {
		const char	*text;
		int		 family;
		const char	*addr;
		unsigned	 port;
	} ok[] = {
		{ "127.0.0.1", AF_INET, "127.0.0.1", 53 },
		{ "192.0.2.1:5353", AF_INET, "192.0.2.1", 5353 },
		{ "0.0.0.0:1", AF_INET, "0.0.0.0", 1 },
		{ "10.0.0.1:65535", AF_INET, "10.0.0.1", 65535 },
		{ "[::1]:5353", AF_INET6, "::1", 5353 },
		{ "[2001:db8::53]", AF_INET6, "2001:db8::53", 53 },
		{ "::", AF_INET6, "::", 53 },
		{ "2001:db8::1", AF_INET6, "2001:db8::1", 53 },
		{ "[::ffff:192.0.2.1]:53", AF_INET6, "::ffff:192.0.2.1", 53 },
	};
	struct conf_listen	 l;
	size_t			 i;

	(void)state;
	for (i = 0; i < NITEMS(ok); i++) {
		memset(&l, 0xa5, sizeof(l));
		assert_int_equal(conf_parse_listen(ok[i].text, &l.ss,
		    &l.sslen), 0);
		l.text = (char *)(uintptr_t)ok[i].text;
		assert_listen(&l, ok[i].family, ok[i].addr, ok[i].port,
		    ok[i].text);
	}
}

static void
parse_listen_rejects(void **state)
{
	static const char *const bad[] = {
		"", ":53", "1.2.3.4:99999", "1.2.3.4:0", "1.2.3.4:",
		"1.2.3.4:x", "1.2.3.4:53x", "1.2.3.4:-1", "[::1", "[::1]x",
		"[::1]:", "[::1]:0", "[]:53", "nothost", "localhost:53",
		"1.2.3", "1.2.3.4.5", "256.1.1.1", "[zz::1]:53", "::1:53:x",
		"[0000:0000:0000:0000:0000:0000:0000:0000:0000]:53",
	};
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	size_t			 i;

	(void)state;
	for (i = 0; i < NITEMS(bad); i++)
		if (conf_parse_listen(bad[i], &ss, &len) != -1)
			fail_msg("\"%s\" accepted", bad[i]);
}

/* The forms the documentation gives, and no others. */
static void
parse_listen_rejects_lenient_forms(void **state)
{
	static const char *const bad[] = {
		"[1.2.3.4]:53", "1.2.3.4: 53", "1.2.3.4:+53", "[::1]: 53",
	};
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	size_t			 i, n = 0;

	(void)state;
	for (i = 0; i < NITEMS(bad); i++)
		if (conf_parse_listen(bad[i], &ss, &len) != -1) {
			print_error("\"%s\" accepted\n", bad[i]);
			n++;
		}
	assert_int_equal(n, 0);
}

/* --- server.rrl --- */

/* The main file with server settings on lines 3.., one zone. */
static int
load_rrl(const char *settings, struct conf **c, struct conf_errs *errs)
{
	struct tu_file	 f[2];
	char		*main_text;
	int		 rv;

	main_text = tu_printf("server = {\n  listen = [ \"127.0.0.1:5353\" ];"
	    "\n%s\n};\nzones = [ \"z.conf\" ];\n", settings);
	f[0].name = "steerdns.conf";
	f[0].text = main_text;
	f[1].name = "z.conf";
	f[1].text = "origin = \"lb.example.\";\n"
	    "soa = { mname = \"ns1\"; rname = \"h\"; };\n"
	    "ns = [ \"ns1\" ];\n";
	*c = NULL;
	rv = tu_load_files(f, 2, c, errs);
	free(main_text);
	return rv;
}

/* Off unless given; given, each key has its default or its value. */
static void
rrl_defaults(void **state)
{
	struct conf	*c;

	(void)state;
	c = load_server("");
	assert_false(c->rrl.on);
	conf_free(c);
	c = load_server("rrl = { };");
	assert_true(c->rrl.on);
	assert_int_equal(c->rrl.rate, 20);
	assert_int_equal(c->rrl.slip, 2);
	assert_int_equal(c->rrl.window, 15);
	assert_int_equal(c->rrl.ipv4_prefix, 24);
	assert_int_equal(c->rrl.ipv6_prefix, 56);
	conf_free(c);
	c = load_server("rrl = { rate = 5; slip = 0; window = 1; "
	    "ipv4_prefix = 32; ipv6_prefix = 64; };");
	assert_true(c->rrl.on);
	assert_int_equal(c->rrl.rate, 5);
	assert_int_equal(c->rrl.slip, 0);
	assert_int_equal(c->rrl.window, 1);
	assert_int_equal(c->rrl.ipv4_prefix, 32);
	assert_int_equal(c->rrl.ipv6_prefix, 64);
	conf_free(c);
}

/* Every value out of range, at its line; a wrong type; unknown keys. */
static void
rrl_errors(void **state)
{
	struct conf		*c;
	struct conf_errs	 errs = { NULL, 0 };

	(void)state;
	assert_int_equal(load_rrl("rrl = {\n rate = 0;\n slip = 11;\n"
	    " window = 0;\n ipv4_prefix = 33;\n ipv6_prefix = 8;\n"
	    " burst = 3;\n};", &c, &errs), -1);
	assert_has_err(&errs, "steerdns.conf:4: \"rate\" 0 not in 1..1000000");
	assert_has_err(&errs, "steerdns.conf:5: \"slip\" 11 not in 0..10");
	assert_has_err(&errs, "steerdns.conf:6: \"window\" 0 not in 1..3600");
	assert_has_err(&errs, "steerdns.conf:7: \"ipv4_prefix\" 33 not in "
	    "8..32");
	assert_has_err(&errs, "steerdns.conf:8: \"ipv6_prefix\" 8 not in "
	    "16..128");
	assert_has_err(&errs, "steerdns.conf:9:");
	assert_has_err(&errs, "burst");
	conf_errs_clear(&errs);
	assert_int_equal(load_rrl("rrl = true;", &c, &errs), -1);
	assert_has_err(&errs, "steerdns.conf:3: \"rrl\" must be a group, "
	    "not a boolean");
	conf_errs_clear(&errs);
	assert_int_equal(load_rrl("rrl = { window = 3601; };", &c, &errs), -1);
	assert_has_err(&errs, "steerdns.conf:3: \"window\" 3601 not in "
	    "1..3600");
	conf_errs_clear(&errs);
}

/* A change of any setting, or on/off, is a change of the server group. */
static void
rrl_compared(void **state)
{
	extern const struct conf_section	 conf_server_section;
	const struct conf_key	*keys = conf_server_section.keys;
	struct conf		*a, *b, *off;

	(void)state;
	a = load_server("rrl = { rate = 5; };");
	b = load_server("rrl = { rate = 5; slip = 2; };");
	off = load_server("");
	assert_true(conf_section_same(keys, a, b));
	assert_false(conf_section_same(keys, a, off));
	b->rrl.ipv6_prefix = 64;
	assert_false(conf_section_same(keys, a, b));
	conf_free(a);
	conf_free(b);
	conf_free(off);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(main_file_missing),
		cmocka_unit_test(main_file_syntax_error),
		cmocka_unit_test(zone_file_unreadable),
		cmocka_unit_test(zone_file_unreadable_bracket_below),
		cmocka_unit_test(unknown_key_in_main_file),
		cmocka_unit_test(unknown_key_in_server),
		cmocka_unit_test(string_where_integer_goes),
		cmocka_unit_test(float_where_integer_goes),
		cmocka_unit_test(group_where_array_goes),
		cmocka_unit_test(integer_where_string_goes_in_listen),
		cmocka_unit_test(server_not_a_group),
		cmocka_unit_test(integer_where_string_goes_in_zones),
		cmocka_unit_test(string_where_array_goes),
		cmocka_unit_test(workers_out_of_range),
		cmocka_unit_test(edns_payload_below_512),
		cmocka_unit_test(edns_payload_above_4096),
		cmocka_unit_test(tcp_timeout_zero),
		cmocka_unit_test(tcp_clients_zero),
		cmocka_unit_test(missing_server),
		cmocka_unit_test(missing_listen),
		cmocka_unit_test(missing_zones),
		cmocka_unit_test(empty_listen),
		cmocka_unit_test(empty_zones),
		cmocka_unit_test(bad_listen_addresses),
		cmocka_unit_test(bad_listen_ambiguous),
		cmocka_unit_test(probe_source_read),
		cmocka_unit_test(fleet_read),
		cmocka_unit_test(fleet_errors),
		cmocka_unit_test(probe_source_errors),
		cmocka_unit_test(probe_source_same),
		cmocka_unit_test(rrl_defaults),
		cmocka_unit_test(rrl_errors),
		cmocka_unit_test(rrl_compared),
		cmocka_unit_test(parse_source_forms),
		cmocka_unit_test(listen_address_twice),
		cmocka_unit_test(duplicate_zone),
		cmocka_unit_test(duplicate_zone_bracket_below),
		cmocka_unit_test(zone_file_syntax_error),
		cmocka_unit_test(unknown_key_in_zone),
		cmocka_unit_test(unknown_key_in_soa),
		cmocka_unit_test(integer_where_origin_goes),
		cmocka_unit_test(ttl_negative),
		cmocka_unit_test(ttl_group),
		cmocka_unit_test(soa_serial_above_32_bits),
		cmocka_unit_test(soa_serial_above_32_bits_without_suffix),
		cmocka_unit_test(same_key_twice_on_one_line),
		cmocka_unit_test(soa_serial_max_without_suffix),
		cmocka_unit_test(soa_refresh_string),
		cmocka_unit_test(missing_origin),
		cmocka_unit_test(missing_soa),
		cmocka_unit_test(missing_mname),
		cmocka_unit_test(missing_ns),
		cmocka_unit_test(empty_ns),
		cmocka_unit_test(origin_not_absolute),
		cmocka_unit_test(soa_not_a_group),
		cmocka_unit_test(soa_mname_empty_label),
		cmocka_unit_test(ns_label_too_long),
		cmocka_unit_test(record_bad_address),
		cmocka_unit_test(record_unknown_type),
		cmocka_unit_test(record_outside_zone),
		cmocka_unit_test(record_class_ch),
		cmocka_unit_test(record_soa),
		cmocka_unit_test(record_meta_types),
		cmocka_unit_test(cname_beside_other_data),
		cmocka_unit_test(dname_and_wildcard_owners),
		cmocka_unit_test(unreadable_files),
		cmocka_unit_test(cname_before_other_data),
		cmocka_unit_test(two_cnames),
		cmocka_unit_test(cname_at_apex),
		cmocka_unit_test(data_at_and_below_cut),
		cmocka_unit_test(delegation_below_delegation),
		cmocka_unit_test(delegation_below_delegation_written_first),
		cmocka_unit_test(data_below_cut_with_two_ns_reported_once),
		cmocka_unit_test(last_record_reported_at_its_line),
		cmocka_unit_test(several_errors_in_one_file),
		cmocka_unit_test(errors_across_files),
		cmocka_unit_test(errors_are_appended_and_cleared),
		cmocka_unit_test(shipped_config_loads),
		cmocka_unit_test(defaults_when_keys_absent),
		cmocka_unit_test(server_settings_read),
		cmocka_unit_test(ops_settings_read),
		cmocka_unit_test(ops_settings_errors),
		cmocka_unit_test(ident_settings_read),
		cmocka_unit_test(ident_settings_compared),
		cmocka_unit_test(ident_settings_errors),
		cmocka_unit_test(cookie_settings_read),
		cmocka_unit_test(cookie_settings_errors),
		cmocka_unit_test(relative_names_resolved_against_origin),
		cmocka_unit_test(parse_listen_accepts),
		cmocka_unit_test(parse_listen_rejects),
		cmocka_unit_test(parse_listen_rejects_lenient_forms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
