/*
 * Fuzz harness 9: the runtime model without DWARF (src/go/runtime.c), as
 * a stripped executable is read: the built-in layout of a release, and
 * the searches for allm (from the threads' g), allgs (a []*g in the bss),
 * waitReasonStrings (the data section), printBacklog (the noptrbss) and
 * the g's TLS offset, over a fake core whose every byte is the fuzzer's.
 *
 * Input: byte 0 picks the release's table (go1.19 ... go1.27), byte 1 the
 * number of threads (1-4); then per thread a tid (u32), its g register
 * (r14) and fs_base (u64 each); then the memory: the data section, the
 * bss, the noptrbss (4 KiB each) and the heap (up to 36 KiB).
 */
#include "config.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "hmapcore/aspace.h"
#include "hmapcore/core.h"
#include "hmapcore/layout.h"
#include "hmapcore/runtime.h"
#include "testelf.h"

enum {
	DATA = 0x10000000,
	BSS = DATA + 0x1000,
	NOPTRBSS = BSS + 0x1000,
	HEAP = NOPTRBSS + 0x1000,
	REGION = 0x1000,
	HEAPSZ = 36 << 10,
	THREAD = 4 + 8 + 8,
};

static const int minors[] = {19, 21, 22, 23, 24, 25, 26, 27};

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	int minor = minors[data[0] % (sizeof(minors) / sizeof(minors[0]))];
	size_t nthreads = 1 + data[1] % 4;
	size_t pos = 2;
	if (size < pos + nthreads * THREAD)
		return 0;

	struct testelf_core *c = testelf_core_create(EM_X86_64);
	for (size_t i = 0; i < nthreads; i++, pos += THREAD) {
		uint64_t regs[TESTELF_AMD64_NREGS] = {0};
		int32_t tid = (int32_t)(data[pos] | data[pos + 1] << 8 |
					data[pos + 2] << 16 | (uint32_t)data[pos + 3] << 24);
		regs[TESTELF_AMD64_R14] = rd64(data + pos + 4);
		regs[TESTELF_AMD64_FS_BASE] = rd64(data + pos + 12);
		regs[TESTELF_AMD64_RIP] = 0x401000;
		testelf_core_add_prstatus(c, tid, 6, regs, TESTELF_AMD64_NREGS);
	}
	size_t memsz = size - pos;
	if (memsz > 3 * REGION + HEAPSZ)
		memsz = 3 * REGION + HEAPSZ;
	uint8_t *mem = calloc(1, 3 * REGION + HEAPSZ);
	if (!mem) {
		testelf_core_destroy(c);
		return 0;
	}
	memcpy(mem, data + pos, memsz);
	testelf_core_add_load(c, DATA, 3 * REGION + HEAPSZ, PF_R | PF_W, mem,
			      3 * REGION + HEAPSZ);
	free(mem);
	size_t img_size;
	uint8_t *img = testelf_core_build(c, &img_size);
	testelf_core_destroy(c);

	struct hc_file *file;
	struct hc_core *core = NULL;
	struct hc_aspace *as = NULL;
	struct hc_layout layout;
	bool exact;
	// The harness's own image is well formed, the tables are built in.
	if (hc_file_open_memory(img, img_size, "fuzz", &file) ||
	    hc_core_open(file, &core) || hc_aspace_create(core, NULL, 0, &as) ||
	    hc_layout_builtin(1, minor, 0, NULL, &layout, &exact))
		abort();
	struct hc_runtime_source src = {
		.core = core,
		.as = as,
		.layout = &layout,
		.data = DATA,
		.edata = DATA + REGION,
		.bss = BSS,
		.ebss = BSS + REGION,
		.noptrbss = NOPTRBSS,
		.enoptrbss = NOPTRBSS + REGION,
		.build_version = "go1.fuzz",
		.go_major = 1,
		.go_minor = minor,
		.max_goroutines = 100000,
	};
	struct hc_runtime *rt = NULL;
	if (!hc_runtime_create(&src, &rt)) {
		size_t counts[HC_G_NUM_STATUS];
		hc_runtime_count_by_status(rt, counts);
		for (size_t i = 0; i < rt->goroutines.size; i++)
			(void)hc_gstatus_name(rt->goroutines.data[i].raw_status);
		(void)hc_runtime_find_goroutine(rt, 1);
		hc_runtime_destroy(rt);
	}
	hc_aspace_destroy(as);
	hc_core_destroy(core);
	free(img);
	return 0;
}
