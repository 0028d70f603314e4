/**
 * @file strbuf.h
 * A growable string builder (layer L0, util).
 *
 * Invariant: after any successful append, `str` is NUL-terminated (or NULL
 * while nothing has been appended). Appends return false on out-of-memory
 * and leave the builder as it was.
 */
#ifndef HMAPCORE_STRBUF_H
#define HMAPCORE_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hc_strbuf {
	char *str;
	size_t len;
	size_t cap;
};

/** Initialise an empty builder in caller storage. */
void hc_strbuf_init(struct hc_strbuf *sb);
/** Free the builder's memory. */
void hc_strbuf_deinit(struct hc_strbuf *sb);
/** Make sure @p extra more bytes (plus a NUL) fit. */
bool hc_strbuf_reserve(struct hc_strbuf *sb, size_t extra);
/** Append @p n bytes. */
bool hc_strbuf_append(struct hc_strbuf *sb, const char *s, size_t n);
/** Append a NUL-terminated string. */
bool hc_strbuf_appends(struct hc_strbuf *sb, const char *s);
/** Append one character. */
bool hc_strbuf_appendc(struct hc_strbuf *sb, char c);
/** Append printf-style. */
bool hc_strbuf_appendf(struct hc_strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
bool hc_strbuf_appendv(struct hc_strbuf *sb, const char *fmt, va_list ap);
/** Append @p v in decimal, as "%" PRIu64 (without printf: hot paths). */
bool hc_strbuf_append_u64(struct hc_strbuf *sb, uint64_t v);
/** Append @p v in decimal, as "%" PRId64. */
bool hc_strbuf_append_i64(struct hc_strbuf *sb, int64_t v);
/** Append "0x" and @p v in lowercase hex, as "0x%" PRIx64. */
bool hc_strbuf_append_hex(struct hc_strbuf *sb, uint64_t v);
/**
 * Append untrusted bytes (from the core) so that a terminal shows them
 * inert: printable ASCII as is, `\\`, `"` escaped, control bytes and
 * non-printable bytes as Go-style escapes (`\n`, `\t`, `\x1b`), valid UTF-8
 * sequences of printable characters kept.
 */
bool hc_strbuf_append_escaped(struct hc_strbuf *sb, const char *s, size_t n);
/**
 * Append a message that may hold untrusted bytes (a path, a name from the
 * core) so that a terminal shows it inert: as hc_strbuf_append_escaped(),
 * but '\\' and '"' kept as they are (the message is not shown quoted).
 */
bool hc_strbuf_append_inert(struct hc_strbuf *sb, const char *s);
/** Empty the builder, keeping its memory. */
void hc_strbuf_reset(struct hc_strbuf *sb);
/** Whether hc_strbuf_append_escaped() keeps @p s as it is but for its
 * quotes and backslashes: printable ASCII and printable UTF-8 only. */
bool hc_str_printable(const char *s, size_t n);
/**
 * Take the string (never NULL: "" when empty); the caller owns it and the
 * builder is left empty. Returns NULL on out-of-memory.
 */
char *hc_strbuf_steal(struct hc_strbuf *sb);

#endif /* HMAPCORE_STRBUF_H */
