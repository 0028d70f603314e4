/*
 * Spool files: see src/core/spool.h.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spool.h"

/* The unit of hole detection: a page, the smallest hole a file system keeps. */
static const size_t block = 4096;
/* The read buffer of spool_copy_fd(). */
static const size_t copy_buf = (size_t)1 << 20;

static bool all_zero(const uint8_t *p, size_t n)
{
	// p[0] == 0 and every byte equals the one before it.
	return n == 0 || (p[0] == 0 && !memcmp(p, p + 1, n - 1));
}

struct hc_error *spool_init(struct spool *s)
{
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !*tmp)
		tmp = "/tmp";
	s->fd = -1;
	s->size = 0;
	s->dir = strdup(tmp);
	if (!s->dir)
		return &hc_error_nomem;
#ifdef O_TMPFILE
	s->fd = open(tmp, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
	if (s->fd >= 0)
		return NULL;
	if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) {
		int e = errno;
		spool_deinit(s);
		return hc_error_os(e, "creating a temporary file in %s", tmp);
	}
#endif
	// File systems without O_TMPFILE: a named file, unlinked at once.
	char *name;
	if (asprintf(&name, "%s/hmapcore-XXXXXX", tmp) < 0) {
		spool_deinit(s);
		return &hc_error_nomem;
	}
	s->fd = mkostemp(name, O_CLOEXEC);
	int e = errno;
	if (s->fd >= 0)
		unlink(name);
	free(name);
	if (s->fd < 0) {
		spool_deinit(s);
		return hc_error_os(e, "creating a temporary file in %s", tmp);
	}
	return NULL;
}

struct hc_error *spool_init_named(struct spool *s, const char *dir,
				  char **name_ret)
{
	s->fd = -1;
	s->size = 0;
	s->dir = strdup(dir);
	char *name;
	if (!s->dir || asprintf(&name, "%s/.tmp-XXXXXX", dir) < 0) {
		spool_deinit(s);
		return &hc_error_nomem;
	}
	s->fd = mkostemp(name, O_CLOEXEC);
	if (s->fd < 0) {
		int e = errno;
		free(name);
		spool_deinit(s);
		return hc_error_os(e, "creating a file in the cache %s", dir);
	}
	*name_ret = name;
	return NULL;
}

void spool_deinit(struct spool *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	free(s->dir);
	s->dir = NULL;
}

static struct hc_error *write_at(struct spool *s, const uint8_t *p, size_t n,
				 uint64_t off)
{
	while (n) {
		ssize_t w = pwrite(s->fd, p, n, (off_t)off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return hc_error_os(errno,
					   "writing %zu bytes at offset %llu of a temporary file in %s",
					   n, (unsigned long long)off, s->dir);
		}
		if (w == 0)
			return hc_error_os(ENOSPC,
					   "writing a temporary file in %s", s->dir);
		p += w;
		n -= (size_t)w;
		off += (uint64_t)w;
	}
	return NULL;
}

struct hc_error *spool_write(struct spool *s, const void *data, size_t n)
{
	const uint8_t *p = data;
	size_t i = 0;
	while (i < n) {
		// Blocks are aligned to the file offset, so holes are too.
		size_t first = block - (size_t)(s->size % block);
		size_t len = first < n - i ? first : n - i;
		if (all_zero(p + i, len)) {
			s->size += len;
			i += len;
			continue;
		}
		// A run of blocks with data: one write.
		size_t run = len;
		while (i + run < n) {
			size_t next = n - i - run < block ? n - i - run : block;
			if (all_zero(p + i + run, next))
				break;
			run += next;
		}
		struct hc_error *err = write_at(s, p + i, run, s->size);
		if (err)
			return err;
		s->size += run;
		i += run;
	}
	return NULL;
}

struct hc_error *spool_copy_fd(struct spool *s, int fd, const char *name,
			       uint64_t max)
{
	uint8_t *buf = malloc(copy_buf);
	if (!buf)
		return &hc_error_nomem;
	struct hc_error *err = NULL;
	for (;;) {
		ssize_t r = read(fd, buf, copy_buf);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			err = hc_error_os(errno, "reading %s", name);
			break;
		}
		if (r == 0)
			break;
		if ((uint64_t)r > max - s->size) {
			err = hc_error_create(HC_ERROR_UNSUPPORTED,
					      "%s: larger than the limit of %llu bytes",
					      name, (unsigned long long)max);
			break;
		}
		if ((err = spool_write(s, buf, (size_t)r)))
			break;
	}
	free(buf);
	return err;
}

struct hc_error *spool_finish(struct spool *s)
{
	if (ftruncate(s->fd, (off_t)s->size) < 0)
		return hc_error_os(errno, "extending a temporary file in %s to %llu bytes",
				   s->dir, (unsigned long long)s->size);
	return NULL;
}

uint64_t spool_disk_usage(const struct spool *s)
{
	struct stat st;
	if (fstat(s->fd, &st) < 0)
		return 0;
	return (uint64_t)st.st_blocks * 512;
}
