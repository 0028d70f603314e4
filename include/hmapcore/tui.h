/**
 * @file tui.h
 * The ncurses browser (layer L5, tui/).
 *
 * `hmapcore tui CORE` (and `hmapcore CORE` on a terminal) opens a
 * full-screen browser: Summary (the crash and the findings), Goroutines
 * (grouped by identical stacks, filtered as one types), Stack, Threads,
 * Maps and Map (entries and internals, when the map decoders are built
 * in), the address prompt `:` and help `?`.
 *
 * Three tiers (shared/STYLE.md "The browser"): the model (the target, read
 * only, and what the browser computes from it lazily: tui/model.c), the
 * view-models (cursor, scroll, filter, search, grouping, history: tui/vm.c
 * and the screens of tui/app.c, plain C tested without a terminal by
 * tests/check_tui.c) and the view (tui/view.c, tui/tui.c: the only code
 * that includes curses).
 *
 * The terminal is always restored: on quit, on an error, at exit and on
 * fatal signals (SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS, SIGFPE,
 * SIGILL, SIGABRT: restore, then re-raise with the previous disposition).
 */
#ifndef HMAPCORE_TUI_H
#define HMAPCORE_TUI_H

#include <stdbool.h>

#include "hmapcore/error.h"
#include "hmapcore/target.h"

/** Whether the browser is built into this hmapcore. */
bool hc_tui_available(void);

/**
 * Run the browser on the controlling terminal (stdin/stdout) until the
 * user quits. The first screen shows while the core is opened; the
 * goroutines' stacks are unwound in the background from the event loop.
 * @param opts how to find the executable (may be NULL).
 * @return NULL when the user quit; INVALID_ARG when stdout is not a
 * terminal or the terminal cannot be set up; the errors of
 * hc_target_open(). The terminal is restored before returning, so the
 * caller prints the error.
 */
struct hc_error *hc_tui_run(const char *core_path,
			    const struct hc_target_options *opts);

#endif /* HMAPCORE_TUI_H */
