/**
 * @file pclntab.h
 * Go's pc-line table (layer L3, go).
 *
 * Decodes the runtime's `pclntab` (src/internal/abi/symtab.go,
 * src/runtime/symtab.go, src/debug/gosym/pclntab.go): header magics
 * 0xfffffffa (go1.16-1.17), 0xfffffff0 (go1.18-1.19), 0xfffffff1 (go1.20+);
 * the function table (binary search by PC), `_func` records, function names,
 * file:line (pcfile through cutab, pcln), the pcsp table, pcdata and
 * funcdata. All offsets and lengths read from the table are checked against
 * its size; corrupt tables are BAD_DATA, never a crash.
 *
 * The table is borrowed: it must outlive the hc_pclntab, and its bytes must
 * not change while it is open (lookups are cached). Returned names are
 * borrowed pointers into it (validated NUL-terminated).
 */
#ifndef HMAPCORE_PCLNTAB_H
#define HMAPCORE_PCLNTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmapcore/error.h"

/** _func flag bits (src/internal/abi/symtab.go). */
enum {
	HC_FUNCFLAG_TOPFRAME = 1,
	HC_FUNCFLAG_SPWRITE = 2,
	HC_FUNCFLAG_ASM = 4,
};

/** PCDATA / FUNCDATA indices. */
enum {
	HC_PCDATA_UNSAFEPOINT = 0,
	HC_PCDATA_STACKMAPINDEX = 1,
	HC_PCDATA_INLTREEINDEX = 2,
	HC_FUNCDATA_INLTREE = 3,
};

struct hc_func {
	/** Entry PC (absolute). */
	uint64_t entry;
	/** First PC past the function (next function's entry). */
	uint64_t end;
	/** Borrowed, NUL-terminated. */
	const char *name;
	int32_t args;
	uint32_t deferreturn;
	uint32_t pcsp;
	uint32_t pcfile;
	uint32_t pcln;
	uint32_t npcdata;
	uint32_t cu_offset;
	/** go1.20+; 0 before. */
	int32_t start_line;
	uint8_t funcid;
	uint8_t flag;
	uint8_t nfuncdata;
	/** Offset of the _func record in the table (private). */
	uint64_t funcoff;
};

struct hc_pclntab;

/**
 * Open a pclntab.
 * @param data the table, starting at its header (runtime.pclntab)
 * @param text_start address of the first text section (runtime.text /
 * moduledata.text); 0 = take it from the header (go1.18-1.25 store it
 * there; go1.26 writes 0, so pass it)
 * @return NULL; BAD_DATA; UNSUPPORTED (unknown magic, e.g. pre-1.16).
 */
struct hc_error *hc_pclntab_create(const uint8_t *data, size_t size,
				   uint64_t text_start,
				   struct hc_pclntab **ret);
void hc_pclntab_destroy(struct hc_pclntab *t);

/**
 * A pclntab reading the same table with lookup caches of its own, for
 * another thread (a pclntab is used from one thread at a time).
 * @param[out] ret owned by the caller (hc_pclntab_destroy()); it borrows
 * the table @p t borrows, not @p t.
 */
struct hc_error *hc_pclntab_clone(const struct hc_pclntab *t,
				  struct hc_pclntab **ret);

/** The magic (0xfffffff1...). */
uint32_t hc_pclntab_magic(const struct hc_pclntab *t);
/** PC quantum (1 amd64, 4 arm64) and pointer size. */
unsigned hc_pclntab_quantum(const struct hc_pclntab *t);
unsigned hc_pclntab_ptr_size(const struct hc_pclntab *t);
uint64_t hc_pclntab_text_start(const struct hc_pclntab *t);
size_t hc_pclntab_num_funcs(const struct hc_pclntab *t);

/** The i-th function in PC order. */
struct hc_error *hc_pclntab_func_at(const struct hc_pclntab *t, size_t i,
				    struct hc_func *ret);

/** The function containing @p pc; NOT_FOUND outside every function, and
 * for a NULL @p t (no pclntab). */
struct hc_error *hc_pclntab_find_func(const struct hc_pclntab *t, uint64_t pc,
				      struct hc_func *ret);

/** A function by exact name (index built on first use); NOT_FOUND (also
 * for a NULL @p t). */
struct hc_error *hc_pclntab_find_func_by_name(struct hc_pclntab *t,
					      const char *name,
					      struct hc_func *ret);

/**
 * Evaluate a pc-value table at @p pc (runtime pcvalue()): value -1 when
 * @p table_off is 0. BAD_DATA when the table runs off the end; NOT_FOUND
 * when @p pc is not covered.
 */
struct hc_error *hc_pclntab_pcvalue(const struct hc_pclntab *t,
				    const struct hc_func *f,
				    uint32_t table_off, uint64_t pc,
				    int32_t *ret);

/** SP delta at @p pc (pcsp table). */
struct hc_error *hc_pclntab_pcsp(const struct hc_pclntab *t,
				 const struct hc_func *f, uint64_t pc,
				 int32_t *ret);

/** File (borrowed) and line at @p pc. */
struct hc_error *hc_pclntab_line(const struct hc_pclntab *t,
				 const struct hc_func *f, uint64_t pc,
				 const char **file_ret, int32_t *line_ret);

/** pcdata table @p index evaluated at @p pc (-1 when absent). */
struct hc_error *hc_pclntab_pcdata(const struct hc_pclntab *t,
				   const struct hc_func *f, uint32_t index,
				   uint64_t pc, int32_t *ret);

/** Raw funcdata offset @p index (relative to moduledata.gofunc);
 * NOT_FOUND when absent (index >= nfuncdata or ~0). */
struct hc_error *hc_pclntab_funcdata(const struct hc_pclntab *t,
				     const struct hc_func *f, uint32_t index,
				     uint32_t *ret);

/** A name in funcnametab by offset (for inline tree entries). */
struct hc_error *hc_pclntab_name_at(const struct hc_pclntab *t, int32_t off,
				    const char **ret);

#endif /* HMAPCORE_PCLNTAB_H */
