/**
 * @file discover.h
 * Finding every map in the core, and saying where it lives (layer L4,
 * analysis).
 *
 * Roots are the executable's global variables (DWARF), then the variables
 * of every goroutine's frames that DWARF places in frame memory at the
 * frame's PC (outside the runtime's own packages). From each root the
 * walk follows typed pointers through structs, arrays, slices, pointers,
 * interfaces (by their dynamic type, from the runtime type descriptor) and
 * map keys and values, visiting each (address, type) once. Every map met
 * gets a row with a path a person can read (`main.gShards[3]`,
 * `main.gNested["a"]`, `(*main.gCache).byID`); every element of a slice of
 * maps gets a row, nil ones included. Slice headers met on the way are
 * checked: len > cap, a nil array with len or cap > 0, an array outside
 * mapped memory or running past its heap object are recorded as torn.
 *
 * Only live memory is followed, as the garbage collector would: a frame
 * variable is a root only where the function's stack maps say its slot
 * holds a live pointer at the frame's PC (or it lies in a stack object a
 * live pointer reaches); a pointer, a slice's backing array or a map is
 * followed only where its target can hold its type (with a heap index).
 *
 * The walk is bounded (objects visited, its own memory, slice elements
 * and map entries per container, depth) and never fails on bad target
 * data: what could not be read is counted, and the walk goes on. A budget
 * that runs out stops the walk there, with a reason (stop_reason).
 *
 * The discovery owns its rows; paths are malloc'd strings owned by it. DWARF
 * types are borrowed from the target.
 */
#ifndef HMAPCORE_DISCOVER_H
#define HMAPCORE_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmapcore/dwarf.h"
#include "hmapcore/error.h"
#include "hmapcore/heap.h"
#include "hmapcore/stack.h"
#include "hmapcore/target.h"
#include "hmapcore/vector.h"

/** Where a map was reached from. */
enum hc_root_kind {
	HC_ROOT_GLOBAL,
	HC_ROOT_GOROUTINE,
};

struct hc_found_map {
	/** Readable path (owned). */
	char *path;
	/** The map pointer (the *hmap / *maps.Map), 0 for a nil map. */
	uint64_t addr;
	/** Where that pointer is stored. */
	uint64_t slot_addr;
	/** The map typedef (go_kind 21). */
	const struct hc_type *type;
	enum hc_root_kind root;
	/** The element of a []map / [N]map. */
	bool in_slice;
	uint64_t index;
	/** Set when the same map was already listed under another path
	 * (aliases are kept: each is a place the map is reachable from). */
	bool alias;
	/** The index of the map's first row (this one's, unless an alias). */
	size_t first;
	/** A sync.Map (addr is the sync.Map value itself, type its struct);
	 * entries: its live entries. */
	bool sync_map;
	uint64_t entries;
};

/** Why a slice header cannot be real. */
enum hc_slice_fault {
	HC_SLICE_LEN_GT_CAP,
	HC_SLICE_NIL_WITH_LEN,
	HC_SLICE_UNMAPPED,
	HC_SLICE_PAST_OBJECT,
};

const char *hc_slice_fault_name(enum hc_slice_fault f);

struct hc_torn_slice {
	char *path;
	uint64_t header_addr;
	uint64_t array, len, cap;
	uint64_t elem_size;
	enum hc_slice_fault fault;
	/** For PAST_OBJECT: the heap object that holds the array. */
	uint64_t object_base, object_size;
};

HC_DEFINE_VECTOR(hc_found_map_vec, struct hc_found_map)
HC_DEFINE_VECTOR(hc_torn_slice_vec, struct hc_torn_slice)

struct hc_discovery;

struct hc_discover_options {
	/** Upper bound on (address, type) pairs visited; 0 = one per 16
	 * bytes of the core (no heap object is smaller than 8 bytes, and
	 * most are 16 or more), at least 10^6. */
	uint64_t max_visits;
	/** Upper bound on the walk's own memory (its queue, paths and visited
	 * set), in bytes; 0 = three quarters of what is left of the process's
	 * bound (64 MB + 10 % of the core's size) past the memory malloc
	 * holds when the walk starts, at least 8 MB. */
	uint64_t max_memory;
	/** Elements of one slice or array walked; 0 = 10^6. */
	uint64_t max_elements;
	/** Entries of one map walked; 0 = 10^6. */
	uint64_t max_entries;
	/** Nesting depth (a path's length); 0 = 65534, the most. */
	unsigned max_depth;
	/** When set, goroutines' frames are roots too: the variables DWARF
	 * places in frame memory at each frame's PC (borrowed). */
	struct hc_unwinder *unwinder;
	/** With the unwinder: called with every goroutine that is not dead
	 * (allgs order) and its stack, once unwound, so that other analyses
	 * share the one walk; with @p digest, what digest_stack made of the
	 * stack (NULL without digest_stack). An error (NOMEM) is kept and
	 * returned by hc_discover(). */
	struct hc_error *(*visit_stack)(void *arg, const struct hc_goroutine *g,
					const struct hc_stack *stack, const void *digest);
	void *visit_arg;
	/** With visit_stack, optional: called on the thread that unwound
	 * the stack, at once (its frames are still in that CPU's cache), to
	 * fill @p digest (digest_size bytes, zeroed) with what needs the
	 * stack alone. Threads call it at the same time with different
	 * stacks, each with its own unwinder @p u; it must change nothing
	 * shared. */
	void (*digest_stack)(void *arg, struct hc_unwinder *u, const struct hc_goroutine *g,
			     const struct hc_stack *stack, void *digest);
	size_t digest_size;
	/** Set by hc_discover() when it called visit_stack for every
	 * goroutine. */
	bool *visited_stacks;
	/** When set, called with each map found while the package-level
	 * variables are walked (before the goroutines' frames), as soon as
	 * its row is made: rows keep their index (they are only appended),
	 * so work on the map can start while the walk goes on. */
	void (*global_map)(void *arg, const struct hc_discovery *so_far, size_t row);
	void *global_map_arg;
};

struct hc_discovery {
	struct hc_found_map_vec maps;
	struct hc_torn_slice_vec torn;
	/** Statistics of the walk. */
	uint64_t visits;
	uint64_t roots;
	uint64_t unreadable;
	/** A limit cut the walk short. */
	bool truncated;
	/** Frame variables in frame memory that the runtime's stack maps say
	 * are dead at the frame's PC (hc_unwind_frame_live()): not roots. */
	uint64_t dead_roots;
	/** Pointers, slices and maps not followed: their target is no place
	 * that can hold their type (an allocated heap object it fits in, in
	 * a span that may hold pointers; a global in .data/.bss; the frame's
	 * own goroutine stack). */
	uint64_t unfit;
	/** Why the walk stopped before it looked everywhere (static text:
	 * "visit budget", "memory budget"), NULL when it did not; and how
	 * many values were left unwalked past that point. */
	const char *stop_reason;
	uint64_t stopped;
	/** Globals not followed: their DWARF type could not be read. */
	uint64_t roots_unreadable;
	/** Slices of pointerful elements whose backing array the process had
	 * mapped but the core does not hold (file-backed): not followed. */
	uint64_t not_in_core;
};

/**
 * Walk from the roots.
 * @param heap may be NULL (no object bounds: PAST_OBJECT is not checked)
 * @param[out] ret owned by the caller (hc_discovery_destroy()).
 * @return NULL; NOMEM; UNSUPPORTED without DWARF.
 */
struct hc_error *hc_discover(struct hc_target *t, struct hc_heap *heap,
			     const struct hc_discover_options *opts,
			     struct hc_discovery **ret);
void hc_discovery_destroy(struct hc_discovery *d);

/**
 * The map that a path through a global names, read from the global's DWARF
 * type alone (no discovery): "main.m", "main.cfg.byName" (fields, through
 * pointers), "main.shards[2]" (array and slice elements),
 * `net.services["tcp"]` (a map's element, its key written as `maps` writes
 * it: a string quoted), in any combination.
 * @param[out] slot_ret where the map pointer is stored; type_ret its type.
 * @return NULL; NOT_FOUND (no such global, field, index or key, or a nil
 * pointer, slice or map on the way: the message says which part);
 * INVALID_ARG (not a path, or it does not end at a map); FAULT; NOMEM.
 */
struct hc_error *hc_resolve_global_path(struct hc_target *t, const char *path,
					uint64_t *slot_ret,
					const struct hc_type **type_ret);

/** The first row for the map at @p addr, or NULL. */
const struct hc_found_map *hc_discovery_find(const struct hc_discovery *d,
					     uint64_t addr);

#endif /* HMAPCORE_DISCOVER_H */
