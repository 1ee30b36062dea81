/* reqsock.h -- a listening stream socket: one request, one reply, close */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_REQSOCK_H
#define STEER_REQSOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

struct ev_loop;
struct reqsock;

/*
 * How long the request in buf[0..len) is: 0 while it is incomplete,
 * REQSOCK_BAD when it can never be a good one (answered with bad at
 * once).  At end of input (eof) a partial request may be taken whole.
 */
typedef size_t	 reqsock_complete_fn(const char *buf, size_t len, int eof);
#define REQSOCK_BAD	((size_t)-1)
/*
 * Answer the request req[0..len) (NUL-terminated): set *reply to a
 * malloc'ed buffer of *rlen bytes, handed over.
 */
typedef void	 reqsock_handle_fn(void *arg, const char *req, size_t len,
		    char **reply, size_t *rlen);
/* The same, told the connection's local address (where it came in). */
typedef void	 reqsock_handle_at_fn(void *arg, const struct sockaddr *local,
		    const char *req, size_t len, char **reply, size_t *rlen);

struct reqsock_params {
	const char		*what;		/* for logs: "control" */
	size_t			 max_req;	/* bytes; more gets too_long */
	double			 timeout;	/* seconds for the whole talk */
	size_t			 max_clients;	/* more are closed at once,
						   unless evict */
	/*
	 * With evict, a new connection when all max_clients are taken
	 * closes the oldest one instead of being refused: slow clients
	 * cannot shut a quick one out, only be shut out by the next.
	 */
	bool			 evict;
	/*
	 * Connections from one source address at once, 0: any.  One more
	 * closes that source's oldest (with evict) or is refused.
	 */
	size_t			 per_source;
	reqsock_complete_fn	*complete;
	reqsock_handle_fn	*handle;
	reqsock_handle_at_fn	*handle_at;	/* instead, when set */
	/* The reply to a request longer than max_req (static text). */
	const char		*too_long;
	/* The reply when complete() says REQSOCK_BAD (static text). */
	const char		*bad;
	void			*arg;
};

/*
 * Serve the listening, non-blocking socket fd (owned from now on) on
 * loop.  Requests are read, handled and answered in turn; nothing blocks.
 */
struct reqsock	*reqsock_new(struct ev_loop *, int fd,
		    const struct reqsock_params *);
/* Close every connection and the listening socket. */
void		 reqsock_free(struct reqsock *);
/*
 * Times accept() failed for want of descriptors (EMFILE, ENFILE,
 * ENOBUFS, ENOMEM); each pauses accepting for REQSOCK_BACKOFF seconds.
 */
unsigned long	 reqsock_accept_stalls(const struct reqsock *);
#define REQSOCK_BACKOFF	0.25

#endif
