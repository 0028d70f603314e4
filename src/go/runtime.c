/* The Go runtime model: see include/hmapcore/runtime.h. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmapcore/runtime.h"
#include "hmapcore/value.h"
#include "hmapcore/strbuf.h"

/* A struct field located through DWARF. */
struct field {
	uint64_t off;
	uint64_t size;
	bool present;
};

struct layout {
	uint64_t g_size;
	struct field g_stack_lo, g_stack_hi, g_sched_sp, g_sched_pc, g_sched_bp,
		g_sched_lr, g_syscallsp, g_syscallpc, g_status, g_goid,
		g_waitreason, g_waitsince, g_m, g_lockedm, g_gopc, g_startpc,
		g_parent_goid, g_labels, g_panic, g_sig, g_sigcode0, g_sigcode1,
		g_sigpc;
	uint64_t m_size;
	struct field m_id, m_procid, m_g0, m_gsignal, m_curg, m_caughtsig,
		m_throwing, m_dying, m_alllink;
	struct field panic_arg;
};

static const char *const status_names[HC_G_NUM_STATUS] = {
	[HC_G_IDLE] = "idle",
	[HC_G_RUNNABLE] = "runnable",
	[HC_G_RUNNING] = "running",
	[HC_G_SYSCALL] = "syscall",
	[HC_G_WAITING] = "waiting",
	[HC_G_MORIBUND] = "moribund",
	[HC_G_DEAD] = "dead",
	[HC_G_ENQUEUE] = "enqueue",
	[HC_G_COPYSTACK] = "copystack",
	[HC_G_PREEMPTED] = "preempted",
	[HC_G_LEAKED] = "leaked",
	[HC_G_DEADEXTRA] = "waiting for cgo callback",
};

const char *hc_gstatus_name(uint32_t status)
{
	status &= ~(uint32_t)HC_G_SCAN;
	if (status < HC_G_NUM_STATUS && status_names[status])
		return status_names[status];
	return "???";
}

/* Record a problem line; out-of-memory here just drops the line. */
static void problem(struct hc_runtime *rt, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void problem(struct hc_runtime *rt, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s;
	int r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return;
	if (!hc_problem_vec_append(&rt->problems, &s))
		free(s);
}

static void problem_err(struct hc_runtime *rt, struct hc_error *err)
{
	problem(rt, "%s", err->message);
	hc_error_destroy(err);
}

/*
 * Locate @p path in @p type. The member's byte size comes from its type;
 * a missing member leaves present = false (versions differ).
 */
static void locate(struct hc_dwarf *d, const char *type, const char *path,
		   struct field *f)
{
	memset(f, 0, sizeof(*f));
	const struct hc_type *t;
	struct hc_error *err = hc_dwarf_find_type(d, type, &t);
	if (err) {
		hc_error_destroy(err);
		return;
	}
	uint64_t off = 0;
	const char *p = path;
	for (;;) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		char name[64];
		if (n >= sizeof(name))
			return;
		memcpy(name, p, n);
		name[n] = '\0';
		const struct hc_member *mem = hc_type_member(t, name);
		if (!mem || !mem->type)
			return;
		off += mem->offset;
		t = mem->type;
		if (!dot)
			break;
		p = dot + 1;
	}
	const struct hc_type *s = hc_type_strip(t);
	if (!s || !s->has_size || s->size == 0 || s->size > 8)
		return;
	f->off = off;
	f->size = s->size;
	f->present = true;
}

/* The first of two alternative paths that exists. */
static void locate2(struct hc_dwarf *d, const char *type, const char *a,
		    const char *b, struct field *f)
{
	locate(d, type, a, f);
	if (!f->present)
		locate(d, type, b, f);
}

static struct hc_error *resolve_layout(struct hc_dwarf *d, struct layout *l)
{
	struct hc_error *err = hc_dwarf_type_size(d, "runtime.g", &l->g_size);
	if (err)
		return hc_error_prefix(err, "resolving runtime.g");
	err = hc_dwarf_type_size(d, "runtime.m", &l->m_size);
	if (err)
		return hc_error_prefix(err, "resolving runtime.m");
	if (l->g_size == 0 || l->g_size > 65536 || l->m_size == 0 ||
	    l->m_size > 65536)
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "implausible runtime.g/m sizes %" PRIu64
				       "/%" PRIu64, l->g_size, l->m_size);

	locate(d, "runtime.g", "stack.lo", &l->g_stack_lo);
	locate(d, "runtime.g", "stack.hi", &l->g_stack_hi);
	locate(d, "runtime.g", "sched.sp", &l->g_sched_sp);
	locate(d, "runtime.g", "sched.pc", &l->g_sched_pc);
	locate(d, "runtime.g", "sched.bp", &l->g_sched_bp);
	locate(d, "runtime.g", "sched.lr", &l->g_sched_lr);
	locate(d, "runtime.g", "syscallsp", &l->g_syscallsp);
	locate(d, "runtime.g", "syscallpc", &l->g_syscallpc);
	/* uint32 in go1.19; atomic.Uint32{value} from go1.20. */
	locate2(d, "runtime.g", "atomicstatus.value", "atomicstatus",
		&l->g_status);
	locate(d, "runtime.g", "goid", &l->g_goid);
	locate(d, "runtime.g", "waitreason", &l->g_waitreason);
	locate(d, "runtime.g", "waitsince", &l->g_waitsince);
	locate(d, "runtime.g", "m", &l->g_m);
	locate(d, "runtime.g", "lockedm", &l->g_lockedm);
	locate(d, "runtime.g", "gopc", &l->g_gopc);
	locate(d, "runtime.g", "startpc", &l->g_startpc);
	locate(d, "runtime.g", "parentGoid", &l->g_parent_goid);
	locate(d, "runtime.g", "labels", &l->g_labels);
	locate(d, "runtime.g", "_panic", &l->g_panic);
	locate(d, "runtime.g", "sig", &l->g_sig);
	locate(d, "runtime.g", "sigcode0", &l->g_sigcode0);
	locate(d, "runtime.g", "sigcode1", &l->g_sigcode1);
	locate(d, "runtime.g", "sigpc", &l->g_sigpc);

	locate(d, "runtime.m", "id", &l->m_id);
	locate(d, "runtime.m", "procid", &l->m_procid);
	locate(d, "runtime.m", "g0", &l->m_g0);
	locate(d, "runtime.m", "gsignal", &l->m_gsignal);
	locate(d, "runtime.m", "curg", &l->m_curg);
	locate(d, "runtime.m", "caughtsig", &l->m_caughtsig);
	locate(d, "runtime.m", "throwing", &l->m_throwing);
	locate(d, "runtime.m", "dying", &l->m_dying);
	locate(d, "runtime.m", "alllink", &l->m_alllink);

	/* The panic value: _panic.arg (an eface, 16 bytes: read its words). */
	locate(d, "runtime._panic", "arg._type", &l->panic_arg);

	if (!l->g_status.present || !l->g_goid.present ||
	    !l->g_stack_lo.present || !l->g_sched_pc.present)
		return hc_error_create(HC_ERROR_NOT_FOUND,
				       "runtime.g lacks atomicstatus/goid/stack/sched");
	if (l->g_status.off + 4 > l->g_size || l->g_goid.off + 8 > l->g_size)
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "runtime.g fields outside the struct");
	return NULL;
}

static uint64_t get(const uint8_t *buf, size_t buf_size, const struct field *f)
{
	if (!f->present || f->off + f->size > buf_size)
		return 0;
	uint64_t v = 0;
	for (uint64_t i = 0; i < f->size; i++)
		v |= (uint64_t)buf[f->off + i] << (8 * i);
	return v;
}

/* A Go string header at @p addr, read with a length cap. */
static struct hc_error *read_gostring(const struct hc_aspace *as, uint64_t addr,
				      uint64_t max, char **ret,
				      uint64_t *len_ret)
{
	uint64_t ptr, len;
	struct hc_error *err = hc_aspace_read_u64(as, addr, &ptr);
	if (!err)
		err = hc_aspace_read_u64(as, addr + 8, &len);
	if (err)
		return err;
	if (len > max)
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "string at 0x%" PRIx64 " has length %" PRIu64,
				       addr, len);
	if (len == 0) {
		char *s = strdup("");
		if (!s)
			return &hc_error_nomem;
		*ret = s;
		if (len_ret)
			*len_ret = 0;
		return NULL;
	}
	err = hc_aspace_read_bytes(as, ptr, len, max, ret);
	if (!err && len_ret)
		*len_ret = len;
	return err;
}

/* A global's runtime address (DWARF's link-time address plus the bias). */
static struct hc_error *find_var(const struct hc_runtime_source *src,
				 const char *name, uint64_t *addr_ret,
				 const struct hc_type **type_ret)
{
	uint64_t addr;
	struct hc_error *err =
		hc_dwarf_find_variable(src->dwarf, name, &addr, type_ret);
	if (err)
		return err;
	*addr_ret = addr + src->bias;
	return NULL;
}

static char *escaped(const char *s, size_t n)
{
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	if (!hc_strbuf_append_escaped(&sb, s, n)) {
		hc_strbuf_deinit(&sb);
		return NULL;
	}
	return hc_strbuf_steal(&sb);
}

static void read_waitreasons(struct hc_runtime *rt,
			     const struct hc_runtime_source *src)
{
	uint64_t addr;
	const struct hc_type *type;
	struct hc_error *err = find_var(src, "runtime.waitReasonStrings", &addr, &type);
	if (err) {
		problem_err(rt, hc_error_prefix(err, "runtime.waitReasonStrings"));
		return;
	}
	type = hc_type_strip(type);
	if (!type || type->kind != HC_TYPE_ARRAY || type->count == 0 ||
	    type->count > 256) {
		problem(rt, "runtime.waitReasonStrings is not a [N]string");
		return;
	}
	rt->waitreasons = calloc(type->count, sizeof(char *));
	if (!rt->waitreasons)
		return;
	rt->num_waitreasons = type->count;
	for (uint64_t i = 0; i < type->count; i++) {
		char *raw;
		uint64_t len;
		err = read_gostring(src->as, addr + 16 * i, 256, &raw, &len);
		if (err) {
			problem_err(rt, hc_error_prefix(err, "waitReasonStrings[%" PRIu64 "]", i));
			rt->waitreasons[i] = strdup("?");
			continue;
		}
		rt->waitreasons[i] = escaped(raw, len);
		free(raw);
	}
}

static void read_goroutines(struct hc_runtime *rt,
			    const struct hc_runtime_source *src,
			    const struct layout *l)
{
	uint64_t allgs;
	struct hc_error *err =
		find_var(src, "runtime.allgs", &allgs, NULL);
	if (err) {
		problem_err(rt, hc_error_prefix(err, "runtime.allgs"));
		return;
	}
	uint64_t ptr, len;
	err = hc_aspace_read_u64(src->as, allgs, &ptr);
	if (!err)
		err = hc_aspace_read_u64(src->as, allgs + 8, &len);
	if (err) {
		problem_err(rt, hc_error_prefix(err, "reading runtime.allgs"));
		return;
	}
	uint64_t max = src->max_goroutines ? src->max_goroutines : 10000000;
	if (len > max) {
		problem(rt, "runtime.allgs has %" PRIu64
			" entries, over the limit of %" PRIu64 "; reading %" PRIu64,
			len, max, max);
		len = max;
	}
	if (!hc_goroutine_vec_reserve(&rt->goroutines, (size_t)len))
		return;
	uint8_t *buf = malloc(l->g_size);
	if (!buf)
		return;
	for (uint64_t i = 0; i < len; i++) {
		uint64_t gaddr;
		err = hc_aspace_read_u64(src->as, ptr + 8 * i, &gaddr);
		if (err) {
			problem_err(rt, hc_error_prefix(err, "runtime.allgs[%" PRIu64 "]", i));
			break;
		}
		if (gaddr == 0)
			continue;
		err = hc_aspace_read(src->as, gaddr, buf, l->g_size);
		if (err) {
			problem_err(rt, hc_error_prefix(err, "goroutine allgs[%" PRIu64 "]", i));
			continue;
		}
		struct hc_goroutine *g = hc_goroutine_vec_append_entry(&rt->goroutines);
		if (!g)
			break;
		size_t n = l->g_size;
		g->addr = gaddr;
		g->goid = get(buf, n, &l->g_goid);
		g->raw_status = (uint32_t)get(buf, n, &l->g_status);
		g->status = g->raw_status & ~(uint32_t)HC_G_SCAN;
		g->waitreason = (uint8_t)get(buf, n, &l->g_waitreason);
		g->waitsince = (int64_t)get(buf, n, &l->g_waitsince);
		g->stack_lo = get(buf, n, &l->g_stack_lo);
		g->stack_hi = get(buf, n, &l->g_stack_hi);
		g->sched_sp = get(buf, n, &l->g_sched_sp);
		g->sched_pc = get(buf, n, &l->g_sched_pc);
		g->sched_bp = get(buf, n, &l->g_sched_bp);
		g->sched_lr = get(buf, n, &l->g_sched_lr);
		g->syscallsp = get(buf, n, &l->g_syscallsp);
		g->syscallpc = get(buf, n, &l->g_syscallpc);
		g->m_addr = get(buf, n, &l->g_m);
		g->lockedm = get(buf, n, &l->g_lockedm);
		g->gopc = get(buf, n, &l->g_gopc);
		g->startpc = get(buf, n, &l->g_startpc);
		g->parent_goid = get(buf, n, &l->g_parent_goid);
		g->labels = get(buf, n, &l->g_labels);
		g->panic_addr = get(buf, n, &l->g_panic);
		g->sig = (uint32_t)get(buf, n, &l->g_sig);
		g->sigcode0 = get(buf, n, &l->g_sigcode0);
		g->sigcode1 = get(buf, n, &l->g_sigcode1);
		g->sigpc = get(buf, n, &l->g_sigpc);
		if (g->waitreason < rt->num_waitreasons &&
		    rt->waitreasons[g->waitreason])
			g->waitreason_text = rt->waitreasons[g->waitreason];
		else
			g->waitreason_text = "";
	}
	free(buf);
}

static void read_ms(struct hc_runtime *rt, const struct hc_runtime_source *src,
		    const struct layout *l)
{
	uint64_t allm_var, maddr;
	struct hc_error *err =
		find_var(src, "runtime.allm", &allm_var, NULL);
	if (!err)
		err = hc_aspace_read_u64(src->as, allm_var, &maddr);
	if (err) {
		problem_err(rt, hc_error_prefix(err, "runtime.allm"));
		return;
	}
	uint8_t *buf = malloc(l->m_size);
	if (!buf)
		return;
	/* A cycle in alllink must not hang us: bound the walk. */
	for (unsigned hops = 0; maddr && hops < 100000; hops++) {
		err = hc_aspace_read(src->as, maddr, buf, l->m_size);
		if (err) {
			problem_err(rt, hc_error_prefix(err, "reading an M"));
			break;
		}
		struct hc_m *m = hc_m_vec_append_entry(&rt->ms);
		if (!m)
			break;
		size_t n = l->m_size;
		m->addr = maddr;
		m->id = (int64_t)get(buf, n, &l->m_id);
		m->procid = get(buf, n, &l->m_procid);
		m->g0 = get(buf, n, &l->m_g0);
		m->gsignal = get(buf, n, &l->m_gsignal);
		m->curg = get(buf, n, &l->m_curg);
		m->caughtsig = get(buf, n, &l->m_caughtsig);
		m->throwing = (uint32_t)get(buf, n, &l->m_throwing);
		m->dying = (int32_t)get(buf, n, &l->m_dying);
		m->thread = -1;
		maddr = get(buf, n, &l->m_alllink);
		for (size_t i = 0; i + 1 < rt->ms.size; i++) {
			if (rt->ms.data[i].addr == maddr) {
				problem(rt, "runtime.allm list loops at 0x%" PRIx64, maddr);
				maddr = 0;
				break;
			}
		}
	}
	free(buf);
}

static bool is_known_g(const struct hc_runtime *rt, uint64_t g)
{
	if (!g)
		return false;
	if (hc_runtime_goroutine_at(rt, g))
		return true;
	for (size_t i = 0; i < rt->ms.size; i++) {
		if (rt->ms.data[i].g0 == g || rt->ms.data[i].gsignal == g)
			return true;
	}
	return false;
}

static void map_threads(struct hc_runtime *rt,
			const struct hc_runtime_source *src)
{
	size_t n;
	const struct hc_core_thread *threads = hc_core_threads(src->core, &n);
	if (!hc_thread_info_vec_reserve(&rt->threads, n))
		return;
	for (size_t i = 0; i < n; i++) {
		struct hc_thread_info *ti =
			hc_thread_info_vec_append_entry(&rt->threads);
		ti->index = i;
		ti->m = -1;
		for (size_t j = 0; j < rt->ms.size; j++) {
			if (rt->ms.data[j].procid == (uint64_t)threads[i].tid) {
				ti->m = (long)j;
				rt->ms.data[j].thread = (long)i;
				ti->curg = rt->ms.data[j].curg;
				break;
			}
		}
		/* The g register (r14 / x28) in Go code; on amd64 also the TLS
		 * slot at fs_base-8 for statically linked programs. */
		uint64_t g = threads[i].greg;
		if (!is_known_g(rt, g) && hc_core_arch(src->core) == HC_ARCH_AMD64 &&
		    threads[i].tls_valid) {
			uint64_t tg;
			struct hc_error *err =
				hc_aspace_read_u64(src->as, threads[i].tls - 8, &tg);
			if (!err)
				g = tg;
			hc_error_destroy(err);
		}
		ti->g_addr = is_known_g(rt, g) ? g : 0;
	}
}

/*
 * The name of a runtime type descriptor (abi.Type, src/internal/abi/type.go
 * go1.21+, runtime._type go1.19: Str int32 @40, TFlag @20 with ExtraStar 2;
 * the name is a flags byte, a uvarint length, the bytes; go1.17+).
 */
static char *type_name(const struct hc_runtime_source *src, uint64_t typ,
		       uint8_t *kind_ret)
{
	if (!src->types_addr)
		return NULL;
	return hc_value_type_name(src->as, src->types_addr, typ, kind_ret);
}

enum { KIND_STRING = 24, KIND_PTR = 22 };

/* Render the panic value as the runtime's printpanicval would. */
static void read_panic(struct hc_runtime *rt,
		       const struct hc_runtime_source *src,
		       const struct layout *l, const struct hc_goroutine *g)
{
	if (!g->panic_addr || !l->panic_arg.present)
		return;
	uint64_t typ, data;
	struct hc_error *err =
		hc_aspace_read_u64(src->as, g->panic_addr + l->panic_arg.off, &typ);
	if (!err)
		err = hc_aspace_read_u64(src->as,
					 g->panic_addr + l->panic_arg.off + 8, &data);
	if (err) {
		problem_err(rt, hc_error_prefix(err, "reading the panic of goroutine %" PRIu64, g->goid));
		return;
	}
	if (!typ)
		return;
	uint8_t kind = 0;
	char *name = type_name(src, typ, &kind);
	rt->crash.panic_type = name;
	char *s = NULL;
	uint64_t len = 0;
	if (kind == KIND_STRING) {
		err = read_gostring(src->as, data, 1 << 16, &s, &len);
	} else if (kind == KIND_PTR && name &&
		   strcmp(name, "*errors.errorString") == 0) {
		err = read_gostring(src->as, data, 1 << 16, &s, &len);
	}
	if (err) {
		problem_err(rt, hc_error_prefix(err, "reading the panic value"));
		return;
	}
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	bool ok = true;
	if (s) {
		/* runtime.Error values print with this prefix (error.go). */
		const char *prefix = name && strcmp(name, "runtime.errorString") == 0
					     ? "runtime error: " : "";
		ok = hc_strbuf_appends(&sb, prefix) &&
		     hc_strbuf_append_escaped(&sb, s, len);
		struct hc_strbuf raw;
		hc_strbuf_init(&raw);
		if (ok && hc_strbuf_appends(&raw, prefix) && hc_strbuf_append(&raw, s, len)) {
			rt->crash.panic_raw_len = raw.len;
			rt->crash.panic_raw = hc_strbuf_steal(&raw);
		}
		hc_strbuf_deinit(&raw);
		free(s);
	} else {
		ok = hc_strbuf_appendf(&sb, "(%s) 0x%" PRIx64,
				       name ? name : "?", data);
	}
	if (ok)
		rt->crash.panic_message = hc_strbuf_steal(&sb);
	hc_strbuf_deinit(&sb);
}

static void read_backlog(struct hc_runtime *rt,
			 const struct hc_runtime_source *src)
{
	uint64_t buf_addr, idx_addr;
	const struct hc_type *type;
	struct hc_error *err = find_var(src, "runtime.printBacklog", &buf_addr, &type);
	if (!err)
		err = find_var(src, "runtime.printBacklogIndex", &idx_addr,
			       NULL);
	if (err) {
		hc_error_destroy(err);
		return; /* older runtimes have none */
	}
	type = hc_type_strip(type);
	uint64_t size = type && type->has_size ? type->size : 0;
	if (size == 0 || size > 65536)
		return;
	uint64_t idx;
	char *buf = malloc(size);
	if (!buf)
		return;
	err = hc_aspace_read(src->as, buf_addr, buf, size);
	if (!err)
		err = hc_aspace_read_u64(src->as, idx_addr, &idx);
	if (err) {
		problem_err(rt, hc_error_prefix(err, "runtime.printBacklog"));
		free(buf);
		return;
	}
	idx %= size;
	/* A circular buffer: if the part after idx holds text, it is older. */
	char *lin = malloc(size + 1);
	if (!lin) {
		free(buf);
		return;
	}
	size_t n = 0;
	for (uint64_t i = idx; i < size; i++)
		if (buf[i])
			lin[n++] = buf[i];
	for (uint64_t i = 0; i < idx; i++)
		if (buf[i])
			lin[n++] = buf[i];
	lin[n] = '\0';
	free(buf);
	if (n)
		rt->crash.backlog = escaped(lin, n);
	/* The last "fatal error: " line. */
	const char *last = NULL;
	for (const char *p = lin; (p = strstr(p, "fatal error: ")); p++)
		last = p;
	if (last) {
		last += strlen("fatal error: ");
		size_t m = strcspn(last, "\n");
		rt->crash.fatal_message = escaped(last, m);
	}
	free(lin);
}

/*
 * The signal an M's handler is running for, from the frame the kernel (or
 * qemu-user) pushed on the alternate signal stack, which the runtime sets to
 * the M's gsignal stack (runtime/signal_unix.go minitSignalStack, go1.19-
 * go1.27). The frame's ucontext holds uc_stack = {ss_sp, ss_flags, ss_size}
 * = {gsignal.stack.lo, 0, hi - lo}; siginfo follows the ucontext on amd64
 * (Linux arch/x86 rt_sigframe: pretcode, ucontext of 304 bytes, siginfo:
 * ss_sp + 288) and precedes it on arm64 (arch/arm64 rt_sigframe: siginfo
 * of 128 bytes, ucontext with uc_stack at 16: ss_sp - 144). Only
 * meaningful when the M is known to be in its handler (m.caughtsig).
 */
static void read_fatal_signal(struct hc_runtime *rt,
			      const struct hc_runtime_source *src,
			      const struct hc_m *m)
{
	uint64_t b[2];
	struct hc_error *err = hc_aspace_read(src->as, m->gsignal, b, sizeof(b));
	if (err) {
		hc_error_destroy(err);
		return;
	}
	uint64_t lo = b[0], hi = b[1];
	if (lo >= hi || hi - lo > (1u << 20) || hi - lo < 512)
		return;
	size_t n = (size_t)(hi - lo);
	uint8_t *buf = malloc(n);
	if (!buf)
		return;
	err = hc_aspace_read(src->as, lo, buf, n);
	if (err) {
		hc_error_destroy(err);
		free(buf);
		return;
	}
	bool arm64 = hc_core_arch(src->core) == HC_ARCH_ARM64;
	/* From the top down: the frame sits near hi. */
	for (size_t off = (n - 24) & ~(size_t)7; off >= 8; off -= 8) {
		uint64_t sp, size;
		memcpy(&sp, buf + off, 8);
		memcpy(&size, buf + off + 16, 8);
		if (sp != lo || size != n)
			continue;
		size_t si = arm64 ? off - 144 : off + 288;
		if (arm64 ? off < 144 : si + 12 > n)
			break;
		uint32_t signo;
		int32_t code;
		memcpy(&signo, buf + si, 4);
		memcpy(&code, buf + si + 8, 4);
		if (signo >= 1 && signo <= 64) {
			rt->crash.fatal_signal = signo;
			rt->crash.fatal_sigcode = code;
		}
		break;
	}
	free(buf);
}

static void read_crash(struct hc_runtime *rt,
		       const struct hc_runtime_source *src,
		       const struct layout *l)
{
	read_backlog(rt, src);
	/* The thread that took the fatal signal is the first in the core. */
	if (rt->threads.size == 0)
		return;
	const struct hc_thread_info *ti = &rt->threads.data[0];
	uint64_t gaddr = ti->curg;
	if (ti->m >= 0)
		rt->crash.throwing = rt->ms.data[ti->m].throwing;
	/* Died in the signal handler (sighandler sets caughtsig for _SigThrow
	 * signals only; a signal turned into a panic is g.sig below). */
	if (ti->m >= 0 && rt->ms.data[ti->m].caughtsig) {
		read_fatal_signal(rt, src, &rt->ms.data[ti->m]);
		/* Sent by a process (SIGQUIT, kill -ABRT): the goroutine it
		 * interrupted is a bystander, nothing crashed. */
		if (rt->crash.fatal_signal && rt->crash.fatal_sigcode <= 0)
			return;
	}
	if (!gaddr && ti->g_addr && hc_runtime_goroutine_at(rt, ti->g_addr))
		gaddr = ti->g_addr;
	const struct hc_goroutine *g = hc_runtime_goroutine_at(rt, gaddr);
	if (!g)
		return;
	rt->crash.goid = g->goid;
	rt->crash.go_signal = g->sig;
	rt->crash.go_sigcode0 = g->sigcode0;
	rt->crash.go_fault_addr = g->sigcode1;
	rt->crash.go_sigpc = g->sigpc;
	read_panic(rt, src, l, g);
}

static void read_build_version(struct hc_runtime *rt,
			       const struct hc_runtime_source *src)
{
	uint64_t addr;
	struct hc_error *err = find_var(src, "runtime.buildVersion", &addr, NULL);
	char *raw = NULL;
	uint64_t len = 0;
	if (!err)
		err = read_gostring(src->as, addr, 256, &raw, &len);
	if (err) {
		problem_err(rt, hc_error_prefix(err, "runtime.buildVersion"));
		return;
	}
	rt->build_version = escaped(raw, len);
	free(raw);
}

struct hc_error *hc_runtime_create(const struct hc_runtime_source *src,
				   struct hc_runtime **ret)
{
	if (!src->dwarf)
		return hc_error_create(HC_ERROR_UNSUPPORTED,
				       "the runtime model needs DWARF (stripped executable)");
	struct layout l;
	memset(&l, 0, sizeof(l));
	struct hc_error *err = resolve_layout(src->dwarf, &l);
	if (err)
		return err;
	struct hc_runtime *rt = calloc(1, sizeof(*rt));
	if (!rt)
		return &hc_error_nomem;
	hc_goroutine_vec_init(&rt->goroutines);
	hc_m_vec_init(&rt->ms);
	hc_thread_info_vec_init(&rt->threads);
	hc_problem_vec_init(&rt->problems);

	read_build_version(rt, src);
	read_waitreasons(rt, src);
	read_goroutines(rt, src, &l);
	read_ms(rt, src, &l);
	map_threads(rt, src);
	read_crash(rt, src, &l);
	*ret = rt;
	return NULL;
}

void hc_runtime_destroy(struct hc_runtime *rt)
{
	if (!rt)
		return;
	for (size_t i = 0; i < rt->num_waitreasons; i++)
		free(rt->waitreasons[i]);
	free(rt->waitreasons);
	for (size_t i = 0; i < rt->problems.size; i++)
		free(rt->problems.data[i]);
	hc_problem_vec_deinit(&rt->problems);
	hc_goroutine_vec_deinit(&rt->goroutines);
	hc_m_vec_deinit(&rt->ms);
	hc_thread_info_vec_deinit(&rt->threads);
	free(rt->build_version);
	free(rt->crash.fatal_message);
	free(rt->crash.panic_message);
	free(rt->crash.panic_type);
	free(rt->crash.panic_raw);
	free(rt->crash.backlog);
	free(rt);
}

const struct hc_goroutine *hc_runtime_find_goroutine(const struct hc_runtime *rt,
						     uint64_t goid)
{
	for (size_t i = 0; i < rt->goroutines.size; i++) {
		const struct hc_goroutine *g = &rt->goroutines.data[i];
		if (g->goid == goid && g->status != HC_G_DEAD)
			return g;
	}
	return NULL;
}

const struct hc_goroutine *hc_runtime_goroutine_at(const struct hc_runtime *rt,
						   uint64_t addr)
{
	if (!addr)
		return NULL;
	for (size_t i = 0; i < rt->goroutines.size; i++) {
		if (rt->goroutines.data[i].addr == addr)
			return &rt->goroutines.data[i];
	}
	return NULL;
}

void hc_runtime_count_by_status(const struct hc_runtime *rt,
				size_t counts[HC_G_NUM_STATUS])
{
	memset(counts, 0, sizeof(size_t) * HC_G_NUM_STATUS);
	for (size_t i = 0; i < rt->goroutines.size; i++) {
		uint32_t s = rt->goroutines.data[i].status;
		if (s < HC_G_NUM_STATUS)
			counts[s]++;
	}
}
