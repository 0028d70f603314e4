/**
 * @file labels.h
 * pprof labels of a goroutine (layer L3, go).
 *
 * `g.labels` points at the runtime/pprof labelMap (src/runtime/pprof/
 * label.go): a `map[string]string` up to go1.23; from go1.24 a struct
 * holding a sorted slice of {key, value string} pairs (`LabelSet.list`,
 * go1.24-1.25; `label.Set.List`, go1.26+), the same memory shape.
 */
#ifndef HMAPCORE_LABELS_H
#define HMAPCORE_LABELS_H

#include "hmapcore/error.h"
#include "hmapcore/runtime.h"
#include "hmapcore/target.h"
#include "hmapcore/vector.h"

struct hc_label {
	/** The bytes as in the core (untrusted: escape them for output),
	 * malloc'd and NUL-terminated; they may hold NULs, so use the lengths. */
	char *key;
	char *value;
	size_t key_len, value_len;
};

HC_DEFINE_VECTOR(hc_label_vec, struct hc_label)

/**
 * Read the labels of @p g into @p ret (which the caller initialised; left
 * empty when the goroutine has none).
 * @return NULL; FAULT / BAD_DATA when the label set cannot be read;
 * NOT_FOUND when the map type is missing from DWARF (go1.23 and older).
 */
struct hc_error *hc_goroutine_labels(const struct hc_target *t,
				     const struct hc_goroutine *g,
				     struct hc_label_vec *ret);

/** Free the labels and empty the vector. */
void hc_labels_deinit(struct hc_label_vec *v);

#endif /* HMAPCORE_LABELS_H */
