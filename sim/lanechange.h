/* lanechange.h (internal): lane changes: their state, neighbours in a lane and the gap-acceptance
 * rule (gaprule.c), shared by the lane-change modules and exposed for the isolated-merge tests. */
#ifndef LS_LANECHANGE_H
#define LS_LANECHANGE_H

#include <stddef.h>
#include <stdint.h>

#include "lanesim/world.h"

/* A lane-change decision taken from the state at time t, applied after all are taken. */
typedef struct ls_change {
    uint32_t handle;
    int32_t front;
    int8_t from, to;
    uint16_t cap;  /* cells/step: the vehicle's speed cap in the new lane */
    int16_t steps; /* ghost lifetime, steps */
} ls_change;

/* Constants of the rule on this grid, this step's decisions, and the decision pass's scratch. */
typedef struct ls_lc_state {
    double sin_alpha;
    int32_t gain;      /* cells/step */
    int32_t lookahead; /* cells */
    int32_t trick_gap; /* cells */
    int32_t yield;     /* cells/step: how much a yielding follower slows per step (b) */
    double *ta;        /* s: Ta for each speed 0 .. max_vmax, cells/step */
    uint64_t p_thr;
    ls_change *changes;
    size_t change_count, change_cap;
    struct lc_look *looks; /* scratch of the decision pass: drivers who look this step */
    size_t look_cap;
    int32_t *others; /* scratch: drivers with an obligation */
    size_t other_cap;
} ls_lc_state;

ls_status ls_lanechange_setup(ls_world *w);
void ls_lc_free(ls_lc_state *lc);
/* Decides this step's changes from the state at t (setting every entry's speed cap on the way)
 * and applies them. */
ls_status ls_lanechange_step(ls_world *w);

/* Neighbours of a would-be position in a lane: the vehicle (or ghost or obstacle) ahead and
 * behind, the empty cells to them, and their speeds (cells/step). No neighbour: gap LS_FAR. */
#define LS_FAR (INT32_MAX / 4)
typedef struct ls_neighbours {
    int32_t index;               /* where an entry with this front would be inserted */
    int32_t gap_ahead, gap_back; /* cells; negative: the body would overlap */
    int32_t v_ahead, v_back;     /* cells/step */
    int32_t front_ahead;         /* cell of the leader's front (unwrapped), if there is one */
    uint32_t ahead_handle;       /* the leader's handle (UINT32_MAX: none) */
    int32_t a_back, vmax_back;   /* the follower's acceleration (cells/step^2) and vmax */
    uint32_t back_handle;        /* the follower's handle (UINT32_MAX: none) */
    int32_t back_index;          /* the follower's index in the lane's arrays (-1: none) */
} ls_neighbours;

void ls_lc_neighbours(const ls_world *w, int lane, int32_t front, int32_t length, ls_neighbours *n);

/* The three times of Traffic III for a vehicle at speed v_mps: Ta, the time to cross the lane;
 * Tb, the time to match the target lane's speed; Tc, the time gap in the target lane (with the
 * credit for a gap that opened since the last look). */
typedef struct ls_lc_times {
    double ta, tb, tc; /* s */
    int accept;
} ls_lc_times;

/* Evaluates Ta + Tb < Tc (and a safe gap ahead) for a vehicle with front `front`, length and
 * speed in cells, moving into `target`, with urgency in [0, 1] (1: Tb x forced_factor) and
 * `watching` set when the driver was already waiting for this lane in the previous step.
 * `patience` scales the critical gap: patience (Ta + Tb) < Tc (1 for background drivers; a
 * probe's strategy sets its own). */
void ls_lc_evaluate(const ls_world *w, int target, int32_t front, int32_t length, int32_t speed,
                    double urgency, int watching, double patience, const ls_neighbours *n,
                    ls_lc_times *out);

/* Ta for a speed in m/s (used by tests to compute the expected acceptance independently). */
double ls_lc_crossing_time(const ls_world *w, double v_mps);

#endif
