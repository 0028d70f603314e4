/* The report as a document: the sections, tables, stacks and pictures that
 * the Markdown and HTML writers share, written once over struct rp_doc
 * (report_priv.h), so the two formats never disagree. */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "hmapcore/native.h"
#include "report_priv.h"

/* Our own text. */
__attribute__((format(printf, 2, 3)))
static void t(struct rp_doc *d, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	d->ok = d->ok && hc_strbuf_appendv(d->out, f, ap);
	va_end(ap);
}

/* Text from the model: the backend escapes it. */
static void e(struct rp_doc *d, const char *s)
{
	d->ok = d->ok && d->ops->esc(d, s ? s : "");
}

static void size_(struct rp_doc *d, uint64_t n)
{
	d->ok = d->ok && hc_format_size(d->out, n);
}

#define OP(name, ...) (d->ok = d->ok && d->ops->name(d, ##__VA_ARGS__))

static void stack_block(struct rp_doc *d, const char *head, const struct hc_report_frame_vec *fs,
			const char *created, const char *error)
{
	struct hc_strbuf b;
	hc_strbuf_init(&b);
	bool ok = !head || (rp_text(&b, head) && hc_strbuf_appendc(&b, '\n'));
	for (size_t i = 0; ok && i < fs->size; i++) {
		const struct hc_report_frame *f = &fs->data[i];
		if (f->elided_before)
			ok = hc_strbuf_appendf(&b, "...%" PRIu64 " frames elided...\n",
					       f->elided_before);
		ok = ok && rp_text(&b, f->func) &&
		     hc_strbuf_appends(&b, f->inlined ? " (inlined)\n    " : "\n    ") &&
		     rp_text(&b, f->file) && hc_strbuf_appendf(&b, ":%d", f->line);
		if (ok && f->offset)
			ok = hc_strbuf_appendf(&b, " +0x%" PRIx64, f->offset);
		ok = ok && hc_strbuf_appendc(&b, '\n');
	}
	if (ok && created)
		ok = hc_strbuf_appends(&b, "created by ") && rp_text(&b, created) &&
		     hc_strbuf_appendc(&b, '\n');
	if (ok && error)
		ok = hc_strbuf_appends(&b, "(stack incomplete: ") && rp_text(&b, error) &&
		     hc_strbuf_appends(&b, ")\n");
	if (!ok)
		d->ok = false;
	else
		OP(pre, b.str ? b.str : "");
	hc_strbuf_deinit(&b);
}

static void verdict_counts(struct rp_doc *d, const struct hc_report *r)
{
	t(d, " %zu error%s, %zu warning%s, %zu info (%zu at or above %s)%s", r->nerror,
	  r->nerror == 1 ? "" : "s", r->nwarning, r->nwarning == 1 ? "" : "s", r->ninfo, r->nover,
	  r->fail_on, r->redacted ? "; map keys, values and strings redacted" : "");
}

static void crash(struct rp_doc *d, const struct hc_report *r)
{
	OP(section_begin, "crash", "Crash");
	if (r->crash.summary)
		OP(callout, r->crash.summary);
	OP(kv_begin);
	OP(kv_row, "what");
	e(d, r->crash.headline);
	if (r->crash.go_signal) {
		OP(kv_row, "runtime signal");
		OP(code, r->crash.go_signal);
	}
	if (r->crash.signo) {
		OP(kv_row, "signal");
		t(d, "%s (%d)", r->crash.signal ? r->crash.signal : "?", r->crash.signo);
		if (r->crash.si_code) {
			t(d, ", code ");
			e(d, r->crash.si_code);
		}
	}
	if (r->crash.has_fault_addr) {
		OP(kv_row, "fault address");
		OP(addr, r->crash.fault_addr);
	}
	if (r->crash.panic_type && strcmp(r->crash.panic_type, "string") != 0) {
		OP(kv_row, "panic value type");
		e(d, r->crash.panic_type);
	}
	if (r->crash.goid) {
		OP(kv_row, "goroutine");
		t(d, "%" PRIu64, r->crash.goid);
	}
	if (r->crash.victim) {
		OP(kv_row, "map");
		if (r->crash.victim_path)
			OP(code, r->crash.victim_path);
		t(d, "%sat ", r->crash.victim_path ? " " : "");
		OP(addr, r->crash.victim);
		if (r->crash.victim_unnamed)
			t(d, " (%s)", r->crash.victim_unnamed);
	}
	OP(kv_end);
	if (r->crash.accesses.size) {
		OP(para_begin);
		t(d, "Goroutines in map operations:");
		OP(para_end);
		static const char *const cols[] = {"goroutine", "operation", "runtime function",
						   "called from", "created by"};
		OP(table_begin, cols, 5);
		for (size_t i = 0; i < r->crash.accesses.size; i++) {
			const struct hc_report_access *x = &r->crash.accesses.data[i];
			OP(row_begin);
			t(d, "%" PRIu64 "%s", x->goid, x->crashed ? " (died)" : "");
			OP(cell);
			e(d, x->op);
			OP(cell);
			e(d, x->func);
			OP(cell);
			if (x->caller) {
				e(d, x->caller);
				t(d, " ");
				e(d, x->caller_file);
				t(d, ":%d", x->caller_line);
			}
			OP(cell);
			e(d, x->created_by);
			OP(row_end);
		}
		OP(table_end);
	}
	if (r->crash.goid) {
		OP(para_begin);
		t(d, "Stack of the goroutine that crashed:");
		OP(para_end);
		struct hc_strbuf h;
		hc_strbuf_init(&h);
		d->ok = d->ok && hc_strbuf_appendf(&h, "goroutine %" PRIu64 " [%s]:", r->crash.goid,
						   r->crash.goroutine_state ? r->crash.goroutine_state
									    : "?");
		if (d->ok)
			stack_block(d, h.str, &r->crash.stack, NULL, NULL);
		hc_strbuf_deinit(&h);
	}
	OP(section_end);
}

static void findings(struct rp_doc *d, const struct hc_report *r)
{
	OP(section_begin, "findings", "Findings");
	if (!r->findings.size) {
		OP(para_begin);
		t(d, "None.");
		OP(para_end);
	} else {
		static const char *const cols[] = {"severity", "code", "where", "what", "remedy"};
		OP(table_begin, cols, 5);
		for (size_t i = 0; i < r->findings.size; i++) {
			const struct hc_report_finding *f = &r->findings.data[i];
			OP(row_begin);
			OP(severity, f->severity);
			OP(cell);
			OP(code, f->code);
			OP(cell);
			if (f->path)
				OP(code, f->path);
			OP(cell);
			e(d, f->message);
			for (unsigned k = 0; k < f->ngoids; k++)
				t(d, "%s%" PRIu64, k ? ", " : "; goroutines ", f->goids[k]);
			OP(cell);
			e(d, f->remedy);
			OP(row_end);
		}
		OP(table_end);
	}
	OP(section_end);
}

static void process(struct rp_doc *d, const struct hc_report *r)
{
	OP(section_begin, "process", "Process");
	OP(kv_begin);
	OP(kv_row, "Go");
	e(d, r->process.go_version);
	if (r->process.experiment && *r->process.experiment) {
		t(d, " (GOEXPERIMENT=");
		e(d, r->process.experiment);
		t(d, ")");
	}
	OP(kv_row, "arch");
	t(d, "%s", r->process.arch);
	OP(kv_row, "maps");
	t(d, "%s", r->process.maps_impl);
	OP(kv_row, "executable");
	OP(code, r->process.exe);
	if (r->process.debug_file) {
		OP(kv_row, "debug file");
		OP(code, r->process.debug_file);
	}
	OP(kv_row, "build id");
	OP(code, *r->process.gnu_build_id ? r->process.gnu_build_id : "none");
	OP(kv_row, "Go build id");
	OP(code, *r->process.go_build_id ? r->process.go_build_id : "none");
	OP(kv_row, "core");
	OP(code, r->process.core);
	t(d, ", ");
	size_(d, r->process.core_size);
	if (strcmp(r->process.compression, "none") != 0) {
		t(d, " (%s, ", r->process.compression);
		size_(d, r->process.core_disk_size);
		t(d, " on disk)");
	}
	if (r->process.truncated) {
		t(d, ", ");
		OP(strong_begin);
		t(d, "truncated");
		OP(strong_end);
		t(d, ": %" PRIu64 " of %" PRIu64 " bytes", r->process.core_size, r->process.expected_size);
	} else {
		t(d, ", complete");
	}
	if (r->process.name) {
		OP(kv_row, "process");
		t(d, "pid %d, ", r->process.pid);
		e(d, r->process.name);
		if (r->process.args) {
			t(d, ", args ");
			OP(code, r->process.args);
		}
	}
	OP(kv_end);
	OP(section_end);
}

static void goroutines(struct rp_doc *d, const struct hc_report *r)
{
	OP(section_begin, "goroutines", "Goroutines");
	OP(para_begin);
	t(d, "%zu goroutines, %zu groups of identical stacks.", r->goroutines_total, r->groups_total);
	OP(para_end);
	OP(states, r);
	OP(subheading, r->groups.size < r->groups_total ? "Groups of identical stacks (the largest)"
							 : "Groups of identical stacks");
	for (size_t i = 0; i < r->groups.size; i++) {
		const struct hc_report_group *g = &r->groups.data[i];
		OP(group_begin, i < 8);
		OP(strong_begin);
		t(d, "%zu goroutine%s", g->count, g->count == 1 ? "" : "s");
		OP(strong_end);
		t(d, " ");
		e(d, "[");
		e(d, g->state);
		e(d, "]");
		t(d, ":");
		for (size_t k = 0; k < g->goids.size && k < 32; k++)
			t(d, " %" PRIu64, g->goids.data[k]);
		if (g->goids.size > 32)
			t(d, " …");
		OP(group_summary_end);
		stack_block(d, NULL, &g->frames, g->created_by, g->stack_error);
		OP(group_end);
	}
	OP(section_end);
}

static void maps(struct rp_doc *d, const struct hc_report *r)
{
	OP(section_begin, "maps", "Maps");
	OP(para_begin);
	t(d, "%zu maps, ", r->maps_total);
	size_(d, r->maps_bytes);
	t(d, " in their tables. Listed: the suspect ones, then the largest.");
	OP(para_end);
	static const char *const cols[] = {"map", "type", "impl", "count", "size",
					   "load", "growth", "why", "sample keys"};
	OP(table_begin, cols, 9);
	for (size_t i = 0; i < r->maps.size; i++) {
		const struct hc_report_map *m = &r->maps.data[i];
		OP(row_begin);
		if (m->suspect)
			OP(strong_begin);
		OP(code, m->path);
		if (m->suspect)
			OP(strong_end);
		OP(cell);
		OP(code, m->type);
		OP(cell);
		t(d, "%s", m->impl);
		OP(cell);
		if (m->has_count)
			t(d, "%" PRIu64, m->count);
		OP(cell);
		if (m->has_stats)
			size_(d, m->bytes);
		OP(cell);
		if (m->has_stats)
			t(d, "%.3f", m->load);
		OP(cell);
		e(d, m->growth ? m->growth : "");
		OP(cell);
		for (size_t k = 0; k < m->reasons.size; k++) {
			t(d, "%s", k ? ", " : "");
			e(d, m->reasons.data[k]);
		}
		for (size_t k = 0; k < m->findings.size; k++) {
			t(d, "%s", k ? ", " : ": ");
			e(d, m->findings.data[k]);
		}
		if (m->error) {
			t(d, "; error ");
			e(d, m->error);
		}
		OP(cell);
		for (size_t k = 0; k < m->keys.size; k++) {
			t(d, "%s", k ? ", " : "");
			OP(code, m->keys.data[k]);
		}
		OP(row_end);
	}
	OP(table_end);
	bool any = false;
	for (size_t i = 0; i < r->maps.size; i++) {
		const struct hc_report_map *m = &r->maps.data[i];
		if (!m->suspect || !m->units.size)
			continue;
		if (!any && d->ops->pictures)
			OP(subheading, "Occupancy of the suspect maps");
		any = true;
		OP(occupancy, m, i);
	}
	OP(section_end);
}

static void threads(struct rp_doc *d, const struct hc_report *r)
{
	OP(section_begin, "threads", "Threads");
	static const char *const cols[] = {"tid", "pc", "function", "M", "goroutine"};
	OP(table_begin, cols, 5);
	for (size_t i = 0; i < r->threads.size; i++) {
		const struct hc_report_thread *th = &r->threads.data[i];
		OP(row_begin);
		t(d, "%d", th->tid);
		OP(cell);
		OP(addr, th->pc);
		OP(cell);
		e(d, th->func);
		OP(cell);
		if (th->has_m)
			t(d, "%" PRId64, th->m);
		OP(cell);
		if (th->goid)
			t(d, "%" PRIu64, th->goid);
		if (th->sysg)
			t(d, " (on %s)", th->sysg);
		OP(row_end);
	}
	OP(table_end);
	/* The threads in C: their native frames, as gdb's bt prints them. */
	for (size_t i = 0; i < r->threads.size && d->ok; i++) {
		const struct hc_report_thread *th = &r->threads.data[i];
		if (!th->native.size && !th->native_error)
			continue;
		struct hc_strbuf b;
		hc_strbuf_init(&b);
		bool ok = hc_strbuf_appendf(&b, "thread %d, native frames:\n", th->tid);
		for (size_t k = 0; ok && k < th->native.size; k++) {
			const struct hc_report_native_frame *f = &th->native.data[k];
			ok = hc_strbuf_appendf(&b, "#%-2zu ", k) &&
			     hc_native_frame_format(&b, f->pc, f->func, f->offset, f->module,
						    f->file, f->line, f->go, rp_text) &&
			     hc_strbuf_appendc(&b, '\n');
		}
		if (ok && th->native_error)
			ok = hc_strbuf_appends(&b, "(native frames incomplete: ") &&
			     rp_text(&b, th->native_error) && hc_strbuf_appends(&b, ")\n");
		if (!ok)
			d->ok = false;
		else
			OP(pre, b.str ? b.str : "");
		hc_strbuf_deinit(&b);
	}
	OP(section_end);
}

bool rp_write_document(const struct hc_report *r, const struct rp_doc_ops *ops,
		       struct hc_strbuf *out)
{
	struct rp_doc doc = {.out = out, .ops = ops, .ok = true};
	struct rp_doc *d = &doc;
	OP(begin, r);
	OP(title_begin);
	t(d, "hmapcore report: ");
	e(d, r->crash.headline);
	OP(title_end);
	OP(para_begin);
	OP(verdict, r->verdict);
	verdict_counts(d, r);
	OP(para_end);
	if (r->gaps.size) {
		OP(section_begin, "incomplete", "Incomplete");
		OP(list_begin);
		for (size_t i = 0; i < r->gaps.size; i++) {
			OP(item);
			OP(strong_begin);
			t(d, "incomplete");
			OP(strong_end);
			t(d, ": ");
			e(d, r->gaps.data[i].reason);
			t(d, ". Cost: ");
			e(d, r->gaps.data[i].cost);
		}
		OP(list_end);
		OP(section_end);
	}
	crash(d, r);
	findings(d, r);
	process(d, r);
	goroutines(d, r);
	maps(d, r);
	threads(d, r);
	if (r->notes.size) {
		OP(section_begin, "notes", "Notes");
		OP(list_begin);
		for (size_t i = 0; i < r->notes.size; i++) {
			OP(item);
			e(d, r->notes.data[i]);
		}
		OP(list_end);
		OP(section_end);
	}
	OP(end, r);
	return d->ok;
}
