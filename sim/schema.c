/* schema.c: every scenario key with its kind, unit, range, default, place and meaning. */
#include "schema.h"

#include <math.h>
#include <string.h>

#include "lanesim/scenario.h"

/* Enums are read and written as int. */
_Static_assert(sizeof(ls_rule) == sizeof(int), "ls_rule is stored as int");
_Static_assert(sizeof(ls_arrivals) == sizeof(int), "ls_arrivals is stored as int");
_Static_assert(sizeof(ls_ramp_kind) == sizeof(int), "ls_ramp_kind is stored as int");
_Static_assert(sizeof(ls_policy) == sizeof(int), "ls_policy is stored as int");
_Static_assert(sizeof(ls_meter_kind) == sizeof(int), "ls_meter_kind is stored as int");

#define COUNT(a)  (sizeof(a) / sizeof((a)[0]))
#define OPEN_MIN  LS_F_MIN_OPEN
#define OPEN_BOTH (LS_F_MIN_OPEN | LS_F_MAX_OPEN)

/* A double with a unit: NUMBER(key, unit, flags, min, max, default, struct, member, doc). */
#define NUMBER(key, unit_, flags_, lo, hi, dflt, type, member, doc_)                               \
    {                                                                                              \
        .name = key, .kind = LS_FIELD_NUMBER, .unit = unit_, .flags = flags_, .min = lo,           \
        .max = hi, .def = dflt, .offset = offsetof(type, member), .doc = doc_                      \
    }

static const char *const RULES[] = {"nasch", "vdr", "newell", NULL};
static const char *const ARRIVALS[] = {"poisson", "regular", NULL};
static const char *const RAMP_KINDS[] = {"on", "off", NULL};
static const char *const POLICIES[] = {"keep", "fastest", "normal", NULL};
static const char *const METER_KINDS[] = {"none", "fixed", "alinea", NULL};

static const ls_field MODEL[] = {
    NUMBER("cell_length", LS_UNIT_LENGTH, OPEN_MIN, 0.1, 100, 1.5, ls_model_def, cell_length_m,
           "length of one cell; 7.5 reproduces classic NaSch"),
    NUMBER("dt", LS_UNIT_TIME, 0, 0.01, 10, 1, ls_model_def, dt_s, "simulated time per step"),
    {.name = "rule",
     .kind = LS_FIELD_ENUM,
     .names = RULES,
     .def = LS_RULE_NASCH,
     .offset = offsetof(ls_model_def, rule),
     .doc = "nasch | vdr (slow-to-start) | newell (deterministic, p = 0)"},
    NUMBER("p_slow", LS_UNIT_NONE, 0, 0, 1, 0.2, ls_model_def, p_slow,
           "random slowdown probability"),
    NUMBER("p_slow_start", LS_UNIT_NONE, 0, 0, 1, 0.5, ls_model_def, p_slow_start,
           "vdr: slowdown probability of a stopped vehicle"),
};

static const ls_field ROAD[] = {
    NUMBER("length", LS_UNIT_LENGTH, OPEN_MIN, 0, LS_MAX_ROAD_M, 10000, ls_road_def, length_m,
           "length of the road"),
    {.name = "lanes",
     .kind = LS_FIELD_INT,
     .min = 1,
     .max = LS_MAX_LANES,
     .def = 1,
     .offset = offsetof(ls_road_def, lanes),
     .doc = "number of lanes; lane 1 is the median lane"},
    {.name = "ring",
     .kind = LS_FIELD_BOOL,
     .def = 0,
     .offset = offsetof(ls_road_def, ring),
     .doc = "true: periodic boundary (a closed ring, no entry or exit)"},
    NUMBER("speed_limit", LS_UNIT_SPEED, OPEN_MIN, 0, 400, 104.60736, ls_road_def, speed_limit_kmh,
           "speed limit (default 65 mph)"),
    NUMBER("lane_width", LS_UNIT_LENGTH, 0, 2, 6, 3.7, ls_road_def, lane_width_m,
           "width of a lane"),
};

static const ls_field VEHICLE[] = {
    {.name = "type",
     .kind = LS_FIELD_STRING,
     .flags = LS_F_REQUIRED | LS_F_UNIQUE | LS_F_NONEMPTY,
     .def_text = "car",
     .offset = offsetof(ls_vehicle_type_def, name),
     .aux = LS_NAME_MAX,
     .doc = "name of the type, unique"},
    NUMBER("share", LS_UNIT_NONE, LS_F_REQUIRED_IF_MANY, 0, 1, 1, ls_vehicle_type_def, share,
           "fraction of the demand; the shares sum to 1"),
    NUMBER("length", LS_UNIT_LENGTH, 0, 0.1, 100, 7.5, ls_vehicle_type_def, length_m,
           "length including the standstill gap"),
    NUMBER("max_speed", LS_UNIT_SPEED, OPEN_MIN, 0, 400, 150, ls_vehicle_type_def, max_speed_kmh,
           "top speed of the type"),
    NUMBER("accel", LS_UNIT_ACCEL, OPEN_MIN, 0, 20, 1.5, ls_vehicle_type_def, accel_mps2,
           "acceleration"),
    {.name = "lanes",
     .kind = LS_FIELD_LANES,
     .min = 1,
     .max = LS_MAX_LANES,
     .offset = offsetof(ls_vehicle_type_def, lanes_mask),
     .doc = "lanes the type may use, e.g. [3, 4]; [] = every lane"},
    NUMBER("speed_factor", LS_UNIT_NONE, 0, 0.2, 2, 1, ls_vehicle_type_def, speed_factor,
           "mean desired speed / speed limit"),
    NUMBER("speed_dev", LS_UNIT_NONE, 0, 0, 0.5, 0, ls_vehicle_type_def, speed_dev,
           "standard deviation of the speed factor"),
};

static const ls_field INITIAL[] = {
    {.name = "density",
     .kind = LS_FIELD_DENSITY,
     .unit = LS_UNIT_DENSITY,
     .min = 0,
     .max = INFINITY,
     .def = 0,
     .offset = offsetof(ls_initial_def, density),
     .aux = offsetof(ls_initial_def, per_km),
     .doc = "vehicles per lane at t = 0: veh/cell, or \"40 veh/km\""},
};

static const ls_field POINT[] = {
    NUMBER("t", LS_UNIT_TIME, LS_F_REQUIRED, 0, INFINITY, 0, ls_profile_point, t_s,
           "time from the start; strictly increasing"),
    NUMBER("flow", LS_UNIT_FLOW, LS_F_REQUIRED, 0, LS_MAX_FLOW_VPH, 0, ls_profile_point, flow_vph,
           "flow at that time, summed over lanes"),
};
static const ls_schema POINT_SCHEMA = {"points", POINT, COUNT(POINT), sizeof(ls_profile_point)};

static const ls_field MAINLINE[] = {
    {.name = "flow",
     .kind = LS_FIELD_PROFILE,
     .unit = LS_UNIT_FLOW,
     .min = 1,
     .max = LS_MAX_PROFILE,
     .def = 1,
     .offset = offsetof(ls_demand_def, flow),
     .sub = &POINT_SCHEMA,
     .doc = "veh/h over all lanes: a number, or [{t, flow}, ...] piecewise linear"},
    {.name = "lane_split",
     .kind = LS_FIELD_SPLIT,
     .min = 0,
     .max = 1,
     .offset = offsetof(ls_demand_def, lane_split),
     .aux = offsetof(ls_demand_def, lane_split_count),
     .doc = "share of the flow entering each lane, lane 1 first; [] = equal"},
    {.name = "arrivals",
     .kind = LS_FIELD_ENUM,
     .names = ARRIVALS,
     .def = LS_ARRIVALS_POISSON,
     .offset = offsetof(ls_demand_def, arrivals),
     .doc = "poisson (random headways) | regular (evenly spaced)"},
};
static const ls_schema MAINLINE_SCHEMA = {NULL, MAINLINE, COUNT(MAINLINE), 0};

static const ls_field DEMAND[] = {
    {.name = "mainline",
     .kind = LS_FIELD_SECTION,
     .offset = offsetof(ls_scenario, mainline),
     .sub = &MAINLINE_SCHEMA,
     .doc = "traffic entering at the start of the road"},
};

static const ls_field DETECTOR[] = {
    {.name = "name",
     .kind = LS_FIELD_STRING,
     .flags = LS_F_REQUIRED | LS_F_UNIQUE | LS_F_NONEMPTY,
     .def_text = "",
     .offset = offsetof(ls_detector_def, name),
     .aux = LS_NAME_MAX,
     .doc = "name of the detector, unique"},
    NUMBER("at", LS_UNIT_LENGTH, LS_F_REQUIRED, 0, INFINITY, 0, ls_detector_def, at_m,
           "position from the start of the road"),
    NUMBER("period", LS_UNIT_TIME, OPEN_MIN, 0, LS_MAX_PERIOD_S, 60, ls_detector_def, period_s,
           "aggregation period, at least model.dt"),
    {.name = "lanes",
     .kind = LS_FIELD_LANES,
     .min = 1,
     .max = LS_MAX_LANES,
     .offset = offsetof(ls_detector_def, lanes_mask),
     .doc = "lanes with a loop, e.g. [1, 2]; [] = every lane"},
};

#define FLAG(key, dflt, type, member, doc_)                                                        \
    {                                                                                              \
        .name = key, .kind = LS_FIELD_BOOL, .def = dflt, .offset = offsetof(type, member),         \
        .doc = doc_                                                                                \
    }

static const ls_field LANE_CHANGE[] = {
    FLAG("enabled", 0, ls_lane_change_def, enabled, "vehicles change lanes"),
    FLAG("keep_right", 0, ls_lane_change_def, keep_right,
         "drivers return right and pass on the left (Europe); false: every lane used (California)"),
    NUMBER("steer_angle_deg", LS_UNIT_NONE, 0, 1, 45, 8, ls_lane_change_def, steer_angle_deg,
           "alpha, the heading angle to the lane direction while crossing, degrees (for Ta)"),
    NUMBER("lateral_accel", LS_UNIT_ACCEL, OPEN_MIN, 0, 10, 1, ls_lane_change_def,
           lateral_accel_mps2, "a: acceleration while crossing and matching speed (Ta, Tb)"),
    NUMBER("coop_decel", LS_UNIT_ACCEL, 0, 0, 10, 1, ls_lane_change_def, coop_decel_mps2,
           "b: how hard the target-lane follower yields (Tb)"),
    NUMBER("forced_factor", LS_UNIT_NONE, 0, 0.5, 1, 0.75, ls_lane_change_def, forced_factor,
           "Tb multiplier in a forced merge at full urgency"),
    NUMBER("p_change", LS_UNIT_NONE, 0, 0, 1, 0.5, ls_lane_change_def, p_change,
           "chance per step that a driver with a discretionary incentive tries"),
    NUMBER("min_gain", LS_UNIT_SPEED, 0, 0, 100, 5, ls_lane_change_def, min_gain_kmh,
           "speed advantage needed for a discretionary change"),
    NUMBER("lookahead", LS_UNIT_LENGTH, OPEN_MIN, 0, 5000, 300, ls_lane_change_def, lookahead_m,
           "distance before a closed lane at which changing out becomes mandatory"),
    NUMBER("trick_share", LS_UNIT_NONE, 0, 0, 1, 0.2, ls_lane_change_def, trick_share,
           "share of drivers who open a gap ahead to gain speed before merging"),
    NUMBER("trick_gap", LS_UNIT_LENGTH, 0, 0, 200, 30, ls_lane_change_def, trick_gap_m,
           "the extra gap those drivers open"),
    NUMBER("exit_lookahead", LS_UNIT_LENGTH, OPEN_MIN, 0, 20000, 1500, ls_lane_change_def,
           exit_lookahead_m, "distance before its exit at which a driver starts working right"),
    NUMBER("exit_lookahead_dev", LS_UNIT_LENGTH, 0, 0, 10000, 500, ls_lane_change_def,
           exit_lookahead_dev_m, "standard deviation of that distance across drivers"),
};

static const ls_field FRICTION[] = {
    FLAG("enabled", 0, ls_friction_def, enabled, "drivers beside a much slower lane slow down"),
    NUMBER("coefficient", LS_UNIT_NONE, 0, 0, 1, 0.4, ls_friction_def, coefficient,
           "0: lanes independent; 1: capped at the slow lane's speed + speed_gap"),
    NUMBER("speed_gap", LS_UNIT_SPEED, 0, 0, 200, 20, ls_friction_def, speed_gap_kmh,
           "adjacent-lane speed difference at which friction starts"),
    NUMBER("range", LS_UNIT_LENGTH, 0, 10, 2000, 100, ls_friction_def, range_m,
           "length of the road segments whose mean speeds are compared"),
};

static const ls_field BLOCKAGE[] = {
    {.name = "lanes",
     .kind = LS_FIELD_LANES,
     .flags = LS_F_REQUIRED,
     .min = 1,
     .max = LS_MAX_LANES,
     .offset = offsetof(ls_blockage_def, lanes_mask),
     .doc = "closed lanes, e.g. [4]"},
    NUMBER("from", LS_UNIT_LENGTH, LS_F_REQUIRED, 0, INFINITY, 0, ls_blockage_def, from_m,
           "start of the closed stretch"),
    NUMBER("to", LS_UNIT_LENGTH, LS_F_REQUIRED, 0, INFINITY, 0, ls_blockage_def, to_m,
           "end of the closed stretch, after from"),
    NUMBER("start", LS_UNIT_TIME, 0, 0, 1e9, 0, ls_blockage_def, start_s, "time the lanes close"),
    NUMBER("end", LS_UNIT_TIME, 0, 0, 1e9, 1e9, ls_blockage_def, end_s,
           "time they reopen (default: never), after start"),
};

static const ls_field RATE_POINT[] = {
    NUMBER("t", LS_UNIT_TIME, LS_F_REQUIRED, 0, INFINITY, 0, ls_profile_point, t_s,
           "time from the start; strictly increasing"),
    NUMBER("rate", LS_UNIT_FLOW, LS_F_REQUIRED, 1, 36000, 900, ls_profile_point, flow_vph,
           "release rate from that time"),
};
static const ls_schema RATE_POINT_SCHEMA = {"points", RATE_POINT, COUNT(RATE_POINT),
                                            sizeof(ls_profile_point)};

static const ls_field METER[] = {
    {.name = "kind",
     .kind = LS_FIELD_ENUM,
     .names = METER_KINDS,
     .def = LS_METER_NONE,
     .offset = offsetof(ls_meter_def, kind),
     .doc = "none | fixed | alinea"},
    {.name = "rate",
     .kind = LS_FIELD_PROFILE,
     .unit = LS_UNIT_FLOW,
     .min = 1,
     .max = LS_MAX_PROFILE,
     .def = 1,
     .offset = offsetof(ls_meter_def, rate),
     .sub = &RATE_POINT_SCHEMA,
     .doc = "fixed: veh/h released, one number or [{t, rate}, ...] piecewise linear"},
    {.name = "detector",
     .kind = LS_FIELD_STRING,
     .def_text = "",
     .offset = offsetof(ls_meter_def, detector),
     .aux = LS_NAME_MAX,
     .doc = "alinea: the mainline detector downstream of the merge"},
    NUMBER("target_occupancy", LS_UNIT_NONE, OPEN_BOTH, 0, 1, 0.2, ls_meter_def,
           target_occupancy, "alinea: the occupancy it holds (fraction)"),
    NUMBER("gain", LS_UNIT_NONE, OPEN_MIN, 0, 1000, 70, ls_meter_def, gain,
           "alinea: K_R, veh/h per percent of occupancy"),
    NUMBER("period", LS_UNIT_TIME, OPEN_MIN, 0, 3600, 60, ls_meter_def, period_s,
           "alinea: time between rate updates, at least model.dt"),
    NUMBER("min_rate", LS_UNIT_FLOW, 0, 0, 36000, 240, ls_meter_def, min_rate,
           "lowest release rate"),
    NUMBER("max_rate", LS_UNIT_FLOW, OPEN_MIN, 0, 36000, 1800, ls_meter_def, max_rate,
           "highest release rate (alinea), and the rate while the queue fills the ramp"),
};
static const ls_schema METER_SCHEMA = {NULL, METER, COUNT(METER), 0};

static const ls_field RAMP[] = {
    {.name = "name",
     .kind = LS_FIELD_STRING,
     .flags = LS_F_REQUIRED | LS_F_UNIQUE | LS_F_NONEMPTY,
     .def_text = "",
     .offset = offsetof(ls_ramp_def, name),
     .aux = LS_NAME_MAX,
     .doc = "name of the ramp, unique"},
    {.name = "kind",
     .kind = LS_FIELD_ENUM,
     .flags = LS_F_REQUIRED,
     .names = RAMP_KINDS,
     .def = LS_RAMP_ON,
     .offset = offsetof(ls_ramp_def, kind),
     .doc = "on | off"},
    NUMBER("at", LS_UNIT_LENGTH, LS_F_REQUIRED, 0, INFINITY, 0, ls_ramp_def, at_m,
           "on: start of the acceleration lane; off: the diverge point"),
    NUMBER("length", LS_UNIT_LENGTH, OPEN_MIN, 0, 5000, 250, ls_ramp_def, length_m,
           "on: length of the acceleration lane"),
    NUMBER("approach", LS_UNIT_LENGTH, 0, 0, 5000, 150, ls_ramp_def, approach_m,
           "on: ramp road before the gore, where its traffic appears"),
    {.name = "flow",
     .kind = LS_FIELD_PROFILE,
     .unit = LS_UNIT_FLOW,
     .min = 1,
     .max = LS_MAX_PROFILE,
     .def = 1,
     .offset = offsetof(ls_ramp_def, flow),
     .sub = &POINT_SCHEMA,
     .doc = "on: veh/h entering from the ramp: a number, or [{t, flow}, ...]"},
    {.name = "vehicle_shares",
     .kind = LS_FIELD_SPLIT,
     .min = 0,
     .max = 1,
     .offset = offsetof(ls_ramp_def, mix),
     .aux = offsetof(ls_ramp_def, mix_count),
     .doc = "on: shares of the vehicle types, in the order of `vehicles`; [] = their own"},
    NUMBER("share", LS_UNIT_NONE, 0, 0, 1, 0, ls_ramp_def, share,
           "off: fraction of the traffic passing the exit that takes it"),
    NUMBER("avoid_share", LS_UNIT_NONE, 0, 0, 1, 0, ls_ramp_def, avoid_share,
           "on: fraction of mainline drivers who leave the rightmost lane before the merge"),
    NUMBER("avoid_lookahead", LS_UNIT_LENGTH, 0, 0, 5000, 800, ls_ramp_def, avoid_lookahead_m,
           "on: how far before the gore they start moving left"),
    {.name = "storage",
     .kind = LS_FIELD_INT,
     .min = 0,
     .max = 100000,
     .def = 0,
     .offset = offsetof(ls_ramp_def, storage),
     .doc = "on: vehicles the ramp holds before its queue spills onto the street; 0: approach / "
            "7.5 m"},
    {.name = "meter",
     .kind = LS_FIELD_SECTION,
     .offset = offsetof(ls_ramp_def, meter),
     .sub = &METER_SCHEMA,
     .doc = "on: a ramp meter {kind: fixed, rate} or {kind: alinea, detector, ...}"},
};

static const ls_field SPEED_ZONE[] = {
    NUMBER("from", LS_UNIT_LENGTH, LS_F_REQUIRED, 0, INFINITY, 0, ls_speed_zone_def, from_m,
           "start of the stretch"),
    NUMBER("to", LS_UNIT_LENGTH, LS_F_REQUIRED, 0, INFINITY, 0, ls_speed_zone_def, to_m,
           "end of the stretch, after from"),
    NUMBER("limit", LS_UNIT_SPEED, LS_F_REQUIRED | OPEN_MIN, 0, 400, 0, ls_speed_zone_def,
           limit_kmh, "speed limit on the stretch"),
};

static const ls_field LANE_END[] = {
    {.name = "lane",
     .kind = LS_FIELD_INT,
     .flags = LS_F_REQUIRED,
     .min = 1,
     .max = LS_MAX_LANES,
     .def = 1,
     .offset = offsetof(ls_lane_end_def, lane),
     .doc = "the lane, 1 .. road.lanes"},
    NUMBER("at", LS_UNIT_LENGTH, LS_F_REQUIRED | OPEN_MIN, 0, INFINITY, 0, ls_lane_end_def, at_m,
           "where the lane ends (lane_drops) or begins (lane_adds)"),
};

/* A ramp named by a strategy: "" = none; checked against ramps[] by strategy_check.c. */
#define RAMP_NAME(key, type, member, doc_)                                                         \
    {                                                                                              \
        .name = key, .kind = LS_FIELD_STRING, .def_text = "", .offset = offsetof(type, member),    \
        .aux = LS_NAME_MAX, .doc = doc_                                                            \
    }

static const ls_field THEN[] = {
    NUMBER("after", LS_UNIT_LENGTH, 0, 0, INFINITY, 0, ls_then_def, after_m,
           "position from which the probe works toward move_to"),
    {.name = "move_to",
     .kind = LS_FIELD_INT,
     .min = 0,
     .max = LS_MAX_LANES,
     .def = 0,
     .offset = offsetof(ls_then_def, move_to),
     .doc = "the lane it moves to, then keeps (required with `then`; 0: no `then`)"},
};
static const ls_schema THEN_SCHEMA = {NULL, THEN, COUNT(THEN), 0};

static const ls_field SIGNAL[] = {
    NUMBER("cycle", LS_UNIT_TIME, 0, 0, 3600, 0, ls_signal_def, cycle_s,
           "length of the signal's cycle; 0: no signal"),
    NUMBER("green", LS_UNIT_TIME, 0, 0, 3600, 0, ls_signal_def, green_s,
           "green time at the start of each cycle, above 0 and at most the cycle"),
};
static const ls_schema SIGNAL_SCHEMA = {NULL, SIGNAL, COUNT(SIGNAL), 0};

static const ls_field REENTER[] = {
    RAMP_NAME("exit", ls_reenter_def, exit,
              "the off-ramp the probe leaves by (required with exit_reenter)"),
    RAMP_NAME("enter", ls_reenter_def, enter,
              "the on-ramp it joins again, downstream of the exit (required with exit_reenter)"),
    NUMBER("delay", LS_UNIT_TIME, 0, 0, 3600, 60, ls_reenter_def, delay_s,
           "time on the connector from the exit to the signal"),
    {.name = "signal",
     .kind = LS_FIELD_SECTION,
     .offset = offsetof(ls_reenter_def, signal),
     .sub = &SIGNAL_SCHEMA,
     .doc = "the signal at the connector's end: {cycle, green}; none by default"},
};
static const ls_schema REENTER_SCHEMA = {NULL, REENTER, COUNT(REENTER), 0};

static const ls_field STRATEGY[] = {
    {.name = "name",
     .kind = LS_FIELD_STRING,
     .flags = LS_F_REQUIRED | LS_F_UNIQUE | LS_F_NONEMPTY,
     .def_text = "",
     .offset = offsetof(ls_strategy_def, name),
     .aux = LS_NAME_MAX,
     .doc = "name of the strategy, unique"},
    {.name = "enter_lane",
     .kind = LS_FIELD_INT,
     .min = 0,
     .max = LS_MAX_LANES,
     .def = 0,
     .offset = offsetof(ls_strategy_def, enter_lane),
     .doc = "the mainline lane the probe enters (or enter_ramp)"},
    RAMP_NAME("enter_ramp", ls_strategy_def, enter_ramp,
              "the on-ramp the probe enters by (or enter_lane)"),
    RAMP_NAME("exit", ls_strategy_def, exit,
              "the off-ramp where the trip ends; default: the end of the road"),
    {.name = "policy",
     .kind = LS_FIELD_ENUM,
     .names = POLICIES,
     .def = LS_POLICY_KEEP,
     .offset = offsetof(ls_strategy_def, policy),
     .doc = "keep | fastest | normal"},
    {.name = "then",
     .kind = LS_FIELD_SECTION,
     .offset = offsetof(ls_strategy_def, then),
     .sub = &THEN_SCHEMA,
     .doc = "{after, move_to}: from `after` on, move to that lane, then keep it"},
    {.name = "exit_reenter",
     .kind = LS_FIELD_SECTION,
     .offset = offsetof(ls_strategy_def, reenter),
     .sub = &REENTER_SCHEMA,
     .doc = "{exit, enter, delay, signal}: leave and join the road again"},
    NUMBER("patience", LS_UNIT_NONE, 0, 0.1, 10, 1, ls_strategy_def, patience,
           "factor on the critical gap: 0.5 accepts gaps half as long"),
    FLAG("speed_trick", 0, ls_strategy_def, speed_trick,
         "opens a gap ahead to gain speed before merging"),
};

static const ls_field PROBES[] = {
    NUMBER("from", LS_UNIT_TIME, 0, -1, 1e9, -1, ls_probes_def, from_s,
           "first departure; -1: the end of the warm-up"),
    NUMBER("to", LS_UNIT_TIME, 0, -1, 1e9, -1, ls_probes_def, to_s,
           "last departure; -1: the duration less three free-flow trips along the road"),
    NUMBER("every", LS_UNIT_TIME, OPEN_MIN, 0, 1e9, 60, ls_probes_def, every_s,
           "time between departures, at least model.dt"),
};

static const ls_field FIELD[] = {
    NUMBER("segment", LS_UNIT_LENGTH, 0, 10, 10000, 100, ls_field_def, segment_m,
           "length of the space-time grid's segments"),
    NUMBER("period", LS_UNIT_TIME, OPEN_MIN, 0, LS_MAX_PERIOD_S, 60, ls_field_def, period_s,
           "length of its periods, at least model.dt"),
    NUMBER("queue_speed", LS_UNIT_SPEED, OPEN_MIN, 0, 400, 40, ls_field_def, queue_speed_kmh,
           "a segment slower than this counts as queued"),
};

static const ls_field SIMULATION[] = {
    NUMBER("duration", LS_UNIT_TIME, OPEN_MIN, 0, 1e9, 3600, ls_simulation_def, duration_s,
           "simulated time"),
    NUMBER("warmup", LS_UNIT_TIME, 0, 0, INFINITY, 0, ls_simulation_def, warmup_s,
           "time excluded from statistics, less than the duration"),
    {.name = "seed",
     .kind = LS_FIELD_U64,
     .min = 0,
     .max = 18446744073709551615.0,
     .def = 1,
     .offset = offsetof(ls_simulation_def, seed),
     .doc = "random seed"},
    NUMBER("start_time", LS_UNIT_TIME, LS_F_MAX_OPEN, -1, 86400, -1, ls_simulation_def,
           start_time_s, "time of day at t = 0, e.g. 6 h for 06:00; -1: none (for display)"),
};

static const ls_schema MODEL_SCHEMA = {NULL, MODEL, COUNT(MODEL), 0};
static const ls_schema ROAD_SCHEMA = {NULL, ROAD, COUNT(ROAD), 0};
static const ls_schema VEHICLE_SCHEMA = {"vehicle types", VEHICLE, COUNT(VEHICLE),
                                         sizeof(ls_vehicle_type_def)};
static const ls_schema INITIAL_SCHEMA = {NULL, INITIAL, COUNT(INITIAL), 0};
static const ls_schema DEMAND_SCHEMA = {NULL, DEMAND, COUNT(DEMAND), 0};
static const ls_schema DETECTOR_SCHEMA = {"detectors", DETECTOR, COUNT(DETECTOR),
                                          sizeof(ls_detector_def)};
static const ls_schema SIMULATION_SCHEMA = {NULL, SIMULATION, COUNT(SIMULATION), 0};
static const ls_schema LANE_CHANGE_SCHEMA = {NULL, LANE_CHANGE, COUNT(LANE_CHANGE), 0};
static const ls_schema FRICTION_SCHEMA = {NULL, FRICTION, COUNT(FRICTION), 0};
static const ls_schema BLOCKAGE_SCHEMA = {"blockages", BLOCKAGE, COUNT(BLOCKAGE),
                                          sizeof(ls_blockage_def)};
static const ls_schema RAMP_SCHEMA = {"ramps", RAMP, COUNT(RAMP), sizeof(ls_ramp_def)};
static const ls_schema SPEED_ZONE_SCHEMA = {"speed limits", SPEED_ZONE, COUNT(SPEED_ZONE),
                                            sizeof(ls_speed_zone_def)};
static const ls_schema LANE_END_SCHEMA = {"lane ends", LANE_END, COUNT(LANE_END),
                                          sizeof(ls_lane_end_def)};
static const ls_schema FIELD_SCHEMA = {NULL, FIELD, COUNT(FIELD), 0};
static const ls_schema STRATEGY_SCHEMA = {"strategies", STRATEGY, COUNT(STRATEGY),
                                          sizeof(ls_strategy_def)};
static const ls_schema PROBES_SCHEMA = {NULL, PROBES, COUNT(PROBES), 0};

static const ls_field ROOT[] = {
    {.name = "name",
     .kind = LS_FIELD_STRING,
     .def_text = "",
     .offset = offsetof(ls_scenario, name),
     .aux = sizeof(((ls_scenario *)0)->name),
     .doc = "short name of the scenario"},
    {.name = "description",
     .kind = LS_FIELD_STRING,
     .def_text = "",
     .offset = offsetof(ls_scenario, description),
     .aux = sizeof(((ls_scenario *)0)->description),
     .doc = "what the scenario shows"},
    {.name = "model",
     .kind = LS_FIELD_SECTION,
     .offset = offsetof(ls_scenario, model),
     .sub = &MODEL_SCHEMA,
     .doc = "the cellular automaton"},
    {.name = "road",
     .kind = LS_FIELD_SECTION,
     .offset = offsetof(ls_scenario, road),
     .sub = &ROAD_SCHEMA,
     .doc = "the freeway"},
    {.name = "vehicles",
     .kind = LS_FIELD_LIST,
     .min = 1,
     .max = LS_MAX_VEHICLE_TYPES,
     .def = 1,
     .offset = offsetof(ls_scenario, vehicle_types),
     .aux = offsetof(ls_scenario, vehicle_type_count),
     .sub = &VEHICLE_SCHEMA,
     .doc = "vehicle types and their shares of the demand"},
    {.name = "initial",
     .kind = LS_FIELD_SECTION,
     .offset = offsetof(ls_scenario, initial),
     .sub = &INITIAL_SCHEMA,
     .doc = "traffic on the road at t = 0"},
    {.name = "demand",
     .kind = LS_FIELD_SECTION,
     .offset = 0,
     .sub = &DEMAND_SCHEMA,
     .doc = "traffic entering the road"},
    {.name = "detectors",
     .kind = LS_FIELD_LIST,
     .min = 0,
     .max = LS_MAX_DETECTORS,
     .def = 0,
     .offset = offsetof(ls_scenario, detectors),
     .aux = offsetof(ls_scenario, detector_count),
     .sub = &DETECTOR_SCHEMA,
     .doc = "loop detectors"},
    {.name = "lane_change",
     .kind = LS_FIELD_SECTION,
     .offset = offsetof(ls_scenario, lane_change),
     .sub = &LANE_CHANGE_SCHEMA,
     .doc = "lane changes: incentive and gap acceptance"},
    {.name = "friction",
     .kind = LS_FIELD_SECTION,
     .offset = offsetof(ls_scenario, friction),
     .sub = &FRICTION_SCHEMA,
     .doc = "friction between lanes"},
    {.name = "blockages",
     .kind = LS_FIELD_LIST,
     .min = 0,
     .max = LS_MAX_BLOCKAGES,
     .def = 0,
     .offset = offsetof(ls_scenario, blockages),
     .aux = offsetof(ls_scenario, blockage_count),
     .sub = &BLOCKAGE_SCHEMA,
     .doc = "incidents and work zones: lanes closed over a stretch and a time window"},
    {.name = "ramps",
     .kind = LS_FIELD_LIST,
     .min = 0,
     .max = LS_MAX_RAMPS,
     .def = 0,
     .offset = offsetof(ls_scenario, ramps),
     .aux = offsetof(ls_scenario, ramp_count),
     .sub = &RAMP_SCHEMA,
     .doc = "on-ramps and off-ramps, on the right"},
    {.name = "speed_limits",
     .kind = LS_FIELD_LIST,
     .min = 0,
     .max = LS_MAX_SPEED_ZONES,
     .def = 0,
     .offset = offsetof(ls_scenario, speed_zones),
     .aux = offsetof(ls_scenario, speed_zone_count),
     .sub = &SPEED_ZONE_SCHEMA,
     .doc = "stretches with their own speed limit"},
    {.name = "lane_drops",
     .kind = LS_FIELD_LIST,
     .min = 0,
     .max = LS_MAX_LANE_ENDS,
     .def = 0,
     .offset = offsetof(ls_scenario, lane_drops),
     .aux = offsetof(ls_scenario, lane_drop_count),
     .sub = &LANE_END_SCHEMA,
     .doc = "lanes that end: their traffic must merge"},
    {.name = "lane_adds",
     .kind = LS_FIELD_LIST,
     .min = 0,
     .max = LS_MAX_LANE_ENDS,
     .def = 0,
     .offset = offsetof(ls_scenario, lane_adds),
     .aux = offsetof(ls_scenario, lane_add_count),
     .sub = &LANE_END_SCHEMA,
     .doc = "lanes that begin along the road"},
    {.name = "field",
     .kind = LS_FIELD_SECTION,
     .offset = offsetof(ls_scenario, field),
     .sub = &FIELD_SCHEMA,
     .doc = "the space-time speed field and queue lengths"},
    {.name = "strategies",
     .kind = LS_FIELD_LIST,
     .min = 0,
     .max = LS_MAX_STRATEGIES,
     .def = 0,
     .offset = offsetof(ls_scenario, strategies),
     .aux = offsetof(ls_scenario, strategy_count),
     .sub = &STRATEGY_SCHEMA,
     .doc = "commute strategies for `lanesim compare`, followed by probe vehicles"},
    {.name = "probes",
     .kind = LS_FIELD_SECTION,
     .offset = offsetof(ls_scenario, probes),
     .sub = &PROBES_SCHEMA,
     .doc = "when probes depart: one per strategy every `every` from `from` to `to`"},
    {.name = "simulation",
     .kind = LS_FIELD_SECTION,
     .offset = offsetof(ls_scenario, simulation),
     .sub = &SIMULATION_SCHEMA,
     .doc = "duration, warm-up and seed"},
};

const ls_schema ls_scenario_schema = {NULL, ROOT, COUNT(ROOT), sizeof(ls_scenario)};

const ls_field *ls_schema_find(const ls_schema *sch, const char *name, size_t len)
{
    for (size_t i = 0; i < sch->count; i++)
        if (strlen(sch->fields[i].name) == len && memcmp(sch->fields[i].name, name, len) == 0)
            return &sch->fields[i];
    return NULL;
}
