/* crossing.h (internal): vehicles in the middle of a lane change, in both lanes at once. */
#ifndef LS_CROSSING_H
#define LS_CROSSING_H

#include <stddef.h>
#include <stdint.h>
#include "lanesim/world.h"

/* A vehicle crossing between lanes: present in its new lane and, as a ghost, in its old one. */
typedef struct ls_crossing {
    uint32_t handle;
    int32_t front; /* cells, the same for both copies at the start of each step */
    int16_t steps; /* steps left before the ghost disappears */
} ls_crossing;

typedef struct ls_crossings_state {
    ls_crossing *list;
    size_t count, cap;
} ls_crossings_state;

ls_status ls_crossings_reconcile(ls_world *w);
void ls_crossings_after_boundary(ls_world *w);

uint64_t ls_crossings_hash(const ls_world *w, uint64_t h);
void ls_crossings_free(ls_crossings_state *c);

#endif
