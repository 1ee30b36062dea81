/* probe_exec.c -- exec check: a command's exit status, with a time limit */
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

#include "conf.h"
#include "log.h"
#include "probe.h"
#include "probe_int.h"
#include "util.h"

extern char	**environ;

static void	 spawn(struct probe_target *);

/* Our environment plus STEERDNS_ADDRESS and STEERDNS_PORT; free() it. */
static char **
make_env(const struct probe_target *t, char *addr, size_t alen, char *port,
    size_t plen)
{
	char	**env;
	size_t	  n, i, j = 0;

	for (n = 0; environ[n] != NULL; n++)
		;
	env = xcalloc(n + 3, sizeof(*env));
	for (i = 0; i < n; i++)
		if (strncmp(environ[i], "STEERDNS_ADDRESS=", 17) != 0 &&
		    strncmp(environ[i], "STEERDNS_PORT=", 14) != 0)
			env[j++] = environ[i];
	snprintf(addr, alen, "STEERDNS_ADDRESS=%s", t->addr);
	snprintf(port, plen, "STEERDNS_PORT=%u", t->port);
	env[j++] = addr;
	env[j++] = port;
	env[j] = NULL;
	return env;
}

/* Give the next waiting target its turn. */
static void
next_in_line(struct probe *p)
{
	struct probe_target	*t;

	while (p->nexec < PROBE_EXEC_MAX && (t = p->qhead) != NULL) {
		p->qhead = t->next;
		if (p->qhead == NULL)
			p->qtail = &p->qhead;
		t->next = NULL;
		t->queued = false;
		spawn(t);
	}
}

static void
child_cb(struct ev_loop *loop, ev_child *w, int revents)
{
	struct probe_target	*t = w->data;
	struct probe		*p = t->p;
	int			 st = w->rstatus;

	(void)revents;
	ev_child_stop(loop, w);
	ev_timer_stop(loop, &t->tmo);
	t->pid = 0;
	p->nexec--;
	if (t->running) {
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
			probe_done(t, PROBE_OK, NULL, 0, 0);
		else
			probe_done(t, PROBE_EXIT_NONZERO, NULL, st, 0);
	}
	next_in_line(p);
}

static void
spawn(struct probe_target *t)
{
	struct probe			*p = t->p;
	posix_spawn_file_actions_t	 fa;
	posix_spawnattr_t		 attr;
	sigset_t			 none, def;
	char				 ea[96], ep[32], port[8];
	char				*argv[7], **env;
	pid_t				 pid;
	int				 rv;

	snprintf(port, sizeof(port), "%u", t->port);
	/* sh -c COMMAND steerdns-check ADDRESS PORT: $1 and $2 too. */
	argv[0] = (char *)"sh";
	argv[1] = (char *)"-c";
	argv[2] = t->ck->command;
	argv[3] = (char *)"steerdns-check";
	argv[4] = t->addr;
	argv[5] = port;
	argv[6] = NULL;
	env = make_env(t, ea, sizeof(ea), ep, sizeof(ep));
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
		probe_done(t, PROBE_LOCAL_ERROR, NULL, rv, 0);
		next_in_line(p);
		return;
	}
	p->nexec++;
	t->pid = pid;
	t->t0 = probe_clock_us();
	ev_child_set(&t->child, pid, 0);
	ev_set_cb(&t->child, child_cb);
	ev_child_start(p->loop, &t->child);
	ev_timer_set(&t->tmo, t->ck->timeout, 0);
	ev_timer_start(p->loop, &t->tmo);
}

void
probe_exec_run(struct probe_target *t)
{
	struct probe	*p = t->p;

	if (!ev_is_default_loop(p->loop)) {
		probe_done(t, PROBE_LOCAL_ERROR, "exec needs the default loop",
		    0, 0);
		return;
	}
	if (p->nexec >= PROBE_EXEC_MAX) {
		t->queued = true;
		t->next = NULL;
		*p->qtail = t;
		p->qtail = &t->next;
		return;
	}
	spawn(t);
}

/* Time is up: kill the whole group; child_cb still reaps it. */
void
probe_exec_timeout(struct probe_target *t)
{
	if (t->pid > 0) {
		kill(-t->pid, SIGKILL);
		kill(t->pid, SIGKILL);
	}
}

void
probe_exec_fini(struct probe *p)
{
	struct probe_target	*t;
	size_t			 i;

	for (i = 0; i < p->n; i++) {
		t = &p->t[i];
		t->queued = false;
		t->next = NULL;
		if (t->pid <= 0)
			continue;
		ev_child_stop(p->loop, &t->child);
		kill(-t->pid, SIGKILL);
		kill(t->pid, SIGKILL);
		while (waitpid(t->pid, NULL, 0) == -1 && errno == EINTR)
			;
		t->pid = 0;
		p->nexec--;
	}
	p->qhead = NULL;
	p->qtail = &p->qhead;
}
