/* The DWARF index: see include/hmapcore/dwarf.h. */
#include "config.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hmapcore/dwarf.h"
#include "hmapcore/hash_table.h"
#include "hmapcore/vector.h"

/* Go's own attributes: cmd/internal/dwarf/dwarf.go (go1.12 and later). */
enum {
	DW_AT_go_kind = 0x2900,
	DW_AT_go_key = 0x2901,
	DW_AT_go_elem = 0x2902,
	DW_AT_go_embedded_field = 0x2903,
	DW_AT_go_runtime_type = 0x2904,
};

/*
 * Bounds on chains that well-formed DWARF keeps short but corrupt DWARF can
 * make cyclic: typedef chains, by-value nesting when computing sizes, and
 * the components of a member path.
 */
enum {
	MAX_TYPEDEF_CHAIN = 64,
	MAX_SIZE_DEPTH = 64,
};

/* A named type in the index: its DIE, and whether it is a typedef. */
struct type_ref {
	uint64_t off;
	bool is_typedef;
};

HC_DEFINE_HASH_MAP(type_name_map, const char *, struct type_ref,
		   hc_hash_string, hc_eq_string)
/* Name -> DIE offset (constants) or low_pc (functions). */
HC_DEFINE_HASH_MAP(u64_name_map, const char *, uint64_t, hc_hash_string,
		   hc_eq_string)
/* Name -> index into the variable list. */
HC_DEFINE_HASH_MAP(index_name_map, const char *, size_t, hc_hash_string,
		   hc_eq_string)

struct variable {
	const char *name;
	uint64_t die_off;
	uint64_t addr;
};
HC_DEFINE_VECTOR(variable_vector, struct variable)

enum node_state {
	NODE_PENDING,  /* created, references not yet followed */
	NODE_DONE,
	NODE_FAILED,   /* the DIE could not be decoded */
};

/* A resolved type; `t` first, so a struct hc_type * converts back. */
struct type_node {
	struct hc_type t;
	enum node_state state;
};

HC_DEFINE_HASH_MAP(type_memo, uint64_t, struct type_node *, hc_hash_u64,
		   hc_eq_u64)
HC_DEFINE_VECTOR(node_vector, struct type_node *)
HC_DEFINE_VECTOR(member_vector, struct hc_member)
HC_DEFINE_HASH_MAP(rtype_map, uint64_t, struct type_ref, hc_hash_u64,
		   hc_eq_u64)

/* Frame variables memoised by (subprogram DIE, pc): every goroutine parked
 * at the same return address has the same ones. */
struct fv_key {
	uint64_t die;
	uint64_t pc;
};

struct fv_list {
	struct hc_frame_var *vars;
	size_t n;
};

static inline uint64_t fv_hash(struct fv_key k)
{
	return hc_hash_u64(k.die * 0x9e3779b97f4a7c15ull ^ k.pc);
}

static inline bool fv_eq(struct fv_key a, struct fv_key b)
{
	return a.die == b.die && a.pc == b.pc;
}

HC_DEFINE_HASH_MAP(fv_memo, struct fv_key, struct fv_list, fv_hash, fv_eq)

/* Distinct (function, pc) pairs memoised at most; past it, no caching. */
enum { FV_MEMO_MAX = 1 << 16 };

/*
 * In front of the memo, by the name's address and the pc: frames borrow
 * their names from the pclntab, so the same pointer comes back for every
 * goroutine parked in the same place, and hashing the name (to find the
 * function's DIE) was the lookup's cost. A slot borrows the memo's list.
 */
enum { FV_FAST_BITS = 12 };

struct fv_fast {
	const char *func; /* NULL: empty */
	uint64_t pc;
	const struct hc_frame_var *vars;
	size_t n;
};

struct hc_dwarf {
	Dwarf *dw;
	struct type_name_map types;
	struct variable_vector variables;
	struct index_name_map variables_by_name;
	struct u64_name_map constants;
	struct u64_name_map functions;
	/* Subprogram name -> DIE offset, for frame variables. */
	struct u64_name_map function_dies;
	struct fv_memo frame_vars;
	/* NULL until first used, or when it could not be allocated. */
	struct fv_fast *fv_fast;
	struct type_memo memo;
	const char *producer;
	bool big_endian;
	int version;
	size_t num_cus;
	/* DW_AT_go_runtime_type -> type DIE, built on first use. */
	bool rtypes_built;
	struct rtype_map rtypes;
};

/* ------------------------------------------------------------ index pass */

static bool is_indexed_type_tag(int tag)
{
	switch (tag) {
	case DW_TAG_base_type:
	case DW_TAG_pointer_type:
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
	case DW_TAG_enumeration_type:
	case DW_TAG_array_type:
	case DW_TAG_typedef:
	case DW_TAG_subroutine_type:
		return true;
	default:
		return false;
	}
}

/*
 * The address of a global from its DW_AT_location: only the single-operation
 * forms DW_OP_addr and DW_OP_addrx (DWARF 5 / GNU) are addresses; anything
 * else (TLS, computed locations, location lists) is not a plain global.
 *
 * DW_OP_addr is decoded from the block directly: Go writes DW_FORM_block1
 * even in DWARF 4 and 5 units (cmd/internal/dwarf, go1.12 and later), which
 * dwarf_getlocation() rejects there, and it spares libdw's per-CU cache.
 */
static bool variable_address(Dwarf_Die *die, uint8_t addr_size,
			     bool big_endian, uint64_t *ret)
{
	Dwarf_Attribute attr;
	Dwarf_Block block;
	if (!dwarf_attr(die, DW_AT_location, &attr) ||
	    dwarf_formblock(&attr, &block) != 0 || block.length == 0)
		return false;
	if (block.data[0] == DW_OP_addr) {
		if ((addr_size != 4 && addr_size != 8) ||
		    block.length != 1 + (Dwarf_Word)addr_size)
			return false;
		uint64_t addr = 0;
		for (unsigned i = 0; i < addr_size; i++) {
			unsigned shift = big_endian ? 8 * (addr_size - 1 - i) :
						      8 * i;
			addr |= (uint64_t)block.data[1 + i] << shift;
		}
		*ret = addr;
		return true;
	}
	if (block.data[0] != DW_OP_addrx &&
	    block.data[0] != DW_OP_GNU_addr_index)
		return false;
	Dwarf_Op *ops;
	size_t nops;
	Dwarf_Attribute result;
	Dwarf_Addr addr;
	if (dwarf_getlocation(&attr, &ops, &nops) != 0 || nops != 1 ||
	    dwarf_getlocation_attr(&attr, &ops[0], &result) != 0 ||
	    dwarf_formaddr(&result, &addr) != 0)
		return false;
	*ret = addr;
	return true;
}

static struct hc_error *index_type(struct hc_dwarf *d, Dwarf_Die *die,
				   int tag)
{
	const char *name = dwarf_diename(die);
	if (!name || !*name)
		return NULL;
	// Declarations (C's incomplete `struct foo;`) describe nothing.
	if (dwarf_hasattr(die, DW_AT_declaration))
		return NULL;
	struct type_ref ref = {
		.off = dwarf_dieoffset(die),
		.is_typedef = tag == DW_TAG_typedef,
	};
	bool existed;
	if (!type_name_map_insert(&d->types, name, ref, &existed))
		return &hc_error_nomem;
	if (existed) {
		struct type_ref *old = type_name_map_search(&d->types, name);
		// Go emits a named type as a typedef and the underlying DIE
		// with the same name: keep the underlying one.
		if (old->is_typedef && !ref.is_typedef)
			*old = ref;
	}
	return NULL;
}

static struct hc_error *index_variable(struct hc_dwarf *d, Dwarf_Die *die,
				      uint8_t addr_size)
{
	const char *name = dwarf_diename(die);
	uint64_t addr;
	if (!name || !*name ||
	    !variable_address(die, addr_size, d->big_endian, &addr))
		return NULL;
	if (index_name_map_search(&d->variables_by_name, name))
		return NULL;
	struct variable v = {
		.name = name,
		.die_off = dwarf_dieoffset(die),
		.addr = addr,
	};
	if (!variable_vector_append(&d->variables, &v) ||
	    !index_name_map_insert(&d->variables_by_name, name,
				   d->variables.size - 1, NULL))
		return &hc_error_nomem;
	return NULL;
}

static struct hc_error *index_unit(struct hc_dwarf *d, Dwarf_Die *cudie)
{
	uint8_t addr_size = 0;
	Dwarf_Die unused;
	if (!dwarf_diecu(cudie, &unused, &addr_size, NULL))
		return hc_error_dwarf("reading compile unit at 0x%" PRIx64,
				      (uint64_t)dwarf_dieoffset(cudie));
	Dwarf_Die child;
	int r = dwarf_child(cudie, &child);
	if (r < 0)
		return hc_error_dwarf("reading compile unit at 0x%" PRIx64,
				      (uint64_t)dwarf_dieoffset(cudie));
	for (; r == 0; r = dwarf_siblingof(&child, &child)) {
		int tag = dwarf_tag(&child);
		struct hc_error *err = NULL;
		if (is_indexed_type_tag(tag)) {
			err = index_type(d, &child, tag);
		} else if (tag == DW_TAG_variable) {
			err = index_variable(d, &child, addr_size);
		} else if (tag == DW_TAG_constant) {
			const char *name = dwarf_diename(&child);
			if (name && *name &&
			    dwarf_hasattr(&child, DW_AT_const_value) &&
			    !u64_name_map_insert(&d->constants, name,
						 dwarf_dieoffset(&child), NULL))
				err = &hc_error_nomem;
		} else if (tag == DW_TAG_subprogram) {
			const char *name = dwarf_diename(&child);
			Dwarf_Addr pc;
			if (name && *name && dwarf_lowpc(&child, &pc) == 0 &&
			    (!u64_name_map_insert(&d->functions, name, pc, NULL) ||
			     !u64_name_map_insert(&d->function_dies, name,
						  dwarf_dieoffset(&child), NULL)))
				err = &hc_error_nomem;
		}
		if (err)
			return err;
	}
	if (r < 0)
		return hc_error_dwarf("reading compile unit at 0x%" PRIx64,
				      (uint64_t)dwarf_dieoffset(cudie));
	return NULL;
}

/* Whether the ELF file has any DWARF debug information at all. */
static bool has_debug_info(Elf *elf)
{
	size_t shstrndx;
	if (elf_getshdrstrndx(elf, &shstrndx) != 0)
		return false;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr shdr;
		if (!gelf_getshdr(scn, &shdr))
			continue;
		const char *name = elf_strptr(elf, shstrndx, shdr.sh_name);
		if (name && (strcmp(name, ".debug_info") == 0 ||
			     strcmp(name, ".zdebug_info") == 0))
			return true;
	}
	return false;
}

/* The compile unit's DW_AT_name is @p only (any unit when NULL). */
static bool unit_selected(Dwarf_Die *cudie, const char *only)
{
	if (!only)
		return true;
	const char *name = dwarf_diename(cudie);
	return name && strcmp(name, only) == 0;
}

static struct hc_error *create(Elf *elf, const char *only,
			       struct hc_dwarf **ret);

struct hc_error *hc_dwarf_create(Elf *elf, struct hc_dwarf **ret)
{
	return create(elf, NULL, ret);
}

struct hc_error *hc_dwarf_create_unit(Elf *elf, const char *unit_name,
				      struct hc_dwarf **ret)
{
	if (!unit_name)
		return hc_error_create(HC_ERROR_INVALID_ARG, "no unit name");
	return create(elf, unit_name, ret);
}

static struct hc_error *create(Elf *elf, const char *only,
			       struct hc_dwarf **ret)
{
	if (!elf)
		return hc_error_create(HC_ERROR_INVALID_ARG, "no ELF file");
	if (!has_debug_info(elf))
		return hc_error_create(HC_ERROR_NOT_FOUND,
				       "no DWARF (stripped executable?)");
	struct hc_dwarf *d = calloc(1, sizeof(*d));
	if (!d)
		return &hc_error_nomem;
	type_name_map_init(&d->types);
	variable_vector_init(&d->variables);
	index_name_map_init(&d->variables_by_name);
	u64_name_map_init(&d->constants);
	u64_name_map_init(&d->functions);
	u64_name_map_init(&d->function_dies);
	fv_memo_init(&d->frame_vars);
	type_memo_init(&d->memo);
	rtype_map_init(&d->rtypes);

	const char *ident = elf_getident(elf, NULL);
	d->big_endian = ident && ident[EI_DATA] == ELFDATA2MSB;

	struct hc_error *err;
	d->dw = dwarf_begin_elf(elf, DWARF_C_READ, NULL);
	if (!d->dw) {
		err = hc_error_dwarf("opening DWARF");
		goto out;
	}
	const char *first_producer = NULL;
	size_t indexed = 0;
	Dwarf_CU *cu = NULL;
	Dwarf_Half version;
	uint8_t unit_type;
	Dwarf_Die cudie;
	int r;
	while ((r = dwarf_get_units(d->dw, cu, &cu, &version, &unit_type,
				    &cudie, NULL)) == 0) {
		if (unit_type != DW_UT_compile && unit_type != DW_UT_partial)
			continue;
		d->num_cus++;
		if (version > d->version)
			d->version = version;
		Dwarf_Attribute attr;
		const char *producer =
			dwarf_formstring(dwarf_attr(&cudie, DW_AT_producer,
						    &attr));
		if (producer) {
			if (!first_producer)
				first_producer = producer;
			if (!d->producer &&
			    strncmp(producer, "Go cmd/compile", 14) == 0)
				d->producer = producer;
		}
		if (!unit_selected(&cudie, only))
			continue;
		indexed++;
		err = index_unit(d, &cudie);
		if (err)
			goto out;
	}
	if (r < 0) {
		err = hc_error_dwarf("reading compile units");
		goto out;
	}
	if (d->num_cus == 0) {
		err = hc_error_create(HC_ERROR_NOT_FOUND,
				      "no DWARF (stripped executable?)");
		goto out;
	}
	if (indexed == 0) {
		err = hc_error_create(HC_ERROR_NOT_FOUND,
				      "no DWARF compile unit named \"%s\"", only);
		goto out;
	}
	if (!d->producer)
		d->producer = first_producer;
	*ret = d;
	return NULL;

out:
	hc_dwarf_destroy(d);
	return err;
}

void hc_dwarf_destroy(struct hc_dwarf *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->memo.cap; i++) {
		if (!d->memo.used[i])
			continue;
		struct type_node *n = d->memo.entries[i].value;
		free((void *)n->t.members);
		free(n);
	}
	type_memo_deinit(&d->memo);
	rtype_map_deinit(&d->rtypes);
	u64_name_map_deinit(&d->functions);
	u64_name_map_deinit(&d->function_dies);
	for (size_t i = 0; i < d->frame_vars.cap; i++)
		if (d->frame_vars.used[i])
			free(d->frame_vars.entries[i].value.vars);
	fv_memo_deinit(&d->frame_vars);
	free(d->fv_fast);
	u64_name_map_deinit(&d->constants);
	index_name_map_deinit(&d->variables_by_name);
	variable_vector_deinit(&d->variables);
	type_name_map_deinit(&d->types);
	if (d->dw)
		dwarf_end(d->dw);
	free(d);
}

/* ------------------------------------------------------ type resolution */

static enum hc_type_kind kind_of_tag(int tag)
{
	switch (tag) {
	case DW_TAG_unspecified_type:
		return HC_TYPE_VOID;
	case DW_TAG_base_type:
		return HC_TYPE_BASE;
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
		return HC_TYPE_POINTER;
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
		return HC_TYPE_STRUCT;
	case DW_TAG_array_type:
		return HC_TYPE_ARRAY;
	// Qualifiers are anonymous typedefs, so hc_type_strip() sees
	// through them.
	case DW_TAG_typedef:
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
	case DW_TAG_restrict_type:
	case DW_TAG_atomic_type:
		return HC_TYPE_TYPEDEF;
	case DW_TAG_subroutine_type:
		return HC_TYPE_FUNC;
	default:
		return HC_TYPE_OTHER;
	}
}

/* An unsigned constant attribute, if present and well-formed. */
static bool attr_udata(Dwarf_Die *die, int name, uint64_t *ret)
{
	Dwarf_Attribute attr;
	Dwarf_Word w;
	if (!dwarf_attr(die, name, &attr) || dwarf_formudata(&attr, &w) != 0)
		return false;
	*ret = w;
	return true;
}

/*
 * Create the node of a type DIE with its own attributes (name, size,
 * encoding, Go kind and runtime type), or find it in the memo. A new node
 * is inserted in the memo before anything it refers to is followed, so
 * cycles end, and queued on @p work to have its references followed.
 */
static struct hc_error *node_get(struct hc_dwarf *d, Dwarf_Die *die,
				 struct node_vector *work,
				 struct type_node **ret)
{
	uint64_t off = dwarf_dieoffset(die);
	struct type_node **found = type_memo_search(&d->memo, off);
	if (found) {
		*ret = *found;
		return NULL;
	}
	struct type_node *n = calloc(1, sizeof(*n));
	if (!n)
		return &hc_error_nomem;
	int tag = dwarf_tag(die);
	n->t.name = dwarf_diename(die);
	n->t.kind = kind_of_tag(tag);
	n->t.die_offset = off;
	n->state = NODE_PENDING;
	uint64_t v;
	if (attr_udata(die, DW_AT_byte_size, &v)) {
		n->t.size = v;
		n->t.has_size = true;
	} else if (n->t.kind == HC_TYPE_POINTER) {
		uint8_t addr_size;
		Dwarf_Die cudie;
		if (dwarf_diecu(die, &cudie, &addr_size, NULL)) {
			n->t.size = addr_size;
			n->t.has_size = true;
		}
	}
	if (attr_udata(die, DW_AT_encoding, &v))
		n->t.encoding = (int)v;
	if (attr_udata(die, DW_AT_go_kind, &v))
		n->t.go_kind = (uint8_t)v;
	Dwarf_Attribute attr;
	if (dwarf_attr(die, DW_AT_go_runtime_type, &attr)) {
		// DW_FORM_addr in every Go release so far; accept a constant.
		Dwarf_Addr a;
		Dwarf_Word w;
		if (dwarf_whatform(&attr) == DW_FORM_addr ||
		    dwarf_whatform(&attr) == DW_FORM_addrx) {
			if (dwarf_formaddr(&attr, &a) == 0)
				n->t.go_runtime_type = a;
		} else if (dwarf_formudata(&attr, &w) == 0) {
			n->t.go_runtime_type = w;
		}
	}
	if (!type_memo_insert(&d->memo, off, n, NULL)) {
		free(n);
		return &hc_error_nomem;
	}
	if (!node_vector_append(work, &n)) {
		// In the memo already (freed by destroy), but never filled.
		n->state = NODE_FAILED;
		return &hc_error_nomem;
	}
	*ret = n;
	return NULL;
}

/*
 * The node of the type DIE that reference attribute @p name of @p die
 * points to; *ret = NULL when @p die has no such attribute.
 */
static struct hc_error *node_ref(struct hc_dwarf *d, Dwarf_Die *die, int name,
				 struct node_vector *work,
				 struct type_node **ret)
{
	Dwarf_Attribute attr;
	if (!dwarf_attr(die, name, &attr)) {
		*ret = NULL;
		return NULL;
	}
	Dwarf_Die target;
	if (!dwarf_formref_die(&attr, &target))
		return hc_error_dwarf("DIE 0x%" PRIx64
				      ": bad reference in attribute 0x%x",
				      (uint64_t)dwarf_dieoffset(die), name);
	return node_get(d, &target, work, ret);
}

/* Element count of an array: the product of its subranges' lengths. */
static struct hc_error *array_count(Dwarf_Die *die, uint64_t *ret)
{
	uint64_t count = 1;
	size_t dims = 0;
	Dwarf_Die child;
	int r = dwarf_child(die, &child);
	for (; r == 0; r = dwarf_siblingof(&child, &child)) {
		int tag = dwarf_tag(&child);
		if (tag != DW_TAG_subrange_type &&
		    tag != DW_TAG_enumeration_type)
			continue;
		dims++;
		uint64_t n = 0;
		Dwarf_Attribute attr;
		if (attr_udata(&child, DW_AT_count, &n)) {
			// n as given
		} else if (dwarf_attr(&child, DW_AT_upper_bound, &attr)) {
			Dwarf_Sword s;
			// An upper bound of -1 is a zero-length array.
			if (dwarf_formsdata(&attr, &s) != 0)
				return hc_error_dwarf(
					"DIE 0x%" PRIx64 ": bad array bound",
					(uint64_t)dwarf_dieoffset(&child));
			uint64_t lower = 0;
			attr_udata(&child, DW_AT_lower_bound, &lower);
			n = s < 0 || (uint64_t)s < lower ?
				    0 :
				    (uint64_t)s - lower + 1;
		}
		// else: flexible array member, no bound
		if (__builtin_mul_overflow(count, n, &count))
			return hc_error_create(HC_ERROR_DWARF,
					       "DIE 0x%" PRIx64
					       ": array too large",
					       (uint64_t)dwarf_dieoffset(die));
	}
	if (r < 0)
		return hc_error_dwarf("DIE 0x%" PRIx64 ": reading subranges",
				      (uint64_t)dwarf_dieoffset(die));
	*ret = dims ? count : 0;
	return NULL;
}

/* DW_AT_data_member_location: a constant, or DW_OP_plus_uconst (DWARF 2). */
static struct hc_error *member_location(Dwarf_Die *die, uint64_t *ret)
{
	Dwarf_Attribute attr;
	if (!dwarf_attr(die, DW_AT_data_member_location, &attr)) {
		*ret = 0; // union members, or the first member
		return NULL;
	}
	Dwarf_Word w;
	if (dwarf_formudata(&attr, &w) == 0) {
		*ret = w;
		return NULL;
	}
	Dwarf_Op *ops;
	size_t nops;
	if (dwarf_getlocation(&attr, &ops, &nops) == 0 && nops == 1 &&
	    ops[0].atom == DW_OP_plus_uconst) {
		*ret = ops[0].number;
		return NULL;
	}
	return hc_error_create(HC_ERROR_DWARF,
			       "DIE 0x%" PRIx64
			       ": member location is not a constant",
			       (uint64_t)dwarf_dieoffset(die));
}

static struct hc_error *fill_members(struct hc_dwarf *d, Dwarf_Die *die,
				     struct type_node *n,
				     struct node_vector *work)
{
	struct member_vector members;
	member_vector_init(&members);
	struct hc_error *err = NULL;
	Dwarf_Die child;
	int r = dwarf_child(die, &child);
	for (; r == 0; r = dwarf_siblingof(&child, &child)) {
		if (dwarf_tag(&child) != DW_TAG_member)
			continue;
		struct hc_member m = { .name = dwarf_diename(&child) };
		err = member_location(&child, &m.offset);
		if (err)
			goto out;
		struct type_node *type;
		err = node_ref(d, &child, DW_AT_type, work, &type);
		if (err)
			goto out;
		m.type = type ? &type->t : NULL;
		Dwarf_Attribute attr;
		bool flag;
		m.embedded = dwarf_attr(&child, DW_AT_go_embedded_field,
					&attr) &&
			     dwarf_formflag(&attr, &flag) == 0 && flag;
		if (!member_vector_append(&members, &m)) {
			err = &hc_error_nomem;
			goto out;
		}
	}
	if (r < 0) {
		err = hc_error_dwarf("DIE 0x%" PRIx64 ": reading members",
				     (uint64_t)dwarf_dieoffset(die));
		goto out;
	}
	n->t.members = member_vector_steal(&members, &n->t.num_members);
out:
	member_vector_deinit(&members);
	return err;
}

/* Follow the references of a pending node: target, members, key, elem. */
static struct hc_error *node_fill(struct hc_dwarf *d, struct type_node *n,
				  struct node_vector *work)
{
	Dwarf_Die die;
	if (!dwarf_offdie(d->dw, n->t.die_offset, &die))
		return hc_error_dwarf("DIE 0x%" PRIx64, n->t.die_offset);
	struct type_node *ref;
	struct hc_error *err;
	if (n->t.kind != HC_TYPE_STRUCT && n->t.kind != HC_TYPE_FUNC) {
		err = node_ref(d, &die, DW_AT_type, work, &ref);
		if (err)
			return err;
		n->t.target = ref ? &ref->t : NULL;
	}
	err = node_ref(d, &die, DW_AT_go_key, work, &ref);
	if (err)
		return err;
	n->t.go_key = ref ? &ref->t : NULL;
	err = node_ref(d, &die, DW_AT_go_elem, work, &ref);
	if (err)
		return err;
	n->t.go_elem = ref ? &ref->t : NULL;
	if (n->t.kind == HC_TYPE_ARRAY) {
		err = array_count(&die, &n->t.count);
		if (err)
			return err;
	}
	int tag = dwarf_tag(&die);
	if (tag == DW_TAG_structure_type || tag == DW_TAG_class_type ||
	    tag == DW_TAG_union_type)
		return fill_members(d, &die, n, work);
	return NULL;
}

/* Sizes that DWARF leaves to be derived: typedefs, qualifiers, C arrays. */
static bool derive_size(struct type_node *n, int depth)
{
	if (n->t.has_size)
		return true;
	if (depth > MAX_SIZE_DEPTH || !n->t.target)
		return false;
	struct type_node *target = (struct type_node *)n->t.target;
	if (!derive_size(target, depth + 1))
		return false;
	if (n->t.kind == HC_TYPE_TYPEDEF) {
		n->t.size = target->t.size;
	} else if (n->t.kind == HC_TYPE_ARRAY) {
		if (__builtin_mul_overflow(n->t.count, target->t.size,
					   &n->t.size))
			return false;
	} else {
		return false;
	}
	n->t.has_size = true;
	return true;
}

/*
 * Resolve the type DIE @p die and everything it reaches, without recursion:
 * new nodes go on a work list and are filled in order. A DIE that cannot be
 * decoded marks only its own node failed; the call fails if that is the
 * requested type.
 */
static struct hc_error *resolve_die(struct hc_dwarf *d, Dwarf_Die *die,
				    const struct hc_type **ret)
{
	struct node_vector work;
	node_vector_init(&work);
	struct type_node *root;
	struct hc_error *err = node_get(d, die, &work, &root);
	struct hc_error *root_err = NULL;
	size_t i = 0;
	if (err)
		goto out;
	for (; i < work.size; i++) {
		struct type_node *n = work.data[i];
		err = node_fill(d, n, &work);
		if (err == &hc_error_nomem) {
			n->state = NODE_FAILED;
			i++;
			goto out;
		}
		if (err) {
			n->state = NODE_FAILED;
			if (n == root)
				root_err = err;
			else
				hc_error_destroy(err);
			err = NULL;
			continue;
		}
		n->state = NODE_DONE;
	}
	for (size_t j = 0; j < work.size; j++)
		derive_size(work.data[j], 0);
	if (root_err) {
		err = root_err;
		root_err = NULL;
	} else if (root->state == NODE_FAILED) {
		err = hc_error_create(HC_ERROR_DWARF,
				      "type at DIE 0x%" PRIx64
				      " could not be decoded",
				      root->t.die_offset);
	} else {
		*ret = &root->t;
	}
out:
	// On out-of-memory, what was never filled stays failed, not pending.
	for (; i < work.size; i++)
		work.data[i]->state = NODE_FAILED;
	hc_error_destroy(root_err);
	node_vector_deinit(&work);
	return err;
}

static struct hc_error *resolve_offset(struct hc_dwarf *d, uint64_t off,
				       const struct hc_type **ret)
{
	Dwarf_Die die;
	if (!dwarf_offdie(d->dw, off, &die))
		return hc_error_dwarf("DIE 0x%" PRIx64, off);
	return resolve_die(d, &die, ret);
}

struct hc_error *hc_dwarf_find_type(struct hc_dwarf *d, const char *name,
				    const struct hc_type **ret)
{
	struct type_ref *ref = type_name_map_search(&d->types, name);
	if (!ref)
		return hc_error_create(HC_ERROR_NOT_FOUND,
				       "type %s not in DWARF", name);
	return hc_error_prefix(resolve_offset(d, ref->off, ret),
			       "reading type %s", name);
}

const struct hc_type *hc_type_strip(const struct hc_type *t)
{
	for (int i = 0; t && t->kind == HC_TYPE_TYPEDEF && t->target &&
			i < MAX_TYPEDEF_CHAIN;
	     i++)
		t = t->target;
	return t;
}

static const struct hc_member *member_n(const struct hc_type *t,
					const char *name, size_t len)
{
	t = hc_type_strip(t);
	if (!t)
		return NULL;
	for (size_t i = 0; i < t->num_members; i++) {
		const char *m = t->members[i].name;
		if (m && strncmp(m, name, len) == 0 && m[len] == '\0')
			return &t->members[i];
	}
	return NULL;
}

const struct hc_member *hc_type_member(const struct hc_type *t,
				       const char *name)
{
	return member_n(t, name, strlen(name));
}

struct hc_error *hc_dwarf_member_offset(struct hc_dwarf *d,
					const char *type_name,
					const char *member, uint64_t *ret)
{
	const struct hc_type *t;
	struct hc_error *err = hc_dwarf_find_type(d, type_name, &t);
	if (err)
		return err;
	uint64_t offset = 0;
	const char *p = member;
	for (;;) {
		size_t len = strcspn(p, ".");
		const struct hc_member *m = member_n(t, p, len);
		if (!m)
			return hc_error_create(HC_ERROR_NOT_FOUND,
					       "type %s has no member %s",
					       type_name, member);
		if (__builtin_add_overflow(offset, m->offset, &offset))
			return hc_error_create(HC_ERROR_DWARF,
					       "offset of %s.%s overflows",
					       type_name, member);
		if (p[len] == '\0')
			break;
		t = m->type;
		p += len + 1;
	}
	*ret = offset;
	return NULL;
}

struct hc_error *hc_dwarf_type_size(struct hc_dwarf *d, const char *type_name,
				    uint64_t *ret)
{
	const struct hc_type *t;
	struct hc_error *err = hc_dwarf_find_type(d, type_name, &t);
	if (err)
		return err;
	if (!t->has_size)
		return hc_error_create(HC_ERROR_DWARF, "type %s has no size",
				       type_name);
	*ret = t->size;
	return NULL;
}

/* ------------------------------------------------- variables, constants */

/* The type of a variable DIE; NULL type when it has none. */
static struct hc_error *variable_type(struct hc_dwarf *d, uint64_t die_off,
				      const char *name,
				      const struct hc_type **ret)
{
	Dwarf_Die die;
	if (!dwarf_offdie(d->dw, die_off, &die))
		return hc_error_dwarf("reading variable %s", name);
	Dwarf_Attribute attr;
	if (!dwarf_attr(&die, DW_AT_type, &attr)) {
		*ret = NULL;
		return NULL;
	}
	Dwarf_Die type_die;
	if (!dwarf_formref_die(&attr, &type_die))
		return hc_error_dwarf("reading the type of variable %s",
				      name);
	return hc_error_prefix(resolve_die(d, &type_die, ret),
			       "reading the type of variable %s", name);
}

struct hc_error *hc_dwarf_find_variable(struct hc_dwarf *d, const char *name,
					uint64_t *addr_ret,
					const struct hc_type **type_ret)
{
	size_t *i = index_name_map_search(&d->variables_by_name, name);
	if (!i)
		return hc_error_create(HC_ERROR_NOT_FOUND,
				       "variable %s not in DWARF", name);
	const char *name_ret;
	return hc_dwarf_variable(d, *i, &name_ret, addr_ret, type_ret);
}

size_t hc_dwarf_num_variables(const struct hc_dwarf *d)
{
	return d->variables.size;
}

struct hc_error *hc_dwarf_variable(struct hc_dwarf *d, size_t i,
				   const char **name_ret, uint64_t *addr_ret,
				   const struct hc_type **type_ret)
{
	if (i >= d->variables.size)
		return hc_error_create(HC_ERROR_INVALID_ARG,
				       "variable index %zu out of range (%zu)",
				       i, d->variables.size);
	const struct variable *v = &d->variables.data[i];
	if (type_ret) {
		const struct hc_type *type;
		struct hc_error *err =
			variable_type(d, v->die_off, v->name, &type);
		if (err)
			return err;
		*type_ret = type;
	}
	*name_ret = v->name;
	*addr_ret = v->addr;
	return NULL;
}

struct hc_error *hc_dwarf_find_constant(struct hc_dwarf *d, const char *name,
					int64_t *ret)
{
	uint64_t *off = u64_name_map_search(&d->constants, name);
	if (!off)
		return hc_error_create(HC_ERROR_NOT_FOUND,
				       "constant %s not in DWARF", name);
	Dwarf_Die die;
	Dwarf_Attribute attr;
	if (!dwarf_offdie(d->dw, *off, &die) ||
	    !dwarf_attr(&die, DW_AT_const_value, &attr))
		return hc_error_dwarf("reading constant %s", name);
	// DW_FORM_udata is unsigned; sdata and the fixed-size data forms are
	// read as signed (Go writes sdata).
	if (dwarf_whatform(&attr) == DW_FORM_udata) {
		Dwarf_Word w;
		if (dwarf_formudata(&attr, &w) != 0)
			return hc_error_dwarf("reading constant %s", name);
		*ret = (int64_t)w;
		return NULL;
	}
	Dwarf_Sword s;
	if (dwarf_formsdata(&attr, &s) != 0)
		return hc_error_dwarf("reading constant %s", name);
	*ret = s;
	return NULL;
}

struct hc_error *hc_dwarf_find_function(struct hc_dwarf *d, const char *name,
					uint64_t *ret)
{
	uint64_t *pc = u64_name_map_search(&d->functions, name);
	if (!pc)
		return hc_error_create(HC_ERROR_NOT_FOUND,
				       "function %s not in DWARF", name);
	*ret = *pc;
	return NULL;
}

const char *hc_dwarf_producer(const struct hc_dwarf *d)
{
	return d->producer;
}

int hc_dwarf_version(const struct hc_dwarf *d)
{
	return d->version;
}

size_t hc_dwarf_num_cus(const struct hc_dwarf *d)
{
	return d->num_cus;
}

/* ------------------------------------------------ runtime type reverse */

/* DW_AT_go_runtime_type of @p die (DW_FORM_addr, or a constant). */
static bool runtime_type_attr(Dwarf_Die *die, uint64_t *ret)
{
	Dwarf_Attribute attr;
	if (!dwarf_attr(die, DW_AT_go_runtime_type, &attr))
		return false;
	Dwarf_Addr a;
	Dwarf_Word w;
	int form = dwarf_whatform(&attr);
	if (form == DW_FORM_addr || form == DW_FORM_addrx) {
		if (dwarf_formaddr(&attr, &a) != 0)
			return false;
		*ret = a;
		return true;
	}
	if (dwarf_formudata(&attr, &w) != 0)
		return false;
	*ret = w;
	return true;
}

static struct hc_error *build_rtypes(struct hc_dwarf *d)
{
	Dwarf_CU *cu = NULL;
	Dwarf_Half version;
	uint8_t unit_type;
	Dwarf_Die cudie;
	int r;
	while ((r = dwarf_get_units(d->dw, cu, &cu, &version, &unit_type,
				    &cudie, NULL)) == 0) {
		if (unit_type != DW_UT_compile && unit_type != DW_UT_partial)
			continue;
		Dwarf_Die child;
		int c = dwarf_child(&cudie, &child);
		for (; c == 0; c = dwarf_siblingof(&child, &child)) {
			int tag = dwarf_tag(&child);
			uint64_t rt;
			if (!is_indexed_type_tag(tag) ||
			    !runtime_type_attr(&child, &rt) || !rt)
				continue;
			struct type_ref ref = {
				.off = dwarf_dieoffset(&child),
				.is_typedef = tag == DW_TAG_typedef,
			};
			bool existed;
			if (!rtype_map_insert(&d->rtypes, rt, ref, &existed))
				return &hc_error_nomem;
			if (existed) {
				struct type_ref *old =
					rtype_map_search(&d->rtypes, rt);
				if (old->is_typedef && !ref.is_typedef)
					*old = ref;
			}
		}
		if (c < 0)
			return hc_error_dwarf("reading compile unit at 0x%" PRIx64,
					      (uint64_t)dwarf_dieoffset(&cudie));
	}
	if (r < 0)
		return hc_error_dwarf("reading compile units");
	return NULL;
}

struct hc_error *hc_dwarf_find_type_by_runtime_type(struct hc_dwarf *d,
						    uint64_t offset,
						    const struct hc_type **ret)
{
	if (!d->rtypes_built) {
		struct hc_error *err = build_rtypes(d);
		if (err)
			return err;
		d->rtypes_built = true;
	}
	struct type_ref *ref = rtype_map_search(&d->rtypes, offset);
	if (!ref)
		return hc_error_create(HC_ERROR_NOT_FOUND,
				       "no type with runtime type 0x%" PRIx64,
				       offset);
	return resolve_offset(d, ref->off, ret);
}

/* ------------------------------------------------------- frame variables */

/* Read a SLEB128 from [*p, end); false when it runs off the end. */
static bool sleb(const uint8_t **p, const uint8_t *end, int64_t *ret)
{
	uint64_t v = 0;
	unsigned shift = 0;
	uint8_t b;
	do {
		if (*p >= end || shift >= 64)
			return false;
		b = *(*p)++;
		v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
	} while (b & 0x80);
	if (shift < 64 && (b & 0x40))
		v |= ~(uint64_t)0 << shift;
	*ret = (int64_t)v;
	return true;
}

static bool uleb(const uint8_t **p, const uint8_t *end, uint64_t *ret)
{
	uint64_t v = 0;
	unsigned shift = 0;
	uint8_t b;
	do {
		if (*p >= end || shift >= 64)
			return false;
		b = *(*p)++;
		v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
	} while (b & 0x80);
	*ret = v;
	return true;
}

/*
 * A frame-base-relative location: DW_OP_fbreg N, or pieces that are all
 * fbreg and contiguous (a string or slice spilled whole). Anything in a
 * register is not memory the core can show.
 */
static bool fbreg_ops(const Dwarf_Op *ops, size_t n, int64_t *ret)
{
	int64_t start = 0, next = 0;
	bool have = false;
	for (size_t i = 0; i < n; i++) {
		if (ops[i].atom == DW_OP_fbreg) {
			int64_t off = (int64_t)ops[i].number;
			if (!have) {
				start = next = off;
				have = true;
			} else if (off != next) {
				return false;
			}
			if (i + 1 < n && ops[i + 1].atom == DW_OP_piece) {
				next += (int64_t)ops[i + 1].number;
				i++;
			}
		} else {
			return false;
		}
	}
	if (have)
		*ret = start;
	return have;
}

/* The same for a block libdw will not parse (Go's DW_FORM_block1). */
static bool fbreg_block(const uint8_t *p, const uint8_t *end, int64_t *ret)
{
	int64_t start = 0, next = 0;
	bool have = false;
	while (p < end) {
		if (*p++ != DW_OP_fbreg)
			return false;
		int64_t off;
		if (!sleb(&p, end, &off))
			return false;
		if (!have) {
			start = next = off;
			have = true;
		} else if (off != next) {
			return false;
		}
		if (p < end && *p == DW_OP_piece) {
			p++;
			uint64_t sz;
			if (!uleb(&p, end, &sz))
				return false;
			next += (int64_t)sz;
		}
	}
	if (have)
		*ret = start;
	return have;
}

static struct hc_error *frame_vars_of(struct hc_dwarf *d, Dwarf_Die *parent,
				      uint64_t pc, unsigned depth,
				      struct hc_frame_var_vec *out)
{
	Dwarf_Die child;
	if (depth > 16 || dwarf_child(parent, &child) != 0)
		return NULL;
	do {
		int tag = dwarf_tag(&child);
		if (tag == DW_TAG_lexical_block) {
			if (dwarf_haspc(&child, pc) > 0) {
				struct hc_error *err = frame_vars_of(d, &child, pc, depth + 1, out);
				if (err)
					return err;
			}
			continue;
		}
		if (tag != DW_TAG_variable && tag != DW_TAG_formal_parameter)
			continue;
		const char *name = dwarf_diename(&child);
		Dwarf_Attribute attr, tattr;
		Dwarf_Die tdie;
		if (!name || !dwarf_attr(&child, DW_AT_location, &attr) ||
		    !dwarf_attr(&child, DW_AT_type, &tattr) ||
		    !dwarf_formref_die(&tattr, &tdie))
			continue;
		int64_t off;
		bool found = false;
		Dwarf_Block block;
		if (dwarf_whatform(&attr) == DW_FORM_block1 &&
		    dwarf_formblock(&attr, &block) == 0) {
			found = fbreg_block(block.data, block.data + block.length, &off);
		} else {
			Dwarf_Op *ops;
			size_t nops;
			if (dwarf_getlocation_addr(&attr, pc, &ops, &nops, 1) == 1)
				found = fbreg_ops(ops, nops, &off);
		}
		if (!found)
			continue;
		const struct hc_type *type;
		struct hc_error *err = resolve_die(d, &tdie, &type);
		if (err) {
			hc_error_destroy(err);
			continue;
		}
		struct hc_frame_var *v = hc_frame_var_vec_append_entry(out);
		if (!v)
			return &hc_error_nomem;
		v->name = name;
		v->type = type;
		v->cfa_offset = off;
		v->param = tag == DW_TAG_formal_parameter;
	} while (dwarf_siblingof(&child, &child) == 0);
	return NULL;
}

static struct hc_error *append_vars(const struct hc_frame_var *vars, size_t n,
				    struct hc_frame_var_vec *out)
{
	for (size_t i = 0; i < n; i++)
		if (!hc_frame_var_vec_append(out, &vars[i]))
			return &hc_error_nomem;
	return NULL;
}

static struct fv_fast *fv_fast_slot(struct hc_dwarf *d, const char *func, uint64_t pc)
{
	if (!d->fv_fast)
		d->fv_fast = calloc((size_t)1 << FV_FAST_BITS, sizeof(*d->fv_fast));
	if (!d->fv_fast)
		return NULL;
	uint64_t h = ((uint64_t)(uintptr_t)func ^ pc * 0xff51afd7ed558ccdull) *
		     0x9e3779b97f4a7c15ull;
	return &d->fv_fast[h >> (64 - FV_FAST_BITS)];
}

struct hc_error *hc_dwarf_frame_vars(struct hc_dwarf *d, const char *func,
				     uint64_t pc, struct hc_frame_var_vec *out)
{
	struct fv_fast *fast = fv_fast_slot(d, func, pc);
	if (fast && fast->func == func && fast->pc == pc)
		return append_vars(fast->vars, fast->n, out);
	uint64_t *off = u64_name_map_search(&d->function_dies, func);
	if (!off)
		return hc_error_create(HC_ERROR_NOT_FOUND, "function %s not in DWARF", func);
	struct fv_key key = {.die = *off, .pc = pc};
	const struct fv_list *hit = fv_memo_search(&d->frame_vars, key);
	if (hit) {
		if (fast) {
			fast->func = func;
			fast->pc = pc;
			fast->vars = hit->vars;
			fast->n = hit->n;
		}
		return append_vars(hit->vars, hit->n, out);
	}
	Dwarf_Die die;
	if (!dwarf_offdie(d->dw, *off, &die))
		return hc_error_dwarf("DIE 0x%" PRIx64, *off);
	size_t before = out->size;
	struct hc_error *err = frame_vars_of(d, &die, pc, 0, out);
	if (err || fv_memo_size(&d->frame_vars) >= FV_MEMO_MAX)
		return err;
	struct fv_list l = {.n = out->size - before};
	if (l.n) {
		l.vars = malloc(l.n * sizeof(*l.vars));
		if (!l.vars)
			return NULL; /* not cached; the answer stands */
		memcpy(l.vars, out->data + before, l.n * sizeof(*l.vars));
	}
	bool existed;
	if (!fv_memo_insert(&d->frame_vars, key, l, &existed) || existed) {
		free(l.vars);
	} else if (fast) {
		fast->func = func;
		fast->pc = pc;
		fast->vars = l.vars;
		fast->n = l.n;
	}
	return NULL;
}
