/**
 * @file check.h
 * The whole analysis of a target: heap index, map discovery, validators,
 * crash analysis, and the findings they add up to (layer L4, analysis).
 *
 * Findings produced here, beyond the validators': `fatal` (the runtime's
 * fatal error or panic, with the goroutine that raised it),
 * `map-concurrent-write` (the victim map of a concurrent map write, its
 * path, and every goroutine inside a write, read or iteration of it),
 * `map-nil-write` (an assignment to a nil map: the writing goroutine and
 * the nil elements of slices of maps), `slice-nil-map` (every nil element
 * of a []map or [N]map), `slice-torn`, `core-truncated`.
 *
 * The analysis owns everything in it; it borrows the target.
 */
#ifndef HMAPCORE_CHECK_H
#define HMAPCORE_CHECK_H

#include <time.h>

#include "hmapcore/completeness.h"
#include "hmapcore/crash.h"
#include "hmapcore/discover.h"
#include "hmapcore/error.h"
#include "hmapcore/findings.h"
#include "hmapcore/heap.h"
#include "hmapcore/maps.h"
#include "hmapcore/stack.h"
#include "hmapcore/target.h"

/** One map row with what was learnt of it. */
struct hc_map_row {
	/** Borrowed from the discovery. */
	const struct hc_found_map *found;
	bool has_info;
	/** Its type's layout, shared by the rows of that type (owned by the
	 * analysis, hc_analysis.infos). */
	const struct hc_map_info *info;
	bool has_header;
	struct hc_map_header header;
	bool has_stats;
	struct hc_map_stats stats;
	/** Why the map could not be decoded (owned), or NULL. */
	char *error;
	/** Findings about this map. */
	size_t nfindings;
	/** Highest severity among them (valid when nfindings > 0). */
	enum hc_severity worst;
};

HC_DEFINE_VECTOR(hc_map_row_vec, struct hc_map_row)
HC_DEFINE_VECTOR(hc_map_info_ptr_vec, struct hc_map_info *)

HC_DEFINE_VECTOR(hc_goroutine_ptr_vec, const struct hc_goroutine *)

/**
 * Goroutines with identical stacks: the same status, wait reason, scan bit
 * and thread lock (what their state prints from) and the same frames
 * (function, file, line, inlined), what panicparse groups by.
 */
struct hc_goroutine_group {
	/** The first member's stack (frames borrow the pclntab's names). */
	struct hc_stack stack;
	/** The members in allgs order (borrowed from the runtime model). */
	struct hc_goroutine_ptr_vec members;
	uint64_t hash;
	/** Private: the next group with the same hash. */
	size_t next;
};

HC_DEFINE_VECTOR(hc_goroutine_group_vec, struct hc_goroutine_group)

struct hc_analysis {
	struct hc_target *target;
	struct hc_heap *heap;
	struct hc_unwinder *unwinder;
	struct hc_discovery *discovery;
	struct hc_crash_analysis *crash;
	/** One row per discovered map (aliases included). */
	struct hc_map_row_vec rows;
	/** The layouts of the map types the rows have (owned, malloc'd). */
	struct hc_map_info_ptr_vec infos;
	struct hc_findings findings;
	/** What could not be done (owned lines). */
	struct hc_note_vec notes;
	/** Why the analysis is incomplete and what it cost: the target's
	 * gaps, the runtime's problems, the heap, stacks, discovery or walks
	 * that stopped (empty: it looked everywhere). */
	struct hc_completeness gaps;
	/** Every goroutine that is not dead, grouped by identical stacks (in
	 * the order of their first member); empty without an unwinder. All
	 * goroutines are unwound once, in one pass that feeds the crash
	 * analysis, the discovery's frame roots and these groups. */
	struct hc_goroutine_group_vec groups;
	size_t goroutines;
	/** Indices into findings.v of the findings with a path, sorted by
	 * path and then by index (hc_analysis_findings_of()). */
	size_t *by_path;
	size_t nby_path;
	/** Seconds (monotonic clock) spent in the goroutine pass with the
	 * discovery, and walking and validating the maps (HMAPCORE_STATS
	 * prints them; the heap index is built lazily, within these). */
	double seconds_discover, seconds_maps;
	/** Maps walked and validated during the goroutine pass (check.c),
	 * and of them walked again because a goroutine was writing them. */
	size_t maps_early, maps_early_redone;
};

/** The monotonic clock in seconds, for the phase times. */
static inline double hc_seconds_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/**
 * Run everything on @p t (borrowed: it must outlive the analysis).
 * @return NULL; NOMEM. What cannot be analysed becomes a note.
 */
struct hc_error *hc_analyze(struct hc_target *t, struct hc_analysis **ret);
void hc_analysis_destroy(struct hc_analysis *a);

/**
 * The analysis of one global map variable (its DWARF name, "main.m", or
 * a path of fields from one, "main.cfg.byName": hc_resolve_global_path())
 * without the discovery of every map: the heap index, that map's row
 * (layout, header, walk, validation) and, when the process died of a
 * concurrent map access, the crash analysis, so that its
 * map-concurrent-write finding is there. Cost: that map, not the core.
 * @return NULL; NOT_FOUND (no such global, or not a map); FAULT; NOMEM.
 */
struct hc_error *hc_analyze_global_map(struct hc_target *t, const char *name,
				       struct hc_analysis **ret);

/**
 * The findings about @p path: *n_ret indices into a->findings.v, in the
 * findings' order (a binary search, so listing every map's findings stays
 * linear in rows and findings). Borrowed; NULL and 0 when none.
 */
const size_t *hc_analysis_findings_of(const struct hc_analysis *a, const char *path,
				      size_t *n_ret);

/** The row of the map at @p addr (first, non-alias), or NULL. */
const struct hc_map_row *hc_analysis_map(const struct hc_analysis *a,
					 uint64_t addr);

/** The row whose path is @p path, or NULL. */
const struct hc_map_row *hc_analysis_map_by_path(const struct hc_analysis *a,
						 const char *path);

/**
 * Why a map of the crash has no row to name it (static text): without
 * DWARF (a stripped executable) nothing is named, so the map is
 * "unnamed: no DWARF to name it"; with DWARF it was not reached from the
 * roots the discovery walks.
 */
const char *hc_analysis_unnamed(const struct hc_analysis *a);

#endif /* HMAPCORE_CHECK_H */
