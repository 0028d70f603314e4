/**
 * @file testelf.h
 * Builders of synthetic ELF64 little-endian images in memory, for tests.
 *
 * Two builders, used the same way: create, add parts, build (a malloc'd
 * image the caller frees), destroy. Open an image with
 * hc_file_open_memory() (it is borrowed: free it after the hc_file).
 * Out of memory in a builder aborts (test code only).
 *
 * Core (ET_CORE): one PT_NOTE with the notes in the order added, then one
 * PT_LOAD per testelf_core_add_load() in the order added (the parser must
 * sort them). Layout: ELF header, program headers, notes, segment bytes
 * (each 16-aligned).
 *
 *     struct testelf_core *c = testelf_core_create(EM_X86_64);
 *     uint64_t regs[27] = {0}; regs[TESTELF_AMD64_RIP] = 0x401000;
 *     testelf_core_add_prstatus(c, 42, SIGSEGV, regs, 27);
 *     testelf_core_add_load(c, 0xc000000000, 0x1000, PF_R | PF_W, bytes, 0x1000);
 *     size_t size; uint8_t *img = testelf_core_build(c, &size);
 *
 * Executable (ET_EXEC/ET_DYN): sections (with data), optional symbols
 * (.symtab + .strtab), note sections, PT_LOAD segments with their own bytes,
 * and optionally a "header load": a first PT_LOAD that maps file offset 0
 * (ELF header, program headers and the note sections) at a given address,
 * with a PT_NOTE over the notes, the way Go's linker lays out the text
 * segment. Layout: ELF header, program headers, note sections, other
 * section data, PT_LOAD bytes (page-aligned), .shstrtab, .symtab,
 * .strtab, section headers.
 */
#ifndef HMAPCORE_TESTS_TESTELF_H
#define HMAPCORE_TESTS_TESTELF_H

#include <elf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Indexes into amd64 pr_reg (user_regs_struct). */
enum {
	TESTELF_AMD64_R15 = 0,
	TESTELF_AMD64_R14 = 1,
	TESTELF_AMD64_RBP = 4,
	TESTELF_AMD64_RAX = 10,
	TESTELF_AMD64_RIP = 16,
	TESTELF_AMD64_RSP = 19,
	TESTELF_AMD64_FS_BASE = 21,
	TESTELF_AMD64_NREGS = 27,
};

/* Indexes into arm64 pr_reg (user_pt_regs): x0..x30 are 0..30. */
enum {
	TESTELF_ARM64_X28 = 28,
	TESTELF_ARM64_FP = 29,
	TESTELF_ARM64_LR = 30,
	TESTELF_ARM64_SP = 31,
	TESTELF_ARM64_PC = 32,
	TESTELF_ARM64_PSTATE = 33,
	TESTELF_ARM64_NREGS = 34,
};

/* ---------------------------------------------------------------- cores */

struct testelf_core;

/** A core for @p machine (EM_X86_64, EM_AARCH64, or anything to test). */
struct testelf_core *testelf_core_create(uint16_t machine);
void testelf_core_destroy(struct testelf_core *c);

/**
 * Any note; @p name without padding ("CORE"), or NULL for no name at all
 * (namesz 0, as Delve writes), @p desc copied.
 */
void testelf_core_add_note(struct testelf_core *c, const char *name,
			   uint32_t type, const void *desc, size_t len);
/**
 * NT_PRSTATUS with the kernel's layout (336 bytes on x86-64, 392 on
 * AArch64, by the core's machine); @p regs: @p nregs words of pr_reg.
 */
void testelf_core_add_prstatus(struct testelf_core *c, int32_t tid,
			       int16_t cursig, const uint64_t *regs,
			       unsigned nregs);
/** NT_PRPSINFO (136 bytes). */
void testelf_core_add_prpsinfo(struct testelf_core *c, int32_t pid,
			       int32_t ppid, uint32_t uid, uint32_t gid,
			       char state, const char *fname,
			       const char *psargs);
/** NT_SIGINFO (128 bytes); @p word16 goes at offset 16 (si_addr or si_pid). */
void testelf_core_add_siginfo(struct testelf_core *c, int32_t signo,
			      int32_t errnum, int32_t code, uint64_t word16);
/** NT_AUXV from @p n (type, value) pairs; AT_NULL is appended. */
void testelf_core_add_auxv(struct testelf_core *c, const uint64_t *pairs,
			   size_t n);
/** NT_ARM_TLS ("LINUX") with tpidr_el0. */
void testelf_core_add_arm_tls(struct testelf_core *c, uint64_t tpidr);

struct testelf_file_map {
	uint64_t start;
	uint64_t end;
	/** In pages. */
	uint64_t pgoff;
	const char *path;
};
/** NT_FILE. */
void testelf_core_add_file_note(struct testelf_core *c, uint64_t page_size,
				const struct testelf_file_map *maps, size_t n);

/**
 * A PT_LOAD at @p vaddr of @p memsz bytes holding @p filesz bytes from
 * @p bytes (NULL: zeros). @p filesz 0 = a segment the kernel did not dump.
 */
void testelf_core_add_load(struct testelf_core *c, uint64_t vaddr,
			   uint64_t memsz, uint32_t flags, const void *bytes,
			   size_t filesz);

/** The image (malloc'd, the caller frees it). */
uint8_t *testelf_core_build(struct testelf_core *c, size_t *size_ret);

/** After build: file offset of the notes, and of PT_LOAD number @p i. */
size_t testelf_core_notes_offset(const struct testelf_core *c);
size_t testelf_core_load_offset(const struct testelf_core *c, size_t i);

/* ---------------------------------------------------------------- executables */

struct testelf_exe;

/** @p type ET_EXEC or ET_DYN (or ET_CORE, to test refusal). */
struct testelf_exe *testelf_exe_create(uint16_t machine, uint16_t type,
				       uint64_t entry);
void testelf_exe_destroy(struct testelf_exe *e);

/** Map file offset 0 .. end of the note sections at @p vaddr (see top). */
void testelf_exe_set_header_load(struct testelf_exe *e, uint64_t vaddr);

/** A section with data copied from @p data (NULL with SHT_NOBITS). */
void testelf_exe_add_section(struct testelf_exe *e, const char *name,
			     uint32_t type, uint64_t flags, uint64_t addr,
			     const void *data, size_t size);
/** An SHF_COMPRESSED (ELFCOMPRESS_ZLIB) SHT_PROGBITS section of @p data. */
void testelf_exe_add_compressed_section(struct testelf_exe *e,
					const char *name, const void *data,
					size_t size);
/** An SHT_NOTE section @p secname with one note. */
void testelf_exe_add_note_section(struct testelf_exe *e, const char *secname,
				  const char *notename, uint32_t type,
				  const void *desc, size_t len);
/** A defined symbol in .symtab (section index 1 when there is one). */
void testelf_exe_add_symbol(struct testelf_exe *e, const char *name,
			    uint64_t value, uint64_t size, unsigned char type);
/** A PT_LOAD with its own bytes (like testelf_core_add_load()). */
void testelf_exe_add_load(struct testelf_exe *e, uint64_t vaddr,
			  uint64_t memsz, uint32_t flags, const void *bytes,
			  size_t filesz);
/** A program header without bytes of its own (PT_TLS, PT_GNU_STACK...). */
void testelf_exe_add_phdr(struct testelf_exe *e, uint32_t type,
			  uint64_t vaddr, uint64_t memsz, uint64_t filesz);

/** The image (malloc'd, the caller frees it). */
uint8_t *testelf_exe_build(struct testelf_exe *e, size_t *size_ret);

/**
 * Read a file whole, decompressing xz/zstd/gzip by content through the
 * library's own hc_file_open() (the fixtures' exe.xz). A malloc'd copy the
 * caller frees, or NULL when it cannot be read.
 */
uint8_t *testelf_read_file(const char *path, size_t *size_ret);

/**
 * Whether a fixture path (corefiles/<config>/...) is of a configuration
 * built without DWARF or symbols (-stripped): the tests of DWARF-based
 * decoding skip those (tests/integration/stripped.sh covers them).
 */
bool testelf_fixture_stripped(const char *path);

#endif /* HMAPCORE_TESTS_TESTELF_H */
