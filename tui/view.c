/* The browser's view: painting and key translation (see tui/view.h). */
#include "config.h"

#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <langinfo.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "view.h"

/* The terminal's own colour (use_default_colors). */
#define COLOR_DEFAULT (-1)

void tui_view_setup(struct tui_view *v)
{
	const char *nc = getenv("NO_COLOR");
	v->color = has_colors() && !(nc && *nc);
	const char *cs = nl_langinfo(CODESET);
	v->utf8 = cs && strcmp(cs, "UTF-8") == 0;
	if (v->color) {
		start_color();
		if (use_default_colors() == ERR)
			v->color = false;
	}
	static const short fg[] = {
#define FG(name, f, b, mono) COLOR_##f,
		TUI_ROLES(FG)
#undef FG
	};
	static const short bg[] = {
#define BG(name, f, b, mono) COLOR_##b,
		TUI_ROLES(BG)
#undef BG
	};
	static const int mono[] = {
#define MONO(name, f, b, m) A_##m,
		TUI_ROLES(MONO)
#undef MONO
	};
	for (int i = 0; i < TUI_ROLE_NUM; i++) {
		if (v->color && i + 1 < COLOR_PAIRS) {
			init_pair((short)(i + 1), fg[i], bg[i]);
			/* Keep bold and underline in colour: they carry meaning. */
			int keep = mono[i] & (A_BOLD | A_UNDERLINE | A_DIM);
			v->attr[i] = (int)(COLOR_PAIR(i + 1) | (chtype)keep);
		} else {
			v->attr[i] = mono[i];
		}
	}
}

/*
 * Put @p s at (y, x), at most up to column @p xmax, skipping the first
 * @p skip columns. Bytes that are not printable in the locale are shown
 * as '?': the strings are escaped already, this is the last line of
 * defence. Returns the column after the text.
 */
static int put(int y, int x, int xmax, const char *s, size_t skip)
{
	mbstate_t st;
	memset(&st, 0, sizeof(st));
	size_t col = 0;
	move(y, x);
	while (*s && x < xmax) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s, strlen(s), &st);
		int w;
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&st, 0, sizeof(st));
			wc = L'?';
			n = 1;
		}
		w = wcwidth(wc);
		if (w < 0 || wc < 0x20 || wc == 0x7f) {
			wc = L'?';
			w = 1;
		}
		if (col >= skip) {
			if (x + w > xmax)
				break;
			addnwstr(&wc, 1);
			x += w;
		}
		col += (size_t)w;
		s += n;
	}
	return x;
}

static void fill(int y, int x0, int x1, int attr)
{
	attrset(attr);
	for (int x = x0; x < x1; x++)
		mvaddch(y, x, ' ');
}

static void hline_at(struct tui_view *v, int y, int cols, int attr)
{
	attrset(attr);
	if (v->utf8) {
		move(y, 0);
		hline_set(WACS_HLINE, cols);
	} else {
		mvhline(y, 0, '-', cols);
	}
}

/* The tab bar: the four tabs, the current screen if it is not one, and
 * the Go version. */
static void paint_tabs(struct tui_view *v, struct tui_app *a, int cols)
{
	fill(0, 0, cols, v->attr[TUI_ROLE_BAR]);
	int x = put(0, 0, cols, " hmapcore ", 0);
	for (int i = 0; i < TUI_NUM_TABS; i++) {
		char label[40];
		snprintf(label, sizeof(label), " %d %s ", i + 1, tui_screens[i]->name);
		attrset(v->attr[i == a->screen ? TUI_ROLE_TAB_ACTIVE : TUI_ROLE_BAR]);
		v->tab_x0[i] = x;
		x = put(0, x, cols, label, 0);
		v->tab_x1[i] = x;
		attrset(v->attr[TUI_ROLE_BAR]);
		x = put(0, x, cols, v->utf8 ? "\xe2\x94\x82" : "|", 0);
	}
	if (a->screen >= TUI_NUM_TABS) {
		attrset(v->attr[TUI_ROLE_TAB_ACTIVE]);
		char label[40];
		snprintf(label, sizeof(label), " %s ", tui_screens[a->screen]->name);
		x = put(0, x, cols, label, 0);
	}
	attrset(v->attr[TUI_ROLE_BAR]);
	const struct hc_target *t = a->m ? a->m->t : NULL;
	if (t) {
		char ver[64];
		snprintf(ver, sizeof(ver), "go%d.%d.%d ", t->go_major, t->go_minor,
			 t->go_patch);
		int w = (int)strlen(ver);
		if (x + w + 1 < cols)
			put(0, cols - w, cols, ver, 0);
	}
}

/* Lines of @p sb from row @p y, at most @p n of them. */
static void paint_lines(const struct hc_strbuf *sb, int y, size_t n, int cols,
			size_t skip, int first_attr, int attr)
{
	const char *p = sb->str ? sb->str : "";
	for (size_t i = 0; i < n && *p; i++) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char *line = strndup(p, len);
		attrset(i == 0 ? first_attr : attr);
		if (line)
			put(y + (int)i, 0, cols, line, skip);
		free(line);
		p += len + (e ? 1 : 0);
	}
}

/* The colour role of a glyph of the grid (TUI_SLOT_STATES), or -1 for
 * text in brackets that is no glyph (e.g. "map[int]int" in a message). */
static int slot_role(char c)
{
	switch (c) {
	case '#': return TUI_ROLE_SLOT_LIVE;
	case '.': case '_': case '-': return TUI_ROLE_SLOT_EMPTY;
	case '<': case '>': return TUI_ROLE_SLOT_OLD;
	case 'x': return TUI_ROLE_SLOT_DELETED;
	case '?': case '!': return TUI_ROLE_SLOT_BAD;
	default: return -1;
	}
}

/* A row of the internals grid: the glyphs between [ and ] coloured by
 * slot state. */
static void paint_grid_row(struct tui_view *v, int y, int cols,
			   const char *s, size_t skip, int base)
{
	int x = 0;
	size_t col = 0;
	bool in = false;
	for (; *s && x < cols; s++, col++) {
		char c = (char)((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f ? '?' : *s);
		if (c == ']')
			in = false;
		if (col >= skip) {
			int role = in ? slot_role(c) : -1;
			attrset(role >= 0 ? v->attr[role] : base);
			mvaddch(y, x++, (chtype)(unsigned char)c);
		}
		if (c == '[')
			in = true;
	}
}

static void paint_list(struct tui_view *v, struct tui_app *a, int cols)
{
	const struct tui_screen_ops *ops = tui_screens[a->screen];
	struct tui_list *l = tui_app_list(a);
	size_t n = tui_list_size(l);
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	bool grid = a->screen == TUI_SCR_MAP && a->map_internals;
	for (size_t i = 0; i < a->lay.list_height; i++) {
		size_t vi = l->top + i;
		if (vi >= n)
			break;
		size_t row = tui_list_row(l, vi);
		hc_strbuf_reset(&sb);
		if (!ops->row_text(a, row, &sb))
			break;
		int y = (int)(a->lay.list_y + i);
		enum tui_role role = ops->row_role ? ops->row_role(a, row) : TUI_ROLE_NORMAL;
		bool cur = vi == l->cursor;
		int attr = v->attr[cur ? TUI_ROLE_CURSOR : role];
		if (cur) {
			fill(y, 0, cols, attr);
		}
		if (grid && !cur) {
			paint_grid_row(v, y, cols, sb.str ? sb.str : "", a->hscroll, attr);
		} else {
			attrset(attr);
			put(y, 0, cols, sb.str ? sb.str : "", a->hscroll);
		}
	}
	hc_strbuf_deinit(&sb);
	if (n == 0) {
		attrset(v->attr[TUI_ROLE_DIM]);
		put((int)a->lay.list_y, 0, cols,
		    l->filter ? "(nothing matches the filter; Esc clears it)" : "(empty)", 0);
	}
}

void tui_view_paint(struct tui_view *v, struct tui_app *a)
{
	int rows, cols;
	getmaxyx(stdscr, rows, cols);
	erase();
	if (rows < 6 || cols < 20) {
		attrset(v->attr[TUI_ROLE_NORMAL]);
		put(0, 0, cols, "terminal too small", 0);
		refresh();
		return;
	}
	tui_app_layout(a, (size_t)rows, (size_t)cols);
	paint_tabs(v, a, cols);
	const struct tui_layout *lay = &a->lay;
	paint_lines(&lay->header, 1, lay->header_lines, cols, 0,
		    v->attr[TUI_ROLE_TITLE], v->attr[TUI_ROLE_NORMAL]);
	if (lay->has_columns) {
		int y = (int)lay->list_y - 1;
		fill(y, 0, cols, v->attr[TUI_ROLE_HEADER]);
		put(y, 0, cols, lay->columns.str, a->hscroll);
	}
	paint_list(v, a, cols);
	if (lay->detail_lines) {
		hline_at(v, (int)lay->detail_y - 1, cols, v->attr[TUI_ROLE_DIM]);
		paint_lines(&lay->detail, (int)lay->detail_y, lay->detail_lines, cols,
			    0, v->attr[TUI_ROLE_NORMAL], v->attr[TUI_ROLE_NORMAL]);
	}
	/* Status line. */
	struct hc_strbuf st;
	hc_strbuf_init(&st);
	tui_app_status(a, &st);
	int srole = a->prompt.kind == TUI_PROMPT_NONE && a->message[0] &&
				    a->message_role != TUI_ROLE_NORMAL
			    ? a->message_role : TUI_ROLE_BAR;
	fill(rows - 1, 0, cols, v->attr[TUI_ROLE_BAR]);
	attrset(v->attr[srole]);
	int x = put(rows - 1, 0, cols - 1, st.str ? st.str : "", 0);
	hc_strbuf_deinit(&st);
	attrset(v->attr[TUI_ROLE_NORMAL]);
	if (a->prompt.kind != TUI_PROMPT_NONE) {
		curs_set(1);
		move(rows - 1, x < cols ? x : cols - 1);
	} else {
		curs_set(0);
	}
	refresh();
}

void tui_view_splash(struct tui_view *v, const char *line1, const char *line2)
{
	int rows, cols;
	getmaxyx(stdscr, rows, cols);
	erase();
	attrset(v->attr[TUI_ROLE_BAR]);
	fill(0, 0, cols, v->attr[TUI_ROLE_BAR]);
	put(0, 0, cols, " hmapcore", 0);
	attrset(v->attr[TUI_ROLE_TITLE]);
	if (rows > 3) {
		put(2, 2, cols, line1, 0);
		if (line2) {
			attrset(v->attr[TUI_ROLE_NORMAL]);
			put(3, 2, cols, line2, 0);
		}
	}
	refresh();
}

int tui_view_key(struct tui_view *v, struct tui_app *a, int ch)
{
	switch (ch) {
	case KEY_UP: return TUI_KEY_UP;
	case KEY_DOWN: return TUI_KEY_DOWN;
	case KEY_LEFT: return TUI_KEY_LEFT;
	case KEY_RIGHT: return TUI_KEY_RIGHT;
	case KEY_PPAGE: return TUI_KEY_PGUP;
	case KEY_NPAGE: return TUI_KEY_PGDN;
	case KEY_HOME: return TUI_KEY_HOME;
	case KEY_END: return TUI_KEY_END;
	case KEY_BTAB: return TUI_KEY_BTAB;
	case KEY_RESIZE: return TUI_KEY_RESIZE;
	case KEY_ENTER: case '\r': case '\n': return TUI_KEY_ENTER;
	case KEY_BACKSPACE: case 127: case 8: return TUI_KEY_BACKSPACE;
	case '\t': return TUI_KEY_TAB;
	case 27: return TUI_KEY_ESC;
	case KEY_MOUSE: {
		MEVENT ev;
		if (getmouse(&ev) != OK)
			return TUI_KEY_NONE;
		if (ev.bstate & BUTTON4_PRESSED)
			return TUI_KEY_WHEEL_UP;
#ifdef BUTTON5_PRESSED
		if (ev.bstate & BUTTON5_PRESSED)
			return TUI_KEY_WHEEL_DOWN;
#endif
		if (!(ev.bstate & (BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED |
				   BUTTON1_PRESSED)))
			return TUI_KEY_NONE;
		if (ev.y == 0) {
			/* A tab: as if its number was typed. */
			for (int i = 0; i < TUI_NUM_TABS; i++)
				if (ev.x >= v->tab_x0[i] && ev.x < v->tab_x1[i])
					return '1' + i;
			return TUI_KEY_NONE;
		}
		a->click_y = ev.y < 0 ? 0 : (size_t)ev.y;
		return ev.bstate & BUTTON1_DOUBLE_CLICKED ? TUI_KEY_DOUBLE_CLICK
							  : TUI_KEY_CLICK;
	}
	default:
		if (ch == 21)
			return TUI_KEY_CTRL_U;
		if (ch == 2 || ch == 6 || (ch >= 0x20 && ch < 0x7f))
			return ch;
		return TUI_KEY_NONE;
	}
}
