/**
 * @file dwarf.h
 * An index of the executable's DWARF (layer L2, dwarf).
 *
 * One pass over every compile unit's top-level DIEs (DWARF 4 and 5,
 * SHF_COMPRESSED sections handled by libdw) records, by name: types,
 * global variables (with their DW_OP_addr address), DW_TAG_constant values
 * and subprograms. Types are resolved lazily, on first request, into
 * struct hc_type objects that the index owns and keeps until
 * hc_dwarf_destroy(); resolution is memoised by DIE offset, so recursive
 * types (a struct holding a pointer to itself) resolve once and form a
 * graph.
 *
 * Go's own attributes are decoded: DW_AT_go_kind (0x2900), go_key
 * (0x2901), go_elem (0x2902), go_embedded_field (0x2903), go_runtime_type
 * (0x2904, a section-relative offset: add moduledata.types).
 *
 * Go emits each named type twice: a DW_TAG_typedef and the underlying DIE
 * with the same name. hc_dwarf_find_type() prefers the non-typedef DIE.
 */
#ifndef HMAPCORE_DWARF_H
#define HMAPCORE_DWARF_H

#include <libelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmapcore/error.h"
#include "hmapcore/vector.h"

enum hc_type_kind {
	HC_TYPE_VOID,       /* unspecified / unknown */
	HC_TYPE_BASE,       /* DW_TAG_base_type: ints, floats, bool, complex */
	HC_TYPE_POINTER,    /* DW_TAG_pointer_type; target may be NULL (unsafe.Pointer) */
	HC_TYPE_STRUCT,     /* DW_TAG_structure_type (Go strings, slices, ifaces too) */
	HC_TYPE_ARRAY,      /* DW_TAG_array_type */
	HC_TYPE_TYPEDEF,    /* DW_TAG_typedef (Go named types; maps, chans, ifaces) */
	HC_TYPE_FUNC,       /* DW_TAG_subroutine_type */
	HC_TYPE_OTHER,
};

/** DW_ATE_* encodings of base types, as libdw reports them. */
struct hc_member;

struct hc_type {
	/** NULL for anonymous types. */
	const char *name;
	enum hc_type_kind kind;
	/** DW_AT_byte_size; for pointers and typedefs resolved through. */
	uint64_t size;
	bool has_size;
	/** DW_AT_encoding for base types. */
	int encoding;
	/** DW_AT_go_kind, 0 if absent. */
	uint8_t go_kind;
	/** DW_AT_go_runtime_type (section-relative), 0 if absent. */
	uint64_t go_runtime_type;
	/** Pointer target, typedef target, array element. */
	const struct hc_type *target;
	/** DW_AT_go_key / DW_AT_go_elem, or NULL. */
	const struct hc_type *go_key;
	const struct hc_type *go_elem;
	/** Arrays: element count (DW_AT_count or upper_bound+1). */
	uint64_t count;
	/** Structs: members in declaration order. */
	const struct hc_member *members;
	size_t num_members;
	/** Offset of the DIE in .debug_info (stable identity). */
	uint64_t die_offset;
};

struct hc_member {
	const char *name;
	uint64_t offset;
	const struct hc_type *type;
	bool embedded;
};

struct hc_dwarf;

/**
 * Build the index for @p elf (borrowed: it must outlive the index).
 * @return NULL; NOT_FOUND when the file has no DWARF (stripped); DWARF on
 * a libdw failure.
 */
struct hc_error *hc_dwarf_create(Elf *elf, struct hc_dwarf **ret);

/**
 * Like hc_dwarf_create(), but index only the compile units named
 * @p unit_name (Go names a unit after its package: "runtime"), which is
 * a fraction of the cost when a caller needs a few of that package's
 * types and globals (the runtime's struct layouts). Types of other units
 * that those reference still resolve (by DIE offset); lookups by name see
 * only the indexed units.
 * @return as hc_dwarf_create(); NOT_FOUND also when no unit has the name.
 */
struct hc_error *hc_dwarf_create_unit(Elf *elf, const char *unit_name,
				      struct hc_dwarf **ret);
void hc_dwarf_destroy(struct hc_dwarf *d);

/**
 * Find a type by its DWARF name ("runtime.g", "map[string]int",
 * "internal/runtime/maps.Map"), preferring a non-typedef DIE.
 * @return NULL; NOT_FOUND; DWARF when the DIE cannot be decoded.
 */
struct hc_error *hc_dwarf_find_type(struct hc_dwarf *d, const char *name,
				    const struct hc_type **ret);

/** A member by name, or NULL. Typedefs of @p t are looked through. */
const struct hc_member *hc_type_member(const struct hc_type *t,
				       const char *name);

/** Follow typedefs to the underlying type. */
const struct hc_type *hc_type_strip(const struct hc_type *t);

/**
 * Offset of @p member ("sched.sp" walks nested structs) in type
 * @p type_name. NOT_FOUND when either is absent.
 */
struct hc_error *hc_dwarf_member_offset(struct hc_dwarf *d,
					const char *type_name,
					const char *member, uint64_t *ret);

/** Byte size of a type by name. */
struct hc_error *hc_dwarf_type_size(struct hc_dwarf *d, const char *type_name,
				    uint64_t *ret);

/**
 * A global variable: its address (DW_OP_addr) and, if @p type_ret is not
 * NULL, its type.
 */
struct hc_error *hc_dwarf_find_variable(struct hc_dwarf *d, const char *name,
					uint64_t *addr_ret,
					const struct hc_type **type_ret);

/**
 * The type whose DW_AT_go_runtime_type is @p offset (the descriptor's
 * address minus moduledata.types). The reverse index is built on the first
 * call by one more pass over the top-level type DIEs; a non-typedef DIE is
 * preferred, as in hc_dwarf_find_type().
 * @return NULL; NOT_FOUND; DWARF; NOMEM.
 */
struct hc_error *hc_dwarf_find_type_by_runtime_type(struct hc_dwarf *d,
						    uint64_t offset,
						    const struct hc_type **ret);

/** A DW_TAG_constant's value ("runtime._Grunning"). */
struct hc_error *hc_dwarf_find_constant(struct hc_dwarf *d, const char *name,
					int64_t *ret);

/** Number of global variables with an address, and the i-th of them. */
size_t hc_dwarf_num_variables(const struct hc_dwarf *d);
struct hc_error *hc_dwarf_variable(struct hc_dwarf *d, size_t i,
				   const char **name_ret, uint64_t *addr_ret,
				   const struct hc_type **type_ret);

/**
 * Entry address (DW_AT_low_pc) of a function by name ("main.main"); only
 * concrete subprograms with code are indexed, not inline-only ones.
 * @return NULL; NOT_FOUND.
 */
struct hc_error *hc_dwarf_find_function(struct hc_dwarf *d, const char *name,
					uint64_t *ret);

/** DW_AT_producer of the first Go compile unit ("Go cmd/compile go1.26.11;
 * regabi"), or of the first CU when none is Go; NULL if none. */
const char *hc_dwarf_producer(const struct hc_dwarf *d);

/** Highest DWARF version among the compile units (4 or 5). */
int hc_dwarf_version(const struct hc_dwarf *d);

/** Number of compile units indexed. */
size_t hc_dwarf_num_cus(const struct hc_dwarf *d);

/** A variable of a function's frame that lives in memory at a PC. */
struct hc_frame_var {
	/** Borrowed from the DWARF data. */
	const char *name;
	const struct hc_type *type;
	/** Offset from the frame base (DW_OP_call_frame_cfa: the caller's SP,
	 * what the unwinder calls the frame's fp). */
	int64_t cfa_offset;
	bool param;
};

HC_DEFINE_VECTOR(hc_frame_var_vec, struct hc_frame_var)

/**
 * The variables and parameters of function @p func (its DWARF name) that
 * are in the frame's memory at @p pc: locations DW_OP_fbreg N, or pieces
 * that are all frame-relative and contiguous, from the location list entry
 * that covers @p pc; lexical blocks that contain @p pc included. Variables
 * in registers are left out (a core cannot show them for parked frames).
 * Appends to @p out (initialised by the caller).
 * @return NULL; NOT_FOUND (no such function); DWARF; NOMEM.
 */
struct hc_error *hc_dwarf_frame_vars(struct hc_dwarf *d, const char *func,
				     uint64_t pc, struct hc_frame_var_vec *out);

#endif /* HMAPCORE_DWARF_H */
