/* worker.c -- a worker: UDP threads and a TCP thread over shared sockets */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* liburcu inlines its small read-side functions for any licence. */
#define URCU_INLINE_SMALL_FUNCTIONS
#include <urcu.h>

#include "conf.h"
#include "log.h"
#include "util.h"
#include "worker.h"

unsigned
worker_rows(unsigned nworkers, const struct conf *c)
{
	return nworkers * (1 + c->nlisten);
}

struct worker *
worker_new(unsigned id, const struct conf *c)
{
	struct worker		*wk;
	const struct conf_listen *l;
	unsigned		 row = id * (1 + c->nlisten);
	size_t			 i;
	int			*tfd, fd;
	bool			 pktinfo;

	wk = xcalloc(1, sizeof(*wk));
	wk->id = id;
	atomic_init(&wk->udp_stop, false);
	wk->udp = xcalloc(c->nlisten, sizeof(*wk->udp));
	tfd = xcalloc(c->nlisten + 1, sizeof(*tfd));
	for (i = 0; i < c->nlisten; i++) {
		l = &c->listen[i];
		if ((fd = udp_open((const struct sockaddr *)&l->ss, l->sslen,
		    &pktinfo)) == -1) {
			log_warn("udp %s", l->text);
			goto fail;
		}
		udp_sock_init(&wk->udp[i], fd, pktinfo, l->ss.ss_family,
		    &wk->udp_stop, row + 1 + i);
		wk->nudp++;
		if ((tfd[i] = tcp_open((const struct sockaddr *)&l->ss,
		    l->sslen)) == -1) {
			log_warn("tcp %s", l->text);
			goto fail;
		}
	}
	tcp_server_init(&wk->tcp, tfd, c->nlisten, c->tcp_clients,
	    c->tcp_clients_per_source, c->tcp_timeout, row);
	free(tfd);
	return wk;
fail:
	for (; i-- > 0;)
		close(tfd[i]);
	free(tfd);
	worker_free(wk);
	return NULL;
}

static void
grace_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)w;
	(void)revents;
	ev_break(loop, EVBREAK_ALL);
}

static void
stop_cb(struct ev_loop *loop, ev_async *w, int revents)
{
	struct worker	*wk = w->data;

	(void)revents;
	if (tcp_server_stop(&wk->tcp) == 0) {
		ev_break(loop, EVBREAK_ALL);
		return;
	}
	/* Connections still sending get a moment to finish. */
	ev_timer_init(&wk->grace_w, grace_cb, 2.0, 0.);
	ev_timer_start(loop, &wk->grace_w);
}

static void *
run(void *arg)
{
	struct worker	*wk = arg;

	rcu_register_thread();
	ev_run(wk->loop, 0);
	rcu_unregister_thread();
	return NULL;
}

int
worker_start(struct worker *wk)
{
	size_t		 i;
	sigset_t	 all, old;
	int		 rv;

	if ((wk->loop = ev_loop_new(EVFLAG_AUTO | EVFLAG_NOSIGMASK)) == NULL) {
		log_warnx("worker %u: cannot make an event loop", wk->id);
		return -1;
	}
	tcp_server_start(&wk->tcp, wk->loop);
	ev_async_init(&wk->stop_w, stop_cb);
	wk->stop_w.data = wk;
	ev_async_start(wk->loop, &wk->stop_w);
	/* Signals belong to the main thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rv = pthread_create(&wk->thread, NULL, run, wk);
	for (i = 0; rv == 0 && i < wk->nudp; i++)
		if ((rv = pthread_create(&wk->udp[i].thread, NULL, udp_run,
		    &wk->udp[i])) == 0)
			wk->udp[i].running = true;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rv != 0) {
		log_warnx("worker %u: pthread_create: %s", wk->id,
		    strerror(rv));
		return -1;
	}
	return 0;
}

void
worker_stop(struct worker *wk)
{
	/* UDP threads see it within NET_UDP_TICK_MS, drain and end. */
	atomic_store(&wk->udp_stop, true);
	ev_async_send(wk->loop, &wk->stop_w);
}

void
worker_free(struct worker *wk)
{
	size_t	 i;

	if (wk == NULL)
		return;
	for (i = 0; i < wk->nudp; i++)
		if (wk->udp[i].running)
			pthread_join(wk->udp[i].thread, NULL);
	if (wk->loop != NULL) {
		pthread_join(wk->thread, NULL);
		ev_loop_destroy(wk->loop);
	}
	tcp_server_fini(&wk->tcp);
	for (i = 0; i < wk->nudp; i++)
		udp_sock_fini(&wk->udp[i]);
	free(wk->udp);
	free(wk);
}

void
worker_stats_add(const struct worker *wk, struct worker_stats *out)
{
	size_t	 i;

	for (i = 0; i < wk->nudp; i++) {
		answer_stats_sum(&out->tr[0], &wk->udp[i].ctx.stats);
		out->send_failed += answer_stat_get(&wk->udp[i].ctx.send_failed);
	}
	answer_stats_sum(&out->tr[1], &wk->tcp.ctx.stats);
	out->tcp_accepted += answer_stat_get(&wk->tcp.accepted);
	out->tcp_refused += answer_stat_get(&wk->tcp.refused);
	out->tcp_timeouts += answer_stat_get(&wk->tcp.timeouts);
	out->tcp_source_refused += answer_stat_get(&wk->tcp.source_refused);
	out->tcp_evicted += answer_stat_get(&wk->tcp.evicted);
	out->tcp_accept_paused += answer_stat_get(&wk->tcp.accept_paused);
	out->tcp_queued += answer_stat_get(&wk->tcp.queued);
	out->tcp_open += answer_stat_get(&wk->tcp.accepted) -
	    answer_stat_get(&wk->tcp.closed);
}
