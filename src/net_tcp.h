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
/*
 * Output the socket refused, queued per connection: at this much no
 * further query is answered or read until all of it has gone, so the
 * queue never holds more than NET_TCP_OUTMAX + one answer.
 */
#define NET_TCP_OUTMAX	(16 * 1024)
#define NET_TCP_OUTCAP	(NET_TCP_OUTMAX + 2 + 65535)
#define NET_TCP_BACKOFF	0.5	/* seconds accepts pause out of descriptors */

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
	/* Open connections, least recently active first (see conn_touch). */
	struct tcp_conn		*prev, *next;
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
	struct tcp_conn		*oldest, *newest;	/* open, by activity */
	unsigned		 nconns, maxconns, per_source;
	double			 timeout;
	bool			 stopping;
	bool			 starved;	/* out of descriptors, logged */
	ev_timer		 backoff;	/* accepts paused until it fires */
	uint8_t			*out;		/* scratch: 2 + 65535 */
	struct net_ctx		 ctx;
	_Atomic uint64_t	 accepted, refused, timeouts, closed;
	_Atomic uint64_t	 source_refused;	/* per_source reached */
	_Atomic uint64_t	 evicted;	/* idle, closed for a new one */
	_Atomic uint64_t	 accept_paused;	/* accept() out of descriptors */
	_Atomic uint64_t	 queued;	/* output bytes queued now */
};

/* A bound, listening TCP socket for sa; -1 with errno set. */
int		 tcp_open(const struct sockaddr *, socklen_t);
/*
 * Set up s for nl listening sockets (fds, owned from now on), at most
 * maxconns connections and per_source of them from one address, each
 * closed timeout seconds after its last whole query or its last
 * drained answer; answers counted in row.
 */
void		 tcp_server_init(struct tcp_server *, const int *fds, size_t nl,
		    unsigned maxconns, unsigned per_source, double timeout,
		    unsigned row);
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
