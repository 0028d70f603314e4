/* Stack unwinding: see include/hmapcore/stack.h. */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmapcore/stack.h"

/* FUNCDATA / PCDATA indices used here (src/internal/abi/symtab.go go1.21+,
 * src/runtime/symtab.go go1.19; the same numbers in every version). */
enum {
	PCDATA_ARGLIVEINDEX = 3,
	FUNCDATA_ARGSPOINTERMAPS = 0,
	FUNCDATA_LOCALSPOINTERMAPS = 1,
	FUNCDATA_STACKOBJECTS = 2,
	FUNCDATA_ARGINFO = 5,
	FUNCDATA_ARGLIVEINFO = 6,
};

/* TraceArgs markers of FUNCDATA_ArgInfo (abi.TraceArgs*, go1.17+). */
enum {
	TRACEARGS_OFFSET_TOO_LARGE = 0xfb,
	TRACEARGS_DOTDOTDOT = 0xfc,
	TRACEARGS_END_AGG = 0xfd,
	TRACEARGS_START_AGG = 0xfe,
	TRACEARGS_END_SEQ = 0xff,
	/* abi.TraceArgsMaxLen = (TraceArgsMaxDepth*3+2)*TraceArgsMaxLen... the
	 * runtime's own bound is 10*... well under this. */
	TRACEARGS_MAX_BYTES = 256,
};

/* Inline expansion depth bound (the compiler's inlining budget keeps real
 * trees far shallower). */
enum { MAX_INLINE_DEPTH = 256 };

struct mstack {
	uint64_t g0_lo, g0_hi, gs_lo, gs_hi;
	/* The M's curg as a goroutine of the model, or NULL. */
	const struct hc_goroutine *curg;
};

/*
 * The logical frames one physical frame's PC symbolizes to (function,
 * file, line, inlined calls), by (pc, trap): goroutines parked in the same
 * places repeat the same few PCs, and symbolizing one is most of the cost
 * of a frame. They depend on nothing but the PC and the executable, so
 * they never go stale. Only a symbolization without an error, of at most
 * EMIT_CACHE_FRAMES frames, is kept; the frames' own fields (SP, FP, g)
 * are the walk's. One per unwinder (not thread-safe, as the unwinder).
 */
enum { EMIT_CACHE_BITS = 11, EMIT_CACHE_FRAMES = 4 };

/* Names the walk tests a function for (walk_regs). */
enum {
	NAME_CGOCALLBACK = 1 << 0,
	NAME_MORESTACK = 1 << 1,
	NAME_SYSTEMSTACK = 1 << 2,
	NAME_SIGTRAMP = 1 << 3,
	NAME_INJECTED = 1 << 4, /* sigpanic, asyncPreempt, debugCallV2 */
};

struct emit_slot {
	uint64_t pc; /* 0: empty */
	uint64_t entry;
	bool trap;
	uint8_t names;
	uint8_t n;
	struct {
		const char *func, *file;
		int32_t line;
		bool inlined;
		uint64_t sym_pc;
	} fr[EMIT_CACHE_FRAMES];
};

struct hc_unwinder {
	struct hc_unwind_source src;
	/* Per M (same indexes as rt->ms): stack bounds of g0 and gsignal. */
	struct mstack *ms;
	size_t nms;
	/* NULL when it could not be allocated (then nothing is cached). */
	struct emit_slot *emit_cache;
	/* A clone's own copy of the pclntab (src.pclntab), or NULL. */
	struct hc_pclntab *own_pclntab;
};

const char *hc_stack_kind_name(enum hc_stack_kind k)
{
	switch (k) {
	case HC_STACK_USER:
		return "user";
	case HC_STACK_G0:
		return "g0";
	case HC_STACK_GSIGNAL:
		return "gsignal";
	default:
		return "?";
	}
}

void hc_stack_init(struct hc_stack *s)
{
	hc_frame_vec_init(&s->frames);
	s->error = NULL;
	s->elided = 0;
	s->elided_at = 0;
	s->inner_limit = 0;
	s->ring_next = 0;
}

void hc_stack_reset(struct hc_stack *s)
{
	s->frames.size = 0;
	free(s->error);
	s->error = NULL;
	s->elided = 0;
	s->elided_at = 0;
	s->ring_next = 0;
}

void hc_stack_deinit(struct hc_stack *s)
{
	hc_frame_vec_deinit(&s->frames);
	free(s->error);
	s->error = NULL;
}

/* g.stack is {lo, hi} at offset 0 of runtime.g in go1.19-go1.27
 * (src/runtime/runtime2.go). */
static void read_bounds(const struct hc_aspace *as, uint64_t g, uint64_t *lo,
			uint64_t *hi)
{
	*lo = *hi = 0;
	if (!g)
		return;
	uint64_t b[2];
	struct hc_error *err = hc_aspace_read(as, g, b, sizeof(b));
	if (err) {
		hc_error_destroy(err);
		return;
	}
	if (b[0] < b[1]) {
		*lo = b[0];
		*hi = b[1];
	}
}

struct hc_error *hc_unwinder_create(const struct hc_unwind_source *src,
				    struct hc_unwinder **ret)
{
	if (!src->as || !src->pclntab)
		return hc_error_create(HC_ERROR_INVALID_ARG,
				       "the unwinder needs memory and a pclntab");
	struct hc_unwinder *u = calloc(1, sizeof(*u));
	if (!u)
		return &hc_error_nomem;
	u->src = *src;
	u->emit_cache = calloc((size_t)1 << EMIT_CACHE_BITS, sizeof(*u->emit_cache));
	const struct hc_runtime *rt = src->rt;
	if (rt && rt->ms.size) {
		u->ms = calloc(rt->ms.size, sizeof(*u->ms));
		if (!u->ms) {
			free(u->emit_cache);
			free(u);
			return &hc_error_nomem;
		}
		u->nms = rt->ms.size;
		for (size_t i = 0; i < rt->ms.size; i++) {
			const struct hc_m *m = &rt->ms.data[i];
			read_bounds(src->as, m->g0, &u->ms[i].g0_lo, &u->ms[i].g0_hi);
			read_bounds(src->as, m->gsignal, &u->ms[i].gs_lo,
				    &u->ms[i].gs_hi);
			u->ms[i].curg = hc_runtime_goroutine_at(rt, m->curg);
		}
	}
	*ret = u;
	return NULL;
}

struct hc_error *hc_unwinder_clone(const struct hc_unwinder *u,
				   struct hc_unwinder **ret)
{
	struct hc_unwinder *c = calloc(1, sizeof(*c));
	if (!c)
		return &hc_error_nomem;
	*c = *u;
	c->ms = NULL;
	c->own_pclntab = NULL;
	if (u->src.pclntab) {
		struct hc_error *err = hc_pclntab_clone(u->src.pclntab, &c->own_pclntab);
		if (err) {
			free(c);
			return err;
		}
		c->src.pclntab = c->own_pclntab;
	}
	/* Its own cache: the names it holds are the clone's pclntab's too
	 * (both borrow from the same mapped executable), but a cache is
	 * written as it is read. */
	c->emit_cache = calloc((size_t)1 << EMIT_CACHE_BITS, sizeof(*c->emit_cache));
	if (u->nms) {
		c->ms = malloc(u->nms * sizeof(*c->ms));
		if (!c->ms) {
			free(c->emit_cache);
			hc_pclntab_destroy(c->own_pclntab);
			free(c);
			return &hc_error_nomem;
		}
		memcpy(c->ms, u->ms, u->nms * sizeof(*c->ms));
	}
	*ret = c;
	return NULL;
}

void hc_unwinder_destroy(struct hc_unwinder *u)
{
	if (!u)
		return;
	free(u->ms);
	free(u->emit_cache);
	hc_pclntab_destroy(u->own_pclntab);
	free(u);
}

static bool in(uint64_t sp, uint64_t lo, uint64_t hi)
{
	return lo < hi && sp >= lo && sp <= hi;
}

/* Which stack @p sp is on; the M index when it is a g0/gsignal stack. */
static enum hc_stack_kind stack_of(const struct hc_unwinder *u, uint64_t sp,
				   uint64_t *g_ret, long *m_ret)
{
	*g_ret = 0;
	*m_ret = -1;
	const struct hc_runtime *rt = u->src.rt;
	if (!rt)
		return HC_STACK_UNKNOWN;
	for (size_t i = 0; i < u->nms; i++) {
		if (in(sp, u->ms[i].gs_lo, u->ms[i].gs_hi)) {
			*g_ret = rt->ms.data[i].gsignal;
			*m_ret = (long)i;
			return HC_STACK_GSIGNAL;
		}
		if (in(sp, u->ms[i].g0_lo, u->ms[i].g0_hi)) {
			*g_ret = rt->ms.data[i].g0;
			*m_ret = (long)i;
			return HC_STACK_G0;
		}
	}
	for (size_t i = 0; i < u->nms; i++) {
		const struct hc_goroutine *g = u->ms[i].curg;
		if (g && in(sp, g->stack_lo, g->stack_hi)) {
			*g_ret = g->addr;
			return HC_STACK_USER;
		}
	}
	for (size_t i = 0; i < rt->goroutines.size; i++) {
		const struct hc_goroutine *g = &rt->goroutines.data[i];
		if (!hc_gstatus_is_dead(g->status) && in(sp, g->stack_lo, g->stack_hi)) {
			*g_ret = g->addr;
			return HC_STACK_USER;
		}
	}
	return HC_STACK_UNKNOWN;
}

enum hc_stack_kind hc_unwind_stack_of(const struct hc_unwinder *u,
				      uint64_t sp, uint64_t *g_ret)
{
	long m;
	return stack_of(u, sp, g_ret, &m);
}

struct hc_error *hc_inltree_entry(const struct hc_aspace *as, int go_minor,
				  uint64_t tree_addr, int32_t index,
				  struct hc_inlined_call *ret)
{
	if (index < 0)
		return hc_error_create(HC_ERROR_INVALID_ARG,
				       "negative inline tree index %" PRId32, index);
	bool old = go_minor > 0 && go_minor < 20;
	uint64_t size = old ? 20 : 16;
	uint8_t b[20];
	struct hc_error *err =
		hc_aspace_read(as, tree_addr + (uint64_t)index * size, b, size);
	if (err)
		return hc_error_prefix(err, "inline tree entry %" PRId32, index);
#define I32(o) ((int32_t)((uint32_t)b[o] | (uint32_t)b[(o) + 1] << 8 | \
			  (uint32_t)b[(o) + 2] << 16 | (uint32_t)b[(o) + 3] << 24))
	struct hc_inlined_call c;
	if (old) {
		/* go1.18-1.19 runtime/symtab.go: parent int16, funcID u8, _,
		 * file, line, func_, parentPc int32. */
		c.funcid = b[2];
		c.name_off = I32(12);
		c.parent_pc = I32(16);
		c.start_line = 0;
	} else {
		/* go1.20+ runtime/symtabinl.go. */
		c.funcid = b[0];
		c.name_off = I32(4);
		c.parent_pc = I32(8);
		c.start_line = I32(12);
	}
#undef I32
	*ret = c;
	return NULL;
}

/* ------------------------------------------------------------ the walk */

/* How far above a g0's stack.hi its walk may go (walk_regs). */
#define G0_TOP_SLACK 1024

struct walk {
	struct hc_unwinder *u;
	unsigned flags;
	struct hc_stack *st;
	/* The stack the current frame is on. */
	uint64_t g;
	enum hc_stack_kind kind;
	long m;
	uint64_t lo, hi;
	/* The last emit() pushed a frame outside the runtime's internals. */
	bool user;
};

static void set_error(struct hc_stack *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void set_error(struct hc_stack *st, const char *fmt, ...)
{
	if (st->error)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *s;
	if (vasprintf(&s, fmt, ap) >= 0)
		st->error = s;
	va_end(ap);
}

/* The stack @p sp is on: @p known when given (no lookup: allgs may be
 * long), else the g at @p g_hint, else found from the runtime model. */
static void set_stack(struct walk *w, uint64_t sp,
		      const struct hc_goroutine *known, uint64_t g_hint)
{
	const struct hc_runtime *rt = w->u->src.rt;
	const struct hc_goroutine *g = known;
	if (!g && rt && g_hint)
		g = hc_runtime_goroutine_at(rt, g_hint);
	if (g && in(sp, g->stack_lo, g->stack_hi)) {
		w->g = g->addr;
		w->kind = HC_STACK_USER;
		w->m = -1;
		w->lo = g->stack_lo;
		w->hi = g->stack_hi;
		return;
	}
	w->kind = stack_of(w->u, sp, &w->g, &w->m);
	w->lo = w->hi = 0;
	if (w->kind == HC_STACK_G0) {
		w->lo = w->u->ms[w->m].g0_lo;
		w->hi = w->u->ms[w->m].g0_hi;
	} else if (w->kind == HC_STACK_GSIGNAL) {
		w->lo = w->u->ms[w->m].gs_lo;
		w->hi = w->u->ms[w->m].gs_hi;
	} else if (w->kind == HC_STACK_USER) {
		const struct hc_goroutine *ug = hc_runtime_goroutine_at(rt, w->g);
		if (ug) {
			w->lo = ug->stack_lo;
			w->hi = ug->stack_hi;
		}
	} else if (g_hint) {
		w->g = g_hint;
		if (g) {
			/* sp outside the g's stack: keep its bounds so the
			 * walk reports it. */
			w->kind = HC_STACK_USER;
			w->lo = g->stack_lo;
			w->hi = g->stack_hi;
		}
	}
}

static bool is(const struct hc_func *f, const char *name)
{
	return f->name && strcmp(f->name, name) == 0;
}

bool hc_func_runtime_internal(const char *name)
{
	if (!name || !strchr(name, '.'))
		return true;
	if (strncmp(name, "runtime.", 8) != 0)
		return false;
	/* isExportedRuntime: an exported function, or a method of an
	 * exported type. */
	const char *rest = name + 8;
	const char *dot = strrchr(rest, '.');
	const char *fn = dot ? dot + 1 : rest;
	if (!(*fn >= 'A' && *fn <= 'Z'))
		return true;
	if (dot) {
		const char *r = rest;
		if (r[0] == '(' && r[1] == '*')
			r += 2;
		if (!(*r >= 'A' && *r <= 'Z'))
			return true;
	}
	return false;
}

static uint8_t func_names(const struct hc_func *f)
{
	uint8_t n = 0;
	if (!f->name || strncmp(f->name, "runtime.", 8) != 0)
		return 0;
	if (is(f, "runtime.cgocallback"))
		n |= NAME_CGOCALLBACK;
	if (is(f, "runtime.morestack"))
		n |= NAME_MORESTACK;
	if (is(f, "runtime.systemstack"))
		n |= NAME_SYSTEMSTACK;
	if (is(f, "runtime.sigtramp"))
		n |= NAME_SIGTRAMP;
	if (is(f, "runtime.sigpanic") || is(f, "runtime.asyncPreempt") ||
	    is(f, "runtime.debugCallV2"))
		n |= NAME_INJECTED;
	return n;
}

static struct emit_slot *emit_slot_of(const struct hc_unwinder *u, uint64_t pc, bool trap)
{
	if (!u->emit_cache)
		return NULL;
	uint64_t h = (pc ^ (uint64_t)trap) * 0x9e3779b97f4a7c15ull;
	return &u->emit_cache[h >> (64 - EMIT_CACHE_BITS)];
}

/* The cached symbolization of (@p pc, @p trap) in function @p f, or NULL. */
static const struct emit_slot *emit_lookup(const struct hc_unwinder *u,
					   const struct hc_func *f, uint64_t pc,
					   bool trap)
{
	const struct emit_slot *e = emit_slot_of(u, pc, trap);
	return e && e->pc == pc && e->trap == trap && e->entry == f->entry ? e : NULL;
}

static int32_t pcdata_or_minus1(const struct hc_pclntab *t,
				const struct hc_func *f, uint32_t index,
				uint64_t pc)
{
	int32_t v;
	struct hc_error *err = hc_pclntab_pcdata(t, f, index, pc, &v);
	if (err) {
		hc_error_destroy(err);
		return -1;
	}
	return v;
}

static size_t inner_limit(const struct hc_stack *st)
{
	return st->inner_limit ? st->inner_limit : HC_STACK_INNER_FRAMES;
}

/* Keep @p fr: appended while the inner frames and the ring of outer ones
 * are not full, else over the oldest frame of the ring (counted as
 * elided); finish_walk() puts the ring back in order. */
static bool push(struct walk *w, const struct hc_frame *fr)
{
	struct hc_stack *st = w->st;
	if (!hc_func_runtime_internal(fr->func))
		w->user = true;
	size_t inner = inner_limit(st);
	if (st->frames.size < inner + HC_STACK_OUTER_FRAMES)
		return hc_frame_vec_append(&st->frames, fr);
	st->frames.data[inner + st->ring_next] = *fr;
	st->ring_next = (st->ring_next + 1) % HC_STACK_OUTER_FRAMES;
	st->elided++;
	st->elided_at = inner;
	return true;
}

/* The ring of outer frames, oldest (innermost) first. */
static void finish_walk(struct hc_stack *st)
{
	if (!st->elided || !st->ring_next)
		return;
	struct hc_frame *ring = st->frames.data + st->elided_at;
	struct hc_frame tmp[HC_STACK_OUTER_FRAMES];
	size_t k = st->ring_next;
	memcpy(tmp, ring + k, (HC_STACK_OUTER_FRAMES - k) * sizeof(*tmp));
	memcpy(tmp + (HC_STACK_OUTER_FRAMES - k), ring, k * sizeof(*tmp));
	memcpy(ring, tmp, sizeof(tmp));
	st->ring_next = 0;
}

/* The logical frames of one physical frame, innermost first. */
static struct hc_error *emit(struct walk *w, const struct hc_func *f,
			     uint64_t pc, uint64_t sp, uint64_t fp, bool trap,
			     uint32_t phys, const struct emit_slot *cached,
			     uint8_t names)
{
	struct hc_unwinder *u = w->u;
	struct hc_pclntab *t = u->src.pclntab;
	struct hc_frame fr = {
		.pc = pc,
		.entry = f->entry,
		.sp = sp,
		.fp = fp,
		.argp = fp + (u->src.arch == HC_ARCH_ARM64 ? 8 : 0),
		.g_addr = w->g,
		.stack_kind = w->kind,
		.phys = phys,
		.trap = trap,
	};
	if (cached) {
		for (uint8_t k = 0; k < cached->n; k++) {
			fr.func = cached->fr[k].func;
			fr.file = cached->fr[k].file;
			fr.line = cached->fr[k].line;
			fr.inlined = cached->fr[k].inlined;
			fr.sym_pc = cached->fr[k].sym_pc;
			if (!push(w, &fr))
				return &hc_error_nomem;
		}
		return NULL;
	}
	/* The frames pushed, for the cache (the ring may have moved them). */
	struct hc_frame got[EMIT_CACHE_FRAMES];
	size_t n = 0;
	bool clean = true;
	/* unwinder.symPC: back up into the CALL unless the PC is a trap or
	 * the function's entry. */
	uint64_t sym = (!trap && pc > f->entry) ? pc - 1 : pc;
	uint64_t tree = 0;
	uint32_t off;
	int32_t idx = -1;
	if (u->src.gofunc) {
		struct hc_error *err =
			hc_pclntab_funcdata(t, f, HC_FUNCDATA_INLTREE, &off);
		if (!err) {
			tree = u->src.gofunc + off;
			idx = pcdata_or_minus1(t, f, HC_PCDATA_INLTREEINDEX, sym);
		}
		hc_error_destroy(err);
	}
	for (int depth = 0;; depth++) {
		fr.sym_pc = sym;
		const char *file = "?";
		int32_t line = 0;
		struct hc_error *err = hc_pclntab_line(t, f, sym, &file, &line);
		if (err) {
			/* Cleared: err is tested again below (a bad pcln
			 * table freed it twice). */
			hc_error_destroy(err);
			err = NULL;
			file = "?";
			line = 0;
		}
		fr.file = file;
		fr.line = line;
		struct hc_inlined_call c;
		if (idx >= 0 && depth < MAX_INLINE_DEPTH &&
		    !(err = hc_inltree_entry(u->src.as, u->src.go_minor, tree, idx,
					     &c))) {
			const char *name;
			err = hc_pclntab_name_at(t, c.name_off, &name);
			if (err) {
				hc_error_destroy(err);
				err = NULL;
				name = "?";
			}
			fr.func = name;
			fr.inlined = true;
			if (!push(w, &fr))
				return &hc_error_nomem;
			if (n < EMIT_CACHE_FRAMES)
				got[n] = fr;
			n++;
			/* The parent's call site: an instruction whose source
			 * position is the call. */
			sym = f->entry + (uint64_t)(int64_t)c.parent_pc;
			if (sym < f->entry || sym >= f->end) {
				set_error(w->st, "inline tree of %s: parent pc 0x%" PRIx64
					  " outside the function", f->name, sym);
				clean = false;
				idx = -1;
				sym = fr.sym_pc;
			} else {
				idx = pcdata_or_minus1(t, f, HC_PCDATA_INLTREEINDEX,
						       sym);
			}
			continue;
		}
		if (err) {
			set_error(w->st, "%s", err->message);
			hc_error_destroy(err);
			clean = false;
		}
		fr.func = f->name ? f->name : "?";
		fr.inlined = false;
		if (!push(w, &fr))
			return &hc_error_nomem;
		if (n < EMIT_CACHE_FRAMES)
			got[n] = fr;
		n++;
		break;
	}
	struct emit_slot *e = emit_slot_of(u, pc, trap);
	if (e && clean && n <= EMIT_CACHE_FRAMES) {
		e->pc = pc;
		e->trap = trap;
		e->entry = f->entry;
		e->names = names;
		e->n = (uint8_t)n;
		for (size_t k = 0; k < n; k++) {
			const struct hc_frame *x = &got[k];
			e->fr[k].func = x->func;
			e->fr[k].file = x->file;
			e->fr[k].line = x->line;
			e->fr[k].inlined = x->inlined;
			e->fr[k].sym_pc = x->sym_pc;
		}
	}
	return NULL;
}

static bool read_u64(struct walk *w, uint64_t addr, uint64_t *ret,
		     const char *what)
{
	struct hc_error *err = hc_aspace_read_u64(w->u->src.as, addr, ret);
	if (err) {
		set_error(w->st, "reading %s at 0x%" PRIx64 ": %s", what, addr,
			  err->message);
		hc_error_destroy(err);
		return false;
	}
	return true;
}

/*
 * The registers the kernel saved in the signal frame of runtime.sigtramp,
 * whose frame ends at @p fp. x86-64: the return-address slot (fp-8) holds
 * the restorer and the ucontext follows at fp; uc_mcontext at +40, rbp
 * +80, rsp +120, rip +128 within it. arm64: rt_sigframe {siginfo (128),
 * ucontext} at the handler's entry SP (= fp); uc_mcontext at +176, x29
 * +240, x30 +248, sp +256, pc +264 (sigcontext with fault_address first).
 * (GO-INTERNALS.md 3.8; src/runtime/defs_linux_*.go.)
 */
static bool signal_regs(struct walk *w, uint64_t fp, uint64_t *pc,
			uint64_t *sp, uint64_t *bp, uint64_t *lr)
{
	if (w->u->src.arch == HC_ARCH_AMD64) {
		uint64_t mc = fp + 40;
		*lr = 0;
		return read_u64(w, mc + 128, pc, "the signal context's rip") &&
		       read_u64(w, mc + 120, sp, "the signal context's rsp") &&
		       read_u64(w, mc + 80, bp, "the signal context's rbp");
	}
	uint64_t mc = fp + 128 + 176;
	return read_u64(w, mc + 264, pc, "the signal context's pc") &&
	       read_u64(w, mc + 256, sp, "the signal context's sp") &&
	       read_u64(w, mc + 240, bp, "the signal context's x29") &&
	       read_u64(w, mc + 248, lr, "the signal context's x30");
}

static struct hc_error *walk_regs(struct hc_unwinder *u,
				  const struct hc_unwind_regs *regs,
				  const struct hc_goroutine *known,
				  unsigned flags, struct hc_stack *stack)
{
	struct hc_pclntab *t = u->src.pclntab;
	const bool lr_arch = u->src.arch == HC_ARCH_ARM64;
	const uint64_t ptr = 8;
	struct walk w = {.u = u, .flags = flags, .st = stack};
	uint64_t pc = regs->pc, sp = regs->sp, lr = lr_arch ? regs->lr : 0;
	bool trap = regs->trap, innermost = true, syscall = regs->syscall;
	set_stack(&w, sp, known, regs->g_addr);

	if (sp == 0) {
		set_error(stack, "no stack pointer to start from");
		return NULL;
	}
	/* A nil function call: start in the caller (unwinder.initAt). */
	if (pc == 0) {
		if (!read_u64(&w, sp, &pc, "the return address of a nil call"))
			return NULL;
		if (lr_arch)
			lr = 0;
		else
			sp += ptr;
	}

	uint32_t phys = 0;
	/* The last frame's return address, looked up (have_caller). */
	struct hc_func caller;
	uint64_t caller_pc = 0;
	bool have_caller = false;
	for (;;) {
		if (phys >= HC_STACK_MAX_FRAMES) {
			set_error(stack, "more than %d frames; stopped",
				  HC_STACK_MAX_FRAMES);
			break;
		}
		/* Only a stack whose bounds are known may be that deep (the
		 * walk then ends at its top); elsewhere the old bound holds. */
		if (phys >= HC_STACK_INNER_FRAMES && !(w.lo < w.hi)) {
			set_error(stack, "more than %d frames outside a known stack; stopped",
				  HC_STACK_INNER_FRAMES);
			break;
		}
		struct hc_func f;
		struct hc_error *err = NULL;
		if (have_caller && caller_pc == pc)
			f = caller;
		else
			err = hc_pclntab_find_func(t, pc, &f);
		if (err) {
			hc_error_destroy(err);
			set_error(stack, "unknown pc 0x%" PRIx64 " (sp 0x%" PRIx64 ")",
				  pc, sp);
			break;
		}
		if (f.pcsp == 0)
			break; /* no frame information: external code */
		const struct emit_slot *cached = emit_lookup(u, &f, pc, trap);
		uint8_t names = cached ? cached->names : func_names(&f);
		uint8_t flag = f.flag;
		if (names & NAME_CGOCALLBACK)
			flag &= (uint8_t)~HC_FUNCFLAG_SPWRITE;
		if (innermost && syscall)
			flag &= (uint8_t)~HC_FUNCFLAG_SPWRITE;

		/* Jump over system stack transitions (resolveInternal with
		 * unwindJumpStack): on g0 with a user goroutine bound. */
		if ((flags & HC_UNWIND_JUMP_STACK) && w.kind == HC_STACK_G0 &&
		    w.m >= 0 && u->ms[w.m].curg &&
		    u->ms[w.m].curg->m_addr == u->src.rt->ms.data[w.m].addr) {
			const struct hc_goroutine *cg = u->ms[w.m].curg;
			if ((names & NAME_MORESTACK) && cg->sched_sp) {
				pc = cg->sched_pc;
				sp = cg->sched_sp;
				lr = lr_arch ? cg->sched_lr : 0;
				set_stack(&w, sp, cg, cg->addr);
				err = hc_pclntab_find_func(t, pc, &f);
				if (err) {
					hc_error_destroy(err);
					set_error(stack, "unknown pc 0x%" PRIx64
						  " in g.sched of goroutine %" PRIu64,
						  pc, cg->goid);
					break;
				}
				flag = f.flag;
				cached = emit_lookup(u, &f, pc, trap);
				names = cached ? cached->names : func_names(&f);
			} else if ((names & NAME_SYSTEMSTACK) && cg->sched_sp) {
				int32_t d = 0;
				struct hc_error *e2 = hc_pclntab_pcsp(t, &f, pc, &d);
				hc_error_destroy(e2);
				if (!(lr_arch && d == 0)) {
					sp = cg->sched_sp;
					set_stack(&w, sp, cg, cg->addr);
				}
				flag &= (uint8_t)~HC_FUNCFLAG_SPWRITE;
			}
		}

		int32_t spdelta;
		err = hc_pclntab_pcsp(t, &f, pc, &spdelta);
		if (err) {
			set_error(stack, "pcsp of %s at 0x%" PRIx64 ": %s", f.name, pc,
				  err->message);
			hc_error_destroy(err);
			break;
		}
		if (spdelta < 0) {
			set_error(stack, "negative frame size %" PRId32 " in %s",
				  spdelta, f.name);
			break;
		}
		uint64_t fp = sp + (uint64_t)spdelta + (lr_arch ? 0 : ptr);
		if (fp < sp) {
			set_error(stack, "frame of %s wraps around", f.name);
			break;
		}

		bool stop = false;
		bool sigframe = false;
		if (flag & HC_FUNCFLAG_TOPFRAME) {
			lr = 0;
			sigframe = (flags & HC_UNWIND_SIGNAL_FRAMES) &&
				   (names & NAME_SIGTRAMP);
		} else if (flag & HC_FUNCFLAG_SPWRITE) {
			/* The runtime stops here too (it cannot know where
			 * an SP-writing function left the SP). */
			lr = 0;
		} else if (lr_arch) {
			if ((innermost && sp < fp) || lr == 0) {
				if (!read_u64(&w, sp, &lr, "a saved LR"))
					stop = true;
			}
		} else if (lr == 0) {
			if (!read_u64(&w, fp - ptr, &lr, "a return address"))
				stop = true;
		}

		w.user = false;
		err = emit(&w, &f, pc, sp, fp, trap, phys, cached, names);
		if (err)
			return err;
		phys++;
		if (stop)
			break;
		if ((flags & HC_UNWIND_TO_USER_FRAME) && w.user)
			break;

		if (sigframe) {
			uint64_t npc, nsp, nbp, nlr;
			if (!signal_regs(&w, fp, &npc, &nsp, &nbp, &nlr))
				break;
			pc = npc;
			sp = nsp;
			lr = lr_arch ? nlr : 0;
			trap = true;
			innermost = true;
			syscall = false;
			set_stack(&w, sp, NULL, 0);
			continue;
		}

		if (lr == 0)
			break;
		err = hc_pclntab_find_func(t, lr, &caller);
		if (err) {
			hc_error_destroy(err);
			set_error(stack, "unexpected return pc 0x%" PRIx64
				  " for %s", lr, f.name);
			break;
		}
		caller_pc = lr;
		have_caller = true;
		if (pc == lr && sp == fp) {
			set_error(stack, "traceback stuck at pc 0x%" PRIx64
				  " sp 0x%" PRIx64, pc, sp);
			break;
		}
		bool injected = names & NAME_INJECTED;
		trap = injected;
		pc = lr;
		lr = 0;
		sp = fp;
		innermost = false;
		syscall = false;
		if (lr_arch && injected) {
			/* The injected call's frame has the caller's LR in its
			 * first slot (unwinder.next). */
			uint64_t x;
			if (!read_u64(&w, sp, &x, "an injected call's LR"))
				break;
			sp += 16;
			struct hc_func g;
			err = hc_pclntab_find_func(t, pc, &g);
			if (err) {
				hc_error_destroy(err);
				pc = x;
			} else {
				int32_t d;
				err = hc_pclntab_pcsp(t, &g, pc, &d);
				if (!err && d == 0)
					lr = x;
				hc_error_destroy(err);
			}
		}
		/* A g0 on its thread's own stack (m0's, every M's of a cgo
		 * program) has the bounds mstart0 gave it: hi is a local of
		 * mstart0, so runtime.mstart's frame lies just above it. The
		 * runtime checks no frame against the bounds. */
		uint64_t hi = w.kind == HC_STACK_G0 && w.hi <= UINT64_MAX - G0_TOP_SLACK
				      ? w.hi + G0_TOP_SLACK : w.hi;
		if (w.lo < w.hi && (sp < w.lo || sp > hi)) {
			set_error(stack, "sp 0x%" PRIx64 " left the stack [0x%" PRIx64
				  ", 0x%" PRIx64 ")", sp, w.lo, w.hi);
			break;
		}
	}
	return NULL;
}

static struct hc_error *walk(struct hc_unwinder *u, const struct hc_unwind_regs *regs,
			     const struct hc_goroutine *known, unsigned flags,
			     struct hc_stack *stack)
{
	struct hc_error *err = walk_regs(u, regs, known, flags, stack);
	finish_walk(stack);
	return err;
}

struct hc_error *hc_unwind_regs(struct hc_unwinder *u,
				const struct hc_unwind_regs *regs,
				unsigned flags, struct hc_stack *stack)
{
	return walk(u, regs, NULL, flags, stack);
}

/* The thread running goroutine @p g (index into the core's threads). */
static long thread_of(const struct hc_unwinder *u, const struct hc_goroutine *g)
{
	const struct hc_runtime *rt = u->src.rt;
	if (!rt)
		return -1;
	for (size_t i = 0; i < rt->ms.size; i++) {
		const struct hc_m *m = &rt->ms.data[i];
		if (m->curg == g->addr && m->thread >= 0)
			return m->thread;
	}
	return -1;
}

struct hc_error *hc_unwind_thread(struct hc_unwinder *u, size_t index,
				  struct hc_stack *stack)
{
	size_t n = 0;
	const struct hc_core_thread *th =
		u->src.core ? hc_core_threads(u->src.core, &n) : NULL;
	if (index >= n) {
		set_error(stack, "no thread %zu", index);
		return NULL;
	}
	struct hc_unwind_regs r = {
		.pc = th[index].pc,
		.sp = th[index].sp,
		.fp = th[index].fp,
		.lr = th[index].lr,
		/* A stopped thread's PC is the interrupted instruction. */
		.trap = true,
	};
	return hc_unwind_regs(u, &r, HC_UNWIND_JUMP_STACK | HC_UNWIND_SIGNAL_FRAMES,
			      stack);
}

/* Where a parked goroutine's walk starts (unwinder.initAt). */
static struct hc_unwind_regs saved_regs(const struct hc_goroutine *g)
{
	struct hc_unwind_regs r = {.g_addr = g->addr};
	if (g->syscallsp) {
		r.pc = g->syscallpc;
		r.sp = g->syscallsp;
		r.syscall = true;
	} else {
		r.pc = g->sched_pc;
		r.sp = g->sched_sp;
		r.lr = g->sched_lr;
		r.fp = g->sched_bp;
	}
	return r;
}

struct hc_error *hc_unwind_saved(struct hc_unwinder *u, const struct hc_goroutine *g,
				 struct hc_stack *stack)
{
	struct hc_unwind_regs r = saved_regs(g);
	return walk(u, &r, g, 0, stack);
}

struct hc_error *hc_unwind_goroutine_top(struct hc_unwinder *u, const struct hc_goroutine *g,
					 struct hc_stack *stack)
{
	if (hc_gstatus_is_dead(g->status) || g->status == HC_G_IDLE || g->status == HC_G_RUNNING)
		return hc_unwind_goroutine(u, g, stack);
	struct hc_unwind_regs r = saved_regs(g);
	return walk(u, &r, g, HC_UNWIND_TO_USER_FRAME, stack);
}

struct hc_error *hc_unwind_goroutine(struct hc_unwinder *u,
				     const struct hc_goroutine *g,
				     struct hc_stack *stack)
{
	if (hc_gstatus_is_dead(g->status) || g->status == HC_G_IDLE) {
		set_error(stack, "goroutine %" PRIu64 " is %s: no stack", g->goid,
			  hc_gstatus_name(g->status));
		return NULL;
	}
	long ti = g->status == HC_G_RUNNING ? thread_of(u, g) : -1;
	if (ti < 0)
		return hc_unwind_saved(u, g, stack);

	struct hc_stack all;
	hc_stack_init(&all);
	all.inner_limit = stack->inner_limit;
	struct hc_error *err = hc_unwind_thread(u, (size_t)ti, &all);
	if (err) {
		hc_stack_deinit(&all);
		return err;
	}
	size_t kept = 0;
	for (size_t i = 0; i < all.frames.size; i++) {
		/* The frames the thread's walk elided lie between two kept
		 * ones; between two of the goroutine's, they are its own. */
		if (all.elided && i == all.elided_at && kept) {
			stack->elided = all.elided;
			stack->elided_at = stack->frames.size;
		}
		if (all.frames.data[i].g_addr != g->addr)
			continue;
		if (!hc_frame_vec_append(&stack->frames, &all.frames.data[i])) {
			hc_stack_deinit(&all);
			return &hc_error_nomem;
		}
		kept++;
	}
	if (kept == 0) {
		/* The thread never reached the goroutine's stack: use what
		 * the scheduler saved (systemstack keeps g.sched valid). */
		hc_stack_deinit(&all);
		if (g->sched_sp)
			return hc_unwind_saved(u, g, stack);
		set_error(stack, "goroutine %" PRIu64 " is running but its thread's"
			  " stack does not lead to it", g->goid);
		return NULL;
	}
	if (all.error && !stack->error) {
		stack->error = all.error;
		all.error = NULL;
	}
	hc_stack_deinit(&all);
	return NULL;
}

/* ------------------------------------------------------------ arguments */

bool hc_unwind_frame_args(struct hc_unwinder *u, const struct hc_frame *fr,
			  struct hc_strbuf *out)
{
	if (fr->inlined)
		return hc_strbuf_appends(out, "...");
	if (!u->src.gofunc)
		return true;
	struct hc_pclntab *t = u->src.pclntab;
	struct hc_func f;
	struct hc_error *err = hc_pclntab_find_func(t, fr->pc, &f);
	if (err) {
		hc_error_destroy(err);
		return true;
	}
	uint32_t off;
	err = hc_pclntab_funcdata(t, &f, FUNCDATA_ARGINFO, &off);
	if (err) {
		hc_error_destroy(err);
		return true;
	}
	uint8_t p[TRACEARGS_MAX_BYTES];
	size_t np = 0;
	/* Read what is there, up to the bound (the info may end near the
	 * end of a segment). */
	for (; np < sizeof(p); np++) {
		err = hc_aspace_read_u8(u->src.as, u->src.gofunc + off + np, &p[np]);
		if (err) {
			hc_error_destroy(err);
			break;
		}
	}
	bool have_live = false;
	uint8_t start_off = 0xff;
	uint32_t loff = 0;
	err = hc_pclntab_funcdata(t, &f, FUNCDATA_ARGLIVEINFO, &loff);
	if (!err) {
		struct hc_error *e2 =
			hc_aspace_read_u8(u->src.as, u->src.gofunc + loff, &start_off);
		if (e2) {
			hc_error_destroy(e2);
			start_off = 0xff;
		} else {
			have_live = true;
		}
	}
	hc_error_destroy(err);
	/* The PC printArgs evaluates PCDATA_ArgLiveIndex at: from go1.21
	 * u.symPC(), the physical frame's own (pc-1 after a CALL);
	 * go1.19-go1.20 gentraceback passed tracepc after its inline loop,
	 * the outermost inlined call's parent PC, which is the sym_pc of
	 * the physical frame's last logical frame. A frame with inlined
	 * calls at its PC has different liveness at the two. */
	uint64_t live_pc = fr->sym_pc;
	if (u->src.go_minor >= 21)
		live_pc = (!fr->trap && fr->pc > fr->entry) ? fr->pc - 1 : fr->pc;
	int32_t live_idx = pcdata_or_minus1(t, &f, PCDATA_ARGLIVEINDEX, live_pc);

	bool first = true, ok = true;
	uint8_t slot = 0;
	size_t pi = 0;
	while (ok) {
		if (pi >= np)
			break;
		uint8_t o = p[pi++];
		if (o == TRACEARGS_END_SEQ)
			break;
		switch (o) {
		case TRACEARGS_START_AGG:
			if (!first)
				ok = hc_strbuf_appends(out, ", ");
			ok = ok && hc_strbuf_appendc(out, '{');
			first = true;
			continue;
		case TRACEARGS_END_AGG:
			ok = hc_strbuf_appendc(out, '}');
			break;
		case TRACEARGS_DOTDOTDOT:
			if (!first)
				ok = hc_strbuf_appends(out, ", ");
			ok = ok && hc_strbuf_appends(out, "...");
			break;
		case TRACEARGS_OFFSET_TOO_LARGE:
			if (!first)
				ok = hc_strbuf_appends(out, ", ");
			ok = ok && hc_strbuf_appendc(out, '_');
			break;
		default: {
			if (!first)
				ok = hc_strbuf_appends(out, ", ");
			if (pi >= np)
				return ok;
			uint8_t sz = p[pi++];
			uint8_t b[8] = {0};
			struct hc_error *rerr = hc_aspace_read(u->src.as,
							       fr->argp + o, b, 8);
			bool have = !rerr;
			hc_error_destroy(rerr);
			uint64_t x = 0;
			for (int i = 0; i < 8; i++)
				x |= (uint64_t)b[i] << (8 * i);
			if (sz == 0) {
				x = 0; // a size the compiler never writes
			} else if (sz < 8) {
				unsigned shift = 64u - sz * 8u;
				x = x << shift >> shift;
			}
			ok = ok && (have ? hc_strbuf_appendf(out, "0x%" PRIx64, x)
					 : hc_strbuf_appendc(out, '?'));
			bool is_live = true;
			if (have_live && live_idx > 0 && o >= start_off) {
				uint8_t bits = 0;
				struct hc_error *e2 = hc_aspace_read_u8(
					u->src.as,
					u->src.gofunc + loff + (uint64_t)live_idx + slot / 8,
					&bits);
				hc_error_destroy(e2);
				is_live = (bits & (1u << (slot % 8))) != 0;
			}
			if (have && !is_live)
				ok = ok && hc_strbuf_appendc(out, '?');
			if (o >= start_off)
				slot++;
			break;
		}
		}
		first = false;
	}
	return ok;
}

/* ------------------------------------------------------------ liveness */

/* A runtime.stackmap {n, nbit int32; bytedata [...]uint8} at @p addr:
 * bitmap @p index's address and its bit count. False when absent or
 * garbage (the runtime throws "bad symbol table" there). */
static bool stackmap_entry(const struct hc_unwinder *u, uint64_t addr, int32_t index,
			   uint64_t *bits_ret, uint32_t *nbit_ret)
{
	uint8_t h[8];
	struct hc_error *err = hc_aspace_read(u->src.as, addr, h, sizeof(h));
	if (err) {
		hc_error_destroy(err);
		return false;
	}
	int32_t n = (int32_t)((uint32_t)h[0] | (uint32_t)h[1] << 8 | (uint32_t)h[2] << 16 |
			      (uint32_t)h[3] << 24);
	int32_t nbit = (int32_t)((uint32_t)h[4] | (uint32_t)h[5] << 8 | (uint32_t)h[6] << 16 |
				 (uint32_t)h[7] << 24);
	/* A frame is at most 1 GB (the runtime's maxstacksize). */
	if (n <= 0 || nbit < 0 || nbit > (1 << 27))
		return false;
	if (nbit == 0) {
		*bits_ret = 0;
		*nbit_ret = 0;
		return true;
	}
	if (index < 0 || index >= n)
		return false;
	*bits_ret = addr + 8 + (uint64_t)index * (((uint64_t)nbit + 7) / 8);
	*nbit_ret = (uint32_t)nbit;
	return true;
}

struct hc_error *hc_unwind_frame_live(struct hc_unwinder *u, const struct hc_frame *fr,
				      struct hc_frame_live *ret)
{
	if (!u->src.gofunc)
		return hc_error_create(HC_ERROR_NOT_FOUND, "no moduledata.gofunc: no stack maps");
	struct hc_pclntab *t = u->src.pclntab;
	struct hc_func f;
	struct hc_error *err = hc_pclntab_find_func(t, fr->pc, &f);
	if (err)
		return err;
	struct hc_frame_live l;
	memset(&l, 0, sizeof(l));
	bool lr = u->src.arch == HC_ARCH_ARM64;
	/* traceback.go: varp below the return address (amd64) and the saved
	 * frame pointer; argp past the minimum frame (8 on arm64). */
	l.varp = fr->fp - (lr ? 0 : 8);
	if (l.varp > fr->sp)
		l.varp -= 8;
	l.argp = fr->argp;
	if (fr->trap) {
		l.unknown = true;
		*ret = l;
		return NULL;
	}
	int32_t idx = -1;
	if (fr->pc != f.entry)
		idx = pcdata_or_minus1(t, &f, HC_PCDATA_STACKMAPINDEX, fr->pc - 1);
	if (idx == -1)
		idx = 0; /* the prologue: the runtime takes map 0 */
	uint32_t off;
	uint64_t minsize = lr ? 16 : 0;
	if (l.varp > fr->sp && l.varp - fr->sp > minsize) {
		err = hc_pclntab_funcdata(t, &f, FUNCDATA_LOCALSPOINTERMAPS, &off);
		if (err || !stackmap_entry(u, u->src.gofunc + off, idx, &l.locals_bits, &l.locals_n))
			l.unknown = true;
		hc_error_destroy(err);
		l.locals_addr = l.varp - (uint64_t)l.locals_n * 8;
	}
	/* argMapInternal: f.args bytes of arguments; asm functions with an
	 * unknown size (ArgsSizeUnknown, negative) have no DWARF variables. */
	if (f.args > 0) {
		err = hc_pclntab_funcdata(t, &f, FUNCDATA_ARGSPOINTERMAPS, &off);
		if (err || !stackmap_entry(u, u->src.gofunc + off, idx, &l.args_bits, &l.args_n))
			l.unknown = true;
		hc_error_destroy(err);
		l.args_addr = l.argp;
	}
	err = hc_pclntab_funcdata(t, &f, FUNCDATA_STACKOBJECTS, &off);
	if (!err) {
		uint64_t n;
		struct hc_error *e2 = hc_aspace_read_u64(u->src.as, u->src.gofunc + off, &n);
		if (e2 || n > (1u << 20))
			l.unknown = true;
		else {
			l.nobjs = n;
			l.objs_addr = u->src.gofunc + off + 8;
		}
		hc_error_destroy(e2);
	}
	hc_error_destroy(err);
	*ret = l;
	return NULL;
}

static bool bit_at(const struct hc_unwinder *u, uint64_t bits, uint64_t i)
{
	uint8_t b;
	struct hc_error *err = hc_aspace_read_u8(u->src.as, bits + i / 8, &b);
	if (err) {
		hc_error_destroy(err);
		return false;
	}
	return (b >> (i % 8)) & 1;
}

bool hc_frame_live_word(const struct hc_unwinder *u, const struct hc_frame_live *l,
			uint64_t addr)
{
	if (addr % 8)
		return false;
	if (l->locals_n && addr >= l->locals_addr &&
	    (addr - l->locals_addr) / 8 < l->locals_n)
		return bit_at(u, l->locals_bits, (addr - l->locals_addr) / 8);
	if (l->args_n && addr >= l->args_addr && (addr - l->args_addr) / 8 < l->args_n)
		return bit_at(u, l->args_bits, (addr - l->args_addr) / 8);
	return false;
}

bool hc_frame_live_object(const struct hc_unwinder *u, const struct hc_frame_live *l,
			  uint64_t i, uint64_t *addr_ret, uint64_t *size_ret)
{
	if (i >= l->nobjs)
		return false;
	uint8_t r[8];
	struct hc_error *err = hc_aspace_read(u->src.as, l->objs_addr + i * 16, r, sizeof(r));
	if (err) {
		hc_error_destroy(err);
		return false;
	}
	int32_t off = (int32_t)((uint32_t)r[0] | (uint32_t)r[1] << 8 | (uint32_t)r[2] << 16 |
				(uint32_t)r[3] << 24);
	int32_t size = (int32_t)((uint32_t)r[4] | (uint32_t)r[5] << 8 | (uint32_t)r[6] << 16 |
				 (uint32_t)r[7] << 24);
	if (size <= 0)
		return false;
	*addr_ret = (off < 0 ? l->varp : l->argp) + (uint64_t)(int64_t)off;
	*size_ret = (uint64_t)size;
	return true;
}

/* ------------------------------------------------------------ targets */

#include "hmapcore/target.h"

struct hc_error *hc_unwinder_create_target(const struct hc_target *t,
					   struct hc_unwinder **ret)
{
	if (!t->pclntab)
		return hc_error_create(HC_ERROR_NOT_FOUND,
				       "no pclntab: cannot unwind stacks");
	struct hc_unwind_source src = {
		.as = t->as,
		.pclntab = t->pclntab,
		.arch = hc_core_arch(t->core),
		.go_minor = t->go_minor,
		.rt = t->runtime,
		.core = t->core,
	};
	/* moduledata.gofunc (src/runtime/symtab.go, go1.18+): the base
	 * of every funcdata offset. */
	src.gofunc = t->gofunc;
	return hc_unwinder_create(&src, ret);
}
