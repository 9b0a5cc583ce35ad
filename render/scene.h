/* scene.h: the simulation as the viewer sees it: the world, what is derived from it, stepping. */
#ifndef LS_SCENE_H
#define LS_SCENE_H

#include <stddef.h>
#include <stdint.h>

#include "lanesim/lanesim.h"
#include "palette.h"
#include "spacetime.h"
#include "view_state.h"

/* A vehicle is drawn as a truck when its length on the grid (standstill gap included) is at least
 * this: a car with its gap is 7.5 m, a truck 12 m or more. Type names are free text ("hov",
 * "bus") and not a reliable sign; the length is also in the lane arrays, so no look-up is needed.
 */
#define LS_TRUCK_MIN_LENGTH_M 10.0

/* The newest aggregation period of one loop (one detector in one lane), from the engine's
 * detector records: the same numbers as detectors.csv. */
typedef struct ls_loop_reading {
    int valid;        /* a period has closed */
    double end_s;     /* s: end of that period */
    uint32_t count;   /* vehicles in the period */
    double flow_vph;  /* veh/h */
    double speed_kmh; /* km/h, time-mean; meaningless when count = 0 */
} ls_loop_reading;

/* A ramp as the main view draws it. An on-ramp is a lane of its own (the world's lane index
 * `lane`, cells aligned with the mainline's): its road from `from_m` to the gore, drawn in the
 * lower ramp row, then its acceleration lane beside the rightmost lane up to `to_m`. An
 * off-ramp is drawn as a short exit lane from its diverge point. */
typedef struct ls_ramp_geom {
    const char *name;
    int on;   /* 1: on-ramp, 0: off-ramp */
    int lane; /* on-ramp: the world's lane index; off-ramp: -1 */
    double from_m, gore_m, to_m;
} ls_ramp_geom;

#define LS_EXIT_DRAWN_M 150.0 /* how much of an off-ramp is drawn */

/* A probe vehicle on the road (or the see-through copy of one crossing lanes), as the lane
 * arrays had it after the last step. */
typedef struct ls_probe_mark {
    uint32_t handle;        /* with LS_HANDLE_GHOST for the copy */
    int lane;               /* the world's lane index */
    int32_t front;          /* cell of its front */
    uint16_t speed, length; /* cells/step, cells */
    int strategy;           /* index into the scenario's strategies */
    int probe;              /* index into ls_world_probe_results */
} ls_probe_mark;

typedef struct ls_probe_marks {
    ls_probe_mark *mark;
    int n, cap;
    int64_t step; /* the world's step they were taken at; -1: never */
} ls_probe_marks;

typedef struct ls_scene {
    ls_world *world; /* stepped by the viewer, otherwise only read; not owned */
    ls_scenario sc;
    ls_world_info info;
    ls_road_geom geom;
    double mps_per_cell; /* m/s of a speed of 1 cell per step */
    double top_cells;    /* cells/step at the green end of the scale: the fastest vmax possible */
    int max_len_cells;   /* longest vehicle type, cells */
    int min_len_cells;   /* shortest vehicle type, cells */
    int max_speed_cells; /* fastest vmax, cells/step (bounds how far a vehicle moves in a step) */
    ls_speed_unit unit;  /* of every speed label */
    uint32_t speed_argb[256]; /* the speed scale in 256 steps as ARGB pixels, for the rasters */
    double day_start_s;     /* time of day at t = 0, s after midnight; < 0: the scenario has none */
    ls_loop_reading *loops; /* [detector * lanes + lane] */
    size_t records_seen;    /* detector records already read (the viewer never clears them) */
    ls_spacetime st;
    double alpha; /* the picture between the previous step (0) and the current state (1) */
    ls_trip gone; /* the trip of a followed vehicle that has left the road (gone.id = 0: none) */
    int ramp_count;
    ls_ramp_geom ramps[LS_MAX_RAMPS];
    int all_lanes;        /* mainline lanes and on-ramp lanes, as ls_world_lane numbers them */
    int probes_on;        /* the world's probes are on (lanesim view --probes): marked and listed */
    ls_probe_marks marks; /* refreshed by ls_probe_marks_update (probe_view.h) */
} ls_scene;

/* Builds the derived data of a world created from `sc`. 0, or -1 with a message. */
int ls_scene_init(ls_scene *s, ls_world *w, const ls_scenario *sc, char *err, size_t err_size);
void ls_scene_free(ls_scene *s);

/* One step of the world, then the space-time sample and the detector readings it brings. */
ls_status ls_scene_step(ls_scene *s);
/* Steps until the simulated time reaches t_s (or the end of the simulation). */
ls_status ls_scene_run_to(ls_scene *s, double t_s);

/* Where to draw a vehicle's front cell at the picture's instant: between its cell before the last
 * step (front - speed: a vehicle moves exactly its speed) and its cell now. */
double ls_scene_draw_front(const ls_scene *s, int32_t front, uint16_t speed);
int ls_scene_is_truck(const ls_scene *s, int length_cells);

/* Where lanes are. A mainline lane exists except past its lane drop or before its lane add; an
 * on-ramp lane from where its traffic appears to the end of its acceleration lane. */
int ls_scene_lane_exists(const ls_scene *s, int lane, double m);
/* The row of the main view a vehicle of `lane` with its front at m is drawn in. */
int ls_scene_row_of(const ls_scene *s, int lane, double m);
/* The on-ramp whose lane this is, or NULL for a mainline lane. */
const ls_ramp_geom *ls_scene_ramp_of_lane(const ls_scene *s, int lane);
/* ARGB pixel of a speed in cells/step (the scale in 256 steps: finer than the eye can tell). */
uint32_t ls_scene_speed_argb(const ls_scene *s, double speed_cells);
double ls_scene_speed_fraction(const ls_scene *s, double speed_cells);
double ls_scene_speed_in_unit(const ls_scene *s, double mps);

/* Finds a vehicle by id, using the handle it had when picked (handles stay with a vehicle for as
 * long as it is on the road or queued). 0 and *out filled, or -1 when it has gone. */
int ls_scene_vehicle(const ls_scene *s, uint64_t id, uint32_t handle, ls_vehicle_info *out);
/* The finished trip of a vehicle that has left (searched once, newest trips first). */
const ls_trip *ls_scene_trip_of(ls_scene *s, uint64_t id);

/* "1:02:03" from seconds; with a time of day, "07:32:03". */
void ls_format_clock(char *buf, size_t size, double t_s);

#endif
