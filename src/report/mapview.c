/* One map as every output shows it: see hmapcore/mapview.h. */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "hmapcore/findings.h"
#include "hmapcore/info.h"
#include "hmapcore/mapview.h"

const char *hc_map_row_impl(const struct hc_map_row *r)
{
	if (r->found->sync_map)
		return "sync.Map";
	if (!r->found->addr)
		return "nil";
	return r->has_info ? hc_map_flavour_name(r->info->flavour) : "?";
}

bool hc_map_row_growth(const struct hc_map_row *r, struct hc_strbuf *out)
{
	if (!r->has_header)
		return hc_strbuf_appends(out, "-");
	const struct hc_map_header *h = &r->header;
	if (r->info->flavour == HC_MAPS_CLASSIC) {
		if (h->oldbuckets)
			return hc_strbuf_appendf(out, "B=%u growing %" PRIu64 "/%" PRIu64 "%s", h->B,
						 h->nevacuate, hc_map_old_buckets(h),
						 (h->flags & HC_HMAP_SAME_SIZE_GROW) ? " same-size" : "");
		return hc_strbuf_appendf(out, "B=%u", h->B);
	}
	if (h->dir_len == 0)
		return hc_strbuf_appends(out, h->dir_ptr ? "small" : "empty");
	return hc_strbuf_appendf(out, "dir=%" PRIu64 " depth=%u", h->dir_len, h->global_depth);
}

/* @p s as printable text: as it is when printable, else escaped. */
static char *readable(const char *s)
{
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	size_t n = strlen(s);
	bool ok = hc_str_printable(s, n) ? hc_strbuf_append(&sb, s, n)
					 : hc_strbuf_append_escaped(&sb, s, n);
	if (!ok) {
		hc_strbuf_deinit(&sb);
		return NULL;
	}
	return hc_strbuf_steal(&sb);
}

void hc_map_view_deinit(struct hc_map_view *v)
{
	free(v->path);
	free(v->type);
	free(v->growth);
	free(v->findings);
	free(v->error);
	memset(v, 0, sizeof(*v));
}

struct hc_error *hc_map_view_init(struct hc_map_view *ret, const struct hc_analysis *a,
				  const struct hc_map_row *r)
{
	const struct hc_found_map *m = r->found;
	struct hc_map_view v = {
		.addr = m->addr,
		.impl = hc_map_row_impl(r),
		.nil = !m->addr && !m->sync_map,
		.alias = m->alias,
	};
	if (r->has_header) {
		v.has_count = true;
		v.count = r->header.count;
	} else if (m->sync_map) {
		v.has_count = true;
		v.count = m->entries;
	}
	if (r->has_stats) {
		v.has_size = true;
		v.bytes = r->stats.bytes;
	}
	struct hc_strbuf gr, fs;
	hc_strbuf_init(&gr);
	hc_strbuf_init(&fs);
	bool ok = hc_map_row_growth(r, &gr);
	size_t nf;
	const size_t *idx = hc_analysis_findings_of(a, m->path, &nf);
	for (size_t k = 0; ok && k < nf; k++)
		ok = hc_strbuf_appendf(&fs, "%s%s", k ? "," : "",
				       hc_finding_code_name(a->findings.v.data[idx[k]].code));
	v.nfindings = nf;
	v.path = readable(m->path ? m->path : "?");
	v.type = readable(m->type && m->type->name ? m->type->name : "?");
	v.growth = ok ? hc_strbuf_steal(&gr) : NULL;
	v.findings = ok ? hc_strbuf_steal(&fs) : NULL;
	v.error = r->error ? readable(r->error) : NULL;
	hc_strbuf_deinit(&gr);
	hc_strbuf_deinit(&fs);
	if (!v.path || !v.type || !v.growth || !v.findings || (r->error && !v.error)) {
		hc_map_view_deinit(&v);
		return &hc_error_nomem;
	}
	*ret = v;
	return NULL;
}

void hc_map_view_widths_default(struct hc_map_view_widths *w)
{
	w->path = 44;
	w->type = 30;
	w->growth = 24;
}

/* Characters (UTF-8 lead bytes) in s[0, n). */
static size_t columns(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

/* Bytes of the first @p cols characters of @p s (of @p n bytes). */
static size_t prefix_bytes(const char *s, size_t n, size_t cols)
{
	size_t i = 0, c = 0;
	while (i < n) {
		if (((unsigned char)s[i] & 0xc0) != 0x80) {
			if (c == cols)
				break;
			c++;
		}
		i++;
	}
	return i;
}

bool hc_text_fit(struct hc_strbuf *out, const char *s, size_t width)
{
	size_t n = strlen(s), cols = columns(s, n);
	if (cols <= width) {
		if (!hc_strbuf_append(out, s, n))
			return false;
		for (size_t i = cols; i < width; i++)
			if (!hc_strbuf_appendc(out, ' '))
				return false;
		return true;
	}
	if (width == 0)
		return true;
	/* Keep the end a little longer than the start: the map's own name. */
	size_t keep = width - 1, head = keep / 2, tail = keep - head;
	size_t hb = prefix_bytes(s, n, head);
	size_t tb = prefix_bytes(s, n, cols - tail);
	return hc_strbuf_append(out, s, hb) && hc_strbuf_appends(out, "\xe2\x80\xa6") &&
	       hc_strbuf_append(out, s + tb, n - tb);
}

bool hc_map_view_columns(struct hc_strbuf *out, const struct hc_map_view_widths *w)
{
	return hc_text_fit(out, "PATH", w->path) && hc_strbuf_appendc(out, ' ') &&
	       hc_text_fit(out, "TYPE", w->type) &&
	       hc_strbuf_appendf(out, " %9s %-8s %10s  ", "COUNT", "IMPL", "SIZE") &&
	       hc_text_fit(out, "GROWTH", w->growth) && hc_strbuf_appends(out, " FINDINGS");
}

bool hc_map_view_line(struct hc_strbuf *out, const struct hc_map_view *v,
		      const struct hc_map_view_widths *w)
{
	struct hc_strbuf size;
	hc_strbuf_init(&size);
	bool ok = v->has_size ? hc_format_size(&size, v->bytes) : hc_strbuf_appends(&size, "-");
	ok = ok && hc_text_fit(out, v->path, w->path) && hc_strbuf_appendc(out, ' ') &&
	     hc_text_fit(out, v->type, w->type);
	if (ok && v->has_count)
		ok = hc_strbuf_appendf(out, " %9" PRIu64, v->count);
	else if (ok)
		ok = hc_strbuf_appendf(out, " %9s", "-");
	ok = ok && hc_strbuf_appendf(out, " %-8s %10s  ", v->impl, size.str ? size.str : "-") &&
	     hc_text_fit(out, v->growth, w->growth) && hc_strbuf_appendc(out, ' ') &&
	     hc_strbuf_appends(out, v->findings);
	if (ok && v->alias)
		ok = hc_strbuf_appendf(out, "%s(alias)", v->nfindings ? " " : "");
	if (ok && v->error)
		ok = hc_strbuf_appendf(out, " error: %s", v->error);
	hc_strbuf_deinit(&size);
	return ok;
}
