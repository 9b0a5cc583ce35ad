/* gaprule.c: the acceptance rule of Traffic III, Ta + Tb < Tc: the time to cross the lane, the
 * time to match the target lane's speed, and the time until its follower arrives. */
#include <math.h>

#include "lanechange.h"
#include "world_state.h"

/* Lateral motion from speed v at heading angle alpha to the lane, accelerating at a along the
 * heading: y(t) = v sin(alpha) t + a sin(alpha) t^2 / 2 reaches the lane width w at
 * t = (-v s + sqrt(v^2 s^2 + 2 a s w)) / (a s), s = sin(alpha). It tends to w / (v s) at speed
 * and to sqrt(2 w / (a s)) from rest: the two formulas of Traffic III in one. */
double ls_lc_crossing_time(const ls_world *w, double v)
{
    double s = w->lc.sin_alpha, a = w->sc.lane_change.lateral_accel_mps2;
    double width = w->sc.road.lane_width_m;
    return (-v * s + sqrt(v * v * s * s + 2 * a * s * width)) / (a * s);
}

/* Tc: the time the follower needs to reach the merging vehicle's rear, d cells away, starting
 * at its speed and accelerating up to its vmax (all in grid units; the result in steps). A
 * follower already at its vmax arrives after d / v, the time gap of Traffic III (1/q in the
 * macroscopic view); a slow or stopped follower is not assumed to stay slow: it may pull away
 * while the merger crosses. A closed stretch behind (no acceleration) never arrives. */
static double follower_arrival(int32_t d, int32_t v0, int32_t a, int32_t vmax)
{
    if (d < 0) return 0;
    if (a <= 0 || vmax <= 0) return v0 > 0 ? (double)d / v0 : INFINITY;
    if (v0 >= vmax) return (double)d / v0;
    double t1 = (double)(vmax - v0) / a, d1 = v0 * t1 + 0.5 * a * t1 * t1;
    if (d <= d1) return (-v0 + sqrt((double)v0 * v0 + 2.0 * a * d)) / a;
    return t1 + (d - d1) / vmax;
}

/* Tc for a follower that yields: it brakes at b (cells/step^2) from v0, so it reaches the
 * merger d cells away only if it cannot stop first; then d = v0 t - b t^2 / 2. */
static double yielding_arrival(int32_t d, int32_t v0, double b)
{
    if (d < 0) return 0;
    if (v0 <= 0 || (double)v0 * v0 / (2 * b) < d) return INFINITY;
    return (v0 - sqrt((double)v0 * v0 - 2 * b * d)) / b;
}

void ls_lc_evaluate(const ls_world *w, int target, int32_t front, int32_t length, int32_t speed,
                    double urgency, int watching, double patience, const ls_neighbours *n,
                    ls_lc_times *out)
{
    const ls_lane_change_def *lc = &w->sc.lane_change;
    double to_mps = w->cell_m / w->dt_s;
    double v = speed * to_mps, v_back = n->v_back * to_mps;
    double factor = 1.0 - urgency * (1.0 - lc->forced_factor);
    out->ta = speed <= w->max_vmax ? w->lc.ta[speed] : ls_lc_crossing_time(w, v);
    out->tb =
        v_back > v ? (v_back - v) / (lc->lateral_accel_mps2 + lc->coop_decel_mps2) * factor : 0.0;
    int yielding = n->back_handle != UINT32_MAX && LS_IS_REAL(n->back_handle) &&
                   w->fleet.yield[n->back_handle] > 0;
    double b_cells = lc->coop_decel_mps2 * w->dt_s * w->dt_s / w->cell_m;
    if (n->gap_back >= LS_FAR)
        out->tc = INFINITY;
    else if (yielding && b_cells > 0)
        out->tc = yielding_arrival(n->gap_back, n->v_back, b_cells) * w->dt_s;
    else
        out->tc = follower_arrival(n->gap_back, n->v_back, n->a_back, n->vmax_back) * w->dt_s;
    /* A driver who was already watching starts the moment the gap opens, which may fall between
     * two steps: credit the time since the target lane's leader passed (at most one step). */
    if (watching && n->v_ahead > 0 && n->gap_ahead < LS_FAR) {
        int32_t passed = n->gap_ahead + 1; /* cells the leader's rear is past our front + 1 */
        if (passed <= n->v_ahead) out->tc += (double)passed / n->v_ahead * w->dt_s;
    }
    int32_t need_ahead = speed > n->v_ahead ? speed - n->v_ahead : 0;
    out->accept = n->gap_ahead >= need_ahead && n->gap_back >= 0 &&
                  patience * (out->ta + out->tb) < out->tc &&
                  !ls_blockage_covers(w, target, front - length + 1, front);
}
