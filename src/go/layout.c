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
 * The built-in tables, one per release of the fixture matrix, in
 * HC_LAYOUT_FIELDS order ({offset, size}; {0, 0}: absent). Generated from
 * `hmapcore layout` on each release's unstripped fixtures and checked
 * against them by tests/integration/stripped.sh.
 */
struct table {
	int minor;
	uint64_t g_size, m_size, md_size, wait_reasons;
	struct hc_layout_slot f[HC_LF_NUM];
};

#include "layout_tables.h"

static const char *const table_names[] = {
#define HC_LAYOUT_NAME(minor) "built-in table for go1." #minor,
	HC_LAYOUT_TABLE_MINORS(HC_LAYOUT_NAME)
#undef HC_LAYOUT_NAME
};

struct hc_error *hc_layout_builtin(int major, int minor, struct hc_layout *ret,
				   bool *exact_ret)
{
	size_t n = sizeof(tables) / sizeof(tables[0]);
	const struct table *best = NULL;
	size_t best_i = 0;
	if (major == 1) {
		for (size_t i = 0; i < n; i++) {
			if (tables[i].minor <= minor &&
			    (!best || tables[i].minor > best->minor)) {
				best = &tables[i];
				best_i = i;
			}
		}
	}
	if (!best)
		return hc_error_create(HC_ERROR_UNSUPPORTED,
				       "no built-in runtime layout for go%d.%d (tables: %s)",
				       major, minor, hc_layout_builtin_releases());
	struct hc_layout l;
	memset(&l, 0, sizeof(l));
	l.g_size = best->g_size;
	l.m_size = best->m_size;
	l.md_size = best->md_size;
	l.wait_reasons = best->wait_reasons;
	memcpy(l.f, best->f, sizeof(l.f));
	l.source = table_names[best_i];
	*ret = l;
	*exact_ret = best->minor == minor;
	return NULL;
}

const char *hc_layout_builtin_releases(void)
{
	return HC_LAYOUT_TABLE_RELEASES;
}
