/**
 * @file layout.h
 * Struct layouts of the Go runtime that hmapcore reads (layer L3, go).
 *
 * The runtime model and the unwinder read fields of `runtime.g`,
 * `runtime.m`, `runtime._panic` and `runtime.moduledata`. With DWARF the
 * offsets come from the executable itself; without it (a stripped build,
 * `-ldflags='-s -w'`) from a table built into hmapcore. The structs change
 * inside a minor release, so the tables are per patch release and
 * GOEXPERIMENT set: corefiles/mklayouts measures each release's own DWARF
 * (`hmapcore layout CORE` prints a layout in the form the tables are
 * checked in) into corefiles/layouts.txt, the list of releases checked,
 * and groups consecutive releases sharing a layout into ranges. A table is
 * exact only for a release it was checked for; any other use must be
 * cross-checked against the core (hc_runtime_check_layout).
 * tests/check_dwarf.c and tests/integration/stripped.sh hold the tables
 * against every fixture's DWARF, amd64 and arm64.
 *
 * The layouts of 64-bit linux/amd64 and linux/arm64 are the same (no field
 * of these structs depends on GOARCH on 64-bit linux); the test asserts it.
 */
#ifndef HMAPCORE_LAYOUT_H
#define HMAPCORE_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmapcore/dwarf.h"
#include "hmapcore/error.h"
#include "hmapcore/strbuf.h"

/*
 * X(ID, struct, member path, alternative path or NULL). The alternative
 * covers a rename between releases (atomicstatus became an atomic.Uint32
 * in go1.20).
 */
#define HC_LAYOUT_FIELDS(X)                                              \
	X(G_STACK_LO, "runtime.g", "stack.lo", NULL)                      \
	X(G_STACK_HI, "runtime.g", "stack.hi", NULL)                      \
	X(G_SCHED_SP, "runtime.g", "sched.sp", NULL)                      \
	X(G_SCHED_PC, "runtime.g", "sched.pc", NULL)                      \
	X(G_SCHED_BP, "runtime.g", "sched.bp", NULL)                      \
	X(G_SCHED_LR, "runtime.g", "sched.lr", NULL)                      \
	X(G_SYSCALLSP, "runtime.g", "syscallsp", NULL)                    \
	X(G_SYSCALLPC, "runtime.g", "syscallpc", NULL)                    \
	X(G_STATUS, "runtime.g", "atomicstatus.value", "atomicstatus")    \
	X(G_GOID, "runtime.g", "goid", NULL)                              \
	X(G_WAITREASON, "runtime.g", "waitreason", NULL)                  \
	X(G_WAITSINCE, "runtime.g", "waitsince", NULL)                    \
	X(G_M, "runtime.g", "m", NULL)                                    \
	X(G_LOCKEDM, "runtime.g", "lockedm", NULL)                        \
	X(G_GOPC, "runtime.g", "gopc", NULL)                              \
	X(G_STARTPC, "runtime.g", "startpc", NULL)                        \
	X(G_PARENT_GOID, "runtime.g", "parentGoid", NULL)                 \
	X(G_LABELS, "runtime.g", "labels", NULL)                          \
	X(G_PANIC, "runtime.g", "_panic", NULL)                           \
	X(G_SIG, "runtime.g", "sig", NULL)                                \
	X(G_SIGCODE0, "runtime.g", "sigcode0", NULL)                      \
	X(G_SIGCODE1, "runtime.g", "sigcode1", NULL)                      \
	X(G_SIGPC, "runtime.g", "sigpc", NULL)                            \
	X(M_ID, "runtime.m", "id", NULL)                                  \
	X(M_PROCID, "runtime.m", "procid", NULL)                          \
	X(M_G0, "runtime.m", "g0", NULL)                                  \
	X(M_GSIGNAL, "runtime.m", "gsignal", NULL)                        \
	X(M_CURG, "runtime.m", "curg", NULL)                              \
	X(M_CAUGHTSIG, "runtime.m", "caughtsig", NULL)                    \
	X(M_THROWING, "runtime.m", "throwing", NULL)                      \
	X(M_DYING, "runtime.m", "dying", NULL)                            \
	X(M_INCGO, "runtime.m", "incgo", NULL)                            \
	X(M_ALLLINK, "runtime.m", "alllink", NULL)                        \
	X(PANIC_ARG, "runtime._panic", "arg._type", NULL)                 \
	X(MD_PCHEADER, "runtime.moduledata", "pcHeader", NULL)            \
	X(MD_TEXT, "runtime.moduledata", "text", NULL)                    \
	X(MD_ETEXT, "runtime.moduledata", "etext", NULL)                  \
	X(MD_NOPTRDATA, "runtime.moduledata", "noptrdata", NULL)          \
	X(MD_ENOPTRDATA, "runtime.moduledata", "enoptrdata", NULL)        \
	X(MD_DATA, "runtime.moduledata", "data", NULL)                    \
	X(MD_EDATA, "runtime.moduledata", "edata", NULL)                  \
	X(MD_BSS, "runtime.moduledata", "bss", NULL)                      \
	X(MD_EBSS, "runtime.moduledata", "ebss", NULL)                    \
	X(MD_NOPTRBSS, "runtime.moduledata", "noptrbss", NULL)            \
	X(MD_ENOPTRBSS, "runtime.moduledata", "enoptrbss", NULL)          \
	X(MD_END, "runtime.moduledata", "end", NULL)                      \
	X(MD_TYPES, "runtime.moduledata", "types", NULL)                  \
	X(MD_ETYPES, "runtime.moduledata", "etypes", NULL)                \
	X(MD_GOFUNC, "runtime.moduledata", "gofunc", NULL)                \
	X(MD_TYPELINKS, "runtime.moduledata", "typelinks.array", NULL)    \
	X(MD_TYPELINKS_LEN, "runtime.moduledata", "typelinks.len", NULL)

enum hc_layout_field {
#define HC_LAYOUT_ENUM(id, type, path, alt) HC_LF_##id,
	HC_LAYOUT_FIELDS(HC_LAYOUT_ENUM)
#undef HC_LAYOUT_ENUM
	HC_LF_NUM,
};

/** Where a field is in its struct; size 0 means the release lacks it. */
struct hc_layout_slot {
	uint16_t off;
	uint8_t size;
};

struct hc_layout {
	/** Sizes of runtime.g, runtime.m and runtime.moduledata. */
	uint64_t g_size, m_size, md_size;
	/** Entries of runtime.waitReasonStrings (0: unknown). */
	uint64_t wait_reasons;
	struct hc_layout_slot f[HC_LF_NUM];
	/** "DWARF", or "built-in table for go1.N.P-go1.N.Q" (static text). */
	const char *source;
};

/** Whether the layout has field @p id. */
static inline bool hc_layout_has(const struct hc_layout *l,
				 enum hc_layout_field id)
{
	return l->f[id].size != 0;
}

/**
 * Read field @p id of a struct copied into @p buf (little-endian,
 * zero-extended); 0 when the release lacks it or it is past @p buf_size.
 */
uint64_t hc_layout_get(const struct hc_layout *l, enum hc_layout_field id,
		       const uint8_t *buf, uint64_t buf_size);

/**
 * The layout from DWARF.
 * @return NULL; NOT_FOUND when runtime.g or its essential fields are
 * missing; BAD_DATA for implausible sizes.
 */
struct hc_error *hc_layout_from_dwarf(struct hc_dwarf *d,
				      struct hc_layout *ret);

/**
 * The built-in layout of go1.@p minor.@p patch built with the GOEXPERIMENT
 * set @p experiments (comma-separated, any order; "" or NULL: none).
 * *@p exact_ret says whether a table was verified for exactly that release
 * and experiment set; otherwise the nearest one is returned (same minor
 * release and experiments, nearest patch release first), which the caller
 * must check against the core before trusting it.
 * @return NULL; UNSUPPORTED when the tables hold nothing for the version.
 */
struct hc_error *hc_layout_builtin(int major, int minor, int patch,
				   const char *experiments,
				   struct hc_layout *ret, bool *exact_ret);

/**
 * The distinct built-in layouts in the order hc_layout_builtin() prefers
 * them for that release (the release's own first when it has one,
 * *@p exact_ret then true; then its neighbours), at most @p max of them,
 * into @p ret.
 * @return how many were written.
 */
size_t hc_layout_builtin_candidates(int major, int minor, int patch,
				    const char *experiments,
				    struct hc_layout *ret, size_t max,
				    bool *exact_ret);

/** The Go releases with a built-in table, as "go1.19.13 go1.21.0-go1.21.13
 * ..." (static). */
const char *hc_layout_builtin_releases(void);

/**
 * Append @p l to @p sb, one item per line ("runtime.g stack.lo 0 8",
 * "runtime.g size 448", "runtime.waitReasonStrings len 37"), in field
 * order: the form the built-in tables are checked against.
 * @return false when out of memory.
 */
bool hc_layout_format(const struct hc_layout *l, struct hc_strbuf *sb);

#endif /* HMAPCORE_LAYOUT_H */
