/* The browser: terminal lifecycle and event loop (see hmapcore/tui.h). */
#include "config.h"

#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hmapcore/tui.h"

#include "app.h"
#include "model.h"
#include "view.h"

bool hc_tui_available(void)
{
	return true;
}

/* ------------------------------------------------ terminal restoring */

static volatile sig_atomic_t curses_on;
static SCREEN *screen;

static const int fatal_signals[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT,
};
enum { NUM_FATAL = sizeof(fatal_signals) / sizeof(fatal_signals[0]) };
static struct sigaction old_actions[NUM_FATAL];

static void restore_terminal(void)
{
	if (curses_on) {
		curses_on = 0;
		/* endwin() leaves the cursor as curs_set() last set it. */
		curs_set(1);
		endwin();
	}
}

static void restore_signals(void)
{
	for (size_t i = 0; i < NUM_FATAL; i++)
		sigaction(fatal_signals[i], &old_actions[i], NULL);
}

/* Put the terminal back, then die of the signal as we would have. endwin()
 * is not async-signal-safe, but a terminal left in raw mode on the
 * alternate screen is worse (htop and tmux do the same). */
static void on_fatal_signal(int sig)
{
	restore_terminal();
	restore_signals();
	raise(sig);
}

static void install_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < NUM_FATAL; i++)
		sigaction(fatal_signals[i], &sa, &old_actions[i]);
}

static bool registered_atexit;

static struct hc_error *start_curses(void)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return hc_error_create(HC_ERROR_INVALID_ARG,
				       "the browser needs a terminal (stdin and stdout); "
				       "try `hmapcore info` or `hmapcore goroutines`");
	setlocale(LC_ALL, "");
	if (!registered_atexit) {
		atexit(restore_terminal);
		registered_atexit = true;
	}
	set_escdelay(25);
	/* Ours before newterm(): ncurses installs its own SIGINT/SIGTERM
	 * handlers (which exit(1)) only where it finds the default. */
	install_signals();
	screen = newterm(NULL, stdout, stdin);
	if (!screen) {
		restore_signals();
		return hc_error_create(HC_ERROR_INVALID_ARG,
				       "cannot set up the terminal (TERM=%s)",
				       getenv("TERM") ? getenv("TERM") : "");
	}
	curses_on = 1;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	mousemask(BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
			  | BUTTON5_PRESSED
#endif
		  , NULL);
	return NULL;
}

static void stop_curses(void)
{
	restore_terminal();
	restore_signals();
	if (screen) {
		delscreen(screen);
		screen = NULL;
	}
}

/* ------------------------------------------------ event loop */

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Background work for about @p budget_ms. */
static struct hc_error *work(struct tui_model *m, double budget_ms)
{
	double end = now_ms() + budget_ms;
	while (tui_model_busy(m) && now_ms() < end) {
		struct hc_error *err = tui_model_step(m, 8);
		if (err)
			return err;
	}
	return NULL;
}

static struct hc_error *loop(struct tui_view *v, struct tui_app *a)
{
	bool dirty = true;
	double last_tick = now_ms();
	for (;;) {
		if (dirty) {
			tui_view_paint(v, a);
			dirty = false;
		}
		bool busy = tui_model_busy(a->m);
		timeout(busy ? 0 : -1);
		int ch = getch();
		if (ch == ERR) {
			if (!busy)
				continue;
			struct hc_error *err = work(a->m, 30);
			if (err)
				return err;
			/* Re-filter and regroup at most a few times a second. */
			if (!tui_model_busy(a->m) || now_ms() - last_tick > 250) {
				tui_app_tick(a);
				last_tick = now_ms();
			}
			dirty = true;
			continue;
		}
		int key = tui_view_key(v, a, ch);
		if (key == TUI_KEY_NONE)
			continue;
		int intents = tui_app_key(a, key);
		if (intents & TUI_INTENT_QUIT)
			return NULL;
		if (intents & TUI_INTENT_REDRAW)
			dirty = true;
	}
}

struct hc_error *hc_tui_run(const char *core_path,
			    const struct hc_target_options *opts)
{
	struct hc_error *err = start_curses();
	if (err)
		return err;
	struct tui_view v;
	memset(&v, 0, sizeof(v));
	tui_view_setup(&v);
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	hc_strbuf_appends(&sb, "Opening ");
	hc_strbuf_append_escaped(&sb, core_path, strlen(core_path));
	hc_strbuf_appends(&sb, " ...");
	tui_view_splash(&v, sb.str ? sb.str : "Opening ...",
			"(reading the core, the executable and the runtime)");
	hc_strbuf_deinit(&sb);

	struct hc_target_options o = opts ? *opts : (struct hc_target_options){0};
	struct hc_target *t = NULL;
	struct tui_model *m = NULL;
	err = hc_target_open(core_path, &o, &t);
	if (!err)
		err = tui_model_create(t, &m);
	if (!err) {
		struct tui_app a;
		tui_app_init(&a, m);
		err = loop(&v, &a);
		tui_app_deinit(&a);
	}
	stop_curses();
	tui_model_destroy(m);
	hc_target_destroy(t);
	return err;
}
