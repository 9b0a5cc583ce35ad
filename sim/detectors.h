/* detectors.h (internal): loop detectors, one per detector and lane. */
#ifndef LS_DETECTORS_H
#define LS_DETECTORS_H

#include <stddef.h>
#include <stdint.h>
#include "lanesim/world.h"

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
    double total_occupied; /* all steps: sum of the covered fraction (read by ramp meters) */
} ls_loop;

typedef struct ls_detectors_state {
    ls_loop *loops;
    int loop_count;
    ls_detector_record *records; /* closed periods not yet cleared by the caller */
    size_t record_count, record_cap;
} ls_detectors_state;

ls_status ls_detectors_create(ls_world *w);
ls_status ls_detectors_observe(ls_world *w, int lane_index);
ls_status ls_detectors_close_periods(ls_world *w);

uint64_t ls_detectors_hash(const ls_world *w, uint64_t h);
void ls_detectors_free(ls_detectors_state *d);

#endif
