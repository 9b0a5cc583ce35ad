/* rng.h: the fast per-world random stream used in the update's hot loop. */
#ifndef LS_RNG_H
#define LS_RNG_H

#include <stdint.h>

/* xoshiro256+ (Blackman & Vigna, "Scrambled linear pseudorandom number generators", ACM TOMS
 * 2021): four 64-bit words of state, period 2^256 - 1. Its upper bits are of excellent quality;
 * we use only the upper 32. It replaces a GSL call per vehicle per step, which profiling showed
 * to cost more than the rest of the update (docs/performance.md). Seeded from the scenario's
 * seed directly (world.c, mixed with a constant so it differs from the GSL stream's seed), so
 * one scenario seed still fixes everything. */
typedef struct ls_fastrng {
    uint64_t s[4];
} ls_fastrng;

static inline uint64_t ls_rotl64(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static inline uint64_t ls_fastrng_next(ls_fastrng *r)
{
    uint64_t *s = r->s;
    const uint64_t result = s[0] + s[3];
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = ls_rotl64(s[3], 45);
    return result;
}

/* Threshold for "true with probability p" tests against the upper 32 bits: draw < threshold.
 * p = 1 gives 2^32, which every 32-bit draw is below. */
static inline uint64_t ls_prob_threshold(double p)
{
    if (p <= 0) return 0;
    if (p >= 1) return UINT64_C(1) << 32;
    return (uint64_t)(p * 4294967296.0 + 0.5);
}

/* Fills the state from a 64-bit seed with splitmix64, which never yields the all-zero state. */
void ls_fastrng_seed(ls_fastrng *r, uint64_t seed);

#endif
