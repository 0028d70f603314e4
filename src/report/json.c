/* JSON writer: see include/hmapcore/json.h. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "hmapcore/json.h"

void hc_json_init(struct hc_json *j, struct hc_strbuf *out, bool pretty)
{
	j->out = out;
	j->pretty = pretty;
	j->failed = false;
	j->depth = 0;
	j->empty[0] = true;
	j->after_key = false;
}

static void put(struct hc_json *j, const char *s, size_t n)
{
	if (!j->failed && !hc_strbuf_append(j->out, s, n))
		j->failed = true;
}

static void puts_(struct hc_json *j, const char *s)
{
	put(j, s, strlen(s));
}

static void newline(struct hc_json *j)
{
	if (!j->pretty)
		return;
	put(j, "\n", 1);
	for (int i = 0; i < j->depth; i++)
		put(j, "  ", 2);
}

/* Separator and indentation before a value or a key. */
static void before(struct hc_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (!j->empty[j->depth])
		put(j, ",", 1);
	if (j->depth > 0)
		newline(j);
	j->empty[j->depth] = false;
}

static void open_(struct hc_json *j, char c)
{
	before(j);
	put(j, &c, 1);
	if (j->depth + 1 >= HC_JSON_MAX_DEPTH) {
		j->failed = true;
		return;
	}
	j->depth++;
	j->empty[j->depth] = true;
}

static void close_(struct hc_json *j, char c)
{
	if (j->depth == 0) {
		j->failed = true;
		return;
	}
	bool was_empty = j->empty[j->depth];
	j->depth--;
	if (!was_empty)
		newline(j);
	put(j, &c, 1);
	if (j->depth == 0 && j->pretty)
		put(j, "\n", 1);
}

void hc_json_object_begin(struct hc_json *j) { open_(j, '{'); }
void hc_json_object_end(struct hc_json *j) { close_(j, '}'); }
void hc_json_array_begin(struct hc_json *j) { open_(j, '['); }
void hc_json_array_end(struct hc_json *j) { close_(j, ']'); }

/* Length of a valid UTF-8 sequence at s, or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t cp;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

static void quoted(struct hc_json *j, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	put(j, "\"", 1);
	size_t i = 0;
	while (i < n) {
		unsigned char c = s[i];
		if (c == '"') {
			puts_(j, "\\\"");
		} else if (c == '\\') {
			puts_(j, "\\\\");
		} else if (c == '\n') {
			puts_(j, "\\n");
		} else if (c == '\t') {
			puts_(j, "\\t");
		} else if (c == '\r') {
			puts_(j, "\\r");
		} else if (c < 0x20 || c == 0x7f) {
			char buf[8];
			snprintf(buf, sizeof(buf), "\\u%04x", c);
			puts_(j, buf);
		} else if (c >= 0x80) {
			size_t len = utf8_len(s + i, n - i);
			if (len) {
				put(j, str + i, len);
				i += len;
				continue;
			}
			puts_(j, "\\ufffd");
		} else {
			put(j, (const char *)&s[i], 1);
		}
		i++;
	}
	put(j, "\"", 1);
}

void hc_json_key_n(struct hc_json *j, const char *key, size_t n)
{
	before(j);
	quoted(j, key, n);
	put(j, j->pretty ? ": " : ":", j->pretty ? 2 : 1);
	j->after_key = true;
}

void hc_json_key(struct hc_json *j, const char *key)
{
	hc_json_key_n(j, key, strlen(key));
}

void hc_json_string_n(struct hc_json *j, const char *s, size_t n)
{
	before(j);
	quoted(j, s, n);
}

void hc_json_string(struct hc_json *j, const char *s)
{
	if (!s) {
		hc_json_null(j);
		return;
	}
	hc_json_string_n(j, s, strlen(s));
}

void hc_json_u64(struct hc_json *j, uint64_t v)
{
	char buf[24];
	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	before(j);
	puts_(j, buf);
}

void hc_json_fixed3(struct hc_json *j, double v)
{
	char buf[48];
	/* Finite and in range, or 0: JSON has no NaN or Inf. */
	if (!(v >= -1e15 && v <= 1e15))
		v = 0;
	snprintf(buf, sizeof(buf), "%.3f", v);
	before(j);
	puts_(j, buf);
}

void hc_json_i64(struct hc_json *j, int64_t v)
{
	char buf[24];
	snprintf(buf, sizeof(buf), "%" PRId64, v);
	before(j);
	puts_(j, buf);
}

void hc_json_bool(struct hc_json *j, bool v)
{
	before(j);
	puts_(j, v ? "true" : "false");
}

void hc_json_null(struct hc_json *j)
{
	before(j);
	puts_(j, "null");
}

void hc_json_hex(struct hc_json *j, uint64_t v)
{
	char buf[24];
	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	hc_json_string(j, buf);
}

bool hc_json_failed(const struct hc_json *j)
{
	return j->failed || j->depth != 0;
}
