/*
 * Tests of the DWARF index (src/dwarf/dwarf.c).
 *
 * Inputs are built at test time: small C programs compiled with gcc
 * (DWARF 4, DWARF 5, compressed sections, no DWARF), whose own output
 * (sizeof/offsetof) and symbol table are the oracles; a hand-written
 * assembly CU with Go's attributes, constants and corrupt references; and,
 * when present, the executables of the corefiles/ fixtures, checked against
 * their manifest.json.
 */
#include "config.h"

#include <check.h>
#include <dwarf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <glob.h>
#include <inttypes.h>
#include <libelf.h>
#include <limits.h>
#include "testelf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hmapcore/core.h"
#include "hmapcore/dwarf.h"
#include "hmapcore/buildinfo.h"
#include "hmapcore/layout.h"

#define ck_assert_ok(expr)                                                   \
	do {                                                                 \
		struct hc_error *err_ = (expr);                              \
		ck_assert_msg(err_ == NULL, "%s failed: %s", #expr,          \
			      err_ ? err_->message : "");                    \
	} while (0)

#define ck_assert_code(expr, want)                                           \
	do {                                                                 \
		struct hc_error *err_ = (expr);                              \
		ck_assert_msg(err_ != NULL, "%s succeeded, want %s", #expr,  \
			      #want);                                        \
		ck_assert_msg(err_->code == (want), "%s: got %s (%s)", #expr, \
			      hc_error_code_text(err_->code), err_->message); \
		hc_error_destroy(err_);                                      \
	} while (0)

/* ------------------------------------------------------ scratch folder */

struct scratch {
	char dir[PATH_MAX];
};

static void scratch_init(struct scratch *s)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(s->dir, sizeof(s->dir), "%s/check_dwarf.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	ck_assert_msg(mkdtemp(s->dir) != NULL, "mkdtemp: %s", strerror(errno));
}

static void scratch_path(const struct scratch *s, const char *name,
			 char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s/%s", s->dir, name);
	ck_assert(n > 0 && (size_t)n < size);
}

static void scratch_write(const struct scratch *s, const char *name,
			  const char *text)
{
	char path[PATH_MAX];
	scratch_path(s, name, path, sizeof(path));
	FILE *f = fopen(path, "w");
	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

static void scratch_deinit(struct scratch *s)
{
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", s->dir);
}

static void run(const char *cmd)
{
	int r = system(cmd);
	ck_assert_msg(r == 0, "`%s` failed (%d)", cmd, r);
}

/* --------------------------------------------------- the C test program */

static const char c_program[] =
	"#include <stddef.h>\n"
	"#include <stdio.h>\n"
	"struct inner { char c; long l; short s[3]; };\n"
	"struct node {\n"
	"	int value;\n"
	"	struct node *next;\n"
	"	struct inner in;\n"
	"	int arr[7];\n"
	"	double d;\n"
	"};\n"
	"typedef struct node node_t;\n"
	"typedef node_t *node_ptr;\n"
	"struct pair { int a, b; };\n"
	"typedef struct pair pair;\n"
	"union number { int i; double d; };\n"
	"struct flex { int n; char data[]; };\n"
	"struct node global_node;\n"
	"node_ptr global_ptr;\n"
	"pair global_pair;\n"
	"int global_matrix[3][5];\n"
	"unsigned long counter = 42;\n"
	"const int answer = 42;\n"
	"union number global_number;\n"
	"struct flex *global_flex;\n"
	"static int hidden_static = 7;\n"
	"#define P(name, value) printf(\"%s %zu\\n\", name, (size_t)(value))\n"
	"int main(void)\n"
	"{\n"
	"	P(\"sizeof_node\", sizeof(struct node));\n"
	"	P(\"sizeof_inner\", sizeof(struct inner));\n"
	"	P(\"sizeof_number\", sizeof(union number));\n"
	"	P(\"off_next\", offsetof(struct node, next));\n"
	"	P(\"off_in\", offsetof(struct node, in));\n"
	"	P(\"off_in_l\", offsetof(struct node, in.l));\n"
	"	P(\"off_in_s\", offsetof(struct node, in.s));\n"
	"	P(\"off_arr\", offsetof(struct node, arr));\n"
	"	P(\"off_d\", offsetof(struct node, d));\n"
	"	P(\"off_pair_b\", offsetof(struct pair, b));\n"
	"	P(\"off_flex_data\", offsetof(struct flex, data));\n"
	"	return global_node.value + global_matrix[0][0] + (int)counter\n"
	"	       + answer + global_number.i + (global_flex != 0)\n"
	"	       + (global_ptr != 0) + global_pair.a + hidden_static - 91;\n"
	"}\n";

struct cprog {
	struct scratch scratch;
	char exe[PATH_MAX];
	int fd;
	Elf *elf;
	struct hc_dwarf *d;
	struct {
		char key[32];
		uint64_t value;
	} values[32];
	size_t num_values;
};

static void cprog_open_elf(struct cprog *p)
{
	ck_assert_int_ne(elf_version(EV_CURRENT), EV_NONE);
	p->fd = open(p->exe, O_RDONLY);
	ck_assert_msg(p->fd >= 0, "%s: %s", p->exe, strerror(errno));
	p->elf = elf_begin(p->fd, ELF_C_READ_MMAP, NULL);
	ck_assert_msg(p->elf != NULL, "elf_begin: %s", elf_errmsg(-1));
}

/*
 * Compile the C program with @p flags, run it for its sizeof/offsetof
 * values, then apply @p post (a shell command on "$EXE", or NULL) and open
 * the result.
 */
static void cprog_build(struct cprog *p, const char *flags, const char *post)
{
	memset(p, 0, sizeof(*p));
	p->fd = -1;
	scratch_init(&p->scratch);
	scratch_write(&p->scratch, "prog.c", c_program);
	scratch_path(&p->scratch, "prog", p->exe, sizeof(p->exe));
	char cmd[4 * PATH_MAX];
	snprintf(cmd, sizeof(cmd), "gcc %s -O0 -o '%s' '%s/prog.c'", flags,
		 p->exe, p->scratch.dir);
	run(cmd);
	snprintf(cmd, sizeof(cmd), "'%s'", p->exe);
	FILE *out = popen(cmd, "r");
	ck_assert(out != NULL);
	char key[32];
	uint64_t value;
	while (p->num_values < 32 &&
	       fscanf(out, "%31s %" SCNu64, key, &value) == 2) {
		strcpy(p->values[p->num_values].key, key);
		p->values[p->num_values++].value = value;
	}
	ck_assert_int_eq(pclose(out), 0);
	ck_assert_uint_ge(p->num_values, 11);
	if (post) {
		snprintf(cmd, sizeof(cmd), "EXE='%s'; %s", p->exe, post);
		run(cmd);
	}
	cprog_open_elf(p);
}

static uint64_t cprog_value(const struct cprog *p, const char *key)
{
	for (size_t i = 0; i < p->num_values; i++) {
		if (strcmp(p->values[i].key, key) == 0)
			return p->values[i].value;
	}
	ck_abort_msg("program printed no %s", key);
	return 0;
}

static void cprog_destroy(struct cprog *p)
{
	hc_dwarf_destroy(p->d);
	if (p->elf)
		elf_end(p->elf);
	if (p->fd >= 0)
		close(p->fd);
	scratch_deinit(&p->scratch);
}

/* The value of symbol @p name in the ELF symbol table. */
static uint64_t symbol_value(Elf *elf, const char *name)
{
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr shdr;
		ck_assert(gelf_getshdr(scn, &shdr) != NULL);
		if (shdr.sh_type != SHT_SYMTAB || shdr.sh_entsize == 0)
			continue;
		Elf_Data *data = elf_getdata(scn, NULL);
		ck_assert(data != NULL);
		size_t n = shdr.sh_size / shdr.sh_entsize;
		for (size_t i = 0; i < n; i++) {
			GElf_Sym sym;
			ck_assert(gelf_getsym(data, (int)i, &sym) != NULL);
			const char *s = elf_strptr(elf, shdr.sh_link,
						   sym.st_name);
			if (s && strcmp(s, name) == 0)
				return sym.st_value;
		}
	}
	ck_abort_msg("no symbol %s", name);
	return 0;
}

/* Whether section @p name has SHF_COMPRESSED. */
static bool section_compressed(Elf *elf, const char *name)
{
	size_t shstrndx;
	ck_assert_int_eq(elf_getshdrstrndx(elf, &shstrndx), 0);
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr shdr;
		ck_assert(gelf_getshdr(scn, &shdr) != NULL);
		const char *s = elf_strptr(elf, shstrndx, shdr.sh_name);
		if (s && strcmp(s, name) == 0)
			return (shdr.sh_flags & SHF_COMPRESSED) != 0;
	}
	ck_abort_msg("no section %s", name);
	return false;
}

/* Everything a user would check of the C program's DWARF. */
static void check_cprog(struct cprog *p, int want_version)
{
	struct hc_dwarf *d = p->d;
	ck_assert_int_eq(hc_dwarf_version(d), want_version);
	ck_assert_uint_ge(hc_dwarf_num_cus(d), 1);
	ck_assert_ptr_nonnull(hc_dwarf_producer(d));
	ck_assert_msg(strncmp(hc_dwarf_producer(d), "GNU C", 5) == 0,
		      "producer %s", hc_dwarf_producer(d));

	// struct node: size, members, and the recursive next pointer.
	const struct hc_type *node;
	ck_assert_ok(hc_dwarf_find_type(d, "node", &node));
	ck_assert_int_eq(node->kind, HC_TYPE_STRUCT);
	ck_assert_str_eq(node->name, "node");
	ck_assert(node->has_size);
	ck_assert_uint_eq(node->size, cprog_value(p, "sizeof_node"));
	ck_assert_uint_eq(node->num_members, 5);
	ck_assert_str_eq(node->members[0].name, "value");
	ck_assert_uint_eq(node->members[0].offset, 0);
	const struct hc_member *next = hc_type_member(node, "next");
	ck_assert_ptr_nonnull(next);
	ck_assert_uint_eq(next->offset, cprog_value(p, "off_next"));
	ck_assert_int_eq(next->type->kind, HC_TYPE_POINTER);
	ck_assert_uint_eq(next->type->size, sizeof(void *));
	ck_assert_ptr_eq(next->type->target, node);
	ck_assert(!next->embedded);
	ck_assert_uint_eq(hc_type_member(node, "in")->offset,
			  cprog_value(p, "off_in"));
	ck_assert_uint_eq(hc_type_member(node, "d")->offset,
			  cprog_value(p, "off_d"));
	ck_assert_ptr_null(hc_type_member(node, "nope"));
	ck_assert_ptr_null(hc_type_member(node, "nex"));

	// Arrays: a member, a two-dimensional global, a flexible member.
	const struct hc_member *arr = hc_type_member(node, "arr");
	ck_assert_uint_eq(arr->offset, cprog_value(p, "off_arr"));
	ck_assert_int_eq(arr->type->kind, HC_TYPE_ARRAY);
	ck_assert_uint_eq(arr->type->count, 7);
	ck_assert_uint_eq(arr->type->size, 7 * sizeof(int));
	ck_assert_str_eq(arr->type->target->name, "int");
	uint64_t addr;
	const struct hc_type *t;
	ck_assert_ok(hc_dwarf_find_variable(d, "global_matrix", &addr, &t));
	ck_assert_int_eq(t->kind, HC_TYPE_ARRAY);
	ck_assert_uint_eq(t->count, 15);
	ck_assert_uint_eq(t->size, 15 * sizeof(int));
	const struct hc_type *flex;
	ck_assert_ok(hc_dwarf_find_type(d, "flex", &flex));
	const struct hc_member *data = hc_type_member(flex, "data");
	ck_assert_uint_eq(data->offset, cprog_value(p, "off_flex_data"));
	ck_assert_int_eq(data->type->kind, HC_TYPE_ARRAY);
	ck_assert_uint_eq(data->type->count, 0);

	// Nested member paths, also through a typedef.
	uint64_t off;
	ck_assert_ok(hc_dwarf_member_offset(d, "node", "in.l", &off));
	ck_assert_uint_eq(off, cprog_value(p, "off_in_l"));
	ck_assert_ok(hc_dwarf_member_offset(d, "node_t", "in.s", &off));
	ck_assert_uint_eq(off, cprog_value(p, "off_in_s"));
	ck_assert_ok(hc_dwarf_member_offset(d, "pair", "b", &off));
	ck_assert_uint_eq(off, cprog_value(p, "off_pair_b"));
	uint64_t size;
	ck_assert_ok(hc_dwarf_type_size(d, "inner", &size));
	ck_assert_uint_eq(size, cprog_value(p, "sizeof_inner"));
	ck_assert_ok(hc_dwarf_type_size(d, "number", &size));
	ck_assert_uint_eq(size, cprog_value(p, "sizeof_number"));

	// Globals: addresses agree with the symbol table.
	ck_assert_ok(hc_dwarf_find_variable(d, "counter", &addr, &t));
	ck_assert_uint_eq(addr, symbol_value(p->elf, "counter"));
	ck_assert_int_eq(t->kind, HC_TYPE_BASE);
	ck_assert_uint_eq(t->size, sizeof(unsigned long));
	ck_assert_int_eq(t->encoding, DW_ATE_unsigned);
	ck_assert_ok(hc_dwarf_find_variable(d, "global_node", &addr, &t));
	ck_assert_uint_eq(addr, symbol_value(p->elf, "global_node"));
	ck_assert_ptr_eq(t, node);
	ck_assert_ok(hc_dwarf_find_variable(d, "hidden_static", &addr, NULL));
	ck_assert_uint_eq(addr, symbol_value(p->elf, "hidden_static"));
	ck_assert_ok(hc_dwarf_find_variable(d, "answer", &addr, &t));
	ck_assert_uint_eq(addr, symbol_value(p->elf, "answer"));
	ck_assert_int_eq(t->kind, HC_TYPE_TYPEDEF); // const int
	ck_assert_int_eq(hc_type_strip(t)->encoding, DW_ATE_signed);
	ck_assert_uint_eq(t->size, sizeof(int));
	ck_assert_ok(hc_dwarf_find_variable(d, "global_ptr", &addr, &t));
	ck_assert_str_eq(t->name, "node_ptr");
	ck_assert_uint_eq(t->size, sizeof(void *));
	ck_assert_int_eq(hc_type_strip(t)->kind, HC_TYPE_POINTER);
	ck_assert_ptr_eq(hc_type_strip(hc_type_strip(t)->target), node);

	// Functions.
	uint64_t pc;
	ck_assert_ok(hc_dwarf_find_function(d, "main", &pc));
	ck_assert_uint_eq(pc, symbol_value(p->elf, "main"));
}

static void check_cprog_variant(const char *flags, int version)
{
	struct cprog p;
	cprog_build(&p, flags, NULL);
	ck_assert_ok(hc_dwarf_create(p.elf, &p.d));
	check_cprog(&p, version);
	cprog_destroy(&p);
}

START_TEST(test_dwarf_c_dwarf4)
{
	check_cprog_variant("-gdwarf-4", 4);
}
END_TEST

START_TEST(test_dwarf_c_dwarf5)
{
	check_cprog_variant("-gdwarf-5", 5);
}
END_TEST

START_TEST(test_dwarf_c_pie_dwarf5)
{
	check_cprog_variant("-gdwarf-5 -fPIE -pie", 5);
}
END_TEST

static void check_compressed(const char *flags, int version)
{
	struct cprog p;
	cprog_build(&p, flags, NULL);
	// The test is void if the toolchain did not compress.
	ck_assert(section_compressed(p.elf, ".debug_info"));
	ck_assert_ok(hc_dwarf_create(p.elf, &p.d));
	check_cprog(&p, version);
	cprog_destroy(&p);
}

START_TEST(test_dwarf_compressed_dwarf4)
{
	check_compressed("-gdwarf-4 -gz=zlib", 4);
}
END_TEST

START_TEST(test_dwarf_compressed_dwarf5)
{
	check_compressed("-gdwarf-5 -gz=zlib", 5);
}
END_TEST

START_TEST(test_dwarf_typedef)
{
	struct cprog p;
	cprog_build(&p, "-gdwarf-5", NULL);
	ck_assert_ok(hc_dwarf_create(p.elf, &p.d));
	// Only a typedef has this name: it is what comes back.
	const struct hc_type *t, *node;
	ck_assert_ok(hc_dwarf_find_type(p.d, "node_t", &t));
	ck_assert_int_eq(t->kind, HC_TYPE_TYPEDEF);
	ck_assert_str_eq(t->name, "node_t");
	ck_assert_uint_eq(t->size, cprog_value(&p, "sizeof_node"));
	ck_assert_ok(hc_dwarf_find_type(p.d, "node", &node));
	ck_assert_ptr_eq(t->target, node);
	ck_assert_ptr_eq(hc_type_strip(t), node);
	// Members are found through the typedef.
	ck_assert_ptr_eq(hc_type_member(t, "next"), hc_type_member(node, "next"));
	// A typedef and a struct named alike: the struct wins.
	ck_assert_ok(hc_dwarf_find_type(p.d, "pair", &t));
	ck_assert_int_eq(t->kind, HC_TYPE_STRUCT);
	ck_assert_uint_eq(t->num_members, 2);
	// Memoised: the same object every time.
	const struct hc_type *again;
	ck_assert_ok(hc_dwarf_find_type(p.d, "pair", &again));
	ck_assert_ptr_eq(t, again);
	cprog_destroy(&p);
}
END_TEST

START_TEST(test_dwarf_base_and_union)
{
	struct cprog p;
	cprog_build(&p, "-gdwarf-4", NULL);
	ck_assert_ok(hc_dwarf_create(p.elf, &p.d));
	const struct hc_type *t;
	ck_assert_ok(hc_dwarf_find_type(p.d, "int", &t));
	ck_assert_int_eq(t->kind, HC_TYPE_BASE);
	ck_assert_uint_eq(t->size, sizeof(int));
	ck_assert_int_eq(t->encoding, DW_ATE_signed);
	ck_assert_ok(hc_dwarf_find_type(p.d, "double", &t));
	ck_assert_int_eq(t->encoding, DW_ATE_float);
	ck_assert_uint_eq(t->go_kind, 0);
	ck_assert_ptr_null(t->go_key);
	ck_assert_ok(hc_dwarf_find_type(p.d, "number", &t));
	ck_assert_int_eq(t->kind, HC_TYPE_OTHER);
	ck_assert_uint_eq(t->num_members, 2);
	ck_assert_uint_eq(hc_type_member(t, "d")->offset, 0);
	cprog_destroy(&p);
}
END_TEST

START_TEST(test_dwarf_not_found)
{
	struct cprog p;
	cprog_build(&p, "-gdwarf-5", NULL);
	ck_assert_ok(hc_dwarf_create(p.elf, &p.d));
	const struct hc_type *t = NULL;
	uint64_t v = 12345;
	int64_t c = 12345;
	ck_assert_code(hc_dwarf_find_type(p.d, "no_such_type", &t),
		       HC_ERROR_NOT_FOUND);
	ck_assert_code(hc_dwarf_member_offset(p.d, "node", "nope", &v),
		       HC_ERROR_NOT_FOUND);
	ck_assert_code(hc_dwarf_member_offset(p.d, "node", "in.nope", &v),
		       HC_ERROR_NOT_FOUND);
	ck_assert_code(hc_dwarf_member_offset(p.d, "node", "value.x", &v),
		       HC_ERROR_NOT_FOUND);
	ck_assert_code(hc_dwarf_member_offset(p.d, "node", "in.", &v),
		       HC_ERROR_NOT_FOUND);
	ck_assert_code(hc_dwarf_member_offset(p.d, "no_such", "a", &v),
		       HC_ERROR_NOT_FOUND);
	ck_assert_code(hc_dwarf_type_size(p.d, "no_such", &v),
		       HC_ERROR_NOT_FOUND);
	ck_assert_code(hc_dwarf_find_variable(p.d, "no_such", &v, &t),
		       HC_ERROR_NOT_FOUND);
	// A function is not a variable, a type is not a variable.
	ck_assert_code(hc_dwarf_find_variable(p.d, "main", &v, &t),
		       HC_ERROR_NOT_FOUND);
	ck_assert_code(hc_dwarf_find_variable(p.d, "node", &v, &t),
		       HC_ERROR_NOT_FOUND);
	// C has no DW_TAG_constant.
	ck_assert_code(hc_dwarf_find_constant(p.d, "answer", &c),
		       HC_ERROR_NOT_FOUND);
	ck_assert_code(hc_dwarf_find_function(p.d, "no_such", &v),
		       HC_ERROR_NOT_FOUND);
	// Out-parameters untouched on failure.
	ck_assert_ptr_null(t);
	ck_assert_uint_eq(v, 12345);
	ck_assert_int_eq(c, 12345);
	cprog_destroy(&p);
}
END_TEST

START_TEST(test_dwarf_variable_list)
{
	struct cprog p;
	cprog_build(&p, "-gdwarf-5", NULL);
	ck_assert_ok(hc_dwarf_create(p.elf, &p.d));
	size_t n = hc_dwarf_num_variables(p.d);
	ck_assert_uint_ge(n, 9);
	bool seen_counter = false;
	for (size_t i = 0; i < n; i++) {
		const char *name;
		uint64_t addr;
		const struct hc_type *t;
		ck_assert_ok(hc_dwarf_variable(p.d, i, &name, &addr, &t));
		ck_assert_uint_eq(addr, symbol_value(p.elf, name));
		if (strcmp(name, "counter") == 0) {
			seen_counter = true;
			ck_assert_str_eq(t->name, "long unsigned int");
		}
	}
	ck_assert(seen_counter);
	const char *name = "unchanged";
	uint64_t addr;
	ck_assert_code(hc_dwarf_variable(p.d, n, &name, &addr, NULL),
		       HC_ERROR_INVALID_ARG);
	ck_assert_str_eq(name, "unchanged");
	cprog_destroy(&p);
}
END_TEST

static void check_no_dwarf(const char *flags, const char *post)
{
	struct cprog p;
	cprog_build(&p, flags, post);
	struct hc_dwarf *d = NULL;
	struct hc_error *err = hc_dwarf_create(p.elf, &d);
	ck_assert_ptr_nonnull(err);
	ck_assert_int_eq(err->code, HC_ERROR_NOT_FOUND);
	ck_assert_msg(strstr(err->message, "stripped") != NULL, "%s",
		      err->message);
	hc_error_destroy(err);
	ck_assert_ptr_null(d);
	cprog_destroy(&p);
}

START_TEST(test_dwarf_no_debug_info)
{
	check_no_dwarf("", NULL);
}
END_TEST

START_TEST(test_dwarf_stripped)
{
	check_no_dwarf("-gdwarf-5", "strip --strip-debug \"$EXE\"");
}
END_TEST

/* ------------------------------------------- a hand-written Go-style CU */

/*
 * One DWARF 4 compile unit shaped like Go's output (cmd/internal/dwarf):
 * constants, a map typedef with go_key/go_elem, a named struct emitted as a
 * typedef and a struct of the same name, a recursive pointer, an embedded
 * field, a global with a DW_FORM_block1 location; and corrupt DIEs: a
 * reference out of the unit, a member with such a reference, and a
 * typedef cycle. References are label differences, so the object file has
 * no relocations and libdw reads it as is.
 */
static const char go_asm[] =
	"	.section .debug_abbrev,\"\",@progbits\n"
	"	.uleb128 1, 0x11\n	.byte 1\n"
	"	.uleb128 0x25,0x08, 0x03,0x08, 0x13,0x0b\n	.byte 0,0\n"
	"	.uleb128 2, 0x27\n	.byte 0\n" /* constant, sdata */
	"	.uleb128 0x03,0x08, 0x49,0x13, 0x1c,0x0d\n	.byte 0,0\n"
	"	.uleb128 3, 0x24\n	.byte 0\n" /* base type */
	"	.uleb128 0x03,0x08, 0x0b,0x0b, 0x3e,0x0b, 0x2900,0x0b, 0x2904,0x01\n"
	"	.byte 0,0\n"
	"	.uleb128 4, 0x16\n	.byte 0\n" /* map typedef */
	"	.uleb128 0x03,0x08, 0x49,0x13, 0x2900,0x0b, 0x2904,0x01\n"
	"	.uleb128 0x2901,0x10, 0x2902,0x10\n	.byte 0,0\n"
	"	.uleb128 5, 0x13\n	.byte 1\n" /* struct */
	"	.uleb128 0x03,0x08, 0x0b,0x0b, 0x2900,0x0b\n	.byte 0,0\n"
	"	.uleb128 6, 0x0d\n	.byte 0\n" /* member */
	"	.uleb128 0x03,0x08, 0x49,0x13, 0x38,0x0f, 0x2903,0x0c\n"
	"	.byte 0,0\n"
	"	.uleb128 7, 0x34\n	.byte 0\n" /* variable */
	"	.uleb128 0x03,0x08, 0x02,0x0a, 0x49,0x13\n	.byte 0,0\n"
	"	.uleb128 8, 0x0f\n	.byte 0\n" /* pointer */
	"	.uleb128 0x03,0x08, 0x49,0x13\n	.byte 0,0\n"
	"	.uleb128 9, 0x16\n	.byte 0\n" /* plain typedef */
	"	.uleb128 0x03,0x08, 0x49,0x13\n	.byte 0,0\n"
	"	.uleb128 10, 0x27\n	.byte 0\n" /* constant, udata */
	"	.uleb128 0x03,0x08, 0x1c,0x0f\n	.byte 0,0\n"
	"	.byte 0\n"
	"	.section .debug_info,\"\",@progbits\n"
	".Lcu:\n"
	"	.long .Lend - .Lver\n"
	".Lver:\n"
	"	.value 4\n	.long 0\n	.byte 8\n"
	"	.uleb128 1\n"
	"	.string \"Go cmd/compile go1.99.1; regabi\"\n"
	"	.string \"runtime\"\n	.byte 22\n"
	".Lint:\n"
	"	.uleb128 3\n	.string \"int\"\n	.byte 8, 5, 2\n	.quad 0x1000\n"
	".Lbool:\n"
	"	.uleb128 3\n	.string \"bool\"\n	.byte 1, 2, 1\n	.quad 0x1040\n"
	"	.uleb128 2\n	.string \"runtime._Grunning\"\n"
	"	.long .Lint - .Lcu\n	.sleb128 2\n"
	"	.uleb128 2\n	.string \"test.negative\"\n"
	"	.long .Lint - .Lcu\n	.sleb128 -5\n"
	"	.uleb128 10\n	.string \"test.big\"\n	.uleb128 0x123456789a\n"
	".Lmap:\n"
	"	.uleb128 4\n	.string \"map[int]bool\"\n"
	"	.long .Lhmapptr - .Lcu\n	.byte 21\n	.quad 0x11060\n"
	"	.long .Lint - .Lcu\n	.long .Lbool - .Lcu\n"
	".Lhmapptr:\n"
	"	.uleb128 8\n	.string \"*runtime.hmap\"\n	.long .Lhmap - .Lcu\n"
	"	.uleb128 9\n	.string \"runtime.hmap\"\n	.long .Lhmap - .Lcu\n"
	".Lhmap:\n"
	"	.uleb128 5\n	.string \"runtime.hmap\"\n	.byte 24, 25\n"
	"	.uleb128 6\n	.string \"count\"\n	.long .Lint - .Lcu\n"
	"	.uleb128 0\n	.byte 0\n"
	"	.uleb128 6\n	.string \"next\"\n	.long .Lhmapptr - .Lcu\n"
	"	.uleb128 8\n	.byte 0\n"
	"	.uleb128 6\n	.string \"inner\"\n	.long .Linner - .Lcu\n"
	"	.uleb128 16\n	.byte 1\n"
	"	.byte 0\n"
	".Linner:\n"
	"	.uleb128 5\n	.string \"test.inner\"\n	.byte 8, 25\n"
	"	.uleb128 6\n	.string \"sp\"\n	.long .Lint - .Lcu\n"
	"	.uleb128 0\n	.byte 0\n"
	"	.byte 0\n"
	"	.uleb128 7\n	.string \"runtime.allgs\"\n"
	"	.byte 9, 3\n	.quad 0x583dc0\n	.long .Lmap - .Lcu\n"
	"	.uleb128 9\n	.string \"test.badref\"\n	.long 0x7fff0000\n"
	".Lbadmember:\n"
	"	.uleb128 5\n	.string \"test.badmember\"\n	.byte 8, 25\n"
	"	.uleb128 6\n	.string \"x\"\n	.long 0x7fff0000\n"
	"	.uleb128 0\n	.byte 0\n"
	"	.byte 0\n"
	"	.uleb128 8\n	.string \"*test.badmember\"\n"
	"	.long .Lbadmember - .Lcu\n"
	".LcycA:\n"
	"	.uleb128 9\n	.string \"test.cycA\"\n	.long .LcycB - .Lcu\n"
	".LcycB:\n"
	"	.uleb128 9\n	.string \"test.cycB\"\n	.long .LcycA - .Lcu\n"
	"	.byte 0\n"
	".Lend:\n";

static void goobj_build(struct cprog *p)
{
	memset(p, 0, sizeof(*p));
	p->fd = -1;
	scratch_init(&p->scratch);
	scratch_write(&p->scratch, "go.s", go_asm);
	scratch_path(&p->scratch, "go.o", p->exe, sizeof(p->exe));
	char cmd[3 * PATH_MAX];
	snprintf(cmd, sizeof(cmd), "gcc -c -o '%s' '%s/go.s'", p->exe,
		 p->scratch.dir);
	run(cmd);
	cprog_open_elf(p);
	ck_assert_ok(hc_dwarf_create(p->elf, &p->d));
}

START_TEST(test_dwarf_go_attributes)
{
	struct cprog p;
	goobj_build(&p);
	struct hc_dwarf *d = p.d;
	ck_assert_str_eq(hc_dwarf_producer(d),
			 "Go cmd/compile go1.99.1; regabi");
	ck_assert_int_eq(hc_dwarf_version(d), 4);
	ck_assert_uint_eq(hc_dwarf_num_cus(d), 1);

	const struct hc_type *map;
	ck_assert_ok(hc_dwarf_find_type(d, "map[int]bool", &map));
	ck_assert_int_eq(map->kind, HC_TYPE_TYPEDEF);
	ck_assert_uint_eq(map->go_kind, 21);
	ck_assert_uint_eq(map->go_runtime_type, 0x11060);
	ck_assert_ptr_nonnull(map->go_key);
	ck_assert_str_eq(map->go_key->name, "int");
	ck_assert_uint_eq(map->go_key->size, 8);
	ck_assert_uint_eq(map->go_key->go_kind, 2);
	ck_assert_uint_eq(map->go_key->go_runtime_type, 0x1000);
	ck_assert_str_eq(map->go_elem->name, "bool");
	ck_assert_uint_eq(map->go_elem->size, 1);
	ck_assert_int_eq(map->go_elem->encoding, DW_ATE_boolean);
	// The typedef's size is its pointer's (no DW_AT_byte_size on the
	// pointer: the unit's address size).
	ck_assert_uint_eq(map->size, 8);
	ck_assert_int_eq(map->target->kind, HC_TYPE_POINTER);
	ck_assert_str_eq(map->target->name, "*runtime.hmap");

	const struct hc_type *hmap;
	ck_assert_ok(hc_dwarf_find_type(d, "runtime.hmap", &hmap));
	ck_assert_int_eq(hmap->kind, HC_TYPE_STRUCT); // not the typedef
	ck_assert_ptr_eq(map->target->target, hmap);
	ck_assert_uint_eq(hmap->size, 24);
	ck_assert_uint_eq(hmap->go_kind, 25);
	ck_assert_uint_eq(hmap->num_members, 3);
	ck_assert_ptr_eq(hc_type_member(hmap, "next")->type, map->target);
	ck_assert(!hc_type_member(hmap, "count")->embedded);
	ck_assert(hc_type_member(hmap, "inner")->embedded);
	uint64_t off;
	ck_assert_ok(hc_dwarf_member_offset(d, "runtime.hmap", "inner.sp",
					    &off));
	ck_assert_uint_eq(off, 16);
	ck_assert_ok(hc_dwarf_member_offset(d, "runtime.hmap", "next", &off));
	ck_assert_uint_eq(off, 8);

	int64_t c;
	ck_assert_ok(hc_dwarf_find_constant(d, "runtime._Grunning", &c));
	ck_assert_int_eq(c, 2);
	ck_assert_ok(hc_dwarf_find_constant(d, "test.negative", &c));
	ck_assert_int_eq(c, -5);
	ck_assert_ok(hc_dwarf_find_constant(d, "test.big", &c));
	ck_assert_int_eq(c, 0x123456789a);
	ck_assert_code(hc_dwarf_find_constant(d, "runtime._Gdead", &c),
		       HC_ERROR_NOT_FOUND);

	uint64_t addr;
	const struct hc_type *t;
	ck_assert_ok(hc_dwarf_find_variable(d, "runtime.allgs", &addr, &t));
	ck_assert_uint_eq(addr, 0x583dc0);
	ck_assert_ptr_eq(t, map);
	ck_assert_uint_eq(hc_dwarf_num_variables(d), 1);
	cprog_destroy(&p);
}
END_TEST

START_TEST(test_dwarf_bad_references)
{
	struct cprog p;
	goobj_build(&p);
	const struct hc_type *t = NULL;
	uint64_t v = 99;
	// A typedef pointing outside the unit: an error, not a crash.
	ck_assert_code(hc_dwarf_find_type(p.d, "test.badref", &t),
		       HC_ERROR_DWARF);
	ck_assert_code(hc_dwarf_find_type(p.d, "test.badref", &t),
		       HC_ERROR_DWARF);
	// A struct whose member's type is such a reference.
	ck_assert_code(hc_dwarf_find_type(p.d, "test.badmember", &t),
		       HC_ERROR_DWARF);
	ck_assert_code(hc_dwarf_member_offset(p.d, "test.badmember", "x", &v),
		       HC_ERROR_DWARF);
	ck_assert_ptr_null(t);
	ck_assert_uint_eq(v, 99);
	// A pointer to it resolves; the struct behind it is left empty.
	ck_assert_ok(hc_dwarf_find_type(p.d, "*test.badmember", &t));
	ck_assert_str_eq(t->target->name, "test.badmember");
	ck_assert_uint_eq(t->target->num_members, 0);
	// What does decode still does.
	ck_assert_ok(hc_dwarf_find_type(p.d, "runtime.hmap", &t));
	ck_assert_uint_eq(t->num_members, 3);
	cprog_destroy(&p);
}
END_TEST

START_TEST(test_dwarf_typedef_cycle)
{
	struct cprog p;
	goobj_build(&p);
	const struct hc_type *a;
	ck_assert_ok(hc_dwarf_find_type(p.d, "test.cycA", &a));
	ck_assert_str_eq(a->target->name, "test.cycB");
	ck_assert_ptr_eq(a->target->target, a);
	ck_assert(!a->has_size);
	// Terminates, on some typedef of the cycle.
	ck_assert_int_eq(hc_type_strip(a)->kind, HC_TYPE_TYPEDEF);
	ck_assert_ptr_null(hc_type_member(a, "x"));
	uint64_t v = 7;
	ck_assert_code(hc_dwarf_type_size(p.d, "test.cycA", &v),
		       HC_ERROR_DWARF);
	ck_assert_code(hc_dwarf_member_offset(p.d, "test.cycA", "x", &v),
		       HC_ERROR_NOT_FOUND);
	ck_assert_uint_eq(v, 7);
	cprog_destroy(&p);
}
END_TEST

/* ------------------------------------------------- real Go executables */

/* Decompress an .xz file into a malloc'd buffer. */
static uint8_t *read_xz(const char *path, size_t *size_ret)
{
	uint8_t *data = testelf_read_file(path, size_ret);
	ck_assert_msg(data != NULL, "cannot read %s", path);
	return data;
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	long n = ftell(f);
	ck_assert_int_ge(n, 0);
	rewind(f);
	char *s = malloc((size_t)n + 1);
	ck_assert(s != NULL);
	ck_assert_uint_eq(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	return s;
}

/* The string value of "key": "..." at or after @p from, before @p limit. */
static bool json_string(const char *from, const char *limit, const char *key,
			char *buf, size_t size)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "\"%s\": \"", key);
	const char *p = strstr(from, pat);
	if (!p || (limit && p >= limit))
		return false;
	p += strlen(pat);
	const char *e = strchr(p, '"');
	if (!e || (size_t)(e - p) >= size)
		return false;
	memcpy(buf, p, (size_t)(e - p));
	buf[e - p] = '\0';
	return true;
}

static bool json_uint(const char *from, const char *limit, const char *key,
		      uint64_t *ret)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	const char *p = strstr(from, pat);
	if (!p || (limit && p >= limit))
		return false;
	*ret = strtoull(p + strlen(pat), NULL, 0);
	return true;
}

static char *layout_text(const struct hc_layout *l)
{
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	ck_assert(hc_layout_format(l, &sb));
	return hc_strbuf_steal(&sb);
}

/*
 * The runtime's layouts from the "runtime" units alone (what info reads)
 * equal those of the whole index; and the built-in table verified for the
 * fixture's release (corefiles/layouts.txt), when there is one, equals
 * them too, field by field.
 */
static void check_runtime_layouts(const char *exe_xz, Elf *elf,
				  struct hc_dwarf *d, const char *go_version)
{
	struct hc_layout full, unit, table;
	ck_assert_ok(hc_layout_from_dwarf(d, &full));
	struct hc_dwarf *ud;
	ck_assert_ok(hc_dwarf_create_unit(elf, "runtime", &ud));
	ck_assert_ok(hc_layout_from_dwarf(ud, &unit));
	hc_dwarf_destroy(ud);
	char *ft = layout_text(&full), *ut = layout_text(&unit);
	ck_assert_msg(strcmp(ft, ut) == 0, "%s: the runtime unit's layout differs", exe_xz);
	struct hc_dwarf *none;
	struct hc_error *err = hc_dwarf_create_unit(elf, "no/such/package", &none);
	ck_assert_ptr_nonnull(err);
	ck_assert_int_eq(err->code, HC_ERROR_NOT_FOUND);
	hc_error_destroy(err);

	// "go1.24.13 X:noswissmap", "go1.27.4-X:mapsplitgroup"
	int major, minor, patch;
	ck_assert(hc_go_version_parse(go_version, &major, &minor, &patch));
	const char *x = strstr(go_version, "X:");
	bool exact;
	ck_assert_ok(hc_layout_builtin(major, minor, patch, x ? x + 2 : "", &table, &exact));
	if (exact) {
		char *tt = layout_text(&table);
		ck_assert_msg(strcmp(ft, tt) == 0, "%s: the %s differs from the DWARF's layout",
			      exe_xz, table.source);
		free(tt);
	}
	free(ft);
	free(ut);
}

/*
 * Check a fixture's executable: runtime layouts every Go version has, and
 * each global map of the manifest (name, type, address, key and element
 * sizes). Returns the number of maps checked.
 */
static size_t check_go_exe(const char *exe_xz, const char *manifest_path,
			   const char *core_xz)
{
	size_t size;
	uint8_t *image = read_xz(exe_xz, &size);
	ck_assert_int_ne(elf_version(EV_CURRENT), EV_NONE);
	Elf *elf = elf_memory((char *)image, size);
	ck_assert_msg(elf != NULL, "%s: %s", exe_xz, elf_errmsg(-1));
	// The manifest's addresses are the process's: a PIE's DWARF addresses
	// are link-time ones, off by the load bias, AT_ENTRY minus e_entry.
	uint64_t bias = 0;
	GElf_Ehdr eh;
	ck_assert_ptr_nonnull(gelf_getehdr(elf, &eh));
	if (eh.e_type == ET_DYN) {
		struct hc_core *core;
		uint64_t entry;
		ck_assert_ok(hc_core_open_path(core_xz, &core));
		ck_assert(hc_core_auxv(core, AT_ENTRY, &entry));
		bias = entry - eh.e_entry;
		ck_assert_uint_ne(bias, 0);
		hc_core_destroy(core);
	}
	struct hc_dwarf *d;
	ck_assert_ok(hc_dwarf_create(elf, &d));
	char *manifest = read_text(manifest_path);
	char go_version[64];
	ck_assert(json_string(manifest, NULL, "go_version", go_version,
			      sizeof(go_version)));
	const char *producer = hc_dwarf_producer(d);
	ck_assert_ptr_nonnull(producer);
	// "go1.27.4-X:mapsplitgroup", "go1.24.13 X:noswissmap": the experiment
	// is not in the producer.
	size_t vlen = strcspn(go_version, "- ");
	ck_assert_msg(strncmp(producer, "Go cmd/compile ", 15) == 0 &&
			      strncmp(producer + 15, go_version, vlen) == 0 &&
			      (producer[15 + vlen] == ';' ||
			       producer[15 + vlen] == ' ' ||
			       producer[15 + vlen] == '\0'),
		      "%s: producer %s, manifest %s", exe_xz, producer,
		      go_version);
	ck_assert_int_ge(hc_dwarf_version(d), 4);

	const struct hc_type *g;
	ck_assert_ok(hc_dwarf_find_type(d, "runtime.g", &g));
	ck_assert_int_eq(g->kind, HC_TYPE_STRUCT);
	ck_assert_ptr_nonnull(hc_type_member(g, "goid"));
	ck_assert_ptr_nonnull(hc_type_member(g, "sched"));
	ck_assert_ptr_nonnull(hc_type_member(g, "atomicstatus"));
	uint64_t off, sched, sp;
	ck_assert_ok(hc_dwarf_member_offset(d, "runtime.g", "sched", &sched));
	ck_assert_ok(hc_dwarf_member_offset(d, "runtime.gobuf", "sp", &sp));
	ck_assert_ok(hc_dwarf_member_offset(d, "runtime.g", "sched.sp", &off));
	ck_assert_uint_eq(off, sched + sp);
	int64_t c;
	ck_assert_ok(hc_dwarf_find_constant(d, "runtime._Grunning", &c));
	ck_assert_int_eq(c, 2);
	ck_assert_ok(hc_dwarf_find_constant(d, "runtime._Gwaiting", &c));
	ck_assert_int_eq(c, 4);
	uint64_t addr;
	const struct hc_type *t;
	ck_assert_ok(hc_dwarf_find_variable(d, "runtime.allgs", &addr, &t));
	ck_assert_uint_ne(addr, 0);
	ck_assert_str_eq(t->name, "[]*runtime.g");
	ck_assert_uint_eq(t->size, 24);
	ck_assert_uint_eq(t->go_kind, 23); // slice
	ck_assert_ptr_nonnull(t->go_elem);
	ck_assert_str_eq(t->go_elem->name, "*runtime.g");
	ck_assert_ptr_eq(hc_type_strip(t->go_elem->target), g);
	ck_assert_ok(hc_dwarf_find_function(d, "main.main", &addr));
	ck_assert_uint_ne(addr, 0);
	check_runtime_layouts(exe_xz, elf, d, go_version);

	// Every global map of the manifest.
	size_t checked = 0;
	const char *maps = strstr(manifest, "\n  \"maps\": [");
	ck_assert_ptr_nonnull(maps);
	// The array ends where the next top-level key starts.
	const char *maps_end = strstr(maps + 1, "\n  \"");
	ck_assert_ptr_nonnull(maps_end);
	for (const char *p = maps;
	     (p = strstr(p, "\"var_addr\": \"")) && p < maps_end; p++) {
		// Its object's "name" is the last one before it (a type such
		// as "map[interface {}]string" holds braces, so no '{' scan).
		const char *obj = NULL;
		for (const char *q = maps; (q = strstr(q, "\"name\": \"")) &&
					   q < p;
		     q++)
			obj = q;
		ck_assert_ptr_nonnull(obj);
		char name[256], type[256], var_addr[32];
		ck_assert(json_string(obj, NULL, "name", name, sizeof(name)));
		ck_assert(json_string(obj, NULL, "type", type, sizeof(type)));
		ck_assert(json_string(p, NULL, "var_addr", var_addr,
				      sizeof(var_addr)));
		uint64_t key_size, elem_size;
		ck_assert(json_uint(p, maps_end, "key_size", &key_size));
		ck_assert(json_uint(p, maps_end, "elem_size", &elem_size));
		// Only plain package-level variables, not "m[k]" or "a[i]".
		if (strncmp(name, "main.", 5) != 0 ||
		    name[5 + strcspn(name + 5, ".[]\\\" ")] != '\0')
			continue;
		ck_assert_msg(hc_dwarf_find_variable(d, name, &addr, &t) ==
				      NULL,
			      "%s: variable %s", exe_xz, name);
		ck_assert_uint_eq(addr + bias, strtoull(var_addr, NULL, 16));
		ck_assert_str_eq(t->name, type);
		ck_assert_uint_eq(t->go_kind, 21);
		ck_assert_uint_eq(t->size, 8);
		ck_assert_ptr_nonnull(t->go_key);
		ck_assert_ptr_nonnull(t->go_elem);
		ck_assert_uint_eq(t->go_key->size, key_size);
		ck_assert_uint_eq(t->go_elem->size, elem_size);
		checked++;
	}
	free(manifest);
	hc_dwarf_destroy(d);
	elf_end(elf);
	free(image);
	return checked;
}

START_TEST(test_dwarf_go_fixtures)
{
	const char *top = getenv("top_srcdir");
	char pattern[PATH_MAX];
	snprintf(pattern, sizeof(pattern), "%s/corefiles/*/gallery/exe.xz",
		 top && *top ? top : ".");
	glob_t g;
	if (glob(pattern, 0, NULL, &g) != 0) {
		fprintf(stderr,
			"test_dwarf_go_fixtures: SKIP, no %s (fixtures not "
			"generated)\n",
			pattern);
		return;
	}
	for (size_t i = 0; i < g.gl_pathc; i++) {
		if (testelf_fixture_stripped(g.gl_pathv[i]))
			continue;
		char manifest[PATH_MAX], core[PATH_MAX];
		snprintf(manifest, sizeof(manifest), "%s", g.gl_pathv[i]);
		char *slash = strrchr(manifest, '/');
		snprintf(slash + 1, manifest + sizeof(manifest) - slash - 1,
			 "manifest.json");
		snprintf(core, sizeof(core), "%s", g.gl_pathv[i]);
		slash = strrchr(core, '/');
		snprintf(slash + 1, core + sizeof(core) - slash - 1, "core.xz");
		size_t maps = check_go_exe(g.gl_pathv[i], manifest, core);
		ck_assert_msg(maps > 0, "%s: no global map checked",
			      g.gl_pathv[i]);
	}
	globfree(&g);
}
END_TEST

static Suite *dwarf_suite(void)
{
	Suite *s = suite_create("dwarf");
	TCase *tc = tcase_create("c");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_dwarf_c_dwarf4);
	tcase_add_test(tc, test_dwarf_c_dwarf5);
	tcase_add_test(tc, test_dwarf_c_pie_dwarf5);
	tcase_add_test(tc, test_dwarf_compressed_dwarf4);
	tcase_add_test(tc, test_dwarf_compressed_dwarf5);
	tcase_add_test(tc, test_dwarf_typedef);
	tcase_add_test(tc, test_dwarf_base_and_union);
	tcase_add_test(tc, test_dwarf_not_found);
	tcase_add_test(tc, test_dwarf_variable_list);
	tcase_add_test(tc, test_dwarf_no_debug_info);
	tcase_add_test(tc, test_dwarf_stripped);
	suite_add_tcase(s, tc);
	tc = tcase_create("go");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_dwarf_go_attributes);
	tcase_add_test(tc, test_dwarf_bad_references);
	tcase_add_test(tc, test_dwarf_typedef_cycle);
	tcase_add_test(tc, test_dwarf_go_fixtures);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(dwarf_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
