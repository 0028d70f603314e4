/* The report as Markdown (GitHub / GitLab flavoured, also what Jira's
 * editor takes on paste): the document of report_doc.c as headings,
 * tables and fenced stacks. Model text goes through
 * hc_report_escape_markdown outside code, and into fences longer than any
 * run of backticks it holds. */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include "report_priv.h"

static bool put(struct rp_doc *d, const char *s)
{
	return hc_strbuf_appends(d->out, s);
}

static bool md_esc(struct rp_doc *d, const char *s)
{
	return hc_report_escape_markdown(d->out, s);
}

static bool md_begin(struct rp_doc *d, const struct hc_report *r)
{
	(void)d;
	(void)r;
	return true;
}

static bool md_end(struct rp_doc *d, const struct hc_report *r)
{
	return put(d, "<sub>") && md_esc(d, r->tool) &&
	       hc_strbuf_appendf(d->out, ", report schema %s</sub>\n", HC_REPORT_SCHEMA);
}

static bool md_title_begin(struct rp_doc *d) { return put(d, "# "); }
static bool md_title_end(struct rp_doc *d) { return put(d, "\n\n"); }

static bool md_verdict(struct rp_doc *d, const char *v)
{
	return put(d, "**Verdict: ") && put(d, v) && put(d, "**:");
}

static bool md_section_begin(struct rp_doc *d, const char *id, const char *title)
{
	(void)id;
	return put(d, "## ") && put(d, title) && put(d, "\n\n");
}

static bool md_section_end(struct rp_doc *d)
{
	(void)d;
	return true;
}

static bool md_subheading(struct rp_doc *d, const char *title)
{
	return put(d, "### ") && put(d, title) && put(d, "\n\n");
}

static bool md_para_begin(struct rp_doc *d)
{
	(void)d;
	return true;
}

static bool md_para_end(struct rp_doc *d) { return put(d, "\n\n"); }

static bool md_callout(struct rp_doc *d, const char *s)
{
	return put(d, "> ") && md_esc(d, s) && put(d, "\n\n");
}

static bool md_kv_begin(struct rp_doc *d)
{
	d->in_row = false;
	return put(d, "| | |\n|---|---|\n");
}

static bool end_row(struct rp_doc *d)
{
	bool ok = !d->in_row || put(d, " |\n");
	d->in_row = false;
	return ok;
}

static bool md_kv_row(struct rp_doc *d, const char *key)
{
	d->in_row = end_row(d);
	return d->in_row && put(d, "| ") && put(d, key) && put(d, " | ");
}

static bool md_kv_end(struct rp_doc *d) { return end_row(d) && put(d, "\n"); }

static bool md_table_begin(struct rp_doc *d, const char *const *cols, size_t n)
{
	bool ok = put(d, "|");
	for (size_t i = 0; ok && i < n; i++)
		ok = put(d, " ") && put(d, cols[i]) && put(d, " |");
	ok = ok && put(d, "\n|");
	for (size_t i = 0; ok && i < n; i++)
		ok = put(d, "---|");
	return ok && put(d, "\n");
}

static bool md_row_begin(struct rp_doc *d)
{
	d->in_row = true;
	return put(d, "| ");
}

static bool md_cell(struct rp_doc *d) { return put(d, " | "); }
static bool md_row_end(struct rp_doc *d) { return end_row(d); }
static bool md_table_end(struct rp_doc *d) { return put(d, "\n"); }

static bool md_pre(struct rp_doc *d, const char *block)
{
	size_t n = hc_report_fence_len(block);
	bool ok = true;
	for (size_t i = 0; ok && i < n; i++)
		ok = put(d, "`");
	ok = ok && put(d, "text\n") && put(d, block);
	for (size_t i = 0; ok && i < n; i++)
		ok = put(d, "`");
	return ok && put(d, "\n\n");
}

/* Model text as code: not in a code span (a '|' or '`' from the core
 * would still end a table cell or the span), as escaped text. */
static bool md_code(struct rp_doc *d, const char *s) { return md_esc(d, s); }

static bool md_addr(struct rp_doc *d, uint64_t a)
{
	return hc_strbuf_appendf(d->out, "`0x%" PRIx64 "`", a);
}

static bool md_severity(struct rp_doc *d, const char *sev) { return put(d, sev); }
static bool md_strong(struct rp_doc *d) { return put(d, "**"); }

static bool md_group_begin(struct rp_doc *d, bool open)
{
	(void)d;
	(void)open;
	return true;
}

static bool md_group_summary_end(struct rp_doc *d) { return put(d, "\n\n"); }

static bool md_group_end(struct rp_doc *d)
{
	(void)d;
	return true;
}

/* Goroutines by state: a table where HTML draws bars. */
static bool md_states(struct rp_doc *d, const struct hc_report *r)
{
	bool ok = put(d, "| state | goroutines |\n|---|---|\n");
	for (size_t i = 0; ok && i < r->states.size; i++)
		ok = put(d, "| ") && md_esc(d, r->states.data[i].state) &&
		     hc_strbuf_appendf(d->out, " | %zu |\n", r->states.data[i].count);
	return ok && put(d, "\n");
}

static bool md_occupancy(struct rp_doc *d, const struct hc_report_map *m, size_t i)
{
	(void)d;
	(void)m;
	(void)i;
	return true;
}

static bool md_list_begin(struct rp_doc *d)
{
	d->in_item = false;
	return true;
}

static bool md_item(struct rp_doc *d)
{
	bool ok = !d->in_item || put(d, "\n");
	d->in_item = true;
	return ok && put(d, "- ");
}

static bool md_list_end(struct rp_doc *d)
{
	bool ok = !d->in_item || put(d, "\n");
	d->in_item = false;
	return ok && put(d, "\n");
}

static const struct rp_doc_ops markdown_ops = {
	.pictures = false,
	.esc = md_esc,
	.begin = md_begin,
	.end = md_end,
	.title_begin = md_title_begin,
	.title_end = md_title_end,
	.verdict = md_verdict,
	.section_begin = md_section_begin,
	.section_end = md_section_end,
	.subheading = md_subheading,
	.para_begin = md_para_begin,
	.para_end = md_para_end,
	.callout = md_callout,
	.kv_begin = md_kv_begin,
	.kv_row = md_kv_row,
	.kv_end = md_kv_end,
	.table_begin = md_table_begin,
	.row_begin = md_row_begin,
	.cell = md_cell,
	.row_end = md_row_end,
	.table_end = md_table_end,
	.pre = md_pre,
	.code = md_code,
	.addr = md_addr,
	.severity = md_severity,
	.strong_begin = md_strong,
	.strong_end = md_strong,
	.group_begin = md_group_begin,
	.group_summary_end = md_group_summary_end,
	.group_end = md_group_end,
	.states = md_states,
	.occupancy = md_occupancy,
	.list_begin = md_list_begin,
	.item = md_item,
	.list_end = md_list_end,
};

bool rp_write_markdown(const struct hc_report *r, struct hc_strbuf *out)
{
	return rp_write_document(r, &markdown_ops, out);
}
