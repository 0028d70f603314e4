/**
 * @file validate.h
 * Validators: map internals and slice headers checked against what the Go
 * runtime can produce, each contradiction a finding (layer L4, analysis).
 *
 * Classic maps (GO-INTERNALS.md 1.8, src/runtime/map.go): count against
 * the occupied slots (one off allowed only while a write was in flight),
 * tophash values the runtime never writes where they are, live slots after
 * emptyRest, overflow chains that loop, B against the bucket array's heap
 * object, oldbuckets / nevacuate / sameSizeGrow contradictions, new buckets
 * written before their old bucket was evacuated, noverflow against the
 * overflow buckets for B < 16, nil buckets with count > 0, pointers outside
 * mapped memory or live heap objects, the writing flag.
 * Swiss tables (GO-INTERNALS.md 2.10, internal/runtime/maps/table_debug.go):
 * used against full control bytes per table and in total, growthLeft and
 * tombstones against capacity, invalid control bytes, directory length and
 * depths, tables' index and localDepth against the directory, capacity not
 * a power of two or over 1024, tombstones where tombstonePossible is false,
 * no empty slot left in a table, the writing flag.
 * Both: maps far larger than what they hold (info).
 *
 * Every walk is bounded; a validator never fails on bad data, it reports it.
 */
#ifndef HMAPCORE_VALIDATE_H
#define HMAPCORE_VALIDATE_H

#include <stdbool.h>
#include <stdint.h>

#include "hmapcore/aspace.h"
#include "hmapcore/findings.h"
#include "hmapcore/heap.h"
#include "hmapcore/maps.h"
#include "hmapcore/runtime.h"

struct hc_validate_env {
	const struct hc_aspace *as;
	/** Heap index for object bounds; may be NULL (readability only). */
	struct hc_heap *heap;
	/** Runtime model (goroutine stacks); may be NULL. */
	const struct hc_runtime *rt;
	/** The map was being written when the core was taken (a goroutine is
	 * inside a write to it): allow count to be one off. */
	bool write_in_flight;
	/**
	 * Object bounds for when @ref heap is NULL (tests, another heap
	 * model); may be NULL (then only readability is checked). True, with
	 * the live heap object [*base_ret, *base_ret + *size_ret) holding
	 * @p addr; false when @p addr is in no live heap object. A false is
	 * reported as map-bad-pointer except for the parts the runtime may
	 * place on a goroutine stack (a B = 0 bucket, a small map's group, an
	 * overflow bucket of such a map, the header).
	 */
	bool (*object_bounds)(void *arg, uint64_t addr, uint64_t *base_ret,
			      uint64_t *size_ret);
	void *object_bounds_arg;
	/**
	 * When not NULL: a Swiss map also gets its hc_map_stats() from the
	 * validation's walk of its groups (one pass over them, not two), and
	 * *stats_done says whether the walk was whole; when it was not (a
	 * table or group array, or a small map's group, that could not be
	 * walked), call hc_map_stats().
	 */
	struct hc_map_stats *stats;
	bool *stats_done;
	/**
	 * A large Swiss directory may be walked in two halves at once, the
	 * second on a thread of its own with @ref split_heap for @ref heap
	 * (a clone, hc_heap_clone(); NULL when heap is). The findings and
	 * stats are the serial walk's. Not with @ref object_bounds.
	 */
	bool split;
	struct hc_heap *split_heap;
};

/**
 * Check the map at @p addr (the map pointer; not 0) of layout @p mi and
 * append findings to @p out; @p path names it in the findings (copied; may
 * be NULL). Each finding's first address is the most specific place it is
 * about: the header (count, flags, B, directory fields), the bucket or
 * group, the tophash or control byte, the table, the directory slot.
 * Never fails: unreadable or impossible structures are findings
 * (map-bad-pointer, map-overflow-cycle...), and every walk is bounded by
 * the sizes memory can hold (see hc_map_overflow_budget()).
 */
void hc_validate_map(const struct hc_validate_env *env,
		     const struct hc_map_info *mi, uint64_t addr,
		     const char *path, struct hc_findings *out);

#endif /* HMAPCORE_VALIDATE_H */
