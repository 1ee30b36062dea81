/* steerdnsctl.c -- talk to a running steerdns over its control socket */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <libconfig.h>

#include "ctl_text.h"
#include "jw.h"
#include "tty.h"
#include "util.h"

#define DEFAULT_CONF	SYSCONFDIR "/steerdns/steerdns.conf"

/* Exit codes. */
#define EX_OK		0
#define EX_REFUSED	1	/* the daemon said no */
#define EX_USAGE	2
#define EX_UNREACHABLE	3	/* no daemon, or no access */
#define EX_NOCHANGE	4	/* undrain: there was no override */

/*
 * Replies are read with jansson; our writer (jw.h) writes the requests.
 * Every number is read as a double: the counters are 64-bit unsigned,
 * more than jansson's json_int_t holds, and are only printed.
 */
#define REPLY_JSON_FLAGS	JSON_DECODE_INT_AS_REAL

static bool	 as_json;
static double	 expires;	/* seconds from now, 0: never */
static const char *reason;
static bool	 local_only;	/* --local: this node, not the fleet */

static void
usage(FILE *f)
{
	fprintf(f,
"usage: steerdnsctl [-c FILE | -s SOCKET] [--json] COMMAND [ARGS]\n"
"\n"
"  status                        version, uptime, generation, zones, queries\n"
"  members                       every pool member: state, since, reason,\n"
"                                RTT, load, override\n"
"  stats                         counters: rcodes, types, TCP, probes, names\n"
"  drain MEMBER [-e DUR] [-r WHY]      no new answers with MEMBER\n"
"  force-up MEMBER [-e DUR] [-r WHY]   answer MEMBER whatever its checks say\n"
"  force-down MEMBER [-e DUR] [-r WHY] never answer MEMBER\n"
"  undrain MEMBER                remove any override of MEMBER\n"
"  fleet                         the nodes of the fleet: live, last seen,\n"
"                                config hash, lag; this node with etcd\n"
"  reload                        load the configuration again, atomically\n"
"  explain NAME TYPE CLIENT-IP [ECS-SUBNET]\n"
"                                the answer that client would get, step by step\n"
"\n"
"  -c, --config FILE   the daemon's config, for its control socket\n"
"                      (default %s)\n"
"  -s, --socket PATH   the control socket itself\n"
"  -j, --json          print the daemon's JSON reply\n"
"  -e, --expires DUR   the override ends after DUR (30s, 10m, 2h, 1d)\n"
"  -r, --reason TEXT   why, shown in members and the status page\n"
"  -l, --local         in a fleet: set or remove the override on this\n"
"                      node only (the default: every node, through etcd)\n"
"  -h, --help          this text\n"
"\n"
"Exit status: 0 done, 1 the daemon refused, 2 usage, 3 no daemon reached.\n",
	    DEFAULT_CONF);
}

/* "90", "90s", "10m", "2h", "1d" -> seconds; -1 when malformed. */
static double
duration(const char *s)
{
	char	*end;
	double	 v = strtod(s, &end);

	if (end == s || v < 0 || !isfinite(v))
		return -1;
	if (*end == '\0' || strcmp(end, "s") == 0)
		return v;
	if (strcmp(end, "m") == 0)
		return v * 60;
	if (strcmp(end, "h") == 0)
		return v * 3600;
	if (strcmp(end, "d") == 0)
		return v * 86400;
	return -1;
}

/* -j, -e DUR, -r WHY, -l wherever they stand; -1 when wrong. */
static int
common_opt(int ch, const char *arg)
{
	switch (ch) {
	case 'j':
		as_json = true;
		return 0;
	case 'e':
		if ((expires = duration(arg)) < 0) {
			fprintf(stderr, "steerdnsctl: bad duration \"%s\": "
			    "want 30s, 10m, 2h or 1d\n", arg);
			return -1;
		}
		return 0;
	case 'r':
		reason = arg;
		return 0;
	case 'l':
		local_only = true;
		return 0;
	default:
		return -1;
	}
}

/* The control socket named by the config file; NULL with a message. */
static char *
socket_of(const char *conf)
{
	config_t	 cfg;
	const char	*p, *slash;
	char		*out = NULL;

	config_init(&cfg);
	util_include_dir(&cfg, conf);
	if (config_read_file(&cfg, conf) == CONFIG_FALSE) {
		if (config_error_type(&cfg) == CONFIG_ERR_FILE_IO)
			fprintf(stderr, "steerdnsctl: cannot read %s: %s; "
			    "name the socket with -s\n", conf,
			    strerror(errno));
		else
			fprintf(stderr, "steerdnsctl: %s:%d: %s\n", conf,
			    config_error_line(&cfg), config_error_text(&cfg));
		goto out;
	}
	if (config_lookup_string(&cfg, "server.control", &p) == CONFIG_FALSE ||
	    *p == '\0') {
		fprintf(stderr, "steerdnsctl: %s sets no control socket "
		    "(server.control); the daemon has none\n", conf);
		goto out;
	}
	if (p[0] == '/' || (slash = strrchr(conf, '/')) == NULL)
		out = xstrdup(p);
	else {
		size_t	 n = (slash - conf) + 1 + strlen(p) + 1;

		out = xmalloc(n);
		snprintf(out, n, "%.*s/%s", (int)(slash - conf), conf, p);
	}
out:
	config_destroy(&cfg);
	return out;
}

/* Send req, read the whole reply; EX_UNREACHABLE with a message. */
static int
call(const char *path, const char *req, char **reply, size_t *len)
{
	struct sockaddr_un	 sun;
	char			*buf = NULL;
	size_t			 cap = 0, n = 0, off;
	ssize_t			 r;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "steerdnsctl: %s: path too long\n", path);
		return EX_UNREACHABLE;
	}
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		fprintf(stderr, "steerdnsctl: socket: %s\n", strerror(errno));
		return EX_UNREACHABLE;
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		if (errno == ENOENT || errno == ECONNREFUSED)
			fprintf(stderr, "steerdnsctl: steerdns is not running "
			    "(nothing answers on %s)\n", path);
		else if (errno == EACCES || errno == EPERM)
			fprintf(stderr, "steerdnsctl: no access to %s: %s "
			    "(run as root or as a member of the socket's "
			    "group)\n", path, strerror(errno));
		else
			fprintf(stderr, "steerdnsctl: %s: %s\n", path,
			    strerror(errno));
		close(fd);
		return EX_UNREACHABLE;
	}
	for (off = 0; off < strlen(req); off += r) {
		r = send(fd, req + off, strlen(req) - off, MSG_NOSIGNAL);
		if (r == -1 && errno == EINTR) {
			r = 0;
			continue;
		}
		if (r <= 0) {
			fprintf(stderr, "steerdnsctl: send: %s\n",
			    strerror(errno));
			close(fd);
			return EX_UNREACHABLE;
		}
	}
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 65536;
			buf = xreallocarray(buf, cap, 1);
		}
		r = recv(fd, buf + n, cap - n - 1, 0);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			fprintf(stderr, "steerdnsctl: recv: %s\n",
			    strerror(errno));
			free(buf);
			close(fd);
			return EX_UNREACHABLE;
		}
		if (r == 0)
			break;
		n += r;
	}
	close(fd);
	if (buf == NULL)
		buf = xstrdup("");
	buf[n] = '\0';
	*reply = buf;
	*len = n;
	return EX_OK;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "expires", required_argument, NULL, 'e' },
		{ "reason", required_argument, NULL, 'r' },
		{ "local", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char		*conf = DEFAULT_CONF, *cmd;
	char			*path = NULL, *reply = NULL, *req;
	struct jw		 j;
	json_t			*v = NULL;
	const json_t		*errs;
	json_error_t		 jerr;
	const char		*s;
	FILE			*out;
	size_t			 len, i;
	int			 ch, rv;
	bool			 undone;

	/* "+": options stop at the command, as in git and ip. */
	while ((ch = getopt_long(argc, argv, "+c:s:je:r:lh", longopts, NULL))
	    != -1) {
		switch (ch) {
		case 'c':
			conf = optarg;
			break;
		case 's':
			free(path);
			path = xstrdup(optarg);
			break;
		case 'j':
		case 'e':
		case 'r':
		case 'l':
			if (common_opt(ch, optarg) == -1)
				return EX_USAGE;
			break;
		case 'h':
			usage(stdout);
			return EX_OK;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage(stderr);
		return EX_USAGE;
	}
	cmd = argv[0];
	/*
	 * Options may follow the command too (drain X -e 10m -r why):
	 * getopt skips argv[0], the command, and moves the arguments that are
	 * not options to the end.
	 */
	optind = 0;
	while ((ch = getopt_long(argc, argv, "je:r:l", longopts, NULL)) != -1) {
		if (common_opt(ch, optarg) == -1) {
			usage(stderr);
			return EX_USAGE;
		}
	}
	/* From here: argv[0] the command, argv[1..argc-1] its arguments. */
	argv[optind - 1] = argv[0];
	argv += optind - 1;
	argc -= optind - 1;
	jw_init(&j);
	jw_obj_begin(&j);
	jw_key(&j, "cmd");
	jw_str(&j, cmd);
	if (strcmp(cmd, "status") == 0 || strcmp(cmd, "members") == 0 ||
	    strcmp(cmd, "stats") == 0 || strcmp(cmd, "reload") == 0 ||
	    strcmp(cmd, "fleet") == 0) {
		if (argc != 1)
			goto bad;
	} else if (strcmp(cmd, "drain") == 0 || strcmp(cmd, "undrain") == 0 ||
	    strcmp(cmd, "force-up") == 0 || strcmp(cmd, "force-down") == 0) {
		if (argc != 2)
			goto bad;
		jw_key(&j, "member");
		jw_str(&j, argv[1]);
		if (reason != NULL) {
			jw_key(&j, "reason");
			jw_str(&j, reason);
		}
		if (expires > 0) {
			jw_key(&j, "expires");
			jw_double(&j, expires);
		}
		if (local_only) {
			jw_key(&j, "local");
			jw_bool(&j, true);
		}
	} else if (strcmp(cmd, "explain") == 0) {
		if (argc != 4 && argc != 5)
			goto bad;
		jw_key(&j, "name");
		jw_str(&j, argv[1]);
		jw_key(&j, "type");
		jw_str(&j, argv[2]);
		jw_key(&j, "client");
		jw_str(&j, argv[3]);
		if (argc == 5) {
			jw_key(&j, "ecs");
			jw_str(&j, argv[4]);
		}
	} else {
		fprintf(stderr, "steerdnsctl: unknown command \"%s\"\n", cmd);
		jw_free(&j);
		usage(stderr);
		return EX_USAGE;
	}
	jw_obj_end(&j);
	req = jw_take(&j);
	len = strlen(req);
	req = xreallocarray(req, len + 2, 1);
	memcpy(req + len, "\n", 2);	/* the writer puts no newline inside */

	if (path == NULL && (path = socket_of(conf)) == NULL) {
		free(req);
		return EX_UNREACHABLE;
	}
	rv = call(path, req, &reply, &len);
	free(req);
	free(path);
	if (rv != EX_OK)
		return rv;
	if ((v = json_loadb(reply, len, REPLY_JSON_FLAGS, &jerr)) == NULL) {
		fprintf(stderr, "steerdnsctl: the daemon's reply is not JSON "
		    "(at byte %d: %s): %.200s\n", jerr.position, jerr.text,
		    reply);
		free(reply);
		return EX_UNREACHABLE;
	}
	rv = ctl_text_bool(v, "ok", false) ? EX_OK : EX_REFUSED;
	/* A daemon too old to say is taken at its word that it is done. */
	undone = rv == EX_OK && strcmp(cmd, "undrain") == 0 &&
	    !ctl_text_bool(v, "had_override", true);
	if (undone)
		rv = EX_NOCHANGE;
	tty_sanitize(v);	/* --json prints the reply untouched */
	if (as_json)
		fputs(reply, stdout);
	else if (rv == EX_REFUSED) {
		fprintf(stderr, "steerdnsctl: %s\n", ctl_text_str(v, "error",
		    "failed"));
		errs = json_object_get(v, "errors");
		for (i = 0; i < json_array_size(errs); i++)
			if ((s = json_string_value(json_array_get(errs, i))) !=
			    NULL)
				fprintf(stderr, "%s\n", s);
	} else if (strcmp(cmd, "status") == 0)
		ctl_text_status(json_object_get(v, "status"));
	else if (strcmp(cmd, "members") == 0)
		ctl_text_members(json_object_get(v, "members"));
	else if (strcmp(cmd, "stats") == 0)
		ctl_text_stats(json_object_get(v, "stats"));
	else if (strcmp(cmd, "fleet") == 0)
		ctl_text_fleet(json_object_get(v, "fleet"));
	else if (strcmp(cmd, "explain") == 0)
		ctl_text_explain(json_object_get(v, "explain"));
	else if (strcmp(cmd, "reload") == 0)
		printf("reloaded: generation %llu\n", ctl_text_num(v,
		    "generation"));
	else {
		out = undone ? stderr : stdout;
		fprintf(out, "%s%s: %s %s", undone ? "steerdnsctl: " : "", cmd,
		    ctl_text_str(v, "member", "?"), undone ? "had no override: "
		    "nothing removed" : strcmp(cmd, "undrain") == 0 ?
		    "override removed" : ctl_text_str(v, "state", "?"));
		if (ctl_text_number(v, "expires") > 0) {
			char	 t[64];

			util_utc(t, sizeof(t), ctl_text_number(v, "expires"));
			fprintf(out, " until %s", t);
		}
		fprintf(out, " (%llu pool member%s%s)\n", ctl_text_num(v,
		    "members"), ctl_text_num(v, "members") == 1 ? "" : "s",
		    strcmp(ctl_text_str(v, "scope", "local"), "fleet") == 0 ?
		    ", every node of the fleet" : "");
	}
	json_decref(v);
	free(reply);
	return rv;
bad:
	jw_free(&j);
	fprintf(stderr, "steerdnsctl: wrong arguments for \"%s\"\n", cmd);
	usage(stderr);
	return EX_USAGE;
}
