/*
 * Fuzz harness 1: the ELF core reader (src/core/core.c, file.c, aspace.c).
 * The input is a core file (possibly compressed: decompression is limited
 * to 16 MiB). Every accessor runs over what opened: segments, threads,
 * notes, auxv, truncation, reads at segment edges, the executable's build
 * ids and candidate paths, and an address space over the core alone.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "hmapcore/aspace.h"
#include "hmapcore/core.h"
#include "hmapcore/file.h"

enum { MAX_DECOMPRESSED = 16 << 20 };

static volatile uint64_t sink;

static void touch(const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		sink += b[i];
}

static void probe(const struct hc_core *core, const struct hc_aspace *as,
		  uint64_t addr, size_t len)
{
	uint8_t buf[64];
	if (len > sizeof(buf))
		len = sizeof(buf);
	struct hc_error *err = hc_core_read(core, addr, buf, len);
	if (!err)
		touch(buf, len);
	hc_error_destroy(err);
	const void *p = hc_core_ptr(core, addr, len);
	if (p)
		touch(p, len);
	sink += hc_core_segment_for(core, addr) != NULL;
	if (as) {
		uint64_t v;
		err = hc_aspace_read_u64(as, addr, &v);
		if (!err)
			sink += v;
		hc_error_destroy(err);
		sink += hc_aspace_readable(as, addr);
		char *s;
		err = hc_aspace_read_bytes(as, addr, len, 32, &s);
		if (!err)
			free(s);
		hc_error_destroy(err);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hc_file *file;
	struct hc_error *err = hc_file_open_memory_limit(data, size, "fuzz",
							 MAX_DECOMPRESSED,
							 &file);
	if (err) {
		hc_error_destroy(err);
		return 0;
	}
	struct hc_core *core;
	err = hc_core_open(file, &core);
	if (err) {
		hc_error_destroy(err);
		return 0;
	}
	sink += hc_core_arch(core);
	touch(hc_arch_name(hc_core_arch(core)), 1);
	struct hc_aspace *as = NULL;
	err = hc_aspace_create(core, NULL, 0, &as);
	hc_error_destroy(err);

	size_t n;
	const struct hc_core_segment *segs = hc_core_segments(core, &n);
	for (size_t i = 0; i < n && i < 64; i++) {
		probe(core, as, segs[i].vaddr, 16);
		probe(core, as, segs[i].vaddr + segs[i].avail - 8, 16);
		probe(core, as, segs[i].vaddr + segs[i].memsz - 1, 1);
		probe(core, as, segs[i].vaddr - 4, 8);
	}
	const struct hc_core_thread *th = hc_core_threads(core, &n);
	for (size_t i = 0; i < n; i++) {
		sink += th[i].pc + th[i].sp + th[i].nregs;
		probe(core, as, th[i].sp, 32);
		probe(core, as, th[i].pc, 16);
	}
	const struct hc_core_siginfo *si = hc_core_siginfo(core);
	if (si)
		probe(core, as, si->addr, 8);
	const struct hc_core_prpsinfo *ps = hc_core_prpsinfo(core);
	if (ps)
		sink += strlen(ps->fname) + strlen(ps->psargs);
	const struct hc_core_mapping *maps = hc_core_mappings(core, &n);
	for (size_t i = 0; i < n; i++) {
		sink += strlen(maps[i].path);
		probe(core, as, maps[i].start, 8);
	}
	uint64_t v;
	for (uint64_t type = 0; type < 48; type++)
		if (hc_core_auxv(core, type, &v))
			sink += v;
	uint64_t expected, actual;
	sink += hc_core_truncation(core, &expected, &actual);
	const char *exe = hc_core_exe_path(core);
	if (exe)
		sink += strlen(exe);
	if (hc_core_exe_base(core, &v))
		probe(core, as, v, 64);

	uint8_t *id;
	size_t id_len;
	err = hc_core_exe_build_id(core, &id, &id_len);
	if (!err) {
		touch(id, id_len);
		free(id);
	}
	hc_error_destroy(err);
	char *goid;
	err = hc_core_exe_go_build_id(core, &goid);
	if (!err) {
		sink += strlen(goid);
		free(goid);
	}
	hc_error_destroy(err);
	// Candidates look for files that exist: keep them out of real
	// folders (the core's own paths are still stat'ed, harmlessly).
	char **paths;
	err = hc_core_executable_candidates(core, "/nonexistent-hmapcore-fuzz/core",
					    &paths, &n);
	if (!err) {
		for (size_t i = 0; i < n; i++)
			free(paths[i]);
		free(paths);
	}
	hc_error_destroy(err);

	hc_aspace_destroy(as);
	hc_core_destroy(core);
	return 0;
}
