/* Map validators: see include/hmapcore/validate.h. */
#include "config.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "hmapcore/threads.h"
#include "hmapcore/validate.h"

/* Longest overflow chain or probe we follow. */
enum { MAX_CHAIN = 1 << 16, MAX_DIR_LEN = 1 << 20 };

struct ctx {
	const struct hc_validate_env *env;
	const struct hc_map_info *mi;
	const struct hc_map_header *h;
	const char *path;
	struct hc_findings *out;
	/* Classic: overflow hops left for the whole map. */
	uint64_t budget;
	/* Swiss, env->stats: the sums of the walk, and whether a table
	 * could not be walked whole. */
	struct hc_map_stats st;
	bool st_partial;
};

/* Is [addr, addr+len) a plausible home for map memory? Reports
 * map-bad-pointer otherwise; false when it cannot even be read. */
static bool check_memory(struct ctx *c, uint64_t addr, uint64_t len,
			 const char *what, bool stack_ok)
{
	const struct hc_aspace *as = c->env->as;
	/* A range that wraps past 2^64 is not in memory either (a length
	 * computed from a corrupt count). */
	if (!addr || !hc_aspace_readable(as, addr) ||
	    (len && (addr + len - 1 < addr || !hc_aspace_readable(as, addr + len - 1)))) {
		hc_findings_add(c->out, HC_FINDING_MAP_BAD_POINTER, c->path, addr,
				"%s 0x%" PRIx64 " (%" PRIu64 " bytes) is not in memory",
				what, addr, len);
		return false;
	}
	if (!c->env->heap) {
		uint64_t base, size;
		if (!c->env->object_bounds)
			return true;
		if (!c->env->object_bounds(c->env->object_bounds_arg, addr, &base, &size)) {
			if (!stack_ok)
				hc_findings_add(c->out, HC_FINDING_MAP_BAD_POINTER, c->path, addr,
						"%s 0x%" PRIx64 " is not inside a live heap object",
						what, addr);
		} else if (addr < base || len > base + size - addr) {
			hc_findings_add(c->out, HC_FINDING_MAP_BAD_POINTER, c->path, addr,
					"%s 0x%" PRIx64 " needs %" PRIu64
					" bytes but its heap object [0x%" PRIx64 ", 0x%" PRIx64 ") is smaller",
					what, addr, len, base, base + size);
		}
		return true;
	}
	struct hc_addr_info ai;
	hc_heap_classify(c->env->heap, c->env->rt, addr, &ai);
	switch (ai.kind) {
	case HC_ADDR_HEAP_LIVE: {
		bool inside;
		struct hc_heap_object obj;
		struct hc_error *err =
			hc_heap_check_range(c->env->heap, addr, len, &inside, &obj);
		if (!err && !inside)
			hc_findings_add(c->out, HC_FINDING_MAP_BAD_POINTER, c->path, addr,
					"%s 0x%" PRIx64 " needs %" PRIu64
					" bytes but its heap object [0x%" PRIx64 ", 0x%" PRIx64 ") is smaller",
					what, addr, len, obj.data, obj.end);
		hc_error_destroy(err);
		return true;
	}
	case HC_ADDR_HEAP_FREE:
		hc_findings_add(c->out, HC_FINDING_MAP_BAD_POINTER, c->path, addr,
				"%s 0x%" PRIx64 " points into a free heap slot (use after free?)",
				what, addr);
		return true;
	case HC_ADDR_STACK:
		/* The compiler stack-allocates small non-escaping maps. */
		if (!stack_ok)
			hc_findings_add(c->out, HC_FINDING_MAP_BAD_POINTER, c->path, addr,
					"%s 0x%" PRIx64 " is on a goroutine stack", what, addr);
		return true;
	case HC_ADDR_RODATA:
	case HC_ADDR_TEXT:
		hc_findings_add(c->out, HC_FINDING_MAP_BAD_POINTER, c->path, addr,
				"%s 0x%" PRIx64 " points into %s", what, addr,
				ai.kind == HC_ADDR_TEXT ? "code" : "read-only data");
		return true;
	default:
		return true;
	}
}

static bool evacuated(uint8_t top)
{
	return top > HC_TOPHASH_EMPTY_ONE && top < HC_TOPHASH_MIN;
}

static uint64_t overflow_of(struct ctx *c, uint64_t b)
{
	uint64_t next = 0;
	struct hc_error *err = hc_aspace_read_u64(c->env->as, b + c->mi->overflow_off, &next);
	hc_error_destroy(err);
	return err ? 0 : next;
}

/*
 * The chain from @p head loops (Brent found it): find where, for a finding
 * that names the bucket whose overflow pointer closes the loop. Floyd's
 * second phase: the cycle length, then its entry; at most three walks of
 * the chain, all of it already read once.
 */
static void report_loop(struct ctx *c, uint64_t head)
{
	// Inside the cycle after MAX_CHAIN steps at the latest.
	uint64_t x = head;
	for (unsigned i = 0; i < MAX_CHAIN && x; i++)
		x = overflow_of(c, x);
	uint64_t lambda = 0, y = x;
	do {
		y = overflow_of(c, y);
		lambda++;
	} while (y && y != x && lambda <= MAX_CHAIN);
	uint64_t entry = 0, closer = 0;
	if (y == x) {
		uint64_t a = head, b = head;
		for (uint64_t i = 0; i < lambda; i++)
			b = overflow_of(c, b);
		for (unsigned i = 0; a != b && i <= MAX_CHAIN; i++) {
			a = overflow_of(c, a);
			b = overflow_of(c, b);
		}
		entry = a;
		closer = entry;
		for (uint64_t i = 0; i + 1 < lambda; i++)
			closer = overflow_of(c, closer);
	}
	struct hc_finding *f = hc_findings_add(
		c->out, HC_FINDING_MAP_OVERFLOW_CYCLE, c->path, closer ? closer : head,
		"the overflow pointer of bucket 0x%" PRIx64 " points back to bucket 0x%" PRIx64
		" (a loop of %" PRIu64 " buckets in the chain of bucket 0x%" PRIx64 ")",
		closer, entry, lambda, head);
	hc_finding_add_addr(f, entry);
	hc_finding_add_addr(f, head);
}

/*
 * Walk one chain from @p b, counting live slots and overflow buckets, and
 * checking tophash values. @p old: a chain of the old array (evacuation
 * marks allowed, all or nothing).
 */
static void check_chain(struct ctx *c, uint64_t b, bool old, uint64_t *live,
			uint64_t *overflow, bool *ok)
{
	const struct hc_map_info *mi = c->mi;
	uint64_t head = b, tortoise = b, power = 1, lam = 0;
	bool rest = false;
	uint64_t hops = 0;
	for (;;) {
		uint8_t top[8];
		struct hc_error *rerr = hc_aspace_read(c->env->as, b + mi->tophash_off, top, 8);
		if (rerr) {
			hc_error_destroy(rerr);
			hc_findings_add(c->out, HC_FINDING_MAP_BAD_POINTER, c->path, b,
					"bucket 0x%" PRIx64 " is not in memory", b);
			*ok = false;
			return;
		}
		for (int s = 0; s < 8; s++) {
			uint8_t t = top[s];
			if (rest && t != HC_TOPHASH_EMPTY_REST) {
				hc_findings_add(c->out, HC_FINDING_MAP_TOPHASH, c->path, b + mi->tophash_off + s,
						"slot %d of bucket 0x%" PRIx64 " has tophash %u after an emptyRest",
						s, b, t);
				rest = false;
			}
			if (t == HC_TOPHASH_EMPTY_REST)
				rest = true;
			else if (t >= HC_TOPHASH_MIN)
				(*live)++;
			else if (evacuated(t) && !old)
				hc_findings_add(c->out, HC_FINDING_MAP_TOPHASH, c->path, b + mi->tophash_off + s,
						"slot %d of bucket 0x%" PRIx64 " has evacuation mark %u outside the old buckets",
						s, b, t);
		}
		uint64_t next;
		struct hc_error *err =
			hc_aspace_read_u64(c->env->as, b + mi->overflow_off, &next);
		if (err) {
			hc_error_destroy(err);
			*ok = false;
			return;
		}
		/* The first bucket of an evacuated old chain may have its
		 * overflow word cleared (evacuate); nothing to follow then. */
		if (!next)
			return;
		if (next == tortoise) {
			report_loop(c, head);
			*ok = false;
			return;
		}
		if (++hops > MAX_CHAIN || c->budget-- == 0) {
			hc_findings_add(c->out, HC_FINDING_MAP_OVERFLOW_CYCLE, c->path, b,
					"more overflow buckets than a map of 2^%u buckets can have "
					"(%" PRIu64 " in this chain)", c->h->B, hops);
			*ok = false;
			return;
		}
		/* Brent's cycle detection. */
		if (++lam == power) {
			tortoise = next;
			power *= 2;
			lam = 0;
		}
		if (!check_memory(c, next, mi->bucket_size, "overflow bucket", true)) {
			*ok = false;
			return;
		}
		(*overflow)++;
		b = next;
	}
}

static void validate_classic(struct ctx *c)
{
	const struct hc_map_header *h = c->h;
	const struct hc_map_info *mi = c->mi;
	if (h->flags & HC_HMAP_WRITING)
		hc_findings_add(c->out, HC_FINDING_MAP_WRITING, c->path, h->addr,
				"hashWriting is set in flags 0x%x", h->flags);
	if (h->flags & HC_HMAP_SAME_SIZE_GROW && !h->oldbuckets)
		hc_findings_add(c->out, HC_FINDING_MAP_GROWTH, c->path, h->addr,
				"sameSizeGrow is set but oldbuckets is nil");
	if (!h->buckets) {
		if (h->count)
			hc_findings_add(c->out, HC_FINDING_MAP_NIL_BUCKETS, c->path, h->addr,
					"count is %" PRIu64 " but buckets is nil", h->count);
		if (h->oldbuckets)
			hc_findings_add(c->out, HC_FINDING_MAP_GROWTH, c->path, h->addr,
					"oldbuckets 0x%" PRIx64 " is set but buckets is nil",
					h->oldbuckets);
		return;
	}
	uint64_t nb = h->B < 64 ? (uint64_t)1 << h->B : 0;
	if (h->B > 40 || nb > UINT64_MAX / mi->bucket_size ||
	    h->buckets > UINT64_MAX - nb * mi->bucket_size) {
		// 2^40 buckets of >= 16 bytes: more than any core holds.
		struct hc_finding *f =
			hc_findings_add(c->out, HC_FINDING_MAP_BAD_POINTER, c->path, h->buckets,
					"B = %u: an array of 2^%u buckets at 0x%" PRIx64
					" cannot fit in memory", h->B, h->B, h->buckets);
		hc_finding_add_addr(f, h->addr);
		return;
	}
	/* B = 0 maps may have their bucket on the stack (C14). */
	if (!check_memory(c, h->buckets, nb * mi->bucket_size, "the bucket array", h->B == 0))
		return;
	uint64_t nold = hc_map_old_buckets(h);
	if (h->oldbuckets) {
		if (h->B == 0 && !(h->flags & HC_HMAP_SAME_SIZE_GROW)) {
			hc_findings_add(c->out, HC_FINDING_MAP_GROWTH, c->path, h->addr,
					"growing to B = 0 is impossible");
			return;
		}
		if (!check_memory(c, h->oldbuckets, nold * mi->bucket_size,
				  "the old bucket array", false))
			return;
		if (h->nevacuate > nold)
			hc_findings_add(c->out, HC_FINDING_MAP_GROWTH, c->path, h->addr,
					"nevacuate %" PRIu64 " is past the %" PRIu64 " old buckets",
					h->nevacuate, nold);
	}
	uint64_t live = 0, overflow = 0, old_overflow = 0;
	bool ok = true;
	c->budget = hc_map_overflow_budget(nb, nold);
	for (uint64_t i = 0; i < nb && ok; i++) {
		uint64_t b = h->buckets + i * mi->bucket_size;
		if (nold) {
			uint64_t j = i & (nold - 1);
			uint64_t ob = h->oldbuckets + j * mi->bucket_size;
			uint8_t top;
			struct hc_error *err =
				hc_aspace_read_u8(c->env->as, ob + mi->tophash_off, &top);
			if (err) {
				hc_error_destroy(err);
				ok = false;
				break;
			}
			if (!evacuated(top)) {
				if (j < h->nevacuate && i == j)
					hc_findings_add(c->out, HC_FINDING_MAP_GROWTH, c->path, ob,
							"old bucket %" PRIu64 " is below nevacuate %" PRIu64
							" but not evacuated", j, h->nevacuate);
				/* Its entries count once, from the old chain;
				 * the new bucket must still be empty (C8). */
				if (i == j)
					check_chain(c, ob, true, &live, &old_overflow, &ok);
				uint8_t nt[8];
				struct hc_error *nerr =
					hc_aspace_read(c->env->as, b + mi->tophash_off, nt, 8);
				bool nok = !nerr;
				hc_error_destroy(nerr);
				if (nok) {
					for (int s = 0; s < 8; s++) {
						if (nt[s] != HC_TOPHASH_EMPTY_REST) {
							hc_findings_add(c->out, HC_FINDING_MAP_GROWTH, c->path, b,
									"new bucket %" PRIu64 " holds entries although old bucket %"
									PRIu64 " is not evacuated", i, j);
							break;
						}
					}
				}
				continue;
			}
		}
		check_chain(c, b, false, &live, &overflow, &ok);
	}
	if (!ok)
		return;
	if (live != h->count) {
		uint64_t d = live > h->count ? live - h->count : h->count - live;
		bool in_flight = (h->flags & HC_HMAP_WRITING) || c->env->write_in_flight;
		if (!(d == 1 && in_flight))
			hc_findings_add(c->out, HC_FINDING_MAP_COUNT, c->path, h->addr,
					"count is %" PRIu64 " but %" PRIu64 " slots are occupied",
					h->count, live);
	}
	if (h->B < 16 && h->noverflow != overflow)
		hc_findings_add(c->out, HC_FINDING_MAP_NOVERFLOW, c->path, h->addr,
				"noverflow is %u but %" PRIu64 " overflow buckets hang off the buckets",
				h->noverflow, overflow);
	uint64_t slots = (nb + overflow) * HC_MAP_SLOTS;
	if (!nold && slots >= 1024 && h->count * 16 < slots)
		hc_findings_add(c->out, HC_FINDING_MAP_OVERSIZED, c->path, h->addr,
				"%" PRIu64 " entries in %" PRIu64 " slots (%" PRIu64 " bytes of buckets)",
				h->count, slots, slots / HC_MAP_SLOTS * mi->bucket_size);
}

/* Count control bytes; report the invalid ones. */
static void check_ctrl(struct ctx *c, uint64_t group, const uint8_t ctrl[8],
		       unsigned *full, unsigned *deleted, unsigned *empty)
{
	for (int s = 0; s < 8; s++) {
		uint8_t b = ctrl[s];
		if (!(b & 0x80))
			(*full)++;
		else if (b == HC_CTRL_DELETED)
			(*deleted)++;
		else if (b == HC_CTRL_EMPTY)
			(*empty)++;
		else
			hc_findings_add(c->out, HC_FINDING_MAP_CTRL, c->path,
					group + c->mi->ctrl_off + (uint64_t)s,
					"control byte 0x%02x of slot %d in group 0x%" PRIx64
					" is neither empty, deleted nor full", b, s, group);
	}
}

static uint64_t read_field(struct ctx *c, uint64_t base, struct hc_map_field f,
			   bool *ok)
{
	if (f.off < 0 || !f.size)
		return 0;
	uint8_t buf[8] = {0};
	struct hc_error *err = hc_aspace_read(c->env->as, base + (uint64_t)f.off, buf, f.size);
	if (err) {
		hc_error_destroy(err);
		*ok = false;
		return 0;
	}
	uint64_t v = 0;
	for (uint64_t i = 0; i < f.size; i++)
		v |= (uint64_t)buf[i] << (8 * i);
	return v;
}

/* One Swiss table: S3-S5, S7, S9. Returns its used count. */
enum { PREFETCH_GROUPS = 16 };

/* The bytes of @p b equal to @p v, counted eight at a time: a byte of
 * x = b ^ v is zero when adding 0x7f to its low seven bits leaves its top
 * bit clear and it had none of its own. */
static unsigned count_bytes_equal(uint64_t b, uint8_t v)
{
	const uint64_t low7 = 0x7f7f7f7f7f7f7f7full;
	uint64_t x = b ^ (0x0101010101010101ull * v);
	uint64_t zero = ~(((x & low7) + low7) | x) & ~low7;
	return (unsigned)(((zero >> 7) * 0x0101010101010101ull) >> 56);
}

/*
 * check_ctrl's counts for a group whose eight control bytes are all
 * empty, deleted or full; false (nothing counted) when one is not, for
 * check_ctrl to report.
 */
static bool count_ctrl(const uint8_t ctrl[8], unsigned *full, unsigned *deleted,
		       unsigned *empty)
{
	uint64_t b;
	memcpy(&b, ctrl, 8);
	uint64_t top = b & ~0x7f7f7f7f7f7f7f7full;
	unsigned nfull = 8 - (unsigned)(((top >> 7) * 0x0101010101010101ull) >> 56);
	unsigned nempty = count_bytes_equal(b, HC_CTRL_EMPTY);
	unsigned ndeleted = count_bytes_equal(b, HC_CTRL_DELETED);
	if (nfull + nempty + ndeleted != 8)
		return false;
	*full += nfull;
	*empty += nempty;
	*deleted += ndeleted;
	return true;
}

static uint64_t check_table(struct ctx *c, uint64_t taddr, uint64_t i,
			    uint64_t *tables, uint64_t *capacity_sum, bool *ok)
{
	const struct hc_map_info *mi = c->mi;
	const struct hc_map_header *h = c->h;
	if (!check_memory(c, taddr, mi->table_size, "table", false)) {
		*ok = false;
		c->st_partial = true;
		return 0;
	}
	bool rok = true;
	uint64_t used = read_field(c, taddr, mi->t_used, &rok);
	uint64_t cap = read_field(c, taddr, mi->t_capacity, &rok);
	uint64_t growth_left = read_field(c, taddr, mi->t_growth_left, &rok);
	uint64_t ld = read_field(c, taddr, mi->t_local_depth, &rok);
	int64_t index = (int64_t)read_field(c, taddr, mi->t_index, &rok);
	uint64_t groups = read_field(c, taddr, mi->t_groups_data, &rok);
	uint64_t mask = read_field(c, taddr, mi->t_groups_mask, &rok);
	if (!rok) {
		*ok = false;
		c->st_partial = true;
		return 0;
	}
	if (index != (int64_t)i) {
		/* Visited from its own first slot; it must be the one here. */
		if (index < 0 || (uint64_t)index >= h->dir_len)
			hc_findings_add(c->out, HC_FINDING_MAP_DIRECTORY, c->path, taddr,
					"directory slot %" PRIu64 " holds table 0x%" PRIx64
					" whose index %" PRId64 " is %s", i, taddr, index,
					index == -1 ? "stale (-1): a replaced table" : "out of range");
		return 0;
	}
	(*tables)++;
	*capacity_sum += cap;
	if (ld > h->global_depth)
		hc_findings_add(c->out, HC_FINDING_MAP_DIRECTORY, c->path, taddr,
				"table localDepth %" PRIu64 " exceeds globalDepth %u", ld, h->global_depth);
	else if (h->global_depth - ld >= 64)
		/* A span of 2^64 slots or more cannot be (found by
		 * tests/fuzz/fuzz_maps: the shift was undefined). */
		hc_findings_add(c->out, HC_FINDING_MAP_DIRECTORY, c->path, taddr,
				"globalDepth %u and localDepth %" PRIu64 " span more than 2^63 slots",
				h->global_depth, ld);
	else {
		uint64_t span = (uint64_t)1 << (h->global_depth - ld);
		if (i % span)
			hc_findings_add(c->out, HC_FINDING_MAP_DIRECTORY, c->path, taddr,
					"table index %" PRIu64 " is not a multiple of %" PRIu64, i, span);
		for (uint64_t k = i; k < i + span && k < h->dir_len; k++) {
			uint64_t other;
			struct hc_error *err = hc_aspace_read_u64(c->env->as, h->dir_ptr + 8 * k, &other);
			if (err) {
				hc_error_destroy(err);
				break;
			}
			if (other != taddr) {
				hc_findings_add(c->out, HC_FINDING_MAP_DIRECTORY, c->path, h->dir_ptr + 8 * k,
						"directory slot %" PRIu64 " should hold table 0x%" PRIx64
						" (localDepth %" PRIu64 ") but holds 0x%" PRIx64,
						k, taddr, ld, other);
				break;
			}
		}
	}
	/* The mask first: (mask + 1) * 8 and (mask + 1) * group_size wrap
	 * for a mask with its top bits set (one flipped byte), and the
	 * capacity and memory checks would pass on the wrapped size. */
	if (mask >= HC_SWISS_MAX_TABLE_CAPACITY / 8 ||
	    cap < 8 || cap > HC_SWISS_MAX_TABLE_CAPACITY || (cap & (cap - 1)) ||
	    cap != (mask + 1) * 8) {
		hc_findings_add(c->out, HC_FINDING_MAP_DIRECTORY, c->path, taddr,
				"table capacity %" PRIu64 " with %" PRIu64 " groups is impossible",
				cap, mask + 1);
		c->st_partial = true;
		return used;
	}
	if (!check_memory(c, groups, (mask + 1) * mi->group_size, "the group array", false)) {
		c->st_partial = true;
		return used;
	}
	unsigned full = 0, deleted = 0, empty = 0;
	const uint8_t *array = hc_aspace_ptr(c->env->as, groups, (mask + 1) * mi->group_size);
	for (uint64_t g = 0; g <= mask; g++) {
		uint64_t ga = groups + g * mi->group_size;
		uint8_t ctrl[8];
		if (array) {
			/* The whole array is in one buffer: count a group's
			 * bytes at once and report only a group with a bad one. */
			const uint8_t *at = array + g * mi->group_size + mi->ctrl_off;
			/* A walk of memory-sized arrays waits on memory. */
			if (g + PREFETCH_GROUPS <= mask)
				__builtin_prefetch(at + PREFETCH_GROUPS * mi->group_size);
			memcpy(ctrl, at, 8);
			if (count_ctrl(ctrl, &full, &deleted, &empty))
				continue;
		} else {
			struct hc_error *err = hc_aspace_read(c->env->as, ga + mi->ctrl_off, ctrl, 8);
			if (err) {
				hc_error_destroy(err);
				c->st_partial = true;
				return used;
			}
		}
		check_ctrl(c, ga, ctrl, &full, &deleted, &empty);
	}
	c->st.tables++;
	c->st.groups += mask + 1;
	c->st.capacity += cap;
	c->st.bytes += mi->table_size + (mask + 1) * mi->group_size;
	c->st.entries += full;
	c->st.tombstones += deleted;
	if (full != used && !(c->env->write_in_flight || h->writing))
		hc_findings_add(c->out, HC_FINDING_MAP_COUNT, c->path, taddr,
				"table used is %" PRIu64 " but %u slots are full", used, full);
	uint64_t max_load = cap <= 8 ? cap - 1 : cap * 7 / 8;
	if (used + deleted + growth_left != max_load && !h->writing)
		hc_findings_add(c->out, HC_FINDING_MAP_COUNT, c->path, taddr,
				"table growthLeft %" PRIu64 " does not match capacity %" PRIu64
				", %" PRIu64 " used and %u tombstones", growth_left, cap, used, deleted);
	if (!empty)
		hc_findings_add(c->out, HC_FINDING_MAP_CTRL, c->path, taddr,
				"table has no empty slot left (probing would never end)");
	if (deleted && h->tombstone_possible == 0)
		hc_findings_add(c->out, HC_FINDING_MAP_CTRL, c->path, taddr,
				"%u tombstones although tombstonePossible is false", deleted);
	return used;
}

/* The stats of a small map (no directory), as hc_map_stats gives them. */
static void small_stats(struct ctx *c, unsigned full, bool group)
{
	if (!c->env->stats)
		return;
	struct hc_map_stats *st = c->env->stats;
	memset(st, 0, sizeof(*st));
	if (group) {
		st->entries = full;
		st->groups = 1;
		st->capacity = 8;
		st->slots = 8;
		st->bytes = c->mi->header_size + c->mi->group_size;
		hc_map_swiss_stats_finish(c->mi, st);
	}
	*c->env->stats_done = true;
}

/* Directory slots [begin, end) of a Swiss map's walk, with their sums. */
struct dir_part {
	struct ctx *c;
	uint64_t begin, end;
	uint64_t used, tables, capacity;
	/* The walk stopped (the serial walk would end the validation here). */
	bool stopped;
};

static void walk_dir_part(struct dir_part *p)
{
	struct ctx *c = p->c;
	const struct hc_map_header *h = c->h;
	bool ok = true;
	for (uint64_t i = p->begin; i < p->end && ok; i++) {
		uint64_t taddr;
		struct hc_error *err = hc_aspace_read_u64(c->env->as, h->dir_ptr + 8 * i, &taddr);
		if (err) {
			hc_error_destroy(err);
			p->stopped = true;
			return;
		}
		if (!taddr) {
			hc_findings_add(c->out, HC_FINDING_MAP_DIRECTORY, c->path, h->dir_ptr + 8 * i,
					"directory slot %" PRIu64 " is nil", i);
			continue;
		}
		if (taddr == h->addr || taddr == h->dir_ptr) {
			hc_findings_add(c->out, HC_FINDING_MAP_DIRECTORY, c->path, h->dir_ptr + 8 * i,
					"directory slot %" PRIu64 " points back at the map", i);
			p->stopped = true;
			return;
		}
		p->used += check_table(c, taddr, i, &p->tables, &p->capacity, &ok);
	}
	p->stopped = !ok;
}

static void *dir_part_thread(void *arg)
{
	walk_dir_part(arg);
	return NULL;
}

/* A directory split in two from this many slots on (env->split). */
enum { SPLIT_DIR_MIN = 1024 };

static void add_stats(struct hc_map_stats *dst, const struct hc_map_stats *src)
{
	dst->tables += src->tables;
	dst->groups += src->groups;
	dst->capacity += src->capacity;
	dst->bytes += src->bytes;
	dst->entries += src->entries;
	dst->tombstones += src->tombstones;
}

/*
 * Walk the directory slots of @p whole into its sums and c's findings and
 * stats; false when the walk stopped. With env->split and a large
 * directory, the second half is walked at once on a thread of its own,
 * into a context of its own, which is kept only when the first half did
 * not stop: the result is the serial walk's.
 */
static bool walk_directory(struct ctx *c, struct dir_part *whole)
{
	const struct hc_validate_env *env = c->env;
	pthread_t th;
	struct hc_validate_env env2;
	struct hc_findings out2;
	struct ctx c2;
	struct dir_part second;
	bool two = env->split && !env->object_bounds &&
		   hc_second_thread(whole->end - whole->begin, SPLIT_DIR_MIN);
	if (two) {
		env2 = *env;
		env2.heap = env->split_heap;
		hc_findings_init(&out2);
		c2 = *c;
		c2.env = &env2;
		c2.out = &out2;
		memset(&c2.st, 0, sizeof(c2.st));
		c2.st_partial = false;
		second = (struct dir_part){.c = &c2, .end = whole->end};
		second.begin = whole->begin + (whole->end - whole->begin) / 2;
		whole->end = second.begin;
		if (pthread_create(&th, NULL, dir_part_thread, &second) != 0) {
			hc_findings_deinit(&out2);
			whole->end = second.end;
			two = false;
		}
	}
	walk_dir_part(whole);
	if (!two)
		return !whole->stopped;
	pthread_join(th, NULL);
	if (whole->stopped) {
		hc_findings_deinit(&out2);
		return false;
	}
	hc_findings_take(c->out, &out2);
	add_stats(&c->st, &c2.st);
	c->st_partial |= c2.st_partial;
	whole->used += second.used;
	whole->tables += second.tables;
	whole->capacity += second.capacity;
	whole->end = second.end;
	return !second.stopped;
}

static void validate_swiss(struct ctx *c)
{
	const struct hc_map_header *h = c->h;
	const struct hc_map_info *mi = c->mi;
	if (h->writing == 1)
		hc_findings_add(c->out, HC_FINDING_MAP_WRITING, c->path, h->addr,
				"the writing flag is set");
	else if (h->writing > 1)
		hc_findings_add(c->out, HC_FINDING_MAP_WRITING, c->path, h->addr,
				"the writing flag is %u, a value the runtime never writes",
				h->writing);
	bool in_flight = c->env->write_in_flight || h->writing;
	if (h->dir_len == 0) {
		if (!h->dir_ptr) {
			if (h->count)
				hc_findings_add(c->out, HC_FINDING_MAP_NIL_BUCKETS, c->path, h->addr,
						"used is %" PRIu64 " but the map has no group", h->count);
			small_stats(c, 0, false);
			return;
		}
		if (!check_memory(c, h->dir_ptr, mi->group_size, "the small map's group", true))
			return;
		uint8_t ctrl[8];
		struct hc_error *err = hc_aspace_read(c->env->as, h->dir_ptr + mi->ctrl_off, ctrl, 8);
		if (err) {
			hc_error_destroy(err);
			return;
		}
		unsigned full = 0, deleted = 0, empty = 0;
		check_ctrl(c, h->dir_ptr, ctrl, &full, &deleted, &empty);
		small_stats(c, full, true);
		if (deleted)
			hc_findings_add(c->out, HC_FINDING_MAP_CTRL, c->path, h->dir_ptr + mi->ctrl_off,
					"a small map has %u tombstones (deletes empty its slots)", deleted);
		uint64_t d = full > h->count ? full - h->count : h->count - full;
		if (h->count > 8 || (d && !(d == 1 && in_flight)))
			hc_findings_add(c->out, HC_FINDING_MAP_COUNT, c->path, h->addr,
					"used is %" PRIu64 " but %u slots of the small map are full",
					h->count, full);
		return;
	}
	if (h->dir_len > MAX_DIR_LEN || h->global_depth >= 64 ||
	    h->dir_len != (uint64_t)1 << h->global_depth) {
		hc_findings_add(c->out, HC_FINDING_MAP_DIRECTORY, c->path, h->addr,
				"dirLen %" PRIu64 " does not match globalDepth %u",
				h->dir_len, h->global_depth);
		if (h->dir_len > MAX_DIR_LEN)
			return;
	}
	if (h->global_shift != 64 - h->global_depth)
		hc_findings_add(c->out, HC_FINDING_MAP_DIRECTORY, c->path, h->addr,
				"globalShift %u is not 64 - globalDepth %u",
				h->global_shift, h->global_depth);
	if (!check_memory(c, h->dir_ptr, 8 * h->dir_len, "the directory", false))
		return;
	c->st.bytes = mi->header_size + 8 * h->dir_len;
	struct dir_part whole = {.c = c, .end = h->dir_len};
	if (!walk_directory(c, &whole))
		return;
	uint64_t used = whole.used, tables = whole.tables, capacity = whole.capacity;
	if (c->env->stats && !c->st_partial) {
		*c->env->stats = c->st;
		hc_map_swiss_stats_finish(mi, c->env->stats);
		*c->env->stats_done = true;
	}
	uint64_t d = used > h->count ? used - h->count : h->count - used;
	if (d && !(d == 1 && in_flight))
		hc_findings_add(c->out, HC_FINDING_MAP_COUNT, c->path, h->addr,
				"used is %" PRIu64 " but its tables hold %" PRIu64, h->count, used);
	if (capacity >= 2048 && h->count * 16 < capacity)
		hc_findings_add(c->out, HC_FINDING_MAP_OVERSIZED, c->path, h->addr,
				"%" PRIu64 " entries in %" PRIu64 " slots of %" PRIu64 " tables",
				h->count, capacity, tables);
}

void hc_validate_map(const struct hc_validate_env *env,
		     const struct hc_map_info *mi, uint64_t addr,
		     const char *path, struct hc_findings *out)
{
	if (env->stats_done)
		*env->stats_done = false;
	struct hc_map_header h;
	struct hc_error *err = hc_map_read_header(env->as, mi, addr, &h);
	if (err) {
		hc_findings_add(out, HC_FINDING_MAP_BAD_POINTER, path, addr,
				"the map header 0x%" PRIx64 " is not in memory", addr);
		hc_error_destroy(err);
		return;
	}
	struct ctx c = {.env = env, .mi = mi, .h = &h, .path = path, .out = out};
	if (env->heap)
		check_memory(&c, addr, mi->header_size, "the map header", true);
	if (mi->flavour == HC_MAPS_CLASSIC)
		validate_classic(&c);
	else
		validate_swiss(&c);
}
