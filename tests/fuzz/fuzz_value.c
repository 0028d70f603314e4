/*
 * Fuzz harness 6: the value renderer and the escaping of untrusted text
 * (src/go/value.c, src/util/strbuf.c, src/report/json.c).
 *
 * Input: byte 0 selects options (quoted strings, small limits), bytes 1-2
 * an offset; the rest is target memory at MEM (a synthetic core segment, at
 * most MEM_SIZE bytes) that hand-built DWARF-like types are rendered from,
 * with the type descriptors of interfaces read from the same memory
 * (types_addr = MEM). The raw input also goes through
 * hc_strbuf_append_escaped(), hc_value_append_raw_string(), the JSON
 * writer and the float formatter.
 */
#include "config.h"

#include <dwarf.h>
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "hmapcore/aspace.h"
#include "hmapcore/core.h"
#include "hmapcore/file.h"
#include "hmapcore/json.h"
#include "hmapcore/strbuf.h"
#include "hmapcore/value.h"
#include "testelf.h"

enum { MEM = 0x50000, MEM_SIZE = 0x2000, HEADER = 3 };

static volatile uint64_t sink;

#define BASE(var, nm, sz, enc, gk) \
	static struct hc_type var = { .name = nm, .kind = HC_TYPE_BASE, \
				      .size = sz, .has_size = true, \
				      .encoding = enc, .go_kind = gk }
BASE(t_int, "int", 8, DW_ATE_signed, 2);
BASE(t_int32, "int32", 4, DW_ATE_signed, 5);
BASE(t_uint8, "uint8", 1, DW_ATE_unsigned, 8);
BASE(t_uint16, "uint16", 2, DW_ATE_unsigned, 9);
BASE(t_uintptr, "uintptr", 8, DW_ATE_unsigned, 12);
BASE(t_f32, "float32", 4, DW_ATE_float, 13);
BASE(t_f64, "float64", 8, DW_ATE_float, 14);
BASE(t_c64, "complex64", 8, DW_ATE_complex_float, 15);
BASE(t_c128, "complex128", 16, DW_ATE_complex_float, 16);
BASE(t_bool, "bool", 1, DW_ATE_boolean, 1);
// No go_kind: the kind is guessed from the shape.
BASE(t_guess, "mystery", 3, DW_ATE_signed, 0);

#define PTR(var, nm, tgt) \
	static struct hc_type var = { .name = nm, .kind = HC_TYPE_POINTER, \
				      .size = 8, .has_size = true, \
				      .go_kind = 22, .target = tgt }
PTR(t_u8ptr, "*uint8", &t_uint8);
PTR(t_intptr, "*int", &t_int);
static struct hc_type t_unsafe = { .name = "unsafe.Pointer",
				   .kind = HC_TYPE_POINTER, .size = 8,
				   .has_size = true, .go_kind = 26 };

static struct hc_member string_m[] = {
	{ .name = "str", .offset = 0, .type = &t_u8ptr },
	{ .name = "len", .offset = 8, .type = &t_int },
};
static struct hc_type t_string = { .name = "string", .kind = HC_TYPE_STRUCT,
				   .size = 16, .has_size = true, .go_kind = 24,
				   .members = string_m, .num_members = 2 };
PTR(t_strptr, "*string", &t_string);

static struct hc_member slice_m[] = {
	{ .name = "array", .offset = 0, .type = &t_intptr },
	{ .name = "len", .offset = 8, .type = &t_int },
	{ .name = "cap", .offset = 16, .type = &t_int },
};
static struct hc_type t_slice = { .name = "[]int", .kind = HC_TYPE_STRUCT,
				  .size = 24, .has_size = true, .go_kind = 23,
				  .members = slice_m, .num_members = 3,
				  .go_elem = &t_int };
static struct hc_member sslice_m[] = {
	{ .name = "array", .offset = 0, .type = &t_strptr },
	{ .name = "len", .offset = 8, .type = &t_int },
	{ .name = "cap", .offset = 16, .type = &t_int },
};
static struct hc_type t_sslice = { .name = "[]string", .kind = HC_TYPE_STRUCT,
				   .size = 24, .has_size = true, .go_kind = 23,
				   .members = sslice_m, .num_members = 3,
				   .go_elem = &t_string };
static struct hc_type t_arr = { .name = "[3]int", .kind = HC_TYPE_ARRAY,
				.size = 24, .has_size = true, .go_kind = 17,
				.target = &t_int, .count = 3 };
static struct hc_type t_sarr = { .name = "[2]string", .kind = HC_TYPE_ARRAY,
				 .size = 32, .has_size = true, .go_kind = 17,
				 .target = &t_string, .count = 2 };
// DWARF from a hostile executable: a count that cannot be right.
static struct hc_type t_hugearr = { .name = "[4611686018427387904]int",
				    .kind = HC_TYPE_ARRAY, .size = 16,
				    .has_size = true, .go_kind = 17,
				    .target = &t_int, .count = 1ULL << 62 };
static struct hc_type t_emptyarr = { .name = "[0]int", .kind = HC_TYPE_ARRAY,
				     .size = 0, .has_size = true, .go_kind = 17,
				     .target = &t_int, .count = 0 };

static struct hc_member eface_m[] = {
	{ .name = "_type", .offset = 0, .type = &t_unsafe },
	{ .name = "data", .offset = 8, .type = &t_unsafe },
};
static struct hc_type t_eface = { .name = "interface {}",
				  .kind = HC_TYPE_STRUCT, .size = 16,
				  .has_size = true, .go_kind = 20,
				  .members = eface_m, .num_members = 2 };
static struct hc_member iface_m[] = {
	{ .name = "tab", .offset = 0, .type = &t_unsafe },
	{ .name = "data", .offset = 8, .type = &t_unsafe },
};
static struct hc_type t_iface = { .name = "error", .kind = HC_TYPE_STRUCT,
				  .size = 16, .has_size = true, .go_kind = 20,
				  .members = iface_m, .num_members = 2 };

static struct hc_type t_map = { .name = "map[string]int",
				.kind = HC_TYPE_TYPEDEF, .size = 8,
				.has_size = true, .go_kind = 21,
				.target = &t_unsafe, .go_key = &t_string,
				.go_elem = &t_int };
static struct hc_type t_chan = { .name = "chan int", .kind = HC_TYPE_TYPEDEF,
				 .size = 8, .has_size = true, .go_kind = 18,
				 .target = &t_unsafe, .go_elem = &t_int };
static struct hc_type t_func = { .name = "func()", .kind = HC_TYPE_POINTER,
				 .size = 8, .has_size = true, .go_kind = 19 };

/* type node struct { v int; name string; next *node; kids []int; any
 * interface{}; m map[string]int; c [2]complex64-ish } */
static struct hc_type t_node;
PTR(t_nodeptr, "*main.node", &t_node);
static struct hc_member node_m[] = {
	{ .name = "v", .offset = 0, .type = &t_int },
	{ .name = "name", .offset = 8, .type = &t_string },
	{ .name = "next", .offset = 24, .type = &t_nodeptr },
	{ .name = "kids", .offset = 32, .type = &t_slice },
	{ .name = "any", .offset = 56, .type = &t_eface },
	{ .name = "m", .offset = 72, .type = &t_map },
	{ .name = "f", .offset = 80, .type = &t_f32 },
	{ .name = "b", .offset = 84, .type = &t_bool },
	{ .name = "", .offset = 88, .type = &t_c64, .embedded = true },
	// A member past the struct's size: DWARF that cannot be right.
	{ .name = "bad", .offset = 1000, .type = &t_c128 },
};
static struct hc_type t_node = { .name = "main.node", .kind = HC_TYPE_STRUCT,
				 .size = 96, .has_size = true, .go_kind = 25,
				 .members = node_m,
				 .num_members = sizeof(node_m) / sizeof(node_m[0]) };
static struct hc_type t_named = { .name = "main.Name", .kind = HC_TYPE_TYPEDEF,
				  .size = 16, .has_size = true, .go_kind = 24,
				  .target = &t_string };
static struct hc_type t_void = { .name = NULL, .kind = HC_TYPE_VOID };

static const struct hc_type *const TYPES[] = {
	&t_int, &t_int32, &t_uint8, &t_uint16, &t_uintptr, &t_f32, &t_f64,
	&t_c64, &t_c128, &t_bool, &t_guess, &t_u8ptr, &t_intptr, &t_unsafe,
	&t_string, &t_strptr, &t_slice, &t_sslice, &t_arr, &t_sarr,
	&t_hugearr, &t_emptyarr, &t_eface, &t_iface, &t_map, &t_chan, &t_func,
	&t_node, &t_nodeptr, &t_named, &t_void,
};
enum { NTYPES = sizeof(TYPES) / sizeof(TYPES[0]) };

static uint8_t mem[MEM_SIZE];

static void text_paths(const uint8_t *data, size_t size)
{
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	hc_strbuf_append_escaped(&sb, (const char *)data, size);
	hc_value_append_raw_string(&sb, (const char *)data, size);
	if (size >= 8) {
		double d;
		float f;
		memcpy(&d, data, 8);
		memcpy(&f, data, 4);
		hc_value_append_float(&sb, d, 64);
		hc_value_append_float(&sb, f, 32);
	}
	hc_strbuf_reset(&sb);
	struct hc_json j;
	hc_json_init(&j, &sb, size & 1);
	hc_json_object_begin(&j);
	hc_json_key(&j, "raw");
	hc_json_string_n(&j, (const char *)data, size);
	char key[32];
	size_t kn = size < sizeof(key) - 1 ? size : sizeof(key) - 1;
	memcpy(key, data, kn);
	key[kn] = 0;
	hc_json_key(&j, key);
	hc_json_array_begin(&j);
	// Nesting from the input, past the writer's depth limit.
	for (size_t i = 0; i < size && i < 80; i++) {
		switch (data[i] & 7) {
		case 0: hc_json_array_begin(&j); break;
		case 1: hc_json_array_end(&j); break;
		case 2: hc_json_object_begin(&j); hc_json_key(&j, "k"); break;
		case 3: hc_json_object_end(&j); break;
		case 4: hc_json_string_n(&j, (const char *)data + i, size - i); break;
		case 5: hc_json_hex(&j, data[i]); break;
		case 6: hc_json_i64(&j, -(int64_t)data[i]); break;
		default: hc_json_null(&j); break;
		}
	}
	sink += hc_json_failed(&j) + sb.len;
	hc_strbuf_deinit(&sb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	text_paths(data, size);
	if (size < HEADER)
		return 0;
	uint8_t opt = data[0];
	uint64_t off = (uint64_t)(data[1] | data[2] << 8) % MEM_SIZE;
	memset(mem, 0, sizeof(mem));
	memcpy(mem, data + HEADER,
	       size - HEADER < MEM_SIZE ? size - HEADER : MEM_SIZE);

	struct testelf_core *c = testelf_core_create(EM_X86_64);
	testelf_core_add_load(c, MEM, MEM_SIZE, PF_R | PF_W, mem, MEM_SIZE);
	size_t img_size;
	uint8_t *img = testelf_core_build(c, &img_size);
	testelf_core_destroy(c);
	struct hc_file *file;
	struct hc_core *core;
	struct hc_aspace *as;
	if (hc_file_open_memory(img, img_size, "fake", &file) ||
	    hc_core_open(file, &core) || hc_aspace_create(core, NULL, 0, &as))
		abort(); // our own well-formed image

	struct hc_value_ctx ctx = {
		.as = as, .types_addr = MEM,
		.kind_direct_iface = (opt & 0x10) ? 0 : 0x20,
		.tflag_direct_iface = (opt & 0x10) ? 0x20 : 0,
	};
	struct hc_value_options o;
	hc_value_options_default(&o);
	o.quote_strings = opt & 1;
	if (opt & 2) {
		o.max_depth = opt >> 5;
		o.max_string = opt & 0x0c;
		o.max_elements = (opt >> 2) & 3;
		o.max_output = opt & 0x40 ? 64 : 0;
	}
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	for (size_t i = 0; i < NTYPES; i++) {
		uint64_t addrs[] = { MEM + off, MEM + (off + 8 * i) % MEM_SIZE,
				     MEM + MEM_SIZE - 8 };
		for (size_t k = 0; k < 3; k++) {
			struct hc_error *err = hc_value_format(&ctx, TYPES[i],
							       addrs[k], &sb,
							       &o);
			hc_error_destroy(err);
			hc_strbuf_reset(&sb);
		}
		{
			size_t n = size - HEADER < 96 ? size - HEADER : 96;
			struct hc_error *err = hc_value_format_bytes(
				&ctx, TYPES[i], data + HEADER, n, MEM, &sb, &o);
			hc_error_destroy(err);
			hc_strbuf_reset(&sb);
		}
		sink += hc_value_kind(TYPES[i]);
	}
	hc_strbuf_deinit(&sb);

	struct hc_slice_header sh;
	struct hc_error *err = hc_value_read_slice_header(as, MEM + off, &sh);
	if (!err)
		sink += hc_value_slice_plausible(&sh, off);
	hc_error_destroy(err);
	char *s;
	uint64_t len;
	bool trunc;
	err = hc_value_read_string(as, MEM + off, 64, &s, &len, &trunc);
	if (!err)
		free(s);
	hc_error_destroy(err);
	struct hc_rtype rt;
	err = hc_value_ctx_read_rtype(&ctx, MEM + off, &rt);
	if (!err)
		hc_rtype_deinit(&rt);
	hc_error_destroy(err);
	uint8_t kind;
	s = hc_value_type_name(as, MEM, MEM + off, &kind);
	free(s);

	hc_aspace_destroy(as);
	hc_core_destroy(core);
	free(img);
	return 0;
}
