/* Synthetic ELF images for tests: see testelf.h. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "hmapcore/file.h"
#include "testelf.h"

/* ---------------------------------------------------------------- buffers */

struct buf {
	uint8_t *data;
	size_t size;
	size_t cap;
};

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fprintf(stderr, "testelf: out of memory\n");
		abort();
	}
	return p;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p) {
		fprintf(stderr, "testelf: out of memory\n");
		abort();
	}
	return p;
}

static void buf_reserve(struct buf *b, size_t n)
{
	if (b->size + n <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->size + n)
		cap *= 2;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

static void buf_put(struct buf *b, const void *p, size_t n)
{
	buf_reserve(b, n);
	if (p)
		memcpy(b->data + b->size, p, n);
	else
		memset(b->data + b->size, 0, n);
	b->size += n;
}

static void buf_align(struct buf *b, size_t a)
{
	while (b->size % a)
		buf_put(b, NULL, 1);
}

static void buf_u32(struct buf *b, uint32_t v)
{
	buf_put(b, &v, 4); // the tests run on little-endian hosts
}

static void buf_u64(struct buf *b, uint64_t v)
{
	buf_put(b, &v, 8);
}

static void buf_note(struct buf *b, const char *name, uint32_t type,
		     const void *desc, size_t len)
{
	size_t namesz = name ? strlen(name) + 1 : 0;
	buf_u32(b, (uint32_t)namesz);
	buf_u32(b, (uint32_t)len);
	buf_u32(b, type);
	if (name)
		buf_put(b, name, namesz);
	buf_align(b, 4);
	buf_put(b, desc, len);
	buf_align(b, 4);
}

static void put_ehdr(uint8_t *out, uint16_t type, uint16_t machine,
		     uint64_t entry, uint64_t phoff, uint16_t phnum,
		     uint64_t shoff, uint16_t shnum, uint16_t shstrndx)
{
	Elf64_Ehdr eh;
	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = type;
	eh.e_machine = machine;
	eh.e_version = EV_CURRENT;
	eh.e_entry = entry;
	eh.e_phoff = phnum ? phoff : 0;
	eh.e_shoff = shoff;
	eh.e_ehsize = sizeof(Elf64_Ehdr);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = phnum;
	eh.e_shentsize = shnum ? sizeof(Elf64_Shdr) : 0;
	eh.e_shnum = shnum;
	eh.e_shstrndx = shstrndx;
	memcpy(out, &eh, sizeof(eh));
}

static void put_phdr(uint8_t *out, uint32_t type, uint32_t flags,
		     uint64_t offset, uint64_t vaddr, uint64_t filesz,
		     uint64_t memsz, uint64_t align)
{
	Elf64_Phdr ph = {
		.p_type = type,
		.p_flags = flags,
		.p_offset = offset,
		.p_vaddr = vaddr,
		.p_paddr = vaddr,
		.p_filesz = filesz,
		.p_memsz = memsz,
		.p_align = align,
	};
	memcpy(out, &ph, sizeof(ph));
}

/* ---------------------------------------------------------------- cores */

struct load {
	uint64_t vaddr;
	uint64_t memsz;
	uint32_t flags;
	uint8_t *bytes;
	size_t filesz;
	size_t offset;
	/* exe: the header load (bytes from the image itself) */
};

struct testelf_core {
	uint16_t machine;
	struct buf notes;
	struct load *loads;
	size_t nloads;
	size_t notes_offset;
};

struct testelf_core *testelf_core_create(uint16_t machine)
{
	struct testelf_core *c = xcalloc(1, sizeof(*c));
	c->machine = machine;
	return c;
}

void testelf_core_destroy(struct testelf_core *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nloads; i++)
		free(c->loads[i].bytes);
	free(c->loads);
	free(c->notes.data);
	free(c);
}

void testelf_core_add_note(struct testelf_core *c, const char *name,
			   uint32_t type, const void *desc, size_t len)
{
	buf_note(&c->notes, name, type, desc, len);
}

void testelf_core_add_prstatus(struct testelf_core *c, int32_t tid,
			       int16_t cursig, const uint64_t *regs,
			       unsigned nregs)
{
	size_t size = c->machine == EM_AARCH64 ? 392 : 336;
	size_t max_regs = (size - 112 - 8) / 8;
	uint8_t d[392];
	memset(d, 0, sizeof(d));
	memcpy(d + 12, &cursig, 2);
	memcpy(d + 32, &tid, 4);
	if (nregs > max_regs)
		nregs = (unsigned)max_regs;
	memcpy(d + 112, regs, nregs * 8);
	testelf_core_add_note(c, "CORE", NT_PRSTATUS, d, size);
}

void testelf_core_add_prpsinfo(struct testelf_core *c, int32_t pid,
			       int32_t ppid, uint32_t uid, uint32_t gid,
			       char state, const char *fname,
			       const char *psargs)
{
	uint8_t d[136];
	memset(d, 0, sizeof(d));
	d[0] = (uint8_t)state;
	d[1] = 'R';
	memcpy(d + 16, &uid, 4);
	memcpy(d + 20, &gid, 4);
	memcpy(d + 24, &pid, 4);
	memcpy(d + 28, &ppid, 4);
	// Fixed-size fields, NUL-padded, not necessarily terminated.
	size_t n = strlen(fname);
	memcpy(d + 40, fname, n < 16 ? n : 16);
	n = strlen(psargs);
	memcpy(d + 56, psargs, n < 80 ? n : 80);
	testelf_core_add_note(c, "CORE", NT_PRPSINFO, d, sizeof(d));
}

void testelf_core_add_siginfo(struct testelf_core *c, int32_t signo,
			      int32_t errnum, int32_t code, uint64_t word16)
{
	uint8_t d[128];
	memset(d, 0, sizeof(d));
	memcpy(d, &signo, 4);
	memcpy(d + 4, &errnum, 4);
	memcpy(d + 8, &code, 4);
	memcpy(d + 16, &word16, 8);
	testelf_core_add_note(c, "CORE", 0x53494749, d, sizeof(d));
}

void testelf_core_add_auxv(struct testelf_core *c, const uint64_t *pairs,
			   size_t n)
{
	struct buf b = {0};
	buf_put(&b, pairs, n * 16);
	buf_u64(&b, AT_NULL);
	buf_u64(&b, 0);
	testelf_core_add_note(c, "CORE", NT_AUXV, b.data, b.size);
	free(b.data);
}

void testelf_core_add_arm_tls(struct testelf_core *c, uint64_t tpidr)
{
	testelf_core_add_note(c, "LINUX", 0x401, &tpidr, 8);
}

void testelf_core_add_file_note(struct testelf_core *c, uint64_t page_size,
				const struct testelf_file_map *maps, size_t n)
{
	struct buf b = {0};
	buf_u64(&b, n);
	buf_u64(&b, page_size);
	for (size_t i = 0; i < n; i++) {
		buf_u64(&b, maps[i].start);
		buf_u64(&b, maps[i].end);
		buf_u64(&b, maps[i].pgoff);
	}
	for (size_t i = 0; i < n; i++)
		buf_put(&b, maps[i].path, strlen(maps[i].path) + 1);
	testelf_core_add_note(c, "CORE", 0x46494c45, b.data, b.size);
	free(b.data);
}

static void add_load(struct load **loads, size_t *n, uint64_t vaddr,
		     uint64_t memsz, uint32_t flags, const void *bytes,
		     size_t filesz)
{
	*loads = xrealloc(*loads, (*n + 1) * sizeof(**loads));
	struct load *l = &(*loads)[(*n)++];
	memset(l, 0, sizeof(*l));
	l->vaddr = vaddr;
	l->memsz = memsz;
	l->flags = flags;
	l->filesz = filesz;
	l->bytes = xcalloc(1, filesz);
	if (bytes)
		memcpy(l->bytes, bytes, filesz);
}

void testelf_core_add_load(struct testelf_core *c, uint64_t vaddr,
			   uint64_t memsz, uint32_t flags, const void *bytes,
			   size_t filesz)
{
	add_load(&c->loads, &c->nloads, vaddr, memsz, flags, bytes, filesz);
}

uint8_t *testelf_core_build(struct testelf_core *c, size_t *size_ret)
{
	size_t phnum = 1 + c->nloads;
	struct buf out = {0};
	buf_put(&out, NULL, sizeof(Elf64_Ehdr) + phnum * sizeof(Elf64_Phdr));
	buf_align(&out, 4);
	c->notes_offset = out.size;
	buf_put(&out, c->notes.data, c->notes.size);
	for (size_t i = 0; i < c->nloads; i++) {
		buf_align(&out, 16);
		c->loads[i].offset = out.size;
		buf_put(&out, c->loads[i].bytes, c->loads[i].filesz);
	}
	put_ehdr(out.data, ET_CORE, c->machine, 0, sizeof(Elf64_Ehdr),
		 (uint16_t)phnum, 0, 0, 0);
	uint8_t *ph = out.data + sizeof(Elf64_Ehdr);
	put_phdr(ph, PT_NOTE, 0, c->notes_offset, 0, c->notes.size, 0, 4);
	for (size_t i = 0; i < c->nloads; i++) {
		const struct load *l = &c->loads[i];
		put_phdr(ph + (i + 1) * sizeof(Elf64_Phdr), PT_LOAD, l->flags,
			 l->offset, l->vaddr, l->filesz, l->memsz, 0x1000);
	}
	*size_ret = out.size;
	return out.data;
}

size_t testelf_core_notes_offset(const struct testelf_core *c)
{
	return c->notes_offset;
}

size_t testelf_core_load_offset(const struct testelf_core *c, size_t i)
{
	return i < c->nloads ? c->loads[i].offset : 0;
}

/* ---------------------------------------------------------------- executables */

struct section {
	char *name;
	uint32_t type;
	uint64_t flags;
	uint64_t addr;
	uint8_t *data;
	size_t size;
	uint64_t addralign;
	bool note;
	size_t offset;
};

struct symbol {
	char *name;
	uint64_t value;
	uint64_t size;
	unsigned char type;
};

struct extra_phdr {
	uint32_t type;
	uint64_t vaddr;
	uint64_t memsz;
	uint64_t filesz;
};

struct testelf_exe {
	uint16_t machine;
	uint16_t type;
	uint64_t entry;
	bool header_load;
	uint64_t header_vaddr;
	struct section *sections;
	size_t nsections;
	struct symbol *symbols;
	size_t nsymbols;
	struct load *loads;
	size_t nloads;
	struct extra_phdr *phdrs;
	size_t nphdrs;
};

struct testelf_exe *testelf_exe_create(uint16_t machine, uint16_t type,
				       uint64_t entry)
{
	struct testelf_exe *e = xcalloc(1, sizeof(*e));
	e->machine = machine;
	e->type = type;
	e->entry = entry;
	return e;
}

void testelf_exe_destroy(struct testelf_exe *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->nsections; i++) {
		free(e->sections[i].name);
		free(e->sections[i].data);
	}
	free(e->sections);
	for (size_t i = 0; i < e->nsymbols; i++)
		free(e->symbols[i].name);
	free(e->symbols);
	for (size_t i = 0; i < e->nloads; i++)
		free(e->loads[i].bytes);
	free(e->loads);
	free(e->phdrs);
	free(e);
}

void testelf_exe_set_header_load(struct testelf_exe *e, uint64_t vaddr)
{
	e->header_load = true;
	e->header_vaddr = vaddr;
}

static struct section *new_section(struct testelf_exe *e, const char *name,
				   uint32_t type, uint64_t flags, uint64_t addr,
				   const void *data, size_t size)
{
	e->sections = xrealloc(e->sections,
			       (e->nsections + 1) * sizeof(*e->sections));
	struct section *s = &e->sections[e->nsections++];
	memset(s, 0, sizeof(*s));
	s->name = strdup(name);
	s->type = type;
	s->flags = flags;
	s->addr = addr;
	s->size = size;
	s->addralign = 1;
	if (type != SHT_NOBITS) {
		s->data = xcalloc(1, size);
		if (data)
			memcpy(s->data, data, size);
	}
	return s;
}

void testelf_exe_add_section(struct testelf_exe *e, const char *name,
			     uint32_t type, uint64_t flags, uint64_t addr,
			     const void *data, size_t size)
{
	new_section(e, name, type, flags, addr, data, size);
}

void testelf_exe_add_compressed_section(struct testelf_exe *e,
					const char *name, const void *data,
					size_t size)
{
	uLongf zlen = compressBound(size);
	size_t total = sizeof(Elf64_Chdr) + zlen;
	uint8_t *out = xcalloc(1, total);
	Elf64_Chdr ch = {
		.ch_type = ELFCOMPRESS_ZLIB,
		.ch_size = size,
		.ch_addralign = 1,
	};
	memcpy(out, &ch, sizeof(ch));
	if (compress(out + sizeof(ch), &zlen, data, size) != Z_OK) {
		fprintf(stderr, "testelf: compress failed\n");
		abort();
	}
	struct section *s = new_section(e, name, SHT_PROGBITS, SHF_COMPRESSED,
					0, out, sizeof(ch) + zlen);
	s->addralign = 8;
	free(out);
}

void testelf_exe_add_note_section(struct testelf_exe *e, const char *secname,
				  const char *notename, uint32_t type,
				  const void *desc, size_t len)
{
	struct buf b = {0};
	buf_note(&b, notename, type, desc, len);
	struct section *s = new_section(e, secname, SHT_NOTE, SHF_ALLOC, 0,
					b.data, b.size);
	s->note = true;
	s->addralign = 4;
	free(b.data);
}

void testelf_exe_add_symbol(struct testelf_exe *e, const char *name,
			    uint64_t value, uint64_t size, unsigned char type)
{
	e->symbols = xrealloc(e->symbols,
			      (e->nsymbols + 1) * sizeof(*e->symbols));
	struct symbol *s = &e->symbols[e->nsymbols++];
	s->name = strdup(name);
	s->value = value;
	s->size = size;
	s->type = type;
}

void testelf_exe_add_load(struct testelf_exe *e, uint64_t vaddr,
			  uint64_t memsz, uint32_t flags, const void *bytes,
			  size_t filesz)
{
	add_load(&e->loads, &e->nloads, vaddr, memsz, flags, bytes, filesz);
}

void testelf_exe_add_phdr(struct testelf_exe *e, uint32_t type,
			  uint64_t vaddr, uint64_t memsz, uint64_t filesz)
{
	e->phdrs = xrealloc(e->phdrs, (e->nphdrs + 1) * sizeof(*e->phdrs));
	e->phdrs[e->nphdrs++] = (struct extra_phdr){type, vaddr, memsz,
						    filesz};
}

static size_t strtab_add(struct buf *b, const char *s)
{
	size_t off = b->size;
	buf_put(b, s, strlen(s) + 1);
	return off;
}

uint8_t *testelf_exe_build(struct testelf_exe *e, size_t *size_ret)
{
	size_t phnum = e->nloads + e->nphdrs + (e->header_load ? 2 : 0);
	struct buf out = {0};
	buf_put(&out, NULL, sizeof(Elf64_Ehdr) + phnum * sizeof(Elf64_Phdr));

	// Note sections first (they go in the header load), then the rest.
	buf_align(&out, 4);
	size_t notes_start = out.size;
	for (size_t i = 0; i < e->nsections; i++) {
		struct section *s = &e->sections[i];
		if (!s->note)
			continue;
		buf_align(&out, 4);
		s->offset = out.size;
		if (e->header_load)
			s->addr = e->header_vaddr + s->offset;
		buf_put(&out, s->data, s->size);
	}
	size_t notes_end = out.size;
	for (size_t i = 0; i < e->nsections; i++) {
		struct section *s = &e->sections[i];
		if (s->note || s->type == SHT_NOBITS)
			continue;
		buf_align(&out, s->addralign);
		s->offset = out.size;
		buf_put(&out, s->data, s->size);
	}
	for (size_t i = 0; i < e->nloads; i++) {
		buf_align(&out, 0x1000);
		e->loads[i].offset = out.size;
		buf_put(&out, e->loads[i].bytes, e->loads[i].filesz);
	}

	// Section names, symbols.
	struct buf shstr = {0}, str = {0}, sym = {0};
	buf_put(&shstr, NULL, 1);
	buf_put(&str, NULL, 1);
	size_t nsec = 1 + e->nsections + 1 + (e->nsymbols ? 2 : 0);
	size_t *names = xcalloc(nsec, sizeof(*names));
	for (size_t i = 0; i < e->nsections; i++)
		names[1 + i] = strtab_add(&shstr, e->sections[i].name);
	size_t shstrndx = 1 + e->nsections;
	names[shstrndx] = strtab_add(&shstr, ".shstrtab");
	size_t symndx = shstrndx + 1, strndx = shstrndx + 2;
	if (e->nsymbols) {
		names[symndx] = strtab_add(&shstr, ".symtab");
		names[strndx] = strtab_add(&shstr, ".strtab");
		buf_put(&sym, NULL, sizeof(Elf64_Sym));
		for (size_t i = 0; i < e->nsymbols; i++) {
			Elf64_Sym s = {
				.st_name = (uint32_t)strtab_add(&str,
								e->symbols[i].name),
				.st_info = ELF64_ST_INFO(STB_GLOBAL,
							 e->symbols[i].type),
				.st_shndx = e->nsections ? 1 : SHN_ABS,
				.st_value = e->symbols[i].value,
				.st_size = e->symbols[i].size,
			};
			buf_put(&sym, &s, sizeof(s));
		}
	}
	size_t shstr_off = out.size;
	buf_put(&out, shstr.data, shstr.size);
	size_t sym_off = 0, str_off = 0;
	if (e->nsymbols) {
		buf_align(&out, 8);
		sym_off = out.size;
		buf_put(&out, sym.data, sym.size);
		str_off = out.size;
		buf_put(&out, str.data, str.size);
	}
	buf_align(&out, 8);
	size_t shoff = out.size;
	buf_put(&out, NULL, nsec * sizeof(Elf64_Shdr));
	Elf64_Shdr *sh = (Elf64_Shdr *)(out.data + shoff);
	for (size_t i = 0; i < e->nsections; i++) {
		const struct section *s = &e->sections[i];
		sh[1 + i] = (Elf64_Shdr){
			.sh_name = (uint32_t)names[1 + i],
			.sh_type = s->type,
			.sh_flags = s->flags,
			.sh_addr = s->addr,
			.sh_offset = s->offset,
			.sh_size = s->size,
			.sh_addralign = s->addralign,
		};
	}
	sh[shstrndx] = (Elf64_Shdr){
		.sh_name = (uint32_t)names[shstrndx],
		.sh_type = SHT_STRTAB,
		.sh_offset = shstr_off,
		.sh_size = shstr.size,
		.sh_addralign = 1,
	};
	if (e->nsymbols) {
		sh[symndx] = (Elf64_Shdr){
			.sh_name = (uint32_t)names[symndx],
			.sh_type = SHT_SYMTAB,
			.sh_offset = sym_off,
			.sh_size = sym.size,
			.sh_link = (uint32_t)strndx,
			.sh_info = 1,
			.sh_addralign = 8,
			.sh_entsize = sizeof(Elf64_Sym),
		};
		sh[strndx] = (Elf64_Shdr){
			.sh_name = (uint32_t)names[strndx],
			.sh_type = SHT_STRTAB,
			.sh_offset = str_off,
			.sh_size = str.size,
			.sh_addralign = 1,
		};
	}

	put_ehdr(out.data, e->type, e->machine, e->entry, sizeof(Elf64_Ehdr),
		 (uint16_t)phnum, shoff, (uint16_t)nsec, (uint16_t)shstrndx);
	uint8_t *ph = out.data + sizeof(Elf64_Ehdr);
	size_t k = 0;
	if (e->header_load) {
		put_phdr(ph + k++ * sizeof(Elf64_Phdr), PT_LOAD, PF_R, 0,
			 e->header_vaddr, notes_end, notes_end, 0x1000);
		put_phdr(ph + k++ * sizeof(Elf64_Phdr), PT_NOTE, PF_R,
			 notes_start, e->header_vaddr + notes_start,
			 notes_end - notes_start, notes_end - notes_start, 4);
	}
	for (size_t i = 0; i < e->nloads; i++) {
		const struct load *l = &e->loads[i];
		put_phdr(ph + k++ * sizeof(Elf64_Phdr), PT_LOAD, l->flags,
			 l->offset, l->vaddr, l->filesz, l->memsz, 0x1000);
	}
	for (size_t i = 0; i < e->nphdrs; i++) {
		const struct extra_phdr *p = &e->phdrs[i];
		put_phdr(ph + k++ * sizeof(Elf64_Phdr), p->type, PF_R, 0,
			 p->vaddr, p->filesz, p->memsz, 8);
	}
	free(names);
	free(shstr.data);
	free(str.data);
	free(sym.data);
	*size_ret = out.size;
	return out.data;
}

uint8_t *testelf_read_file(const char *path, size_t *size_ret)
{
	struct hc_file *f;
	struct hc_error *err = hc_file_open(path, 0, &f);
	if (err) {
		hc_error_destroy(err);
		return NULL;
	}
	uint8_t *copy = malloc(f->size ? f->size : 1);
	if (copy) {
		memcpy(copy, f->data, f->size);
		*size_ret = f->size;
	}
	hc_file_destroy(f);
	return copy;
}

bool testelf_fixture_stripped(const char *path)
{
	return strstr(path, "-stripped/") != NULL;
}
