/* The browser's view-models: see tui/vm.h. No curses here. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "hmapcore/maps.h"

#include "vm.h"

/* ------------------------------------------------------------- list */

void tui_list_init(struct tui_list *l)
{
	memset(l, 0, sizeof(*l));
}

void tui_list_deinit(struct tui_list *l)
{
	free(l->vis);
	free(l->filter);
	tui_list_init(l);
}

size_t tui_list_size(const struct tui_list *l)
{
	return l->vis ? l->nvis : l->count;
}

size_t tui_list_row(const struct tui_list *l, size_t i)
{
	if (i >= tui_list_size(l))
		return TUI_NO_ROW;
	return l->vis ? l->vis[i] : i;
}

size_t tui_list_current(const struct tui_list *l)
{
	return tui_list_row(l, l->cursor);
}

void tui_list_clamp(struct tui_list *l, size_t height)
{
	size_t n = tui_list_size(l);
	if (height == 0)
		height = 1;
	if (n == 0) {
		l->cursor = 0;
		l->top = 0;
		return;
	}
	if (l->cursor >= n)
		l->cursor = n - 1;
	if (l->cursor < l->top)
		l->top = l->cursor;
	if (l->cursor >= l->top + height)
		l->top = l->cursor - height + 1;
	/* No empty space below the last row when the rows could fill it. */
	if (n >= height && l->top > n - height)
		l->top = n - height;
	if (n < height)
		l->top = 0;
}

void tui_list_set_count(struct tui_list *l, size_t count, size_t height)
{
	size_t row = tui_list_current(l);
	free(l->vis);
	l->vis = NULL;
	l->nvis = 0;
	free(l->filter);
	l->filter = NULL;
	l->count = count;
	if (row != TUI_NO_ROW && row < count)
		l->cursor = row;
	tui_list_clamp(l, height);
}

void tui_list_move(struct tui_list *l, long delta, size_t height)
{
	size_t n = tui_list_size(l);
	if (n == 0)
		return;
	if (delta < 0) {
		size_t d = (size_t)-(delta + 1) + 1;
		l->cursor = d > l->cursor ? 0 : l->cursor - d;
	} else {
		size_t d = (size_t)delta;
		l->cursor = d > n - 1 - l->cursor ? n - 1 : l->cursor + d;
	}
	tui_list_clamp(l, height);
}

void tui_list_page(struct tui_list *l, long pages, size_t height)
{
	size_t n = tui_list_size(l);
	if (height == 0)
		height = 1;
	if (n == 0)
		return;
	/* Scroll the view a page and move the cursor as far, like less. */
	size_t h = height;
	if (pages > 0) {
		for (long p = 0; p < pages; p++) {
			if (l->cursor == n - 1)
				break;
			size_t maxtop = n > h ? n - h : 0;
			l->top = l->top + h > maxtop ? maxtop : l->top + h;
			l->cursor = l->cursor + h > n - 1 ? n - 1 : l->cursor + h;
		}
	} else {
		for (long p = 0; p > pages; p--) {
			if (l->cursor == 0)
				break;
			l->top = l->top > h ? l->top - h : 0;
			l->cursor = l->cursor > h ? l->cursor - h : 0;
		}
	}
	tui_list_clamp(l, height);
}

void tui_list_home(struct tui_list *l, size_t height)
{
	l->cursor = 0;
	l->top = 0;
	tui_list_clamp(l, height);
}

void tui_list_end(struct tui_list *l, size_t height)
{
	size_t n = tui_list_size(l);
	l->cursor = n ? n - 1 : 0;
	tui_list_clamp(l, height);
}

void tui_list_scroll(struct tui_list *l, long delta, size_t height)
{
	size_t n = tui_list_size(l);
	if (height == 0)
		height = 1;
	if (n <= height) {
		tui_list_move(l, delta, height);
		return;
	}
	size_t maxtop = n - height;
	if (delta < 0) {
		size_t d = (size_t)-(delta + 1) + 1;
		l->top = d > l->top ? 0 : l->top - d;
	} else {
		size_t d = (size_t)delta;
		l->top = d > maxtop - l->top ? maxtop : l->top + d;
	}
	if (l->cursor < l->top)
		l->cursor = l->top;
	if (l->cursor >= l->top + height)
		l->cursor = l->top + height - 1;
	tui_list_clamp(l, height);
}

bool tui_list_click(struct tui_list *l, size_t y, size_t height)
{
	if (y >= height || l->top + y >= tui_list_size(l))
		return false;
	l->cursor = l->top + y;
	tui_list_clamp(l, height);
	return true;
}

bool tui_list_select_row(struct tui_list *l, size_t row, size_t height)
{
	size_t n = tui_list_size(l);
	if (!l->vis) {
		if (row >= n)
			return false;
		l->cursor = row;
		tui_list_clamp(l, height);
		return true;
	}
	for (size_t i = 0; i < n; i++) {
		if (l->vis[i] == row) {
			l->cursor = i;
			tui_list_clamp(l, height);
			return true;
		}
	}
	return false;
}

bool tui_contains(const char *hay, const char *needle)
{
	if (!needle || !*needle)
		return true;
	if (!hay)
		return false;
	size_t nl = strlen(needle);
	for (const char *h = hay; *h; h++) {
		size_t i = 0;
		while (i < nl && h[i] &&
		       tolower((unsigned char)h[i]) == tolower((unsigned char)needle[i]))
			i++;
		if (i == nl)
			return true;
	}
	return false;
}

/* Whether model row @p row's text contains @p needle. */
static bool row_matches(tui_text_fn text, void *ctx, size_t row,
			const char *needle, struct hc_strbuf *sb, bool *ok)
{
	hc_strbuf_reset(sb);
	if (!text(ctx, row, sb)) {
		*ok = false;
		return false;
	}
	return tui_contains(sb->str ? sb->str : "", needle);
}

bool tui_list_filter(struct tui_list *l, const char *needle, tui_text_fn text,
		     void *ctx, size_t height)
{
	size_t row = tui_list_current(l);
	if (!needle || !*needle) {
		free(l->vis);
		l->vis = NULL;
		l->nvis = 0;
		free(l->filter);
		l->filter = NULL;
		l->cursor = 0;
		if (row == TUI_NO_ROW || !tui_list_select_row(l, row, height))
			tui_list_clamp(l, height);
		return true;
	}
	char *copy = strdup(needle);
	size_t *vis = malloc((l->count ? l->count : 1) * sizeof(*vis));
	if (!copy || !vis) {
		free(copy);
		free(vis);
		return false;
	}
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	bool ok = true;
	size_t n = 0;
	for (size_t i = 0; ok && i < l->count; i++)
		if (row_matches(text, ctx, i, needle, &sb, &ok))
			vis[n++] = i;
	hc_strbuf_deinit(&sb);
	if (!ok) {
		free(copy);
		free(vis);
		return false;
	}
	free(l->vis);
	free(l->filter);
	l->vis = vis;
	l->nvis = n;
	l->filter = copy;
	l->cursor = 0;
	l->top = 0;
	if (row == TUI_NO_ROW || !tui_list_select_row(l, row, height))
		tui_list_clamp(l, height);
	return true;
}

bool tui_list_search(struct tui_list *l, const char *needle, int dir,
		     tui_text_fn text, void *ctx, size_t height,
		     bool *found_ret)
{
	size_t n = tui_list_size(l);
	*found_ret = false;
	if (n == 0 || !needle || !*needle)
		return true;
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	bool ok = true;
	for (size_t k = 1; ok && k <= n; k++) {
		size_t i = dir >= 0 ? (l->cursor + k) % n : (l->cursor + n - k % n) % n;
		if (row_matches(text, ctx, tui_list_row(l, i), needle, &sb, &ok)) {
			l->cursor = i;
			tui_list_clamp(l, height);
			*found_ret = true;
			break;
		}
	}
	hc_strbuf_deinit(&sb);
	return ok;
}

/* ------------------------------------------------------------- history */

void tui_history_init(struct tui_history *h)
{
	h->n = 0;
}

void tui_history_push(struct tui_history *h, const struct tui_loc *loc)
{
	if (h->n == TUI_HISTORY_MAX) {
		memmove(&h->items[0], &h->items[1],
			(TUI_HISTORY_MAX - 1) * sizeof(h->items[0]));
		h->n--;
	}
	h->items[h->n++] = *loc;
}

bool tui_history_pop(struct tui_history *h, struct tui_loc *ret)
{
	if (h->n == 0)
		return false;
	*ret = h->items[--h->n];
	return true;
}

/* ------------------------------------------------------------- prompt */

void tui_prompt_open(struct tui_prompt *p, enum tui_prompt_kind kind)
{
	p->kind = kind;
	p->len = 0;
	p->buf[0] = '\0';
}

enum tui_prompt_result tui_prompt_key(struct tui_prompt *p, int key)
{
	if (p->kind == TUI_PROMPT_NONE)
		return TUI_PROMPT_IGNORED;
	switch (key) {
	case TUI_KEY_ENTER:
		p->kind = TUI_PROMPT_NONE;
		return TUI_PROMPT_ACCEPTED;
	case TUI_KEY_ESC:
		p->kind = TUI_PROMPT_NONE;
		return TUI_PROMPT_CANCELLED;
	case TUI_KEY_BACKSPACE:
		if (p->len == 0) {
			p->kind = TUI_PROMPT_NONE;
			return TUI_PROMPT_CANCELLED;
		}
		p->buf[--p->len] = '\0';
		return TUI_PROMPT_EDITED;
	case TUI_KEY_CTRL_U:
		p->len = 0;
		p->buf[0] = '\0';
		return TUI_PROMPT_EDITED;
	default:
		if (key >= 0x20 && key < 0x7f && p->len < TUI_PROMPT_MAX) {
			p->buf[p->len++] = (char)key;
			p->buf[p->len] = '\0';
		}
		return TUI_PROMPT_EDITED;
	}
}

bool tui_parse_addr(const char *s, uint64_t *ret)
{
	while (*s == ' ')
		s++;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	uint64_t v = 0;
	size_t digits = 0;
	for (; isxdigit((unsigned char)*s); s++, digits++) {
		if (v >> 60)
			return false;
		int c = tolower((unsigned char)*s);
		v = v * 16 + (uint64_t)(c <= '9' ? c - '0' : c - 'a' + 10);
	}
	while (*s == ' ')
		s++;
	if (digits == 0 || *s)
		return false;
	*ret = v;
	return true;
}

/* ------------------------------------------------------------- grouping */

struct key_ref {
	const char *key;
	size_t row;
};

static int cmp_key_ref(const void *a, const void *b)
{
	const struct key_ref *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	if (c)
		return c;
	return x->row < y->row ? -1 : x->row > y->row;
}

void tui_grouping_deinit(struct tui_grouping *g)
{
	free(g->group_of);
	free(g->first);
	free(g->size);
	memset(g, 0, sizeof(*g));
}

bool tui_group_rows(const char *const *keys, size_t n, struct tui_grouping *ret)
{
	size_t m = n ? n : 1;
	struct tui_grouping g = {
		.group_of = malloc(m * sizeof(size_t)),
		.first = malloc(m * sizeof(size_t)),
		.size = calloc(m, sizeof(size_t)),
	};
	struct key_ref *refs = malloc(m * sizeof(*refs));
	/* leader[i]: the first row with row i's key. */
	size_t *leader = malloc(m * sizeof(size_t));
	if (!g.group_of || !g.first || !g.size || !refs || !leader) {
		free(refs);
		free(leader);
		tui_grouping_deinit(&g);
		return false;
	}
	size_t nk = 0;
	for (size_t i = 0; i < n; i++) {
		leader[i] = i;
		if (keys[i])
			refs[nk++] = (struct key_ref){keys[i], i};
	}
	qsort(refs, nk, sizeof(*refs), cmp_key_ref);
	for (size_t i = 1; i < nk; i++)
		if (strcmp(refs[i].key, refs[i - 1].key) == 0)
			leader[refs[i].row] = leader[refs[i - 1].row];
	/* Number groups in order of their first row. */
	for (size_t i = 0; i < n; i++) {
		if (leader[i] == i) {
			g.first[g.ngroups] = i;
			g.group_of[i] = g.ngroups++;
		} else {
			g.group_of[i] = g.group_of[leader[i]];
		}
		g.size[g.group_of[i]]++;
	}
	free(refs);
	free(leader);
	*ret = g;
	return true;
}

/* ------------------------------------------------------------- pager */

void tui_pager_init(struct tui_pager *p, tui_fetch_fn fetch, void *ctx)
{
	memset(p, 0, sizeof(*p));
	p->fetch = fetch;
	p->ctx = ctx;
}

static void page_free(struct tui_pager_page *pg)
{
	for (size_t i = 0; pg->rows && i < pg->n; i++)
		free(pg->rows[i]);
	free(pg->rows);
	memset(pg, 0, sizeof(*pg));
}

void tui_pager_deinit(struct tui_pager *p)
{
	for (size_t i = 0; i < TUI_PAGER_PAGES; i++)
		page_free(&p->pages[i]);
}

struct hc_error *tui_pager_get(struct tui_pager *p, uint64_t i,
			       const char **ret)
{
	uint64_t first = i - i % TUI_PAGER_PAGE_ROWS;
	struct tui_pager_page *victim = &p->pages[0];
	for (size_t k = 0; k < TUI_PAGER_PAGES; k++) {
		struct tui_pager_page *pg = &p->pages[k];
		if (pg->used && pg->first == first) {
			pg->stamp = ++p->clock;
			*ret = i - first < pg->n ? pg->rows[i - first] : NULL;
			return NULL;
		}
		if (!pg->used || (victim->used && pg->stamp < victim->stamp))
			victim = pg;
	}
	char **rows = calloc(TUI_PAGER_PAGE_ROWS, sizeof(*rows));
	if (!rows)
		return &hc_error_nomem;
	size_t got = 0;
	p->fetches++;
	struct hc_error *err = p->fetch(p->ctx, first, TUI_PAGER_PAGE_ROWS, rows, &got);
	if (err) {
		for (size_t k = 0; k < TUI_PAGER_PAGE_ROWS; k++)
			free(rows[k]);
		free(rows);
		return err;
	}
	if (got > TUI_PAGER_PAGE_ROWS)
		got = TUI_PAGER_PAGE_ROWS;
	page_free(victim);
	victim->used = true;
	victim->first = first;
	victim->n = got;
	victim->rows = rows;
	victim->stamp = ++p->clock;
	*ret = i - first < got ? rows[i - first] : NULL;
	return NULL;
}

/* ------------------------------------------------------------- maps */

const char *tui_map_sort_name(enum tui_map_sort s)
{
	switch (s) {
	case TUI_SORT_PATH: return "path";
	case TUI_SORT_SIZE: return "size";
	case TUI_SORT_COUNT: return "count";
	case TUI_SORT_FINDINGS: return "findings";
	default: return "?";
	}
}

struct sort_ctx {
	const struct tui_map_row *const *rows;
	enum tui_map_sort key;
};

/* qsort has no context argument in C11: the comparison reads this. */
static struct sort_ctx sort_ctx;

static int cmp_u64_desc(uint64_t a, uint64_t b)
{
	return a > b ? -1 : a < b;
}

static int cmp_map_rows(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	const struct tui_map_row *x = sort_ctx.rows[i], *y = sort_ctx.rows[j];
	int c = 0;
	switch (sort_ctx.key) {
	case TUI_SORT_SIZE: c = cmp_u64_desc(x->size, y->size); break;
	case TUI_SORT_COUNT: c = cmp_u64_desc(x->count, y->count); break;
	case TUI_SORT_FINDINGS: c = cmp_u64_desc(x->findings, y->findings); break;
	default: break;
	}
	if (!c)
		c = strcmp(x->path ? x->path : "", y->path ? y->path : "");
	if (!c)
		c = i < j ? -1 : i > j;
	return c;
}

void tui_map_sort_rows(const struct tui_map_row *const *rows, size_t n,
		       enum tui_map_sort key, size_t *order)
{
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	sort_ctx.rows = rows;
	sort_ctx.key = key;
	qsort(order, n, sizeof(*order), cmp_map_rows);
}

/* ------------------------------------------------------------- slots */

/* The grid's states are the decoder's (maps.h), plus BAD. */
_Static_assert((int)TUI_SLOT_LIVE == (int)HC_MAP_SLOT_LIVE &&
		       (int)TUI_SLOT_EMPTY == (int)HC_MAP_SLOT_EMPTY &&
		       (int)TUI_SLOT_EMPTY_REST == (int)HC_MAP_SLOT_EMPTY_REST &&
		       (int)TUI_SLOT_EVACUATED_X == (int)HC_MAP_SLOT_EVACUATED_X &&
		       (int)TUI_SLOT_EVACUATED_Y == (int)HC_MAP_SLOT_EVACUATED_Y &&
		       (int)TUI_SLOT_EVACUATED_EMPTY == (int)HC_MAP_SLOT_EVACUATED_EMPTY &&
		       (int)TUI_SLOT_DELETED == (int)HC_MAP_SLOT_DELETED &&
		       (int)TUI_SLOT_INVALID == (int)HC_MAP_SLOT_INVALID,
	       "TUI_SLOT_STATES follows enum hc_map_slot");

enum tui_slot_state tui_slot_classic(uint8_t tophash)
{
	return (enum tui_slot_state)hc_map_slot_classic(tophash);
}

enum tui_slot_state tui_slot_swiss(uint8_t ctrl)
{
	return (enum tui_slot_state)hc_map_slot_swiss(ctrl);
}

char tui_slot_glyph(enum tui_slot_state s)
{
	static const char glyphs[] = {
#define TUI_SLOT_GLYPH(name, glyph, text) glyph,
		TUI_SLOT_STATES(TUI_SLOT_GLYPH)
#undef TUI_SLOT_GLYPH
	};
	return (unsigned)s < TUI_SLOT_NUM ? glyphs[s] : '?';
}

const char *tui_slot_name(enum tui_slot_state s)
{
	static const char *const names[] = {
#define TUI_SLOT_NAME(name, glyph, text) text,
		TUI_SLOT_STATES(TUI_SLOT_NAME)
#undef TUI_SLOT_NAME
	};
	return (unsigned)s < TUI_SLOT_NUM ? names[s] : "?";
}

unsigned tui_slot_glyphs(const uint8_t ctrl[TUI_SLOTS], bool swiss,
			 uint64_t ctrl_addr, const uint64_t *marks,
			 size_t nmarks, char out[TUI_SLOTS + 1])
{
	unsigned marked = 0;
	for (unsigned i = 0; i < TUI_SLOTS; i++) {
		enum tui_slot_state st = swiss ? tui_slot_swiss(ctrl[i])
					       : tui_slot_classic(ctrl[i]);
		for (size_t k = 0; k < nmarks; k++)
			if (marks[k] == ctrl_addr + i) {
				st = TUI_SLOT_BAD;
				marked++;
				break;
			}
		out[i] = tui_slot_glyph(st);
	}
	out[TUI_SLOTS] = '\0';
	return marked;
}
