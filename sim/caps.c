/* caps.c: the speed caps of the drivers who hold back or yield, and every cap when lane changes
 * are off. */
#include "caps.h"

uint16_t ls_caps_special(ls_world *w, ls_lane *ln, int32_t i, uint32_t h, uint16_t cap)
{
    ls_fleet *f = &w->fleet;
    if (f->hold[h] > 0 && LS_IS_REAL(ln->handle[i])) {
        /* Holding back: drop back (one cell/step slower than the leader) until the gap ahead is
         * trick_gap; then let go, and the run-up into the gap lifts the speed above the
         * leader's for the next tries. */
        int32_t a = i + 1 < ln->hi ? i + 1 : -1;
        if (a >= 0 && ln->front[a] - ln->length[a] - ln->front[i] < w->lc.trick_gap) {
            int32_t slower = ln->speed[a] > 0 ? ln->speed[a] - 1 : 0;
            if (slower < cap) cap = (uint16_t)slower;
            f->hold[h]--;
        } else {
            f->hold[h] = 0;
        }
    }
    if (f->yield[h] > 0) {
        /* Yielding to a merging driver: brake at coop_decel this step. */
        int32_t slower = (int32_t)ln->speed[i] - w->lc.yield;
        if (slower < cap) cap = (uint16_t)(slower > 0 ? slower : 0);
        f->yield[h]--;
    }
    return cap;
}

void ls_caps_set(ls_world *w)
{
    for (int l = 0; l < w->all_lanes; l++) {
        ls_lane *ln = &w->lane[l];
        ls_caps_lane cs = ls_caps_begin(w, l);
        for (int32_t i = ln->lo; i < ln->hi; i++)
            ln->vcap[i] = ls_cap_of(w, ln, &cs, i, ln->front[i], ln->vmax[i], ln->handle[i]);
    }
}
