/* draw_vehicles.c: vehicles in the main view, traffic in the overview strip, picking by click. */
#include <math.h>
#include <stdlib.h>

#include "draw.h"
#include "palette.h"
#include "probe_view.h"
#include "raster.h"

/* Share of the lane's height a vehicle fills: 1.8 m cars and 2.55 m trucks in a 3.7 m lane. */
#define CAR_WIDTH_FRAC   0.49f
#define TRUCK_WIDTH_FRAC 0.69f
#define CAR_WIDTH_M      1.8
#define TRUCK_WIDTH_M    2.55
#define PICK_SLACK_PX    4.0f

/* First vehicle of the lane whose front is at or past `cell`. */
static int lower_bound(const ls_lane_state *ls, int32_t cell)
{
    int lo = 0, hi = ls->count;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (ls->front[mid] < cell)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The cells a view from..to (m) can show vehicles from, widened by the longest vehicle and the
 * longest move (a vehicle is drawn up to one step behind its cell). */
typedef struct cell_window {
    int32_t lo, hi;
} cell_window;

static cell_window window_of(const ls_scene *s, double from_m, double to_m, double slack_m)
{
    double cell = s->geom.cell_m;
    int32_t margin = s->max_len_cells + s->max_speed_cells + 1;
    cell_window w = {(int32_t)floor((from_m - slack_m) / cell) - 1,
                     (int32_t)ceil((to_m + slack_m) / cell) + margin};
    return w;
}

/* Calls `fn` for every vehicle of the lane in the window, with the front to draw. On a ring the
 * road is drawn once, so vehicles near the seam appear at the other end too (offsets of one
 * road length). */
typedef void vehicle_fn(void *user, const ls_lane_state *ls, int i, double front);

static void for_visible(const ls_scene *s, int lane, cell_window w, vehicle_fn *fn, void *user)
{
    ls_lane_state ls = ls_world_lane(s->world, lane);
    int32_t cells = s->geom.cells;
    for (int k = s->geom.ring ? -1 : 0; k <= (s->geom.ring ? 1 : 0); k++) {
        int32_t off = k * cells;
        int i = lower_bound(&ls, w.lo - off);
        for (; i < ls.count && ls.front[i] <= w.hi - off; i++)
            fn(user, &ls, i, ls_scene_draw_front(s, ls.front[i], ls.speed[i]) + off);
    }
}

/* A vehicle's top and height in its lane. Lanes are often drawn wider than to scale; a vehicle
 * then keeps a vehicle's proportions (never wider than 60% of its length, never under 4 px)
 * rather than the lane's. */
static void vehicle_band(const ls_view *v, const ls_layout *L, int row, int truck, float len_px,
                         float *y, float *h)
{
    float hh = L->lane_px * (truck ? TRUCK_WIDTH_FRAC : CAR_WIDTH_FRAC);
    float to_scale = (float)((truck ? TRUCK_WIDTH_M : CAR_WIDTH_M) / v->m_per_px);
    float shaped = fmaxf(4.0f, 0.6f * len_px);
    if (hh > shaped) hh = fmaxf(shaped, to_scale);
    if (hh > L->lane_px - 2) hh = L->lane_px - 2;
    *h = hh;
    *y = L->road_y + ((float)row + 0.5f) * L->lane_px - hh / 2;
}

int ls_vehicle_rect(const ls_scene *s, const ls_view *v, const ls_layout *L, int lane, double front,
                    int length, int truck, SDL_FRect *out)
{
    double cell = s->geom.cell_m;
    double front_m = (front + 1) * cell, rear_m = front_m - length * cell;
    if (rear_m < 0) rear_m = 0;
    if (front_m > s->geom.length_m) front_m = s->geom.length_m;
    if (front_m <= rear_m) return 0;
    float x0 = ls_layout_x(L, v, rear_m), x1 = ls_layout_x(L, v, front_m);
    /* A sliver at the rear keeps bumper-to-bumper vehicles apart. */
    if (x1 - x0 >= 4) x0 += fmaxf(1.0f, 0.12f * (x1 - x0));
    if (x1 - x0 < 1) x0 = x1 - 1;
    float y, h;
    vehicle_band(v, L, ls_scene_row_of(s, lane, front_m), truck, x1 - x0, &y, &h);
    *out = (SDL_FRect){x0, y, x1 - x0, h};
    return x1 >= (float)L->main.x && x0 <= (float)(L->main.x + L->main.w);
}

typedef struct draw_pass {
    const ls_draw_ctx *d;
    int lane;
} draw_pass;

/* A closed stretch (a blockage's obstacle entry): the lane's full height, light with dark
 * stripes like a barrier, so it reads as "no road here" and never as a stopped vehicle. */
static void closed_stretch(const ls_draw_ctx *d, int lane, double front, int length)
{
    const ls_layout *L = d->L;
    double cell = d->scene->geom.cell_m;
    int row = ls_scene_row_of(d->scene, lane, (front + 1) * cell);
    float x0 = ls_layout_x(L, d->view, (front + 1 - length) * cell);
    float x1 = ls_layout_x(L, d->view, (front + 1) * cell);
    float y = L->road_y + (float)row * L->lane_px + 1, h = L->lane_px - 2;
    if (x1 < (float)L->main.x || x0 > (float)(L->main.x + L->main.w)) return;
    if (x1 - x0 < 1) x1 = x0 + 1;
    ls_batch_add(d->batch, (SDL_FRect){x0, y, x1 - x0, h}, ls_col_closed);
    if (x1 - x0 < 12 || h < 6) return;
    float from = x0 > (float)L->main.x ? x0 : (float)L->main.x - fmodf((float)L->main.x - x0, 12);
    for (float x = from + 4; x + 4 <= x1 && x < (float)(L->main.x + L->main.w); x += 12)
        ls_batch_add(d->batch, (SDL_FRect){x, y + 2, 4, h - 4}, ls_col_closed_hatch);
}

/* Every closed stretch of a lane. A stretch can be far longer than any vehicle, so the window
 * that finds vehicles by position would miss one that starts before the view; there are few
 * of them, and one pass over the handles finds them all. The engine also closes lanes where
 * they do not exist (past a lane drop, after an acceleration lane): those are not drawn, the
 * road simply is not there. */
static void closed_stretches(const ls_draw_ctx *d, int lane)
{
    ls_lane_state ls = ls_world_lane(d->scene->world, lane);
    double cell = d->scene->geom.cell_m;
    for (int i = 0; i < ls.count; i++) {
        if (!(ls.handle[i] & LS_HANDLE_OBSTACLE)) continue;
        double mid = (ls.front[i] + 1 - ls.length[i] / 2.0) * cell;
        if (ls_scene_lane_exists(d->scene, lane, mid))
            closed_stretch(d, lane, ls.front[i], ls.length[i]);
    }
}

/* A vehicle's body: its speed's colour, a truck's with its dark outline. */
static void body(ls_batch *b, SDL_FRect rc, SDL_Color c, int truck)
{
    if (truck && rc.w >= 6 && rc.h >= 6) {
        SDL_Color edge = ls_col_truck_edge;
        edge.a = c.a;
        ls_batch_add(b, rc, edge);
        rc = (SDL_FRect){rc.x + 1.5f, rc.y + 1.5f, rc.w - 3, rc.h - 3};
    }
    ls_batch_add(b, rc, c);
}

/* A vehicle; the copy a crossing vehicle leaves in the lane it is leaving is see-through. */
static void draw_one(void *user, const ls_lane_state *ls, int i, double front)
{
    draw_pass *p = user;
    const ls_scene *s = p->d->scene;
    uint32_t h = ls->handle[i];
    if (h & LS_HANDLE_OBSTACLE) return; /* drawn by closed_stretches */
    int truck = ls_scene_is_truck(s, ls->length[i]);
    SDL_FRect rc;
    if (!ls_vehicle_rect(s, p->d->view, p->d->L, p->lane, front, ls->length[i], truck, &rc)) return;
    SDL_Color c = ls_speed_color(ls_scene_speed_fraction(s, ls->speed[i]));
    if (h & LS_HANDLE_GHOST) c.a = 110;
    body(p->d->batch, rc, c, truck);
}

/* ---- probes ---- */

static SDL_FRect grown(SDL_FRect rc, float by)
{
    return (SDL_FRect){rc.x - by, rc.y - by, rc.w + 2 * by, rc.h + 2 * by};
}

/* Where a probe is drawn, however small: at least LS_PROBE_MIN_PX long, so that zoomed out, where
 * the traffic is rows of mean speeds, each probe still stands out. 0 if not in view. */
static int probe_rect(const ls_draw_ctx *d, const ls_probe_mark *m, SDL_FRect *rc)
{
    const ls_scene *s = d->scene;
    double front = ls_scene_draw_front(s, m->front, m->speed);
    if (!ls_vehicle_rect(s, d->view, d->L, m->lane, front, m->length,
                         ls_scene_is_truck(s, m->length), rc))
        return 0;
    if (rc->w < LS_PROBE_MIN_PX) rc->x -= (LS_PROBE_MIN_PX - rc->w) / 2, rc->w = LS_PROBE_MIN_PX;
    if (rc->h < LS_PROBE_MIN_PX) rc->y -= (LS_PROBE_MIN_PX - rc->h) / 2, rc->h = LS_PROBE_MIN_PX;
    return 1;
}

/* A probe: its body in its speed's colour inside a dark gap and a ring in its strategy's colour
 * (LS_PROBE_GAP_PX and LS_PROBE_RING_PX wide), over the traffic around it. */
static void draw_probe(const ls_draw_ctx *d, const ls_probe_mark *m)
{
    SDL_FRect rc;
    if (!probe_rect(d, m, &rc)) return;
    SDL_Color ring = ls_probe_color(m->strategy), gap = ls_col_background;
    SDL_Color c = ls_speed_color(ls_scene_speed_fraction(d->scene, m->speed));
    if (m->handle & LS_HANDLE_GHOST) ring.a = gap.a = c.a = 110;
    ls_batch_add(d->batch, grown(rc, LS_PROBE_GAP_PX + LS_PROBE_RING_PX), ring);
    ls_batch_add(d->batch, grown(rc, LS_PROBE_GAP_PX), gap);
    body(d->batch, rc, c, ls_scene_is_truck(d->scene, m->length));
}

/* Close enough, the strategy's name above each probe, in its colour on a dark plate. */
static void label_probe(const ls_draw_ctx *d, const ls_probe_mark *m)
{
    SDL_FRect rc;
    const ls_font *f = &d->fonts->small;
    if ((m->handle & LS_HANDLE_GHOST) || !probe_rect(d, m, &rc) || rc.w < LS_PROBE_LABEL_PX) return;
    const char *name = d->scene->sc.strategies[m->strategy].name;
    int w = ls_text_width(f, name), cx = (int)(rc.x + rc.w / 2);
    int y = (int)(rc.y - LS_PROBE_GAP_PX - LS_PROBE_RING_PX) - 2 - f->height;
    SDL_Rect plate = {cx - w / 2 - 3, y, w + 6, f->height};
    SDL_Color dark = ls_col_background;
    dark.a = 200;
    SDL_SetRenderDrawBlendMode(d->r, SDL_BLENDMODE_BLEND);
    ls_set_color(d->r, dark);
    SDL_RenderFillRect(d->r, &plate);
    SDL_SetRenderDrawBlendMode(d->r, SDL_BLENDMODE_NONE);
    ls_text_center(d->r, f, cx, y, ls_probe_color(m->strategy), name);
}

static void draw_probes(const ls_draw_ctx *d)
{
    ls_scene *s = d->scene;
    if (!s->probes_on || ls_probe_marks_update(s) != 0) return;
    for (int i = 0; i < s->marks.n; i++) draw_probe(d, &s->marks.mark[i]);
    SDL_SetRenderDrawBlendMode(d->r, SDL_BLENDMODE_BLEND);
    ls_batch_flush(d->batch, d->r);
    SDL_SetRenderDrawBlendMode(d->r, SDL_BLENDMODE_NONE);
    for (int i = 0; i < s->marks.n; i++) label_probe(d, &s->marks.mark[i]);
}

/* The followed vehicle gets a frame, drawn from its own look-up so that it is framed however
 * the traffic around it is drawn. */
static void draw_follow_frame(const ls_draw_ctx *d)
{
    const ls_vehicle_info *f = d->followed;
    const ls_scene *s = d->scene;
    if (!f || f->lane < 0) return;
    double speed_cells = f->speed_mps / s->mps_per_cell;
    double front = f->front_m / s->geom.cell_m - 1 - speed_cells * (1 - s->alpha);
    if (s->geom.ring && front < 0) front += s->geom.cells;
    int len = ls_round_cells(f->length_m / s->geom.cell_m);
    SDL_FRect rc;
    if (!ls_vehicle_rect(s, d->view, d->L, f->lane, front, len, ls_scene_is_truck(s, len), &rc))
        return;
    /* A probe's frame goes round its ring. */
    int k0 = s->probes_on && ls_world_vehicle_probe(s->world, d->view->follow_handle) >= 0
                 ? LS_PROBE_GAP_PX + LS_PROBE_RING_PX + 1
                 : 2;
    if (k0 > 2 && rc.w < LS_PROBE_MIN_PX)
        rc.x -= (LS_PROBE_MIN_PX - rc.w) / 2, rc.w = LS_PROBE_MIN_PX;
    if (k0 > 2 && rc.h < LS_PROBE_MIN_PX)
        rc.y -= (LS_PROBE_MIN_PX - rc.h) / 2, rc.h = LS_PROBE_MIN_PX;
    ls_set_color(d->r, ls_col_follow);
    for (int k = k0; k <= k0 + 1; k++) {
        SDL_FRect fr = {rc.x - (float)k, rc.y - (float)k, rc.w + 2.0f * k, rc.h + 2.0f * k};
        SDL_RenderDrawRectF(d->r, &fr);
    }
}

/* Columns x0 .. x1 (window pixels) of a lane's raster row, drawn in a row of the main view. */
static void raster_part(const ls_draw_ctx *d, int lane, int row, int x0, int x1)
{
    const ls_layout *L = d->L;
    if (x0 < L->main.x) x0 = L->main.x;
    if (x1 > L->main.x + L->main.w) x1 = L->main.x + L->main.w;
    if (x1 <= x0) return;
    SDL_Rect src = {x0 - L->main.x, lane, x1 - x0, 1};
    SDL_FRect dst = {(float)x0, 0, (float)(x1 - x0), 0};
    vehicle_band(d->view, L, row, 0, 1, &dst.y, &dst.h);
    ls_raster_draw(d->main_raster, d->r, &src, &dst);
}

/* Zoomed out: each lane's traffic as a row of mean-speed pixels, at a car's height. */
static void draw_rastered(const ls_draw_ctx *d)
{
    const ls_layout *L = d->L;
    double m0 = ls_layout_m(L, d->view, (float)L->main.x);
    if (ls_raster_fill(d->main_raster, d->r, d->scene, L->main.w, m0, d->view->m_per_px, 0) != 0)
        return;
    for (int lane = 0; lane < d->scene->geom.lanes; lane++)
        raster_part(d, lane, lane, L->main.x, L->main.x + L->main.w);
    for (int r = 0; r < d->scene->ramp_count; r++) {
        const ls_ramp_geom *g = &d->scene->ramps[r];
        if (!g->on) continue;
        int row = d->scene->geom.lanes;
        raster_part(d, g->lane, row, (int)ls_layout_x(L, d->view, g->gore_m),
                    (int)ls_layout_x(L, d->view, g->to_m));
        raster_part(d, g->lane, row + 1, (int)ls_layout_x(L, d->view, g->from_m),
                    (int)ls_layout_x(L, d->view, g->gore_m));
    }
}

/* Close up: one rectangle per vehicle, all in one geometry batch. */
static void draw_each(const ls_draw_ctx *d)
{
    const ls_scene *s = d->scene;
    double from = ls_layout_m(d->L, d->view, (float)d->L->main.x);
    double to = ls_layout_m(d->L, d->view, (float)(d->L->main.x + d->L->main.w));
    cell_window w = window_of(s, from, to, 0);
    draw_pass p = {d, 0};
    for (p.lane = 0; p.lane < s->all_lanes; p.lane++) {
        closed_stretches(d, p.lane);
        for_visible(s, p.lane, w, draw_one, &p);
    }
    SDL_SetRenderDrawBlendMode(d->r, SDL_BLENDMODE_BLEND);
    ls_batch_flush(d->batch, d->r);
    SDL_SetRenderDrawBlendMode(d->r, SDL_BLENDMODE_NONE);
}

void ls_draw_vehicles(const ls_draw_ctx *d)
{
    SDL_RenderSetClipRect(d->r, &d->L->main);
    double shortest_px = d->scene->min_len_cells * d->scene->geom.cell_m / d->view->m_per_px;
    if (shortest_px < LS_RASTER_BELOW_PX)
        draw_rastered(d);
    else
        draw_each(d);
    draw_probes(d);
    draw_follow_frame(d);
    SDL_RenderSetClipRect(d->r, NULL);
}

/* ---- picking ---- */

typedef struct pick_pass {
    const ls_scene *s;
    const ls_view *v;
    const ls_layout *L;
    int lane, row;
    float x;
    float best_dist;
    uint32_t best;
} pick_pass;

static void pick_one(void *user, const ls_lane_state *ls, int i, double front)
{
    pick_pass *p = user;
    SDL_FRect rc;
    if (ls->handle[i] & LS_HANDLE_OBSTACLE) return;
    if (ls_scene_row_of(p->s, p->lane, (front + 1) * p->s->geom.cell_m) != p->row) return;
    if (!ls_vehicle_rect(p->s, p->v, p->L, p->lane, front, ls->length[i], 0, &rc)) return;
    if (p->x < rc.x - PICK_SLACK_PX || p->x > rc.x + rc.w + PICK_SLACK_PX) return;
    float dist = fabsf(p->x - (rc.x + rc.w / 2));
    /* A click on the see-through copy of a crossing vehicle picks the vehicle itself. */
    if (dist < p->best_dist) p->best_dist = dist, p->best = ls->handle[i] & ~LS_HANDLE_GHOST;
}

/* A row of the main view holds one lane, or (below the lanes) any of the on-ramps' lanes. */
int ls_pick_vehicle(const ls_scene *s, const ls_view *v, const ls_layout *L, float x, float y,
                    uint32_t *handle)
{
    int row = ls_layout_row_at(L, &s->geom, y);
    if (row < 0 || !ls_rect_contains(&L->main, (int)x, (int)y)) return -1;
    double m = ls_layout_m(L, v, x), slack = PICK_SLACK_PX * v->m_per_px;
    pick_pass p = {s, v, L, row, row, x, INFINITY, 0};
    int first = row < s->geom.lanes ? row : s->geom.lanes;
    int last = row < s->geom.lanes ? row : s->all_lanes - 1;
    for (p.lane = first; p.lane <= last; p.lane++)
        for_visible(s, p.lane, window_of(s, m, m, slack), pick_one, &p);
    if (p.best_dist == INFINITY) return -1;
    *handle = p.best;
    return 0;
}

/* ---- overview strip ---- */

/* Each pixel column of each lane shows the mean speed of the vehicles in it, or a closed
 * stretch; empty ones stay road-coloured. */
void ls_draw_overview_traffic(const ls_draw_ctx *d)
{
    const ls_layout *L = d->L;
    const ls_road_geom *g = &d->scene->geom;
    int w = (int)L->ov_w;
    if (!L->overview.w || w < 1) return;
    if (ls_raster_fill(d->ov_raster, d->r, d->scene, w, 0, g->length_m / w, 1) != 0) return;
    float gap = L->ov_lane_px >= 4 ? 1.0f : 0.0f;
    for (int lane = 0; lane < g->lanes; lane++) {
        SDL_Rect src = {0, lane, w, 1};
        SDL_FRect dst = {L->ov_x, L->ov_y + (float)lane * L->ov_lane_px, (float)w,
                         L->ov_lane_px - gap};
        ls_raster_draw(d->ov_raster, d->r, &src, &dst);
    }
}

/* A tick per probe in its strategy's colour, standing out of its lane's row above and below. */
void ls_draw_overview_probes(const ls_draw_ctx *d)
{
    const ls_layout *L = d->L;
    ls_scene *s = d->scene;
    if (!L->overview.w || !s->probes_on || ls_probe_marks_update(s) != 0) return;
    for (int i = 0; i < s->marks.n; i++) {
        const ls_probe_mark *m = &s->marks.mark[i];
        if ((m->handle & LS_HANDLE_GHOST) || m->lane >= s->geom.lanes) continue;
        float x = ls_layout_ov_x(L, &s->geom, (m->front + 1) * s->geom.cell_m);
        float y = L->ov_y + L->ov_lane_px * (float)m->lane;
        SDL_FRect tick = {floorf(x), y - 2, 1, L->ov_lane_px + 4};
        ls_batch_add(d->batch, tick, ls_probe_color(m->strategy));
    }
    ls_batch_flush(d->batch, d->r);
}
