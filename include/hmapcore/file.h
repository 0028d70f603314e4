/**
 * @file file.h
 * Input files, possibly compressed (layer L1, core).
 *
 * A core or an executable is opened read-only. An uncompressed file is
 * mmapped (never copied), without reserving memory for it, so a file larger
 * than the machine's memory opens. A file whose *content* starts with the
 * xz, zstd or gzip magic is decompressed into a temporary file (in $TMPDIR,
 * else /tmp; unlinked at once, sparse where the data is zero) that is then
 * mapped: memory stays bounded (a 256 KiB window) whatever the size. The path
 * "-" reads standard input the same way (copied to a temporary file, then
 * decompressed if it is compressed). Nothing is ever written to the input.
 *
 * Invariant: `data` stays valid and unchanged until hc_file_destroy().
 */
#ifndef HMAPCORE_FILE_H
#define HMAPCORE_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmapcore/error.h"

enum hc_compression {
	HC_COMPRESSION_NONE,
	HC_COMPRESSION_XZ,
	HC_COMPRESSION_ZSTD,
	HC_COMPRESSION_GZIP,
};

enum hc_file_cache_state {
	HC_FILE_CACHE_NONE,   /* no cache, or not compressed */
	HC_FILE_CACHE_HIT,    /* mapped from a verified cache entry */
	HC_FILE_CACHE_STORED, /* decompressed into a new cache entry */
};

/** The cache's default cap on the disk its entries take: 8 GiB. */
static const uint64_t hc_file_cache_default_max = UINT64_C(8) << 30;

struct hc_file {
	/** The path it was opened from (or the name given for memory input). */
	char *path;
	/** The (decompressed) contents. */
	const uint8_t *data;
	size_t size;
	/** Size of the file on disk (compressed size when compressed). */
	uint64_t disk_size;
	enum hc_compression compression;
	/** The compressed stream ended early (a truncated .xz, .zst or .gz):
	 * data holds what decoded, as a truncated plain file holds what is
	 * there. */
	bool stream_truncated;
	/**
	 * The directory of the temporary file that holds the data (compressed
	 * input, standard input), or NULL when the data is the file itself or
	 * in memory; and the bytes that file takes on disk (holes excluded).
	 */
	char *spool_dir;
	uint64_t spool_disk;
	/** What the decompression cache did (hc_file_set_cache()). */
	enum hc_file_cache_state cache_state;
	/** Why a cache entry for this input was ignored (one line), or NULL. */
	char *cache_note;
	/* private */
	void *map;
	size_t map_size;
	int map_kind;
};

/**
 * Open @p path read-only, decompressing by content; "-" is standard input.
 * Limits the decompressed size to @p max_size bytes (0 = 64 GiB) so a
 * decompression bomb is an error, not a full disk.
 * @param[out] ret the file, owned by the caller (hc_file_destroy()).
 * @return NULL, or OS (cannot open/read; cannot create or write the
 * temporary file, e.g. ENOSPC), BAD_DATA (corrupt compressed data),
 * UNSUPPORTED (over the size limit).
 */
struct hc_error *hc_file_open(const char *path, uint64_t max_size,
			      struct hc_file **ret);

/**
 * Wrap a memory buffer (copied if compressed, borrowed otherwise: it must
 * outlive the file). For tests and fuzzers.
 */
struct hc_error *hc_file_open_memory(const void *data, size_t size,
				     const char *name, struct hc_file **ret);

/**
 * hc_file_open_memory() with a limit on the decompressed size (0 = 64 GiB),
 * as hc_file_open() has: for fuzzers, where a small input may be a bomb.
 */
struct hc_error *hc_file_open_memory_limit(const void *data, size_t size,
					   const char *name, uint64_t max_size,
					   struct hc_file **ret);

/**
 * Cache what hc_file_open() decompresses in @p dir (NULL: no cache, the
 * default). A compressed input is keyed by the SHA-256 of its compressed
 * bytes, their size and the compression; an entry is used only once its
 * key, size and the SHA-256 of its content match what was recorded when
 * it was written, else it is decompressed again and replaced. The entries
 * take at most @p max bytes of disk (0: hc_file_cache_default_max), least
 * recently used go first. Process-wide; not thread-safe against a
 * concurrent hc_file_open().
 * @return NULL, or OS (cannot create @p dir), INVALID_ARG (not a directory
 * of this user that only this user can write).
 */
struct hc_error *hc_file_set_cache(const char *dir, uint64_t max);

/** Which compression @p data starts with. */
enum hc_compression hc_file_detect(const void *data, size_t size);

/** Name of a compression ("none", "xz", "zstd", "gzip"). */
const char *hc_compression_name(enum hc_compression c);

/** Release a file; accepts NULL. */
void hc_file_destroy(struct hc_file *file);

#endif /* HMAPCORE_FILE_H */
