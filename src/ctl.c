/* ctl.c -- the control socket: steerdnsctl's requests, on the main loop */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "conf.h"
#include "ctl.h"
#include "fleet.h"
#include "health.h"
#include "jw.h"
#include "log.h"
#include "reqsock.h"
#include "explain.h"
#include "render.h"
#include "server.h"
#include "util.h"
#include "view.h"

struct ctl {
	struct server		*srv;
	char			*path;
	struct reqsock		*rs;
};

static char *
error_reply(const char *msg, const struct conf_errs *errs)
{
	struct jw	 j;
	size_t		 i;

	jw_init(&j);
	jw_obj_begin(&j);
	jw_key(&j, "ok");
	jw_bool(&j, false);
	jw_key(&j, "error");
	jw_str(&j, msg);
	if (errs != NULL) {
		jw_key(&j, "errors");
		jw_arr_begin(&j);
		for (i = 0; i < errs->n; i++)
			jw_str(&j, errs->msg[i]);
		jw_arr_end(&j);
	}
	jw_obj_end(&j);
	return jw_take(&j);
}

/* {"ok":true,"<key>": ...}: the caller writes the value. */
static void
ok_begin(struct jw *j, const char *key)
{
	jw_init(j);
	jw_obj_begin(j);
	jw_kv_bool(j, "ok", true);
	if (key != NULL)
		jw_key(j, key);
}

static char *
ok_end(struct jw *j)
{
	jw_obj_end(j);
	return jw_take(j);
}

/* The string at key in the request, or fallback (missing, not a string). */
static const char *
req_str(const json_t *req, const char *key, const char *fallback)
{
	const char	*s = json_string_value(json_object_get(req, key));

	return s != NULL ? s : fallback;
}

static char *
do_admin(struct server *srv, const json_t *req, enum health_admin state)
{
	struct jw	 j;
	const char	*member = req_str(req, "member", NULL);
	const char	*reason = req_str(req, "reason", "");
	const json_t	*e = json_object_get(req, "expires");
	const json_t	*local = json_object_get(req, "local");
	const char	*scope = "local";
	struct admin_entry chk;
	double		 expires = json_number_value(e);
	char		 err[256];
	int		 n;
	bool		 had;

	if (member == NULL)
		return error_reply("which member? (\"member\" missing)", NULL);
	/* Missing or null: no end.  "600" is not taken for "never". */
	/* Bounded: a larger double has no time_t, and no operator means it. */
	if ((e != NULL && !json_is_null(e) && !json_is_number(e)) ||
	    !(expires >= 0 && expires <= CTL_EXPIRES_MAX))
		return error_reply("expires must be a number of seconds from 0 "
		    "to 315360000 (10 years)", NULL);
	if (expires > 0)
		expires += time(NULL);
	if (local != NULL && !json_is_boolean(local))
		return error_reply("local must be true or false", NULL);
	/*
	 * Whether there was an override to remove, for an undrain: a typo'd
	 * address of a real member, or a second undrain, must not read as
	 * done.  The config's own overrides are not ours to remove.
	 */
	memset(&chk, 0, sizeof(chk));
	had = server_admin_check(srv, member, NULL, &chk, err, sizeof(err)) >
	    0 && (server_admin_find(srv, chk.family, chk.addr) != NULL ||
	    (srv->fleet != NULL && !json_is_true(local) &&
	    server_fleet_admin_find(srv, chk.family, chk.addr) != NULL));
	if (srv->fleet != NULL && !json_is_true(local)) {
		/* The fleet's; this node's own goes with an undrain too. */
		if ((n = fleet_admin_set(srv->fleet, member, state, expires,
		    reason, err, sizeof(err))) == -1)
			return error_reply(err, NULL);
		memset(&chk, 0, sizeof(chk));
		if (state == HEALTH_ADMIN_NONE && server_admin_check(srv, member,
		    NULL, &chk, err, sizeof(err)) > 0 && server_admin_find(srv,
		    chk.family, chk.addr) != NULL && server_admin_set(srv,
		    member, state, 0, NULL, err, sizeof(err)) == -1)
			return error_reply(err, NULL);
		scope = "fleet";
	} else if ((n = server_admin_set(srv, member, state, expires, reason,
	    err, sizeof(err))) == -1)
		return error_reply(err, NULL);
	ok_begin(&j, "member");
	jw_str(&j, member);
	jw_key(&j, "state");
	jw_str(&j, health_admin_str(state));
	jw_key(&j, "members");
	jw_int(&j, n);
	jw_kv_str(&j, "scope", scope);
	jw_key(&j, "had_override");
	jw_bool(&j, had);
	jw_key(&j, "expires");
	if (expires > 0)
		jw_double(&j, expires);
	else
		jw_null(&j);
	return ok_end(&j);
}

/*
 * jansson reads a request into a tree in memory proportional to its
 * length, which reqsock bounds (CTL_REQ_MAX).  A key given twice is
 * refused rather than guessed at; numbers are all seconds, read as
 * doubles; \u0000 is refused (strings are C strings here).
 */
#define CTL_JSON_FLAGS	(JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL)

char *
ctl_handle(struct server *srv, const char *text, size_t len)
{
	json_t			*req;
	json_error_t		 jerr;
	struct view		*v;
	struct conf_errs	 errs = { 0 };
	struct jw		 j;
	const char		*cmd;
	char			*reply, err[256];

	if ((req = json_loadb(text, len, CTL_JSON_FLAGS, &jerr)) == NULL) {
		/* position: bytes read when the error was found. */
		snprintf(err, sizeof(err), "request is not JSON (at byte %d: "
		    "%s)", jerr.position, jerr.text);
		return error_reply(err, NULL);
	}
	cmd = req_str(req, "cmd", NULL);
	if (cmd == NULL) {
		reply = error_reply("request without \"cmd\"", NULL);
	} else if (strcmp(cmd, "status") == 0) {
		v = view_new(srv);
		ok_begin(&j, "status");
		render_json_status(v, &j);
		view_free(v);
		reply = ok_end(&j);
	} else if (strcmp(cmd, "members") == 0) {
		v = view_new(srv);
		ok_begin(&j, "members");
		render_json_members(v, &j);
		view_free(v);
		reply = ok_end(&j);
	} else if (strcmp(cmd, "stats") == 0) {
		v = view_new(srv);
		ok_begin(&j, "stats");
		render_json_stats(v, &j);
		view_free(v);
		reply = ok_end(&j);
	} else if (strcmp(cmd, "fleet") == 0) {
		v = view_new(srv);
		ok_begin(&j, "fleet");
		render_json_fleet(v, &j);
		view_free(v);
		reply = ok_end(&j);
	} else if (strcmp(cmd, "drain") == 0) {
		reply = do_admin(srv, req, HEALTH_ADMIN_DRAIN);
	} else if (strcmp(cmd, "force-up") == 0) {
		reply = do_admin(srv, req, HEALTH_ADMIN_UP);
	} else if (strcmp(cmd, "force-down") == 0) {
		reply = do_admin(srv, req, HEALTH_ADMIN_DOWN);
	} else if (strcmp(cmd, "undrain") == 0 || strcmp(cmd, "clear") == 0) {
		reply = do_admin(srv, req, HEALTH_ADMIN_NONE);
	} else if (strcmp(cmd, "reload") == 0) {
		if (server_reload(srv, &errs) == -1)
			reply = error_reply("reload refused: the old "
			    "configuration keeps serving", &errs);
		else {
			ok_begin(&j, "generation");
			jw_uint(&j, server_generation(srv));
			reply = ok_end(&j);
		}
		conf_errs_clear(&errs);
	} else if (strcmp(cmd, "explain") == 0) {
		const char	*name = req_str(req, "name", NULL);
		const char	*type = req_str(req, "type", "A");
		const char	*client = req_str(req, "client", NULL);
		const char	*ecs = req_str(req, "ecs", NULL);

		if (name == NULL || client == NULL)
			reply = error_reply("explain needs \"name\" and "
			    "\"client\"", NULL);
		else {
			ok_begin(&j, "explain");
			if (explain(srv, name, type, client, ecs, &j,
			    err, sizeof(err)) == -1) {
				jw_free(&j);
				reply = error_reply(err, NULL);
			} else
				reply = ok_end(&j);
		}
	} else {
		snprintf(err, sizeof(err), "unknown command \"%s\"", cmd);
		reply = error_reply(err, NULL);
	}
	json_decref(req);
	return reply;
}

/* A request is one line; at end of input, what came. */
static size_t
complete(const char *buf, size_t len, int eof)
{
	const char	*nl = memchr(buf, '\n', len);

	if (nl != NULL)
		return nl - buf;
	return eof ? len : 0;
}

static void
handle(void *arg, const char *req, size_t len, char **out, size_t *olen)
{
	struct ctl	*ctl = arg;
	char		*r = ctl_handle(ctl->srv, req, len);

	*olen = strlen(r) + 1;
	*out = xreallocarray(r, *olen + 1, 1);
	(*out)[*olen - 1] = '\n';
}

/* Remove the socket at path, and nothing else that may be there now. */
static void
remove_socket(const char *path)
{
	struct stat	 st;

	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
}

/* Is a daemon answering on the socket at path? */
static bool
live(const struct sockaddr_un *sun)
{
	int	 fd, rv;

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return false;
	rv = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	close(fd);
	return rv == 0;
}

/*
 * Is there something at path that is not a socket?  Such a file is never
 * ours to remove: the control path may sit in a directory that the daemon
 * user owns, and root must not delete, or replace, what was planted there.
 */
static int
refuse_non_socket(const char *path)
{
	struct stat	 st;

	if (lstat(path, &st) == -1) {
		if (errno == ENOENT)
			return 0;
		log_warn("control socket %s", path);
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		log_warnx("control socket %s: a file that is not a socket is "
		    "there; not removing it", path);
		return -1;
	}
	return 0;
}

/*
 * Bind fd to path with the given mode and owner, no path lookup ever
 * following a link another user planted: the socket is made in a
 * directory of our own beside path (mode 0700, so no one else can enter
 * or change it), its mode set by the umask, its owner by fchownat()
 * without following links, and then renamed into place (rename(2) never
 * follows a link at the target).  Neither fchmod() nor fchown() on the
 * socket descriptor reaches the file bind() makes on Linux.
 */
static int
bind_private(int fd, const char *path, unsigned mode, uid_t uid, gid_t gid)
{
	struct sockaddr_un	 sun;
	struct stat		 st;
	char			 dir[sizeof(sun.sun_path)];
	mode_t			 old;
	int			 dfd = -1, rv = -1, made = 0;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if ((size_t)snprintf(dir, sizeof(dir), "%s.XXXXXX", path) >=
	    sizeof(dir) - 2 || mkdtemp(dir) == NULL) {
		log_warn("control socket %s: private directory", path);
		return -1;
	}
	made = 1;
	if ((size_t)snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/s", dir)
	    >= sizeof(sun.sun_path)) {
		log_warnx("control socket %s: path too long", path);
		goto out;
	}
	/*
	 * Ours, still: only we can make a directory owned by us, and no one
	 * else can write in one of mode 0700.  Were it swapped before the
	 * open, bind() below could land elsewhere, but nothing is then
	 * changed or renamed, as dfd holds no "s".
	 */
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1 || fstat(dfd, &st) == -1) {
		log_warn("control socket %s", dir);
		goto out;
	}
	if (st.st_uid != geteuid() || (st.st_mode & 0077) != 0) {
		log_warnx("control socket %s: not our private directory", dir);
		made = 0;
		goto out;
	}
	/* No moment with looser permissions than asked for. */
	old = umask(0777 & ~mode);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		umask(old);
		log_warn("control socket %s", path);
		goto out;
	}
	umask(old);
	/* The mode came from the umask: fchmodat() would follow a link. */
	if ((uid != (uid_t)-1 || gid != (gid_t)-1) &&
	    fchownat(dfd, "s", uid, gid, AT_SYMLINK_NOFOLLOW) == -1) {
		log_warn("control socket %s: owner", path);
		unlinkat(dfd, "s", 0);
		goto out;
	}
	/* Checked again just before: what is at path is a socket or nothing. */
	if (refuse_non_socket(path) == -1) {
		unlinkat(dfd, "s", 0);
		goto out;
	}
	if (renameat(dfd, "s", AT_FDCWD, path) == -1) {
		log_warn("control socket %s", path);
		unlinkat(dfd, "s", 0);
		goto out;
	}
	rv = 0;
out:
	if (dfd != -1)
		close(dfd);
	if (made && rmdir(dir) == -1)
		log_warn("control socket: rmdir %s", dir);
	return rv;
}

struct ctl *
ctl_new(struct ev_loop *loop, struct server *srv, const char *path,
    unsigned mode, uid_t uid, gid_t gid)
{
	struct reqsock_params	 p = {
		.what = "control",
		.max_req = CTL_REQ_MAX,
		.timeout = CTL_TIMEOUT,
		.max_clients = CTL_CLIENTS,
		.complete = complete,
		.handle = handle,
		.too_long = "{\"ok\":false,\"error\":\"request too long\"}\n",
	};
	struct sockaddr_un	 sun;
	struct ctl		*ctl;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path) - 9) {
		log_warnx("control socket %s: path too long (at most %zu "
		    "bytes)", path, sizeof(sun.sun_path) - 10);
		return NULL;
	}
	strcpy(sun.sun_path, path);
	if (live(&sun)) {
		log_warnx("control socket %s: another daemon answers there",
		    path);
		return NULL;
	}
	if (refuse_non_socket(path) == -1)
		return NULL;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1) {
		log_warn("control socket");
		return NULL;
	}
	if (bind_private(fd, path, mode, uid, gid) == -1) {
		close(fd);
		return NULL;
	}
	if (listen(fd, 16) == -1) {
		log_warn("control socket %s", path);
		close(fd);
		remove_socket(path);
		return NULL;
	}
	ctl = xcalloc(1, sizeof(*ctl));
	ctl->srv = srv;
	ctl->path = xstrdup(path);
	p.arg = ctl;
	ctl->rs = reqsock_new(loop, fd, &p);
	return ctl;
}

void
ctl_free(struct ctl *ctl)
{
	if (ctl == NULL)
		return;
	reqsock_free(ctl->rs);
	remove_socket(ctl->path);
	free(ctl->path);
	free(ctl);
}
