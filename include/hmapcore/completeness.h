/**
 * @file completeness.h
 * How complete an answer is: the reasons it is not, each with what it cost
 * (layer L0, util).
 *
 * Any layer that stops short (memory, a budget, an unreadable runtime
 * structure, an overridden build-id check, a walk that stopped) adds a gap:
 * why ("discovering maps: out of memory") and what the answer lacks because
 * of it ("maps not searched: the map list is empty or partial"). An answer
 * with any gap is incomplete and says so in every output; "clean" needs
 * none (DESIGN.md, "What an answer promises").
 *
 * Invariant: a gap is never lost, not even out of memory: a gap that cannot
 * be stored is counted in `dropped`, and hc_completeness_complete() is
 * false as soon as one gap was added.
 *
 * The completeness owns its strings.
 */
#ifndef HMAPCORE_COMPLETENESS_H
#define HMAPCORE_COMPLETENESS_H

#include <stdbool.h>
#include <stddef.h>

#include "hmapcore/vector.h"

struct hc_gap {
	/** Why the answer is incomplete (printable text, owned). */
	char *reason;
	/** What the answer lacks because of it (printable text, owned). */
	char *cost;
};

HC_DEFINE_VECTOR(hc_gap_vec, struct hc_gap)

struct hc_completeness {
	struct hc_gap_vec gaps;
	/** Gaps that could not be stored (out of memory). */
	size_t dropped;
};

void hc_completeness_init(struct hc_completeness *c);
void hc_completeness_deinit(struct hc_completeness *c);

/**
 * Add a gap: @p reason and a printf-formatted cost (both copied; control
 * characters in them are escaped). A gap equal to one already there is not
 * added again. Out of memory: counted in c->dropped.
 */
void hc_completeness_add(struct hc_completeness *c, const char *reason,
			 const char *cost_fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** Add every gap of @p from to @p c (copied; its dropped count too). */
void hc_completeness_merge(struct hc_completeness *c,
			   const struct hc_completeness *from);

/** No gap was ever added. */
static inline bool hc_completeness_complete(const struct hc_completeness *c)
{
	return c->gaps.size == 0 && c->dropped == 0;
}

#endif /* HMAPCORE_COMPLETENESS_H */
