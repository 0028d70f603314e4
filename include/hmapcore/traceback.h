/**
 * @file traceback.h
 * Goroutine and thread stacks as text (layer L5, report).
 *
 * Three shapes:
 * - HC_FORMAT_GO: the Go runtime's own GOTRACEBACK=crash dump
 *   (src/runtime/traceback.go goroutineheader, traceback2, printArgs,
 *   printcreatedby of the target's Go version): the crashing goroutine
 *   first, starting at the caller of fatalthrow/fatalpanic as dopanic_m
 *   prints it, then every other goroutine in allgs order; goroutines
 *   running on another thread print "stack unavailable", as the runtime
 *   does.
 * - HC_FORMAT_TEXT: a compact table (id, state, top user frame, created
 *   by), with the frames under each row when asked, or grouped by identical
 *   stacks (count and ids).
 * - HC_FORMAT_JSON: every goroutine with its frames.
 *
 * Strings from the core (names, files) are escaped. Writers return false
 * only on out of memory.
 */
#ifndef HMAPCORE_TRACEBACK_H
#define HMAPCORE_TRACEBACK_H

#include <stdbool.h>
#include <stdint.h>

#include "hmapcore/error.h"
#include "hmapcore/info.h"
#include "hmapcore/stack.h"
#include "hmapcore/strbuf.h"
#include "hmapcore/target.h"

struct hc_traceback_options {
	/** Text: the frames under each goroutine. */
	bool stacks;
	/** Text/JSON: group goroutines with identical stacks. */
	bool group;
	/** Only goroutine @ref goid. */
	bool one;
	uint64_t goid;
	/** Only goroutines whose status or wait reason contains this. */
	const char *state;
	/** Only goroutines with a frame whose function contains this. */
	const char *func;
	/** When set, given the output so far between goroutines once it
	 * passes a megabyte (then the output is emptied), so that a large
	 * listing is written as it is made; false stops the listing (the
	 * writer then fails as out of memory: the callback says why). */
	bool (*flush)(void *arg, struct hc_strbuf *out);
	void *flush_arg;
};

/**
 * Write the goroutines of @p t in @p format (text, json or go).
 * @return NULL; NOT_FOUND when the target has no runtime model or
 * pclntab; UNSUPPORTED for another format; NOMEM.
 */
struct hc_error *hc_traceback_write_goroutines(
	const struct hc_target *t, enum hc_format format,
	const struct hc_traceback_options *opts, struct hc_strbuf *out);

/**
 * Write the core's threads: tid, PC and its function, M, the g it runs
 * (goroutine, g0 or gsignal), with their own stacks when
 * @p opts->stacks. Text or JSON.
 */
struct hc_error *hc_traceback_write_threads(
	const struct hc_target *t, enum hc_format format,
	const struct hc_traceback_options *opts, struct hc_strbuf *out);

/**
 * A function name as the runtime prints it (printFuncName): "panic" for
 * runtime.gopanic, and from go1.21 generic shapes shortened to "[...]".
 * Appended escaped.
 */
bool hc_traceback_func_name(int go_minor, const char *name,
			    struct hc_strbuf *out);

/* ------------------------------------------------ pieces for the browser */

/**
 * A goroutine's state as goroutineheader prints it, without the brackets
 * ("chan receive", "running", "select, locked to thread"). Appended.
 */
bool hc_traceback_state(const struct hc_target *t, const struct hc_goroutine *g,
			struct hc_strbuf *out);

/**
 * "created by" of @p g as the table shows it ("main.main in goroutine 1"),
 * nothing when the goroutine has no known creator. Appended escaped.
 */
bool hc_traceback_created_by(const struct hc_target *t,
			     const struct hc_goroutine *g, struct hc_strbuf *out);

/**
 * Index of the first frame of @p s that is not runtime-internal (what the
 * runtime hides at GOTRACEBACK=all), the first frame when all are, and
 * (size_t)-1 for an empty stack.
 */
size_t hc_traceback_top_user_frame(const struct hc_stack *s);

/**
 * Logical frames the runtime does not print for the goroutine that crashed:
 * everything up to runtime.fatalthrow / runtime.fatalpanic (dopanic_m
 * starts at their caller); 0 when the stack has neither.
 */
size_t hc_traceback_crash_skip(const struct hc_stack *s);

/**
 * The location of a frame as the runtime prints it: "file:line", then
 * " +0xOFF" for a physical frame past its entry. Appended escaped.
 */
bool hc_traceback_frame_location(const struct hc_frame *fr,
				 struct hc_strbuf *out);

/**
 * Which of the logical frames of @p st from @p from on the runtime prints
 * (src/runtime/traceback.go traceback1): go1.21+ all of them up to
 * tracebackInnerFrames + tracebackOuterFrames (100), else the 50
 * innermost, "...N frames elided..." and the 50 outermost; before go1.21
 * (gentraceback with _TracebackMaxFrames) the frames of the first 100
 * physical frames, then "...additional frames elided..." when that made
 * exactly 100 printed frames. Every output shows a stack this way.
 */
struct hc_traceback_cut {
	/** Frames [from, first_end) then [second_begin, frames.size). */
	size_t first_end, second_begin;
	/** Logical frames between the two parts (the walk's elided ones
	 * included). */
	uint64_t elided;
	/** The runtime prints "...N frames elided..." between the parts. */
	bool elided_line;
	/** The runtime prints "...additional frames elided..." (go1.19). */
	bool additional_line;
};

void hc_traceback_cut(int go_minor, const struct hc_stack *st, size_t from,
		      struct hc_traceback_cut *ret);

/** The column header of the threads table (no newline). */
bool hc_traceback_thread_header(struct hc_strbuf *out);

/**
 * Row @p i of the runtime's thread list (hc_runtime.threads) as the
 * threads table shows it: index, tid, PC, function, M, the stack it is on,
 * the g it runs (no newline).
 */
bool hc_traceback_thread_line(const struct hc_target *t, struct hc_unwinder *u,
			      size_t i, struct hc_strbuf *out);

#endif /* HMAPCORE_TRACEBACK_H */
