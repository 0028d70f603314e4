/* The whole analysis: see include/hmapcore/check.h. */
#include "config.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hmapcore/check.h"
#include "hmapcore/hash_table.h"
#include "hmapcore/threads.h"
#include "hmapcore/validate.h"

static void note(struct hc_analysis *a, const char *what, struct hc_error *err)
{
	char *s;
	if (asprintf(&s, "%s: %s", what, err->message) >= 0 &&
	    !hc_note_vec_append(&a->notes, &s))
		free(s);
	hc_error_destroy(err);
}

/* A note that is also a gap: what it cost the answer is @p cost. */
static void note_gap(struct hc_analysis *a, const char *what, struct hc_error *err,
		     const char *cost)
{
	char *s;
	if (asprintf(&s, "%s: %s", what, err->message) < 0)
		s = NULL;
	hc_completeness_add(&a->gaps, s ? s : what, "%s", cost);
	free(s);
	note(a, what, err);
}

/* Gaps stop listing single goroutines' stacks here (the rest are counted). */
enum { STACK_GAPS_MAX = 16 };

/*
 * Everything that made the analysis incomplete, gathered once it is done:
 * the target's gaps and the runtime's problems (hc_target_gaps()), the stacks that stopped
 * early, a discovery walk cut short. The analysis' own (heap, stacks,
 * discovery) were added where they happened.
 */
static void gather_gaps(struct hc_analysis *a)
{
	struct hc_target *t = a->target;
	// The causes below first: the target's, then the runtime's.
	struct hc_completeness own = a->gaps;
	hc_completeness_init(&a->gaps);
	hc_target_gaps(t, &a->gaps);
	hc_completeness_merge(&a->gaps, &own);
	hc_completeness_deinit(&own);
	size_t nstack = 0;
	for (size_t i = 0; i < a->groups.size; i++) {
		const struct hc_goroutine_group *g = &a->groups.data[i];
		if (!g->stack.error)
			continue;
		for (size_t k = 0; k < g->members.size; k++, nstack++) {
			if (nstack >= STACK_GAPS_MAX)
				continue;
			char *reason;
			uint64_t goid = g->members.data[k]->goid;
			if (asprintf(&reason, "goroutine %" PRIu64 "'s stack: %s", goid,
				     g->stack.error) < 0)
				reason = NULL;
			if (g->stack.frames.size)
				hc_completeness_add(&a->gaps, reason ? reason : "a stack stopped early",
						    "goroutine %" PRIu64 "'s stack stops after %zu frames",
						    goid, g->stack.frames.size);
			else
				hc_completeness_add(&a->gaps, reason ? reason : "a stack is missing",
						    "goroutine %" PRIu64 "'s stack is missing", goid);
			free(reason);
		}
	}
	if (nstack > STACK_GAPS_MAX)
		hc_completeness_add(&a->gaps, "more stacks stopped early",
				    "%zu more goroutines' stacks are missing or partial",
				    nstack - STACK_GAPS_MAX);
	if (a->discovery && a->discovery->roots_unreadable)
		hc_completeness_add(&a->gaps, "global variables whose DWARF type could not be read",
				    "%" PRIu64 " globals not followed: maps under them are not found",
				    a->discovery->roots_unreadable);
	if (a->discovery && a->discovery->not_in_core)
		hc_completeness_add(&a->gaps, "slices whose backing array is not in the core (file-backed)",
				    "%" PRIu64 " backing arrays not followed: maps under them are not found",
				    a->discovery->not_in_core);
	if (a->discovery && a->discovery->stop_reason)
		hc_completeness_add(&a->gaps, "the map discovery walk stopped on its budget",
				    "the walk stopped on its %s: %" PRIu64 " values left unwalked, "
				    "maps reachable only through them are not found",
				    a->discovery->stop_reason, a->discovery->stopped);
	else if (a->discovery && a->discovery->truncated)
		hc_completeness_add(&a->gaps, "the map discovery walk was cut short by a limit",
				    "maps reachable only past the limit are not found");
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
			"%s on map 0x%" PRIx64 " %s%s%s",
			hc_crash_kind_name(ca->kind), ca->victim,
			row ? "" : "(", row ? row->found->path : hc_analysis_unnamed(a),
			row ? "" : ")");
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

/* ------------------------------------------------ findings by path */

static int cmp_by_path(const void *pa, const void *pb, void *arg)
{
	const struct hc_finding *v = arg;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int c = strcmp(v[a].path, v[b].path);
	return c ? c : (a < b ? -1 : a > b);
}

/* Sort the findings and index them by path (once, at the end). */
static struct hc_error *finish_findings(struct hc_analysis *a)
{
	hc_findings_sort(&a->findings);
	if (a->findings.nomem)
		return &hc_error_nomem;
	free(a->by_path);
	a->nby_path = 0;
	a->by_path = malloc((a->findings.v.size ? a->findings.v.size : 1) * sizeof(*a->by_path));
	if (!a->by_path)
		return &hc_error_nomem;
	for (size_t i = 0; i < a->findings.v.size; i++)
		if (a->findings.v.data[i].path)
			a->by_path[a->nby_path++] = i;
	qsort_r(a->by_path, a->nby_path, sizeof(*a->by_path), cmp_by_path, a->findings.v.data);
	return NULL;
}

const size_t *hc_analysis_findings_of(const struct hc_analysis *a, const char *path,
				      size_t *n_ret)
{
	size_t lo = 0, hi = a->nby_path;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(a->findings.v.data[a->by_path[mid]].path, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t end = lo;
	while (end < a->nby_path && strcmp(a->findings.v.data[a->by_path[end]].path, path) == 0)
		end++;
	*n_ret = end - lo;
	return end > lo ? &a->by_path[lo] : NULL;
}

/* ------------------------------------------------ the maps, in threads */

/*
 * One map to walk (hc_map_stats) and validate. The jobs only read the
 * address space (stateless but for a per-thread cache), the resolved map
 * layouts and a clone of the heap index of their own; each keeps its
 * findings, merged afterwards in row order, so the result is the same as
 * a serial run whatever the threads did first.
 */
struct map_job {
	size_t row;
	/* What to walk (borrowed), and where its stats go. */
	const struct hc_map_info *info;
	uint64_t addr;
	const char *path;
	struct hc_map_stats *stats;
	bool *has_stats;
	bool validate;
	/* A Swiss map, validated: the validation's walk gives its stats too
	 * (validate.h), the walk item has nothing to do unless that walk
	 * could not be whole. */
	bool stats_from_validation;
	bool write_in_flight;
	uint64_t weight;
	struct hc_findings findings;
	/* Why the walk failed (owned), or NULL. */
	char *stats_error;
	/* Its map was walked during the goroutine pass (below): the result
	 * is there and nothing is left to run. */
	struct map_job *early;
	/* The only job, on two threads: its validation may split a large
	 * directory (validate.h), the second half with this heap. */
	bool split;
	struct hc_heap *split_heap;
};

struct job_queue {
	struct hc_analysis *a;
	struct map_job *jobs;
	/* Work items, largest map first: 2 * job for its walk, 2 * job + 1
	 * for its validation (separate, so one huge classic map keeps two
	 * threads busy; they write disjoint fields; a Swiss map's validation
	 * walks it once for both). */
	size_t *order;
	size_t njobs;
	atomic_size_t next;
};

/* The map's stats by a walk of its own. */
static void walk_map(const struct hc_target *t, struct map_job *j)
{
	struct hc_error *err = hc_map_stats(t->as, j->info, j->addr, j->stats);
	if (!err) {
		*j->has_stats = true;
	} else {
		j->stats_error = strdup(err->message);
		hc_error_destroy(err);
	}
}

/* One half of a job: its walk, or its validation. */
static void run_part(const struct hc_target *t, struct hc_heap *heap, struct map_job *j,
		     bool validation)
{
	if (!validation) {
		if (!j->stats_from_validation)
			walk_map(t, j);
		return;
	}
	if (!j->validate)
		return;
	bool stats_done = false;
	struct hc_validate_env env = {
		.as = t->as,
		.heap = heap,
		.rt = t->runtime,
		.write_in_flight = j->write_in_flight,
		.stats = j->stats_from_validation ? j->stats : NULL,
		.stats_done = &stats_done,
		.split = j->split,
		.split_heap = j->split_heap,
	};
	hc_validate_map(&env, j->info, j->addr, j->path, &j->findings);
	if (stats_done)
		*j->has_stats = true;
	else if (j->stats_from_validation)
		walk_map(t, j);
}

static void run_job(struct job_queue *q, struct hc_heap *heap, size_t item)
{
	struct map_job *j = &q->jobs[item / 2];
	if (!j->early)
		run_part(q->a->target, heap, j, item % 2);
}

/* ------------------------------------- the large maps, walked early */

/*
 * The goroutine pass keeps one thread busy with the frames' roots and
 * another, part of the time, unwinding ahead (discover.c); the large maps
 * found among the package-level variables need nothing from it but
 * whether a goroutine was writing them when the process died. So they
 * are walked and validated meanwhile, on a thread of their own, as if no
 * write were in flight; a map the crash analysis then finds written is
 * walked again with the writers known. A job the thread has not begun
 * when the maps' own pass starts is taken back and run there.
 */
enum { EARLY_MIN_ENTRIES = 65536 };

enum { EARLY_PENDING, EARLY_TAKEN, EARLY_TAKEN_BACK };

struct early_job {
	struct map_job job;
	size_t found; /* index of the map in the discovery */
	struct hc_map_info info;
	struct hc_map_stats stats;
	bool has_stats;
	atomic_int state;
};

/* Each job malloc'd, so the thread's pointer stays put when the vector
 * grows. */
HC_DEFINE_VECTOR(early_job_vec, struct early_job *)

struct early {
	const struct hc_target *t;
	struct hc_heap *heap; /* the thread's clone */
	pthread_t thread;
	bool started;
	/* Under lock: the jobs in discovery order (ascending found), the
	 * next one the thread takes, and whether more may come. */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct early_job_vec jobs;
	size_t next;
	bool closed;
};

static void *early_thread(void *arg)
{
	struct early *e = arg;
	pthread_mutex_lock(&e->lock);
	for (;;) {
		if (e->next < e->jobs.size) {
			struct early_job *x = e->jobs.data[e->next++];
			pthread_mutex_unlock(&e->lock);
			int expect = EARLY_PENDING;
			if (atomic_compare_exchange_strong(&x->state, &expect, EARLY_TAKEN)) {
				run_part(e->t, e->heap, &x->job, false);
				run_part(e->t, e->heap, &x->job, true);
			}
			pthread_mutex_lock(&e->lock);
		} else if (e->closed) {
			break;
		} else {
			pthread_cond_wait(&e->cond, &e->lock);
		}
	}
	pthread_mutex_unlock(&e->lock);
	return NULL;
}

/* HMAPCORE_WALK_MEMORY: the discovery's memory budget in bytes (tests
 * make it run out); 0 (unset) for the default from the core's size. */
static uint64_t walk_memory_setting(void)
{
	const char *s = getenv("HMAPCORE_WALK_MEMORY");
	return s ? strtoull(s, NULL, 0) : 0;
}

/* The least entries of a map walked early; 0 for none. HMAPCORE_THREADS
 * (threads.h): 1 walks nothing early, more walks every map found in the
 * variables early. */
static uint64_t early_min(void)
{
	long n = hc_threads_setting();
	if (n)
		return n > 1 ? 1 : 0;
	return hc_other_cpu() ? EARLY_MIN_ENTRIES : 0;
}

static void early_job_destroy(struct early_job *x)
{
	hc_findings_deinit(&x->job.findings);
	free(x->job.stats_error);
	free((char *)x->job.path);
	free(x);
}

/* No more jobs: the thread ends once it has run what it took. */
static void early_close(struct early *e)
{
	if (!e)
		return;
	pthread_mutex_lock(&e->lock);
	e->closed = true;
	pthread_cond_broadcast(&e->cond);
	pthread_mutex_unlock(&e->lock);
}

static void early_join(struct early *e)
{
	if (e && e->started) {
		early_close(e);
		pthread_join(e->thread, NULL);
		e->started = false;
	}
}

static void early_destroy(struct early *e)
{
	if (!e)
		return;
	early_join(e);
	hc_heap_destroy_clone(e->heap);
	for (size_t k = 0; k < e->jobs.size; k++)
		early_job_destroy(e->jobs.data[k]);
	early_job_vec_deinit(&e->jobs);
	pthread_cond_destroy(&e->cond);
	pthread_mutex_destroy(&e->lock);
	free(e);
}

/* The early walks of one analysis: started on the first large map. */
struct early_arg {
	struct hc_analysis *a;
	uint64_t min;
	struct early *e;
	bool failed; /* out of memory, or no thread: nothing more is queued */
	/* Maps of one type come in runs (a slice of maps): the layout of
	 * the last type is kept. */
	const struct hc_type *last;
	struct hc_map_info info;
};

static struct early *early_start(struct early_arg *ea)
{
	const struct hc_target *t = ea->a->target;
	struct early *e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->t = t;
	early_job_vec_init(&e->jobs);
	pthread_mutex_init(&e->lock, NULL);
	pthread_cond_init(&e->cond, NULL);
	/* The clone is made here, before the thread starts (see
	 * run_map_jobs). */
	struct hc_error *err = ea->a->heap ? hc_heap_clone(ea->a->heap, t->runtime, &e->heap)
					   : NULL;
	if (err || pthread_create(&e->thread, NULL, early_thread, e) != 0) {
		hc_error_destroy(err);
		early_destroy(e);
		return NULL;
	}
	e->started = true;
	return e;
}

/*
 * hc_discover_options.global_map: a map found among the package-level
 * variables; one of EARLY_MIN_ENTRIES or more is queued for the thread,
 * which starts with the first. Nothing more is queued once anything
 * fails.
 */
static void early_map(void *arg, const struct hc_discovery *d, size_t row)
{
	struct early_arg *ea = arg;
	const struct hc_target *t = ea->a->target;
	const struct hc_found_map *m = &d->maps.data[row];
	if (ea->failed || !ea->min || !m->addr || m->sync_map || m->alias)
		return;
	struct hc_map_header h;
	struct hc_error *err = NULL;
	if (m->type != ea->last) {
		ea->last = NULL;
		err = hc_map_info_from_type(t, m->type, &ea->info);
		if (!err)
			ea->last = m->type;
	}
	if (!err)
		err = hc_map_read_header(t->as, &ea->info, m->addr, &h);
	if (err) {
		hc_error_destroy(err);
		return;
	}
	if (h.count < ea->min)
		return;
	struct early_job *x = calloc(1, sizeof(*x));
	/* Its own copy: a discovery that fails frees its own. */
	char *path = strdup(m->path ? m->path : "?");
	if (!ea->e && x && path)
		ea->e = early_start(ea);
	if (!x || !path || !ea->e) {
		free(x);
		free(path);
		ea->failed = true;
		return;
	}
	x->found = row;
	x->info = ea->info;
	x->job.info = &x->info;
	x->job.addr = m->addr;
	x->job.path = path;
	x->job.validate = true;
	x->job.stats_from_validation = x->info.flavour != HC_MAPS_CLASSIC;
	x->job.weight = h.count;
	x->job.stats = &x->stats;
	x->job.has_stats = &x->has_stats;
	hc_findings_init(&x->job.findings);
	atomic_init(&x->state, EARLY_PENDING);
	struct early *e = ea->e;
	pthread_mutex_lock(&e->lock);
	bool ok = early_job_vec_append(&e->jobs, &x);
	pthread_cond_broadcast(&e->cond);
	pthread_mutex_unlock(&e->lock);
	if (!ok) {
		early_job_destroy(x);
		ea->failed = true;
	}
}

/* Close the queue and take back the jobs the thread has not begun. */
static void early_take_back(struct early *e)
{
	early_close(e);
	for (size_t k = 0; e && k < e->jobs.size; k++) {
		int expect = EARLY_PENDING;
		atomic_compare_exchange_strong(&e->jobs.data[k]->state, &expect, EARLY_TAKEN_BACK);
	}
}

/* The early job for the map of row @p found, when the thread took it
 * (after early_take_back: the jobs no longer change). */
static struct early_job *early_for(struct early *e, size_t found)
{
	if (!e)
		return NULL;
	size_t lo = 0, hi = e->jobs.size;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (e->jobs.data[mid]->found < found)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == e->jobs.size || e->jobs.data[lo]->found != found)
		return NULL;
	struct early_job *x = e->jobs.data[lo];
	return atomic_load(&x->state) == EARLY_TAKEN ? x : NULL;
}

/* A worker thread: the queue, and its clone of the heap index. */
struct worker_arg {
	struct job_queue *q;
	struct hc_heap *heap;
};

static void *worker(void *arg)
{
	struct worker_arg *w = arg;
	for (;;) {
		size_t k = atomic_fetch_add(&w->q->next, 1);
		if (k >= w->q->njobs)
			break;
		run_job(w->q, w->heap, w->q->order[k]);
	}
	return NULL;
}

/* The entries from which a map's walk is ordered by its size. */
#define HEAVY_JOB 4096

static int cmp_job_weight(const void *pa, const void *pb, void *arg)
{
	const struct map_job *jobs = arg;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	const struct map_job *x = &jobs[a / 2], *y = &jobs[b / 2];
	if (x->weight != y->weight)
		return x->weight > y->weight ? -1 : 1;
	return a < b ? -1 : a > b;
}

/* Threads: HMAPCORE_THREADS (threads.h), else one per CPU (at most 8);
 * one when the maps are small (threads would cost more than they save). */
static unsigned thread_count(const struct map_job *jobs, size_t njobs)
{
	long n = hc_threads_setting();
	if (!n) {
		uint64_t entries = 0;
		for (size_t i = 0; i < njobs; i++)
			entries += jobs[i].weight;
		n = entries < 200000 ? 1 : hc_cpus();
	}
	if (n < 1)
		n = 1;
	if (n > 8)
		n = 8;
	return (unsigned)n;
}

static struct hc_error *run_map_jobs(struct hc_analysis *a, struct map_job *jobs, size_t njobs)
{
	struct job_queue q = {.a = a, .jobs = jobs, .njobs = 2 * njobs};
	q.order = malloc((njobs ? 2 * njobs : 1) * sizeof(*q.order));
	if (!q.order)
		return &hc_error_nomem;
	/* Largest first matters only for the maps that keep a thread busy:
	 * those are sorted, the many small ones follow in row order. */
	size_t heavy = 0;
	for (size_t i = 0; i < 2 * njobs; i++) {
		if (jobs[i / 2].weight >= HEAVY_JOB)
			q.order[heavy++] = i;
	}
	qsort_r(q.order, heavy, sizeof(*q.order), cmp_job_weight, jobs);
	for (size_t i = 0, k = heavy; i < 2 * njobs; i++) {
		if (jobs[i / 2].weight < HEAVY_JOB)
			q.order[k++] = i;
	}
	atomic_init(&q.next, 0);
	unsigned n = thread_count(jobs, njobs);
	/* One Swiss map (the map command): its validation is the only work,
	 * so the second thread takes half of its directory instead. */
	struct map_job *one = njobs == 1 && jobs[0].validate && jobs[0].stats_from_validation &&
				      !jobs[0].early ? &jobs[0] : NULL;
	if (n > 1 && one && (!a->heap || !hc_heap_clone(a->heap, a->target->runtime,
							&one->split_heap))) {
		one->split = true;
		n = 1;
	}
	pthread_t th[8];
	struct worker_arg wa[8];
	unsigned started = 0;
	for (unsigned i = 1; i < n; i++) {
		/* Each worker's heap clone is made here, before any job runs:
		 * cloning reads (and first indexes) the heap the main thread's
		 * jobs then use. Out of memory: the main thread does the rest. */
		wa[started].q = &q;
		wa[started].heap = NULL;
		if (a->heap && hc_heap_clone(a->heap, a->target->runtime, &wa[started].heap))
			break;
		if (pthread_create(&th[started], NULL, worker, &wa[started]) != 0) {
			hc_heap_destroy_clone(wa[started].heap);
			break;
		}
		started++;
	}
	/* The main thread works too, with the heap itself. */
	for (;;) {
		size_t k = atomic_fetch_add(&q.next, 1);
		if (k >= q.njobs)
			break;
		run_job(&q, a->heap, q.order[k]);
	}
	for (unsigned i = 0; i < started; i++) {
		pthread_join(th[i], NULL);
		hc_heap_destroy_clone(wa[i].heap);
	}
	if (one && one->split_heap)
		hc_heap_destroy_clone(one->split_heap);
	free(q.order);
	return NULL;
}

HC_DEFINE_HASH_MAP(group_index, uint64_t, size_t, hc_hash_u64, hc_eq_u64)

/* ------------------------------------------------ the one goroutine pass */

enum { NAME_HASH_BITS = 12 };

struct pass {
	struct hc_analysis *a;
	struct group_index index;
};

/* Hashes of names by address, one memo a thread (stacks are digested on
 * the threads that unwind them): frames borrow names from the pclntab, so
 * the same few strings come back again and again. */
static _Thread_local struct {
	const char *s;
	uint64_t h;
} name_memo[1 << NAME_HASH_BITS];

static uint64_t mix(uint64_t h, uint64_t v)
{
	return (h ^ v) * 0x100000001b3ull;
}

static uint64_t name_hash(const char *s)
{
	if (!s)
		return 0;
	size_t i = (size_t)(((uintptr_t)s * 0x9e3779b97f4a7c15ull) >> (64 - NAME_HASH_BITS));
	if (name_memo[i].s == s)
		return name_memo[i].h;
	uint64_t h = 0xcbf29ce484222325ull;
	for (const char *c = s; *c; c++)
		h = mix(h, (unsigned char)*c);
	name_memo[i].s = s;
	name_memo[i].h = h;
	return h;
}

/* The fields goroutineheader prints the state from. */
static bool same_state(const struct hc_goroutine *x, const struct hc_goroutine *y)
{
	return x->status == y->status && x->waitreason == y->waitreason &&
	       (x->raw_status & HC_G_SCAN) == (y->raw_status & HC_G_SCAN) &&
	       !x->lockedm == !y->lockedm;
}

static uint64_t group_hash(const struct hc_goroutine *g, const struct hc_stack *st)
{
	uint64_t h = 0xcbf29ce484222325ull;
	h = mix(h, g->status);
	h = mix(h, g->waitreason);
	h = mix(h, (g->raw_status & HC_G_SCAN) != 0);
	h = mix(h, g->lockedm != 0);
	for (size_t i = 0; i < st->frames.size; i++) {
		const struct hc_frame *f = &st->frames.data[i];
		h = mix(h, name_hash(f->func));
		h = mix(h, name_hash(f->file));
		h = mix(h, (uint32_t)f->line | (uint64_t)f->inlined << 32);
	}
	return h;
}

static bool str_eq(const char *x, const char *y)
{
	return x == y || (x && y && strcmp(x, y) == 0);
}

static bool same_frames(const struct hc_stack *x, const struct hc_stack *y)
{
	if (x->frames.size != y->frames.size)
		return false;
	for (size_t i = 0; i < x->frames.size; i++) {
		const struct hc_frame *f = &x->frames.data[i], *e = &y->frames.data[i];
		if (f->line != e->line || f->inlined != e->inlined || !str_eq(f->func, e->func) ||
		    !str_eq(f->file, e->file))
			return false;
	}
	return true;
}

static struct hc_error *add_to_group(struct pass *p, const struct hc_goroutine *g,
				     const struct hc_stack *st, uint64_t h)
{
	struct hc_goroutine_group_vec *v = &p->a->groups;
	size_t *first = group_index_search(&p->index, h);
	size_t last = SIZE_MAX;
	for (size_t i = first ? *first : SIZE_MAX; i != SIZE_MAX; i = v->data[i].next) {
		struct hc_goroutine_group *grp = &v->data[i];
		if (same_state(grp->members.data[0], g) && same_frames(&grp->stack, st))
			return hc_goroutine_ptr_vec_append(&grp->members, &g) ? NULL : &hc_error_nomem;
		last = i;
	}
	struct hc_goroutine_group n = {.hash = h, .next = SIZE_MAX};
	hc_stack_init(&n.stack);
	hc_goroutine_ptr_vec_init(&n.members);
	bool ok = hc_goroutine_ptr_vec_append(&n.members, &g) &&
		  hc_frame_vec_reserve(&n.stack.frames, st->frames.size);
	if (ok) {
		if (st->frames.size) /* an empty stack (corrupt g) has no array */
			memcpy(n.stack.frames.data, st->frames.data,
			       st->frames.size * sizeof(*st->frames.data));
		n.stack.frames.size = st->frames.size;
		n.stack.error = st->error ? strdup(st->error) : NULL;
		ok = !st->error || n.stack.error;
	}
	bool existed;
	if (!ok || !hc_goroutine_group_vec_append(v, &n) ||
	    (!first && !group_index_insert(&p->index, h, v->size - 1, &existed))) {
		if (v->size && v->data[v->size - 1].members.data == n.members.data)
			v->size--;
		hc_stack_deinit(&n.stack);
		hc_goroutine_ptr_vec_deinit(&n.members);
		return &hc_error_nomem;
	}
	if (first)
		v->data[last].next = v->size - 1;
	return NULL;
}

/* What the pass needs of a stack alone, made where it was unwound. */
struct stack_digest {
	uint64_t group_hash;
	bool has_access;
	struct hc_map_access access;
};

static void digest_stack(void *arg, struct hc_unwinder *u, const struct hc_goroutine *g,
			 const struct hc_stack *st, void *digest)
{
	const struct pass *p = arg;
	struct stack_digest *dg = digest;
	dg->group_hash = group_hash(g, st);
	if (p->a->crash)
		dg->has_access = hc_crash_analysis_find(p->a->crash, u, g, st, &dg->access);
}

static struct hc_error *visit_stack(void *arg, const struct hc_goroutine *g,
				    const struct hc_stack *st, const void *digest)
{
	struct pass *p = arg;
	const struct stack_digest *dg = digest;
	p->a->goroutines++;
	struct hc_error *err = NULL;
	if (dg->has_access)
		err = hc_crash_analysis_add(p->a->crash, &dg->access);
	return err ? err : add_to_group(p, g, st, dg->group_hash);
}

/* The pass without discovery (it could not run, or stopped early). */
static struct hc_error *visit_all(struct pass *p, const struct hc_target *t)
{
	struct hc_stack st;
	hc_stack_init(&st);
	struct hc_error *err = NULL;
	for (size_t i = 0; i < t->runtime->goroutines.size && !err; i++) {
		const struct hc_goroutine *g = &t->runtime->goroutines.data[i];
		if (hc_gstatus_is_dead(g->status))
			continue;
		hc_stack_reset(&st);
		err = hc_unwind_goroutine(p->a->unwinder, g, &st);
		if (!err) {
			struct stack_digest dg = {0};
			digest_stack(p, p->a->unwinder, g, &st, &dg);
			err = visit_stack(p, g, &st, &dg);
		}
	}
	hc_stack_deinit(&st);
	return err;
}

static void clear_pass(struct hc_analysis *a)
{
	for (size_t i = 0; i < a->groups.size; i++) {
		hc_stack_deinit(&a->groups.data[i].stack);
		hc_goroutine_ptr_vec_deinit(&a->groups.data[i].members);
	}
	a->groups.size = 0;
	a->goroutines = 0;
	if (a->crash)
		a->crash->accesses.size = 0;
}

/* Map type -> its layout in hc_analysis.infos. */
static inline uint64_t type_hash(const struct hc_type *t)
{
	return hc_hash_u64((uint64_t)(uintptr_t)t);
}

static inline bool type_eq(const struct hc_type *x, const struct hc_type *y)
{
	return x == y;
}

HC_DEFINE_HASH_MAP(type_infos, const struct hc_type *, const struct hc_map_info *, type_hash,
		   type_eq)

/*
 * The layout of map type @p type for a row: one per type, kept in
 * a->infos, as a core has a few map types and up to millions of maps (a
 * row with a copy of its own was 392 bytes more, 40 MB of page faults on
 * the 10^5 maps of the bench's large core). A type that does not resolve
 * is asked again for each row (its error is the row's).
 */
static struct hc_error *row_info(struct hc_analysis *a, struct type_infos *types,
				 const struct hc_type *type, const struct hc_map_info **ret)
{
	const struct hc_map_info **hit = type_infos_search(types, type);
	if (hit) {
		*ret = *hit;
		return NULL;
	}
	struct hc_map_info *mi = malloc(sizeof(*mi));
	if (!mi)
		return &hc_error_nomem;
	struct hc_error *err = hc_map_info_from_type(a->target, type, mi);
	bool existed;
	if (!err && (!hc_map_info_ptr_vec_append(&a->infos, &mi) ||
		     !type_infos_insert(types, type, mi, &existed))) {
		if (a->infos.size && a->infos.data[a->infos.size - 1] == mi)
			a->infos.size--;
		err = &hc_error_nomem;
	}
	if (err) {
		free(mi);
		return err;
	}
	*ret = mi;
	return NULL;
}

/*
 * The rows of every discovered map: layouts and headers here (they resolve
 * DWARF types lazily), the walks and validation in threads, then in row
 * order the aliases and the findings.
 */
static struct hc_error *analyze_rows(struct hc_analysis *a, struct early *early)
{
	const struct hc_target *t = a->target;
	const struct hc_discovery *d = a->discovery;
	struct hc_error *err = NULL;
	if (!hc_map_row_vec_reserve(&a->rows, d->maps.size))
		return &hc_error_nomem;
	struct map_job *jobs = calloc(d->maps.size ? d->maps.size : 1, sizeof(*jobs));
	size_t *alias_of = calloc(d->maps.size ? d->maps.size : 1, sizeof(*alias_of));
	if (!jobs || !alias_of) {
		free(jobs);
		free(alias_of);
		return &hc_error_nomem;
	}
	size_t njobs = 0;
	struct type_infos types;
	type_infos_init(&types);
	early_take_back(early);
	/* 1. Layouts and headers, here: they resolve DWARF types lazily. */
	for (size_t i = 0; i < d->maps.size; i++) {
		struct hc_map_row *row = hc_map_row_vec_append_entry(&a->rows);
		row->found = &d->maps.data[i];
		alias_of[i] = SIZE_MAX;
		const struct hc_found_map *m = row->found;
		if (!m->addr || m->sync_map)
			continue;
		err = row_info(a, &types, m->type, &row->info);
		if (err) {
			row->error = strdup(err->message);
			hc_error_destroy(err);
			err = NULL; /* the row's, not the analysis's */
			continue;
		}
		row->has_info = true;
		/* An alias takes its first row's header and stats instead of
		 * walking the same map again. */
		if (m->alias && m->first < i && a->rows.data[m->first].has_info) {
			alias_of[i] = m->first;
			continue;
		}
		err = hc_map_read_header(t->as, row->info, m->addr, &row->header);
		if (err) {
			row->error = strdup(err->message);
			hc_error_destroy(err);
			err = NULL;
			continue;
		}
		row->has_header = true;
		struct map_job *j = &jobs[njobs++];
		j->row = i;
		j->info = row->info;
		j->addr = m->addr;
		j->path = m->path;
		j->stats = &row->stats;
		j->has_stats = &row->has_stats;
		j->validate = !m->alias;
		j->stats_from_validation = j->validate && row->info->flavour != HC_MAPS_CLASSIC;
		j->write_in_flight = write_in_flight(a, m->addr);
		j->weight = row->header.count;
		hc_findings_init(&j->findings);
		struct early_job *x = early_for(early, i);
		if (x && x->job.addr == m->addr) {
			a->maps_early++;
			if (j->write_in_flight) {
				a->maps_early_redone++;
			} else {
				j->early = &x->job;
				j->weight = 0;
			}
		}
	}
	/* 2. Walk and validate every map: the bulk of the work, in threads;
	 * then the results of the maps walked early. */
	if (!err)
		err = run_map_jobs(a, jobs, njobs);
	early_join(early);
	for (size_t k = 0; k < njobs && !err; k++) {
		struct map_job *j = &jobs[k], *x = j->early;
		if (!x)
			continue;
		struct hc_map_row *row = &a->rows.data[j->row];
		row->has_stats = *x->has_stats;
		if (row->has_stats)
			row->stats = *x->stats;
		j->stats_error = x->stats_error;
		x->stats_error = NULL;
		j->findings = x->findings;
		hc_findings_init(&x->findings);
	}
	/* 3. In row order: aliases, findings. */
	for (size_t k = 0; k < njobs; k++) {
		struct map_job *j = &jobs[k];
		struct hc_map_row *row = &a->rows.data[j->row];
		if (j->stats_error) {
			row->error = j->stats_error;
			j->stats_error = NULL;
		}
		size_t before = a->findings.v.size;
		hc_findings_take(&a->findings, &j->findings);
		row->nfindings = a->findings.v.size - before;
		for (size_t f = before; f < a->findings.v.size; f++) {
			if (f == before || a->findings.v.data[f].severity > row->worst)
				row->worst = a->findings.v.data[f].severity;
		}
	}
	for (size_t i = 0; i < a->rows.size; i++) {
		if (alias_of[i] == SIZE_MAX)
			continue;
		struct hc_map_row *row = &a->rows.data[i];
		const struct hc_map_row *o = &a->rows.data[alias_of[i]];
		row->has_header = o->has_header;
		row->header = o->header;
		row->has_stats = o->has_stats;
		row->stats = o->stats;
		row->error = o->error ? strdup(o->error) : NULL;
	}
	type_infos_deinit(&types);
	free(jobs);
	free(alias_of);
	return err;
}

struct hc_error *hc_analyze(struct hc_target *t, struct hc_analysis **ret)
{
	struct hc_analysis *a = calloc(1, sizeof(*a));
	if (!a)
		return &hc_error_nomem;
	a->target = t;
	hc_map_row_vec_init(&a->rows);
	hc_map_info_ptr_vec_init(&a->infos);
	hc_findings_init(&a->findings);
	hc_note_vec_init(&a->notes);
	hc_completeness_init(&a->gaps);

	uint64_t expected, actual;
	if (hc_core_truncation(t->core, &expected, &actual))
		hc_findings_add(&a->findings, HC_FINDING_CORE_TRUNCATED, NULL, 0,
				"%" PRIu64 " of %" PRIu64 " bytes: what lies past the end is unknown",
				actual, expected);

	struct hc_error *err = hc_heap_create_target(t, &a->heap);
	if (err) {
		note_gap(a, "no heap index", err,
			 "heap objects unknown: maps reached only through the heap are not found, slices are not bounded by their objects");
		a->heap = NULL;
	}
	double t1 = hc_seconds_now();
	err = hc_unwinder_create_target(t, &a->unwinder);
	if (err) {
		note_gap(a, "no stacks", err,
			 "no goroutine stacks: no crash analysis, no maps found from stack frames");
		a->unwinder = NULL;
	} else if (t->runtime) {
		err = hc_crash_analysis_begin(t, &a->crash);
		if (err) {
			note_gap(a, "no crash analysis", err,
				 "the crash is not explained: no victim map, no goroutines inside map writes");
			a->crash = NULL;
		}
	}
	/* One pass over the goroutines: discovery unwinds each for its frame
	 * roots and hands the stack to the crash analysis and the groups. */
	err = NULL;
	struct pass *p = calloc(1, sizeof(*p));
	if (!p) {
		hc_analysis_destroy(a);
		return &hc_error_nomem;
	}
	p->a = a;
	group_index_init(&p->index);
	bool visited = false;
	struct hc_discover_options dopts = {.unwinder = a->unwinder,
					    .max_memory = walk_memory_setting()};
	struct early_arg ea = {.a = a, .min = early_min()};
	dopts.global_map = early_map;
	dopts.global_map_arg = &ea;
	if (a->unwinder && t->runtime) {
		dopts.visit_stack = visit_stack;
		dopts.digest_stack = digest_stack;
		dopts.digest_size = sizeof(struct stack_digest);
		dopts.visit_arg = p;
		dopts.visited_stacks = &visited;
	}
	struct hc_error *derr = hc_discover(t, a->heap, &dopts, &a->discovery);
	if (a->unwinder && t->runtime && !visited) {
		clear_pass(a);
		group_index_deinit(&p->index);
		group_index_init(&p->index);
		err = visit_all(p, t);
	}
	group_index_deinit(&p->index);
	free(p);
	if (err || derr) {
		early_destroy(ea.e);
		ea.e = NULL;
	}
	if (err) {
		hc_error_destroy(derr);
		hc_analysis_destroy(a);
		return err;
	}
	if (a->crash)
		hc_crash_analysis_end(a->crash);
	double t2 = hc_seconds_now();
	a->seconds_discover = t2 - t1;
	err = derr;
	if (err) {
		note_gap(a, "no map discovery", err,
			 "maps not searched: no map is listed, validated or checked");
		a->discovery = NULL;
		crash_findings(a);
		if (finish_findings(a)) {
			hc_analysis_destroy(a);
			return &hc_error_nomem;
		}
		gather_gaps(a);
		*ret = a;
		return NULL;
	}

	err = analyze_rows(a, ea.e);
	early_destroy(ea.e);
	if (err) {
		hc_analysis_destroy(a);
		return err;
	}
	a->seconds_maps = hc_seconds_now() - t2;
	slice_findings(a);
	crash_findings(a);
	if (finish_findings(a)) {
		hc_analysis_destroy(a);
		return &hc_error_nomem;
	}
	gather_gaps(a);
	*ret = a;
	return NULL;
}

struct hc_error *hc_analyze_global_map(struct hc_target *t, const char *name,
				       struct hc_analysis **ret)
{
	uint64_t var;
	const struct hc_type *type;
	if (!t->dwarf)
		return hc_error_create(HC_ERROR_NOT_FOUND, "no DWARF");
	/* A global, or a field of one (through pointers). */
	struct hc_error *err = strpbrk(name, "[ ")
		? hc_error_create(HC_ERROR_NOT_FOUND, "%s is not a path of fields", name)
		: hc_resolve_global_path(t, name, &var, &type);
	if (err && err->code == HC_ERROR_INVALID_ARG) {
		hc_error_destroy(err);
		return hc_error_create(HC_ERROR_NOT_FOUND, "%s is not a map", name);
	}
	if (err)
		return err;
	uint64_t map_addr;
	err = hc_aspace_read_u64(t->as, var, &map_addr);
	if (err)
		return err;
	struct hc_analysis *a = calloc(1, sizeof(*a));
	struct hc_discovery *d = calloc(1, sizeof(*d));
	if (!a || !d) {
		free(a);
		free(d);
		return &hc_error_nomem;
	}
	a->target = t;
	hc_map_row_vec_init(&a->rows);
	hc_map_info_ptr_vec_init(&a->infos);
	hc_findings_init(&a->findings);
	hc_note_vec_init(&a->notes);
	hc_completeness_init(&a->gaps);
	a->discovery = d;
	hc_found_map_vec_init(&d->maps);
	hc_torn_slice_vec_init(&d->torn);
	struct hc_found_map m = {.path = strdup(name), .addr = map_addr, .slot_addr = var,
				 .type = type, .root = HC_ROOT_GLOBAL};
	if (!m.path || !hc_found_map_vec_append(&d->maps, &m)) {
		free(m.path);
		hc_analysis_destroy(a);
		return &hc_error_nomem;
	}
	err = hc_heap_create_target(t, &a->heap);
	if (err) {
		note_gap(a, "no heap index", err,
			 "heap objects unknown: maps reached only through the heap are not found, slices are not bounded by their objects");
		a->heap = NULL;
	}
	/* The goroutines matter to one map only when the process died of a
	 * concurrent map access: then unwind them for its writers. */
	if (t->runtime) {
		err = hc_crash_analysis_begin(t, &a->crash);
		if (!err && hc_crash_is_concurrent(a->crash->kind)) {
			hc_crash_analysis_destroy(a->crash);
			a->crash = NULL;
			err = hc_unwinder_create_target(t, &a->unwinder);
			if (!err)
				err = hc_crash_analyze(t, a->unwinder, &a->crash);
		}
		if (err) {
			note_gap(a, "no crash analysis", err,
				 "the crash is not explained: no victim map, no goroutines inside map writes");
			a->crash = NULL;
		}
	}
	err = analyze_rows(a, NULL);
	if (!err) {
		crash_findings(a);
		err = finish_findings(a);
	}
	if (err) {
		hc_analysis_destroy(a);
		return err;
	}
	gather_gaps(a);
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
	for (size_t i = 0; i < a->infos.size; i++)
		free(a->infos.data[i]);
	hc_map_info_ptr_vec_deinit(&a->infos);
	hc_findings_deinit(&a->findings);
	for (size_t i = 0; i < a->notes.size; i++)
		free(a->notes.data[i]);
	hc_note_vec_deinit(&a->notes);
	hc_completeness_deinit(&a->gaps);
	clear_pass(a);
	hc_goroutine_group_vec_deinit(&a->groups);
	free(a->by_path);
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

const char *hc_analysis_unnamed(const struct hc_analysis *a)
{
	if (!a->target->dwarf)
		return "unnamed: no DWARF to name it";
	return "not reached from a global, a live stack variable or a runtime root";
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
