/* lane.h (internal): one lane's vehicles (a deque of hot arrays) and its entry queue. */
#ifndef LS_LANE_H
#define LS_LANE_H

#include <stdint.h>
#include "lanesim/world.h"

#define LS_MAX_ALL_LANES (LS_MAX_LANES + LS_MAX_RAMPS) /* mainline lanes, then on-ramp lanes */

/* Handle bits of entries that are not vehicles of their own (world.h documents them). */
#define LS_IS_REAL(h) (((h) & (LS_HANDLE_GHOST | LS_HANDLE_OBSTACLE)) == 0)

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

#endif
