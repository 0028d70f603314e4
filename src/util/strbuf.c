/* String builder: see include/hmapcore/strbuf.h. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmapcore/strbuf.h"

void hc_strbuf_init(struct hc_strbuf *sb)
{
	sb->str = NULL;
	sb->len = 0;
	sb->cap = 0;
}

void hc_strbuf_deinit(struct hc_strbuf *sb)
{
	free(sb->str);
	hc_strbuf_init(sb);
}

void hc_strbuf_reset(struct hc_strbuf *sb)
{
	sb->len = 0;
	if (sb->str)
		sb->str[0] = '\0';
}

bool hc_strbuf_reserve(struct hc_strbuf *sb, size_t extra)
{
	if (extra > SIZE_MAX - sb->len - 1)
		return false;
	size_t need = sb->len + extra + 1;
	if (need <= sb->cap)
		return true;
	size_t cap = sb->cap ? sb->cap : 64;
	while (cap < need) {
		if (cap > SIZE_MAX / 2) {
			cap = need;
			break;
		}
		cap *= 2;
	}
	char *s = realloc(sb->str, cap);
	if (!s)
		return false;
	sb->str = s;
	sb->cap = cap;
	return true;
}

bool hc_strbuf_append(struct hc_strbuf *sb, const char *s, size_t n)
{
	if (!hc_strbuf_reserve(sb, n))
		return false;
	if (n)
		memcpy(sb->str + sb->len, s, n);
	sb->len += n;
	sb->str[sb->len] = '\0';
	return true;
}

bool hc_strbuf_appends(struct hc_strbuf *sb, const char *s)
{
	return hc_strbuf_append(sb, s, strlen(s));
}

bool hc_strbuf_appendc(struct hc_strbuf *sb, char c)
{
	return hc_strbuf_append(sb, &c, 1);
}

bool hc_strbuf_appendv(struct hc_strbuf *sb, const char *fmt, va_list ap)
{
	/* Format into the room there is; only when it does not fit, make
	 * room and format again (one pass for most appends). */
	if (!hc_strbuf_reserve(sb, 64))
		return false;
	size_t room = sb->cap - sb->len;
	va_list aq;
	va_copy(aq, ap);
	int n = vsnprintf(sb->str + sb->len, room, fmt, aq);
	va_end(aq);
	if (n < 0) {
		sb->str[sb->len] = '\0';
		return false;
	}
	if ((size_t)n >= room) {
		if (!hc_strbuf_reserve(sb, (size_t)n)) {
			sb->str[sb->len] = '\0';
			return false;
		}
		vsnprintf(sb->str + sb->len, (size_t)n + 1, fmt, ap);
	}
	sb->len += (size_t)n;
	return true;
}

bool hc_strbuf_append_u64(struct hc_strbuf *sb, uint64_t v)
{
	char d[20], *e = d + sizeof(d), *p = e;
	do
		*--p = (char)('0' + v % 10);
	while ((v /= 10));
	return hc_strbuf_append(sb, p, (size_t)(e - p));
}

bool hc_strbuf_append_i64(struct hc_strbuf *sb, int64_t v)
{
	if (v >= 0)
		return hc_strbuf_append_u64(sb, (uint64_t)v);
	return hc_strbuf_appendc(sb, '-') && hc_strbuf_append_u64(sb, 0 - (uint64_t)v);
}

bool hc_strbuf_append_hex(struct hc_strbuf *sb, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	char d[18], *e = d + sizeof(d), *p = e;
	do
		*--p = digits[v & 15];
	while ((v >>= 4));
	*--p = 'x';
	*--p = '0';
	return hc_strbuf_append(sb, p, (size_t)(e - p));
}

bool hc_strbuf_appendf(struct hc_strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	bool ok = hc_strbuf_appendv(sb, fmt, ap);
	va_end(ap);
	return ok;
}

/* Length of a valid, printable UTF-8 sequence at s (>= 2 bytes), or 0. */
static size_t utf8_printable(const unsigned char *s, size_t n)
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
	/* Overlong, surrogate, out of range, C1 controls, bidi overrides. */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff ||
	    (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069))
		return 0;
	return len;
}

bool hc_str_printable(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	for (size_t i = 0; i < n;) {
		if (s[i] >= 0x20 && s[i] < 0x7f) {
			i++;
			continue;
		}
		size_t len = s[i] >= 0x80 ? utf8_printable(s + i, n - i) : 0;
		if (!len)
			return false;
		i += len;
	}
	return true;
}

bool hc_strbuf_append_escaped(struct hc_strbuf *sb, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < n) {
		unsigned char c = s[i];
		bool ok;
		/* A run of printable ASCII that needs no escape, at once. */
		size_t run = i;
		while (run < n && s[run] >= 0x20 && s[run] < 0x7f && s[run] != '\\' &&
		       s[run] != '"')
			run++;
		if (run > i) {
			if (!hc_strbuf_append(sb, str + i, run - i))
				return false;
			i = run;
			continue;
		}
		if (c >= 0x20 && c < 0x7f) {
			if (c == '\\' || c == '"') {
				char e[2] = {'\\', (char)c};
				ok = hc_strbuf_append(sb, e, 2);
			} else {
				ok = hc_strbuf_appendc(sb, (char)c);
			}
			i++;
		} else if (c >= 0x80) {
			size_t len = utf8_printable(s + i, n - i);
			if (len) {
				ok = hc_strbuf_append(sb, str + i, len);
				i += len;
			} else {
				ok = hc_strbuf_appendf(sb, "\\x%02x", c);
				i++;
			}
		} else {
			switch (c) {
			case '\n': ok = hc_strbuf_append(sb, "\\n", 2); break;
			case '\t': ok = hc_strbuf_append(sb, "\\t", 2); break;
			case '\r': ok = hc_strbuf_append(sb, "\\r", 2); break;
			default: ok = hc_strbuf_appendf(sb, "\\x%02x", c); break;
			}
			i++;
		}
		if (!ok)
			return false;
	}
	return true;
}

char *hc_strbuf_steal(struct hc_strbuf *sb)
{
	if (!sb->str && !hc_strbuf_reserve(sb, 0))
		return NULL;
	if (sb->len == 0)
		sb->str[0] = '\0';
	char *s = sb->str;
	hc_strbuf_init(sb);
	return s;
}
