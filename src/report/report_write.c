/* The report as text and JSON, escaping, the verdict line; see
 * include/hmapcore/report.h. */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>

#include "hmapcore/json.h"
#include "hmapcore/native.h"
#include "hmapcore/report.h"
#include "report_priv.h"

/* ------------------------------------------------------------ escaping */

bool hc_report_escape_markdown(struct hc_strbuf *out, const char *s)
{
	const unsigned char *start = (const unsigned char *)s;
	for (const unsigned char *p = start; *p; p++) {
		bool ok;
		switch (*p) {
		case '<': ok = hc_strbuf_appends(out, "&lt;"); break;
		case '>': ok = hc_strbuf_appends(out, "&gt;"); break;
		case '&': ok = hc_strbuf_appends(out, "&amp;"); break;
		/* Emphasis, code, links, images, tables, strikethrough; GitHub
		 * and GitLab references and mentions (#1 !1 @u ~l %m $s ^). */
		case '\\': case '`': case '*': case '_': case '[': case ']':
		case '|': case '~': case '#': case '!': case '@': case '%':
		case '$': case '^':
			ok = hc_strbuf_appendc(out, '\\') && hc_strbuf_appendc(out, (char)*p);
			break;
		case ':':
			/* Autolinks: "scheme://". */
			ok = (p[1] != '/' || p[2] != '/' || hc_strbuf_appendc(out, '\\')) &&
			     hc_strbuf_appendc(out, ':');
			break;
		case '.':
			/* Extended www autolinks: "www.". */
			ok = (p - start < 3 || strncasecmp((const char *)p - 3, "www", 3) != 0 ||
			      hc_strbuf_appendc(out, '\\')) &&
			     hc_strbuf_appendc(out, '.');
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				ok = hc_strbuf_appendf(out, "\\\\x%02x", *p);
			else
				ok = hc_strbuf_appendc(out, (char)*p);
			break;
		}
		if (!ok)
			return false;
	}
	return true;
}

bool hc_report_escape_html(struct hc_strbuf *out, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		bool ok;
		switch (*p) {
		case '<': ok = hc_strbuf_appends(out, "&lt;"); break;
		case '>': ok = hc_strbuf_appends(out, "&gt;"); break;
		case '&': ok = hc_strbuf_appends(out, "&amp;"); break;
		case '"': ok = hc_strbuf_appends(out, "&quot;"); break;
		case '\'': ok = hc_strbuf_appends(out, "&#39;"); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				ok = hc_strbuf_appendf(out, "\\x%02x", *p);
			else
				ok = hc_strbuf_appendc(out, (char)*p);
		}
		if (!ok)
			return false;
	}
	return true;
}

size_t hc_report_fence_len(const char *s)
{
	size_t longest = 0, run = 0;
	for (; *s; s++) {
		run = *s == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	return longest >= 3 ? longest + 1 : 3;
}

/* Text: control bytes cannot be in the model; still escape them so a bug
 * below never reaches the terminal raw. */
bool rp_text_n(struct hc_strbuf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		bool ok = c < 0x20 || c == 0x7f ? hc_strbuf_appendf(out, "\\x%02x", c)
						: hc_strbuf_appendc(out, (char)c);
		if (!ok)
			return false;
	}
	return true;
}

bool rp_text(struct hc_strbuf *out, const char *s)
{
	return !s || rp_text_n(out, s, strlen(s));
}

bool hc_report_write_verdict(const struct hc_report *r, struct hc_strbuf *out)
{
	bool ok = hc_strbuf_appendf(out, "hmapcore: %s: %zu error%s, %zu warning%s, %zu info "
				    "(%zu at or above %s)",
				    r->verdict, r->nerror, r->nerror == 1 ? "" : "s", r->nwarning,
				    r->nwarning == 1 ? "" : "s", r->ninfo, r->nover, r->fail_on);
	if (ok && r->crash.headline)
		ok = hc_strbuf_appends(out, ": ") && rp_text(out, r->crash.headline);
	return ok && hc_strbuf_appendc(out, '\n');
}

/* ------------------------------------------------------------ text */

struct text {
	struct hc_strbuf *out;
	bool color;
	bool ok;
};

static void tx(struct text *w, const char *s)
{
	w->ok = w->ok && rp_text(w->out, s);
}

__attribute__((format(printf, 2, 3)))
static void tf(struct text *w, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	w->ok = w->ok && hc_strbuf_appendv(w->out, f, ap);
	va_end(ap);
}

static void sgr(struct text *w, const char *code)
{
	if (w->color)
		tf(w, "\x1b[%sm", code);
}

static const char *sev_color(const char *sev)
{
	if (strcmp(sev, "error") == 0)
		return "1;31";
	if (strcmp(sev, "warning") == 0)
		return "1;33";
	return "36";
}

static void heading(struct text *w, const char *h)
{
	tf(w, "\n");
	sgr(w, "1");
	tx(w, h);
	sgr(w, "0");
	tf(w, "\n");
}

static void text_frames(struct text *w, const struct hc_report_frame_vec *fs, const char *indent)
{
	for (size_t i = 0; i < fs->size; i++) {
		const struct hc_report_frame *f = &fs->data[i];
		if (f->elided_before)
			tf(w, "%s...%" PRIu64 " frames elided...\n", indent, f->elided_before);
		tf(w, "%s", indent);
		tx(w, f->func);
		tf(w, "%s\n%s    ", f->inlined ? " (inlined)" : "", indent);
		tx(w, f->file);
		tf(w, ":%d", f->line);
		if (f->offset)
			tf(w, " +0x%" PRIx64, f->offset);
		tf(w, "\n");
	}
}

static void text_size(struct text *w, uint64_t n)
{
	w->ok = w->ok && hc_format_size(w->out, n);
}

static bool write_text(const struct hc_report *r, bool color, struct hc_strbuf *out)
{
	struct text w = {.out = out, .color = color, .ok = true};
	struct text *W = &w;
	sgr(W, "1");
	tf(W, "hmapcore report");
	sgr(W, "0");
	tf(W, "  %s  ", HC_REPORT_SCHEMA);
	tx(W, r->process.core);
	tf(W, "\nverdict   ");
	sgr(W, r->nover ? "1;31" : r->complete ? "1;32" : "1;33");
	tx(W, r->verdict);
	sgr(W, "0");
	tf(W, ": %zu error%s, %zu warning%s, %zu info (fail-on %s)%s\n", r->nerror,
	   r->nerror == 1 ? "" : "s", r->nwarning, r->nwarning == 1 ? "" : "s", r->ninfo,
	   r->fail_on, r->redacted ? "; redacted" : "");
	for (size_t i = 0; i < r->gaps.size; i++) {
		sgr(W, "1;33");
		tf(W, "incomplete: ");
		sgr(W, "0");
		tx(W, r->gaps.data[i].reason);
		tf(W, "\n            cost: ");
		tx(W, r->gaps.data[i].cost);
		tf(W, "\n");
	}

	heading(W, "CRASH");
	tf(W, "  ");
	sgr(W, "1;31");
	tx(W, r->crash.headline);
	sgr(W, "0");
	tf(W, "\n");
	if (r->crash.go_signal) {
		tf(W, "  ");
		tx(W, r->crash.go_signal);
		tf(W, "\n");
	}
	if (r->crash.signo) {
		tf(W, "  signal    %s (%d)", r->crash.signal ? r->crash.signal : "?",
		   r->crash.signo);
		if (r->crash.si_code)
			tf(W, " code %s", r->crash.si_code);
		tf(W, "\n");
	}
	if (r->crash.has_fault_addr)
		tf(W, "  fault     address 0x%" PRIx64 "\n", r->crash.fault_addr);
	if (r->crash.panic_type && strcmp(r->crash.panic_type, "string") != 0) {
		tf(W, "  panic     value of type ");
		tx(W, r->crash.panic_type);
		tf(W, "\n");
	}
	if (r->crash.victim) {
		tf(W, "  map       ");
		if (r->crash.victim_path) {
			tx(W, r->crash.victim_path);
			tf(W, " ");
		}
		tf(W, "at 0x%" PRIx64, r->crash.victim);
		if (r->crash.victim_unnamed)
			tf(W, " (%s)", r->crash.victim_unnamed);
		tf(W, "\n");
	}
	for (size_t i = 0; i < r->crash.accesses.size; i++) {
		const struct hc_report_access *x = &r->crash.accesses.data[i];
		tf(W, "  goroutine %" PRIu64 " %s%s (", x->goid, x->crashed ? "died in " : "in ", x->op);
		tx(W, x->func);
		tf(W, ")");
		if (x->caller) {
			tf(W, " from ");
			tx(W, x->caller);
			tf(W, " ");
			tx(W, x->caller_file ? x->caller_file : "?");
			tf(W, ":%d", x->caller_line);
		}
		if (x->created_by) {
			tf(W, ", created by ");
			tx(W, x->created_by);
		}
		tf(W, "\n");
	}
	if (r->crash.summary) {
		/* Wrapped at spaces to 78 columns, indented by 2. */
		tf(W, "\n");
		const char *s = r->crash.summary;
		while (*s) {
			size_t n = strlen(s), cut = n;
			if (n > 76) {
				cut = 76;
				while (cut > 0 && s[cut] != ' ')
					cut--;
				if (cut == 0)
					cut = 76;
			}
			tf(W, "  ");
			w.ok = w.ok && rp_text_n(out, s, cut);
			tf(W, "\n");
			s += cut;
			while (*s == ' ')
				s++;
		}
	}
	if (r->crash.goid) {
		tf(W, "\n  goroutine %" PRIu64 " [", r->crash.goid);
		tx(W, r->crash.goroutine_state ? r->crash.goroutine_state : "?");
		tf(W, "]:\n");
		text_frames(W, &r->crash.stack, "    ");
	}

	heading(W, "FINDINGS");
	if (!r->findings.size)
		tf(W, "  none\n");
	for (size_t i = 0; i < r->findings.size; i++) {
		const struct hc_report_finding *f = &r->findings.data[i];
		tf(W, "  ");
		sgr(W, sev_color(f->severity));
		tf(W, "%-7s", f->severity);
		sgr(W, "0");
		tf(W, " %s", f->code);
		if (f->path) {
			tf(W, " ");
			tx(W, f->path);
		}
		tf(W, ": ");
		tx(W, f->message);
		tf(W, "\n");
		for (unsigned k = 0; k < f->naddrs; k++)
			tf(W, "%s0x%" PRIx64, k ? ", " : "          at ", f->addrs[k]);
		if (f->naddrs)
			tf(W, "\n");
		for (unsigned k = 0; k < f->ngoids; k++)
			tf(W, "%s%" PRIu64, k ? ", " : "          goroutines ", f->goids[k]);
		if (f->ngoids)
			tf(W, "\n");
		tf(W, "          remedy: ");
		tx(W, f->remedy);
		tf(W, "\n");
	}

	heading(W, "PROCESS");
	tf(W, "  go          ");
	tx(W, r->process.go_version);
	if (r->process.experiment && *r->process.experiment) {
		tf(W, " (GOEXPERIMENT=");
		tx(W, r->process.experiment);
		tf(W, ")");
	}
	tf(W, "\n  arch        %s, maps %s\n", r->process.arch, r->process.maps_impl);
	tf(W, "  executable  ");
	tx(W, r->process.exe);
	if (r->process.debug_file) {
		tf(W, "\n  debug file  ");
		tx(W, r->process.debug_file);
	}
	tf(W, "\n  build-id    ");
	tx(W, *r->process.gnu_build_id ? r->process.gnu_build_id : "-");
	tf(W, "\n  go build id ");
	tx(W, *r->process.go_build_id ? r->process.go_build_id : "-");
	tf(W, "\n  core        ");
	tx(W, r->process.core);
	tf(W, " (");
	text_size(W, r->process.core_size);
	if (strcmp(r->process.compression, "none") != 0) {
		tf(W, ", %s, ", r->process.compression);
		text_size(W, r->process.core_disk_size);
		tf(W, " on disk");
	}
	if (r->process.truncated)
		tf(W, ", TRUNCATED: %" PRIu64 " of %" PRIu64 " bytes", r->process.core_size,
		   r->process.expected_size);
	else
		tf(W, ", complete");
	tf(W, ")\n");
	if (r->process.name) {
		tf(W, "  process     pid %d, ", r->process.pid);
		tx(W, r->process.name);
		if (r->process.args) {
			tf(W, ", args \"");
			tx(W, r->process.args);
			tf(W, "\"");
		}
		tf(W, "\n");
	}

	heading(W, "GOROUTINES");
	tf(W, "  %zu goroutines:", r->goroutines_total);
	for (size_t i = 0; i < r->states.size; i++) {
		tf(W, "%s %zu ", i ? "," : "", r->states.data[i].count);
		tx(W, r->states.data[i].state);
	}
	tf(W, "\n  %zu groups of identical stacks%s\n", r->groups_total,
	   r->groups.size < r->groups_total ? " (the largest listed)" : "");
	for (size_t i = 0; i < r->groups.size; i++) {
		const struct hc_report_group *g = &r->groups.data[i];
		tf(W, "\n  %zu goroutine%s [", g->count, g->count == 1 ? "" : "s");
		tx(W, g->state);
		tf(W, "]:");
		for (size_t k = 0; k < g->goids.size && k < 32; k++)
			tf(W, " %" PRIu64, g->goids.data[k]);
		if (g->goids.size > 32)
			tf(W, " ...");
		tf(W, "\n");
		text_frames(W, &g->frames, "    ");
		if (g->created_by) {
			tf(W, "    created by ");
			tx(W, g->created_by);
			tf(W, "\n");
		}
		if (g->stack_error) {
			tf(W, "    (stack incomplete: ");
			tx(W, g->stack_error);
			tf(W, ")\n");
		}
	}

	heading(W, "MAPS");
	tf(W, "  %zu maps, ", r->maps_total);
	text_size(W, r->maps_bytes);
	tf(W, " in their tables; listed: the suspect ones and the largest\n");
	for (size_t i = 0; i < r->maps.size; i++) {
		const struct hc_report_map *m = &r->maps.data[i];
		tf(W, "\n  ");
		sgr(W, m->suspect ? "1" : "0");
		tx(W, m->path);
		sgr(W, "0");
		tf(W, "  ");
		tx(W, m->type);
		tf(W, "  at 0x%" PRIx64 "  %s", m->addr, m->impl);
		if (m->has_count)
			tf(W, "  count %" PRIu64, m->count);
		if (m->has_stats) {
			tf(W, "  ");
			text_size(W, m->bytes);
			tf(W, " (a fresh map needs ");
			text_size(W, m->bytes_needed);
			tf(W, "), load %.3f", m->load);
		}
		if (m->growth) {
			tf(W, "  ");
			tx(W, m->growth);
		}
		tf(W, "\n    why:");
		for (size_t k = 0; k < m->reasons.size; k++)
			tf(W, " %s", m->reasons.data[k]);
		for (size_t k = 0; k < m->findings.size; k++)
			tf(W, "%s%s", k ? ", " : "; findings ", m->findings.data[k]);
		tf(W, "\n");
		if (m->error) {
			tf(W, "    error: ");
			tx(W, m->error);
			tf(W, "\n");
		}
		if (m->keys.size) {
			tf(W, "    keys:");
			for (size_t k = 0; k < m->keys.size; k++) {
				tf(W, "%s ", k ? "," : "");
				tx(W, m->keys.data[k]);
			}
			tf(W, "\n");
		}
		if (m->units_total) {
			unsigned live = 0, slots = 0;
			for (size_t k = 0; k < m->units.size; k++) {
				live += m->units.data[k].live;
				slots += 8;
			}
			tf(W, "    occupancy: %u of %u slots live in the %zu %s%s drawn of %" PRIu64 "\n",
			   live, slots, m->units.size, m->units.size ? m->units.data[0].kind : "unit",
			   m->units.size == 1 ? "" : "s", m->units_total);
		}
	}

	heading(W, "THREADS");
	for (size_t i = 0; i < r->threads.size; i++) {
		const struct hc_report_thread *t = &r->threads.data[i];
		tf(W, "  tid %-8d pc 0x%-12" PRIx64 " ", t->tid, t->pc);
		tx(W, t->func);
		if (t->has_m)
			tf(W, "  m%" PRId64, t->m);
		if (t->goid)
			tf(W, "  goroutine %" PRIu64, t->goid);
		if (t->sysg)
			tf(W, "  on %s", t->sysg);
		tf(W, "\n");
		for (size_t k = 0; k < t->native.size; k++) {
			const struct hc_report_native_frame *f = &t->native.data[k];
			tf(W, "    native #%-2zu ", k);
			W->ok = W->ok && hc_native_frame_format(W->out, f->pc, f->func, f->offset,
								f->module, f->file, f->line, f->go,
								rp_text);
			tf(W, "\n");
		}
		if (t->native_error) {
			tf(W, "    (native frames incomplete: ");
			tx(W, t->native_error);
			tf(W, ")\n");
		}
	}
	if (r->notes.size) {
		heading(W, "NOTES");
		for (size_t i = 0; i < r->notes.size; i++) {
			tf(W, "  ");
			tx(W, r->notes.data[i]);
			tf(W, "\n");
		}
	}
	return w.ok;
}

/* ------------------------------------------------------------ JSON */

static void js(struct hc_json *j, const char *key, const char *v)
{
	hc_json_key(j, key);
	if (v)
		hc_json_string(j, v);
	else
		hc_json_null(j);
}

static void ju(struct hc_json *j, const char *key, uint64_t v)
{
	hc_json_key(j, key);
	hc_json_u64(j, v);
}

static void jx(struct hc_json *j, const char *key, uint64_t v)
{
	hc_json_key(j, key);
	hc_json_hex(j, v);
}

static void jb(struct hc_json *j, const char *key, bool v)
{
	hc_json_key(j, key);
	hc_json_bool(j, v);
}

static void json_frames(struct hc_json *j, const char *key, const struct hc_report_frame_vec *fs)
{
	hc_json_key(j, key);
	hc_json_array_begin(j);
	for (size_t i = 0; i < fs->size; i++) {
		const struct hc_report_frame *f = &fs->data[i];
		hc_json_object_begin(j);
		js(j, "func", f->func);
		js(j, "file", f->file);
		hc_json_key(j, "line");
		hc_json_i64(j, f->line);
		jx(j, "offset", f->offset);
		jb(j, "inlined", f->inlined);
		if (f->elided_before) {
			hc_json_key(j, "elided_before");
			hc_json_u64(j, f->elided_before);
		}
		hc_json_object_end(j);
	}
	hc_json_array_end(j);
}

static void json_strs(struct hc_json *j, const char *key, const struct hc_report_str_vec *v)
{
	hc_json_key(j, key);
	hc_json_array_begin(j);
	for (size_t i = 0; i < v->size; i++)
		hc_json_string(j, v->data[i]);
	hc_json_array_end(j);
}

static bool write_json(const struct hc_report *r, struct hc_strbuf *out)
{
	struct hc_json jj;
	struct hc_json *j = &jj;
	hc_json_init(j, out, true);
	hc_json_object_begin(j);
	js(j, "schema", HC_REPORT_SCHEMA);
	js(j, "tool", r->tool);
	jb(j, "redacted", r->redacted);

	hc_json_key(j, "verdict");
	hc_json_object_begin(j);
	js(j, "result", r->verdict);
	js(j, "fail_on", r->fail_on);
	ju(j, "at_or_above", r->nover);
	ju(j, "errors", r->nerror);
	ju(j, "warnings", r->nwarning);
	ju(j, "infos", r->ninfo);
	hc_json_object_end(j);
	jb(j, "complete", r->complete);
	hc_json_key(j, "incomplete");
	hc_json_array_begin(j);
	for (size_t i = 0; i < r->gaps.size; i++) {
		hc_json_object_begin(j);
		js(j, "reason", r->gaps.data[i].reason);
		js(j, "cost", r->gaps.data[i].cost);
		hc_json_object_end(j);
	}
	hc_json_array_end(j);

	hc_json_key(j, "crash");
	hc_json_object_begin(j);
	js(j, "headline", r->crash.headline);
	js(j, "kind", r->crash.kind);
	js(j, "summary", r->crash.summary);
	hc_json_key(j, "signal");
	if (r->crash.signo) {
		hc_json_object_begin(j);
		ju(j, "number", (uint64_t)r->crash.signo);
		js(j, "name", r->crash.signal);
		js(j, "code", r->crash.si_code);
		hc_json_object_end(j);
	} else {
		hc_json_null(j);
	}
	hc_json_key(j, "fault_addr");
	if (r->crash.has_fault_addr)
		hc_json_hex(j, r->crash.fault_addr);
	else
		hc_json_null(j);
	js(j, "go_signal", r->crash.go_signal);
	js(j, "fatal", r->crash.fatal);
	js(j, "panic", r->crash.panic);
	js(j, "panic_type", r->crash.panic_type);
	hc_json_key(j, "goroutine");
	if (r->crash.goid) {
		hc_json_object_begin(j);
		ju(j, "id", r->crash.goid);
		js(j, "state", r->crash.goroutine_state);
		json_frames(j, "frames", &r->crash.stack);
		hc_json_object_end(j);
	} else {
		hc_json_null(j);
	}
	hc_json_key(j, "map");
	if (r->crash.victim) {
		hc_json_object_begin(j);
		jx(j, "addr", r->crash.victim);
		js(j, "path", r->crash.victim_path);
		if (r->crash.victim_unnamed)
			js(j, "unnamed", r->crash.victim_unnamed);
		hc_json_object_end(j);
	} else {
		hc_json_null(j);
	}
	hc_json_key(j, "map_goroutines");
	hc_json_array_begin(j);
	for (size_t i = 0; i < r->crash.accesses.size; i++) {
		const struct hc_report_access *x = &r->crash.accesses.data[i];
		hc_json_object_begin(j);
		ju(j, "id", x->goid);
		js(j, "op", x->op);
		js(j, "func", x->func);
		js(j, "caller", x->caller);
		js(j, "caller_file", x->caller_file);
		hc_json_key(j, "caller_line");
		hc_json_i64(j, x->caller_line);
		jb(j, "crashed", x->crashed);
		js(j, "created_by", x->created_by);
		hc_json_object_end(j);
	}
	hc_json_array_end(j);
	hc_json_object_end(j);

	hc_json_key(j, "findings");
	hc_json_array_begin(j);
	for (size_t i = 0; i < r->findings.size; i++) {
		const struct hc_report_finding *f = &r->findings.data[i];
		hc_json_object_begin(j);
		js(j, "code", f->code);
		js(j, "severity", f->severity);
		js(j, "path", f->path);
		js(j, "message", f->message);
		hc_json_key(j, "addrs");
		hc_json_array_begin(j);
		for (unsigned k = 0; k < f->naddrs; k++)
			hc_json_hex(j, f->addrs[k]);
		hc_json_array_end(j);
		hc_json_key(j, "goroutines");
		hc_json_array_begin(j);
		for (unsigned k = 0; k < f->ngoids; k++)
			hc_json_u64(j, f->goids[k]);
		hc_json_array_end(j);
		js(j, "remedy", f->remedy);
		hc_json_object_end(j);
	}
	hc_json_array_end(j);

	hc_json_key(j, "process");
	hc_json_object_begin(j);
	js(j, "go_version", r->process.go_version);
	js(j, "goexperiment", r->process.experiment);
	js(j, "arch", r->process.arch);
	js(j, "maps", r->process.maps_impl);
	js(j, "gnu_build_id", r->process.gnu_build_id);
	js(j, "go_build_id", r->process.go_build_id);
	js(j, "executable", r->process.exe);
	js(j, "debug_file", r->process.debug_file);
	hc_json_key(j, "core");
	hc_json_object_begin(j);
	js(j, "path", r->process.core);
	ju(j, "size", r->process.core_size);
	ju(j, "disk_size", r->process.core_disk_size);
	js(j, "compression", r->process.compression);
	jb(j, "complete", !r->process.truncated);
	ju(j, "expected_size", r->process.truncated ? r->process.expected_size
						    : r->process.core_size);
	hc_json_object_end(j);
	hc_json_key(j, "pid");
	hc_json_i64(j, r->process.pid);
	js(j, "name", r->process.name);
	js(j, "args", r->process.args);
	hc_json_object_end(j);

	hc_json_key(j, "goroutines");
	hc_json_object_begin(j);
	ju(j, "total", r->goroutines_total);
	hc_json_key(j, "by_state");
	hc_json_array_begin(j);
	for (size_t i = 0; i < r->states.size; i++) {
		hc_json_object_begin(j);
		js(j, "state", r->states.data[i].state);
		ju(j, "count", r->states.data[i].count);
		hc_json_object_end(j);
	}
	hc_json_array_end(j);
	ju(j, "groups_total", r->groups_total);
	hc_json_key(j, "groups");
	hc_json_array_begin(j);
	for (size_t i = 0; i < r->groups.size; i++) {
		const struct hc_report_group *g = &r->groups.data[i];
		hc_json_object_begin(j);
		ju(j, "count", g->count);
		js(j, "state", g->state);
		hc_json_key(j, "ids");
		hc_json_array_begin(j);
		for (size_t k = 0; k < g->goids.size; k++)
			hc_json_u64(j, g->goids.data[k]);
		hc_json_array_end(j);
		json_frames(j, "frames", &g->frames);
		js(j, "created_by", g->created_by);
		js(j, "stack_error", g->stack_error);
		hc_json_object_end(j);
	}
	hc_json_array_end(j);
	hc_json_object_end(j);

	hc_json_key(j, "maps");
	hc_json_object_begin(j);
	ju(j, "total", r->maps_total);
	ju(j, "bytes", r->maps_bytes);
	hc_json_key(j, "listed");
	hc_json_array_begin(j);
	for (size_t i = 0; i < r->maps.size; i++) {
		const struct hc_report_map *m = &r->maps.data[i];
		hc_json_object_begin(j);
		js(j, "path", m->path);
		js(j, "type", m->type);
		jx(j, "addr", m->addr);
		js(j, "impl", m->impl);
		hc_json_key(j, "count");
		if (m->has_count)
			hc_json_u64(j, m->count);
		else
			hc_json_null(j);
		hc_json_key(j, "stats");
		if (m->has_stats) {
			hc_json_object_begin(j);
			ju(j, "entries", m->entries);
			ju(j, "slots", m->slots);
			ju(j, "bytes", m->bytes);
			ju(j, "bytes_needed", m->bytes_needed);
			hc_json_key(j, "load");
			hc_json_fixed3(j, m->load);
			hc_json_object_end(j);
		} else {
			hc_json_null(j);
		}
		js(j, "growth", m->growth);
		js(j, "error", m->error);
		jb(j, "suspect", m->suspect);
		json_strs(j, "reasons", &m->reasons);
		json_strs(j, "findings", &m->findings);
		json_strs(j, "keys", &m->keys);
		hc_json_key(j, "occupancy");
		if (m->units_total) {
			uint64_t c[5] = {0};
			for (size_t k = 0; k < m->units.size; k++)
				for (unsigned s = 0; s < 8; s++)
					if (m->units.data[k].slots[s] < 5)
						c[m->units.data[k].slots[s]]++;
			hc_json_object_begin(j);
			js(j, "unit", m->units.data[0].kind);
			ju(j, "units", m->units_total);
			ju(j, "drawn", m->units.size);
			ju(j, "live", c[HC_REPORT_SLOT_LIVE]);
			ju(j, "empty", c[HC_REPORT_SLOT_EMPTY]);
			ju(j, "deleted", c[HC_REPORT_SLOT_DELETED]);
			ju(j, "evacuated", c[HC_REPORT_SLOT_EVACUATED]);
			ju(j, "invalid", c[HC_REPORT_SLOT_INVALID]);
			hc_json_object_end(j);
		} else {
			hc_json_null(j);
		}
		hc_json_object_end(j);
	}
	hc_json_array_end(j);
	hc_json_object_end(j);

	hc_json_key(j, "threads");
	hc_json_array_begin(j);
	for (size_t i = 0; i < r->threads.size; i++) {
		const struct hc_report_thread *t = &r->threads.data[i];
		hc_json_object_begin(j);
		hc_json_key(j, "tid");
		hc_json_i64(j, t->tid);
		jx(j, "pc", t->pc);
		js(j, "func", t->func);
		hc_json_key(j, "m");
		if (t->has_m)
			hc_json_i64(j, t->m);
		else
			hc_json_null(j);
		hc_json_key(j, "goroutine");
		if (t->goid)
			hc_json_u64(j, t->goid);
		else
			hc_json_null(j);
		js(j, "system_g", t->sysg);
		hc_json_key(j, "native_frames");
		hc_json_array_begin(j);
		for (size_t k = 0; k < t->native.size; k++) {
			const struct hc_report_native_frame *f = &t->native.data[k];
			hc_json_object_begin(j);
			jx(j, "pc", f->pc);
			js(j, "function", f->func);
			ju(j, "offset", f->offset);
			js(j, "module", f->module);
			js(j, "file", f->file);
			hc_json_key(j, "line");
			hc_json_i64(j, f->line);
			jb(j, "go", f->go);
			hc_json_object_end(j);
		}
		hc_json_array_end(j);
		js(j, "native_error", t->native_error);
		hc_json_object_end(j);
	}
	hc_json_array_end(j);
	json_strs(j, "notes", &r->notes);
	hc_json_object_end(j);
	return !hc_json_failed(j);
}

struct hc_error *hc_report_write(const struct hc_report *r,
				 enum hc_format format, bool color,
				 struct hc_strbuf *out)
{
	bool ok;
	switch (format) {
	case HC_FORMAT_TEXT: ok = write_text(r, color, out); break;
	case HC_FORMAT_JSON: ok = write_json(r, out); break;
	case HC_FORMAT_MARKDOWN: ok = rp_write_markdown(r, out); break;
	case HC_FORMAT_HTML: ok = rp_write_html(r, out); break;
	default:
		return hc_error_create(HC_ERROR_UNSUPPORTED,
				       "report supports --format text, json, markdown or html");
	}
	return ok ? NULL : &hc_error_nomem;
}
