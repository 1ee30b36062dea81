/* check_dns.c -- "dns": one UDP query, the rcode must match */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ev.h>
#include <ldns/ldns.h>

#include "check.h"
#include "check_target.h"
#include "conf.h"
#include "conf_load.h"
#include "conf_schema.h"
#include "log.h"
#include "util.h"

struct dns_opts {
	char		*qname;
	unsigned	 qtype;
	unsigned	 rcode;
};

/* The query, built once; each run only draws a new ID. */
struct dns_target {
	uint8_t		*wire;
	size_t		 len;
	uint16_t	 id;
};

static void
parse_qtype(struct loader *ld, const config_setting_t *s,
    const struct conf_key *k, void *obj, void *arg)
{
	const struct conf_check	*ck = arg;
	struct dns_opts		*o = obj;
	const char		*t;
	ldns_rr_type		 type;

	(void)k;
	if ((t = conf_get_str(ld, s)) == NULL)
		return;
	if ((type = ldns_get_rr_type_by_name(t)) == 0)
		conf_errf(ld, conf_line(s), "check \"%s\": unknown qtype \"%s\"",
		    ck->name, t);
	else
		o->qtype = type;
}

static void
parse_rcode(struct loader *ld, const config_setting_t *s,
    const struct conf_key *k, void *obj, void *arg)
{
	const struct conf_check	*ck = arg;
	struct dns_opts		*o = obj;
	ldns_lookup_table	*lt;
	const char		*t;

	(void)k;
	if ((t = conf_get_str(ld, s)) == NULL)
		return;
	if ((lt = ldns_lookup_by_name(ldns_rcodes, t)) == NULL)
		conf_errf(ld, conf_line(s), "check \"%s\": unknown rcode \"%s\"",
		    ck->name, t);
	else
		o->rcode = lt->id;
}

static bool
same_uint(const struct conf_key *k, const void *a, const void *b)
{
	return *(const unsigned *)(const void *)((const char *)a + k->off) ==
	    *(const unsigned *)(const void *)((const char *)b + k->off);
}

static void
format_qtype(const struct conf_key *k, const void *obj, char *buf,
    size_t len)
{
	char	*t = ldns_rr_type2str(((const struct dns_opts *)obj)->qtype);

	(void)k;
	snprintf(buf, len, "\"%s\"", t != NULL ? t : "?");
	free(t);
}

static void
format_rcode(const struct conf_key *k, const void *obj, char *buf,
    size_t len)
{
	const ldns_lookup_table	*lt = ldns_lookup_by_id(ldns_rcodes,
				    ((const struct dns_opts *)obj)->rcode);

	(void)k;
	snprintf(buf, len, "\"%s\"", lt != NULL ? lt->name : "?");
}

static const struct conf_key dns_keys[] = {
	{ "qname", CONF_STR, CONF_FIELD(struct dns_opts, qname),
	    .example = "\"b.example.\"", .doc = "the name asked" },
	{ "qtype", CONF_CUSTOM, CONF_FIELD(struct dns_opts, qtype),
	    .def = LDNS_RR_TYPE_SOA, .parse = parse_qtype, .same = same_uint,
	    .format = format_qtype, .example = "\"AAAA\"",
	    .doc = "the type asked (default SOA)" },
	{ "rcode", CONF_CUSTOM, CONF_FIELD(struct dns_opts, rcode),
	    .parse = parse_rcode, .same = same_uint, .format = format_rcode,
	    .example = "\"NXDOMAIN\"",
	    .doc = "the rcode a healthy server answers (default NOERROR)" },
	{ NULL }
};

/* Would ldns make a query name of text? */
static bool
valid_qname(const char *text)
{
	ldns_rdf	*d;

	if ((d = ldns_dname_new_frm_str(text)) == NULL)
		return false;
	ldns_rdf_deep_free(d);
	return true;
}

static void
dns_prepare(struct loader *ld, const config_setting_t *g,
    struct conf_check *ck)
{
	struct dns_opts	*o = ck->opts;

	/* Set before the keys are read: the custom keys have no default. */
	if (o->qname == NULL && conf_member(g, "qname") == NULL)
		conf_errf(ld, ck->line, "check \"%s\": dns needs \"qname\"",
		    ck->name);
	/* Else the prober could not build its query at start. */
	if (o->qname != NULL && !valid_qname(o->qname))
		conf_errf(ld, conf_line(conf_member(g, "qname")),
		    "check \"%s\": bad qname \"%s\"", ck->name, o->qname);
}

static bool
dns_describe(const struct conf_check *ck, enum probe_result r, int detail,
    char *buf, size_t len)
{
	const ldns_lookup_table	*lt;

	(void)ck;
	switch (r) {
	case PROBE_BAD_RCODE:
		if ((lt = ldns_lookup_by_id(ldns_rcodes, detail)) != NULL)
			snprintf(buf, len, "rcode %s", lt->name);
		else
			snprintf(buf, len, "rcode %d", detail);
		return true;
	case PROBE_GARBAGE:
		snprintf(buf, len, "bad DNS reply");
		return true;
	default:
		return false;
	}
}

static int
dns_target_init(struct check_target *t)
{
	const struct dns_opts	*o = t->ck->opts;
	struct dns_target	*d;
	ldns_rdf		*qn;
	ldns_pkt		*pkt;
	ldns_status		 st;

	if ((qn = ldns_dname_new_frm_str(o->qname)) == NULL) {
		log_warnx("check \"%s\": bad qname \"%s\"", t->ck->name,
		    o->qname);
		return -1;
	}
	/* ldns_pkt_query_new() owns qn from here. */
	if ((pkt = ldns_pkt_query_new(qn, o->qtype, LDNS_RR_CLASS_IN, 0)) ==
	    NULL) {
		log_warnx("check \"%s\": cannot build the query", t->ck->name);
		return -1;
	}
	d = xcalloc(1, sizeof(*d));
	st = ldns_pkt2wire(&d->wire, pkt, &d->len);
	ldns_pkt_free(pkt);
	if (st != LDNS_STATUS_OK) {
		log_warnx("check \"%s\": %s", t->ck->name,
		    ldns_get_errorstr_by_id(st));
		free(d);
		return -1;
	}
	t->kt = d;
	return 0;
}

static void
dns_target_fini(struct check_target *t)
{
	struct dns_target	*d = t->kt;

	if (d != NULL) {
		free(d->wire);
		free(d);
	}
	t->kt = NULL;
}

static void
reply_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct check_target	*t = w->data;
	const struct dns_opts	*o = t->ck->opts;
	struct dns_target	*d = t->kt;
	uint8_t			 buf[4096];
	ldns_pkt		*pkt = NULL;
	ssize_t			 n;
	uint64_t		 rtt;
	int			 rcode, err;

	(void)loop;
	(void)revents;
	for (;;) {
		n = recv(t->fd, buf, sizeof(buf), 0);
		if (n == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR)
				return;		/* wait for the right one */
			err = errno;
			check_sock_close(t);
			if (err == ECONNREFUSED)
				check_done(t, PROBE_REFUSED,
				    "port unreachable", 0, 0);
			else
				check_done(t, PROBE_REFUSED, NULL, err, 0);
			return;
		}
		/* Not our ID or not a reply: someone else's, ignore. */
		if (n < 12 || (buf[2] & 0x80) == 0 ||
		    ((buf[0] << 8) | buf[1]) != d->id)
			continue;
		break;
	}
	rtt = check_clock_us() - t->t0;
	check_sock_close(t);
	if (ldns_wire2pkt(&pkt, buf, (size_t)n) != LDNS_STATUS_OK) {
		check_done(t, PROBE_GARBAGE, NULL, 0, 0);
		return;
	}
	rcode = ldns_pkt_get_rcode(pkt);
	ldns_pkt_free(pkt);
	if ((unsigned)rcode != o->rcode)
		check_done(t, PROBE_BAD_RCODE, NULL, rcode, 0);
	else
		check_done(t, PROBE_OK, NULL, 0, rtt > 0 ? rtt : 1);
}

static void
dns_run(struct check_target *t)
{
	struct dns_target	*d = t->kt;
	int			 fd, err;

	if ((fd = check_sock_open(t, SOCK_DGRAM)) == -1)
		return;
	d->id = (uint16_t)arc4random();
	d->wire[0] = d->id >> 8;
	d->wire[1] = d->id & 0xff;
	/* A connected socket hears the port-unreachable error. */
	if (connect(fd, (struct sockaddr *)&t->ss, t->sslen) == -1 ||
	    send(fd, d->wire, d->len, 0) == -1) {
		err = errno;
		check_sock_close(t);
		if (err == ECONNREFUSED)
			check_done(t, PROBE_REFUSED, "port unreachable", 0, 0);
		else
			check_done(t, PROBE_LOCAL_ERROR, NULL, err, 0);
		return;
	}
	ev_io_init(&t->io, reply_cb, fd, EV_READ);
	t->io.data = t;
	ev_io_start(t->loop, &t->io);
	check_timer_start(t);
}

const struct check_kind check_kind_dns = {
	.name = "dns",
	.doc = "a DNS query over UDP; the rcode must be the expected one",
	.port = 53,
	.keys = dns_keys,
	.opts_size = sizeof(struct dns_opts),
	.prepare = dns_prepare,
	.describe = dns_describe,
	.target_init = dns_target_init,
	.target_fini = dns_target_fini,
	.run = dns_run,
	.cancel = check_sock_close,
};
