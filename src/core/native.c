/* Native frames of a core's threads with libdwfl (see native.h). */
#include "config.h"

#include <elfutils/libdwfl.h>
#include <dwarf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmapcore/native.h"
#include "hmapcore/strbuf.h"

struct pc_name {
	uint64_t pc;
	char *name; /* NULL: outside every module */
};

HC_DEFINE_VECTOR(pc_name_vec, struct pc_name)
HC_DEFINE_VECTOR(owned_str_vec, char *)

struct hc_native {
	const struct hc_core *core;
	struct hc_elffile *exe;
	hc_native_is_go_fn *is_go;
	void *is_go_arg;
	/* Opened on the first query; open_error says why it could not be. */
	bool tried;
	char *open_error;
	Elf *core_elf;
	/* libdwfl's image of the executable (hc_elffile_pristine_copy()). */
	uint8_t *exe_copy;
	Dwfl *dwfl;
	bool attached;
	char *attach_error;
	struct pc_name_vec names;
	/* Formatted texts handed out as borrowed (problems). */
	struct owned_str_vec strs;
};

void hc_native_stack_init(struct hc_native_stack *st)
{
	hc_native_frame_vec_init(&st->frames);
	st->error = NULL;
	st->truncated = false;
}

void hc_native_stack_deinit(struct hc_native_stack *st)
{
	hc_native_frame_vec_deinit(&st->frames);
	free(st->error);
	st->error = NULL;
}

bool hc_native_frame_format(struct hc_strbuf *out, uint64_t pc, const char *func,
			    uint64_t offset, const char *module, const char *file, int line,
			    bool go, bool (*text)(struct hc_strbuf *out, const char *s))
{
	bool ok = hc_strbuf_appendf(out, "0x%016" PRIx64 " in ", pc);
	if (ok && func)
		ok = text(out, func) && hc_strbuf_appendf(out, "+0x%" PRIx64, offset);
	else if (ok)
		ok = hc_strbuf_appends(out, "??");
	if (ok && module)
		ok = hc_strbuf_appends(out, " from ") && text(out, module);
	if (ok && file)
		ok = hc_strbuf_appends(out, " at ") && text(out, file) &&
		     hc_strbuf_appendf(out, ":%d", line);
	if (ok && go)
		ok = hc_strbuf_appends(out, " (Go code: native frames end here)");
	return ok;
}

struct hc_error *hc_native_create(const struct hc_core *core,
				  struct hc_elffile *exe,
				  hc_native_is_go_fn *is_go, void *is_go_arg,
				  struct hc_native **ret)
{
	struct hc_native *n = calloc(1, sizeof(*n));
	if (!n)
		return &hc_error_nomem;
	n->core = core;
	n->exe = exe;
	n->is_go = is_go;
	n->is_go_arg = is_go_arg;
	pc_name_vec_init(&n->names);
	owned_str_vec_init(&n->strs);
	*ret = n;
	return NULL;
}

void hc_native_destroy(struct hc_native *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->names.size; i++)
		free(n->names.data[i].name);
	pc_name_vec_deinit(&n->names);
	for (size_t i = 0; i < n->strs.size; i++)
		free(n->strs.data[i]);
	owned_str_vec_deinit(&n->strs);
	if (n->dwfl)
		dwfl_end(n->dwfl);
	free(n->exe_copy);
	if (n->core_elf)
		elf_end(n->core_elf);
	free(n->open_error);
	free(n->attach_error);
	free(n);
}

/* Keep @p s (owned) for the session's lifetime; NULL on NOMEM. */
static const char *keep(struct hc_native *n, char *s)
{
	if (s && !owned_str_vec_append(&n->strs, &s)) {
		free(s);
		return NULL;
	}
	return s;
}

static bool same_build_id(Dwfl_Module *mod, struct hc_elffile *exe)
{
	const unsigned char *core_id;
	GElf_Addr vaddr;
	int len = dwfl_module_build_id(mod, &core_id, &vaddr);
	const uint8_t *exe_id;
	size_t exe_len;
	return len > 0 && hc_elffile_gnu_build_id(exe, &exe_id, &exe_len) &&
	       (size_t)len == exe_len && memcmp(core_id, exe_id, exe_len) == 0;
}

/*
 * libdwfl's find_elf: the program's module gets the executable hmapcore
 * opened (it may be decompressed in memory, or no longer at the path the
 * core recorded); every other module is looked up by build id, then at
 * its NT_FILE path, libdwfl checking the build id (dwfl_build_id_find_elf).
 * The module's userdata is the hc_native (set right after reporting).
 */
static int find_elf(Dwfl_Module *mod, void **userdata, const char *modname,
		    Dwarf_Addr base, char **file_name, Elf **elfp)
{
	struct hc_native *n = userdata ? *userdata : NULL;
	if (n && n->exe) {
		const char *exe_path = hc_core_exe_path(n->core);
		bool is_exe = same_build_id(mod, n->exe) ||
			      (exe_path && modname && strcmp(exe_path, modname) == 0);
		if (is_exe && !n->exe_copy) {
			/* A copy of the image as on disk: hmapcore's own libdw
			 * may have patched the section headers of the one it
			 * reads (decompressing .debug_*), which would make
			 * libdwfl misread the DWARF. Once: libdwfl keeps the
			 * module's Elf. */
			size_t size;
			n->exe_copy = hc_elffile_pristine_copy(n->exe, &size);
			Elf *e = n->exe_copy ? elf_memory((char *)n->exe_copy, size) : NULL;
			if (e) {
				*file_name = NULL;
				*elfp = e;
				return -1;
			}
		}
	}
	return dwfl_build_id_find_elf(mod, userdata, modname, base, file_name,
				      elfp);
}

static char *debuginfo_path;

static const Dwfl_Callbacks callbacks = {
	.find_elf = find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.debuginfo_path = &debuginfo_path,
};

static int set_userdata(Dwfl_Module *mod, void **userdata, const char *name,
			Dwarf_Addr start, void *arg)
{
	(void)mod;
	(void)name;
	(void)start;
	*userdata = arg;
	return DWARF_CB_OK;
}

static char *dwfl_text(const char *what)
{
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	if (!hc_strbuf_appendf(&sb, "%s: %s", what, dwfl_errmsg(-1))) {
		hc_strbuf_deinit(&sb);
		return NULL;
	}
	return hc_strbuf_steal(&sb);
}

/* Open the session once; false (open_error set, or NOMEM) when none. */
static bool open_session(struct hc_native *n)
{
	if (n->tried)
		return n->dwfl != NULL;
	n->tried = true;
	const struct hc_file *f = hc_core_file(n->core);
	elf_version(EV_CURRENT);
	n->core_elf = elf_memory((char *)f->data, f->size);
	if (!n->core_elf) {
		n->open_error = strdup(elf_errmsg(-1));
		return false;
	}
	n->dwfl = dwfl_begin(&callbacks);
	if (!n->dwfl) {
		n->open_error = dwfl_text("starting libdwfl");
		return false;
	}
	dwfl_report_begin(n->dwfl);
	int r = dwfl_core_file_report(n->dwfl, n->core_elf, NULL);
	if (r < 0 || dwfl_report_end(n->dwfl, NULL, NULL) != 0) {
		n->open_error = dwfl_text("reading the core's modules");
		dwfl_end(n->dwfl);
		n->dwfl = NULL;
		return false;
	}
	dwfl_getmodules(n->dwfl, set_userdata, n, 0);
	if (dwfl_core_file_attach(n->dwfl, n->core_elf) < 0)
		n->attach_error = dwfl_text("reading the core's threads");
	else
		n->attached = true;
	return true;
}

static const char *base_name(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;
	return s ? s + 1 : path;
}

/* Fill @p fr's names for @p pc (@p lookup: pc, or pc-1 for a return
 * address). */
/*
 * What is at @p lookup: module, symbol, and with @p lines the source
 * line (which makes libdw read the module's DWARF: not for a name).
 */
static void describe(struct hc_native *n, uint64_t pc, uint64_t lookup,
		     bool lines, struct hc_native_frame *fr)
{
	memset(fr, 0, sizeof(*fr));
	fr->pc = pc;
	Dwfl_Module *mod = dwfl_addrmodule(n->dwfl, lookup);
	if (!mod)
		return;
	const char *mainfile = NULL;
	const char *name = dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL,
					    &mainfile, NULL);
	fr->module = base_name(name && *name ? name : mainfile);
	GElf_Addr bias;
	if (!dwfl_module_getelf(mod, &bias)) {
		const unsigned char *id;
		GElf_Addr vaddr;
		int len = dwfl_module_build_id(mod, &id, &vaddr);
		struct hc_strbuf sb;
		hc_strbuf_init(&sb);
		bool ok = hc_strbuf_appendf(&sb, "no file of %s", name ? name : "?");
		if (len > 0) {
			ok = ok && hc_strbuf_appends(&sb, " with build id ");
			for (int i = 0; ok && i < len; i++)
				ok = hc_strbuf_appendf(&sb, "%02x", id[i]);
		}
		ok = ok && hc_strbuf_appendf(&sb, " (%s)", dwfl_errmsg(-1));
		fr->problem = ok ? keep(n, hc_strbuf_steal(&sb)) : NULL;
		if (!ok)
			hc_strbuf_deinit(&sb);
		return;
	}
	GElf_Off off;
	GElf_Sym sym;
	const char *fn = dwfl_module_addrinfo(mod, lookup, &off, &sym, NULL,
					      NULL, NULL);
	if (fn) {
		/* .dynsym names carry their version ("clock_nanosleep@GLIBC_2.2.5"):
		 * shown as gdb does, without it. */
		const char *at = strchr(fn, '@');
		fr->func = at ? keep(n, strndup(fn, (size_t)(at - fn))) : fn;
		fr->offset = off + (pc - lookup);
	}
	Dwfl_Line *line = lines ? dwfl_module_getsrc(mod, lookup) : NULL;
	if (line) {
		int lineno = 0;
		const char *src = dwfl_lineinfo(line, NULL, &lineno, NULL, NULL,
						NULL);
		if (src && lineno > 0) {
			fr->file = src;
			fr->line = lineno;
		}
	}
}

struct unwind_ctx {
	struct hc_native *n;
	struct hc_native_stack *st;
	size_t max;
	bool nomem;
};

static int frame_cb(Dwfl_Frame *frame, void *arg)
{
	struct unwind_ctx *c = arg;
	Dwarf_Addr pc;
	bool activation;
	if (!dwfl_frame_pc(frame, &pc, &activation)) {
		c->st->error = dwfl_text("reading a frame's pc");
		return DWARF_CB_ABORT;
	}
	if (c->st->frames.size >= c->max) {
		c->st->truncated = true;
		return DWARF_CB_ABORT;
	}
	struct hc_native_frame *fr =
		hc_native_frame_vec_append_entry(&c->st->frames);
	if (!fr) {
		c->nomem = true;
		return DWARF_CB_ABORT;
	}
	/* A return address points after the call: look up the call. */
	uint64_t lookup = activation || pc == 0 ? pc : pc - 1;
	/* Go code ends the native frames; its source lines are the
	 * pclntab's (libdw can pin a Go PC on a cgo C unit's line). */
	bool go = c->n->is_go && c->n->is_go(lookup, c->n->is_go_arg);
	describe(c->n, pc, lookup, !go, fr);
	if (go) {
		fr->go = true;
		return DWARF_CB_ABORT;
	}
	return DWARF_CB_OK;
}

/* dwfl_getthreads() callback: unwind the one thread asked for. */
struct one_thread {
	pid_t tid;
	struct unwind_ctx *c;
	int r;
};

static int thread_cb(Dwfl_Thread *thread, void *arg)
{
	struct one_thread *o = arg;
	if (dwfl_thread_tid(thread) == o->tid && o->r == -1)
		o->r = dwfl_thread_getframes(thread, frame_cb, o->c);
	return DWARF_CB_OK;
}

struct hc_error *hc_native_unwind(struct hc_native *n, size_t index,
				  size_t max_frames,
				  struct hc_native_stack *ret)
{
	size_t nth;
	const struct hc_core_thread *th = hc_core_threads(n->core, &nth);
	if (index >= nth)
		return hc_error_create(HC_ERROR_INVALID_ARG, "no thread %zu",
				       index);
	if (!open_session(n)) {
		if (!n->open_error)
			return &hc_error_nomem;
		return hc_error_create(HC_ERROR_ELF, "native frames: %s",
				       n->open_error);
	}
	if (!n->attached) {
		ret->error = strdup(n->attach_error ? n->attach_error : "no threads");
		return ret->error ? NULL : &hc_error_nomem;
	}
	struct unwind_ctx c = { .n = n, .st = ret, .max = max_frames };
	struct one_thread o = { .tid = th[index].tid, .c = &c, .r = -1 };
	// Not dwfl_getthread_frames(): on a core it stops its walk over the
	// threads early and leaks that walk's state (elfutils 0.188); a full
	// dwfl_getthreads() pass frees it.
	int r = dwfl_getthreads(n->dwfl, thread_cb, &o);
	if (r == 0)
		r = o.r;
	if (c.nomem)
		return &hc_error_nomem;
	if (r == -1 && !ret->error) {
		ret->error = dwfl_text(ret->frames.size ? "unwinding stopped"
							: "unwinding");
		if (!ret->error)
			return &hc_error_nomem;
	}
	return NULL;
}

const char *hc_native_pc_name(struct hc_native *n, uint64_t pc)
{
	for (size_t i = 0; i < n->names.size; i++) {
		if (n->names.data[i].pc == pc)
			return n->names.data[i].name;
	}
	if (!open_session(n))
		return NULL;
	struct hc_native_frame fr;
	describe(n, pc, pc, false, &fr);
	char *name = NULL;
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	if (fr.func)
		name = strdup(fr.func);
	else if (fr.module) {
		Dwfl_Module *mod = dwfl_addrmodule(n->dwfl, pc);
		Dwarf_Addr start = 0;
		if (mod)
			dwfl_module_info(mod, NULL, &start, NULL, NULL, NULL, NULL, NULL);
		if (hc_strbuf_appendf(&sb, "%s+0x%" PRIx64, fr.module, pc - start))
			name = hc_strbuf_steal(&sb);
	}
	hc_strbuf_deinit(&sb);
	if ((fr.func || fr.module) && !name)
		return NULL;
	struct pc_name e = { pc, name };
	if (!pc_name_vec_append(&n->names, &e)) {
		free(name);
		return NULL;
	}
	return name;
}
