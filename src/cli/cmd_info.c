/* hmapcore info: the summary of a core. */
#include "config.h"

#include <stdio.h>

#include "cli.h"
#include "hmapcore/layout.h"
#include "hmapcore/strbuf.h"

int hc_cmd_info(const struct hc_cli *cli)
{
	if (cli->format != HC_FORMAT_TEXT && cli->format != HC_FORMAT_JSON) {
		fprintf(stderr, "hmapcore: info supports --format text or json\n");
		return HC_EXIT_USAGE;
	}
	struct hc_target *t = hc_cli_open_target_with(cli, HC_CLI_DWARF_UNNEEDED);
	if (!t)
		return HC_EXIT_ERROR;
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	bool ok = hc_info_write(t, cli->format, &sb);
	hc_target_destroy(t);
	if (!ok) {
		fprintf(stderr, "hmapcore: out of memory\n");
		hc_strbuf_deinit(&sb);
		return HC_EXIT_ERROR;
	}
	ok = hc_cli_write(sb.str, sb.len);
	hc_strbuf_deinit(&sb);
	return ok ? HC_EXIT_OK : HC_EXIT_ERROR;
}

int hc_cmd_layout(const struct hc_cli *cli)
{
	struct hc_target *t = hc_cli_open_target(cli);
	if (!t)
		return HC_EXIT_ERROR;
	if (!t->has_layout) {
		fprintf(stderr, "hmapcore: no runtime layout for %s (no DWARF, and the built-in tables are for %s)\n",
			t->buildinfo ? t->buildinfo->version : "this release",
			hc_layout_builtin_releases());
		hc_target_destroy(t);
		return HC_EXIT_ERROR;
	}
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	bool ok = hc_strbuf_appendf(&sb, "# go%d.%d.%d %s: %s\n", t->go_major,
				    t->go_minor, t->go_patch,
				    hc_arch_name(hc_core_arch(t->core)), t->layout.source) &&
		  hc_layout_format(&t->layout, &sb);
	hc_target_destroy(t);
	if (ok)
		ok = hc_cli_write(sb.str, sb.len);
	else
		fprintf(stderr, "hmapcore: out of memory\n");
	hc_strbuf_deinit(&sb);
	return ok ? HC_EXIT_OK : HC_EXIT_ERROR;
}
