/*
 * Tests for the stack unwinder (include/hmapcore/stack.h), on synthetic
 * data: each special unwinding case is a named test.
 *
 * The pclntab builder is the one of tests/check_pclntab.c (a copy; it
 * follows src/cmd/link/internal/ld/pcln.go). Target memory (the fake
 * stacks, the inline tree and the argument info at "gofunc") is a
 * synthetic core from tests/testelf.h, read through an address space
 * without an executable.
 */
#include "config.h"

#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmapcore/aspace.h"
#include "hmapcore/core.h"
#include "hmapcore/file.h"
#include "hmapcore/pclntab.h"
#include "hmapcore/stack.h"
#include "fuzz/synth.h"
#include "testelf.h"

/* ------------------------------------------------------------ builder */

/* The pclntab builder is shared with the fuzz harnesses: tests/fuzz/synth.c. */

/* ------------------------------------------------------------ the program */

/*
 * A small amd64 program (text at TEXT, quantum 1):
 *   main.leaf     [0x00,0x40) frame 0x18 after a 4-byte prologue; pcs
 *                 [0x20,0x28) are main.inl inlined (tree entry 0, call site
 *                 at 0x10); lines 10 / 50 (inlined body) / 11 / 12 at 0x30
 *   main.middle   [0x40,0x80) frame 0x28
 *   main.main     [0x80,0xc0) frame 0x10
 *   runtime.goexit [0xc0,0xd0) TopFrame
 *   runtime.sigpanic [0xd0,0xe0) frame 0x8
 *   runtime.mcall [0xe0,0xf0) SPWRITE
 *   runtime.sigtramp [0xf0,0x100) TopFrame, frame 0x10
 *   main.spin     [0x100,0x110) frameless (return address at sp)
 */
enum {
	TEXT = SYNTH_TEXT,
	LEAF = SYNTH_LEAF, MIDDLE = SYNTH_MIDDLE, MAIN = SYNTH_MAIN,
	GOEXIT = SYNTH_GOEXIT, SIGPANIC = SYNTH_SIGPANIC, MCALL = SYNTH_MCALL,
	SIGTRAMP = SYNTH_SIGTRAMP, SPIN = SYNTH_SPIN, END = SYNTH_END,
	GOFUNC = SYNTH_GOFUNC,
	STACK = 0xc000000000,
	STACK_SIZE = 0x14000,
};

/* The program and its funcdata (the inline tree at gofunc+0, main.leaf's
 * ArgInfo at +0x40) are shared with the fuzz harnesses: synth_program()
 * and synth_gofunc() in tests/fuzz/synth.c. */

struct fixture {
	struct synth_built pcln;
	struct hc_pclntab *tab;
	uint8_t *core_img;
	struct hc_file *file;
	struct hc_core *core;
	struct hc_aspace *as;
	struct hc_unwinder *u;
	uint8_t stack[STACK_SIZE];
	uint8_t gofunc[SYNTH_GOFUNC_SIZE];
};

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A word of the fake stack at address @p addr. */
static void stack_word(struct fixture *fx, uint64_t addr, uint64_t v)
{
	ck_assert_uint_ge(addr, STACK);
	ck_assert_uint_le(addr + 8, STACK + STACK_SIZE);
	put64(fx->stack + (addr - STACK), v);
}

static void fixture_init(struct fixture *fx)
{
	memset(fx, 0, sizeof(*fx));
	fx->pcln = synth_program(120);
	ck_assert(hc_pclntab_create(fx->pcln.data, fx->pcln.size, TEXT,
				    &fx->tab) == NULL);
	synth_gofunc(fx->gofunc);
}

/* Build the core around the stack as it is now, and the unwinder. */
static void fixture_open(struct fixture *fx)
{
	struct testelf_core *c = testelf_core_create(EM_X86_64);
	uint64_t regs[TESTELF_AMD64_NREGS] = { 0 };
	testelf_core_add_prstatus(c, 1, 6, regs, TESTELF_AMD64_NREGS);
	testelf_core_add_load(c, STACK, STACK_SIZE, PF_R | PF_W, fx->stack,
			      STACK_SIZE);
	testelf_core_add_load(c, GOFUNC, sizeof(fx->gofunc), PF_R, fx->gofunc,
			      sizeof(fx->gofunc));
	size_t size;
	fx->core_img = testelf_core_build(c, &size);
	testelf_core_destroy(c);
	ck_assert(hc_file_open_memory(fx->core_img, size, "core", &fx->file) == NULL);
	ck_assert(hc_core_open(fx->file, &fx->core) == NULL);
	ck_assert(hc_aspace_create(fx->core, NULL, 0, &fx->as) == NULL);
	struct hc_unwind_source src = {
		.as = fx->as, .pclntab = fx->tab, .arch = HC_ARCH_AMD64,
		.gofunc = GOFUNC, .go_minor = 21, .core = fx->core,
	};
	ck_assert(hc_unwinder_create(&src, &fx->u) == NULL);
}

static void fixture_deinit(struct fixture *fx)
{
	hc_unwinder_destroy(fx->u);
	hc_aspace_destroy(fx->as);
	hc_core_destroy(fx->core); /* owns the file */
	free(fx->core_img);
	hc_pclntab_destroy(fx->tab);
	free(fx->pcln.data);
}

static struct fixture *new_fixture(void)
{
	struct fixture *fx = malloc(sizeof(*fx));
	ck_assert_ptr_nonnull(fx);
	fixture_init(fx);
	return fx;
}

static void free_fixture(struct fixture *fx)
{
	fixture_deinit(fx);
	free(fx);
}

/*
 * Lay out leaf -> middle -> main -> goexit from @p sp0 with leaf at
 * leaf+@p leaf_off; returns the expected fps through @p fps (4 entries).
 */
static void lay_out_three(struct fixture *fx, uint64_t sp0, uint64_t *fps)
{
	uint64_t fp0 = sp0 + 0x18 + 8;
	stack_word(fx, fp0 - 8, MIDDLE + 0x30);
	uint64_t fp1 = fp0 + 0x28 + 8;
	stack_word(fx, fp1 - 8, MAIN + 0x20);
	uint64_t fp2 = fp1 + 0x10 + 8;
	stack_word(fx, fp2 - 8, GOEXIT + 1);
	fps[0] = fp0;
	fps[1] = fp1;
	fps[2] = fp2;
	fps[3] = fp2 + 8;
}

static void walk(struct fixture *fx, uint64_t pc, uint64_t sp, bool trap,
		 unsigned flags, struct hc_stack *st)
{
	struct hc_unwind_regs r = { .pc = pc, .sp = sp, .trap = trap };
	hc_stack_init(st);
	ck_assert(hc_unwind_regs(fx->u, &r, flags, st) == NULL);
}

static void check_frame(const struct hc_stack *st, size_t i, const char *func,
			int32_t line, uint64_t pc, bool inlined)
{
	ck_assert_uint_gt(st->frames.size, i);
	const struct hc_frame *f = &st->frames.data[i];
	ck_assert_msg(strcmp(f->func, func) == 0, "frame %zu: %s, expected %s",
		      i, f->func, func);
	ck_assert_int_eq(f->line, line);
	ck_assert_uint_eq(f->pc, pc);
	ck_assert_int_eq(f->inlined, inlined);
}

/* ------------------------------------------------------------ tests */

START_TEST(test_stack_three_frames)
{
	struct fixture *fx = new_fixture();
	uint64_t sp0 = STACK + 0x800, fps[4];
	lay_out_three(fx, sp0, fps);
	fixture_open(fx);
	struct hc_stack st;
	/* Resuming at leaf+0x31 (a return address: line of pc-1 = 0x30). */
	walk(fx, LEAF + 0x31, sp0, false, 0, &st);
	ck_assert_msg(st.error == NULL, "%s", st.error);
	ck_assert_uint_eq(st.frames.size, 4);
	check_frame(&st, 0, "main.leaf", 12, LEAF + 0x31, false);
	check_frame(&st, 1, "main.middle", 21, MIDDLE + 0x30, false);
	check_frame(&st, 2, "main.main", 30, MAIN + 0x20, false);
	check_frame(&st, 3, "runtime.goexit", 1, GOEXIT + 1, false);
	/* The runtime's fp/sp: fp = sp + spdelta + 8, caller's sp = fp. */
	ck_assert_uint_eq(st.frames.data[0].sp, sp0);
	for (size_t i = 0; i < 4; i++) {
		ck_assert_uint_eq(st.frames.data[i].fp, fps[i]);
		if (i)
			ck_assert_uint_eq(st.frames.data[i].sp, fps[i - 1]);
		ck_assert_uint_eq(st.frames.data[i].argp, fps[i]);
	}
	ck_assert_str_eq(st.frames.data[1].file, "b.go");
	hc_stack_deinit(&st);
	free_fixture(fx);
}
END_TEST

START_TEST(test_stack_topframe_stops)
{
	/* goexit is TopFrame: the word above its frame is never read, even
	 * when it looks like a return address. */
	struct fixture *fx = new_fixture();
	uint64_t sp0 = STACK + 0x800, fps[4];
	lay_out_three(fx, sp0, fps);
	stack_word(fx, fps[3] - 8 + 8, MAIN + 0x20);
	fixture_open(fx);
	struct hc_stack st;
	walk(fx, GOEXIT + 1, fps[2], false, 0, &st);
	ck_assert_ptr_null(st.error);
	ck_assert_uint_eq(st.frames.size, 1);
	check_frame(&st, 0, "runtime.goexit", 1, GOEXIT + 1, false);
	hc_stack_deinit(&st);
	free_fixture(fx);
}
END_TEST

START_TEST(test_stack_inlined_frames)
{
	struct fixture *fx = new_fixture();
	uint64_t sp0 = STACK + 0x800, fps[4];
	lay_out_three(fx, sp0, fps);
	fixture_open(fx);
	struct hc_stack st;
	/* pc-1 = leaf+0x24 is inside main.inl's body (tree entry 0). */
	walk(fx, LEAF + 0x25, sp0, false, 0, &st);
	ck_assert_ptr_null(st.error);
	ck_assert_uint_eq(st.frames.size, 5);
	check_frame(&st, 0, "main.inl", 50, LEAF + 0x25, true);
	/* The outer frame is at the call site (entry + parentPc). */
	check_frame(&st, 1, "main.leaf", 10, LEAF + 0x25, false);
	ck_assert_uint_eq(st.frames.data[1].sym_pc, LEAF + 0x10);
	ck_assert_uint_eq(st.frames.data[0].phys, st.frames.data[1].phys);
	check_frame(&st, 2, "main.middle", 21, MIDDLE + 0x30, false);
	ck_assert_uint_eq(st.frames.data[2].phys, 1);
	hc_stack_deinit(&st);
	free_fixture(fx);
}
END_TEST

START_TEST(test_stack_inltree_layouts)
{
	struct fixture *fx = new_fixture();
	/* A go1.19 entry (20 bytes) at gofunc+0x80: parent -1, funcID 3,
	 * file 1, line 7, func_ 0x22, parentPc 0x30. */
	uint8_t *e = fx->gofunc + 0x80 + 20; /* index 1 */
	e[0] = 0xff;
	e[1] = 0xff;
	e[2] = 3;
	put32(e + 4, 1);
	put32(e + 8, 7);
	put32(e + 12, 0x22);
	put32(e + 16, 0x30);
	fixture_open(fx);
	struct hc_inlined_call c;
	ck_assert(hc_inltree_entry(fx->as, 19, GOFUNC + 0x80, 1, &c) == NULL);
	ck_assert_uint_eq(c.funcid, 3);
	ck_assert_int_eq(c.name_off, 0x22);
	ck_assert_int_eq(c.parent_pc, 0x30);
	ck_assert(hc_inltree_entry(fx->as, 21, GOFUNC, 0, &c) == NULL);
	ck_assert_int_eq(c.name_off, (int32_t)synth_name_offset("main.inl"));
	ck_assert_int_eq(c.parent_pc, 0x10);
	ck_assert_int_eq(c.start_line, 49);
	/* Outside the mapped memory: a fault, not a crash. */
	struct hc_error *err = hc_inltree_entry(fx->as, 21, GOFUNC, 0x1000, &c);
	ck_assert_ptr_nonnull(err);
	ck_assert_int_eq(err->code, HC_ERROR_FAULT);
	hc_error_destroy(err);
	err = hc_inltree_entry(fx->as, 21, GOFUNC, -1, &c);
	ck_assert_ptr_nonnull(err);
	hc_error_destroy(err);
	free_fixture(fx);
}
END_TEST

START_TEST(test_stack_sigpanic_trap)
{
	/* sigpanic was "called" from the faulting instruction leaf+0x30: the
	 * leaf frame is symbolized at its pc (line 12), not pc-1 (line 11). */
	struct fixture *fx = new_fixture();
	uint64_t sp0 = STACK + 0x800, fps[4];
	lay_out_three(fx, sp0, fps);
	uint64_t spp = sp0 - 0x10; /* sigpanic: frame 8, return at sp+8 */
	stack_word(fx, spp + 8, LEAF + 0x30);
	fixture_open(fx);
	struct hc_stack st;
	walk(fx, SIGPANIC + 4, spp, false, 0, &st);
	ck_assert_ptr_null(st.error);
	ck_assert_uint_eq(st.frames.size, 5);
	check_frame(&st, 0, "runtime.sigpanic", 2, SIGPANIC + 4, false);
	check_frame(&st, 1, "main.leaf", 12, LEAF + 0x30, false);
	ck_assert(st.frames.data[1].trap);
	ck_assert_uint_eq(st.frames.data[1].sym_pc, LEAF + 0x30);
	ck_assert(!st.frames.data[2].trap);
	hc_stack_deinit(&st);
	free_fixture(fx);
}
END_TEST

START_TEST(test_stack_signal_frame)
{
	/* The thread is in sigtramp on a signal stack; the kernel's ucontext
	 * after sigtramp's return slot leads back to leaf+0x30 (a trap). */
	struct fixture *fx = new_fixture();
	uint64_t sp0 = STACK + 0x800, fps[4];
	lay_out_three(fx, sp0, fps);
	uint64_t sig_sp = STACK + 0x100;
	uint64_t uc = sig_sp + 0x10 + 8; /* sigtramp's fp */
	stack_word(fx, uc - 8, 0x1234); /* the restorer */
	stack_word(fx, uc + 40 + 128, LEAF + 0x30);
	stack_word(fx, uc + 40 + 120, sp0);
	stack_word(fx, uc + 40 + 80, 0);
	fixture_open(fx);
	struct hc_stack st;
	/* Without HC_UNWIND_SIGNAL_FRAMES the walk ends at sigtramp. */
	walk(fx, SIGTRAMP + 2, sig_sp, true, 0, &st);
	ck_assert_ptr_null(st.error);
	ck_assert_uint_eq(st.frames.size, 1);
	hc_stack_deinit(&st);
	walk(fx, SIGTRAMP + 2, sig_sp, true, HC_UNWIND_SIGNAL_FRAMES, &st);
	ck_assert_msg(st.error == NULL, "%s", st.error);
	ck_assert_uint_eq(st.frames.size, 5);
	check_frame(&st, 0, "runtime.sigtramp", 4, SIGTRAMP + 2, false);
	check_frame(&st, 1, "main.leaf", 12, LEAF + 0x30, false);
	ck_assert_uint_eq(st.frames.data[1].sp, sp0);
	check_frame(&st, 4, "runtime.goexit", 1, GOEXIT + 1, false);
	hc_stack_deinit(&st);
	free_fixture(fx);
}
END_TEST

START_TEST(test_stack_spwrite_stops)
{
	/* main.leaf called from runtime.mcall (SPWRITE): the walk stops after
	 * mcall's frame without an error, as the runtime's does. */
	struct fixture *fx = new_fixture();
	uint64_t sp0 = STACK + 0x800;
	stack_word(fx, sp0 + 0x18, MCALL + 4);
	stack_word(fx, sp0 + 0x20 + 0, MAIN + 0x20); /* never followed */
	fixture_open(fx);
	struct hc_stack st;
	walk(fx, LEAF + 0x31, sp0, false, 0, &st);
	ck_assert_ptr_null(st.error);
	ck_assert_uint_eq(st.frames.size, 2);
	check_frame(&st, 1, "runtime.mcall", 3, MCALL + 4, false);
	hc_stack_deinit(&st);
	free_fixture(fx);
}
END_TEST

START_TEST(test_stack_bad_return_pc)
{
	struct fixture *fx = new_fixture();
	uint64_t sp0 = STACK + 0x800;
	stack_word(fx, sp0 + 0x18, 0xdead);
	fixture_open(fx);
	struct hc_stack st;
	walk(fx, LEAF + 0x31, sp0, false, 0, &st);
	ck_assert_ptr_nonnull(st.error);
	ck_assert_msg(strstr(st.error, "unexpected return pc 0xdead"), "%s", st.error);
	ck_assert_uint_eq(st.frames.size, 1);
	hc_stack_deinit(&st);
	/* An unknown start pc: no frames, an error. */
	walk(fx, 0x1000, sp0, false, 0, &st);
	ck_assert_ptr_nonnull(st.error);
	ck_assert_uint_eq(st.frames.size, 0);
	hc_stack_deinit(&st);
	free_fixture(fx);
}
END_TEST

START_TEST(test_stack_loop_is_bounded)
{
	/* A frameless function whose return address is itself, all the way
	 * up the stack: the walk climbs (sp only grows), then stops at the
	 * end of mapped memory with an error. */
	struct fixture *fx = new_fixture();
	for (uint64_t a = STACK + 0x10000; a < STACK + STACK_SIZE; a += 8)
		stack_word(fx, a, SPIN + 1);
	fixture_open(fx);
	struct hc_stack st;
	walk(fx, SPIN + 1, STACK + 0x10000, false, 0, &st);
	ck_assert_ptr_nonnull(st.error);
	/* One frame per word, and the last one, whose return address lies
	 * past the end of the memory. */
	ck_assert_uint_eq(st.frames.size, (STACK_SIZE - 0x10000) / 8 + 1);
	ck_assert_msg(strstr(st.error, "return address"), "%s", st.error);
	for (size_t i = 1; i < st.frames.size; i++)
		ck_assert_uint_gt(st.frames.data[i].sp, st.frames.data[i - 1].sp);
	hc_stack_deinit(&st);
	free_fixture(fx);
}
END_TEST

START_TEST(test_stack_deep_elided)
{
	/* Issue 24 item 4, a stack deeper than the frames a walk keeps (a
	 * stack overflow has a million): the innermost inner_limit frames,
	 * the HC_STACK_OUTER_FRAMES outermost in order, the rest counted,
	 * not kept; the walk still reaches the end of the stack. */
	struct fixture *fx = new_fixture();
	for (uint64_t a = STACK; a < STACK + STACK_SIZE; a += 8)
		stack_word(fx, a, SPIN + 1);
	fixture_open(fx);
	const uint64_t total = STACK_SIZE / 8 + 1;
	struct hc_stack nob;
	hc_stack_init(&nob);
	/* Outside a known stack (no runtime model) the old bound holds. */
	struct hc_unwind_regs r = { .pc = SPIN + 1, .sp = STACK };
	ck_assert(hc_unwind_regs(fx->u, &r, 0, &nob) == NULL);
	ck_assert_ptr_nonnull(nob.error);
	ck_assert_msg(strstr(nob.error, "outside a known stack"), "%s", nob.error);
	ck_assert_uint_eq(nob.frames.size + nob.elided, HC_STACK_INNER_FRAMES);
	hc_stack_deinit(&nob);
	for (int pass = 0; pass < 2; pass++) {
		size_t inner = pass ? HC_STACK_INNER_FRAMES : 100;
		struct hc_stack st;
		hc_stack_init(&st);
		if (!pass)
			st.inner_limit = 100;
		/* A goroutine's stack: its bounds are known. */
		struct hc_goroutine g = { .addr = 0xc000100000, .status = HC_G_WAITING,
					  .stack_lo = STACK, .stack_hi = STACK + STACK_SIZE,
					  .sched_pc = SPIN + 1, .sched_sp = STACK };
		ck_assert(hc_unwind_saved(fx->u, &g, &st) == NULL);
		/* Stopped at the end of memory, not at a frame bound. */
		ck_assert_ptr_nonnull(st.error);
		ck_assert_msg(strstr(st.error, "return address"), "%s", st.error);
		ck_assert_uint_eq(st.frames.size, inner + HC_STACK_OUTER_FRAMES);
		ck_assert_uint_eq(st.elided_at, inner);
		ck_assert_uint_eq(st.elided, total - inner - HC_STACK_OUTER_FRAMES);
		/* Inner frames from the start, outer frames the last ones, in
		 * order: one 8-byte frame each. */
		for (size_t i = 0; i < inner; i++)
			ck_assert_uint_eq(st.frames.data[i].sp, STACK + 8 * i);
		for (size_t k = 0; k < HC_STACK_OUTER_FRAMES; k++)
			ck_assert_uint_eq(st.frames.data[inner + k].sp,
					  STACK + 8 * (total - HC_STACK_OUTER_FRAMES + k));
		/* hc_stack_reset() keeps the limit, forgets the count. */
		hc_stack_reset(&st);
		ck_assert_uint_eq(st.elided, 0);
		ck_assert_uint_eq(st.inner_limit, pass ? 0 : 100);
		hc_stack_deinit(&st);
	}
	free_fixture(fx);
}
END_TEST

START_TEST(test_runtime_wait_minutes)
{
	/* Issue 24 item 8a: goroutineheader's ", N minutes" is
	 * (nanotime() - g.waitsince) / 60e9 for a goroutine waiting or in a
	 * system call; the core's latest clock reading stands in for
	 * nanotime(), exact only when it is sched.lastpoll. */
	const int64_t min = 60000000000LL;
	struct hc_crash c = { .clock = 10 * min + 5, .clock_recent = true };
	struct hc_goroutine g = { .status = HC_G_WAITING, .waitsince = 10 * min + 5 - 90000000000LL };
	bool exact = false;
	ck_assert_int_eq(hc_runtime_wait_minutes(&c, &g, &exact), 1);
	ck_assert(exact);
	g.waitsince = c.clock - 59999999999LL; /* a hair under a minute */
	ck_assert_int_eq(hc_runtime_wait_minutes(&c, &g, &exact), 0);
	g.waitsince = c.clock - 7 * min;
	g.status = HC_G_SYSCALL;
	ck_assert_int_eq(hc_runtime_wait_minutes(&c, &g, NULL), 7);
	/* Not blocked, or never seen blocked by a GC: no minutes at all. */
	g.status = HC_G_RUNNABLE;
	ck_assert_int_eq(hc_runtime_wait_minutes(&c, &g, &exact), -1);
	g.status = HC_G_WAITING;
	g.waitsince = 0;
	ck_assert_int_eq(hc_runtime_wait_minutes(&c, &g, &exact), -1);
	/* Only a waitsince for a clock: a lower bound, said so. */
	c.clock_recent = false;
	g.waitsince = c.clock - 3 * min;
	ck_assert_int_eq(hc_runtime_wait_minutes(&c, &g, &exact), 3);
	ck_assert(!exact);
	/* A clock older than the block: less than a minute is all it says. */
	g.waitsince = c.clock + min;
	ck_assert_int_eq(hc_runtime_wait_minutes(&c, &g, &exact), 0);
	/* No clock in the core. */
	c.clock = 0;
	ck_assert_int_eq(hc_runtime_wait_minutes(&c, &g, &exact), -1);
}
END_TEST

START_TEST(test_stack_zero_sp_and_nil_call)
{
	struct fixture *fx = new_fixture();
	uint64_t sp0 = STACK + 0x800, fps[4];
	lay_out_three(fx, sp0, fps);
	/* A call through a nil func value: pc 0, the return address at sp. */
	stack_word(fx, sp0 - 8, LEAF + 0x31);
	fixture_open(fx);
	struct hc_stack st;
	walk(fx, 0, sp0 - 8, false, 0, &st);
	ck_assert_ptr_null(st.error);
	ck_assert_uint_eq(st.frames.size, 4);
	check_frame(&st, 0, "main.leaf", 12, LEAF + 0x31, false);
	ck_assert_uint_eq(st.frames.data[0].sp, sp0);
	hc_stack_deinit(&st);
	walk(fx, LEAF + 0x31, 0, false, 0, &st);
	ck_assert_ptr_nonnull(st.error);
	ck_assert_uint_eq(st.frames.size, 0);
	hc_stack_deinit(&st);
	free_fixture(fx);
}
END_TEST

START_TEST(test_stack_args)
{
	struct fixture *fx = new_fixture();
	uint64_t sp0 = STACK + 0x800, fps[4];
	lay_out_three(fx, sp0, fps);
	/* leaf's argument area starts at its fp (amd64). */
	stack_word(fx, fps[0], 0x11);
	stack_word(fx, fps[0] + 8, 0x22);
	stack_word(fx, fps[0] + 16, 0xffffffff00000033ull);
	fixture_open(fx);
	struct hc_stack st;
	walk(fx, LEAF + 0x31, sp0, false, 0, &st);
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	ck_assert(hc_unwind_frame_args(fx->u, &st.frames.data[0], &sb));
	/* A 4-byte word is masked to its size. */
	ck_assert_str_eq(sb.str, "0x11, {0x22, 0x33}");
	hc_strbuf_reset(&sb);
	/* No ArgInfo: nothing. */
	ck_assert(hc_unwind_frame_args(fx->u, &st.frames.data[1], &sb));
	ck_assert_uint_eq(sb.len, 0);
	hc_strbuf_deinit(&sb);
	hc_stack_deinit(&st);
	/* An inlined frame prints "...". */
	walk(fx, LEAF + 0x25, sp0, false, 0, &st);
	hc_strbuf_init(&sb);
	ck_assert(hc_unwind_frame_args(fx->u, &st.frames.data[0], &sb));
	ck_assert_str_eq(sb.str, "...");
	/* Issue 24 item 8c: the physical frame's liveness is the one at its
	 * own PC (go1.21+ printArgs(f, argp, u.symPC())), where every
	 * argument is live, not at the inlined call's site leaf+0x10 (the
	 * last logical frame's sym_pc), where all are dead. */
	hc_strbuf_reset(&sb);
	ck_assert(!st.frames.data[1].inlined);
	ck_assert_uint_eq(st.frames.data[1].sym_pc, LEAF + 0x10);
	ck_assert(hc_unwind_frame_args(fx->u, &st.frames.data[1], &sb));
	ck_assert_str_eq(sb.str, "0x11, {0x22, 0x33}");
	hc_strbuf_deinit(&sb);
	hc_stack_deinit(&st);
	/* At a PC whose liveness says dead: "?" after every word. */
	walk(fx, LEAF + 0x11, sp0, false, 0, &st);
	hc_strbuf_init(&sb);
	ck_assert(hc_unwind_frame_args(fx->u, &st.frames.data[0], &sb));
	ck_assert_str_eq(sb.str, "0x11?, {0x22?, 0x33?}");
	hc_strbuf_deinit(&sb);
	hc_stack_deinit(&st);
	free_fixture(fx);
}
END_TEST

/*
 * Stack maps (hc_unwind_frame_live): main.f [0,0x40), frame 0x28 after a
 * 4-byte prologue, 16 bytes of arguments, PCDATA_StackMapIndex -1 in the
 * prologue, 0 up to 0x20, 1 up to 0x40; at gofunc+0 the arguments' maps
 * (n 2, nbit 2: 01, 10), at +0x10 the locals' (n 2, nbit 4: 0011, 1000),
 * at +0x20 one stack object {off -16, size 8}.
 */
static void live_program(struct fixture *fx)
{
	const struct synth_func f[] = { {
		.name = "main.f", .entryoff = 0, .args = 16,
		.sp = { SYNTH_PAIRS({ 0, 4 }, { 0x28, 0x40 }) },
		.file = { SYNTH_PAIRS({ 0, 0x40 }) },
		.ln = { SYNTH_PAIRS({ 10, 0x40 }) },
		.npcdata = 2,
		.pcdata = { { NULL, 0 }, { SYNTH_PAIRS({ -1, 4 }, { 0, 0x20 }, { 1, 0x40 }) } },
		.nfuncdata = 3,
		.funcdata = { 0, 0x10, 0x20 },
	} };
	struct synth_spec spec = {
		.version = 120, .quantum = 1, .hdr_text = TEXT, .end_off = 0x40,
		.funcs = f, .nfunc = 1,
	};
	hc_pclntab_destroy(fx->tab);
	free(fx->pcln.data);
	fx->pcln = synth_build(&spec);
	ck_assert(hc_pclntab_create(fx->pcln.data, fx->pcln.size, TEXT, &fx->tab) == NULL);
	memset(fx->gofunc, 0, sizeof(fx->gofunc));
	put32(fx->gofunc + 0, 2);
	put32(fx->gofunc + 4, 2);
	fx->gofunc[8] = 0x1;
	fx->gofunc[9] = 0x2;
	put32(fx->gofunc + 0x10, 2);
	put32(fx->gofunc + 0x14, 4);
	fx->gofunc[0x18] = 0x3;
	fx->gofunc[0x19] = 0x8;
	put64(fx->gofunc + 0x20, 1);
	put32(fx->gofunc + 0x28, (uint32_t)-16);
	put32(fx->gofunc + 0x2c, 8);
}

START_TEST(test_stack_frame_live)
{
	struct fixture *fx = new_fixture();
	live_program(fx);
	fixture_open(fx);
	uint64_t sp = STACK + 0x800, fp = sp + 0x28 + 8;
	struct hc_frame fr = { .func = "main.f", .pc = TEXT + 0x11, .sym_pc = TEXT + 0x10,
			       .sp = sp, .fp = fp, .argp = fp };
	struct hc_frame_live l;
	ck_assert(hc_unwind_frame_live(fx->u, &fr, &l) == NULL);
	ck_assert(!l.unknown);
	/* varp: below the return address and the saved frame pointer. */
	uint64_t varp = fp - 16, locals = varp - 4 * 8;
	ck_assert_uint_eq(l.varp, varp);
	ck_assert_uint_eq(l.locals_addr, locals);
	ck_assert_uint_eq(l.locals_n, 4);
	ck_assert_uint_eq(l.args_n, 2);
	/* Map 0: locals 0 and 1, argument 0. */
	ck_assert(hc_frame_live_word(fx->u, &l, locals));
	ck_assert(hc_frame_live_word(fx->u, &l, locals + 8));
	ck_assert(!hc_frame_live_word(fx->u, &l, locals + 16));
	ck_assert(!hc_frame_live_word(fx->u, &l, locals + 24));
	ck_assert(hc_frame_live_word(fx->u, &l, fp));
	ck_assert(!hc_frame_live_word(fx->u, &l, fp + 8));
	/* Outside both maps (the saved frame pointer), unaligned: dead. */
	ck_assert(!hc_frame_live_word(fx->u, &l, varp));
	ck_assert(!hc_frame_live_word(fx->u, &l, locals + 4));
	uint64_t oa, os;
	ck_assert(hc_frame_live_object(fx->u, &l, 0, &oa, &os));
	ck_assert_uint_eq(oa, varp - 16);
	ck_assert_uint_eq(os, 8);
	ck_assert(!hc_frame_live_object(fx->u, &l, 1, &oa, &os));

	/* Map 1 after the second call: only local 3 and argument 1. */
	fr.pc = TEXT + 0x31;
	ck_assert(hc_unwind_frame_live(fx->u, &fr, &l) == NULL);
	ck_assert(!hc_frame_live_word(fx->u, &l, locals));
	ck_assert(hc_frame_live_word(fx->u, &l, locals + 24));
	ck_assert(!hc_frame_live_word(fx->u, &l, fp));
	ck_assert(hc_frame_live_word(fx->u, &l, fp + 8));

	/* A trapped frame: no maps apply (the runtime scans it conservatively). */
	fr.trap = true;
	ck_assert(hc_unwind_frame_live(fx->u, &fr, &l) == NULL);
	ck_assert(l.unknown);
	fr.trap = false;

	/* A stack map index past the map's count: unknown, not a guess. */
	put32(fx->gofunc + 0x10, 1);
	hc_unwinder_destroy(fx->u);
	hc_aspace_destroy(fx->as);
	hc_core_destroy(fx->core);
	free(fx->core_img);
	fixture_open(fx);
	ck_assert(hc_unwind_frame_live(fx->u, &fr, &l) == NULL);
	ck_assert(l.unknown);
	free_fixture(fx);
}
END_TEST

static Suite *stack_suite(void)
{
	Suite *s = suite_create("stack");
	TCase *tc = tcase_create("unwind");
	tcase_add_test(tc, test_stack_three_frames);
	tcase_add_test(tc, test_stack_topframe_stops);
	tcase_add_test(tc, test_stack_inlined_frames);
	tcase_add_test(tc, test_stack_inltree_layouts);
	tcase_add_test(tc, test_stack_sigpanic_trap);
	tcase_add_test(tc, test_stack_signal_frame);
	tcase_add_test(tc, test_stack_spwrite_stops);
	tcase_add_test(tc, test_stack_bad_return_pc);
	tcase_add_test(tc, test_stack_loop_is_bounded);
	tcase_add_test(tc, test_stack_deep_elided);
	tcase_add_test(tc, test_runtime_wait_minutes);
	tcase_add_test(tc, test_stack_zero_sp_and_nil_call);
	tcase_add_test(tc, test_stack_args);
	tcase_add_test(tc, test_stack_frame_live);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(stack_suite());
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
