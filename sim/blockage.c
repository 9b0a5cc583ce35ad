/* blockage.c: incidents and work zones: closed stretches as parked entries in their lanes. */
#include <math.h>
#include <string.h>

#include "hash.h"
#include "world_state.h"

void ls_blockages_create(ls_world *w)
{
    w->blockage.block_count = w->sc.blockage_count;
    for (int b = 0; b < w->blockage.block_count; b++) {
        const ls_blockage_def *def = &w->sc.blockages[b];
        ls_block *k = &w->blockage.blocks[b];
        k->from = (int32_t)floor(def->from_m / w->cell_m + 1e-9);
        k->to = (int32_t)ceil(def->to_m / w->cell_m - 1e-9);
        if (k->to > w->cells) k->to = w->cells;
        if (k->to <= k->from) k->to = k->from + 1;
        k->start = (int64_t)floor(def->start_s / w->dt_s + 0.5);
        k->end = (int64_t)floor(def->end_s / w->dt_s + 0.5);
        k->lanes = def->lanes_mask;
        k->placed = 0;
        w->blockage.closed_lanes |= k->lanes;
    }
}

void ls_blockages_add(ls_world *w, uint32_t lanes, int32_t from, int32_t to)
{
    ls_block *k = &w->blockage.blocks[w->blockage.block_count++];
    memset(k, 0, sizeof *k);
    k->from = from;
    k->to = to > from ? to : from + 1;
    k->start = 0;
    k->end = INT64_MAX;
    k->lanes = lanes;
    w->blockage.closed_lanes |= lanes;
}

/* Rear cell of the entry ahead of index k (k itself when k < hi, the rearmost entry one lap on
 * when the lane is a ring), or `none` when nothing is ahead. */
static int64_t rear_ahead(const ls_world *w, const ls_lane *ln, int32_t k, int64_t none)
{
    if (k < ln->hi) return (int64_t)ln->front[k] - ln->length[k] + 1;
    if (w->ring && ln->hi > ln->lo)
        return (int64_t)ln->front[ln->lo] - ln->length[ln->lo] + 1 + w->cells;
    return none;
}

/* Places the obstacle over [from, to) when no vehicle stands on `from`; while vehicles are still
 * inside the stretch it covers only the part behind them and grows as they drive out. */
static ls_status place(ls_world *w, int b, int l)
{
    ls_block *k = &w->blockage.blocks[b];
    ls_lane *ln = &w->lane[l];
    int32_t i = ls_lane_lower_bound(ln, k->from);
    int64_t rear = rear_ahead(w, ln, i, k->to);
    if (rear <= k->from) return LS_OK; /* a vehicle covers the first closed cell: wait */
    int32_t front = (int32_t)((rear < k->to ? rear : k->to) - 1);
    uint32_t handle = LS_HANDLE_OBSTACLE | (uint32_t)(b * LS_MAX_ALL_LANES + l);
    ls_status st =
        ls_lane_insert(ln, i, front, 0, 0, (uint16_t)(front - k->from + 1), 0, handle, 0);
    if (st != LS_OK) return st;
    k->placed |= 1u << l;
    k->front[l] = front;
    ln->obstacles++;
    return LS_OK;
}

static ls_status grow_or_remove(ls_world *w, int b, int l, int active)
{
    ls_block *k = &w->blockage.blocks[b];
    ls_lane *ln = &w->lane[l];
    uint32_t handle = LS_HANDLE_OBSTACLE | (uint32_t)(b * LS_MAX_ALL_LANES + l);
    int32_t i = ls_lane_find(ln, k->front[l], handle);
    if (i < 0) return LS_ERR_INTERNAL;
    if (!active) {
        ls_lane_remove(ln, i);
        k->placed &= ~(1u << l);
        ln->obstacles--;
        return LS_OK;
    }
    if (k->front[l] >= k->to - 1) return LS_OK;
    int64_t rear = rear_ahead(w, ln, i + 1, k->to);
    int32_t front = (int32_t)((rear < k->to ? rear : k->to) - 1);
    if (front > k->front[l]) {
        ln->front[i] = front;
        ln->length[i] = (uint16_t)(front - k->from + 1);
        k->front[l] = front;
    }
    return LS_OK;
}

/* Opens and closes lanes on schedule. Runs at the start of each step, before lane changes. */
ls_status ls_blockages_update(ls_world *w)
{
    for (int b = 0; b < w->blockage.block_count; b++) {
        ls_block *k = &w->blockage.blocks[b];
        int active = w->step >= k->start && w->step < k->end;
        for (int l = 0; l < w->all_lanes; l++) {
            if (!(k->lanes >> l & 1u)) continue;
            ls_status st = LS_OK;
            if (k->placed >> l & 1u)
                st = grow_or_remove(w, b, l, active);
            else if (active)
                st = place(w, b, l);
            if (st != LS_OK) return st;
        }
    }
    return LS_OK;
}

static int active_in(const ls_world *w, const ls_block *k, int lane)
{
    return (k->lanes >> lane & 1u) && w->step >= k->start && w->step < k->end;
}

int32_t ls_blockage_ahead(const ls_world *w, int lane, int32_t front, int32_t reach)
{
    int32_t best = -1;
    if (!(w->blockage.closed_lanes >> lane & 1u)) return -1;
    for (int b = 0; b < w->blockage.block_count; b++) {
        const ls_block *k = &w->blockage.blocks[b];
        if (!active_in(w, k, lane) || k->from <= front) continue;
        int32_t d = k->from - front - 1;
        if (d <= reach && (best < 0 || d < best)) best = d;
    }
    return best;
}

int ls_blockage_covers(const ls_world *w, int lane, int32_t from, int32_t to)
{
    if (!(w->blockage.closed_lanes >> lane & 1u)) return 0;
    for (int b = 0; b < w->blockage.block_count; b++) {
        const ls_block *k = &w->blockage.blocks[b];
        if (active_in(w, k, lane) && from < k->to && to >= k->from) return 1;
    }
    return 0;
}

/* The live part of each closed stretch: which lanes hold its obstacle, and its front there. */
uint64_t ls_blockages_hash(const ls_world *w, uint64_t h)
{
    for (int b = 0; b < w->blockage.block_count; b++) {
        const ls_block *k = &w->blockage.blocks[b];
        h = LS_HASH(h, k->placed);
        for (int l = 0; l < LS_MAX_LANES; l++)
            if (k->placed >> l & 1u) h = LS_HASH(h, k->front[l]);
    }
    return h;
}
