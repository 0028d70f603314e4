/* How complete an answer is: see include/hmapcore/completeness.h. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmapcore/completeness.h"
#include "hmapcore/strbuf.h"

void hc_completeness_init(struct hc_completeness *c)
{
	hc_gap_vec_init(&c->gaps);
	c->dropped = 0;
}

void hc_completeness_deinit(struct hc_completeness *c)
{
	for (size_t i = 0; i < c->gaps.size; i++) {
		free(c->gaps.data[i].reason);
		free(c->gaps.data[i].cost);
	}
	hc_gap_vec_deinit(&c->gaps);
	c->dropped = 0;
}

/* A printable copy of @p s (escaped when it holds control bytes). */
static char *printable(const char *s)
{
	if (hc_str_printable(s, strlen(s)))
		return strdup(s);
	struct hc_strbuf sb;
	hc_strbuf_init(&sb);
	if (!hc_strbuf_append_escaped(&sb, s, strlen(s))) {
		hc_strbuf_deinit(&sb);
		return NULL;
	}
	return hc_strbuf_steal(&sb);
}

static void add(struct hc_completeness *c, const char *reason, const char *cost)
{
	for (size_t i = 0; i < c->gaps.size; i++)
		if (strcmp(c->gaps.data[i].reason, reason) == 0 &&
		    strcmp(c->gaps.data[i].cost, cost) == 0)
			return;
	struct hc_gap g = {.reason = printable(reason), .cost = printable(cost)};
	if (!g.reason || !g.cost || !hc_gap_vec_append(&c->gaps, &g)) {
		free(g.reason);
		free(g.cost);
		c->dropped++;
	}
}

void hc_completeness_add(struct hc_completeness *c, const char *reason,
			 const char *cost_fmt, ...)
{
	va_list ap;
	va_start(ap, cost_fmt);
	char *cost;
	int r = vasprintf(&cost, cost_fmt, ap);
	va_end(ap);
	if (r < 0) {
		c->dropped++;
		return;
	}
	add(c, reason ? reason : "?", cost);
	free(cost);
}

void hc_completeness_merge(struct hc_completeness *c,
			   const struct hc_completeness *from)
{
	for (size_t i = 0; i < from->gaps.size; i++)
		add(c, from->gaps.data[i].reason, from->gaps.data[i].cost);
	c->dropped += from->dropped;
}
