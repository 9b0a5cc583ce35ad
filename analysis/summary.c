/* summary.c: the measured results of a run, as JSON and as a table. */
#include "summary.h"

#include <stdbool.h>
#include <string.h>

/* Every builder below returns NULL when any part of its object could not be allocated: a
 * summary missing a field must not be written as if it were whole. */

static bool add_num(cJSON *o, const char *key, double v)
{
    return cJSON_AddNumberToObject(o, key, v) != NULL;
}

/* Adds `item` to `arr` (or to `obj` under `key`); on failure frees it. False when it was NULL. */
static bool attach(cJSON *parent, const char *key, cJSON *item)
{
    bool ok = item &&
              (key ? cJSON_AddItemToObject(parent, key, item) : cJSON_AddItemToArray(parent, item));
    if (!ok) cJSON_Delete(item);
    return ok;
}

static cJSON *lane_json(const ls_world *w, int l)
{
    ls_lane_stats st = ls_world_lane_stats(w, l);
    cJSON *o = cJSON_CreateObject();
    bool ok = o && add_num(o, "lane", l + 1) && add_num(o, "flow_vph", st.flow_vph) &&
              add_num(o, "speed_kmh", st.speed_kmh) &&
              add_num(o, "density_vpkm", st.density_vpkm) &&
              add_num(o, "flow_per_step", st.flow_per_step) &&
              add_num(o, "density_per_cell", st.density_per_cell) &&
              add_num(o, "lane_changes", (double)st.lane_changes);
    if (!ok) cJSON_Delete(o);
    return ok ? o : NULL;
}

static cJSON *lanes_json(const ls_world *w)
{
    cJSON *lanes = cJSON_CreateArray();
    ls_world_info info = ls_world_get_info(w);
    for (int l = 0; l < info.lanes && lanes; l++) {
        if (attach(lanes, NULL, lane_json(w, l))) continue;
        cJSON_Delete(lanes);
        lanes = NULL;
    }
    return lanes;
}

static cJSON *detector_json(const ls_detector_def *def, int lane, const ls_detector_record *r)
{
    cJSON *o = cJSON_CreateObject();
    bool ok = o && cJSON_AddStringToObject(o, "name", def->name) &&
              add_num(o, "position_m", def->at_m) && add_num(o, "lane", lane + 1) &&
              add_num(o, "count", r->count) && add_num(o, "flow_vph", r->flow_vph) &&
              add_num(o, "speed_kmh", r->speed_kmh) && add_num(o, "occupancy", r->occupancy);
    if (!ok) cJSON_Delete(o);
    return ok ? o : NULL;
}

static cJSON *detectors_json(const ls_world *w, const ls_scenario *s)
{
    cJSON *arr = cJSON_CreateArray();
    for (int d = 0; d < s->detector_count && arr; d++) {
        for (int l = 0; l < s->road.lanes && arr; l++) {
            ls_detector_record r;
            if (!ls_world_detector_has_lane(w, d, l)) continue;
            if (ls_world_detector_summary(w, d, l, &r) != LS_OK) continue;
            if (attach(arr, NULL, detector_json(&s->detectors[d], l, &r))) continue;
            cJSON_Delete(arr);
            arr = NULL;
        }
    }
    return arr;
}

static cJSON *vehicles_json(const ls_world *w)
{
    ls_counts c = ls_world_counts(w);
    cJSON *v = cJSON_CreateObject();
    bool ok = v && add_num(v, "initial", (double)c.initial) &&
              add_num(v, "arrived", (double)c.arrived) &&
              add_num(v, "entered", (double)c.entered) && add_num(v, "exited", (double)c.exited) &&
              add_num(v, "inside", (double)c.inside) && add_num(v, "waiting", (double)c.waiting) &&
              add_num(v, "missed_exits", (double)c.missed_exits);
    if (!ok) cJSON_Delete(v);
    return ok ? v : NULL;
}

static cJSON *tenths_json(const ls_ramp_stats *st)
{
    cJSON *arr = cJSON_CreateArray();
    for (int k = 0; k < 10 && arr; k++) {
        if (attach(arr, NULL, cJSON_CreateNumber((double)st->merge_tenths[k]))) continue;
        cJSON_Delete(arr);
        arr = NULL;
    }
    return arr;
}

/* An on-ramp's queue over the measured time: releases (at its meter, if it has one), queue,
 * waits and spillback. */
static bool queue_json(const ls_world *w, const ls_ramp_def *def, int r, cJSON *o)
{
    ls_meter_stats m;
    if (ls_world_meter_stats(w, r, &m) != LS_OK) return false;
    static const char *const kinds[] = {"none", "fixed", "alinea"};
    return cJSON_AddStringToObject(o, "meter", kinds[def->meter.kind]) &&
           add_num(o, "released", (double)m.released) &&
           add_num(o, "mean_release_rate_vph", m.mean_rate_vph) &&
           add_num(o, "max_release_rate_vph", m.max_rate_vph) &&
           add_num(o, "mean_queue", m.mean_queue) && add_num(o, "max_queue", m.max_queue) &&
           add_num(o, "mean_wait_s", m.mean_wait_s) && add_num(o, "p95_wait_s", m.p95_wait_s) &&
           add_num(o, "spillback", (double)m.spillback) &&
           add_num(o, "mean_street_wait_s", m.mean_street_wait_s);
}

/* An on-ramp: its queue now and at its longest, its merges and where they happened, its meter
 * and waits; an off-ramp: the vehicles that took it and those bound for it that missed it. */
static cJSON *ramp_json(const ls_world *w, const ls_ramp_def *def, int r)
{
    ls_ramp_stats st = ls_world_ramp_stats(w, r);
    cJSON *o = cJSON_CreateObject();
    int on = def->kind == LS_RAMP_ON;
    bool ok = o && cJSON_AddStringToObject(o, "name", def->name) &&
              cJSON_AddStringToObject(o, "kind", on ? "on" : "off") &&
              add_num(o, "position_m", def->at_m);
    if (ok && on)
        ok = add_num(o, "waiting", (double)st.waiting) &&
             add_num(o, "max_waiting", (double)st.max_waiting) &&
             add_num(o, "merges", (double)st.merges) &&
             add_num(o, "mean_merge_position_m", st.mean_merge_m) &&
             attach(o, "merges_per_tenth", tenths_json(&st)) && queue_json(w, def, r, o);
    else if (ok)
        ok = add_num(o, "exited", (double)st.exited) && add_num(o, "missed", (double)st.missed);
    if (!ok) cJSON_Delete(o);
    return ok ? o : NULL;
}

static cJSON *ramps_json(const ls_world *w, const ls_scenario *s)
{
    cJSON *arr = cJSON_CreateArray();
    for (int r = 0; r < s->ramp_count && arr; r++) {
        if (attach(arr, NULL, ramp_json(w, &s->ramps[r], r))) continue;
        cJSON_Delete(arr);
        arr = NULL;
    }
    return arr;
}

static cJSON *od_pair_json(const ls_scenario *s, int o, int d, uint64_t n, double mean)
{
    cJSON *x = cJSON_CreateObject();
    bool ok = x && cJSON_AddStringToObject(x, "origin", o < 0 ? "mainline" : s->ramps[o].name) &&
              cJSON_AddStringToObject(x, "destination", d < 0 ? "end" : s->ramps[d].name) &&
              add_num(x, "trips", (double)n) && add_num(x, "mean_travel_time_s", mean);
    if (!ok) cJSON_Delete(x);
    return ok ? x : NULL;
}

/* Trips that ended after the warm-up, per origin and destination, with their mean travel time. */
static cJSON *od_json(const ls_world *w, const ls_scenario *s)
{
    cJSON *arr = cJSON_CreateArray();
    for (int o = -1; o < s->ramp_count && arr; o++) {
        if (o >= 0 && s->ramps[o].kind != LS_RAMP_ON) continue;
        for (int d = -1; d < s->ramp_count && arr; d++) {
            if (d >= 0 && s->ramps[d].kind != LS_RAMP_OFF) continue;
            double mean;
            uint64_t n = ls_world_od(w, o, d, &mean);
            if (n == 0 || attach(arr, NULL, od_pair_json(s, o, d, n, mean))) continue;
            cJSON_Delete(arr);
            arr = NULL;
        }
    }
    return arr;
}

cJSON *ls_summary_json(const ls_world *w, const ls_scenario *s, double wall_seconds)
{
    cJSON *root = cJSON_CreateObject();
    if (!root) return NULL;
    uint64_t updates = ls_world_vehicle_updates(w);
    bool ok = cJSON_AddStringToObject(root, "scenario", s->name) &&
              add_num(root, "seed", (double)s->simulation.seed) &&
              add_num(root, "simulated_s", ls_world_time(w)) &&
              add_num(root, "warmup_s", s->simulation.warmup_s) &&
              attach(root, "lanes", lanes_json(w)) &&
              attach(root, "detectors", detectors_json(w, s)) &&
              attach(root, "vehicles", vehicles_json(w)) &&
              attach(root, "ramps", ramps_json(w, s)) && attach(root, "od", od_json(w, s)) &&
              add_num(root, "trips", (double)ls_world_trip_count(w)) &&
              add_num(root, "mean_travel_time_s", ls_world_mean_travel_time(w)) &&
              add_num(root, "vehicle_steps", (double)updates) &&
              add_num(root, "total_time_spent_veh_h", ls_world_totals(w).time_spent_veh_h) &&
              add_num(root, "total_distance_veh_km", ls_world_totals(w).distance_veh_km) &&
              /* The wall-clock fields are the only ones that differ between identical runs. */
              add_num(root, "wall_seconds", wall_seconds) &&
              add_num(root, "vehicle_updates_per_second",
                      wall_seconds > 0 ? (double)updates / wall_seconds : 0);
    if (!ok) cJSON_Delete(root);
    return ok ? root : NULL;
}

static double num(const cJSON *o, const char *key)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(x) ? x->valuedouble : 0;
}

/* On-ramps' queues: meter, release rate, queue, waits, spillback. */
static void print_queues(const cJSON *ramps, FILE *out)
{
    fprintf(out,
            "\non-ramp               meter   release veh/h  queue veh   wait s     spillback\n"
            "                              mean    max   mean  max   mean   p95  veh  wait s\n");
    const cJSON *r;
    cJSON_ArrayForEach(r, ramps)
    {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(r, "name");
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(r, "meter");
        if (!cJSON_IsString(m)) continue;
        fprintf(out, "%-20s  %-6s  %6.0f %6.0f  %5.1f %4.0f  %5.0f %5.0f %4.0f  %6.0f\n",
                cJSON_IsString(n) ? n->valuestring : "?", m->valuestring,
                num(r, "mean_release_rate_vph"), num(r, "max_release_rate_vph"),
                num(r, "mean_queue"), num(r, "max_queue"), num(r, "mean_wait_s"),
                num(r, "p95_wait_s"), num(r, "spillback"), num(r, "mean_street_wait_s"));
    }
}

static void print_ramps(const cJSON *ramps, FILE *out)
{
    if (cJSON_GetArraySize(ramps) == 0) return;
    fprintf(out,
            "\nramp                  kind  position m  merged/exited  waiting (max)  missed\n");
    const cJSON *r;
    cJSON_ArrayForEach(r, ramps)
    {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(r, "name");
        const cJSON *k = cJSON_GetObjectItemCaseSensitive(r, "kind");
        const char *name = cJSON_IsString(n) ? n->valuestring : "?";
        if (cJSON_IsString(k) && strcmp(k->valuestring, "on") == 0)
            fprintf(out, "%-20s  on    %10.0f  %13.0f  %6.0f (%5.0f)       -\n", name,
                    num(r, "position_m"), num(r, "merges"), num(r, "waiting"),
                    num(r, "max_waiting"));
        else
            fprintf(out, "%-20s  off   %10.0f  %13.0f              -  %6.0f\n", name,
                    num(r, "position_m"), num(r, "exited"), num(r, "missed"));
    }
    int on = 0;
    cJSON_ArrayForEach(r, ramps) on += cJSON_IsString(cJSON_GetObjectItemCaseSensitive(r, "meter"));
    if (on) print_queues(ramps, out);
}

void ls_summary_print_table(const cJSON *sum, FILE *out)
{
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(sum, "scenario");
    fprintf(out, "%s: %.0f s simulated (statistics after %.0f s), seed %.0f\n\n",
            cJSON_IsString(name) ? name->valuestring : "?", num(sum, "simulated_s"),
            num(sum, "warmup_s"), num(sum, "seed"));
    /* The two speeds differ (on a congested ring by a third): the second header line says
     * which mean each is, right-aligned under "speed km/h". */
    fprintf(out, "lane  flow veh/h  speed km/h  density veh/km  lane changes\n"
                 "                  space-mean\n");
    const cJSON *l;
    double flow = 0, dens = 0;
    cJSON_ArrayForEach(l, cJSON_GetObjectItemCaseSensitive(sum, "lanes"))
    {
        fprintf(out, "%4.0f  %10.1f  %10.1f  %14.2f  %12.0f\n", num(l, "lane"), num(l, "flow_vph"),
                num(l, "speed_kmh"), num(l, "density_vpkm"), num(l, "lane_changes"));
        flow += num(l, "flow_vph");
        dens += num(l, "density_vpkm");
    }
    fprintf(out, " all  %10.1f  %10.1f  %14.2f\n", flow, dens > 0 ? flow / dens : 0, dens);
    const cJSON *dets = cJSON_GetObjectItemCaseSensitive(sum, "detectors");
    if (cJSON_GetArraySize(dets) > 0) {
        fprintf(out, "\ndetector        position m  lane  flow veh/h  speed km/h  occupancy\n"
                     "                                               time-mean\n");
        cJSON_ArrayForEach(l, dets)
        {
            const cJSON *n = cJSON_GetObjectItemCaseSensitive(l, "name");
            fprintf(out, "%-14s  %10.0f  %4.0f  %10.1f  %10.1f  %9.3f\n",
                    cJSON_IsString(n) ? n->valuestring : "?", num(l, "position_m"), num(l, "lane"),
                    num(l, "flow_vph"), num(l, "speed_kmh"), num(l, "occupancy"));
        }
    }
    print_ramps(cJSON_GetObjectItemCaseSensitive(sum, "ramps"), out);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(sum, "vehicles");
    fprintf(out,
            "\nvehicles: %.0f on the road at start, %.0f arrived, %.0f entered, %.0f exited, "
            "%.0f inside, %.0f waiting to enter\n",
            num(v, "initial"), num(v, "arrived"), num(v, "entered"), num(v, "exited"),
            num(v, "inside"), num(v, "waiting"));
    if (num(sum, "trips") > 0)
        fprintf(out, "mean travel time: %.1f s over %.0f trips\n", num(sum, "mean_travel_time_s"),
                num(sum, "trips"));
    fprintf(out, "total time spent: %.1f veh h, distance travelled: %.1f veh km (after warm-up)\n",
            num(sum, "total_time_spent_veh_h"), num(sum, "total_distance_veh_km"));
    fprintf(out, "wall time: %.3f s, %.1f million vehicle updates per second\n",
            num(sum, "wall_seconds"), num(sum, "vehicle_updates_per_second") / 1e6);
}
