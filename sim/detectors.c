/* detectors.c: loop detectors: counts, crossing speeds and occupancy per lane and period. */
#include <math.h>
#include <string.h>

#include "alloc.h"
#include "hash.h"
#include "world_state.h"

ls_status ls_detectors_create(ls_world *w)
{
    const ls_scenario *s = &w->sc;
    int n = 0;
    for (int d = 0; d < s->detector_count; d++)
        for (int l = 0; l < w->lanes; l++)
            if (!s->detectors[d].lanes_mask || (s->detectors[d].lanes_mask >> l & 1u)) n++;
    w->detectors.loops = ls_calloc((size_t)(n ? n : 1), sizeof *w->detectors.loops);
    if (!w->detectors.loops) return LS_ERR_NOMEM;
    for (int d = 0; d < s->detector_count; d++) {
        const ls_detector_def *def = &s->detectors[d];
        int64_t period = (int64_t)floor(def->period_s / w->dt_s + 0.5);
        for (int l = 0; l < w->lanes; l++) {
            if (def->lanes_mask && !(def->lanes_mask >> l & 1u)) continue;
            ls_loop *lp = &w->detectors.loops[w->detectors.loop_count++];
            lp->detector = d;
            lp->lane = l;
            lp->cell = (int32_t)floor(def->at_m / w->cell_m);
            if (lp->cell >= w->cells) lp->cell = w->cells - 1;
            lp->period_steps = period < 1 ? 1 : period;
        }
    }
    return LS_OK;
}

/* Fraction of the step during which cell x is covered. In continuous terms cell k is [k, k+1),
 * a vehicle with front cell f covers [f - len + 1, f + 1), and the loop is the point x + 0.5:
 * covered while f lies in (x - 0.5, x + len - 0.5]. The front moves uniformly from `from` to
 * `to` during the step. */
static double covered_fraction(int64_t from, int64_t to, int64_t len, int64_t x)
{
    double lo = (double)x - 0.5, hi = (double)(x + len) - 0.5;
    if (to == from) return (from > lo && from <= hi) ? 1.0 : 0.0;
    double a = fmax((double)from, lo), b = fmin((double)to, hi);
    return b > a ? (b - a) / (double)(to - from) : 0.0;
}

/* Observes one loop at cell x (in unwrapped coordinates) after the move and before the boundary
 * is applied, so fronts may lie past the end of a ring. */
static void observe_at(ls_world *w, const ls_lane *ln, ls_loop *lp, int64_t x, double *occ)
{
    int64_t reach = x + (int64_t)w->max_vmax + w->max_length;
    for (int32_t i = ls_lane_lower_bound(ln, x); i < ln->hi; i++) {
        int64_t to = ln->front[i];
        if (to >= reach) break;
        if (!LS_IS_REAL(ln->handle[i])) continue;
        int64_t from = to - ln->speed[i];
        /* A vehicle inserted this step came from before the road. */
        int entered_now = w->fleet.entry_step[ln->handle[i]] == w->step && !w->ring;
        if ((from < x || entered_now) && to >= x) {
            lp->count++;
            lp->sum_speed += ln->speed[i];
            if (w->step >= w->warmup_steps) {
                lp->w_count++;
                lp->w_sum_speed += ln->speed[i];
            }
        }
        *occ += covered_fraction(from, to, ln->length[i], x);
    }
}

ls_status ls_detectors_observe(ls_world *w, int lane_index)
{
    const ls_lane *ln = &w->lane[lane_index];
    for (int k = 0; k < w->detectors.loop_count; k++) {
        ls_loop *lp = &w->detectors.loops[k];
        if (lp->lane != lane_index) continue;
        double occ = 0;
        observe_at(w, ln, lp, lp->cell, &occ);
        if (w->ring) {
            /* Fronts past the end (wrapping this step) and bodies reaching back over it. */
            observe_at(w, ln, lp, (int64_t)lp->cell + w->cells, &occ);
            observe_at(w, ln, lp, (int64_t)lp->cell - w->cells, &occ);
        }
        if (occ > 1) occ = 1; /* interpolated bodies may touch within one step */
        lp->occupied += occ;
        lp->total_occupied += occ;
        if (w->step >= w->warmup_steps) {
            lp->w_occupied += occ;
            lp->w_steps++;
        }
    }
    return LS_OK;
}

static void fill_record(const ls_world *w, const ls_loop *lp, int64_t steps, uint64_t count,
                        uint64_t sum_speed, double occupied, ls_detector_record *r)
{
    double seconds = (double)steps * w->dt_s;
    r->detector = lp->detector;
    r->lane = lp->lane;
    r->count = (uint32_t)count;
    r->flow_vph = seconds > 0 ? (double)count * 3600.0 / seconds : 0;
    r->speed_kmh = count ? (double)sum_speed / (double)count * w->cell_m / w->dt_s * 3.6 : 0;
    r->occupancy = steps ? occupied / (double)steps : 0;
}

/* Closes the periods that end with this step (and the partial last period at the end). */
ls_status ls_detectors_close_periods(ls_world *w)
{
    int64_t done = w->step + 1;
    for (int k = 0; k < w->detectors.loop_count; k++) {
        ls_loop *lp = &w->detectors.loops[k];
        int64_t steps = done - lp->period_begin;
        if (steps < lp->period_steps && done < w->total_steps) continue;
        if (ls_grow((void **)&w->detectors.records, &w->detectors.record_cap,
                    w->detectors.record_count, sizeof *w->detectors.records, 64) != 0)
            return LS_ERR_NOMEM;
        ls_detector_record *r = &w->detectors.records[w->detectors.record_count++];
        fill_record(w, lp, steps, lp->count, lp->sum_speed, lp->occupied, r);
        r->begin_s = (double)lp->period_begin * w->dt_s;
        r->end_s = (double)done * w->dt_s;
        lp->period_begin = done;
        lp->count = 0;
        lp->sum_speed = 0;
        lp->occupied = 0;
    }
    return LS_OK;
}

ls_status ls_world_detector_summary(const ls_world *w, int detector, int lane_index,
                                    ls_detector_record *out)
{
    for (int k = 0; k < w->detectors.loop_count; k++) {
        const ls_loop *lp = &w->detectors.loops[k];
        if (lp->detector != detector || lp->lane != lane_index) continue;
        fill_record(w, lp, lp->w_steps, lp->w_count, lp->w_sum_speed, lp->w_occupied, out);
        out->begin_s = (double)w->warmup_steps * w->dt_s;
        out->end_s = (double)w->step * w->dt_s;
        return LS_OK;
    }
    return LS_ERR_INPUT;
}

bool ls_world_detector_has_lane(const ls_world *w, int detector, int lane_index)
{
    for (int k = 0; k < w->detectors.loop_count; k++)
        if (w->detectors.loops[k].detector == detector && w->detectors.loops[k].lane == lane_index)
            return true;
    return false;
}

const ls_detector_record *ls_world_detector_records(const ls_world *w, size_t *count)
{
    *count = w->detectors.record_count;
    return w->detectors.records;
}

void ls_world_clear_detector_records(ls_world *w)
{
    w->detectors.record_count = 0;
}

void ls_detectors_free(ls_detectors_state *d)
{
    ls_free(d->loops);
    ls_free(d->records);
    memset(d, 0, sizeof *d);
}

/* Each loop's open period and its sums after the warm-up, and the records not yet collected. */
uint64_t ls_detectors_hash(const ls_world *w, uint64_t h)
{
    for (int k = 0; k < w->detectors.loop_count; k++) {
        const ls_loop *lp = &w->detectors.loops[k];
        h = LS_HASH(h, lp->period_begin);
        h = LS_HASH(h, lp->count);
        h = LS_HASH(h, lp->sum_speed);
        h = LS_HASH(h, lp->occupied);
        h = LS_HASH(h, lp->w_count);
        h = LS_HASH(h, lp->w_sum_speed);
        h = LS_HASH(h, lp->w_occupied);
        h = LS_HASH(h, lp->w_steps);
    }
    return LS_HASH(h, w->detectors.record_count);
}
