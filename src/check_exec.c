/* check_exec.c -- "exec": a command's exit status, with a time limit */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ev.h>

#include "check.h"
#include "check_target.h"
#include "conf.h"
#include "conf_load.h"
#include "conf_schema.h"
#include "log.h"
#include "util.h"

/* The PATH a command gets; nothing else of ours is passed on. */
#define EXEC_PATH	"PATH=/usr/sbin:/usr/bin:/sbin:/bin"

struct exec_opts {
	char		*command;
};

/* The commands running, and the targets waiting for a turn. */
struct exec_state {
	struct ev_loop		*loop;
	unsigned		 running;
	struct exec_target	*head, **tail;
	ev_timer		 sweep;		/* once more after an exit */
	bool			 subreaper;
};

struct exec_target {
	struct check_target	*t;		/* borrowed: its target */
	ev_child		 child;
	pid_t			 pid;		/* until reaped; 0: none */
	bool			 queued;
	struct exec_target	*next;		/* the wait queue */
	struct exec_target	*anext;		/* all_targets */
};

static void	 spawn(struct exec_target *);

/*
 * Every exec target of every prober (a reload runs two for a while), so
 * that sweep() never takes another prober's command for a leftover.
 * Main thread only.
 */
static struct exec_target	*all_targets;

static const struct conf_key exec_keys[] = {
	{ "command", CONF_STR, CONF_FIELD(struct exec_opts, command),
	    .doc = "run with sh -c; exit 0 is healthy" },
	{ NULL }
};

static void
exec_prepare(struct loader *ld, const config_setting_t *g,
    struct conf_check *ck)
{
	const struct exec_opts	*o = ck->opts;

	/* Only when absent: one of the wrong type was reported. */
	if (o->command == NULL && conf_member(g, "command") ==
	    NULL)
		conf_errf(ld, ck->line, "check \"%s\": exec needs \"command\"",
		    ck->name);
}

static bool
exec_describe(const struct conf_check *ck, enum probe_result r, int detail,
    char *buf, size_t len)
{
	(void)ck;
	if (r != PROBE_EXIT_NONZERO)
		return false;
	if (WIFSIGNALED(detail))
		snprintf(buf, len, "killed by signal %d", WTERMSIG(detail));
	else
		snprintf(buf, len, "exit %d", WEXITSTATUS(detail));
	return true;
}

/*
 * The command's whole environment: PATH, STEERDNS_ADDRESS, STEERDNS_PORT,
 * and STEERDNS_PROBE_SOURCE when probes of the address's family have a
 * source.  Nothing of ours: it may hold secrets, and a check should not
 * depend on how the daemon was started.
 */
static void
make_env(const struct check_target *t, char **env, char *addr, size_t alen,
    char *port, size_t plen, char *src, size_t slen)
{
	size_t	 j = 0;

	env[j++] = (char *)EXEC_PATH;
	snprintf(addr, alen, "STEERDNS_ADDRESS=%s", t->addr);
	snprintf(port, plen, "STEERDNS_PORT=%u", t->port);
	env[j++] = addr;
	env[j++] = port;
	if (t->src != NULL) {
		snprintf(src, slen, "STEERDNS_PROBE_SOURCE=%s", t->src->text);
		env[j++] = src;
	}
	env[j] = NULL;
}

/*
 * Kill what the checks left behind.  A command's process group is killed
 * when its leader exits or times out; a process that left the group with
 * setsid() (or setpgid()) is not in it.  As a child subreaper we inherit
 * such orphans once their parent is gone: every child of ours that is not
 * a command we are waiting for is one, and is killed with its group.
 * libev's SIGCHLD handler reaps them.
 */
static void
sweep(struct exec_state *st)
{
	struct exec_target	*x;
	DIR			*d;
	struct dirent		*de;
	char			 path[64], buf[512], *p;
	pid_t			 me = getpid(), pid, ppid;
	long			 v;
	FILE			*f;
	int			 n;

	if (!st->subreaper || (d = opendir("/proc")) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if ((v = strtol(de->d_name, &p, 10)) <= 0 || *p != '\0')
			continue;
		pid = (pid_t)v;
		snprintf(path, sizeof(path), "/proc/%ld/stat", v);
		if ((f = fopen(path, "re")) == NULL)
			continue;
		n = fgets(buf, sizeof(buf), f) != NULL;
		fclose(f);
		/* "pid (comm) state ppid ...": comm may hold anything. */
		if (!n || (p = strrchr(buf, ')')) == NULL ||
		    sscanf(p + 1, " %*c %d", &ppid) != 1 || ppid != me)
			continue;
		for (x = all_targets; x != NULL; x = x->anext)
			if (x->pid == pid)
				break;
		if (x != NULL)
			continue;
		/* (Our threads are under /proc/self/task, not listed.) */
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
	}
	closedir(d);
}

static void
sweep_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	sweep(w->data);
}

/* Give the next waiting targets their turn. */
static void
next_in_line(struct exec_state *st)
{
	struct exec_target	*x;

	while (st->running < CHECK_EXEC_MAX && (x = st->head) != NULL) {
		st->head = x->next;
		if (st->head == NULL)
			st->tail = &st->head;
		x->next = NULL;
		x->queued = false;
		spawn(x);
	}
}

static void
child_cb(struct ev_loop *loop, ev_child *w, int revents)
{
	struct exec_target	*x = w->data;
	struct check_target	*t = x->t;
	struct exec_state	*st = t->kstate;
	int			 status = w->rstatus;

	(void)revents;
	ev_child_stop(loop, w);
	/*
	 * What the command left in its group dies with it.  The group's ID
	 * is not reused while a member lives, so this reaches only ours.
	 */
	kill(-x->pid, SIGKILL);
	x->pid = 0;
	t->busy = false;
	st->running--;
	/* Orphans of its members that die just now come to us a bit later. */
	sweep(st);
	ev_timer_stop(loop, &st->sweep);
	ev_timer_set(&st->sweep, 0.2, 0);
	ev_timer_start(loop, &st->sweep);
	if (t->running) {
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			check_done(t, PROBE_OK, NULL, 0, 0);
		else
			check_done(t, PROBE_EXIT_NONZERO, NULL, status, 0);
	}
	next_in_line(st);
}

/*
 * In the child, before exec: only async-signal-safe calls.  Its own
 * process group; stdin and stdout on /dev/null, stderr too; every other
 * descriptor closed (libcurl's sockets, the listeners, the control
 * socket); no ambient capabilities (under the systemd unit the daemon
 * holds CAP_NET_BIND_SERVICE as one, and a command would keep it); the
 * signal mask and dispositions as a fresh process has them.
 */
static void
child(char **argv, char **env)
{
	struct sigaction	 sa;
	sigset_t		 none;
	int			 fd, sig;

	setpgid(0, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if ((fd = open("/dev/null", O_RDWR)) == -1)
		_exit(127);
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3U, ~0U, 0U) == -1)
#endif
		for (fd = 3; fd < 65536; fd++)
			close(fd);
#ifdef PR_CAP_AMBIENT
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
#endif
	execve("/bin/sh", argv, env);
	_exit(127);
}

static void
spawn(struct exec_target *x)
{
	struct check_target		*t = x->t;
	struct exec_state		*st = t->kstate;
	const struct exec_opts		*o = t->ck->opts;
	char				 ea[96], ep[32], es[80], port[8];
	char				*argv[7], *env[5];
	pid_t				 pid;

	snprintf(port, sizeof(port), "%u", t->port);
	/* sh -c COMMAND steerdns-check ADDRESS PORT: $1 and $2 too. */
	argv[0] = (char *)"sh";
	argv[1] = (char *)"-c";
	argv[2] = o->command;
	argv[3] = (char *)"steerdns-check";
	argv[4] = t->addr;
	argv[5] = port;
	argv[6] = NULL;
	make_env(t, env, ea, sizeof(ea), ep, sizeof(ep), es, sizeof(es));
	/* Clear leftovers of earlier runs before a new one starts. */
	sweep(st);
	if ((pid = fork()) == -1) {
		t->busy = false;
		check_done(t, PROBE_LOCAL_ERROR, NULL, errno, 0);
		return;
	}
	if (pid == 0)
		child(argv, env);
	/* Both sides set the group, so that kill(-pid) works at once. */
	setpgid(pid, pid);
	st->running++;
	x->pid = pid;
	t->t0 = check_clock_us();
	ev_child_set(&x->child, pid, 0);
	ev_child_start(st->loop, &x->child);
	/* The wait in the queue does not count against the command. */
	check_timer_start(t);
}

static void *
exec_start(struct ev_loop *loop)
{
	struct exec_state	*st;

	st = xcalloc(1, sizeof(*st));
	st->loop = loop;
	st->tail = &st->head;
	ev_timer_init(&st->sweep, sweep_cb, 0.2, 0);
	st->sweep.data = st;
	/*
	 * Orphans of the commands come to us rather than to init, so that
	 * sweep() finds the ones that left their group.  libev reaps every
	 * child on SIGCHLD, so none stays a zombie.
	 */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)
		st->subreaper = true;
	else
		log_warn("exec checks: PR_SET_CHILD_SUBREAPER (commands that "
		    "call setsid() may outlive their check)");
	return st;
}

static void
exec_stop(void *arg)
{
	struct exec_state	*st = arg;

	ev_timer_stop(st->loop, &st->sweep);
	sweep(st);
	free(st);
}

static int
exec_target_init(struct check_target *t)
{
	struct exec_target	*x;

	x = xcalloc(1, sizeof(*x));
	x->t = t;
	x->anext = all_targets;
	all_targets = x;
	ev_init(&x->child, child_cb);
	x->child.data = x;
	t->kt = x;
	return 0;
}

static void
exec_run(struct check_target *t)
{
	struct exec_state	*st = t->kstate;
	struct exec_target	*x = t->kt;

	/* ev_child works on the default loop only. */
	if (!ev_is_default_loop(t->loop)) {
		check_done(t, PROBE_LOCAL_ERROR, "exec needs the default loop",
		    0, 0);
		return;
	}
	t->busy = true;
	if (st->running >= CHECK_EXEC_MAX) {
		x->queued = true;
		x->next = NULL;
		*st->tail = x;
		st->tail = &x->next;
		return;
	}
	spawn(x);
}

/* Time is up: kill the whole group; child_cb still reaps it. */
static void
exec_cancel(struct check_target *t)
{
	struct exec_target	*x = t->kt;

	if (x->pid > 0) {
		kill(-x->pid, SIGKILL);
		kill(x->pid, SIGKILL);
	}
}

/* The prober stops: kill and reap at once; leave the queue. */
static void
exec_target_fini(struct check_target *t)
{
	struct exec_target	*x = t->kt, **pp;
	struct exec_state	*st = t->kstate;

	if (x == NULL)
		return;
	if (x->queued) {
		for (pp = &st->head; *pp != NULL; pp = &(*pp)->next)
			if (*pp == x) {
				*pp = x->next;
				break;
			}
		st->tail = &st->head;
		while (*st->tail != NULL)
			st->tail = &(*st->tail)->next;
	}
	if (x->pid > 0) {
		ev_child_stop(st->loop, &x->child);
		kill(-x->pid, SIGKILL);
		kill(x->pid, SIGKILL);
		while (waitpid(x->pid, NULL, 0) == -1 && errno == EINTR)
			;
		st->running--;
	}
	for (pp = &all_targets; *pp != NULL; pp = &(*pp)->anext)
		if (*pp == x) {
			*pp = x->anext;
			break;
		}
	free(x);
	t->kt = NULL;
	t->busy = false;
}

const struct check_kind check_kind_exec = {
	.name = "exec",
	.doc = "a command; exit status 0 is healthy",
	.keys = exec_keys,
	.opts_size = sizeof(struct exec_opts),
	.prepare = exec_prepare,
	.describe = exec_describe,
	.start = exec_start,
	.stop = exec_stop,
	.target_init = exec_target_init,
	.target_fini = exec_target_fini,
	.run = exec_run,
	.cancel = exec_cancel,
};
