/*
 * Fuzz harness 5: Go build info (src/go/buildinfo.c). The input is a
 * `.go.buildinfo` section or a segment to scan; the pre-1.18 pointer form
 * reads "target memory" from the input itself (address = offset), so the
 * string headers it points at are fuzzed too.
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "hmapcore/buildinfo.h"

static volatile uint64_t sink;

struct input {
	const uint8_t *data;
	size_t size;
};

static struct hc_error *read_input(void *arg, uint64_t addr, void *buf,
				   size_t len)
{
	const struct input *in = arg;
	if (addr > in->size || len > in->size - addr)
		return hc_error_fault(addr, "fuzz input: address not mapped");
	memcpy(buf, in->data + addr, len);
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	struct hc_buildinfo *bi;
	struct hc_error *err = hc_buildinfo_parse(data, size, read_input, &in,
						  &bi);
	if (err) {
		hc_error_destroy(err);
	} else {
		sink += strlen(bi->version) + strlen(bi->modinfo);
		if (bi->path)
			sink += strlen(bi->path);
		for (size_t i = 0; i < bi->num_settings; i++)
			sink += strlen(bi->settings[i].key) +
				strlen(bi->settings[i].value);
		const char *v = hc_buildinfo_setting(bi, "GOARCH");
		if (v)
			sink += strlen(v);
		int major, minor, patch;
		if (hc_go_version_parse(bi->version, &major, &minor, &patch))
			sink += (uint64_t)(major + minor + patch);
		hc_buildinfo_destroy(bi);
	}
	// Without a reader, and the version parser on the raw bytes.
	err = hc_buildinfo_parse(data, size, NULL, NULL, &bi);
	if (!err)
		hc_buildinfo_destroy(bi);
	hc_error_destroy(err);
	char text[64];
	size_t n = size < sizeof(text) - 1 ? size : sizeof(text) - 1;
	memcpy(text, data, n);
	text[n] = 0;
	int major, minor, patch;
	sink += hc_go_version_parse(text, &major, &minor, &patch);
	return 0;
}
