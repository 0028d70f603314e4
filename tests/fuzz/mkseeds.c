/*
 * Writes the synthetic part of the seed corpora (not built by make; see
 * README.md): cores and executables from tests/testelf.h, pclntabs and
 * unwinder inputs from synth.h, memory images for the value harness.
 *
 *   cc -I. -I../../include -I.. -I$BUILD -o mkseeds mkseeds.c synth.c \
 *      ../testelf.c $BUILD/libhmapcore.a -lelf -lz && ./mkseeds corpus
 */
#include "config.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "synth.h"
#include "testelf.h"

static const char *root;

static void save(const char *harness, const char *name, const void *data,
		 size_t size)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s/%s", root, harness, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, size, f) != size) {
		perror(path);
		exit(1);
	}
	fclose(f);
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void cores(void)
{
	for (int arm = 0; arm < 2; arm++) {
		struct testelf_core *c = testelf_core_create(arm ? EM_AARCH64 :
							      EM_X86_64);
		uint64_t regs[TESTELF_ARM64_NREGS] = { 0 };
		regs[arm ? TESTELF_ARM64_PC : TESTELF_AMD64_RIP] = 0x401000;
		regs[arm ? TESTELF_ARM64_SP : TESTELF_AMD64_RSP] = 0xc000001000;
		testelf_core_add_prstatus(c, 42, 6, regs,
					  arm ? TESTELF_ARM64_NREGS :
						TESTELF_AMD64_NREGS);
		testelf_core_add_prstatus(c, 43, 0, regs,
					  arm ? TESTELF_ARM64_NREGS :
						TESTELF_AMD64_NREGS);
		testelf_core_add_prpsinfo(c, 42, 1, 1000, 1000, 'R', "prog",
					  "./prog -x");
		testelf_core_add_siginfo(c, 11, 0, 1, 0xdead);
		uint64_t auxv[] = { 9 /* AT_ENTRY */, 0x401000, 3 /* AT_PHDR */,
				    0x400040, 6 /* AT_PAGESZ */, 4096 };
		testelf_core_add_auxv(c, auxv, 3);
		if (arm)
			testelf_core_add_arm_tls(c, 0xc000002000);
		struct testelf_file_map maps[] = {
			{ 0x400000, 0x402000, 0, "/tmp/prog" },
			{ 0x402000, 0x403000, 2, "/tmp/prog" },
		};
		testelf_core_add_file_note(c, 4096, maps, 2);
		uint8_t page[256];
		memcpy(page, "\x7f" "ELF", 4);
		memset(page + 4, 0, sizeof(page) - 4);
		testelf_core_add_load(c, 0x400000, 0x2000, PF_R | PF_X, page,
				      sizeof(page));
		testelf_core_add_load(c, 0xc000000000, 0x2000, PF_R | PF_W,
				      NULL, 0x800);
		testelf_core_add_load(c, 0x7f0000000000, 0x1000, PF_R, NULL, 0);
		size_t size;
		uint8_t *img = testelf_core_build(c, &size);
		testelf_core_destroy(c);
		save("core", arm ? "synthetic-arm64" : "synthetic-amd64", img,
		     size);
		free(img);
	}
}

static void exes(void)
{
	struct testelf_exe *e = testelf_exe_create(EM_X86_64, ET_EXEC, 0x401000);
	testelf_exe_set_header_load(e, 0x400000);
	static const uint8_t gnuid[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
					 13, 14, 15, 16, 17, 18, 19, 20 };
	testelf_exe_add_note_section(e, ".note.gnu.build-id", "GNU", 3, gnuid,
				     sizeof(gnuid));
	static const char goid[] = "abc/def/ghi/jkl";
	testelf_exe_add_note_section(e, ".note.go.buildid", "Go", 4, goid,
				     sizeof(goid));
	uint8_t text[64] = { 0xc3 };
	testelf_exe_add_section(e, ".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR,
				0x401000, text, sizeof(text));
	struct synth_built p = synth_program(120);
	testelf_exe_add_section(e, ".gopclntab", SHT_PROGBITS, SHF_ALLOC,
				0x402000, p.data, p.size);
	static const char dbg[] = "pretend DWARF, compressed";
	testelf_exe_add_compressed_section(e, ".debug_info", dbg, sizeof(dbg));
	testelf_exe_add_section(e, ".bss", SHT_NOBITS, SHF_ALLOC | SHF_WRITE,
				0x500000, NULL, 0x1000);
	testelf_exe_add_symbol(e, "runtime.text", 0x401000, 0, STT_FUNC);
	testelf_exe_add_symbol(e, "main.main", 0x401000, 64, STT_FUNC);
	testelf_exe_add_symbol(e, "runtime.firstmoduledata", 0x500000, 0x300,
			       STT_OBJECT);
	testelf_exe_add_load(e, 0x401000, 0x2000, PF_R | PF_X, text,
			     sizeof(text));
	testelf_exe_add_load(e, 0x500000, 0x1000, PF_R | PF_W, NULL, 0);
	testelf_exe_add_phdr(e, PT_TLS, 0x500000, 16, 0);
	size_t size;
	uint8_t *img = testelf_exe_build(e, &size);
	testelf_exe_destroy(e);
	save("elffile", "synthetic-exec", img, size);
	free(img);
	free(p.data);
}

static void pclntabs(void)
{
	static const int versions[] = { 116, 118, 120 };
	for (int i = 0; i < 3; i++) {
		struct synth_built p = synth_program(versions[i]);
		char name[32];
		snprintf(name, sizeof(name), "synthetic-%d", versions[i]);
		save("pclntab", name, p.data, p.size);
		// With the leading word: text start 0x401000 (flag bit 1) and
		// PCs to look up.
		uint8_t *q = malloc(p.size + 9);
		q[0] = 0xa5;
		put64(q + 1, 0x401001 | (uint64_t)0x0100 << 48 | 0x40);
		memcpy(q + 9, p.data, p.size);
		snprintf(name, sizeof(name), "synthetic-%d-text", versions[i]);
		save("pclntab", name, q, p.size + 9);
		free(q);
		free(p.data);
	}
}

/* The three-frame stack of tests/check_stack.c test_stack_three_frames. */
static void unwinds(void)
{
	enum { STACK = 0xc000000000 };
	uint8_t in[12 + 0x1000];
	memset(in, 0, sizeof(in));
	uint64_t sp0 = 0x800, fp0 = sp0 + 0x18 + 8, fp1 = fp0 + 0x28 + 8,
		 fp2 = fp1 + 0x10 + 8;
	in[0] = 0x40 | 3; /* go1.21, jump stacks, signal frames */
	uint16_t pc = 0x10 + 0x24; /* inside leaf's inlined range */
	in[1] = pc & 0xff;
	in[2] = pc >> 8;
	in[3] = sp0 & 0xff;
	in[4] = sp0 >> 8;
	in[5] = fp0 & 0xff;
	in[6] = fp0 >> 8;
	in[11] = 2; /* a parked goroutine too */
	put64(in + 12 + fp0 - 8, SYNTH_MIDDLE + 0x30);
	put64(in + 12 + fp1 - 8, SYNTH_MAIN + 0x20);
	put64(in + 12 + fp2 - 8, SYNTH_GOEXIT + 1);
	// Argument words of leaf at argp = fp0.
	put64(in + 12 + fp0, 0x1111);
	put64(in + 12 + fp0 + 8, 0x2222);
	save("unwind", "three-frames", in, sizeof(in));
	// Trapped in sigpanic's caller, with funcdata from the input.
	uint8_t in2[12 + 0x100 + 0x1000];
	memset(in2, 0, sizeof(in2));
	memcpy(in2, in, 12);
	in2[0] = 0x80 | 0x20 | 4 | 1;
	synth_gofunc(in2 + 12);
	memcpy(in2 + 12 + 0x100, in + 12, 0x1000);
	save("unwind", "trap-gofunc", in2, sizeof(in2));
	// arm64 flavour of the same bytes.
	in[0] = 0x10 | 0x60 | 1;
	save("unwind", "arm64", in, sizeof(in));
	(void)STACK;
}

/* Values: strings, a slice, a node list, an interface with a type
 * descriptor at MEM (types_addr = MEM). */
static void values(void)
{
	enum { MEM = 0x50000 };
	uint8_t in[3 + 0x400];
	memset(in, 0, sizeof(in));
	uint8_t *m = in + 3;
	in[1] = 0x20; /* offset 0x20 */
	// node at 0x20: v, name, next (-> itself), kids, any, m, f, b
	put64(m + 0x20, 42);
	put64(m + 0x28, MEM + 0x200);
	put64(m + 0x30, 5);
	put64(m + 0x38, MEM + 0x20);
	put64(m + 0x40, MEM + 0x300);
	put64(m + 0x48, 3);
	put64(m + 0x50, 4);
	put64(m + 0x58, MEM + 0x100); /* any: type at 0x100 */
	put64(m + 0x60, 7);           /* direct value */
	put64(m + 0x68, MEM + 0x380); /* map pointer */
	memcpy(m + 0x200, "h\xe9llo\x1b[0m", 10);
	for (int i = 0; i < 3; i++)
		put64(m + 0x300 + 8 * i, (uint64_t)i * 1000);
	// type descriptor at 0x100: size 8, kind int | direct iface, Str 0x1f0
	put64(m + 0x100, 8);
	m[0x100 + 23] = 2 | 0x20;
	m[0x100 + 40] = 0xf0;
	m[0x100 + 41] = 0x01;
	m[0x1f0] = 3; /* name: varint length then bytes (go1.17+ abi.Name) */
	m[0x1f1] = 3;
	memcpy(m + 0x1f2, "int", 3);
	save("value", "node", in, sizeof(in));
	in[0] = 1 | 2 | 0x60; /* quoted, small limits */
	save("value", "node-limits", in, sizeof(in));
	static const char text[] = "plain \"quoted\" \\ tab\t nl\n esc\x1b "
				   "bad\xff\xfe utf8 \xe2\x82\xac over\xc0\xaf";
	save("value", "escapes", text, sizeof(text) - 1);
}

int main(int argc, char **argv)
{
	root = argc > 1 ? argv[1] : "corpus";
	cores();
	exes();
	pclntabs();
	unwinds();
	values();
	return 0;
}
