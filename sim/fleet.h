/* fleet.h (internal): what the hot loop does not need about a vehicle, by handle. */
#ifndef LS_FLEET_H
#define LS_FLEET_H

#include <stdint.h>
#include "lanesim/world.h"

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
    int32_t *probe;     /* index of its probe (probes.h), -1 for a background vehicle */
    int8_t *yield;      /* steps left of braking for a merging driver (cooperation) */
    uint32_t *free_list;
    uint32_t free_count;
    uint32_t cap;     /* handles allocated */
    uint64_t next_id; /* id of the next vehicle created */
} ls_fleet;

ls_status ls_fleet_new(ls_world *w, int type, int lane, double arrival_s, uint32_t *handle);
void ls_fleet_release(ls_fleet *f, uint32_t handle);
uint64_t ls_fleet_hash(const ls_fleet *f, uint64_t h);
void ls_fleet_free(ls_fleet *f);
/* Takes a vehicle off the road (it left by an exit), with its ghost if it was crossing. */
void ls_vehicle_leave(ls_world *w, int lane, int32_t index);

#endif
