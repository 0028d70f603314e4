/*
 * Unit tests of layer L1: compressed input (file.c), the core (core.c),
 * the executable (elffile.c) and the address space (aspace.c), on
 * synthetic ELF images from testelf.h, plus one real Go core from
 * corefiles/ when there is one.
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <lzma.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "hmapcore/aspace.h"
#include "hmapcore/core.h"
#include "hmapcore/elffile.h"
#include "hmapcore/file.h"
#include "hmapcore/sha256.h"
#include "testelf.h"

#define NT_SIGINFO_ 0x53494749
#define SI_TKILL_ (-6)
#define SEGV_MAPERR_ 1

/* ---------------------------------------------------------------- helpers */

/* An image that must outlive the core opened on it (borrowed). */
struct image {
	uint8_t *data;
	size_t size;
};

static struct testelf_exe *go_like_exe(uint16_t type, uint64_t link_base);
static struct testelf_core *core_for_exe(const struct image *exe_img,
					 uint64_t base, size_t dumped);

static void fill_pattern(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 7);
}

/*
 * The standard amd64 test core:
 *  threads 101 (SIGSEGV, first) and 102;
 *  PT_LOADs added out of order: 0x2000 (0x1000, RW, pattern 2),
 *  0x1000 (0x1000, RW, pattern 1) - adjacent to the former -,
 *  0x10000 (0x1000, not dumped, R-X), 0x5000 (0x2000, 0x800 dumped, RW).
 */
static struct testelf_core *standard_core(void)
{
	struct testelf_core *c = testelf_core_create(EM_X86_64);
	uint64_t regs[TESTELF_AMD64_NREGS];
	for (unsigned i = 0; i < TESTELF_AMD64_NREGS; i++)
		regs[i] = 0x1000 + i;
	regs[TESTELF_AMD64_RIP] = 0x401234;
	regs[TESTELF_AMD64_RSP] = 0xc000123000;
	regs[TESTELF_AMD64_RBP] = 0xc000123080;
	regs[TESTELF_AMD64_R14] = 0xc000000180;
	regs[TESTELF_AMD64_FS_BASE] = 0x7f0000001000;
	testelf_core_add_prstatus(c, 101, SIGSEGV, regs, TESTELF_AMD64_NREGS);
	regs[TESTELF_AMD64_RIP] = 0x402000;
	testelf_core_add_prstatus(c, 102, 0, regs, TESTELF_AMD64_NREGS);
	testelf_core_add_prpsinfo(c, 101, 7, 1000, 1001, 'R', "myprog",
				  "./myprog -flag arg");
	testelf_core_add_siginfo(c, SIGSEGV, 0, SEGV_MAPERR_, 0xdeadbeef);
	uint64_t auxv[] = {AT_PHDR, 0x400040, AT_PAGESZ, 4096, AT_ENTRY,
			   0x401000};
	testelf_core_add_auxv(c, auxv, 3);
	struct testelf_file_map maps[] = {
		{0x400000, 0x402000, 0, "/srv/bin/myprog"},
		{0x402000, 0x403000, 2, "/srv/bin/myprog"},
		{0x7f0000000000, 0x7f0000002000, 3, "/lib/libc.so.6"},
	};
	testelf_core_add_file_note(c, 4096, maps, 3);

	uint8_t seg[0x1000];
	fill_pattern(seg, sizeof(seg), 2);
	testelf_core_add_load(c, 0x2000, 0x1000, PF_R | PF_W, seg, 0x1000);
	fill_pattern(seg, sizeof(seg), 1);
	testelf_core_add_load(c, 0x1000, 0x1000, PF_R | PF_W, seg, 0x1000);
	testelf_core_add_load(c, 0x10000, 0x1000, PF_R | PF_X, NULL, 0);
	fill_pattern(seg, sizeof(seg), 5);
	testelf_core_add_load(c, 0x5000, 0x2000, PF_R | PF_W, seg, 0x800);
	return c;
}

static struct image build_core(struct testelf_core *c)
{
	struct image img;
	img.data = testelf_core_build(c, &img.size);
	return img;
}

/* Open @p img as a core; the test fails on error. */
static struct hc_core *open_core(const struct image *img)
{
	struct hc_file *file;
	struct hc_error *err =
		hc_file_open_memory(img->data, img->size, "test-core", &file);
	ck_assert_msg(!err, "%s", err ? err->message : "");
	struct hc_core *core;
	err = hc_core_open(file, &core);
	ck_assert_msg(!err, "%s", err ? err->message : "");
	return core;
}

/* Open @p data as a core and expect an error of @p code. */
static struct hc_error *open_core_error(const void *data, size_t size)
{
	struct hc_file *file;
	struct hc_error *err =
		hc_file_open_memory(data, size, "test-core", &file);
	ck_assert_msg(!err, "%s", err ? err->message : "");
	struct hc_core *core = NULL;
	err = hc_core_open(file, &core);
	ck_assert_msg(err != NULL, "opened a core that should fail");
	ck_assert_ptr_null(core);
	return err;
}

static void assert_error(struct hc_error *err, enum hc_error_code code,
			 const char *substring)
{
	ck_assert_msg(err != NULL, "expected an error containing \"%s\"",
		      substring);
	ck_assert_msg(err->code == code, "error code %d, expected %d: %s",
		      err->code, code, err->message);
	ck_assert_msg(strstr(err->message, substring),
		      "message \"%s\" lacks \"%s\"", err->message, substring);
	hc_error_destroy(err);
}

static void assert_fault(struct hc_error *err, uint64_t addr)
{
	ck_assert_msg(err != NULL, "expected a FAULT at 0x%llx",
		      (unsigned long long)addr);
	ck_assert_msg(err->code == HC_ERROR_FAULT, "code %d: %s", err->code,
		      err->message);
	ck_assert_msg(err->address == addr, "FAULT at 0x%llx, expected 0x%llx",
		      (unsigned long long)err->address,
		      (unsigned long long)addr);
	hc_error_destroy(err);
}

static void set_u16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static char *tmp_dir(void)
{
	const char *t = getenv("TMPDIR");
	char *tmpl;
	ck_assert_int_ge(asprintf(&tmpl, "%s/hmapcore-test-XXXXXX",
				  t && *t ? t : "/tmp"),
			 0);
	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	return tmpl;
}

/* A temp file with @p data, made by mkstemp in $TMPDIR; free + unlink. */
static char *write_temp(const void *data, size_t size)
{
	const char *t = getenv("TMPDIR");
	char *path;
	ck_assert_int_ge(asprintf(&path, "%s/hmapcore-test-XXXXXX",
				  t && *t ? t : "/tmp"),
			 0);
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, size), (ssize_t)size);
	close(fd);
	return path;
}

static void write_file(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, size, f), size);
	fclose(f);
}

/* ---------------------------------------------------------------- compressors */

static uint8_t *compress_xz(const uint8_t *in, size_t n, size_t *out_n)
{
	size_t cap = lzma_stream_buffer_bound(n);
	uint8_t *out = malloc(cap);
	size_t pos = 0;
	ck_assert_int_eq(lzma_easy_buffer_encode(1, LZMA_CHECK_CRC64, NULL, in,
						 n, out, &pos, cap),
			 LZMA_OK);
	*out_n = pos;
	return out;
}

static uint8_t *compress_zstd(const uint8_t *in, size_t n, size_t *out_n)
{
	size_t cap = ZSTD_compressBound(n);
	uint8_t *out = malloc(cap);
	size_t r = ZSTD_compress(out, cap, in, n, 3);
	ck_assert(!ZSTD_isError(r));
	*out_n = r;
	return out;
}

static uint8_t *compress_gzip(const uint8_t *in, size_t n, size_t *out_n)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
				      Z_DEFAULT_STRATEGY),
			 Z_OK);
	size_t cap = deflateBound(&z, n) + 64;
	uint8_t *out = malloc(cap);
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	*out_n = z.total_out;
	deflateEnd(&z);
	return out;
}

typedef uint8_t *(*compress_fn)(const uint8_t *, size_t, size_t *);

/* ---------------------------------------------------------------- notes */

START_TEST(test_core_prstatus_amd64)
{
	struct testelf_core *c = standard_core();
	struct image img = build_core(c);
	struct hc_core *core = open_core(&img);
	ck_assert_int_eq(hc_core_arch(core), HC_ARCH_AMD64);
	ck_assert_str_eq(hc_arch_name(hc_core_arch(core)), "amd64");
	size_t n;
	const struct hc_core_thread *t = hc_core_threads(core, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(t[0].tid, 101);
	ck_assert_int_eq(t[0].cursig, SIGSEGV);
	ck_assert_uint_eq(t[0].pc, 0x401234);
	ck_assert_uint_eq(t[0].sp, 0xc000123000);
	ck_assert_uint_eq(t[0].fp, 0xc000123080);
	ck_assert_uint_eq(t[0].greg, 0xc000000180);
	ck_assert_uint_eq(t[0].lr, 0);
	ck_assert(t[0].tls_valid);
	ck_assert_uint_eq(t[0].tls, 0x7f0000001000);
	ck_assert_uint_eq(t[0].nregs, 27);
	ck_assert_uint_eq(t[0].regs[TESTELF_AMD64_RAX], 0x1000 + 10);
	ck_assert_uint_eq(t[0].regs[26], 0x1000 + 26); // gs, the last
	ck_assert_int_eq(t[1].tid, 102);
	ck_assert_int_eq(t[1].cursig, 0);
	ck_assert_uint_eq(t[1].pc, 0x402000);
	hc_core_destroy(core);
	free(img.data);
	testelf_core_destroy(c);
}
END_TEST

START_TEST(test_core_prstatus_arm64)
{
	struct testelf_core *c = testelf_core_create(EM_AARCH64);
	uint64_t regs[TESTELF_ARM64_NREGS];
	for (unsigned i = 0; i < TESTELF_ARM64_NREGS; i++)
		regs[i] = 0x100 + i;
	regs[TESTELF_ARM64_X28] = 0x4000000380;
	regs[TESTELF_ARM64_FP] = 0x4000100f00;
	regs[TESTELF_ARM64_LR] = 0x10a0c4;
	regs[TESTELF_ARM64_SP] = 0x4000100e00;
	regs[TESTELF_ARM64_PC] = 0x10b000;
	regs[TESTELF_ARM64_PSTATE] = 0x60000000;
	testelf_core_add_prstatus(c, 7, SIGABRT, regs, TESTELF_ARM64_NREGS);
	testelf_core_add_arm_tls(c, 0xffff88880000);
	regs[TESTELF_ARM64_PC] = 0x10c000;
	testelf_core_add_prstatus(c, 8, 0, regs, TESTELF_ARM64_NREGS);
	struct image img = build_core(c);
	struct hc_core *core = open_core(&img);
	ck_assert_int_eq(hc_core_arch(core), HC_ARCH_ARM64);
	ck_assert_str_eq(hc_arch_name(hc_core_arch(core)), "arm64");
	size_t n;
	const struct hc_core_thread *t = hc_core_threads(core, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(t[0].tid, 7);
	ck_assert_int_eq(t[0].cursig, SIGABRT);
	ck_assert_uint_eq(t[0].pc, 0x10b000);
	ck_assert_uint_eq(t[0].sp, 0x4000100e00);
	ck_assert_uint_eq(t[0].fp, 0x4000100f00);
	ck_assert_uint_eq(t[0].lr, 0x10a0c4);
	ck_assert_uint_eq(t[0].greg, 0x4000000380);
	ck_assert(t[0].tls_valid);
	ck_assert_uint_eq(t[0].tls, 0xffff88880000);
	ck_assert_uint_eq(t[0].nregs, 34);
	ck_assert_uint_eq(t[0].regs[0], 0x100);
	ck_assert_uint_eq(t[0].regs[TESTELF_ARM64_PSTATE], 0x60000000);
	// The second thread has no NT_ARM_TLS: no thread pointer.
	ck_assert_uint_eq(t[1].pc, 0x10c000);
	ck_assert(!t[1].tls_valid);
	hc_core_destroy(core);
	free(img.data);
	testelf_core_destroy(c);
}
END_TEST

START_TEST(test_core_prstatus_short_note_skipped)
{
	struct testelf_core *c = testelf_core_create(EM_X86_64);
	uint8_t small[100] = {0};
	testelf_core_add_note(c, "CORE", NT_PRSTATUS, small, sizeof(small));
	struct image img = build_core(c);
	struct hc_core *core = open_core(&img);
	size_t n;
	hc_core_threads(core, &n);
	ck_assert_uint_eq(n, 0);
	hc_core_destroy(core);
	free(img.data);
	testelf_core_destroy(c);
}
END_TEST

START_TEST(test_core_prpsinfo)
{
	struct testelf_core *c = standard_core();
	struct image img = build_core(c);
	struct hc_core *core = open_core(&img);
	const struct hc_core_prpsinfo *p = hc_core_prpsinfo(core);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(p->pid, 101);
	ck_assert_int_eq(p->ppid, 7);
	ck_assert_uint_eq(p->uid, 1000);
	ck_assert_uint_eq(p->gid, 1001);
	ck_assert_int_eq(p->state, 'R');
	ck_assert_str_eq(p->fname, "myprog");
	ck_assert_str_eq(p->psargs, "./myprog -flag arg");
	hc_core_destroy(core);
	free(img.data);
	testelf_core_destroy(c);
}
END_TEST

START_TEST(test_core_prpsinfo_unterminated_name)
{
	struct testelf_core *c = testelf_core_create(EM_X86_64);
	testelf_core_add_prpsinfo(c, 1, 0, 0, 0, 'S', "abcdefghijklmnopqrstuvwxyz",
				  "");
	struct image img = build_core(c);
	struct hc_core *core = open_core(&img);
	const struct hc_core_prpsinfo *p = hc_core_prpsinfo(core);
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p->fname, "abcdefghijklmnop"); // 16 bytes, terminated
	hc_core_destroy(core);
	free(img.data);
	testelf_core_destroy(c);
}
END_TEST

START_TEST(test_core_siginfo_fault_address)
{
	struct testelf_core *c = standard_core();
	struct image img = build_core(c);
	struct hc_core *core = open_core(&img);
	const struct hc_core_siginfo *s = hc_core_siginfo(core);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(s->signo, SIGSEGV);
	ck_assert_int_eq(s->code, SEGV_MAPERR_);
	ck_assert_int_eq(s->errnum, 0);
	ck_assert_uint_eq(s->addr, 0xdeadbeef);
	ck_assert_int_eq(s->sender_pid, 0);
	// NT_SIGINFO wins over the threads' pr_cursig.
	ck_assert(!s->from_prstatus);
	hc_core_destroy(core);
	free(img.data);
	testelf_core_destroy(c);
}
END_TEST

START_TEST(test_core_siginfo_tkill_sender)
{
	struct testelf_core *c = testelf_core_create(EM_X86_64);
	testelf_core_add_siginfo(c, SIGABRT, 0, SI_TKILL_, 4242);
	struct image img = build_core(c);
	struct hc_core *core = open_core(&img);
	const struct hc_core_siginfo *s = hc_core_siginfo(core);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(s->signo, SIGABRT);
	ck_assert_int_eq(s->code, SI_TKILL_);
	ck_assert_int_eq(s->sender_pid, 4242);
	ck_assert_uint_eq(s->addr, 0);
	// No PRPSINFO in this core.
	ck_assert_ptr_null(hc_core_prpsinfo(core));
	hc_core_destroy(core);
	free(img.data);
	testelf_core_destroy(c);
}
END_TEST

/* qemu-user's cores (the arm64 fixtures) have no NT_SIGINFO: the signal
 * comes from the first thread's pr_cursig, its code and sender unknown. */
START_TEST(test_core_siginfo_from_prstatus)
{
	struct testelf_core *c = testelf_core_create(EM_AARCH64);
	uint64_t regs[TESTELF_ARM64_NREGS] = {0};
	testelf_core_add_prstatus(c, 7, SIGABRT, regs, TESTELF_ARM64_NREGS);
	testelf_core_add_prstatus(c, 8, SIGSEGV, regs, TESTELF_ARM64_NREGS);
	struct image img = build_core(c);
	struct hc_core *core = open_core(&img);
	const struct hc_core_siginfo *s = hc_core_siginfo(core);
	ck_assert_ptr_nonnull(s);
	ck_assert(s->from_prstatus);
	ck_assert_int_eq(s->signo, SIGABRT);
	ck_assert_int_eq(s->code, 0);
	ck_assert_int_eq(s->sender_pid, 0);
	ck_assert_uint_eq(s->addr, 0);
	hc_core_destroy(core);
	free(img.data);
	testelf_core_destroy(c);
}
END_TEST

/* A first thread without a signal (pr_cursig 0) says no signal. */
START_TEST(test_core_siginfo_none_without_cursig)
{
	struct testelf_core *c = testelf_core_create(EM_AARCH64);
	uint64_t regs[TESTELF_ARM64_NREGS] = {0};
	testelf_core_add_prstatus(c, 7, 0, regs, TESTELF_ARM64_NREGS);
	testelf_core_add_prstatus(c, 8, SIGSEGV, regs, TESTELF_ARM64_NREGS);
	struct image img = build_core(c);
	struct hc_core *core = open_core(&img);
	ck_assert_ptr_null(hc_core_siginfo(core));
	hc_core_destroy(core);
	free(img.data);
	testelf_core_destroy(c);
}
END_TEST

START_TEST(test_core_auxv)
{
	struct testelf_core *c = standard_core();
	struct image img = build_core(c);
	struct hc_core *core = open_core(&img);
	uint64_t v;
	ck_assert(hc_core_auxv(core, AT_ENTRY, &v));
	ck_assert_uint_eq(v, 0x401000);
	ck_assert(hc_core_auxv(core, AT_PHDR, &v));
	ck_assert_uint_eq(v, 0x400040);
	ck_assert(hc_core_auxv(core, AT_PAGESZ, &v));
	ck_assert_uint_eq(v, 4096);
	ck_assert(!hc_core_auxv(core, AT_BASE, &v));
	hc_core_destroy(core);
	free(img.data);
	testelf_core_destroy(c);
}
END_TEST

START_TEST(test_core_file_note)
{
	struct testelf_core *c = standard_core();
	struct image img = build_core(c);
	struct hc_core *core = open_core(&img);
	size_t n;
	const struct hc_core_mapping *m = hc_core_mappings(core, &n);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(m[0].start, 0x400000);
	ck_assert_uint_eq(m[0].end, 0x402000);
	ck_assert_uint_eq(m[0].file_offset, 0);
	ck_assert_str_eq(m[0].path, "/srv/bin/myprog");
	ck_assert_uint_eq(m[1].file_offset, 2 * 4096);
	ck_assert_uint_eq(m[2].file_offset, 3 * 4096);
	ck_assert_str_eq(m[2].path, "/lib/libc.so.6");
	ck_assert_str_eq(hc_core_exe_path(core), "/srv/bin/myprog");
	uint64_t base;
	ck_assert(hc_core_exe_base(core, &base));
	ck_assert_uint_eq(base, 0x400000);
	hc_core_destroy(core);
	free(img.data);
	testelf_core_destroy(c);
}
END_TEST

START_TEST(test_core_file_note_lying_count)
{
	// count says 2^60 entries but the note holds one entry and one path.
	uint8_t d[16 + 24 + 8];
	uint64_t w[5] = {UINT64_C(1) << 60, 4096, 0x1000, 0x2000, 1};
	memcpy(d, w, sizeof(w));
	memcpy(d + 40, "/a/b\0\0\0", 8);
	struct testelf_core *c = testelf_core_create(EM_X86_64);
	testelf_core_add_note(c, "CORE", 0x46494c45, d, sizeof(d));
	struct image img = build_core(c);
	struct hc_core *core = open_core(&img);
	size_t n;
	const struct hc_core_mapping *m = hc_core_mappings(core, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(m[0].start, 0x1000);
	ck_assert_uint_eq(m[0].file_offset, 4096);
	ck_assert_str_eq(m[0].path, "/a/b");
	// No auxv: the executable is unknown.
	ck_assert_ptr_null(hc_core_exe_path(core));
	uint64_t base;
	ck_assert(!hc_core_exe_base(core, &base));
	hc_core_destroy(core);
	free(img.data);
	testelf_core_destroy(c);
}
END_TEST

START_TEST(test_core_file_note_unterminated_path)
{
	// One entry; the path runs to the end of the note without a NUL.
	uint8_t d[16 + 24 + 4];
	uint64_t w[5] = {1, 4096, 0x1000, 0x2000, 0};
	memcpy(d, w, sizeof(w));
	memcpy(d + 40, "/abc", 4);
	struct testelf_core *c = testelf_core_create(EM_X86_64);
	testelf_core_add_note(c, "CORE", 0x46494c45, d, sizeof(d));
	struct image img = build_core(c);
	struct hc_core *core = open_core(&img);
	size_t n;
	const struct hc_core_mapping *m = hc_core_mappings(core, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(m[0].path, "/abc");
	hc_core_destroy(core);
	free(img.data);
	testelf_core_destroy(c);
}
END_TEST

START_TEST(test_core_notes_other_owner_ignored)
{
	// A "GNU" note of type 1 is not an NT_PRSTATUS.
	uint8_t d[336] = {0};
	struct testelf_core *c = testelf_core_create(EM_X86_64);
	testelf_core_add_note(c, "GNU", NT_PRSTATUS, d, sizeof(d));
	struct image img = build_core(c);
	struct hc_core *core = open_core(&img);
	size_t n;
	hc_core_threads(core, &n);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(hc_core_siginfo(core));
	hc_core_destroy(core);
	free(img.data);
	testelf_core_destroy(c);
}
END_TEST

START_TEST(test_core_notes_delve_dump)
{
	// Delve's `dump` (v1.27, linux/amd64): the kernel's notes with no
	// owner name at all, after its own "Delve Header" note.
	static const char header[] =
		"linux/amd64\n1.27.2\nTarget Pid: 77\nEntry Point: 0x401000\n";
	struct testelf_core *c = testelf_core_create(EM_X86_64);
	testelf_core_add_note(c, "Delve Header", 0x444C5645, header,
			      sizeof(header) - 1);
	uint8_t ps[136] = {0};
	int32_t pid = 77;
	memcpy(ps + 24, &pid, 4);
	memcpy(ps + 40, "server", 6);
	testelf_core_add_note(c, NULL, NT_PRPSINFO, ps, sizeof(ps));
	for (int32_t tid = 77; tid < 79; tid++) {
		uint8_t d[336] = {0};
		uint64_t rip = 0x401000 + (uint64_t)tid;
		memcpy(d + 32, &tid, 4);
		memcpy(d + 112 + 16 * 8, &rip, 8);
		testelf_core_add_note(c, NULL, NT_PRSTATUS, d, sizeof(d));
	}
	// Still ignored: a desc too short to be an NT_PRSTATUS.
	uint8_t shortd[16] = {0};
	testelf_core_add_note(c, NULL, NT_PRSTATUS, shortd, sizeof(shortd));
	struct image img = build_core(c);
	struct hc_core *core = open_core(&img);
	size_t n;
	const struct hc_core_thread *t = hc_core_threads(core, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(t[0].tid, 77);
	ck_assert_int_eq(t[1].tid, 78);
	const struct hc_core_prpsinfo *p = hc_core_prpsinfo(core);
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p->fname, "server");
	hc_core_destroy(core);
	free(img.data);
	testelf_core_destroy(c);
}
END_TEST

/* ---------------------------------------------------------------- segments */

START_TEST(test_core_segments_sorted)
{
	struct testelf_core *c = standard_core();
	struct image img = build_core(c);
	struct hc_core *core = open_core(&img);
	size_t n;
	const struct hc_core_segment *s = hc_core_segments(core, &n);
	ck_assert_uint_eq(n, 4);
	ck_assert_uint_eq(s[0].vaddr, 0x1000);
	ck_assert_uint_eq(s[1].vaddr, 0x2000);
	ck_assert_uint_eq(s[2].vaddr, 0x5000);
	ck_assert_uint_eq(s[3].vaddr, 0x10000);
	ck_assert_uint_eq(s[2].memsz, 0x2000);
	ck_assert_uint_eq(s[2].filesz, 0x800);
	ck_assert_uint_eq(s[2].avail, 0x800);
	ck_assert_uint_eq(s[3].filesz, 0);
	ck_assert_uint_eq(s[3].flags, PF_R | PF_X);
	ck_assert_uint_eq(s[0].offset, testelf_core_load_offset(c, 1));

	ck_assert_ptr_eq(hc_core_segment_for(core, 0x1000), &s[0]);
	ck_assert_ptr_eq(hc_core_segment_for(core, 0x1fff), &s[0]);
	ck_assert_ptr_eq(hc_core_segment_for(core, 0x2000), &s[1]);
	ck_assert_ptr_null(hc_core_segment_for(core, 0x3000));
	ck_assert_ptr_null(hc_core_segment_for(core, 0xfff));
	ck_assert_ptr_null(hc_core_segment_for(core, 0));
	ck_assert_ptr_eq(hc_core_segment_for(core, 0x6fff), &s[2]);
	ck_assert_ptr_null(hc_core_segment_for(core, 0x7000));
	ck_assert_ptr_eq(hc_core_segment_for(core, 0x10fff), &s[3]);
	ck_assert_ptr_null(hc_core_segment_for(core, 0x11000));
	ck_assert_ptr_null(hc_core_segment_for(core, UINT64_MAX));
	uint64_t exp, act;
	ck_assert(!hc_core_truncation(core, &exp, &act));
	ck_assert_uint_eq(exp, img.size);
	ck_assert_uint_eq(act, img.size);
	hc_core_destroy(core);
	free(img.data);
	testelf_core_destroy(c);
}
END_TEST

START_TEST(test_core_read_across_segments)
{
	struct testelf_core *c = standard_core();
	struct image img = build_core(c);
	struct hc_core *core = open_core(&img);
	uint8_t want[0x200], got[0x200];
	uint8_t seg1[0x1000], seg2[0x1000];
	fill_pattern(seg1, sizeof(seg1), 1);
	fill_pattern(seg2, sizeof(seg2), 2);
	memcpy(want, seg1 + 0x1000 - 0x100, 0x100);
	memcpy(want + 0x100, seg2, 0x100);
	ck_assert_ptr_null(hc_core_read(core, 0x1f00, got, sizeof(got)));
	ck_assert_mem_eq(got, want, sizeof(got));
	// Zero copy only inside one segment.
	ck_assert_ptr_null(hc_core_ptr(core, 0x1f00, 0x200));
	const uint8_t *p = hc_core_ptr(core, 0x1f00, 0x100);
	ck_assert_ptr_nonnull(p);
	ck_assert_mem_eq(p, seg1 + 0xf00, 0x100);
	ck_assert_ptr_null(hc_core_read(core, 0x1000, got, 0));
	hc_core_destroy(core);
	free(img.data);
	testelf_core_destroy(c);
}
END_TEST

START_TEST(test_core_read_fault_address)
{
	struct testelf_core *c = standard_core();
	struct image img = build_core(c);
	struct hc_core *core = open_core(&img);
	uint8_t buf[0x100];
	// Running off the end of 0x2000..0x3000 into the gap.
	assert_fault(hc_core_read(core, 0x2f80, buf, 0x100), 0x3000);
	// Unmapped.
	assert_fault(hc_core_read(core, 0x4000, buf, 8), 0x4000);
	assert_fault(hc_core_read(core, 0, buf, 8), 0);
	// Not dumped (p_filesz 0).
	struct hc_error *err = hc_core_read(core, 0x10010, buf, 8);
	ck_assert_ptr_nonnull(err);
	ck_assert_ptr_nonnull(strstr(err->message, "not dumped"));
	assert_fault(err, 0x10010);
	// Past p_filesz inside a segment.
	assert_fault(hc_core_read(core, 0x57f0, buf, 0x20), 0x5800);
	ck_assert_ptr_null(hc_core_ptr(core, 0x57f0, 0x20));
	ck_assert_ptr_nonnull(hc_core_ptr(core, 0x57f0, 0x10));
	// The end of the address space.
	assert_fault(hc_core_read(core, UINT64_MAX - 3, buf, 8),
		     UINT64_MAX - 3);
	hc_core_destroy(core);
	free(img.data);
	testelf_core_destroy(c);
}
END_TEST

START_TEST(test_core_overflowing_segment)
{
	// A segment whose vaddr + memsz wraps: clamped, and readable.
	struct testelf_core *c = testelf_core_create(EM_X86_64);
	uint8_t b[16] = {1, 2, 3};
	testelf_core_add_load(c, UINT64_MAX - 15, 0x1000, PF_R, b, 16);
	struct image img = build_core(c);
	struct hc_core *core = open_core(&img);
	uint8_t got[3];
	ck_assert_ptr_null(hc_core_read(core, UINT64_MAX - 15, got, 3));
	ck_assert_mem_eq(got, b, 3);
	uint8_t last;
	ck_assert_ptr_nonnull(hc_core_segment_for(core, UINT64_MAX - 1));
	ck_assert_ptr_null(hc_core_read(core, UINT64_MAX - 1, &last, 1));
	hc_core_destroy(core);
	free(img.data);
	testelf_core_destroy(c);
}
END_TEST

/* ---------------------------------------------------------------- errors */

START_TEST(test_core_not_elf)
{
	static const char text[] = "this is not an ELF file at all";
	assert_error(open_core_error(text, sizeof(text)), HC_ERROR_ELF,
		     "not an ELF file");
	assert_error(open_core_error("", 0), HC_ERROR_ELF, "not an ELF file");
}
END_TEST

START_TEST(test_core_not_a_core)
{
	struct testelf_exe *e = testelf_exe_create(EM_X86_64, ET_EXEC, 0x401000);
	struct image img;
	img.data = testelf_exe_build(e, &img.size);
	assert_error(open_core_error(img.data, img.size), HC_ERROR_UNSUPPORTED,
		     "not a core file (ET_EXEC)");
	set_u16(img.data + offsetof(Elf64_Ehdr, e_type), ET_DYN);
	assert_error(open_core_error(img.data, img.size), HC_ERROR_UNSUPPORTED,
		     "not a core file (ET_DYN)");
	free(img.data);
	testelf_exe_destroy(e);
}
END_TEST

START_TEST(test_core_32bit)
{
	struct testelf_core *c = standard_core();
	struct image img = build_core(c);
	img.data[EI_CLASS] = ELFCLASS32;
	assert_error(open_core_error(img.data, img.size), HC_ERROR_UNSUPPORTED,
		     "32-bit ELF not supported");
	free(img.data);
	testelf_core_destroy(c);
}
END_TEST

START_TEST(test_core_big_endian)
{
	struct testelf_core *c = standard_core();
	struct image img = build_core(c);
	img.data[EI_DATA] = ELFDATA2MSB;
	assert_error(open_core_error(img.data, img.size), HC_ERROR_UNSUPPORTED,
		     "big-endian not supported");
	free(img.data);
	testelf_core_destroy(c);
}
END_TEST

START_TEST(test_core_wrong_machine)
{
	struct testelf_core *c = testelf_core_create(EM_RISCV);
	struct image img = build_core(c);
	assert_error(open_core_error(img.data, img.size), HC_ERROR_UNSUPPORTED,
		     "core of unsupported architecture (machine 243)");
	free(img.data);
	testelf_core_destroy(c);
}
END_TEST

START_TEST(test_core_bad_phentsize)
{
	struct testelf_core *c = standard_core();
	struct image img = build_core(c);
	set_u16(img.data + offsetof(Elf64_Ehdr, e_phentsize), 32);
	assert_error(open_core_error(img.data, img.size), HC_ERROR_BAD_DATA,
		     "program header size");
	free(img.data);
	testelf_core_destroy(c);
}
END_TEST

START_TEST(test_core_truncated_in_elf_header)
{
	struct testelf_core *c = standard_core();
	struct image img = build_core(c);
	assert_error(open_core_error(img.data, 40), HC_ERROR_BAD_DATA,
		     "truncated ELF header");
	assert_error(open_core_error(img.data, 10), HC_ERROR_BAD_DATA,
		     "truncated ELF header");
	free(img.data);
	testelf_core_destroy(c);
}
END_TEST

START_TEST(test_core_truncated_in_program_headers)
{
	struct testelf_core *c = standard_core();
	struct image img = build_core(c);
	size_t cut = sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Phdr) + 10;
	assert_error(open_core_error(img.data, cut), HC_ERROR_BAD_DATA,
		     "truncated core: program headers");
	free(img.data);
	testelf_core_destroy(c);
}
END_TEST

START_TEST(test_core_truncated_in_notes)
{
	struct testelf_core *c = standard_core();
	struct image img = build_core(c);
	// Cut inside the second NT_PRSTATUS: the first thread is there, the
	// rest of the notes are not trusted, no memory is readable.
	size_t note1 = 12 + 8 + 336;
	size_t cut = testelf_core_notes_offset(c) + note1 + 100;
	struct hc_core *core = open_core(&(struct image){img.data, cut});
	size_t n;
	const struct hc_core_thread *t = hc_core_threads(core, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(t[0].tid, 101);
	ck_assert_ptr_null(hc_core_prpsinfo(core));
	// NT_SIGINFO was cut off: the signal is the first thread's pr_cursig.
	const struct hc_core_siginfo *si = hc_core_siginfo(core);
	ck_assert_ptr_nonnull(si);
	ck_assert(si->from_prstatus);
	ck_assert_int_eq(si->signo, SIGSEGV);
	ck_assert_uint_eq(si->addr, 0);
	uint64_t exp, act;
	ck_assert(hc_core_truncation(core, &exp, &act));
	ck_assert_uint_eq(exp, img.size);
	ck_assert_uint_eq(act, cut);
	const struct hc_core_segment *s = hc_core_segments(core, &n);
	ck_assert_uint_eq(n, 4);
	ck_assert_uint_eq(s[0].avail, 0);
	ck_assert_uint_eq(s[0].filesz, 0x1000);
	uint8_t b[8];
	struct hc_error *err = hc_core_read(core, 0x1000, b, 8);
	ck_assert_ptr_nonnull(err);
	ck_assert_ptr_nonnull(strstr(err->message, "truncated"));
	assert_fault(err, 0x1000);
	hc_core_destroy(core);
	free(img.data);
	testelf_core_destroy(c);
}
END_TEST

START_TEST(test_core_truncated_in_load)
{
	struct testelf_core *c = standard_core();
	struct image img = build_core(c);
	// Load 1 (0x1000) is the second in the file; cut 0x300 bytes into it.
	size_t cut = testelf_core_load_offset(c, 1) + 0x300;
	struct hc_core *core = open_core(&(struct image){img.data, cut});
	size_t n;
	hc_core_threads(core, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_ptr_nonnull(hc_core_siginfo(core));
	uint64_t exp, act;
	ck_assert(hc_core_truncation(core, &exp, &act));
	ck_assert_uint_eq(exp, img.size);
	ck_assert_uint_eq(act, cut);
	const struct hc_core_segment *s = hc_core_segment_for(core, 0x1000);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(s->avail, 0x300);
	ck_assert_uint_eq(s->filesz, 0x1000);
	uint8_t seg1[0x1000], got[0x100];
	fill_pattern(seg1, sizeof(seg1), 1);
	ck_assert_ptr_null(hc_core_read(core, 0x1200, got, 0x100));
	ck_assert_mem_eq(got, seg1 + 0x200, 0x100);
	assert_fault(hc_core_read(core, 0x1200, got, 0x101), 0x1300);
	// The segment before it in the file (0x2000) is whole.
	ck_assert_ptr_null(hc_core_read(core, 0x2000, got, 0x100));
	hc_core_destroy(core);
	free(img.data);
	testelf_core_destroy(c);
}
END_TEST

START_TEST(test_core_lying_note_size)
{
	// A note whose descsz runs past the PT_NOTE: skipped, no crash.
	uint8_t d[8] = {0};
	struct testelf_core *c = testelf_core_create(EM_X86_64);
	testelf_core_add_siginfo(c, SIGABRT, 0, 0, 1);
	testelf_core_add_note(c, "CORE", NT_AUXV, d, sizeof(d));
	struct image img = build_core(c);
	size_t off = testelf_core_notes_offset(c) + 12 + 8 + 128;
	uint32_t huge = 0xfffffff0;
	memcpy(img.data + off + 4, &huge, 4);
	struct hc_core *core = open_core(&img);
	ck_assert_ptr_nonnull(hc_core_siginfo(core));
	uint64_t v;
	ck_assert(!hc_core_auxv(core, AT_ENTRY, &v));
	hc_core_destroy(core);
	free(img.data);
	testelf_core_destroy(c);
}
END_TEST

START_TEST(test_core_pn_xnum)
{
	// e_phnum == PN_XNUM: the real count is in section 0's sh_info.
	struct testelf_core *c = standard_core();
	struct image img = build_core(c);
	size_t shoff = (img.size + 7) & ~(size_t)7;
	img.data = realloc(img.data, shoff + sizeof(Elf64_Shdr));
	memset(img.data + img.size, 0, shoff + sizeof(Elf64_Shdr) - img.size);
	Elf64_Shdr sh0 = {.sh_info = 5}; // PT_NOTE + 4 PT_LOAD
	memcpy(img.data + shoff, &sh0, sizeof(sh0));
	img.size = shoff + sizeof(Elf64_Shdr);
	Elf64_Ehdr eh;
	memcpy(&eh, img.data, sizeof(eh));
	eh.e_phnum = PN_XNUM;
	eh.e_shoff = shoff;
	eh.e_shnum = 0;
	eh.e_shentsize = sizeof(Elf64_Shdr);
	memcpy(img.data, &eh, sizeof(eh));
	struct hc_core *core = open_core(&img);
	size_t n;
	hc_core_segments(core, &n);
	ck_assert_uint_eq(n, 4);
	hc_core_threads(core, &n);
	ck_assert_uint_eq(n, 2);
	hc_core_destroy(core);
	// Without the section header: an error, not a guess.
	eh.e_shoff = img.size;
	memcpy(img.data, &eh, sizeof(eh));
	assert_error(open_core_error(img.data, img.size), HC_ERROR_BAD_DATA,
		     "PN_XNUM");
	free(img.data);
	testelf_core_destroy(c);
}
END_TEST

/* Use everything a core offers; the values do not matter, only no crash. */
static void exercise(struct hc_core *core)
{
	size_t n;
	const struct hc_core_segment *segs = hc_core_segments(core, &n);
	uint8_t buf[64];
	for (size_t i = 0; i < n; i++) {
		hc_error_destroy(hc_core_read(core, segs[i].vaddr, buf, 64));
		hc_core_ptr(core, segs[i].vaddr + segs[i].memsz - 1, 8);
	}
	hc_core_threads(core, &n);
	hc_core_mappings(core, &n);
	hc_core_exe_path(core);
	uint8_t *id;
	size_t len;
	struct hc_error *err = hc_core_exe_build_id(core, &id, &len);
	if (!err)
		free(id);
	hc_error_destroy(err);
	char *go;
	err = hc_core_exe_go_build_id(core, &go);
	if (!err)
		free(go);
	hc_error_destroy(err);
}

START_TEST(test_core_truncated_everywhere)
{
	// Cut the core at every length: each one opens or fails cleanly.
	struct testelf_exe *e = go_like_exe(ET_EXEC, 0x400000);
	struct image exe_img;
	exe_img.data = testelf_exe_build(e, &exe_img.size);
	struct testelf_core *c = core_for_exe(&exe_img, 0x400000, 0x1000);
	struct image img = build_core(c);
	size_t opened = 0;
	for (size_t cut = 0; cut <= img.size; cut += cut < 0x2000 ? 1 : 61) {
		uint8_t *copy = malloc(cut ? cut : 1);
		memcpy(copy, img.data, cut);
		struct hc_file *file;
		ck_assert_ptr_null(hc_file_open_memory(copy, cut, "cut", &file));
		struct hc_core *core;
		struct hc_error *err = hc_core_open(file, &core);
		if (err) {
			ck_assert(err->code == HC_ERROR_ELF ||
				  err->code == HC_ERROR_BAD_DATA);
			hc_error_destroy(err);
		} else {
			opened++;
			ck_assert(hc_core_truncation(core, NULL, NULL) ==
				  (cut < img.size));
			exercise(core);
			hc_core_destroy(core);
		}
		free(copy);
	}
	ck_assert_uint_gt(opened, 100);
	free(img.data);
	testelf_core_destroy(c);
	free(exe_img.data);
	testelf_exe_destroy(e);
}
END_TEST

START_TEST(test_core_corrupted_bytes)
{
	// Flip bytes all over the headers and notes (fixed seed).
	struct testelf_exe *e = go_like_exe(ET_EXEC, 0x400000);
	struct image exe_img;
	exe_img.data = testelf_exe_build(e, &exe_img.size);
	struct testelf_core *c = core_for_exe(&exe_img, 0x400000, 0x1000);
	struct image img = build_core(c);
	size_t span = testelf_core_load_offset(c, 0) + 0x1000;
	uint64_t seed = 12345;
	uint8_t *copy = malloc(img.size);
	for (int round = 0; round < 3000; round++) {
		memcpy(copy, img.data, img.size);
		for (int k = 0; k < 4; k++) {
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			size_t at = (size_t)(seed >> 33) % span;
			copy[at] = (uint8_t)(seed >> 13);
		}
		struct hc_file *file;
		ck_assert_ptr_null(
			hc_file_open_memory(copy, img.size, "flip", &file));
		struct hc_core *core;
		struct hc_error *err = hc_core_open(file, &core);
		if (err) {
			hc_error_destroy(err);
			continue;
		}
		exercise(core);
		hc_core_destroy(core);
	}
	free(copy);
	free(img.data);
	testelf_core_destroy(c);
	free(exe_img.data);
	testelf_exe_destroy(e);
}
END_TEST

/* ---------------------------------------------------------------- compressed input */

static void check_compressed(compress_fn fn, enum hc_compression want)
{
	struct testelf_core *c = standard_core();
	struct image img = build_core(c);
	size_t zn;
	uint8_t *z = fn(img.data, img.size, &zn);
	ck_assert_int_eq(hc_file_detect(z, zn), want);

	// From memory.
	struct hc_file *file;
	struct hc_error *err = hc_file_open_memory(z, zn, "mem", &file);
	ck_assert_msg(!err, "%s", err ? err->message : "");
	ck_assert_int_eq(file->compression, want);
	ck_assert_uint_eq(file->size, img.size);
	ck_assert_uint_eq(file->disk_size, zn);
	ck_assert_mem_eq(file->data, img.data, img.size);
	struct hc_core *core;
	ck_assert_ptr_null(hc_core_open(file, &core));
	size_t n;
	hc_core_threads(core, &n);
	ck_assert_uint_eq(n, 2);
	hc_core_destroy(core);

	// From a file whose name says nothing of the compression.
	char *path = write_temp(z, zn);
	err = hc_core_open_path(path, &core);
	ck_assert_msg(!err, "%s", err ? err->message : "");
	ck_assert_int_eq(hc_core_file(core)->compression, want);
	ck_assert_str_eq(hc_core_file(core)->path, path);
	uint8_t seg1[0x1000], got[16];
	fill_pattern(seg1, sizeof(seg1), 1);
	ck_assert_ptr_null(hc_core_read(core, 0x1000, got, 16));
	ck_assert_mem_eq(got, seg1, 16);
	hc_core_destroy(core);

	// Limits: a size limit below the content is an error, not a crash.
	err = hc_file_open(path, 1000, &file);
	assert_error(err, HC_ERROR_UNSUPPORTED, "limit");

	// Corrupt: flip bytes in the middle; truncated: cut in half.
	uint8_t *bad = malloc(zn);
	memcpy(bad, z, zn);
	for (size_t i = zn / 2; i < zn / 2 + 16 && i < zn; i++)
		bad[i] ^= 0x5a;
	err = hc_file_open_memory(bad, zn, "bad", &file);
	if (!err) {
		// gzip/zstd may decode garbage; then the content differs or
		// the checksum catches it. It must at least not match.
		ck_assert(file->size != img.size ||
			  memcmp(file->data, img.data, img.size));
		hc_file_destroy(file);
	} else {
		ck_assert_int_eq(err->code, HC_ERROR_BAD_DATA);
		hc_error_destroy(err);
	}
	// Truncated (issue 24 item 10, compressed-core-truncated): what
	// decodes is kept, a prefix of the content, and said truncated, as a
	// truncated plain core is; an error only when nothing decodes.
	err = hc_file_open_memory(z, zn / 2, "half", &file);
	if (!err) {
		ck_assert(file->stream_truncated);
		ck_assert_uint_lt(file->size, img.size);
		ck_assert(!memcmp(file->data, img.data, file->size));
		hc_file_destroy(file);
	} else {
		ck_assert_int_eq(err->code, HC_ERROR_BAD_DATA);
		ck_assert_ptr_nonnull(strstr(err->message, "truncated"));
		hc_error_destroy(err);
	}
	err = hc_file_open_memory(z, zn, "whole", &file);
	ck_assert_ptr_null(err);
	ck_assert(!file->stream_truncated);
	hc_file_destroy(file);

	free(bad);
	unlink(path);
	free(path);
	free(z);
	free(img.data);
	testelf_core_destroy(c);
}

START_TEST(test_core_compressed_xz)
{
	check_compressed(compress_xz, HC_COMPRESSION_XZ);
}
END_TEST

START_TEST(test_core_compressed_zstd)
{
	check_compressed(compress_zstd, HC_COMPRESSION_ZSTD);
}
END_TEST

START_TEST(test_core_compressed_gzip)
{
	check_compressed(compress_gzip, HC_COMPRESSION_GZIP);
}
END_TEST

START_TEST(test_core_compressed_large_grows)
{
	// 24 MiB of compressible data: the output buffer must grow.
	size_t n = 24 << 20;
	uint8_t *big = malloc(n);
	for (size_t i = 0; i < n; i++)
		big[i] = (uint8_t)(i / 4096);
	compress_fn fns[] = {compress_xz, compress_zstd, compress_gzip};
	for (size_t k = 0; k < 3; k++) {
		size_t zn;
		uint8_t *z = fns[k](big, n, &zn);
		struct hc_file *file;
		struct hc_error *err = hc_file_open_memory(z, zn, "big", &file);
		ck_assert_msg(!err, "%s", err ? err->message : "");
		ck_assert_uint_eq(file->size, n);
		ck_assert_mem_eq(file->data, big, n);
		hc_file_destroy(file);
		err = hc_file_open_memory_limit(z, zn, "big", n - 1, &file);
		assert_error(err, HC_ERROR_UNSUPPORTED, "limit");
		free(z);
	}
	free(big);
}
END_TEST

/* 24 MiB: every other MiB zero, the rest a pattern; not page-aligned. */
static uint8_t *half_zero(size_t *n_ret)
{
	size_t n = (24 << 20) + 123;
	uint8_t *p = calloc(1, n);
	for (size_t i = 0; i < n; i++) {
		if ((i >> 20) & 1)
			p[i] = (uint8_t)(i * 7 + 1);
	}
	*n_ret = n;
	return p;
}

static size_t dir_entries(const char *dir)
{
	DIR *d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	}
	closedir(d);
	return n;
}

START_TEST(test_core_compressed_to_disk)
{
	// A compressed file is decompressed into an unlinked, sparse file
	// in $TMPDIR, through a window smaller than the content.
	size_t n;
	uint8_t *big = half_zero(&n);
	char *tmp = tmp_dir();
	ck_assert_int_eq(setenv("TMPDIR", tmp, 1), 0);
	compress_fn fns[] = {compress_xz, compress_zstd, compress_gzip};
	char *in_dir = NULL;
	for (size_t k = 0; k < 3; k++) {
		size_t zn;
		uint8_t *z = fns[k](big, n, &zn);
		char *path = write_temp(z, zn);
		struct hc_file *file;
		struct hc_error *err = hc_file_open(path, 0, &file);
		ck_assert_msg(!err, "%s", err ? err->message : "");
		ck_assert_uint_eq(file->size, n);
		ck_assert_mem_eq(file->data, big, n);
		ck_assert_str_eq(file->spool_dir, tmp);
		// Sparse: the zero half takes no disk (a page of slack per
		// MiB for file systems that round).
		ck_assert_uint_le(file->spool_disk, n / 2 + (13 << 12));
		ck_assert_uint_ge(file->spool_disk, n / 2 - (1 << 20));
		// Unlinked: nothing in the folder but the input.
		ck_assert_uint_eq(dir_entries(tmp), 1);
		hc_file_destroy(file);
		// The limit is the decompressed size, on disk as in memory.
		err = hc_file_open(path, n - 1, &file);
		assert_error(err, HC_ERROR_UNSUPPORTED, "limit");
		ck_assert_uint_eq(dir_entries(tmp), 1);
		unlink(path);
		free(path);
		free(z);
	}
	// A zstd frame that ends exactly where the 256 KiB window does (a
	// core of a whole number of windows) is complete, not "truncated".
	for (size_t k = 0; k < 2; k++) {
		size_t m = (size_t)8 << 20, mzn;
		uint8_t *mz = compress_zstd(big, m, &mzn);
		char *mpath = write_temp(mz, mzn);
		struct hc_file *mf;
		struct hc_error *merr = k ? hc_file_open(mpath, 0, &mf) :
				     hc_file_open_memory(mz, mzn, "m", &mf);
		ck_assert_msg(!merr, "%s", merr ? merr->message : "");
		ck_assert_uint_eq(mf->size, m);
		ck_assert_mem_eq(mf->data, big, m);
		hc_file_destroy(mf);
		unlink(mpath);
		free(mpath);
		free(mz);
	}
	// A $TMPDIR that cannot take the file: an OS error that says where.
	size_t zn;
	uint8_t *z = compress_zstd(big, n, &zn);
	char *path = write_temp(z, zn);
	ck_assert_int_ge(asprintf(&in_dir, "%s/missing", tmp), 0);
	ck_assert_int_eq(setenv("TMPDIR", in_dir, 1), 0);
	struct hc_file *file;
	struct hc_error *err = hc_file_open(path, 0, &file);
	assert_error(err, HC_ERROR_OS, in_dir);
	unlink(path);
	rmdir(tmp);
	free(path);
	free(in_dir);
	free(z);
	free(tmp);
	free(big);
}
END_TEST

/* Open "-" with @p data (a pipe's contents) on standard input. */
static struct hc_error *open_stdin(const void *data, size_t n,
				   struct hc_file **ret)
{
	char *path = write_temp(data, n);
	int fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(dup2(fd, STDIN_FILENO), STDIN_FILENO);
	close(fd);
	unlink(path);
	free(path);
	return hc_file_open("-", 0, ret);
}

START_TEST(test_core_file_stdin)
{
	size_t n;
	uint8_t *big = half_zero(&n);
	struct hc_file *file;
	// Plain.
	struct hc_error *err = open_stdin(big, n, &file);
	ck_assert_msg(!err, "%s", err ? err->message : "");
	ck_assert_int_eq(file->compression, HC_COMPRESSION_NONE);
	ck_assert_str_eq(file->path, "-");
	ck_assert_uint_eq(file->size, n);
	ck_assert_mem_eq(file->data, big, n);
	ck_assert_ptr_nonnull(file->spool_dir);
	hc_file_destroy(file);
	// Compressed, detected by content.
	size_t zn;
	uint8_t *z = compress_zstd(big, n, &zn);
	err = open_stdin(z, zn, &file);
	ck_assert_msg(!err, "%s", err ? err->message : "");
	ck_assert_int_eq(file->compression, HC_COMPRESSION_ZSTD);
	ck_assert_uint_eq(file->disk_size, zn);
	ck_assert_uint_eq(file->size, n);
	ck_assert_mem_eq(file->data, big, n);
	hc_file_destroy(file);
	// Empty, and a core through a pipe parses like one from a file.
	err = open_stdin("", 0, &file);
	ck_assert_msg(!err, "%s", err ? err->message : "");
	ck_assert_uint_eq(file->size, 0);
	hc_file_destroy(file);
	struct testelf_core *c = standard_core();
	struct image img = build_core(c);
	ck_assert_ptr_null(open_stdin(img.data, img.size, &file));
	struct hc_core *core;
	ck_assert_ptr_null(hc_core_open(file, &core));
	size_t threads;
	hc_core_threads(core, &threads);
	ck_assert_uint_eq(threads, 2);
	// No executable beside "-": only what the core names.
	char **paths;
	size_t np;
	ck_assert_ptr_null(hc_core_executable_candidates(core, "-", &paths, &np));
	for (size_t i = 0; i < np; i++) {
		ck_assert_ptr_nonnull(strchr(paths[i], '/'));
		free(paths[i]);
	}
	free(paths);
	hc_core_destroy(core);
	free(img.data);
	testelf_core_destroy(c);
	free(z);
	free(big);
}
END_TEST

START_TEST(test_core_file_plain_and_errors)
{
	struct testelf_core *c = standard_core();
	struct image img = build_core(c);
	// A plain file named like a compressed one is read as it is.
	char *dir = tmp_dir();
	char *path;
	ck_assert_int_ge(asprintf(&path, "%s/core.xz", dir), 0);
	write_file(path, img.data, img.size);
	struct hc_file *file;
	ck_assert_ptr_null(hc_file_open(path, 0, &file));
	ck_assert_int_eq(file->compression, HC_COMPRESSION_NONE);
	ck_assert_str_eq(hc_compression_name(file->compression), "none");
	ck_assert_uint_eq(file->size, img.size);
	ck_assert_mem_eq(file->data, img.data, img.size);
	hc_file_destroy(file);
	unlink(path);
	// Missing file: OS error with the path and errno.
	struct hc_error *err = hc_file_open(path, 0, &file);
	ck_assert_ptr_nonnull(err);
	ck_assert_int_eq(err->errnum, ENOENT);
	assert_error(err, HC_ERROR_OS, path);
	// A directory.
	assert_error(hc_file_open(dir, 0, &file), HC_ERROR_OS,
		     "not a regular file");
	rmdir(dir);
	free(path);
	free(dir);
	ck_assert_str_eq(hc_compression_name(HC_COMPRESSION_ZSTD), "zstd");
	ck_assert_int_eq(hc_file_detect("\x1f\x8b", 2), HC_COMPRESSION_GZIP);
	ck_assert_int_eq(hc_file_detect("\x1f", 1), HC_COMPRESSION_NONE);
	free(img.data);
	testelf_core_destroy(c);
}
END_TEST

/* ---------------------------------------------------------------- the executable */

static const char go_id[] = "abcDEF123/ghiJKL456/mnoPQR789/stuVWX000";
static const uint8_t gnu_id[20] = {0x70, 0xe4, 0x6d, 0x31, 0x4c, 0x68, 0xe5,
				   0x1e, 0x7f, 0x23, 0xdc, 0xee, 0xd5, 0x47,
				   0x59, 0xfc, 0xa6, 0x6d, 0xf0, 0xa6};

/*
 * An executable shaped like Go's: headers and notes mapped at @p base by
 * the first PT_LOAD (link address @p link_base: 0x400000 for ET_EXEC, 0
 * for PIE), text at link_base+0x1000, data with bss at link_base+0x10000,
 * a TLS segment, symbols, a compressed section.
 */
static struct testelf_exe *go_like_exe(uint16_t type, uint64_t link_base)
{
	struct testelf_exe *e = testelf_exe_create(EM_X86_64, type,
						   link_base + 0x1000);
	testelf_exe_set_header_load(e, link_base);
	testelf_exe_add_note_section(e, ".note.go.buildid", "Go", 4, go_id,
				     strlen(go_id));
	testelf_exe_add_note_section(e, ".note.gnu.build-id", "GNU", 3, gnu_id,
				     sizeof(gnu_id));
	uint8_t text[0x2000];
	fill_pattern(text, sizeof(text), 0x30);
	testelf_exe_add_load(e, link_base + 0x1000, sizeof(text), PF_R | PF_X,
			     text, sizeof(text));
	uint8_t data[0x100];
	fill_pattern(data, sizeof(data), 0x60);
	testelf_exe_add_load(e, link_base + 0x10000, 0x1000, PF_R | PF_W, data,
			     sizeof(data));
	testelf_exe_add_phdr(e, PT_TLS, link_base + 0x10000, 0x10, 0);
	testelf_exe_add_section(e, ".text", SHT_PROGBITS,
				SHF_ALLOC | SHF_EXECINSTR, link_base + 0x1000,
				text, sizeof(text));
	testelf_exe_add_section(e, ".bss", SHT_NOBITS, SHF_ALLOC | SHF_WRITE,
				link_base + 0x10100, NULL, 0xf00);
	char dbg[5000];
	for (size_t i = 0; i < sizeof(dbg); i++)
		dbg[i] = "debug info "[i % 11];
	testelf_exe_add_compressed_section(e, ".debug_info", dbg, sizeof(dbg));
	testelf_exe_add_symbol(e, "runtime.allgs", link_base + 0x10010, 24,
			       STT_OBJECT);
	testelf_exe_add_symbol(e, "main.main", link_base + 0x1100, 0x80,
			       STT_FUNC);
	return e;
}

static struct hc_elffile *open_exe(const struct image *img)
{
	struct hc_file *file;
	ck_assert_ptr_null(
		hc_file_open_memory(img->data, img->size, "test-exe", &file));
	struct hc_elffile *f;
	struct hc_error *err = hc_elffile_open(file, &f);
	ck_assert_msg(!err, "%s", err ? err->message : "");
	return f;
}

START_TEST(test_core_elffile_basics)
{
	struct testelf_exe *e = go_like_exe(ET_EXEC, 0x400000);
	struct image img;
	img.data = testelf_exe_build(e, &img.size);
	struct hc_elffile *f = open_exe(&img);
	ck_assert_int_eq(hc_elffile_arch(f), HC_ARCH_AMD64);
	ck_assert_uint_eq(hc_elffile_type(f), ET_EXEC);
	ck_assert_uint_eq(hc_elffile_entry(f), 0x401000);
	ck_assert_ptr_nonnull(hc_elffile_elf(f));
	ck_assert_ptr_nonnull(hc_elffile_file(f));
	size_t n;
	const struct hc_elf_segment *s = hc_elffile_segments(f, &n);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(s[0].vaddr, 0x400000);
	ck_assert_uint_eq(s[0].offset, 0);
	ck_assert_uint_eq(s[1].vaddr, 0x401000);
	ck_assert_uint_eq(s[2].memsz, 0x1000);
	ck_assert_uint_eq(s[2].filesz, 0x100);
	struct hc_elf_segment tls;
	ck_assert(hc_elffile_tls(f, &tls));
	ck_assert_uint_eq(tls.memsz, 0x10);

	ck_assert_str_eq(hc_elffile_go_build_id(f), go_id);
	const uint8_t *id;
	size_t len;
	ck_assert(hc_elffile_gnu_build_id(f, &id, &len));
	ck_assert_uint_eq(len, 20);
	ck_assert_mem_eq(id, gnu_id, 20);

	ck_assert(hc_elffile_has_symtab(f));
	uint64_t v, sz;
	ck_assert_ptr_null(hc_elffile_symbol(f, "runtime.allgs", &v, &sz));
	ck_assert_uint_eq(v, 0x410010);
	ck_assert_uint_eq(sz, 24);
	ck_assert_ptr_null(hc_elffile_symbol(f, "main.main", &v, &sz));
	ck_assert_uint_eq(v, 0x401100);
	assert_error(hc_elffile_symbol(f, "main.nothere", &v, &sz),
		     HC_ERROR_NOT_FOUND, "main.nothere");

	// Reads by link-time address: file bytes, bss zeros, FAULT outside.
	uint8_t text[0x2000], data[0x100], got[0x200];
	fill_pattern(text, sizeof(text), 0x30);
	fill_pattern(data, sizeof(data), 0x60);
	ck_assert_ptr_null(hc_elffile_read(f, 0x401ff0, got, 0x20));
	ck_assert_mem_eq(got, text + 0xff0, 0x20);
	ck_assert_ptr_null(hc_elffile_read(f, 0x4100f0, got, 0x20));
	ck_assert_mem_eq(got, data + 0xf0, 0x10);
	for (int i = 0x10; i < 0x20; i++)
		ck_assert_uint_eq(got[i], 0);
	assert_fault(hc_elffile_read(f, 0x410ff0, got, 0x20), 0x411000);
	assert_fault(hc_elffile_read(f, 0x900000, got, 1), 0x900000);
	ck_assert_ptr_nonnull(hc_elffile_ptr(f, 0x401000, 0x2000));
	ck_assert_ptr_null(hc_elffile_ptr(f, 0x401000, 0x2001));
	ck_assert_ptr_null(hc_elffile_ptr(f, 0x410100, 1)); // bss
	hc_elffile_destroy(f);
	free(img.data);
	testelf_exe_destroy(e);
}
END_TEST

START_TEST(test_core_elffile_sections)
{
	struct testelf_exe *e = go_like_exe(ET_EXEC, 0x400000);
	struct image img;
	img.data = testelf_exe_build(e, &img.size);
	struct hc_elffile *f = open_exe(&img);
	const struct hc_elf_section *s;
	ck_assert_ptr_null(hc_elffile_section(f, ".text", &s));
	ck_assert_str_eq(s->name, ".text");
	ck_assert_uint_eq(s->addr, 0x401000);
	ck_assert_uint_eq(s->data_size, 0x2000);
	ck_assert_ptr_null(hc_elffile_section(f, ".bss", &s));
	ck_assert_ptr_null(s->data);
	ck_assert_uint_eq(s->size, 0xf00);
	ck_assert_uint_eq(s->type, SHT_NOBITS);
	// The compressed section comes back decompressed, and cached.
	ck_assert_ptr_null(hc_elffile_section(f, ".debug_info", &s));
	ck_assert_uint_eq(s->data_size, 5000);
	ck_assert_uint_eq(s->size, 5000);
	ck_assert(!(s->flags & SHF_COMPRESSED));
	ck_assert_mem_eq(s->data, "debug info debug info ", 22);
	ck_assert_int_eq(s->data[4999], "debug info "[4999 % 11]);
	const struct hc_elf_section *again;
	ck_assert_ptr_null(hc_elffile_section(f, ".debug_info", &again));
	ck_assert_ptr_eq(again, s);
	assert_error(hc_elffile_section(f, ".debug_line", &s),
		     HC_ERROR_NOT_FOUND, ".debug_line");
	hc_elffile_destroy(f);
	free(img.data);
	testelf_exe_destroy(e);
}
END_TEST

START_TEST(test_core_elffile_corrupt_compressed_section)
{
	struct testelf_exe *e = testelf_exe_create(EM_AARCH64, ET_DYN, 0);
	char dbg[300] = "abc";
	testelf_exe_add_compressed_section(e, ".debug_info", dbg, sizeof(dbg));
	struct image img;
	img.data = testelf_exe_build(e, &img.size);
	// Claim a bigger decompressed size than the data gives.
	uint8_t *chdr = memmem(img.data, img.size,
			       &(Elf64_Chdr){.ch_type = ELFCOMPRESS_ZLIB,
					     .ch_size = 300,
					     .ch_addralign = 1},
			       sizeof(Elf64_Chdr));
	ck_assert_ptr_nonnull(chdr);
	uint64_t big = 100000;
	memcpy(chdr + offsetof(Elf64_Chdr, ch_size), &big, 8);
	struct hc_elffile *f = open_exe(&img);
	ck_assert_int_eq(hc_elffile_arch(f), HC_ARCH_ARM64);
	ck_assert_uint_eq(hc_elffile_type(f), ET_DYN);
	const struct hc_elf_section *s;
	assert_error(hc_elffile_section(f, ".debug_info", &s),
		     HC_ERROR_BAD_DATA, "corrupt");
	// An absurd size is refused before allocating.
	hc_elffile_destroy(f);
	big = UINT64_C(1) << 50;
	memcpy(chdr + offsetof(Elf64_Chdr, ch_size), &big, 8);
	f = open_exe(&img);
	assert_error(hc_elffile_section(f, ".debug_info", &s),
		     HC_ERROR_BAD_DATA, "too large");
	// No symbols at all.
	uint64_t v;
	ck_assert(!hc_elffile_has_symtab(f));
	assert_error(hc_elffile_symbol(f, "main.main", &v, NULL),
		     HC_ERROR_NOT_FOUND, "no .symtab");
	ck_assert_ptr_null(hc_elffile_go_build_id(f));
	const uint8_t *id;
	size_t len;
	ck_assert(!hc_elffile_gnu_build_id(f, &id, &len));
	hc_elffile_destroy(f);
	free(img.data);
	testelf_exe_destroy(e);
}
END_TEST

START_TEST(test_core_elffile_refuses)
{
	struct hc_file *file;
	struct hc_elffile *f;
	struct testelf_core *c = standard_core();
	struct image img = build_core(c);
	ck_assert_ptr_null(hc_file_open_memory(img.data, img.size, "x", &file));
	assert_error(hc_elffile_open(file, &f), HC_ERROR_UNSUPPORTED,
		     "this is a core file, not an executable");
	img.data[EI_CLASS] = ELFCLASS32;
	ck_assert_ptr_null(hc_file_open_memory(img.data, img.size, "x", &file));
	assert_error(hc_elffile_open(file, &f), HC_ERROR_UNSUPPORTED, "32-bit");
	ck_assert_ptr_null(hc_file_open_memory("nope", 4, "x", &file));
	assert_error(hc_elffile_open(file, &f), HC_ERROR_ELF, "not an ELF file");
	free(img.data);
	testelf_core_destroy(c);

	struct testelf_exe *e = testelf_exe_create(EM_386, ET_EXEC, 0);
	img.data = testelf_exe_build(e, &img.size);
	ck_assert_ptr_null(hc_file_open_memory(img.data, img.size, "x", &file));
	assert_error(hc_elffile_open(file, &f), HC_ERROR_UNSUPPORTED,
		     "machine 3");
	free(img.data);
	testelf_exe_destroy(e);
}
END_TEST

START_TEST(test_core_elffile_compressed_file)
{
	struct testelf_exe *e = go_like_exe(ET_EXEC, 0x400000);
	struct image img;
	img.data = testelf_exe_build(e, &img.size);
	size_t zn;
	uint8_t *z = compress_xz(img.data, img.size, &zn);
	char *path = write_temp(z, zn);
	struct hc_elffile *f;
	struct hc_error *err = hc_elffile_open_path(path, &f);
	ck_assert_msg(!err, "%s", err ? err->message : "");
	ck_assert_int_eq(hc_elffile_file(f)->compression, HC_COMPRESSION_XZ);
	ck_assert_str_eq(hc_elffile_go_build_id(f), go_id);
	const struct hc_elf_section *s;
	ck_assert_ptr_null(hc_elffile_section(f, ".debug_info", &s));
	ck_assert_uint_eq(s->data_size, 5000);
	hc_elffile_destroy(f);
	unlink(path);
	free(path);
	// Uncompressed from disk: mapped, and libelf may write its private
	// copy (elf_compress), which must not fault.
	path = write_temp(img.data, img.size);
	ck_assert_ptr_null(hc_elffile_open_path(path, &f));
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(hc_elffile_elf(f), scn))) {
		GElf_Shdr sh;
		gelf_getshdr(scn, &sh);
		if (sh.sh_flags & SHF_COMPRESSED)
			ck_assert_int_eq(elf_compress(scn, 0, 0), 1);
	}
	hc_elffile_destroy(f);
	// The file on disk is unchanged.
	struct hc_file *file;
	ck_assert_ptr_null(hc_file_open(path, 0, &file));
	ck_assert_mem_eq(file->data, img.data, img.size);
	hc_file_destroy(file);
	unlink(path);
	free(path);
	free(z);
	free(img.data);
	testelf_exe_destroy(e);
}
END_TEST

START_TEST(test_core_elffile_truncated_everywhere)
{
	// Cut the executable at many lengths: opens or fails cleanly, and
	// whatever opens answers every query without crashing.
	struct testelf_exe *e = go_like_exe(ET_EXEC, 0x400000);
	struct image img;
	img.data = testelf_exe_build(e, &img.size);
	for (size_t cut = 0; cut <= img.size; cut += cut < 0x400 ? 1 : 97) {
		uint8_t *copy = malloc(cut ? cut : 1);
		memcpy(copy, img.data, cut);
		struct hc_file *file;
		ck_assert_ptr_null(hc_file_open_memory(copy, cut, "cut", &file));
		struct hc_elffile *f;
		struct hc_error *err = hc_elffile_open(file, &f);
		if (err) {
			hc_error_destroy(err);
			free(copy);
			continue;
		}
		const struct hc_elf_section *sec;
		hc_error_destroy(hc_elffile_section(f, ".debug_info", &sec));
		hc_error_destroy(hc_elffile_section(f, ".text", &sec));
		uint64_t v;
		hc_error_destroy(hc_elffile_symbol(f, "main.main", &v, NULL));
		uint8_t buf[32];
		hc_error_destroy(hc_elffile_read(f, 0x401000, buf, sizeof(buf)));
		hc_elffile_go_build_id(f);
		hc_elffile_destroy(f);
		free(copy);
	}
	free(img.data);
	testelf_exe_destroy(e);
}
END_TEST

/* ---------------------------------------------------------------- core + executable */

/*
 * A core of the executable @p exe_img mapped at @p base: the kernel dumped
 * the first @p dumped bytes of the header page (0: not dumped), the text
 * is not dumped, the data segment is, with bytes "written" by the program.
 */
static struct testelf_core *core_for_exe(const struct image *exe_img,
					 uint64_t base, size_t dumped)
{
	struct testelf_core *c = testelf_core_create(EM_X86_64);
	uint64_t regs[TESTELF_AMD64_NREGS] = {0};
	regs[TESTELF_AMD64_RIP] = base + 0x1100;
	testelf_core_add_prstatus(c, 1, SIGABRT, regs, TESTELF_AMD64_NREGS);
	testelf_core_add_prpsinfo(c, 1, 0, 0, 0, 'R', "myprog", "myprog");
	uint64_t auxv[] = {AT_ENTRY, base + 0x1000, AT_PHDR, base + 64};
	testelf_core_add_auxv(c, auxv, 2);
	struct testelf_file_map maps[] = {
		{base + 0x1000, base + 0x3000, 1, "/build/myprog"},
		{base, base + 0x1000, 0, "/build/myprog"},
		{base + 0x10000, base + 0x11000, 16, "/build/myprog"},
	};
	testelf_core_add_file_note(c, 4096, maps, 3);
	uint8_t page[0x1000] = {0};
	if (dumped)
		memcpy(page, exe_img->data,
		       dumped < exe_img->size ? dumped : exe_img->size);
	testelf_core_add_load(c, base, 0x1000, PF_R, page, dumped);
	testelf_core_add_load(c, base + 0x1000, 0x2000, PF_R | PF_X, NULL, 0);
	uint8_t data[0x1000];
	fill_pattern(data, sizeof(data), 0x99);
	testelf_core_add_load(c, base + 0x10000, 0x1000, PF_R | PF_W, data,
			      sizeof(data));
	return c;
}

static void check_build_ids(uint16_t type, uint64_t link_base, uint64_t base)
{
	struct testelf_exe *e = go_like_exe(type, link_base);
	struct image exe_img;
	exe_img.data = testelf_exe_build(e, &exe_img.size);
	struct testelf_core *c = core_for_exe(&exe_img, base, 0x1000);
	struct image img = build_core(c);
	struct hc_core *core = open_core(&img);
	ck_assert_str_eq(hc_core_exe_path(core), "/build/myprog");
	uint64_t b;
	ck_assert(hc_core_exe_base(core, &b));
	ck_assert_uint_eq(b, base);
	uint8_t *id;
	size_t len;
	struct hc_error *err = hc_core_exe_build_id(core, &id, &len);
	ck_assert_msg(!err, "%s", err ? err->message : "");
	ck_assert_uint_eq(len, sizeof(gnu_id));
	ck_assert_mem_eq(id, gnu_id, len);
	free(id);
	char *go;
	err = hc_core_exe_go_build_id(core, &go);
	ck_assert_msg(!err, "%s", err ? err->message : "");
	ck_assert_str_eq(go, go_id);
	free(go);
	hc_core_destroy(core);
	free(img.data);
	testelf_core_destroy(c);
	free(exe_img.data);
	testelf_exe_destroy(e);
}

START_TEST(test_core_build_id_from_core_memory)
{
	check_build_ids(ET_EXEC, 0x400000, 0x400000);
}
END_TEST

START_TEST(test_core_build_id_from_core_memory_pie)
{
	check_build_ids(ET_DYN, 0, 0x555555554000);
}
END_TEST

START_TEST(test_core_build_id_not_dumped)
{
	struct testelf_exe *e = go_like_exe(ET_EXEC, 0x400000);
	struct image exe_img;
	exe_img.data = testelf_exe_build(e, &exe_img.size);
	// Only the ELF header is there: the program headers are not.
	struct testelf_core *c = core_for_exe(&exe_img, 0x400000, 64);
	struct image img = build_core(c);
	struct hc_core *core = open_core(&img);
	uint8_t *id;
	size_t len;
	assert_error(hc_core_exe_build_id(core, &id, &len), HC_ERROR_NOT_FOUND,
		     "GNU build-id");
	char *go;
	assert_error(hc_core_exe_go_build_id(core, &go), HC_ERROR_NOT_FOUND,
		     "Go build id");
	hc_core_destroy(core);
	free(img.data);
	testelf_core_destroy(c);
	// Nothing of the header page dumped.
	c = core_for_exe(&exe_img, 0x400000, 0);
	img = build_core(c);
	core = open_core(&img);
	assert_error(hc_core_exe_build_id(core, &id, &len), HC_ERROR_NOT_FOUND,
		     "ELF header");
	hc_core_destroy(core);
	free(img.data);
	testelf_core_destroy(c);
	free(exe_img.data);
	testelf_exe_destroy(e);
}
END_TEST

static void check_aspace(uint16_t type, uint64_t link_base, uint64_t base)
{
	struct testelf_exe *e = go_like_exe(type, link_base);
	struct image exe_img;
	exe_img.data = testelf_exe_build(e, &exe_img.size);
	struct testelf_core *c = core_for_exe(&exe_img, base, 0x1000);
	struct image img = build_core(c);
	struct hc_core *core = open_core(&img);
	struct hc_elffile *f = open_exe(&exe_img);
	struct hc_aspace *as;
	uint64_t bias = base - link_base;
	ck_assert_ptr_null(hc_aspace_create(core, f, bias, &as));

	uint8_t text[0x2000], data[0x1000], got[0x40];
	fill_pattern(text, sizeof(text), 0x30);
	fill_pattern(data, sizeof(data), 0x99);
	// Text: not dumped in the core (p_filesz 0), read from the exe.
	ck_assert_ptr_null(hc_aspace_read(as, base + 0x1100, got, 0x40));
	ck_assert_mem_eq(got, text + 0x100, 0x40);
	ck_assert(hc_aspace_readable(as, base + 0x2fff));
	const uint8_t *p = hc_aspace_ptr(as, base + 0x1000, 0x2000);
	ck_assert_ptr_nonnull(p);
	ck_assert_mem_eq(p, text, 0x2000);
	// Header page from the core, then text from the exe, in one read.
	ck_assert_ptr_null(hc_aspace_read(as, base + 0xfe0, got, 0x40));
	ck_assert_mem_eq(got, exe_img.data + 0xfe0, 0x20);
	ck_assert_mem_eq(got + 0x20, text, 0x20);
	ck_assert_ptr_null(hc_aspace_ptr(as, base + 0xfe0, 0x40));
	// Data: the core's bytes win over the exe's initial values.
	ck_assert_ptr_null(hc_aspace_read(as, base + 0x10000, got, 0x40));
	ck_assert_mem_eq(got, data, 0x40);
	uint64_t v64;
	ck_assert_ptr_null(hc_aspace_read_u64(as, base + 0x10008, &v64));
	uint64_t want64;
	memcpy(&want64, data + 8, 8);
	ck_assert_uint_eq(v64, want64);
	uint32_t v32;
	ck_assert_ptr_null(hc_aspace_read_u32(as, base + 0x10001, &v32));
	ck_assert_uint_eq(v32, (uint32_t)data[1] | (uint32_t)data[2] << 8 |
				       (uint32_t)data[3] << 16 |
				       (uint32_t)data[4] << 24);
	uint16_t v16;
	ck_assert_ptr_null(hc_aspace_read_u16(as, base + 0x1000, &v16));
	ck_assert_uint_eq(v16, (uint16_t)(text[0] | text[1] << 8));
	uint8_t v8;
	ck_assert_ptr_null(hc_aspace_read_u8(as, base + 0x1001, &v8));
	ck_assert_uint_eq(v8, text[1]);
	// FAULT: a read running from text into the unmapped gap.
	assert_fault(hc_aspace_read(as, base + 0x2ff0, got, 0x20),
		     base + 0x3000);
	assert_fault(hc_aspace_read_u64(as, base + 0x20000, &v64),
		     base + 0x20000);
	ck_assert(!hc_aspace_readable(as, base + 0x3000));
	// Strings.
	char *s;
	ck_assert_ptr_null(hc_aspace_read_bytes(as, base + 0x1000, 16, 100, &s));
	ck_assert_mem_eq(s, text, 16);
	ck_assert_int_eq(s[16], '\0');
	free(s);
	assert_error(hc_aspace_read_bytes(as, base + 0x1000, 101, 100, &s),
		     HC_ERROR_BAD_DATA, "longer than");
	assert_fault(hc_aspace_read_bytes(as, base + 0x2ff0, 32, 100, &s),
		     base + 0x3000);
	hc_aspace_destroy(as);

	// Without the executable, text is a FAULT.
	ck_assert_ptr_null(hc_aspace_create(core, NULL, 0, &as));
	assert_fault(hc_aspace_read(as, base + 0x1100, got, 8), base + 0x1100);
	ck_assert_ptr_null(hc_aspace_read(as, base + 0x10000, got, 8));
	hc_aspace_destroy(as);

	hc_elffile_destroy(f);
	hc_core_destroy(core);
	free(img.data);
	testelf_core_destroy(c);
	free(exe_img.data);
	testelf_exe_destroy(e);
}

START_TEST(test_core_aspace_exe_fallback)
{
	check_aspace(ET_EXEC, 0x400000, 0x400000);
}
END_TEST

START_TEST(test_core_aspace_exe_fallback_pie)
{
	check_aspace(ET_DYN, 0, 0x555555554000);
}
END_TEST

START_TEST(test_core_aspace_truncated_writable)
{
	// The data segment cut off by truncation: its bytes are NOT taken
	// from the exe (the initial .data would be a lie): FAULT.
	struct testelf_exe *e = go_like_exe(ET_EXEC, 0x400000);
	struct image exe_img;
	exe_img.data = testelf_exe_build(e, &exe_img.size);
	struct testelf_core *c = core_for_exe(&exe_img, 0x400000, 0x1000);
	struct image img = build_core(c);
	size_t cut = testelf_core_load_offset(c, 2) + 0x10;
	struct hc_core *core = open_core(&(struct image){img.data, cut});
	struct hc_elffile *f = open_exe(&exe_img);
	struct hc_aspace *as;
	ck_assert_ptr_null(hc_aspace_create(core, f, 0, &as));
	uint8_t got[0x20];
	assert_fault(hc_aspace_read(as, 0x410000, got, 0x20), 0x410010);
	hc_aspace_destroy(as);
	hc_elffile_destroy(f);
	hc_core_destroy(core);
	free(img.data);
	testelf_core_destroy(c);
	free(exe_img.data);
	testelf_exe_destroy(e);
}
END_TEST

START_TEST(test_core_executable_candidates)
{
	struct testelf_exe *e = go_like_exe(ET_EXEC, 0x400000);
	struct image exe_img;
	exe_img.data = testelf_exe_build(e, &exe_img.size);
	struct testelf_core *c = core_for_exe(&exe_img, 0x400000, 0x1000);
	struct image img = build_core(c);
	char *dir = tmp_dir();
	char *core_path, *exe_xz, *exe_named, *exe_zst;
	ck_assert_int_ge(asprintf(&core_path, "%s/core", dir), 0);
	ck_assert_int_ge(asprintf(&exe_xz, "%s/exe.xz", dir), 0);
	ck_assert_int_ge(asprintf(&exe_zst, "%s/exe.zst", dir), 0);
	ck_assert_int_ge(asprintf(&exe_named, "%s/myprog", dir), 0);
	write_file(core_path, img.data, img.size);
	write_file(exe_named, exe_img.data, exe_img.size);
	write_file(exe_zst, "x", 1);
	size_t zn;
	uint8_t *z = compress_xz(exe_img.data, exe_img.size, &zn);
	write_file(exe_xz, z, zn);
	free(z);

	struct hc_core *core;
	ck_assert_ptr_null(hc_core_open_path(core_path, &core));
	char **paths;
	size_t n;
	ck_assert_ptr_null(
		hc_core_executable_candidates(core, core_path, &paths, &n));
	// /build/myprog does not exist here: skipped.
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(paths[0], exe_xz);
	ck_assert_str_eq(paths[1], exe_zst);
	ck_assert_str_eq(paths[2], exe_named);
	// The first candidate is the right executable.
	struct hc_elffile *f;
	ck_assert_ptr_null(hc_elffile_open_path(paths[0], &f));
	char *go;
	ck_assert_ptr_null(hc_core_exe_go_build_id(core, &go));
	ck_assert_str_eq(go, hc_elffile_go_build_id(f));
	free(go);
	hc_elffile_destroy(f);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	// With the core's path unknown, the file's own path is used.
	ck_assert_ptr_null(hc_core_executable_candidates(core, NULL, &paths, &n));
	ck_assert_uint_eq(n, 3);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	hc_core_destroy(core);

	unlink(exe_xz);
	unlink(exe_zst);
	unlink(exe_named);
	ck_assert_ptr_null(hc_core_open_path(core_path, &core));
	ck_assert_ptr_null(
		hc_core_executable_candidates(core, core_path, &paths, &n));
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(paths);
	hc_core_destroy(core);
	unlink(core_path);
	rmdir(dir);
	free(core_path);
	free(exe_xz);
	free(exe_zst);
	free(exe_named);
	free(dir);
	free(img.data);
	testelf_core_destroy(c);
	free(exe_img.data);
	testelf_exe_destroy(e);
}
END_TEST

/* ---------------------------------------------------------------- a real Go core */

/* Every corefiles/<version>/gallery/ with a core.xz; NULL-terminated. */
static char **real_core_dirs(void)
{
	const char *top = getenv("top_srcdir");
	char *pattern;
	ck_assert_int_ge(asprintf(&pattern, "%s/corefiles/*/gallery/core.xz",
				  top ? top : "."),
			 0);
	glob_t g;
	char **dirs = calloc(1, sizeof(*dirs));
	if (glob(pattern, 0, NULL, &g) == 0) {
		dirs = realloc(dirs, (g.gl_pathc + 1) * sizeof(*dirs));
		size_t n = 0;
		for (size_t i = 0; i < g.gl_pathc; i++) {
			if (testelf_fixture_stripped(g.gl_pathv[i]))
				continue;
			dirs[n] = strdup(g.gl_pathv[i]);
			*strrchr(dirs[n++], '/') = '\0';
		}
		dirs[n] = NULL;
		globfree(&g);
	}
	free(pattern);
	return dirs;
}

static void check_real_core(const char *dir)
{
	char *core_path, *exe_path;
	ck_assert_int_ge(asprintf(&core_path, "%s/core.xz", dir), 0);
	ck_assert_int_ge(asprintf(&exe_path, "%s/exe.xz", dir), 0);
	struct hc_core *core;
	struct hc_error *err = hc_core_open_path(core_path, &core);
	ck_assert_msg(!err, "%s", err ? err->message : "");
	ck_assert_int_eq(hc_core_file(core)->compression, HC_COMPRESSION_XZ);
	ck_assert_msg(!hc_core_truncation(core, NULL, NULL), "%s truncated",
		      core_path);
	size_t n;
	const struct hc_core_thread *t = hc_core_threads(core, &n);
	ck_assert_msg(n > 0, "%s: no threads", core_path);
	// GOTRACEBACK=crash: the runtime re-raises SIGABRT.
	ck_assert_msg(t[0].cursig == SIGABRT, "%s: cursig %d", core_path,
		      t[0].cursig);
	ck_assert_ptr_nonnull(hc_core_segment_for(core, t[0].sp));
	const struct hc_core_siginfo *si = hc_core_siginfo(core);
	ck_assert_ptr_nonnull(si);
	ck_assert_int_eq(si->signo, SIGABRT);
	// qemu-user's cores (the arm64 fixtures) have no NT_FILE: no file
	// names, no executable path. The kernel's always have one.
	size_t nm;
	const struct hc_core_mapping *m = hc_core_mappings(core, &nm);
	bool qemu = nm == 0;
	if (qemu)
		ck_assert_msg(hc_core_arch(core) == HC_ARCH_ARM64,
			      "%s: an amd64 core without NT_FILE", core_path);
	const char *exe = hc_core_exe_path(core);
	const struct hc_core_prpsinfo *ps = hc_core_prpsinfo(core);
	ck_assert_ptr_nonnull(ps);
	if (!qemu) {
		ck_assert_msg(exe && *exe, "%s: no executable path", core_path);
		bool seen = false;
		for (size_t i = 0; i < nm; i++)
			seen |= !strcmp(m[i].path, exe);
		ck_assert(seen);
		ck_assert_str_eq(ps->fname,
				 strrchr(exe, '/') ? strrchr(exe, '/') + 1 : exe);
	} else {
		ck_assert_ptr_null(exe);
		ck_assert_str_eq(ps->fname, "prog");
	}

	struct hc_elffile *f;
	err = hc_elffile_open_path(exe_path, &f);
	ck_assert_msg(!err, "%s", err ? err->message : "");
	ck_assert_int_eq(hc_elffile_arch(f), hc_core_arch(core));
	const char *go = hc_elffile_go_build_id(f);
	ck_assert_ptr_nonnull(go);
	char *core_go;
	err = hc_core_exe_go_build_id(core, &core_go);
	if (qemu) {
		// Which file is the executable is unknown, and qemu does not
		// dump its header page either: no build id to read.
		ck_assert_ptr_nonnull(err);
		ck_assert_int_eq(err->code, HC_ERROR_NOT_FOUND);
		hc_error_destroy(err);
		core_go = strdup(go);
		err = NULL;
	}
	ck_assert_msg(!err, "%s: %s", core_path, err ? err->message : "");
	ck_assert_str_eq(core_go, go);
	free(core_go);
	const uint8_t *gnu;
	size_t gnu_len;
	uint8_t *id;
	size_t len;
	err = hc_core_exe_build_id(core, &id, &len);
	if (qemu) {
		ck_assert_ptr_nonnull(err);
		ck_assert_int_eq(err->code, HC_ERROR_NOT_FOUND);
		hc_error_destroy(err);
	} else if (hc_elffile_gnu_build_id(f, &gnu, &gnu_len)) {
		ck_assert_msg(!err, "%s: %s", core_path, err ? err->message : "");
		ck_assert_uint_eq(len, gnu_len);
		ck_assert_mem_eq(id, gnu, len);
		free(id);
	} else {
		// Go before 1.24 writes no GNU build-id by default.
		ck_assert_ptr_nonnull(err);
		ck_assert_int_eq(err->code, HC_ERROR_NOT_FOUND);
		hc_error_destroy(err);
	}
	// The entry point's code is read through the address space from the
	// executable (the default coredump_filter does not dump text).
	// A PIE's load bias is AT_ENTRY minus the ELF entry (Go links PIEs
	// at 0x400000 like ET_EXEC, so the bias is not the mapping base); the
	// lowest mapping of the executable is its first PT_LOAD plus the bias.
	uint64_t entry, base;
	ck_assert(hc_core_auxv(core, AT_ENTRY, &entry));
	uint64_t bias = hc_elffile_type(f) == ET_DYN ? entry - hc_elffile_entry(f) : 0;
	if (hc_elffile_type(f) == ET_DYN)
		ck_assert_msg(bias != 0, "%s: a PIE loaded at its link address", core_path);
	size_t nseg;
	const struct hc_elf_segment *seg = hc_elffile_segments(f, &nseg);
	ck_assert_uint_gt(nseg, 0);
	if (!qemu) {
		ck_assert(hc_core_exe_base(core, &base));
		ck_assert_uint_eq(base, (seg[0].vaddr & ~(uint64_t)0xfff) + bias);
	} else {
		ck_assert(!hc_core_exe_base(core, &base));
	}
	struct hc_aspace *as;
	ck_assert_ptr_null(hc_aspace_create(core, f, bias, &as));
	uint8_t a[16], b[16];
	ck_assert_ptr_null(hc_aspace_read(as, entry, a, sizeof(a)));
	ck_assert_ptr_null(hc_elffile_read(f, entry - bias, b, sizeof(b)));
	ck_assert_mem_eq(a, b, sizeof(a));
	// And the runtime's symbols are there.
	uint64_t v;
	ck_assert_ptr_null(hc_elffile_symbol(f, "runtime.allgs", &v, NULL));
	ck_assert(hc_aspace_readable(as, v + bias));
	hc_aspace_destroy(as);
	hc_elffile_destroy(f);
	hc_core_destroy(core);
	free(core_path);
	free(exe_path);
}

START_TEST(test_core_real_go_cores)
{
	char **dirs = real_core_dirs();
	if (!dirs[0])
		fprintf(stderr, "test_core_real_go_cores: SKIP: no "
				"corefiles/*/gallery/core.xz\n");
	for (size_t i = 0; dirs[i]; i++) {
		check_real_core(dirs[i]);
		free(dirs[i]);
	}
	free(dirs);
}
END_TEST

/* ---------------------------------------------------------------- suite */

/* ---------------------------------------------------------------- cache */

/* @p n bytes of data that does not compress to nothing, @p seed apart. */
static uint8_t *cache_content(size_t n, unsigned seed)
{
	uint8_t *p = calloc(1, n);
	ck_assert_ptr_nonnull(p);
	uint32_t x = 2463534242u + seed;
	// The first half pseudo-random, the rest zero (a hole in the entry).
	for (size_t i = 0; i < n / 2; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (uint8_t)x;
	}
	return p;
}

/* The path an entry for the compressed bytes @p z has. */
static char *cache_entry(const char *dir, const uint8_t *z, size_t zn)
{
	uint8_t sum[HC_SHA256_SIZE];
	char hex[65], *path;
	hc_sha256(z, zn, sum);
	hc_sha256_hex(sum, hex);
	ck_assert_int_ge(asprintf(&path, "%s/%s.core", dir, hex), 0);
	return path;
}

/* Open @p path, check its content and what the cache did; the note. */
static char *cache_open(const char *path, const uint8_t *want, size_t n,
			enum hc_file_cache_state state)
{
	struct hc_file *file;
	struct hc_error *err = hc_file_open(path, 0, &file);
	ck_assert_msg(!err, "%s", err ? err->message : "");
	ck_assert_uint_eq(file->size, n);
	ck_assert_mem_eq(file->data, want, n);
	ck_assert_int_eq(file->cache_state, state);
	char *note = file->cache_note ? strdup(file->cache_note) : NULL;
	hc_file_destroy(file);
	return note;
}

START_TEST(test_core_cache_hit_miss_by_content)
{
	char *tmp = tmp_dir();
	ck_assert_int_eq(setenv("TMPDIR", tmp, 1), 0);
	char *dir;
	ck_assert_int_ge(asprintf(&dir, "%s/cache", tmp), 0);
	ck_assert_ptr_null(hc_file_set_cache(dir, 0));
	// Created, 0700.
	struct stat st;
	ck_assert_int_eq(stat(dir, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0700);
	size_t n = (size_t)3 << 20, zn, xn;
	uint8_t *data = cache_content(n, 1);
	uint8_t *z = compress_zstd(data, n, &zn);
	uint8_t *x = compress_xz(data, n, &xn);
	char *zpath = write_temp(z, zn), *zcopy = write_temp(z, zn);
	char *xpath = write_temp(x, xn);
	// Miss: stored, under the hash of the compressed bytes.
	ck_assert_ptr_null(cache_open(zpath, data, n, HC_FILE_CACHE_STORED));
	char *entry = cache_entry(dir, z, zn);
	ck_assert_int_eq(stat(entry, &st), 0);
	ck_assert_uint_eq(dir_entries(dir), 1);
	// Sparse: the zero half is a hole.
	ck_assert_uint_lt((uint64_t)st.st_blocks * 512, n * 3 / 4);
	// Hit, by content: the same bytes at another path too.
	ck_assert_ptr_null(cache_open(zpath, data, n, HC_FILE_CACHE_HIT));
	ck_assert_ptr_null(cache_open(zcopy, data, n, HC_FILE_CACHE_HIT));
	// The same entry with its zero blocks written out (not holes), as
	// `cp --sparse=never` makes it: the same content, still a hit.
	{
		int in = open(entry, O_RDONLY);
		ck_assert_int_ge(in, 0);
		size_t en = (size_t)st.st_size;
		uint8_t *all = malloc(en);
		ck_assert_int_eq(pread(in, all, en, 0), (ssize_t)en);
		close(in);
		char *dense;
		ck_assert_int_ge(asprintf(&dense, "%s.dense", entry), 0);
		write_file(dense, all, en);
		ck_assert_int_eq(rename(dense, entry), 0);
		struct stat dst;
		ck_assert_int_eq(stat(entry, &dst), 0);
		ck_assert_uint_ge((uint64_t)dst.st_blocks * 512, n);
		ck_assert_ptr_null(cache_open(zpath, data, n, HC_FILE_CACHE_HIT));
		free(dense);
		free(all);
	}
	// Other compressed bytes of the same content: another entry.
	ck_assert_ptr_null(cache_open(xpath, data, n, HC_FILE_CACHE_STORED));
	ck_assert_ptr_null(cache_open(xpath, data, n, HC_FILE_CACHE_HIT));
	ck_assert_uint_eq(dir_entries(dir), 2);
	// Nothing left behind in TMPDIR but the inputs and the cache.
	ck_assert_uint_eq(dir_entries(tmp), 4);
	// Off again: today's unlinked temporary file.
	ck_assert_ptr_null(hc_file_set_cache(NULL, 0));
	struct hc_file *file;
	ck_assert_ptr_null(hc_file_open(zpath, 0, &file));
	ck_assert_int_eq(file->cache_state, HC_FILE_CACHE_NONE);
	ck_assert_str_eq(file->spool_dir, tmp);
	ck_assert_mem_eq(file->data, data, n);
	hc_file_destroy(file);
	free(entry);
	free(zpath);
	free(zcopy);
	free(xpath);
	free(z);
	free(x);
	free(data);
	free(dir);
	free(tmp);
}
END_TEST

/* Overwrite @p n bytes at @p off of the file at @p path. */
static void patch_file(const char *path, off_t off, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pwrite(fd, p, n, off), (ssize_t)n);
	close(fd);
}

START_TEST(test_core_cache_corrupt_entry_ignored)
{
	char *tmp = tmp_dir();
	ck_assert_int_eq(setenv("TMPDIR", tmp, 1), 0);
	ck_assert_ptr_null(hc_file_set_cache(tmp, 0));
	size_t n = (size_t)1 << 20, zn, zn2;
	uint8_t *data = cache_content(n, 2);
	uint8_t *data2 = cache_content(n, 3);
	uint8_t *z = compress_zstd(data, n, &zn);
	uint8_t *z2 = compress_zstd(data2, n, &zn2);
	char *zpath = write_temp(z, zn), *zpath2 = write_temp(z2, zn2);
	char *entry = cache_entry(tmp, z, zn), *entry2 = cache_entry(tmp, z2, zn2);
	ck_assert_ptr_null(cache_open(zpath, data, n, HC_FILE_CACHE_STORED));
	ck_assert_ptr_null(cache_open(zpath2, data2, n, HC_FILE_CACHE_STORED));
	struct stat st;
	ck_assert_int_eq(stat(entry, &st), 0);
	off_t trailer = st.st_size - 136;
	static const struct {
		const char *what;
		off_t off; /* from the trailer's start when rel */
		bool rel;
		const char *why;
	} cases[] = {
		// A byte of the content (trailer intact): the content hash.
		{"content", 1000, false, "does not hash"},
		// A byte of a hole: the same.
		{"hole", (off_t)(3 << 18), false, "does not hash"},
		// The truncated flag: the trailer's own hash.
		{"flags", 60, true, "trailer is corrupt"},
		// The magic.
		{"magic", 0, true, "no cache trailer"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t b;
		off_t off = cases[i].off + (cases[i].rel ? trailer : 0);
		int fd = open(entry, O_RDONLY);
		ck_assert_int_eq(pread(fd, &b, 1, off), 1);
		close(fd);
		b ^= 0x40;
		patch_file(entry, off, &b, 1);
		char *note = cache_open(zpath, data, n, HC_FILE_CACHE_STORED);
		ck_assert_msg(note && strstr(note, "does not match") &&
				      strstr(note, cases[i].why) && strstr(note, entry),
			      "%s: %s", cases[i].what, note ? note : "no note");
		free(note);
		// Replaced: the next open is a hit, without a note.
		ck_assert_ptr_null(cache_open(zpath, data, n, HC_FILE_CACHE_HIT));
	}
	// Cut short, and another key's entry under this name.
	ck_assert_int_eq(truncate(entry, 100), 0);
	char *note = cache_open(zpath, data, n, HC_FILE_CACHE_STORED);
	ck_assert_ptr_nonnull(strstr(note, "shorter than its trailer"));
	free(note);
	ck_assert_int_eq(rename(entry2, entry), 0);
	note = cache_open(zpath, data, n, HC_FILE_CACHE_STORED);
	ck_assert_ptr_nonnull(strstr(note, "its key differs"));
	free(note);
	// A directory in its place cannot be replaced: an error, no wrong data.
	ck_assert_int_eq(unlink(entry), 0);
	ck_assert_int_eq(mkdir(entry, 0700), 0);
	struct hc_file *file;
	struct hc_error *err = hc_file_open(zpath, 0, &file);
	ck_assert_ptr_nonnull(err);
	hc_error_destroy(err);
	ck_assert_int_eq(rmdir(entry), 0);
	ck_assert_ptr_null(cache_open(zpath, data, n, HC_FILE_CACHE_STORED));
	ck_assert_ptr_null(hc_file_set_cache(NULL, 0));
	free(entry);
	free(entry2);
	free(zpath);
	free(zpath2);
	free(z);
	free(z2);
	free(data);
	free(data2);
	free(tmp);
}
END_TEST

static void set_age(const char *path, time_t age)
{
	struct timespec t[2];
	clock_gettime(CLOCK_REALTIME, &t[0]);
	t[0].tv_sec -= age;
	t[1] = t[0];
	ck_assert_int_eq(utimensat(AT_FDCWD, path, t, 0), 0);
}

START_TEST(test_core_cache_eviction_lru)
{
	char *tmp = tmp_dir();
	ck_assert_int_eq(setenv("TMPDIR", tmp, 1), 0);
	char *dir;
	ck_assert_int_ge(asprintf(&dir, "%s/c", tmp), 0);
	// Three entries of 512 KiB of data each (+ the hole and the
	// trailer's page): room for two.
	size_t n = (size_t)1 << 20;
	ck_assert_ptr_null(hc_file_set_cache(dir, (uint64_t)1300 << 10));
	uint8_t *data[3], *z[3];
	char *path[3], *entry[3];
	for (unsigned i = 0; i < 3; i++) {
		size_t zn;
		data[i] = cache_content(n, 10 + i);
		z[i] = compress_zstd(data[i], n, &zn);
		path[i] = write_temp(z[i], zn);
		entry[i] = cache_entry(dir, z[i], zn);
	}
	// A stale temporary file (a run that died) goes; a fresh one (a
	// run writing now) stays.
	char *stale, *fresh;
	ck_assert_int_ge(asprintf(&stale, "%s/.tmp-stale1", dir), 0);
	ck_assert_int_ge(asprintf(&fresh, "%s/.tmp-fresh1", dir), 0);
	write_file(stale, "x", 1);
	write_file(fresh, "x", 1);
	set_age(stale, 2 * 24 * 3600);
	ck_assert_ptr_null(cache_open(path[0], data[0], n, HC_FILE_CACHE_STORED));
	ck_assert_int_ne(access(stale, F_OK), 0);
	ck_assert_int_eq(access(fresh, F_OK), 0);
	unlink(fresh);
	ck_assert_ptr_null(cache_open(path[1], data[1], n, HC_FILE_CACHE_STORED));
	set_age(entry[0], 100);
	set_age(entry[1], 50);
	// The third evicts the least recently used, the first.
	ck_assert_ptr_null(cache_open(path[2], data[2], n, HC_FILE_CACHE_STORED));
	ck_assert_int_ne(access(entry[0], F_OK), 0);
	ck_assert_int_eq(access(entry[1], F_OK), 0);
	ck_assert_int_eq(access(entry[2], F_OK), 0);
	// A hit is a use: the second becomes the most recent, the third
	// goes when the first comes back.
	set_age(entry[1], 50);
	set_age(entry[2], 10);
	ck_assert_ptr_null(cache_open(path[1], data[1], n, HC_FILE_CACHE_HIT));
	ck_assert_ptr_null(cache_open(path[0], data[0], n, HC_FILE_CACHE_STORED));
	ck_assert_int_eq(access(entry[0], F_OK), 0);
	ck_assert_int_eq(access(entry[1], F_OK), 0);
	ck_assert_int_ne(access(entry[2], F_OK), 0);
	ck_assert_uint_eq(dir_entries(dir), 2);
	// An entry larger than the cap on its own is not kept (its data
	// was right all the same).
	ck_assert_ptr_null(hc_file_set_cache(dir, 4096));
	ck_assert_ptr_null(cache_open(path[2], data[2], n, HC_FILE_CACHE_STORED));
	ck_assert_uint_eq(dir_entries(dir), 0);
	ck_assert_ptr_null(hc_file_set_cache(NULL, 0));
	for (unsigned i = 0; i < 3; i++) {
		free(data[i]);
		free(z[i]);
		free(path[i]);
		free(entry[i]);
	}
	free(stale);
	free(fresh);
	free(dir);
	free(tmp);
}
END_TEST

START_TEST(test_core_cache_dir_refused)
{
	char *tmp = tmp_dir();
	char *dir;
	ck_assert_int_ge(asprintf(&dir, "%s/shared", tmp), 0);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	ck_assert_int_eq(chmod(dir, 0777), 0);
	assert_error(hc_file_set_cache(dir, 0), HC_ERROR_INVALID_ARG,
		     "others may write");
	ck_assert_int_eq(chmod(dir, 0720), 0);
	assert_error(hc_file_set_cache(dir, 0), HC_ERROR_INVALID_ARG,
		     "others may write");
	ck_assert_int_eq(chmod(dir, 0755), 0);
	ck_assert_ptr_null(hc_file_set_cache(dir, 0));
	ck_assert_ptr_null(hc_file_set_cache(NULL, 0));
	char *file;
	ck_assert_int_ge(asprintf(&file, "%s/file", tmp), 0);
	write_file(file, "x", 1);
	assert_error(hc_file_set_cache(file, 0), HC_ERROR_INVALID_ARG,
		     "not a directory");
	char *deep;
	ck_assert_int_ge(asprintf(&deep, "%s/no/such", tmp), 0);
	assert_error(hc_file_set_cache(deep, 0), HC_ERROR_OS, deep);
	free(deep);
	free(file);
	free(dir);
	free(tmp);
}
END_TEST

static Suite *core_suite(void)
{
	Suite *s = suite_create("core");
	TCase *tc = tcase_create("notes");
	tcase_add_test(tc, test_core_prstatus_amd64);
	tcase_add_test(tc, test_core_prstatus_arm64);
	tcase_add_test(tc, test_core_prstatus_short_note_skipped);
	tcase_add_test(tc, test_core_prpsinfo);
	tcase_add_test(tc, test_core_prpsinfo_unterminated_name);
	tcase_add_test(tc, test_core_siginfo_fault_address);
	tcase_add_test(tc, test_core_siginfo_tkill_sender);
	tcase_add_test(tc, test_core_siginfo_from_prstatus);
	tcase_add_test(tc, test_core_siginfo_none_without_cursig);
	tcase_add_test(tc, test_core_auxv);
	tcase_add_test(tc, test_core_file_note);
	tcase_add_test(tc, test_core_file_note_lying_count);
	tcase_add_test(tc, test_core_file_note_unterminated_path);
	tcase_add_test(tc, test_core_notes_other_owner_ignored);
	tcase_add_test(tc, test_core_notes_delve_dump);
	suite_add_tcase(s, tc);

	tc = tcase_create("segments");
	tcase_add_test(tc, test_core_segments_sorted);
	tcase_add_test(tc, test_core_read_across_segments);
	tcase_add_test(tc, test_core_read_fault_address);
	tcase_add_test(tc, test_core_overflowing_segment);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_test(tc, test_core_not_elf);
	tcase_add_test(tc, test_core_not_a_core);
	tcase_add_test(tc, test_core_32bit);
	tcase_add_test(tc, test_core_big_endian);
	tcase_add_test(tc, test_core_wrong_machine);
	tcase_add_test(tc, test_core_bad_phentsize);
	tcase_add_test(tc, test_core_truncated_in_elf_header);
	tcase_add_test(tc, test_core_truncated_in_program_headers);
	tcase_add_test(tc, test_core_truncated_in_notes);
	tcase_add_test(tc, test_core_truncated_in_load);
	tcase_add_test(tc, test_core_lying_note_size);
	tcase_add_test(tc, test_core_pn_xnum);
	tcase_add_test(tc, test_core_truncated_everywhere);
	tcase_add_test(tc, test_core_corrupted_bytes);
	suite_add_tcase(s, tc);

	tc = tcase_create("compressed");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_core_compressed_xz);
	tcase_add_test(tc, test_core_compressed_zstd);
	tcase_add_test(tc, test_core_compressed_gzip);
	tcase_add_test(tc, test_core_compressed_large_grows);
	tcase_add_test(tc, test_core_compressed_to_disk);
	tcase_add_test(tc, test_core_file_stdin);
	tcase_add_test(tc, test_core_file_plain_and_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("cache");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_core_cache_hit_miss_by_content);
	tcase_add_test(tc, test_core_cache_corrupt_entry_ignored);
	tcase_add_test(tc, test_core_cache_eviction_lru);
	tcase_add_test(tc, test_core_cache_dir_refused);
	suite_add_tcase(s, tc);

	tc = tcase_create("executable");
	tcase_add_test(tc, test_core_elffile_basics);
	tcase_add_test(tc, test_core_elffile_sections);
	tcase_add_test(tc, test_core_elffile_corrupt_compressed_section);
	tcase_add_test(tc, test_core_elffile_refuses);
	tcase_add_test(tc, test_core_elffile_compressed_file);
	tcase_add_test(tc, test_core_elffile_truncated_everywhere);
	tcase_add_test(tc, test_core_build_id_from_core_memory);
	tcase_add_test(tc, test_core_build_id_from_core_memory_pie);
	tcase_add_test(tc, test_core_build_id_not_dumped);
	tcase_add_test(tc, test_core_aspace_exe_fallback);
	tcase_add_test(tc, test_core_aspace_exe_fallback_pie);
	tcase_add_test(tc, test_core_aspace_truncated_writable);
	tcase_add_test(tc, test_core_executable_candidates);
	suite_add_tcase(s, tc);

	tc = tcase_create("real");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_core_real_go_cores);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(core_suite());
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
