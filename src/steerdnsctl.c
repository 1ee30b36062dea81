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

#include <jansson.h>
#include <libconfig.h>

#include "jw.h"
#include "tty.h"
#include "util.h"

#define DEFAULT_CONF	SYSCONFDIR "/steerdns/steerdns.conf"

/* Exit codes. */
#define EX_OK		0
#define EX_REFUSED	1	/* the daemon said no */
#define EX_USAGE	2
#define EX_UNREACHABLE	3	/* no daemon, or no access */

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

/*
 * Members of the reply: the fallback when missing or of another type, so
 * that a field an older or newer daemon lacks prints as "?" or 0.
 */
static const char *
str(const json_t *o, const char *key, const char *fallback)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : fallback;
}

static double
number(const json_t *o, const char *key)
{
	return json_number_value(json_object_get(o, key));
}

static bool
boolean(const json_t *o, const char *key, bool fallback)
{
	const json_t	*b = json_object_get(o, key);

	return json_is_boolean(b) ? json_is_true(b) : fallback;
}

static unsigned long long
num(const json_t *o, const char *key)
{
	return (unsigned long long)number(o, key);
}

static void
show_status(const json_t *s)
{
	const json_t	*zones = json_object_get(s, "zones"), *z, *rc;
	const json_t	*rl = json_object_get(s, "reloads");
	struct table	 t = { .ncols = 5 };
	char		 a[64], b[64], c[32], d[32], e[32];
	size_t		 i;

	util_span(a, sizeof(a), number(s, "uptime"));
	util_utc(b, sizeof(b), number(s, "started"));
	printf("steerdns %s, pid %llu, up %s (since %s)\n",
	    str(s, "version", "?"), num(s, "pid"), a, b);
	printf("config %s, generation %llu; reloads: %llu ok, %llu failed",
	    str(s, "config", "?"), num(s, "generation"), num(rl, "ok"),
	    num(rl, "failed"));
	if (number(rl, "last") > 0) {
		util_ago(a, sizeof(a), number(rl, "last"), time(NULL));
		printf(", last %s", a);
	}
	printf("\n%llu workers, %llu probed targets, %llu overrides\n\n",
	    num(s, "workers"), num(s, "targets"), num(s, "overrides"));
	row(&t, "ZONE", "NAMES", "POOLS", "MEMBERS", "FILE");
	for (i = 0; i < json_array_size(zones); i++) {
		z = json_array_get(zones, i);
		snprintf(c, sizeof(c), "%llu", num(z, "names"));
		snprintf(d, sizeof(d), "%llu", num(z, "pools"));
		snprintf(e, sizeof(e), "%llu", num(z, "members"));
		row(&t, str(z, "zone", "?"), c, d, e, str(z, "file", "?"));
	}
	table_print(&t);
	rc = json_object_get(s, "rcodes");
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
show_members(const json_t *m)
{
	const json_t	*r, *o;
	struct table	 t = { .ncols = 10 };
	bool		 fleet = false;
	char		 votes[64];
	char		 since[32], rtt[32], load[32], adm[256], state[32],
			 tmp[64];
	const char	*admin;
	size_t		 i;

	/* In a fleet, one more column: how many nodes see it down. */
	for (i = 0; i < json_array_size(m); i++)
		if (json_is_object(json_object_get(json_array_get(m, i),
		    "fleet")))
			fleet = true;
	if (fleet)
		t.ncols = 11;
	row(&t, "ZONE", "POOL", "MEMBER", "CHECK", "STATE", "SINCE",
	    "REASON", "RTT", "LOAD", "OVERRIDE", "FLEET");
	for (i = 0; i < json_array_size(m); i++) {
		r = json_array_get(m, i);
		util_ago(since, sizeof(since), number(r, "since"), time(NULL));
		/* null: not measured yet, or no check */
		if (!json_is_number(json_object_get(r, "rtt_ms")))
			snprintf(rtt, sizeof(rtt), "-");
		else
			snprintf(rtt, sizeof(rtt), "%.2fms",
			    number(r, "rtt_ms"));
		if (!json_is_number(json_object_get(r, "load")))
			snprintf(load, sizeof(load), "-");
		else
			snprintf(load, sizeof(load), "%llu", num(r, "load"));
		admin = str(r, "admin", "none");
		snprintf(state, sizeof(state), "%s%s", str(r, "state", "?"),
		    boolean(r, "usable", true) ? "" : "*");
		o = json_object_get(r, "override");
		if (json_is_object(o)) {
			snprintf(adm, sizeof(adm), "%s%s", strcmp(str(o, "scope",
			    "local"), "fleet") == 0 ? "fleet " : "",
			    str(o, "state", "?"));
			if (*str(o, "reason", "") != '\0')
				snprintf(adm + strlen(adm), sizeof(adm) -
				    strlen(adm), " (%s)", str(o, "reason", ""));
			if (number(o, "expires") > 0) {
				util_span(tmp, sizeof(tmp), number(o,
				    "expires") - time(NULL));
				snprintf(adm + strlen(adm), sizeof(adm) -
				    strlen(adm), " %s left", tmp);
			}
		} else if (strcmp(admin, "none") != 0)
			snprintf(adm, sizeof(adm), "%s (config)", admin);
		else
			snprintf(adm, sizeof(adm), "-");
		o = json_object_get(r, "fleet");
		if (json_is_object(o))
			snprintf(votes, sizeof(votes), "%llu/%llu down (here %s)",
			    num(o, "down"), num(o, "voters"), str(o, "local",
			    "?"));
		else
			snprintf(votes, sizeof(votes), "-");
		row(&t, str(r, "zone", "?"), str(r, "pool", "?"),
		    str(r, "member", "?"), str(r, "check", NULL), state, since,
		    *str(r, "reason", "") ? str(r, "reason", "") : "-", rtt,
		    load, adm, votes);
	}
	table_print(&t);
	printf("(* not answered: down, drained or forced down)\n");
	if (fleet)
		printf("(FLEET: live nodes that see it down of those that "
		    "check it; here: this node's own checks)\n");
}

static void
show_fleet(const json_t *f)
{
	const json_t	*nodes = json_object_get(f, "nodes"), *n;
	struct table	 t = { .ncols = 7 };
	char		 seen[32], lag[32], since[32];
	const char	*q;
	size_t		 i;

	if (!json_is_object(f)) {
		printf("no fleet: this node answers alone (no \"fleet\" group "
		    "in its config)\n");
		return;
	}
	util_ago(since, sizeof(since), number(f, "since"), time(NULL));
	printf("node %s: %s", str(f, "node", "?"), boolean(f, "connected",
	    false) ? "in step with etcd at " : "NOT reaching etcd, answering "
	    "from the last fleet state and its own checks; last tried ");
	printf("%s", str(f, "endpoint", "?"));
	if (number(f, "since") > 0)
		printf(" (since %s)", since);
	printf("\n");
	if (!boolean(f, "connected", false) && *str(f, "error", "") != '\0')
		printf("  %s\n", str(f, "error", ""));
	q = json_is_string(json_object_get(f, "quorum")) ? "majority" : NULL;
	printf("%llu of %zu nodes live; quorum ", num(f, "nodes_live"),
	    json_array_size(nodes));
	if (q != NULL)
		printf("%s", q);
	else
		printf("%llu", num(f, "quorum"));
	printf("; %llu target%s in disagreement; %llu node%s with another "
	    "config; revision %llu\n\n", num(f, "disagree"),
	    num(f, "disagree") == 1 ? "" : "s", num(f, "config_mismatch"),
	    num(f, "config_mismatch") == 1 ? "" : "s", num(f, "revision"));
	row(&t, "NODE", "LIVE", "LAST SEEN", "CONFIG", "VERSION", "LAG",
	    "");
	for (i = 0; i < json_array_size(nodes); i++) {
		n = json_array_get(nodes, i);
		if (boolean(n, "self", false))
			snprintf(seen, sizeof(seen), "now");
		else if (number(n, "seen") > 0)
			util_ago(seen, sizeof(seen), number(n, "seen"),
			    time(NULL));
		else
			snprintf(seen, sizeof(seen), "-");
		snprintf(lag, sizeof(lag), "%llu ms", num(n, "lag_ms"));
		row(&t, str(n, "name", "?"), boolean(n, "live", false) ? "yes" :
		    "no", seen, str(n, "config_hash", "?"), str(n, "version",
		    "?"), lag, boolean(n, "self", false) ? "(this node)" :
		    boolean(n, "config_same", true) ? "" :
		    "CONFIG DIFFERS");
	}
	table_print(&t);
}

/* An object's scalars one a line, its objects indented below their key. */
static void
show_obj(json_t *v, int indent)
{
	const char	*k;
	json_t		*x;

	json_object_foreach(v, k, x) {
		if (json_is_object(x)) {
			printf("%*s%s:\n", indent, "", k);
			show_obj(x, indent + 2);
		} else if (json_is_number(x))
			printf("%*s%-14s %.15g\n", indent, "", k,
			    json_number_value(x));
		else if (json_is_string(x))
			printf("%*s%-14s %s\n", indent, "", k,
			    json_string_value(x));
		else if (json_is_boolean(x))
			printf("%*s%-14s %s\n", indent, "", k,
			    json_is_true(x) ? "yes" : "no");
	}
}

static void
show_stats(json_t *s)
{
	const json_t	*names = json_object_get(s, "names"), *n;
	struct table	 t = { .ncols = 2 };
	char		 a[32];
	size_t		 i;

	show_obj(s, 0);
	if (json_array_size(names) == 0)
		return;
	printf("answers per managed name:\n");
	for (i = 0; i < json_array_size(names); i++) {
		n = json_array_get(names, i);
		snprintf(a, sizeof(a), "%llu", num(n, "answers"));
		row(&t, str(n, "name", "?"), a);
	}
	table_print(&t);
}

/* The strings of an array, space-separated; "(none)" for none. */
static void
join(const json_t *arr, char *buf, size_t len)
{
	const char	*s;
	size_t		 i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < json_array_size(arr) && off < len; i++) {
		s = json_string_value(json_array_get(arr, i));
		off += snprintf(buf + off, len - off, "%s%s", i ? " " : "",
		    s != NULL ? s : "?");
	}
	if (json_array_size(arr) == 0)
		snprintf(buf, len, "(none)");
}

static void
show_explain(const json_t *e)
{
	const json_t	*ans = json_object_get(e, "answer"), *ecs, *steps,
			*st, *dr, *d;
	const char	*s;
	char		 buf[2048];
	size_t		 i, k;

	printf("%s %s asked by %s", str(e, "name", "?"), str(e, "type", "?"),
	    str(e, "client", "?"));
	ecs = json_object_get(e, "ecs");
	if (ecs != NULL && !json_is_null(ecs))
		printf(" with ECS %s", str(e, "ecs", "?"));
	printf("\n\nanswer: %s\n", str(e, "rcode", "?"));
	for (i = 0; i < json_array_size(ans); i++) {
		s = json_string_value(json_array_get(ans, i));
		printf("  %s\n", s != NULL ? s : "?");
	}
	if (!boolean(e, "managed", false)) {
		printf("\nstatic data: no pool, no chain\n");
		return;
	}
	printf("\npool %s, TTL %llu%s, ECS scope /%llu", str(e, "pool", "?"),
	    num(e, "ttl"), boolean(e, "degraded", false) ?
	    " (degraded: a member is down)" : "", num(e, "ecs_scope"));
	if (str(e, "strategy_client", NULL) != NULL)
		printf(", strategies saw client %s",
		    str(e, "strategy_client", "?"));
	printf("\n");
	join(json_object_get(e, "candidates"), buf, sizeof(buf));
	printf("candidates: %s\n", buf);
	steps = json_object_get(e, "steps");
	for (i = 0; i < json_array_size(steps); i++) {
		st = json_array_get(steps, i);
		printf("%zu. %s\n", i + 1, str(st, "step", "?"));
		if (json_object_get(st, "kept") != NULL) {
			join(json_object_get(st, "kept"), buf, sizeof(buf));
			printf("   kept:    %s\n", buf);
		}
		dr = json_object_get(st, "dropped");
		for (k = 0; k < json_array_size(dr); k++) {
			d = json_array_get(dr, k);
			printf("   dropped: %s%s%s\n", str(d, "member", "?"),
			    *str(d, "why", "") ? ": " : "", str(d, "why", ""));
		}
		printf("   why:     %s\n", str(st, "why", ""));
	}
	if (boolean(e, "all_down", false))
		printf("no member usable: all_down \"%s\" applies\n",
		    str(e, "all_down_action", "?"));
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
	size_t			 len, i;
	int			 ch, rv;

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
	rv = boolean(v, "ok", false) ? EX_OK : EX_REFUSED;
	tty_sanitize(v);	/* --json prints the reply untouched */
	if (as_json)
		fputs(reply, stdout);
	else if (rv != EX_OK) {
		fprintf(stderr, "steerdnsctl: %s\n", str(v, "error", "failed"));
		errs = json_object_get(v, "errors");
		for (i = 0; i < json_array_size(errs); i++)
			if ((s = json_string_value(json_array_get(errs, i))) !=
			    NULL)
				fprintf(stderr, "%s\n", s);
	} else if (strcmp(cmd, "status") == 0)
		show_status(json_object_get(v, "status"));
	else if (strcmp(cmd, "members") == 0)
		show_members(json_object_get(v, "members"));
	else if (strcmp(cmd, "stats") == 0)
		show_stats(json_object_get(v, "stats"));
	else if (strcmp(cmd, "fleet") == 0)
		show_fleet(json_object_get(v, "fleet"));
	else if (strcmp(cmd, "explain") == 0)
		show_explain(json_object_get(v, "explain"));
	else if (strcmp(cmd, "reload") == 0)
		printf("reloaded: generation %llu\n", num(v, "generation"));
	else {
		printf("%s: %s %s", cmd, str(v, "member", "?"),
		    strcmp(cmd, "undrain") == 0 ? "has no override now" :
		    str(v, "state", "?"));
		if (number(v, "expires") > 0) {
			char	 t[64];

			util_utc(t, sizeof(t), number(v, "expires"));
			printf(" until %s", t);
		}
		printf(" (%llu pool member%s%s)\n", num(v, "members"),
		    num(v, "members") == 1 ? "" : "s", strcmp(str(v, "scope",
		    "local"), "fleet") == 0 ? ", every node of the fleet" :
		    "");
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
