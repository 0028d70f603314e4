/*
 * Input files: see include/hmapcore/file.h.
 *
 * An uncompressed file is mapped MAP_PRIVATE with PROT_READ|PROT_WRITE: the
 * file itself is never written (private mappings are copy-on-write), but
 * libelf may patch its in-memory section headers (elf_compress() does, when
 * libdw decompresses .debug_* sections), and that must not fault. The
 * mapping is MAP_NORESERVE: only the few pages libelf copies need memory,
 * so the kernel must not charge every page of a core larger than the
 * machine's memory as if each could be copied ("Cannot allocate memory").
 *
 * A compressed file, and standard input ("-"), is written to a temporary
 * file (src/core/spool.c: unlinked, sparse) through a small window, then
 * mapped as above: memory stays bounded whatever the core's size, and the
 * kernel may drop clean pages under pressure. Only memory input
 * (hc_file_open_memory(), for tests and fuzzers) is decompressed into an
 * anonymous mapping that grows with mremap() (no copy on growth) and is
 * trimmed to the final size.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "hmapcore/file.h"
#include "hmapcore/sha256.h"
#include "hmapcore/threads.h"
#include "cache.h"
#include "spool.h"

enum map_kind {
	MAP_KIND_NONE,     /* empty file, or borrowed memory */
	MAP_KIND_FILE,     /* mmap of the file */
	MAP_KIND_ANON,     /* decompressed into an anonymous mapping */
};

static const int map_flags = MAP_PRIVATE | MAP_NORESERVE;
/*
 * The window through which decompressed bytes go to a spool file: small
 * enough to stay in the CPU's cache between the decoder writing it, the
 * zero test and the copy to the file (info on a 3.1 GiB zstd core, TMPDIR
 * on tmpfs: 13.8-15.8 s with 256 KiB, 17.2-17.8 s with 4 MiB).
 */
static const size_t spool_window = (size_t)256 << 10;

static const uint64_t default_max_size = UINT64_C(64) << 30;
static const size_t chunk_in = 1 << 20;

/* The decompression cache (hc_file_set_cache()): off while dir is NULL. */
static struct {
	char *dir;
	uint64_t max;
} cache;

struct hc_error *hc_file_set_cache(const char *dir, uint64_t max)
{
	free(cache.dir);
	cache.dir = NULL;
	if (!dir)
		return NULL;
	struct hc_error *err = cache_dir_check(dir);
	if (err)
		return err;
	if (!(cache.dir = strdup(dir)))
		return &hc_error_nomem;
	cache.max = max ? max : hc_file_cache_default_max;
	return NULL;
}

const char *hc_compression_name(enum hc_compression c)
{
	switch (c) {
	case HC_COMPRESSION_NONE:
		return "none";
	case HC_COMPRESSION_XZ:
		return "xz";
	case HC_COMPRESSION_ZSTD:
		return "zstd";
	case HC_COMPRESSION_GZIP:
		return "gzip";
	}
	return "unknown";
}

enum hc_compression hc_file_detect(const void *data, size_t size)
{
	static const uint8_t xz_magic[6] = {0xfd, '7', 'z', 'X', 'Z', 0x00};
	static const uint8_t zstd_magic[4] = {0x28, 0xb5, 0x2f, 0xfd};
	static const uint8_t gzip_magic[2] = {0x1f, 0x8b};
	const uint8_t *p = data;
	if (size >= sizeof(xz_magic) && !memcmp(p, xz_magic, sizeof(xz_magic)))
		return HC_COMPRESSION_XZ;
	if (size >= sizeof(zstd_magic) &&
	    !memcmp(p, zstd_magic, sizeof(zstd_magic)))
		return HC_COMPRESSION_ZSTD;
	if (size >= sizeof(gzip_magic) &&
	    !memcmp(p, gzip_magic, sizeof(gzip_magic)))
		return HC_COMPRESSION_GZIP;
	return HC_COMPRESSION_NONE;
}

/* ---------------------------------------------------------------- output */

/*
 * Where decompressed bytes go. The decoders write at data + size, up to
 * outbuf_room(), and call outbuf_grow() when it is 0. Without a sink,
 * data is the whole output in a growing anonymous mapping; with one, data
 * is a window: outbuf_grow() writes it to the sink and starts it again,
 * and `done` counts the bytes already written (outbuf_total()).
 */
struct outbuf {
	uint8_t *data;
	size_t size;
	size_t cap;
	uint64_t done;
	uint64_t max;
	const char *what;
	/* The input ended inside the stream: what decoded is kept. */
	bool truncated;
	struct spool *sink;
	/* With a sink, when not NULL: hashes what is written to it. */
	struct hc_sha256 *hash;
	/*
	 * With a sink, the mapped compressed input (page-aligned): the pages
	 * read are dropped as the decoder passes them, so they do not stay
	 * in this process's memory; `in_dropped` bytes are gone.
	 */
	const uint8_t *in;
	size_t in_dropped;
};

/* Bytes decompressed so far. */
static uint64_t outbuf_total(const struct outbuf *o)
{
	return o->done + o->size;
}

static size_t page_round(size_t n)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	return (n + page - 1) & ~(page - 1);
}

/*
 * Unmapping a large core (mapped, or decompressed) drops a page-table
 * entry for each page read (10^5 to 10^6): 40-70 ms at exit on the 3 GB
 * bench core, on one CPU. Another thread drops the first half's
 * (MADV_DONTNEED takes the mapping lock for reading, so both halves go
 * at once) and munmap has little left: 18-27 ms and 25-45 ms for the
 * halves under strace.
 */
#define SPLIT_UNMAP_MIN ((size_t)512 << 20)

struct zap {
	void *p;
	size_t n;
};

static void *zap_thread(void *arg)
{
	struct zap *z = arg;
	madvise(z->p, z->n, MADV_DONTNEED);
	return NULL;
}

static void unmap_file(void *map, size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	if (size >= SPLIT_UNMAP_MIN && hc_other_cpu()) {
		struct zap z = {map, (size / 2) & ~(page - 1)};
		pthread_t th;
		if (pthread_create(&th, NULL, zap_thread, &z) == 0) {
			madvise((char *)map + z.n, size - z.n, MADV_DONTNEED);
			pthread_join(th, NULL);
		}
	}
	munmap(map, size);
}

static struct hc_error *outbuf_init(struct outbuf *o, size_t hint,
				    uint64_t max, const char *what,
				    struct spool *sink)
{
	size_t cap = hint < (1 << 20) ? (1 << 20) : hint;
	if (sink)
		cap = spool_window;
	if (cap > max && max >= 4096)
		cap = (size_t)max;
	cap = page_round(cap);
	void *p = mmap(NULL, cap, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return hc_error_os(errno, "allocating %zu bytes for %s data",
				   cap, what);
	o->data = p;
	o->size = 0;
	o->cap = cap;
	o->done = 0;
	o->max = max;
	o->what = what;
	o->truncated = false;
	o->sink = sink;
	o->hash = NULL;
	o->in = NULL;
	o->in_dropped = 0;
	return NULL;
}

static void outbuf_deinit(struct outbuf *o)
{
	if (o->data)
		munmap(o->data, o->cap);
	o->data = NULL;
}

/* Write the window to the sink (hashing it) and start it again. */
static struct hc_error *outbuf_flush(struct outbuf *o)
{
	if (o->hash)
		cache_digest_update(o->hash, o->data, o->size, o->done);
	struct hc_error *err = spool_write(o->sink, o->data, o->size);
	if (err)
		return err;
	o->done += o->size;
	o->size = 0;
	return NULL;
}

/* Make room for at least one more byte (doubling). */
static struct hc_error *outbuf_grow(struct outbuf *o)
{
	if (outbuf_total(o) >= o->max)
		return hc_error_create(HC_ERROR_UNSUPPORTED,
				       "decompressed %s data exceeds the limit of %llu bytes",
				       o->what, (unsigned long long)o->max);
	if (o->size < o->cap)
		return NULL;
	if (o->sink)
		return outbuf_flush(o);
	if (o->cap > SIZE_MAX / 2)
		return hc_error_create(HC_ERROR_UNSUPPORTED,
				       "decompressed %s data too large", o->what);
	size_t cap = o->cap * 2;
	void *p = mremap(o->data, o->cap, cap, MREMAP_MAYMOVE);
	if (p == MAP_FAILED)
		return hc_error_os(errno, "growing the buffer for %s data to %zu bytes",
				   o->what, cap);
	o->data = p;
	o->cap = cap;
	return NULL;
}

/*
 * The decoder has read the input up to @p next: drop the mapped pages
 * before it, a few MiB at a time (they are clean file pages; reading them
 * again would read the file).
 */
static void outbuf_read_to(struct outbuf *o, const void *next)
{
	if (!o->in)
		return;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t pos = (size_t)((const uint8_t *)next - o->in) & ~(page - 1);
	if (pos - o->in_dropped < spool_window)
		return;
	madvise((void *)(o->in + o->in_dropped), pos - o->in_dropped,
		MADV_DONTNEED);
	o->in_dropped = pos;
}

/* Bytes that may be written now without passing the size limit. */
static size_t outbuf_room(const struct outbuf *o)
{
	size_t room = o->cap - o->size;
	if ((uint64_t)room > o->max - outbuf_total(o))
		room = (size_t)(o->max - outbuf_total(o));
	return room;
}

/* Map @p size bytes of @p fd as the contents of @p file. */
static struct hc_error *map_fd(int fd, size_t size, struct hc_file *file)
{
	void *map = NULL;
	if (size) {
		map = mmap(NULL, size, PROT_READ | PROT_WRITE, map_flags, fd, 0);
		if (map == MAP_FAILED)
			return hc_error_os(errno, "mapping %s", file->path);
	}
	file->map = map;
	file->map_size = size;
	file->map_kind = map ? MAP_KIND_FILE : MAP_KIND_NONE;
	file->data = map ? map : (const uint8_t *)"";
	file->size = size;
	return NULL;
}

/* Map a finished spool as the contents of @p file; the spool is closed. */
static struct hc_error *spool_to_file(struct spool *sp, struct hc_file *file)
{
	struct hc_error *err = spool_finish(sp);
	if (err)
		return err;
	if (sp->size > SIZE_MAX)
		return hc_error_create(HC_ERROR_UNSUPPORTED,
				       "%s: too large for this machine",
				       file->path);
	if ((err = map_fd(sp->fd, (size_t)sp->size, file)))
		return err;
	file->spool_disk = spool_disk_usage(sp);
	free(file->spool_dir);
	file->spool_dir = sp->dir;
	sp->dir = NULL;
	spool_deinit(sp);
	return NULL;
}

/* Shrink to the final size and hand the mapping to @p file. */
static struct hc_error *outbuf_finish(struct outbuf *o, struct hc_file *file)
{
	if (o->sink) {
		struct hc_error *err = outbuf_flush(o);
		if (err)
			return err;
		outbuf_deinit(o);
		return spool_to_file(o->sink, file);
	}
	size_t want = page_round(o->size ? o->size : 1);
	if (want < o->cap) {
		void *p = mremap(o->data, o->cap, want, 0);
		if (p != MAP_FAILED)
			o->cap = want;
	}
	file->map = o->data;
	file->map_size = o->cap;
	file->map_kind = MAP_KIND_ANON;
	file->data = o->data;
	file->size = o->size;
	o->data = NULL;
	return NULL;
}

/* ---------------------------------------------------------------- decoders */

static const char *lzma_msg(lzma_ret r)
{
	switch (r) {
	case LZMA_MEM_ERROR:
		return "out of memory";
	case LZMA_FORMAT_ERROR:
		return "not in xz format";
	case LZMA_OPTIONS_ERROR:
		return "unsupported options";
	case LZMA_DATA_ERROR:
		return "corrupt data";
	case LZMA_BUF_ERROR:
		return "unexpected end of input";
	case LZMA_MEMLIMIT_ERROR:
		return "memory limit reached";
	default:
		return "decoder error";
	}
}

static struct hc_error *decode_xz(const uint8_t *in, size_t in_size,
				  struct outbuf *o)
{
	lzma_stream s = LZMA_STREAM_INIT;
#if LZMA_VERSION >= 50040000
	// Multi-block files (xz -T0) decode in parallel; single-block ones
	// (xz -T1, the fixtures) decode as with lzma_stream_decoder().
	long cpus = hc_cpus();
	lzma_mt mt = {
		.flags = LZMA_CONCATENATED,
		.threads = cpus > 8 ? 8 : (uint32_t)cpus,
		.memlimit_threading = UINT64_C(1) << 30,
		.memlimit_stop = UINT64_MAX,
	};
	lzma_ret r = lzma_stream_decoder_mt(&s, &mt);
#else
	lzma_ret r = lzma_stream_decoder(&s, UINT64_MAX, LZMA_CONCATENATED);
#endif
	if (r != LZMA_OK)
		return hc_error_create(HC_ERROR_BAD_DATA, "xz: %s", lzma_msg(r));
	s.next_in = in;
	s.avail_in = in_size;
	struct hc_error *err = NULL;
	for (;;) {
		if (!outbuf_room(o) && (err = outbuf_grow(o)))
			break;
		s.next_out = o->data + o->size;
		s.avail_out = outbuf_room(o);
		size_t before = s.avail_out;
		r = lzma_code(&s, s.avail_in ? LZMA_RUN : LZMA_FINISH);
		outbuf_read_to(o, s.next_in);
		o->size += before - s.avail_out;
		if (r == LZMA_STREAM_END)
			break;
		if (r == LZMA_BUF_ERROR && s.avail_in == 0) {
			o->truncated = true;
			break;
		}
		if (r != LZMA_OK) {
			err = hc_error_create(HC_ERROR_BAD_DATA,
					      "corrupt xz data at compressed offset %llu: %s",
					      (unsigned long long)s.total_in,
					      lzma_msg(r));
			break;
		}
	}
	lzma_end(&s);
	return err;
}

static struct hc_error *decode_zstd(const uint8_t *in, size_t in_size,
				    struct outbuf *o)
{
	ZSTD_DStream *ds = ZSTD_createDStream();
	if (!ds)
		return &hc_error_nomem;
	ZSTD_initDStream(ds);
	ZSTD_inBuffer ib = {in, in_size, 0};
	struct hc_error *err = NULL;
	size_t last = 1;
	for (;;) {
		if (!outbuf_room(o) && (err = outbuf_grow(o)))
			break;
		ZSTD_outBuffer ob = {o->data + o->size, outbuf_room(o), 0};
		last = ZSTD_decompressStream(ds, &ob, &ib);
		outbuf_read_to(o, in + ib.pos);
		o->size += ob.pos;
		if (ZSTD_isError(last)) {
			err = hc_error_create(HC_ERROR_BAD_DATA,
					      "corrupt zstd data at compressed offset %zu: %s",
					      ib.pos, ZSTD_getErrorName(last));
			break;
		}
		// Done when all input is consumed and the last frame is
		// complete (last == 0) and nothing is left buffered (the
		// output buffer was not filled).
		// (A frame that ends exactly where the output buffer does
		// returns 0 with the buffer full: calling again would start
		// a frame that is not there.)
		if (ib.pos == ib.size && (ob.pos < ob.size || last == 0)) {
			if (last != 0)
				o->truncated = true;
			break;
		}
	}
	ZSTD_freeDStream(ds);
	return err;
}

static struct hc_error *decode_gzip(const uint8_t *in, size_t in_size,
				    struct outbuf *o)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return &hc_error_nomem;
	struct hc_error *err = NULL;
	size_t pos = 0;
	for (;;) {
		if (!outbuf_room(o) && (err = outbuf_grow(o)))
			break;
		// zlib counts in uInt: feed the input in chunks.
		if (z.avail_in == 0) {
			size_t n = in_size - pos;
			if (n > chunk_in)
				n = chunk_in;
			z.next_in = (Bytef *)(in + pos);
			z.avail_in = (uInt)n;
			pos += n;
		}
		size_t room = outbuf_room(o);
		if (room > chunk_in)
			room = chunk_in;
		z.next_out = o->data + o->size;
		z.avail_out = (uInt)room;
		int r = inflate(&z, Z_NO_FLUSH);
		outbuf_read_to(o, z.next_in);
		o->size += room - z.avail_out;
		if (r == Z_STREAM_END) {
			// Concatenated gzip members (what `cat a.gz b.gz`
			// makes) are one stream, as gunzip reads them.
			size_t rest = z.avail_in + (in_size - pos);
			const uint8_t *next = z.next_in;
			if (rest >= 2 && next[0] == 0x1f && next[1] == 0x8b) {
				if (inflateReset(&z) != Z_OK) {
					err = hc_error_create(HC_ERROR_BAD_DATA,
							      "gzip: cannot reset");
					break;
				}
				continue;
			}
			break;
		}
		if (r == Z_BUF_ERROR && z.avail_in == 0 && pos == in_size) {
			o->truncated = true;
			break;
		}
		if (r != Z_OK && r != Z_BUF_ERROR) {
			err = hc_error_create(HC_ERROR_BAD_DATA,
					      "corrupt gzip data at compressed offset %lu: %s",
					      (unsigned long)z.total_in,
					      z.msg ? z.msg : "inflate error");
			break;
		}
	}
	inflateEnd(&z);
	return err;
}

/* A guess of the decompressed size, so most inputs need no regrowth. */
static size_t size_hint(enum hc_compression c, const uint8_t *in, size_t n)
{
	if (c == HC_COMPRESSION_ZSTD) {
		unsigned long long s = ZSTD_getFrameContentSize(in, n);
		if (s != ZSTD_CONTENTSIZE_UNKNOWN && s != ZSTD_CONTENTSIZE_ERROR &&
		    s < (SIZE_MAX >> 1))
			return (size_t)s + 1;
	}
	if (c == HC_COMPRESSION_GZIP && n >= 18) {
		// ISIZE: the size modulo 2^32 of the last member.
		uint32_t isize = (uint32_t)in[n - 4] | (uint32_t)in[n - 3] << 8 |
				 (uint32_t)in[n - 2] << 16 |
				 (uint32_t)in[n - 1] << 24;
		if (isize >= n)
			return (size_t)isize + 1;
	}
	// Cores compress very well: start at 8x and double.
	return n > SIZE_MAX / 8 ? n : n * 8;
}

/* Run the decoder of @p c over @p in into @p o. */
static struct hc_error *decode(enum hc_compression c, const uint8_t *in,
			       size_t in_size, struct outbuf *o)
{
	struct hc_error *err = NULL;
	switch (c) {
	case HC_COMPRESSION_XZ:
		err = decode_xz(in, in_size, o);
		break;
	case HC_COMPRESSION_ZSTD:
		err = decode_zstd(in, in_size, o);
		break;
	case HC_COMPRESSION_GZIP:
		err = decode_gzip(in, in_size, o);
		break;
	case HC_COMPRESSION_NONE:
		break;
	}
	if (!err && o->truncated && !outbuf_total(o))
		err = hc_error_create(HC_ERROR_BAD_DATA, "truncated %s data: nothing decodes "
				      "from its %zu compressed bytes",
				      hc_compression_name(c), in_size);
	return err;
}

/*
 * Decompress @p in into @p file: into a spool file when @p to_disk, else
 * into anonymous memory.
 */
static struct hc_error *decompress(enum hc_compression c, const uint8_t *in,
				   size_t in_size, uint64_t max, bool to_disk,
				   struct hc_file *file)
{
	const char *what = hc_compression_name(c);
	struct spool sp = {.fd = -1};
	struct hc_error *err;
	if (to_disk && (err = spool_init(&sp)))
		return err;
	struct outbuf o;
	memset(&o, 0, sizeof(o));
	err = outbuf_init(&o, size_hint(c, in, in_size), max, what,
			  to_disk ? &sp : NULL);
	if (err) {
		spool_deinit(&sp);
		return err;
	}
	if (to_disk)
		o.in = in;
	err = decode(c, in, in_size, &o);
	/* A truncated stream is read as a truncated plain file is: what
	 * decoded, the rest unknown (core-truncated). */
	if (!err) {
		file->stream_truncated = o.truncated;
		err = outbuf_finish(&o, file);
	}
	outbuf_deinit(&o);
	spool_deinit(&sp);
	if (err)
		return err;
	file->compression = c;
	return NULL;
}

/*
 * Decompress @p in into a new cache entry (written under a temporary name,
 * then renamed) and map it as @p file.
 */
static struct hc_error *decompress_into_cache(enum hc_compression c,
					      const uint8_t *in, size_t in_size,
					      uint64_t max,
					      const struct cache_key *key,
					      struct hc_file *file)
{
	struct spool sp;
	char *tmp;
	struct hc_error *err = spool_init_named(&sp, cache.dir, &tmp);
	if (err)
		return err;
	struct outbuf o;
	memset(&o, 0, sizeof(o));
	struct hc_sha256 h;
	hc_sha256_init(&h);
	if ((err = outbuf_init(&o, spool_window, max, hc_compression_name(c),
			       &sp)))
		goto out;
	o.in = in;
	o.hash = &h;
	if ((err = decode(c, in, in_size, &o)) || (err = outbuf_flush(&o)) ||
	    (err = spool_finish(&sp)))
		goto out;
	struct cache_meta meta = {.size = sp.size, .truncated = o.truncated};
	hc_sha256_final(&h, meta.sum);
	char *path;
	if ((err = cache_commit(cache.dir, tmp, sp.fd, key, &meta, &path)))
		goto out;
	free(tmp);
	tmp = NULL;
	// (Not spool_to_file(): its spool_finish() would cut the trailer.)
	if (sp.size > SIZE_MAX)
		err = hc_error_create(HC_ERROR_UNSUPPORTED,
				      "%s: too large for this machine", file->path);
	else
		err = map_fd(sp.fd, (size_t)sp.size, file);
	if (!err) {
		file->stream_truncated = meta.truncated;
		file->compression = c;
		file->cache_state = HC_FILE_CACHE_STORED;
		cache_evict(cache.dir, cache.max, path);
	}
	free(path);
out:
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	outbuf_deinit(&o);
	spool_deinit(&sp);
	return err;
}

/*
 * Decompress @p in into a file on disk: from or into the cache when one is
 * set, else into a spool file.
 */
static struct hc_error *decompress_to_disk(enum hc_compression c,
					   const uint8_t *in, size_t in_size,
					   uint64_t max, struct hc_file *file)
{
	if (!cache.dir)
		return decompress(c, in, in_size, max, true, file);
	// The key: hashing the compressed bytes costs far less than
	// decompressing them.
	struct cache_key key = {.size = in_size, .kind = (uint32_t)c};
	hc_sha256(in, in_size, key.sum);
	int fd;
	struct cache_meta meta;
	cache_lookup(cache.dir, &key, max, &fd, &meta, &file->cache_note);
	if (fd < 0)
		return decompress_into_cache(c, in, in_size, max, &key, file);
	struct hc_error *err = NULL;
	if (meta.size > SIZE_MAX)
		err = hc_error_create(HC_ERROR_UNSUPPORTED,
				      "%s: too large for this machine", file->path);
	else
		err = map_fd(fd, (size_t)meta.size, file);
	close(fd);
	if (err)
		return err;
	file->stream_truncated = meta.truncated;
	file->compression = c;
	file->cache_state = HC_FILE_CACHE_HIT;
	return NULL;
}

/* ---------------------------------------------------------------- files */

/*
 * Standard input: copied to a spool file (a pipe cannot be mapped), then
 * decompressed into a second one if it is compressed.
 */
static struct hc_error *open_stdin(struct hc_file *file, uint64_t max_size)
{
	struct spool sp;
	struct hc_error *err = spool_init(&sp);
	if (err)
		return err;
	if (!(err = spool_copy_fd(&sp, STDIN_FILENO, "standard input",
				  max_size)))
		err = spool_to_file(&sp, file);
	spool_deinit(&sp);
	if (err)
		return err;
	file->disk_size = file->size;
	enum hc_compression c = hc_file_detect(file->data, file->size);
	if (c == HC_COMPRESSION_NONE)
		return NULL;
	void *map = file->map;
	size_t size = file->map_size;
	file->map = NULL;
	file->map_kind = MAP_KIND_NONE;
	madvise(map, size, MADV_SEQUENTIAL);
	err = decompress_to_disk(c, map, size, max_size, file);
	munmap(map, size);
	return err;
}

struct hc_error *hc_file_open(const char *path, uint64_t max_size,
			      struct hc_file **ret)
{
	if (!max_size)
		max_size = default_max_size;
	struct hc_error *err = NULL;
	struct hc_file *file = calloc(1, sizeof(*file));
	if (!file)
		return &hc_error_nomem;
	file->path = strdup(path);
	if (!file->path) {
		err = &hc_error_nomem;
		goto out_file;
	}
	if (!strcmp(path, "-")) {
		if ((err = open_stdin(file, max_size)))
			goto out_file;
		*ret = file;
		return NULL;
	}
	/* O_NONBLOCK: opening a FIFO without a writer would wait forever;
	 * anything but a regular file is refused below, at once. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		err = hc_error_os(errno, "opening %s", path);
		goto out_file;
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		err = hc_error_os(errno, "reading %s", path);
		goto out_fd;
	}
	if (!S_ISREG(st.st_mode)) {
		err = hc_error_create(HC_ERROR_OS, "%s: not a regular file",
				      path);
		goto out_fd;
	}
	if ((uint64_t)st.st_size > SIZE_MAX) {
		err = hc_error_create(HC_ERROR_UNSUPPORTED,
				      "%s: too large for this machine", path);
		goto out_fd;
	}
	file->disk_size = (uint64_t)st.st_size;
	size_t size = (size_t)st.st_size;
	void *map = NULL;
	if (size) {
		map = mmap(NULL, size, PROT_READ | PROT_WRITE, map_flags, fd,
			   0);
		if (map == MAP_FAILED) {
			err = hc_error_os(errno, "mapping %s", path);
			goto out_fd;
		}
	}
	close(fd);
	enum hc_compression c = hc_file_detect(map, size);
	if (c == HC_COMPRESSION_NONE) {
		if (size > max_size) {
			munmap(map, size);
			err = hc_error_create(HC_ERROR_UNSUPPORTED,
					      "%s: larger than the limit of %llu bytes",
					      path, (unsigned long long)max_size);
			goto out_file;
		}
		file->map = map;
		file->map_size = size;
		file->map_kind = map ? MAP_KIND_FILE : MAP_KIND_NONE;
		file->data = map ? map : (const uint8_t *)"";
		file->size = size;
		*ret = file;
		return NULL;
	}
	madvise(map, size, MADV_SEQUENTIAL);
	err = decompress_to_disk(c, map, size, max_size, file);
	munmap(map, size);
	if (err) {
		err = hc_error_prefix(err, "%s", path);
		goto out_file;
	}
	*ret = file;
	return NULL;

out_fd:
	close(fd);
out_file:
	hc_file_destroy(file);
	return err;
}

struct hc_error *hc_file_open_memory_limit(const void *data, size_t size,
					   const char *name, uint64_t max_size,
					   struct hc_file **ret)
{
	if (!max_size)
		max_size = default_max_size;
	if (!name)
		name = "<memory>";
	struct hc_file *file = calloc(1, sizeof(*file));
	if (!file)
		return &hc_error_nomem;
	file->path = strdup(name);
	if (!file->path) {
		free(file);
		return &hc_error_nomem;
	}
	file->disk_size = size;
	enum hc_compression c = hc_file_detect(data, size);
	if (c == HC_COMPRESSION_NONE) {
		if (size > max_size) {
			hc_file_destroy(file);
			return hc_error_create(HC_ERROR_UNSUPPORTED,
					       "%s: larger than the limit of %llu bytes",
					       name, (unsigned long long)max_size);
		}
		file->data = size ? data : (const uint8_t *)"";
		file->size = size;
		file->map_kind = MAP_KIND_NONE;
		*ret = file;
		return NULL;
	}
	struct hc_error *err = decompress(c, data, size, max_size, false,
					  file);
	if (err) {
		hc_file_destroy(file);
		return hc_error_prefix(err, "%s", name);
	}
	*ret = file;
	return NULL;
}

struct hc_error *hc_file_open_memory(const void *data, size_t size,
				     const char *name, struct hc_file **ret)
{
	return hc_file_open_memory_limit(data, size, name, 0, ret);
}

void hc_file_destroy(struct hc_file *file)
{
	if (!file)
		return;
	if (file->map_kind != MAP_KIND_NONE && file->map)
		unmap_file(file->map, file->map_size);
	free(file->spool_dir);
	free(file->cache_note);
	free(file->path);
	free(file);
}
