/* summary.c: the measured results of a run, as JSON and as a table. */
#include "summary.h"

#include <string.h>

static cJSON *lanes_json(const ls_world *w)
{
    cJSON *lanes = cJSON_CreateArray();
    ls_world_info info = ls_world_get_info(w);
    for (int l = 0; l < info.lanes && lanes; l++) {
        ls_lane_stats st = ls_world_lane_stats(w, l);
        cJSON *o = cJSON_CreateObject();
        if (!o) break;
        cJSON_AddNumberToObject(o, "lane", l + 1);
        cJSON_AddNumberToObject(o, "flow_vph", st.flow_vph);
        cJSON_AddNumberToObject(o, "speed_kmh", st.speed_kmh);
        cJSON_AddNumberToObject(o, "density_vpkm", st.density_vpkm);
        cJSON_AddNumberToObject(o, "flow_per_step", st.flow_per_step);
        cJSON_AddNumberToObject(o, "density_per_cell", st.density_per_cell);
        cJSON_AddNumberToObject(o, "lane_changes", (double)st.lane_changes);
        cJSON_AddItemToArray(lanes, o);
    }
    return lanes;
}

static cJSON *detectors_json(const ls_world *w, const ls_scenario *s)
{
    cJSON *arr = cJSON_CreateArray();
    for (int d = 0; d < s->detector_count && arr; d++) {
        for (int l = 0; l < s->road.lanes; l++) {
            ls_detector_record r;
            if (!ls_world_detector_has_lane(w, d, l)) continue;
            if (ls_world_detector_summary(w, d, l, &r) != LS_OK) continue;
            cJSON *o = cJSON_CreateObject();
            if (!o) break;
            cJSON_AddStringToObject(o, "name", s->detectors[d].name);
            cJSON_AddNumberToObject(o, "position_m", s->detectors[d].at_m);
            cJSON_AddNumberToObject(o, "lane", l + 1);
            cJSON_AddNumberToObject(o, "count", r.count);
            cJSON_AddNumberToObject(o, "flow_vph", r.flow_vph);
            cJSON_AddNumberToObject(o, "speed_kmh", r.speed_kmh);
            cJSON_AddNumberToObject(o, "occupancy", r.occupancy);
            cJSON_AddItemToArray(arr, o);
        }
    }
    return arr;
}

cJSON *ls_summary_json(const ls_world *w, const ls_scenario *s, double wall_seconds)
{
    cJSON *root = cJSON_CreateObject();
    if (!root) return NULL;
    ls_counts c = ls_world_counts(w);
    uint64_t updates = ls_world_vehicle_updates(w);
    cJSON_AddStringToObject(root, "scenario", s->name);
    cJSON_AddNumberToObject(root, "seed", (double)s->simulation.seed);
    cJSON_AddNumberToObject(root, "simulated_s", ls_world_time(w));
    cJSON_AddNumberToObject(root, "warmup_s", s->simulation.warmup_s);
    cJSON_AddItemToObject(root, "lanes", lanes_json(w));
    cJSON_AddItemToObject(root, "detectors", detectors_json(w, s));
    cJSON *v = cJSON_AddObjectToObject(root, "vehicles");
    if (v) {
        cJSON_AddNumberToObject(v, "initial", (double)c.initial);
        cJSON_AddNumberToObject(v, "arrived", (double)c.arrived);
        cJSON_AddNumberToObject(v, "entered", (double)c.entered);
        cJSON_AddNumberToObject(v, "exited", (double)c.exited);
        cJSON_AddNumberToObject(v, "inside", (double)c.inside);
        cJSON_AddNumberToObject(v, "waiting", (double)c.waiting);
    }
    cJSON_AddNumberToObject(root, "trips", (double)ls_world_trip_count(w));
    cJSON_AddNumberToObject(root, "mean_travel_time_s", ls_world_mean_travel_time(w));
    cJSON_AddNumberToObject(root, "vehicle_steps", (double)updates);
    /* The wall-clock fields are the only ones that differ between identical runs. */
    cJSON_AddNumberToObject(root, "wall_seconds", wall_seconds);
    cJSON_AddNumberToObject(root, "vehicle_updates_per_second",
                            wall_seconds > 0 ? (double)updates / wall_seconds : 0);
    return root;
}

static double num(const cJSON *o, const char *key)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(x) ? x->valuedouble : 0;
}

void ls_summary_print_table(const cJSON *sum, FILE *out)
{
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(sum, "scenario");
    fprintf(out, "%s: %.0f s simulated (statistics after %.0f s), seed %.0f\n\n",
            cJSON_IsString(name) ? name->valuestring : "?", num(sum, "simulated_s"),
            num(sum, "warmup_s"), num(sum, "seed"));
    fprintf(out, "lane  flow veh/h  speed km/h  density veh/km  lane changes\n");
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
        fprintf(out, "\ndetector        position m  lane  flow veh/h  speed km/h  occupancy\n");
        cJSON_ArrayForEach(l, dets)
        {
            const cJSON *n = cJSON_GetObjectItemCaseSensitive(l, "name");
            fprintf(out, "%-14s  %10.0f  %4.0f  %10.1f  %10.1f  %9.3f\n",
                    cJSON_IsString(n) ? n->valuestring : "?", num(l, "position_m"), num(l, "lane"),
                    num(l, "flow_vph"), num(l, "speed_kmh"), num(l, "occupancy"));
        }
    }
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(sum, "vehicles");
    fprintf(out,
            "\nvehicles: %.0f on the road at start, %.0f arrived, %.0f entered, %.0f exited, "
            "%.0f inside, %.0f waiting to enter\n",
            num(v, "initial"), num(v, "arrived"), num(v, "entered"), num(v, "exited"),
            num(v, "inside"), num(v, "waiting"));
    if (num(sum, "trips") > 0)
        fprintf(out, "mean travel time: %.1f s over %.0f trips\n", num(sum, "mean_travel_time_s"),
                num(sum, "trips"));
    fprintf(out, "wall time: %.3f s, %.1f million vehicle updates per second\n",
            num(sum, "wall_seconds"), num(sum, "vehicle_updates_per_second") / 1e6);
}
