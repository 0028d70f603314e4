/**
 * @file mapview.h
 * One map as every output shows it (layer L5, report).
 *
 * A map row of the analysis (check.h) becomes the facts a person reads
 * about it: its path, type, implementation ("swiss", "classic",
 * "sync.Map", "nil"), count, table size, growth state and findings, each
 * formatted once here. The CLI's `maps`, `map`, the reports and the
 * browser's Maps screen all show these same strings, so they cannot
 * disagree (one fact, one model).
 *
 * Invariant: every string of a view is printable text: bytes from the core
 * that are not printable are escaped (hc_strbuf_append_escaped()); a path
 * that is printable is kept as Go source writes it (main.m["key"], quotes
 * not escaped).
 *
 * A view owns its strings (hc_map_view_deinit()).
 */
#ifndef HMAPCORE_MAPVIEW_H
#define HMAPCORE_MAPVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmapcore/check.h"
#include "hmapcore/error.h"
#include "hmapcore/strbuf.h"

struct hc_map_view {
	/** Readable path and type name. */
	char *path;
	char *type;
	uint64_t addr;
	/** "swiss", "classic", "sync.Map", "nil" or "?" (static). */
	const char *impl;
	/** A nil map: no count, no table, no entries. */
	bool nil;
	/** Header count (a sync.Map: its live entries); false when unknown
	 * (nil, unreadable). */
	bool has_count;
	uint64_t count;
	/** Bytes of table memory; false when not walked. */
	bool has_size;
	uint64_t bytes;
	/** "B=5", "B=5 growing 3/16", "small", "empty", "dir=4 depth=2",
	 * "-" when not known. */
	char *growth;
	/** Finding codes, comma-separated ("" when none). */
	char *findings;
	size_t nfindings;
	bool alias;
	/** Why the map could not be decoded, or NULL. */
	char *error;
};

/**
 * The view of row @p r of analysis @p a (both borrowed, only read).
 * @param[out] ret caller storage, filled on success.
 * @return NULL; NOMEM.
 */
struct hc_error *hc_map_view_init(struct hc_map_view *ret, const struct hc_analysis *a,
				  const struct hc_map_row *r);
void hc_map_view_deinit(struct hc_map_view *v);

/** The implementation of @p r as the views name it (static string). */
const char *hc_map_row_impl(const struct hc_map_row *r);

/** The growth state of @p r ("-" without a header); false on NOMEM. */
bool hc_map_row_growth(const struct hc_map_row *r, struct hc_strbuf *out);

/** Width of each column of a map line (hc_map_view_line()). */
struct hc_map_view_widths {
	size_t path;
	size_t type;
	size_t growth;
};

/** The CLI's widths (path 44, type 30, growth 24). */
void hc_map_view_widths_default(struct hc_map_view_widths *w);

/**
 * Append @p s fitted into exactly @p width columns: padded with spaces,
 * or, when longer, cut in the middle with "…" (U+2026) so its start and
 * its end (the map's own name) stay. Columns are counted as UTF-8
 * characters.
 * @return false on NOMEM.
 */
bool hc_text_fit(struct hc_strbuf *out, const char *s, size_t width);

/**
 * The column heads of map lines: PATH TYPE COUNT IMPL SIZE GROWTH FINDINGS.
 * @return false on NOMEM.
 */
bool hc_map_view_columns(struct hc_strbuf *out, const struct hc_map_view_widths *w);

/**
 * One map line (no newline): its path, type and growth fitted to @p w
 * (hc_text_fit()), count ("-" when unknown), implementation, size, growth,
 * findings, "(alias)" and "error: ..." when so.
 * @return false on NOMEM.
 */
bool hc_map_view_line(struct hc_strbuf *out, const struct hc_map_view *v,
		      const struct hc_map_view_widths *w);

#endif /* HMAPCORE_MAPVIEW_H */
