/**
 * @file tui.h
 * The ncurses browser (layer L5, tui/).
 *
 * Not built yet (its own issue): this header only reserves the module.
 * tui/ is the only code that includes curses.
 */
#ifndef HMAPCORE_TUI_H
#define HMAPCORE_TUI_H

#include <stdbool.h>

/** Whether the browser is built into this hmapcore. */
bool hc_tui_available(void);

#endif /* HMAPCORE_TUI_H */
