/**
 * @file value.h
 * Typed values of the target rendered as text (layer L3, go).
 *
 * hc_value_format() renders the value of a DWARF type at a target address
 * the way Go's fmt.Sprint (`%v`) does, so that keys compare with what a Go
 * program prints: integers, floats (strconv 'g' shortest: 1e+06, 0.1, NaN,
 * +Inf, -0), complex numbers, bools, strings (raw, control bytes escaped;
 * or quoted), pointers (0xc000012345; `&{...}` at the top level like fmt),
 * structs `{1 abc}`, arrays and slices `[1 2 3]`, interfaces through their
 * dynamic type (eface/iface, abi.ITab, the type descriptor's name and
 * KindDirectIface flag), maps as `map[len=3]@0xc000...` (not iterated:
 * that is the map decoders' job), chans and funcs as addresses.
 *
 * Everything read from the core is bounded: depth, string bytes, elements
 * per array/slice and total output, each cut with "…". Memory that cannot
 * be read inside a value is shown as `<unreadable 0x...>`, a slice header
 * that cannot be real as `<bad slice ...>`.
 *
 * Type descriptors: `runtime._type` (go1.19) / `internal/abi.Type`
 * (go1.21+), 48 bytes: TFlag @20, Kind_ @23, Str @40 (int32, from
 * moduledata.types) (src/internal/abi/type.go).
 */
#ifndef HMAPCORE_VALUE_H
#define HMAPCORE_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmapcore/aspace.h"
#include "hmapcore/dwarf.h"
#include "hmapcore/error.h"
#include "hmapcore/pclntab.h"
#include "hmapcore/strbuf.h"

struct hc_target;

/** What values are read from (all borrowed). */
struct hc_value_ctx {
	const struct hc_aspace *as;
	/** For interfaces' dynamic types; may be NULL. */
	struct hc_dwarf *dwarf;
	/** For function names; may be NULL. */
	struct hc_pclntab *pclntab;
	/** moduledata.types (0 unknown: dynamic types print as addresses). */
	uint64_t types_addr;
	/** Where "the value is the data word" is flagged: the
	 * TFlagDirectIface bit of TFlag (go1.26+, 0x20) when non-zero, else
	 * the KindDirectIface bit of Kind_ (go1.19-go1.25, 0x20); both 0:
	 * pointer-shaped kinds decide. */
	uint8_t tflag_direct_iface;
	uint8_t kind_direct_iface;
};

/** Fill @p ctx from a target. */
void hc_value_ctx_init(struct hc_value_ctx *ctx, const struct hc_target *t);

struct hc_value_options {
	/** Nesting depth (structs, arrays, pointers followed); default 6. */
	unsigned max_depth;
	/** Bytes of one string shown; default 200. */
	uint64_t max_string;
	/** Elements of one array or slice shown; default 32. */
	uint64_t max_elements;
	/** Total output of one call, bytes; default 16384. */
	size_t max_output;
	/** Strings as Go %q-like quoted text instead of fmt's raw %v. */
	bool quote_strings;
	/** Strings byte for byte, nothing escaped (fmt's %v exactly): only
	 * for an output that escapes them itself, the JSON writer. */
	bool raw_bytes;
};

/** The defaults above. */
void hc_value_options_default(struct hc_value_options *opts);

/**
 * Append the value of @p type at @p addr to @p out.
 * @param opts NULL for the defaults
 * @return NULL (parts that cannot be read are marked in the text); FAULT
 * when the value's own bytes cannot be read (nothing appended); NOMEM.
 */
struct hc_error *hc_value_format(const struct hc_value_ctx *ctx,
				 const struct hc_type *type, uint64_t addr,
				 struct hc_strbuf *out,
				 const struct hc_value_options *opts);

/**
 * Like hc_value_format() for a value whose bytes the caller already holds
 * (@p len bytes of @p buf, e.g. a key copied from a bucket); @p addr is
 * where they live in the target (0 if unknown). Indirections (pointers,
 * string data) are read from the target.
 */
struct hc_error *hc_value_format_bytes(const struct hc_value_ctx *ctx,
				       const struct hc_type *type,
				       const void *buf, size_t len,
				       uint64_t addr, struct hc_strbuf *out,
				       const struct hc_value_options *opts);

/**
 * Append a float64 (or float32 when @p bits is 32) as fmt's %v does:
 * strconv.FormatFloat(v, 'g', -1, bits) with fmt's +Inf.
 */
bool hc_value_append_float(struct hc_strbuf *out, double v, int bits);

/** Append bytes as fmt %v shows a string, control bytes escaped. */
bool hc_value_append_raw_string(struct hc_strbuf *out, const char *s,
				size_t n);

/** A Go slice or string header. */
struct hc_slice_header {
	uint64_t ptr;
	int64_t len;
	/** Strings: equal to len. */
	int64_t cap;
};

/** Read a slice header (ptr, len, cap) at @p addr. FAULT. */
struct hc_error *hc_value_read_slice_header(const struct hc_aspace *as,
					    uint64_t addr,
					    struct hc_slice_header *ret);

/**
 * Whether a slice header can be real: 0 <= len <= cap, cap > 0 implies a
 * non-nil pointer, and ptr + cap * elemsize does not overflow.
 */
bool hc_value_slice_plausible(const struct hc_slice_header *h,
			      uint64_t elemsize);

/**
 * Read the Go string whose header (str, len) is at @p addr: at most
 * @p max bytes of it (malloc'd, NUL-terminated, may contain NULs).
 * @param len_ret the string's full length as the header says
 * @param truncated_ret whether fewer bytes than len were read (may be NULL)
 * @return NULL; FAULT; BAD_DATA for a negative length or a nil pointer
 * with a length.
 */
struct hc_error *hc_value_read_string(const struct hc_aspace *as,
				      uint64_t addr, uint64_t max,
				      char **ret, uint64_t *len_ret,
				      bool *truncated_ret);

/** What a runtime type descriptor says of itself. */
struct hc_rtype {
	uint64_t addr;
	uint64_t size;
	uint8_t tflag;
	/** Kind_ & 0x1f (reflect.Kind numbering). */
	uint8_t kind;
	/** The value is the interface's data word (TFlagDirectIface or
	 * KindDirectIface, see struct hc_value_ctx). */
	bool direct_iface;
	/** The type's name ("main.point", "*net.TCPListener"), escaped,
	 * malloc'd; NULL when it cannot be read. */
	char *name;
};

/**
 * Read the type descriptor at @p typ_addr (runtime._type /
 * internal/abi.Type) and its name from @p types_addr + Str. Release with
 * hc_rtype_deinit().
 * @return NULL (name may still be NULL); FAULT.
 */
struct hc_error *hc_value_read_rtype(const struct hc_aspace *as,
				     uint64_t types_addr, uint64_t typ_addr,
				     uint8_t kind_direct_iface,
				     struct hc_rtype *ret);

/**
 * hc_value_read_rtype() with the context's flags: right for every Go
 * version (go1.26+ keeps DirectIface in TFlag, where a caller of
 * hc_value_read_rtype() passing ctx->kind_direct_iface, 0 there, gets the
 * by-kind guess). Prefer this one.
 */
struct hc_error *hc_value_ctx_read_rtype(const struct hc_value_ctx *ctx,
					 uint64_t typ_addr,
					 struct hc_rtype *ret);
void hc_rtype_deinit(struct hc_rtype *t);

/**
 * A map key as a path writes it (`m["a"]`, `m[3]`, `m[main.Config]`): a
 * string quoted; a pointer, or an interface holding one, not as a dump of
 * what it points to but as "0xADDR (*T)" ("nil (*T)"), except a pointer
 * to a runtime type descriptor (*abi.Type, *internal/abi.Type,
 * *runtime._type, *reflect.rtype: what a reflect.Type key holds, as in
 * every type cache), which reads as the name of the type it describes
 * ("main.Config"); anything else as hc_value_format() writes it.
 * @return as hc_value_format().
 */
struct hc_error *hc_value_format_key(const struct hc_value_ctx *ctx,
				     const struct hc_type *type, uint64_t addr,
				     struct hc_strbuf *out,
				     const struct hc_value_options *opts);

/**
 * The pointer part of hc_value_format_key(): @p ptr of the pointer type
 * named @p ptr_type ("*main.T", "*abi.Type").
 * @return false on NOMEM.
 */
bool hc_value_format_pointer_key(const struct hc_value_ctx *ctx, const char *ptr_type,
				 uint64_t ptr, struct hc_strbuf *out);

/**
 * Only the name of the type descriptor at @p typ_addr (malloc'd, escaped),
 * or NULL when it cannot be read; @p kind_ret (may be NULL) its kind.
 */
char *hc_value_type_name(const struct hc_aspace *as, uint64_t types_addr,
			 uint64_t typ_addr, uint8_t *kind_ret);

/** reflect.Kind numbering (src/internal/abi/type.go). */
enum hc_go_kind {
	HC_KIND_INVALID = 0,
	HC_KIND_BOOL = 1,
	HC_KIND_INT = 2,
	HC_KIND_INT8 = 3,
	HC_KIND_INT16 = 4,
	HC_KIND_INT32 = 5,
	HC_KIND_INT64 = 6,
	HC_KIND_UINT = 7,
	HC_KIND_UINT8 = 8,
	HC_KIND_UINT16 = 9,
	HC_KIND_UINT32 = 10,
	HC_KIND_UINT64 = 11,
	HC_KIND_UINTPTR = 12,
	HC_KIND_FLOAT32 = 13,
	HC_KIND_FLOAT64 = 14,
	HC_KIND_COMPLEX64 = 15,
	HC_KIND_COMPLEX128 = 16,
	HC_KIND_ARRAY = 17,
	HC_KIND_CHAN = 18,
	HC_KIND_FUNC = 19,
	HC_KIND_INTERFACE = 20,
	HC_KIND_MAP = 21,
	HC_KIND_POINTER = 22,
	HC_KIND_SLICE = 23,
	HC_KIND_STRING = 24,
	HC_KIND_STRUCT = 25,
	HC_KIND_UNSAFE_POINTER = 26,
};

/**
 * The Go kind of a DWARF type: DW_AT_go_kind through typedefs, else
 * guessed from the DWARF shape (base encodings, pointers, "string").
 */
enum hc_go_kind hc_value_kind(const struct hc_type *type);

#endif /* HMAPCORE_VALUE_H */
