/* scenario.h: the plain, immutable description of a scenario, and loading it from YAML. */
#ifndef LANESIM_SCENARIO_H
#define LANESIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lanesim/diag.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Fixed capacities keep ls_scenario a value type: copy it with `=`, no free needed.
 * docs/scenarios.md lists them; the loader reports going past one as an input error. */
#define LS_MAX_LANES         16
#define LS_MAX_VEHICLE_TYPES 16
#define LS_MAX_PROFILE       64
#define LS_MAX_DETECTORS     128
#define LS_MAX_BLOCKAGES     64
#define LS_MAX_RAMPS         16
#define LS_MAX_SPEED_ZONES   32
#define LS_MAX_LANE_ENDS     16
#define LS_NAME_MAX          64
#define LS_MAX_STRATEGIES    16

typedef enum ls_rule {
    LS_RULE_NASCH = 0, /* Nagel-Schreckenberg: accelerate, keep gap, random slowdown, move */
    LS_RULE_VDR,       /* velocity-dependent randomisation: slow-to-start for stopped vehicles */
    LS_RULE_NEWELL,    /* deterministic (p = 0), unlimited acceleration: Newell on the grid */
} ls_rule;

typedef enum ls_arrivals {
    LS_ARRIVALS_POISSON = 0, /* exponential headways: Poisson counts per step */
    LS_ARRIVALS_REGULAR,     /* evenly spaced headways 1/q (deterministic) */
} ls_arrivals;

/* A demand over time: piecewise linear between points, constant before the first and after
 * the last. A constant demand is one point at t = 0. */
typedef struct ls_profile_point {
    double t_s;      /* s from the start of the simulation, >= 0, strictly increasing */
    double flow_vph; /* veh/h, >= 0 */
} ls_profile_point;

typedef struct ls_profile {
    int count; /* 1 .. LS_MAX_PROFILE */
    ls_profile_point points[LS_MAX_PROFILE];
} ls_profile;

typedef struct ls_model_def {
    double cell_length_m; /* m, default 1.5, (0.1 .. 100]; 7.5 reproduces classic NaSch */
    double dt_s;          /* s per step, default 1, [0.01 .. 10] */
    ls_rule rule;         /* default LS_RULE_NASCH */
    double p_slow;        /* random slowdown probability, default 0.2, [0, 1] */
    double p_slow_start;  /* vdr: slowdown probability of a stopped vehicle, default 0.5, [0, 1] */
} ls_model_def;

typedef struct ls_road_def {
    double length_m;        /* m, default 10000, > 0 */
    int lanes;              /* default 1, 1 .. LS_MAX_LANES; lane 1 is the median (left) lane */
    bool ring;              /* periodic boundary, default false */
    double speed_limit_kmh; /* km/h, default 65 mph (104.60736 km/h), (0 .. 400] */
    double lane_width_m;    /* m, default 3.7, [2 .. 6] */
} ls_road_def;

typedef struct ls_vehicle_type_def {
    char name[LS_NAME_MAX]; /* the `type` key: unique, non-empty */
    double share;           /* fraction of the demand, [0, 1]; the shares sum to 1 */
    double length_m;        /* m incl. the standstill gap, default 7.5, [0.1 .. 100] */
    double max_speed_kmh;   /* km/h, default 150, (0 .. 400] */
    double accel_mps2;      /* m/s^2, default 1.5, (0 .. 20] */
    uint32_t lanes_mask;    /* `lanes: [3, 4]`: bit k set = lane k+1 allowed; 0 = every lane */
    double speed_factor;    /* mean desired speed / speed limit, default 1, [0.2 .. 2] */
    double speed_dev;       /* standard deviation of that factor, default 0, [0 .. 0.5] */
} ls_vehicle_type_def;

typedef struct ls_initial_def {
    double density; /* vehicles per lane at t = 0, in the unit below, default 0, >= 0 */
    bool per_km;    /* false: veh/cell (plain number); true: veh/km ("40 veh/km") */
} ls_initial_def;

typedef struct ls_demand_def {
    ls_profile flow;                 /* veh/h summed over lanes; default 0 (no inflow) */
    int lane_split_count;            /* 0 = equal split, else == road.lanes */
    double lane_split[LS_MAX_LANES]; /* lane 1 .. N shares, each [0, 1], sum 1 */
    ls_arrivals arrivals;            /* default LS_ARRIVALS_POISSON */
} ls_demand_def;

typedef struct ls_detector_def {
    char name[LS_NAME_MAX]; /* unique, non-empty */
    double at_m;            /* m from the start of the road, [0, road.length) */
    double period_s;        /* s per aggregation period, default 60, >= dt */
    uint32_t lanes_mask;    /* bit k set = a loop in lane k+1; 0 = every lane */
} ls_detector_def;

/* Lane changes: incentive, then gap acceptance Ta + Tb < Tc (docs/model.md). */
typedef struct ls_lane_change_def {
    bool enabled;              /* default false */
    bool keep_right;           /* default false (California: every lane is used) */
    double steer_angle_deg;    /* alpha, from the lane direction, default 8, [1, 45] */
    double lateral_accel_mps2; /* a, for Ta from low speed and for Tb, default 1, (0, 10] */
    double coop_decel_mps2;    /* b, how hard the target-lane follower yields, default 1, [0, 10] */
    double forced_factor;      /* Tb multiplier at full urgency, default 0.75, [0.5, 1] */
    double p_change;           /* chance per step that a driver with a discretionary incentive
                                  looks, default 0.5, [0, 1] */
    double min_gain_kmh;       /* speed advantage that makes a discretionary change worth it,
                                  km/h, default 5, [0, 100] */
    double lookahead_m;        /* distance before a lane's end or blockage at which the change
                                  becomes mandatory, m, default 300, (0, 5000] */
    double trick_share;        /* share of drivers who open a gap to gain speed (the speed trick)
                                  before merging, default 0.2, [0, 1] */
    double trick_gap_m;        /* the extra gap they open, m, default 30, [0, 200] */
    double exit_lookahead_m;   /* distance before its exit at which a driver starts working
                                  right, m, mean, default 1500, (0, 20000] */
    double exit_lookahead_dev_m; /* its standard deviation across drivers, m, default 500 */
} ls_lane_change_def;

/* Friction between lanes: drivers beside a much slower lane slow down and want to move away. */
typedef struct ls_friction_def {
    bool enabled;         /* default false */
    double coefficient;   /* 0 = lanes independent, 1 = capped at the slow lane + speed_gap;
                             default 0.4, [0, 1] */
    double speed_gap_kmh; /* adjacent-lane speed difference at which friction starts, km/h,
                             default 20, [0, 200] */
    double range_m;       /* how far along the road "beside" reaches: the length of the segments
                             whose mean speeds are compared, m, default 100, [10, 2000] */
} ls_friction_def;

/* An incident or work zone: lanes closed over a stretch, optionally for a time window. */
typedef struct ls_blockage_def {
    uint32_t lanes_mask; /* `lanes: [4]`: bit k set = lane k+1 closed; required, not empty */
    double from_m;       /* m from the start of the road, [0, road.length) */
    double to_m;         /* m, (from, road.length] */
    double start_s;      /* s, default 0 */
    double end_s;        /* s, default 1e9 (never reopens), > start */
} ls_blockage_def;

typedef enum ls_ramp_kind {
    LS_RAMP_ON = 0, /* traffic joins the rightmost lane along an acceleration lane */
    LS_RAMP_OFF,    /* traffic bound for it leaves the rightmost lane */
} ls_ramp_kind;

typedef enum ls_meter_kind {
    LS_METER_NONE = 0, /* no meter: vehicles enter as the ramp lets them */
    LS_METER_FIXED,    /* a fixed release rate (or a schedule of rates) */
    LS_METER_ALINEA,   /* feedback on the occupancy downstream (Papageorgiou et al. 1991) */
} ls_meter_kind;

/* A ramp meter: a signal at the start of the on-ramp's approach that lets one vehicle go per
 * green (docs/model.md, "Ramp meters"). */
typedef struct ls_meter_def {
    ls_meter_kind kind;        /* default LS_METER_NONE */
    ls_profile rate;           /* fixed: release rate, veh/h, one number or [{t, rate}, ...] */
    char detector[LS_NAME_MAX]; /* alinea: the mainline detector downstream of the merge */
    double target_occupancy;   /* alinea: fraction, default 0.2, (0, 1) */
    double gain;               /* alinea: K_R, veh/h per percent of occupancy, default 70 */
    double period_s;           /* alinea: s between rate updates, default 60, >= dt */
    double min_rate;           /* veh/h, default 240 */
    double max_rate;           /* veh/h, default 1800: alinea's ceiling and the queue override */
} ls_meter_def;

/* An on-ramp or off-ramp on the right of the road. */
typedef struct ls_ramp_def {
    char name[LS_NAME_MAX]; /* unique, non-empty */
    ls_ramp_kind kind;      /* required */
    double at_m;            /* m: on: where the acceleration lane begins (the gore); off: the
                               diverge point; [0, road.length) */
    double length_m;        /* m: on: acceleration lane length, default 250, (0, 5000] */
    double approach_m;      /* m: on: ramp road before the gore, where its traffic appears,
                               default 150, [0, 5000] */
    ls_profile flow;        /* on: veh/h entering from the ramp, default 0 */
    int mix_count;          /* on: 0 = the vehicle types' own shares, else their count */
    double mix[LS_MAX_VEHICLE_TYPES]; /* on: shares of the vehicle types on this ramp */
    double share;           /* off: fraction of the traffic passing it bound for it, [0, 1] */
    double avoid_share;     /* on: fraction of the mainline drivers who move out of the
                               rightmost lane before the merge, [0, 1], default 0 */
    double avoid_lookahead_m; /* on: m before the gore where they start, default 800,
                                 [0, 5000] */
    int storage;              /* on: vehicles the ramp holds before the queue spills back onto
                                 the street; 0 (default): approach / 7.5 m, at least 1 */
    ls_meter_def meter;       /* on: its meter, if any */
} ls_ramp_def;

/* A stretch with its own speed limit (all lanes). */
typedef struct ls_speed_zone_def {
    double from_m, to_m; /* m */
    double limit_kmh;    /* km/h, (0, 400] */
} ls_speed_zone_def;

/* A lane that ends (lane drop) or begins (lane add) at a position. */
typedef struct ls_lane_end_def {
    int lane;    /* 1 .. road.lanes */
    double at_m; /* m, (0, road.length) */
} ls_lane_end_def;

/* The space-time measurement grid and the queue-length rule. */
typedef struct ls_field_def {
    double segment_m;       /* m, default 100, [10, 10000] */
    double period_s;        /* s, default 60, >= dt */
    double queue_speed_kmh; /* km/h: a segment slower than this is queued, default 40, (0, 400] */
} ls_field_def;

/* Commute strategies for `lanesim compare` (docs/scenarios.md, "strategies"). A probe vehicle is
 * an ordinary car of the first vehicle type whose lane choice follows its strategy. */
typedef enum ls_policy {
    LS_POLICY_KEEP = 0, /* stay in the lane unless forced (closure, lane drop, on-ramp, exit) */
    LS_POLICY_FASTEST,  /* take a lane beside that is faster whenever the gap rule allows */
    LS_POLICY_NORMAL,   /* drive like the background drivers */
} ls_policy;

/* then: from `after_m` on, work toward lane `move_to` with growing urgency, then keep it. */
typedef struct ls_then_def {
    double after_m; /* m from the start of the road, default 0 */
    int move_to;    /* lane 1 .. road.lanes; 0 (the default) = no `then` */
} ls_then_def;

/* The signal at the end of a connector: green for the first `green_s` of every cycle, counted
 * from t = 0. */
typedef struct ls_signal_def {
    double cycle_s; /* s, 0 (the default) = no signal */
    double green_s; /* s, (0, cycle] */
} ls_signal_def;

/* exit_reenter: leave at an off-ramp, spend the connector's time, wait for its signal, join a
 * later on-ramp's queue (the shuttle-bus trick of Traffic IV). */
typedef struct ls_reenter_def {
    char exit[LS_NAME_MAX];  /* the off-ramp left by; "" (the default) = no exit_reenter */
    char enter[LS_NAME_MAX]; /* the on-ramp joined again, downstream of the exit */
    double delay_s;          /* connector time from the exit to the signal, s, default 60 */
    ls_signal_def signal;
} ls_reenter_def;

typedef struct ls_strategy_def {
    char name[LS_NAME_MAX];       /* unique, non-empty */
    int enter_lane;               /* 1 .. road.lanes; 0 with enter_ramp */
    char enter_ramp[LS_NAME_MAX]; /* an on-ramp's name, or "" with enter_lane */
    char exit[LS_NAME_MAX];       /* an off-ramp's name where the trip ends, "" = the road's end */
    ls_policy policy;             /* default LS_POLICY_KEEP */
    ls_then_def then;
    ls_reenter_def reenter; /* the `exit_reenter` key */
    double patience;        /* factor on the critical gap Ta + Tb, default 1, [0.1, 10] */
    bool speed_trick;       /* opens a gap to gain speed before merging, default false */
} ls_strategy_def;

/* When probes depart: one per strategy at from, from + every, ... up to `to`. */
typedef struct ls_probes_def {
    double from_s;  /* s, -1 (default): the end of the warm-up */
    double to_s;    /* s, -1 (default): the duration less three free-flow trips of the road */
    double every_s; /* s between departures, default 60, [dt, 1e9] */
} ls_probes_def;

typedef struct ls_simulation_def {
    double duration_s; /* s simulated, default 3600, (0 .. 1e9] */
    double warmup_s;   /* s excluded from statistics, default 0, [0, duration) */
    uint64_t seed;     /* default 1 */
    double start_time_s; /* time of day at t = 0, s after midnight ("6 h" for 06:00); -1 (the
                            default) when the scenario is not tied to a time of day */
} ls_simulation_def;

typedef struct ls_scenario {
    char name[LS_NAME_MAX];
    char description[256];
    ls_model_def model;
    ls_road_def road;
    int vehicle_type_count; /* 1 .. LS_MAX_VEHICLE_TYPES */
    ls_vehicle_type_def vehicle_types[LS_MAX_VEHICLE_TYPES];
    ls_initial_def initial;
    ls_demand_def mainline; /* demand.mainline */
    int detector_count;
    ls_detector_def detectors[LS_MAX_DETECTORS];
    ls_lane_change_def lane_change;
    ls_friction_def friction;
    int blockage_count;
    ls_blockage_def blockages[LS_MAX_BLOCKAGES];
    int ramp_count;
    ls_ramp_def ramps[LS_MAX_RAMPS];
    int speed_zone_count;
    ls_speed_zone_def speed_zones[LS_MAX_SPEED_ZONES];
    int lane_drop_count;
    ls_lane_end_def lane_drops[LS_MAX_LANE_ENDS];
    int lane_add_count;
    ls_lane_end_def lane_adds[LS_MAX_LANE_ENDS];
    ls_field_def field;
    int strategy_count;
    ls_strategy_def strategies[LS_MAX_STRATEGIES];
    ls_probes_def probes;
    ls_simulation_def simulation;
} ls_scenario;

/* Fills every field with its documented default (one vehicle type "car", share 1). */
void ls_scenario_defaults(ls_scenario *s);

/* A parsed YAML document that keeps every node's position, so that problems found later (and
 * overrides applied with ls_source_set) are reported against the text they came from. */
typedef struct ls_source ls_source;

/* Parses a file or a string (`name` is used in positions). On a syntax error returns
 * LS_ERR_INPUT with the position in `diags`; LS_ERR_IO when the file cannot be read. */
ls_status ls_source_parse_file(const char *path, ls_source **out, ls_diags *diags);
ls_status ls_source_parse_string(const char *text, size_t len, const char *name, ls_source **out,
                                 ls_diags *diags);
ls_source *ls_source_clone(const ls_source *src); /* NULL when out of memory */
void ls_source_free(ls_source *src);

/* Applies "KEY=VALUE" (cli.md's --set): KEY a dotted path with [i] indices, VALUE a YAML scalar
 * or flow sequence/mapping. Missing mappings on the path are created; an index past the end of
 * a list is an error. The value is checked by ls_scenario_decode like any other. */
ls_status ls_source_set(ls_source *src, const char *assignment, ls_diags *diags);

/* Turns a source into a scenario: every key known, every value of the right type, unit and
 * range, cross-field rules checked. Collects every problem it finds (not just the first). */
ls_status ls_scenario_decode(const ls_source *src, ls_scenario *out, ls_diags *diags);

/* Convenience: parse, apply overrides, decode. With text == NULL reads the file `path`; with
 * text != NULL parses the text, naming it `path` in positions (or "<string>" if path is NULL). */
ls_status ls_scenario_load(const char *path, const char *text, size_t text_len,
                           const char *const *sets, int set_count, ls_scenario *out,
                           ls_diags *diags);

/* Writes the scenario back as YAML with every key, in each key's default unit, such that
 * decoding the text gives the same scenario. *text is malloc'd; the caller frees it. */
ls_status ls_scenario_to_yaml(const ls_scenario *s, char **text, size_t *len);

/* Speed and length helpers shared by the loader and the engine (units.c). */
double ls_kmh_to_mps(double kmh);
int ls_round_cells(double cells); /* nearest integer, ties up, robust to 4.9999999 */

#ifdef __cplusplus
}
#endif
#endif
