/**
 * @file native.h
 * Native (C) frames of a core's threads (layer L1, core).
 *
 * A libdwfl session over the core: the modules the core maps (the
 * executable, the dynamic loader, libc, ...), found by build id in the
 * system's debuginfo paths or at the path the core's NT_FILE note names,
 * and the executable hmapcore opened for the one the core says is the
 * program. Threads are unwound with the CFI of those files (.eh_frame,
 * .debug_frame), from the registers of NT_PRSTATUS.
 *
 * The session is opened lazily, on the first question, and at most once:
 * creating an hc_native costs nothing. A module whose file is missing or
 * whose build id differs from the core's is never guessed at: its frames
 * carry the reason instead of a name.
 *
 * Invariants: the core and the executable outlive the hc_native; every
 * string handed out is borrowed from it and lives until hc_native_destroy().
 */
#ifndef HMAPCORE_NATIVE_H
#define HMAPCORE_NATIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmapcore/core.h"
#include "hmapcore/elffile.h"
#include "hmapcore/error.h"
#include "hmapcore/vector.h"

struct hc_native;

/** One native frame, innermost first. */
struct hc_native_frame {
	uint64_t pc;
	/** Symbol containing the PC (borrowed), NULL when unknown. */
	const char *func;
	/** pc - the symbol's start, valid with @c func. */
	uint64_t offset;
	/** Module file name without its folder ("libc.so.6"), NULL outside
	 * every module (borrowed). */
	const char *module;
	/** Source file and line of the PC, NULL / 0 when unknown (borrowed). */
	const char *file;
	int line;
	/** Why the module's symbols are unknown ("no file with build id
	 * ..."), NULL when its file was found (borrowed). */
	const char *problem;
	/** The PC is in Go code: the unwind stopped here (the Go stack is
	 * the goroutine unwinder's business). */
	bool go;
};

HC_DEFINE_VECTOR(hc_native_frame_vec, struct hc_native_frame)

/** The native frames of one thread. */
struct hc_native_stack {
	struct hc_native_frame_vec frames;
	/** Why the unwind ended early (owned), NULL when it reached the end,
	 * Go code or the frame limit. */
	char *error;
	/** The frame limit cut the stack. */
	bool truncated;
};

void hc_native_stack_init(struct hc_native_stack *st);
void hc_native_stack_deinit(struct hc_native_stack *st);

struct hc_strbuf;

/**
 * One native frame as gdb's bt writes it, after the frame's number:
 * "0x<pc> in func+0xoff from module at file:line", "??" for an unknown
 * function, and " (Go code: native frames end here)" for @p go. Every
 * string goes through @p text (the caller's escaping). False when out of
 * memory.
 */
bool hc_native_frame_format(struct hc_strbuf *out, uint64_t pc, const char *func,
			    uint64_t offset, const char *module, const char *file, int line,
			    bool go, bool (*text)(struct hc_strbuf *out, const char *s));

/** Whether @p pc is in Go code (the caller's pclntab); stops the unwind. */
typedef bool hc_native_is_go_fn(uint64_t pc, void *arg);

/**
 * A lazy session over @p core with @p exe as the program's file.
 * @param is_go may be NULL (never stop at Go code).
 * @param[out] ret owned by the caller (hc_native_destroy()).
 * @return NULL or NOMEM; libdwfl problems come later, from the queries.
 */
struct hc_error *hc_native_create(const struct hc_core *core,
				  struct hc_elffile *exe,
				  hc_native_is_go_fn *is_go, void *is_go_arg,
				  struct hc_native **ret);
void hc_native_destroy(struct hc_native *n);

/**
 * Unwind thread @p index of hc_core_threads() with CFI, at most
 * @p max_frames frames.
 * @return NULL (a partial stack has @c error set); ELF / UNSUPPORTED /
 * NOMEM when no session can be opened over the core.
 */
struct hc_error *hc_native_unwind(struct hc_native *n, size_t index,
				  size_t max_frames,
				  struct hc_native_stack *ret);

/**
 * The native name of @p pc ("clock_nanosleep", or "libc.so.6+0x1234" when
 * the module has no symbol there), borrowed and cached; NULL outside every
 * module or when no session can be opened.
 */
const char *hc_native_pc_name(struct hc_native *n, uint64_t pc);

#endif /* HMAPCORE_NATIVE_H */
