/*
 * Swiss-table maps: iteration and internals (src/internal/runtime/maps,
 * go1.24+; GO-INTERNALS.md 2.9).
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include "hmapcore/maps.h"

struct hc_error *hc_map_swiss_iter_init(struct hc_map_iter *it);
struct hc_error *hc_map_swiss_iter_next(struct hc_map_iter *it,
					uint64_t *slot_key, uint64_t *slot_elem);
struct hc_error *hc_map_swiss_stats(const struct hc_aspace *as,
				    const struct hc_map_info *info,
				    const struct hc_map_header *h,
				    struct hc_map_stats *st);

/* A directory longer than this cannot be real (2^20 tables of 1024 slots
 * would be a billion entries). */
enum { MAX_DIR_LEN = 1 << 20, MAX_GROUPS = HC_SWISS_MAX_TABLE_CAPACITY / 8 };

struct table {
	uint64_t addr;
	uint64_t used, capacity, growth_left, local_depth;
	int64_t index;
	uint64_t groups, mask;
};

static uint64_t get(const uint8_t *buf, size_t n, struct hc_map_field f)
{
	if (f.off < 0 || (uint64_t)f.off + f.size > n)
		return 0;
	uint64_t v = 0;
	for (uint64_t i = 0; i < f.size; i++)
		v |= (uint64_t)buf[f.off + i] << (8 * i);
	return v;
}

/*
 * The table at @p addr, found in directory slot @p slot. Its group count
 * is checked only when the slot is the table's own (t->index == slot):
 * the walks skip a table from every other slot, stale ones included.
 */
static struct hc_error *read_table(const struct hc_aspace *as,
				   const struct hc_map_info *mi, uint64_t addr,
				   uint64_t slot, struct table *t)
{
	uint8_t buf[64];
	size_t n = mi->table_size < sizeof(buf) ? (size_t)mi->table_size : sizeof(buf);
	struct hc_error *err = hc_aspace_read(as, addr, buf, n);
	if (err)
		return hc_error_prefix(err, "reading table");
	t->addr = addr;
	t->used = get(buf, n, mi->t_used);
	t->capacity = get(buf, n, mi->t_capacity);
	t->growth_left = get(buf, n, mi->t_growth_left);
	t->local_depth = get(buf, n, mi->t_local_depth);
	t->index = (int64_t)get(buf, n, mi->t_index);
	t->groups = get(buf, n, mi->t_groups_data);
	t->mask = get(buf, n, mi->t_groups_mask);
	if (t->index == (int64_t)slot && t->mask >= MAX_GROUPS)
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "table at 0x%" PRIx64 " has %" PRIu64 " groups (at most %d)",
				       addr, t->mask + 1, MAX_GROUPS);
	return NULL;
}

struct hc_error *hc_map_swiss_iter_init(struct hc_map_iter *it)
{
	const struct hc_map_header *h = &it->hdr;
	if (h->dir_len == 0) {
		if (!h->dir_ptr) {
			it->done = true;
			return NULL;
		}
		/* A small map: one group at dirPtr. */
		it->group = h->dir_ptr;
		it->ngroups = 1;
		it->slot = 0;
		return hc_aspace_read(it->as, it->group + it->info->ctrl_off, it->ctrl, 8);
	}
	if (h->dir_len > MAX_DIR_LEN)
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "map directory length %" PRIu64 " is impossible", h->dir_len);
	if (!hc_aspace_readable(it->as, h->dir_ptr) ||
	    !hc_aspace_readable(it->as, h->dir_ptr + 8 * h->dir_len - 1))
		return hc_error_fault(h->dir_ptr, "map directory not in memory");
	it->slot = HC_MAP_SLOTS; /* no group yet */
	return NULL;
}

static struct hc_error *load_group(struct hc_map_iter *it, uint64_t g)
{
	it->group = g;
	it->slot = 0;
	return hc_aspace_read(it->as, g + it->info->ctrl_off, it->ctrl, 8);
}

struct hc_error *hc_map_swiss_iter_next(struct hc_map_iter *it,
					uint64_t *slot_key, uint64_t *slot_elem)
{
	const struct hc_map_info *mi = it->info;
	struct hc_error *err;
	for (;;) {
		if (it->slot < HC_MAP_SLOTS) {
			unsigned s = it->slot++;
			if (it->ctrl[s] & 0x80)
				continue; /* empty or deleted */
			if (mi->split_group) {
				*slot_key = it->group + mi->keys_off + s * mi->key_stride;
				*slot_elem = it->group + mi->elems_off + s * mi->elem_stride;
			} else {
				uint64_t slot = it->group + mi->slots_off + s * mi->slot_size;
				*slot_key = slot + mi->slot_key_off;
				*slot_elem = slot + mi->slot_elem_off;
			}
			return NULL;
		}
		if (it->hdr.dir_len == 0) {
			it->done = true;
			return NULL;
		}
		if (it->table && ++it->group_index < it->ngroups) {
			err = load_group(it, it->groups_data + it->group_index * mi->group_size);
			if (err)
				return err;
			continue;
		}
		/* The next table, visited from the directory slot equal to its
		 * index only (a table spans 2^(globalDepth-localDepth) slots). */
		it->table = 0;
		while (it->dir_index < it->hdr.dir_len) {
			uint64_t i = it->dir_index++;
			uint64_t taddr;
			err = hc_aspace_read_u64(it->as, it->hdr.dir_ptr + 8 * i, &taddr);
			if (err)
				return err;
			if (!taddr)
				continue;
			struct table t;
			err = read_table(it->as, mi, taddr, i, &t);
			if (err)
				return err;
			if (t.index != (int64_t)i)
				continue;
			it->table = taddr;
			it->groups_data = t.groups;
			it->ngroups = t.mask + 1;
			it->group_index = 0;
			err = load_group(it, t.groups);
			if (err)
				return err;
			break;
		}
		if (!it->table) {
			it->done = true;
			return NULL;
		}
	}
}

static unsigned count_ctrl(const uint8_t ctrl[8], unsigned *deleted)
{
	unsigned full = 0;
	for (int s = 0; s < 8; s++) {
		if (!(ctrl[s] & 0x80))
			full++;
		else if (ctrl[s] == HC_CTRL_DELETED)
			(*deleted)++;
	}
	return full;
}

struct hc_error *hc_map_swiss_stats(const struct hc_aspace *as,
				    const struct hc_map_info *mi,
				    const struct hc_map_header *h,
				    struct hc_map_stats *st)
{
	struct hc_error *err;
	if (h->dir_len == 0) {
		if (!h->dir_ptr)
			return NULL;
		uint8_t ctrl[8];
		err = hc_aspace_read(as, h->dir_ptr + mi->ctrl_off, ctrl, 8);
		if (err)
			return err;
		unsigned del = 0;
		st->entries = count_ctrl(ctrl, &del);
		st->groups = 1;
		st->capacity = 8;
		st->slots = 8;
		st->bytes = mi->header_size + mi->group_size;
	} else {
		if (h->dir_len > MAX_DIR_LEN)
			return hc_error_create(HC_ERROR_BAD_DATA,
					       "map directory length %" PRIu64 " is impossible", h->dir_len);
		if (!hc_aspace_readable(as, h->dir_ptr) ||
		    !hc_aspace_readable(as, h->dir_ptr + 8 * h->dir_len - 1))
			return hc_error_fault(h->dir_ptr, "map directory not in memory");
		st->bytes = mi->header_size + 8 * h->dir_len;
		for (uint64_t i = 0; i < h->dir_len; i++) {
			uint64_t taddr;
			err = hc_aspace_read_u64(as, h->dir_ptr + 8 * i, &taddr);
			if (err)
				return err;
			if (!taddr)
				continue;
			struct table t;
			err = read_table(as, mi, taddr, i, &t);
			if (err)
				return err;
			if (t.index != (int64_t)i)
				continue;
			st->tables++;
			st->groups += t.mask + 1;
			st->capacity += t.capacity;
			st->bytes += mi->table_size + (t.mask + 1) * mi->group_size;
			for (uint64_t g = 0; g <= t.mask; g++) {
				uint8_t ctrl[8];
				err = hc_aspace_read(as, t.groups + g * mi->group_size + mi->ctrl_off, ctrl, 8);
				if (err)
					return err;
				unsigned del = 0;
				st->entries += count_ctrl(ctrl, &del);
				st->tombstones += del;
			}
		}
	}
	hc_map_swiss_stats_finish(mi, st);
	return NULL;
}

void hc_map_swiss_stats_finish(const struct hc_map_info *mi,
			       struct hc_map_stats *st)
{
	if (st->tables)
		st->slots = st->groups * HC_MAP_SLOTS;
	/* A fresh map for n entries: one group up to 8, else a table of
	 * capacity >= n*8/7 rounded up to a power of two, split into tables of
	 * 1024 slots (maps/map.go NewMap). */
	uint64_t n = st->entries;
	if (n <= 8) {
		st->bytes_needed = mi->header_size + (n ? mi->group_size : 0);
	} else {
		uint64_t cap = 8;
		while (cap < (n * 8 + 6) / 7)
			cap *= 2;
		uint64_t tables = cap > HC_SWISS_MAX_TABLE_CAPACITY ? cap / HC_SWISS_MAX_TABLE_CAPACITY : 1;
		st->bytes_needed = mi->header_size + 8 * tables + tables * mi->table_size +
				   cap / 8 * mi->group_size;
	}
	st->load = st->slots ? (double)st->entries / (double)st->slots : 0;
}

/* ------------------------------------------------------------ units */

struct hc_error *hc_map_swiss_units_init(struct hc_map_unit_iter *it);
struct hc_error *hc_map_swiss_units_next(struct hc_map_unit_iter *it,
					 struct hc_map_unit *u, bool *got);

struct hc_error *hc_map_swiss_units_init(struct hc_map_unit_iter *it)
{
	const struct hc_map_header *h = &it->hdr;
	if (h->dir_len == 0) {
		if (!h->dir_ptr)
			it->done = true;
		return NULL;
	}
	if (h->dir_len > MAX_DIR_LEN)
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "map directory length %" PRIu64 " is impossible", h->dir_len);
	if (!hc_aspace_readable(it->as, h->dir_ptr) ||
	    !hc_aspace_readable(it->as, h->dir_ptr + 8 * h->dir_len - 1))
		return hc_error_fault(h->dir_ptr, "map directory not in memory");
	return NULL;
}

static struct hc_error *group_unit(struct hc_map_unit_iter *it, uint64_t g,
				   struct hc_map_unit *u)
{
	struct hc_map_unit x;
	memset(&x, 0, sizeof(x));
	struct hc_error *err = hc_aspace_read(it->as, g + it->info->ctrl_off, x.ctrl, 8);
	if (err)
		return err;
	x.kind = it->table ? HC_MAP_UNIT_GROUP : HC_MAP_UNIT_SMALL_GROUP;
	x.addr = g;
	x.ctrl_addr = g + it->info->ctrl_off;
	x.index = it->group_index;
	x.table = it->table;
	x.table_index = it->table_index;
	for (int s = 0; s < 8; s++)
		if (!(x.ctrl[s] & 0x80))
			x.occupied++;
	*u = x;
	return NULL;
}

struct hc_error *hc_map_swiss_units_next(struct hc_map_unit_iter *it,
					 struct hc_map_unit *u, bool *got)
{
	const struct hc_map_header *h = &it->hdr;
	struct hc_error *err;
	if (h->dir_len == 0) {
		// The small map's one group: its unit, then the end.
		if (it->units) {
			*got = false;
			return NULL;
		}
		*got = true;
		return group_unit(it, h->dir_ptr, u);
	}
	*got = true;
	if (it->table && ++it->group_index < it->ngroups)
		return group_unit(it, it->groups_data + it->group_index * it->info->group_size, u);
	it->table = 0;
	while (it->dir_index < h->dir_len) {
		uint64_t i = it->dir_index++;
		uint64_t taddr;
		err = hc_aspace_read_u64(it->as, h->dir_ptr + 8 * i, &taddr);
		if (err)
			return err;
		if (!taddr)
			continue;
		struct table t;
		err = read_table(it->as, it->info, taddr, i, &t);
		if (err)
			return err;
		if (t.index != (int64_t)i)
			continue;
		it->table = taddr;
		it->table_index = i;
		it->groups_data = t.groups;
		it->ngroups = t.mask + 1;
		it->group_index = 0;
		return group_unit(it, t.groups, u);
	}
	*got = false;
	return NULL;
}
