/*
 * sync.Map as a map of its live entries (see maps.h).
 *
 * Read/dirty form, src/sync/map.go go1.19-go1.23: when read.amended is
 * set, dirty holds every live key (those of read that are not expunged
 * plus the new ones); otherwise read.m does. An entry's p is nil (deleted),
 * expunged (deleted, not copied to dirty) or a *any holding the value.
 * Hash-trie form, src/internal/sync/hashtriemap.go go1.24+: root is an
 * indirect node with 16 children (atomic.Pointer[node]); a child is an
 * indirect node or an entry (node.isEntry), entries with colliding hashes
 * chained by overflow. A trie has at most 16 levels of indirect nodes.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "hmapcore/maps.h"

/* Nodes and entries we visit in one sync.Map before calling it corrupt. */
enum { MAX_NODES = 1 << 24 };
/* Entries whose 64-bit hashes collide: more than a handful is corruption. */
enum { MAX_CHAIN = 64 };

static const struct hc_type *strip(const struct hc_type *t)
{
	return hc_type_strip(t);
}

/* Offset of the pointer word of a member that is an unsafe.Pointer, a
 * *T, or a sync/atomic.Pointer[T] (whose word is its member v). */
static bool pointer_word(const struct hc_type *s, const char *name, uint64_t *off)
{
	const struct hc_member *m = hc_type_member(s, name);
	if (!m)
		return false;
	const struct hc_type *t = strip(m->type);
	if (t && t->kind == HC_TYPE_STRUCT) {
		const struct hc_member *v = hc_type_member(t, "v");
		if (!v)
			return false;
		*off = m->offset + v->offset;
		return true;
	}
	*off = m->offset;
	return true;
}

/* A DWARF type by name, or NULL. */
static const struct hc_type *find(const struct hc_target *t, const char *name)
{
	const struct hc_type *ty = NULL;
	struct hc_error *err = hc_dwarf_find_type(t->dwarf, name, &ty);
	hc_error_destroy(err);
	return err ? NULL : ty;
}

static struct hc_error *not_found(const char *what)
{
	return hc_error_create(HC_ERROR_NOT_FOUND, "sync.Map: %s not in DWARF", what);
}

static struct hc_error *resolve_read_dirty(const struct hc_target *t,
					   const struct hc_type *sm,
					   struct hc_syncmap_info *si)
{
	const struct hc_member *read = hc_type_member(sm, "read");
	const struct hc_member *dirty = hc_type_member(sm, "dirty");
	if (!read || !dirty)
		return not_found("sync.Map.read/dirty");
	si->form = HC_SYNCMAP_READ_DIRTY;
	si->dirty_off = dirty->offset;
	const struct hc_type *rt = strip(read->type);
	if (rt && rt->name && !strcmp(rt->name, "sync/atomic.Value")) {
		// go1.19: atomic.Value{v any}; the readOnly is boxed behind
		// the interface's data word.
		si->read_is_value = true;
		si->read_off = read->offset + 8;
	} else if (!pointer_word(sm, "read", &si->read_off)) {
		return not_found("sync.Map.read's pointer");
	}
	const struct hc_type *ro = find(t, "sync.readOnly"), *ent = find(t, "sync.entry");
	if (!ro)
		return not_found("sync.readOnly");
	if (!ent)
		return not_found("sync.entry");
	const struct hc_member *m = hc_type_member(ro, "m");
	const struct hc_member *amended = hc_type_member(ro, "amended");
	if (!m || !amended || !pointer_word(ent, "p", &si->entry_p_off))
		return not_found("readOnly.m/amended or entry.p");
	si->ro_m_off = m->offset;
	si->ro_amended_off = amended->offset;
	struct hc_error *err = hc_map_info_from_type(t, dirty->type, &si->inner);
	if (err)
		return hc_error_prefix(err, "sync.Map.dirty");
	uint64_t ex_addr;
	struct hc_error *verr = hc_dwarf_find_variable(t->dwarf, "sync.expunged", &ex_addr, NULL);
	bool vok = !verr;
	hc_error_destroy(verr);
	if (vok) {
		uint64_t v;
		struct hc_error *rerr = hc_aspace_read_u64(t->as, ex_addr, &v);
		if (!rerr)
			si->expunged = v;
		hc_error_destroy(rerr);
	}
	return NULL;
}

static struct hc_error *resolve_trie(const struct hc_target *t,
				     const struct hc_type *sm,
				     struct hc_syncmap_info *si)
{
	const struct hc_member *m = hc_type_member(sm, "m");
	const struct hc_type *trie = m ? strip(m->type) : NULL;
	uint64_t root;
	if (!trie || !pointer_word(trie, "root", &root))
		return not_found("sync.Map.m.root");
	si->form = HC_SYNCMAP_HASH_TRIE;
	si->root_off = m->offset + root;
	// go1.24-go1.26 name the instantiation [interface {},interface {}];
	// go1.27 keeps only the shape [go.shape.interface {},...] (same layout).
	static const char *const args[] = {
		"[interface {},interface {}]",
		"[go.shape.interface {},go.shape.interface {}]",
	};
	const struct hc_type *ind = NULL, *ent = NULL, *node = NULL;
	for (size_t i = 0; i < sizeof(args) / sizeof(args[0]) && !(ind && ent && node); i++) {
		char name[128];
		snprintf(name, sizeof(name), "internal/sync.indirect%s", args[i]);
		ind = find(t, name);
		snprintf(name, sizeof(name), "internal/sync.entry%s", args[i]);
		ent = find(t, name);
		snprintf(name, sizeof(name), "internal/sync.node%s", args[i]);
		node = find(t, name);
	}
	if (!ind || !ent || !node)
		return not_found("internal/sync.indirect/entry/node[interface {},interface {}]");
	const struct hc_member *children = hc_type_member(ind, "children");
	const struct hc_member *is_entry = hc_type_member(node, "isEntry");
	const struct hc_member *key = hc_type_member(ent, "key");
	const struct hc_member *value = hc_type_member(ent, "value");
	const struct hc_member *enode = hc_type_member(ent, "node");
	const struct hc_member *inode = hc_type_member(ind, "node");
	if (!children || !is_entry || !key || !value || !enode || !inode ||
	    !pointer_word(ent, "overflow", &si->overflow_off))
		return not_found("the trie's node fields");
	// Each child is an atomic.Pointer[node]: one word.
	si->children_off = children->offset;
	si->is_entry_off = is_entry->offset;
	si->key_off = key->offset;
	si->value_off = value->offset;
	if (enode->offset != inode->offset)
		return hc_error_create(HC_ERROR_BAD_DATA, "sync.Map: node at different offsets");
	return NULL;
}

struct hc_error *hc_syncmap_info_from_target(const struct hc_target *t,
					     struct hc_syncmap_info *ret)
{
	if (!t->dwarf)
		return not_found("DWARF");
	const struct hc_type *sm = strip(find(t, "sync.Map"));
	if (!sm)
		return not_found("sync.Map");
	struct hc_syncmap_info si;
	memset(&si, 0, sizeof(si));
	struct hc_error *err = hc_type_member(sm, "dirty") ? resolve_read_dirty(t, sm, &si)
							    : resolve_trie(t, sm, &si);
	if (err)
		return err;
	*ret = si;
	return NULL;
}

struct hc_error *hc_syncmap_iter_init(struct hc_syncmap_iter *it,
				      const struct hc_aspace *as,
				      const struct hc_syncmap_info *info,
				      uint64_t addr)
{
	memset(it, 0, sizeof(*it));
	it->as = as;
	it->info = info;
	it->addr = addr;
	it->budget = MAX_NODES;
	struct hc_error *err;
	if (info->form == HC_SYNCMAP_READ_DIRTY) {
		uint64_t ro, dirty;
		err = hc_aspace_read_u64(as, addr + info->read_off, &ro);
		if (!err)
			err = hc_aspace_read_u64(as, addr + info->dirty_off, &dirty);
		if (err)
			return hc_error_prefix(err, "sync.Map at 0x%" PRIx64, addr);
		uint8_t amended = 0;
		uint64_t m = 0;
		if (ro) {
			err = hc_aspace_read_u8(as, ro + info->ro_amended_off, &amended);
			if (!err)
				err = hc_aspace_read_u64(as, ro + info->ro_m_off, &m);
			if (err)
				return hc_error_prefix(err, "sync.Map readOnly at 0x%" PRIx64, ro);
		}
		// With amended set, dirty holds every live key.
		uint64_t which = amended ? dirty : m;
		if (!which) {
			it->done = true;
			return NULL;
		}
		err = hc_map_iter_init(&it->inner, as, &info->inner, which);
		if (err)
			return err;
		it->inner_live = true;
		return NULL;
	}
	uint64_t root;
	err = hc_aspace_read_u64(as, addr + info->root_off, &root);
	if (err)
		return hc_error_prefix(err, "sync.Map at 0x%" PRIx64, addr);
	if (!root) {
		it->done = true;
		return NULL;
	}
	it->node[0] = root;
	it->depth = 0;
	return NULL;
}

static struct hc_error *next_read_dirty(struct hc_syncmap_iter *it,
					uint64_t *key_ret, uint64_t *value_ret)
{
	for (;;) {
		uint64_t k, e;
		bool done;
		struct hc_error *err = hc_map_iter_next(&it->inner, &k, &e, &done);
		if (err)
			return err;
		if (done) {
			it->done = true;
			return NULL;
		}
		// The elem is a *entry; its p a *any (or nil / expunged).
		uint64_t ent, p;
		err = hc_aspace_read_u64(it->as, e, &ent);
		if (!err && ent)
			err = hc_aspace_read_u64(it->as, ent + it->info->entry_p_off, &p);
		if (err)
			return err;
		if (!ent || !p || p == it->info->expunged)
			continue;
		*key_ret = k;
		*value_ret = p;
		return NULL;
	}
}

static struct hc_error *next_trie(struct hc_syncmap_iter *it, uint64_t *key_ret,
				  uint64_t *value_ret)
{
	const struct hc_syncmap_info *si = it->info;
	struct hc_error *err;
	for (;;) {
		if (it->entry) {
			uint64_t e = it->entry;
			if (++it->chain_len > MAX_CHAIN || it->budget-- == 0)
				return hc_error_create(HC_ERROR_BAD_DATA,
						       "sync.Map: entry chain too long at 0x%" PRIx64, e);
			err = hc_aspace_read_u64(it->as, e + si->overflow_off, &it->entry);
			if (err)
				return err;
			if (it->entry == e)
				return hc_error_create(HC_ERROR_BAD_DATA,
						       "sync.Map: entry 0x%" PRIx64 " overflows into itself", e);
			*key_ret = e + si->key_off;
			*value_ret = e + si->value_off;
			return NULL;
		}
		if (it->depth < 0) {
			it->done = true;
			return NULL;
		}
		int d = it->depth;
		if (it->child[d] == 16) {
			it->depth--;
			continue;
		}
		uint64_t c;
		err = hc_aspace_read_u64(it->as, it->node[d] + si->children_off + 8u * it->child[d]++, &c);
		if (err)
			return err;
		if (!c)
			continue;
		if (it->budget-- == 0)
			return hc_error_create(HC_ERROR_BAD_DATA, "sync.Map: too many trie nodes");
		uint8_t is_entry;
		err = hc_aspace_read_u8(it->as, c + si->is_entry_off, &is_entry);
		if (err)
			return err;
		if (is_entry) {
			it->entry = c;
			it->chain_len = 0;
			continue;
		}
		if (d + 1 > HC_SYNCMAP_TRIE_DEPTH)
			return hc_error_create(HC_ERROR_BAD_DATA,
					       "sync.Map: trie deeper than %d levels at 0x%" PRIx64,
					       HC_SYNCMAP_TRIE_DEPTH, c);
		it->depth = d + 1;
		it->node[d + 1] = c;
		it->child[d + 1] = 0;
	}
}

struct hc_error *hc_syncmap_iter_next(struct hc_syncmap_iter *it,
				      uint64_t *key_ret, uint64_t *value_ret,
				      bool *done_ret)
{
	if (it->done) {
		*done_ret = true;
		return NULL;
	}
	uint64_t k = 0, v = 0;
	struct hc_error *err = it->info->form == HC_SYNCMAP_READ_DIRTY
				       ? next_read_dirty(it, &k, &v)
				       : next_trie(it, &k, &v);
	if (err) {
		it->done = true;
		return err;
	}
	if (it->done) {
		*done_ret = true;
		return NULL;
	}
	it->entries++;
	*key_ret = k;
	*value_ret = v;
	*done_ret = false;
	return NULL;
}
