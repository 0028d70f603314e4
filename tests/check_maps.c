/*
 * Tests of the map decoders (src/go/maps.c, map_classic.c, map_swiss.c)
 * and the map validators (src/analysis/validate.c, findings.c).
 *
 * Synthetic: one core segment of fake heap, classic hmaps and Swiss maps
 * laid out by hand with DWARF-like types built in C (the layouts the Go
 * linker synthesises, GO-INTERNALS.md 1.9 and 2.8); one test per corrupt
 * shape asserting the finding's code and the address it names, healthy
 * maps asserting no finding and exact iteration, adversarial shapes
 * asserting a finding, bounded time and no crash.
 * Fixtures: every corefiles/<config>/<program> core decoded against its
 * manifest.json (count, B / growth, directory, sample keys, no finding on
 * healthy maps).
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <ctype.h>
#include <glob.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hmapcore/aspace.h"
#include "hmapcore/core.h"
#include "hmapcore/file.h"
#include "hmapcore/findings.h"
#include "hmapcore/maps.h"
#include "hmapcore/target.h"
#include "hmapcore/validate.h"
#include "testelf.h"

/* ------------------------------------------------ fake address space */

enum {
	MEM = 0xc000000000ULL,
	MEM_SIZE = 0x200000,
	/* Unmapped. */
	WILD = 0xdead0000,
	MAX_OBJS = 8192,
};

static struct fake {
	uint8_t mem[MEM_SIZE];
	uint64_t brk;
	struct {
		uint64_t base, size;
	} objs[MAX_OBJS];
	size_t nobjs;
	uint8_t *img;
	struct hc_file *file;
	struct hc_core *core;
	struct hc_aspace *as;
} F;

/* A zeroed heap object of @p size bytes (16-aligned), registered. */
static uint64_t falloc(uint64_t size)
{
	uint64_t a = MEM + F.brk;
	F.brk += (size + 15) & ~(uint64_t)15;
	ck_assert_uint_le(F.brk, MEM_SIZE);
	ck_assert_uint_lt(F.nobjs, MAX_OBJS);
	F.objs[F.nobjs].base = a;
	F.objs[F.nobjs].size = size;
	F.nobjs++;
	return a;
}

/* Space no heap object covers (for "outside a live object"). */
static uint64_t fgap(uint64_t size)
{
	uint64_t a = MEM + F.brk;
	F.brk += (size + 15) & ~(uint64_t)15;
	return a;
}

static uint8_t *at(uint64_t addr, size_t n)
{
	ck_assert(addr >= MEM && addr + n <= MEM + MEM_SIZE);
	return F.mem + (addr - MEM);
}

static void p8(uint64_t addr, uint8_t v) { *at(addr, 1) = v; }
static void p16(uint64_t addr, uint16_t v) { memcpy(at(addr, 2), &v, 2); }
static void p32(uint64_t addr, uint32_t v) { memcpy(at(addr, 4), &v, 4); }
static void p64(uint64_t addr, uint64_t v) { memcpy(at(addr, 8), &v, 8); }

static bool fake_bounds(void *arg, uint64_t addr, uint64_t *base, uint64_t *size)
{
	(void)arg;
	for (size_t i = 0; i < F.nobjs; i++) {
		if (addr >= F.objs[i].base && addr < F.objs[i].base + F.objs[i].size) {
			*base = F.objs[i].base;
			*size = F.objs[i].size;
			return true;
		}
	}
	return false;
}

/* Build the core from the memory as it is now. */
static void fake_open(void)
{
	struct testelf_core *c = testelf_core_create(EM_X86_64);
	testelf_core_add_load(c, MEM, MEM_SIZE, PF_R | PF_W, F.mem, MEM_SIZE);
	size_t size;
	F.img = testelf_core_build(c, &size);
	testelf_core_destroy(c);
	struct hc_error *err = hc_file_open_memory(F.img, size, "fake", &F.file);
	ck_assert_msg(!err, "%s", err ? err->message : "");
	err = hc_core_open(F.file, &F.core); /* takes the file */
	ck_assert_msg(!err, "%s", err ? err->message : "");
	err = hc_aspace_create(F.core, NULL, 0, &F.as);
	ck_assert_msg(!err, "%s", err ? err->message : "");
}

static void fake_close(void)
{
	hc_aspace_destroy(F.as);
	hc_core_destroy(F.core); /* owns the file */
	free(F.img);
	F.as = NULL;
}

static void fake_reset(void)
{
	memset(&F, 0, sizeof(F));
}

/* ------------------------------------------------ hand-built DWARF types */

#define BASE(n, sz) {.name = n, .kind = HC_TYPE_BASE, .size = sz, .has_size = true}

static struct hc_type t_u8 = BASE("uint8", 1), t_u16 = BASE("uint16", 2),
		      t_u32 = BASE("uint32", 4), t_u64 = BASE("uint64", 8),
		      t_int = BASE("int", 8), t_uintptr = BASE("uintptr", 8),
		      t_bool = BASE("bool", 1);
static struct hc_type t_unsafe = {.name = "unsafe.Pointer", .kind = HC_TYPE_POINTER,
				  .size = 8, .has_size = true};

#define ARRAY(el, n, sz) {.kind = HC_TYPE_ARRAY, .target = el, .count = n, .size = sz, .has_size = true}
#define PTR(to) {.kind = HC_TYPE_POINTER, .target = to, .size = 8, .has_size = true}
#define STRUCT(n, sz, m) {.name = n, .kind = HC_TYPE_STRUCT, .size = sz, .has_size = true, \
			  .members = m, .num_members = sizeof(m) / sizeof(m[0])}

/* Classic map[uint64]uint64 (GO-INTERNALS 1.9): hash<K,V> of 48 bytes,
 * bucket<K,V> of 144: tophash @0, keys @8, values @72, overflow @136. */
enum { C_BSIZE = 144, C_KEYS = 8, C_VALS = 72, C_OVF = 136 };
static struct hc_type t_tophash = ARRAY(&t_u8, 8, 8);
static struct hc_type t_keys8 = ARRAY(&t_u64, 8, 64);
static struct hc_type t_bucket;
static struct hc_type t_bucket_ptr = PTR(&t_bucket);
static const struct hc_member m_bucket[] = {
	{"tophash", 0, &t_tophash, false},
	{"keys", C_KEYS, &t_keys8, false},
	{"values", C_VALS, &t_keys8, false},
	{"overflow", C_OVF, &t_bucket_ptr, false},
};
static struct hc_type t_bucket = STRUCT("bucket<uint64,uint64>", C_BSIZE, m_bucket);
static const struct hc_member m_hmap[] = {
	{"count", 0, &t_int, false},      {"flags", 8, &t_u8, false},
	{"B", 9, &t_u8, false},           {"noverflow", 10, &t_u16, false},
	{"hash0", 12, &t_u32, false},     {"buckets", 16, &t_bucket_ptr, false},
	{"oldbuckets", 24, &t_bucket_ptr, false}, {"nevacuate", 32, &t_uintptr, false},
	{"extra", 40, &t_unsafe, false},
};
static struct hc_type t_hmap = STRUCT("hash<uint64,uint64>", 48, m_hmap);
static struct hc_type t_hmap_ptr = PTR(&t_hmap);
static struct hc_type t_cmap = {.name = "map[uint64]uint64", .kind = HC_TYPE_TYPEDEF,
				.size = 8, .has_size = true, .go_kind = 21,
				.target = &t_hmap_ptr, .go_key = &t_u64, .go_elem = &t_u64};

/* Swiss map[uint64]uint64 (GO-INTERNALS 2.8): map<K,V> of 48 bytes,
 * table<K,V> of 32, group of 136: ctrl @0, slots [8]{key, elem} @8. */
enum { S_GSIZE = 136, S_SLOTS = 8, S_SLOT = 16, S_TSIZE = 32 };
static const struct hc_member m_slot[] = {
	{"key", 0, &t_u64, false},
	{"elem", 8, &t_u64, false},
};
static struct hc_type t_slot = STRUCT("struct { key uint64; elem uint64 }", S_SLOT, m_slot);
static struct hc_type t_slots = ARRAY(&t_slot, 8, 8 * S_SLOT);
static const struct hc_member m_group[] = {
	{"ctrl", 0, &t_u64, false},
	{"slots", S_SLOTS, &t_slots, false},
};
static struct hc_type t_group = STRUCT("noalg.map.group[uint64]uint64", S_GSIZE, m_group);
/* mapsplitgroup (go1.27): ctrl @0, keys [8]K @8, elems [8]V @72. */
static const struct hc_member m_sgroup[] = {
	{"ctrl", 0, &t_u64, false},
	{"keys", 8, &t_keys8, false},
	{"elems", 72, &t_keys8, false},
};
static struct hc_type t_sgroup = STRUCT("noalg.map.group[uint64]uint64", S_GSIZE, m_sgroup);

#define SWISS_TYPES(sfx, grp)                                                  \
	static struct hc_type t_group_ptr##sfx = PTR(&grp);                    \
	static const struct hc_member m_gref##sfx[] = {                        \
		{"data", 0, &t_group_ptr##sfx, false},                         \
		{"lengthMask", 8, &t_u64, false},                              \
	};                                                                     \
	static struct hc_type t_gref##sfx = STRUCT("groupsReference<uint64,uint64>", 16, m_gref##sfx); \
	static const struct hc_member m_table##sfx[] = {                       \
		{"used", 0, &t_u16, false},       {"capacity", 2, &t_u16, false}, \
		{"growthLeft", 4, &t_u16, false}, {"localDepth", 6, &t_u8, false}, \
		{"index", 8, &t_int, false},      {"groups", 16, &t_gref##sfx, false}, \
	};                                                                     \
	static struct hc_type t_table##sfx = STRUCT("table<uint64,uint64>", S_TSIZE, m_table##sfx); \
	static struct hc_type t_table_ptr##sfx = PTR(&t_table##sfx);           \
	static struct hc_type t_dir##sfx = PTR(&t_table_ptr##sfx);             \
	static const struct hc_member m_smap##sfx[] = {                        \
		{"used", 0, &t_u64, false},       {"seed", 8, &t_uintptr, false}, \
		{"dirPtr", 16, &t_dir##sfx, false}, {"dirLen", 24, &t_int, false}, \
		{"globalDepth", 32, &t_u8, false}, {"globalShift", 33, &t_u8, false}, \
		{"writing", 34, &t_u8, false},    {"tombstonePossible", 35, &t_bool, false}, \
		{"clearSeq", 40, &t_u64, false},                               \
	};                                                                     \
	static struct hc_type t_smap##sfx = STRUCT("map<uint64,uint64>", 48, m_smap##sfx); \
	static struct hc_type t_smap_ptr##sfx = PTR(&t_smap##sfx);             \
	static struct hc_type t_swiss##sfx = {.name = "map[uint64]uint64", .kind = HC_TYPE_TYPEDEF, \
					      .size = 8, .has_size = true, .go_kind = 21, \
					      .target = &t_smap_ptr##sfx, .go_key = &t_u64, \
					      .go_elem = &t_u64};

SWISS_TYPES(, t_group)
SWISS_TYPES(_split, t_sgroup)

static struct hc_map_info info_of(const struct hc_type *t)
{
	struct hc_map_info mi;
	struct hc_error *err = hc_map_info_from_type(NULL, t, &mi);
	ck_assert_msg(!err, "%s", err ? err->message : "");
	return mi;
}

/* ------------------------------------------------ running the code under test */

/*
 * The stats a validation gives from its own walk (a Swiss map with a
 * directory) are hc_map_stats()'s, and it gives none when hc_map_stats()
 * fails or when it could not walk every table.
 */
static void check_stats_of_validation(const struct hc_map_info *mi, uint64_t addr,
				      const struct hc_map_stats *vst, bool done)
{
	struct hc_map_stats st;
	struct hc_error *err = hc_map_stats(F.as, mi, addr, &st);
	if (err) {
		ck_assert_msg(!done, "validation gave stats where hc_map_stats fails: %s",
			      err->message);
		hc_error_destroy(err);
		return;
	}
	if (!done)
		return;
	ck_assert(mi->flavour != HC_MAPS_CLASSIC);
	ck_assert_uint_eq(vst->entries, st.entries);
	ck_assert_uint_eq(vst->tables, st.tables);
	ck_assert_uint_eq(vst->groups, st.groups);
	ck_assert_uint_eq(vst->capacity, st.capacity);
	ck_assert_uint_eq(vst->tombstones, st.tombstones);
	ck_assert_uint_eq(vst->slots, st.slots);
	ck_assert_uint_eq(vst->bytes, st.bytes);
	ck_assert_uint_eq(vst->bytes_needed, st.bytes_needed);
	ck_assert(vst->load == st.load);
}

static unsigned validations_with_stats;

static void validate(const struct hc_map_info *mi, uint64_t addr, bool in_flight,
		     struct hc_findings *out)
{
	struct hc_map_stats vst;
	bool done = true;
	struct hc_validate_env env = {
		.as = F.as,
		.write_in_flight = in_flight,
		.object_bounds = fake_bounds,
		.stats = &vst,
		.stats_done = &done,
	};
	hc_findings_init(out);
	hc_validate_map(&env, mi, addr, "m", out);
	ck_assert(!out->nomem);
	check_stats_of_validation(mi, addr, &vst, done);
	validations_with_stats += done;
}

static void dump(const struct hc_findings *f)
{
	for (size_t i = 0; i < f->v.size; i++)
		fprintf(stderr, "  %s @0x%" PRIx64 ": %s\n",
			hc_finding_code_name(f->v.data[i].code),
			f->v.data[i].naddrs ? f->v.data[i].addrs[0] : 0,
			f->v.data[i].message);
}

/* A finding with @p code whose first address is @p addr. */
static void assert_finding(const struct hc_findings *f, enum hc_finding_code code,
			   uint64_t addr)
{
	for (size_t i = 0; i < f->v.size; i++) {
		const struct hc_finding *x = &f->v.data[i];
		if (x->code == code && x->naddrs && x->addrs[0] == addr) {
			ck_assert_int_eq(x->severity, hc_finding_code_severity(code));
			ck_assert_ptr_nonnull(x->message);
			ck_assert_str_eq(x->path, "m");
			return;
		}
	}
	dump(f);
	ck_abort_msg("no %s finding at 0x%" PRIx64, hc_finding_code_name(code), addr);
}

static void assert_no_finding(const struct hc_findings *f)
{
	if (f->v.size)
		dump(f);
	ck_assert_uint_eq(f->v.size, 0);
}

static bool has_code(const struct hc_findings *f, enum hc_finding_code code)
{
	for (size_t i = 0; i < f->v.size; i++)
		if (f->v.data[i].code == code)
			return true;
	return false;
}

/* Iterate; keys (uint64) into @p keys; the error (or NULL) is returned. */
static struct hc_error *iterate(const struct hc_map_info *mi, uint64_t addr,
				uint64_t *keys, size_t max, size_t *n_ret)
{
	struct hc_map_iter it;
	size_t n = 0;
	struct hc_error *err = hc_map_iter_init(&it, F.as, mi, addr);
	bool done = false;
	while (!err && !done) {
		uint64_t k, e;
		err = hc_map_iter_next(&it, &k, &e, &done);
		if (err || done)
			break;
		uint64_t kv = 0, ev = 0;
		ck_assert(!hc_aspace_read_u64(F.as, k, &kv));
		ck_assert(!hc_aspace_read_u64(F.as, e, &ev));
		ck_assert_uint_eq(ev, kv * 10); /* every builder stores k -> 10k */
		if (keys && n < max)
			keys[n] = kv;
		n++;
		ck_assert_uint_le(n, 1u << 24);
	}
	hc_map_iter_deinit(&it);
	*n_ret = n;
	return err;
}

/* Iteration yields exactly keys 1..n, each once. */
static void assert_keys_1_to_n(const struct hc_map_info *mi, uint64_t addr, size_t n)
{
	static uint64_t keys[20000];
	size_t got;
	struct hc_error *err = iterate(mi, addr, keys, 20000, &got);
	ck_assert_msg(!err, "%s", err ? err->message : "");
	ck_assert_uint_eq(got, n);
	static uint8_t seen[20001];
	memset(seen, 0, sizeof(seen));
	for (size_t i = 0; i < got; i++) {
		ck_assert_uint_ge(keys[i], 1);
		ck_assert_uint_le(keys[i], n);
		ck_assert_msg(!seen[keys[i]], "key %" PRIu64 " twice", keys[i]);
		seen[keys[i]] = 1;
	}
}

/* ------------------------------------------------ classic builders */

static uint64_t c_header(uint64_t count, uint8_t flags, uint8_t B, uint16_t noverflow,
			 uint64_t buckets, uint64_t oldbuckets, uint64_t nevacuate)
{
	uint64_t h = falloc(48);
	p64(h, count);
	p8(h + 8, flags);
	p8(h + 9, B);
	p16(h + 10, noverflow);
	p32(h + 12, 0x12345678);
	p64(h + 16, buckets);
	p64(h + 24, oldbuckets);
	p64(h + 32, nevacuate);
	return h;
}

static void c_slot(uint64_t b, int s, uint8_t top, uint64_t k)
{
	p8(b + s, top);
	p64(b + C_KEYS + 8 * s, k);
	p64(b + C_VALS + 8 * s, k * 10);
}

/* Insert key @p k into the chain of bucket @p b (first free slot, a new
 * overflow bucket when full); returns the overflow buckets added. */
static unsigned c_insert(uint64_t b, uint64_t k)
{
	for (;;) {
		for (int s = 0; s < 8; s++) {
			if (*at(b + s, 1) == HC_TOPHASH_EMPTY_REST) {
				c_slot(b, s, (uint8_t)(HC_TOPHASH_MIN + k % 200), k);
				return 0;
			}
		}
		uint64_t next;
		memcpy(&next, at(b + C_OVF, 8), 8);
		if (!next) {
			next = falloc(C_BSIZE);
			p64(b + C_OVF, next);
			c_slot(next, 0, (uint8_t)(HC_TOPHASH_MIN + k % 200), k);
			return 1;
		}
		b = next;
	}
}

/* A healthy map of keys 1..n in 2^B buckets (key k in bucket k % 2^B). */
static uint64_t c_map(unsigned B, uint64_t n, uint64_t *buckets_ret)
{
	uint64_t nb = 1u << B;
	uint64_t buckets = falloc(nb * C_BSIZE);
	unsigned ovf = 0;
	for (uint64_t k = 1; k <= n; k++)
		ovf += c_insert(buckets + (k % nb) * C_BSIZE, k);
	if (buckets_ret)
		*buckets_ret = buckets;
	return c_header(n, 0, (uint8_t)B, (uint16_t)ovf, n || B ? buckets : 0, 0, B);
}

/* ------------------------------------------------ classic tests */

START_TEST(test_maps_classic_layout)
{
	struct hc_map_info mi = info_of(&t_cmap);
	ck_assert_int_eq(mi.flavour, HC_MAPS_CLASSIC);
	ck_assert_uint_eq(mi.bucket_size, C_BSIZE);
	ck_assert_uint_eq(mi.tophash_off, 0);
	ck_assert_uint_eq(mi.keys_off, C_KEYS);
	ck_assert_uint_eq(mi.elems_off, C_VALS);
	ck_assert_uint_eq(mi.overflow_off, C_OVF);
	ck_assert_uint_eq(mi.key_slot, 8);
	ck_assert_uint_eq(mi.elem_slot, 8);
	ck_assert(!mi.indirect_key && !mi.indirect_elem);
	ck_assert_int_eq(mi.B.off, 9);
	ck_assert_int_eq(mi.nevacuate.off, 32);
	/* Not a map. */
	struct hc_map_info x;
	struct hc_error *err = hc_map_info_from_type(NULL, &t_u64, &x);
	ck_assert_ptr_nonnull(err);
	hc_error_destroy(err);
}
END_TEST

START_TEST(test_maps_classic_healthy)
{
	fake_reset();
	uint64_t buckets;
	/* 4 buckets, 40 entries: 10 per bucket, so 4 overflow buckets. */
	uint64_t h = c_map(2, 40, &buckets);
	uint64_t empty = c_header(0, 0, 0, 0, 0, 0, 0);
	uint64_t one = c_map(0, 1, NULL);
	fake_open();
	struct hc_map_info mi = info_of(&t_cmap);
	struct hc_map_header hdr;
	ck_assert(!hc_map_read_header(F.as, &mi, h, &hdr));
	ck_assert_uint_eq(hdr.count, 40);
	ck_assert_uint_eq(hdr.B, 2);
	ck_assert_uint_eq(hdr.noverflow, 4);
	ck_assert_uint_eq(hdr.buckets, buckets);
	ck_assert(!hc_map_growing(&hdr));
	assert_keys_1_to_n(&mi, h, 40);
	assert_keys_1_to_n(&mi, empty, 0);
	assert_keys_1_to_n(&mi, one, 1);

	struct hc_map_stats st;
	ck_assert(!hc_map_stats(F.as, &mi, h, &st));
	ck_assert_uint_eq(st.entries, 40);
	ck_assert_uint_eq(st.nbuckets, 4);
	ck_assert_uint_eq(st.overflow_buckets, 4);
	ck_assert_uint_eq(st.chains[1], 4);
	ck_assert_uint_eq(st.longest_chain, 1);
	ck_assert_uint_eq(st.slots, 64);
	ck_assert_uint_eq(st.bytes, 8 * C_BSIZE + 48);
	ck_assert(st.load > 0.62 && st.load < 0.63);

	/* Units: bucket, its overflow, for each of 4 buckets. */
	struct hc_map_unit_iter ui;
	ck_assert(!hc_map_units_init(&ui, F.as, &mi, h));
	struct hc_map_unit u;
	bool done = false;
	unsigned n = 0, occupied = 0;
	while (!done) {
		ck_assert(!hc_map_units_next(&ui, &u, &done));
		if (done)
			break;
		ck_assert_int_eq(u.kind, n % 2 ? HC_MAP_UNIT_OVERFLOW : HC_MAP_UNIT_BUCKET);
		if (n % 2 == 0) {
			ck_assert_uint_eq(u.addr, buckets + (n / 2) * C_BSIZE);
			ck_assert_uint_eq(u.occupied, 8);
			ck_assert_uint_ne(u.overflow, 0);
		} else {
			ck_assert_uint_eq(u.chain_pos, 1);
			ck_assert_uint_eq(u.occupied, 2);
			ck_assert_uint_eq(u.ctrl[2], HC_TOPHASH_EMPTY_REST);
		}
		ck_assert_uint_eq(u.ctrl_addr, u.addr);
		occupied += u.occupied;
		n++;
	}
	ck_assert_uint_eq(n, 8);
	ck_assert_uint_eq(occupied, 40);
	ck_assert_str_eq(hc_map_unit_kind_name(HC_MAP_UNIT_OLD_OVERFLOW), "old overflow");

	struct hc_findings f;
	validate(&mi, h, false, &f);
	assert_no_finding(&f);
	hc_findings_deinit(&f);
	validate(&mi, empty, false, &f);
	assert_no_finding(&f);
	hc_findings_deinit(&f);
	validate(&mi, one, false, &f);
	assert_no_finding(&f);
	hc_findings_deinit(&f);
	fake_close();
}
END_TEST

/*
 * A map caught mid-growth: B = 2 (4 new buckets), 2 old buckets,
 * nevacuate 1: old bucket 0 evacuated (its keys in new buckets 0 and 2),
 * old bucket 1 (with an overflow bucket) not yet: its keys count once and
 * new buckets 1 and 3 are still empty.
 */
static uint64_t c_growing(uint64_t *old_ret, uint64_t *new_ret)
{
	uint64_t nb = falloc(4 * C_BSIZE), ob = falloc(2 * C_BSIZE);
	uint64_t k = 1;
	/* Evacuated old bucket 0: marks only, overflow word cleared. */
	for (int s = 0; s < 8; s++)
		p8(ob + s, s < 3 ? HC_TOPHASH_EVACUATED_X : s < 6 ? HC_TOPHASH_EVACUATED_Y
								 : HC_TOPHASH_EVACUATED_EMPTY);
	for (int s = 0; s < 3; s++)
		c_slot(nb + 0 * C_BSIZE, s, 9, k++);
	for (int s = 0; s < 3; s++)
		c_slot(nb + 2 * C_BSIZE, s, 9, k++);
	/* Unevacuated old bucket 1: 8 + 2 entries. */
	for (int i = 0; i < 10; i++)
		c_insert(ob + C_BSIZE, k++);
	*old_ret = ob;
	*new_ret = nb;
	return c_header(k - 1, 0, 2, 0, nb, ob, 1);
}

START_TEST(test_maps_classic_growing)
{
	fake_reset();
	uint64_t ob, nb;
	uint64_t h = c_growing(&ob, &nb);
	fake_open();
	struct hc_map_info mi = info_of(&t_cmap);
	struct hc_map_header hdr;
	ck_assert(!hc_map_read_header(F.as, &mi, h, &hdr));
	ck_assert(hc_map_growing(&hdr));
	ck_assert_uint_eq(hc_map_old_buckets(&hdr), 2);
	assert_keys_1_to_n(&mi, h, 16);
	struct hc_map_stats st;
	ck_assert(!hc_map_stats(F.as, &mi, h, &st));
	ck_assert_uint_eq(st.entries, 16);
	ck_assert_uint_eq(st.nold, 2);
	ck_assert_uint_eq(st.evacuated, 1);
	struct hc_findings f;
	validate(&mi, h, false, &f);
	assert_no_finding(&f);
	hc_findings_deinit(&f);

	/* Units: 4 new buckets, then old 0, old 1 + its overflow. */
	struct hc_map_unit_iter ui;
	ck_assert(!hc_map_units_init(&ui, F.as, &mi, h));
	struct hc_map_unit u;
	bool done = false;
	enum hc_map_unit_kind kinds[8];
	unsigned n = 0;
	while (n < 8) {
		ck_assert(!hc_map_units_next(&ui, &u, &done));
		if (done)
			break;
		kinds[n++] = u.kind;
	}
	ck_assert_uint_eq(n, 7);
	ck_assert_int_eq(kinds[4], HC_MAP_UNIT_OLD_BUCKET);
	ck_assert_int_eq(kinds[6], HC_MAP_UNIT_OLD_OVERFLOW);
	fake_close();
}
END_TEST

START_TEST(test_maps_classic_growth_contradictions)
{
	fake_reset();
	/* nevacuate past the old buckets. */
	uint64_t ob1, nb1;
	uint64_t h1 = c_growing(&ob1, &nb1);
	p64(h1 + 32, 3);
	/* An old bucket below nevacuate that is not evacuated. */
	uint64_t ob2, nb2;
	uint64_t h2 = c_growing(&ob2, &nb2);
	p64(h2 + 32, 2);
	/* New bucket 3 written although old bucket 1 is not evacuated. */
	uint64_t ob3, nb3;
	uint64_t h3 = c_growing(&ob3, &nb3);
	c_slot(nb3 + 3 * C_BSIZE, 0, 77, 999);
	/* sameSizeGrow without oldbuckets. */
	uint64_t h4 = c_map(1, 5, NULL);
	p8(h4 + 8, HC_HMAP_SAME_SIZE_GROW);
	/* Evacuation mark in a new bucket. */
	uint64_t b5;
	uint64_t h5 = c_map(1, 5, &b5);
	p8(b5 + C_BSIZE + 1, HC_TOPHASH_EVACUATED_Y);
	fake_open();
	struct hc_map_info mi = info_of(&t_cmap);
	struct hc_findings f;
	validate(&mi, h1, false, &f);
	assert_finding(&f, HC_FINDING_MAP_GROWTH, h1);
	hc_findings_deinit(&f);
	validate(&mi, h2, false, &f);
	assert_finding(&f, HC_FINDING_MAP_GROWTH, ob2 + C_BSIZE);
	hc_findings_deinit(&f);
	validate(&mi, h3, false, &f);
	assert_finding(&f, HC_FINDING_MAP_GROWTH, nb3 + 3 * C_BSIZE);
	hc_findings_deinit(&f);
	validate(&mi, h4, false, &f);
	assert_finding(&f, HC_FINDING_MAP_GROWTH, h4);
	hc_findings_deinit(&f);
	validate(&mi, h5, false, &f);
	assert_finding(&f, HC_FINDING_MAP_TOPHASH, b5 + C_BSIZE + 1);
	hc_findings_deinit(&f);
	fake_close();
}
END_TEST

START_TEST(test_maps_classic_count)
{
	fake_reset();
	uint64_t h1 = c_map(1, 10, NULL);
	p64(h1, 12); /* two off */
	uint64_t h2 = c_map(1, 10, NULL);
	p64(h2, 11); /* one off, nobody writing */
	uint64_t h3 = c_map(1, 10, NULL);
	p64(h3, 11); /* one off, hashWriting set */
	p8(h3 + 8, HC_HMAP_WRITING);
	uint64_t h4 = c_map(0, 3, NULL);
	p64(h4, 1000000000); /* count of 10^9 */
	fake_open();
	struct hc_map_info mi = info_of(&t_cmap);
	struct hc_findings f;
	validate(&mi, h1, false, &f);
	assert_finding(&f, HC_FINDING_MAP_COUNT, h1);
	hc_findings_deinit(&f);
	/* One off is allowed only while a write is in flight. */
	validate(&mi, h2, false, &f);
	assert_finding(&f, HC_FINDING_MAP_COUNT, h2);
	hc_findings_deinit(&f);
	validate(&mi, h2, true, &f);
	assert_no_finding(&f);
	hc_findings_deinit(&f);
	validate(&mi, h3, false, &f);
	ck_assert(!has_code(&f, HC_FINDING_MAP_COUNT));
	assert_finding(&f, HC_FINDING_MAP_WRITING, h3);
	ck_assert_uint_eq(f.v.size, 1);
	ck_assert_int_eq(f.v.data[0].severity, HC_SEVERITY_WARNING);
	ck_assert_ptr_nonnull(strstr(hc_finding_code_remedy(HC_FINDING_MAP_WRITING), "weak evidence"));
	hc_findings_deinit(&f);
	/* Iteration does not trust count. */
	size_t n;
	ck_assert(!iterate(&mi, h4, NULL, 0, &n));
	ck_assert_uint_eq(n, 3);
	validate(&mi, h4, false, &f);
	assert_finding(&f, HC_FINDING_MAP_COUNT, h4);
	hc_findings_deinit(&f);
	fake_close();
}
END_TEST

START_TEST(test_maps_classic_tophash)
{
	fake_reset();
	/* A live slot after emptyRest. */
	uint64_t b1;
	uint64_t h1 = c_map(0, 3, &b1);
	c_slot(b1, 5, 42, 4); /* slots 3, 4 emptyRest, 5 live */
	p64(h1, 4);
	fake_open();
	struct hc_map_info mi = info_of(&t_cmap);
	struct hc_findings f;
	validate(&mi, h1, false, &f);
	assert_finding(&f, HC_FINDING_MAP_TOPHASH, b1 + 5);
	hc_findings_deinit(&f);
	fake_close();
}
END_TEST

START_TEST(test_maps_classic_overflow_cycle)
{
	fake_reset();
	/* bucket -> o1 -> o2 -> o3 -> o1 */
	uint64_t b;
	uint64_t h = c_map(0, 8, &b);
	uint64_t o[3];
	for (int i = 0; i < 3; i++) {
		o[i] = falloc(C_BSIZE);
		for (int s = 0; s < 8; s++)
			c_slot(o[i], s, 50, 100 + 8 * (uint64_t)i + (uint64_t)s);
	}
	p64(b + C_OVF, o[0]);
	p64(o[0] + C_OVF, o[1]);
	p64(o[1] + C_OVF, o[2]);
	p64(o[2] + C_OVF, o[0]);
	/* A chain longer than any map of one bucket can have. */
	uint64_t b2;
	uint64_t h2 = c_map(0, 8, &b2);
	uint64_t prev = b2;
	uint64_t budget = hc_map_overflow_budget(1, 0);
	uint64_t chain[1100];
	for (unsigned i = 0; i < 1100; i++) {
		chain[i] = falloc(C_BSIZE);
		p64(prev + C_OVF, chain[i]);
		prev = chain[i];
	}
	ck_assert_uint_lt(budget, 1100);
	fake_open();
	struct hc_map_info mi = info_of(&t_cmap);
	struct hc_findings f;
	validate(&mi, h, false, &f);
	/* The bucket whose overflow pointer closes the loop. */
	assert_finding(&f, HC_FINDING_MAP_OVERFLOW_CYCLE, o[2]);
	ck_assert_uint_eq(f.v.data[0].addrs[1], o[0]);
	ck_assert_uint_eq(f.v.data[0].addrs[2], b);
	hc_findings_deinit(&f);
	size_t n;
	struct hc_error *err = iterate(&mi, h, NULL, 0, &n);
	ck_assert_ptr_nonnull(err);
	ck_assert_int_eq(err->code, HC_ERROR_BAD_DATA);
	ck_assert_uint_le(n, 8 * 8);
	hc_error_destroy(err);
	struct hc_map_stats st;
	err = hc_map_stats(F.as, &mi, h, &st);
	ck_assert_ptr_nonnull(err);
	hc_error_destroy(err);
	struct hc_map_unit_iter ui;
	struct hc_map_unit u;
	bool done = false;
	ck_assert(!hc_map_units_init(&ui, F.as, &mi, h));
	unsigned units = 0;
	for (err = NULL; !err && !done && units < 100; units++)
		err = hc_map_units_next(&ui, &u, &done);
	ck_assert_ptr_nonnull(err);
	hc_error_destroy(err);

	validate(&mi, h2, false, &f);
	/* Over the budget at its (budget+1)-th overflow bucket. */
	assert_finding(&f, HC_FINDING_MAP_OVERFLOW_CYCLE, chain[budget - 1]);
	hc_findings_deinit(&f);
	err = iterate(&mi, h2, NULL, 0, &n);
	ck_assert_ptr_nonnull(err);
	hc_error_destroy(err);
	fake_close();
}
END_TEST

START_TEST(test_maps_classic_noverflow)
{
	fake_reset();
	uint64_t h = c_map(1, 20, NULL); /* 2 buckets of 10: 2 overflow */
	p16(h + 10, 5);
	fake_open();
	struct hc_map_info mi = info_of(&t_cmap);
	struct hc_findings f;
	validate(&mi, h, false, &f);
	assert_finding(&f, HC_FINDING_MAP_NOVERFLOW, h);
	ck_assert_uint_eq(f.v.size, 1);
	hc_findings_deinit(&f);
	fake_close();
}
END_TEST

START_TEST(test_maps_classic_nil_buckets)
{
	fake_reset();
	uint64_t h = c_header(5, 0, 0, 0, 0, 0, 0);
	fake_open();
	struct hc_map_info mi = info_of(&t_cmap);
	struct hc_findings f;
	validate(&mi, h, false, &f);
	assert_finding(&f, HC_FINDING_MAP_NIL_BUCKETS, h);
	hc_findings_deinit(&f);
	size_t n;
	ck_assert(!iterate(&mi, h, NULL, 0, &n));
	ck_assert_uint_eq(n, 0);
	fake_close();
}
END_TEST

START_TEST(test_maps_classic_bad_pointers)
{
	fake_reset();
	/* Buckets in unmapped memory. */
	uint64_t h1 = c_header(3, 0, 1, 0, WILD, 0, 0);
	/* An overflow pointer into unmapped memory. */
	uint64_t b2;
	uint64_t h2 = c_map(0, 8, &b2);
	p64(b2 + C_OVF, WILD + 0x100);
	/* B = 3 but the bucket array's heap object holds 4 buckets. */
	uint64_t b3 = falloc(4 * C_BSIZE);
	fgap(4 * C_BSIZE);
	uint64_t h3 = c_header(0, 0, 3, 0, b3, 0, 3);
	/* Buckets outside any live heap object. */
	uint64_t b4 = fgap(2 * C_BSIZE);
	uint64_t h4 = c_header(0, 0, 1, 0, b4, 0, 1);
	/* Old buckets unmapped. */
	uint64_t nb5 = falloc(4 * C_BSIZE);
	uint64_t h5 = c_header(0, 0, 2, 0, nb5, WILD, 0);
	fake_open();
	struct hc_map_info mi = info_of(&t_cmap);
	struct hc_findings f;
	validate(&mi, h1, false, &f);
	assert_finding(&f, HC_FINDING_MAP_BAD_POINTER, WILD);
	hc_findings_deinit(&f);
	size_t n;
	struct hc_error *err = iterate(&mi, h1, NULL, 0, &n);
	ck_assert_ptr_nonnull(err);
	ck_assert_int_eq(err->code, HC_ERROR_FAULT);
	hc_error_destroy(err);
	validate(&mi, h2, false, &f);
	assert_finding(&f, HC_FINDING_MAP_BAD_POINTER, WILD + 0x100);
	hc_findings_deinit(&f);
	validate(&mi, h3, false, &f);
	assert_finding(&f, HC_FINDING_MAP_BAD_POINTER, b3);
	ck_assert_ptr_nonnull(strstr(f.v.data[0].message, "heap object"));
	hc_findings_deinit(&f);
	validate(&mi, h4, false, &f);
	assert_finding(&f, HC_FINDING_MAP_BAD_POINTER, b4);
	hc_findings_deinit(&f);
	validate(&mi, h5, false, &f);
	assert_finding(&f, HC_FINDING_MAP_BAD_POINTER, WILD);
	hc_findings_deinit(&f);
	fake_close();
}
END_TEST

START_TEST(test_maps_classic_oversized)
{
	fake_reset();
	uint64_t h = c_map(7, 3, NULL); /* 128 buckets, 1024 slots, 3 entries */
	fake_open();
	struct hc_map_info mi = info_of(&t_cmap);
	struct hc_findings f;
	validate(&mi, h, false, &f);
	assert_finding(&f, HC_FINDING_MAP_OVERSIZED, h);
	ck_assert_uint_eq(f.v.size, 1);
	ck_assert_int_eq(f.v.data[0].severity, HC_SEVERITY_INFO);
	hc_findings_deinit(&f);
	struct hc_map_stats st;
	ck_assert(!hc_map_stats(F.as, &mi, h, &st));
	ck_assert_uint_gt(st.bytes, 10 * st.bytes_needed);
	fake_close();
}
END_TEST

START_TEST(test_maps_classic_adversarial)
{
	fake_reset();
	uint64_t b;
	uint64_t h1 = c_map(0, 3, &b);
	p8(h1 + 9, 255); /* B = 255 */
	uint64_t h2 = c_map(0, 3, NULL);
	p8(h2 + 9, 63); /* B = 63 */
	uint64_t h3 = c_map(0, 3, NULL);
	p8(h3 + 9, 30); /* B = 30: ends outside memory */
	fake_open();
	struct hc_map_info mi = info_of(&t_cmap);
	clock_t t0 = clock();
	uint64_t hs[] = {h1, h2, h3};
	for (int i = 0; i < 3; i++) {
		struct hc_findings f;
		validate(&mi, hs[i], false, &f);
		assert_finding(&f, HC_FINDING_MAP_BAD_POINTER, i == 0 ? b : f.v.data[0].addrs[0]);
		ck_assert(has_code(&f, HC_FINDING_MAP_BAD_POINTER));
		hc_findings_deinit(&f);
		size_t n;
		struct hc_error *err = iterate(&mi, hs[i], NULL, 0, &n);
		ck_assert_ptr_nonnull(err);
		hc_error_destroy(err);
		struct hc_map_stats st;
		err = hc_map_stats(F.as, &mi, hs[i], &st);
		ck_assert_ptr_nonnull(err);
		hc_error_destroy(err);
	}
	ck_assert_double_lt((double)(clock() - t0) / CLOCKS_PER_SEC, 2.0);
	/* The header itself unreadable. */
	struct hc_findings f;
	validate(&mi, WILD, false, &f);
	assert_finding(&f, HC_FINDING_MAP_BAD_POINTER, WILD);
	hc_findings_deinit(&f);
	fake_close();
}
END_TEST

/* ------------------------------------------------ Swiss builders */

static uint64_t s_header(uint64_t used, uint64_t dir_ptr, uint64_t dir_len,
			 uint8_t depth)
{
	uint64_t h = falloc(48);
	p64(h, used);
	p64(h + 8, 0x5eed);
	p64(h + 16, dir_ptr);
	p64(h + 24, dir_len);
	p8(h + 32, depth);
	p8(h + 33, dir_len ? (uint8_t)(64 - depth) : 0);
	p8(h + 35, 1); /* tombstonePossible */
	return h;
}

static void s_slot(uint64_t g, int s, uint64_t k, bool split)
{
	p8(g + (uint64_t)s, (uint8_t)(k & 0x7f));
	if (split) {
		p64(g + 8 + 8 * (uint64_t)s, k);
		p64(g + 72 + 8 * (uint64_t)s, k * 10);
	} else {
		p64(g + S_SLOTS + S_SLOT * (uint64_t)s, k);
		p64(g + S_SLOTS + S_SLOT * (uint64_t)s + 8, k * 10);
	}
}

static uint64_t s_group(void)
{
	uint64_t g = falloc(S_GSIZE);
	p64(g, 0x8080808080808080ULL);
	return g;
}

/* A small map of keys 1..n (n <= 8). */
static uint64_t s_small(unsigned n, bool split, uint64_t *group_ret)
{
	uint64_t g = s_group();
	for (unsigned i = 0; i < n; i++)
		s_slot(g, (int)i, i + 1, split);
	if (group_ret)
		*group_ret = g;
	return s_header(n, g, 0, 0);
}

/* A table of @p cap slots holding keys first..first+n-1, spread over its
 * groups (a group keeps at least one empty slot). */
static uint64_t s_table(uint16_t cap, uint64_t first, unsigned n, uint8_t local_depth,
			int64_t index, bool split, uint64_t *groups_ret)
{
	uint64_t ngroups = cap / 8;
	uint64_t groups = falloc(ngroups * S_GSIZE);
	for (uint64_t g = 0; g < ngroups; g++)
		p64(groups + g * S_GSIZE, 0x8080808080808080ULL);
	for (unsigned i = 0; i < n; i++)
		s_slot(groups + (i % ngroups) * S_GSIZE, (int)(i / ngroups), first + i, split);
	uint64_t t = falloc(S_TSIZE);
	p16(t, (uint16_t)n);
	p16(t + 2, cap);
	uint16_t max = cap <= 8 ? cap - 1 : cap * 7 / 8;
	p16(t + 4, (uint16_t)(max - n));
	p8(t + 6, local_depth);
	p64(t + 8, (uint64_t)index);
	p64(t + 16, groups);
	p64(t + 24, ngroups - 1);
	if (groups_ret)
		*groups_ret = groups;
	return t;
}

/*
 * A directory map, globalDepth 2: table A (localDepth 1) in slots 0 and 1,
 * B in 2, C in 3; 10 + 12 + 5 = 27 entries, keys 1..27.
 */
struct sdir {
	uint64_t h, dir, t[3], groups[3];
};

static struct sdir s_dir(bool split)
{
	struct sdir d;
	d.t[0] = s_table(16, 1, 10, 1, 0, split, &d.groups[0]);
	d.t[1] = s_table(16, 11, 12, 2, 2, split, &d.groups[1]);
	d.t[2] = s_table(16, 23, 5, 2, 3, split, &d.groups[2]);
	d.dir = falloc(4 * 8);
	p64(d.dir, d.t[0]);
	p64(d.dir + 8, d.t[0]);
	p64(d.dir + 16, d.t[1]);
	p64(d.dir + 24, d.t[2]);
	d.h = s_header(27, d.dir, 4, 2);
	return d;
}

/* ------------------------------------------------ Swiss tests */

START_TEST(test_maps_swiss_layout)
{
	struct hc_map_info mi = info_of(&t_swiss);
	ck_assert_int_eq(mi.flavour, HC_MAPS_SWISS);
	ck_assert_uint_eq(mi.group_size, S_GSIZE);
	ck_assert_uint_eq(mi.ctrl_off, 0);
	ck_assert(!mi.split_group);
	ck_assert_uint_eq(mi.slots_off, S_SLOTS);
	ck_assert_uint_eq(mi.slot_size, S_SLOT);
	ck_assert_uint_eq(mi.slot_key_off, 0);
	ck_assert_uint_eq(mi.slot_elem_off, 8);
	ck_assert_uint_eq(mi.table_size, S_TSIZE);
	ck_assert_int_eq(mi.t_groups_data.off, 16);
	ck_assert_int_eq(mi.t_groups_mask.off, 24);
	struct hc_map_info ms = info_of(&t_swiss_split);
	ck_assert(ms.split_group);
	ck_assert_uint_eq(ms.keys_off, 8);
	ck_assert_uint_eq(ms.elems_off, 72);
	ck_assert_uint_eq(ms.key_stride, 8);
	ck_assert_uint_eq(ms.elem_stride, 8);
}
END_TEST

START_TEST(test_maps_swiss_small)
{
	fake_reset();
	uint64_t g;
	uint64_t h = s_small(5, false, &g);
	uint64_t full = s_small(8, false, NULL); /* a small map may be full */
	uint64_t empty = s_header(0, 0, 0, 0);
	fake_open();
	struct hc_map_info mi = info_of(&t_swiss);
	struct hc_map_header hdr;
	ck_assert(!hc_map_read_header(F.as, &mi, h, &hdr));
	ck_assert_uint_eq(hdr.count, 5);
	ck_assert_uint_eq(hdr.dir_len, 0);
	ck_assert_uint_eq(hdr.dir_ptr, g);
	ck_assert_int_eq(hdr.tombstone_possible, 1);
	assert_keys_1_to_n(&mi, h, 5);
	assert_keys_1_to_n(&mi, full, 8);
	assert_keys_1_to_n(&mi, empty, 0);
	struct hc_map_stats st;
	ck_assert(!hc_map_stats(F.as, &mi, h, &st));
	ck_assert_uint_eq(st.entries, 5);
	ck_assert_uint_eq(st.groups, 1);
	ck_assert_uint_eq(st.capacity, 8);
	struct hc_map_unit_iter ui;
	struct hc_map_unit u;
	bool done = false;
	ck_assert(!hc_map_units_init(&ui, F.as, &mi, h));
	ck_assert(!hc_map_units_next(&ui, &u, &done));
	ck_assert(!done);
	ck_assert_int_eq(u.kind, HC_MAP_UNIT_SMALL_GROUP);
	ck_assert_uint_eq(u.addr, g);
	ck_assert_uint_eq(u.occupied, 5);
	ck_assert_uint_eq(u.ctrl[5], HC_CTRL_EMPTY);
	ck_assert(!hc_map_units_next(&ui, &u, &done));
	ck_assert(done);
	struct hc_findings f;
	uint64_t maps[] = {h, full, empty};
	for (int i = 0; i < 3; i++) {
		validate(&mi, maps[i], false, &f);
		assert_no_finding(&f);
		hc_findings_deinit(&f);
	}
	fake_close();
}
END_TEST

START_TEST(test_maps_swiss_directory)
{
	for (int split = 0; split < 2; split++) {
		fake_reset();
		struct sdir d = s_dir(split);
		fake_open();
		struct hc_map_info mi = info_of(split ? &t_swiss_split : &t_swiss);
		/* Table A, shared by slots 0 and 1, is visited once. */
		assert_keys_1_to_n(&mi, d.h, 27);
		struct hc_map_stats st;
		ck_assert(!hc_map_stats(F.as, &mi, d.h, &st));
		ck_assert_uint_eq(st.entries, 27);
		ck_assert_uint_eq(st.tables, 3);
		ck_assert_uint_eq(st.groups, 6);
		ck_assert_uint_eq(st.capacity, 48);
		ck_assert_uint_eq(st.tombstones, 0);
		struct hc_map_unit_iter ui;
		struct hc_map_unit u;
		bool done = false;
		ck_assert(!hc_map_units_init(&ui, F.as, &mi, d.h));
		unsigned n = 0, occ = 0;
		for (;;) {
			ck_assert(!hc_map_units_next(&ui, &u, &done));
			if (done)
				break;
			ck_assert_int_eq(u.kind, HC_MAP_UNIT_GROUP);
			ck_assert_uint_eq(u.table, d.t[n / 2]);
			ck_assert_uint_eq(u.table_index, n / 2 == 0 ? 0 : n / 2 + 1);
			ck_assert_uint_eq(u.addr, d.groups[n / 2] + (n % 2) * S_GSIZE);
			occ += u.occupied;
			n++;
		}
		ck_assert_uint_eq(n, 6);
		ck_assert_uint_eq(occ, 27);
		struct hc_findings f;
		unsigned before = validations_with_stats;
		validate(&mi, d.h, false, &f);
		assert_no_finding(&f);
		/* Its stats came from the validation's walk. */
		ck_assert_uint_eq(validations_with_stats, before + 1);
		hc_findings_deinit(&f);
		fake_close();
	}
}
END_TEST

START_TEST(test_maps_swiss_count)
{
	fake_reset();
	struct sdir d1 = s_dir(false);
	p64(d1.h, 30); /* total off by 3 */
	struct sdir d2 = s_dir(false);
	p16(d2.t[1], 13); /* table B says 13, holds 12 */
	p16(d2.t[1] + 4, 1); /* growthLeft consistent with 13 */
	p64(d2.h, 28);
	struct sdir d3 = s_dir(false);
	p16(d3.t[2] + 4, 3); /* growthLeft: 14 - 5 = 9 expected */
	uint64_t g4;
	uint64_t h4 = s_small(5, false, &g4);
	p64(h4, 7);
	uint64_t h5 = s_small(5, false, NULL);
	p64(h5, 1000000000); /* used of 10^9 */
	fake_open();
	struct hc_map_info mi = info_of(&t_swiss);
	struct hc_findings f;
	validate(&mi, d1.h, false, &f);
	assert_finding(&f, HC_FINDING_MAP_COUNT, d1.h);
	ck_assert_uint_eq(f.v.size, 1);
	hc_findings_deinit(&f);
	validate(&mi, d2.h, false, &f);
	assert_finding(&f, HC_FINDING_MAP_COUNT, d2.t[1]);
	hc_findings_deinit(&f);
	validate(&mi, d3.h, false, &f);
	assert_finding(&f, HC_FINDING_MAP_COUNT, d3.t[2]);
	hc_findings_deinit(&f);
	validate(&mi, h4, false, &f);
	assert_finding(&f, HC_FINDING_MAP_COUNT, h4);
	hc_findings_deinit(&f);
	validate(&mi, h5, false, &f);
	assert_finding(&f, HC_FINDING_MAP_COUNT, h5);
	hc_findings_deinit(&f);
	fake_close();
}
END_TEST

START_TEST(test_maps_swiss_writing)
{
	fake_reset();
	uint64_t h1 = s_small(5, false, NULL);
	p8(h1 + 34, 1);
	p64(h1, 6); /* a write caught between ctrl and used: one off */
	struct sdir d = s_dir(false);
	p64(d.h, 28); /* one off, nobody writing: a finding */
	fake_open();
	struct hc_map_info mi = info_of(&t_swiss);
	struct hc_findings f;
	validate(&mi, h1, false, &f);
	assert_finding(&f, HC_FINDING_MAP_WRITING, h1);
	ck_assert_uint_eq(f.v.size, 1);
	ck_assert_int_eq(f.v.data[0].severity, HC_SEVERITY_WARNING);
	hc_findings_deinit(&f);
	validate(&mi, d.h, false, &f);
	assert_finding(&f, HC_FINDING_MAP_COUNT, d.h);
	hc_findings_deinit(&f);
	validate(&mi, d.h, true, &f);
	assert_no_finding(&f);
	hc_findings_deinit(&f);
	fake_close();
}
END_TEST

START_TEST(test_maps_swiss_ctrl)
{
	fake_reset();
	/* A control byte the runtime never writes. */
	struct sdir d1 = s_dir(false);
	p8(d1.groups[1] + S_GSIZE + 7, 0x81);
	/* Tombstones although tombstonePossible is false. */
	struct sdir d2 = s_dir(false);
	p8(d2.groups[2] + 6, HC_CTRL_DELETED);
	p16(d2.t[2] + 4, 8); /* growthLeft 14 - 5 - 1 */
	p8(d2.h + 35, 0);
	/* The same with tombstonePossible set: healthy. */
	struct sdir d3 = s_dir(false);
	p8(d3.groups[2] + 6, HC_CTRL_DELETED);
	p16(d3.t[2] + 4, 8);
	/* No empty slot left: every slot full or deleted. */
	struct sdir d4 = s_dir(false);
	uint64_t g = d4.groups[2];
	for (int i = 0; i < 16; i++) {
		uint64_t ga = g + (uint64_t)(i % 2) * S_GSIZE;
		int s = i / 2;
		if (*at(ga + (uint64_t)s, 1) == HC_CTRL_EMPTY)
			p8(ga + (uint64_t)s, HC_CTRL_DELETED);
	}
	/* A tombstone in a small map. */
	uint64_t g5;
	uint64_t h5 = s_small(3, false, &g5);
	p8(g5 + 4, HC_CTRL_DELETED);
	fake_open();
	struct hc_map_info mi = info_of(&t_swiss);
	struct hc_findings f;
	validate(&mi, d1.h, false, &f);
	assert_finding(&f, HC_FINDING_MAP_CTRL, d1.groups[1] + S_GSIZE + 7);
	hc_findings_deinit(&f);
	validate(&mi, d2.h, false, &f);
	assert_finding(&f, HC_FINDING_MAP_CTRL, d2.t[2]);
	ck_assert_uint_eq(f.v.size, 1);
	hc_findings_deinit(&f);
	validate(&mi, d3.h, false, &f);
	assert_no_finding(&f);
	hc_findings_deinit(&f);
	validate(&mi, d4.h, false, &f);
	assert_finding(&f, HC_FINDING_MAP_CTRL, d4.t[2]);
	hc_findings_deinit(&f);
	validate(&mi, h5, false, &f);
	assert_finding(&f, HC_FINDING_MAP_CTRL, g5);
	hc_findings_deinit(&f);
	/* Iteration skips tombstones and invalid bytes never yield entries
	 * twice. */
	assert_keys_1_to_n(&mi, d3.h, 27);
	fake_close();
}
END_TEST

START_TEST(test_maps_swiss_directory_depths)
{
	fake_reset();
	/* dirLen not 2^globalDepth. */
	struct sdir d1 = s_dir(false);
	p8(d1.h + 32, 3);
	p8(d1.h + 33, 61);
	/* globalShift not 64 - globalDepth. */
	struct sdir d2 = s_dir(false);
	p8(d2.h + 33, 60);
	/* localDepth above globalDepth. */
	struct sdir d3 = s_dir(false);
	p8(d3.t[1] + 6, 3);
	/* Table A has localDepth 1 but slot 1 holds table C. */
	struct sdir d4 = s_dir(false);
	p64(d4.dir + 8, d4.t[2]);
	/* Table C's index says 7 (out of range). */
	struct sdir d5 = s_dir(false);
	p64(d5.t[2] + 8, 7);
	/* Table B's capacity is not a power of two; C's is over 1024. */
	struct sdir d6 = s_dir(false);
	p16(d6.t[1] + 2, 24);
	struct sdir d7 = s_dir(false);
	p16(d7.t[2] + 2, 2048);
	/* A nil directory slot. */
	struct sdir d8 = s_dir(false);
	p64(d8.dir + 24, 0);
	fake_open();
	struct hc_map_info mi = info_of(&t_swiss);
	struct hc_findings f;
	validate(&mi, d1.h, false, &f);
	assert_finding(&f, HC_FINDING_MAP_DIRECTORY, d1.h);
	hc_findings_deinit(&f);
	validate(&mi, d2.h, false, &f);
	assert_finding(&f, HC_FINDING_MAP_DIRECTORY, d2.h);
	ck_assert_uint_eq(f.v.size, 1);
	hc_findings_deinit(&f);
	validate(&mi, d3.h, false, &f);
	assert_finding(&f, HC_FINDING_MAP_DIRECTORY, d3.t[1]);
	hc_findings_deinit(&f);
	validate(&mi, d4.h, false, &f);
	assert_finding(&f, HC_FINDING_MAP_DIRECTORY, d4.dir + 8);
	hc_findings_deinit(&f);
	validate(&mi, d5.h, false, &f);
	assert_finding(&f, HC_FINDING_MAP_DIRECTORY, d5.t[2]);
	hc_findings_deinit(&f);
	validate(&mi, d6.h, false, &f);
	assert_finding(&f, HC_FINDING_MAP_DIRECTORY, d6.t[1]);
	hc_findings_deinit(&f);
	validate(&mi, d7.h, false, &f);
	assert_finding(&f, HC_FINDING_MAP_DIRECTORY, d7.t[2]);
	hc_findings_deinit(&f);
	validate(&mi, d8.h, false, &f);
	assert_finding(&f, HC_FINDING_MAP_DIRECTORY, d8.dir + 24);
	hc_findings_deinit(&f);
	fake_close();
}
END_TEST

/* A directory walked in two halves at once (validate.h split) gives the
 * serial walk's findings, in its order, and its stats: the halves of a
 * 4-slot directory are slots 0-1 and 2-3 with HMAPCORE_THREADS=2. */
static void validate_env(const struct hc_map_info *mi, uint64_t addr, bool split,
			 struct hc_findings *out, struct hc_map_stats *st, bool *done)
{
	memset(st, 0, sizeof(*st));
	struct hc_validate_env env = {
		.as = F.as,
		.stats = st,
		.stats_done = done,
		.split = split,
	};
	hc_findings_init(out);
	hc_validate_map(&env, mi, addr, "m", out);
	ck_assert(!out->nomem);
}

START_TEST(test_maps_swiss_split_walk)
{
	fake_reset();
	struct sdir d[5];
	for (int i = 0; i < 5; i++)
		d[i] = s_dir(false);
	p64(d[1].dir + 24, 0);        /* a nil slot in the second half */
	p64(d[2].dir, d[2].h);        /* the first half stops at slot 0 ... */
	p64(d[2].dir + 24, 0);        /* ... so the second half's finding is not one */
	p16(d[3].t[1] + 2, 24);       /* the second half cannot be walked whole */
	p8(d[4].t[0] + 6, 3);         /* a finding in each half */
	p64(d[4].dir + 24, 0);
	fake_open();
	struct hc_map_info mi = info_of(&t_swiss);
	const char *old = getenv("HMAPCORE_THREADS");
	char *saved = old ? strdup(old) : NULL;
	setenv("HMAPCORE_THREADS", "2", 1);
	size_t nfindings[5];
	for (int i = 0; i < 5; i++) {
		struct hc_findings a, b;
		struct hc_map_stats sa, sb;
		bool da = false, db = false;
		validate_env(&mi, d[i].h, false, &a, &sa, &da);
		validate_env(&mi, d[i].h, true, &b, &sb, &db);
		ck_assert_uint_eq(a.v.size, b.v.size);
		for (size_t k = 0; k < a.v.size; k++) {
			ck_assert_int_eq(a.v.data[k].code, b.v.data[k].code);
			ck_assert_str_eq(a.v.data[k].message, b.v.data[k].message);
			ck_assert_uint_eq(a.v.data[k].addrs[0], b.v.data[k].addrs[0]);
			ck_assert_uint_eq(a.v.data[k].seq, b.v.data[k].seq);
		}
		ck_assert_int_eq(da, db);
		if (da)
			ck_assert_mem_eq(&sa, &sb, sizeof(sa));
		nfindings[i] = a.v.size;
		hc_findings_deinit(&a);
		hc_findings_deinit(&b);
	}
	if (saved)
		setenv("HMAPCORE_THREADS", saved, 1);
	else
		unsetenv("HMAPCORE_THREADS");
	free(saved);
	/* The cases are what they say. */
	ck_assert_uint_eq(nfindings[0], 0);
	ck_assert_uint_ge(nfindings[1], 1);
	ck_assert_uint_eq(nfindings[2], 1);
	ck_assert_uint_ge(nfindings[4], nfindings[1] + 1);
	fake_close();
}
END_TEST

START_TEST(test_maps_swiss_nil_and_bad_pointers)
{
	fake_reset();
	uint64_t h1 = s_header(4, 0, 0, 0);
	uint64_t h2 = s_header(4, WILD, 0, 0); /* small group unmapped */
	struct sdir d3 = s_dir(false);
	p64(d3.dir + 16, WILD + 0x40); /* a table unmapped */
	struct sdir d4 = s_dir(false);
	p64(d4.t[2] + 16, WILD + 0x80); /* a group array unmapped */
	struct sdir d5 = s_dir(false);
	uint64_t gap = fgap(S_TSIZE); /* a table outside any heap object */
	memcpy(at(gap, S_TSIZE), at(d5.t[2], S_TSIZE), S_TSIZE);
	p64(d5.dir + 24, gap);
	fake_open();
	struct hc_map_info mi = info_of(&t_swiss);
	struct hc_findings f;
	validate(&mi, h1, false, &f);
	assert_finding(&f, HC_FINDING_MAP_NIL_BUCKETS, h1);
	hc_findings_deinit(&f);
	validate(&mi, h2, false, &f);
	assert_finding(&f, HC_FINDING_MAP_BAD_POINTER, WILD);
	hc_findings_deinit(&f);
	validate(&mi, d3.h, false, &f);
	assert_finding(&f, HC_FINDING_MAP_BAD_POINTER, WILD + 0x40);
	hc_findings_deinit(&f);
	validate(&mi, d4.h, false, &f);
	assert_finding(&f, HC_FINDING_MAP_BAD_POINTER, WILD + 0x80);
	hc_findings_deinit(&f);
	validate(&mi, d5.h, false, &f);
	assert_finding(&f, HC_FINDING_MAP_BAD_POINTER, gap);
	hc_findings_deinit(&f);
	size_t n;
	struct hc_error *err = iterate(&mi, d4.h, NULL, 0, &n);
	ck_assert_ptr_nonnull(err);
	ck_assert_int_eq(err->code, HC_ERROR_FAULT);
	hc_error_destroy(err);
	fake_close();
}
END_TEST

START_TEST(test_maps_swiss_oversized)
{
	fake_reset();
	/* Two tables of 1024 slots holding 10 entries: a map that grew and
	 * was emptied. */
	uint64_t t0 = s_table(1024, 1, 6, 1, 0, false, NULL);
	uint64_t t1 = s_table(1024, 7, 4, 1, 1, false, NULL);
	uint64_t dir = falloc(16);
	p64(dir, t0);
	p64(dir + 8, t1);
	uint64_t h = s_header(10, dir, 2, 1);
	fake_open();
	struct hc_map_info mi = info_of(&t_swiss);
	struct hc_findings f;
	validate(&mi, h, false, &f);
	assert_finding(&f, HC_FINDING_MAP_OVERSIZED, h);
	ck_assert_uint_eq(f.v.size, 1);
	hc_findings_deinit(&f);
	assert_keys_1_to_n(&mi, h, 10);
	struct hc_map_stats st;
	ck_assert(!hc_map_stats(F.as, &mi, h, &st));
	ck_assert_uint_eq(st.capacity, 2048);
	ck_assert_uint_gt(st.bytes, 20 * st.bytes_needed);
	fake_close();
}
END_TEST

START_TEST(test_maps_swiss_adversarial)
{
	fake_reset();
	/* The directory's slots point at the directory itself. */
	uint64_t dir = falloc(32);
	for (int i = 0; i < 4; i++)
		p64(dir + 8 * (uint64_t)i, dir);
	uint64_t h1 = s_header(5, dir, 4, 2);
	/* dirLen 2^40. */
	struct sdir d2 = s_dir(false);
	p64(d2.h + 24, 1ULL << 40);
	/* Directory slot pointing at the map header. */
	struct sdir d3 = s_dir(false);
	p64(d3.dir, d3.h);
	/* A table claiming 2^16 groups. */
	struct sdir d4 = s_dir(false);
	p64(d4.t[1] + 24, 0xffff);
	fake_open();
	struct hc_map_info mi = info_of(&t_swiss);
	clock_t t0 = clock();
	uint64_t hs[] = {h1, d2.h, d3.h, d4.h};
	for (int i = 0; i < 4; i++) {
		struct hc_findings f;
		validate(&mi, hs[i], false, &f);
		ck_assert_msg(f.v.size > 0, "map %d: no finding", i);
		hc_findings_deinit(&f);
		size_t n;
		struct hc_error *err = iterate(&mi, hs[i], NULL, 0, &n);
		hc_error_destroy(err);
		struct hc_map_stats st;
		err = hc_map_stats(F.as, &mi, hs[i], &st);
		hc_error_destroy(err);
	}
	ck_assert_double_lt((double)(clock() - t0) / CLOCKS_PER_SEC, 2.0);
	struct hc_findings f;
	validate(&mi, d2.h, false, &f);
	assert_finding(&f, HC_FINDING_MAP_DIRECTORY, d2.h);
	hc_findings_deinit(&f);
	size_t n;
	struct hc_error *err = iterate(&mi, d2.h, NULL, 0, &n);
	ck_assert_ptr_nonnull(err);
	ck_assert_int_eq(err->code, HC_ERROR_BAD_DATA);
	hc_error_destroy(err);
	validate(&mi, d3.h, false, &f);
	assert_finding(&f, HC_FINDING_MAP_DIRECTORY, d3.dir);
	hc_findings_deinit(&f);
	validate(&mi, d4.h, false, &f);
	assert_finding(&f, HC_FINDING_MAP_DIRECTORY, d4.t[1]);
	hc_findings_deinit(&f);
	fake_close();
}
END_TEST

START_TEST(test_maps_findings_table)
{
	/* Every code has a distinct name, a text and a remedy. */
	for (int i = 0; i < HC_FINDING_NUM_CODES; i++) {
		const char *a = hc_finding_code_name((enum hc_finding_code)i);
		ck_assert_uint_gt(strlen(hc_finding_code_text((enum hc_finding_code)i)), 0);
		ck_assert_uint_gt(strlen(hc_finding_code_remedy((enum hc_finding_code)i)), 0);
		for (int j = 0; j < i; j++)
			ck_assert_str_ne(a, hc_finding_code_name((enum hc_finding_code)j));
	}
	const char *design[] = {"map-nil-buckets", "map-writing", "map-count", "map-tophash",
				"map-ctrl", "map-overflow-cycle", "map-bad-pointer", "map-growth",
				"map-oversized", "slice-nil-map", "slice-torn", "fatal",
				"core-truncated"};
	for (size_t k = 0; k < sizeof(design) / sizeof(design[0]); k++) {
		bool found = false;
		for (int i = 0; i < HC_FINDING_NUM_CODES; i++)
			found |= !strcmp(design[k], hc_finding_code_name((enum hc_finding_code)i));
		ck_assert_msg(found, "%s", design[k]);
	}
	ck_assert_int_eq(hc_finding_code_severity(HC_FINDING_MAP_OVERSIZED), HC_SEVERITY_INFO);
	ck_assert_int_eq(hc_finding_code_severity(HC_FINDING_MAP_WRITING), HC_SEVERITY_WARNING);
	enum hc_severity s;
	ck_assert(hc_severity_parse("warning", &s) && s == HC_SEVERITY_WARNING);
	ck_assert(!hc_severity_parse("bogus", &s));
	struct hc_findings f;
	hc_findings_init(&f);
	hc_findings_add(&f, HC_FINDING_MAP_OVERSIZED, "b", 1, "x");
	struct hc_finding *x = hc_findings_add(&f, HC_FINDING_MAP_COUNT, "a", 2, "y %d", 7);
	hc_finding_add_addr(x, 3);
	hc_finding_add_goid(x, 5);
	hc_finding_add_goid(x, 5);
	hc_findings_sort(&f);
	ck_assert_int_eq(f.v.data[0].code, HC_FINDING_MAP_COUNT);
	ck_assert_str_eq(f.v.data[0].message, "y 7");
	ck_assert_uint_eq(f.v.data[0].naddrs, 2);
	ck_assert_uint_eq(f.v.data[0].ngoids, 1);
	ck_assert_uint_eq(hc_findings_count(&f, HC_SEVERITY_WARNING), 1);
	ck_assert_uint_eq(hc_findings_count(&f, HC_SEVERITY_INFO), 2);
	hc_findings_deinit(&f);
}
END_TEST

/* ------------------------------------------------ fixtures: a tiny JSON reader */

enum jkind { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jval {
	enum jkind kind;
	bool b;
	double num;
	char *str; /* J_STR; also the raw number text */
	struct jval *items; /* J_ARR values, J_OBJ values */
	char **keys;        /* J_OBJ */
	size_t n;
};

static const char *jws(const char *p)
{
	while (*p && isspace((unsigned char)*p))
		p++;
	return p;
}

static const char *jparse(const char *p, struct jval *v);

static const char *jstring(const char *p, char **ret)
{
	/* p at the opening quote */
	size_t cap = 16, n = 0;
	char *s = malloc(cap);
	p++;
	while (*p && *p != '"') {
		char c = *p++;
		if (c == '\\') {
			char e = *p++;
			switch (e) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'u': {
				unsigned u = 0;
				sscanf(p, "%4x", &u);
				p += 4;
				c = u < 0x80 ? (char)u : '?';
				break;
			}
			default: c = e;
			}
		}
		if (n + 2 > cap)
			s = realloc(s, cap *= 2);
		s[n++] = c;
	}
	s[n] = 0;
	*ret = s;
	return *p ? p + 1 : p;
}

static const char *jparse(const char *p, struct jval *v)
{
	memset(v, 0, sizeof(*v));
	p = jws(p);
	if (*p == '{' || *p == '[') {
		bool obj = *p == '{';
		v->kind = obj ? J_OBJ : J_ARR;
		char close = obj ? '}' : ']';
		p = jws(p + 1);
		size_t cap = 0;
		while (*p && *p != close) {
			if (v->n == cap) {
				cap = cap ? 2 * cap : 8;
				v->items = realloc(v->items, cap * sizeof(*v->items));
				v->keys = realloc(v->keys, cap * sizeof(*v->keys));
			}
			v->keys[v->n] = NULL;
			if (obj) {
				p = jstring(jws(p), &v->keys[v->n]);
				p = jws(p);
				if (*p == ':')
					p++;
			}
			p = jparse(p, &v->items[v->n]);
			v->n++;
			p = jws(p);
			if (*p == ',')
				p = jws(p + 1);
		}
		return *p ? p + 1 : p;
	}
	if (*p == '"') {
		v->kind = J_STR;
		return jstring(p, &v->str);
	}
	if (!strncmp(p, "true", 4) || !strncmp(p, "false", 5)) {
		v->kind = J_BOOL;
		v->b = *p == 't';
		return p + (v->b ? 4 : 5);
	}
	if (!strncmp(p, "null", 4)) {
		v->kind = J_NULL;
		return p + 4;
	}
	v->kind = J_NUM;
	char *end;
	v->num = strtod(p, &end);
	v->str = strndup(p, (size_t)(end - p));
	return end;
}

static void jfree(struct jval *v)
{
	for (size_t i = 0; i < v->n; i++) {
		jfree(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->str);
}

static const struct jval *jget(const struct jval *o, const char *key)
{
	if (!o || o->kind != J_OBJ)
		return NULL;
	for (size_t i = 0; i < o->n; i++)
		if (o->keys[i] && !strcmp(o->keys[i], key))
			return &o->items[i];
	return NULL;
}

static uint64_t jnum(const struct jval *v)
{
	if (!v)
		return 0;
	if (v->kind == J_STR)
		return strtoull(v->str, NULL, 0);
	if (v->kind == J_NUM)
		return strtoull(v->str, NULL, 10);
	if (v->kind == J_BOOL)
		return v->b;
	return 0;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = malloc((size_t)n + 1);
	size_t got = fread(s, 1, (size_t)n, f);
	s[got] = 0;
	fclose(f);
	return s;
}

/* ------------------------------------------------ fixtures: key rendering */

/* Render the key at @p addr like fmt.Sprint for strings, integers, floats
 * and bools; false for other kinds (not checked here). */
static bool render_key(const struct hc_aspace *as, const struct hc_type *kt,
		       uint64_t addr, char *buf, size_t len)
{
	const struct hc_type *t = hc_type_strip(kt);
	if (!t || !t->name)
		return false;
	if (!strcmp(t->name, "string") && t->kind == HC_TYPE_STRUCT) {
		uint64_t p, n;
		if (hc_aspace_read_u64(as, addr, &p) || hc_aspace_read_u64(as, addr + 8, &n))
			return false;
		if (n >= len)
			return false;
		if (n && hc_aspace_read(as, p, buf, n))
			return false;
		buf[n] = 0;
		return true;
	}
	if (t->kind != HC_TYPE_BASE || !t->has_size || t->size > 8)
		return false;
	uint64_t v = 0;
	if (hc_aspace_read(as, addr, &v, t->size))
		return false;
	if (!strncmp(t->name, "float64", 7) && t->size == 8) {
		double d;
		memcpy(&d, &v, 8);
		if (isnan(d))
			snprintf(buf, len, "NaN");
		else if (isinf(d))
			snprintf(buf, len, d > 0 ? "+Inf" : "-Inf");
		else if (d == 0 && signbit(d))
			snprintf(buf, len, "-0");
		else
			snprintf(buf, len, "%.17g", d);
		/* Shortest form for the simple values the fixtures use. */
		for (int prec = 1; prec <= 17; prec++) {
			char tmp[64];
			snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
			if (strtod(tmp, NULL) == d && !isnan(d) && !isinf(d) && d != 0) {
				snprintf(buf, len, "%s", tmp);
				break;
			}
		}
		return true;
	}
	if (!strcmp(t->name, "bool")) {
		snprintf(buf, len, "%s", v ? "true" : "false");
		return true;
	}
	bool is_signed = t->name[0] == 'i';
	bool is_unsigned = t->name[0] == 'u';
	if (!is_signed && !is_unsigned)
		return false;
	if (is_signed) {
		int64_t s = (int64_t)(v << (64 - 8 * t->size)) >> (64 - 8 * t->size);
		snprintf(buf, len, "%" PRId64, s);
	} else {
		snprintf(buf, len, "%" PRIu64, v);
	}
	return true;
}

static size_t fixture_dirs(glob_t *g)
{
	const char *top = getenv("top_srcdir");
	char pattern[4096];
	snprintf(pattern, sizeof(pattern), "%s/corefiles/*/*/core.xz", top ? top : ".");
	if (glob(pattern, 0, NULL, g) != 0)
		return 0;
	return g->gl_pathc;
}

struct fixture_totals {
	size_t fixtures, maps, decoded, findings, keys_checked;
};

/* Decode, iterate and validate one manifest map. */
static void fixture_map(const char *dir, struct hc_target *t, const struct jval *m,
			size_t *decoded, size_t *nfindings, size_t *keys_checked)
{
	const char *name = jget(m, "name")->str;
	const char *type = jget(m, "type")->str;
	uint64_t addr = jnum(jget(m, "addr"));
	bool stable = jget(m, "stable") && jget(m, "stable")->b;
	const struct hc_type *mt;
	if (!addr || !t->dwarf || hc_dwarf_find_type(t->dwarf, type, &mt) || !mt)
		return;
	/* hc_dwarf_find_type prefers the underlying DIE; map types are
	 * typedefs of pointers either way. */
	struct hc_map_info mi;
	struct hc_error *err = hc_map_info_from_type(t, mt, &mi);
	ck_assert_msg(!err, "%s %s: %s", dir, name, err ? err->message : "");
	ck_assert_int_eq(mi.flavour, t->maps);
	ck_assert_uint_eq(mi.key_size, jnum(jget(m, "key_size")));
	ck_assert_uint_eq(mi.elem_size, jnum(jget(m, "elem_size")));
	ck_assert_int_eq(mi.indirect_key, jget(m, "indirect_key")->b);
	ck_assert_int_eq(mi.indirect_elem, jget(m, "indirect_elem")->b);
	struct hc_map_header h;
	err = hc_map_read_header(t->as, &mi, addr, &h);
	ck_assert_msg(!err, "%s %s: %s", dir, name, err ? err->message : "");
	const struct jval *c = jget(m, "classic"), *s = jget(m, "swiss");
	if (stable)
		ck_assert_uint_eq(h.count, jnum(jget(m, "count")));
	if (c && stable) {
		ck_assert_uint_eq(h.B, jnum(jget(c, "B")));
		ck_assert_uint_eq(h.buckets, jnum(jget(c, "buckets")));
		ck_assert_uint_eq(h.oldbuckets, jnum(jget(c, "oldbuckets")));
		ck_assert_uint_eq(h.nevacuate, jnum(jget(c, "nevacuate")));
		ck_assert_uint_eq(h.noverflow, jnum(jget(c, "noverflow")));
		ck_assert_int_eq(hc_map_growing(&h), jget(c, "growing")->b);
	}
	if (s && stable) {
		ck_assert_uint_eq(h.dir_ptr, jnum(jget(s, "dirPtr")));
		ck_assert_uint_eq(h.dir_len, jnum(jget(s, "dirLen")));
		ck_assert_uint_eq(h.global_depth, jnum(jget(s, "globalDepth")));
		ck_assert_uint_eq(h.global_shift, jnum(jget(s, "globalShift")));
	}
	/* Iterate; render keys we can. */
	const struct jval *samples = jget(m, "sample_keys");
	size_t ns = samples ? samples->n : 0;
	bool found[64] = {false};
	struct hc_map_iter it;
	err = hc_map_iter_init(&it, t->as, &mi, addr);
	bool done = false;
	uint64_t n = 0;
	bool renderable = true;
	while (!err && !done) {
		uint64_t k, e;
		err = hc_map_iter_next(&it, &k, &e, &done);
		if (err || done)
			break;
		n++;
		char buf[256];
		if (!render_key(t->as, mi.key, k, buf, sizeof(buf))) {
			renderable = false;
			continue;
		}
		for (size_t i = 0; i < ns && i < 64; i++)
			if (!found[i] && !strcmp(buf, samples->items[i].str)) {
				found[i] = true;
				break;
			}
	}
	hc_map_iter_deinit(&it);
	if (stable) {
		ck_assert_msg(!err, "%s %s: %s", dir, name, err ? err->message : "");
		ck_assert_msg(n == h.count, "%s %s: %" PRIu64 " entries, count %" PRIu64,
			      dir, name, n, h.count);
	}
	hc_error_destroy(err);
	if (renderable && stable) {
		for (size_t i = 0; i < ns && i < 64; i++) {
			ck_assert_msg(found[i], "%s %s: sample key %s not found", dir, name,
				      samples->items[i].str);
			(*keys_checked)++;
		}
	}
	struct hc_map_stats st;
	err = hc_map_stats(t->as, &mi, addr, &st);
	if (stable)
		ck_assert_msg(!err && st.entries == h.count, "%s %s: stats", dir, name);
	hc_error_destroy(err);
	/* Validators: nothing on a healthy map but the planted emptied one's
	 * map-oversized (it grew to 100000 and lost every entry). */
	struct hc_validate_env env = {.as = t->as};
	struct hc_findings f;
	hc_findings_init(&f);
	hc_validate_map(&env, &mi, addr, name, &f);
	*nfindings += f.v.size;
	bool deleted = !strcmp(name, "main.gDeleted");
	if (stable) {
		for (size_t i = 0; i < f.v.size; i++) {
			bool ok = deleted && f.v.data[i].code == HC_FINDING_MAP_OVERSIZED;
			ck_assert_msg(ok, "%s %s: %s: %s", dir, name,
				      hc_finding_code_name(f.v.data[i].code), f.v.data[i].message);
		}
		if (deleted)
			ck_assert_msg(has_code(&f, HC_FINDING_MAP_OVERSIZED), "%s gDeleted", dir);
	} else {
		for (size_t i = 0; i < f.v.size; i++)
			fprintf(stderr, "  %s %s (unstable): %s: %s\n", dir, name,
				hc_finding_code_name(f.v.data[i].code), f.v.data[i].message);
	}
	hc_findings_deinit(&f);
	(*decoded)++;
}

/* The sync.Maps of the manifest: their live entries, string keys. */
static void fixture_sync_maps(const char *dir, struct hc_target *t, const struct jval *man,
			      size_t *decoded)
{
	const struct jval *sms = jget(man, "sync_maps");
	if (!sms || !sms->n)
		return;
	struct hc_syncmap_info si;
	struct hc_error *err = hc_syncmap_info_from_target(t, &si);
	ck_assert_msg(!err, "%s: %s", dir, err ? err->message : "");
	ck_assert_int_eq(si.form, t->go_minor >= 24 ? HC_SYNCMAP_HASH_TRIE : HC_SYNCMAP_READ_DIRTY);
	for (size_t i = 0; i < sms->n; i++) {
		const struct jval *m = &sms->items[i];
		const struct jval *samples = jget(m, "sample_keys");
		bool found[64] = {false};
		struct hc_syncmap_iter it;
		err = hc_syncmap_iter_init(&it, t->as, &si, jnum(jget(m, "var_addr")));
		bool done = false;
		uint64_t n = 0;
		while (!err && !done) {
			uint64_t k, v;
			err = hc_syncmap_iter_next(&it, &k, &v, &done);
			if (err || done)
				break;
			n++;
			/* key: interface {} holding a string: data word -> header */
			uint64_t data, p, len;
			char buf[64];
			if (hc_aspace_read_u64(t->as, k + 8, &data) ||
			    hc_aspace_read_u64(t->as, data, &p) ||
			    hc_aspace_read_u64(t->as, data + 8, &len) || len >= sizeof(buf) ||
			    hc_aspace_read(t->as, p, buf, len))
				continue;
			buf[len] = 0;
			for (size_t j = 0; samples && j < samples->n && j < 64; j++)
				if (!strcmp(buf, samples->items[j].str))
					found[j] = true;
			/* value: a non-nil interface {} */
			uint64_t vt;
			ck_assert(!hc_aspace_read_u64(t->as, v, &vt));
			ck_assert_uint_ne(vt, 0);
		}
		ck_assert_msg(!err, "%s %s: %s", dir, jget(m, "name")->str, err ? err->message : "");
		ck_assert_uint_eq(n, jnum(jget(m, "count")));
		for (size_t j = 0; samples && j < samples->n && j < 64; j++)
			ck_assert_msg(found[j], "%s sync.Map key %s", dir, samples->items[j].str);
		(*decoded)++;
	}
}

START_TEST(test_maps_fixtures)
{
	glob_t g;
	size_t nfix = fixture_dirs(&g);
	if (!nfix) {
		fprintf(stderr, "test_maps_fixtures: SKIP, no corefiles/*/*/core.xz\n");
		return;
	}
	struct fixture_totals tot = {0};
	for (size_t i = 0; i < nfix; i++) {
		char dir[4096];
		if (testelf_fixture_stripped(g.gl_pathv[i]))
			continue;
		snprintf(dir, sizeof(dir), "%s", g.gl_pathv[i]);
		*strrchr(dir, '/') = 0;
		char path[4200];
		snprintf(path, sizeof(path), "%s/manifest.json", dir);
		char *text = slurp(path);
		if (!text)
			continue;
		struct jval man;
		jparse(text, &man);
		free(text);
		const struct jval *maps = jget(&man, "maps");
		struct hc_target *t;
		struct hc_error *err = hc_target_open(g.gl_pathv[i], NULL, &t);
		ck_assert_msg(!err, "%s: %s", dir, err ? err->message : "");
		size_t decoded = 0, listed = 0, nf = 0, keys = 0;
		for (size_t j = 0; maps && j < maps->n; j++) {
			const struct jval *m = &maps->items[j];
			if (!jnum(jget(m, "addr")))
				continue;
			listed++;
			fixture_map(dir, t, m, &decoded, &nf, &keys);
		}
		size_t syncs = 0;
		fixture_sync_maps(dir, t, &man, &syncs);
		const char *short_dir = strstr(dir, "corefiles/");
		fprintf(stderr, "%s: maps decoded %zu / %zu in manifest, %zu sample keys, %zu sync.Map, %zu findings\n",
			short_dir ? short_dir + 10 : dir, decoded, listed, keys, syncs, nf);
		/* Every non-nil map of the manifest has its type in DWARF. */
		ck_assert_uint_eq(decoded, listed);
		tot.fixtures++;
		tot.maps += listed;
		tot.decoded += decoded;
		tot.findings += nf;
		tot.keys_checked += keys;
		hc_target_destroy(t);
		jfree(&man);
	}
	globfree(&g);
	fprintf(stderr, "test_maps_fixtures: %zu fixtures, %zu/%zu maps decoded, %zu sample keys, %zu findings\n",
		tot.fixtures, tot.decoded, tot.maps, tot.keys_checked, tot.findings);
	ck_assert_uint_gt(tot.fixtures, 0);
	ck_assert_uint_gt(tot.keys_checked, 0);
}
END_TEST

static Suite *maps_suite(void)
{
	Suite *s = suite_create("maps");
	TCase *tc = tcase_create("classic");
	tcase_add_test(tc, test_maps_classic_layout);
	tcase_add_test(tc, test_maps_classic_healthy);
	tcase_add_test(tc, test_maps_classic_growing);
	tcase_add_test(tc, test_maps_classic_growth_contradictions);
	tcase_add_test(tc, test_maps_classic_count);
	tcase_add_test(tc, test_maps_classic_tophash);
	tcase_add_test(tc, test_maps_classic_overflow_cycle);
	tcase_add_test(tc, test_maps_classic_noverflow);
	tcase_add_test(tc, test_maps_classic_nil_buckets);
	tcase_add_test(tc, test_maps_classic_bad_pointers);
	tcase_add_test(tc, test_maps_classic_oversized);
	tcase_add_test(tc, test_maps_classic_adversarial);
	suite_add_tcase(s, tc);
	tc = tcase_create("swiss");
	tcase_add_test(tc, test_maps_swiss_layout);
	tcase_add_test(tc, test_maps_swiss_small);
	tcase_add_test(tc, test_maps_swiss_directory);
	tcase_add_test(tc, test_maps_swiss_count);
	tcase_add_test(tc, test_maps_swiss_writing);
	tcase_add_test(tc, test_maps_swiss_ctrl);
	tcase_add_test(tc, test_maps_swiss_directory_depths);
	tcase_add_test(tc, test_maps_swiss_split_walk);
	tcase_add_test(tc, test_maps_swiss_nil_and_bad_pointers);
	tcase_add_test(tc, test_maps_swiss_oversized);
	tcase_add_test(tc, test_maps_swiss_adversarial);
	tcase_add_test(tc, test_maps_findings_table);
	suite_add_tcase(s, tc);
	tc = tcase_create("fixtures");
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_maps_fixtures);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(maps_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
