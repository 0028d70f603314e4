/*
 * Tests for the pclntab decoder (include/hmapcore/pclntab.h).
 *
 * Synthetic tables are written by a small builder that follows
 * src/cmd/link/internal/ld/pcln.go: header, funcnametab, cutab, filetab,
 * pctab, then the functab and the _func records. The real-binary tests use
 * the fixtures under corefiles/<version>/<program>/exe.xz when they exist.
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include "testelf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "hmapcore/pclntab.h"
#include "fuzz/synth.h"

/* ------------------------------------------------------------ builder */

/* The pclntab builder is shared with the fuzz harnesses: tests/fuzz/synth.c. */

/* ----------------------------------------------------- the sample table */

enum { TEXT = 0x401000 };

static const struct synth_func SAMPLE[] = {
	{
		.name = "main.alpha",
		.entryoff = 0,
		.args = 16,
		.sp = { SYNTH_PAIRS({ 0, 4 }, { 8, 0x30 }, { 0, 0x40 }) },
		.file = { SYNTH_PAIRS({ 0, 0x40 }) },
		.ln = { SYNTH_PAIRS({ 10, 0x10 }, { 11, 0x20 }, { 12, 0x40 }) },
		.start_line = 9,
	},
	{
		.name = "main.beta",
		.entryoff = 0x40,
		.deferreturn = 0x14,
		.sp = { SYNTH_PAIRS({ 0, 4 }, { 24, 0x18 }, { 0, 0x20 }) },
		.file = { SYNTH_PAIRS({ 1, 0x10 }, { 0, 0x20 }) },
		.ln = { SYNTH_PAIRS({ 20, 0x10 }, { 300, 0x20 }) },
		.start_line = 19,
		.npcdata = 3,
		.pcdata = {
			{ SYNTH_PAIRS({ -2, 0x8 }, { -1, 0x20 }) },
			{ NULL, 0 },
			{ SYNTH_PAIRS({ -1, 0x10 }, { 0, 0x20 }) },
		},
		.nfuncdata = 4,
		.funcdata = { UINT32_MAX, UINT32_MAX, 0x40, 0x1234 },
	},
	{
		.name = "runtime.gamma",
		.entryoff = 0x80,
		.sp = { SYNTH_PAIRS({ 0, 0x10 }) },
		.file = { SYNTH_PAIRS({ 0, 0x8 }, { 1, 0x10 }) },
		.ln = { SYNTH_PAIRS({ 5, 0x10 }) },
		.cu_offset = 2,
		.start_line = 4,
		.funcid = 5,
		.flag = HC_FUNCFLAG_TOPFRAME | HC_FUNCFLAG_ASM,
	},
};

static struct synth_spec sample_spec(int version)
{
	return (struct synth_spec){
		.version = version,
		.quantum = 1,
		.hdr_text = TEXT,
		.end_off = 0x90,
		.funcs = SAMPLE,
		.nfunc = 3,
	};
}

#define ck_assert_ok(expr)                                                  \
	do {                                                                \
		struct hc_error *err_ = (expr);                             \
		ck_assert_msg(!err_, "%s: %s", #expr,                       \
			      err_ ? err_->message : "");                   \
	} while (0)

#define ck_assert_code(expr, c)                                             \
	do {                                                                \
		struct hc_error *err_ = (expr);                             \
		ck_assert_msg(err_, "%s succeeded, expected %s", #expr, #c); \
		ck_assert_msg(err_->code == HC_ERROR_##c,                   \
			      "%s: got %s (%s), expected %s", #expr,        \
			      hc_error_code_text(err_->code),               \
			      err_->message, #c);                           \
		hc_error_destroy(err_);                                     \
	} while (0)

static struct hc_pclntab *open_built(const struct synth_built *b, uint64_t text)
{
	struct hc_pclntab *t = NULL;
	ck_assert_ok(hc_pclntab_create(b->data, b->size, text, &t));
	return t;
}

static int32_t value_at(struct hc_pclntab *t, uint32_t (*which)(const struct hc_func *),
			uint64_t pc)
{
	struct hc_func f;
	int32_t v = 0;
	ck_assert_ok(hc_pclntab_find_func(t, pc, &f));
	ck_assert_ok(hc_pclntab_pcvalue(t, &f, which(&f), pc, &v));
	return v;
}

static uint32_t sel_sp(const struct hc_func *f)
{
	return f->pcsp;
}

static uint32_t sel_ln(const struct hc_func *f)
{
	return f->pcln;
}

/* The answers every layout of the sample table must give. */
static void check_sample(struct hc_pclntab *t, unsigned q, int version)
{
	struct hc_func f;
	ck_assert_uint_eq(hc_pclntab_num_funcs(t), 3);
	ck_assert_uint_eq(hc_pclntab_text_start(t), TEXT);

	// Function boundaries (offsets scale with nothing: entryoff is bytes).
	ck_assert_code(hc_pclntab_find_func(t, TEXT - 1, &f), NOT_FOUND);
	ck_assert_ok(hc_pclntab_find_func(t, TEXT, &f));
	ck_assert_str_eq(f.name, "main.alpha");
	ck_assert_uint_eq(f.entry, TEXT);
	ck_assert_uint_eq(f.end, TEXT + 0x40);
	ck_assert_int_eq(f.args, 16);
	ck_assert_int_eq(f.start_line, version >= 120 ? 9 : 0);
	ck_assert_ok(hc_pclntab_find_func(t, TEXT + 0x3f, &f));
	ck_assert_str_eq(f.name, "main.alpha");
	ck_assert_ok(hc_pclntab_find_func(t, TEXT + 0x40, &f));
	ck_assert_str_eq(f.name, "main.beta");
	ck_assert_uint_eq(f.deferreturn, 0x14);
	ck_assert_uint_eq(f.npcdata, 3);
	ck_assert_uint_eq(f.nfuncdata, 4);
	// The gap after beta's code still belongs to beta (runtime findfunc),
	// but its tables do not cover it.
	ck_assert_ok(hc_pclntab_find_func(t, TEXT + 0x7f, &f));
	ck_assert_str_eq(f.name, "main.beta");
	ck_assert_uint_eq(f.end, TEXT + 0x80);
	int32_t v;
	(void)q;
	ck_assert_code(hc_pclntab_pcsp(t, &f, TEXT + 0x7f, &v), NOT_FOUND);
	ck_assert_ok(hc_pclntab_find_func(t, TEXT + 0x80, &f));
	ck_assert_str_eq(f.name, "runtime.gamma");
	ck_assert_uint_eq(f.funcid, 5);
	ck_assert_uint_eq(f.flag, HC_FUNCFLAG_TOPFRAME | HC_FUNCFLAG_ASM);
	ck_assert_uint_eq(f.cu_offset, 2);
	ck_assert_ok(hc_pclntab_find_func(t, TEXT + 0x8f, &f));
	ck_assert_str_eq(f.name, "runtime.gamma");
	ck_assert_uint_eq(f.end, TEXT + 0x90);
	ck_assert_code(hc_pclntab_find_func(t, TEXT + 0x90, &f), NOT_FOUND);

	// pcsp at each range edge (q scales the pc deltas the builder wrote:
	// it divided them by q, so the table covers the same bytes).
	ck_assert_int_eq(value_at(t, sel_sp, TEXT), 0);
	ck_assert_int_eq(value_at(t, sel_sp, TEXT + 3), 0);
	ck_assert_int_eq(value_at(t, sel_sp, TEXT + 4), 8);
	ck_assert_int_eq(value_at(t, sel_sp, TEXT + 0x2f), 8);
	ck_assert_int_eq(value_at(t, sel_sp, TEXT + 0x30), 0);
	ck_assert_int_eq(value_at(t, sel_sp, TEXT + 0x3f), 0);
	ck_assert_int_eq(value_at(t, sel_sp, TEXT + 0x44), 24);
	ck_assert_int_eq(value_at(t, sel_sp, TEXT + 0x57), 24);
	ck_assert_int_eq(value_at(t, sel_sp, TEXT + 0x58), 0);
	ck_assert_int_eq(value_at(t, sel_ln, TEXT + 0x4f), 20);
	ck_assert_int_eq(value_at(t, sel_ln, TEXT + 0x50), 300);
}

static void check_lines(struct hc_pclntab *t)
{
	struct hc_func f;
	const char *file;
	int32_t line;
	static const struct {
		uint64_t pc;
		const char *file;
		int32_t line;
	} cases[] = {
		{ TEXT + 0x00, "a.go", 10 }, { TEXT + 0x0f, "a.go", 10 },
		{ TEXT + 0x10, "a.go", 11 }, { TEXT + 0x20, "a.go", 12 },
		{ TEXT + 0x3f, "a.go", 12 }, { TEXT + 0x40, "b.go", 20 },
		{ TEXT + 0x4f, "b.go", 20 }, { TEXT + 0x50, "a.go", 300 },
		{ TEXT + 0x5f, "a.go", 300 }, { TEXT + 0x80, "c.go", 5 },
		{ TEXT + 0x87, "c.go", 5 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_ok(hc_pclntab_find_func(t, cases[i].pc, &f));
		ck_assert_ok(hc_pclntab_line(t, &f, cases[i].pc, &file, &line));
		ck_assert_msg(!strcmp(file, cases[i].file) &&
				      line == cases[i].line,
			      "pc %#" PRIx64 ": %s:%d, expected %s:%d",
			      cases[i].pc, file, line, cases[i].file,
			      cases[i].line);
	}
	// gamma's second file index maps to a cutab slot of ~0: no file.
	ck_assert_ok(hc_pclntab_find_func(t, TEXT + 0x88, &f));
	ck_assert_code(hc_pclntab_line(t, &f, TEXT + 0x88, &file, &line),
		       NOT_FOUND);
}

START_TEST(test_pclntab_header)
{
	struct synth_spec s = sample_spec(120);
	struct synth_built b = synth_build(&s);
	struct hc_pclntab *t = open_built(&b, 0);
	ck_assert_uint_eq(hc_pclntab_magic(t), 0xfffffff1);
	ck_assert_uint_eq(hc_pclntab_quantum(t), 1);
	ck_assert_uint_eq(hc_pclntab_ptr_size(t), 8);
	ck_assert_uint_eq(hc_pclntab_text_start(t), TEXT);
	ck_assert_uint_eq(hc_pclntab_num_funcs(t), 3);
	hc_pclntab_destroy(t);
	hc_pclntab_destroy(NULL);
	free(b.data);
}
END_TEST

START_TEST(test_pclntab_find_func_boundaries)
{
	struct synth_spec s = sample_spec(120);
	struct synth_built b = synth_build(&s);
	struct hc_pclntab *t = open_built(&b, 0);
	check_sample(t, 1, 120);
	struct hc_func f;
	ck_assert_ok(hc_pclntab_func_at(t, 2, &f));
	ck_assert_str_eq(f.name, "runtime.gamma");
	ck_assert_code(hc_pclntab_func_at(t, 3, &f), NOT_FOUND);
	hc_pclntab_destroy(t);
	free(b.data);
}
END_TEST

START_TEST(test_pclntab_pcvalue_edges)
{
	struct synth_spec s = sample_spec(120);
	struct synth_built b = synth_build(&s);
	struct hc_pclntab *t = open_built(&b, 0);
	struct hc_func f;
	int32_t v = 7;
	ck_assert_ok(hc_pclntab_func_at(t, 0, &f));
	// No table: -1.
	ck_assert_ok(hc_pclntab_pcvalue(t, &f, 0, TEXT, &v));
	ck_assert_int_eq(v, -1);
	// Before the entry / past the end of the table: not covered.
	v = 7;
	ck_assert_code(hc_pclntab_pcvalue(t, &f, f.pcsp, TEXT - 1, &v),
		       NOT_FOUND);
	ck_assert_code(hc_pclntab_pcvalue(t, &f, f.pcsp, TEXT + 0x40, &v),
		       NOT_FOUND);
	ck_assert_int_eq(v, 7); // out-param untouched on failure
	// Offset past pctab.
	ck_assert_code(hc_pclntab_pcvalue(t, &f, 0x7fffffff, TEXT, &v),
		       BAD_DATA);
	ck_assert_ok(hc_pclntab_pcsp(t, &f, TEXT + 0x2f, &v));
	ck_assert_int_eq(v, 8);
	hc_pclntab_destroy(t);
	free(b.data);
}
END_TEST

START_TEST(test_pclntab_line)
{
	struct synth_spec s = sample_spec(120);
	struct synth_built b = synth_build(&s);
	struct hc_pclntab *t = open_built(&b, 0);
	check_lines(t);
	hc_pclntab_destroy(t);
	free(b.data);
}
END_TEST

START_TEST(test_pclntab_pcdata_funcdata)
{
	struct synth_spec s = sample_spec(120);
	struct synth_built b = synth_build(&s);
	struct hc_pclntab *t = open_built(&b, 0);
	struct hc_func f;
	int32_t v;
	uint32_t fd;
	ck_assert_ok(hc_pclntab_func_at(t, 1, &f));
	ck_assert_ok(hc_pclntab_pcdata(t, &f, HC_PCDATA_UNSAFEPOINT, TEXT + 0x40, &v));
	ck_assert_int_eq(v, -2);
	ck_assert_ok(hc_pclntab_pcdata(t, &f, HC_PCDATA_UNSAFEPOINT, TEXT + 0x48, &v));
	ck_assert_int_eq(v, -1);
	// Index 1 has no table; index 3 is past npcdata.
	ck_assert_ok(hc_pclntab_pcdata(t, &f, HC_PCDATA_STACKMAPINDEX, TEXT + 0x40, &v));
	ck_assert_int_eq(v, -1);
	ck_assert_ok(hc_pclntab_pcdata(t, &f, 3, TEXT + 0x40, &v));
	ck_assert_int_eq(v, -1);
	ck_assert_ok(hc_pclntab_pcdata(t, &f, HC_PCDATA_INLTREEINDEX, TEXT + 0x4f, &v));
	ck_assert_int_eq(v, -1);
	ck_assert_ok(hc_pclntab_pcdata(t, &f, HC_PCDATA_INLTREEINDEX, TEXT + 0x50, &v));
	ck_assert_int_eq(v, 0);

	ck_assert_ok(hc_pclntab_funcdata(t, &f, HC_FUNCDATA_INLTREE, &fd));
	ck_assert_uint_eq(fd, 0x1234);
	ck_assert_ok(hc_pclntab_funcdata(t, &f, 2, &fd));
	ck_assert_uint_eq(fd, 0x40);
	ck_assert_code(hc_pclntab_funcdata(t, &f, 0, &fd), NOT_FOUND);
	ck_assert_code(hc_pclntab_funcdata(t, &f, 4, &fd), NOT_FOUND);
	ck_assert_ok(hc_pclntab_func_at(t, 0, &f));
	ck_assert_code(hc_pclntab_funcdata(t, &f, 0, &fd), NOT_FOUND);
	hc_pclntab_destroy(t);
	free(b.data);
}
END_TEST

START_TEST(test_pclntab_by_name)
{
	struct synth_spec s = sample_spec(120);
	struct synth_built b = synth_build(&s);
	struct hc_pclntab *t = open_built(&b, 0);
	struct hc_func f;
	ck_assert_ok(hc_pclntab_find_func_by_name(t, "runtime.gamma", &f));
	ck_assert_uint_eq(f.entry, TEXT + 0x80);
	ck_assert_ok(hc_pclntab_find_func_by_name(t, "main.alpha", &f));
	ck_assert_uint_eq(f.entry, TEXT);
	ck_assert_code(hc_pclntab_find_func_by_name(t, "main.alph", &f),
		       NOT_FOUND);
	ck_assert_code(hc_pclntab_find_func_by_name(t, "", &f), NOT_FOUND);
	const char *name;
	ck_assert_ok(hc_pclntab_name_at(t, 0, &name));
	ck_assert_str_eq(name, "main.alpha");
	ck_assert_ok(hc_pclntab_name_at(t, 11, &name));
	ck_assert_str_eq(name, "main.beta");
	ck_assert_code(hc_pclntab_name_at(t, -1, &name), BAD_DATA);
	ck_assert_code(hc_pclntab_name_at(t, 100000, &name), BAD_DATA);
	hc_pclntab_destroy(t);
	free(b.data);
}
END_TEST

START_TEST(test_pclntab_go118_layout)
{
	struct synth_spec s = sample_spec(118);
	struct synth_built b = synth_build(&s);
	struct hc_pclntab *t = open_built(&b, 0);
	ck_assert_uint_eq(hc_pclntab_magic(t), 0xfffffff0);
	check_sample(t, 1, 118);
	check_lines(t);
	struct hc_func f;
	uint32_t fd;
	ck_assert_ok(hc_pclntab_find_func_by_name(t, "main.beta", &f));
	ck_assert_ok(hc_pclntab_funcdata(t, &f, HC_FUNCDATA_INLTREE, &fd));
	ck_assert_uint_eq(fd, 0x1234);
	hc_pclntab_destroy(t);
	free(b.data);
}
END_TEST

START_TEST(test_pclntab_go116_layout)
{
	struct synth_spec s = sample_spec(116);
	// go1.16-1.17 funcdata are pointers; the sample has none there.
	struct synth_func funcs[3];
	memcpy(funcs, SAMPLE, sizeof(funcs));
	funcs[1].nfuncdata = 0;
	s.funcs = funcs;
	struct synth_built b = synth_build(&s);
	struct hc_pclntab *t = open_built(&b, 0);
	ck_assert_uint_eq(hc_pclntab_magic(t), 0xfffffffa);
	struct hc_func f;
	ck_assert_ok(hc_pclntab_find_func(t, TEXT + 0x50, &f));
	ck_assert_str_eq(f.name, "main.beta");
	ck_assert_uint_eq(f.entry, TEXT + 0x40);
	ck_assert_uint_eq(f.end, TEXT + 0x80);
	check_lines(t);
	ck_assert_int_eq(value_at(t, sel_sp, TEXT + 0x44), 24);
	uint32_t fd;
	ck_assert_code(hc_pclntab_funcdata(t, &f, 0, &fd), UNSUPPORTED);
	hc_pclntab_destroy(t);
	free(b.data);
}
END_TEST

START_TEST(test_pclntab_quantum4)
{
	struct synth_spec s = sample_spec(120);
	s.quantum = 4; // arm64: pc deltas are in units of 4 bytes
	struct synth_built b = synth_build(&s);
	struct hc_pclntab *t = open_built(&b, 0);
	ck_assert_uint_eq(hc_pclntab_quantum(t), 4);
	check_sample(t, 4, 120);
	check_lines(t);
	hc_pclntab_destroy(t);
	free(b.data);
}
END_TEST

START_TEST(test_pclntab_big_endian)
{
	struct synth_spec s = sample_spec(120);
	s.big = true;
	struct synth_built b = synth_build(&s);
	struct hc_pclntab *t = open_built(&b, 0);
	ck_assert_uint_eq(hc_pclntab_magic(t), 0xfffffff1);
	check_sample(t, 1, 120);
	check_lines(t);
	hc_pclntab_destroy(t);
	free(b.data);
}
END_TEST

START_TEST(test_pclntab_text_start)
{
	struct synth_spec s = sample_spec(120);
	s.hdr_text = 0; // what go1.26 writes
	struct synth_built b = synth_build(&s);
	struct hc_pclntab *t = NULL;
	ck_assert_code(hc_pclntab_create(b.data, b.size, 0, &t), BAD_DATA);
	ck_assert_ptr_null(t);
	t = open_built(&b, TEXT);
	check_sample(t, 1, 120);
	hc_pclntab_destroy(t);
	free(b.data);

	// The caller's text start wins over the header's.
	s.hdr_text = 0x1000;
	b = synth_build(&s);
	t = open_built(&b, TEXT);
	ck_assert_uint_eq(hc_pclntab_text_start(t), TEXT);
	hc_pclntab_destroy(t);
	t = open_built(&b, 0);
	ck_assert_uint_eq(hc_pclntab_text_start(t), 0x1000);
	hc_pclntab_destroy(t);
	free(b.data);
}
END_TEST

/* ----------------------------------------------------- corrupt tables */

static struct synth_built sample(void)
{
	struct synth_spec s = sample_spec(120);
	return synth_build(&s);
}

START_TEST(test_pclntab_truncated_header)
{
	struct synth_built b = sample();
	struct hc_pclntab *t = NULL;
	size_t sizes[] = { 0, 4, 7, 8, 71 };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint8_t *copy = malloc(sizes[i] ? sizes[i] : 1);
		memcpy(copy, b.data, sizes[i]);
		ck_assert_code(hc_pclntab_create(copy, sizes[i], TEXT, &t),
			       BAD_DATA);
		free(copy);
	}
	// Cut inside the function table: the header offsets still fit, the
	// records do not.
	ck_assert_code(hc_pclntab_create(b.data, b.pcln_off + 8, TEXT, &t),
		       BAD_DATA);
	ck_assert_code(hc_pclntab_create(NULL, 0, TEXT, &t), BAD_DATA);
	ck_assert_ptr_null(t);
	free(b.data);
}
END_TEST

START_TEST(test_pclntab_bad_magic)
{
	struct synth_built b = sample();
	struct hc_pclntab *t = NULL;
	b.data[0] = 0xfb; // go1.2-1.15
	ck_assert_code(hc_pclntab_create(b.data, b.size, TEXT, &t), UNSUPPORTED);
	b.data[0] = 0x12;
	ck_assert_code(hc_pclntab_create(b.data, b.size, TEXT, &t), UNSUPPORTED);
	b.data[0] = 0xf1;
	b.data[6] = 3; // quantum
	ck_assert_code(hc_pclntab_create(b.data, b.size, TEXT, &t), BAD_DATA);
	b.data[6] = 1;
	b.data[7] = 5; // pointer size
	ck_assert_code(hc_pclntab_create(b.data, b.size, TEXT, &t), BAD_DATA);
	b.data[7] = 8;
	b.data[5] = 1; // padding
	ck_assert_code(hc_pclntab_create(b.data, b.size, TEXT, &t), BAD_DATA);
	ck_assert_ptr_null(t);
	free(b.data);
}
END_TEST

static void set_le(uint8_t *p, uint64_t v, size_t width)
{
	for (size_t i = 0; i < width; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

START_TEST(test_pclntab_nfunc_huge)
{
	struct synth_built b = sample();
	struct hc_pclntab *t = NULL;
	set_le(b.data + 8, UINT64_MAX, 8);
	ck_assert_code(hc_pclntab_create(b.data, b.size, TEXT, &t), BAD_DATA);
	set_le(b.data + 8, (uint64_t)1 << 40, 8);
	ck_assert_code(hc_pclntab_create(b.data, b.size, TEXT, &t), BAD_DATA);
	// Just one too many for the function table region.
	set_le(b.data + 8, (b.size - b.pcln_off - 4) / 8 + 1, 8);
	ck_assert_code(hc_pclntab_create(b.data, b.size, TEXT, &t), BAD_DATA);
	ck_assert_ptr_null(t);
	free(b.data);
}
END_TEST

START_TEST(test_pclntab_header_offset_out_of_range)
{
	struct synth_built b = sample();
	struct hc_pclntab *t = NULL;
	set_le(b.data + 64, b.size + 1, 8); // pclnOffset
	ck_assert_code(hc_pclntab_create(b.data, b.size, TEXT, &t), BAD_DATA);
	set_le(b.data + 64, b.pcln_off, 8);
	set_le(b.data + 32, 3, 8); // funcnameOffset inside the header
	ck_assert_code(hc_pclntab_create(b.data, b.size, TEXT, &t), BAD_DATA);
	ck_assert_ptr_null(t);
	free(b.data);
}
END_TEST

START_TEST(test_pclntab_unsorted)
{
	struct synth_built b = sample();
	struct hc_pclntab *t = NULL;
	set_le(b.data + b.ftab_off[1], 0x100, 4); // beta after gamma
	ck_assert_code(hc_pclntab_create(b.data, b.size, TEXT, &t), BAD_DATA);
	ck_assert_ptr_null(t);
	free(b.data);
}
END_TEST

START_TEST(test_pclntab_funcoff_out_of_range)
{
	struct synth_built b = sample();
	set_le(b.data + b.ftab_off[1] + 4, 0x7ffffff0, 4);
	struct hc_pclntab *t = open_built(&b, 0);
	struct hc_func f;
	ck_assert_code(hc_pclntab_func_at(t, 1, &f), BAD_DATA);
	ck_assert_code(hc_pclntab_find_func(t, TEXT + 0x40, &f), BAD_DATA);
	// The record's last byte one past the table.
	set_le(b.data + b.ftab_off[1] + 4, b.size - b.pcln_off - 43, 4);
	ck_assert_code(hc_pclntab_func_at(t, 1, &f), BAD_DATA);
	// The others stay usable, and by-name lookup skips the broken one.
	ck_assert_ok(hc_pclntab_find_func(t, TEXT + 0x80, &f));
	ck_assert_ok(hc_pclntab_find_func_by_name(t, "runtime.gamma", &f));
	ck_assert_code(hc_pclntab_find_func_by_name(t, "main.beta", &f),
		       NOT_FOUND);
	hc_pclntab_destroy(t);
	free(b.data);
}
END_TEST

START_TEST(test_pclntab_entry_mismatch)
{
	struct synth_built b = sample();
	set_le(b.data + b.rec_off[2], 0x88, 4); // record says 0x88, ftab 0x80
	struct hc_pclntab *t = open_built(&b, 0);
	struct hc_func f;
	ck_assert_code(hc_pclntab_find_func(t, TEXT + 0x80, &f), BAD_DATA);
	hc_pclntab_destroy(t);
	free(b.data);
}
END_TEST

START_TEST(test_pclntab_name_not_terminated)
{
	struct synth_built b = sample();
	// The last name ("runtime.gamma") loses its NUL: funcnametab ends
	// right before cutab, so nothing terminates it inside its table.
	// (Its NUL and the alignment padding after it.)
	for (size_t i = b.cu_off - 1; b.data[i] == 0; i--)
		b.data[i] = 'x';
	struct hc_pclntab *t = open_built(&b, 0);
	struct hc_func f;
	ck_assert_code(hc_pclntab_find_func(t, TEXT + 0x80, &f), BAD_DATA);
	ck_assert_ok(hc_pclntab_find_func(t, TEXT, &f));
	// Name offset beyond the name table (a table is immutable once open:
	// its lookups are cached, so open it again).
	hc_pclntab_destroy(t);
	set_le(b.data + b.rec_off[0] + 4, 0x10000, 4);
	t = open_built(&b, 0);
	ck_assert_code(hc_pclntab_find_func(t, TEXT, &f), BAD_DATA);
	hc_pclntab_destroy(t);
	free(b.data);
}
END_TEST

START_TEST(test_pclntab_endless_varint)
{
	struct synth_built b = sample();
	struct hc_pclntab *t = open_built(&b, 0);
	struct hc_func f;
	int32_t v = 0;
	ck_assert_ok(hc_pclntab_func_at(t, 2, &f));
	// gamma's pcsp table: continuation bytes up to the end of pctab.
	for (size_t i = b.sp_off[2]; i < b.pcln_off; i++)
		b.data[i] = 0xff;
	ck_assert_code(hc_pclntab_pcsp(t, &f, TEXT + 0x80, &v), BAD_DATA);
	// Alpha's pcsp: a 6-byte varint followed by normal bytes.
	ck_assert_ok(hc_pclntab_func_at(t, 0, &f));
	memset(b.data + b.sp_off[0], 0x80, 5);
	b.data[b.sp_off[0] + 5] = 0x01;
	ck_assert_code(hc_pclntab_pcsp(t, &f, TEXT, &v), BAD_DATA);
	hc_pclntab_destroy(t);
	free(b.data);
}
END_TEST

START_TEST(test_pclntab_no_progress)
{
	struct synth_built b = sample();
	struct hc_pclntab *t = open_built(&b, 0);
	struct hc_func f;
	int32_t v = 0;
	// Zero pairs never advance the pc, so each is a "first" pair that
	// does not end the table: the decoder must stop at the end of pctab.
	for (size_t i = b.sp_off[1]; i < b.pcln_off; i++)
		b.data[i] = 0;
	ck_assert_ok(hc_pclntab_func_at(t, 1, &f));
	ck_assert_code(hc_pclntab_pcsp(t, &f, TEXT + 0x44, &v), BAD_DATA);
	hc_pclntab_destroy(t);
	free(b.data);
}
END_TEST

START_TEST(test_pclntab_bad_counts)
{
	struct synth_built b = sample();
	struct hc_pclntab *t = open_built(&b, 0);
	struct hc_func f;
	set_le(b.data + b.rec_off[1] + 28, 0x40000000, 4); // npcdata
	ck_assert_code(hc_pclntab_func_at(t, 1, &f), BAD_DATA);
	set_le(b.data + b.rec_off[1] + 28, 3, 4);
	b.data[b.rec_off[2] + 43] = 0xff; // nfuncdata of the last record
	ck_assert_code(hc_pclntab_func_at(t, 2, &f), BAD_DATA);
	b.data[b.rec_off[2] + 43] = 0;
	// cuOffset beyond cutab, and a cutab entry beyond filetab.
	set_le(b.data + b.rec_off[2] + 32, 1000, 4);
	ck_assert_ok(hc_pclntab_func_at(t, 2, &f));
	const char *file;
	int32_t line;
	ck_assert_code(hc_pclntab_line(t, &f, TEXT + 0x80, &file, &line),
		       BAD_DATA);
	set_le(b.data + b.rec_off[2] + 32, 2, 4);
	set_le(b.data + b.cu_off + 8, 0x1000, 4);
	ck_assert_ok(hc_pclntab_func_at(t, 2, &f));
	ck_assert_code(hc_pclntab_line(t, &f, TEXT + 0x80, &file, &line),
		       BAD_DATA);
	// A forged hc_func with an impossible record offset.
	f.npcdata = 1;
	f.funcoff = UINT64_MAX - 10;
	int32_t v;
	ck_assert_code(hc_pclntab_pcdata(t, &f, 0, TEXT + 0x80, &v), BAD_DATA);
	hc_pclntab_destroy(t);
	free(b.data);
}
END_TEST

static uint64_t rng(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 33;
}

START_TEST(test_pclntab_corrupt_random)
{
	// Flip random bytes and run every query: any result is fine except a
	// crash, a hang or an ASan report.
	struct synth_built b = sample();
	uint8_t *copy = malloc(b.size);
	uint64_t seed = 42;
	for (int iter = 0; iter < 3000; iter++) {
		memcpy(copy, b.data, b.size);
		int n = 1 + (int)(rng(&seed) % 4);
		for (int k = 0; k < n; k++)
			copy[rng(&seed) % b.size] = (uint8_t)rng(&seed);
		struct hc_pclntab *t = NULL;
		struct hc_error *err = hc_pclntab_create(copy, b.size, TEXT, &t);
		if (err) {
			ck_assert(err->code == HC_ERROR_BAD_DATA ||
				  err->code == HC_ERROR_UNSUPPORTED);
			hc_error_destroy(err);
			continue;
		}
		for (uint64_t pc = TEXT - 2; pc < TEXT + 0x92; pc += 3) {
			struct hc_func f;
			const char *file;
			int32_t v, line;
			uint32_t fd;
			if ((err = hc_pclntab_find_func(t, pc, &f))) {
				hc_error_destroy(err);
				continue;
			}
			hc_error_destroy(hc_pclntab_pcsp(t, &f, pc, &v));
			hc_error_destroy(hc_pclntab_line(t, &f, pc, &file, &line));
			for (uint32_t i = 0; i < 4; i++) {
				hc_error_destroy(hc_pclntab_pcdata(t, &f, i, pc, &v));
				hc_error_destroy(hc_pclntab_funcdata(t, &f, i, &fd));
			}
		}
		struct hc_func f;
		hc_error_destroy(hc_pclntab_find_func_by_name(t, "main.beta", &f));
		hc_pclntab_destroy(t);
	}
	free(copy);
	free(b.data);
}
END_TEST

/* --------------------------------------------------- real executables */

struct blob {
	uint8_t *data;
	size_t size;
};

/* Decompress an .xz file (the fixtures' executables). */
static bool read_xz(const char *path, struct blob *ret)
{
	ret->data = testelf_read_file(path, &ret->size);
	return ret->data != NULL;
}

static Elf_Scn *find_section(Elf *e, const char *name, GElf_Shdr *shdr)
{
	size_t shstrndx;
	if (elf_getshdrstrndx(e, &shstrndx))
		return NULL;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(e, scn))) {
		if (!gelf_getshdr(scn, shdr))
			continue;
		const char *n = elf_strptr(e, shstrndx, shdr->sh_name);
		if (n && !strcmp(n, name))
			return scn;
	}
	return NULL;
}

/* Directories corefiles/<version>/<program> holding an exe.xz. */
static size_t list_fixtures(char ***ret)
{
	const char *top = getenv("HMAPCORE_FIXTURES");
	char root[4096];
	if (top) {
		snprintf(root, sizeof(root), "%s", top);
	} else {
		top = getenv("top_srcdir");
		snprintf(root, sizeof(root), "%s/corefiles", top ? top : ".");
	}
	char **list = NULL;
	size_t n = 0;
	DIR *d1 = opendir(root);
	if (!d1)
		goto out;
	struct dirent *e1;
	while ((e1 = readdir(d1))) {
		if (e1->d_name[0] == '.')
			continue;
		char p1[4096];
		if (snprintf(p1, sizeof(p1), "%s/%s", root, e1->d_name) >=
		    (int)sizeof(p1))
			continue;
		DIR *d2 = opendir(p1);
		if (!d2)
			continue;
		struct dirent *e2;
		while ((e2 = readdir(d2))) {
			if (e2->d_name[0] == '.')
				continue;
			char p2[4096], exe[4096];
			if (snprintf(p2, sizeof(p2), "%s/%s", p1, e2->d_name) >=
				    (int)sizeof(p2) ||
			    snprintf(exe, sizeof(exe), "%s/exe.xz", p2) >=
				    (int)sizeof(exe))
				continue;
			struct stat st;
			if (stat(exe, &st))
				continue;
			list = realloc(list, (n + 1) * sizeof(*list));
			list[n++] = strdup(p2);
		}
		closedir(d2);
	}
	closedir(d1);
out:
	*ret = list;
	return n;
}

/* A symbol's value from .symtab, 0 when absent. */
static uint64_t symbol_value(Elf *e, const char *name)
{
	GElf_Shdr sh;
	Elf_Scn *scn = find_section(e, ".symtab", &sh);
	if (!scn || !sh.sh_entsize)
		return 0;
	Elf_Data *sd = elf_getdata(scn, NULL);
	for (size_t i = 0; sd && i < sh.sh_size / sh.sh_entsize; i++) {
		GElf_Sym sym;
		const char *n;
		if (gelf_getsym(sd, (int)i, &sym) &&
		    (n = elf_strptr(e, sh.sh_link, sym.st_name)) && !strcmp(n, name))
			return sym.st_value;
	}
	return 0;
}

static void check_exe(const char *dir)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/exe.xz", dir);
	struct blob exe;
	ck_assert_msg(read_xz(path, &exe), "cannot decompress %s", path);
	elf_version(EV_CURRENT);
	Elf *e = elf_memory((char *)exe.data, exe.size);
	ck_assert_ptr_nonnull(e);
	GElf_Shdr pcln_sh, text_sh, sym_sh;
	// PIEs before go1.26 keep it in the relro segment.
	Elf_Scn *pcln = find_section(e, ".gopclntab", &pcln_sh);
	if (!pcln)
		pcln = find_section(e, ".data.rel.ro.gopclntab", &pcln_sh);
	ck_assert_msg(pcln, "%s: no .gopclntab", path);
	ck_assert_ptr_nonnull(find_section(e, ".text", &text_sh));
	Elf_Data *d = elf_rawdata(pcln, NULL);
	ck_assert_ptr_nonnull(d);

	struct timespec t0, t1, t2, t3;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct hc_pclntab *t = NULL;
	// Go's text starts at runtime.text: after the C code of .text in an
	// externally linked (cgo) build.
	uint64_t text = symbol_value(e, "runtime.text");
	ck_assert_ok(hc_pclntab_create(d->d_buf, d->d_size, text ? text : text_sh.sh_addr, &t));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	size_t nfunc = hc_pclntab_num_funcs(t);
	ck_assert_uint_gt(nfunc, 100);

	// Every function's entry maps back to itself; pcsp is 0 at entry.
	for (size_t i = 0; i < nfunc; i++) {
		struct hc_func f, g;
		ck_assert_ok(hc_pclntab_func_at(t, i, &f));
		if (f.end == f.entry)
			continue;
		ck_assert_ok(hc_pclntab_find_func(t, f.entry, &g));
		ck_assert_msg(g.entry == f.entry, "%s: %s maps to %s", path,
			      f.name, g.name);
		int32_t sp = -5;
		ck_assert_ok(hc_pclntab_pcsp(t, &f, f.entry, &sp));
		ck_assert_msg(sp == 0 || (sp == -1 && f.pcsp == 0),
			      "%s: pcsp of %s at entry is %d", path, f.name, sp);
	}

	// runtime.main through the ELF symbol table; count text functions.
	Elf_Scn *symscn = find_section(e, ".symtab", &sym_sh);
	if (symscn) {
		Elf_Data *sd = elf_getdata(symscn, NULL);
		size_t nsym = sym_sh.sh_entsize ? sym_sh.sh_size / sym_sh.sh_entsize : 0;
		size_t ntext = 0;
		uint64_t rt_main = 0;
		for (size_t i = 0; i < nsym; i++) {
			GElf_Sym sym;
			if (!gelf_getsym(sd, (int)i, &sym) ||
			    GELF_ST_TYPE(sym.st_info) != STT_FUNC)
				continue;
			if (sym.st_value >= text_sh.sh_addr &&
			    sym.st_value < text_sh.sh_addr + text_sh.sh_size)
				ntext++;
			const char *n = elf_strptr(e, sym_sh.sh_link, sym.st_name);
			if (n && !strcmp(n, "runtime.main"))
				rt_main = sym.st_value;
		}
		ck_assert_msg(rt_main, "%s: no runtime.main symbol", path);
		struct hc_func f;
		ck_assert_ok(hc_pclntab_find_func(t, rt_main, &f));
		ck_assert_str_eq(f.name, "runtime.main");
		ck_assert_uint_eq(f.entry, rt_main);
		// Roughly one symbol per function (the symtab may hold a few
		// more or fewer: cgo, assembly, linker-made symbols).
		ck_assert_msg(ntext * 10 >= nfunc * 8 && ntext * 8 <= nfunc * 10,
			      "%s: %zu STT_FUNC symbols in .text vs %zu functions",
			      path, ntext, nfunc);
	}

	struct hc_func m;
	const char *file;
	int32_t line;
	ck_assert_ok(hc_pclntab_find_func_by_name(t, "main.main", &m));
	ck_assert_ok(hc_pclntab_line(t, &m, m.entry, &file, &line));
	size_t fl = strlen(file);
	ck_assert_msg(fl >= 7 && !strcmp(file + fl - 7, "main.go"),
		      "%s: main.main in %s", path, file);
	ck_assert_int_gt(line, 0);

	// Timing (reported, not asserted): 10^5 lookups with file:line.
	uint64_t lo = 0, hi = 0, x = 1;
	struct hc_func f;
	ck_assert_ok(hc_pclntab_func_at(t, 0, &f));
	lo = f.entry;
	ck_assert_ok(hc_pclntab_func_at(t, nfunc - 1, &f));
	hi = f.end;
	size_t ok = 0;
	clock_gettime(CLOCK_MONOTONIC, &t2);
	for (int i = 0; i < 100000; i++) {
		uint64_t pc = lo + rng(&x) % (hi - lo);
		struct hc_error *err = hc_pclntab_find_func(t, pc, &f);
		if (!err)
			err = hc_pclntab_line(t, &f, pc, &file, &line);
		if (!err)
			ok++;
		hc_error_destroy(err);
	}
	clock_gettime(CLOCK_MONOTONIC, &t3);
	ck_assert_uint_gt(ok, 90000);
	fprintf(stderr,
		"pclntab %s: %zu functions, create %.3f ms, 1e5 find_func+line "
		"%.1f ms\n",
		dir, nfunc,
		(double)(t1.tv_sec - t0.tv_sec) * 1e3 +
			(double)(t1.tv_nsec - t0.tv_nsec) / 1e6,
		(double)(t3.tv_sec - t2.tv_sec) * 1e3 +
			(double)(t3.tv_nsec - t2.tv_nsec) / 1e6);

	hc_pclntab_destroy(t);
	elf_end(e);
	free(exe.data);
}

START_TEST(test_pclntab_fixtures)
{
	char **dirs;
	size_t n = list_fixtures(&dirs);
	if (n == 0)
		fprintf(stderr, "SKIP test_pclntab_fixtures: no corefiles/*/*/exe.xz\n");
	for (size_t i = 0; i < n; i++) {
		check_exe(dirs[i]);
		free(dirs[i]);
	}
	free(dirs);
}
END_TEST

static Suite *pclntab_suite(void)
{
	Suite *s = suite_create("pclntab");
	TCase *tc = tcase_create("synthetic");
	tcase_add_test(tc, test_pclntab_header);
	tcase_add_test(tc, test_pclntab_find_func_boundaries);
	tcase_add_test(tc, test_pclntab_pcvalue_edges);
	tcase_add_test(tc, test_pclntab_line);
	tcase_add_test(tc, test_pclntab_pcdata_funcdata);
	tcase_add_test(tc, test_pclntab_by_name);
	tcase_add_test(tc, test_pclntab_go118_layout);
	tcase_add_test(tc, test_pclntab_go116_layout);
	tcase_add_test(tc, test_pclntab_quantum4);
	tcase_add_test(tc, test_pclntab_big_endian);
	tcase_add_test(tc, test_pclntab_text_start);
	suite_add_tcase(s, tc);

	tc = tcase_create("corrupt");
	tcase_add_test(tc, test_pclntab_truncated_header);
	tcase_add_test(tc, test_pclntab_bad_magic);
	tcase_add_test(tc, test_pclntab_nfunc_huge);
	tcase_add_test(tc, test_pclntab_header_offset_out_of_range);
	tcase_add_test(tc, test_pclntab_unsorted);
	tcase_add_test(tc, test_pclntab_funcoff_out_of_range);
	tcase_add_test(tc, test_pclntab_entry_mismatch);
	tcase_add_test(tc, test_pclntab_name_not_terminated);
	tcase_add_test(tc, test_pclntab_endless_varint);
	tcase_add_test(tc, test_pclntab_no_progress);
	tcase_add_test(tc, test_pclntab_bad_counts);
	tcase_add_test(tc, test_pclntab_corrupt_random);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("fixtures");
	tcase_add_test(tc, test_pclntab_fixtures);
	tcase_set_timeout(tc, 300);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(pclntab_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
