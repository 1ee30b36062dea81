/* ctl.h -- the control socket: steerdnsctl's requests, on the main loop */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_CTL_H
#define STEER_CTL_H

#include <stddef.h>
#include <sys/types.h>

struct ev_loop;
struct server;
struct ctl;

/*
 * The protocol: the client sends one JSON object on one line, such as
 * {"cmd":"drain","member":"192.0.2.10","reason":"upgrade","expires":600};
 * the daemon answers one JSON object, {"ok":true,...} or
 * {"ok":false,"error":"...","errors":[...]}, then closes.  A request is
 * at most CTL_REQ_MAX bytes; one that is not JSON (jansson decides) or
 * gives a key twice gets an error naming the byte where reading stopped.
 */
#define CTL_REQ_MAX	65536
#define CTL_TIMEOUT	10.0
#define CTL_CLIENTS	16
/* The longest override: 10 years, in seconds. */
#define CTL_EXPIRES_MAX	315360000.0

/*
 * Listen on the Unix socket path with the given mode, owned by uid/gid
 * ((uid_t)-1 and (gid_t)-1: unchanged).  A stale socket file is replaced;
 * a live one (another daemon answers) or a file that is not a socket is an
 * error and is left alone.  Returns NULL, having logged why, when it
 * cannot listen.
 */
struct ctl	*ctl_new(struct ev_loop *, struct server *, const char *path,
		    unsigned mode, uid_t, gid_t);
/* Stop listening and remove the socket file. */
void		 ctl_free(struct ctl *);

/*
 * Handle one request (the JSON text) and return the reply text, which
 * the caller frees.  Used by the socket and by tests.
 */
char		*ctl_handle(struct server *, const char *req, size_t len);

#endif
