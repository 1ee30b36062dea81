/* main.c -- steerdns: argv, startup, signals; the one file that knows all */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <malloc.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>
#include "conf.h"
#include "ctl.h"
#include "fleet.h"
#include "health.h"
#include "history.h"
#include "http.h"
#include "jw.h"
#include "log.h"
#include "net.h"
#include "notify.h"
#include "probe.h"
#include "render.h"
#include "server.h"
#include "snapshot.h"
#include "util.h"
#include "view.h"
#include "worker.h"
#include "zone.h"

/* The default metrics address when the config names none. */
#define METRICS_DEFAULT	"127.0.0.1:9353"

/* The heap address space put under transparent huge pages at startup. */
#define HEAP_RESERVE	((size_t)1 << 30)
/* Blocks from this size on get their own mapping (glibc's largest). */
#define HEAP_MMAP_MIN	(32 << 20)

static struct server	 srv;
static bool		 started;	/* the workers run */
static bool		 stopping;
static bool		 probed;	/* the first round is over */

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
	notify("STOPPING=1");
	stopping = true;
	if (started)
		for (i = 0; i < srv.nworkers; i++)
			worker_stop(srv.workers[i]);
	ev_break(loop, EVBREAK_ALL);
}

static void
hup_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct conf_errs	 errs = { 0 };

	(void)loop;
	(void)w;
	(void)revents;
	if (!started) {
		log_warnx("SIGHUP before the first checks are over: ignored");
		return;
	}
	log_info("SIGHUP: reloading %s", srv.conf_path);
	server_reload(&srv, &errs);	/* logs what happened */
	conf_errs_clear(&errs);
}

/* Once a second: overrides whose time has come are dropped. */
static void
tick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
	server_admin_expire(&srv, time(NULL));
}

/*
 * The health clock that slow start and flap damping read on the query
 * path, where there is no clock to call.
 */
static void
clock_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
	health_set_now(srv.snap->health, util_mono());
}

/*
 * A sample for the status page's charts; a reload may have changed the
 * step, which starts them again.
 */
static void
hist_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct view	*vw;
	double		 step = srv.snap->conf->status_step;

	(void)revents;
	if (srv.history->step != step) {
		history_set_step(srv.history, step);
		w->repeat = step;
		ev_timer_again(loop, w);
	}
	if ((vw = view_new(&srv)) == NULL)
		return;
	history_sample(srv.history, vw);
	view_free(vw);
}

/*
 * A reload built a new snapshot: the fleet maps its targets and merges
 * before workers see it, or leaves and joins again when its group
 * changed.
 */
static void
fleet_reload(struct server *s)
{
	if (s->fleet != NULL && fleet_snapshot(s->fleet)) {
		log_info("reload: the fleet group changed: joining again");
		fleet_free(s->fleet);
		s->fleet = NULL;
	}
	if (s->fleet == NULL && s->snap->conf->fleet.node != NULL &&
	    (s->fleet = fleet_new(s->loop, s)) == NULL)
		log_warnx("reload: cannot join the fleet: see above; this "
		    "node answers alone");
}

/*
 * The GeoIP database is read at load; a new one on disk is a reload, once
 * it has been still for GEOIP_SETTLE seconds (a copy may take a while).
 */
#define GEOIP_SETTLE	1.0
static ev_stat		 geoip_w;
static ev_timer		 geoip_settle_w;
static char		*geoip_path;

static void
geoip_changed_cb(struct ev_loop *loop, ev_stat *w, int revents)
{
	(void)w;
	(void)revents;
	ev_timer_again(loop, &geoip_settle_w);
}

static void
geoip_settle_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct conf_errs	 errs = { 0 };

	(void)revents;
	ev_timer_stop(loop, w);
	if (!started || geoip_path == NULL)
		return;
	log_info("geoip database %s changed: reloading %s", geoip_path,
	    srv.conf_path);
	server_reload(&srv, &errs);	/* logs what happened */
	conf_errs_clear(&errs);
}

/* Watch the database the serving configuration names, if any. */
static void
geoip_watch(struct ev_loop *loop, const struct conf *c)
{
	const char	*db = c->geoip.database;

	if (geoip_path != NULL && db != NULL && strcmp(geoip_path, db) == 0)
		return;
	if (geoip_path != NULL) {
		ev_stat_stop(loop, &geoip_w);
		free(geoip_path);
		geoip_path = NULL;
	}
	if (db == NULL)
		return;
	geoip_path = xstrdup(db);
	ev_stat_init(&geoip_w, geoip_changed_cb, geoip_path, GEOIP_SETTLE);
	ev_stat_start(loop, &geoip_w);
}

/* Before a reload's snapshot is published: the fleet, the database. */
static void
before_publish(struct server *s)
{
	fleet_reload(s);
	geoip_watch(s->loop, s->snap->conf);
}

/* Waiting for the fleet at start: wakes the loop. */
static void
fleet_wait_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
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

/* The metrics endpoint, for its own counters in /metrics. */
static struct http	*metrics_http;

/* The endpoint's own counters, after the rest of /metrics. */
static void
http_own_metrics(struct http_reply *r)
{
	char	 buf[256];
	int	 n;

	if (r->body == NULL)
		return;
	n = snprintf(buf, sizeof(buf), "# HELP steerdns_http_accept_stalls_total"
	    " Times the HTTP endpoint's accept() ran out of descriptors and "
	    "paused.\n# TYPE steerdns_http_accept_stalls_total counter\n"
	    "steerdns_http_accept_stalls_total %lu\n",
	    http_accept_stalls(metrics_http));
	if (n <= 0 || (size_t)n >= sizeof(buf))
		return;
	r->body = xreallocarray(r->body, r->len + n + 1, 1);
	memcpy(r->body + r->len, buf, n + 1);
	r->len += n;
}

static void
http_cb(void *arg, const char *path, struct http_reply *r)
{
	struct jw	 j;
	struct view	*v;
	size_t		 n = strcspn(path, "?");

	(void)arg;
	v = view_new(&srv);
	if (n == 8 && strncmp(path, "/metrics", n) == 0) {
		r->status = 200;
		r->ctype = "text/plain; version=0.0.4; charset=utf-8";
		r->body = render_metrics(v, &r->len);
		http_own_metrics(r);
	} else if ((n == 7 && strncmp(path, "/status", n) == 0) ||
	    (n == 1 && path[0] == '/')) {
		r->status = 200;
		r->ctype = "text/html; charset=utf-8";
		r->body = render_html(v, &r->len);
	} else if (n == 12 && strncmp(path, "/status.json", n) == 0) {
		jw_init(&j);
		render_json_full(v, &j);
		r->status = 200;
		r->ctype = "application/json";
		r->len = j.len;
		r->body = jw_take(&j);
	} else {
		r->status = 404;
		r->body = xstrdup("not found: try /status, /status.json or "
		    "/metrics\n");
		r->len = strlen(r->body);
		view_free(v);
		return;
	}
	view_free(v);
	if (r->body == NULL) {
		r->status = 500;
		r->body = xstrdup("out of memory\n");
		r->len = strlen(r->body);
	}
}

/* Load the configuration; print every problem found. */
static struct conf *
load(const char *path)
{
	struct conf_errs	 errs = { 0 };
	struct conf		*c = NULL;
	size_t			 i;

	if (conf_load(path, &c, &errs) == -1) {
		for (i = 0; i < errs.n; i++)
			fprintf(stderr, "%s\n", errs.msg[i]);
		conf_errs_clear(&errs);
		return NULL;
	}
	conf_errs_clear(&errs);
	return c;
}


/* The user and group to run as; -1 when unknown (already reported). */
static int
lookup_ids(const struct conf *c, uid_t *uid, gid_t *gid)
{
	struct passwd	*pw = NULL;
	struct group	*gr;

	*uid = (uid_t)-1;
	*gid = (gid_t)-1;
	if (c->user != NULL) {
		if ((pw = getpwnam(c->user)) == NULL) {
			fprintf(stderr, "steerdns: no user \"%s\"\n", c->user);
			return -1;
		}
		*uid = pw->pw_uid;
		*gid = pw->pw_gid;
	}
	if (c->group != NULL) {
		if ((gr = getgrnam(c->group)) == NULL) {
			fprintf(stderr, "steerdns: no group \"%s\"\n",
			    c->group);
			return -1;
		}
		*gid = gr->gr_gid;
	}
	return 0;
}

static void
drop_privileges(const struct conf *c, uid_t uid, gid_t gid)
{
	if (gid != (gid_t)-1) {
		if (setgroups(1, &gid) == -1 || setresgid(gid, gid, gid) == -1)
			fatal("cannot change to group %u", (unsigned)gid);
	}
	if (uid != (uid_t)-1) {
		if (c->group == NULL && initgroups(c->user, gid) == -1)
			fatal("initgroups %s", c->user);
		if (setresuid(uid, uid, uid) == -1)
			fatal("cannot change to user %s", c->user);
	}
	if (uid != (uid_t)-1 || gid != (gid_t)-1)
		log_info("running as uid %u gid %u", (unsigned)getuid(),
		    (unsigned)getgid());
}

/*
 * Make the directory that will hold path (a socket, the pid or state
 * file) when it is missing, as /run/steerdns or /var/lib/steerdns, and
 * give it to the user we run as, who writes there later.  One level only:
 * a missing grandparent is a mistake worth an error.
 */
static void
make_parent(const char *path, uid_t uid, gid_t gid)
{
	char	*dir = xstrdup(path), *slash = strrchr(dir, '/');

	if (slash != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) == 0) {
			log_info("made directory %s", dir);
			if ((uid != (uid_t)-1 || gid != (gid_t)-1) &&
			    chown(dir, uid, gid) == -1)
				log_warn("chown %s", dir);
		} else if (errno != EEXIST)
			log_warn("mkdir %s", dir);
	}
	free(dir);
}

/*
 * Write our pid; the file is removed at exit.  The pid file's directory may
 * belong to the user we run as, who could plant a link there: a stale
 * file (regular or a link) is removed, never opened, and the new one is
 * made with O_EXCL | O_NOFOLLOW, so that root writes only a file it has
 * just created.
 */
static int
write_pid(const char *path)
{
	struct stat	 st;
	char		 buf[32];
	int		 fd, n;

	if (lstat(path, &st) == 0) {
		if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
			log_warnx("pid file %s: not a regular file; not "
			    "removing it", path);
			return -1;
		}
		if (S_ISLNK(st.st_mode))
			log_warnx("pid file %s: a symbolic link; removed, its "
			    "target left alone", path);
		if (unlink(path) == -1) {
			log_warn("pid file %s", path);
			return -1;
		}
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0644)) == -1) {
		log_warn("pid file %s", path);
		return -1;
	}
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (write(fd, buf, n) != n) {
		log_warn("pid file %s", path);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/*
 * Back the heap with transparent huge pages.  Loading 100,000 names
 * touches some 250 MB in small allocations (libconfig's tree, ldns records,
 * the database); on a virtual machine a 4 KiB page fault costs microseconds,
 * which was 0.6 s of a 1.6 s load.  glibc's heap grows by brk: ask it for
 * HEAP_RESERVE of address space at once (nothing is resident until
 * touched), advise that range MADV_HUGEPAGE, and keep it (no trimming) so
 * that reloads reuse it.  Where the heap is not glibc's brk heap
 * (sanitizers, valgrind) or THP is off, nothing changes.
 */
/*
 * Descriptors the daemon may hold at once: every worker's TCP slots and
 * sockets, the control and metrics clients, and a margin for the prober,
 * logs and libraries.  Out of descriptors, accepts pause (net_tcp.c);
 * raising the soft limit to the hard one at start means they need not.
 */
#define NOFILE_MARGIN	256

static int
raise_nofile(const struct conf *c, unsigned nworkers)
{
	struct rlimit	 rl;
	rlim_t		 need;

	need = (rlim_t)nworkers * (c->tcp_clients + 2 * c->nlisten) +
	    CTL_CLIENTS + HTTP_CLIENTS + NOFILE_MARGIN;
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1) {
		log_warn("getrlimit");
		return -1;
	}
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur >= need)
		return 0;
	if (rl.rlim_cur == RLIM_INFINITY)
		return 0;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need) {
		log_warnx("%u worker%s with tcp_clients = %u need %llu file "
		    "descriptors, more than the limit of %llu: lower workers "
		    "or tcp_clients, or raise the limit (ulimit -n, "
		    "LimitNOFILE=)", nworkers, nworkers == 1 ? "" : "s",
		    c->tcp_clients, (unsigned long long)need,
		    (unsigned long long)rl.rlim_max);
		return -1;
	}
	rl.rlim_cur = need;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1) {
		log_warn("setrlimit RLIMIT_NOFILE %llu",
		    (unsigned long long)need);
		return -1;
	}
	return 0;
}

static void
heap_hugepages(void)
{
	uintptr_t	 lo, hi, pg = 2 << 20;
	long		 pages = sysconf(_SC_PHYS_PAGES);
	size_t		 reserve = HEAP_RESERVE;
	void *volatile	 p;		/* volatile: the compiler would drop
					   a malloc() and free() unused */

	if (pages > 0 && (size_t)pages / 2 < reserve / (size_t)getpagesize())
		reserve = (size_t)pages / 2 * getpagesize();
	lo = (uintptr_t)sbrk(0);
	mallopt(M_TOP_PAD, reserve);
	mallopt(M_TRIM_THRESHOLD, INT_MAX);	/* never give it back */
	/* Large blocks from the heap as well, not from their own mmap. */
	mallopt(M_MMAP_THRESHOLD, HEAP_MMAP_MIN);
	/* More than the heap has left: it grows, by the pad. */
	p = malloc(HEAP_MMAP_MIN - 4096);
	hi = (uintptr_t)sbrk(0);
	mallopt(M_TOP_PAD, 128 << 10);
	/* Not a brk heap when it did not grow: leave it. */
	if (hi - lo >= reserve / 2) {
		lo = (lo + pg - 1) & ~(pg - 1);
		(void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
	}
	free(p);
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
	const char		*path = CONF_DEFAULT_PATH;
	bool			 foreground = false, check = false, syslog_;
	struct conf		*c;
	struct ev_loop		*loop;
	struct ctl		*ctl = NULL;
	struct http		*http = NULL;
	struct conf_listen	 ml;
	ev_signal		 sigterm_w, sigint_w, sighup_w;
	ev_timer		 tick_w, fleet_w, hist_w, clock_w;
	char			*pid_file = NULL, *abspath = NULL;
	uid_t			 uid;
	gid_t			 gid;
	unsigned		 i;
	long			 ncpu;
	double			 t_start, t_conf = 0, t_db = 0, t_probe = 0;
	double			 t_fleet;
	int			 ch;

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
	heap_hugepages();
	/*
	 * Detached, the daemon works in /: a reload, the state file and the
	 * control socket must not depend on where it was started.
	 */
	if ((abspath = realpath(path, NULL)) != NULL)
		path = abspath;
	t_start = util_mono();
	if ((c = load(path)) == NULL) {
		free(abspath);
		return 1;
	}
	if (lookup_ids(c, &uid, &gid) == -1) {
		conf_free(c);
		free(abspath);
		return 1;
	}
	if (check) {
		/* All a start does short of binding and probing. */
		struct snapshot		*s = snapshot_new(c, 1, 1);
		struct admin_entry	*ov;
		size_t			 nov, nrr = 0, nnames = 0, z;
		int			 bad;

		bad = server_admin_read(c->state_file, &ov, &nov);
		free(ov);
		for (z = 0; z < c->nzones; z++) {
			nrr += c->zones[z].nrrs;
			nnames += c->zones[z].nnames;
		}
		printf("config OK: %zu zone%s, %zu record%s, %zu managed "
		    "name%s, %zu target%s", c->nzones, c->nzones == 1 ? "" :
		    "s", nrr, nrr == 1 ? "" : "s", nnames, nnames == 1 ? "" :
		    "s", s->db->ntargets, s->db->ntargets == 1 ? "" : "s");
		if (c->state_file != NULL)
			printf(", %zu override%s in the state file%s", nov,
			    nov == 1 ? "" : "s", bad != 0 ? " (see above)" : "");
		printf("\n");
		snapshot_free(s);
		free(abspath);
		return 0;
	}
	log_set_level((enum log_level)c->log_level);
	/* From here on it is a daemon's log, not a command's errors. */
	log_timestamps(true);

	srv.conf_path = xstrdup(path);
	srv.before_publish = before_publish;
	srv.started = time(NULL);
	srv.nworkers = c->workers;
	if (srv.nworkers == 0) {
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		srv.nworkers = ncpu > 0 ? (unsigned)ncpu : 1;
	}
	if (raise_nofile(c, srv.nworkers) == -1)
		fatalx("too few file descriptors: see above");
	srv.nrows = worker_rows(srv.nworkers, c);
	t_conf = util_mono();
	srv.snap = snapshot_new(c, srv.nrows, 1);
	t_db = util_mono();
	/* The main thread publishes snapshots and retires the old ones. */
	snapshot_thread_start();
	snapshot_publish(srv.snap, NULL);

	signal(SIGPIPE, SIG_IGN);
	if (net_listen_free(c) == -1)
		fatalx("cannot listen: see above");
	srv.workers = xcalloc(srv.nworkers, sizeof(*srv.workers));
	for (i = 0; i < srv.nworkers; i++)
		if ((srv.workers[i] = worker_new(i, c)) == NULL)
			fatalx("cannot listen: see above");

	/* Every socket is made before we fork and drop privileges. */
	if (c->control != NULL && *c->control != '\0')
		make_parent(c->control, uid, gid);
	if (c->state_file != NULL)
		make_parent(c->state_file, uid, gid);
	if (c->pid_file != NULL)
		make_parent(c->pid_file, uid, gid);
	loop = ev_default_loop(EVFLAG_AUTO);
	srv.loop = loop;
	if (c->control != NULL && *c->control != '\0' &&
	    (ctl = ctl_new(loop, &srv, c->control, c->control_mode, uid,
	    gid)) == NULL)
		fatalx("cannot make the control socket: see above");
	if (c->has_metrics) {
		if (c->metrics.sslen > 0 && (http = http_new(loop,
		    (struct sockaddr *)&c->metrics.ss, c->metrics.sslen,
		    c->metrics.text, c->metrics_hosts, c->nmetrics_hosts,
		    http_cb, NULL)) == NULL)
			fatalx("cannot listen for metrics on %s: see above",
			    c->metrics.text);
	} else {
		memset(&ml, 0, sizeof(ml));
		if (conf_parse_listen(METRICS_DEFAULT, &ml.ss, &ml.sslen) ==
		    0 && (http = http_new(loop, (struct sockaddr *)&ml.ss,
		    ml.sslen, METRICS_DEFAULT, c->metrics_hosts,
		    c->nmetrics_hosts, http_cb, NULL)) == NULL)
			log_warnx("no metrics on %s (the default); set "
			    "server.metrics to choose another address or \"\" "
			    "for none", METRICS_DEFAULT);
	}
	metrics_http = http;

	syslog_ = c->log >= 0 ? c->log == CONF_LOG_SYSLOG : !foreground;
	if (!foreground) {
		if (daemon(0, 0) == -1)
			fatal("daemon");
		ev_loop_fork(loop);
	}
	if (syslog_)
		log_init("steerdns", false, (enum log_level)c->log_level);
	srv.pid = getpid();
	if (c->pid_file != NULL) {
		if (write_pid(c->pid_file) == -1)
			fatalx("cannot write the pid file");
		pid_file = xstrdup(c->pid_file);
	}
	drop_privileges(c, uid, gid);
	/* Overrides an operator set survive restarts. */
	server_admin_load(&srv);

	ev_signal_init(&sigterm_w, stop_cb, SIGTERM);
	ev_signal_start(loop, &sigterm_w);
	ev_signal_init(&sigint_w, stop_cb, SIGINT);
	ev_signal_start(loop, &sigint_w);
	ev_signal_init(&sighup_w, hup_cb, SIGHUP);
	ev_signal_start(loop, &sighup_w);
	ev_init(&geoip_settle_w, geoip_settle_cb);
	geoip_settle_w.repeat = GEOIP_SETTLE;
	geoip_watch(loop, c);
	ev_timer_init(&tick_w, tick_cb, 1.0, 1.0);
	ev_timer_start(loop, &tick_w);
	ev_timer_init(&clock_w, clock_cb, HEALTH_CLOCK_STEP, HEALTH_CLOCK_STEP);
	ev_timer_start(loop, &clock_w);
	srv.history = history_new(c->status_step);
	ev_timer_init(&hist_w, hist_cb, c->status_step, c->status_step);
	ev_timer_start(loop, &hist_w);
	ev_timer_init(&fleet_w, fleet_wait_cb, 1.0, 0);
	/*
	 * Run every check once before answering, so that the first answers
	 * already leave out what is down; probe_start() bounds the wait by
	 * the first round's spread + the largest check timeout + 1 s.
	 */
	t_probe = util_mono();
	if ((srv.probe = probe_new(loop, srv.snap->db, srv.snap->health,
	    &srv.snap->conf->probe_source)) == NULL)
		fatalx("cannot start the prober: see above");
	probe_set_concurrency(srv.probe, srv.snap->conf->probe_concurrency);
	/*
	 * Join the fleet while the first checks run: the first answers
	 * should already be the fleet's, if the store answers in time.
	 * Our own verdicts go out once, when the first round is done.
	 */
	if (c->fleet.node != NULL && (srv.fleet = fleet_new(loop, &srv)) ==
	    NULL)
		fatalx("cannot join the fleet: see above");
	if (srv.fleet != NULL)
		fleet_hold(srv.fleet, true);
	probe_start(srv.probe, probes_ready_cb, loop);
	/* ev_run() forgets a break that came before it. */
	while (!probed && !stopping)
		ev_run(loop, EVRUN_ONCE);
	if (srv.fleet != NULL)
		fleet_hold(srv.fleet, false);
	t_fleet = util_mono() + FLEET_START_WAIT;
	while (srv.fleet != NULL && !fleet_synced(srv.fleet) && !stopping &&
	    util_mono() < t_fleet) {
		ev_timer_set(&fleet_w, t_fleet - util_mono(), 0);
		ev_timer_start(loop, &fleet_w);
		ev_run(loop, EVRUN_ONCE);
		ev_timer_stop(loop, &fleet_w);
	}
	if (srv.fleet != NULL && !fleet_synced(srv.fleet) && !stopping)
		log_warnx("fleet: not in step with the store after %.0f s; "
		    "answering from this node's checks until it is",
		    FLEET_START_WAIT);
	if (!stopping) {
		for (i = 0; i < srv.nworkers; i++)
			if (worker_start(srv.workers[i]) == -1)
				fatalx("cannot start worker %u", i);
		started = true;
		log_info("ready: %zu zone%s, %zu listen address%s, %u "
		    "worker%s, version %s; %.2f s (config %.2f s, database "
		    "%.2f s, first checks %.2f s)", c->nzones, c->nzones == 1 ?
		    "" : "s", c->nlisten, c->nlisten == 1 ? "" : "es",
		    srv.nworkers, srv.nworkers == 1 ? "" : "s", PACKAGE_VERSION,
		    util_mono() - t_start, t_conf - t_start, t_db - t_conf,
		    util_mono() - t_probe);
		notify("READY=1");
		ev_run(loop, 0);
	}

	ctl_free(ctl);
	if (geoip_path != NULL)
		ev_stat_stop(loop, &geoip_w);
	ev_timer_stop(loop, &geoip_settle_w);
	free(geoip_path);
	metrics_http = NULL;
	http_free(http);
	fleet_free(srv.fleet);
	probe_free(srv.probe);
	for (i = 0; i < srv.nworkers; i++)
		worker_free(srv.workers[i]);
	free(srv.workers);
	snapshot_drain();	/* the ones reloads retired */
	snapshot_free(srv.snap);
	snapshot_thread_end();
	history_free(srv.history);
	free(srv.admin);
	free(srv.conf_path);
	free(abspath);
	if (pid_file != NULL) {
		if (unlink(pid_file) == -1 && errno != ENOENT)
			log_warn("pid file %s", pid_file);
		free(pid_file);
	}
	log_info("stopped");
	return 0;
}
