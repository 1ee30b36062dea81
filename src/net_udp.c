/* net_udp.c -- UDP sockets: batches of queries in, answers out */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* liburcu inlines its small read-side functions for any licence. */
#define URCU_INLINE_SMALL_FUNCTIONS
#include <urcu.h>

#include "log.h"
#include "net_udp.h"
#include "snapshot.h"
#include "util.h"

static bool
is_wildcard(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ((const struct sockaddr_in *)sa)->sin_addr.s_addr ==
		    htonl(INADDR_ANY);
	return IN6_IS_ADDR_UNSPECIFIED(
	    &((const struct sockaddr_in6 *)sa)->sin6_addr);
}

int
udp_open(const struct sockaddr *sa, socklen_t len, bool *pktinfo)
{
	int	 fd, on = 1, size = 4 * 1024 * 1024;

	if ((fd = socket(sa->sa_family, SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on)) == -1)
		goto fail;
	/* Bigger buffers ride out bursts; failure only costs drops. */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	*pktinfo = is_wildcard(sa);
	if (sa->sa_family == AF_INET6) {
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on,
		    sizeof(on)) == -1)
			goto fail;
		if (*pktinfo && setsockopt(fd, IPPROTO_IPV6,
		    IPV6_RECVPKTINFO, &on, sizeof(on)) == -1)
			goto fail;
		/* Never fragment: too big for the path fails, see send_all(). */
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_DONTFRAG, &on,
		    sizeof(on));
	} else {
		/*
		 * DF set, never fragmented (RFC 9715): an answer over the path
		 * MTU fails with EMSGSIZE and goes out truncated instead, so
		 * the client asks over TCP (send_all()).
		 */
		int	 pmtu = IP_PMTUDISC_DO;

		(void)setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu,
		    sizeof(pmtu));
		if (*pktinfo && setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on,
		    sizeof(on)) == -1)
			goto fail;
	}
	if (bind(fd, sa, len) == -1)
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

/*
 * On a wildcard socket, answer from the address the query came to: turn
 * the received packet-info into the control data of the reply.
 */
static size_t
reply_pktinfo(struct msghdr *in, uint8_t *buf)
{
	struct cmsghdr	*c, *o;
	struct msghdr	 m = { .msg_control = buf, .msg_controllen = 64 };

	for (c = CMSG_FIRSTHDR(in); c != NULL; c = CMSG_NXTHDR(in, c)) {
		o = CMSG_FIRSTHDR(&m);
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo	 pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			pi.ipi_spec_dst = pi.ipi_addr;
			pi.ipi_ifindex = 0;
			o->cmsg_level = IPPROTO_IP;
			o->cmsg_type = IP_PKTINFO;
			o->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(o), &pi, sizeof(pi));
			return CMSG_SPACE(sizeof(pi));
		}
		if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type ==
		    IPV6_PKTINFO) {
			o->cmsg_level = IPPROTO_IPV6;
			o->cmsg_type = IPV6_PKTINFO;
			o->cmsg_len = CMSG_LEN(sizeof(struct in6_pktinfo));
			memcpy(CMSG_DATA(o), CMSG_DATA(c),
			    sizeof(struct in6_pktinfo));
			return CMSG_SPACE(sizeof(struct in6_pktinfo));
		}
	}
	return 0;
}

/* The parts of the message headers that never change. */
static void
batch_init(struct udp_batch *b)
{
	struct msghdr	*h;
	int		 i;

	for (i = 0; i < NET_UDP_BATCH; i++) {
		h = &b->in[i].msg_hdr;
		memset(h, 0, sizeof(*h));
		b->iin[i].iov_base = b->inbuf[i];
		b->iin[i].iov_len = NET_UDP_IN;
		h->msg_iov = &b->iin[i];
		h->msg_iovlen = 1;
		h->msg_name = &b->addr[i];
		h->msg_namelen = sizeof(b->addr[i]);
		h->msg_control = b->cmsg[i];
		h->msg_controllen = sizeof(b->cmsg[i]);
	}
}

/* Send the m answers; one the path cannot carry whole goes truncated. */
static void
send_all(struct udp_sock *u, int m)
{
	struct udp_batch	*b = u->batch;
	struct iovec		*io;
	int			 sent, r;
	bool			 cut = false;

	for (sent = 0; sent < m; sent += r) {
		r = sendmmsg(u->fd, b->out + sent, m - sent, 0);
		if (r > 0) {
			cut = false;
			continue;
		}
		if (r == -1 && errno == EINTR) {
			r = 0;
			continue;
		}
		io = &b->iout[sent];
		if (r == -1 && errno == EMSGSIZE && !cut) {
			/* Over the path MTU: TC and empty, once. */
			io->iov_len = rrl_slip(io->iov_base, io->iov_len);
			answer_stat_add(&u->ctx.stats.too_big, 1);
			cut = true;
			r = 0;
			continue;
		}
		/* Skip the one that failed, send the rest. */
		answer_stat_add(&u->ctx.send_failed, 1);
		cut = false;
		r = 1;
	}
}

/* Is the answer to be sent? Rate limiting may drop it or cut it. */
static bool
limit(struct udp_sock *u, const struct sockaddr *client, uint8_t *out,
    size_t *len, uint64_t now)
{
	struct net_ctx	*x = &u->ctx;

	if (x->kind.cls == ANSWER_CLASS_NONE)
		return true;
	switch (rrl_check(&x->rrl, &x->rrl_conf, client, x->kind.cls,
	    x->kind.key, now, x->kind.exempt)) {
	case RRL_PASS:
		return true;
	case RRL_SLIP:
		answer_stat_add(&x->stats.rrl_limited, 1);
		answer_stat_add(&x->stats.rrl_slipped, 1);
		*len = rrl_slip(out, *len);
		return true;
	case RRL_DROP:
		break;
	}
	answer_stat_add(&x->stats.rrl_limited, 1);
	answer_stat_add(&x->stats.rrl_dropped, 1);
	return false;
}

/*
 * Answer one batch of n received queries with env at now (ms, read once
 * for the batch) and send the answers.  The caller holds rcu_read_lock()
 * (see udp_run()).
 */
static void
answer_batch(struct udp_sock *u, int n, struct answer_env *envp,
    uint64_t now)
{
	struct udp_batch	*b = u->batch;
	struct answer_env	 env = *envp;
	struct answer_result	 res;
	struct msghdr		*h;
	size_t			 len;
	int			 i, m;

	env.now = net_now();
	env.result = &res;
	for (i = m = 0; i < n; i++) {
		h = &b->in[i].msg_hdr;
		if (h->msg_flags & MSG_TRUNC) {
			answer_stat_add(&u->ctx.stats.dropped, 1);
			continue;
		}
		env.client = (const struct sockaddr *)&b->addr[i];
		len = answer_query(&env, b->inbuf[i], b->in[i].msg_len,
		    b->outbuf[m], ANSWER_UDP_MAX);
		if (net_qlog_draw(&u->ctx))
			net_qlog(env.client, false, b->inbuf[i],
			    b->in[i].msg_len, b->outbuf[m], len);
		if (len == 0)
			continue;
		/* A valid server cookie proves the source: never limited. */
		u->ctx.kind.exempt = res.cookie_valid;
		if (u->ctx.rrl_conf.on && !limit(u, env.client, b->outbuf[m],
		    &len, now))
			continue;
		b->iout[m].iov_base = b->outbuf[m];
		b->iout[m].iov_len = len;
		memset(&b->out[m].msg_hdr, 0, sizeof(struct msghdr));
		b->out[m].msg_hdr.msg_iov = &b->iout[m];
		b->out[m].msg_hdr.msg_iovlen = 1;
		b->out[m].msg_hdr.msg_name = &b->addr[i];
		b->out[m].msg_hdr.msg_namelen = h->msg_namelen;
		if (u->pktinfo) {
			/* in[i]'s control buffer is free again. */
			uint8_t	 tmp[64];
			size_t	 cl = reply_pktinfo(h, tmp);

			memcpy(b->cmsg[i], tmp, cl);
			b->out[m].msg_hdr.msg_control = cl ? b->cmsg[i] : NULL;
			b->out[m].msg_hdr.msg_controllen = cl;
		}
		m++;
	}
	/* Ready the used headers for the next batch. */
	for (i = 0; i < n; i++) {
		b->in[i].msg_hdr.msg_namelen = sizeof(b->addr[i]);
		b->in[i].msg_hdr.msg_controllen = sizeof(b->cmsg[i]);
	}
	send_all(u, m);
}

/* Milliseconds of the coarse monotonic clock: one read per batch. */
static uint64_t
now_ms(void)
{
	struct timespec	 ts;

	if (clock_gettime(CLOCK_MONOTONIC_COARSE, &ts) == -1)
		return 0;
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void *
udp_run(void *arg)
{
	struct udp_sock		*u = arg;
	struct timeval		 tick = { 0, NET_UDP_TICK_MS * 1000 };
	struct answer_env	 env;
	const void		*snap;
	int			 n, fl, left = 0, batches = 0;
	bool			 draining = false;

	/*
	 * Blocking reads with a time limit: a stop request is seen within
	 * a tick; then what already waits is answered without blocking.
	 */
	if ((fl = fcntl(u->fd, F_GETFL)) != -1)
		(void)fcntl(u->fd, F_SETFL, fl & ~O_NONBLOCK);
	(void)setsockopt(u->fd, SOL_SOCKET, SO_RCVTIMEO, &tick, sizeof(tick));
	/*
	 * The read-side lock is held from batch to batch, and let go (a
	 * quiescent state) when a wait ends without a packet or every
	 * NET_UDP_QUIESCE batches: taking it per batch cost more than the
	 * answer of a static name.  Old snapshots are freed by call_rcu(),
	 * so a reload does not wait for that.
	 */
	rcu_register_thread();
	rcu_read_lock();
	snap = net_env(&u->ctx, &env, false);
	for (;;) {
		/* Stopping: a bounded number of batches more, never wait. */
		if (!draining && atomic_load_explicit(u->stop,
		    memory_order_relaxed)) {
			draining = true;
			left = NET_UDP_DRAIN;
		}
		if (draining && left-- == 0)
			break;
		n = recvmmsg(u->fd, u->batch->in, NET_UDP_BATCH, draining ?
		    MSG_DONTWAIT : MSG_WAITFORONE, NULL);
		if (n > 0) {
			/* A reload: answer from the new one at once. */
			if (snapshot_current() != snap)
				snap = net_env(&u->ctx, &env, false);
			answer_batch(u, n, &env, u->ctx.rrl_conf.on ?
			    now_ms() : 0);
			if (++batches < NET_UDP_QUIESCE)
				continue;
		}
		/* Let a grace period pass; then the current snapshot. */
		rcu_read_unlock();
		rcu_read_lock();
		snap = net_env(&u->ctx, &env, false);
		batches = 0;
		if (n > 0)
			continue;
		if (n == -1 && errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR)
			log_warn("udp recvmmsg");
		if (draining)
			break;
	}
	rcu_read_unlock();
	rcu_unregister_thread();
	return NULL;
}

void
udp_sock_init(struct udp_sock *u, int fd, bool pktinfo, int family,
    const _Atomic bool *stop, unsigned row)
{
	memset(u, 0, sizeof(*u));
	u->fd = fd;
	u->pktinfo = pktinfo;
	u->family = family;
	u->stop = stop;
	net_ctx_init(&u->ctx, row);
	rrl_init(&u->ctx.rrl);
	u->batch = xmalloc(sizeof(*u->batch));
	batch_init(u->batch);
}

void
udp_sock_fini(struct udp_sock *u)
{
	close(u->fd);
	u->fd = -1;
	free(u->batch);
	u->batch = NULL;
	rrl_fini(&u->ctx.rrl);
}
