/*
 * Private interface of the report writers (layer L5, report): the Markdown
 * and HTML writers, and the text escaping they share with the text writer.
 */
#ifndef HMAPCORE_REPORT_PRIV_H
#define HMAPCORE_REPORT_PRIV_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmapcore/report.h"
#include "hmapcore/strbuf.h"

/** Append model text for a terminal: control bytes as \xNN. */
bool rp_text(struct hc_strbuf *out, const char *s);
bool rp_text_n(struct hc_strbuf *out, const char *s, size_t n);

bool rp_write_markdown(const struct hc_report *r, struct hc_strbuf *out);
bool rp_write_html(const struct hc_report *r, struct hc_strbuf *out);

/*
 * The document both of them write (report_doc.c): sections, paragraphs,
 * key-value tables, tables, stacks, pictures. A backend appends its
 * markup to d->out for each element; text between the calls is either
 * the document's own (appended as it is) or the model's, through esc().
 * Every op returns false on out of memory.
 */
struct rp_doc;

struct rp_doc_ops {
	/* Whether occupancy pictures are drawn (a heading announces them). */
	bool pictures;
	bool (*esc)(struct rp_doc *d, const char *s);
	bool (*begin)(struct rp_doc *d, const struct hc_report *r);
	bool (*end)(struct rp_doc *d, const struct hc_report *r);
	bool (*title_begin)(struct rp_doc *d);
	bool (*title_end)(struct rp_doc *d);
	/* "findings" or "clean", as a badge. */
	bool (*verdict)(struct rp_doc *d, const char *verdict);
	bool (*section_begin)(struct rp_doc *d, const char *id, const char *title);
	bool (*section_end)(struct rp_doc *d);
	bool (*subheading)(struct rp_doc *d, const char *title);
	bool (*para_begin)(struct rp_doc *d);
	bool (*para_end)(struct rp_doc *d);
	/* A highlighted paragraph of model text. */
	bool (*callout)(struct rp_doc *d, const char *s);
	/* A two-column table without a header: kv_row starts a row with its
	 * key, the value's text follows. */
	bool (*kv_begin)(struct rp_doc *d);
	bool (*kv_row)(struct rp_doc *d, const char *key);
	bool (*kv_end)(struct rp_doc *d);
	bool (*table_begin)(struct rp_doc *d, const char *const *cols, size_t n);
	bool (*row_begin)(struct rp_doc *d);
	/* The next cell of the row. */
	bool (*cell)(struct rp_doc *d);
	bool (*row_end)(struct rp_doc *d);
	bool (*table_end)(struct rp_doc *d);
	/* A block of model text kept as it is (stacks). */
	bool (*pre)(struct rp_doc *d, const char *block);
	/* Model text in a code face. */
	bool (*code)(struct rp_doc *d, const char *s);
	bool (*addr)(struct rp_doc *d, uint64_t addr);
	bool (*severity)(struct rp_doc *d, const char *severity);
	bool (*strong_begin)(struct rp_doc *d);
	bool (*strong_end)(struct rp_doc *d);
	/* A goroutine group: its summary line, then its stack. */
	bool (*group_begin)(struct rp_doc *d, bool open);
	bool (*group_summary_end)(struct rp_doc *d);
	bool (*group_end)(struct rp_doc *d);
	/* Pictures: goroutines by state; the occupancy of map @p index. */
	bool (*states)(struct rp_doc *d, const struct hc_report *r);
	bool (*occupancy)(struct rp_doc *d, const struct hc_report_map *m, size_t index);
	bool (*list_begin)(struct rp_doc *d);
	bool (*item)(struct rp_doc *d);
	bool (*list_end)(struct rp_doc *d);
};

struct rp_doc {
	struct hc_strbuf *out;
	const struct rp_doc_ops *ops;
	bool ok;
	/* Backend state: open list item or table row. */
	bool in_item, in_row;
};

bool rp_write_document(const struct hc_report *r, const struct rp_doc_ops *ops,
		       struct hc_strbuf *out);

#endif /* HMAPCORE_REPORT_PRIV_H */
