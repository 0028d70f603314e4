/*
 * The browser's screens and their key handling (layer L5, tui/; private).
 *
 * Plain C, no curses: the view (tui/view.c) translates keys into enum
 * tui_key, hands them to tui_app_key() and paints what the screens
 * describe (tab bar, header lines, column heads, list rows with a colour
 * role each, detail lines, status line). Key handlers return intent flags;
 * only the event loop redraws.
 *
 * Screens are ops structs sharing the one list widget of tui/vm.h; each
 * screen keeps its own list (cursor, scroll, filter) while the browser
 * runs, and the history stack remembers where the user came from.
 */
#ifndef HMAPCORE_TUI_APP_H
#define HMAPCORE_TUI_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmapcore/native.h"
#include "hmapcore/strbuf.h"

#include "model.h"
#include "vm.h"

enum tui_screen_id {
	TUI_SCR_SUMMARY,
	TUI_SCR_GOROUTINES,
	TUI_SCR_THREADS,
	TUI_SCR_MAPS,
	TUI_SCR_STACK,
	TUI_SCR_MAP,
	TUI_SCR_ADDR,
	TUI_SCR_HELP,
	/** The maps a goroutine operates on (from a Stack frame). */
	TUI_SCR_GMAPS,
	TUI_SCR_NUM,
};

/** The screens on the tab bar (Tab, Shift-Tab, 1-4). */
enum { TUI_NUM_TABS = 4 };

/** Intent flags returned by key handlers. */
enum {
	TUI_INTENT_NONE = 0,
	TUI_INTENT_REDRAW = 1,
	TUI_INTENT_QUIT = 2,
};

/**
 * Colour roles: name, foreground, background, monochrome attribute. The
 * view expands the colours as COLOR_x (DEFAULT = the terminal's own) and
 * the attributes as A_x.
 */
#define TUI_ROLES(X)                                 \
	X(NORMAL, DEFAULT, DEFAULT, NORMAL)          \
	X(BAR, BLACK, CYAN, REVERSE)                 \
	X(TAB_ACTIVE, WHITE, BLUE, BOLD)             \
	X(HEADER, DEFAULT, DEFAULT, UNDERLINE)       \
	X(TITLE, DEFAULT, DEFAULT, BOLD)             \
	X(CURSOR, BLACK, YELLOW, REVERSE)            \
	X(ERROR, RED, DEFAULT, BOLD)                 \
	X(WARN, YELLOW, DEFAULT, BOLD)               \
	X(DIM, BLUE, DEFAULT, DIM)                   \
	X(ACCENT, GREEN, DEFAULT, BOLD)              \
	X(SLOT_LIVE, GREEN, DEFAULT, BOLD)           \
	X(SLOT_EMPTY, DEFAULT, DEFAULT, DIM)         \
	X(SLOT_OLD, MAGENTA, DEFAULT, NORMAL)        \
	X(SLOT_DELETED, YELLOW, DEFAULT, NORMAL)     \
	X(SLOT_BAD, WHITE, RED, REVERSE)

enum tui_role {
#define TUI_ROLE_ENUM(name, fg, bg, mono) TUI_ROLE_##name,
	TUI_ROLES(TUI_ROLE_ENUM)
#undef TUI_ROLE_ENUM
	TUI_ROLE_NUM
};

struct tui_app;

struct tui_screen_ops {
	const char *name;
	/** Keys worth showing in the status line. */
	const char *hint;
	/** Show the screen for @p arg (a goroutine id, a thread, an address);
	 * @p fresh when arriving anew (not by Back). */
	void (*enter)(struct tui_app *a, uint64_t arg, bool fresh);
	/** Screen-specific keys: intents, or -1 when not handled. */
	int (*key)(struct tui_app *a, int key);
	/** Enter on the current row. */
	int (*activate)(struct tui_app *a, size_t row);
	/** Text of a row (escaped), for painting, search and filter. */
	tui_text_fn row_text;
	/** Text the filter matches (defaults to row_text). */
	tui_text_fn filter_text;
	/** Colour role of a row (NULL: normal). */
	enum tui_role (*row_role)(struct tui_app *a, size_t row);
	/** Lines above the list (NULL: none). */
	bool (*header)(struct tui_app *a, struct hc_strbuf *out);
	/** Column heads (NULL: none). */
	bool (*columns)(struct tui_app *a, struct hc_strbuf *out);
	/** Lines below the list, about the current row (NULL: none). */
	bool (*detail)(struct tui_app *a, struct hc_strbuf *out);
	/** Called by tui_app_tick() after background work (NULL: nothing). */
	void (*refresh)(struct tui_app *a);
};

/** What the view paints, recomputed by tui_app_layout(). */
struct tui_layout {
	size_t rows, cols;
	struct hc_strbuf header;
	size_t header_lines;
	struct hc_strbuf columns;
	bool has_columns;
	struct hc_strbuf detail;
	size_t detail_lines;
	/** First screen row of the list, and its height. */
	size_t list_y;
	size_t list_height;
	/** First screen row of the detail lines. */
	size_t detail_y;
};

struct tui_app {
	struct tui_model *m;
	int screen;
	struct tui_list lists[TUI_SCR_NUM];
	uint64_t args[TUI_SCR_NUM];
	struct tui_history hist;
	struct tui_prompt prompt;
	/** The last search text, for n / N. */
	char search[TUI_PROMPT_MAX + 1];
	/** A one-shot message for the status line. */
	char message[256];
	enum tui_role message_role;
	struct tui_layout lay;
	/** Screen row of the last click. */
	size_t click_y;
	/** Columns scrolled off to the left. */
	size_t hscroll;
	/** Goroutines: grouped by identical stacks, and the grouping (made
	 * from `grouped_n` unwound goroutines). */
	bool grouped;
	struct tui_grouping grouping;
	bool grouping_valid;
	size_t grouped_n;
	/** Stack: a goroutine (index into m->gs) or a thread's own stack. */
	bool stack_is_thread;
	size_t stack_g;
	size_t stack_thread;
	struct hc_stack thread_stack;
	/** A thread in C: its native frames, shown above its Go frames. */
	struct hc_native_stack thread_native;
	/** Address: the description, one line each. */
	char **addr_lines;
	size_t naddr_lines;
	/** Maps: display order and sort key. */
	size_t *map_order;
	size_t map_order_n;
	enum tui_map_sort map_sort;
	/** Map: which map, entries or internals, and their pagers. */
	size_t map_index;
	bool map_internals;
	struct tui_pager map_pager;
	bool map_pager_ready;
	/** Goroutine maps: the goroutine (its id is the screen's arg) and
	 * the map row of each operation (TUI_NO_ROW: not discovered). */
	size_t *gmaps_map;
	size_t gmaps_n;
};

extern const struct tui_screen_ops *const tui_screens[TUI_SCR_NUM];

/** Set up the browser on @p m (borrowed) at the Summary screen. */
void tui_app_init(struct tui_app *a, struct tui_model *m);
void tui_app_deinit(struct tui_app *a);

/** Compute what is painted for a terminal of @p rows x @p cols. */
bool tui_app_layout(struct tui_app *a, size_t rows, size_t cols);

/** Handle one key; returns intent flags. */
int tui_app_key(struct tui_app *a, int key);

/** After background work: refresh rows that depend on it. */
void tui_app_tick(struct tui_app *a);

/** Go to @p screen with @p arg, remembering where we were. */
void tui_app_go(struct tui_app *a, int screen, uint64_t arg);
/** Back to where we were; false when there is no history. */
bool tui_app_back(struct tui_app *a);

/** Set the status-line message (printf-style). */
void tui_app_message(struct tui_app *a, enum tui_role role, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** The status line: prompt, message, or the screen's key hints, and the
 * progress of background work. */
bool tui_app_status(struct tui_app *a, struct hc_strbuf *out);

/** The list of the current screen. */
struct tui_list *tui_app_list(struct tui_app *a);

#endif /* HMAPCORE_TUI_APP_H */
