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

/*
 * The characters that show as nothing or as a plain space, or reorder what
 * follows, so that two different strings would look alike: the format
 * characters (Unicode Cf: zero-width space and joiners, bidi marks,
 * embeddings, overrides and isolates, the word joiner and invisible
 * operators, the BOM, tags), the line and paragraph separators, the spaces
 * other than U+0020 and the Hangul fillers. Go's strconv.IsPrint refuses the
 * same (but the fillers).
 */
static bool invisible_or_format(uint32_t cp)
{
	static const uint32_t ranges[][2] = {
		{0x00a0, 0x00a0}, {0x00ad, 0x00ad}, {0x034f, 0x034f},
		{0x0600, 0x0605}, {0x061c, 0x061c}, {0x06dd, 0x06dd},
		{0x070f, 0x070f}, {0x0890, 0x0891}, {0x08e2, 0x08e2},
		{0x115f, 0x1160}, {0x1680, 0x1680}, {0x17b4, 0x17b5},
		{0x180b, 0x180f}, {0x2000, 0x200f}, {0x2028, 0x202f},
		{0x205f, 0x206f}, {0x3000, 0x3000}, {0x3164, 0x3164},
		{0xfe00, 0xfe0f}, {0xfeff, 0xfeff}, {0xffa0, 0xffa0},
		{0xfff9, 0xfffb}, {0x110bd, 0x110bd}, {0x110cd, 0x110cd},
		{0x13430, 0x1343f}, {0x1bca0, 0x1bca3}, {0x1d173, 0x1d17a},
		{0xe0000, 0xe0fff},
	};
	if (cp < 0xa0)
		return false;
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
		if (cp >= ranges[i][0] && cp <= ranges[i][1])
			return true;
	return false;
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
	/* Overlong, surrogate, out of range, C1 controls; the characters a
	 * terminal does not show (invisible_or_format). */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff ||
	    (cp >= 0x80 && cp <= 0x9f) || invisible_or_format(cp))
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

static bool append_escaped(struct hc_strbuf *sb, const char *str, size_t n,
			   bool quotes);

bool hc_strbuf_append_escaped(struct hc_strbuf *sb, const char *str, size_t n)
{
	return append_escaped(sb, str, n, true);
}

bool hc_strbuf_append_inert(struct hc_strbuf *sb, const char *str)
{
	return append_escaped(sb, str, strlen(str), false);
}

/* @p quotes: escape '\\' and '"' too (a string shown quoted). */
static bool append_escaped(struct hc_strbuf *sb, const char *str, size_t n,
			   bool quotes)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < n) {
		unsigned char c = s[i];
		bool ok;
		/* A run of printable ASCII that needs no escape, at once. */
		size_t run = i;
		while (run < n && s[run] >= 0x20 && s[run] < 0x7f &&
		       (!quotes || (s[run] != '\\' && s[run] != '"')))
			run++;
		if (run > i) {
			if (!hc_strbuf_append(sb, str + i, run - i))
				return false;
			i = run;
			continue;
		}
		if (c >= 0x20 && c < 0x7f) {
			if (quotes && (c == '\\' || c == '"')) {
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
