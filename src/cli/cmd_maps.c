/* hmapcore maps / map / check / addr: the maps of a core and what is wrong
 * with them. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hmapcore/check.h"
#include "hmapcore/discover.h"
#include "hmapcore/info.h"
#include "hmapcore/json.h"
#include "hmapcore/mapview.h"
#include "hmapcore/strbuf.h"
#include "hmapcore/traceback.h"
#include "hmapcore/value.h"


struct hc_analysis *hc_cli_analyze(const struct hc_cli *cli, struct hc_target **t_ret)
{
	double t0 = hc_seconds_now();
	struct hc_target *t = hc_cli_open_target(cli);
	if (!t)
		return NULL;
	double t1 = hc_seconds_now();
	struct hc_analysis *a;
	struct hc_error *err = hc_analyze(t, &a);
	if (err) {
		hc_cli_error("%s", err->message);
		hc_error_destroy(err);
		hc_target_destroy(t);
		return NULL;
	}
	if (getenv("HMAPCORE_STATS"))
		fprintf(stderr, "hmapcore-time: open %.3f s, goroutines and discovery %.3f s, maps %.3f s"
			" (%zu walked during the goroutine pass, %zu of them again)\n",
			t1 - t0, a->seconds_discover, a->seconds_maps, a->maps_early,
			a->maps_early_redone);
	*t_ret = t;
	return a;
}

static void finish(struct hc_analysis *a, struct hc_target *t)
{
	hc_analysis_destroy(a);
	hc_target_destroy(t);
}

static void json_findings_of(struct hc_json *j, const struct hc_analysis *a,
			     const char *path)
{
	hc_json_array_begin(j);
	size_t n;
	const size_t *idx = hc_analysis_findings_of(a, path, &n);
	for (size_t i = 0; i < n; i++)
		hc_json_string(j, hc_finding_code_name(a->findings.v.data[idx[i]].code));
	hc_json_array_end(j);
}

/* Keys and values of a map asked for by name are shown whole; JSON
 * (@p raw) escapes the bytes itself. */
static void entry_value_options(struct hc_value_options *vo, bool raw)
{
	hc_value_options_default(vo);
	vo->max_elements = 1024;
	vo->max_string = 4096;
	vo->raw_bytes = raw;
}

/* The keys of a map, rendered, as a JSON array (maps --entries). */
static void json_keys(struct hc_json *j, struct hc_target *t,
		      const struct hc_map_row *r, uint64_t limit)
{
	struct hc_value_ctx vctx;
	hc_value_ctx_init(&vctx, t);
	struct hc_value_options vo;
	entry_value_options(&vo, true);
	hc_json_array_begin(j);
	struct hc_map_iter it;
	struct hc_error *err = hc_map_iter_init(&it, t->as, r->info, r->found->addr);
	bool done = false;
	for (uint64_t n = 0; !err && !done && n < limit; n++) {
		uint64_t k, e;
		err = hc_map_iter_next(&it, &k, &e, &done);
		if (err || done)
			break;
		struct hc_strbuf ks;
		hc_strbuf_init(&ks);
		struct hc_error *fe = hc_value_format(&vctx, r->info->key, k, &ks, &vo);
		hc_error_destroy(fe);
		hc_json_string_n(j, ks.str ? ks.str : "", ks.len);
		hc_strbuf_deinit(&ks);
	}
	hc_error_destroy(err);
	hc_map_iter_deinit(&it);
	hc_json_array_end(j);
}

/* The keys of a sync.Map, rendered, as a JSON array. */
static void json_sync_keys(struct hc_json *j, struct hc_target *t,
			   const struct hc_found_map *m, uint64_t limit)
{
	struct hc_syncmap_info si;
	const struct hc_type *eface;
	struct hc_error *err = hc_syncmap_info_from_target(t, &si);
	if (!err)
		err = hc_dwarf_find_type(t->dwarf, "interface {}", &eface);
	hc_json_array_begin(j);
	struct hc_value_ctx vctx;
	hc_value_ctx_init(&vctx, t);
	struct hc_value_options vo;
	hc_value_options_default(&vo);
	vo.raw_bytes = true;
	struct hc_syncmap_iter it;
	if (!err)
		err = hc_syncmap_iter_init(&it, t->as, &si, m->addr);
	bool done = false;
	for (uint64_t n = 0; !err && !done && n < limit; n++) {
		uint64_t k, v;
		err = hc_syncmap_iter_next(&it, &k, &v, &done);
		if (err || done)
			break;
		struct hc_strbuf ks;
		hc_strbuf_init(&ks);
		struct hc_error *fe = hc_value_format(&vctx, eface, k, &ks, &vo);
		hc_error_destroy(fe);
		hc_json_string_n(j, ks.str ? ks.str : "", ks.len);
		hc_strbuf_deinit(&ks);
	}
	hc_error_destroy(err);
	hc_json_array_end(j);
}

/*
 * Without DWARF maps cannot be found by name: say so, and list what the
 * runtime type information tells (the map types of the typelinks).
 */
static const char no_dwarf_reason[] =
	"no DWARF (stripped executable): maps are found from globals and frame "
	"variables, which need DWARF; give the debug file with --debug-file. "
	"A map named in the crash is still analysed";

static void no_dwarf_text(struct hc_strbuf *sb, const struct hc_target *t)
{
	struct hc_map_type_desc_vec v;
	struct hc_error *err = hc_map_types_list(t, 0, &v);
	hc_strbuf_appendf(sb, "\n%s.\n", no_dwarf_reason);
	if (err) {
		hc_strbuf_appendf(sb, "map types: %s\n", err->message);
		hc_error_destroy(err);
		return;
	}
	hc_strbuf_appendf(sb, "The executable's %zu map types (from its type links):\n", v.size);
	hc_strbuf_appendf(sb, "  %-40s %8s %8s %10s\n", "TYPE", "KEY", "ELEM",
			  t->maps == HC_MAPS_SWISS ? "GROUP" : "BUCKET");
	for (size_t i = 0; i < v.size; i++) {
		const struct hc_map_type_desc *d = &v.data[i];
		hc_strbuf_appendf(sb, "  %-40s %7" PRIu64 "B %7" PRIu64 "B %9" PRIu64 "B\n",
				  d->name, d->key_size, d->elem_size, d->bucket_size);
	}
	hc_map_types_deinit(&v);
}

static void no_dwarf_json(struct hc_json *j, const struct hc_target *t)
{
	hc_json_key(j, "degraded");
	hc_json_object_begin(j);
	hc_json_key(j, "reason");
	hc_json_string(j, no_dwarf_reason);
	struct hc_map_type_desc_vec v;
	struct hc_error *err = hc_map_types_list(t, 0, &v);
	if (err) {
		hc_json_key(j, "error");
		hc_json_string(j, err->message);
		hc_error_destroy(err);
		hc_json_object_end(j);
		return;
	}
	hc_json_key(j, "map_types");
	hc_json_array_begin(j);
	for (size_t i = 0; i < v.size; i++) {
		const struct hc_map_type_desc *d = &v.data[i];
		hc_json_object_begin(j);
		hc_json_key(j, "type");
		hc_json_string(j, d->name);
		hc_json_key(j, "addr");
		hc_json_hex(j, d->addr);
		hc_json_key(j, "key_size");
		hc_json_u64(j, d->key_size);
		hc_json_key(j, "key_kind");
		hc_json_u64(j, d->key_kind);
		hc_json_key(j, "elem_size");
		hc_json_u64(j, d->elem_size);
		hc_json_key(j, "elem_kind");
		hc_json_u64(j, d->elem_kind);
		hc_json_key(j, t->maps == HC_MAPS_SWISS ? "group_size" : "bucket_size");
		hc_json_u64(j, d->bucket_size);
		if (t->maps == HC_MAPS_SWISS) {
			hc_json_key(j, "slot_size");
			hc_json_u64(j, d->slot_size);
		}
		hc_json_object_end(j);
	}
	hc_json_array_end(j);
	hc_json_object_end(j);
	hc_map_types_deinit(&v);
}

/* What the discovery skipped and whether it looked everywhere. */
static void walk_text(struct hc_strbuf *sb, const struct hc_discovery *d)
{
	if (!d)
		return;
	if (d->dead_roots)
		hc_strbuf_appendf(sb, "frame roots skipped as dead at their PC (stack maps): %" PRIu64 "\n",
				  d->dead_roots);
	if (d->unfit)
		hc_strbuf_appendf(sb, "pointers not followed (target cannot hold their type): %" PRIu64 "\n",
				  d->unfit);
}

static void walk_json(struct hc_json *j, const struct hc_discovery *d)
{
	if (!d)
		return;
	hc_json_key(j, "dead_frame_roots");
	hc_json_u64(j, d->dead_roots);
	hc_json_key(j, "unfit_pointers");
	hc_json_u64(j, d->unfit);
	if (d->stop_reason) {
		hc_json_key(j, "walk_stopped");
		hc_json_string(j, d->stop_reason);
		hc_json_key(j, "unwalked");
		hc_json_u64(j, d->stopped);
	}
}

int hc_cmd_maps(const struct hc_cli *cli)
{
	struct hc_target *t;
	struct hc_analysis *a = hc_cli_analyze(cli, &t);
	if (!a)
		return HC_EXIT_ERROR;
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	if (cli->format == HC_FORMAT_JSON) {
		struct hc_json j;
		hc_json_init(&j, &sb, true);
		hc_json_object_begin(&j);
		hc_completeness_write_json(&a->gaps, &j);
		hc_json_key(&j, "maps");
		hc_json_array_begin(&j);
		for (size_t i = 0; i < a->rows.size; i++) {
			const struct hc_map_row *r = &a->rows.data[i];
			const struct hc_found_map *m = r->found;
			hc_json_object_begin(&j);
			hc_json_key(&j, "path");
			hc_json_string(&j, m->path);
			hc_json_key(&j, "type");
			hc_json_string(&j, m->type->name);
			hc_json_key(&j, "addr");
			hc_json_hex(&j, m->addr);
			hc_json_key(&j, "slot");
			hc_json_hex(&j, m->slot_addr);
			hc_json_key(&j, "impl");
			hc_json_string(&j, hc_map_row_impl(r));
			hc_json_key(&j, "alias");
			hc_json_bool(&j, m->alias);
			if (r->has_header) {
				const struct hc_map_header *h = &r->header;
				hc_json_key(&j, "count");
				hc_json_u64(&j, h->count);
				if (r->info->flavour == HC_MAPS_CLASSIC) {
					hc_json_key(&j, "B");
					hc_json_u64(&j, h->B);
					hc_json_key(&j, "flags");
					hc_json_u64(&j, h->flags);
					hc_json_key(&j, "noverflow");
					hc_json_u64(&j, h->noverflow);
					hc_json_key(&j, "buckets");
					hc_json_hex(&j, h->buckets);
					hc_json_key(&j, "oldbuckets");
					hc_json_hex(&j, h->oldbuckets);
					hc_json_key(&j, "nevacuate");
					hc_json_u64(&j, h->nevacuate);
					hc_json_key(&j, "growing");
					hc_json_bool(&j, h->oldbuckets != 0);
				} else {
					hc_json_key(&j, "dirPtr");
					hc_json_hex(&j, h->dir_ptr);
					hc_json_key(&j, "dirLen");
					hc_json_u64(&j, h->dir_len);
					hc_json_key(&j, "globalDepth");
					hc_json_u64(&j, h->global_depth);
					hc_json_key(&j, "writing");
					hc_json_u64(&j, h->writing);
				}
			}
			if (m->sync_map) {
				hc_json_key(&j, "count");
				hc_json_u64(&j, m->entries);
				hc_json_key(&j, "entries");
				hc_json_u64(&j, m->entries);
			}
			if (r->has_stats) {
				hc_json_key(&j, "entries");
				hc_json_u64(&j, r->stats.entries);
				hc_json_key(&j, "bytes");
				hc_json_u64(&j, r->stats.bytes);
			}
			if (r->error) {
				hc_json_key(&j, "error");
				hc_json_string(&j, r->error);
			}
			if (cli->entries && m->sync_map) {
				hc_json_key(&j, "keys");
				json_sync_keys(&j, t, m, cli->limit ? cli->limit : 1000000);
			}
			if (cli->entries && r->has_info && m->addr && !m->alias) {
				hc_json_key(&j, "keys");
				json_keys(&j, t, r, cli->limit ? cli->limit : 1000000);
			}
			hc_json_key(&j, "findings");
			json_findings_of(&j, a, m->path);
			hc_json_object_end(&j);
		}
		hc_json_array_end(&j);
		walk_json(&j, a->discovery);
		if (!t->dwarf)
			no_dwarf_json(&j, t);
		hc_json_object_end(&j);
	} else {
		/* The columns as wide as the longest path, type and growth, so that
		 * every line stays aligned and nothing is cut. */
		struct hc_map_view_widths w;
		hc_map_view_widths_default(&w);
		struct hc_map_view *views = calloc(a->rows.size ? a->rows.size : 1, sizeof(*views));
		bool ok = views != NULL;
		for (size_t i = 0; ok && i < a->rows.size; i++) {
			struct hc_error *err = hc_map_view_init(&views[i], a, &a->rows.data[i]);
			ok = !err;
			hc_error_destroy(err);
			if (ok && strlen(views[i].path) > w.path)
				w.path = strlen(views[i].path);
			if (ok && strlen(views[i].type) > w.type)
				w.type = strlen(views[i].type);
			if (ok && strlen(views[i].growth) > w.growth)
				w.growth = strlen(views[i].growth);
		}
		hc_completeness_write_text(&a->gaps, &sb);
		ok = ok && hc_map_view_columns(&sb, &w) && hc_strbuf_appendc(&sb, '\n');
		for (size_t i = 0; ok && i < a->rows.size; i++)
			ok = hc_map_view_line(&sb, &views[i], &w) && hc_strbuf_appendc(&sb, '\n');
		for (size_t i = 0; views && i < a->rows.size; i++)
			hc_map_view_deinit(&views[i]);
		free(views);
		if (!ok) {
			fprintf(stderr, "hmapcore: out of memory\n");
			hc_strbuf_deinit(&sb);
			finish(a, t);
			return HC_EXIT_ERROR;
		}
		if (hc_completeness_complete(&a->gaps))
			hc_strbuf_appendf(&sb, "%zu maps\n", a->rows.size);
		else
			hc_strbuf_appendf(&sb, "%zu maps found; incomplete: there may be more\n",
					  a->rows.size);
		walk_text(&sb, a->discovery);
		if (!t->dwarf)
			no_dwarf_text(&sb, t);
	}
	bool ok = hc_cli_write(sb.str, sb.len);
	hc_strbuf_deinit(&sb);
	finish(a, t);
	return ok ? HC_EXIT_OK : HC_EXIT_ERROR;
}

/* The row named by a path or an address. */
static const struct hc_map_row *find_row(const struct hc_analysis *a, const char *arg)
{
	const struct hc_map_row *r = hc_analysis_map_by_path(a, arg);
	if (r)
		return r;
	/* A sync.Map by its variable's name: its row is "NAME (sync.Map)". */
	static const char sync_suffix[] = " (sync.Map)";
	size_t n = strlen(arg);
	char *sync_path = malloc(n + sizeof(sync_suffix));
	if (sync_path) {
		memcpy(sync_path, arg, n);
		memcpy(sync_path + n, sync_suffix, sizeof(sync_suffix));
		r = hc_analysis_map_by_path(a, sync_path);
		free(sync_path);
		if (r && r->found->sync_map)
			return r;
		r = NULL;
	}
	char *end;
	uint64_t addr = strtoull(arg, &end, 0);
	if (*arg && !*end)
		return hc_analysis_map(a, addr);
	return NULL;
}

static void internals(struct hc_strbuf *sb, const struct hc_map_row *r)
{
	const struct hc_map_header *h = &r->header;
	const struct hc_map_stats *st = &r->stats;
	const struct hc_map_info *mi = r->info;
	hc_strbuf_appendf(sb, "implementation  %s\n", hc_map_flavour_name(mi->flavour));
	hc_strbuf_appendf(sb, "key / elem      %" PRIu64 " / %" PRIu64 " bytes%s%s\n",
			  mi->key_size, mi->elem_size,
			  mi->indirect_key ? ", key stored indirectly" : "",
			  mi->indirect_elem ? ", elem stored indirectly" : "");
	if (mi->flavour == HC_MAPS_CLASSIC) {
		hc_strbuf_appendf(sb, "B               %u (%" PRIu64 " buckets of %" PRIu64 " bytes)\n",
				  h->B, st->nbuckets, mi->bucket_size);
		hc_strbuf_appendf(sb, "flags           0x%x%s%s%s%s\n", h->flags,
				  h->flags & HC_HMAP_ITERATOR ? " iterator" : "",
				  h->flags & HC_HMAP_OLD_ITERATOR ? " oldIterator" : "",
				  h->flags & HC_HMAP_WRITING ? " hashWriting" : "",
				  h->flags & HC_HMAP_SAME_SIZE_GROW ? " sameSizeGrow" : "");
		hc_strbuf_appendf(sb, "buckets         0x%" PRIx64 "\n", h->buckets);
		if (h->oldbuckets)
			hc_strbuf_appendf(sb, "oldbuckets      0x%" PRIx64 " (%" PRIu64
					  " old buckets, nevacuate %" PRIu64 ", %" PRIu64 " evacuated)\n",
					  h->oldbuckets, st->nold, h->nevacuate, st->evacuated);
		hc_strbuf_appendf(sb, "overflow        %" PRIu64 " buckets (noverflow %u), longest chain %" PRIu64 "\n",
				  st->overflow_buckets, h->noverflow, st->longest_chain);
		hc_strbuf_appends(sb, "chains          ");
		for (int i = 0; i < 8; i++)
			hc_strbuf_appendf(sb, "%s%d%s:%" PRIu64, i ? " " : "", i, i == 7 ? "+" : "",
					  st->chains[i]);
		hc_strbuf_appends(sb, " (buckets by overflow chain length)\n");
	} else {
		hc_strbuf_appendf(sb, "directory       dirPtr 0x%" PRIx64 ", dirLen %" PRIu64
				  ", globalDepth %u, globalShift %u\n",
				  h->dir_ptr, h->dir_len, h->global_depth, h->global_shift);
		hc_strbuf_appendf(sb, "tables          %" PRIu64 ", %" PRIu64 " groups, capacity %" PRIu64
				  ", %" PRIu64 " tombstones\n",
				  st->tables, st->groups, st->capacity, st->tombstones);
		hc_strbuf_appendf(sb, "writing         %u\n", h->writing);
		if (h->tombstone_possible >= 0)
			hc_strbuf_appendf(sb, "tombstones      %s\n",
					  h->tombstone_possible ? "possible" : "none possible");
	}
	hc_strbuf_appendf(sb, "count           %" PRIu64 " (%" PRIu64 " entries found)\n",
			  h->count, st->entries);
	hc_strbuf_appendf(sb, "load            %.3f of %" PRIu64 " slots\n", st->load, st->slots);
	hc_strbuf_appends(sb, "memory          ");
	hc_format_size(sb, st->bytes);
	hc_strbuf_appends(sb, " (the same entries need ");
	hc_format_size(sb, st->bytes_needed);
	hc_strbuf_appends(sb, ")\n");
}

/* One entry of `map`: "  KEY: VALUE" in text, {"key","value"} in JSON;
 * takes and frees the two formatted strings. */
static void write_entry(struct hc_strbuf *sb, struct hc_json *j,
			struct hc_strbuf *ks, struct hc_strbuf *es)
{
	if (j) {
		hc_json_object_begin(j);
		hc_json_key(j, "key");
		hc_json_string_n(j, ks->str ? ks->str : "", ks->len);
		hc_json_key(j, "value");
		hc_json_string_n(j, es->str ? es->str : "", es->len);
		hc_json_object_end(j);
	} else {
		hc_strbuf_appendf(sb, "  %s: %s\n", ks->str ? ks->str : "", es->str ? es->str : "");
	}
	hc_strbuf_deinit(ks);
	hc_strbuf_deinit(es);
}

/*
 * The map's entries, typed, up to @p limit (JSON: into the open array of
 * @p j; text when @p j is NULL); *n_ret: how many it holds, @p total when
 * known (the walk of the analysis, the header's count), else counted by
 * iterating on.
 */
static void write_entries(struct hc_strbuf *sb, struct hc_json *j,
			  struct hc_target *t, const struct hc_map_info *info,
			  uint64_t addr, uint64_t limit, const uint64_t *total,
			  uint64_t *n_ret)
{
	bool json = j != NULL;
	uint64_t n = 0;
	struct hc_value_ctx vctx;
	hc_value_ctx_init(&vctx, t);
	struct hc_value_options vo;
	entry_value_options(&vo, json);
	struct hc_map_iter it;
	struct hc_error *err = hc_map_iter_init(&it, t->as, info, addr);
	bool done = false;
	while (!err && !done) {
		uint64_t k, e;
		err = hc_map_iter_next(&it, &k, &e, &done);
		if (err || done)
			break;
		if (n++ >= limit) {
			if (total) {
				n = *total > limit ? *total : limit + 1;
				break;
			}
			continue; /* keep counting */
		}
		struct hc_strbuf ks, es;
		hc_strbuf_init(&ks);
		hc_strbuf_init(&es);
		struct hc_error *e1 = hc_value_format(&vctx, info->key, k, &ks, &vo);
		struct hc_error *e2 = hc_value_format(&vctx, info->elem, e, &es, &vo);
		hc_error_destroy(e1);
		hc_error_destroy(e2);
		write_entry(sb, j, &ks, &es);
	}
	hc_map_iter_deinit(&it);
	if (err) {
		if (!json)
			hc_strbuf_appendf(sb, "  (iteration stopped: %s)\n", err->message);
		hc_error_destroy(err);
	}
	*n_ret = n;
}

/* A sync.Map's entries, as write_entries() writes a map's (keys and values
 * are interfaces). */
static void write_sync_entries(struct hc_strbuf *sb, struct hc_json *j,
			       struct hc_target *t, uint64_t addr, uint64_t limit,
			       const uint64_t *total, uint64_t *n_ret)
{
	bool json = j != NULL;
	uint64_t n = 0;
	struct hc_syncmap_info si;
	const struct hc_type *eface = NULL;
	struct hc_error *err = hc_syncmap_info_from_target(t, &si);
	if (!err)
		err = hc_dwarf_find_type(t->dwarf, "interface {}", &eface);
	struct hc_value_ctx vctx;
	hc_value_ctx_init(&vctx, t);
	struct hc_value_options vo;
	entry_value_options(&vo, json);
	struct hc_syncmap_iter it;
	if (!err)
		err = hc_syncmap_iter_init(&it, t->as, &si, addr);
	bool done = false;
	while (!err && !done) {
		uint64_t k, v;
		err = hc_syncmap_iter_next(&it, &k, &v, &done);
		if (err || done)
			break;
		if (n++ >= limit) {
			if (total) {
				n = *total > limit ? *total : limit + 1;
				break;
			}
			continue;
		}
		struct hc_strbuf ks, es;
		hc_strbuf_init(&ks);
		hc_strbuf_init(&es);
		hc_error_destroy(hc_value_format(&vctx, eface, k, &ks, &vo));
		hc_error_destroy(hc_value_format(&vctx, eface, v, &es, &vo));
		write_entry(sb, j, &ks, &es);
	}
	if (err) {
		if (!json)
			hc_strbuf_appendf(sb, "  (iteration stopped: %s)\n", err->message);
		hc_error_destroy(err);
	}
	*n_ret = n;
}

/* The start of map's output: a JSON object with path, type and address
 * (left open), or the text's first line. */
static void map_header(struct hc_strbuf *sb, struct hc_json *j, const char *path,
		       const char *type, uint64_t addr)
{
	if (j) {
		hc_json_init(j, sb, true);
		hc_json_object_begin(j);
		hc_json_key(j, "path");
		hc_json_string(j, path);
		hc_json_key(j, "type");
		hc_json_string(j, type);
		hc_json_key(j, "addr");
		hc_json_hex(j, addr);
	} else {
		/* A sync.Map's path already ends with its type. */
		size_t pl = strlen(path), tl = type ? strlen(type) : 0;
		bool named = type && pl > tl + 3 && path[pl - 1] == ')' && path[pl - tl - 2] == '(' &&
			strncmp(path + pl - tl - 1, type, tl) == 0;
		if (named)
			hc_strbuf_appendf(sb, "map             %s at 0x%" PRIx64 "\n", path, addr);
		else
			hc_strbuf_appendf(sb, "map             %s (%s) at 0x%" PRIx64 "\n", path,
					  type ? type : "?", addr);
	}
}

/*
 * map --no-check PATH: the first entries and the header's count of a map
 * that a path through a global names (main.m, main.cfg.byName,
 * main.shards[2], net.services["tcp"]), resolved from the global's DWARF
 * type, without the discovery, the walk of the whole map or any validation
 * (nor the goroutines, which only the validation and the crash need).
 */
static int map_unchecked(const struct hc_cli *cli)
{
	struct hc_target *t = hc_cli_open_target_with(cli, HC_CLI_RUNTIME_UNNEEDED);
	if (!t)
		return HC_EXIT_ERROR;
	uint64_t slot, addr = 0;
	const struct hc_type *type = NULL;
	struct hc_error *err = hc_resolve_global_path(t, cli->arg, &slot, &type);
	if (!err)
		err = hc_aspace_read_u64(t->as, slot, &addr);
	struct hc_map_info info;
	struct hc_map_header h = {0};
	if (!err)
		err = hc_map_info_from_type(t, type, &info);
	if (!err && addr)
		err = hc_map_read_header(t->as, &info, addr, &h);
	if (err) {
		hc_cli_error("map %s: %s", cli->arg, err->message);
		hc_error_destroy(err);
		hc_target_destroy(t);
		return HC_EXIT_ERROR;
	}
	bool json = cli->format == HC_FORMAT_JSON;
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	struct hc_json j;
	uint64_t limit = cli->limit ? cli->limit : 1000, n = 0;
	map_header(&sb, json ? &j : NULL, cli->arg, type->name, addr);
	if (json) {
		hc_json_key(&j, "checked");
		hc_json_bool(&j, false);
		hc_json_key(&j, "nil");
		hc_json_bool(&j, addr == 0);
		hc_json_key(&j, "count");
		if (addr)
			hc_json_u64(&j, h.count);
		else
			hc_json_null(&j);
		hc_json_key(&j, "entries");
		if (addr)
			hc_json_array_begin(&j);
		else
			hc_json_null(&j);
	} else if (!addr) {
		hc_strbuf_appends(&sb, "kind            nil map (no table, no entries; a write to it panics)\n");
	} else {
		hc_strbuf_appendf(&sb, "count           %" PRIu64 " (the header's; not walked or validated: --no-check)\n",
				  h.count);
		if (addr)
			hc_strbuf_appends(&sb, "entries:\n");
	}
	if (addr)
		write_entries(&sb, json ? &j : NULL, t, &info, addr, limit, &h.count, &n);
	if (json) {
		if (addr)
			hc_json_array_end(&j);
		hc_json_object_end(&j);
	} else if (n > limit) {
		hc_strbuf_appendf(&sb, "  ... %" PRIu64 " more (--limit; the header's count)\n",
				  n - limit);
	}
	bool ok = hc_cli_write(sb.str, sb.len);
	hc_strbuf_deinit(&sb);
	hc_target_destroy(t);
	return ok ? HC_EXIT_OK : HC_EXIT_ERROR;
}

int hc_cmd_map(const struct hc_cli *cli)
{
	if (!cli->arg) {
		fprintf(stderr, "hmapcore: map needs a path or an address: hmapcore map CORE PATH|ADDR\n");
		return HC_EXIT_USAGE;
	}
	bool global = strchr(cli->arg, '.') && !strpbrk(cli->arg, "[] (");
	if (cli->no_check) {
		/* A path from a global: not a goroutine's, not a sync.Map's. */
		bool from_global = strchr(cli->arg, '.') && strncmp(cli->arg, "goroutine ", 10) != 0 &&
				   !strstr(cli->arg, " (");
		if (!from_global || cli->internals) {
			fprintf(stderr, "hmapcore: map --no-check reads a map by a path from a global "
				"(main.m, main.cfg.m, main.ms[2], main.byName[\"k\"]), without --internals\n");
			return HC_EXIT_USAGE;
		}
		return map_unchecked(cli);
	}
	struct hc_target *t;
	struct hc_analysis *a = NULL;
	/* A global map by name: that map alone, not every map of the core. */
	if (global) {
		t = hc_cli_open_target(cli);
		if (!t)
			return HC_EXIT_ERROR;
		struct hc_error *err = hc_analyze_global_map(t, cli->arg, &a);
		if (err && err->code != HC_ERROR_NOT_FOUND) {
			hc_cli_error("%s", err->message);
			hc_error_destroy(err);
			hc_target_destroy(t);
			return HC_EXIT_ERROR;
		}
		hc_error_destroy(err);
		if (!a)
			hc_target_destroy(t);
	}
	if (!a)
		a = hc_cli_analyze(cli, &t);
	if (!a)
		return HC_EXIT_ERROR;
	const struct hc_map_row *r = find_row(a, cli->arg);
	if (!r) {
		hc_cli_error("no map %s (see hmapcore maps)", cli->arg);
		finish(a, t);
		return HC_EXIT_ERROR;
	}
	struct hc_map_view v;
	struct hc_error *verr = hc_map_view_init(&v, a, r);
	if (verr) {
		fprintf(stderr, "hmapcore: %s\n", verr->message);
		hc_error_destroy(verr);
		finish(a, t);
		return HC_EXIT_ERROR;
	}
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	const struct hc_found_map *m = r->found;
	bool json = cli->format == HC_FORMAT_JSON;
	struct hc_json j;
	/* The same facts in both formats: the view's kind, count and size,
	 * the error, every finding about the map, its entries (none for a
	 * nil map: it has no table). */
	map_header(&sb, json ? &j : NULL, v.path, v.type, m->addr);
	size_t nf;
	const size_t *fidx = hc_analysis_findings_of(a, m->path, &nf);
	if (json) {
		hc_json_key(&j, "impl");
		hc_json_string(&j, v.impl);
		hc_json_key(&j, "nil");
		hc_json_bool(&j, v.nil);
		hc_json_key(&j, "count");
		if (v.has_count)
			hc_json_u64(&j, v.count);
		else
			hc_json_null(&j);
		hc_json_key(&j, "bytes");
		if (v.has_size)
			hc_json_u64(&j, v.bytes);
		else
			hc_json_null(&j);
		hc_json_key(&j, "growth");
		hc_json_string(&j, v.growth);
		if (v.error) {
			hc_json_key(&j, "error");
			hc_json_string(&j, v.error);
		}
		hc_json_key(&j, "findings");
		hc_json_array_begin(&j);
		for (size_t k = 0; k < nf; k++) {
			const struct hc_finding *f = &a->findings.v.data[fidx[k]];
			hc_json_object_begin(&j);
			hc_json_key(&j, "code");
			hc_json_string(&j, hc_finding_code_name(f->code));
			hc_json_key(&j, "severity");
			hc_json_string(&j, hc_severity_name(f->severity));
			hc_json_key(&j, "message");
			hc_json_string(&j, f->message);
			hc_json_object_end(&j);
		}
		hc_json_array_end(&j);
	} else {
		if (v.nil)
			hc_strbuf_appends(&sb, "kind            nil map (no table, no entries; a write to it panics)\n");
		else
			hc_strbuf_appendf(&sb, "kind            %s\n", v.impl);
		if (v.has_count)
			hc_strbuf_appendf(&sb, "count           %" PRIu64 "\n", v.count);
		if (v.has_size) {
			hc_strbuf_appends(&sb, "size            ");
			hc_format_size(&sb, v.bytes);
			hc_strbuf_appends(&sb, "\n");
		}
		if (r->has_header)
			hc_strbuf_appendf(&sb, "growth          %s\n", v.growth);
		if (r->has_header && r->has_stats && cli->internals)
			internals(&sb, r);
		if (v.error)
			hc_strbuf_appendf(&sb, "error           %s\n", v.error);
		for (size_t k = 0; k < nf; k++) {
			const struct hc_finding *f = &a->findings.v.data[fidx[k]];
			hc_strbuf_appendf(&sb, "finding         %s %s: %s\n",
					  hc_severity_name(f->severity),
					  hc_finding_code_name(f->code), f->message);
		}
	}
	/* The entries, typed. */
	bool has_entries = !v.nil && (m->sync_map || r->has_info);
	if (json) {
		hc_json_key(&j, "entries");
		if (has_entries)
			hc_json_array_begin(&j);
		else
			hc_json_null(&j);
	} else if (has_entries) {
		hc_strbuf_appends(&sb, "entries:\n");
	}
	uint64_t limit = cli->limit ? cli->limit : 1000, n = 0;
	if (m->sync_map)
		write_sync_entries(&sb, json ? &j : NULL, t, m->addr, limit, &m->entries, &n);
	else if (r->has_info && m->addr)
		write_entries(&sb, json ? &j : NULL, t, r->info, m->addr, limit,
			      r->has_stats && !r->error ? &r->stats.entries : NULL, &n);
	if (json) {
		if (has_entries)
			hc_json_array_end(&j);
		hc_json_key(&j, "entries_total");
		if (has_entries)
			hc_json_u64(&j, n);
		else
			hc_json_null(&j);
		hc_json_object_end(&j);
	} else if (n > limit) {
		hc_strbuf_appendf(&sb, "  ... %" PRIu64 " more (--limit)\n", n - limit);
	}
	hc_map_view_deinit(&v);
	bool ok = hc_cli_write(sb.str, sb.len);
	hc_strbuf_deinit(&sb);
	finish(a, t);
	return ok ? HC_EXIT_OK : HC_EXIT_ERROR;
}

/* What goroutine @p goid was doing to a map, from the crash analysis. */
static const struct hc_map_access *access_of(const struct hc_analysis *a,
					     uint64_t goid)
{
	for (size_t i = 0; a->crash && i < a->crash->accesses.size; i++) {
		if (a->crash->accesses.data[i].goid == goid)
			return &a->crash->accesses.data[i];
	}
	return NULL;
}

static void text_finding(struct hc_strbuf *sb, const struct hc_analysis *a,
			 const struct hc_finding *f)
{
	const struct hc_target *t = a->target;
	hc_strbuf_appendf(sb, "%-7s %s", hc_severity_name(f->severity),
			  hc_finding_code_name(f->code));
	/* Path and message come escaped; inert again costs nothing and
	 * keeps a raw byte from ever reaching the terminal. */
	if (f->path) {
		hc_strbuf_appendc(sb, ' ');
		hc_strbuf_append_inert(sb, f->path);
	}
	hc_strbuf_appends(sb, ": ");
	hc_strbuf_append_inert(sb, f->message);
	hc_strbuf_appendc(sb, '\n');
	for (unsigned i = 0; i < f->naddrs; i++)
		hc_strbuf_appendf(sb, "%s0x%" PRIx64, i ? ", " : "        at ", f->addrs[i]);
	if (f->naddrs)
		hc_strbuf_appends(sb, "\n");
	for (unsigned i = 0; i < f->ngoids && t->runtime; i++) {
		const struct hc_goroutine *g = hc_runtime_find_goroutine(t->runtime, f->goids[i]);
		hc_strbuf_appendf(sb, "        goroutine %" PRIu64, f->goids[i]);
		const struct hc_map_access *x = access_of(a, f->goids[i]);
		if (x) {
			hc_strbuf_appendf(sb, " %s%s (%s)", x->crashed ? "died in " : "in ",
					  hc_map_op_name(x->op), x->func);
			if (x->caller_func)
				hc_strbuf_appendf(sb, " from %s %s:%d", x->caller_func,
						  x->caller_file ? x->caller_file : "?", x->caller_line);
		}
		if (g) {
			struct hc_strbuf cb;
			hc_strbuf_init(&cb);
			if (hc_traceback_created_by(t, g, &cb) && cb.len)
				hc_strbuf_appendf(sb, ", %s", cb.str);
			hc_strbuf_deinit(&cb);
		}
		hc_strbuf_appends(sb, "\n");
	}
	hc_strbuf_appendf(sb, "        remedy: %s\n", hc_finding_code_remedy(f->code));
}

int hc_cmd_check(const struct hc_cli *cli)
{
	struct hc_target *t;
	struct hc_analysis *a = hc_cli_analyze(cli, &t);
	if (!a)
		return HC_EXIT_ERROR;
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	size_t over = hc_findings_count(&a->findings, cli->fail_on);
	bool complete = hc_completeness_complete(&a->gaps);
	if (cli->format == HC_FORMAT_JSON) {
		struct hc_json j;
		hc_json_init(&j, &sb, true);
		hc_json_object_begin(&j);
		hc_completeness_write_json(&a->gaps, &j);
		hc_json_key(&j, "findings");
		hc_json_array_begin(&j);
		for (size_t i = 0; i < a->findings.v.size; i++) {
			const struct hc_finding *f = &a->findings.v.data[i];
			hc_json_object_begin(&j);
			hc_json_key(&j, "code");
			hc_json_string(&j, hc_finding_code_name(f->code));
			hc_json_key(&j, "severity");
			hc_json_string(&j, hc_severity_name(f->severity));
			hc_json_key(&j, "path");
			hc_json_string(&j, f->path);
			hc_json_key(&j, "message");
			hc_json_string(&j, f->message);
			hc_json_key(&j, "addrs");
			hc_json_array_begin(&j);
			for (unsigned k = 0; k < f->naddrs; k++)
				hc_json_hex(&j, f->addrs[k]);
			hc_json_array_end(&j);
			hc_json_key(&j, "goroutines");
			hc_json_array_begin(&j);
			for (unsigned k = 0; k < f->ngoids; k++)
				hc_json_u64(&j, f->goids[k]);
			hc_json_array_end(&j);
			hc_json_key(&j, "remedy");
			hc_json_string(&j, hc_finding_code_remedy(f->code));
			hc_json_object_end(&j);
		}
		hc_json_array_end(&j);
		hc_json_key(&j, "maps");
		hc_json_u64(&j, a->rows.size);
		hc_json_key(&j, "notes");
		hc_json_array_begin(&j);
		for (size_t i = 0; i < a->notes.size; i++)
			hc_json_string(&j, a->notes.data[i]);
		hc_json_array_end(&j);
		hc_json_key(&j, "fail_on");
		hc_json_string(&j, hc_severity_name(cli->fail_on));
		hc_json_key(&j, "verdict");
		hc_json_string(&j, over ? "findings" : !complete ? "incomplete" : "clean");
		hc_json_object_end(&j);
	} else {
		hc_completeness_write_text(&a->gaps, &sb);
		for (size_t i = 0; i < a->findings.v.size; i++)
			text_finding(&sb, a, &a->findings.v.data[i]);
		for (size_t i = 0; i < a->notes.size; i++) {
			hc_strbuf_appends(&sb, "note    ");
			hc_strbuf_append_inert(&sb, a->notes.data[i]);
			hc_strbuf_appendc(&sb, '\n');
		}
		hc_strbuf_appendf(&sb, "%zu findings (%zu at or above %s) in %zu maps%s\n",
				  a->findings.v.size, over, hc_severity_name(cli->fail_on),
				  a->rows.size, complete ? "" : "; incomplete: not everything was looked at");
	}
	bool ok = hc_cli_write(sb.str, sb.len);
	hc_strbuf_deinit(&sb);
	finish(a, t);
	if (!ok)
		return HC_EXIT_ERROR;
	return over ? HC_EXIT_FINDINGS : !complete ? HC_EXIT_INCOMPLETE : HC_EXIT_OK;
}

int hc_cmd_addr(const struct hc_cli *cli)
{
	char *end;
	uint64_t addr = cli->arg ? strtoull(cli->arg, &end, 0) : 0;
	if (!cli->arg || !*cli->arg || *end) {
		fprintf(stderr, "hmapcore: addr needs an address: hmapcore addr CORE 0xADDR\n");
		return HC_EXIT_USAGE;
	}
	struct hc_target *t;
	struct hc_analysis *a = hc_cli_analyze(cli, &t);
	if (!a)
		return HC_EXIT_ERROR;
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	hc_strbuf_appendf(&sb, "address         0x%" PRIx64 "\n", addr);
	if (a->heap) {
		struct hc_addr_info ai;
		hc_heap_classify(a->heap, t->runtime, addr, &ai);
		hc_strbuf_appendf(&sb, "kind            %s\n", hc_addr_kind_name(ai.kind));
		if (ai.has_object)
			hc_strbuf_appendf(&sb, "object          [0x%" PRIx64 ", 0x%" PRIx64 ") %" PRIu64
					  " bytes, %s, offset %" PRIu64 "\n",
					  ai.object.base, ai.object.end, ai.object.elemsize,
					  ai.object.allocated ? "allocated" : "free",
					  addr - ai.object.base);
		if (ai.goroutine)
			hc_strbuf_appendf(&sb, "stack of        goroutine %" PRIu64 "\n", ai.goroutine->goid);
		if (ai.region)
			hc_strbuf_appendf(&sb, "region          %s [0x%" PRIx64 ", 0x%" PRIx64 ")\n",
					  ai.region, ai.region_start, ai.region_end);
	} else {
		hc_strbuf_appendf(&sb, "kind            %s\n",
				  hc_aspace_readable(t->as, addr) ? "mapped" : "unmapped");
	}
	/* A file the core left out: read from disk, or not in the core. */
	const struct hc_core_mapping *fm = hc_aspace_file_at(t->as, addr);
	if (fm && !hc_core_ptr(t->core, addr, 1)) {
		struct hc_strbuf path;
		hc_strbuf_init(&path);
		hc_strbuf_append_escaped(&path, fm->path, strlen(fm->path));
		if (hc_aspace_readable(t->as, addr))
			hc_strbuf_appendf(&sb, "file            %s (not in the core: read from the file)\n",
					  path.str ? path.str : "?");
		else
			hc_strbuf_appendf(&sb, "file            not in the core (file-backed: %s)\n",
					  path.str ? path.str : "?");
		hc_strbuf_deinit(&path);
	}
	/* Map parts: a header, or inside a bucket array / directory. */
	for (size_t i = 0; i < a->rows.size; i++) {
		const struct hc_map_row *r = &a->rows.data[i];
		if (!r->has_header || r->found->alias)
			continue;
		const struct hc_map_header *h = &r->header;
		const char *part = NULL;
		uint64_t base = 0;
		if (addr >= h->addr && addr < h->addr + r->info->header_size) {
			part = "map header";
			base = h->addr;
		} else if (r->info->flavour == HC_MAPS_CLASSIC && h->buckets &&
			   addr >= h->buckets &&
			   addr < h->buckets + r->stats.nbuckets * r->info->bucket_size) {
			part = "bucket array";
			base = h->buckets;
		} else if (r->info->flavour == HC_MAPS_CLASSIC && h->oldbuckets &&
			   addr >= h->oldbuckets &&
			   addr < h->oldbuckets + r->stats.nold * r->info->bucket_size) {
			part = "old bucket array";
			base = h->oldbuckets;
		} else if (r->info->flavour == HC_MAPS_SWISS && h->dir_ptr && addr >= h->dir_ptr &&
			   addr < h->dir_ptr + (h->dir_len ? 8 * h->dir_len : r->info->group_size)) {
			part = h->dir_len ? "map directory" : "small map group";
			base = h->dir_ptr;
		}
		if (part) {
			hc_strbuf_appendf(&sb, "map part        %s of %s, offset %" PRIu64, part,
					  r->found->path, addr - base);
			if (!strcmp(part, "bucket array") || !strcmp(part, "old bucket array"))
				hc_strbuf_appendf(&sb, " (bucket %" PRIu64 ")",
						  (addr - base) / r->info->bucket_size);
			hc_strbuf_appends(&sb, "\n");
		}
	}
	bool ok = hc_cli_write(sb.str, sb.len);
	hc_strbuf_deinit(&sb);
	finish(a, t);
	return ok ? HC_EXIT_OK : HC_EXIT_ERROR;
}
