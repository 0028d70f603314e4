/* The whole analysis: see include/hmapcore/check.h. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmapcore/check.h"
#include "hmapcore/validate.h"

static void note(struct hc_analysis *a, const char *what, struct hc_error *err)
{
	char *s;
	if (asprintf(&s, "%s: %s", what, err->message) >= 0 &&
	    !hc_note_vec_append(&a->notes, &s))
		free(s);
	hc_error_destroy(err);
}

/* Does a goroutine write the victim map right now? */
static bool write_in_flight(const struct hc_analysis *a, uint64_t map)
{
	if (!a->crash)
		return false;
	for (size_t i = 0; i < a->crash->accesses.size; i++) {
		const struct hc_map_access *x = &a->crash->accesses.data[i];
		if (x->map_addr == map && x->op != HC_MAP_OP_READ &&
		    x->op != HC_MAP_OP_ITERATE)
			return true;
	}
	return false;
}

static void crash_findings(struct hc_analysis *a)
{
	const struct hc_target *t = a->target;
	const struct hc_runtime *rt = t->runtime;
	if (!rt)
		return;
	const struct hc_crash *c = &rt->crash;
	const char *what = c->fatal_message ? c->fatal_message : c->panic_message;
	if (what) {
		struct hc_finding *f = hc_findings_add(
			&a->findings, HC_FINDING_FATAL, NULL, 0, "%s: %s%s",
			c->fatal_message ? "fatal error" : "panic", what,
			c->goid ? "" : " (the goroutine that raised it is unknown)");
		if (c->goid)
			hc_finding_add_goid(f, c->goid);
	}
	struct hc_crash_analysis *ca = a->crash;
	if (!ca)
		return;
	if (hc_crash_is_concurrent(ca->kind)) {
		const struct hc_map_row *row = ca->victim ? hc_analysis_map(a, ca->victim) : NULL;
		struct hc_finding *f = hc_findings_add(
			&a->findings, HC_FINDING_MAP_CONCURRENT,
			row ? row->found->path : NULL, ca->victim,
			"%s on map 0x%" PRIx64 "%s%s",
			hc_crash_kind_name(ca->kind), ca->victim,
			row ? " " : " (not reachable from a global)",
			row ? row->found->path : "");
		for (size_t i = 0; i < ca->accesses.size; i++) {
			const struct hc_map_access *x = &ca->accesses.data[i];
			if (x->map_addr == ca->victim || x->crashed)
				hc_finding_add_goid(f, x->goid);
		}
	} else if (ca->kind == HC_CRASH_NIL_MAP_WRITE) {
		struct hc_finding *f = hc_findings_add(
			&a->findings, HC_FINDING_MAP_NIL_WRITE, NULL, 0,
			"goroutine %" PRIu64 " wrote to a nil map%s%s",
			ca->goid, ca->accesses.size && ca->accesses.data[0].caller_func ? " in " : "",
			ca->accesses.size && ca->accesses.data[0].caller_func
				? ca->accesses.data[0].caller_func : "");
		if (ca->goid)
			hc_finding_add_goid(f, ca->goid);
	}
}

static void slice_findings(struct hc_analysis *a)
{
	const struct hc_discovery *d = a->discovery;
	for (size_t i = 0; i < d->maps.size; i++) {
		const struct hc_found_map *m = &d->maps.data[i];
		if (m->in_slice && !m->addr)
			hc_findings_add(&a->findings, HC_FINDING_SLICE_NIL_MAP, m->path,
					m->slot_addr,
					"element %" PRIu64 " of a slice of maps is nil", m->index);
	}
	for (size_t i = 0; i < d->torn.size; i++) {
		const struct hc_torn_slice *ts = &d->torn.data[i];
		struct hc_finding *f = hc_findings_add(
			&a->findings, HC_FINDING_SLICE_TORN, ts->path, ts->header_addr,
			"%s: array 0x%" PRIx64 " len %" PRIu64 " cap %" PRIu64 "%s",
			hc_slice_fault_name(ts->fault), ts->array, ts->len, ts->cap,
			ts->fault == HC_SLICE_PAST_OBJECT ? " runs past its heap object" : "");
		if (ts->array)
			hc_finding_add_addr(f, ts->array);
	}
}

struct hc_error *hc_analyze(struct hc_target *t, struct hc_analysis **ret)
{
	struct hc_analysis *a = calloc(1, sizeof(*a));
	if (!a)
		return &hc_error_nomem;
	a->target = t;
	hc_map_row_vec_init(&a->rows);
	hc_findings_init(&a->findings);
	hc_note_vec_init(&a->notes);

	uint64_t expected, actual;
	if (hc_core_truncation(t->core, &expected, &actual))
		hc_findings_add(&a->findings, HC_FINDING_CORE_TRUNCATED, NULL, 0,
				"%" PRIu64 " of %" PRIu64 " bytes: what lies past the end is unknown",
				actual, expected);

	struct hc_error *err = hc_heap_create_target(t, &a->heap);
	if (err) {
		note(a, "no heap index", err);
		a->heap = NULL;
	}
	err = hc_unwinder_create_target(t, &a->unwinder);
	if (err) {
		note(a, "no stacks", err);
		a->unwinder = NULL;
	} else if (t->runtime) {
		err = hc_crash_analyze(t, a->unwinder, &a->crash);
		if (err) {
			note(a, "no crash analysis", err);
			a->crash = NULL;
		}
	}
	struct hc_discover_options dopts = {.unwinder = a->unwinder};
	err = hc_discover(t, a->heap, &dopts, &a->discovery);
	if (err) {
		note(a, "no map discovery", err);
		a->discovery = NULL;
		crash_findings(a);
		hc_findings_sort(&a->findings);
		*ret = a;
		return NULL;
	}

	const struct hc_discovery *d = a->discovery;
	if (!hc_map_row_vec_reserve(&a->rows, d->maps.size)) {
		hc_analysis_destroy(a);
		return &hc_error_nomem;
	}
	for (size_t i = 0; i < d->maps.size; i++) {
		struct hc_map_row *row = hc_map_row_vec_append_entry(&a->rows);
		row->found = &d->maps.data[i];
		const struct hc_found_map *m = row->found;
		if (!m->addr || m->sync_map)
			continue;
		err = hc_map_info_from_type(t, m->type, &row->info);
		if (err) {
			row->error = strdup(err->message);
			hc_error_destroy(err);
			continue;
		}
		row->has_info = true;
		err = hc_map_read_header(t->as, &row->info, m->addr, &row->header);
		if (!err) {
			row->has_header = true;
			err = hc_map_stats(t->as, &row->info, m->addr, &row->stats);
			if (!err)
				row->has_stats = true;
		}
		if (err) {
			row->error = strdup(err->message);
			hc_error_destroy(err);
		}
		if (m->alias)
			continue;
		struct hc_validate_env env = {
			.as = t->as,
			.heap = a->heap,
			.rt = t->runtime,
			.write_in_flight = write_in_flight(a, m->addr),
		};
		size_t before = a->findings.v.size;
		hc_validate_map(&env, &row->info, m->addr, m->path, &a->findings);
		row->nfindings = a->findings.v.size - before;
		for (size_t k = before; k < a->findings.v.size; k++) {
			if (k == before || a->findings.v.data[k].severity > row->worst)
				row->worst = a->findings.v.data[k].severity;
		}
	}
	slice_findings(a);
	crash_findings(a);
	hc_findings_sort(&a->findings);
	if (a->findings.nomem) {
		hc_analysis_destroy(a);
		return &hc_error_nomem;
	}
	*ret = a;
	return NULL;
}

void hc_analysis_destroy(struct hc_analysis *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->rows.size; i++)
		free(a->rows.data[i].error);
	hc_map_row_vec_deinit(&a->rows);
	hc_findings_deinit(&a->findings);
	for (size_t i = 0; i < a->notes.size; i++)
		free(a->notes.data[i]);
	hc_note_vec_deinit(&a->notes);
	hc_crash_analysis_destroy(a->crash);
	hc_discovery_destroy(a->discovery);
	hc_unwinder_destroy(a->unwinder);
	hc_heap_destroy(a->heap);
	free(a);
}

const struct hc_map_row *hc_analysis_map(const struct hc_analysis *a,
					 uint64_t addr)
{
	for (size_t i = 0; i < a->rows.size; i++) {
		const struct hc_map_row *r = &a->rows.data[i];
		if (r->found->addr == addr && !r->found->alias)
			return r;
	}
	return NULL;
}

const struct hc_map_row *hc_analysis_map_by_path(const struct hc_analysis *a,
						 const char *path)
{
	for (size_t i = 0; i < a->rows.size; i++) {
		if (strcmp(a->rows.data[i].found->path, path) == 0)
			return &a->rows.data[i];
	}
	return NULL;
}
