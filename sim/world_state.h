/* world_state.h (internal): the core of a world (grid, lanes, fleet, clock, random streams) and
 * one member per module, each declared with its create and free in the module's own header. */
#ifndef LS_WORLD_STATE_H
#define LS_WORLD_STATE_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

#include "blockage.h"
#include "crossing.h"
#include "demand.h"
#include "detectors.h"
#include "field.h"
#include "fleet.h"
#include "friction.h"
#include "geometry.h"
#include "lane.h"
#include "lanechange.h"
#include "lanesim/world.h"
#include "meters.h"
#include "motion.h"
#include "probes.h"
#include "ramps.h"
#include "rng.h"
#include "segment.h"
#include "trips.h"

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

    ls_counts counts;
    uint64_t vehicle_updates; /* sum over steps of vehicles moved */
    double time_spent_s;      /* after warm-up: sum over steps of (on the road + waiting) x dt */
    uint64_t distance_cells;  /* after warm-up: sum over steps of every vehicle's move, cells */

    int caps_on;   /* lane changes, friction or speed zones: lanes carry a per-step speed cap */
    int broken;    /* a step failed part-way: the state is not to be stepped again */
    int has_exits; /* the road has off-ramps: vehicles draw destinations */

    /* The modules, by value (no pointer to chase in the hot loops). A new module: its header
     * above, its member here, its create in setup_state and its free in ls_world_destroy
     * (world.c), its part of the state hash (invariants.c). */
    ls_blockage_state blockage;
    ls_geometry_state geometry;
    ls_ramp_state ramps[LS_MAX_RAMPS];
    ls_friction_state friction;
    ls_lc_state lc;
    ls_crossings_state crossings;
    ls_detectors_state detectors;
    ls_field_state field;
    ls_trips_state trips;
    ls_probes_state probes; /* probe vehicles of commute strategies */
    ls_meters_state meters; /* on-ramp queues and ramp meters */
};

/* Look-ups across modules that run in the hot paths, inline. */

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
    for (int z = 0; z < w->geometry.avoid_zone_count; z++) {
        const ls_avoid_zone *a = &w->geometry.avoid_zones[z];
        if (front >= a->from && front < a->to && w->fleet.avoid[h] < a->below) return a;
    }
    return NULL;
}

#endif
