/* trips.h (internal): the record of every vehicle's trip, from its arrival to the end of the road
 * or its exit, and the travel times measured after the warm-up (by origin and destination). */
#ifndef LS_TRIPS_H
#define LS_TRIPS_H

#include <stddef.h>
#include <stdint.h>

#include "lanesim/world.h"

typedef struct ls_trips_state {
    ls_trip *list; /* finished trips not yet cleared by the caller (ls_world_clear_trips) */
    size_t count, cap;
    uint64_t measured; /* trips that ended after the warm-up */
    double time_sum;   /* s, travel time summed over those trips */
    uint64_t od_count[LS_MAX_RAMPS + 1][LS_MAX_RAMPS + 1]; /* [origin + 1][dest + 1], measured */
    double od_time[LS_MAX_RAMPS + 1][LS_MAX_RAMPS + 1];    /* s, sum of their travel times */
} ls_trips_state;

/* Records the trip of vehicle `handle`, which ends in this step in lane `lane` (before the
 * vehicle is taken off the road: the fleet still holds its record). */
ls_status ls_trips_record(ls_world *w, uint32_t handle, int lane);
uint64_t ls_trips_hash(const ls_world *w, uint64_t h);
void ls_trips_free(ls_trips_state *t);

#endif
