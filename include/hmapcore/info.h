/**
 * @file info.h
 * The `info` summary of a target, as text or JSON (layer L5, report).
 *
 * Go version and experiments, architecture, map implementation, build ids,
 * executable and core (size, compression, truncation), the process, the
 * signal (the kernel's NT_SIGINFO and the Go-level g.sig of the crashing
 * goroutine), the fatal error or panic, goroutines counted by status, and
 * every thread with its PC, function, M and goroutine.
 */
#ifndef HMAPCORE_INFO_H
#define HMAPCORE_INFO_H

#include <stdbool.h>

#include "hmapcore/strbuf.h"
#include "hmapcore/target.h"

enum hc_format {
	HC_FORMAT_TEXT,
	HC_FORMAT_JSON,
	HC_FORMAT_MARKDOWN,
	HC_FORMAT_HTML,
	HC_FORMAT_GO,
};

/** Parse a --format value; false when unknown. */
bool hc_format_parse(const char *s, enum hc_format *ret);

/** Name of a signal ("SIGSEGV"), or NULL for an unknown number. */
const char *hc_signal_name(int sig);

/**
 * Append the info summary of @p t to @p out.
 * @return false on out-of-memory.
 */
bool hc_info_write(const struct hc_target *t, enum hc_format format,
		   struct hc_strbuf *out);

#endif /* HMAPCORE_INFO_H */
