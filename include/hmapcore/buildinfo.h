/**
 * @file buildinfo.h
 * Go build information (layer L3, go).
 *
 * Parses the `.go.buildinfo` blob (src/debug/buildinfo/buildinfo.go,
 * go1.18+: 16-byte-aligned magic "\xff Go buildinf:", pointer size, flags,
 * then two uvarint-prefixed strings: the Go version and the module info).
 * The pre-1.18 pointer form is read through a callback when the caller can
 * read target memory. The module info gives the main path and the
 * `build\t` settings (GOARCH, GOOS, GOEXPERIMENT, CGO_ENABLED, -ldflags...).
 */
#ifndef HMAPCORE_BUILDINFO_H
#define HMAPCORE_BUILDINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmapcore/error.h"

struct hc_buildinfo_setting {
	char *key;
	char *value;
};

struct hc_buildinfo {
	/** "go1.23.12", possibly with " X:noswissmap" appended. */
	char *version;
	/** Raw module info text (sentinels removed), may be "". */
	char *modinfo;
	/** Main package path ("path\t..." line), or NULL. */
	char *path;
	/** `build` settings in order. */
	struct hc_buildinfo_setting *settings;
	size_t num_settings;
	unsigned ptr_size;
	bool big_endian;
};

/**
 * Reader for the pre-1.18 form, where the header holds pointers to string
 * headers in the target; may be NULL (then that form is UNSUPPORTED).
 */
typedef struct hc_error *hc_buildinfo_read_fn(void *arg, uint64_t addr,
					      void *buf, size_t len);

/**
 * Parse a `.go.buildinfo` section (or a writable segment to scan for the
 * magic: the magic is searched at 16-byte alignment).
 * @param[out] ret owned by the caller (hc_buildinfo_destroy()).
 * @return NULL; NOT_FOUND (no magic); BAD_DATA; UNSUPPORTED.
 */
struct hc_error *hc_buildinfo_parse(const uint8_t *data, size_t size,
				    hc_buildinfo_read_fn *read, void *arg,
				    struct hc_buildinfo **ret);
void hc_buildinfo_destroy(struct hc_buildinfo *bi);

/** A build setting's value ("GOARCH"), or NULL. Borrowed. */
const char *hc_buildinfo_setting(const struct hc_buildinfo *bi,
				 const char *key);

/**
 * Parse "go1.23.12" / "go1.24rc1" / "devel go1.25-abcdef ..." into major and
 * minor (1, 23); false when it does not start with a Go version.
 */
bool hc_go_version_parse(const char *version, int *major_ret, int *minor_ret,
			 int *patch_ret);

#endif /* HMAPCORE_BUILDINFO_H */
