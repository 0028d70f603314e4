/*
 * What every harness of tests/fuzz/ exports: libFuzzer's entry points. The
 * same object links with libFuzzer (--enable-fuzzing, clang) or with
 * standalone.c (a replay driver for `make check`, any compiler).
 */
#ifndef HMAPCORE_TESTS_FUZZ_H
#define HMAPCORE_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional (weak): one-time setup. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

#endif /* HMAPCORE_TESTS_FUZZ_H */
