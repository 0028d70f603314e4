/*
 * The browser's view-models (tui/vm.c) and screens' key handling
 * (tui/app.c), without a terminal: cursor movement and clamping, paging
 * with a given height, filter, search with n/N, history, the prompt, the
 * address parser, grouping of identical stacks, lazy paging of huge lists,
 * map sorting; and the model on the gallery fixtures (every goroutine
 * unwound in the background, the crashed one first).
 */
#include "config.h"

#include <check.h>
#include <glob.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmapcore/target.h"

#include "../tui/app.h"
#include "../tui/model.h"
#include "../tui/vm.h"

/* ------------------------------------------------------------- helpers */

struct rows {
	const char *const *text;
	size_t n;
	size_t calls;
};

static bool rows_text(void *ctx, size_t row, struct hc_strbuf *out)
{
	struct rows *r = ctx;
	r->calls++;
	ck_assert_uint_lt(row, r->n);
	return hc_strbuf_appends(out, r->text[row]);
}

/* The invariants every operation keeps. */
static void check_invariants(const struct tui_list *l, size_t height)
{
	size_t n = tui_list_size(l);
	if (n == 0) {
		ck_assert_uint_eq(l->cursor, 0);
		ck_assert_uint_eq(l->top, 0);
		ck_assert_uint_eq(tui_list_current(l), TUI_NO_ROW);
		return;
	}
	ck_assert_uint_lt(l->cursor, n);
	ck_assert_uint_le(l->top, l->cursor);
	ck_assert_uint_lt(l->cursor, l->top + height);
}

/* ------------------------------------------------------------- list */

START_TEST(test_tui_list_move_clamps)
{
	struct tui_list l;
	tui_list_init(&l);
	tui_list_set_count(&l, 100, 10);
	tui_list_move(&l, 5, 10);
	ck_assert_uint_eq(l.cursor, 5);
	ck_assert_uint_eq(l.top, 0);
	tui_list_move(&l, 20, 10);
	ck_assert_uint_eq(l.cursor, 25);
	/* The cursor is on the last line of the viewport. */
	ck_assert_uint_eq(l.top, 16);
	check_invariants(&l, 10);
	tui_list_move(&l, -1000, 10);
	ck_assert_uint_eq(l.cursor, 0);
	ck_assert_uint_eq(l.top, 0);
	tui_list_move(&l, 1000, 10);
	ck_assert_uint_eq(l.cursor, 99);
	ck_assert_uint_eq(l.top, 90);
	ck_assert_uint_eq(tui_list_current(&l), 99);
	tui_list_move(&l, 1, 10);
	ck_assert_uint_eq(l.cursor, 99);
	tui_list_move(&l, -3, 10);
	ck_assert_uint_eq(l.cursor, 96);
	ck_assert_uint_eq(l.top, 90);
	check_invariants(&l, 10);
	tui_list_deinit(&l);
}
END_TEST

START_TEST(test_tui_list_page)
{
	struct tui_list l;
	tui_list_init(&l);
	tui_list_set_count(&l, 95, 10);
	tui_list_page(&l, 1, 10);
	ck_assert_uint_eq(l.cursor, 10);
	ck_assert_uint_eq(l.top, 10);
	tui_list_move(&l, 3, 10);
	tui_list_page(&l, 1, 10);
	ck_assert_uint_eq(l.cursor, 23);
	ck_assert_uint_eq(l.top, 20);
	/* Many pages down: stops at the last row, the last page full. */
	tui_list_page(&l, 20, 10);
	ck_assert_uint_eq(l.cursor, 94);
	ck_assert_uint_eq(l.top, 85);
	tui_list_page(&l, -1, 10);
	ck_assert_uint_eq(l.cursor, 84);
	ck_assert_uint_eq(l.top, 75);
	tui_list_page(&l, -100, 10);
	ck_assert_uint_eq(l.cursor, 0);
	ck_assert_uint_eq(l.top, 0);
	/* A page of another height (the window was resized). */
	tui_list_page(&l, 1, 23);
	ck_assert_uint_eq(l.cursor, 23);
	check_invariants(&l, 23);
	tui_list_deinit(&l);
}
END_TEST

START_TEST(test_tui_list_home_end_short)
{
	struct tui_list l;
	tui_list_init(&l);
	tui_list_set_count(&l, 4, 10);
	tui_list_end(&l, 10);
	ck_assert_uint_eq(l.cursor, 3);
	ck_assert_uint_eq(l.top, 0);
	tui_list_page(&l, 1, 10);
	ck_assert_uint_eq(l.cursor, 3);
	tui_list_home(&l, 10);
	ck_assert_uint_eq(l.cursor, 0);
	tui_list_set_count(&l, 1000, 10);
	tui_list_end(&l, 10);
	ck_assert_uint_eq(l.cursor, 999);
	ck_assert_uint_eq(l.top, 990);
	tui_list_home(&l, 10);
	ck_assert_uint_eq(l.top, 0);
	tui_list_deinit(&l);
}
END_TEST

START_TEST(test_tui_list_empty)
{
	struct tui_list l;
	tui_list_init(&l);
	tui_list_set_count(&l, 0, 10);
	tui_list_move(&l, 1, 10);
	tui_list_page(&l, 1, 10);
	tui_list_end(&l, 10);
	tui_list_scroll(&l, 3, 10);
	ck_assert(!tui_list_click(&l, 0, 10));
	check_invariants(&l, 10);
	/* Height 0 (a tiny terminal) is treated as 1. */
	tui_list_set_count(&l, 5, 0);
	tui_list_move(&l, 2, 0);
	check_invariants(&l, 1);
	ck_assert_uint_eq(l.top, 2);
	tui_list_deinit(&l);
}
END_TEST

START_TEST(test_tui_list_resize_keeps_cursor_visible)
{
	struct tui_list l;
	tui_list_init(&l);
	tui_list_set_count(&l, 200, 40);
	tui_list_move(&l, 35, 40);
	ck_assert_uint_eq(l.top, 0);
	/* The window shrinks to 10 rows: the cursor stays on screen. */
	tui_list_clamp(&l, 10);
	ck_assert_uint_eq(l.cursor, 35);
	check_invariants(&l, 10);
	ck_assert_uint_eq(l.top, 26);
	/* And grows back: no empty space below the last row. */
	tui_list_end(&l, 10);
	tui_list_clamp(&l, 50);
	ck_assert_uint_eq(l.top, 150);
	check_invariants(&l, 50);
	/* The model shrinks under the cursor. */
	tui_list_set_count(&l, 20, 50);
	ck_assert_uint_eq(l.cursor, 19);
	ck_assert_uint_eq(l.top, 0);
	tui_list_deinit(&l);
}
END_TEST

START_TEST(test_tui_list_mouse)
{
	struct tui_list l;
	tui_list_init(&l);
	tui_list_set_count(&l, 100, 10);
	tui_list_scroll(&l, 3, 10);
	ck_assert_uint_eq(l.top, 3);
	/* The cursor is dragged into the view. */
	ck_assert_uint_eq(l.cursor, 3);
	tui_list_scroll(&l, 1000, 10);
	ck_assert_uint_eq(l.top, 90);
	check_invariants(&l, 10);
	tui_list_scroll(&l, -1000, 10);
	ck_assert_uint_eq(l.top, 0);
	ck_assert_uint_eq(l.cursor, 9);
	ck_assert(tui_list_click(&l, 4, 10));
	ck_assert_uint_eq(l.cursor, 4);
	ck_assert(!tui_list_click(&l, 10, 10));
	tui_list_set_count(&l, 3, 10);
	ck_assert(!tui_list_click(&l, 5, 10));
	ck_assert(tui_list_click(&l, 2, 10));
	ck_assert_uint_eq(tui_list_current(&l), 2);
	tui_list_deinit(&l);
}
END_TEST

static const char *const goroutine_rows[] = {
	"1  chan receive  main.main",
	"2  force gc (idle)  runtime.gopark",
	"17 chan receive  main.waitChanRecv",
	"18 chan send  main.waitChanSend",
	"19 chan receive (nil chan)  main.waitNilChan",
	"20 select  main.waitSelect",
	"34 running  main.victimWriter",
};

START_TEST(test_tui_list_filter)
{
	struct rows r = {goroutine_rows, 7, 0};
	struct tui_list l;
	tui_list_init(&l);
	tui_list_set_count(&l, r.n, 3);
	tui_list_move(&l, 2, 3);
	ck_assert_uint_eq(tui_list_current(&l), 2);
	ck_assert(tui_list_filter(&l, "CHAN", rows_text, &r, 3));
	ck_assert_uint_eq(tui_list_size(&l), 4);
	ck_assert_uint_eq(tui_list_row(&l, 0), 0);
	ck_assert_uint_eq(tui_list_row(&l, 3), 4);
	ck_assert_uint_eq(tui_list_row(&l, 4), TUI_NO_ROW);
	/* The cursor stayed on goroutine 17. */
	ck_assert_uint_eq(tui_list_current(&l), 2);
	ck_assert_str_eq(l.filter, "CHAN");
	check_invariants(&l, 3);
	/* Narrower: goroutine 17 is gone, the cursor goes to the first. */
	ck_assert(tui_list_filter(&l, "chan s", rows_text, &r, 3));
	ck_assert_uint_eq(tui_list_size(&l), 1);
	ck_assert_uint_eq(tui_list_current(&l), 3);
	ck_assert(tui_list_filter(&l, "nothing like this", rows_text, &r, 3));
	ck_assert_uint_eq(tui_list_size(&l), 0);
	check_invariants(&l, 3);
	/* Cleared: every row, the cursor on the first. */
	ck_assert(tui_list_filter(&l, "", rows_text, &r, 3));
	ck_assert_uint_eq(tui_list_size(&l), 7);
	ck_assert_ptr_null(l.filter);
	tui_list_move(&l, 6, 3);
	ck_assert(tui_list_filter(&l, "main.victim", rows_text, &r, 3));
	ck_assert_uint_eq(tui_list_current(&l), 6);
	ck_assert(tui_list_filter(&l, NULL, rows_text, &r, 3));
	ck_assert_uint_eq(tui_list_current(&l), 6);
	check_invariants(&l, 3);
	tui_list_deinit(&l);
}
END_TEST

START_TEST(test_tui_list_search_next_prev)
{
	struct rows r = {goroutine_rows, 7, 0};
	struct tui_list l;
	tui_list_init(&l);
	tui_list_set_count(&l, r.n, 3);
	bool found;
	ck_assert(tui_list_search(&l, "chan", 1, rows_text, &r, 3, &found));
	ck_assert(found);
	ck_assert_uint_eq(l.cursor, 2);
	ck_assert(tui_list_search(&l, "chan", 1, rows_text, &r, 3, &found));
	ck_assert_uint_eq(l.cursor, 3);
	ck_assert(tui_list_search(&l, "chan", 1, rows_text, &r, 3, &found));
	ck_assert_uint_eq(l.cursor, 4);
	/* n wraps around to the top. */
	ck_assert(tui_list_search(&l, "chan", 1, rows_text, &r, 3, &found));
	ck_assert_uint_eq(l.cursor, 0);
	ck_assert_uint_eq(l.top, 0);
	/* N wraps around to the bottom. */
	ck_assert(tui_list_search(&l, "chan", -1, rows_text, &r, 3, &found));
	ck_assert(found);
	ck_assert_uint_eq(l.cursor, 4);
	check_invariants(&l, 3);
	ck_assert(tui_list_search(&l, "CHAN RECEIVE", -1, rows_text, &r, 3, &found));
	ck_assert_uint_eq(l.cursor, 2);
	/* Not found: the cursor does not move. */
	ck_assert(tui_list_search(&l, "zzz", 1, rows_text, &r, 3, &found));
	ck_assert(!found);
	ck_assert_uint_eq(l.cursor, 2);
	/* The only match is the cursor's own row: found, stays. */
	ck_assert(tui_list_search(&l, "waitChanRecv", 1, rows_text, &r, 3, &found));
	ck_assert(found);
	ck_assert_uint_eq(l.cursor, 2);
	/* Search within a filter moves over the shown rows only. */
	ck_assert(tui_list_filter(&l, "main.wait", rows_text, &r, 3));
	tui_list_home(&l, 3);
	ck_assert(tui_list_search(&l, "select", 1, rows_text, &r, 3, &found));
	ck_assert(found);
	ck_assert_uint_eq(tui_list_current(&l), 5);
	ck_assert(tui_list_search(&l, "main.main", 1, rows_text, &r, 3, &found));
	ck_assert(!found);
	tui_list_deinit(&l);
}
END_TEST

START_TEST(test_tui_contains)
{
	ck_assert(tui_contains("main.waitChanRecv", "chanrecv"));
	ck_assert(tui_contains("abc", ""));
	ck_assert(tui_contains("abc", NULL));
	ck_assert(!tui_contains("abc", "abcd"));
	ck_assert(!tui_contains(NULL, "a"));
	ck_assert(tui_contains("aab", "ab"));
}
END_TEST

/* ------------------------------------------------------------- history */

START_TEST(test_tui_history_push_pop)
{
	struct tui_history h;
	tui_history_init(&h);
	struct tui_loc loc;
	ck_assert(!tui_history_pop(&h, &loc));
	for (int i = 0; i < 3; i++) {
		loc = (struct tui_loc){.screen = i, .arg = 100 + i, .cursor = 7, .top = 2};
		tui_history_push(&h, &loc);
	}
	ck_assert(tui_history_pop(&h, &loc));
	ck_assert_int_eq(loc.screen, 2);
	ck_assert_uint_eq(loc.arg, 102);
	ck_assert_uint_eq(loc.cursor, 7);
	ck_assert(tui_history_pop(&h, &loc));
	ck_assert_int_eq(loc.screen, 1);
	ck_assert(tui_history_pop(&h, &loc));
	ck_assert_int_eq(loc.screen, 0);
	ck_assert(!tui_history_pop(&h, &loc));
}
END_TEST

START_TEST(test_tui_history_bounded)
{
	struct tui_history h;
	tui_history_init(&h);
	struct tui_loc loc;
	for (int i = 0; i < TUI_HISTORY_MAX + 10; i++) {
		loc = (struct tui_loc){.screen = i};
		tui_history_push(&h, &loc);
	}
	ck_assert_uint_eq(h.n, TUI_HISTORY_MAX);
	size_t popped = 0;
	int last = -1;
	while (tui_history_pop(&h, &loc)) {
		last = loc.screen;
		popped++;
	}
	ck_assert_uint_eq(popped, TUI_HISTORY_MAX);
	/* The oldest ten were forgotten. */
	ck_assert_int_eq(last, 10);
}
END_TEST

/* ------------------------------------------------------------- prompt */

START_TEST(test_tui_prompt_edit)
{
	struct tui_prompt p = {0};
	ck_assert_int_eq(tui_prompt_key(&p, 'a'), TUI_PROMPT_IGNORED);
	tui_prompt_open(&p, TUI_PROMPT_SEARCH);
	ck_assert_int_eq(tui_prompt_key(&p, 'm'), TUI_PROMPT_EDITED);
	tui_prompt_key(&p, 'a');
	tui_prompt_key(&p, 'x');
	tui_prompt_key(&p, TUI_KEY_BACKSPACE);
	tui_prompt_key(&p, TUI_KEY_UP); /* not text: swallowed */
	tui_prompt_key(&p, 0x1b + 0x100); /* nor this */
	ck_assert_str_eq(p.buf, "ma");
	ck_assert_int_eq(tui_prompt_key(&p, TUI_KEY_ENTER), TUI_PROMPT_ACCEPTED);
	ck_assert_int_eq(p.kind, TUI_PROMPT_NONE);
	ck_assert_str_eq(p.buf, "ma");
	tui_prompt_open(&p, TUI_PROMPT_FILTER);
	ck_assert_str_eq(p.buf, "");
	tui_prompt_key(&p, 'z');
	tui_prompt_key(&p, TUI_KEY_CTRL_U);
	ck_assert_uint_eq(p.len, 0);
	/* Backspace on an empty line closes the prompt. */
	ck_assert_int_eq(tui_prompt_key(&p, TUI_KEY_BACKSPACE), TUI_PROMPT_CANCELLED);
	tui_prompt_open(&p, TUI_PROMPT_ADDR);
	tui_prompt_key(&p, '1');
	ck_assert_int_eq(tui_prompt_key(&p, TUI_KEY_ESC), TUI_PROMPT_CANCELLED);
	/* A long paste stops at the limit. */
	tui_prompt_open(&p, TUI_PROMPT_SEARCH);
	for (int i = 0; i < TUI_PROMPT_MAX + 50; i++)
		tui_prompt_key(&p, 'x');
	ck_assert_uint_eq(p.len, TUI_PROMPT_MAX);
	ck_assert_uint_eq(strlen(p.buf), TUI_PROMPT_MAX);
}
END_TEST

START_TEST(test_tui_parse_addr)
{
	uint64_t v;
	ck_assert(tui_parse_addr("0xc000012345", &v));
	ck_assert_uint_eq(v, UINT64_C(0xc000012345));
	ck_assert(tui_parse_addr("C000", &v));
	ck_assert_uint_eq(v, 0xc000);
	ck_assert(tui_parse_addr(" 1f ", &v));
	ck_assert_uint_eq(v, 0x1f);
	ck_assert(tui_parse_addr("ffffffffffffffff", &v));
	ck_assert_uint_eq(v, UINT64_MAX);
	ck_assert(!tui_parse_addr("1ffffffffffffffff", &v));
	ck_assert(!tui_parse_addr("", &v));
	ck_assert(!tui_parse_addr("0x", &v));
	ck_assert(!tui_parse_addr("main.gMap", &v));
	ck_assert(!tui_parse_addr("12 34", &v));
}
END_TEST

/* ------------------------------------------------------------- grouping */

START_TEST(test_tui_group_rows)
{
	const char *keys[] = {"a", "b", "a", NULL, "b", "c", NULL, "a"};
	struct tui_grouping g;
	ck_assert(tui_group_rows(keys, 8, &g));
	ck_assert_uint_eq(g.ngroups, 5);
	size_t want_group[] = {0, 1, 0, 2, 1, 3, 4, 0};
	for (size_t i = 0; i < 8; i++)
		ck_assert_uint_eq(g.group_of[i], want_group[i]);
	ck_assert_uint_eq(g.first[0], 0);
	ck_assert_uint_eq(g.size[0], 3);
	ck_assert_uint_eq(g.first[1], 1);
	ck_assert_uint_eq(g.size[1], 2);
	/* Rows without a key (not unwound yet) stay alone. */
	ck_assert_uint_eq(g.first[2], 3);
	ck_assert_uint_eq(g.size[2], 1);
	ck_assert_uint_eq(g.first[4], 6);
	tui_grouping_deinit(&g);
	ck_assert(tui_group_rows(keys, 0, &g));
	ck_assert_uint_eq(g.ngroups, 0);
	tui_grouping_deinit(&g);
}
END_TEST

/* ------------------------------------------------------------- pager */

struct fake_source {
	uint64_t total;
	uint64_t fetched_rows;
	bool fail;
};

static struct hc_error *fake_fetch(void *ctx, uint64_t first, size_t n,
				   char **rows, size_t *got_ret)
{
	struct fake_source *f = ctx;
	if (f->fail)
		return hc_error_create(HC_ERROR_FAULT, "bucket array unreadable");
	size_t got = 0;
	for (uint64_t i = first; i < f->total && got < n; i++, got++) {
		char buf[64];
		snprintf(buf, sizeof(buf), "key%llu: value", (unsigned long long)i);
		rows[got] = strdup(buf);
	}
	f->fetched_rows += got;
	*got_ret = got;
	return NULL;
}

START_TEST(test_tui_pager_lazy)
{
	/* A map of ten million entries: only what is looked at is fetched. */
	struct fake_source f = {.total = 10000000};
	struct tui_pager p;
	tui_pager_init(&p, fake_fetch, &f);
	const char *row;
	ck_assert_ptr_null(tui_pager_get(&p, 0, &row));
	ck_assert_str_eq(row, "key0: value");
	for (uint64_t i = 1; i < 40; i++)
		ck_assert_ptr_null(tui_pager_get(&p, i, &row));
	ck_assert_uint_eq(p.fetches, 1);
	ck_assert_ptr_null(tui_pager_get(&p, 9999999, &row));
	ck_assert_str_eq(row, "key9999999: value");
	ck_assert_uint_eq(p.fetches, 2);
	ck_assert_uint_le(f.fetched_rows, 2 * TUI_PAGER_PAGE_ROWS);
	/* Past the end. */
	ck_assert_ptr_null(tui_pager_get(&p, 10000000 + 5, &row));
	ck_assert_ptr_null(row);
	/* Page 0 is the least recently used after touching 8 others. */
	for (uint64_t k = 1; k <= TUI_PAGER_PAGES; k++)
		ck_assert_ptr_null(tui_pager_get(&p, k * 1000 * TUI_PAGER_PAGE_ROWS, &row));
	uint64_t before = p.fetches;
	ck_assert_ptr_null(tui_pager_get(&p, 3, &row));
	ck_assert_str_eq(row, "key3: value");
	ck_assert_uint_eq(p.fetches, before + 1);
	/* An error is handed back, nothing cached. */
	f.fail = true;
	struct hc_error *err = tui_pager_get(&p, 7777 * TUI_PAGER_PAGE_ROWS, &row);
	ck_assert_ptr_nonnull(err);
	ck_assert_int_eq(err->code, HC_ERROR_FAULT);
	hc_error_destroy(err);
	f.fail = false;
	ck_assert_ptr_null(tui_pager_get(&p, 3, &row));
	ck_assert_str_eq(row, "key3: value");
	tui_pager_deinit(&p);
}
END_TEST

/* ------------------------------------------------------------- maps */

START_TEST(test_tui_map_sort)
{
	struct tui_map_row a = {.path = "main.gB", .count = 5, .size = 4096, .findings = 0};
	struct tui_map_row b = {.path = "main.gA", .count = 900, .size = 512, .findings = 2};
	struct tui_map_row c = {.path = "main.gC", .count = 5, .size = 65536, .findings = 0};
	const struct tui_map_row *rows[] = {&a, &b, &c};
	size_t order[3];
	tui_map_sort_rows(rows, 3, TUI_SORT_PATH, order);
	ck_assert_uint_eq(order[0], 1);
	ck_assert_uint_eq(order[1], 0);
	ck_assert_uint_eq(order[2], 2);
	tui_map_sort_rows(rows, 3, TUI_SORT_SIZE, order);
	ck_assert_uint_eq(order[0], 2);
	ck_assert_uint_eq(order[1], 0);
	ck_assert_uint_eq(order[2], 1);
	/* Equal counts: by path. */
	tui_map_sort_rows(rows, 3, TUI_SORT_COUNT, order);
	ck_assert_uint_eq(order[0], 1);
	ck_assert_uint_eq(order[1], 0);
	ck_assert_uint_eq(order[2], 2);
	tui_map_sort_rows(rows, 3, TUI_SORT_FINDINGS, order);
	ck_assert_uint_eq(order[0], 1);
	ck_assert_str_eq(tui_map_sort_name(TUI_SORT_FINDINGS), "findings");
}
END_TEST

/* ------------------------------------------------------------- screens */

/* A model made by hand: goroutines with known stacks, no core. */
struct fake_app {
	struct hc_target t;
	struct hc_goroutine g[6];
	struct tui_model m;
	struct tui_app a;
};

static struct fake_app *fake_app_create(void)
{
	static const struct {
		uint64_t goid;
		const char *state, *top, *key;
	} gs[] = {
		{1, "chan receive", "main.main main.go:532", "k1"},
		{8, "GC worker (idle)", "runtime.gopark proc.go:424", "kgc"},
		{9, "GC worker (idle)", "runtime.gopark proc.go:424", "kgc"},
		{17, "chan receive", "main.waitChanRecv main.go:89 +0x3e", "k17"},
		{10, "GC worker (idle)", "runtime.gopark proc.go:424", "kgc"},
		{34, "running (crashed)", "main.victimWriter main.go:233", "k34"},
	};
	static char *summary[] = {
		"go          go1.23.12",
		"fatal       fatal error: concurrent map writes",
		"crashed     goroutine 34",
	};
	struct fake_app *f = calloc(1, sizeof(*f));
	ck_assert_ptr_nonnull(f);
	f->t.go_minor = 23;
	f->m.t = &f->t;
	f->m.crashed = 5;
	f->m.ngs = 6;
	f->m.nunwound = 6;
	f->m.next = 6;
	f->m.gs = calloc(6, sizeof(*f->m.gs));
	for (size_t i = 0; i < 6; i++) {
		f->g[i].goid = gs[i].goid;
		f->g[i].status = HC_G_WAITING;
		struct tui_gor *r = &f->m.gs[i];
		r->g = &f->g[i];
		r->unwound = true;
		r->crashed = i == 5;
		hc_stack_init(&r->stack);
		r->state = strdup(gs[i].state);
		r->top = strdup(gs[i].top);
		r->key = strdup(gs[i].key);
		r->funcs = strdup(" ");
	}
	f->m.summary = summary;
	f->m.nsummary = 3;
	tui_app_init(&f->a, &f->m);
	ck_assert(tui_app_layout(&f->a, 24, 80));
	return f;
}

static void fake_app_destroy(struct fake_app *f)
{
	tui_app_deinit(&f->a);
	for (size_t i = 0; i < f->m.ngs; i++) {
		hc_stack_deinit(&f->m.gs[i].stack);
		free(f->m.gs[i].state);
		free(f->m.gs[i].top);
		free(f->m.gs[i].key);
		free(f->m.gs[i].funcs);
	}
	free(f->m.gs);
	free(f);
}

static void keys(struct tui_app *a, const char *s)
{
	for (; *s; s++)
		tui_app_key(a, *s == '\n' ? TUI_KEY_ENTER : *s);
}

static char *current_text(struct tui_app *a)
{
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	size_t row = tui_list_current(tui_app_list(a));
	ck_assert_uint_ne(row, TUI_NO_ROW);
	ck_assert(tui_screens[a->screen]->row_text(a, row, &sb));
	return hc_strbuf_steal(&sb);
}

START_TEST(test_tui_app_summary_to_crashed_stack)
{
	struct fake_app *f = fake_app_create();
	struct tui_app *a = &f->a;
	ck_assert_int_eq(a->screen, TUI_SCR_SUMMARY);
	/* Down to "crashed goroutine 34", Enter: its stack. */
	tui_app_key(a, TUI_KEY_DOWN);
	tui_app_key(a, 'j');
	int r = tui_app_key(a, TUI_KEY_ENTER);
	ck_assert(r & TUI_INTENT_REDRAW);
	ck_assert_int_eq(a->screen, TUI_SCR_STACK);
	ck_assert_uint_eq(a->args[TUI_SCR_STACK], 34);
	ck_assert(tui_app_layout(a, 24, 80));
	ck_assert_ptr_nonnull(strstr(a->lay.header.str, "goroutine 34 [running (crashed)]"));
	/* Enter on a frame (this fake stack has none: call it directly), in
	 * a build without map decoders: said so. */
	tui_screens[TUI_SCR_STACK]->activate(a, 0);
	ck_assert_int_eq(a->screen, TUI_SCR_STACK);
	ck_assert_ptr_nonnull(strstr(a->message, "map decoding not available"));
	/* Esc: back on the summary, on the same row. */
	tui_app_key(a, TUI_KEY_ESC);
	ck_assert_int_eq(a->screen, TUI_SCR_SUMMARY);
	ck_assert_uint_eq(tui_app_list(a)->cursor, 2);
	/* The fatal error line also leads to the crashed goroutine. */
	tui_app_key(a, 'k');
	tui_app_key(a, TUI_KEY_ENTER);
	ck_assert_int_eq(a->screen, TUI_SCR_STACK);
	ck_assert_uint_eq(a->args[TUI_SCR_STACK], 34);
	ck_assert_int_eq(tui_app_key(a, 'q'), TUI_INTENT_QUIT);
	fake_app_destroy(f);
}
END_TEST

START_TEST(test_tui_app_goroutines_search_filter_group)
{
	struct fake_app *f = fake_app_create();
	struct tui_app *a = &f->a;
	tui_app_key(a, TUI_KEY_TAB);
	ck_assert_int_eq(a->screen, TUI_SCR_GOROUTINES);
	ck_assert_uint_eq(tui_list_size(tui_app_list(a)), 6);
	/* / search, Enter: the cursor on goroutine 17. */
	keys(a, "/waitchanrecv\n");
	char *s = current_text(a);
	ck_assert_ptr_nonnull(strstr(s, "17"));
	free(s);
	/* n wraps to the same (only) match, N too. */
	keys(a, "n");
	ck_assert_uint_eq(tui_list_current(tui_app_list(a)), 3);
	/* Enter opens its stack; Backspace comes back to it. */
	tui_app_key(a, TUI_KEY_ENTER);
	ck_assert_int_eq(a->screen, TUI_SCR_STACK);
	ck_assert_uint_eq(a->args[TUI_SCR_STACK], 17);
	tui_app_key(a, TUI_KEY_BACKSPACE);
	ck_assert_int_eq(a->screen, TUI_SCR_GOROUTINES);
	ck_assert_uint_eq(tui_list_current(tui_app_list(a)), 3);
	/* f filters as one types; the cursor stays on its goroutine. */
	keys(a, "fGC w");
	ck_assert_int_eq(a->prompt.kind, TUI_PROMPT_FILTER);
	ck_assert_uint_eq(tui_list_size(tui_app_list(a)), 3);
	keys(a, "\n");
	ck_assert_int_eq(a->prompt.kind, TUI_PROMPT_NONE);
	ck_assert_uint_eq(tui_list_size(tui_app_list(a)), 3);
	/* Esc with no history clears the filter. */
	tui_app_key(a, TUI_KEY_ESC);
	ck_assert_uint_eq(tui_list_size(tui_app_list(a)), 6);
	/* s groups identical stacks: the three GC workers become one row. */
	keys(a, "s");
	ck_assert(a->grouped);
	ck_assert_uint_eq(tui_list_size(tui_app_list(a)), 4);
	tui_app_key(a, TUI_KEY_HOME);
	tui_app_key(a, TUI_KEY_DOWN);
	s = current_text(a);
	ck_assert_ptr_nonnull(strstr(s, "[8 9 10]"));
	ck_assert_ptr_nonnull(strstr(s, "      3  GC worker"));
	free(s);
	/* Enter on a group opens its first goroutine. */
	tui_app_key(a, TUI_KEY_ENTER);
	ck_assert_uint_eq(a->args[TUI_SCR_STACK], 8);
	tui_app_key(a, TUI_KEY_ESC);
	keys(a, "s");
	ck_assert(!a->grouped);
	ck_assert_uint_eq(tui_list_size(tui_app_list(a)), 6);
	ck_assert_uint_eq(tui_list_current(tui_app_list(a)), 1);
	fake_app_destroy(f);
}
END_TEST

START_TEST(test_tui_app_tabs_help_layout)
{
	struct fake_app *f = fake_app_create();
	struct tui_app *a = &f->a;
	tui_app_key(a, TUI_KEY_BTAB);
	ck_assert_int_eq(a->screen, TUI_SCR_MAPS);
	ck_assert(tui_app_layout(a, 24, 80));
	char *s = current_text(a);
	ck_assert_str_eq(s, "map decoding not available in this build");
	free(s);
	tui_app_key(a, '2');
	ck_assert_int_eq(a->screen, TUI_SCR_GOROUTINES);
	/* The list gets what the bars, header and column heads leave. */
	ck_assert(tui_app_layout(a, 24, 80));
	ck_assert_uint_eq(a->lay.list_y, 3);
	ck_assert_uint_eq(a->lay.list_height, 24 - 4);
	ck_assert(tui_app_layout(a, 6, 80));
	ck_assert_uint_ge(a->lay.list_height, 3);
	ck_assert(tui_app_layout(a, 24, 80));
	/* ? opens help, Esc comes back. */
	tui_app_key(a, '?');
	ck_assert_int_eq(a->screen, TUI_SCR_HELP);
	tui_app_key(a, TUI_KEY_ESC);
	ck_assert_int_eq(a->screen, TUI_SCR_GOROUTINES);
	/* A click on the fourth list row selects it; a double click opens. */
	a->click_y = a->lay.list_y + 3;
	tui_app_key(a, TUI_KEY_CLICK);
	ck_assert_uint_eq(tui_list_current(tui_app_list(a)), 3);
	tui_app_key(a, TUI_KEY_DOUBLE_CLICK);
	ck_assert_int_eq(a->screen, TUI_SCR_STACK);
	ck_assert_uint_eq(a->args[TUI_SCR_STACK], 17);
	/* A bad address is refused with a message, not a crash. */
	keys(a, ":zz\n");
	ck_assert_int_eq(a->screen, TUI_SCR_STACK);
	ck_assert_ptr_nonnull(strstr(a->message, "not an address"));
	fake_app_destroy(f);
}
END_TEST


/* ------------------------------------------------------------- slot grid */

START_TEST(test_tui_slot_states)
{
	/* Classic tophash: 0 emptyRest, 1 emptyOne, 2/3 evacuated X/Y, 4
	 * evacuatedEmpty, >= 5 live. */
	ck_assert_int_eq(tui_slot_classic(0), TUI_SLOT_EMPTY_REST);
	ck_assert_int_eq(tui_slot_classic(1), TUI_SLOT_EMPTY);
	ck_assert_int_eq(tui_slot_classic(2), TUI_SLOT_EVACUATED_X);
	ck_assert_int_eq(tui_slot_classic(3), TUI_SLOT_EVACUATED_Y);
	ck_assert_int_eq(tui_slot_classic(4), TUI_SLOT_EVACUATED_EMPTY);
	ck_assert_int_eq(tui_slot_classic(5), TUI_SLOT_LIVE);
	ck_assert_int_eq(tui_slot_classic(0xff), TUI_SLOT_LIVE);
	/* Swiss control: 0x80 empty, 0xfe deleted, < 0x80 full, else invalid. */
	ck_assert_int_eq(tui_slot_swiss(0x00), TUI_SLOT_LIVE);
	ck_assert_int_eq(tui_slot_swiss(0x7f), TUI_SLOT_LIVE);
	ck_assert_int_eq(tui_slot_swiss(0x80), TUI_SLOT_EMPTY);
	ck_assert_int_eq(tui_slot_swiss(0xfe), TUI_SLOT_DELETED);
	ck_assert_int_eq(tui_slot_swiss(0x81), TUI_SLOT_INVALID);
	ck_assert_int_eq(tui_slot_swiss(0xff), TUI_SLOT_INVALID);
	/* Every state has its own glyph (the monochrome grid reads too). */
	for (int i = 0; i < TUI_SLOT_NUM; i++)
		for (int j = i + 1; j < TUI_SLOT_NUM; j++)
			ck_assert_int_ne(tui_slot_glyph(i), tui_slot_glyph(j));
	ck_assert_str_eq(tui_slot_name(TUI_SLOT_EMPTY_REST), "emptyRest");
}
END_TEST

START_TEST(test_tui_slot_glyphs_marks)
{
	char out[TUI_SLOTS + 1];
	static const uint8_t tophash[TUI_SLOTS] = {0x9a, 1, 2, 3, 4, 0x33, 0, 0};
	ck_assert_uint_eq(tui_slot_glyphs(tophash, false, 0x1000, NULL, 0, out), 0);
	ck_assert_str_eq(out, "#.<>-#__");
	/* A finding at the tophash byte of slot 5 (ctrl_addr + 5) marks it;
	 * one at another bucket's byte does not. */
	uint64_t marks[] = {0x1005, 0x2005};
	ck_assert_uint_eq(tui_slot_glyphs(tophash, false, 0x1000, marks, 2, out), 1);
	ck_assert_str_eq(out, "#.<>-!__");
	static const uint8_t ctrl[TUI_SLOTS] = {0x12, 0x80, 0xfe, 0x80, 0x85, 0x7f, 0x80, 0x80};
	ck_assert_uint_eq(tui_slot_glyphs(ctrl, true, 0x3000, marks, 2, out), 0);
	ck_assert_str_eq(out, "#.x.?#..");
	ck_assert_uint_eq(tui_slot_glyphs(ctrl, true, 0x2000, marks, 2, out), 1);
	ck_assert_str_eq(out, "#.x.?!..");
}
END_TEST

/* ------------------------------------------------------------- fixtures */

START_TEST(test_tui_model_fixtures)
{
	const char *top = getenv("top_srcdir");
	char pattern[4096];
	snprintf(pattern, sizeof(pattern), "%s/corefiles/*/gallery/core.xz",
		 top ? top : ".");
	glob_t g;
	if (glob(pattern, 0, NULL, &g) != 0) {
		fprintf(stderr, "test_tui_model_fixtures: SKIP, no gallery fixtures\n");
		return;
	}
	for (size_t k = 0; k < g.gl_pathc; k++) {
		const char *core = g.gl_pathv[k];
		struct hc_target *t;
		struct hc_error *err = hc_target_open(core, NULL, &t);
		ck_assert_msg(!err, "%s: %s", core, err ? err->message : "");
		struct tui_model *m;
		ck_assert_ptr_null(tui_model_create(t, &m));
		ck_assert_msg(m->ngs > 0, "%s", core);
		ck_assert_msg(m->crashed != TUI_NO_ROW, "%s: no crashed goroutine", core);
		ck_assert(tui_model_busy(m));
		/* The first step unwinds the crashed goroutine first. */
		ck_assert_ptr_null(tui_model_step(m, 1));
		ck_assert(m->gs[m->crashed].unwound);
		size_t steps = 0;
		while (tui_model_busy(m) && steps++ < 100000)
			ck_assert_ptr_null(tui_model_step(m, 8));
		ck_assert_uint_eq(m->nunwound, m->ngs);
		/* The gallery parks one goroutine in main.waitChanRecv. */
		bool found = false;
		for (size_t i = 0; i < m->ngs; i++)
			if (strncmp(m->gs[i].top, "main.waitChanRecv ", 18) == 0)
				found = true;
		ck_assert_msg(found, "%s: no goroutine in main.waitChanRecv", core);
		bool fatal = false;
		for (size_t i = 0; i < m->nsummary; i++)
			if (strstr(m->summary[i], "concurrent map writes"))
				fatal = true;
		ck_assert_msg(fatal, "%s: summary without the fatal error", core);
		tui_model_destroy(m);
		hc_target_destroy(t);
	}
	globfree(&g);
}
END_TEST


/* The count of map @p name in a fixture's manifest.json, or -1. */
static long long manifest_count(const char *dir, const char *name)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/manifest.json", dir);
	FILE *fp = fopen(path, "r");
	if (!fp)
		return -1;
	static char buf[1 << 22];
	size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	char needle[256];
	snprintf(needle, sizeof(needle), "\"name\": \"%s\"", name);
	const char *p = strstr(buf, needle);
	p = p ? strstr(p, "\"count\": ") : NULL;
	return p ? strtoll(p + 9, NULL, 10) : -1;
}

struct entries_ctx {
	struct tui_map_source *src;
	size_t map;
};

static struct hc_error *entries_fetch(void *ctx, uint64_t first, size_t n,
				      char **rows, size_t *got_ret)
{
	struct entries_ctx *e = ctx;
	return e->src->ops->entries(e->src->ctx, e->map, first, n, rows, got_ret);
}

/* A model on a fixture with its map analysis done; NULL when absent. */
static struct tui_model *fixture_model(const char *dir, struct hc_target **t_ret)
{
	char core[4200];
	snprintf(core, sizeof(core), "%s/core.xz", dir);
	FILE *fp = fopen(core, "r");
	if (!fp)
		return NULL;
	fclose(fp);
	struct hc_target *t;
	struct hc_error *err = hc_target_open(core, NULL, &t);
	ck_assert_msg(!err, "%s: %s", core, err ? err->message : "");
	struct tui_model *m;
	ck_assert_ptr_null(tui_model_create(t, &m));
	size_t steps = 0;
	while (tui_model_busy(m) && steps++ < 100000)
		ck_assert_ptr_null(tui_model_step(m, 8));
	ck_assert_msg(m->maps.ops && m->maps_done, "%s: no map analysis", core);
	*t_ret = t;
	return m;
}

static size_t find_map(struct tui_model *m, const char *path)
{
	size_t n = m->maps.ops->count(m->maps.ctx);
	for (size_t i = 0; i < n; i++) {
		const struct tui_map_row *r = m->maps.ops->row(m->maps.ctx, i);
		if (r && r->path && strcmp(r->path, path) == 0)
			return i;
	}
	return TUI_NO_ROW;
}

/*
 * main.gLarge (map[string]int, "k<i>" -> i) paged through the lazy pager:
 * the first page is full, every entry comes once with its own value, the
 * total is the manifest's count, and the pager fetched page by page.
 */
static void check_large_entries(const char *dir)
{
	long long want = manifest_count(dir, "main.gLarge");
	struct hc_target *t;
	struct tui_model *m = fixture_model(dir, &t);
	if (!m) {
		fprintf(stderr, "test_tui_map_entries: SKIP, no fixture %s\n", dir);
		return;
	}
	ck_assert_msg(want > 0, "%s: no main.gLarge count in the manifest", dir);
	struct entries_ctx ec = {&m->maps, find_map(m, "main.gLarge")};
	ck_assert_uint_ne(ec.map, TUI_NO_ROW);
	struct tui_pager p;
	tui_pager_init(&p, entries_fetch, &ec);
	bool *seen = calloc((size_t)want, 1);
	ck_assert_ptr_nonnull(seen);
	uint64_t i = 0;
	for (;; i++) {
		const char *row;
		ck_assert_ptr_null(tui_pager_get(&p, i, &row));
		if (!row)
			break;
		if (i == 0)
			ck_assert_uint_eq(p.fetches, 1);
		long long k, v;
		ck_assert_msg(sscanf(row, "\"k%lld\": %lld", &k, &v) == 2,
			      "%s: entry %" PRIu64 " is '%s'", dir, i, row);
		ck_assert_int_eq(k, v);
		ck_assert(k >= 0 && k < want && !seen[k]);
		seen[k] = true;
	}
	/* The first page held a page's worth of rows; paging to the end
	 * fetched one page at a time. */
	ck_assert_int_eq((long long)i, want);
	ck_assert_uint_eq(p.fetches, (uint64_t)((want + TUI_PAGER_PAGE_ROWS - 1) /
						TUI_PAGER_PAGE_ROWS));
	/* Back to the start: the same first entry, decoded again. */
	const char *first;
	ck_assert_ptr_null(tui_pager_get(&p, 0, &first));
	ck_assert_ptr_nonnull(first);
	ck_assert_ptr_nonnull(strstr(first, "\"k"));
	tui_pager_deinit(&p);
	free(seen);
	tui_model_destroy(m);
	hc_target_destroy(t);
}

START_TEST(test_tui_map_entries_paged)
{
	const char *top = getenv("top_srcdir");
	char dir[2048];
	/* A Swiss map and a classic one. */
	static const char *const vers[] = {"go1.26.11", "go1.22.12"};
	for (size_t k = 0; k < sizeof(vers) / sizeof(vers[0]); k++) {
		snprintf(dir, sizeof(dir), "%s/corefiles/%s/gallery", top ? top : ".", vers[k]);
		check_large_entries(dir);
	}
}
END_TEST

/* First page rows of the current screen containing @p needle. */
static bool screen_has(struct tui_app *a, const char *needle, size_t *row_ret)
{
	struct tui_list *l = tui_app_list(a);
	for (size_t i = 0; i < tui_list_size(l) && i < 64; i++) {
		struct hc_strbuf sb;
		hc_strbuf_init(&sb);
		ck_assert(tui_screens[a->screen]->row_text(a, tui_list_row(l, i), &sb));
		bool hit = sb.str && strstr(sb.str, needle);
		hc_strbuf_deinit(&sb);
		if (hit) {
			if (row_ret)
				*row_ret = i;
			return true;
		}
	}
	return false;
}

/*
 * The browser on a real core: the concurrent-write finding -> main.gVictim:
 * the internals with the legend and a grid row per group, `i` the entries
 * "k: v"; a writer's stack, Enter on a frame -> the maps it writes -> the
 * map again.
 */
START_TEST(test_tui_app_map_screens_fixture)
{
	const char *top = getenv("top_srcdir");
	char dir[2048];
	snprintf(dir, sizeof(dir), "%s/corefiles/go1.26.11/gallery", top ? top : ".");
	struct hc_target *t;
	struct tui_model *m = fixture_model(dir, &t);
	if (!m) {
		fprintf(stderr, "test_tui_app_map_screens_fixture: SKIP, no fixture %s\n", dir);
		return;
	}
	struct tui_app *a = malloc(sizeof(*a));
	ck_assert_ptr_nonnull(a);
	tui_app_init(a, m);
	tui_app_tick(a);
	ck_assert(tui_app_layout(a, 30, 100));
	keys(a, "/map-concurrent-write\n");
	tui_app_key(a, TUI_KEY_ENTER);
	ck_assert_int_eq(a->screen, TUI_SCR_MAP);
	ck_assert(tui_app_layout(a, 30, 100));
	ck_assert_ptr_nonnull(strstr(a->lay.header.str, "main.gVictim"));
	ck_assert(a->map_internals);
	ck_assert(screen_has(a, "legend: [#] live", NULL));
	ck_assert(screen_has(a, "table 0 group 0 ", NULL));
	/* Entries: 64 of them, each "k: v" with integers. */
	tui_app_key(a, 'i');
	ck_assert(!a->map_internals);
	ck_assert_uint_eq(tui_list_size(tui_app_list(a)), 64);
	char *s = current_text(a);
	long long k, v;
	ck_assert_msg(sscanf(s, "%lld: %lld", &k, &v) == 2, "entry '%s'", s);
	free(s);
	/* Back to the internals, to a writer's stack. */
	tui_app_key(a, 'i');
	size_t row;
	ck_assert(screen_has(a, "(Enter: its stack)", &row));
	ck_assert(tui_list_select_row(tui_app_list(a), tui_list_row(tui_app_list(a), row),
				      a->lay.list_height));
	tui_app_key(a, TUI_KEY_ENTER);
	ck_assert_int_eq(a->screen, TUI_SCR_STACK);
	/* Enter on its frame: the maps this goroutine operates on. */
	tui_app_key(a, TUI_KEY_ENTER);
	ck_assert_int_eq(a->screen, TUI_SCR_GMAPS);
	s = current_text(a);
	ck_assert_msg(strstr(s, "write") && strstr(s, "main.gVictim"), "'%s'", s);
	free(s);
	tui_app_key(a, TUI_KEY_ENTER);
	ck_assert_int_eq(a->screen, TUI_SCR_MAP);
	ck_assert(tui_app_layout(a, 30, 100));
	ck_assert_ptr_nonnull(strstr(a->lay.header.str, "main.gVictim"));
	/* A goroutine in no map function: said so. */
	tui_app_key(a, '2');
	keys(a, "/main.waitChanRecv\n");
	tui_app_key(a, TUI_KEY_ENTER);
	ck_assert_int_eq(a->screen, TUI_SCR_STACK);
	tui_app_key(a, TUI_KEY_ENTER);
	ck_assert_int_eq(a->screen, TUI_SCR_STACK);
	ck_assert_str_eq(a->message, "no map operation in this frame's goroutine");
	tui_app_deinit(a);
	free(a);
	tui_model_destroy(m);
	hc_target_destroy(t);
}
END_TEST

static Suite *tui_suite(void)
{
	Suite *s = suite_create("tui");
	TCase *tc = tcase_create("vm");
	tcase_add_test(tc, test_tui_list_move_clamps);
	tcase_add_test(tc, test_tui_list_page);
	tcase_add_test(tc, test_tui_list_home_end_short);
	tcase_add_test(tc, test_tui_list_empty);
	tcase_add_test(tc, test_tui_list_resize_keeps_cursor_visible);
	tcase_add_test(tc, test_tui_list_mouse);
	tcase_add_test(tc, test_tui_list_filter);
	tcase_add_test(tc, test_tui_list_search_next_prev);
	tcase_add_test(tc, test_tui_contains);
	tcase_add_test(tc, test_tui_history_push_pop);
	tcase_add_test(tc, test_tui_history_bounded);
	tcase_add_test(tc, test_tui_prompt_edit);
	tcase_add_test(tc, test_tui_parse_addr);
	tcase_add_test(tc, test_tui_group_rows);
	tcase_add_test(tc, test_tui_pager_lazy);
	tcase_add_test(tc, test_tui_map_sort);
	tcase_add_test(tc, test_tui_slot_states);
	tcase_add_test(tc, test_tui_slot_glyphs_marks);
	suite_add_tcase(s, tc);
	TCase *sc = tcase_create("screens");
	tcase_add_test(sc, test_tui_app_summary_to_crashed_stack);
	tcase_add_test(sc, test_tui_app_goroutines_search_filter_group);
	tcase_add_test(sc, test_tui_app_tabs_help_layout);
	suite_add_tcase(s, sc);
	TCase *fx = tcase_create("fixtures");
	tcase_set_timeout(fx, 120);
	tcase_add_test(fx, test_tui_model_fixtures);
	tcase_add_test(fx, test_tui_map_entries_paged);
	tcase_add_test(fx, test_tui_app_map_screens_fixture);
	suite_add_tcase(s, fx);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(tui_suite());
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
