/* Unit tests for the report writers: escaping and a model full of hostile
 * strings written in every format. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "hmapcore/report.h"
#include "report_model.h"

static char *md(const char *s)
{
	struct hc_strbuf b;
	hc_strbuf_init(&b);
	ck_assert(hc_report_escape_markdown(&b, s));
	return hc_strbuf_steal(&b);
}

static char *html(const char *s)
{
	struct hc_strbuf b;
	hc_strbuf_init(&b);
	ck_assert(hc_report_escape_html(&b, s));
	return hc_strbuf_steal(&b);
}

#define CK_ESC(fn, in, want)                 \
	do {                                 \
		char *got_ = fn(in);         \
		ck_assert_str_eq(got_, want); \
		free(got_);                  \
	} while (0)

START_TEST(test_report_markdown_escapes_markup)
{
	CK_ESC(md, "main.gVictim", "main.gVictim");
	CK_ESC(md, "| fake | row |", "\\| fake \\| row \\|");
	CK_ESC(md, "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;");
	CK_ESC(md, "[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))");
	CK_ESC(md, "**b** _i_ `c` ~~s~~", "\\*\\*b\\*\\* \\_i\\_ \\`c\\` \\~\\~s\\~\\~");
	CK_ESC(md, "https://evil www.evil", "https\\://evil www\\.evil");
	CK_ESC(md, "@all #1 !2 $3 %4 ^5", "\\@all \\#1 \\!2 \\$3 \\%4 \\^5");
	CK_ESC(md, "a\\|b", "a\\\\\\|b");
	CK_ESC(md, "&amp;", "&amp;amp;");
	CK_ESC(md, "\x1b[2J", "\\\\x1b\\[2J");
}
END_TEST

START_TEST(test_report_html_escapes_markup)
{
	CK_ESC(html, "map[string]int", "map[string]int");
	CK_ESC(html, "<img src=x onerror=alert(2)>", "&lt;img src=x onerror=alert(2)&gt;");
	CK_ESC(html, "\"q\" 's' &", "&quot;q&quot; &#39;s&#39; &amp;");
	CK_ESC(html, "\x1b]0;t\x07", "\\x1b]0;t\\x07");
}
END_TEST

START_TEST(test_report_fence_outlasts_backticks)
{
	ck_assert_uint_eq(hc_report_fence_len(""), 3);
	ck_assert_uint_eq(hc_report_fence_len("a `b` c"), 3);
	ck_assert_uint_eq(hc_report_fence_len("```"), 4);
	ck_assert_uint_eq(hc_report_fence_len("x ````` y ``` z"), 6);
}
END_TEST

/* Every string field of a model holds one of these; no output may carry
 * any of them live. */
static const char *const hostile[] = {
	"hostile \x1b[2J<script>alert('panic')</script> | x | y |",
	"\x1b]0;pwned\x07",
	"| fake | row |\n|---|---|",
	"```fence``` `code`",
	"<img src=x onerror=alert(2)>",
	"\xc2\x9b""31m C1 CSI",
	"\xe2\x80\xae RTL override",
	"\xff\xfe invalid",
	"back\\slash \r\n\t\b",
};

static void write_hostile(enum hc_format f, struct hc_strbuf *out)
{
	size_t n = sizeof(hostile) / sizeof(hostile[0]);
	size_t len[sizeof(hostile) / sizeof(hostile[0])];
	for (size_t i = 0; i < n; i++)
		len[i] = strlen(hostile[i]);
	struct hc_report *r = report_model_from_strings(hostile, len, n);
	ck_assert_ptr_nonnull(r);
	hc_strbuf_init(out);
	ck_assert_ptr_null(hc_report_write(r, f, false, out));
	hc_report_destroy(r);
}

START_TEST(test_report_hostile_model_is_inert_in_every_format)
{
	static const enum hc_format formats[] = {HC_FORMAT_TEXT, HC_FORMAT_JSON,
						 HC_FORMAT_MARKDOWN, HC_FORMAT_HTML};
	for (size_t i = 0; i < 4; i++) {
		struct hc_strbuf out;
		write_hostile(formats[i], &out);
		const char *why = report_output_problem(formats[i], out.str, out.len);
		if (why)
			ck_abort_msg("format %d: %s", (int)formats[i], why);
		ck_assert_ptr_null(strstr(out.str, "\x1b"));
		/* Markdown may hold them literally inside code fences only,
		 * which report_output_problem checks. */
		if (formats[i] == HC_FORMAT_HTML) {
			ck_assert_ptr_null(strstr(out.str, "<script"));
			ck_assert_ptr_null(strstr(out.str, "<img"));
		}
		if (formats[i] == HC_FORMAT_HTML || formats[i] == HC_FORMAT_MARKDOWN) {
			ck_assert_ptr_nonnull(strstr(out.str, "&lt;script&gt;"));
		}
		/* The strings are there, escaped, not dropped. */
		ck_assert_ptr_nonnull(strstr(out.str, "x1b[2J") ? strstr(out.str, "x1b[2J")
								: strstr(out.str, "x1b\\[2J"));
		hc_strbuf_deinit(&out);
	}
}
END_TEST

/* An incomplete model says so first, in every format. */
START_TEST(test_report_incomplete_in_every_format)
{
	static const char *const why[] = {"no map discovery: out of memory"};
	size_t len = strlen(why[0]);
	static const enum hc_format formats[] = {HC_FORMAT_TEXT, HC_FORMAT_JSON,
						 HC_FORMAT_MARKDOWN, HC_FORMAT_HTML};
	static const char *const want[] = {
		"\nincomplete: no map discovery: out of memory\n            cost: ",
		"\"complete\": false,\n  \"incomplete\": [\n    {\n      \"reason\": \"no map discovery: out of memory\"",
		"**incomplete**: no map discovery: out of memory. Cost: ",
		"<strong>incomplete</strong>: no map discovery: out of memory. Cost: ",
	};
	for (size_t i = 0; i < 4; i++) {
		struct hc_report *r = report_model_from_strings(why, &len, 1);
		ck_assert_ptr_nonnull(r);
		r->verdict = "incomplete";
		r->complete = false;
		struct hc_strbuf out;
		hc_strbuf_init(&out);
		ck_assert_ptr_null(hc_report_write(r, formats[i], false, &out));
		if (!strstr(out.str, want[i]))
			ck_abort_msg("format %d lacks '%s':\n%.600s", (int)formats[i], want[i], out.str);
		// (The HTML's style sheet names the clean colour.)
		if (formats[i] != HC_FORMAT_HTML)
			ck_assert_ptr_null(strstr(out.str, "clean"));
		else
			ck_assert_ptr_nonnull(strstr(out.str, "class=\"verdict incomplete\""));
		hc_strbuf_deinit(&out);
		hc_report_destroy(r);
	}
}
END_TEST

START_TEST(test_report_checker_catches_injection)
{
	/* The checker itself must fail on what it is there to catch. */
	const char *md_row = "| a | b |\n|---|---|\n| x | y | z |\n";
	ck_assert_ptr_nonnull(report_output_problem(HC_FORMAT_MARKDOWN, md_row, strlen(md_row)));
	const char *md_ok = "| a | b |\n|---|---|\n| x \\| y | z |\n";
	ck_assert_ptr_null(report_output_problem(HC_FORMAT_MARKDOWN, md_ok, strlen(md_ok)));
	const char *h = "<p><script>x</script></p>";
	ck_assert_ptr_nonnull(report_output_problem(HC_FORMAT_HTML, h, strlen(h)));
	const char *t = "a\x1b[31mb";
	ck_assert_ptr_nonnull(report_output_problem(HC_FORMAT_TEXT, t, strlen(t)));
	const char *fence = "```text\n```oops\n```\n";
	ck_assert_ptr_nonnull(report_output_problem(HC_FORMAT_MARKDOWN, fence, strlen(fence)));
}
END_TEST

static Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_report_markdown_escapes_markup);
	tcase_add_test(tc, test_report_html_escapes_markup);
	tcase_add_test(tc, test_report_fence_outlasts_backticks);
	tcase_add_test(tc, test_report_hostile_model_is_inert_in_every_format);
	tcase_add_test(tc, test_report_checker_catches_injection);
	tcase_add_test(tc, test_report_incomplete_in_every_format);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(report_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
