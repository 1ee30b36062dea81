/* net_tcp.h -- DNS over TCP (RFC 7766) on one worker's event loop */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_NET_TCP_H
#define STEER_NET_TCP_H

#include <sys/socket.h>

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ev.h>

#include "net.h"

#define NET_TCP_IN	4096	/* the largest query we take over TCP */
#define NET_TCP_OUTMAX	(256 * 1024)	/* pending output: stop reading */

struct tcp_server;

struct tcp_listener {
	ev_io			 w;
	int			 fd;
	struct tcp_server	*srv;
};

struct tcp_conn {
	ev_io			 rw, ww;
	ev_timer		 idle;
	int			 fd;
	struct tcp_server	*srv;
	struct tcp_conn		*next_free;
	uint8_t			*out;		/* pending output, heap */
	size_t			 outlen, outoff, outcap;
	size_t			 inlen;
	struct sockaddr_storage	 peer;
	uint8_t			 in[NET_TCP_IN + 2];
};

/* The TCP side of one worker: its listeners and a pool of connections. */
struct tcp_server {
	struct ev_loop		*loop;		/* borrowed */
	struct tcp_listener	*l;
	size_t			 nl;
	struct tcp_conn		*conns;
	struct tcp_conn		*free_conns;
	unsigned		 nconns, maxconns;
	double			 timeout;
	bool			 stopping;
	uint8_t			*out;		/* scratch: 2 + 65535 */
	struct net_ctx		 ctx;
	_Atomic uint64_t	 accepted, refused, timeouts, closed;
};

/* A bound, listening TCP socket for sa; -1 with errno set. */
int		 tcp_open(const struct sockaddr *, socklen_t);
/*
 * Set up s for nl listening sockets (fds, owned from now on), at most
 * maxconns connections, each closed after timeout idle seconds; answers
 * counted in row.
 */
void		 tcp_server_init(struct tcp_server *, const int *fds, size_t nl,
		    unsigned maxconns, double timeout, unsigned row);
/* Start accepting on loop. */
void		 tcp_server_start(struct tcp_server *, struct ev_loop *);
/*
 * Stop accepting (taking in what waits in the backlog first), answer
 * what every connection already received and close those with nothing
 * left to send.  Returns how many connections stay open.
 */
unsigned	 tcp_server_stop(struct tcp_server *);
/* Close everything (the loop has ended). */
void		 tcp_server_fini(struct tcp_server *);

#endif
