/* scenario_check.c: rules that tie several keys together, each reported at the offending value. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "decode.h"
#include "lanesim/world.h"

#define SUM_TOLERANCE 1e-6

/* ---- finding the nodes to point at ---- */

static const ls_node *section(const ls_decoder *d, const char *name)
{
    return ls_node_get(d->src->root, name);
}

static const ls_node *key(const ls_decoder *d, const char *sec, const char *name)
{
    return ls_node_get(section(d, sec), name);
}

static const ls_node *mainline(const ls_decoder *d, const char *name)
{
    return ls_node_get(ls_node_get(section(d, "demand"), "mainline"), name);
}

static const ls_node *item_key(const ls_node *list, int i, const char *name)
{
    return ls_node_get(ls_node_item(list, (size_t)i), name);
}

static const ls_node *first_of(const ls_node *a, const ls_node *b)
{
    return a ? a : b;
}

static bool clean(const ls_decoder *d, const char *a, const char *b)
{
    return ls_decoder_clean(d, a) && (!b || ls_decoder_clean(d, b));
}

/* Reports "expected <what>, got <value>" at node n, or, when the key was left out (so its
 * default is the problem), at `fallback` with the value itself. */
static void expect(ls_decoder *d, const ls_node *n, const ls_node *fallback, const char *path,
                   double value, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

static void expect(ls_decoder *d, const ls_node *n, const ls_node *fallback, const char *path,
                   double value, const char *fmt, ...)
{
    char what[256], got[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (n)
        ls_node_describe(n, got, sizeof got);
    else
        ls_num(value, got, sizeof got);
    ls_decoder_report(d, first_of(n, fallback), path, "expected %s, got %s", what, got);
}

/* ---- road and vehicles ---- */

static void check_road_length(ls_decoder *d)
{
    const ls_scenario *s = d->s;
    const ls_node *n = key(d, "road", "length");
    const ls_node *fallback = first_of(key(d, "model", "cell_length"), d->src->root);
    char a[32];
    if (!clean(d, "model.cell_length", "road.length")) return;
    if (s->road.length_m < s->model.cell_length_m) {
        expect(d, n, fallback, "road.length", s->road.length_m,
               "a length of at least %s m (one cell)", ls_num(s->model.cell_length_m, a, 32));
        return;
    }
    if (!clean(d, "vehicles", NULL)) return;
    double longest = 0;
    for (int i = 0; i < s->vehicle_type_count; i++)
        if (s->vehicle_types[i].length_m > longest) longest = s->vehicle_types[i].length_m;
    if (s->road.length_m < longest)
        expect(d, n, section(d, "vehicles"), "road.length", s->road.length_m,
               "a length of at least %s m (the longest vehicle)", ls_num(longest, a, 32));
}

/* ---- the grid: what building the world would refuse, found here where positions are known ---- */

static double road_cells(const ls_scenario *s)
{
    return floor(s->road.length_m / s->model.cell_length_m + 0.5 + 1e-9); /* as world.c */
}

static void check_total_cells(ls_decoder *d)
{
    const ls_scenario *s = d->s;
    if (!clean(d, "model.cell_length", "road.length") || !clean(d, "road.lanes", NULL)) return;
    double cells = road_cells(s);
    if (cells * s->road.lanes <= (double)LS_MAX_TOTAL_CELLS) return;
    const ls_node *n = first_of(key(d, "road", "length"), key(d, "model", "cell_length"));
    ls_decoder_report(d, first_of(n, d->src->root), "road.length",
                      "expected at most %ld cells in all (road.lanes x road.length / "
                      "model.cell_length), got %d lane%s of %.0f cells",
                      LS_MAX_TOTAL_CELLS, s->road.lanes, s->road.lanes > 1 ? "s" : "", cells);
}

/* A speed becomes whole cells per step, rounded: below half a cell per step it would be 0. */
static void check_speed_cells(ls_decoder *d, const ls_node *n, const ls_node *fallback,
                              const char *path, double kmh)
{
    const ls_model_def *m = &d->s->model;
    if (!clean(d, "model.dt", "model.cell_length") || !clean(d, path, NULL)) return;
    if (ls_round_cells(ls_kmh_to_mps(kmh) * m->dt_s / m->cell_length_m) >= 1) return;
    char a[32];
    expect(d, n, fallback, path, kmh,
           "a speed of at least %s km/h (half a cell per step: slower rounds to 0 cells per "
           "step)",
           ls_num(m->cell_length_m / 2 / m->dt_s * 3.6, a, 32));
}

static void check_speeds(ls_decoder *d)
{
    const ls_node *types = section(d, "vehicles"), *zones = section(d, "speed_limits");
    const ls_node *model = section(d, "model");
    char path[64];
    check_speed_cells(d, key(d, "road", "speed_limit"), model, "road.speed_limit",
                      d->s->road.speed_limit_kmh);
    for (int i = 0; i < d->s->vehicle_type_count; i++) {
        snprintf(path, sizeof path, "vehicles[%d].max_speed", i);
        check_speed_cells(d, item_key(types, i, "max_speed"), ls_node_item(types, (size_t)i), path,
                          d->s->vehicle_types[i].max_speed_kmh);
    }
    for (int i = 0; i < d->s->speed_zone_count; i++) {
        snprintf(path, sizeof path, "speed_limits[%d].limit", i);
        check_speed_cells(d, item_key(zones, i, "limit"), ls_node_item(zones, (size_t)i), path,
                          d->s->speed_zones[i].limit_kmh);
    }
}

static void check_vehicle_cells(ls_decoder *d)
{
    const ls_scenario *s = d->s;
    const ls_node *list = section(d, "vehicles");
    double cell = s->model.cell_length_m;
    char a[32], path[64];
    if (!clean(d, "model.cell_length", NULL)) return;
    for (int i = 0; i < s->vehicle_type_count; i++) {
        double len = s->vehicle_types[i].length_m;
        snprintf(path, sizeof path, "vehicles[%d].length", i);
        if (ls_round_cells(len / cell) >= 1 || !clean(d, path, NULL)) continue;
        const ls_node *fallback =
            first_of(ls_node_item(list, (size_t)i), key(d, "model", "cell_length"));
        expect(d, item_key(list, i, "length"), fallback, path, len,
               "a length of at least %s m (half a cell: shorter rounds to 0 cells)",
               ls_num(cell / 2, a, 32));
    }
}

static void check_shares(ls_decoder *d)
{
    const ls_scenario *s = d->s;
    double sum = 0;
    if (!clean(d, "vehicles", NULL)) return;
    for (int i = 0; i < s->vehicle_type_count; i++) sum += s->vehicle_types[i].share;
    if (fabs(sum - 1) > SUM_TOLERANCE)
        ls_decoder_report(d, section(d, "vehicles"), "vehicles",
                          "expected shares that sum to 1, got a sum of %.10g", sum);
}

static void check_lanes_reachable(ls_decoder *d)
{
    const ls_scenario *s = d->s;
    uint32_t open = 0;
    char missing[128] = "";
    int count = 0;
    if (!clean(d, "road.lanes", "vehicles")) return;
    for (int i = 0; i < s->vehicle_type_count; i++)
        open |= s->vehicle_types[i].lanes_mask ? s->vehicle_types[i].lanes_mask : UINT32_MAX;
    for (int lane = 1; lane <= s->road.lanes; lane++) {
        if (open & (1u << (lane - 1))) continue;
        size_t used = strlen(missing);
        snprintf(missing + used, sizeof missing - used, "%s%d", count++ ? ", " : "", lane);
    }
    if (count)
        ls_decoder_report(d, section(d, "vehicles"), "vehicles",
                          "expected every lane open to at least one vehicle type, got none for "
                          "lane%s %s",
                          count > 1 ? "s" : "", missing);
}

/* ---- demand ---- */

static void check_lane_split(ls_decoder *d)
{
    const ls_demand_def *m = &d->s->mainline;
    const ls_node *n = mainline(d, "lane_split");
    const char *path = "demand.mainline.lane_split";
    if (m->lane_split_count == 0 || !clean(d, "road.lanes", path)) return;
    if (m->lane_split_count != d->s->road.lanes) {
        ls_decoder_report(d, n, path, "expected %d lane shares (one per lane), got %d",
                          d->s->road.lanes, m->lane_split_count);
        return;
    }
    double sum = 0;
    for (int i = 0; i < m->lane_split_count; i++) sum += m->lane_split[i];
    if (fabs(sum - 1) > SUM_TOLERANCE)
        ls_decoder_report(d, n, path, "expected lane shares that sum to 1, got a sum of %.10g",
                          sum);
}

/* The node of point i's `key`, or the whole flow when it was given as one number. */
static const ls_node *point_node(const ls_decoder *d, int i, const char *name, char *path,
                                 size_t size)
{
    const ls_node *flow = mainline(d, "flow");
    if (!flow || flow->kind != LS_NODE_SEQUENCE) {
        snprintf(path, size, "demand.mainline.flow");
        return flow;
    }
    snprintf(path, size, "demand.mainline.flow[%d].%s", i, name);
    return item_key(flow, i, name);
}

static void check_profile(ls_decoder *d)
{
    const ls_profile *p = &d->s->mainline.flow;
    char path[96], a[32];
    if (!clean(d, "demand.mainline.flow", NULL)) return;
    for (int i = 1; i < p->count; i++) {
        if (p->points[i].t_s > p->points[i - 1].t_s) continue;
        const ls_node *n = point_node(d, i, "t", path, sizeof path);
        expect(d, n, NULL, path, p->points[i].t_s, "a time after %s s (the previous point)",
               ls_num(p->points[i - 1].t_s, a, 32));
    }
}

static void check_ring(ls_decoder *d)
{
    const ls_profile *p = &d->s->mainline.flow;
    char path[96];
    if (!d->s->road.ring || !clean(d, "road.ring", "demand.mainline.flow")) return;
    for (int i = 0; i < p->count; i++) {
        if (p->points[i].flow_vph == 0) continue;
        const ls_node *n = point_node(d, i, "flow", path, sizeof path);
        expect(d, n, key(d, "road", "ring"), path, p->points[i].flow_vph,
               "a flow of 0 on a ring road (a ring has no entry)");
        return;
    }
}

/* ---- demand beyond what the entries take in ---- */

static double flow_at(const ls_profile *p, double t)
{
    const ls_profile_point *q = p->points;
    if (t <= q[0].t_s) return q[0].flow_vph;
    for (int i = 1; i < p->count; i++)
        if (t <= q[i].t_s)
            return q[i - 1].flow_vph + (q[i].flow_vph - q[i - 1].flow_vph) * (t - q[i - 1].t_s) /
                                           (q[i].t_s - q[i - 1].t_s);
    return q[p->count - 1].flow_vph;
}

/* Vehicles the profile brings over [0, b]: trapezoids between its points, exact for a
 * piecewise-linear profile that is constant outside them. */
static double arrivals_until(const ls_profile *p, double b)
{
    double sum = 0, t = 0;
    for (int i = 0; i <= p->count; i++) {
        double next = i < p->count ? fmin(fmax(p->points[i].t_s, 0), b) : b;
        if (next <= t) continue;
        sum += (next - t) * (flow_at(p, t) + flow_at(p, next)) / 2;
        t = next;
    }
    return sum / 3600;
}

/* The most vehicles a lane's entry takes in per step: they enter nose to tail within the first
 * max(vmax, length) cells (sim/demand.c), so at most max(vmax, length) / length of them. */
static int64_t entry_per_step(const ls_scenario *s)
{
    const ls_model_def *m = &s->model;
    int64_t road =
        ls_round_cells(ls_kmh_to_mps(s->road.speed_limit_kmh) * m->dt_s / m->cell_length_m);
    int64_t most = 1;
    for (int t = 0; t < s->vehicle_type_count; t++) {
        const ls_vehicle_type_def *v = &s->vehicle_types[t];
        int64_t vm = ls_round_cells(ls_kmh_to_mps(v->max_speed_kmh) * m->dt_s / m->cell_length_m);
        int64_t len = ls_round_cells(v->length_m / m->cell_length_m);
        if (vm > road) vm = road;
        if (len >= 1 && (vm > len ? vm : len) / len > most) most = (vm > len ? vm : len) / len;
    }
    return most;
}

/* A demand whose arrivals exceed, over the run, what its entry lanes could take in even at the
 * most by more than the vehicles the engine holds is refused: it would only grow a queue. */
static void check_waiting(ls_decoder *d, const ls_node *n, const char *path, const ls_profile *p,
                          int lanes)
{
    const ls_scenario *s = d->s;
    if (!clean(d, path, "simulation") || !clean(d, "model", "vehicles") || !clean(d, "road", NULL))
        return;
    double steps = floor(s->simulation.duration_s / s->model.dt_s + 0.5 + 1e-9);
    int64_t per_step = entry_per_step(s);
    double arrive = arrivals_until(p, steps * s->model.dt_s);
    double waiting = arrive - (double)per_step * lanes * steps;
    if (waiting <= (double)LS_MAX_VEHICLES) return;
    ls_decoder_report(d, first_of(n, section(d, "demand")), path,
                      "expected a demand that leaves at most %ld vehicles waiting to enter, got "
                      "one that leaves at least %.3g (%.3g arrive in %.10g s; the entry takes in "
                      "at most %lld per lane per step)",
                      LS_MAX_VEHICLES, waiting, arrive, steps * s->model.dt_s, (long long)per_step);
}

static void check_demand_size(ls_decoder *d)
{
    const ls_node *ramps = section(d, "ramps");
    char path[64];
    if (!d->s->road.ring)
        check_waiting(d, mainline(d, "flow"), "demand.mainline.flow", &d->s->mainline.flow,
                      d->s->road.lanes);
    for (int i = 0; i < d->s->ramp_count; i++) {
        if (d->s->ramps[i].kind != LS_RAMP_ON) continue;
        snprintf(path, sizeof path, "ramps[%d].flow", i);
        check_waiting(d, item_key(ramps, i, "flow"), path, &d->s->ramps[i].flow, 1);
    }
}

/* ---- initial state, detectors, simulation ---- */

static void check_density(ls_decoder *d)
{
    const ls_scenario *s = d->s;
    double cell = s->model.cell_length_m, mean = 0;
    if (!clean(d, "model.cell_length", "vehicles") || !clean(d, "initial", NULL)) return;
    for (int i = 0; i < s->vehicle_type_count; i++)
        mean += s->vehicle_types[i].share * ls_round_cells(s->vehicle_types[i].length_m / cell);
    double per_cell = s->initial.per_km ? s->initial.density * cell / 1000 : s->initial.density;
    if (mean <= 0 || per_cell * mean <= 1 + 1e-9) return;
    double most = s->initial.per_km ? 1000 / (cell * mean) : 1 / mean;
    expect(d, key(d, "initial", "density"), NULL, "initial.density", s->initial.density,
           "a density of at most %.6g %s (the vehicles must fit)", most,
           s->initial.per_km ? "veh/km" : "veh/cell");
}

static void check_initial_count(ls_decoder *d)
{
    const ls_scenario *s = d->s;
    if (!clean(d, "model.cell_length", "road") || !clean(d, "initial", NULL)) return;
    double per_cell =
        s->initial.per_km ? s->initial.density * s->model.cell_length_m / 1000 : s->initial.density;
    double n = per_cell * road_cells(s) * s->road.lanes; /* as world.c */
    if (n <= (double)LS_MAX_VEHICLES) return;
    ls_decoder_report(d, key(d, "initial", "density"), "initial.density",
                      "expected a density that places at most %ld vehicles, got one that places "
                      "%.0f",
                      LS_MAX_VEHICLES, n);
}

static void check_detectors(ls_decoder *d)
{
    const ls_scenario *s = d->s;
    const ls_node *list = section(d, "detectors");
    char a[32], path[64];
    for (int i = 0; i < s->detector_count; i++) {
        const ls_detector_def *det = &s->detectors[i];
        snprintf(path, sizeof path, "detectors[%d]", i);
        if (!clean(d, path, NULL)) continue;
        if (clean(d, "road.length", NULL) && det->at_m >= s->road.length_m) {
            snprintf(path, sizeof path, "detectors[%d].at", i);
            expect(d, item_key(list, i, "at"), NULL, path, det->at_m,
                   "a length from 0 to below %s m (the road length)",
                   ls_num(s->road.length_m, a, 32));
        }
        if (clean(d, "model.dt", NULL) && det->period_s < s->model.dt_s) {
            snprintf(path, sizeof path, "detectors[%d].period", i);
            expect(d, item_key(list, i, "period"), key(d, "model", "dt"), path, det->period_s,
                   "a time of at least %s s (model.dt)", ls_num(s->model.dt_s, a, 32));
        }
    }
}

static void check_blockage(ls_decoder *d, const ls_node *list, int i)
{
    const ls_blockage_def *b = &d->s->blockages[i];
    char a[32], path[64];
    const ls_node *item = ls_node_item(list, (size_t)i);
    if (b->lanes_mask == 0) {
        snprintf(path, sizeof path, "blockages[%d].lanes", i);
        ls_decoder_report(d, first_of(item_key(list, i, "lanes"), item), path,
                          "expected at least one closed lane, got none");
    }
    if (clean(d, "road.length", NULL) && b->from_m >= d->s->road.length_m) {
        snprintf(path, sizeof path, "blockages[%d].from", i);
        expect(d, item_key(list, i, "from"), item, path, b->from_m,
               "a length from 0 to below %s m (the road length)",
               ls_num(d->s->road.length_m, a, 32));
    } else if (b->to_m <= b->from_m ||
               (clean(d, "road.length", NULL) && b->to_m > d->s->road.length_m)) {
        char c[32];
        snprintf(path, sizeof path, "blockages[%d].to", i);
        expect(d, item_key(list, i, "to"), item, path, b->to_m,
               "a length above %s m (from) and up to %s m (the road length)",
               ls_num(b->from_m, a, 32), ls_num(d->s->road.length_m, c, 32));
    } else if (clean(d, "model.cell_length", NULL) &&
               (b->to_m - b->from_m) / d->s->model.cell_length_m > LS_MAX_CELL_SPEED) {
        snprintf(path, sizeof path, "blockages[%d].to", i);
        expect(d, item_key(list, i, "to"), item, path, b->to_m,
               "a length up to %.10g m (from + %d cells, the longest closed stretch)",
               b->from_m + LS_MAX_CELL_SPEED * d->s->model.cell_length_m, LS_MAX_CELL_SPEED);
    }
    if (b->end_s <= b->start_s) {
        snprintf(path, sizeof path, "blockages[%d].end", i);
        expect(d, item_key(list, i, "end"), item, path, b->end_s, "a time after %s s (start)",
               ls_num(b->start_s, a, 32));
    }
}

static void check_blockages(ls_decoder *d)
{
    const ls_node *list = section(d, "blockages");
    char path[64];
    for (int i = 0; i < d->s->blockage_count; i++) {
        snprintf(path, sizeof path, "blockages[%d]", i);
        if (clean(d, path, NULL)) check_blockage(d, list, i);
    }
}

/* A position that must lie on the road: [0, length) or, with `upto`, (0, length]. */
static void check_on_road(ls_decoder *d, const ls_node *list, int i, const char *key,
                          const char *noun, double x, int upto)
{
    double len = d->s->road.length_m;
    if (!clean(d, "road.length", NULL) || (upto ? x <= len : x < len)) return;
    char a[32], path[80];
    snprintf(path, sizeof path, "%s[%d].%s", noun, i, key);
    expect(d, item_key(list, i, key), ls_node_item(list, (size_t)i), path, x,
           upto ? "a length up to %s m (the road length)"
                : "a length from 0 to below %s m (the road length)",
           ls_num(len, a, 32));
}

static void check_ramp_mix(ls_decoder *d, const ls_node *list, int i)
{
    const ls_ramp_def *r = &d->s->ramps[i];
    char path[80];
    snprintf(path, sizeof path, "ramps[%d].vehicle_shares", i);
    const ls_node *n = item_key(list, i, "vehicle_shares");
    if (r->mix_count == 0 || !clean(d, "vehicles", path)) return;
    if (r->mix_count != d->s->vehicle_type_count) {
        ls_decoder_report(d, n, path, "expected %d shares (one per vehicle type), got %d",
                          d->s->vehicle_type_count, r->mix_count);
        return;
    }
    double sum = 0;
    for (int k = 0; k < r->mix_count; k++) sum += r->mix[k];
    if (fabs(sum - 1) > SUM_TOLERANCE) {
        char a[32];
        ls_decoder_report(d, n, path, "expected shares that sum to 1, got a sum of %s",
                          ls_num(sum, a, 32));
    }
}

/* The acceleration lane of an on-ramp must end on the road; its start was checked first. */
static void check_ramp_end(ls_decoder *d, const ls_node *list, int i)
{
    const ls_ramp_def *r = &d->s->ramps[i];
    double road = d->s->road.length_m, end = r->at_m + r->length_m;
    if (!clean(d, "road.length", NULL) || r->at_m >= road || end <= road) return;
    char path[80], got[160];
    const ls_node *n = item_key(list, i, "length");
    snprintf(path, sizeof path, "ramps[%d].length", i);
    if (n)
        ls_node_describe(n, got, sizeof got);
    else
        snprintf(got, sizeof got, "%.10g m (the default)", r->length_m);
    ls_decoder_report(d, first_of(n, ls_node_item(list, (size_t)i)), path,
                      "the acceleration lane ends at %.10g m, past the road's end at %.10g m; "
                      "expected a length up to %.10g m, got %s",
                      end, road, road - r->at_m, got);
}

/* A ramp meter: only on an on-ramp; alinea needs a detector at or downstream of the gore;
 * rates in order. */
static void check_meter(ls_decoder *d, const ls_node *list, int i)
{
    const ls_ramp_def *r = &d->s->ramps[i];
    const ls_meter_def *m = &r->meter;
    const ls_node *meter = item_key(list, i, "meter");
    char path[96], a[32], b[32];
    if (m->kind == LS_METER_NONE) return;
    snprintf(path, sizeof path, "ramps[%d].meter.kind", i);
    if (r->kind != LS_RAMP_ON) {
        ls_decoder_report(d, first_of(ls_node_get(meter, "kind"), meter), path,
                          "expected a meter on an on-ramp only, got one on off-ramp \"%s\"",
                          r->name);
        return;
    }
    snprintf(path, sizeof path, "ramps[%d].meter.min_rate", i);
    if (m->min_rate > m->max_rate)
        ls_decoder_report(d, first_of(ls_node_get(meter, "min_rate"), meter), path,
                          "expected a rate up to max_rate (%s veh/h), got %s",
                          ls_num(m->max_rate, a, 32), ls_num(m->min_rate, b, 32));
    if (m->kind != LS_METER_ALINEA) return;
    snprintf(path, sizeof path, "ramps[%d].meter.detector", i);
    const ls_node *dn = first_of(ls_node_get(meter, "detector"), meter);
    int found = -1;
    for (int k = 0; k < d->s->detector_count; k++)
        if (strcmp(d->s->detectors[k].name, m->detector) == 0) found = k;
    if (found < 0) {
        ls_decoder_report(d, dn, path, "expected the name of a detector, got \"%s\"", m->detector);
        return;
    }
    if (d->s->detectors[found].at_m < r->at_m)
        ls_decoder_report(d, dn, path,
                          "expected a detector at or downstream of the merge (%s m), got \"%s\" "
                          "at %s m",
                          ls_num(r->at_m, a, 32), m->detector,
                          ls_num(d->s->detectors[found].at_m, b, 32));
    snprintf(path, sizeof path, "ramps[%d].meter.period", i);
    if (clean(d, "model.dt", NULL) && m->period_s < d->s->model.dt_s)
        ls_decoder_report(d, first_of(ls_node_get(meter, "period"), meter), path,
                          "expected a time of at least %s s (model.dt), got %s",
                          ls_num(d->s->model.dt_s, a, 32), ls_num(m->period_s, b, 32));
}

static void check_ramps(ls_decoder *d)
{
    const ls_node *list = section(d, "ramps");
    char path[64];
    for (int i = 0; i < d->s->ramp_count; i++) {
        const ls_ramp_def *r = &d->s->ramps[i];
        snprintf(path, sizeof path, "ramps[%d]", i);
        if (!clean(d, path, NULL)) continue;
        if (d->s->road.ring && clean(d, "road.ring", NULL)) {
            ls_decoder_report(d, ls_node_item(list, (size_t)i), path,
                              "expected no ramps on a ring road (it has no entry or exit)");
            continue;
        }
        check_on_road(d, list, i, "at", "ramps", r->at_m, 0);
        if (r->kind == LS_RAMP_ON && !d->s->lane_change.enabled &&
            clean(d, "lane_change.enabled", NULL)) {
            /* Its vehicles would wait at the end of the acceleration lane for ever. */
            char kpath[64];
            snprintf(kpath, sizeof kpath, "ramps[%d].kind", i);
            ls_decoder_report(d, first_of(item_key(list, i, "kind"), ls_node_item(list, (size_t)i)),
                              kpath,
                              "expected lane_change.enabled: true with an on-ramp (its vehicles "
                              "join the road by changing lanes), got lane changes off");
        }
        if (r->kind == LS_RAMP_ON) {
            check_ramp_end(d, list, i);
            check_ramp_mix(d, list, i);
        }
        check_meter(d, list, i);
    }
}

static void check_speed_zones(ls_decoder *d)
{
    const ls_node *list = section(d, "speed_limits");
    char a[32], path[64];
    for (int i = 0; i < d->s->speed_zone_count; i++) {
        const ls_speed_zone_def *z = &d->s->speed_zones[i];
        snprintf(path, sizeof path, "speed_limits[%d]", i);
        if (!clean(d, path, NULL)) continue;
        check_on_road(d, list, i, "from", "speed_limits", z->from_m, 0);
        if (z->to_m <= z->from_m) {
            snprintf(path, sizeof path, "speed_limits[%d].to", i);
            expect(d, item_key(list, i, "to"), NULL, path, z->to_m, "a length above %s m (from)",
                   ls_num(z->from_m, a, 32));
        } else if (z->from_m < d->s->road.length_m) { /* else `from` was the mistake */
            check_on_road(d, list, i, "to", "speed_limits", z->to_m, 1);
        }
    }
}

static void check_lane_ends(ls_decoder *d, const char *noun, const ls_lane_end_def *e, int n)
{
    const ls_node *list = section(d, noun);
    char path[64];
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s[%d]", noun, i);
        if (!clean(d, path, NULL)) continue;
        if (d->s->road.ring && clean(d, "road.ring", NULL))
            ls_decoder_report(d, ls_node_item(list, (size_t)i), path,
                              "expected no lane drops or adds on a ring road");
        else
            check_on_road(d, list, i, "at", noun, e[i].at_m, 0);
        if (clean(d, "road.lanes", NULL) && e[i].lane > d->s->road.lanes) {
            snprintf(path, sizeof path, "%s[%d].lane", noun, i);
            expect(d, item_key(list, i, "lane"), NULL, path, e[i].lane,
                   "an integer from 1 to %d (road.lanes)", d->s->road.lanes);
        }
    }
}

static void check_field(ls_decoder *d)
{
    char a[32];
    if (clean(d, "model.dt", "field.period") && d->s->field.period_s < d->s->model.dt_s)
        expect(d, key(d, "field", "period"), key(d, "model", "dt"), "field.period",
               d->s->field.period_s, "a time of at least %s s (model.dt)",
               ls_num(d->s->model.dt_s, a, 32));
}

static void check_simulation(ls_decoder *d)
{
    const ls_simulation_def *sim = &d->s->simulation;
    char a[32];
    if (!clean(d, "simulation.duration", NULL)) return;
    if (clean(d, "simulation.warmup", NULL) && sim->warmup_s >= sim->duration_s)
        expect(d, key(d, "simulation", "warmup"), key(d, "simulation", "duration"),
               "simulation.warmup", sim->warmup_s,
               "a time from 0 to below %s s (simulation.duration)", ls_num(sim->duration_s, a, 32));
    if (clean(d, "model.dt", NULL) && sim->duration_s < d->s->model.dt_s)
        expect(d, key(d, "simulation", "duration"), key(d, "model", "dt"), "simulation.duration",
               sim->duration_s, "a time of at least %s s (model.dt)",
               ls_num(d->s->model.dt_s, a, 32));
}

/* Order matters: a rule skips sections with problems, including those found by the rules
 * before it (shares that do not sum to 1 make the mean vehicle length meaningless). */
void ls_check_scenario(ls_decoder *d)
{
    check_road_length(d);
    check_total_cells(d);
    check_speeds(d);
    check_vehicle_cells(d);
    check_shares(d);
    check_lanes_reachable(d);
    check_lane_split(d);
    check_profile(d);
    check_ring(d);
    check_demand_size(d);
    check_density(d);
    check_initial_count(d);
    check_detectors(d);
    check_blockages(d);
    check_ramps(d);
    check_speed_zones(d);
    check_lane_ends(d, "lane_drops", d->s->lane_drops, d->s->lane_drop_count);
    check_lane_ends(d, "lane_adds", d->s->lane_adds, d->s->lane_add_count);
    check_field(d);
    check_simulation(d);
    ls_check_strategies(d);
}
