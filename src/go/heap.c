/* The Go heap: see include/hmapcore/heap.h. */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "hmapcore/heap.h"
#include "hmapcore/target.h"
#include "hmapcore/vector.h"

/* Bounds on hand-given or DWARF layouts: nothing real comes near them. */
enum {
	MAX_SPAN_SIZE = 1024,
	MAX_ARENA_ENTRIES = 1 << 26,
};

struct region {
	char *name;
	enum hc_region_kind kind;
	uint64_t start, end;
};
HC_DEFINE_VECTOR(region_vec, struct region)

struct stack_range {
	uint64_t lo, hi;
	const struct hc_goroutine *g;
};
HC_DEFINE_VECTOR(stack_range_vec, struct stack_range)

/* The last span looked up, parsed. */
struct span_cache {
	bool valid;
	struct hc_heap_object span;  /* the span-wide fields */
	uint64_t alloc_bits;
	uint64_t large_type;
};

struct hc_heap {
	const struct hc_aspace *as;
	struct hc_heap_layout l;
	uint64_t pages_per_arena;
	/* Last L1 entry read: index and the L2 array address. */
	bool l1_valid;
	uint64_t l1_index, l2_addr;
	/* Last arena: index and heapArena address (0 = none). */
	bool arena_valid;
	uint64_t arena_index, arena_addr;
	struct span_cache span;
	struct region_vec regions;
	/* Goroutine stacks sorted by lo, for the runtime model last used. */
	const struct hc_runtime *stacks_of;
	struct stack_range_vec stacks;
};

/* ------------------------------------------------------------ creation */

static bool layout_ok(const struct hc_heap_layout *l)
{
	if (!l->heap_arena_bytes || !l->page_size ||
	    l->heap_arena_bytes % l->page_size || !l->arena_l1_entries ||
	    !l->arena_l2_entries || l->arena_l1_entries > MAX_ARENA_ENTRIES ||
	    l->arena_l2_entries > MAX_ARENA_ENTRIES || !l->span_size ||
	    l->span_size > MAX_SPAN_SIZE)
		return false;
	if ((l->freeindex_size != 2 && l->freeindex_size != 4 &&
	     l->freeindex_size != 8) ||
	    (l->nelems_size != 2 && l->nelems_size != 4 && l->nelems_size != 8))
		return false;
	uint64_t n = l->span_size;
	return l->start_addr_off + 8 <= n && l->npages_off + 8 <= n &&
	       l->freeindex_off + l->freeindex_size <= n &&
	       l->nelems_off + l->nelems_size <= n &&
	       l->alloc_bits_off + 8 <= n && l->spanclass_off + 1 <= n &&
	       l->state_off + 1 <= n && l->elemsize_off + 8 <= n &&
	       l->limit_off + 8 <= n &&
	       (!l->has_large_type || l->large_type_off + 8 <= n);
}

struct hc_error *hc_heap_create_layout(const struct hc_aspace *as,
				       const struct hc_heap_layout *layout,
				       struct hc_heap **ret)
{
	if (!as || !layout || !layout_ok(layout))
		return hc_error_create(HC_ERROR_INVALID_ARG,
				       "impossible heap layout");
	struct hc_heap *h = calloc(1, sizeof(*h));
	if (!h)
		return &hc_error_nomem;
	h->as = as;
	h->l = *layout;
	h->pages_per_arena = layout->heap_arena_bytes / layout->page_size;
	region_vec_init(&h->regions);
	stack_range_vec_init(&h->stacks);
	*ret = h;
	return NULL;
}

void hc_heap_destroy(struct hc_heap *heap)
{
	if (!heap)
		return;
	for (size_t i = 0; i < heap->regions.size; i++)
		free(heap->regions.data[i].name);
	region_vec_deinit(&heap->regions);
	stack_range_vec_deinit(&heap->stacks);
	free(heap);
}

static void index_stacks(struct hc_heap *h, const struct hc_runtime *rt);

struct hc_error *hc_heap_clone(struct hc_heap *heap, const struct hc_runtime *rt,
			       struct hc_heap **ret)
{
	if (rt) {
		index_stacks(heap, rt);
		if (heap->stacks_of != rt)
			return &hc_error_nomem;
	}
	struct hc_heap *c = malloc(sizeof(*c));
	if (!c)
		return &hc_error_nomem;
	*c = *heap;
	c->l1_valid = false;
	c->arena_valid = false;
	c->span.valid = false;
	*ret = c;
	return NULL;
}

void hc_heap_destroy_clone(struct hc_heap *clone)
{
	free(clone);
}

const struct hc_heap_layout *hc_heap_layout(const struct hc_heap *heap)
{
	return &heap->l;
}

static uint64_t constant_or(struct hc_dwarf *d, const char *name,
			    uint64_t fallback)
{
	int64_t v;
	struct hc_error *err = hc_dwarf_find_constant(d, name, &v);
	if (err) {
		hc_error_destroy(err);
		return fallback;
	}
	return (uint64_t)v;
}

/* A member's offset and byte size. */
static struct hc_error *member(const struct hc_type *t, const char *name,
			       uint64_t *off_ret, uint64_t *size_ret)
{
	const struct hc_member *m = hc_type_member(t, name);
	if (!m)
		return hc_error_create(HC_ERROR_NOT_FOUND,
				       "runtime.mspan has no member %s", name);
	*off_ret = m->offset;
	if (size_ret)
		*size_ret = m->type ? hc_type_strip(m->type)->size : 0;
	return NULL;
}

/*
 * The layout from DWARF: runtime.mheap_.arenas, runtime.heapArena.spans,
 * runtime.mspan (src/runtime/mheap.go, go1.19-go1.27; member names as in
 * GO-INTERNALS.md 6.3) and the constants of src/runtime/malloc.go.
 */
static struct hc_error *layout_from_dwarf(struct hc_dwarf *d, uint64_t bias,
					  int go_major, int go_minor,
					  struct hc_heap_layout *l)
{
	memset(l, 0, sizeof(*l));
	uint64_t mheap_addr;
	const struct hc_type *mheap_type;
	struct hc_error *err = hc_dwarf_find_variable(d, "runtime.mheap_",
						      &mheap_addr, &mheap_type);
	if (err)
		return err;
	const struct hc_member *arenas = hc_type_member(mheap_type, "arenas");
	if (!arenas || !arenas->type)
		return hc_error_create(HC_ERROR_NOT_FOUND,
				       "runtime.mheap has no arenas");
	l->arenas_addr = mheap_addr + bias + arenas->offset;
	// arenas is [1 << arenaL1Bits]*[1 << arenaL2Bits]*heapArena.
	const struct hc_type *l1 = hc_type_strip(arenas->type);
	const struct hc_type *l2 = NULL;
	if (l1->kind == HC_TYPE_ARRAY && l1->target) {
		l->arena_l1_entries = l1->count;
		const struct hc_type *p = hc_type_strip(l1->target);
		if (p->kind == HC_TYPE_POINTER && p->target)
			l2 = hc_type_strip(p->target);
	}
	if (l2 && l2->kind == HC_TYPE_ARRAY)
		l->arena_l2_entries = l2->count;
	uint64_t l1bits = constant_or(d, "runtime.arenaL1Bits", 0);
	uint64_t l2bits = constant_or(d, "runtime.arenaL2Bits", 22);
	if (!l->arena_l1_entries && l1bits < 32)
		l->arena_l1_entries = (uint64_t)1 << l1bits;
	if (!l->arena_l2_entries && l2bits < 32)
		l->arena_l2_entries = (uint64_t)1 << l2bits;
	l->arena_base_offset = constant_or(d, "runtime.arenaBaseOffsetUintptr",
					   constant_or(d, "runtime.arenaBaseOffset",
						       0xffff800000000000u));
	l->heap_arena_bytes = constant_or(d, "runtime.heapArenaBytes", 0);
	if (!l->heap_arena_bytes) {
		uint64_t log = constant_or(d, "runtime.logHeapArenaBytes", 26);
		l->heap_arena_bytes = log < 40 ? (uint64_t)1 << log : 0;
	}
	l->page_size = constant_or(d, "runtime.pageSize",
				   constant_or(d, "runtime._PageSize",
					       constant_or(d, "internal/runtime/gc.PageSize",
							   8192)));

	err = hc_dwarf_member_offset(d, "runtime.heapArena", "spans",
				     &l->spans_off);
	if (err)
		return err;
	const struct hc_type *span;
	err = hc_dwarf_find_type(d, "runtime.mspan", &span);
	if (err)
		return err;
	l->span_size = span->size;
	uint64_t size;
	if ((err = member(span, "startAddr", &l->start_addr_off, NULL)) ||
	    (err = member(span, "npages", &l->npages_off, NULL)) ||
	    (err = member(span, "freeindex", &l->freeindex_off, &size)))
		return err;
	l->freeindex_size = (uint8_t)size;
	if ((err = member(span, "nelems", &l->nelems_off, &size)))
		return err;
	l->nelems_size = (uint8_t)size;
	if ((err = member(span, "allocBits", &l->alloc_bits_off, NULL)) ||
	    (err = member(span, "spanclass", &l->spanclass_off, NULL)) ||
	    (err = member(span, "state", &l->state_off, NULL)) ||
	    (err = member(span, "elemsize", &l->elemsize_off, NULL)) ||
	    (err = member(span, "limit", &l->limit_off, NULL)))
		return err;
	// mSpanStateBox{s mSpanState} (1.19) or {s atomic.Uint8} (1.21+):
	// the byte is at the start of the box either way.
	err = member(span, "largeType", &l->large_type_off, NULL);
	l->has_large_type = !err;
	hc_error_destroy(err);
	l->state_in_use = (uint8_t)constant_or(d, "runtime.mSpanInUse", 1);
	l->state_manual = (uint8_t)constant_or(d, "runtime.mSpanManual", 2);
	// Malloc headers: src/runtime/mbitmap.go, go1.22+.
	l->malloc_headers = l->has_large_type ||
			    (go_major == 1 && go_minor >= 22) || go_major > 1;
	l->malloc_header_size = constant_or(d, "runtime.mallocHeaderSize", 8);
	l->min_size_for_malloc_header =
		constant_or(d, "runtime.minSizeForMallocHeader", 512);
	return NULL;
}

struct hc_error *hc_heap_create(const struct hc_aspace *as,
				struct hc_dwarf *dwarf, uint64_t bias,
				int go_major, int go_minor,
				struct hc_heap **ret)
{
	if (!dwarf)
		return hc_error_create(HC_ERROR_NOT_FOUND,
				       "no DWARF: the heap layout is unknown");
	struct hc_heap_layout l;
	struct hc_error *err = layout_from_dwarf(dwarf, bias, go_major,
						 go_minor, &l);
	if (err)
		return hc_error_prefix(err, "reading the heap layout");
	return hc_heap_create_layout(as, &l, ret);
}

struct hc_error *hc_heap_add_region(struct hc_heap *heap, const char *name,
				    enum hc_region_kind kind, uint64_t start,
				    uint64_t end)
{
	if (end <= start)
		return hc_error_create(HC_ERROR_INVALID_ARG,
				       "empty region %s", name);
	struct region r = { .name = strdup(name), .kind = kind,
			    .start = start, .end = end };
	if (!r.name || !region_vec_append(&heap->regions, &r)) {
		free(r.name);
		return &hc_error_nomem;
	}
	return NULL;
}

struct hc_error *hc_heap_create_target(const struct hc_target *t,
				       struct hc_heap **ret)
{
	struct hc_heap *h;
	struct hc_error *err = hc_heap_create(t->as, t->dwarf, t->bias,
					      t->go_major, t->go_minor, &h);
	if (err)
		return err;
	// Section names of Go's linker (cmd/link, go1.19-go1.27). PIE and
	// other relocatable builds move the read-only data that holds
	// pointers (types, itabs, and before go1.26 the pclntab) into
	// .data.rel.ro*, read-only once relocated (cmd/link/internal/ld
	// data.go, "relro"); go1.26 puts firstmoduledata in .go.module.
	static const struct {
		const char *name;
		enum hc_region_kind kind;
	} sections[] = {
		{ ".text", HC_REGION_TEXT },
		{ ".noptrdata", HC_REGION_DATA },
		{ ".data", HC_REGION_DATA },
		{ ".bss", HC_REGION_BSS },
		{ ".noptrbss", HC_REGION_BSS },
		{ ".rodata", HC_REGION_RODATA },
		{ ".typelink", HC_REGION_RODATA },
		{ ".itablink", HC_REGION_RODATA },
		{ ".gosymtab", HC_REGION_RODATA },
		{ ".gopclntab", HC_REGION_RODATA },
		{ ".go.buildinfo", HC_REGION_DATA },
		{ ".go.fipsinfo", HC_REGION_RODATA },
		{ ".go.module", HC_REGION_DATA },
		{ ".data.rel.ro", HC_REGION_RODATA },
		{ ".data.rel.ro.typelink", HC_REGION_RODATA },
		{ ".data.rel.ro.itablink", HC_REGION_RODATA },
		{ ".data.rel.ro.gosymtab", HC_REGION_RODATA },
		{ ".data.rel.ro.gopclntab", HC_REGION_RODATA },
	};
	for (size_t i = 0; t->exe && i < sizeof(sections) / sizeof(sections[0]);
	     i++) {
		const struct hc_elf_section *s;
		struct hc_error *e = hc_elffile_section(t->exe,
							sections[i].name, &s);
		if (e) {
			hc_error_destroy(e);
			continue;
		}
		if (!s->addr || !s->size || s->addr + s->size < s->addr)
			continue;
		err = hc_heap_add_region(h, sections[i].name, sections[i].kind,
					 s->addr + t->bias,
					 s->addr + t->bias + s->size);
		if (err) {
			hc_heap_destroy(h);
			return err;
		}
	}
	*ret = h;
	return NULL;
}

/* ------------------------------------------------------------- lookups */

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* Read and check the span at @p span_addr into the cache. */
static struct hc_error *load_span(struct hc_heap *h, uint64_t span_addr)
{
	const struct hc_heap_layout *l = &h->l;
	uint8_t buf[MAX_SPAN_SIZE];
	const uint8_t *p = hc_aspace_ptr(h->as, span_addr, l->span_size);
	if (!p) {
		struct hc_error *err = hc_aspace_read(h->as, span_addr, buf,
						      l->span_size);
		if (err)
			return hc_error_prefix(err, "reading mspan");
		p = buf;
	}
	struct span_cache *c = &h->span;
	c->valid = false;
	struct hc_heap_object *o = &c->span;
	memset(o, 0, sizeof(*o));
	o->span_addr = span_addr;
	o->span_base = le(p + l->start_addr_off, 8);
	o->npages = le(p + l->npages_off, 8);
	o->freeindex = le(p + l->freeindex_off, l->freeindex_size);
	o->nelems = le(p + l->nelems_off, l->nelems_size);
	c->alloc_bits = le(p + l->alloc_bits_off, 8);
	o->spanclass = p[l->spanclass_off];
	o->noscan = o->spanclass & 1;
	o->large = (o->spanclass >> 1) == 0;
	uint8_t state = p[l->state_off];
	o->elemsize = le(p + l->elemsize_off, 8);
	o->limit = le(p + l->limit_off, 8);
	c->large_type = l->has_large_type ? le(p + l->large_type_off, 8) : 0;
	if (state == l->state_in_use)
		o->state = HC_SPAN_IN_USE;
	else if (state == l->state_manual)
		o->state = HC_SPAN_MANUAL;
	else if (state == 0)
		return hc_error_create(HC_ERROR_NOT_FOUND,
				       "span 0x%" PRIx64 " is dead", span_addr);
	else
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "span 0x%" PRIx64 " has state %u",
				       span_addr, state);
	if (o->npages == 0 || o->npages > UINT64_MAX / l->page_size ||
	    o->span_base + o->npages * l->page_size < o->span_base)
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "span 0x%" PRIx64 " has %" PRIu64
				       " pages at 0x%" PRIx64,
				       span_addr, o->npages, o->span_base);
	o->span_end = o->span_base + o->npages * l->page_size;
	if (o->state == HC_SPAN_IN_USE) {
		if (o->elemsize == 0 || o->nelems == 0)
			return hc_error_create(HC_ERROR_BAD_DATA,
					       "span 0x%" PRIx64
					       " has elemsize %" PRIu64
					       ", nelems %" PRIu64,
					       span_addr, o->elemsize, o->nelems);
		if (o->limit < o->span_base || o->limit > o->span_end)
			return hc_error_create(HC_ERROR_BAD_DATA,
					       "span 0x%" PRIx64 " limit 0x%" PRIx64
					       " outside [0x%" PRIx64 ", 0x%" PRIx64 ")",
					       span_addr, o->limit, o->span_base,
					       o->span_end);
		if (o->freeindex > o->nelems ||
		    o->nelems > (o->span_end - o->span_base) / o->elemsize)
			return hc_error_create(HC_ERROR_BAD_DATA,
					       "span 0x%" PRIx64 " has %" PRIu64
					       " slots of %" PRIu64 " bytes, freeindex %" PRIu64,
					       span_addr, o->nelems, o->elemsize,
					       o->freeindex);
	}
	c->valid = true;
	return NULL;
}

/* The span address for @p addr, from the arena maps; 0 when none. */
static struct hc_error *span_of(struct hc_heap *h, uint64_t addr,
				uint64_t *ret)
{
	const struct hc_heap_layout *l = &h->l;
	uint64_t ai = (addr - l->arena_base_offset) / l->heap_arena_bytes;
	uint64_t l1 = l->arena_l1_entries > 1 ? ai / l->arena_l2_entries : 0;
	uint64_t l2 = l->arena_l1_entries > 1 ? ai % l->arena_l2_entries : ai;
	if (l1 >= l->arena_l1_entries || l2 >= l->arena_l2_entries) {
		*ret = 0;
		return NULL;
	}
	struct hc_error *err;
	if (!h->arena_valid || h->arena_index != ai) {
		if (!h->l1_valid || h->l1_index != l1) {
			uint64_t l2_addr;
			err = hc_aspace_read_u64(h->as, l->arenas_addr + 8 * l1,
						 &l2_addr);
			if (err)
				return hc_error_prefix(err, "reading mheap_.arenas");
			h->l1_index = l1;
			h->l2_addr = l2_addr;
			h->l1_valid = true;
		}
		uint64_t arena = 0;
		if (h->l2_addr) {
			err = hc_aspace_read_u64(h->as, h->l2_addr + 8 * l2,
						 &arena);
			if (err)
				return hc_error_prefix(err, "reading the arena map");
		}
		h->arena_index = ai;
		h->arena_addr = arena;
		h->arena_valid = true;
	}
	if (!h->arena_addr) {
		*ret = 0;
		return NULL;
	}
	uint64_t page = (addr / l->page_size) % h->pages_per_arena;
	err = hc_aspace_read_u64(h->as, h->arena_addr + l->spans_off + 8 * page,
				 ret);
	return err ? hc_error_prefix(err, "reading heapArena.spans") : NULL;
}

struct hc_error *hc_heap_find_object(struct hc_heap *heap, uint64_t addr,
				     struct hc_heap_object *ret)
{
	struct span_cache *c = &heap->span;
	if (!c->valid || addr < c->span.span_base ||
	    addr >= c->span.span_end) {
		uint64_t span_addr;
		struct hc_error *err = span_of(heap, addr, &span_addr);
		if (err)
			return err;
		if (!span_addr)
			return hc_error_create(HC_ERROR_NOT_FOUND,
					       "0x%" PRIx64 " is not in the heap",
					       addr);
		if (!c->valid || c->span.span_addr != span_addr) {
			err = load_span(heap, span_addr);
			if (err)
				return err;
		}
		if (addr < c->span.span_base || addr >= c->span.span_end)
			// A stale entry (free span pages): spanOf's caveat.
			return hc_error_create(HC_ERROR_NOT_FOUND,
					       "0x%" PRIx64 " is in no span",
					       addr);
	}
	struct hc_heap_object o = c->span;
	if (o.state == HC_SPAN_MANUAL) {
		o.index = 0;
		o.base = o.data = o.span_base;
		o.end = o.span_end;
		o.allocated = true;
		*ret = o;
		return NULL;
	}
	if (addr >= o.limit)
		return hc_error_create(HC_ERROR_NOT_FOUND,
				       "0x%" PRIx64 " is past the last object of span 0x%" PRIx64,
				       addr, o.span_addr);
	o.index = (addr - o.span_base) / o.elemsize;
	if (o.index >= o.nelems)
		return hc_error_create(HC_ERROR_NOT_FOUND,
				       "0x%" PRIx64 " is past the last object of span 0x%" PRIx64,
				       addr, o.span_addr);
	o.base = o.span_base + o.index * o.elemsize;
	o.end = o.base + o.elemsize;
	o.data = o.base;
	o.allocated = o.index < o.freeindex;
	if (!o.allocated && c->alloc_bits) {
		uint8_t bits;
		struct hc_error *err = hc_aspace_read_u8(heap->as,
							 c->alloc_bits + o.index / 8,
							 &bits);
		if (err)
			return hc_error_prefix(err, "reading allocBits");
		o.allocated = bits & (1u << (o.index % 8));
	}
	const struct hc_heap_layout *l = &heap->l;
	if (l->malloc_headers && !o.noscan) {
		if (o.large) {
			o.type_addr = c->large_type;
		} else if (o.elemsize > l->min_size_for_malloc_header) {
			o.has_malloc_header = true;
			o.data = o.base + l->malloc_header_size;
			if (o.allocated) {
				struct hc_error *err = hc_aspace_read_u64(
					heap->as, o.base, &o.type_addr);
				if (err) {
					hc_error_destroy(err);
					o.type_addr = 0;
				}
			}
		}
	}
	*ret = o;
	return NULL;
}

struct hc_error *hc_heap_check_range(struct hc_heap *heap, uint64_t addr,
				     uint64_t len, bool *inside_ret,
				     struct hc_heap_object *ret)
{
	struct hc_heap_object o;
	struct hc_error *err = hc_heap_find_object(heap, addr, &o);
	if (err)
		return err;
	bool inside = o.allocated && addr >= o.data && addr + len >= addr &&
		      addr + len <= o.end;
	if (o.state != HC_SPAN_IN_USE)
		inside = addr + len >= addr && addr + len <= o.span_end;
	*inside_ret = inside;
	if (ret)
		*ret = o;
	return NULL;
}

/* ------------------------------------------------------------ classify */

const char *hc_addr_kind_name(enum hc_addr_kind kind)
{
	switch (kind) {
	case HC_ADDR_UNMAPPED: return "unmapped";
	case HC_ADDR_HEAP_LIVE: return "heap object";
	case HC_ADDR_HEAP_FREE: return "free heap slot";
	case HC_ADDR_STACK: return "goroutine stack";
	case HC_ADDR_HEAP_MANUAL: return "runtime-managed memory";
	case HC_ADDR_GLOBAL: return "global data";
	case HC_ADDR_RODATA: return "read-only data";
	case HC_ADDR_TEXT: return "code";
	case HC_ADDR_MAPPED: return "mapped memory";
	case HC_ADDR_HEAP_BAD: return "corrupt heap span";
	}
	return "?";
}

static int stack_cmp(const void *a, const void *b)
{
	const struct stack_range *x = a, *y = b;
	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/*
 * Sorts by lo, stably as qsort's merge sort did (equal bounds, which only
 * a corrupt core has, keep allgs order): least significant byte first,
 * over the bytes in which the bounds differ. 10^5 stacks take 4 or 5
 * passes over the array, where qsort took 10 ms of calls to stack_cmp.
 * False when out of memory.
 */
static bool sort_stacks(struct stack_range *a, size_t n)
{
	uint64_t diff = 0;
	for (size_t i = 1; i < n; i++)
		diff |= a[i].lo ^ a[0].lo;
	if (!diff)
		return true;
	struct stack_range *tmp = malloc(n * sizeof(*tmp));
	if (!tmp)
		return false;
	struct stack_range *src = a, *dst = tmp;
	for (unsigned shift = 0; shift < 64; shift += 8) {
		if (!((diff >> shift) & 0xff))
			continue;
		size_t at[257] = {0};
		for (size_t i = 0; i < n; i++)
			at[((src[i].lo >> shift) & 0xff) + 1]++;
		for (unsigned b = 0; b < 256; b++)
			at[b + 1] += at[b];
		for (size_t i = 0; i < n; i++)
			dst[at[(src[i].lo >> shift) & 0xff]++] = src[i];
		struct stack_range *t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof(*a));
	free(tmp);
	return true;
}

static void index_stacks(struct hc_heap *h, const struct hc_runtime *rt)
{
	if (h->stacks_of == rt)
		return;
	h->stacks.size = 0;
	h->stacks_of = rt;
	/* At most one range a goroutine (failing, the appends grow it). */
	(void)stack_range_vec_reserve(&h->stacks, rt->goroutines.size);
	for (size_t i = 0; i < rt->goroutines.size; i++) {
		const struct hc_goroutine *g = &rt->goroutines.data[i];
		if (!g->stack_lo || g->stack_hi <= g->stack_lo)
			continue;
		struct stack_range r = { g->stack_lo, g->stack_hi, g };
		if (!stack_range_vec_append(&h->stacks, &r)) {
			h->stacks_of = NULL;  // retry next time
			return;
		}
	}
	if (h->stacks.size && !sort_stacks(h->stacks.data, h->stacks.size))
		qsort(h->stacks.data, h->stacks.size, sizeof(*h->stacks.data),
		      stack_cmp); /* out of memory for the radix sort's buffer */
}

static const struct hc_goroutine *stack_of(struct hc_heap *h,
					   const struct hc_runtime *rt,
					   uint64_t addr)
{
	if (!rt)
		return NULL;
	index_stacks(h, rt);
	if (h->stacks_of != rt) {
		// Out of memory while indexing: a linear scan.
		for (size_t i = 0; i < rt->goroutines.size; i++) {
			const struct hc_goroutine *g = &rt->goroutines.data[i];
			if (addr >= g->stack_lo && addr < g->stack_hi)
				return g;
		}
		return NULL;
	}
	size_t lo = 0, hi = h->stacks.size;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (h->stacks.data[mid].lo <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	// Stacks do not overlap: only the last one starting at or below.
	if (lo > 0 && addr < h->stacks.data[lo - 1].hi)
		return h->stacks.data[lo - 1].g;
	return NULL;
}

void hc_heap_classify(struct hc_heap *heap, const struct hc_runtime *rt,
		      uint64_t addr, struct hc_addr_info *ret)
{
	struct hc_addr_info info;
	memset(&info, 0, sizeof(info));
	struct hc_error *err = hc_heap_find_object(heap, addr, &info.object);
	if (!err) {
		info.has_object = true;
		if (info.object.state == HC_SPAN_IN_USE) {
			info.kind = info.object.allocated ? HC_ADDR_HEAP_LIVE :
							    HC_ADDR_HEAP_FREE;
		} else {
			info.goroutine = stack_of(heap, rt, addr);
			info.kind = info.goroutine ? HC_ADDR_STACK :
						     HC_ADDR_HEAP_MANUAL;
		}
		*ret = info;
		return;
	}
	bool bad = err->code == HC_ERROR_BAD_DATA;
	hc_error_destroy(err);
	if (bad) {
		info.kind = HC_ADDR_HEAP_BAD;
		*ret = info;
		return;
	}
	info.goroutine = stack_of(heap, rt, addr);
	if (info.goroutine) {
		info.kind = HC_ADDR_STACK;
		*ret = info;
		return;
	}
	for (size_t i = 0; i < heap->regions.size; i++) {
		const struct region *r = &heap->regions.data[i];
		if (addr < r->start || addr >= r->end)
			continue;
		switch (r->kind) {
		case HC_REGION_TEXT: info.kind = HC_ADDR_TEXT; break;
		case HC_REGION_RODATA: info.kind = HC_ADDR_RODATA; break;
		default: info.kind = HC_ADDR_GLOBAL; break;
		}
		info.region = r->name;
		info.region_start = r->start;
		info.region_end = r->end;
		*ret = info;
		return;
	}
	info.kind = hc_aspace_readable(heap->as, addr) ? HC_ADDR_MAPPED :
							 HC_ADDR_UNMAPPED;
	*ret = info;
}
