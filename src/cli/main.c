/* hmapcore: the command line. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "hmapcore/strbuf.h"
#include "hmapcore/tui.h"

static const char usage_text[] =
	"usage: hmapcore [OPTIONS] [COMMAND] CORE\n"
	"\n"
	"Inspect the core dump of a crashed Go program.\n"
	"\n"
	"Commands:\n"
	"  tui           the browser (the default on a terminal)\n"
	"  report        everything: crash summary, findings, process, goroutines,\n"
	"                maps, threads as text, json, markdown or html (the\n"
	"                default otherwise); exit 1 on findings like check\n"
	"  info          summary: Go version, arch, threads, goroutines by state,\n"
	"                signal, fatal error or panic\n"
	"  goroutines    every goroutine: id, state, top frame, created by;\n"
	"                --format go prints the Go runtime's own traceback\n"
	"  threads       OS threads: tid, PC, function, M and goroutine\n"
	"  maps          every map found: path, type, count, implementation, size,\n"
	"                growth state, findings; --entries adds the keys (json)\n"
	"  map CORE PATH|ADDR  one map: its entries and findings; --internals adds\n"
	"                buckets or tables, growth, memory; --no-check prints entries\n"
	"                only, unvalidated\n"
	"  check         run the validators; exit 0 clean, 1 findings at or above\n"
	"                --fail-on (default warning, even when incomplete), 2 error\n"
	"                or incomplete (\"incomplete: WHY\": it could not look\n"
	"                everywhere)\n"
	"  addr CORE ADDR  what an address is: heap object, stack, global, map part\n"
	"  layout        the runtime struct offsets hmapcore reads (from DWARF, or\n"
	"                its built-in table for the release when stripped)\n"
	"\n"
	"Options:\n"
	"  -e, --exe EXE        the executable (default: the core's NT_FILE path,\n"
	"                       else exe, exe.xz or the process name beside the core)\n"
	"      --debug-file FILE  the separate debug file of a stripped executable\n"
	"                       (default: its .gnu_debuglink beside it, in .debug/\n"
	"                       and under /usr/lib/debug, then the build-id tree\n"
	"                       /usr/lib/debug/.build-id/, then debuginfod when\n"
	"                       DEBUGINFOD_URLS is set; HMAPCORE_DEBUG_ROOT\n"
	"                       replaces /usr/lib/debug)\n"
	"      --cache DIR      keep decompressed cores in DIR (created 0700; refused\n"
	"                       if others may write to it) so that the next command\n"
	"                       on the same compressed bytes does not decompress\n"
	"                       again; default $HMAPCORE_CACHE; entries are checked\n"
	"                       by SHA-256 before use; the least recently used go\n"
	"                       beyond HMAPCORE_CACHE_MAX bytes of disk (K, M, G\n"
	"                       suffixes; default 8G)\n"
	"  -f, --format FMT     text (default), json, markdown, html (report), go\n"
	"                       (goroutines)\n"
	"      --stacks         goroutines/threads: show the frames\n"
	"      --group          goroutines: group identical stacks\n"
	"  -g, --goroutine ID   goroutines: only goroutine ID\n"
	"      --state S        goroutines: status or wait reason containing S\n"
	"      --filter F       goroutines: with a frame whose function has F\n"
	"      --ignore-build-id  use --exe or --debug-file even if its build id\n"
	"                       differs\n"
	"      --no-dwarf       ignore the executable's DWARF (read it as a stripped\n"
	"                       build would be read)\n"
	"      --fail-on SEV    check/report: the severity that fails (info, warning,\n"
	"                       error; default warning)\n"
	"      --redact         report: leave out map keys and values and strings\n"
	"  -q, --quiet          report: only the verdict line\n"
	"      --color WHEN     report text: auto (default), always, never; NO_COLOR\n"
	"                       turns auto off\n"
	"      --limit N        maps/map: entries; report: maps listed\n"
	"      --keys N         report: sample keys per listed map (default 5)\n"
	"  -h, --help           this help\n"
	"  -V, --version        the version\n"
	"\n"
	"Cores and executables may be compressed (xz, zstd, gzip): they are\n"
	"decompressed into an unnamed temporary file in $TMPDIR (default /tmp).\n"
	"CORE `-` reads standard input: `coredumpctl dump PID | hmapcore report -`;\n"
	"systemd's .zst cores under /var/lib/systemd/coredump open as they are\n"
	"(with --exe EXE when the executable has moved).\n"
	"Exit status: 0 success (check, report: no finding at or above --fail-on),\n"
	"1 findings (check, report), 2 the core could not be read, 64 usage error.\n"
	"`hmapcore COMMAND --help` describes one command; man hmapcore has it all.\n";

/* What each command does, for `hmapcore COMMAND --help`. */
static const struct {
	const char *name;
	const char *text;
} command_help[] = {
	{"tui", "usage: hmapcore [-e EXE] [--debug-file FILE] tui CORE\n\n"
		"The ncurses browser: summary and findings, goroutines, stacks, threads,\n"
		"maps, a map's entries and its bucket or group grid, an address prompt.\n"
		"Keys: arrows or hjkl, Enter opens, Esc goes back, Tab cycles screens,\n"
		"/ searches, f filters, s groups, o sorts, : asks for an address, ? helps,\n"
		"q quits. Needs a terminal.\n"},
	{"report", "usage: hmapcore [-e EXE] [--debug-file FILE] report\n"
		   "                [-f text|json|markdown|html] [--redact] [--fail-on SEV]\n"
		   "                [-q] [--color WHEN] [--limit N] [--keys N] CORE\n\n"
		   "Everything about the core in one artefact: the crash (signal, fault\n"
		   "address, fatal message or panic, the goroutine that raised it and its\n"
		   "stack, the map involved and the goroutines that touched it), the\n"
		   "findings with remedies, the process, goroutines by state and the groups\n"
		   "of identical stacks, the maps worth a look (suspect, oversized, the\n"
		   "--limit largest, default 20, with --keys sample keys each, default 5),\n"
		   "the threads.\n"
		   "  -f json      schema hmapcore-report/1, stable order: two reports of\n"
		   "               one core are byte-identical\n"
		   "  -f markdown  pastes into GitHub, GitLab and Jira issues\n"
		   "  -f html      one self-contained file with pictures\n"
		   "  --redact     no map keys or values, no panic text, no arguments\n"
		   "  -q           only the verdict line\n"
		   "Exit: 0 no finding at or above --fail-on (default warning), 1 findings,\n"
		   "2 the core could not be read, 64 usage.\n"},
	{"info", "usage: hmapcore [-e EXE] [--debug-file FILE] info [-f text|json] CORE\n\n"
		 "Go version and experiments, arch, map implementation, build ids, core size\n"
		 "and completeness, process, signal, fatal error or panic, goroutines by\n"
		 "status, every thread with its PC, function, M and goroutine.\n"},
	{"goroutines", "usage: hmapcore [-e EXE] [--debug-file FILE] goroutines [--stacks]\n"
		       "                [--group] [-g ID] [--state S] [--filter F] [-f text|json|go]\n"
		       "                CORE\n\n"
		       "Every goroutine: id, state, top user frame, creator. --stacks adds the\n"
		       "frames, --group groups identical stacks, -g one goroutine, --state and\n"
		       "--filter select by state or function. -f go prints exactly what the Go\n"
		       "runtime printed at GOTRACEBACK=crash.\n"},
	{"threads", "usage: hmapcore [-e EXE] [--debug-file FILE] threads [--stacks]\n"
		    "                [-f text|json] CORE\n\n"
		    "OS threads: tid, PC and function, M, the goroutine or g0/gsignal they\n"
		    "run; --stacks walks each through every stack it crosses.\n"},
	{"maps", "usage: hmapcore [-e EXE] [--debug-file FILE] maps [--entries] [--limit N]\n"
		 "                [-f text|json] CORE\n\n"
		 "Every map found from globals and goroutines' frames: path, type, count,\n"
		 "implementation, size, growth, findings. --entries adds the keys (json).\n"},
	{"map", "usage: hmapcore [-e EXE] [--debug-file FILE] map [--internals] [--limit N]\n"
		"                [--no-check] [-f text|json] CORE PATH|ADDR\n\n"
		"One map's entries, typed, and its findings (the whole map is walked and\n"
		"validated); --internals adds buckets or tables, growth progress and\n"
		"memory held. --no-check (a global by name): only the first --limit\n"
		"entries and the header's count, without walking the rest or validating\n"
		"anything: fast on a huge map, and blind to what is broken in it.\n"},
	{"check", "usage: hmapcore [-e EXE] [--debug-file FILE] check [--fail-on SEV]\n"
		  "                [-f text|json] CORE\n\n"
		  "The validators and the crash analysis. Exit 0 clean, 1 findings at or\n"
		  "above --fail-on (default warning), 2 the core could not be read.\n"},
	{"layout", "usage: hmapcore [-e EXE] [--no-dwarf] layout CORE\n\n"
		   "The offsets of the runtime's struct fields hmapcore reads (runtime.g, m,\n"
		   "_panic, moduledata), one per line: from the executable's DWARF, or\n"
		   "without it (stripped, --no-dwarf) from the built-in table of the Go\n"
		   "release. The two agree on every release of the fixture matrix.\n"},
	{"addr", "usage: hmapcore [-e EXE] [--debug-file FILE] addr CORE ADDR\n\n"
		 "What an address is: heap object (span, slot, offset), goroutine stack,\n"
		 "global region, function, a map's header, buckets or directory.\n"},
};

/* The command named on the line, for --help (NULL: the general usage). */
static const char *help_command;

void hc_cli_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg;
	int r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0) {
		fputs("hmapcore: out of memory\n", stderr);
		return;
	}
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	if (hc_strbuf_appends(&sb, "hmapcore: ") && hc_strbuf_append_inert(&sb, msg) &&
	    hc_strbuf_appendc(&sb, '\n'))
		fputs(sb.str, stderr);
	else
		fputs("hmapcore: out of memory\n", stderr);
	hc_strbuf_deinit(&sb);
	free(msg);
}

static int usage(const char *msg)
{
	if (msg)
		fprintf(stderr, "hmapcore: %s\n", msg);
	fputs(usage_text, stderr);
	return HC_EXIT_USAGE;
}

void hc_cli_stats(const char *what)
{
	if (!getenv("HMAPCORE_STATS"))
		return;
	FILE *f = fopen("/proc/self/status", "r");
	if (!f)
		return;
	char line[256];
	long rss = -1, hwm = -1, anon = -1, file = -1;
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "VmRSS: %ld", &rss);
		sscanf(line, "VmHWM: %ld", &hwm);
		sscanf(line, "RssAnon: %ld", &anon);
		sscanf(line, "RssFile: %ld", &file);
	}
	fclose(f);
	fprintf(stderr, "hmapcore-stats: %s rss_kb=%ld hwm_kb=%ld anon_kb=%ld file_kb=%ld\n", what,
		rss, hwm, anon, file);
}

bool hc_cli_write(const char *s, size_t n)
{
	if (n && fwrite(s, 1, n, stdout) != n) {
		fprintf(stderr, "hmapcore: writing the output: %s\n", strerror(errno));
		return false;
	}
	if (fflush(stdout) != 0) {
		fprintf(stderr, "hmapcore: writing the output: %s\n", strerror(errno));
		return false;
	}
	return true;
}

struct hc_target *hc_cli_open_target(const struct hc_cli *cli)
{
	return hc_cli_open_target_with(cli, 0);
}

/*
 * A core held in a temporary file (compressed, or read from a pipe) takes
 * disk where the user may not expect it: above this size, one line on
 * stderr says where and how much.
 */
static const uint64_t spool_notice_min = (uint64_t)256 << 20;

static void spool_notice(const struct hc_target *t)
{
	const struct hc_file *f = hc_core_file(t->core);
	// A cache entry that was ignored (the core's, the executable's, the
	// debug file's): one line each.
	const struct hc_file *noted[3] = {
		f, t->exe ? hc_elffile_file(t->exe) : NULL,
		t->debug ? hc_elffile_file(t->debug) : NULL,
	};
	for (size_t i = 0; i < 3; i++) {
		if (noted[i] && noted[i]->cache_note &&
		    (i < 2 || noted[i] != noted[1]))
			fprintf(stderr, "hmapcore: %s\n", noted[i]->cache_note);
	}
	if (f->cache_state != HC_FILE_CACHE_NONE && getenv("HMAPCORE_STATS"))
		fprintf(stderr, "hmapcore-stats: %s\n",
			f->cache_state == HC_FILE_CACHE_HIT ?
				"core from the cache" : "core stored in the cache");
	if (!f->spool_dir || f->size < spool_notice_min)
		return;
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	hc_strbuf_appends(&sb, "hmapcore: ");
	hc_strbuf_appends(&sb, f->compression != HC_COMPRESSION_NONE ?
				       "decompressed " : "copied ");
	hc_format_size(&sb, f->size);
	hc_strbuf_appendf(&sb, " of %s into an unlinked temporary file in %s (",
			  !strcmp(f->path, "-") ? "standard input" : "the core",
			  f->spool_dir);
	hc_format_size(&sb, f->spool_disk);
	hc_strbuf_appends(&sb, " on disk until exit; set TMPDIR to move it)");
	if (sb.str)
		fprintf(stderr, "%s\n", sb.str);
	hc_strbuf_deinit(&sb);
}

struct hc_target *hc_cli_open_target_with(const struct hc_cli *cli,
					  unsigned unneeded)
{
	struct hc_target_options opts = {
		.exe_path = cli->exe_path,
		.debug_file = cli->debug_file,
		.debug_root = getenv("HMAPCORE_DEBUG_ROOT"),
		.ignore_build_id = cli->ignore_build_id,
		.no_dwarf = cli->no_dwarf,
		.dwarf_unneeded = unneeded & HC_CLI_DWARF_UNNEEDED,
		.runtime_unneeded = unneeded & HC_CLI_RUNTIME_UNNEEDED,
	};
	struct hc_target *t;
	struct hc_error *err = hc_target_open(cli->core_path, &opts, &t);
	if (err) {
		hc_cli_error("%s", err->message);
		hc_error_destroy(err);
		return NULL;
	}
	spool_notice(t);
	return t;
}

/* The browser; it restores the terminal before an error is printed. */
static int cmd_tui(const struct hc_cli *cli)
{
	struct hc_target_options opts = {
		.exe_path = cli->exe_path,
		.debug_file = cli->debug_file,
		.debug_root = getenv("HMAPCORE_DEBUG_ROOT"),
		.ignore_build_id = cli->ignore_build_id,
		.no_dwarf = cli->no_dwarf,
	};
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "hmapcore: the browser needs a terminal; try "
				"`hmapcore info` or `hmapcore goroutines`\n");
		return HC_EXIT_USAGE;
	}
	struct hc_error *err = hc_tui_run(cli->core_path, &opts);
	if (err) {
		hc_cli_error("%s", err->message);
		hc_error_destroy(err);
		return HC_EXIT_ERROR;
	}
	return HC_EXIT_OK;
}

static const struct {
	const char *name;
	int (*run)(const struct hc_cli *cli);
} commands[] = {
	{"tui", cmd_tui},
	{"info", hc_cmd_info},
	{"goroutines", hc_cmd_goroutines},
	{"threads", hc_cmd_threads},
	{"maps", hc_cmd_maps},
	{"map", hc_cmd_map},
	{"check", hc_cmd_check},
	{"report", hc_cmd_report},
	{"addr", hc_cmd_addr},
	{"layout", hc_cmd_layout},
};

static const struct option long_options[] = {
	{"exe", required_argument, NULL, 'e'},
	{"cache", required_argument, NULL, 'c'},
	{"debug-file", required_argument, NULL, 'D'},
	{"format", required_argument, NULL, 'f'},
	{"ignore-build-id", no_argument, NULL, 'I'},
	{"no-dwarf", no_argument, NULL, 'W'},
	{"stacks", no_argument, NULL, 'S'},
	{"group", no_argument, NULL, 'G'},
	{"goroutine", required_argument, NULL, 'g'},
	{"state", required_argument, NULL, 's'},
	{"filter", required_argument, NULL, 'F'},
	{"internals", no_argument, NULL, 'N'},
	{"no-check", no_argument, NULL, 'X'},
	{"entries", no_argument, NULL, 'K'},
	{"fail-on", required_argument, NULL, 'O'},
	{"limit", required_argument, NULL, 'L'},
	{"redact", no_argument, NULL, 'R'},
	{"keys", required_argument, NULL, 'k'},
	{"quiet", no_argument, NULL, 'q'},
	{"color", required_argument, NULL, 'C'},
	{"colour", required_argument, NULL, 'C'},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{NULL, 0, NULL, 0},
};

/*
 * Parse options from argv[optind...] up to the first non-option. Returns -1
 * to go on, else the exit status.
 */
static int parse_options(int argc, char **argv, struct hc_cli *cli, bool permute)
{
	int c;
	while ((c = getopt_long(argc, argv, permute ? "e:f:g:hqV" : "+e:f:g:hqV",
				long_options, NULL)) != -1) {
		switch (c) {
		case 'e':
			cli->exe_path = optarg;
			break;
		case 'c':
			cli->cache_dir = optarg;
			break;
		case 'D':
			cli->debug_file = optarg;
			break;
		case 'f':
			if (!hc_format_parse(optarg, &cli->format))
				return usage("unknown --format (text, json, markdown, html, go)");
			cli->format_given = true;
			break;
		case 'I':
			cli->ignore_build_id = true;
			break;
		case 'W':
			cli->no_dwarf = true;
			break;
		case 'S':
			cli->stacks = true;
			break;
		case 'G':
			cli->group = true;
			break;
		case 'g': {
			char *end;
			errno = 0;
			cli->goid = strtoull(optarg, &end, 10);
			if (errno || end == optarg || *end)
				return usage("-g wants a goroutine id");
			cli->goid_given = true;
			break;
		}
		case 's':
			cli->state = optarg;
			break;
		case 'N':
			cli->internals = true;
			break;
		case 'X':
			cli->no_check = true;
			break;
		case 'K':
			cli->entries = true;
			break;
		case 'O':
			if (!hc_severity_parse(optarg, &cli->fail_on))
				return usage("--fail-on takes info, warning or error");
			break;
		case 'L': {
			char *end;
			cli->limit = strtoull(optarg, &end, 10);
			if (!*optarg || *end)
				return usage("--limit takes a number");
			break;
		}
		case 'F':
			cli->func_filter = optarg;
			break;
		case 'h':
			for (size_t i = 0; help_command && i < sizeof(command_help) /
							       sizeof(command_help[0]); i++) {
				if (strcmp(help_command, command_help[i].name) == 0) {
					fputs(command_help[i].text, stdout);
					return HC_EXIT_OK;
				}
			}
			fputs(usage_text, stdout);
			return HC_EXIT_OK;
		case 'R':
			cli->redact = true;
			break;
		case 'k': {
			char *end;
			cli->keys = strtoull(optarg, &end, 10);
			if (!*optarg || *end || !cli->keys)
				return usage("--keys takes a positive number");
			break;
		}
		case 'q':
			cli->quiet = true;
			break;
		case 'C':
			if (strcmp(optarg, "auto") == 0)
				cli->color = HC_COLOR_AUTO;
			else if (strcmp(optarg, "always") == 0)
				cli->color = HC_COLOR_ALWAYS;
			else if (strcmp(optarg, "never") == 0)
				cli->color = HC_COLOR_NEVER;
			else
				return usage("--color takes auto, always or never");
			break;
		case 'V':
			printf("hmapcore %s\n", PACKAGE_VERSION);
			return HC_EXIT_OK;
		default:
			return usage(NULL);
		}
	}
	return -1;
}

/*
 * A size for HMAPCORE_CACHE_MAX: bytes, or with a K, M, G or T suffix
 * (powers of 1024). False when it is not one.
 */
static bool parse_size(const char *s, uint64_t *ret)
{
	char *end;
	errno = 0;
	if (*s < '0' || *s > '9')
		return false;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno)
		return false;
	unsigned shift = 0;
	switch (*end) {
	case 'K': case 'k': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	case 'T': case 't': shift = 40; end++; break;
	}
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end || v == 0 || v > (UINT64_MAX >> shift))
		return false;
	*ret = (uint64_t)v << shift;
	return true;
}

/* --cache or $HMAPCORE_CACHE: -1 to go on, else the exit status. */
static int set_cache(const struct hc_cli *cli)
{
	const char *dir = cli->cache_dir;
	if (!dir)
		dir = getenv("HMAPCORE_CACHE");
	if (!dir || !*dir)
		return -1;
	uint64_t max = 0;
	const char *m = getenv("HMAPCORE_CACHE_MAX");
	if (m && *m && !parse_size(m, &max))
		return usage("HMAPCORE_CACHE_MAX takes a size in bytes, "
			     "with an optional K, M, G or T suffix");
	struct hc_error *err = hc_file_set_cache(dir, max);
	if (err) {
		hc_cli_error("%s", err->message);
		hc_error_destroy(err);
		return HC_EXIT_ERROR;
	}
	return -1;
}

/* The command returned: its status stands. */
static volatile bool command_returned;

/*
 * An exit() that is not main's return: a library gave up (libdw calls
 * error(EXIT_FAILURE, ...) when it runs out of memory). Its status 1
 * would read as "findings"; the answer is an error: exit 2.
 */
static void exit_guard(void)
{
	if (command_returned)
		return;
	static const char msg[] = "hmapcore: stopped inside a library: no answer\n";
	ssize_t r = write(STDERR_FILENO, msg, sizeof(msg) - 1);
	(void)r;
	_exit(HC_EXIT_ERROR);
}

int main(int argc, char **argv)
{
	struct hc_cli cli = {.format = HC_FORMAT_TEXT, .fail_on = HC_SEVERITY_WARNING};
	int status = parse_options(argc, argv, &cli, false);
	if (status >= 0)
		return status;
	int rest = argc - optind;
	char **args = argv + optind;
	/* No command: the browser on a terminal, else the report (DESIGN.md). */
	int (*run)(const struct hc_cli *) =
		isatty(STDOUT_FILENO) && isatty(STDIN_FILENO) ? cmd_tui : hc_cmd_report;
	if (rest >= 1) {
		for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
			if (strcmp(args[0], commands[i].name) == 0) {
				run = commands[i].run;
				help_command = commands[i].name;
				args++;
				rest--;
				break;
			}
		}
	}
	/* Options may also follow the command and its arguments:
	 * "hmapcore map CORE main.m --internals" (GNU getopt permutes). */
	if (rest >= 1) {
		optind = 0;
		int subargc = rest + 1;
		char **subargv = args - 1;
		status = parse_options(subargc, subargv, &cli, true);
		if (status >= 0)
			return status;
		args = subargv + optind;
		rest = subargc - optind;
	}
	if (rest < 1)
		return usage("no core file given");
	bool takes_arg = run == hc_cmd_map || run == hc_cmd_addr;
	if (rest > (takes_arg ? 2 : 1))
		return usage("unknown command or too many arguments");
	if (takes_arg && rest == 2)
		cli.arg = args[1];
	cli.core_path = args[0];
	cli.argc = rest;
	cli.argv = args;
	if ((status = set_cache(&cli)) >= 0)
		return status;
	if (atexit(exit_guard) != 0)
		return HC_EXIT_ERROR;
	status = run(&cli);
	command_returned = true;
	return status;
}
