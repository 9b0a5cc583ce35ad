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
    w->friction.seg_cells = seg < 1 ? 1 : seg;
    w->friction.seg_count = (w->cells + w->friction.seg_cells - 1) / w->friction.seg_cells;
    size_t n = (size_t)w->all_lanes * (size_t)w->friction.seg_count;
    w->friction.seg_speed = ls_calloc(n, sizeof *w->friction.seg_speed);
    w->friction.seg_ref = ls_calloc(n, sizeof *w->friction.seg_ref);
    w->friction.seg_free = ls_calloc(n, sizeof *w->friction.seg_free);
    w->friction.seg_sum = ls_calloc((size_t)w->friction.seg_count, sizeof *w->friction.seg_sum);
    w->friction.seg_n = ls_calloc((size_t)w->friction.seg_count, sizeof *w->friction.seg_n);
    w->friction.seg_inv = ls_segment_inverse(w->friction.seg_cells, w->cells);
    return w->friction.seg_speed && w->friction.seg_ref && w->friction.seg_free &&
                   w->friction.seg_sum && w->friction.seg_n
               ? LS_OK
               : LS_ERR_NOMEM;
}

/* The segments beside an on-ramp lane's acceleration lane, the only ones where it has a
 * neighbour. */
static void zone_segments(const ls_world *w, const ls_lane *ln, int32_t *from, int32_t *to)
{
    *from = ln->zone_from / w->friction.seg_cells;
    *to = (ln->zone_to - 1) / w->friction.seg_cells;
}

/* One lane's mean speed per segment: no branch on the segment boundaries, which come at
 * random, then one division per segment. */
static void lane_segments(ls_world *w, const ls_lane *ln, float *speed)
{
    const int32_t *front = ln->front;
    const uint16_t *v = ln->speed;
    const uint32_t *handle = ln->handle;
    uint32_t *sum = w->friction.seg_sum, *n = w->friction.seg_n;
    const ls_segmenter g = ls_friction_segmenter(&w->friction);
    const float empty = (float)w->road_vmax;
    memset(sum, 0, (size_t)w->friction.seg_count * sizeof *sum);
    memset(n, 0, (size_t)w->friction.seg_count * sizeof *n);
    /* Each segment's vehicles come together (fronts ascend): running totals in registers,
     * restarted when the segment changes and stored every time, so the last store of a
     * segment holds its totals and no store waits for a load of the one before. */
    uint32_t acc = 0, cnt = 0;
    int32_t cur = -1;
    for (int32_t i = ln->lo; i < ln->hi; i++) {
        int32_t s = ls_segment_of(g, front[i]);
        uint32_t real = LS_IS_REAL(handle[i]), same = 0u - (uint32_t)(s == cur);
        acc = (acc & same) + (v[i] & (0u - real));
        cnt = (cnt & same) + real;
        sum[s] = acc;
        n[s] = cnt;
        cur = s;
    }
    /* An on-ramp lane's speeds are read only beside its acceleration lane. */
    int32_t s_from = 0, s_to = w->friction.seg_count - 1;
    if (ln->ramp >= 0) zone_segments(w, ln, &s_from, &s_to);
    for (int32_t s = s_from; s <= s_to; s++) speed[s] = n[s] ? (float)sum[s] / (float)n[s] : empty;
}

static inline float min_f(float a, float b)
{
    return a < b ? a : b;
}

/* The largest whole speed (cells/step) that friction leaves as it is under a reference speed:
 * a cap v is lowered only when v > ref, that is when v > floor(ref). */
static uint16_t free_below(float ref)
{
    return ref >= 65535.0f ? UINT16_MAX : (uint16_t)ref; /* ref >= 0: truncation is floor */
}

/* The reference speed beside each on-ramp lane's acceleration lane: the rightmost mainline lane
 * and the merging lane see each other there (a stopped merge queue slows the right lane: Traffic
 * IV); elsewhere an on-ramp lane has nobody beside it. */
static void ramp_references(ls_world *w, float gap)
{
    size_t right_at = (size_t)(w->lanes - 1) * w->friction.seg_count;
    for (int l = w->lanes; l < w->all_lanes; l++) {
        const ls_lane *ln = &w->lane[l];
        size_t at = (size_t)l * w->friction.seg_count;
        for (int32_t s = 0; s < w->friction.seg_count; s++) w->friction.seg_ref[at + s] = INFINITY;
        int32_t s_from, s_to;
        zone_segments(w, ln, &s_from, &s_to);
        for (int32_t s = s_from; s <= s_to; s++) {
            w->friction.seg_ref[at + s] = w->friction.seg_speed[right_at + s] + gap;
            w->friction.seg_ref[right_at + s] =
                min_f(w->friction.seg_ref[right_at + s], w->friction.seg_speed[at + s] + gap);
        }
    }
    for (size_t k = right_at; k < (size_t)w->all_lanes * w->friction.seg_count; k++)
        w->friction.seg_free[k] = free_below(w->friction.seg_ref[k]);
}

void ls_friction_free(ls_friction_state *f)
{
    ls_free(f->seg_speed);
    ls_free(f->seg_ref);
    ls_free(f->seg_free);
    ls_free(f->seg_sum);
    ls_free(f->seg_n);
    memset(f, 0, sizeof *f);
}

/* Mean speed of each lane over each segment at time t (real vehicles only; an empty segment
 * counts as free flow at the road's vmax, and a closed stretch with nobody in it too: cones
 * alone do not make drivers beside them expect someone to cut in). Then, for every lane and
 * segment, the reference speed beside it: the slowest adjacent lane's speed plus speed_gap.
 * Cost: one pass over the vehicles and one over lanes x segments, whatever the traffic. */
void ls_friction_tables(ls_world *w)
{
    for (int l = 0; l < w->all_lanes; l++)
        lane_segments(w, &w->lane[l], w->friction.seg_speed + (size_t)l * w->friction.seg_count);
    float gap = (float)(ls_kmh_to_mps(w->sc.friction.speed_gap_kmh) * w->dt_s / w->cell_m);
    for (int l = 0; l < w->lanes; l++) {
        const float *left =
            l > 0 ? w->friction.seg_speed + (size_t)(l - 1) * w->friction.seg_count : NULL;
        const float *right = l + 1 < w->lanes
                                 ? w->friction.seg_speed + (size_t)(l + 1) * w->friction.seg_count
                                 : NULL;
        float *ref = w->friction.seg_ref + (size_t)l * w->friction.seg_count;
        uint16_t *free = w->friction.seg_free + (size_t)l * w->friction.seg_count;
        for (int32_t s = 0; s < w->friction.seg_count; s++) {
            float r = INFINITY;
            if (left) r = min_f(r, left[s]);
            if (right) r = min_f(r, right[s]);
            ref[s] = r + gap;
            free[s] = free_below(ref[s]);
        }
    }
    ramp_references(w, gap);
}
