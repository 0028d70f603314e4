/*
 * Fuzz harness 10: a real core with its real executable, the executable
 * changed by the input (issue 24 item 2: the executable is as untrusted as
 * the core; one flipped pclntab bit gave a double free, a zeroed magic a
 * NULL dereference). The input is a list of 6-byte edits, each
 * {where, offset (u32 LE), xor}: where & 1 picks the executable's pclntab
 * section (offset modulo its size) or the whole executable, where & 2 the
 * core's first 64 KiB (its headers and notes) instead. The edited files go
 * through memfds to hc_target_open, hc_analyze and the Go traceback writer.
 *
 * The pair: $HC_FUZZ_CORE and $HC_FUZZ_EXE (uncompressed, for speed), else
 * $top_srcdir/corefiles/go1.22.12/gallery/{core,exe}.xz (the replay in
 * `make check`, which then skips when the fixture is absent).
 */
#define _GNU_SOURCE
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "hmapcore/check.h"
#include "hmapcore/file.h"
#include "hmapcore/strbuf.h"
#include "hmapcore/target.h"
#include "hmapcore/traceback.h"

static uint8_t *exe, *core;
static size_t exe_size, core_size, pcln_off, pcln_size;

static uint8_t *load(const char *path, size_t *size)
{
	struct hc_file *f;
	struct hc_error *err = hc_file_open(path, 0, &f);
	if (err) {
		hc_error_destroy(err);
		return NULL;
	}
	uint8_t *p = malloc(f->size ? f->size : 1);
	if (p)
		memcpy(p, f->data, f->size);
	*size = f->size;
	hc_file_destroy(f);
	return p;
}

/* The pclntab's file range, from the section headers (64-bit ELF). */
static void find_pclntab(void)
{
	if (exe_size < 64)
		return;
	uint64_t shoff;
	uint16_t shentsize, shnum, shstrndx;
	memcpy(&shoff, exe + 0x28, 8);
	memcpy(&shentsize, exe + 0x3a, 2);
	memcpy(&shnum, exe + 0x3c, 2);
	memcpy(&shstrndx, exe + 0x3e, 2);
	if (shentsize != 64 || shstrndx >= shnum || shoff > exe_size ||
	    (uint64_t)shnum * 64 > exe_size - shoff)
		return;
	const uint8_t *strs = exe + shoff + (uint64_t)shstrndx * 64;
	uint64_t stroff, strsize;
	memcpy(&stroff, strs + 0x18, 8);
	memcpy(&strsize, strs + 0x20, 8);
	if (stroff > exe_size || strsize > exe_size - stroff)
		return;
	for (uint16_t i = 0; i < shnum; i++) {
		const uint8_t *sh = exe + shoff + (uint64_t)i * 64;
		uint32_t name;
		uint64_t off, size;
		memcpy(&name, sh, 4);
		memcpy(&off, sh + 0x18, 8);
		memcpy(&size, sh + 0x20, 8);
		if (name >= strsize)
			continue;
		const char *n = (const char *)exe + stroff + name;
		if (strnlen(n, strsize - name) < strsize - name && strstr(n, "gopclntab") &&
		    off <= exe_size && size <= exe_size - off && size) {
			pcln_off = off;
			pcln_size = size;
		}
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *c = getenv("HC_FUZZ_CORE"), *e = getenv("HC_FUZZ_EXE");
	char cbuf[4096], ebuf[4096];
	if (!c || !e) {
		const char *top = getenv("top_srcdir");
		snprintf(cbuf, sizeof(cbuf), "%s/corefiles/go1.22.12/gallery/core.xz", top ? top : ".");
		snprintf(ebuf, sizeof(ebuf), "%s/corefiles/go1.22.12/gallery/exe.xz", top ? top : ".");
		c = cbuf;
		e = ebuf;
	}
	core = load(c, &core_size);
	exe = load(e, &exe_size);
	if (!core || !exe)
		fprintf(stderr, "fuzz_target: no core/executable pair (%s, %s): inputs skipped\n", c, e);
	else
		find_pclntab();
	return 0;
}

static int memfd_of(const char *name, const uint8_t *data, size_t size)
{
	int fd = memfd_create(name, MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	for (size_t at = 0; at < size;) {
		ssize_t w = write(fd, data + at, size - at);
		if (w <= 0) {
			close(fd);
			return -1;
		}
		at += (size_t)w;
	}
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!core || !exe)
		return 0;
	uint8_t *e = malloc(exe_size);
	if (!e)
		return 0;
	memcpy(e, exe, exe_size);
	/* The core's edits go to a copy of its first 64 KiB only. */
	size_t head = core_size < 65536 ? core_size : 65536;
	uint8_t saved[65536];
	memcpy(saved, core, head);
	for (size_t i = 0; i + 6 <= size && i < 6 * 64; i += 6) {
		uint32_t off = (uint32_t)data[i + 1] | (uint32_t)data[i + 2] << 8 |
			       (uint32_t)data[i + 3] << 16 | (uint32_t)data[i + 4] << 24;
		if (data[i] & 2)
			core[off % head] ^= data[i + 5];
		else if ((data[i] & 1) || !pcln_size)
			e[off % exe_size] ^= data[i + 5];
		else
			e[pcln_off + off % pcln_size] ^= data[i + 5];
	}
	int efd = memfd_of("exe", e, exe_size), cfd = memfd_of("core", core, core_size);
	memcpy(core, saved, head);
	free(e);
	if (efd >= 0 && cfd >= 0) {
		char epath[64], cpath[64];
		snprintf(epath, sizeof(epath), "/proc/self/fd/%d", efd);
		snprintf(cpath, sizeof(cpath), "/proc/self/fd/%d", cfd);
		struct hc_target_options opts = {.exe_path = epath};
		struct hc_target *t;
		struct hc_error *err = hc_target_open(cpath, &opts, &t);
		if (!err) {
			struct hc_strbuf sb;
			hc_strbuf_init(&sb);
			struct hc_traceback_options to;
			memset(&to, 0, sizeof(to));
			err = hc_traceback_write_goroutines(t, HC_FORMAT_GO, &to, &sb);
			hc_error_destroy(err);
			hc_strbuf_deinit(&sb);
			struct hc_analysis *a;
			err = hc_analyze(t, &a);
			if (!err)
				hc_analysis_destroy(a);
			hc_error_destroy(err);
			hc_target_destroy(t);
		} else {
			hc_error_destroy(err);
		}
	}
	if (efd >= 0)
		close(efd);
	if (cfd >= 0)
		close(cfd);
	return 0;
}
