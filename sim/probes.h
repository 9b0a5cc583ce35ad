/* probes.h (internal): probe vehicles that follow commute strategies: their departures, their
 * rules on the grid, the connector of exit_reenter trips, the Traffic I observations along their
 * trips, and their results. The lane-change module asks for a probe's rules (lanechange.c). */
#ifndef LS_PROBES_H
#define LS_PROBES_H

#include <stddef.h>
#include <stdint.h>

#include "lanesim/world.h"

/* A strategy on the grid: lanes as 0-based indices, positions in cells. */
typedef struct ls_probe_rules {
    ls_policy policy;
    int enter_lane;        /* lane index its first leg enters (mainline, or an on-ramp's lane) */
    int origin;            /* on-ramp index it enters by, -1: the mainline */
    int exit;              /* off-ramp index where the trip ends, -1: the road's end */
    int then_lane;         /* 0-based lane it moves to, -1: no `then` */
    int32_t then_after;    /* cells: where that starts */
    int re_exit, re_enter; /* exit_reenter's off-ramp and on-ramp indices, -1: none */
    double re_delay_s;     /* s on the connector */
    double cycle_s;        /* s: the connector signal's cycle, 0: no signal */
    double green_s;        /* s of green at the start of each cycle */
    double patience;       /* factor on Ta + Tb in the gap rule */
    uint8_t speed_trick;
} ls_probe_rules;

/* One probe's state while it travels. */
typedef struct ls_probe {
    uint32_t handle; /* in the fleet; UINT32_MAX between the legs of an exit_reenter trip */
    int32_t front;   /* cells: where it was last seen (where the next search starts), -1 */
    int slot;        /* position of its strategy among those followed */
    int leg;         /* 0, or 1 once it left by exit_reenter's exit */
    double ready_s;  /* between the legs: when it joins the on-ramp's queue, s */
    double own_time; /* steps its trip took, lane by lane: sum of v / v_own near it */
    double lane_time[LS_MAX_LANES]; /* steps each mainline lane would have taken over the
                                       same stretches: sum of v / v_lane near it */
} ls_probe;

typedef struct ls_probes_state {
    int on;
    int count;                               /* strategies followed */
    int strategy[LS_MAX_STRATEGIES];         /* their indices in the scenario */
    ls_probe_rules rules[LS_MAX_STRATEGIES]; /* by slot */
    int type;                                /* vehicle type of the probes: the first */
    double from_s, every_s;                  /* s: the first departure and the spacing */
    int departures;                          /* departures in the window */
    int next;                                /* the next departure, 0 .. departures */
    int32_t window;                          /* cells either side for lane speeds near a probe */
    uint32_t lanes;  /* lanes (bit per lane index) with a probe in them this step */
    ls_probe *probe; /* by result index */
    ls_probe_result *result;
    size_t n, cap;
    uint32_t *live; /* indices of the probes still travelling (or between legs) */
    size_t live_n, live_cap;
} ls_probes_state;

/* Before the arrivals' insertion: this step's departures and the probes leaving a connector
 * join their entry queues. */
ls_status ls_probes_depart(ls_world *w);

/* After the move: where each probe is, who passed whom, and the lanes' speeds near it. */
void ls_probes_observe(ls_world *w);

/* A probe's vehicle leaves the road (at its end, or by the off-ramp it is bound for) at time
 * exit_s: its trip ends, or, at exit_reenter's exit, it takes the connector. */
void ls_probes_trip_end(ls_world *w, uint32_t handle, double exit_s);

/* The rules of the probe with this fleet handle (which must be a probe's). */
const ls_probe_rules *ls_probe_rules_of(const ls_world *w, uint32_t handle);

void ls_probes_free(ls_probes_state *p);
/* The probes' part of the state hash (nothing while probes are off). */
uint64_t ls_probes_hash(const ls_world *w, uint64_t h);

#endif
