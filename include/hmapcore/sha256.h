/**
 * @file sha256.h
 * SHA-256 (FIPS 180-4), incremental (layer L0, util).
 *
 * Used to key and check the decompression cache (src/core/cache.c): no
 * library dependency for one hash. Invariant: after hc_sha256_final() the
 * context must be initialised again before use.
 */
#ifndef HMAPCORE_SHA256_H
#define HMAPCORE_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { HC_SHA256_SIZE = 32 };

struct hc_sha256 {
	uint32_t h[8];
	uint64_t len; /* bytes hashed so far */
	uint8_t buf[64];
	size_t used; /* bytes in buf */
};

/** Start a hash in caller storage. */
void hc_sha256_init(struct hc_sha256 *s);
/** Hash @p n more bytes. */
void hc_sha256_update(struct hc_sha256 *s, const void *data, size_t n);
/** Finish and write the digest to @p ret. */
void hc_sha256_final(struct hc_sha256 *s, uint8_t ret[HC_SHA256_SIZE]);
/** One call: the digest of @p n bytes. */
void hc_sha256(const void *data, size_t n, uint8_t ret[HC_SHA256_SIZE]);
/**
 * Use the CPU's SHA instructions when it has them (the default) or not
 * (for tests of the portable code). Not thread-safe against a hash in
 * progress. @return whether they are used now.
 */
bool hc_sha256_accelerate(bool on);
/** The digest as 64 lowercase hex digits and a NUL. */
void hc_sha256_hex(const uint8_t digest[HC_SHA256_SIZE], char ret[65]);

#endif /* HMAPCORE_SHA256_H */
