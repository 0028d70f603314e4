/* The info summary: see include/hmapcore/info.h. */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include "hmapcore/info.h"
#include "hmapcore/json.h"

bool hc_format_parse(const char *s, enum hc_format *ret)
{
	static const struct {
		const char *name;
		enum hc_format f;
	} formats[] = {
		{"text", HC_FORMAT_TEXT},         {"json", HC_FORMAT_JSON},
		{"markdown", HC_FORMAT_MARKDOWN}, {"md", HC_FORMAT_MARKDOWN},
		{"html", HC_FORMAT_HTML},         {"go", HC_FORMAT_GO},
	};
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (strcmp(s, formats[i].name) == 0) {
			*ret = formats[i].f;
			return true;
		}
	}
	return false;
}

/* Linux signal numbers (x86-64 and arm64 agree) with the runtime's texts
 * (src/runtime/sigtab_linux_generic.go). */
static const struct {
	const char *name;
	const char *text;
} signals[] = {
	[1] = {"SIGHUP", "terminal line hangup"},
	[2] = {"SIGINT", "interrupt"},
	[3] = {"SIGQUIT", "quit"},
	[4] = {"SIGILL", "illegal instruction"},
	[5] = {"SIGTRAP", "trace trap"},
	[6] = {"SIGABRT", "abort"},
	[7] = {"SIGBUS", "bus error"},
	[8] = {"SIGFPE", "floating-point exception"},
	[9] = {"SIGKILL", "kill"},
	[10] = {"SIGUSR1", "user-defined signal 1"},
	[11] = {"SIGSEGV", "segmentation violation"},
	[12] = {"SIGUSR2", "user-defined signal 2"},
	[13] = {"SIGPIPE", "write to broken pipe"},
	[14] = {"SIGALRM", "alarm clock"},
	[15] = {"SIGTERM", "termination"},
	[16] = {"SIGSTKFLT", "stack fault"},
	[17] = {"SIGCHLD", "child status has changed"},
	[18] = {"SIGCONT", "continue"},
	[19] = {"SIGSTOP", "stop, unblockable"},
	[20] = {"SIGTSTP", "keyboard stop"},
	[21] = {"SIGTTIN", "background read from tty"},
	[22] = {"SIGTTOU", "background write to tty"},
	[23] = {"SIGURG", "urgent condition on socket"},
	[24] = {"SIGXCPU", "cpu limit exceeded"},
	[25] = {"SIGXFSZ", "file size limit exceeded"},
	[26] = {"SIGVTALRM", "virtual alarm clock"},
	[27] = {"SIGPROF", "profiling alarm clock"},
	[28] = {"SIGWINCH", "window size change"},
	[29] = {"SIGIO", "i/o now possible"},
	[30] = {"SIGPWR", "power failure restart"},
	[31] = {"SIGSYS", "bad system call"},
};

const char *hc_signal_name(int sig)
{
	if (sig > 0 && sig < (int)(sizeof(signals) / sizeof(signals[0])))
		return signals[sig].name;
	return NULL;
}

const char *hc_signal_text(int sig)
{
	if (sig > 0 && sig < (int)(sizeof(signals) / sizeof(signals[0])))
		return signals[sig].text;
	return "unknown signal";
}

const char *hc_si_code_name(int code)
{
	switch (code) {
	case 0: return "SI_USER";
	case 0x80: return "SI_KERNEL";
	case -1: return "SI_QUEUE";
	case -6: return "SI_TKILL";
	default: return NULL;
	}
}

bool hc_fatal_signal_text(const struct hc_crash *c, struct hc_strbuf *out)
{
	const char *n = c->fatal_signal ? hc_signal_name((int)c->fatal_signal) : NULL;
	if (!n)
		return true;
	return hc_strbuf_appendf(out, "killed by %s: %s", n, hc_signal_text((int)c->fatal_signal));
}

static void text_signal_name(struct hc_strbuf *sb, int sig)
{
	const char *n = hc_signal_name(sig);
	if (n)
		hc_strbuf_appendf(sb, "%s (%d)", n, sig);
	else
		hc_strbuf_appendf(sb, "signal %d", sig);
}

bool hc_format_size(struct hc_strbuf *sb, uint64_t n)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	double v = (double)n;
	unsigned u = 0;
	while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		return hc_strbuf_appendf(sb, "%" PRIu64 " B", n);
	return hc_strbuf_appendf(sb, "%.1f %s", v, units[u]);
}

/* The core's process name and arguments, escaped. */
static void escaped(struct hc_strbuf *sb, const char *s)
{
	hc_strbuf_append_escaped(sb, s, strlen(s));
}

static const struct hc_goroutine *thread_goroutine(const struct hc_runtime *rt,
						   const struct hc_thread_info *ti)
{
	const struct hc_goroutine *g = hc_runtime_goroutine_at(rt, ti->curg);
	if (!g)
		g = hc_runtime_goroutine_at(rt, ti->g_addr);
	return g;
}

/* Which system goroutine of an M a g address is ("g0", "gsignal"). */
static const char *system_g(const struct hc_runtime *rt, uint64_t g)
{
	for (size_t i = 0; g && i < rt->ms.size; i++) {
		if (rt->ms.data[i].g0 == g)
			return "g0";
		if (rt->ms.data[i].gsignal == g)
			return "gsignal";
	}
	return NULL;
}

static size_t live_goroutines(const struct hc_runtime *rt)
{
	size_t n = 0;
	for (size_t i = 0; i < rt->goroutines.size; i++) {
		uint32_t s = rt->goroutines.data[i].status;
		if (!hc_gstatus_is_dead(s) && s != HC_G_IDLE)
			n++;
	}
	return n;
}

/* The gaps' text and JSON, shared by info, maps and check. */
bool hc_completeness_write_text(const struct hc_completeness *c,
				struct hc_strbuf *sb)
{
	bool ok = true;
	for (size_t i = 0; ok && i < c->gaps.size; i++)
		ok = hc_strbuf_appendf(sb, "incomplete: %s\n            cost: %s\n",
				       c->gaps.data[i].reason, c->gaps.data[i].cost);
	if (ok && c->dropped)
		ok = hc_strbuf_appendf(sb, "incomplete: %zu more reasons could not be recorded (out of memory)\n",
				       c->dropped);
	return ok;
}

void hc_completeness_write_json(const struct hc_completeness *c,
				struct hc_json *j)
{
	hc_json_key(j, "complete");
	hc_json_bool(j, hc_completeness_complete(c));
	hc_json_key(j, "incomplete");
	hc_json_array_begin(j);
	for (size_t i = 0; i < c->gaps.size; i++) {
		hc_json_object_begin(j);
		hc_json_key(j, "reason");
		hc_json_string(j, c->gaps.data[i].reason);
		hc_json_key(j, "cost");
		hc_json_string(j, c->gaps.data[i].cost);
		hc_json_object_end(j);
	}
	if (c->dropped) {
		hc_json_object_begin(j);
		hc_json_key(j, "reason");
		hc_json_string(j, "more reasons could not be recorded (out of memory)");
		hc_json_key(j, "cost");
		hc_json_string(j, "unknown");
		hc_json_object_end(j);
	}
	hc_json_array_end(j);
}

/* What the target could not read, with its cost (hc_target_gaps()): at
 * the top of the text, as "complete" and "incomplete" in JSON. */
static void gaps_text(const struct hc_target *t, struct hc_strbuf *sb)
{
	struct hc_completeness c;
	hc_completeness_init(&c);
	hc_target_gaps(t, &c);
	hc_completeness_write_text(&c, sb);
	hc_completeness_deinit(&c);
}

static void gaps_json(const struct hc_target *t, struct hc_json *j)
{
	struct hc_completeness c;
	hc_completeness_init(&c);
	hc_target_gaps(t, &c);
	hc_completeness_write_json(&c, j);
	hc_completeness_deinit(&c);
}

static void write_text(const struct hc_target *t, struct hc_strbuf *sb)
{
	const struct hc_file *cf = hc_core_file(t->core);
	gaps_text(t, sb);
	hc_strbuf_appends(sb, "core        ");
	escaped(sb, t->core_path);
	hc_strbuf_appends(sb, " (");
	hc_format_size(sb, cf->size);
	if (cf->compression != HC_COMPRESSION_NONE) {
		hc_strbuf_appendf(sb, ", %s, ", hc_compression_name(cf->compression));
		hc_format_size(sb, cf->disk_size);
		hc_strbuf_appends(sb, " on disk");
	}
	uint64_t expected, actual;
	if (hc_core_truncation(t->core, &expected, &actual))
		hc_strbuf_appendf(sb, ", TRUNCATED: %" PRIu64 " of %" PRIu64 " bytes",
				  actual, expected);
	hc_strbuf_appends(sb, ")\nexecutable  ");
	escaped(sb, t->exe_path);
	if (t->debug_path) {
		hc_strbuf_appends(sb, "\ndebug file  ");
		escaped(sb, t->debug_path);
	}
	hc_strbuf_appendf(sb, "\ngo          %s", t->buildinfo->version);
	if (t->goexperiment[0])
		hc_strbuf_appendf(sb, " (GOEXPERIMENT=%s)", t->goexperiment);
	hc_strbuf_appendf(sb, "\narch        %s\nmaps        %s\n",
			  hc_arch_name(hc_core_arch(t->core)),
			  hc_map_flavour_name(t->maps));
	if (t->has_layout) {
		const char *how = "";
		if (t->runtime && t->runtime->globals_searched)
			how = " (no DWARF: runtime globals found by searching memory)";
		else if (t->runtime && t->runtime->globals_from_symbols)
			how = t->dwarf_skipped
				? " (DWARF not read: runtime globals from the symbol table)"
				: " (no DWARF: runtime globals from the symbol table)";
		hc_strbuf_appendf(sb, "layout      %s%s\n", t->layout.source, how);
	}
	if (t->gnu_build_id[0])
		hc_strbuf_appendf(sb, "build-id    %s\n", t->gnu_build_id);
	if (t->go_build_id[0])
		hc_strbuf_appendf(sb, "go build id %s\n", t->go_build_id);

	const struct hc_core_prpsinfo *ps = hc_core_prpsinfo(t->core);
	if (ps) {
		hc_strbuf_appendf(sb, "process     pid %d, ", ps->pid);
		escaped(sb, ps->fname);
		hc_strbuf_appends(sb, ", args \"");
		escaped(sb, ps->psargs);
		hc_strbuf_appends(sb, "\"\n");
	}
	const struct hc_core_siginfo *si = hc_core_siginfo(t->core);
	if (si) {
		hc_strbuf_appends(sb, "signal      ");
		text_signal_name(sb, si->signo);
		const char *cn = hc_si_code_name(si->code);
		if (si->from_prstatus)
			hc_strbuf_appends(sb, " (no NT_SIGINFO: code unknown)");
		else if (cn)
			hc_strbuf_appendf(sb, " code %s", cn);
		else
			hc_strbuf_appendf(sb, " code %d", si->code);
		if (si->from_prstatus)
			;
		else if (si->signo == 11 || si->signo == 7 || si->signo == 4 ||
			 si->signo == 8)
			hc_strbuf_appendf(sb, " addr 0x%" PRIx64, si->addr);
		else if (si->sender_pid)
			hc_strbuf_appendf(sb, " from pid %d", si->sender_pid);
		hc_strbuf_appends(sb, "\n");
	}

	const struct hc_runtime *rt = t->runtime;
	if (rt) {
		const struct hc_crash *c = &rt->crash;
		if (c->go_signal) {
			const char *n = hc_signal_name((int)c->go_signal);
			hc_strbuf_appendf(sb, "go signal   [signal %s: %s code=0x%" PRIx64
					  " addr=0x%" PRIx64 " pc=0x%" PRIx64 "]\n",
					  n ? n : "?", hc_signal_text((int)c->go_signal),
					  c->go_sigcode0, c->go_fault_addr, c->go_sigpc);
		}
		if (c->fatal_message)
			hc_strbuf_appendf(sb, "fatal       fatal error: %s\n",
					  c->fatal_message);
		else if (c->fatal_signal && hc_signal_name((int)c->fatal_signal) &&
			 !c->panic_message) {
			/* The SIGABRT above is the runtime's crash() after its
			 * handler printed the dump for this signal. */
			hc_strbuf_appends(sb, "fatal       ");
			hc_fatal_signal_text(c, sb);
			if (si && si->signo != (int32_t)c->fatal_signal)
				hc_strbuf_appendf(sb, " (then the runtime's %s)",
						  hc_signal_name(si->signo) ? hc_signal_name(si->signo)
									    : "signal");
			hc_strbuf_appends(sb, "\n");
		}
		if (c->panic_message) {
			hc_strbuf_appendf(sb, "panic       %s", c->panic_message);
			/* preprintpanics turns error values into their text, so
			 * "string" says nothing; other types are worth a word. */
			if (c->panic_type && strcmp(c->panic_type, "string") != 0)
				hc_strbuf_appendf(sb, " [%s]", c->panic_type);
			hc_strbuf_appends(sb, "\n");
		}
		if (c->goid)
			hc_strbuf_appendf(sb, "crashed     goroutine %" PRIu64 "\n",
					  c->goid);

		size_t counts[HC_G_NUM_STATUS];
		hc_runtime_count_by_status(rt, counts);
		hc_strbuf_appendf(sb, "goroutines  %zu:", live_goroutines(rt));
		bool first = true;
		for (uint32_t s = 0; s < HC_G_NUM_STATUS; s++) {
			if (!counts[s] || hc_gstatus_is_dead(s) || s == HC_G_IDLE)
				continue;
			hc_strbuf_appendf(sb, "%s %zu %s", first ? "" : ",",
					  counts[s], hc_gstatus_name(s));
			first = false;
		}
		if (counts[HC_G_DEAD] + counts[HC_G_DEADEXTRA])
			hc_strbuf_appendf(sb, " (and %zu dead)",
					  counts[HC_G_DEAD] + counts[HC_G_DEADEXTRA]);
		hc_strbuf_appends(sb, "\n");
	}

	size_t nthreads;
	const struct hc_core_thread *threads = hc_core_threads(t->core, &nthreads);
	hc_strbuf_appendf(sb, "threads     %zu\n", nthreads);
	for (size_t i = 0; i < nthreads; i++) {
		hc_strbuf_appendf(sb, "  tid %-8d pc 0x%-12" PRIx64 " %s",
				  threads[i].tid, threads[i].pc,
				  hc_target_func_name(t, threads[i].pc));
		if (rt && i < rt->threads.size) {
			const struct hc_thread_info *ti = &rt->threads.data[i];
			if (ti->m >= 0)
				hc_strbuf_appendf(sb, "  m%" PRId64,
						  rt->ms.data[ti->m].id);
			const struct hc_goroutine *g = thread_goroutine(rt, ti);
			if (g)
				hc_strbuf_appendf(sb, "  goroutine %" PRIu64, g->goid);
			const char *sys = system_g(rt, ti->g_addr);
			if (sys)
				hc_strbuf_appendf(sb, "  on %s", sys);
		}
		hc_strbuf_appends(sb, "\n");
	}
	/* Notes and problems quote paths and strings of the core: inert. */
	for (size_t i = 0; i < t->notes.size; i++) {
		hc_strbuf_appends(sb, "note        ");
		hc_strbuf_append_inert(sb, t->notes.data[i]);
		hc_strbuf_appendc(sb, '\n');
	}
	if (rt) {
		for (size_t i = 0; i < rt->problems.size; i++) {
			hc_strbuf_appends(sb, "problem     ");
			hc_strbuf_append_inert(sb, rt->problems.data[i]);
			hc_strbuf_appendc(sb, '\n');
		}
	}
}

static void write_json(const struct hc_target *t, struct hc_strbuf *sb)
{
	struct hc_json j;
	hc_json_init(&j, sb, true);
	hc_json_object_begin(&j);
	hc_json_key(&j, "schema");
	hc_json_string(&j, "hmapcore-info/1");

	const struct hc_file *cf = hc_core_file(t->core);
	hc_json_key(&j, "core");
	hc_json_object_begin(&j);
	hc_json_key(&j, "path");
	hc_json_string(&j, t->core_path);
	hc_json_key(&j, "size");
	hc_json_u64(&j, cf->size);
	hc_json_key(&j, "disk_size");
	hc_json_u64(&j, cf->disk_size);
	hc_json_key(&j, "compression");
	hc_json_string(&j, hc_compression_name(cf->compression));
	uint64_t expected, actual;
	bool trunc = hc_core_truncation(t->core, &expected, &actual);
	hc_json_key(&j, "truncated");
	hc_json_bool(&j, trunc);
	if (trunc) {
		hc_json_key(&j, "expected_size");
		hc_json_u64(&j, expected);
	}
	hc_json_object_end(&j);

	hc_json_key(&j, "executable");
	hc_json_object_begin(&j);
	hc_json_key(&j, "path");
	hc_json_string(&j, t->exe_path);
	hc_json_key(&j, "build_id");
	hc_json_string(&j, t->gnu_build_id);
	hc_json_key(&j, "go_build_id");
	hc_json_string(&j, t->go_build_id);
	hc_json_key(&j, "pie");
	hc_json_bool(&j, hc_elffile_type(t->exe) == 3 /* ET_DYN */);
	hc_json_key(&j, "dwarf");
	hc_json_bool(&j, t->dwarf != NULL || t->dwarf_skipped);
	// The separate debug file the DWARF came from, null when none.
	hc_json_key(&j, "debug_file");
	if (t->debug_path)
		hc_json_string(&j, t->debug_path);
	else
		hc_json_null(&j);
	hc_json_object_end(&j);

	hc_json_key(&j, "go");
	hc_json_object_begin(&j);
	hc_json_key(&j, "version");
	hc_json_string(&j, t->buildinfo->version);
	hc_json_key(&j, "goexperiment");
	hc_json_string(&j, t->goexperiment);
	hc_json_key(&j, "goarch");
	hc_json_string(&j, hc_arch_name(hc_core_arch(t->core)));
	hc_json_key(&j, "maps");
	hc_json_string(&j, hc_map_flavour_name(t->maps));
	hc_json_key(&j, "layout");
	if (t->has_layout)
		hc_json_string(&j, t->layout.source);
	else
		hc_json_null(&j);
	hc_json_key(&j, "dwarf");
	hc_json_bool(&j, t->dwarf != NULL || t->dwarf_skipped);
	hc_json_object_end(&j);

	const struct hc_core_prpsinfo *ps = hc_core_prpsinfo(t->core);
	hc_json_key(&j, "process");
	if (ps) {
		hc_json_object_begin(&j);
		hc_json_key(&j, "pid");
		hc_json_i64(&j, ps->pid);
		hc_json_key(&j, "name");
		hc_json_string(&j, ps->fname);
		hc_json_key(&j, "args");
		hc_json_string(&j, ps->psargs);
		hc_json_object_end(&j);
	} else {
		hc_json_null(&j);
	}

	const struct hc_core_siginfo *si = hc_core_siginfo(t->core);
	hc_json_key(&j, "signal");
	if (si) {
		hc_json_object_begin(&j);
		hc_json_key(&j, "number");
		hc_json_i64(&j, si->signo);
		hc_json_key(&j, "name");
		hc_json_string(&j, hc_signal_name(si->signo));
		// Unknown without NT_SIGINFO: null.
		hc_json_key(&j, "code");
		if (si->from_prstatus)
			hc_json_null(&j);
		else
			hc_json_i64(&j, si->code);
		hc_json_key(&j, "addr");
		if (si->from_prstatus)
			hc_json_null(&j);
		else
			hc_json_hex(&j, si->addr);
		hc_json_object_end(&j);
	} else {
		hc_json_null(&j);
	}

	const struct hc_runtime *rt = t->runtime;
	hc_json_key(&j, "crash");
	if (rt) {
		const struct hc_crash *c = &rt->crash;
		hc_json_object_begin(&j);
		hc_json_key(&j, "fatal");
		hc_json_string(&j, c->fatal_message);
		hc_json_key(&j, "panic");
		/* JSON carries the exact text; its escaping makes it inert. */
		if (c->panic_raw)
			hc_json_string_n(&j, c->panic_raw, c->panic_raw_len);
		else
			hc_json_string(&j, c->panic_message);
		hc_json_key(&j, "panic_type");
		hc_json_string(&j, c->panic_type);
		/* The signal the runtime's handler died of ("killed by SIGQUIT:
		 * quit"), before the SIGABRT of "signal"; null when none. */
		hc_json_key(&j, "killed_by");
		struct hc_strbuf kb;
		hc_strbuf_init(&kb);
		if (c->fatal_signal && !c->fatal_message && !c->panic_message &&
		    hc_fatal_signal_text(c, &kb) && kb.len)
			hc_json_string_n(&j, kb.str, kb.len);
		else
			hc_json_null(&j);
		hc_strbuf_deinit(&kb);
		hc_json_key(&j, "goroutine");
		if (c->goid)
			hc_json_u64(&j, c->goid);
		else
			hc_json_null(&j);
		hc_json_key(&j, "go_signal");
		if (c->go_signal) {
			hc_json_object_begin(&j);
			hc_json_key(&j, "number");
			hc_json_u64(&j, c->go_signal);
			hc_json_key(&j, "name");
			hc_json_string(&j, hc_signal_name((int)c->go_signal));
			hc_json_key(&j, "code");
			hc_json_hex(&j, c->go_sigcode0);
			hc_json_key(&j, "addr");
			hc_json_hex(&j, c->go_fault_addr);
			hc_json_key(&j, "pc");
			hc_json_hex(&j, c->go_sigpc);
			hc_json_object_end(&j);
		} else {
			hc_json_null(&j);
		}
		hc_json_key(&j, "throwing");
		hc_json_u64(&j, c->throwing);
		hc_json_object_end(&j);

		size_t counts[HC_G_NUM_STATUS];
		hc_runtime_count_by_status(rt, counts);
		hc_json_key(&j, "goroutines");
		hc_json_object_begin(&j);
		hc_json_key(&j, "total");
		hc_json_u64(&j, live_goroutines(rt));
		hc_json_key(&j, "allgs");
		hc_json_u64(&j, rt->goroutines.size);
		hc_json_key(&j, "by_status");
		hc_json_object_begin(&j);
		for (uint32_t s = 0; s < HC_G_NUM_STATUS; s++) {
			if (!counts[s])
				continue;
			hc_json_key(&j, hc_gstatus_name(s));
			hc_json_u64(&j, counts[s]);
		}
		hc_json_object_end(&j);
		hc_json_object_end(&j);
	} else {
		hc_json_null(&j);
		hc_json_key(&j, "goroutines");
		hc_json_null(&j);
	}

	size_t nthreads;
	const struct hc_core_thread *threads = hc_core_threads(t->core, &nthreads);
	hc_json_key(&j, "threads");
	hc_json_array_begin(&j);
	for (size_t i = 0; i < nthreads; i++) {
		hc_json_object_begin(&j);
		hc_json_key(&j, "tid");
		hc_json_i64(&j, threads[i].tid);
		hc_json_key(&j, "pc");
		hc_json_hex(&j, threads[i].pc);
		hc_json_key(&j, "function");
		hc_json_string(&j, hc_target_func_name(t, threads[i].pc));
		hc_json_key(&j, "sp");
		hc_json_hex(&j, threads[i].sp);
		if (rt && i < rt->threads.size) {
			const struct hc_thread_info *ti = &rt->threads.data[i];
			hc_json_key(&j, "m");
			if (ti->m >= 0)
				hc_json_i64(&j, rt->ms.data[ti->m].id);
			else
				hc_json_null(&j);
			const struct hc_goroutine *g = thread_goroutine(rt, ti);
			hc_json_key(&j, "goroutine");
			if (g)
				hc_json_u64(&j, g->goid);
			else
				hc_json_null(&j);
			hc_json_key(&j, "on");
			hc_json_string(&j, system_g(rt, ti->g_addr));
		}
		hc_json_object_end(&j);
	}
	hc_json_array_end(&j);

	gaps_json(t, &j);
	hc_json_key(&j, "notes");
	hc_json_array_begin(&j);
	for (size_t i = 0; i < t->notes.size; i++)
		hc_json_string(&j, t->notes.data[i]);
	if (rt) {
		for (size_t i = 0; i < rt->problems.size; i++)
			hc_json_string(&j, rt->problems.data[i]);
	}
	hc_json_array_end(&j);
	hc_json_object_end(&j);
}

bool hc_info_write(const struct hc_target *t, enum hc_format format,
		   struct hc_strbuf *out)
{
	if (format == HC_FORMAT_JSON)
		write_json(t, out);
	else
		write_text(t, out);
	return out->str != NULL;
}

bool hc_info_write_addr(const struct hc_target *t, struct hc_heap *heap,
			uint64_t addr, struct hc_strbuf *out)
{
	struct hc_addr_info ai;
	memset(&ai, 0, sizeof(ai));
	if (heap) {
		hc_heap_classify(heap, t->runtime, addr, &ai);
	} else {
		ai.kind = hc_aspace_readable(t->as, addr) ? HC_ADDR_MAPPED
							  : HC_ADDR_UNMAPPED;
	}
	bool ok = hc_strbuf_appendf(out, "address   0x%" PRIx64 "\n", addr) &&
		  hc_strbuf_appendf(out, "what      %s\n", hc_addr_kind_name(ai.kind));
	if (ok && ai.has_object) {
		const struct hc_heap_object *o = &ai.object;
		ok = hc_strbuf_appendf(out, "object    0x%" PRIx64 "-0x%" PRIx64
				       " (%" PRIu64 " bytes), +0x%" PRIx64 " into it\n",
				       o->base, o->end, o->end - o->base, addr - o->base);
		if (ok && o->data != o->base)
			ok = hc_strbuf_appendf(out, "data      from 0x%" PRIx64
					       " (after the malloc header)\n", o->data);
		ok = ok && hc_strbuf_appendf(out, "span      0x%" PRIx64 " [0x%" PRIx64
					     "-0x%" PRIx64 ") %" PRIu64 " pages, %s, elemsize %"
					     PRIu64 ", slot %" PRIu64 " of %" PRIu64 "%s\n",
					     o->span_addr, o->span_base, o->span_end,
					     o->npages,
					     o->state == HC_SPAN_MANUAL ? "manual" : "in use",
					     o->elemsize, o->index, o->nelems,
					     o->noscan ? ", noscan" : "");
		if (ok && o->type_addr) {
			ok = hc_strbuf_appendf(out, "type      0x%" PRIx64 "\n", o->type_addr);
		}
	}
	if (ok && ai.goroutine)
		ok = hc_strbuf_appendf(out, "goroutine %" PRIu64 " (stack 0x%" PRIx64
				       "-0x%" PRIx64 ")\n", ai.goroutine->goid,
				       ai.goroutine->stack_lo, ai.goroutine->stack_hi);
	if (ok && ai.region) {
		ok = hc_strbuf_appends(out, "region    ");
		escaped(out, ai.region);
		ok = ok && hc_strbuf_appendf(out, " [0x%" PRIx64 "-0x%" PRIx64 ")\n",
					     ai.region_start, ai.region_end);
	}
	if (ok && ai.kind == HC_ADDR_TEXT) {
		ok = hc_strbuf_appends(out, "function  ");
		escaped(out, hc_target_func_name(t, addr));
		ok = ok && hc_strbuf_appendc(out, '\n');
	}
	return ok && out->str != NULL;
}
