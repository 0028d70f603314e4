/* Findings: see include/hmapcore/findings.h. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmapcore/findings.h"

static const struct {
	const char *code;
	enum hc_severity severity;
	const char *text;
	const char *remedy;
} codes[] = {
#define HC_X(e, code, sev, text, remedy) {code, HC_SEVERITY_##sev, text, remedy},
	HC_FINDING_CODES(HC_X)
#undef HC_X
};

const char *hc_severity_name(enum hc_severity s)
{
	switch (s) {
	case HC_SEVERITY_INFO: return "info";
	case HC_SEVERITY_WARNING: return "warning";
	case HC_SEVERITY_ERROR: return "error";
	}
	return "?";
}

bool hc_severity_parse(const char *s, enum hc_severity *ret)
{
	for (int i = HC_SEVERITY_INFO; i <= HC_SEVERITY_ERROR; i++) {
		if (strcmp(s, hc_severity_name((enum hc_severity)i)) == 0) {
			*ret = (enum hc_severity)i;
			return true;
		}
	}
	return false;
}

const char *hc_finding_code_name(enum hc_finding_code c)
{
	return c < HC_FINDING_NUM_CODES ? codes[c].code : "?";
}

enum hc_severity hc_finding_code_severity(enum hc_finding_code c)
{
	return c < HC_FINDING_NUM_CODES ? codes[c].severity : HC_SEVERITY_ERROR;
}

const char *hc_finding_code_text(enum hc_finding_code c)
{
	return c < HC_FINDING_NUM_CODES ? codes[c].text : "?";
}

const char *hc_finding_code_remedy(enum hc_finding_code c)
{
	return c < HC_FINDING_NUM_CODES ? codes[c].remedy : "";
}

void hc_findings_init(struct hc_findings *f)
{
	hc_finding_vec_init(&f->v);
	f->nomem = false;
}

void hc_findings_deinit(struct hc_findings *f)
{
	for (size_t i = 0; i < f->v.size; i++) {
		free(f->v.data[i].message);
		free(f->v.data[i].path);
	}
	hc_finding_vec_deinit(&f->v);
}

void hc_findings_take(struct hc_findings *dst, struct hc_findings *src)
{
	for (size_t i = 0; i < src->v.size; i++) {
		struct hc_finding f = src->v.data[i];
		f.seq = dst->v.size;
		if (!hc_finding_vec_append(&dst->v, &f)) {
			dst->nomem = true;
			free(f.message);
			free(f.path);
		}
	}
	if (src->nomem)
		dst->nomem = true;
	src->v.size = 0;
	hc_findings_deinit(src);
}

struct hc_finding *hc_findings_add(struct hc_findings *f,
				   enum hc_finding_code code, const char *path,
				   uint64_t addr, const char *fmt, ...)
{
	char *msg = NULL, *p = NULL;
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0)
		msg = NULL;
	if (path)
		p = strdup(path);
	struct hc_finding *fd = msg && (!path || p) ? hc_finding_vec_append_entry(&f->v) : NULL;
	if (!fd) {
		free(msg);
		free(p);
		f->nomem = true;
		return NULL;
	}
	fd->code = code;
	fd->seq = f->v.size - 1;
	fd->severity = hc_finding_code_severity(code);
	fd->message = msg;
	fd->path = p;
	if (addr)
		hc_finding_add_addr(fd, addr);
	return fd;
}

void hc_finding_add_addr(struct hc_finding *f, uint64_t addr)
{
	if (f && f->naddrs < HC_FINDING_MAX_ADDRS)
		f->addrs[f->naddrs++] = addr;
}

void hc_finding_add_goid(struct hc_finding *f, uint64_t goid)
{
	if (!f)
		return;
	for (unsigned i = 0; i < f->ngoids; i++)
		if (f->goids[i] == goid)
			return;
	if (f->ngoids < sizeof(f->goids) / sizeof(f->goids[0]))
		f->goids[f->ngoids++] = goid;
}

static int cmp(const void *pa_, const void *pb_)
{
	const struct hc_finding *a = pa_, *b = pb_;
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if (a->code != b->code)
		return a->code < b->code ? -1 : 1;
	const char *pa = a->path ? a->path : "", *pb = b->path ? b->path : "";
	int c = strcmp(pa, pb);
	if (c)
		return c;
	uint64_t aa = a->naddrs ? a->addrs[0] : 0, ba = b->naddrs ? b->addrs[0] : 0;
	if (aa != ba)
		return aa < ba ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void hc_findings_sort(struct hc_findings *f)
{
	if (f->v.size > 1)
		qsort(f->v.data, f->v.size, sizeof(f->v.data[0]), cmp);
}

size_t hc_findings_count(const struct hc_findings *f, enum hc_severity min)
{
	size_t n = 0;
	for (size_t i = 0; i < f->v.size; i++)
		if (f->v.data[i].severity >= min)
			n++;
	return n;
}
