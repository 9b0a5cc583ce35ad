/* draw_landmarks.c: what stands along the road: detectors, speed limits, ramps and their meters
 * and entry queues, its two ends. */
#include <math.h>
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

/* ---- ramp meters and entry queues ---- */

static float row_mid(const ls_layout *L, int row)
{
    return L->road_y + ((float)row + 0.5f) * L->lane_px;
}

ls_meter_head ls_meter_head_at(const ls_layout *L, float stop_x, int row)
{
    float lamp = floorf((L->lane_px - 6) / 2);
    lamp = lamp < 3 ? 3 : lamp > 8 ? 8 : lamp;
    float w = lamp + 4, h = 2 * lamp + 6, right = floorf(stop_x) - 2;
    ls_meter_head m;
    m.box = (SDL_FRect){right - w, roundf(row_mid(L, row) - h / 2), w, h};
    m.red = (SDL_FRect){m.box.x + 2, m.box.y + 2, lamp, lamp};
    m.green = (SDL_FRect){m.box.x + 2, m.box.y + 4 + lamp, lamp, lamp};
    return m;
}

/* How far upstream a queue may be drawn: not into the lower row's road of the on-ramp before. */
static double queue_limit_m(const ls_scene *s, const ls_ramp_geom *g)
{
    double limit = -1e18;
    for (int k = 0; k < s->ramp_count; k++) {
        const ls_ramp_geom *o = &s->ramps[k];
        if (o != g && o->on && o->gore_m <= g->from_m && o->gore_m > limit) limit = o->gore_m;
    }
    return limit;
}

static void queue_bar(ls_batch *b, float x0, float x1, float lo, float y, float h, SDL_Color c)
{
    if (x0 < lo) x0 = lo;
    if (x1 > x0) ls_batch_add(b, (SDL_FRect){x0, y, x1 - x0, h}, c);
}

/* The waiting vehicles from `right` upstream, one slot each, drawn like stopped cars; zoomed
 * out, two bars. */
static void entry_queue(const ls_draw_ctx *d, const ls_ramp_geom *g, float right,
                        const ls_meter_state *ms)
{
    const ls_layout *L = d->L;
    float slot = (float)(LS_QUEUE_SLOT_M / d->view->m_per_px);
    /* As high as a car standing at the stop line. */
    SDL_FRect car = {0, row_mid(L, d->scene->geom.lanes + 1) - 2, 0, 4};
    double cell = d->scene->geom.cell_m;
    ls_vehicle_rect(d->scene, d->view, L, g->lane, (g->from_m + LS_QUEUE_SLOT_M) / cell - 1,
                    (int)lround(LS_QUEUE_SLOT_M / cell), 0, &car);
    float y = car.y, h = car.h, sliver = slot * 0.12f < 1 ? 1 : slot * 0.12f;
    float lo = ls_layout_x(L, d->view, queue_limit_m(d->scene, g));
    if (lo < (float)L->main.x - 1) lo = (float)L->main.x - 1;
    uint32_t n = ms->queue, kept = ms->storage < n ? ms->storage : n;
    if (slot < 4) {
        float mid = right - (float)kept * slot;
        queue_bar(d->batch, mid, right, lo, y, h, ls_col_queue);
        queue_bar(d->batch, right - (float)n * slot, mid, lo, y, h, ls_col_spill);
    }
    for (uint32_t k = 0; slot >= 4 && k < n; k++) {
        float x1 = right - (float)k * slot;
        if (x1 <= lo) break;
        if (x1 - slot > (float)(L->main.x + L->main.w)) continue; /* right of the view */
        queue_bar(d->batch, x1 - slot + sliver, x1, lo, y, h,
                  k < kept ? ls_col_queue : ls_col_spill);
    }
    ls_batch_flush(d->batch, d->r);
}

static void meter_head(const ls_draw_ctx *d, float stop_x, int green)
{
    const ls_layout *L = d->L;
    int row = d->scene->geom.lanes + 1;
    float e = L->lane_px >= 20 ? 2.0f : 1.0f, top = L->road_y + (float)row * L->lane_px;
    fill_f(d->r, ls_col_marking, floorf(stop_x), top + e, e, L->lane_px - 2 * e);
    ls_meter_head m = ls_meter_head_at(L, stop_x, row);
    fill_f(d->r, ls_col_meter_box, m.box.x, m.box.y, m.box.w, m.box.h);
    fill_f(d->r, green ? ls_col_meter_unlit : ls_col_meter_red, m.red.x, m.red.y, m.red.w, m.red.h);
    fill_f(d->r, green ? ls_col_meter_green : ls_col_meter_unlit, m.green.x, m.green.y, m.green.w,
           m.green.h);
}

/* "meter 900 veh/h, 12 waiting, 2 on the street" in the row above the head, on a dark box. */
static void meter_label(const ls_draw_ctx *d, float right, const ls_meter_state *ms)
{
    const ls_layout *L = d->L;
    const ls_font *f = &d->fonts->small;
    if (L->lane_px < (float)f->height - 2) return;
    char buf[128] = "";
    int n = 0;
    if (ms->metered)
        n = snprintf(buf, sizeof buf, "meter %.0f veh/h%s", ms->rate_vph,
                     ms->override_on ? " (queue full)" : "");
    if (ms->queue)
        n += snprintf(buf + n, sizeof buf - (size_t)n, "%s%u waiting", n ? ", " : "",
                      (unsigned)ms->queue);
    if (ms->queue > ms->storage)
        snprintf(buf + n, sizeof buf - (size_t)n, ", %u on the street",
                 (unsigned)(ms->queue - ms->storage));
    if (!n) return;
    int w = ls_text_width(f, buf) + 8, y = (int)(row_mid(L, d->scene->geom.lanes) - f->height / 2);
    if (right - (float)w < (float)L->main.x + 2) right = (float)(L->main.x + 2 + w);
    SDL_Color box = ls_col_panel;
    box.a = 200;
    SDL_SetRenderDrawBlendMode(d->r, SDL_BLENDMODE_BLEND);
    fill_f(d->r, box, right - (float)w, (float)y, (float)w, (float)f->height);
    SDL_SetRenderDrawBlendMode(d->r, SDL_BLENDMODE_NONE);
    ls_text_right(d->r, f, (int)right - 4, y, ms->queue > ms->storage ? ls_col_spill : ls_col_text,
                  buf);
}

static void ramp_meters(const ls_draw_ctx *d)
{
    const ls_scene *s = d->scene;
    for (int r = 0; r < s->ramp_count; r++) {
        const ls_ramp_geom *g = &s->ramps[r];
        if (!g->on) continue;
        ls_meter_state ms = ls_world_meter_state(s->world, r);
        float stop_x = ls_layout_x(d->L, d->view, g->from_m), right = floorf(stop_x) - 1;
        if (ms.metered) {
            meter_head(d, stop_x, ms.green);
            right = ls_meter_head_at(d->L, stop_x, s->geom.lanes + 1).box.x - 2;
        }
        entry_queue(d, g, right, &ms);
        meter_label(d, right + 1, &ms);
    }
}

void ls_draw_landmarks(const ls_draw_ctx *d)
{
    for (int i = 0; i < d->scene->sc.speed_zone_count; i++)
        zone_bar(d, &d->scene->sc.speed_zones[i]);
    for (int i = 0; i < d->scene->sc.detector_count; i++)
        detector_bar(d, &d->scene->sc.detectors[i]);
    ramp_meters(d);
    draw_labels(d);
    road_ends(d);
}
