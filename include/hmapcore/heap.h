/**
 * @file heap.h
 * The Go heap of a core: address -> span -> object (layer L3, go).
 *
 * Follows what the runtime's spanOf/spanOfHeap/objIndex do
 * (src/runtime/mheap.go, mbitmap.go, go1.19-go1.27): the arena index of an
 * address selects a `*heapArena` in `mheap_.arenas`, the page inside the
 * arena selects an `*mspan` in `heapArena.spans`, and the span's startAddr,
 * elemsize, limit, freeindex and allocBits give the object slot and whether
 * it is allocated. Layouts and constants come from the executable's DWARF
 * (runtime.mheap, runtime.heapArena, runtime.mspan, runtime.heapArenaBytes,
 * runtime.arenaBaseOffsetUintptr, ...), with the values of
 * GO-INTERNALS.md 6.2 as fallbacks; a layout can also be given by hand
 * (hc_heap_create_layout()), which the unit tests do.
 *
 * Lookups allocate nothing and cache the last arena and the last span, so
 * neighbouring addresses cost one comparison. Bad target data (a garbage
 * span) is BAD_DATA, never a crash.
 *
 * The heap borrows the address space (and, for hc_heap_create_target(),
 * the executable's section list): it must be destroyed before them.
 */
#ifndef HMAPCORE_HEAP_H
#define HMAPCORE_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmapcore/aspace.h"
#include "hmapcore/dwarf.h"
#include "hmapcore/error.h"
#include "hmapcore/runtime.h"

struct hc_target;

/**
 * Where the heap structures are and how they are laid out. Offsets are
 * byte offsets inside the named runtime struct.
 */
struct hc_heap_layout {
	/** Address of `mheap_.arenas` ([L1]*[L2]*heapArena). */
	uint64_t arenas_addr;
	/** Entries of the L1 and L2 arena maps (1 << arenaL1Bits / L2Bits). */
	uint64_t arena_l1_entries;
	uint64_t arena_l2_entries;
	/** arenaBaseOffset (amd64 0xffff800000000000, arm64 0). */
	uint64_t arena_base_offset;
	/** heapArenaBytes (64 MiB) and the page size (8192). */
	uint64_t heap_arena_bytes;
	uint64_t page_size;
	/** heapArena.spans ([pagesPerArena]*mspan). */
	uint64_t spans_off;
	/** runtime.mspan: size and members. */
	uint64_t span_size;
	uint64_t start_addr_off;
	uint64_t npages_off;
	uint64_t freeindex_off;
	/** 8 (uintptr, <= go1.21) or 2 (uint16, go1.22+). */
	uint8_t freeindex_size;
	uint64_t nelems_off;
	uint8_t nelems_size;
	uint64_t alloc_bits_off;
	uint64_t spanclass_off;
	/** mSpanStateBox: one byte (`s` or `s atomic.Uint8`). */
	uint64_t state_off;
	uint64_t elemsize_off;
	uint64_t limit_off;
	/** mspan.largeType (go1.22+). */
	bool has_large_type;
	uint64_t large_type_off;
	/** mSpanInUse / mSpanManual values (1 / 2). */
	uint8_t state_in_use;
	uint8_t state_manual;
	/** Malloc headers (go1.22+): size 8, objects > 512 bytes with pointers. */
	bool malloc_headers;
	uint64_t malloc_header_size;
	uint64_t min_size_for_malloc_header;
};

/** What a span is used for (mSpanState, src/runtime/mheap.go). */
enum hc_span_state {
	HC_SPAN_DEAD = 0,
	/** Heap objects (mSpanInUse). */
	HC_SPAN_IN_USE = 1,
	/** Manually managed: goroutine stacks and runtime-internal memory. */
	HC_SPAN_MANUAL = 2,
};

/** An address resolved to its span and object slot. */
struct hc_heap_object {
	/** Address of the runtime.mspan. */
	uint64_t span_addr;
	/** [span_base, span_end) = startAddr .. startAddr + npages*pageSize. */
	uint64_t span_base;
	uint64_t span_end;
	uint64_t npages;
	/** End of the last object slot (mspan.limit). */
	uint64_t limit;
	enum hc_span_state state;
	uint64_t elemsize;
	uint64_t nelems;
	uint64_t freeindex;
	uint8_t spanclass;
	/** spanclass & 1: the objects hold no pointers. */
	bool noscan;
	/** Size class 0: one large object per span. */
	bool large;
	/**
	 * In-use spans: slot index, [base, end) of the slot, and whether it
	 * is allocated (index < freeindex or its allocBits bit; an unswept
	 * span may still count an object the last GC found dead). Manual
	 * spans: index 0, base/end = the span, allocated = true.
	 */
	uint64_t index;
	uint64_t base;
	uint64_t end;
	bool allocated;
	/** Where the user's data starts: base, or base + 8 after a malloc
	 * header (go1.22+, small scan objects over 512 bytes). */
	uint64_t data;
	bool has_malloc_header;
	/** The object's *abi.Type from its malloc header or the span's
	 * largeType; 0 when none is known. */
	uint64_t type_addr;
};

struct hc_heap;

/**
 * Resolve the heap layout from DWARF and create the heap index.
 * @param bias load bias added to DWARF addresses (PIE)
 * @return NULL; NOT_FOUND when DWARF lacks runtime.mheap_ or the structs;
 * errors of the layers below.
 */
struct hc_error *hc_heap_create(const struct hc_aspace *as,
				struct hc_dwarf *dwarf, uint64_t bias,
				int go_major, int go_minor,
				struct hc_heap **ret);

/**
 * Like hc_heap_create() from the target's parts, also recording the
 * executable's sections (.text, .rodata, .data, .bss, ...) for
 * hc_heap_classify().
 */
struct hc_error *hc_heap_create_target(const struct hc_target *t,
				       struct hc_heap **ret);

/** Create the heap index from a hand-given layout (copied). INVALID_ARG
 * when the layout is impossible (zero sizes, members past the struct). */
struct hc_error *hc_heap_create_layout(const struct hc_aspace *as,
				       const struct hc_heap_layout *layout,
				       struct hc_heap **ret);
void hc_heap_destroy(struct hc_heap *heap);

/**
 * A copy of @p heap for another thread: lookup caches of its own, the
 * regions and the goroutine-stack index of @p heap (built now for @p rt,
 * so that no thread writes shared state). @p heap must outlive the clone
 * and get no new regions meanwhile. The one heap a thread uses is not
 * shared: each thread takes a clone.
 * @return NULL; NOMEM.
 */
struct hc_error *hc_heap_clone(struct hc_heap *heap, const struct hc_runtime *rt,
			       struct hc_heap **ret);
/** Free a clone (not what it shares). */
void hc_heap_destroy_clone(struct hc_heap *clone);

/** The layout in use (borrowed). */
const struct hc_heap_layout *hc_heap_layout(const struct hc_heap *heap);

/**
 * Resolve @p addr to its span and object slot.
 * @return NULL; NOT_FOUND when the address is in no heap span (no arena,
 * no span for the page, a dead or stale span, the tail of an in-use span
 * past its last slot); BAD_DATA when the span is garbage (unknown state,
 * elemsize 0, limit outside the span, npages 0); FAULT when the heap
 * structures cannot be read.
 */
struct hc_error *hc_heap_find_object(struct hc_heap *heap, uint64_t addr,
				     struct hc_heap_object *ret);

/** Kinds of executable regions recorded for hc_heap_classify(). */
enum hc_region_kind {
	HC_REGION_TEXT,
	HC_REGION_RODATA,
	HC_REGION_DATA,
	HC_REGION_BSS,
};

/**
 * Record a region of the executable (already biased); @p name is copied
 * (".data"). Overlapping regions: the first added wins.
 */
struct hc_error *hc_heap_add_region(struct hc_heap *heap, const char *name,
				    enum hc_region_kind kind, uint64_t start,
				    uint64_t end);

/** What an address is, most specific first. */
enum hc_addr_kind {
	/** Not in the core or the executable. */
	HC_ADDR_UNMAPPED,
	/** An allocated heap object. */
	HC_ADDR_HEAP_LIVE,
	/** A free slot of an in-use heap span. */
	HC_ADDR_HEAP_FREE,
	/** A goroutine's stack (goroutine set). */
	HC_ADDR_STACK,
	/** A manual span that is no known goroutine's stack. */
	HC_ADDR_HEAP_MANUAL,
	/** .data / .noptrdata / .bss / .noptrbss. */
	HC_ADDR_GLOBAL,
	/** .rodata, .typelink, .gopclntab and other read-only data. */
	HC_ADDR_RODATA,
	HC_ADDR_TEXT,
	/** Mapped memory of another kind (tail of a span, off-heap mmap,
	 * the C heap, thread stacks of non-Go threads). */
	HC_ADDR_MAPPED,
	/** Heap structures are garbage at this address (BAD_DATA). */
	HC_ADDR_HEAP_BAD,
};

/** The short name of an address kind ("heap object", "goroutine stack"). */
const char *hc_addr_kind_name(enum hc_addr_kind kind);

struct hc_addr_info {
	enum hc_addr_kind kind;
	/** Valid for HEAP_LIVE, HEAP_FREE, STACK (when on a manual span),
	 * HEAP_MANUAL. */
	bool has_object;
	struct hc_heap_object object;
	/** STACK: the goroutine (borrowed from the runtime model). */
	const struct hc_goroutine *goroutine;
	/** GLOBAL, RODATA, TEXT: the region name (borrowed) and bounds. */
	const char *region;
	uint64_t region_start, region_end;
};

/**
 * Say what @p addr is: heap object (live or free), goroutine stack (from
 * @p rt's stack bounds; @p rt may be NULL), global data, read-only data,
 * text, other mapped memory, or unmapped. Never fails.
 */
void hc_heap_classify(struct hc_heap *heap, const struct hc_runtime *rt,
		      uint64_t addr, struct hc_addr_info *ret);

/**
 * Whether [addr, addr + len) lies inside one allocated heap object's data
 * (from its data start to its slot end). @p ret gets the object when the
 * address is in a heap span at all. NOT_FOUND when not heap.
 */
struct hc_error *hc_heap_check_range(struct hc_heap *heap, uint64_t addr,
				     uint64_t len, bool *inside_ret,
				     struct hc_heap_object *ret);

#endif /* HMAPCORE_HEAP_H */
