/* crossing.c: vehicles in the middle of a lane change, present in both lanes (the real copy and
 * its ghost) until the crossing time is up. */
#include "alloc.h"
#include "hash.h"
#include "world_state.h"

/* After the move: a crossing vehicle moves no further than either lane allowed (the smaller of
 * its two new speeds, applied to both copies: never an overlap, since the followers in both
 * lanes kept their gaps to its old position). The ghost's move is taken out of its lane's
 * measurements, the real copy's corrected. Ghosts whose time is up leave their lane. */
ls_status ls_crossings_reconcile(ls_world *w)
{
    for (size_t k = 0; k < w->crossings.count; k++) {
        ls_crossing *x = &w->crossings.list[k];
        ls_lane *real = &w->lane[w->fleet.lane[x->handle]];
        ls_lane *ghost = &w->lane[w->fleet.ghost_lane[x->handle]];
        int32_t r = ls_lane_find(real, x->front, x->handle);
        int32_t g = ls_lane_find(ghost, x->front, x->handle | LS_HANDLE_GHOST);
        if (r < 0 || g < 0) return LS_ERR_INTERNAL;
        uint16_t v = real->speed[r] < ghost->speed[g] ? real->speed[r] : ghost->speed[g];
        real->step_speed -= (uint64_t)(real->speed[r] - v);
        ghost->step_speed -= ghost->speed[g];
        real->speed[r] = ghost->speed[g] = v;
        real->front[r] = ghost->front[g] = x->front + v;
        x->front += v;
        if (--x->steps <= 0) {
            ls_lane_remove(ghost, g);
            ghost->ghosts--;
            w->fleet.ghost_lane[x->handle] = -1;
        }
    }
    return LS_OK;
}

/* After the boundary: crossings that ended or left the road are dropped, ring fronts wrapped. */
void ls_crossings_after_boundary(ls_world *w)
{
    size_t n = 0;
    for (size_t k = 0; k < w->crossings.count; k++) {
        ls_crossing x = w->crossings.list[k];
        if (w->fleet.id[x.handle] == 0 || w->fleet.ghost_lane[x.handle] < 0) continue;
        if (x.front >= w->cells) x.front -= w->cells;
        w->crossings.list[n++] = x;
    }
    w->crossings.count = n;
}

void ls_crossings_free(ls_crossings_state *c)
{
    ls_free(c->list);
    c->list = NULL;
    c->count = c->cap = 0;
}

/* Each crossing by its vehicle's id (handles are an internal detail), front and steps left. */
uint64_t ls_crossings_hash(const ls_world *w, uint64_t h)
{
    h = LS_HASH(h, w->crossings.count);
    for (size_t k = 0; k < w->crossings.count; k++) {
        const ls_crossing *x = &w->crossings.list[k];
        h = LS_HASH(h, w->fleet.id[x->handle]);
        h = LS_HASH(h, x->front);
        h = LS_HASH(h, x->steps);
    }
    return h;
}
