/* The report model: see include/hmapcore/report.h. The writers are in
 * report_write.c (text, JSON), report_md.c (Markdown) and report_html.c. */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hmapcore/hash_table.h"
#include "hmapcore/native.h"
#include "hmapcore/mapview.h"
#include "hmapcore/report.h"
#include "hmapcore/traceback.h"
#include "hmapcore/value.h"

void hc_report_options_default(struct hc_report_options *o)
{
	memset(o, 0, sizeof(*o));
	o->fail_on = HC_SEVERITY_WARNING;
}

/* Model building: every string goes into r->pool; out of memory is sticky. */
struct builder {
	struct hc_report *r;
	struct hc_analysis *a;
	const struct hc_target *t;
	const struct hc_report_options *o;
	bool nomem;
};

static char *keep(struct builder *b, char *s)
{
	if (!s) {
		b->nomem = true;
		return NULL;
	}
	if (!hc_report_str_vec_append(&b->r->pool, &s)) {
		free(s);
		b->nomem = true;
		return NULL;
	}
	return s;
}

static char *take(struct builder *b, struct hc_strbuf *sb)
{
	return keep(b, hc_strbuf_steal(sb));
}

__attribute__((format(printf, 2, 3)))
static char *fmt(struct builder *b, const char *f, ...)
{
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	va_list ap;
	va_start(ap, f);
	bool ok = hc_strbuf_appendv(&sb, f, ap);
	va_end(ap);
	if (!ok) {
		hc_strbuf_deinit(&sb);
		b->nomem = true;
		return NULL;
	}
	return take(b, &sb);
}

/* A string from the core or the executable, as printable text: kept when
 * it is printable already (paths keep their quotes), escaped otherwise. */
static char *clean(struct builder *b, const char *s)
{
	if (!s)
		return NULL;
	if (hc_str_printable(s, strlen(s))) {
		char *d = strdup(s);
		return keep(b, d);
	}
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	if (!hc_strbuf_append_escaped(&sb, s, strlen(s))) {
		hc_strbuf_deinit(&sb);
		b->nomem = true;
		return NULL;
	}
	return take(b, &sb);
}

/*
 * --redact: a path or message names map keys in brackets
 * (main.gNested["alice"], m (sync.Map)[{1 2}]): every bracketed part that
 * is not a plain slice or array index becomes "[redacted]".
 */
static char *redacted(struct builder *b, const char *s)
{
	char *c = clean(b, s);
	if (!c || !b->o->redact)
		return c;
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	bool ok = true;
	for (const char *p = c; *p && ok;) {
		const char *close = *p == '[' ? strchr(p, ']') : NULL;
		if (close) {
			/* A quoted key may hold ']': take the last ']' before the
			 * next '[' that ends the quote. */
			if (p[1] == '"') {
				const char *q = p + 2;
				while (*q && !(*q == '"' && q[-1] != '\\'))
					q++;
				close = *q ? strchr(q, ']') : NULL;
			}
		}
		if (close) {
			bool index = close > p + 1;
			for (const char *q = p + 1; q < close; q++)
				index = index && *q >= '0' && *q <= '9';
			ok = index ? hc_strbuf_append(&sb, p, (size_t)(close - p + 1))
				   : hc_strbuf_appends(&sb, "[redacted]");
			p = close + 1;
		} else {
			ok = hc_strbuf_appendc(&sb, *p);
			p++;
		}
	}
	if (!ok) {
		hc_strbuf_deinit(&sb);
		b->nomem = true;
		return NULL;
	}
	return take(b, &sb);
}

/* A panic value's text is the program's own data unless the runtime made
 * it (runtime.Error, plainError: "assignment to entry in nil map"). */
static bool user_panic(const char *type)
{
	return !type || (strncmp(type, "runtime.", 8) != 0 && strncmp(type, "*runtime.", 9) != 0);
}

static bool frames_of(struct builder *b, const struct hc_stack *st, size_t skip,
		      struct hc_report_frame_vec *out)
{
	/* A deep stack as the runtime prints it from go1.21: the 50 innermost
	 * frames, how many were left out, the 50 outermost (whatever the
	 * target's version: the outermost name the goroutine's entry). */
	struct hc_traceback_cut cut;
	hc_traceback_cut(0, st, skip, &cut);
	for (size_t i = skip; i < st->frames.size; i++) {
		if (i == cut.first_end && i < cut.second_begin)
			i = cut.second_begin;
		if (i >= st->frames.size)
			break;
		const struct hc_frame *fr = &st->frames.data[i];
		struct hc_strbuf fn;
		hc_strbuf_init(&fn);
		if (!hc_traceback_func_name(b->t->go_minor, fr->func, &fn)) {
			hc_strbuf_deinit(&fn);
			b->nomem = true;
			return false;
		}
		struct hc_report_frame f = {
			.func = take(b, &fn),
			.file = clean(b, fr->file ? fr->file : "?"),
			.line = fr->line,
			.offset = !fr->inlined && fr->pc > fr->entry ? fr->pc - fr->entry : 0,
			.inlined = fr->inlined,
			.elided_before = i == cut.second_begin && cut.elided_line ? cut.elided : 0,
		};
		if (b->nomem || !hc_report_frame_vec_append(out, &f)) {
			b->nomem = true;
			return false;
		}
	}
	return true;
}

static char *state_of(struct builder *b, const struct hc_goroutine *g)
{
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	if (!hc_traceback_state(b->t, g, &sb)) {
		hc_strbuf_deinit(&sb);
		b->nomem = true;
		return NULL;
	}
	return take(b, &sb);
}

static char *created_by(struct builder *b, const struct hc_goroutine *g)
{
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	if (!hc_traceback_created_by(b->t, g, &sb)) {
		hc_strbuf_deinit(&sb);
		b->nomem = true;
		return NULL;
	}
	if (!sb.len) {
		hc_strbuf_deinit(&sb);
		return NULL;
	}
	return take(b, &sb);
}

/* ------------------------------------------------------------ process */

static void build_process(struct builder *b)
{
	const struct hc_target *t = b->t;
	struct hc_report *r = b->r;
	const struct hc_file *cf = hc_core_file(t->core);
	r->process.go_version = clean(b, t->buildinfo && t->buildinfo->version
					   ? t->buildinfo->version : "?");
	r->process.experiment = clean(b, t->goexperiment ? t->goexperiment : "");
	r->process.arch = hc_arch_name(hc_core_arch(t->core));
	r->process.maps_impl = hc_map_flavour_name(t->maps);
	r->process.gnu_build_id = clean(b, t->gnu_build_id ? t->gnu_build_id : "");
	r->process.go_build_id = clean(b, t->go_build_id ? t->go_build_id : "");
	r->process.exe = clean(b, t->exe_path ? t->exe_path : "?");
	r->process.debug_file = clean(b, t->debug_path);
	r->process.core = clean(b, t->core_path ? t->core_path : "?");
	r->process.core_size = cf->size;
	r->process.core_disk_size = cf->disk_size;
	r->process.compression = hc_compression_name(cf->compression);
	uint64_t expected, actual;
	if (hc_core_truncation(t->core, &expected, &actual)) {
		r->process.truncated = true;
		r->process.expected_size = expected;
	}
	const struct hc_core_prpsinfo *ps = hc_core_prpsinfo(t->core);
	if (ps) {
		r->process.pid = ps->pid;
		r->process.name = clean(b, ps->fname);
		r->process.args = b->o->redact ? NULL : clean(b, ps->psargs);
	}
}

/* ------------------------------------------------------------ crash */

static const struct hc_frame *first_user_frame(const struct hc_stack *st, size_t skip)
{
	for (size_t i = skip; i < st->frames.size; i++) {
		const char *fn = st->frames.data[i].func;
		if (strncmp(fn, "runtime.", 8) != 0 && strncmp(fn, "internal/", 9) != 0 &&
		    strcmp(fn, "?") != 0)
			return &st->frames.data[i];
	}
	return NULL;
}

static const struct hc_map_row *row_at(const struct hc_analysis *a, uint64_t addr)
{
	return addr ? hc_analysis_map(a, addr) : NULL;
}

static void build_crash(struct builder *b)
{
	struct hc_report *r = b->r;
	const struct hc_target *t = b->t;
	const struct hc_runtime *rt = t->runtime;
	const struct hc_crash_analysis *ca = b->a->crash;
	const struct hc_core_siginfo *si = hc_core_siginfo(t->core);
	if (si) {
		r->crash.signo = si->signo;
		r->crash.signal = hc_signal_name(si->signo);
		const char *cn = hc_si_code_name(si->code);
		// Without NT_SIGINFO the code is unknown: NULL (JSON null).
		if (!si->from_prstatus)
			r->crash.si_code = cn ? fmt(b, "%s", cn) : fmt(b, "%d", si->code);
		if (!si->from_prstatus &&
		    (si->signo == 11 || si->signo == 7 || si->signo == 4 || si->signo == 8)) {
			r->crash.has_fault_addr = true;
			r->crash.fault_addr = si->addr;
		}
	}
	r->crash.kind = hc_crash_kind_name(ca ? ca->kind : HC_CRASH_NONE);
	if (!rt)
		return;
	const struct hc_crash *c = &rt->crash;
	if (c->go_signal) {
		const char *n = hc_signal_name((int)c->go_signal);
		r->crash.go_signal = fmt(b, "[signal %s: %s code=0x%" PRIx64 " addr=0x%" PRIx64
					 " pc=0x%" PRIx64 "]", n ? n : "?",
					 hc_signal_text((int)c->go_signal), c->go_sigcode0,
					 c->go_fault_addr, c->go_sigpc);
		if (!r->crash.has_fault_addr && (c->go_signal == 11 || c->go_signal == 7)) {
			r->crash.has_fault_addr = true;
			r->crash.fault_addr = c->go_fault_addr;
		}
	}
	bool redact = b->o->redact;
	if (c->fatal_message)
		r->crash.fatal = clean(b, c->fatal_message);
	if (c->panic_message)
		r->crash.panic = redact && user_panic(c->panic_type) ? fmt(b, "(redacted)")
								      : clean(b, c->panic_message);
	if (c->panic_type)
		r->crash.panic_type = clean(b, c->panic_type);
	if (r->crash.fatal)
		r->crash.headline = fmt(b, "fatal error: %s", r->crash.fatal);
	else if (r->crash.panic)
		r->crash.headline = fmt(b, "panic: %s", r->crash.panic);
	else if (c->fatal_signal && hc_signal_name((int)c->fatal_signal)) {
		// The runtime's own line ("SIGQUIT: quit"): the signal it died
		// of, not the SIGABRT its crash() raised afterwards.
		struct hc_strbuf sb;
		hc_strbuf_init(&sb);
		if (hc_fatal_signal_text(c, &sb))
			r->crash.headline = take(b, &sb);
		else
			hc_strbuf_deinit(&sb);
	}
	else if (r->crash.signal)
		r->crash.headline = fmt(b, "killed by %s", r->crash.signal);
	else
		r->crash.headline = fmt(b, "no crash recorded (a live snapshot?)");

	r->crash.goid = c->goid;
	const struct hc_goroutine *g = c->goid ? hc_runtime_find_goroutine(rt, c->goid) : NULL;
	struct hc_stack st;
	hc_stack_init(&st);
	size_t skip = 0;
	if (g && b->a->unwinder) {
		struct hc_error *err = hc_unwind_goroutine(b->a->unwinder, g, &st);
		if (err) {
			hc_error_destroy(err);
			b->nomem = true;
		}
		skip = hc_traceback_crash_skip(&st);
		r->crash.goroutine_state = state_of(b, g);
		frames_of(b, &st, skip, &r->crash.stack);
	}
	const struct hc_frame *uf = first_user_frame(&st, skip);

	/* The goroutines in map functions, the crashing one first. */
	for (size_t i = 0; ca && i < ca->accesses.size; i++) {
		const struct hc_map_access *x = &ca->accesses.data[i];
		bool on_victim = ca->victim && x->map_addr == ca->victim;
		if (!x->crashed && !on_victim)
			continue;
		const struct hc_goroutine *xg = hc_runtime_find_goroutine(rt, x->goid);
		struct hc_report_access ra = {
			.goid = x->goid,
			.op = fmt(b, "%s", hc_map_op_name(x->op)),
			.func = clean(b, x->func ? x->func : "?"),
			.caller = x->caller_func ? clean(b, x->caller_func) : NULL,
			.caller_file = x->caller_file ? clean(b, x->caller_file) : NULL,
			.caller_line = x->caller_line,
			.crashed = x->crashed,
			.created_by = xg ? created_by(b, xg) : NULL,
		};
		if (!hc_report_access_vec_append(&r->crash.accesses, &ra))
			b->nomem = true;
	}
	if (ca)
		r->crash.victim = ca->victim;
	const struct hc_map_row *vr = ca ? row_at(b->a, ca->victim) : NULL;
	if (vr)
		r->crash.victim_path = redacted(b, vr->found->path);
	else if (ca && ca->victim)
		r->crash.victim_unnamed = hc_analysis_unnamed(b->a);

	/* The summary, in words a person can act on. */
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	bool ok = true;
	if (ca && hc_crash_is_concurrent(ca->kind)) {
		ok = hc_strbuf_appendf(&sb, "The Go runtime stopped the process on %s", r->crash.kind);
		if (vr)
			ok = ok && hc_strbuf_appendf(&sb, " to map %s (%s at 0x%" PRIx64 ")",
						     r->crash.victim_path,
						     vr->found->type && vr->found->type->name
							     ? vr->found->type->name : "map",
						     ca->victim);
		else if (ca->victim)
			ok = ok && hc_strbuf_appendf(&sb, " to the map at 0x%" PRIx64 " (%s)", ca->victim,
						     r->crash.victim_unnamed);
		ok = ok && hc_strbuf_appends(&sb, ".");
		size_t nx = r->crash.accesses.size;
		if (nx) {
			ok = ok && hc_strbuf_appendf(&sb, " %zu goroutine%s touched it:", nx,
						     nx == 1 ? "" : "s");
			for (size_t i = 0; i < nx && ok; i++) {
				const struct hc_report_access *x = &r->crash.accesses.data[i];
				ok = hc_strbuf_appendf(&sb, "%s goroutine %" PRIu64 " %s%s", i ? ";" : "",
						       x->goid, x->crashed ? "died in a " : "in a ", x->op);
				if (x->caller)
					ok = ok && hc_strbuf_appendf(&sb, " from %s (%s:%d)", x->caller,
								     x->caller_file ? x->caller_file : "?",
								     x->caller_line);
			}
			ok = ok && hc_strbuf_appends(&sb, ".");
		}
		ok = ok && hc_strbuf_appendf(&sb, " Fix: %s.",
					     hc_finding_code_remedy(HC_FINDING_MAP_CONCURRENT));
	} else if (ca && ca->kind == HC_CRASH_NIL_MAP_WRITE) {
		ok = hc_strbuf_appendf(&sb, "Goroutine %" PRIu64 " assigned to an entry of a nil map",
				       c->goid);
		for (size_t i = 0; ok && i < r->crash.accesses.size; i++) {
			const struct hc_report_access *x = &r->crash.accesses.data[i];
			if (x->crashed && x->caller)
				ok = hc_strbuf_appendf(&sb, " in %s (%s:%d)", x->caller,
						       x->caller_file ? x->caller_file : "?",
						       x->caller_line);
		}
		ok = ok && hc_strbuf_appends(&sb, ".");
		size_t nnil = 0;
		for (size_t i = 0; i < b->a->findings.v.size; i++)
			nnil += b->a->findings.v.data[i].code == HC_FINDING_SLICE_NIL_MAP;
		if (nnil)
			ok = ok && hc_strbuf_appendf(&sb, " %zu nil map%s sit%s in slices of maps (see the "
						     "slice-nil-map findings).", nnil,
						     nnil == 1 ? "" : "s", nnil == 1 ? "s" : "");
		ok = ok && hc_strbuf_appendf(&sb, " Fix: %s.",
					     hc_finding_code_remedy(HC_FINDING_MAP_NIL_WRITE));
	} else if (c->fatal_signal && c->fatal_sigcode <= 0 && !r->crash.fatal && !r->crash.panic) {
		const char *n = hc_signal_name((int)c->fatal_signal);
		ok = hc_strbuf_appendf(&sb, "A process sent it %s; the Go runtime printed every goroutine "
				       "and aborted (no goroutine panicked). Read the goroutines below.",
				       n ? n : "a signal");
	} else {
		ok = hc_strbuf_appends(&sb, c->goid ? "" : "The process died");
		if (c->goid)
			ok = hc_strbuf_appendf(&sb, "Goroutine %" PRIu64 " %s", c->goid,
					       r->crash.fatal ? "raised a fatal error"
					       : r->crash.panic ? "panicked" : "crashed");
		if (ok && uf)
			ok = hc_strbuf_appends(&sb, " in ") &&
			     hc_traceback_func_name(t->go_minor, uf->func, &sb) &&
			     hc_strbuf_appends(&sb, " (") &&
			     hc_strbuf_append_escaped(&sb, uf->file, strlen(uf->file)) &&
			     hc_strbuf_appendf(&sb, ":%d)", uf->line);
		if (ok && c->go_signal && r->crash.has_fault_addr)
			ok = hc_strbuf_appendf(&sb, " on a %s at address 0x%" PRIx64 "%s",
					       hc_signal_name((int)c->go_signal)
						       ? hc_signal_name((int)c->go_signal) : "signal",
					       r->crash.fault_addr,
					       r->crash.fault_addr < 4096
						       ? ", a nil pointer dereference (the offset is the field's)"
						       : "");
		ok = ok && hc_strbuf_appends(&sb, ". Read its stack below");
		if (b->a->findings.v.size > 1)
			ok = ok && hc_strbuf_appends(&sb, "; the findings say what else is broken");
		ok = ok && hc_strbuf_appends(&sb, ".");
	}
	if (ok)
		r->crash.summary = take(b, &sb);
	else
		b->nomem = true;
	hc_strbuf_deinit(&sb);
	hc_stack_deinit(&st);
}

/* ------------------------------------------------------------ findings */

static void build_findings(struct builder *b)
{
	struct hc_report *r = b->r;
	const struct hc_findings *fs = &b->a->findings;
	for (size_t i = 0; i < fs->v.size; i++) {
		const struct hc_finding *f = &fs->v.data[i];
		struct hc_report_finding rf = {
			.code = hc_finding_code_name(f->code),
			.severity = hc_severity_name(f->severity),
			.sev = f->severity,
			.path = f->path ? redacted(b, f->path) : NULL,
			.message = redacted(b, f->message ? f->message : ""),
			.remedy = hc_finding_code_remedy(f->code),
			.naddrs = f->naddrs,
			.ngoids = f->ngoids,
		};
		if (b->o->redact && f->code == HC_FINDING_FATAL && r->crash.headline)
			rf.message = fmt(b, "%s", r->crash.headline);
		memcpy(rf.addrs, f->addrs, sizeof(rf.addrs));
		memcpy(rf.goids, f->goids, sizeof(rf.goids));
		switch (f->severity) {
		case HC_SEVERITY_ERROR: r->nerror++; break;
		case HC_SEVERITY_WARNING: r->nwarning++; break;
		case HC_SEVERITY_INFO: r->ninfo++; break;
		}
		if (f->severity >= b->o->fail_on)
			r->nover++;
		if (!hc_report_finding_vec_append(&r->findings, &rf))
			b->nomem = true;
	}
	r->fail_on = hc_severity_name(b->o->fail_on);
	r->complete = hc_completeness_complete(&b->a->gaps);
	r->verdict = r->nover ? "findings" : !r->complete ? "incomplete" : "clean";
}

/* ------------------------------------------------------------ goroutines */

/* Goroutines by state and the groups of identical stacks, from the
 * analysis's one pass over every goroutine (check.h). */

static int cmp_group(const void *pa, const void *pb)
{
	const struct hc_report_group *a = pa, *b = pb;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	uint64_t x = a->goids.size ? a->goids.data[0] : 0;
	uint64_t y = b->goids.size ? b->goids.data[0] : 0;
	return x < y ? -1 : x > y;
}

static int cmp_state(const void *pa, const void *pb)
{
	const struct hc_report_state *a = pa, *b = pb;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return strcmp(a->state, b->state);
}

static int cmp_u64(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
	return a < b ? -1 : a > b;
}

/* Count @p n goroutines in @p state (states are few: a linear search). */
static void count_state(struct builder *b, const char *state, size_t n)
{
	struct hc_report_state_vec *v = &b->r->states;
	for (size_t i = 0; i < v->size; i++) {
		if (strcmp(v->data[i].state, state) == 0) {
			v->data[i].count += n;
			return;
		}
	}
	struct hc_report_state s = {.state = clean(b, state), .count = n};
	if (!s.state || !hc_report_state_vec_append(v, &s))
		b->nomem = true;
}

static void build_goroutines(struct builder *b)
{
	struct hc_report *r = b->r;
	const struct hc_analysis *a = b->a;
	r->goroutines_total = a->goroutines;
	struct hc_strbuf state;
	hc_strbuf_init(&state);
	for (size_t i = 0; i < a->groups.size && !b->nomem; i++) {
		const struct hc_goroutine_group *g = &a->groups.data[i];
		const struct hc_goroutine *first = g->members.data[0];
		hc_strbuf_reset(&state);
		if (!hc_traceback_state(b->t, first, &state) || !state.str) {
			b->nomem = true;
			break;
		}
		count_state(b, state.str, g->members.size);
		struct hc_report_group out = {
			.state = clean(b, state.str),
			.count = g->members.size,
			.created_by = created_by(b, first),
			.stack_error = g->stack.error ? clean(b, g->stack.error) : NULL,
		};
		if (hc_report_u64_vec_reserve(&out.goids, g->members.size)) {
			for (size_t k = 0; k < g->members.size; k++)
				out.goids.data[k] = g->members.data[k]->goid;
			out.goids.size = g->members.size;
			qsort(out.goids.data, out.goids.size, sizeof(uint64_t), cmp_u64);
		} else {
			b->nomem = true;
		}
		frames_of(b, &g->stack, 0, &out.frames);
		if (b->nomem || !hc_report_group_vec_append(&r->groups, &out)) {
			hc_report_u64_vec_deinit(&out.goids);
			hc_report_frame_vec_deinit(&out.frames);
			b->nomem = true;
		}
	}
	hc_strbuf_deinit(&state);
	if (r->states.size)
		qsort(r->states.data, r->states.size, sizeof(*r->states.data), cmp_state);
	if (r->groups.size)
		qsort(r->groups.data, r->groups.size, sizeof(*r->groups.data), cmp_group);
	r->groups_total = r->groups.size;
	size_t max = b->o->max_groups ? b->o->max_groups : 50;
	while (r->groups.size > max) {
		struct hc_report_group *grp = hc_report_group_vec_pop(&r->groups);
		hc_report_u64_vec_deinit(&grp->goids);
		hc_report_frame_vec_deinit(&grp->frames);
	}
}

/* ------------------------------------------------------------ maps */

/* The picture's five classes of the decoder's slot states (maps.h). */
static enum hc_report_slot report_slot(enum hc_map_slot s)
{
	switch (s) {
	case HC_MAP_SLOT_LIVE: return HC_REPORT_SLOT_LIVE;
	case HC_MAP_SLOT_EMPTY:
	case HC_MAP_SLOT_EMPTY_REST: return HC_REPORT_SLOT_EMPTY;
	case HC_MAP_SLOT_EVACUATED_X:
	case HC_MAP_SLOT_EVACUATED_Y:
	case HC_MAP_SLOT_EVACUATED_EMPTY: return HC_REPORT_SLOT_EVACUATED;
	case HC_MAP_SLOT_DELETED: return HC_REPORT_SLOT_DELETED;
	case HC_MAP_SLOT_INVALID: break;
	}
	return HC_REPORT_SLOT_INVALID;
}

static void map_units(struct builder *b, const struct hc_map_row *row,
		      struct hc_report_map *m)
{
	size_t max = b->o->max_units ? b->o->max_units : 4096;
	struct hc_map_unit_iter it;
	struct hc_error *err = hc_map_units_init(&it, b->t->as, row->info, row->found->addr);
	bool swiss = row->info->flavour == HC_MAPS_SWISS;
	bool done = false;
	/* Count past what is drawn, within a bound (a picture says "of N"). */
	while (!err && !done && m->units_total < (uint64_t)max * 64) {
		struct hc_map_unit u;
		err = hc_map_units_next(&it, &u, &done);
		if (err || done)
			break;
		m->units_total++;
		if (m->units.size >= max)
			continue;
		struct hc_report_unit ru = {.kind = hc_map_unit_kind_name(u.kind), .addr = u.addr};
		for (unsigned i = 0; i < 8; i++) {
			ru.slots[i] = (uint8_t)report_slot(swiss ? hc_map_slot_swiss(u.ctrl[i])
							       : hc_map_slot_classic(u.ctrl[i]));
			ru.live += ru.slots[i] == HC_REPORT_SLOT_LIVE;
		}
		if (!hc_report_unit_vec_append(&m->units, &ru)) {
			b->nomem = true;
			break;
		}
	}
	hc_error_destroy(err);
}

static void map_keys(struct builder *b, const struct hc_map_row *row,
		     struct hc_report_map *m)
{
	size_t max = b->o->max_keys ? b->o->max_keys : 5;
	struct hc_value_ctx vctx;
	hc_value_ctx_init(&vctx, (struct hc_target *)b->t);
	struct hc_value_options vo;
	hc_value_options_default(&vo);
	vo.max_elements = 16;
	vo.max_string = 256;
	struct hc_map_iter it;
	struct hc_error *err = hc_map_iter_init(&it, b->t->as, row->info, row->found->addr);
	bool done = false;
	for (size_t n = 0; !err && !done && n < max && !b->nomem; n++) {
		uint64_t key, elem;
		err = hc_map_iter_next(&it, &key, &elem, &done);
		if (err || done)
			break;
		struct hc_strbuf ks;
		hc_strbuf_init(&ks);
		struct hc_error *fe = hc_value_format(&vctx, row->info->key, key, &ks, &vo);
		hc_error_destroy(fe);
		char *s = clean(b, ks.str ? ks.str : "");
		hc_strbuf_deinit(&ks);
		if (s && !hc_report_str_vec_append(&m->keys, &s))
			b->nomem = true;
	}
	hc_map_iter_deinit(&it);
	hc_error_destroy(err);
}

/* The growth state, as every view writes it (mapview.h); NULL without a
 * header. */
static void growth_text(struct builder *b, const struct hc_map_row *row, struct hc_report_map *m)
{
	m->growth = NULL;
	if (!row->has_header)
		return;
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	if (hc_map_row_growth(row, &sb))
		m->growth = fmt(b, "%s", sb.str);
	else
		b->nomem = true;
	hc_strbuf_deinit(&sb);
}

struct mrank {
	const struct hc_map_row *row;
	uint64_t bytes;
	bool suspect;
	int worst;
};

static int cmp_mrank(const void *pa, const void *pb)
{
	const struct mrank *a = pa, *b = pb;
	if (a->suspect != b->suspect)
		return a->suspect ? -1 : 1;
	if (a->worst != b->worst)
		return a->worst > b->worst ? -1 : 1;
	if (a->bytes != b->bytes)
		return a->bytes > b->bytes ? -1 : 1;
	int c = strcmp(a->row->found->path, b->row->found->path);
	if (c)
		return c;
	return a->row->found->addr < b->row->found->addr ? -1 : a->row->found->addr > b->row->found->addr;
}

/* Sift h[i] down the min-heap h[0, n). */
static void sift_down(uint64_t *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		if (l < n && h[l] < h[m])
			m = l;
		if (l + 1 < n && h[l + 1] < h[m])
			m = l + 1;
		if (m == i)
			return;
		uint64_t t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

/* The @p m-th largest size of @p v[0, n) (1 <= m <= n), in O(n log m):
 * a min-heap of the m largest so far, in @p heap (m slots). */
static uint64_t mth_largest(const struct mrank *v, size_t n, size_t m, uint64_t *heap)
{
	for (size_t i = 0; i < m; i++)
		heap[i] = v[i].bytes;
	for (size_t i = m / 2; i-- > 0;)
		sift_down(heap, m, i);
	for (size_t i = m; i < n; i++) {
		if (v[i].bytes > heap[0]) {
			heap[0] = v[i].bytes;
			sift_down(heap, m, 0);
		}
	}
	return heap[0];
}

static bool add_reason(struct builder *b, struct hc_report_map *m, const char *why)
{
	char *s = fmt(b, "%s", why);
	if (s && !hc_report_str_vec_append(&m->reasons, &s))
		b->nomem = true;
	return !b->nomem;
}

static void build_maps(struct builder *b)
{
	struct hc_report *r = b->r;
	const struct hc_analysis *a = b->a;
	size_t n = a->rows.size;
	struct mrank *rk = calloc(n ? n : 1, sizeof(*rk));
	if (!rk) {
		b->nomem = true;
		return;
	}
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const struct hc_map_row *row = &a->rows.data[i];
		if (row->found->alias)
			continue;
		r->maps_total++;
		if (row->has_stats)
			r->maps_bytes += row->stats.bytes;
		rk[k].row = row;
		rk[k].bytes = row->has_stats ? row->stats.bytes : 0;
		rk[k].suspect = row->nfindings > 0 ||
				(a->crash && a->crash->victim && row->found->addr == a->crash->victim);
		rk[k].worst = row->nfindings ? (int)row->worst + 1 : 0;
		k++;
	}
	size_t max = b->o->max_maps ? b->o->max_maps : 20;
	/* The size of the max-th largest map: maps at least this big are
	 * "largest" (ties broken by the listing order). */
	size_t top = k < max ? k : max;
	uint64_t *heap = calloc(top ? top : 1, sizeof(*heap));
	if (!heap) {
		free(rk);
		b->nomem = true;
		return;
	}
	uint64_t threshold = top ? mth_largest(rk, k, top, heap) : 0;
	/* Only the suspects and the maps that big can be listed: sort those
	 * (the rest of 10^5 small maps need no order). */
	size_t kept = 0;
	for (size_t i = 0; i < k; i++)
		if (rk[i].suspect || (rk[i].bytes > 0 && rk[i].bytes >= threshold))
			rk[kept++] = rk[i];
	k = kept;
	qsort(rk, k, sizeof(*rk), cmp_mrank);
	size_t nlargest = 0;
	for (size_t i = 0; i < k && !b->nomem; i++) {
		const struct hc_map_row *row = rk[i].row;
		bool largest = rk[i].bytes > 0 && rk[i].bytes >= threshold && nlargest < max;
		if (!rk[i].suspect && !largest)
			continue;
		struct hc_report_map m = {
			.path = redacted(b, row->found->path),
			.type = clean(b, row->found->type && row->found->type->name
					     ? row->found->type->name : "?"),
			.addr = row->found->addr,
			.impl = hc_map_row_impl(row),
			.suspect = rk[i].suspect,
		};
		if (row->has_header) {
			m.has_count = true;
			m.count = row->header.count;
		} else if (row->found->sync_map) {
			m.has_count = true;
			m.count = row->found->entries;
		}
		if (row->has_stats) {
			m.has_stats = true;
			m.entries = row->stats.entries;
			m.slots = row->stats.slots;
			m.bytes = row->stats.bytes;
			m.bytes_needed = row->stats.bytes_needed;
			m.load = row->stats.load;
		}
		growth_text(b, row, &m);
		m.error = row->error ? clean(b, row->error) : NULL;
		if (a->crash && a->crash->victim && row->found->addr == a->crash->victim)
			add_reason(b, &m, "crash");
		size_t nf;
		const size_t *fidx = hc_analysis_findings_of(a, row->found->path, &nf);
		for (size_t f = 0; f < nf; f++) {
			const struct hc_finding *fd = &a->findings.v.data[fidx[f]];
			char *c = fmt(b, "%s", hc_finding_code_name(fd->code));
			if (c && !hc_report_str_vec_append(&m.findings, &c))
				b->nomem = true;
		}
		if (m.findings.size)
			add_reason(b, &m, "finding");
		bool oversized = false;
		for (size_t f = 0; f < m.findings.size; f++)
			oversized |= strcmp(m.findings.data[f], "map-oversized") == 0;
		if (oversized)
			add_reason(b, &m, "oversized");
		if (largest) {
			add_reason(b, &m, "largest");
			nlargest++;
		}
		if (!b->o->redact && row->has_info && row->found->addr && !row->found->sync_map)
			map_keys(b, row, &m);
		if (m.suspect && row->has_info && row->found->addr && !row->found->sync_map)
			map_units(b, row, &m);
		if (!hc_report_map_vec_append(&r->maps, &m))
			b->nomem = true;
	}
	free(heap);
	free(rk);
}

/* ------------------------------------------------------------ threads */

/* A thread in C: its native frames (libdwfl), names cleaned. */
static void native_frames(struct builder *b, size_t index, struct hc_report_thread *th)
{
	struct hc_native_stack st;
	hc_native_stack_init(&st);
	struct hc_error *err = hc_target_native_stack(b->t, index, HC_REPORT_NATIVE_FRAMES, &st);
	if (err) {
		hc_error_destroy(err);
		b->nomem = true;
	}
	for (size_t k = 0; k < st.frames.size && !b->nomem; k++) {
		const struct hc_native_frame *f = &st.frames.data[k];
		struct hc_report_native_frame rf = {
			.pc = f->pc,
			.func = clean(b, f->func),
			.offset = f->func ? f->offset : 0,
			.module = clean(b, f->module),
			.file = clean(b, f->file),
			.line = f->line,
			.go = f->go,
		};
		if (!hc_report_native_frame_vec_append(&th->native, &rf))
			b->nomem = true;
	}
	if (st.error)
		th->native_error = clean(b, st.error);
	else if (st.truncated)
		th->native_error = clean(b, "cut at the frame limit");
	hc_native_stack_deinit(&st);
}

static void build_threads(struct builder *b)
{
	struct hc_report *r = b->r;
	const struct hc_target *t = b->t;
	const struct hc_runtime *rt = t->runtime;
	size_t nthreads;
	const struct hc_core_thread *th = hc_core_threads(t->core, &nthreads);
	for (size_t i = 0; i < nthreads && !b->nomem; i++) {
		struct hc_report_thread rt_ = {
			.tid = th[i].tid,
			.pc = th[i].pc,
			.func = clean(b, hc_target_func_name(t, th[i].pc)),
		};
		if (rt && i < rt->threads.size) {
			const struct hc_thread_info *ti = &rt->threads.data[i];
			if (ti->m >= 0 && (size_t)ti->m < rt->ms.size) {
				rt_.has_m = true;
				rt_.m = rt->ms.data[ti->m].id;
			}
			const struct hc_goroutine *g = hc_runtime_goroutine_at(rt, ti->curg);
			if (!g)
				g = hc_runtime_goroutine_at(rt, ti->g_addr);
			if (g)
				rt_.goid = g->goid;
			for (size_t m = 0; ti->g_addr && m < rt->ms.size; m++) {
				if (rt->ms.data[m].g0 == ti->g_addr)
					rt_.sysg = "g0";
				else if (rt->ms.data[m].gsignal == ti->g_addr)
					rt_.sysg = "gsignal";
			}
		}
		hc_report_native_frame_vec_init(&rt_.native);
		native_frames(b, i, &rt_);
		if (!hc_report_thread_vec_append(&r->threads, &rt_)) {
			hc_report_native_frame_vec_deinit(&rt_.native);
			b->nomem = true;
		}
	}
}

static void add_note(struct builder *b, const char *s)
{
	char *c = clean(b, s);
	if (c && !hc_report_str_vec_append(&b->r->notes, &c))
		b->nomem = true;
}

struct hc_error *hc_report_create(struct hc_analysis *a,
				  const struct hc_report_options *o,
				  struct hc_report **ret)
{
	struct hc_report *r = calloc(1, sizeof(*r));
	if (!r)
		return &hc_error_nomem;
	struct builder b = {.r = r, .a = a, .t = a->target, .o = o};
	r->tool = fmt(&b, "%s", o->tool ? o->tool : "hmapcore");
	r->redacted = o->redact;
	build_process(&b);
	build_crash(&b);
	build_findings(&b);
	build_goroutines(&b);
	build_maps(&b);
	build_threads(&b);
	for (size_t i = 0; i < b.t->notes.size; i++)
		add_note(&b, b.t->notes.data[i]);
	if (b.t->runtime)
		for (size_t i = 0; i < b.t->runtime->problems.size; i++)
			add_note(&b, b.t->runtime->problems.data[i]);
	for (size_t i = 0; i < a->notes.size; i++)
		add_note(&b, a->notes.data[i]);
	for (size_t i = 0; i < a->gaps.gaps.size; i++) {
		struct hc_report_gap g = {clean(&b, a->gaps.gaps.data[i].reason),
					  clean(&b, a->gaps.gaps.data[i].cost)};
		if (!g.reason || !g.cost || !hc_report_gap_vec_append(&r->gaps, &g))
			b.nomem = true;
	}
	if (a->gaps.dropped) {
		struct hc_report_gap g = {fmt(&b, "%zu more reasons could not be recorded (out of memory)",
					      a->gaps.dropped),
					  fmt(&b, "unknown")};
		if (!g.reason || !g.cost || !hc_report_gap_vec_append(&r->gaps, &g))
			b.nomem = true;
	}
	if (b.nomem) {
		hc_report_destroy(r);
		return &hc_error_nomem;
	}
	*ret = r;
	return NULL;
}

void hc_report_destroy(struct hc_report *r)
{
	if (!r)
		return;
	hc_report_frame_vec_deinit(&r->crash.stack);
	hc_report_access_vec_deinit(&r->crash.accesses);
	hc_report_finding_vec_deinit(&r->findings);
	hc_report_state_vec_deinit(&r->states);
	for (size_t i = 0; i < r->groups.size; i++) {
		hc_report_u64_vec_deinit(&r->groups.data[i].goids);
		hc_report_frame_vec_deinit(&r->groups.data[i].frames);
	}
	hc_report_group_vec_deinit(&r->groups);
	for (size_t i = 0; i < r->maps.size; i++) {
		struct hc_report_map *m = &r->maps.data[i];
		hc_report_str_vec_deinit(&m->reasons);
		hc_report_str_vec_deinit(&m->findings);
		hc_report_str_vec_deinit(&m->keys);
		hc_report_unit_vec_deinit(&m->units);
	}
	hc_report_map_vec_deinit(&r->maps);
	for (size_t i = 0; i < r->threads.size; i++)
		hc_report_native_frame_vec_deinit(&r->threads.data[i].native);
	hc_report_thread_vec_deinit(&r->threads);
	hc_report_str_vec_deinit(&r->notes);
	hc_report_gap_vec_deinit(&r->gaps);
	for (size_t i = 0; i < r->pool.size; i++)
		free(r->pool.data[i]);
	hc_report_str_vec_deinit(&r->pool);
	free(r);
}
