/*
 * Fuzz harness 8: the report writers' escaping (src/report/report_write.c,
 * report_md.c, report_html.c).
 *
 * Input: strings separated by NUL bytes. They fill every string field of a
 * report model (tests/fuzz/report_model.c), as the model builder would
 * after escaping them, and the model is written as text, JSON, Markdown
 * and HTML: each output must be inert (report_output_problem: no control
 * byte, C1 control or bidi override; no tag the HTML writer does not
 * write; no raw '<' and no extra table cell in Markdown, fences closed
 * where they should be), the JSON must be the writer's valid JSON. The raw
 * strings also go straight through hc_report_escape_markdown,
 * hc_report_escape_html and hc_report_fence_len.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "hmapcore/report.h"
#include "report_model.h"

enum { MAX_STRINGS = 64 };

static void fail(const char *what, enum hc_format f, const char *out)
{
	fprintf(stderr, "fuzz_report: format %d: %s\n%s\n", (int)f, what, out ? out : "");
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s[MAX_STRINGS];
	size_t len[MAX_STRINGS];
	size_t n = 0;
	const char *p = (const char *)data, *end = p + size;
	while (p <= end && n < MAX_STRINGS) {
		const char *z = memchr(p, '\0', (size_t)(end - p));
		const char *e = z ? z : end;
		s[n] = p;
		len[n] = (size_t)(e - p);
		n++;
		if (!z)
			break;
		p = z + 1;
	}
	/* The escape functions on the raw bytes (as C strings: up to a NUL). */
	for (size_t i = 0; i < n; i++) {
		char *c = strndup(s[i], len[i]);
		if (!c)
			return 0;
		struct hc_strbuf b;
		hc_strbuf_init(&b);
		if (hc_report_escape_html(&b, c) && b.str && strpbrk(b.str, "<>\"'"))
			fail("escape_html left markup", HC_FORMAT_HTML, b.str);
		hc_strbuf_reset(&b);
		if (hc_report_escape_markdown(&b, c) && b.str && strpbrk(b.str, "<>"))
			fail("escape_markdown left a bracket", HC_FORMAT_MARKDOWN, b.str);
		hc_strbuf_deinit(&b);
		size_t fl = hc_report_fence_len(c), run = 0;
		for (const char *q = c; *q; q++) {
			run = *q == '`' ? run + 1 : 0;
			if (run >= fl)
				fail("fence no longer than a run of backticks", HC_FORMAT_MARKDOWN, c);
		}
		free(c);
	}
	struct hc_report *r = report_model_from_strings(s, len, n);
	if (!r)
		return 0;
	static const enum hc_format formats[] = {HC_FORMAT_TEXT, HC_FORMAT_JSON,
						 HC_FORMAT_MARKDOWN, HC_FORMAT_HTML};
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		struct hc_strbuf out;
		hc_strbuf_init(&out);
		struct hc_error *err = hc_report_write(r, formats[i], false, &out);
		if (!err) {
			const char *why = report_output_problem(formats[i], out.str ? out.str : "",
								out.len);
			if (why)
				fail(why, formats[i], out.str);
		}
		hc_error_destroy(err);
		hc_strbuf_deinit(&out);
	}
	hc_report_destroy(r);
	return 0;
}
