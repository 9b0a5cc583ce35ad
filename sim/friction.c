/* friction.c: friction between lanes: per-segment lane speeds and the speed cap beside a slow lane.
 */
#include <math.h>
#include <string.h>

#include "alloc.h"
#include "world_state.h"

ls_status ls_friction_create(ls_world *w)
{
    if (!w->sc.friction.enabled) return LS_OK;
    int32_t seg = ls_round_cells(w->sc.friction.range_m / w->cell_m);
    w->seg_cells = seg < 1 ? 1 : seg;
    w->seg_count = (w->cells + w->seg_cells - 1) / w->seg_cells;
    size_t n = (size_t)w->all_lanes * (size_t)w->seg_count;
    w->seg_speed = ls_calloc(n, sizeof *w->seg_speed);
    w->seg_n = ls_calloc(n, sizeof *w->seg_n);
    w->seg_ref = ls_calloc(n, sizeof *w->seg_ref);
    return w->seg_speed && w->seg_n && w->seg_ref ? LS_OK : LS_ERR_NOMEM;
}

/* Mean speed of each lane over each segment at time t (real vehicles only; an empty segment
 * counts as free flow at the road's vmax, and a closed stretch with nobody in it too: cones
 * alone do not make drivers beside them expect someone to cut in). Then, for every lane and
 * segment, the reference speed beside it: the slowest adjacent lane's speed plus speed_gap.
 * Cost: one pass over the vehicles and one over lanes x segments, whatever the traffic. */
/* Sums one lane's speeds per segment. Fronts ascend, so each segment's vehicles come together:
 * the running sum stays in registers and is stored once per segment, with no division. */
static void lane_segments(const ls_world *w, const ls_lane *ln, float *speed, uint32_t *count)
{
    int32_t s = 0, end = w->seg_cells;
    uint32_t sum = 0, n = 0;
    for (int32_t i = ln->lo; i < ln->hi; i++) {
        if (ln->front[i] >= end) {
            speed[s] = (float)sum;
            count[s] = n;
            sum = n = 0;
            while (ln->front[i] >= end && s + 1 < w->seg_count) s++, end += w->seg_cells;
        }
        if (!LS_IS_REAL(ln->handle[i])) continue;
        sum += ln->speed[i];
        n++;
    }
    speed[s] = (float)sum;
    count[s] = n;
}

static inline float min_f(float a, float b)
{
    return a < b ? a : b;
}

/* The reference speed beside each on-ramp lane's acceleration lane: the rightmost mainline lane
 * and the merging lane see each other there (a stopped merge queue slows the right lane: Traffic
 * IV); elsewhere an on-ramp lane has nobody beside it. */
static void ramp_references(ls_world *w, float gap)
{
    float *right = w->seg_ref + (size_t)(w->lanes - 1) * w->seg_count;
    const float *right_speed = w->seg_speed + (size_t)(w->lanes - 1) * w->seg_count;
    for (int l = w->lanes; l < w->all_lanes; l++) {
        const ls_lane *ln = &w->lane[l];
        float *ref = w->seg_ref + (size_t)l * w->seg_count;
        const float *speed = w->seg_speed + (size_t)l * w->seg_count;
        for (int32_t s = 0; s < w->seg_count; s++) ref[s] = INFINITY;
        for (int32_t s = ln->zone_from / w->seg_cells; s <= (ln->zone_to - 1) / w->seg_cells; s++) {
            ref[s] = right_speed[s] + gap;
            right[s] = min_f(right[s], speed[s] + gap);
        }
    }
}

void ls_friction_tables(ls_world *w)
{
    size_t n = (size_t)w->all_lanes * (size_t)w->seg_count;
    memset(w->seg_speed, 0, n * sizeof *w->seg_speed);
    memset(w->seg_n, 0, n * sizeof *w->seg_n);
    for (int l = 0; l < w->all_lanes; l++)
        lane_segments(w, &w->lane[l], w->seg_speed + (size_t)l * w->seg_count,
                      w->seg_n + (size_t)l * w->seg_count);
    for (size_t k = 0; k < n; k++)
        w->seg_speed[k] = w->seg_n[k] ? w->seg_speed[k] / (float)w->seg_n[k] : (float)w->road_vmax;
    float gap = (float)(ls_kmh_to_mps(w->sc.friction.speed_gap_kmh) * w->dt_s / w->cell_m);
    for (int l = 0; l < w->lanes; l++) {
        const float *left = l > 0 ? w->seg_speed + (size_t)(l - 1) * w->seg_count : NULL;
        const float *right =
            l + 1 < w->lanes ? w->seg_speed + (size_t)(l + 1) * w->seg_count : NULL;
        float *ref = w->seg_ref + (size_t)l * w->seg_count;
        for (int32_t s = 0; s < w->seg_count; s++) {
            float r = INFINITY;
            if (left) r = min_f(r, left[s]);
            if (right) r = min_f(r, right[s]);
            ref[s] = r + gap;
        }
    }
    ramp_references(w, gap);
}

/* The cap at an arbitrary front (one division; the per-step passes walk segments instead). */
uint16_t ls_friction_cap(const ls_world *w, int lane, int32_t front, uint16_t vmax)
{
    if (!w->seg_ref) return vmax;
    int32_t s = front / w->seg_cells;
    return ls_friction_cap_seg(w, lane, s < w->seg_count ? s : w->seg_count - 1, vmax);
}
