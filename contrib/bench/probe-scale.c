/* probe-scale.c -- run the prober on many targets, report its cost */
/* SPDX-License-Identifier: ISC */
/*
 * usage: probe-scale [-k tcp|http|https|dns] [-n targets] [-i interval]
 *                    [-t timeout] [-j jitter] [-c in-flight]
 *                    [-d seconds] [-w seconds] [-p port] [-r]
 *        probe-scale -L [-k kind] [-p port]
 *
 * Targets are 127.1.x.y:port, checked by the real prober (src/probe.c)
 * on the main loop of this process.  The check is defined in a small
 * generated zone loaded through the real loader, so that its settings
 * (an http check's path and expect, a dns check's qname) are what the
 * daemon would have.  A listener on 0.0.0.0:port runs in a child process
 * (probe-scale-listen.c) and answers every check at once; -r: nothing
 * listens, every connect is refused (for dns: the port is unreachable).
 * The CPU figure is getrusage(RUSAGE_SELF): the prober's alone, since the
 * listener is a child.  The first -w seconds (default 0) are run but not
 * measured, to leave the first round out of the figures.  -c sets the
 * prober's bound on checks in flight (server.probe_concurrency; 0, the
 * default: the daemon's).  -L runs only the listener, in the foreground,
 * for another prober (contrib/bench/probe-scale.sh uses it for gdnsd).
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ev.h>

#include "check.h"
#include "conf.h"
#include "health.h"
#include "log.h"
#include "probe.h"
#include "util.h"
#include "zone.h"

#include "probe-scale.h"

#define POOL_MAX	250	/* members per pool: the loader takes 255 */

static const char *const kind_names[] = { "tcp", "http", "https", "dns",
    NULL };

/* The counters at one moment, to subtract the warm-up. */
struct sample {
	double		 t, cpu;
	uint64_t	 results[PROBE_NRESULTS];
	uint64_t	 runs, skipped, to_down, to_up, queued, behind;
};

struct bench {
	struct probe	*p;
	struct sample	 s0;
	double		 dur;
	ev_timer	 warm, end;
};

static double
cpu_s(void)
{
	struct rusage	 ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static long
rss_kib(void)
{
	FILE	*f;
	long	 pages = 0, rss = 0;

	if ((f = fopen("/proc/self/statm", "r")) == NULL)
		return 0;
	if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
		rss = 0;
	fclose(f);
	return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

static void
sample(struct ev_loop *loop, struct probe *p, struct sample *s)
{
	struct probe_stats	 st;

	probe_stats(p, &st);
	s->t = ev_now(loop);
	ev_now_update(loop);
	s->t = ev_now(loop);
	s->cpu = cpu_s();
	memcpy(s->results, st.results, sizeof(s->results));
	s->runs = st.runs;
	s->skipped = st.skipped;
	s->to_down = st.to_down;
	s->to_up = st.to_up;
	s->queued = st.queued;
	s->behind = st.behind;
}

static void
warm_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct bench	*b = w->data;

	(void)revents;
	sample(loop, b->p, &b->s0);
	/* Measured from now: a loop that ran behind still gets its time. */
	ev_timer_stop(loop, &b->end);
	ev_timer_set(&b->end, b->dur, 0);
	ev_timer_start(loop, &b->end);
}

static void
end_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)w;
	(void)revents;
	ev_break(loop, EVBREAK_ALL);
}

/*
 * The zone of the run: n members 127.1.x.y in pools of POOL_MAX, all
 * under one check of the kind, written into dir; the main file's path
 * into path.
 */
static void
write_conf(const char *dir, char *path, size_t len, const char *kind,
    size_t n, int port, double interval, double timeout, double jitter)
{
	FILE	*f;
	char	 zpath[512];
	size_t	 i;

	snprintf(zpath, sizeof(zpath), "%s/bench.zone.conf", dir);
	if ((f = fopen(zpath, "w")) == NULL)
		fatal("%s", zpath);
	fprintf(f, "origin = \"bench.example.\";\n"
	    "soa = { mname = \"ns1\"; rname = \"hostmaster\"; };\n"
	    "ns = [ \"ns1\" ];\nrecords = [ \"ns1 A 192.0.2.1\" ];\n"
	    "checks = { probe = { type = \"%s\"; port = %d; interval = %g; "
	    "timeout = %g; jitter = %g;", kind, port, interval, timeout,
	    jitter);
	/* What a real check of the kind would say. */
	if (strcmp(kind, "http") == 0 || strcmp(kind, "https") == 0)
		fprintf(f, " path = \"/health\"; expect = 200;");
	if (strcmp(kind, "https") == 0)
		fprintf(f, " verify = false;");
	if (strcmp(kind, "dns") == 0)
		fprintf(f, " qname = \"bench.example.\"; qtype = \"SOA\";");
	fprintf(f, " }; };\npools = (\n");
	for (i = 0; i < n; i++) {
		if (i % POOL_MAX == 0)
			fprintf(f, "%s  { name = \"p%zu\"; check = \"probe\"; "
			    "members = (\n", i > 0 ? "  ); },\n" : "",
			    i / POOL_MAX);
		fprintf(f, "    { address = \"127.1.%zu.%zu\"; }%s\n",
		    (i + 1) >> 8, (i + 1) & 0xff,
		    (i + 1) % POOL_MAX != 0 && i + 1 < n ? "," : "");
	}
	fprintf(f, "  ); }\n);\nnames = (\n");
	for (i = 0; i < (n + POOL_MAX - 1) / POOL_MAX; i++)
		fprintf(f, "  { owner = \"n%zu\"; pool = \"p%zu\"; }%s\n", i, i,
		    i + 1 < (n + POOL_MAX - 1) / POOL_MAX ? "," : "");
	fprintf(f, ");\n");
	if (fclose(f) != 0)
		fatal("%s", zpath);
	snprintf(path, len, "%s/bench.conf", dir);
	if ((f = fopen(path, "w")) == NULL)
		fatal("%s", path);
	fprintf(f, "server = { listen = [ \"127.0.0.1:53\" ]; };\n"
	    "zones = [ \"%s\" ];\n", zpath);
	if (fclose(f) != 0)
		fatal("%s", path);
}

/* Load the generated zone as the daemon would; exits when it fails. */
static struct conf *
load_conf(const char *kind, size_t n, int port, double interval,
    double timeout, double jitter)
{
	struct conf_errs	 errs = { NULL, 0 };
	struct conf		*c = NULL;
	char			 dir[] = "/tmp/probe-scale.XXXXXX", path[512],
				 zpath[512];
	size_t			 i;

	if (mkdtemp(dir) == NULL)
		fatal("mkdtemp");
	write_conf(dir, path, sizeof(path), kind, n, port, interval, timeout,
	    jitter);
	if (conf_load(path, &c, &errs) != 0) {
		for (i = 0; i < errs.n; i++)
			fprintf(stderr, "%s\n", errs.msg[i]);
		fatalx("the generated zone does not load (kept in %s)", dir);
	}
	conf_errs_clear(&errs);
	unlink(path);
	snprintf(zpath, sizeof(zpath), "%s/bench.zone.conf", dir);
	unlink(zpath);
	rmdir(dir);
	return c;
}

static void
usage(void)
{
	fprintf(stderr, "usage: probe-scale [-k tcp|http|https|dns] "
	    "[-n targets] [-i interval]\n\t[-t timeout] [-j jitter] "
	    "[-c in-flight] [-d seconds] [-w seconds] [-p port] [-r]\n"
	    "       probe-scale -L [-k kind] [-p port]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	static const char *const bucket[PROBE_LATE_BUCKETS] = { "<1ms",
	    "<5ms", "<10ms", "<50ms", "<100ms", ">=100ms" };
	struct bench		 b;
	struct sample		 s1;
	struct conf		*c;
	struct zone_db		*db;
	struct health		*h;
	struct probe_stats	 st;
	struct probe_info	 in;
	struct ev_loop		*loop;
	const char		*kind = "tcp";
	double			 interval = 1.0, timeout = -1, jitter = 0.1,
				 dur = 10, warm = 0, secs, cpu, fires = 0,
				 lcpu = 0, t0;
	long			 r0, r1, r2;
	size_t			 n = 10000, i, up = 0, inflight = 0;
	uint64_t		 d[PROBE_NRESULTS], done = 0, other;
	unsigned long long	 answered = 0, lfailed = 0;
	int			 ch, port = 20399, lfd = -1, k;
	int			 pfd[2] = { -1, -1 };
	pid_t			 child = -1;
	bool			 refused = false, listen_only = false;
	char			 line[128];
	ssize_t			 got;

	while ((ch = getopt(argc, argv, "c:d:i:j:k:Ln:p:rt:w:")) != -1) {
		switch (ch) {
		case 'c': inflight = strtoul(optarg, NULL, 10); break;
		case 'd': dur = strtod(optarg, NULL); break;
		case 'i': interval = strtod(optarg, NULL); break;
		case 'j': jitter = strtod(optarg, NULL); break;
		case 'k': kind = optarg; break;
		case 'L': listen_only = true; break;
		case 'n': n = strtoul(optarg, NULL, 10); break;
		case 'p': port = atoi(optarg); break;
		case 'r': refused = true; break;
		case 't': timeout = strtod(optarg, NULL); break;
		case 'w': warm = strtod(optarg, NULL); break;
		default: usage();
		}
	}
	for (k = 0; kind_names[k] != NULL; k++)
		if (strcmp(kind, kind_names[k]) == 0)
			break;
	if (kind_names[k] == NULL || argc != optind || dur <= 0 || warm < 0)
		usage();
	/* 127.1.0.1 .. 127.1.255.255: the addresses written above. */
	if (n == 0 || n > 65534)
		fatalx("-n: 1..65534 targets");
	if (timeout < 0)
		timeout = interval / 2;
	log_init("probe-scale", true, LOG_LEVEL_WARN);
	signal(SIGPIPE, SIG_IGN);

	if (listen_only) {
		if ((lfd = ps_listen_open(k, port)) == -1)
			fatal("listener on port %d", port);
		printf("listening %s on 0.0.0.0:%d\n", kind, port);
		fflush(stdout);
		ps_listen_run(k, lfd, STDOUT_FILENO);
	}
	if (!refused) {
		/*
		 * Forked before this process makes its own loop: the child
		 * runs only the listener, and its CPU time is not ours
		 * (RUSAGE_SELF leaves children out).
		 */
		if ((lfd = ps_listen_open(k, port)) == -1)
			fatal("listener on port %d", port);
		if (pipe(pfd) == -1 || (child = fork()) == -1)
			fatal("fork");
		if (child == 0) {
			close(pfd[0]);
			ps_listen_run(k, lfd, pfd[1]);
		}
		close(pfd[1]);
		close(lfd);
	}

	c = load_conf(kind, n, port, interval, timeout, jitter);
	db = zone_db_new(c);
	if (db->ntargets != n)
		fatalx("%zu targets from the zone, %zu wanted", db->ntargets,
		    n);
	loop = ev_default_loop(EVFLAG_AUTO);
	r0 = rss_kib();
	h = health_new(db->ntargets);
	if ((b.p = probe_new(loop, db, h, NULL)) == NULL)
		fatalx("probe_new");
	probe_set_concurrency(b.p, inflight);
	r1 = rss_kib();
	sample(loop, b.p, &b.s0);
	t0 = b.s0.t;
	probe_start(b.p, NULL, NULL);
	ev_timer_init(&b.warm, warm_cb, warm, 0);
	b.warm.data = &b;
	if (warm > 0)
		ev_timer_start(loop, &b.warm);
	b.dur = dur;
	ev_timer_init(&b.end, end_cb, warm + dur, 0);
	ev_timer_start(loop, &b.end);
	ev_run(loop, 0);
	sample(loop, b.p, &s1);
	r2 = rss_kib();

	if (child > 0) {
		kill(child, SIGTERM);
		if ((got = read(pfd[0], line, sizeof(line) - 1)) > 0) {
			line[got] = '\0';
			sscanf(line, "answered %llu failed %llu cpu %lf",
			    &answered, &lfailed, &lcpu);
		}
		waitpid(child, NULL, 0);
		close(pfd[0]);
	}
	probe_stats(b.p, &st);
	for (i = 0; i < PROBE_LATE_BUCKETS; i++)
		fires += st.late[i];
	for (i = 0; i < n; i++) {
		probe_target_info(b.p, i, &in);
		up += in.up;
	}
	/* What the measured time saw, by result. */
	for (i = 0; i < PROBE_NRESULTS; i++) {
		d[i] = s1.results[i] - b.s0.results[i];
		done += d[i];
	}
	other = done - d[PROBE_OK] - d[PROBE_TIMEOUT] - d[PROBE_LOCAL_ERROR];
	secs = s1.t - b.s0.t;
	cpu = s1.cpu - b.s0.cpu;

	printf("targets            %zu %s, interval %gs, timeout %gs, jitter "
	    "%g, %s\n", n, kind, interval, timeout, jitter, refused ?
	    "refused" : "accepting listener");
	printf("measured           %.1fs after %.1fs of warm-up: %llu checks "
	    "finished (%.0f/s), %llu started, %llu rounds skipped\n", secs,
	    warm, (unsigned long long)done, done / secs,
	    (unsigned long long)(s1.runs - b.s0.runs),
	    (unsigned long long)(s1.skipped - b.s0.skipped));
	printf("cpu                %.1f%% of one core (%.2fs), %.1f us per "
	    "check\n", 100 * cpu / secs, cpu, done ? cpu * 1e6 / done : 0);
	printf("results            ");
	for (i = 0; i < PROBE_NRESULTS; i++)
		if (d[i] > 0)
			printf("%s %llu  ", probe_result_str(i),
			    (unsigned long long)d[i]);
	printf("\n");
	printf("queued, behind     %llu runs waited for a slot, %llu results "
	    "taken as ours (the loop ran behind)\n",
	    (unsigned long long)(s1.queued - b.s0.queued),
	    (unsigned long long)(s1.behind - b.s0.behind));
	printf("up at the end      %zu of %zu; %llu went down, %llu came up "
	    "(whole run)\n", up, n, (unsigned long long)st.to_down,
	    (unsigned long long)st.to_up);
	if (child > 0)
		printf("listener           %llu answered, %llu ended without a "
		    "reply, %.1f%% of one core (whole run)\n", answered,
		    lfailed, 100 * lcpu / (s1.t - t0));
	printf("timer lateness     mean %.2fms, max %.2fms (whole run)\n",
	    fires ? st.late_sum / fires * 1000 : 0, st.late_max * 1000);
	for (i = 0; i < PROBE_LATE_BUCKETS; i++)
		printf("  %-8s         %llu\n", bucket[i],
		    (unsigned long long)st.late[i]);
	printf("memory per target  %zu bytes of structs (probe %zu + health "
	    "%zu + zone %zu)\n",
	    probe_target_bytes() + sizeof(struct health_slot) +
	    sizeof(struct health_track) + sizeof(struct zone_target),
	    probe_target_bytes(), sizeof(struct health_slot) +
	    sizeof(struct health_track), sizeof(struct zone_target));
	printf("resident memory    +%ld KiB at set-up (%.0f bytes/target), "
	    "+%ld KiB after the run (%.0f bytes/target: sockets, libcurl)\n",
	    r1 - r0, (r1 - r0) * 1024.0 / n, r2 - r0, (r2 - r0) * 1024.0 / n);
	/* One line for probe-scale.sh's table. */
	printf("RESULT kind=%s mode=%s n=%zu interval=%g secs=%.2f checks=%llu "
	    "rate=%.0f cpu=%.3f pct=%.1f us=%.1f ok=%llu timeout=%llu "
	    "local=%llu other=%llu up=%zu down_events=%llu late_ms=%.2f "
	    "rss_kib=%ld\n", kind, refused ? "refused" : "accepting", n,
	    interval, secs, (unsigned long long)done, done / secs, cpu,
	    100 * cpu / secs, done ? cpu * 1e6 / done : 0,
	    (unsigned long long)d[PROBE_OK],
	    (unsigned long long)d[PROBE_TIMEOUT],
	    (unsigned long long)d[PROBE_LOCAL_ERROR],
	    (unsigned long long)other, up,
	    (unsigned long long)st.to_down,
	    fires ? st.late_sum / fires * 1000 : 0, r2 - r0);
	probe_free(b.p);
	health_free(h);
	zone_db_free(db);
	conf_free(c);
	return 0;
}
