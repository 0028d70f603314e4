/**
 * @file debugfile.h
 * The separate debug file of a stripped executable (layer L1, core).
 *
 * A stripped executable's DWARF and .symtab may live in another file (made
 * by `objcopy --only-keep-debug` or `eu-strip -f`). hc_debugfile_find()
 * looks for it as gdb does, stopping at the first file that belongs to the
 * executable and holds DWARF:
 *   1. the file the user named (`--debug-file`);
 *   2. the .gnu_debuglink name in the executable's folder, in its .debug/
 *      subfolder, and under <root>/<the executable's absolute folder>/;
 *   3. <root>/.build-id/xx/yyyy….debug by the GNU build id;
 *   4. debuginfod (libdebuginfod, when built with it), only when
 *      DEBUGINFOD_URLS is set.
 * A file belongs to the executable when their GNU build ids are equal,
 * else their Go build ids, else (neither has one) when its CRC32 is the
 * one the executable's .gnu_debuglink records. Files are only read.
 */
#ifndef HMAPCORE_DEBUGFILE_H
#define HMAPCORE_DEBUGFILE_H

#include <stdbool.h>

#include "hmapcore/elffile.h"
#include "hmapcore/error.h"

struct hc_debugfile_options {
	/** The debug file the user named; NULL to look for one. */
	const char *path;
	/** Use @c path even if it does not match. */
	bool ignore_build_id;
	/** Where the debuglink and build-id trees are; NULL: /usr/lib/debug. */
	const char *root;
};

struct hc_debugfile {
	/** The debug file, owned. */
	struct hc_elffile *elf;
	/** Its path (for debuginfod, the client's cache), owned. */
	char *path;
	/**
	 * How it was matched ("build id matches", "debuglink CRC matches",
	 * or why it was used anyway), owned.
	 */
	char *how;
};

/**
 * Find and open the debug file of @p exe, opened from @p exe_path.
 * @param[out] ret filled on success only; the caller owns it
 * (hc_debugfile_deinit()).
 * @return NULL; INVALID_ARG when the named file is not the executable's
 * (the message names both build ids) or holds no DWARF; OS/ELF when the
 * named file cannot be opened; NOT_FOUND when the search found nothing
 * (the message says where it looked and what it rejected).
 */
struct hc_error *hc_debugfile_find(struct hc_elffile *exe, const char *exe_path,
				   const struct hc_debugfile_options *opts,
				   struct hc_debugfile *ret);

/** Free what hc_debugfile_find() returned. */
void hc_debugfile_deinit(struct hc_debugfile *d);

#endif /* HMAPCORE_DEBUGFILE_H */
