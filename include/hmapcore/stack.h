/**
 * @file stack.h
 * Stack unwinding of goroutines and threads from a core (layer L3, go).
 *
 * Follows what the Go runtime's own unwinder does (src/runtime/traceback.go
 * `unwinder`, go1.21+; `gentraceback`, go1.19): the frame size comes from
 * the pcsp table (amd64: fp = sp + spdelta + 8, return address at fp-8;
 * arm64: fp = sp + spdelta, the saved LR at *sp once the prologue ran),
 * inlined calls are expanded from the inline tree (FUNCDATA_InlTree with
 * PCDATA_InlTreeIndex, src/runtime/symtabinl.go go1.20+, symtab.go
 * go1.18-1.19), and the walk stops at TopFrame functions (goexit, mstart,
 * rt0_go, sigtramp...), SPWRITE functions (mcall, morestack, gogo) and a
 * zero return address.
 *
 * Beyond what the runtime's goroutine dump does, a walk may follow stack
 * switches (HC_UNWIND_JUMP_STACK): `systemstack` and `morestack` on an M's
 * g0 continue on m.curg's stack (unwinder.resolveInternal), and the signal
 * frame after `runtime.sigtramp` continues from the registers saved in the
 * kernel's ucontext (HC_UNWIND_SIGNAL_FRAMES). Thread stacks use both.
 *
 * Every walk is bounded (HC_STACK_MAX_FRAMES physical frames, the stack
 * pointer must not move down) and never fails on bad target data: the
 * frames found so far are kept and the reason the walk stopped early is
 * recorded in hc_stack.error.
 *
 * The unwinder borrows the address space, the pclntab and the runtime
 * model it was created from; frames borrow function and file names from
 * the pclntab.
 */
#ifndef HMAPCORE_STACK_H
#define HMAPCORE_STACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmapcore/aspace.h"
#include "hmapcore/core.h"
#include "hmapcore/error.h"
#include "hmapcore/pclntab.h"
#include "hmapcore/runtime.h"
#include "hmapcore/strbuf.h"
#include "hmapcore/vector.h"

/**
 * Upper bound on physical frames per walk: a 1 GB stack (the runtime's
 * default maxstacksize on 64-bit) of 8-byte frames. The stack pointer
 * must move up and stay within its stack, so a real walk ends long before.
 */
enum { HC_STACK_MAX_FRAMES = 1 << 27 };

/**
 * A walk keeps at most the HC_STACK_INNER_FRAMES innermost logical frames
 * (hc_stack.inner_limit when set) and the HC_STACK_OUTER_FRAMES outermost
 * ones (a ring while it walks), and counts the frames between them
 * (hc_stack.elided): a stack of a million frames (fatal error: stack
 * overflow) costs a hundred-odd frames of memory. The outer frames are
 * the runtime's tracebackOuterFrames (src/runtime/traceback.go,
 * go1.21+): they name the goroutine's entry point.
 */
enum { HC_STACK_INNER_FRAMES = 10000, HC_STACK_OUTER_FRAMES = 50 };

/** Which kind of stack a frame lives on. */
enum hc_stack_kind {
	HC_STACK_UNKNOWN,
	/** A user goroutine's stack (g.stack). */
	HC_STACK_USER,
	/** An M's scheduling stack (m.g0). */
	HC_STACK_G0,
	/** An M's signal stack (m.gsignal). */
	HC_STACK_GSIGNAL,
};

/** "user", "g0", "gsignal" or "?". */
const char *hc_stack_kind_name(enum hc_stack_kind k);

/** One logical frame: a physical frame, or a call inlined into one. */
struct hc_frame {
	/* What the goroutine pass reads of every frame comes first (the
	 * names, sym_pc, fp, line and the flags: 46 bytes), so a frame the
	 * unwinding thread wrote costs the walker one or two cache lines. */
	/** Function name as in the pclntab (borrowed; "?" when unknown). */
	const char *func;
	/** File and line (borrowed; "?" and 0 when unknown). */
	const char *file;
	/** PC used for symbolization: pc-1 for return addresses (the CALL),
	 * pc for trapped frames, the call site for outer inlined frames. */
	uint64_t sym_pc;
	/** The physical frame's FP (caller's SP). */
	uint64_t fp;
	int32_t line;
	/** Index of the physical frame this logical frame belongs to. */
	uint32_t phys;
	/** The kind of the stack that holds the frame (see g_addr). */
	enum hc_stack_kind stack_kind;
	/** A call inlined into the physical frame (all but its last logical
	 * frame). */
	bool inlined;
	/** The PC came from a trap (signal context, or the frame that called
	 * sigpanic / asyncPreempt), not from a CALL. */
	bool trap;
	/** The physical frame's PC (a return address unless @ref trap). */
	uint64_t pc;
	/** The physical frame's entry, SP and argument pointer (fp on
	 * amd64, fp+8 on arm64). */
	uint64_t entry;
	uint64_t sp;
	uint64_t argp;
	/** The g whose stack holds the frame (0 when unknown). */
	uint64_t g_addr;
};

HC_DEFINE_VECTOR(hc_frame_vec, struct hc_frame)

struct hc_stack {
	/** Innermost first: the kept inner frames, then (when @ref elided)
	 * the outermost ones. */
	struct hc_frame_vec frames;
	/** Why the walk stopped before a top frame (malloc'd), NULL when it
	 * ended normally. */
	char *error;
	/** Logical frames the walk passed without keeping them; they lie
	 * between frames[elided_at - 1] and frames[elided_at]. */
	uint64_t elided;
	size_t elided_at;
	/** Inner frames to keep (0: HC_STACK_INNER_FRAMES); set by the caller
	 * before the walk, kept by hc_stack_reset(). */
	size_t inner_limit;
	/** While walking: the next slot of the ring of outer frames. */
	size_t ring_next;
};

void hc_stack_init(struct hc_stack *s);
void hc_stack_deinit(struct hc_stack *s);
/** Empty @p s for the next walk, keeping its memory (a loop over every
 * goroutine reuses one stack). */
void hc_stack_reset(struct hc_stack *s);

/** Walk options (bit set). */
enum {
	/** Follow systemstack/morestack from g0 to m.curg. */
	HC_UNWIND_JUMP_STACK = 1,
	/** Continue past runtime.sigtramp from the saved ucontext. */
	HC_UNWIND_SIGNAL_FRAMES = 2,
	/** Stop after the first physical frame that holds a frame outside
	 * the runtime's internals (hc_func_runtime_internal): enough for a
	 * goroutine's top user frame. */
	HC_UNWIND_TO_USER_FRAME = 4,
};

/**
 * Whether the runtime hides @p name at GOTRACEBACK=single/all
 * (showfuncinfo): a runtime-internal function, not an exported one of
 * package runtime or a method of an exported type. NULL is internal.
 */
bool hc_func_runtime_internal(const char *name);

/** Inputs of the unwinder (all borrowed). */
struct hc_unwind_source {
	const struct hc_aspace *as;
	struct hc_pclntab *pclntab;
	enum hc_arch arch;
	/** moduledata.gofunc, the base of funcdata offsets; 0 when unknown
	 * (then inlined calls are not expanded and arguments not decoded). */
	uint64_t gofunc;
	/** Go minor version (19, 21, ...): inline tree layout and names. */
	int go_minor;
	/** Runtime model for stack switches and thread mapping; may be NULL. */
	const struct hc_runtime *rt;
	/** The core, for thread registers; may be NULL. */
	const struct hc_core *core;
};

struct hc_unwinder;

/** @param[out] ret owned by the caller (hc_unwinder_destroy()). */
struct hc_error *hc_unwinder_create(const struct hc_unwind_source *src,
				    struct hc_unwinder **ret);
void hc_unwinder_destroy(struct hc_unwinder *u);

/**
 * An unwinder like @p u for another thread, with caches of its own: its
 * own clone of u's pclntab (hc_pclntab_clone()) and frame cache.
 * Unwinding changes nothing but those caches.
 * @param[out] ret owned by the caller (hc_unwinder_destroy(), which
 * destroys the clone's pclntab too).
 */
struct hc_error *hc_unwinder_clone(const struct hc_unwinder *u,
				   struct hc_unwinder **ret);

/** Registers to start a walk from. */
struct hc_unwind_regs {
	uint64_t pc, sp, fp, lr;
	/** The PC is from a trap: do not back up to the CALL. */
	bool trap;
	/** The g whose stack @ref sp is on (0: find it from the runtime). */
	uint64_t g_addr;
	/** The walk starts at a syscall's saved pc/sp (SPWRITE ignored in the
	 * first frame, as the runtime does). */
	bool syscall;
};

/**
 * Walk a stack from @p regs, appending logical frames to @p stack (which
 * the caller initialised). Bad data ends the walk with stack->error set.
 * @return NULL; NOMEM only.
 */
struct hc_error *hc_unwind_regs(struct hc_unwinder *u,
				const struct hc_unwind_regs *regs,
				unsigned flags, struct hc_stack *stack);

/**
 * Unwind a goroutine. Parked goroutines start from g.syscallsp/pc when set,
 * else g.sched (what traceback1/unwinder.initAt do); a running goroutine
 * from the registers of the thread whose M runs it, crossing the g0 and
 * signal stacks, keeping only the frames on the goroutine's own stack
 * (falling back to g.sched when no thread is found).
 * @return NULL; NOMEM only (bad data ends up in stack->error).
 */
struct hc_error *hc_unwind_goroutine(struct hc_unwinder *u,
				     const struct hc_goroutine *g,
				     struct hc_stack *stack);

/**
 * Unwind a goroutine from what it saved (g.syscallsp/pc, else g.sched)
 * whatever its status: traceback(^0, ^0, 0, gp), as the runtime's signal
 * handler traces an M's running goroutine.
 * @return NULL; NOMEM only.
 */
struct hc_error *hc_unwind_saved(struct hc_unwinder *u, const struct hc_goroutine *g,
				 struct hc_stack *stack);

/**
 * hc_unwind_goroutine() far enough for the top user frame
 * (hc_traceback_top_user_frame): a parked goroutine's walk stops at it
 * (HC_UNWIND_TO_USER_FRAME); a running one is walked whole.
 * @return NULL; NOMEM only.
 */
struct hc_error *hc_unwind_goroutine_top(struct hc_unwinder *u, const struct hc_goroutine *g,
					 struct hc_stack *stack);

/**
 * Unwind thread @p index of the core from its registers through every
 * stack it crosses (gsignal, g0, the user goroutine).
 */
struct hc_error *hc_unwind_thread(struct hc_unwinder *u, size_t index,
				  struct hc_stack *stack);

/**
 * Append the argument words of physical frame @p f as the runtime's
 * printArgs does (traceback.go, FUNCDATA_ArgInfo/ArgLiveInfo with
 * PCDATA_ArgLiveIndex): "0x1, {0x2, 0x3}, 0x4?", "..." for inlined frames,
 * "" when the function has no ArgInfo. Unreadable words print as "?".
 * @return false on out of memory.
 */
bool hc_unwind_frame_args(struct hc_unwinder *u, const struct hc_frame *f,
			  struct hc_strbuf *out);

/**
 * What the garbage collector scans of physical frame @p f (the runtime's
 * getStackMap, src/runtime/stkframe.go go1.21+, stack.go go1.19-1.20):
 * the locals pointer map (FUNCDATA_LocalsPointerMaps) and the arguments
 * pointer map (FUNCDATA_ArgsPointerMaps) at the PC's PCDATA_StackMapIndex
 * (the CALL for a return address, the entry map at the entry), and the
 * stack objects (FUNCDATA_StackObjects: address-taken locals, scanned
 * only when a live pointer reaches them). Bitmaps stay in target memory.
 */
struct hc_frame_live {
	/** No stack maps could be used: a trapped frame (scanned
	 * conservatively by the runtime too), or maps missing or garbage. */
	bool unknown;
	/** Locals: bit i of the bitmap at locals_bits covers the word at
	 * locals_addr + 8i, for i < locals_n. */
	uint64_t locals_addr, locals_bits;
	uint32_t locals_n;
	/** Arguments (from argp), likewise. */
	uint64_t args_addr, args_bits;
	uint32_t args_n;
	/** Stack object records ({off, size int32, ...}, 16 bytes each) and
	 * their count; varp and argp are their bases (off < 0: varp). */
	uint64_t objs_addr, nobjs;
	uint64_t varp, argp;
};

/**
 * Fill @p ret for physical frame @p f (not an inlined one).
 * @return NULL (bad or missing maps set ret->unknown); NOT_FOUND when the
 * frame's function is not in the pclntab or the target has no gofunc.
 */
struct hc_error *hc_unwind_frame_live(struct hc_unwinder *u, const struct hc_frame *f,
				      struct hc_frame_live *ret);

/** Whether the GC scans the pointer word at @p addr of a frame: set in
 * the locals or arguments map (unreadable bits: false). */
bool hc_frame_live_word(const struct hc_unwinder *u, const struct hc_frame_live *l,
			uint64_t addr);

/** Stack object @p i of @p l: its address and size; false when its record
 * cannot be read or makes no sense. */
bool hc_frame_live_object(const struct hc_unwinder *u, const struct hc_frame_live *l,
			  uint64_t i, uint64_t *addr_ret, uint64_t *size_ret);

/** The kind of stack @p sp is on for the runtime model, and its g. */
enum hc_stack_kind hc_unwind_stack_of(const struct hc_unwinder *u,
				      uint64_t sp, uint64_t *g_ret);

struct hc_target;

/**
 * An unwinder for a whole target: its memory, pclntab, runtime model, core
 * threads, and moduledata.gofunc read through DWARF
 * (`runtime.firstmoduledata`, member `gofunc`, go1.18+).
 * @param[out] ret owned by the caller (hc_unwinder_destroy()); borrows @p t.
 * @return NULL; NOT_FOUND when the target has no pclntab; NOMEM.
 */
struct hc_error *hc_unwinder_create_target(const struct hc_target *t,
					   struct hc_unwinder **ret);

/* ------------------------------------------------------------ low level */

/** A decoded inline tree entry (go1.18-1.19 and go1.20+ layouts). */
struct hc_inlined_call {
	uint8_t funcid;
	int32_t name_off;
	int32_t parent_pc;
	int32_t start_line;
};

/**
 * Decode entry @p index of an inline tree at @p tree_addr
 * (go1.20+: {funcID u8, _ [3]byte, nameOff, parentPc, startLine int32},
 * 16 bytes; go1.18-1.19: {parent int16, funcID u8, _ byte, file, line,
 * func_, parentPc int32}, 20 bytes).
 */
struct hc_error *hc_inltree_entry(const struct hc_aspace *as, int go_minor,
				  uint64_t tree_addr, int32_t index,
				  struct hc_inlined_call *ret);

#endif /* HMAPCORE_STACK_H */
