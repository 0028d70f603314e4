/*
 * A synthetic Go pclntab, shared by the fuzz harnesses and the pclntab and
 * unwinder test suites (see synth.c). Out of memory aborts (test code).
 */
#ifndef HMAPCORE_TESTS_FUZZ_SYNTH_H
#define HMAPCORE_TESTS_FUZZ_SYNTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { SYNTH_MAXF = 16 };

/* A pc-value range: @c val applies up to pc offset @c end (from entry). */
struct synth_pair {
	int32_t val;
	uint32_t end;
};

#define SYNTH_PAIRS(...) ((const struct synth_pair[]){ __VA_ARGS__ }), \
	(sizeof((const struct synth_pair[]){ __VA_ARGS__ }) / \
	 sizeof(struct synth_pair))

struct synth_table {
	const struct synth_pair *p;
	size_t n;
};

struct synth_func {
	const char *name;
	uint32_t entryoff;
	int32_t args;
	uint32_t deferreturn;
	struct synth_table sp, file, ln;
	uint32_t cu_offset;
	int32_t start_line;
	uint8_t funcid, flag;
	uint32_t npcdata;
	struct synth_table pcdata[4];
	uint8_t nfuncdata;
	uint32_t funcdata[8];
};

struct synth_spec {
	int version; /* 116, 118 or 120 */
	bool big;
	unsigned quantum;
	uint64_t hdr_text;
	uint32_t end_off;
	const struct synth_func *funcs;
	size_t nfunc;
};

struct synth_built {
	uint8_t *data; /* malloc'd, exactly size bytes */
	size_t size;
	size_t funcname_off, cu_off, file_off, pc_off, pcln_off;
	size_t rec_off[SYNTH_MAXF];
	size_t sp_off[SYNTH_MAXF];
	size_t ftab_off[SYNTH_MAXF];
};

struct synth_built synth_build(const struct synth_spec *s);

/*
 * The small amd64 program of tests/check_stack.c (text at SYNTH_TEXT):
 * main.leaf (with main.inl inlined, tree at SYNTH_GOFUNC), main.middle,
 * main.main, runtime.goexit (TopFrame), runtime.sigpanic, runtime.mcall
 * (SPWRITE), runtime.sigtramp (TopFrame), main.spin, and main.inl.
 * go_version: 116, 118 or 120.
 */
enum {
	SYNTH_TEXT = 0x401000,
	SYNTH_LEAF = SYNTH_TEXT, SYNTH_MIDDLE = SYNTH_TEXT + 0x40,
	SYNTH_MAIN = SYNTH_TEXT + 0x80, SYNTH_GOEXIT = SYNTH_TEXT + 0xc0,
	SYNTH_SIGPANIC = SYNTH_TEXT + 0xd0, SYNTH_MCALL = SYNTH_TEXT + 0xe0,
	SYNTH_SIGTRAMP = SYNTH_TEXT + 0xf0, SYNTH_SPIN = SYNTH_TEXT + 0x100,
	SYNTH_END = 0x110,
	SYNTH_GOFUNC = 0x500000,
	SYNTH_GOFUNC_SIZE = 0x100,
};
struct synth_built synth_program(int go_version);
/* Offset of a function's name in synth_program()'s funcnametab. */
size_t synth_name_offset(const char *name);
/* The funcdata bytes at SYNTH_GOFUNC: inline tree, ArgInfo (+0x40) and
 * ArgLiveInfo (+0x60) of leaf. */
void synth_gofunc(uint8_t out[SYNTH_GOFUNC_SIZE]);

#endif /* HMAPCORE_TESTS_FUZZ_SYNTH_H */
