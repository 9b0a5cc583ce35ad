/* world_state.h (internal): the layout of a world, shared by the modules of the update. */
#ifndef LS_WORLD_STATE_H
#define LS_WORLD_STATE_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

#include "lanesim/world.h"
#include "rng.h"

/* One lane's vehicles, ascending by front cell, live in [lo, hi) of arrays of `cap` slots: a
 * deque, because vehicles enter at the rear and leave at the front (on a ring the leading
 * vehicle wraps round to the rear). The hot arrays hold what the longitudinal update touches:
 * 16 bytes a vehicle (front 4, speed 2, vmax 2, length 2, accel 2, handle 4). Everything else
 * about a vehicle is in the fleet, by handle.
 * Invariants after every step: front strictly ascending, front[i+1] - length[i+1] >= front[i]
 * (no overlap), 0 <= front < cells, speed <= vmax; on a ring also the wrap-around gap >= 0. */
typedef struct ls_lane {
    int32_t *front;   /* cells */
    uint16_t *speed;  /* cells/step */
    uint16_t *vmax;   /* cells/step: this driver's maximum */
    uint16_t *length; /* cells */
    uint16_t *accel;  /* cells/step^2 */
    uint32_t *handle; /* fleet index */
    int32_t lo, hi, cap;

    uint32_t *queue; /* entry queue (FIFO ring buffer of handles) */
    int32_t q_head, q_count, q_cap;
    double regular_credit; /* regular arrivals: vehicles owed but not yet generated */

    uint16_t *vcap;    /* cells/step: this step's speed cap (vmax, friction, speed trick); only
                          allocated and used when lane changes or friction are on */
    int32_t ghosts;    /* entries that are the second copy of a vehicle crossing into a lane */
    int32_t obstacles; /* entries that are closed stretches (blockages) */

    uint64_t step_speed;   /* this step: sum of the real vehicles' speeds, cells/step */
    uint64_t sum_speed;    /* after warm-up: sum over steps and vehicles of speed, cells/step */
    uint64_t sum_count;    /* after warm-up: sum over steps of vehicles in the lane */
    uint64_t lane_changes; /* changes into this lane (after warm-up) */
} ls_lane;

/* Per-vehicle data the hot loop does not need, indexed by handle. 47 bytes a vehicle. */
typedef struct ls_fleet {
    uint64_t *id;
    double *arrival_s;   /* s: when the vehicle arrived at the entry (within its step) */
    int64_t *entry_step; /* step in which it entered the road (-1 while queued) */
    int32_t *lane_changes;
    uint8_t *type;
    int8_t *lane;       /* 0-based, -1 while queued */
    int8_t *entry_lane; /* 0-based */
    uint16_t *vmax;     /* cells/step */
    int8_t *ghost_lane; /* lane of its second copy while crossing, -1 otherwise */
    int8_t *want_lane;  /* lane it wanted to change into last step, -1 none (gap-opening credit) */
    uint8_t *trickster; /* 1: uses the speed trick */
    int16_t *hold;      /* steps left of holding back to open a gap (speed trick) */
    uint32_t *free_list;
    uint32_t free_count;
    uint32_t cap;     /* handles allocated */
    uint64_t next_id; /* id of the next vehicle created */
} ls_fleet;

/* One loop detector: a point (cell) in one lane, aggregated per period and after warm-up. */
typedef struct ls_loop {
    int detector;
    int lane;
    int32_t cell;
    int64_t period_steps;
    int64_t period_begin; /* step at which the current period started */
    uint32_t count;       /* current period */
    uint64_t sum_speed;   /* current period, cells/step */
    double occupied;      /* current period: sum over steps of the covered fraction */
    uint64_t w_count;     /* after warm-up */
    uint64_t w_sum_speed;
    double w_occupied;
    int64_t w_steps;
} ls_loop;

/* A vehicle crossing between lanes: present in its new lane and, as a ghost, in its old one. */
typedef struct ls_crossing {
    uint32_t handle;
    int32_t front; /* cells, the same for both copies at the start of each step */
    int16_t steps; /* steps left before the ghost disappears */
} ls_crossing;

/* A lane-change decision taken from the state at time t, applied after all are taken. */
typedef struct ls_change {
    uint32_t handle;
    int32_t front;
    int8_t from, to;
    uint16_t cap;  /* cells/step: the vehicle's speed cap in the new lane */
    int16_t steps; /* ghost lifetime, steps */
} ls_change;

/* The live state of one blockage in one lane. */
typedef struct ls_block {
    int32_t from, to;            /* cells [from, to) */
    int64_t start, end;          /* steps */
    uint32_t lanes;              /* mask */
    uint32_t placed;             /* mask of lanes whose obstacle entry is on the road */
    int32_t front[LS_MAX_LANES]; /* cells: the obstacle's front in each placed lane */
} ls_block;

struct ls_world {
    ls_scenario sc; /* a copy: the world never depends on the caller's memory */

    int lanes;
    int32_t cells;
    int ring;
    double dt_s, cell_m;
    int64_t step, total_steps, warmup_steps;

    ls_rule rule;
    uint64_t p_thr;       /* slowdown threshold (rng.h) */
    uint64_t p_start_thr; /* vdr: threshold for stopped vehicles */
    uint16_t road_vmax;   /* cells/step from the speed limit */
    uint16_t max_vmax;    /* largest vmax of any vehicle (bounds detector searches) */
    uint16_t max_length;  /* longest vehicle, cells */
    uint16_t type_vmax[LS_MAX_VEHICLE_TYPES];
    uint16_t type_length[LS_MAX_VEHICLE_TYPES];
    uint16_t type_accel[LS_MAX_VEHICLE_TYPES];
    double type_cdf[LS_MAX_VEHICLE_TYPES]; /* cumulative shares */

    ls_lane lane[LS_MAX_LANES];
    ls_fleet fleet;
    gsl_rng *rng;    /* arrivals, vehicle types, desired speeds, initial positions */
    ls_fastrng fast; /* random slowdown in the hot loop */

    ls_loop *loops;
    int loop_count;
    ls_detector_record *records;
    size_t record_count, record_cap;

    ls_trip *trips;
    size_t trip_count, trip_cap;
    uint64_t trips_measured; /* trips that ended after the warm-up */
    double travel_time_sum;  /* s, over those trips */

    ls_counts counts;
    uint64_t vehicle_updates; /* sum over steps of vehicles moved */

    int caps_on; /* lane changes or friction: lanes carry a per-step speed cap */

    /* Lane changes (lanechange.c). */
    double lc_sin_alpha;
    int32_t lc_gain;      /* cells/step */
    int32_t lc_lookahead; /* cells */
    int32_t trick_gap;    /* cells */
    uint64_t lc_p_thr;
    ls_crossing *crossings;
    size_t crossing_count, crossing_cap;
    ls_change *changes;
    size_t change_count, change_cap;

    /* Friction (friction.c): mean speeds per lane and segment, and the reference speed beside. */
    int32_t seg_cells, seg_count;
    float *seg_speed; /* lanes x segments, cells/step */
    uint32_t *seg_n;  /* lanes x segments, vehicles */
    float *seg_ref;   /* lanes x segments: slowest adjacent lane's speed + speed_gap */

    /* Blockages (blockage.c). */
    ls_block blocks[LS_MAX_BLOCKAGES];
    int block_count;
};

/* Handle bits of entries that are not vehicles of their own (world.h documents them). */
#define LS_IS_REAL(h) (((h) & (LS_HANDLE_GHOST | LS_HANDLE_OBSTACLE)) == 0)

/* lane.c */
ls_status ls_lane_reserve(ls_lane *ln, int32_t front_room, int32_t back_room);
void ls_lane_free(ls_lane *ln);
static inline int32_t ls_lane_count(const ls_lane *ln)
{
    return ln->hi - ln->lo;
}
ls_status ls_lane_insert(ls_lane *ln, int32_t index, int32_t front, uint16_t speed, uint16_t vmax,
                         uint16_t length, uint16_t accel, uint32_t handle, uint16_t cap);
void ls_lane_remove(ls_lane *ln, int32_t index);
int32_t ls_lane_lower_bound(const ls_lane *ln, int64_t x); /* first index with front >= x */
ls_status ls_queue_push(ls_lane *ln, uint32_t handle);
uint32_t ls_queue_pop(ls_lane *ln);

/* fleet.c */
ls_status ls_fleet_new(ls_world *w, int type, int lane, double arrival_s, uint32_t *handle);
void ls_fleet_release(ls_fleet *f, uint32_t handle);
void ls_fleet_free(ls_fleet *f);

/* demand.c */
ls_status ls_initial_place(ls_world *w, int lane);
ls_status ls_demand_arrivals(ls_world *w);
ls_status ls_demand_insert_lane(ls_world *w, int lane);

/* motion.c */
uint64_t ls_motion_lane(ls_world *w, ls_lane *ln);
ls_status ls_motion_boundary(ls_world *w, int lane_index);

/* friction.c */
ls_status ls_friction_create(ls_world *w);
void ls_friction_tables(ls_world *w);
uint16_t ls_friction_cap(const ls_world *w, int lane, int32_t front, uint16_t vmax);
/* A driver whose adjacent lane, in the same segment, runs more than speed_gap below the
 * driver's vmax is capped between vmax (coefficient 0) and that lane's speed + speed_gap
 * (coefficient 1): cap = vmax - c (vmax - (v_adjacent + gap)), rounded to whole cells/step.
 * Inline: it runs for every vehicle every step. */
static inline uint16_t ls_friction_cap_seg(const ls_world *w, int lane, int32_t s, uint16_t vmax)
{
    float ref = w->seg_ref[(size_t)lane * w->seg_count + s];
    if ((float)vmax <= ref) return vmax;
    float cap = (float)vmax - (float)w->sc.friction.coefficient * ((float)vmax - ref);
    return (uint16_t)(cap + 0.5f);
}

/* blockage.c */
void ls_blockages_create(ls_world *w);
ls_status ls_blockages_update(ls_world *w);
/* Nearest closed stretch ahead of `front` in the lane within `reach` cells: its distance in
 * cells (from the front to the first closed cell), or -1 when there is none. */
int32_t ls_blockage_ahead(const ls_world *w, int lane, int32_t front, int32_t reach);
int ls_blockage_covers(const ls_world *w, int lane, int32_t from, int32_t to);

/* lanechange.c */
ls_status ls_lanechange_setup(ls_world *w);
void ls_lanechange_caps(ls_world *w);
ls_status ls_lanechange_step(ls_world *w);
ls_status ls_crossings_reconcile(ls_world *w);
void ls_crossings_after_boundary(ls_world *w);

/* detectors.c */
ls_status ls_detectors_create(ls_world *w);
ls_status ls_detectors_observe(ls_world *w, int lane_index);
ls_status ls_detectors_close_periods(ls_world *w);

#endif
