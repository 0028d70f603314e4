/**
 * @file findings.h
 * Findings: what is broken in the target, with a stable code (layer L4,
 * analysis).
 *
 * Every code has a severity, a one-line text and a remedy, kept in one
 * table (HC_FINDING_CODES) so they never disagree. A finding adds the
 * addresses it concerns, a message with the specifics, and the path of the
 * value (map, slice) it is about when known.
 */
#ifndef HMAPCORE_FINDINGS_H
#define HMAPCORE_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmapcore/vector.h"

enum hc_severity {
	HC_SEVERITY_INFO,
	HC_SEVERITY_WARNING,
	HC_SEVERITY_ERROR,
};

/** "info", "warning", "error". */
const char *hc_severity_name(enum hc_severity s);
/** Parse a severity name; false when unknown. */
bool hc_severity_parse(const char *s, enum hc_severity *ret);

/* X(ENUM, "code", severity, "text", "remedy") */
#define HC_FINDING_CODES(X)                                                    \
	X(FATAL, "fatal", ERROR, "the process died",                          \
	  "read the crashing goroutine's stack; the findings below say what "  \
	  "the maps looked like")                                              \
	X(MAP_CONCURRENT, "map-concurrent-write", ERROR,                       \
	  "goroutines wrote a map concurrently",                               \
	  "guard the map with a sync.Mutex or sync.RWMutex, use sync.Map, or " \
	  "give each goroutine its own map")                                   \
	X(MAP_NIL_WRITE, "map-nil-write", ERROR,                              \
	  "a write to a nil map panicked",                                     \
	  "make the map (make(map[K]V)) before writing to it")                 \
	X(MAP_NIL_BUCKETS, "map-nil-buckets", ERROR,                          \
	  "the map counts entries but has no buckets or groups",               \
	  "memory corruption or a torn write: look for unsynchronised access") \
	X(MAP_WRITING, "map-writing", WARNING,                                 \
	  "the map's writing flag is set: a write was in progress",            \
	  "weak evidence (the runtime toggles the flag): look for goroutines " \
	  "inside a map write")                                                \
	X(MAP_COUNT, "map-count", ERROR,                                       \
	  "the map's count disagrees with its occupied slots",                 \
	  "a write was torn or memory is corrupt: look for unsynchronised "    \
	  "writers")                                                           \
	X(MAP_TOPHASH, "map-tophash", ERROR,                                   \
	  "a bucket holds a tophash value the runtime never writes there",     \
	  "memory corruption in the bucket array")                             \
	X(MAP_CTRL, "map-ctrl", ERROR,                                         \
	  "a group holds a control byte the runtime never writes",             \
	  "memory corruption in the group array")                              \
	X(MAP_OVERFLOW_CYCLE, "map-overflow-cycle", ERROR,                     \
	  "an overflow chain loops or is longer than possible",                \
	  "memory corruption of overflow pointers")                            \
	X(MAP_BAD_POINTER, "map-bad-pointer", ERROR,                           \
	  "a map pointer points outside mapped memory or a live heap object",  \
	  "memory corruption, a use after free, or a torn write")              \
	X(MAP_GROWTH, "map-growth", ERROR,                                     \
	  "the map's growth state contradicts itself",                         \
	  "memory corruption or a torn write during growth")                   \
	X(MAP_DIRECTORY, "map-directory", ERROR,                               \
	  "the map's directory and tables disagree",                           \
	  "memory corruption or a torn write during a table split")            \
	X(MAP_NOVERFLOW, "map-noverflow", WARNING,                             \
	  "noverflow disagrees with the overflow buckets found",               \
	  "a torn write or memory corruption")                                 \
	X(MAP_OVERSIZED, "map-oversized", INFO,                                \
	  "the map holds far less than its table size (maps never shrink)",    \
	  "copy the live entries into a new map to give the memory back")      \
	X(SLICE_NIL_MAP, "slice-nil-map", ERROR,                               \
	  "a slice of maps holds a nil map",                                   \
	  "make every element (for i := range s { s[i] = make(map[K]V) }) or " \
	  "check for nil before writing")                                      \
	X(SLICE_TORN, "slice-torn", ERROR,                                     \
	  "a slice header cannot be real",                                     \
	  "a data race on the slice variable, or unsafe code writing it")      \
	X(CORE_TRUNCATED, "core-truncated", WARNING,                           \
	  "the core is shorter than its headers say",                          \
	  "raise the core size limit (ulimit -c, systemd-coredump "            \
	  "ProcessSizeMax) and capture again")

enum hc_finding_code {
#define HC_X(e, code, sev, text, remedy) HC_FINDING_##e,
	HC_FINDING_CODES(HC_X)
#undef HC_X
	HC_FINDING_NUM_CODES,
};

/** The stable code ("map-count"). */
const char *hc_finding_code_name(enum hc_finding_code c);
enum hc_severity hc_finding_code_severity(enum hc_finding_code c);
const char *hc_finding_code_text(enum hc_finding_code c);
const char *hc_finding_code_remedy(enum hc_finding_code c);

enum { HC_FINDING_MAX_ADDRS = 4 };

struct hc_finding {
	enum hc_finding_code code;
	enum hc_severity severity;
	/** The specifics (owned). */
	char *message;
	/** The path of the value concerned (owned), or NULL. */
	char *path;
	/** Addresses concerned, most specific first. */
	uint64_t addrs[HC_FINDING_MAX_ADDRS];
	unsigned naddrs;
	/** Goroutines concerned (e.g. the writers of a concurrent write). */
	uint64_t goids[8];
	unsigned ngoids;
	/** Order of addition (keeps sorting stable). */
	size_t seq;
};

HC_DEFINE_VECTOR(hc_finding_vec, struct hc_finding)

struct hc_findings {
	struct hc_finding_vec v;
	bool nomem;
};

void hc_findings_init(struct hc_findings *f);
void hc_findings_deinit(struct hc_findings *f);

/**
 * Add a finding with a printf message; @p path may be NULL. Returns the
 * finding (to add addresses/goroutines), NULL on out-of-memory (recorded
 * in f->nomem).
 */
struct hc_finding *hc_findings_add(struct hc_findings *f,
				   enum hc_finding_code code, const char *path,
				   uint64_t addr, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

void hc_finding_add_addr(struct hc_finding *f, uint64_t addr);
void hc_finding_add_goid(struct hc_finding *f, uint64_t goid);

/** Move the findings of @p src to the end of @p dst, in order (their
 * seq renumbered), and free @p src. */
void hc_findings_take(struct hc_findings *dst, struct hc_findings *src);

/** Sort by severity (errors first), then code, then path, stable. */
void hc_findings_sort(struct hc_findings *f);

/** Count of findings at or above @p min. */
size_t hc_findings_count(const struct hc_findings *f, enum hc_severity min);

#endif /* HMAPCORE_FINDINGS_H */
