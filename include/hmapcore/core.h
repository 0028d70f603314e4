/**
 * @file core.h
 * An ELF core file of a Linux process (layer L1, core).
 *
 * Parses, with bounds checks against the bytes actually present, the ELF
 * header, the PT_LOAD segments (kept sorted by address) and the PT_NOTE
 * notes: NT_PRSTATUS (one per thread), NT_PRPSINFO, NT_SIGINFO, NT_AUXV and
 * NT_FILE; on arm64 also NT_ARM_TLS. ELF64 little-endian, x86-64 and
 * AArch64 (others: UNSUPPORTED).
 *
 * A truncated core (shorter than its program headers say) opens: what is
 * there is readable, hc_core_truncation() says how much is missing, and a
 * read of a missing part is a FAULT.
 *
 * Everything returned is borrowed from the core and lives until
 * hc_core_destroy().
 */
#ifndef HMAPCORE_CORE_H
#define HMAPCORE_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmapcore/error.h"
#include "hmapcore/file.h"

enum hc_arch {
	HC_ARCH_AMD64,
	HC_ARCH_ARM64,
};

/** "amd64" / "arm64", Go's names. */
const char *hc_arch_name(enum hc_arch arch);

struct hc_core_segment {
	uint64_t vaddr;
	uint64_t memsz;
	/** Offset of the segment's data in the core file. */
	uint64_t offset;
	/** p_filesz: bytes of the segment the core claims to hold. */
	uint64_t filesz;
	/** Bytes really present (< filesz when the core is truncated). */
	uint64_t avail;
	/** PF_R | PF_W | PF_X. */
	uint32_t flags;
};

/** Registers of one thread, from its NT_PRSTATUS note. */
struct hc_core_thread {
	/** Linux thread id (pr_pid). */
	int32_t tid;
	/** pr_cursig: the signal the thread was stopped by. */
	int32_t cursig;
	uint64_t pc;
	uint64_t sp;
	/** Frame pointer: rbp (amd64), x29 (arm64). */
	uint64_t fp;
	/** Link register x30 (arm64), 0 on amd64. */
	uint64_t lr;
	/** The register that holds the current Go g: r14 (amd64), x28 (arm64). */
	uint64_t greg;
	/** Thread pointer: fs_base (amd64), tpidr_el0 from NT_ARM_TLS (arm64). */
	uint64_t tls;
	bool tls_valid;
	/**
	 * All general registers in the kernel's order: user_regs_struct (27
	 * words, amd64) or user_pt_regs (x0..x30, sp, pc, pstate: 34, arm64).
	 */
	uint64_t regs[34];
	unsigned nregs;
};

struct hc_core_siginfo {
	int32_t signo;
	int32_t errnum;
	int32_t code;
	/** si_addr for SIGSEGV/SIGBUS/SIGILL/SIGFPE, else 0. */
	uint64_t addr;
	/** si_pid for signals sent by a process (SI_USER, SI_TKILL), else 0. */
	int32_t sender_pid;
	/**
	 * The core has no NT_SIGINFO (qemu-user writes none): signo is the
	 * first thread's pr_cursig, and errnum, code, addr and sender_pid are
	 * unknown (0).
	 */
	bool from_prstatus;
};

struct hc_core_prpsinfo {
	int32_t pid;
	int32_t ppid;
	uint32_t uid;
	uint32_t gid;
	char state;
	/** Process name (pr_fname), NUL-terminated, untrusted bytes. */
	char fname[17];
	/** Command line (pr_psargs), NUL-terminated, untrusted bytes. */
	char psargs[81];
};

/** One NT_FILE entry: a file mapped into the process. */
struct hc_core_mapping {
	uint64_t start;
	uint64_t end;
	/** Offset in the file, in bytes. */
	uint64_t file_offset;
	/** Untrusted path bytes, NUL-terminated. */
	const char *path;
};

struct hc_core;

/**
 * Parse a core. Takes ownership of @p file (also on error).
 * @return NULL; ELF (not an ELF file), UNSUPPORTED (not a core: "not a
 * core file (ET_EXEC)", another class/endianness/machine), BAD_DATA
 * (headers that cannot be right).
 */
struct hc_error *hc_core_open(struct hc_file *file, struct hc_core **ret);

/** hc_file_open() then hc_core_open(). */
struct hc_error *hc_core_open_path(const char *path, struct hc_core **ret);

void hc_core_destroy(struct hc_core *core);

const struct hc_file *hc_core_file(const struct hc_core *core);
enum hc_arch hc_core_arch(const struct hc_core *core);

/** The PT_LOAD segments, sorted by vaddr. */
const struct hc_core_segment *hc_core_segments(const struct hc_core *core,
					       size_t *n_ret);
/** The segment containing @p addr, or NULL (binary search). */
const struct hc_core_segment *hc_core_segment_for(const struct hc_core *core,
						  uint64_t addr);

/** Threads in note order (the thread that took the fatal signal first). */
const struct hc_core_thread *hc_core_threads(const struct hc_core *core,
					     size_t *n_ret);
/**
 * The signal that killed the process: NT_SIGINFO, else (from_prstatus)
 * the first thread's pr_cursig; NULL when neither says one.
 */
const struct hc_core_siginfo *hc_core_siginfo(const struct hc_core *core);
/** NULL when the core has no NT_PRPSINFO. */
const struct hc_core_prpsinfo *hc_core_prpsinfo(const struct hc_core *core);
const struct hc_core_mapping *hc_core_mappings(const struct hc_core *core,
					       size_t *n_ret);
/** Look up an auxv entry (AT_ENTRY, AT_PHDR, ...). */
bool hc_core_auxv(const struct hc_core *core, uint64_t type,
		  uint64_t *value_ret);

/**
 * Whether the core is shorter than its headers say.
 * @param[out] expected_ret the size the headers need
 * @param[out] actual_ret the size there is
 */
bool hc_core_truncation(const struct hc_core *core, uint64_t *expected_ret,
			uint64_t *actual_ret);

/**
 * Read target memory held by the core itself (not the executable). A read
 * may span adjacent segments. FAULT (with the first missing address) when
 * any byte is not in the core, including segments with p_filesz == 0 and
 * the missing tail of a truncated core.
 */
struct hc_error *hc_core_read(const struct hc_core *core, uint64_t addr,
			      void *buf, size_t len);

/**
 * A pointer into the core's data for [addr, addr+len) when it lies in one
 * segment's present bytes, else NULL. Borrowed.
 */
const void *hc_core_ptr(const struct hc_core *core, uint64_t addr, size_t len);

/**
 * The main executable's path from NT_FILE: the mapping that contains
 * AT_ENTRY (or AT_PHDR). NULL when unknown. Borrowed, untrusted.
 */
const char *hc_core_exe_path(const struct hc_core *core);

/** The lowest mapping address of the main executable (its ELF header). */
bool hc_core_exe_base(const struct hc_core *core, uint64_t *ret);

/**
 * The GNU build-id of the main executable as the core holds it (the kernel
 * dumps the first page of each ELF mapping: ELF header, program headers and
 * usually the notes). Writes a malloc'd copy; NOT_FOUND when absent.
 */
struct hc_error *hc_core_exe_build_id(const struct hc_core *core,
				      uint8_t **id_ret, size_t *len_ret);

/**
 * The Go build id (".note.go.buildid") of the main executable as the core
 * holds it; malloc'd NUL-terminated string; NOT_FOUND when absent.
 */
struct hc_error *hc_core_exe_go_build_id(const struct hc_core *core,
					 char **id_ret);

/**
 * Candidate executables for a core, in the order to try them, keeping only
 * paths that exist: the NT_FILE path of the main executable, then beside
 * the core (same folder): "exe", "exe.xz", "exe.zst", "exe.gz", then the
 * process name (pr_fname). The caller checks build ids and picks.
 * @param[out] paths_ret malloc'd array of malloc'd paths (free each, then
 * the array); may be empty (n 0, array NULL).
 */
struct hc_error *hc_core_executable_candidates(const struct hc_core *core,
					       const char *core_path,
					       char ***paths_ret,
					       size_t *n_ret);

#endif /* HMAPCORE_CORE_H */
