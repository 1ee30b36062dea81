/* ctl_text.c -- the control socket's replies as text, for steerdnsctl */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "ctl_text.h"
#include "util.h"

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

/* The same for steerdnsctl.c, which reads the replies to the changes. */
const char *
ctl_text_str(const json_t *o, const char *key, const char *fallback)
{
	return str(o, key, fallback);
}

double
ctl_text_number(const json_t *o, const char *key)
{
	return number(o, key);
}

bool
ctl_text_bool(const json_t *o, const char *key, bool fallback)
{
	return boolean(o, key, fallback);
}

unsigned long long
ctl_text_num(const json_t *o, const char *key)
{
	return num(o, key);
}

void
ctl_text_status(const json_t *s)
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

void
ctl_text_members(const json_t *m)
{
	const json_t	*r, *o;
	struct table	 t = { .ncols = 10 };
	bool		 fleet = false;
	char		 votes[64];
	char		 since[32], rtt[32], load[32], adm[256], state[80],
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
		if (boolean(r, "pending", false))
			snprintf(state + strlen(state), sizeof(state) -
			    strlen(state), " (pending)");
		if (boolean(r, "flapping", false))
			snprintf(state + strlen(state), sizeof(state) -
			    strlen(state), " (flapping)");
		if (num(r, "weight_now") < num(r, "weight"))
			snprintf(state + strlen(state), sizeof(state) -
			    strlen(state), " (slow start %llu/%llu)",
			    num(r, "weight_now"), num(r, "weight"));
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
	printf("(* not answered: down, drained or forced down, flapping, or "
	    "pending: no check result since a reload added it)\n");
	if (fleet)
		printf("(FLEET: live nodes that see it down of those that "
		    "check it; here: this node's own checks)\n");
}

void
ctl_text_fleet(const json_t *f)
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

void
ctl_text_stats(json_t *s)
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

void
ctl_text_explain(const json_t *e)
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
		if ((s = str(e, "note", NULL)) != NULL)
			printf("\n%s\n", s);
		else
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
