/*
 * Fuzz harness 7: the map decoders and validators (src/go/maps.c,
 * map_classic.c, map_swiss.c, src/analysis/validate.c) over a fake address
 * space. Byte 0 of the input picks the layout (classic hmap, Swiss with
 * interleaved slots, Swiss mapsplitgroup), the rest is 64 KiB of memory at
 * BASE with the map header at its start: every pointer, count, B, directory
 * and control byte the decoders read comes from the fuzzer.
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	static uint8_t mem[MEMSZ];
	memset(mem, 0, sizeof(mem));
	size_t n = size - 1 < sizeof(mem) ? size - 1 : sizeof(mem);
	memcpy(mem, data + 1, n);

	struct hc_map_info mi;
	switch (data[0] % 3) {
	case 0: classic_info(&mi); break;
	case 1: swiss_info(&mi, false); break;
	default: swiss_info(&mi, true); break;
	}

	struct testelf_core *c = testelf_core_create(EM_X86_64);
	testelf_core_add_load(c, BASE, MEMSZ, PF_R | PF_W, mem, MEMSZ);
	size_t img_size;
	uint8_t *img = testelf_core_build(c, &img_size);
	testelf_core_destroy(c);
	struct hc_file *file;
	struct hc_core *core = NULL;
	struct hc_aspace *as = NULL;
	if (hc_file_open_memory(img, img_size, "fuzz", &file) ||
	    hc_core_open(file, &core) || hc_aspace_create(core, NULL, 0, &as))
		abort(); /* the harness's own image is well formed */

	struct hc_map_iter it;
	struct hc_error *err = hc_map_iter_init(&it, as, &mi, BASE);
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
	err = hc_map_stats(as, &mi, BASE, &st);
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
	err = hc_map_units_init(&ui, as, &mi, BASE);
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
	hc_validate_map(&env, &mi, BASE, "m", &f);
	sink += f.v.size;
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
