/* The browser's screens and key handling: see tui/app.h. No curses here. */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmapcore/info.h"
#include "hmapcore/traceback.h"

#include "app.h"

static const char no_maps[] = "map decoding not available in this build";

struct tui_list *tui_app_list(struct tui_app *a)
{
	return &a->lists[a->screen];
}

static size_t height(const struct tui_app *a)
{
	return a->lay.list_height ? a->lay.list_height : 1;
}

void tui_app_message(struct tui_app *a, enum tui_role role, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a->message, sizeof(a->message), fmt, ap);
	va_end(ap);
	a->message_role = role;
}

static bool appends_esc(struct hc_strbuf *out, const char *s)
{
	return hc_strbuf_append_escaped(out, s ? s : "?", strlen(s ? s : "?"));
}

/* "goroutine N" in a line of text (the summary, an address): N, or 0. */
static uint64_t goroutine_in(const char *s)
{
	const char *p = s ? strstr(s, "goroutine ") : NULL;
	if (!p)
		return 0;
	p += strlen("goroutine ");
	uint64_t v = 0;
	bool any = false;
	for (; *p >= '0' && *p <= '9' && v < UINT64_MAX / 10 - 10; p++) {
		v = v * 10 + (uint64_t)(*p - '0');
		any = true;
	}
	return any ? v : 0;
}

/* Open the stack of goroutine @p goid, or say why not. */
static int open_goroutine(struct tui_app *a, uint64_t goid)
{
	if (tui_model_find(a->m, goid) == TUI_NO_ROW) {
		tui_app_message(a, TUI_ROLE_WARN, "goroutine %" PRIu64 " is not live", goid);
		return TUI_INTENT_REDRAW;
	}
	tui_app_go(a, TUI_SCR_STACK, goid);
	return TUI_INTENT_REDRAW;
}

/* ------------------------------------------------------------ Summary */

/* Rows: the info summary, a blank line, "findings", then the findings
 * (or one line saying why there are none), then the gaps of the analysis
 * that the info summary does not already show ("incomplete: WHY"). */
static size_t summary_findings_row(const struct tui_app *a)
{
	return a->m->nsummary + 1;
}

/* The analysis' gaps, once it ran (NULL before, or without maps). */
static const struct hc_completeness *analysis_gaps(const struct tui_app *a)
{
	if (!a->m->maps.ops || !a->m->maps_done || a->m->maps_error || !a->m->maps.ops->gaps)
		return NULL;
	return a->m->maps.ops->gaps(a->m->maps.ctx);
}

static bool gap_in_summary(const struct tui_app *a, const struct hc_gap *g)
{
	static const char prefix[] = "incomplete: ";
	for (size_t i = 0; i < a->m->nsummary; i++)
		if (strncmp(a->m->summary[i], prefix, sizeof(prefix) - 1) == 0 &&
		    strcmp(a->m->summary[i] + sizeof(prefix) - 1, g->reason) == 0)
			return true;
	return false;
}

/* The @p k-th gap not in the summary (k = SIZE_MAX: how many there are,
 * through @p n_ret). */
static const struct hc_gap *summary_gap(const struct tui_app *a, size_t k, size_t *n_ret)
{
	const struct hc_completeness *c = analysis_gaps(a);
	size_t n = 0;
	for (size_t i = 0; c && i < c->gaps.size; i++) {
		if (gap_in_summary(a, &c->gaps.data[i]))
			continue;
		if (n++ == k)
			return &c->gaps.data[i];
	}
	if (n_ret)
		*n_ret = n + (c && c->dropped ? 1 : 0);
	return NULL;
}

static size_t summary_ngaps(const struct tui_app *a)
{
	size_t n;
	summary_gap(a, SIZE_MAX, &n);
	return n;
}

static bool findings_ready(const struct tui_app *a)
{
	return a->m->maps.ops && a->m->maps_done && !a->m->maps_error &&
	       a->m->maps.ops->nfindings;
}

static size_t summary_nfindings(const struct tui_app *a)
{
	if (!findings_ready(a))
		return 1;
	size_t n = a->m->maps.ops->nfindings(a->m->maps.ctx);
	return n ? n : 1;
}

static bool summary_text(void *ctx, size_t row, struct hc_strbuf *out)
{
	struct tui_app *a = ctx;
	if (row < a->m->nsummary)
		return hc_strbuf_appends(out, a->m->summary[row]);
	if (row == a->m->nsummary)
		return hc_strbuf_appends(out, "");
	if (row == summary_findings_row(a))
		return hc_strbuf_appends(out, "findings");
	size_t i = row - summary_findings_row(a) - 1;
	if (i >= summary_nfindings(a)) {
		const struct hc_gap *g = summary_gap(a, i - summary_nfindings(a), NULL);
		if (!g)
			return hc_strbuf_appends(out, "incomplete: more reasons could not be recorded (out of memory)");
		return hc_strbuf_appendf(out, "incomplete: %s; cost: %s", g->reason, g->cost);
	}
	if (!a->m->maps.ops)
		return hc_strbuf_appends(out, "  ") && hc_strbuf_appends(out, no_maps);
	if (a->m->maps_error)
		return hc_strbuf_appends(out, "  maps could not be analysed: ") &&
		       appends_esc(out, a->m->maps_error);
	if (!a->m->maps_done)
		return hc_strbuf_appends(out, "  (analysing the maps...)");
	if (a->m->maps.ops->nfindings(a->m->maps.ctx) == 0)
		return hc_strbuf_appends(out, "  (none)");
	size_t map;
	uint64_t goid;
	return hc_strbuf_appends(out, "  ") &&
	       a->m->maps.ops->finding(a->m->maps.ctx, i, out, &map, &goid);
}

static enum tui_role summary_role(struct tui_app *a, size_t row)
{
	if (row > summary_findings_row(a) + summary_nfindings(a))
		return TUI_ROLE_WARN;
	if (row < a->m->nsummary) {
		const char *s = a->m->summary[row];
		if (strncmp(s, "incomplete", 10) == 0 || strncmp(s, "            cost:", 17) == 0)
			return TUI_ROLE_WARN;
		if (strncmp(s, "fatal", 5) == 0 || strncmp(s, "panic", 5) == 0 ||
		    strncmp(s, "signal", 6) == 0)
			return TUI_ROLE_ERROR;
		if (strncmp(s, "crashed", 7) == 0)
			return TUI_ROLE_ACCENT;
		return TUI_ROLE_NORMAL;
	}
	if (row == summary_findings_row(a))
		return TUI_ROLE_TITLE;
	if (row > summary_findings_row(a) && findings_ready(a)) {
		struct hc_strbuf sb;
		hc_strbuf_init(&sb);
		summary_text(a, row, &sb);
		enum tui_role r = sb.str && strstr(sb.str, "error ") == sb.str + 2
					  ? TUI_ROLE_ERROR
				  : sb.str && strstr(sb.str, "warning ") == sb.str + 2
					  ? TUI_ROLE_WARN : TUI_ROLE_NORMAL;
		hc_strbuf_deinit(&sb);
		return r;
	}
	return TUI_ROLE_DIM;
}

static void summary_enter(struct tui_app *a, uint64_t arg, bool fresh)
{
	struct tui_list *l = &a->lists[TUI_SCR_SUMMARY];
	size_t n = a->m->nsummary + 2 + summary_nfindings(a) + summary_ngaps(a);
	if (l->count != n)
		tui_list_set_count(l, n, height(a));
}

static void summary_refresh(struct tui_app *a)
{
	summary_enter(a, 0, false);
}

static int open_map(struct tui_app *a, size_t map);

static int summary_activate(struct tui_app *a, size_t row)
{
	if (row >= a->m->nsummary) {
		if (row <= summary_findings_row(a))
			return TUI_INTENT_NONE;
		if (!findings_ready(a)) {
			if (!a->m->maps.ops)
				tui_app_message(a, TUI_ROLE_WARN, "%s", no_maps);
			return TUI_INTENT_REDRAW;
		}
		size_t map;
		uint64_t goid;
		struct hc_strbuf sb;
		hc_strbuf_init(&sb);
		bool ok = a->m->maps.ops->finding(a->m->maps.ctx,
						  row - summary_findings_row(a) - 1,
						  &sb, &map, &goid);
		hc_strbuf_deinit(&sb);
		if (ok && map != TUI_NO_ROW)
			return open_map(a, map);
		if (ok && goid)
			return open_goroutine(a, goid);
		return TUI_INTENT_NONE;
	}
	uint64_t goid = goroutine_in(a->m->summary[row]);
	if (goid)
		return open_goroutine(a, goid);
	/* The fatal error line: to the goroutine that raised it. */
	const char *s = a->m->summary[row];
	if ((strncmp(s, "fatal", 5) == 0 || strncmp(s, "panic", 5) == 0) &&
	    a->m->crashed != TUI_NO_ROW)
		return open_goroutine(a, a->m->gs[a->m->crashed].g->goid);
	return TUI_INTENT_NONE;
}

static bool summary_header(struct tui_app *a, struct hc_strbuf *out)
{
	return hc_strbuf_appends(out, "Crash summary  (Enter on a goroutine: its stack)");
}

static const struct tui_screen_ops summary_ops = {
	.name = "Summary",
	.hint = "Enter:open  Tab:next screen  :addr  ?:help  q:quit",
	.enter = summary_enter,
	.activate = summary_activate,
	.row_text = summary_text,
	.row_role = summary_role,
	.header = summary_header,
	.refresh = summary_refresh,
};

/* ------------------------------------------------------------ Goroutines */

static void goroutines_regroup(struct tui_app *a)
{
	if (a->grouping_valid && a->grouped_n == a->m->nunwound)
		return;
	const char **keys = malloc((a->m->ngs ? a->m->ngs : 1) * sizeof(*keys));
	if (!keys)
		return;
	for (size_t i = 0; i < a->m->ngs; i++)
		keys[i] = a->m->gs[i].unwound ? a->m->gs[i].key : NULL;
	struct tui_grouping g;
	if (tui_group_rows(keys, a->m->ngs, &g)) {
		if (a->grouping_valid)
			tui_grouping_deinit(&a->grouping);
		a->grouping = g;
		a->grouping_valid = true;
		a->grouped_n = a->m->nunwound;
	}
	free(keys);
}

/* Goroutine index of a row (the group's first goroutine when grouped). */
static size_t goroutine_of_row(struct tui_app *a, size_t row)
{
	if (a->grouped && a->grouping_valid)
		return row < a->grouping.ngroups ? a->grouping.first[row] : TUI_NO_ROW;
	return row < a->m->ngs ? row : TUI_NO_ROW;
}

static bool goroutines_text(void *ctx, size_t row, struct hc_strbuf *out)
{
	struct tui_app *a = ctx;
	size_t i = goroutine_of_row(a, row);
	if (i == TUI_NO_ROW)
		return true;
	const struct tui_gor *r = &a->m->gs[i];
	const char *top = r->unwound ? r->top : "...";
	if (a->grouped && a->grouping_valid) {
		size_t gi = a->grouping.group_of[i];
		bool ok = hc_strbuf_appendf(out, "%7zu  %-24s %s  [", a->grouping.size[gi],
					    r->state, top);
		size_t shown = 0;
		for (size_t k = i; ok && k < a->m->ngs; k++) {
			if (a->grouping.group_of[k] != gi)
				continue;
			if (shown++ == 16) {
				ok = hc_strbuf_appends(out, " ...");
				break;
			}
			ok = hc_strbuf_appendf(out, "%s%" PRIu64, shown > 1 ? " " : "",
					       a->m->gs[k].g->goid);
		}
		return ok && hc_strbuf_appendc(out, ']');
	}
	return hc_strbuf_appendf(out, "%-7" PRIu64 "  %-24s %s", r->g->goid, r->state, top);
}

static bool goroutines_filter_text(void *ctx, size_t row, struct hc_strbuf *out)
{
	struct tui_app *a = ctx;
	size_t i = goroutine_of_row(a, row);
	if (!goroutines_text(ctx, row, out))
		return false;
	if (i != TUI_NO_ROW && a->m->gs[i].funcs)
		return hc_strbuf_appends(out, a->m->gs[i].funcs);
	return true;
}

static enum tui_role goroutines_role(struct tui_app *a, size_t row)
{
	size_t i = goroutine_of_row(a, row);
	if (i == TUI_NO_ROW)
		return TUI_ROLE_NORMAL;
	if (a->m->gs[i].crashed)
		return TUI_ROLE_ERROR;
	if (!a->m->gs[i].unwound)
		return TUI_ROLE_DIM;
	return TUI_ROLE_NORMAL;
}

/* Rebuild the row count, keeping the cursor and re-applying the filter. */
static void goroutines_rows(struct tui_app *a)
{
	struct tui_list *l = &a->lists[TUI_SCR_GOROUTINES];
	size_t n = a->m->ngs;
	if (a->grouped) {
		goroutines_regroup(a);
		n = a->grouping_valid ? a->grouping.ngroups : 0;
	}
	char *filter = l->filter ? strdup(l->filter) : NULL;
	size_t row = tui_list_current(l);
	tui_list_set_count(l, n, height(a));
	if (filter)
		tui_list_filter(l, filter, goroutines_filter_text, a, height(a));
	if (row != TUI_NO_ROW && row < n)
		tui_list_select_row(l, row, height(a));
	free(filter);
}

static void goroutines_enter(struct tui_app *a, uint64_t arg, bool fresh)
{
	goroutines_rows(a);
}

static void goroutines_refresh(struct tui_app *a)
{
	struct tui_list *l = &a->lists[TUI_SCR_GOROUTINES];
	if (a->grouped || l->filter)
		goroutines_rows(a);
}

static int goroutines_activate(struct tui_app *a, size_t row)
{
	size_t i = goroutine_of_row(a, row);
	if (i == TUI_NO_ROW)
		return TUI_INTENT_NONE;
	return open_goroutine(a, a->m->gs[i].g->goid);
}

static int goroutines_key(struct tui_app *a, int key)
{
	if (key != 's')
		return -1;
	struct tui_list *l = &a->lists[TUI_SCR_GOROUTINES];
	/* Keep the cursor on the same goroutine across the switch. */
	size_t gi = goroutine_of_row(a, tui_list_current(l));
	a->grouped = !a->grouped;
	goroutines_rows(a);
	if (gi != TUI_NO_ROW) {
		size_t row = gi;
		if (a->grouped && a->grouping_valid)
			row = a->grouping.group_of[gi];
		tui_list_select_row(l, row, height(a));
	}
	if (a->grouped && a->m->nunwound < a->m->ngs)
		tui_app_message(a, TUI_ROLE_WARN,
				"grouping what is unwound so far (%zu of %zu)",
				a->m->nunwound, a->m->ngs);
	return TUI_INTENT_REDRAW;
}

static bool goroutines_columns(struct tui_app *a, struct hc_strbuf *out)
{
	if (a->grouped)
		return hc_strbuf_appendf(out, "%7s  %-24s %s  %s", "COUNT", "STATE",
					 "TOP FRAME", "[IDS]");
	return hc_strbuf_appendf(out, "%-7s  %-24s %s", "ID", "STATE", "TOP FRAME");
}

static bool goroutines_header(struct tui_app *a, struct hc_strbuf *out)
{
	struct tui_list *l = &a->lists[TUI_SCR_GOROUTINES];
	bool ok = hc_strbuf_appendf(out, "%zu goroutines", a->m->ngs);
	if (ok && a->grouped && a->grouping_valid)
		ok = hc_strbuf_appendf(out, " in %zu groups of identical stacks",
				       a->grouping.ngroups);
	if (ok && l->filter)
		ok = hc_strbuf_appends(out, ", filter \"") && appends_esc(out, l->filter) &&
		     hc_strbuf_appendf(out, "\": %zu shown", tui_list_size(l));
	return ok;
}

static const struct tui_screen_ops goroutines_ops = {
	.name = "Goroutines",
	.hint = "Enter:stack  s:group  f:filter  /:search  n/N  Esc:back  ?:help",
	.enter = goroutines_enter,
	.key = goroutines_key,
	.activate = goroutines_activate,
	.row_text = goroutines_text,
	.filter_text = goroutines_filter_text,
	.row_role = goroutines_role,
	.header = goroutines_header,
	.columns = goroutines_columns,
	.refresh = goroutines_refresh,
};

/* ------------------------------------------------------------ Threads */

static size_t nthreads(const struct tui_app *a)
{
	return a->m->t->runtime ? a->m->t->runtime->threads.size : 0;
}

static bool threads_text(void *ctx, size_t row, struct hc_strbuf *out)
{
	struct tui_app *a = ctx;
	if (!a->m->u)
		return hc_strbuf_appends(out, a->m->unwinder_error);
	return hc_traceback_thread_line(a->m->t, a->m->u, row, out);
}

static void threads_enter(struct tui_app *a, uint64_t arg, bool fresh)
{
	struct tui_list *l = &a->lists[TUI_SCR_THREADS];
	size_t n = a->m->u ? nthreads(a) : 1;
	if (l->count != n)
		tui_list_set_count(l, n, height(a));
}

static int threads_activate(struct tui_app *a, size_t row)
{
	if (!a->m->u || row >= nthreads(a))
		return TUI_INTENT_NONE;
	tui_app_go(a, TUI_SCR_STACK, UINT64_C(1) << 63 | row);
	return TUI_INTENT_REDRAW;
}

static bool threads_columns(struct tui_app *a, struct hc_strbuf *out)
{
	return hc_traceback_thread_header(out);
}

static bool threads_header(struct tui_app *a, struct hc_strbuf *out)
{
	return hc_strbuf_appendf(out, "%zu threads  (Enter: the thread's stack "
				 "across gsignal, g0 and its goroutine)", nthreads(a));
}

static const struct tui_screen_ops threads_ops = {
	.name = "Threads",
	.hint = "Enter:stack  /:search  n/N  Esc:back  ?:help  q:quit",
	.enter = threads_enter,
	.activate = threads_activate,
	.row_text = threads_text,
	.header = threads_header,
	.columns = threads_columns,
};

/* ------------------------------------------------------------ Stack */

static const struct hc_stack *cur_stack(struct tui_app *a)
{
	if (a->stack_is_thread)
		return &a->thread_stack;
	if (a->stack_g < a->m->ngs)
		return &a->m->gs[a->stack_g].stack;
	return NULL;
}

/* At most this many native frames of a thread (as threads --stacks). */
enum { TUI_NATIVE_FRAMES = 64 };

/* Rows of a thread's native frames (they come first: innermost). */
static size_t native_rows(const struct tui_app *a)
{
	return a->stack_is_thread ? a->thread_native.frames.size : 0;
}

/* The Go frame of @p row, or NULL (a native row, or none). */
static const struct hc_frame *row_frame(struct tui_app *a, size_t row)
{
	const struct hc_stack *s = cur_stack(a);
	size_t nn = native_rows(a);
	if (!s || row < nn || row - nn >= s->frames.size)
		return NULL;
	return &s->frames.data[row - nn];
}

static bool native_row(struct tui_app *a, size_t row, struct hc_strbuf *out)
{
	const struct hc_native_frame *f = &a->thread_native.frames.data[row];
	return hc_native_frame_format(out, f->pc, f->func, f->offset, f->module, f->file,
				      f->line, f->go, appends_esc);
}

static void stack_enter(struct tui_app *a, uint64_t arg, bool fresh)
{
	struct tui_list *l = &a->lists[TUI_SCR_STACK];
	hc_stack_deinit(&a->thread_stack);
	hc_stack_init(&a->thread_stack);
	hc_native_stack_deinit(&a->thread_native);
	hc_native_stack_init(&a->thread_native);
	a->stack_is_thread = arg >> 63;
	a->stack_g = TUI_NO_ROW;
	struct hc_error *err = NULL;
	if (a->stack_is_thread) {
		a->stack_thread = (size_t)(arg & ~(UINT64_C(1) << 63));
		const struct hc_runtime *rt = a->m->t->runtime;
		if (a->m->u && rt && a->stack_thread < rt->threads.size) {
			size_t index = rt->threads.data[a->stack_thread].index;
			err = hc_target_native_stack(a->m->t, index, TUI_NATIVE_FRAMES,
						     &a->thread_native);
			if (!err)
				err = hc_unwind_thread(a->m->u, index, &a->thread_stack);
		}
	} else {
		a->stack_g = tui_model_find(a->m, arg);
		err = tui_model_unwind(a->m, a->stack_g);
	}
	if (err) {
		tui_app_message(a, TUI_ROLE_ERROR, "%s", err->message);
		hc_error_destroy(err);
	}
	const struct hc_stack *s = cur_stack(a);
	size_t nn = native_rows(a);
	size_t n = nn + (s ? s->frames.size : 0);
	if (fresh)
		tui_list_home(l, height(a));
	tui_list_set_count(l, n, height(a));
	if (fresh && !nn) {
		/* Start on the first user frame, past runtime internals (a
		 * thread in C starts on its innermost C frame). */
		size_t ti = s ? hc_traceback_top_user_frame(s) : TUI_NO_ROW;
		if (ti != TUI_NO_ROW)
			tui_list_select_row(l, ti, height(a));
	}
}

static bool stack_text(void *ctx, size_t row, struct hc_strbuf *out)
{
	struct tui_app *a = ctx;
	if (row < native_rows(a))
		return hc_strbuf_appendf(out, "%3zu %-8s", row, "native") && native_row(a, row, out);
	const struct hc_frame *fr = row_frame(a, row);
	if (!fr)
		return true;
	bool ok = hc_strbuf_appendf(out, "%3zu ", row);
	if (ok && a->stack_is_thread)
		ok = hc_strbuf_appendf(out, "%-8s", hc_stack_kind_name(fr->stack_kind));
	ok = ok && hc_traceback_func_name(a->m->t->go_minor, fr->func, out) &&
	     hc_strbuf_appends(out, fr->inlined ? " (inlined)  " : "  ") &&
	     hc_traceback_frame_location(fr, out);
	return ok;
}

static enum tui_role stack_role(struct tui_app *a, size_t row)
{
	if (row < native_rows(a))
		return a->thread_native.frames.data[row].file ? TUI_ROLE_ACCENT : TUI_ROLE_NORMAL;
	const struct hc_frame *fr = row_frame(a, row);
	if (!fr)
		return TUI_ROLE_NORMAL;
	const char *fn = fr->func;
	if (fn && strncmp(fn, "runtime.", 8) != 0 && strncmp(fn, "internal/", 9) != 0)
		return TUI_ROLE_ACCENT;
	return TUI_ROLE_NORMAL;
}

static bool stack_header(struct tui_app *a, struct hc_strbuf *out)
{
	const struct hc_target *t = a->m->t;
	if (a->stack_is_thread) {
		const struct hc_runtime *rt = t->runtime;
		bool ok = hc_strbuf_appends(out, "thread ");
		if (ok && a->m->u && rt && a->stack_thread < rt->threads.size)
			ok = hc_traceback_thread_line(t, a->m->u, a->stack_thread, out);
		if (ok && a->thread_native.error)
			ok = hc_strbuf_appends(out, "\nnative frames incomplete: ") &&
			     appends_esc(out, a->thread_native.error);
		return ok;
	}
	if (a->stack_g >= a->m->ngs)
		return hc_strbuf_appends(out, "no such goroutine");
	const struct tui_gor *r = &a->m->gs[a->stack_g];
	bool ok = hc_strbuf_appendf(out, "goroutine %" PRIu64 " [%s]  gp=0x%" PRIx64,
				    r->g->goid, r->state, r->g->addr);
	struct hc_strbuf cb;
	hc_strbuf_init(&cb);
	ok = ok && hc_traceback_created_by(t, r->g, &cb);
	if (ok && cb.len)
		ok = hc_strbuf_appends(out, "\ncreated by ") && hc_strbuf_appends(out, cb.str);
	hc_strbuf_deinit(&cb);
	return ok;
}

static bool stack_detail(struct tui_app *a, struct hc_strbuf *out)
{
	const struct hc_stack *s = cur_stack(a);
	size_t row = tui_list_current(&a->lists[TUI_SCR_STACK]);
	bool ok = true;
	const struct hc_frame *fr = row_frame(a, row);
	if (row < native_rows(a)) {
		const struct hc_native_frame *nf = &a->thread_native.frames.data[row];
		ok = hc_strbuf_appends(out, "native frame, unwound with the CFI of its module\n    ") &&
		     native_row(a, row, out);
		if (ok && nf->problem)
			ok = hc_strbuf_appends(out, "\n    ") && appends_esc(out, nf->problem);
	} else if (fr) {
		ok = hc_traceback_func_name(a->m->t->go_minor, fr->func, out) &&
		     hc_strbuf_appendc(out, '(');
		if (ok && a->m->u)
			ok = hc_unwind_frame_args(a->m->u, fr, out);
		ok = ok && hc_strbuf_appends(out, ")\n    ") &&
		     hc_traceback_frame_location(fr, out) &&
		     hc_strbuf_appendf(out, "\n    pc=0x%" PRIx64 " sp=0x%" PRIx64
				       " fp=0x%" PRIx64 " on the %s stack%s%s",
				       fr->pc, fr->sp, fr->fp,
				       hc_stack_kind_name(fr->stack_kind),
				       fr->inlined ? ", inlined" : "",
				       fr->trap ? ", trapped" : "");
	} else {
		ok = hc_strbuf_appends(out, "(no frames)");
	}
	/* A thread in C: its Go walk failing on the C PC is no news (as in
	 * threads --stacks). */
	if (ok && s && s->error && !native_rows(a))
		ok = hc_strbuf_appends(out, "\nstack incomplete: ") &&
		     appends_esc(out, s->error);
	return ok;
}

/*
 * Enter on a frame: the maps its goroutine is reading or writing, as the
 * crash analysis found them (the goroutine is inside a runtime map
 * function, crash.h). DWARF locals of frames are not decoded yet, so the
 * maps a frame holds in its variables cannot be listed; the goroutine's
 * map operations in flight stand in for them.
 */
static int stack_activate(struct tui_app *a, size_t row)
{
	(void)row;
	if (a->stack_is_thread || a->stack_g >= a->m->ngs) {
		tui_app_message(a, TUI_ROLE_WARN,
				"map operations are known per goroutine, not for a thread's stack");
		return TUI_INTENT_REDRAW;
	}
	const struct tui_map_source *s = &a->m->maps;
	if (!s->ops || !s->ops->naccesses) {
		tui_app_message(a, TUI_ROLE_WARN, "%s", a->m->maps_error ? a->m->maps_error : no_maps);
		return TUI_INTENT_REDRAW;
	}
	if (!a->m->maps_done) {
		tui_app_message(a, TUI_ROLE_WARN, "the map analysis is still running; try again");
		return TUI_INTENT_REDRAW;
	}
	uint64_t goid = a->m->gs[a->stack_g].g->goid;
	if (s->ops->naccesses(s->ctx, goid) == 0) {
		tui_app_message(a, TUI_ROLE_WARN, "no map operation in this frame's goroutine");
		return TUI_INTENT_REDRAW;
	}
	tui_app_go(a, TUI_SCR_GMAPS, goid);
	return TUI_INTENT_REDRAW;
}

static const struct tui_screen_ops stack_ops = {
	.name = "Stack",
	.hint = "Enter:maps of frame  /:search  Esc:back  ?:help  q:quit",
	.enter = stack_enter,
	.activate = stack_activate,
	.row_text = stack_text,
	.row_role = stack_role,
	.header = stack_header,
	.detail = stack_detail,
};

/* ------------------------------------------------------------ Maps, Map */

static bool maps_available(const struct tui_app *a)
{
	return a->m->maps.ops != NULL;
}

static size_t maps_count(const struct tui_app *a)
{
	return maps_available(a) ? a->m->maps.ops->count(a->m->maps.ctx) : 0;
}

static void maps_sort(struct tui_app *a)
{
	size_t n = maps_count(a);
	const struct tui_map_row **rows = malloc((n ? n : 1) * sizeof(*rows));
	size_t *order = malloc((n ? n : 1) * sizeof(*order));
	if (!rows || !order) {
		free(rows);
		free(order);
		return;
	}
	for (size_t i = 0; i < n; i++)
		rows[i] = a->m->maps.ops->row(a->m->maps.ctx, i);
	tui_map_sort_rows(rows, n, a->map_sort, order);
	free(rows);
	free(a->map_order);
	a->map_order = order;
	a->map_order_n = n;
}

static const struct tui_map_row *map_at(struct tui_app *a, size_t row)
{
	if (!maps_available(a) || row >= a->map_order_n)
		return NULL;
	return a->m->maps.ops->row(a->m->maps.ctx, a->map_order[row]);
}

static void maps_enter(struct tui_app *a, uint64_t arg, bool fresh)
{
	struct tui_list *l = &a->lists[TUI_SCR_MAPS];
	if (!maps_available(a)) {
		if (l->count != 1)
			tui_list_set_count(l, 1, height(a));
		return;
	}
	if (a->map_order_n != maps_count(a)) {
		maps_sort(a);
		tui_list_set_count(l, a->map_order_n, height(a));
	}
	// No map found by an analysis that could not look everywhere: one
	// row that says so, not "(empty)".
	const struct hc_completeness *c = analysis_gaps(a);
	if (!a->map_order_n && c && !hc_completeness_complete(c) && l->count != 1)
		tui_list_set_count(l, 1, height(a));
}

/*
 * The Maps screen's columns: the CLI's `maps` line (hmapcore/mapview.h),
 * its path column as wide as the terminal leaves, so that every row keeps
 * its columns whatever its path's length (a longer path is cut in the
 * middle; the detail line below the list shows it whole).
 */
static void maps_widths(const struct tui_app *a, struct hc_map_view_widths *w)
{
	hc_map_view_widths_default(w);
	w->type = 18;
	w->growth = 16;
	/* count, impl, size, growth and findings: " %9s %-8s %10s  " + 16 +
	 * " " and a finding code (map-concurrent-write: 20). */
	size_t rest = 1 + 9 + 1 + 8 + 1 + 10 + 2 + w->growth + 1 + 20 + 1 + w->type;
	size_t cols = a->lay.cols ? a->lay.cols : 100;
	w->path = cols > rest + 20 ? cols - rest : 20;
}

/* A fake source's row (the unit tests) as a view. */
static void row_view(const struct tui_map_row *r, struct hc_map_view *v)
{
	*v = (struct hc_map_view){
		.path = (char *)(r->path ? r->path : "?"),
		.type = (char *)(r->type ? r->type : "?"),
		.addr = r->addr,
		.impl = r->flavour ? r->flavour : "?",
		.has_count = true,
		.count = r->count,
		.has_size = true,
		.bytes = r->size,
		.growth = (char *)(r->growth ? r->growth : "-"),
		.findings = (char *)"",
		.nfindings = r->findings,
	};
}

static bool maps_text(void *ctx, size_t row, struct hc_strbuf *out)
{
	struct tui_app *a = ctx;
	if (!maps_available(a))
		return hc_strbuf_appends(out, no_maps);
	const struct tui_map_row *r = map_at(a, row);
	if (!r) {
		const struct hc_completeness *c = analysis_gaps(a);
		if (!a->map_order_n && c && c->gaps.size)
			return hc_strbuf_appendf(out, "(no map found; incomplete: %s)",
						 c->gaps.data[0].reason);
		return true;
	}
	struct hc_map_view_widths w;
	maps_widths(a, &w);
	struct hc_map_view fake;
	if (!r->view)
		row_view(r, &fake);
	return hc_map_view_line(out, r->view ? r->view : &fake, &w);
}

static enum tui_role maps_role(struct tui_app *a, size_t row)
{
	const struct tui_map_row *r = map_at(a, row);
	if (!maps_available(a))
		return TUI_ROLE_DIM;
	return r && r->findings ? TUI_ROLE_ERROR : TUI_ROLE_NORMAL;
}

static bool maps_columns(struct tui_app *a, struct hc_strbuf *out)
{
	if (!maps_available(a))
		return true;
	struct hc_map_view_widths w;
	maps_widths(a, &w);
	return hc_map_view_columns(out, &w);
}

static bool maps_header(struct tui_app *a, struct hc_strbuf *out)
{
	if (!maps_available(a))
		return hc_strbuf_appends(out, "Maps");
	const struct hc_completeness *c = analysis_gaps(a);
	if (c && !hc_completeness_complete(c))
		return hc_strbuf_appendf(out, "%zu maps found, sorted by %s (o: change); incomplete: %s",
					 a->map_order_n, tui_map_sort_name(a->map_sort),
					 c->gaps.size ? c->gaps.data[0].reason : "out of memory");
	return hc_strbuf_appendf(out, "%zu maps%s, sorted by %s (o: change)",
				 a->map_order_n, a->m->maps_done ? "" : " so far",
				 tui_map_sort_name(a->map_sort));
}

/* The current map's whole path and type, and its address. */
static bool maps_detail(struct tui_app *a, struct hc_strbuf *out)
{
	if (!maps_available(a))
		return true;
	const struct tui_map_row *r = map_at(a, tui_list_current(&a->lists[TUI_SCR_MAPS]));
	if (!r)
		return true;
	return hc_strbuf_appendf(out, "%s  %s  at 0x%" PRIx64, r->path ? r->path : "?",
				 r->type ? r->type : "?", r->addr);
}

static int maps_key(struct tui_app *a, int key)
{
	if (key != 'o' || !maps_available(a))
		return -1;
	struct tui_list *l = &a->lists[TUI_SCR_MAPS];
	a->map_sort = (a->map_sort + 1) % TUI_SORT_NUM;
	maps_sort(a);
	tui_list_set_count(l, a->map_order_n, height(a));
	tui_list_home(l, height(a));
	return TUI_INTENT_REDRAW;
}

static void maps_refresh(struct tui_app *a)
{
	if (maps_available(a))
		maps_enter(a, 0, false);
}

static int maps_activate(struct tui_app *a, size_t row)
{
	if (!maps_available(a)) {
		tui_app_message(a, TUI_ROLE_WARN, "%s", no_maps);
		return TUI_INTENT_REDRAW;
	}
	if (row >= a->map_order_n)
		return TUI_INTENT_NONE;
	tui_app_go(a, TUI_SCR_MAP, a->map_order[row]);
	return TUI_INTENT_REDRAW;
}

static const struct tui_screen_ops maps_ops = {
	.name = "Maps",
	.hint = "Enter:map  o:sort  f:filter  /:search  Esc:back  ?:help",
	.enter = maps_enter,
	.key = maps_key,
	.activate = maps_activate,
	.row_text = maps_text,
	.row_role = maps_role,
	.header = maps_header,
	.columns = maps_columns,
	.detail = maps_detail,
	.refresh = maps_refresh,
};

static struct hc_error *map_fetch(void *ctx, uint64_t first, size_t n,
				  char **rows, size_t *got_ret)
{
	struct tui_app *a = ctx;
	const struct tui_map_source *s = &a->m->maps;
	if (a->map_internals)
		return s->ops->internals(s->ctx, a->map_index, first, n, rows, got_ret);
	return s->ops->entries(s->ctx, a->map_index, first, n, rows, got_ret);
}

static void map_reset_pager(struct tui_app *a)
{
	if (a->map_pager_ready)
		tui_pager_deinit(&a->map_pager);
	tui_pager_init(&a->map_pager, map_fetch, a);
	a->map_pager_ready = true;
}

/* Rows of the current map view: the entry count, or the internals
 * fetched page by page to their end (bounded). */
static size_t map_rows(struct tui_app *a)
{
	if (!maps_available(a))
		return 1;
	const struct tui_map_row *r = a->m->maps.ops->row(a->m->maps.ctx, a->map_index);
	if (!a->map_internals)
		return r ? (size_t)r->count : 0;
	size_t n = 0;
	for (; n < ((size_t)1 << 24); n++) {
		const char *row;
		struct hc_error *err = tui_pager_get(&a->map_pager, n, &row);
		if (err) {
			hc_error_destroy(err);
			break;
		}
		if (!row)
			break;
	}
	return n;
}

static void map_enter(struct tui_app *a, uint64_t arg, bool fresh)
{
	struct tui_list *l = &a->lists[TUI_SCR_MAP];
	a->map_index = (size_t)arg;
	if (fresh)
		a->map_internals = true;
	map_reset_pager(a);
	if (fresh)
		tui_list_home(l, height(a));
	tui_list_set_count(l, map_rows(a), height(a));
}

static bool map_text(void *ctx, size_t row, struct hc_strbuf *out)
{
	struct tui_app *a = ctx;
	if (!maps_available(a))
		return hc_strbuf_appends(out, no_maps);
	const char *s = NULL;
	struct hc_error *err = tui_pager_get(&a->map_pager, row, &s);
	if (err) {
		bool ok = hc_strbuf_appendf(out, "(%s)", err->message);
		hc_error_destroy(err);
		return ok;
	}
	return hc_strbuf_appends(out, s ? s : "");
}

static int map_key(struct tui_app *a, int key)
{
	if (key != 'i' || !maps_available(a))
		return -1;
	a->map_internals = !a->map_internals;
	map_enter(a, a->map_index, false);
	tui_list_home(&a->lists[TUI_SCR_MAP], height(a));
	return TUI_INTENT_REDRAW;
}

static bool map_header(struct tui_app *a, struct hc_strbuf *out)
{
	if (!maps_available(a))
		return hc_strbuf_appends(out, "Map");
	const struct tui_map_row *r = a->m->maps.ops->row(a->m->maps.ctx, a->map_index);
	if (!r)
		return true;
	bool ok = hc_strbuf_appendf(out, "%s  %s  at 0x%" PRIx64 ", ",
				    r->path ? r->path : "?", r->type ? r->type : "?", r->addr);
	if (ok && r->view && r->view->nil)
		ok = hc_strbuf_appends(out, "nil map");
	else if (ok && r->view && !r->view->has_count)
		ok = hc_strbuf_appendf(out, "count unknown, %s", r->flavour ? r->flavour : "?");
	else if (ok)
		ok = hc_strbuf_appendf(out, "%" PRIu64 " entries, %s", r->count,
				       r->flavour ? r->flavour : "?");
	return ok && hc_strbuf_appendf(out, "  (i: %s)", a->map_internals ? "entries" : "internals");
}

static int open_map(struct tui_app *a, size_t map)
{
	if (!maps_available(a) || map >= maps_count(a))
		return TUI_INTENT_NONE;
	tui_app_go(a, TUI_SCR_MAP, map);
	return TUI_INTENT_REDRAW;
}

static int map_activate(struct tui_app *a, size_t row)
{
	/* Only the internals' finding lines lead to goroutines: an entry's
	 * text is the program's data. */
	if (!a->map_internals)
		return TUI_INTENT_NONE;
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	uint64_t goid = map_text(a, row, &sb) ? goroutine_in(sb.str) : 0;
	hc_strbuf_deinit(&sb);
	return goid ? open_goroutine(a, goid) : TUI_INTENT_NONE;
}

static const struct tui_screen_ops map_ops = {
	.name = "Map",
	.hint = "Enter:goroutine  i:entries/internals  /:search  Esc:back  ?:help",
	.enter = map_enter,
	.activate = map_activate,
	.key = map_key,
	.row_text = map_text,
	.header = map_header,
};

/* ------------------------------------------------------------ Address */

static void addr_free(struct tui_app *a)
{
	for (size_t i = 0; i < a->naddr_lines; i++)
		free(a->addr_lines[i]);
	free(a->addr_lines);
	a->addr_lines = NULL;
	a->naddr_lines = 0;
}

static void addr_enter(struct tui_app *a, uint64_t arg, bool fresh)
{
	addr_free(a);
	struct hc_heap *heap = tui_model_heap(a->m);
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	bool ok = hc_info_write_addr(a->m->t, heap, arg, &sb);
	if (ok && !heap && a->m->heap_error)
		ok = hc_strbuf_appends(&sb, "(no heap index: ") &&
		     appends_esc(&sb, a->m->heap_error) && hc_strbuf_appends(&sb, ")\n");
	size_t n = 0;
	for (size_t i = 0; ok && i < sb.len; i++)
		n += sb.str[i] == '\n';
	a->addr_lines = ok ? calloc(n ? n : 1, sizeof(char *)) : NULL;
	if (a->addr_lines) {
		const char *p = sb.str;
		for (size_t i = 0; i < n; i++) {
			const char *e = strchr(p, '\n');
			a->addr_lines[i] = strndup(p, (size_t)(e - p));
			if (!a->addr_lines[i])
				break;
			a->naddr_lines++;
			p = e + 1;
		}
	}
	hc_strbuf_deinit(&sb);
	struct tui_list *l = &a->lists[TUI_SCR_ADDR];
	if (fresh)
		tui_list_home(l, height(a));
	tui_list_set_count(l, a->naddr_lines, height(a));
}

static bool addr_text(void *ctx, size_t row, struct hc_strbuf *out)
{
	struct tui_app *a = ctx;
	return row < a->naddr_lines ? hc_strbuf_appends(out, a->addr_lines[row]) : true;
}

static int addr_activate(struct tui_app *a, size_t row)
{
	uint64_t goid = row < a->naddr_lines ? goroutine_in(a->addr_lines[row]) : 0;
	return goid ? open_goroutine(a, goid) : TUI_INTENT_NONE;
}

static bool addr_header(struct tui_app *a, struct hc_strbuf *out)
{
	return hc_strbuf_appendf(out, "What lies at 0x%" PRIx64 "  (: another address)",
				 a->args[TUI_SCR_ADDR]);
}

static const struct tui_screen_ops addr_ops = {
	.name = "Address",
	.hint = ":address  Enter:open goroutine  Esc:back  ?:help  q:quit",
	.enter = addr_enter,
	.activate = addr_activate,
	.row_text = addr_text,
	.header = addr_header,
};

/* ------------------------------------------------------------ Goroutine maps */

static void gmaps_enter(struct tui_app *a, uint64_t arg, bool fresh)
{
	const struct tui_map_source *s = &a->m->maps;
	size_t n = s->ops && s->ops->naccesses ? s->ops->naccesses(s->ctx, arg) : 0;
	free(a->gmaps_map);
	a->gmaps_map = calloc(n ? n : 1, sizeof(*a->gmaps_map));
	a->gmaps_n = a->gmaps_map ? n : 0;
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	for (size_t i = 0; i < a->gmaps_n; i++) {
		hc_strbuf_reset(&sb);
		if (!s->ops->access(s->ctx, arg, i, &sb, &a->gmaps_map[i]))
			a->gmaps_map[i] = TUI_NO_ROW;
	}
	hc_strbuf_deinit(&sb);
	struct tui_list *l = &a->lists[TUI_SCR_GMAPS];
	if (fresh)
		tui_list_home(l, height(a));
	tui_list_set_count(l, a->gmaps_n, height(a));
}

static bool gmaps_text(void *ctx, size_t row, struct hc_strbuf *out)
{
	struct tui_app *a = ctx;
	const struct tui_map_source *s = &a->m->maps;
	size_t map;
	if (row >= a->gmaps_n || !s->ops || !s->ops->access)
		return true;
	return s->ops->access(s->ctx, a->args[TUI_SCR_GMAPS], row, out, &map);
}

static enum tui_role gmaps_role(struct tui_app *a, size_t row)
{
	return row < a->gmaps_n && a->gmaps_map[row] == TUI_NO_ROW ? TUI_ROLE_DIM
								   : TUI_ROLE_NORMAL;
}

static int gmaps_activate(struct tui_app *a, size_t row)
{
	if (row >= a->gmaps_n)
		return TUI_INTENT_NONE;
	if (a->gmaps_map[row] == TUI_NO_ROW) {
		tui_app_message(a, TUI_ROLE_WARN, "this map is not among the maps found");
		return TUI_INTENT_REDRAW;
	}
	return open_map(a, a->gmaps_map[row]);
}

static bool gmaps_header(struct tui_app *a, struct hc_strbuf *out)
{
	return hc_strbuf_appendf(out, "Maps goroutine %" PRIu64 " is operating on "
				 "(from the crash analysis)", a->args[TUI_SCR_GMAPS]);
}

static const struct tui_screen_ops gmaps_ops = {
	.name = "Goroutine maps",
	.hint = "Enter:map  Esc:back  ?:help  q:quit",
	.enter = gmaps_enter,
	.activate = gmaps_activate,
	.row_text = gmaps_text,
	.row_role = gmaps_role,
	.header = gmaps_header,
};

/* ------------------------------------------------------------ Help */

static const char *const help_lines[] = {
	"Moving",
	"  Up/Down, k/j         one row",
	"  PgUp/PgDn, Ctrl-B/F  one page (also Space)",
	"  Home/End, g/G        first / last row",
	"  mouse wheel, click   scroll, select (double click: open)",
	"  < >                  scroll sideways",
	"Going places",
	"  Enter, Right, l      open the row (goroutine -> stack, thread -> stack)",
	"  Esc, Backspace, Left, h   back where you came from",
	"  Tab, Shift-Tab, 1-4  Summary, Goroutines, Threads, Maps",
	"  :ADDR                what an address is (heap object, stack, global)",
	"Finding",
	"  /TEXT                search this list; n / N next / previous match",
	"  f TEXT               filter this list as you type (Esc clears)",
	"Screens",
	"  Goroutines  s        group goroutines with identical stacks",
	"  Maps        o        sort by path, size, count, findings",
	"  Stack       Enter    the maps this goroutine reads or writes",
	"  Map         i        entries / internals (buckets, groups, slots)",
	"  q                    quit;  ? this help",
	"",
	"Strings from the core are shown escaped (\\x1b, \\n).",
	"NO_COLOR in the environment turns colours off.",
};

static void help_enter(struct tui_app *a, uint64_t arg, bool fresh)
{
	tui_list_set_count(&a->lists[TUI_SCR_HELP],
			   sizeof(help_lines) / sizeof(help_lines[0]), height(a));
}

static bool help_text(void *ctx, size_t row, struct hc_strbuf *out)
{
	return row < sizeof(help_lines) / sizeof(help_lines[0])
		       ? hc_strbuf_appends(out, help_lines[row]) : true;
}

static enum tui_role help_role(struct tui_app *a, size_t row)
{
	return row < sizeof(help_lines) / sizeof(help_lines[0]) &&
			       help_lines[row][0] != ' ' ? TUI_ROLE_TITLE : TUI_ROLE_NORMAL;
}

static bool help_header(struct tui_app *a, struct hc_strbuf *out)
{
	return hc_strbuf_appends(out, "Keys  (Esc: back)");
}

static const struct tui_screen_ops help_ops = {
	.name = "Help",
	.hint = "Esc:back  q:quit",
	.enter = help_enter,
	.row_text = help_text,
	.row_role = help_role,
	.header = help_header,
};

const struct tui_screen_ops *const tui_screens[TUI_SCR_NUM] = {
	[TUI_SCR_SUMMARY] = &summary_ops,
	[TUI_SCR_GOROUTINES] = &goroutines_ops,
	[TUI_SCR_THREADS] = &threads_ops,
	[TUI_SCR_MAPS] = &maps_ops,
	[TUI_SCR_STACK] = &stack_ops,
	[TUI_SCR_MAP] = &map_ops,
	[TUI_SCR_ADDR] = &addr_ops,
	[TUI_SCR_HELP] = &help_ops,
	[TUI_SCR_GMAPS] = &gmaps_ops,
};

/* ------------------------------------------------------------ the app */

void tui_app_init(struct tui_app *a, struct tui_model *m)
{
	memset(a, 0, sizeof(*a));
	a->m = m;
	for (int i = 0; i < TUI_SCR_NUM; i++)
		tui_list_init(&a->lists[i]);
	tui_history_init(&a->hist);
	hc_stack_init(&a->thread_stack);
	hc_native_stack_init(&a->thread_native);
	hc_strbuf_init(&a->lay.header);
	hc_strbuf_init(&a->lay.columns);
	hc_strbuf_init(&a->lay.detail);
	a->lay.list_height = 1;
	a->screen = TUI_SCR_SUMMARY;
	tui_screens[a->screen]->enter(a, 0, true);
}

void tui_app_deinit(struct tui_app *a)
{
	for (int i = 0; i < TUI_SCR_NUM; i++)
		tui_list_deinit(&a->lists[i]);
	if (a->grouping_valid)
		tui_grouping_deinit(&a->grouping);
	hc_stack_deinit(&a->thread_stack);
	hc_native_stack_deinit(&a->thread_native);
	addr_free(a);
	free(a->map_order);
	if (a->map_pager_ready)
		tui_pager_deinit(&a->map_pager);
	free(a->gmaps_map);
	hc_strbuf_deinit(&a->lay.header);
	hc_strbuf_deinit(&a->lay.columns);
	hc_strbuf_deinit(&a->lay.detail);
}

static size_t count_lines(const struct hc_strbuf *sb)
{
	if (!sb->len)
		return 0;
	size_t n = 1;
	for (size_t i = 0; i < sb->len; i++)
		n += sb->str[i] == '\n';
	return n;
}

bool tui_app_layout(struct tui_app *a, size_t rows, size_t cols)
{
	const struct tui_screen_ops *ops = tui_screens[a->screen];
	struct tui_layout *lay = &a->lay;
	lay->rows = rows;
	lay->cols = cols;
	hc_strbuf_reset(&lay->header);
	hc_strbuf_reset(&lay->columns);
	hc_strbuf_reset(&lay->detail);
	bool ok = (!ops->header || ops->header(a, &lay->header)) &&
		  (!ops->columns || ops->columns(a, &lay->columns)) &&
		  (!ops->detail || ops->detail(a, &lay->detail));
	lay->header_lines = count_lines(&lay->header);
	lay->has_columns = lay->columns.len > 0;
	lay->detail_lines = count_lines(&lay->detail);
	/* Tab bar, header, column heads, list, separator + detail, status. */
	size_t fixed = 1 + lay->header_lines + lay->has_columns + 1;
	size_t detail = lay->detail_lines ? lay->detail_lines + 1 : 0;
	/* On a tiny terminal the list keeps at least 3 rows; the detail goes
	 * first, then the header. */
	if (rows < fixed + detail + 3) {
		detail = 0;
		lay->detail_lines = 0;
	}
	if (rows < fixed + 3) {
		fixed = 1 + lay->has_columns + 1;
		lay->header_lines = 0;
	}
	lay->list_y = 1 + lay->header_lines + lay->has_columns;
	lay->list_height = rows > fixed + detail ? rows - fixed - detail : 1;
	lay->detail_y = lay->list_y + lay->list_height + 1;
	tui_list_clamp(tui_app_list(a), lay->list_height);
	/* The detail describes the current row: the clamp may have moved it. */
	if (ops->detail && lay->detail_lines) {
		hc_strbuf_reset(&lay->detail);
		ok = ok && ops->detail(a, &lay->detail);
	}
	return ok;
}

void tui_app_go(struct tui_app *a, int screen, uint64_t arg)
{
	struct tui_list *l = tui_app_list(a);
	struct tui_loc loc = {
		.screen = a->screen,
		.arg = a->args[a->screen],
		.cursor = l->cursor,
		.top = l->top,
	};
	tui_history_push(&a->hist, &loc);
	a->screen = screen;
	a->args[screen] = arg;
	a->hscroll = 0;
	tui_screens[screen]->enter(a, arg, true);
}

bool tui_app_back(struct tui_app *a)
{
	struct tui_loc loc;
	if (!tui_history_pop(&a->hist, &loc))
		return false;
	a->screen = loc.screen;
	a->args[loc.screen] = loc.arg;
	a->hscroll = 0;
	tui_screens[loc.screen]->enter(a, loc.arg, false);
	struct tui_list *l = tui_app_list(a);
	l->cursor = loc.cursor;
	l->top = loc.top;
	tui_list_clamp(l, height(a));
	return true;
}

/* Switch tabs without remembering (Tab is not a place to go back to). */
static void switch_tab(struct tui_app *a, int screen)
{
	if (screen == a->screen)
		return;
	if (a->screen >= TUI_NUM_TABS) {
		tui_app_go(a, screen, 0);
		return;
	}
	a->screen = screen;
	a->hscroll = 0;
	tui_screens[screen]->enter(a, a->args[screen], false);
}

static tui_text_fn filter_fn(const struct tui_screen_ops *ops)
{
	return ops->filter_text ? ops->filter_text : ops->row_text;
}

static void do_search(struct tui_app *a, int dir)
{
	const struct tui_screen_ops *ops = tui_screens[a->screen];
	if (!a->search[0]) {
		tui_app_message(a, TUI_ROLE_WARN, "no search yet: / to search");
		return;
	}
	bool found;
	if (!tui_list_search(tui_app_list(a), a->search, dir, ops->row_text, a,
			     height(a), &found))
		tui_app_message(a, TUI_ROLE_ERROR, "out of memory");
	else if (!found)
		tui_app_message(a, TUI_ROLE_WARN, "not found: %s", a->search);
}

static int prompt_key(struct tui_app *a, int key)
{
	const struct tui_screen_ops *ops = tui_screens[a->screen];
	enum tui_prompt_kind kind = a->prompt.kind;
	enum tui_prompt_result r = tui_prompt_key(&a->prompt, key);
	struct tui_list *l = tui_app_list(a);
	if (kind == TUI_PROMPT_FILTER && r != TUI_PROMPT_ACCEPTED) {
		const char *text = r == TUI_PROMPT_CANCELLED ? "" : a->prompt.buf;
		if (!tui_list_filter(l, text, filter_fn(ops), a, height(a)))
			tui_app_message(a, TUI_ROLE_ERROR, "out of memory");
	}
	if (r != TUI_PROMPT_ACCEPTED)
		return TUI_INTENT_REDRAW;
	if (kind == TUI_PROMPT_SEARCH) {
		if (a->prompt.len) {
			memcpy(a->search, a->prompt.buf, a->prompt.len + 1);
			do_search(a, 1);
		}
	} else if (kind == TUI_PROMPT_ADDR) {
		uint64_t addr;
		if (tui_parse_addr(a->prompt.buf, &addr))
			tui_app_go(a, TUI_SCR_ADDR, addr);
		else
			tui_app_message(a, TUI_ROLE_ERROR, "not an address: %s (hex, e.g. 0xc000012345)",
					a->prompt.buf);
	} else if (kind == TUI_PROMPT_FILTER && l->filter) {
		tui_app_message(a, TUI_ROLE_NORMAL, "%zu rows match \"%s\" (f then Esc: clear)",
				tui_list_size(l), l->filter);
	}
	return TUI_INTENT_REDRAW;
}

int tui_app_key(struct tui_app *a, int key)
{
	const struct tui_screen_ops *ops = tui_screens[a->screen];
	struct tui_list *l = tui_app_list(a);
	size_t h = height(a);
	if (a->prompt.kind != TUI_PROMPT_NONE)
		return prompt_key(a, key);
	if (key == TUI_KEY_RESIZE)
		return TUI_INTENT_REDRAW;
	a->message[0] = '\0';
	if (ops->key) {
		int r = ops->key(a, key);
		if (r >= 0)
			return r;
	}
	switch (key) {
	case 'q':
	case 'Q':
		return TUI_INTENT_QUIT;
	case '?':
		if (a->screen != TUI_SCR_HELP)
			tui_app_go(a, TUI_SCR_HELP, 0);
		return TUI_INTENT_REDRAW;
	case TUI_KEY_TAB:
		switch_tab(a, a->screen < TUI_NUM_TABS ? (a->screen + 1) % TUI_NUM_TABS : 0);
		return TUI_INTENT_REDRAW;
	case TUI_KEY_BTAB:
		switch_tab(a, a->screen < TUI_NUM_TABS
				      ? (a->screen + TUI_NUM_TABS - 1) % TUI_NUM_TABS : 0);
		return TUI_INTENT_REDRAW;
	case '1': case '2': case '3': case '4':
		switch_tab(a, key - '1');
		return TUI_INTENT_REDRAW;
	case TUI_KEY_UP: case 'k':
		tui_list_move(l, -1, h);
		return TUI_INTENT_REDRAW;
	case TUI_KEY_DOWN: case 'j':
		tui_list_move(l, 1, h);
		return TUI_INTENT_REDRAW;
	case TUI_KEY_PGUP: case 2: /* Ctrl-B */
		tui_list_page(l, -1, h);
		return TUI_INTENT_REDRAW;
	case TUI_KEY_PGDN: case 6: /* Ctrl-F */ case ' ':
		tui_list_page(l, 1, h);
		return TUI_INTENT_REDRAW;
	case TUI_KEY_HOME: case 'g':
		tui_list_home(l, h);
		return TUI_INTENT_REDRAW;
	case TUI_KEY_END: case 'G':
		tui_list_end(l, h);
		return TUI_INTENT_REDRAW;
	case TUI_KEY_WHEEL_UP:
		tui_list_scroll(l, -3, h);
		return TUI_INTENT_REDRAW;
	case TUI_KEY_WHEEL_DOWN:
		tui_list_scroll(l, 3, h);
		return TUI_INTENT_REDRAW;
	case '<':
		a->hscroll = a->hscroll > 8 ? a->hscroll - 8 : 0;
		return TUI_INTENT_REDRAW;
	case '>':
		if (a->hscroll < 4096)
			a->hscroll += 8;
		return TUI_INTENT_REDRAW;
	case TUI_KEY_CLICK:
	case TUI_KEY_DOUBLE_CLICK:
		if (a->click_y == 0) {
			/* The tab bar: which tab was hit is the view's business;
			 * it sends 1-4 instead. */
			return TUI_INTENT_NONE;
		}
		if (a->click_y >= a->lay.list_y &&
		    tui_list_click(l, a->click_y - a->lay.list_y, h) &&
		    key == TUI_KEY_DOUBLE_CLICK && ops->activate)
			return ops->activate(a, tui_list_current(l)) | TUI_INTENT_REDRAW;
		return TUI_INTENT_REDRAW;
	case TUI_KEY_ENTER: case TUI_KEY_RIGHT: case 'l':
		if (ops->activate && tui_list_current(l) != TUI_NO_ROW)
			return ops->activate(a, tui_list_current(l)) | TUI_INTENT_REDRAW;
		return TUI_INTENT_NONE;
	case TUI_KEY_ESC: case TUI_KEY_BACKSPACE: case TUI_KEY_LEFT: case 'h':
		if (!tui_app_back(a)) {
			if (l->filter) {
				tui_list_filter(l, NULL, NULL, NULL, h);
			} else if (a->screen != TUI_SCR_SUMMARY) {
				switch_tab(a, TUI_SCR_SUMMARY);
			} else {
				tui_app_message(a, TUI_ROLE_NORMAL, "q quits");
			}
		}
		return TUI_INTENT_REDRAW;
	case '/':
		tui_prompt_open(&a->prompt, TUI_PROMPT_SEARCH);
		return TUI_INTENT_REDRAW;
	case 'f':
		tui_prompt_open(&a->prompt, TUI_PROMPT_FILTER);
		if (l->filter) {
			size_t n = strlen(l->filter);
			if (n > TUI_PROMPT_MAX)
				n = TUI_PROMPT_MAX;
			memcpy(a->prompt.buf, l->filter, n);
			a->prompt.buf[n] = '\0';
			a->prompt.len = n;
		}
		return TUI_INTENT_REDRAW;
	case ':':
		tui_prompt_open(&a->prompt, TUI_PROMPT_ADDR);
		return TUI_INTENT_REDRAW;
	case 'n':
		do_search(a, 1);
		return TUI_INTENT_REDRAW;
	case 'N':
		do_search(a, -1);
		return TUI_INTENT_REDRAW;
	default:
		return TUI_INTENT_NONE;
	}
}

void tui_app_tick(struct tui_app *a)
{
	const struct tui_screen_ops *ops = tui_screens[a->screen];
	if (ops->refresh)
		ops->refresh(a);
}

bool tui_app_status(struct tui_app *a, struct hc_strbuf *out)
{
	static const char *const prompts[] = {
		[TUI_PROMPT_SEARCH] = "/",
		[TUI_PROMPT_FILTER] = "filter: ",
		[TUI_PROMPT_ADDR] = "address: ",
	};
	if (a->prompt.kind != TUI_PROMPT_NONE)
		return hc_strbuf_appends(out, prompts[a->prompt.kind]) &&
		       hc_strbuf_appends(out, a->prompt.buf);
	bool ok = true;
	if (a->m->u && a->m->nunwound < a->m->ngs)
		ok = hc_strbuf_appendf(out, "[unwinding %zu/%zu] ", a->m->nunwound,
				       a->m->ngs);
	if (ok && a->message[0])
		return hc_strbuf_append_escaped(out, a->message, strlen(a->message));
	struct tui_list *l = tui_app_list(a);
	size_t n = tui_list_size(l);
	ok = ok && hc_strbuf_appendf(out, "%zu/%zu  ", n ? l->cursor + 1 : 0, n) &&
	     hc_strbuf_appends(out, tui_screens[a->screen]->hint);
	return ok;
}
