/*
 * The Maps and Map screens' source on the real analysis (hmapcore/check.h:
 * heap, discovery, map decoders, validators), private to tui/.
 */
#ifndef HMAPCORE_TUI_MAPSRC_H
#define HMAPCORE_TUI_MAPSRC_H

#include "hmapcore/target.h"

#include "vm.h"

/** A source that runs hc_analyze() on its first step (borrows @p t). */
struct hc_error *tui_mapsrc_create(struct hc_target *t,
				   struct tui_map_source *ret);

#endif /* HMAPCORE_TUI_MAPSRC_H */
