/* See report_model.h. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report_model.h"

struct pool {
	struct hc_report *r;
	const char *const *s;
	const size_t *len;
	size_t n, next;
	bool nomem;
};

static char *str(struct pool *p)
{
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	size_t i = p->n ? p->next++ % p->n : 0;
	bool ok = p->n ? hc_strbuf_append_escaped(&sb, p->s[i], p->len[i]) : hc_strbuf_appends(&sb, "");
	char *s = ok ? hc_strbuf_steal(&sb) : NULL;
	hc_strbuf_deinit(&sb);
	if (!s || !hc_report_str_vec_append(&p->r->pool, &s)) {
		free(s);
		p->nomem = true;
		return (char *)"";
	}
	return s;
}

static void strs(struct pool *p, struct hc_report_str_vec *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *s = str(p);
		if (!hc_report_str_vec_append(v, &s))
			p->nomem = true;
	}
}

static void frames(struct pool *p, struct hc_report_frame_vec *v)
{
	for (int i = 0; i < 2; i++) {
		struct hc_report_frame f = {.func = str(p), .file = str(p), .line = 10 + i,
					    .offset = (uint64_t)i * 0x20, .inlined = i == 0};
		if (!hc_report_frame_vec_append(v, &f))
			p->nomem = true;
	}
}

struct hc_report *report_model_from_strings(const char *const *s, const size_t *len, size_t n)
{
	struct hc_report *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	struct pool p = {.r = r, .s = s, .len = len, .n = n};
	r->tool = str(&p);
	r->fail_on = "warning";
	r->verdict = "findings";
	r->nerror = 1;
	r->nover = 1;
	r->crash.headline = str(&p);
	r->crash.kind = "panic";
	r->crash.summary = str(&p);
	r->crash.signo = 6;
	r->crash.signal = "SIGABRT";
	r->crash.si_code = str(&p);
	r->crash.has_fault_addr = true;
	r->crash.fault_addr = 0x10;
	r->crash.go_signal = str(&p);
	r->crash.fatal = str(&p);
	r->crash.panic = str(&p);
	r->crash.panic_type = str(&p);
	r->crash.goid = 7;
	r->crash.goroutine_state = str(&p);
	frames(&p, &r->crash.stack);
	r->crash.victim = 0xc000010000;
	r->crash.victim_path = str(&p);
	struct hc_report_access x = {.goid = 7, .op = str(&p), .func = str(&p), .caller = str(&p),
				     .caller_file = str(&p), .caller_line = 3, .crashed = true,
				     .created_by = str(&p)};
	if (!hc_report_access_vec_append(&r->crash.accesses, &x))
		p.nomem = true;
	struct hc_report_finding f = {.code = "map-count", .severity = "error",
				      .sev = HC_SEVERITY_ERROR, .path = str(&p), .message = str(&p),
				      .remedy = "remedy", .naddrs = 1, .addrs = {0x1000},
				      .ngoids = 1, .goids = {7}};
	if (!hc_report_finding_vec_append(&r->findings, &f))
		p.nomem = true;
	r->process.go_version = str(&p);
	r->process.experiment = str(&p);
	r->process.arch = "amd64";
	r->process.maps_impl = "swiss";
	r->process.gnu_build_id = str(&p);
	r->process.go_build_id = str(&p);
	r->process.exe = str(&p);
	r->process.core = str(&p);
	r->process.compression = "none";
	r->process.name = str(&p);
	r->process.args = str(&p);
	r->goroutines_total = 2;
	struct hc_report_state st = {.state = str(&p), .count = 2};
	if (!hc_report_state_vec_append(&r->states, &st))
		p.nomem = true;
	struct hc_report_group g = {.state = str(&p), .count = 2, .created_by = str(&p),
				    .stack_error = str(&p)};
	uint64_t ids[2] = {7, 9};
	for (int i = 0; i < 2; i++)
		if (!hc_report_u64_vec_append(&g.goids, &ids[i]))
			p.nomem = true;
	frames(&p, &g.frames);
	if (!hc_report_group_vec_append(&r->groups, &g)) {
		hc_report_u64_vec_deinit(&g.goids);
		hc_report_frame_vec_deinit(&g.frames);
		p.nomem = true;
	}
	r->groups_total = 1;
	r->maps_total = 1;
	struct hc_report_map m = {.path = str(&p), .type = str(&p), .addr = 0xc000010000,
				  .impl = "swiss", .has_count = true, .count = 3, .has_stats = true,
				  .entries = 3, .slots = 8, .bytes = 248, .bytes_needed = 248,
				  .load = 0.375, .growth = str(&p), .error = str(&p), .suspect = true,
				  .units_total = 2};
	strs(&p, &m.reasons, 1);
	strs(&p, &m.findings, 1);
	strs(&p, &m.keys, 3);
	for (int u = 0; u < 2; u++) {
		struct hc_report_unit ru = {.kind = "group", .addr = 0xc000020000 + 0x88 * (uint64_t)u,
					    .slots = {0, 1, 2, 3, 4, 0, 1, 0}, .live = 3};
		if (!hc_report_unit_vec_append(&m.units, &ru))
			p.nomem = true;
	}
	if (!hc_report_map_vec_append(&r->maps, &m))
		p.nomem = true;
	struct hc_report_thread t = {.tid = 1, .pc = 0x401000, .func = str(&p), .has_m = true,
				     .goid = 7, .sysg = "g0"};
	/* A thread in C: native frames whose names come from the core's
	 * libraries and debug files. */
	hc_report_native_frame_vec_init(&t.native);
	for (int k = 0; k < 2; k++) {
		struct hc_report_native_frame nf = {.pc = 0x7f0000001000 + (uint64_t)k,
						    .func = str(&p), .offset = 0x10,
						    .module = str(&p), .file = str(&p),
						    .line = 3, .go = k == 1};
		if (!hc_report_native_frame_vec_append(&t.native, &nf))
			p.nomem = true;
	}
	t.native_error = str(&p);
	if (!hc_report_thread_vec_append(&r->threads, &t)) {
		hc_report_native_frame_vec_deinit(&t.native);
		p.nomem = true;
	}
	strs(&p, &r->notes, 1);
	struct hc_report_gap gap = {str(&p), str(&p)};
	if (!hc_report_gap_vec_append(&r->gaps, &gap))
		p.nomem = true;
	if (p.nomem) {
		hc_report_destroy(r);
		return NULL;
	}
	return r;
}

/* The tags the HTML writer itself writes. */
static const char *const html_tags[] = {
	"!DOCTYPE", "html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p",
	"span", "section", "table", "tr", "th", "td", "code", "pre", "strong", "details",
	"summary", "figure", "figcaption", "svg", "rect", "text", "ul", "li", "footer", "sub",
};

static bool known_tag(const char *p, const char *end)
{
	if (p < end && *p == '/')
		p++;
	size_t n = 0;
	while (p + n < end && (p[n] == '!' || (p[n] >= 'a' && p[n] <= 'z') ||
			       (p[n] >= 'A' && p[n] <= 'Z') || (p[n] >= '0' && p[n] <= '9')))
		n++;
	for (size_t i = 0; i < sizeof(html_tags) / sizeof(html_tags[0]); i++)
		if (strlen(html_tags[i]) == n && strncmp(p, html_tags[i], n) == 0)
			return true;
	return false;
}

const char *report_output_problem(enum hc_format format, const char *out, size_t len)
{
	const char *end = out + len;
	for (const char *p = out; p < end; p++) {
		unsigned char c = (unsigned char)*p;
		if ((c < 0x20 && c != '\n') || c == 0x7f)
			return "a control byte";
		/* C1 controls (U+0080-U+009F) and bidi overrides. */
		if (c == 0xc2 && p + 1 < end && (unsigned char)p[1] >= 0x80 &&
		    (unsigned char)p[1] <= 0x9f)
			return "a C1 control";
		if (c == 0xe2 && p + 2 < end && (unsigned char)p[1] == 0x80 &&
		    (unsigned char)p[2] >= 0xaa && (unsigned char)p[2] <= 0xae)
			return "a bidi override";
	}
	if (format == HC_FORMAT_HTML) {
		for (const char *p = out; p < end; p++) {
			if (*p == '<' && !known_tag(p + 1, end))
				return "an HTML tag the writer does not write";
		}
	}
	if (format == HC_FORMAT_MARKDOWN) {
		bool fence = false;
		size_t fence_len = 0, table_pipes = 0;
		for (const char *line = out; line < end;) {
			const char *nl = memchr(line, '\n', (size_t)(end - line));
			const char *le = nl ? nl : end;
			size_t ticks = 0;
			while (line + ticks < le && line[ticks] == '`')
				ticks++;
			if (!fence && ticks >= 3) {
				fence = true;
				fence_len = ticks;
			} else if (fence && ticks >= fence_len && line + ticks == le) {
				fence = false;
			} else if (fence && ticks >= fence_len) {
				return "a fence closed early";
			} else if (!fence) {
				/* Outside code: no raw '<' but the writer's <sub>, and
				 * every row of a table has as many unescaped pipes as
				 * its header (a '|' from the core comes as "\\|"). */
				size_t pipes = 0, bs = 0;
				for (const char *p = line; p < le; p++) {
					if (*p == '<' && strncmp(p, "<sub>", 5) != 0 &&
					    strncmp(p, "</sub>", 6) != 0)
						return "a raw '<' in Markdown";
					if (*p == '|' && bs % 2 == 0)
						pipes++;
					bs = *p == '\\' ? bs + 1 : 0;
				}
				if (le > line && *line == '|') {
					if (!table_pipes)
						table_pipes = pipes;
					else if (pipes != table_pipes)
						return "a table row with cells of its own";
				} else {
					table_pipes = 0;
				}
			}
			line = nl ? nl + 1 : end;
		}
		if (fence)
			return "an unclosed fence";
	}
	return NULL;
}
