/*
 * The decompression cache (layer L1, core; private to src/core/file.c).
 *
 * Opt-in (hc_file_set_cache()): a compressed input is decompressed once
 * into DIR, and later opens of the same compressed bytes map that copy.
 *
 * An entry is DIR/<sha256 of the compressed bytes>.core: the decompressed
 * bytes (sparse, as the spool writes them), then a trailer of
 * cache_trailer_size bytes recording the key (SHA-256 of the compressed
 * bytes, their size, the compression), the decompressed size, whether the
 * stream was truncated, the content digest (below) and a SHA-256 of the
 * trailer itself.
 *
 * The content digest is the SHA-256 of, for every 4 KiB block of the
 * content that is not all zero, in order, its index (8 bytes, little
 * endian) and its bytes (the last block may be shorter). With the size,
 * that determines the content, and checking it reads only the blocks the
 * file stores: holes (a core's zero pages) read as zero by definition and
 * are skipped with SEEK_DATA/SEEK_HOLE, so checking an entry costs a read
 * of the data it holds, not of the core's whole size. An entry is used only when all of these
 * match and the content hashes to the recorded digest; anything else is a
 * miss (and is replaced).
 *
 * Entries are written to DIR/.tmp-XXXXXX and renamed into place, so a
 * reader never sees a partial entry and concurrent writers of one key
 * leave one whole entry. Entries are never written once renamed: a
 * mapping of one stays valid when another run evicts or replaces it.
 */
#ifndef HMAPCORE_CACHE_H
#define HMAPCORE_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "hmapcore/error.h"
#include "hmapcore/sha256.h"

struct cache_key {
	uint8_t sum[HC_SHA256_SIZE];
	uint64_t size;
	uint32_t kind;
};

struct cache_meta {
	uint64_t size;
	bool truncated;
	uint8_t sum[HC_SHA256_SIZE];
};

enum { cache_trailer_size = 136, cache_block = 4096 };

/**
 * Add @p n content bytes at offset @p off (a multiple of cache_block; only
 * the last call may end inside a block) to the content digest @p h.
 */
void cache_digest_update(struct hc_sha256 *h, const uint8_t *p, size_t n,
			 uint64_t off);

/**
 * Use @p dir as a cache: create it (0700) if missing; refuse it unless it
 * is a directory owned by this user that no one else may write (as ssh
 * refuses its key files): INVALID_ARG saying why.
 */
struct hc_error *cache_dir_check(const char *dir);

/**
 * Look @p key up in @p dir. On a verified hit, @p fd_ret is a descriptor
 * of the entry (read-only, the caller's) and @p meta_ret its metadata; the
 * entry's mtime is set to now (least recently used goes first). On a miss
 * @p fd_ret is -1; when an entry existed but did not match or could not be
 * read, @p note_ret says why (the caller's), else it is NULL.
 */
void cache_lookup(const char *dir, const struct cache_key *key,
		  uint64_t max_size, int *fd_ret, struct cache_meta *meta_ret,
		  char **note_ret);

/**
 * The trailer of an entry, for cache_commit() (and tests that corrupt it).
 */
void cache_trailer(const struct cache_key *key, const struct cache_meta *meta,
		   uint8_t ret[cache_trailer_size]);

/**
 * Finish an entry written to @p tmp_name through @p fd (the content is
 * meta->size bytes): append the trailer and rename it into place.
 * @param[out] path_ret the entry's path, the caller's.
 */
struct hc_error *cache_commit(const char *dir, const char *tmp_name, int fd,
			      const struct cache_key *key,
			      const struct cache_meta *meta, char **path_ret);

/**
 * Remove the least recently used entries until those left take at most
 * @p max bytes on disk; @p keep (an entry path) goes only if it alone is
 * larger than @p max. Also removes temporary files older than a day (a run
 * that died while writing).
 */
void cache_evict(const char *dir, uint64_t max, const char *keep);

#endif /* HMAPCORE_CACHE_H */
