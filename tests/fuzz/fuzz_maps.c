/*
 * Fuzz harness 7: the map decoders and validators (src/go/maps.c,
 * map_classic.c, map_swiss.c, src/analysis/validate.c) over a fake address
 * space. Byte 0 of the input picks the layout (classic hmap, Swiss with
 * interleaved slots, Swiss mapsplitgroup), the rest is 64 KiB of memory at
 * BASE with the map header at its start: every pointer, count, B, directory
 * and control byte the decoders read comes from the fuzzer.
 *
 * Segment form (issue 24 item 1): an input that starts with "SEGS" holds a
 * layout byte (mod 6: the three above for map[uint64]uint64, then the same
 * for map[string]int), the map header's address (u64 LE), then segments
 * (u64 address, u32 length, the bytes), the parts of a map where a real
 * core has them. The single 64 KiB window never reached the Swiss
 * validator's lengthMask overflow in an hour: a real map's directory,
 * tables and group arrays lie megabytes apart in the heap, and a table the
 * validator walks needs a consistent directory, index, capacity and
 * group array at once, which random bytes rarely give. The seeds in
 * corpus/maps/core-* are real maps cut out of fixture cores by
 * tests/fuzz/mkseeds_maps.sh, so the fuzzer starts from valid tables.
 */
#include "config.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "hmapcore/aspace.h"
#include "hmapcore/core.h"
#include "hmapcore/maps.h"
#include "hmapcore/validate.h"
#include "testelf.h"

enum { BASE = 0x10000000, MEMSZ = 1 << 16 };

static volatile uint64_t sink;

/* map[uint64]uint64 as the linker lays it out (go1.23 classic). */
static void classic_info(struct hc_map_info *mi)
{
	memset(mi, 0, sizeof(*mi));
	mi->flavour = HC_MAPS_CLASSIC;
	mi->key_size = mi->elem_size = 8;
	mi->header_size = 48;
	mi->count = (struct hc_map_field){0, 8};
	mi->flags = (struct hc_map_field){8, 1};
	mi->B = (struct hc_map_field){9, 1};
	mi->noverflow = (struct hc_map_field){10, 2};
	mi->hash0 = (struct hc_map_field){12, 4};
	mi->buckets = (struct hc_map_field){16, 8};
	mi->oldbuckets = (struct hc_map_field){24, 8};
	mi->nevacuate = (struct hc_map_field){32, 8};
	mi->extra = (struct hc_map_field){40, 8};
	mi->clear_seq = (struct hc_map_field){-1, 0};
	mi->tombstone_possible = (struct hc_map_field){-1, 0};
	mi->bucket_size = 144;
	mi->keys_off = 8;
	mi->elems_off = 72;
	mi->overflow_off = 136;
	mi->key_slot = mi->elem_slot = 8;
}

/* map[uint64]uint64, Swiss (go1.25), interleaved or split groups. */
static void swiss_info(struct hc_map_info *mi, bool split)
{
	memset(mi, 0, sizeof(*mi));
	mi->flavour = HC_MAPS_SWISS;
	mi->key_size = mi->elem_size = 8;
	mi->header_size = 48;
	mi->count = (struct hc_map_field){0, 8};
	mi->seed = (struct hc_map_field){8, 8};
	mi->dir_ptr = (struct hc_map_field){16, 8};
	mi->dir_len = (struct hc_map_field){24, 8};
	mi->global_depth = (struct hc_map_field){32, 1};
	mi->global_shift = (struct hc_map_field){33, 1};
	mi->writing = (struct hc_map_field){34, 1};
	mi->tombstone_possible = (struct hc_map_field){35, 1};
	mi->clear_seq = (struct hc_map_field){40, 8};
	mi->table_size = 32;
	mi->t_used = (struct hc_map_field){0, 2};
	mi->t_capacity = (struct hc_map_field){2, 2};
	mi->t_growth_left = (struct hc_map_field){4, 2};
	mi->t_local_depth = (struct hc_map_field){6, 1};
	mi->t_index = (struct hc_map_field){8, 8};
	mi->t_groups_data = (struct hc_map_field){16, 8};
	mi->t_groups_mask = (struct hc_map_field){24, 8};
	mi->group_size = 136;
	mi->key_slot = mi->elem_slot = 8;
	if (split) {
		mi->split_group = true;
		mi->keys_off = 8;
		mi->elems_off = 72;
		mi->key_stride = mi->elem_stride = 8;
	} else {
		mi->slots_off = 8;
		mi->slot_size = 16;
		mi->slot_elem_off = 8;
	}
}

/* map[string]int: key 16 bytes, elem 8 (the fixtures' gallery maps). */
static void string_int(struct hc_map_info *mi)
{
	mi->key_size = 16;
	mi->key_slot = 16;
	if (mi->flavour == HC_MAPS_CLASSIC) {
		mi->bucket_size = 8 + 8 * 16 + 8 * 8 + 8;
		mi->keys_off = 8;
		mi->elems_off = 8 + 8 * 16;
		mi->overflow_off = 8 + 8 * 24;
	} else if (mi->split_group) {
		mi->group_size = 8 + 8 * 16 + 8 * 8;
		mi->keys_off = 8;
		mi->elems_off = 8 + 8 * 16;
		mi->key_stride = 16;
	} else {
		mi->group_size = 8 + 8 * 24;
		mi->slot_size = 24;
		mi->slot_elem_off = 16;
	}
}

static uint64_t le(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

enum { MAX_SEGS = 64 };

/* The segment form: false when the input is not one. */
static bool segments(const uint8_t *data, size_t size, struct testelf_core *c,
		     unsigned *layout, uint64_t *header)
{
	if (size < 13 || memcmp(data, "SEGS", 4))
		return false;
	*layout = data[4];
	*header = le(data + 5, 8);
	size_t at = 13;
	uint64_t last_end = 0;
	for (int k = 0; k < MAX_SEGS && size - at >= 12; k++) {
		uint64_t addr = le(data + at, 8) & ~(uint64_t)0xfff;
		uint64_t len = le(data + at + 8, 4);
		at += 12;
		if (len > size - at)
			len = size - at;
		/* Page-aligned, ascending, not overlapping, as a core's. */
		uint64_t span = (len + 0xfff) & ~(uint64_t)0xfff;
		if (!span || addr < last_end || addr > UINT64_MAX - span)
			break;
		testelf_core_add_load(c, addr, span, PF_R | PF_W, data + at, (size_t)len);
		last_end = addr + span;
		at += len;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	static uint8_t mem[MEMSZ];
	struct testelf_core *c = testelf_core_create(EM_X86_64);
	unsigned layout = data[0];
	uint64_t base = BASE;
	bool segs = segments(data, size, c, &layout, &base);
	if (!segs) {
		memset(mem, 0, sizeof(mem));
		size_t n = size - 1 < sizeof(mem) ? size - 1 : sizeof(mem);
		memcpy(mem, data + 1, n);
		testelf_core_add_load(c, BASE, MEMSZ, PF_R | PF_W, mem, MEMSZ);
	}

	struct hc_map_info mi;
	switch (layout % 3) {
	case 0: classic_info(&mi); break;
	case 1: swiss_info(&mi, false); break;
	default: swiss_info(&mi, true); break;
	}
	if (segs && layout % 6 >= 3)
		string_int(&mi);

	size_t img_size;
	uint8_t *img = testelf_core_build(c, &img_size);
	testelf_core_destroy(c);
	struct hc_file *file;
	struct hc_core *core = NULL;
	struct hc_aspace *as = NULL;
	struct hc_error *oerr = hc_file_open_memory(img, img_size, "fuzz", &file);
	if (!oerr)
		oerr = hc_core_open(file, &core); /* owns file, also on error */
	if (!oerr)
		oerr = hc_aspace_create(core, NULL, 0, &as);
	if (oerr) {
		/* The harness's own image is well formed; the segment form's
		 * may have no segment at all. */
		if (!segs)
			abort();
		hc_error_destroy(oerr);
		hc_core_destroy(core);
		free(img);
		return 0;
	}

	struct hc_map_iter it;
	struct hc_error *err = hc_map_iter_init(&it, as, &mi, base);
	bool done = false;
	uint64_t iterated = 0;
	while (!err && !done) {
		uint64_t k, e;
		err = hc_map_iter_next(&it, &k, &e, &done);
		if (!err && !done) {
			sink += k ^ e;
			iterated++;
		}
	}
	bool iter_ok = !err;
	hc_error_destroy(err);
	hc_map_iter_deinit(&it);

	struct hc_map_stats st;
	err = hc_map_stats(as, &mi, base, &st);
	bool stats_ok = !err;
	if (!err)
		sink += st.entries + st.bytes + st.bytes_needed;
	hc_error_destroy(err);
	/* Two walks, one answer: the Swiss stats count the live slots the
	 * iterator visits. */
	if (iter_ok && stats_ok && st.entries != iterated) {
		fprintf(stderr, "fuzz_maps: the stats count %llu entries, the iterator %llu\n",
			(unsigned long long)st.entries, (unsigned long long)iterated);
		abort();
	}

	struct hc_map_unit_iter ui;
	err = hc_map_units_init(&ui, as, &mi, base);
	done = false;
	while (!err && !done) {
		struct hc_map_unit u;
		err = hc_map_units_next(&ui, &u, &done);
		if (!err && !done)
			sink += u.addr + u.occupied;
	}
	hc_error_destroy(err);

	struct hc_findings f;
	hc_findings_init(&f);
	struct hc_map_stats vst;
	bool vst_done = false;
	struct hc_validate_env env = {.as = as, .stats = &vst, .stats_done = &vst_done};
	hc_validate_map(&env, &mi, base, "m", &f);
	sink += f.v.size;
	/* FUZZ_MAPS_VERBOSE=1: what a seed decodes to (a real map's seed
	 * gives its count and no finding). */
	if (getenv("FUZZ_MAPS_VERBOSE")) {
		fprintf(stderr, "fuzz_maps: layout %u, %llu entries iterated, %zu findings\n",
			layout % 6, (unsigned long long)iterated, f.v.size);
		for (size_t i = 0; i < f.v.size; i++)
			fprintf(stderr, "  %s\n", f.v.data[i].message);
	}
	/* The validation's stats (from its own walk) are hc_map_stats()'s. */
	if (vst_done && (!stats_ok || vst.entries != st.entries ||
			 vst.tables != st.tables || vst.groups != st.groups ||
			 vst.capacity != st.capacity || vst.tombstones != st.tombstones ||
			 vst.slots != st.slots || vst.bytes != st.bytes ||
			 vst.bytes_needed != st.bytes_needed)) {
		fprintf(stderr, "fuzz_maps: the validation's stats differ from hc_map_stats (%s): "
			"entries %llu/%llu tables %llu/%llu groups %llu/%llu tombstones %llu/%llu bytes %llu/%llu\n",
			stats_ok ? "which succeeded" : "which failed",
			(unsigned long long)vst.entries, (unsigned long long)st.entries,
			(unsigned long long)vst.tables, (unsigned long long)st.tables,
			(unsigned long long)vst.groups, (unsigned long long)st.groups,
			(unsigned long long)vst.tombstones, (unsigned long long)st.tombstones,
			(unsigned long long)vst.bytes, (unsigned long long)st.bytes);
		abort();
	}
	hc_findings_deinit(&f);

	hc_aspace_destroy(as);
	hc_core_destroy(core);
	free(img);
	return 0;
}
