/* invariants.c: checking a world's invariants, and hashing its state for determinism tests. */
#include <stdio.h>

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

static uint64_t fnv(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= UINT64_C(0x100000001B3);
    }
    return h;
}

uint64_t ls_world_state_hash(const ls_world *w)
{
    uint64_t h = UINT64_C(0xCBF29CE484222325);
    h = fnv(h, &w->step, sizeof w->step);
    for (int l = 0; l < w->all_lanes; l++) {
        const ls_lane *ln = &w->lane[l];
        int32_t n = ls_lane_count(ln);
        h = fnv(h, &n, sizeof n);
        h = fnv(h, ln->front + ln->lo, (size_t)n * sizeof *ln->front);
        h = fnv(h, ln->speed + ln->lo, (size_t)n * sizeof *ln->speed);
        for (int32_t i = ln->lo; i < ln->hi; i++) {
            uint32_t k = ln->handle[i];
            /* A vehicle by its id; a ghost by its vehicle's id and the flag; an obstacle by its
             * handle (blockage and lane). */
            uint64_t id = k & LS_HANDLE_OBSTACLE ? k : w->fleet.id[k & ~LS_HANDLE_GHOST];
            uint32_t ghost = (k & LS_HANDLE_GHOST) != 0;
            h = fnv(h, &id, sizeof id);
            h = fnv(h, &ghost, sizeof ghost);
        }
        h = fnv(h, &ln->q_count, sizeof ln->q_count);
    }
    h = fnv(h, &w->counts, sizeof w->counts);
    return fnv(h, w->fast.s, sizeof w->fast.s);
}
