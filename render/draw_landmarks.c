/* draw_landmarks.c: what stands along the road: detectors, speed limits, ramps, its two ends. */
#include <stdio.h>
#include <stdlib.h>

#include "draw.h"
#include "palette.h"

#define MAX_LABELS (LS_MAX_DETECTORS + LS_MAX_SPEED_ZONES + LS_MAX_RAMPS)

/* A name on the line below the road, centred under its position. */
typedef struct label {
    double at_m;
    char text[LS_NAME_MAX + 24];
    SDL_Color color;
} label;

static void fill_f(SDL_Renderer *r, SDL_Color c, float x, float y, float w, float h)
{
    SDL_FRect rc = {x, y, w, h};
    ls_set_color(r, c);
    SDL_RenderFillRectF(r, &rc);
}

static float rows_bottom(const ls_draw_ctx *d)
{
    return d->L->road_y + d->L->lane_px * (float)d->scene->geom.rows;
}

/* A loop detector: a bar across each lane it covers where that lane exists. */
static void detector_bar(const ls_draw_ctx *d, const ls_detector_def *det)
{
    const ls_layout *L = d->L;
    float x = ls_layout_x(L, d->view, det->at_m), w = L->lane_px >= 20 ? 3.0f : 2.0f;
    if (x < (float)L->main.x - 4 || x > (float)(L->main.x + L->main.w) + 4) return;
    for (int lane = 0; lane < d->scene->geom.lanes; lane++) {
        if (det->lanes_mask && !(det->lanes_mask >> lane & 1u)) continue;
        if (!ls_scene_lane_exists(d->scene, lane, det->at_m)) continue;
        float y = L->road_y + (float)lane * L->lane_px;
        fill_f(d->r, ls_col_detector, x - w / 2, y + 1, w, L->lane_px - 2);
    }
}

/* A stretch with its own speed limit: an amber bar along the road's upper edge. */
static void zone_bar(const ls_draw_ctx *d, const ls_speed_zone_def *z)
{
    const ls_layout *L = d->L;
    float x0 = ls_layout_x(L, d->view, z->from_m), x1 = ls_layout_x(L, d->view, z->to_m);
    if (x1 < (float)L->main.x || x0 > (float)(L->main.x + L->main.w)) return;
    fill_f(d->r, ls_col_zone, x0, L->road_y - 4, x1 - x0, 3);
}

static int cmp_label(const void *a, const void *b)
{
    double x = ((const label *)a)->at_m, y = ((const label *)b)->at_m;
    return (x > y) - (x < y);
}

/* The names to show: detectors, speed limits at the start of their stretch, ramps at their
 * gore. Returns how many. */
static int collect_labels(const ls_draw_ctx *d, label *out)
{
    const ls_scene *s = d->scene;
    int n = 0;
    for (int i = 0; i < s->sc.detector_count; i++) {
        out[n] = (label){s->sc.detectors[i].at_m, "", ls_col_detector};
        snprintf(out[n++].text, sizeof out[0].text, "%s", s->sc.detectors[i].name);
    }
    for (int i = 0; i < s->sc.speed_zone_count; i++) {
        const ls_speed_zone_def *z = &s->sc.speed_zones[i];
        out[n] = (label){z->from_m, "", ls_col_zone};
        snprintf(out[n++].text, sizeof out[0].text, "%.0f %s",
                 ls_scene_speed_in_unit(s, ls_kmh_to_mps(z->limit_kmh)),
                 ls_speed_unit_name(s->unit));
    }
    for (int r = 0; r < s->ramp_count; r++) {
        out[n] = (label){s->ramps[r].gore_m, "", ls_col_text};
        snprintf(out[n++].text, sizeof out[0].text, "%s", s->ramps[r].name);
    }
    qsort(out, (size_t)n, sizeof *out, cmp_label);
    return n;
}

/* Labels from left to right; one that would overlap the one before is left out. */
static void draw_labels(const ls_draw_ctx *d)
{
    label labels[MAX_LABELS]; /* 18 kB */
    int n = collect_labels(d, labels), y = (int)rows_bottom(d) + 3;
    float clear = -1e9f;
    for (int i = 0; i < n; i++) {
        float x = ls_layout_x(d->L, d->view, labels[i].at_m);
        int w = ls_text_width(&d->fonts->small, labels[i].text);
        float lo = (float)d->L->main.x + 2, hi = (float)(d->L->main.x + d->L->main.w) - 2;
        if (x < lo || x > hi) continue;
        /* Kept whole inside the view, next to its position. */
        if (x - (float)w / 2 < lo) x = lo + (float)w / 2;
        if (x + (float)w / 2 > hi) x = hi - (float)w / 2;
        if (x - (float)w / 2 < clear) continue;
        ls_text(d->r, &d->fonts->small, (int)(x - (float)w / 2), y, labels[i].color,
                labels[i].text);
        clear = x + (float)w / 2 + 8;
    }
}

/* Where the road begins and ends: a bar across it and a word below. */
static void road_ends(const ls_draw_ctx *d)
{
    const ls_layout *L = d->L;
    const ls_road_geom *g = &d->scene->geom;
    float top = L->road_y, h = L->lane_px * (float)g->lanes;
    float x0 = ls_layout_x(L, d->view, 0), x1 = ls_layout_x(L, d->view, g->length_m);
    const char *start = g->ring ? "ring: from the end" : "entry";
    const char *end = g->ring ? "ring: to the start" : "exit";
    int y = (int)rows_bottom(d) + 3;
    if (x0 >= L->main.x) {
        fill_f(d->r, ls_col_text, x0 - 2, top, 2, h);
        ls_text(d->r, &d->fonts->small, (int)x0 + 4, y, ls_col_text, start);
    }
    if (x1 <= L->main.x + L->main.w) {
        fill_f(d->r, ls_col_text, x1, top, 2, h);
        ls_text_right(d->r, &d->fonts->small, (int)x1 - 4, y, ls_col_text, end);
    }
}

void ls_draw_landmarks(const ls_draw_ctx *d)
{
    for (int i = 0; i < d->scene->sc.speed_zone_count; i++)
        zone_bar(d, &d->scene->sc.speed_zones[i]);
    for (int i = 0; i < d->scene->sc.detector_count; i++)
        detector_bar(d, &d->scene->sc.detectors[i]);
    draw_labels(d);
    road_ends(d);
}
