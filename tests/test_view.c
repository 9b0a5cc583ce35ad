/* test_view.c: the viewer drawn with SDL's offscreen driver: pixels, screenshots, input. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <SDL.h>
#include <SDL_image.h>

#include "input.h"
#include "layout.h"
#include "palette.h"
#include "support.h"
#include "viewer.h"

/* A ring of 100 cells of 7.5 m in two lanes, one-cell cars with vmax 5 cells/step (135 km/h),
 * Newell's deterministic rule: at t = 0 every car stands still; at density 0.1, below the
 * critical 1/6, every car soon drives at vmax. */
static const char ring_yaml[] =
    "name: two-lane ring\n"
    "model: {cell_length: 7.5, dt: 1, rule: newell}\n"
    "road: {length: 750, lanes: 2, ring: true, speed_limit: 135 km/h}\n"
    "vehicles: [{type: car, share: 1, length: 7.5, max_speed: 135 km/h, accel: 7.5}]\n"
    "initial: {density: 0.1}\n"
    "simulation: {duration: 1000, seed: 3}\n";

/* An open road whose demand all goes into lane 1: lane 2 stays empty. */
static const char open_yaml[] =
    "name: one lane used\n"
    "model: {cell_length: 7.5, dt: 1, rule: newell}\n"
    "road: {length: 750, lanes: 2, speed_limit: 135 km/h}\n"
    "vehicles: [{type: car, share: 1, length: 7.5, max_speed: 135 km/h, accel: 7.5}]\n"
    "demand: {mainline: {flow: 900, lane_split: [1, 0], arrivals: regular}}\n"
    "detectors: [{name: mid, at: 400, period: 30}]\n"
    "simulation: {duration: 1000, seed: 3}\n";

typedef struct fixture {
    ls_scenario sc;
    ls_world *world;
    ls_viewer v;
} fixture;

static void headless(void)
{
    setenv("SDL_VIDEODRIVER", "offscreen", 1);
}

static void open_with(fixture *f, const char *yaml, const char *const *sets, int n, int w, int h,
                      ls_renderer_choice renderer)
{
    headless();
    ls_test_scenario(yaml, sets, n, &f->sc);
    ls_diags d;
    ls_diags_clear(&d);
    cr_assert_eq(ls_world_create(&f->sc, &f->world, &d), LS_OK);
    char err[512];
    ls_viewer_config cfg = {w, h, renderer, 0, 0};
    cr_assert_eq(ls_viewer_open(&f->v, f->world, &f->sc, &cfg, err, sizeof err), 0, "%s", err);
}

static void open_scene(fixture *f, const char *yaml, const char *const *sets, int n, int w, int h)
{
    open_with(f, yaml, sets, n, w, h, LS_RENDER_AUTO);
}

/* A 1000 x 700 window on the scenario, run to t seconds and drawn once. */
static void drawn_at(fixture *f, const char *yaml, const char *const *sets, int n, double t)
{
    open_scene(f, yaml, sets, n, 1000, 700);
    cr_assert_eq(ls_scene_run_to(&f->v.scene, t), LS_OK);
    ls_viewer_draw(&f->v);
}

static void close_scene(fixture *f)
{
    ls_viewer_close(&f->v);
    ls_world_destroy(f->world);
}

static SDL_Color pixel(fixture *f, int x, int y)
{
    Uint8 rgb[4] = {0};
    SDL_Rect one = {x, y, 1, 1};
    cr_assert_eq(SDL_RenderReadPixels(f->v.ren, &one, SDL_PIXELFORMAT_RGB24, rgb, 4), 0, "%s",
                 SDL_GetError());
    return (SDL_Color){rgb[0], rgb[1], rgb[2], 255};
}

static int near(SDL_Color a, SDL_Color b)
{
    return abs(a.r - b.r) <= 2 && abs(a.g - b.g) <= 2 && abs(a.b - b.b) <= 2;
}

#define expect_color(got, want, what)                                                              \
    cr_expect(near(got, want), "%s: got %d,%d,%d, expected %d,%d,%d", what, got.r, got.g, got.b,   \
              want.r, want.g, want.b)

/* The centre of each vehicle of a lane that the main view shows, away from the lane numbers. */
typedef struct spot {
    int x, y, speed;
} spot;

static int vehicle_spots(fixture *f, int lane, spot *out, int max)
{
    ls_layout L = ls_layout_compute(&f->v.view, &f->v.scene.geom);
    ls_lane_state ls = ls_world_lane(f->world, lane);
    int n = 0;
    for (int i = 0; i < ls.count && n < max; i++) {
        SDL_FRect rc;
        double front = ls_scene_draw_front(&f->v.scene, ls.front[i], ls.speed[i]);
        if (!ls_vehicle_rect(&f->v.scene, &f->v.view, &L, lane, front, ls.length[i], 0, &rc))
            continue;
        int x = (int)(rc.x + rc.w / 2), y = (int)(rc.y + rc.h / 2);
        if (x < 60 || x > L.main.w - 10 || rc.x < 0) continue;
        out[n++] = (spot){x, y, ls.speed[i]};
    }
    return n;
}

/* ---- pixels of a known scene ---- */

Test(view_pixels, stopped_vehicle_has_the_colour_of_speed_zero)
{
    fixture f;
    open_scene(&f, ring_yaml, NULL, 0, 1000, 700);
    ls_viewer_draw(&f.v);
    spot s[64];
    int n = vehicle_spots(&f, 0, s, 64);
    cr_assert_gt(n, 3, "no vehicle in view");
    SDL_Color zero = ls_speed_color(0);
    for (int i = 0; i < n; i++) {
        cr_assert_eq(s[i].speed, 0);
        expect_color(pixel(&f, s[i].x, s[i].y), zero, "stopped vehicle");
    }
    close_scene(&f);
}

Test(view_pixels, free_flowing_vehicle_has_the_free_flow_colour)
{
    fixture f;
    drawn_at(&f, ring_yaml, NULL, 0, 200);
    spot s[64];
    int n = vehicle_spots(&f, 1, s, 64);
    cr_assert_gt(n, 3, "no vehicle in view");
    SDL_Color top = ls_speed_color(1);
    for (int i = 0; i < n; i++) {
        cr_assert_eq(s[i].speed, 5, "not free flow yet");
        expect_color(pixel(&f, s[i].x, s[i].y), top, "free-flowing vehicle");
    }
    cr_expect(!near(top, ls_speed_color(0)), "the two ends of the scale must differ");
    close_scene(&f);
}

Test(view_pixels, empty_lane_has_the_road_colour)
{
    fixture f;
    drawn_at(&f, open_yaml, NULL, 0, 120);
    cr_assert_eq(ls_world_lane(f.world, 1).count, 0);
    cr_assert_gt(ls_world_lane(f.world, 0).count, 3);
    ls_layout L = ls_layout_compute(&f.v.view, &f.v.scene.geom);
    int y = (int)(L.road_y + 1.5f * L.lane_px);
    /* Away from the lane numbers and from the detector at 400 m. */
    for (int x = 80; x < L.main.w - 10; x += 37) {
        if (fabs(ls_layout_m(&L, &f.v.view, (float)x) - 400) < 15) continue;
        expect_color(pixel(&f, x, y), ls_col_road, "empty lane");
    }
    close_scene(&f);
}

/* Without a GPU the viewer draws with SDL's software renderer (viewer.h); the GL renderer on
 * Mesa must give the same colours. (The sanitizer build sets SDL_RENDER_DRIVER=software, which
 * overrides the choice: see tests/CMakeLists.txt.) */
Test(view_pixels, gl_renderer_gives_the_same_colours)
{
    fixture f;
    open_with(&f, ring_yaml, NULL, 0, 1000, 700, LS_RENDER_GPU);
    const char *forced = getenv("SDL_RENDER_DRIVER");
    if (!forced) cr_expect_str_eq(ls_viewer_renderer_name(&f.v), "opengl");
    ls_viewer_draw(&f.v);
    spot s[64];
    int n = vehicle_spots(&f, 0, s, 64);
    cr_assert_gt(n, 3);
    for (int i = 0; i < n; i++)
        expect_color(pixel(&f, s[i].x, s[i].y), ls_speed_color(0), "stopped, GL");
    ls_layout L = ls_layout_compute(&f.v.view, &f.v.scene.geom);
    expect_color(pixel(&f, 2, L.main.y + L.main.h - 2), ls_col_background, "background, GL");
    close_scene(&f);
}

/* A blockage's closed stretch is the closed colour (or its stripes), never a stopped vehicle,
 * and the space-time history marks it closed. */
Test(view_pixels, closed_stretch_is_drawn_closed)
{
    fixture f;
    const char *sets[] = {"blockages=[{lanes: [2], from: 300, to: 600}]"};
    drawn_at(&f, open_yaml, sets, 1, 30);
    ls_layout L = ls_layout_compute(&f.v.view, &f.v.scene.geom);
    int y = (int)(L.road_y + 1.5f * L.lane_px);
    int closed = 0, hatch = 0;
    for (double m = 320; m < 580; m += 7) {
        SDL_Color c = pixel(&f, (int)ls_layout_x(&L, &f.v.view, m), y);
        closed += near(c, ls_col_closed);
        hatch += near(c, ls_col_closed_hatch);
        cr_expect(near(c, ls_col_closed) || near(c, ls_col_closed_hatch), "at %.0f m: %d,%d,%d", m,
                  c.r, c.g, c.b);
    }
    cr_expect(closed > 0 && hatch > 0, "light with dark stripes");
    int bin = (int)(450 / 7.5 / f.v.scene.st.bin_cells);
    cr_expect_eq(ls_spacetime_at(&f.v.scene.st, 1, 0, bin), -2);
    close_scene(&f);
}

/* An on-ramp's vehicles are drawn in the ramp rows below the road (its road before the gore,
 * its acceleration lane after), a click follows one of them, and a dropped lane has no road. */
Test(view_pixels, ramp_rows_and_a_dropped_lane)
{
    static const char yaml[] =
        "name: ramp\n"
        "model: {cell_length: 7.5, dt: 1, rule: newell}\n"
        "road: {length: 900, lanes: 2, speed_limit: 135 km/h}\n"
        "vehicles: [{type: car, share: 1, length: 7.5, max_speed: 135 km/h, accel: 7.5}]\n"
        "ramps: [{name: in, kind: on, at: 450, length: 200, approach: 300, flow: 1800}]\n"
        "lane_change: {enabled: true}\n"
        "lane_drops: [{lane: 1, at: 800}]\n"
        "simulation: {duration: 1000, seed: 3}\n";
    fixture f;
    open_scene(&f, yaml, NULL, 0, 1000, 700);
    cr_assert_eq(f.v.scene.geom.rows, 4, "two lanes and two ramp rows");
    cr_assert_eq(ls_scene_run_to(&f.v.scene, 40), LS_OK);
    ls_viewer_draw(&f.v);
    int lane = f.v.scene.ramps[0].lane;
    cr_assert_eq(lane, 2);
    ls_layout L = ls_layout_compute(&f.v.view, &f.v.scene.geom);
    ls_lane_state ls = ls_world_lane(f.world, lane);
    cr_assert_gt(ls.count, 1, "no vehicle on the ramp");
    int rows_seen[2] = {0, 0}, checked = 0;
    for (int i = 0; i < ls.count; i++) {
        if (ls.handle[i] & LS_HANDLE_OBSTACLE) continue;
        SDL_FRect rc;
        if (!ls_vehicle_rect(&f.v.scene, &f.v.view, &L, lane, ls.front[i], ls.length[i], 0, &rc))
            continue;
        int row = (int)((rc.y + rc.h / 2 - L.road_y) / L.lane_px);
        double m = (ls.front[i] + 1) * 7.5;
        cr_expect_eq(row, m < 450 ? 3 : 2, "vehicle at %.0f m in row %d", m, row);
        rows_seen[row - 2]++;
        expect_color(pixel(&f, (int)(rc.x + rc.w / 2), (int)(rc.y + rc.h / 2)),
                     ls_speed_color(ls.speed[i] / 5.0), "ramp vehicle");
        checked++;
    }
    cr_expect_gt(checked, 1);
    cr_expect(rows_seen[1] > 0, "none on the ramp's road");
    /* Lane 1 ends at 800 m: beyond it there is no pavement. */
    int y = (int)(L.road_y + 0.5f * L.lane_px);
    expect_color(pixel(&f, (int)ls_layout_x(&L, &f.v.view, 850), y), ls_col_background,
                 "past the lane drop");
    expect_color(pixel(&f, (int)ls_layout_x(&L, &f.v.view, 700), y + 3), ls_col_road,
                 "before the lane drop");
    close_scene(&f);
}

/* Zoomed out, vehicles are drawn as raster rows: the same colours must come out. */
Test(view_pixels, zoomed_out_rows_keep_the_colours)
{
    fixture f;
    const char *sets[] = {"road.length=15000"};
    open_scene(&f, ring_yaml, sets, 1, 1000, 700);
    ls_view_fit(&f.v.view, &f.v.scene.geom, f.v.view.win_w);
    ls_viewer_draw(&f.v);
    cr_assert_lt(7.5 / f.v.view.m_per_px, LS_RASTER_BELOW_PX, "not zoomed out enough");
    spot s[64];
    int n = vehicle_spots(&f, 0, s, 64);
    cr_assert_gt(n, 3);
    for (int i = 0; i < n; i++)
        expect_color(pixel(&f, s[i].x, s[i].y), ls_speed_color(0), "stopped, zoomed out");
    close_scene(&f);
}

/* ---- screenshots ---- */

static int distinct_colours(SDL_Surface *s, int limit)
{
    Uint32 seen[64];
    int n = 0;
    SDL_LockSurface(s);
    for (int y = 0; y < s->h && n < limit; y += 3)
        for (int x = 0; x < s->w && n < limit; x += 3) {
            Uint8 *p = (Uint8 *)s->pixels + y * s->pitch + x * s->format->BytesPerPixel;
            Uint32 c = (Uint32)p[0] << 16 | (Uint32)p[1] << 8 | p[2];
            int k = 0;
            while (k < n && seen[k] != c) k++;
            if (k == n) seen[n++] = c;
        }
    SDL_UnlockSurface(s);
    return n;
}

/* A valid PNG of the given size with more than a few colours in it. */
static void check_png(const char *path, int w, int h)
{
    SDL_Surface *s = IMG_Load(path);
    cr_assert_not_null(s, "not a PNG: %s", IMG_GetError());
    cr_expect_eq(s->w, w);
    cr_expect_eq(s->h, h);
    cr_expect_geq(distinct_colours(s, 40), 40, "the picture is (nearly) one colour");
    SDL_FreeSurface(s);
    unlink(path);
}

Test(view_screenshot, command_writes_a_png_of_the_window_size)
{
    char path[64], cmd[4096], *out, *err;
    snprintf(path, sizeof path, "/tmp/lstest-view-%ld.png", (long)getpid());
    snprintf(cmd, sizeof cmd,
             "SDL_VIDEODRIVER=offscreen %s view %s --screenshot %s --at 120 --size 900x600",
             ls_test_cli(), ls_test_src("scenarios/ring-2lane.yaml"), path);
    cr_assert_eq(ls_test_run(cmd, &out, &err), 0, "stderr: %s", err);
    free(out), free(err);
    check_png(path, 900, 600);
}

/* The same command under a real X server, as on a desktop (tools/setup.sh installs Xvfb). */
Test(view_screenshot, works_under_xvfb)
{
    cr_assert_eq(system("command -v xvfb-run >/dev/null"), 0,
                 "xvfb-run is missing: tools/setup.sh installs xvfb and xauth");
    char path[64], cmd[4096], *out, *err;
    snprintf(path, sizeof path, "/tmp/lstest-xvfb-%ld.png", (long)getpid());
    snprintf(cmd, sizeof cmd,
             "env -u SDL_VIDEODRIVER xvfb-run -a -s '-screen 0 1280x1024x24' %s view %s "
             "--screenshot %s --at 60 --size 700x500",
             ls_test_cli(), ls_test_src("scenarios/highway-4lane.yaml"), path);
    cr_assert_eq(ls_test_run(cmd, &out, &err), 0, "stderr: %s", err);
    free(out), free(err);
    check_png(path, 700, 500);
}

/* The file holds exactly the picture in the renderer. */
Test(view_screenshot, file_matches_the_window)
{
    fixture f;
    open_scene(&f, ring_yaml, NULL, 0, 800, 500);
    cr_assert_eq(ls_scene_run_to(&f.v.scene, 30), LS_OK);
    char path[64], err[512];
    snprintf(path, sizeof path, "/tmp/lstest-view-%ld.png", (long)getpid());
    cr_assert_eq(ls_viewer_screenshot(&f.v, path, err, sizeof err), 0, "%s", err);
    SDL_Surface *png = IMG_Load(path);
    cr_assert_not_null(png);
    SDL_Surface *rgb = SDL_ConvertSurfaceFormat(png, SDL_PIXELFORMAT_RGB24, 0);
    cr_assert_eq(rgb->w, 800);
    cr_assert_eq(rgb->h, 500);
    int mismatches = 0;
    for (int y = 0; y < rgb->h; y += 7)
        for (int x = 0; x < rgb->w; x += 7) {
            Uint8 *p = (Uint8 *)rgb->pixels + y * rgb->pitch + 3 * x;
            SDL_Color w = pixel(&f, x, y);
            mismatches += p[0] != w.r || p[1] != w.g || p[2] != w.b;
        }
    cr_expect_eq(mismatches, 0);
    SDL_FreeSurface(rgb);
    SDL_FreeSurface(png);
    unlink(path);
    close_scene(&f);
}

/* ---- input ---- */

static void push_key(SDL_Keycode k, Uint16 mod)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_KEYDOWN;
    e.key.state = SDL_PRESSED;
    e.key.keysym.sym = k;
    e.key.keysym.mod = mod;
    SDL_PushEvent(&e);
}

static void push_button(Uint32 type, int x, int y)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = type;
    e.button.button = SDL_BUTTON_LEFT;
    e.button.state = type == SDL_MOUSEBUTTONDOWN ? SDL_PRESSED : SDL_RELEASED;
    e.button.x = x;
    e.button.y = y;
    SDL_PushEvent(&e);
}

static void push_motion(int x, int y)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_MOUSEMOTION;
    e.motion.x = x;
    e.motion.y = y;
    e.motion.state = SDL_BUTTON_LMASK;
    SDL_PushEvent(&e);
}

static void push_wheel(int notches, int x, int y)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_MOUSEWHEEL;
    e.wheel.y = notches;
    e.wheel.direction = SDL_MOUSEWHEEL_NORMAL;
#if SDL_VERSION_ATLEAST(2, 26, 0)
    e.wheel.mouseX = x;
    e.wheel.mouseY = y;
#else
    SDL_WarpMouseInWindow(NULL, x, y);
#endif
    SDL_PushEvent(&e);
}

static void pump(fixture *f)
{
    SDL_Event e;
    while (SDL_PollEvent(&e)) ls_viewer_event(&f->v, &e);
}

Test(view_input, keys_pause_step_and_pace)
{
    fixture f;
    open_scene(&f, ring_yaml, NULL, 0, 1000, 700);
    pump(&f);
    cr_assert_eq(f.v.view.paused, 0);
    push_key(SDLK_SPACE, 0);
    pump(&f);
    cr_expect_eq(f.v.view.paused, 1);
    push_key(SDLK_SPACE, 0);
    pump(&f);
    cr_expect_eq(f.v.view.paused, 0);
    push_key(SDLK_RIGHTBRACKET, 0);
    push_key(SDLK_RIGHTBRACKET, 0);
    pump(&f);
    cr_expect_eq(ls_view_speed(&f.v.view), 5);
    push_key(SDLK_LEFTBRACKET, 0);
    pump(&f);
    cr_expect_eq(ls_view_speed(&f.v.view), 2);
    push_key(SDLK_m, 0);
    pump(&f);
    cr_expect_eq(ls_view_speed(&f.v.view), 0, "M: as fast as it goes");
    push_key(SDLK_r, 0);
    pump(&f);
    cr_expect_eq(ls_view_speed(&f.v.view), 1, "R: real time");
    /* S pauses and does exactly one step, whatever time passes. */
    push_key(SDLK_s, 0);
    pump(&f);
    cr_expect_eq(f.v.view.paused, 1);
    cr_assert_eq(ls_viewer_advance(&f.v, 5.0, 1.0), LS_OK);
    cr_expect_eq(ls_world_step_index(f.world), 1);
    cr_assert_eq(ls_viewer_advance(&f.v, 5.0, 1.0), LS_OK);
    cr_expect_eq(ls_world_step_index(f.world), 1, "paused: no more steps");
    close_scene(&f);
}

Test(view_input, wheel_zooms_about_the_pointer_and_keys_zoom_and_fit)
{
    fixture f;
    const char *sets[] = {"road.length=6000"};
    open_scene(&f, ring_yaml, sets, 1, 1000, 700);
    ls_layout L = ls_layout_compute(&f.v.view, &f.v.scene.geom);
    int x = 700, y = L.main.y + L.main.h / 2;
    double under = ls_layout_m(&L, &f.v.view, (float)x), mpp = f.v.view.m_per_px;
    push_wheel(1, x, y);
    pump(&f);
    cr_expect(fabs(f.v.view.m_per_px - mpp / 1.25) < 1e-9, "one notch zooms in 1.25 times");
    L = ls_layout_compute(&f.v.view, &f.v.scene.geom);
    cr_expect(fabs(ls_layout_m(&L, &f.v.view, (float)x) - under) < 1e-6,
              "the point under the pointer stays");
    push_key(SDLK_MINUS, 0);
    push_key(SDLK_MINUS, 0);
    pump(&f);
    cr_expect(fabs(f.v.view.m_per_px - mpp * 1.25) < 1e-9);
    push_key(SDLK_f, 0);
    pump(&f);
    cr_expect(fabs(f.v.view.m_per_px - 6000.0 / 1000) < 1e-9, "F fits the whole road");
    cr_expect(fabs(f.v.view.center_m - 3000) < 1e-9);
    close_scene(&f);
}

Test(view_input, drag_pans_and_overview_click_jumps)
{
    fixture f;
    const char *sets[] = {"road.length=6000"};
    open_scene(&f, ring_yaml, sets, 1, 1000, 700);
    ls_view_show_span(&f.v.view, &f.v.scene.geom, 1000, 3000, 1000);
    ls_layout L = ls_layout_compute(&f.v.view, &f.v.scene.geom);
    int y = L.main.y + 4;
    double c0 = f.v.view.center_m, mpp = f.v.view.m_per_px;
    push_button(SDL_MOUSEBUTTONDOWN, 500, y);
    push_motion(450, y);
    push_motion(400, y);
    push_button(SDL_MOUSEBUTTONUP, 400, y);
    pump(&f);
    cr_expect(fabs(f.v.view.center_m - (c0 + 100 * mpp)) < 1e-6, "dragging left moves along");
    cr_expect_eq(f.v.view.follow_id, 0, "a drag is not a click");
    int ox = (int)ls_layout_ov_x(&L, &f.v.scene.geom, 4500);
    push_button(SDL_MOUSEBUTTONDOWN, ox, L.overview.y + L.overview.h / 2);
    push_button(SDL_MOUSEBUTTONUP, ox, L.overview.y + L.overview.h / 2);
    pump(&f);
    cr_expect(fabs(f.v.view.center_m - 4500) < 6000.0 / L.ov_w + 1e-6,
              "a click on the overview centres the main view there");
    close_scene(&f);
}

Test(view_input, click_follows_a_vehicle_and_the_road_unfollows)
{
    fixture f;
    const char *sets[] = {"road.length=3000"};
    drawn_at(&f, open_yaml, sets, 1, 60);
    spot s[8];
    cr_assert_gt(vehicle_spots(&f, 0, s, 8), 0);
    push_button(SDL_MOUSEBUTTONDOWN, s[0].x, s[0].y);
    push_button(SDL_MOUSEBUTTONUP, s[0].x, s[0].y);
    pump(&f);
    cr_assert_neq(f.v.view.follow_id, 0, "the click did not pick the vehicle");
    ls_vehicle_info info;
    cr_assert_eq(ls_world_vehicle(f.world, f.v.view.follow_handle, &info), LS_OK);
    cr_expect_eq(info.id, f.v.view.follow_id);
    cr_expect_eq(info.lane, 0);
    cr_expect_eq(f.v.view.tracking, 1);
    /* The camera keeps the followed vehicle in the middle as it drives on (held half a view
     * from the road's ends). */
    for (int i = 0; i < 20; i++) cr_assert_eq(ls_scene_step(&f.v.scene), LS_OK);
    ls_viewer_draw(&f.v);
    cr_assert_eq(ls_world_vehicle(f.world, f.v.view.follow_handle, &info), LS_OK);
    double want = info.front_m - info.length_m / 2, half = f.v.view.m_per_px * 500;
    want = want < half ? half : want > 3000 - half ? 3000 - half : want;
    cr_expect(fabs(f.v.view.center_m - want) < 1e-6, "camera at %g, vehicle at %g",
              f.v.view.center_m, want);
    cr_expect(want > half, "the vehicle should have driven past the first half view");
    ls_layout L = ls_layout_compute(&f.v.view, &f.v.scene.geom);
    int y2 = (int)(L.road_y + 1.5f * L.lane_px);
    push_button(SDL_MOUSEBUTTONDOWN, 500, y2);
    push_button(SDL_MOUSEBUTTONUP, 500, y2);
    pump(&f);
    cr_expect_eq(f.v.view.follow_id, 0, "a click on the empty lane unfollows");
    close_scene(&f);
}

/* Vehicles on an on-ramp can be followed like any other. */
Test(view_input, click_follows_a_vehicle_on_a_ramp)
{
    static const char yaml[] =
        "name: ramp\n"
        "model: {cell_length: 7.5, dt: 1, rule: newell}\n"
        "road: {length: 900, lanes: 2, speed_limit: 135 km/h}\n"
        "vehicles: [{type: car, share: 1, length: 7.5, max_speed: 135 km/h, accel: 7.5}]\n"
        "ramps: [{name: in, kind: on, at: 450, length: 200, approach: 300, flow: 1800}]\n"
        "lane_change: {enabled: true}\n"
        "simulation: {duration: 1000, seed: 3}\n";
    fixture f;
    drawn_at(&f, yaml, NULL, 0, 40);
    ls_layout L = ls_layout_compute(&f.v.view, &f.v.scene.geom);
    ls_lane_state ls = ls_world_lane(f.world, 2);
    int i = ls.count - 1;
    while (i >= 0 && (ls.handle[i] & LS_HANDLE_OBSTACLE)) i--;
    cr_assert_geq(i, 0);
    SDL_FRect rc;
    cr_assert(ls_vehicle_rect(&f.v.scene, &f.v.view, &L, 2, ls.front[i], ls.length[i], 0, &rc));
    push_button(SDL_MOUSEBUTTONDOWN, (int)(rc.x + rc.w / 2), (int)(rc.y + rc.h / 2));
    push_button(SDL_MOUSEBUTTONUP, (int)(rc.x + rc.w / 2), (int)(rc.y + rc.h / 2));
    pump(&f);
    ls_vehicle_info info;
    cr_assert_eq(ls_world_vehicle(f.world, ls.handle[i], &info), LS_OK);
    cr_expect_eq(f.v.view.follow_id, info.id);
    cr_expect_eq(info.lane, 2);
    close_scene(&f);
}

Test(view_input, panels_help_lane_screenshot_and_quit)
{
    fixture f;
    open_scene(&f, ring_yaml, NULL, 0, 1000, 700);
    push_key(SDLK_l, 0);
    pump(&f);
    cr_expect_eq(f.v.view.st_lane, 1);
    push_key(SDLK_l, 0);
    pump(&f);
    cr_expect_eq(f.v.view.st_lane, 0, "wraps round");
    push_key(SDLK_l, KMOD_LSHIFT);
    pump(&f);
    cr_expect_eq(f.v.view.st_lane, 1, "Shift+L goes back");
    push_key(SDLK_h, 0);
    push_key(SDLK_o, 0);
    push_key(SDLK_d, 0);
    pump(&f);
    cr_expect(!f.v.view.show_side && !f.v.view.show_overview && !f.v.view.show_spacetime);
    ls_layout L = ls_layout_compute(&f.v.view, &f.v.scene.geom);
    cr_expect(!L.side.w && !L.overview.w && !L.spacetime.w, "hidden panels take no room");
    push_key(SDLK_p, 0);
    pump(&f);
    cr_expect_eq(f.v.view.screenshot_requested, 1);
    push_key(SDLK_SLASH, KMOD_LSHIFT);
    pump(&f);
    cr_expect_eq(f.v.view.show_help, 1, "? shows the keys");
    push_key(SDLK_ESCAPE, 0);
    pump(&f);
    cr_expect(!f.v.view.show_help && !f.v.view.quit, "Esc first closes the help");
    push_key(SDLK_F1, 0);
    pump(&f);
    cr_expect_eq(f.v.view.show_help, 1);
    push_key(SDLK_ESCAPE, 0);
    push_key(SDLK_ESCAPE, 0);
    pump(&f);
    cr_expect_eq(f.v.view.quit, 1);
    close_scene(&f);
}

Test(view_input, resize_and_close)
{
    fixture f;
    open_scene(&f, ring_yaml, NULL, 0, 1000, 700);
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_WINDOWEVENT;
    e.window.event = SDL_WINDOWEVENT_SIZE_CHANGED;
    e.window.data1 = 1400;
    e.window.data2 = 900;
    SDL_PushEvent(&e);
    pump(&f);
    cr_expect_eq(f.v.view.win_w, 1400);
    cr_expect_eq(f.v.view.win_h, 900);
    cr_expect_eq(ls_layout_compute(&f.v.view, &f.v.scene.geom).main.w, 1400);
    memset(&e, 0, sizeof e);
    e.type = SDL_QUIT;
    SDL_PushEvent(&e);
    pump(&f);
    cr_expect_eq(f.v.view.quit, 1);
    close_scene(&f);
}

/* ---- the simulation is the simulation ---- */

/* Frames only decide when steps happen, never what they do: one long frame or a hundred short
 * ones give the same world as stepping it directly. */
Test(view_sim, steps_do_not_depend_on_frames_and_the_viewer_changes_nothing)
{
    fixture a, b;
    open_scene(&a, ring_yaml, NULL, 0, 800, 500);
    open_scene(&b, ring_yaml, NULL, 0, 800, 500);
    ls_view_set_speed(&a.v.view, 10);
    ls_view_set_speed(&b.v.view, 10);
    /* a: eight long frames (a quarter second is the most one frame counts) and a short one. */
    for (int i = 0; i < 8; i++) cr_assert_eq(ls_viewer_advance(&a.v, 0.25, 10.0), LS_OK);
    cr_assert_eq(ls_viewer_advance(&a.v, 0.01, 10.0), LS_OK);
    for (int i = 0; i < 201; i++) {
        cr_assert_eq(ls_viewer_advance(&b.v, 0.01, 10.0), LS_OK);
        if (i % 20 == 0) ls_viewer_draw(&b.v);
    }
    cr_assert_eq(ls_world_step_index(a.world), 20);
    cr_assert_eq(ls_world_step_index(b.world), 20);
    ls_world *plain;
    ls_diags d;
    ls_diags_clear(&d);
    cr_assert_eq(ls_world_create(&a.sc, &plain, &d), LS_OK);
    for (int i = 0; i < 20; i++) cr_assert_eq(ls_world_step(plain), LS_OK);
    cr_expect_eq(ls_world_state_hash(a.world), ls_world_state_hash(plain));
    cr_expect_eq(ls_world_state_hash(b.world), ls_world_state_hash(plain));
    cr_expect(b.v.scene.alpha > 0 && b.v.scene.alpha < 1, "between steps the picture interpolates");
    ls_world_destroy(plain);
    close_scene(&a);
    close_scene(&b);
}

/* The space-time history records stopped and moving vehicles where they are. */
Test(view_sim, spacetime_history_follows_the_lane)
{
    fixture f;
    open_scene(&f, open_yaml, NULL, 0, 800, 500);
    const ls_spacetime *st = &f.v.scene.st;
    for (int b = 0; b < st->bins; b++) cr_expect_eq(ls_spacetime_at(st, 0, 0, b), -1);
    cr_assert_eq(ls_scene_run_to(&f.v.scene, 100), LS_OK);
    cr_expect_eq(st->written, 101, "one column a second, plus t = 0");
    ls_lane_state ls = ls_world_lane(f.world, 0);
    cr_assert_gt(ls.count, 0);
    int bin = (int)(ls.front[ls.count - 1] / st->bin_cells);
    cr_expect(fabs(ls_spacetime_at(st, 0, 0, bin) - ls.speed[ls.count - 1] / 5.0) < 0.01);
    for (int b = 0; b < st->bins; b++) cr_expect_eq(ls_spacetime_at(st, 1, 0, b), -1);
    close_scene(&f);
}

/* ---- pure parts ---- */

Test(view_logic, speed_scale_is_continuous_and_units_follow_the_scenario)
{
    SDL_Color prev = ls_speed_color(0);
    for (int i = 1; i <= 1000; i++) {
        SDL_Color c = ls_speed_color(i / 1000.0);
        cr_expect(abs(c.r - prev.r) <= 2 && abs(c.g - prev.g) <= 2 && abs(c.b - prev.b) <= 2,
                  "jump at %d", i);
        prev = c;
    }
    cr_expect(near(ls_speed_color(-1), ls_speed_color(0)));
    cr_expect(near(ls_speed_color(7), ls_speed_color(1)));
    cr_expect_eq(ls_speed_unit_guess(104.60736), LS_UNIT_MPH, "65 mph");
    cr_expect_eq(ls_speed_unit_guess(135), LS_UNIT_KMH);
    cr_expect_eq(ls_speed_unit_guess(96.56064), LS_UNIT_MPH, "60 mph");
    cr_expect(fabs(ls_speed_unit_from_mps(LS_UNIT_MPH, 26.8224) - 60) < 1e-9);
}

Test(view_logic, camera_stays_on_the_road_and_between_the_zoom_limits)
{
    ls_road_geom g = {10000, 4, 4, 3.7, 1.5, 6667, 0};
    ls_view v;
    ls_view_init(&v, &g, 1000, 700);
    cr_expect(fabs(v.m_per_px * 1000 - 1000) < 1e-9, "opens on 1 km");
    cr_expect(fabs(v.center_m - 500) < 1e-9, "at the start of the road");
    ls_view_pan_px(&v, &g, 1000, 1e6, 0);
    cr_expect(fabs(v.center_m - 500) < 1e-9, "cannot pan off the start");
    ls_view_zoom_at(&v, &g, 1000, 1e-6, 500);
    cr_expect(fabs(v.m_per_px - 10) < 1e-9, "zooming out stops at the whole road");
    ls_view_zoom_at(&v, &g, 1000, 1e9, 500);
    cr_expect(fabs(v.m_per_px - LS_MIN_M_PER_PX) < 1e-12);
    ls_view_set_speed(&v, 40);
    cr_expect_eq(ls_view_speed(&v), 50);
    for (int i = 0; i < 20; i++) ls_view_faster(&v);
    cr_expect_eq(ls_view_speed(&v), 0, "the top level is as fast as it goes");
    char buf[32];
    ls_format_clock(buf, sizeof buf, 3723);
    cr_expect_str_eq(buf, "1:02:03");
}

/* ---- the command ---- */

Test(view_cli, bad_options_exit_2_and_a_missing_font_exits_1)
{
    char cmd[4096], *out, *err;
    const char *bad[] = {"--at 99999", "--size 10x10", "--units furlongs",
                         "--speed -3", "--lane 9",     "--frames 0"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(cmd, sizeof cmd, "SDL_VIDEODRIVER=offscreen %s view %s %s", ls_test_cli(),
                 ls_test_src("scenarios/ring-2lane.yaml"), bad[i]);
        cr_expect_eq(ls_test_run(cmd, &out, &err), 2, "%s: %s", bad[i], err);
        cr_expect(strncmp(err, "lanesim view: ", 14) == 0, "%s", err);
        free(out), free(err);
    }
    snprintf(cmd, sizeof cmd,
             "LANESIM_FONT=/nonexistent.ttf SDL_VIDEODRIVER=offscreen %s view %s --screenshot "
             "/tmp/lstest-never.png",
             ls_test_cli(), ls_test_src("scenarios/ring-2lane.yaml"));
    cr_expect_eq(ls_test_run(cmd, &out, &err), 1);
    cr_expect(strstr(err, "LANESIM_FONT") != NULL, "%s", err);
    cr_expect_neq(access("/tmp/lstest-never.png", F_OK), 0);
    free(out), free(err);
    snprintf(cmd, sizeof cmd, "%s view --help", ls_test_cli());
    cr_expect_eq(ls_test_run(cmd, &out, &err), 0);
    cr_expect(strstr(out, "--screenshot") != NULL);
    free(out), free(err);
}

/* `lanesim view` runs lanesim-view, so lanesim itself loads no graphics library. */
Test(view_cli, lanesim_itself_does_not_load_sdl)
{
    char cmd[4096], *out, *err;
    snprintf(cmd, sizeof cmd, "ldd %s", ls_test_cli());
    cr_assert_eq(ls_test_run(cmd, &out, &err), 0, "%s", err);
    cr_expect(strstr(out, "libgsl") != NULL, "ldd output: %s", out);
    cr_expect(strstr(out, "SDL") == NULL, "lanesim links SDL: %s", out);
    free(out), free(err);
    snprintf(cmd, sizeof cmd, "%s help view", ls_test_cli());
    cr_expect_eq(ls_test_run(cmd, &out, &err), 0, "%s", err);
    cr_expect(strstr(out, "usage: lanesim view") != NULL);
    free(out), free(err);
}

/* The window's program links the engine and the shared command-line glue only (options,
 * loading, messages, the progress line and the signal flag): none of the lanesim command's own
 * code (sweeps, statistics, writers), cJSON, threads or MPI. */
Test(view_cli, lanesim_view_links_only_the_engine_and_the_glue)
{
    char cmd[4096], *out, *err;
    snprintf(cmd, sizeof cmd, "{ nm %s/lanesim-view && readelf -d %s/lanesim-view; }",
             LS_BINARY_DIR, LS_BINARY_DIR);
    cr_assert_eq(ls_test_run(cmd, &out, &err), 0, "%s", err);
    cr_expect(strstr(out, "ls_cli_load") != NULL, "no symbols to check: %.200s", out);
    const char *never[] = {"ls_sweep",       "ls_summary", "cmp_run_all", "cJSON",
                           "pthread_create", "MPI_",       "libcjson",    "libmpi"};
    for (size_t i = 0; i < sizeof never / sizeof never[0]; i++)
        cr_expect(strstr(out, never[i]) == NULL, "lanesim-view has %s", never[i]);
    free(out), free(err);
}

/* For the tests that count the lines on stderr: the sanitizer build's leak checker otherwise adds
 * its table of the suppressions it used (tests/lsan-graphics.supp). */
#define ONE_LINE_ENV "LSAN_OPTIONS=\"$LSAN_OPTIONS:print_suppressions=0\""

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Runs `lanesim view` on the default scenario with neither display variable nor SDL_VIDEODRIVER
 * set, plus `env_extra`; a hang is cut off after 20 s. Checks what a user without a display must
 * see: exit 1 within a few seconds, and one line saying why. */
static void expect_no_window(const char *env_extra)
{
    char cmd[4096], *out, *err;
    snprintf(cmd, sizeof cmd,
             "env -u DISPLAY -u WAYLAND_DISPLAY -u SDL_VIDEODRIVER %s " ONE_LINE_ENV
             " timeout 20 %s view",
             env_extra, ls_test_cli());
    double t0 = wall_now();
    int rc = ls_test_run(cmd, &out, &err);
    double secs = wall_now() - t0;
    cr_expect_eq(rc, 1, "%s: exit status %d after %.1f s; stderr: %s", env_extra, rc, secs, err);
    cr_expect_lt(secs, 5.0, "%s: took %.1f s", env_extra, secs);
    char *nl = strchr(err, '\n');
    cr_expect(nl && nl[1] == 0, "%s: not one line: %s", env_extra, err);
    cr_expect(strncmp(err, "lanesim view: cannot open a window", 34) == 0, "%s: %s", env_extra,
              err);
    free(out), free(err);
}

/* SDL 2.26 falls back to its offscreen driver when no real one works: the window then exists
 * where nobody sees or closes it, and the viewer used to run on forever. */
Test(view_cli, without_a_display_exits_1_at_once_with_one_line, .timeout = 90)
{
    expect_no_window("-u XDG_RUNTIME_DIR");
    expect_no_window("XDG_RUNTIME_DIR=/tmp");
    /* A display that names no X server: SDL tries it, fails, and would fall back likewise. */
    expect_no_window("XDG_RUNTIME_DIR=/tmp DISPLAY=:271");
}

/* The id of the vehicle whose front is nearest `at_m` in lane index `lane` after `t_s` seconds,
 * found by walking the lanes here rather than through the viewer. */
static uint64_t nearest_vehicle(const char *scenario, double t_s, int lane, double at_m)
{
    ls_scenario sc;
    ls_test_scenario_file(scenario, NULL, 0, &sc);
    ls_world *w = ls_test_world(&sc);
    while (ls_world_time(w) < t_s - 1e-9) cr_assert_eq(ls_world_step(w), LS_OK);
    ls_lane_state ls = ls_world_lane(w, lane);
    uint64_t id = 0;
    double best = INFINITY;
    for (int i = 0; i < ls.count; i++) {
        ls_vehicle_info info;
        if (ls.handle[i] & (LS_HANDLE_GHOST | LS_HANDLE_OBSTACLE)) continue;
        cr_assert_eq(ls_world_vehicle(w, ls.handle[i], &info), LS_OK);
        if (fabs(info.front_m - at_m) < best) best = fabs(info.front_m - at_m), id = info.id;
    }
    ls_world_destroy(w);
    cr_assert_neq(id, 0, "no vehicle in lane %d", lane + 1);
    return id;
}

static char *screenshot_with(const char *follow, const char *path, size_t *len)
{
    char cmd[4096], *out, *err;
    snprintf(cmd, sizeof cmd,
             "SDL_VIDEODRIVER=offscreen %s view %s --at 60 --span 800 --size 800x500 %s "
             "--screenshot %s",
             ls_test_cli(), ls_test_src("scenarios/ring-2lane.yaml"), follow, path);
    cr_assert_eq(ls_test_run(cmd, &out, &err), 0, "%s: %s", follow, err);
    free(out), free(err);
    char *png = ls_test_read(path, len);
    cr_assert_not_null(png);
    unlink(path);
    return png;
}

/* --follow-near M,N draws exactly the picture of --follow with the id of the vehicle nearest M
 * in lane N. */
Test(view_cli, follow_near_follows_the_nearest_vehicle_of_the_lane)
{
    uint64_t id = nearest_vehicle("scenarios/ring-2lane.yaml", 60, 1, 3001.3);
    char by_id[64], path[64];
    snprintf(by_id, sizeof by_id, "--follow %llu", (unsigned long long)id);
    snprintf(path, sizeof path, "/tmp/lstest-near-%ld.png", (long)getpid());
    size_t n1, n2;
    char *a = screenshot_with(by_id, path, &n1);
    char *b = screenshot_with("--follow-near 3001.3,2", path, &n2);
    cr_expect(n1 == n2 && memcmp(a, b, n1) == 0, "--follow-near did not follow vehicle %llu",
              (unsigned long long)id);
    char *c = screenshot_with("", path, &n2);
    cr_expect(n1 != n2 || memcmp(a, c, n1) != 0, "following changes nothing in the picture");
    free(a), free(b), free(c);
}

Test(view_cli, bad_follow_near_exits_2)
{
    const char *yaml = ls_test_temp_file("open", open_yaml);
    char cmd[4096], *out, *err;
    const char *bad[] = {"--follow-near x", "--follow-near 100,", "--follow-near -5",
                         "--follow-near 100,3", "--follow-near 800", "--follow-near 10,0",
                         "--follow-near 1,1.5", "--follow 3 --follow-near 10",
                         /* lane 2 of this road carries no traffic */
                         "--follow-near 400,2 --at 100"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(cmd, sizeof cmd,
                 ONE_LINE_ENV " SDL_VIDEODRIVER=offscreen %s view %s %s --screenshot %s.png",
                 ls_test_cli(), yaml, bad[i], yaml);
        cr_expect_eq(ls_test_run(cmd, &out, &err), 2, "%s: %s", bad[i], err);
        cr_expect(strncmp(err, "lanesim view: --follow", 22) == 0, "%s: %s", bad[i], err);
        cr_expect(strchr(err, '\n') == err + strlen(err) - 1, "%s: not one line: %s", bad[i], err);
        free(out), free(err);
    }
    snprintf(cmd, sizeof cmd, "%s.png", yaml);
    cr_expect_neq(access(cmd, F_OK), 0, "a screenshot was written");
    unlink(yaml);
}

/* `make screenshots` runs tools/screenshots.sh; the same script here, into the build tree, proves
 * that the recipe behind the README's picture still works with the model as it is. */
Test(view_screenshot, make_screenshots_recipe_draws_both_pictures, .timeout = 300)
{
    char dir[1024], cmd[8192], *out, *err;
    snprintf(dir, sizeof dir, "%s/screenshots", LS_BINARY_DIR);
    snprintf(cmd, sizeof cmd, "rm -rf %s && sh %s %s %s", dir, ls_test_src("tools/screenshots.sh"),
             ls_test_cli(), dir);
    cr_assert_eq(ls_test_run(cmd, &out, &err), 0, "stderr: %s", err);
    free(out), free(err);
    const char *names[] = {"us101-sr92.png", "ring-2lane.png"};
    for (int i = 0; i < 2; i++) {
        char path[1100];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        check_png(path, 1280, 800);
    }
}

/* ---- probes (lanesim view --probes, --follow-strategy) ---- */

/* A short open road with two strategies, one in each lane, and a probe of each every 20 s from
 * t = 0; a free trip takes 40 s, so several probes of each are on the road at once. */
static const char probe_yaml[] =
    "name: probe road\n"
    "model: {cell_length: 7.5, dt: 1, rule: newell}\n"
    "road: {length: 1500, lanes: 2, speed_limit: 135 km/h}\n"
    "vehicles: [{type: car, share: 1, length: 7.5, max_speed: 135 km/h, accel: 7.5}]\n"
    "demand: {mainline: {flow: 1500}}\n"
    "strategies:\n"
    "  - {name: left-keeper, enter_lane: 1, policy: keep}\n"
    "  - {name: right-keeper, enter_lane: 2, policy: keep}\n"
    "probes: {from: 0, every: 20}\n"
    "simulation: {duration: 600, seed: 3}\n";

static void enable_all_probes(ls_world *w, int count)
{
    int all[LS_MAX_STRATEGIES];
    for (int i = 0; i < count; i++) all[i] = i;
    cr_assert_eq(ls_world_enable_probes(w, all, count), LS_OK);
}

/* A 1000 x 700 window on the scenario with all its probes on. */
static void open_probes_of(fixture *f, const char *yaml)
{
    headless();
    ls_test_scenario(yaml, NULL, 0, &f->sc);
    ls_diags d;
    ls_diags_clear(&d);
    cr_assert_eq(ls_world_create(&f->sc, &f->world, &d), LS_OK);
    enable_all_probes(f->world, f->sc.strategy_count);
    char err[512];
    ls_viewer_config cfg = {1000, 700, LS_RENDER_AUTO, 0, 1};
    cr_assert_eq(ls_viewer_open(&f->v, f->world, &f->sc, &cfg, err, sizeof err), 0, "%s", err);
}

static void open_probes(fixture *f)
{
    open_probes_of(f, probe_yaml);
}


static SDL_Color png_pixel(SDL_Surface *s, int x, int y)
{
    Uint8 *p = (Uint8 *)s->pixels + y * s->pitch + 3 * x;
    return (SDL_Color){p[0], p[1], p[2], 255};
}

/* A probe as the test finds it: from the lane arrays and ls_world_vehicle_strategy alone. */
typedef struct found_probe {
    int lane, strategy;
    int32_t front;
    uint16_t speed, length;
} found_probe;

static int find_probes(ls_world *w, int lanes, found_probe *out, int max)
{
    int n = 0;
    for (int lane = 0; lane < lanes; lane++) {
        ls_lane_state ls = ls_world_lane(w, lane);
        for (int i = 0; i < ls.count && n < max; i++) {
            if (ls.handle[i] & (LS_HANDLE_GHOST | LS_HANDLE_OBSTACLE)) continue;
            int k = ls_world_vehicle_strategy(w, ls.handle[i]);
            if (k >= 0) out[n++] = (found_probe){lane, k, ls.front[i], ls.speed[i], ls.length[i]};
        }
    }
    return n;
}

/* No other probe's ring reaches within `px` pixels of this one's (same lane). */
static int alone(const found_probe *p, int n, int i, double m_per_px, double px)
{
    for (int j = 0; j < n; j++)
        if (j != i && p[j].lane == p[i].lane &&
            fabs((p[j].front - p[i].front) * 7.5 / m_per_px) < px)
            return 0;
    return 1;
}

/* `lanesim view --probes --screenshot`: the pixels just above each probe's body are its
 * strategy's ring colour, and the body keeps the colour of its speed. Where the probes are comes
 * from a world of our own run to the same time, the pixels from the layout's mapping. */
Test(view_probes, screenshot_shows_each_probe_ringed_in_its_strategy_colour, .timeout = 60)
{
    const char *yaml = ls_test_temp_file("probes", probe_yaml);
    char path[64], cmd[4096], *out, *err;
    snprintf(path, sizeof path, "/tmp/lstest-probes-%ld.png", (long)getpid());
    snprintf(cmd, sizeof cmd,
             "SDL_VIDEODRIVER=offscreen %s view %s --probes --at 100 --size 1000x700 "
             "--screenshot %s",
             ls_test_cli(), yaml, path);
    cr_assert_eq(ls_test_run(cmd, &out, &err), 0, "stderr: %s", err);
    free(out), free(err);
    SDL_Surface *png = IMG_Load(path);
    cr_assert_not_null(png, "%s", IMG_GetError());
    SDL_Surface *rgb = SDL_ConvertSurfaceFormat(png, SDL_PIXELFORMAT_RGB24, 0);

    ls_scenario sc;
    ls_test_scenario(probe_yaml, NULL, 0, &sc);
    ls_world *w = ls_test_world(&sc);
    enable_all_probes(w, sc.strategy_count);
    for (int i = 0; i < 100; i++) cr_assert_eq(ls_world_step(w), LS_OK);
    ls_scene scene;
    char msg[256];
    cr_assert_eq(ls_scene_init(&scene, w, &sc, msg, sizeof msg), 0, "%s", msg);
    ls_view view;
    ls_view_init(&view, &scene.geom, 1000, 700);
    ls_layout L = ls_layout_compute(&view, &scene.geom);
    found_probe p[64];
    int n = find_probes(w, 2, p, 64), checked[2] = {0, 0};
    cr_assert_geq(n, 4, "too few probes on the road at 100 s");
    for (int i = 0; i < n; i++) {
        SDL_FRect rc;
        if (!ls_vehicle_rect(&scene, &view, &L, p[i].lane, p[i].front, p[i].length, 0, &rc) ||
            rc.x < 40 || rc.x + rc.w > L.main.x + L.main.w - 10 || !alone(p, n, i, 1.0, 16))
            continue;
        /* The ring: 2 px starting 3 px above the body (a 1 px dark gap between). */
        int x = (int)(rc.x + rc.w / 2), y_ring = (int)floorf(rc.y - 2.0f);
        SDL_Color want = ls_probe_color(p[i].strategy);
        expect_color(png_pixel(rgb, x, y_ring), want, "probe ring");
        expect_color(png_pixel(rgb, x, (int)(rc.y + rc.h / 2)), ls_speed_color(p[i].speed / 5.0),
                     "probe body");
        checked[p[i].strategy]++;
    }
    cr_expect(checked[0] > 0 && checked[1] > 0, "probes checked: %d and %d", checked[0],
              checked[1]);
    cr_expect(!near(ls_probe_color(0), ls_probe_color(1)), "the two strategies look alike");
    ls_scene_free(&scene);
    ls_world_destroy(w);
    SDL_FreeSurface(rgb);
    SDL_FreeSurface(png);
    unlink(path);
    unlink(yaml);
}

/* Following a strategy: every vehicle followed is a probe of it; the next one is the first of
 * it to depart at or after the previous one finished (worked out here from the results). */
Test(view_probes, follow_strategy_follows_its_probes_one_after_another, .timeout = 60)
{
    fixture f;
    open_probes(&f);
    ls_view_follow_strategy(&f.v.view, 1, 0);
    int seen[64], n_seen = 0, frames_following = 0;
    while (ls_world_time(f.world) < 300) {
        cr_assert_eq(ls_scene_step(&f.v.scene), LS_OK);
        ls_viewer_draw(&f.v);
        if (!f.v.followed_ok) continue;
        frames_following++;
        cr_assert_eq(ls_world_vehicle_strategy(f.world, f.v.view.follow_handle), 1,
                     "followed a vehicle of strategy %d at %g s",
                     ls_world_vehicle_strategy(f.world, f.v.view.follow_handle),
                     ls_world_time(f.world));
        /* The camera on the probe, held half a view from the road's ends. */
        double want = fmin(fmax(f.v.followed.front_m - 3.75, 500), 1000);
        cr_expect(fabs(f.v.view.center_m - want) < 1e-6, "camera at %g, probe at %g",
                  f.v.view.center_m, want);
        int pr = f.v.view.follow_probe;
        if (n_seen == 0 || seen[n_seen - 1] != pr) seen[n_seen++] = pr;
    }
    cr_expect_gt(frames_following, 150);
    cr_assert_geq(n_seen, 3, "the follow did not move on to later probes");
    size_t n;
    const ls_probe_result *r = ls_world_probe_results(f.world, &n);
    double from = 0;
    for (int k = 0; k < n_seen; k++) {
        int want = -1;
        for (size_t i = 0; i < n && want < 0; i++)
            if (r[i].strategy == 1 && r[i].departure_s >= from - 1e-9) want = (int)i;
        cr_expect_eq(seen[k], want, "probe %d of the chain", k);
        if (r[seen[k]].status == LS_PROBE_UNFINISHED) break;
        from = r[seen[k]].departure_s + r[seen[k]].travel_time_s;
    }
    close_scene(&f);
}

/* N follows the next probe on the road in order of departure, Shift+N goes back; a click on a
 * background vehicle is no probe. */
Test(view_probes, n_jumps_from_probe_to_probe)
{
    fixture f;
    open_probes(&f);
    cr_assert_eq(ls_scene_run_to(&f.v.scene, 100), LS_OK);
    ls_viewer_draw(&f.v);
    int on_road[64], n = 0;
    for (int lane = 0; lane < 2; lane++) {
        ls_lane_state ls = ls_world_lane(f.world, lane);
        for (int i = 0; i < ls.count; i++)
            if (!(ls.handle[i] & LS_HANDLE_GHOST) &&
                ls_world_vehicle_probe(f.world, ls.handle[i]) >= 0)
                on_road[n++] = ls_world_vehicle_probe(f.world, ls.handle[i]);
    }
    cr_assert_geq(n, 3);
    int lo = on_road[0], hi = on_road[0];
    for (int i = 1; i < n; i++)
        lo = on_road[i] < lo ? on_road[i] : lo, hi = on_road[i] > hi ? on_road[i] : hi;
    push_key(SDLK_n, 0);
    pump(&f);
    ls_viewer_draw(&f.v);
    cr_assert(f.v.followed_ok, "N followed nothing");
    cr_expect_eq(f.v.view.follow_probe, lo, "N without a probe followed: the first departed");
    cr_expect_eq(ls_world_vehicle_probe(f.world, f.v.view.follow_handle), lo);
    push_key(SDLK_n, 0);
    pump(&f);
    ls_viewer_draw(&f.v);
    int next = hi + 1;
    for (int i = 0; i < n; i++)
        if (on_road[i] > lo && on_road[i] < next) next = on_road[i];
    cr_expect_eq(f.v.view.follow_probe, next, "N: the next to have departed");
    cr_expect_eq(ls_world_vehicle_probe(f.world, f.v.view.follow_handle), next);
    cr_expect(ls_world_vehicle_strategy(f.world, f.v.view.follow_handle) >= 0);
    push_key(SDLK_n, KMOD_LSHIFT);
    pump(&f);
    ls_viewer_draw(&f.v);
    cr_expect_eq(f.v.view.follow_probe, lo, "Shift+N goes back");
    push_key(SDLK_n, KMOD_LSHIFT);
    pump(&f);
    ls_viewer_draw(&f.v);
    cr_expect_eq(f.v.view.follow_probe, hi, "Shift+N wraps round to the last departed");
    close_scene(&f);
}

/* Without --probes, N follows nothing and the status line says why. */
Test(view_probes, n_without_probes_says_so)
{
    fixture f;
    open_scene(&f, ring_yaml, NULL, 0, 1000, 700);
    push_key(SDLK_n, 0);
    pump(&f);
    ls_viewer_draw(&f.v);
    cr_expect_eq(f.v.view.follow_id, 0);
    cr_expect(strstr(f.v.message, "--probes") != NULL, "message: %s", f.v.message);
    close_scene(&f);
}

/* An exit_reenter probe leaves at an off-ramp and comes back by a later on-ramp as a vehicle
 * with another id: following its strategy follows it through both legs, and the camera goes to
 * the second when it appears. */
Test(view_probes, follow_goes_on_through_both_legs_of_exit_reenter, .timeout = 60)
{
    static const char yaml[] =
        "name: shuttle road\n"
        "model: {cell_length: 7.5, dt: 1, rule: newell}\n"
        "road: {length: 2000, lanes: 2, speed_limit: 135 km/h}\n"
        "vehicles: [{type: car, share: 1, length: 7.5, max_speed: 135 km/h, accel: 7.5}]\n"
        "demand: {mainline: {flow: 600}}\n"
        "ramps:\n"
        "  - {name: out, kind: off, at: 500}\n"
        "  - {name: back, kind: on, at: 900, length: 200, approach: 150}\n"
        "strategies:\n"
        "  - {name: shuttle, enter_lane: 2, policy: keep,\n"
        "     exit_reenter: {exit: out, enter: back, delay: 10}}\n"
        "lane_change: {enabled: true}\n"
        "probes: {from: 0, every: 30}\n"
        "simulation: {duration: 400, seed: 3}\n";
    fixture f;
    open_probes_of(&f, yaml);
    ls_view_follow_strategy(&f.v.view, 0, 0);
    uint64_t ids[8];
    int n_ids = 0, gap_steps = 0;
    while (ls_world_time(f.world) < 200) {
        cr_assert_eq(ls_scene_step(&f.v.scene), LS_OK);
        ls_viewer_draw(&f.v);
        if (f.v.view.follow_probe > 0) break; /* the chain moved on to the next probe */
        if (!f.v.followed_ok) {
            gap_steps += n_ids == 1;
            continue;
        }
        cr_assert_eq(f.v.view.follow_probe, 0);
        cr_expect_eq(ls_world_vehicle_probe(f.world, f.v.view.follow_handle), 0);
        cr_expect_eq(f.v.view.tracking, 1, "the camera is not on the probe");
        if (n_ids == 0 || ids[n_ids - 1] != f.v.view.follow_id) {
            cr_assert_lt(n_ids, 8);
            ids[n_ids++] = f.v.view.follow_id;
            cr_expect_eq(f.v.followed.origin, n_ids == 1 ? -1 : 1, "leg %d entered by %d", n_ids,
                         f.v.followed.origin);
        }
    }
    size_t n;
    const ls_probe_result *r = ls_world_probe_results(f.world, &n);
    cr_assert_eq(n_ids, 2, "vehicles followed: %d", n_ids);
    cr_expect_eq(ids[0], r[0].id, "the first leg is the probe's own id");
    cr_expect_neq(ids[1], ids[0]);
    cr_expect_geq(gap_steps, 10, "no time off the road between the legs: %d steps", gap_steps);
    cr_expect_eq(r[0].status, LS_PROBE_FINISHED, "status %d at %g s, following %d",
                 (int)r[0].status, ls_world_time(f.world), f.v.view.follow_probe);
    close_scene(&f);
}

/* --follow-strategy draws exactly the picture of --follow with the id of the probe the chain is
 * on at --at, found here from the probe results. */
Test(view_probes, follow_strategy_option_matches_follow_of_the_chain_probe, .timeout = 60)
{
    ls_scenario sc;
    ls_test_scenario(probe_yaml, NULL, 0, &sc);
    ls_world *w = ls_test_world(&sc);
    enable_all_probes(w, sc.strategy_count);
    for (int i = 0; i < 130; i++) cr_assert_eq(ls_world_step(w), LS_OK);
    size_t n;
    const ls_probe_result *r = ls_world_probe_results(w, &n);
    double from = 0;
    uint64_t id = 0;
    for (size_t i = 0; i < n && !id; i++) {
        if (r[i].strategy != 0 || r[i].departure_s < from - 1e-9) continue;
        if (r[i].status == LS_PROBE_UNFINISHED) id = r[i].id;
        from = r[i].departure_s + r[i].travel_time_s;
    }
    ls_world_destroy(w);
    cr_assert_neq(id, 0);
    const char *yaml = ls_test_temp_file("probes", probe_yaml);
    char path[64], cmd[4096], *out, *err;
    snprintf(path, sizeof path, "/tmp/lstest-chain-%ld.png", (long)getpid());
    char *png[2];
    size_t len[2];
    for (int k = 0; k < 2; k++) {
        char follow[64];
        if (k == 0)
            snprintf(follow, sizeof follow, "--probes --follow %llu", (unsigned long long)id);
        else
            snprintf(follow, sizeof follow, "--follow-strategy left-keeper");
        snprintf(cmd, sizeof cmd,
                 "SDL_VIDEODRIVER=offscreen %s view %s %s --at 130 --size 900x600 --screenshot %s",
                 ls_test_cli(), yaml, follow, path);
        cr_assert_eq(ls_test_run(cmd, &out, &err), 0, "%s: %s", follow, err);
        free(out), free(err);
        png[k] = ls_test_read(path, &len[k]);
        cr_assert_not_null(png[k]);
        unlink(path);
    }
    cr_expect(len[0] == len[1] && memcmp(png[0], png[1], len[0]) == 0,
              "--follow-strategy did not follow probe %llu", (unsigned long long)id);
    free(png[0]), free(png[1]);
    unlink(yaml);
}

Test(view_probes, bad_probe_options_exit_2_with_one_line)
{
    const char *yaml = ls_test_temp_file("probes", probe_yaml);
    char cmd[4096], *out, *err;
    struct {
        const char *scenario, *opts, *says;
    } bad[] = {
        {yaml, "--follow-strategy fast-lane",
         "lanesim view: --follow-strategy fast-lane: expected one of the strategies left-keeper "
         "or right-keeper\n"},
        {yaml, "--follow-strategy left-keeper --follow 3", "lanesim view: --follow, "},
        {ls_test_src("scenarios/ring-2lane.yaml"), "--probes", "lanesim view: --probes: "},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(cmd, sizeof cmd,
                 ONE_LINE_ENV " SDL_VIDEODRIVER=offscreen %s view %s %s --screenshot %s.png",
                 ls_test_cli(), bad[i].scenario, bad[i].opts, yaml);
        cr_expect_eq(ls_test_run(cmd, &out, &err), 2, "%s: %s", bad[i].opts, err);
        cr_expect(strncmp(err, bad[i].says, strlen(bad[i].says)) == 0, "%s: %s", bad[i].opts, err);
        cr_expect(strchr(err, '\n') == err + strlen(err) - 1, "%s: not one line: %s", bad[i].opts,
                  err);
        free(out), free(err);
    }
    snprintf(cmd, sizeof cmd, "%s.png", yaml);
    cr_expect_neq(access(cmd, F_OK), 0, "a screenshot was written");
    snprintf(cmd, sizeof cmd, "%s view --help", ls_test_cli());
    cr_expect_eq(ls_test_run(cmd, &out, &err), 0);
    cr_expect(strstr(out, "--probes") && strstr(out, "--follow-strategy NAME"), "%s", out);
    free(out), free(err);
    unlink(yaml);
}

/* ---- ramp meters (signal, queue, rate) ---- */

/* Two lanes and one on-ramp whose stop line is at 450 - 150 = 300 m. Its fixed meter lets
 * 600 veh/h go (one vehicle every 6 s: the credit grows by 600 x 1 / 3600 = 1/6 a step) while
 * 1800 veh/h arrive, so the entry queue grows by about 1200 veh/h, 20 a minute, and passes the
 * storage of 10 within a minute. max_rate = rate: the queue override changes nothing. */
static const char meter_yaml[] =
    "name: metered ramp\n"
    "model: {cell_length: 7.5, dt: 1, rule: newell}\n"
    "road: {length: 900, lanes: 2, speed_limit: 135 km/h}\n"
    "vehicles: [{type: car, share: 1, length: 7.5, max_speed: 135 km/h, accel: 7.5}]\n"
    "demand: {mainline: {flow: 600, arrivals: regular}}\n"
    "ramps: [{name: in, kind: on, at: 450, length: 200, approach: 150, flow: 1800, storage: 10,\n"
    "         meter: {kind: fixed, rate: 600, max_rate: 600}}]\n"
    "lane_change: {enabled: true}\n"
    "simulation: {duration: 1000, seed: 3}\n";

#define METER_STOP_M 300.0


/* `lanesim view --at t --size 1000x700 --screenshot` of a scenario file, as RGB24. */
static SDL_Surface *meter_screenshot(const char *yaml_path, double t)
{
    char path[96], cmd[4096], *out, *err;
    snprintf(path, sizeof path, "/tmp/lstest-meter-%ld.png", (long)getpid());
    snprintf(cmd, sizeof cmd,
             "SDL_VIDEODRIVER=offscreen %s view %s --at %.0f --size 1000x700 --screenshot %s",
             ls_test_cli(), yaml_path, t, path);
    cr_assert_eq(ls_test_run(cmd, &out, &err), 0, "stderr: %s", err);
    free(out), free(err);
    SDL_Surface *png = IMG_Load(path);
    cr_assert_not_null(png, "%s", IMG_GetError());
    SDL_Surface *rgb = SDL_ConvertSurfaceFormat(png, SDL_PIXELFORMAT_RGB24, 0);
    SDL_FreeSurface(png);
    unlink(path);
    return rgb;
}

/* The light is green exactly once per release: 600 veh/h over 600 s is 100 greens, each step
 * with vehicles waiting; the queue and storage are the engine's. */
Test(view_meters, light_turns_green_at_the_meter_rate)
{
    ls_scenario sc;
    ls_test_scenario(meter_yaml, NULL, 0, &sc);
    ls_world *w = ls_test_world(&sc);
    while (ls_world_time(w) < 60 - 1e-9) cr_assert_eq(ls_world_step(w), LS_OK);
    int lane = ls_world_get_info(w).lanes, greens = 0;
    for (int i = 0; i < 600; i++) {
        cr_assert_eq(ls_world_step(w), LS_OK);
        ls_meter_state ms = ls_world_meter_state(w, 0);
        cr_assert(ms.metered);
        cr_assert_eq(ms.storage, 10);
        cr_assert_eq(ms.queue, (uint32_t)ls_world_lane(w, lane).queued);
        cr_assert_gt(ms.queue, 0, "the queue ran dry at step %d", i);
        cr_expect(fabs(ms.rate_vph - 600) < 1e-9 && !ms.override_on);
        greens += ms.green;
    }
    cr_expect(greens >= 99 && greens <= 101, "%d greens in 600 s at 600 veh/h", greens);
    cr_expect(!ls_world_meter_state(w, 1).metered && !ls_world_meter_state(w, -1).metered);
    ls_world_destroy(w);
}

/* The first step at or after `from` whose light is `green`, with the queue past the storage by
 * at least 3 vehicles, from a world of our own. */
static double meter_time(const ls_scenario *sc, double from, int green, ls_meter_state *out)
{
    ls_world *w = ls_test_world(sc);
    double t = -1;
    while (!ls_world_done(w)) {
        cr_assert_eq(ls_world_step(w), LS_OK);
        ls_meter_state ms = ls_world_meter_state(w, 0);
        if (ls_world_time(w) < from - 1e-9 || ms.green != green || ms.queue < ms.storage + 3)
            continue;
        t = ls_world_time(w), *out = ms;
        break;
    }
    ls_world_destroy(w);
    cr_assert_geq(t, 0, "no %s light with a long queue", green ? "green" : "red");
    return t;
}

/* The main view's mapping, as the viewer computes it for a 1000 x 700 window. */
static ls_layout meter_layout(const ls_scenario *sc, ls_world **w, ls_scene *scene, ls_view *view)
{
    *w = ls_test_world(sc);
    char msg[256];
    cr_assert_eq(ls_scene_init(scene, *w, sc, msg, sizeof msg), 0, "%s", msg);
    ls_view_init(view, &scene->geom, 1000, 700);
    return ls_layout_compute(view, &scene->geom);
}

/* A screenshot at a step the engine says is green, and at one it says is red: the lit lamp
 * (green below, red above, in a box just upstream of the stop line in the ramp's lower row) and
 * the queue's colours (within the storage, and beyond it) where the layout puts them. */
Test(view_meters, screenshot_shows_the_light_and_the_queue, .timeout = 60)
{
    ls_scenario sc;
    ls_test_scenario(meter_yaml, NULL, 0, &sc);
    ls_world *w;
    ls_scene scene;
    ls_view view;
    ls_layout L = meter_layout(&sc, &w, &scene, &view);
    float stop_x = ls_layout_x(&L, &view, METER_STOP_M);
    int row = scene.geom.lanes + 1;
    float row_top = L.road_y + (float)row * L.lane_px;
    ls_meter_head head = ls_meter_head_at(&L, stop_x, row);
    cr_assert(head.box.x + head.box.w <= stop_x && head.box.x + head.box.w >= stop_x - 4,
              "the head is not at the stop line: %.1f against %.1f", head.box.x + head.box.w,
              stop_x);
    cr_assert(head.box.y >= row_top && head.box.y + head.box.h <= row_top + L.lane_px);
    cr_assert(head.red.y + head.red.h <= head.green.y, "red above green");
    const char *yaml = ls_test_temp_file("meter-on", meter_yaml);
    for (int green = 0; green < 2; green++) {
        ls_meter_state ms = {0};
        double t = meter_time(&sc, 40 + green, green, &ms);
        SDL_Surface *png = meter_screenshot(yaml, t);
        SDL_Color lit = green ? ls_col_meter_green : ls_col_meter_red;
        SDL_FRect on = green ? head.green : head.red, off = green ? head.red : head.green;
        expect_color(png_pixel(png, (int)(on.x + on.w / 2), (int)(on.y + on.h / 2)), lit,
                     green ? "green lamp" : "red lamp");
        expect_color(png_pixel(png, (int)(off.x + off.w / 2), (int)(off.y + off.h / 2)),
                     ls_col_meter_unlit, "the other lamp");
        /* Vehicle k of the queue (0 nearest the head) covers 7.5 m upstream of the previous. */
        float slot = (float)(7.5 / view.m_per_px), right = head.box.x - 2;
        int y = (int)(row_top + L.lane_px / 2);
        cr_assert_geq(slot, 4, "zoomed out too far for separate vehicles");
        expect_color(png_pixel(png, (int)(right - 0.5f * slot), y), ls_col_queue, "first waiting");
        int k = (int)ms.storage + 1;
        expect_color(png_pixel(png, (int)(right - ((float)k + 0.5f) * slot), y), ls_col_spill,
                     "past the storage");
        SDL_FreeSurface(png);
    }
    unlink(yaml);
    ls_scene_free(&scene);
    ls_world_destroy(w);
}

static int meter_coloured(SDL_Color c)
{
    return near(c, ls_col_meter_red) || near(c, ls_col_meter_green) ||
           near(c, ls_col_meter_unlit) || near(c, ls_col_meter_box);
}

/* Without a meter nothing of a signal is drawn by the stop line; the same pixels of the metered
 * ramp do show one (so the scan can find it). */
Test(view_meters, unmetered_ramp_draws_no_signal, .timeout = 60)
{
    ls_scenario sc;
    ls_test_scenario(meter_yaml, NULL, 0, &sc);
    ls_world *w;
    ls_scene scene;
    ls_view view;
    ls_layout L = meter_layout(&sc, &w, &scene, &view);
    float stop_x = ls_layout_x(&L, &view, METER_STOP_M);
    int top = (int)(L.road_y + (float)(scene.geom.lanes + 1) * L.lane_px);
    char plain[sizeof meter_yaml];
    snprintf(plain, sizeof plain, "%s", meter_yaml);
    char *at = strstr(plain, "kind: fixed");
    cr_assert_not_null(at);
    memcpy(at, "kind: none ", 11);
    const char *names[] = {"metered", "unmetered"};
    for (int i = 0; i < 2; i++) {
        const char *yaml = ls_test_temp_file(names[i], i ? plain : meter_yaml);
        SDL_Surface *png = meter_screenshot(yaml, 60);
        int found = 0;
        for (int y = top; y < top + (int)L.lane_px; y++)
            for (int x = (int)stop_x - 24; x < (int)stop_x; x++)
                found += meter_coloured(png_pixel(png, x, y));
        if (i)
            cr_expect_eq(found, 0, "an unmetered ramp shows %d pixels of a signal", found);
        else
            cr_expect_gt(found, 20, "the metered ramp's signal was not found");
        SDL_FreeSurface(png);
        unlink(yaml);
    }
    ls_scenario plain_sc;
    ls_test_scenario(plain, NULL, 0, &plain_sc);
    ls_world *pw = ls_test_world(&plain_sc);
    cr_expect(!ls_world_meter_state(pw, 0).metered);
    ls_world_destroy(pw);
    ls_scene_free(&scene);
    ls_world_destroy(w);
}

/* ---- movies: --record ---- */

/* 60 simulated seconds of the two-lane ring: at 20x and 10 frames/s that is 3 s of video, 30
 * frames, the k-th at 2k simulated seconds. */
static const char short_ring_yaml[] =
    "name: short ring\n"
    "model: {cell_length: 7.5, dt: 1, rule: newell}\n"
    "road: {length: 750, lanes: 2, ring: true, speed_limit: 135 km/h}\n"
    "vehicles: [{type: car, share: 1, length: 7.5, max_speed: 135 km/h, accel: 7.5}]\n"
    "initial: {density: 0.1}\n"
    "simulation: {duration: 60, seed: 3}\n";

static void need_ffmpeg(void)
{
    char *out, *err;
    int rc = ls_test_run("{ command -v ffmpeg && command -v ffprobe; }", &out, &err);
    free(out), free(err);
    if (rc != 0)
        cr_skip_test("ffmpeg or ffprobe is not installed (tools/setup.sh installs them): the "
                     "recording tests that need it are skipped");
}


/* What ffprobe finds in the first video stream after decoding every frame. */
static void probe_movie(const char *path, int *w, int *h, long *frames)
{
    char cmd[4096], *out, *err;
    snprintf(cmd, sizeof cmd,
             "ffprobe -v error -count_frames -select_streams v:0 -show_entries "
             "stream=width,height,nb_read_frames -of csv=p=0 %s",
             path);
    cr_assert_eq(ls_test_run(cmd, &out, &err), 0, "ffprobe: %s", err);
    cr_assert_eq(sscanf(out, "%d,%d,%ld", w, h, frames), 3, "ffprobe said: %s", out);
    free(out), free(err);
}

/* No file and no temporary file beside it. */
static void expect_no_movie(const char *path)
{
    char cmd[4096], *out, *err;
    cr_expect_neq(access(path, F_OK), 0, "%s was written", path);
    snprintf(cmd, sizeof cmd, "ls %s.tmp* 2>/dev/null", path);
    ls_test_run(cmd, &out, &err);
    cr_expect_str_empty(out, "a temporary file was left: %s", out);
    free(out), free(err);
}

/* PSNR (dB, over all planes) of frame k of a movie against a PNG of the same size. */
static double frame_psnr(const char *movie, long k, const char *png)
{
    char cmd[4096], *out, *err;
    snprintf(cmd, sizeof cmd,
             "ffmpeg -hide_banner -nostats -i %s -i %s -lavfi \"[0:v]select=eq(n\\,%ld)[a];"
             "[a][1:v]psnr\" -f null - 2>&1 | sed -n 's/.*average:\\([0-9.inf]*\\).*/\\1/p'",
             movie, png, k);
    cr_assert_eq(ls_test_run(cmd, &out, &err), 0, "%s", err);
    double db = strncmp(out, "inf", 3) == 0 ? INFINITY : atof(out);
    cr_assert(db > 0, "no PSNR in: %s", out);
    free(out), free(err);
    return db;
}

Test(view_record, mp4_has_one_frame_per_step_of_speedup_over_fps, .timeout = 120)
{
    need_ffmpeg();
    const char *yaml = ls_test_temp_file("movie", short_ring_yaml);
    char path[64], cmd[4096], *out, *err;
    snprintf(path, sizeof path, "/tmp/lstest-movie-%ld.mp4", (long)getpid());
    snprintf(cmd, sizeof cmd, "%s view %s --record %s --speedup 20 --fps 10 --size 640x480",
             ls_test_cli(), yaml, path);
    cr_assert_eq(ls_test_run(cmd, &out, &err), 0, "stderr: %s", err);
    cr_expect_str_empty(err);
    free(out), free(err);
    int w, h;
    long n;
    probe_movie(path, &w, &h, &n);
    cr_expect_eq(w, 640);
    cr_expect_eq(h, 480);
    cr_expect_eq(n, 30, "60 s at 20x and 10 frames/s is 3 s of video, 30 frames; got %ld", n);
    /* Frame 15 is the picture at 15 * 20 / 10 = 30 s: the screenshot at --at 30 (at the speed
     * the status line then shows alike) matches it up to H.264's loss, which on flat graphics
     * is above 40 dB; a step later (31 s) every car has moved 5 cells and the match is far
     * worse. */
    char png[80];
    snprintf(png, sizeof png, "%s.png", path);
    double db[2];
    for (int i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd,
                 "SDL_VIDEODRIVER=offscreen %s view %s --screenshot %s --at %d --speed 20 "
                 "--size 640x480",
                 ls_test_cli(), yaml, png, 30 + i);
        cr_assert_eq(ls_test_run(cmd, &out, &err), 0, "stderr: %s", err);
        free(out), free(err);
        db[i] = frame_psnr(path, 15, png);
        unlink(png);
    }
    cr_expect_gt(db[0], 40, "frame 15 is not the picture at 30 s: PSNR %.1f dB", db[0]);
    cr_expect_gt(db[0], db[1] + 6,
                 "frame 15 is as near the picture at 31 s (%.1f dB) as at 30 s "
                 "(%.1f dB)",
                 db[1], db[0]);
    unlink(path);
    unlink(yaml);
}

Test(view_record, gif_is_half_size_at_10_frames_per_second_by_default, .timeout = 120)
{
    need_ffmpeg();
    const char *yaml = ls_test_temp_file("movie", short_ring_yaml);
    char path[64], cmd[4096], *out, *err;
    snprintf(path, sizeof path, "/tmp/lstest-movie-%ld.gif", (long)getpid());
    snprintf(cmd, sizeof cmd, "%s view %s --record %s --speedup 20 --size 800x600", ls_test_cli(),
             yaml, path);
    cr_assert_eq(ls_test_run(cmd, &out, &err), 0, "stderr: %s", err);
    free(out), free(err);
    int w, h;
    long n;
    probe_movie(path, &w, &h, &n);
    cr_expect_eq(w, 400);
    cr_expect_eq(h, 300);
    cr_expect_eq(n, 30, "60 s at 20x and 10 frames/s is 30 frames; got %ld", n);
    unlink(path);
    /* --from and --to cut the run: 10 s to 50 s at 20x and 5 frames/s is 2 s, 10 frames. */
    snprintf(cmd, sizeof cmd,
             "%s view %s --record %s --from 10 --to 50 --speedup 20 --fps 5 --size 800x600",
             ls_test_cli(), yaml, path);
    cr_assert_eq(ls_test_run(cmd, &out, &err), 0, "stderr: %s", err);
    free(out), free(err);
    probe_movie(path, &w, &h, &n);
    cr_expect_eq(n, 10, "got %ld frames", n);
    unlink(path);
    unlink(yaml);
}

Test(view_record, bad_options_exit_2_with_one_line_and_no_file)
{
    const char *yaml = ls_test_temp_file("movie", short_ring_yaml);
    char path[64], cmd[4096], *out, *err;
    snprintf(path, sizeof path, "/tmp/lstest-movie-%ld.mp4", (long)getpid());
    const char *bad[] = {"--fps -5",          "--fps 0",        "--fps 2.5",
                         "--speedup 0",       "--speedup -3",   "--from 30 --to 20",
                         "--from 40 --to 40", "--from 60",      "--to 61",
                         "--at 10",           "--size 641x480", "--screenshot x.png"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(cmd, sizeof cmd, ONE_LINE_ENV " %s view %s --record %s %s", ls_test_cli(), yaml,
                 path, bad[i]);
        cr_expect_eq(ls_test_run(cmd, &out, &err), 2, "%s: %s", bad[i], err);
        cr_expect(strncmp(err, "lanesim view: --", 16) == 0, "%s: %s", bad[i], err);
        cr_expect(strchr(err, '\n') == err + strlen(err) - 1, "%s: not one line: %s", bad[i], err);
        free(out), free(err);
        expect_no_movie(path);
    }
    const char *odd[] = {"--record /tmp/lstest-movie.avi",
                         "--record /tmp/lstest-movie",
                         "--speedup 10",
                         "--from 5",
                         "--to 5",
                         "--fps 5"};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        snprintf(cmd, sizeof cmd, ONE_LINE_ENV " %s view %s %s", ls_test_cli(), yaml, odd[i]);
        cr_expect_eq(ls_test_run(cmd, &out, &err), 2, "%s: %s", odd[i], err);
        cr_expect(strchr(err, '\n') == err + strlen(err) - 1, "%s: not one line: %s", odd[i], err);
        free(out), free(err);
    }
    expect_no_movie("/tmp/lstest-movie.avi");
    unlink(yaml);
}

Test(view_record, without_ffmpeg_exits_1_with_one_line_and_no_file)
{
    const char *yaml = ls_test_temp_file("movie", short_ring_yaml);
    char path[64], cmd[4096], *out, *err;
    snprintf(path, sizeof path, "/tmp/lstest-movie-%ld.mp4", (long)getpid());
    snprintf(cmd, sizeof cmd, ONE_LINE_ENV " PATH=/nonexistent %s view %s --record %s",
             ls_test_cli(), yaml, path);
    cr_expect_eq(ls_test_run(cmd, &out, &err), 1, "%s", err);
    cr_expect(strstr(err, "ffmpeg") && strstr(err, "tools/setup.sh"), "%s", err);
    cr_expect(strchr(err, '\n') == err + strlen(err) - 1, "not one line: %s", err);
    free(out), free(err);
    expect_no_movie(path);
    unlink(yaml);
}

/* SIGINT in the middle of a long recording (the 101-92 interchange, 10 simulated minutes at 1x:
 * 18000 frames) stops it with status 130 and leaves neither the movie nor its temporary file. */
Test(view_record, interrupted_recording_leaves_no_file, .timeout = 120)
{
    need_ffmpeg();
    char path[64], cmd[4096], *out, *err;
    snprintf(path, sizeof path, "/tmp/lstest-movie-int-%ld.mp4", (long)getpid());
    snprintf(cmd, sizeof cmd,
             "{ " ONE_LINE_ENV " %s view %s --record %s --to 600 --speedup 1 & pid=$!; "
             "sleep 3; kill -INT $pid; wait $pid; }",
             ls_test_cli(), ls_test_src("scenarios/us101-sr92.yaml"), path);
    cr_expect_eq(ls_test_run(cmd, &out, &err), 130, "%s", err);
    cr_expect_str_eq(err, "lanesim view: interrupted; no movie written\n");
    free(out), free(err);
    expect_no_movie(path);
}
