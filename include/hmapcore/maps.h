/**
 * @file maps.h
 * Go maps decoded from a core: classic `hmap` and Swiss tables behind one
 * interface (layer L3, go).
 *
 * Classic (src/runtime/map.go go1.19-go1.23, map_noswiss.go go1.24-1.25):
 * the header `hash<K,V>`, 2^B buckets of 8 slots (`bucket<K,V>`: tophash,
 * keys, values, overflow), overflow chains, and during growth the old
 * bucket array, whose unevacuated chains still hold entries.
 * Swiss (src/internal/runtime/maps, go1.24+): the header `map<K,V>`; a
 * small map is one group at dirPtr (dirLen 0); else a directory of dirLen
 * table pointers, several slots sharing a table (visited once: the slot
 * equal to table.index), each table 2^k groups of 8 slots with a control
 * word; the go1.27 `mapsplitgroup` layout keeps keys and elems in separate
 * arrays.
 *
 * Layouts come from the executable's DWARF: the linker synthesises the
 * header, bucket, table and group types of every map type
 * (src/cmd/link/internal/ld/dwarf.go synthesizemaptypes). Every count read
 * from the core is bounded before it sizes a loop; corrupt structures end
 * an iteration with BAD_DATA or FAULT, never a crash or a hang.
 */
#ifndef HMAPCORE_MAPS_H
#define HMAPCORE_MAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmapcore/aspace.h"
#include "hmapcore/dwarf.h"
#include "hmapcore/error.h"
#include "hmapcore/target.h"

enum {
	/** Slots per classic bucket and per Swiss group. */
	HC_MAP_SLOTS = 8,
	/** Classic tophash values (runtime/map.go). */
	HC_TOPHASH_EMPTY_REST = 0,
	HC_TOPHASH_EMPTY_ONE = 1,
	HC_TOPHASH_EVACUATED_X = 2,
	HC_TOPHASH_EVACUATED_Y = 3,
	HC_TOPHASH_EVACUATED_EMPTY = 4,
	HC_TOPHASH_MIN = 5,
	/** Classic hmap.flags bits. */
	HC_HMAP_ITERATOR = 1,
	HC_HMAP_OLD_ITERATOR = 2,
	HC_HMAP_WRITING = 4,
	HC_HMAP_SAME_SIZE_GROW = 8,
	/** Swiss control bytes (internal/runtime/maps/group.go). */
	HC_CTRL_EMPTY = 0x80,
	HC_CTRL_DELETED = 0xfe,
	/** Swiss maximum table capacity (maps/table.go). */
	HC_SWISS_MAX_TABLE_CAPACITY = 1024,
};

/** Offset of a field, or absent (-1) in this version. */
struct hc_map_field {
	int64_t off;
	uint64_t size;
};

/** How a map type is laid out; resolved once per map type. */
struct hc_map_info {
	enum hc_map_flavour flavour;
	/** The map typedef, its key and element types. */
	const struct hc_type *type;
	const struct hc_type *key;
	const struct hc_type *elem;
	uint64_t key_size, elem_size;
	/** Keys/elems over 128 bytes are stored as pointers to them. */
	bool indirect_key, indirect_elem;
	/** Header fields (classic: count, flags, B, noverflow, hash0,
	 * buckets, oldbuckets, nevacuate, extra, clearSeq; Swiss: used, seed,
	 * dirPtr, dirLen, globalDepth, globalShift, writing,
	 * tombstonePossible, clearSeq). */
	uint64_t header_size;
	struct hc_map_field count, flags, B, noverflow, hash0, buckets,
		oldbuckets, nevacuate, extra, clear_seq;
	struct hc_map_field seed, dir_ptr, dir_len, global_depth,
		global_shift, writing, tombstone_possible;
	/* Classic buckets. */
	uint64_t bucket_size, tophash_off, keys_off, elems_off, overflow_off;
	uint64_t key_slot, elem_slot;
	/* Swiss tables and groups. */
	uint64_t table_size;
	struct hc_map_field t_used, t_capacity, t_growth_left, t_local_depth,
		t_index, t_groups_data, t_groups_mask;
	uint64_t group_size, ctrl_off;
	/** Interleaved slots: slot i's key at slots_off + i*slot_size +
	 * slot_key_off. Split (mapsplitgroup): keys_off + i*key_stride. */
	bool split_group;
	uint64_t slots_off, slot_size, slot_key_off, slot_elem_off;
	uint64_t key_stride, elem_stride;
};

/**
 * Resolve the layout of map type @p maptype (a DWARF typedef with go_kind
 * 21, e.g. from hc_dwarf_find_type(d, "map[string]int")).
 * @return NULL; NOT_FOUND when DWARF lacks the synthesised types; BAD_DATA.
 */
struct hc_error *hc_map_info_from_type(const struct hc_target *t,
				       const struct hc_type *maptype,
				       struct hc_map_info *ret);

/** A map header as read from the core. */
struct hc_map_header {
	uint64_t addr;
	/** count (classic) / used (Swiss): what len() returns. */
	uint64_t count;
	/* Classic. */
	uint8_t flags, B;
	uint16_t noverflow;
	uint32_t hash0;
	uint64_t buckets, oldbuckets, nevacuate, extra;
	/* Swiss. */
	uint64_t seed, dir_ptr, dir_len;
	uint8_t global_depth, global_shift, writing;
	/** -1 when the version has no tombstonePossible (go1.24). */
	int tombstone_possible;
	uint64_t clear_seq;
};

/** Read the header of the map at @p addr (FAULT when unreadable). */
struct hc_error *hc_map_read_header(const struct hc_aspace *as,
				    const struct hc_map_info *info,
				    uint64_t addr, struct hc_map_header *ret);

/** Whether a classic map is growing (oldbuckets set). */
bool hc_map_growing(const struct hc_map_header *h);

/** Number of old buckets of a growing classic map. */
uint64_t hc_map_old_buckets(const struct hc_map_header *h);

/**
 * An iterator over the live entries of one map, each visited once. No
 * allocation per entry; every walk bounded.
 */
struct hc_map_iter {
	const struct hc_aspace *as;
	const struct hc_map_info *info;
	struct hc_map_header hdr;
	/* Classic: new bucket index, current bucket in its chain, slot. */
	uint64_t nbuckets, nold;
	uint64_t bucket_index;
	uint64_t bucket;
	uint64_t hops;
	/* Swiss: directory index, table, group index/count, slot. */
	uint64_t dir_index;
	uint64_t table;
	uint64_t groups_data, ngroups, group_index;
	uint64_t group;
	uint8_t ctrl[8];
	uint8_t tophash[8];
	unsigned slot;
	bool in_chain;
	bool done;
	/** Entries returned so far. */
	uint64_t entries;
};

/**
 * Start iterating the map at @p addr.
 * @return NULL; FAULT (header unreadable); BAD_DATA (B, dirLen impossible).
 */
struct hc_error *hc_map_iter_init(struct hc_map_iter *it,
				  const struct hc_aspace *as,
				  const struct hc_map_info *info, uint64_t addr);

/**
 * The next entry: addresses of its key and element (after indirection).
 * *done_ret is true, and nothing else written, at the end.
 * @return NULL; FAULT/BAD_DATA when the structure is broken (the iteration
 * is over then).
 */
struct hc_error *hc_map_iter_next(struct hc_map_iter *it, uint64_t *key_ret,
				  uint64_t *elem_ret, bool *done_ret);

void hc_map_iter_deinit(struct hc_map_iter *it);

/** What a map's internals add up to. */
struct hc_map_stats {
	uint64_t entries;
	/* Classic. */
	uint64_t nbuckets, nold, evacuated;
	uint64_t overflow_buckets;
	uint64_t longest_chain;
	/** chains[n]: buckets whose chain has n overflow buckets (n < 8, the
	 * last counts 7 and more). */
	uint64_t chains[8];
	/* Swiss. */
	uint64_t tables, groups, capacity, tombstones;
	/** Slots in all buckets / groups. */
	uint64_t slots;
	/** Bytes of buckets, overflow buckets, tables, groups, directory. */
	uint64_t bytes;
	/** Bytes the same entries need in a freshly made map. */
	uint64_t bytes_needed;
	/** entries / slots. */
	double load;
};

/**
 * Walk the whole map and add up its internals.
 * @return NULL; FAULT/BAD_DATA as the iterator.
 */
struct hc_error *hc_map_stats(const struct hc_aspace *as,
			      const struct hc_map_info *info, uint64_t addr,
			      struct hc_map_stats *ret);

#endif /* HMAPCORE_MAPS_H */
