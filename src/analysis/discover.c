/* Map discovery: see include/hmapcore/discover.h. */
#include "config.h"

#include <inttypes.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmapcore/discover.h"
#include "hmapcore/hash_table.h"
#include "hmapcore/maps.h"
#include "hmapcore/strbuf.h"
#include "hmapcore/threads.h"
#include "hmapcore/value.h"

/* DW_AT_go_kind values (src/internal/abi/type.go). */
enum {
	GOKIND_ARRAY = 17,
	GOKIND_CHAN = 18,
	GOKIND_FUNC = 19,
	GOKIND_INTERFACE = 20,
	GOKIND_MAP = 21,
	GOKIND_PTR = 22,
	GOKIND_SLICE = 23,
	GOKIND_STRING = 24,
	GOKIND_STRUCT = 25,
	GOKIND_UNSAFEPTR = 26,
};

const char *hc_slice_fault_name(enum hc_slice_fault f)
{
	switch (f) {
	case HC_SLICE_LEN_GT_CAP: return "len>cap";
	case HC_SLICE_NIL_WITH_LEN: return "nil-with-len";
	case HC_SLICE_UNMAPPED: return "unmapped";
	case HC_SLICE_PAST_OBJECT: return "past-object";
	}
	return "?";
}

/*
 * The (address, type) pairs visited: a set of its own, as it takes one
 * insert per item walked (10^5 to 10^7). A slot is 16 bytes with no
 * separate "used" array, address 0 marking it empty (nothing lives at
 * address 0 in a Go process), so an insert touches one cache line.
 */
struct visit {
	uint64_t addr;
	uint64_t die;
};

struct visit_set {
	struct visit *slots;
	size_t cap, size;
};

static void visit_set_init(struct visit_set *s)
{
	memset(s, 0, sizeof(*s));
}

static void visit_set_deinit(struct visit_set *s)
{
	free(s->slots);
	visit_set_init(s);
}

static inline size_t visit_hash(struct visit v)
{
	return (size_t)hc_hash_u64(v.addr ^ (v.die * 0x9e3779b97f4a7c15ULL));
}

static inline size_t visit_slot(const struct visit_set *s, struct visit v)
{
	size_t mask = s->cap - 1;
	size_t i = visit_hash(v) & mask;
	while (s->slots[i].addr && (s->slots[i].addr != v.addr || s->slots[i].die != v.die))
		i = (i + 1) & mask;
	return i;
}

static bool visit_set_grow(struct visit_set *s)
{
	size_t cap = s->cap ? s->cap * 2 : 4096;
	if (cap > SIZE_MAX / sizeof(struct visit))
		return false;
	struct visit_set n = {.slots = hc_zalloc_large(cap * sizeof(struct visit)), .cap = cap, .size = s->size};
	if (!n.slots)
		return false;
	for (size_t i = 0; i < s->cap; i++) {
		if (s->slots[i].addr)
			n.slots[visit_slot(&n, s->slots[i])] = s->slots[i];
	}
	free(s->slots);
	*s = n;
	return true;
}

/* Adds @p v (addr != 0); false when out of memory. */
static inline bool visit_set_insert(struct visit_set *s, struct visit v, bool *existed)
{
	/* Up to three quarters full: linear probing on a mixed hash stays
	 * short there, and at half the set was gopls's largest part. */
	if ((s->size + 1) * 4 > s->cap * 3 && !visit_set_grow(s))
		return false;
	size_t i = visit_slot(s, v);
	*existed = s->slots[i].addr != 0;
	if (!*existed) {
		s->slots[i] = v;
		s->size++;
	}
	return true;
}
HC_DEFINE_HASH_MAP(ptr_memo, uint64_t, bool, hc_hash_u64, hc_eq_u64)
HC_DEFINE_HASH_MAP(span_tags, uint64_t, size_t, hc_hash_u64, hc_eq_u64)
HC_DEFINE_HASH_MAP(type_ids, uint64_t, uint16_t, hc_hash_u64, hc_eq_u64)

/*
 * Heap objects visited, by (object, type), two bytes an object: each
 * in-use span met gets one tag per slot, the dense id of the first type
 * the object was visited with at its start (0: not visited). An object
 * visited again at its start with another type, an interior address, a
 * global or a stack value goes to the exact set (struct visit_set). On
 * gopls's 1.6 GB core the exact set took 16 bytes a slot at half load
 * for 17 million visits, most of them heap objects.
 */
enum { TAG_MAX_SLOTS = 1 << 16 };

struct object_tags {
	struct span_tags spans; /* span base -> first tag of the span */
	uint16_t *tags;
	size_t size, cap;
	struct type_ids ids; /* DIE offset -> tag */
};

static void object_tags_init(struct object_tags *o)
{
	memset(o, 0, sizeof(*o));
	span_tags_init(&o->spans);
	type_ids_init(&o->ids);
}

static void object_tags_deinit(struct object_tags *o)
{
	span_tags_deinit(&o->spans);
	type_ids_deinit(&o->ids);
	free(o->tags);
	object_tags_init(o);
}

static uint64_t object_tags_bytes(const struct object_tags *o)
{
	return (uint64_t)o->cap * sizeof(uint16_t) +
	       (uint64_t)o->spans.cap * (sizeof(struct span_tags_entry) + 1) +
	       (uint64_t)o->ids.cap * (sizeof(struct type_ids_entry) + 1);
}

/* The tag of the object in slot @p index of the span at @p span_base of
 * @p nelems slots (nelems checked by the caller), NULL when out of memory
 * or out of type ids. */
static uint16_t *object_tag(struct object_tags *o, uint64_t span_base, uint64_t nelems,
			    uint64_t index, uint64_t die, uint16_t *id_ret)
{
	uint16_t *id = type_ids_search(&o->ids, die);
	if (!id) {
		if (o->ids.size >= UINT16_MAX)
			return NULL;
		uint16_t next = (uint16_t)(o->ids.size + 1);
		if (!type_ids_insert(&o->ids, die, next, NULL))
			return NULL;
		id = type_ids_search(&o->ids, die);
	}
	*id_ret = *id;
	size_t *first = span_tags_search(&o->spans, span_base);
	if (!first) {
		if (o->size + nelems > o->cap) {
			size_t cap = o->cap ? o->cap : 1 << 16;
			while (cap < o->size + nelems)
				cap += cap / 2;
			uint16_t *t = realloc(o->tags, cap * sizeof(*t));
			if (!t)
				return NULL;
			o->tags = t;
			o->cap = cap;
		}
		memset(o->tags + o->size, 0, nelems * sizeof(*o->tags));
		if (!span_tags_insert(&o->spans, span_base, o->size, NULL))
			return NULL;
		o->size += nelems;
		first = span_tags_search(&o->spans, span_base);
	}
	return &o->tags[*first + index];
}
HC_DEFINE_HASH_MAP(map_index, uint64_t, size_t, hc_hash_u64, hc_eq_u64)

/*
 * Paths are built only for what is reported (a map, a torn slice): an
 * item names its path by a node, a segment appended to its parent's
 * node. The nodes of one drain live until the drain ends, as its items
 * do. Most segments borrow their text (a field's name from DWARF, a
 * function's from the pclntab); map keys and the like own theirs.
 */
enum path_kind {
	PATH_NAME,      /* s: a package-level variable's name */
	PATH_GOROUTINE, /* "goroutine <index> frame <s> arg|local <s2>" */
	PATH_FIELD,     /* ".<s>" */
	PATH_INDEX,     /* "[<index>]" */
	PATH_TEXT,      /* s as it is */
	/* A map's key at address index, of type type, formatted only when
	 * the path is written: "[k]" (the element) or "[key k]" (param, the
	 * key itself), a string quoted. */
	PATH_MAP_KEY,
	/* A sync.Map's key: the interface at address index, "[k]". */
	PATH_SYNC_KEY,
};

struct path_node {
	/* NO_NODE for a root; the next free node while the node is free. */
	uint32_t parent;
	/* Queued items and child nodes that name this node: at 0 the node
	 * is reclaimed (release()), so the nodes alive are the queued
	 * items' paths with their shared prefixes, not every value one
	 * root led to. */
	uint32_t refs;
	uint8_t kind;
	bool owned; /* s is freed with the node */
	bool param;
	const char *s;
	union {
		const char *s2;             /* PATH_GOROUTINE */
		const struct hc_type *type; /* PATH_MAP_KEY, PATH_SYNC_KEY */
	};
	uint64_t index;
};

#define NO_NODE UINT32_MAX

HC_DEFINE_VECTOR(path_nodes, struct path_node)

/* A value to look at: @p type at @p addr, reached by the path of @p node
 * (which it holds a reference to). 24 bytes: the breadth-first frontier
 * of a large heap holds millions. An element of a slice of maps
 * (in_slice) has its index in its PATH_INDEX node. */
struct item {
	uint64_t addr;
	const struct hc_type *type;
	uint32_t node;
	uint16_t depth;
	uint8_t root; /* enum hc_root_kind */
	bool in_slice : 1;
	/* Lies inside its parent's memory (a field, an array element). */
	bool part : 1;
};

HC_DEFINE_VECTOR(item_queue, struct item)
HC_DEFINE_VECTOR(live_vec, struct hc_frame_live)
HC_DEFINE_VECTOR(u64_vec, uint64_t)

enum { SKIP_MEMO = 256 };

struct skip_memo {
	const char *func;
	bool skip;
};

struct walker {
	struct skip_memo skip[SKIP_MEMO];
	struct hc_target *t;
	struct hc_heap *heap;
	struct hc_discover_options opts;
	struct hc_discovery *d;
	struct visit_set visited;
	struct object_tags objects;
	struct ptr_memo has_ptrs;
	struct ptr_memo torn_at; /* headers listed as torn */
	struct map_index first_row;
	/* A FIFO: breadth first gives the shortest paths. */
	struct item_queue queue;
	size_t head;
	struct path_nodes nodes;
	uint32_t free_node; /* the first free node, NO_NODE for none */
	struct hc_value_ctx vctx;
	/* sync.Map layout, resolved on first use (-1 unavailable). */
	int sync_state;
	struct hc_syncmap_info sync_info;
	const struct hc_type *eface;
	bool globals_done; /* the walk is on the goroutines' frames */
	bool nomem;
	/* The goroutine whose frames are walked: its stack [lo, hi), the
	 * one stack a pointer may lead into (0, 0 for the globals). */
	uint64_t stk_lo, stk_hi;
	/* Scratch of goroutine_roots(): each physical frame's liveness, and
	 * the live pointer words into the stack. */
	struct live_vec live;
	struct u64_vec stack_ptrs;
};

static bool is_slice_type(const struct hc_type *s)
{
	return s->kind == HC_TYPE_STRUCT &&
	       (s->go_kind == GOKIND_SLICE ||
		(s->name && s->name[0] == '[' && s->name[1] == ']'));
}

static bool is_string_type(const struct hc_type *s)
{
	return s->kind == HC_TYPE_STRUCT &&
	       (s->go_kind == GOKIND_STRING || (s->name && strcmp(s->name, "string") == 0));
}

static bool is_iface_type(const struct hc_type *t, const struct hc_type *s)
{
	if (t->go_kind == GOKIND_INTERFACE || s->go_kind == GOKIND_INTERFACE)
		return true;
	return s->kind == HC_TYPE_STRUCT && s->name &&
	       (strcmp(s->name, "runtime.eface") == 0 ||
		strcmp(s->name, "runtime.iface") == 0);
}

/* Whether a value of type @p t can lead to a map (holds pointers). */
static bool has_pointers(struct walker *w, const struct hc_type *t, unsigned depth)
{
	if (!t || depth > 32)
		return false;
	if (hc_type_is_go_map(t))
		return true;
	const struct hc_type *s = hc_type_strip(t);
	if (!s)
		return false;
	bool *memo = ptr_memo_search(&w->has_ptrs, s->die_offset);
	if (memo)
		return *memo;
	bool r = false;
	/* Assume no pointers while computing (breaks recursion). */
	ptr_memo_insert(&w->has_ptrs, s->die_offset, false, NULL);
	if (is_iface_type(t, s) || is_slice_type(s) ||
	    (s->name && strcmp(s->name, "sync.Map") == 0)) {
		/* sync.Map holds its entries behind unsafe.Pointers. */
		r = true;
	} else if (is_string_type(s)) {
		r = false;
	} else if (s->kind == HC_TYPE_POINTER) {
		r = s->target != NULL;
	} else if (s->kind == HC_TYPE_STRUCT) {
		for (size_t i = 0; i < s->num_members && !r; i++)
			r = has_pointers(w, s->members[i].type, depth + 1);
	} else if (s->kind == HC_TYPE_ARRAY) {
		r = s->count > 0 && has_pointers(w, s->target, depth + 1);
	}
	bool *slot = ptr_memo_search(&w->has_ptrs, s->die_offset);
	if (slot)
		*slot = r;
	return r;
}

/*
 * A new path node under @p parent (NO_NODE for a root); NO_NODE when out
 * of memory (then an owned @p s is freed). @p s NULL is written "?".
 */
static uint32_t node(struct walker *w, uint32_t parent, enum path_kind kind,
		     const char *s, bool owned)
{
	uint32_t k = w->free_node;
	struct path_node *n;
	if (k != NO_NODE) {
		n = &w->nodes.data[k];
		w->free_node = n->parent;
	} else {
		n = w->nodes.size < NO_NODE - 1 ? path_nodes_append_entry(&w->nodes) : NULL;
		if (!n) {
			if (owned)
				free((char *)s);
			w->nomem = true;
			return NO_NODE;
		}
		k = (uint32_t)(w->nodes.size - 1);
	}
	n->parent = parent;
	n->refs = 0;
	n->kind = (uint8_t)kind;
	n->owned = owned;
	n->param = false;
	n->s = s;
	n->s2 = NULL;
	n->index = 0;
	if (parent != NO_NODE)
		w->nodes.data[parent].refs++;
	return k;
}

/* Reclaim node @p k when nothing names it any more, and so up its
 * parents. */
static void reclaim(struct walker *w, uint32_t k)
{
	while (k != NO_NODE && !w->nodes.data[k].refs) {
		struct path_node *n = &w->nodes.data[k];
		uint32_t parent = n->parent;
		if (n->owned)
			free((char *)n->s);
		n->owned = false;
		n->s = NULL;
		n->parent = w->free_node;
		w->free_node = k;
		k = parent;
		if (k != NO_NODE)
			w->nodes.data[k].refs--;
	}
}

/* Drop one reference to node @p k. */
static void release(struct walker *w, uint32_t k)
{
	if (k == NO_NODE)
		return;
	w->nodes.data[k].refs--;
	reclaim(w, k);
}

/* A key node (PATH_MAP_KEY, PATH_SYNC_KEY) for the key at @p addr. */
static uint32_t key_node(struct walker *w, uint32_t parent, enum path_kind kind,
			 uint64_t addr, const struct hc_type *type, bool key_itself)
{
	uint32_t k = node(w, parent, kind, NULL, false);
	if (k != NO_NODE) {
		w->nodes.data[k].index = addr;
		w->nodes.data[k].type = type;
		w->nodes.data[k].param = key_itself;
	}
	return k;
}

static uint32_t index_node(struct walker *w, uint32_t parent, uint64_t index)
{
	uint32_t k = node(w, parent, PATH_INDEX, NULL, false);
	if (k != NO_NODE)
		w->nodes.data[k].index = index;
	return k;
}

/* A node of formatted text under @p parent. */
static uint32_t text_node(struct walker *w, uint32_t parent, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static uint32_t text_node(struct walker *w, uint32_t parent, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s;
	int r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0) {
		w->nomem = true;
		return NO_NODE;
	}
	return node(w, parent, PATH_TEXT, s, true);
}

static void free_nodes(struct walker *w)
{
	for (size_t i = 0; i < w->nodes.size; i++)
		if (w->nodes.data[i].owned)
			free((char *)w->nodes.data[i].s);
	w->nodes.size = 0;
	w->free_node = NO_NODE;
}

static bool is_string_type(const struct hc_type *s);

/* How keys are written into paths: short, as a reader can match them. */
static void key_options(struct hc_value_options *vo)
{
	hc_value_options_default(vo);
	vo->max_depth = 2;
	vo->max_string = 40;
	vo->max_elements = 4;
}

/* "[k]" or "[key k]" for a key node, the key formatted now as paths
 * write keys (hc_value_format_key(): a string quoted, a pointer by its
 * address and type, a type descriptor by the type's name). */
static bool append_key(struct walker *w, struct hc_strbuf *sb, const struct path_node *n)
{
	struct hc_value_options vo;
	key_options(&vo);
	struct hc_strbuf key;
	hc_strbuf_init(&key);
	struct hc_error *err = hc_value_format_key(&w->vctx, n->type, n->index, &key, &vo);
	hc_error_destroy(err);
	const char *ks = key.str ? key.str : "?";
	bool ok = hc_strbuf_appendf(sb, n->param ? "[key %s]" : "[%s]", ks);
	hc_strbuf_deinit(&key);
	return ok;
}

static bool append_node(struct walker *w, struct hc_strbuf *sb, const struct path_node *n)
{
	const char *s = n->s ? n->s : "?";
	switch ((enum path_kind)n->kind) {
	case PATH_MAP_KEY:
	case PATH_SYNC_KEY:
		return append_key(w, sb, n);
	case PATH_GOROUTINE:
		return hc_strbuf_appendf(sb, "goroutine %" PRIu64 " frame %s %s %s", n->index,
					 s, n->param ? "arg" : "local", n->s2 ? n->s2 : "?");
	case PATH_FIELD:
		return hc_strbuf_appends(sb, ".") && hc_strbuf_appends(sb, s);
	case PATH_INDEX: {
		char d[24], *e = d + sizeof(d), *p = e;
		uint64_t v = n->index;
		do
			*--p = (char)('0' + v % 10);
		while ((v /= 10));
		return hc_strbuf_appendc(sb, '[') && hc_strbuf_append(sb, p, (size_t)(e - p)) &&
		       hc_strbuf_appendc(sb, ']');
	}
	case PATH_NAME:
	case PATH_TEXT:
		return hc_strbuf_appends(sb, s);
	}
	return true;
}

/* The path of node @p k (allocated), NULL when out of memory. */
static char *path_of(struct walker *w, uint32_t k)
{
	uint32_t small[128], *chain = small;
	size_t n = 0;
	for (uint32_t i = k; i != NO_NODE; i = w->nodes.data[i].parent)
		n++;
	if (n > sizeof(small) / sizeof(small[0]) && !(chain = malloc(n * sizeof(*chain)))) {
		w->nomem = true;
		return NULL;
	}
	size_t m = 0;
	for (uint32_t i = k; i != NO_NODE; i = w->nodes.data[i].parent)
		chain[m++] = i;
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	bool ok = true;
	while (ok && m)
		ok = append_node(w, &sb, &w->nodes.data[chain[--m]]);
	if (chain != small)
		free(chain);
	if (!ok) {
		hc_strbuf_deinit(&sb);
		w->nomem = true;
		return NULL;
	}
	return hc_strbuf_steal(&sb);
}

/* Stop the walk: a budget ran out. */
static void stop(struct walker *w, const char *reason)
{
	if (!w->d->stop_reason)
		w->d->stop_reason = reason;
	w->d->truncated = true;
	w->d->stopped++;
}

/* Whether the walk's own memory (queue, path nodes, visited set) passed
 * its budget; stops the walk when it did. */
static bool over_budget(struct walker *w)
{
	uint64_t bytes = (uint64_t)w->queue.cap * sizeof(struct item) +
			 (uint64_t)w->nodes.cap * sizeof(struct path_node) +
			 (uint64_t)w->visited.cap * sizeof(struct visit) +
			 object_tags_bytes(&w->objects);
	if (bytes <= w->opts.max_memory)
		return false;
	stop(w, "memory budget");
	return true;
}

/* Queue a value reached by the path of node @p k. */
static void push(struct walker *w, const struct item *parent, uint64_t addr,
		 const struct hc_type *type, uint32_t k, bool in_slice)
{
	if (k == NO_NODE) {
		w->nomem = true;
		return;
	}
	unsigned depth = parent ? parent->depth + 1u : 0;
	struct item *it = NULL;
	if (depth > w->opts.max_depth) {
		w->d->truncated = true;
	} else if (w->d->stop_reason) {
		w->d->stopped++;
	} else if (!over_budget(w)) {
		it = item_queue_append_entry(&w->queue);
		if (!it)
			w->nomem = true;
	}
	if (!it) {
		reclaim(w, k); /* a node made for this value alone */
		return;
	}
	it->addr = addr;
	it->type = type;
	it->node = k;
	w->nodes.data[k].refs++;
	it->depth = (uint16_t)depth;
	it->root = parent ? parent->root : HC_ROOT_GLOBAL;
	it->in_slice = in_slice;
	it->part = false;
}

/* push() for a part of @p parent's memory. */
static void push_part(struct walker *w, const struct item *parent, uint64_t addr,
		      const struct hc_type *type, uint32_t k, bool in_slice)
{
	size_t n = w->queue.size;
	push(w, parent, addr, type, k, in_slice);
	if (w->queue.size > n)
		w->queue.data[n].part = true;
}

/* First visit of (addr, type)? @p t: a map's own typedef, else the type
 * under its typedefs. */
static bool first_visit(struct walker *w, uint64_t addr, const struct hc_type *t)
{
	if (w->d->visits >= w->opts.max_visits) {
		stop(w, "visit budget");
		return false;
	}
	if (!addr)
		return false; /* nothing to walk at address 0 */
	uint64_t die = t ? t->die_offset : 0;
	struct hc_heap_object obj;
	struct hc_error *err = NULL;
	if (w->heap && !(addr >= w->stk_lo && addr < w->stk_hi) &&
	    !(err = hc_heap_find_object(w->heap, addr, &obj)) && obj.allocated &&
	    obj.state == HC_SPAN_IN_USE && addr == obj.data && obj.index < obj.nelems &&
	    obj.nelems <= TAG_MAX_SLOTS && obj.span_end > obj.span_base &&
	    obj.nelems <= (obj.span_end - obj.span_base) / 8) {
		uint16_t id;
		uint16_t *tag = object_tag(&w->objects, obj.span_base, obj.nelems, obj.index, die, &id);
		if (!tag) {
			w->nomem = true;
			return false;
		}
		if (!*tag) {
			*tag = id;
			w->d->visits++;
			return true;
		}
		if (*tag == id)
			return false;
		/* Another type at the object's start: the exact set. */
	}
	hc_error_destroy(err);
	bool existed;
	struct visit v = {addr, die};
	if (!visit_set_insert(&w->visited, v, &existed)) {
		w->nomem = true;
		return false;
	}
	if (existed)
		return false;
	w->d->visits++;
	return true;
}

static bool read_u64(struct walker *w, uint64_t addr, uint64_t *ret)
{
	struct hc_error *err = hc_aspace_read_u64(w->t->as, addr, ret);
	if (err) {
		hc_error_destroy(err);
		w->d->unreadable++;
		return false;
	}
	return true;
}

static void descend_map(struct walker *w, const struct item *it,
			const struct hc_type *maptype, uint64_t map_addr);
static bool runtime_internal(const struct hc_type *s);

/*
 * Whether @p size bytes at @p addr can hold a value the walk follows a
 * pointer to (@p pointers: a value holding pointers): inside one allocated
 * heap object, in a span that may hold pointers; inside .data/.bss/
 * .noptrdata/.noptrbss; or inside the stack of the goroutine whose frames
 * are walked. Not read-only data, text, a free slot, another goroutine's
 * stack or memory the runtime does not manage. Without a heap index,
 * anything.
 */
static bool fits(struct walker *w, uint64_t addr, uint64_t size, bool pointers)
{
	if (!w->heap)
		return true;
	if (!size)
		size = 1;
	if (w->stk_hi && addr >= w->stk_lo && addr < w->stk_hi)
		return size <= w->stk_hi - addr;
	bool inside;
	struct hc_heap_object obj;
	struct hc_error *err = hc_heap_check_range(w->heap, addr, size, &inside, &obj);
	if (!err)
		return inside && obj.allocated && obj.state == HC_SPAN_IN_USE &&
		       !(pointers && obj.noscan);
	bool heap = err->code != HC_ERROR_NOT_FOUND;
	hc_error_destroy(err);
	if (heap)
		return false;
	struct hc_addr_info ai;
	hc_heap_classify(w->heap, NULL, addr, &ai);
	return ai.kind == HC_ADDR_GLOBAL && size <= ai.region_end - addr;
}

/* fits(), counting what does not. */
static bool follow(struct walker *w, uint64_t addr, uint64_t size, bool pointers)
{
	if (fits(w, addr, size, pointers))
		return true;
	w->d->unfit++;
	return false;
}

static void found_map(struct walker *w, const struct item *it,
		      const struct hc_type *type)
{
	uint64_t ptr;
	if (!read_u64(w, it->addr, &ptr))
		return;
	struct hc_found_map *m = hc_found_map_vec_append_entry(&w->d->maps);
	char *path = path_of(w, it->node);
	if (!m || !path) {
		free(path);
		if (m)
			w->d->maps.size--;
		w->nomem = true;
		return;
	}
	m->path = path;
	m->addr = ptr;
	m->slot_addr = it->addr;
	m->type = type;
	m->root = it->root;
	m->in_slice = it->in_slice;
	m->index = it->in_slice ? w->nodes.data[it->node].index : 0;
	if (ptr) {
		bool existed;
		if (!map_index_insert(&w->first_row, ptr, w->d->maps.size - 1,
				      &existed)) {
			w->nomem = true;
			return;
		}
		m->alias = existed;
		m->first = existed ? *map_index_search(&w->first_row, ptr) : w->d->maps.size - 1;
		/* Before the map's own walk, so work on it starts at once. */
		if (!w->globals_done && w->opts.global_map)
			w->opts.global_map(w->opts.global_map_arg, w->d, w->d->maps.size - 1);
		if (!existed && follow(w, ptr, 8, true))
			descend_map(w, it, type, ptr);
	}
}

static void check_slice(struct walker *w, const struct item *it,
			uint64_t array, uint64_t len, uint64_t cap,
			uint64_t elem_size, enum hc_slice_fault fault,
			uint64_t obase, uint64_t osize)
{
	bool listed;
	if (!ptr_memo_insert(&w->torn_at, it->addr, true, &listed)) {
		w->nomem = true;
		return;
	}
	if (listed)
		return;
	struct hc_torn_slice *ts = hc_torn_slice_vec_append_entry(&w->d->torn);
	char *path = path_of(w, it->node);
	if (!ts || !path) {
		free(path);
		if (ts)
			w->d->torn.size--;
		w->nomem = true;
		return;
	}
	ts->path = path;
	ts->header_addr = it->addr;
	ts->array = array;
	ts->len = len;
	ts->cap = cap;
	ts->elem_size = elem_size;
	ts->fault = fault;
	ts->object_base = obase;
	ts->object_size = osize;
}

static void walk_slice(struct walker *w, const struct item *it,
		       const struct hc_type *s)
{
	const struct hc_type *elem = s->go_elem;
	const struct hc_member *am = hc_type_member(s, "array");
	if (!elem && am) {
		const struct hc_type *p = hc_type_strip(am->type);
		elem = p ? p->target : NULL;
	}
	uint8_t hdr[24];
	struct hc_error *err = hc_aspace_read(w->t->as, it->addr, hdr, sizeof(hdr));
	if (err) {
		hc_error_destroy(err);
		w->d->unreadable++;
		return;
	}
	uint64_t array = 0, len = 0, cap = 0;
	for (int i = 0; i < 8; i++) {
		array |= (uint64_t)hdr[i] << (8 * i);
		len |= (uint64_t)hdr[8 + i] << (8 * i);
		cap |= (uint64_t)hdr[16 + i] << (8 * i);
	}
	const struct hc_type *es = hc_type_strip(elem);
	uint64_t esize = es && es->has_size ? es->size : 0;
	if (len > cap) {
		check_slice(w, it, array, len, cap, esize, HC_SLICE_LEN_GT_CAP, 0, 0);
		return;
	}
	if (!array && (len || cap)) {
		check_slice(w, it, array, len, cap, esize, HC_SLICE_NIL_WITH_LEN, 0, 0);
		return;
	}
	if (!cap || !array)
		return;
	if (esize && !hc_aspace_readable(w->t->as, array)) {
		// Memory the process had mapped but the core left out
		// (file-backed, the default coredump_filter) is not in the
		// core: unavailable, not torn.
		if (!hc_aspace_mapped(w->t->as, array))
			check_slice(w, it, array, len, cap, esize, HC_SLICE_UNMAPPED, 0, 0);
		else if (has_pointers(w, elem, 0))
			w->d->not_in_core++;
		return;
	}
	if (esize && w->heap) {
		/* The backing array must fit in the heap object it starts in. */
		uint64_t bytes = cap > UINT64_MAX / esize ? UINT64_MAX : cap * esize;
		bool inside;
		struct hc_heap_object obj;
		err = hc_heap_check_range(w->heap, array, bytes, &inside, &obj);
		if (!err && !inside && obj.allocated) {
			check_slice(w, it, array, len, cap, esize,
				    HC_SLICE_PAST_OBJECT, obj.base,
				    obj.end - obj.base);
			return;
		}
		hc_error_destroy(err);
	}
	if (!elem || !esize || !has_pointers(w, elem, 0) || !len)
		return;
	/* The len elements walked must lie in one place that can hold them. */
	if (len > UINT64_MAX / esize || !follow(w, array, len * esize, true))
		return;
	uint64_t n = len < w->opts.max_elements ? len : w->opts.max_elements;
	if (n < len)
		w->d->truncated = true;
	bool maps = hc_type_is_go_map(elem);
	/* The first n elements of this array as elem, walked once: one
	 * lookup for the slice, not one per element (each element an
	 * interior address the object tags do not hold); its elements are
	 * then parts. DIE offsets past 32 bits keep a lookup per element. */
	const struct hc_type *ls = maps ? elem : hc_type_strip(elem);
	uint64_t die = ls ? ls->die_offset : 0;
	bool once = die < ((uint64_t)1 << 32) && n < ((uint64_t)1 << 31);
	if (once) {
		struct visit v = {array, die | (n << 32) | ((uint64_t)1 << 63)};
		bool existed;
		if (!visit_set_insert(&w->visited, v, &existed)) {
			w->nomem = true;
			return;
		}
		if (existed)
			return;
	}
	for (uint64_t i = 0; i < n && !w->nomem; i++) {
		if (once)
			push_part(w, it, array + i * esize, elem, index_node(w, it->node, i), maps);
		else
			push(w, it, array + i * esize, elem, index_node(w, it->node, i), maps);
	}
}

static void walk_array(struct walker *w, const struct item *it,
		       const struct hc_type *s)
{
	const struct hc_type *elem = s->target;
	const struct hc_type *es = hc_type_strip(elem);
	if (!es || !es->has_size || !es->size || !has_pointers(w, elem, 0))
		return;
	uint64_t n = s->count < w->opts.max_elements ? s->count : w->opts.max_elements;
	if (n < s->count)
		w->d->truncated = true;
	bool maps = hc_type_is_go_map(elem);
	for (uint64_t i = 0; i < n && !w->nomem; i++)
		push_part(w, it, it->addr + i * es->size, elem, index_node(w, it->node, i), maps);
}

/* An interface: follow the dynamic type (runtime type descriptor). */
static void walk_iface(struct walker *w, const struct item *it,
		       const struct hc_type *s)
{
	uint64_t w0, data;
	if (!read_u64(w, it->addr, &w0) || !read_u64(w, it->addr + 8, &data))
		return;
	if (!w0 || !w->t->dwarf || !w->t->types_addr)
		return;
	bool eface = s->name && strcmp(s->name, "runtime.eface") == 0;
	if (!eface && s->num_members && s->members[0].name &&
	    strcmp(s->members[0].name, "_type") == 0)
		eface = true;
	uint64_t typ = w0;
	if (!eface && !read_u64(w, w0 + 8, &typ)) /* itab.Type (abi.ITab) */
		return;
	if (!typ || typ < w->t->types_addr)
		return;
	const struct hc_type *dyn;
	struct hc_error *err = hc_dwarf_find_type_by_runtime_type(
		w->t->dwarf, typ - w->t->types_addr, &dyn);
	if (err) {
		hc_error_destroy(err);
		return;
	}
	if (!has_pointers(w, dyn, 0))
		return;
	struct hc_rtype rt;
	err = hc_value_ctx_read_rtype(&w->vctx, typ, &rt);
	if (err) {
		hc_error_destroy(err);
		return;
	}
	uint32_t k = text_node(w, it->node, ".(%s)",
			       dyn->name ? dyn->name : rt.name ? rt.name : "?");
	/* Pointer-shaped values live in the data word itself. */
	const struct hc_type *ds = hc_type_strip(dyn);
	if (rt.direct_iface) /* the data word: part of the interface */
		push_part(w, it, it->addr + 8, dyn, k, false);
	else if (data && follow(w, data, ds && ds->has_size ? ds->size : 1, true))
		push(w, it, data, dyn, k, false);
	else
		reclaim(w, k);
	hc_rtype_deinit(&rt);
}

/*
 * A sync.Map: one row (its live entries, src/sync/map.go go1.19-1.23,
 * internal/sync/hashtriemap.go go1.24+), then each value walked under
 * `path (sync.Map)["key"]`. Its internals are not walked as maps of their
 * own.
 */
static void walk_sync_map(struct walker *w, const struct item *it,
			  const struct hc_type *s)
{
	if (w->sync_state == 0) {
		struct hc_error *err = hc_syncmap_info_from_target(w->t, &w->sync_info);
		struct hc_error *e2 = err ? NULL
					  : hc_dwarf_find_type(w->t->dwarf, "interface {}", &w->eface);
		w->sync_state = err || e2 ? -1 : 1;
		hc_error_destroy(err);
		hc_error_destroy(e2);
	}
	if (w->sync_state < 0)
		return;
	uint32_t base_node = node(w, it->node, PATH_TEXT, " (sync.Map)", false);
	char *base = base_node != NO_NODE ? path_of(w, base_node) : NULL;
	struct hc_found_map *m = base ? hc_found_map_vec_append_entry(&w->d->maps) : NULL;
	if (!m) {
		free(base);
		w->nomem = true;
		return;
	}
	m->path = base;
	m->addr = it->addr;
	m->slot_addr = it->addr;
	m->type = s;
	m->root = it->root;
	m->sync_map = true;
	size_t row = w->d->maps.size - 1;
	struct hc_syncmap_iter iter;
	struct hc_error *err = hc_syncmap_iter_init(&iter, w->t->as, &w->sync_info, it->addr);
	bool done = false;
	uint64_t n = 0;
	struct item parent = *it;
	parent.node = base_node;
	while (!err && !done) {
		uint64_t k, v;
		err = hc_syncmap_iter_next(&iter, &k, &v, &done);
		if (err || done)
			break;
		if (++n > w->opts.max_entries) {
			w->d->truncated = true;
			break;
		}
		push(w, &parent, v, w->eface, key_node(w, base_node, PATH_SYNC_KEY, k, w->eface, false),
		     false);
	}
	reclaim(w, base_node);
	if (err) {
		w->d->unreadable++;
		hc_error_destroy(err);
	}
	w->d->maps.data[row].entries = n;
}

static void walk_item(struct walker *w, const struct item *it)
{
	const struct hc_type *t = it->type;
	if (!t)
		return;
	if (hc_type_is_go_map(t)) {
		if (first_visit(w, it->addr, t))
			found_map(w, it, t);
		return;
	}
	const struct hc_type *s = hc_type_strip(t);
	if (!s)
		return;
	enum {
		OTHER, SYNC_MAP, IFACE, SLICE, STRING, STRUCT, ARRAY, POINTER
	} k = OTHER;
	if (s->kind == HC_TYPE_STRUCT && s->name && strcmp(s->name, "sync.Map") == 0)
		k = SYNC_MAP;
	else if (is_iface_type(t, s))
		k = IFACE;
	else if (is_slice_type(s))
		k = SLICE;
	else if (is_string_type(s))
		k = STRING;
	else if (s->kind == HC_TYPE_STRUCT)
		k = STRUCT;
	else if (s->kind == HC_TYPE_ARRAY)
		k = ARRAY;
	else if (s->kind == HC_TYPE_POINTER)
		k = POINTER;
	/* A part of its parent's memory (a field, an array element) is walked
	 * once per walk of the parent, which was looked up: a plain struct,
	 * an array, a pointer or an interface there needs no lookup of its
	 * own (on the bench's large core 190,000 of 350,000 items). What makes
	 * rows or findings (maps, slices, sync.Maps) is looked up wherever it
	 * is, and so is whatever a pointer or an interface leads to: every
	 * cycle passes a lookup, and an interior pointer to a part walks it
	 * again but finds nothing twice. */
	/* A slice there needs none either: walk_slice() looks its array up
	 * (and check_slice() lists a torn header once). */
	bool plain_part = it->part && (k == STRUCT || k == ARRAY || k == POINTER || k == IFACE ||
				       k == SLICE);
	if (!plain_part && !first_visit(w, it->addr, s))
		return;
	if (k == SYNC_MAP) {
		walk_sync_map(w, it, s);
	} else if (k == IFACE) {
		walk_iface(w, it, s);
	} else if (k == SLICE) {
		walk_slice(w, it, s);
	} else if (k == STRING) {
		return;
	} else if (k == STRUCT) {
		for (size_t i = 0; i < s->num_members; i++) {
			const struct hc_member *m = &s->members[i];
			if (!m->type || !has_pointers(w, m->type, 0))
				continue;
			push_part(w, it, it->addr + m->offset, m->type,
				  node(w, it->node, PATH_FIELD, m->name, false), false);
		}
	} else if (k == ARRAY) {
		walk_array(w, it, s);
	} else if (k == POINTER) {
		if (!s->target || !has_pointers(w, s->target, 0))
			return;
		uint64_t p;
		if (!read_u64(w, it->addr, &p) || !p)
			return;
		const struct hc_type *ts = hc_type_strip(s->target);
		if (runtime_internal(ts))
			return;
		if (!follow(w, p, ts && ts->has_size ? ts->size : 1, true))
			return;
		/* Go's selectors dereference implicitly: keep the path. */
		push(w, it, p, s->target, it->node, false);
	}
}

/*
 * The runtime's own structures (a channel's hchan<T>, which makechan
 * allocates without pointers when T has none, src/runtime/chan.go; its
 * sudogs, Gs, timers): no program map is stored in them (a buffered
 * channel's elements are behind an unsafe.Pointer), so no pointer to
 * them is followed, as no root of the runtime's packages is.
 */
static bool runtime_internal(const struct hc_type *s)
{
	if (!s || !s->name)
		return false;
	if (strncmp(s->name, "hchan<", 6) == 0 || strncmp(s->name, "sudog<", 6) == 0 ||
	    strncmp(s->name, "waitq<", 6) == 0)
		return true;
	return strncmp(s->name, "runtime.", 8) == 0 && strcmp(s->name, "runtime.eface") != 0 &&
	       strcmp(s->name, "runtime.iface") != 0;
}

/* Package-level variables of these packages are the runtime's own. */
static bool skip_root(const char *name)
{
	static const char *const prefixes[] = {
		"runtime.", "internal/", "runtime/", "type:", "go:", "go.",
	};
	/* Every prefix starts with 'r', 'i', 't' or 'g'. */
	switch (name[0]) {
	case 'r':
	case 'i':
	case 't':
	case 'g':
		break;
	default:
		return false;
	}
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	}
	return false;
}

static void descend_map(struct walker *w, const struct item *it,
			const struct hc_type *maptype, uint64_t map_addr)
{
	const struct hc_type *kt = maptype->go_key, *et = maptype->go_elem;
	bool kp = has_pointers(w, kt, 0), ep = has_pointers(w, et, 0);
	if (!kp && !ep)
		return;
	struct hc_map_info info;
	struct hc_error *err = hc_map_info_from_type(w->t, maptype, &info);
	if (err) {
		hc_error_destroy(err);
		return;
	}
	struct hc_map_iter iter;
	err = hc_map_iter_init(&iter, w->t->as, &info, map_addr);
	if (err) {
		hc_error_destroy(err);
		w->d->unreadable++;
		return;
	}
	uint64_t n = 0;
	uint64_t key_addr, elem_addr;
	bool done = false;
	while (!done) {
		err = hc_map_iter_next(&iter, &key_addr, &elem_addr, &done);
		if (err) {
			hc_error_destroy(err);
			w->d->unreadable++;
			break;
		}
		if (done)
			break;
		if (++n > w->opts.max_entries) {
			w->d->truncated = true;
			break;
		}
		/* A map is descended once (found_map()): its keys and
		 * elements are parts of it. */
		if (kp)
			push_part(w, it, key_addr, kt,
				  key_node(w, it->node, PATH_MAP_KEY, key_addr, kt, true), false);
		if (ep)
			push_part(w, it, elem_addr, et,
				  key_node(w, it->node, PATH_MAP_KEY, key_addr, kt, false), false);
	}
	hc_map_iter_deinit(&iter);
}

/* Walk what is queued, breadth first, and empty the queue. */
/* Items whose visit is fetched ahead of their turn (drain); walked items
 * from which the queue is compacted. */
enum { VISIT_AHEAD = 8, QUEUE_COMPACT = 1 << 16 };

/* Items queued past which the walk takes the newest first (depth first)
 * until the queue is back under it: breadth first gives the shortest
 * paths, but its frontier over a wide heap is a large part of the heap
 * (gopls's core: 670,000 items and twice as many path nodes when the old
 * budget stopped it); depth first holds one path's siblings. Every
 * fixture's walk stays under it, breadth first. */
enum { FRONTIER_MAX = 1 << 16 };

/* Fetch the slot of the visited set that walk_item() looks @p it up in:
 * with 10^5 and more visits the set is larger than the caches, and each
 * lookup would wait on memory. Only a hint; the set may grow before the
 * lookup. */
static inline void prefetch_visit(const struct walker *w, const struct item *it)
{
	const struct hc_type *t = it->type;
	if (!t || !w->visited.cap)
		return;
	if (!hc_type_is_go_map(t))
		t = hc_type_strip(t);
	struct visit v = {it->addr, t ? t->die_offset : 0};
	__builtin_prefetch(&w->visited.slots[visit_hash(v) & (w->visited.cap - 1)]);
}

static void drain(struct walker *w)
{
	for (size_t i = w->head; i < w->head + VISIT_AHEAD && i < w->queue.size; i++)
		prefetch_visit(w, &w->queue.data[i]);
	while (w->head < w->queue.size && !w->nomem) {
		if (w->head + VISIT_AHEAD < w->queue.size)
			prefetch_visit(w, &w->queue.data[w->head + VISIT_AHEAD]);
		struct item it = w->queue.size - w->head > FRONTIER_MAX
					 ? w->queue.data[--w->queue.size]
					 : w->queue.data[w->head++];
		walk_item(w, &it);
		release(w, it.node);
		/* The walked half of a long queue is dropped, so the queue holds
		 * the frontier, not everything one root led to. */
		if (w->head >= QUEUE_COMPACT && w->head * 2 >= w->queue.size) {
			memmove(w->queue.data, w->queue.data + w->head,
				(w->queue.size - w->head) * sizeof(*w->queue.data));
			w->queue.size -= w->head;
			w->head = 0;
		}
	}
	w->head = 0;
	w->queue.size = 0;
	free_nodes(w);
}

/* Frames of the runtime's packages and sync's give no roots. The names
 * are the pclntab's, so a name is known by its pointer: 10^6 frames ask
 * for a few hundred functions. */
static bool skip_frame(struct walker *w, const char *func)
{
	struct skip_memo *m = &w->skip[((uintptr_t)func >> 3) % SKIP_MEMO];
	if (m->func != func) {
		m->func = func;
		m->skip = skip_root(func) || strncmp(func, "sync.", 5) == 0;
	}
	return m->skip;
}

/* Bounds on what liveness reads of one frame (words of a conservatively
 * scanned frame, pointer words of one variable). */
enum { LIVE_MAX_WORDS = 1 << 16, VAR_MAX_WORDS = 4096 };

/* Whether any pointer word of a value of type @p t at @p addr is live in
 * the frame's stack maps (the compiler's liveness marks every pointer word
 * of a live variable: a string's or a slice's array, both interface words). */
static bool any_live_word(struct walker *w, const struct hc_frame_live *l,
			  const struct hc_type *t, uint64_t addr, unsigned depth,
			  unsigned *budget)
{
	if (!t || depth > 32 || !*budget)
		return false;
	const struct hc_unwinder *u = w->opts.unwinder;
	const struct hc_type *s = hc_type_strip(t);
	if (hc_type_is_go_map(t) || (s && (s->kind == HC_TYPE_POINTER || s->kind == HC_TYPE_FUNC ||
					   is_slice_type(s) || is_string_type(s)))) {
		(*budget)--;
		return hc_frame_live_word(u, l, addr);
	}
	if (!s)
		return false;
	if (is_iface_type(t, s)) {
		(*budget)--;
		return hc_frame_live_word(u, l, addr) || hc_frame_live_word(u, l, addr + 8);
	}
	if (s->kind == HC_TYPE_STRUCT) {
		for (size_t i = 0; i < s->num_members; i++)
			if (any_live_word(w, l, s->members[i].type, addr + s->members[i].offset,
					  depth + 1, budget))
				return true;
	} else if (s->kind == HC_TYPE_ARRAY) {
		const struct hc_type *es = hc_type_strip(s->target);
		if (!es || !es->has_size || !es->size || !has_pointers(w, s->target, 0))
			return false;
		for (uint64_t i = 0; i < s->count && *budget; i++)
			if (any_live_word(w, l, s->target, addr + i * es->size, depth + 1, budget))
				return true;
	}
	return false;
}

/* Append the word at @p addr when it points into the goroutine's stack. */
static void stack_ptr(struct walker *w, uint64_t addr)
{
	uint64_t v;
	struct hc_error *err = hc_aspace_read_u64(w->t->as, addr, &v);
	if (err) {
		hc_error_destroy(err);
		return;
	}
	if (v >= w->stk_lo && v < w->stk_hi && !u64_vec_append(&w->stack_ptrs, &v))
		w->nomem = true;
}

/* Whether a pointer collected by stack_ptr() lies in [addr, addr + size). */
static bool stack_ptr_into(const struct walker *w, uint64_t addr, uint64_t size)
{
	for (size_t i = 0; i < w->stack_ptrs.size; i++)
		if (w->stack_ptrs.data[i] >= addr && w->stack_ptrs.data[i] - addr < size)
			return true;
	return false;
}

/*
 * The liveness of the goroutine's physical frames (w->live, indexed like
 * st->frames), and, when a frame has stack objects, which of them a live
 * pointer reaches, as the runtime's scanstack does: the live pointer words
 * of every frame (every word of a frame without maps) that point into the
 * stack, then the words of each object reached, until no new object is
 * reached. The objects reached are left in w->stack_ptrs' tail... no: in
 * @p reached as (addr, size) pairs.
 */
static void frame_liveness(struct walker *w, const struct hc_stack *st,
			   struct u64_vec *reached)
{
	struct hc_unwinder *u = w->opts.unwinder;
	w->live.size = 0;
	w->stack_ptrs.size = 0;
	reached->size = 0;
	if (!live_vec_reserve(&w->live, st->frames.size)) {
		w->nomem = true;
		return;
	}
	bool objs = false;
	for (size_t k = 0; k < st->frames.size; k++) {
		const struct hc_frame *f = &st->frames.data[k];
		struct hc_frame_live *l = &w->live.data[k];
		memset(l, 0, sizeof(*l));
		if (f->inlined) {
			l->unknown = true;
			continue;
		}
		struct hc_error *err = hc_unwind_frame_live(u, f, l);
		if (err) {
			hc_error_destroy(err);
			memset(l, 0, sizeof(*l));
			l->unknown = true;
		}
		objs |= l->nobjs > 0;
	}
	w->live.size = st->frames.size;
	if (!objs)
		return;
	for (size_t k = 0; k < st->frames.size && !w->nomem; k++) {
		const struct hc_frame *f = &st->frames.data[k];
		const struct hc_frame_live *l = &w->live.data[k];
		if (f->inlined)
			continue;
		if (l->unknown) {
			for (uint64_t a = f->sp, n = 0; a + 8 <= f->fp && n < LIVE_MAX_WORDS; a += 8, n++)
				stack_ptr(w, a);
			continue;
		}
		for (uint32_t i = 0; i < l->locals_n && i < LIVE_MAX_WORDS; i++)
			if (hc_frame_live_word(u, l, l->locals_addr + 8 * (uint64_t)i))
				stack_ptr(w, l->locals_addr + 8 * (uint64_t)i);
		for (uint32_t i = 0; i < l->args_n && i < LIVE_MAX_WORDS; i++)
			if (hc_frame_live_word(u, l, l->args_addr + 8 * (uint64_t)i))
				stack_ptr(w, l->args_addr + 8 * (uint64_t)i);
	}
	for (bool more = true; more && !w->nomem;) {
		more = false;
		for (size_t k = 0; k < st->frames.size && !w->nomem; k++) {
			const struct hc_frame_live *l = &w->live.data[k];
			for (uint64_t i = 0; i < l->nobjs; i++) {
				uint64_t a, size;
				if (!hc_frame_live_object(u, l, i, &a, &size) ||
				    !stack_ptr_into(w, a, size))
					continue;
				bool seen = false;
				for (size_t r = 0; r < reached->size && !seen; r += 2)
					seen = reached->data[r] == a;
				if (seen)
					continue;
				if (!u64_vec_append(reached, &a) || !u64_vec_append(reached, &size)) {
					w->nomem = true;
					return;
				}
				more = true;
				for (uint64_t o = 0; o + 8 <= size && o / 8 < LIVE_MAX_WORDS; o += 8)
					stack_ptr(w, a + o);
			}
		}
	}
}

/* Whether frame variable @p fv of frame @p k is a root: a pointer word of
 * it live in the frame's maps, or it lies in a stack object reached. */
static bool var_live(struct walker *w, size_t k, const struct hc_frame *f,
		     const struct hc_frame_var *fv, const struct u64_vec *reached)
{
	const struct hc_frame_live *l = &w->live.data[k];
	if (l->unknown)
		return true;
	uint64_t addr = f->fp + (uint64_t)fv->cfa_offset;
	unsigned budget = VAR_MAX_WORDS;
	if (any_live_word(w, l, fv->type, addr, 0, &budget))
		return true;
	for (size_t r = 0; r < reached->size; r += 2)
		if (addr >= reached->data[r] && addr - reached->data[r] < reached->data[r + 1])
			return true;
	return false;
}

/*
 * One goroutine's frames as roots: "goroutine 12 frame main.worker local
 * m". Frames of the runtime's own packages are skipped (their locals lead
 * into the scheduler, not into the program's maps), and so are variables
 * dead at the frame's PC (frame_liveness()). False when out of memory.
 */
static bool goroutine_roots(struct walker *w, const struct hc_goroutine *g,
			    const struct hc_stack *st, const void *digest,
			    struct hc_frame_var_vec *vars)
{
	if (w->opts.visit_stack) {
		struct hc_error *err = w->opts.visit_stack(w->opts.visit_arg, g, st, digest);
		if (err) {
			hc_error_destroy(err);
			return false;
		}
	}
	if (g->status == HC_G_IDLE)
		return true;
	w->stk_lo = g->stack_lo;
	w->stk_hi = g->stack_hi;
	struct u64_vec reached;
	u64_vec_init(&reached);
	frame_liveness(w, st, &reached);
	for (size_t k = 0; k < st->frames.size && !w->nomem; k++) {
		const struct hc_frame *f = &st->frames.data[k];
		if (f->inlined || !f->func || skip_frame(w, f->func))
			continue;
		vars->size = 0;
		struct hc_error *err = hc_dwarf_frame_vars(w->t->dwarf, f->func, f->sym_pc, vars);
		hc_error_destroy(err);
		for (size_t v = 0; v < vars->size; v++) {
			const struct hc_frame_var *fv = &vars->data[v];
			if (!has_pointers(w, fv->type, 0))
				continue;
			if (!var_live(w, k, f, fv, &reached)) {
				w->d->dead_roots++;
				continue;
			}
			w->d->roots++;
			uint32_t root = node(w, NO_NODE, PATH_GOROUTINE, f->func, false);
			if (root != NO_NODE) {
				struct path_node *pn = &w->nodes.data[root];
				pn->index = g->goid;
				pn->param = fv->param;
				pn->s2 = fv->name;
			}
			push(w, NULL, f->fp + (uint64_t)fv->cfa_offset, fv->type, root, false);
			if (w->queue.size)
				w->queue.data[w->queue.size - 1].root = HC_ROOT_GOROUTINE;
		}
		drain(w);
	}
	u64_vec_deinit(&reached);
	w->stk_lo = w->stk_hi = 0;
	return !w->nomem;
}

/*
 * Goroutines unwound ahead of the walk, a chunk at a time, into a ring of
 * chunk buffers. A helper thread (with an unwinder and pclntab caches of
 * its own) claims the next chunk whose buffer is free and unwinds it; it
 * starts before the globals are walked, so the first chunks are ready
 * when the stacks' turn comes. The walker takes the chunks in goroutine
 * order, so the result is the serial one; when the chunk it needs is not
 * ready it unwinds the next unclaimed chunk itself rather than wait.
 * Without the helper the ring is one buffer and the walker unwinds every
 * chunk.
 */
enum { UNWIND_CHUNK = 512, UNWIND_RING = 8 };

struct unwind_chunk {
	struct hc_stack stacks[UNWIND_CHUNK];
	/* UNWIND_CHUNK digests of digest_size bytes, or NULL. */
	unsigned char *digests;
	bool nomem;
};

struct unwind_pool {
	const struct hc_discover_options *opts;
	const struct hc_runtime *rt;
	size_t n, chunk, nchunks, nring;
	struct unwind_chunk *ring[UNWIND_RING];
	struct hc_unwinder *helper_u; /* the walker's is opts->unwinder */
	pthread_t thread;
	bool threaded;
	/* Under lock. Chunk j lives in ring[j % nring] and may be claimed
	 * once j < consumed + nring. */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	size_t claimed, consumed;
	bool ready[UNWIND_RING];
	bool stop;
};

/* Chunk j's goroutines, [*begin, return value). */
static size_t chunk_range(const struct unwind_pool *p, size_t j, size_t *begin)
{
	*begin = j * p->chunk;
	return *begin + p->chunk < p->n ? *begin + p->chunk : p->n;
}

static void unwind_chunk(struct unwind_pool *p, struct hc_unwinder *u, size_t j)
{
	struct unwind_chunk *c = p->ring[j % p->nring];
	size_t begin, end = chunk_range(p, j, &begin);
	c->nomem = false;
	for (size_t i = begin; i < end; i++) {
		const struct hc_goroutine *g = &p->rt->goroutines.data[i];
		struct hc_stack *st = &c->stacks[i - begin];
		hc_stack_reset(st);
		if (hc_gstatus_is_dead(g->status))
			continue;
		struct hc_error *err = hc_unwind_goroutine(u, g, st);
		if (err) {
			/* NOMEM only: the walk itself never fails. */
			hc_error_destroy(err);
			c->nomem = true;
			return;
		}
		if (c->digests) {
			void *dg = c->digests + (i - begin) * p->opts->digest_size;
			memset(dg, 0, p->opts->digest_size);
			p->opts->digest_stack(p->opts->visit_arg, u, g, st, dg);
		}
	}
}

/* Claim the next chunk and unwind it; false when there is none to claim.
 * Called and returns with the lock held. */
static bool unwind_next(struct unwind_pool *p, struct hc_unwinder *u)
{
	if (p->stop || p->claimed >= p->nchunks || p->claimed >= p->consumed + p->nring)
		return false;
	size_t j = p->claimed++;
	pthread_mutex_unlock(&p->lock);
	unwind_chunk(p, u, j);
	pthread_mutex_lock(&p->lock);
	p->ready[j % p->nring] = true;
	pthread_cond_broadcast(&p->cond);
	return true;
}

static void *unwind_thread(void *arg)
{
	struct unwind_pool *p = arg;
	pthread_mutex_lock(&p->lock);
	while (!p->stop && p->claimed < p->nchunks)
		if (!unwind_next(p, p->helper_u))
			pthread_cond_wait(&p->cond, &p->lock);
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

static void unwind_pool_destroy(struct unwind_pool *p)
{
	if (!p)
		return;
	if (p->threaded) {
		pthread_mutex_lock(&p->lock);
		p->stop = true;
		pthread_cond_broadcast(&p->cond);
		pthread_mutex_unlock(&p->lock);
		pthread_join(p->thread, NULL);
	}
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->lock);
	for (size_t k = 0; k < p->nring; k++) {
		for (size_t i = 0; p->ring[k] && i < UNWIND_CHUNK; i++)
			hc_stack_deinit(&p->ring[k]->stacks[i]);
		if (p->ring[k])
			free(p->ring[k]->digests);
		free(p->ring[k]);
	}
	hc_unwinder_destroy(p->helper_u);
	free(p);
}

/* The pool, its helper started when it pays; NULL when out of memory. */
static struct unwind_pool *unwind_pool_create(struct walker *w)
{
	const struct hc_runtime *rt = w->t->runtime;
	struct unwind_pool *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	p->opts = &w->opts;
	p->rt = rt;
	p->n = rt->goroutines.size;
	/* A helper pays from a few chunks on. HMAPCORE_THREADS (threads.h) of
	 * 2 or more forces it even for a few goroutines, in chunks of 8. */
	bool helper = hc_second_thread(p->n, 4 * UNWIND_CHUNK);
	p->chunk = hc_threads_setting() > 1 ? 8 : UNWIND_CHUNK;
	p->nchunks = (p->n + p->chunk - 1) / p->chunk;
	if (helper && w->t->pclntab) {
		struct hc_error *err = hc_unwinder_clone(w->opts.unwinder, &p->helper_u);
		if (err) {
			hc_error_destroy(err); /* out of memory: unwind on the walker */
			p->helper_u = NULL;
		}
	}
	p->nring = p->helper_u ? UNWIND_RING : 1;
	bool digests = w->opts.visit_stack && w->opts.digest_stack && w->opts.digest_size;
	for (size_t k = 0; k < p->nring; k++) {
		p->ring[k] = malloc(sizeof(*p->ring[k]));
		if (!p->ring[k]) {
			unwind_pool_destroy(p);
			return NULL;
		}
		for (size_t i = 0; i < UNWIND_CHUNK; i++)
			hc_stack_init(&p->ring[k]->stacks[i]);
		p->ring[k]->digests = digests ? malloc(UNWIND_CHUNK * w->opts.digest_size) : NULL;
		if (digests && !p->ring[k]->digests) {
			unwind_pool_destroy(p);
			return NULL;
		}
	}
	if (p->helper_u)
		p->threaded = pthread_create(&p->thread, NULL, unwind_thread, p) == 0;
	return p;
}

static void stack_roots(struct walker *w, struct unwind_pool *p)
{
	const struct hc_runtime *rt = w->t->runtime;
	struct hc_frame_var_vec vars;
	hc_frame_var_vec_init(&vars);
	bool all = true;
	for (size_t j = 0; j < p->nchunks && all; j++) {
		pthread_mutex_lock(&p->lock);
		while (!p->ready[j % p->nring])
			if (!unwind_next(p, p->opts->unwinder))
				pthread_cond_wait(&p->cond, &p->lock);
		pthread_mutex_unlock(&p->lock);
		struct unwind_chunk *c = p->ring[j % p->nring];
		if (c->nomem) {
			w->nomem = true;
			all = false;
			break;
		}
		size_t begin, end = chunk_range(p, j, &begin);
		for (size_t i = begin; i < end && all; i++) {
			const struct hc_goroutine *g = &rt->goroutines.data[i];
			if (hc_gstatus_is_dead(g->status))
				continue;
			const void *dg = c->digests ? c->digests + (i - begin) * w->opts.digest_size
						    : NULL;
			if (!goroutine_roots(w, g, &c->stacks[i - begin], dg, &vars)) {
				w->nomem = true;
				all = false;
			}
		}
		pthread_mutex_lock(&p->lock);
		p->ready[j % p->nring] = false;
		p->consumed++;
		pthread_cond_broadcast(&p->cond);
		pthread_mutex_unlock(&p->lock);
	}
	if (all && !w->nomem && w->opts.visited_stacks)
		*w->opts.visited_stacks = true;
	hc_frame_var_vec_deinit(&vars);
}

/*
 * The walk's default memory budget: what is left of the process's bound
 * (64 MB + 10 % of the core) once the target, its indexes and the
 * analyses so far are loaded (malloc's bytes in use), less a quarter kept
 * for the rows and the maps' own walk after it; at least 8 MB.
 */
static uint64_t walk_budget(uint64_t core_bytes)
{
	uint64_t bound = ((uint64_t)64 << 20) + core_bytes / 10;
	struct mallinfo2 mi = mallinfo2();
	uint64_t used = (uint64_t)mi.uordblks + (uint64_t)mi.hblkhd;
	uint64_t left = used < bound ? bound - used : 0;
	left -= left / 4;
	return left > ((uint64_t)8 << 20) ? left : (uint64_t)8 << 20;
}

struct hc_error *hc_discover(struct hc_target *t, struct hc_heap *heap,
			     const struct hc_discover_options *opts,
			     struct hc_discovery **ret)
{
	if (!t->dwarf)
		return hc_error_create(HC_ERROR_UNSUPPORTED,
				       "finding maps needs DWARF (stripped executable)");
	struct walker w;
	memset(&w, 0, sizeof(w));
	w.t = t;
	w.heap = heap;
	if (opts)
		w.opts = *opts;
	uint64_t core_bytes = 0, expected;
	if (t->core)
		hc_core_truncation(t->core, &expected, &core_bytes);
	if (!w.opts.max_visits)
		w.opts.max_visits = core_bytes / 16 > 1000000 ? core_bytes / 16 : 1000000;
	if (!w.opts.max_memory)
		w.opts.max_memory = walk_budget(core_bytes);
	if (!w.opts.max_elements)
		w.opts.max_elements = 1000000;
	if (!w.opts.max_entries)
		w.opts.max_entries = 1000000;
	if (!w.opts.max_depth)
		w.opts.max_depth = UINT16_MAX - 1;
	if (w.opts.max_depth > UINT16_MAX - 1)
		w.opts.max_depth = UINT16_MAX - 1; /* item.depth */
	w.d = calloc(1, sizeof(*w.d));
	if (!w.d)
		return &hc_error_nomem;
	hc_found_map_vec_init(&w.d->maps);
	hc_torn_slice_vec_init(&w.d->torn);
	visit_set_init(&w.visited);
	object_tags_init(&w.objects);
	ptr_memo_init(&w.has_ptrs);
	ptr_memo_init(&w.torn_at);
	map_index_init(&w.first_row);
	item_queue_init(&w.queue);
	live_vec_init(&w.live);
	u64_vec_init(&w.stack_ptrs);
	path_nodes_init(&w.nodes);
	w.free_node = NO_NODE;
	hc_value_ctx_init(&w.vctx, t);

	/* The unwinding starts first, so a helper works ahead while the
	 * globals are walked. */
	struct unwind_pool *pool = NULL;
	if (w.opts.unwinder && t->runtime) {
		pool = unwind_pool_create(&w);
		if (!pool)
			w.nomem = true;
	}
	size_t nvars = hc_dwarf_num_variables(t->dwarf);
	for (size_t i = 0; i < nvars && !w.nomem; i++) {
		const char *name;
		uint64_t addr;
		const struct hc_type *type;
		struct hc_error *err =
			hc_dwarf_variable(t->dwarf, i, &name, &addr, &type);
		if (err) {
			// Out of memory is the discovery's failure; a global
			// whose type cannot be read is a root not followed.
			if (err == &hc_error_nomem || err->code == HC_ERROR_NOMEM)
				w.nomem = true;
			else
				w.d->roots_unreadable++;
			hc_error_destroy(err);
			continue;
		}
		if (!name || !type || skip_root(name) || !has_pointers(&w, type, 0))
			continue;
		w.d->roots++;
		push(&w, NULL, addr + t->bias, type, node(&w, NO_NODE, PATH_NAME, name, false),
		     false);
		drain(&w);
	}
	w.globals_done = true;
	if (pool && !w.nomem)
		stack_roots(&w, pool);
	unwind_pool_destroy(pool);
	free_nodes(&w);
	path_nodes_deinit(&w.nodes);
	item_queue_deinit(&w.queue);
	live_vec_deinit(&w.live);
	u64_vec_deinit(&w.stack_ptrs);
	visit_set_deinit(&w.visited);
	object_tags_deinit(&w.objects);
	ptr_memo_deinit(&w.has_ptrs);
	ptr_memo_deinit(&w.torn_at);
	map_index_deinit(&w.first_row);
	if (w.nomem) {
		hc_discovery_destroy(w.d);
		return &hc_error_nomem;
	}
	*ret = w.d;
	return NULL;
}

void hc_discovery_destroy(struct hc_discovery *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->maps.size; i++)
		free(d->maps.data[i].path);
	for (size_t i = 0; i < d->torn.size; i++)
		free(d->torn.data[i].path);
	hc_found_map_vec_deinit(&d->maps);
	hc_torn_slice_vec_deinit(&d->torn);
	free(d);
}

/* ---------------------------------------------------------- global paths */

/* Follow pointers from the value at *addr of type *type (stripped) to a
 * value that is not one; @p what names the path so far for errors. */
static struct hc_error *deref(struct hc_target *t, uint64_t *addr, const struct hc_type **type,
			      const char *what, int whatlen)
{
	const struct hc_type *s = hc_type_strip(*type);
	for (int depth = 0; s && s->kind == HC_TYPE_POINTER && !hc_type_is_go_map(s); depth++) {
		if (depth > 8)
			return hc_error_create(HC_ERROR_NOT_FOUND, "%.*s: too many pointers", whatlen, what);
		uint64_t p;
		struct hc_error *err = hc_aspace_read_u64(t->as, *addr, &p);
		if (err)
			return err;
		if (!p)
			return hc_error_create(HC_ERROR_NOT_FOUND, "%.*s is a nil pointer", whatlen, what);
		*addr = p;
		*type = s->target;
		s = hc_type_strip(*type);
	}
	if (!s)
		return hc_error_create(HC_ERROR_NOT_FOUND, "%.*s: type unknown", whatlen, what);
	return NULL;
}

/* The element of map @p type at @p slot whose key reads @p key (n bytes) as
 * discovery writes it into paths. */
static struct hc_error *map_element(struct hc_target *t, uint64_t slot, const struct hc_type *type,
				    const char *key, size_t n, const char *what, int whatlen,
				    uint64_t *addr_ret, const struct hc_type **type_ret)
{
	uint64_t m;
	struct hc_map_info info;
	struct hc_error *err = hc_aspace_read_u64(t->as, slot, &m);
	if (!err && !m)
		return hc_error_create(HC_ERROR_NOT_FOUND, "%.*s is a nil map", whatlen, what);
	if (!err)
		err = hc_map_info_from_type(t, type, &info);
	if (err)
		return err;
	struct hc_value_ctx vctx;
	hc_value_ctx_init(&vctx, t);
	struct hc_value_options vo;
	key_options(&vo);
	struct hc_map_iter it;
	err = hc_map_iter_init(&it, t->as, &info, m);
	bool done = false, found = false;
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	while (!err && !done && !found) {
		uint64_t k, e;
		err = hc_map_iter_next(&it, &k, &e, &done);
		if (err || done)
			break;
		hc_strbuf_reset(&sb);
		hc_error_destroy(hc_value_format_key(&vctx, info.key, k, &sb, &vo));
		if (sb.len == n && memcmp(sb.str, key, n) == 0) {
			found = true;
			*addr_ret = e;
			*type_ret = info.elem;
		}
	}
	hc_strbuf_deinit(&sb);
	hc_map_iter_deinit(&it);
	if (err)
		return err;
	if (!found)
		return hc_error_create(HC_ERROR_NOT_FOUND, "%.*s has no key %.*s", whatlen, what,
				       (int)n, key);
	return NULL;
}

/* Element @p key (a decimal index) of the array or slice at @p addr. */
static struct hc_error *indexed(struct hc_target *t, uint64_t addr, const struct hc_type *s,
				const char *key, size_t n, const char *what, int whatlen,
				uint64_t *addr_ret, const struct hc_type **type_ret)
{
	uint64_t i = 0;
	for (size_t k = 0; k < n; k++) {
		if (key[k] < '0' || key[k] > '9' || i > UINT64_MAX / 10 - 1)
			return hc_error_create(HC_ERROR_NOT_FOUND, "%.*s: [%.*s] is not an index",
					       whatlen, what, (int)n, key);
		i = i * 10 + (uint64_t)(key[k] - '0');
	}
	const struct hc_type *elem;
	uint64_t base, len;
	if (s->kind == HC_TYPE_ARRAY) {
		elem = s->target;
		base = addr;
		len = s->count;
	} else {
		elem = s->go_elem;
		const struct hc_member *am = hc_type_member(s, "array");
		if (!elem && am) {
			const struct hc_type *p = hc_type_strip(am->type);
			elem = p ? p->target : NULL;
		}
		struct hc_error *err = hc_aspace_read_u64(t->as, addr, &base);
		if (!err)
			err = hc_aspace_read_u64(t->as, addr + 8, &len);
		if (err)
			return err;
	}
	const struct hc_type *es = hc_type_strip(elem);
	if (!es || !es->has_size)
		return hc_error_create(HC_ERROR_NOT_FOUND, "%.*s: element type unknown", whatlen, what);
	if (i >= len)
		return hc_error_create(HC_ERROR_NOT_FOUND, "%.*s has %" PRIu64 " elements, no [%" PRIu64 "]",
				       whatlen, what, len, i);
	*addr_ret = base + i * es->size;
	*type_ret = elem;
	return NULL;
}

struct hc_error *hc_resolve_global_path(struct hc_target *t, const char *path,
					uint64_t *slot_ret, const struct hc_type **type_ret)
{
	if (!t->dwarf)
		return hc_error_create(HC_ERROR_NOT_FOUND, "no DWARF to resolve %s", path);
	size_t len = strlen(path);
	char *name = malloc(len + 1);
	if (!name)
		return &hc_error_nomem;
	/* The global: the longest prefix ending before a '.' or '[' (package
	 * paths hold dots of their own) that DWARF knows. */
	uint64_t addr = 0;
	const struct hc_type *type = NULL;
	size_t pos = 0;
	struct hc_error *err = NULL;
	for (size_t end = len + 1; end-- > 0;) {
		if (end < len && path[end] != '.' && path[end] != '[')
			continue;
		memcpy(name, path, end);
		name[end] = '\0';
		err = hc_dwarf_find_variable(t->dwarf, name, &addr, &type);
		if (!err) {
			pos = end;
			break;
		}
		hc_error_destroy(err);
		err = NULL;
		type = NULL;
	}
	free(name);
	if (!type)
		return hc_error_create(HC_ERROR_NOT_FOUND, "no global of %s in DWARF", path);
	addr += t->bias;
	while (!err && pos < len) {
		int whatlen = (int)pos;
		const char *seg = path + pos;
		if (*seg == '.') {
			size_t n = strcspn(seg + 1, ".[");
			char field[256];
			if (n == 0 || n >= sizeof(field))
				return hc_error_create(HC_ERROR_INVALID_ARG, "%s: bad field at %zu", path, pos);
			memcpy(field, seg + 1, n);
			field[n] = '\0';
			err = deref(t, &addr, &type, path, whatlen);
			if (err)
				break;
			const struct hc_type *s = hc_type_strip(type);
			const struct hc_member *m = s->kind == HC_TYPE_STRUCT ? hc_type_member(s, field) : NULL;
			if (!m)
				return hc_error_create(HC_ERROR_NOT_FOUND, "%.*s (%s) has no field %s", whatlen,
						       path, type->name ? type->name : "?", field);
			addr += m->offset;
			type = m->type;
			pos += 1 + n;
		} else if (*seg == '[') {
			/* The key ends at the first ']' after a quoted string's
			 * closing quote. */
			size_t k = 1;
			if (seg[1] == '"') {
				for (k = 2; seg[k] && seg[k] != '"'; k++)
					if (seg[k] == '\\' && seg[k + 1])
						k++;
				if (seg[k])
					k++;
			}
			const char *close = strchr(seg + k, ']');
			if (!close)
				return hc_error_create(HC_ERROR_INVALID_ARG, "%s: no ] after %zu", path, pos);
			const char *key = seg + 1;
			size_t n = (size_t)(close - key);
			if (hc_type_is_go_map(type)) {
				err = map_element(t, addr, type, key, n, path, whatlen, &addr, &type);
			} else {
				err = deref(t, &addr, &type, path, whatlen);
				const struct hc_type *s = err ? NULL : hc_type_strip(type);
				if (s && (s->kind == HC_TYPE_ARRAY || is_slice_type(s)))
					err = indexed(t, addr, s, key, n, path, whatlen, &addr, &type);
				else if (s && hc_type_is_go_map(type))
					err = map_element(t, addr, type, key, n, path, whatlen, &addr, &type);
				else if (s)
					err = hc_error_create(HC_ERROR_NOT_FOUND, "%.*s (%s) is not an array, a slice or a map",
							      whatlen, path, type->name ? type->name : "?");
			}
			pos += n + 2;
		} else {
			return hc_error_create(HC_ERROR_INVALID_ARG, "%s: unexpected '%c' at %zu", path, *seg, pos);
		}
	}
	if (err)
		return err;
	if (!hc_type_is_go_map(type))
		return hc_error_create(HC_ERROR_INVALID_ARG, "%s is not a map (%s)", path,
				       type && type->name ? type->name : "?");
	*slot_ret = addr;
	*type_ret = type;
	return NULL;
}


const struct hc_found_map *hc_discovery_find(const struct hc_discovery *d,
					     uint64_t addr)
{
	for (size_t i = 0; i < d->maps.size; i++) {
		if (d->maps.data[i].addr == addr)
			return &d->maps.data[i];
	}
	return NULL;
}
