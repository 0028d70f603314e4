/**
 * @file target.h
 * The target: one crashed Go process, as a core plus its executable
 * (layer L3, go).
 *
 * hc_target_open() finds and opens the executable (`--exe`, the core's
 * NT_FILE path, files beside the core), checks that its build ids match the
 * core's (a mismatch is an error naming both), and builds the layers on
 * top: the address space, the DWARF index, the Go build info, the pclntab
 * and the runtime model. The DWARF comes from the executable, else from a
 * separate debug file whose build id (or .gnu_debuglink CRC) matches it:
 * `--debug-file`, the .gnu_debuglink name beside the executable, in its
 * .debug/ folder and under the debug root, the build-id tree
 * (<root>/.build-id/xx/yyyy.debug; root $HMAPCORE_DEBUG_ROOT, default
 * /usr/lib/debug), then debuginfod when DEBUGINFOD_URLS is set. What cannot be had (no DWARF, a truncated core) is
 * recorded as a note and the rest goes on.
 *
 * The target owns everything it hands out; pointers returned by the
 * accessors live until hc_target_destroy().
 */
#ifndef HMAPCORE_TARGET_H
#define HMAPCORE_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmapcore/aspace.h"
#include "hmapcore/buildinfo.h"
#include "hmapcore/completeness.h"
#include "hmapcore/core.h"
#include "hmapcore/dwarf.h"
#include "hmapcore/elffile.h"
#include "hmapcore/error.h"
#include "hmapcore/layout.h"
#include "hmapcore/native.h"
#include "hmapcore/pclntab.h"
#include "hmapcore/runtime.h"
#include "hmapcore/vector.h"

enum hc_map_flavour {
	HC_MAPS_UNKNOWN,
	/** runtime.hmap: go1.x <= 1.23, go1.24/1.25 with noswissmap. */
	HC_MAPS_CLASSIC,
	/** internal/runtime/maps.Map: go1.24+. */
	HC_MAPS_SWISS,
};

const char *hc_map_flavour_name(enum hc_map_flavour f);

struct hc_map_info_memo;

struct hc_target_options {
	/** The executable; NULL to find it. */
	const char *exe_path;
	/**
	 * The separate debug file (DWARF, .symtab) of a stripped executable;
	 * NULL to look for one (.gnu_debuglink, the build-id tree under
	 * $HMAPCORE_DEBUG_ROOT or /usr/lib/debug, debuginfod when
	 * DEBUGINFOD_URLS is set).
	 */
	const char *debug_file;
	/** The root of the debuglink and build-id trees; NULL: /usr/lib/debug. */
	const char *debug_root;
	/** Skip the build-id checks (the user insists). */
	bool ignore_build_id;
	/** Ignore the executable's DWARF, as if it were stripped (to see
	 * what a stripped build of it would give). */
	bool no_dwarf;
	/**
	 * The caller reads nothing of the DWARF itself (info): skip opening
	 * it when the runtime model does not need it either, that is when the
	 * build has no GOEXPERIMENT but known ones (noswissmap,
	 * mapsplitgroup) and the executable's symbol table has the runtime's
	 * globals. The struct layouts then come from a built-in table verified
	 * for exactly that release, else from the runtime's compile units only.
	 * Indexing all of a compressed DWARF costs tens of milliseconds.
	 */
	bool dwarf_unneeded;
	/** The caller needs no goroutines, Ms or crash (map --no-check):
	 * the runtime model is not built (hc_target.runtime stays NULL). */
	bool runtime_unneeded;
	/** Upper bound on decompressed input (0 = default). */
	uint64_t max_file_size;
};

HC_DEFINE_VECTOR(hc_note_vec, char *)

struct hc_target {
	char *core_path;
	char *exe_path;
	struct hc_core *core;
	struct hc_elffile *exe;
	/** Load bias of the executable (PIE), 0 for ET_EXEC. */
	uint64_t bias;
	struct hc_aspace *as;
	/** The separate debug file the DWARF came from, or NULL. */
	struct hc_elffile *debug;
	char *debug_path;
	/** NULL when neither the executable nor a debug file has DWARF, or
	 * when it was not read (dwarf_skipped). */
	struct hc_dwarf *dwarf;
	/** The executable has DWARF, not read: opts->dwarf_unneeded. */
	bool dwarf_skipped;
	struct hc_buildinfo *buildinfo;
	struct hc_pclntab *pclntab;
	/** NULL when the runtime model could not be built (see notes). */
	struct hc_runtime *runtime;
	int go_major, go_minor, go_patch;
	/** GOEXPERIMENT setting of the build ("" when none). */
	const char *goexperiment;
	enum hc_map_flavour maps;
	/** Build ids as hex / text ("" when absent). */
	char *gnu_build_id;
	char *go_build_id;
	/** Start of the Go type descriptors (moduledata.types). */
	uint64_t types_addr;
	/** The runtime's struct layouts (valid when has_layout). */
	struct hc_layout layout;
	bool has_layout;
	/** The layout is a built-in table not verified for this exact
	 * release and GOEXPERIMENT set (the runtime model cross-checks it). */
	bool layout_unverified;
	/** --no-dwarf: the symbol table is ignored too. */
	bool no_symbols;
	/** runtime.firstmoduledata (0 when not found) and its gofunc. */
	uint64_t moduledata;
	uint64_t gofunc;
	/** What is degraded or missing, one line each. */
	struct hc_note_vec notes;
	/** What the target could not read and what that costs every answer
	 * (an overridden build-id mismatch, DWARF or pclntab that could not
	 * be read, no runtime model); the analysis adds its own. */
	struct hc_completeness gaps;
	/** Map layouts by map type, memoised (maps.c; may be NULL). */
	struct hc_map_info_memo *map_infos;
	/** Native (C) frames and names: a libdwfl session over the core,
	 * opened on the first question (native.h); NULL only without memory. */
	struct hc_native *native;
};

/**
 * Open a core and its executable and build the model.
 * @param[out] ret owned by the caller (hc_target_destroy()).
 * @return NULL; the errors of the layers below with context: the core
 * cannot be read, no executable found, build-id mismatch ("core has ...,
 * executable has ..."), not a Go executable; for opts->debug_file: it
 * cannot be opened, is not this executable's (naming both build ids) or
 * holds no DWARF. A debug file that was looked for and not found is a note.
 */
struct hc_error *hc_target_open(const char *core_path,
				const struct hc_target_options *opts,
				struct hc_target **ret);
void hc_target_destroy(struct hc_target *t);

/**
 * Add to @p c what the target could not read and what it costs: its own
 * gaps (hc_target.gaps), each problem of the runtime model with its cost
 * ("a goroutine is missing"), and a runtime that holds no goroutine.
 * Out of memory: counted in c->dropped.
 */
void hc_target_gaps(const struct hc_target *t, struct hc_completeness *c);

/** The function name at @p pc: the Go function, else the native symbol
 * ("clock_nanosleep", "libc.so.6+0x1234" without one); "?" when none.
 * Borrowed from the target. */
const char *hc_target_func_name(const struct hc_target *t, uint64_t pc);

/**
 * The native (C) frames of the core's thread @p index (hc_core_threads()
 * order), at most @p max: only for a thread whose PC is outside Go code;
 * a thread in Go leaves @p st empty.
 * @return NULL; NOMEM.
 */
struct hc_error *hc_target_native_stack(const struct hc_target *t, size_t index,
					size_t max, struct hc_native_stack *st);

#endif /* HMAPCORE_TARGET_H */
