/* worker.c -- a worker thread: its own loop, sockets and RCU reader */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

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
#include "net.h"
#include "util.h"
#include "wire.h"

struct snapshot	*net_snapshot;

void
worker_env(struct net_ctx *x, struct answer_env *env, bool tcp)
{
	/* The caller holds rcu_read_lock() while it uses env. */
	struct snapshot	*s = rcu_dereference(net_snapshot);

	env->db = s->db;
	env->edns_payload = s->conf->edns_payload;
	env->tcp = tcp;
	env->stats = &x->stats;
	env->counts = s->counts + (size_t)x->row * s->stride;
	env->health = s->health;
	env->client = NULL;
	env->rng = &x->rng;
	env->trace = NULL;
	x->qlog_thr = s->qlog_thr;
}

void
worker_qlog(const struct sockaddr *client, bool tcp, const uint8_t *q,
    size_t qlen, const uint8_t *r, size_t rlen)
{
	static const char *const rcodes[] = { "NOERROR", "FORMERR",
	    "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED" };
	char		 name[WIRE_NAME_TEXT_MAX], addr[INET6_ADDRSTRLEN];
	uint16_t	 type = 0;
	size_t		 end;
	unsigned	 rc;

	addr[0] = '\0';
	if (client != NULL && client->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)client)->
		    sin_addr, addr, sizeof(addr));
	else if (client != NULL && client->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)client)->
		    sin6_addr, addr, sizeof(addr));
	if (wire_name_text(q, qlen, WIRE_HDR_LEN, name, sizeof(name), &end) ==
	    -1 || end + 2 > qlen)
		snprintf(name, sizeof(name), "(malformed)");
	else
		type = wire_get16(q + end);
	if (rlen < WIRE_HDR_LEN) {
		log_info("query: %s %s %s type %u: dropped", addr, tcp ? "tcp" :
		    "udp", name, type);
		return;
	}
	rc = r[3] & 0xf;
	log_info("query: %s %s %s type %u: %s%s, %u answer%s", addr,
	    tcp ? "tcp" : "udp", name, type, rc < 6 ? rcodes[rc] : "other",
	    (r[2] & 0x02) ? " TC" : "", wire_get16(r + 6),
	    wire_get16(r + 6) == 1 ? "" : "s");
}

unsigned
worker_rows(unsigned nworkers, const struct conf *c)
{
	return nworkers * (1 + c->nlisten);
}

static uint64_t
seed(void)
{
	return (((uint64_t)arc4random() << 32) | arc4random()) | 1;
}

struct worker *
worker_new(unsigned id, const struct conf *c)
{
	struct worker		*wk;
	const struct conf_listen *l;
	struct udp_sock		*u;
	size_t			 i;
	int			 fd;

	wk = xcalloc(1, sizeof(*wk));
	wk->id = id;
	wk->tcp_ctx.rng = seed();
	wk->tcp_ctx.row = id * (1 + c->nlisten);
	atomic_init(&wk->udp_stop, false);
	wk->udp = xcalloc(c->nlisten, sizeof(*wk->udp));
	wk->tcp = xcalloc(c->nlisten, sizeof(*wk->tcp));
	for (i = 0; i < c->nlisten; i++) {
		l = &c->listen[i];
		u = &wk->udp[i];
		if ((fd = udp_open((const struct sockaddr *)&l->ss, l->sslen,
		    &u->pktinfo)) == -1) {
			log_warn("udp %s", l->text);
			goto fail;
		}
		u->fd = fd;
		u->wk = wk;
		u->family = l->ss.ss_family;
		u->ctx.rng = seed();
		u->ctx.row = wk->tcp_ctx.row + 1 + i;
		u->batch = xmalloc(sizeof(*u->batch));
		udp_batch_init(u->batch);
		wk->nudp++;
		if ((fd = tcp_open((const struct sockaddr *)&l->ss,
		    l->sslen)) == -1) {
			log_warn("tcp %s", l->text);
			goto fail;
		}
		wk->tcp[i].fd = fd;
		wk->tcp[i].wk = wk;
		wk->ntcp++;
	}
	wk->maxconns = c->tcp_clients;
	wk->tcp_timeout = c->tcp_timeout;
	wk->tcp_out = xmalloc(2 + ANSWER_TCP_MAX);
	return wk;
fail:
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
	size_t		 i;

	(void)revents;
	/*
	 * Connections the kernel completed but we had not accepted yet may
	 * hold queries too: take them in, then answer what every
	 * connection already received.
	 */
	for (i = 0; i < wk->ntcp; i++) {
		tcp_accept_cb(loop, &wk->tcp[i].w, EV_READ);
		ev_io_stop(loop, &wk->tcp[i].w);
	}
	wk->stopping = true;
	tcp_close_idle(wk);
	if (wk->nconns == 0) {
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
	tcp_init_pool(wk);
	for (i = 0; i < wk->ntcp; i++) {
		ev_io_init(&wk->tcp[i].w, tcp_accept_cb, wk->tcp[i].fd,
		    EV_READ);
		wk->tcp[i].w.data = &wk->tcp[i];
		ev_io_start(wk->loop, &wk->tcp[i].w);
	}
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
		for (i = 0; i < wk->maxconns; i++)
			if (wk->conns[i].fd != -1) {
				close(wk->conns[i].fd);
				free(wk->conns[i].out);
			}
		free(wk->conns);
		ev_loop_destroy(wk->loop);
	}
	for (i = 0; i < wk->nudp; i++) {
		close(wk->udp[i].fd);
		free(wk->udp[i].batch);
	}
	for (i = 0; i < wk->ntcp; i++)
		close(wk->tcp[i].fd);
	free(wk->udp);
	free(wk->tcp);
	free(wk->tcp_out);
	free(wk);
}
