/* input.c: keyboard, mouse and window events to view changes (docs/viewer.md lists them). */
#include "input.h"

#include <stdlib.h>

#include "draw.h"
#include "layout.h"

#define ZOOM_STEP  1.25 /* one + or - press, one wheel notch */
#define DRAG_START 4    /* pixels a press must move before it is a drag, not a click */
#define PAN_Y_STEP 40   /* pixels per Up or Down press */

static void zoom_center(ls_view *v, const ls_scene *s, double factor)
{
    ls_view_zoom_at(v, &s->geom, v->win_w, factor, v->win_w / 2.0);
}

static void pan_y(ls_view *v, const ls_scene *s, double dy)
{
    v->pan_y += dy;
    ls_layout L = ls_layout_compute(v, &s->geom);
    ls_layout_clamp_pan(v, &L);
}

static void pan_x(ls_view *v, const ls_scene *s, double dx)
{
    v->tracking = 0;
    ls_view_pan_px(v, &s->geom, v->win_w, dx, 0);
}

static int toggle_help(ls_view *v)
{
    v->show_help = !v->show_help;
    return 1;
}

/* Keys that start, stop or pace the simulation. Returns 1 if the key was one of them. */
static int run_key(ls_view *v, SDL_Keycode k)
{
    switch (k) {
    case SDLK_SPACE:
        ls_view_toggle_pause(v);
        return 1;
    case SDLK_s:
        ls_view_request_step(v);
        return 1;
    case SDLK_RIGHTBRACKET:
        ls_view_faster(v);
        return 1;
    case SDLK_LEFTBRACKET:
        ls_view_slower(v);
        return 1;
    case SDLK_r:
        ls_view_set_speed(v, 1);
        return 1;
    case SDLK_m:
        ls_view_set_speed(v, 0);
        return 1;
    default:
        return 0;
    }
}

/* Keys that move the camera. */
static int camera_key(ls_view *v, const ls_scene *s, SDL_Keycode k, int shift)
{
    switch (k) {
    case SDLK_LEFT:
        pan_x(v, s, v->win_w / (shift ? 1.0 : 4.0));
        return 1;
    case SDLK_RIGHT:
        pan_x(v, s, -v->win_w / (shift ? 1.0 : 4.0));
        return 1;
    case SDLK_UP:
        pan_y(v, s, PAN_Y_STEP);
        return 1;
    case SDLK_DOWN:
        pan_y(v, s, -PAN_Y_STEP);
        return 1;
    case SDLK_PLUS:
    case SDLK_EQUALS:
    case SDLK_KP_PLUS:
        zoom_center(v, s, ZOOM_STEP);
        return 1;
    case SDLK_MINUS:
    case SDLK_KP_MINUS:
        zoom_center(v, s, 1 / ZOOM_STEP);
        return 1;
    case SDLK_f:
        ls_view_fit(v, &s->geom, v->win_w);
        return 1;
    case SDLK_c:
        v->tracking = v->follow_id != 0;
        return 1;
    case SDLK_u:
        ls_view_unfollow(v);
        return 1;
    case SDLK_n:
        v->probe_jump = shift ? -1 : 1; /* the viewer knows where the probes are */
        return 1;
    default:
        return 0;
    }
}

/* Keys for panels, help, screenshots and quitting. */
static int panel_key(ls_view *v, const ls_scene *s, SDL_Keycode k, int shift)
{
    switch (k) {
    case SDLK_l:
        ls_view_next_lane(v, &s->geom, shift ? -1 : 1);
        return 1;
    case SDLK_h:
        v->show_side = !v->show_side;
        return 1;
    case SDLK_o:
        v->show_overview = !v->show_overview;
        return 1;
    case SDLK_d:
        v->show_spacetime = !v->show_spacetime;
        return 1;
    case SDLK_p:
    case SDLK_F12:
        v->screenshot_requested = 1;
        return 1;
    case SDLK_F1:
    case SDLK_QUESTION:
        return toggle_help(v);
    case SDLK_SLASH:
        return shift ? toggle_help(v) : 0;
    case SDLK_q:
        v->quit = 1;
        return 1;
    case SDLK_ESCAPE:
        if (v->show_help)
            v->show_help = 0;
        else
            v->quit = 1;
        return 1;
    default:
        return 0;
    }
}

static void key_down(ls_view *v, const ls_scene *s, const SDL_KeyboardEvent *e)
{
    int shift = (e->keysym.mod & KMOD_SHIFT) != 0;
    SDL_Keycode k = e->keysym.sym;
    if (!run_key(v, k) && !camera_key(v, s, k, shift)) panel_key(v, s, k, shift);
}

static void wheel(ls_view *v, const ls_scene *s, const SDL_MouseWheelEvent *e)
{
    int notches = e->direction == SDL_MOUSEWHEEL_FLIPPED ? -e->y : e->y;
    if (!notches) return;
    double factor = notches > 0 ? ZOOM_STEP : 1 / ZOOM_STEP;
    for (int i = 1; i < abs(notches); i++) factor *= notches > 0 ? ZOOM_STEP : 1 / ZOOM_STEP;
#if SDL_VERSION_ATLEAST(2, 26, 0)
    int mx = e->mouseX, my = e->mouseY;
#else
    int mx, my;
    SDL_GetMouseState(&mx, &my);
#endif
    /* About the pointer when it is over the main view; while following, about the vehicle,
     * which the camera keeps at the centre. */
    ls_layout L = ls_layout_compute(v, &s->geom);
    int at_pointer = !v->tracking && ls_rect_contains(&L.main, mx, my);
    ls_view_zoom_at(v, &s->geom, v->win_w, factor, at_pointer ? mx : v->win_w / 2.0);
}

static void overview_jump(ls_view *v, const ls_scene *s, const ls_layout *L, int x)
{
    v->tracking = 0;
    v->center_m = ls_layout_ov_m(L, &s->geom, (float)x);
    ls_view_clamp(v, &s->geom, v->win_w);
}

static void button_down(ls_view *v, const ls_scene *s, const SDL_MouseButtonEvent *e)
{
    if (e->button != SDL_BUTTON_LEFT) return;
    ls_layout L = ls_layout_compute(v, &s->geom);
    v->press_x = v->drag_x = e->x;
    v->press_y = v->drag_y = e->y;
    v->drag_moved = 0;
    v->drag = LS_DRAG_NONE;
    if (ls_rect_contains(&L.main, e->x, e->y)) v->drag = LS_DRAG_MAIN;
    if (ls_rect_contains(&L.overview, e->x, e->y)) {
        v->drag = LS_DRAG_OVERVIEW;
        overview_jump(v, s, &L, e->x);
    }
}

static void motion(ls_view *v, const ls_scene *s, const SDL_MouseMotionEvent *e)
{
    if (v->drag == LS_DRAG_OVERVIEW) {
        ls_layout L = ls_layout_compute(v, &s->geom);
        overview_jump(v, s, &L, e->x);
        return;
    }
    if (v->drag != LS_DRAG_MAIN) return;
    if (!v->drag_moved && abs(e->x - v->press_x) + abs(e->y - v->press_y) < DRAG_START) return;
    v->drag_moved = 1;
    pan_x(v, s, e->x - v->drag_x);
    pan_y(v, s, e->y - v->drag_y);
    v->drag_x = e->x;
    v->drag_y = e->y;
}

/* A click (a press that did not become a drag) on the main view follows the vehicle under it;
 * a click on the road away from any vehicle stops following. */
static void button_up(ls_view *v, const ls_scene *s, const SDL_MouseButtonEvent *e)
{
    if (e->button != SDL_BUTTON_LEFT) return;
    int click = v->drag == LS_DRAG_MAIN && !v->drag_moved;
    v->drag = LS_DRAG_NONE;
    if (!click) return;
    ls_layout L = ls_layout_compute(v, &s->geom);
    uint32_t handle;
    ls_vehicle_info info;
    if (ls_pick_vehicle(s, v, &L, (float)e->x, (float)e->y, &handle) == 0 &&
        ls_world_vehicle(s->world, handle, &info) == LS_OK) {
        ls_view_follow(v, info.id, handle);
        v->follow_probe = ls_world_vehicle_probe(s->world, handle);
    } else if (ls_layout_row_at(&L, &s->geom, (float)e->y) >= 0)
        ls_view_unfollow(v);
}

static void window_event(ls_view *v, const ls_scene *s, const SDL_WindowEvent *e)
{
    if (e->event == SDL_WINDOWEVENT_CLOSE) v->quit = 1;
    if (e->event != SDL_WINDOWEVENT_SIZE_CHANGED) return;
    v->win_w = e->data1;
    v->win_h = e->data2;
    ls_view_clamp(v, &s->geom, v->win_w);
    pan_y(v, s, 0);
}

void ls_input_event(ls_view *v, const ls_scene *s, const SDL_Event *e)
{
    switch (e->type) {
    case SDL_QUIT:
        v->quit = 1;
        break;
    case SDL_WINDOWEVENT:
        window_event(v, s, &e->window);
        break;
    case SDL_KEYDOWN:
        key_down(v, s, &e->key);
        break;
    case SDL_MOUSEWHEEL:
        wheel(v, s, &e->wheel);
        break;
    case SDL_MOUSEBUTTONDOWN:
        button_down(v, s, &e->button);
        break;
    case SDL_MOUSEMOTION:
        motion(v, s, &e->motion);
        break;
    case SDL_MOUSEBUTTONUP:
        button_up(v, s, &e->button);
        break;
    default:
        break;
    }
}
