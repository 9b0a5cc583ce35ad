/* hash.h (internal): FNV-1a over bytes, for the state hash (each module hashes its own part). */
#ifndef LS_HASH_H
#define LS_HASH_H

#include <stddef.h>
#include <stdint.h>

#define LS_HASH_SEED UINT64_C(0xCBF29CE484222325)

static inline uint64_t ls_hash_bytes(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= UINT64_C(0x100000001B3);
    }
    return h;
}

/* One value, by its bytes (fields one by one: a struct's padding is not state). */
#define LS_HASH(h, x) ls_hash_bytes((h), &(x), sizeof(x))

#endif
