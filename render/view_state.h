/* view_state.h: what the viewer shows and how: camera, run control, selection, panels. */
#ifndef LS_VIEW_STATE_H
#define LS_VIEW_STATE_H

#include <stdint.h>

/* Simulation speed levels, in simulated seconds per real second; the last one (0) means "as fast
 * as it goes". Stepping between levels with [ and ] keeps each jump a readable factor. */
#define LS_SPEED_LEVELS 11
extern const double ls_view_speeds[LS_SPEED_LEVELS];
#define LS_SPEED_MAX_LEVEL (LS_SPEED_LEVELS - 1)

/* Zoom limits of the main view: 2 cm per pixel (a car fills the window) up to the whole road. */
#define LS_MIN_M_PER_PX 0.02

/* The road as the viewer needs it, taken once from ls_world_get_info and the scenario. */
typedef struct ls_road_geom {
    double length_m;     /* m: cells x cell length */
    int lanes;           /* lane index 0 is lane 1, the median lane, drawn at the top */
    int rows;            /* rows of the main view: the lanes, then 0 to 2 rows for ramps */
    double lane_width_m; /* m */
    double cell_m;       /* m per cell */
    int32_t cells;       /* cells per lane */
    int ring;            /* periodic road */
} ls_road_geom;

/* Which panel a mouse drag started on: the drag keeps acting there even if the pointer leaves. */
typedef enum ls_drag_target { LS_DRAG_NONE = 0, LS_DRAG_MAIN, LS_DRAG_OVERVIEW } ls_drag_target;

/* Everything the person controls. Pure data plus the pure functions below, so the tests check the
 * documented behaviour without a window. */
typedef struct ls_view {
    double center_m; /* road position at the horizontal centre of the main view, m */
    double m_per_px; /* horizontal scale of the main view, m per pixel */
    double pan_y;    /* vertical offset of the road in the main view, px (0 = centred) */

    int paused;
    int speed_level;     /* index into ls_view_speeds */
    int steps_requested; /* single steps asked for (the viewer does them while paused) */

    uint64_t follow_id;     /* followed vehicle's id, 0 = none */
    uint32_t follow_handle; /* its handle when it was picked (checked against the id) */
    int tracking;           /* the camera keeps the followed vehicle centred */
    /* A probe is followed by its index into ls_world_probe_results, not only by its vehicle: it
     * may still wait to enter, and the two legs of an exit_reenter trip are two vehicles. */
    int follow_probe;    /* -1: the followed vehicle (if any) is no probe */
    int follow_strategy; /* follow this strategy's probes one after another, -1: none */
    double chase_from_s; /* s: with follow_strategy, the next probe is the first to depart at or
                            after this time (the previous one's finish) */
    int probe_jump;      /* +1 / -1: the next / previous probe was asked for (N, Shift+N) */

    int st_lane; /* lane of the space-time diagram, 0-based */
    int show_help, show_side, show_overview, show_spacetime;

    int win_w, win_h; /* drawable size in pixels */
    int quit, screenshot_requested;

    ls_drag_target drag;
    int drag_moved, drag_x, drag_y, press_x, press_y;
} ls_view;

/* Starts with every panel shown, running at real time, the main view showing about 1 km from the
 * start of the road (or the whole road when it is shorter). */
void ls_view_init(ls_view *v, const ls_road_geom *g, int win_w, int win_h);

double ls_view_speed(const ls_view *v); /* sim s per real s; 0 = as fast as it goes */
void ls_view_faster(ls_view *v);
void ls_view_slower(ls_view *v);
/* The level closest to `factor` (0 or anything past the top: as fast as it goes). */
void ls_view_set_speed(ls_view *v, double factor);
void ls_view_toggle_pause(ls_view *v);
void ls_view_request_step(ls_view *v); /* pauses, then asks for one step */

/* Camera: main_w is the main view's width in pixels. Every change is clamped so that the view
 * stays over the road and between the zoom limits. */
double ls_view_max_m_per_px(const ls_road_geom *g, int main_w);
void ls_view_clamp(ls_view *v, const ls_road_geom *g, int main_w);
/* Zooms by `factor` (> 1 zooms in) keeping the road position under pixel offset `px` (from the
 * main view's left edge) where it is. */
void ls_view_zoom_at(ls_view *v, const ls_road_geom *g, int main_w, double factor, double px);
void ls_view_pan_px(ls_view *v, const ls_road_geom *g, int main_w, double dx, double dy);
void ls_view_fit(ls_view *v, const ls_road_geom *g, int main_w);
void ls_view_show_span(ls_view *v, const ls_road_geom *g, int main_w, double center_m,
                       double span_m);

/* Follows one vehicle (not as a probe: the caller sets follow_probe for one). */
void ls_view_follow(ls_view *v, uint64_t id, uint32_t handle);
/* Follows probe `probe` (its vehicle is looked up when it is on the road). */
void ls_view_follow_probe(ls_view *v, int probe);
/* Follows the probes of `strategy` one after another, from the first to depart at or after t_s. */
void ls_view_follow_strategy(ls_view *v, int strategy, double t_s);
void ls_view_unfollow(ls_view *v);
void ls_view_next_lane(ls_view *v, const ls_road_geom *g, int step); /* +1 or -1, wraps */

#endif
