/* Unit tests for L0 util and the JSON writer. */
#include "config.h"

#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmapcore/completeness.h"
#include "hmapcore/error.h"
#include "hmapcore/hash_table.h"
#include "hmapcore/json.h"
#include "hmapcore/sha256.h"
#include "hmapcore/strbuf.h"
#include "hmapcore/vector.h"

HC_DEFINE_VECTOR(int_vec, int)
HC_DEFINE_HASH_MAP(str_map, const char *, int, hc_hash_string, hc_eq_string)
HC_DEFINE_HASH_MAP(u64_map, uint64_t, uint64_t, hc_hash_u64, hc_eq_u64)

START_TEST(test_util_error_fault_carries_address)
{
	struct hc_error *err = hc_error_fault(0xc000012345, "reading %s", "g");
	ck_assert_int_eq(err->code, HC_ERROR_FAULT);
	ck_assert_uint_eq(err->address, 0xc000012345);
	ck_assert_str_eq(err->message, "reading g: 0xc000012345");
	err = hc_error_prefix(err, "goroutine %d", 7);
	ck_assert_str_eq(err->message, "goroutine 7: reading g: 0xc000012345");
	hc_error_destroy(err);
}
END_TEST

START_TEST(test_util_error_nomem_is_static)
{
	struct hc_error *err = hc_error_create(HC_ERROR_NOMEM, "x");
	ck_assert_ptr_eq(err, &hc_error_nomem);
	ck_assert_ptr_eq(hc_error_prefix(err, "ctx"), &hc_error_nomem);
	hc_error_destroy(err);
	hc_error_destroy(NULL);
	ck_assert_str_eq(hc_error_code_text(HC_ERROR_FAULT), "memory not in the core");
}
END_TEST

START_TEST(test_util_error_os_appends_strerror)
{
	struct hc_error *err = hc_error_os(2, "opening %s", "core");
	ck_assert_int_eq(err->errnum, 2);
	ck_assert_str_eq(err->message, "opening core: No such file or directory");
	hc_error_destroy(err);
}
END_TEST

START_TEST(test_util_strbuf_appendf_grows)
{
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	for (int i = 0; i < 1000; i++)
		ck_assert(hc_strbuf_appendf(&sb, "%d,", i));
	ck_assert_uint_eq(sb.len, strlen(sb.str));
	ck_assert(strncmp(sb.str, "0,1,2,", 6) == 0);
	ck_assert(strstr(sb.str, ",999,") != NULL);
	char *s = hc_strbuf_steal(&sb);
	ck_assert_ptr_null(sb.str);
	free(s);
	s = hc_strbuf_steal(&sb);
	ck_assert_str_eq(s, "");
	free(s);
}
END_TEST

START_TEST(test_util_strbuf_numbers_match_printf)
{
	static const uint64_t u[] = {0, 1, 9, 10, 15, 16, 255, 4096, 0x7fffffffffffffffull,
				     UINT64_MAX, 1234567890123ull, 0xc000123400ull};
	static const int64_t d[] = {0, -1, 1, INT64_MIN, INT64_MAX, -4096, 2147483647};
	for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++) {
		struct hc_strbuf sb;
		hc_strbuf_init(&sb);
		char want[64];
		ck_assert(hc_strbuf_append_u64(&sb, u[i]) && hc_strbuf_appendc(&sb, ' ') &&
			  hc_strbuf_append_hex(&sb, u[i]));
		snprintf(want, sizeof(want), "%" PRIu64 " 0x%" PRIx64, u[i], u[i]);
		ck_assert_str_eq(sb.str, want);
		hc_strbuf_deinit(&sb);
	}
	for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		struct hc_strbuf sb;
		hc_strbuf_init(&sb);
		char want[32];
		ck_assert(hc_strbuf_append_i64(&sb, d[i]));
		snprintf(want, sizeof(want), "%" PRId64, d[i]);
		ck_assert_str_eq(sb.str, want);
		hc_strbuf_deinit(&sb);
	}
}
END_TEST

START_TEST(test_util_strbuf_appendf_past_the_room)
{
	/* Appends that fit what is left and ones that do not, at every
	 * length around the capacity: the text is what printf makes. */
	char big[300], want[8192];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	size_t wl = 0;
	for (int i = 0; i < 40; i++) {
		int len = (i * 37) % 299;
		ck_assert(hc_strbuf_appendf(&sb, "%d:%.*s;", i, len, big));
		wl += (size_t)snprintf(want + wl, sizeof(want) - wl, "%d:%.*s;", i, len, big);
	}
	ck_assert_uint_eq(sb.len, wl);
	ck_assert_uint_eq(strlen(sb.str), wl);
	ck_assert_str_eq(sb.str, want);
	hc_strbuf_deinit(&sb);
}
END_TEST

START_TEST(test_util_strbuf_escapes_hostile_bytes)
{
	/* An ESC sequence that would clear the screen, a NUL, a bad UTF-8
	 * byte, a bidi override, and a valid UTF-8 letter. */
	static const char in[] = "a\x1b[2J\x00\"\\\xff\xe2\x80\xae\xc3\xa9\n";
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	ck_assert(hc_strbuf_append_escaped(&sb, in, sizeof(in) - 1));
	ck_assert_str_eq(sb.str,
			 "a\\x1b[2J\\x00\\\"\\\\\\xff\\xe2\\x80\\xae\xc3\xa9\\n");
	for (size_t i = 0; i < sb.len; i++)
		ck_assert((unsigned char)sb.str[i] >= 0x20);
	hc_strbuf_deinit(&sb);
}
END_TEST

/* Issue 24 item 10 (invisible-unicode-escaped): a zero-width space in a
 * key was kept, so "a\u200bb" looked like "ab"; every invisible or format
 * character is escaped as the bidi overrides are, visible ones kept. */
START_TEST(test_util_strbuf_escapes_invisible_unicode)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"a\xe2\x80\x8b" "b", "a\\xe2\\x80\\x8b" "b"},	/* U+200B ZWSP */
		{"a\xe2\x80\x8d" "b", "a\\xe2\\x80\\x8d" "b"},	/* U+200D ZWJ */
		{"\xe2\x80\x8f", "\\xe2\\x80\\x8f"},		/* U+200F RLM */
		{"\xe2\x81\xa0", "\\xe2\\x81\\xa0"},		/* U+2060 word joiner */
		{"\xe2\x81\xa7", "\\xe2\\x81\\xa7"},		/* U+2067 RLI */
		{"\xef\xbb\xbf", "\\xef\\xbb\\xbf"},		/* U+FEFF BOM */
		{"\xc2\xa0", "\\xc2\\xa0"},			/* U+00A0 NBSP */
		{"\xc2\xad", "\\xc2\\xad"},			/* U+00AD soft hyphen */
		{"\xe2\x80\xa8", "\\xe2\\x80\\xa8"},		/* U+2028 line separator */
		{"\xe3\x85\xa4", "\\xe3\\x85\\xa4"},		/* U+3164 Hangul filler */
		{"\xf3\xa0\x80\x81", "\\xf3\\xa0\\x80\\x81"},	/* U+E0001 tag */
		{"\xc3\xa9\xe4\xb8\xad\xf0\x9f\x99\x82", "\xc3\xa9\xe4\xb8\xad\xf0\x9f\x99\x82"}, /* é中🙂 kept */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct hc_strbuf sb;
		hc_strbuf_init(&sb);
		ck_assert(hc_strbuf_append_escaped(&sb, cases[i].in, strlen(cases[i].in)));
		ck_assert_str_eq(sb.str, cases[i].out);
		ck_assert(!hc_str_printable(cases[i].in, strlen(cases[i].in)) ==
			  (strcmp(cases[i].in, cases[i].out) != 0));
		hc_strbuf_deinit(&sb);
	}
}
END_TEST

/* Issue 24 item 5 (hostile-stderr): messages (paths, names from the core)
 * are made inert, their quotes and backslashes kept. */
START_TEST(test_util_strbuf_inert_message)
{
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	ck_assert(hc_strbuf_append_inert(&sb, "opening \"x\x1b[2J\ny\" C:\\d \xe2\x80\xae!"));
	ck_assert_str_eq(sb.str, "opening \"x\\x1b[2J\\ny\" C:\\d \\xe2\\x80\\xae!");
	hc_strbuf_deinit(&sb);
}
END_TEST

START_TEST(test_util_vector_append_and_steal)
{
	struct int_vec v;
	int_vec_init(&v);
	for (int i = 0; i < 100; i++)
		ck_assert(int_vec_append(&v, &i));
	ck_assert_uint_eq(v.size, 100);
	ck_assert_int_eq(v.data[99], 99);
	ck_assert_int_eq(*int_vec_pop(&v), 99);
	size_t n;
	int *d = int_vec_steal(&v, &n);
	ck_assert_uint_eq(n, 99);
	ck_assert_uint_eq(v.size, 0);
	free(d);
	ck_assert_ptr_null(int_vec_pop(&v));
	/* A reservation that cannot be satisfied fails without harm. */
	ck_assert(!int_vec_reserve(&v, SIZE_MAX / 2));
	int_vec_deinit(&v);
}
END_TEST

START_TEST(test_util_hash_map_strings_and_u64)
{
	struct str_map m;
	str_map_init(&m);
	static const char *const keys[] = {"runtime.g", "runtime.m", "main.main"};
	for (int i = 0; i < 3; i++)
		ck_assert(str_map_insert(&m, keys[i], i, NULL));
	bool existed;
	ck_assert(str_map_insert(&m, "runtime.g", 42, &existed));
	ck_assert(existed);
	ck_assert_int_eq(*str_map_search(&m, "runtime.g"), 0);
	ck_assert_int_eq(*str_map_search(&m, "main.main"), 2);
	ck_assert_ptr_null(str_map_search(&m, "runtime.p"));
	ck_assert_uint_eq(str_map_size(&m), 3);
	str_map_deinit(&m);

	struct u64_map u;
	u64_map_init(&u);
	for (uint64_t i = 0; i < 10000; i++)
		ck_assert(u64_map_insert(&u, i * 4096, i, NULL));
	for (uint64_t i = 0; i < 10000; i++)
		ck_assert_uint_eq(*u64_map_search(&u, i * 4096), i);
	ck_assert_ptr_null(u64_map_search(&u, 1));
	u64_map_deinit(&u);
}
END_TEST

START_TEST(test_util_json_is_valid_and_ordered)
{
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	struct hc_json j;
	hc_json_init(&j, &sb, false);
	hc_json_object_begin(&j);
	hc_json_key(&j, "b");
	hc_json_u64(&j, 18446744073709551615ULL);
	hc_json_key(&j, "a");
	hc_json_array_begin(&j);
	hc_json_string(&j, "x\"\n\x1b");
	hc_json_hex(&j, 0xc000010000);
	hc_json_null(&j);
	hc_json_bool(&j, true);
	hc_json_i64(&j, -6);
	hc_json_array_end(&j);
	hc_json_key(&j, "e");
	hc_json_object_begin(&j);
	hc_json_object_end(&j);
	hc_json_key(&j, "bad");
	hc_json_string_n(&j, "\xff\xc3\xa9", 3);
	hc_json_object_end(&j);
	ck_assert(!hc_json_failed(&j));
	ck_assert_str_eq(sb.str,
			 "{\"b\":18446744073709551615,\"a\":[\"x\\\"\\n\\u001b\","
			 "\"0xc000010000\",null,true,-6],\"e\":{},"
			 "\"bad\":\"\\ufffd\xc3\xa9\"}");
	hc_strbuf_deinit(&sb);
}
END_TEST

START_TEST(test_util_json_unbalanced_is_failure)
{
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	struct hc_json j;
	hc_json_init(&j, &sb, true);
	hc_json_object_begin(&j);
	ck_assert(hc_json_failed(&j));
	hc_json_object_end(&j);
	ck_assert(!hc_json_failed(&j));
	hc_json_object_end(&j);
	ck_assert(hc_json_failed(&j));
	hc_strbuf_deinit(&sb);
}
END_TEST

START_TEST(test_util_completeness_gaps_and_costs)
{
	struct hc_completeness c, d;
	hc_completeness_init(&c);
	hc_completeness_init(&d);
	ck_assert(hc_completeness_complete(&c));
	hc_completeness_add(&c, "no map discovery: out of memory", "maps not searched: %d listed", 0);
	hc_completeness_add(&c, "no map discovery: out of memory", "maps not searched: %d listed", 0);
	hc_completeness_add(&c, "goroutine 5's stack: \x1b[2J", "goroutine %d's stack is missing", 5);
	ck_assert(!hc_completeness_complete(&c));
	// The same gap twice is one; control bytes come escaped.
	ck_assert_uint_eq(c.gaps.size, 2);
	ck_assert_str_eq(c.gaps.data[0].cost, "maps not searched: 0 listed");
	ck_assert_str_eq(c.gaps.data[1].reason, "goroutine 5's stack: \\x1b[2J");
	ck_assert_str_eq(c.gaps.data[1].cost, "goroutine 5's stack is missing");
	// A gap lost for lack of memory still makes the answer incomplete.
	d.dropped = 1;
	ck_assert(!hc_completeness_complete(&d));
	hc_completeness_merge(&d, &c);
	ck_assert_uint_eq(d.gaps.size, 2);
	ck_assert_uint_eq(d.dropped, 1);
	hc_completeness_deinit(&c);
	hc_completeness_deinit(&d);
	ck_assert(hc_completeness_complete(&c));
}
END_TEST

static void check_hex(const void *data, size_t n, const char *want)
{
	uint8_t d[HC_SHA256_SIZE];
	char hex[65];
	hc_sha256(data, n, d);
	hc_sha256_hex(d, hex);
	ck_assert_str_eq(hex, want);
}

/* FIPS 180-4 / NIST examples (SHA256.pdf: one block, two blocks, 896 bits). */
START_TEST(test_util_sha256_nist_vectors)
{
	hc_sha256_accelerate(_i);
	check_hex("", 0,
		  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	check_hex("abc", 3,
		  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	check_hex(m448, strlen(m448),
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	const char *m896 = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
			   "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
	check_hex(m896, strlen(m896),
		  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}
END_TEST

START_TEST(test_util_sha256_million_a)
{
	hc_sha256_accelerate(_i);
	// In pieces of 1000 that straddle blocks, as a stream is hashed.
	struct hc_sha256 s;
	char a[1000];
	memset(a, 'a', sizeof(a));
	hc_sha256_init(&s);
	for (int i = 0; i < 1000; i++)
		hc_sha256_update(&s, a, sizeof(a));
	uint8_t d[HC_SHA256_SIZE];
	char hex[65];
	hc_sha256_final(&s, d);
	hc_sha256_hex(d, hex);
	ck_assert_str_eq(hex,
			 "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
END_TEST

/* Around the padding boundaries: 55 bytes leave room for the length in the
 * last block, 56 need another; 64 is a whole block. Digests from coreutils
 * sha256sum. */
START_TEST(test_util_sha256_padding_boundaries)
{
	hc_sha256_accelerate(_i);
	static const struct {
		size_t n;
		const char *hex;
	} v[] = {
		{55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
		{56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
		{57, "f13b2d724659eb3bf47f2dd6af1accc87b81f09f59f2b75e5c0bed6589dfe8c6"},
		{63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"},
		{64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
		{65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"},
		{119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"},
		{120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"},
	};
	char a[128];
	memset(a, 'a', sizeof(a));
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		check_hex(a, v[i].n, v[i].hex);
		// Every split into two updates gives the same digest.
		for (size_t cut = 0; cut <= v[i].n; cut++) {
			struct hc_sha256 s;
			uint8_t d[HC_SHA256_SIZE];
			char hex[65];
			hc_sha256_init(&s);
			hc_sha256_update(&s, a, cut);
			hc_sha256_update(&s, a + cut, v[i].n - cut);
			hc_sha256_final(&s, d);
			hc_sha256_hex(d, hex);
			ck_assert_str_eq(hex, v[i].hex);
		}
	}
}
END_TEST

static Suite *util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("util");
	tcase_add_test(tc, test_util_error_fault_carries_address);
	tcase_add_test(tc, test_util_error_nomem_is_static);
	tcase_add_test(tc, test_util_error_os_appends_strerror);
	tcase_add_test(tc, test_util_strbuf_appendf_grows);
	tcase_add_test(tc, test_util_strbuf_numbers_match_printf);
	tcase_add_test(tc, test_util_strbuf_appendf_past_the_room);
	tcase_add_test(tc, test_util_strbuf_escapes_hostile_bytes);
	tcase_add_test(tc, test_util_strbuf_escapes_invisible_unicode);
	tcase_add_test(tc, test_util_strbuf_inert_message);
	tcase_add_test(tc, test_util_vector_append_and_steal);
	tcase_add_test(tc, test_util_hash_map_strings_and_u64);
	tcase_add_test(tc, test_util_json_is_valid_and_ordered);
	tcase_add_test(tc, test_util_json_unbalanced_is_failure);
	tcase_add_test(tc, test_util_completeness_gaps_and_costs);
	// _i: 0 the portable code, 1 the SHA instructions where the CPU has them.
	tcase_add_loop_test(tc, test_util_sha256_nist_vectors, 0, 2);
	tcase_add_loop_test(tc, test_util_sha256_million_a, 0, 2);
	tcase_add_loop_test(tc, test_util_sha256_padding_boundaries, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(util_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
