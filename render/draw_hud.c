/* draw_hud.c: the status line, the side panel (clock, counts, legend, ramp meters, detectors,
 * followed vehicle) and the help overlay. */
#include <math.h>
#include <stdio.h>

#include "draw.h"
#include "palette.h"
#include "probe_view.h"

#define PAD     12  /* inner margin of the side panel */
#define COL_W   66  /* detector table: width of one lane's column */
#define FIELD_X 118 /* vehicle panel: where values start */

/* ---- status line ---- */

void ls_draw_status(const ls_draw_ctx *d)
{
    const SDL_Rect *s = &d->L->status;
    const ls_fonts *f = d->fonts;
    ls_fill_panel(d->r, s);
    int y = s->y + (s->h - f->body.height) / 2;
    char right[64];
    if (d->fps > 0)
        SDL_snprintf(right, sizeof right, "%.0f fps    F1 or ?: keys", d->fps);
    else
        SDL_snprintf(right, sizeof right, "F1 or ?: keys");
    int rw = ls_text_right(d->r, &f->body, s->x + s->w - PAD, y, ls_col_dim, right);
    int x = s->x + PAD;
    x += ls_text(d->r, &f->bold, x, y, ls_col_text, d->scene->sc.name);
    int room = s->w - (x - s->x) - rw - 3 * PAD;
    if (d->message) {
        ls_text_clip(d->r, &f->body, x + 16, y, ls_col_accent, d->message, room);
        return;
    }
    if (d->scene->sc.description[0])
        ls_text_clip(d->r, &f->body, x + 16, y, ls_col_dim, d->scene->sc.description, room);
}

/* ---- side panel ---- */

typedef struct pen {
    const ls_draw_ctx *d;
    int x, y, w, bottom;
} pen;

static void heading(pen *p, const char *title)
{
    p->y += 6;
    ls_set_color(p->d->r, ls_col_border);
    SDL_RenderDrawLine(p->d->r, p->x, p->y, p->x + p->w, p->y);
    p->y += 5;
    ls_text(p->d->r, &p->d->fonts->bold, p->x, p->y, ls_col_text, title);
    p->y += p->d->fonts->bold.height + 2;
}

static void line(pen *p, const ls_font *f, SDL_Color c, const char *s)
{
    ls_text_clip(p->d->r, f, p->x, p->y, c, s, p->w);
    p->y += f->height;
}

static const char *run_state(const ls_draw_ctx *d, char *buf, size_t n)
{
    double speed = ls_view_speed(d->view);
    if (ls_world_done(d->scene->world))
        snprintf(buf, n, "end of the simulation");
    else if (d->view->paused)
        snprintf(buf, n, "paused   (space: resume, S: one step)");
    else if (speed == 0)
        snprintf(buf, n, "as fast as it goes: %.0fx real time", d->achieved);
    else if (d->achieved > 0 && d->achieved < speed * 0.9)
        snprintf(buf, n, "%gx real time (reaching %.1fx)", speed, d->achieved);
    else
        snprintf(buf, n, "%gx real time", speed);
    return buf;
}

static void clock_section(pen *p)
{
    const ls_scene *s = p->d->scene;
    char clock[32], buf[160];
    double t = ls_world_time(s->world);
    ls_format_clock(clock, sizeof clock, t);
    int w = ls_text(p->d->r, &p->d->fonts->bold, p->x, p->y, ls_col_text, clock);
    snprintf(buf, sizeof buf, "simulated  (step %lld of %lld)",
             (long long)ls_world_step_index(s->world), (long long)s->info.total_steps);
    ls_text(p->d->r, &p->d->fonts->small, p->x + w + 10, p->y + 2, ls_col_dim, buf);
    p->y += p->d->fonts->bold.height + 2;
    if (s->day_start_s >= 0) {
        ls_format_clock(clock, sizeof clock, fmod(s->day_start_s + t, 86400));
        snprintf(buf, sizeof buf, "time of day %s", clock);
        line(p, &p->d->fonts->body, ls_col_text, buf);
    }
    line(p, &p->d->fonts->body, ls_col_accent, run_state(p->d, buf, sizeof buf));
    ls_counts c = ls_world_counts(s->world);
    snprintf(buf, sizeof buf, "%llu vehicles on the road, %llu waiting",
             (unsigned long long)c.inside, (unsigned long long)c.waiting);
    line(p, &p->d->fonts->body, ls_col_text, buf);
    if (s->ramp_count)
        snprintf(buf, sizeof buf, "%llu exited, %llu missed their exit",
                 (unsigned long long)c.exited, (unsigned long long)c.missed_exits);
    else
        snprintf(buf, sizeof buf, "%llu exited", (unsigned long long)c.exited);
    line(p, &p->d->fonts->body, ls_col_dim, buf);
}

/* A mark and its meaning, on the legend's line; a line that is full continues below. */
static void swatch(pen *p, int *x, SDL_Color fill, SDL_Color edge, const char *label)
{
    int w = 22 + ls_text_width(&p->d->fonts->small, label);
    if (*x > p->x && *x + w > p->x + p->w) {
        *x = p->x;
        p->y += p->d->fonts->small.height + 2;
    }
    SDL_Rect rc = {*x, p->y + 3, 18, 9};
    ls_set_color(p->d->r, edge);
    SDL_RenderFillRect(p->d->r, &rc);
    rc = (SDL_Rect){rc.x + 2, rc.y + 2, rc.w - 4, rc.h - 4};
    ls_set_color(p->d->r, fill);
    SDL_RenderFillRect(p->d->r, &rc);
    ls_text(p->d->r, &p->d->fonts->small, *x + 22, p->y, ls_col_dim, label);
    *x += w + 12;
}

static void legend_section(pen *p)
{
    const ls_scene *s = p->d->scene;
    heading(p, "Speed");
    p->y += ls_draw_speed_legend(p->d->r, p->d->fonts, p->x, p->y, p->w,
                                 s->top_cells * s->mps_per_cell, s->unit) +
            4;
    int x = p->x;
    SDL_Color mid = ls_speed_color(0.8);
    swatch(p, &x, mid, ls_col_truck_edge, "truck");
    swatch(p, &x, mid, ls_col_follow, "followed");
    swatch(p, &x, ls_col_detector, ls_col_detector, "detector");
    swatch(p, &x, ls_col_road, ls_col_road, "empty");
    if (s->sc.blockage_count || s->sc.lane_drop_count || s->sc.lane_add_count)
        swatch(p, &x, ls_col_closed, ls_col_closed_hatch, "closed");
    for (int r = 0; r < s->ramp_count; r++) {
        if (!s->ramps[r].on) continue;
        swatch(p, &x, ls_col_queue, ls_col_queue, "waiting to enter");
        swatch(p, &x, ls_col_spill, ls_col_spill, "past the ramp's storage");
        break;
    }
    p->y += p->d->fonts->small.height + 2;
    if (!s->probes_on) return;
    x = p->x;
    ls_text(p->d->r, &p->d->fonts->small, x, p->y, ls_col_dim, "probes:");
    x += ls_text_width(&p->d->fonts->small, "probes:") + 8;
    for (int k = 0; k < s->sc.strategy_count; k++)
        swatch(p, &x, mid, ls_probe_color(k), s->sc.strategies[k].name);
    p->y += p->d->fonts->small.height + 2;
}

/* One metered ramp: its light, name, the rate in force and the queue against the storage. */
static void meter_row(pen *p, int ramp, const ls_meter_state *ms)
{
    const ls_font *f = &p->d->fonts->small;
    SDL_Rect lamp = {p->x + 1, p->y + (f->height - 9) / 2, 9, 9};
    ls_set_color(p->d->r, ms->green ? ls_col_meter_green : ls_col_meter_red);
    SDL_RenderFillRect(p->d->r, &lamp);
    ls_text_clip(p->d->r, f, p->x + 16, p->y, ls_col_text, p->d->scene->ramps[ramp].name, 92);
    char buf[64];
    snprintf(buf, sizeof buf, "%.0f veh/h", ms->rate_vph);
    ls_text_right(p->d->r, f, p->x + 180, p->y, ms->override_on ? ls_col_accent : ls_col_text, buf);
    if (ms->queue > ms->storage)
        snprintf(buf, sizeof buf, "%u / %u, %u on street", (unsigned)ms->queue,
                 (unsigned)ms->storage, (unsigned)(ms->queue - ms->storage));
    else
        snprintf(buf, sizeof buf, "%u / %u", (unsigned)ms->queue, (unsigned)ms->storage);
    ls_text_clip(p->d->r, f, p->x + 188, p->y, ms->queue > ms->storage ? ls_col_spill : ls_col_dim,
                 buf, p->w - 188);
    p->y += f->height;
}

/* The metered ramps, one line each, as far as the panel has room. */
static void meter_section(pen *p)
{
    const ls_scene *s = p->d->scene;
    int any = 0;
    for (int r = 0; r < s->ramp_count && !any; r++) any = ls_world_meter_state(s->world, r).metered;
    if (!any) return;
    heading(p, "Ramp meters");
    line(p, &p->d->fonts->small, ls_col_dim,
         "light, rate in force (blue: queue override), waiting / storage");
    for (int r = 0; r < s->ramp_count; r++) {
        ls_meter_state ms = ls_world_meter_state(s->world, r);
        if (!ms.metered) continue;
        if (p->y + 2 * p->d->fonts->small.height > p->bottom) {
            line(p, &p->d->fonts->small, ls_col_dim, "(more meters: make the window taller)");
            return;
        }
        meter_row(p, r, &ms);
    }
}

static void loop_cell(pen *p, int x, const ls_loop_reading *lr, int covered)
{
    const ls_scene *s = p->d->scene;
    const ls_font *f = &p->d->fonts->small;
    char a[16], b[16];
    if (!covered) return;
    if (!lr->valid) {
        ls_text_right(p->d->r, f, x + 33, p->y, ls_col_dim, "-");
        return;
    }
    snprintf(a, sizeof a, "%.0f", lr->flow_vph);
    if (lr->count)
        snprintf(b, sizeof b, "%.0f", ls_scene_speed_in_unit(s, lr->speed_kmh / 3.6));
    else
        snprintf(b, sizeof b, "-");
    ls_text_right(p->d->r, f, x + 33, p->y, ls_col_text, a);
    ls_text_right(p->d->r, f, x + COL_W - 4, p->y, ls_col_dim, b);
}

/* Detector rows for lanes first .. first + n - 1. Returns 0 when the panel is full. */
static int detector_rows(pen *p, int name_w, int first, int n)
{
    const ls_scene *s = p->d->scene;
    const ls_font *f = &p->d->fonts->small;
    for (int l = 0; l < n; l++) {
        char buf[16];
        snprintf(buf, sizeof buf, "lane %d", first + l + 1);
        ls_text_right(p->d->r, f, p->x + name_w + (l + 1) * COL_W - 4, p->y, ls_col_dim, buf);
    }
    p->y += f->height;
    for (int k = 0; k < s->sc.detector_count; k++) {
        if (p->y + f->height > p->bottom) {
            line(p, f, ls_col_dim, "(more detectors: make the window taller)");
            return 0;
        }
        const ls_detector_def *det = &s->sc.detectors[k];
        ls_text_clip(p->d->r, f, p->x, p->y, ls_col_detector, det->name, name_w - 6);
        for (int l = 0; l < n; l++) {
            int lane = first + l;
            int covered = (!det->lanes_mask || (det->lanes_mask >> lane & 1u)) &&
                          ls_scene_lane_exists(s, lane, det->at_m);
            loop_cell(p, p->x + name_w + l * COL_W, &s->loops[k * s->info.lanes + lane], covered);
        }
        p->y += f->height;
    }
    return 1;
}

static void detector_section(pen *p)
{
    const ls_scene *s = p->d->scene;
    if (!s->sc.detector_count) return;
    heading(p, "Detectors");
    char buf[96];
    snprintf(buf, sizeof buf, "veh/h and %s per lane, latest period", ls_speed_unit_name(s->unit));
    line(p, &p->d->fonts->small, ls_col_dim, buf);
    int name_w = 0;
    for (int k = 0; k < s->sc.detector_count; k++) {
        int w = ls_text_width(&p->d->fonts->small, s->sc.detectors[k].name) + 10;
        if (w > name_w) name_w = w;
    }
    if (name_w > 90) name_w = 90;
    int per_row = (p->w - name_w) / COL_W;
    if (per_row < 1) per_row = 1;
    for (int first = 0; first < s->info.lanes; first += per_row) {
        int n = s->info.lanes - first < per_row ? s->info.lanes - first : per_row;
        if (!detector_rows(p, name_w, first, n)) return;
    }
}

static void field(pen *p, const char *name, const char *value)
{
    const ls_font *f = &p->d->fonts->body;
    ls_text(p->d->r, f, p->x, p->y, ls_col_dim, name);
    ls_text_clip(p->d->r, f, p->x + FIELD_X, p->y, ls_col_text, value, p->w - FIELD_X);
    p->y += f->height;
}

static void duration(char *buf, size_t n, double s)
{
    long t = (long)floor(s + 0.5);
    if (t >= 3600)
        snprintf(buf, n, "%ld h %02ld min %02ld s", t / 3600, t / 60 % 60, t % 60);
    else if (t >= 60)
        snprintf(buf, n, "%ld min %02ld s", t / 60, t % 60);
    else
        snprintf(buf, n, "%ld s", t);
}

static void vehicle_fields(pen *p, const ls_vehicle_info *v)
{
    const ls_scene *s = p->d->scene;
    char buf[128], a[48], b[48];
    const ls_vehicle_type_def *type = &s->sc.vehicle_types[v->type];
    int truck = ls_scene_is_truck(s, ls_round_cells(v->length_m / s->geom.cell_m));
    snprintf(buf, sizeof buf, "%s%s, %.1f m", type->name, truck ? " (truck)" : "", v->length_m);
    field(p, "type", buf);
    snprintf(buf, sizeof buf, "%.0f %s (its top %.0f)", ls_scene_speed_in_unit(s, v->speed_mps),
             ls_speed_unit_name(s->unit), ls_scene_speed_in_unit(s, v->max_speed_mps));
    field(p, "speed", buf);
    const ls_ramp_geom *ramp = ls_scene_ramp_of_lane(s, v->lane);
    if (ramp)
        snprintf(buf, sizeof buf, "on-ramp %s", ramp->name);
    else
        snprintf(buf, sizeof buf, "%d", v->lane + 1);
    field(p, "lane", buf);
    snprintf(buf, sizeof buf, "%.2f km", v->front_m / 1000);
    field(p, "position", buf);
    const ls_scenario *sc = &s->sc;
    snprintf(buf, sizeof buf, "%s to %s", v->origin >= 0 ? sc->ramps[v->origin].name : "mainline",
             v->destination >= 0 ? sc->ramps[v->destination].name : "end of road");
    field(p, "trip", buf);
    int probe = s->probes_on ? ls_world_vehicle_probe(s->world, p->d->view->follow_handle) : -1;
    size_t n;
    const ls_probe_result *r = ls_world_probe_results(s->world, &n);
    field(p, "strategy", probe >= 0 ? sc->strategies[r[probe].strategy].name : "-");
    /* A probe's result holds the changes of an exit_reenter trip's finished first leg. */
    snprintf(buf, sizeof buf, "%d", v->lane_changes + (probe >= 0 ? r[probe].lane_changes : 0));
    field(p, "lane changes", buf);
    double now = ls_world_time(s->world);
    if (probe >= 0) {
        /* A probe's trip is timed from its departure, waits to enter (and a connector) included:
         * the travel time `lanesim compare` reports. */
        duration(a, sizeof a, now - r[probe].departure_s);
        ls_format_clock(b, sizeof b, r[probe].departure_s);
        snprintf(buf, sizeof buf, "%s (departed %s)", a, b);
    } else if (v->entry_s >= 0) {
        duration(a, sizeof a, now - v->entry_s);
        ls_format_clock(b, sizeof b, v->entry_s);
        snprintf(buf, sizeof buf, "%s (entered %s)", a, b);
    } else {
        snprintf(buf, sizeof buf, "-");
    }
    field(p, "travel time", buf);
}

static void trip_fields(pen *p, const ls_trip *t)
{
    char buf[128], a[48];
    const ls_scene *s = p->d->scene;
    field(p, "type", s->sc.vehicle_types[t->type].name);
    ls_format_clock(a, sizeof a, t->exit_s);
    snprintf(buf, sizeof buf, "left the road at %s", a);
    field(p, "status", buf);
    snprintf(buf, sizeof buf, "%s to %s", ls_trip_origin_name(s->world, t),
             ls_trip_destination_name(s->world, t));
    field(p, "trip", buf);
    snprintf(buf, sizeof buf, "%d", t->exit_lane + 1);
    field(p, "exit lane", buf);
    snprintf(buf, sizeof buf, "%d", t->lane_changes);
    field(p, "lane changes", buf);
    duration(buf, sizeof buf, t->exit_s - t->entry_s);
    field(p, "travel time", buf);
}

/* A followed probe that is not on the road: waiting to enter, on exit_reenter's connector, or
 * done (its result: what `lanesim compare` counts). */
static void probe_off_road(pen *p, const ls_probe_result *r)
{
    char buf[128], a[48], b[48];
    const ls_scene *s = p->d->scene;
    double now = ls_world_time(s->world);
    field(p, "strategy", s->sc.strategies[r->strategy].name);
    ls_format_clock(a, sizeof a, r->departure_s);
    field(p, "departed", a);
    if (r->status == LS_PROBE_UNFINISHED) {
        /* Off the road and observed in a mainline lane: between exit_reenter's legs. */
        field(p, "status",
              r->observed_s > 0 ? "off the road, to re-enter downstream"
                                : "waiting to enter the road");
        duration(buf, sizeof buf, now - r->departure_s);
        field(p, "travel time", buf);
        return;
    }
    ls_format_clock(b, sizeof b, r->departure_s + r->travel_time_s);
    snprintf(buf, sizeof buf, "%s at %s",
             r->status == LS_PROBE_FINISHED ? "finished" : "missed its exit, left", b);
    field(p, "status", buf);
    snprintf(buf, sizeof buf, "%d", r->lane_changes);
    field(p, "lane changes", buf);
    duration(buf, sizeof buf, r->travel_time_s);
    field(p, "travel time", buf);
}

/* Following a strategy between two of its probes. */
static void chase_waiting(pen *p)
{
    const ls_scene *s = p->d->scene;
    char title[LS_NAME_MAX + 32], buf[96], a[48];
    snprintf(title, sizeof title, "Following %s",
             s->sc.strategies[p->d->view->follow_strategy].name);
    heading(p, title);
    double next = ls_probe_next_departure(s, p->d->view->chase_from_s);
    if (next < 0) {
        line(p, &p->d->fonts->body, ls_col_dim, "No more probes depart.");
        return;
    }
    ls_format_clock(a, sizeof a, next);
    snprintf(buf, sizeof buf, "Its next probe departs at %s.", a);
    line(p, &p->d->fonts->body, ls_col_dim, buf);
}

static void no_vehicle(pen *p)
{
    heading(p, "Vehicle");
    line(p, &p->d->fonts->body, ls_col_dim, "Click a vehicle to follow it.");
    if (p->d->scene->probes_on)
        line(p, &p->d->fonts->body, ls_col_dim, "N / Shift+N: the next / previous probe.");
}

static void vehicle_section(pen *p)
{
    const ls_view *v = p->d->view;
    if (v->follow_strategy >= 0 && v->follow_probe < 0) {
        chase_waiting(p);
        return;
    }
    if (!v->follow_id && v->follow_probe < 0) {
        no_vehicle(p);
        return;
    }
    if (v->follow_probe >= 0 && !p->d->followed) {
        size_t n;
        const ls_probe_result *r = ls_world_probe_results(p->d->scene->world, &n);
        heading(p, "Probe");
        probe_off_road(p, &r[v->follow_probe]);
        return;
    }
    char title[64];
    snprintf(title, sizeof title, "Vehicle %llu", (unsigned long long)v->follow_id);
    heading(p, title);
    ls_text_right(p->d->r, &p->d->fonts->small, p->x + p->w, p->y - p->d->fonts->bold.height,
                  ls_col_dim, v->tracking ? "U: unfollow" : "C: centre   U: unfollow");
    if (p->d->followed) {
        vehicle_fields(p, p->d->followed);
        return;
    }
    const ls_trip *t = ls_scene_trip_of(p->d->scene, v->follow_id);
    if (t)
        trip_fields(p, t);
    else
        line(p, &p->d->fonts->body, ls_col_dim, "no longer on the road");
}

void ls_draw_side(const ls_draw_ctx *d)
{
    const SDL_Rect *s = &d->L->side;
    if (!s->w || s->h < 40) return;
    ls_fill_panel(d->r, s);
    SDL_RenderSetClipRect(d->r, s);
    pen p = {d, s->x + PAD, s->y + 8, s->w - 2 * PAD, s->y + s->h - 8};
    clock_section(&p);
    legend_section(&p);
    /* The vehicle panel always has room: the detector table stops short of it. */
    const ls_view *v = d->view;
    int bottom = p.bottom;
    int lines = v->follow_id || v->follow_probe >= 0 ? 10 : d->scene->probes_on ? 3 : 2;
    p.bottom -= lines * d->fonts->body.height + 18;
    meter_section(&p);
    detector_section(&p);
    p.bottom = bottom;
    vehicle_section(&p);
    SDL_RenderSetClipRect(d->r, NULL);
}

/* ---- help ---- */

static const char *const keys[][2] = {
    {"Space", "pause / resume"},
    {"S", "one simulation step (pauses)"},
    {"[   ]", "slower / faster: 1x real time ... as fast as it goes"},
    {"R   M", "real time / as fast as it goes"},
    {"Left   Right", "pan along the road (Shift: a whole view)"},
    {"Up   Down", "pan across the lanes when zoomed in"},
    {"Mouse drag", "pan"},
    {"Wheel   +   -", "zoom (the wheel zooms at the pointer)"},
    {"F", "fit the whole road in the main view"},
    {"Click", "follow a vehicle; click the road to stop"},
    {"C   U", "centre on the followed vehicle / unfollow"},
    {"N   Shift+N", "follow the next / previous probe (--probes)"},
    {"Overview", "click or drag: move the main view there"},
    {"L   Shift+L", "space-time diagram: next / previous lane"},
    {"H   O   D", "side panel / overview / diagram on or off"},
    {"P   F12", "screenshot (PNG in the current directory)"},
    {"F1   ?", "this help"},
    {"Esc   Q", "close this help / quit"},
};

void ls_draw_help(const ls_draw_ctx *d)
{
    if (!d->view->show_help) return;
    const ls_fonts *f = d->fonts;
    int n = (int)(sizeof keys / sizeof keys[0]);
    int w = 560, h = 56 + n * f->body.height;
    SDL_Rect box = {(d->view->win_w - w) / 2, (d->view->win_h - h) / 2, w, h};
    SDL_Color shade = {0, 0, 0, 150};
    SDL_SetRenderDrawBlendMode(d->r, SDL_BLENDMODE_BLEND);
    ls_set_color(d->r, shade);
    SDL_RenderFillRect(d->r, NULL);
    SDL_SetRenderDrawBlendMode(d->r, SDL_BLENDMODE_NONE);
    ls_fill_panel(d->r, &box);
    int x = box.x + 20, y = box.y + 14;
    ls_text(d->r, &f->bold, x, y, ls_col_text, "Keys");
    ls_text_right(d->r, &f->small, box.x + w - 20, y + 2, ls_col_dim, "docs/viewer.md has more");
    y += f->bold.height + 12;
    for (int i = 0; i < n; i++, y += f->body.height) {
        ls_text(d->r, &f->body, x, y, ls_col_accent, keys[i][0]);
        ls_text(d->r, &f->body, x + 150, y, ls_col_text, keys[i][1]);
    }
}
