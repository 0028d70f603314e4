/**
 * @file mem.h
 * Large zeroed allocations (layer L0, util).
 */
#ifndef HMAPCORE_MEM_H
#define HMAPCORE_MEM_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/** From this size hc_zalloc_large() writes the block itself. */
#define HC_ZALLOC_WRITE_MIN ((size_t)64 << 10)

/**
 * @p n zeroed bytes (NULL when out of memory), for free(). A large block
 * is written here, not left to calloc's fresh zero pages: a hash table is
 * read before it is written, and each page would fault twice (the shared
 * zero page, then its copy, with a TLB flush on every CPU the process
 * runs on: 1-2 % of a report).
 */
static inline void *hc_zalloc_large(size_t n)
{
	if (n < HC_ZALLOC_WRITE_MIN)
		return calloc(1, n ? n : 1);
	/* Through a pointer the compiler cannot see through: it would
	 * make malloc and memset one calloc again. */
	static void *(*volatile const zero)(void *, int, size_t) = memset;
	void *p = malloc(n);
	if (p)
		zero(p, 0, n);
	return p;
}

#endif
