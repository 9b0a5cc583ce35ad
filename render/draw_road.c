/* draw_road.c: the road to scale: pavement, markings, distance posts, landmarks, scale, overview.
 */
#include <math.h>
#include <stdlib.h>

#include "draw.h"
#include "palette.h"

/* US lane lines: 10 ft stripes every 40 ft (MUTCD), drawn to scale when they are visible. */
#define DASH_M   3.05
#define PERIOD_M 12.19

typedef struct span_px {
    float x0, x1; /* the road's visible extent in the main view */
} span_px;

static span_px road_span(const ls_draw_ctx *d)
{
    const ls_layout *L = d->L;
    span_px s = {ls_layout_x(L, d->view, 0), ls_layout_x(L, d->view, d->scene->geom.length_m)};
    if (s.x0 < L->main.x) s.x0 = (float)L->main.x;
    if (s.x1 > L->main.x + L->main.w) s.x1 = (float)(L->main.x + L->main.w);
    return s;
}

static void fill_f(SDL_Renderer *r, SDL_Color c, float x, float y, float w, float h)
{
    SDL_FRect rc = {x, y, w, h};
    ls_set_color(r, c);
    SDL_RenderFillRectF(r, &rc);
}

/* A lane line: dashes to scale when they are at least 2 pixels long, else a faint solid line. */
static void lane_line(const ls_draw_ctx *d, span_px s, float y)
{
    double dash_px = DASH_M / d->view->m_per_px;
    if (dash_px < 2) {
        SDL_Color faint = ls_col_marking;
        faint.a = 110;
        SDL_SetRenderDrawBlendMode(d->r, SDL_BLENDMODE_BLEND);
        fill_f(d->r, faint, s.x0, y - 0.5f, s.x1 - s.x0, 1);
        SDL_SetRenderDrawBlendMode(d->r, SDL_BLENDMODE_NONE);
        return;
    }
    double from = ls_layout_m(d->L, d->view, s.x0), to = ls_layout_m(d->L, d->view, s.x1);
    float th = d->L->lane_px >= 20 ? 2.0f : 1.0f, top = roundf(y - th / 2);
    /* Whole pixels: a software rasteriser would otherwise shave a few-pixel dash to a dot. */
    for (double m = floor(from / PERIOD_M) * PERIOD_M; m < to; m += PERIOD_M) {
        float x0 = roundf(ls_layout_x(d->L, d->view, m < 0 ? 0 : m));
        float x1 = roundf(ls_layout_x(d->L, d->view, m + DASH_M));
        if (x0 < s.x0) x0 = s.x0;
        if (x1 > s.x1) x1 = s.x1;
        if (x1 > x0) ls_batch_add(d->batch, (SDL_FRect){x0, top, x1 - x0, th}, ls_col_marking);
    }
    ls_batch_flush(d->batch, d->r);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#define MAX_BREAKS (2 + 2 * LS_MAX_LANE_ENDS + 2 * LS_MAX_RAMPS)

/* Where the set of lanes side by side can change: lane drops and adds, and the ends of the
 * acceleration lanes and exits beside the road. Sorted; returns how many. */
static int breakpoints(const ls_scene *s, double *b)
{
    int n = 0;
    b[n++] = 0;
    b[n++] = s->geom.length_m;
    for (int i = 0; i < s->sc.lane_drop_count; i++) b[n++] = s->sc.lane_drops[i].at_m;
    for (int i = 0; i < s->sc.lane_add_count; i++) b[n++] = s->sc.lane_adds[i].at_m;
    for (int r = 0; r < s->ramp_count; r++) {
        b[n++] = s->ramps[r].gore_m;
        b[n++] = s->ramps[r].to_m;
    }
    qsort(b, (size_t)n, sizeof *b, cmp_double);
    return n;
}

/* Whether an acceleration lane or an exit runs beside the rightmost lane at m. */
static int ramp_beside(const ls_scene *s, double m)
{
    for (int r = 0; r < s->ramp_count; r++)
        if (m >= s->ramps[r].gore_m && m < s->ramps[r].to_m) return 1;
    return 0;
}

static float edge_px(const ls_draw_ctx *d)
{
    return d->L->lane_px >= 20 ? 2.0f : 1.0f;
}

/* One lane over one stretch: pavement, the line above it (the yellow median edge when no lane is
 * to its left, else a lane line) and, when no lane is to its right, the white edge below it
 * (a lane line instead where an acceleration lane or exit runs beside it). */
static void lane_stretch(const ls_draw_ctx *d, span_px sp, int lane, double mid)
{
    const ls_scene *s = d->scene;
    const ls_layout *L = d->L;
    float y = L->road_y + (float)lane * L->lane_px, w = sp.x1 - sp.x0, e = edge_px(d);
    fill_f(d->r, ls_col_road, sp.x0, y, w, L->lane_px);
    if (lane == 0 || !ls_scene_lane_exists(s, lane - 1, mid))
        fill_f(d->r, ls_col_median, sp.x0, y, w, e);
    else
        lane_line(d, sp, y);
    if (lane + 1 < s->geom.lanes && ls_scene_lane_exists(s, lane + 1, mid)) return;
    if (lane + 1 == s->geom.lanes && ramp_beside(s, mid))
        lane_line(d, sp, y + L->lane_px);
    else
        fill_f(d->r, ls_col_marking, sp.x0, y + L->lane_px - e, w, e);
}

/* A stretch of road in one row between two positions, with white edges above and below. */
static void ramp_stretch(const ls_draw_ctx *d, int row, double from, double to, int top_edge)
{
    const ls_layout *L = d->L;
    float x0 = floorf(ls_layout_x(L, d->view, from)), x1 = ceilf(ls_layout_x(L, d->view, to));
    if (x1 < (float)L->main.x || x0 > (float)(L->main.x + L->main.w)) return;
    float y = L->road_y + (float)row * L->lane_px, e = edge_px(d);
    fill_f(d->r, ls_col_road, x0, y, x1 - x0, L->lane_px);
    if (top_edge) fill_f(d->r, ls_col_marking, x0, y, x1 - x0, e);
    fill_f(d->r, ls_col_marking, x0, y + L->lane_px - e, x1 - x0, e);
}

/* On-ramps: their road in the lower ramp row up to the gore, then the acceleration lane beside
 * the rightmost lane; off-ramps: the start of the exit lane. */
static void ramp_roads(const ls_draw_ctx *d)
{
    const ls_scene *s = d->scene;
    int row = s->geom.lanes;
    for (int r = 0; r < s->ramp_count; r++) {
        const ls_ramp_geom *g = &s->ramps[r];
        ramp_stretch(d, row, g->gore_m, g->to_m, 0);
        if (g->on && g->from_m < g->gore_m) ramp_stretch(d, row + 1, g->from_m, g->gore_m, 1);
    }
}

/* The road stretch by stretch between breakpoints, each lane where it exists. */
static void pavement(const ls_draw_ctx *d, span_px s)
{
    double b[MAX_BREAKS];
    int n = breakpoints(d->scene, b);
    for (int i = 0; i + 1 < n; i++) {
        if (b[i + 1] <= b[i]) continue;
        /* Whole pixels, overlapping by one: no seam of background between stretches. */
        span_px sp = {floorf(ls_layout_x(d->L, d->view, b[i])),
                      ceilf(ls_layout_x(d->L, d->view, b[i + 1]))};
        if (sp.x0 < s.x0) sp.x0 = s.x0;
        if (sp.x1 > s.x1) sp.x1 = s.x1;
        if (sp.x1 <= sp.x0) continue;
        double mid = (b[i] + b[i + 1]) / 2;
        for (int lane = 0; lane < d->scene->geom.lanes; lane++)
            if (ls_scene_lane_exists(d->scene, lane, mid)) lane_stretch(d, sp, lane, mid);
    }
    ramp_roads(d);
}

/* Distance posts above the road, as far apart as the labels need. */
static void distance_posts(const ls_draw_ctx *d, span_px s)
{
    const ls_layout *L = d->L;
    double span = d->view->m_per_px * L->main.w;
    double step = ls_nice_step(span, L->main.w / 120 > 1 ? L->main.w / 120 : 1);
    int decimals = step >= 1000 ? 0 : step >= 100 ? 1 : step >= 10 ? 2 : 3;
    double from = ls_layout_m(L, d->view, s.x0), to = ls_layout_m(L, d->view, s.x1);
    int y = L->main.y + 3;
    for (double m = ceil(from / step - 1e-9) * step; m <= to + 1e-6; m += step) {
        float x = ls_layout_x(L, d->view, m);
        fill_f(d->r, ls_col_dim, x, L->road_y - 6, 1, 5);
        char buf[32];
        SDL_snprintf(buf, sizeof buf, "%.*f km", decimals, fabs(m) < 1e-9 ? 0.0 : m / 1000);
        int w = ls_text_width(&d->fonts->small, buf);
        int lx = (int)x - w / 2, right = L->main.x + L->main.w - 3;
        lx = lx < L->main.x + 3 ? L->main.x + 3 : lx + w > right ? right - w : lx;
        ls_text(d->r, &d->fonts->small, lx, y, ls_col_dim, buf);
    }
}

void ls_draw_road(const ls_draw_ctx *d)
{
    SDL_RenderSetClipRect(d->r, &d->L->main);
    span_px s = road_span(d);
    if (s.x1 > s.x0) pavement(d, s);
    distance_posts(d, s);
    SDL_RenderSetClipRect(d->r, NULL);
}

/* Lane numbers in a box at the left edge of each lane (lane 1, the median lane, at the top). */
static void lane_numbers(const ls_draw_ctx *d)
{
    const ls_layout *L = d->L;
    if (L->lane_px < 13) return;
    for (int lane = 0; lane < d->scene->geom.lanes; lane++) {
        char buf[8];
        SDL_snprintf(buf, sizeof buf, "%d", lane + 1);
        int h = d->fonts->small.height;
        float y = L->road_y + ((float)lane + 0.5f) * L->lane_px - (float)h / 2;
        int w = ls_text_width(&d->fonts->small, buf) + 8;
        SDL_Color box = ls_col_panel;
        box.a = 200;
        SDL_SetRenderDrawBlendMode(d->r, SDL_BLENDMODE_BLEND);
        fill_f(d->r, box, (float)L->main.x + 2, y, (float)w, (float)h);
        SDL_SetRenderDrawBlendMode(d->r, SDL_BLENDMODE_NONE);
        ls_text(d->r, &d->fonts->small, L->main.x + 6, (int)y, ls_col_text, buf);
    }
}

/* A bar of a round length, and a note when lanes are drawn wider than to scale. */
static void distance_scale(const ls_draw_ctx *d)
{
    const ls_layout *L = d->L;
    double m = ls_nice_step(d->view->m_per_px * 150, 1);
    float px = (float)(m / d->view->m_per_px);
    int x = L->main.x + 12, y = L->main.y + L->main.h - 9;
    fill_f(d->r, ls_col_text, (float)x, (float)y, px, 2);
    fill_f(d->r, ls_col_text, (float)x, (float)y - 4, 1, 6);
    fill_f(d->r, ls_col_text, (float)x + px - 1, (float)y - 4, 1, 6);
    char buf[96];
    if (m >= 1000)
        SDL_snprintf(buf, sizeof buf, "%g km", m / 1000);
    else
        SDL_snprintf(buf, sizeof buf, "%g m", m);
    int tx = x + (int)px + 8, ty = y - d->fonts->small.height / 2 - 1;
    tx += ls_text(d->r, &d->fonts->small, tx, ty, ls_col_text, buf);
    if (L->scale_y > 1.05f) {
        SDL_snprintf(buf, sizeof buf, "   lane width drawn x%.0f", L->scale_y);
        ls_text(d->r, &d->fonts->small, tx, ty, ls_col_dim, buf);
    }
}

void ls_draw_road_labels(const ls_draw_ctx *d)
{
    SDL_RenderSetClipRect(d->r, &d->L->main);
    ls_draw_landmarks(d);
    lane_numbers(d);
    distance_scale(d);
    SDL_RenderSetClipRect(d->r, NULL);
}

/* ---- overview strip ---- */

static void overview_labels(const ls_draw_ctx *d)
{
    const ls_layout *L = d->L;
    const ls_road_geom *g = &d->scene->geom;
    const ls_font *f = &d->fonts->small;
    ls_text(d->r, f, L->overview.x + 8, (int)L->ov_y, ls_col_text, "whole road");
    double step = ls_nice_step(g->length_m, (int)(L->ov_w / 90) > 1 ? (int)(L->ov_w / 90) : 1);
    int y = (int)(L->ov_y + L->ov_lane_px * (float)g->lanes) + 2;
    for (double m = 0; m <= g->length_m + 1e-6; m += step) {
        char buf[32];
        SDL_snprintf(buf, sizeof buf, step >= 1000 ? "%.0f km" : "%.1f km", m / 1000);
        float x = ls_layout_ov_x(L, g, m);
        fill_f(d->r, ls_col_dim, x, (float)y - 2, 1, 3);
        ls_text_center(d->r, f, (int)x, y, ls_col_dim, buf);
    }
}

static void overview_detectors(const ls_draw_ctx *d)
{
    const ls_layout *L = d->L;
    const ls_road_geom *g = &d->scene->geom;
    float h = L->ov_lane_px * (float)g->lanes;
    for (int i = 0; i < d->scene->sc.detector_count; i++) {
        float x = ls_layout_ov_x(L, g, d->scene->sc.detectors[i].at_m);
        fill_f(d->r, ls_col_detector, x, L->ov_y - 3, 1, h + 3);
    }
}

void ls_draw_overview(const ls_draw_ctx *d)
{
    const ls_layout *L = d->L;
    if (!L->overview.w) return;
    ls_fill_panel(d->r, &L->overview);
    float h = L->ov_lane_px * (float)d->scene->geom.lanes;
    fill_f(d->r, ls_col_road, L->ov_x, L->ov_y, L->ov_w, h);
    overview_labels(d);
}

/* The followed vehicle as a tick across the strip, so it can be found on a long road. */
static void overview_follow(const ls_draw_ctx *d)
{
    const ls_layout *L = d->L;
    const ls_vehicle_info *f = d->followed;
    if (!f || f->lane < 0) return;
    float x = ls_layout_ov_x(L, &d->scene->geom, f->front_m);
    float y = L->ov_y + L->ov_lane_px * (float)f->lane;
    fill_f(d->r, ls_col_follow, x - 1, y - 4, 3, L->ov_lane_px + 8);
}

void ls_draw_overview_marks(const ls_draw_ctx *d)
{
    const ls_layout *L = d->L;
    const ls_road_geom *g = &d->scene->geom;
    if (!L->overview.w) return;
    overview_detectors(d);
    double from = ls_layout_m(L, d->view, (float)L->main.x);
    double to = ls_layout_m(L, d->view, (float)(L->main.x + L->main.w));
    float x0 = ls_layout_ov_x(L, g, from < 0 ? 0 : from);
    float x1 = ls_layout_ov_x(L, g, to > g->length_m ? g->length_m : to);
    if (x1 - x0 < 3) x0 = (x0 + x1) / 2 - 1.5f, x1 = x0 + 3;
    float h = L->ov_lane_px * (float)g->lanes;
    ls_set_color(d->r, ls_col_view_window);
    for (int k = 1; k <= 2; k++) {
        SDL_FRect rc = {x0 - (float)k, L->ov_y - (float)k, x1 - x0 + 2.0f * k, h + 2.0f * k};
        SDL_RenderDrawRectF(d->r, &rc);
    }
    overview_follow(d);
}
