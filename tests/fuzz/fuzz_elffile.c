/*
 * Fuzz harness 2: the executable reader (src/core/elffile.c over libelf).
 * The input is an ELF executable (possibly compressed, limited to 16 MiB).
 * Sections by the names hmapcore asks for (compressed ones decompress),
 * segments, PT_TLS, symbols, reads at segment edges, build ids.
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "hmapcore/elffile.h"
#include "hmapcore/file.h"

enum { MAX_DECOMPRESSED = 16 << 20 };

static volatile uint64_t sink;

static void touch(const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i += 97)
		sink += b[i];
	if (n)
		sink += b[n - 1];
}

static void probe(const struct hc_elffile *f, uint64_t addr, size_t len)
{
	uint8_t buf[32];
	if (len > sizeof(buf))
		len = sizeof(buf);
	struct hc_error *err = hc_elffile_read(f, addr, buf, len);
	if (!err)
		touch(buf, len);
	hc_error_destroy(err);
	const void *p = hc_elffile_ptr(f, addr, len);
	if (p)
		touch(p, len);
	uint64_t n;
	p = hc_elffile_bytes_at(f, addr, &n);
	if (p && n)
		touch(p, n < 4096 ? (size_t)n : 4096);
}

static const char *const SECTIONS[] = {
	".gopclntab", ".go.buildinfo", ".note.go.buildid", ".note.gnu.build-id",
	".text", ".rodata", ".noptrdata", ".data", ".bss", ".symtab",
	".debug_info", ".debug_abbrev", ".debug_line", ".debug_str",
	".zdebug_info", ".typelink", ".itablink", ".shstrtab", "",
};

static const char *const SYMBOLS[] = {
	"runtime.text", "runtime.etext", "runtime.pclntab",
	"runtime.firstmoduledata", "runtime.allgs", "runtime.buildVersion",
	"main.main", "", "_start",
};

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
	struct hc_elffile *f;
	err = hc_elffile_open(file, &f);
	if (err) {
		hc_error_destroy(err);
		return 0;
	}
	sink += hc_elffile_arch(f) + hc_elffile_type(f) + hc_elffile_entry(f);
	sink += hc_elffile_has_symtab(f);
	sink += hc_elffile_elf(f) != NULL;
	sink += hc_elffile_file(f)->size;

	for (size_t i = 0; i < sizeof(SECTIONS) / sizeof(SECTIONS[0]); i++) {
		const struct hc_elf_section *s;
		err = hc_elffile_section(f, SECTIONS[i], &s);
		if (!err) {
			sink += strlen(s->name) + s->addr + s->size;
			if (s->data)
				touch(s->data, s->data_size);
			probe(f, s->addr, 16);
		}
		hc_error_destroy(err);
	}
	size_t n;
	const struct hc_elf_segment *segs = hc_elffile_segments(f, &n);
	for (size_t i = 0; i < n && i < 64; i++) {
		probe(f, segs[i].vaddr, 16);
		probe(f, segs[i].vaddr + segs[i].filesz - 4, 8);
		probe(f, segs[i].vaddr + segs[i].memsz - 8, 8);
	}
	struct hc_elf_segment tls;
	if (hc_elffile_tls(f, &tls))
		sink += tls.memsz;
	probe(f, hc_elffile_entry(f), 16);
	for (size_t i = 0; i < sizeof(SYMBOLS) / sizeof(SYMBOLS[0]); i++) {
		uint64_t value, sz;
		err = hc_elffile_symbol(f, SYMBOLS[i], &value, &sz);
		if (!err) {
			sink += value + sz;
			probe(f, value, 8);
		}
		hc_error_destroy(err);
	}
	const uint8_t *id;
	size_t id_len;
	if (hc_elffile_gnu_build_id(f, &id, &id_len))
		touch(id, id_len);
	const char *goid = hc_elffile_go_build_id(f);
	if (goid)
		sink += strlen(goid);
	hc_elffile_destroy(f);
	return 0;
}
