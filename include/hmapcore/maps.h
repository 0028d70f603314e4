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
 *
 * Three walks share these rules: hc_map_iter (entries, each once),
 * hc_map_units (every bucket / group with its raw tophash or control
 * bytes, for the browser's internals view) and hc_map_stats (totals).
 * sync.Map, in both of its forms, is walked by hc_syncmap_iter.
 * Classic overflow chains are bounded by cycle detection and by
 * hc_map_overflow_budget(); Swiss directories by their length (at most
 * 2^20, readable) and tables by 128 groups.
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
/* A field of a runtime struct: offset (-1 when absent) and size (at most
 * 8). Small: a map row holds two dozen of them. */
struct hc_map_field {
	int32_t off;
	uint32_t size;
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
/** Whether @p t is a Go map type (a DWARF typedef of Go kind map). */
bool hc_type_is_go_map(const struct hc_type *t);

/** The memo of hc_map_info_from_type() a target keeps (NULL on OOM: then
 * nothing is memoised). */
struct hc_map_info_memo *hc_map_info_memo_create(void);
void hc_map_info_memo_destroy(struct hc_map_info_memo *m);

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
	/* Classic: cycle detection in the current chain (Brent) and the
	 * overflow hops left for the whole map (hc_map_overflow_budget). */
	uint64_t tortoise, power, lam, budget;
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

/**
 * A Swiss map's stats from the sums of a walk of its directory (entries,
 * tombstones, tables, groups, capacity, bytes of the tables and groups
 * added to header_size + 8 * dirLen): the rest (slots, bytes_needed,
 * load), as hc_map_stats() gives them. For a walk done elsewhere
 * (validation, validate.h).
 */
void hc_map_swiss_stats_finish(const struct hc_map_info *info,
			       struct hc_map_stats *st);


/**
 * Overflow buckets a classic map may have in all its chains (new and old
 * arrays together) before we call it impossible: the runtime grows a map
 * once it has about as many overflow buckets as buckets
 * (tooManyOverflowBuckets, runtime/map.go go1.19-go1.23, map_noswiss.go
 * go1.24-go1.25), so 4 * (buckets + old buckets) + 1024 leaves a wide
 * margin. Every walk of a classic map stops there, so a corrupt map costs
 * time linear in its bucket array, never quadratic in merged chains.
 */
static inline uint64_t hc_map_overflow_budget(uint64_t nbuckets, uint64_t nold)
{
	return 4 * (nbuckets + nold) + 1024;
}

/**
 * What one slot's control byte says. Classic tophash (runtime/map.go
 * go1.19-go1.23, map_noswiss.go go1.24-go1.25): 0 emptyRest, 1 emptyOne,
 * 2/3 evacuatedX/Y, 4 evacuatedEmpty, >= 5 (minTopHash) live. Swiss
 * control byte (internal/runtime/maps/group.go, go1.24+): 0x80 empty, 0xfe
 * deleted, 0b0hhhhhhh full, anything else invalid.
 */
enum hc_map_slot {
	HC_MAP_SLOT_LIVE,
	HC_MAP_SLOT_EMPTY,
	HC_MAP_SLOT_EMPTY_REST,
	HC_MAP_SLOT_EVACUATED_X,
	HC_MAP_SLOT_EVACUATED_Y,
	HC_MAP_SLOT_EVACUATED_EMPTY,
	HC_MAP_SLOT_DELETED,
	HC_MAP_SLOT_INVALID,
};

enum hc_map_slot hc_map_slot_classic(uint8_t tophash);
enum hc_map_slot hc_map_slot_swiss(uint8_t ctrl);

/** What a unit of map storage is (see struct hc_map_unit). */
enum hc_map_unit_kind {
	/** Classic: bucket i of the bucket array. */
	HC_MAP_UNIT_BUCKET,
	/** Classic: an overflow bucket of a chain of the bucket array. */
	HC_MAP_UNIT_OVERFLOW,
	/** Classic, growing: bucket j of the old bucket array. */
	HC_MAP_UNIT_OLD_BUCKET,
	/** Classic, growing: an overflow bucket of an old chain. */
	HC_MAP_UNIT_OLD_OVERFLOW,
	/** Swiss: the single group of a small map (dirLen 0). */
	HC_MAP_UNIT_SMALL_GROUP,
	/** Swiss: group g of a table. */
	HC_MAP_UNIT_GROUP,
};

/** "bucket", "overflow", "old bucket", "old overflow", "small group", "group". */
const char *hc_map_unit_kind_name(enum hc_map_unit_kind k);

/**
 * One bucket or group with its raw control bytes, as a browser pages
 * through them: classic buckets in array order, each followed by its
 * overflow chain, then (growing) the old buckets with theirs; Swiss: the
 * small map's group, or every table once (in directory order, from the
 * slot equal to its index) with its groups.
 */
struct hc_map_unit {
	enum hc_map_unit_kind kind;
	/** The bucket or group. */
	uint64_t addr;
	/** Its tophash array (classic) or control word (Swiss). */
	uint64_t ctrl_addr;
	/** The raw tophash / control bytes. */
	uint8_t ctrl[HC_MAP_SLOTS];
	/** Live slots (tophash >= 5 / control byte full). */
	unsigned occupied;
	/** Classic: bucket index in its array; Swiss: group index in its
	 * table (0 for a small map). */
	uint64_t index;
	/** Classic: 0 for the bucket itself, n for its n-th overflow bucket. */
	uint64_t chain_pos;
	/** Swiss: the table (0 for a small map) and its directory index. */
	uint64_t table;
	uint64_t table_index;
	/** Classic: the next overflow bucket (0 at the end of the chain). */
	uint64_t overflow;
};

/** An iterator over the units of one map; bounded like hc_map_iter. */
struct hc_map_unit_iter {
	const struct hc_aspace *as;
	const struct hc_map_info *info;
	struct hc_map_header hdr;
	uint64_t nbuckets, nold;
	/** Classic: 0 new array, 1 old array; index and chain state. */
	int phase;
	uint64_t index, next, chain_pos, hops, budget, tortoise, power, lam;
	/* Swiss. */
	uint64_t dir_index, table, table_index, groups_data, ngroups, group_index;
	bool done;
	/** Units returned so far. */
	uint64_t units;
};

/**
 * Start iterating the buckets or groups of the map at @p addr.
 * @return NULL; FAULT (header unreadable); BAD_DATA (B, dirLen impossible).
 */
struct hc_error *hc_map_units_init(struct hc_map_unit_iter *it,
				   const struct hc_aspace *as,
				   const struct hc_map_info *info, uint64_t addr);

/**
 * The next unit; *done_ret true (and @p ret untouched) at the end.
 * @return NULL; FAULT/BAD_DATA (unreadable bucket, overflow cycle,
 * impossible table); the iteration is over then.
 */
struct hc_error *hc_map_units_next(struct hc_map_unit_iter *it,
				   struct hc_map_unit *ret, bool *done_ret);


/* ------------------------------------------------------------ sync.Map */

/** The two shapes of sync.Map. */
enum hc_syncmap_form {
	/** go1.19-go1.23 (src/sync/map.go): mu, read (atomic.Value in
	 * go1.19, atomic.Pointer[readOnly] from go1.20), dirty
	 * map[any]*entry, misses. */
	HC_SYNCMAP_READ_DIRTY,
	/** go1.24+ (src/internal/sync/hashtriemap.go): sync.Map wraps
	 * internal/sync.HashTrieMap[any,any], a 16-way trie of indirect
	 * nodes whose leaves are entries with overflow chains. */
	HC_SYNCMAP_HASH_TRIE,
};

/** How sync.Map is laid out in this executable (from its DWARF). */
struct hc_syncmap_info {
	enum hc_syncmap_form form;
	/* Read/dirty form: offsets in sync.Map, readOnly, entry. */
	uint64_t read_off;
	/** go1.19: read is an atomic.Value; the readOnly is boxed behind
	 * the interface's data word. */
	bool read_is_value;
	uint64_t dirty_off, ro_m_off, ro_amended_off, entry_p_off;
	/** map[interface {}]*sync.entry, for read.m and dirty. */
	struct hc_map_info inner;
	/** The sentinel of deleted entries (*sync.expunged), 0 if unknown. */
	uint64_t expunged;
	/* Hash-trie form: the root pointer's offset in sync.Map, the
	 * children array in an indirect node, entry fields. */
	uint64_t root_off, children_off, is_entry_off;
	uint64_t overflow_off, key_off, value_off;
};

/**
 * Resolve sync.Map's layout from the DWARF of @p t.
 * @return NULL; NOT_FOUND when the program has no sync.Map type or its
 * parts are missing.
 */
struct hc_error *hc_syncmap_info_from_target(const struct hc_target *t,
					     struct hc_syncmap_info *ret);

/** Depth of the hash trie: 64 hash bits, 4 per level (hashtriemap.go). */
enum { HC_SYNCMAP_TRIE_DEPTH = 16 };

/**
 * An iterator over the live entries of one sync.Map (values deleted or
 * expunged skipped), each once. Bounded: trie depth, a node budget,
 * overflow chains by cycle detection.
 */
struct hc_syncmap_iter {
	const struct hc_aspace *as;
	const struct hc_syncmap_info *info;
	uint64_t addr;
	bool done;
	/* Read/dirty: the inner map's iterator. */
	struct hc_map_iter inner;
	bool inner_live;
	/* Hash trie: the path of indirect nodes and the next child of each. */
	uint64_t node[HC_SYNCMAP_TRIE_DEPTH + 1];
	uint8_t child[HC_SYNCMAP_TRIE_DEPTH + 1];
	int depth;
	/** The entry chain being walked, 0 if none. */
	uint64_t entry;
	uint64_t chain_len;
	uint64_t budget;
	uint64_t entries;
};

/**
 * Start iterating the sync.Map at @p addr (the address of the sync.Map
 * value itself, e.g. the global's address).
 * @return NULL; FAULT when its words are unreadable.
 */
struct hc_error *hc_syncmap_iter_init(struct hc_syncmap_iter *it,
				      const struct hc_aspace *as,
				      const struct hc_syncmap_info *info,
				      uint64_t addr);

/**
 * The next live entry: @p key_ret is the address of its key and
 * @p value_ret of its value, both `interface {}` values (type word, data
 * word). *done_ret true at the end.
 * @return NULL; FAULT/BAD_DATA (the iteration is over then).
 */
struct hc_error *hc_syncmap_iter_next(struct hc_syncmap_iter *it,
				      uint64_t *key_ret, uint64_t *value_ret,
				      bool *done_ret);

/* ------------------------------------------------ map types, no DWARF */

/**
 * A map type descriptor of the executable (abi.OldMapType /
 * abi.SwissMapType, src/internal/abi/map*.go; runtime.maptype in go1.19),
 * what a stripped build still tells about its maps.
 */
struct hc_map_type_desc {
	uint64_t addr;
	/** "map[string]int", escaped, malloc'd ("?" when unreadable). */
	char *name;
	uint64_t key_size, elem_size;
	/** reflect.Kind of the key and the element. */
	uint8_t key_kind, elem_kind;
	/** Classic: the bucket's size; Swiss: the group's. */
	uint64_t bucket_size;
	/** Swiss: one slot's size (0 for classic). */
	uint64_t slot_size;
};

HC_DEFINE_VECTOR(hc_map_type_desc_vec, struct hc_map_type_desc)

/**
 * Every map type in the executable's typelinks (moduledata.typelinks:
 * offsets from moduledata.types of the unnamed composite types), sorted by
 * name. At most @p max (0: 100000) are read.
 * @param[out] ret initialised here; free with hc_map_types_deinit().
 * @return NULL; NOT_FOUND without a moduledata; FAULT when the table is
 * unreadable.
 */
struct hc_error *hc_map_types_list(const struct hc_target *t, uint64_t max,
				   struct hc_map_type_desc_vec *ret);
void hc_map_types_deinit(struct hc_map_type_desc_vec *v);

#endif /* HMAPCORE_MAPS_H */
