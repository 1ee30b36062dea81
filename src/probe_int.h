/* probe_int.h -- the prober's insides, shared by probe*.c only */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_PROBE_INT_H
#define STEER_PROBE_INT_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>
#include <ev.h>

#include "probe.h"

struct conf_check;
struct zone_target;
struct probe_http;

/* One probed target; every watcher is inside, w->data points here. */
struct probe_target {
	struct probe		*p;		/* borrowed */
	const struct zone_target *zt;		/* borrowed */
	const struct conf_check	*ck;		/* borrowed */
	size_t			 slot;		/* in the health table */
	struct sockaddr_storage	 ss;		/* address and port probed */
	socklen_t		 sslen;
	char			 addr[64];	/* presentation form */
	uint16_t		 port;		/* with the kind's default */
	ev_timer		 sched;		/* the next run */
	double			 due;		/* when sched should fire */
	ev_timer		 tmo;		/* tcp, dns, exec: time limit */
	ev_io			 io;		/* tcp connect, dns reply */
	ev_child		 child;		/* exec */
	int			 fd;		/* tcp, dns; -1: none */
	pid_t			 pid;		/* exec, until reaped; 0: none */
	bool			 running;	/* a run is in flight */
	bool			 queued;	/* exec: waiting for a turn */
	bool			 first_done;	/* first result came */
	bool			 carried;	/* known from before a reload */
	uint64_t		 t0;		/* start, monotonic µs */
	uint16_t		 dns_id;
	uint8_t			*qwire;		/* dns: the query, owned */
	size_t			 qlen;
	struct probe_http	*http;		/* while running, owned */
	struct probe_target	*next;		/* exec wait queue */
	double			 last_run;
	uint32_t		 srtt;		/* µs; HEALTH_RTT_NONE: none */
	size_t			 hist;		/* index in probe->hist */
	char			 reason[PROBE_REASON_MAX];
};

struct probe {
	struct ev_loop		*loop;		/* borrowed */
	const struct zone_db	*db;		/* borrowed */
	struct health		*health;	/* borrowed */
	struct probe_target	*t;		/* one per health slot */
	size_t			 n;
	uint64_t		 rng;
	struct probe_stats	 stats;
	const struct conf_check	**checks;	/* distinct, borrowed */
	struct probe_hist	*hist;		/* one per checks[] */
	size_t			 nchecks;
	/* startup */
	size_t			 first_left;
	ev_timer		 first_w;
	probe_ready_fn		*ready;
	void			*ready_arg;
	/* http, https */
	CURLM			*multi;
	ev_timer		 curl_w;
	bool			 curl_inited;
	/* exec */
	unsigned		 nexec;
	struct probe_target	*qhead, **qtail;
};

/* A pseudo-random number (not for secrets). */
uint64_t	 probe_rand(struct probe *);
/* Monotonic clock in microseconds. */
uint64_t	 probe_clock_us(void);
/*
 * Finish the run of t with result r: reason NULL means the standard
 * probe_reason() with detail; rtt_us is counted for PROBE_OK when not 0.
 */
void		 probe_done(struct probe_target *, enum probe_result r,
		    const char *reason, int detail, uint64_t rtt_us);
/* Stop t's io and timeout watchers and close its socket. */
void		 probe_sock_close(struct probe_target *);

void		 probe_tcp_run(struct probe_target *);
int		 probe_dns_init(struct probe_target *);
void		 probe_dns_run(struct probe_target *);
int		 probe_http_init(struct probe *);
void		 probe_http_run(struct probe_target *);
void		 probe_http_cancel(struct probe_target *);
void		 probe_http_fini(struct probe *);
void		 probe_exec_run(struct probe_target *);
void		 probe_exec_timeout(struct probe_target *);
void		 probe_exec_fini(struct probe *);

#endif
