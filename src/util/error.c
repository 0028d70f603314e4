/* Error values: see include/hmapcore/error.h. */
#include "config.h"

#include <elfutils/libdw.h>
#include <errno.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmapcore/error.h"

struct hc_error hc_error_nomem = {
	.code = HC_ERROR_NOMEM,
	.message = "out of memory",
	.dynamic = false,
};

const char *hc_error_code_text(enum hc_error_code code)
{
	switch (code) {
#define HC_X(name, text) case HC_ERROR_##name: return text;
	HC_ERROR_CODES(HC_X)
#undef HC_X
	}
	return "unknown error";
}

struct hc_error *hc_error_createv(enum hc_error_code code, const char *fmt,
				  va_list ap)
{
	if (code == HC_ERROR_NOMEM)
		return &hc_error_nomem;
	struct hc_error *err = calloc(1, sizeof(*err));
	if (!err)
		return &hc_error_nomem;
	if (vasprintf(&err->message, fmt, ap) < 0) {
		free(err);
		return &hc_error_nomem;
	}
	err->code = code;
	err->dynamic = true;
	return err;
}

struct hc_error *hc_error_create(enum hc_error_code code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct hc_error *err = hc_error_createv(code, fmt, ap);
	va_end(ap);
	return err;
}

/* Append ": suffix" to a fresh error's message. */
static struct hc_error *append(struct hc_error *err, const char *suffix)
{
	if (!err->dynamic)
		return err;
	char *m;
	if (asprintf(&m, "%s: %s", err->message, suffix) < 0) {
		hc_error_destroy(err);
		return &hc_error_nomem;
	}
	free(err->message);
	err->message = m;
	return err;
}

struct hc_error *hc_error_fault(uint64_t address, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct hc_error *err = hc_error_createv(HC_ERROR_FAULT, fmt, ap);
	va_end(ap);
	if (!err->dynamic)
		return err;
	err->address = address;
	char buf[32];
	snprintf(buf, sizeof(buf), "0x%" PRIx64, address);
	return append(err, buf);
}

struct hc_error *hc_error_os(int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct hc_error *err = hc_error_createv(HC_ERROR_OS, fmt, ap);
	va_end(ap);
	if (!err->dynamic)
		return err;
	err->errnum = errnum;
	return append(err, strerror(errnum));
}

struct hc_error *hc_error_elf(const char *fmt, ...)
{
	const char *msg = elf_errmsg(-1);
	va_list ap;
	va_start(ap, fmt);
	struct hc_error *err = hc_error_createv(HC_ERROR_ELF, fmt, ap);
	va_end(ap);
	return append(err, msg ? msg : "unknown libelf error");
}

struct hc_error *hc_error_dwarf(const char *fmt, ...)
{
	const char *msg = dwarf_errmsg(-1);
	va_list ap;
	va_start(ap, fmt);
	struct hc_error *err = hc_error_createv(HC_ERROR_DWARF, fmt, ap);
	va_end(ap);
	return append(err, msg ? msg : "unknown libdw error");
}

struct hc_error *hc_error_prefix(struct hc_error *err, const char *fmt, ...)
{
	if (!err || !err->dynamic)
		return err;
	va_list ap;
	va_start(ap, fmt);
	char *prefix;
	int r = vasprintf(&prefix, fmt, ap);
	va_end(ap);
	if (r < 0) {
		hc_error_destroy(err);
		return &hc_error_nomem;
	}
	char *m;
	r = asprintf(&m, "%s: %s", prefix, err->message);
	free(prefix);
	if (r < 0) {
		hc_error_destroy(err);
		return &hc_error_nomem;
	}
	free(err->message);
	err->message = m;
	return err;
}

void hc_error_destroy(struct hc_error *err)
{
	if (!err || !err->dynamic)
		return;
	free(err->message);
	free(err);
}
