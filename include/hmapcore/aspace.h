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
