/*
 * The target's address space: see include/hmapcore/aspace.h.
 *
 * Which source holds an address:
 *  - the core, for bytes its segment holds (offset < p_filesz, present);
 *  - else the executable's file bytes (at addr - bias), when the core has
 *    no bytes there because it did not dump them (p_filesz == 0, or past
 *    p_filesz, or no segment at all), or when a read-only segment was cut
 *    off by truncation (read-only file-backed memory equals the file).
 *    A writable segment lost to truncation is a FAULT: the executable's
 *    initial .data would be a lie.
 *  - else a file the process had mapped (NT_FILE) that the core left out,
 *    read from disk when hc_aspace_use_files() found it at its path, big
 *    enough for the mapping (as gdb does);
 *  - else nothing: a FAULT that says "not in the core (file-backed: PATH)"
 *    when NT_FILE lists a file there.
 */
#include "config.h"

#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hmapcore/aspace.h"

/* A mapped file read from disk for a mapping the core left out. */
struct disk_file {
	uint64_t start, end;
	/** The whole file, mapped read-only. */
	const uint8_t *data;
	uint64_t size;
	uint64_t file_offset;
};

struct hc_aspace {
	const struct hc_core *core;
	const uint8_t *core_data;
	const struct hc_elffile *exe;
	uint64_t bias;
	/** Set once by hc_aspace_use_files(), read-only afterwards. */
	struct disk_file *files;
	size_t nfiles;
};

struct hc_error *hc_aspace_create(const struct hc_core *core,
				  const struct hc_elffile *exe, uint64_t bias,
				  struct hc_aspace **ret)
{
	if (!core)
		return hc_error_create(HC_ERROR_INVALID_ARG,
				       "an address space needs a core");
	struct hc_aspace *as = calloc(1, sizeof(*as));
	if (!as)
		return &hc_error_nomem;
	as->core = core;
	as->core_data = hc_core_file(core)->data;
	as->exe = exe;
	as->bias = bias;
	*ret = as;
	return NULL;
}

static _Thread_local const struct hc_aspace *last_as;
static _Thread_local const struct hc_core_segment *last_seg;

void hc_aspace_destroy(struct hc_aspace *as)
{
	/* A later address space may get the same address. */
	if (last_as == as) {
		last_as = NULL;
		last_seg = NULL;
	}
	if (!as)
		return;
	for (size_t i = 0; i < as->nfiles; i++)
		munmap((void *)as->files[i].data, (size_t)as->files[i].size);
	free(as->files);
	free(as);
}

/* Bytes from @p addr (in no core segment) to the next core segment. */
static uint64_t gap_size(const struct hc_core *core, uint64_t addr)
{
	size_t n;
	const struct hc_core_segment *segs = hc_core_segments(core, &n);
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (segs[mid].vaddr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n ? segs[lo].vaddr - addr : UINT64_MAX;
}

/*
 * Where the byte at @p addr lives: a pointer and how many bytes follow
 * contiguously in that buffer, or NULL. Allocates nothing.
 */
/* last_as / last_seg (above): the core segment of the last read, per
 * thread: walks over a map or a stack read one segment many times in a
 * row. */
static const uint8_t *locate(const struct hc_aspace *as, uint64_t addr,
			     uint64_t *n_ret)
{
	const struct hc_core_segment *s = last_seg;
	if (last_as == as && s && addr - s->vaddr < s->avail) {
		uint64_t k = addr - s->vaddr;
		*n_ret = s->avail - k;
		return as->core_data + s->offset + k;
	}
	s = hc_core_segment_for(as->core, addr);
	if (s && addr - s->vaddr < s->avail) {
		last_as = as;
		last_seg = s;
	}
	uint64_t limit = UINT64_MAX; // bytes until the core segment ends
	if (s) {
		uint64_t k = addr - s->vaddr;
		if (k < s->avail) {
			*n_ret = s->avail - k;
			return as->core_data + s->offset + k;
		}
		bool not_dumped = k >= s->filesz;
		if (!not_dumped && (s->flags & PF_W))
			return NULL;
		limit = s->memsz - k;
	} else {
		limit = gap_size(as->core, addr);
	}
	uint64_t n;
	const uint8_t *p = as->exe ? hc_elffile_bytes_at(as->exe, addr - as->bias, &n) : NULL;
	if (!p) {
		for (size_t i = 0; i < as->nfiles; i++) {
			const struct disk_file *f = &as->files[i];
			if (addr < f->start || addr >= f->end)
				continue;
			uint64_t at = f->file_offset + (addr - f->start);
			if (at >= f->size)
				return NULL;
			n = f->end - addr;
			if (n > f->size - at)
				n = f->size - at;
			if (n > limit)
				n = limit;
			*n_ret = n;
			return f->data + at;
		}
		return NULL;
	}
	// Do not let exe bytes cover core bytes that follow in this segment.
	if (n > limit)
		n = limit;
	*n_ret = n;
	return p;
}

struct hc_error *hc_aspace_read(const struct hc_aspace *as, uint64_t addr,
				void *buf, size_t len)
{
	uint8_t *out = buf;
	while (len) {
		uint64_t n;
		const uint8_t *p = locate(as, addr, &n);
		if (p && n >= len && len == 8) {
			memcpy(out, p, 8);
			return NULL;
		}
		if (!p) {
			const struct hc_core_segment *s =
				hc_core_segment_for(as->core, addr);
			if (!s)
				return hc_error_fault(addr, "address not mapped");
			if (addr - s->vaddr < s->filesz)
				return hc_error_fault(addr,
						      "memory missing from the truncated core");
			const struct hc_core_mapping *m = hc_aspace_file_at(as, addr);
			if (m)
				return hc_error_fault(addr, "not in the core (file-backed: %s)",
						      m->path);
			return hc_error_fault(addr,
					      "memory not in the core or the executable");
		}
		if (n > len)
			n = len;
		memcpy(out, p, (size_t)n);
		out += n;
		addr += n;
		len -= (size_t)n;
		if (len && addr == 0)
			return hc_error_fault(addr, "read wraps the address space");
	}
	return NULL;
}

const void *hc_aspace_ptr(const struct hc_aspace *as, uint64_t addr,
			  size_t len)
{
	uint64_t n;
	const uint8_t *p = locate(as, addr, &n);
	return p && n >= len ? p : NULL;
}

const struct hc_core_mapping *hc_aspace_file_at(const struct hc_aspace *as,
					       uint64_t addr)
{
	size_t n;
	const struct hc_core_mapping *m = hc_core_mappings(as->core, &n);
	for (size_t i = 0; i < n; i++)
		if (addr >= m[i].start && addr < m[i].end)
			return &m[i];
	return NULL;
}

bool hc_aspace_mapped(const struct hc_aspace *as, uint64_t addr)
{
	const struct hc_core_segment *s = hc_core_segment_for(as->core, addr);
	return (s && addr - s->vaddr < s->memsz) || hc_aspace_file_at(as, addr);
}

/* The core holds no byte of [start, end). */
static bool left_out(const struct hc_core *core, uint64_t start, uint64_t end)
{
	for (uint64_t a = start; a < end; a += 4096) {
		const struct hc_core_segment *s = hc_core_segment_for(core, a);
		if (s && a - s->vaddr < s->avail)
			return false;
	}
	return true;
}

struct hc_error *hc_aspace_use_files(struct hc_aspace *as,
				     void (*used)(void *arg, const char *path,
						  uint64_t start, uint64_t end),
				     void *arg)
{
	size_t n;
	const struct hc_core_mapping *m = hc_core_mappings(as->core, &n);
	for (size_t i = 0; i < n; i++) {
		// Only what nothing else holds: not the core, not the
		// executable (its own segments are read from it already).
		if (m[i].end <= m[i].start || !left_out(as->core, m[i].start, m[i].end))
			continue;
		uint64_t k;
		if (as->exe && hc_elffile_bytes_at(as->exe, m[i].start - as->bias, &k))
			continue;
		int fd = open(m[i].path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		struct stat st;
		// Plausibly the same file: a regular file that holds the whole
		// mapping but its last page.
		uint64_t need = m[i].file_offset + (m[i].end - m[i].start);
		if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
		    (uint64_t)st.st_size + 4095 < need || (uint64_t)st.st_size > SIZE_MAX) {
			close(fd);
			continue;
		}
		void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		close(fd);
		if (p == MAP_FAILED)
			continue;
		// ELF files are the executable and shared libraries: their
		// build ids, not a path, say whether they are the process's
		// (native.h); only data files are read this way.
		if (st.st_size >= 4 && memcmp(p, ELFMAG, SELFMAG) == 0) {
			munmap(p, (size_t)st.st_size);
			continue;
		}
		struct disk_file *nf = realloc(as->files, (as->nfiles + 1) * sizeof(*nf));
		if (!nf) {
			munmap(p, (size_t)st.st_size);
			return &hc_error_nomem;
		}
		as->files = nf;
		as->files[as->nfiles++] = (struct disk_file){
			.start = m[i].start, .end = m[i].end, .data = p,
			.size = (uint64_t)st.st_size, .file_offset = m[i].file_offset};
		if (used)
			used(arg, m[i].path, m[i].start, m[i].end);
	}
	return NULL;
}

bool hc_aspace_readable(const struct hc_aspace *as, uint64_t addr)
{
	uint64_t n;
	return locate(as, addr, &n) != NULL;
}

struct hc_error *hc_aspace_read_u8(const struct hc_aspace *as, uint64_t addr,
				   uint8_t *ret)
{
	return hc_aspace_read(as, addr, ret, 1);
}

struct hc_error *hc_aspace_read_u16(const struct hc_aspace *as, uint64_t addr,
				    uint16_t *ret)
{
	uint8_t b[2];
	struct hc_error *err = hc_aspace_read(as, addr, b, sizeof(b));
	if (err)
		return err;
	*ret = (uint16_t)(b[0] | b[1] << 8);
	return NULL;
}

struct hc_error *hc_aspace_read_u32(const struct hc_aspace *as, uint64_t addr,
				    uint32_t *ret)
{
	uint8_t b[4];
	struct hc_error *err = hc_aspace_read(as, addr, b, sizeof(b));
	if (err)
		return err;
	*ret = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
	return NULL;
}

struct hc_error *hc_aspace_read_u64(const struct hc_aspace *as, uint64_t addr,
				    uint64_t *ret)
{
	uint8_t b[8];
	struct hc_error *err = hc_aspace_read(as, addr, b, sizeof(b));
	if (err)
		return err;
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | b[i];
	*ret = v;
	return NULL;
}

struct hc_error *hc_aspace_read_bytes(const struct hc_aspace *as, uint64_t addr,
				      uint64_t len, uint64_t max, char **ret)
{
	if (len > max || len >= SIZE_MAX)
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "string of %llu bytes at 0x%llx is longer than %llu",
				       (unsigned long long)len,
				       (unsigned long long)addr,
				       (unsigned long long)max);
	char *s = malloc((size_t)len + 1);
	if (!s)
		return &hc_error_nomem;
	struct hc_error *err = hc_aspace_read(as, addr, s, (size_t)len);
	if (err) {
		free(s);
		return err;
	}
	s[len] = '\0';
	*ret = s;
	return NULL;
}
