/* demand.h (internal): the vehicles on the road at t = 0, arrivals, and entry into the road. */
#ifndef LS_DEMAND_H
#define LS_DEMAND_H

#include "lanesim/world.h"

ls_status ls_initial_place(ls_world *w, int lane);
ls_status ls_demand_arrivals(ls_world *w);
ls_status ls_demand_insert_lane(ls_world *w, int lane);

#endif
