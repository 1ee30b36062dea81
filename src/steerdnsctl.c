/* steerdnsctl.c -- talk to a running steerdns over its control socket */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libconfig.h>

#include "json.h"
#include "jw.h"
#include "util.h"

#define DEFAULT_CONF	SYSCONFDIR "/steerdns/steerdns.conf"

/* Exit codes. */
#define EX_OK		0
#define EX_REFUSED	1	/* the daemon said no */
#define EX_USAGE	2
#define EX_UNREACHABLE	3	/* no daemon, or no access */

static bool	 as_json;
static double	 expires;	/* seconds from now, 0: never */
static const char *reason;

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

/* -j, -e DUR, -r WHY wherever they stand; -1 when wrong. */
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

/* Tables */

#define MAXCOLS	16

struct table {
	size_t	 ncols;
	char	**cells;		/* rows * ncols, owned */
	size_t	 nrows;
};

static void
row(struct table *t, ...)
{
	va_list		 ap;
	const char	*s;
	size_t		 i;

	t->cells = xreallocarray(t->cells, (t->nrows + 1) * t->ncols,
	    sizeof(char *));
	va_start(ap, t);
	for (i = 0; i < t->ncols; i++) {
		s = va_arg(ap, const char *);
		t->cells[t->nrows * t->ncols + i] = xstrdup(s != NULL ? s :
		    "-");
	}
	va_end(ap);
	t->nrows++;
}

static void
table_print(struct table *t)
{
	size_t	 w[MAXCOLS] = { 0 }, r, c, l;

	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++) {
			l = strlen(t->cells[r * t->ncols + c]);
			if (l > w[c])
				w[c] = l;
		}
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			if (c + 1 < t->ncols)
				printf("%-*s  ", (int)w[c],
				    t->cells[r * t->ncols + c]);
			else
				printf("%s", t->cells[r * t->ncols + c]);
		}
		putchar('\n');
	}
	for (r = 0; r < t->nrows * t->ncols; r++)
		free(t->cells[r]);
	free(t->cells);
}

static unsigned long long
num(const struct json_val *v, const char *key)
{
	return (unsigned long long)json_get_num(v, key, 0);
}

static void
show_status(const struct json_val *s)
{
	const struct json_val	*zones = json_get(s, "zones"), *z, *rc;
	const struct json_val	*rl = json_get(s, "reloads");
	struct table		 t = { .ncols = 5 };
	char			 a[64], b[64], c[32], d[32], e[32];
	size_t			 i;

	util_span(a, sizeof(a), json_get_num(s, "uptime", 0));
	util_utc(b, sizeof(b), json_get_num(s, "started", 0));
	printf("steerdns %s, pid %llu, up %s (since %s)\n",
	    json_get_str(s, "version", "?"), num(s, "pid"), a, b);
	printf("config %s, generation %llu; reloads: %llu ok, %llu failed",
	    json_get_str(s, "config", "?"), num(s, "generation"),
	    num(rl, "ok"), num(rl, "failed"));
	if (json_get_num(rl, "last", 0) > 0) {
		util_ago(a, sizeof(a), json_get_num(rl, "last", 0),
		    time(NULL));
		printf(", last %s", a);
	}
	printf("\n%llu workers, %llu probed targets, %llu overrides\n\n",
	    num(s, "workers"), num(s, "targets"), num(s, "overrides"));
	row(&t, "ZONE", "NAMES", "POOLS", "MEMBERS", "FILE");
	for (i = 0; zones != NULL && i < zones->n; i++) {
		z = &zones->items[i];
		snprintf(c, sizeof(c), "%llu", num(z, "names"));
		snprintf(d, sizeof(d), "%llu", num(z, "pools"));
		snprintf(e, sizeof(e), "%llu", num(z, "members"));
		row(&t, json_get_str(z, "zone", "?"), c, d, e,
		    json_get_str(z, "file", "?"));
	}
	table_print(&t);
	rc = json_get(s, "rcodes");
	printf("\nqueries %llu (UDP %llu, TCP %llu): NOERROR %llu, "
	    "NXDOMAIN %llu, REFUSED %llu, SERVFAIL %llu, FORMERR %llu, "
	    "NOTIMP %llu, BADVERS %llu; dropped %llu, truncated %llu\n",
	    num(s, "queries"), num(s, "udp"), num(s, "tcp"),
	    num(rc, "NOERROR"), num(rc, "NXDOMAIN"), num(rc, "REFUSED"),
	    num(rc, "SERVFAIL"), num(rc, "FORMERR"), num(rc, "NOTIMP"),
	    num(rc, "BADVERS"), num(s, "dropped"), num(s, "truncated"));
	printf("managed answers %llu, with every member down %llu\n",
	    num(s, "managed"), num(s, "all_down"));
}

static void
show_members(const struct json_val *m)
{
	const struct json_val	*r, *o;
	struct table		 t = { .ncols = 10 };
	char			 since[32], rtt[32], load[32], adm[256],
				 state[32], tmp[64];
	const char		*admin;
	size_t			 i;

	row(&t, "ZONE", "POOL", "MEMBER", "CHECK", "STATE", "SINCE",
	    "REASON", "RTT", "LOAD", "OVERRIDE");
	for (i = 0; m != NULL && i < m->n; i++) {
		r = &m->items[i];
		util_ago(since, sizeof(since), json_get_num(r, "since", 0),
		    time(NULL));
		if (json_is_null(json_get(r, "rtt_ms")))
			snprintf(rtt, sizeof(rtt), "-");
		else
			snprintf(rtt, sizeof(rtt), "%.2fms",
			    json_get_num(r, "rtt_ms", 0));
		if (json_is_null(json_get(r, "load")))
			snprintf(load, sizeof(load), "-");
		else
			snprintf(load, sizeof(load), "%llu", num(r, "load"));
		admin = json_get_str(r, "admin", "none");
		snprintf(state, sizeof(state), "%s%s",
		    json_get_str(r, "state", "?"), json_get_bool(r, "usable",
		    true) ? "" : "*");
		o = json_get(r, "override");
		if (o != NULL && !json_is_null(o)) {
			snprintf(adm, sizeof(adm), "%s",
			    json_get_str(o, "state", "?"));
			if (*json_get_str(o, "reason", "") != '\0')
				snprintf(adm + strlen(adm), sizeof(adm) -
				    strlen(adm), " (%s)",
				    json_get_str(o, "reason", ""));
			if (json_get_num(o, "expires", 0) > 0) {
				util_span(tmp, sizeof(tmp), json_get_num(o,
				    "expires", 0) - time(NULL));
				snprintf(adm + strlen(adm), sizeof(adm) -
				    strlen(adm), " %s left", tmp);
			}
		} else if (strcmp(admin, "none") != 0)
			snprintf(adm, sizeof(adm), "%s (config)", admin);
		else
			snprintf(adm, sizeof(adm), "-");
		row(&t, json_get_str(r, "zone", "?"), json_get_str(r, "pool",
		    "?"), json_get_str(r, "member", "?"),
		    json_get_str(r, "check", NULL), state, since,
		    *json_get_str(r, "reason", "") ? json_get_str(r, "reason",
		    "") : "-", rtt, load, adm);
	}
	table_print(&t);
	printf("(* not answered: down, drained or forced down)\n");
}

static void
show_obj(const struct json_val *v, int indent)
{
	size_t	 i;

	for (i = 0; v != NULL && v->type == JSON_OBJECT && i < v->n; i++) {
		const struct json_val	*x = &v->items[i];

		if (x->type == JSON_OBJECT) {
			printf("%*s%s:\n", indent, "", v->keys[i]);
			show_obj(x, indent + 2);
		} else if (x->type == JSON_NUMBER)
			printf("%*s%-14s %.15g\n", indent, "", v->keys[i],
			    x->num);
		else if (x->type == JSON_STRING)
			printf("%*s%-14s %s\n", indent, "", v->keys[i],
			    x->str);
		else if (x->type == JSON_BOOL)
			printf("%*s%-14s %s\n", indent, "", v->keys[i],
			    x->b ? "yes" : "no");
	}
}

static void
show_stats(const struct json_val *s)
{
	const struct json_val	*names = json_get(s, "names");
	struct table		 t = { .ncols = 2 };
	char			 n[32];
	size_t			 i;

	show_obj(s, 0);
	if (names == NULL || names->n == 0)
		return;
	printf("answers per managed name:\n");
	for (i = 0; i < names->n; i++) {
		snprintf(n, sizeof(n), "%llu", num(&names->items[i],
		    "answers"));
		row(&t, json_get_str(&names->items[i], "name", "?"), n);
	}
	table_print(&t);
}

static void
join(const struct json_val *arr, char *buf, size_t len)
{
	size_t	 i, off = 0;

	buf[0] = '\0';
	for (i = 0; arr != NULL && i < arr->n && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? " " : "",
		    arr->items[i].type == JSON_STRING ? arr->items[i].str :
		    "?");
	if (arr == NULL || arr->n == 0)
		snprintf(buf, len, "(none)");
}

static void
show_explain(const struct json_val *e)
{
	const struct json_val	*ans = json_get(e, "answer"), *steps, *st,
				*dr;
	char			 buf[2048];
	size_t			 i, k;

	printf("%s %s asked by %s", json_get_str(e, "name", "?"),
	    json_get_str(e, "type", "?"), json_get_str(e, "client", "?"));
	if (!json_is_null(json_get(e, "ecs")) && json_get(e, "ecs") != NULL)
		printf(" with ECS %s", json_get_str(e, "ecs", "?"));
	printf("\n\nanswer: %s\n", json_get_str(e, "rcode", "?"));
	for (i = 0; ans != NULL && i < ans->n; i++)
		printf("  %s\n", ans->items[i].type == JSON_STRING ?
		    ans->items[i].str : "?");
	if (!json_get_bool(e, "managed", false)) {
		printf("\nstatic data: no pool, no chain\n");
		return;
	}
	printf("\npool %s, TTL %llu%s, ECS scope /%llu", json_get_str(e,
	    "pool", "?"), num(e, "ttl"), json_get_bool(e, "degraded", false) ?
	    " (degraded: a member is down)" : "", num(e, "ecs_scope"));
	if (json_get_str(e, "strategy_client", NULL) != NULL)
		printf(", strategies saw client %s",
		    json_get_str(e, "strategy_client", "?"));
	printf("\n");
	join(json_get(e, "candidates"), buf, sizeof(buf));
	printf("candidates: %s\n", buf);
	steps = json_get(e, "steps");
	for (i = 0; steps != NULL && i < steps->n; i++) {
		st = &steps->items[i];
		printf("%zu. %s\n", i + 1, json_get_str(st, "step", "?"));
		if (json_get(st, "kept") != NULL) {
			join(json_get(st, "kept"), buf, sizeof(buf));
			printf("   kept:    %s\n", buf);
		}
		dr = json_get(st, "dropped");
		for (k = 0; dr != NULL && k < dr->n; k++)
			printf("   dropped: %s%s%s\n",
			    json_get_str(&dr->items[k], "member", "?"),
			    *json_get_str(&dr->items[k], "why", "") ? ": " :
			    "", json_get_str(&dr->items[k], "why", ""));
		printf("   why:     %s\n", json_get_str(st, "why", ""));
	}
	if (json_get_bool(e, "all_down", false))
		printf("no member usable: all_down \"%s\" applies\n",
		    json_get_str(e, "all_down_action", "?"));
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
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char		*conf = DEFAULT_CONF, *cmd;
	char			*path = NULL, *reply = NULL, *req;
	struct jw		 j;
	struct json_val		*v = NULL;
	const struct json_val	*errs;
	size_t			 len, i;
	int			 ch, rv;

	/* "+": options stop at the command, as in git and ip. */
	while ((ch = getopt_long(argc, argv, "+c:s:je:r:h", longopts, NULL))
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
	while ((ch = getopt_long(argc, argv, "je:r:", longopts, NULL)) != -1) {
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
	    strcmp(cmd, "stats") == 0 || strcmp(cmd, "reload") == 0) {
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
	/* One line: the writer puts no newline inside a document. */
	len = strlen(req);
	req = xreallocarray(req, len + 2, 1);
	req[len] = '\n';
	req[len + 1] = '\0';

	if (path == NULL && (path = socket_of(conf)) == NULL) {
		free(req);
		return EX_UNREACHABLE;
	}
	rv = call(path, req, &reply, &len);
	free(req);
	free(path);
	if (rv != EX_OK)
		return rv;
	if ((v = json_parse(reply, len, NULL)) == NULL) {
		fprintf(stderr, "steerdnsctl: the daemon's reply is not JSON: "
		    "%.200s\n", reply);
		free(reply);
		return EX_UNREACHABLE;
	}
	rv = json_get_bool(v, "ok", false) ? EX_OK : EX_REFUSED;
	if (as_json)
		fputs(reply, stdout);
	else if (rv != EX_OK) {
		fprintf(stderr, "steerdnsctl: %s\n", json_get_str(v, "error",
		    "failed"));
		errs = json_get(v, "errors");
		for (i = 0; errs != NULL && i < errs->n; i++)
			if (errs->items[i].type == JSON_STRING)
				fprintf(stderr, "%s\n", errs->items[i].str);
	} else if (strcmp(cmd, "status") == 0)
		show_status(json_get(v, "status"));
	else if (strcmp(cmd, "members") == 0)
		show_members(json_get(v, "members"));
	else if (strcmp(cmd, "stats") == 0)
		show_stats(json_get(v, "stats"));
	else if (strcmp(cmd, "explain") == 0)
		show_explain(json_get(v, "explain"));
	else if (strcmp(cmd, "reload") == 0)
		printf("reloaded: generation %llu\n", num(v, "generation"));
	else {
		printf("%s: %s %s", cmd, json_get_str(v, "member", "?"),
		    strcmp(cmd, "undrain") == 0 ? "has no override now" :
		    json_get_str(v, "state", "?"));
		if (json_get_num(v, "expires", 0) > 0) {
			char	 t[64];

			util_utc(t, sizeof(t), json_get_num(v, "expires", 0));
			printf(" until %s", t);
		}
		printf(" (%llu pool member%s)\n", num(v, "members"),
		    num(v, "members") == 1 ? "" : "s");
	}
	json_val_free(v);
	free(reply);
	return rv;
bad:
	jw_free(&j);
	fprintf(stderr, "steerdnsctl: wrong arguments for \"%s\"\n", cmd);
	usage(stderr);
	return EX_USAGE;
}
