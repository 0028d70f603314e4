/**
 * @file crash.h
 * What killed the process, in terms of maps (layer L4, analysis).
 *
 * From the runtime's crash record (runtime.h: the fatal message, the panic,
 * the crashing goroutine) and every goroutine's stack (stack.h), names the
 * map operations in flight: each goroutine whose stack is inside a runtime
 * map function (assign, access, delete, iteration, clear, clone), with the
 * map it works on (the map pointer from the function's argument spill
 * area, read as the runtime's printArgs reads it: `runtime.mapassign*(t,
 * h, key)` has h as its second word, go1.19-go1.27;
 * `internal/runtime/maps.(*Map).M` the receiver as its first), the user
 * frame that called it and where the goroutine was created.
 *
 * For `concurrent map writes` / `... read and map write` / `... iteration
 * and map write` the victim is the map the crashing goroutine was working
 * on; the accomplices are the other goroutines in functions on that map.
 * For `assignment to entry in nil map` the victim is nil and the writer is
 * the crashing goroutine's map-assign caller.
 *
 * The analysis owns its rows; function and file names are borrowed from
 * the target's pclntab.
 */
#ifndef HMAPCORE_CRASH_H
#define HMAPCORE_CRASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmapcore/error.h"
#include "hmapcore/stack.h"
#include "hmapcore/target.h"
#include "hmapcore/vector.h"

enum hc_map_op {
	HC_MAP_OP_WRITE,
	HC_MAP_OP_DELETE,
	HC_MAP_OP_READ,
	HC_MAP_OP_ITERATE,
	HC_MAP_OP_CLEAR,
	HC_MAP_OP_CLONE,
	HC_MAP_OP_OTHER,
};

/** "write", "delete", "read", ... */
const char *hc_map_op_name(enum hc_map_op op);

enum hc_crash_kind {
	HC_CRASH_NONE,
	HC_CRASH_CONCURRENT_WRITES,
	HC_CRASH_CONCURRENT_READ_WRITE,
	HC_CRASH_CONCURRENT_ITER_WRITE,
	HC_CRASH_CONCURRENT_OTHER,   /* clone and map write, small map full */
	HC_CRASH_NIL_MAP_WRITE,
	HC_CRASH_FATAL,              /* another fatal error / throw */
	HC_CRASH_PANIC,              /* another unrecovered panic */
	HC_CRASH_SIGNAL,             /* a signal the runtime did not turn into a panic */
};

/** One goroutine in a runtime map function. */
struct hc_map_access {
	uint64_t goid;
	enum hc_map_op op;
	/** The runtime function (borrowed), e.g. "runtime.mapassign_faststr". */
	const char *func;
	/** The map pointer, 0 when it could not be read. */
	uint64_t map_addr;
	/** The pointer's spill slot was live at the PC (the runtime prints
	 * the word without "?"); a stale one may belong to an earlier call. */
	bool map_addr_live;
	/** The first frame outside the runtime and internal packages: who
	 * called the map function (borrowed names). */
	const char *caller_func;
	const char *caller_file;
	int32_t caller_line;
	/** This goroutine is the one that crashed. */
	bool crashed;
};

HC_DEFINE_VECTOR(hc_map_access_vec, struct hc_map_access)

struct hc_crash_analysis {
	enum hc_crash_kind kind;
	/** goid of the goroutine that crashed (0 unknown). */
	uint64_t goid;
	/** The map the crash is about (0 unknown or nil map). */
	uint64_t victim;
	/** Every goroutine in a map function, the crashing one first. */
	struct hc_map_access_vec accesses;
};

/**
 * Analyse the crash of @p t using @p u (borrowed) to unwind goroutines.
 * @param[out] ret owned by the caller (hc_crash_analysis_destroy()).
 * @return NULL; NOMEM; UNSUPPORTED when the target has no runtime model.
 */
struct hc_error *hc_crash_analyze(const struct hc_target *t,
				  struct hc_unwinder *u,
				  struct hc_crash_analysis **ret);
void hc_crash_analysis_destroy(struct hc_crash_analysis *c);

/*
 * The same in steps, for a caller that unwinds every goroutine anyway
 * (check.c: one pass feeds the crash analysis, the discovery's frame roots
 * and the goroutine groups): begin, scan each goroutine's stack (in allgs
 * order), end. hc_crash_analyze() is these three over its own unwinding.
 */
struct hc_error *hc_crash_analysis_begin(const struct hc_target *t,
					struct hc_crash_analysis **ret);
/** @return NULL; NOMEM. Dead and idle goroutines are skipped.
 * hc_crash_analysis_find() then hc_crash_analysis_add(). */
struct hc_error *hc_crash_analysis_scan(struct hc_crash_analysis *c, struct hc_unwinder *u,
					const struct hc_goroutine *g,
					const struct hc_stack *s);
/** The scan in two steps, for stacks unwound on several threads: find
 * the goroutine's map access (it reads nothing @p c changes, so threads
 * may call it at once, each with its own unwinder), then add it on one
 * thread in allgs order. find returns false for none (dead and idle
 * goroutines have none); add returns NULL or NOMEM. */
bool hc_crash_analysis_find(const struct hc_crash_analysis *c, struct hc_unwinder *u,
			    const struct hc_goroutine *g, const struct hc_stack *s,
			    struct hc_map_access *ret);
struct hc_error *hc_crash_analysis_add(struct hc_crash_analysis *c,
				       const struct hc_map_access *a);
/** Order the accesses (the crashing goroutine first) and name the victim. */
void hc_crash_analysis_end(struct hc_crash_analysis *c);

/** Whether @p kind is one of the concurrent-map fatal errors. */
bool hc_crash_is_concurrent(enum hc_crash_kind kind);

/** Short text of a crash kind ("concurrent map writes", ...). */
const char *hc_crash_kind_name(enum hc_crash_kind kind);

#endif /* HMAPCORE_CRASH_H */
