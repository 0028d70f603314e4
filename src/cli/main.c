/* hmapcore: the command line. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "hmapcore/tui.h"

static const char usage_text[] =
	"usage: hmapcore [OPTIONS] [COMMAND] CORE\n"
	"\n"
	"Inspect the core dump of a crashed Go program.\n"
	"\n"
	"Commands:\n"
	"  tui           the browser (the default on a terminal)\n"
	"  info          summary: Go version, arch, threads, goroutines by state,\n"
	"                signal, fatal error or panic (the default otherwise)\n"
	"  goroutines    every goroutine: id, state, top frame, created by;\n"
	"                --format go prints the Go runtime's own traceback\n"
	"  threads       OS threads: tid, PC, function, M and goroutine\n"
	"  maps          every map found: path, type, count, implementation, size,\n"
	"                growth state, findings; --entries adds the keys (json)\n"
	"  map CORE PATH|ADDR  one map: its entries; --internals adds buckets or\n"
	"                tables, growth, memory\n"
	"  check         run the validators; exit 0 clean, 1 findings at or above\n"
	"                --fail-on (default warning), 2 error\n"
	"  addr CORE ADDR  what an address is: heap object, stack, global, map part\n"
	"\n"
	"Options:\n"
	"  -e, --exe EXE        the executable (default: the core's NT_FILE path,\n"
	"                       else exe, exe.xz or the process name beside the core)\n"
	"  -f, --format FMT     text (default), json, or go (goroutines)\n"
	"      --stacks         goroutines/threads: show the frames\n"
	"      --group          goroutines: group identical stacks\n"
	"  -g, --goroutine ID   goroutines: only goroutine ID\n"
	"      --state S        goroutines: status or wait reason containing S\n"
	"      --filter F       goroutines: with a frame whose function has F\n"
	"      --ignore-build-id  use --exe even if its build id differs\n"
	"  -h, --help           this help\n"
	"  -V, --version        the version\n"
	"\n"
	"Cores and executables may be compressed (xz, zstd, gzip).\n"
	"Exit status: 0 success, 2 the core could not be read, 64 usage error.\n";

static int usage(const char *msg)
{
	if (msg)
		fprintf(stderr, "hmapcore: %s\n", msg);
	fputs(usage_text, stderr);
	return HC_EXIT_USAGE;
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
	struct hc_target_options opts = {
		.exe_path = cli->exe_path,
		.ignore_build_id = cli->ignore_build_id,
	};
	struct hc_target *t;
	struct hc_error *err = hc_target_open(cli->core_path, &opts, &t);
	if (err) {
		fprintf(stderr, "hmapcore: %s\n", err->message);
		hc_error_destroy(err);
		return NULL;
	}
	return t;
}

/* The browser; it restores the terminal before an error is printed. */
static int cmd_tui(const struct hc_cli *cli)
{
	struct hc_target_options opts = {
		.exe_path = cli->exe_path,
		.ignore_build_id = cli->ignore_build_id,
	};
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "hmapcore: the browser needs a terminal; try "
				"`hmapcore info` or `hmapcore goroutines`\n");
		return HC_EXIT_USAGE;
	}
	struct hc_error *err = hc_tui_run(cli->core_path, &opts);
	if (err) {
		fprintf(stderr, "hmapcore: %s\n", err->message);
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
	{"addr", hc_cmd_addr},
};

static const struct option long_options[] = {
	{"exe", required_argument, NULL, 'e'},
	{"format", required_argument, NULL, 'f'},
	{"ignore-build-id", no_argument, NULL, 'I'},
	{"stacks", no_argument, NULL, 'S'},
	{"group", no_argument, NULL, 'G'},
	{"goroutine", required_argument, NULL, 'g'},
	{"state", required_argument, NULL, 's'},
	{"filter", required_argument, NULL, 'F'},
	{"internals", no_argument, NULL, 'N'},
	{"entries", no_argument, NULL, 'K'},
	{"fail-on", required_argument, NULL, 'O'},
	{"limit", required_argument, NULL, 'L'},
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
	while ((c = getopt_long(argc, argv, permute ? "e:f:g:hV" : "+e:f:g:hV",
				long_options, NULL)) != -1) {
		switch (c) {
		case 'e':
			cli->exe_path = optarg;
			break;
		case 'f':
			if (!hc_format_parse(optarg, &cli->format))
				return usage("unknown --format (text, json)");
			cli->format_given = true;
			break;
		case 'I':
			cli->ignore_build_id = true;
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
			fputs(usage_text, stdout);
			return HC_EXIT_OK;
		case 'V':
			printf("hmapcore %s\n", PACKAGE_VERSION);
			return HC_EXIT_OK;
		default:
			return usage(NULL);
		}
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct hc_cli cli = {.format = HC_FORMAT_TEXT, .fail_on = HC_SEVERITY_WARNING};
	int status = parse_options(argc, argv, &cli, false);
	if (status >= 0)
		return status;
	int rest = argc - optind;
	char **args = argv + optind;
	/* No command: the browser on a terminal, else the summary (DESIGN.md:
	 * `report`, which does not exist yet). */
	int (*run)(const struct hc_cli *) =
		isatty(STDOUT_FILENO) && isatty(STDIN_FILENO) ? cmd_tui : hc_cmd_info;
	if (rest >= 1) {
		for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
			if (strcmp(args[0], commands[i].name) == 0) {
				run = commands[i].run;
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
	return run(&cli);
}
