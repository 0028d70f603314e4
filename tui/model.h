/*
 * The browser's model (layer L5, tui/; private to tui/): the target, read
 * only, plus what the browser computes from it lazily and caches: the
 * goroutines' stacks (unwound a few at a time from the event loop, the
 * crashed goroutine first), their one-line texts and grouping keys, thread
 * stacks, and the heap index for the address prompt.
 *
 * Texts are formatted by src/report (traceback.h, info.h) and are escaped.
 * Everything is owned by the model; it borrows the target.
 */
#ifndef HMAPCORE_TUI_MODEL_H
#define HMAPCORE_TUI_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmapcore/heap.h"
#include "hmapcore/stack.h"
#include "hmapcore/target.h"

#include "vm.h"

struct tui_gor {
	/** Borrowed from the runtime model. */
	const struct hc_goroutine *g;
	bool crashed;
	bool unwound;
	struct hc_stack stack;
	/** "chan receive" etc. (owned). */
	char *state;
	/** "main.f file.go:12" of the top user frame once unwound (owned). */
	char *top;
	/** State and every frame: equal keys = identical stacks (owned). */
	char *key;
	/** Function names of every frame, for the filter (owned). */
	char *funcs;
};

struct tui_model {
	struct hc_target *t;
	/** NULL when the target has no pclntab (see unwinder_error). */
	struct hc_unwinder *u;
	char *unwinder_error;
	/** Live goroutines (not dead), in allgs order. */
	struct tui_gor *gs;
	size_t ngs;
	size_t nunwound;
	/** Next goroutine the background work unwinds. */
	size_t next;
	/** The crashed goroutine's index, or TUI_NO_ROW. */
	size_t crashed;
	/** The info summary, one escaped line each. */
	char **summary;
	size_t nsummary;
	/** Created on first use by the address prompt. */
	struct hc_heap *heap;
	bool heap_tried;
	char *heap_error;
	/** The map decoders, when this build has them (ops NULL otherwise). */
	struct tui_map_source maps;
	bool maps_done;
	/** Why the map analysis failed (owned), or NULL. */
	char *maps_error;
};

/** @param[out] ret owned by the caller (tui_model_destroy()). */
struct hc_error *tui_model_create(struct hc_target *t, struct tui_model **ret);
void tui_model_destroy(struct tui_model *m);

/** Whether background work remains. */
bool tui_model_busy(const struct tui_model *m);

/** Unwind up to @p n more goroutines (or a slice of map discovery). */
struct hc_error *tui_model_step(struct tui_model *m, size_t n);

/** Unwind goroutine @p i now if it is not yet. */
struct hc_error *tui_model_unwind(struct tui_model *m, size_t i);

/** Index of goroutine @p goid, or TUI_NO_ROW. */
size_t tui_model_find(const struct tui_model *m, uint64_t goid);

/** The heap index, created on first use (NULL when it cannot be had;
 * heap_error says why). */
struct hc_heap *tui_model_heap(struct tui_model *m);

#endif /* HMAPCORE_TUI_MODEL_H */
