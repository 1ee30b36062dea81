/* probe.c -- the prober: schedule, results, rise/fall, logging */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>
#include <ldns/ldns.h>

#include "check.h"
#include "check_target.h"
#include "conf.h"
#include "health.h"
#include "log.h"
#include "probe.h"
#include "util.h"
#include "zone.h"

#define NKINDS	8	/* at least the entries of check_kinds[] */
/*
 * A loop iteration whose callbacks ran this long is a stall: a result that
 * overlaps stalls worth a quarter of its timeout, or whose time limit was
 * handled that late, says more about us than about the target.
 */
#define STALL_MIN_US	20000
#define BEHIND_QUIET	10.0	/* s without a late result: caught up */

/* One probed target: what the kind runs with, and its schedule. */
struct probe_target {
	struct check_target	 c;
	struct probe		*p;		/* borrowed */
	const struct zone_target *zt;		/* borrowed */
	ev_timer		 sched;		/* the next run */
	double			 due;		/* when sched should fire */
	bool			 first_done;	/* first result came */
	bool			 carried;	/* known from before a reload */
	bool			 queued;	/* waits for a slot */
	struct probe_target	*qnext;
	uint64_t		 stall0;	/* p->stall_us at its start */
	double			 last_run;
	uint32_t		 srtt;		/* µs; HEALTH_RTT_NONE: none */
	unsigned		 local_run;	/* local errors in a row */
	bool			 local_said;	/* ... logged, with this
						   source address */
	size_t			 hist;		/* index in probe->hist */
	char			 reason[PROBE_REASON_MAX];
};

struct probe {
	struct ev_loop		*loop;		/* borrowed */
	const struct zone_db	*db;		/* borrowed */
	struct health		*health;	/* borrowed */
	struct conf_sources	 src;		/* where probes come from */
	struct probe_target	*t;		/* one per health slot */
	size_t			 n;
	uint64_t		 rng;
	struct probe_stats	 stats;
	const struct conf_check	**checks;	/* distinct, borrowed */
	struct probe_hist	*hist;		/* one per checks[] */
	size_t			 nchecks;
	void			*kstate[NKINDS];	/* by check_kinds[] */
	bool			 kstarted[NKINDS];
	/* runs in flight, and those waiting for a slot (FIFO) */
	size_t			 max_inflight, inflight;
	struct probe_target	*qhead, *qtail;
	size_t			 qlen;
	bool			 pumping;
	/* how far behind the loop ran */
	ev_prepare		 prep_w;
	ev_check		 check_w;
	uint64_t		 iter_us;	/* the iteration began */
	uint64_t		 stall_us;	/* sum of stalls so far */
	uint64_t		 behind_run;	/* late results this episode */
	ev_timer		 behind_w;	/* the episode's end */
	/* startup */
	size_t			 first_left;
	ev_timer		 first_w;
	probe_ready_fn		*ready;
	void			*ready_arg;
};

const double probe_rtt_bounds[PROBE_RTT_BUCKETS - 1] = { 0.0005, 0.001,
    0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0 };

/* xorshift64*: enough to spread timers and vary DNS IDs. */
static uint64_t
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

/* Stalls so far, counting the running iteration's time as one. */
static uint64_t
stall_now(const struct probe *p, uint64_t now)
{
	return p->stall_us + (now > p->iter_us ? now - p->iter_us : 0);
}

/*
 * How late t's result comes through our fault, in µs; 0: on time.  Its
 * time limit handled well after it passed, or the run overlapping stalls
 * of the loop worth a quarter of the limit: the reply may sit unread in
 * the socket, or the request may have gone out late.
 */
static uint64_t
came_late(const struct probe *p, const struct probe_target *t, uint64_t now)
{
	uint64_t	 lim = t->c.ck->timeout * 1e6, slack, took, st;

	slack = lim / 4 > 100000 ? lim / 4 : 100000;
	took = now > t->c.t0 ? now - t->c.t0 : 0;
	if (took > lim + slack)
		return took - lim;
	st = stall_now(p, now);
	if (st > t->stall0 && st - t->stall0 >= lim / 4 &&
	    st - t->stall0 >= STALL_MIN_US)
		return st - t->stall0;
	return 0;
}

/* A result came late through our fault: count it, say it once a run. */
static void
fell_behind(struct probe *p, const struct check_target *c, uint64_t late)
{
	p->stats.behind++;
	if (p->behind_run++ == 0) {
		p->stats.behind_episodes++;
		log_warnx("health: the prober is falling behind: %s came "
		    "%llu ms late; late results are local errors, not the "
		    "targets' failures, until it catches up", c->label,
		    (unsigned long long)(late / 1000));
	}
	ev_timer_again(p->loop, &p->behind_w);
}

/* BEHIND_QUIET without a late result: the episode is over. */
static void
behind_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct probe	*p = w->data;

	(void)revents;
	ev_timer_stop(loop, w);
	if (p->behind_run > 0)
		log_info("health: the prober caught up; %llu result%s came "
		    "late", (unsigned long long)p->behind_run,
		    p->behind_run == 1 ? "" : "s");
	p->behind_run = 0;
}

/* The loop gathered events: an iteration's work begins. */
static void
check_cb(struct ev_loop *loop, ev_check *w, int revents)
{
	struct probe	*p = w->data;

	(void)loop;
	(void)revents;
	p->iter_us = check_clock_us();
}

/* The loop is about to wait: the iteration's work is done. */
static void
prep_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct probe	*p = w->data;
	uint64_t	 now = check_clock_us();

	(void)loop;
	(void)revents;
	if (p->iter_us != 0 && now - p->iter_us >= STALL_MIN_US)
		p->stall_us += now - p->iter_us;
	p->iter_us = now;
}

/* Start one run of t's check now: its time counts from here. */
static void
start(struct probe_target *t)
{
	struct check_target	*c = &t->c;
	struct probe		*p = t->p;

	p->inflight++;
	c->running = true;
	c->t0 = check_clock_us();
	t->stall0 = stall_now(p, c->t0);
	c->kind->run(c);
}

/* Start what waits while slots are free. */
static void
pump(struct probe *p)
{
	struct probe_target	*t;

	if (p->pumping)
		return;		/* a run that ended at once: the loop below */
	p->pumping = true;
	while (p->inflight < p->max_inflight && (t = p->qhead) != NULL) {
		if ((p->qhead = t->qnext) == NULL)
			p->qtail = NULL;
		p->qlen--;
		t->queued = false;
		t->qnext = NULL;
		start(t);
	}
	p->pumping = false;
}

/* A run of t finished (check_done()): count it, judge it, log it. */
static void
on_done(struct check_target *c, enum probe_result r, const char *reason,
    int detail, uint64_t rtt_us)
{
	struct probe_target	*t = c->owner;
	struct probe		*p = t->p;
	struct health_track	*tr = &p->health->track[c->slot];
	uint64_t		 now = check_clock_us(), late;
	char			 why[PROBE_REASON_MAX];
	unsigned		 n;
	bool			 up, behind;

	p->inflight--;
	t->last_run = ev_now(p->loop);
	late = came_late(p, t, now);
	behind = late > 0 && r == PROBE_TIMEOUT;
	if (behind) {
		/* Not the target's failure: ours. */
		r = PROBE_LOCAL_ERROR;
		snprintf(why, sizeof(why), "local error: the prober ran "
		    "%llu ms behind", (unsigned long long)(late / 1000));
		reason = why;
		fell_behind(p, c, late);
	}
	if (late > 0 && r == PROBE_OK)
		rtt_us = 0;	/* ours in part: no sample */
	if (r == PROBE_OK)
		t->reason[0] = '\0';
	else if (reason != NULL)
		snprintf(t->reason, sizeof(t->reason), "%s", reason);
	else
		check_reason(t->reason, sizeof(t->reason), r, c->ck, detail);
	probe_count_result(&p->stats, c->kind, r);
	if (r == PROBE_OK && rtt_us > 0) {
		hist_add(&p->hist[t->hist], rtt_us / 1e6);
		if (rtt_us > UINT32_MAX - 1)
			rtt_us = UINT32_MAX - 1;
		if (t->srtt == HEALTH_RTT_NONE)
			t->srtt = rtt_us;
		else
			t->srtt = t->srtt - t->srtt / 8 + rtt_us / 8;
		health_set_rtt(p->health, c->slot, t->srtt);
	}
	/*
	 * A local error repeats every round until someone fixes our side
	 * (an address gone from the host, a full descriptor table): log
	 * when the episode starts and when it ends, not each round.
	 */
	if (r == PROBE_LOCAL_ERROR && behind) {
		/* Said once for every target: fell_behind(). */
	} else if (r == PROBE_LOCAL_ERROR) {
		if (!t->local_said)
			log_warnx("health: %s: %s", c->label, t->reason);
		t->local_said = true;
		if (t->local_run < UINT_MAX)
			t->local_run++;
	} else if (t->local_run > 0) {
		log_info("health: %s: probes run again after %u local "
		    "error%s", c->label, t->local_run, t->local_run == 1 ? "" :
		    "s");
		t->local_run = 0;
		t->local_said = false;
	}
	if (health_record(p->health, c->slot, r, c->ck->rise, c->ck->fall,
	    ev_now(p->loop))) {
		up = r == PROBE_OK;
		n = up ? tr->ok_run : tr->fail_run;
		if (up)
			p->stats.to_up++;
		else
			p->stats.to_down++;
		if (up)
			log_info("health: %s down -> up: %u success%s",
			    c->label, n, n == 1 ? "" : "es");
		else
			log_info("health: %s up -> down: %u failure%s: %s",
			    c->label, n, n == 1 ? "" : "s", t->reason);
	} else if (r != PROBE_OK && r != PROBE_LOCAL_ERROR)
		log_debug("health: %s: %s", c->label, t->reason);
	first_result(p, t);
	pump(p);
}

/* A round of t is due: start it, or queue it while every slot is busy. */
static void
run(struct probe_target *t)
{
	struct check_target	*c = &t->c;
	struct probe		*p = t->p;

	p->stats.runs++;
	if (c->running || c->busy || t->queued) {
		/* The last run (or its process) is not over yet. */
		probe_count_skip(&p->stats, c->kind);
		log_debug("health: %s: still busy, round skipped", c->label);
		return;
	}
	if (p->inflight >= p->max_inflight) {
		t->queued = true;
		t->qnext = NULL;
		if (p->qtail != NULL)
			p->qtail->qnext = t;
		else
			p->qhead = t;
		p->qtail = t;
		p->qlen++;
		p->stats.queued++;
		return;
	}
	start(t);
}

/* The next run in interval +- jitter * interval. */
static void
sched_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct probe_target	*t = w->data;
	struct probe_stats	*st = &t->p->stats;
	double			 iv = t->c.ck->interval, late;
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
	iv += (2 * rand01(t->p) - 1) * t->c.ck->jitter * iv;
	if (iv < 0.01)
		iv = 0.01;
	t->due = ev_now(loop) + iv;
	ev_timer_set(w, iv, 0);
	ev_timer_start(loop, w);
	run(t);
}

/* The time limit of a run passed (check_timer_start()). */
static void
tmo_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct check_target	*c = w->data;

	(void)loop;
	(void)revents;
	if (!c->running)
		return;
	c->kind->cancel(c);
	check_done(c, PROBE_TIMEOUT, NULL, 0, 0);
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

/* The index of kind in check_kinds[]. */
static size_t
kind_index(const struct check_kind *k)
{
	size_t	 i;

	for (i = 0; check_kinds[i] != NULL && check_kinds[i] != k; i++)
		;
	return i;
}

/* The kind's shared state, started on first use; -1 when it fails. */
static int
kind_state(struct probe *p, const struct check_kind *k, void **out)
{
	size_t	 i = kind_index(k);

	if (i >= NKINDS)
		fatalx("probe: more check kinds than NKINDS");
	if (!p->kstarted[i] && k->start != NULL) {
		if ((p->kstate[i] = k->start(p->loop)) == NULL)
			return -1;
	}
	p->kstarted[i] = true;
	*out = p->kstate[i];
	return 0;
}

/* Address and port of a target; the kind gives the default port. */
static void
target_addr(struct check_target *c, const struct zone_target *zt)
{
	struct sockaddr_in	*sin;
	struct sockaddr_in6	*sin6;

	c->port = zt->port != 0 ? zt->port : c->kind->port;
	if (zt->family == 6) {
		sin6 = (struct sockaddr_in6 *)&c->ss;
		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, zt->addr, 16);
		sin6->sin6_port = htons(c->port);
		c->sslen = sizeof(*sin6);
		inet_ntop(AF_INET6, zt->addr, c->addr, sizeof(c->addr));
	} else {
		sin = (struct sockaddr_in *)&c->ss;
		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, zt->addr, 4);
		sin->sin_port = htons(c->port);
		c->sslen = sizeof(*sin);
		inet_ntop(AF_INET, zt->addr, c->addr, sizeof(c->addr));
	}
}

/* The source address of family in p, set or not. */
static const struct conf_source *
source_of(const struct probe *p, int family)
{
	return family == AF_INET6 ? &p->src.v6 : &p->src.v4;
}

struct probe *
probe_new(struct ev_loop *loop, const struct zone_db *db,
    struct health *health, const struct conf_sources *src)
{
	const struct zone_target	*zt;
	struct probe_target		*t;
	struct check_target		*c;
	struct probe			*p;
	size_t				 i, k;

	p = xcalloc(1, sizeof(*p));
	p->loop = loop;
	p->db = db;
	p->health = health;
	if (src != NULL)
		p->src = *src;
	p->n = db->ntargets;
	p->t = xcalloc(p->n, sizeof(*p->t));
	p->rng = ((uint64_t)getpid() << 32) ^ check_clock_us() ^
	    (uint64_t)time(NULL) ^ 0x9e3779b97f4a7c15ULL;
	ev_timer_init(&p->first_w, first_cb, 0, 0);
	p->first_w.data = p;
	p->max_inflight = CONF_PROBE_CONCURRENCY;
	ev_timer_init(&p->behind_w, behind_cb, 0, BEHIND_QUIET);
	p->behind_w.data = p;
	ev_prepare_init(&p->prep_w, prep_cb);
	p->prep_w.data = p;
	ev_check_init(&p->check_w, check_cb);
	p->check_w.data = p;
	/* First of all that the iteration runs, to time the rest. */
	ev_set_priority(&p->check_w, EV_MAXPRI);
	for (i = 0; i < p->n; i++) {
		zt = &db->targets[i];
		t = &p->t[i];
		c = &t->c;
		t->p = p;
		t->zt = zt;
		t->srtt = HEALTH_RTT_NONE;
		c->loop = loop;
		c->ck = zt->check;
		c->label = zt->label;
		c->slot = i;
		c->fd = -1;
		c->health = health;
		c->done = on_done;
		c->owner = t;
		ev_timer_init(&t->sched, sched_cb, 0, 0);
		t->sched.data = t;
		ev_timer_init(&c->tmo, tmo_cb, 0, 0);
		c->tmo.data = c;
		ev_init(&c->io, NULL);
		c->io.data = c;
		if (c->ck == NULL)
			continue;
		c->kind = c->ck->kind;
		for (k = 0; k < p->nchecks && p->checks[k] != c->ck; k++)
			;
		if (k == p->nchecks) {
			p->checks = xreallocarray(p->checks, k + 1,
			    sizeof(*p->checks));
			p->checks[p->nchecks++] = c->ck;
		}
		t->hist = k;
		target_addr(c, zt);
		c->src = source_of(p, c->ss.ss_family);
		if (c->src->sslen == 0)
			c->src = NULL;
		if (kind_state(p, c->kind, &c->kstate) == -1 ||
		    (c->kind->target_init != NULL &&
		    c->kind->target_init(c) == -1)) {
			c->kind = NULL;		/* nothing to tear down */
			goto fail;
		}
	}
	p->hist = xcalloc(p->nchecks + 1, sizeof(*p->hist));
	raise_nofile(p->n);
	return p;
fail:
	probe_free(p);
	return NULL;
}

void
probe_set_concurrency(struct probe *p, size_t n)
{
	p->max_inflight = n > 0 ? n : CONF_PROBE_CONCURRENCY;
}

/*
 * The first round of a check: over its interval, as later rounds, but no
 * longer than it takes to start its targets at PROBE_FIRST_RATE (a few
 * targets start at once) and PROBE_FIRST_SPREAD: the first answers wait
 * for it.
 */
static double
first_spread(const struct conf_check *ck, size_t n)
{
	double	 s = (double)n / PROBE_FIRST_RATE;

	if (s > ck->interval)
		s = ck->interval;
	return s < PROBE_FIRST_SPREAD ? s : PROBE_FIRST_SPREAD;
}

void
probe_start(struct probe *p, probe_ready_fn *ready, void *arg)
{
	struct probe_target	*t;
	double			 bound = 0, delay;
	size_t			 i, k = 0, nfirst = 0;

	p->ready = ready;
	p->ready_arg = arg;
	ev_prepare_start(p->loop, &p->prep_w);
	ev_check_start(p->loop, &p->check_w);
	/* They time the loop; they do not keep it running. */
	ev_unref(p->loop);
	ev_unref(p->loop);
	p->iter_us = check_clock_us();
	for (i = 0; i < p->n; i++) {
		t = &p->t[i];
		if (t->c.ck == NULL || t->carried)
			continue;
		nfirst++;
	}
	for (i = 0; i < p->n; i++) {
		t = &p->t[i];
		if (t->c.ck == NULL || t->carried)
			continue;
		p->first_left++;
		delay = first_spread(t->c.ck, nfirst) + t->c.ck->timeout;
		if (delay > bound)
			bound = delay;
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
		if (t->c.ck == NULL)
			continue;
		if (t->carried) {
			/* Known already (a reload): its next run as usual. */
			t->first_done = true;
			delay = rand01(p) * t->c.ck->interval;
			t->due = ev_now(p->loop) + delay;
			ev_timer_set(&t->sched, delay, 0);
			ev_timer_start(p->loop, &t->sched);
			continue;
		}
		/*
		 * New: the first round evenly spread, in the order of the
		 * config; then every interval.
		 */
		delay = first_spread(t->c.ck, nfirst) * k++ / nfirst;
		t->due = ev_now(p->loop) + delay;
		ev_timer_set(&t->sched, delay, 0);
		ev_timer_start(p->loop, &t->sched);
	}
}

void
probe_free(struct probe *p)
{
	struct check_target	*c;
	size_t			 i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++) {
		c = &p->t[i].c;
		ev_timer_stop(p->loop, &p->t[i].sched);
		ev_timer_stop(p->loop, &c->tmo);
		if (c->kind == NULL)
			continue;
		if (c->running)
			c->kind->cancel(c);
		if (c->kind->target_fini != NULL)
			c->kind->target_fini(c);
		check_sock_close(c);
	}
	for (i = 0; check_kinds[i] != NULL && i < NKINDS; i++)
		if (p->kstarted[i] && check_kinds[i]->stop != NULL)
			check_kinds[i]->stop(p->kstate[i]);
	ev_timer_stop(p->loop, &p->first_w);
	ev_timer_stop(p->loop, &p->behind_w);
	if (ev_is_active(&p->prep_w)) {
		ev_ref(p->loop);
		ev_ref(p->loop);
		ev_prepare_stop(p->loop, &p->prep_w);
		ev_check_stop(p->loop, &p->check_w);
	}
	free(p->checks);
	free(p->hist);
	free(p->t);
	free(p);
}

void
probe_stats(const struct probe *p, struct probe_stats *out)
{
	*out = p->stats;
	out->inflight = p->inflight;
	out->waiting = p->qlen;
	out->falling_behind = p->behind_run > 0;
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
	out->checked = t->c.ck != NULL;
	out->up = atomic_load_explicit(&s->state, memory_order_relaxed) ==
	    HEALTH_UP;
	out->running = t->c.running;
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
probe_target_bytes(void)
{
	return sizeof(struct probe_target);
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
	/*
	 * The same trouble after a reload is not news; with a new source
	 * address it may be another trouble, said again if it lasts.
	 */
	t->local_run = o->local_run;
	t->local_said = o->local_said && conf_source_same(source_of(p,
	    t->c.ss.ss_family), source_of(old, o->c.ss.ss_family));
	/* It had its first result already: hysteresis from here on. */
	t->carried = o->first_done || o->carried;
}
