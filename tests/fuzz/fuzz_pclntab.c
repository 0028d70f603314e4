/*
 * Fuzz harness 3: the pclntab reader (src/go/pclntab.c). The input is a
 * table (from its header); its first 8 bytes, when the input is long
 * enough, also give the text start to pass (0 = from the header) and a few
 * PCs to look up. Every function up to a bound is decoded with its name,
 * file:line, pcsp, pcdata and funcdata; lookups by PC and by name.
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "hmapcore/pclntab.h"

static volatile uint64_t sink;

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void func_details(struct hc_pclntab *t, const struct hc_func *f,
			 uint64_t pc)
{
	int32_t v;
	const char *file;
	struct hc_error *err = hc_pclntab_pcsp(t, f, pc, &v);
	sink += err ? 0 : (uint64_t)v;
	hc_error_destroy(err);
	err = hc_pclntab_line(t, f, pc, &file, &v);
	if (!err)
		sink += strlen(file) + (uint64_t)v;
	hc_error_destroy(err);
	for (uint32_t k = 0; k < 4; k++) {
		err = hc_pclntab_pcdata(t, f, k, pc, &v);
		sink += err ? 0 : (uint64_t)v;
		hc_error_destroy(err);
		uint32_t off;
		err = hc_pclntab_funcdata(t, f, k, &off);
		sink += err ? 0 : off;
		hc_error_destroy(err);
	}
	err = hc_pclntab_pcvalue(t, f, f->pcln, pc, &v);
	hc_error_destroy(err);
	const char *name;
	err = hc_pclntab_name_at(t, (int32_t)v, &name);
	if (!err)
		sink += strlen(name);
	hc_error_destroy(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	// A table with a leading word: the text start (when the flag bit of
	// the first byte is set) and PCs to look up.
	uint64_t text = 0, word = 0;
	if (size >= 9 && data[0] == 0xa5) {
		word = le64(data + 1);
		text = (word & 1) ? word & ~(uint64_t)0xfff : 0;
		data += 9;
		size -= 9;
	}
	struct hc_pclntab *t;
	struct hc_error *err = hc_pclntab_create(data, size, text, &t);
	if (err) {
		hc_error_destroy(err);
		return 0;
	}
	sink += hc_pclntab_magic(t) + hc_pclntab_quantum(t) +
		hc_pclntab_ptr_size(t) + hc_pclntab_text_start(t);
	size_t n = hc_pclntab_num_funcs(t);
	struct hc_func f;
	const char *first = NULL;
	for (size_t i = 0; i < n && i < 256; i++) {
		err = hc_pclntab_func_at(t, i, &f);
		if (err) {
			hc_error_destroy(err);
			continue;
		}
		if (!first)
			first = f.name;
		sink += strlen(f.name);
		func_details(t, &f, f.entry);
		func_details(t, &f, f.end - 1);
		func_details(t, &f, f.entry + (f.end - f.entry) / 2);
		struct hc_func g;
		err = hc_pclntab_find_func(t, f.entry, &g);
		hc_error_destroy(err);
	}
	uint64_t base = hc_pclntab_text_start(t);
	uint64_t pcs[] = { base, base + (word & 0xffff), base + (word >> 48),
			   word, base - 1, UINT64_MAX };
	for (size_t i = 0; i < sizeof(pcs) / sizeof(pcs[0]); i++) {
		err = hc_pclntab_find_func(t, pcs[i], &f);
		if (!err)
			func_details(t, &f, pcs[i]);
		hc_error_destroy(err);
	}
	const char *names[] = { first ? first : "main.main", "runtime.main",
				"" };
	for (size_t i = 0; i < 3; i++) {
		err = hc_pclntab_find_func_by_name(t, names[i], &f);
		hc_error_destroy(err);
	}
	hc_pclntab_destroy(t);
	return 0;
}
