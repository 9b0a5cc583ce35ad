/* fleet.c: per-vehicle records by handle, with recycling of the handles of departed vehicles,
 * and a vehicle's departure from the road. */
#include <math.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "alloc.h"
#include "hash.h"
#include "world_state.h"

static int grow(void **p, size_t elem, uint32_t old_cap, uint32_t cap)
{
    void *q = ls_realloc(*p, (size_t)cap * elem);
    if (!q) return 0;
    memset((char *)q + (size_t)old_cap * elem, 0, (size_t)(cap - old_cap) * elem);
    *p = q;
    return 1;
}

static ls_status fleet_grow(ls_fleet *f)
{
    uint32_t old = f->cap, cap = old ? old * 2 : 1024;
    if (cap <= old) return LS_ERR_LIMIT;
    /* Each array is grown on its own; a failure leaves the earlier ones larger, which is
     * harmless because `cap` is only raised once all have grown. */
    if (!grow((void **)&f->id, sizeof *f->id, old, cap) ||
        !grow((void **)&f->arrival_s, sizeof *f->arrival_s, old, cap) ||
        !grow((void **)&f->entry_step, sizeof *f->entry_step, old, cap) ||
        !grow((void **)&f->lane_changes, sizeof *f->lane_changes, old, cap) ||
        !grow((void **)&f->type, sizeof *f->type, old, cap) ||
        !grow((void **)&f->lane, sizeof *f->lane, old, cap) ||
        !grow((void **)&f->entry_lane, sizeof *f->entry_lane, old, cap) ||
        !grow((void **)&f->vmax, sizeof *f->vmax, old, cap) ||
        !grow((void **)&f->ghost_lane, sizeof *f->ghost_lane, old, cap) ||
        !grow((void **)&f->want_lane, sizeof *f->want_lane, old, cap) ||
        !grow((void **)&f->trickster, sizeof *f->trickster, old, cap) ||
        !grow((void **)&f->hold, sizeof *f->hold, old, cap) ||
        !grow((void **)&f->probe, sizeof *f->probe, old, cap) ||
        !grow((void **)&f->avoid, sizeof *f->avoid, old, cap) ||
        !grow((void **)&f->origin, sizeof *f->origin, old, cap) ||
        !grow((void **)&f->yield, sizeof *f->yield, old, cap) ||
        !grow((void **)&f->dest, sizeof *f->dest, old, cap) ||
        !grow((void **)&f->exit_look, sizeof *f->exit_look, old, cap) ||
        !grow((void **)&f->free_list, sizeof *f->free_list, old, cap))
        return LS_ERR_NOMEM;
    /* Hand out low handles first: push the new ones in reverse. */
    for (uint32_t h = cap; h > old; h--) f->free_list[f->free_count++] = h - 1;
    f->cap = cap;
    return LS_OK;
}

/* The driver's desired speed factor: normal around the type's mean, truncated at two standard
 * deviations (as SUMO does with speedDev) and never below 0.2 of the limit. */
static double desired_factor(ls_world *w, const ls_vehicle_type_def *t)
{
    if (t->speed_dev <= 0) return t->speed_factor;
    double lo = fmax(0.2, t->speed_factor - 2 * t->speed_dev);
    double hi = t->speed_factor + 2 * t->speed_dev;
    for (;;) {
        double f = t->speed_factor + gsl_ran_gaussian(w->rng, t->speed_dev);
        if (f >= lo && f <= hi) return f;
    }
}

ls_status ls_fleet_new(ls_world *w, int type, int lane, double arrival_s, uint32_t *handle)
{
    ls_fleet *f = &w->fleet;
    if (f->free_count == 0) {
        ls_status st = fleet_grow(f);
        if (st != LS_OK) return st;
    }
    uint32_t h = f->free_list[--f->free_count];
    const ls_vehicle_type_def *t = &w->sc.vehicle_types[type];
    double limit_cells =
        ls_kmh_to_mps(w->sc.road.speed_limit_kmh) * w->dt_s / w->cell_m * desired_factor(w, t);
    int desired = ls_round_cells(limit_cells);
    int vmax = w->type_vmax[type] < w->road_vmax ? w->type_vmax[type] : w->road_vmax;
    if (desired < vmax) vmax = desired < 1 ? 1 : desired;
    f->id[h] = f->next_id++;
    f->arrival_s[h] = arrival_s;
    f->entry_step[h] = LS_QUEUED;
    f->lane_changes[h] = 0;
    f->type[h] = (uint8_t)type;
    f->lane[h] = -1;
    f->entry_lane[h] = (int8_t)lane;
    f->vmax[h] = (uint16_t)vmax;
    f->ghost_lane[h] = -1;
    f->want_lane[h] = -1;
    f->hold[h] = 0;
    f->probe[h] = -1;
    /* Drawn only when some on-ramp has merge avoidance, so other scenarios keep their random
     * sequence. */
    f->avoid[h] = w->geometry.avoid_zone_count ? (uint8_t)gsl_rng_uniform_int(w->rng, 256) : 255;
    f->origin[h] = -1;
    f->yield[h] = 0;
    f->dest[h] = -1;
    f->exit_look[h] = 0;
    /* Drawn only when lanes change, so that single-lane results keep their random sequence. */
    f->trickster[h] =
        w->sc.lane_change.enabled && gsl_rng_uniform(w->rng) < w->sc.lane_change.trick_share;
    *handle = h;
    return LS_OK;
}

void ls_fleet_release(ls_fleet *f, uint32_t handle)
{
    f->id[handle] = 0;
    f->free_list[f->free_count++] = handle;
}

/* Takes a vehicle off the road (it left by an exit), with its ghost if it was crossing. */
void ls_vehicle_leave(ls_world *w, int lane, int32_t index)
{
    ls_lane *ln = &w->lane[lane];
    uint32_t h = ln->handle[index];
    int32_t front = ln->front[index];
    int g = w->fleet.ghost_lane[h];
    ls_lane_remove(ln, index);
    if (g >= 0) {
        ls_lane *gl = &w->lane[g];
        int32_t k = ls_lane_find(gl, front, h | LS_HANDLE_GHOST);
        if (k >= 0) {
            ls_lane_remove(gl, k);
            gl->ghosts--;
        }
        w->fleet.ghost_lane[h] = -1;
    }
    w->fleet.lane[h] = -1;
    ls_fleet_release(&w->fleet, h);
    w->counts.exited++;
    w->counts.inside--;
}

void ls_fleet_free(ls_fleet *f)
{
    ls_free(f->id);
    ls_free(f->arrival_s);
    ls_free(f->entry_step);
    ls_free(f->lane_changes);
    ls_free(f->type);
    ls_free(f->lane);
    ls_free(f->entry_lane);
    ls_free(f->vmax);
    ls_free(f->ghost_lane);
    ls_free(f->want_lane);
    ls_free(f->trickster);
    ls_free(f->hold);
    ls_free(f->probe);
    ls_free(f->avoid);
    ls_free(f->origin);
    ls_free(f->yield);
    ls_free(f->dest);
    ls_free(f->exit_look);
    ls_free(f->free_list);
    memset(f, 0, sizeof *f);
}

/* Every live vehicle's record (by handle: handles are handed out deterministically), the order
 * in which free handles will be reused, and the next id. */
uint64_t ls_fleet_hash(const ls_fleet *f, uint64_t h)
{
    for (uint32_t k = 0; k < f->cap; k++) {
        if (f->id[k] == 0) continue;
        h = LS_HASH(h, k);
        h = LS_HASH(h, f->id[k]);
        h = LS_HASH(h, f->arrival_s[k]);
        h = LS_HASH(h, f->entry_step[k]);
        h = LS_HASH(h, f->lane_changes[k]);
        h = LS_HASH(h, f->type[k]);
        h = LS_HASH(h, f->lane[k]);
        h = LS_HASH(h, f->entry_lane[k]);
        h = LS_HASH(h, f->vmax[k]);
        h = LS_HASH(h, f->ghost_lane[k]);
        h = LS_HASH(h, f->want_lane[k]);
        h = LS_HASH(h, f->trickster[k]);
        h = LS_HASH(h, f->origin[k]);
        h = LS_HASH(h, f->dest[k]);
        h = LS_HASH(h, f->exit_look[k]);
        h = LS_HASH(h, f->avoid[k]);
        h = LS_HASH(h, f->hold[k]);
        h = LS_HASH(h, f->yield[k]);
    }
    h = ls_hash_bytes(h, f->free_list, (size_t)f->free_count * sizeof *f->free_list);
    return LS_HASH(h, f->next_id);
}
