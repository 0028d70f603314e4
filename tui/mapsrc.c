/* The map source on hc_analyze(): see tui/mapsrc.h. No curses here. */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "hmapcore/check.h"

#include "mapsrc.h"

struct mapsrc {
	struct hc_target *t;
	struct hc_analysis *an;
	/** One per analysis row; strings owned here. */
	struct tui_map_row *rows;
	size_t nrows;
};

static const char *growth_text(const struct hc_map_row *r)
{
	if (!r->has_header)
		return "?";
	if (r->info.flavour == HC_MAPS_CLASSIC)
		return hc_map_growing(&r->header) ? "growing" : "-";
	return "-";
}

static struct hc_error *src_step(void *ctx, bool *done_ret)
{
	struct mapsrc *s = ctx;
	*done_ret = true;
	if (s->an)
		return NULL;
	struct hc_error *err = hc_analyze(s->t, &s->an);
	if (err)
		return err;
	size_t n = s->an->rows.size;
	s->rows = calloc(n ? n : 1, sizeof(*s->rows));
	if (!s->rows)
		return &hc_error_nomem;
	for (size_t i = 0; i < n; i++) {
		const struct hc_map_row *r = &s->an->rows.data[i];
		struct tui_map_row *t = &s->rows[i];
		struct hc_strbuf sb;
		hc_strbuf_init(&sb);
		const char *path = r->found && r->found->path ? r->found->path : "?";
		hc_strbuf_append_escaped(&sb, path, strlen(path));
		t->path = hc_strbuf_steal(&sb);
		const char *type = r->found && r->found->type && r->found->type->name
					   ? r->found->type->name : "?";
		hc_strbuf_append_escaped(&sb, type, strlen(type));
		t->type = hc_strbuf_steal(&sb);
		t->flavour = r->has_info ? hc_map_flavour_name(r->info.flavour) : "?";
		t->growth = growth_text(r);
		t->addr = r->found ? r->found->addr : 0;
		t->count = r->has_header ? r->header.count : 0;
		t->size = r->has_stats ? r->stats.bytes : 0;
		t->findings = (unsigned)r->nfindings;
		s->nrows++;
	}
	return NULL;
}

static size_t src_count(void *ctx)
{
	return ((struct mapsrc *)ctx)->nrows;
}

static const struct tui_map_row *src_row(void *ctx, size_t i)
{
	struct mapsrc *s = ctx;
	return i < s->nrows ? &s->rows[i] : NULL;
}

static struct hc_error *src_entries(void *ctx, size_t map, uint64_t first,
				    size_t n, char **rows, size_t *got_ret)
{
	*got_ret = 0;
	if (first == 0 && n > 0) {
		rows[0] = strdup("(entries are not wired into the browser yet: "
				 "`hmapcore map ADDR` lists them)");
		*got_ret = rows[0] ? 1 : 0;
	}
	return NULL;
}

/* The internals as lines of figures (the slot grid is not wired yet). */
static struct hc_error *src_internals(void *ctx, size_t map, uint64_t first,
				      size_t n, char **rows, size_t *got_ret)
{
	struct mapsrc *s = ctx;
	*got_ret = 0;
	if (!s->an || map >= s->an->rows.size || first > 0)
		return NULL;
	const struct hc_map_row *r = &s->an->rows.data[map];
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	if (r->error) {
		hc_strbuf_appends(&sb, "cannot decode: ");
		hc_strbuf_append_escaped(&sb, r->error, strlen(r->error));
		hc_strbuf_appendc(&sb, '\n');
	}
	if (r->has_header) {
		const struct hc_map_header *h = &r->header;
		if (r->info.flavour == HC_MAPS_CLASSIC)
			hc_strbuf_appendf(&sb, "header  count %" PRIu64 "  B %u  flags 0x%x  "
					  "noverflow %u  buckets 0x%" PRIx64 "  oldbuckets 0x%"
					  PRIx64 "  nevacuate %" PRIu64 "\n",
					  h->count, h->B, h->flags, h->noverflow, h->buckets,
					  h->oldbuckets, h->nevacuate);
		else
			hc_strbuf_appendf(&sb, "header  used %" PRIu64 "  dirPtr 0x%" PRIx64
					  "  dirLen %" PRIu64 "  globalDepth %u  writing %u\n",
					  h->count, h->dir_ptr, h->dir_len, h->global_depth,
					  h->writing);
	}
	if (r->has_stats) {
		const struct hc_map_stats *st = &r->stats;
		if (r->info.flavour == HC_MAPS_CLASSIC)
			hc_strbuf_appendf(&sb, "buckets %" PRIu64 " (old %" PRIu64 ", evacuated %"
					  PRIu64 ")  overflow %" PRIu64 "  longest chain %"
					  PRIu64 "\n", st->nbuckets, st->nold, st->evacuated,
					  st->overflow_buckets, st->longest_chain);
		else
			hc_strbuf_appendf(&sb, "tables %" PRIu64 "  groups %" PRIu64
					  "  capacity %" PRIu64 "  tombstones %" PRIu64 "\n",
					  st->tables, st->groups, st->capacity, st->tombstones);
		hc_strbuf_appendf(&sb, "entries %" PRIu64 " in %" PRIu64 " slots (load %.2f), %"
				  PRIu64 " bytes (a fresh map needs %" PRIu64 ")\n",
				  st->entries, st->slots, st->load, st->bytes, st->bytes_needed);
	}
	for (size_t i = 0; s->an && i < s->an->findings.v.size; i++) {
		const struct hc_finding *f = &s->an->findings.v.data[i];
		if (!f->path || !r->found || !r->found->path ||
		    strcmp(f->path, r->found->path) != 0)
			continue;
		hc_strbuf_appendf(&sb, "finding %s %s: ", hc_severity_name(f->severity),
				  hc_finding_code_name(f->code));
		hc_strbuf_append_escaped(&sb, f->message ? f->message : "",
					 strlen(f->message ? f->message : ""));
		hc_strbuf_appendc(&sb, '\n');
		/* One line per goroutine concerned: Enter opens its stack. */
		for (unsigned k = 0; k < f->ngoids && k < 8; k++)
			hc_strbuf_appendf(&sb, "        goroutine %" PRIu64 " (Enter: its stack)\n",
					  f->goids[k]);
	}
	const char *p = sb.str ? sb.str : "";
	size_t got = 0;
	while (*p && got < n) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		rows[got] = strndup(p, len);
		if (!rows[got])
			break;
		got++;
		p += len + (e ? 1 : 0);
	}
	hc_strbuf_deinit(&sb);
	*got_ret = got;
	return NULL;
}

static size_t src_nfindings(void *ctx)
{
	struct mapsrc *s = ctx;
	return s->an ? s->an->findings.v.size : 0;
}

static bool src_finding(void *ctx, size_t i, struct hc_strbuf *text,
			size_t *map_ret, uint64_t *goid_ret)
{
	struct mapsrc *s = ctx;
	*map_ret = TUI_NO_ROW;
	*goid_ret = 0;
	if (!s->an || i >= s->an->findings.v.size)
		return true;
	const struct hc_finding *f = &s->an->findings.v.data[i];
	bool ok = hc_strbuf_appendf(text, "%-7s %-20s ", hc_severity_name(f->severity),
				    hc_finding_code_name(f->code));
	if (ok && f->path)
		ok = hc_strbuf_append_escaped(text, f->path, strlen(f->path)) &&
		     hc_strbuf_appends(text, ": ");
	if (ok && f->message)
		ok = hc_strbuf_append_escaped(text, f->message, strlen(f->message));
	for (size_t k = 0; f->path && k < s->nrows; k++) {
		const struct hc_map_row *r = &s->an->rows.data[k];
		if (r->found && r->found->path && strcmp(r->found->path, f->path) == 0) {
			*map_ret = k;
			break;
		}
	}
	if (f->ngoids)
		*goid_ret = f->goids[0];
	return ok;
}

static void src_destroy(void *ctx)
{
	struct mapsrc *s = ctx;
	for (size_t i = 0; i < s->nrows; i++) {
		free((char *)s->rows[i].path);
		free((char *)s->rows[i].type);
	}
	free(s->rows);
	hc_analysis_destroy(s->an);
	free(s);
}

static const struct tui_map_source_ops mapsrc_ops = {
	.step = src_step,
	.count = src_count,
	.row = src_row,
	.entries = src_entries,
	.internals = src_internals,
	.nfindings = src_nfindings,
	.finding = src_finding,
	.destroy = src_destroy,
};

struct hc_error *tui_mapsrc_create(struct hc_target *t, struct tui_map_source *ret)
{
	struct mapsrc *s = calloc(1, sizeof(*s));
	if (!s)
		return &hc_error_nomem;
	s->t = t;
	ret->ops = &mapsrc_ops;
	ret->ctx = s;
	return NULL;
}
