/**
 * @file elffile.h
 * The executable (or any non-core ELF file) (layer L1, core).
 *
 * Wraps libelf over an hc_file (mmapped or decompressed). Gives sections by
 * name (SHF_COMPRESSED sections are decompressed once, on request), the
 * symbol table (indexed by name on first use), PT_LOAD segments for
 * reading file-backed memory the core does not hold, and build ids.
 *
 * Everything returned is borrowed and lives until hc_elffile_destroy().
 */
#ifndef HMAPCORE_ELFFILE_H
#define HMAPCORE_ELFFILE_H

#include <gelf.h>
#include <libelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmapcore/core.h"
#include "hmapcore/error.h"
#include "hmapcore/file.h"

struct hc_elffile;

struct hc_elf_section {
	const char *name;
	uint64_t addr;
	uint64_t size;
	uint32_t type;
	uint64_t flags;
	/** Contents (decompressed if SHF_COMPRESSED); NULL for SHT_NOBITS. */
	const uint8_t *data;
	size_t data_size;
};

struct hc_elf_segment {
	uint64_t vaddr;
	uint64_t memsz;
	uint64_t offset;
	uint64_t filesz;
	uint32_t flags;
	/** p_align (PT_TLS: the TLS block's alignment). */
	uint64_t align;
};

/**
 * Open an ELF executable or shared object. Takes ownership of @p file
 * (also on error).
 * @return NULL; ELF (not ELF), UNSUPPORTED (a core file, another
 * class/endianness/machine than x86-64/AArch64).
 */
struct hc_error *hc_elffile_open(struct hc_file *file, struct hc_elffile **ret);

/** hc_file_open() then hc_elffile_open(). */
struct hc_error *hc_elffile_open_path(const char *path,
				      struct hc_elffile **ret);

void hc_elffile_destroy(struct hc_elffile *f);

const struct hc_file *hc_elffile_file(const struct hc_elffile *f);
/** The libelf handle (borrowed), e.g. for dwarf_begin_elf(). */
Elf *hc_elffile_elf(const struct hc_elffile *f);

/**
 * A copy of the file's image as it is on disk, for a second libelf
 * reader (libdwfl): the image hc_elffile_elf() reads from may have had
 * its section headers patched by libdw (decompressed .debug_* sections),
 * which another Elf over the same bytes would misread.
 * @return malloc'd (free()), *size_ret its size; NULL without memory.
 */
uint8_t *hc_elffile_pristine_copy(const struct hc_elffile *f, size_t *size_ret);
enum hc_arch hc_elffile_arch(const struct hc_elffile *f);
/** ET_EXEC or ET_DYN. */
uint16_t hc_elffile_type(const struct hc_elffile *f);
uint64_t hc_elffile_entry(const struct hc_elffile *f);

/**
 * A section by name, with its (decompressed) data loaded.
 * @return NULL; NOT_FOUND; BAD_DATA/ELF when it cannot be read.
 */
struct hc_error *hc_elffile_section(struct hc_elffile *f, const char *name,
				    const struct hc_elf_section **ret);

/**
 * Whether the file has a section named @p name (or, for ".debug_*", its
 * ".zdebug_*" form), without loading it.
 */
bool hc_elffile_has_section(struct hc_elffile *f, const char *name);

/** PT_LOAD segments in header order. */
const struct hc_elf_segment *hc_elffile_segments(const struct hc_elffile *f,
						 size_t *n_ret);

/** The PT_TLS segment, if any. */
bool hc_elffile_tls(const struct hc_elffile *f, struct hc_elf_segment *ret);

/**
 * A symbol's value and size from .symtab (or .dynsym). NOT_FOUND when the
 * file has no such symbol (e.g. it is stripped).
 */
struct hc_error *hc_elffile_symbol(struct hc_elffile *f, const char *name,
				   uint64_t *value_ret, uint64_t *size_ret);

/** Whether the file has a .symtab. */
bool hc_elffile_has_symtab(const struct hc_elffile *f);

/**
 * Read @p len bytes at link-time virtual address @p addr from the file's
 * PT_LOAD segments (zeros for the bss part past p_filesz). FAULT when not
 * covered.
 */
struct hc_error *hc_elffile_read(const struct hc_elffile *f, uint64_t addr,
				 void *buf, size_t len);

/** Like hc_elffile_read() but a borrowed pointer, or NULL if not in one
 * segment's file bytes. */
const void *hc_elffile_ptr(const struct hc_elffile *f, uint64_t addr,
			   size_t len);

/**
 * The file bytes at link-time address @p addr (not the bss part) and, in
 * @p n_ret, how many bytes follow contiguously; NULL when none. Borrowed.
 */
const void *hc_elffile_bytes_at(const struct hc_elffile *f, uint64_t addr,
				uint64_t *n_ret);

/** The GNU build-id (NT_GNU_BUILD_ID), borrowed; false when absent. */
bool hc_elffile_gnu_build_id(const struct hc_elffile *f, const uint8_t **id_ret,
			     size_t *len_ret);

/** The Go build id (".note.go.buildid", NUL-terminated), or NULL. */
const char *hc_elffile_go_build_id(const struct hc_elffile *f);

#endif /* HMAPCORE_ELFFILE_H */
