/* Runtime struct layouts: see include/hmapcore/layout.h. */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include "hmapcore/layout.h"

static const struct {
	const char *type, *path, *alt;
} fields[HC_LF_NUM] = {
#define HC_LAYOUT_DESC(id, type, path, alt) [HC_LF_##id] = {type, path, alt},
	HC_LAYOUT_FIELDS(HC_LAYOUT_DESC)
#undef HC_LAYOUT_DESC
};

uint64_t hc_layout_get(const struct hc_layout *l, enum hc_layout_field id,
		       const uint8_t *buf, uint64_t buf_size)
{
	const struct hc_layout_slot *s = &l->f[id];
	if (!s->size || (uint64_t)s->off + s->size > buf_size)
		return 0;
	const uint8_t *p = buf + s->off;
	uint64_t v = 0;
	switch (s->size) {
	case 8:
		for (unsigned i = 0; i < 8; i++)
			v |= (uint64_t)p[i] << (8 * i);
		return v;
	case 4:
		return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
		       (uint64_t)p[3] << 24;
	case 1:
		return p[0];
	default:
		for (unsigned i = 0; i < s->size; i++)
			v |= (uint64_t)p[i] << (8 * i);
		return v;
	}
}

/*
 * Locate @p path ("sched.pc") in @p type. The member's byte size comes
 * from its type; a missing member leaves the slot empty (releases differ),
 * as does anything over 8 bytes or past 64 KiB.
 */
static void locate(struct hc_dwarf *d, const char *type, const char *path,
		   struct hc_layout_slot *slot)
{
	memset(slot, 0, sizeof(*slot));
	const struct hc_type *t;
	struct hc_error *err = hc_dwarf_find_type(d, type, &t);
	if (err) {
		hc_error_destroy(err);
		return;
	}
	uint64_t off = 0;
	const char *p = path;
	for (;;) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		char name[64];
		if (n >= sizeof(name))
			return;
		memcpy(name, p, n);
		name[n] = '\0';
		const struct hc_member *mem = hc_type_member(t, name);
		if (!mem || !mem->type)
			return;
		off += mem->offset;
		t = mem->type;
		if (!dot)
			break;
		p = dot + 1;
	}
	const struct hc_type *s = hc_type_strip(t);
	if (!s || !s->has_size || s->size == 0 || s->size > 8 || off > 0xffff)
		return;
	slot->off = (uint16_t)off;
	slot->size = (uint8_t)s->size;
}

struct hc_error *hc_layout_from_dwarf(struct hc_dwarf *d, struct hc_layout *ret)
{
	struct hc_layout l;
	memset(&l, 0, sizeof(l));
	struct hc_error *err = hc_dwarf_type_size(d, "runtime.g", &l.g_size);
	if (err)
		return hc_error_prefix(err, "resolving runtime.g");
	err = hc_dwarf_type_size(d, "runtime.m", &l.m_size);
	if (err)
		return hc_error_prefix(err, "resolving runtime.m");
	if (l.g_size == 0 || l.g_size > 65536 || l.m_size == 0 ||
	    l.m_size > 65536)
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "implausible runtime.g/m sizes %" PRIu64
				       "/%" PRIu64, l.g_size, l.m_size);
	err = hc_dwarf_type_size(d, "runtime.moduledata", &l.md_size);
	if (err || l.md_size > 65536)
		l.md_size = 0;
	hc_error_destroy(err);
	for (int i = 0; i < HC_LF_NUM; i++) {
		locate(d, fields[i].type, fields[i].path, &l.f[i]);
		if (!l.f[i].size && fields[i].alt)
			locate(d, fields[i].type, fields[i].alt, &l.f[i]);
	}
	uint64_t addr;
	const struct hc_type *wt;
	err = hc_dwarf_find_variable(d, "runtime.waitReasonStrings", &addr, &wt);
	if (!err) {
		wt = hc_type_strip(wt);
		if (wt && wt->kind == HC_TYPE_ARRAY && wt->count <= 256)
			l.wait_reasons = wt->count;
	}
	hc_error_destroy(err);
	if (!hc_layout_has(&l, HC_LF_G_STATUS) || !hc_layout_has(&l, HC_LF_G_GOID) ||
	    !hc_layout_has(&l, HC_LF_G_STACK_LO) ||
	    !hc_layout_has(&l, HC_LF_G_SCHED_PC))
		return hc_error_create(HC_ERROR_NOT_FOUND,
				       "runtime.g lacks atomicstatus/goid/stack/sched");
	if ((uint64_t)l.f[HC_LF_G_STATUS].off + 4 > l.g_size ||
	    (uint64_t)l.f[HC_LF_G_GOID].off + 8 > l.g_size)
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "runtime.g fields outside the struct");
	l.source = "DWARF";
	*ret = l;
	return NULL;
}

bool hc_layout_format(const struct hc_layout *l, struct hc_strbuf *sb)
{
	bool ok = hc_strbuf_appendf(sb, "runtime.g size %" PRIu64 "\n", l->g_size) &&
		  hc_strbuf_appendf(sb, "runtime.m size %" PRIu64 "\n", l->m_size) &&
		  hc_strbuf_appendf(sb, "runtime.moduledata size %" PRIu64 "\n",
				    l->md_size) &&
		  hc_strbuf_appendf(sb, "runtime.waitReasonStrings len %" PRIu64 "\n",
				    l->wait_reasons);
	for (int i = 0; ok && i < HC_LF_NUM; i++) {
		if (l->f[i].size)
			ok = hc_strbuf_appendf(sb, "%s %s %u %u\n", fields[i].type,
					       fields[i].path, l->f[i].off,
					       l->f[i].size);
		else
			ok = hc_strbuf_appendf(sb, "%s %s absent\n", fields[i].type,
					       fields[i].path);
	}
	return ok;
}

/*
 * The built-in tables (src/go/layout_tables.h, written by corefiles/mklayouts
 * from the DWARF of each release listed in corefiles/layouts.txt): the
 * distinct layouts, in HC_LAYOUT_FIELDS order ({offset, size}; {0, 0}:
 * absent), and the ranges of patch releases of one minor release, built
 * with one GOEXPERIMENT set, that share one. Every release inside a range
 * was checked.
 */
struct table_layout {
	uint64_t g_size, m_size, md_size, wait_reasons;
	struct hc_layout_slot f[HC_LF_NUM];
};

struct table_range {
	int minor, first, last;
	/** The GOEXPERIMENT set, sorted, comma-separated ("": none). */
	const char *experiments;
	unsigned layout;
	/** "built-in table for go1.23.0-go1.23.5" (static). */
	const char *name;
};

#include "layout_tables.h"

enum { NUM_RANGES = sizeof(table_ranges) / sizeof(table_ranges[0]) };

/* @p exp's experiments sorted, into @p buf ("" when none or too long). */
static void canonical_experiments(const char *exp, char *buf, size_t size)
{
	const char *names[16];
	size_t lens[16], n = 0, total = 0;
	buf[0] = '\0';
	while (exp && *exp) {
		size_t len = strcspn(exp, ",");
		if (len) {
			if (n == 16)
				return;
			names[n] = exp;
			lens[n++] = len;
			total += len + 1;
		}
		exp += len;
		if (*exp == ',')
			exp++;
	}
	if (total >= size)
		return;
	// Insertion sort: a handful of names.
	for (size_t i = 1; i < n; i++) {
		for (size_t j = i; j > 0; j--) {
			size_t m = lens[j] < lens[j - 1] ? lens[j] : lens[j - 1];
			int c = strncmp(names[j - 1], names[j], m);
			if (c < 0 || (c == 0 && lens[j - 1] <= lens[j]))
				break;
			const char *tn = names[j];
			names[j] = names[j - 1];
			names[j - 1] = tn;
			size_t tl = lens[j];
			lens[j] = lens[j - 1];
			lens[j - 1] = tl;
		}
	}
	size_t at = 0;
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf[at++] = ',';
		memcpy(buf + at, names[i], lens[i]);
		at += lens[i];
	}
	buf[at] = '\0';
}

static int iabs(int v)
{
	return v < 0 ? -v : v;
}

/*
 * How far range @p r is from go1.@p minor.@p patch with experiments
 * @p exp: 0 for the release itself; then the same minor release and
 * experiments by patch distance; the same minor with other experiments;
 * other minor releases, nearest first, older before newer.
 */
static long distance(const struct table_range *r, int minor, int patch,
		     const char *exp)
{
	bool same_exp = strcmp(r->experiments, exp) == 0;
	if (r->minor == minor) {
		int d = patch < r->first ? r->first - patch :
			patch > r->last ? patch - r->last : 0;
		return (same_exp ? 0 : 1000) + d;
	}
	long d = 2 * (long)iabs(r->minor - minor) + (r->minor > minor);
	return 100000 * d + (same_exp ? 0 : 1000) +
	       (r->minor < minor ? 1000 - r->last : r->first);
}

static void fill(const struct table_range *r, struct hc_layout *ret)
{
	const struct table_layout *t = &table_layouts[r->layout];
	struct hc_layout l;
	memset(&l, 0, sizeof(l));
	l.g_size = t->g_size;
	l.m_size = t->m_size;
	l.md_size = t->md_size;
	l.wait_reasons = t->wait_reasons;
	memcpy(l.f, t->f, sizeof(l.f));
	l.source = r->name;
	*ret = l;
}

size_t hc_layout_builtin_candidates(int major, int minor, int patch,
				    const char *experiments,
				    struct hc_layout *ret, size_t max,
				    bool *exact_ret)
{
	char exp[256];
	canonical_experiments(experiments, exp, sizeof(exp));
	*exact_ret = false;
	if (major != 1 || minor < 0 || patch < 0)
		return 0;
	bool used[NUM_RANGES];
	bool layout_used[sizeof(table_layouts) / sizeof(table_layouts[0])];
	memset(used, 0, sizeof(used));
	memset(layout_used, 0, sizeof(layout_used));
	size_t n = 0;
	while (n < max) {
		long best_d = -1;
		size_t best = 0;
		for (size_t i = 0; i < NUM_RANGES; i++) {
			if (used[i] || layout_used[table_ranges[i].layout])
				continue;
			long d = distance(&table_ranges[i], minor, patch, exp);
			if (best_d < 0 || d < best_d) {
				best_d = d;
				best = i;
			}
		}
		if (best_d < 0)
			break;
		used[best] = true;
		layout_used[table_ranges[best].layout] = true;
		if (n == 0 && best_d == 0)
			*exact_ret = true;
		fill(&table_ranges[best], &ret[n++]);
	}
	return n;
}

struct hc_error *hc_layout_builtin(int major, int minor, int patch,
				   const char *experiments,
				   struct hc_layout *ret, bool *exact_ret)
{
	struct hc_layout l;
	bool exact;
	if (!hc_layout_builtin_candidates(major, minor, patch, experiments, &l,
					  1, &exact))
		return hc_error_create(HC_ERROR_UNSUPPORTED,
				       "no built-in runtime layout for go%d.%d.%d (tables: %s)",
				       major, minor, patch,
				       hc_layout_builtin_releases());
	*ret = l;
	*exact_ret = exact;
	return NULL;
}

const char *hc_layout_builtin_releases(void)
{
	return HC_LAYOUT_TABLE_RELEASES;
}
