/* friction.h (internal): friction between lanes: each lane's mean speed per segment and the
 * reference speed beside it, from which caps.h caps the drivers. */
#ifndef LS_FRICTION_H
#define LS_FRICTION_H

#include <stdint.h>
#include "lanesim/world.h"
#include "segment.h"

/* Mean speeds per lane and segment at time t, and the reference speed beside. The arrays are
 * allocated only when friction is on (seg_ref NULL: off). */
typedef struct ls_friction_state {
    int32_t seg_cells, seg_count;
    uint64_t seg_inv; /* floor(2^32 / seg_cells) + 1, or 0 when ls_segment_of must divide */
    uint32_t *seg_sum, *seg_n; /* scratch: one lane's speed sums and vehicle counts */
    float *seg_speed;          /* lanes x segments, cells/step */
    float *seg_ref; /* lanes x segments: slowest adjacent lane's speed + speed_gap, cells/step */
    uint16_t *seg_free; /* lanes x segments: the highest cap friction leaves alone, cells/step */
} ls_friction_state;

ls_status ls_friction_create(ls_world *w);
void ls_friction_free(ls_friction_state *f);
/* This step's tables, from the state at time t. */
void ls_friction_tables(ls_world *w);

/* Friction's segments. */
static inline ls_segmenter ls_friction_segmenter(const ls_friction_state *f)
{
    ls_segmenter g = {f->seg_inv, f->seg_cells, f->seg_count - 1};
    return g;
}

#endif
