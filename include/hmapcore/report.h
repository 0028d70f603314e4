/**
 * @file report.h
 * The report of a core: one model, four formats (layer L5, report).
 *
 * hc_report_create() turns an analysis (check.h) into a plain report model:
 * the crash summary (signal, fault address, fatal message or panic, the
 * goroutine that raised it with its stack, the map involved and the
 * goroutines that touched it), the findings by severity with remedies, the
 * process, goroutines by state and by groups of identical stacks, the maps
 * worth a look (largest, suspicious, oversized) and the threads. Every
 * writer renders that same model, so the formats never disagree:
 *
 * - text: for a terminal, ANSI colour when asked;
 * - JSON: schema "hmapcore-report/1" (src/report/hmapcore-report-1.schema.json),
 *   keys in a fixed order, arrays sorted by stable keys, so two reports of
 *   one core are byte-identical;
 * - Markdown: headings, tables and fenced stacks that paste into GitHub,
 *   GitLab and Jira issues;
 * - HTML: one self-contained file (inline CSS and SVG, no script, no
 *   external resource) with pictures of goroutines by state and of the
 *   suspect maps' bucket or group occupancy.
 *
 * Invariant: every string in the model is printable text (bytes from the
 * core or the executable went through hc_strbuf_append_escaped or came
 * escaped from the layers below); each writer adds its own format's
 * escaping (JSON, Markdown, HTML), so nothing from the core can inject
 * terminal sequences, table rows or markup.
 *
 * The model owns its strings; it borrows nothing after creation.
 */
#ifndef HMAPCORE_REPORT_H
#define HMAPCORE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmapcore/check.h"
#include "hmapcore/error.h"
#include "hmapcore/findings.h"
#include "hmapcore/info.h"
#include "hmapcore/strbuf.h"
#include "hmapcore/vector.h"

/** The JSON schema id the report carries. */
#define HC_REPORT_SCHEMA "hmapcore-report/1"

struct hc_report_options {
	/** Leave out map keys and values, string contents (panic value,
	 * fatal message details, labels, process arguments). */
	bool redact;
	/** The verdict counts findings at or above this. */
	enum hc_severity fail_on;
	/** Text: ANSI colour. */
	bool color;
	/** Maps listed (largest first, plus every suspect); 0 = 20. */
	size_t max_maps;
	/** Goroutine groups listed; 0 = 50. */
	size_t max_groups;
	/** Sample keys per listed map; 0 = 5. */
	size_t max_keys;
	/** Buckets or groups drawn per suspect map; 0 = 4096. */
	size_t max_units;
	/** "hmapcore 0.1" (copied). */
	const char *tool;
};

void hc_report_options_default(struct hc_report_options *o);

struct hc_report_frame {
	char *func;
	char *file;
	int32_t line;
	/** pc - entry, or 0 for an inlined frame. */
	uint64_t offset;
	bool inlined;
	/** Frames of a deep stack left out just before this one, as the
	 * runtime leaves them out (hc_traceback_cut(): the 50 innermost and
	 * the 50 outermost kept); 0 almost always. */
	uint64_t elided_before;
};

HC_DEFINE_VECTOR(hc_report_frame_vec, struct hc_report_frame)

struct hc_report_access {
	uint64_t goid;
	char *op;
	char *func;
	char *caller;
	char *caller_file;
	int32_t caller_line;
	bool crashed;
	char *created_by;
};

HC_DEFINE_VECTOR(hc_report_access_vec, struct hc_report_access)

struct hc_report_finding {
	const char *code;
	const char *severity;
	enum hc_severity sev;
	char *path;
	char *message;
	const char *remedy;
	uint64_t addrs[HC_FINDING_MAX_ADDRS];
	unsigned naddrs;
	uint64_t goids[8];
	unsigned ngoids;
};

HC_DEFINE_VECTOR(hc_report_finding_vec, struct hc_report_finding)

struct hc_report_state {
	/** As the runtime prints it ("chan receive", "running"). */
	char *state;
	size_t count;
};

HC_DEFINE_VECTOR(hc_report_state_vec, struct hc_report_state)

HC_DEFINE_VECTOR(hc_report_u64_vec, uint64_t)

struct hc_report_group {
	char *state;
	size_t count;
	/** Every goroutine of the group, ascending. */
	struct hc_report_u64_vec goids;
	struct hc_report_frame_vec frames;
	char *created_by;
	char *stack_error;
};

HC_DEFINE_VECTOR(hc_report_group_vec, struct hc_report_group)

/** Slot states of an occupancy picture (classic and Swiss). */
enum hc_report_slot {
	HC_REPORT_SLOT_LIVE,
	HC_REPORT_SLOT_EMPTY,
	HC_REPORT_SLOT_DELETED,
	HC_REPORT_SLOT_EVACUATED,
	HC_REPORT_SLOT_INVALID,
};

struct hc_report_unit {
	const char *kind;
	uint64_t addr;
	uint8_t slots[8];
	unsigned live;
};

HC_DEFINE_VECTOR(hc_report_unit_vec, struct hc_report_unit)
HC_DEFINE_VECTOR(hc_report_str_vec, char *)

struct hc_report_map {
	char *path;
	char *type;
	uint64_t addr;
	const char *impl;
	/** Header count (or sync.Map entries); has_count false when unknown. */
	bool has_count;
	uint64_t count;
	bool has_stats;
	uint64_t entries, slots, bytes, bytes_needed;
	double load;
	char *growth;
	char *error;
	/** Why it is listed: "largest", "finding", "oversized", "crash". */
	struct hc_report_str_vec reasons;
	/** Finding codes about it. */
	struct hc_report_str_vec findings;
	/** Up to max_keys keys, rendered (empty when redacted). */
	struct hc_report_str_vec keys;
	/** Suspect maps: buckets / groups (up to max_units) of units_total. */
	struct hc_report_unit_vec units;
	uint64_t units_total;
	bool suspect;
};

HC_DEFINE_VECTOR(hc_report_map_vec, struct hc_report_map)

/** A native (C) frame of a thread outside Go code (native.h). */
struct hc_report_native_frame {
	uint64_t pc;
	/** NULL when unknown. */
	char *func;
	uint64_t offset;
	/** Module file name, source file and line; NULL / 0 when unknown. */
	char *module;
	char *file;
	int32_t line;
	/** Go code: the native frames end here. */
	bool go;
};

HC_DEFINE_VECTOR(hc_report_native_frame_vec, struct hc_report_native_frame)

struct hc_report_thread {
	int32_t tid;
	uint64_t pc;
	char *func;
	bool has_m;
	int64_t m;
	uint64_t goid;
	const char *sysg;
	/** A thread in C: its native frames, innermost first (at most
	 * HC_REPORT_NATIVE_FRAMES), and why they end early, or NULL. */
	struct hc_report_native_frame_vec native;
	char *native_error;
};

enum { HC_REPORT_NATIVE_FRAMES = 64 };

/** Why the report is incomplete and what that cost (completeness.h). */
struct hc_report_gap {
	char *reason;
	char *cost;
};

HC_DEFINE_VECTOR(hc_report_gap_vec, struct hc_report_gap)

HC_DEFINE_VECTOR(hc_report_thread_vec, struct hc_report_thread)

struct hc_report {
	char *tool;
	bool redacted;
	const char *fail_on;
	/** "findings" (any at or above fail_on), else "incomplete" (a gap),
	 * else "clean" (looked everywhere, nothing found); counts by
	 * severity. */
	const char *verdict;
	/** Looked everywhere: no gap. */
	bool complete;
	/** Why not, in the order they arose (empty when complete; gaps that
	 * could not be recorded for lack of memory are one more gap that
	 * says how many). */
	struct hc_report_gap_vec gaps;
	size_t nerror, nwarning, ninfo, nover;

	struct {
		/** One line: "fatal error: concurrent map writes". */
		char *headline;
		/** hc_crash_kind_name(). */
		const char *kind;
		/** What to do, in words. */
		char *summary;
		/** The kernel's signal (0 none). */
		int signo;
		const char *signal;
		char *si_code;
		bool has_fault_addr;
		uint64_t fault_addr;
		/** The Go runtime's "[signal ...]" line, or NULL. */
		char *go_signal;
		char *fatal;
		char *panic;
		char *panic_type;
		uint64_t goid;
		char *goroutine_state;
		struct hc_report_frame_vec stack;
		uint64_t victim;
		char *victim_path;
		/** Without a path: why (hc_analysis_unnamed()), else NULL. */
		const char *victim_unnamed;
		struct hc_report_access_vec accesses;
	} crash;

	struct hc_report_finding_vec findings;

	struct {
		char *go_version;
		char *experiment;
		const char *arch;
		const char *maps_impl;
		char *gnu_build_id;
		char *go_build_id;
		char *exe;
		/** The separate debug file the DWARF came from, or NULL. */
		char *debug_file;
		char *core;
		uint64_t core_size, core_disk_size;
		const char *compression;
		bool truncated;
		uint64_t expected_size;
		int32_t pid;
		char *name;
		char *args;
	} process;

	size_t goroutines_total;
	/** By state (count descending, then name). */
	struct hc_report_state_vec states;
	/** Groups of identical stacks (count descending, then first goid). */
	struct hc_report_group_vec groups;
	size_t groups_total;

	size_t maps_total;
	uint64_t maps_bytes;
	struct hc_report_map_vec maps;

	struct hc_report_thread_vec threads;
	/** What could not be done (target notes, runtime problems, analysis). */
	struct hc_report_str_vec notes;

	/** Every allocation of the model, freed by hc_report_destroy(). */
	struct hc_report_str_vec pool;
};

/**
 * Build the report model of @p a (borrowed; only read here).
 * @param[out] ret owned by the caller (hc_report_destroy()).
 * @return NULL; NOMEM.
 */
struct hc_error *hc_report_create(struct hc_analysis *a,
				  const struct hc_report_options *o,
				  struct hc_report **ret);
void hc_report_destroy(struct hc_report *r);

/**
 * Render @p r in @p format (text, json, markdown or html) into @p out.
 * @return NULL; UNSUPPORTED for another format; NOMEM.
 */
struct hc_error *hc_report_write(const struct hc_report *r,
				 enum hc_format format, bool color,
				 struct hc_strbuf *out);

/** The one verdict line (--quiet): "hmapcore: findings: 3 error, ..." */
bool hc_report_write_verdict(const struct hc_report *r, struct hc_strbuf *out);

/* Escaping, shared with the browser and the fuzz harness. */

/** Markdown text outside code: every punctuation that could start markup,
 * and '|' for table cells, backslash-escaped; '<' '>' '&' as entities. */
bool hc_report_escape_markdown(struct hc_strbuf *out, const char *s);
/** HTML text and attribute values: & < > " ' as entities. */
bool hc_report_escape_html(struct hc_strbuf *out, const char *s);
/** The shortest backtick fence longer than any run of backticks in @p s
 * (at least 3). */
size_t hc_report_fence_len(const char *s);

#endif /* HMAPCORE_REPORT_H */
