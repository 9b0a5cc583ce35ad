/* scene.c: derived drawing data of a world (scales, trucks, detector readings) and stepping it. */
#include "scene.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int to_cells(const ls_scene *s, double kmh)
{
    return ls_round_cells(ls_kmh_to_mps(kmh) / s->mps_per_cell);
}

/* The green end of the scale is the fastest any driver may go: the speed limit, or the fastest
 * type's maximum below it (the engine's vmax is never above either). */
static void speed_scale(ls_scene *s)
{
    int limit = to_cells(s, s->sc.road.speed_limit_kmh), fastest = 1;
    for (int t = 0; t < s->sc.vehicle_type_count; t++) {
        int c = to_cells(s, s->sc.vehicle_types[t].max_speed_kmh);
        if (c > fastest) fastest = c;
    }
    s->max_speed_cells = fastest < limit ? fastest : limit;
    if (s->max_speed_cells < 1) s->max_speed_cells = 1;
    s->top_cells = s->max_speed_cells;
}

static void vehicle_lengths(ls_scene *s)
{
    s->max_len_cells = 1;
    s->min_len_cells = LS_MAX_CELL_SPEED;
    for (int t = 0; t < s->sc.vehicle_type_count; t++) {
        int c = ls_round_cells(s->sc.vehicle_types[t].length_m / s->info.cell_length_m);
        if (c > s->max_len_cells) s->max_len_cells = c;
        if (c < s->min_len_cells) s->min_len_cells = c;
    }
    if (s->min_len_cells < 1) s->min_len_cells = 1;
}

/* The ramps' extents, and the rows they need: one for acceleration lanes and exits beside the
 * road, one more for on-ramp roads before their gores (neighbouring ramps overlap there). */
static void ramps(ls_scene *s)
{
    s->all_lanes = s->info.lanes + s->info.ramp_lanes;
    s->ramp_count = s->sc.ramp_count;
    int any_on = 0;
    for (int r = 0; r < s->ramp_count; r++) {
        const ls_ramp_def *d = &s->sc.ramps[r];
        ls_ramp_geom *g = &s->ramps[r];
        g->name = d->name;
        g->on = d->kind == LS_RAMP_ON;
        g->lane = g->on ? ls_world_ramp_stats(s->world, r).lane : -1;
        g->from_m = g->on ? d->at_m - d->approach_m : d->at_m;
        g->gore_m = d->at_m;
        g->to_m = g->on ? d->at_m + d->length_m : d->at_m + LS_EXIT_DRAWN_M;
        if (g->from_m < 0) g->from_m = 0;
        if (g->to_m > s->geom.length_m) g->to_m = s->geom.length_m;
        any_on |= g->on;
    }
    s->geom.rows = s->info.lanes + (any_on ? 2 : s->ramp_count ? 1 : 0);
}

int ls_scene_init(ls_scene *s, ls_world *w, const ls_scenario *sc, char *err, size_t err_size)
{
    memset(s, 0, sizeof *s);
    s->world = w;
    s->sc = *sc;
    s->info = ls_world_get_info(w);
    s->geom = (ls_road_geom){s->info.cells * s->info.cell_length_m,
                             s->info.lanes,
                             s->info.lanes,
                             sc->road.lane_width_m,
                             s->info.cell_length_m,
                             s->info.cells,
                             s->info.ring};
    s->mps_per_cell = s->info.cell_length_m / s->info.dt_s;
    s->unit = ls_speed_unit_guess(sc->road.speed_limit_kmh);
    s->day_start_s = s->sc.simulation.start_time_s;
    s->alpha = 1;
    s->marks.step = -1;
    speed_scale(s);
    vehicle_lengths(s);
    ramps(s);
    for (int i = 0; i < 256; i++) {
        SDL_Color c = ls_speed_color(i / 255.0);
        s->speed_argb[i] = (uint32_t)c.a << 24 | (uint32_t)c.r << 16 | (uint32_t)c.g << 8 | c.b;
    }
    size_t loops =
        (size_t)(sc->detector_count > 0 ? sc->detector_count : 1) * (size_t)s->info.lanes;
    s->loops = calloc(loops, sizeof *s->loops);
    if (!s->loops || ls_spacetime_init(&s->st, s->info.lanes, s->info.cells, s->info.dt_s) != 0) {
        ls_scene_free(s);
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    ls_spacetime_sample(&s->st, w, s->info.cells, s->top_cells);
    return 0;
}

void ls_scene_free(ls_scene *s)
{
    free(s->loops);
    s->loops = NULL;
    free(s->marks.mark);
    memset(&s->marks, 0, sizeof s->marks);
    ls_spacetime_free(&s->st);
}

/* Reads the detector records closed since the last look; they stay in the world, which the
 * viewer only reads. If someone cleared them, reading starts again from the first. */
static void read_detectors(ls_scene *s)
{
    size_t n;
    const ls_detector_record *rec = ls_world_detector_records(s->world, &n);
    if (n < s->records_seen) s->records_seen = 0;
    for (size_t i = s->records_seen; i < n; i++) {
        const ls_detector_record *r = &rec[i];
        if (r->detector < 0 || r->detector >= s->sc.detector_count || r->lane < 0 ||
            r->lane >= s->info.lanes)
            continue;
        ls_loop_reading *lr = &s->loops[r->detector * s->info.lanes + r->lane];
        *lr = (ls_loop_reading){1, r->end_s, r->count, r->flow_vph, r->speed_kmh};
    }
    s->records_seen = n;
}

ls_status ls_scene_step(ls_scene *s)
{
    ls_status st = ls_world_step(s->world);
    if (st != LS_OK) return st;
    if (ls_world_step_index(s->world) % s->st.sample_steps == 0)
        ls_spacetime_sample(&s->st, s->world, s->info.cells, s->top_cells);
    read_detectors(s);
    return LS_OK;
}

ls_status ls_scene_run_to(ls_scene *s, double t_s)
{
    /* Half a step of tolerance: --at 90 with 1 s steps means exactly 90 steps. */
    while (!ls_world_done(s->world) && ls_world_time(s->world) < t_s - s->info.dt_s / 2) {
        ls_status st = ls_scene_step(s);
        if (st != LS_OK) return st;
    }
    s->alpha = 1;
    return LS_OK;
}

double ls_scene_draw_front(const ls_scene *s, int32_t front, uint16_t speed)
{
    return front - speed * (1 - s->alpha);
}

int ls_scene_is_truck(const ls_scene *s, int length_cells)
{
    return length_cells * s->geom.cell_m >= LS_TRUCK_MIN_LENGTH_M - 1e-9;
}

const ls_ramp_geom *ls_scene_ramp_of_lane(const ls_scene *s, int lane)
{
    for (int r = 0; r < s->ramp_count; r++)
        if (s->ramps[r].on && s->ramps[r].lane == lane) return &s->ramps[r];
    return NULL;
}

int ls_scene_lane_exists(const ls_scene *s, int lane, double m)
{
    if (lane >= s->info.lanes) {
        const ls_ramp_geom *g = ls_scene_ramp_of_lane(s, lane);
        return g && m >= g->from_m && m < g->to_m;
    }
    for (int i = 0; i < s->sc.lane_drop_count; i++)
        if (s->sc.lane_drops[i].lane == lane + 1 && m >= s->sc.lane_drops[i].at_m) return 0;
    for (int i = 0; i < s->sc.lane_add_count; i++)
        if (s->sc.lane_adds[i].lane == lane + 1 && m < s->sc.lane_adds[i].at_m) return 0;
    return m >= 0 && m < s->geom.length_m;
}

int ls_scene_row_of(const ls_scene *s, int lane, double m)
{
    if (lane < s->info.lanes) return lane;
    const ls_ramp_geom *g = ls_scene_ramp_of_lane(s, lane);
    return g && m < g->gore_m ? s->info.lanes + 1 : s->info.lanes;
}

uint32_t ls_scene_speed_argb(const ls_scene *s, double speed_cells)
{
    double f = speed_cells / s->top_cells;
    return s->speed_argb[f <= 0 ? 0 : f >= 1 ? 255 : (int)(f * 255 + 0.5)];
}

double ls_scene_speed_fraction(const ls_scene *s, double speed_cells)
{
    return speed_cells / s->top_cells;
}

double ls_scene_speed_in_unit(const ls_scene *s, double mps)
{
    return ls_speed_unit_from_mps(s->unit, mps);
}

int ls_scene_vehicle(const ls_scene *s, uint64_t id, uint32_t handle, ls_vehicle_info *out)
{
    if (!id || ls_world_vehicle(s->world, handle, out) != LS_OK) return -1;
    return out->id == id ? 0 : -1;
}

const ls_trip *ls_scene_trip_of(ls_scene *s, uint64_t id)
{
    if (!id) return NULL;
    if (s->gone.id == id) return s->gone.exit_s >= 0 ? &s->gone : NULL;
    size_t n;
    const ls_trip *t = ls_world_trips(s->world, &n);
    for (size_t i = n; i-- > 0;) {
        if (t[i].id != id) continue;
        s->gone = t[i];
        return &s->gone;
    }
    /* Remember the miss too: the search is not repeated every frame. */
    memset(&s->gone, 0, sizeof s->gone);
    s->gone.id = id;
    s->gone.exit_s = -1;
    return NULL;
}

void ls_format_clock(char *buf, size_t size, double t_s)
{
    long s = (long)floor(t_s + 1e-6);
    snprintf(buf, size, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
}
