/* demand.c: where vehicles come from: initial placement, arrivals at the entry, insertion. */
#include <math.h>

#include <gsl/gsl_randist.h>

#include "world_state.h"

/* Vehicle type for a lane, drawn by the shares among the types allowed in that lane. */
static int draw_type_for_lane(ls_world *w, int lane)
{
    const ls_scenario *s = &w->sc;
    double total = 0;
    for (int t = 0; t < s->vehicle_type_count; t++) {
        uint32_t m = s->vehicle_types[t].lanes_mask;
        if (!m || (m >> lane & 1u)) total += s->vehicle_types[t].share;
    }
    double u = gsl_rng_uniform(w->rng) * total;
    int last = 0;
    for (int t = 0; t < s->vehicle_type_count; t++) {
        uint32_t m = s->vehicle_types[t].lanes_mask;
        if (m && !(m >> lane & 1u)) continue;
        last = t;
        if (u < s->vehicle_types[t].share) return t;
        u -= s->vehicle_types[t].share;
    }
    return last;
}

static double initial_per_cell(const ls_world *w)
{
    const ls_initial_def *in = &w->sc.initial;
    return in->per_km ? in->density * w->cell_m / 1000.0 : in->density;
}

/* Places round(density x cells) vehicles in one lane, at rest, uniformly at random over all
 * arrangements: the empty cells are split among the N + 1 gaps by choosing N of E + N slots
 * (Knuth's selection sampling, Algorithm S: one pass, no memory for the population). */
ls_status ls_initial_place(ls_world *w, int lane)
{
    ls_lane *ln = &w->lane[lane];
    int64_t n = (int64_t)floor(initial_per_cell(w) * w->cells + 0.5);
    if (n <= 0) return LS_OK;
    ls_status st = ls_lane_reserve(ln, 16, (int32_t)n);
    if (st != LS_OK) return st;
    /* Draw the types first: their lengths fix how many cells stay empty. Vehicles are written
     * into the lane arrays in order, so the arrays are filled before positions are known. */
    int64_t used = 0;
    for (int64_t i = 0; i < n; i++) {
        uint32_t h;
        int type = draw_type_for_lane(w, lane);
        if ((st = ls_fleet_new(w, type, lane, &h)) != LS_OK) return st;
        if (used + w->type_length[type] > w->cells) {
            ls_fleet_release(&w->fleet, h);
            return LS_ERR_INPUT;
        }
        int32_t k = ln->hi++;
        ln->handle[k] = h;
        ln->length[k] = w->type_length[type];
        ln->accel[k] = w->type_accel[type];
        ln->vmax[k] = w->fleet.vmax[h];
        ln->speed[k] = 0;
        used += ln->length[k];
        w->fleet.lane[h] = (int8_t)lane;
        w->fleet.entry_step[h] = 0;
        w->fleet.entry_lane[h] = (int8_t)lane;
    }
    int64_t empty = w->cells - used; /* >= 0: checked when the world was created */
    int64_t population = empty + n, chosen = 0, occupied_before = 0;
    for (int64_t t = 0; t < population && chosen < n; t++) {
        if ((double)(population - t) * gsl_rng_uniform(w->rng) >= (double)(n - chosen)) continue;
        int32_t k = ln->lo + (int32_t)chosen;
        int64_t rear = (t - chosen) + occupied_before; /* empty cells before it, plus vehicles */
        ln->front[k] = (int32_t)(rear + ln->length[k] - 1);
        occupied_before += ln->length[k];
        chosen++;
    }
    w->counts.initial += (uint64_t)n;
    w->counts.inside += (uint64_t)n;
    return LS_OK;
}

/* Integral of the demand profile over [a, b], in veh/h x s. Piecewise linear between points,
 * constant outside them. */
static double profile_integral(const ls_profile *p, double a, double b)
{
    double sum = 0;
    for (int i = -1; i < p->count; i++) {
        double t0 = i < 0 ? -INFINITY : p->points[i].t_s;
        double t1 = i + 1 < p->count ? p->points[i + 1].t_s : INFINITY;
        double lo = fmax(a, t0), hi = fmin(b, t1);
        if (hi <= lo) continue;
        if (i < 0 || i + 1 >= p->count) {
            sum += (hi - lo) * p->points[i < 0 ? 0 : i].flow_vph;
            continue;
        }
        double q0 = p->points[i].flow_vph, q1 = p->points[i + 1].flow_vph;
        double slope = (q1 - q0) / (t1 - t0);
        double qa = q0 + slope * (lo - t0), qb = q0 + slope * (hi - t0);
        sum += 0.5 * (qa + qb) * (hi - lo);
    }
    return sum;
}

/* The nearest lane in which the type may drive; ties go to the right (higher index). */
static int allowed_lane(const ls_world *w, int type, int lane)
{
    uint32_t m = w->sc.vehicle_types[type].lanes_mask;
    if (!m || (m >> lane & 1u)) return lane;
    for (int d = 1; d < w->lanes; d++) {
        if (lane + d < w->lanes && (m >> (lane + d) & 1u)) return lane + d;
        if (lane - d >= 0 && (m >> (lane - d) & 1u)) return lane - d;
    }
    return lane; /* unreachable: the loader requires every type to have a lane */
}

static int draw_type(ls_world *w)
{
    double u = gsl_rng_uniform(w->rng);
    for (int t = 0; t < w->sc.vehicle_type_count - 1; t++)
        if (u < w->type_cdf[t]) return t;
    return w->sc.vehicle_type_count - 1;
}

static double lane_share(const ls_world *w, int lane)
{
    const ls_demand_def *d = &w->sc.mainline;
    return d->lane_split_count ? d->lane_split[lane] : 1.0 / w->lanes;
}

/* Arrivals during this step join the entry queue of their lane. Poisson: the count in each lane
 * is Poisson with mean (integral of the lane's rate over the step); regular: a deterministic
 * credit that emits a vehicle whenever it passes a whole one. A type that may not use the lane
 * it arrives in joins the nearest lane it may use, so the total demand and the vehicle mix stay
 * as given. */
ls_status ls_demand_arrivals(ls_world *w)
{
    if (w->ring) return LS_OK;
    double t0 = (double)w->step * w->dt_s;
    double mean_total = profile_integral(&w->sc.mainline.flow, t0, t0 + w->dt_s) / 3600.0;
    if (mean_total <= 0) return LS_OK;
    for (int l = 0; l < w->lanes; l++) {
        ls_lane *ln = &w->lane[l];
        double mean = mean_total * lane_share(w, l);
        unsigned n;
        if (w->sc.mainline.arrivals == LS_ARRIVALS_POISSON) {
            n = mean > 0 ? gsl_ran_poisson(w->rng, mean) : 0;
        } else {
            ln->regular_credit += mean;
            n = (unsigned)floor(ln->regular_credit + 1e-9);
            ln->regular_credit -= n;
        }
        for (unsigned i = 0; i < n; i++) {
            int type = draw_type(w);
            int target = allowed_lane(w, type, l);
            uint32_t h;
            ls_status st = ls_fleet_new(w, type, target, &h);
            if (st == LS_OK) st = ls_queue_push(&w->lane[target], h);
            if (st != LS_OK) return st;
            w->counts.arrived++;
            w->counts.waiting++;
        }
    }
    return LS_OK;
}

/* The entry as part of the parallel update. The head of the lane's queue stands for the
 * free-flowing road upstream: a virtual vehicle just before cell 0 at its vmax, which takes the
 * NaSch step like any other vehicle: v = min(vmax, gap), where the gap is measured to the rear
 * of the lane's rearmost vehicle at time t (`entry_gap`, cells 0 .. rear - 1 being empty), so
 * that after the move it can be no closer to that vehicle than a follower on the road could be.
 * It enters if its whole body lands on the road (gap >= length), with its front on cell
 * max(v, length) - 1 and speed v. One vehicle per lane per step. (Admitting queued vehicles at
 * rest in front of cell 0 instead caps the inflow at the jam outflow, well below the road's
 * capacity: docs/model.md.) */
ls_status ls_demand_insert_lane(ls_world *w, int lane, int32_t entry_gap)
{
    ls_lane *ln = &w->lane[lane];
    if (ln->q_count == 0) return LS_OK;
    uint32_t h = ln->queue[ln->q_head];
    int type = w->fleet.type[h];
    int32_t len = w->type_length[type];
    if (entry_gap < len) return LS_OK;
    uint16_t vmax = w->fleet.vmax[h];
    int32_t v = entry_gap < vmax ? entry_gap : vmax;
    ls_status st = ls_lane_reserve(ln, 1, 0);
    if (st != LS_OK) return st;
    ls_queue_pop(ln);
    int32_t k = --ln->lo;
    ln->front[k] = (v > len ? v : len) - 1;
    ln->speed[k] = (uint16_t)v;
    ln->vmax[k] = vmax;
    ln->length[k] = (uint16_t)len;
    ln->accel[k] = w->type_accel[type];
    ln->handle[k] = h;
    w->fleet.lane[h] = (int8_t)lane;
    w->fleet.entry_step[h] = w->step;
    w->counts.entered++;
    w->counts.waiting--;
    w->counts.inside++;
    return LS_OK;
}

/* Free cells in front of the entry (before cell 0) up to the rearmost vehicle's rear. */
int32_t ls_demand_entry_gap(const ls_world *w, int lane)
{
    const ls_lane *ln = &w->lane[lane];
    if (w->ring || ls_lane_count(ln) == 0) return INT32_MAX;
    return ln->front[ln->lo] - ln->length[ln->lo] + 1;
}
