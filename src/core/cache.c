/*
 * The decompression cache: see src/core/cache.h.
 */
#include "config.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"

static const char magic[16] = "HMAPCORE-CACHE2";
/* The read buffer of the verification. */
static const size_t verify_buf = (size_t)1 << 20;
/* A temporary file this old belongs to a run that died. */
static const time_t stale_tmp = 24 * 3600;

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	return n == 0 || (p[0] == 0 && !memcmp(p, p + 1, n - 1));
}

void cache_digest_update(struct hc_sha256 *h, const uint8_t *p, size_t n,
			 uint64_t off)
{
	assert(off % cache_block == 0);
	for (size_t i = 0; i < n; i += cache_block) {
		size_t len = n - i < cache_block ? n - i : cache_block;
		if (all_zero(p + i, len))
			continue;
		uint8_t idx[8];
		put64(idx, (off + i) / cache_block);
		hc_sha256_update(h, idx, sizeof(idx));
		hc_sha256_update(h, p + i, len);
	}
}

/*
 * Hash the content of the entry @p fd (@p size bytes) into @p h, reading
 * only its data: false when it cannot be read.
 */
static bool digest_entry(int fd, uint64_t size, struct hc_sha256 *h)
{
	uint8_t *buf = malloc(verify_buf);
	if (!buf)
		return false;
	bool ok = true;
	uint64_t off = 0;
	while (ok && off < size) {
		uint64_t start = off, end = size;
		off_t d = lseek(fd, (off_t)off, SEEK_DATA);
		if (d < 0 && errno == ENXIO)
			break; /* a hole to the end */
		if (d >= 0) {
			start = (uint64_t)d;
			off_t e = lseek(fd, d, SEEK_HOLE);
			if (e >= 0 && (uint64_t)e < size)
				end = (uint64_t)e;
		}
		// (Without SEEK_DATA: all of it is read.)
		if (start >= size)
			break;
		start &= ~(uint64_t)(cache_block - 1);
		if (start < off)
			start = off; /* (blocks already hashed) */
		end = (end + cache_block - 1) & ~(uint64_t)(cache_block - 1);
		if (end > size || end <= start)
			end = size;
		for (uint64_t pos = start; pos < end;) {
			size_t want = end - pos < verify_buf ? (size_t)(end - pos) :
								verify_buf;
			ssize_t r = pread(fd, buf, want, (off_t)pos);
			if (r < 0 && errno == EINTR)
				continue;
			if (r != (ssize_t)want) {
				ok = false;
				break;
			}
			cache_digest_update(h, buf, want, pos);
			pos += want;
		}
		off = end;
	}
	free(buf);
	return ok;
}

/*
 * Layout: magic[16] key.sum[32] key.size[8] key.kind[4] flags[4] size[8]
 * content sum[32] sha256(the 104 bytes before)[32].
 */
void cache_trailer(const struct cache_key *key, const struct cache_meta *meta,
		   uint8_t ret[cache_trailer_size])
{
	uint8_t *p = ret;
	memcpy(p, magic, 16);
	memcpy(p + 16, key->sum, 32);
	put64(p + 48, key->size);
	put64(p + 56, (uint64_t)key->kind | (uint64_t)meta->truncated << 32);
	put64(p + 64, meta->size);
	memcpy(p + 72, meta->sum, 32);
	hc_sha256(p, 104, p + 104);
}

static char *entry_path(const char *dir, const struct cache_key *key)
{
	char hex[65], *path;
	hc_sha256_hex(key->sum, hex);
	if (asprintf(&path, "%s/%s.core", dir, hex) < 0)
		return NULL;
	return path;
}

struct hc_error *cache_dir_check(const char *dir)
{
	struct stat st;
	if (stat(dir, &st) < 0) {
		if (errno != ENOENT)
			return hc_error_os(errno, "the cache %s", dir);
		// (EEXIST: another run made it in between.)
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			return hc_error_os(errno, "creating the cache %s", dir);
		if (stat(dir, &st) < 0)
			return hc_error_os(errno, "the cache %s", dir);
	}
	if (!S_ISDIR(st.st_mode))
		return hc_error_create(HC_ERROR_INVALID_ARG,
				       "the cache %s is not a directory", dir);
	if (st.st_uid != geteuid())
		return hc_error_create(HC_ERROR_INVALID_ARG,
				       "refusing the cache %s: it is owned by uid %u, not by you",
				       dir, (unsigned)st.st_uid);
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return hc_error_create(HC_ERROR_INVALID_ARG,
				       "refusing the cache %s: others may write to it (mode %03o); "
				       "chmod go-w it", dir, (unsigned)(st.st_mode & 0777));
	return NULL;
}

/* Why the entry at @p fd does not match, or NULL if it does. */
static const char *check_entry(int fd, const struct cache_key *key,
			       uint64_t max_size, struct cache_meta *meta)
{
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return "not a readable regular file";
	if ((uint64_t)st.st_size < cache_trailer_size)
		return "shorter than its trailer";
	uint64_t size = (uint64_t)st.st_size - cache_trailer_size;
	uint8_t t[cache_trailer_size], sum[HC_SHA256_SIZE];
	if (pread(fd, t, sizeof(t), (off_t)size) != (ssize_t)sizeof(t))
		return "its trailer cannot be read";
	if (memcmp(t, magic, 16))
		return "no cache trailer";
	hc_sha256(t, 104, sum);
	if (memcmp(sum, t + 104, 32))
		return "its trailer is corrupt";
	uint64_t flags = get64(t + 56);
	if (memcmp(t + 16, key->sum, 32) || get64(t + 48) != key->size ||
	    (uint32_t)flags != key->kind)
		return "its key differs";
	if (get64(t + 64) != size)
		return "its size differs from the size recorded";
	if (size > max_size)
		return "larger than the size limit";
	struct hc_sha256 h;
	hc_sha256_init(&h);
	if (!digest_entry(fd, size, &h))
		return "its content cannot be read";
	hc_sha256_final(&h, sum);
	if (memcmp(sum, t + 72, 32))
		return "its content does not hash to the digest recorded";
	meta->size = size;
	meta->truncated = flags >> 32 & 1;
	memcpy(meta->sum, sum, 32);
	return NULL;
}

void cache_lookup(const char *dir, const struct cache_key *key,
		  uint64_t max_size, int *fd_ret, struct cache_meta *meta_ret,
		  char **note_ret)
{
	*fd_ret = -1;
	*note_ret = NULL;
	char *path = entry_path(dir, key);
	if (!path)
		return;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0) {
		if (errno != ENOENT &&
		    asprintf(note_ret, "the cache entry %s cannot be opened (%s): "
			     "ignored, decompressing again", path,
			     strerror(errno)) < 0)
			*note_ret = NULL;
		free(path);
		return;
	}
	struct cache_meta meta;
	const char *why = check_entry(fd, key, max_size, &meta);
	if (why) {
		if (asprintf(note_ret, "the cache entry %s does not match (%s): "
			     "ignored, decompressing again", path, why) < 0)
			*note_ret = NULL;
		close(fd);
		free(path);
		return;
	}
	// Used now: least recently used goes first.
	futimens(fd, NULL);
	free(path);
	*fd_ret = fd;
	*meta_ret = meta;
}

struct hc_error *cache_commit(const char *dir, const char *tmp_name, int fd,
			      const struct cache_key *key,
			      const struct cache_meta *meta, char **path_ret)
{
	uint8_t t[cache_trailer_size];
	cache_trailer(key, meta, t);
	size_t done = 0;
	while (done < sizeof(t)) {
		ssize_t w = pwrite(fd, t + done, sizeof(t) - done,
				   (off_t)(meta->size + done));
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return hc_error_os(w < 0 ? errno : ENOSPC,
					   "writing the cache entry %s", tmp_name);
		done += (size_t)w;
	}
	char *path = entry_path(dir, key);
	if (!path)
		return &hc_error_nomem;
	if (rename(tmp_name, path) < 0) {
		struct hc_error *err = hc_error_os(errno, "renaming %s to %s",
						   tmp_name, path);
		free(path);
		return err;
	}
	*path_ret = path;
	return NULL;
}

struct victim {
	char *path;
	uint64_t disk;
	struct timespec mtime;
};

static int by_mtime(const void *a, const void *b)
{
	const struct victim *x = a, *y = b;
	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
	return strcmp(x->path, y->path);
}

static bool is_entry_name(const char *name)
{
	size_t n = strlen(name);
	if (n != 64 + 5 || strcmp(name + 64, ".core"))
		return false;
	for (size_t i = 0; i < 64; i++)
		if (!((name[i] >= '0' && name[i] <= '9') ||
		      (name[i] >= 'a' && name[i] <= 'f')))
			return false;
	return true;
}

void cache_evict(const char *dir, uint64_t max, const char *keep)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct victim *v = NULL;
	size_t n = 0, cap = 0;
	uint64_t total = 0;
	time_t now = time(NULL);
	struct dirent *de;
	while ((de = readdir(d))) {
		bool tmp = !strncmp(de->d_name, ".tmp-", 5);
		if (!tmp && !is_entry_name(de->d_name))
			continue;
		struct stat st;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		if (tmp) {
			if (now - st.st_mtime > stale_tmp)
				unlinkat(dirfd(d), de->d_name, 0);
			continue;
		}
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct victim *nv = realloc(v, ncap * sizeof(*v));
			if (!nv)
				break;
			v = nv;
			cap = ncap;
		}
		if (asprintf(&v[n].path, "%s/%s", dir, de->d_name) < 0)
			break;
		v[n].disk = (uint64_t)st.st_blocks * 512;
		v[n].mtime = st.st_mtim;
		total += v[n].disk;
		n++;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), by_mtime);
	struct victim *kept = NULL;
	for (size_t i = 0; i < n && total > max; i++) {
		if (keep && !strcmp(v[i].path, keep)) {
			kept = &v[i];
			continue;
		}
		if (unlink(v[i].path) == 0 || errno == ENOENT)
			total -= v[i].disk;
	}
	// Larger than the cap on its own: not kept (its mapping stays valid).
	if (kept && total > max)
		unlink(kept->path);
	for (size_t i = 0; i < n; i++)
		free(v[i].path);
	free(v);
}
