/*
 * Fuzz harness 4: the goroutine/thread unwinder (src/go/stack.c) over a
 * synthetic address space: the small program of synth.h (a pclntab built
 * once, text at SYNTH_TEXT), a core whose stack segment holds the fuzz
 * input and whose thread registers come from it, and optionally fuzzed
 * funcdata (inline tree, ArgInfo) at SYNTH_GOFUNC.
 *
 * Input: a 12-byte header, then [0x100 bytes of gofunc when flag 0x80],
 * then the stack bytes (at most STACK_SIZE).
 *   0     flags: 1 jump stacks, 2 signal frames, 4 trap, 8 syscall,
 *         0x10 arm64, 0x60 Go minor (19, 20, 21, 26), 0x80 gofunc follows
 *   1-2   pc  = SYNTH_TEXT - 0x10 + u16 % 0x140
 *   3-4   sp  = STACK + u16 % STACK_SIZE
 *   5-6   fp  = STACK + u16 % STACK_SIZE
 *   7-10  lr  = SYNTH_TEXT - 0x10 + u32 % 0x140
 *   11    g: 0 none, else a fake goroutine parked at those registers
 */
#include "config.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "hmapcore/aspace.h"
#include "hmapcore/core.h"
#include "hmapcore/file.h"
#include "hmapcore/pclntab.h"
#include "hmapcore/runtime.h"
#include "hmapcore/stack.h"
#include "synth.h"
#include "testelf.h"

enum {
	STACK = 0xc000000000,
	STACK_SIZE = 0x4000,
	HEADER = 12,
};

static struct synth_built pcln;
static struct hc_pclntab *tab;
static uint8_t stack[STACK_SIZE];
static volatile uint64_t sink;

static int setup(void)
{
	if (tab)
		return 0;
	pcln = synth_program(120);
	struct hc_error *err = hc_pclntab_create(pcln.data, pcln.size,
						 SYNTH_TEXT, &tab);
	if (err)
		abort(); // our own builder: a bug here is not the target's
	return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return setup();
}

static uint32_t le(const uint8_t *p, int n)
{
	uint32_t v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void consume(struct hc_unwinder *u, struct hc_stack *st)
{
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	for (size_t i = 0; i < st->frames.size; i++) {
		const struct hc_frame *f = &st->frames.data[i];
		sink += strlen(f->func) + strlen(f->file) + (uint64_t)f->line;
		if (!f->inlined)
			hc_unwind_frame_args(u, f, &sb);
		uint64_t g;
		sink += hc_unwind_stack_of(u, f->sp, &g);
		hc_strbuf_reset(&sb);
	}
	if (st->error)
		sink += strlen(st->error);
	hc_strbuf_deinit(&sb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	setup();
	if (size < HEADER)
		return 0;
	const uint8_t *h = data;
	data += HEADER;
	size -= HEADER;
	uint8_t gofunc[SYNTH_GOFUNC_SIZE];
	synth_gofunc(gofunc);
	if ((h[0] & 0x80) && size >= SYNTH_GOFUNC_SIZE) {
		memcpy(gofunc, data, SYNTH_GOFUNC_SIZE);
		data += SYNTH_GOFUNC_SIZE;
		size -= SYNTH_GOFUNC_SIZE;
	}
	memset(stack, 0, sizeof(stack));
	memcpy(stack, data, size < STACK_SIZE ? size : STACK_SIZE);

	bool arm64 = h[0] & 0x10;
	static const int minors[] = { 19, 20, 21, 26 };
	int minor = minors[(h[0] >> 5) & 3];
	uint64_t pc = SYNTH_TEXT - 0x10 + le(h + 1, 2) % 0x140;
	uint64_t sp = STACK + le(h + 3, 2) % STACK_SIZE;
	uint64_t fp = STACK + le(h + 5, 2) % STACK_SIZE;
	uint64_t lr = SYNTH_TEXT - 0x10 + le(h + 7, 4) % 0x140;

	struct testelf_core *c = testelf_core_create(arm64 ? EM_AARCH64 :
						      EM_X86_64);
	uint64_t regs[TESTELF_ARM64_NREGS] = { 0 };
	if (arm64) {
		regs[TESTELF_ARM64_PC] = pc;
		regs[TESTELF_ARM64_SP] = sp;
		regs[TESTELF_ARM64_FP] = fp;
		regs[TESTELF_ARM64_LR] = lr;
		testelf_core_add_prstatus(c, 1, 11, regs, TESTELF_ARM64_NREGS);
	} else {
		regs[TESTELF_AMD64_RIP] = pc;
		regs[TESTELF_AMD64_RSP] = sp;
		regs[TESTELF_AMD64_RBP] = fp;
		testelf_core_add_prstatus(c, 1, 11, regs, TESTELF_AMD64_NREGS);
	}
	testelf_core_add_load(c, STACK, STACK_SIZE, PF_R | PF_W, stack,
			      STACK_SIZE);
	testelf_core_add_load(c, SYNTH_GOFUNC, SYNTH_GOFUNC_SIZE, PF_R, gofunc,
			      SYNTH_GOFUNC_SIZE);
	size_t img_size;
	uint8_t *img = testelf_core_build(c, &img_size);
	testelf_core_destroy(c);

	struct hc_file *file = NULL;
	struct hc_core *core = NULL;
	struct hc_aspace *as = NULL;
	struct hc_unwinder *u = NULL;
	// Well-formed images from our builder: a failure here is a bug.
	if (hc_file_open_memory(img, img_size, "core", &file) ||
	    hc_core_open(file, &core) || // owns the file, also on error
	    hc_aspace_create(core, NULL, 0, &as))
		abort();
	struct hc_unwind_source src = {
		.as = as, .pclntab = tab,
		.arch = arm64 ? HC_ARCH_ARM64 : HC_ARCH_AMD64,
		.gofunc = SYNTH_GOFUNC, .go_minor = minor, .core = core,
	};
	if (hc_unwinder_create(&src, &u))
		abort();

	struct hc_stack st;
	struct hc_unwind_regs r = {
		.pc = pc, .sp = sp, .fp = fp, .lr = lr,
		.trap = h[0] & 4, .syscall = h[0] & 8,
	};
	hc_stack_init(&st);
	if (!hc_unwind_regs(u, &r, h[0] & 3, &st))
		consume(u, &st);
	hc_stack_deinit(&st);

	hc_stack_init(&st);
	if (!hc_unwind_thread(u, 0, &st))
		consume(u, &st);
	hc_stack_deinit(&st);

	if (h[11]) {
		struct hc_goroutine g = {
			.addr = STACK + 0x100, .goid = h[11], .status = h[11] & 7,
			.raw_status = h[11] & 7,
			.stack_lo = STACK, .stack_hi = STACK + STACK_SIZE,
			.sched_sp = sp, .sched_pc = pc, .sched_bp = fp,
			.sched_lr = lr,
			.syscallsp = (h[11] & 8) ? sp : 0,
			.syscallpc = (h[11] & 8) ? pc : 0,
		};
		hc_stack_init(&st);
		if (!hc_unwind_goroutine(u, &g, &st))
			consume(u, &st);
		hc_stack_deinit(&st);
	}
	for (int32_t i = -1; i < 3; i++) {
		struct hc_inlined_call ic;
		struct hc_error *err = hc_inltree_entry(as, minor, SYNTH_GOFUNC,
							i, &ic);
		hc_error_destroy(err);
	}
	hc_unwinder_destroy(u);
	hc_aspace_destroy(as);
	hc_core_destroy(core);
	free(img);
	return 0;
}
