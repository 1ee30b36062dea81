/* net_udp.h -- UDP sockets: a thread per socket, batches in and out */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_NET_UDP_H
#define STEER_NET_UDP_H

#include <sys/socket.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "answer.h"
#include "net.h"

#define NET_UDP_BATCH	32
#define NET_UDP_IN	4096
/* How often a UDP thread looks for a stop request when idle. */
#define NET_UDP_TICK_MS	100
/* Batches answered between two quiescent states (RCU) under load. */
#define NET_UDP_QUIESCE	64
/* Batches a stopping UDP thread still answers: what was already sent. */
#define NET_UDP_DRAIN	64

struct udp_batch {
	struct mmsghdr		 in[NET_UDP_BATCH];
	struct mmsghdr		 out[NET_UDP_BATCH];
	struct iovec		 iin[NET_UDP_BATCH];
	struct iovec		 iout[NET_UDP_BATCH];
	struct sockaddr_storage	 addr[NET_UDP_BATCH];
	uint8_t			 cmsg[NET_UDP_BATCH][64];
	uint8_t			 inbuf[NET_UDP_BATCH][NET_UDP_IN];
	uint8_t			 outbuf[NET_UDP_BATCH][ANSWER_UDP_MAX];
};

/*
 * A UDP socket and the thread that serves it: it blocks in recvmmsg(),
 * answers the batch and sends it with sendmmsg(), with no event loop in
 * between (one wake-up per batch, not an epoll_wait() and a callback).
 */
struct udp_sock {
	int			 fd;
	bool			 pktinfo;	/* bound to a wildcard address */
	int			 family;
	const _Atomic bool	*stop;		/* borrowed: set to stop */
	pthread_t		 thread;
	bool			 running;
	struct udp_batch	*batch;
	struct net_ctx		 ctx;
};

/* A bound UDP socket for sa; -1 with errno set. */
int		 udp_open(const struct sockaddr *, socklen_t, bool *pktinfo);
/* Set up u for the bound socket fd; u owns fd from now on. */
void		 udp_sock_init(struct udp_sock *u, int fd, bool pktinfo,
		    int family, const _Atomic bool *stop, unsigned row);
/* The thread of one UDP socket (arg: struct udp_sock *). */
void		*udp_run(void *);
/* Close the socket and free the batch (the thread has ended). */
void		 udp_sock_fini(struct udp_sock *);

#endif
