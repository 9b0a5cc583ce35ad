/* world_state.h (internal): the layout of a world, shared by the modules of the update. */
#ifndef LS_WORLD_STATE_H
#define LS_WORLD_STATE_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

#include "lanesim/world.h"
#include "rng.h"
#include "trips.h"

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

    int32_t entry_cell; /* where its traffic enters: 0, or the start of an on-ramp's approach */
    int32_t zone_from;  /* on-ramp lanes: the acceleration lane's cells [zone_from, zone_to), */
    int32_t zone_to;    /*   the only stretch from which they may merge into the mainline */
    int8_t ramp;        /* on-ramp index for an on-ramp lane, -1 for a mainline lane */

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

#define LS_QUEUED INT64_MIN

/* Per-vehicle data the hot loop does not need, indexed by handle. 47 bytes a vehicle. */
typedef struct ls_fleet {
    uint64_t *id;
    double *arrival_s;   /* s: when the vehicle arrived at the entry (within its step) */
    int64_t *entry_step; /* step at whose end it entered the road: -1 for the vehicles on the
                            road at t = 0, LS_QUEUED while it waits to enter */
    int32_t *lane_changes;
    uint8_t *type;
    int8_t *lane;       /* 0-based, -1 while queued */
    int8_t *entry_lane; /* 0-based */
    uint16_t *vmax;     /* cells/step */
    int8_t *ghost_lane; /* lane of its second copy while crossing, -1 otherwise */
    int8_t *want_lane;  /* lane it wanted to change into last step, -1 none (gap-opening credit) */
    uint8_t *trickster; /* 1: uses the speed trick */
    int8_t *origin;     /* on-ramp index it came from, -1 for the mainline entry */
    int8_t *dest;       /* off-ramp index it is bound for, -1 for the end of the road */
    int32_t *exit_look; /* cells before its exit at which it starts working right */
    uint8_t *avoid;     /* merge avoidance propensity u in 0..255: the driver avoids an
                           on-ramp's merge when u < 256 avoid_share (drawn when any ramp has one) */
    int16_t *hold;      /* steps left of holding back to open a gap (speed trick) */
    int8_t *yield;      /* steps left of braking for a merging driver (cooperation) */
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

#define LS_MAX_ALL_LANES (LS_MAX_LANES + LS_MAX_RAMPS) /* mainline lanes, then on-ramp lanes */
#define LS_MAX_BLOCKS    (LS_MAX_BLOCKAGES + 2 * LS_MAX_LANE_ENDS + LS_MAX_RAMPS)

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

/* The largest urgency of merge avoidance: under 0.5, where a driver starts asking the follower
 * beside to yield (lanechange.c), since an avoiding driver could stay where it is. */
#define LS_AVOID_URGENCY 0.45

/* A stretch where some drivers keep out of the rightmost lane: from avoid_lookahead before an
 * on-ramp's gore to the end of its acceleration lane. */
typedef struct ls_avoid_zone {
    int32_t from, gore, to; /* cells: [from, to), the gore in between */
    uint16_t below;         /* drivers with avoid < below keep out (256 x avoid_share) */
} ls_avoid_zone;

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

    int all_lanes; /* mainline lanes + on-ramp lanes */
    ls_lane lane[LS_MAX_ALL_LANES];
    ls_fleet fleet;
    gsl_rng *rng;    /* arrivals, vehicle types, desired speeds, initial positions */
    ls_fastrng fast; /* random slowdown in the hot loop */

    ls_loop *loops;
    int loop_count;
    ls_detector_record *records;
    size_t record_count, record_cap;

    ls_trips_state trips;

    ls_counts counts;
    uint64_t vehicle_updates; /* sum over steps of vehicles moved */

    int caps_on;   /* lane changes, friction or speed zones: lanes carry a per-step speed cap */
    int broken;    /* a step failed part-way: the state is not to be stepped again */
    int has_exits; /* the road has off-ramps: vehicles draw destinations */

    /* Lane changes (lanechange.c). */
    double lc_sin_alpha;
    int32_t lc_gain;       /* cells/step */
    int32_t lc_lookahead;  /* cells */
    int32_t trick_gap;     /* cells */
    int32_t lc_yield;      /* cells/step: how much a yielding follower slows per step (b) */
    uint32_t closed_lanes; /* lanes with any closed stretch, active or not (a quick filter) */
    double *lc_ta;         /* s: Ta for each speed 0 .. max_vmax, cells/step */
    uint64_t lc_p_thr;
    ls_crossing *crossings;
    size_t crossing_count, crossing_cap;
    ls_change *changes;
    size_t change_count, change_cap;
    struct lc_look *lc_looks; /* scratch of the decision pass: drivers who look this step */
    size_t lc_look_cap;
    int32_t *lc_others; /* scratch: drivers with an obligation */
    size_t lc_other_cap;

    /* Friction (friction.c): mean speeds per lane and segment, and the reference speed beside. */
    int32_t seg_cells, seg_count;
    uint64_t seg_inv; /* floor(2^32 / seg_cells) + 1, or 0 when ls_segment_of must divide */
    uint32_t *seg_sum, *seg_n; /* scratch: one lane's speed sums and vehicle counts */
    float *seg_speed;          /* lanes x segments, cells/step */
    float *seg_ref; /* lanes x segments: slowest adjacent lane's speed + speed_gap, cells/step */
    uint16_t *seg_free; /* lanes x segments: the highest cap friction leaves alone, cells/step */

    /* Blockages (blockage.c): the scenario's, then lane drops, lane adds and the ends of
     * acceleration lanes, all closed stretches. */
    ls_block blocks[LS_MAX_BLOCKS];
    int block_count;

    /* Ramps, exits, speed zones (geometry.c, ramps.c). */
    ls_ramp_state ramps[LS_MAX_RAMPS];
    ls_avoid_zone avoid_zones[LS_MAX_RAMPS];
    int avoid_zone_count;
    uint16_t *cell_limit; /* cells/step: the speed limit of each cell, when zones exist */
    uint8_t entry_open[LS_MAX_LANES]; /* mainline lanes that exist at the start of the road */

    /* The space-time field and queue lengths (field.c). */
    int field_on;
    int32_t field_seg, field_segs;       /* cells per segment, segments */
    uint64_t field_inv;                  /* as seg_inv, for field_seg */
    int64_t field_period, field_begin;   /* steps */
    uint64_t *field_speed, *field_count; /* mainline lanes x segments, this period */
    uint64_t *field_step; /* scratch, a segment each: this step's speed sum and count, packed */
    ls_field_record *field_records;
    size_t field_record_count, field_record_cap;
    ls_queue_record *queue_records;
    size_t queue_record_count, queue_record_cap;
    int bottleneck_count;
    ls_bottleneck bottlenecks[LS_MAX_BLOCKS + LS_MAX_SPEED_ZONES];
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
/* The index of the entry with this front and handle, or -1 when there is none. */
static inline int32_t ls_lane_find(const ls_lane *ln, int32_t front, uint32_t handle)
{
    int32_t i = ls_lane_lower_bound(ln, front);
    return i < ln->hi && ln->handle[i] == handle ? i : -1;
}
ls_status ls_queue_push(ls_lane *ln, uint32_t handle);
uint32_t ls_queue_pop(ls_lane *ln);

/* fleet.c */
ls_status ls_fleet_new(ls_world *w, int type, int lane, double arrival_s, uint32_t *handle);
void ls_fleet_release(ls_fleet *f, uint32_t handle);
void ls_fleet_free(ls_fleet *f);
void ls_vehicle_leave(ls_world *w, int lane, int32_t index);

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
/* The friction segment of a front x (clamped to the road's segments). A multiplication by
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

/* Friction's segments. */
static inline ls_segmenter ls_segmenter_of(const ls_world *w)
{
    ls_segmenter g = {w->seg_inv, w->seg_cells, w->seg_count - 1};
    return g;
}

/* The space-time field's segments. */
static inline ls_segmenter ls_field_segmenter(const ls_world *w)
{
    ls_segmenter g = {w->field_inv, w->field_seg, w->field_segs - 1};
    return g;
}

static inline int32_t ls_segment_of(ls_segmenter g, int32_t x)
{
    if (x < 0) x = 0;
    int32_t s = g.inv ? (int32_t)(((uint64_t)(uint32_t)x * g.inv) >> 32) : x / g.cells;
    return s < g.last ? s : g.last;
}

/* blockage.c */
void ls_blockages_create(ls_world *w);
ls_status ls_blockages_update(ls_world *w);
/* Nearest closed stretch ahead of `front` in the lane within `reach` cells: its distance in
 * cells (from the front to the first closed cell), or -1 when there is none. */
int32_t ls_blockage_ahead(const ls_world *w, int lane, int32_t front, int32_t reach);
int ls_blockage_covers(const ls_world *w, int lane, int32_t from, int32_t to);

/* geometry.c */
ls_status ls_geometry_create(ls_world *w, ls_diags *d);
/* The lane beside `lane` on `side` (-1 left, +1 right) at cell `front`, or -1. Mainline lanes
 * are side by side everywhere; an on-ramp lane is beside the rightmost mainline lane only along
 * its acceleration lane, and nobody changes into an on-ramp lane. */
static inline int ls_lane_neighbour(const ls_world *w, int lane, int side, int32_t front)
{
    if (lane < w->lanes) {
        int t = lane + side;
        return t >= 0 && t < w->lanes ? t : -1;
    }
    const ls_lane *ln = &w->lane[lane];
    if (side < 0 && front >= ln->zone_from && front < ln->zone_to) return w->lanes - 1;
    return -1;
}

/* The avoidance zone whose rightmost-lane stretch a driver at `front` keeps out of, or NULL.
 * A driver bound for an exit still ahead never avoids (it has to work right). */
static inline const ls_avoid_zone *ls_avoid_zone_for(const ls_world *w, uint32_t h, int32_t front)
{
    int dest = w->fleet.dest[h];
    if (dest >= 0 && w->ramps[dest].at > front) return NULL;
    for (int z = 0; z < w->avoid_zone_count; z++) {
        const ls_avoid_zone *a = &w->avoid_zones[z];
        if (front >= a->from && front < a->to && w->fleet.avoid[h] < a->below) return a;
    }
    return NULL;
}

/* ramps.c */
void ls_ramps_destination(ls_world *w, uint32_t handle, int32_t from_cell);
ls_status ls_ramps_exits(ls_world *w);
void ls_ramps_merged(ls_world *w, int ramp_lane, int32_t front);

/* field.c */
ls_status ls_field_create(ls_world *w);
void ls_field_observe(ls_world *w);
ls_status ls_field_close_period(ls_world *w);

/* lanechange.c */
ls_status ls_lanechange_setup(ls_world *w);
ls_status ls_lanechange_step(ls_world *w);

/* crossing.c */
ls_status ls_crossings_reconcile(ls_world *w);
void ls_crossings_after_boundary(ls_world *w);

/* detectors.c */
ls_status ls_detectors_create(ls_world *w);
ls_status ls_detectors_observe(ls_world *w, int lane_index);
ls_status ls_detectors_close_periods(ls_world *w);

#endif
