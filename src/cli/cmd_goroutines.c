/* hmapcore goroutines / threads: stacks of a core. */
#include "config.h"

#include <stdio.h>

#include "cli.h"
#include "hmapcore/runtime.h"
#include "hmapcore/strbuf.h"
#include "hmapcore/target.h"
#include "hmapcore/traceback.h"

/*
 * A truncated or damaged core can leave the list empty or short without
 * an error: say so on stderr (stdout stays the report), so that an empty
 * answer is never mistaken for "no goroutines" (found by
 * tests/integration/sweep.sh).
 */
static void warn_degraded(const struct hc_target *t)
{
	const struct hc_runtime *rt = t->runtime;
	if (!rt) {
		hc_cli_error("warning: no runtime model: %s",
			t->notes.size ? t->notes.data[0] : "(no reason given)");
		return;
	}
	if (!rt->problems.size) {
		// A Go program always has goroutines: none means the wrong
		// executable or a damaged allgs.
		if (!rt->goroutines.size)
			fprintf(stderr, "hmapcore: warning: runtime.allgs holds "
				"no goroutines (the wrong executable, or a "
				"damaged core?)\n");
		return;
	}
	hc_cli_error("warning: %zu problem%s reading the runtime; "
		"goroutines may be missing (hmapcore info lists them); last: %s",
		rt->problems.size, rt->problems.size == 1 ? "" : "s",
		rt->problems.data[rt->problems.size - 1]);
}

/* hc_traceback_options.flush: write what is made so far. */
static bool flush_out(void *arg, struct hc_strbuf *out)
{
	bool *failed = arg;
	if (!*failed && !hc_cli_write(out->str, out->len))
		*failed = true;
	return !*failed;
}

static int run(const struct hc_cli *cli, bool threads)
{
	/* Only the JSON has what needs DWARF (pprof labels of go1.23 and
	 * older, a map[string]string). */
	struct hc_target *t = hc_cli_open_target_with(
		cli, cli->format == HC_FORMAT_JSON ? 0 : HC_CLI_DWARF_UNNEEDED);
	if (!t)
		return HC_EXIT_ERROR;
	struct hc_traceback_options opts = {
		.stacks = cli->stacks,
		.group = cli->group,
		.one = cli->goid_given,
		.goid = cli->goid,
		.state = cli->state,
		.func = cli->func_filter,
	};
	bool write_failed = false;
	opts.flush = flush_out;
	opts.flush_arg = &write_failed;
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	struct hc_error *err =
		threads ? hc_traceback_write_threads(t, cli->format, &opts, &sb)
			: hc_traceback_write_goroutines(t, cli->format, &opts, &sb);
	warn_degraded(t);
	hc_target_destroy(t);
	if (err && write_failed) {
		/* hc_cli_write said why. */
		hc_error_destroy(err);
		hc_strbuf_deinit(&sb);
		return HC_EXIT_ERROR;
	}
	if (err) {
		hc_cli_error("%s", err->message);
		int status = err->code == HC_ERROR_UNSUPPORTED ? HC_EXIT_USAGE
							       : HC_EXIT_ERROR;
		hc_error_destroy(err);
		hc_strbuf_deinit(&sb);
		return status;
	}
	bool ok = hc_cli_write(sb.str, sb.len);
	hc_strbuf_deinit(&sb);
	return ok ? HC_EXIT_OK : HC_EXIT_ERROR;
}

int hc_cmd_goroutines(const struct hc_cli *cli)
{
	if (cli->format != HC_FORMAT_TEXT && cli->format != HC_FORMAT_JSON &&
	    cli->format != HC_FORMAT_GO) {
		fprintf(stderr, "hmapcore: goroutines supports --format text, json or go\n");
		return HC_EXIT_USAGE;
	}
	return run(cli, false);
}

int hc_cmd_threads(const struct hc_cli *cli)
{
	if (cli->format != HC_FORMAT_TEXT && cli->format != HC_FORMAT_JSON) {
		fprintf(stderr, "hmapcore: threads supports --format text or json\n");
		return HC_EXIT_USAGE;
	}
	return run(cli, true);
}
