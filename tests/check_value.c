/*
 * Tests of value rendering (src/go/value.c): Go's %v float formatting
 * against known outputs of fmt.Sprint, hostile strings, hand-built DWARF
 * types over a synthetic core (structs, strings, slices, pointers, limits,
 * unreadable memory), and the gallery fixtures' globals whose values are
 * known from the program and its manifest.json, with the DWARF reverse
 * lookup of runtime types.
 */
#include "config.h"

#include <check.h>
#include <dwarf.h>
#include <glob.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmapcore/aspace.h"
#include "hmapcore/core.h"
#include "hmapcore/file.h"
#include "hmapcore/target.h"
#include "hmapcore/value.h"
#include "testelf.h"

static const char ELLIPSIS[] = "\xe2\x80\xa6";

/* ------------------------------------------------------------- floats */

static void check_float(double v, int bits, const char *want)
{
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	ck_assert(hc_value_append_float(&sb, v, bits));
	ck_assert_msg(strcmp(sb.str, want) == 0, "%.17g: got %s, want %s", v,
		      sb.str, want);
	hc_strbuf_deinit(&sb);
}

START_TEST(test_value_float_format)
{
	// Outputs of fmt.Sprint(float64(...)) / fmt.Sprint(float32(...)).
	check_float(1e21, 64, "1e+21");
	check_float(1e-07, 64, "1e-07");
	check_float(123456789, 64, "1.23456789e+08");
	check_float(0.1, 64, "0.1");
	check_float(NAN, 64, "NaN");
	check_float(INFINITY, 64, "+Inf");
	check_float(-INFINITY, 64, "-Inf");
	check_float(-0.0, 64, "-0");
	check_float(0, 64, "0");
	check_float(1.5, 64, "1.5");
	check_float(3.14, 64, "3.14");
	check_float(1e6, 64, "1e+06");
	check_float(100000, 64, "100000");
	check_float(999999, 64, "999999");
	check_float(0.0001, 64, "0.0001");
	check_float(0.00001, 64, "1e-05");
	check_float(-2.5e-300, 64, "-2.5e-300");
	check_float(1.0 / 3, 64, "0.3333333333333333");
	check_float(5e-324, 64, "5e-324");
	check_float(1.7976931348623157e308, 64, "1.7976931348623157e+308");
	check_float(12345.678, 64, "12345.678");
	check_float(0.1f, 32, "0.1");
	check_float(16777216.0f, 32, "1.6777216e+07");
	check_float(3.4028234663852886e38, 32, "3.4028235e+38");
}
END_TEST

START_TEST(test_value_hostile_strings)
{
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	static const char s[] = "\x1b[31mred\x1b[0m\n\t\"q\"\\ h\xc3\xa9llo \xff\x07";
	ck_assert(hc_value_append_raw_string(&sb, s, sizeof(s) - 1));
	// No raw control byte survives; printable text and UTF-8 do.
	for (size_t i = 0; i < sb.len; i++)
		ck_assert_msg((unsigned char)sb.str[i] >= 0x20 &&
				      sb.str[i] != 0x7f,
			      "raw control byte 0x%02x at %zu", sb.str[i], i);
	ck_assert_ptr_nonnull(strstr(sb.str, "\\x1b[31mred\\x1b[0m"));
	ck_assert_ptr_nonnull(strstr(sb.str, "\\n\\t\"q\"\\ h\xc3\xa9llo "));
	ck_assert_ptr_nonnull(strstr(sb.str, "\\xff"));
	ck_assert(strstr(sb.str, "\\a") || strstr(sb.str, "\\x07"));
	hc_strbuf_deinit(&sb);
}
END_TEST

/* --------------------------------------------------- synthetic values */

enum { MEM = 0x50000, MEM_SIZE = 0x1000 };

static struct hc_type t_int = { .name = "int", .kind = HC_TYPE_BASE, .size = 8,
				.has_size = true, .encoding = DW_ATE_signed,
				.go_kind = 2 };
static struct hc_type t_uint8 = { .name = "uint8", .kind = HC_TYPE_BASE,
				  .size = 1, .has_size = true,
				  .encoding = DW_ATE_unsigned, .go_kind = 8 };
static struct hc_type t_float = { .name = "float64", .kind = HC_TYPE_BASE,
				  .size = 8, .has_size = true,
				  .encoding = DW_ATE_float, .go_kind = 14 };
static struct hc_type t_u8ptr = { .name = "*uint8", .kind = HC_TYPE_POINTER,
				  .size = 8, .has_size = true, .go_kind = 22,
				  .target = &t_uint8 };
static struct hc_type t_intptr = { .name = "*int", .kind = HC_TYPE_POINTER,
				   .size = 8, .has_size = true, .go_kind = 22,
				   .target = &t_int };
static struct hc_member string_members[] = {
	{ .name = "str", .offset = 0, .type = &t_u8ptr },
	{ .name = "len", .offset = 8, .type = &t_int },
};
static struct hc_type t_string = { .name = "string", .kind = HC_TYPE_STRUCT,
				   .size = 16, .has_size = true, .go_kind = 24,
				   .members = string_members,
				   .num_members = 2 };
static struct hc_member point_members[] = {
	{ .name = "X", .offset = 0, .type = &t_int },
	{ .name = "Y", .offset = 8, .type = &t_int },
	{ .name = "Name", .offset = 16, .type = &t_string },
};
static struct hc_type t_point = { .name = "main.point", .kind = HC_TYPE_STRUCT,
				  .size = 32, .has_size = true, .go_kind = 25,
				  .members = point_members, .num_members = 3 };
static struct hc_type t_pointptr = { .name = "*main.point",
				     .kind = HC_TYPE_POINTER, .size = 8,
				     .has_size = true, .go_kind = 22,
				     .target = &t_point };
static struct hc_member slice_members[] = {
	{ .name = "array", .offset = 0, .type = &t_intptr },
	{ .name = "len", .offset = 8, .type = &t_int },
	{ .name = "cap", .offset = 16, .type = &t_int },
};
static struct hc_type t_slice = { .name = "[]int", .kind = HC_TYPE_STRUCT,
				  .size = 24, .has_size = true, .go_kind = 23,
				  .members = slice_members, .num_members = 3,
				  .go_elem = &t_int };
static struct hc_type t_arr = { .name = "[3]int", .kind = HC_TYPE_ARRAY,
				.size = 24, .has_size = true, .go_kind = 17,
				.target = &t_int, .count = 3 };

static uint8_t mem[MEM_SIZE];

static void put64(uint64_t addr, uint64_t v)
{
	memcpy(mem + (addr - MEM), &v, 8);
}

static void putstr(uint64_t hdr, uint64_t data, const char *s, size_t n)
{
	put64(hdr, data);
	put64(hdr + 8, n);
	if (s && data >= MEM && data < MEM + MEM_SIZE)
		memcpy(mem + (data - MEM), s, n);
}

struct fake {
	uint8_t *image;
	struct hc_core *core;
	struct hc_aspace *as;
	struct hc_value_ctx ctx;
};

static void fake_open(struct fake *f)
{
	memset(mem, 0, sizeof(mem));
	put64(0x50000, 42);
	put64(0x50008, (uint64_t)-7);
	putstr(0x50010, 0x50100, "abc", 3);
	putstr(0x50200, 0x50300, "\x1b[31mred!", 9);
	put64(0x50400, 0x50500);
	put64(0x50408, 100);
	put64(0x50410, 100);
	for (int i = 0; i < 100; i++)
		put64(0x50500 + 8 * (uint64_t)i, (uint64_t)i);
	put64(0x50420, 0x50500);
	put64(0x50428, 10);
	put64(0x50430, 4);
	putstr(0x50440, 0xdead0000, NULL, 5);
	putstr(0x50460, 0x50800, NULL, 300);
	memset(mem + 0x800, 'a', 300);
	put64(0x50480, 0x50000);
	double d = 1e6;
	memcpy(mem + 0x488, &d, 8);
	put64(0x504a0, 0); /* nil pointer */

	struct testelf_core *c = testelf_core_create(EM_X86_64);
	testelf_core_add_load(c, MEM, MEM_SIZE, PF_R | PF_W, mem, MEM_SIZE);
	size_t size;
	f->image = testelf_core_build(c, &size);
	testelf_core_destroy(c);
	struct hc_file *file;
	struct hc_error *err = hc_file_open_memory(f->image, size, "fake",
						   &file);
	ck_assert(!err);
	err = hc_core_open(file, &f->core);
	ck_assert_msg(!err, "%s", err ? err->message : "");
	err = hc_aspace_create(f->core, NULL, 0, &f->as);
	ck_assert(!err);
	memset(&f->ctx, 0, sizeof(f->ctx));
	f->ctx.as = f->as;
}

static void fake_close(struct fake *f)
{
	hc_aspace_destroy(f->as);
	hc_core_destroy(f->core);
	free(f->image);
}

static void check_render(struct fake *f, const struct hc_type *t,
			 uint64_t addr, const struct hc_value_options *o,
			 const char *want)
{
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	struct hc_error *err = hc_value_format(&f->ctx, t, addr, &sb, o);
	ck_assert_msg(!err, "%s", err ? err->message : "");
	ck_assert_msg(strcmp(sb.str, want) == 0, "%s at 0x%" PRIx64
		      ": got '%s', want '%s'", t->name, addr, sb.str, want);
	hc_strbuf_deinit(&sb);
}

START_TEST(test_value_synthetic_types)
{
	struct fake f;
	fake_open(&f);
	check_render(&f, &t_point, 0x50000, NULL, "{42 -7 abc}");
	check_render(&f, &t_int, 0x50008, NULL, "-7");
	check_render(&f, &t_string, 0x50200, NULL, "\\x1b[31mred!");
	struct hc_value_options q;
	hc_value_options_default(&q);
	q.quote_strings = true;
	check_render(&f, &t_string, 0x50010, &q, "\"abc\"");
	// fmt prints &{...} for a pointer to a struct at the top level only.
	check_render(&f, &t_pointptr, 0x50480, NULL, "&{42 -7 abc}");
	check_render(&f, &t_pointptr, 0x504a0, NULL, "<nil>");
	check_render(&f, &t_float, 0x50488, NULL, "1e+06");
	check_render(&f, &t_arr, 0x50500, NULL, "[0 1 2]");
	fake_close(&f);
}
END_TEST

START_TEST(test_value_limits_and_bad_data)
{
	struct fake f;
	fake_open(&f);
	// 100 elements: the first 32, then the marker.
	struct hc_strbuf want;
	hc_strbuf_init(&want);
	hc_strbuf_appendc(&want, '[');
	for (int i = 0; i < 32; i++)
		hc_strbuf_appendf(&want, "%d ", i);
	hc_strbuf_appendf(&want, "%s]", ELLIPSIS);
	check_render(&f, &t_slice, 0x50400, NULL, want.str);
	hc_strbuf_deinit(&want);
	check_render(&f, &t_slice, 0x50420, NULL,
		     "<bad slice 0x50500 len=10 cap=4>");
	check_render(&f, &t_string, 0x50440, NULL, "<unreadable 0xdead0000>");
	// 300 bytes: 200 shown.
	char s[256];
	memset(s, 'a', 200);
	snprintf(s + 200, sizeof(s) - 200, "%s", ELLIPSIS);
	check_render(&f, &t_string, 0x50460, NULL, s);
	// Total output bounded.
	struct hc_value_options o;
	hc_value_options_default(&o);
	o.max_output = 20;
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	ck_assert(!hc_value_format(&f.ctx, &t_slice, 0x50400, &sb, &o));
	ck_assert_uint_le(sb.len, 20 + strlen(ELLIPSIS));
	ck_assert_ptr_nonnull(strstr(sb.str, ELLIPSIS));
	// The value itself unreadable: FAULT and nothing appended.
	hc_strbuf_reset(&sb);
	struct hc_error *err = hc_value_format(&f.ctx, &t_point, 0xdead0000,
					       &sb, NULL);
	ck_assert_ptr_nonnull(err);
	ck_assert_int_eq(err->code, HC_ERROR_FAULT);
	ck_assert_uint_eq(sb.len, 0);
	hc_error_destroy(err);
	// Bytes held by the caller: the header is local, the data remote.
	uint64_t hdr[2] = { 0x50100, 3 };
	hc_strbuf_reset(&sb);
	ck_assert(!hc_value_format_bytes(&f.ctx, &t_string, hdr, sizeof(hdr), 0,
					 &sb, NULL));
	ck_assert_str_eq(sb.str, "abc");
	// Slice header helpers.
	struct hc_slice_header h;
	ck_assert(!hc_value_read_slice_header(f.as, 0x50420, &h));
	ck_assert_int_eq(h.len, 10);
	ck_assert(!hc_value_slice_plausible(&h, 8));
	ck_assert(!hc_value_read_slice_header(f.as, 0x50400, &h));
	ck_assert(hc_value_slice_plausible(&h, 8));
	struct hc_slice_header nil_len = { 0, 3, 3 };
	ck_assert(!hc_value_slice_plausible(&nil_len, 8));
	char *str;
	uint64_t len;
	bool trunc;
	ck_assert(!hc_value_read_string(f.as, 0x50460, 10, &str, &len, &trunc));
	ck_assert_uint_eq(len, 300);
	ck_assert(trunc);
	ck_assert_str_eq(str, "aaaaaaaaaa");
	free(str);
	hc_strbuf_deinit(&sb);
	fake_close(&f);
}
END_TEST

/* -------------------------------------------------------------- fixtures */

static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	long n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	char *s = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(s);
	size_t got = fread(s, 1, (size_t)n, fp);
	s[got] = 0;
	fclose(fp);
	return s;
}

/* The string value of "key" after @p from (into buf). */
static const char *str_after(const char *from, const char *key, char *buf,
			     size_t size)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	const char *p = strstr(from, pat);
	ck_assert_msg(p != NULL, "no %s", key);
	p += strlen(pat);
	if (*p == '"')
		p++;
	size_t n = 0;
	while (p[n] && p[n] != '"' && p[n] != ',' && p[n] != '\n' &&
	       n + 1 < size)
		n++;
	memcpy(buf, p, n);
	buf[n] = 0;
	return buf;
}

static char *render_var(struct hc_target *t, const struct hc_value_ctx *ctx,
			const char *name, uint64_t *addr_ret)
{
	uint64_t addr;
	const struct hc_type *type;
	struct hc_error *err = hc_dwarf_find_variable(t->dwarf, name, &addr,
						      &type);
	ck_assert_msg(!err, "%s: %s", name, err ? err->message : "");
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	err = hc_value_format(ctx, type, addr + t->bias, &sb, NULL);
	ck_assert_msg(!err, "%s: %s", name, err ? err->message : "");
	if (addr_ret)
		*addr_ret = addr + t->bias;
	return hc_strbuf_steal(&sb);
}

START_TEST(test_value_gallery_globals)
{
	const char *top = getenv("top_srcdir");
	char pattern[4096];
	snprintf(pattern, sizeof(pattern), "%s/corefiles/*/gallery/core.xz",
		 top ? top : ".");
	glob_t g;
	if (glob(pattern, 0, NULL, &g) != 0) {
		fprintf(stderr, "test_value_gallery_globals: SKIP, no fixtures\n");
		return;
	}
	size_t done = 0;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		char dir[4096];
		if (testelf_fixture_stripped(g.gl_pathv[i]))
			continue;
		snprintf(dir, sizeof(dir), "%s", g.gl_pathv[i]);
		*strrchr(dir, '/') = 0;
		char path[4200];
		snprintf(path, sizeof(path), "%s/manifest.json", dir);
		char *man = slurp(path);
		if (!man)
			continue;
		struct hc_target *t;
		struct hc_error *err = hc_target_open(g.gl_pathv[i], NULL, &t);
		ck_assert_msg(!err, "%s: %s", dir, err ? err->message : "");
		struct hc_value_ctx ctx;
		hc_value_ctx_init(&ctx, t);
		char v[256], w[256];
		char *s;

		// runtime.buildVersion is what runtime.Version() returned.
		s = render_var(t, &ctx, "runtime.buildVersion", NULL);
		ck_assert_str_eq(s, str_after(man, "go_version", v, sizeof(v)));
		free(s);
		s = render_var(t, &ctx, "runtime.gomaxprocs", NULL);
		ck_assert_str_eq(s, str_after(man, "gomaxprocs", v, sizeof(v)));
		free(s);

		// gTornRaw: three [3]uintptr arrays, decimal words.
		const char *raw = strstr(man, "\"torn_slices_raw\"");
		ck_assert_ptr_nonnull(raw);
		uint64_t ptr = strtoull(str_after(raw, "ptr", v, sizeof(v)),
					NULL, 16);
		snprintf(w, sizeof(w), "{[%" PRIu64 " 10 4] [3735879680 4 4] [0 3 3]}",
			 ptr);
		s = render_var(t, &ctx, "main.gTornRaw", NULL);
		ck_assert_str_eq(s, w);
		free(s);
		// gTornLen as a []int: not a real slice.
		snprintf(w, sizeof(w), "<bad slice 0x%" PRIx64 " len=10 cap=4>", ptr);
		s = render_var(t, &ctx, "main.gTornLen", NULL);
		ck_assert_str_eq(s, w);
		free(s);

		// gShards: map headers and nils, as the manifest lists them.
		struct hc_strbuf want;
		hc_strbuf_init(&want);
		hc_strbuf_appendc(&want, '[');
		for (int k = 0; k < 8; k++) {
			char key[64];
			snprintf(key, sizeof(key), "\"name\": \"main.gShards[%d]\"", k);
			const char *m = strstr(man, key);
			ck_assert_ptr_nonnull(m);
			uint64_t addr = strtoull(str_after(m, "addr", v, sizeof(v)),
						 NULL, 16);
			long count = strtol(str_after(m, "count", v, sizeof(v)),
					    NULL, 10);
			if (k)
				hc_strbuf_appendc(&want, ' ');
			if (addr)
				hc_strbuf_appendf(&want, "map[len=%ld]@0x%" PRIx64,
						  count, addr);
			else
				hc_strbuf_appends(&want, "map[]");
		}
		hc_strbuf_appendc(&want, ']');
		s = render_var(t, &ctx, "main.gShards", NULL);
		ck_assert_str_eq(s, want.str);
		free(s);
		hc_strbuf_deinit(&want);

		// gListener (net.Listener): its dynamic type by the itab, by
		// the descriptor's name and by the DWARF reverse lookup; the
		// value rendered like fmt.Sprint(gListener) starts "&{0x".
		uint64_t addr;
		s = render_var(t, &ctx, "main.gListener", &addr);
		ck_assert_msg(strncmp(s, "&{0x", 4) == 0, "%s: gListener = %s",
			      dir, s);
		free(s);
		uint64_t tab, typ;
		ck_assert(!hc_aspace_read_u64(t->as, addr, &tab));
		ck_assert(!hc_aspace_read_u64(t->as, tab + 8, &typ));
		uint8_t kind = 0;
		char *name = hc_value_type_name(t->as, t->types_addr, typ, &kind);
		ck_assert_ptr_nonnull(name);
		ck_assert_str_eq(name, "*net.TCPListener");
		ck_assert_int_eq(kind, HC_KIND_POINTER);
		free(name);
		struct hc_rtype rt;
		ck_assert(!hc_value_ctx_read_rtype(&ctx, typ, &rt));
		ck_assert(rt.direct_iface);
		hc_rtype_deinit(&rt);
		const struct hc_type *dyn;
		err = hc_dwarf_find_type_by_runtime_type(t->dwarf,
							 typ - t->types_addr,
							 &dyn);
		ck_assert_msg(!err, "%s: %s", dir, err ? err->message : "");
		ck_assert_str_eq(dyn->name, "*net.TCPListener");
		// gPipe: two file descriptors, small non-negative ints.
		s = render_var(t, &ctx, "main.gPipe", NULL);
		int fd0 = -1, fd1 = -1;
		ck_assert_int_eq(sscanf(s, "[%d %d]", &fd0, &fd1), 2);
		ck_assert_int_eq(fd1, fd0 + 1);
		free(s);

		hc_target_destroy(t);
		free(man);
		done++;
	}
	globfree(&g);
	fprintf(stderr, "test_value_gallery_globals: %zu fixtures\n", done);
	ck_assert_uint_gt(done, 0);
}
END_TEST

/* Issue 24 item 16, readable_key_paths: keys that are pointers read as
 * "0xADDR (*T)", a runtime type descriptor as the type it names, on the
 * gallery fixtures of a few versions (the descriptor found through
 * gListener's itab; its name checked against DWARF's reverse lookup). */
static char *key_text(const struct hc_value_ctx *ctx, const char *ptr_type, uint64_t p)
{
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	ck_assert(hc_value_format_pointer_key(ctx, ptr_type, p, &sb));
	return hc_strbuf_steal(&sb);
}

START_TEST(test_value_readable_key_paths)
{
	const char *top = getenv("top_srcdir");
	char pattern[4096];
	snprintf(pattern, sizeof(pattern), "%s/corefiles/go1.2[0-9].*[0-9]/gallery/core.xz",
		 top ? top : ".");
	glob_t g;
	if (glob(pattern, 0, NULL, &g) != 0) {
		fprintf(stderr, "test_value_readable_key_paths: SKIP, no fixtures\n");
		return;
	}
	size_t done = 0;
	for (size_t i = 0; i < g.gl_pathc && done < 3; i++) {
		if (testelf_fixture_stripped(g.gl_pathv[i]))
			continue;
		struct hc_target *t;
		struct hc_error *err = hc_target_open(g.gl_pathv[i], NULL, &t);
		ck_assert_msg(!err, "%s: %s", g.gl_pathv[i], err ? err->message : "");
		struct hc_value_ctx ctx;
		hc_value_ctx_init(&ctx, t);
		uint64_t addr, tab, typ, data;
		free(render_var(t, &ctx, "main.gListener", &addr));
		ck_assert(!hc_aspace_read_u64(t->as, addr, &tab));
		ck_assert(!hc_aspace_read_u64(t->as, addr + 8, &data));
		ck_assert(!hc_aspace_read_u64(t->as, tab + 8, &typ));
		const struct hc_type *dyn;
		err = hc_dwarf_find_type_by_runtime_type(t->dwarf, typ - t->types_addr, &dyn);
		ck_assert_msg(!err, "%s", err ? err->message : "");
		static const char *const desc[] = {"*abi.Type", "*internal/abi.Type",
						   "*runtime._type", "*reflect.rtype"};
		for (size_t k = 0; k < 4; k++) {
			char *s = key_text(&ctx, desc[k], typ);
			ck_assert_str_eq(s, dyn->name);
			free(s);
		}
		char want[128], *s;
		s = key_text(&ctx, "*main.point", 0x1234);
		ck_assert_str_eq(s, "0x1234 (*main.point)");
		free(s);
		s = key_text(&ctx, "*main.point", 0);
		ck_assert_str_eq(s, "nil (*main.point)");
		free(s);
		/* Not a descriptor after all: its address and type. */
		s = key_text(&ctx, "*abi.Type", 0x10);
		ck_assert_str_eq(s, "0x10 (*abi.Type)");
		free(s);
		/* An interface holding a pointer (net.Listener = *TCPListener)
		 * as a key: the pointer and its dynamic type, no "&{". */
		const struct hc_type *lt;
		uint64_t var;
		ck_assert(!hc_dwarf_find_variable(t->dwarf, "main.gListener", &var, &lt));
		struct hc_strbuf sb;
		hc_strbuf_init(&sb);
		ck_assert(!hc_value_format_key(&ctx, lt, addr, &sb, NULL));
		snprintf(want, sizeof(want), "0x%" PRIx64 " (*net.TCPListener)", data);
		ck_assert_str_eq(sb.str, want);
		hc_strbuf_deinit(&sb);
		hc_target_destroy(t);
		done++;
	}
	globfree(&g);
	ck_assert_uint_gt(done, 0);
}
END_TEST

static Suite *value_suite(void)
{
	Suite *s = suite_create("value");
	TCase *tc = tcase_create("synthetic");
	tcase_add_test(tc, test_value_float_format);
	tcase_add_test(tc, test_value_hostile_strings);
	tcase_add_test(tc, test_value_synthetic_types);
	tcase_add_test(tc, test_value_limits_and_bad_data);
	suite_add_tcase(s, tc);
	tc = tcase_create("fixtures");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_value_gallery_globals);
	tcase_add_test(tc, test_value_readable_key_paths);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(value_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
