/* geometry.h (internal): the road along its length: on-ramp lanes, lane drops and adds, speed
 * zones, merge-avoidance zones, and the bottlenecks queues are measured from. Which lane is
 * beside which where: ls_lane_neighbour (world_state.h). */
#ifndef LS_GEOMETRY_H
#define LS_GEOMETRY_H

#include <stdint.h>
#include "blockage.h"
#include "lanesim/world.h"

/* The largest urgency of merge avoidance: under 0.5, where a driver starts asking the follower
 * beside to yield (lanechange.c), since an avoiding driver could stay where it is. */
#define LS_AVOID_URGENCY 0.45

/* A stretch where some drivers keep out of the rightmost lane: from avoid_lookahead before an
 * on-ramp's gore to the end of its acceleration lane. */
typedef struct ls_avoid_zone {
    int32_t from, gore, to; /* cells: [from, to), the gore in between */
    uint16_t below;         /* drivers with avoid < below keep out (256 x avoid_share) */
} ls_avoid_zone;

typedef struct ls_geometry_state {
    ls_avoid_zone avoid_zones[LS_MAX_RAMPS];
    int avoid_zone_count;
    uint16_t *cell_limit; /* cells/step: the speed limit of each cell, when zones exist */
    uint8_t entry_open[LS_MAX_LANES]; /* mainline lanes that exist at the start of the road */
    int bottleneck_count;
    ls_bottleneck bottlenecks[LS_MAX_BLOCKS + LS_MAX_SPEED_ZONES];
} ls_geometry_state;

/* Lays out on-ramp lanes, lane ends (as blockages), speed zones and bottlenecks. */
ls_status ls_geometry_create(ls_world *w);
void ls_geometry_free(ls_geometry_state *g);

#endif
