/* probe.h -- the prober: schedules checks, results -> health_record() */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_PROBE_H
#define STEER_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "health.h"

struct check_kind;
struct conf_check;
struct conf_sources;
struct ev_loop;
struct health;
struct zone_db;

#define PROBE_REASON_MAX	128
/* The first round is spread over this much of the interval, at most. */
#define PROBE_FIRST_SPREAD	1.0	/* seconds */
#define PROBE_FIRST_RATE	5000	/* ... and targets a second */

/* A read-only view of one target, for the control socket and stats. */
struct probe_info {
	bool		 checked;	/* has a check (else always up) */
	bool		 up;		/* the checks' verdict */
	bool		 running;	/* a check is in flight */
	enum probe_result last;		/* of the last finished run */
	char		 reason[PROBE_REASON_MAX];	/* "" when ok */
	double		 since;		/* time of the last change, 0: none */
	double		 last_run;	/* time the last run finished */
	unsigned	 ok_run, fail_run;
	uint64_t	 checks, failures, local_errors, transitions;
	uint32_t	 rtt_us;	/* smoothed, HEALTH_RTT_NONE: none */
	uint32_t	 load;		/* HEALTH_LOAD_NONE: none */
};

/* Per check kind, by its place in check_kinds[]: what the prober did. */
#define PROBE_NKINDS	8	/* at least the kinds in check_kinds[] */
struct probe_kind_stats {
	uint64_t	 runs;		/* finished, any result */
	uint64_t	 skipped;	/* rounds skipped: the last ran */
	uint64_t	 results[PROBE_NRESULTS];
};

/* How late timers fired, for benchmarks and stats. */
#define PROBE_LATE_BUCKETS	6	/* <1, <5, <10, <50, <100, >=100 ms */
struct probe_stats {
	uint64_t	 runs;		/* checks started */
	uint64_t	 to_up, to_down;	/* state changes */
	uint64_t	 results[PROBE_NRESULTS];
	uint64_t	 skipped;	/* rounds skipped: the last still runs */
	uint64_t	 queued;	/* runs that waited for a free slot */
	uint64_t	 behind;	/* results taken as local: ours came
					   late (the loop was behind) */
	uint64_t	 behind_episodes;	/* runs of them, logged */
	uint64_t	 inflight;	/* gauge: runs in flight now */
	uint64_t	 waiting;	/* gauge: runs waiting for a slot */
	bool		 falling_behind;	/* gauge: an episode is open */
	uint64_t	 late[PROBE_LATE_BUCKETS];
	double		 late_max;	/* seconds */
	double		 late_sum;
	struct probe_kind_stats kind[PROBE_NKINDS];
};

/*
 * Count a result, or a round skipped, of a check of kind k in st: the
 * totals and the kind's (probe_count.c).  A kind not in check_kinds[]
 * counts in the totals only.
 */
void		 probe_count_result(struct probe_stats *st,
		    const struct check_kind *k, enum probe_result r);
void		 probe_count_skip(struct probe_stats *st,
		    const struct check_kind *k);
/* Add the counters of b (not the gauges) to a. */
void		 probe_stats_add(struct probe_stats *a,
		    const struct probe_stats *b);

/* RTT of successful checks, per check definition: a histogram. */
#define PROBE_RTT_BUCKETS	12	/* bounds in probe_rtt_bounds, +Inf */
extern const double	 probe_rtt_bounds[PROBE_RTT_BUCKETS - 1]; /* s */
struct probe_hist {
	uint64_t	 count[PROBE_RTT_BUCKETS];	/* not cumulative */
	uint64_t	 n;
	double		 sum;		/* seconds */
};

struct probe;

/* Called once when every target has had its first result, or later. */
typedef void	 probe_ready_fn(struct probe *, void *arg);

/*
 * Make a prober for every target of db that has a check; results go to
 * health (slot i = db->targets[i]).  Probes of a target leave from src's
 * address of its family (copied; NULL or an unset family: the kernel
 * picks).  loop should be the default loop (exec checks need ev_child).
 * Nothing runs until probe_start().  db and health are borrowed and must
 * outlive the prober.  Returns NULL, having logged why, when libcurl
 * cannot be set up.
 */
struct probe	*probe_new(struct ev_loop *, const struct zone_db *,
		    struct health *, const struct conf_sources *src);
/*
 * At most n runs in flight at once (0: CONF_PROBE_CONCURRENCY); the rest
 * wait in a queue, and their waiting does not count against the target.
 * Before probe_start().
 */
void		 probe_set_concurrency(struct probe *, size_t n);
/*
 * Run every check once, spread over the least of its interval,
 * PROBE_FIRST_SPREAD and the targets / PROBE_FIRST_RATE, then each on its
 * own schedule.  ready (may be NULL) is called once, when every target
 * has its first result or when that spread + the largest check timeout +
 * 1 s has passed, whichever comes first.
 */
void		 probe_start(struct probe *, probe_ready_fn *ready, void *arg);
/* Stop every watcher, kill running commands, free.  NULL: nothing. */
void		 probe_free(struct probe *);

/* Copy the prober's counters into *out. */
void		 probe_stats(const struct probe *, struct probe_stats *out);

/*
 * The check definitions in use, 0..probe_nchecks()-1: *ck (borrowed) and
 * its RTT histogram.  -1 when i is out of range.
 */
size_t		 probe_nchecks(const struct probe *);
int		 probe_check_hist(const struct probe *, size_t i,
		    const struct conf_check **ck, struct probe_hist *out);

/* Set the histogram of check i (to carry it over a reload). */
void		 probe_set_hist(struct probe *, size_t i,
		    const struct probe_hist *);

/*
 * Carry what the old prober knew of its target oi (reason, smoothed RTT)
 * over to target ni of p, for a reload; the health table's track is
 * copied by the caller.
 */
void		 probe_carry(struct probe *p, size_t ni,
		    const struct probe *old, size_t oi);

/* Bytes the prober keeps per target, for benchmarks. */
size_t		 probe_target_bytes(void);

/* Fill *out for health slot i; -1 when i is out of range. */
int		 probe_target_info(const struct probe *, size_t i,
		    struct probe_info *out);

#endif
