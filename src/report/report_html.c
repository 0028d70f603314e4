/* The report as one self-contained HTML file: inline CSS and SVG, no
 * script, no external resource (a Content-Security-Policy of its own says
 * so to the browser). Pictures: goroutines by state as bars, and for each
 * suspect map the occupancy of its buckets or groups. Every string from
 * the model goes through hc_report_escape_html. */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_priv.h"

struct html {
	struct hc_strbuf *out;
	bool ok;
};

static void he(struct html *w, const char *s)
{
	w->ok = w->ok && hc_report_escape_html(w->out, s ? s : "");
}

__attribute__((format(printf, 2, 3)))
static void hf(struct html *w, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	w->ok = w->ok && hc_strbuf_appendv(w->out, f, ap);
	va_end(ap);
}

static const char style[] =
	"body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#222}"
	"h1{font-size:1.5em}h2{border-bottom:1px solid #ccc;margin-top:2em}"
	"table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:.2em .5em;"
	"text-align:left;vertical-align:top}th{background:#f4f4f4}"
	"pre{background:#f7f7f7;border:1px solid #e3e3e3;padding:.6em;overflow-x:auto}"
	".error{color:#b00020;font-weight:bold}.warning{color:#9a6700;font-weight:bold}.info{color:#0969da}"
	".verdict{display:inline-block;padding:.2em .6em;border-radius:.3em;color:#fff}"
	".findings{background:#b00020}.clean{background:#1a7f37}.incomplete{background:#9a6700}"
	".summary{border-left:4px solid #b00020;padding:.3em .8em;background:#fff5f5}"
	"code{font-family:ui-monospace,monospace}figure{margin:1em 0}figcaption{color:#555}";

/* Slot state colours of the occupancy pictures (enum hc_report_slot). */
static const char *const slot_colors[] = {
	[HC_REPORT_SLOT_LIVE] = "#2ca02c",
	[HC_REPORT_SLOT_EMPTY] = "#e6e6e6",
	[HC_REPORT_SLOT_DELETED] = "#d62728",
	[HC_REPORT_SLOT_EVACUATED] = "#9467bd",
	[HC_REPORT_SLOT_INVALID] = "#000000",
};
static const char *const slot_names[] = {
	[HC_REPORT_SLOT_LIVE] = "live",
	[HC_REPORT_SLOT_EMPTY] = "empty",
	[HC_REPORT_SLOT_DELETED] = "deleted",
	[HC_REPORT_SLOT_EVACUATED] = "evacuated",
	[HC_REPORT_SLOT_INVALID] = "invalid",
};

/* Bar colours of the goroutine states. */
static const char *const bar_colors[] = {
	"#1f77b4", "#ff7f0e", "#17becf", "#8c564b", "#e377c2",
	"#7f7f7f", "#bcbd22", "#393b79", "#637939", "#8c6d31",
};

static void states_svg(struct html *w, const struct hc_report *r)
{
	size_t n = r->states.size < 24 ? r->states.size : 24;
	if (!n)
		return;
	size_t max = 1;
	for (size_t i = 0; i < n; i++)
		if (r->states.data[i].count > max)
			max = r->states.data[i].count;
	const unsigned row = 22, label = 260, width = 420;
	hf(w, "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" id=\"goroutine-states\" "
	      "role=\"img\" width=\"%u\" height=\"%zu\" viewBox=\"0 0 %u %zu\">"
	      "<title>goroutines by state</title>",
	   label + width + 80, n * row + 4, label + width + 80, n * row + 4);
	for (size_t i = 0; i < n; i++) {
		const struct hc_report_state *s = &r->states.data[i];
		unsigned bw = (unsigned)((double)width * (double)s->count / (double)max);
		if (bw < 2)
			bw = 2;
		hf(w, "<text x=\"%u\" y=\"%zu\" text-anchor=\"end\" font-size=\"13\">", label - 8,
		   i * row + 16);
		he(w, s->state);
		hf(w, "</text><rect x=\"%u\" y=\"%zu\" width=\"%u\" height=\"%u\" fill=\"%s\"/>"
		      "<text x=\"%u\" y=\"%zu\" font-size=\"13\">%zu</text>",
		   label, i * row + 3, bw, row - 6, bar_colors[i % 10], label + bw + 6, i * row + 16,
		   s->count);
	}
	hf(w, "</svg><figcaption>Goroutines by state (%zu in all).</figcaption></figure>\n",
	   r->goroutines_total);
}

/* One rectangle per run of equal cells in a row. */
static void cell_run(struct html *w, unsigned x, unsigned y, unsigned len, unsigned cell,
		     const char *color)
{
	hf(w, "<rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\" fill=\"%s\"/>", x, y,
	   len * cell - 1, cell - 1, color);
}

/* A live fraction as a colour from empty grey to live green. */
static void ramp(char buf[8], unsigned live, unsigned slots)
{
	static const unsigned e[3] = {0xe6, 0xe6, 0xe6}, l[3] = {0x2c, 0xa0, 0x2c};
	unsigned c[3];
	for (int i = 0; i < 3; i++)
		c[i] = (slots ? (e[i] * (slots - live) + l[i] * live) / slots : e[i]) & 0xff;
	snprintf(buf, 8, "#%02x%02x%02x", c[0], c[1], c[2]);
}

static void occupancy_svg(struct html *w, const struct hc_report_map *m, size_t index)
{
	size_t n = m->units.size;
	if (!n)
		return;
	bool slots = n <= 512;
	/* Slot grid: one row of 8 cells per bucket or group, in columns of 32
	 * rows; unit grid: one cell per bucket or group, 64 a row. */
	const unsigned cell = slots ? 8 : 6, col_rows = 32, col_w = 9 * 8;
	size_t cols = slots ? (n + col_rows - 1) / col_rows : 1;
	size_t rows = slots ? (n < col_rows ? n : col_rows) : (n + 63) / 64;
	unsigned width = slots ? (unsigned)cols * col_w : 64 * cell;
	size_t height = rows * cell;
	hf(w, "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" id=\"occupancy-%zu\" role=\"img\" "
	      "width=\"%u\" height=\"%zu\" viewBox=\"0 0 %u %zu\"><title>",
	   index, width, height, width, height);
	he(w, m->path);
	hf(w, "</title>");
	/* Each line (a unit's 8 slots, or 64 units) as runs of one colour. */
	size_t lines = slots ? n : rows;
	for (size_t line = 0; line < lines; line++) {
		unsigned x0 = slots ? (unsigned)(line / col_rows) * col_w : 0;
		unsigned y = (unsigned)(slots ? line % col_rows : line) * cell;
		size_t ncells = slots ? 8 : (line * 64 + 64 <= n ? 64 : n - line * 64);
		size_t run_start = 0;
		char run_color[8] = "", color[8] = "";
		for (size_t c = 0; c <= ncells; c++) {
			if (c < ncells) {
				if (slots) {
					uint8_t s = m->units.data[line].slots[c];
					snprintf(color, sizeof(color), "%s",
						 slot_colors[s < 5 ? s : HC_REPORT_SLOT_INVALID]);
				} else {
					ramp(color, m->units.data[line * 64 + c].live, 8);
				}
			}
			if (c == ncells || strcmp(color, run_color) != 0) {
				if (c > run_start)
					cell_run(w, x0 + (unsigned)run_start * cell, y,
						 (unsigned)(c - run_start), cell, run_color);
				run_start = c;
				memcpy(run_color, color, sizeof(color));
			}
		}
	}
	hf(w, "</svg><figcaption>");
	he(w, m->path);
	if (slots) {
		hf(w, ": every slot of the %zu %s%s, one row each. Colours:", n,
		   m->units.data[0].kind, n == 1 ? "" : "s");
		for (int s = 0; s < 5; s++)
			hf(w, " <span style=\"color:%s\">&#9632;</span> %s", slot_colors[s], slot_names[s]);
	} else {
		hf(w, ": one cell per %s, from grey (empty) to green (8 live slots)",
		   m->units.data[0].kind);
	}
	if (m->units_total > n)
		hf(w, "; the first %zu of %" PRIu64 " drawn", n, m->units_total);
	hf(w, ".</figcaption></figure>\n");
}

/* ------------------------------------------------------------ backend */

static bool put(struct rp_doc *d, const char *s)
{
	return hc_strbuf_appends(d->out, s);
}

static bool h_esc(struct rp_doc *d, const char *s)
{
	return hc_report_escape_html(d->out, s);
}

static bool h_begin(struct rp_doc *d, const struct hc_report *r)
{
	return put(d, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		      "style-src 'unsafe-inline'\">\n"
		      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		      "<meta name=\"generator\" content=\"") &&
	       h_esc(d, r->tool) && put(d, "\">\n<title>hmapcore report: ") &&
	       h_esc(d, r->crash.headline) && put(d, "</title>\n<style>") && put(d, style) &&
	       put(d, "</style>\n</head>\n<body>\n");
}

static bool h_end(struct rp_doc *d, const struct hc_report *r)
{
	return put(d, "<footer><p>") && h_esc(d, r->tool) &&
	       hc_strbuf_appendf(d->out, ", report schema %s</p></footer>\n</body>\n</html>\n",
				 HC_REPORT_SCHEMA);
}

static bool h_title_begin(struct rp_doc *d) { return put(d, "<h1>"); }
static bool h_title_end(struct rp_doc *d) { return put(d, "</h1>\n"); }

static bool h_verdict(struct rp_doc *d, const char *v)
{
	return hc_strbuf_appendf(d->out, "<span class=\"verdict %s\" id=\"verdict\">%s</span>", v, v);
}

static bool h_section_begin(struct rp_doc *d, const char *id, const char *title)
{
	return hc_strbuf_appendf(d->out, "<section id=\"%s\">\n<h2>%s</h2>\n", id, title);
}

static bool h_section_end(struct rp_doc *d) { return put(d, "</section>\n"); }

static bool h_subheading(struct rp_doc *d, const char *title)
{
	return put(d, "<h3>") && put(d, title) && put(d, "</h3>\n");
}

static bool h_para_begin(struct rp_doc *d) { return put(d, "<p>"); }
static bool h_para_end(struct rp_doc *d) { return put(d, "</p>\n"); }

static bool h_callout(struct rp_doc *d, const char *s)
{
	return put(d, "<p class=\"summary\">") && h_esc(d, s) && put(d, "</p>\n");
}

static bool end_row(struct rp_doc *d)
{
	bool ok = !d->in_row || put(d, "</td></tr>\n");
	d->in_row = false;
	return ok;
}

static bool h_kv_begin(struct rp_doc *d)
{
	d->in_row = false;
	return put(d, "<table>\n");
}

static bool h_kv_row(struct rp_doc *d, const char *key)
{
	bool ok = end_row(d) && put(d, "<tr><th>") && put(d, key) && put(d, "</th><td>");
	d->in_row = true;
	return ok;
}

static bool h_kv_end(struct rp_doc *d) { return end_row(d) && put(d, "</table>\n"); }

static bool h_table_begin(struct rp_doc *d, const char *const *cols, size_t n)
{
	bool ok = put(d, "<table>\n<tr>");
	for (size_t i = 0; ok && i < n; i++)
		ok = put(d, "<th>") && put(d, cols[i]) && put(d, "</th>");
	return ok && put(d, "</tr>\n");
}

static bool h_row_begin(struct rp_doc *d)
{
	d->in_row = true;
	return put(d, "<tr><td>");
}

static bool h_cell(struct rp_doc *d) { return put(d, "</td><td>"); }
static bool h_row_end(struct rp_doc *d) { return end_row(d); }
static bool h_table_end(struct rp_doc *d) { return put(d, "</table>\n"); }

/* The block's own newlines stay; each line is escaped. */
static bool h_pre(struct rp_doc *d, const char *block)
{
	bool ok = put(d, "<pre>");
	while (ok && *block) {
		const char *nl = strchr(block, '\n');
		size_t n = nl ? (size_t)(nl - block) : strlen(block);
		char *line = strndup(block, n);
		ok = line && h_esc(d, line) && (!nl || put(d, "\n"));
		free(line);
		block += n + (nl ? 1 : 0);
	}
	return ok && put(d, "</pre>\n");
}

static bool h_code(struct rp_doc *d, const char *s)
{
	return put(d, "<code>") && h_esc(d, s) && put(d, "</code>");
}

static bool h_addr(struct rp_doc *d, uint64_t a)
{
	return hc_strbuf_appendf(d->out, "<code>0x%" PRIx64 "</code>", a);
}

static bool h_severity(struct rp_doc *d, const char *sev)
{
	return hc_strbuf_appendf(d->out, "<span class=\"%s\">%s</span>", sev, sev);
}

static bool h_strong_begin(struct rp_doc *d) { return put(d, "<strong>"); }
static bool h_strong_end(struct rp_doc *d) { return put(d, "</strong>"); }

static bool h_group_begin(struct rp_doc *d, bool open)
{
	return put(d, open ? "<details open><summary>" : "<details><summary>");
}

static bool h_group_summary_end(struct rp_doc *d) { return put(d, "</summary>\n"); }
static bool h_group_end(struct rp_doc *d) { return put(d, "</details>\n"); }

static bool h_states(struct rp_doc *d, const struct hc_report *r)
{
	struct html w = {.out = d->out, .ok = true};
	states_svg(&w, r);
	return w.ok;
}

static bool h_occupancy(struct rp_doc *d, const struct hc_report_map *m, size_t i)
{
	struct html w = {.out = d->out, .ok = true};
	occupancy_svg(&w, m, i);
	return w.ok;
}

static bool h_list_begin(struct rp_doc *d)
{
	d->in_item = false;
	return put(d, "<ul>\n");
}

static bool h_item(struct rp_doc *d)
{
	bool ok = !d->in_item || put(d, "</li>\n");
	d->in_item = true;
	return ok && put(d, "<li>");
}

static bool h_list_end(struct rp_doc *d)
{
	bool ok = !d->in_item || put(d, "</li>\n");
	d->in_item = false;
	return ok && put(d, "</ul>\n");
}

static const struct rp_doc_ops html_ops = {
	.pictures = true,
	.esc = h_esc,
	.begin = h_begin,
	.end = h_end,
	.title_begin = h_title_begin,
	.title_end = h_title_end,
	.verdict = h_verdict,
	.section_begin = h_section_begin,
	.section_end = h_section_end,
	.subheading = h_subheading,
	.para_begin = h_para_begin,
	.para_end = h_para_end,
	.callout = h_callout,
	.kv_begin = h_kv_begin,
	.kv_row = h_kv_row,
	.kv_end = h_kv_end,
	.table_begin = h_table_begin,
	.row_begin = h_row_begin,
	.cell = h_cell,
	.row_end = h_row_end,
	.table_end = h_table_end,
	.pre = h_pre,
	.code = h_code,
	.addr = h_addr,
	.severity = h_severity,
	.strong_begin = h_strong_begin,
	.strong_end = h_strong_end,
	.group_begin = h_group_begin,
	.group_summary_end = h_group_summary_end,
	.group_end = h_group_end,
	.states = h_states,
	.occupancy = h_occupancy,
	.list_begin = h_list_begin,
	.item = h_item,
	.list_end = h_list_end,
};

bool rp_write_html(const struct hc_report *r, struct hc_strbuf *out)
{
	return rp_write_document(r, &html_ops, out);
}
