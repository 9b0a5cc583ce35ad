/* ramps.h (internal): where vehicles go: destinations, exits taken or missed, merges. */
#ifndef LS_RAMPS_H
#define LS_RAMPS_H

#include <stdint.h>
#include "lanesim/world.h"

/* Per-ramp observations. */
typedef struct ls_ramp_state {
    int lane;                /* on: its lane index */
    int32_t at;              /* off: the diverge cell */
    uint64_t merges;         /* on: vehicles that merged into the mainline */
    double merge_pos_sum;    /* on: sum of merge positions, m from the start of the acc. lane */
    uint64_t merge_bins[10]; /* on: merges per tenth of the acceleration lane */
    uint64_t max_waiting;    /* on: the longest entry queue seen */
    uint64_t exited;         /* off: vehicles that took the exit */
    uint64_t missed;         /* off: vehicles bound for it that passed it in another lane */
} ls_ramp_state;

void ls_ramps_destination(ls_world *w, uint32_t handle, int32_t from_cell);
ls_status ls_ramps_exits(ls_world *w);
uint64_t ls_ramps_hash(const ls_world *w, uint64_t h);
void ls_ramps_merged(ls_world *w, int ramp_lane, int32_t front);

#endif
