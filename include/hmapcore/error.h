/**
 * @file error.h
 * Error values (layer L0, util).
 *
 * A function that can fail returns `struct hc_error *`; NULL means success.
 * The caller owns a returned error and releases it with hc_error_destroy().
 * Out-of-memory is the static ::hc_error_nomem, which allocates nothing and
 * which hc_error_destroy() ignores.
 *
 * Bad target data (a pointer to unmapped memory, an impossible count) is not
 * a tool failure: decoders return HC_ERROR_FAULT (with the address) or
 * HC_ERROR_BAD_DATA, and the analyses above turn those into findings.
 */
#ifndef HMAPCORE_ERROR_H
#define HMAPCORE_ERROR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

/** Error codes with their short names: one table, so the two never disagree. */
#define HC_ERROR_CODES(X)                                   \
	X(NOMEM, "out of memory")                           \
	X(OS, "operating system error")                     \
	X(ELF, "ELF error")                                 \
	X(DWARF, "DWARF error")                             \
	X(FAULT, "memory not in the core")                  \
	X(BAD_DATA, "bad data")                             \
	X(UNSUPPORTED, "unsupported")                       \
	X(NOT_FOUND, "not found")                           \
	X(INVALID_ARG, "invalid argument")

enum hc_error_code {
#define HC_X(name, text) HC_ERROR_##name,
	HC_ERROR_CODES(HC_X)
#undef HC_X
};

struct hc_error {
	enum hc_error_code code;
	/** For HC_ERROR_FAULT: the target address that could not be read. */
	uint64_t address;
	/** For HC_ERROR_OS: the errno value, else 0. */
	int errnum;
	/** Human-readable message, never NULL. */
	char *message;
	/** False only for static errors (::hc_error_nomem). */
	bool dynamic;
};

/** The static out-of-memory error. */
extern struct hc_error hc_error_nomem;

/** Create an error with a printf-style message. Never returns NULL. */
struct hc_error *hc_error_create(enum hc_error_code code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** Like hc_error_create() with a va_list. */
struct hc_error *hc_error_createv(enum hc_error_code code, const char *fmt,
				  va_list ap);

/** A FAULT error for @p address; the message gets ": 0x<address>" appended. */
struct hc_error *hc_error_fault(uint64_t address, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** An OS error: the message gets ": strerror(errnum)" appended. */
struct hc_error *hc_error_os(int errnum, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** An ELF error: the message gets ": elf_errmsg(-1)" appended. */
struct hc_error *hc_error_elf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/** A DWARF error: the message gets ": dwarf_errmsg(-1)" appended. */
struct hc_error *hc_error_dwarf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/**
 * Prefix the message of @p err with context ("reading runtime.allgs: ...").
 * Takes ownership of @p err and returns it (or ::hc_error_nomem). NULL in,
 * NULL out.
 */
struct hc_error *hc_error_prefix(struct hc_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** Release an error. Accepts NULL and ::hc_error_nomem. */
void hc_error_destroy(struct hc_error *err);

/** The short name of an error code ("memory not in the core"). */
const char *hc_error_code_text(enum hc_error_code code);

#endif /* HMAPCORE_ERROR_H */
