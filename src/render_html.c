/* render_html.c -- the status page, from a view */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "health.h"
#include "history.h"
#include "render.h"
#include "util.h"
#include "view.h"


/* Pools with more members than this start folded. */
#define HTML_OPEN_MAX	50

void
render_html_esc(FILE *f, const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		switch (*s) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			fputc(*s, f);
			break;
		}
}

static const char html_head[] =
"<!DOCTYPE html>\n"
"<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
"<meta http-equiv=\"refresh\" content=\"5\">\n"
"<meta name=\"viewport\" content=\"width=device-width\">\n"
"<title>steerdns status</title>\n<style>\n"
"body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}\n"
"h1{font-size:1.4em;margin:0 0 .3em}h2{font-size:1.15em;margin:1.4em 0 .4em}"
"h3{font-size:1em;margin:1em 0 .3em}\n"
"table{border-collapse:collapse;margin:.3em 0 1em}"
"th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;"
"vertical-align:top}th{background:#f2f2f2}\n"
"td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
".up{background:#dff5df}.down{background:#f9d6d5}.unchecked{background:#eef}"
".alert{background:#f9d6d5;padding:.4em;font-weight:bold}"
".drain{background:#fdf0c8}.forced{background:#f3d9f7}\n"
"ul.attention{list-style:none;padding:0;margin:.3em 0 1em}"
"ul.attention li{padding:.3em .6em;margin:.2em 0;border-left:4px solid #c33}"
"ul.attention li.drain{border-color:#d9a400}"
"ul.attention li.forced{border-color:#a3c}p.ok{padding:.4em .6em}\n"
".meta{color:#555}.badge{display:inline-block;padding:0 .4em;"
"border-radius:3px;font-weight:600}\n"
"</style></head><body>\n";

/* The fleet: this node with the store, then a row per node. */
static void
fleet_html(FILE *f, const struct view *vw)
{
	const struct fleet_info	*fi = &vw->fi;
	const struct view_node	*n;
	char			 t1[64];
	size_t			 i;

	fprintf(f, "<h2>Fleet</h2>\n<p id=\"fleet\" class=\"%s\">Node "
	    "<b>", fi->connected ? "up" : "down");
	render_html_esc(f, fi->node);
	fputs("</b>: ", f);
	if (fi->connected) {
		fputs("in step with etcd at ", f);
		render_html_esc(f, fi->endpoint);
	} else {
		fputs("<b>not reaching etcd</b>: answering from the last fleet "
		    "state and this node's checks", f);
		if (fi->error[0] != '\0') {
			fputs(" (", f);
			render_html_esc(f, fi->error);
			fputs(")", f);
		}
	}
	fprintf(f, " &middot; %zu of %zu nodes live &middot; quorum ",
	    fi->nodes_live, fi->nodes);
	if (fi->quorum == 0)
		fputs("majority", f);
	else
		fprintf(f, "%u", fi->quorum);
	fprintf(f, " &middot; <span class=\"%s\">%zu target%s in "
	    "disagreement</span> &middot; <span class=\"%s\">%zu node%s with "
	    "another config</span> &middot; lag %u ms (max %u ms)</p>\n",
	    fi->disagree ? "drain" : "up", fi->disagree, fi->disagree == 1 ?
	    "" : "s", fi->config_mismatch ? "down" : "up",
	    fi->config_mismatch, fi->config_mismatch == 1 ? "" : "s",
	    fi->lag_ms, fi->lag_max_ms);
	fputs("<table class=\"nodes\"><tr><th>Node</th><th>Live</th>"
	    "<th>Last seen</th><th>Config</th><th>Version</th><th>Lag</th>"
	    "</tr>\n", f);
	for (i = 0; i < vw->nnodes; i++) {
		n = &vw->nodes[i];
		fprintf(f, "<tr class=\"node %s\"><td>", n->live || n->self ?
		    "up" : "down");
		render_html_esc(f, n->name);
		util_ago(t1, sizeof(t1), n->seen, vw->now);
		fprintf(f, "%s</td><td>%s</td><td>%s</td><td%s>%s%s</td><td>",
		    n->self ? " (this node)" : "", n->live ? "yes" : "no",
		    n->self ? "now" : n->seen > 0 ? t1 : "-",
		    n->config_same ? "" : " class=\"down\"", n->config_hash,
		    n->config_same ? "" : " (differs)");
		render_html_esc(f, n->version);
		fprintf(f, "</td><td class=\"num\">%u ms</td></tr>\n",
		    n->lag_ms);
	}
	fputs("</table>\n", f);
}

char *
render_html(const struct view *vw, size_t *lenp)
{
	const struct server_stats	*st = &vw->st;
	const struct view_zone		*z;
	const struct view_pool		*p;
	const struct view_name		*m;
	const struct view_member	*v;
	char				*buf = NULL, t1[64], t2[64];
	const char			*cls;
	size_t				 len = 0, i, k, k2, n;
	double				 now = vw->now;
	FILE				*f;

	if ((f = open_memstream(&buf, &len)) == NULL)
		return NULL;
	fputs(html_head, f);
	util_utc(t1, sizeof(t1), now);
	util_utc(t2, sizeof(t2), vw->started);
	fprintf(f, "<h1>steerdns %s</h1>\n<p class=\"meta\" id=\"summary\">"
	    "Generated %s &middot; started %s (pid %d) &middot; configuration "
	    "generation <b id=\"generation\">%llu</b> &middot; reloads: %llu "
	    "ok, %llu failed &middot; queries: %llu (UDP %llu, TCP %llu) "
	    "&middot; refreshes every 5 s</p>\n", vw->version, t1, t2,
	    vw->pid, (unsigned long long)vw->generation,
	    (unsigned long long)vw->reloads_ok,
	    (unsigned long long)vw->reloads_failed,
	    (unsigned long long)answer_stat_get(&st->q.queries),
	    (unsigned long long)answer_stat_get(&st->tr[0].queries),
	    (unsigned long long)answer_stat_get(&st->tr[1].queries));
	/*
	 * Late results are kept from moving members; the operator should
	 * know the health shown may be stale.
	 */
	if (vw->ps.falling_behind)
		fprintf(f, "<p class=\"alert\" id=\"prober-behind\">The "
		    "prober is falling behind: %llu late result%s taken as "
		    "local errors (%llu checks in flight, %llu waiting). "
		    "Health may be stale.</p>\n",
		    (unsigned long long)vw->ps.behind, vw->ps.behind == 1 ?
		    "" : "s", (unsigned long long)vw->ps.inflight,
		    (unsigned long long)vw->ps.waiting);
	render_attention_html(f, vw);
	if (vw->history != NULL) {
		fputs("<h2>Queries</h2>\n", f);
		render_svg_qps(f, vw->history);
	}
	if (vw->fleet)
		fleet_html(f, vw);
	for (i = 0; i < vw->nzones; i++) {
		z = &vw->zones[i];
		fputs("<h2>Zone ", f);
		render_html_esc(f, z->name);
		fputs("</h2>\n", f);
		if (z->nnames > 0) {
			fputs("<h3>Managed names</h3>\n<table class=\"names\">"
			    "<tr><th>Name</th><th>Pool</th><th>Chain</th>"
			    "<th>TTL</th><th>All down</th><th>Answers</th>"
			    "</tr>\n", f);
			for (k = 0; k < z->nnames; k++) {
				m = &vw->names[z->first_name + k];
				fputs("<tr><td>", f);
				render_html_esc(f, m->name);
				fputs("</td><td>", f);
				render_html_esc(f, m->pool);
				fputs("</td><td>", f);
				render_html_esc(f, m->chain);
				fprintf(f, "</td><td class=\"num\">%u (%u)</td>"
				    "<td>%s</td><td class=\"num\">%llu</td>"
				    "</tr>\n", m->ttl, m->degraded_ttl,
				    m->all_down, (unsigned long long)m->answers);
			}
			fputs("</table>\n", f);
			for (k = 0; vw->history != NULL && k < z->nnames; k++) {
				m = &vw->names[z->first_name + k];
				fputs("<h3>Answers of ", f);
				render_html_esc(f, m->name);
				fputs(" by member</h3>\n", f);
				render_svg_shares(f, vw->history, vw, m);
			}
		}
		for (k = 0; k < z->npools; k++) {
			p = &vw->pools[z->first_pool + k];
			fputs("<h3>Pool ", f);
			render_html_esc(f, p->name);
			fputs("</h3>\n", f);
			/*
			 * A long table is folded: a browser lays out no
			 * hidden row, and the members that need attention
			 * are listed at the top anyway.
			 */
			if (p->n > HTML_OPEN_MAX) {
				for (n = 0, k2 = 0; n < p->n; n++)
					k2 += vw->members[p->first + n].usable;
				fprintf(f, "<details class=\"pool\"><summary>%zu "
				    "members, %zu usable</summary>\n", p->n,
				    k2);
			}
			fputs("<table class=\"pool\"><tr><th>Member</th>"
			    "<th>Check</th><th>State</th><th>Since</th>"
			    "<th>Reason</th><th>RTT</th><th>Load</th>"
			    "<th>Weight</th><th>Priority</th><th>Override</th>"
			    "<th>Answers</th><th>Last hour</th></tr>\n", f);
			for (n = 0; n < p->n; n++) {
				v = &vw->members[p->first + n];
				cls = !v->usable ? (strcmp(v->admin, "drain") == 0
				    ? "drain" : strcmp(v->admin, "down") == 0 ?
				    "forced" : "down") : strcmp(v->admin, "up")
				    == 0 ? "forced" : v->check == NULL ?
				    "unchecked" : "up";
				fprintf(f, "<tr class=\"member %s\" "
				    "data-member=\"%s\"><td>%s</td><td>", cls,
				    v->addr, v->addr);
				render_html_esc(f, v->check != NULL ? v->target :
				    "-");
				util_ago(t1, sizeof(t1), v->since, now);
				util_utc(t2, sizeof(t2), v->since);
				fprintf(f, "</td><td><span class=\"badge\">%s%s"
				    "%s</span></td><td title=\"%s\">%s</td>"
				    "<td>", v->state, strcmp(v->admin, "none") ?
				    ", " : "", strcmp(v->admin, "none") ?
				    (strcmp(v->admin, "drain") == 0 ?
				    "drained" : strcmp(v->admin, "up") == 0 ?
				    "forced up" : "forced down") : "", t2, t1);
				render_html_esc(f, v->info.reason);
				if (v->pending)
					fputs(" <span class=\"badge\">pending: no "
					    "result since the reload</span>", f);
				if (v->flapping)
					fputs(" <span class=\"badge\">flapping: "
					    "kept out</span>", f);
				if (v->weight_now < v->weight)
					fprintf(f, " <span class=\"badge\">slow "
					    "start: weight %u of %u</span>",
					    v->weight_now, v->weight);
				fputs("</td><td class=\"num\">", f);
				if (v->info.rtt_us != HEALTH_RTT_NONE)
					fprintf(f, "%.2f ms", v->info.rtt_us /
					    1000.0);
				fputs("</td><td class=\"num\">", f);
				if (v->info.load != HEALTH_LOAD_NONE)
					fprintf(f, "%u", v->info.load);
				fprintf(f, "</td><td class=\"num\">%u</td>"
				    "<td class=\"num\">%u</td><td>",
				    v->weight, v->priority);
				if (v->has_override) {
					if (v->op.fleet)
						fputs("fleet ", f);
					render_html_esc(f, v->op.state);
					if (v->op.reason[0] != '\0') {
						fputs(": ", f);
						render_html_esc(f, v->op.reason);
					}
					if (v->op.expires > 0) {
						util_utc(t2, sizeof(t2),
						    v->op.expires);
						fprintf(f, " (until %s)", t2);
					}
				}
				if (v->has_override && v->op.fleet &&
				    v->op.by[0] != '\0') {
					fputs(" by ", f);
					render_html_esc(f, v->op.by);
				}
				if (v->local != NULL)
					fprintf(f, "%s<span class=\"votes\">"
					    "%zu of %zu nodes see it down"
					    "</span>", v->has_override ?
					    "<br>" : "", v->down, v->voters);
				fprintf(f, "</td><td class=\"num\">%llu</td><td>",
				    (unsigned long long)v->answers);
				if (vw->history != NULL)
					render_svg_member(f, vw->history,
					    history_find(vw->history, v->zone,
					    v->pool, v->addr));
				fputs("</td></tr>\n", f);
			}
			fputs(p->n > HTML_OPEN_MAX ? "</table></details>\n" :
			    "</table>\n", f);
		}
	}
	fputs("<p class=\"meta\">Also: <a href=\"/status.json\">status.json"
	    "</a> &middot; <a href=\"/metrics\">metrics</a></p>\n"
	    "</body></html>\n", f);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	*lenp = len;
	return buf;
}
