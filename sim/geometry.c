/* geometry.c: the road's layout along its length: on-ramp lanes, lane drops and adds, speed
 * zones, which lanes are side by side where, and the bottlenecks queues are measured from. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "world_state.h"

static int32_t cell_at(const ls_world *w, double m)
{
    double c = floor(m / w->cell_m + 1e-9);
    return c < 0 ? 0 : c > w->cells ? w->cells : (int32_t)c;
}

static void add_bottleneck(ls_world *w, const char *name, double at_m, uint32_t lanes)
{
    ls_bottleneck *b = &w->geometry.bottlenecks[w->geometry.bottleneck_count++];
    snprintf(b->name, sizeof b->name, "%s", name);
    b->at_m = at_m;
    b->lanes = lanes;
}

/* Each on-ramp is a lane of its own after the mainline lanes: its traffic appears `approach`
 * before the gore, may merge only along the acceleration lane, and finds the lane closed at its
 * end, where it stops and waits for a gap (the zipper) rather than vanish. */
static void setup_on_ramps(ls_world *w)
{
    uint32_t mainline = (1u << w->lanes) - 1;
    for (int r = 0; r < w->sc.ramp_count; r++) {
        const ls_ramp_def *def = &w->sc.ramps[r];
        w->ramps[r].lane = -1;
        w->ramps[r].at = cell_at(w, def->at_m);
        if (def->kind != LS_RAMP_ON) continue;
        int l = w->all_lanes++;
        ls_lane *ln = &w->lane[l];
        ln->ramp = (int8_t)r;
        ln->entry_cell = cell_at(w, def->at_m - def->approach_m);
        ln->zone_from = cell_at(w, def->at_m);
        ln->zone_to = cell_at(w, def->at_m + def->length_m);
        if (ln->zone_to > w->cells - 1) ln->zone_to = w->cells - 1;
        if (ln->zone_to <= ln->zone_from) ln->zone_to = ln->zone_from + 1;
        w->ramps[r].lane = l;
        if (def->avoid_share > 0) {
            ls_avoid_zone *a = &w->geometry.avoid_zones[w->geometry.avoid_zone_count++];
            a->from = cell_at(w, def->at_m - def->avoid_lookahead_m);
            a->gore = ln->zone_from;
            a->to = ln->zone_to;
            a->below = (uint16_t)lround(def->avoid_share * 256.0);
        }
        ls_blockages_add(w, 1u << l, ln->zone_to, ln->zone_to + 1);
        add_bottleneck(w, def->name, def->at_m + def->length_m, mainline);
    }
}

static void setup_lane_ends(ls_world *w)
{
    uint32_t mainline = (1u << w->lanes) - 1;
    char name[64];
    for (int i = 0; i < w->sc.lane_drop_count; i++) {
        const ls_lane_end_def *e = &w->sc.lane_drops[i];
        ls_blockages_add(w, 1u << (e->lane - 1), cell_at(w, e->at_m), w->cells);
        snprintf(name, sizeof name, "lane %d ends", e->lane);
        add_bottleneck(w, name, e->at_m, mainline);
    }
    for (int i = 0; i < w->sc.lane_add_count; i++) {
        const ls_lane_end_def *e = &w->sc.lane_adds[i];
        ls_blockages_add(w, 1u << (e->lane - 1), 0, cell_at(w, e->at_m));
        w->geometry.entry_open[e->lane - 1] = 0;
    }
}

/* Speed limits per stretch, as a cap per cell (only when the scenario has zones). */
static ls_status setup_speed_zones(ls_world *w)
{
    if (w->sc.speed_zone_count == 0) return LS_OK;
    w->geometry.cell_limit = ls_calloc((size_t)w->cells, sizeof *w->geometry.cell_limit);
    if (!w->geometry.cell_limit) return LS_ERR_NOMEM;
    for (int32_t c = 0; c < w->cells; c++) w->geometry.cell_limit[c] = w->road_vmax;
    for (int i = 0; i < w->sc.speed_zone_count; i++) {
        const ls_speed_zone_def *z = &w->sc.speed_zones[i];
        int32_t limit = ls_round_cells(ls_kmh_to_mps(z->limit_kmh) * w->dt_s / w->cell_m);
        if (limit < 1) limit = 1;
        for (int32_t c = cell_at(w, z->from_m); c < cell_at(w, z->to_m); c++)
            if (limit < w->geometry.cell_limit[c]) w->geometry.cell_limit[c] = (uint16_t)limit;
        if (z->limit_kmh < w->sc.road.speed_limit_kmh) {
            char name[64];
            snprintf(name, sizeof name, "speed limit %.0f km/h", z->limit_kmh);
            add_bottleneck(w, name, z->from_m, (1u << w->lanes) - 1);
        }
    }
    return LS_OK;
}

ls_status ls_geometry_create(ls_world *w)
{
    w->all_lanes = w->lanes;
    for (int l = 0; l < LS_MAX_ALL_LANES; l++) w->lane[l].ramp = -1;
    for (int l = 0; l < w->lanes; l++) w->geometry.entry_open[l] = 1;
    for (int b = 0; b < w->sc.blockage_count; b++) {
        char name[64];
        snprintf(name, sizeof name, "blockage %d", b + 1);
        add_bottleneck(w, name, w->sc.blockages[b].from_m, w->sc.blockages[b].lanes_mask);
    }
    setup_on_ramps(w);
    setup_lane_ends(w);
    return setup_speed_zones(w);
}

void ls_geometry_free(ls_geometry_state *g)
{
    ls_free(g->cell_limit);
    g->cell_limit = NULL;
}
