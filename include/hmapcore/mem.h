/**
 * @file mem.h
 * Large allocations (layer L0, util).
 *
 * The tables and arrays that grow with the core (10^5 map rows, 10^6
 * visited items) are touched at random or once each: with 4 KiB pages
 * every first touch is a page fault and every probe a TLB miss. They ask
 * for transparent huge pages, which the kernel honours when it can
 * (`madvise` mode) and ignores otherwise.
 */
#ifndef HMAPCORE_MEM_H
#define HMAPCORE_MEM_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/** From this size an allocation asks for huge pages. */
#define HC_HUGE_MIN ((size_t)4 << 20)
#define HC_HUGE_PAGE ((size_t)2 << 20)

/** Asks for huge pages over the whole 2 MiB pages inside [p, p + n). */
static inline void hc_advise_huge(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
	if (n < HC_HUGE_MIN)
		return;
	uintptr_t lo = ((uintptr_t)p + HC_HUGE_PAGE - 1) & ~(uintptr_t)(HC_HUGE_PAGE - 1);
	uintptr_t hi = ((uintptr_t)p + n) & ~(uintptr_t)(HC_HUGE_PAGE - 1);
	if (hi > lo)
		(void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
	(void)p;
	(void)n;
#endif
}

/**
 * @p n zeroed bytes (NULL when out of memory), for free(). A large block
 * is written, not left to calloc's zero pages: a table read before it is
 * written would fault twice per page (the zero page, then its copy).
 */
static inline void *hc_zalloc_large(size_t n)
{
	if (n < HC_HUGE_MIN)
		return calloc(1, n ? n : 1);
	void *p = NULL;
	if (posix_memalign(&p, HC_HUGE_PAGE, n) != 0)
		return NULL;
	hc_advise_huge(p, n);
	memset(p, 0, n);
	return p;
}

#endif
