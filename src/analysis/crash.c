/* Crash analysis: see include/hmapcore/crash.h. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "hmapcore/crash.h"
#include "hmapcore/strbuf.h"

const char *hc_map_op_name(enum hc_map_op op)
{
	switch (op) {
	case HC_MAP_OP_WRITE: return "write";
	case HC_MAP_OP_DELETE: return "delete";
	case HC_MAP_OP_READ: return "read";
	case HC_MAP_OP_ITERATE: return "iterate";
	case HC_MAP_OP_CLEAR: return "clear";
	case HC_MAP_OP_CLONE: return "clone";
	case HC_MAP_OP_OTHER: return "other";
	}
	return "?";
}

const char *hc_crash_kind_name(enum hc_crash_kind kind)
{
	switch (kind) {
	case HC_CRASH_NONE: return "none";
	case HC_CRASH_CONCURRENT_WRITES: return "concurrent map writes";
	case HC_CRASH_CONCURRENT_READ_WRITE: return "concurrent map read and map write";
	case HC_CRASH_CONCURRENT_ITER_WRITE: return "concurrent map iteration and map write";
	case HC_CRASH_CONCURRENT_OTHER: return "concurrent map access";
	case HC_CRASH_NIL_MAP_WRITE: return "assignment to entry in nil map";
	case HC_CRASH_FATAL: return "fatal error";
	case HC_CRASH_PANIC: return "panic";
	case HC_CRASH_SIGNAL: return "signal";
	}
	return "?";
}

bool hc_crash_is_concurrent(enum hc_crash_kind kind)
{
	return kind == HC_CRASH_CONCURRENT_WRITES ||
	       kind == HC_CRASH_CONCURRENT_READ_WRITE ||
	       kind == HC_CRASH_CONCURRENT_ITER_WRITE ||
	       kind == HC_CRASH_CONCURRENT_OTHER;
}

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/*
 * The map operation of a runtime function, and where its map pointer is in
 * the argument area. Names from src/runtime/map*.go (go1.19-1.25 classic,
 * linknamed from internal/runtime/maps/runtime*.go for Swiss) and the
 * methods of internal/runtime/maps.Map (go1.24+).
 */
static bool map_function(const char *name, enum hc_map_op *op_ret,
			 int *arg_ret)
{
	/* Every name below starts "runtime.map" or "internal/runtime/maps.":
	 * most frames are rejected on their first bytes. */
	if ((name[0] != 'r' || !starts(name, "runtime.map")) &&
	    (name[0] != 'i' || !starts(name, "internal/runtime/maps.")))
		return false;
	static const struct {
		const char *prefix;
		enum hc_map_op op;
	} runtime_fns[] = {
		{"runtime.mapassign", HC_MAP_OP_WRITE},
		{"runtime.mapdelete", HC_MAP_OP_DELETE},
		{"runtime.mapaccess", HC_MAP_OP_READ},
		{"runtime.mapiterinit", HC_MAP_OP_ITERATE},
		{"runtime.mapiternext", HC_MAP_OP_ITERATE},
		{"runtime.mapclear", HC_MAP_OP_CLEAR},
		{"runtime.mapclone", HC_MAP_OP_CLONE},
		{"runtime.mapinitnoop", HC_MAP_OP_OTHER},
		{"internal/runtime/maps.runtime_mapassign", HC_MAP_OP_WRITE},
		{"internal/runtime/maps.runtime_mapdelete", HC_MAP_OP_DELETE},
		{"internal/runtime/maps.runtime_mapaccess", HC_MAP_OP_READ},
	};
	for (size_t i = 0; i < sizeof(runtime_fns) / sizeof(runtime_fns[0]); i++) {
		if (starts(name, runtime_fns[i].prefix)) {
			*op_ret = runtime_fns[i].op;
			/* (t *maptype, h *hmap, ...): iteration takes an
			 * iterator instead, whose map we do not chase. */
			*arg_ret = runtime_fns[i].op == HC_MAP_OP_ITERATE ? -1 : 1;
			return true;
		}
	}
	static const struct {
		const char *method;
		enum hc_map_op op;
	} methods[] = {
		{"PutSlot", HC_MAP_OP_WRITE},    {"putSlotSmall", HC_MAP_OP_WRITE},
		{"Delete", HC_MAP_OP_DELETE},    {"deleteSmall", HC_MAP_OP_DELETE},
		{"Get", HC_MAP_OP_READ},         {"getWithKey", HC_MAP_OP_READ},
		{"getWithKeySmall", HC_MAP_OP_READ},
		{"Clear", HC_MAP_OP_CLEAR},      {"clearSmall", HC_MAP_OP_CLEAR},
		{"growToSmall", HC_MAP_OP_WRITE}, {"growToTable", HC_MAP_OP_WRITE},
	};
	static const char recv[] = "internal/runtime/maps.(*Map).";
	if (starts(name, recv)) {
		const char *m = name + strlen(recv);
		for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
			if (strcmp(m, methods[i].method) == 0) {
				*op_ret = methods[i].op;
				*arg_ret = 0;
				return true;
			}
		}
	}
	return false;
}

/*
 * Argument word @p index of frame @p f as the runtime's printArgs shows it
 * (hc_unwind_frame_args): a word printed with "?" was not live at the PC
 * (FUNCDATA_ArgLiveInfo), so its spill slot may be stale. Only top-level
 * words count (a string or interface prints as "{ptr, len}").
 */
static bool arg_word(struct hc_unwinder *u, const struct hc_frame *f,
		     int index, uint64_t *value_ret, bool *live_ret)
{
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	bool found = false;
	if (hc_unwind_frame_args(u, f, &sb) && sb.str) {
		int depth = 0, n = 0;
		const char *p = sb.str;
		while (*p) {
			if (depth == 0 && n == index && p[0] == '0' && p[1] == 'x') {
				char *end;
				*value_ret = strtoull(p, &end, 16);
				*live_ret = *end != '?';
				found = true;
				break;
			}
			if (*p == '{')
				depth++;
			else if (*p == '}')
				depth--;
			else if (*p == ',' && depth == 0)
				n++;
			p++;
		}
	}
	hc_strbuf_deinit(&sb);
	return found;
}

static bool internal_frame(const char *name)
{
	return starts(name, "runtime.") || starts(name, "internal/") ||
	       starts(name, "sync.");
}

/* The map operations on one goroutine's stack (innermost first). */
static bool scan_stack(struct hc_unwinder *u, const struct hc_stack *s,
		       uint64_t goid, bool crashed, struct hc_map_access *a)
{
	for (size_t i = 0; i < s->frames.size; i++) {
		const struct hc_frame *f = &s->frames.data[i];
		enum hc_map_op op;
		int arg;
		if (!f->func || !map_function(f->func, &op, &arg))
			continue;
		/* Take the outermost map function of a run (mapassign calls
		 * growWork, PutSlot calls putSlotSmall...). */
		size_t j = i;
		while (j + 1 < s->frames.size && s->frames.data[j + 1].func &&
		       map_function(s->frames.data[j + 1].func, &op, &arg))
			j++;
		f = &s->frames.data[j];
		map_function(f->func, &op, &arg);
		memset(a, 0, sizeof(*a));
		a->goid = goid;
		a->op = op;
		a->func = f->func;
		a->crashed = crashed;
		uint64_t m;
		bool live;
		if (arg >= 0 && !f->inlined && arg_word(u, f, arg, &m, &live)) {
			a->map_addr = m;
			a->map_addr_live = live;
		}
		for (size_t k = j + 1; k < s->frames.size; k++) {
			const struct hc_frame *c = &s->frames.data[k];
			if (c->func && !internal_frame(c->func)) {
				a->caller_func = c->func;
				a->caller_file = c->file;
				a->caller_line = c->line;
				break;
			}
		}
		return true; /* one access per goroutine: the innermost operation */
	}
	return false;
}

static enum hc_crash_kind classify(const struct hc_crash *c)
{
	const char *f = c->fatal_message;
	if (f) {
		if (strcmp(f, "concurrent map writes") == 0)
			return HC_CRASH_CONCURRENT_WRITES;
		if (strcmp(f, "concurrent map read and map write") == 0)
			return HC_CRASH_CONCURRENT_READ_WRITE;
		if (strcmp(f, "concurrent map iteration and map write") == 0)
			return HC_CRASH_CONCURRENT_ITER_WRITE;
		if (strstr(f, "concurrent map"))
			return HC_CRASH_CONCURRENT_OTHER;
		return HC_CRASH_FATAL;
	}
	if (c->panic_message) {
		if (strcmp(c->panic_message, "assignment to entry in nil map") == 0)
			return HC_CRASH_NIL_MAP_WRITE;
		return HC_CRASH_PANIC;
	}
	if (c->go_signal || c->fatal_signal)
		return HC_CRASH_SIGNAL;
	return HC_CRASH_NONE;
}

struct hc_error *hc_crash_analysis_begin(const struct hc_target *t,
					struct hc_crash_analysis **ret)
{
	const struct hc_runtime *rt = t->runtime;
	if (!rt)
		return hc_error_create(HC_ERROR_UNSUPPORTED,
				       "no runtime model: cannot analyse the crash");
	struct hc_crash_analysis *c = calloc(1, sizeof(*c));
	if (!c)
		return &hc_error_nomem;
	hc_map_access_vec_init(&c->accesses);
	c->kind = classify(&rt->crash);
	c->goid = rt->crash.goid;
	*ret = c;
	return NULL;
}

bool hc_crash_analysis_find(const struct hc_crash_analysis *c, struct hc_unwinder *u,
			    const struct hc_goroutine *g, const struct hc_stack *s,
			    struct hc_map_access *ret)
{
	if (hc_gstatus_is_dead(g->status) || g->status == HC_G_IDLE)
		return false;
	return scan_stack(u, s, g->goid, c->goid && g->goid == c->goid, ret);
}

struct hc_error *hc_crash_analysis_add(struct hc_crash_analysis *c,
				       const struct hc_map_access *a)
{
	return hc_map_access_vec_append(&c->accesses, a) ? NULL : &hc_error_nomem;
}

struct hc_error *hc_crash_analysis_scan(struct hc_crash_analysis *c, struct hc_unwinder *u,
					const struct hc_goroutine *g,
					const struct hc_stack *s)
{
	struct hc_map_access a;
	return hc_crash_analysis_find(c, u, g, s, &a) ? hc_crash_analysis_add(c, &a) : NULL;
}

void hc_crash_analysis_end(struct hc_crash_analysis *c)
{
	/* The crashing goroutine's access first, the others in the order
	 * they were scanned (allgs order). */
	for (size_t i = 1; i < c->accesses.size; i++) {
		if (!c->accesses.data[i].crashed)
			continue;
		struct hc_map_access x = c->accesses.data[i];
		memmove(&c->accesses.data[1], &c->accesses.data[0], i * sizeof(x));
		c->accesses.data[0] = x;
		break;
	}
	if (hc_crash_is_concurrent(c->kind) && c->accesses.size &&
	    c->accesses.data[0].crashed && c->accesses.data[0].map_addr_live)
		c->victim = c->accesses.data[0].map_addr;
}

struct hc_error *hc_crash_analyze(const struct hc_target *t,
				  struct hc_unwinder *u,
				  struct hc_crash_analysis **ret)
{
	struct hc_crash_analysis *c;
	struct hc_error *err = hc_crash_analysis_begin(t, &c);
	if (err)
		return err;
	const struct hc_runtime *rt = t->runtime;
	struct hc_stack s;
	hc_stack_init(&s);
	for (size_t i = 0; i < rt->goroutines.size && !err; i++) {
		const struct hc_goroutine *g = &rt->goroutines.data[i];
		if (hc_gstatus_is_dead(g->status) || g->status == HC_G_IDLE)
			continue;
		hc_stack_reset(&s);
		err = hc_unwind_goroutine(u, g, &s);
		if (!err)
			err = hc_crash_analysis_scan(c, u, g, &s);
	}
	hc_stack_deinit(&s);
	if (err) {
		hc_crash_analysis_destroy(c);
		return err;
	}
	hc_crash_analysis_end(c);
	*ret = c;
	return NULL;
}

void hc_crash_analysis_destroy(struct hc_crash_analysis *c)
{
	if (!c)
		return;
	hc_map_access_vec_deinit(&c->accesses);
	free(c);
}
