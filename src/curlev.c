/* curlev.c -- libcurl's multi-socket interface on a libev loop */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdlib.h>

#include <curl/curl.h>
#include <ev.h>

#include "curlev.h"
#include "log.h"
#include "util.h"

struct curlev {
	struct ev_loop	*loop;
	CURLM		*multi;
	ev_timer	 timer;
	curlev_after_fn	*after;
	void		*after_arg;
};

/* A socket curl wants watched. */
struct curlev_sock {
	ev_io		 w;
	struct curlev	*cv;
};

/* Hand every finished transfer to its owner. */
static void
drain(struct curlev *cv)
{
	struct curlev_xfer	*x;
	CURLMsg			*m;
	CURLcode		 cc;
	char			*priv;
	int			 left;

	while ((m = curl_multi_info_read(cv->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		priv = NULL;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &priv);
		cc = m->data.result;
		curl_multi_remove_handle(cv->multi, m->easy_handle);
		if ((x = (struct curlev_xfer *)(void *)priv) == NULL)
			continue;
		x->active = false;
		/* done() may start new transfers, or free x. */
		x->done(x, cc);
	}
}

static void
sock_ev(struct ev_loop *loop, ev_io *w, int revents)
{
	struct curlev_sock	*s = w->data;
	struct curlev		*cv = s->cv;	/* curl may free s */
	int			 running, flags = 0;

	(void)loop;
	if (revents & EV_READ)
		flags |= CURL_CSELECT_IN;
	if (revents & EV_WRITE)
		flags |= CURL_CSELECT_OUT;
	curl_multi_socket_action(cv->multi, w->fd, flags, &running);
	drain(cv);
	if (cv->after != NULL)
		cv->after(cv->after_arg);
}

static void
timer_ev(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct curlev	*cv = w->data;
	int		 running;

	(void)loop;
	(void)revents;
	curl_multi_socket_action(cv->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	drain(cv);
	if (cv->after != NULL)
		cv->after(cv->after_arg);
}

/* CURLMOPT_SOCKETFUNCTION: watch fd for what curl wants. */
static int
sock_cb(CURL *e, curl_socket_t fd, int what, void *userp, void *sockp)
{
	struct curlev		*cv = userp;
	struct curlev_sock	*s = sockp;
	int			 ev = 0;

	(void)e;
	if (what == CURL_POLL_REMOVE) {
		if (s != NULL) {
			ev_io_stop(cv->loop, &s->w);
			free(s);
			curl_multi_assign(cv->multi, fd, NULL);
		}
		return 0;
	}
	if (s == NULL) {
		if ((s = calloc(1, sizeof(*s))) == NULL)
			return -1;
		s->cv = cv;
		s->w.data = s;
		curl_multi_assign(cv->multi, fd, s);
	} else
		ev_io_stop(cv->loop, &s->w);
	if (what & CURL_POLL_IN)
		ev |= EV_READ;
	if (what & CURL_POLL_OUT)
		ev |= EV_WRITE;
	ev_io_init(&s->w, sock_ev, fd, ev);
	ev_io_start(cv->loop, &s->w);
	return 0;
}

/* CURLMOPT_TIMERFUNCTION: call curl back after ms (-1: never). */
static int
timer_cb(CURLM *m, long ms, void *userp)
{
	struct curlev	*cv = userp;

	(void)m;
	ev_timer_stop(cv->loop, &cv->timer);
	if (ms >= 0) {
		ev_timer_set(&cv->timer, ms / 1000.0, 0);
		ev_timer_start(cv->loop, &cv->timer);
	}
	return 0;
}

struct curlev *
curlev_new(struct ev_loop *loop)
{
	struct curlev	*cv;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_warnx("curl_global_init failed");
		return NULL;
	}
	cv = xcalloc(1, sizeof(*cv));
	cv->loop = loop;
	if ((cv->multi = curl_multi_init()) == NULL) {
		log_warnx("curl_multi_init failed");
		curl_global_cleanup();
		free(cv);
		return NULL;
	}
	curl_multi_setopt(cv->multi, CURLMOPT_SOCKETFUNCTION, sock_cb);
	curl_multi_setopt(cv->multi, CURLMOPT_SOCKETDATA, cv);
	curl_multi_setopt(cv->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	curl_multi_setopt(cv->multi, CURLMOPT_TIMERDATA, cv);
	ev_timer_init(&cv->timer, timer_ev, 0, 0);
	cv->timer.data = cv;
	return cv;
}

void
curlev_free(struct curlev *cv)
{
	if (cv == NULL)
		return;
	curl_multi_cleanup(cv->multi);
	ev_timer_stop(cv->loop, &cv->timer);
	curl_global_cleanup();
	free(cv);
}

void
curlev_set_after(struct curlev *cv, curlev_after_fn *fn, void *arg)
{
	cv->after = fn;
	cv->after_arg = arg;
}

int
curlev_start(struct curlev *cv, struct curlev_xfer *x)
{
	curl_easy_setopt(x->easy, CURLOPT_PRIVATE, x);
	if (curl_multi_add_handle(cv->multi, x->easy) != CURLM_OK)
		return -1;
	x->active = true;
	return 0;
}

void
curlev_stop(struct curlev *cv, struct curlev_xfer *x)
{
	if (!x->active)
		return;
	curl_multi_remove_handle(cv->multi, x->easy);
	x->active = false;
}
