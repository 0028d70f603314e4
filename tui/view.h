/*
 * The browser's view (layer L5, tui/; private): painting and key
 * translation. With tui/tui.c, the only code that includes curses.
 */
#ifndef HMAPCORE_TUI_VIEW_H
#define HMAPCORE_TUI_VIEW_H

#include <stdbool.h>

#include "app.h"

struct tui_view {
	/** Colours in use (a colour terminal and no NO_COLOR). */
	bool color;
	/** The locale is UTF-8: line drawing with box characters. */
	bool utf8;
	/** Curses attribute of each role. */
	int attr[TUI_ROLE_NUM];
	/** Columns of the tabs on the tab bar, for clicks. */
	int tab_x0[TUI_NUM_TABS], tab_x1[TUI_NUM_TABS];
};

/** Choose colours or monochrome attributes (after initscr). */
void tui_view_setup(struct tui_view *v);

/** Paint the whole screen of @p a. */
void tui_view_paint(struct tui_view *v, struct tui_app *a);

/** Paint a one-line message on an otherwise empty screen. */
void tui_view_splash(struct tui_view *v, const char *line1, const char *line2);

/**
 * Translate a curses key (from getch) into an enum tui_key or a
 * printable character; mouse events set a->click_y. TUI_KEY_NONE for a key
 * to ignore.
 */
int tui_view_key(struct tui_view *v, struct tui_app *a, int ch);

#endif /* HMAPCORE_TUI_VIEW_H */
