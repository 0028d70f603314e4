/*
 * The command line (layer L5, cli): private interface between main.c and the
 * commands. Only src/cli, src/report and tui/ print.
 */
#ifndef HMAPCORE_CLI_H
#define HMAPCORE_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "hmapcore/info.h"
#include "hmapcore/findings.h"
#include "hmapcore/target.h"

/** Exit codes (DESIGN.md: 0 clean, 1 findings, 2 error, 64 usage). */
enum {
	HC_EXIT_OK = 0,
	HC_EXIT_FINDINGS = 1,
	HC_EXIT_ERROR = 2,
	/** check, report: no finding at or above --fail-on, but the analysis
	 * could not look everywhere (findings win: exit 1). */
	HC_EXIT_INCOMPLETE = 2,
	HC_EXIT_USAGE = 64,
};

enum hc_color_mode {
	HC_COLOR_AUTO,
	HC_COLOR_ALWAYS,
	HC_COLOR_NEVER,
};

struct hc_cli {
	const char *exe_path;
	/** --cache DIR, else $HMAPCORE_CACHE: the decompression cache. */
	const char *cache_dir;
	const char *debug_file;
	const char *core_path;
	enum hc_format format;
	bool format_given;
	bool ignore_build_id;
	/** --no-dwarf: read the executable as if it were stripped. */
	bool no_dwarf;
	/* goroutines / threads */
	bool stacks;
	bool group;
	bool goid_given;
	unsigned long long goid;
	const char *state;
	const char *func_filter;
	/* maps / map / check / addr */
	const char *arg;
	bool internals;
	/** map: the entries only, no walk of the whole map (--no-check). */
	bool no_check;
	bool entries;
	uint64_t limit;
	enum hc_severity fail_on;
	/* report */
	bool redact;
	bool quiet;
	uint64_t keys;
	enum hc_color_mode color;
	int argc;
	char **argv;
};

/** Open the target named on the command line; prints the error. */
struct hc_target *hc_cli_open_target(const struct hc_cli *cli);
/** What a command does not need of the target (target.h:
 * hc_target_options.dwarf_unneeded, runtime_unneeded). */
enum {
	HC_CLI_DWARF_UNNEEDED = 1,
	HC_CLI_RUNTIME_UNNEEDED = 2,
};
/** hc_cli_open_target() for a command that needs less (HC_CLI_*). */
struct hc_target *hc_cli_open_target_with(const struct hc_cli *cli,
					  unsigned unneeded);

struct hc_analysis;
/** Open the target and analyse it (check.h); prints the error. The
 * analysis borrows *t_ret: destroy the analysis first. */
struct hc_analysis *hc_cli_analyze(const struct hc_cli *cli, struct hc_target **t_ret);

/**
 * With HMAPCORE_STATS set in the environment, print the process's memory
 * to stderr ("hmapcore-stats: report rss_kb=... hwm_kb=... anon_kb=...
 * file_kb=..." from /proc/self/status): called while everything a command
 * built is still alive, so anon_kb is its own memory and file_kb the pages
 * of the mapped core and executable (tests/bench).
 */
void hc_cli_stats(const char *what);

/**
 * Print "hmapcore: MESSAGE\n" to stderr with MESSAGE made inert
 * (hc_strbuf_append_inert): messages name paths and strings from the core
 * and the executable, whose bytes never reach a terminal raw.
 */
void hc_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** Write @p s to stdout; false (and a message) on a write error. */
bool hc_cli_write(const char *s, size_t n);

int hc_cmd_info(const struct hc_cli *cli);
int hc_cmd_goroutines(const struct hc_cli *cli);
int hc_cmd_threads(const struct hc_cli *cli);
int hc_cmd_maps(const struct hc_cli *cli);
int hc_cmd_map(const struct hc_cli *cli);
int hc_cmd_check(const struct hc_cli *cli);
int hc_cmd_addr(const struct hc_cli *cli);
int hc_cmd_report(const struct hc_cli *cli);
int hc_cmd_layout(const struct hc_cli *cli);

#endif /* HMAPCORE_CLI_H */
