/* Maps: type resolution, headers, the iterator front. See maps.h. */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "hmapcore/hash_table.h"
#include "hmapcore/maps.h"
#include "hmapcore/value.h"

/* DW_AT_go_kind of a map. */
enum { GOKIND_MAP = 21 };

static struct hc_map_field field(const struct hc_type *s, const char *name)
{
	struct hc_map_field f = {-1, 0};
	const struct hc_member *m = hc_type_member(s, name);
	if (!m)
		return f;
	const struct hc_type *t = hc_type_strip(m->type);
	if (m->offset > INT32_MAX)
		return f; /* no runtime struct is that large */
	f.off = (int32_t)m->offset;
	uint64_t size = t && t->has_size ? t->size : 0;
	f.size = size > 8 ? 8 : (uint32_t)size;
	return f;
}

static uint64_t type_size(const struct hc_type *t)
{
	const struct hc_type *s = hc_type_strip(t);
	return s && s->has_size ? s->size : 0;
}

/* The struct a pointer-typed member points at. */
static const struct hc_type *pointee(const struct hc_type *s, const char *member)
{
	const struct hc_member *m = hc_type_member(s, member);
	if (!m)
		return NULL;
	const struct hc_type *p = hc_type_strip(m->type);
	if (!p || p->kind != HC_TYPE_POINTER)
		return NULL;
	return hc_type_strip(p->target);
}

static struct hc_error *resolve_classic(struct hc_map_info *mi,
					const struct hc_type *hdr)
{
	mi->count = field(hdr, "count");
	mi->flags = field(hdr, "flags");
	mi->B = field(hdr, "B");
	mi->noverflow = field(hdr, "noverflow");
	mi->hash0 = field(hdr, "hash0");
	mi->buckets = field(hdr, "buckets");
	mi->oldbuckets = field(hdr, "oldbuckets");
	mi->nevacuate = field(hdr, "nevacuate");
	mi->extra = field(hdr, "extra");
	mi->clear_seq = field(hdr, "clearSeq");
	if (mi->count.off < 0 || mi->B.off < 0 || mi->buckets.off < 0 ||
	    mi->oldbuckets.off < 0 || mi->flags.off < 0)
		return hc_error_create(HC_ERROR_NOT_FOUND,
				       "map header %s lacks count/flags/B/buckets",
				       hdr->name ? hdr->name : "?");
	/* bucket<K,V>: tophash [8]uint8, keys [8]K', values [8]V', overflow. */
	const struct hc_type *b = pointee(hdr, "buckets");
	if (!b || b->kind != HC_TYPE_STRUCT || !b->has_size)
		return hc_error_create(HC_ERROR_NOT_FOUND,
				       "no bucket type for %s", hdr->name ? hdr->name : "?");
	const struct hc_member *th = hc_type_member(b, "tophash");
	const struct hc_member *k = hc_type_member(b, "keys");
	const struct hc_member *v = hc_type_member(b, "values");
	const struct hc_member *o = hc_type_member(b, "overflow");
	if (!th || !k || !v || !o)
		return hc_error_create(HC_ERROR_NOT_FOUND,
				       "bucket type %s lacks tophash/keys/values/overflow",
				       b->name ? b->name : "?");
	mi->bucket_size = b->size;
	mi->tophash_off = th->offset;
	mi->keys_off = k->offset;
	mi->elems_off = v->offset;
	mi->overflow_off = o->offset;
	mi->key_slot = type_size(k->type) / HC_MAP_SLOTS;
	mi->elem_slot = type_size(v->type) / HC_MAP_SLOTS;
	if (mi->bucket_size < mi->overflow_off + 8 || (mi->key_slot == 0 && mi->key_size))
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "bucket type %s has an impossible layout",
				       b->name ? b->name : "?");
	/* A slot smaller than the key's size holds a pointer to it. */
	mi->indirect_key = mi->key_size > 128 && mi->key_slot == 8;
	mi->indirect_elem = mi->elem_size > 128 && mi->elem_slot == 8;
	return NULL;
}

static struct hc_error *resolve_swiss(struct hc_map_info *mi,
				      const struct hc_type *hdr)
{
	mi->count = field(hdr, "used");
	mi->seed = field(hdr, "seed");
	mi->dir_ptr = field(hdr, "dirPtr");
	mi->dir_len = field(hdr, "dirLen");
	mi->global_depth = field(hdr, "globalDepth");
	mi->global_shift = field(hdr, "globalShift");
	mi->writing = field(hdr, "writing");
	mi->tombstone_possible = field(hdr, "tombstonePossible");
	mi->clear_seq = field(hdr, "clearSeq");
	if (mi->count.off < 0 || mi->dir_ptr.off < 0 || mi->dir_len.off < 0)
		return hc_error_create(HC_ERROR_NOT_FOUND,
				       "map header %s lacks used/dirPtr/dirLen",
				       hdr->name ? hdr->name : "?");
	/* dirPtr is typed **table<K,V>. */
	const struct hc_member *dp = hc_type_member(hdr, "dirPtr");
	const struct hc_type *pp = hc_type_strip(dp->type);
	const struct hc_type *p = pp && pp->kind == HC_TYPE_POINTER ? hc_type_strip(pp->target) : NULL;
	const struct hc_type *table = p && p->kind == HC_TYPE_POINTER ? hc_type_strip(p->target) : NULL;
	if (!table || table->kind != HC_TYPE_STRUCT)
		return hc_error_create(HC_ERROR_NOT_FOUND, "no table type for %s",
				       hdr->name ? hdr->name : "?");
	mi->table_size = table->size;
	mi->t_used = field(table, "used");
	mi->t_capacity = field(table, "capacity");
	mi->t_growth_left = field(table, "growthLeft");
	mi->t_local_depth = field(table, "localDepth");
	mi->t_index = field(table, "index");
	const struct hc_member *gm = hc_type_member(table, "groups");
	const struct hc_type *gref = gm ? hc_type_strip(gm->type) : NULL;
	if (!gref || mi->t_index.off < 0 || mi->t_used.off < 0)
		return hc_error_create(HC_ERROR_NOT_FOUND, "table type %s lacks groups/index/used",
				       table->name ? table->name : "?");
	struct hc_map_field d = field(gref, "data"), lm = field(gref, "lengthMask");
	if (d.off < 0 || lm.off < 0)
		return hc_error_create(HC_ERROR_NOT_FOUND, "groups reference lacks data/lengthMask");
	int64_t data_off = (int64_t)gm->offset + d.off, mask_off = (int64_t)gm->offset + lm.off;
	if (gm->offset > INT32_MAX || data_off > INT32_MAX || mask_off > INT32_MAX)
		return hc_error_create(HC_ERROR_BAD_DATA, "table.groups at offset %" PRIu64,
				       (uint64_t)gm->offset);
	mi->t_groups_data = (struct hc_map_field){(int32_t)data_off, 8};
	mi->t_groups_mask = (struct hc_map_field){(int32_t)mask_off, 8};
	/* The group: ctrl, then slots [8]struct{key; elem} or (mapsplitgroup)
	 * keys [8]K', elems [8]V'. */
	const struct hc_type *group = pointee(gref, "data");
	if (!group || group->kind != HC_TYPE_STRUCT || !group->has_size)
		return hc_error_create(HC_ERROR_NOT_FOUND, "no group type");
	const struct hc_member *ctrl = hc_type_member(group, "ctrl");
	const struct hc_member *slots = hc_type_member(group, "slots");
	const struct hc_member *keys = hc_type_member(group, "keys");
	const struct hc_member *elems = hc_type_member(group, "elems");
	if (!ctrl)
		return hc_error_create(HC_ERROR_NOT_FOUND, "group type lacks ctrl");
	mi->group_size = group->size;
	mi->ctrl_off = ctrl->offset;
	uint64_t ks, es;
	if (slots) {
		const struct hc_type *arr = hc_type_strip(slots->type);
		const struct hc_type *slot = arr ? hc_type_strip(arr->target) : NULL;
		const struct hc_member *sk = slot ? hc_type_member(slot, "key") : NULL;
		const struct hc_member *se = slot ? hc_type_member(slot, "elem") : NULL;
		if (!sk || !se || !slot->has_size)
			return hc_error_create(HC_ERROR_NOT_FOUND, "group slot type lacks key/elem");
		mi->slots_off = slots->offset;
		mi->slot_size = slot->size;
		mi->slot_key_off = sk->offset;
		mi->slot_elem_off = se->offset;
		ks = type_size(sk->type);
		es = type_size(se->type);
	} else if (keys && elems) {
		mi->split_group = true;
		mi->keys_off = keys->offset;
		mi->elems_off = elems->offset;
		mi->key_stride = type_size(keys->type) / HC_MAP_SLOTS;
		mi->elem_stride = type_size(elems->type) / HC_MAP_SLOTS;
		ks = mi->key_stride;
		es = mi->elem_stride;
	} else {
		return hc_error_create(HC_ERROR_NOT_FOUND, "group type lacks slots");
	}
	mi->key_slot = ks;
	mi->elem_slot = es;
	mi->indirect_key = mi->key_size > 128 && ks == 8;
	mi->indirect_elem = mi->elem_size > 128 && es == 8;
	if (mi->group_size < 8 * (mi->split_group ? 1 : mi->slot_size))
		return hc_error_create(HC_ERROR_BAD_DATA, "group type has an impossible size");
	return NULL;
}

bool hc_type_is_go_map(const struct hc_type *t)
{
	return t && t->kind == HC_TYPE_TYPEDEF && t->go_kind == GOKIND_MAP;
}

/* Map type -> its layout: a core has a few map types and up to millions
 * of maps. Only successful resolutions are kept. */
static inline uint64_t type_ptr_hash(const struct hc_type *p)
{
	return hc_hash_u64((uint64_t)(uintptr_t)p);
}

static inline bool type_ptr_eq(const struct hc_type *a, const struct hc_type *b)
{
	return a == b;
}

HC_DEFINE_HASH_MAP(info_map, const struct hc_type *, struct hc_map_info, type_ptr_hash,
		   type_ptr_eq)

struct hc_map_info_memo {
	struct info_map m;
};

struct hc_map_info_memo *hc_map_info_memo_create(void)
{
	struct hc_map_info_memo *m = calloc(1, sizeof(*m));
	if (m)
		info_map_init(&m->m);
	return m;
}

void hc_map_info_memo_destroy(struct hc_map_info_memo *m)
{
	if (!m)
		return;
	info_map_deinit(&m->m);
	free(m);
}

static struct hc_error *map_info_resolve(const struct hc_type *maptype,
					 struct hc_map_info *ret);

struct hc_error *hc_map_info_from_type(const struct hc_target *t,
				       const struct hc_type *maptype,
				       struct hc_map_info *ret)
{
	struct hc_map_info_memo *memo = t ? t->map_infos : NULL;
	const struct hc_map_info *hit = memo ? info_map_search(&memo->m, maptype) : NULL;
	if (hit) {
		*ret = *hit;
		return NULL;
	}
	struct hc_error *err = map_info_resolve(maptype, ret);
	bool existed;
	if (!err && memo && info_map_size(&memo->m) < 65536)
		info_map_insert(&memo->m, maptype, *ret, &existed); /* OOM: not kept */
	return err;
}

static struct hc_error *map_info_resolve(const struct hc_type *maptype,
					 struct hc_map_info *ret)
{
	if (!maptype || maptype->go_kind != GOKIND_MAP)
		return hc_error_create(HC_ERROR_INVALID_ARG, "not a map type");
	/* map[K]V is a typedef of *hash<K,V> (classic) or *map<K,V> (Swiss). */
	const struct hc_type *p = hc_type_strip(maptype);
	const struct hc_type *hdr = p && p->kind == HC_TYPE_POINTER ? hc_type_strip(p->target) : NULL;
	if (!hdr || hdr->kind != HC_TYPE_STRUCT || !hdr->has_size)
		return hc_error_create(HC_ERROR_NOT_FOUND,
				       "no header type for %s", maptype->name ? maptype->name : "?");
	struct hc_map_info mi;
	memset(&mi, 0, sizeof(mi));
	mi.type = maptype;
	mi.key = maptype->go_key;
	mi.elem = maptype->go_elem;
	mi.key_size = type_size(mi.key);
	mi.elem_size = type_size(mi.elem);
	mi.header_size = hdr->size;
	struct hc_error *err;
	if (hc_type_member(hdr, "buckets")) {
		mi.flavour = HC_MAPS_CLASSIC;
		err = resolve_classic(&mi, hdr);
	} else if (hc_type_member(hdr, "dirPtr")) {
		mi.flavour = HC_MAPS_SWISS;
		err = resolve_swiss(&mi, hdr);
	} else {
		err = hc_error_create(HC_ERROR_NOT_FOUND, "unknown map header %s",
				      hdr->name ? hdr->name : "?");
	}
	if (err)
		return err;
	*ret = mi;
	return NULL;
}

static uint64_t get(const uint8_t *buf, size_t n, struct hc_map_field f)
{
	if (f.off < 0 || (uint64_t)f.off + f.size > n)
		return 0;
	uint64_t v = 0;
	for (uint64_t i = 0; i < f.size; i++)
		v |= (uint64_t)buf[f.off + i] << (8 * i);
	return v;
}

struct hc_error *hc_map_read_header(const struct hc_aspace *as,
				    const struct hc_map_info *info,
				    uint64_t addr, struct hc_map_header *ret)
{
	uint8_t buf[128];
	size_t n = info->header_size < sizeof(buf) ? (size_t)info->header_size : sizeof(buf);
	struct hc_error *err = hc_aspace_read(as, addr, buf, n);
	if (err)
		return hc_error_prefix(err, "reading the map header at 0x%" PRIx64, addr);
	struct hc_map_header h;
	memset(&h, 0, sizeof(h));
	h.addr = addr;
	h.count = get(buf, n, info->count);
	h.clear_seq = get(buf, n, info->clear_seq);
	if (info->flavour == HC_MAPS_CLASSIC) {
		h.flags = (uint8_t)get(buf, n, info->flags);
		h.B = (uint8_t)get(buf, n, info->B);
		h.noverflow = (uint16_t)get(buf, n, info->noverflow);
		h.hash0 = (uint32_t)get(buf, n, info->hash0);
		h.buckets = get(buf, n, info->buckets);
		h.oldbuckets = get(buf, n, info->oldbuckets);
		h.nevacuate = get(buf, n, info->nevacuate);
		h.extra = get(buf, n, info->extra);
	} else {
		h.seed = get(buf, n, info->seed);
		h.dir_ptr = get(buf, n, info->dir_ptr);
		h.dir_len = get(buf, n, info->dir_len);
		h.global_depth = (uint8_t)get(buf, n, info->global_depth);
		h.global_shift = (uint8_t)get(buf, n, info->global_shift);
		h.writing = (uint8_t)get(buf, n, info->writing);
		h.tombstone_possible = info->tombstone_possible.off < 0
					       ? -1 : (int)get(buf, n, info->tombstone_possible);
	}
	*ret = h;
	return NULL;
}

bool hc_map_growing(const struct hc_map_header *h)
{
	return h->oldbuckets != 0;
}

uint64_t hc_map_old_buckets(const struct hc_map_header *h)
{
	if (!h->oldbuckets || h->B >= 64)
		return 0;
	uint64_t nb = (uint64_t)1 << h->B;
	return (h->flags & HC_HMAP_SAME_SIZE_GROW) ? nb : nb / 2;
}

/* Implemented per flavour in map_classic.c / map_swiss.c. */
struct hc_error *hc_map_classic_iter_init(struct hc_map_iter *it);
struct hc_error *hc_map_classic_iter_next(struct hc_map_iter *it,
					  uint64_t *slot_key, uint64_t *slot_elem);
struct hc_error *hc_map_swiss_iter_init(struct hc_map_iter *it);
struct hc_error *hc_map_swiss_iter_next(struct hc_map_iter *it,
					uint64_t *slot_key, uint64_t *slot_elem);

struct hc_error *hc_map_iter_init(struct hc_map_iter *it,
				  const struct hc_aspace *as,
				  const struct hc_map_info *info, uint64_t addr)
{
	memset(it, 0, sizeof(*it));
	it->as = as;
	it->info = info;
	struct hc_error *err = hc_map_read_header(as, info, addr, &it->hdr);
	if (err)
		return err;
	if (info->flavour == HC_MAPS_CLASSIC)
		return hc_map_classic_iter_init(it);
	return hc_map_swiss_iter_init(it);
}

struct hc_error *hc_map_iter_next(struct hc_map_iter *it, uint64_t *key_ret,
				  uint64_t *elem_ret, bool *done_ret)
{
	if (it->done) {
		*done_ret = true;
		return NULL;
	}
	uint64_t k = 0, e = 0;
	struct hc_error *err = it->info->flavour == HC_MAPS_CLASSIC
				       ? hc_map_classic_iter_next(it, &k, &e)
				       : hc_map_swiss_iter_next(it, &k, &e);
	if (err) {
		it->done = true;
		return err;
	}
	if (it->done) {
		*done_ret = true;
		return NULL;
	}
	/* Indirect keys and elems: the slot holds a pointer. */
	if (it->info->indirect_key) {
		err = hc_aspace_read_u64(it->as, k, &k);
		if (err) {
			it->done = true;
			return hc_error_prefix(err, "indirect key");
		}
	}
	if (it->info->indirect_elem) {
		err = hc_aspace_read_u64(it->as, e, &e);
		if (err) {
			it->done = true;
			return hc_error_prefix(err, "indirect elem");
		}
	}
	it->entries++;
	*key_ret = k;
	*elem_ret = e;
	*done_ret = false;
	return NULL;
}

void hc_map_iter_deinit(struct hc_map_iter *it)
{
	(void)it;
}

struct hc_error *hc_map_classic_stats(const struct hc_aspace *as,
				      const struct hc_map_info *info,
				      const struct hc_map_header *h,
				      struct hc_map_stats *st);
struct hc_error *hc_map_swiss_stats(const struct hc_aspace *as,
				    const struct hc_map_info *info,
				    const struct hc_map_header *h,
				    struct hc_map_stats *st);

struct hc_error *hc_map_stats(const struct hc_aspace *as,
			      const struct hc_map_info *info, uint64_t addr,
			      struct hc_map_stats *ret)
{
	struct hc_map_stats st;
	memset(&st, 0, sizeof(st));
	struct hc_error *err;
	if (info->flavour != HC_MAPS_CLASSIC) {
		// The Swiss walk visits the groups the iterator would, and
		// counts the live slots itself: one pass, not two.
		struct hc_map_header h;
		err = hc_map_read_header(as, info, addr, &h);
		if (!err)
			err = hc_map_swiss_stats(as, info, &h, &st);
		if (err)
			return err;
		*ret = st;
		return NULL;
	}
	struct hc_map_iter it;
	err = hc_map_iter_init(&it, as, info, addr);
	bool done = false;
	while (!err && !done) {
		uint64_t k, e;
		err = hc_map_iter_next(&it, &k, &e, &done);
	}
	st.entries = it.entries;
	hc_map_iter_deinit(&it);
	if (err)
		return err;
	err = hc_map_classic_stats(as, info, &it.hdr, &st);
	if (err)
		return err;
	st.load = st.slots ? (double)st.entries / (double)st.slots : 0;
	*ret = st;
	return NULL;
}

/* ------------------------------------------------------------ units */

struct hc_error *hc_map_classic_units_init(struct hc_map_unit_iter *it);
struct hc_error *hc_map_classic_units_next(struct hc_map_unit_iter *it,
					   struct hc_map_unit *u, bool *got);
struct hc_error *hc_map_swiss_units_init(struct hc_map_unit_iter *it);
struct hc_error *hc_map_swiss_units_next(struct hc_map_unit_iter *it,
					 struct hc_map_unit *u, bool *got);

enum hc_map_slot hc_map_slot_classic(uint8_t tophash)
{
	switch (tophash) {
	case 0: return HC_MAP_SLOT_EMPTY_REST;
	case 1: return HC_MAP_SLOT_EMPTY;
	case 2: return HC_MAP_SLOT_EVACUATED_X;
	case 3: return HC_MAP_SLOT_EVACUATED_Y;
	case 4: return HC_MAP_SLOT_EVACUATED_EMPTY;
	default: return HC_MAP_SLOT_LIVE;
	}
}

enum hc_map_slot hc_map_slot_swiss(uint8_t ctrl)
{
	if (ctrl < 0x80)
		return HC_MAP_SLOT_LIVE;
	if (ctrl == 0x80)
		return HC_MAP_SLOT_EMPTY;
	if (ctrl == 0xfe)
		return HC_MAP_SLOT_DELETED;
	return HC_MAP_SLOT_INVALID;
}

const char *hc_map_unit_kind_name(enum hc_map_unit_kind k)
{
	switch (k) {
	case HC_MAP_UNIT_BUCKET: return "bucket";
	case HC_MAP_UNIT_OVERFLOW: return "overflow";
	case HC_MAP_UNIT_OLD_BUCKET: return "old bucket";
	case HC_MAP_UNIT_OLD_OVERFLOW: return "old overflow";
	case HC_MAP_UNIT_SMALL_GROUP: return "small group";
	case HC_MAP_UNIT_GROUP: return "group";
	}
	return "?";
}

struct hc_error *hc_map_units_init(struct hc_map_unit_iter *it,
				   const struct hc_aspace *as,
				   const struct hc_map_info *info, uint64_t addr)
{
	memset(it, 0, sizeof(*it));
	it->as = as;
	it->info = info;
	struct hc_error *err = hc_map_read_header(as, info, addr, &it->hdr);
	if (err)
		return err;
	return info->flavour == HC_MAPS_CLASSIC ? hc_map_classic_units_init(it)
						: hc_map_swiss_units_init(it);
}

struct hc_error *hc_map_units_next(struct hc_map_unit_iter *it,
				   struct hc_map_unit *ret, bool *done_ret)
{
	if (it->done) {
		*done_ret = true;
		return NULL;
	}
	struct hc_map_unit u;
	bool got = false;
	struct hc_error *err = it->info->flavour == HC_MAPS_CLASSIC
				       ? hc_map_classic_units_next(it, &u, &got)
				       : hc_map_swiss_units_next(it, &u, &got);
	if (err) {
		it->done = true;
		return err;
	}
	if (!got) {
		it->done = true;
		*done_ret = true;
		return NULL;
	}
	it->units++;
	*ret = u;
	*done_ret = false;
	return NULL;
}

/* ------------------------------------------------ map types, no DWARF */

static int compare_type_desc(const void *a, const void *b)
{
	const struct hc_map_type_desc *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : (x->addr > y->addr) - (x->addr < y->addr);
}

/*
 * After the 48-byte abi.Type: Key, Elem, Bucket/Group *Type, Hasher; then
 * classic KeySize u8, ValueSize u8, BucketSize u16, or Swiss GroupSize,
 * SlotSize uintptr (the same in go1.19's runtime.maptype).
 */
enum { MT_KEY = 48, MT_ELEM = 56, MT_BUCKET = 64, MT_SIZES = 80, MT_SIZE = 96 };

struct hc_error *hc_map_types_list(const struct hc_target *t, uint64_t max,
				   struct hc_map_type_desc_vec *ret)
{
	hc_map_type_desc_vec_init(ret);
	if (!t->moduledata || !t->types_addr)
		return hc_error_create(HC_ERROR_NOT_FOUND,
				       "no moduledata: the type links cannot be read");
	// go1.27 dropped moduledata.typelinks.
	if (!hc_layout_has(&t->layout, HC_LF_MD_TYPELINKS) ||
	    !hc_layout_has(&t->layout, HC_LF_MD_TYPELINKS_LEN))
		return hc_error_create(HC_ERROR_UNSUPPORTED,
				       "go%d.%d's moduledata has no typelinks: the map types cannot be listed",
				       t->go_major, t->go_minor);
	uint64_t links, n;
	struct hc_error *err = hc_aspace_read_u64(
		t->as, t->moduledata + t->layout.f[HC_LF_MD_TYPELINKS].off, &links);
	if (!err)
		err = hc_aspace_read_u64(
			t->as, t->moduledata + t->layout.f[HC_LF_MD_TYPELINKS_LEN].off, &n);
	if (err)
		return hc_error_prefix(err, "reading moduledata.typelinks");
	if (!max)
		max = 100000;
	if (n > max)
		n = max;
	for (uint64_t i = 0; i < n; i++) {
		uint32_t off;
		err = hc_aspace_read_u32(t->as, links + 4 * i, &off);
		if (err)
			return hc_error_prefix(err, "reading typelinks[%" PRIu64 "]", i);
		uint64_t typ = t->types_addr + off;
		struct hc_rtype rt;
		err = hc_value_read_rtype(t->as, t->types_addr, typ, 0x20, &rt);
		if (err) {
			hc_error_destroy(err);
			continue;
		}
		if (rt.kind != HC_KIND_MAP) {
			hc_rtype_deinit(&rt);
			continue;
		}
		uint8_t mt[MT_SIZE];
		err = hc_aspace_read(t->as, typ, mt, sizeof(mt));
		if (err) {
			hc_error_destroy(err);
			hc_rtype_deinit(&rt);
			continue;
		}
		struct hc_map_type_desc *d = hc_map_type_desc_vec_append_entry(ret);
		if (!d) {
			hc_rtype_deinit(&rt);
			hc_map_types_deinit(ret);
			return &hc_error_nomem;
		}
		memset(d, 0, sizeof(*d));
		d->addr = typ;
		d->name = rt.name ? rt.name : strdup("?");
		uint64_t key = hc_le64(mt + MT_KEY), elem = hc_le64(mt + MT_ELEM);
		struct hc_rtype kt, et;
		if (!(err = hc_value_read_rtype(t->as, t->types_addr, key, 0x20, &kt))) {
			d->key_size = kt.size;
			d->key_kind = kt.kind;
			hc_rtype_deinit(&kt);
		}
		hc_error_destroy(err);
		if (!(err = hc_value_read_rtype(t->as, t->types_addr, elem, 0x20, &et))) {
			d->elem_size = et.size;
			d->elem_kind = et.kind;
			hc_rtype_deinit(&et);
		}
		hc_error_destroy(err);
		if (t->maps == HC_MAPS_SWISS) {
			d->bucket_size = hc_le64(mt + MT_SIZES);
			d->slot_size = hc_le64(mt + MT_SIZES + 8);
		} else {
			d->bucket_size = (uint64_t)mt[MT_SIZES + 2] | (uint64_t)mt[MT_SIZES + 3] << 8;
		}
		if (!d->name) {
			hc_map_types_deinit(ret);
			return &hc_error_nomem;
		}
	}
	if (ret->size)
		qsort(ret->data, ret->size, sizeof(ret->data[0]), compare_type_desc);
	return NULL;
}

void hc_map_types_deinit(struct hc_map_type_desc_vec *v)
{
	for (size_t i = 0; i < v->size; i++)
		free(v->data[i].name);
	hc_map_type_desc_vec_deinit(v);
}
