/* hmapcore report: everything about a core, as text, JSON, Markdown or
 * HTML, with the verdict as the exit status. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "hmapcore/check.h"
#include "hmapcore/report.h"

/* --color auto: a terminal that is not "dumb", and NO_COLOR unset
 * (https://no-color.org: any non-empty value). */
static bool want_color(const struct hc_cli *cli)
{
	if (cli->color == HC_COLOR_NEVER)
		return false;
	if (cli->color == HC_COLOR_ALWAYS)
		return true;
	const char *nc = getenv("NO_COLOR");
	if (nc && *nc)
		return false;
	const char *term = getenv("TERM");
	if (!term || !*term || strcmp(term, "dumb") == 0)
		return false;
	return isatty(STDOUT_FILENO);
}

int hc_cmd_report(const struct hc_cli *cli)
{
	if (cli->format == HC_FORMAT_GO) {
		fprintf(stderr, "hmapcore: report supports --format text, json, markdown or html\n");
		return HC_EXIT_USAGE;
	}
	struct hc_target *t;
	struct hc_analysis *a = hc_cli_analyze(cli, &t);
	if (!a)
		return HC_EXIT_ERROR;
	struct hc_report_options o;
	hc_report_options_default(&o);
	o.redact = cli->redact;
	o.fail_on = cli->fail_on;
	o.tool = "hmapcore " PACKAGE_VERSION;
	if (cli->limit)
		o.max_maps = cli->limit;
	if (cli->keys)
		o.max_keys = cli->keys > 1000000 ? 1000000 : (size_t)cli->keys;
	struct hc_report *r;
	struct hc_error *err = hc_report_create(a, &o, &r);
	int status = HC_EXIT_ERROR;
	if (err) {
		hc_cli_error("%s", err->message);
		hc_error_destroy(err);
		goto out;
	}
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	if (cli->quiet)
		err = hc_report_write_verdict(r, &sb) ? NULL : &hc_error_nomem;
	else
		err = hc_report_write(r, cli->format, cli->format == HC_FORMAT_TEXT && want_color(cli),
				      &sb);
	if (err) {
		hc_cli_error("%s", err->message);
		hc_error_destroy(err);
	} else if (hc_cli_write(sb.str, sb.len)) {
		status = r->nover ? HC_EXIT_FINDINGS
			 : !r->complete ? HC_EXIT_INCOMPLETE : HC_EXIT_OK;
	}
	hc_strbuf_deinit(&sb);
	hc_cli_stats("report");
	hc_report_destroy(r);
out:
	hc_analysis_destroy(a);
	hc_target_destroy(t);
	return status;
}
