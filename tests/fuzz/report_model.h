/*
 * A report model (include/hmapcore/report.h) filled from a list of
 * strings, for the report writers' tests and fuzz harness: every string
 * field of the model, a frame, a finding, a goroutine group, a map with
 * keys and an occupancy picture, a thread and a note take the strings in
 * turn. The strings go through hc_strbuf_append_escaped first, as the
 * model builder does with everything from the core.
 */
#ifndef HMAPCORE_TESTS_REPORT_MODEL_H
#define HMAPCORE_TESTS_REPORT_MODEL_H

#include <stddef.h>

#include "hmapcore/report.h"

/** @return NULL on out of memory; free with hc_report_destroy(). */
struct hc_report *report_model_from_strings(const char *const *s, const size_t *len,
					    size_t n);

/**
 * Check what one format's output must never hold: for every format no
 * control byte but \n (and, outside text, no ESC of course); for Markdown
 * no raw '<' '>', no unescaped '|' '`' '[' outside code fences; for HTML no
 * tag but the writer's own and no '&' that does not start an entity.
 * @return NULL when the output is inert, else a static description.
 */
const char *report_output_problem(enum hc_format format, const char *out, size_t len);

#endif
