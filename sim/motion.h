/* motion.h (internal): the longitudinal move of a lane, and the road's ends. */
#ifndef LS_MOTION_H
#define LS_MOTION_H

#include <stdint.h>
#include "lane.h"
#include "lanesim/world.h"

uint64_t ls_motion_lane(ls_world *w, ls_lane *ln);
ls_status ls_motion_boundary(ls_world *w, int lane_index);

#endif
