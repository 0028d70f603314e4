/*
 * Go's pc-line table: see include/hmapcore/pclntab.h.
 *
 * Layouts (go1.16-go1.26):
 *   pcHeader   src/runtime/symtab.go (go1.16-1.26), src/internal/abi/symtab.go
 *   _func      src/runtime/runtime2.go (go1.16-1.26)
 *   pcvalue    src/runtime/symtab.go pcvalue/step/readvarint (all versions)
 *   writer     src/cmd/link/internal/ld/pcln.go
 *
 * The table is: header, then (at offsets the header gives) funcnametab,
 * cutab, filetab, pctab and pclntable, where pclntable starts with the
 * functab and continues with the _func records. Each region's end is taken
 * as the next region's start (or the end of the data), so every read is
 * checked against the region it belongs to.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "hmapcore/hash_table.h"
#include "hmapcore/pclntab.h"

enum {
	MAGIC_GO116 = 0xfffffffa,
	MAGIC_GO118 = 0xfffffff0,
	MAGIC_GO120 = 0xfffffff1,
	/* A varint in a pc-value table is a uint32: at most 5 bytes. */
	MAX_VARINT_LEN = 5,
};

HC_DEFINE_HASH_MAP(name_index, const char *, size_t, hc_hash_string,
		   hc_eq_string)

/* A byte range of the table: [off, off + size). */
struct region {
	size_t off;
	size_t size;
};

/*
 * Field offsets in a _func record, per layout (src/runtime/runtime2.go):
 * go1.16-1.17 start with `entry uintptr`, go1.18+ with `entryoff uint32`;
 * go1.20 inserted `startLine int32` before funcID.
 */
struct func_layout {
	size_t nameoff, args, deferreturn, pcsp, pcfile, pcln, npcdata,
		cu_offset, start_line, funcid, flag, nfuncdata, size;
	bool has_start_line;
};

/*
 * Lookup caches (what the runtime's pcvalueCache does for tracebacks): an
 * unwinder asks for the same functions and pc-value pairs again and again
 * (every goroutine parked in chanrecv shares its return addresses), and
 * each pc-value lookup decodes its table from the function's entry. Both
 * are direct-mapped on a hash of the key; a slot holds only successful
 * lookups, so corrupt tables still fail every time. The tables themselves
 * are immutable, so the caches never go stale. Not thread-safe: one
 * pclntab is used from one thread.
 */
enum { PCV_CACHE_BITS = 13, FUNC_CACHE_BITS = 11 };
enum { PCV_CACHE_SLOTS = 1 << PCV_CACHE_BITS, FUNC_CACHE_SLOTS = 1 << FUNC_CACHE_BITS };

/* The linker shares identical pc-value tables between functions, so the
 * function's entry is part of the key. */
struct pcv_slot {
	uint64_t pc;
	uint64_t entry;
	uint32_t off;
	int32_t val;
};

struct func_slot {
	uint64_t pc;
	bool valid;
	struct hc_func f;
};

struct lookup_cache {
	struct pcv_slot pcv[PCV_CACHE_SLOTS];
	struct func_slot fn[FUNC_CACHE_SLOTS];
};

static size_t slot_of(uint64_t pc, uint32_t off, unsigned bits)
{
	uint64_t h = (pc ^ ((uint64_t)off << 32 | off)) * 0x9e3779b97f4a7c15ull;
	return (size_t)(h >> (64 - bits));
}

struct hc_pclntab {
	const uint8_t *data;
	size_t size;
	uint32_t magic;
	bool big_endian;
	unsigned quantum;
	unsigned ptr_size;
	uint64_t text_start;
	size_t nfunc;
	/* The first function's entry and the end sentinel's (the functab's
	 * range, read once: every lookup checks it). */
	uint64_t first_pc, end_pc;
	/* Size of one functab field: 4 (go1.18+) or ptr_size (go1.16-1.17). */
	size_t ftab_field;
	struct region funcnametab, cutab, filetab, pctab, pclntable;
	struct func_layout layout;
	bool names_built;
	struct name_index names;
	/* NULL when it could not be allocated (then nothing is cached). */
	struct lookup_cache *cache;
};

static uint32_t rd32(const struct hc_pclntab *t, size_t off)
{
	const uint8_t *p = t->data + off;
	if (t->big_endian)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		       (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | p[0];
}

static uint64_t rd64(const struct hc_pclntab *t, size_t off)
{
	uint64_t a = rd32(t, off), b = rd32(t, off + 4);
	return t->big_endian ? a << 32 | b : b << 32 | a;
}

static uint64_t rdword(const struct hc_pclntab *t, size_t off, size_t width)
{
	return width == 8 ? rd64(t, off) : rd32(t, off);
}

/* Is [off, off + len) inside region @p r? */
static bool in_region(const struct region *r, uint64_t off, uint64_t len)
{
	return off <= r->size && len <= r->size - off;
}

/* End of the region starting at @p start: the nearest other start or the
 * end of the data. */
static size_t region_end(const size_t *starts, size_t n, size_t start,
			 size_t size)
{
	size_t end = size;
	for (size_t i = 0; i < n; i++) {
		if (starts[i] > start && starts[i] < end)
			end = starts[i];
	}
	return end;
}

static void set_layout(struct hc_pclntab *t)
{
	struct func_layout *l = &t->layout;
	// go1.16-1.17: the fields after `entry uintptr` shift by ptr_size.
	size_t b = t->magic == MAGIC_GO116 ? t->ptr_size : 4;
	l->nameoff = b;
	l->args = b + 4;
	l->deferreturn = b + 8;
	l->pcsp = b + 12;
	l->pcfile = b + 16;
	l->pcln = b + 20;
	l->npcdata = b + 24;
	l->cu_offset = b + 28;
	if (t->magic == MAGIC_GO120) {
		l->has_start_line = true;
		l->start_line = b + 32;
		l->funcid = b + 36;
	} else {
		l->has_start_line = false;
		l->start_line = 0;
		l->funcid = b + 32;
	}
	l->flag = l->funcid + 1;
	l->nfuncdata = l->funcid + 3;
	l->size = l->funcid + 4;
}

/* Entry of functab slot @p i (i <= nfunc; nfunc is the end sentinel). */
static uint64_t ftab_entry(const struct hc_pclntab *t, size_t i)
{
	uint64_t v = rdword(t, t->pclntable.off + 2 * i * t->ftab_field,
			    t->ftab_field);
	return t->magic == MAGIC_GO116 ? v : t->text_start + v;
}

static uint64_t ftab_funcoff(const struct hc_pclntab *t, size_t i)
{
	return rdword(t, t->pclntable.off + (2 * i + 1) * t->ftab_field,
		      t->ftab_field);
}

struct hc_error *hc_pclntab_create(const uint8_t *data, size_t size,
				   uint64_t text_start,
				   struct hc_pclntab **ret)
{
	if (!data || size < 8)
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "pclntab: truncated header (%zu bytes)",
				       size);

	struct hc_pclntab tmp = { .data = data, .size = size };
	uint32_t le = (uint32_t)data[3] << 24 | (uint32_t)data[2] << 16 |
		      (uint32_t)data[1] << 8 | data[0];
	uint32_t be = (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 |
		      (uint32_t)data[2] << 8 | data[3];
	if (le == MAGIC_GO116 || le == MAGIC_GO118 || le == MAGIC_GO120) {
		tmp.magic = le;
	} else if (be == MAGIC_GO116 || be == MAGIC_GO118 ||
		   be == MAGIC_GO120) {
		tmp.magic = be;
		tmp.big_endian = true;
	} else {
		return hc_error_create(HC_ERROR_UNSUPPORTED,
				       "pclntab: unknown magic 0x%08" PRIx32
				       " (Go before 1.16, or not a pclntab)",
				       le);
	}
	if (data[4] != 0 || data[5] != 0)
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "pclntab: non-zero header padding");
	tmp.quantum = data[6];
	tmp.ptr_size = data[7];
	if (tmp.quantum != 1 && tmp.quantum != 2 && tmp.quantum != 4)
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "pclntab: bad pc quantum %u",
				       tmp.quantum);
	if (tmp.ptr_size != 4 && tmp.ptr_size != 8)
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "pclntab: bad pointer size %u",
				       tmp.ptr_size);

	// Header words after the 8 fixed bytes (src/runtime/symtab.go
	// pcHeader): go1.16-1.17 have 7, go1.18+ 8 (textStart third).
	bool old = tmp.magic == MAGIC_GO116;
	size_t nwords = old ? 7 : 8;
	size_t hdr_size = 8 + nwords * tmp.ptr_size;
	if (size < hdr_size)
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "pclntab: truncated header (%zu of %zu bytes)",
				       size, hdr_size);
	uint64_t w[8];
	for (size_t i = 0; i < nwords; i++)
		w[i] = rdword(&tmp, 8 + i * tmp.ptr_size, tmp.ptr_size);
	uint64_t nfunc = w[0];
	uint64_t hdr_text = old ? 0 : w[2];
	const uint64_t *offs = old ? &w[2] : &w[3];

	size_t starts[5];
	for (size_t i = 0; i < 5; i++) {
		if (offs[i] < hdr_size || offs[i] > size)
			return hc_error_create(HC_ERROR_BAD_DATA,
					       "pclntab: header offset %zu (0x%" PRIx64
					       ") outside the table (%zu bytes)",
					       i, offs[i], size);
		starts[i] = (size_t)offs[i];
	}
	struct region *regs[5] = { &tmp.funcnametab, &tmp.cutab, &tmp.filetab,
				   &tmp.pctab, &tmp.pclntable };
	for (size_t i = 0; i < 5; i++) {
		regs[i]->off = starts[i];
		regs[i]->size = region_end(starts, 5, starts[i], size) -
				starts[i];
	}

	tmp.ftab_field = old ? tmp.ptr_size : 4;
	// functab: nfunc {entry, funcoff} pairs and the end sentinel entry.
	// The end sentinel is always read: no room for it is bad data too.
	uint64_t max_nfunc = tmp.pclntable.size < tmp.ftab_field ? 0 :
		(tmp.pclntable.size - tmp.ftab_field) / (2 * tmp.ftab_field);
	if (nfunc > max_nfunc || tmp.pclntable.size < tmp.ftab_field)
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "pclntab: %" PRIu64 " functions do not fit in "
				       "a function table of %zu bytes",
				       nfunc, tmp.pclntable.size);
	tmp.nfunc = (size_t)nfunc;

	if (old) {
		tmp.text_start = text_start ? text_start :
			(tmp.nfunc ? ftab_entry(&tmp, 0) : 0);
	} else if (text_start) {
		tmp.text_start = text_start;
	} else if (hdr_text) {
		tmp.text_start = hdr_text;
	} else {
		// src/cmd/link/internal/ld/pcln.go (go1.26) no longer fills
		// in textStart.
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "pclntab: the header has no text start "
				       "(go1.26+ writes 0); pass runtime.text");
	}

	// Binary search needs a sorted functab: check it once.
	uint64_t prev = 0;
	for (size_t i = 0; i <= tmp.nfunc; i++) {
		uint64_t e = ftab_entry(&tmp, i);
		if (i > 0 && e < prev)
			return hc_error_create(HC_ERROR_BAD_DATA,
					       "pclntab: function table not sorted at "
					       "entry %zu",
					       i);
		prev = e;
	}
	tmp.first_pc = ftab_entry(&tmp, 0);
	tmp.end_pc = prev;

	set_layout(&tmp);
	struct hc_pclntab *t = malloc(sizeof(*t));
	if (!t)
		return &hc_error_nomem;
	*t = tmp;
	name_index_init(&t->names);
	t->cache = calloc(1, sizeof(*t->cache));
	*ret = t;
	return NULL;
}

struct hc_error *hc_pclntab_clone(const struct hc_pclntab *t,
				  struct hc_pclntab **ret)
{
	struct hc_pclntab *c = malloc(sizeof(*c));
	if (!c)
		return &hc_error_nomem;
	*c = *t;
	c->names_built = false;
	name_index_init(&c->names);
	c->cache = calloc(1, sizeof(*c->cache));
	*ret = c;
	return NULL;
}

void hc_pclntab_destroy(struct hc_pclntab *t)
{
	if (!t)
		return;
	name_index_deinit(&t->names);
	free(t->cache);
	free(t);
}

uint32_t hc_pclntab_magic(const struct hc_pclntab *t)
{
	return t->magic;
}

unsigned hc_pclntab_quantum(const struct hc_pclntab *t)
{
	return t->quantum;
}

unsigned hc_pclntab_ptr_size(const struct hc_pclntab *t)
{
	return t->ptr_size;
}

uint64_t hc_pclntab_text_start(const struct hc_pclntab *t)
{
	return t->text_start;
}

size_t hc_pclntab_num_funcs(const struct hc_pclntab *t)
{
	return t->nfunc;
}

/* A NUL-terminated string at @p off of region @p r. */
static struct hc_error *region_string(const struct hc_pclntab *t,
				      const struct region *r, uint64_t off,
				      const char *what, const char **ret)
{
	if (off >= r->size)
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "pclntab: %s offset 0x%" PRIx64
				       " outside its table (%zu bytes)",
				       what, off, r->size);
	const uint8_t *s = t->data + r->off + off;
	if (!memchr(s, 0, r->size - off))
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "pclntab: %s at 0x%" PRIx64
				       " is not NUL-terminated",
				       what, off);
	*ret = (const char *)s;
	return NULL;
}

struct hc_error *hc_pclntab_name_at(const struct hc_pclntab *t, int32_t off,
				    const char **ret)
{
	if (off < 0)
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "pclntab: negative name offset %" PRId32,
				       off);
	return region_string(t, &t->funcnametab, (uint64_t)off,
			     "function name", ret);
}

struct hc_error *hc_pclntab_func_at(const struct hc_pclntab *t, size_t i,
				    struct hc_func *ret)
{
	if (i >= t->nfunc)
		return hc_error_create(HC_ERROR_NOT_FOUND,
				       "pclntab: function %zu of %zu", i,
				       t->nfunc);
	const struct func_layout *l = &t->layout;
	uint64_t funcoff = ftab_funcoff(t, i);
	if (!in_region(&t->pclntable, funcoff, l->size))
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "pclntab: function %zu record offset 0x%"
				       PRIx64 " outside the table",
				       i, funcoff);
	size_t o = t->pclntable.off + (size_t)funcoff;

	struct hc_func f = { 0 };
	f.entry = ftab_entry(t, i);
	f.end = ftab_entry(t, i + 1);
	uint64_t rec_entry = t->magic == MAGIC_GO116 ?
		rdword(t, o, t->ptr_size) : t->text_start + rd32(t, o);
	if (rec_entry != f.entry)
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "pclntab: function %zu: record entry 0x%"
				       PRIx64 " differs from the table's 0x%"
				       PRIx64,
				       i, rec_entry, f.entry);
	struct hc_error *err = hc_pclntab_name_at(t, (int32_t)rd32(t, o + l->nameoff),
						  &f.name);
	if (err)
		return hc_error_prefix(err, "function %zu", i);
	f.args = (int32_t)rd32(t, o + l->args);
	f.deferreturn = rd32(t, o + l->deferreturn);
	f.pcsp = rd32(t, o + l->pcsp);
	f.pcfile = rd32(t, o + l->pcfile);
	f.pcln = rd32(t, o + l->pcln);
	f.npcdata = rd32(t, o + l->npcdata);
	f.cu_offset = rd32(t, o + l->cu_offset);
	f.start_line = l->has_start_line ? (int32_t)rd32(t, o + l->start_line) : 0;
	f.funcid = t->data[o + l->funcid];
	f.flag = t->data[o + l->flag];
	f.nfuncdata = t->data[o + l->nfuncdata];
	// The pcdata and funcdata arrays follow the record. (go1.16-1.17
	// funcdata are aligned pointers, which this module does not read.)
	uint64_t tail = (uint64_t)f.npcdata * 4 +
			(t->magic == MAGIC_GO116 ? 0 : (uint64_t)f.nfuncdata * 4);
	if (!in_region(&t->pclntable, funcoff + l->size, tail))
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "pclntab: function %s: %" PRIu32
				       " pcdata / %u funcdata run off the table",
				       f.name, f.npcdata, f.nfuncdata);
	f.funcoff = o;
	*ret = f;
	return NULL;
}

struct hc_error *hc_pclntab_find_func(const struct hc_pclntab *t, uint64_t pc,
				      struct hc_func *ret)
{
	/* No pclntab (unreadable in a corrupt executable): nothing is found;
	 * callers that hold the target's NULL pclntab need not test it. */
	if (!t)
		return hc_error_create(HC_ERROR_NOT_FOUND, "no function at 0x%" PRIx64
				       ": the executable's pclntab is unreadable", pc);
	if (t->nfunc == 0 || pc < t->first_pc || pc >= t->end_pc)
		return hc_error_create(HC_ERROR_NOT_FOUND,
				       "no function at 0x%" PRIx64, pc);
	struct func_slot *slot = t->cache ? &t->cache->fn[slot_of(pc, 0, FUNC_CACHE_BITS)] : NULL;
	if (slot && slot->valid && slot->pc == pc) {
		*ret = slot->f;
		return NULL;
	}
	// The greatest i with entry(i) <= pc (the table is sorted).
	size_t lo = 0, hi = t->nfunc;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (ftab_entry(t, mid) <= pc)
			lo = mid;
		else
			hi = mid;
	}
	struct hc_func f;
	struct hc_error *err = hc_pclntab_func_at(t, lo, &f);
	if (err)
		return err;
	if (slot) {
		slot->pc = pc;
		slot->f = f;
		slot->valid = true;
	}
	*ret = f;
	return NULL;
}

static struct hc_error *build_names(struct hc_pclntab *t)
{
	for (size_t i = 0; i < t->nfunc; i++) {
		struct hc_func f;
		struct hc_error *err = hc_pclntab_func_at(t, i, &f);
		if (err) {
			// A corrupt record is skipped: the others stay findable.
			if (err->code == HC_ERROR_NOMEM) {
				name_index_deinit(&t->names);
				return err;
			}
			hc_error_destroy(err);
			continue;
		}
		if (!name_index_insert(&t->names, f.name, i, NULL)) {
			name_index_deinit(&t->names);
			return &hc_error_nomem;
		}
	}
	t->names_built = true;
	return NULL;
}

struct hc_error *hc_pclntab_find_func_by_name(struct hc_pclntab *t,
					      const char *name,
					      struct hc_func *ret)
{
	if (!t)
		return hc_error_create(HC_ERROR_NOT_FOUND, "no function %s"
				       ": the executable's pclntab is unreadable", name);
	if (!t->names_built) {
		struct hc_error *err = build_names(t);
		if (err)
			return err;
	}
	size_t *i = name_index_search(&t->names, name);
	if (!i)
		return hc_error_create(HC_ERROR_NOT_FOUND,
				       "no function named %s", name);
	return hc_pclntab_func_at(t, *i, ret);
}

/* runtime readvarint, limited to MAX_VARINT_LEN bytes and the table. */
static bool read_varint(const uint8_t *p, size_t avail, size_t *n_ret,
			uint32_t *ret)
{
	uint32_t v = 0;
	for (size_t n = 0; n < avail && n < MAX_VARINT_LEN; n++) {
		v |= (uint32_t)(p[n] & 0x7f) << (7 * n);
		if (!(p[n] & 0x80)) {
			*n_ret = n + 1;
			*ret = v;
			return true;
		}
	}
	return false;
}

struct hc_error *hc_pclntab_pcvalue(const struct hc_pclntab *t,
				    const struct hc_func *f,
				    uint32_t table_off, uint64_t pc,
				    int32_t *ret)
{
	if (table_off == 0) {
		*ret = -1;
		return NULL;
	}
	if (table_off >= t->pctab.size)
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "pclntab: pc-value table offset 0x%" PRIx32
				       " outside pctab (%zu bytes)",
				       table_off, t->pctab.size);
	if (pc < f->entry)
		return hc_error_create(HC_ERROR_NOT_FOUND,
				       "pc 0x%" PRIx64 " before %s", pc, f->name);
	struct pcv_slot *slot =
		t->cache ? &t->cache->pcv[slot_of(pc ^ f->entry, table_off, PCV_CACHE_BITS)] : NULL;
	if (slot && slot->off == table_off && slot->pc == pc && slot->entry == f->entry) {
		*ret = slot->val;
		return NULL;
	}
	const uint8_t *p = t->data + t->pctab.off + table_off;
	size_t avail = t->pctab.size - table_off;
	uint64_t cur = f->entry;
	int32_t val = -1;
	// Each step consumes at least two bytes, so this ends with the table.
	for (;;) {
		uint32_t uvdelta, pcdelta;
		size_t n;
		if (avail == 0 || !read_varint(p, avail, &n, &uvdelta))
			goto bad;
		// runtime step(): a zero value delta ends the table, except
		// in the first pair (while pc is still the entry).
		if (uvdelta == 0 && cur != f->entry)
			break;
		p += n;
		avail -= n;
		// Zig-zag; unsigned so that corrupt deltas wrap, not overflow.
		val = (int32_t)((uint32_t)val + (-(uvdelta & 1) ^ (uvdelta >> 1)));
		if (avail == 0 || !read_varint(p, avail, &n, &pcdelta))
			goto bad;
		p += n;
		avail -= n;
		cur += (uint64_t)pcdelta * t->quantum;
		if (pc < cur) {
			if (slot) {
				slot->pc = pc;
				slot->entry = f->entry;
				slot->off = table_off;
				slot->val = val;
			}
			*ret = val;
			return NULL;
		}
	}
	return hc_error_create(HC_ERROR_NOT_FOUND,
			       "pc 0x%" PRIx64 " not covered by the table of %s",
			       pc, f->name);
bad:
	return hc_error_create(HC_ERROR_BAD_DATA,
			       "pclntab: pc-value table 0x%" PRIx32
			       " of %s runs off the end or has a bad varint",
			       table_off, f->name);
}

struct hc_error *hc_pclntab_pcsp(const struct hc_pclntab *t,
				 const struct hc_func *f, uint64_t pc,
				 int32_t *ret)
{
	return hc_pclntab_pcvalue(t, f, f->pcsp, pc, ret);
}

struct hc_error *hc_pclntab_line(const struct hc_pclntab *t,
				 const struct hc_func *f, uint64_t pc,
				 const char **file_ret, int32_t *line_ret)
{
	int32_t fileno, line;
	struct hc_error *err = hc_pclntab_pcvalue(t, f, f->pcfile, pc, &fileno);
	if (err)
		return err;
	err = hc_pclntab_pcvalue(t, f, f->pcln, pc, &line);
	if (err)
		return err;
	if (fileno < 0 || line < 0)
		return hc_error_create(HC_ERROR_NOT_FOUND,
				       "no line information for %s at 0x%" PRIx64,
				       f->name, pc);
	// runtime funcfile(): cutab[cuOffset + fileno] is a filetab offset.
	uint64_t idx = (uint64_t)f->cu_offset + (uint64_t)fileno;
	if (idx >= t->cutab.size / 4)
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "pclntab: file index %" PRIu64
				       " of %s outside cutab",
				       idx, f->name);
	uint32_t fileoff = rd32(t, t->cutab.off + (size_t)idx * 4);
	if (fileoff == UINT32_MAX)
		return hc_error_create(HC_ERROR_NOT_FOUND,
				       "file %" PRId32 " of %s is missing",
				       fileno, f->name);
	const char *file = NULL;
	err = region_string(t, &t->filetab, fileoff, "file name", &file);
	if (err)
		return err;
	*file_ret = file;
	*line_ret = line;
	return NULL;
}

/* Offset (in the data) of slot @p index of the array after the _func
 * record, checked against the table. */
static struct hc_error *func_slot(const struct hc_pclntab *t,
				  const struct hc_func *f, uint64_t index,
				  size_t *ret)
{
	if (f->funcoff < t->pclntable.off ||
	    f->funcoff - t->pclntable.off > t->pclntable.size)
		goto bad;
	// No overflow: each term is below 2^35.
	uint64_t rel = f->funcoff - t->pclntable.off + t->layout.size +
		       index * 4;
	if (!in_region(&t->pclntable, rel, 4))
		goto bad;
	*ret = t->pclntable.off + (size_t)rel;
	return NULL;
bad:
	return hc_error_create(HC_ERROR_BAD_DATA,
			       "pclntab: data slot of %s outside the table",
			       f->name);
}

struct hc_error *hc_pclntab_pcdata(const struct hc_pclntab *t,
				   const struct hc_func *f, uint32_t index,
				   uint64_t pc, int32_t *ret)
{
	if (index >= f->npcdata) {
		*ret = -1;
		return NULL;
	}
	size_t off = 0;
	struct hc_error *err = func_slot(t, f, index, &off);
	if (err)
		return err;
	return hc_pclntab_pcvalue(t, f, rd32(t, off), pc, ret);
}

struct hc_error *hc_pclntab_funcdata(const struct hc_pclntab *t,
				     const struct hc_func *f, uint32_t index,
				     uint32_t *ret)
{
	if (t->magic == MAGIC_GO116)
		return hc_error_create(HC_ERROR_UNSUPPORTED,
				       "pclntab: go1.16-1.17 funcdata are pointers");
	if (index >= f->nfuncdata)
		return hc_error_create(HC_ERROR_NOT_FOUND,
				       "%s has no funcdata %" PRIu32, f->name,
				       index);
	size_t off = 0;
	struct hc_error *err =
		func_slot(t, f, (uint64_t)f->npcdata + index, &off);
	if (err)
		return err;
	uint32_t v = rd32(t, off);
	if (v == UINT32_MAX)
		return hc_error_create(HC_ERROR_NOT_FOUND,
				       "%s has no funcdata %" PRIu32, f->name,
				       index);
	*ret = v;
	return NULL;
}
