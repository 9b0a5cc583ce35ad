/* world.c: creating a world from a scenario, the order of the update phases, and read access. */
#include <math.h>
#include <string.h>

#include "alloc.h"
#include "caps.h"

/* Speed (km/h) and length (m) in whole cells per step and cells, rounded to the nearest. */
static int64_t speed_cells(const ls_world *w, double kmh)
{
    return ls_round_cells(ls_kmh_to_mps(kmh) * w->dt_s / w->cell_m);
}

static int64_t length_cells(const ls_world *w, double m)
{
    return ls_round_cells(m / w->cell_m);
}

static ls_status check_cells(ls_diags *d, const char *path, int64_t cells, const char *what)
{
    if (cells < 1) {
        ls_diags_add(d, "", path, "rounds to 0 %s on this grid; expected at least 1", what);
        return LS_ERR_INPUT;
    }
    if (cells > LS_MAX_CELL_SPEED) {
        ls_diags_add(d, "", path, "is %lld %s on this grid; expected at most %d", (long long)cells,
                     what, LS_MAX_CELL_SPEED);
        return LS_ERR_LIMIT;
    }
    return LS_OK;
}

/* Converts the scenario to the grid: cells, cells per step, thresholds. Everything that can be
 * refused is refused here, before any large allocation. */
static ls_status setup_grid(ls_world *w, ls_diags *d)
{
    const ls_scenario *s = &w->sc;
    w->dt_s = s->model.dt_s;
    w->cell_m = s->model.cell_length_m;
    w->lanes = s->road.lanes;
    w->ring = s->road.ring;
    w->rule = s->model.rule;
    double cells = floor(s->road.length_m / w->cell_m + 0.5 + 1e-9);
    if (cells < 1 || cells * w->lanes > (double)LS_MAX_TOTAL_CELLS) {
        ls_diags_add(d, "", "road.length",
                     "needs %.0f cells in each of %d lanes; expected at most %ld cells in all",
                     cells, w->lanes, LS_MAX_TOTAL_CELLS);
        return LS_ERR_LIMIT;
    }
    w->cells = (int32_t)cells;
    w->total_steps = (int64_t)floor(s->simulation.duration_s / w->dt_s + 0.5 + 1e-9);
    w->warmup_steps = (int64_t)floor(s->simulation.warmup_s / w->dt_s + 0.5 + 1e-9);
    int64_t road_vmax = speed_cells(w, s->road.speed_limit_kmh);
    ls_status st = check_cells(d, "road.speed_limit", road_vmax, "cells per step");
    if (st != LS_OK) return st;
    w->road_vmax = (uint16_t)road_vmax;
    double cdf = 0;
    for (int t = 0; t < s->vehicle_type_count; t++) {
        const ls_vehicle_type_def *vt = &s->vehicle_types[t];
        char path[64];
        snprintf(path, sizeof path, "vehicles[%d].max_speed", t);
        int64_t v = speed_cells(w, vt->max_speed_kmh);
        if ((st = check_cells(d, path, v, "cells per step")) != LS_OK) return st;
        snprintf(path, sizeof path, "vehicles[%d].length", t);
        int64_t len = length_cells(w, vt->length_m);
        if ((st = check_cells(d, path, len, "cells")) != LS_OK) return st;
        if (len > w->cells) {
            ls_diags_add(d, "", path, "is longer than the road (%d cells)", w->cells);
            return LS_ERR_INPUT;
        }
        /* Acceleration in cells/step^2, at least one: the grid cannot express less. */
        int64_t acc = ls_round_cells(vt->accel_mps2 * w->dt_s * w->dt_s / w->cell_m);
        w->type_vmax[t] = (uint16_t)v;
        w->type_length[t] = (uint16_t)len;
        w->type_accel[t] = (uint16_t)(acc < 1                   ? 1
                                      : acc > LS_MAX_CELL_SPEED ? LS_MAX_CELL_SPEED
                                                                : acc);
        if (w->type_length[t] > w->max_length) w->max_length = w->type_length[t];
        uint16_t vm = w->type_vmax[t] < w->road_vmax ? w->type_vmax[t] : w->road_vmax;
        if (vm > w->max_vmax) w->max_vmax = vm;
        cdf += vt->share;
        w->type_cdf[t] = cdf;
    }
    double per_cell =
        s->initial.per_km ? s->initial.density * w->cell_m / 1000.0 : s->initial.density;
    if (per_cell * w->cells * w->lanes > (double)LS_MAX_VEHICLES) {
        ls_diags_add(d, "", "initial.density", "places %.0f vehicles; expected at most %ld",
                     per_cell * w->cells * w->lanes, LS_MAX_VEHICLES);
        return LS_ERR_LIMIT;
    }
    for (int b = 0; b < s->blockage_count; b++) {
        double len = (s->blockages[b].to_m - s->blockages[b].from_m) / w->cell_m;
        if (len > LS_MAX_CELL_SPEED) {
            char path[48];
            snprintf(path, sizeof path, "blockages[%d].to", b);
            ls_diags_add(d, "", path, "closes %.0f cells; expected at most %d", len,
                         LS_MAX_CELL_SPEED);
            return LS_ERR_LIMIT;
        }
    }
    ls_blockages_create(w);
    ls_status gst = ls_geometry_create(w);
    if (gst != LS_OK) return gst;
    for (int r = 0; r < s->ramp_count; r++) w->has_exits |= s->ramps[r].kind == LS_RAMP_OFF;
    w->p_thr = ls_prob_threshold(w->rule == LS_RULE_NEWELL ? 0 : s->model.p_slow);
    w->p_start_thr = ls_prob_threshold(s->model.p_slow_start);
    return LS_OK;
}

static ls_status setup_state(ls_world *w, ls_diags *d)
{
    w->rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!w->rng) return LS_ERR_NOMEM;
    uint64_t seed = w->sc.simulation.seed;
    /* mt19937 takes an unsigned long seed; fold 64 bits so every bit of the seed matters. */
    gsl_rng_set(w->rng, (unsigned long)(seed ^ (seed >> 32)));
    ls_fastrng_seed(&w->fast, seed ^ UINT64_C(0xA0761D6478BD642F));
    ls_status st = ls_detectors_create(w);
    if (st == LS_OK) st = ls_friction_create(w);
    if (st == LS_OK) st = ls_lanechange_setup(w);
    if (st == LS_OK) st = ls_field_create(w);
    if (st == LS_OK) st = ls_meters_create(w);
    if (st != LS_OK) return st;
    w->caps_on =
        w->sc.lane_change.enabled || w->sc.friction.enabled || w->geometry.cell_limit != NULL;
    for (int l = w->lanes; l < w->all_lanes; l++)
        if ((st = ls_lane_reserve(&w->lane[l], 16, 64)) != LS_OK) return st;
    double per_cell =
        w->sc.initial.per_km ? w->sc.initial.density * w->cell_m / 1000.0 : w->sc.initial.density;
    int32_t expect = (int32_t)(per_cell * w->cells + 1);
    for (int l = 0; l < w->lanes; l++) {
        if ((st = ls_lane_reserve(&w->lane[l], 16, expect + 16)) != LS_OK) return st;
        st = ls_initial_place(w, l);
        if (st == LS_ERR_INPUT)
            ls_diags_add(d, "", "initial.density",
                         "the vehicles drawn for lane %d do not fit in its %d cells", l + 1,
                         w->cells);
        if (st != LS_OK) return st;
    }
    return LS_OK;
}

ls_status ls_world_create(const ls_scenario *s, ls_world **out, ls_diags *diags)
{
    *out = NULL;
    ls_world *w = ls_calloc(1, sizeof *w);
    if (!w) {
        ls_diags_add(diags, "", "", "out of memory creating the world");
        return LS_ERR_NOMEM;
    }
    w->sc = *s;
    w->fleet.next_id = 1; /* id 0 marks a free handle */
    ls_status st = setup_grid(w, diags);
    if (st == LS_OK) st = setup_state(w, diags);
    if (st != LS_OK) {
        if (st == LS_ERR_NOMEM) ls_diags_add(diags, "", "", "out of memory creating the world");
        ls_world_destroy(w);
        return st;
    }
    *out = w;
    return LS_OK;
}

void ls_world_destroy(ls_world *w)
{
    if (!w) return;
    for (int l = 0; l < LS_MAX_ALL_LANES; l++) ls_lane_free(&w->lane[l]);
    ls_fleet_free(&w->fleet);
    if (w->rng) gsl_rng_free(w->rng);
    ls_geometry_free(&w->geometry);
    ls_friction_free(&w->friction);
    ls_lc_free(&w->lc);
    ls_crossings_free(&w->crossings);
    ls_detectors_free(&w->detectors);
    ls_field_free(&w->field);
    ls_trips_free(&w->trips);
    ls_probes_free(&w->probes);
    ls_meters_free(&w->meters);
    ls_free(w);
}

/* Before the move: closures open and close, friction tables and speed caps are set, and lane
 * changes are decided from the state at t and applied. */
static ls_status before_move(ls_world *w)
{
    ls_status st = ls_demand_arrivals(w);
    if (st == LS_OK && w->probes.on) st = ls_probes_depart(w);
    if (st == LS_OK && w->meters.metered) ls_meters_tick(w);
    if (st == LS_OK && w->blockage.block_count) st = ls_blockages_update(w);
    if (st != LS_OK) return st;
    if (w->sc.friction.enabled) ls_friction_tables(w);
    /* With lane changes on, the decision pass sets the caps as it goes. */
    if (w->sc.lane_change.enabled)
        st = ls_lanechange_step(w);
    else if (w->caps_on)
        ls_caps_set(w);
    return st;
}

/* Statistics of the step: only real vehicles count (not ghosts of crossing vehicles, not
 * closed stretches). */
static void count_step(ls_world *w)
{
    int measured = w->step >= w->warmup_steps;
    for (int l = 0; l < w->all_lanes; l++) {
        ls_lane *ln = &w->lane[l];
        uint64_t n = (uint64_t)(ls_lane_count(ln) - ln->ghosts - ln->obstacles);
        w->vehicle_updates += n;
        if (measured) {
            ln->sum_speed += ln->step_speed;
            ln->sum_count += n;
            w->distance_cells += ln->step_speed;
        }
    }
    if (measured) w->time_spent_s += (double)(w->counts.inside + w->counts.waiting) * w->dt_s;
}

ls_totals ls_world_totals(const ls_world *w)
{
    ls_totals t = {w->time_spent_s / 3600.0, (double)w->distance_cells * w->cell_m / 1000.0};
    return t;
}

/* One step: arrivals join the entry queues; closures, caps and lane changes; then each lane
 * moves (all vehicles in parallel from the state at t, the heads of the entry queues included);
 * crossing vehicles take the smaller of their moves in their two lanes; loops observe the move;
 * vehicles leave or wrap. */
ls_status ls_world_step(ls_world *w)
{
    if (w->broken) return LS_ERR_INTERNAL;
    ls_status st = before_move(w);
    for (int l = 0; l < w->all_lanes && st == LS_OK; l++)
        w->lane[l].step_speed = ls_motion_lane(w, &w->lane[l]);
    if (st == LS_OK && w->crossings.count) st = ls_crossings_reconcile(w);
    if (st == LS_OK) count_step(w);
    for (int l = 0; l < w->all_lanes && st == LS_OK; l++) {
        st = ls_demand_insert_lane(w, l);
        if (st == LS_OK && w->detectors.loop_count && l < w->lanes) st = ls_detectors_observe(w, l);
    }
    if (st == LS_OK && w->has_exits) st = ls_ramps_exits(w);
    for (int l = 0; l < w->all_lanes && st == LS_OK; l++) st = ls_motion_boundary(w, l);
    if (st == LS_OK && w->crossings.count) ls_crossings_after_boundary(w);
    if (st == LS_OK && w->probes.on) ls_probes_observe(w);
    if (st == LS_OK && w->detectors.loop_count) st = ls_detectors_close_periods(w);
    if (st == LS_OK && w->meters.on_ramps) st = ls_meters_observe(w);
    if (st == LS_OK && w->field.on) {
        ls_field_observe(w);
        st = ls_field_close_period(w);
    }
    if (st != LS_OK) {
        w->broken = 1; /* part of the step happened: stepping on would build on a torn state */
        return st;
    }
    w->step++;
#ifdef LS_CHECK_INVARIANTS
    char msg[256];
    if (ls_world_check(w, msg, sizeof msg) != LS_OK) return LS_ERR_INTERNAL;
#endif
    return LS_OK;
}

ls_world_info ls_world_get_info(const ls_world *w)
{
    ls_world_info info = {w->lanes,     w->all_lanes - w->lanes, w->cells,       w->cell_m, w->dt_s,
                          w->ring != 0, w->total_steps,          w->warmup_steps};
    return info;
}
int64_t ls_world_step_index(const ls_world *w)
{
    return w->step;
}

double ls_world_time(const ls_world *w)
{
    return (double)w->step * w->dt_s;
}

bool ls_world_done(const ls_world *w)
{
    return w->step >= w->total_steps;
}

ls_lane_state ls_world_lane(const ls_world *w, int lane_index)
{
    ls_lane_state s = {0};
    if (lane_index < 0 || lane_index >= w->all_lanes) return s;
    const ls_lane *ln = &w->lane[lane_index];
    s.count = ls_lane_count(ln);
    s.front = ln->front + ln->lo;
    s.speed = ln->speed + ln->lo;
    s.length = ln->length + ln->lo;
    s.handle = ln->handle + ln->lo;
    s.queued = ln->q_count;
    return s;
}

ls_status ls_world_vehicle(const ls_world *w, uint32_t handle, ls_vehicle_info *out)
{
    const ls_fleet *f = &w->fleet;
    if (handle & LS_HANDLE_OBSTACLE) return LS_ERR_INPUT;
    handle &= ~LS_HANDLE_GHOST;
    if (handle >= f->cap || f->id[handle] == 0) return LS_ERR_INPUT; /* never used, or gone */
    memset(out, 0, sizeof *out);
    out->id = f->id[handle];
    out->type = f->type[handle];
    out->lane = f->lane[handle];
    out->max_speed_mps = f->vmax[handle] * w->cell_m / w->dt_s;
    out->arrival_s = f->arrival_s[handle];
    out->entry_s =
        f->entry_step[handle] == LS_QUEUED ? -1 : (double)(f->entry_step[handle] + 1) * w->dt_s;
    out->lane_changes = f->lane_changes[handle];
    out->origin = f->origin[handle];
    out->destination = f->dest[handle];
    out->length_m = w->type_length[f->type[handle]] * w->cell_m;
    if (out->lane < 0) return LS_OK;
    const ls_lane *ln = &w->lane[out->lane];
    for (int32_t i = ln->lo; i < ln->hi; i++) {
        if (ln->handle[i] != handle) continue;
        out->front_m = (ln->front[i] + 1) * w->cell_m;
        out->speed_mps = ln->speed[i] * w->cell_m / w->dt_s;
        return LS_OK;
    }
    return LS_ERR_INTERNAL;
}

ls_counts ls_world_counts(const ls_world *w)
{
    return w->counts;
}

uint64_t ls_world_vehicle_updates(const ls_world *w)
{
    return w->vehicle_updates;
}

ls_lane_stats ls_world_lane_stats(const ls_world *w, int lane_index)
{
    ls_lane_stats s = {0};
    if (lane_index < 0 || lane_index >= w->all_lanes) return s;
    const ls_lane *ln = &w->lane[lane_index];
    int64_t steps = w->step - w->warmup_steps;
    if (steps <= 0) return s;
    double cell_steps = (double)w->cells * (double)steps;
    s.steps = steps;
    s.flow_per_step = (double)ln->sum_speed / cell_steps;
    s.density_per_cell = (double)ln->sum_count / cell_steps;
    s.flow_vph = s.flow_per_step * 3600.0 / w->dt_s;
    s.density_vpkm = s.density_per_cell * 1000.0 / w->cell_m;
    s.speed_kmh = ln->sum_count
                      ? (double)ln->sum_speed / (double)ln->sum_count * w->cell_m / w->dt_s * 3.6
                      : 0;
    s.lane_changes = ln->lane_changes;
    return s;
}
