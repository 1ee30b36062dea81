/* render_attention.c -- what the status page opens with: what needs attention */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "health.h"
#include "render.h"
#include "util.h"
#include "view.h"

/* Members listed one by one; past that, a count. */
#define ATTENTION_MAX_MEMBERS	50

static void
item(FILE *f, size_t *n, const char *kind, const char *cls)
{
	if (*n == 0)
		fputs("<h2>Needs attention</h2>\n<ul class=\"attention\">\n", f);
	(*n)++;
	fprintf(f, "<li class=\"item %s\" data-kind=\"%s\">", cls, kind);
}

/* Why a member is listed, or NULL when it is fine. */
static const char *
member_trouble(const struct view_member *v, const char **cls)
{
	*cls = "down";
	if (strcmp(v->admin, "drain") == 0)
		return *cls = "drain", "drained";
	if (strcmp(v->admin, "down") == 0)
		return *cls = "forced", "forced down";
	if (strcmp(v->admin, "up") == 0)
		return *cls = "forced", "forced up";
	if (v->flapping)
		return "flapping: kept out until stable";
	if (v->pending)
		return *cls = "drain", "pending: not checked since the reload";
	if (!v->usable)
		return "down";
	return NULL;
}

/* Names with members of a family down: all of them, or some. */
static void
names_html(FILE *f, const struct view *vw, size_t *n)
{
	const struct view_pool	*p;
	const struct view_name	*m;
	size_t			 i, k, all[2], up[2], fam;
	static const char *const famname[2] = { "IPv4", "IPv6" };

	for (i = 0; i < vw->nnames; i++) {
		m = &vw->names[i];
		if ((p = view_pool_of(vw, m)) == NULL)
			continue;
		all[0] = all[1] = up[0] = up[1] = 0;
		for (k = 0; k < p->n; k++) {
			fam = strchr(vw->members[p->first + k].addr, ':') !=
			    NULL;
			all[fam]++;
			up[fam] += vw->members[p->first + k].usable;
		}
		for (fam = 0; fam < 2; fam++) {
			if (all[fam] == 0 || up[fam] == all[fam])
				continue;
			item(f, n, up[fam] == 0 ? "all-down" : "degraded",
			    up[fam] == 0 ? "down" : "drain");
			fputs("Name <b>", f);
			render_html_esc(f, m->name);
			fputs("</b> (", f);
			render_html_esc(f, m->zone);
			if (up[fam] == 0) {
				fprintf(f, "): <b>every %s member of pool ",
				    famname[fam]);
				render_html_esc(f, m->pool);
				fputs(" is out</b>; answering ", f);
				render_html_esc(f, m->all_down);
			} else {
				fprintf(f, "): degraded, %zu of %zu %s members "
				    "of pool ", up[fam], all[fam],
				    famname[fam]);
				render_html_esc(f, m->pool);
				fputs(" usable", f);
			}
			fputs("</li>\n", f);
		}
	}
}

static void
members_html(FILE *f, const struct view *vw, size_t *n)
{
	const struct view_member	*v;
	const char			*why, *cls;
	char				 ago[64];
	size_t				 i, shown = 0, more = 0;

	for (i = 0; i < vw->nmembers; i++) {
		v = &vw->members[i];
		if ((why = member_trouble(v, &cls)) == NULL)
			continue;
		if (shown == ATTENTION_MAX_MEMBERS) {
			more++;
			continue;
		}
		shown++;
		item(f, n, "member", cls);
		fprintf(f, "Member <b>%s</b> of pool ", v->addr);
		render_html_esc(f, v->pool);
		fputs(" (", f);
		render_html_esc(f, v->zone);
		fprintf(f, "): <b>%s</b>", why);
		if (strcmp(why, "down") == 0 && v->since > 0) {
			util_ago(ago, sizeof(ago), v->since, vw->now);
			fprintf(f, " since %s", ago);
		}
		if (v->info.reason[0] != '\0' && strcmp(why, "down") == 0) {
			fputs(": ", f);
			render_html_esc(f, v->info.reason);
		}
		if (v->has_override && v->op.reason[0] != '\0') {
			fputs(": ", f);
			render_html_esc(f, v->op.reason);
		}
		fputs("</li>\n", f);
	}
	if (more > 0) {
		item(f, n, "member", "down");
		fprintf(f, "and %zu more member%s: see the pools below</li>\n",
		    more, more == 1 ? "" : "s");
	}
	/* A check that cannot run says nothing of its backend. */
	for (i = 0; i < vw->nmembers; i++) {
		v = &vw->members[i];
		if (!v->info.checked || v->info.last != PROBE_LOCAL_ERROR)
			continue;
		item(f, n, "check", "drain");
		fprintf(f, "The check of <b>%s</b> in pool ", v->addr);
		render_html_esc(f, v->pool);
		fputs(" cannot run: ", f);
		render_html_esc(f, v->info.reason);
		fputs("</li>\n", f);
	}
}

void
render_attention_html(FILE *f, const struct view *vw)
{
	const struct fleet_info	*fi = &vw->fi;
	char			 t[64];
	size_t			 n = 0;

	fputs("<div id=\"attention\">\n", f);
	if (vw->reload_failed) {
		item(f, &n, "reload", "down");
		util_utc(t, sizeof(t), vw->last_reload);
		fprintf(f, "The last reload (%s) was <b>refused</b>: ", t);
		render_html_esc(f, vw->reload_error);
		fputs("; the configuration before it keeps serving</li>\n", f);
	}
	if (vw->ps.falling_behind) {
		item(f, &n, "prober", "down");
		fputs("The prober is <b>falling behind</b>: health may be "
		    "stale</li>\n", f);
	}
	if (vw->fleet && !fi->connected) {
		item(f, &n, "fleet", "down");
		fputs("This node is <b>not reaching etcd</b>: it answers from "
		    "the last fleet state and its own checks</li>\n", f);
	}
	if (vw->fleet && fi->disagree > 0) {
		item(f, &n, "fleet", "drain");
		fprintf(f, "The nodes <b>disagree</b> on %zu target%s</li>\n",
		    fi->disagree, fi->disagree == 1 ? "" : "s");
	}
	if (vw->fleet && fi->config_mismatch > 0) {
		item(f, &n, "fleet", "drain");
		fprintf(f, "%zu node%s run%s <b>another configuration</b></li>"
		    "\n", fi->config_mismatch, fi->config_mismatch == 1 ? "" :
		    "s", fi->config_mismatch == 1 ? "s" : "");
	}
	names_html(f, vw, &n);
	members_html(f, vw, &n);
	if (n > 0)
		fputs("</ul>\n", f);
	else
		fprintf(f, "<p class=\"ok up\">Nothing needs attention: every "
		    "member of the %zu pool%s is up, no override, every check "
		    "runs, the configuration loaded.</p>\n", vw->npools,
		    vw->npools == 1 ? "" : "s");
	fputs("</div>\n", f);
}
