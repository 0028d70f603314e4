/* The report as one self-contained HTML file: inline CSS and SVG, no
 * script, no external resource (a Content-Security-Policy of its own says
 * so to the browser). Pictures: goroutines by state as bars, and for each
 * suspect map the occupancy of its buckets or groups. Every string from
 * the model goes through hc_report_escape_html. */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
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

static void hsize(struct html *w, uint64_t n)
{
	w->ok = w->ok && hc_format_size(w->out, n);
}

static const char style[] =
	"body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#222}"
	"h1{font-size:1.5em}h2{border-bottom:1px solid #ccc;margin-top:2em}"
	"table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:.2em .5em;"
	"text-align:left;vertical-align:top}th{background:#f4f4f4}"
	"pre{background:#f7f7f7;border:1px solid #e3e3e3;padding:.6em;overflow-x:auto}"
	".error{color:#b00020;font-weight:bold}.warning{color:#9a6700;font-weight:bold}.info{color:#0969da}"
	".verdict{display:inline-block;padding:.2em .6em;border-radius:.3em;color:#fff}"
	".findings{background:#b00020}.clean{background:#1a7f37}"
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

static void frames_pre(struct html *w, const char *head, const struct hc_report_frame_vec *fs,
		       const char *tail)
{
	hf(w, "<pre>");
	if (head) {
		he(w, head);
		hf(w, "\n");
	}
	for (size_t i = 0; i < fs->size; i++) {
		const struct hc_report_frame *f = &fs->data[i];
		he(w, f->func);
		hf(w, "%s\n    ", f->inlined ? " (inlined)" : "");
		he(w, f->file);
		hf(w, ":%d", f->line);
		if (f->offset)
			hf(w, " +0x%" PRIx64, f->offset);
		hf(w, "\n");
	}
	if (tail) {
		he(w, tail);
		hf(w, "\n");
	}
	hf(w, "</pre>\n");
}

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

bool rp_write_html(const struct hc_report *r, struct hc_strbuf *out)
{
	struct html w_ = {.out = out, .ok = true};
	struct html *w = &w_;
	hf(w, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta name=\"generator\" content=\"");
	he(w, r->tool);
	hf(w, "\">\n<title>hmapcore report: ");
	he(w, r->crash.headline);
	hf(w, "</title>\n<style>%s</style>\n</head>\n<body>\n", style);
	hf(w, "<h1>hmapcore report: ");
	he(w, r->crash.headline);
	hf(w, "</h1>\n<p><span class=\"verdict %s\" id=\"verdict\">%s</span> %zu error%s, "
	      "%zu warning%s, %zu info (%zu at or above %s)%s</p>\n",
	   r->verdict, r->verdict, r->nerror, r->nerror == 1 ? "" : "s", r->nwarning,
	   r->nwarning == 1 ? "" : "s", r->ninfo, r->nover, r->fail_on,
	   r->redacted ? "; map keys, values and strings redacted" : "");

	hf(w, "<section id=\"crash\">\n<h2>Crash</h2>\n");
	if (r->crash.summary) {
		hf(w, "<p class=\"summary\">");
		he(w, r->crash.summary);
		hf(w, "</p>\n");
	}
	hf(w, "<table>\n<tr><th>what</th><td>");
	he(w, r->crash.headline);
	hf(w, "</td></tr>\n");
	if (r->crash.go_signal) {
		hf(w, "<tr><th>runtime signal</th><td><code>");
		he(w, r->crash.go_signal);
		hf(w, "</code></td></tr>\n");
	}
	if (r->crash.signo) {
		hf(w, "<tr><th>signal</th><td>%s (%d), code ", r->crash.signal ? r->crash.signal : "?",
		   r->crash.signo);
		he(w, r->crash.si_code);
		hf(w, "</td></tr>\n");
	}
	if (r->crash.has_fault_addr)
		hf(w, "<tr><th>fault address</th><td><code>0x%" PRIx64 "</code></td></tr>\n",
		   r->crash.fault_addr);
	if (r->crash.panic_type && strcmp(r->crash.panic_type, "string") != 0) {
		hf(w, "<tr><th>panic value type</th><td>");
		he(w, r->crash.panic_type);
		hf(w, "</td></tr>\n");
	}
	if (r->crash.goid)
		hf(w, "<tr><th>goroutine</th><td>%" PRIu64 "</td></tr>\n", r->crash.goid);
	if (r->crash.victim) {
		hf(w, "<tr><th>map</th><td><code>");
		he(w, r->crash.victim_path ? r->crash.victim_path : "?");
		hf(w, "</code> at <code>0x%" PRIx64 "</code></td></tr>\n", r->crash.victim);
	}
	hf(w, "</table>\n");
	if (r->crash.accesses.size) {
		hf(w, "<table>\n<tr><th>goroutine</th><th>operation</th><th>runtime function</th>"
		      "<th>called from</th><th>created by</th></tr>\n");
		for (size_t i = 0; i < r->crash.accesses.size; i++) {
			const struct hc_report_access *x = &r->crash.accesses.data[i];
			hf(w, "<tr><td>%" PRIu64 "%s</td><td>", x->goid, x->crashed ? " (died)" : "");
			he(w, x->op);
			hf(w, "</td><td>");
			he(w, x->func);
			hf(w, "</td><td>");
			if (x->caller) {
				he(w, x->caller);
				hf(w, " ");
				he(w, x->caller_file);
				hf(w, ":%d", x->caller_line);
			}
			hf(w, "</td><td>");
			he(w, x->created_by);
			hf(w, "</td></tr>\n");
		}
		hf(w, "</table>\n");
	}
	if (r->crash.goid) {
		struct hc_strbuf h;
		hc_strbuf_init(&h);
		w->ok = w->ok && hc_strbuf_appendf(&h, "goroutine %" PRIu64 " [%s]:", r->crash.goid,
						   r->crash.goroutine_state ? r->crash.goroutine_state : "?");
		if (w->ok)
			frames_pre(w, h.str, &r->crash.stack, NULL);
		hc_strbuf_deinit(&h);
	}
	hf(w, "</section>\n");

	hf(w, "<section id=\"findings\">\n<h2>Findings</h2>\n");
	if (!r->findings.size)
		hf(w, "<p>None.</p>\n");
	else
		hf(w, "<table>\n<tr><th>severity</th><th>code</th><th>where</th><th>what</th>"
		      "<th>remedy</th></tr>\n");
	for (size_t i = 0; i < r->findings.size; i++) {
		const struct hc_report_finding *f = &r->findings.data[i];
		hf(w, "<tr><td class=\"%s\">%s</td><td><code>%s</code></td><td><code>", f->severity,
		   f->severity, f->code);
		he(w, f->path ? f->path : "");
		hf(w, "</code></td><td>");
		he(w, f->message);
		for (unsigned k = 0; k < f->ngoids; k++)
			hf(w, "%s%" PRIu64, k ? ", " : "; goroutines ", f->goids[k]);
		hf(w, "</td><td>");
		he(w, f->remedy);
		hf(w, "</td></tr>\n");
	}
	if (r->findings.size)
		hf(w, "</table>\n");
	hf(w, "</section>\n");

	hf(w, "<section id=\"process\">\n<h2>Process</h2>\n<table>\n<tr><th>Go</th><td>");
	he(w, r->process.go_version);
	if (r->process.experiment && *r->process.experiment) {
		hf(w, " (GOEXPERIMENT=");
		he(w, r->process.experiment);
		hf(w, ")");
	}
	hf(w, "</td></tr>\n<tr><th>arch</th><td>%s</td></tr>\n<tr><th>maps</th><td>%s</td></tr>\n"
	      "<tr><th>executable</th><td><code>",
	   r->process.arch, r->process.maps_impl);
	he(w, r->process.exe);
	hf(w, "</code></td></tr>\n<tr><th>build id</th><td><code>");
	he(w, *r->process.gnu_build_id ? r->process.gnu_build_id : "none");
	hf(w, "</code></td></tr>\n<tr><th>Go build id</th><td><code>");
	he(w, *r->process.go_build_id ? r->process.go_build_id : "none");
	hf(w, "</code></td></tr>\n<tr><th>core</th><td><code>");
	he(w, r->process.core);
	hf(w, "</code>, ");
	hsize(w, r->process.core_size);
	if (strcmp(r->process.compression, "none") != 0) {
		hf(w, " (%s, ", r->process.compression);
		hsize(w, r->process.core_disk_size);
		hf(w, " on disk)");
	}
	if (r->process.truncated)
		hf(w, ", <strong>truncated</strong>: %" PRIu64 " of %" PRIu64 " bytes",
		   r->process.core_size, r->process.expected_size);
	else
		hf(w, ", complete");
	hf(w, "</td></tr>\n");
	if (r->process.name) {
		hf(w, "<tr><th>process</th><td>pid %d, ", r->process.pid);
		he(w, r->process.name);
		if (r->process.args) {
			hf(w, ", args <code>");
			he(w, r->process.args);
			hf(w, "</code>");
		}
		hf(w, "</td></tr>\n");
	}
	hf(w, "</table>\n</section>\n");

	hf(w, "<section id=\"goroutines\">\n<h2>Goroutines</h2>\n<p>%zu goroutines, %zu groups "
	      "of identical stacks.</p>\n",
	   r->goroutines_total, r->groups_total);
	states_svg(w, r);
	hf(w, "<h3>Groups of identical stacks%s</h3>\n",
	   r->groups.size < r->groups_total ? " (the largest)" : "");
	for (size_t i = 0; i < r->groups.size; i++) {
		const struct hc_report_group *g = &r->groups.data[i];
		hf(w, "<details%s><summary><strong>%zu goroutine%s</strong> [", i < 8 ? " open" : "",
		   g->count, g->count == 1 ? "" : "s");
		he(w, g->state);
		hf(w, "]:");
		for (size_t k = 0; k < g->goids.size && k < 32; k++)
			hf(w, " %" PRIu64, g->goids.data[k]);
		if (g->goids.size > 32)
			hf(w, " &hellip;");
		hf(w, "</summary>\n");
		struct hc_strbuf tail;
		hc_strbuf_init(&tail);
		if (g->created_by)
			w->ok = w->ok && hc_strbuf_appends(&tail, "created by ") &&
				hc_strbuf_appends(&tail, g->created_by);
		if (g->stack_error)
			w->ok = w->ok && hc_strbuf_appendf(&tail, "%s(stack incomplete: %s)",
							   tail.len ? "\n" : "", g->stack_error);
		frames_pre(w, NULL, &g->frames, tail.len ? tail.str : NULL);
		hc_strbuf_deinit(&tail);
		hf(w, "</details>\n");
	}
	hf(w, "</section>\n");

	hf(w, "<section id=\"maps\">\n<h2>Maps</h2>\n<p>%zu maps, ", r->maps_total);
	hsize(w, r->maps_bytes);
	hf(w, " in their tables. Listed: the suspect ones, then the largest.</p>\n<table>\n"
	      "<tr><th>map</th><th>type</th><th>impl</th><th>count</th><th>size</th><th>load</th>"
	      "<th>growth</th><th>why</th><th>sample keys</th></tr>\n");
	for (size_t i = 0; i < r->maps.size; i++) {
		const struct hc_report_map *m = &r->maps.data[i];
		hf(w, "<tr><td><code>%s", m->suspect ? "<strong>" : "");
		he(w, m->path);
		hf(w, "%s</code></td><td><code>", m->suspect ? "</strong>" : "");
		he(w, m->type);
		hf(w, "</code></td><td>%s</td><td>", m->impl);
		if (m->has_count)
			hf(w, "%" PRIu64, m->count);
		hf(w, "</td><td>");
		if (m->has_stats) {
			hsize(w, m->bytes);
			hf(w, "</td><td>%.3f", m->load);
		} else {
			hf(w, "</td><td>");
		}
		hf(w, "</td><td>");
		he(w, m->growth ? m->growth : "");
		hf(w, "</td><td>");
		for (size_t k = 0; k < m->reasons.size; k++) {
			hf(w, "%s", k ? ", " : "");
			he(w, m->reasons.data[k]);
		}
		for (size_t k = 0; k < m->findings.size; k++) {
			hf(w, "%s", k ? ", " : ": ");
			he(w, m->findings.data[k]);
		}
		if (m->error) {
			hf(w, "; error ");
			he(w, m->error);
		}
		hf(w, "</td><td>");
		for (size_t k = 0; k < m->keys.size; k++) {
			hf(w, "%s<code>", k ? ", " : "");
			he(w, m->keys.data[k]);
			hf(w, "</code>");
		}
		hf(w, "</td></tr>\n");
	}
	hf(w, "</table>\n");
	size_t drawn = 0;
	for (size_t i = 0; i < r->maps.size; i++) {
		const struct hc_report_map *m = &r->maps.data[i];
		if (!m->suspect || !m->units.size)
			continue;
		if (!drawn++)
			hf(w, "<h3>Occupancy of the suspect maps</h3>\n");
		occupancy_svg(w, m, i);
	}
	hf(w, "</section>\n");

	hf(w, "<section id=\"threads\">\n<h2>Threads</h2>\n<table>\n<tr><th>tid</th><th>pc</th>"
	      "<th>function</th><th>M</th><th>goroutine</th></tr>\n");
	for (size_t i = 0; i < r->threads.size; i++) {
		const struct hc_report_thread *t = &r->threads.data[i];
		hf(w, "<tr><td>%d</td><td><code>0x%" PRIx64 "</code></td><td>", t->tid, t->pc);
		he(w, t->func);
		hf(w, "</td><td>");
		if (t->has_m)
			hf(w, "%" PRId64, t->m);
		hf(w, "</td><td>");
		if (t->goid)
			hf(w, "%" PRIu64, t->goid);
		if (t->sysg)
			hf(w, " (on %s)", t->sysg);
		hf(w, "</td></tr>\n");
	}
	hf(w, "</table>\n</section>\n");
	if (r->notes.size) {
		hf(w, "<section id=\"notes\">\n<h2>Notes</h2>\n<ul>\n");
		for (size_t i = 0; i < r->notes.size; i++) {
			hf(w, "<li>");
			he(w, r->notes.data[i]);
			hf(w, "</li>\n");
		}
		hf(w, "</ul>\n</section>\n");
	}
	hf(w, "<footer><p>");
	he(w, r->tool);
	hf(w, ", report schema %s</p></footer>\n</body>\n</html>\n", HC_REPORT_SCHEMA);
	return w->ok;
}
