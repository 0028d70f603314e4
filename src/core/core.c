/*
 * ELF core files: see include/hmapcore/core.h.
 *
 * Parsed by hand (not libelf) so that every offset and count is checked
 * against the bytes really present: a core cut short by a full disk or a
 * ulimit must still open, and a hostile core must not crash us.
 *
 * Layouts (Linux, x86-64 and AArch64 alike unless said):
 *   struct elf_prstatus (include/uapi/linux/elfcore.h): pr_cursig (short)
 *     @12, pr_pid @32, pr_reg @112; 27 words on x86-64 (user_regs_struct,
 *     total 336), 34 on AArch64 (user_pt_regs, total 392).
 *   struct elf_prpsinfo: pr_state @0, pr_flag @8, pr_uid @16, pr_gid @20,
 *     pr_pid @24, pr_ppid @28, pr_pgrp @32, pr_sid @36, pr_fname[16] @40,
 *     pr_psargs[80] @56 (checked against glibc's <sys/procfs.h>).
 *   siginfo_t: si_signo @0, si_errno @4, si_code @8, union @16.
 *   NT_FILE (fs/binfmt_elf.c fill_files_note): count, page_size,
 *     count x {start, end, pgoff}, then count NUL-terminated paths.
 */
#include "config.h"

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hmapcore/core.h"
#include "hmapcore/vector.h"

#ifndef NT_SIGINFO
#define NT_SIGINFO 0x53494749
#endif
#ifndef NT_FILE
#define NT_FILE 0x46494c45
#endif
#ifndef NT_ARM_TLS
#define NT_ARM_TLS 0x401
#endif
#ifndef NT_GNU_BUILD_ID
#define NT_GNU_BUILD_ID 3
#endif

/* Hard limits on counts read from the core, beyond the bytes present. */
static const uint64_t max_segments = UINT64_C(1) << 24;
static const uint64_t max_note_bytes = UINT64_C(1) << 30;
static const uint64_t max_exe_note_bytes = 1 << 16;
static const uint64_t max_exe_phnum = 1 << 12;
/* Go's note type for the build id (cmd/link/internal/ld/elf.go). */
static const uint32_t go_buildid_note = 4;

HC_DEFINE_VECTOR(segment_vector, struct hc_core_segment)
HC_DEFINE_VECTOR(thread_vector, struct hc_core_thread)
HC_DEFINE_VECTOR(mapping_vector, struct hc_core_mapping)
HC_DEFINE_VECTOR(u64_vector, uint64_t)

struct hc_core {
	struct hc_file *file;
	enum hc_arch arch;
	struct segment_vector segments;
	struct thread_vector threads;
	struct mapping_vector mappings;
	/* auxv as (type, value) pairs, flattened. */
	struct u64_vector auxv;
	struct hc_core_siginfo siginfo;
	bool has_siginfo;
	struct hc_core_prpsinfo prpsinfo;
	bool has_prpsinfo;
	uint64_t expected_size;
	/* NT_FILE path strings, one block. */
	char *paths;
};

const char *hc_arch_name(enum hc_arch arch)
{
	switch (arch) {
	case HC_ARCH_AMD64:
		return "amd64";
	case HC_ARCH_ARM64:
		return "arm64";
	}
	return "unknown";
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* ---------------------------------------------------------------- notes */

/* One note, with name and desc bounded by the bytes present. */
struct note {
	const char *name;
	size_t namesz;
	uint32_t type;
	const uint8_t *desc;
	size_t descsz;
};

/*
 * Iterate over the notes in [p, p+size). Returns false at the end or at the
 * first note that does not fit (a truncated or lying note is not trusted).
 */
static bool note_next(const uint8_t *p, size_t size, size_t *pos,
		      struct note *n)
{
	if (*pos > size || size - *pos < 12)
		return false;
	const uint8_t *h = p + *pos;
	uint64_t namesz = get32(h), descsz = get32(h + 4);
	uint64_t name_pad = (namesz + 3) & ~UINT64_C(3);
	uint64_t desc_pad = (descsz + 3) & ~UINT64_C(3);
	uint64_t left = size - *pos - 12;
	if (name_pad > left || desc_pad > left - name_pad) {
		// Tolerate a missing pad after the very last desc.
		if (name_pad > left || descsz > left - name_pad)
			return false;
		desc_pad = left - name_pad;
	}
	n->type = get32(h + 8);
	n->name = (const char *)h + 12;
	n->namesz = (size_t)namesz;
	n->desc = h + 12 + name_pad;
	n->descsz = (size_t)descsz;
	*pos += 12 + (size_t)name_pad + (size_t)desc_pad;
	return true;
}

static bool note_named(const struct note *n, const char *name)
{
	// namesz counts the NUL, and Go pads its "Go" to 4 bytes
	// (cmd/link/internal/ld/elf.go ELF_NOTE_GO_NAME "Go\x00\x00"):
	// the name, then only NULs; a missing NUL is tolerated too.
	size_t len = strlen(name);
	if (n->namesz < len || memcmp(n->name, name, len))
		return false;
	for (size_t i = len; i < n->namesz; i++) {
		if (n->name[i])
			return false;
	}
	return true;
}

static struct hc_error *parse_prstatus(struct hc_core *core,
				       const struct note *n)
{
	unsigned nregs = core->arch == HC_ARCH_AMD64 ? 27 : 34;
	if (n->descsz < 112 + (size_t)nregs * 8)
		return NULL; // a short note: not a thread we can use
	struct hc_core_thread *t = thread_vector_append_entry(&core->threads);
	if (!t)
		return &hc_error_nomem;
	t->cursig = (int16_t)get16(n->desc + 12);
	t->tid = (int32_t)get32(n->desc + 32);
	t->nregs = nregs;
	for (unsigned i = 0; i < nregs; i++)
		t->regs[i] = get64(n->desc + 112 + 8 * i);
	if (core->arch == HC_ARCH_AMD64) {
		t->pc = t->regs[16];
		t->sp = t->regs[19];
		t->fp = t->regs[4];
		t->greg = t->regs[1];
		t->tls = t->regs[21];
		t->tls_valid = true;
	} else {
		t->pc = t->regs[32];
		t->sp = t->regs[31];
		t->fp = t->regs[29];
		t->lr = t->regs[30];
		t->greg = t->regs[28];
	}
	return NULL;
}

static void parse_prpsinfo(struct hc_core *core, const struct note *n)
{
	if (n->descsz < 136)
		return;
	struct hc_core_prpsinfo *p = &core->prpsinfo;
	memset(p, 0, sizeof(*p));
	p->state = (char)n->desc[0];
	p->uid = get32(n->desc + 16);
	p->gid = get32(n->desc + 20);
	p->pid = (int32_t)get32(n->desc + 24);
	p->ppid = (int32_t)get32(n->desc + 28);
	memcpy(p->fname, n->desc + 40, 16);
	p->fname[16] = '\0';
	memcpy(p->psargs, n->desc + 56, 80);
	p->psargs[80] = '\0';
	core->has_prpsinfo = true;
}

static void parse_siginfo(struct hc_core *core, const struct note *n)
{
	if (n->descsz < 24)
		return;
	struct hc_core_siginfo *s = &core->siginfo;
	memset(s, 0, sizeof(*s));
	s->signo = (int32_t)get32(n->desc);
	s->errnum = (int32_t)get32(n->desc + 4);
	s->code = (int32_t)get32(n->desc + 8);
	// si_code <= 0: sent by a process (SI_USER 0, SI_QUEUE -1, SI_TKILL
	// -6): the union starts with si_pid. Else, for the fault signals,
	// with si_addr.
	if (s->code <= 0)
		s->sender_pid = (int32_t)get32(n->desc + 16);
	else if (s->signo == 11 || s->signo == 7 || s->signo == 4 ||
		 s->signo == 8)
		s->addr = get64(n->desc + 16);
	core->has_siginfo = true;
}

/*
 * Without NT_SIGINFO (qemu-user's cores, kernels before 3.7) the signal is
 * the first thread's pr_cursig: both the kernel (fs/binfmt_elf.c) and
 * qemu (linux-user/elfload.c) write the thread that took the signal first.
 * Its si_code, sender and address are not in the core.
 */
static void siginfo_from_prstatus(struct hc_core *core)
{
	if (core->has_siginfo || core->threads.size == 0 ||
	    core->threads.data[0].cursig <= 0)
		return;
	struct hc_core_siginfo *s = &core->siginfo;
	memset(s, 0, sizeof(*s));
	s->signo = core->threads.data[0].cursig;
	s->from_prstatus = true;
	core->has_siginfo = true;
}

static struct hc_error *parse_auxv(struct hc_core *core, const struct note *n)
{
	size_t pairs = n->descsz / 16;
	core->auxv.size = 0;
	for (size_t i = 0; i < pairs; i++) {
		uint64_t type = get64(n->desc + 16 * i);
		uint64_t value = get64(n->desc + 16 * i + 8);
		if (type == AT_NULL)
			break;
		if (!u64_vector_append(&core->auxv, &type) ||
		    !u64_vector_append(&core->auxv, &value))
			return &hc_error_nomem;
	}
	return NULL;
}

static struct hc_error *parse_file_note(struct hc_core *core,
					const struct note *n)
{
	if (n->descsz < 16 || core->paths)
		return NULL;
	uint64_t count = get64(n->desc);
	uint64_t page_size = get64(n->desc + 8);
	size_t left = n->descsz - 16;
	if (count > left / 24)
		count = left / 24; // a lying count: keep what fits
	const uint8_t *entries = n->desc + 16;
	const char *strs = (const char *)entries + count * 24;
	size_t strs_size = left - (size_t)count * 24;
	core->paths = malloc(strs_size + 1);
	if (!core->paths)
		return &hc_error_nomem;
	memcpy(core->paths, strs, strs_size);
	core->paths[strs_size] = '\0';
	size_t pos = 0;
	for (uint64_t i = 0; i < count && pos <= strs_size; i++) {
		const char *path = core->paths + pos;
		pos += strlen(path) + 1;
		uint64_t start = get64(entries + 24 * i);
		uint64_t end = get64(entries + 24 * i + 8);
		uint64_t pgoff = get64(entries + 24 * i + 16);
		uint64_t off;
		if (end < start || __builtin_mul_overflow(pgoff, page_size, &off))
			continue;
		struct hc_core_mapping *m =
			mapping_vector_append_entry(&core->mappings);
		if (!m)
			return &hc_error_nomem;
		m->start = start;
		m->end = end;
		m->file_offset = off;
		m->path = path;
	}
	return NULL;
}

static struct hc_error *parse_notes(struct hc_core *core, const uint8_t *p,
				    size_t size)
{
	size_t pos = 0;
	struct note n;
	struct hc_error *err = NULL;
	while (!err && note_next(p, size, &pos, &n)) {
		bool is_core = note_named(&n, "CORE");
		bool is_linux = note_named(&n, "LINUX");
		// Delve's `dump` writes the kernel's notes (NT_PRSTATUS,
		// NT_PRPSINFO, NT_AUXV, NT_FPREGSET) with an empty owner name
		// (namesz 0), beside its own "Delve Header" note (type DLVE):
		// pkg/elfwriter, pkg/proc/native/dump_linux_amd64.go, Delve
		// v1.27. Their types and sizes are checked as the kernel's.
		bool is_unnamed = note_named(&n, "");
		if (!is_core && !is_linux && !is_unnamed)
			continue;
		switch (n.type) {
		case NT_PRSTATUS:
			err = parse_prstatus(core, &n);
			break;
		case NT_PRPSINFO:
			parse_prpsinfo(core, &n);
			break;
		case NT_SIGINFO:
			parse_siginfo(core, &n);
			break;
		case NT_AUXV:
			err = parse_auxv(core, &n);
			break;
		case NT_FILE:
			err = parse_file_note(core, &n);
			break;
		case NT_ARM_TLS:
			// Follows the NT_PRSTATUS of its thread.
			if (core->arch == HC_ARCH_ARM64 && core->threads.size &&
			    n.descsz >= 8) {
				struct hc_core_thread *t =
					&core->threads.data[core->threads.size - 1];
				t->tls = get64(n.desc);
				t->tls_valid = true;
			}
			break;
		default:
			break;
		}
	}
	return err;
}

/* ---------------------------------------------------------------- open */

static int segment_cmp(const void *a, const void *b)
{
	const struct hc_core_segment *x = a, *y = b;
	if (x->vaddr != y->vaddr)
		return x->vaddr < y->vaddr ? -1 : 1;
	return 0;
}

static void expect(struct hc_core *core, uint64_t off, uint64_t len)
{
	uint64_t end = off + len < off ? UINT64_MAX : off + len;
	if (end > core->expected_size)
		core->expected_size = end;
}

static const char *type_name(uint16_t type)
{
	switch (type) {
	case ET_NONE:
		return "ET_NONE";
	case ET_REL:
		return "ET_REL";
	case ET_EXEC:
		return "ET_EXEC";
	case ET_DYN:
		return "ET_DYN";
	default:
		return "unknown type";
	}
}

static struct hc_error *parse(struct hc_core *core)
{
	const uint8_t *d = core->file->data;
	size_t size = core->file->size;

	if (size < SELFMAG || memcmp(d, ELFMAG, SELFMAG))
		return hc_error_create(HC_ERROR_ELF, "not an ELF file");
	if (size < EI_NIDENT)
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "truncated ELF header (%zu bytes)", size);
	if (d[EI_CLASS] == ELFCLASS32)
		return hc_error_create(HC_ERROR_UNSUPPORTED,
				       "32-bit ELF not supported");
	if (d[EI_CLASS] != ELFCLASS64)
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "bad ELF class %u", d[EI_CLASS]);
	if (d[EI_DATA] == ELFDATA2MSB)
		return hc_error_create(HC_ERROR_UNSUPPORTED,
				       "big-endian not supported");
	if (d[EI_DATA] != ELFDATA2LSB)
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "bad ELF data encoding %u", d[EI_DATA]);
	if (size < sizeof(Elf64_Ehdr))
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "truncated ELF header (%zu of %zu bytes)",
				       size, sizeof(Elf64_Ehdr));
	uint16_t type = get16(d + offsetof(Elf64_Ehdr, e_type));
	if (type != ET_CORE)
		return hc_error_create(HC_ERROR_UNSUPPORTED,
				       "not a core file (%s)", type_name(type));
	uint16_t machine = get16(d + offsetof(Elf64_Ehdr, e_machine));
	if (machine == EM_X86_64)
		core->arch = HC_ARCH_AMD64;
	else if (machine == EM_AARCH64)
		core->arch = HC_ARCH_ARM64;
	else
		return hc_error_create(HC_ERROR_UNSUPPORTED,
				       "core of unsupported architecture (machine %u)",
				       machine);

	uint64_t phoff = get64(d + offsetof(Elf64_Ehdr, e_phoff));
	uint64_t shoff = get64(d + offsetof(Elf64_Ehdr, e_shoff));
	uint16_t phentsize = get16(d + offsetof(Elf64_Ehdr, e_phentsize));
	uint64_t phnum = get16(d + offsetof(Elf64_Ehdr, e_phnum));
	uint16_t shentsize = get16(d + offsetof(Elf64_Ehdr, e_shentsize));
	core->expected_size = sizeof(Elf64_Ehdr);
	if (phnum == PN_XNUM) {
		// More than 65534 segments: the count is in section 0's sh_info.
		if (shoff > size || size - shoff < sizeof(Elf64_Shdr) ||
		    shentsize != sizeof(Elf64_Shdr))
			return hc_error_create(HC_ERROR_BAD_DATA,
					       "e_phnum is PN_XNUM but section header 0 is missing");
		phnum = get32(d + shoff + offsetof(Elf64_Shdr, sh_info));
	}
	if (phnum == 0)
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "core without program headers");
	if (phentsize != sizeof(Elf64_Phdr))
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "bad program header size %u", phentsize);
	if (phnum > max_segments)
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "too many program headers (%llu)",
				       (unsigned long long)phnum);
	uint64_t ph_bytes = phnum * sizeof(Elf64_Phdr);
	expect(core, phoff, ph_bytes);
	if (phoff > size || size - phoff < ph_bytes)
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "truncated core: program headers end at %llu, the file has %zu bytes",
				       (unsigned long long)(phoff + ph_bytes),
				       size);

	for (uint64_t i = 0; i < phnum; i++) {
		const uint8_t *ph = d + phoff + i * sizeof(Elf64_Phdr);
		uint32_t ptype = get32(ph + offsetof(Elf64_Phdr, p_type));
		uint32_t flags = get32(ph + offsetof(Elf64_Phdr, p_flags));
		uint64_t off = get64(ph + offsetof(Elf64_Phdr, p_offset));
		uint64_t vaddr = get64(ph + offsetof(Elf64_Phdr, p_vaddr));
		uint64_t filesz = get64(ph + offsetof(Elf64_Phdr, p_filesz));
		uint64_t memsz = get64(ph + offsetof(Elf64_Phdr, p_memsz));
		if (ptype != PT_LOAD && ptype != PT_NOTE)
			continue;
		if (filesz)
			expect(core, off, filesz);
		uint64_t avail = off >= size ? 0 : size - off;
		if (avail > filesz)
			avail = filesz;
		if (ptype == PT_NOTE) {
			if (avail == 0)
				continue;
			if (avail > max_note_bytes)
				avail = max_note_bytes;
			struct hc_error *err =
				parse_notes(core, d + off, (size_t)avail);
			if (err)
				return err;
			continue;
		}
		if (memsz == 0)
			continue;
		if (vaddr + memsz < vaddr)
			memsz = UINT64_MAX - vaddr; // wraps: clamp
		struct hc_core_segment *s =
			segment_vector_append_entry(&core->segments);
		if (!s)
			return &hc_error_nomem;
		s->vaddr = vaddr;
		s->memsz = memsz;
		s->offset = off;
		s->filesz = filesz;
		// Only bytes inside the segment's memory are readable.
		s->avail = avail > memsz ? memsz : avail;
		s->flags = flags;
	}
	if (core->segments.size > 1)
		qsort(core->segments.data, core->segments.size,
		      sizeof(*core->segments.data), segment_cmp);
	siginfo_from_prstatus(core);
	return NULL;
}

struct hc_error *hc_core_open(struct hc_file *file, struct hc_core **ret)
{
	struct hc_core *core = calloc(1, sizeof(*core));
	if (!core) {
		hc_file_destroy(file);
		return &hc_error_nomem;
	}
	core->file = file;
	segment_vector_init(&core->segments);
	thread_vector_init(&core->threads);
	mapping_vector_init(&core->mappings);
	u64_vector_init(&core->auxv);
	struct hc_error *err = parse(core);
	if (err) {
		err = hc_error_prefix(err, "%s", file->path);
		hc_core_destroy(core);
		return err;
	}
	*ret = core;
	return NULL;
}

struct hc_error *hc_core_open_path(const char *path, struct hc_core **ret)
{
	struct hc_file *file;
	struct hc_error *err = hc_file_open(path, 0, &file);
	if (err)
		return err;
	return hc_core_open(file, ret);
}

void hc_core_destroy(struct hc_core *core)
{
	if (!core)
		return;
	segment_vector_deinit(&core->segments);
	thread_vector_deinit(&core->threads);
	mapping_vector_deinit(&core->mappings);
	u64_vector_deinit(&core->auxv);
	free(core->paths);
	hc_file_destroy(core->file);
	free(core);
}

/* ---------------------------------------------------------------- getters */

const struct hc_file *hc_core_file(const struct hc_core *core)
{
	return core->file;
}

enum hc_arch hc_core_arch(const struct hc_core *core)
{
	return core->arch;
}

const struct hc_core_segment *hc_core_segments(const struct hc_core *core,
					       size_t *n_ret)
{
	*n_ret = core->segments.size;
	return core->segments.data;
}

const struct hc_core_segment *hc_core_segment_for(const struct hc_core *core,
						  uint64_t addr)
{
	size_t lo = 0, hi = core->segments.size;
	// Find the last segment with vaddr <= addr.
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (core->segments.data[mid].vaddr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	const struct hc_core_segment *s = &core->segments.data[lo - 1];
	return addr - s->vaddr < s->memsz ? s : NULL;
}

const struct hc_core_thread *hc_core_threads(const struct hc_core *core,
					     size_t *n_ret)
{
	*n_ret = core->threads.size;
	return core->threads.data;
}

const struct hc_core_siginfo *hc_core_siginfo(const struct hc_core *core)
{
	return core->has_siginfo ? &core->siginfo : NULL;
}

const struct hc_core_prpsinfo *hc_core_prpsinfo(const struct hc_core *core)
{
	return core->has_prpsinfo ? &core->prpsinfo : NULL;
}

const struct hc_core_mapping *hc_core_mappings(const struct hc_core *core,
					       size_t *n_ret)
{
	*n_ret = core->mappings.size;
	return core->mappings.data;
}

bool hc_core_auxv(const struct hc_core *core, uint64_t type,
		  uint64_t *value_ret)
{
	for (size_t i = 0; i + 1 < core->auxv.size; i += 2) {
		if (core->auxv.data[i] == type) {
			*value_ret = core->auxv.data[i + 1];
			return true;
		}
	}
	return false;
}

bool hc_core_truncation(const struct hc_core *core, uint64_t *expected_ret,
			uint64_t *actual_ret)
{
	/* A compressed core whose stream ended early is truncated even when
	 * what decoded reaches the end of the last segment. */
	if (expected_ret)
		*expected_ret = core->expected_size > core->file->size ? core->expected_size
								  : core->file->size;
	if (actual_ret)
		*actual_ret = core->file->size;
	return core->file->size < core->expected_size || core->file->stream_truncated;
}

/* ---------------------------------------------------------------- memory */

const void *hc_core_ptr(const struct hc_core *core, uint64_t addr, size_t len)
{
	const struct hc_core_segment *s = hc_core_segment_for(core, addr);
	if (!s)
		return NULL;
	uint64_t k = addr - s->vaddr;
	if (k >= s->avail || s->avail - k < len)
		return NULL;
	return core->file->data + s->offset + k;
}

struct hc_error *hc_core_read(const struct hc_core *core, uint64_t addr,
			      void *buf, size_t len)
{
	uint8_t *out = buf;
	while (len) {
		const struct hc_core_segment *s = hc_core_segment_for(core, addr);
		if (!s)
			return hc_error_fault(addr, "address not mapped in the core");
		uint64_t k = addr - s->vaddr;
		if (k >= s->avail) {
			if (k < s->filesz)
				return hc_error_fault(addr,
						      "memory missing from the truncated core");
			return hc_error_fault(addr,
					      "memory not dumped in the core");
		}
		uint64_t n = s->avail - k;
		if (n > len)
			n = len;
		memcpy(out, core->file->data + s->offset + k, (size_t)n);
		out += n;
		addr += n;
		len -= (size_t)n;
		if (len && addr == 0)
			return hc_error_fault(addr, "read wraps the address space");
	}
	return NULL;
}

/* ---------------------------------------------------------------- the executable */

const char *hc_core_exe_path(const struct hc_core *core)
{
	static const uint64_t keys[] = {AT_ENTRY, AT_PHDR};
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		uint64_t addr;
		if (!hc_core_auxv(core, keys[k], &addr))
			continue;
		for (size_t i = 0; i < core->mappings.size; i++) {
			const struct hc_core_mapping *m = &core->mappings.data[i];
			if (addr >= m->start && addr < m->end)
				return m->path;
		}
	}
	return NULL;
}

bool hc_core_exe_base(const struct hc_core *core, uint64_t *ret)
{
	const char *path = hc_core_exe_path(core);
	if (!path)
		return false;
	bool found = false;
	uint64_t base = 0;
	for (size_t i = 0; i < core->mappings.size; i++) {
		const struct hc_core_mapping *m = &core->mappings.data[i];
		if (strcmp(m->path, path) != 0)
			continue;
		if (!found || m->start < base)
			base = m->start;
		found = true;
	}
	if (found)
		*ret = base;
	return found;
}

/*
 * Find a note of the main executable in core memory: read its ELF header
 * at the mapping base, its program headers, and walk its PT_NOTE segments.
 * Calls @p fn for each note; stops when it returns true.
 */
static struct hc_error *exe_notes(const struct hc_core *core,
				  bool (*fn)(const struct note *, void *),
				  void *arg)
{
	uint64_t base;
	if (!hc_core_exe_base(core, &base))
		return hc_error_create(HC_ERROR_NOT_FOUND,
				       "the core does not say which file is the executable");
	Elf64_Ehdr eh;
	struct hc_error *err = hc_core_read(core, base, &eh, sizeof(eh));
	if (err) {
		hc_error_destroy(err);
		return hc_error_create(HC_ERROR_NOT_FOUND,
				       "the executable's ELF header is not in the core");
	}
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 ||
	    eh.e_phnum > max_exe_phnum || eh.e_phoff > UINT64_MAX - base)
		return hc_error_create(HC_ERROR_NOT_FOUND,
				       "no usable ELF header at the executable's base 0x%llx",
				       (unsigned long long)base);
	size_t ph_bytes = (size_t)eh.e_phnum * sizeof(Elf64_Phdr);
	Elf64_Phdr *ph = malloc(ph_bytes);
	if (!ph)
		return &hc_error_nomem;
	err = hc_core_read(core, base + eh.e_phoff, ph, ph_bytes);
	if (err) {
		hc_error_destroy(err);
		free(ph);
		return hc_error_create(HC_ERROR_NOT_FOUND,
				       "the executable's program headers are not in the core");
	}
	// The PT_LOAD that maps file offset 0 (the ELF header) gives the
	// link-time address of the base (0 for a PIE); without one, the
	// lowest PT_LOAD. Runtime address = base + (p_vaddr - link_base).
	bool have_load = false, have_zero = false;
	uint64_t link_base = 0;
	for (size_t i = 0; i < eh.e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		bool zero = ph[i].p_offset == 0;
		uint64_t b = ph[i].p_vaddr & ~UINT64_C(0xfff);
		if (!have_load || (zero && !have_zero) ||
		    (zero == have_zero && b < link_base))
			link_base = b;
		have_load = true;
		have_zero |= zero;
	}
	bool done = false;
	for (size_t i = 0; have_load && !done && i < eh.e_phnum; i++) {
		if (ph[i].p_type != PT_NOTE || ph[i].p_vaddr < link_base)
			continue;
		uint64_t size = ph[i].p_filesz;
		if (size > max_exe_note_bytes)
			size = max_exe_note_bytes;
		uint64_t addr = base + (ph[i].p_vaddr - link_base);
		// Go's linker covers only .note.go.buildid with its PT_NOTE;
		// .note.gnu.build-id follows it directly in the same page
		// (cmd/link/internal/ld/elf.go, go1.19-go1.26). So read on to
		// the end of the page when it is there: note_next() stops at
		// the first note that does not fit.
		uint64_t page_left = 4096 - (addr & 4095);
		if (size < page_left) {
			uint8_t probe;
			struct hc_error *e2 = hc_core_read(
				core, addr + page_left - 1, &probe, 1);
			if (!e2)
				size = page_left;
			hc_error_destroy(e2);
		}
		uint8_t *buf = malloc(size ? size : 1);
		if (!buf) {
			free(ph);
			return &hc_error_nomem;
		}
		err = hc_core_read(core, addr, buf, (size_t)size);
		if (err) {
			hc_error_destroy(err);
			free(buf);
			continue;
		}
		size_t pos = 0;
		struct note n;
		while (!done && note_next(buf, (size_t)size, &pos, &n))
			done = fn(&n, arg);
		free(buf);
	}
	free(ph);
	if (!done)
		return hc_error_create(HC_ERROR_NOT_FOUND,
				       "note not found in the executable's memory in the core");
	return NULL;
}

struct found_note {
	uint8_t *copy;
	size_t len;
	bool oom;
};

static bool find_gnu_build_id(const struct note *n, void *arg)
{
	struct found_note *f = arg;
	if (n->type != NT_GNU_BUILD_ID || !note_named(n, "GNU") ||
	    n->descsz == 0)
		return false;
	f->copy = malloc(n->descsz);
	if (!f->copy)
		f->oom = true;
	else
		memcpy(f->copy, n->desc, n->descsz);
	f->len = n->descsz;
	return true;
}

static bool find_go_build_id(const struct note *n, void *arg)
{
	struct found_note *f = arg;
	if (n->type != go_buildid_note || !note_named(n, "Go"))
		return false;
	f->copy = malloc(n->descsz + 1);
	if (!f->copy) {
		f->oom = true;
		return true;
	}
	memcpy(f->copy, n->desc, n->descsz);
	f->copy[n->descsz] = '\0';
	f->len = n->descsz;
	return true;
}

struct hc_error *hc_core_exe_build_id(const struct hc_core *core,
				      uint8_t **id_ret, size_t *len_ret)
{
	struct found_note f = {0};
	struct hc_error *err = exe_notes(core, find_gnu_build_id, &f);
	if (err)
		return hc_error_prefix(err, "GNU build-id");
	if (f.oom)
		return &hc_error_nomem;
	*id_ret = f.copy;
	*len_ret = f.len;
	return NULL;
}

struct hc_error *hc_core_exe_go_build_id(const struct hc_core *core,
					 char **id_ret)
{
	struct found_note f = {0};
	struct hc_error *err = exe_notes(core, find_go_build_id, &f);
	if (err)
		return hc_error_prefix(err, "Go build id");
	if (f.oom)
		return &hc_error_nomem;
	*id_ret = (char *)f.copy;
	return NULL;
}

/* ---------------------------------------------------------------- candidates */

static bool is_regular_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Append @p path (taking it) if it is a file and not already there. */
static struct hc_error *add_candidate(char ***paths, size_t *n, size_t *cap,
				      char *path)
{
	if (!path)
		return &hc_error_nomem;
	if (!is_regular_file(path)) {
		free(path);
		return NULL;
	}
	for (size_t i = 0; i < *n; i++) {
		if (!strcmp((*paths)[i], path)) {
			free(path);
			return NULL;
		}
	}
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 8;
		char **p = realloc(*paths, c * sizeof(*p));
		if (!p) {
			free(path);
			return &hc_error_nomem;
		}
		*paths = p;
		*cap = c;
	}
	(*paths)[(*n)++] = path;
	return NULL;
}

static char *join(const char *dir, size_t dir_len, const char *name)
{
	char *s;
	if (asprintf(&s, "%.*s%s", (int)dir_len, dir, name) < 0)
		return NULL;
	return s;
}

struct hc_error *hc_core_executable_candidates(const struct hc_core *core,
					       const char *core_path,
					       char ***paths_ret,
					       size_t *n_ret)
{
	char **paths = NULL;
	size_t n = 0, cap = 0;
	struct hc_error *err = NULL;
	if (!core_path)
		core_path = core->file->path;

	const char *exe = hc_core_exe_path(core);
	if (exe && *exe) {
		err = add_candidate(&paths, &n, &cap, strdup(exe));
		// The kernel marks a file deleted since it was mapped.
		static const char deleted[] = " (deleted)";
		size_t len = strlen(exe), dl = sizeof(deleted) - 1;
		if (!err && len > dl && !strcmp(exe + len - dl, deleted))
			err = add_candidate(&paths, &n, &cap,
					    strndup(exe, len - dl));
	}

	// A core read from standard input ("-") has no folder to look in.
	bool piped = core_path && !strcmp(core_path, "-");
	const char *slash = core_path ? strrchr(core_path, '/') : NULL;
	size_t dir_len = slash ? (size_t)(slash - core_path) + 1 : 0;
	const char *dir = slash ? core_path : "";
	static const char *const beside[] = {"exe", "exe.xz", "exe.zst",
					     "exe.gz"};
	for (size_t i = 0; !piped && !err &&
			   i < sizeof(beside) / sizeof(beside[0]); i++)
		err = add_candidate(&paths, &n, &cap,
				    join(dir, dir_len, beside[i]));

	const struct hc_core_prpsinfo *ps = hc_core_prpsinfo(core);
	if (!err && !piped && ps && ps->fname[0] && !strchr(ps->fname, '/') &&
	    strcmp(ps->fname, ".") && strcmp(ps->fname, ".."))
		err = add_candidate(&paths, &n, &cap,
				    join(dir, dir_len, ps->fname));

	if (err) {
		for (size_t i = 0; i < n; i++)
			free(paths[i]);
		free(paths);
		return err;
	}
	*paths_ret = paths;
	*n_ret = n;
	return NULL;
}
