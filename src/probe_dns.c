/* probe_dns.c -- dns check: one UDP query, the rcode must match */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/socket.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <ev.h>
#include <ldns/ldns.h>

#include "conf.h"
#include "log.h"
#include "probe.h"
#include "probe_int.h"
#include "zone.h"

/* Build the query once; each run only draws a new ID. */
int
probe_dns_init(struct probe_target *t)
{
	ldns_rdf	*qn;
	ldns_pkt	*pkt;
	ldns_status	 st;

	if ((qn = ldns_dname_new_frm_str(t->ck->qname)) == NULL) {
		log_warnx("check \"%s\": bad qname \"%s\"", t->ck->name,
		    t->ck->qname);
		return -1;
	}
	/* ldns_pkt_query_new() owns qn from here. */
	if ((pkt = ldns_pkt_query_new(qn, t->ck->qtype, LDNS_RR_CLASS_IN,
	    0)) == NULL) {
		log_warnx("check \"%s\": cannot build the query", t->ck->name);
		return -1;
	}
	st = ldns_pkt2wire(&t->qwire, pkt, &t->qlen);
	ldns_pkt_free(pkt);
	if (st != LDNS_STATUS_OK) {
		log_warnx("check \"%s\": %s", t->ck->name,
		    ldns_get_errorstr_by_id(st));
		return -1;
	}
	return 0;
}

static void
reply_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct probe_target	*t = w->data;
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
			probe_sock_close(t);
			if (err == ECONNREFUSED)
				probe_done(t, PROBE_REFUSED,
				    "port unreachable", 0, 0);
			else
				probe_done(t, PROBE_REFUSED, NULL, err, 0);
			return;
		}
		/* Not our ID or not a reply: someone else's, ignore. */
		if (n < 12 || (buf[2] & 0x80) == 0 ||
		    ((buf[0] << 8) | buf[1]) != t->dns_id)
			continue;
		break;
	}
	rtt = probe_clock_us() - t->t0;
	probe_sock_close(t);
	if (ldns_wire2pkt(&pkt, buf, (size_t)n) != LDNS_STATUS_OK) {
		probe_done(t, PROBE_GARBAGE, NULL, 0, 0);
		return;
	}
	rcode = ldns_pkt_get_rcode(pkt);
	ldns_pkt_free(pkt);
	if (rcode != t->ck->rcode)
		probe_done(t, PROBE_BAD_RCODE, NULL, rcode, 0);
	else
		probe_done(t, PROBE_OK, NULL, 0, rtt > 0 ? rtt : 1);
}

void
probe_dns_run(struct probe_target *t)
{
	struct ev_loop	*loop = t->p->loop;
	int		 fd, err;

	fd = socket(t->ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd == -1) {
		probe_done(t, PROBE_LOCAL_ERROR, NULL, errno, 0);
		return;
	}
	t->fd = fd;
	t->dns_id = (uint16_t)(probe_rand(t->p) >> 48);
	t->qwire[0] = t->dns_id >> 8;
	t->qwire[1] = t->dns_id & 0xff;
	/* A connected socket hears the port-unreachable error. */
	if (connect(fd, (struct sockaddr *)&t->ss, t->sslen) == -1 ||
	    send(fd, t->qwire, t->qlen, 0) == -1) {
		err = errno;
		probe_sock_close(t);
		if (err == ECONNREFUSED)
			probe_done(t, PROBE_REFUSED, "port unreachable", 0, 0);
		else
			probe_done(t, PROBE_LOCAL_ERROR, NULL, err, 0);
		return;
	}
	ev_io_init(&t->io, reply_cb, fd, EV_READ);
	ev_io_start(loop, &t->io);
	ev_timer_set(&t->tmo, t->ck->timeout, 0);
	ev_timer_start(loop, &t->tmo);
}
