/**
 * @file aspace.h
 * The target's address space (layer L1, core).
 *
 * One read call for target memory: from the core's segments first, and
 * from the executable's file-backed PT_LOAD segments (shifted by the load
 * bias) where the core holds none (the default coredump_filter leaves out
 * text and rodata). Reads that span segments work; an unmapped byte makes
 * the read a FAULT error that carries its address.
 *
 * The address space borrows the core and the executable; it must be
 * destroyed before them. Little-endian 64-bit targets only.
 */
#ifndef HMAPCORE_ASPACE_H
#define HMAPCORE_ASPACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmapcore/core.h"

/** The little-endian 64-bit word at @p p (bytes copied from the target). */
static inline uint64_t hc_le64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}
#include "hmapcore/elffile.h"
#include "hmapcore/error.h"

struct hc_aspace;

/**
 * @param exe may be NULL (core memory only)
 * @param bias load bias of @p exe (0 for ET_EXEC; for PIE, runtime address
 * minus link-time address)
 */
struct hc_error *hc_aspace_create(const struct hc_core *core,
				  const struct hc_elffile *exe, uint64_t bias,
				  struct hc_aspace **ret);
void hc_aspace_destroy(struct hc_aspace *as);

/** Read target memory; FAULT at the first unreadable address. */
struct hc_error *hc_aspace_read(const struct hc_aspace *as, uint64_t addr,
				void *buf, size_t len);

/**
 * Borrowed pointer to [addr, addr+len) when it is contiguous in one backing
 * buffer (zero copy), else NULL (use hc_aspace_read()).
 */
const void *hc_aspace_ptr(const struct hc_aspace *as, uint64_t addr,
			  size_t len);

/** Whether the byte at @p addr is readable. */
bool hc_aspace_readable(const struct hc_aspace *as, uint64_t addr);

/**
 * Whether the process had @p addr mapped (a core segment or an NT_FILE
 * mapping covers it), whether or not the core holds its bytes: memory the
 * core left out is "not in the core", never a torn pointer.
 */
bool hc_aspace_mapped(const struct hc_aspace *as, uint64_t addr);

/** The NT_FILE mapping that covers @p addr, or NULL. Borrowed from the core. */
const struct hc_core_mapping *hc_aspace_file_at(const struct hc_aspace *as,
					       uint64_t addr);

/**
 * Read the files the process had mapped (NT_FILE) and the core left out
 * from disk, as gdb does: each that is at its path, a regular file big
 * enough for its mapping; @p used (may be NULL) is told of each. Call once,
 * before any read from another thread.
 * @return NULL; NOMEM.
 */
struct hc_error *hc_aspace_use_files(struct hc_aspace *as,
				     void (*used)(void *arg, const char *path,
						  uint64_t start, uint64_t end),
				     void *arg);

struct hc_error *hc_aspace_read_u8(const struct hc_aspace *as, uint64_t addr,
				   uint8_t *ret);
struct hc_error *hc_aspace_read_u16(const struct hc_aspace *as, uint64_t addr,
				    uint16_t *ret);
struct hc_error *hc_aspace_read_u32(const struct hc_aspace *as, uint64_t addr,
				    uint32_t *ret);
struct hc_error *hc_aspace_read_u64(const struct hc_aspace *as, uint64_t addr,
				    uint64_t *ret);

/**
 * Read a Go string's bytes: @p len bytes at @p addr, refusing more than
 * @p max (BAD_DATA). malloc'd, NUL-terminated (the bytes may contain NULs:
 * use the length).
 */
struct hc_error *hc_aspace_read_bytes(const struct hc_aspace *as, uint64_t addr,
				      uint64_t len, uint64_t max, char **ret);

#endif /* HMAPCORE_ASPACE_H */
