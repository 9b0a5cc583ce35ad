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

    uint64_t sum_speed;    /* after warm-up: sum over steps and vehicles of speed, cells/step */
    uint64_t sum_count;    /* after warm-up: sum over steps of vehicles in the lane */
    uint64_t lane_changes; /* changes into this lane (after warm-up) */
} ls_lane;

/* Per-vehicle data the hot loop does not need, indexed by handle. 40 bytes a vehicle. */
typedef struct ls_fleet {
    uint64_t *id;
    int64_t *arrival_step; /* step in which the vehicle joined its entry queue */
    int64_t *entry_step;   /* step in which it entered the road (-1 while queued) */
    int32_t *lane_changes;
    uint8_t *type;
    int8_t *lane;       /* 0-based, -1 while queued */
    int8_t *entry_lane; /* 0-based */
    uint16_t *vmax;     /* cells/step */
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
};

/* lane.c */
ls_status ls_lane_reserve(ls_lane *ln, int32_t front_room, int32_t back_room);
void ls_lane_free(ls_lane *ln);
static inline int32_t ls_lane_count(const ls_lane *ln)
{
    return ln->hi - ln->lo;
}
ls_status ls_queue_push(ls_lane *ln, uint32_t handle);
uint32_t ls_queue_pop(ls_lane *ln);

/* fleet.c */
ls_status ls_fleet_new(ls_world *w, int type, int lane, uint32_t *handle);
void ls_fleet_release(ls_fleet *f, uint32_t handle);
void ls_fleet_free(ls_fleet *f);

/* demand.c */
ls_status ls_initial_place(ls_world *w, int lane);
ls_status ls_demand_arrivals(ls_world *w);
int32_t ls_demand_entry_gap(const ls_world *w, int lane);
ls_status ls_demand_insert_lane(ls_world *w, int lane, int32_t entry_gap);

/* motion.c */
void ls_motion_lane(ls_world *w, ls_lane *ln);
ls_status ls_motion_boundary(ls_world *w, int lane_index);

/* detectors.c */
ls_status ls_detectors_create(ls_world *w);
ls_status ls_detectors_observe(ls_world *w, int lane_index);
ls_status ls_detectors_close_periods(ls_world *w);

#endif
