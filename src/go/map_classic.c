/*
 * Classic maps: iteration and internals (src/runtime/map.go go1.19-go1.23,
 * map_noswiss.go go1.24-go1.25; GO-INTERNALS.md 1.7; like mapiternext, slots past an emptyRest are still
 * looked at, so corruption shows).
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include "hmapcore/maps.h"

struct hc_error *hc_map_classic_iter_init(struct hc_map_iter *it);
struct hc_error *hc_map_classic_iter_next(struct hc_map_iter *it,
					  uint64_t *slot_key, uint64_t *slot_elem);
struct hc_error *hc_map_classic_stats(const struct hc_aspace *as,
				      const struct hc_map_info *info,
				      const struct hc_map_header *h,
				      struct hc_map_stats *st);
struct hc_error *hc_map_classic_units_init(struct hc_map_unit_iter *it);
struct hc_error *hc_map_classic_units_next(struct hc_map_unit_iter *it,
					   struct hc_map_unit *u, bool *got);

/* Largest B we accept before looking at memory: 2^40 buckets of at least
 * 16 bytes is 16 TiB, more than any core holds. */
enum { MAX_B = 40 };

/*
 * Cycle detection along one overflow chain (Brent): @p tortoise, @p power
 * and @p lam start at (first bucket, 1, 0). Returns true when @p next
 * closes a cycle.
 */
static bool brent_step(uint64_t next, uint64_t *tortoise, uint64_t *power,
		       uint64_t *lam)
{
	if (next == *tortoise)
		return true;
	if (++*lam == *power) {
		*tortoise = next;
		*power *= 2;
		*lam = 0;
	}
	return false;
}

static bool evacuated(uint8_t top)
{
	return top > HC_TOPHASH_EMPTY_ONE && top < HC_TOPHASH_MIN;
}

/* Check that an array of 2^B buckets is plausible and readable. */
static struct hc_error *check_array(const struct hc_aspace *as,
				    const struct hc_map_info *info,
				    uint64_t addr, unsigned B, const char *what)
{
	if (B > MAX_B)
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "map B = %u is impossible", B);
	uint64_t n = (uint64_t)1 << B;
	if (n > UINT64_MAX / info->bucket_size ||
	    addr > UINT64_MAX - n * info->bucket_size)
		return hc_error_create(HC_ERROR_BAD_DATA, "%s array overflows", what);
	uint64_t last = addr + n * info->bucket_size - 1;
	if (!hc_aspace_readable(as, addr) || !hc_aspace_readable(as, last))
		return hc_error_fault(hc_aspace_readable(as, addr) ? last : addr,
				      "%s array of 2^%u buckets not in memory", what, B);
	return NULL;
}

struct hc_error *hc_map_classic_iter_init(struct hc_map_iter *it)
{
	const struct hc_map_header *h = &it->hdr;
	if (!h->buckets) {
		it->done = true;
		return NULL;
	}
	struct hc_error *err = check_array(it->as, it->info, h->buckets, h->B, "bucket");
	if (err)
		return err;
	it->nbuckets = (uint64_t)1 << h->B;
	it->nold = hc_map_old_buckets(h);
	it->budget = hc_map_overflow_budget(it->nbuckets, it->nold);
	if (it->nold) {
		err = check_array(it->as, it->info, h->oldbuckets,
				  (h->flags & HC_HMAP_SAME_SIZE_GROW) ? h->B : h->B - 1,
				  "old bucket");
		if (err)
			return err;
	}
	return NULL;
}

static struct hc_error *load_bucket(struct hc_map_iter *it, uint64_t b)
{
	it->bucket = b;
	it->slot = 0;
	return hc_aspace_read(it->as, b + it->info->tophash_off, it->tophash, 8);
}

struct hc_error *hc_map_classic_iter_next(struct hc_map_iter *it,
					  uint64_t *slot_key, uint64_t *slot_elem)
{
	const struct hc_map_info *mi = it->info;
	struct hc_error *err;
	for (;;) {
		if (!it->in_chain) {
			if (it->bucket_index >= it->nbuckets) {
				it->done = true;
				return NULL;
			}
			uint64_t i = it->bucket_index++;
			uint64_t start = it->hdr.buckets + i * mi->bucket_size;
			if (it->nold) {
				/* Entries of an unevacuated old bucket are
				 * still there: visit it once, from new bucket
				 * j (GO-INTERNALS 1.7). */
				uint64_t j = i & (it->nold - 1);
				uint64_t ob = it->hdr.oldbuckets + j * mi->bucket_size;
				uint8_t top;
				err = hc_aspace_read_u8(it->as, ob + mi->tophash_off, &top);
				if (err)
					return err;
				if (!evacuated(top)) {
					if (i != j)
						continue;
					start = ob;
				}
			}
			err = load_bucket(it, start);
			if (err)
				return err;
			it->in_chain = true;
			it->hops = 0;
			it->tortoise = start;
			it->power = 1;
			it->lam = 0;
		}
		if (it->slot == HC_MAP_SLOTS) {
			uint64_t next;
			err = hc_aspace_read_u64(it->as, it->bucket + mi->overflow_off, &next);
			if (err)
				return err;
			if (!next) {
				it->in_chain = false;
				continue;
			}
			it->hops++;
			if (brent_step(next, &it->tortoise, &it->power, &it->lam))
				return hc_error_create(HC_ERROR_BAD_DATA,
						       "the overflow chain loops at bucket 0x%" PRIx64,
						       it->bucket);
			if (it->budget-- == 0)
				return hc_error_create(HC_ERROR_BAD_DATA,
						       "more overflow buckets than a map of 2^%u buckets can have (at 0x%" PRIx64 ")",
						       it->hdr.B, it->bucket);
			err = load_bucket(it, next);
			if (err)
				return err;
		}
		unsigned s = it->slot++;
		uint8_t top = it->tophash[s];
		/* Like mapiternext, go on past emptyRest: a live slot after it
		 * (which the validators report) is still shown. */
		if (top < HC_TOPHASH_MIN)
			continue;
		*slot_key = it->bucket + mi->keys_off + s * mi->key_slot;
		*slot_elem = it->bucket + mi->elems_off + s * mi->elem_slot;
		return NULL;
	}
}

/* Walk one chain: overflow buckets and live slots; @p budget is the
 * overflow hops left for the whole map. */
static struct hc_error *chain(const struct hc_aspace *as,
			      const struct hc_map_info *mi, uint64_t b,
			      uint64_t *budget, uint64_t *overflow_ret,
			      uint64_t *live_ret)
{
	uint64_t n = 0, live = 0, tortoise = b, power = 1, lam = 0;
	for (;;) {
		uint8_t top[8];
		struct hc_error *err = hc_aspace_read(as, b + mi->tophash_off, top, 8);
		if (err)
			return err;
		for (int s = 0; s < 8; s++)
			if (top[s] >= HC_TOPHASH_MIN)
				live++;
		uint64_t next;
		err = hc_aspace_read_u64(as, b + mi->overflow_off, &next);
		if (err)
			return err;
		if (!next)
			break;
		if (brent_step(next, &tortoise, &power, &lam))
			return hc_error_create(HC_ERROR_BAD_DATA,
					       "the overflow chain loops at bucket 0x%" PRIx64, b);
		if ((*budget)-- == 0)
			return hc_error_create(HC_ERROR_BAD_DATA,
					       "more overflow buckets than the map can have (at 0x%" PRIx64 ")",
					       b);
		n++;
		b = next;
	}
	*overflow_ret = n;
	*live_ret = live;
	return NULL;
}

struct hc_error *hc_map_classic_stats(const struct hc_aspace *as,
				      const struct hc_map_info *mi,
				      const struct hc_map_header *h,
				      struct hc_map_stats *st)
{
	if (!h->buckets)
		return NULL;
	struct hc_error *err = check_array(as, mi, h->buckets, h->B, "bucket");
	if (err)
		return err;
	st->nbuckets = (uint64_t)1 << h->B;
	st->nold = hc_map_old_buckets(h);
	uint64_t budget = hc_map_overflow_budget(st->nbuckets, st->nold);
	for (uint64_t i = 0; i < st->nbuckets; i++) {
		uint64_t ov = 0, live = 0;
		err = chain(as, mi, h->buckets + i * mi->bucket_size, &budget, &ov, &live);
		if (err)
			return err;
		st->overflow_buckets += ov;
		st->chains[ov < 7 ? ov : 7]++;
		if (ov > st->longest_chain)
			st->longest_chain = ov;
	}
	for (uint64_t j = 0; j < st->nold; j++) {
		uint8_t top;
		err = hc_aspace_read_u8(as, h->oldbuckets + j * mi->bucket_size + mi->tophash_off, &top);
		if (err)
			return err;
		if (evacuated(top))
			st->evacuated++;
	}
	st->slots = (st->nbuckets + st->overflow_buckets) * HC_MAP_SLOTS;
	st->bytes = (st->nbuckets + st->overflow_buckets + st->nold) * mi->bucket_size +
		    mi->header_size;
	/* A fresh map for n entries: the smallest B with n <= 6.5 * 2^B. */
	unsigned b = 0;
	while (b < MAX_B && st->entries > 8 && st->entries * 2 > 13 * ((uint64_t)1 << b))
		b++;
	st->bytes_needed = ((uint64_t)1 << b) * mi->bucket_size + mi->header_size;
	return NULL;
}

/* ------------------------------------------------------------ units */

struct hc_error *hc_map_classic_units_init(struct hc_map_unit_iter *it)
{
	const struct hc_map_header *h = &it->hdr;
	if (!h->buckets) {
		it->done = true;
		return NULL;
	}
	struct hc_error *err = check_array(it->as, it->info, h->buckets, h->B, "bucket");
	if (err)
		return err;
	it->nbuckets = (uint64_t)1 << h->B;
	it->nold = hc_map_old_buckets(h);
	if (it->nold) {
		err = check_array(it->as, it->info, h->oldbuckets,
				  (h->flags & HC_HMAP_SAME_SIZE_GROW) ? h->B : h->B - 1,
				  "old bucket");
		if (err)
			return err;
	}
	it->budget = hc_map_overflow_budget(it->nbuckets, it->nold);
	return NULL;
}

struct hc_error *hc_map_classic_units_next(struct hc_map_unit_iter *it,
					   struct hc_map_unit *u, bool *got)
{
	const struct hc_map_info *mi = it->info;
	uint64_t b;
	if (it->next) {
		// The next bucket of the current chain.
		b = it->next;
		it->chain_pos++;
		if (brent_step(b, &it->tortoise, &it->power, &it->lam))
			return hc_error_create(HC_ERROR_BAD_DATA,
					       "the overflow chain loops at bucket 0x%" PRIx64, b);
		if (it->budget-- == 0)
			return hc_error_create(HC_ERROR_BAD_DATA,
					       "more overflow buckets than the map can have (at 0x%" PRIx64 ")",
					       b);
	} else {
		uint64_t n = it->phase == 0 ? it->nbuckets : it->nold;
		if (it->index >= n) {
			if (it->phase == 0 && it->nold) {
				it->phase = 1;
				it->index = 0;
				return hc_map_classic_units_next(it, u, got);
			}
			*got = false;
			return NULL;
		}
		uint64_t base = it->phase == 0 ? it->hdr.buckets : it->hdr.oldbuckets;
		b = base + it->index * mi->bucket_size;
		it->chain_pos = 0;
		it->tortoise = b;
		it->power = 1;
		it->lam = 0;
	}
	struct hc_map_unit x;
	memset(&x, 0, sizeof(x));
	struct hc_error *err = hc_aspace_read(it->as, b + mi->tophash_off, x.ctrl, 8);
	if (!err)
		err = hc_aspace_read_u64(it->as, b + mi->overflow_off, &x.overflow);
	if (err)
		return err;
	x.addr = b;
	x.ctrl_addr = b + mi->tophash_off;
	x.index = it->index;
	x.chain_pos = it->chain_pos;
	if (it->phase == 0)
		x.kind = x.chain_pos ? HC_MAP_UNIT_OVERFLOW : HC_MAP_UNIT_BUCKET;
	else
		x.kind = x.chain_pos ? HC_MAP_UNIT_OLD_OVERFLOW : HC_MAP_UNIT_OLD_BUCKET;
	for (int s = 0; s < 8; s++)
		if (x.ctrl[s] >= HC_TOPHASH_MIN)
			x.occupied++;
	it->next = x.overflow;
	if (!it->next)
		it->index++;
	*u = x;
	*got = true;
	return NULL;
}
