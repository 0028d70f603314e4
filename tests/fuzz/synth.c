/*
 * A synthetic pclntab builder for the fuzz harnesses (pclntab, unwinder):
 * the builder of tests/check_stack.c (which follows
 * src/cmd/link/internal/ld/pcln.go), with abort() for failed allocations
 * instead of Check's asserts.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "hmapcore/pclntab.h"
#include "synth.h"

struct buf {
	uint8_t *data;
	size_t size, cap;
	bool big;
};

static void buf_put(struct buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (b->size + n > b->cap) {
		b->cap = (b->size + n) * 2 + 64;
		b->data = realloc(b->data, b->cap);
		if (!b->data)
			abort();
	}
	memcpy(b->data + b->size, p, n);
	b->size += n;
}
static void buf_u8(struct buf *b, uint8_t v)
{
	buf_put(b, &v, 1);
}

static void buf_uint(struct buf *b, uint64_t v, size_t width)
{
	for (size_t i = 0; i < width; i++) {
		size_t shift = b->big ? (width - 1 - i) * 8 : i * 8;
		buf_u8(b, (uint8_t)(v >> shift));
	}
}

static void buf_set_uint(struct buf *b, size_t off, uint64_t v, size_t width)
{
	for (size_t i = 0; i < width; i++) {
		size_t shift = b->big ? (width - 1 - i) * 8 : i * 8;
		b->data[off + i] = (uint8_t)(v >> shift);
	}
}

static void buf_align(struct buf *b, size_t a)
{
	while (b->size % a)
		buf_u8(b, 0);
}

static void buf_varint(struct buf *b, uint32_t v)
{
	while (v >= 0x80) {
		buf_u8(b, (uint8_t)(v | 0x80));
		v >>= 7;
	}
	buf_u8(b, (uint8_t)v);
}
static const char FILETAB[] = "a.go\0b.go\0c.go";
static const uint32_t CUTAB[] = { 0, 5, 10, UINT32_MAX };

/* Encode a pc-value table like cmd/internal/obj/pcln.go funcpctab. */
static uint32_t put_table(struct buf *pc, const struct synth_table *t,
			  unsigned quantum)
{
	if (!t->n)
		return 0;
	uint32_t off = (uint32_t)pc->size;
	int32_t val = -1;
	uint32_t prev = 0;
	for (size_t i = 0; i < t->n; i++) {
		int32_t d = t->p[i].val - val;
		buf_varint(pc, ((uint32_t)d << 1) ^ (d < 0 ? UINT32_MAX : 0));
		buf_varint(pc, (t->p[i].end - prev) / quantum);
		val = t->p[i].val;
		prev = t->p[i].end;
	}
	buf_u8(pc, 0);
	return off;
}

struct synth_built synth_build(const struct synth_spec *s)
{
	struct synth_built r = { 0 };
	bool old = s->version == 116;
	size_t ptr = 8, nwords = old ? 7 : 8;
	struct buf names = { .big = s->big }, pc = { .big = s->big };
	uint32_t nameoff[SYNTH_MAXF], sp[SYNTH_MAXF], file[SYNTH_MAXF], ln[SYNTH_MAXF], pd[SYNTH_MAXF][4];
	if (s->nfunc > SYNTH_MAXF)
		abort();

	buf_u8(&pc, 0); // offset 0 means "no table"
	for (size_t i = 0; i < s->nfunc; i++) {
		const struct synth_func *f = &s->funcs[i];
		nameoff[i] = (uint32_t)names.size;
		buf_put(&names, f->name, strlen(f->name) + 1);
		sp[i] = put_table(&pc, &f->sp, s->quantum);
		file[i] = put_table(&pc, &f->file, s->quantum);
		ln[i] = put_table(&pc, &f->ln, s->quantum);
		for (size_t k = 0; k < f->npcdata && k < 4; k++)
			pd[i][k] = put_table(&pc, &f->pcdata[k], s->quantum);
	}

	struct buf b = { .big = s->big };
	uint32_t magic = old ? 0xfffffffa : s->version == 118 ? 0xfffffff0 :
			       0xfffffff1;
	buf_uint(&b, magic, 4);
	buf_u8(&b, 0);
	buf_u8(&b, 0);
	buf_u8(&b, (uint8_t)s->quantum);
	buf_u8(&b, (uint8_t)ptr);
	for (size_t i = 0; i < nwords; i++)
		buf_uint(&b, 0, ptr); // patched below
	r.funcname_off = b.size;
	buf_put(&b, names.data, names.size);
	buf_align(&b, 4);
	r.cu_off = b.size;
	for (size_t i = 0; i < 4; i++)
		buf_uint(&b, CUTAB[i], 4);
	r.file_off = b.size;
	buf_put(&b, FILETAB, sizeof(FILETAB));
	r.pc_off = b.size;
	buf_put(&b, pc.data, pc.size);
	buf_align(&b, ptr);
	r.pcln_off = b.size;

	size_t field = old ? ptr : 4;
	uint64_t base = old ? s->hdr_text : 0;
	for (size_t i = 0; i < s->nfunc; i++) {
		r.ftab_off[i] = b.size;
		buf_uint(&b, base + s->funcs[i].entryoff, field);
		buf_uint(&b, 0, field); // funcoff, patched
	}
	buf_uint(&b, base + s->end_off, field);
	for (size_t i = 0; i < s->nfunc; i++) {
		const struct synth_func *f = &s->funcs[i];
		buf_align(&b, ptr);
		r.rec_off[i] = b.size;
		r.sp_off[i] = sp[i] ? r.pc_off + sp[i] : 0;
		buf_set_uint(&b, r.ftab_off[i] + field, b.size - r.pcln_off,
			     field);
		buf_uint(&b, base + f->entryoff, field);
		buf_uint(&b, nameoff[i], 4);
		buf_uint(&b, (uint32_t)f->args, 4);
		buf_uint(&b, f->deferreturn, 4);
		buf_uint(&b, sp[i], 4);
		buf_uint(&b, file[i], 4);
		buf_uint(&b, ln[i], 4);
		buf_uint(&b, f->npcdata, 4);
		buf_uint(&b, f->cu_offset, 4);
		if (s->version >= 120)
			buf_uint(&b, (uint32_t)f->start_line, 4);
		buf_u8(&b, f->funcid);
		buf_u8(&b, f->flag);
		buf_u8(&b, 0);
		buf_u8(&b, f->nfuncdata);
		for (size_t k = 0; k < f->npcdata; k++)
			buf_uint(&b, k < 4 ? pd[i][k] : 0, 4);
		for (size_t k = 0; k < f->nfuncdata; k++)
			buf_uint(&b, f->funcdata[k], 4);
	}

	uint64_t w[8], *o;
	w[0] = s->nfunc;
	w[1] = 3;
	if (old) {
		o = &w[2];
	} else {
		w[2] = s->hdr_text;
		o = &w[3];
	}
	o[0] = r.funcname_off;
	o[1] = r.cu_off;
	o[2] = r.file_off;
	o[3] = r.pc_off;
	o[4] = r.pcln_off;
	for (size_t i = 0; i < nwords; i++)
		buf_set_uint(&b, 8 + i * ptr, w[i], ptr);

	free(names.data);
	free(pc.data);
	// An exact-size copy, so a read past the end is an ASan error.
	r.data = malloc(b.size);
	if (!r.data)
		abort();
	memcpy(r.data, b.data, b.size);
	r.size = b.size;
	free(b.data);
	return r;
}


/* ------------------------------------------------ the program */

static const struct synth_func FUNCS[] = {
	{
		.name = "main.leaf", .entryoff = 0,
		.sp = { SYNTH_PAIRS({ 0, 4 }, { 0x18, 0x40 }) },
		.file = { SYNTH_PAIRS({ 0, 0x40 }) },
		.ln = { SYNTH_PAIRS({ 10, 0x20 }, { 50, 0x28 }, { 11, 0x30 }, { 12, 0x40 }) },
		.npcdata = 4,
		/* PCDATA_ArgLiveIndex: 1 (every argument dead) before the
		 * inlined call, so at its call site leaf+0x10, none after. */
		.pcdata = { { NULL, 0 }, { NULL, 0 },
			    { SYNTH_PAIRS({ -1, 0x20 }, { 0, 0x28 }, { -1, 0x40 }) },
			    { SYNTH_PAIRS({ 1, 0x20 }, { -1, 0x40 }) } },
		.nfuncdata = 7,
		.funcdata = { UINT32_MAX, UINT32_MAX, UINT32_MAX, 0, UINT32_MAX, 0x40, 0x60 },
	},
	{
		.name = "main.middle", .entryoff = 0x40,
		.sp = { SYNTH_PAIRS({ 0x28, 0x40 }) },
		.file = { SYNTH_PAIRS({ 1, 0x40 }) },
		.ln = { SYNTH_PAIRS({ 20, 0x20 }, { 21, 0x40 }) },
	},
	{
		.name = "main.main", .entryoff = 0x80,
		.sp = { SYNTH_PAIRS({ 0x10, 0x40 }) },
		.file = { SYNTH_PAIRS({ 1, 0x40 }) },
		.ln = { SYNTH_PAIRS({ 30, 0x40 }) },
	},
	{
		.name = "runtime.goexit", .entryoff = 0xc0,
		.sp = { SYNTH_PAIRS({ 0, 0x10 }) },
		.file = { SYNTH_PAIRS({ 2, 0x10 }) },
		.ln = { SYNTH_PAIRS({ 1, 0x10 }) },
		.flag = HC_FUNCFLAG_TOPFRAME,
	},
	{
		.name = "runtime.sigpanic", .entryoff = 0xd0,
		.sp = { SYNTH_PAIRS({ 8, 0x10 }) },
		.file = { SYNTH_PAIRS({ 2, 0x10 }) },
		.ln = { SYNTH_PAIRS({ 2, 0x10 }) },
	},
	{
		.name = "runtime.mcall", .entryoff = 0xe0,
		.sp = { SYNTH_PAIRS({ 0, 0x10 }) },
		.file = { SYNTH_PAIRS({ 2, 0x10 }) },
		.ln = { SYNTH_PAIRS({ 3, 0x10 }) },
		.flag = HC_FUNCFLAG_SPWRITE,
	},
	{
		.name = "runtime.sigtramp", .entryoff = 0xf0,
		.sp = { SYNTH_PAIRS({ 0x10, 0x10 }) },
		.file = { SYNTH_PAIRS({ 2, 0x10 }) },
		.ln = { SYNTH_PAIRS({ 4, 0x10 }) },
		.flag = HC_FUNCFLAG_TOPFRAME,
	},
	{
		.name = "main.spin", .entryoff = 0x100,
		.sp = { SYNTH_PAIRS({ 0, 0x10 }) },
		.file = { SYNTH_PAIRS({ 0, 0x10 }) },
		.ln = { SYNTH_PAIRS({ 5, 0x10 }) },
	},
};

/* "main.inl" is not a function; the inline tree names it through the
 * funcnametab, so it is the name of a ninth, unused function. */
static const struct synth_func INL = {
	.name = "main.inl", .entryoff = SYNTH_END,
	.sp = { SYNTH_PAIRS({ 0, 0x10 }) },
	.file = { SYNTH_PAIRS({ 0, 0x10 }) },
	.ln = { SYNTH_PAIRS({ 1, 0x10 }) },
};

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

struct synth_built synth_program(int go_version)
{
	struct synth_func all[SYNTH_MAXF + 1];
	size_t n = sizeof(FUNCS) / sizeof(FUNCS[0]);
	memcpy(all, FUNCS, sizeof(FUNCS));
	all[n] = INL;
	struct synth_spec spec = {
		.version = go_version, .quantum = 1, .hdr_text = SYNTH_TEXT,
		.end_off = SYNTH_END + 0x10, .funcs = all, .nfunc = n + 1,
	};
	return synth_build(&spec);
}

size_t synth_name_offset(const char *name)
{
	size_t off = 0;
	for (size_t i = 0; i < sizeof(FUNCS) / sizeof(FUNCS[0]); i++) {
		if (strcmp(FUNCS[i].name, name) == 0)
			return off;
		off += strlen(FUNCS[i].name) + 1;
	}
	return off; /* INL comes last */
}

void synth_gofunc(uint8_t out[SYNTH_GOFUNC_SIZE])
{
	memset(out, 0, SYNTH_GOFUNC_SIZE);
	/* Inline tree entry 0 (go1.20+): main.inl, call site at leaf+0x10. */
	put32(out + 4, (uint32_t)synth_name_offset("main.inl"));
	put32(out + 8, 0x10);
	put32(out + 12, 49);
	/* ArgInfo of leaf. */
	static const uint8_t arginfo[] = { 0x00, 8, 0xfe, 0x08, 8, 0x10, 4,
					   0xfd, 0xff };
	memcpy(out + 0x40, arginfo, sizeof(arginfo));
	/* ArgLiveInfo of leaf: start offset 0, then at index 1 a bitmap
	 * with every slot dead. */
	out[0x60] = 0;
	out[0x61] = 0;
}
