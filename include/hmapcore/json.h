/**
 * @file json.h
 * A streaming JSON writer (layer L5, report).
 *
 * Keys come out in the order the caller writes them, so reports have a
 * stable key order. Strings are escaped per RFC 8259; bytes that are not
 * valid UTF-8 become U+FFFD, so the output is always valid JSON. Addresses
 * are written as "0x..." strings (JSON numbers lose precision past 2^53).
 * Out-of-memory is sticky: hc_json_failed() tells at the end.
 */
#ifndef HMAPCORE_JSON_H
#define HMAPCORE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmapcore/strbuf.h"

enum { HC_JSON_MAX_DEPTH = 64 };

struct hc_json {
	struct hc_strbuf *out;
	bool pretty;
	bool failed;
	int depth;
	/** Per level: nothing written yet at this level. */
	bool empty[HC_JSON_MAX_DEPTH];
	/** A key was just written: the value follows without a comma. */
	bool after_key;
};

void hc_json_init(struct hc_json *j, struct hc_strbuf *out, bool pretty);
void hc_json_object_begin(struct hc_json *j);
void hc_json_object_end(struct hc_json *j);
void hc_json_array_begin(struct hc_json *j);
void hc_json_array_end(struct hc_json *j);
void hc_json_key(struct hc_json *j, const char *key);
/** A key of @p n bytes (they may hold NULs). */
void hc_json_key_n(struct hc_json *j, const char *key, size_t n);
void hc_json_string(struct hc_json *j, const char *s);
void hc_json_string_n(struct hc_json *j, const char *s, size_t n);
void hc_json_u64(struct hc_json *j, uint64_t v);
void hc_json_i64(struct hc_json *j, int64_t v);
/** A number with three decimals ("0.500"), locale-independent output of
 * printf's C locale; NaN and infinities are written as 0. */
void hc_json_fixed3(struct hc_json *j, double v);
void hc_json_bool(struct hc_json *j, bool v);
void hc_json_null(struct hc_json *j);
/** "0x1f" */
void hc_json_hex(struct hc_json *j, uint64_t v);
/** Whether anything failed (out of memory, depth). */
bool hc_json_failed(const struct hc_json *j);

#endif /* HMAPCORE_JSON_H */
