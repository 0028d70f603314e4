/*
 * report_inert FORMAT FILE: exit 0 when FILE, a report in FORMAT (text,
 * json, markdown, html), is inert by report_output_problem()
 * (tests/fuzz/report_model.c), else print why and exit 1. Used by
 * tests/integration/hostile.sh on the reports of the hostile fixtures.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "hmapcore/info.h"
#include "report_model.h"

int main(int argc, char **argv)
{
	enum hc_format f;
	if (argc != 3 || !hc_format_parse(argv[1], &f)) {
		fprintf(stderr, "usage: report_inert text|json|markdown|html FILE\n");
		return 2;
	}
	FILE *fp = fopen(argv[2], "rb");
	if (!fp) {
		perror(argv[2]);
		return 2;
	}
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	size_t n;
	while (buf && (n = fread(buf + len, 1, cap - len, fp)) > 0) {
		len += n;
		if (len == cap) {
			char *nb = realloc(buf, cap *= 2);
			if (!nb) {
				free(buf);
				buf = NULL;
			}
			buf = nb;
		}
	}
	fclose(fp);
	if (!buf) {
		fprintf(stderr, "report_inert: out of memory\n");
		return 2;
	}
	const char *why = report_output_problem(f, buf, len);
	free(buf);
	if (why) {
		printf("%s\n", why);
		return 1;
	}
	return 0;
}
