/*
 * Private interface of the report writers (layer L5, report): the Markdown
 * and HTML writers, and the text escaping they share with the text writer.
 */
#ifndef HMAPCORE_REPORT_PRIV_H
#define HMAPCORE_REPORT_PRIV_H

#include <stdarg.h>
#include <stdbool.h>

#include "hmapcore/report.h"
#include "hmapcore/strbuf.h"

/** Append model text for a terminal: control bytes as \xNN. */
bool rp_text(struct hc_strbuf *out, const char *s);

bool rp_write_markdown(const struct hc_report *r, struct hc_strbuf *out);
bool rp_write_html(const struct hc_report *r, struct hc_strbuf *out);

#endif /* HMAPCORE_REPORT_PRIV_H */
