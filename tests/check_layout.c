/*
 * Unit tests of the runtime layouts (src/go/layout.c) and of the cross-check
 * that trusts a built-in table only when the core agrees with it
 * (hc_runtime_check_layout, src/go/runtime.c).
 *
 * The table lookups are checked against corefiles/layouts.txt's promises
 * (go1.23.5 and go1.23.12 differ in runtime.m); the cross-check against
 * the go1.23.5 fixture read with its own DWARF layout (fits) and with the
 * go1.23.12 table (must not fit: its alllink is 24 bytes further on).
 */
#include "config.h"

#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hmapcore/layout.h"
#include "hmapcore/runtime.h"
#include "hmapcore/target.h"

START_TEST(test_layout_builtin_per_release)
{
	struct hc_layout a, b;
	bool exact;
	ck_assert_ptr_null(hc_layout_builtin(1, 23, 5, "", &a, &exact));
	ck_assert(exact);
	ck_assert_ptr_null(hc_layout_builtin(1, 23, 12, NULL, &b, &exact));
	ck_assert(exact);
	// The reason the tables are per patch release.
	ck_assert_uint_eq(a.m_size, 1760);
	ck_assert_uint_eq(a.f[HC_LF_M_ALLLINK].off, 328);
	ck_assert_uint_eq(b.m_size, 1784);
	ck_assert_uint_eq(b.f[HC_LF_M_ALLLINK].off, 352);
	ck_assert_ptr_nonnull(strstr(a.source, "go1.23."));
	ck_assert_str_ne(a.source, b.source);
}
END_TEST

START_TEST(test_layout_builtin_experiments)
{
	struct hc_layout l;
	bool exact;
	ck_assert_ptr_null(hc_layout_builtin(1, 24, 13, "noswissmap", &l, &exact));
	ck_assert(exact);
	ck_assert_ptr_nonnull(strstr(l.source, "+noswissmap"));
	// An experiment set no table was checked with: the nearest, not exact.
	ck_assert_ptr_null(hc_layout_builtin(1, 24, 13, "noswissmap,fieldtrack", &l, &exact));
	ck_assert(!exact);
	ck_assert_ptr_null(hc_layout_builtin(1, 23, 12, "noswissmap", &l, &exact));
	ck_assert(!exact);
	// The order of the names does not matter.
	ck_assert_ptr_null(hc_layout_builtin(1, 27, 4, ",mapsplitgroup,", &l, &exact));
	ck_assert(exact);
}
END_TEST

START_TEST(test_layout_builtin_unknown)
{
	struct hc_layout l[8];
	bool exact;
	// A future release: the newest table, not exact.
	ck_assert_ptr_null(hc_layout_builtin(1, 99, 0, "", &l[0], &exact));
	ck_assert(!exact);
	ck_assert_ptr_nonnull(strstr(l[0].source, "go1.27."));
	struct hc_error *err = hc_layout_builtin(2, 0, 0, "", &l[0], &exact);
	ck_assert_ptr_nonnull(err);
	ck_assert_int_eq(err->code, HC_ERROR_UNSUPPORTED);
	hc_error_destroy(err);
	// Candidates: distinct layouts, the release's own first.
	size_t n = hc_layout_builtin_candidates(1, 23, 12, "", l, 8, &exact);
	ck_assert(exact);
	ck_assert_uint_ge(n, 3);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++)
			ck_assert_msg(memcmp(l[i].f, l[j].f, sizeof(l[i].f)) != 0 ||
					      l[i].g_size != l[j].g_size ||
					      l[i].m_size != l[j].m_size ||
					      l[i].md_size != l[j].md_size ||
					      l[i].wait_reasons != l[j].wait_reasons,
				      "candidates %zu and %zu are one layout", i, j);
	// Same minor release first.
	ck_assert_ptr_nonnull(strstr(l[1].source, "go1.23."));
}
END_TEST

static struct hc_target *open_fixture(const char *config)
{
	const char *top = getenv("top_srcdir");
	char core[PATH_MAX];
	snprintf(core, sizeof(core), "%s/corefiles/%s/gallery/core.xz",
		 top && *top ? top : ".", config);
	if (access(core, R_OK) != 0) {
		fprintf(stderr, "check_layout: SKIP, no %s\n", core);
		return NULL;
	}
	struct hc_target *t;
	ck_assert_ptr_null(hc_target_open(core, NULL, &t));
	ck_assert_ptr_nonnull(t->dwarf);
	ck_assert_ptr_nonnull(t->runtime);
	ck_assert_str_eq(t->layout.source, "DWARF");
	return t;
}

/* The runtime model of @p t rebuilt with @p l (globals from DWARF). */
static struct hc_runtime *model_with(struct hc_target *t,
				     const struct hc_layout *l,
				     struct hc_runtime_source *src)
{
	*src = (struct hc_runtime_source){
		.core = t->core,
		.as = t->as,
		.dwarf = t->dwarf,
		.pclntab = t->pclntab,
		.layout = l,
		.build_version = t->buildinfo->version,
		.go_major = t->go_major,
		.go_minor = t->go_minor,
		.bias = t->bias,
		.types_addr = t->types_addr,
	};
	struct hc_runtime *rt;
	ck_assert_ptr_null(hc_runtime_create(src, &rt));
	return rt;
}

START_TEST(test_layout_crosscheck_fits_and_not)
{
	struct hc_target *t = open_fixture("go1.23.5");
	if (!t)
		return;
	struct hc_runtime_source src;
	// The executable's own layout fits its core.
	struct hc_runtime *rt = model_with(t, &t->layout, &src);
	struct hc_error *err = hc_runtime_check_layout(rt, &src);
	ck_assert_msg(err == NULL, "DWARF layout rejected: %s", err ? err->message : "");
	hc_runtime_destroy(rt);
	// go1.23.12's runtime.m on a go1.23.5 core: the M list breaks.
	struct hc_layout wrong;
	bool exact;
	ck_assert_ptr_null(hc_layout_builtin(1, 23, 12, "", &wrong, &exact));
	ck_assert_uint_ne(wrong.m_size, t->layout.m_size);
	rt = model_with(t, &wrong, &src);
	err = hc_runtime_check_layout(rt, &src);
	ck_assert_ptr_nonnull(err);
	ck_assert_int_eq(err->code, HC_ERROR_BAD_DATA);
	ck_assert_msg(strstr(err->message, "allm") || strstr(err->message, "M"),
		      "unexpected reason: %s", err->message);
	hc_error_destroy(err);
	hc_runtime_destroy(rt);
	// A runtime.g of another minor release: goroutines read wrong.
	ck_assert_ptr_null(hc_layout_builtin(1, 19, 13, "", &wrong, &exact));
	rt = model_with(t, &wrong, &src);
	err = hc_runtime_check_layout(rt, &src);
	ck_assert_ptr_nonnull(err);
	hc_error_destroy(err);
	hc_runtime_destroy(rt);
	hc_target_destroy(t);
}
END_TEST

/* A problem added to the model is listed with the others. */
START_TEST(test_layout_problem_recorded)
{
	struct hc_target *t = open_fixture("go1.23.5");
	if (!t)
		return;
	size_t before = t->runtime->problems.size;
	hc_runtime_add_problem(t->runtime, "runtime layout of %s unverified", "go1.23.5");
	ck_assert_uint_eq(t->runtime->problems.size, before + 1);
	ck_assert_str_eq(t->runtime->problems.data[before],
			 "runtime layout of go1.23.5 unverified");
	hc_target_destroy(t);
}
END_TEST

static Suite *layout_suite(void)
{
	Suite *s = suite_create("layout");
	TCase *tc = tcase_create("tables");
	tcase_add_test(tc, test_layout_builtin_per_release);
	tcase_add_test(tc, test_layout_builtin_experiments);
	tcase_add_test(tc, test_layout_builtin_unknown);
	suite_add_tcase(s, tc);
	tc = tcase_create("crosscheck");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_layout_crosscheck_fits_and_not);
	tcase_add_test(tc, test_layout_problem_recorded);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(layout_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
