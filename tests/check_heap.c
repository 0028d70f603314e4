/*
 * Tests of the heap index (src/go/heap.c): the arena/span/object math on a
 * synthetic core with a hand-made mheap_/heapArena/mspan layout, its
 * corrupt shapes, and every fixture under corefiles/ against its
 * manifest.json (map headers, bucket arrays and directories are allocated
 * heap objects; torn slices' wild pointers are not heap).
 */
#include "config.h"

#include <check.h>
#include <glob.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmapcore/aspace.h"
#include "hmapcore/core.h"
#include "hmapcore/file.h"
#include "hmapcore/heap.h"
#include "hmapcore/target.h"
#include "testelf.h"

/* ------------------------------------------------ synthetic heap image */

/*
 * Layout of the fake heap: arenas of 1 MiB, 8 KiB pages (128 pages per
 * arena), 16 L2 entries, arenaBaseOffset 0; mspan as in go1.22+ (160
 * bytes). Metadata lives in one segment at META, the heap in one at HEAP
 * (arena 3, pages 0..11).
 */
enum {
	META = 0x10000,
	L1_ADDR = META,             /* mheap_.arenas: [1]*[16]*heapArena */
	L2_ADDR = META + 0x100,     /* [16]*heapArena */
	ARENA_ADDR = META + 0x1000, /* heapArena, spans at +0 (128 * 8) */
	SPANS_ADDR = META + 0x2000, /* mspans, 0x100 apart */
	BITS_ADDR = META + 0x3000,  /* allocBits */
	META_SIZE = 0x4000,
	HEAP = 0x300000,
	PAGE = 8192,
	HEAP_PAGES = 12,
};

static const struct hc_heap_layout fake_layout = {
	.arenas_addr = L1_ADDR,
	.arena_l1_entries = 1,
	.arena_l2_entries = 16,
	.arena_base_offset = 0,
	.heap_arena_bytes = 1 << 20,
	.page_size = PAGE,
	.spans_off = 0,
	.span_size = 160,
	.start_addr_off = 24,
	.npages_off = 32,
	.freeindex_off = 48,
	.freeindex_size = 2,
	.nelems_off = 50,
	.nelems_size = 2,
	.alloc_bits_off = 64,
	.spanclass_off = 98,
	.state_off = 99,
	.elemsize_off = 104,
	.limit_off = 112,
	.has_large_type = true,
	.large_type_off = 152,
	.state_in_use = 1,
	.state_manual = 2,
	.malloc_headers = true,
	.malloc_header_size = 8,
	.min_size_for_malloc_header = 512,
};

static uint8_t meta[META_SIZE];
static uint8_t heapmem[HEAP_PAGES * PAGE];

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* Span number @p n at SPANS_ADDR + n * 0x100; map pages [first, last]. */
static uint64_t add_span(int n, uint64_t start, uint64_t npages,
			 uint8_t state, uint8_t spanclass, uint64_t elemsize,
			 uint16_t nelems, uint16_t freeindex, uint64_t limit,
			 uint64_t alloc_bits, uint64_t large_type)
{
	uint64_t addr = SPANS_ADDR + (uint64_t)n * 0x100;
	uint8_t *s = meta + (addr - META);
	put64(s + 24, start);
	put64(s + 32, npages);
	put16(s + 48, freeindex);
	put16(s + 50, nelems);
	put64(s + 64, alloc_bits);
	s[98] = spanclass;
	s[99] = state;
	put64(s + 104, elemsize);
	put64(s + 112, limit);
	put64(s + 152, large_type);
	return addr;
}

static void map_page(int page, uint64_t span)
{
	put64(meta + (ARENA_ADDR - META) + 8 * (uint64_t)page, span);
}

struct fake {
	uint8_t *image;
	struct hc_file *file;
	struct hc_core *core;
	struct hc_aspace *as;
	struct hc_heap *heap;
};

/* Build the heap described in the comments of each span below. */
static void fake_open(struct fake *f, bool nil_l2)
{
	memset(meta, 0, sizeof(meta));
	memset(heapmem, 0, sizeof(heapmem));
	put64(meta + (L1_ADDR - META), nil_l2 ? 0 : L2_ADDR);
	put64(meta + (L2_ADDR - META) + 3 * 8, ARENA_ADDR); /* arena 3 */
	// Pages 0-1: 48-byte objects, slots 0,1 below freeindex, slot 5 in
	// allocBits; 341 slots, limit = base + 341*48.
	uint64_t s0 = add_span(0, HEAP, 2, 1, 5 << 1, 48, 341, 2,
			       HEAP + 341 * 48, BITS_ADDR, 0);
	meta[BITS_ADDR - META] = 1 << 5;
	map_page(0, s0);
	map_page(1, s0);
	// Page 2: a manual span (goroutine stack).
	map_page(2, add_span(1, HEAP + 2 * PAGE, 1, 2, 0, 0, 0, 0, 0, 0, 0));
	// Page 3: state garbage.
	map_page(3, add_span(2, HEAP + 3 * PAGE, 1, 7, 2, 16, 512, 0,
			     HEAP + 4 * PAGE, 0, 0));
	// Page 4: in use with elemsize 0.
	map_page(4, add_span(3, HEAP + 4 * PAGE, 1, 1, 2, 0, 512, 0,
			     HEAP + 5 * PAGE, 0, 0));
	// Page 5: limit below the start.
	map_page(5, add_span(4, HEAP + 5 * PAGE, 1, 1, 2, 16, 512, 0,
			     HEAP, 0, 0));
	// Page 6: a stale entry: the span describes other pages.
	map_page(6, add_span(5, HEAP + 0x80000, 1, 1, 2, 16, 512, 0,
			     HEAP + 0x80000 + PAGE, 0, 0));
	// Page 7: nil. Pages 8-9: 1024-byte scan objects with malloc
	// headers, 16 slots, all allocated; slot 1's header says 0xabc000.
	uint64_t s6 = add_span(6, HEAP + 8 * PAGE, 2, 1, 30 << 1, 1024, 16, 16,
			       HEAP + 8 * PAGE + 16 * 1024, BITS_ADDR + 0x100,
			       0);
	map_page(8, s6);
	map_page(9, s6);
	put64(heapmem + 8 * PAGE + 1024, 0xabc000);
	// Pages 10-11: one large scan object with largeType 0xdef000.
	uint64_t s7 = add_span(7, HEAP + 10 * PAGE, 2, 1, 0, 2 * PAGE, 1, 1,
			       HEAP + 12 * PAGE, BITS_ADDR + 0x200, 0xdef000);
	map_page(10, s7);
	map_page(11, s7);
	// Page 12 of arena 3 maps a span whose npages is 0 (not in the
	// dumped heap: only its metadata matters).
	map_page(12, add_span(8, HEAP + 12 * PAGE, 0, 1, 2, 16, 512, 0,
			      HEAP + 13 * PAGE, 0, 0));

	struct testelf_core *c = testelf_core_create(EM_X86_64);
	testelf_core_add_load(c, META, META_SIZE, PF_R | PF_W, meta,
			      META_SIZE);
	testelf_core_add_load(c, HEAP, sizeof(heapmem), PF_R | PF_W, heapmem,
			      sizeof(heapmem));
	size_t size;
	f->image = testelf_core_build(c, &size);
	testelf_core_destroy(c);
	struct hc_error *err = hc_file_open_memory(f->image, size, "fake-core",
						   &f->file);
	ck_assert_msg(!err, "%s", err ? err->message : "");
	err = hc_core_open(f->file, &f->core); /* takes the file */
	ck_assert_msg(!err, "%s", err ? err->message : "");
	err = hc_aspace_create(f->core, NULL, 0, &f->as);
	ck_assert_msg(!err, "%s", err ? err->message : "");
	err = hc_heap_create_layout(f->as, &fake_layout, &f->heap);
	ck_assert_msg(!err, "%s", err ? err->message : "");
}

static void fake_close(struct fake *f)
{
	hc_heap_destroy(f->heap);
	hc_aspace_destroy(f->as);
	hc_core_destroy(f->core);
	free(f->image);
}

/* The error code of a lookup (-1 for success). */
static int lookup(struct hc_heap *h, uint64_t addr, struct hc_heap_object *o)
{
	struct hc_error *err = hc_heap_find_object(h, addr, o);
	if (!err)
		return -1;
	int code = (int)err->code;
	hc_error_destroy(err);
	return code;
}

START_TEST(test_heap_small_objects)
{
	struct fake f;
	fake_open(&f, false);
	struct hc_heap_object o;
	// Slot 1 (below freeindex), an address inside it.
	ck_assert_int_eq(lookup(f.heap, HEAP + 48 + 20, &o), -1);
	ck_assert_int_eq(o.state, HC_SPAN_IN_USE);
	ck_assert_uint_eq(o.span_base, HEAP);
	ck_assert_uint_eq(o.span_end, HEAP + 2 * PAGE);
	ck_assert_uint_eq(o.elemsize, 48);
	ck_assert_uint_eq(o.index, 1);
	ck_assert_uint_eq(o.base, HEAP + 48);
	ck_assert_uint_eq(o.end, HEAP + 96);
	ck_assert_uint_eq(o.data, o.base);
	ck_assert(o.allocated);
	ck_assert(!o.noscan);
	ck_assert(!o.has_malloc_header);
	// Slot 5: allocated by allocBits; slot 4: free.
	ck_assert_int_eq(lookup(f.heap, HEAP + 5 * 48, &o), -1);
	ck_assert(o.allocated);
	ck_assert_int_eq(lookup(f.heap, HEAP + 4 * 48 + 47, &o), -1);
	ck_assert_uint_eq(o.index, 4);
	ck_assert(!o.allocated);
	// Second page of the span, last slot; then the tail past limit.
	ck_assert_int_eq(lookup(f.heap, HEAP + 340 * 48, &o), -1);
	ck_assert_uint_eq(o.index, 340);
	ck_assert_int_eq(lookup(f.heap, HEAP + 341 * 48, &o), HC_ERROR_NOT_FOUND);
	fake_close(&f);
}
END_TEST

START_TEST(test_heap_malloc_header_and_large)
{
	struct fake f;
	fake_open(&f, false);
	struct hc_heap_object o;
	ck_assert_int_eq(lookup(f.heap, HEAP + 8 * PAGE + 1024 + 100, &o), -1);
	ck_assert_uint_eq(o.index, 1);
	ck_assert(o.has_malloc_header);
	ck_assert_uint_eq(o.data, HEAP + 8 * PAGE + 1024 + 8);
	ck_assert_uint_eq(o.type_addr, 0xabc000);
	ck_assert(o.allocated);
	ck_assert_int_eq(lookup(f.heap, HEAP + 11 * PAGE + 5, &o), -1);
	ck_assert(o.large);
	ck_assert_uint_eq(o.base, HEAP + 10 * PAGE);
	ck_assert_uint_eq(o.end, HEAP + 12 * PAGE);
	ck_assert_uint_eq(o.type_addr, 0xdef000);
	ck_assert(!o.has_malloc_header);
	// A range check: inside the large object, and running past it.
	bool inside;
	struct hc_error *err = hc_heap_check_range(f.heap, HEAP + 10 * PAGE,
						   2 * PAGE, &inside, NULL);
	ck_assert(!err);
	ck_assert(inside);
	err = hc_heap_check_range(f.heap, HEAP + 10 * PAGE, 2 * PAGE + 1,
				  &inside, NULL);
	ck_assert(!err);
	ck_assert(!inside);
	// Data starts after the malloc header.
	err = hc_heap_check_range(f.heap, HEAP + 8 * PAGE, 8, &inside, NULL);
	ck_assert(!err);
	ck_assert(!inside);
	fake_close(&f);
}
END_TEST

START_TEST(test_heap_manual_span)
{
	struct fake f;
	fake_open(&f, false);
	struct hc_heap_object o;
	ck_assert_int_eq(lookup(f.heap, HEAP + 2 * PAGE + 100, &o), -1);
	ck_assert_int_eq(o.state, HC_SPAN_MANUAL);
	ck_assert_uint_eq(o.base, HEAP + 2 * PAGE);
	ck_assert_uint_eq(o.end, HEAP + 3 * PAGE);
	struct hc_addr_info info;
	hc_heap_classify(f.heap, NULL, HEAP + 2 * PAGE + 100, &info);
	ck_assert_int_eq(info.kind, HC_ADDR_HEAP_MANUAL);
	// With a runtime model whose goroutine owns that stack.
	struct hc_runtime rt;
	memset(&rt, 0, sizeof(rt));
	struct hc_goroutine g = { .goid = 7, .stack_lo = HEAP + 2 * PAGE,
				  .stack_hi = HEAP + 3 * PAGE };
	rt.goroutines.data = &g;
	rt.goroutines.size = 1;
	hc_heap_classify(f.heap, &rt, HEAP + 2 * PAGE + 100, &info);
	ck_assert_int_eq(info.kind, HC_ADDR_STACK);
	ck_assert_ptr_nonnull(info.goroutine);
	ck_assert_uint_eq(info.goroutine->goid, 7);
	fake_close(&f);
}
END_TEST

START_TEST(test_heap_corrupt_spans)
{
	struct fake f;
	fake_open(&f, false);
	struct hc_heap_object o;
	ck_assert_int_eq(lookup(f.heap, HEAP + 3 * PAGE, &o), HC_ERROR_BAD_DATA);
	ck_assert_int_eq(lookup(f.heap, HEAP + 4 * PAGE + 8, &o), HC_ERROR_BAD_DATA);
	ck_assert_int_eq(lookup(f.heap, HEAP + 5 * PAGE + 8, &o), HC_ERROR_BAD_DATA);
	ck_assert_int_eq(lookup(f.heap, HEAP + 6 * PAGE, &o), HC_ERROR_NOT_FOUND);
	ck_assert_int_eq(lookup(f.heap, HEAP + 7 * PAGE, &o), HC_ERROR_NOT_FOUND);
	ck_assert_int_eq(lookup(f.heap, HEAP + 12 * PAGE, &o), HC_ERROR_BAD_DATA);
	// Other arenas: nil, and beyond the L2 map.
	ck_assert_int_eq(lookup(f.heap, 0x200000, &o), HC_ERROR_NOT_FOUND);
	ck_assert_int_eq(lookup(f.heap, 16 << 20, &o), HC_ERROR_NOT_FOUND);
	ck_assert_int_eq(lookup(f.heap, UINT64_MAX, &o), HC_ERROR_NOT_FOUND);
	// After the garbage, a good span still resolves (cache not poisoned).
	ck_assert_int_eq(lookup(f.heap, HEAP + 48, &o), -1);
	ck_assert_uint_eq(o.index, 1);
	struct hc_addr_info info;
	hc_heap_classify(f.heap, NULL, HEAP + 3 * PAGE, &info);
	ck_assert_int_eq(info.kind, HC_ADDR_HEAP_BAD);
	fake_close(&f);
}
END_TEST

START_TEST(test_heap_nil_arena_map)
{
	struct fake f;
	fake_open(&f, true);
	struct hc_heap_object o;
	ck_assert_int_eq(lookup(f.heap, HEAP + 48, &o), HC_ERROR_NOT_FOUND);
	struct hc_addr_info info;
	hc_heap_classify(f.heap, NULL, HEAP + 48, &info);
	ck_assert_int_eq(info.kind, HC_ADDR_MAPPED);
	hc_heap_classify(f.heap, NULL, 0xdead0000, &info);
	ck_assert_int_eq(info.kind, HC_ADDR_UNMAPPED);
	fake_close(&f);
}
END_TEST

START_TEST(test_heap_unreadable_metadata)
{
	struct fake f;
	fake_open(&f, false);
	// An arenas address outside the core: FAULT, not a crash.
	struct hc_heap_layout l = fake_layout;
	l.arenas_addr = 0x7000000;
	struct hc_heap *h;
	ck_assert(!hc_heap_create_layout(f.as, &l, &h));
	struct hc_heap_object o;
	ck_assert_int_eq(lookup(h, HEAP, &o), HC_ERROR_FAULT);
	hc_heap_destroy(h);
	// Impossible layouts are refused.
	l = fake_layout;
	l.span_size = 100; /* largeType at 152 does not fit */
	struct hc_error *err = hc_heap_create_layout(f.as, &l, &h);
	ck_assert_ptr_nonnull(err);
	ck_assert_int_eq(err->code, HC_ERROR_INVALID_ARG);
	hc_error_destroy(err);
	l = fake_layout;
	l.page_size = 0;
	err = hc_heap_create_layout(f.as, &l, &h);
	ck_assert_ptr_nonnull(err);
	hc_error_destroy(err);
	fake_close(&f);
}
END_TEST

START_TEST(test_heap_cache_consistent)
{
	// Lookups in any order give what a fresh index gives.
	struct fake f;
	fake_open(&f, false);
	static const uint64_t addrs[] = {
		HEAP + 48, HEAP + 8 * PAGE + 5000, HEAP + 3 * PAGE,
		HEAP + 2 * PAGE, HEAP + 96, HEAP + 11 * PAGE, HEAP + 7 * PAGE,
		HEAP + PAGE + 7, HEAP + 5 * 48,
	};
	for (size_t round = 0; round < 3; round++) {
		for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
			struct hc_heap *fresh;
			ck_assert(!hc_heap_create_layout(f.as, &fake_layout,
							 &fresh));
			struct hc_heap_object a, b;
			memset(&a, 0, sizeof(a));
			memset(&b, 0, sizeof(b));
			int ca = lookup(f.heap, addrs[i], &a);
			int cb = lookup(fresh, addrs[i], &b);
			ck_assert_int_eq(ca, cb);
			if (ca == -1) {
				ck_assert_uint_eq(a.base, b.base);
				ck_assert_int_eq(a.allocated, b.allocated);
				ck_assert_uint_eq(a.span_addr, b.span_addr);
			}
			hc_heap_destroy(fresh);
		}
	}
	fake_close(&f);
}
END_TEST

/* -------------------------------------------------------------- fixtures */

static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	long n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	char *s = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(s);
	size_t got = fread(s, 1, (size_t)n, fp);
	s[got] = 0;
	fclose(fp);
	return s;
}

/* The value of `"key": ` on the line (string quotes stripped). */
static bool line_value(const char *line, const char *key, char *buf,
		       size_t size)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	const char *p = strstr(line, pat);
	if (!p)
		return false;
	p += strlen(pat);
	if (*p == '"')
		p++;
	size_t n = 0;
	while (p[n] && p[n] != '"' && p[n] != ',' && p[n] != '\n' &&
	       n + 1 < size)
		n++;
	memcpy(buf, p, n);
	buf[n] = 0;
	return true;
}

struct mmap_entry {
	char name[256];
	uint64_t addr, buckets, dirptr;
	long B, key_size, elem_size;
	bool indirect_key, indirect_elem, stable, classic;
};

/* The maps of a manifest, one entry per "name" in the "maps" array. */
static size_t manifest_maps(const char *json, struct mmap_entry *out,
			    size_t max)
{
	const char *p = strstr(json, "\"maps\": [");
	const char *end = strstr(json, "\"sync_maps\"");
	size_t n = 0;
	bool have_addr = false;
	char v[256];
	while (p && (!end || p < end)) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[512];
		if (len >= sizeof(line))
			len = sizeof(line) - 1;
		memcpy(line, p, len);
		line[len] = 0;
		if (line_value(line, "name", v, sizeof(v)) && n < max) {
			memset(&out[n], 0, sizeof(out[n]));
			snprintf(out[n].name, sizeof(out[n].name), "%s", v);
			out[n].B = -1;
			n++;
			have_addr = false;
		} else if (n) {
			struct mmap_entry *m = &out[n - 1];
			if (!have_addr && line_value(line, "addr", v, sizeof(v))) {
				m->addr = strtoull(v, NULL, 16);
				have_addr = true;
			} else if (line_value(line, "buckets", v, sizeof(v))) {
				m->buckets = strtoull(v, NULL, 16);
			} else if (line_value(line, "dirPtr", v, sizeof(v))) {
				m->dirptr = strtoull(v, NULL, 16);
			} else if (line_value(line, "B", v, sizeof(v))) {
				m->B = strtol(v, NULL, 10);
			} else if (line_value(line, "key_size", v, sizeof(v))) {
				m->key_size = strtol(v, NULL, 10);
			} else if (line_value(line, "elem_size", v, sizeof(v))) {
				m->elem_size = strtol(v, NULL, 10);
			} else if (line_value(line, "indirect_key", v, sizeof(v))) {
				m->indirect_key = strcmp(v, "true") == 0;
			} else if (line_value(line, "indirect_elem", v, sizeof(v))) {
				m->indirect_elem = strcmp(v, "true") == 0;
			} else if (line_value(line, "stable", v, sizeof(v))) {
				m->stable = strcmp(v, "true") == 0;
			} else if (strstr(line, "\"classic\": {")) {
				m->classic = true;
			}
		}
		p = nl ? nl + 1 : NULL;
	}
	return n;
}

static size_t fixture_dirs(glob_t *g)
{
	const char *top = getenv("top_srcdir");
	char pattern[4096];
	snprintf(pattern, sizeof(pattern), "%s/corefiles/*/*/core.xz",
		 top ? top : ".");
	if (glob(pattern, 0, NULL, g) != 0)
		return 0;
	return g->gl_pathc;
}

struct fixture {
	char dir[4096];
	struct hc_target *t;
	struct hc_heap *heap;
	char *manifest;
};

static bool fixture_open(const char *core, struct fixture *fx)
{
	snprintf(fx->dir, sizeof(fx->dir), "%s", core);
	char *slash = strrchr(fx->dir, '/');
	*slash = 0;
	char path[4200];
	snprintf(path, sizeof(path), "%s/manifest.json", fx->dir);
	fx->manifest = slurp(path);
	if (!fx->manifest)
		return false;
	struct hc_error *err = hc_target_open(core, NULL, &fx->t);
	ck_assert_msg(!err, "%s: %s", core, err ? err->message : "");
	err = hc_heap_create_target(fx->t, &fx->heap);
	ck_assert_msg(!err, "%s: %s", core, err ? err->message : "");
	return true;
}

static void fixture_close(struct fixture *fx)
{
	hc_heap_destroy(fx->heap);
	hc_target_destroy(fx->t);
	free(fx->manifest);
}

START_TEST(test_heap_fixture_maps)
{
	glob_t g;
	size_t n = fixture_dirs(&g);
	if (!n) {
		fprintf(stderr, "test_heap_fixture_maps: SKIP, no fixtures\n");
		return;
	}
	size_t checked = 0, buckets = 0, dirs = 0;
	for (size_t i = 0; i < n; i++) {
		struct fixture fx;
		if (testelf_fixture_stripped(g.gl_pathv[i]) || !fixture_open(g.gl_pathv[i], &fx))
			continue;
		static struct mmap_entry maps[64];
		size_t nm = manifest_maps(fx.manifest, maps, 64);
		for (size_t j = 0; j < nm; j++) {
			struct mmap_entry *m = &maps[j];
			if (!m->addr)
				continue;
			struct hc_addr_info info;
			hc_heap_classify(fx.heap, fx.t->runtime, m->addr, &info);
			// Every map header of the fixtures was made by make():
			// an allocated heap object.
			ck_assert_msg(info.kind == HC_ADDR_HEAP_LIVE,
				      "%s %s header 0x%" PRIx64 ": %s", fx.dir,
				      m->name, m->addr,
				      hc_addr_kind_name(info.kind));
			ck_assert_uint_ge(info.object.end - m->addr, 48);
			checked++;
			if (!m->stable)
				continue;
			if (m->classic && m->buckets) {
				hc_heap_classify(fx.heap, fx.t->runtime,
						 m->buckets, &info);
				ck_assert_msg(info.kind == HC_ADDR_HEAP_LIVE,
					      "%s %s buckets 0x%" PRIx64 ": %s",
					      fx.dir, m->name, m->buckets,
					      hc_addr_kind_name(info.kind));
				uint64_t ks = m->indirect_key ? 8 : (uint64_t)m->key_size;
				uint64_t es = m->indirect_elem ? 8 : (uint64_t)m->elem_size;
				uint64_t bsize = 8 + 8 * ks + 8 * es + 8;
				ck_assert_uint_eq(info.object.data, m->buckets);
				ck_assert_msg(info.object.end - info.object.data >=
						      (bsize << m->B),
					      "%s %s: object of %" PRIu64
					      " bytes for 2^%ld buckets of %" PRIu64,
					      fx.dir, m->name,
					      info.object.end - info.object.data,
					      m->B, bsize);
				buckets++;
			}
			if (!m->classic && m->dirptr) {
				hc_heap_classify(fx.heap, fx.t->runtime,
						 m->dirptr, &info);
				ck_assert_msg(info.kind == HC_ADDR_HEAP_LIVE,
					      "%s %s dirPtr 0x%" PRIx64 ": %s",
					      fx.dir, m->name, m->dirptr,
					      hc_addr_kind_name(info.kind));
				ck_assert_uint_eq(info.object.data, m->dirptr);
				dirs++;
			}
		}
		fixture_close(&fx);
	}
	globfree(&g);
	fprintf(stderr,
		"test_heap_fixture_maps: %zu map headers, %zu bucket arrays, "
		"%zu directories/groups\n",
		checked, buckets, dirs);
	ck_assert_uint_gt(checked, 0);
	ck_assert_uint_gt(buckets, 0);
	ck_assert_uint_gt(dirs, 0);
}
END_TEST

/* A top-level hex field of the manifest section starting at @p from. */
static uint64_t hex_after(const char *from, const char *key)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "\"%s\": \"", key);
	const char *p = strstr(from, pat);
	ck_assert_ptr_nonnull(p);
	return strtoull(p + strlen(pat), NULL, 16);
}

START_TEST(test_heap_fixture_slices_and_stacks)
{
	glob_t g;
	size_t n = fixture_dirs(&g);
	if (!n) {
		fprintf(stderr, "test_heap_fixture_slices_and_stacks: SKIP, no fixtures\n");
		return;
	}
	size_t galleries = 0, stacks = 0;
	for (size_t i = 0; i < n; i++) {
		struct fixture fx;
		if (testelf_fixture_stripped(g.gl_pathv[i]) || !fixture_open(g.gl_pathv[i], &fx))
			continue;
		struct hc_addr_info info;
		// Every goroutine's saved SP is on its own stack.
		const struct hc_runtime *rt = fx.t->runtime;
		ck_assert_ptr_nonnull(rt);
		for (size_t k = 0; k < rt->goroutines.size; k++) {
			const struct hc_goroutine *gr = &rt->goroutines.data[k];
			if (gr->status == HC_G_DEAD || !gr->sched_sp ||
			    gr->sched_sp < gr->stack_lo ||
			    gr->sched_sp >= gr->stack_hi)
				continue;
			hc_heap_classify(fx.heap, rt, gr->sched_sp, &info);
			ck_assert_msg(info.kind == HC_ADDR_STACK,
				      "%s goroutine %" PRIu64 " sp 0x%" PRIx64 ": %s",
				      fx.dir, gr->goid, gr->sched_sp,
				      hc_addr_kind_name(info.kind));
			ck_assert_ptr_eq(info.goroutine, gr);
			stacks++;
		}
		const char *torn = strstr(fx.manifest, "\"torn_slices\": [");
		if (torn && strstr(torn, "\"wild-pointer\"")) {
			galleries++;
			// gTornLen: a live 4-int heap array; its header a global.
			const char *len_gt_cap = strstr(torn, "main.gTornLen");
			ck_assert_ptr_nonnull(len_gt_cap);
			uint64_t ptr = hex_after(len_gt_cap, "ptr");
			bool inside;
			struct hc_heap_object o;
			ck_assert(!hc_heap_check_range(fx.heap, ptr, 32, &inside, &o));
			ck_assert_msg(inside, "%s: gTornLen array", fx.dir);
			ck_assert(!hc_heap_check_range(fx.heap, ptr, 80, &inside, &o));
			ck_assert_msg(!inside, "%s: 10 ints fit in gTornLen's object", fx.dir);
			hc_heap_classify(fx.heap, rt,
					 hex_after(len_gt_cap, "header_addr"),
					 &info);
			ck_assert_int_eq(info.kind, HC_ADDR_GLOBAL);
			ck_assert_ptr_nonnull(info.region);
			// gTornWild: 0xdead0000 is no heap, no stack, no data.
			const char *wild = strstr(torn, "main.gTornWild");
			ck_assert_ptr_nonnull(wild);
			hc_heap_classify(fx.heap, rt, hex_after(wild, "ptr"), &info);
			ck_assert_msg(info.kind == HC_ADDR_UNMAPPED,
				      "%s: wild pointer is %s", fx.dir,
				      hc_addr_kind_name(info.kind));
			struct hc_heap_object unused;
			struct hc_error *err = hc_heap_find_object(
				fx.heap, hex_after(wild, "ptr"), &unused);
			ck_assert_ptr_nonnull(err);
			ck_assert_int_eq(err->code, HC_ERROR_NOT_FOUND);
			hc_error_destroy(err);
			// The []map backing array of gShards: 8 pointers.
			const char *nms = strstr(fx.manifest, "\"nil_map_slices\": [");
			ck_assert_ptr_nonnull(nms);
			ck_assert(!hc_heap_check_range(fx.heap,
						       hex_after(nms, "array"),
						       64, &inside, &o));
			ck_assert_msg(inside, "%s: gShards array", fx.dir);
		}
		fixture_close(&fx);
	}
	globfree(&g);
	fprintf(stderr, "test_heap_fixture_slices_and_stacks: %zu galleries, %zu stacks\n",
		galleries, stacks);
	ck_assert_uint_gt(galleries, 0);
	ck_assert_uint_gt(stacks, 0);
}
END_TEST

static Suite *heap_suite(void)
{
	Suite *s = suite_create("heap");
	TCase *tc = tcase_create("synthetic");
	tcase_add_test(tc, test_heap_small_objects);
	tcase_add_test(tc, test_heap_malloc_header_and_large);
	tcase_add_test(tc, test_heap_manual_span);
	tcase_add_test(tc, test_heap_corrupt_spans);
	tcase_add_test(tc, test_heap_nil_arena_map);
	tcase_add_test(tc, test_heap_unreadable_metadata);
	tcase_add_test(tc, test_heap_cache_consistent);
	suite_add_tcase(s, tc);
	tc = tcase_create("fixtures");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_heap_fixture_maps);
	tcase_add_test(tc, test_heap_fixture_slices_and_stacks);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(heap_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
