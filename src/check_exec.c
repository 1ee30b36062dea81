/* check_exec.c -- "exec": a command's exit status, with a time limit */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
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
#include "util.h"

extern char	**environ;

struct exec_opts {
	char		*command;
};

/* The commands running, and the targets waiting for a turn. */
struct exec_state {
	struct ev_loop		*loop;
	unsigned		 running;
	struct exec_target	*head, **tail;
};

struct exec_target {
	struct check_target	*t;		/* borrowed: its target */
	ev_child		 child;
	pid_t			 pid;		/* until reaped; 0: none */
	bool			 queued;
	struct exec_target	*next;		/* the wait queue */
};

static void	 spawn(struct exec_target *);

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
 * Our environment with STEERDNS_ADDRESS and STEERDNS_PORT, and
 * STEERDNS_PROBE_SOURCE when probes of the address's family have a source
 * (else none, even if we were given one); free() it.
 */
static char **
make_env(const struct check_target *t, char *addr, size_t alen, char *port,
    size_t plen, char *src, size_t slen)
{
	char	**env;
	size_t	  n, i, j = 0;

	for (n = 0; environ[n] != NULL; n++)
		;
	env = xcalloc(n + 4, sizeof(*env));
	for (i = 0; i < n; i++)
		if (strncmp(environ[i], "STEERDNS_ADDRESS=", 17) != 0 &&
		    strncmp(environ[i], "STEERDNS_PORT=", 14) != 0 &&
		    strncmp(environ[i], "STEERDNS_PROBE_SOURCE=", 22) != 0)
			env[j++] = environ[i];
	snprintf(addr, alen, "STEERDNS_ADDRESS=%s", t->addr);
	snprintf(port, plen, "STEERDNS_PORT=%u", t->port);
	env[j++] = addr;
	env[j++] = port;
	if (t->src != NULL) {
		snprintf(src, slen, "STEERDNS_PROBE_SOURCE=%s", t->src->text);
		env[j++] = src;
	}
	env[j] = NULL;
	return env;
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
	x->pid = 0;
	t->busy = false;
	st->running--;
	if (t->running) {
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			check_done(t, PROBE_OK, NULL, 0, 0);
		else
			check_done(t, PROBE_EXIT_NONZERO, NULL, status, 0);
	}
	next_in_line(st);
}

static void
spawn(struct exec_target *x)
{
	struct check_target		*t = x->t;
	struct exec_state		*st = t->kstate;
	const struct exec_opts		*o = t->ck->opts;
	posix_spawn_file_actions_t	 fa;
	posix_spawnattr_t		 attr;
	sigset_t			 none, def;
	char				 ea[96], ep[32], es[80], port[8];
	char				*argv[7], **env;
	pid_t				 pid;
	int				 rv;

	snprintf(port, sizeof(port), "%u", t->port);
	/* sh -c COMMAND steerdns-check ADDRESS PORT: $1 and $2 too. */
	argv[0] = (char *)"sh";
	argv[1] = (char *)"-c";
	argv[2] = o->command;
	argv[3] = (char *)"steerdns-check";
	argv[4] = t->addr;
	argv[5] = port;
	argv[6] = NULL;
	env = make_env(t, ea, sizeof(ea), ep, sizeof(ep), es, sizeof(es));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	posix_spawnattr_init(&attr);
	/* Its own process group, so that a timeout kills its children. */
	posix_spawnattr_setpgroup(&attr, 0);
	sigemptyset(&none);
	posix_spawnattr_setsigmask(&attr, &none);
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);	/* we ignore it; exec would keep that */
	posix_spawnattr_setsigdefault(&attr, &def);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
	    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	rv = posix_spawn(&pid, "/bin/sh", &fa, &attr, argv, env);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	free(env);
	if (rv != 0) {
		t->busy = false;
		check_done(t, PROBE_LOCAL_ERROR, NULL, rv, 0);
		return;
	}
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
	return st;
}

static void
exec_stop(void *arg)
{
	free(arg);
}

static int
exec_target_init(struct check_target *t)
{
	struct exec_target	*x;

	x = xcalloc(1, sizeof(*x));
	x->t = t;
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
