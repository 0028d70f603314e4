/* The target: see include/hmapcore/target.h. */
#include "config.h"

#include <elf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmapcore/debugfile.h"
#include "hmapcore/maps.h"
#include "hmapcore/native.h"
#include "hmapcore/strbuf.h"
#include "hmapcore/target.h"

const char *hc_map_flavour_name(enum hc_map_flavour f)
{
	switch (f) {
	case HC_MAPS_CLASSIC: return "classic";
	case HC_MAPS_SWISS: return "swiss";
	default: return "unknown";
	}
}

static void note(struct hc_target *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void note(struct hc_target *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s;
	int r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r >= 0 && !hc_note_vec_append(&t->notes, &s))
		free(s);
}

/* hc_aspace_use_files(): say which mapped file was read from disk. */
static void file_used(void *arg, const char *path, uint64_t start, uint64_t end)
{
	struct hc_target *t = arg;
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	hc_strbuf_append_escaped(&sb, path, strlen(path));
	note(t, "0x%" PRIx64 "-0x%" PRIx64 " read from %s on disk: the core does not hold this file-backed mapping",
	     start, end, sb.str ? sb.str : "?");
	hc_strbuf_deinit(&sb);
}

/* A gap whose reason is @p what and the error's message. */
static void gap_err(struct hc_target *t, const char *what, const struct hc_error *err,
		    const char *cost)
{
	char *reason;
	if (asprintf(&reason, "%s: %s", what, err->message) < 0)
		reason = NULL;
	hc_completeness_add(&t->gaps, reason ? reason : what, "%s", cost);
	free(reason);
}

static char *hex(const uint8_t *id, size_t len)
{
	char *s = malloc(2 * len + 1);
	if (!s)
		return NULL;
	for (size_t i = 0; i < len; i++)
		snprintf(s + 2 * i, 3, "%02x", id[i]);
	s[2 * len] = '\0';
	return s;
}

/* Where a PIE was loaded: AT_ENTRY minus the file's entry (0 for ET_EXEC). */
static uint64_t load_bias(const struct hc_core *core, const struct hc_elffile *exe)
{
	uint64_t entry;
	if (hc_elffile_type(exe) == ET_DYN && hc_core_auxv(core, AT_ENTRY, &entry))
		return entry - hc_elffile_entry(exe);
	return 0;
}

/*
 * A core that holds no build id may still hold the executable's read-only
 * data: qemu-user's cores (the arm64 fixtures) leave out the header page
 * and the text, whose first bytes are an ELF header, but dump rodata and
 * the pclntab (linux-user/elfload.c vma_dump_size). Compare those bytes,
 * page by page where the core has them, with the file's (at the PIE's
 * load bias): another build differs there. *match_ret: 1 equal, 0 a page
 * differs (*why_ret says where), unchanged when no page was comparable.
 */
static void compare_contents(const struct hc_core *core,
			     const struct hc_elffile *exe, int *match_ret,
			     char **why_ret)
{
	enum { page = 4096 };
	static const uint64_t limit = 64 << 20; // bytes compared at most
	uint64_t bias = load_bias(core, exe);
	size_t n;
	const struct hc_elf_segment *seg = hc_elffile_segments(exe, &n);
	uint64_t compared = 0;
	uint8_t a[page], b[page];
	for (size_t i = 0; i < n && compared < limit; i++) {
		// Writable data changes at run time; text is not dumped.
		if (seg[i].flags & (PF_W | PF_X))
			continue;
		for (uint64_t off = 0; off + page <= seg[i].filesz && compared < limit;
		     off += page) {
			uint64_t addr = seg[i].vaddr + off;
			struct hc_error *e = hc_core_read(core, addr + bias, a, page);
			if (e) {
				hc_error_destroy(e);
				continue;
			}
			e = hc_elffile_read(exe, addr, b, page);
			if (e) {
				hc_error_destroy(e);
				break;
			}
			if (memcmp(a, b, page) != 0) {
				if (asprintf(why_ret, "the core holds no build id, and the executable's read-only data at 0x%" PRIx64
					     " differs from the core's memory", addr + bias) < 0)
					*why_ret = NULL;
				*match_ret = 0;
				return;
			}
			compared += page;
		}
	}
	if (compared)
		*match_ret = 1;
}

/*
 * Compare the build ids the core holds for its main executable with
 * @p exe's, else (no build id in the core) the executable's read-only
 * bytes with the core's. *match_ret: 1 match, 0 mismatch, -1 nothing comparable.
 * *why_ret (malloc'd) describes a mismatch.
 */
static void compare_build_ids(const struct hc_core *core,
			      const struct hc_elffile *exe, int *match_ret,
			      char **why_ret)
{
	int match = -1;
	*why_ret = NULL;

	uint8_t *cid = NULL;
	size_t clen = 0;
	const uint8_t *eid;
	size_t elen;
	struct hc_error *err = hc_core_exe_build_id(core, &cid, &clen);
	/* The error's value is not looked at once it is freed (issue 24:
	 * emit() used a freed error). */
	bool have = !err;
	hc_error_destroy(err);
	if (have && hc_elffile_gnu_build_id(exe, &eid, &elen)) {
		if (clen == elen && memcmp(cid, eid, clen) == 0) {
			match = 1;
		} else {
			char *a = hex(cid, clen), *b = hex(eid, elen);
			if (asprintf(why_ret, "GNU build-id mismatch: core has %s, executable has %s",
				     a ? a : "?", b ? b : "?") < 0)
				*why_ret = NULL;
			free(a);
			free(b);
			match = 0;
		}
	}
	free(cid);

	char *cgo = NULL;
	err = hc_core_exe_go_build_id(core, &cgo);
	have = !err;
	hc_error_destroy(err);
	const char *ego = hc_elffile_go_build_id(exe);
	if (have && ego && match != 0) {
		if (strcmp(cgo, ego) == 0) {
			match = 1;
		} else {
			struct hc_strbuf sb;
			hc_strbuf_init(&sb);
			hc_strbuf_appends(&sb, "Go build id mismatch: core has \"");
			hc_strbuf_append_escaped(&sb, cgo, strlen(cgo));
			hc_strbuf_appends(&sb, "\", executable has \"");
			hc_strbuf_append_escaped(&sb, ego, strlen(ego));
			hc_strbuf_appends(&sb, "\"");
			*why_ret = hc_strbuf_steal(&sb);
			hc_strbuf_deinit(&sb);
			match = 0;
		}
	}
	free(cgo);
	if (match < 0)
		compare_contents(core, exe, &match, why_ret);
	*match_ret = match;
}

static struct hc_error *open_exe(struct hc_target *t,
				 const struct hc_target_options *opts)
{
	struct hc_error *err;
	int match;
	char *why;
	if (opts && opts->exe_path) {
		err = hc_elffile_open_path(opts->exe_path, &t->exe);
		if (err)
			return hc_error_prefix(err, "opening the executable %s",
					       opts->exe_path);
		t->exe_path = strdup(opts->exe_path);
		if (!t->exe_path)
			return &hc_error_nomem;
		compare_build_ids(t->core, t->exe, &match, &why);
		if (match == 0 && !opts->ignore_build_id) {
			err = hc_error_create(HC_ERROR_INVALID_ARG,
					      "%s is not the executable of this core: %s",
					      opts->exe_path, why ? why : "build ids differ");
			free(why);
			return err;
		}
		if (match == 0) {
			note(t, "%s (ignored)", why ? why : "build ids differ");
			char *reason;
			if (asprintf(&reason, "build-id mismatch overridden (--ignore-build-id): %s",
				     why ? why : "build ids differ") < 0)
				reason = NULL;
			hc_completeness_add(&t->gaps, reason ? reason : "build-id mismatch overridden",
					    "%s may be another program's executable: what is read through it (runtime, types, maps) may be wrong or missing",
					    opts->exe_path);
			free(reason);
		}
		else if (match < 0)
			note(t, "build ids could not be compared (the core holds none)");
		free(why);
		return NULL;
	}

	char **paths;
	size_t n;
	err = hc_core_executable_candidates(t->core, t->core_path, &paths, &n);
	if (err)
		return err;
	struct hc_strbuf tried;
	hc_strbuf_init(&tried);
	struct hc_elffile *unchecked = NULL;
	char *unchecked_path = NULL;
	for (size_t i = 0; i < n && !t->exe; i++) {
		struct hc_elffile *exe;
		struct hc_error *e = hc_elffile_open_path(paths[i], &exe);
		if (e) {
			hc_strbuf_appendf(&tried, "\n  %s: %s", paths[i], e->message);
			hc_error_destroy(e);
			continue;
		}
		compare_build_ids(t->core, exe, &match, &why);
		if (match == 1) {
			t->exe = exe;
			t->exe_path = strdup(paths[i]);
		} else if (match < 0 && !unchecked) {
			unchecked = exe;
			unchecked_path = strdup(paths[i]);
		} else {
			hc_strbuf_appendf(&tried, "\n  %s: %s", paths[i],
					  why ? why : "build ids differ");
			hc_elffile_destroy(exe);
		}
		free(why);
	}
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	if (!t->exe && unchecked) {
		t->exe = unchecked;
		t->exe_path = unchecked_path;
		unchecked = NULL;
		unchecked_path = NULL;
		note(t, "build ids could not be compared (the core holds none)");
	}
	hc_elffile_destroy(unchecked);
	free(unchecked_path);
	if (!t->exe) {
		const char *nt = hc_core_exe_path(t->core);
		err = hc_error_create(HC_ERROR_NOT_FOUND,
				      "no executable found for this core (the core names %s); give it with --exe%s%s",
				      nt ? nt : "none",
				      tried.len ? ". Tried:" : "",
				      tried.len ? tried.str : "");
		hc_strbuf_deinit(&tried);
		return err;
	}
	hc_strbuf_deinit(&tried);
	return t->exe_path ? NULL : &hc_error_nomem;
}

/* A symbol's value and size in the executable, else in its debug file (a
 * stripped executable's .symtab is there); false when neither has it. */
static bool find_symbol(struct hc_target *t, const char *name, uint64_t *value,
			uint64_t *size)
{
	if (t->no_symbols)
		return false;
	struct hc_error *err = hc_elffile_symbol(t->exe, name, value, size);
	if (err && err->code == HC_ERROR_NOT_FOUND && t->debug) {
		hc_error_destroy(err);
		err = hc_elffile_symbol(t->debug, name, value, size);
	}
	hc_error_destroy(err);
	return err == NULL;
}

/* A symbol's address plus the load bias; 0 when it is not found. */
static uint64_t symbol_or_zero(struct hc_target *t, const char *name)
{
	uint64_t v;
	return find_symbol(t, name, &v, NULL) ? v + t->bias : 0;
}

/*
 * Where the current g lives relative to the thread pointer on amd64.
 * Internal linking puts it at fs_base-8 (cmd/link/internal/ld/sym.go:
 * Tlsoffset = -PtrSize). External linking (cgo) leaves it to the system
 * linker: runtime.tlsg is an 8-byte TLS symbol in the executable's PT_TLS
 * segment and the runtime's accesses are R_X86_64_TPOFF32 relocations
 * against it (cmd/link/internal/amd64/asm.go, R_TLS_LE), so the slot is
 * at tp - round_up(PT_TLS memsz, PT_TLS align) + st_value (x86-64 TLS
 * variant II: the executable's block ends at the thread pointer). Go
 * go1.5+; false when the executable has no runtime.tlsg (internally
 * linked, or stripped) or no PT_TLS.
 */
static bool tls_g_offset(struct hc_target *t, int64_t *ret)
{
	struct hc_elf_segment tls;
	uint64_t value, size;
	if (hc_elffile_arch(t->exe) != HC_ARCH_AMD64 || !hc_elffile_tls(t->exe, &tls) ||
	    !find_symbol(t, "runtime.tlsg", &value, &size))
		return false;
	uint64_t align = tls.align ? tls.align : 1;
	if ((align & (align - 1)) || align > 4096 || tls.memsz > (1u << 30) ||
	    value > tls.memsz || size > 8 || tls.memsz - value < 8) {
		note(t, "runtime.tlsg (0x%" PRIx64 ") does not fit PT_TLS (memsz 0x%" PRIx64
			", align 0x%" PRIx64 "): assuming g at fs_base-8",
		     value, tls.memsz, tls.align);
		return false;
	}
	uint64_t block = (tls.memsz + align - 1) & ~(align - 1);
	*ret = (int64_t)value - (int64_t)block;
	return true;
}

/*
 * runtime.firstmoduledata: from DWARF, else found by its first field, the
 * pointer to the pclntab (src/runtime/symtab.go; go1.16+), in the
 * sections the linker puts it in (.noptrdata; .go.module from go1.26),
 * and checked by its text and types bounds.
 */
static uint64_t find_moduledata(struct hc_target *t, uint64_t pclntab_addr)
{
	if (t->dwarf) {
		uint64_t md;
		struct hc_error *err = hc_dwarf_find_variable(
			t->dwarf, "runtime.firstmoduledata", &md, NULL);
		if (!err)
			return md + t->bias;
		hc_error_destroy(err);
	}
	uint64_t sym = symbol_or_zero(t, "runtime.firstmoduledata");
	if (sym)
		return sym;
	if (!pclntab_addr)
		return 0;
	static const char *const names[] = {".go.module", ".noptrdata", ".data",
					    ".data.rel.ro"};
	const struct hc_layout *l = &t->layout;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct hc_elf_section *sec;
		struct hc_error *err = hc_elffile_section(t->exe, names[i], &sec);
		if (err) {
			hc_error_destroy(err);
			continue;
		}
		uint64_t lo = (sec->addr + t->bias + 7) & ~7ull;
		uint64_t hi = sec->addr + t->bias + sec->size;
		for (uint64_t a = lo; a + 8 <= hi; a += 8) {
			uint64_t v;
			err = hc_aspace_read_u64(t->as, a, &v);
			if (err) {
				hc_error_destroy(err);
				a |= 4095; // the page is not in the core
				a -= 7;
				continue;
			}
			if (v != pclntab_addr)
				continue;
			uint64_t text = 0, etext = 0, types = 0, etypes = 0;
			struct hc_error *e1 = hc_aspace_read_u64(t->as, a + l->f[HC_LF_MD_TEXT].off, &text);
			struct hc_error *e2 = hc_aspace_read_u64(t->as, a + l->f[HC_LF_MD_ETEXT].off, &etext);
			struct hc_error *e3 = hc_aspace_read_u64(t->as, a + l->f[HC_LF_MD_TYPES].off, &types);
			struct hc_error *e4 = hc_aspace_read_u64(t->as, a + l->f[HC_LF_MD_ETYPES].off, &etypes);
			bool ok = !e1 && !e2 && !e3 && !e4 && text && text < etext &&
				  types && types < etypes &&
				  hc_layout_has(l, HC_LF_MD_TEXT) && hc_layout_has(l, HC_LF_MD_TYPES);
			hc_error_destroy(e1);
			hc_error_destroy(e2);
			hc_error_destroy(e3);
			hc_error_destroy(e4);
			if (ok)
				return a;
		}
	}
	return 0;
}

static uint64_t md_field(struct hc_target *t, enum hc_layout_field id)
{
	uint64_t v;
	if (!t->moduledata || !hc_layout_has(&t->layout, id))
		return 0;
	struct hc_error *err = hc_aspace_read_u64(
		t->as, t->moduledata + t->layout.f[id].off, &v);
	if (err) {
		hc_error_destroy(err);
		return 0;
	}
	return v;
}

/* The moduledata's fields we use, else the runtime.types symbol. */
static void read_moduledata(struct hc_target *t)
{
	t->types_addr = md_field(t, HC_LF_MD_TYPES);
	t->gofunc = md_field(t, HC_LF_MD_GOFUNC);
	if (!t->types_addr)
		t->types_addr = symbol_or_zero(t, "runtime.types");
}

/*
 * The struct layouts from the DWARF of @p elf, indexing only the runtime's
 * compile units: what `info` pays instead of the whole index when it has
 * no table verified for this release (a few milliseconds, not tens).
 */
static struct hc_error *runtime_layout_from(Elf *elf, struct hc_layout *ret)
{
	struct hc_dwarf *d;
	struct hc_error *err = hc_dwarf_create_unit(elf, "runtime", &d);
	if (err)
		return err;
	err = hc_layout_from_dwarf(d, ret);
	hc_dwarf_destroy(d);
	return err;
}

/*
 * The struct layouts: DWARF's (the executable's, or its debug file's),
 * unless the DWARF was skipped because a built-in table was verified for
 * exactly this release and GOEXPERIMENT set; else, without DWARF, the
 * built-in table of the release (saying when it is not exact: the
 * runtime model then cross-checks it against the core).
 */
static void resolve_layout(struct hc_target *t)
{
	struct hc_error *err = NULL;
	if (t->dwarf) {
		err = hc_layout_from_dwarf(t->dwarf, &t->layout);
		if (!err) {
			t->has_layout = true;
			return;
		}
		note(t, "the runtime's struct layouts are not in the DWARF (%s): using the built-in table",
		     err->message);
		hc_error_destroy(err);
	}
	bool exact = false;
	err = hc_layout_builtin(t->go_major, t->go_minor, t->go_patch,
				t->goexperiment, &t->layout, &exact);
	if (t->dwarf_skipped && (err || !exact)) {
		hc_error_destroy(err);
		err = runtime_layout_from(hc_elffile_elf(t->exe), &t->layout);
		if (!err) {
			t->has_layout = true;
			return;
		}
		note(t, "the runtime's struct layouts are not in the DWARF (%s): using the built-in table",
		     err->message);
		hc_error_destroy(err);
		err = hc_layout_builtin(t->go_major, t->go_minor, t->go_patch,
					t->goexperiment, &t->layout, &exact);
	}
	if (err) {
		note(t, "no runtime layout: %s", err->message);
		char *reason;
		if (asprintf(&reason, "no runtime layout: %s", err->message) < 0)
			reason = NULL;
		hc_completeness_add(&t->gaps, reason ? reason : "no runtime layout",
				    "no goroutines, stacks or maps");
		free(reason);
		hc_error_destroy(err);
		return;
	}
	t->has_layout = true;
	t->layout_unverified = !exact;
	if (!exact)
		note(t, "no built-in runtime layout verified for %s%s%s: using the %s, checked against the core",
		     t->buildinfo->version, *t->goexperiment ? " GOEXPERIMENT=" : "",
		     t->goexperiment, t->layout.source);
}

static bool has_type(struct hc_dwarf *d, const char *name)
{
	const struct hc_type *ty;
	if (!d)
		return false;
	struct hc_error *err = hc_dwarf_find_type(d, name, &ty);
	hc_error_destroy(err);
	return err == NULL;
}

/*
 * The DWARF: the executable's own, else a separate debug file's (which
 * also lends its .symtab to symbol_or_zero()). A debug file the user named
 * is used even when the executable has DWARF; one that is not this
 * executable's is an error. Nothing found is a note, not an error.
 */
static struct hc_error *open_dwarf(struct hc_target *t,
				   const struct hc_target_options *opts)
{
	struct hc_error *err = NULL;
	bool given = opts && opts->debug_file;
	if (!given) {
		err = hc_dwarf_create(hc_elffile_elf(t->exe), &t->dwarf);
		if (!err)
			return NULL;
		if (err->code != HC_ERROR_NOT_FOUND) {
			note(t, "no DWARF: %s", err->message);
			gap_err(t, "the executable's DWARF could not be read", err,
				"maps cannot be found by name, types and heap layout unknown");
			hc_error_destroy(err);
			t->dwarf = NULL;
			return NULL;
		}
	}
	struct hc_debugfile_options dopts = {
		.path = given ? opts->debug_file : NULL,
		.ignore_build_id = opts && opts->ignore_build_id,
		.root = opts ? opts->debug_root : NULL,
	};
	struct hc_debugfile df;
	struct hc_error *derr = hc_debugfile_find(t->exe, t->exe_path, &dopts, &df);
	if (derr) {
		if (given) {
			hc_error_destroy(err);
			return derr;
		}
		note(t, "%s; %s", err->message, derr->message);
		hc_error_destroy(err);
		hc_error_destroy(derr);
		t->dwarf = NULL;
		return NULL;
	}
	hc_error_destroy(err);
	t->debug = df.elf;
	t->debug_path = df.path;
	err = hc_dwarf_create(hc_elffile_elf(t->debug), &t->dwarf);
	if (err) {
		err = hc_error_prefix(err, "reading DWARF from the debug file %s",
				      df.path);
		if (given) {
			free(df.how);
			return err;
		}
		note(t, "no DWARF: %s", err->message);
		gap_err(t, "the debug file's DWARF could not be read", err,
			"maps cannot be found by name, types and heap layout unknown");
		hc_error_destroy(err);
		t->dwarf = NULL;
	} else {
		note(t, "DWARF from separate debug file %s (%s)", df.path, df.how);
	}
	free(df.how);
	return NULL;
}

/*
 * The executable's symbol table holds the runtime's globals, so that the
 * runtime model can find them by name without DWARF.
 */
static bool has_runtime_symbols(struct hc_target *t)
{
	if (t->no_symbols)
		return false;
	uint64_t v;
	struct hc_error *err = hc_elffile_symbol(t->exe, "runtime.allgs", &v, NULL);
	bool found = !err;
	hc_error_destroy(err);
	return found;
}

/*
 * Whether the build's GOEXPERIMENT names only experiments whose map
 * implementation the build info tells (open_go).
 */
static bool known_experiments(const char *exp)
{
	static const char *const known[] = {"noswissmap", "mapsplitgroup"};
	while (*exp) {
		size_t n = strcspn(exp, ",");
		bool ok = false;
		for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			ok |= n == strlen(known[i]) && !strncmp(exp, known[i], n);
		if (!ok && n)
			return false;
		exp += n;
		if (*exp == ',')
			exp++;
	}
	return true;
}

/*
 * opts->dwarf_unneeded: the full DWARF index can stay closed when the
 * executable (not a debug file) has DWARF, the build's experiments are
 * known ones and its symbol table has the runtime's globals. The layouts then come from a built-in table verified
 * for exactly this release and GOEXPERIMENT set, else from the runtime's
 * own compile units (resolve_layout). The map implementation is told by
 * the build info (open_go); an experiment that changed it, or a struct,
 * has no verified table, so its DWARF is read.
 */
static bool dwarf_skippable(struct hc_target *t,
			    const struct hc_target_options *opts)
{
	if (!opts || !opts->dwarf_unneeded || opts->debug_file ||
	    !known_experiments(t->goexperiment) || !has_runtime_symbols(t))
		return false;
	const struct hc_elf_section *sec;
	struct hc_error *err = hc_elffile_section(t->exe, ".debug_info", &sec);
	if (err) {
		hc_error_destroy(err);
		err = hc_elffile_section(t->exe, ".zdebug_info", &sec);
	}
	bool has = !err;
	hc_error_destroy(err);
	return has;
}

/* What the runtime model reads, with the layout and moduledata now set. */
static void runtime_source(struct hc_target *t, struct hc_runtime_source *ret)
{
	struct hc_runtime_source src = {
		.core = t->core,
		.as = t->as,
		.dwarf = t->dwarf,
		.symbols = !t->dwarf && has_runtime_symbols(t) ? t->exe : NULL,
		.pclntab = t->pclntab,
		.layout = t->has_layout ? &t->layout : NULL,
		.data = md_field(t, HC_LF_MD_DATA),
		.edata = md_field(t, HC_LF_MD_EDATA),
		.bss = md_field(t, HC_LF_MD_BSS),
		.ebss = md_field(t, HC_LF_MD_EBSS),
		.noptrbss = md_field(t, HC_LF_MD_NOPTRBSS),
		.enoptrbss = md_field(t, HC_LF_MD_ENOPTRBSS),
		.build_version = t->buildinfo->version,
		.go_major = t->go_major,
		.go_minor = t->go_minor,
		.bias = t->bias,
		.types_addr = t->types_addr,
	};
	src.has_tls_g_offset = tls_g_offset(t, &src.tls_g_offset);
	*ret = src;
}

enum { MAX_CANDIDATES = 8 };

/*
 * A built-in layout is trusted only once the model built with it holds
 * against the core (hc_runtime_check_layout). When it does not, the
 * neighbouring releases' layouts are tried in order and the first that
 * fits is used, saying so; when none fits, the first model stays and a
 * problem reading the runtime says which release, which table and which
 * check failed (the answer is then incomplete).
 */
static void cross_check(struct hc_target *t, uint64_t pclntab_addr,
			const struct hc_runtime_source *src)
{
	struct hc_error *err = hc_runtime_check_layout(t->runtime, src);
	if (!err)
		return;
	char *why = strdup(err->message);
	hc_error_destroy(err);
	struct hc_layout first = t->layout;
	uint64_t first_md = t->moduledata;
	struct hc_layout cands[MAX_CANDIDATES];
	bool exact;
	size_t n = hc_layout_builtin_candidates(t->go_major, t->go_minor,
						t->go_patch, t->goexperiment,
						cands, MAX_CANDIDATES, &exact);
	for (size_t i = 0; i < n; i++) {
		if (cands[i].source == first.source)
			continue;
		t->layout = cands[i];
		t->moduledata = find_moduledata(t, pclntab_addr);
		read_moduledata(t);
		struct hc_runtime_source csrc;
		runtime_source(t, &csrc);
		struct hc_runtime *rt;
		err = hc_runtime_create(&csrc, &rt);
		if (!err)
			err = hc_runtime_check_layout(rt, &csrc);
		else
			rt = NULL;
		if (!err) {
			note(t, "the %s does not fit this %s core (%s); the %s does: using it",
			     first.source, t->buildinfo->version,
			     why ? why : "out of memory", cands[i].source);
			hc_runtime_destroy(t->runtime);
			t->runtime = rt;
			t->layout_unverified = true;
			free(why);
			return;
		}
		hc_error_destroy(err);
		hc_runtime_destroy(rt);
	}
	t->layout = first;
	t->moduledata = first_md;
	read_moduledata(t);
	t->layout_unverified = true;
	hc_runtime_add_problem(t->runtime,
			       "runtime layout of %s%s%s unverified: the %s does not fit the core (%s), nor does any other built-in table; goroutines, Ms and threads may be wrong",
			       t->buildinfo->version,
			       *t->goexperiment ? " GOEXPERIMENT=" : "",
			       t->goexperiment, first.source,
			       why ? why : "out of memory");
	free(why);
}

/*
 * The releases a pclntab magic stands for (src/debug/gosym/pclntab.go), or
 * NULL for none.
 */
static const char *pclntab_releases(uint32_t magic)
{
	switch (magic) {
	case 0xfffffffb: return "go1.2 to go1.15";
	case 0xfffffffa: return "go1.16 and go1.17";
	case 0xfffffff0: return "go1.18 and go1.19";
	case 0xfffffff1: return "go1.20 or later";
	default: return NULL;
	}
}

/*
 * An executable without .go.buildinfo (Go before 1.13, or not Go): which
 * release it is, from runtime.buildVersion (a string header at the symbol)
 * and the pclntab's magic, and which releases hmapcore reads.
 */
static struct hc_error *no_buildinfo(struct hc_target *t)
{
	char version[40] = "";
	uint64_t addr;
	uint8_t hdr[16];
	struct hc_error *serr = t->no_symbols ? NULL
			      : hc_elffile_symbol(t->exe, "runtime.buildVersion", &addr, NULL);
	if (!t->no_symbols && !serr) {
		serr = hc_elffile_read(t->exe, addr, hdr, sizeof(hdr));
	}
	if (!t->no_symbols && !serr) {
		uint64_t ptr = 0, len = 0;
		for (int i = 0; i < 8; i++) {
			ptr |= (uint64_t)hdr[i] << (8 * i);
			len |= (uint64_t)hdr[8 + i] << (8 * i);
		}
		/* A version string is short, "go" and printable ASCII. */
		char buf[sizeof(version)];
		struct hc_error *rerr = len >= 3 && len < sizeof(buf)
						? hc_elffile_read(t->exe, ptr, buf, len) : NULL;
		if (len >= 3 && len < sizeof(buf) && !rerr) {
			buf[len] = '\0';
			bool ok = strncmp(buf, "go", 2) == 0;
			for (size_t i = 0; ok && i < len; i++)
				ok = buf[i] > 0x20 && buf[i] < 0x7f;
			if (ok)
				memcpy(version, buf, len + 1);
		}
		hc_error_destroy(rerr);
	}
	hc_error_destroy(serr);
	const char *magic_rel = NULL;
	uint32_t magic = 0;
	const struct hc_elf_section *sec;
	struct hc_error *err = hc_elffile_section(t->exe, ".gopclntab", &sec);
	if (err) {
		hc_error_destroy(err);
		err = hc_elffile_section(t->exe, ".data.rel.ro.gopclntab", &sec);
	}
	if (!err && sec->data && sec->data_size >= 4) {
		magic = (uint32_t)sec->data[0] | (uint32_t)sec->data[1] << 8 |
			(uint32_t)sec->data[2] << 16 | (uint32_t)sec->data[3] << 24;
		magic_rel = pclntab_releases(magic);
	}
	hc_error_destroy(err);
	if (!version[0] && !magic_rel)
		return hc_error_create(HC_ERROR_UNSUPPORTED,
				       "%s is not a Go executable (no .go.buildinfo section, "
				       "no runtime.buildVersion, no pclntab)", t->exe_path);
	char why[160];
	if (version[0] && magic_rel)
		snprintf(why, sizeof(why), "runtime.buildVersion \"%s\", pclntab magic 0x%08" PRIx32
			 " of %s", version, magic, magic_rel);
	else if (version[0])
		snprintf(why, sizeof(why), "runtime.buildVersion \"%s\"", version);
	else
		snprintf(why, sizeof(why), "pclntab magic 0x%08" PRIx32 " of %s", magic, magic_rel);
	return hc_error_create(HC_ERROR_UNSUPPORTED,
			       "%s is a Go executable of %s (%s; no .go.buildinfo section: "
			       "before go1.13), which hmapcore does not read: it reads go1.16 "
			       "and later (without DWARF, the releases of its built-in layouts: %s)",
			       t->exe_path, version[0] ? version : magic_rel, why,
			       hc_layout_builtin_releases());
}

static struct hc_error *open_go(struct hc_target *t,
				const struct hc_target_options *opts)
{
	const struct hc_elf_section *sec;
	struct hc_error *err = hc_elffile_section(t->exe, ".go.buildinfo", &sec);
	if (err) {
		hc_error_destroy(err);
		return no_buildinfo(t);
	}
	err = hc_buildinfo_parse(sec->data, sec->data_size, NULL, NULL,
				 &t->buildinfo);
	if (err)
		return hc_error_prefix(err, "reading the Go build info");
	if (!hc_go_version_parse(t->buildinfo->version, &t->go_major,
				 &t->go_minor, &t->go_patch))
		note(t, "unrecognised Go version \"%s\"", t->buildinfo->version);
	const char *exp = hc_buildinfo_setting(t->buildinfo, "GOEXPERIMENT");
	t->goexperiment = exp ? exp : "";

	if (opts && opts->no_dwarf) {
		note(t, "DWARF and symbols ignored (--no-dwarf)");
		t->no_symbols = true;
	} else if (dwarf_skippable(t, opts)) {
		t->dwarf_skipped = true;
	} else {
		err = open_dwarf(t, opts);
		if (err)
			return err;
	}
	resolve_layout(t);

	// PIE builds before go1.26 keep the pclntab in the relro segment
	// (cmd/link/internal/ld data.go; debug/gosym looks for both names).
	err = hc_elffile_section(t->exe, ".gopclntab", &sec);
	if (err) {
		hc_error_destroy(err);
		err = hc_elffile_section(t->exe, ".data.rel.ro.gopclntab", &sec);
	}
	uint64_t pclntab_addr = 0;
	if (!err) {
		pclntab_addr = sec->addr + t->bias;
		if (t->has_layout)
			t->moduledata = find_moduledata(t, pclntab_addr);
		// Go's text start: externally linked (cgo), C code comes first
		// in .text; without symbols moduledata.text says where.
		uint64_t text = symbol_or_zero(t, "runtime.text");
		if (!text)
			text = md_field(t, HC_LF_MD_TEXT);
		if (!text) {
			const struct hc_elf_section *ts;
			struct hc_error *e = hc_elffile_section(t->exe, ".text", &ts);
			if (!e)
				text = ts->addr + t->bias;
			hc_error_destroy(e);
		}
		err = hc_pclntab_create(sec->data, sec->data_size, text,
					&t->pclntab);
	}
	char pclntab_why[256] = "";
	if (err) {
		note(t, "no pclntab: %s", err->message);
		snprintf(pclntab_why, sizeof(pclntab_why), "%s", err->message);
		gap_err(t, "no pclntab", err, "no function names: no stacks, no crash analysis");
		hc_error_destroy(err);
		t->pclntab = NULL;
	}

	/* Which map implementation: the DWARF types say it for sure (the
	 * classic runtime/map.go is compiled out of Swiss builds). */
	if (has_type(t->dwarf, "runtime.hmap")) {
		t->maps = HC_MAPS_CLASSIC;
	} else if (has_type(t->dwarf, "internal/runtime/maps.Map")) {
		t->maps = HC_MAPS_SWISS;
	} else if (t->go_major == 1 && t->go_minor >= 24) {
		bool noswiss = strstr(t->goexperiment, "noswissmap") ||
			       strstr(t->buildinfo->version, "noswissmap");
		t->maps = (t->go_minor >= 26 || !noswiss) ? HC_MAPS_SWISS
							   : HC_MAPS_CLASSIC;
	} else if (t->go_major == 1 && t->go_minor > 0) {
		t->maps = HC_MAPS_CLASSIC;
	}

	if (t->has_layout && !t->moduledata)
		note(t, "runtime.firstmoduledata not found");
	read_moduledata(t);
	if (opts && opts->runtime_unneeded)
		return NULL;
	struct hc_runtime_source src;
	runtime_source(t, &src);
	err = hc_runtime_create(&src, &t->runtime);
	if (err) {
		note(t, "no goroutines: %s", err->message);
		gap_err(t, "the runtime is unreadable", err,
			"no goroutines, stacks or crash analysis; maps only from globals");
		hc_error_destroy(err);
		t->runtime = NULL;
		return NULL;
	}
	if (strcmp(t->layout.source, "DWARF") != 0)
		cross_check(t, pclntab_addr, &src);
	if (t->runtime && !t->pclntab) {
		/* A problem reading the runtime, in every output, not only a
		 * note: without the pclntab no stack, function or created-by
		 * can be told (a corrupt executable). */
		char *s;
		if (asprintf(&s, "the executable's pclntab is unreadable (%s): no goroutine "
			     "stacks, function names or created-by", pclntab_why) >= 0 &&
		    !hc_problem_vec_append(&t->runtime->problems, &s))
			free(s);
	}
	return NULL;
}

struct hc_error *hc_target_native_stack(const struct hc_target *t, size_t index,
					size_t max, struct hc_native_stack *st)
{
	size_t n;
	const struct hc_core_thread *th = hc_core_threads(t->core, &n);
	if (!t->native || index >= n)
		return NULL;
	if (t->pclntab) {
		struct hc_func f;
		struct hc_error *err = hc_pclntab_find_func(t->pclntab, th[index].pc, &f);
		bool found = !err;
		hc_error_destroy(err);
		if (found)
			return NULL;
	}
	return hc_native_unwind(t->native, index, max, st);
}

/* hc_native_is_go_fn: @p pc is in a Go function of the pclntab. */
static bool pc_is_go(uint64_t pc, void *arg)
{
	const struct hc_target *t = arg;
	struct hc_func f;
	if (!t->pclntab)
		return false;
	struct hc_error *err = hc_pclntab_find_func(t->pclntab, pc, &f);
	bool found = !err;
	hc_error_destroy(err);
	return found;
}

struct hc_error *hc_target_open(const char *core_path,
				const struct hc_target_options *opts,
				struct hc_target **ret)
{
	struct hc_target *t = calloc(1, sizeof(*t));
	if (!t)
		return &hc_error_nomem;
	hc_note_vec_init(&t->notes);
	hc_completeness_init(&t->gaps);
	t->map_infos = hc_map_info_memo_create();
	struct hc_error *err;
	t->core_path = strdup(core_path);
	if (!t->core_path) {
		err = &hc_error_nomem;
		goto out;
	}
	err = hc_core_open_path(core_path, &t->core);
	if (err)
		goto out;
	uint64_t expected, actual;
	if (hc_core_truncation(t->core, &expected, &actual)) {
		note(t, "the core is truncated: %" PRIu64 " of %" PRIu64
		     " bytes (%" PRIu64 " missing); memory past the end reads as not in the core",
		     actual, expected, expected - actual);
		hc_completeness_add(&t->gaps, "the core is truncated",
				    "%" PRIu64 " of %" PRIu64 " bytes missing: memory past the end is not in the core",
				    expected - actual, expected);
	}

	err = open_exe(t, opts);
	if (err) {
		if (hc_core_truncation(t->core, &expected, &actual))
			err = hc_error_prefix(err, "the core is truncated (%" PRIu64
					      " of %" PRIu64 " bytes)", actual, expected);
		goto out;
	}
	if (hc_elffile_arch(t->exe) != hc_core_arch(t->core)) {
		err = hc_error_create(HC_ERROR_INVALID_ARG,
				      "the executable is %s but the core is %s",
				      hc_arch_name(hc_elffile_arch(t->exe)),
				      hc_arch_name(hc_core_arch(t->core)));
		goto out;
	}
	t->bias = load_bias(t->core, t->exe);

	const uint8_t *id;
	size_t len;
	t->gnu_build_id = hc_elffile_gnu_build_id(t->exe, &id, &len)
				  ? hex(id, len) : strdup("");
	const char *goid = hc_elffile_go_build_id(t->exe);
	if (goid) {
		struct hc_strbuf sb;
		hc_strbuf_init(&sb);
		hc_strbuf_append_escaped(&sb, goid, strlen(goid));
		t->go_build_id = hc_strbuf_steal(&sb);
		hc_strbuf_deinit(&sb);
	} else {
		t->go_build_id = strdup("");
	}
	if (!t->gnu_build_id || !t->go_build_id) {
		err = &hc_error_nomem;
		goto out;
	}

	err = hc_aspace_create(t->core, t->exe, t->bias, &t->as);
	if (err)
		goto out;
	err = hc_aspace_use_files(t->as, file_used, t);
	if (err)
		goto out;
	err = open_go(t, opts);
	if (err)
		goto out;
	err = hc_native_create(t->core, t->exe, pc_is_go, t, &t->native);
	if (err)
		goto out;
	*ret = t;
	return NULL;
out:
	hc_target_destroy(t);
	return err;
}

void hc_target_destroy(struct hc_target *t)
{
	if (!t)
		return;
	hc_native_destroy(t->native);
	hc_runtime_destroy(t->runtime);
	hc_pclntab_destroy(t->pclntab);
	hc_buildinfo_destroy(t->buildinfo);
	hc_dwarf_destroy(t->dwarf);
	hc_elffile_destroy(t->debug);
	free(t->debug_path);
	hc_aspace_destroy(t->as);
	hc_elffile_destroy(t->exe);
	hc_core_destroy(t->core);
	for (size_t i = 0; i < t->notes.size; i++)
		free(t->notes.data[i]);
	hc_map_info_memo_destroy(t->map_infos);
	hc_note_vec_deinit(&t->notes);
	hc_completeness_deinit(&t->gaps);
	free(t->gnu_build_id);
	free(t->go_build_id);
	free(t->core_path);
	free(t->exe_path);
	free(t);
}

const char *hc_target_func_name(const struct hc_target *t, uint64_t pc)
{
	struct hc_func f;
	if (!t->pclntab)
		return "?";
	struct hc_error *err = hc_pclntab_find_func(t->pclntab, pc, &f);
	if (err) {
		hc_error_destroy(err);
		/* Outside Go code: the C symbol (cgo), from the modules'
		 * own symbol tables. */
		const char *name = t->native ? hc_native_pc_name(t->native, pc) : NULL;
		return name ? name : "?";
	}
	return f.name;
}

/* What a runtime problem (runtime.c's problem lines, by the structure they
 * name) costs the answer. */
static const char *problem_cost(const char *p)
{
	static const struct {
		const char *prefix, *cost;
	} costs[] = {
		{"goroutine allgs[", "a goroutine is missing: its state and stack are not shown"},
		{"runtime.allgs[", "the goroutines after this entry are missing"},
		{"runtime.allgs", "goroutines are missing: the list is empty or partial"},
		{"reading runtime.allgs", "goroutines are missing: the list is empty"},
		{"runtime.allm", "Ms are missing: threads may show no goroutine"},
		{"reading an M", "Ms are missing: threads may show no goroutine"},
		{"reading the panic", "the panic value is not shown"},
		{"runtime.waitReasonStrings", "wait reasons are not shown"},
		{"waitReasonStrings[", "a wait reason is not shown"},
		{"runtime.printBacklog", "the runtime's last output (fatal message) may be missing"},
		{"runtime.buildVersion", "the Go version comes from the build info only"},
	};
	for (size_t i = 0; i < sizeof(costs) / sizeof(costs[0]); i++)
		if (strncmp(p, costs[i].prefix, strlen(costs[i].prefix)) == 0)
			return costs[i].cost;
	return "the runtime model may be partial";
}

void hc_target_gaps(const struct hc_target *t, struct hc_completeness *c)
{
	hc_completeness_merge(c, &t->gaps);
	if (!t->runtime)
		return;
	// One gap each up to a bound (a corrupt allgs can give one problem
	// per goroutine), then one that counts the rest.
	enum { PROBLEM_GAPS_MAX = 32 };
	size_t n = t->runtime->problems.size;
	for (size_t i = 0; i < n && i < PROBLEM_GAPS_MAX; i++) {
		const char *p = t->runtime->problems.data[i];
		hc_completeness_add(c, p, "%s", problem_cost(p));
	}
	if (n > PROBLEM_GAPS_MAX)
		hc_completeness_add(c, "more problems reading the runtime (see the notes)",
				    "%zu more: goroutines, Ms or values may be missing",
				    n - PROBLEM_GAPS_MAX);
	// Every Go process has a goroutine (main's, at least): none read
	// means the runtime's globals were not where the executable says.
	if (!t->runtime->goroutines.size)
		hc_completeness_add(c, "the runtime is unreadable: runtime.allgs holds no goroutine",
				    "no goroutines, stacks or crash analysis");
}
