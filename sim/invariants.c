/* invariants.c: checking a world's invariants, and hashing its state for determinism tests. */
#include <stdio.h>

#include "hash.h"
#include "world_state.h"

static ls_status fail(char *msg, size_t size, const char *text, int lane, int64_t i)
{
    if (msg && size) snprintf(msg, size, "lane %d, vehicle %lld: %s", lane + 1, (long long)i, text);
    return LS_ERR_INTERNAL;
}

static ls_status check_lane(const ls_world *w, int l, char *msg, size_t size)
{
    const ls_lane *ln = &w->lane[l];
    if (ln->lo < 0 || ln->hi < ln->lo || ln->hi > ln->cap)
        return fail(msg, size, "bad range", l, 0);
    int32_t ghosts = 0, obstacles = 0;
    for (int32_t i = ln->lo; i < ln->hi; i++) {
        uint32_t h = ln->handle[i];
        if (ln->front[i] < 0 || ln->front[i] >= w->cells)
            return fail(msg, size, "off the road", l, i);
        if (!w->ring && ln->front[i] - ln->length[i] + 1 < 0)
            return fail(msg, size, "rear before the start", l, i);
        if (ln->speed[i] > ln->vmax[i]) return fail(msg, size, "faster than its vmax", l, i);
        if (ln->length[i] < 1) return fail(msg, size, "no length", l, i);
        if (h & LS_HANDLE_OBSTACLE) {
            obstacles++;
            if (ln->speed[i] != 0) return fail(msg, size, "a closed stretch moved", l, i);
        } else if (h & LS_HANDLE_GHOST) {
            uint32_t v = h & ~LS_HANDLE_GHOST;
            ghosts++;
            if (v >= w->fleet.cap || w->fleet.id[v] == 0 || w->fleet.ghost_lane[v] != l)
                return fail(msg, size, "ghost of a vehicle not crossing from here", l, i);
        } else if (h >= w->fleet.cap || w->fleet.id[h] == 0 || w->fleet.lane[h] != l) {
            return fail(msg, size, "handle does not match the fleet", l, i);
        }
        if (i + 1 < ln->hi && ln->front[i + 1] - ln->length[i + 1] - ln->front[i] < 0)
            return fail(msg, size, "overlaps the vehicle ahead (or order broken)", l, i);
    }
    if (w->ring && ln->hi > ln->lo &&
        ln->front[ln->lo] + w->cells - ln->length[ln->lo] - ln->front[ln->hi - 1] < 0)
        return fail(msg, size, "overlaps across the ring's seam", l, ln->hi - 1);
    if (ghosts != ln->ghosts || obstacles != ln->obstacles)
        return fail(msg, size, "ghost or obstacle count wrong", l, 0);
    return LS_OK;
}

ls_status ls_world_check(const ls_world *w, char *msg, size_t size)
{
    uint64_t inside = 0, waiting = 0;
    for (int l = 0; l < w->all_lanes; l++) {
        ls_status st = check_lane(w, l, msg, size);
        if (st != LS_OK) return st;
        const ls_lane *ln = &w->lane[l];
        inside += (uint64_t)(ls_lane_count(ln) - ln->ghosts - ln->obstacles);
        waiting += (uint64_t)w->lane[l].q_count;
    }
    const ls_counts *c = &w->counts;
    if (inside != c->inside || waiting != c->waiting || c->arrived != c->entered + c->waiting ||
        c->initial + c->entered != c->exited + c->inside) {
        if (msg && size)
            snprintf(msg, size,
                     "vehicle accounting broken: initial %llu arrived %llu entered %llu exited "
                     "%llu inside %llu (counted %llu) waiting %llu (counted %llu)",
                     (unsigned long long)c->initial, (unsigned long long)c->arrived,
                     (unsigned long long)c->entered, (unsigned long long)c->exited,
                     (unsigned long long)c->inside, (unsigned long long)inside,
                     (unsigned long long)c->waiting, (unsigned long long)waiting);
        return LS_ERR_INTERNAL;
    }
    return LS_OK;
}

/* One lane: its entries (a vehicle by its id, a ghost by its vehicle's id and the flag, an
 * obstacle by its handle: blockage and lane), its entry queue (ids, in order), the credit of
 * regular arrivals and its measurements. The caps are left out: each step sets them afresh. */
static uint64_t lane_hash(const ls_world *w, const ls_lane *ln, uint64_t h)
{
    int32_t n = ls_lane_count(ln);
    h = LS_HASH(h, n);
    h = ls_hash_bytes(h, ln->front + ln->lo, (size_t)n * sizeof *ln->front);
    h = ls_hash_bytes(h, ln->speed + ln->lo, (size_t)n * sizeof *ln->speed);
    h = ls_hash_bytes(h, ln->vmax + ln->lo, (size_t)n * sizeof *ln->vmax);
    h = ls_hash_bytes(h, ln->length + ln->lo, (size_t)n * sizeof *ln->length);
    h = ls_hash_bytes(h, ln->accel + ln->lo, (size_t)n * sizeof *ln->accel);
    for (int32_t i = ln->lo; i < ln->hi; i++) {
        uint32_t k = ln->handle[i];
        uint64_t id = k & LS_HANDLE_OBSTACLE ? k : w->fleet.id[k & ~LS_HANDLE_GHOST];
        uint32_t ghost = (k & LS_HANDLE_GHOST) != 0;
        h = LS_HASH(h, id);
        h = LS_HASH(h, ghost);
    }
    h = LS_HASH(h, ln->q_count);
    for (int32_t q = 0; q < ln->q_count; q++) {
        uint64_t id = w->fleet.id[ln->queue[(ln->q_head + q) % ln->q_cap]];
        h = LS_HASH(h, id);
    }
    h = LS_HASH(h, ln->regular_credit);
    h = LS_HASH(h, ln->ghosts);
    h = LS_HASH(h, ln->obstacles);
    h = LS_HASH(h, ln->sum_speed);
    h = LS_HASH(h, ln->sum_count);
    return LS_HASH(h, ln->lane_changes);
}

/* The GSL stream's state. For mt19937, 624 words and an index: its struct's tail padding is
 * never written, so it is left out. */
static uint64_t gsl_hash(const gsl_rng *r, uint64_t h)
{
    size_t n = gsl_rng_size(r);
    if (r->type == gsl_rng_mt19937) n = 624 * sizeof(unsigned long) + sizeof(int);
    return ls_hash_bytes(h, gsl_rng_state(r), n);
}

/* The core (clock, lanes, fleet, counters, both random streams), then each module's part.
 * Friction's tables, the lane-change module's scratch and the caps are rebuilt every step from
 * this state, and the geometry never changes: they have no part. */
uint64_t ls_world_state_hash(const ls_world *w)
{
    uint64_t h = LS_HASH_SEED;
    h = LS_HASH(h, w->step);
    h = LS_HASH(h, w->broken);
    for (int l = 0; l < w->all_lanes; l++) h = lane_hash(w, &w->lane[l], h);
    h = ls_fleet_hash(&w->fleet, h);
    h = LS_HASH(h, w->counts.initial);
    h = LS_HASH(h, w->counts.arrived);
    h = LS_HASH(h, w->counts.entered);
    h = LS_HASH(h, w->counts.exited);
    h = LS_HASH(h, w->counts.inside);
    h = LS_HASH(h, w->counts.waiting);
    h = LS_HASH(h, w->counts.missed_exits);
    h = LS_HASH(h, w->vehicle_updates);
    h = LS_HASH(h, w->time_spent_s);
    h = LS_HASH(h, w->distance_cells);
    h = ls_hash_bytes(h, w->fast.s, sizeof w->fast.s);
    h = gsl_hash(w->rng, h);
    h = ls_blockages_hash(w, h);
    h = ls_ramps_hash(w, h);
    h = ls_crossings_hash(w, h);
    h = ls_detectors_hash(w, h);
    h = ls_field_hash(w, h);
    h = ls_trips_hash(w, h);
    h = ls_meters_hash(w, h);
    return ls_probes_hash(w, h);
}
