/* viewer.c: the window, the frame loop with its fixed-step simulation clock, and screenshots. */
#include "viewer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "palette.h"
#include "probe_view.h"
#include "screenshot.h"

#define MIN_W          640
#define MIN_H          420
#define MAX_REAL_DT    0.25  /* s: after a stall the simulation does not race to catch up */
#define MIN_SIM_BUDGET 0.002 /* s of stepping per frame even when drawing is slow */
#define MAX_TIMES      1000000
#define RATE_WINDOW_S  0.5
#define MESSAGE_S      4.0

double ls_viewer_now(void)
{
    return (double)SDL_GetPerformanceCounter() / (double)SDL_GetPerformanceFrequency();
}

/* Mesa's software rasterisers (llvmpipe, softpipe) draw this picture about twice as slowly as
 * SDL's own software renderer writing straight into the window (docs/performance.md), so on a
 * machine without a GPU the viewer uses the latter. */
static int gl_is_software(void)
{
    if (!SDL_GL_GetCurrentContext()) return 0;
    const unsigned char *(*get_string)(unsigned int) = NULL;
    void *fn = SDL_GL_GetProcAddress("glGetString");
    if (!fn) return 0;
    SDL_memcpy(&get_string, &fn, sizeof fn); /* object to function pointer, without a cast */
    const char *name = (const char *)get_string(0x1F01 /* GL_RENDERER */);
    return name && (strstr(name, "llvmpipe") || strstr(name, "softpipe") ||
                    strstr(name, "Software Rasterizer"));
}

static SDL_Renderer *software_renderer(SDL_Window *win)
{
    /* Drawn straight into the window's own framebuffer, not through a GL texture. */
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    return SDL_CreateRenderer(win, -1, SDL_RENDERER_SOFTWARE);
}

/* SDL_RENDER_DRIVER, when set, chooses; otherwise as `choice` says. */
static SDL_Renderer *make_renderer(SDL_Window *win, ls_renderer_choice choice)
{
    const char *forced = SDL_GetHint(SDL_HINT_RENDER_DRIVER);
    if (forced && *forced) return SDL_CreateRenderer(win, -1, 0);
    if (choice == LS_RENDER_SOFTWARE) return software_renderer(win);
    SDL_Renderer *r = SDL_CreateRenderer(win, -1, 0);
    if (!r || choice == LS_RENDER_GPU || !gl_is_software()) return r;
    SDL_DestroyRenderer(r);
    return software_renderer(win);
}

int ls_viewer_has_display(void)
{
    const char *x = getenv("DISPLAY"), *wl = getenv("WAYLAND_DISPLAY");
    return (x && *x) || (wl && *wl);
}

/* SDL 2.26 counts its offscreen driver as always available and falls back to it when no real
 * driver works: a window then opens where nobody can see or close it. */
static int invisible_fallback(const ls_viewer_config *c)
{
    const char *asked = SDL_GetHint(SDL_HINT_VIDEODRIVER);
    const char *drv = SDL_GetCurrentVideoDriver();
    if (!c->visible || (asked && *asked) || !drv) return 0;
    return !strcmp(drv, "offscreen") || !strcmp(drv, "dummy");
}

static void no_window_message(char *err, size_t err_size, const char *why)
{
    const char *x = getenv("DISPLAY"), *wl = getenv("WAYLAND_DISPLAY");
    char where[160];
    if (wl && *wl)
        snprintf(where, sizeof where, "on WAYLAND_DISPLAY=%s%s%s", wl,
                 x && *x ? " or DISPLAY=" : "", x && *x ? x : "");
    else if (x && *x)
        snprintf(where, sizeof where, "on DISPLAY=%s", x);
    else
        snprintf(where, sizeof where, "(no display: DISPLAY and WAYLAND_DISPLAY are not set)");
    snprintf(err, err_size,
             "cannot open a window %s; SDL: %s. Run it on a desktop or under xvfb-run, or write "
             "a picture with --screenshot FILE.png",
             where, why);
}

static int open_window(ls_viewer *v, const ls_viewer_config *c, const char *title, char *err,
                       size_t err_size)
{
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) {
        no_window_message(err, err_size, SDL_GetError());
        return -1;
    }
    v->video = 1;
    if (invisible_fallback(c)) {
        no_window_message(err, err_size, "no video driver but the offscreen one works");
        return -1;
    }
    v->win = SDL_CreateWindow(title, SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, c->width,
                              c->height, SDL_WINDOW_RESIZABLE);
    if (v->win) v->ren = make_renderer(v->win, c->renderer);
    if (!v->win || !v->ren) {
        snprintf(err, err_size, "cannot open a window: %s", SDL_GetError());
        return -1;
    }
    SDL_SetWindowMinimumSize(v->win, MIN_W, MIN_H);
    return 0;
}

int ls_viewer_open(ls_viewer *v, ls_world *w, const ls_scenario *sc, const ls_viewer_config *c,
                   char *err, size_t err_size)
{
    memset(v, 0, sizeof *v);
    char title[LS_NAME_MAX + 32];
    snprintf(title, sizeof title, "lanesim view: %s", sc->name);
    if (ls_scene_init(&v->scene, w, sc, err, err_size) != 0 ||
        open_window(v, c, title, err, err_size) != 0 ||
        ls_fonts_open(&v->fonts, v->ren, err, err_size) != 0) {
        ls_viewer_close(v);
        return -1;
    }
    v->scene.probes_on = c->probes;
    int ow, oh;
    SDL_GetRendererOutputSize(v->ren, &ow, &oh);
    ls_view_init(&v->view, &v->scene.geom, ow, oh);
    v->rate_real0 = v->fps_t0 = v->run_t0 = ls_viewer_now();
    return 0;
}

void ls_viewer_close(ls_viewer *v)
{
    ls_fonts_close(&v->fonts);
    /* Textures go before their renderer. */
    ls_scene_free(&v->scene);
    ls_raster_free(&v->main_raster);
    ls_raster_free(&v->ov_raster);
    if (v->ren) SDL_DestroyRenderer(v->ren);
    if (v->win) SDL_DestroyWindow(v->win);
    /* Video is counted per viewer, so several can be open; the last one out shuts SDL down. */
    if (v->video) SDL_QuitSubSystem(SDL_INIT_VIDEO);
    if (v->video && !SDL_WasInit(SDL_INIT_EVERYTHING)) SDL_Quit();
    ls_batch_free(&v->batch);
    free(v->times);
    memset(v, 0, sizeof *v);
}

void ls_viewer_event(ls_viewer *v, const SDL_Event *e)
{
    ls_input_event(&v->view, &v->scene, e);
}

static ls_status single_steps(ls_viewer *v)
{
    ls_status st = LS_OK;
    while (v->view.steps_requested > 0 && st == LS_OK && !ls_world_done(v->scene.world)) {
        st = ls_scene_step(&v->scene);
        v->view.steps_requested--;
        v->scene.alpha = 1;
        v->acc_s = 0;
    }
    v->view.steps_requested = 0;
    return st;
}

static ls_status as_fast_as_possible(ls_viewer *v, double deadline)
{
    ls_status st = LS_OK;
    do st = ls_scene_step(&v->scene);
    while (st == LS_OK && !ls_world_done(v->scene.world) && ls_viewer_now() < deadline);
    v->scene.alpha = 1;
    v->acc_s = 0;
    return st;
}

/* Real time times the speed accrues simulated time; whole steps are taken from it. What is left
 * (less than a step) places the picture between the last two states. */
static ls_status paced(ls_viewer *v, double real_dt, double deadline)
{
    double dt = v->scene.info.dt_s;
    v->acc_s += (real_dt < MAX_REAL_DT ? real_dt : MAX_REAL_DT) * ls_view_speed(&v->view);
    ls_status st = LS_OK;
    while (v->acc_s >= dt && st == LS_OK && !ls_world_done(v->scene.world)) {
        if (ls_viewer_now() > deadline) {
            v->acc_s = fmod(v->acc_s, dt); /* cannot keep up: drop the backlog, not the frame */
            break;
        }
        st = ls_scene_step(&v->scene);
        v->acc_s -= dt;
    }
    v->scene.alpha = v->acc_s / dt < 1 ? v->acc_s / dt : 1;
    return st;
}

static void measure_rate(ls_viewer *v)
{
    double now = ls_viewer_now();
    if (now - v->rate_real0 < RATE_WINDOW_S) return;
    double sim = ls_world_time(v->scene.world);
    v->achieved = (sim - v->rate_sim0) / (now - v->rate_real0);
    v->rate_real0 = now;
    v->rate_sim0 = sim;
}

ls_status ls_viewer_advance(ls_viewer *v, double real_dt_s, double budget_s)
{
    ls_status st = LS_OK;
    double deadline = ls_viewer_now() + budget_s;
    if (ls_world_done(v->scene.world)) {
        v->scene.alpha = 1;
        v->view.steps_requested = 0;
    } else if (v->view.paused) {
        st = single_steps(v);
    } else if (ls_view_speed(&v->view) == 0) {
        st = as_fast_as_possible(v, deadline);
    } else {
        st = paced(v, real_dt_s, deadline);
    }
    measure_rate(v);
    return st;
}

static void note(ls_viewer *v, const char *what)
{
    snprintf(v->message, sizeof v->message, "%s", what);
    v->message_until = ls_viewer_now() + MESSAGE_S;
}

/* N or Shift+N was pressed. */
static void probe_jump(ls_viewer *v)
{
    int dir = v->view.probe_jump;
    v->view.probe_jump = 0;
    if (!v->scene.probes_on)
        note(v, "no probes: start lanesim view with --probes");
    else if (ls_probe_jump(&v->scene, &v->view, dir) != 0)
        note(v, "no probe on the road now");
}

/* Looks the followed vehicle up and, while tracking, centres the camera on where it is drawn. */
static void update_follow(ls_viewer *v)
{
    ls_scene *s = &v->scene;
    if (v->view.probe_jump) probe_jump(v);
    ls_probe_follow_update(s, &v->view);
    v->followed_ok =
        ls_scene_vehicle(s, v->view.follow_id, v->view.follow_handle, &v->followed) == 0 &&
        v->followed.lane >= 0;
    if (!v->followed_ok) {
        v->view.tracking = 0;
        return;
    }
    if (!v->view.tracking) return;
    double front = v->followed.front_m - v->followed.speed_mps * s->info.dt_s * (1 - s->alpha);
    if (s->geom.ring && front < 0) front += s->geom.length_m;
    v->view.center_m = front - v->followed.length_m / 2;
    ls_view_clamp(&v->view, &s->geom, v->view.win_w);
}

static void update_fps(ls_viewer *v)
{
    double now = ls_viewer_now();
    v->fps_frames++;
    if (now - v->fps_t0 < 1.0) return;
    v->fps = v->fps_frames / (now - v->fps_t0);
    v->fps_frames = 0;
    v->fps_t0 = now;
}

static void draw_spacetime(ls_viewer *v, const ls_layout *L)
{
    if (!L->spacetime.w) return;
    ls_spacetime_frame fr;
    fr.panel = L->spacetime;
    fr.lane = v->view.st_lane;
    fr.lanes = v->scene.geom.lanes;
    fr.road_m = v->scene.geom.length_m;
    fr.view_from_m = ls_layout_m(L, &v->view, (float)L->main.x);
    fr.view_to_m = ls_layout_m(L, &v->view, (float)(L->main.x + L->main.w));
    ls_spacetime_draw(&v->scene.st, v->ren, &v->fonts, &fr);
}

void ls_viewer_draw(ls_viewer *v)
{
    SDL_GetRendererOutputSize(v->ren, &v->view.win_w, &v->view.win_h);
    ls_view_clamp(&v->view, &v->scene.geom, v->view.win_w);
    update_follow(v);
    ls_layout L = ls_layout_compute(&v->view, &v->scene.geom);
    ls_layout_clamp_pan(&v->view, &L);
    int msg = v->message[0] && ls_viewer_now() < v->message_until;
    ls_draw_ctx d = {.r = v->ren,
                     .fonts = &v->fonts,
                     .scene = &v->scene,
                     .view = &v->view,
                     .L = &L,
                     .batch = &v->batch,
                     .main_raster = &v->main_raster,
                     .ov_raster = &v->ov_raster,
                     .followed = v->followed_ok ? &v->followed : NULL,
                     .message = msg ? v->message : NULL,
                     .achieved = v->achieved,
                     .fps = v->fps};
    ls_set_color(v->ren, ls_col_background);
    SDL_RenderClear(v->ren);
    ls_draw_road(&d);
    ls_draw_vehicles(&d);
    ls_draw_road_labels(&d);
    ls_draw_overview(&d);
    ls_draw_overview_traffic(&d);
    ls_draw_overview_probes(&d);
    ls_draw_overview_marks(&d);
    draw_spacetime(v, &L);
    ls_draw_side(&d);
    ls_draw_status(&d);
    ls_draw_help(&d);
}

int ls_viewer_screenshot(ls_viewer *v, const char *path, char *err, size_t err_size)
{
    ls_viewer_draw(v);
    return ls_screenshot_save(v->ren, path, err, err_size);
}

/* The P key: a file named after the scenario and time, and a note in the status line. */
static void interactive_screenshot(ls_viewer *v)
{
    char path[256], err[512];
    v->view.screenshot_requested = 0;
    ls_screenshot_name(path, sizeof path, v->scene.sc.name, ls_world_time(v->scene.world));
    if (ls_screenshot_save(v->ren, path, err, sizeof err) == 0) {
        snprintf(v->message, sizeof v->message, "saved %s", path);
        fprintf(stderr, "lanesim view: saved %s\n", path);
    } else {
        snprintf(v->message, sizeof v->message, "%s", err);
        fprintf(stderr, "lanesim view: %s\n", err);
    }
    v->message_until = ls_viewer_now() + MESSAGE_S;
}

static void record(ls_viewer *v, double work_s, double draw_s)
{
    if (v->frames >= MAX_TIMES) return;
    if (v->frames == v->times_cap) {
        long cap = v->times_cap ? v->times_cap * 2 : 4096;
        ls_frame_time *t = realloc(v->times, sizeof *t * (size_t)cap);
        if (!t) return;
        v->times = t;
        v->times_cap = cap;
    }
    v->times[v->frames++] = (ls_frame_time){(float)(work_s * 1e3), (float)(draw_s * 1e3)};
}

int ls_viewer_run(ls_viewer *v, long max_frames, char *err, size_t err_size)
{
    const double period = 1.0 / LS_VIEW_FPS;
    double last = ls_viewer_now(), draw_s = 0;
    v->run_t0 = last;
    v->run_sim0 = ls_world_time(v->scene.world);
    for (long frame = 0; !v->view.quit && (max_frames <= 0 || frame < max_frames); frame++) {
        double t0 = ls_viewer_now();
        SDL_Event e;
        while (SDL_PollEvent(&e)) ls_viewer_event(v, &e);
        double budget = period - draw_s - 0.001;
        ls_status st =
            ls_viewer_advance(v, t0 - last, budget > MIN_SIM_BUDGET ? budget : MIN_SIM_BUDGET);
        last = t0;
        if (st != LS_OK) {
            snprintf(err, err_size, "the simulation stopped: %s", ls_status_name(st));
            return -1;
        }
        double d0 = ls_viewer_now();
        ls_viewer_draw(v);
        if (v->view.screenshot_requested) interactive_screenshot(v);
        SDL_RenderPresent(v->ren);
        double t1 = ls_viewer_now();
        draw_s = t1 - d0;
        record(v, t1 - t0, draw_s);
        update_fps(v);
        double wait = t0 + period - ls_viewer_now();
        if (wait > 0.0005) SDL_Delay((Uint32)(wait * 1000));
    }
    v->run_t1 = ls_viewer_now();
    v->run_sim1 = ls_world_time(v->scene.world);
    return 0;
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

const char *ls_viewer_renderer_name(const ls_viewer *v)
{
    SDL_RendererInfo info;
    return v->ren && SDL_GetRendererInfo(v->ren, &info) == 0 ? info.name : "none";
}

ls_frame_summary ls_viewer_summary(const ls_viewer *v)
{
    ls_frame_summary s;
    memset(&s, 0, sizeof s);
    s.frames = v->frames;
    if (!v->frames) return s;
    float *w = malloc(sizeof *w * (size_t)v->frames);
    if (!w) return s;
    double sum = 0, dsum = 0;
    for (long i = 0; i < v->frames; i++) {
        w[i] = v->times[i].work_ms;
        sum += w[i];
        dsum += v->times[i].draw_ms;
    }
    qsort(w, (size_t)v->frames, sizeof *w, cmp_float);
    s.mean_ms = sum / (double)v->frames;
    s.draw_mean_ms = dsum / (double)v->frames;
    s.median_ms = w[v->frames / 2];
    s.p95_ms = w[(long)(0.95 * (double)(v->frames - 1))];
    s.max_ms = w[v->frames - 1];
    double wall = v->run_t1 - v->run_t0;
    s.fps = wall > 0 ? (double)v->frames / wall : 0;
    s.sim_s = v->run_sim1 - v->run_sim0;
    s.real_factor = wall > 0 ? s.sim_s / wall : 0;
    free(w);
    return s;
}
