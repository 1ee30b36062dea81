/* reqsock.h -- a listening stream socket: one request, one reply, close */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_REQSOCK_H
#define STEER_REQSOCK_H

#include <stddef.h>
#include <sys/types.h>

struct ev_loop;
struct reqsock;

/*
 * How long the request in buf[0..len) is: 0 while it is incomplete.  At
 * end of input (eof) a partial request may be taken whole.
 */
typedef size_t	 reqsock_complete_fn(const char *buf, size_t len, int eof);
/*
 * Answer the request req[0..len) (NUL-terminated): set *reply to a
 * malloc'ed buffer of *rlen bytes, handed over.
 */
typedef void	 reqsock_handle_fn(void *arg, const char *req, size_t len,
		    char **reply, size_t *rlen);

struct reqsock_params {
	const char		*what;		/* for logs: "control" */
	size_t			 max_req;	/* bytes; more gets too_long */
	double			 timeout;	/* seconds for the whole talk */
	size_t			 max_clients;	/* more are closed at once */
	reqsock_complete_fn	*complete;
	reqsock_handle_fn	*handle;
	/* The reply to a request longer than max_req (static text). */
	const char		*too_long;
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

#endif
