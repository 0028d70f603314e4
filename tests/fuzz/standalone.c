/*
 * Standalone replay driver: runs files through a harness's
 * LLVMFuzzerTestOneInput() without libFuzzer, so `make check` replays the
 * committed seed corpora and regressions with any compiler (and under
 * ASan/UBSan). Like libgit2's tests/fuzz/standalone_driver.c and tmux's
 * fuzz/.
 *
 * Usage: replay_NAME [FILE|DIR]...
 * Without arguments: every file of $top_srcdir/tests/fuzz/corpus/NAME and
 * $top_srcdir/tests/fuzz/regressions/NAME (NAME is FUZZ_NAME). Exit 0 when
 * every input ran (a crash is a crash: the test fails), 77 (skip) when there
 * is nothing to replay, 1 when a file cannot be read.
 */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#ifndef FUZZ_NAME
#error "FUZZ_NAME must name the harness"
#endif

static size_t n_run;
static int failed;

static void run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		failed = 1;
		return;
	}
	uint8_t *data = NULL;
	size_t size = 0, cap = 0;
	for (;;) {
		if (size == cap) {
			cap = cap ? cap * 2 : 65536;
			uint8_t *p = realloc(data, cap);
			if (!p) {
				fprintf(stderr, "%s: out of memory\n", path);
				failed = 1;
				free(data);
				fclose(f);
				return;
			}
			data = p;
		}
		size_t n = fread(data + size, 1, cap - size, f);
		if (n == 0)
			break;
		size += n;
	}
	fclose(f);
	// An exact-size copy so that a read past the end is an ASan error.
	uint8_t *exact = malloc(size ? size : 1);
	if (!exact) {
		free(data);
		failed = 1;
		return;
	}
	if (size)
		memcpy(exact, data, size);
	free(data);
	LLVMFuzzerTestOneInput(exact, size);
	free(exact);
	n_run++;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of @p dir, in name order; false when it is no dir. */
static int run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || strcmp(e->d_name, "README") == 0)
			continue;
		char **p = realloc(names, (n + 1) * sizeof(*names));
		if (!p)
			break;
		names = p;
		size_t len = strlen(dir) + strlen(e->d_name) + 2;
		names[n] = malloc(len);
		if (!names[n])
			break;
		snprintf(names[n], len, "%s/%s", dir, e->d_name);
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
			run_file(names[i]);
		free(names[i]);
	}
	free(names);
	return 1;
}

static void run_path(const char *path)
{
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		run_dir(path);
	else
		run_file(path);
}

int main(int argc, char **argv)
{
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			run_path(argv[i]);
	} else {
		const char *top = getenv("top_srcdir");
		if (!top)
			top = ".";
		static const char *const sub[] = { "corpus", "regressions" };
		for (size_t i = 0; i < 2; i++) {
			char path[4096];
			snprintf(path, sizeof(path), "%s/tests/fuzz/%s/%s", top,
				 sub[i], FUZZ_NAME);
			run_dir(path);
		}
	}
	printf("%s: %zu inputs replayed\n", FUZZ_NAME, n_run);
	if (failed)
		return 1;
	return n_run ? 0 : 77;
}
