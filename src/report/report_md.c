/* The report as Markdown (GitHub / GitLab flavoured, also what Jira's
 * editor takes on paste): headings, tables, fenced stacks. Untrusted text
 * goes through hc_report_escape_markdown outside code and inside fences
 * longer than any run of backticks it holds. */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "report_priv.h"

struct md {
	struct hc_strbuf *out;
	bool ok;
};

/* Escaped text. */
static void me(struct md *w, const char *s)
{
	w->ok = w->ok && hc_report_escape_markdown(w->out, s ? s : "");
}

/* Our own text (no escaping). */
__attribute__((format(printf, 2, 3)))
static void mf(struct md *w, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	w->ok = w->ok && hc_strbuf_appendv(w->out, f, ap);
	va_end(ap);
}

static void msize(struct md *w, uint64_t n)
{
	w->ok = w->ok && hc_format_size(w->out, n);
}

/* A stack as the block inside a fence. */
static bool frames_block(struct hc_strbuf *b, const struct hc_report_frame_vec *fs)
{
	bool ok = true;
	for (size_t i = 0; ok && i < fs->size; i++) {
		const struct hc_report_frame *f = &fs->data[i];
		ok = rp_text(b, f->func) && hc_strbuf_appends(b, f->inlined ? " (inlined)\n    " : "\n    ") &&
		     rp_text(b, f->file) && hc_strbuf_appendf(b, ":%d", f->line);
		if (ok && f->offset)
			ok = hc_strbuf_appendf(b, " +0x%" PRIx64, f->offset);
		ok = ok && hc_strbuf_appendc(b, '\n');
	}
	return ok;
}

static void fenced(struct md *w, const char *block)
{
	if (!w->ok)
		return;
	size_t n = hc_report_fence_len(block);
	for (size_t i = 0; i < n; i++)
		mf(w, "`");
	mf(w, "text\n%s", block);
	for (size_t i = 0; i < n; i++)
		mf(w, "`");
	mf(w, "\n\n");
}

static void fenced_frames(struct md *w, const char *head, const struct hc_report_frame_vec *fs,
			  const char *tail)
{
	struct hc_strbuf b;
	hc_strbuf_init(&b);
	bool ok = (!head || (rp_text(&b, head) && hc_strbuf_appendc(&b, '\n'))) &&
		  frames_block(&b, fs) &&
		  (!tail || (rp_text(&b, tail) && hc_strbuf_appendc(&b, '\n')));
	if (!ok)
		w->ok = false;
	else
		fenced(w, b.str ? b.str : "");
	hc_strbuf_deinit(&b);
}

bool rp_write_markdown(const struct hc_report *r, struct hc_strbuf *out)
{
	struct md w_ = {.out = out, .ok = true};
	struct md *w = &w_;
	mf(w, "# hmapcore report: ");
	me(w, r->crash.headline);
	mf(w, "\n\n**Verdict: %s**: %zu error%s, %zu warning%s, %zu info (%zu at or above %s)%s\n\n",
	   r->verdict, r->nerror, r->nerror == 1 ? "" : "s", r->nwarning,
	   r->nwarning == 1 ? "" : "s", r->ninfo, r->nover, r->fail_on,
	   r->redacted ? "; map keys, values and strings redacted" : "");

	mf(w, "## Crash\n\n");
	if (r->crash.summary) {
		mf(w, "> ");
		me(w, r->crash.summary);
		mf(w, "\n\n");
	}
	mf(w, "| | |\n|---|---|\n| what | ");
	me(w, r->crash.headline);
	mf(w, " |\n");
	if (r->crash.go_signal) {
		mf(w, "| runtime signal | ");
		me(w, r->crash.go_signal);
		mf(w, " |\n");
	}
	if (r->crash.signo) {
		mf(w, "| signal | %s (%d), code ", r->crash.signal ? r->crash.signal : "?",
		   r->crash.signo);
		me(w, r->crash.si_code);
		mf(w, " |\n");
	}
	if (r->crash.has_fault_addr)
		mf(w, "| fault address | `0x%" PRIx64 "` |\n", r->crash.fault_addr);
	if (r->crash.panic_type && strcmp(r->crash.panic_type, "string") != 0) {
		mf(w, "| panic value type | ");
		me(w, r->crash.panic_type);
		mf(w, " |\n");
	}
	if (r->crash.goid)
		mf(w, "| goroutine | %" PRIu64 " |\n", r->crash.goid);
	if (r->crash.victim) {
		mf(w, "| map | ");
		me(w, r->crash.victim_path ? r->crash.victim_path : "?");
		mf(w, " at `0x%" PRIx64 "` |\n", r->crash.victim);
	}
	mf(w, "\n");
	if (r->crash.accesses.size) {
		mf(w, "Goroutines in map operations:\n\n"
		      "| goroutine | operation | runtime function | called from | created by |\n"
		      "|---|---|---|---|---|\n");
		for (size_t i = 0; i < r->crash.accesses.size; i++) {
			const struct hc_report_access *x = &r->crash.accesses.data[i];
			mf(w, "| %" PRIu64 "%s | ", x->goid, x->crashed ? " (died)" : "");
			me(w, x->op);
			mf(w, " | ");
			me(w, x->func);
			mf(w, " | ");
			if (x->caller) {
				me(w, x->caller);
				mf(w, " ");
				me(w, x->caller_file);
				mf(w, "\\:%d", x->caller_line);
			}
			mf(w, " | ");
			me(w, x->created_by);
			mf(w, " |\n");
		}
		mf(w, "\n");
	}
	if (r->crash.goid) {
		mf(w, "Stack of the goroutine that crashed:\n\n");
		struct hc_strbuf h;
		hc_strbuf_init(&h);
		w->ok = w->ok && hc_strbuf_appendf(&h, "goroutine %" PRIu64 " [%s]:", r->crash.goid,
						   r->crash.goroutine_state ? r->crash.goroutine_state : "?");
		if (w->ok)
			fenced_frames(w, h.str, &r->crash.stack, NULL);
		hc_strbuf_deinit(&h);
	}

	mf(w, "## Findings\n\n");
	if (!r->findings.size)
		mf(w, "None.\n\n");
	else
		mf(w, "| severity | code | where | what | remedy |\n|---|---|---|---|---|\n");
	for (size_t i = 0; i < r->findings.size; i++) {
		const struct hc_report_finding *f = &r->findings.data[i];
		mf(w, "| %s | %s | ", f->severity, f->code);
		me(w, f->path ? f->path : "");
		mf(w, " | ");
		me(w, f->message);
		for (unsigned k = 0; k < f->ngoids; k++)
			mf(w, "%s%" PRIu64, k ? ", " : "; goroutines ", f->goids[k]);
		mf(w, " | ");
		me(w, f->remedy);
		mf(w, " |\n");
	}
	if (r->findings.size)
		mf(w, "\n");

	mf(w, "## Process\n\n| | |\n|---|---|\n| Go | ");
	me(w, r->process.go_version);
	if (r->process.experiment && *r->process.experiment) {
		mf(w, " (GOEXPERIMENT=");
		me(w, r->process.experiment);
		mf(w, ")");
	}
	mf(w, " |\n| arch | %s |\n| maps | %s |\n| executable | ", r->process.arch,
	   r->process.maps_impl);
	me(w, r->process.exe);
	mf(w, " |\n| build id | ");
	me(w, *r->process.gnu_build_id ? r->process.gnu_build_id : "none");
	mf(w, " |\n| Go build id | ");
	me(w, *r->process.go_build_id ? r->process.go_build_id : "none");
	mf(w, " |\n| core | ");
	me(w, r->process.core);
	mf(w, ", ");
	msize(w, r->process.core_size);
	if (strcmp(r->process.compression, "none") != 0) {
		mf(w, " (%s, ", r->process.compression);
		msize(w, r->process.core_disk_size);
		mf(w, " on disk)");
	}
	if (r->process.truncated)
		mf(w, ", **truncated**: %" PRIu64 " of %" PRIu64 " bytes", r->process.core_size,
		   r->process.expected_size);
	else
		mf(w, ", complete");
	mf(w, " |\n");
	if (r->process.name) {
		mf(w, "| process | pid %d, ", r->process.pid);
		me(w, r->process.name);
		if (r->process.args) {
			mf(w, ", args ");
			me(w, r->process.args);
		}
		mf(w, " |\n");
	}
	mf(w, "\n## Goroutines\n\n%zu goroutines, %zu groups of identical stacks.\n\n"
	      "| state | goroutines |\n|---|---|\n",
	   r->goroutines_total, r->groups_total);
	for (size_t i = 0; i < r->states.size; i++) {
		mf(w, "| ");
		me(w, r->states.data[i].state);
		mf(w, " | %zu |\n", r->states.data[i].count);
	}
	mf(w, "\n### Groups of identical stacks%s\n\n",
	   r->groups.size < r->groups_total ? " (the largest)" : "");
	for (size_t i = 0; i < r->groups.size; i++) {
		const struct hc_report_group *g = &r->groups.data[i];
		mf(w, "**%zu goroutine%s** \\[", g->count, g->count == 1 ? "" : "s");
		me(w, g->state);
		mf(w, "\\]:");
		for (size_t k = 0; k < g->goids.size && k < 32; k++)
			mf(w, " %" PRIu64, g->goids.data[k]);
		if (g->goids.size > 32)
			mf(w, " …");
		mf(w, "\n\n");
		struct hc_strbuf tail;
		hc_strbuf_init(&tail);
		if (g->created_by)
			w->ok = w->ok && hc_strbuf_appends(&tail, "created by ") &&
				hc_strbuf_appends(&tail, g->created_by);
		if (g->stack_error)
			w->ok = w->ok && hc_strbuf_appendf(&tail, "%s(stack incomplete: %s)",
							   tail.len ? "\n" : "", g->stack_error);
		fenced_frames(w, NULL, &g->frames, tail.len ? tail.str : NULL);
		hc_strbuf_deinit(&tail);
	}

	mf(w, "## Maps\n\n%zu maps, ", r->maps_total);
	msize(w, r->maps_bytes);
	mf(w, " in their tables. Listed: the suspect ones, then the largest.\n\n"
	      "| map | type | impl | count | size | load | growth | why | sample keys |\n"
	      "|---|---|---|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < r->maps.size; i++) {
		const struct hc_report_map *m = &r->maps.data[i];
		mf(w, "| %s", m->suspect ? "**" : "");
		me(w, m->path);
		mf(w, "%s | ", m->suspect ? "**" : "");
		me(w, m->type);
		mf(w, " | %s | ", m->impl);
		if (m->has_count)
			mf(w, "%" PRIu64, m->count);
		mf(w, " | ");
		if (m->has_stats) {
			msize(w, m->bytes);
			mf(w, " | %.3f", m->load);
		} else {
			mf(w, " | ");
		}
		mf(w, " | ");
		me(w, m->growth ? m->growth : "");
		mf(w, " | ");
		for (size_t k = 0; k < m->reasons.size; k++) {
			mf(w, "%s", k ? ", " : "");
			me(w, m->reasons.data[k]);
		}
		for (size_t k = 0; k < m->findings.size; k++) {
			mf(w, "%s", k ? ", " : ": ");
			me(w, m->findings.data[k]);
		}
		if (m->error) {
			mf(w, "; error ");
			me(w, m->error);
		}
		mf(w, " | ");
		for (size_t k = 0; k < m->keys.size; k++) {
			mf(w, "%s", k ? ", " : "");
			me(w, m->keys.data[k]);
		}
		mf(w, " |\n");
	}
	mf(w, "\n## Threads\n\n| tid | pc | function | M | goroutine |\n|---|---|---|---|---|\n");
	for (size_t i = 0; i < r->threads.size; i++) {
		const struct hc_report_thread *t = &r->threads.data[i];
		mf(w, "| %d | `0x%" PRIx64 "` | ", t->tid, t->pc);
		me(w, t->func);
		mf(w, " | ");
		if (t->has_m)
			mf(w, "%" PRId64, t->m);
		mf(w, " | ");
		if (t->goid)
			mf(w, "%" PRIu64, t->goid);
		if (t->sysg)
			mf(w, " (on %s)", t->sysg);
		mf(w, " |\n");
	}
	if (r->notes.size) {
		mf(w, "\n## Notes\n\n");
		for (size_t i = 0; i < r->notes.size; i++) {
			mf(w, "- ");
			me(w, r->notes.data[i]);
			mf(w, "\n");
		}
	}
	mf(w, "\n<sub>");
	me(w, r->tool);
	mf(w, ", report schema %s</sub>\n", HC_REPORT_SCHEMA);
	return w->ok;
}
