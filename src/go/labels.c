/* pprof labels: see include/hmapcore/labels.h. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "hmapcore/labels.h"
#include "hmapcore/maps.h"
#include "hmapcore/strbuf.h"

enum { MAX_LABELS = 4096, MAX_LABEL_BYTES = 4096 };

/* A Go string header at @p addr: its bytes, NUL-terminated, and length. */
static struct hc_error *read_str(const struct hc_aspace *as, uint64_t addr,
				 size_t *len_ret,
				 char **ret)
{
	uint64_t ptr, len;
	struct hc_error *err = hc_aspace_read_u64(as, addr, &ptr);
	if (!err)
		err = hc_aspace_read_u64(as, addr + 8, &len);
	if (err)
		return err;
	if (len > MAX_LABEL_BYTES)
		return hc_error_create(HC_ERROR_BAD_DATA, "label of %llu bytes",
				       (unsigned long long)len);
	char *raw = NULL;
	if (len) {
		err = hc_aspace_read_bytes(as, ptr, len, MAX_LABEL_BYTES, &raw);
		if (err)
			return err;
	} else if (!(raw = strdup(""))) {
		return &hc_error_nomem;
	}
	*len_ret = (size_t)len;
	*ret = raw;
	return NULL;
}

static struct hc_error *add(const struct hc_aspace *as, uint64_t key_addr,
			    uint64_t value_addr, struct hc_label_vec *v)
{
	if (v->size >= MAX_LABELS)
		return hc_error_create(HC_ERROR_BAD_DATA, "more than %d labels", MAX_LABELS);
	struct hc_label l = {0};
	struct hc_error *err = read_str(as, key_addr, &l.key_len, &l.key);
	if (!err)
		err = read_str(as, value_addr, &l.value_len, &l.value);
	if (!err && !hc_label_vec_append(v, &l))
		err = &hc_error_nomem;
	if (err) {
		free(l.key);
		free(l.value);
	}
	return err;
}

struct hc_error *hc_goroutine_labels(const struct hc_target *t,
				     const struct hc_goroutine *g,
				     struct hc_label_vec *ret)
{
	if (!g->labels)
		return NULL;
	struct hc_error *err;
	if (t->go_major == 1 && t->go_minor <= 23) {
		/* labelMap is a map[string]string; g.labels points at it. */
		uint64_t map;
		err = hc_aspace_read_u64(t->as, g->labels, &map);
		if (err || !map)
			return err;
		const struct hc_type *mt;
		if (!t->dwarf)
			return hc_error_create(HC_ERROR_NOT_FOUND, "no DWARF for map[string]string");
		err = hc_dwarf_find_type(t->dwarf, "map[string]string", &mt);
		if (err)
			return err;
		struct hc_map_info mi;
		err = hc_map_info_from_type(t, mt, &mi);
		if (err)
			return err;
		struct hc_map_iter it;
		err = hc_map_iter_init(&it, t->as, &mi, map);
		bool done = false;
		while (!err && !done) {
			uint64_t k, v;
			err = hc_map_iter_next(&it, &k, &v, &done);
			if (!err && !done)
				err = add(t->as, k, v, ret);
		}
		hc_map_iter_deinit(&it);
		return err;
	}
	/* A struct whose first word is the slice of {key, value string}. */
	uint64_t ptr, len;
	err = hc_aspace_read_u64(t->as, g->labels, &ptr);
	if (!err)
		err = hc_aspace_read_u64(t->as, g->labels + 8, &len);
	if (err)
		return err;
	if (len > MAX_LABELS)
		return hc_error_create(HC_ERROR_BAD_DATA, "label set of %llu entries",
				       (unsigned long long)len);
	for (uint64_t i = 0; i < len && !err; i++)
		err = add(t->as, ptr + 32 * i, ptr + 32 * i + 16, ret);
	return err;
}

void hc_labels_deinit(struct hc_label_vec *v)
{
	for (size_t i = 0; i < v->size; i++) {
		free(v->data[i].key);
		free(v->data[i].value);
	}
	hc_label_vec_deinit(v);
}
