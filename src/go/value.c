/* Typed values rendered as text: see include/hmapcore/value.h. */
#include "config.h"

#include <dwarf.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmapcore/target.h"
#include "hmapcore/value.h"

/* Type descriptor fields, 64-bit (src/internal/abi/type.go go1.21+,
 * runtime/type.go go1.19): Size_ @0, TFlag @20, Kind_ @23, Str @40. */
enum {
	RTYPE_SIZE = 48,
	RTYPE_TFLAG = 20,
	RTYPE_KIND = 23,
	RTYPE_STR = 40,
	TFLAG_EXTRA_STAR = 2,
	KIND_MASK = 0x1f,
	/* abi.ITab.Type / runtime.itab._type (go1.19-go1.27). */
	ITAB_TYPE = 8,
	MAX_TYPE_NAME = 4096,
};

static const char ELLIPSIS[] = "\xe2\x80\xa6";

/* ------------------------------------------------------------ context */

void hc_value_ctx_init(struct hc_value_ctx *ctx, const struct hc_target *t)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->as = t->as;
	ctx->dwarf = t->dwarf;
	ctx->pclntab = t->pclntab;
	ctx->types_addr = t->types_addr;
	ctx->kind_direct_iface = 0x20;
	if (t->dwarf) {
		// go1.26 moved the flag from Kind_ to TFlag (TFlagDirectIface,
		// src/internal/abi/type.go) and kept a stale KindDirectIface
		// constant; go1.19-go1.25 have KindDirectIface (1 << 5) in
		// Kind_. Without either constant decide by kind.
		int64_t v;
		struct hc_error *err = hc_dwarf_find_constant(
			t->dwarf, "internal/abi.TFlagDirectIface", &v);
		if (!err) {
			ctx->tflag_direct_iface = (uint8_t)v;
			ctx->kind_direct_iface = 0;
			return;
		}
		hc_error_destroy(err);
		err = hc_dwarf_find_constant(
			t->dwarf, "internal/abi.KindDirectIface", &v);
		if (err) {
			hc_error_destroy(err);
			err = hc_dwarf_find_constant(
				t->dwarf, "runtime.kindDirectIface", &v);
		}
		if (err) {
			hc_error_destroy(err);
			ctx->kind_direct_iface = 0;
		} else {
			ctx->kind_direct_iface = (uint8_t)v;
		}
	}
}

void hc_value_options_default(struct hc_value_options *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->max_depth = 6;
	opts->max_string = 200;
	opts->max_elements = 32;
	opts->max_output = 16384;
}

/* ------------------------------------------------------------- floats */

/*
 * Go's strconv.FormatFloat(v, 'g', -1, bits) as fmt %v shows it: the
 * shortest digits that read back as the same value (found by trying
 * precisions, which round to nearest as strconv's shortest does), %e form
 * when the exponent is < -4 or >= 6 (shortest => eprec 6, strconv/ftoa.go),
 * at least two exponent digits; fmt adds '+' to +Inf only.
 */
bool hc_value_append_float(struct hc_strbuf *out, double v, int bits)
{
	if (isnan(v))
		return hc_strbuf_appends(out, "NaN");
	if (isinf(v))
		return hc_strbuf_appends(out, v > 0 ? "+Inf" : "-Inf");
	if (v == 0)
		return hc_strbuf_appends(out, signbit(v) ? "-0" : "0");
	char buf[64];
	int prec;
	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*e", prec - 1, v);
		if (bits == 32 ? strtof(buf, NULL) == (float)v :
				 strtod(buf, NULL) == v)
			break;
	}
	// buf = [-]d[.ddd]e[+-]XX: split into sign, digits and exponent.
	const char *p = buf;
	bool neg = *p == '-';
	if (neg)
		p++;
	char digits[32];
	size_t nd = 0;
	for (; *p && *p != 'e'; p++)
		if (*p >= '0' && *p <= '9' && nd < sizeof(digits) - 1)
			digits[nd++] = *p;
	// Drop trailing zeros (never more digits than needed).
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	digits[nd] = 0;
	int exp = *p == 'e' ? atoi(p + 1) : 0;
	bool ok = !neg || hc_strbuf_appendc(out, '-');
	if (exp < -4 || exp >= 6) {
		ok = ok && hc_strbuf_appendc(out, digits[0]);
		if (nd > 1)
			ok = ok && hc_strbuf_appendc(out, '.') &&
			     hc_strbuf_append(out, digits + 1, nd - 1);
		ok = ok && hc_strbuf_appendf(out, "e%c%02d", exp < 0 ? '-' : '+',
					     exp < 0 ? -exp : exp);
		return ok;
	}
	if (exp < 0) {
		ok = ok && hc_strbuf_appends(out, "0.");
		for (int i = -1; i > exp; i--)
			ok = ok && hc_strbuf_appendc(out, '0');
		return ok && hc_strbuf_append(out, digits, nd);
	}
	// exp in [0, 5]: integer part exp+1 digits.
	size_t ip = (size_t)exp + 1;
	for (size_t i = 0; i < ip; i++)
		ok = ok && hc_strbuf_appendc(out, i < nd ? digits[i] : '0');
	if (nd > ip)
		ok = ok && hc_strbuf_appendc(out, '.') &&
		     hc_strbuf_append(out, digits + ip, nd - ip);
	return ok;
}

/* fmt %v of a complex: (re+imi), the imaginary part with its sign. */
static bool append_complex(struct hc_strbuf *out, double re, double im,
			   int bits)
{
	bool ok = hc_strbuf_appendc(out, '(') &&
		  hc_value_append_float(out, re, bits);
	if (!isnan(im) && !signbit(im) && !(isinf(im) && im > 0))
		ok = ok && hc_strbuf_appendc(out, '+');
	else if (isnan(im))
		ok = ok && hc_strbuf_appendc(out, '+');
	return ok && hc_value_append_float(out, im, bits) &&
	       hc_strbuf_appends(out, "i)");
}

/* ------------------------------------------------------------ strings */

bool hc_value_append_raw_string(struct hc_strbuf *out, const char *s,
				size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		size_t j = i;
		if (c >= 0x20 && c < 0x7f) {
			while (j < n && (unsigned char)s[j] >= 0x20 &&
			       (unsigned char)s[j] < 0x7f)
				j++;
			if (!hc_strbuf_append(out, s + i, j - i))
				return false;
		} else if (c >= 0x80) {
			// Valid printable UTF-8 is kept, the rest escaped.
			while (j < n && (unsigned char)s[j] >= 0x80)
				j++;
			if (!hc_strbuf_append_escaped(out, s + i, j - i))
				return false;
		} else {
			j = i + 1;
			if (!hc_strbuf_append_escaped(out, s + i, 1))
				return false;
		}
		i = j;
	}
	return true;
}

struct hc_error *hc_value_read_slice_header(const struct hc_aspace *as,
					    uint64_t addr,
					    struct hc_slice_header *ret)
{
	uint64_t w[3];
	struct hc_error *err = hc_aspace_read(as, addr, w, sizeof(w));
	if (err)
		return err;
	ret->ptr = w[0];
	ret->len = (int64_t)w[1];
	ret->cap = (int64_t)w[2];
	return NULL;
}

bool hc_value_slice_plausible(const struct hc_slice_header *h,
			      uint64_t elemsize)
{
	if (h->len < 0 || h->cap < 0 || h->len > h->cap)
		return false;
	if (h->cap > 0 && !h->ptr)
		return false;
	if (elemsize && (uint64_t)h->cap > (UINT64_MAX - h->ptr) / elemsize)
		return false;
	return true;
}

struct hc_error *hc_value_read_string(const struct hc_aspace *as,
				      uint64_t addr, uint64_t max,
				      char **ret, uint64_t *len_ret,
				      bool *truncated_ret)
{
	uint64_t w[2];
	struct hc_error *err = hc_aspace_read(as, addr, w, sizeof(w));
	if (err)
		return err;
	int64_t len = (int64_t)w[1];
	if (len < 0 || (len > 0 && !w[0]))
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "string at 0x%" PRIx64 ": data 0x%" PRIx64
				       ", length %" PRId64,
				       addr, w[0], len);
	uint64_t n = (uint64_t)len < max ? (uint64_t)len : max;
	char *s;
	err = hc_aspace_read_bytes(as, w[0], n, n, &s);
	if (err)
		return err;
	*ret = s;
	*len_ret = (uint64_t)len;
	if (truncated_ret)
		*truncated_ret = n < (uint64_t)len;
	return NULL;
}

/* ------------------------------------------------------ type descriptors */

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* The name bytes at types_addr + off: a flags byte, a uvarint length, the
 * bytes (src/internal/abi/type.go Name, go1.17+). */
static char *read_name(const struct hc_aspace *as, uint64_t p, bool extra_star)
{
	uint8_t nb[11];
	if (!hc_aspace_readable(as, p))
		return NULL;
	// The name may end near the end of a segment: read what there is.
	size_t have = 0;
	while (have < sizeof(nb)) {
		struct hc_error *err = hc_aspace_read_u8(as, p + have,
							 &nb[have]);
		if (err) {
			hc_error_destroy(err);
			break;
		}
		have++;
		if (have >= 2 && !(nb[have - 1] & 0x80))
			break;
	}
	uint64_t len = 0;
	unsigned shift = 0;
	size_t i = 1;
	for (; i < have; i++, shift += 7) {
		len |= (uint64_t)(nb[i] & 0x7f) << shift;
		if (!(nb[i] & 0x80))
			break;
	}
	if (i >= have || len == 0 || len > MAX_TYPE_NAME)
		return NULL;
	char *raw;
	struct hc_error *err = hc_aspace_read_bytes(as, p + i + 1, len,
						    MAX_TYPE_NAME, &raw);
	if (err) {
		hc_error_destroy(err);
		return NULL;
	}
	const char *s = raw;
	size_t n = len;
	if (extra_star && n > 0 && s[0] == '*') {
		s++;
		n--;
	}
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	bool ok = hc_strbuf_append_escaped(&sb, s, n);
	free(raw);
	char *name = ok ? hc_strbuf_steal(&sb) : NULL;
	hc_strbuf_deinit(&sb);
	return name;
}

static struct hc_error *read_rtype(const struct hc_aspace *as,
				   uint64_t types_addr, uint64_t typ_addr,
				   uint8_t tflag_direct_iface,
				   uint8_t kind_direct_iface,
				   struct hc_rtype *ret)
{
	uint8_t hdr[RTYPE_SIZE];
	struct hc_error *err = hc_aspace_read(as, typ_addr, hdr, sizeof(hdr));
	if (err)
		return hc_error_prefix(err, "reading type descriptor");
	memset(ret, 0, sizeof(*ret));
	ret->addr = typ_addr;
	ret->size = hc_le64(hdr);
	ret->tflag = hdr[RTYPE_TFLAG];
	ret->kind = hdr[RTYPE_KIND] & KIND_MASK;
	if (tflag_direct_iface)
		ret->direct_iface = ret->tflag & tflag_direct_iface;
	else if (kind_direct_iface)
		ret->direct_iface = hdr[RTYPE_KIND] & kind_direct_iface;
	else
		ret->direct_iface = ret->kind == HC_KIND_POINTER ||
				    ret->kind == HC_KIND_UNSAFE_POINTER ||
				    ret->kind == HC_KIND_MAP ||
				    ret->kind == HC_KIND_CHAN ||
				    ret->kind == HC_KIND_FUNC;
	if (types_addr) {
		int32_t str = (int32_t)le32(hdr + RTYPE_STR);
		ret->name = read_name(as, types_addr + (uint64_t)(int64_t)str,
				      ret->tflag & TFLAG_EXTRA_STAR);
	}
	return NULL;
}

struct hc_error *hc_value_read_rtype(const struct hc_aspace *as,
				     uint64_t types_addr, uint64_t typ_addr,
				     uint8_t kind_direct_iface,
				     struct hc_rtype *ret)
{
	return read_rtype(as, types_addr, typ_addr, 0, kind_direct_iface, ret);
}

struct hc_error *hc_value_ctx_read_rtype(const struct hc_value_ctx *ctx,
					 uint64_t typ_addr,
					 struct hc_rtype *ret)
{
	return read_rtype(ctx->as, ctx->types_addr, typ_addr,
			  ctx->tflag_direct_iface, ctx->kind_direct_iface, ret);
}

void hc_rtype_deinit(struct hc_rtype *t)
{
	free(t->name);
	t->name = NULL;
}

char *hc_value_type_name(const struct hc_aspace *as, uint64_t types_addr,
			 uint64_t typ_addr, uint8_t *kind_ret)
{
	struct hc_rtype rt;
	struct hc_error *err = read_rtype(as, types_addr, typ_addr, 0, 0x20,
					  &rt);
	if (err) {
		hc_error_destroy(err);
		return NULL;
	}
	if (kind_ret)
		*kind_ret = rt.kind;
	return rt.name;
}

/* ------------------------------------------------------------ map keys */

/* The pointer types whose target is a runtime type descriptor. */
static bool is_type_descriptor_ptr(const char *name)
{
	static const char *const names[] = {
		"*abi.Type", "*internal/abi.Type", "*runtime._type", "*reflect.rtype",
	};
	for (size_t i = 0; name && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return false;
}

bool hc_value_format_pointer_key(const struct hc_value_ctx *ctx, const char *ptr_type,
				 uint64_t ptr, struct hc_strbuf *out)
{
	const char *tn = ptr_type ? ptr_type : "pointer";
	if (!ptr)
		return hc_strbuf_appendf(out, "nil (%s)", tn);
	if (is_type_descriptor_ptr(ptr_type) && ctx->types_addr) {
		char *name = hc_value_type_name(ctx->as, ctx->types_addr, ptr, NULL);
		if (name && *name) {
			bool ok = hc_strbuf_appends(out, name);
			free(name);
			return ok;
		}
		free(name);
	}
	return hc_strbuf_appendf(out, "0x%" PRIx64 " (%s)", ptr, tn);
}

struct hc_error *hc_value_format_key(const struct hc_value_ctx *ctx,
				     const struct hc_type *type, uint64_t addr,
				     struct hc_strbuf *out,
				     const struct hc_value_options *opts)
{
	enum hc_go_kind kind = hc_value_kind(type);
	const struct hc_type *s = hc_type_strip(type);
	bool quote = kind == HC_KIND_STRING;
	if (kind == HC_KIND_POINTER) {
		uint64_t p;
		struct hc_error *err = hc_aspace_read_u64(ctx->as, addr, &p);
		if (err)
			return err;
		const char *tn = type && type->name ? type->name : s ? s->name : NULL;
		return hc_value_format_pointer_key(ctx, tn, p, out) ? NULL : &hc_error_nomem;
	}
	if (kind == HC_KIND_INTERFACE && ctx->types_addr) {
		uint64_t w0 = 0, data = 0, typ;
		struct hc_error *err = hc_aspace_read_u64(ctx->as, addr, &w0);
		if (!err)
			err = hc_aspace_read_u64(ctx->as, addr + 8, &data);
		if (err)
			return err;
		typ = w0;
		const struct hc_member *first = s && s->num_members ? &s->members[0] : NULL;
		if (w0 && first && first->name && strcmp(first->name, "tab") == 0) {
			err = hc_aspace_read_u64(ctx->as, w0 + ITAB_TYPE, &typ);
			if (err) {
				hc_error_destroy(err);
				typ = 0;
			}
		}
		uint8_t dk = 0;
		char *dname = typ ? hc_value_type_name(ctx->as, ctx->types_addr, typ, &dk) : NULL;
		dk &= KIND_MASK;
		if (dname && dk == HC_KIND_POINTER) {
			bool ok = hc_value_format_pointer_key(ctx, dname, data, out);
			free(dname);
			return ok ? NULL : &hc_error_nomem;
		}
		quote = dname && dk == HC_KIND_STRING;
		free(dname);
	}
	size_t len = out->len;
	if (quote && !hc_strbuf_appendc(out, '"'))
		return &hc_error_nomem;
	struct hc_error *err = hc_value_format(ctx, type, addr, out, opts);
	if (err) {
		out->len = len;
		if (out->str)
			out->str[len] = '\0';
		return err;
	}
	if (quote && !hc_strbuf_appendc(out, '"'))
		return &hc_error_nomem;
	return NULL;
}

/* ------------------------------------------------------------- kinds */

enum hc_go_kind hc_value_kind(const struct hc_type *type)
{
	const struct hc_type *t = type;
	for (int i = 0; t && i < 64; i++) {
		if (t->go_kind)
			return (enum hc_go_kind)t->go_kind;
		if (t->kind != HC_TYPE_TYPEDEF)
			break;
		t = t->target;
	}
	t = hc_type_strip(type);
	if (!t)
		return HC_KIND_INVALID;
	switch (t->kind) {
	case HC_TYPE_BASE:
		switch (t->encoding) {
		case DW_ATE_boolean:
			return HC_KIND_BOOL;
		case DW_ATE_float:
			return t->size == 4 ? HC_KIND_FLOAT32 : HC_KIND_FLOAT64;
		case DW_ATE_complex_float:
			return t->size == 8 ? HC_KIND_COMPLEX64 :
					      HC_KIND_COMPLEX128;
		case DW_ATE_signed:
		case DW_ATE_signed_char:
			switch (t->size) {
			case 1: return HC_KIND_INT8;
			case 2: return HC_KIND_INT16;
			case 4: return HC_KIND_INT32;
			default: return HC_KIND_INT64;
			}
		case DW_ATE_unsigned:
		case DW_ATE_unsigned_char:
			switch (t->size) {
			case 1: return HC_KIND_UINT8;
			case 2: return HC_KIND_UINT16;
			case 4: return HC_KIND_UINT32;
			default: return HC_KIND_UINT64;
			}
		default:
			return HC_KIND_INVALID;
		}
	case HC_TYPE_POINTER:
		return t->target ? HC_KIND_POINTER : HC_KIND_UNSAFE_POINTER;
	case HC_TYPE_STRUCT:
		if (t->name && strcmp(t->name, "string") == 0)
			return HC_KIND_STRING;
		return HC_KIND_STRUCT;
	case HC_TYPE_ARRAY:
		return HC_KIND_ARRAY;
	case HC_TYPE_FUNC:
		return HC_KIND_FUNC;
	default:
		return HC_KIND_INVALID;
	}
}

/* ------------------------------------------------------------ rendering */

struct fmt_state {
	const struct hc_value_ctx *ctx;
	struct hc_value_options o;
	struct hc_strbuf *out;
	size_t out_start;
	/* Bytes the caller holds for [local_addr, local_addr + local_len). */
	const uint8_t *local;
	uint64_t local_addr;
	size_t local_len;
	bool local_unaddressed;
	bool full;
	bool nomem;
};

static bool emit(struct fmt_state *st, const char *s, size_t n)
{
	if (st->full || st->nomem)
		return false;
	if (st->out->len - st->out_start + n > st->o.max_output) {
		st->full = true;
		if (!hc_strbuf_appends(st->out, ELLIPSIS))
			st->nomem = true;
		return false;
	}
	if (!hc_strbuf_append(st->out, s, n)) {
		st->nomem = true;
		return false;
	}
	return true;
}

static bool emits(struct fmt_state *st, const char *s)
{
	return emit(st, s, strlen(s));
}

__attribute__((format(printf, 2, 3))) static bool emitf(struct fmt_state *st,
							 const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return false;
	return emit(st, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/* Append through a scratch builder, keeping the output budget. */
static bool emit_from(struct fmt_state *st, struct hc_strbuf *tmp, bool ok)
{
	if (!ok) {
		st->nomem = true;
		return false;
	}
	return emit(st, tmp->str ? tmp->str : "", tmp->len);
}

/* Read @p n bytes of the value at @p addr (local bytes first). */
static bool rd(struct fmt_state *st, uint64_t addr, void *buf, size_t n)
{
	if (st->local && addr >= st->local_addr &&
	    addr - st->local_addr <= st->local_len &&
	    n <= st->local_len - (addr - st->local_addr)) {
		memcpy(buf, st->local + (addr - st->local_addr), n);
		return true;
	}
	if (st->local && st->local_unaddressed)
		return false;
	struct hc_error *err = hc_aspace_read(st->ctx->as, addr, buf, n);
	if (err) {
		hc_error_destroy(err);
		return false;
	}
	return true;
}

static bool unreadable(struct fmt_state *st, uint64_t addr)
{
	// Memory the process had mapped from a file that the core left out
	// is unavailable, not bad: say where it was.
	const struct hc_core_mapping *m = st->ctx->as ? hc_aspace_file_at(st->ctx->as, addr) : NULL;
	if (m && !hc_aspace_readable(st->ctx->as, addr)) {
		struct hc_strbuf path;
		hc_strbuf_init(&path);
		hc_strbuf_append_escaped(&path, m->path, strlen(m->path));
		bool ok = emitf(st, "<not in the core (file-backed: %s) 0x%" PRIx64 ">",
				path.str ? path.str : "?", addr);
		hc_strbuf_deinit(&path);
		return ok;
	}
	return emitf(st, "<unreadable 0x%" PRIx64 ">", addr);
}

static bool rd_u64(struct fmt_state *st, uint64_t addr, uint64_t *v)
{
	uint8_t b[8];
	if (!rd(st, addr, b, 8))
		return false;
	*v = hc_le64(b);
	return true;
}

static void format_at(struct fmt_state *st, const struct hc_type *type,
		      uint64_t addr, unsigned depth);

static void format_string(struct fmt_state *st, uint64_t addr)
{
	uint64_t ptr, len;
	if (!rd_u64(st, addr, &ptr) || !rd_u64(st, addr + 8, &len)) {
		unreadable(st, addr);
		return;
	}
	if ((int64_t)len < 0 || (len && !ptr)) {
		emitf(st, "<bad string 0x%" PRIx64 " len=%" PRId64 ">", ptr,
		      (int64_t)len);
		return;
	}
	uint64_t n = len < st->o.max_string ? len : st->o.max_string;
	char *s = NULL;
	struct hc_error *err = n ? hc_aspace_read_bytes(st->ctx->as, ptr, n, n,
							&s) :
				   NULL;
	if (err) {
		hc_error_destroy(err);
		unreadable(st, ptr);
		return;
	}
	struct hc_strbuf tmp;
	hc_strbuf_init(&tmp);
	bool ok = true;
	if (st->o.quote_strings)
		ok = hc_strbuf_appendc(&tmp, '"') &&
		     hc_strbuf_append_escaped(&tmp, s ? s : "", n);
	else if (st->o.raw_bytes)
		ok = hc_strbuf_append(&tmp, s ? s : "", n);
	else
		ok = hc_value_append_raw_string(&tmp, s ? s : "", n);
	if (ok && n < len)
		ok = hc_strbuf_appends(&tmp, ELLIPSIS);
	if (ok && st->o.quote_strings)
		ok = hc_strbuf_appendc(&tmp, '"');
	emit_from(st, &tmp, ok);
	hc_strbuf_deinit(&tmp);
	free(s);
}

static void format_scalar(struct fmt_state *st, enum hc_go_kind kind,
			  uint64_t size, uint64_t addr)
{
	uint8_t b[16] = { 0 };
	if (size > sizeof(b) || !size || !rd(st, addr, b, (size_t)size)) {
		unreadable(st, addr);
		return;
	}
	uint64_t u = hc_le64(b);
	switch (kind) {
	case HC_KIND_BOOL:
		emits(st, b[0] ? "true" : "false");
		return;
	case HC_KIND_INT: case HC_KIND_INT8: case HC_KIND_INT16:
	case HC_KIND_INT32: case HC_KIND_INT64: {
		int64_t v = size == 1 ? (int8_t)b[0] :
			    size == 2 ? (int16_t)(b[0] | b[1] << 8) :
			    size == 4 ? (int32_t)le32(b) : (int64_t)u;
		emitf(st, "%" PRId64, v);
		return;
	}
	case HC_KIND_FLOAT32: case HC_KIND_FLOAT64:
	case HC_KIND_COMPLEX64: case HC_KIND_COMPLEX128: {
		struct hc_strbuf tmp;
		hc_strbuf_init(&tmp);
		bool ok;
		if (kind == HC_KIND_FLOAT32 || kind == HC_KIND_COMPLEX64) {
			float f[2];
			memcpy(f, b, sizeof(f));
			ok = kind == HC_KIND_FLOAT32 ?
				     hc_value_append_float(&tmp, f[0], 32) :
				     append_complex(&tmp, f[0], f[1], 32);
		} else {
			double d[2];
			memcpy(d, b, sizeof(d));
			ok = kind == HC_KIND_FLOAT64 ?
				     hc_value_append_float(&tmp, d[0], 64) :
				     append_complex(&tmp, d[0], d[1], 64);
		}
		emit_from(st, &tmp, ok);
		hc_strbuf_deinit(&tmp);
		return;
	}
	default: {
		if (size < 8)
			u &= ((uint64_t)1 << (8 * size)) - 1;
		emitf(st, "%" PRIu64, u);
		return;
	}
	}
}

static void format_func(struct fmt_state *st, uint64_t funcval)
{
	if (!funcval) {
		emits(st, "<nil>");
		return;
	}
	uint64_t pc;
	if (!rd_u64(st, funcval, &pc)) {
		emitf(st, "0x%" PRIx64, funcval);
		return;
	}
	emitf(st, "0x%" PRIx64, pc);
	struct hc_func f;
	if (st->ctx->pclntab) {
		struct hc_error *err = hc_pclntab_find_func(st->ctx->pclntab,
							    pc, &f);
		if (!err && f.name) {
			emits(st, " (");
			struct hc_strbuf tmp;
			hc_strbuf_init(&tmp);
			emit_from(st, &tmp, hc_strbuf_append_escaped(
				&tmp, f.name, strlen(f.name)));
			hc_strbuf_deinit(&tmp);
			emits(st, ")");
		}
		hc_error_destroy(err);
	}
}

/* A map header: count (hmap.count and maps.Map.used are both the first
 * word, runtime/map.go go1.19-go1.25, internal/runtime/maps go1.24+). */
static void format_map(struct fmt_state *st, uint64_t m)
{
	if (!m) {
		emits(st, "map[]");
		return;
	}
	uint64_t count;
	struct hc_error *err = hc_aspace_read_u64(st->ctx->as, m, &count);
	if (err) {
		hc_error_destroy(err);
		emitf(st, "map[?]@0x%" PRIx64, m);
		return;
	}
	emitf(st, "map[len=%" PRIu64 "]@0x%" PRIx64, count, m);
}

static const struct hc_type *slice_elem(const struct hc_type *t)
{
	const struct hc_type *s = hc_type_strip(t);
	for (const struct hc_type *x = t; x; x = x->kind == HC_TYPE_TYPEDEF ? x->target : NULL) {
		if (x->go_elem)
			return x->go_elem;
		if (x->kind != HC_TYPE_TYPEDEF)
			break;
	}
	const struct hc_member *a = hc_type_member(s, "array");
	if (a && a->type) {
		const struct hc_type *p = hc_type_strip(a->type);
		if (p->kind == HC_TYPE_POINTER)
			return p->target;
	}
	return NULL;
}

static void format_elements(struct fmt_state *st, const struct hc_type *elem,
			    uint64_t base, uint64_t n, unsigned depth)
{
	emits(st, "[");
	uint64_t es = elem ? hc_type_strip(elem)->size : 0;
	for (uint64_t i = 0; i < n && !st->full && !st->nomem; i++) {
		if (i)
			emits(st, " ");
		if (i >= st->o.max_elements) {
			emits(st, ELLIPSIS);
			break;
		}
		if (!elem || (es && i > (UINT64_MAX - base) / es)) {
			emits(st, "?");
			break;
		}
		format_at(st, elem, base + i * es, depth + 1);
	}
	emits(st, "]");
}

static void format_slice(struct fmt_state *st, const struct hc_type *type,
			 uint64_t addr, unsigned depth)
{
	struct hc_slice_header h;
	uint64_t w[3];
	if (!rd_u64(st, addr, &w[0]) || !rd_u64(st, addr + 8, &w[1]) ||
	    !rd_u64(st, addr + 16, &w[2])) {
		unreadable(st, addr);
		return;
	}
	h.ptr = w[0];
	h.len = (int64_t)w[1];
	h.cap = (int64_t)w[2];
	const struct hc_type *elem = slice_elem(type);
	uint64_t es = elem ? hc_type_strip(elem)->size : 0;
	if (!hc_value_slice_plausible(&h, es)) {
		emitf(st, "<bad slice 0x%" PRIx64 " len=%" PRId64 " cap=%" PRId64 ">",
		      h.ptr, h.len, h.cap);
		return;
	}
	// Elements live in the target, never in the caller's bytes.
	const uint8_t *local = st->local;
	st->local = NULL;
	format_elements(st, elem, h.ptr, (uint64_t)h.len, depth);
	st->local = local;
}

static void format_iface(struct fmt_state *st, const struct hc_type *type,
			 uint64_t addr, unsigned depth)
{
	const struct hc_type *s = hc_type_strip(type);
	uint64_t w0, data;
	if (!rd_u64(st, addr, &w0) || !rd_u64(st, addr + 8, &data)) {
		unreadable(st, addr);
		return;
	}
	if (!w0) {
		emits(st, "<nil>");
		return;
	}
	uint64_t typ = w0;
	const struct hc_member *first = s && s->num_members ? &s->members[0] :
							    NULL;
	if (first && first->name && strcmp(first->name, "tab") == 0) {
		// Non-empty interface: the itab's Type word.
		struct hc_error *err = hc_aspace_read_u64(st->ctx->as,
							  w0 + ITAB_TYPE, &typ);
		if (err) {
			hc_error_destroy(err);
			unreadable(st, w0);
			return;
		}
	}
	struct hc_rtype rt;
	struct hc_error *err = hc_value_ctx_read_rtype(st->ctx, typ, &rt);
	if (err) {
		hc_error_destroy(err);
		emitf(st, "<type 0x%" PRIx64 " unreadable>", typ);
		return;
	}
	const struct hc_type *dyn = NULL;
	if (st->ctx->dwarf && st->ctx->types_addr && typ >= st->ctx->types_addr) {
		err = hc_dwarf_find_type_by_runtime_type(
			st->ctx->dwarf, typ - st->ctx->types_addr, &dyn);
		if (err) {
			hc_error_destroy(err);
			dyn = NULL;
		}
	}
	// The value: the data word itself for pointer-shaped types
	// (KindDirectIface), else what it points to.
	uint8_t word[8];
	memcpy(word, &data, 8);
	struct fmt_state sub = *st;
	bool direct = rt.direct_iface;
	if (direct) {
		sub.local = word;
		sub.local_addr = 0;
		sub.local_len = 8;
		sub.local_unaddressed = false;
	} else {
		sub.local = NULL;
	}
	uint64_t vaddr = direct ? 0 : data;
	// fmt.Sprint(x) of an interface shows the dynamic value at the
	// top level (&{...} for pointers); nested ones one level down.
	unsigned vdepth = depth == 0 ? 0 : depth + 1;
	if (dyn) {
		format_at(&sub, dyn, vaddr, vdepth);
	} else {
		switch (rt.kind) {
		case HC_KIND_STRING:
			format_string(&sub, vaddr);
			break;
		case HC_KIND_POINTER: case HC_KIND_UNSAFE_POINTER:
		case HC_KIND_CHAN:
			emitf(&sub, "0x%" PRIx64, data);
			break;
		case HC_KIND_MAP:
			format_map(&sub, data);
			break;
		case HC_KIND_FUNC:
			format_func(&sub, data);
			break;
		default:
			if (rt.kind >= HC_KIND_BOOL && rt.kind <= HC_KIND_COMPLEX128 &&
			    rt.size && rt.size <= 16)
				format_scalar(&sub, (enum hc_go_kind)rt.kind,
					      rt.size, vaddr);
			else
				emitf(&sub, "(%s)0x%" PRIx64,
				      rt.name ? rt.name : "?", data);
		}
	}
	st->full = sub.full;
	st->nomem = sub.nomem;
	hc_rtype_deinit(&rt);
}

static void format_at(struct fmt_state *st, const struct hc_type *type,
		      uint64_t addr, unsigned depth)
{
	if (st->full || st->nomem)
		return;
	if (depth > st->o.max_depth) {
		emits(st, ELLIPSIS);
		return;
	}
	enum hc_go_kind kind = hc_value_kind(type);
	const struct hc_type *s = hc_type_strip(type);
	uint64_t w;
	switch (kind) {
	case HC_KIND_BOOL: case HC_KIND_INT: case HC_KIND_INT8:
	case HC_KIND_INT16: case HC_KIND_INT32: case HC_KIND_INT64:
	case HC_KIND_UINT: case HC_KIND_UINT8: case HC_KIND_UINT16:
	case HC_KIND_UINT32: case HC_KIND_UINT64: case HC_KIND_UINTPTR:
	case HC_KIND_FLOAT32: case HC_KIND_FLOAT64: case HC_KIND_COMPLEX64:
	case HC_KIND_COMPLEX128:
		format_scalar(st, kind, s ? s->size : 0, addr);
		return;
	case HC_KIND_STRING:
		format_string(st, addr);
		return;
	case HC_KIND_SLICE:
		format_slice(st, type, addr, depth);
		return;
	case HC_KIND_INTERFACE:
		format_iface(st, type, addr, depth);
		return;
	case HC_KIND_MAP: case HC_KIND_CHAN: case HC_KIND_FUNC:
	case HC_KIND_POINTER: case HC_KIND_UNSAFE_POINTER:
		if (!rd_u64(st, addr, &w)) {
			unreadable(st, addr);
			return;
		}
		if (kind == HC_KIND_MAP) {
			format_map(st, w);
		} else if (kind == HC_KIND_FUNC) {
			format_func(st, w);
		} else if (!w) {
			emits(st, "<nil>");
		} else if (kind == HC_KIND_POINTER && depth == 0 && s &&
			   s->target) {
			// fmt prints &{...} / &[...] for a pointer at the top.
			enum hc_go_kind tk = hc_value_kind(s->target);
			if (tk == HC_KIND_STRUCT || tk == HC_KIND_ARRAY ||
			    tk == HC_KIND_SLICE || tk == HC_KIND_MAP) {
				const uint8_t *local = st->local;
				st->local = NULL;
				emits(st, "&");
				format_at(st, s->target, w, depth + 1);
				st->local = local;
			} else {
				emitf(st, "0x%" PRIx64, w);
			}
		} else {
			emitf(st, "0x%" PRIx64, w);
		}
		return;
	case HC_KIND_ARRAY:
		if (s && s->kind == HC_TYPE_ARRAY) {
			format_elements(st, s->target, addr, s->count, depth);
			return;
		}
		break;
	case HC_KIND_STRUCT:
		if (s && s->kind == HC_TYPE_STRUCT) {
			emits(st, "{");
			bool first = true;
			for (size_t i = 0; i < s->num_members; i++) {
				const struct hc_member *m = &s->members[i];
				// Blank fields (`_`) are printed by fmt too;
				// zero-size markers are not worth a slot.
				if (!m->type || (m->name && m->name[0] == '_' &&
						 !m->name[1] &&
						 hc_type_strip(m->type)->size == 0))
					continue;
				if (!first)
					emits(st, " ");
				first = false;
				format_at(st, m->type, addr + m->offset,
					  depth + 1);
			}
			emits(st, "}");
			return;
		}
		break;
	default:
		break;
	}
	emitf(st, "<%s>", type && type->name ? type->name : "?");
}

static struct hc_error *format(const struct hc_value_ctx *ctx,
			       const struct hc_type *type, uint64_t addr,
			       const void *buf, size_t len,
			       struct hc_strbuf *out,
			       const struct hc_value_options *opts)
{
	struct fmt_state st;
	memset(&st, 0, sizeof(st));
	st.ctx = ctx;
	if (opts)
		st.o = *opts;
	else
		hc_value_options_default(&st.o);
	if (!st.o.max_output)
		st.o.max_output = 16384;
	st.out = out;
	st.out_start = out->len;
	uint64_t size = hc_type_strip(type) ? hc_type_strip(type)->size : 0;
	if (buf) {
		st.local = buf;
		st.local_addr = addr;
		st.local_len = len;
		st.local_unaddressed = false;
	} else if (size && size <= 1 << 20) {
		// The value's own bytes must be readable.
		if (!hc_aspace_readable(ctx->as, addr) ||
		    !hc_aspace_readable(ctx->as, addr + size - 1))
			return hc_error_fault(addr, "reading a value");
	}
	format_at(&st, type, addr, 0);
	if (st.nomem)
		return &hc_error_nomem;
	return NULL;
}

struct hc_error *hc_value_format(const struct hc_value_ctx *ctx,
				 const struct hc_type *type, uint64_t addr,
				 struct hc_strbuf *out,
				 const struct hc_value_options *opts)
{
	return format(ctx, type, addr, NULL, 0, out, opts);
}

struct hc_error *hc_value_format_bytes(const struct hc_value_ctx *ctx,
				       const struct hc_type *type,
				       const void *buf, size_t len,
				       uint64_t addr, struct hc_strbuf *out,
				       const struct hc_value_options *opts)
{
	return format(ctx, type, addr, buf, len, out, opts);
}
