/*
 * Spool: a temporary file that receives a decompressed (or piped) input so
 * that it is held on disk, not in memory (layer L1, core; private to
 * src/core/file.c).
 *
 * The file is created in $TMPDIR (else /tmp) with O_TMPFILE, or with
 * mkstemp() and unlinked at once where O_TMPFILE is not supported: it has
 * no name while in use and disappears with its last descriptor or mapping.
 * All-zero blocks are skipped (a hole), and the file is extended to its
 * size at the end, so a core's zero pages take no disk.
 *
 * Invariant: after spool_finish() the file holds exactly the bytes passed
 * to spool_write(), in order, and `size` is its length.
 */
#ifndef HMAPCORE_SPOOL_H
#define HMAPCORE_SPOOL_H

#include <stdint.h>
#include <stddef.h>

#include "hmapcore/error.h"

struct spool {
	int fd;
	/* Bytes written so far (holes included). */
	uint64_t size;
	/* The directory the file is in, owned. */
	char *dir;
};

/** Create the unlinked temporary file. */
struct hc_error *spool_init(struct spool *s);

/**
 * Create a named file in @p dir instead (`DIR/.tmp-XXXXXX`, mode 0600), for
 * a cache entry that will be renamed into place.
 * @param[out] name_ret its path, owned by the caller.
 */
struct hc_error *spool_init_named(struct spool *s, const char *dir,
				  char **name_ret);

/** Close it (a mapping made from it stays valid); accepts a zeroed spool. */
void spool_deinit(struct spool *s);

/**
 * Append @p n bytes; pages that are all zero become holes. ENOSPC is an
 * OS error that says where.
 */
struct hc_error *spool_write(struct spool *s, const void *p, size_t n);

/**
 * Append everything readable from @p fd (a pipe, standard input) up to
 * @p max bytes (more is UNSUPPORTED). Reads through a buffer of its own.
 */
struct hc_error *spool_copy_fd(struct spool *s, int fd, const char *name,
			       uint64_t max);

/** Extend the file to `size` (the trailing hole). */
struct hc_error *spool_finish(struct spool *s);

/** Bytes the file takes on disk now. */
uint64_t spool_disk_usage(const struct spool *s);

#endif /* HMAPCORE_SPOOL_H */
