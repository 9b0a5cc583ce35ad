/* viewer.h: the viewer: a window on a running world, its frame loop and its screenshots. */
#ifndef LS_VIEWER_H
#define LS_VIEWER_H

#include <stddef.h>

#include <SDL.h>

#include "draw.h"
#include "scene.h"
#include "text.h"
#include "view_state.h"

#define LS_VIEW_FPS 60 /* frames per second the loop aims at */

/* Time one frame took, for --stats and docs/performance.md. */
typedef struct ls_frame_time {
    float work_ms; /* events, simulation, drawing and present: everything but the wait */
    float draw_ms; /* drawing and present alone */
} ls_frame_time;

typedef struct ls_frame_summary {
    long frames;
    double mean_ms, median_ms, p95_ms, max_ms; /* of work_ms */
    double draw_mean_ms;
    double fps;         /* frames per wall-clock second over the run */
    double sim_s;       /* simulated seconds advanced during the run */
    double real_factor; /* simulated seconds per wall-clock second over the run */
} ls_frame_summary;

typedef struct ls_viewer {
    int video; /* holds a reference on SDL's video subsystem */
    SDL_Window *win;
    SDL_Renderer *ren;
    ls_fonts fonts;
    ls_scene scene;
    ls_view view;
    ls_batch batch;
    ls_raster main_raster, ov_raster;
    double acc_s; /* simulated time the simulation owes the clock, < one step after advancing */

    ls_vehicle_info followed; /* this frame's look-up of the followed vehicle */
    int followed_ok;

    char message[600];
    double message_until; /* s (viewer clock) */
    double rate_real0, rate_sim0, achieved;
    double fps_t0, fps;
    long fps_frames;

    ls_frame_time *times;
    long frames, times_cap;
    double run_t0, run_t1;     /* wall clock at the start and end of ls_viewer_run */
    double run_sim0, run_sim1; /* simulated time then */
} ls_viewer;

/* Which of SDL's renderers draws. AUTO takes the GPU's unless GL turns out to be a software
 * rasteriser (Mesa's llvmpipe, as under Xvfb), and then SDL's own software renderer, which is
 * faster there. SDL_RENDER_DRIVER, when set, overrides all three. */
typedef enum ls_renderer_choice {
    LS_RENDER_AUTO = 0,
    LS_RENDER_GPU,
    LS_RENDER_SOFTWARE,
} ls_renderer_choice;

typedef struct ls_viewer_config {
    int width, height; /* window size, pixels */
    ls_renderer_choice renderer;
    /* 1 for a window a person watches and closes: SDL's offscreen and dummy drivers, which SDL
     * falls back to when no display works, are then refused unless SDL_VIDEODRIVER names them. */
    int visible;
    int probes; /* the world's probes are on (ls_world_enable_probes): mark them, follow them */
} ls_viewer_config;

/* 1 when DISPLAY or WAYLAND_DISPLAY names a display server to open windows on. */
int ls_viewer_has_display(void);

/* Opens a resizable window showing world `w` (created from `sc`, which the viewer copies). The
 * world is stepped by the viewer and otherwise only read; the caller still owns it. 0, or -1
 * with a message (no display, no font, ...). */
int ls_viewer_open(ls_viewer *v, ls_world *w, const ls_scenario *sc, const ls_viewer_config *c,
                   char *err, size_t err_size);
void ls_viewer_close(ls_viewer *v);

/* One input event (keys, mouse, window). */
void ls_viewer_event(ls_viewer *v, const SDL_Event *e);

/* Advances the simulation for `real_dt_s` seconds of wall time at the chosen speed, spending at
 * most `budget_s` of wall time stepping. Steps are whole model steps, so the simulation is the
 * same whatever the frame rate; only the picture's interpolation depends on the frame. */
ls_status ls_viewer_advance(ls_viewer *v, double real_dt_s, double budget_s);

/* Draws a frame into the renderer (not presented). */
void ls_viewer_draw(ls_viewer *v);

/* Draws a frame and writes exactly that picture as PNG. 0, or -1 with a message. */
int ls_viewer_screenshot(ls_viewer *v, const char *path, char *err, size_t err_size);

/* The interactive loop until the window is closed (or max_frames frames, if > 0).
 * 0, or -1 with a message when a step fails. */
int ls_viewer_run(ls_viewer *v, long max_frames, char *err, size_t err_size);

ls_frame_summary ls_viewer_summary(const ls_viewer *v);
const char *ls_viewer_renderer_name(const ls_viewer *v); /* "software", "opengl", ... */

/* Seconds on a monotonic clock. */
double ls_viewer_now(void);

#endif
