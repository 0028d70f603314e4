/* The map source on hc_analyze(): see tui/mapsrc.h. No curses here. */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "hmapcore/check.h"
#include "hmapcore/crash.h"
#include "hmapcore/maps.h"
#include "hmapcore/value.h"

#include "mapsrc.h"

/*
 * Lazy walks of one map (its entries or its units), resumable: a few
 * iterator states saved at the positions of recent fetches, so paging
 * forward costs one page and paging back starts from the nearest saved
 * state, never a copy of anything per entry. The iterators hold no memory
 * of their own (maps.h: no allocation per entry), so a state is a struct
 * copy.
 */
enum { WALK_CKPTS = 16 };

_Static_assert((int)TUI_SLOTS == (int)HC_MAP_SLOTS, "a grid row is one bucket / group");

struct walk_ckpt {
	bool used;
	/** Entries (units) returned before this state. */
	uint64_t pos;
	uint64_t stamp;
	union {
		struct hc_map_iter e;
		struct hc_map_unit_iter u;
	} it;
};

struct walk {
	/** The map row walked, TUI_NO_ROW when none yet. */
	size_t map;
	struct walk_ckpt ck[WALK_CKPTS];
	uint64_t clock;
	/** The walk broke at row stop - 1 (shown as an error row); no rows
	 * after it. UINT64_MAX when not known to break. */
	uint64_t stop;
};

struct mapsrc {
	struct hc_target *t;
	struct hc_analysis *an;
	/** One per analysis row, and the view each shows (owned). */
	struct tui_map_row *rows;
	struct hc_map_view *views;
	size_t nrows;
	struct hc_value_ctx vctx;
	struct walk entries, units;
	/** Internals: the figure lines above the grid (owned), for map
	 * units.map. */
	char **fig;
	size_t nfig;
	/** Addresses the findings of units.map point at (owned). */
	uint64_t *faddrs;
	size_t nfaddrs;
};

static void walk_reset(struct walk *w, size_t map)
{
	memset(w, 0, sizeof(*w));
	w->map = map;
	w->stop = UINT64_MAX;
}

/* The saved state nearest before @p first, or NULL. */
static struct walk_ckpt *walk_find(struct walk *w, uint64_t first)
{
	struct walk_ckpt *best = NULL;
	for (size_t i = 0; i < WALK_CKPTS; i++) {
		struct walk_ckpt *c = &w->ck[i];
		if (c->used && c->pos <= first && (!best || c->pos > best->pos))
			best = c;
	}
	if (best)
		best->stamp = ++w->clock;
	return best;
}

/* Where to save a state at @p pos: the slot already at pos, a free one,
 * or the least recently used. */
static struct walk_ckpt *walk_slot(struct walk *w, uint64_t pos)
{
	struct walk_ckpt *lru = &w->ck[0];
	for (size_t i = 0; i < WALK_CKPTS; i++) {
		struct walk_ckpt *c = &w->ck[i];
		if (!c->used || c->pos == pos)
			return c;
		if (c->stamp < lru->stamp)
			lru = c;
	}
	return lru;
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
	s->views = calloc(n ? n : 1, sizeof(*s->views));
	if (!s->views)
		return &hc_error_nomem;
	for (size_t i = 0; i < n; i++) {
		const struct hc_map_row *r = &s->an->rows.data[i];
		struct hc_map_view *v = &s->views[i];
		err = hc_map_view_init(v, s->an, r);
		if (err)
			return err;
		s->nrows++;
		struct tui_map_row *t = &s->rows[i];
		t->view = v;
		t->path = v->path;
		t->type = v->type;
		t->flavour = v->impl;
		t->growth = v->growth;
		t->addr = v->addr;
		t->count = v->has_count ? v->count : 0;
		t->size = v->has_size ? v->bytes : 0;
		t->findings = (unsigned)v->nfindings;
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

static const struct hc_map_row *src_map(struct mapsrc *s, size_t map)
{
	if (!s->an || map >= s->nrows)
		return NULL;
	const struct hc_map_row *r = &s->an->rows.data[map];
	return r->has_info && r->found && r->found->addr ? r : NULL;
}

static char *error_row(const char *what, struct hc_error *err)
{
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	hc_strbuf_appendf(&sb, "(%s: ", what);
	hc_strbuf_append_escaped(&sb, err->message, strlen(err->message));
	hc_strbuf_appendc(&sb, ')');
	hc_error_destroy(err);
	return hc_strbuf_steal(&sb);
}

/* "key: value" of the entry whose key and element are at @p k, @p e. */
static char *entry_row(struct mapsrc *s, const struct hc_map_info *info,
		       uint64_t k, uint64_t e)
{
	struct hc_value_options o;
	hc_value_options_default(&o);
	/* One screen row: keep each side short. */
	o.max_string = 120;
	o.max_elements = 16;
	o.max_output = 512;
	o.quote_strings = true;
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	struct hc_error *err = hc_value_format(&s->vctx, info->key, k, &sb, &o);
	if (err) {
		hc_error_destroy(err);
		hc_strbuf_appendf(&sb, "<unreadable 0x%" PRIx64 ">", k);
	}
	hc_strbuf_appends(&sb, ": ");
	err = hc_value_format(&s->vctx, info->elem, e, &sb, &o);
	if (err) {
		hc_error_destroy(err);
		hc_strbuf_appendf(&sb, "<unreadable 0x%" PRIx64 ">", e);
	}
	return hc_strbuf_steal(&sb);
}

/*
 * Entries [first, first + n) of a sync.Map, "key: value" each (keys and
 * values are interfaces): walked from its start for each page, as
 * sync.Maps are small and their iterator holds the trie's path.
 */
static struct hc_error *sync_entries(struct mapsrc *s, const struct hc_map_row *r,
				     uint64_t first, size_t n, char **rows, size_t *got_ret)
{
	struct hc_syncmap_info si;
	const struct hc_type *eface = NULL;
	struct hc_error *err = hc_syncmap_info_from_target(s->t, &si);
	if (!err)
		err = hc_dwarf_find_type(s->t->dwarf, "interface {}", &eface);
	struct hc_syncmap_iter it;
	if (!err)
		err = hc_syncmap_iter_init(&it, s->t->as, &si, r->found->addr);
	struct hc_map_info info = {.key = eface, .elem = eface};
	size_t got = 0;
	bool done = false;
	for (uint64_t pos = 0; !err && !done && got < n; pos++) {
		uint64_t k, v;
		err = hc_syncmap_iter_next(&it, &k, &v, &done);
		if (err || done || pos < first)
			continue;
		if (!(rows[got] = entry_row(s, &info, k, v)))
			break;
		got++;
	}
	if (err && got < n) {
		rows[got] = error_row("cannot decode further", err);
		if (rows[got])
			got++;
	} else {
		hc_error_destroy(err);
	}
	*got_ret = got;
	return NULL;
}

/*
 * Entries [first, first + n) of map @p map, "key: value" each, decoded
 * from the nearest saved iterator state: only the rows asked for are
 * formatted and held, whatever the size of the map.
 */
static struct hc_error *src_entries(void *ctx, size_t map, uint64_t first,
				    size_t n, char **rows, size_t *got_ret)
{
	struct mapsrc *s = ctx;
	*got_ret = 0;
	const struct hc_map_row *r = src_map(s, map);
	if (!r && s->an && map < s->nrows && s->an->rows.data[map].found->sync_map)
		return sync_entries(s, &s->an->rows.data[map], first, n, rows, got_ret);
	if (!r) {
		if (first == 0 && n > 0) {
			rows[0] = strdup(s->an && map < s->nrows && s->an->rows.data[map].error
					 ? "(this map could not be decoded: see its internals)"
					 : "(no entries: the map's layout is unknown)");
			*got_ret = rows[0] ? 1 : 0;
		}
		return NULL;
	}
	struct walk *w = &s->entries;
	if (w->map != map)
		walk_reset(w, map);
	if (first >= w->stop)
		return NULL;
	struct hc_map_iter it;
	uint64_t pos;
	struct walk_ckpt *c = walk_find(w, first);
	if (c) {
		it = c->it.e;
		pos = c->pos;
	} else {
		struct hc_error *err = hc_map_iter_init(&it, s->t->as, r->info,
							r->found->addr);
		if (err) {
			w->stop = 1;
			if (first == 0 && n > 0) {
				rows[0] = error_row("cannot iterate", err);
				*got_ret = rows[0] ? 1 : 0;
			} else {
				hc_error_destroy(err);
			}
			return NULL;
		}
		pos = 0;
	}
	size_t got = 0;
	bool done = false, oom = false;
	while (!done && got < n) {
		if (pos == first) {
			struct walk_ckpt *sv = walk_slot(w, pos);
			sv->used = true;
			sv->pos = pos;
			sv->stamp = ++w->clock;
			sv->it.e = it;
		}
		uint64_t k, e;
		struct hc_error *err = hc_map_iter_next(&it, &k, &e, &done);
		if (err) {
			w->stop = pos + 1;
			if (pos >= first)
				rows[got] = error_row("cannot decode further", err);
			else
				hc_error_destroy(err);
			if (pos >= first && rows[got])
				got++;
			break;
		}
		if (done)
			break;
		if (pos >= first) {
			rows[got] = entry_row(s, r->info, k, e);
			if (!rows[got]) {
				oom = true;
				break;
			}
			got++;
		}
		pos++;
	}
	if (!done && !oom && w->stop == UINT64_MAX) {
		struct walk_ckpt *sv = walk_slot(w, pos);
		sv->used = true;
		sv->pos = pos;
		sv->stamp = ++w->clock;
		sv->it.e = it;
	}
	hc_map_iter_deinit(&it);
	*got_ret = got;
	return NULL;
}

static bool finding_of(const struct hc_finding *f, const struct hc_map_row *r)
{
	return f->path && r->found && r->found->path && strcmp(f->path, r->found->path) == 0;
}

static void free_fig(struct mapsrc *s)
{
	for (size_t i = 0; i < s->nfig; i++)
		free(s->fig[i]);
	free(s->fig);
	s->fig = NULL;
	s->nfig = 0;
	free(s->faddrs);
	s->faddrs = NULL;
	s->nfaddrs = 0;
}

/* The figure lines above the grid, the legend, and the addresses the
 * findings of this map point at. */
static bool build_fig(struct mapsrc *s, const struct hc_map_row *r)
{
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	if (r->error) {
		hc_strbuf_appends(&sb, "cannot decode: ");
		hc_strbuf_append_escaped(&sb, r->error, strlen(r->error));
		hc_strbuf_appendc(&sb, '\n');
	}
	if (r->found->sync_map)
		hc_strbuf_appendf(&sb, "sync.Map  %" PRIu64 " live entries; no buckets or groups of "
				  "its own to draw (i: its entries)\n", r->found->entries);
	if (r->has_header) {
		const struct hc_map_header *h = &r->header;
		if (r->info->flavour == HC_MAPS_CLASSIC)
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
		if (r->info->flavour == HC_MAPS_CLASSIC && hc_map_growing(h)) {
			uint64_t nold = hc_map_old_buckets(h);
			hc_strbuf_appendf(&sb, "growing  evacuated %" PRIu64 " of %" PRIu64
					  " old buckets (%.0f%%)\n", h->nevacuate, nold,
					  nold ? 100.0 * (double)h->nevacuate / (double)nold : 0.0);
		}
	}
	if (r->has_stats) {
		const struct hc_map_stats *st = &r->stats;
		if (r->info->flavour == HC_MAPS_CLASSIC)
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
	size_t naddrs = 0;
	for (size_t i = 0; i < s->an->findings.v.size; i++) {
		const struct hc_finding *f = &s->an->findings.v.data[i];
		if (!finding_of(f, r))
			continue;
		naddrs += f->naddrs;
		hc_strbuf_appendf(&sb, "finding %s %s: ", hc_severity_name(f->severity),
				  hc_finding_code_name(f->code));
		hc_strbuf_append_inert(&sb, f->message ? f->message : "");
		hc_strbuf_appendc(&sb, '\n');
		/* One line per goroutine concerned: Enter opens its stack. */
		for (unsigned k = 0; k < f->ngoids && k < 8; k++)
			hc_strbuf_appendf(&sb, "        goroutine %" PRIu64 " (Enter: its stack)\n",
					  f->goids[k]);
	}
	/* The legend of the grid below, in the grid's own glyphs. */
	static const enum tui_slot_state classic[] = {
		TUI_SLOT_LIVE, TUI_SLOT_EMPTY, TUI_SLOT_EMPTY_REST, TUI_SLOT_BAD,
		TUI_SLOT_EVACUATED_X, TUI_SLOT_EVACUATED_Y, TUI_SLOT_EVACUATED_EMPTY,
	};
	static const enum tui_slot_state swiss[] = {
		TUI_SLOT_LIVE, TUI_SLOT_EMPTY, TUI_SLOT_DELETED, TUI_SLOT_INVALID, TUI_SLOT_BAD,
	};
	/* No layout (a sync.Map, an unknown type): no legend either. */
	bool cl = r->has_info && r->info->flavour == HC_MAPS_CLASSIC;
	const enum tui_slot_state *leg = cl ? classic : swiss;
	size_t nleg = cl ? sizeof(classic) / sizeof(classic[0])
			 : sizeof(swiss) / sizeof(swiss[0]);
	if (r->has_info) {
		/* Two lines for classic maps, so that it fits 80 columns. */
		hc_strbuf_appends(&sb, "legend:");
		for (size_t i = 0; i < nleg; i++) {
			if (cl && i == 4)
				hc_strbuf_appends(&sb, "\n       ");
			const char *name = cl && leg[i] == TUI_SLOT_EMPTY ? "emptyOne"
									  : tui_slot_name(leg[i]);
			hc_strbuf_appendf(&sb, " [%c] %s", tui_slot_glyph(leg[i]), name);
		}
		hc_strbuf_appends(&sb, cl ? " (old buckets)\n" : "\n");
	}
	/* A failed append leaves the text short; the lines below are whole. */
	size_t nl = 0;
	for (size_t i = 0; i < sb.len; i++)
		nl += sb.str[i] == '\n';
	s->fig = calloc(nl ? nl : 1, sizeof(*s->fig));
	s->faddrs = calloc(naddrs ? naddrs : 1, sizeof(*s->faddrs));
	bool ok = s->fig && s->faddrs;
	const char *p = sb.str ? sb.str : "";
	for (size_t i = 0; ok && i < nl; i++) {
		const char *e = strchr(p, '\n');
		s->fig[i] = strndup(p, (size_t)(e - p));
		if (!s->fig[i])
			ok = false;
		else
			s->nfig++;
		p = e + 1;
	}
	for (size_t i = 0; ok && i < s->an->findings.v.size; i++) {
		const struct hc_finding *f = &s->an->findings.v.data[i];
		for (unsigned k = 0; finding_of(f, r) && k < f->naddrs &&
				     k < HC_FINDING_MAX_ADDRS; k++)
			s->faddrs[s->nfaddrs++] = f->addrs[k];
	}
	hc_strbuf_deinit(&sb);
	return ok;
}

static bool is_faddr(const struct mapsrc *s, uint64_t a)
{
	for (size_t i = 0; i < s->nfaddrs; i++)
		if (s->faddrs[i] == a)
			return true;
	return false;
}

/* "label [8 glyphs] notes" of one bucket or group. */
static char *unit_row(struct mapsrc *s, const struct hc_map_info *info,
		      const struct hc_map_unit *u)
{
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	switch (u->kind) {
	case HC_MAP_UNIT_BUCKET:
	case HC_MAP_UNIT_OLD_BUCKET:
		hc_strbuf_appendf(&sb, "%s %" PRIu64, hc_map_unit_kind_name(u->kind), u->index);
		break;
	case HC_MAP_UNIT_OVERFLOW:
	case HC_MAP_UNIT_OLD_OVERFLOW:
		hc_strbuf_appendf(&sb, "  %s %" PRIu64 ".%" PRIu64,
				  hc_map_unit_kind_name(u->kind), u->index, u->chain_pos);
		break;
	case HC_MAP_UNIT_SMALL_GROUP:
		hc_strbuf_appends(&sb, "small group");
		break;
	case HC_MAP_UNIT_GROUP:
		hc_strbuf_appendf(&sb, "table %" PRIu64 " group %" PRIu64, u->table_index,
				  u->index);
		break;
	}
	while (sb.len < 22 && hc_strbuf_appendc(&sb, ' '))
		;
	bool classic = info->flavour == HC_MAPS_CLASSIC;
	char glyphs[TUI_SLOTS + 1];
	unsigned flagged = tui_slot_glyphs(u->ctrl, !classic, u->ctrl_addr, s->faddrs,
					   s->nfaddrs, glyphs);
	hc_strbuf_appendc(&sb, '[');
	hc_strbuf_appends(&sb, glyphs);
	hc_strbuf_appendf(&sb, "] %u live  0x%" PRIx64, u->occupied, u->addr);
	if (classic && u->overflow)
		hc_strbuf_appendf(&sb, "  overflow 0x%" PRIx64, u->overflow);
	if (flagged) {
		hc_strbuf_appends(&sb, "  ! slot");
		for (unsigned i = 0; i < HC_MAP_SLOTS; i++)
			if (is_faddr(s, u->ctrl_addr + i))
				hc_strbuf_appendf(&sb, " %u (0x%02x)", i, u->ctrl[i]);
		hc_strbuf_appends(&sb, ": a finding");
	}
	if (is_faddr(s, u->addr))
		hc_strbuf_appends(&sb, "  ! a finding points at this unit");
	return hc_strbuf_steal(&sb);
}

/*
 * The internals of map @p map: the figures, the legend, then one row per
 * bucket or group (hc_map_units), paged like the entries.
 */
static struct hc_error *src_internals(void *ctx, size_t map, uint64_t first,
				      size_t n, char **rows, size_t *got_ret)
{
	struct mapsrc *s = ctx;
	*got_ret = 0;
	if (!s->an || map >= s->nrows)
		return NULL;
	const struct hc_map_row *r = &s->an->rows.data[map];
	struct walk *w = &s->units;
	if (w->map != map || (!s->fig && !s->nfig)) {
		walk_reset(w, map);
		free_fig(s);
		if (!build_fig(s, r)) {
			free_fig(s);
			w->map = TUI_NO_ROW;
			return &hc_error_nomem;
		}
	}
	size_t got = 0;
	for (; got < n && first + got < s->nfig; got++) {
		rows[got] = strdup(s->fig[first + got]);
		if (!rows[got])
			break;
	}
	if (got < n && first + got < s->nfig) {
		*got_ret = got;
		return NULL;
	}
	if (!src_map(s, map) || got == n) {
		*got_ret = got;
		return NULL;
	}
	/* Units from index ufirst on. */
	uint64_t ufirst = first + got - s->nfig;
	size_t un = n - got;
	if (ufirst >= w->stop) {
		*got_ret = got;
		return NULL;
	}
	struct hc_map_unit_iter it;
	uint64_t pos;
	struct walk_ckpt *c = walk_find(w, ufirst);
	if (c) {
		it = c->it.u;
		pos = c->pos;
	} else {
		struct hc_error *err = hc_map_units_init(&it, s->t->as, r->info,
							 r->found->addr);
		if (err) {
			w->stop = 1;
			if (ufirst == 0) {
				rows[got] = error_row("cannot walk the buckets", err);
				if (rows[got])
					got++;
			} else {
				hc_error_destroy(err);
			}
			*got_ret = got;
			return NULL;
		}
		pos = 0;
	}
	bool done = false, oom = false;
	size_t ugot = 0;
	while (!done && ugot < un) {
		if (pos == ufirst) {
			struct walk_ckpt *sv = walk_slot(w, pos);
			sv->used = true;
			sv->pos = pos;
			sv->stamp = ++w->clock;
			sv->it.u = it;
		}
		struct hc_map_unit u;
		struct hc_error *err = hc_map_units_next(&it, &u, &done);
		if (err) {
			w->stop = pos + 1;
			if (pos >= ufirst) {
				rows[got + ugot] = error_row("cannot walk further", err);
				if (rows[got + ugot])
					ugot++;
			} else {
				hc_error_destroy(err);
			}
			break;
		}
		if (done)
			break;
		if (pos >= ufirst) {
			rows[got + ugot] = unit_row(s, r->info, &u);
			if (!rows[got + ugot]) {
				oom = true;
				break;
			}
			ugot++;
		}
		pos++;
	}
	if (!done && !oom && w->stop == UINT64_MAX) {
		struct walk_ckpt *sv = walk_slot(w, pos);
		sv->used = true;
		sv->pos = pos;
		sv->stamp = ++w->clock;
		sv->it.u = it;
	}
	*got_ret = got + ugot;
	return NULL;
}

static const struct hc_completeness *src_gaps(void *ctx)
{
	struct mapsrc *s = ctx;
	return s->an ? &s->an->gaps : NULL;
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
		ok = hc_strbuf_append_inert(text, f->path) &&
		     hc_strbuf_appends(text, ": ");
	if (ok && f->message)
		ok = hc_strbuf_append_inert(text, f->message);
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

static size_t src_naccesses(void *ctx, uint64_t goid)
{
	struct mapsrc *s = ctx;
	if (!s->an || !s->an->crash)
		return 0;
	size_t n = 0;
	const struct hc_map_access_vec *v = &s->an->crash->accesses;
	for (size_t i = 0; i < v->size; i++)
		n += v->data[i].goid == goid;
	return n;
}

static bool src_access(void *ctx, uint64_t goid, size_t i, struct hc_strbuf *text,
		       size_t *map_ret)
{
	struct mapsrc *s = ctx;
	*map_ret = TUI_NO_ROW;
	if (!s->an || !s->an->crash)
		return true;
	const struct hc_map_access_vec *v = &s->an->crash->accesses;
	const struct hc_map_access *ac = NULL;
	for (size_t k = 0; k < v->size; k++)
		if (v->data[k].goid == goid && i-- == 0) {
			ac = &v->data[k];
			break;
		}
	if (!ac)
		return true;
	for (size_t k = 0; ac->map_addr && k < s->nrows; k++)
		if (s->rows[k].addr == ac->map_addr) {
			*map_ret = k;
			break;
		}
	bool ok = hc_strbuf_appendf(text, "%-7s ", hc_map_op_name(ac->op));
	if (ok && *map_ret != TUI_NO_ROW)
		ok = hc_strbuf_appends(text, s->rows[*map_ret].path) &&
		     hc_strbuf_appendc(text, ' ') &&
		     hc_strbuf_appends(text, s->rows[*map_ret].type);
	else if (ok)
		ok = hc_strbuf_appends(text, ac->map_addr ? "(a map not found by discovery)"
							  : "(map pointer unknown)");
	ok = ok && hc_strbuf_appendf(text, " at 0x%" PRIx64 "%s  in ", ac->map_addr,
				     ac->map_addr && !ac->map_addr_live ? " (stale?)" : "");
	if (ok && ac->func)
		ok = hc_strbuf_append_escaped(text, ac->func, strlen(ac->func));
	if (ok && ac->caller_func) {
		ok = hc_strbuf_appends(text, " from ") &&
		     hc_strbuf_append_escaped(text, ac->caller_func, strlen(ac->caller_func));
		if (ok && ac->caller_file) {
			const char *base = strrchr(ac->caller_file, '/');
			base = base ? base + 1 : ac->caller_file;
			ok = hc_strbuf_appendc(text, ' ') &&
			     hc_strbuf_append_escaped(text, base, strlen(base)) &&
			     hc_strbuf_appendf(text, ":%d", (int)ac->caller_line);
		}
	}
	return ok;
}

static void src_destroy(void *ctx)
{
	struct mapsrc *s = ctx;
	for (size_t i = 0; i < s->nrows; i++)
		hc_map_view_deinit(&s->views[i]);
	free(s->views);
	free(s->rows);
	free_fig(s);
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
	.gaps = src_gaps,
	.finding = src_finding,
	.naccesses = src_naccesses,
	.access = src_access,
	.destroy = src_destroy,
};

struct hc_error *tui_mapsrc_create(struct hc_target *t, struct tui_map_source *ret)
{
	struct mapsrc *s = calloc(1, sizeof(*s));
	if (!s)
		return &hc_error_nomem;
	s->t = t;
	hc_value_ctx_init(&s->vctx, t);
	walk_reset(&s->entries, TUI_NO_ROW);
	walk_reset(&s->units, TUI_NO_ROW);
	ret->ops = &mapsrc_ops;
	ret->ctx = s;
	return NULL;
}
