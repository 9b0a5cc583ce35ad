/* blockage.h (internal): closed stretches (incidents, work zones, lane drops and adds, the ends of
 * acceleration lanes), parked as entries in their lanes. */
#ifndef LS_BLOCKAGE_H
#define LS_BLOCKAGE_H

#include <stdint.h>
#include "lanesim/world.h"

#define LS_MAX_BLOCKS (LS_MAX_BLOCKAGES + 2 * LS_MAX_LANE_ENDS + LS_MAX_RAMPS)

/* The live state of one blockage in one lane. */
typedef struct ls_block {
    int32_t from, to;            /* cells [from, to) */
    int64_t start, end;          /* steps */
    uint32_t lanes;              /* mask */
    uint32_t placed;             /* mask of lanes whose obstacle entry is on the road */
    int32_t front[LS_MAX_LANES]; /* cells: the obstacle's front in each placed lane */
} ls_block;

/* The scenario's blockages, then lane drops, lane adds and the ends of acceleration lanes. */
typedef struct ls_blockage_state {
    ls_block blocks[LS_MAX_BLOCKS];
    int block_count;
    uint32_t closed_lanes; /* lanes with any closed stretch, active or not (a quick filter) */
} ls_blockage_state;

/* The scenario's blockages (geometry.c adds the permanent ones after them). */
void ls_blockages_create(ls_world *w);
/* A permanent closed stretch [from, to) in `lanes` (a mask). */
void ls_blockages_add(ls_world *w, uint32_t lanes, int32_t from, int32_t to);
ls_status ls_blockages_update(ls_world *w);
/* Nearest closed stretch ahead of `front` in the lane within `reach` cells: its distance in
 * cells (from the front to the first closed cell), or -1 when there is none. */
int32_t ls_blockage_ahead(const ls_world *w, int lane, int32_t front, int32_t reach);
uint64_t ls_blockages_hash(const ls_world *w, uint64_t h);
int ls_blockage_covers(const ls_world *w, int lane, int32_t from, int32_t to);

#endif
