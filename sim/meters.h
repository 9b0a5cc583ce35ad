/* meters.h (internal): on-ramp queues and ramp meters. Every on-ramp's entry queue is watched
 * (its length, the waits in it, the vehicles that find the ramp full and wait on the street);
 * a ramp with a meter lets one vehicle go per green, at a fixed rate or by ALINEA. */
#ifndef LS_METERS_H
#define LS_METERS_H

#include <stddef.h>
#include <stdint.h>

#include "lanesim/world.h"

typedef struct ls_meter {
    int ramp;                   /* index in the scenario's ramps */
    int lane;                   /* the on-ramp's lane */
    int32_t storage;            /* vehicles the ramp holds; more wait on the street */
    ls_meter_kind kind;         /* LS_METER_NONE: watched, not gated */
    double rate;                /* veh/h: the rate in force (fixed: its schedule; alinea: r(k)) */
    double credit;              /* vehicles it may release now, at most 1: one per green */
    double rate_applied;        /* veh/h the credit grew at in the last step (for viewers) */
    int overridden;             /* in the last step the queue override raised the rate */
    int64_t last_release;       /* step of the last release, -1 none (for viewers; not hashed:
                                   nothing in the model reads it) */
    int loop_first, loop_count; /* alinea: its detector's loops (consecutive in detectors.c) */
    double occ_mark;            /* alinea: the loops' summed occupancy at the start of the period */
    int64_t period_steps, period_begin;
    uint64_t period_released;
    double occupancy; /* alinea: the last period's mean occupancy, fraction; -1 before */
    /* After the warm-up: */
    uint64_t released; /* vehicles that left the queue onto the ramp */
    double queue_sum;  /* vehicle-steps in the queue */
    uint32_t queue_max;
    uint64_t spilled;        /* vehicles that found the ramp full */
    double street_wait_sum;  /* s they waited before there was room on the ramp */
    double max_released_vph; /* the largest per-period release rate */
    float *waits;            /* s from arrival to leaving the queue, one per vehicle released */
    size_t wait_count, wait_cap;
} ls_meter;

typedef struct ls_meters_state {
    ls_meter m[LS_MAX_RAMPS]; /* by ramp index; used for on-ramps */
    int metered;              /* ramps with a meter */
    int on_ramps;             /* on-ramps (watched) */
    ls_meter_record *records; /* per period of each metered ramp, not yet cleared */
    size_t record_count, record_cap;
} ls_meters_state;

ls_status ls_meters_create(ls_world *w);
/* Before the insertion of this step: each meter's rate and its credit for one more vehicle. */
void ls_meters_tick(ls_world *w);
/* Whether the meter of ramp lane `lane` lets its queue's head go now. */
int ls_meters_may_release(const ls_world *w, int lane);
/* The head of ramp r's queue leaves it (before it is popped), at the end of this step. */
ls_status ls_meters_released(ls_world *w, int ramp);
/* Ramp r's queue had `before` vehicles and now has more: those past the storage spilled. */
void ls_meters_arrived(ls_world *w, int ramp, int32_t before);
/* After the step: queue statistics, ALINEA's update at the end of its period, records. */
ls_status ls_meters_observe(ls_world *w);
uint64_t ls_meters_hash(const ls_world *w, uint64_t h);
void ls_meters_free(ls_meters_state *s);

#endif
