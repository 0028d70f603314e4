/* The browser's model: see tui/model.h. No curses here. */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "hmapcore/info.h"
#include "hmapcore/traceback.h"

#include "mapsrc.h"
#include "model.h"

/* Split @p text into lines (copies). */
static bool split_lines(const char *text, char ***lines_ret, size_t *n_ret)
{
	size_t n = 0, cap = 16;
	char **lines = malloc(cap * sizeof(*lines));
	if (!lines)
		return false;
	const char *p = text;
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (n == cap) {
			char **nl = realloc(lines, 2 * cap * sizeof(*lines));
			if (!nl)
				goto fail;
			lines = nl;
			cap *= 2;
		}
		lines[n] = strndup(p, len);
		if (!lines[n])
			goto fail;
		n++;
		p += len + (e ? 1 : 0);
	}
	*lines_ret = lines;
	*n_ret = n;
	return true;
fail:
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	return false;
}

struct hc_error *tui_model_create(struct hc_target *t, struct tui_model **ret)
{
	struct tui_model *m = calloc(1, sizeof(*m));
	if (!m)
		return &hc_error_nomem;
	m->t = t;
	m->crashed = TUI_NO_ROW;
	struct hc_error *err = hc_unwinder_create_target(t, &m->u);
	if (err) {
		if (err == &hc_error_nomem) {
			free(m);
			return err;
		}
		m->u = NULL;
		m->unwinder_error = strdup(err->message);
		hc_error_destroy(err);
	}
	const struct hc_runtime *rt = t->runtime;
	size_t n = rt ? rt->goroutines.size : 0;
	m->gs = calloc(n ? n : 1, sizeof(*m->gs));
	if (!m->gs)
		goto nomem;
	for (size_t i = 0; i < n; i++) {
		const struct hc_goroutine *g = &rt->goroutines.data[i];
		if (hc_gstatus_is_dead(g->status))
			continue;
		struct tui_gor *r = &m->gs[m->ngs];
		r->g = g;
		r->crashed = rt->crash.goid && g->goid == rt->crash.goid;
		hc_stack_init(&r->stack);
		struct hc_strbuf sb;
		hc_strbuf_init(&sb);
		if (!hc_traceback_state(t, g, &sb) ||
		    (r->crashed && !hc_strbuf_appends(&sb, " (crashed)")) ||
		    !(r->state = hc_strbuf_steal(&sb))) {
			hc_strbuf_deinit(&sb);
			m->ngs++;
			goto nomem;
		}
		if (r->crashed)
			m->crashed = m->ngs;
		m->ngs++;
	}
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	bool ok = hc_info_write(t, HC_FORMAT_TEXT, &sb) &&
		  split_lines(sb.str ? sb.str : "", &m->summary, &m->nsummary);
	hc_strbuf_deinit(&sb);
	if (!ok)
		goto nomem;
	/* The map analysis runs in the background after the stacks. */
	if (t->runtime && tui_mapsrc_create(t, &m->maps))
		goto nomem;
	*ret = m;
	return NULL;
nomem:
	tui_model_destroy(m);
	return &hc_error_nomem;
}

void tui_model_destroy(struct tui_model *m)
{
	if (!m)
		return;
	if (m->maps.ops && m->maps.ops->destroy)
		m->maps.ops->destroy(m->maps.ctx);
	free(m->maps_error);
	hc_heap_destroy(m->heap);
	free(m->heap_error);
	for (size_t i = 0; i < m->nsummary; i++)
		free(m->summary[i]);
	free(m->summary);
	for (size_t i = 0; i < m->ngs; i++) {
		struct tui_gor *r = &m->gs[i];
		hc_stack_deinit(&r->stack);
		free(r->state);
		free(r->top);
		free(r->key);
		free(r->funcs);
	}
	free(m->gs);
	hc_unwinder_destroy(m->u);
	free(m->unwinder_error);
	free(m);
}

bool tui_model_busy(const struct tui_model *m)
{
	return (m->u && m->nunwound < m->ngs) ||
	       (m->maps.ops && !m->maps_done);
}

/* The texts that come from a goroutine's stack. */
static bool describe(struct tui_model *m, struct tui_gor *r)
{
	const struct hc_target *t = m->t;
	struct hc_strbuf top, key, funcs;
	hc_strbuf_init(&top);
	hc_strbuf_init(&key);
	hc_strbuf_init(&funcs);
	size_t ti = hc_traceback_top_user_frame(&r->stack);
	bool ok = true;
	if (ti != TUI_NO_ROW) {
		const struct hc_frame *fr = &r->stack.frames.data[ti];
		ok = hc_traceback_func_name(t->go_minor, fr->func, &top) &&
		     hc_strbuf_appendc(&top, ' ') &&
		     hc_traceback_frame_location(fr, &top);
	} else {
		ok = hc_strbuf_appends(&top, r->stack.error ? "(no stack)" : "-");
	}
	/* Grouping key: what the runtime prints of a goroutine except ids
	 * and addresses (panicparse's notion of identical). */
	ok = ok && hc_traceback_state(t, r->g, &key);
	for (size_t i = 0; ok && i < r->stack.frames.size; i++) {
		const struct hc_frame *fr = &r->stack.frames.data[i];
		ok = hc_strbuf_appendf(&key, "\n%s %s:%" PRId32 "%s", fr->func,
				       fr->file, fr->line, fr->inlined ? " i" : "") &&
		     hc_strbuf_appends(&funcs, " ") &&
		     hc_traceback_func_name(t->go_minor, fr->func, &funcs);
	}
	ok = ok && hc_strbuf_appends(&funcs, " ");
	if (ok) {
		r->top = hc_strbuf_steal(&top);
		r->key = hc_strbuf_steal(&key);
		r->funcs = hc_strbuf_steal(&funcs);
		ok = r->top && r->key && r->funcs;
	}
	hc_strbuf_deinit(&top);
	hc_strbuf_deinit(&key);
	hc_strbuf_deinit(&funcs);
	return ok;
}

struct hc_error *tui_model_unwind(struct tui_model *m, size_t i)
{
	if (i >= m->ngs || !m->u)
		return NULL;
	struct tui_gor *r = &m->gs[i];
	if (r->unwound)
		return NULL;
	struct hc_error *err = hc_unwind_goroutine(m->u, r->g, &r->stack);
	if (err)
		return err;
	if (!describe(m, r))
		return &hc_error_nomem;
	r->unwound = true;
	m->nunwound++;
	return NULL;
}

struct hc_error *tui_model_step(struct tui_model *m, size_t n)
{
	if (m->u && m->crashed != TUI_NO_ROW) {
		struct hc_error *err = tui_model_unwind(m, m->crashed);
		if (err)
			return err;
	}
	while (m->u && n > 0 && m->next < m->ngs) {
		struct hc_error *err = tui_model_unwind(m, m->next++);
		if (err)
			return err;
		n--;
	}
	if (n > 0 && m->maps.ops && !m->maps_done) {
		struct hc_error *err = m->maps.ops->step(m->maps.ctx, &m->maps_done);
		if (err && err != &hc_error_nomem) {
			/* The maps cannot be had; the rest of the browser can. */
			m->maps_error = strdup(err->message);
			hc_error_destroy(err);
			m->maps_done = true;
			return NULL;
		}
		return err;
	}
	return NULL;
}

size_t tui_model_find(const struct tui_model *m, uint64_t goid)
{
	for (size_t i = 0; i < m->ngs; i++)
		if (m->gs[i].g->goid == goid)
			return i;
	return TUI_NO_ROW;
}

struct hc_heap *tui_model_heap(struct tui_model *m)
{
	if (!m->heap_tried) {
		m->heap_tried = true;
		struct hc_error *err = hc_heap_create_target(m->t, &m->heap);
		if (err) {
			m->heap = NULL;
			m->heap_error = strdup(err->message);
			hc_error_destroy(err);
		}
	}
	return m->heap;
}
