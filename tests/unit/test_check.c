/* test_check.c -- check kinds: their settings (every error, the valid
 * forms, the defaults) and how they describe results */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
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

#include <ev.h>
#include <ldns/ldns.h>

#include "check.h"
#include "check_target.h"
#include "conf.h"
#include "probe.h"
#include "testutil.h"

#ifndef CONF_DIR
#error CONF_DIR must name tests/unit/conf
#endif

#define D	CONF_DIR "/"

#define assert_errs(name, want)	tu_assert_errs(D, (name), (want))

static void
checks_not_a_group(void **state)
{
	static const char *const want[] = {
		D "check-not-group.zone.conf:6: \"checks\" must be a group, "
		    "not an array",
	};

	(void)state;
	assert_errs("check-not-group.conf", want);
}

static void
check_kind_and_type(void **state)
{
	static const char *const want[] = {
		D "check-kinds.zone.conf:7: check \"notgroup\" must be a group",
		D "check-kinds.zone.conf:8: check \"list\" must be a group",
		D "check-kinds.zone.conf:9: missing \"type\"",
		D "check-kinds.zone.conf:10: \"type\" must be a string, not an "
		    "integer",
		D "check-kinds.zone.conf:11: check \"badtype\": unknown type "
		    "\"ftp\" (tcp, http, https, dns, exec)",
		D "check-kinds.zone.conf:12: unknown key \"intervall\" in a "
		    "check",
	};

	(void)state;
	assert_errs("check-kinds.conf", want);
}

static void
check_numbers(void **state)
{
	static const char *const want[] = {
		D "check-numbers.zone.conf:7: \"port\" 0 not in 1..65535",
		D "check-numbers.zone.conf:8: \"port\" must be an integer, not "
		    "a string",
		D "check-numbers.zone.conf:9: \"interval\" 0.05 not in "
		    "0.1..86400",
		D "check-numbers.zone.conf:10: \"interval\" must be a number, "
		    "not a string",
		D "check-numbers.zone.conf:11: \"timeout\" 0 not in 0.01..3600",
		D "check-numbers.zone.conf:12: \"jitter\" 1.5 not in 0..1",
		D "check-numbers.zone.conf:13: \"rise\" 0 not in 1..100",
		D "check-numbers.zone.conf:14: \"fall\" 101 not in 1..100",
		D "check-numbers.zone.conf:15: \"rise\" must be an integer, "
		    "not a number",
		D "check-numbers.zone.conf:16: check \"long\": timeout 2 "
		    "longer than interval 1",
	};

	(void)state;
	assert_errs("check-numbers.conf", want);
}

/* A key of the wrong type is reported once, not also as missing. */
static void
check_wrong_types(void **state)
{
	static const char *const want[] = {
		D "check-types.zone.conf:9: \"path\" must be a string, not an "
		    "integer",
		D "check-types.zone.conf:10: \"host\" must be a string, not a "
		    "boolean",
		D "check-types.zone.conf:11: \"user_agent\" must be a string, "
		    "not a number",
		D "check-types.zone.conf:12: \"body\" must be a string, not an "
		    "array",
		D "check-types.zone.conf:13: \"load_header\" must be a string, "
		    "not a list",
		D "check-types.zone.conf:14: \"load_body\" must be true or "
		    "false, not a string",
		D "check-types.zone.conf:16: \"sni\" must be a string, not an "
		    "integer",
		D "check-types.zone.conf:17: \"verify\" must be true or false, "
		    "not an integer",
		D "check-types.zone.conf:18: \"qname\" must be a string, not "
		    "an integer",
		D "check-types.zone.conf:18: \"qtype\" must be a string, not "
		    "an integer",
		D "check-types.zone.conf:18: \"rcode\" must be a string, not "
		    "an integer",
		D "check-types.zone.conf:19: \"command\" must be a string, not "
		    "an array",
		D "check-types.zone.conf:20: \"initial\" must be a string, not "
		    "a boolean",
	};

	(void)state;
	assert_errs("check-types.conf", want);
}

/* The last string of an array has its own line, not the bracket's. */
static void
check_bad_headers(void **state)
{
	static const char *const want[] = {
		D "check-headers.zone.conf:11: check \"web\": bad header "
		    "\"X-No-Colon\": want \"Name: value\"",
		D "check-headers.zone.conf:13: check \"web\": bad header "
		    "\"X-Last-Bad\": want \"Name: value\"",
		D "check-headers.zone.conf:16: check \"crlf\": bad header "
		    "\"X-A: b...\": a line break in it",
		D "check-headers.zone.conf:17: \"headers\" must be an array of "
		    "strings, not a string",
		D "check-headers.zone.conf:18: \"headers\" must hold strings, "
		    "not an integer",
	};

	(void)state;
	assert_errs("check-headers.conf", want);
}

/* None of these may fall back to the default [200]. */
static void
check_bad_expect(void **state)
{
	static const char *const want[] = {
		D "check-expect.zone.conf:7: check \"str\": \"expect\" must be "
		    "a status code or an array of them, not a string",
		D "check-expect.zone.conf:8: check \"float\": \"expect\" must "
		    "be a status code or an array of them, not a number",
		D "check-expect.zone.conf:9: check \"empty\": \"expect\" must "
		    "not be empty",
		D "check-expect.zone.conf:10: check \"group\": \"expect\" must "
		    "be a status code or an array of them, not a group",
		D "check-expect.zone.conf:11: check \"low\": \"expect\" wants "
		    "HTTP status codes 100..599",
		D "check-expect.zone.conf:12: check \"high\": \"expect\" wants "
		    "HTTP status codes 100..599",
		D "check-expect.zone.conf:13: check \"strs\": \"expect\" wants "
		    "HTTP status codes 100..599",
		/* 4294967496 is 200 in 32 bits. */
		D "check-expect.zone.conf:14: check \"wrap\": \"expect\" wants "
		    "HTTP status codes 100..599",
		D "check-expect.zone.conf:18: check \"lines\": \"expect\" "
		    "wants HTTP status codes 100..599",
	};

	(void)state;
	assert_errs("check-expect.conf", want);
}

/* A qname the prober cannot use is found by --check-config. */
static void
check_bad_dns(void **state)
{
	static const char *const want[] = {
		D "check-dns.zone.conf:7: check \"noq\": dns needs \"qname\"",
		D "check-dns.zone.conf:8: check \"dots\": bad qname \"a..b.\"",
		D "check-dns.zone.conf:9: check \"empty\": bad qname \"\"",
		D "check-dns.zone.conf:11: check \"label\": bad qname "
		    "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaaaaaaaaaaa.example.\"",
		D "check-dns.zone.conf:12: check \"qtype\": unknown qtype "
		    "\"BOGUS\"",
		D "check-dns.zone.conf:13: check \"rcode\": unknown rcode "
		    "\"FINE\"",
	};

	(void)state;
	assert_errs("check-dns.conf", want);
}

static void
check_bad_exec_and_initial(void **state)
{
	static const char *const want[] = {
		D "check-exec.zone.conf:7: check \"nocmd\": exec needs "
		    "\"command\"",
		D "check-exec.zone.conf:8: check \"init\": initial \"maybe\" is "
		    "not up or down",
	};

	(void)state;
	assert_errs("check-exec.conf", want);
}

/*
 * A setting of another kind is refused, not ignored: a tcp check given a
 * path would never send it.
 */
static void
check_other_kinds(void **state)
{
	static const char *const want[] = {
		D "check-other-kind.zone.conf:7: check \"t\": \"path\" is not "
		    "a setting of tcp checks",
		D "check-other-kind.zone.conf:8: check \"h\": \"verify\" is not "
		    "a setting of http checks",
		D "check-other-kind.zone.conf:8: check \"h\": \"qname\" is not "
		    "a setting of http checks",
		D "check-other-kind.zone.conf:9: check \"d\": \"command\" is not "
		    "a setting of dns checks",
		D "check-other-kind.zone.conf:10: check \"e\": \"expect\" is not "
		    "a setting of exec checks",
	};

	(void)state;
	assert_errs("check-other-kind.conf", want);
}

static const struct conf_check *
find(const struct conf_zone *z, const char *name)
{
	size_t	 i;

	for (i = 0; i < z->nchecks; i++)
		if (strcmp(z->checks[i].name, name) == 0)
			return &z->checks[i];
	fail_msg("no check \"%s\"", name);
	return NULL;
}

/* A setting of a check's kind, as config text. */
static void
assert_opt(const struct conf_check *ck, const char *key, const char *want,
    const char *file, int line)
{
	char	 buf[256];

	check_opt_str(ck, key, buf, sizeof(buf));
	if (strcmp(buf, want) != 0)
		fail_msg("%s:%d: check %s: %s is %s, want %s", file, line,
		    ck->name, key, buf, want);
}
#define OPT(ck, key, want)	assert_opt((ck), (key), (want), __FILE__, \
				    __LINE__)

/* Every valid form, and the defaults. */
static void
check_valid_forms(void **state)
{
	struct conf		*c = NULL;
	struct conf_errs	 errs = { NULL, 0 };
	const struct conf_zone	*z;
	const struct conf_check	*ck;
	size_t			 i;
	int			 rv;

	(void)state;
	rv = conf_load(D "check-good.conf", &c, &errs);
	for (i = 0; i < errs.n; i++)
		print_error("%s\n", errs.msg[i]);
	conf_errs_clear(&errs);
	assert_int_equal(rv, 0);
	assert_int_equal(c->nzones, 1);
	z = &c->zones[0];
	assert_int_equal(z->nchecks, 7);

	ck = find(z, "plain");
	assert_string_equal(ck->kind->name, "http");
	assert_int_equal(ck->port, 80);
	OPT(ck, "path", "\"/\"");
	OPT(ck, "host", "(none)");
	OPT(ck, "user_agent", "(none)");
	OPT(ck, "expect", "[ 200 ]");
	assert_true(ck->interval == 5.0 && ck->timeout == 2.0 &&
	    ck->jitter == 0.1);
	assert_int_equal(ck->rise, 2);
	assert_int_equal(ck->fall, 3);
	assert_int_equal(ck->initial, CONF_INITIAL_UP);
	/* Settings of other kinds are not an http check's. */
	OPT(ck, "verify", "(none)");
	OPT(ck, "qname", "(none)");

	ck = find(z, "one");
	OPT(ck, "expect", "[ 204 ]");
	OPT(ck, "path", "\"/health\"");
	OPT(ck, "host", "\"www.example\"");
	OPT(ck, "user_agent", "\"ua/1\"");
	OPT(ck, "headers", "[ \"X-A: 1\", \"X-B: two words\" ]");

	ck = find(z, "many");
	assert_string_equal(ck->kind->name, "https");
	assert_int_equal(ck->port, 443);
	OPT(ck, "expect", "[ 200, 301, 599 ]");
	OPT(ck, "sni", "\"www.example\"");
	OPT(ck, "verify", "false");
	OPT(ck, "load_header", "\"X-Load\"");
	OPT(ck, "load_body", "true");

	ck = find(z, "list");
	OPT(ck, "expect", "[ 100 ]");

	ck = find(z, "dns");
	assert_string_equal(ck->kind->name, "dns");
	assert_int_equal(ck->port, 53);
	OPT(ck, "qname", "\"host.example\"");
	OPT(ck, "qtype", "\"AAAA\"");
	OPT(ck, "rcode", "\"NXDOMAIN\"");
	assert_int_equal(ck->initial, CONF_INITIAL_DOWN);
	OPT(ck, "expect", "(none)");

	ck = find(z, "exec");
	assert_string_equal(ck->kind->name, "exec");
	OPT(ck, "command", "\"true\"");
	assert_int_equal(ck->port, 7);
	assert_true(ck->interval == 0.5 && ck->timeout == 0.5 &&
	    ck->jitter == 0);
	assert_int_equal(ck->rise, 1);
	assert_int_equal(ck->fall, 100);

	ck = find(z, "tcp");
	assert_string_equal(ck->kind->name, "tcp");
	assert_int_equal(ck->port, 22);
	assert_int_equal(ck->initial, CONF_INITIAL_UP);
	conf_free(c);
}

/* The defaults of the kinds that have some. */
static void
check_kind_defaults(void **state)
{
	static const char *const zone[] = {
	    "origin = \"lb.example.\";\n"
	    "soa = { mname = \"ns1\"; rname = \"h\"; };\n"
	    "ns = [ \"ns1\" ];\n"
	    "checks = {\n"
	    "  d = { type = \"dns\"; qname = \"x.example.\"; };\n"
	    "  s = { type = \"https\"; };\n"
	    "};\n" };
	struct conf	*c = tu_load_zones(zone, 1);

	(void)state;
	OPT(find(&c->zones[0], "d"), "qtype", "\"SOA\"");
	OPT(find(&c->zones[0], "d"), "rcode", "\"NOERROR\"");
	OPT(find(&c->zones[0], "s"), "verify", "true");
	OPT(find(&c->zones[0], "s"), "expect", "[ 200 ]");
	conf_free(c);
}

static void
reason(char *buf, enum probe_result r, const struct conf_check *ck,
    int detail)
{
	check_reason(buf, PROBE_REASON_MAX, r, ck, detail);
}

/* The checks of a loaded zone, by name. */
static const struct conf_check *
check_of(const struct conf *c, const char *name)
{
	size_t	 i;

	for (i = 0; i < c->zones[0].nchecks; i++)
		if (strcmp(c->zones[0].checks[i].name, name) == 0)
			return &c->zones[0].checks[i];
	fail_msg("no check %s", name);
	return NULL;
}

/* What each kind says of each result; the generic ones for all kinds. */
static void
reason_strings(void **state)
{
	static const char *const zone[] = {
	    "origin = \"lb.example.\";\n"
	    "soa = { mname = \"ns1\"; rname = \"h\"; };\n"
	    "ns = [ \"ns1\" ];\n"
	    "checks = {\n"
	    "  web = { type = \"http\"; timeout = 1.0; body = \"ok\"; };\n"
	    "  w4 = { type = \"https\"; timeout = 0.4; };\n"
	    "  w25 = { type = \"tcp\"; port = 1; timeout = 0.25; };\n"
	    "  dns = { type = \"dns\"; qname = \"x.example.\"; };\n"
	    "  run = { type = \"exec\"; command = \"true\"; };\n"
	    "};\n" };
	struct conf		*c = tu_load_zones(zone, 1);
	const struct conf_check	*web = check_of(c, "web");
	const struct conf_check	*dns = check_of(c, "dns");
	const struct conf_check	*run = check_of(c, "run");
	const struct conf_check	*ks[5];
	char			 buf[PROBE_REASON_MAX];
	size_t			 i;

	(void)state;
	reason(buf, PROBE_REFUSED, web, ECONNREFUSED);
	assert_string_equal(buf, "connect refused");
	reason(buf, PROBE_REFUSED, web, ENETUNREACH);
	assert_string_equal(buf, "connect: Network is unreachable");
	reason(buf, PROBE_TIMEOUT, web, 0);
	assert_string_equal(buf, "timeout after 1.0s");
	reason(buf, PROBE_TIMEOUT, check_of(c, "w4"), 0);
	assert_string_equal(buf, "timeout after 0.4s");
	reason(buf, PROBE_TIMEOUT, check_of(c, "w25"), 0);
	assert_string_equal(buf, "timeout after 0.25s");
	reason(buf, PROBE_BAD_STATUS, web, 500);
	assert_string_equal(buf, "HTTP 500");
	reason(buf, PROBE_BAD_BODY, web, 0);
	assert_string_equal(buf, "body lacks \"ok\"");
	reason(buf, PROBE_BAD_RCODE, dns, LDNS_RCODE_SERVFAIL);
	assert_string_equal(buf, "rcode SERVFAIL");
	reason(buf, PROBE_BAD_RCODE, dns, LDNS_RCODE_NXDOMAIN);
	assert_string_equal(buf, "rcode NXDOMAIN");
	reason(buf, PROBE_EXIT_NONZERO, run, 1 << 8);
	assert_string_equal(buf, "exit 1");
	reason(buf, PROBE_EXIT_NONZERO, run, 9);
	assert_string_equal(buf, "killed by signal 9");
	reason(buf, PROBE_GARBAGE, web, 0);
	assert_string_equal(buf, "bad HTTP response");
	reason(buf, PROBE_GARBAGE, check_of(c, "w4"), 0);
	assert_string_equal(buf, "bad HTTP response");
	reason(buf, PROBE_GARBAGE, dns, 0);
	assert_string_equal(buf, "bad DNS reply");
	/* The generic results read the same for every kind. */
	ks[0] = web;
	ks[1] = check_of(c, "w4");
	ks[2] = check_of(c, "w25");
	ks[3] = dns;
	ks[4] = run;
	for (i = 0; i < NITEMS(ks); i++) {
		reason(buf, PROBE_CLOSED, ks[i], 0);
		assert_string_equal(buf, "connection closed");
		reason(buf, PROBE_LOCAL_ERROR, ks[i], EMFILE);
		assert_string_equal(buf, "local error: Too many open files");
		reason(buf, PROBE_OK, ks[i], 0);
		assert_string_equal(buf, "ok");
	}
	/* Truncated, still terminated. */
	check_reason(buf, 8, PROBE_CLOSED, web, 0);
	assert_string_equal(buf, "connect");
	conf_free(c);
}

/* --- check_sock_open(): the probe source --- */

static enum probe_result	 done_r;
static char			 done_reason[CHECK_REASON_MAX];
static int			 done_n;

static void
record_done(struct check_target *t, enum probe_result r, const char *why,
    int detail, uint64_t rtt_us)
{
	(void)t;
	(void)detail;
	(void)rtt_us;
	done_r = r;
	snprintf(done_reason, sizeof(done_reason), "%s", why != NULL ? why :
	    "");
	done_n++;
}

/* A target at 127.0.0.1 with the source text (NULL: none) in *src. */
static void
sock_target(struct check_target *t, struct conf_source *src,
    const char *text)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)&t->ss;

	memset(t, 0, sizeof(*t));
	t->loop = ev_default_loop(0);
	ev_init(&t->tmo, NULL);
	t->fd = -1;
	t->done = record_done;
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	t->sslen = sizeof(*sin);
	if (text != NULL) {
		assert_int_equal(conf_parse_source(text, src), 0);
		t->src = src;
	}
	done_n = 0;
}

/* The address fd is bound to, as text. */
static const char *
bound_addr(int fd, char *buf, size_t len)
{
	struct sockaddr_in	 sin;
	socklen_t		 sl = sizeof(sin);

	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	return inet_ntop(AF_INET, &sin.sin_addr, buf, len);
}

static void
sock_open_binds_the_source(void **state)
{
	struct check_target	 t;
	struct conf_source	 src;
	char			 buf[INET6_ADDRSTRLEN];
	int			 fd;

	(void)state;
	/* No source: the kernel picks at connect(); nothing bound yet. */
	sock_target(&t, &src, NULL);
	fd = check_sock_open(&t, SOCK_STREAM);
	assert_true(fd >= 0);
	assert_int_equal(t.fd, fd);
	assert_string_equal(bound_addr(fd, buf, sizeof(buf)), "0.0.0.0");
	close(fd);

	sock_target(&t, &src, "127.0.0.11");
	fd = check_sock_open(&t, SOCK_STREAM);
	assert_true(fd >= 0);
	assert_string_equal(bound_addr(fd, buf, sizeof(buf)), "127.0.0.11");
	close(fd);
	sock_target(&t, &src, "127.0.0.11");
	fd = check_sock_open(&t, SOCK_DGRAM);
	assert_true(fd >= 0);
	assert_string_equal(bound_addr(fd, buf, sizeof(buf)), "127.0.0.11");
	close(fd);
	assert_int_equal(done_n, 0);	/* the runs go on */
}

/* An address this host lacks ends the run: ours, not the target's. */
static void
sock_open_source_not_here(void **state)
{
	struct check_target	 t;
	struct conf_source	 src;

	(void)state;
	sock_target(&t, &src, "192.0.2.53");
	t.running = true;
	assert_int_equal(check_sock_open(&t, SOCK_STREAM), -1);
	assert_int_equal(t.fd, -1);
	assert_int_equal(done_n, 1);
	assert_int_equal(done_r, PROBE_LOCAL_ERROR);
	assert_string_equal(done_reason, "local error: source 192.0.2.53: "
	    "Cannot assign requested address");
	assert_false(t.running);
}

/*
 * tcp checks: a target keeps its socket between runs, disconnected, and
 * connects it again from a new port each run.
 */
extern const struct check_kind	 check_kind_tcp;

static const struct conf_check	 tcp_ck = { .name = "t", .kind =
    &check_kind_tcp, .interval = 1, .timeout = 0.4, .rise = 1, .fall = 1 };
/* Long enough for a dropped SYN's first retry (1 s). */
static const struct conf_check	 tcp_ck_slow = { .name = "t", .kind =
    &check_kind_tcp, .interval = 5, .timeout = 4, .rise = 1, .fall = 1 };

/* A listener on 127.0.0.1 (port 0: any) with the given backlog. */
static int
tcp_listener(uint16_t *port, int backlog)
{
	struct sockaddr_in	 sin = { .sin_family = AF_INET };
	socklen_t		 sl = sizeof(sin);
	int			 fd, one = 1;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(*port);
	assert_true((fd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)), 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(fd, backlog), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

/* A tcp target for 127.0.0.1:port sharing the kind's state s. */
static void
tcp_target(struct check_target *t, void *s, uint16_t port)
{
	sock_target(t, NULL, NULL);
	((struct sockaddr_in *)&t->ss)->sin_port = htons(port);
	t->ck = &tcp_ck;
	t->kind = &check_kind_tcp;
	t->kstate = s;
	ev_init(&t->io, NULL);
}

/* One run of t, which on loopback ends within the call. */
static enum probe_result
tcp_once(struct check_target *t)
{
	int	 n = done_n;

	t->running = true;
	check_kind_tcp.run(t);
	assert_int_equal(done_n, n + 1);
	assert_false(ev_is_active(&t->io));
	return done_r;
}

/* The peer port of the next connection in l's queue. */
static uint16_t
accepted_port(int l)
{
	struct sockaddr_in	 sin;
	socklen_t		 sl = sizeof(sin);
	int			 fd;

	assert_true((fd = accept(l, (struct sockaddr *)&sin, &sl)) >= 0);
	close(fd);
	return ntohs(sin.sin_port);
}

static void
tcp_keeps_its_socket(void **state)
{
	struct check_target	 t;
	void			*s;
	uint16_t		 port = 0, p1, p2;
	int			 l, fd;

	(void)state;
	s = check_kind_tcp.start(ev_default_loop(0));
	l = tcp_listener(&port, 16);
	tcp_target(&t, s, port);
	assert_int_equal(tcp_once(&t), PROBE_OK);
	assert_true(t.fd >= 0);
	assert_true(t.kept);
	fd = t.fd;
	p1 = accepted_port(l);
	assert_int_equal(tcp_once(&t), PROBE_OK);
	assert_int_equal(t.fd, fd);		/* the same socket */
	p2 = accepted_port(l);
	assert_int_not_equal(p1, p2);		/* from a new port */
	/* Refused, then accepting again: the kept socket tells both. */
	close(l);
	assert_int_equal(tcp_once(&t), PROBE_REFUSED);
	assert_string_equal(done_reason, "");	/* the generic reason */
	assert_int_equal(t.fd, fd);
	l = tcp_listener(&port, 16);
	assert_int_equal(tcp_once(&t), PROBE_OK);
	assert_int_equal(t.fd, fd);
	(void)accepted_port(l);
	check_kind_tcp.target_fini(&t);
	assert_int_equal(t.fd, -1);
	assert_false(t.kept);
	close(l);
	check_kind_tcp.stop(s);
}

/*
 * A full accept queue drops the SYN: the run is watched, and given up on
 * (cancel, as at the time limit).  The kept socket is watched again on
 * the next run without waking before the listener answers, then tells
 * the new connection once the queue has room.
 */
static void
tcp_kept_socket_watched(void **state)
{
	struct ev_loop		*loop = ev_default_loop(0);
	struct check_target	 t;
	void			*s;
	uint16_t		 port = 0;
	int			 l, hold, i, fd;

	(void)state;
	s = check_kind_tcp.start(loop);
	l = tcp_listener(&port, 0);
	tcp_target(&t, s, port);
	t.ck = &tcp_ck_slow;
	/* Fill the queue: backlog 0 takes one connection. */
	assert_int_equal(tcp_once(&t), PROBE_OK);
	hold = t.fd;			/* t's socket, now connected */
	t.fd = -1;
	t.kept = false;
	t.running = true;
	check_kind_tcp.run(&t);
	fd = t.fd;
	assert_true(ev_is_active(&t.io));	/* in flight: watched */
	for (i = 0; i < 20; i++) {
		ev_run(loop, EVRUN_NOWAIT);
		usleep(1000);
	}
	assert_int_equal(done_n, 1);
	check_kind_tcp.cancel(&t);
	ev_timer_stop(loop, &t.tmo);
	t.running = false;
	assert_false(ev_is_active(&t.io));
	assert_int_equal(t.fd, fd);
	assert_true(t.kept);
	/* Again, on the socket given up on: no early wake, no result. */
	t.running = true;
	check_kind_tcp.run(&t);
	assert_int_equal(t.fd, fd);
	assert_true(ev_is_active(&t.io));
	for (i = 0; i < 20; i++) {
		ev_run(loop, EVRUN_NOWAIT);
		usleep(1000);
	}
	assert_int_equal(done_n, 1);
	/* Room in the queue: the SYN's retry gets through (1 s later). */
	(void)accepted_port(l);
	close(hold);
	for (i = 0; i < 3000 && done_n == 1; i++) {
		ev_run(loop, EVRUN_NOWAIT);
		usleep(1000);
	}
	assert_int_equal(done_n, 2);
	assert_int_equal(done_r, PROBE_OK);
	assert_int_equal(t.fd, fd);
	assert_false(ev_is_active(&t.io));
	check_kind_tcp.target_fini(&t);
	close(l);
	check_kind_tcp.stop(s);
}

/* Sockets are kept for at most half the descriptor limit. */
static void
tcp_kept_bounded(void **state)
{
	struct check_target	 t[21];
	struct rlimit		 rl, low;
	void			*s;
	uint16_t		 port = 0;
	size_t			 i;
	int			 l;

	(void)state;
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	low = rl;
	low.rlim_cur = 40;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	s = check_kind_tcp.start(ev_default_loop(0));
	l = tcp_listener(&port, 64);
	for (i = 0; i < 21; i++) {
		tcp_target(&t[i], s, port);
		assert_int_equal(tcp_once(&t[i]), PROBE_OK);
		assert_int_equal(t[i].kept, i < 20);
		assert_int_equal(t[i].fd == -1, i == 20);
		(void)accepted_port(l);
	}
	/* One gives its socket up: the last may keep one now. */
	check_kind_tcp.target_fini(&t[0]);
	assert_int_equal(tcp_once(&t[20]), PROBE_OK);
	assert_true(t[20].kept);
	(void)accepted_port(l);
	for (i = 1; i < 21; i++)
		check_kind_tcp.target_fini(&t[i]);
	close(l);
	check_kind_tcp.stop(s);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(checks_not_a_group),
		cmocka_unit_test(check_kind_and_type),
		cmocka_unit_test(check_numbers),
		cmocka_unit_test(check_wrong_types),
		cmocka_unit_test(check_bad_headers),
		cmocka_unit_test(check_bad_expect),
		cmocka_unit_test(check_bad_dns),
		cmocka_unit_test(check_bad_exec_and_initial),
		cmocka_unit_test(check_other_kinds),
		cmocka_unit_test(check_valid_forms),
		cmocka_unit_test(check_kind_defaults),
		cmocka_unit_test(reason_strings),
		cmocka_unit_test(sock_open_binds_the_source),
		cmocka_unit_test(sock_open_source_not_here),
		cmocka_unit_test(tcp_keeps_its_socket),
		cmocka_unit_test(tcp_kept_socket_watched),
		cmocka_unit_test(tcp_kept_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
