/* net.c -- what every answering thread shares: its context and log */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "net.h"
#include "snapshot.h"
#include "wire.h"

void
net_ctx_init(struct net_ctx *x, unsigned row)
{
	memset(x, 0, sizeof(*x));
	x->rng = (((uint64_t)arc4random() << 32) | arc4random()) | 1;
	x->row = row;
}

const void *
net_env(struct net_ctx *x, struct answer_env *env, bool tcp)
{
	/* The caller holds rcu_read_lock() while it uses env. */
	struct snapshot	*s = snapshot_current();

	env->db = s->db;
	env->edns_payload = s->conf->edns_payload;
	env->tcp = tcp;
	env->stats = &x->stats;
	env->counts = s->counts + (size_t)x->row * s->stride;
	env->health = s->health;
	env->client = NULL;
	env->rng = &x->rng;
	env->trace = NULL;
	/* TCP is never limited; without rrl nothing asks. */
	env->kind = !tcp && s->conf->rrl.on ? &x->kind : NULL;
	env->cookies = s->conf->cookies ? &s->cookies : NULL;
	env->now = 0;		/* the caller's, per batch */
	env->result = NULL;
	x->qlog_thr = s->qlog_thr;
	x->rrl_conf = s->conf->rrl;
	return s;
}

uint32_t
net_now(void)
{
	struct timespec	 ts;

	/* Coarse: a few ms off at most, and no system call. */
	if (clock_gettime(CLOCK_REALTIME_COARSE, &ts) == -1)
		return 0;
	return (uint32_t)ts.tv_sec;
}

void
net_qlog(const struct sockaddr *client, bool tcp, const uint8_t *q,
    size_t qlen, const uint8_t *r, size_t rlen)
{
	static const char *const rcodes[] = { "NOERROR", "FORMERR",
	    "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED" };
	char		 name[WIRE_NAME_TEXT_MAX], addr[INET6_ADDRSTRLEN];
	uint16_t	 type = 0;
	size_t		 end;
	unsigned	 rc;

	addr[0] = '\0';
	if (client != NULL && client->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)client)->
		    sin_addr, addr, sizeof(addr));
	else if (client != NULL && client->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)client)->
		    sin6_addr, addr, sizeof(addr));
	if (wire_name_text(q, qlen, WIRE_HDR_LEN, name, sizeof(name), &end) ==
	    -1 || end + 2 > qlen)
		snprintf(name, sizeof(name), "(malformed)");
	else
		type = wire_get16(q + end);
	if (rlen < WIRE_HDR_LEN) {
		log_info("query: %s %s %s type %u: dropped", addr, tcp ? "tcp" :
		    "udp", name, type);
		return;
	}
	rc = r[3] & 0xf;
	log_info("query: %s %s %s type %u: %s%s, %u answer%s", addr,
	    tcp ? "tcp" : "udp", name, type, rc < 6 ? rcodes[rc] : "other",
	    (r[2] & 0x02) ? " TC" : "", wire_get16(r + 6),
	    wire_get16(r + 6) == 1 ? "" : "s");
}

/*
 * Bind a socket of the given type to sa without SO_REUSEPORT: with it, a
 * second daemon would join the first one's group and take a share of its
 * queries without a word.  0: nothing else listens there; -1 (errno set).
 */
static int
probe_bind(const struct sockaddr *sa, socklen_t len, int type)
{
	int	 fd, on = 1, rv = 0, e;

	if ((fd = socket(sa->sa_family, type | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	/* As the real sockets: SO_REUSEADDR only passes TIME_WAIT. */
	if (type == SOCK_STREAM)
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (sa->sa_family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on,
		    sizeof(on));
	if (bind(fd, sa, len) == -1)
		rv = -1;
	e = errno;
	close(fd);
	errno = e;
	return rv;
}

int
net_listen_free(const struct conf *c)
{
	const struct conf_listen	*l;
	size_t				 i;
	int				 rv = 0;

	for (i = 0; i < c->nlisten; i++) {
		l = &c->listen[i];
		if (probe_bind((const struct sockaddr *)&l->ss, l->sslen,
		    SOCK_DGRAM) == -1 || probe_bind((const struct sockaddr *)
		    &l->ss, l->sslen, SOCK_STREAM) == -1) {
			if (errno == EADDRINUSE)
				log_warnx("listen %s: another process already "
				    "listens there (another steerdns?); stop "
				    "it or choose another address", l->text);
			else
				log_warn("listen %s", l->text);
			rv = -1;
		}
	}
	return rv;
}
