/* segment.h (internal): the segment of a cell, by a multiplication where that is exact. */
#ifndef LS_SEGMENT_H
#define LS_SEGMENT_H

#include <stdint.h>

/* Segments of the road (friction's, the space-time field's): the segment of a front x, clamped
 * to the road's segments, is ls_segment_of. A multiplication by
 * `inv` instead of a division where that is exact: with M = floor(2^32 / d) + 1,
 * x M / 2^32 = x / d + x e / 2^32 with 0 < e <= 1, less than 1/d above x / d when x < 2^32 / d,
 * so its floor is floor(x / d). ls_segment_inverse gives inv only when every front is that
 * small. A value, not the world: callers keep it in registers across their loops. */
typedef struct ls_segmenter {
    uint64_t inv;        /* floor(2^32 / cells) + 1, or 0: divide */
    int32_t cells, last; /* cells a segment; the last segment */
} ls_segmenter;

/* M for segments of `cells` on a road of `road_cells`, or 0 where it would not be exact. Fronts
 * stay below the road's cells + the largest speed (< 65536) plus one vehicle length. */
static inline uint64_t ls_segment_inverse(int32_t cells, int32_t road_cells)
{
    uint64_t largest = (uint64_t)road_cells + 2 * 65536u;
    return largest * (uint64_t)cells < (1ull << 32) ? (1ull << 32) / (uint64_t)cells + 1 : 0;
}

static inline int32_t ls_segment_of(ls_segmenter g, int32_t x)
{
    if (x < 0) x = 0;
    int32_t s = g.inv ? (int32_t)(((uint64_t)(uint32_t)x * g.inv) >> 32) : x / g.cells;
    return s < g.last ? s : g.last;
}

#endif
