/*
 * The executable: see include/hmapcore/elffile.h.
 *
 * libelf reads the bytes of the hc_file through elf_memory(). libelf may
 * patch its view of the section headers in place (libdw's elf_compress()
 * of SHF_COMPRESSED .debug_* sections does), so the image must be private
 * writable memory: hc_file maps files MAP_PRIVATE and writable, and a
 * borrowed memory buffer (tests, fuzzers) is copied here.
 *
 * SHF_COMPRESSED sections asked for by name are decompressed here (zlib or
 * zstd, Elf64_Chdr) into a buffer cached per section; so are GNU-style
 * ".zdebug_*" sections ("ZLIB" + big-endian size) when ".debug_*" is
 * asked for and absent.
 */
#include "config.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "hmapcore/elffile.h"
#include "hmapcore/hash_table.h"
#include "hmapcore/vector.h"

#ifndef ELFCOMPRESS_ZSTD
#define ELFCOMPRESS_ZSTD 2
#endif
#ifndef NT_GNU_BUILD_ID
#define NT_GNU_BUILD_ID 3
#endif

/* Go's note type for the build id (cmd/link/internal/ld/elf.go). */
static const uint32_t go_buildid_note = 4;
/* Largest decompressed section we accept. */
static const uint64_t max_section_size = UINT64_C(4) << 30;

struct sym_value {
	uint64_t value;
	uint64_t size;
};

HC_DEFINE_VECTOR(elfseg_vector, struct hc_elf_segment)
HC_DEFINE_HASH_MAP(symbol_map, const char *, struct sym_value,
		   hc_hash_string, hc_eq_string)

struct section_slot {
	bool loaded;
	struct hc_elf_section sec;
	/* Decompressed contents, owned. */
	uint8_t *owned;
};

struct hc_elffile {
	struct hc_file *file;
	/* Private copy of a borrowed memory image (see the top comment). */
	uint8_t *copy;
	const uint8_t *image;
	size_t image_size;
	Elf *elf;
	enum hc_arch arch;
	uint16_t type;
	uint64_t entry;
	struct elfseg_vector segments;
	struct hc_elf_segment tls;
	bool has_tls;
	size_t shnum;
	size_t shstrndx;
	struct section_slot *sections;
	bool has_symtab;
	bool symbols_built;
	struct symbol_map symbols;
	const uint8_t *gnu_build_id;
	size_t gnu_build_id_len;
	char *go_build_id;
	/* The section header table as the file has it, taken before libdw
	 * could patch it in the image (hc_elffile_pristine_copy()). */
	uint8_t *shdrs;
	size_t shdrs_off, shdrs_len;
};

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* ---------------------------------------------------------------- notes */

struct note {
	const char *name;
	size_t namesz;
	uint32_t type;
	const uint8_t *desc;
	size_t descsz;
};

/* The next note in [p, p+size) that fits entirely; false at the end. */
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
	if (name_pad > left || descsz > left - name_pad)
		return false;
	if (desc_pad > left - name_pad)
		desc_pad = left - name_pad;
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

/* Record the build ids found in a block of notes. */
static struct hc_error *scan_notes(struct hc_elffile *f, const uint8_t *p,
				   size_t size)
{
	size_t pos = 0;
	struct note n;
	while (note_next(p, size, &pos, &n)) {
		if (!f->gnu_build_id && n.type == NT_GNU_BUILD_ID &&
		    note_named(&n, "GNU") && n.descsz) {
			f->gnu_build_id = n.desc;
			f->gnu_build_id_len = n.descsz;
		} else if (!f->go_build_id && n.type == go_buildid_note &&
			   note_named(&n, "Go")) {
			f->go_build_id = strndup((const char *)n.desc, n.descsz);
			if (!f->go_build_id)
				return &hc_error_nomem;
		}
	}
	return NULL;
}

/* ---------------------------------------------------------------- open */

static struct hc_error *check_header(const uint8_t *d, size_t size)
{
	if (size < SELFMAG || memcmp(d, ELFMAG, SELFMAG))
		return hc_error_create(HC_ERROR_ELF, "not an ELF file");
	if (size < sizeof(Elf64_Ehdr) && (size < EI_NIDENT ||
					  d[EI_CLASS] == ELFCLASS64))
		return hc_error_create(HC_ERROR_ELF,
				       "truncated ELF header (%zu bytes)", size);
	if (d[EI_CLASS] == ELFCLASS32)
		return hc_error_create(HC_ERROR_UNSUPPORTED,
				       "32-bit ELF not supported");
	if (d[EI_CLASS] != ELFCLASS64)
		return hc_error_create(HC_ERROR_ELF, "bad ELF class %u",
				       d[EI_CLASS]);
	if (d[EI_DATA] == ELFDATA2MSB)
		return hc_error_create(HC_ERROR_UNSUPPORTED,
				       "big-endian not supported");
	if (d[EI_DATA] != ELFDATA2LSB)
		return hc_error_create(HC_ERROR_ELF, "bad ELF data encoding %u",
				       d[EI_DATA]);
	uint16_t type = get16(d + offsetof(Elf64_Ehdr, e_type));
	if (type == ET_CORE)
		return hc_error_create(HC_ERROR_UNSUPPORTED,
				       "this is a core file, not an executable");
	if (type != ET_EXEC && type != ET_DYN)
		return hc_error_create(HC_ERROR_UNSUPPORTED,
				       "not an executable (ELF type %u)", type);
	uint16_t machine = get16(d + offsetof(Elf64_Ehdr, e_machine));
	if (machine != EM_X86_64 && machine != EM_AARCH64)
		return hc_error_create(HC_ERROR_UNSUPPORTED,
				       "executable of unsupported architecture (machine %u)",
				       machine);
	return NULL;
}

/*
 * Keep the section header table of a 64-bit little-endian image (the
 * arches hmapcore reads) as the file has it. Not kept when it does not fit
 * the image (libelf then refuses the file anyway) or uses extended
 * numbering.
 */
static void snapshot_shdrs(struct hc_elffile *f)
{
	const uint8_t *im = f->image;
	if (f->image_size < 64 || memcmp(im, ELFMAG, SELFMAG) != 0 ||
	    im[EI_CLASS] != ELFCLASS64 || im[EI_DATA] != ELFDATA2LSB)
		return;
	uint64_t off = (uint64_t)get32(im + 0x28) | (uint64_t)get32(im + 0x2c) << 32;
	uint64_t len = (uint64_t)get16(im + 0x3a) * get16(im + 0x3c);
	if (!len || off > f->image_size || len > f->image_size - off)
		return;
	f->shdrs = malloc((size_t)len);
	if (!f->shdrs)
		return;
	memcpy(f->shdrs, im + off, (size_t)len);
	f->shdrs_off = (size_t)off;
	f->shdrs_len = (size_t)len;
}

uint8_t *hc_elffile_pristine_copy(const struct hc_elffile *f, size_t *size_ret)
{
	uint8_t *c = malloc(f->image_size ? f->image_size : 1);
	if (!c)
		return NULL;
	memcpy(c, f->image, f->image_size);
	if (f->shdrs)
		memcpy(c + f->shdrs_off, f->shdrs, f->shdrs_len);
	*size_ret = f->image_size;
	return c;
}

static struct hc_error *load_headers(struct hc_elffile *f)
{
	GElf_Ehdr eh;
	if (!gelf_getehdr(f->elf, &eh))
		return hc_error_elf("reading the ELF header");
	f->type = eh.e_type;
	f->entry = eh.e_entry;
	f->arch = eh.e_machine == EM_AARCH64 ? HC_ARCH_ARM64 : HC_ARCH_AMD64;

	size_t phnum;
	if (elf_getphdrnum(f->elf, &phnum) < 0)
		return hc_error_elf("reading the program headers");
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(f->elf, (int)i, &ph))
			return hc_error_elf("reading program header %zu", i);
		struct hc_elf_segment seg = {
			.vaddr = ph.p_vaddr,
			.memsz = ph.p_memsz,
			.offset = ph.p_offset,
			.filesz = ph.p_filesz,
			.flags = ph.p_flags,
			.align = ph.p_align,
		};
		if (ph.p_type == PT_LOAD) {
			if (!elfseg_vector_append(&f->segments, &seg))
				return &hc_error_nomem;
		} else if (ph.p_type == PT_TLS) {
			f->tls = seg;
			f->has_tls = true;
		}
	}

	if (elf_getshdrnum(f->elf, &f->shnum) < 0)
		return hc_error_elf("reading the section headers");
	if (f->shnum && elf_getshdrstrndx(f->elf, &f->shstrndx) < 0)
		return hc_error_elf("reading the section name table index");
	if (f->shnum) {
		f->sections = calloc(f->shnum, sizeof(*f->sections));
		if (!f->sections)
			return &hc_error_nomem;
	}

	// Notes: from SHT_NOTE sections, else from PT_NOTE segments (a file
	// whose section headers were stripped).
	bool any_note_section = false;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(f->elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			return hc_error_elf("reading a section header");
		if (sh.sh_type == SHT_SYMTAB)
			f->has_symtab = true;
		if (sh.sh_type != SHT_NOTE)
			continue;
		any_note_section = true;
		Elf_Data *d = elf_rawdata(scn, NULL);
		if (d && d->d_buf) {
			struct hc_error *err = scan_notes(f, d->d_buf,
							  d->d_size);
			if (err)
				return err;
		}
	}
	if (!any_note_section) {
		for (size_t i = 0; i < phnum; i++) {
			GElf_Phdr ph;
			if (!gelf_getphdr(f->elf, (int)i, &ph) ||
			    ph.p_type != PT_NOTE ||
			    ph.p_offset > f->image_size ||
			    ph.p_filesz > f->image_size - ph.p_offset)
				continue;
			struct hc_error *err =
				scan_notes(f, f->image + ph.p_offset,
					   (size_t)ph.p_filesz);
			if (err)
				return err;
		}
	}
	return NULL;
}

struct hc_error *hc_elffile_open(struct hc_file *file, struct hc_elffile **ret)
{
	struct hc_error *err = check_header(file->data, file->size);
	if (err) {
		err = hc_error_prefix(err, "%s", file->path);
		hc_file_destroy(file);
		return err;
	}
	struct hc_elffile *f = calloc(1, sizeof(*f));
	if (!f) {
		hc_file_destroy(file);
		return &hc_error_nomem;
	}
	f->file = file;
	elfseg_vector_init(&f->segments);
	symbol_map_init(&f->symbols);
	f->image = file->data;
	f->image_size = file->size;
	if (file->map_kind == 0) {
		// Borrowed memory: may be read-only; libelf needs to write.
		f->copy = malloc(file->size ? file->size : 1);
		if (!f->copy) {
			err = &hc_error_nomem;
			goto out;
		}
		memcpy(f->copy, file->data, file->size);
		f->image = f->copy;
	}
	snapshot_shdrs(f);
	elf_version(EV_CURRENT);
	f->elf = elf_memory((char *)f->image, f->image_size);
	if (!f->elf) {
		err = hc_error_elf("%s: opening", file->path);
		goto out;
	}
	err = load_headers(f);
	if (err) {
		err = hc_error_prefix(err, "%s", file->path);
		goto out;
	}
	*ret = f;
	return NULL;

out:
	hc_elffile_destroy(f);
	return err;
}

struct hc_error *hc_elffile_open_path(const char *path,
				      struct hc_elffile **ret)
{
	struct hc_file *file;
	struct hc_error *err = hc_file_open(path, 0, &file);
	if (err)
		return err;
	return hc_elffile_open(file, ret);
}

void hc_elffile_destroy(struct hc_elffile *f)
{
	if (!f)
		return;
	free(f->shdrs);
	for (size_t i = 0; i < f->shnum && f->sections; i++)
		free(f->sections[i].owned);
	free(f->sections);
	symbol_map_deinit(&f->symbols);
	elfseg_vector_deinit(&f->segments);
	free(f->go_build_id);
	if (f->elf)
		elf_end(f->elf);
	free(f->copy);
	hc_file_destroy(f->file);
	free(f);
}

/* ---------------------------------------------------------------- getters */

const struct hc_file *hc_elffile_file(const struct hc_elffile *f)
{
	return f->file;
}

Elf *hc_elffile_elf(const struct hc_elffile *f)
{
	return f->elf;
}

enum hc_arch hc_elffile_arch(const struct hc_elffile *f)
{
	return f->arch;
}

uint16_t hc_elffile_type(const struct hc_elffile *f)
{
	return f->type;
}

uint64_t hc_elffile_entry(const struct hc_elffile *f)
{
	return f->entry;
}

const struct hc_elf_segment *hc_elffile_segments(const struct hc_elffile *f,
						 size_t *n_ret)
{
	*n_ret = f->segments.size;
	return f->segments.data;
}

bool hc_elffile_tls(const struct hc_elffile *f, struct hc_elf_segment *ret)
{
	if (f->has_tls)
		*ret = f->tls;
	return f->has_tls;
}

bool hc_elffile_has_symtab(const struct hc_elffile *f)
{
	return f->has_symtab;
}

bool hc_elffile_gnu_build_id(const struct hc_elffile *f, const uint8_t **id_ret,
			     size_t *len_ret)
{
	if (!f->gnu_build_id)
		return false;
	*id_ret = f->gnu_build_id;
	*len_ret = f->gnu_build_id_len;
	return true;
}

const char *hc_elffile_go_build_id(const struct hc_elffile *f)
{
	return f->go_build_id;
}

/* ---------------------------------------------------------------- sections */

static struct hc_error *inflate_zlib(const uint8_t *in, size_t in_size,
				     uint8_t *out, size_t out_size,
				     const char *name)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (inflateInit(&z) != Z_OK)
		return &hc_error_nomem;
	int r = Z_OK;
	size_t in_pos = 0, out_pos = 0;
	while (r == Z_OK) {
		// zlib counts in uInt: go in chunks.
		if (!z.avail_in && in_pos < in_size) {
			size_t n = in_size - in_pos;
			n = n > (1u << 30) ? (1u << 30) : n;
			z.next_in = (Bytef *)in + in_pos;
			z.avail_in = (uInt)n;
			in_pos += n;
		}
		if (!z.avail_out) {
			size_t n = out_size - out_pos;
			n = n > (1u << 30) ? (1u << 30) : n;
			z.next_out = out + out_pos;
			z.avail_out = (uInt)n;
			out_pos += n;
		}
		r = inflate(&z, Z_NO_FLUSH);
	}
	size_t got = (size_t)z.total_out;
	inflateEnd(&z);
	if (r != Z_STREAM_END || got != out_size)
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "section %s: corrupt zlib data (%zu of %zu bytes)",
				       name, got, out_size);
	return NULL;
}

static struct hc_error *decompress_section(struct section_slot *slot,
					   const uint8_t *raw, size_t raw_size,
					   bool gnu_style)
{
	const char *name = slot->sec.name;
	uint64_t size;
	uint32_t algo;
	size_t hdr;
	if (gnu_style) {
		// ".zdebug_*": "ZLIB" then the size, big-endian.
		if (raw_size < 12 || memcmp(raw, "ZLIB", 4))
			return hc_error_create(HC_ERROR_BAD_DATA,
					       "section %s: no ZLIB header", name);
		size = 0;
		for (int i = 4; i < 12; i++)
			size = size << 8 | raw[i];
		algo = ELFCOMPRESS_ZLIB;
		hdr = 12;
	} else {
		if (raw_size < sizeof(Elf64_Chdr))
			return hc_error_create(HC_ERROR_BAD_DATA,
					       "section %s: compression header truncated",
					       name);
		Elf64_Chdr ch;
		memcpy(&ch, raw, sizeof(ch));
		size = ch.ch_size;
		algo = ch.ch_type;
		hdr = sizeof(ch);
	}
	// The size is the file's claim: no more than the format can expand
	// to from the bytes there are (deflate 1032:1; zstd at most one
	// 128 KiB RLE block per 4 bytes), so a small file cannot make us
	// allocate gigabytes (found by tests/fuzz/fuzz_elffile).
	uint64_t ratio = algo == ELFCOMPRESS_ZLIB ? 1032 : 32768;
	uint64_t max_size = (raw_size - hdr) * ratio + 64;
	if (size > max_section_size || size > SIZE_MAX - 1)
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "section %s: decompressed size %llu too large",
				       name, (unsigned long long)size);
	if (size > max_size)
		return hc_error_create(HC_ERROR_BAD_DATA,
				       "section %s: corrupt compressed data: "
				       "decompressed size %llu too large for %zu "
				       "compressed bytes",
				       name, (unsigned long long)size,
				       raw_size - hdr);
	uint8_t *out = malloc((size_t)size + 1);
	if (!out)
		return &hc_error_nomem;
	struct hc_error *err = NULL;
	if (algo == ELFCOMPRESS_ZLIB) {
		err = inflate_zlib(raw + hdr, raw_size - hdr, out, (size_t)size,
				   name);
	} else if (algo == ELFCOMPRESS_ZSTD) {
		size_t r = ZSTD_decompress(out, (size_t)size, raw + hdr,
					   raw_size - hdr);
		if (ZSTD_isError(r) || r != size)
			err = hc_error_create(HC_ERROR_BAD_DATA,
					      "section %s: corrupt zstd data", name);
	} else {
		err = hc_error_create(HC_ERROR_UNSUPPORTED,
				      "section %s: unknown compression %u", name,
				      algo);
	}
	if (err) {
		free(out);
		return err;
	}
	slot->owned = out;
	slot->sec.data = out;
	slot->sec.data_size = (size_t)size;
	slot->sec.size = size;
	return NULL;
}

static struct hc_error *load_section(struct hc_elffile *f, size_t index,
				     bool gnu_style,
				     const struct hc_elf_section **ret)
{
	struct section_slot *slot = &f->sections[index];
	if (slot->loaded) {
		*ret = &slot->sec;
		return NULL;
	}
	Elf_Scn *scn = elf_getscn(f->elf, index);
	GElf_Shdr sh;
	if (!scn || !gelf_getshdr(scn, &sh))
		return hc_error_elf("reading section %zu", index);
	struct hc_elf_section *sec = &slot->sec;
	memset(sec, 0, sizeof(*sec));
	sec->name = elf_strptr(f->elf, f->shstrndx, sh.sh_name);
	sec->addr = sh.sh_addr;
	sec->size = sh.sh_size;
	sec->type = sh.sh_type;
	sec->flags = sh.sh_flags;
	if (sh.sh_type != SHT_NOBITS) {
		Elf_Data *d = elf_rawdata(scn, NULL);
		if (!d)
			return hc_error_elf("reading section %s", sec->name);
		if ((sh.sh_flags & SHF_COMPRESSED) || gnu_style) {
			struct hc_error *err = decompress_section(
				slot, d->d_buf, d->d_size, gnu_style);
			if (err)
				return err;
			sec->flags &= ~(uint64_t)SHF_COMPRESSED;
		} else {
			sec->data = d->d_buf;
			sec->data_size = d->d_size;
		}
	}
	slot->loaded = true;
	*ret = sec;
	return NULL;
}

static bool find_section(struct hc_elffile *f, const char *name, size_t *ret)
{
	for (size_t i = 1; i < f->shnum; i++) {
		Elf_Scn *scn = elf_getscn(f->elf, i);
		GElf_Shdr sh;
		if (!scn || !gelf_getshdr(scn, &sh))
			continue;
		const char *n = elf_strptr(f->elf, f->shstrndx, sh.sh_name);
		if (n && !strcmp(n, name)) {
			*ret = i;
			return true;
		}
	}
	return false;
}

struct hc_error *hc_elffile_section(struct hc_elffile *f, const char *name,
				    const struct hc_elf_section **ret)
{
	size_t i;
	if (find_section(f, name, &i))
		return load_section(f, i, false, ret);
	if (!strncmp(name, ".debug_", 7)) {
		char z[256];
		int n = snprintf(z, sizeof(z), ".zdebug_%s", name + 7);
		if (n > 0 && (size_t)n < sizeof(z) && find_section(f, z, &i))
			return load_section(f, i, true, ret);
	}
	return hc_error_create(HC_ERROR_NOT_FOUND, "%s: no section %s",
			       f->file->path, name);
}

bool hc_elffile_has_section(struct hc_elffile *f, const char *name)
{
	size_t i;
	if (find_section(f, name, &i))
		return true;
	if (strncmp(name, ".debug_", 7))
		return false;
	char z[256];
	int n = snprintf(z, sizeof(z), ".zdebug_%s", name + 7);
	return n > 0 && (size_t)n < sizeof(z) && find_section(f, z, &i);
}

/* ---------------------------------------------------------------- symbols */

static struct hc_error *build_symbols(struct hc_elffile *f)
{
	Elf_Scn *scn = NULL, *symtab = NULL, *dynsym = NULL;
	while ((scn = elf_nextscn(f->elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_SYMTAB && !symtab)
			symtab = scn;
		else if (sh.sh_type == SHT_DYNSYM && !dynsym)
			dynsym = scn;
	}
	scn = symtab ? symtab : dynsym;
	if (!scn)
		return NULL;
	GElf_Shdr sh;
	if (!gelf_getshdr(scn, &sh))
		return hc_error_elf("reading the symbol table header");
	Elf_Data *d = elf_getdata(scn, NULL);
	if (!d)
		return hc_error_elf("reading the symbol table");
	size_t n = d->d_size / sizeof(Elf64_Sym);
	for (size_t i = 1; i < n; i++) {
		GElf_Sym sym;
		if (!gelf_getsym(d, (int)i, &sym))
			break;
		if (sym.st_shndx == SHN_UNDEF || !sym.st_name)
			continue;
		const char *name = elf_strptr(f->elf, sh.sh_link, sym.st_name);
		if (!name || !*name)
			continue;
		struct sym_value v = {sym.st_value, sym.st_size};
		if (!symbol_map_insert(&f->symbols, name, v, NULL))
			return &hc_error_nomem;
	}
	return NULL;
}

struct hc_error *hc_elffile_symbol(struct hc_elffile *f, const char *name,
				   uint64_t *value_ret, uint64_t *size_ret)
{
	if (!f->symbols_built) {
		struct hc_error *err = build_symbols(f);
		if (err) {
			symbol_map_deinit(&f->symbols);
			return err;
		}
		f->symbols_built = true;
	}
	struct sym_value *v = symbol_map_search(&f->symbols, name);
	if (!v)
		return hc_error_create(HC_ERROR_NOT_FOUND, "no symbol %s%s",
				       name,
				       f->has_symtab ? "" :
						       " (the executable has no .symtab)");
	*value_ret = v->value;
	if (size_ret)
		*size_ret = v->size;
	return NULL;
}

/* ---------------------------------------------------------------- memory */

/* The segment holding file bytes at @p addr, and how many follow. */
static const uint8_t *file_bytes(const struct hc_elffile *f, uint64_t addr,
				 uint64_t *n_ret, bool *bss_ret)
{
	for (size_t i = 0; i < f->segments.size; i++) {
		const struct hc_elf_segment *s = &f->segments.data[i];
		uint64_t k = addr - s->vaddr;
		if (addr < s->vaddr || k >= s->memsz)
			continue;
		uint64_t fs = s->filesz < s->memsz ? s->filesz : s->memsz;
		if (s->offset > f->image_size)
			fs = 0;
		else if (fs > f->image_size - s->offset)
			fs = f->image_size - s->offset;
		if (k >= fs) {
			if (k >= s->filesz && bss_ret) {
				// bss: zeros up to memsz.
				*bss_ret = true;
				*n_ret = s->memsz - k;
			}
			continue;
		}
		*n_ret = fs - k;
		return f->image + s->offset + k;
	}
	return NULL;
}

const void *hc_elffile_bytes_at(const struct hc_elffile *f, uint64_t addr,
				uint64_t *n_ret)
{
	return file_bytes(f, addr, n_ret, NULL);
}

const void *hc_elffile_ptr(const struct hc_elffile *f, uint64_t addr,
			   size_t len)
{
	uint64_t n;
	const uint8_t *p = file_bytes(f, addr, &n, NULL);
	return p && n >= len ? p : NULL;
}

struct hc_error *hc_elffile_read(const struct hc_elffile *f, uint64_t addr,
				 void *buf, size_t len)
{
	uint8_t *out = buf;
	while (len) {
		uint64_t n = 0;
		bool bss = false;
		const uint8_t *p = file_bytes(f, addr, &n, &bss);
		if (!p && !bss)
			return hc_error_fault(addr,
					      "address not in the executable's segments");
		if (n > len)
			n = len;
		if (p)
			memcpy(out, p, (size_t)n);
		else
			memset(out, 0, (size_t)n);
		out += n;
		addr += n;
		len -= (size_t)n;
	}
	return NULL;
}
