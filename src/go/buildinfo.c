/*
 * Go build information: see include/hmapcore/buildinfo.h.
 *
 * Format (src/debug/buildinfo/buildinfo.go, go1.13-go1.26): a 32-byte
 * header at 16-byte alignment, "\xff Go buildinf:" (14 bytes), pointer
 * size, flags (bit 0 big-endian, bit 1 inline strings). go1.18+ set bit 1
 * and follow the header with two uvarint-length-prefixed strings (version,
 * module info); older versions store two pointers to Go string headers at
 * offsets 16 and 16 + ptrsize. The module info is wrapped in two 16-byte
 * sentinels (src/cmd/go/internal/modload/build.go ModInfoData) and its
 * lines are parsed like runtime/debug.ParseBuildInfo (src/runtime/debug/mod.go).
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "hmapcore/buildinfo.h"
#include "hmapcore/vector.h"

enum {
	HEADER_SIZE = 32,
	ALIGN = 16,
	MAGIC_LEN = 14,
	FLAG_BIG_ENDIAN = 1,
	FLAG_INLINE = 2,
	SENTINEL_LEN = 16,
	/* Hard limit for a string read through a target pointer. */
	MAX_STRING = 1 << 20,
	/* binary.MaxVarintLen64 */
	MAX_UVARINT_LEN = 10,
};

static const char MAGIC[MAGIC_LEN] = "\xff Go buildinf:";

HC_DEFINE_VECTOR(setting_vec, struct hc_buildinfo_setting)

static char *memdup_str(const void *p, size_t len)
{
	char *s = malloc(len + 1);
	if (!s)
		return NULL;
	memcpy(s, p, len);
	s[len] = '\0';
	return s;
}

/* encoding/binary.Uvarint, limited to @p avail bytes. */
static bool read_uvarint(const uint8_t *p, size_t avail, uint64_t *val_ret,
			 size_t *n_ret)
{
	uint64_t v = 0;
	for (size_t i = 0; i < avail && i < MAX_UVARINT_LEN; i++) {
		if (i == MAX_UVARINT_LEN - 1 && p[i] > 1)
			return false; // overflows 64 bits
		v |= (uint64_t)(p[i] & 0x7f) << (7 * i);
		if (!(p[i] & 0x80)) {
			*val_ret = v;
			*n_ret = i + 1;
			return true;
		}
	}
	return false;
}

/* One uvarint-prefixed string at @p *pos; advances @p *pos. */
static struct hc_error *inline_string(const uint8_t *data, size_t size,
				      size_t *pos, const char *what,
				      char **ret, size_t *len_ret)
{
	uint64_t len;
	size_t n;
	if (!read_uvarint(data + *pos, size - *pos, &len, &n))
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "buildinfo: bad length of the %s", what);
	size_t start = *pos + n;
	if (len > size - start)
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "buildinfo: %s of %" PRIu64
				       " bytes runs off the data",
				       what, len);
	char *s = memdup_str(data + start, (size_t)len);
	if (!s)
		return &hc_error_nomem;
	*pos = start + (size_t)len;
	*ret = s;
	*len_ret = (size_t)len;
	return NULL;
}

static uint64_t read_ptr(const uint8_t *p, unsigned ptr_size, bool big)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < ptr_size; i++) {
		unsigned b = big ? i : ptr_size - 1 - i;
		v = v << 8 | p[b];
	}
	return v;
}

/* A Go string whose header {ptr, len} is at target address @p addr
 * (pre-1.18 form, debug/buildinfo readString). */
static struct hc_error *pointer_string(hc_buildinfo_read_fn *read, void *arg,
				       uint64_t addr, unsigned ptr_size,
				       bool big, const char *what, char **ret,
				       size_t *len_ret)
{
	uint8_t hdr[16];
	struct hc_error *err = read(arg, addr, hdr, 2 * ptr_size);
	if (err)
		return hc_error_prefix(err, "buildinfo: reading the %s header",
				       what);
	uint64_t ptr = read_ptr(hdr, ptr_size, big);
	uint64_t len = read_ptr(hdr + ptr_size, ptr_size, big);
	if (len > MAX_STRING)
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "buildinfo: %s of %" PRIu64
				       " bytes is too long",
				       what, len);
	char *s = malloc((size_t)len + 1);
	if (!s)
		return &hc_error_nomem;
	if (len) {
		err = read(arg, ptr, s, (size_t)len);
		if (err) {
			free(s);
			return hc_error_prefix(err, "buildinfo: reading the %s",
					       what);
		}
	}
	s[len] = '\0';
	*ret = s;
	*len_ret = (size_t)len;
	return NULL;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static size_t put_utf8(char *out, uint32_t r)
{
	if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff))
		r = 0xfffd;
	if (r < 0x80) {
		out[0] = (char)r;
		return 1;
	}
	if (r < 0x800) {
		out[0] = (char)(0xc0 | r >> 6);
		out[1] = (char)(0x80 | (r & 0x3f));
		return 2;
	}
	if (r < 0x10000) {
		out[0] = (char)(0xe0 | r >> 12);
		out[1] = (char)(0x80 | (r >> 6 & 0x3f));
		out[2] = (char)(0x80 | (r & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | r >> 18);
	out[1] = (char)(0x80 | (r >> 12 & 0x3f));
	out[2] = (char)(0x80 | (r >> 6 & 0x3f));
	out[3] = (char)(0x80 | (r & 0x3f));
	return 4;
}

/*
 * Length of the Go quoted string (strconv.QuotedPrefix) at the start of
 * @p s (@p len bytes), or 0 when it is not one.
 */
static size_t quoted_prefix(const char *s, size_t len)
{
	if (len < 2 || (s[0] != '"' && s[0] != '`'))
		return 0;
	for (size_t i = 1; i < len; i++) {
		if (s[i] == s[0])
			return i + 1;
		if (s[0] == '"' && s[i] == '\\')
			i++;
		else if (s[0] == '"' && s[i] == '\n')
			return 0;
	}
	return 0;
}

/*
 * strconv.Unquote of exactly @p len bytes at @p s (simple: the escapes Go
 * produces). NULL when it is not a valid quoted string or on OOM (*oom).
 */
static char *unquote(const char *s, size_t len, bool *oom)
{
	if (quoted_prefix(s, len) != len)
		return NULL;
	// Every escape is at least as long as what it decodes to.
	char *out = malloc(len + 1);
	if (!out) {
		*oom = true;
		return NULL;
	}
	size_t o = 0;
	if (s[0] == '`') {
		for (size_t i = 1; i + 1 < len; i++) {
			if (s[i] != '\r')
				out[o++] = s[i];
		}
		out[o] = '\0';
		return out;
	}
	for (size_t i = 1; i + 1 < len; i++) {
		if (s[i] != '\\') {
			out[o++] = s[i];
			continue;
		}
		if (i + 2 >= len)
			goto bad;
		char c = s[++i];
		size_t ndig = 0;
		switch (c) {
		case 'a': out[o++] = '\a'; break;
		case 'b': out[o++] = '\b'; break;
		case 'f': out[o++] = '\f'; break;
		case 'n': out[o++] = '\n'; break;
		case 'r': out[o++] = '\r'; break;
		case 't': out[o++] = '\t'; break;
		case 'v': out[o++] = '\v'; break;
		case '\\': case '"': case '\'': out[o++] = c; break;
		case 'x': ndig = 2; break;
		case 'u': ndig = 4; break;
		case 'U': ndig = 8; break;
		case '0': case '1': case '2': case '3': {
			if (i + 3 >= len)
				goto bad;
			unsigned v = 0;
			for (size_t k = 0; k < 3; k++) {
				char d = s[i + k];
				if (d < '0' || d > '7')
					goto bad;
				v = v * 8 + (unsigned)(d - '0');
			}
			i += 2;
			out[o++] = (char)v;
			break;
		}
		default:
			goto bad;
		}
		if (ndig) {
			if (i + ndig >= len)
				goto bad;
			uint32_t v = 0;
			for (size_t k = 1; k <= ndig; k++) {
				int h = hexval(s[i + k]);
				if (h < 0)
					goto bad;
				v = v << 4 | (uint32_t)h;
			}
			i += ndig;
			if (c == 'x')
				out[o++] = (char)v;
			else
				o += put_utf8(out + o, v);
		}
	}
	out[o] = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

/* A value: unquoted when quoted, else (or when unquoting fails) raw. */
static char *setting_string(const char *s, size_t len)
{
	bool oom = false;
	if (len && (s[0] == '"' || s[0] == '`')) {
		char *u = unquote(s, len, &oom);
		if (u || oom)
			return u;
	}
	return memdup_str(s, len);
}

/* One "build\t" line body: KEY=VALUE, the key or value possibly quoted. */
static struct hc_error *parse_setting(const char *kv, size_t len,
				      struct setting_vec *settings)
{
	size_t keylen = quoted_prefix(kv, len);
	if (!keylen) {
		const char *eq = memchr(kv, '=', len);
		keylen = eq ? (size_t)(eq - kv) : len;
	}
	if (keylen == 0)
		return NULL; // no key: ignored, like a line we do not know
	size_t vstart = keylen < len && kv[keylen] == '=' ? keylen + 1 : len;
	char *key = setting_string(kv, keylen);
	char *value = setting_string(kv + vstart, len - vstart);
	struct hc_buildinfo_setting s = { key, value };
	if (!key || !value || !setting_vec_append(settings, &s)) {
		free(key);
		free(value);
		return &hc_error_nomem;
	}
	return NULL;
}

static struct hc_error *parse_modinfo(struct hc_buildinfo *bi)
{
	struct setting_vec settings;
	setting_vec_init(&settings);
	const char *p = bi->modinfo, *end = p + strlen(p);
	struct hc_error *err = NULL;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (len >= 5 && !memcmp(p, "path\t", 5) && !bi->path) {
			bi->path = memdup_str(p + 5, len - 5);
			if (!bi->path) {
				err = &hc_error_nomem;
				break;
			}
		} else if (len >= 6 && !memcmp(p, "build\t", 6)) {
			err = parse_setting(p + 6, len - 6, &settings);
			if (err)
				break;
		}
		p += len + (nl ? 1 : 0);
	}
	bi->settings = setting_vec_steal(&settings, &bi->num_settings);
	return err;
}

void hc_buildinfo_destroy(struct hc_buildinfo *bi)
{
	if (!bi)
		return;
	for (size_t i = 0; i < bi->num_settings; i++) {
		free(bi->settings[i].key);
		free(bi->settings[i].value);
	}
	free(bi->settings);
	free(bi->path);
	free(bi->modinfo);
	free(bi->version);
	free(bi);
}

struct hc_error *hc_buildinfo_parse(const uint8_t *data, size_t size,
				    hc_buildinfo_read_fn *read, void *arg,
				    struct hc_buildinfo **ret)
{
	size_t off = 0;
	bool found = false;
	for (; data && size >= MAGIC_LEN && off <= size - MAGIC_LEN;
	     off += ALIGN) {
		if (!memcmp(data + off, MAGIC, MAGIC_LEN)) {
			found = true;
			break;
		}
	}
	if (!found)
		return hc_error_create(HC_ERROR_NOT_FOUND,
				       "no Go build info (magic not found)");
	if (size - off < HEADER_SIZE)
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "buildinfo: truncated header");
	const uint8_t *hdr = data + off;

	struct hc_buildinfo *bi = calloc(1, sizeof(*bi));
	if (!bi)
		return &hc_error_nomem;
	bi->ptr_size = hdr[14];
	bi->big_endian = hdr[15] & FLAG_BIG_ENDIAN;
	struct hc_error *err;
	char *modinfo = NULL;
	// The closing sentinel contains a NUL: keep the lengths.
	size_t vlen = 0, mlen = 0;
	if (hdr[15] & FLAG_INLINE) {
		size_t pos = off + HEADER_SIZE;
		err = inline_string(data, size, &pos, "version", &bi->version,
				    &vlen);
		if (!err)
			err = inline_string(data, size, &pos, "module info",
					    &modinfo, &mlen);
	} else if (bi->ptr_size != 4 && bi->ptr_size != 8) {
		err = hc_error_create(HC_ERROR_BAD_DATA,
				      "buildinfo: bad pointer size %u",
				      bi->ptr_size);
	} else if (!read) {
		err = hc_error_create(HC_ERROR_UNSUPPORTED,
				      "buildinfo: pre-go1.18 pointer form needs "
				      "target memory");
	} else {
		uint64_t vaddr = read_ptr(hdr + 16, bi->ptr_size, bi->big_endian);
		uint64_t maddr = read_ptr(hdr + 16 + bi->ptr_size, bi->ptr_size,
					  bi->big_endian);
		err = pointer_string(read, arg, vaddr, bi->ptr_size,
				     bi->big_endian, "version", &bi->version,
				     &vlen);
		if (!err)
			err = pointer_string(read, arg, maddr, bi->ptr_size,
					     bi->big_endian, "module info",
					     &modinfo, &mlen);
	}
	if (err)
		goto out;
	if (vlen == 0 || !bi->version[0]) {
		err = hc_error_create(HC_ERROR_BAD_DATA,
				      "buildinfo: empty Go version");
		goto out;
	}

	// Strip the sentinels when present (debug/buildinfo: len >= 33 and a
	// newline just before the closing sentinel).
	if (mlen >= 2 * SENTINEL_LEN + 1 &&
	    modinfo[mlen - SENTINEL_LEN - 1] == '\n') {
		bi->modinfo = memdup_str(modinfo + SENTINEL_LEN,
					 mlen - 2 * SENTINEL_LEN);
		free(modinfo);
	} else {
		bi->modinfo = modinfo;
	}
	modinfo = NULL;
	if (!bi->modinfo) {
		err = &hc_error_nomem;
		goto out;
	}
	err = parse_modinfo(bi);
	if (err)
		goto out;
	*ret = bi;
	return NULL;

out:
	free(modinfo);
	hc_buildinfo_destroy(bi);
	return err;
}

const char *hc_buildinfo_setting(const struct hc_buildinfo *bi,
				 const char *key)
{
	for (size_t i = 0; i < bi->num_settings; i++) {
		if (!strcmp(bi->settings[i].key, key))
			return bi->settings[i].value;
	}
	return NULL;
}

/* Parse decimal digits at *p (at most 9); advances *p. */
static bool parse_num(const char **p, int *ret)
{
	const char *s = *p;
	int v = 0;
	size_t n = 0;
	while (*s >= '0' && *s <= '9' && n < 9) {
		v = v * 10 + (*s - '0');
		s++;
		n++;
	}
	if (n == 0)
		return false;
	*p = s;
	*ret = v;
	return true;
}

bool hc_go_version_parse(const char *version, int *major_ret, int *minor_ret,
			 int *patch_ret)
{
	if (!version)
		return false;
	const char *p = version;
	if (!strncmp(p, "devel ", 6))
		p += 6;
	if (strncmp(p, "go", 2))
		return false;
	p += 2;
	int major, minor = 0, patch = 0;
	if (!parse_num(&p, &major))
		return false;
	if (*p == '.') {
		p++;
		if (!parse_num(&p, &minor))
			return false;
		if (*p == '.') {
			p++;
			if (!parse_num(&p, &patch))
				return false;
		}
	}
	if (major_ret)
		*major_ret = major;
	if (minor_ret)
		*minor_ret = minor;
	if (patch_ret)
		*patch_ret = patch;
	return true;
}
