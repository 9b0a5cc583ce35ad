/* demand.c: where vehicles come from: initial placement, arrivals at the entry, insertion. */
#include <math.h>
#include <stdlib.h>

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
        if ((st = ls_fleet_new(w, type, lane, 0.0, &h)) != LS_OK) return st;
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
        w->fleet.entry_step[h] = -1; /* on the road at t = 0 */
        w->fleet.entry_lane[h] = (int8_t)lane;
    }
    if (w->has_exits)
        for (int32_t k = ln->lo; k < ln->hi; k++) ls_ramps_destination(w, ln->handle[k], 0);
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

/* The nearest lane the type may drive in and that exists at the start of the road (a lane
 * added further on has no entry); ties go to the right (higher index). */
static int lane_ok(const ls_world *w, uint32_t mask, int lane)
{
    return w->geometry.entry_open[lane] && (!mask || (mask >> lane & 1u));
}

static int allowed_lane(const ls_world *w, int type, int lane)
{
    uint32_t m = w->sc.vehicle_types[type].lanes_mask;
    if (lane_ok(w, m, lane)) return lane;
    for (int d = 1; d < w->lanes; d++) {
        if (lane + d < w->lanes && lane_ok(w, m, lane + d)) return lane + d;
        if (lane - d >= 0 && lane_ok(w, m, lane - d)) return lane - d;
    }
    return lane; /* the loader requires every type to have a lane */
}

/* A vehicle type by the given shares (NULL: the types' own). */
static int draw_type(ls_world *w, const double *mix)
{
    int n = w->sc.vehicle_type_count;
    double u = gsl_rng_uniform(w->rng), cum = 0;
    for (int t = 0; t < n - 1; t++) {
        cum = mix ? cum + mix[t] : w->type_cdf[t];
        if (u < cum) return t;
    }
    return n - 1;
}

static double lane_share(const ls_world *w, int lane)
{
    const ls_demand_def *d = &w->sc.mainline;
    return d->lane_split_count ? d->lane_split[lane] : 1.0 / w->lanes;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* A new vehicle joins the entry queue of a lane, with its origin and destination. */
static ls_status join_queue(ls_world *w, int type, int lane, int origin, double t_a)
{
    uint32_t h;
    ls_status st = ls_fleet_new(w, type, lane, t_a, &h);
    if (st == LS_OK) st = ls_queue_push(&w->lane[lane], h);
    if (st != LS_OK) return st;
    w->fleet.origin[h] = (int8_t)origin;
    if (w->has_exits) ls_ramps_destination(w, h, w->lane[lane].entry_cell);
    w->counts.arrived++;
    w->counts.waiting++;
    return LS_OK;
}

/* Arrival times are drawn this many at a time; a step with more arrivals takes several
 * chunks, so that every arrival joins its queue however large the demand. */
#define ARRIVAL_CHUNK 256

/* Where one stream of arrivals goes: a mainline lane (ramp -1; a type that may not use the
 * lane joins the nearest it may use) or an on-ramp's lane, with its vehicle mix. */
typedef struct arrival_stream {
    int lane, ramp;
    const double *mix; /* NULL: the types' own shares */
} arrival_stream;

static ls_status join_chunk(ls_world *w, const arrival_stream *a, const double *times, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        int type = draw_type(w, a->mix);
        int lane = a->ramp < 0 ? allowed_lane(w, type, a->lane) : a->lane;
        ls_status st = join_queue(w, type, lane, a->ramp, times[i]);
        if (st != LS_OK) return st;
    }
    return LS_OK;
}

/* Poisson: the count is Poisson with mean m (the integral of the lane's rate over the step)
 * and, given the count, the times are independent and uniform, which is a Poisson process
 * (piecewise-constant rate within a step). Up to a chunk they are drawn and sorted; beyond,
 * the same ordered sample is drawn in ascending order (the smallest of k uniforms on [u, 1] is
 * u + (1 - u)(1 - V^(1/k)), V uniform), one chunk at a time. */
static ls_status poisson_arrivals(ls_world *w, const arrival_stream *a, double m, double t0)
{
    double times[ARRIVAL_CHUNK];
    unsigned n = m > 0 ? gsl_ran_poisson(w->rng, m) : 0;
    if (n <= ARRIVAL_CHUNK) {
        for (unsigned i = 0; i < n; i++) times[i] = t0 + gsl_rng_uniform(w->rng) * w->dt_s;
        qsort(times, n, sizeof *times, cmp_double);
        return join_chunk(w, a, times, n);
    }
    double u = 0;
    for (unsigned i = 0; i < n;) {
        unsigned k = 0;
        for (; k < ARRIVAL_CHUNK && i < n; k++, i++) {
            u += (1 - u) * (1 - pow(1 - gsl_rng_uniform(w->rng), 1.0 / (n - i)));
            times[k] = t0 + u * w->dt_s;
        }
        ls_status st = join_chunk(w, a, times, k);
        if (st != LS_OK) return st;
    }
    return LS_OK;
}

/* Regular: a deterministic credit that emits a vehicle each time it passes a whole one, at the
 * moment it does. */
static ls_status regular_arrivals(ls_world *w, const arrival_stream *a, double m, double t0)
{
    ls_lane *ln = &w->lane[a->lane];
    double times[ARRIVAL_CHUNK], c = ln->regular_credit;
    unsigned n = 0, k = 0;
    for (unsigned j = 1; c + m >= j - 1e-9; j++) {
        times[k++] = t0 + w->dt_s * fmin(1.0, (j - c) / m);
        n++;
        if (k < ARRIVAL_CHUNK) continue;
        ls_status st = join_chunk(w, a, times, k);
        if (st != LS_OK) return st;
        k = 0;
    }
    ln->regular_credit = c + m - n;
    return join_chunk(w, a, times, k);
}

/* The arrivals within the step [t0, t0 + dt] of one stream, whose mean count is m. */
static ls_status arrivals(ls_world *w, const arrival_stream *a, double m, double t0)
{
    if (w->sc.mainline.arrivals == LS_ARRIVALS_POISSON) return poisson_arrivals(w, a, m, t0);
    return regular_arrivals(w, a, m, t0);
}

/* On-ramp arrivals, each ramp with its own demand profile and vehicle mix. */
static ls_status ramp_arrivals(ls_world *w, double t0)
{
    for (int r = 0; r < w->sc.ramp_count; r++) {
        const ls_ramp_def *def = &w->sc.ramps[r];
        if (def->kind != LS_RAMP_ON) continue;
        ls_lane *ln = &w->lane[w->ramps[r].lane];
        double m = profile_integral(&def->flow, t0, t0 + w->dt_s) / 3600.0;
        arrival_stream a = {w->ramps[r].lane, r, def->mix_count ? def->mix : NULL};
        int32_t before = ln->q_count;
        ls_status st = m > 0 ? arrivals(w, &a, m, t0) : LS_OK;
        if (st != LS_OK) return st;
        ls_meters_arrived(w, r, before);
        if ((uint64_t)ln->q_count > w->ramps[r].max_waiting) w->ramps[r].max_waiting = ln->q_count;
    }
    return LS_OK;
}

/* Arrivals during this step join the entry queue of their lane, so that the total demand and
 * the vehicle mix stay as given. */
ls_status ls_demand_arrivals(ls_world *w)
{
    if (w->ring) return LS_OK;
    double t0 = (double)w->step * w->dt_s;
    double mean_total = profile_integral(&w->sc.mainline.flow, t0, t0 + w->dt_s) / 3600.0;
    if (mean_total <= 0) return ramp_arrivals(w, t0);
    for (int l = 0; l < w->lanes; l++) {
        arrival_stream a = {l, -1, NULL};
        ls_status st = arrivals(w, &a, mean_total * lane_share(w, l), t0);
        if (st != LS_OK) return st;
    }
    return ramp_arrivals(w, t0);
}

/* The entry. The queue stands for the free-flowing road upstream: a vehicle that arrived at
 * time t_a at the virtual cell -1 would, at the end of this step, have driven vmax (t_end - t_a)
 * / dt cells. It is placed there, so that vehicles are spread in space as they arrived in time
 * (a Poisson demand gives a Poisson stream, up to the spacing the grid imposes), but no closer
 * to the vehicle ahead (the lane's rearmost, or the one that entered just before) than the gap
 * it needs to follow that vehicle at its speed, min(vmax, v_ahead) cells (the NaSch rule lets a
 * vehicle move no further than its gap). It enters when its whole body fits on the road, at
 * speed min(vmax, gap); several vehicles may enter a lane in one step. One that arrived before
 * this step was held back and moves at most max(vmax, length) now. Why the gap: admitting a vehicle
 * closer would make it enter slower than the traffic ahead, and each such entrant slows the next: a
 * burst of Poisson arrivals compresses into a standing jam at the entry whose discharge (the
 * jam outflow) caps the inflow far below the road's capacity (docs/model.md). */
ls_status ls_demand_insert_lane(ls_world *w, int lane)
{
    ls_lane *ln = &w->lane[lane];
    double t_end = (double)(w->step + 1) * w->dt_s;
    int64_t room = INT32_MAX; /* cells before the rear of the vehicle ahead */
    int32_t v_ahead = 0;
    if (ls_lane_count(ln) > 0) {
        room = (int64_t)ln->front[ln->lo] - ln->length[ln->lo] + 1;
        v_ahead = ln->speed[ln->lo];
    }
    /* A metered on-ramp lets one vehicle go per green, from rest at the stop line (the start of
     * the approach), not at the speed of the free road upstream. */
    const int metered = ln->ramp >= 0 && w->meters.m[ln->ramp].kind != LS_METER_NONE;
    while (ln->q_count > 0) {
        if (metered && !ls_meters_may_release(w, lane)) break;
        uint32_t h = ln->queue[ln->q_head];
        int type = w->fleet.type[h];
        int32_t len = w->type_length[type];
        uint16_t vmax = w->fleet.vmax[h];
        double ideal = floor(vmax * (t_end - w->fleet.arrival_s[h]) / w->dt_s + 1e-9) - 1.0;
        /* ...or, a vehicle longer than its vmax, just its whole length (it rolls on over more
         * than one step; placing it at once keeps it from waiting for ever). */
        int32_t furthest = (vmax > len ? vmax : len) - 1;
        if (ideal > furthest) ideal = furthest;
        if (metered) ideal = len - 1;
        ideal += ln->entry_cell; /* on-ramp lanes start at their own first cell */
        int64_t limit = room - 1 - (v_ahead < vmax ? v_ahead : vmax);
        int64_t front = ideal < (double)limit ? (int64_t)ideal : limit;
        if (front < ln->entry_cell + len - 1) break;
        int64_t gap = room - 1 - front;
        uint16_t v = metered ? 0 : gap < vmax ? (uint16_t)gap : vmax;
        ls_status st = ls_lane_insert(ln, ln->lo, (int32_t)front, v, vmax, (uint16_t)len,
                                      w->type_accel[type], h, vmax);
        if (st == LS_OK && ln->ramp >= 0) st = ls_meters_released(w, ln->ramp);
        if (st != LS_OK) return st;
        ls_queue_pop(ln);
        w->fleet.lane[h] = (int8_t)lane;
        w->fleet.entry_step[h] = w->step;
        w->counts.entered++;
        w->counts.waiting--;
        w->counts.inside++;
        room = front - len + 1;
        v_ahead = v;
    }
    return LS_OK;
}
