/* probe.c -- the active prober: schedule, results, rise/fall, logging */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>
#include <ldns/ldns.h>

#include "conf.h"
#include "health.h"
#include "log.h"
#include "probe.h"
#include "probe_int.h"
#include "util.h"
#include "zone.h"

static const char *const result_names[PROBE_NRESULTS] = {
	[PROBE_OK] = "ok",
	[PROBE_REFUSED] = "refused",
	[PROBE_TIMEOUT] = "timeout",
	[PROBE_BAD_STATUS] = "bad status",
	[PROBE_BAD_BODY] = "bad body",
	[PROBE_BAD_RCODE] = "bad rcode",
	[PROBE_EXIT_NONZERO] = "exit nonzero",
	[PROBE_GARBAGE] = "garbage",
	[PROBE_CLOSED] = "closed",
	[PROBE_LOCAL_ERROR] = "local error",
};

const double probe_rtt_bounds[PROBE_RTT_BUCKETS - 1] = { 0.0005, 0.001,
    0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0 };

const char *
probe_result_str(enum probe_result r)
{
	return (size_t)r < PROBE_NRESULTS ? result_names[r] : "?";
}

/* "1.0s", "0.4s", "2.5s", "0.25s": one decimal unless more are needed. */
static void
seconds(char *buf, size_t len, double s)
{
	if (fabs(s * 10 - round(s * 10)) < 1e-9)
		snprintf(buf, len, "%.1fs", s);
	else
		snprintf(buf, len, "%gs", s);
}

void
probe_reason(char *buf, size_t len, enum probe_result r,
    const struct conf_check *ck, int detail)
{
	const ldns_lookup_table	*lt;
	char			 s[32];

	switch (r) {
	case PROBE_OK:
		snprintf(buf, len, "ok");
		break;
	case PROBE_REFUSED:
		if (detail == 0 || detail == ECONNREFUSED)
			snprintf(buf, len, "connect refused");
		else
			snprintf(buf, len, "connect: %s", strerror(detail));
		break;
	case PROBE_TIMEOUT:
		seconds(s, sizeof(s), ck != NULL ? ck->timeout : 0);
		snprintf(buf, len, "timeout after %s", s);
		break;
	case PROBE_BAD_STATUS:
		snprintf(buf, len, "HTTP %d", detail);
		break;
	case PROBE_BAD_BODY:
		snprintf(buf, len, "body lacks \"%s\"",
		    ck != NULL && ck->body != NULL ? ck->body : "");
		break;
	case PROBE_BAD_RCODE:
		lt = ldns_lookup_by_id(ldns_rcodes, detail);
		if (lt != NULL)
			snprintf(buf, len, "rcode %s", lt->name);
		else
			snprintf(buf, len, "rcode %d", detail);
		break;
	case PROBE_EXIT_NONZERO:
		if (WIFSIGNALED(detail))
			snprintf(buf, len, "killed by signal %d",
			    WTERMSIG(detail));
		else
			snprintf(buf, len, "exit %d", WEXITSTATUS(detail));
		break;
	case PROBE_GARBAGE:
		snprintf(buf, len, "%s", ck != NULL && ck->type == CHECK_DNS ?
		    "bad DNS reply" : "bad HTTP response");
		break;
	case PROBE_CLOSED:
		snprintf(buf, len, "connection closed");
		break;
	case PROBE_LOCAL_ERROR:
		if (detail != 0)
			snprintf(buf, len, "local error: %s", strerror(detail));
		else
			snprintf(buf, len, "local error");
		break;
	default:
		snprintf(buf, len, "result %d", (int)r);
		break;
	}
}

uint64_t
probe_clock_us(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* xorshift64*: enough to spread timers and vary DNS IDs. */
uint64_t
probe_rand(struct probe *p)
{
	p->rng ^= p->rng >> 12;
	p->rng ^= p->rng << 25;
	p->rng ^= p->rng >> 27;
	return p->rng * 0x2545f4914f6cdd1dULL;
}

static double
rand01(struct probe *p)
{
	return (double)(probe_rand(p) >> 11) / (double)(1ULL << 53);
}

static void
first_result(struct probe *p, struct probe_target *t)
{
	if (t->first_done)
		return;
	t->first_done = true;
	if (p->first_left > 0 && --p->first_left == 0 && p->ready != NULL) {
		ev_timer_stop(p->loop, &p->first_w);
		p->ready(p, p->ready_arg);
		p->ready = NULL;
	}
}

static void
hist_add(struct probe_hist *h, double s)
{
	size_t	 b;

	for (b = 0; b < PROBE_RTT_BUCKETS - 1 && s > probe_rtt_bounds[b]; b++)
		;
	h->count[b]++;
	h->n++;
	h->sum += s;
}

void
probe_done(struct probe_target *t, enum probe_result r, const char *reason,
    int detail, uint64_t rtt_us)
{
	struct probe		*p = t->p;
	struct health_track	*tr = &p->health->track[t->slot];
	unsigned		 n;
	bool			 up;

	t->running = false;
	t->last_run = ev_now(p->loop);
	if (r == PROBE_OK)
		t->reason[0] = '\0';
	else if (reason != NULL)
		snprintf(t->reason, sizeof(t->reason), "%s", reason);
	else
		probe_reason(t->reason, sizeof(t->reason), r, t->ck, detail);
	p->stats.results[r < PROBE_NRESULTS ? r : PROBE_LOCAL_ERROR]++;
	if (r == PROBE_OK && rtt_us > 0) {
		hist_add(&p->hist[t->hist], rtt_us / 1e6);
		if (rtt_us > UINT32_MAX - 1)
			rtt_us = UINT32_MAX - 1;
		if (t->srtt == HEALTH_RTT_NONE)
			t->srtt = rtt_us;
		else
			t->srtt = t->srtt - t->srtt / 8 + rtt_us / 8;
		health_set_rtt(p->health, t->slot, t->srtt);
	}
	if (r == PROBE_LOCAL_ERROR)
		log_warnx("health: %s: %s", t->zt->label, t->reason);
	if (health_record(p->health, t->slot, r, t->ck->rise, t->ck->fall,
	    ev_now(p->loop))) {
		up = r == PROBE_OK;
		n = up ? tr->ok_run : tr->fail_run;
		if (up)
			p->stats.to_up++;
		else
			p->stats.to_down++;
		if (up)
			log_info("health: %s down -> up: %u success%s",
			    t->zt->label, n, n == 1 ? "" : "es");
		else
			log_info("health: %s up -> down: %u failure%s: %s",
			    t->zt->label, n, n == 1 ? "" : "s", t->reason);
	} else if (r != PROBE_OK && r != PROBE_LOCAL_ERROR)
		log_debug("health: %s: %s", t->zt->label, t->reason);
	first_result(p, t);
}

void
probe_sock_close(struct probe_target *t)
{
	ev_io_stop(t->p->loop, &t->io);
	ev_timer_stop(t->p->loop, &t->tmo);
	if (t->fd != -1) {
		close(t->fd);
		t->fd = -1;
	}
}

/* Start one run of t's check. */
static void
run(struct probe_target *t)
{
	t->p->stats.runs++;
	if (t->running || t->queued || t->pid != 0) {
		/* The last run (or its process) is not over yet. */
		t->p->stats.skipped++;
		log_debug("health: %s: still busy, round skipped",
		    t->zt->label);
		return;
	}
	t->running = true;
	t->t0 = probe_clock_us();
	switch (t->ck->type) {
	case CHECK_TCP:
		probe_tcp_run(t);
		break;
	case CHECK_HTTP:
	case CHECK_HTTPS:
		probe_http_run(t);
		break;
	case CHECK_DNS:
		probe_dns_run(t);
		break;
	case CHECK_EXEC:
		probe_exec_run(t);
		break;
	}
}

/* The next run in interval +- jitter * interval. */
static void
sched_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct probe_target	*t = w->data;
	struct probe_stats	*st = &t->p->stats;
	double			 iv = t->ck->interval, late;
	size_t			 b;

	(void)revents;
	late = ev_now(loop) - t->due;
	if (late < 0)
		late = 0;
	b = late < 0.001 ? 0 : late < 0.005 ? 1 : late < 0.010 ? 2 :
	    late < 0.050 ? 3 : late < 0.100 ? 4 : 5;
	st->late[b]++;
	st->late_sum += late;
	if (late > st->late_max)
		st->late_max = late;
	iv += (2 * rand01(t->p) - 1) * t->ck->jitter * iv;
	if (iv < 0.01)
		iv = 0.01;
	t->due = ev_now(loop) + iv;
	ev_timer_set(w, iv, 0);
	ev_timer_start(loop, w);
	run(t);
}

/* Time is up for a tcp, dns or exec run. */
static void
tmo_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct probe_target	*t = w->data;

	(void)loop;
	(void)revents;
	if (!t->running)
		return;
	if (t->ck->type == CHECK_EXEC)
		probe_exec_timeout(t);
	else
		probe_sock_close(t);
	probe_done(t, PROBE_TIMEOUT, NULL, 0, 0);
}

/* The startup bound passed before every target answered. */
static void
first_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct probe	*p = w->data;

	(void)loop;
	(void)revents;
	if (p->ready != NULL) {
		log_info("health: %zu target%s without a first result yet; "
		    "going on", p->first_left, p->first_left == 1 ? "" : "s");
		p->ready(p, p->ready_arg);
		p->ready = NULL;
	}
}

/* Allow one descriptor per target if the hard limit lets us. */
static void
raise_nofile(size_t n)
{
	struct rlimit	 rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < n + 256 &&
	    rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			log_warn("setrlimit RLIMIT_NOFILE");
	}
}

struct probe *
probe_new(struct ev_loop *loop, const struct zone_db *db,
    struct health *health)
{
	const struct zone_target	*zt;
	struct probe_target		*t;
	struct probe			*p;
	struct sockaddr_in		*sin;
	struct sockaddr_in6		*sin6;
	size_t				 i, k;
	uint16_t			 port;
	bool				 http = false;

	p = xcalloc(1, sizeof(*p));
	p->loop = loop;
	p->db = db;
	p->health = health;
	p->n = db->ntargets;
	p->t = xcalloc(p->n, sizeof(*p->t));
	p->rng = ((uint64_t)getpid() << 32) ^ probe_clock_us() ^
	    (uint64_t)time(NULL) ^ 0x9e3779b97f4a7c15ULL;
	p->qtail = &p->qhead;
	ev_timer_init(&p->first_w, first_cb, 0, 0);
	p->first_w.data = p;
	for (i = 0; i < p->n; i++) {
		zt = &db->targets[i];
		t = &p->t[i];
		t->p = p;
		t->zt = zt;
		t->ck = zt->check;
		t->slot = i;
		t->fd = -1;
		t->srtt = HEALTH_RTT_NONE;
		ev_timer_init(&t->sched, sched_cb, 0, 0);
		t->sched.data = t;
		ev_timer_init(&t->tmo, tmo_cb, 0, 0);
		t->tmo.data = t;
		ev_init(&t->io, NULL);
		t->io.data = t;
		ev_init(&t->child, NULL);
		t->child.data = t;
		if (t->ck == NULL)
			continue;
		for (k = 0; k < p->nchecks && p->checks[k] != t->ck; k++)
			;
		if (k == p->nchecks) {
			p->checks = xreallocarray(p->checks, k + 1,
			    sizeof(*p->checks));
			p->checks[p->nchecks++] = t->ck;
		}
		t->hist = k;
		port = zt->port;
		if (port == 0)
			port = t->ck->type == CHECK_DNS ? 53 :
			    t->ck->type == CHECK_HTTPS ? 443 :
			    t->ck->type == CHECK_HTTP ? 80 : 0;
		t->port = port;
		if (zt->family == 6) {
			sin6 = (struct sockaddr_in6 *)&t->ss;
			sin6->sin6_family = AF_INET6;
			memcpy(&sin6->sin6_addr, zt->addr, 16);
			sin6->sin6_port = htons(port);
			t->sslen = sizeof(*sin6);
			inet_ntop(AF_INET6, zt->addr, t->addr, sizeof(t->addr));
		} else {
			sin = (struct sockaddr_in *)&t->ss;
			sin->sin_family = AF_INET;
			memcpy(&sin->sin_addr, zt->addr, 4);
			sin->sin_port = htons(port);
			t->sslen = sizeof(*sin);
			inet_ntop(AF_INET, zt->addr, t->addr, sizeof(t->addr));
		}
		if (t->ck->type == CHECK_HTTP || t->ck->type == CHECK_HTTPS)
			http = true;
		if (t->ck->type == CHECK_DNS && probe_dns_init(t) == -1)
			goto fail;
	}
	p->hist = xcalloc(p->nchecks + 1, sizeof(*p->hist));
	if (http && probe_http_init(p) == -1)
		goto fail;
	raise_nofile(p->n);
	return p;
fail:
	probe_free(p);
	return NULL;
}

void
probe_start(struct probe *p, probe_ready_fn *ready, void *arg)
{
	struct probe_target	*t;
	double			 bound = 0, delay;
	size_t			 i;

	p->ready = ready;
	p->ready_arg = arg;
	for (i = 0; i < p->n; i++) {
		t = &p->t[i];
		if (t->ck == NULL || t->carried)
			continue;
		p->first_left++;
		if (t->ck->timeout > bound)
			bound = t->ck->timeout;
	}
	if (p->first_left == 0) {
		if (ready != NULL)
			ready(p, arg);
		p->ready = NULL;
	} else {
		ev_timer_set(&p->first_w, bound + 1.0, 0);
		ev_timer_start(p->loop, &p->first_w);
	}
	for (i = 0; i < p->n; i++) {
		t = &p->t[i];
		if (t->ck == NULL)
			continue;
		if (t->carried) {
			/* Known already (a reload): its next run as usual. */
			t->first_done = true;
			delay = rand01(p) * t->ck->interval;
			t->due = ev_now(p->loop) + delay;
			ev_timer_set(&t->sched, delay, 0);
			ev_timer_start(p->loop, &t->sched);
			continue;
		}
		/*
		 * After the first round (over within the timeout), spread
		 * over one interval.
		 */
		delay = t->ck->timeout + rand01(p) * t->ck->interval;
		t->due = ev_now(p->loop) + delay;
		ev_timer_set(&t->sched, delay, 0);
		ev_timer_start(p->loop, &t->sched);
		run(t);
	}
}

void
probe_free(struct probe *p)
{
	struct probe_target	*t;
	size_t			 i;

	if (p == NULL)
		return;
	probe_exec_fini(p);
	for (i = 0; i < p->n; i++) {
		t = &p->t[i];
		ev_timer_stop(p->loop, &t->sched);
		if (t->http != NULL)
			probe_http_cancel(t);
		probe_sock_close(t);
		free(t->qwire);
	}
	probe_http_fini(p);
	ev_timer_stop(p->loop, &p->first_w);
	free(p->checks);
	free(p->hist);
	free(p->t);
	free(p);
}

void
probe_stats(const struct probe *p, struct probe_stats *out)
{
	*out = p->stats;
}

int
probe_target_info(const struct probe *p, size_t i, struct probe_info *out)
{
	const struct probe_target	*t;
	const struct health_track	*tr;
	const struct health_slot	*s;

	if (i >= p->n)
		return -1;
	t = &p->t[i];
	tr = &p->health->track[i];
	s = &p->health->slots[i];
	memset(out, 0, sizeof(*out));
	out->checked = t->ck != NULL;
	out->up = atomic_load_explicit(&s->state, memory_order_relaxed) ==
	    HEALTH_UP;
	out->running = t->running;
	out->last = tr->last;
	snprintf(out->reason, sizeof(out->reason), "%s", t->reason);
	out->since = tr->since;
	out->last_run = t->last_run;
	out->ok_run = tr->ok_run;
	out->fail_run = tr->fail_run;
	out->checks = tr->checks;
	out->failures = tr->failures;
	out->local_errors = tr->local_errors;
	out->transitions = tr->transitions;
	out->rtt_us = atomic_load_explicit(&s->rtt_us, memory_order_relaxed);
	out->load = atomic_load_explicit(&s->load, memory_order_relaxed);
	return 0;
}

size_t
probe_nchecks(const struct probe *p)
{
	return p->nchecks;
}

int
probe_check_hist(const struct probe *p, size_t i, const struct conf_check **ck,
    struct probe_hist *out)
{
	if (i >= p->nchecks)
		return -1;
	*ck = p->checks[i];
	*out = p->hist[i];
	return 0;
}

void
probe_set_hist(struct probe *p, size_t i, const struct probe_hist *h)
{
	if (i < p->nchecks)
		p->hist[i] = *h;
}

void
probe_carry(struct probe *p, size_t ni, const struct probe *old, size_t oi)
{
	struct probe_target		*t;
	const struct probe_target	*o;

	if (ni >= p->n || oi >= old->n)
		return;
	t = &p->t[ni];
	o = &old->t[oi];
	memcpy(t->reason, o->reason, sizeof(t->reason));
	t->srtt = o->srtt;
	t->last_run = o->last_run;
	/* It had its first result already: hysteresis from here on. */
	t->carried = o->first_done || o->carried;
}
