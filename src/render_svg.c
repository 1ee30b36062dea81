/* render_svg.c -- the status page's pictures: inline SVG from the history */
/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health.h"
#include "history.h"
#include "render.h"
#include "view.h"

/* Series colours, told apart in colour and in grey. */
static const char *const palette[] = { "#1f77b4", "#ff7f0e", "#2ca02c",
    "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f" };
#define NPALETTE	(sizeof(palette) / sizeof(palette[0]))

/* Members of a pool drawn one by one; the others as one series. */
#define SHARES_MAX	7

/* Chart geometry: a cell is CELL_W wide, the newest at the right. */
#define CELL_W		5
#define PLOT_W		(HISTORY_CELLS * CELL_W)
#define LEFT		52
#define CHART_H		110

static double
x_of(const struct history *h, size_t i)
{
	return LEFT + (HISTORY_CELLS - history_cells(h) + i) * CELL_W +
	    CELL_W / 2.0;
}

static void
frame(FILE *f, const struct history *h, const char *id, const char *title,
    const char *top)
{
	double	 span = HISTORY_CELLS * h->step;
	char	 ago[32];

	if (span < 120)
		snprintf(ago, sizeof(ago), "-%.0f s", span);
	else
		snprintf(ago, sizeof(ago), "-%.0f min", span / 60);
	fprintf(f, "<svg id=\"%s\" class=\"chart\" width=\"%d\" height=\"%d\" "
	    "viewBox=\"0 0 %d %d\" role=\"img\" xmlns=\"http://www.w3.org/2000/"
	    "svg\"><title>%s</title>\n<rect x=\"%d\" y=\"5\" width=\"%d\" "
	    "height=\"%d\" fill=\"#fafafa\" stroke=\"#ccc\"/>\n", id,
	    LEFT + PLOT_W + 10, CHART_H + 30, LEFT + PLOT_W + 10, CHART_H + 30,
	    title, LEFT, PLOT_W, CHART_H);
	fprintf(f, "<text x=\"%d\" y=\"14\" font-size=\"10\" text-anchor="
	    "\"end\">%s</text><text x=\"%d\" y=\"%d\" font-size=\"10\" "
	    "text-anchor=\"end\">0</text>\n<text x=\"%d\" y=\"%d\" "
	    "font-size=\"10\">%s</text><text x=\"%d\" y=\"%d\" "
	    "font-size=\"10\" text-anchor=\"end\">now</text>\n", LEFT - 4, top,
	    LEFT - 4, CHART_H + 5, LEFT, CHART_H + 18,
	    ago, LEFT + PLOT_W, CHART_H + 18);
}

static void
legend(FILE *f, size_t k, const char *label, const char *extra)
{
	fprintf(f, "<span class=\"key\"><span style=\"display:inline-block;"
	    "width:.8em;height:.8em;background:%s\"></span> %s%s</span> ",
	    palette[k % NPALETTE], label, extra);
}

void
render_svg_qps(FILE *f, const struct history *h)
{
	size_t		 n = history_cells(h), r, i, k = 0;
	double		 max = 0, q;
	bool		 any[ANSWER_NRCODES] = { false };
	char		 top[32];

	if (n == 0) {
		fprintf(f, "<p class=\"meta\" id=\"qps-none\">No samples yet: "
		    "one every %g s.</p>\n", h->step);
		return;
	}
	for (r = 0; r < ANSWER_NRCODES; r++)
		for (i = 0; i < n; i++) {
			q = h->rcode[r][history_at(h, i)] / h->step;
			any[r] |= q > 0;
			if (q > max)
				max = q;
		}
	if (max == 0)
		max = 1;
	snprintf(top, sizeof(top), "%.4g/s", max);
	frame(f, h, "qps", "Queries per second by rcode", top);
	for (r = 0; r < ANSWER_NRCODES; r++) {
		if (!any[r])
			continue;
		fprintf(f, "<polyline class=\"series\" data-series=\"%s\" "
		    "fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"",
		    answer_rcode_name(r), palette[k++ % NPALETTE]);
		for (i = 0; i < n; i++)
			fprintf(f, "%.1f,%.1f ", x_of(h, i), 5 + CHART_H -
			    h->rcode[r][history_at(h, i)] / h->step / max *
			    CHART_H);
		fputs("\"/>\n", f);
	}
	fputs("</svg>\n<div class=\"legend\">", f);
	for (r = 0, k = 0; r < ANSWER_NRCODES; r++)
		if (any[r])
			legend(f, k++, answer_rcode_name(r), "");
	fputs("</div>\n", f);
}

struct share {
	const struct history_share	*m;
	const char			*addr;
	uint64_t			 total;
};

static int
by_total(const void *a, const void *b)
{
	const struct share	*x = a, *y = b;

	return x->total < y->total ? 1 : x->total > y->total ? -1 : 0;
}

void
render_svg_shares(FILE *f, const struct history *h, const struct view *vw,
    const struct view_name *name)
{
	const struct view_pool	*p = view_pool_of(vw, name);
	struct share	*s;
	size_t		 n = history_cells(h), i, j, k, ns, c;
	uint64_t	 all = 0, *cell;
	double		 *base, *top, v;
	char		 id[64], pct[32];

	if (n == 0 || p == NULL || p->n == 0)
		return;
	s = calloc(p->n + 1, sizeof(*s));
	cell = calloc(n, sizeof(*cell));
	base = calloc(n, sizeof(*base));
	top = calloc(n, sizeof(*top));
	if (s == NULL || cell == NULL || base == NULL || top == NULL)
		goto out;
	for (j = 0; j < p->n; j++) {
		s[j].addr = vw->members[p->first + j].addr;
		s[j].m = history_find_share(h, name->zone, name->name,
		    s[j].addr);
		for (i = 0; s[j].m != NULL && i < n; i++) {
			v = s[j].m->answers[history_at(h, i)];
			s[j].total += v;
			cell[i] += v;
		}
		all += s[j].total;
	}
	if (all == 0)
		goto out;
	qsort(s, p->n, sizeof(*s), by_total);
	/* The first SHARES_MAX with answers; "others" stands for the rest. */
	for (ns = 0; ns < p->n && ns < SHARES_MAX && s[ns].total > 0; ns++)
		;
	snprintf(id, sizeof(id), "shares-%zu", (size_t)(name - vw->names));
	frame(f, h, id, "Share of the name's answers per member", "100%");
	for (k = 0; k <= ns; k++) {
		/* The others, when there are some with answers. */
		if (k == ns && (ns == p->n || s[ns].total == 0))
			break;
		fprintf(f, "<polygon class=\"series\" data-series=\"%s\" "
		    "fill=\"%s\" fill-opacity=\".85\" points=\"",
		    k < ns ? s[k].addr : "others", palette[k % NPALETTE]);
		/* The top edge left to right, then the bottom back. */
		for (i = 0; i < n; i++) {
			c = history_at(h, i);
			for (v = 0, j = k; j < (k < ns ? k + 1 : p->n); j++)
				v += s[j].m != NULL ? s[j].m->answers[c] : 0;
			top[i] = base[i] + (cell[i] > 0 ? v / cell[i] : 0);
			fprintf(f, "%.1f,%.1f ", x_of(h, i), 5 + CHART_H -
			    top[i] * CHART_H);
		}
		for (i = n; i-- > 0;) {
			fprintf(f, "%.1f,%.1f ", x_of(h, i), 5 + CHART_H -
			    base[i] * CHART_H);
			base[i] = top[i];
		}
		fputs("\"/>\n", f);
	}
	fputs("</svg>\n<div class=\"legend\">", f);
	for (k = 0; k < ns; k++) {
		snprintf(pct, sizeof(pct), " %.1f%%", 100.0 * s[k].total / all);
		legend(f, k, s[k].addr, pct);
	}
	if (ns < p->n && s[ns].total > 0) {
		for (v = 0, j = ns; j < p->n; j++)
			v += s[j].total;
		snprintf(pct, sizeof(pct), " %.1f%%", 100.0 * v / all);
		legend(f, ns, "others", pct);
	}
	fputs("</div>\n", f);
out:
	free(s);
	free(cell);
	free(base);
	free(top);
}

static const char *
state_colour(uint8_t st)
{
	switch (st & ~HIST_CHANGED) {
	case HIST_UP:
		return "#4caf50";
	case HIST_DOWN:
		return "#d33";
	case HIST_OUT:
		return "#e0a800";
	default:
		return "#ddd";
	}
}

/*
 * A member's last hour: a strip of its state (runs of one state are one
 * rectangle), a mark at each cell with a transition, its RTT below.
 */
void
render_svg_member(FILE *f, const struct history *h,
    const struct history_member *m)
{
	size_t		 n = history_cells(h), i, j, c, marks = 0;
	uint32_t	 max = 0, r;
	double		 x0 = (HISTORY_CELLS - n) * 2.0;
	bool		 pen = false;

	fprintf(f, "<svg class=\"member-hist\" width=\"%d\" height=\"30\" "
	    "xmlns=\"http://www.w3.org/2000/svg\">", HISTORY_CELLS * 2);
	if (m == NULL || n == 0) {
		fputs("</svg>", f);
		return;
	}
	for (i = 0; i < n; i = j) {
		c = history_at(h, i);
		for (j = i + 1; j < n && (m->state[history_at(h, j)] &
		    ~HIST_CHANGED) == (m->state[c] & ~HIST_CHANGED); j++)
			;
		fprintf(f, "<rect class=\"strip s%u\" x=\"%.0f\" y=\"0\" "
		    "width=\"%zu\" height=\"10\" fill=\"%s\"/>",
		    m->state[c] & ~HIST_CHANGED, x0 + i * 2.0, (j - i) * 2,
		    state_colour(m->state[c]));
	}
	for (i = 0; i < n; i++)
		if (m->state[history_at(h, i)] & HIST_CHANGED) {
			fprintf(f, "<rect class=\"transition\" x=\"%.0f\" "
			    "y=\"0\" width=\"1\" height=\"12\" fill=\"#000\"/>",
			    x0 + i * 2.0);
			marks++;
		}
	for (i = 0; i < n; i++) {
		r = m->rtt_us[history_at(h, i)];
		if (r != HEALTH_RTT_NONE && r > max)
			max = r;
	}
	if (max > 0) {
		fprintf(f, "<path class=\"rtt\" fill=\"none\" stroke=\"#1f77b4\" "
		    "stroke-width=\"1\" d=\"");
		for (i = 0; i < n; i++) {
			r = m->rtt_us[history_at(h, i)];
			if (r == HEALTH_RTT_NONE) {
				pen = false;
				continue;
			}
			fprintf(f, "%c%.0f,%.1f ", pen ? 'L' : 'M', x0 + i *
			    2.0 + 1, 29 - (double)r / max * 15);
			pen = true;
		}
		fprintf(f, "\"><title>RTT, at most %.2f ms</title></path>",
		    max / 1000.0);
	}
	fprintf(f, "<title>%zu transition%s</title></svg>", marks, marks == 1 ?
	    "" : "s");
}
