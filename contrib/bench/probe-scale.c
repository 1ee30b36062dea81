/* probe-scale.c -- run the prober on many tcp targets, report its cost */
/* SPDX-License-Identifier: ISC */
/*
 * usage: probe-scale [-n targets] [-i interval] [-d seconds] [-p port]
 *                    [-r]
 * Targets are 127.1.x.y:port.  A listener on 0.0.0.0:port in a child
 * process accepts and closes every connection (-r: no listener, every
 * connect is refused).  Prints how late the check timers fired, the CPU
 * time used and the memory per target.  The listener is a child process,
 * so the CPU figure is the prober's alone.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <netinet/in.h>

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

static void
accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	int	 fd;

	(void)loop;
	(void)revents;
	while ((fd = accept4(w->fd, NULL, NULL, SOCK_NONBLOCK)) != -1)
		close(fd);
}

static void
end_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)w;
	(void)revents;
	ev_break(loop, EVBREAK_ALL);
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

static double
cpu_s(void)
{
	struct rusage	 ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

int
main(int argc, char *argv[])
{
	static const char *const bucket[PROBE_LATE_BUCKETS] = { "<1ms",
	    "<5ms", "<10ms", "<50ms", "<100ms", ">=100ms" };
	struct conf_check	 ck;
	struct zone_db		 db;
	struct health		*h;
	struct probe		*p;
	struct probe_stats	 st;
	struct probe_info	 in;
	struct sockaddr_in	 sin;
	struct ev_loop		*loop;
	ev_io			 lw;
	ev_timer		 end;
	double			 interval = 1.0, dur = 10, c0, c1, t0, t1;
	long			 r0, r1, r2;
	size_t			 n = 10000, i, up = 0;
	uint64_t		 total = 0, fires = 0;
	int			 ch, port = 20399, lfd = -1, one = 1;
	pid_t			 child = -1;
	bool			 refused = false;

	while ((ch = getopt(argc, argv, "n:i:d:p:r")) != -1) {
		switch (ch) {
		case 'n': n = strtoul(optarg, NULL, 10); break;
		case 'i': interval = strtod(optarg, NULL); break;
		case 'd': dur = strtod(optarg, NULL); break;
		case 'p': port = atoi(optarg); break;
		case 'r': refused = true; break;
		default:
			fprintf(stderr, "usage: probe-scale [-n targets] "
			    "[-i interval] [-d seconds] [-p port] [-r]\n");
			return 2;
		}
	}
	if (n == 0 || n > 65000)
		n = 10000;
	log_init("probe-scale", true, LOG_LEVEL_WARN);
	loop = ev_default_loop(EVFLAG_AUTO);
	if (!refused) {
		/*
		 * The listener runs in a child process: the CPU figure is
		 * the prober's own (RUSAGE_SELF leaves children out).
		 */
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = htons(port);
		sin.sin_addr.s_addr = htonl(INADDR_ANY);
		if ((lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) ==
		    -1 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one,
		    sizeof(one)) == -1 || bind(lfd, (struct sockaddr *)&sin,
		    sizeof(sin)) == -1 || listen(lfd, 4096) == -1)
			fatal("listener on port %d", port);
		if ((child = fork()) == -1)
			fatal("fork");
		if (child == 0) {
			struct ev_loop	*cl = ev_loop_new(EVFLAG_AUTO);

			ev_io_init(&lw, accept_cb, lfd, EV_READ);
			ev_io_start(cl, &lw);
			ev_run(cl, 0);
			_exit(0);
		}
		close(lfd);
		lfd = -1;
	}

	memset(&ck, 0, sizeof(ck));
	ck.name = (char *)"tcp";
	ck.kind = check_kind_find("tcp");
	ck.port = port;
	ck.interval = interval;
	ck.timeout = interval / 2;
	ck.jitter = 0.1;
	ck.rise = 2;
	ck.fall = 3;
	ck.initial = CONF_INITIAL_UP;
	memset(&db, 0, sizeof(db));
	db.ntargets = n;
	db.targets = xcalloc(n, sizeof(*db.targets));
	for (i = 0; i < n; i++) {
		struct zone_target	*t = &db.targets[i];

		t->check = &ck;
		t->family = 4;
		t->addr[0] = 127;
		t->addr[1] = 1;
		t->addr[2] = (i + 1) >> 8;
		t->addr[3] = (i + 1) & 0xff;
		t->port = port;
		snprintf(t->label, sizeof(t->label), "127.1.%zu.%zu:%d (tcp)",
		    (i + 1) >> 8, (i + 1) & 0xff, port);
	}

	r0 = rss_kib();
	h = health_new(n);
	if ((p = probe_new(loop, &db, h, NULL)) == NULL)
		fatalx("probe_new");
	r1 = rss_kib();
	c0 = cpu_s();
	t0 = ev_time();
	probe_start(p, NULL, NULL);
	ev_timer_init(&end, end_cb, dur, 0);
	ev_timer_start(loop, &end);
	ev_run(loop, 0);
	t1 = ev_time();
	c1 = cpu_s();
	r2 = rss_kib();

	probe_stats(p, &st);
	for (i = 0; i < PROBE_LATE_BUCKETS; i++)
		fires += st.late[i];
	for (i = 0; i < n; i++) {
		probe_target_info(p, i, &in);
		up += in.up;
		total += in.checks;
	}
	printf("targets            %zu tcp, interval %.2fs, %s\n", n, interval,
	    refused ? "refused ports" : "local listener");
	printf("run                %.1fs, %llu checks finished (%.0f/s), "
	    "%llu skipped\n", t1 - t0, (unsigned long long)total,
	    total / (t1 - t0), (unsigned long long)st.skipped);
	printf("up at the end      %zu of %zu\n", up, n);
	printf("timer lateness     mean %.2fms, max %.2fms\n",
	    fires ? st.late_sum / fires * 1000 : 0, st.late_max * 1000);
	for (i = 0; i < PROBE_LATE_BUCKETS; i++)
		printf("  %-8s         %llu\n", bucket[i],
		    (unsigned long long)st.late[i]);
	printf("cpu                %.1f%% of one core (%.2fs)\n",
	    100 * (c1 - c0) / (t1 - t0), c1 - c0);
	printf("memory per target  %zu bytes of structs (probe %zu + health "
	    "%zu + zone %zu)\n",
	    probe_target_bytes() + sizeof(struct health_slot) +
	    sizeof(struct health_track) + sizeof(struct zone_target),
	    probe_target_bytes(), sizeof(struct health_slot) +
	    sizeof(struct health_track), sizeof(struct zone_target));
	printf("resident memory    +%ld KiB at set-up (%.0f bytes/target), "
	    "+%ld KiB after the run (%.0f bytes/target: sockets, libev)\n",
	    r1 - r0, (r1 - r0) * 1024.0 / n, r2 - r0, (r2 - r0) * 1024.0 / n);
	if (child > 0) {
		kill(child, SIGTERM);
		waitpid(child, NULL, 0);
	}
	probe_free(p);
	health_free(h);
	free(db.targets);
	if (lfd != -1)
		close(lfd);
	return 0;
}
