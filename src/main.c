/* main.c -- steerdns: argv, startup, signals; the one file that knows all */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ev.h>
/* liburcu inlines its small read-side functions for any licence. */
#define URCU_INLINE_SMALL_FUNCTIONS
#include <urcu.h>

#include "conf.h"
#include "health.h"
#include "log.h"
#include "net.h"
#include "probe.h"
#include "util.h"
#include "zone.h"

static struct worker	**workers;
static unsigned		  nworkers;
static bool		  started;	/* the workers run */
static bool		  stopping;
static bool		  probed;	/* the first round is over */

static void
usage(FILE *f)
{
	fprintf(f, "usage: steerdns [-fhnV] [-c file]\n"
	    "  -c, --config FILE    main config file (default %s)\n"
	    "  -f, --foreground     stay in the foreground, log to stderr\n"
	    "  -n, --check-config   validate the configuration and exit\n"
	    "  -V, --version        print the version and exit\n"
	    "  -h, --help           this text\n", CONF_DEFAULT_PATH);
}

static void
stop_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	unsigned	 i;

	(void)revents;
	log_info("signal %d: stopping", w->signum);
	stopping = true;
	if (started)
		for (i = 0; i < nworkers; i++)
			worker_stop(workers[i]);
	ev_break(loop, EVBREAK_ALL);
}

/* Every check ran once (or the startup bound passed): start serving. */
static void
probes_ready_cb(struct probe *p, void *arg)
{
	struct ev_loop	*loop = arg;

	(void)p;
	probed = true;
	ev_break(loop, EVBREAK_ONE);
}

/* Load the configuration; print every problem found. */
static struct conf *
load(const char *path, bool to_stderr)
{
	struct conf_errs	 errs = { 0 };
	struct conf		*c = NULL;
	size_t			 i;

	if (conf_load(path, &c, &errs) == -1) {
		for (i = 0; i < errs.n; i++) {
			if (to_stderr)
				fprintf(stderr, "%s\n", errs.msg[i]);
			else
				log_warnx("%s", errs.msg[i]);
		}
		conf_errs_clear(&errs);
		return NULL;
	}
	conf_errs_clear(&errs);
	return c;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "check-config", no_argument, NULL, 'n' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*path = CONF_DEFAULT_PATH;
	bool		 foreground = false, check = false;
	struct conf	*c;
	struct snapshot	*snap;
	struct ev_loop	*loop;
	struct probe	*prober;
	ev_signal	 sigterm_w, sigint_w;
	unsigned	 i;
	long		 ncpu;
	int		 ch;

	while ((ch = getopt_long(argc, argv, "c:fnVh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'f':
			foreground = true;
			break;
		case 'n':
			check = true;
			break;
		case 'V':
			printf("steerdns %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 1;
	}
	log_init("steerdns", true, LOG_LEVEL_INFO);
	if ((c = load(path, true)) == NULL)
		return 1;
	if (check) {
		conf_free(c);
		printf("config OK\n");
		return 0;
	}

	snap = xcalloc(1, sizeof(*snap));
	snap->conf = c;
	snap->db = zone_db_new(c);
	snap->health = health_new(snap->db->ntargets);
	for (i = 0; i < snap->db->ntargets; i++) {
		const struct zone_target	*t = &snap->db->targets[i];

		health_set_admin(snap->health, i, t->admin);
		if (t->check != NULL && !t->check->initial_up)
			health_set_state(snap->health, i, HEALTH_DOWN);
	}
	snap->generation = 1;
	rcu_assign_pointer(net_snapshot, snap);

	nworkers = c->workers;
	if (nworkers == 0) {
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		nworkers = ncpu > 0 ? (unsigned)ncpu : 1;
	}
	signal(SIGPIPE, SIG_IGN);
	workers = xcalloc(nworkers, sizeof(*workers));
	for (i = 0; i < nworkers; i++)
		if ((workers[i] = worker_new(i, c)) == NULL)
			fatalx("cannot listen: see above");

	if (!foreground) {
		if (daemon(0, 0) == -1)
			fatal("daemon");
		log_init("steerdns", false, LOG_LEVEL_INFO);
	}
	loop = ev_default_loop(EVFLAG_AUTO);
	ev_signal_init(&sigterm_w, stop_cb, SIGTERM);
	ev_signal_start(loop, &sigterm_w);
	ev_signal_init(&sigint_w, stop_cb, SIGINT);
	ev_signal_start(loop, &sigint_w);
	/*
	 * Run every check once before answering, so that the first answers
	 * already leave out what is down; probe_start() bounds the wait by
	 * the largest check timeout + 1 s.
	 */
	if ((prober = probe_new(loop, snap->db, snap->health)) == NULL)
		fatalx("cannot start the prober: see above");
	probe_start(prober, probes_ready_cb, loop);
	/* ev_run() forgets a break that came before it. */
	while (!probed && !stopping)
		ev_run(loop, EVRUN_ONCE);
	if (!stopping) {
		for (i = 0; i < nworkers; i++)
			if (worker_start(workers[i]) == -1)
				fatalx("cannot start worker %u", i);
		started = true;
		log_info("ready: %zu zone%s, %zu listen address%s, %u "
		    "worker%s, version %s", c->nzones, c->nzones == 1 ? "" :
		    "s", c->nlisten, c->nlisten == 1 ? "" : "es", nworkers,
		    nworkers == 1 ? "" : "s", PACKAGE_VERSION);
		ev_run(loop, 0);
	}

	probe_free(prober);
	for (i = 0; i < nworkers; i++)
		worker_free(workers[i]);
	free(workers);
	zone_db_free(snap->db);
	health_free(snap->health);
	conf_free(snap->conf);
	free(snap);
	log_info("stopped");
	return 0;
}
