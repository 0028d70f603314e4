/* The Go runtime model: see include/hmapcore/runtime.h. */
#include "config.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmapcore/layout.h"
#include "hmapcore/runtime.h"
#include "hmapcore/value.h"
#include "hmapcore/strbuf.h"
#include "hmapcore/threads.h"

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

void hc_runtime_add_problem(struct hc_runtime *rt, const char *fmt, ...)
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

/* Whether the runtime's globals can be looked up by name (DWARF or the
 * symbol table), rather than searched for. */
static bool globals_by_name(const struct hc_runtime_source *src)
{
	return src->dwarf || src->symbols;
}

/*
 * A global's runtime address (the link-time address plus the bias) and
 * size in bytes (0 when unknown): from DWARF, else the symbol table.
 */
static struct hc_error *find_var(const struct hc_runtime_source *src,
				 const char *name, uint64_t *addr_ret,
				 uint64_t *size_ret)
{
	uint64_t addr, size = 0;
	struct hc_error *err;
	if (src->dwarf) {
		const struct hc_type *type;
		err = hc_dwarf_find_variable(src->dwarf, name, &addr, &type);
		type = err ? NULL : hc_type_strip(type);
		if (type && type->has_size)
			size = type->size;
	} else if (src->symbols) {
		err = hc_elffile_symbol(src->symbols, name, &addr, &size);
	} else {
		err = hc_error_create(HC_ERROR_NOT_FOUND, "no DWARF and no symbols");
	}
	if (err)
		return err;
	*addr_ret = addr + src->bias;
	if (size_ret)
		*size_ret = size;
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

/*
 * Memory of [lo, hi), page by page, into a zeroed buffer: pages the core
 * lacks read as zeros (untouched bss). At most 64 MiB. NULL when nothing
 * could be read.
 */
static uint8_t *read_region(const struct hc_aspace *as, uint64_t lo,
			    uint64_t hi, uint64_t *size_ret)
{
	enum { page = 4096 };
	static const uint64_t limit = 64 << 20;
	if (!lo || hi <= lo || hi - lo > limit)
		return NULL;
	uint64_t size = hi - lo;
	uint8_t *buf = calloc(1, size);
	if (!buf)
		return NULL;
	bool any = false;
	for (uint64_t off = 0; off < size;) {
		uint64_t a = lo + off;
		uint64_t n = page - (a % page);
		if (n > size - off)
			n = size - off;
		struct hc_error *err = hc_aspace_read(as, a, buf + off, n);
		if (err)
			hc_error_destroy(err);
		else
			any = true;
		off += n;
	}
	if (!any) {
		free(buf);
		return NULL;
	}
	*size_ret = size;
	return buf;
}

/*
 * Without DWARF: runtime.waitReasonStrings is the [N]string in the data
 * section whose entries 0 and 1 are "" and "GC assist marking" (the order
 * of src/runtime/runtime2.go since go1.14). N comes from the layout
 * table, else the entries are taken while they look like short texts.
 */
static struct hc_error *search_waitreasons(const struct hc_runtime_source *src,
					   uint64_t *addr_ret, uint64_t *count_ret)
{
	static const char want[] = "GC assist marking";
	uint64_t size;
	uint8_t *buf = read_region(src->as, src->data, src->edata, &size);
	if (!buf)
		return hc_error_create(HC_ERROR_NOT_FOUND,
				       "the data section is not in the core");
	uint64_t found = 0;
	for (uint64_t o = 0; o + 32 <= size && !found; o += 8) {
		if (hc_le64(buf + o + 8) != 0 || hc_le64(buf + o + 24) != sizeof(want) - 1)
			continue;
		char text[sizeof(want)];
		struct hc_error *err = hc_aspace_read(src->as, hc_le64(buf + o + 16),
						      text, sizeof(want) - 1);
		if (err) {
			hc_error_destroy(err);
			continue;
		}
		if (memcmp(text, want, sizeof(want) - 1) == 0)
			found = src->data + o;
	}
	if (!found) {
		free(buf);
		return hc_error_create(HC_ERROR_NOT_FOUND,
				       "no [N]string starting \"\", \"GC assist marking\" in the data section");
	}
	uint64_t n = src->layout->wait_reasons;
	if (!n) {
		// Entries after the first two: short strings of printable text.
		for (n = 2; n < 256; n++) {
			uint64_t o = found - src->data + 16 * n;
			if (o + 16 > size)
				break;
			uint64_t len = hc_le64(buf + o + 8);
			if (len == 0 || len > 64)
				break;
			char text[64];
			struct hc_error *err = hc_aspace_read(src->as, hc_le64(buf + o),
							      text, len);
			if (err) {
				hc_error_destroy(err);
				break;
			}
			bool printable = true;
			for (uint64_t i = 0; i < len; i++)
				printable = printable && text[i] >= 0x20 && text[i] < 0x7f;
			if (!printable)
				break;
		}
	}
	free(buf);
	*addr_ret = found;
	*count_ret = n;
	return NULL;
}

static void read_waitreasons(struct hc_runtime *rt,
			     const struct hc_runtime_source *src)
{
	uint64_t addr = 0, count = 0;
	struct hc_error *err;
	if (globals_by_name(src)) {
		// [N]string: N string headers of two words.
		uint64_t size;
		err = find_var(src, "runtime.waitReasonStrings", &addr, &size);
		if (err) {
			problem_err(rt, hc_error_prefix(err, "runtime.waitReasonStrings"));
			return;
		}
		if (size == 0 || size % 16 || size / 16 > 256) {
			problem(rt, "runtime.waitReasonStrings is not a [N]string");
			return;
		}
		count = size / 16;
	} else {
		err = search_waitreasons(src, &addr, &count);
		if (err) {
			problem_err(rt, hc_error_prefix(err, "runtime.waitReasonStrings"));
			return;
		}
	}
	rt->waitreasons = calloc(count, sizeof(char *));
	if (!rt->waitreasons)
		return;
	rt->num_waitreasons = count;
	for (uint64_t i = 0; i < count; i++) {
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

/* Whether a runtime.g read into @p buf looks like one. */
static bool plausible_g(const struct hc_layout *l, const uint8_t *buf)
{
	uint64_t n = l->g_size;
	uint32_t status = (uint32_t)hc_layout_get(l, HC_LF_G_STATUS, buf, n) &
			  ~(uint32_t)HC_G_SCAN;
	if (status >= HC_G_NUM_STATUS)
		return false;
	if (hc_layout_get(l, HC_LF_G_GOID, buf, n) >> 40)
		return false;
	uint64_t lo = hc_layout_get(l, HC_LF_G_STACK_LO, buf, n);
	uint64_t hi = hc_layout_get(l, HC_LF_G_STACK_HI, buf, n);
	if (status == HC_G_DEAD && lo == 0 && hi == 0)
		return true;
	return lo < hi && hi - lo <= (1ull << 30) && (lo & 7) == 0;
}

/*
 * Without DWARF: runtime.allgs is the []*g in the bss whose elements are
 * runtime.g's and which holds every g an M runs (m.curg). When no M is
 * known, its first element must be goroutine 1 (runtime.main).
 */
static struct hc_error *search_allgs(struct hc_runtime *rt,
				     const struct hc_runtime_source *src,
				     uint64_t max, uint64_t *addr_ret)
{
	const struct hc_layout *l = src->layout;
	uint64_t size;
	uint8_t *region = read_region(src->as, src->bss, src->ebss, &size);
	if (!region)
		return hc_error_create(HC_ERROR_NOT_FOUND, "the bss is not in the core");
	uint8_t *g = malloc(l->g_size);
	if (!g) {
		free(region);
		return &hc_error_nomem;
	}
	size_t curgs = 0;
	for (size_t i = 0; i < rt->ms.size; i++)
		curgs += rt->ms.data[i].curg != 0;
	uint64_t found = 0;
	// Element reads of all candidates together: a hostile bss full of
	// slice-like words must not cost 10^7 reads each.
	uint64_t budget = 4 * max + 1000000;
	for (uint64_t o = 0; o + 24 <= size && !found && budget; o += 8) {
		uint64_t ptr = hc_le64(region + o), len = hc_le64(region + o + 8),
			 cap = hc_le64(region + o + 16);
		if (!ptr || (ptr & 7) || !len || len > cap || cap > max)
			continue;
		bool ok = true;
		uint64_t goid1 = 0;
		// The first and last 16 elements are g's.
		for (uint64_t i = 0; ok && i < len; i++) {
			if (i == 16 && len > 32)
				i = len - 16;
			uint64_t ga;
			struct hc_error *err = hc_aspace_read_u64(src->as, ptr + 8 * i, &ga);
			if (!err)
				err = hc_aspace_read(src->as, ga, g, l->g_size);
			if (err) {
				hc_error_destroy(err);
				ok = false;
				break;
			}
			ok = plausible_g(l, g);
			if (i == 0)
				goid1 = hc_layout_get(l, HC_LF_G_GOID, g, l->g_size);
		}
		if (!ok)
			continue;
		if (!curgs) {
			if (goid1 == 1)
				found = src->bss + o;
			continue;
		}
		// Every m.curg is an element.
		size_t seen = 0;
		for (uint64_t i = 0; i < len && seen < curgs && budget; i++, budget--) {
			uint64_t ga;
			struct hc_error *err = hc_aspace_read_u64(src->as, ptr + 8 * i, &ga);
			if (err) {
				hc_error_destroy(err);
				break;
			}
			for (size_t j = 0; j < rt->ms.size; j++)
				seen += ga && rt->ms.data[j].curg == ga;
		}
		if (seen >= curgs)
			found = src->bss + o;
	}
	free(g);
	free(region);
	if (!found)
		return hc_error_create(HC_ERROR_NOT_FOUND,
				       "no []*g in the bss holds the goroutines the threads run");
	*addr_ret = found;
	return NULL;
}

/* The fields of the g at @p gaddr, read into @p buf (l->g_size bytes). */
static void parse_g(const struct hc_runtime *rt, const struct hc_layout *l, const uint8_t *buf,
		    uint64_t gaddr, struct hc_goroutine *g)
{
	size_t n = l->g_size;
	memset(g, 0, sizeof(*g));
	g->addr = gaddr;
	g->goid = hc_layout_get(l, HC_LF_G_GOID, buf, n);
	g->raw_status = (uint32_t)hc_layout_get(l, HC_LF_G_STATUS, buf, n);
	g->status = g->raw_status & ~(uint32_t)HC_G_SCAN;
	g->waitreason = (uint8_t)hc_layout_get(l, HC_LF_G_WAITREASON, buf, n);
	g->waitsince = (int64_t)hc_layout_get(l, HC_LF_G_WAITSINCE, buf, n);
	g->stack_lo = hc_layout_get(l, HC_LF_G_STACK_LO, buf, n);
	g->stack_hi = hc_layout_get(l, HC_LF_G_STACK_HI, buf, n);
	g->sched_sp = hc_layout_get(l, HC_LF_G_SCHED_SP, buf, n);
	g->sched_pc = hc_layout_get(l, HC_LF_G_SCHED_PC, buf, n);
	g->sched_bp = hc_layout_get(l, HC_LF_G_SCHED_BP, buf, n);
	g->sched_lr = hc_layout_get(l, HC_LF_G_SCHED_LR, buf, n);
	g->syscallsp = hc_layout_get(l, HC_LF_G_SYSCALLSP, buf, n);
	g->syscallpc = hc_layout_get(l, HC_LF_G_SYSCALLPC, buf, n);
	g->m_addr = hc_layout_get(l, HC_LF_G_M, buf, n);
	g->lockedm = hc_layout_get(l, HC_LF_G_LOCKEDM, buf, n);
	g->gopc = hc_layout_get(l, HC_LF_G_GOPC, buf, n);
	g->startpc = hc_layout_get(l, HC_LF_G_STARTPC, buf, n);
	g->parent_goid = hc_layout_get(l, HC_LF_G_PARENT_GOID, buf, n);
	g->labels = hc_layout_get(l, HC_LF_G_LABELS, buf, n);
	g->panic_addr = hc_layout_get(l, HC_LF_G_PANIC, buf, n);
	g->sig = (uint32_t)hc_layout_get(l, HC_LF_G_SIG, buf, n);
	g->sigcode0 = hc_layout_get(l, HC_LF_G_SIGCODE0, buf, n);
	g->sigcode1 = hc_layout_get(l, HC_LF_G_SIGCODE1, buf, n);
	g->sigpc = hc_layout_get(l, HC_LF_G_SIGPC, buf, n);
	if (g->waitreason < rt->num_waitreasons && rt->waitreasons[g->waitreason])
		g->waitreason_text = rt->waitreasons[g->waitreason];
	else
		g->waitreason_text = "";
}

/* A g that could not be read, in a part's list (ascending index). */
struct g_error {
	uint64_t index;
	struct hc_error *err;
	struct g_error *next;
};

/* allgs[begin, end) parsed into the same slots of rt->goroutines. */
struct parse_part {
	struct hc_runtime *rt;
	const struct hc_runtime_source *src;
	const struct hc_layout *l;
	uint64_t *gaddrs; /* a part sets its own 0 for a g left out */
	uint64_t begin, end;
	struct g_error *errors;
};

enum { PARSE_SPLIT_MIN = 8192 };

static void parse_gs(struct parse_part *p)
{
	const struct hc_layout *l = p->l;
	struct g_error **tail = &p->errors;
	uint8_t *buf = malloc(l->g_size);
	for (uint64_t i = p->begin; i < p->end; i++) {
		uint64_t gaddr = p->gaddrs[i];
		if (gaddr == 0)
			continue;
		/* Straight from the mapped core when the g is in one piece. */
		const uint8_t *at = hc_aspace_ptr(p->src->as, gaddr, l->g_size);
		struct hc_error *err = NULL;
		if (!at) {
			err = buf ? hc_aspace_read(p->src->as, gaddr, buf, l->g_size) : &hc_error_nomem;
			at = buf;
		}
		if (err) {
			struct g_error *x = malloc(sizeof(*x));
			if (!x) {
				/* Out of memory for the problem: the g is left out
				 * without one. */
				hc_error_destroy(err);
				p->gaddrs[i] = 0;
				continue;
			}
			*x = (struct g_error){i, err, NULL};
			*tail = x;
			tail = &x->next;
			continue;
		}
		parse_g(p->rt, l, at, gaddr, &p->rt->goroutines.data[i]);
	}
	free(buf);
}

static void *parse_thread(void *arg)
{
	parse_gs(arg);
	return NULL;
}

/* Problems told one by one for the gs of allgs that cannot be read; the
 * rest are one line with their count. */
enum { MAX_G_PROBLEMS = 8 };

static void check_goroutines(struct hc_runtime *rt);

static void read_goroutines(struct hc_runtime *rt,
			    const struct hc_runtime_source *src,
			    const struct hc_layout *l)
{
	uint64_t allgs = 0;
	uint64_t max = src->max_goroutines ? src->max_goroutines : 10000000;
	struct hc_error *err = globals_by_name(src) ? find_var(src, "runtime.allgs", &allgs, NULL)
					  : search_allgs(rt, src, max, &allgs);
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
	/* The array holds cap entries: a length past it is corrupt (an
	 * allglen of 2^31 read every word after the array as a g). */
	uint64_t cap;
	struct hc_error *cerr = hc_aspace_read_u64(src->as, allgs + 16, &cap);
	if (!cerr && len > cap) {
		problem(rt, "runtime.allgs has length %" PRIu64 " but capacity %" PRIu64
			" (corrupt); reading %" PRIu64, len, cap, cap < max ? cap : max);
		len = cap;
	}
	hc_error_destroy(cerr);
	if (len > max) {
		problem(rt, "runtime.allgs has %" PRIu64
			" entries, over the limit of %" PRIu64 "; reading %" PRIu64,
			len, max, max);
		len = max;
	}
	if (!hc_goroutine_vec_reserve(&rt->goroutines, (size_t)len))
		return;
	/* 1. The g pointers, up to the first that cannot be read (its
	 * problem comes last, after those of the gs before it). */
	uint64_t *gaddrs = malloc((len ? len : 1) * sizeof(*gaddrs));
	if (!gaddrs)
		return;
	uint64_t n = 0;
	struct hc_error *stop = NULL;
	for (; n < len && !stop; n++)
		stop = hc_aspace_read_u64(src->as, ptr + 8 * n, &gaddrs[n]);
	if (stop)
		n--;
	/* 2. Each g into its own slot, the second half on a thread of its
	 * own when there are many (a cache miss or two a field). */
	struct parse_part parts[2] = {
		{rt, src, l, gaddrs, 0, n / 2, NULL},
		{rt, src, l, gaddrs, n / 2, n, NULL},
	};
	bool two = hc_second_thread(n, PARSE_SPLIT_MIN);
	pthread_t th;
	if (two && pthread_create(&th, NULL, parse_thread, &parts[1]) != 0)
		two = false;
	if (!two)
		parts[0].end = n;
	parse_gs(&parts[0]);
	if (two)
		pthread_join(th, NULL);
	else
		parts[1].errors = NULL;
	/* 3. In allgs order: the problems, and the gs read packed. */
	size_t out = 0;
	uint64_t bad_gs = 0;
	struct g_error *e[2] = {parts[0].errors, parts[1].errors};
	for (uint64_t i = 0; i < n; i++) {
		if (!gaddrs[i])
			continue;
		int k = i < parts[1].begin || !two ? 0 : 1;
		if (e[k] && e[k]->index == i) {
			struct g_error *x = e[k];
			e[k] = x->next;
			/* The first few in full, the rest counted: a corrupt
			 * allglen made every word past the array a "g" and
			 * printed 591,364 lines. */
			if (++bad_gs <= MAX_G_PROBLEMS)
				problem_err(rt, hc_error_prefix(x->err, "goroutine allgs[%" PRIu64 "]", i));
			else
				hc_error_destroy(x->err);
			free(x);
			continue;
		}
		if (out != i)
			rt->goroutines.data[out] = rt->goroutines.data[i];
		out++;
	}
	rt->goroutines.size = out;
	free(gaddrs);
	if (bad_gs > MAX_G_PROBLEMS)
		problem(rt, "%" PRIu64 " more of runtime.allgs's %" PRIu64 " entries are not gs "
			"(%" PRIu64 " unreadable in all: its length is likely corrupt)",
			bad_gs - MAX_G_PROBLEMS, len, bad_gs);
	if (stop)
		problem_err(rt, hc_error_prefix(stop, "runtime.allgs[%" PRIu64 "]", n));
}

/* Whether @p pc is in a Go function of the pclntab. */
static bool in_go_text(const struct hc_runtime_source *src, uint64_t pc)
{
	struct hc_func f;
	if (!src->pclntab)
		return true; /* cannot tell: keep trusting the g register */
	struct hc_error *err = hc_pclntab_find_func(src->pclntab, pc, &f);
	bool found = !err;
	hc_error_destroy(err);
	return found;
}

/*
 * amd64: the g in the thread's TLS slot, 0 when unreadable. The slot is at
 * the offset the target computed from runtime.tlsg (external linking), else
 * at fs_base-8 (internal linking).
 */
static uint64_t tls_g(const struct hc_runtime_source *src,
		      const struct hc_core_thread *th)
{
	if (hc_core_arch(src->core) != HC_ARCH_AMD64 || !th->tls_valid)
		return 0;
	int64_t off = src->has_tls_g_offset ? src->tls_g_offset : -8;
	uint64_t g = 0;
	struct hc_error *err =
		hc_aspace_read_u64(src->as, th->tls + (uint64_t)off, &g);
	hc_error_destroy(err);
	return err ? 0 : g;
}

/*
 * The M that g @p g runs on (g.m), when it is genuinely @p tid's: its
 * m.procid is that thread id. 0 otherwise (unreadable, no M, another id).
 */
static uint64_t m_of_thread_g(const struct hc_runtime_source *src, uint64_t g,
			      int32_t tid)
{
	const struct hc_layout *l = src->layout;
	uint64_t m = 0, procid = 0;
	if (!g)
		return 0;
	struct hc_error *err = hc_aspace_read_u64(src->as, g + l->f[HC_LF_G_M].off, &m);
	if (!err && m)
		err = hc_aspace_read_u64(src->as, m + l->f[HC_LF_M_PROCID].off, &procid);
	if (err) {
		hc_error_destroy(err);
		return 0;
	}
	return m && procid == (uint64_t)tid ? m : 0;
}

/* Whether the alllink list from @p from reaches @p to; *budget bounds the
 * reads of all calls together (a looping list in a hostile core). */
static bool alllink_reaches(const struct hc_runtime_source *src, uint64_t from,
			    uint64_t to, uint64_t *budget)
{
	uint64_t off = src->layout->f[HC_LF_M_ALLLINK].off;
	for (unsigned hops = 0; from && hops < 100000 && *budget; hops++, (*budget)--) {
		if (from == to)
			return true;
		struct hc_error *err = hc_aspace_read_u64(src->as, from + off, &from);
		if (err) {
			hc_error_destroy(err);
			return false;
		}
	}
	return false;
}

/*
 * Without DWARF: runtime.allm, the newest M, found from the threads. The
 * g a thread runs (its g register or TLS slot) points at its M (g.m),
 * genuine when m.procid is the thread's id. Every M is on the alllink
 * list, newest first, and every M has a thread: the found M whose list
 * reaches all the others is the head.
 */
static struct hc_error *search_allm(const struct hc_runtime_source *src,
				    uint64_t *head_ret)
{
	const struct hc_layout *l = src->layout;
	if (!hc_layout_has(l, HC_LF_G_M) || !hc_layout_has(l, HC_LF_M_PROCID) ||
	    !hc_layout_has(l, HC_LF_M_ALLLINK))
		return hc_error_create(HC_ERROR_NOT_FOUND, "the layout lacks g.m or m.procid");
	size_t n;
	const struct hc_core_thread *threads = hc_core_threads(src->core, &n);
	uint64_t head = 0, budget = 1000000;
	for (size_t i = 0; i < n; i++) {
		uint64_t cands[2] = {threads[i].greg, tls_g(src, &threads[i])};
		for (int c = 0; c < 2; c++) {
			uint64_t m = m_of_thread_g(src, cands[c], threads[i].tid);
			if (!m)
				continue;
			if (!head || (m != head && alllink_reaches(src, m, head, &budget)))
				head = m;
			break;
		}
	}
	if (!head)
		return hc_error_create(HC_ERROR_NOT_FOUND,
				       "no thread's g leads to an M with its thread id");
	*head_ret = head;
	return NULL;
}

static void read_ms(struct hc_runtime *rt, const struct hc_runtime_source *src,
		    const struct hc_layout *l)
{
	uint64_t allm_var, maddr;
	struct hc_error *err;
	if (globals_by_name(src)) {
		err = find_var(src, "runtime.allm", &allm_var, NULL);
		if (!err)
			err = hc_aspace_read_u64(src->as, allm_var, &maddr);
	} else {
		err = search_allm(src, &maddr);
	}
	if (err) {
		problem_err(rt, hc_error_prefix(err, "runtime.allm"));
		return;
	}
	uint8_t *buf = malloc(l->m_size);
	if (!buf)
		return;
	/* A cycle in alllink must not hang us: bound the walk. looped: the
	 * walk stopped before the list's nil end. */
	bool looped = false;
	for (unsigned hops = 0; maddr && hops < 100000; hops++) {
		err = hc_aspace_read(src->as, maddr, buf, l->m_size);
		if (err) {
			problem_err(rt, hc_error_prefix(err, "reading an M"));
			looped = true; /* not closed */
			break;
		}
		struct hc_m *m = hc_m_vec_append_entry(&rt->ms);
		if (!m)
			break;
		size_t n = l->m_size;
		m->addr = maddr;
		m->id = (int64_t)hc_layout_get(l, HC_LF_M_ID, buf, n);
		m->procid = hc_layout_get(l, HC_LF_M_PROCID, buf, n);
		m->g0 = hc_layout_get(l, HC_LF_M_G0, buf, n);
		m->gsignal = hc_layout_get(l, HC_LF_M_GSIGNAL, buf, n);
		m->curg = hc_layout_get(l, HC_LF_M_CURG, buf, n);
		m->caughtsig = hc_layout_get(l, HC_LF_M_CAUGHTSIG, buf, n);
		m->throwing = (uint32_t)hc_layout_get(l, HC_LF_M_THROWING, buf, n);
		m->dying = (int32_t)hc_layout_get(l, HC_LF_M_DYING, buf, n);
		m->incgo = hc_layout_get(l, HC_LF_M_INCGO, buf, n) != 0;
		m->thread = -1;
		maddr = hc_layout_get(l, HC_LF_M_ALLLINK, buf, n);
		for (size_t i = 0; i + 1 < rt->ms.size; i++) {
			if (rt->ms.data[i].addr == maddr) {
				problem(rt, "runtime.allm list loops at 0x%" PRIx64, maddr);
				maddr = 0;
				looped = true;
				break;
			}
		}
	}
	rt->allm_closed = !looped && maddr == 0 && rt->ms.size > 0;
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
		/* The g register (r14 / x28) in Go code, else (amd64) the TLS
		 * slot. Outside Go text (C code of a cgo program) r14 is
		 * whatever C left there, often a stale g: only the TLS slot,
		 * which asmcgocall set to g0, says which g the thread runs. */
		uint64_t g = threads[i].greg;
		bool in_go = in_go_text(src, threads[i].pc);
		if (!in_go || !is_known_g(rt, g)) {
			uint64_t tg = tls_g(src, &threads[i]);
			if (tg || !in_go)
				g = tg;
		}
		ti->g_addr = is_known_g(rt, g) ? g : 0;
	}
}

/* The stack bounds of the g at @p g, read through the layout. */
static bool g_stack(const struct hc_runtime *rt,
		    const struct hc_runtime_source *src, uint64_t g,
		    uint64_t *lo, uint64_t *hi)
{
	const struct hc_goroutine *gr = hc_runtime_goroutine_at(rt, g);
	if (gr) {
		*lo = gr->stack_lo;
		*hi = gr->stack_hi;
		return true;
	}
	const struct hc_layout *l = src->layout;
	struct hc_error *err = hc_aspace_read_u64(
		src->as, g + l->f[HC_LF_G_STACK_LO].off, lo);
	if (!err)
		err = hc_aspace_read_u64(src->as,
					 g + l->f[HC_LF_G_STACK_HI].off, hi);
	hc_error_destroy(err);
	return !err;
}

static bool on_stack(const struct hc_runtime *rt,
		     const struct hc_runtime_source *src, uint64_t g,
		     uint64_t sp)
{
	uint64_t lo, hi;
	return g && g_stack(rt, src, g, &lo, &hi) && lo < hi && sp >= lo &&
	       sp <= hi;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/*
 * The gs of allgs read through the layout look like gs: known statuses,
 * distinct goids, a parked g's saved SP on its stack
 * (src/runtime/runtime2.go, go1.19-go1.27).
 */
static struct hc_error *check_gs(const struct hc_runtime *rt)
{
	size_t n = rt->goroutines.size;
	if (!n)
		return hc_error_create(HC_ERROR_BAD_DATA, "no goroutine in allgs");
	uint64_t *ids = malloc(n * sizeof(*ids));
	if (!ids)
		return &hc_error_nomem;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const struct hc_goroutine *g = &rt->goroutines.data[i];
		if (g->status >= HC_G_NUM_STATUS) {
			free(ids);
			return hc_error_create(HC_ERROR_BAD_DATA,
					       "the g at 0x%" PRIx64 " has status %" PRIu32 ", which the runtime never sets",
					       g->addr, g->raw_status);
		}
		if (g->status == HC_G_WAITING &&
		    (g->stack_lo >= g->stack_hi || g->sched_sp < g->stack_lo ||
		     g->sched_sp > g->stack_hi)) {
			free(ids);
			return hc_error_create(HC_ERROR_BAD_DATA,
					       "waiting goroutine %" PRIu64 "'s saved SP 0x%" PRIx64 " is not on its stack [0x%" PRIx64 ", 0x%" PRIx64 ")",
					       g->goid, g->sched_sp, g->stack_lo, g->stack_hi);
		}
		if (g->status != HC_G_IDLE)
			ids[k++] = g->goid;
	}
	// The runtime moves a g out of _Gidle before it publishes it in
	// allgs (newproc1: _Gidle -> _Gdead -> allgadd): a table whose status
	// offset is wrong reads zeros.
	if (n - k > k) {
		free(ids);
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "%zu of the %zu gs of allgs read as idle", n - k, n);
	}
	qsort(ids, k, sizeof(*ids), cmp_u64);
	for (size_t i = 1; i < k; i++) {
		if (ids[i] == ids[i - 1]) {
			uint64_t dup = ids[i];
			free(ids);
			return hc_error_create(HC_ERROR_BAD_DATA,
					       "goroutine id %" PRIu64 " is read from more than one g", dup);
		}
	}
	free(ids);
	return NULL;
}

struct hc_error *hc_runtime_check_layout(const struct hc_runtime *rt,
					 const struct hc_runtime_source *src)
{
	struct hc_error *gerr = check_gs(rt);
	if (gerr)
		return gerr;
	if (!rt->allm_closed)
		return hc_error_create(HC_ERROR_BAD_DATA,
				       rt->ms.size ? "the allm list does not close (after %zu Ms)"
						   : "no M found (%zu)",
				       rt->ms.size);
	size_t nth;
	const struct hc_core_thread *threads = hc_core_threads(src->core, &nth);
	// Every M a thread's g leads to (g.m, with the thread's id in
	// m.procid) is on the list.
	for (size_t t = 0; t < nth && hc_layout_has(src->layout, HC_LF_G_M) &&
			   hc_layout_has(src->layout, HC_LF_M_PROCID);
	     t++) {
		uint64_t cands[2] = {threads[t].greg, tls_g(src, &threads[t])};
		for (int c = 0; c < 2; c++) {
			uint64_t m = m_of_thread_g(src, cands[c], threads[t].tid);
			bool listed = false;
			for (size_t i = 0; m && i < rt->ms.size; i++)
				listed |= rt->ms.data[i].addr == m;
			if (m && !listed)
				return hc_error_create(HC_ERROR_BAD_DATA,
						       "thread %d's M 0x%" PRIx64 " (its g's g.m) is not on the allm list of %zu Ms",
						       (int)threads[t].tid, m, rt->ms.size);
		}
	}
	for (size_t i = 0; i < rt->ms.size; i++) {
		const struct hc_m *m = &rt->ms.data[i];
		if (m->curg) {
			const struct hc_goroutine *g = hc_runtime_goroutine_at(rt, m->curg);
			if (!g)
				return hc_error_create(HC_ERROR_BAD_DATA,
						       "M%" PRId64 "'s curg 0x%" PRIx64 " is not in allgs",
						       m->id, m->curg);
			if (g->status == HC_G_IDLE || hc_gstatus_is_dead(g->status))
				return hc_error_create(HC_ERROR_BAD_DATA,
						       "M%" PRId64 "'s curg (goroutine %" PRIu64 ") is %s",
						       m->id, g->goid, hc_gstatus_name(g->status));
			if (g->m_addr != m->addr)
				return hc_error_create(HC_ERROR_BAD_DATA,
						       "M%" PRId64 "'s curg (goroutine %" PRIu64 ") has g.m 0x%" PRIx64 ", not the M (0x%" PRIx64 ")",
						       m->id, g->goid, g->m_addr, m->addr);
		}
		if (m->thread < 0 || (size_t)m->thread >= nth)
			continue;
		const struct hc_core_thread *th = &threads[m->thread];
		if (!on_stack(rt, src, m->g0, th->sp) &&
		    !on_stack(rt, src, m->gsignal, th->sp) &&
		    !on_stack(rt, src, m->curg, th->sp))
			return hc_error_create(HC_ERROR_BAD_DATA,
					       "thread %d's SP 0x%" PRIx64 " is on no stack of its M%" PRId64 " (g0 0x%" PRIx64 ", gsignal 0x%" PRIx64 ", curg 0x%" PRIx64 ")",
					       (int)th->tid, th->sp, m->id, m->g0,
					       m->gsignal, m->curg);
		for (size_t j = 0; j < rt->threads.size; j++) {
			const struct hc_thread_info *ti = &rt->threads.data[j];
			if (ti->m == (long)i && !ti->g_addr)
				return hc_error_create(HC_ERROR_BAD_DATA,
						       "thread %d of M%" PRId64 " runs no g of allgs nor of an M",
						       (int)th->tid, m->id);
		}
	}
	return NULL;
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
		       const struct hc_layout *l, const struct hc_goroutine *g)
{
	if (!g->panic_addr || !hc_layout_has(l, HC_LF_PANIC_ARG))
		return;
	uint64_t typ, data, off = l->f[HC_LF_PANIC_ARG].off;
	struct hc_error *err =
		hc_aspace_read_u64(src->as, g->panic_addr + off, &typ);
	if (!err)
		err = hc_aspace_read_u64(src->as, g->panic_addr + off + 8, &data);
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

/* The backlog's text (NULs dropped) and its last "fatal error: " line. */
static void use_backlog(struct hc_runtime *rt, char *lin, size_t n)
{
	lin[n] = '\0';
	if (n)
		rt->crash.backlog = escaped(lin, n);
	const char *last = NULL;
	for (const char *p = lin; (p = strstr(p, "fatal error: ")); p++)
		last = p;
	if (last) {
		last += strlen("fatal error: ");
		size_t m = strcspn(last, "\n");
		rt->crash.fatal_message = escaped(last, m);
	}
}

/*
 * Without DWARF: runtime.printBacklog is a [512]byte in the noptrbss
 * (src/runtime/print.go); find its last "fatal error: " and take the run
 * of text around it. Its index is not known, so a buffer that wrapped
 * shows its text in memory order.
 */
static void search_backlog(struct hc_runtime *rt,
			   const struct hc_runtime_source *src)
{
	enum { backlog = 512 };
	static const char key[] = "fatal error: ";
	uint64_t size;
	uint8_t *region = read_region(src->as, src->noptrbss, src->enoptrbss, &size);
	if (!region)
		return;
	const uint8_t *last = NULL;
	for (const uint8_t *p = region;
	     (p = memmem(p, size - (size_t)(p - region), key, sizeof(key) - 1)); p++)
		last = p;
	if (last) {
		// The run of text around it; exactly the buffer's 512 bytes
		// when the buffer wrapped (its neighbours are zero).
		const uint8_t *a = last, *b = last;
		while (a > region && a[-1] && last - a < 4 * backlog)
			a--;
		while (b < region + size && *b && b - a < 8 * backlog)
			b++;
		size_t run = (size_t)(b - a);
		char *lin = malloc(run + 1);
		if (lin) {
			const uint8_t *nl = memchr(last, '\n', (size_t)(b - last));
			if (run == backlog && !nl) {
				// The message runs off the end: it goes on at the
				// start. Oldest first: from the end of the line
				// that continues at the start.
				const uint8_t *cut = memchr(a, '\n', run);
				size_t head = cut ? (size_t)(cut - a) + 1 : 0;
				memcpy(lin, a + head, run - head);
				memcpy(lin + (run - head), a, head);
			} else {
				memcpy(lin, a, run);
			}
			use_backlog(rt, lin, run);
			free(lin);
		}
	}
	free(region);
}

static void read_backlog(struct hc_runtime *rt,
			 const struct hc_runtime_source *src)
{
	if (!globals_by_name(src)) {
		search_backlog(rt, src);
		return;
	}
	uint64_t buf_addr, idx_addr, size;
	struct hc_error *err = find_var(src, "runtime.printBacklog", &buf_addr, &size);
	if (!err)
		err = find_var(src, "runtime.printBacklogIndex", &idx_addr,
			       NULL);
	if (err) {
		hc_error_destroy(err);
		return; /* older runtimes have none */
	}
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
	free(buf);
	use_backlog(rt, lin, n);
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
/* Little-endian words of a buffer (the targets are little-endian). */
static uint64_t le64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

/*
 * The kernel's rt_sigframe is found by its ucontext's uc_stack, which
 * holds the sigaltstack: the gsignal stack's own bounds (ss_sp = lo,
 * ss_size = hi - lo), searched from the top down since the frame sits
 * near hi. amd64: the ucontext (uc_stack at +16, uc_mcontext at +40)
 * then the siginfo at +304; arm64: the siginfo (128 bytes) then the
 * ucontext (uc_mcontext at +176: fault_address, x0-x30, sp, pc).
 * (GO-INTERNALS.md 3.8; src/runtime/defs_linux_*.go.)
 */
struct hc_error *hc_runtime_sigframe(const struct hc_aspace *as, enum hc_arch arch,
				     uint64_t gsignal, struct hc_sigframe *ret)
{
	uint64_t b[2];
	struct hc_error *err = hc_aspace_read(as, gsignal, b, sizeof(b));
	if (err)
		return err;
	uint64_t lo = b[0], hi = b[1];
	if (lo >= hi || hi - lo > (1u << 20) || hi - lo < 1024)
		return hc_error_create(HC_ERROR_NOT_FOUND, "no gsignal stack");
	size_t n = (size_t)(hi - lo);
	uint8_t *buf = malloc(n);
	if (!buf)
		return &hc_error_nomem;
	err = hc_aspace_read(as, lo, buf, n);
	if (err) {
		free(buf);
		return err;
	}
	bool arm64 = arch == HC_ARCH_ARM64;
	err = hc_error_create(HC_ERROR_NOT_FOUND, "no signal frame on the gsignal stack");
	for (size_t off = (n - 24) & ~(size_t)7; off >= 8; off -= 8) {
		if (le64(buf + off) != lo || le64(buf + off + 16) != n)
			continue;
		size_t uc = off - 16;
		size_t si = arm64 ? uc - 128 : uc + 304;
		size_t mc = arm64 ? uc + 176 : uc + 40;
		size_t mc_end = arm64 ? mc + 280 : mc + 152;
		if ((arm64 && uc < 128) || si + 24 > n || mc_end > n)
			break;
		memset(ret, 0, sizeof(*ret));
		uint32_t signo;
		int32_t code;
		memcpy(&signo, buf + si, 4);
		memcpy(&code, buf + si + 8, 4);
		ret->signo = signo;
		ret->code = code;
		ret->addr = le64(buf + si + 16);
		/* _sifields.kill.si_pid overlays si_addr's low half. */
		if (code <= 0)
			memcpy(&ret->pid, buf + si + 16, 4);
		const uint8_t *m = buf + mc;
		if (arm64) {
			for (int r = 0; r < 31; r++)
				ret->regs[r] = le64(m + 8 + 8 * (size_t)r);
			ret->regs[31] = le64(m + 256);    /* sp */
			ret->regs[32] = le64(m + 264);    /* pc */
			ret->regs[33] = le64(m);          /* fault_address */
			ret->nregs = 34;
			ret->pc = ret->regs[32];
			ret->sp = ret->regs[31];
			ret->fp = ret->regs[29];
			ret->lr = ret->regs[30];
		} else {
			/* struct sigcontext: r8-r15, rdi, rsi, rbp, rbx, rdx, rax,
			 * rcx, rsp, rip, eflags, cs, gs, fs (u16 each). */
			static const unsigned at[] = {104, 88, 112, 96, 64, 72, 80, 120, 0, 8,
						      16, 24, 32, 40, 48, 56, 128, 136};
			for (size_t r = 0; r < sizeof(at) / sizeof(at[0]); r++)
				ret->regs[r] = le64(m + at[r]);
			uint16_t seg[3];
			memcpy(seg, m + 144, sizeof(seg)); /* cs, gs, fs */
			ret->regs[18] = seg[0];
			ret->regs[19] = seg[2];
			ret->regs[20] = seg[1];
			ret->nregs = 21;
			ret->pc = ret->regs[16];
			ret->sp = ret->regs[7];
			ret->fp = ret->regs[6];
		}
		hc_error_destroy(err);
		err = NULL;
		break;
	}
	free(buf);
	return err;
}

struct hc_error *hc_runtime_read_g(const struct hc_runtime *rt, const struct hc_layout *l,
				   const struct hc_aspace *as, uint64_t addr,
				   struct hc_goroutine *ret)
{
	if (!l || !l->g_size)
		return hc_error_create(HC_ERROR_UNSUPPORTED, "no g layout");
	uint8_t *buf = malloc(l->g_size);
	if (!buf)
		return &hc_error_nomem;
	struct hc_error *err = hc_aspace_read(as, addr, buf, l->g_size);
	if (!err)
		parse_g(rt, l, buf, addr, ret);
	free(buf);
	return err;
}

static void read_fatal_signal(struct hc_runtime *rt,
			      const struct hc_runtime_source *src,
			      const struct hc_m *m)
{
	struct hc_sigframe f;
	struct hc_error *err =
		hc_runtime_sigframe(src->as, hc_core_arch(src->core), m->gsignal, &f);
	if (err) {
		hc_error_destroy(err);
		return;
	}
	if (f.signo >= 1 && f.signo <= 64) {
		rt->crash.fatal_signal = f.signo;
		rt->crash.fatal_sigcode = f.code;
	}
}

int64_t hc_runtime_wait_minutes(const struct hc_crash *c, const struct hc_goroutine *g,
				bool *exact_ret)
{
	if (exact_ret)
		*exact_ret = false;
	if ((g->status != HC_G_WAITING && g->status != HC_G_SYSCALL) || g->waitsince == 0 ||
	    c->clock == 0)
		return -1;
	if (exact_ret)
		*exact_ret = c->clock_recent;
	/* A waitsince after the clock: the clock is older than the
	 * goroutine's block, so less than a minute is all it says. */
	if (c->clock <= g->waitsince)
		return 0;
	return (int64_t)(((uint64_t)c->clock - (uint64_t)g->waitsince) / 60000000000ull);
}

/* hc_crash.clock: sched.lastpoll (DWARF only: runtime.schedt's lastpoll,
 * a uint64 in go1.19, an atomic.Int64 from go1.20, 8 bytes at its
 * offset either way), else the latest g.waitsince. */
static void read_clock(struct hc_runtime *rt, const struct hc_runtime_source *src)
{
	for (size_t i = 0; i < rt->goroutines.size; i++) {
		int64_t w = rt->goroutines.data[i].waitsince;
		if (w > rt->crash.clock)
			rt->crash.clock = w;
	}
	if (!src->dwarf)
		return;
	uint64_t sched, off, v;
	struct hc_error *err = find_var(src, "runtime.sched", &sched, NULL);
	if (!err)
		err = hc_dwarf_member_offset(src->dwarf, "runtime.schedt", "lastpoll", &off);
	if (!err)
		err = hc_aspace_read_u64(src->as, sched + off, &v);
	if (err) {
		hc_error_destroy(err);
		return;
	}
	/* 0 while a thread blocks in netpoll; a reading older than a
	 * waitsince cannot be sysmon's latest. */
	if (v && (int64_t)v > 0 && (int64_t)v >= rt->crash.clock) {
		rt->crash.clock = (int64_t)v;
		rt->crash.clock_recent = true;
	}
}

static void read_crash(struct hc_runtime *rt,
		       const struct hc_runtime_source *src,
		       const struct hc_layout *l)
{
	read_backlog(rt, src);
	read_clock(rt, src);
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
	if (!globals_by_name(src)) {
		// The build info says the same (cmd/link writes both).
		if (src->build_version)
			rt->build_version = escaped(src->build_version,
						    strlen(src->build_version));
		return;
	}
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

/*
 * Without runtime.tlsg (stripped, externally linked) the g slot's offset
 * from fs_base is learnt from the threads that are in Go code: there r14
 * is the g (ABIInternal), genuine when its g.m has the thread's id, and
 * the slot is the word below the thread pointer that holds it in every
 * such thread (-8 when internally linked). false when no thread tells.
 */
static bool learn_tls_g_offset(const struct hc_runtime_source *src,
			       int64_t *ret)
{
	enum { span = 4096 / 8 };
	const struct hc_layout *l = src->layout;
	if (hc_core_arch(src->core) != HC_ARCH_AMD64 || !hc_layout_has(l, HC_LF_G_M) ||
	    !hc_layout_has(l, HC_LF_M_PROCID))
		return false;
	size_t n;
	const struct hc_core_thread *threads = hc_core_threads(src->core, &n);
	bool fits[span];
	for (int k = 0; k < span; k++)
		fits[k] = true;
	size_t used = 0;
	for (size_t i = 0; i < n && used < 16; i++) {
		const struct hc_core_thread *th = &threads[i];
		uint64_t g = th->greg;
		if (!th->tls_valid || !in_go_text(src, th->pc) ||
		    !m_of_thread_g(src, g, th->tid))
			continue;
		uint64_t words[span];
		struct hc_error *err = hc_aspace_read(src->as, th->tls - 8 * span, words, sizeof(words));
		if (err) {
			hc_error_destroy(err);
			continue;
		}
		used++;
		// words[span - 1] is fs_base-8, words[span - 1 - k] fs_base-8-8k.
		for (int k = 0; k < span; k++)
			fits[k] = fits[k] && words[span - 1 - k] == g;
	}
	for (int k = 0; used && k < span; k++) {
		if (fits[k]) {
			*ret = -8 - 8 * (int64_t)k;
			return true;
		}
	}
	return false;
}

struct hc_error *hc_runtime_create(const struct hc_runtime_source *src,
				   struct hc_runtime **ret)
{
	if (!src->layout)
		return hc_error_create(HC_ERROR_UNSUPPORTED,
				       "no layout of the runtime's structs (no DWARF and no built-in table for this Go release)");
	const struct hc_layout *l = src->layout;
	if (!l->g_size || !l->m_size)
		return hc_error_create(HC_ERROR_BAD_DATA, "empty runtime layout");
	struct hc_runtime *rt = calloc(1, sizeof(*rt));
	if (!rt)
		return &hc_error_nomem;
	hc_goroutine_vec_init(&rt->goroutines);
	hc_m_vec_init(&rt->ms);
	hc_thread_info_vec_init(&rt->threads);
	hc_problem_vec_init(&rt->problems);
	rt->globals_searched = !globals_by_name(src);
	rt->globals_from_symbols = !src->dwarf && src->symbols;
	struct hc_runtime_source learnt;
	if (!src->has_tls_g_offset) {
		learnt = *src;
		if (learn_tls_g_offset(src, &learnt.tls_g_offset)) {
			learnt.has_tls_g_offset = true;
			src = &learnt;
		}
	}

	read_build_version(rt, src);
	read_waitreasons(rt, src);
	// The Ms first: without DWARF, finding allgs checks it against m.curg.
	read_ms(rt, src, l);
	read_goroutines(rt, src, l);
	map_threads(rt, src);
	check_goroutines(rt);
	read_crash(rt, src, l);
	*ret = rt;
	return NULL;
}

static int cmp_u64_pair(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;
	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	return x[1] < y[1] ? -1 : x[1] > y[1];
}

/*
 * What allgs says against itself and the threads, each told once:
 *   - the same g listed more than once (kept once: a corrupt allgs whose
 *     entries all point at one g printed it 19 times);
 *   - distinct gs with one goid;
 *   - a thread's current goroutine (m.curg) that allgs does not hold (an
 *     allglen of 0 gave "goroutines 0" without a word).
 */
static void check_goroutines(struct hc_runtime *rt)
{
	size_t n = rt->goroutines.size;
	uint64_t (*v)[2] = n ? malloc(n * sizeof(*v)) : NULL;
	if (n && v) {
		/* 1. Duplicate g addresses: (addr, index) sorted. */
		for (size_t i = 0; i < n; i++) {
			v[i][0] = rt->goroutines.data[i].addr;
			v[i][1] = i;
		}
		qsort(v, n, sizeof(*v), cmp_u64_pair);
		size_t dups = 0, worst = 0, run = 1;
		uint64_t worst_addr = 0;
		bool *drop = calloc(n, sizeof(*drop));
		for (size_t i = 1; i <= n; i++) {
			if (i < n && v[i][0] == v[i - 1][0]) {
				dups++;
				run++;
				if (drop)
					drop[v[i][1]] = true;
				continue;
			}
			if (run > worst) {
				worst = run;
				worst_addr = v[i - 1][0];
			}
			run = 1;
		}
		if (dups) {
			problem(rt, "runtime.allgs lists %zu gs more than once (%zu entries, %zu distinct; "
				"the g at 0x%" PRIx64 " %zu times): each shown once",
				dups, n, n - dups, worst_addr, worst);
			if (drop) {
				size_t out = 0;
				for (size_t i = 0; i < n; i++)
					if (!drop[i])
						rt->goroutines.data[out++] = rt->goroutines.data[i];
				rt->goroutines.size = n = out;
			}
		}
		free(drop);
		/* 2. Distinct gs with one goid (dead gs keep theirs: only
		 * the live ones count). */
		size_t m = 0;
		for (size_t i = 0; i < n; i++) {
			const struct hc_goroutine *g = &rt->goroutines.data[i];
			if (g->status == HC_G_DEAD || !g->goid)
				continue;
			v[m][0] = g->goid;
			v[m][1] = g->addr;
			m++;
		}
		qsort(v, m, sizeof(*v), cmp_u64_pair);
		size_t shared = 0;
		uint64_t goid = 0, a0 = 0, a1 = 0;
		for (size_t i = 1; i < m; i++) {
			if (v[i][0] != v[i - 1][0])
				continue;
			if (!shared++) {
				goid = v[i][0];
				a0 = v[i - 1][1];
				a1 = v[i][1];
			}
		}
		if (shared)
			problem(rt, "%zu live goroutines share their goid with another (goid %" PRIu64
				" is both the g at 0x%" PRIx64 " and at 0x%" PRIx64 ")",
				shared, goid, a0, a1);
	}
	free(v);
	/* 3. A thread's current goroutine missing from allgs. */
	size_t missing = 0;
	uint64_t first = 0;
	for (size_t i = 0; i < rt->threads.size; i++) {
		uint64_t g = rt->threads.data[i].curg;
		if (!g || hc_runtime_goroutine_at(rt, g))
			continue;
		if (!missing++)
			first = g;
	}
	if (missing)
		problem(rt, "%zu thread%s run%s a goroutine that runtime.allgs (%zu gs) does not "
			"hold (m.curg 0x%" PRIx64 "): allgs is incomplete or corrupt",
			missing, missing == 1 ? "" : "s", missing == 1 ? "s" : "",
			rt->goroutines.size, first);
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
