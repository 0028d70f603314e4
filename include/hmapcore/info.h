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

#include "hmapcore/completeness.h"
#include "hmapcore/heap.h"
#include "hmapcore/json.h"
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

/** Append a byte count the way people read it ("1.5 MiB"). */
bool hc_format_size(struct hc_strbuf *sb, uint64_t n);

/** Name of a signal ("SIGSEGV"), or NULL for an unknown number. */
const char *hc_signal_name(int sig);

/** What a signal means as the Go runtime says it ("segmentation
 * violation"); "unknown signal" for an unknown number. */
const char *hc_signal_text(int sig);

/** Name of a siginfo si_code for signals sent by a process ("SI_TKILL"),
 * or NULL. */
const char *hc_si_code_name(int code);

/**
 * The signal the runtime's own handler died of (hc_crash.fatal_signal:
 * it printed "SIGQUIT: quit", dumped the goroutines and then raised the
 * SIGABRT that NT_SIGINFO records) as the report's headline and `info`
 * word it: "killed by SIGQUIT: quit". Appended; nothing (true) when the
 * crash has no such signal.
 * @return false on out-of-memory.
 */
bool hc_fatal_signal_text(const struct hc_crash *c, struct hc_strbuf *out);

/**
 * Append the info summary of @p t to @p out.
 * @return false on out-of-memory.
 */
bool hc_info_write(const struct hc_target *t, enum hc_format format,
		   struct hc_strbuf *out);

/**
 * Append what @p addr is (hc_heap_classify()) as text lines
 * "what   heap object" / "object 0x...-0x... (N bytes, slot i of span ...)",
 * "goroutine N" for a goroutine stack, "region .data" for global data,
 * "function F" for text. Shared by the browser's address prompt and a
 * future `addr` command.
 * @param heap may be NULL (then only the executable's regions and
 * mappedness are known).
 * @return false on out-of-memory.
 */
bool hc_info_write_addr(const struct hc_target *t, struct hc_heap *heap,
			uint64_t addr, struct hc_strbuf *out);

/**
 * Append the gaps of @p c as "incomplete: WHY" / "            cost: ..."
 * lines (the first lines of `info`, `maps` and `check`), and one line for
 * the reasons that could not be recorded.
 * @return false on out-of-memory.
 */
bool hc_completeness_write_text(const struct hc_completeness *c,
				struct hc_strbuf *sb);

/**
 * Write the members "complete" (bool) and "incomplete" ([{reason, cost}])
 * of @p c into the JSON object open in @p j, as the report does.
 */
void hc_completeness_write_json(const struct hc_completeness *c,
				struct hc_json *j);

#endif /* HMAPCORE_INFO_H */
