/*
 * Tests for the Go build info parser (include/hmapcore/buildinfo.h).
 *
 * Blobs are written like src/cmd/link/internal/ld/data.go (buildinfo) and
 * src/cmd/go/internal/modload/build.go (the module info sentinels). The
 * real-binary test uses corefiles/<version>/<program>/exe.xz when present.
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <gelf.h>
#include <libelf.h>
#include "testelf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hmapcore/buildinfo.h"

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

/* The sentinels cmd/go wraps the module info in (modload/build.go). */
static const uint8_t INFO_START[16] = { 0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74,
					0x08, 0x02, 0x41, 0xe1, 0xc1, 0x07,
					0xe6, 0xd6, 0x18, 0xe6 };
static const uint8_t INFO_END[16] = { 0xf9, 0x32, 0x43, 0x31, 0x86, 0x18,
				      0x20, 0x72, 0x00, 0x82, 0x42, 0x10,
				      0x41, 0x16, 0xd8, 0xf2 };

static const char MODINFO[] =
	"path\texample.com/demo\n"
	"mod\texample.com/demo\t(devel)\t\n"
	"dep\tgolang.org/x/sys\tv0.1.0\th1:abc=\n"
	"build\t-buildmode=exe\n"
	"build\t-compiler=gc\n"
	"build\t-ldflags=\"-s -w -X \\\"main.v=1 2\\\"\"\n"
	"build\tDefaultGODEBUG=panicnil=1,tls10server=1\n"
	"build\tCGO_ENABLED=0\n"
	"build\tGOARCH=amd64\n"
	"build\tGOEXPERIMENT=noswissmap\n"
	"build\tGOOS=linux\n"
	"build\tGOAMD64=v1\n"
	"build\tvcs.modified=true\n";

struct blob {
	uint8_t *data;
	size_t size, cap;
};

static void put(struct blob *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (b->size + n > b->cap) {
		b->cap = (b->size + n) * 2 + 64;
		b->data = realloc(b->data, b->cap);
		ck_assert_ptr_nonnull(b->data);
	}
	memcpy(b->data + b->size, p, n);
	b->size += n;
}

static void put_uvarint(struct blob *b, uint64_t v)
{
	while (v >= 0x80) {
		uint8_t c = (uint8_t)(v | 0x80);
		put(b, &c, 1);
		v >>= 7;
	}
	uint8_t c = (uint8_t)v;
	put(b, &c, 1);
}

/* Modinfo with its sentinels, as the linker embeds it. */
static void put_modinfo(struct blob *b, const char *text, bool sentinels)
{
	size_t n = strlen(text);
	put_uvarint(b, n + (sentinels ? 32 : 0));
	if (sentinels)
		put(b, INFO_START, 16);
	put(b, text, n);
	if (sentinels)
		put(b, INFO_END, 16);
}

/* A go1.18+ .go.buildinfo: @p pad bytes, header, inline strings. */
static struct blob inline_blob(size_t pad, const char *version,
			       const char *modinfo, bool sentinels)
{
	struct blob b = { 0 };
	uint8_t zero[64] = { 0 };
	put(&b, zero, pad);
	put(&b, "\xff Go buildinf:", 14);
	uint8_t ps_flags[2] = { 8, 2 };
	put(&b, ps_flags, 2);
	put(&b, zero, 16);
	put_uvarint(&b, strlen(version));
	put(&b, version, strlen(version));
	put_modinfo(&b, modinfo, sentinels);
	// Exact-size copy so ASan sees a read past the end.
	uint8_t *copy = malloc(b.size);
	memcpy(copy, b.data, b.size);
	free(b.data);
	b.data = copy;
	return b;
}

START_TEST(test_buildinfo_version_parse)
{
	static const struct {
		const char *s;
		bool ok;
		int major, minor, patch;
	} cases[] = {
		{ "go1.23.12", true, 1, 23, 12 },
		{ "go1.24rc1", true, 1, 24, 0 },
		{ "go1.26.0 X:nodwarf5", true, 1, 26, 0 },
		{ "go1.24.13 X:noswissmap", true, 1, 24, 13 },
		{ "go1.27.4-X:mapsplitgroup", true, 1, 27, 4 },
		{ "devel go1.25-abcdef Tue Jan 1 00:00:00 2025 +0000", true, 1, 25, 0 },
		{ "go1.21", true, 1, 21, 0 },
		{ "go1.22beta2", true, 1, 22, 0 },
		{ "go1", true, 1, 0, 0 },
		{ "", false, 0, 0, 0 },
		{ "1.23.1", false, 0, 0, 0 },
		{ "go", false, 0, 0, 0 },
		{ "gox1.2", false, 0, 0, 0 },
		{ "go1.", false, 0, 0, 0 },
		{ "devel", false, 0, 0, 0 },
		{ "devel +abc", false, 0, 0, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int ma = -7, mi = -7, pa = -7;
		bool ok = hc_go_version_parse(cases[i].s, &ma, &mi, &pa);
		ck_assert_msg(ok == cases[i].ok, "\"%s\": %d", cases[i].s, ok);
		if (ok) {
			ck_assert_msg(ma == cases[i].major && mi == cases[i].minor &&
					      pa == cases[i].patch,
				      "\"%s\": %d.%d.%d", cases[i].s, ma, mi, pa);
		} else {
			ck_assert_int_eq(ma, -7); // untouched on failure
		}
	}
	ck_assert(!hc_go_version_parse(NULL, NULL, NULL, NULL));
	ck_assert(hc_go_version_parse("go1.2.3", NULL, NULL, NULL));
}
END_TEST

START_TEST(test_buildinfo_inline)
{
	struct blob b = inline_blob(48, "go1.24.13 X:noswissmap", MODINFO, true);
	struct hc_buildinfo *bi = NULL;
	ck_assert_ok(hc_buildinfo_parse(b.data, b.size, NULL, NULL, &bi));
	ck_assert_str_eq(bi->version, "go1.24.13 X:noswissmap");
	ck_assert_str_eq(bi->modinfo, MODINFO);
	ck_assert_str_eq(bi->path, "example.com/demo");
	ck_assert_uint_eq(bi->ptr_size, 8);
	ck_assert(!bi->big_endian);
	ck_assert_uint_eq(bi->num_settings, 10);
	ck_assert_str_eq(bi->settings[0].key, "-buildmode");
	ck_assert_str_eq(bi->settings[0].value, "exe");
	ck_assert_str_eq(hc_buildinfo_setting(bi, "GOARCH"), "amd64");
	ck_assert_str_eq(hc_buildinfo_setting(bi, "GOOS"), "linux");
	ck_assert_str_eq(hc_buildinfo_setting(bi, "GOEXPERIMENT"), "noswissmap");
	ck_assert_str_eq(hc_buildinfo_setting(bi, "CGO_ENABLED"), "0");
	ck_assert_str_eq(hc_buildinfo_setting(bi, "DefaultGODEBUG"),
			 "panicnil=1,tls10server=1");
	// Quoted with strconv.Quote: unquoted.
	ck_assert_str_eq(hc_buildinfo_setting(bi, "-ldflags"),
			 "-s -w -X \"main.v=1 2\"");
	ck_assert_ptr_null(hc_buildinfo_setting(bi, "GOARM"));
	ck_assert_ptr_null(hc_buildinfo_setting(bi, "goarch"));
	hc_buildinfo_destroy(bi);
	hc_buildinfo_destroy(NULL);
	free(b.data);
}
END_TEST

START_TEST(test_buildinfo_quoted)
{
	const char *mi =
		"build\t\"key with space\"=\"tab\\there\\nnl \\x41\\u00e9\\101\"\n"
		"build\tK=`raw \\n`\n"
		"build\tBAD=\"unterminated\n"
		"build\tEMPTY=\n"
		"build\tNOEQ\n"
		"build\t=novalue\n"
		"build\tX=a=b\n";
	struct blob b = inline_blob(0, "go1.23.12", mi, true);
	struct hc_buildinfo *bi = NULL;
	ck_assert_ok(hc_buildinfo_parse(b.data, b.size, NULL, NULL, &bi));
	ck_assert_ptr_null(bi->path);
	ck_assert_str_eq(hc_buildinfo_setting(bi, "key with space"),
			 "tab\there\nnl A\xc3\xa9" "A");
	ck_assert_str_eq(hc_buildinfo_setting(bi, "K"), "raw \\n");
	// Not a valid quoted string: kept as written.
	ck_assert_str_eq(hc_buildinfo_setting(bi, "BAD"), "\"unterminated");
	ck_assert_str_eq(hc_buildinfo_setting(bi, "EMPTY"), "");
	ck_assert_str_eq(hc_buildinfo_setting(bi, "NOEQ"), "");
	ck_assert_str_eq(hc_buildinfo_setting(bi, "X"), "a=b");
	ck_assert_uint_eq(bi->num_settings, 6);
	hc_buildinfo_destroy(bi);
	free(b.data);
}
END_TEST

START_TEST(test_buildinfo_no_sentinels)
{
	// Without sentinels the text is kept as is; an empty one is "".
	struct blob b = inline_blob(16, "go1.22.12", "path\tfoo\n", false);
	struct hc_buildinfo *bi = NULL;
	ck_assert_ok(hc_buildinfo_parse(b.data, b.size, NULL, NULL, &bi));
	ck_assert_str_eq(bi->modinfo, "path\tfoo\n");
	ck_assert_str_eq(bi->path, "foo");
	ck_assert_uint_eq(bi->num_settings, 0);
	hc_buildinfo_destroy(bi);
	free(b.data);

	b = inline_blob(0, "go1.22.12", "", false);
	ck_assert_ok(hc_buildinfo_parse(b.data, b.size, NULL, NULL, &bi));
	ck_assert_str_eq(bi->version, "go1.22.12");
	ck_assert_str_eq(bi->modinfo, "");
	ck_assert_ptr_null(bi->path);
	hc_buildinfo_destroy(bi);
	free(b.data);
}
END_TEST

START_TEST(test_buildinfo_not_found)
{
	struct hc_buildinfo *bi = NULL;
	uint8_t zeros[256] = { 0 };
	ck_assert_code(hc_buildinfo_parse(zeros, sizeof(zeros), NULL, NULL, &bi),
		       NOT_FOUND);
	ck_assert_code(hc_buildinfo_parse(NULL, 0, NULL, NULL, &bi), NOT_FOUND);
	// The magic at an offset that is not a multiple of 16.
	struct blob b = inline_blob(8, "go1.23.12", MODINFO, true);
	ck_assert_code(hc_buildinfo_parse(b.data, b.size, NULL, NULL, &bi),
		       NOT_FOUND);
	ck_assert_ptr_null(bi);
	free(b.data);
}
END_TEST

START_TEST(test_buildinfo_truncated)
{
	struct blob b = inline_blob(0, "go1.23.12", MODINFO, true);
	struct hc_buildinfo *bi = NULL;
	// Every cut inside the header or strings is BAD_DATA, never a crash.
	for (size_t n = 14; n < b.size; n++) {
		uint8_t *copy = malloc(n);
		memcpy(copy, b.data, n);
		ck_assert_code(hc_buildinfo_parse(copy, n, NULL, NULL, &bi),
			       BAD_DATA);
		free(copy);
	}
	ck_assert_ptr_null(bi);
	free(b.data);
}
END_TEST

START_TEST(test_buildinfo_bad_lengths)
{
	struct hc_buildinfo *bi = NULL;
	struct blob b = inline_blob(0, "go1.23.12", MODINFO, true);
	// Version length far past the data.
	b.data[32] = 0xff;
	b.data[33] = 0xff;
	b.data[34] = 0x7f;
	ck_assert_code(hc_buildinfo_parse(b.data, b.size, NULL, NULL, &bi),
		       BAD_DATA);
	// An endless uvarint (continuation bits to the end).
	memset(b.data + 32, 0x80, b.size - 32);
	ck_assert_code(hc_buildinfo_parse(b.data, b.size, NULL, NULL, &bi),
		       BAD_DATA);
	// An 11-byte uvarint.
	memset(b.data + 32, 0xff, 10);
	b.data[42] = 1;
	ck_assert_code(hc_buildinfo_parse(b.data, b.size, NULL, NULL, &bi),
		       BAD_DATA);
	free(b.data);

	// An empty version.
	b = inline_blob(0, "", MODINFO, true);
	ck_assert_code(hc_buildinfo_parse(b.data, b.size, NULL, NULL, &bi),
		       BAD_DATA);
	ck_assert_ptr_null(bi);
	free(b.data);
}
END_TEST

/* A fake target memory for the pre-1.18 pointer form. */
struct mem {
	uint64_t base;
	uint8_t bytes[512];
	int reads;
};

static struct hc_error *mem_read(void *arg, uint64_t addr, void *buf,
				 size_t len)
{
	struct mem *m = arg;
	m->reads++;
	if (addr < m->base || addr - m->base > sizeof(m->bytes) ||
	    len > sizeof(m->bytes) - (addr - m->base))
		return hc_error_fault(addr, "reading %zu bytes", len);
	memcpy(buf, m->bytes + (addr - m->base), len);
	return NULL;
}

static void set_ptr(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A go1.13-1.17 header pointing at two string headers in @p m. */
static void pointer_form(uint8_t hdr[32], struct mem *m, const char *version,
			 const uint8_t *mod, size_t modlen)
{
	memset(hdr, 0, 32);
	memcpy(hdr, "\xff Go buildinf:", 14);
	hdr[14] = 8;
	hdr[15] = 0;
	// String headers at base+0 and base+16, data from base+32.
	m->base = 0x5000;
	memset(m->bytes, 0, sizeof(m->bytes));
	size_t vlen = strlen(version);
	memcpy(m->bytes + 32, version, vlen);
	memcpy(m->bytes + 32 + vlen, mod, modlen);
	set_ptr(m->bytes + 0, m->base + 32);
	set_ptr(m->bytes + 8, vlen);
	set_ptr(m->bytes + 16, m->base + 32 + vlen);
	set_ptr(m->bytes + 24, modlen);
	set_ptr(hdr + 16, m->base);
	set_ptr(hdr + 24, m->base + 16);
}

START_TEST(test_buildinfo_pointer_form)
{
	static struct mem m;
	uint8_t hdr[32], mod[256];
	const char *text = "path\told/prog\nbuild\tGOARCH=amd64\n";
	size_t tl = strlen(text);
	memcpy(mod, INFO_START, 16);
	memcpy(mod + 16, text, tl);
	memcpy(mod + 16 + tl, INFO_END, 16);
	pointer_form(hdr, &m, "go1.16.15", mod, tl + 32);

	struct hc_buildinfo *bi = NULL;
	ck_assert_code(hc_buildinfo_parse(hdr, 32, NULL, NULL, &bi), UNSUPPORTED);
	ck_assert_ok(hc_buildinfo_parse(hdr, 32, mem_read, &m, &bi));
	ck_assert_str_eq(bi->version, "go1.16.15");
	ck_assert_str_eq(bi->path, "old/prog");
	ck_assert_str_eq(hc_buildinfo_setting(bi, "GOARCH"), "amd64");
	hc_buildinfo_destroy(bi);
	bi = NULL;

	// A fault in the target is passed on.
	set_ptr(hdr + 24, 0x9000);
	ck_assert_code(hc_buildinfo_parse(hdr, 32, mem_read, &m, &bi), FAULT);
	set_ptr(hdr + 24, m.base + 16);
	// A string length past the hard limit is refused before reading.
	set_ptr(m.bytes + 8, (uint64_t)1 << 40);
	m.reads = 0;
	ck_assert_code(hc_buildinfo_parse(hdr, 32, mem_read, &m, &bi), BAD_DATA);
	ck_assert_int_eq(m.reads, 1);
	// Pointer size other than 4 or 8.
	hdr[14] = 3;
	ck_assert_code(hc_buildinfo_parse(hdr, 32, mem_read, &m, &bi), BAD_DATA);
	ck_assert_ptr_null(bi);
}
END_TEST

static uint64_t rng(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 33;
}

START_TEST(test_buildinfo_corrupt_random)
{
	struct blob b = inline_blob(16, "go1.24.13 X:noswissmap", MODINFO, true);
	uint8_t *copy = malloc(b.size);
	uint64_t seed = 7;
	for (int iter = 0; iter < 5000; iter++) {
		memcpy(copy, b.data, b.size);
		int n = 1 + (int)(rng(&seed) % 4);
		for (int k = 0; k < n; k++)
			copy[rng(&seed) % b.size] = (uint8_t)rng(&seed);
		struct hc_buildinfo *bi = NULL;
		struct hc_error *err =
			hc_buildinfo_parse(copy, b.size, NULL, NULL, &bi);
		if (err) {
			hc_error_destroy(err);
			continue;
		}
		ck_assert_ptr_nonnull(bi->version);
		ck_assert_ptr_nonnull(bi->modinfo);
		(void)hc_buildinfo_setting(bi, "GOARCH");
		hc_buildinfo_destroy(bi);
	}
	free(copy);
	free(b.data);
}
END_TEST

/* --------------------------------------------------- real executables */

struct file {
	uint8_t *data;
	size_t size;
};

static bool read_xz(const char *path, struct file *ret)
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

/* The Go version a fixture directory states: manifest.json "go_version"
 * ("go1.27.4-X:mapsplitgroup"), else the directory name
 * ("go1.24.13-noswissmap"), both up to the first '-' or ' '. */
static void expected_version(const char *dir, const char *vdir, char *out,
			     size_t outlen)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/manifest.json", dir);
	FILE *fp = fopen(path, "r");
	out[0] = '\0';
	if (fp) {
		char text[65536];
		size_t n = fread(text, 1, sizeof(text) - 1, fp);
		text[n] = '\0';
		fclose(fp);
		const char *k = strstr(text, "\"go_version\"");
		const char *q = k ? strchr(k + 12, '"') : NULL;
		const char *e = q ? strchr(q + 1, '"') : NULL;
		if (e && (size_t)(e - q - 1) < outlen) {
			memcpy(out, q + 1, (size_t)(e - q - 1));
			out[e - q - 1] = '\0';
		}
	}
	if (!out[0])
		snprintf(out, outlen, "%s", vdir);
	out[strcspn(out, "- ")] = '\0';
}

/* A string field of the fixture's manifest.json ("goarch"), else "". */
static void manifest_field(const char *dir, const char *key, char *out,
			   size_t outlen)
{
	char path[4200], pat[64];
	snprintf(path, sizeof(path), "%s/manifest.json", dir);
	snprintf(pat, sizeof(pat), "\"%s\": \"", key);
	out[0] = '\0';
	FILE *fp = fopen(path, "r");
	if (!fp)
		return;
	static char text[1 << 20];
	size_t n = fread(text, 1, sizeof(text) - 1, fp);
	text[n] = '\0';
	fclose(fp);
	const char *k = strstr(text, pat);
	const char *e = k ? strchr(k + strlen(pat), '"') : NULL;
	if (e && (size_t)(e - k - strlen(pat)) < outlen) {
		memcpy(out, k + strlen(pat), (size_t)(e - k - strlen(pat)));
		out[e - k - strlen(pat)] = '\0';
	}
}

static void check_exe(const char *dir, const char *vdir)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/exe.xz", dir);
	struct file exe;
	ck_assert_msg(read_xz(path, &exe), "cannot decompress %s", path);
	elf_version(EV_CURRENT);
	Elf *e = elf_memory((char *)exe.data, exe.size);
	ck_assert_ptr_nonnull(e);
	GElf_Shdr sh;
	Elf_Scn *scn = find_section(e, ".go.buildinfo", &sh);
	ck_assert_msg(scn, "%s: no .go.buildinfo", path);
	Elf_Data *d = elf_rawdata(scn, NULL);
	ck_assert_ptr_nonnull(d);
	struct hc_buildinfo *bi = NULL;
	ck_assert_ok(hc_buildinfo_parse(d->d_buf, d->d_size, NULL, NULL, &bi));

	char want[256];
	expected_version(dir, vdir, want, sizeof(want));
	size_t wl = strlen(want);
	ck_assert_msg(!strncmp(bi->version, want, wl) &&
			      (bi->version[wl] == '\0' || bi->version[wl] == ' ' ||
			       bi->version[wl] == '-'),
		      "%s: version %s, expected %s", path, bi->version, want);
	int ma, mi, pa;
	ck_assert(hc_go_version_parse(bi->version, &ma, &mi, &pa));
	ck_assert_int_eq(ma, 1);
	ck_assert_int_ge(mi, 16);
	// The GOARCH the program itself reported (runtime.GOARCH).
	char goarch[32];
	manifest_field(dir, "goarch", goarch, sizeof(goarch));
	ck_assert_msg(goarch[0], "%s: no goarch in the manifest", dir);
	const char *arch = hc_buildinfo_setting(bi, "GOARCH");
	ck_assert_msg(arch && !strcmp(arch, goarch), "%s: GOARCH %s, manifest %s",
		      path, arch ? arch : "(none)", goarch);
	// -buildmode=pie is a build setting ("go1.26.11-pie").
	const char *mode = hc_buildinfo_setting(bi, "-buildmode");
	const char *dash = strchr(vdir, '-');
	bool pie = dash && strstr(dash, "-pie");
	ck_assert_msg(pie == (mode && !strcmp(mode, "pie")),
		      "%s: -buildmode %s", path, mode ? mode : "(none)");
	// "go1.24.13-noswissmap": built with GOEXPERIMENT=noswissmap, which
	// the version string also names ("go1.24.13 X:noswissmap"; go1.27
	// writes "go1.27.4-X:mapsplitgroup"). "-arm64", "-pie" and
	// "-arm64-pie" are not experiments.
	// Nor "-cgo" and "-stripped" (build modes and flags).
	const char *exp = dash;
	if (exp && (!strcmp(exp, "-arm64") || pie || !strcmp(exp, "-cgo") ||
		    !strcmp(exp, "-stripped")))
		exp = NULL;
	if (exp) {
		const char *x = hc_buildinfo_setting(bi, "GOEXPERIMENT");
		ck_assert_msg(x && strstr(x, exp + 1), "%s: GOEXPERIMENT %s",
			      path, x ? x : "(none)");
		ck_assert_msg(strstr(bi->version, exp + 1), "%s: version %s",
			      path, bi->version);
	}
	fprintf(stderr, "buildinfo %s: %s, %zu settings\n", dir, bi->version,
		bi->num_settings);
	hc_buildinfo_destroy(bi);
	elf_end(e);
	free(exe.data);
}

START_TEST(test_buildinfo_fixtures)
{
	const char *top = getenv("HMAPCORE_FIXTURES");
	char root[4096];
	if (top) {
		snprintf(root, sizeof(root), "%s", top);
	} else {
		top = getenv("top_srcdir");
		snprintf(root, sizeof(root), "%s/corefiles", top ? top : ".");
	}
	size_t n = 0;
	DIR *d1 = opendir(root);
	struct dirent *e1;
	while (d1 && (e1 = readdir(d1))) {
		if (e1->d_name[0] == '.')
			continue;
		char p1[4096];
		if (snprintf(p1, sizeof(p1), "%s/%s", root, e1->d_name) >=
		    (int)sizeof(p1))
			continue;
		DIR *d2 = opendir(p1);
		struct dirent *e2;
		while (d2 && (e2 = readdir(d2))) {
			char p2[4096], exe[4096];
			struct stat st;
			if (e2->d_name[0] == '.' ||
			    snprintf(p2, sizeof(p2), "%s/%s", p1, e2->d_name) >=
				    (int)sizeof(p2) ||
			    snprintf(exe, sizeof(exe), "%s/exe.xz", p2) >=
				    (int)sizeof(exe) ||
			    stat(exe, &st))
				continue;
			check_exe(p2, e1->d_name);
			n++;
		}
		if (d2)
			closedir(d2);
	}
	if (d1)
		closedir(d1);
	if (n == 0)
		fprintf(stderr, "SKIP test_buildinfo_fixtures: no corefiles/*/*/exe.xz\n");
}
END_TEST

static Suite *buildinfo_suite(void)
{
	Suite *s = suite_create("buildinfo");
	TCase *tc = tcase_create("synthetic");
	tcase_add_test(tc, test_buildinfo_version_parse);
	tcase_add_test(tc, test_buildinfo_inline);
	tcase_add_test(tc, test_buildinfo_quoted);
	tcase_add_test(tc, test_buildinfo_no_sentinels);
	tcase_add_test(tc, test_buildinfo_not_found);
	tcase_add_test(tc, test_buildinfo_truncated);
	tcase_add_test(tc, test_buildinfo_bad_lengths);
	tcase_add_test(tc, test_buildinfo_pointer_form);
	tcase_add_test(tc, test_buildinfo_corrupt_random);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("fixtures");
	tcase_add_test(tc, test_buildinfo_fixtures);
	tcase_set_timeout(tc, 300);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(buildinfo_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
