/* The separate debug file: see include/hmapcore/debugfile.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#ifdef HAVE_LIBDEBUGINFOD
#include <elfutils/debuginfod.h>
#endif

#include "hmapcore/debugfile.h"
#include "hmapcore/strbuf.h"

static const char default_root[] = "/usr/lib/debug";
/* Longest .gnu_debuglink name we follow (gdb has no limit; names are short). */
static const size_t max_link_name = 4096;

static char *hex(const uint8_t *id, size_t len)
{
	char *s = malloc(2 * len + 1);
	if (!s)
		return NULL;
	for (size_t i = 0; i < len; i++)
		snprintf(s + 2 * i, 3, "%02x", id[i]);
	s[2 * len] = '\0';
	return s;
}

/* The whole file's CRC32, as .gnu_debuglink records it (binutils
 * bfd_calc_gnu_debuglink_crc32: zlib's polynomial, initial value 0). */
static uint32_t file_crc(const struct hc_elffile *f)
{
	const struct hc_file *file = hc_elffile_file(f);
	const uint8_t *p = file->data;
	size_t n = file->size;
	uLong crc = crc32(0, Z_NULL, 0);
	while (n) {
		uInt chunk = n > (1u << 30) ? 1u << 30 : (uInt)n;
		crc = crc32(crc, p, chunk);
		p += chunk;
		n -= chunk;
	}
	return (uint32_t)crc;
}

/*
 * The executable's .gnu_debuglink: a NUL-terminated file name, padding to
 * four bytes, the debug file's CRC32 (binutils bfd/opncls.c). False when
 * absent or malformed.
 */
static bool debuglink(struct hc_elffile *exe, const char **name_ret,
		      uint32_t *crc_ret)
{
	const struct hc_elf_section *sec;
	struct hc_error *err = hc_elffile_section(exe, ".gnu_debuglink", &sec);
	if (err) {
		hc_error_destroy(err);
		return false;
	}
	if (!sec->data)
		return false;
	size_t len = strnlen((const char *)sec->data, sec->data_size);
	size_t crc_off = (len + 4) & ~(size_t)3;
	if (len == 0 || len > max_link_name || crc_off + 4 > sec->data_size)
		return false;
	const uint8_t *c = sec->data + crc_off;
	// Little-endian: hc_elffile takes only little-endian files.
	*crc_ret = (uint32_t)c[0] | (uint32_t)c[1] << 8 |
		   (uint32_t)c[2] << 16 | (uint32_t)c[3] << 24;
	*name_ret = (const char *)sec->data;
	return true;
}

/*
 * Whether @p dbg belongs to @p exe: 1 yes (*how_ret says by what), 0 no
 * (*why_ret, malloc'd, says why), -1 nothing to compare by.
 */
static int match(struct hc_elffile *exe, struct hc_elffile *dbg,
		 const char **how_ret, char **why_ret)
{
	*why_ret = NULL;
	const uint8_t *eid, *did;
	size_t elen, dlen;
	if (hc_elffile_gnu_build_id(exe, &eid, &elen)) {
		bool has = hc_elffile_gnu_build_id(dbg, &did, &dlen);
		if (has && elen == dlen && memcmp(eid, did, elen) == 0) {
			*how_ret = "GNU build id matches";
			return 1;
		}
		char *a = hex(eid, elen), *b = has ? hex(did, dlen) : NULL;
		if (asprintf(why_ret, "GNU build-id mismatch: executable has %s, debug file has %s",
			     a ? a : "?", has ? (b ? b : "?") : "none") < 0)
			*why_ret = NULL;
		free(a);
		free(b);
		return 0;
	}
	const char *ego = hc_elffile_go_build_id(exe);
	const char *dgo = hc_elffile_go_build_id(dbg);
	if (ego && dgo) {
		if (strcmp(ego, dgo) == 0) {
			*how_ret = "Go build id matches";
			return 1;
		}
		struct hc_strbuf sb;
		hc_strbuf_init(&sb);
		hc_strbuf_appends(&sb, "Go build id mismatch: executable has \"");
		hc_strbuf_append_escaped(&sb, ego, strlen(ego));
		hc_strbuf_appends(&sb, "\", debug file has \"");
		hc_strbuf_append_escaped(&sb, dgo, strlen(dgo));
		hc_strbuf_appends(&sb, "\"");
		*why_ret = hc_strbuf_steal(&sb);
		hc_strbuf_deinit(&sb);
		return 0;
	}
	const char *name;
	uint32_t want;
	if (debuglink(exe, &name, &want)) {
		uint32_t have = file_crc(dbg);
		if (have == want) {
			*how_ret = "debuglink CRC matches";
			return 1;
		}
		if (asprintf(why_ret, "CRC mismatch: the executable's .gnu_debuglink wants %08x, the debug file has %08x",
			     want, have) < 0)
			*why_ret = NULL;
		return 0;
	}
	return -1;
}

/* The search: what was looked at, for the message when nothing fits. */
struct search {
	struct hc_elffile *exe;
	struct stat exe_st;
	bool have_exe_st;
	struct hc_strbuf looked;
	struct hc_strbuf rejected;
	struct hc_debugfile found;
};

/*
 * Try one candidate path; true when it is the one (s->found is set). A
 * missing file is passed over quietly, anything else is recorded.
 */
static bool try_path(struct search *s, const char *path, const char *via)
{
	if (!s->found.elf)
		hc_strbuf_appendf(&s->looked, "%s%s", s->looked.len ? ", " : "",
				  path);
	struct stat st;
	if (stat(path, &st) != 0)
		return false;
	// The executable itself (a debuglink naming its own file).
	if (s->have_exe_st && st.st_dev == s->exe_st.st_dev &&
	    st.st_ino == s->exe_st.st_ino)
		return false;
	struct hc_elffile *dbg;
	struct hc_error *err = hc_elffile_open_path(path, &dbg);
	if (err) {
		hc_strbuf_appendf(&s->rejected, "; %s: %s", path, err->message);
		hc_error_destroy(err);
		return false;
	}
	const char *how = NULL;
	char *why;
	int m = match(s->exe, dbg, &how, &why);
	if (m != 1) {
		hc_strbuf_appendf(&s->rejected, "; %s: %s", path,
				  m == 0 ? (why ? why : "build ids differ")
					 : "nothing to compare it by");
		free(why);
		hc_elffile_destroy(dbg);
		return false;
	}
	if (!hc_elffile_has_section(dbg, ".debug_info")) {
		hc_strbuf_appendf(&s->rejected, "; %s: no DWARF in it", path);
		hc_elffile_destroy(dbg);
		return false;
	}
	char *p = strdup(path), *h = NULL;
	if (!p || asprintf(&h, "%s, %s", how, via) < 0) {
		free(p);
		hc_elffile_destroy(dbg);
		return false;
	}
	s->found.elf = dbg;
	s->found.path = p;
	s->found.how = h;
	return true;
}

/* The folder part of @p path ("." when none), malloc'd. */
static char *folder(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

static bool try_join(struct search *s, const char *a, const char *b,
		     const char *c, const char *via)
{
	char *p;
	if (asprintf(&p, "%s%s%s", a, b, c) < 0)
		return false;
	bool r = try_path(s, p, via);
	free(p);
	return r;
}

/* gdb's debuglink places (gdb/symfile.c find_separate_debug_file). */
static bool by_debuglink(struct search *s, const char *exe_path,
			 const char *root)
{
	const char *name;
	uint32_t crc;
	if (!debuglink(s->exe, &name, &crc))
		return false;
	for (const char *c = name; *c; c++) {
		if (*c == '/' || (unsigned char)*c < 0x20 || *c == 0x7f) {
			hc_strbuf_appends(&s->rejected,
					  "; the .gnu_debuglink name has a '/' or a control character (not followed)");
			return false;
		}
	}
	static const char via[] = "via .gnu_debuglink";
	// Relative to the working folder when the path has no folder part.
	char *dir = strchr(exe_path, '/') ? folder(exe_path) : strdup("");
	if (!dir)
		return false;
	const char *sep = *dir && strcmp(dir, "/") ? "/" : "";
	bool r = try_join(s, dir, sep, name, via);
	if (!r) {
		char *sub;
		if (asprintf(&sub, "%s%s.debug/", dir, sep) >= 0) {
			r = try_join(s, sub, "", name, via);
			free(sub);
		}
	}
	free(dir);
	if (r)
		return true;
	// Under the root by the executable's absolute folder.
	char *real = realpath(exe_path, NULL);
	char *adir = real ? folder(real) : NULL;
	free(real);
	if (!adir)
		return false;
	char *p;
	if (asprintf(&p, "%s%s/", root, strcmp(adir, "/") ? adir : "") >= 0) {
		r = try_join(s, p, "", name, via);
		free(p);
	}
	free(adir);
	return r;
}

/* <root>/.build-id/xx/yyyy….debug (gdb/build-id.c). */
static bool by_build_id(struct search *s, const char *root)
{
	const uint8_t *id;
	size_t len;
	if (!hc_elffile_gnu_build_id(s->exe, &id, &len) || len < 2)
		return false;
	char *h = hex(id, len);
	if (!h)
		return false;
	char *p;
	bool r = false;
	if (asprintf(&p, "%s/.build-id/%.2s/%s.debug", root, h, h + 2) >= 0) {
		r = try_path(s, p, "via the build-id tree");
		free(p);
	}
	free(h);
	return r;
}

/* debuginfod, only when the user configured a server. */
static bool by_debuginfod(struct search *s)
{
	const char *urls = getenv("DEBUGINFOD_URLS");
	const uint8_t *id;
	size_t len;
	if (!urls || !*urls || !hc_elffile_gnu_build_id(s->exe, &id, &len))
		return false;
#ifdef HAVE_LIBDEBUGINFOD
	debuginfod_client *c = debuginfod_begin();
	if (!c) {
		hc_strbuf_appends(&s->rejected, "; debuginfod: cannot start its client");
		return false;
	}
	char *path = NULL;
	int fd = debuginfod_find_debuginfo(c, id, (int)len, &path);
	bool r = false;
	if (fd < 0) {
		hc_strbuf_appendf(&s->rejected, "; debuginfod (%s): %s", urls,
				  strerror(-fd));
	} else {
		close(fd);
		r = try_path(s, path, "from debuginfod");
	}
	free(path);
	debuginfod_end(c);
	return r;
#else
	hc_strbuf_appends(&s->rejected,
			  "; DEBUGINFOD_URLS is set but hmapcore was built without libdebuginfod");
	return false;
#endif
}

/* The file the user named: it must be the executable's, or be forced. */
static struct hc_error *given(struct hc_elffile *exe,
			      const struct hc_debugfile_options *opts,
			      struct hc_debugfile *ret)
{
	struct hc_elffile *dbg;
	struct hc_error *err = hc_elffile_open_path(opts->path, &dbg);
	if (err)
		return hc_error_prefix(err, "opening the debug file %s", opts->path);
	const char *how = NULL;
	char *why, *h = NULL;
	int m = match(exe, dbg, &how, &why);
	if (m == 0 && !opts->ignore_build_id) {
		err = hc_error_create(HC_ERROR_INVALID_ARG,
				      "%s is not the debug file of this executable: %s",
				      opts->path, why ? why : "build ids differ");
		free(why);
		hc_elffile_destroy(dbg);
		return err;
	}
	if (!hc_elffile_has_section(dbg, ".debug_info")) {
		free(why);
		hc_elffile_destroy(dbg);
		return hc_error_create(HC_ERROR_INVALID_ARG,
				       "the debug file %s holds no DWARF (no .debug_info)",
				       opts->path);
	}
	int r;
	if (m == 1)
		r = asprintf(&h, "%s, --debug-file", how);
	else if (m == 0)
		r = asprintf(&h, "--debug-file, %s (ignored)",
			     why ? why : "build ids differ");
	else
		r = asprintf(&h, "--debug-file, no build id or debuglink to compare");
	free(why);
	char *p = strdup(opts->path);
	if (r < 0 || !p) {
		free(p);
		if (r >= 0)
			free(h);
		hc_elffile_destroy(dbg);
		return &hc_error_nomem;
	}
	ret->elf = dbg;
	ret->path = p;
	ret->how = h;
	return NULL;
}

struct hc_error *hc_debugfile_find(struct hc_elffile *exe, const char *exe_path,
				   const struct hc_debugfile_options *opts,
				   struct hc_debugfile *ret)
{
	if (opts && opts->path)
		return given(exe, opts, ret);
	const char *root = opts && opts->root && *opts->root ? opts->root
							     : default_root;
	struct search s = {.exe = exe};
	s.have_exe_st = exe_path && stat(exe_path, &s.exe_st) == 0;
	hc_strbuf_init(&s.looked);
	hc_strbuf_init(&s.rejected);
	bool found = (exe_path && by_debuglink(&s, exe_path, root)) ||
		     by_build_id(&s, root) || by_debuginfod(&s);
	struct hc_error *err = NULL;
	if (found) {
		*ret = s.found;
	} else if (!s.looked.len && !s.rejected.len) {
		err = hc_error_create(HC_ERROR_NOT_FOUND,
				      "no separate debug file (the executable has no .gnu_debuglink and no GNU build id to find one by; give it with --debug-file)");
	} else {
		err = hc_error_create(HC_ERROR_NOT_FOUND,
				      "no separate debug file (looked for %s%s)",
				      s.looked.len ? s.looked.str : "none",
				      s.rejected.len ? s.rejected.str : "");
	}
	hc_strbuf_deinit(&s.looked);
	hc_strbuf_deinit(&s.rejected);
	return err;
}

void hc_debugfile_deinit(struct hc_debugfile *d)
{
	if (!d)
		return;
	hc_elffile_destroy(d->elf);
	free(d->path);
	free(d->how);
	d->elf = NULL;
	d->path = NULL;
	d->how = NULL;
}
