/**
 * @file runtime.h
 * The Go runtime's view of the process, rebuilt from a core (layer L3, go).
 *
 * Uses the runtime's struct layouts (layout.h: from DWARF, or a built-in
 * table per release for a stripped executable) and reads: every goroutine in
 * `runtime.allgs` (src/runtime/proc.go, go1.19-go1.27), every M on
 * `runtime.allm` matched to the core's threads by `m.procid`
 * (src/runtime/os_linux.go minit), the wait-reason texts from the binary's
 * own `runtime.waitReasonStrings` (their numbering changes between
 * releases, src/runtime/runtime2.go), the fatal error message from
 * `runtime.printBacklog` (src/runtime/print.go) and the panic value from
 * the crashing goroutine's `_panic` chain (src/runtime/panic.go).
 *
 * Without DWARF there are no symbols either: the globals are searched for
 * in the moduledata's data regions and recognised by what they hold
 * (allgs: the []*g holding every m.curg; allm: the M reached from the
 * threads' g whose alllink list holds the others; waitReasonStrings: the
 * [N]string starting "", "GC assist marking"; printBacklog: the text in
 * the noptrbss around the last "fatal error: ").
 *
 * Bad target data does not fail the whole model: what could not be read is
 * recorded in `problems` (one line each) and the rest is kept.
 *
 * Everything is owned by the hc_runtime and lives until
 * hc_runtime_destroy(); the runtime borrows the address space, the DWARF
 * index and the pclntab it was created from.
 */
#ifndef HMAPCORE_RUNTIME_H
#define HMAPCORE_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmapcore/aspace.h"
#include "hmapcore/core.h"
#include "hmapcore/dwarf.h"
#include "hmapcore/elffile.h"
#include "hmapcore/error.h"
#include "hmapcore/layout.h"
#include "hmapcore/pclntab.h"
#include "hmapcore/vector.h"

/** Goroutine states, src/runtime/runtime2.go (go1.19-go1.27). */
enum hc_gstatus {
	HC_G_IDLE = 0,
	HC_G_RUNNABLE = 1,
	HC_G_RUNNING = 2,
	HC_G_SYSCALL = 3,
	HC_G_WAITING = 4,
	HC_G_MORIBUND = 5,
	HC_G_DEAD = 6,
	HC_G_ENQUEUE = 7,
	HC_G_COPYSTACK = 8,
	HC_G_PREEMPTED = 9,
	HC_G_LEAKED = 10,     /* go1.26+ */
	HC_G_DEADEXTRA = 11,  /* go1.26+ */
	HC_G_NUM_STATUS = 12,
	HC_G_SCAN = 0x1000,
};

/** The runtime's own name of a status ("runnable", "waiting", ...). */
const char *hc_gstatus_name(uint32_t status);

/**
 * Whether a (masked) status is a dead g: _Gdead, or go1.26's _Gdeadextra,
 * the dead g kept on an extra M for cgo callbacks (runtime2.go), which
 * tracebackothers skips like _Gdead (traceback.go, go1.26).
 */
static inline bool hc_gstatus_is_dead(uint32_t status)
{
	return status == HC_G_DEAD || status == HC_G_DEADEXTRA;
}

struct hc_goroutine {
	/** Address of the runtime.g. */
	uint64_t addr;
	uint64_t goid;
	/** atomicstatus as read, and with the _Gscan bit masked off. */
	uint32_t raw_status;
	uint32_t status;
	uint8_t waitreason;
	/** Text from runtime.waitReasonStrings ("" when none); owned by the
	 * runtime model. */
	const char *waitreason_text;
	int64_t waitsince;
	uint64_t stack_lo, stack_hi;
	uint64_t sched_sp, sched_pc, sched_bp, sched_lr;
	uint64_t syscallsp, syscallpc;
	/** The M running it (0 when none). */
	uint64_t m_addr;
	uint64_t lockedm;
	uint64_t gopc;
	uint64_t startpc;
	/** go1.21+; 0 before. */
	uint64_t parent_goid;
	uint64_t labels;
	uint64_t panic_addr;
	/** Signal state set by the signal handler (g.sig, sigcode0/1, sigpc). */
	uint32_t sig;
	uint64_t sigcode0, sigcode1, sigpc;
};

struct hc_m {
	uint64_t addr;
	int64_t id;
	/** Linux thread id. */
	uint64_t procid;
	uint64_t g0, gsignal, curg, caughtsig;
	uint32_t throwing;
	int32_t dying;
	/** In a cgo call (m.incgo): its thread runs C code on g0. */
	bool incgo;
	/** Index into hc_core_threads(), or -1 when no thread matches. */
	long thread;
};

/** One OS thread of the core with what the runtime says of it. */
struct hc_thread_info {
	/** Index into hc_core_threads(). */
	size_t index;
	/** The M bound to the thread (index into ms), or -1. */
	long m;
	/** The g the thread's g register / TLS points at (0 if unknown). */
	uint64_t g_addr;
	/** The user goroutine bound to the thread (m.curg), 0 if none. */
	uint64_t curg;
};

HC_DEFINE_VECTOR(hc_goroutine_vec, struct hc_goroutine)
HC_DEFINE_VECTOR(hc_m_vec, struct hc_m)
HC_DEFINE_VECTOR(hc_thread_info_vec, struct hc_thread_info)
HC_DEFINE_VECTOR(hc_problem_vec, char *)

/** What the runtime says killed the process. */
struct hc_crash {
	/** "fatal error: concurrent map writes" text without the prefix, from
	 * printBacklog; NULL when none. */
	char *fatal_message;
	/** Panic value rendered as the runtime prints it ("assignment to entry
	 * in nil map"), NULL when there is no panic. */
	char *panic_message;
	/** The same text as the bytes the runtime printed (untrusted: escape
	 * it for output), NUL-terminated, and its length; NULL when the
	 * value is not a string or error string. */
	char *panic_raw;
	size_t panic_raw_len;
	/** Dynamic type of the panic value ("runtime.plainError"), or NULL. */
	char *panic_type;
	/** The goroutine that crashed (goid), 0 when unknown. */
	uint64_t goid;
	/** The Go-level signal (g.sig of the crashing goroutine), 0 if none,
	 * with its code and fault address (sigcode1) and PC. */
	uint32_t go_signal;
	uint64_t go_sigcode0;
	uint64_t go_fault_addr;
	uint64_t go_sigpc;
	/** A signal the runtime's handler died of without turning it into a
	 * panic (it printed "SIGQUIT: quit"): the crashing M's m.caughtsig is
	 * set and this is si_signo of the kernel's signal frame on that M's
	 * gsignal stack, with its si_code (<= 0: sent by a process, so the
	 * goroutine it interrupted did not crash and goid stays 0). 0 if
	 * none. */
	uint32_t fatal_signal;
	int32_t fatal_sigcode;
	/** m.throwing of the crashing M: 1 user (fatal), 2 runtime (throw). */
	uint32_t throwing;
	/** The runtime's printBacklog, escaped text, or NULL when empty. */
	char *backlog;
	/** The latest reading of the runtime's clock (nanotime) the core
	 * holds, a lower bound of the crash time; 0 when none. The runtime
	 * does not record the crash time itself. */
	int64_t clock;
	/** @ref clock is sched.lastpoll (proc.go, go1.19-go1.27), which
	 * sysmon moves to nanotime() every 10 ms while it runs: the crash
	 * time to well under a minute. Otherwise it is the latest g.waitsince
	 * (the start of a GC that saw the goroutine blocked, mgcmark.go),
	 * which may be minutes before the crash. */
	bool clock_recent;
};

struct hc_runtime {
	struct hc_goroutine_vec goroutines;
	struct hc_m_vec ms;
	struct hc_thread_info_vec threads;
	/** waitReasonStrings, index -> text; n entries. */
	char **waitreasons;
	size_t num_waitreasons;
	/** runtime.buildVersion as read from memory, or NULL. */
	char *build_version;
	struct hc_crash crash;
	/** Things that could not be read (bad data, missing symbols). */
	struct hc_problem_vec problems;
	/** Without DWARF the runtime's globals (allgs, the M list,
	 * waitReasonStrings, printBacklog) are found by their symbols when the
	 * executable has a symbol table (globals_from_symbols), else by
	 * searching memory (globals_searched). */
	bool globals_searched;
	bool globals_from_symbols;
	/** The allm list was walked to its nil end without a loop or an
	 * unreadable M. */
	bool allm_closed;
};

/** Inputs the runtime model reads from (all borrowed). */
struct hc_runtime_source {
	const struct hc_core *core;
	const struct hc_aspace *as;
	/** Where the runtime's globals (allgs, allm, waitReasonStrings, ...)
	 * are: DWARF's variables, else the symbol table of @p symbols (the
	 * executable), else (both NULL) they are searched for in the
	 * moduledata's regions below. */
	struct hc_dwarf *dwarf;
	struct hc_elffile *symbols;
	struct hc_pclntab *pclntab;
	/** Struct layouts (from DWARF or a built-in table); required. */
	const struct hc_layout *layout;
	/** The Go data regions of the executable (moduledata: data, bss,
	 * noptrbss; runtime addresses), 0 when unknown. */
	uint64_t data, edata, bss, ebss, noptrbss, enoptrbss;
	/** The Go version from the build info (runtime.buildVersion without DWARF). */
	const char *build_version;
	/** Go version (major.minor), e.g. 1 and 23. */
	int go_major, go_minor;
	/** Load bias of the executable (PIE), added to DWARF addresses. */
	uint64_t bias;
	/** Start of the type descriptors (moduledata.types), 0 if unknown. */
	uint64_t types_addr;
	/** Upper bound on goroutines to read (0 = default 10^7). */
	uint64_t max_goroutines;
	/** amd64: where the g slot is relative to the thread pointer
	 * (fs_base), from runtime.tlsg and PT_TLS; valid when
	 * has_tls_g_offset, else the internal linker's -8 is assumed. */
	int64_t tls_g_offset;
	bool has_tls_g_offset;
};

/**
 * Read the runtime model.
 * @return NULL; UNSUPPORTED without a layout; partial bad data is
 * recorded in `problems` instead.
 */
struct hc_error *hc_runtime_create(const struct hc_runtime_source *src,
				   struct hc_runtime **ret);
void hc_runtime_destroy(struct hc_runtime *rt);

/**
 * Hold a model built with a layout that is not the executable's DWARF (a
 * built-in table) against the core: the allm list closes (walked to nil,
 * no loop, every M readable), each M's curg is a g of allgs whose g.m
 * points back to the M, each M's thread's SP is on the stack of a g of its
 * M (g0, gsignal or curg; g0's bounds read through the layout), and the g
 * each such thread runs (g register or TLS slot) is a g of allgs or an
 * M's g0/gsignal.
 * @return NULL when every check holds; BAD_DATA naming the first that
 * failed (with the M or thread and addresses).
 */
struct hc_error *hc_runtime_check_layout(const struct hc_runtime *rt,
					 const struct hc_runtime_source *src);

/**
 * Add a problem line to @p rt's problems (problems reading the runtime),
 * as if the model had found it. Out of memory drops the line.
 */
void hc_runtime_add_problem(struct hc_runtime *rt, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** The goroutine with id @p goid, or NULL. */
const struct hc_goroutine *hc_runtime_find_goroutine(const struct hc_runtime *rt,
						     uint64_t goid);
/** The goroutine at g address @p addr, or NULL. */
const struct hc_goroutine *hc_runtime_goroutine_at(const struct hc_runtime *rt,
						   uint64_t addr);

/**
 * The kernel's signal frame at the top of an M's gsignal stack: what the
 * runtime's signal handler was given (the M is still in it when the core
 * is taken after a crash the handler started, as for SIGQUIT with
 * GOTRACEBACK=crash). Registers in the order the runtime's dumpregs
 * prints them: amd64 rax rbx rcx rdx rdi rsi rbp rsp r8-r15 rip rflags cs
 * fs gs; arm64 r0-r29 lr sp pc fault.
 */
struct hc_sigframe {
	uint32_t signo;
	int32_t code;
	/** si_pid: who sent a signal a process sent (code <= 0: SI_USER,
	 * SI_TKILL), else 0. */
	int32_t pid;
	/** si_addr (the fault address of SIGSEGV and SIGBUS). */
	uint64_t addr;
	/** Where the signal interrupted the thread. */
	uint64_t pc, sp, fp, lr;
	uint64_t regs[34];
	size_t nregs;
};

/**
 * Find the signal frame of the M whose gsignal g is at @p gsignal.
 * @return NULL; NOT_FOUND when its gsignal stack holds none; FAULT.
 */
struct hc_error *hc_runtime_sigframe(const struct hc_aspace *as, enum hc_arch arch,
				     uint64_t gsignal, struct hc_sigframe *ret);

/**
 * Read the g at @p addr as the goroutines are read (for a g0 or gsignal,
 * which allgs does not hold).
 */
struct hc_error *hc_runtime_read_g(const struct hc_runtime *rt, const struct hc_layout *l,
				   const struct hc_aspace *as, uint64_t addr,
				   struct hc_goroutine *ret);

/**
 * The ", N minutes" goroutineheader prints for @p g (traceback.go,
 * go1.19-go1.27: (nanotime() - g.waitsince) / 60e9 for a goroutine
 * waiting or in a system call with waitsince set), with @p c's clock
 * standing in for nanotime(). *exact_ret (may be NULL) says whether the
 * clock is the crash time to the minute (hc_crash.clock_recent); when it
 * is not, the result is a lower bound. -1 when the runtime prints no
 * minutes for @p g whatever the time (not blocked, no waitsince) or the
 * core holds no clock reading.
 */
int64_t hc_runtime_wait_minutes(const struct hc_crash *c, const struct hc_goroutine *g,
				bool *exact_ret);

/** Goroutines counted by status (masked), indexed by enum hc_gstatus. */
void hc_runtime_count_by_status(const struct hc_runtime *rt,
				size_t counts[HC_G_NUM_STATUS]);

#endif /* HMAPCORE_RUNTIME_H */
