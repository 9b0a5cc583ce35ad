/* ramps.c: where vehicles go: destinations, exits (taken or missed), merges from on-ramps.
 */
#include <math.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "alloc.h"
#include "hash.h"
#include "world_state.h"

/* A destination for a vehicle that joins the road at `from_cell`: each off-ramp downstream, in
 * order, takes it with its share (the fraction of the traffic passing it that leaves there);
 * otherwise it drives to the end. Its exit look-ahead is normal around the scenario's mean,
 * truncated at a fifth of it. Drawn only when the road has off-ramps. */
void ls_ramps_destination(ls_world *w, uint32_t h, int32_t from_cell)
{
    ls_fleet *f = &w->fleet;
    f->dest[h] = -1;
    f->exit_look[h] = 0;
    int best = -1;
    for (int pass = 0; pass < w->sc.ramp_count; pass++) {
        /* The next off-ramp downstream of from_cell not yet considered. */
        int next = -1;
        for (int r = 0; r < w->sc.ramp_count; r++) {
            if (w->sc.ramps[r].kind != LS_RAMP_OFF || w->ramps[r].at <= from_cell) continue;
            if (best >= 0 && w->ramps[r].at <= w->ramps[best].at) continue;
            if (next < 0 || w->ramps[r].at < w->ramps[next].at) next = r;
        }
        if (next < 0) return;
        best = next;
        if (gsl_rng_uniform(w->rng) < w->sc.ramps[next].share) {
            const ls_lane_change_def *lc = &w->sc.lane_change;
            double look = lc->exit_lookahead_m;
            if (lc->exit_lookahead_dev_m > 0)
                look += gsl_ran_gaussian(w->rng, lc->exit_lookahead_dev_m);
            if (look < 0.2 * lc->exit_lookahead_m) look = 0.2 * lc->exit_lookahead_m;
            f->dest[h] = (int8_t)next;
            f->exit_look[h] = (int32_t)ceil(look / w->cell_m);
            return;
        }
    }
}

/* Vehicles whose front crossed the diverge cell c of off-ramp r in this step: those bound for it
 * in the rightmost lane leave; those bound for it in any other lane missed it, are counted, and
 * drive on to the end. Found by a binary search and a short scan, like the loop detectors. */
static ls_status exit_at(ls_world *w, int r)
{
    int32_t c = w->ramps[r].at;
    uint32_t leaving[64];
    int32_t fronts[64];
    int n = 0;
    for (int l = 0; l < w->lanes; l++) {
        ls_lane *ln = &w->lane[l];
        for (int32_t i = ls_lane_lower_bound(ln, c); i < ln->hi; i++) {
            if (ln->front[i] >= (int64_t)c + w->max_vmax) break;
            uint32_t h = ln->handle[i];
            if (!LS_IS_REAL(h) || w->fleet.dest[h] != r || ln->front[i] - ln->speed[i] >= c)
                continue;
            if (l == w->lanes - 1 && n < 64) {
                leaving[n] = h;
                fronts[n++] = ln->front[i];
            } else if (l != w->lanes - 1) {
                w->fleet.dest[h] = -1;
                w->ramps[r].missed++;
                w->counts.missed_exits++;
            }
        }
    }
    ls_lane *right = &w->lane[w->lanes - 1];
    for (int k = 0; k < n; k++) {
        int32_t i = ls_lane_find(right, fronts[k], leaving[k]);
        if (i < 0) return LS_ERR_INTERNAL;
        ls_status st = ls_trips_record(w, leaving[k], w->lanes - 1);
        if (st != LS_OK) return st;
        ls_vehicle_leave(w, w->lanes - 1, i);
        w->ramps[r].exited++;
    }
    return LS_OK;
}

ls_status ls_ramps_exits(ls_world *w)
{
    for (int r = 0; r < w->sc.ramp_count; r++) {
        if (w->sc.ramps[r].kind != LS_RAMP_OFF) continue;
        ls_status st = exit_at(w, r);
        if (st != LS_OK) return st;
    }
    return LS_OK;
}

/* A vehicle left on-ramp lane `lane` for the mainline with its front at `front`. */
void ls_ramps_merged(ls_world *w, int lane, int32_t front)
{
    const ls_lane *ln = &w->lane[lane];
    ls_ramp_state *r = &w->ramps[ln->ramp];
    double pos = (double)(front - ln->zone_from);
    double len = (double)(ln->zone_to - ln->zone_from);
    int bin = (int)(pos / len * 10);
    r->merges++;
    r->merge_pos_sum += pos * w->cell_m;
    r->merge_bins[bin < 0 ? 0 : bin > 9 ? 9 : bin]++;
}

ls_ramp_stats ls_world_ramp_stats(const ls_world *w, int ramp)
{
    ls_ramp_stats s;
    memset(&s, 0, sizeof s);
    s.lane = -1;
    if (ramp < 0 || ramp >= w->sc.ramp_count) return s;
    const ls_ramp_state *r = &w->ramps[ramp];
    s.lane = r->lane;
    if (r->lane >= 0) {
        s.waiting = (uint64_t)w->lane[r->lane].q_count;
        s.max_waiting = r->max_waiting;
    }
    s.merges = r->merges;
    s.mean_merge_m = r->merges ? r->merge_pos_sum / (double)r->merges : 0;
    memcpy(s.merge_tenths, r->merge_bins, sizeof s.merge_tenths);
    s.exited = r->exited;
    s.missed = r->missed;
    return s;
}

uint64_t ls_ramps_hash(const ls_world *w, uint64_t h)
{
    for (int r = 0; r < w->sc.ramp_count; r++) {
        const ls_ramp_state *s = &w->ramps[r];
        h = LS_HASH(h, s->merges);
        h = LS_HASH(h, s->merge_pos_sum);
        h = LS_HASH(h, s->merge_bins);
        h = LS_HASH(h, s->max_waiting);
        h = LS_HASH(h, s->exited);
        h = LS_HASH(h, s->missed);
    }
    return h;
}
