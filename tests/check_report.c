/* Unit tests for the report writers: escaping and a model full of hostile
 * strings written in every format. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmapcore/mapview.h"
#include "hmapcore/report.h"
#include "hmapcore/traceback.h"
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

/* Issue 24 item 13/16: a map line keeps its columns whatever the path's
 * length: a long path is cut in the middle with one "…", so its start and
 * its end (the map's own name) stay, and the line is as wide as a short
 * path's. */
static size_t utf8_cols(const char *s)
{
	size_t c = 0;
	for (; *s; s++)
		c += ((unsigned char)*s & 0xc0) != 0x80;
	return c;
}

START_TEST(test_mapview_columns_aligned)
{
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	ck_assert(hc_text_fit(&sb, "main.m", 10));
	ck_assert_str_eq(sb.str, "main.m    ");
	hc_strbuf_reset(&sb);
	ck_assert(hc_text_fit(&sb, "encoding/json.fieldCache (sync.Map)[main.Config]", 20));
	ck_assert_uint_eq(utf8_cols(sb.str), 20);
	ck_assert(strstr(sb.str, "\xe2\x80\xa6"));
	ck_assert(strncmp(sb.str, "encoding/", 9) == 0);
	ck_assert(strstr(sb.str, "Config]"));
	hc_strbuf_deinit(&sb);

	struct hc_map_view_widths w = {.path = 24, .type = 14, .growth = 16};
	struct hc_map_view a = {
		.path = (char *)"main.m", .type = (char *)"map[string]int", .impl = "swiss",
		.has_count = true, .count = 5, .has_size = true, .bytes = 248,
		.growth = (char *)"small", .findings = (char *)"",
	};
	struct hc_map_view b = a;
	b.path = (char *)"goroutine 1 frame main.main local m.Labels.Labels";
	b.nil = true;
	b.has_count = false;
	b.has_size = false;
	b.impl = "nil";
	b.growth = (char *)"-";
	b.findings = (char *)"slice-nil-map";
	struct hc_strbuf la, lb, head;
	hc_strbuf_init(&la);
	hc_strbuf_init(&lb);
	hc_strbuf_init(&head);
	ck_assert(hc_map_view_columns(&head, &w));
	ck_assert(hc_map_view_line(&la, &a, &w));
	ck_assert(hc_map_view_line(&lb, &b, &w));
	/* COUNT ends at the same column on every line. */
	size_t end = utf8_cols(head.str) - utf8_cols(strstr(head.str, "COUNT")) + 5;
	char ca[256], cb[256];
	snprintf(ca, sizeof(ca), "%s", la.str);
	ck_assert_uint_gt(strlen(ca), end);
	/* The long path's line, counted in characters. */
	const char *p = lb.str;
	size_t c = 0;
	while (*p && c < end - 1) {
		c += ((unsigned char)*p & 0xc0) != 0x80;
		p++;
	}
	while (((unsigned char)*p & 0xc0) == 0x80)
		p++;
	snprintf(cb, sizeof(cb), "%s", p);
	ck_assert_int_eq(ca[end - 1], '5');
	ck_assert_int_eq(cb[0], '-');
	ck_assert(strstr(lb.str, " nil "));
	ck_assert(strstr(lb.str, "slice-nil-map"));
	hc_strbuf_deinit(&la);
	hc_strbuf_deinit(&lb);
	hc_strbuf_deinit(&head);
}
END_TEST

/* A stack of @p n single-frame physical frames, @p elided more counted
 * after the first @p inner (what a walk keeps of a deep stack). */
static void deep_stack(struct hc_stack *st, size_t n, size_t inner, uint64_t elided)
{
	hc_stack_init(st);
	for (size_t i = 0; i < n; i++) {
		struct hc_frame f = { .func = "main.recurse", .file = "main.go", .line = 27,
				      .phys = (uint32_t)(i < inner ? i : i + elided) };
		ck_assert(hc_frame_vec_append(&st->frames, &f));
	}
	st->elided = elided;
	st->elided_at = elided ? inner : 0;
}

START_TEST(test_report_traceback_cut_deep_stack)
{
	/* Issue 24 item 4: the runtime's elision of a deep stack
	 * (traceback.go traceback1, go1.21+): 50 inner, "...N frames
	 * elided...", 50 outer; N counts the frames the walk did not keep. */
	struct hc_stack st;
	struct hc_traceback_cut c;
	deep_stack(&st, 10050, 10000, 8000);
	hc_traceback_cut(23, &st, 2, &c);
	ck_assert(c.elided_line);
	ck_assert(!c.additional_line);
	ck_assert_uint_eq(c.first_end, 52);
	ck_assert_uint_eq(c.second_begin, 10000);
	ck_assert_uint_eq(c.elided, 10048 + 8000 - 100);
	hc_stack_deinit(&st);

	/* 100 frames: all printed; 101: one elided. */
	deep_stack(&st, 100, 100, 0);
	hc_traceback_cut(26, &st, 0, &c);
	ck_assert(!c.elided_line);
	ck_assert_uint_eq(c.first_end, 100);
	hc_stack_deinit(&st);
	deep_stack(&st, 101, 101, 0);
	hc_traceback_cut(21, &st, 0, &c);
	ck_assert(c.elided_line);
	ck_assert_uint_eq(c.elided, 1);
	ck_assert_uint_eq(c.first_end, 50);
	ck_assert_uint_eq(c.second_begin, 51);
	hc_stack_deinit(&st);

	/* go1.19 (gentraceback, _TracebackMaxFrames): the first 100
	 * physical frames, then "...additional frames elided..." when that
	 * printed exactly 100 frames; exactly 100 frames print it too. */
	deep_stack(&st, 10050, 10000, 8000);
	hc_traceback_cut(19, &st, 0, &c);
	ck_assert(c.additional_line);
	ck_assert(!c.elided_line);
	ck_assert_uint_eq(c.first_end, 100);
	ck_assert_uint_eq(c.second_begin, 10050);
	hc_stack_deinit(&st);
	deep_stack(&st, 99, 99, 0);
	hc_traceback_cut(19, &st, 0, &c);
	ck_assert(!c.additional_line);
	ck_assert_uint_eq(c.first_end, 99);
	hc_stack_deinit(&st);
	deep_stack(&st, 100, 100, 0);
	hc_traceback_cut(19, &st, 0, &c);
	ck_assert(c.additional_line);
	hc_stack_deinit(&st);
}
END_TEST

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
	tcase_add_test(tc, test_mapview_columns_aligned);
	tcase_add_test(tc, test_report_traceback_cut_deep_stack);
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
