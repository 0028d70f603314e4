/* Goroutine and thread stacks as text: see include/hmapcore/traceback.h. */
#include "config.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmapcore/json.h"
#include "hmapcore/labels.h"
#include "hmapcore/native.h"
#include "hmapcore/threads.h"
#include "hmapcore/traceback.h"
#include "hmapcore/value.h"

/* One goroutine with its unwound stack. */
struct gstack {
	const struct hc_goroutine *g;
	struct hc_stack stack;
	/* Logical frames to skip in the runtime format (the crash frames
	 * dopanic_m does not print). */
	size_t skip;
	/* Running on another M than the crashing one: the runtime prints no
	 * stack for it. */
	bool unavailable;
	bool crashed;
	/* Grouping: index of the first goroutine of its group, and size. */
	size_t group;
	size_t group_size;
};

bool hc_traceback_func_name(int go_minor, const char *name,
			    struct hc_strbuf *out)
{
	if (!name)
		name = "?";
	if (strcmp(name, "runtime.gopanic") == 0)
		return hc_strbuf_appends(out, "panic");
	size_t n = strlen(name);
	if (go_minor >= 21) {
		/* funcNamePiecesForPrint (traceback.go go1.21+). */
		const char *i = strchr(name, '[');
		const char *j = strrchr(name, ']');
		if (i && j && j > i) {
			return hc_strbuf_append_escaped(out, name, (size_t)(i - name)) &&
			       hc_strbuf_appends(out, "[...]") &&
			       hc_strbuf_append_escaped(out, j + 1, strlen(j + 1));
		}
	}
	return hc_strbuf_append_escaped(out, name, n);
}

static bool appends_esc(struct hc_strbuf *out, const char *s)
{
	if (!s)
		s = "?";
	return hc_strbuf_append_escaped(out, s, strlen(s));
}

static const struct hc_m *m_at(const struct hc_runtime *rt, uint64_t addr)
{
	for (size_t i = 0; addr && i < rt->ms.size; i++)
		if (rt->ms.data[i].addr == addr)
			return &rt->ms.data[i];
	return NULL;
}

/* The state as goroutineheader prints it (without the brackets). */
static bool append_state(const struct hc_target *t, const struct hc_goroutine *g,
			 struct hc_strbuf *out)
{
	bool ok;
	bool leaked = g->status == HC_G_LEAKED;
	if ((g->status == HC_G_WAITING || leaked) && g->waitreason != 0 &&
	    g->waitreason_text && *g->waitreason_text)
		ok = hc_strbuf_appends(out, g->waitreason_text);
	else
		ok = hc_strbuf_appends(out, hc_gstatus_name(g->status));
	if (leaked && t->go_minor >= 26)
		ok = ok && hc_strbuf_appends(out, " (leaked)");
	if (g->raw_status & HC_G_SCAN)
		ok = ok && hc_strbuf_appends(out, " (scan)");
	/* ", N minutes": the core does not record the crash time; its latest
	 * clock reading stands in for it (hc_runtime_wait_minutes). When that
	 * reading may be minutes old, the count is a lower bound and says so. */
	bool exact;
	int64_t minutes = t->runtime ? hc_runtime_wait_minutes(&t->runtime->crash, g, &exact) : -1;
	if (ok && minutes >= 1)
		ok = hc_strbuf_appendf(out, exact ? ", %" PRId64 " minutes"
						  : ", at least %" PRId64 " minutes", minutes);
	if (g->lockedm)
		ok = ok && hc_strbuf_appends(out, ", locked to thread");
	return ok;
}

/* Index of the first frame after runtime.fatalthrow/fatalpanic, 0 when
 * the stack has neither. */
size_t hc_traceback_crash_skip(const struct hc_stack *st)
{
	for (size_t j = 0; j < st->frames.size; j++) {
		const char *fn = st->frames.data[j].func;
		if (strcmp(fn, "runtime.fatalthrow") == 0 ||
		    strcmp(fn, "runtime.fatalpanic") == 0)
			return j + 1;
	}
	return 0;
}

/* Goroutines [begin, end) of a collection, unwound by one thread. */
struct unwind_part {
	struct hc_unwinder *u;
	struct gstack *gs;
	size_t begin, end;
	bool top;
	struct hc_error *err;
};

static void unwind_part(struct unwind_part *p)
{
	for (size_t i = p->begin; i < p->end && !p->err; i++) {
		struct gstack *s = &p->gs[i];
		p->err = p->top ? hc_unwind_goroutine_top(p->u, s->g, &s->stack)
				: hc_unwind_goroutine(p->u, s->g, &s->stack);
		if (!p->err && s->g->status == HC_G_RUNNING)
			s->skip = hc_traceback_crash_skip(&s->stack);
	}
}

static void *unwind_part_thread(void *arg)
{
	unwind_part(arg);
	return NULL;
}

/* A second thread unwinds half of the goroutines from this many on. */
enum { UNWIND_SPLIT_MIN = 4096 };

/* Every live goroutine of allgs, in allgs order, with its stack (@p top:
 * down to its top user frame only). */
static struct hc_error *collect(const struct hc_target *t, struct hc_unwinder *u,
				const struct hc_traceback_options *opts, bool top,
				struct gstack **ret, size_t *n_ret)
{
	const struct hc_runtime *rt = t->runtime;
	size_t n = rt->goroutines.size;
	struct gstack *gs = calloc(n ? n : 1, sizeof(*gs));
	if (!gs)
		return &hc_error_nomem;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const struct hc_goroutine *g = &rt->goroutines.data[i];
		if (hc_gstatus_is_dead(g->status))
			continue;
		if (opts && opts->one && g->goid != opts->goid)
			continue;
		struct gstack *s = &gs[k++];
		s->g = g;
		s->crashed = rt->crash.goid && g->goid == rt->crash.goid;
		hc_stack_init(&s->stack);
	}
	/* The second half on a thread of its own, with its own unwinder and
	 * pclntab caches (each stack is its goroutine's alone). */
	struct unwind_part parts[2] = {{.u = u, .gs = gs, .begin = 0, .end = k, .top = top},
				       {.gs = gs, .end = k, .top = top}};
	struct hc_unwinder *helper = NULL;
	pthread_t th;
	bool threaded = false;
	if (hc_second_thread(k, UNWIND_SPLIT_MIN) && t->pclntab) {
		/* Out of memory for the clone: all of it here. */
		struct hc_error *cerr = hc_unwinder_clone(u, &helper);
		if (cerr) {
			hc_error_destroy(cerr);
			helper = NULL;
		}
	}
	if (helper) {
		parts[0].end = parts[1].begin = k / 2;
		parts[1].u = helper;
		threaded = pthread_create(&th, NULL, unwind_part_thread, &parts[1]) == 0;
		if (!threaded)
			parts[0].end = k;
	}
	unwind_part(&parts[0]);
	if (threaded)
		pthread_join(th, NULL);
	hc_unwinder_destroy(helper);
	struct hc_error *err = parts[0].err ? parts[0].err : parts[1].err;
	if (parts[0].err && parts[1].err)
		hc_error_destroy(parts[1].err);
	if (err) {
		for (size_t j = 0; j < k; j++)
			hc_stack_deinit(&gs[j].stack);
		free(gs);
		return err;
	}
	*ret = gs;
	*n_ret = k;
	return NULL;
}

static void release(struct gstack *gs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		hc_stack_deinit(&gs[i].stack);
	free(gs);
}

static const char *contains(const char *hay, const char *needle)
{
	return hay && needle ? strstr(hay, needle) : NULL;
}

static bool selected(const struct gstack *s,
		     const struct hc_traceback_options *opts)
{
	if (!opts)
		return true;
	if (opts->state && *opts->state) {
		const struct hc_goroutine *g = s->g;
		if (!contains(hc_gstatus_name(g->status), opts->state) &&
		    !contains(g->waitreason_text, opts->state))
			return false;
	}
	if (opts->func && *opts->func) {
		bool any = false;
		for (size_t i = 0; i < s->stack.frames.size && !any; i++)
			any = contains(s->stack.frames.data[i].func, opts->func);
		if (!any)
			return false;
	}
	return true;
}

/* Hand a large output to opts->flush (see traceback.h). */
static bool maybe_flush(const struct hc_traceback_options *opts, struct hc_strbuf *out)
{
	if (!opts || !opts->flush || out->len < (1u << 20))
		return true;
	bool ok = opts->flush(opts->flush_arg, out);
	hc_strbuf_reset(out);
	return ok;
}

/* ------------------------------------------------------------ Go format */

static bool write_created_by(const struct hc_target *t,
			     const struct hc_goroutine *g, struct hc_strbuf *out)
{
	/* printcreatedby: not for goroutine 1, and only a known function. */
	if (g->goid == 1 || !g->gopc)
		return true;
	struct hc_func f;
	struct hc_error *err = hc_pclntab_find_func(t->pclntab, g->gopc, &f);
	if (err) {
		hc_error_destroy(err);
		return true;
	}
	bool ok = hc_strbuf_appends(out, "created by ") &&
		  hc_traceback_func_name(t->go_minor, f.name, out);
	if (ok && t->go_minor >= 21 && g->parent_goid)
		ok = hc_strbuf_appendf(out, " in goroutine %" PRIu64, g->parent_goid);
	uint64_t pc = g->gopc;
	uint64_t tracepc = pc > f.entry ? pc - hc_pclntab_quantum(t->pclntab) : pc;
	const char *file = "?";
	int32_t line = 0;
	err = hc_pclntab_line(t->pclntab, &f, tracepc, &file, &line);
	hc_error_destroy(err);
	ok = ok && hc_strbuf_appends(out, "\n\t") && appends_esc(out, file) &&
	     hc_strbuf_appendf(out, ":%" PRId32, line);
	if (ok && pc > f.entry)
		ok = hc_strbuf_appendf(out, " +0x%" PRIx64, pc - f.entry);
	return ok && hc_strbuf_appendc(out, '\n');
}

static bool write_go_frame(const struct hc_target *t, struct hc_unwinder *u,
			   const struct hc_frame *fr, struct hc_strbuf *out)
{
	bool ok = hc_traceback_func_name(t->go_minor, fr->func, out) &&
		  hc_strbuf_appendc(out, '(') &&
		  hc_unwind_frame_args(u, fr, out) &&
		  hc_strbuf_appends(out, ")\n\t") && appends_esc(out, fr->file) &&
		  hc_strbuf_appendc(out, ':') && hc_strbuf_append_i64(out, fr->line);
	if (ok && !fr->inlined) {
		if (fr->pc > fr->entry)
			ok = hc_strbuf_appends(out, " +") &&
			     hc_strbuf_append_hex(out, fr->pc - fr->entry);
		ok = ok && hc_strbuf_appends(out, " fp=") && hc_strbuf_append_hex(out, fr->fp) &&
		     hc_strbuf_appends(out, " sp=") && hc_strbuf_append_hex(out, fr->sp) &&
		     hc_strbuf_appends(out, " pc=") && hc_strbuf_append_hex(out, fr->pc);
	}
	return ok && hc_strbuf_appendc(out, '\n');
}

/* The runtime's names of signals (sigtab_linux_generic.go). */
static const char *const signames[] = {
	"SIGNONE: no trap", "SIGHUP: terminal line hangup", "SIGINT: interrupt",
	"SIGQUIT: quit", "SIGILL: illegal instruction", "SIGTRAP: trace trap",
	"SIGABRT: abort", "SIGBUS: bus error", "SIGFPE: floating-point exception",
	"SIGKILL: kill", "SIGUSR1: user-defined signal 1",
	"SIGSEGV: segmentation violation", "SIGUSR2: user-defined signal 2",
	"SIGPIPE: write to broken pipe", "SIGALRM: alarm clock",
	"SIGTERM: termination", "SIGSTKFLT: stack fault",
	"SIGCHLD: child status has changed", "SIGCONT: continue",
	"SIGSTOP: stop, unblockable", "SIGTSTP: keyboard stop",
	"SIGTTIN: background read from tty", "SIGTTOU: background write to tty",
	"SIGURG: urgent condition on socket", "SIGXCPU: cpu limit exceeded",
	"SIGXFSZ: file size limit exceeded", "SIGVTALRM: virtual alarm clock",
	"SIGPROF: profiling alarm clock", "SIGWINCH: window size change",
	"SIGIO: i/o now possible", "SIGPWR: power failure restart",
	"SIGSYS: bad system call",
};

/*
 * goroutineheader + traceback: @p whole prints the frames (else "stack
 * unavailable", what tracebackothers prints for a goroutine running on
 * another M); @p from_skip starts at the caller of fatalthrow/fatalpanic.
 */
static bool write_go_header(const struct hc_target *t, const struct hc_goroutine *g,
			    struct hc_strbuf *out)
{
	bool ok = hc_strbuf_appendf(out, "goroutine %" PRIu64, g->goid);
	/* goroutineheader prints gp/m with GOTRACEBACK>=crash from go1.22. */
	if (t->go_minor >= 22) {
		ok = ok && hc_strbuf_appendf(out, " gp=0x%" PRIx64, g->addr);
		const struct hc_m *m = m_at(t->runtime, g->m_addr);
		if (m)
			ok = ok && hc_strbuf_appendf(out, " m=%" PRId64 " mp=0x%" PRIx64,
						     m->id, m->addr);
		else if (g->m_addr)
			ok = ok && hc_strbuf_appendf(out, " m=? mp=0x%" PRIx64, g->m_addr);
		else
			ok = ok && hc_strbuf_appends(out, " m=nil");
	}
	return ok && hc_strbuf_appends(out, " [") && append_state(t, g, out) &&
	       hc_strbuf_appends(out, "]:\n");
}

/* tracebackInnerFrames, tracebackOuterFrames (traceback.go, go1.21+);
 * _TracebackMaxFrames (runtime2.go, go1.19-go1.20). */
enum { INNER_FRAMES = 50, OUTER_FRAMES = 50, MAX_FRAMES_OLD = 100 };

void hc_traceback_cut(int go_minor, const struct hc_stack *st, size_t from,
		      struct hc_traceback_cut *ret)
{
	size_t n = st->frames.size;
	struct hc_traceback_cut c = {.first_end = n, .second_begin = n};
	if (from > n)
		from = n;
	if (go_minor > 0 && go_minor < 21) {
		/* gentraceback: at most 100 physical frames; n is the logical
		 * frames it printed. */
		size_t i = from;
		uint32_t phys0 = from < n ? st->frames.data[from].phys : 0;
		while (i < n && (i < st->elided_at || !st->elided) &&
		       st->frames.data[i].phys - phys0 < MAX_FRAMES_OLD)
			i++;
		c.first_end = i;
		c.elided = (uint64_t)(n - i) + st->elided;
		c.additional_line = i - from == MAX_FRAMES_OLD;
	} else {
		uint64_t total = (uint64_t)(n - from) + st->elided;
		if (total > INNER_FRAMES + OUTER_FRAMES && n - from >= INNER_FRAMES + OUTER_FRAMES) {
			c.first_end = from + INNER_FRAMES;
			c.second_begin = n - OUTER_FRAMES;
			c.elided = total - INNER_FRAMES - OUTER_FRAMES;
			c.elided_line = true;
		}
	}
	*ret = c;
}

/* The frames of @p st the runtime prints, and the walk's error if it
 * stopped early. */
static bool write_go_frames(const struct hc_target *t, struct hc_unwinder *u,
			    const struct hc_stack *st, size_t from, struct hc_strbuf *out)
{
	struct hc_traceback_cut c;
	hc_traceback_cut(t->go_minor, st, from, &c);
	bool ok = true;
	for (size_t i = from; ok && i < c.first_end; i++)
		ok = write_go_frame(t, u, &st->frames.data[i], out);
	if (ok && c.elided_line)
		ok = hc_strbuf_appendf(out, "...%" PRIu64 " frames elided...\n", c.elided);
	for (size_t i = c.second_begin; ok && i < st->frames.size; i++)
		ok = write_go_frame(t, u, &st->frames.data[i], out);
	if (ok && c.additional_line)
		ok = hc_strbuf_appends(out, "...additional frames elided...\n");
	if (ok && st->error)
		ok = hc_strbuf_appends(out, "hmapcore: ") && appends_esc(out, st->error) &&
		     hc_strbuf_appendc(out, '\n');
	return ok;
}

static bool write_go_goroutine(const struct hc_target *t, struct hc_unwinder *u,
			       const struct gstack *s, bool whole,
			       bool from_skip, struct hc_strbuf *out)
{
	const struct hc_goroutine *g = s->g;
	bool ok = write_go_header(t, g, out);
	if (!whole) {
		ok = ok && hc_strbuf_appends(
				   out, "\tgoroutine running on other thread; stack unavailable\n");
	} else {
		ok = ok && write_go_frames(t, u, &s->stack, from_skip ? s->skip : 0, out);
	}
	return ok && write_created_by(t, g, out);
}

/* What dopanic_m prints for a goroutine that threw or panicked. */
static bool write_go_crashed(const struct hc_target *t, struct hc_unwinder *u,
			     const struct gstack *s, struct hc_strbuf *out)
{
	const struct hc_goroutine *g = s->g;
	bool ok = true;
	if (g->sig) {
		if (g->sig < sizeof(signames) / sizeof(signames[0]))
			ok = hc_strbuf_appendf(out, "[signal %s", signames[g->sig]);
		else
			ok = hc_strbuf_appendf(out, "[signal 0x%" PRIx32, g->sig);
		ok = ok && hc_strbuf_appendf(out, " code=0x%" PRIx64 " addr=0x%" PRIx64
					     " pc=0x%" PRIx64 "]\n",
					     g->sigcode0, g->sigcode1, g->sigpc);
	}
	return ok && hc_strbuf_appendc(out, '\n') &&
	       write_go_goroutine(t, u, s, true, true, out);
}


/* ------------------------------------------------- the signal handler's dump */

/*
 * A fatal signal the runtime's handler printed itself (signal_unix.go
 * sighandler, fatalsignal, dumpregs), as for SIGQUIT with
 * GOTRACEBACK=crash: the M that took the signal prints the signal, the
 * goroutine it interrupted (m.caughtsig) from the signal's context, every
 * other goroutine and the registers; then it relays SIGQUIT to the next M,
 * which prints its own section (its interrupted goroutine, usually its g0,
 * and registers) after "-----", and so on. Every M stays in the handler
 * until the crash, so the core holds each one's signal frame on its
 * gsignal stack. The first M is the core's first thread (it crashes the
 * process); the others are taken in thread id order, as the kernel hands
 * a process's signal to the thread group's leader first and then down its
 * thread list (a reconstruction: the order is not recorded).
 */
struct msec {
	const struct hc_m *m;
	int32_t tid;
	struct hc_sigframe f;
};

static int cmp_msec(const void *pa, const void *pb)
{
	const struct msec *a = pa, *b = pb;
	return (a->tid > b->tid) - (a->tid < b->tid);
}

/*
 * The M that took the signal first, and so printed the dump. From go1.22
 * it is the one that crashes the process (signal_unix.go sighandler:
 * crashing.CompareAndSwap(0, 1) makes it the crash thread, the core's
 * first thread); before, the last M to get the relayed signal crashed.
 * Whatever the release, the first M got the signal from whoever sent it
 * and every other M got it from raiseproc, the process itself: the M
 * whose siginfo names another sender is the first. The core's first
 * thread's M when that does not single out one M (a signal the process
 * sent itself).
 */
static long first_signal_m(const struct hc_target *t)
{
	const struct hc_runtime *rt = t->runtime;
	long crash_m = rt->threads.data[0].m;
	const struct hc_core_prpsinfo *ps = hc_core_prpsinfo(t->core);
	if (!ps || !ps->pid)
		return crash_m;
	long found = -1;
	for (size_t i = 0; i < rt->ms.size; i++) {
		const struct hc_m *m = &rt->ms.data[i];
		if (!m->caughtsig || m->thread < 0)
			continue;
		struct hc_sigframe f;
		struct hc_error *err = hc_runtime_sigframe(t->as, hc_core_arch(t->core),
							   m->gsignal, &f);
		if (err) {
			hc_error_destroy(err);
			continue;
		}
		if (f.code > 0 || !f.pid || f.pid == ps->pid)
			continue;
		if (found >= 0)
			return crash_m;
		found = (long)i;
	}
	return found >= 0 ? found : crash_m;
}

/* The sections, the first M's first; 0 when the core is no such dump. */
static size_t signal_sections(const struct hc_target *t, struct msec **ret)
{
	const struct hc_runtime *rt = t->runtime;
	const struct hc_crash *c = &rt->crash;
	*ret = NULL;
	if (!c->fatal_signal || c->fatal_message || c->panic_message || c->panic_raw ||
	    !rt->threads.size || rt->threads.data[0].m < 0)
		return 0;
	size_t nth;
	const struct hc_core_thread *th = hc_core_threads(t->core, &nth);
	struct msec *v = calloc(rt->ms.size ? rt->ms.size : 1, sizeof(*v));
	if (!v)
		return 0;
	size_t n = 0;
	long first = first_signal_m(t);
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < rt->ms.size; i++) {
			const struct hc_m *m = &rt->ms.data[i];
			if ((pass == 0) != ((long)i == first) || !m->caughtsig || m->thread < 0 ||
			    (size_t)m->thread >= nth)
				continue;
			struct hc_error *err = hc_runtime_sigframe(t->as, hc_core_arch(t->core),
								   m->gsignal, &v[n].f);
			if (err) {
				hc_error_destroy(err);
				if (pass == 0)
					break;
				continue;
			}
			v[n].m = m;
			v[n].tid = th[m->thread].tid;
			n++;
		}
		if (pass == 0 && n == 0)
			break;
	}
	if (n > 1)
		qsort(v + 1, n - 1, sizeof(*v), cmp_msec);
	/* Before go1.22 the M that crashes (the core's first thread) is the
	 * last one the signal was relayed to: its section comes last. */
	long crash_m = rt->threads.data[0].m;
	for (size_t i = 1; i + 1 < n && first != crash_m; i++) {
		if (v[i].m != &rt->ms.data[crash_m])
			continue;
		struct msec last = v[i];
		memmove(v + i, v + i + 1, (n - i - 1) * sizeof(*v));
		v[n - 1] = last;
		break;
	}
	if (!n)
		free(v);
	else
		*ret = v;
	return n;
}

static bool write_dumpregs(const struct hc_target *t, const struct hc_sigframe *f,
			   struct hc_strbuf *out)
{
	static const char *const amd64[] = {"rax", "rbx", "rcx", "rdx", "rdi", "rsi",
					    "rbp", "rsp", "r8", "r9", "r10", "r11",
					    "r12", "r13", "r14", "r15", "rip", "rflags",
					    "cs", "fs", "gs"};
	bool arm64 = hc_core_arch(t->core) == HC_ARCH_ARM64;
	bool ok = true;
	for (size_t r = 0; ok && r < f->nregs; r++) {
		char name[8];
		if (!arm64)
			snprintf(name, sizeof(name), "%s", r < 21 ? amd64[r] : "?");
		else if (r < 30)
			snprintf(name, sizeof(name), "r%zu", r);
		else
			snprintf(name, sizeof(name), "%s",
				 r == 30 ? "lr" : r == 31 ? "sp" : r == 32 ? "pc" : "fault");
		ok = hc_strbuf_appendf(out, "%-*s0x%" PRIx64 "\n", arm64 ? 8 : 7, name, f->regs[r]);
	}
	return ok;
}

/* A goroutine's stack from a signal's context @p r, or (NULL) from what it
 * saved. */
static bool write_from_regs(const struct hc_target *t, struct hc_unwinder *u,
			    const struct hc_unwind_regs *r, const struct hc_goroutine *g,
			    struct hc_strbuf *out, bool *nomem)
{
	struct hc_stack st;
	hc_stack_init(&st);
	struct hc_error *err = r ? hc_unwind_regs(u, r, 0, &st) : hc_unwind_saved(u, g, &st);
	bool ok = !err;
	if (err) {
		hc_error_destroy(err);
		*nomem = true;
	}
	ok = ok && write_go_frames(t, u, &st, 0, out) && write_created_by(t, g, out);
	hc_stack_deinit(&st);
	return ok;
}

/* traceback(^0, ^0, 0, gp): from the goroutine's saved registers. */
static bool write_from_sched(const struct hc_target *t, struct hc_unwinder *u,
			     const struct hc_goroutine *g, struct hc_strbuf *out, bool *nomem)
{
	return write_go_header(t, g, out) && write_from_regs(t, u, NULL, g, out, nomem);
}

static bool write_signal_section(const struct hc_target *t, struct hc_unwinder *u,
				 const struct hc_traceback_options *opts,
				 const struct msec *s, bool first, struct gstack *gs, size_t n,
				 struct hc_strbuf *out, bool *nomem)
{
	const struct hc_runtime *rt = t->runtime;
	const struct hc_sigframe *f = &s->f;
	const struct hc_m *m = s->m;
	bool ok;
	if (f->signo < sizeof(signames) / sizeof(signames[0]))
		ok = hc_strbuf_appendf(out, "%s\n", signames[f->signo]);
	else
		ok = hc_strbuf_appendf(out, "Signal %" PRIu32 "\n", f->signo);
	/* sigcode() is si_code as a uint64. */
	ok = ok && hc_strbuf_appendf(out, "PC=0x%" PRIx64 " m=%" PRId64 " sigcode=%" PRIu64, f->pc,
				     m->id, (uint64_t)(int64_t)f->code);
	if (ok && (f->signo == 11 || f->signo == 7)) /* SIGSEGV, SIGBUS: c.fault() */
		ok = hc_strbuf_appendf(out, " addr=0x%" PRIx64,
				       hc_core_arch(t->core) == HC_ARCH_ARM64 ? f->regs[33] : f->addr);
	ok = ok && hc_strbuf_appendc(out, '\n');
	/* The goroutine the signal interrupted: in allgs, or a g0. */
	struct hc_goroutine own;
	const struct hc_goroutine *g = hc_runtime_goroutine_at(rt, m->caughtsig);
	if (!g) {
		struct hc_error *err = t->has_layout ? hc_runtime_read_g(rt, &t->layout, t->as,
									 m->caughtsig, &own)
						     : hc_error_create(HC_ERROR_UNSUPPORTED,
								       "no g layout");
		if (err) {
			hc_error_destroy(err);
			memset(&own, 0, sizeof(own));
			own.addr = m->caughtsig;
			own.waitreason_text = "";
		}
		g = &own;
	}
	const struct hc_goroutine *curg = hc_runtime_goroutine_at(rt, m->curg);
	/* fatalsignal: a signal in C code (a cgo call runs it on g0) traces
	 * the goroutine that made the call instead. */
	if (ok && m->incgo && m->g0 && g->addr == m->g0 && curg) {
		ok = hc_strbuf_appends(out, "signal arrived during cgo execution\n");
		g = curg;
	}
	if (ok && (f->signo == 4 || f->signo == 8)) { /* SIGILL, SIGFPE */
		uint64_t k = 16;
		if (k > 4096 - f->pc % 4096)
			k = 4096 - f->pc % 4096;
		uint8_t b[16];
		ok = hc_strbuf_appends(out, "instruction bytes:");
		if (!hc_aspace_read(t->as, f->pc, b, (size_t)k))
			for (uint64_t i = 0; ok && i < k; i++)
				ok = hc_strbuf_appendf(out, " 0x%x", b[i]);
		ok = ok && hc_strbuf_appendc(out, '\n');
	}
	ok = ok && hc_strbuf_appendc(out, '\n');
	/* traceback1: a goroutine in a system call (a cgo call is one) is
	 * traced from where it entered it, not from the signal's registers. */
	struct hc_unwind_regs r = {.pc = f->pc, .sp = f->sp, .fp = f->fp, .lr = f->lr,
				   .trap = true, .g_addr = g->addr};
	ok = ok && write_go_header(t, g, out) &&
	     write_from_regs(t, u, g->status == HC_G_SYSCALL ? NULL : &r, g, out, nomem);
	if (!first) {
		/* tracebackothers on the first M skipped it; trace it now. */
		if (ok && curg && curg != g && curg->status == HC_G_RUNNING)
			ok = write_from_sched(t, u, curg, out, nomem);
	} else {
		/* tracebackothers: the M's own goroutine first, then allgs. */
		if (ok && curg && curg != g)
			ok = hc_strbuf_appendc(out, '\n') && write_from_sched(t, u, curg, out, nomem);
		for (size_t i = 0; ok && i < n; i++) {
			if (gs[i].g == g || gs[i].g == curg)
				continue;
			ok = hc_strbuf_appendc(out, '\n') &&
			     write_go_goroutine(t, u, &gs[i], gs[i].g->status != HC_G_RUNNING, false,
						out) &&
			     maybe_flush(opts, out);
		}
		ok = ok && hc_strbuf_appendc(out, '\n');
	}
	return ok && write_dumpregs(t, f, out);
}

/* The whole dump; false (nothing written) when the core is no such dump. */
static bool write_go_signal(const struct hc_target *t, struct hc_unwinder *u,
			    const struct hc_traceback_options *opts,
			    struct gstack *gs, size_t n, struct hc_strbuf *out, bool *ok_ret)
{
	struct msec *v;
	size_t ns = signal_sections(t, &v);
	if (!ns)
		return false;
	/* sighandler: the k-th M to take the signal prints "-----" after its
	 * section and relays the signal while k < mcount() - extraMLength,
	 * the Ms that have a thread (allm less the extra Ms waiting for a C
	 * thread, which have none; an exited M left allm). When fewer Ms
	 * printed a section (one never got the relayed signal), the last
	 * section still ends with "-----". */
	size_t with_thread = 0;
	for (size_t i = 0; i < t->runtime->ms.size; i++)
		if (t->runtime->ms.data[i].thread >= 0)
			with_thread++;
	bool ok = true, nomem = false;
	for (size_t k = 0; ok && k < ns; k++) {
		ok = write_signal_section(t, u, opts, &v[k], k == 0, gs, n, out, &nomem);
		if (ok && k + 1 < with_thread)
			ok = hc_strbuf_appends(out, "\n-----\n\n");
	}
	free(v);
	*ok_ret = ok && !nomem;
	return true;
}

/*
 * What the runtime printed before "fatal error: " that its print backlog
 * still holds (print.go printBacklog: everything printed until
 * startpanic_m): the "runtime: " lines of a throw such as newstack's
 * "runtime: goroutine stack exceeds N-byte limit" and "runtime: sp=...
 * stack=[...]" (stack.go) before "fatal error: stack overflow".
 */
static bool write_backlog_runtime_lines(const char *backlog, struct hc_strbuf *out)
{
	/* The backlog is kept escaped (hc_strbuf_append_escaped): a line ends
	 * at the two characters "\n"; every other escape is two or more
	 * characters that stay as they are. */
	const char *end = strstr(backlog, "fatal error: ");
	if (!end)
		return true;
	bool ok = true;
	const char *line = backlog;
	for (const char *p = backlog; ok && p < end; p++) {
		if (*p != '\\' || p + 1 >= end)
			continue;
		if (p[1] != 'n') {
			p++;
			continue;
		}
		if (!strncmp(line, "runtime: ", strlen("runtime: ")))
			ok = hc_strbuf_append(out, line, (size_t)(p - line)) &&
			     hc_strbuf_appendc(out, '\n');
		p++;
		line = p + 1;
	}
	return ok;
}

/*
 * dopanic_m on g0 (a throw on the system stack: newstack's "stack
 * overflow", or the scheduler's own throws): "runtime stack:" and the
 * g0's frames from the caller of fatalthrow, before the goroutine the M
 * was running (tracebackothers prints it first). Nothing when the crashing
 * thread threw on a goroutine's stack.
 */
static bool write_runtime_stack(const struct hc_target *t, struct hc_unwinder *u,
				struct hc_strbuf *out)
{
	struct hc_stack th;
	hc_stack_init(&th);
	th.inner_limit = 1000;
	/* Not across the stack switch: the runtime stops at morestack. */
	size_t nth = 0;
	const struct hc_core_thread *c = hc_core_threads(t->core, &nth);
	if (!nth)
		return true;
	struct hc_unwind_regs r = {.pc = c[0].pc, .sp = c[0].sp, .fp = c[0].fp,
				   .lr = c[0].lr, .trap = true};
	struct hc_error *err = hc_unwind_regs(u, &r, HC_UNWIND_SIGNAL_FRAMES, &th);
	bool ok = !err;
	hc_error_destroy(err);
	size_t skip = ok ? hc_traceback_crash_skip(&th) : 0;
	if (ok && skip && skip < th.frames.size &&
	    th.frames.data[skip - 1].stack_kind == HC_STACK_G0) {
		size_t end = skip;
		while (end < th.frames.size && th.frames.data[end].stack_kind == HC_STACK_G0 &&
		       (!th.elided || end < th.elided_at))
			end++;
		ok = hc_strbuf_appends(out, "\nruntime stack:\n");
		for (size_t i = skip; ok && i < end; i++)
			ok = write_go_frame(t, u, &th.frames.data[i], out);
	}
	hc_stack_deinit(&th);
	return ok;
}

/*
 * The runtime's dump (panic.go dopanic_m, traceback.go tracebackothers).
 * Who printed what: every M that threw or panicked prints its own
 * goroutine (dopanic_m, under paniclk); the first one also prints every
 * other goroutine; the last one to get paniclk crashes the process, so it
 * is the core's first thread. When several goroutines died at once (two
 * racing map writers), the ones still blocked in dopanic_m (their M has
 * m.dying set and their stack holds fatalthrow/fatalpanic) printed before
 * the crashing one; the first of them in allm order is taken as the one
 * that printed the others (the core does not record the order in which
 * they took paniclk).
 */
static bool write_go(const struct hc_target *t, struct hc_unwinder *u,
		     const struct hc_traceback_options *opts,
		     struct gstack *gs, size_t n, struct hc_strbuf *out)
{
	const struct hc_runtime *rt = t->runtime;
	const struct hc_crash *c = &rt->crash;
	bool sig_ok;
	if ((!opts || (!opts->one && !(opts->state && *opts->state) &&
		       !(opts->func && *opts->func))) &&
	    write_go_signal(t, u, opts, gs, n, out, &sig_ok))
		return sig_ok;
	size_t order[64];
	size_t norder = 0;
	size_t crash_idx = n;
	for (size_t i = 0; i < n; i++)
		if (gs[i].crashed)
			crash_idx = i;
	uint64_t crash_m = crash_idx < n ? gs[crash_idx].g->m_addr : 0;
	for (size_t mi = 0; mi < rt->ms.size && norder + 1 < 64; mi++) {
		const struct hc_m *m = &rt->ms.data[mi];
		if (m->dying <= 0 || m->addr == crash_m || !m->curg)
			continue;
		for (size_t i = 0; i < n; i++) {
			if (gs[i].g->addr == m->curg && gs[i].skip &&
			    gs[i].g->status == HC_G_RUNNING) {
				order[norder++] = i;
				break;
			}
		}
	}
	if (crash_idx < n)
		order[norder++] = crash_idx;

	bool ok = true;
	if (c->fatal_message && c->backlog)
		ok = write_backlog_runtime_lines(c->backlog, out);
	if (c->fatal_message) {
		for (size_t i = 0; ok && i < (norder ? norder : 1); i++)
			ok = hc_strbuf_appendf(out, "fatal error: %s\n", c->fatal_message);
	} else if (c->panic_raw) {
		/* The runtime printed the bytes raw; printable text (quotes and
		 * backslashes too) stays as it printed it, control bytes and
		 * invalid UTF-8 are escaped so nothing reaches the terminal. */
		ok = hc_strbuf_appends(out, "panic: ") &&
		     hc_value_append_raw_string(out, c->panic_raw, c->panic_raw_len) &&
		     hc_strbuf_appendc(out, '\n');
	} else if (c->panic_message) {
		ok = hc_strbuf_appendf(out, "panic: %s\n", c->panic_message);
	}
	const struct gstack *first = norder ? &gs[order[0]] : NULL;
	if (ok && first && selected(first, opts) && first == &gs[crash_idx])
		ok = write_runtime_stack(t, u, out);
	if (ok && first && selected(first, opts))
		ok = write_go_crashed(t, u, first, out);
	uint64_t printer_m = first ? first->g->m_addr : crash_m;
	for (size_t i = 0; ok && i < n; i++) {
		if (&gs[i] == first || !selected(&gs[i], opts))
			continue;
		bool whole = !(gs[i].g->status == HC_G_RUNNING &&
			       gs[i].g->m_addr != printer_m);
		ok = hc_strbuf_appendc(out, '\n') &&
		     write_go_goroutine(t, u, &gs[i], whole, false, out) &&
		     maybe_flush(opts, out);
	}
	for (size_t k = 1; ok && k < norder; k++)
		if (selected(&gs[order[k]], opts))
			ok = write_go_crashed(t, u, &gs[order[k]], out);
	return ok;
}

/* ------------------------------------------------------------ table */

size_t hc_traceback_top_user_frame(const struct hc_stack *s)
{
	for (size_t i = 0; i < s->frames.size; i++)
		if (!hc_func_runtime_internal(s->frames.data[i].func))
			return i;
	return s->frames.size ? 0 : (size_t)-1;
}

static const struct hc_frame *top_user_frame(const struct gstack *s)
{
	size_t i = hc_traceback_top_user_frame(&s->stack);
	return i != (size_t)-1 ? &s->stack.frames.data[i] : NULL;
}

bool hc_traceback_state(const struct hc_target *t, const struct hc_goroutine *g,
			struct hc_strbuf *out)
{
	return append_state(t, g, out);
}

bool hc_traceback_frame_location(const struct hc_frame *fr,
				 struct hc_strbuf *out)
{
	bool ok = appends_esc(out, fr->file) && hc_strbuf_appendc(out, ':') &&
		  hc_strbuf_append_i64(out, fr->line);
	if (ok && !fr->inlined && fr->pc > fr->entry)
		ok = hc_strbuf_appends(out, " +") && hc_strbuf_append_hex(out, fr->pc - fr->entry);
	return ok;
}

static bool created_by_text(const struct hc_target *t,
			    const struct hc_goroutine *g, struct hc_strbuf *out)
{
	struct hc_func f;
	if (!g->gopc)
		return true;
	struct hc_error *err = hc_pclntab_find_func(t->pclntab, g->gopc, &f);
	if (err) {
		hc_error_destroy(err);
		return true;
	}
	bool ok = hc_traceback_func_name(t->go_minor, f.name, out);
	if (ok && g->parent_goid)
		ok = hc_strbuf_appendf(out, " in goroutine %" PRIu64, g->parent_goid);
	return ok;
}

bool hc_traceback_created_by(const struct hc_target *t,
			     const struct hc_goroutine *g, struct hc_strbuf *out)
{
	if (g->goid == 1)
		return true;
	return created_by_text(t, g, out);
}

static bool write_text_frames(const struct hc_target *t,
			      const struct gstack *s, struct hc_strbuf *out)
{
	/* A deep stack as the runtime prints it from go1.21 (whatever the
	 * target's version: the outermost frames name the entry point). */
	struct hc_traceback_cut cut;
	hc_traceback_cut(0, &s->stack, 0, &cut);
	bool ok = true;
	for (size_t i = 0; ok && i < s->stack.frames.size; i++) {
		if (i == cut.first_end && cut.elided_line) {
			ok = hc_strbuf_appendf(out, "    ...%" PRIu64 " frames elided...\n",
					       cut.elided);
			i = cut.second_begin;
		}
		const struct hc_frame *fr = &s->stack.frames.data[i];
		ok = ok && hc_strbuf_appends(out, "    ") &&
		     hc_traceback_func_name(t->go_minor, fr->func, out) &&
		     hc_strbuf_appends(out, fr->inlined ? " (inlined)\n        "
							 : "\n        ") &&
		     appends_esc(out, fr->file) && hc_strbuf_appendc(out, ':') &&
		     hc_strbuf_append_i64(out, fr->line);
		if (ok && !fr->inlined)
			ok = hc_strbuf_appends(out, " +") &&
			     hc_strbuf_append_hex(out, fr->pc - fr->entry) &&
			     hc_strbuf_appends(out, " sp=") && hc_strbuf_append_hex(out, fr->sp);
		ok = ok && hc_strbuf_appendc(out, '\n');
	}
	if (ok && s->stack.error)
		ok = hc_strbuf_appends(out, "    (stack incomplete: ") &&
		     appends_esc(out, s->stack.error) &&
		     hc_strbuf_appends(out, ")\n");
	return ok;
}

/* Same stack and state (what panicparse groups by). */
static bool same_stack(const struct hc_target *t, const struct gstack *a,
		       const struct gstack *b)
{
	struct hc_strbuf x, y;
	hc_strbuf_init(&x);
	hc_strbuf_init(&y);
	bool same = append_state(t, a->g, &x) &&
		    append_state(t, b->g, &y) && x.len == y.len &&
		    memcmp(x.str, y.str, x.len) == 0 &&
		    a->stack.frames.size == b->stack.frames.size;
	hc_strbuf_deinit(&x);
	hc_strbuf_deinit(&y);
	for (size_t i = 0; same && i < a->stack.frames.size; i++) {
		const struct hc_frame *p = &a->stack.frames.data[i];
		const struct hc_frame *q = &b->stack.frames.data[i];
		same = strcmp(p->func, q->func) == 0 &&
		       strcmp(p->file, q->file) == 0 && p->line == q->line &&
		       p->inlined == q->inlined;
	}
	return same;
}

static void group(const struct hc_target *t, struct gstack *gs, size_t n,
		  const struct hc_traceback_options *opts)
{
	for (size_t i = 0; i < n; i++) {
		gs[i].group = i;
		gs[i].group_size = 0;
		if (!selected(&gs[i], opts))
			continue;
		for (size_t j = 0; j < i; j++) {
			if (gs[j].group == j && gs[j].group_size &&
			    same_stack(t, &gs[i], &gs[j])) {
				gs[i].group = j;
				break;
			}
		}
		gs[gs[i].group].group_size++;
	}
}

static bool write_text(const struct hc_target *t,
		       const struct hc_traceback_options *opts,
		       struct gstack *gs, size_t n, struct hc_strbuf *out)
{
	bool ok = true;
	if (opts && opts->group) {
		group(t, gs, n, opts);
		for (size_t i = 0; ok && i < n; i++) {
			if (gs[i].group != i || !gs[i].group_size)
				continue;
			ok = hc_strbuf_appendf(out, "%zu goroutine%s [", gs[i].group_size,
					       gs[i].group_size == 1 ? "" : "s") &&
			     append_state(t, gs[i].g, out) &&
			     hc_strbuf_appends(out, "]:");
			size_t shown = 0;
			for (size_t j = i; ok && j < n; j++) {
				if (gs[j].group != i || !selected(&gs[j], opts))
					continue;
				if (shown++ == 64) {
					ok = hc_strbuf_appends(out, " ...");
					break;
				}
				ok = hc_strbuf_appendf(out, " %" PRIu64, gs[j].g->goid);
			}
			ok = ok && hc_strbuf_appendc(out, '\n') &&
			     write_text_frames(t, &gs[i], out);
			if (ok && gs[i].g->goid != 1 && gs[i].g->gopc) {
				ok = hc_strbuf_appends(out, "    created by ") &&
				     created_by_text(t, gs[i].g, out) &&
				     hc_strbuf_appendc(out, '\n');
			}
			ok = ok && hc_strbuf_appendc(out, '\n') && maybe_flush(opts, out);
		}
		return ok;
	}
	ok = hc_strbuf_appendf(out, "%-8s %-28s %-48s %s\n", "ID", "STATE",
			       "TOP FRAME", "CREATED BY");
	for (size_t i = 0; ok && i < n; i++) {
		const struct gstack *s = &gs[i];
		if (!selected(s, opts))
			continue;
		struct hc_strbuf st, top, cb;
		hc_strbuf_init(&st);
		hc_strbuf_init(&top);
		hc_strbuf_init(&cb);
		ok = append_state(t, s->g, &st);
		if (s->crashed)
			ok = ok && hc_strbuf_appends(&st, " (crashed)");
		const struct hc_frame *fr = top_user_frame(s);
		if (ok && fr)
			ok = hc_traceback_func_name(t->go_minor, fr->func, &top) &&
			     hc_strbuf_appends(&top, " ") && appends_esc(&top, fr->file) &&
			     hc_strbuf_appendf(&top, ":%" PRId32, fr->line);
		else if (ok)
			ok = hc_strbuf_appends(&top, "-");
		if (ok && s->g->goid != 1)
			ok = created_by_text(t, s->g, &cb);
		ok = ok && hc_strbuf_appendf(out, "%-8" PRIu64 " %-28s %-48s %s\n",
					     s->g->goid, st.len ? st.str : "",
					     top.len ? top.str : "",
					     cb.len ? cb.str : "-");
		hc_strbuf_deinit(&st);
		hc_strbuf_deinit(&top);
		hc_strbuf_deinit(&cb);
		if (ok && opts && opts->stacks) {
			ok = write_text_frames(t, s, out) && hc_strbuf_appendc(out, '\n');
		}
		ok = ok && maybe_flush(opts, out);
	}
	return ok;
}

/* ------------------------------------------------------------ JSON */

static void json_frames(struct hc_json *j, const struct hc_target *t,
			struct hc_unwinder *u, const struct hc_stack *st,
			size_t skip)
{
	/* A deep stack as the runtime prints it from go1.21, from the frame
	 * it starts at (@p skip): "elided_frames" frames left out after
	 * "elided_after" of the array. */
	struct hc_traceback_cut cut;
	hc_traceback_cut(0, st, skip, &cut);
	hc_json_array_begin(j);
	for (size_t i = 0; i < st->frames.size; i++) {
		if (i == cut.first_end && cut.elided_line)
			i = cut.second_begin;
		const struct hc_frame *fr = &st->frames.data[i];
		hc_json_object_begin(j);
		struct hc_strbuf sb;
		hc_strbuf_init(&sb);
		hc_json_key(j, "func");
		hc_json_string(j, fr->func);
		if (hc_traceback_func_name(t->go_minor, fr->func, &sb)) {
			hc_json_key(j, "func_printed");
			hc_json_string_n(j, sb.str ? sb.str : "", sb.len);
		}
		hc_json_key(j, "file");
		hc_json_string(j, fr->file);
		hc_json_key(j, "line");
		hc_json_i64(j, fr->line);
		hc_json_key(j, "inlined");
		hc_json_bool(j, fr->inlined);
		hc_json_key(j, "pc");
		hc_json_hex(j, fr->pc);
		hc_json_key(j, "offset");
		hc_json_hex(j, fr->pc - fr->entry);
		hc_json_key(j, "sp");
		hc_json_hex(j, fr->sp);
		hc_json_key(j, "fp");
		hc_json_hex(j, fr->fp);
		hc_json_key(j, "stack");
		hc_json_string(j, hc_stack_kind_name(fr->stack_kind));
		if (u && !fr->inlined) {
			hc_strbuf_reset(&sb);
			if (hc_unwind_frame_args(u, fr, &sb)) {
				hc_json_key(j, "args");
				hc_json_string_n(j, sb.str ? sb.str : "", sb.len);
			}
		}
		hc_strbuf_deinit(&sb);
		hc_json_object_end(j);
	}
	hc_json_array_end(j);
	if (cut.elided_line) {
		hc_json_key(j, "elided_frames");
		hc_json_u64(j, cut.elided);
		hc_json_key(j, "elided_after");
		hc_json_u64(j, cut.first_end);
	}
	if (st->error) {
		hc_json_key(j, "stack_error");
		hc_json_string(j, st->error);
	}
}

/* "labels": {"k": "v"} (pprof labels), or null when the goroutine has none. */
static void json_labels(struct hc_json *j, const struct hc_target *t,
			const struct hc_goroutine *g)
{
	struct hc_label_vec v;
	hc_label_vec_init(&v);
	struct hc_error *err = hc_goroutine_labels(t, g, &v);
	hc_json_key(j, "labels");
	if (err || !v.size) {
		hc_json_null(j);
	} else {
		hc_json_object_begin(j);
		for (size_t i = 0; i < v.size; i++) {
			/* JSON escapes what the bytes hold: the labels stay
			 * exact, NULs and control bytes included. */
			hc_json_key_n(j, v.data[i].key, v.data[i].key_len);
			hc_json_string_n(j, v.data[i].value, v.data[i].value_len);
		}
		hc_json_object_end(j);
	}
	hc_error_destroy(err);
	hc_labels_deinit(&v);
}

static void json_created_by(struct hc_json *j, const struct hc_target *t,
			    const struct hc_goroutine *g)
{
	struct hc_func f;
	struct hc_error *err = g->gopc ? hc_pclntab_find_func(t->pclntab, g->gopc, &f)
				       : hc_error_create(HC_ERROR_NOT_FOUND, "no gopc");
	if (err) {
		hc_error_destroy(err);
		hc_json_null(j);
		return;
	}
	const char *file = "?";
	int32_t line = 0;
	uint64_t tracepc = g->gopc > f.entry ? g->gopc - hc_pclntab_quantum(t->pclntab)
					     : g->gopc;
	err = hc_pclntab_line(t->pclntab, &f, tracepc, &file, &line);
	hc_error_destroy(err);
	hc_json_object_begin(j);
	hc_json_key(j, "func");
	hc_json_string(j, f.name);
	hc_json_key(j, "file");
	hc_json_string(j, file);
	hc_json_key(j, "line");
	hc_json_i64(j, line);
	hc_json_key(j, "pc");
	hc_json_hex(j, g->gopc);
	hc_json_object_end(j);
}

static bool write_json(const struct hc_target *t, struct hc_unwinder *u,
		       const struct hc_traceback_options *opts,
		       struct gstack *gs, size_t n, struct hc_strbuf *out)
{
	struct hc_json j;
	hc_json_init(&j, out, true);
	if (opts && opts->group)
		group(t, gs, n, opts);
	hc_json_object_begin(&j);
	hc_json_key(&j, "goroutines");
	hc_json_array_begin(&j);
	for (size_t i = 0; i < n; i++) {
		const struct gstack *s = &gs[i];
		const struct hc_goroutine *g = s->g;
		if (!selected(s, opts))
			continue;
		if (opts && opts->group && (s->group != i || !s->group_size))
			continue;
		hc_json_object_begin(&j);
		hc_json_key(&j, "id");
		hc_json_u64(&j, g->goid);
		hc_json_key(&j, "gp");
		hc_json_hex(&j, g->addr);
		hc_json_key(&j, "status");
		hc_json_string(&j, hc_gstatus_name(g->status));
		hc_json_key(&j, "scan");
		hc_json_bool(&j, (g->raw_status & HC_G_SCAN) != 0);
		hc_json_key(&j, "wait_reason");
		hc_json_string(&j, g->status == HC_G_WAITING && g->waitreason_text
					   ? g->waitreason_text : "");
		struct hc_strbuf st;
		hc_strbuf_init(&st);
		if (append_state(t, g, &st)) {
			hc_json_key(&j, "state");
			hc_json_string_n(&j, st.str ? st.str : "", st.len);
		}
		hc_strbuf_deinit(&st);
		hc_json_key(&j, "crashed");
		hc_json_bool(&j, s->crashed);
		const struct hc_m *m = m_at(t->runtime, g->m_addr);
		hc_json_key(&j, "m");
		if (m)
			hc_json_i64(&j, m->id);
		else
			hc_json_null(&j);
		hc_json_key(&j, "thread");
		if (m && m->thread >= 0)
			hc_json_u64(&j, m->procid);
		else
			hc_json_null(&j);
		hc_json_key(&j, "locked_to_thread");
		hc_json_bool(&j, g->lockedm != 0);
		hc_json_key(&j, "parent");
		if (g->parent_goid)
			hc_json_u64(&j, g->parent_goid);
		else
			hc_json_null(&j);
		hc_json_key(&j, "start_func");
		hc_json_string(&j, g->startpc ? hc_target_func_name(t, g->startpc) : "");
		json_labels(&j, t, g);
		hc_json_key(&j, "created_by");
		json_created_by(&j, t, g);
		/* How long it has been blocked (goroutineheader's minutes),
		 * and whether the crash time is known to the minute or the
		 * count is only a lower bound; absent when not blocked. */
		bool exact;
		int64_t minutes = hc_runtime_wait_minutes(&t->runtime->crash, g, &exact);
		if (minutes >= 0) {
			hc_json_key(&j, "wait_minutes");
			hc_json_i64(&j, minutes);
			hc_json_key(&j, "wait_minutes_exact");
			hc_json_bool(&j, exact);
		}
		if (opts && opts->group) {
			hc_json_key(&j, "count");
			hc_json_u64(&j, s->group_size);
			hc_json_key(&j, "ids");
			hc_json_array_begin(&j);
			for (size_t k = i; k < n; k++)
				if (gs[k].group == i && selected(&gs[k], opts))
					hc_json_u64(&j, gs[k].g->goid);
			hc_json_array_end(&j);
		}
		hc_json_key(&j, "frames");
		json_frames(&j, t, u, &s->stack, s->crashed ? s->skip : 0);
		if (s->crashed) {
			hc_json_key(&j, "printed_from_frame");
			hc_json_u64(&j, s->skip);
		}
		hc_json_object_end(&j);
		if (!maybe_flush(opts, out))
			return false;
	}
	hc_json_array_end(&j);
	hc_json_object_end(&j);
	hc_strbuf_appendc(out, '\n');
	return !hc_json_failed(&j);
}

struct hc_error *hc_traceback_write_goroutines(
	const struct hc_target *t, enum hc_format format,
	const struct hc_traceback_options *opts, struct hc_strbuf *out)
{
	if (!t->runtime)
		return hc_error_create(HC_ERROR_NOT_FOUND,
				       "no runtime model: cannot list goroutines");
	if (format != HC_FORMAT_TEXT && format != HC_FORMAT_JSON &&
	    format != HC_FORMAT_GO)
		return hc_error_create(HC_ERROR_UNSUPPORTED,
				       "goroutines supports --format text, json or go");
	struct hc_unwinder *u;
	struct hc_error *err = hc_unwinder_create_target(t, &u);
	if (err)
		return err;
	struct gstack *gs;
	size_t n;
	/* The plain listing shows each goroutine's top user frame only. */
	bool top = format == HC_FORMAT_TEXT &&
		   (!opts || (!opts->stacks && !opts->group && !(opts->func && *opts->func)));
	err = collect(t, u, opts, top, &gs, &n);
	if (err) {
		hc_unwinder_destroy(u);
		return err;
	}
	bool ok;
	if (format == HC_FORMAT_GO)
		ok = write_go(t, u, opts, gs, n, out);
	else if (format == HC_FORMAT_JSON)
		ok = write_json(t, u, opts, gs, n, out);
	else
		ok = write_text(t, opts, gs, n, out);
	release(gs, n);
	hc_unwinder_destroy(u);
	return ok ? NULL : &hc_error_nomem;
}

/* ------------------------------------------------------------ threads */

/* What a thread runs: "goroutine N", "g0", "gsignal" or "-". */
static bool thread_g_text(const struct hc_target *t,
			  const struct hc_thread_info *ti, struct hc_strbuf *out)
{
	const struct hc_runtime *rt = t->runtime;
	const struct hc_goroutine *g = hc_runtime_goroutine_at(rt, ti->g_addr);
	if (g)
		return hc_strbuf_appendf(out, "goroutine %" PRIu64, g->goid);
	if (ti->m >= 0) {
		const struct hc_m *m = &rt->ms.data[ti->m];
		if (ti->g_addr && ti->g_addr == m->g0)
			return hc_strbuf_appends(out, "g0");
		if (ti->g_addr && ti->g_addr == m->gsignal)
			return hc_strbuf_appends(out, "gsignal");
	}
	return hc_strbuf_appends(out, "-");
}

bool hc_traceback_thread_header(struct hc_strbuf *out)
{
	return hc_strbuf_appendf(out, "%-4s %-8s %-18s %-40s %-5s %-10s %s", "#",
				 "TID", "PC", "FUNCTION", "M", "STACK", "G");
}

bool hc_traceback_thread_line(const struct hc_target *t, struct hc_unwinder *u,
			      size_t i, struct hc_strbuf *out)
{
	const struct hc_runtime *rt = t->runtime;
	size_t nth;
	const struct hc_core_thread *th = hc_core_threads(t->core, &nth);
	if (!rt || i >= rt->threads.size || rt->threads.data[i].index >= nth)
		return hc_strbuf_appends(out, "?");
	const struct hc_thread_info *ti = &rt->threads.data[i];
	const struct hc_core_thread *c = &th[ti->index];
	const struct hc_m *m = ti->m >= 0 ? &rt->ms.data[ti->m] : NULL;
	uint64_t sg;
	enum hc_stack_kind kind = hc_unwind_stack_of(u, c->sp, &sg);
	struct hc_strbuf gt, fn, ms;
	hc_strbuf_init(&gt);
	hc_strbuf_init(&fn);
	hc_strbuf_init(&ms);
	bool ok = thread_g_text(t, ti, &gt) &&
		  appends_esc(&fn, hc_target_func_name(t, c->pc));
	if (m)
		ok = ok && hc_strbuf_appendf(&ms, "%" PRId64, m->id);
	else
		ok = ok && hc_strbuf_appends(&ms, "-");
	ok = ok && hc_strbuf_appendf(
			   out, "%-4zu %-8" PRId32 " 0x%-16" PRIx64 " %-40s %-5s %-10s %s",
			   ti->index, c->tid, c->pc, fn.str ? fn.str : "",
			   ms.str ? ms.str : "", hc_stack_kind_name(kind),
			   gt.str ? gt.str : "");
	const struct hc_goroutine *cg = hc_runtime_goroutine_at(rt, ti->curg);
	if (ok && cg && cg->addr != ti->g_addr)
		ok = hc_strbuf_appendf(out, " (curg goroutine %" PRIu64 ")", cg->goid);
	hc_strbuf_deinit(&gt);
	hc_strbuf_deinit(&fn);
	hc_strbuf_deinit(&ms);
	return ok;
}

/* Native frames shown per thread (bounded: a corrupt stack must not run). */
enum { NATIVE_MAX_FRAMES = 64 };

/* gdb's bt, one frame a line: "#1 0x... in c_inner+0x12 (exe) at f.c:3". */
static bool text_native(struct hc_strbuf *out, const struct hc_native_stack *st)
{
	bool ok = true;
	for (size_t k = 0; ok && k < st->frames.size; k++) {
		const struct hc_native_frame *fr = &st->frames.data[k];
		ok = hc_strbuf_appendf(out, "    %-8s #%-2zu ", "native", k) &&
		     hc_native_frame_format(out, fr->pc, fr->func, fr->offset, fr->module,
					    fr->file, fr->line, fr->go, appends_esc);
		if (ok && fr->problem)
			ok = hc_strbuf_appends(out, "\n             (") &&
			     appends_esc(out, fr->problem) && hc_strbuf_appendc(out, ')');
		ok = ok && hc_strbuf_appendc(out, '\n');
	}
	if (ok && st->truncated)
		ok = hc_strbuf_appendf(out, "    (native frames cut at %d)\n",
				       NATIVE_MAX_FRAMES);
	if (ok && st->error)
		ok = hc_strbuf_appends(out, "    (native frames incomplete: ") &&
		     appends_esc(out, st->error) && hc_strbuf_appends(out, ")\n");
	return ok;
}

static void json_native(struct hc_json *j, const struct hc_native_stack *st)
{
	hc_json_array_begin(j);
	for (size_t k = 0; k < st->frames.size; k++) {
		const struct hc_native_frame *fr = &st->frames.data[k];
		hc_json_object_begin(j);
		hc_json_key(j, "pc");
		hc_json_hex(j, fr->pc);
		hc_json_key(j, "function");
		if (fr->func)
			hc_json_string(j, fr->func);
		else
			hc_json_null(j);
		hc_json_key(j, "offset");
		hc_json_u64(j, fr->func ? fr->offset : 0);
		hc_json_key(j, "module");
		if (fr->module)
			hc_json_string(j, fr->module);
		else
			hc_json_null(j);
		hc_json_key(j, "file");
		if (fr->file)
			hc_json_string(j, fr->file);
		else
			hc_json_null(j);
		hc_json_key(j, "line");
		hc_json_i64(j, fr->line);
		hc_json_key(j, "go");
		hc_json_bool(j, fr->go);
		if (fr->problem) {
			hc_json_key(j, "problem");
			hc_json_string(j, fr->problem);
		}
		hc_json_object_end(j);
	}
	hc_json_array_end(j);
}

struct hc_error *hc_traceback_write_threads(
	const struct hc_target *t, enum hc_format format,
	const struct hc_traceback_options *opts, struct hc_strbuf *out)
{
	if (!t->runtime)
		return hc_error_create(HC_ERROR_NOT_FOUND,
				       "no runtime model: cannot map threads");
	if (format != HC_FORMAT_TEXT && format != HC_FORMAT_JSON)
		return hc_error_create(HC_ERROR_UNSUPPORTED,
				       "threads supports --format text or json");
	struct hc_unwinder *u;
	struct hc_error *err = hc_unwinder_create_target(t, &u);
	if (err)
		return err;
	const struct hc_runtime *rt = t->runtime;
	size_t nth;
	const struct hc_core_thread *th = hc_core_threads(t->core, &nth);
	bool stacks = opts && opts->stacks;
	bool ok = true;
	struct hc_json j;
	if (format == HC_FORMAT_JSON) {
		hc_json_init(&j, out, true);
		hc_json_object_begin(&j);
		hc_json_key(&j, "threads");
		hc_json_array_begin(&j);
	} else {
		ok = hc_traceback_thread_header(out) && hc_strbuf_appendc(out, '\n');
	}
	for (size_t i = 0; ok && i < rt->threads.size; i++) {
		const struct hc_thread_info *ti = &rt->threads.data[i];
		if (ti->index >= nth)
			continue;
		const struct hc_core_thread *c = &th[ti->index];
		const struct hc_m *m = ti->m >= 0 ? &rt->ms.data[ti->m] : NULL;
		uint64_t sg;
		enum hc_stack_kind kind = hc_unwind_stack_of(u, c->sp, &sg);
		struct hc_strbuf gt;
		hc_strbuf_init(&gt);
		ok = thread_g_text(t, ti, &gt);
		struct hc_stack st;
		hc_stack_init(&st);
		struct hc_native_stack nst;
		hc_native_stack_init(&nst);
		if (stacks || format == HC_FORMAT_JSON) {
			err = hc_unwind_thread(u, ti->index, &st);
			if (!err && stacks)
				err = hc_target_native_stack(t, ti->index, NATIVE_MAX_FRAMES, &nst);
			if (err) {
				hc_strbuf_deinit(&gt);
				hc_stack_deinit(&st);
				hc_native_stack_deinit(&nst);
				hc_unwinder_destroy(u);
				return err;
			}
		}
		if (format == HC_FORMAT_JSON) {
			hc_json_object_begin(&j);
			hc_json_key(&j, "index");
			hc_json_u64(&j, ti->index);
			hc_json_key(&j, "tid");
			hc_json_i64(&j, c->tid);
			hc_json_key(&j, "pc");
			hc_json_hex(&j, c->pc);
			hc_json_key(&j, "sp");
			hc_json_hex(&j, c->sp);
			hc_json_key(&j, "function");
			hc_json_string(&j, hc_target_func_name(t, c->pc));
			hc_json_key(&j, "m");
			if (m)
				hc_json_i64(&j, m->id);
			else
				hc_json_null(&j);
			hc_json_key(&j, "stack");
			hc_json_string(&j, hc_stack_kind_name(kind));
			hc_json_key(&j, "g");
			hc_json_string_n(&j, gt.str ? gt.str : "", gt.len);
			hc_json_key(&j, "curg");
			const struct hc_goroutine *cg =
				hc_runtime_goroutine_at(rt, ti->curg);
			if (cg)
				hc_json_u64(&j, cg->goid);
			else
				hc_json_null(&j);
			if (stacks) {
				hc_json_key(&j, "frames");
				json_frames(&j, t, u, &st, 0);
				hc_json_key(&j, "native_frames");
				json_native(&j, &nst);
				if (nst.error) {
					hc_json_key(&j, "native_error");
					hc_json_string(&j, nst.error);
				}
			}
			hc_json_object_end(&j);
		} else {
			ok = ok && hc_traceback_thread_line(t, u, i, out) &&
			     hc_strbuf_appendc(out, '\n');
			if (ok && stacks) {
				ok = text_native(out, &nst);
				struct hc_traceback_cut cut;
				hc_traceback_cut(0, &st, 0, &cut);
				for (size_t k = 0; ok && k < st.frames.size; k++) {
					if (k == cut.first_end && cut.elided_line) {
						ok = hc_strbuf_appendf(out, "    ...%" PRIu64
								       " frames elided...\n",
								       cut.elided);
						k = cut.second_begin;
					}
					const struct hc_frame *fr = &st.frames.data[k];
					ok = ok && hc_strbuf_appendf(out, "    %-8s ",
							       hc_stack_kind_name(fr->stack_kind)) &&
					     hc_traceback_func_name(t->go_minor, fr->func, out) &&
					     hc_strbuf_appends(out, fr->inlined ? " (inlined)" : "") &&
					     hc_strbuf_appends(out, "\n             ") &&
					     appends_esc(out, fr->file) &&
					     hc_strbuf_appendf(out, ":%" PRId32, fr->line);
					if (ok && !fr->inlined)
						ok = hc_strbuf_appendf(out, " +0x%" PRIx64 " sp=0x%" PRIx64,
								       fr->pc - fr->entry, fr->sp);
					ok = ok && hc_strbuf_appendc(out, '\n');
				}
				if (ok && st.error && !nst.frames.size)
					ok = hc_strbuf_appends(out, "    (stack incomplete: ") &&
					     appends_esc(out, st.error) &&
					     hc_strbuf_appends(out, ")\n");
				ok = ok && hc_strbuf_appendc(out, '\n');
			}
		}
		hc_strbuf_deinit(&gt);
		hc_stack_deinit(&st);
		hc_native_stack_deinit(&nst);
	}
	if (format == HC_FORMAT_JSON) {
		hc_json_array_end(&j);
		hc_json_object_end(&j);
		ok = ok && hc_strbuf_appendc(out, '\n') && !hc_json_failed(&j);
	}
	hc_unwinder_destroy(u);
	return ok ? NULL : &hc_error_nomem;
}
