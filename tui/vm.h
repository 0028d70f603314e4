/*
 * The browser's view-models (layer L5, tui/; private to tui/).
 *
 * Plain C, no curses: what a screen shows and where the cursor is, as a
 * function of the model and the keys pressed. Every operation that depends
 * on the screen takes the viewport height as a parameter, so the unit tests
 * (tests/check_tui.c) drive them without a terminal.
 *
 * - tui_list: the one list widget every screen uses: a cursor and a scroll
 *   offset over the rows of a model, an optional filter (the visible rows
 *   are a subset of the model rows, in model order) and incremental search.
 *   Invariants after every operation: cursor < visible rows (or 0 when
 *   none), top <= cursor < top + height.
 * - tui_history: the back stack (Esc / Backspace).
 * - tui_prompt: a one-line editor for `/`, `f` and `:`.
 * - tui_group_rows(): rows with identical keys folded into groups (the
 *   Goroutines screen groups identical stacks).
 * - tui_pager: rows of a huge list (a map's entries) fetched lazily a page
 *   at a time and cached, so a map of millions of entries costs what the
 *   screen shows.
 * - tui_map_source: what the Maps and Map screens need from the map
 *   decoders, as a small interface of our own.
 */
#ifndef HMAPCORE_TUI_VM_H
#define HMAPCORE_TUI_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmapcore/completeness.h"
#include "hmapcore/error.h"
#include "hmapcore/mapview.h"
#include "hmapcore/strbuf.h"

/** "No row". */
#define TUI_NO_ROW ((size_t)-1)

/* ------------------------------------------------------------- keys */

/**
 * Keys as the view-models see them: printable ASCII as itself, the rest
 * translated by the view from curses (so nothing above the view knows
 * curses).
 */
enum tui_key {
	TUI_KEY_NONE = 0,
	TUI_KEY_ENTER = '\n',
	TUI_KEY_TAB = '\t',
	TUI_KEY_ESC = 27,
	TUI_KEY_CTRL_U = 21,
	TUI_KEY_UP = 0x100,
	TUI_KEY_DOWN,
	TUI_KEY_LEFT,
	TUI_KEY_RIGHT,
	TUI_KEY_PGUP,
	TUI_KEY_PGDN,
	TUI_KEY_HOME,
	TUI_KEY_END,
	TUI_KEY_BACKSPACE,
	TUI_KEY_BTAB,
	TUI_KEY_RESIZE,
	TUI_KEY_WHEEL_UP,
	TUI_KEY_WHEEL_DOWN,
	/** A click; the row is in tui_app.click_y (screen row). */
	TUI_KEY_CLICK,
	TUI_KEY_DOUBLE_CLICK,
};

/* ------------------------------------------------------------- list */

/** Text of model row @p row, appended to @p out; false on out of memory. */
typedef bool (*tui_text_fn)(void *ctx, size_t row, struct hc_strbuf *out);

struct tui_list {
	/** Rows of the model. */
	size_t count;
	/** Model rows shown, in order, when a filter is set (else NULL and
	 * every row is shown). */
	size_t *vis;
	size_t nvis;
	/** Index into the shown rows, and the first shown row on screen. */
	size_t cursor;
	size_t top;
	/** The filter text ("" when none); owned. */
	char *filter;
};

void tui_list_init(struct tui_list *l);
void tui_list_deinit(struct tui_list *l);
/** Set the number of model rows; drops the filter; keeps the cursor
 * where it can. */
void tui_list_set_count(struct tui_list *l, size_t count, size_t height);
/** Rows shown (after the filter). */
size_t tui_list_size(const struct tui_list *l);
/** The model row of shown row @p i (TUI_NO_ROW when out of range). */
size_t tui_list_row(const struct tui_list *l, size_t i);
/** The model row under the cursor, TUI_NO_ROW when the list is empty. */
size_t tui_list_current(const struct tui_list *l);
/** Re-establish the invariants for a viewport of @p height rows. */
void tui_list_clamp(struct tui_list *l, size_t height);
/** Move the cursor by @p delta rows (clamped at both ends). */
void tui_list_move(struct tui_list *l, long delta, size_t height);
/** Move by whole pages: the cursor moves @p pages * height rows and the
 * view scrolls with it. */
void tui_list_page(struct tui_list *l, long pages, size_t height);
void tui_list_home(struct tui_list *l, size_t height);
void tui_list_end(struct tui_list *l, size_t height);
/** Scroll the view by @p delta rows (mouse wheel), the cursor kept in it. */
void tui_list_scroll(struct tui_list *l, long delta, size_t height);
/** Put the cursor on shown row @p y of the viewport (a click); false
 * when no row is there. */
bool tui_list_click(struct tui_list *l, size_t y, size_t height);
/** Put the cursor on model row @p row; false when it is filtered out. */
bool tui_list_select_row(struct tui_list *l, size_t row, size_t height);
/**
 * Show only rows whose text contains @p needle (ASCII case-insensitive);
 * NULL or "" shows all. The cursor stays on its row when that row is
 * still shown, else goes to the first row.
 * @return false on out of memory (the list is unchanged).
 */
bool tui_list_filter(struct tui_list *l, const char *needle, tui_text_fn text,
		     void *ctx, size_t height);
/**
 * Move the cursor to the next (@p dir > 0) or previous shown row whose
 * text contains @p needle, starting after the cursor and wrapping around;
 * the cursor's own row matches last.
 * @param[out] found_ret whether a row matched (the cursor moved to it).
 * @return false on out of memory.
 */
bool tui_list_search(struct tui_list *l, const char *needle, int dir,
		     tui_text_fn text, void *ctx, size_t height,
		     bool *found_ret);

/** ASCII case-insensitive substring test ("" is in everything). */
bool tui_contains(const char *hay, const char *needle);

/* ------------------------------------------------------------- history */

/** Where the user was: a screen, its argument and its list position. */
struct tui_loc {
	int screen;
	uint64_t arg;
	size_t cursor;
	size_t top;
};

enum { TUI_HISTORY_MAX = 256 };

/** A bounded stack: pushing onto a full one forgets the oldest entry. */
struct tui_history {
	struct tui_loc items[TUI_HISTORY_MAX];
	size_t n;
};

void tui_history_init(struct tui_history *h);
void tui_history_push(struct tui_history *h, const struct tui_loc *loc);
/** Pop the newest entry; false when empty. */
bool tui_history_pop(struct tui_history *h, struct tui_loc *ret);

/* ------------------------------------------------------------- prompt */

enum tui_prompt_kind {
	TUI_PROMPT_NONE,
	/** `/`: search, then n/N. */
	TUI_PROMPT_SEARCH,
	/** `f`: filter the list as one types. */
	TUI_PROMPT_FILTER,
	/** `:`: an address. */
	TUI_PROMPT_ADDR,
};

enum { TUI_PROMPT_MAX = 200 };

struct tui_prompt {
	enum tui_prompt_kind kind;
	char buf[TUI_PROMPT_MAX + 1];
	size_t len;
};

/** What a key did to the prompt. */
enum tui_prompt_result {
	/** The key was not for the prompt (none is open). */
	TUI_PROMPT_IGNORED,
	/** The text changed (or the key was swallowed). */
	TUI_PROMPT_EDITED,
	/** Enter: the text is final; the prompt is closed. */
	TUI_PROMPT_ACCEPTED,
	/** Esc, or Backspace on an empty line: the prompt is closed. */
	TUI_PROMPT_CANCELLED,
};

void tui_prompt_open(struct tui_prompt *p, enum tui_prompt_kind kind);
enum tui_prompt_result tui_prompt_key(struct tui_prompt *p, int key);

/**
 * Parse an address typed at `:`: hexadecimal, with or without "0x"
 * ("0xc000123456", "c000123456"), spaces around it ignored.
 * @return false when it is not a number or does not fit 64 bits.
 */
bool tui_parse_addr(const char *s, uint64_t *ret);

/* ------------------------------------------------------------- grouping */

struct tui_grouping {
	/** Group of each row (in order of the group's first row). */
	size_t *group_of;
	/** Per group: its first row and how many rows it has. */
	size_t *first;
	size_t *size;
	size_t ngroups;
};

/**
 * Fold rows with equal keys into groups, numbered by their first row.
 * A NULL key is a group of its own (a row not known yet).
 * @param[out] ret caller storage, filled on success (tui_grouping_deinit()).
 * @return false on out of memory.
 */
bool tui_group_rows(const char *const *keys, size_t n, struct tui_grouping *ret);
void tui_grouping_deinit(struct tui_grouping *g);

/* ------------------------------------------------------------- pager */

/**
 * Fetch rows [first, first + n) of a lazily paged list as malloc'd strings
 * into @p rows; @p got_ret gets how many exist (fewer at the end).
 */
typedef struct hc_error *(*tui_fetch_fn)(void *ctx, uint64_t first, size_t n,
					 char **rows, size_t *got_ret);

enum { TUI_PAGER_PAGES = 8, TUI_PAGER_PAGE_ROWS = 256 };

struct tui_pager_page {
	bool used;
	uint64_t first;
	size_t n;
	char **rows;
	/** For least-recently-used replacement. */
	uint64_t stamp;
};

struct tui_pager {
	tui_fetch_fn fetch;
	void *ctx;
	struct tui_pager_page pages[TUI_PAGER_PAGES];
	uint64_t clock;
	/** How many fetches were made (for the tests and the status line). */
	uint64_t fetches;
};

void tui_pager_init(struct tui_pager *p, tui_fetch_fn fetch, void *ctx);
void tui_pager_deinit(struct tui_pager *p);
/**
 * Row @p i (borrowed until the page is evicted, i.e. until the next
 * tui_pager_get() of a row more than TUI_PAGER_PAGES pages away), NULL
 * past the end.
 * @return NULL; the fetch's error.
 */
struct hc_error *tui_pager_get(struct tui_pager *p, uint64_t i,
			       const char **ret);

/* ------------------------------------------------------------- maps */

/**
 * Slot states of the internals grid, with the glyph each is drawn as (a
 * distinct character per state, so the grid reads without colour too).
 * Classic tophash (runtime/map.go): 0 emptyRest, 1 emptyOne, 2/3
 * evacuated X/Y, 4 evacuatedEmpty, >= 5 live. Swiss control byte
 * (internal/runtime/maps/group.go): 0x80 empty, 0xfe deleted, < 0x80 full,
 * anything else invalid. BAD marks a slot a finding points at.
 */
#define TUI_SLOT_STATES(X)                        \
	X(LIVE, '#', "live")                      \
	X(EMPTY, '.', "empty")                    \
	X(EMPTY_REST, '_', "emptyRest")           \
	X(EVACUATED_X, '<', "evacuated X")        \
	X(EVACUATED_Y, '>', "evacuated Y")        \
	X(EVACUATED_EMPTY, '-', "evacuatedEmpty") \
	X(DELETED, 'x', "deleted")                \
	X(INVALID, '?', "invalid")                \
	X(BAD, '!', "a finding points here")

enum tui_slot_state {
#define TUI_SLOT_ENUM(name, glyph, text) TUI_SLOT_##name,
	TUI_SLOT_STATES(TUI_SLOT_ENUM)
#undef TUI_SLOT_ENUM
	TUI_SLOT_NUM
};

/** State of a classic slot from its tophash byte. */
enum tui_slot_state tui_slot_classic(uint8_t tophash);
/** State of a Swiss slot from its control byte. */
enum tui_slot_state tui_slot_swiss(uint8_t ctrl);
/** The glyph of @p s ('?' out of range). */
char tui_slot_glyph(enum tui_slot_state s);
/** The name of @p s ("live", "emptyRest", ...). */
const char *tui_slot_name(enum tui_slot_state s);

enum { TUI_SLOTS = 8 };

/**
 * The glyphs of one bucket or group: @p out gets TUI_SLOTS glyphs and a
 * NUL. Slot i whose control byte lives at @p ctrl_addr + i, an address in
 * @p marks (what findings point at), is drawn BAD.
 * @return how many slots were marked.
 */
unsigned tui_slot_glyphs(const uint8_t ctrl[TUI_SLOTS], bool swiss,
			 uint64_t ctrl_addr, const uint64_t *marks,
			 size_t nmarks, char out[TUI_SLOTS + 1]);

/** One map of the Maps screen. Strings borrowed from the source. */
struct tui_map_row {
	/** The facts as every output shows them (hmapcore/mapview.h); the
	 * fields below repeat the ones the screens sort and page by. NULL
	 * only for a source that has no analysis (the unit tests' fakes):
	 * then the fields below are all there is. */
	const struct hc_map_view *view;
	const char *path;
	const char *type;
	const char *flavour;
	const char *growth;
	uint64_t addr;
	uint64_t count;
	/** Bytes of table memory. */
	uint64_t size;
	unsigned findings;
};

/**
 * What the browser needs of the map decoders and discovery. A build
 * without them has no source (the screens say so).
 */
struct tui_map_source_ops {
	/** Do a slice of the discovery; @p done_ret when finished. */
	struct hc_error *(*step)(void *ctx, bool *done_ret);
	size_t (*count)(void *ctx);
	const struct tui_map_row *(*row)(void *ctx, size_t i);
	/** Entries of map @p map, "key: value" rows. */
	struct hc_error *(*entries)(void *ctx, size_t map, uint64_t first,
				    size_t n, char **rows, size_t *got_ret);
	/** The internals grid of map @p map: one row per bucket / group,
	 * "label [glyphs] notes", the glyphs from TUI_SLOT_STATES. */
	struct hc_error *(*internals)(void *ctx, size_t map, uint64_t first,
				      size_t n, char **rows, size_t *got_ret);
	/** Findings, most severe first: text (appended, escaped), the map
	 * row it concerns (or TUI_NO_ROW) and a goroutine (or 0). */
	size_t (*nfindings)(void *ctx);
	bool (*finding)(void *ctx, size_t i, struct hc_strbuf *text,
			size_t *map_ret, uint64_t *goid_ret);
	/** Map operations in flight of goroutine @p goid according to the
	 * crash analysis (NULL: none known): how many, and the text of the
	 * @p i-th (appended, escaped) with the map row it concerns (or
	 * TUI_NO_ROW). */
	size_t (*naccesses)(void *ctx, uint64_t goid);
	bool (*access)(void *ctx, uint64_t goid, size_t i, struct hc_strbuf *text,
		       size_t *map_ret);
	/** Why the analysis is incomplete (borrowed; NULL before it ran). */
	const struct hc_completeness *(*gaps)(void *ctx);
	void (*destroy)(void *ctx);
};

struct tui_map_source {
	const struct tui_map_source_ops *ops;
	void *ctx;
};

/** Orders of the Maps screen. */
enum tui_map_sort {
	TUI_SORT_PATH,
	TUI_SORT_SIZE,
	TUI_SORT_COUNT,
	TUI_SORT_FINDINGS,
	TUI_SORT_NUM,
};

const char *tui_map_sort_name(enum tui_map_sort s);

/**
 * Order @p n map rows for display: @p order gets row indices (size @p n),
 * path ascending, or size / count / findings descending (ties by path,
 * then index, so the order is stable).
 */
void tui_map_sort_rows(const struct tui_map_row *const *rows, size_t n,
		       enum tui_map_sort key, size_t *order);

#endif /* HMAPCORE_TUI_VM_H */
