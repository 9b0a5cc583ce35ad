/* caps.h (internal): this step's speed cap of each vehicle: its vmax, lowered by the speed limit
 * of its cell, by friction beside a slower lane (the tables: friction.c), and for the few drivers
 * who hold back for the speed trick or yield to a merging driver. The lane-change decision pass
 * sets the caps as it goes (lanechange.c); without lane changes ls_caps_set does. Inline: the
 * caps run for every vehicle every step. */
#ifndef LS_CAPS_H
#define LS_CAPS_H

#include "world_state.h"

/* A driver whose adjacent lane, in the same segment, runs more than speed_gap below the
 * driver's vmax is capped between vmax (coefficient 0) and that lane's speed + speed_gap
 * (coefficient 1): cap = vmax - c (vmax - (v_adjacent + gap)), rounded to whole cells/step.
 * `ref` is v_adjacent + gap. Inline: it runs for every vehicle every step. */
static inline uint16_t ls_friction_apply(float coefficient, float ref, uint16_t vmax)
{
    if ((float)vmax <= ref) return vmax;
    float cap = (float)vmax - coefficient * ((float)vmax - ref);
    return (uint16_t)(cap + 0.5f);
}

/* The friction cap of a driver with this vmax at `front` in `lane` (vmax when friction is off). */
static inline uint16_t ls_friction_cap(const ls_world *w, int lane, int32_t front, uint16_t vmax)
{
    if (!w->friction.seg_ref) return vmax;
    int32_t s = ls_segment_of(ls_friction_segmenter(&w->friction), front);
    return ls_friction_apply((float)w->sc.friction.coefficient,
                             w->friction.seg_ref[(size_t)lane * w->friction.seg_count + s], vmax);
}

/* Every entry's cap, lane by lane (when lane changes are off: their decision pass sets the caps
 * otherwise). */
void ls_caps_set(ls_world *w);

/* The cap of a driver holding back or yielding (i is not an obstacle); counts their steps. */
uint16_t ls_caps_special(ls_world *w, ls_lane *ln, int32_t i, uint32_t h, uint16_t cap);

/* What a pass over one lane's caps reads, in locals. */
typedef struct ls_caps_lane {
    const uint16_t *limit; /* cells/step: the speed limit of each cell, or NULL */
    const float *ref;      /* this lane's friction reference speeds (cells/step), or NULL */
    const uint16_t *free;  /* the highest cap friction leaves alone, per segment */
    const int16_t *hold;   /* the fleet's speed-trick and yielding counters */
    const int8_t *yield;
    float coef;
    ls_segmenter segs;
} ls_caps_lane;

static inline ls_caps_lane ls_caps_begin(const ls_world *w, int l)
{
    size_t at = (size_t)l * (size_t)w->friction.seg_count;
    ls_caps_lane cs = {w->geometry.cell_limit,
                       w->friction.seg_ref ? w->friction.seg_ref + at : NULL,
                       w->friction.seg_free ? w->friction.seg_free + at : NULL,
                       w->fleet.hold,
                       w->fleet.yield,
                       (float)w->sc.friction.coefficient,
                       ls_friction_segmenter(&w->friction)};
    return cs;
}

/* Entry i's cap this step (front x, vmax, handle hd): its vmax, lowered by the cell's speed
 * limit, friction in its segment and the speed trick or yielding. Obstacles have vmax 0, so
 * their cap is 0. */
static inline uint16_t ls_cap_of(ls_world *w, ls_lane *ln, ls_caps_lane *cs, int32_t i, int32_t x,
                                 uint16_t vmax, uint32_t hd)
{
    uint16_t cap = vmax;
    if (cs->limit && cs->limit[x] < cap) cap = cs->limit[x];
    if (cs->ref) {
        /* The segment by a multiplication, not by walking: boundaries come at random. */
        int32_t seg = ls_segment_of(cs->segs, x);
        if (cap > cs->free[seg]) cap = ls_friction_apply(cs->coef, cs->ref[seg], cap);
    }
    if (!(hd & LS_HANDLE_OBSTACLE)) {
        uint32_t h = hd & ~LS_HANDLE_GHOST;
        if (cs->hold[h] > 0 || cs->yield[h] > 0) cap = ls_caps_special(w, ln, i, h, cap);
    }
    return cap;
}

#endif
