/* curlev.h -- libcurl's multi-socket interface on a libev loop */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_CURLEV_H
#define STEER_CURLEV_H

#include <stdbool.h>

#include <curl/curl.h>

struct ev_loop;
struct curlev;
struct curlev_xfer;

/* A transfer ended (result CURLE_OK or the error); it is off the handle. */
typedef void	 curlev_done_fn(struct curlev_xfer *, CURLcode result);

/*
 * One transfer: the caller's easy handle (owned by the caller, set up with
 * its options) and what to call when it ends.  Embedded in the caller's
 * struct; reached back through CURLOPT_PRIVATE.
 */
struct curlev_xfer {
	CURL		*easy;
	curlev_done_fn	*done;
	void		*arg;
	bool		 active;	/* on the multi handle */
};

/* A multi handle driven by loop; NULL (logged) when libcurl fails. */
struct curlev	*curlev_new(struct ev_loop *);
/* Free; every transfer must have been stopped (or be done) before. */
void		 curlev_free(struct curlev *);
/*
 * Called after curl has run (data came, transfers ended): the place to
 * act on what write callbacks gathered, since curl may not be called
 * from inside its own callbacks.
 */
typedef void	 curlev_after_fn(void *arg);
void		 curlev_set_after(struct curlev *, curlev_after_fn *, void *);
/* Start x; -1 when curl refuses it (done is then not called). */
int		 curlev_start(struct curlev *, struct curlev_xfer *x);
/* Take x off the handle without calling done; nothing if not active. */
void		 curlev_stop(struct curlev *, struct curlev_xfer *x);

#endif
