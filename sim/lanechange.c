/* lanechange.c: lane changes: incentive, gap acceptance Ta + Tb < Tc, conflicts, crossing time. */
#include "lanechange.h"

#include <math.h>

#include "alloc.h"

ls_status ls_lanechange_setup(ls_world *w)
{
    const ls_lane_change_def *lc = &w->sc.lane_change;
    const double pi = 3.14159265358979323846;
    w->lc_sin_alpha = sin(lc->steer_angle_deg * pi / 180.0);
    int32_t gain = ls_round_cells(ls_kmh_to_mps(lc->min_gain_kmh) * w->dt_s / w->cell_m);
    w->lc_gain = gain < 1 ? 1 : gain;
    w->lc_lookahead = ls_round_cells(lc->lookahead_m / w->cell_m);
    w->trick_gap = ls_round_cells(lc->trick_gap_m / w->cell_m);
    w->lc_p_thr = ls_prob_threshold(lc->p_change);
    for (int b = 0; b < w->block_count; b++) w->closed_lanes |= w->blocks[b].lanes;
    /* Ta depends on the speed alone: one table instead of a square root per look. */
    w->lc_ta = ls_calloc((size_t)w->max_vmax + 1, sizeof *w->lc_ta);
    if (!w->lc_ta) return LS_ERR_NOMEM;
    for (int v = 0; v <= w->max_vmax; v++)
        w->lc_ta[v] = ls_lc_crossing_time(w, v * w->cell_m / w->dt_s);
    int32_t yield = ls_round_cells(lc->coop_decel_mps2 * w->dt_s * w->dt_s / w->cell_m);
    w->lc_yield = yield < 1 ? 1 : yield;
    return LS_OK;
}

/* ---- neighbours and the gap rule ---- */

/* Neighbours given k, the first index whose front is >= front. */
static void neighbours_at(const ls_world *w, int lane, int32_t front, int32_t length, int32_t k,
                          ls_neighbours *n)
{
    const ls_lane *ln = &w->lane[lane];
    int32_t count = ls_lane_count(ln);
    n->index = k;
    n->gap_ahead = n->gap_back = LS_FAR;
    n->v_ahead = n->v_back = n->a_back = n->vmax_back = 0;
    n->back_handle = UINT32_MAX;
    n->back_index = -1;
    if (count == 0) return;
    int32_t a = k, b = k - 1, wrap_a = 0, wrap_b = 0;
    if (a == ln->hi) a = w->ring ? ln->lo : -1, wrap_a = w->cells;
    if (b < ln->lo) b = w->ring ? ln->hi - 1 : -1, wrap_b = w->cells;
    if (a >= 0) {
        n->gap_ahead = ln->front[a] + wrap_a - ln->length[a] - front;
        n->v_ahead = ln->speed[a];
    }
    if (b >= 0) {
        n->gap_back = (front - length) - (ln->front[b] - wrap_b);
        n->v_back = ln->speed[b];
        n->a_back = ln->accel[b];
        n->vmax_back = ln->vmax[b];
        n->back_handle = ln->handle[b];
        n->back_index = b;
    }
}

void ls_lc_neighbours(const ls_world *w, int lane, int32_t front, int32_t length, ls_neighbours *n)
{
    neighbours_at(w, lane, front, length, ls_lane_lower_bound(&w->lane[lane], front), n);
}

/* Lateral motion from speed v at heading angle alpha to the lane, accelerating at a along the
 * heading: y(t) = v sin(alpha) t + a sin(alpha) t^2 / 2 reaches the lane width w at
 * t = (-v s + sqrt(v^2 s^2 + 2 a s w)) / (a s), s = sin(alpha). It tends to w / (v s) at speed
 * and to sqrt(2 w / (a s)) from rest: the two formulas of Traffic III in one. */
double ls_lc_crossing_time(const ls_world *w, double v)
{
    double s = w->lc_sin_alpha, a = w->sc.lane_change.lateral_accel_mps2;
    double width = w->sc.road.lane_width_m;
    return (-v * s + sqrt(v * v * s * s + 2 * a * s * width)) / (a * s);
}

/* Tc: the time the follower needs to reach the merging vehicle's rear, d cells away, starting
 * at its speed and accelerating up to its vmax (all in grid units; the result in steps). A
 * follower already at its vmax arrives after d / v, the time gap of Traffic III (1/q in the
 * macroscopic view); a slow or stopped follower is not assumed to stay slow: it may pull away
 * while the merger crosses. A closed stretch behind (no acceleration) never arrives. */
static double follower_arrival(int32_t d, int32_t v0, int32_t a, int32_t vmax)
{
    if (d < 0) return 0;
    if (a <= 0 || vmax <= 0) return v0 > 0 ? (double)d / v0 : INFINITY;
    if (v0 >= vmax) return (double)d / v0;
    double t1 = (double)(vmax - v0) / a, d1 = v0 * t1 + 0.5 * a * t1 * t1;
    if (d <= d1) return (-v0 + sqrt((double)v0 * v0 + 2.0 * a * d)) / a;
    return t1 + (d - d1) / vmax;
}

/* Tc for a follower that yields: it brakes at b (cells/step^2) from v0, so it reaches the
 * merger d cells away only if it cannot stop first; then d = v0 t - b t^2 / 2. */
static double yielding_arrival(int32_t d, int32_t v0, double b)
{
    if (d < 0) return 0;
    if (v0 <= 0 || (double)v0 * v0 / (2 * b) < d) return INFINITY;
    return (v0 - sqrt((double)v0 * v0 - 2 * b * d)) / b;
}

void ls_lc_evaluate(const ls_world *w, int target, int32_t front, int32_t length, int32_t speed,
                    double urgency, int watching, const ls_neighbours *n, ls_lc_times *out)
{
    const ls_lane_change_def *lc = &w->sc.lane_change;
    double to_mps = w->cell_m / w->dt_s;
    double v = speed * to_mps, v_back = n->v_back * to_mps;
    double factor = 1.0 - urgency * (1.0 - lc->forced_factor);
    out->ta = speed <= w->max_vmax ? w->lc_ta[speed] : ls_lc_crossing_time(w, v);
    out->tb =
        v_back > v ? (v_back - v) / (lc->lateral_accel_mps2 + lc->coop_decel_mps2) * factor : 0.0;
    int yielding = n->back_handle != UINT32_MAX && LS_IS_REAL(n->back_handle) &&
                   w->fleet.yield[n->back_handle] > 0;
    double b_cells = lc->coop_decel_mps2 * w->dt_s * w->dt_s / w->cell_m;
    if (n->gap_back >= LS_FAR)
        out->tc = INFINITY;
    else if (yielding && b_cells > 0)
        out->tc = yielding_arrival(n->gap_back, n->v_back, b_cells) * w->dt_s;
    else
        out->tc = follower_arrival(n->gap_back, n->v_back, n->a_back, n->vmax_back) * w->dt_s;
    /* A driver who was already watching starts the moment the gap opens, which may fall between
     * two steps: credit the time since the target lane's leader passed (at most one step). */
    if (watching && n->v_ahead > 0 && n->gap_ahead < LS_FAR) {
        int32_t passed = n->gap_ahead + 1; /* cells the leader's rear is past our front + 1 */
        if (passed <= n->v_ahead) out->tc += (double)passed / n->v_ahead * w->dt_s;
    }
    int32_t need_ahead = speed > n->v_ahead ? speed - n->v_ahead : 0;
    out->accept = n->gap_ahead >= need_ahead && n->gap_back >= 0 && out->ta + out->tb < out->tc &&
                  !ls_blockage_covers(w, target, front - length + 1, front);
    (void)target;
}

/* ---- incentives ---- */

/* The speed a lane lets a driver keep: its cap there, and no more than the gap plus the
 * leader's own move. Not the speed reachable in the next step: a driver stuck behind a truck
 * compares what each lane allows, whatever its acceleration (cf. the look-ahead comparison of
 * Rickert et al. 1996). */
static int32_t expected_speed(int32_t cap, int32_t gap, int32_t v_ahead)
{
    int32_t s = cap;
    if (gap < LS_FAR && s > gap + v_ahead) s = gap + v_ahead;
    return s < 0 ? 0 : s;
}

typedef struct lc_vehicle {
    int lane;
    int32_t index, front, speed, length, accel, own_gap, own_v_ahead;
    uint16_t vmax, cap;
    uint32_t handle;
    int32_t cursor[2]; /* first index with front >= this front in the left and right lanes */
} lc_vehicle;

static int lane_allowed(const ls_world *w, uint32_t h, int lane)
{
    uint32_t m = w->sc.vehicle_types[w->fleet.type[h]].lanes_mask;
    return !m || (m >> lane & 1u);
}

/* Why a driver must change, how urgently (0 .. 1), and to which sides (bit 0 left, bit 1
 * right). An on-ramp lane: merge left along the acceleration lane, the urgency growing to 1 at
 * its end. A closed stretch ahead within lookahead: either side, urgency 1 - d / lookahead. An
 * exit ahead within the driver's exit look-ahead and not in the rightmost lane: right, urgency
 * 1 - d / look-ahead. The smallest urgency is kept above 0 so that the change counts as
 * mandatory (tried every step, both mirrors). */
typedef struct lc_need {
    double urgency;
    unsigned sides;
} lc_need;

/* How far before its exit a driver starts working right: its look-ahead for each lane it has
 * to cross (a driver in the fast lane of four starts three times as early as one next to the
 * right lane). */
static int32_t exit_reach(const ls_world *w, const lc_vehicle *v)
{
    int32_t lanes_to_cross = w->lanes - 1 - v->lane;
    return w->fleet.exit_look[v->handle] * (lanes_to_cross > 1 ? lanes_to_cross : 1);
}

static lc_need need_of(const ls_world *w, const lc_vehicle *v)
{
    lc_need n = {0.0, 3u};
    const ls_lane *ln = &w->lane[v->lane];
    if (ln->ramp >= 0) {
        if (v->front < ln->zone_from) return n;
        double left = (double)(ln->zone_to - v->front), len = (double)(ln->zone_to - ln->zone_from);
        n.urgency = fmax(1e-3, fmin(1.0, 1.0 - left / len));
        n.sides = 1u;
        return n;
    }
    int32_t d = ls_blockage_ahead(w, v->lane, v->front, w->lc_lookahead);
    if (d >= 0) {
        n.urgency = fmax(1e-3, 1.0 - (double)d / (double)w->lc_lookahead);
        return n;
    }
    int dest = w->fleet.dest[v->handle];
    if (dest >= 0 && v->lane < w->lanes - 1) {
        int32_t to_exit = w->ramps[dest].at - v->front, look = exit_reach(w, v);
        if (to_exit > 0 && to_exit <= look) {
            n.urgency = fmax(1e-3, 1.0 - (double)to_exit / (double)look);
            n.sides = 2u;
        }
    }
    return n;
}

/* A driver bound for an exit does not move left for speed once the exit is within its reach
 * from the lane it would move to (else it would find itself too far left, too close). */
static int heading_for_exit(const ls_world *w, const lc_vehicle *v)
{
    int dest = w->fleet.dest[v->handle];
    if (dest < 0) return 0;
    int32_t to_exit = w->ramps[dest].at - v->front;
    int32_t from_left = w->fleet.exit_look[v->handle] * (w->lanes - v->lane);
    return to_exit > 0 && to_exit <= from_left;
}

/* The lane on a side worth considering: exists there, allowed for the type, and not closed
 * within the look-ahead. */
static int usable(const ls_world *w, const lc_vehicle *v, int side)
{
    int m = ls_lane_neighbour(w, v->lane, side, v->front);
    if (m < 0 || !lane_allowed(w, v->handle, m)) return -1;
    if (ls_blockage_ahead(w, m, v->front, w->lc_lookahead) >= 0) return -1;
    if (ls_blockage_covers(w, m, v->front - v->length + 1, v->front)) return -1;
    return m;
}

typedef struct lc_option {
    int lane;
    int32_t gain; /* cells/step of expected speed over the own lane */
    uint16_t cap;
    ls_neighbours n;
} lc_option;

static void consider(const ls_world *w, const lc_vehicle *v, int m, int side, lc_option *o)
{
    o->lane = m;
    neighbours_at(w, m, v->front, v->length, v->cursor[side > 0], &o->n);
    o->cap = ls_friction_cap(w, m, v->front, v->vmax);
    int32_t own = expected_speed(v->cap, v->own_gap, v->own_v_ahead);
    o->gain = expected_speed(o->cap, o->n.gap_ahead, o->n.v_ahead) - own;
}

/* Whether an option is worth taking. Mandatory (closed lane ahead): any usable neighbour.
 * Discretionary: at least min_gain faster; in Europe (keep_right) moving right needs only to
 * lose nothing. */
static int qualifies(const ls_world *w, const lc_vehicle *v, const lc_option *o, int side,
                     double urg)
{
    if (urg > 0) return 1;
    if (side < 0 && heading_for_exit(w, v)) return 0;
    if (w->sc.lane_change.keep_right && side > 0) return o->gain >= 0;
    return o->gain >= w->lc_gain;
}

/* The lane a driver would move to, or -1. Mandatory: the qualifying neighbour on the sides the
 * need allows with the larger gain (a tie to the right). Discretionary: the driver checks one
 * mirror per step, on a side drawn at random (a wall on that side means no change this step).
 * Looking both ways and taking the better side would give a lane with two neighbours a smaller
 * chance per side of losing a driver than an edge lane has, and equal lanes would not stay equal
 * (docs/validation.md, symmetry). */
static int choose(ls_world *w, const lc_vehicle *v, lc_need need, lc_option *best)
{
    lc_option o[2];
    int sides[2], n = 0, pick = -1;
    if (need.urgency == 0) {
        int side = (ls_fastrng_next(&w->fast) >> 63) ? 1 : -1; /* one mirror */
        int m = usable(w, v, side);
        if (m < 0) return -1;
        consider(w, v, m, side, &o[0]);
        if (!qualifies(w, v, &o[0], side, 0.0)) return -1;
        *best = o[0];
        return m;
    }
    for (int side = -1; side <= 1; side += 2) {
        unsigned bit = side < 0 ? 1u : 2u;
        int m = (need.sides & bit) ? usable(w, v, side) : -1;
        if (m < 0) continue;
        sides[n] = side;
        consider(w, v, m, side, &o[n++]);
    }
    for (int i = 0; i < n; i++)
        if (qualifies(w, v, &o[i], sides[i], need.urgency) &&
            (pick < 0 || o[i].gain >= o[pick].gain))
            pick = i;
    if (pick < 0) return -1;
    *best = o[pick];
    return best->lane;
}

/* ---- decisions (from the state at t) ---- */

/* A driver who expects to drive at its vmax in its own lane cannot gain by moving, unless
 * keep_right sends it right: most drivers in free flow, skipped cheaply. */
static int content(const ls_world *w, const lc_vehicle *v)
{
    return !w->sc.lane_change.keep_right &&
           expected_speed(v->cap, v->own_gap, v->own_v_ahead) >= v->vmax;
}

static ls_status decide(ls_world *w, lc_vehicle *v, int coin_drawn)
{
    ls_fleet *f = &w->fleet;
    lc_need need = need_of(w, v);
    double urg = need.urgency;
    if (urg == 0 &&
        /* A driver whose coin was drawn in decide_lane is already known not to be content. */
        (!coin_drawn && (content(w, v) || (ls_fastrng_next(&w->fast) >> 32) >= w->lc_p_thr))) {
        f->want_lane[v->handle] = -1;
        return LS_OK;
    }
    lc_option o;
    int target = choose(w, v, need, &o);
    int watching = target >= 0 && f->want_lane[v->handle] == target;
    f->want_lane[v->handle] = (int8_t)target;
    if (target < 0) return LS_OK;
    ls_lc_times t;
    ls_lc_evaluate(w, target, v->front, v->length, v->speed, urg, watching, &o.n, &t);
    if (!t.accept) {
        /* Cooperation: a driver who must get in soon (urgency >= 0.5: the second half of an
         * acceleration lane or of the approach to a closure or an exit) and has room beside it
         * (only the timing is wrong; asking when there is no room would stop the lane for
         * nothing) makes the follower in the target lane yield, braking at b for two steps:
         * while it yields, its Tc is that of a braking car (ls_lc_evaluate), so a merger that
         * came to a stop can get in: without it, Ta(0) + Tb of 10-20 s against a follower
         * pulling away from a standstill locks the merge up instead of zipping. */
        uint32_t fh = o.n.back_handle;
        int room = o.n.gap_ahead >= 0 && o.n.gap_back >= 0; /* only the timing is wrong */
        if (urg > 0 && !room) {
            /* The spot beside is taken by a car alongside: a driver who must get over drops
             * behind it (one cell/step slower than it) rather than ride beside it to the end. */
            int32_t beside = o.n.gap_back < 0 ? o.n.v_back : o.n.v_ahead;
            ls_lane *own = &w->lane[v->lane];
            int32_t slower = beside > 0 ? beside - 1 : 0;
            if (slower < own->vcap[v->index]) own->vcap[v->index] = (uint16_t)slower;
        }
        if (urg >= 0.5 && room && fh != UINT32_MAX && LS_IS_REAL(fh)) {
            f->yield[fh] = 2;
            /* At once, in this step's move too: otherwise the follower drives into the very
             * gap it is yielding (in stop-and-go traffic, that is every gap). */
            ls_lane *tl = &w->lane[target];
            int32_t k = o.n.back_index;
            int32_t slower = (int32_t)tl->speed[k] - w->lc_yield;
            slower = slower > 0 ? slower : 0;
            if (slower < tl->vcap[k]) tl->vcap[k] = (uint16_t)slower;
        }
        /* The speed trick: refused only because of Tb, drop back to gain speed in a gap. */
        if (f->trickster[v->handle] && f->hold[v->handle] == 0 && t.ta < t.tc && t.tb > 0)
            f->hold[v->handle] = (int16_t)(10.0 / w->dt_s + 1);
        return LS_OK;
    }
    if (ls_grow((void **)&w->changes, &w->change_cap, w->change_count, sizeof *w->changes, 64))
        return LS_ERR_NOMEM;
    ls_change *c = &w->changes[w->change_count++];
    c->handle = v->handle;
    c->front = v->front;
    c->from = (int8_t)v->lane;
    c->to = (int8_t)target;
    c->cap = o.cap;
    double steps = floor(t.ta / w->dt_s + 0.5);
    c->steps = (int16_t)(steps > 1000 ? 1000 : steps);
    return LS_OK;
}

/* Advances a cursor in an adjacent lane to the first entry whose front is >= x: the vehicles
 * of a lane are visited in order, so each cursor only moves forward (one pass per lane pair). */
static int32_t advance(const ls_world *w, int lane, int32_t k, int32_t x)
{
    if (lane < 0) return k;
    const ls_lane *ln = &w->lane[lane];
    if (k < ln->lo) k = ln->lo;
    while (k < ln->hi && ln->front[k] < x) k++;
    return k;
}

static ls_status decide_lane(ls_world *w, int l)
{
    const ls_lane *ln = &w->lane[l];
    int32_t cursor[2] = {0, 0};
    /* Drivers with nothing to gain and no obligation (no closure in this lane, no exit to
     * take, not on an on-ramp) are skipped at the cost of one comparison. */
    int skip_content =
        !w->sc.lane_change.keep_right && !(w->closed_lanes >> l & 1u) && ln->ramp < 0;
    for (int32_t i = ln->lo; i < ln->hi; i++) {
        uint32_t h = ln->handle[i];
        int32_t a = i + 1, wrap = 0;
        if (a == ln->hi) a = w->ring ? ln->lo : -1, wrap = w->cells;
        int32_t gap =
            a >= 0 && a != i ? ln->front[a] + wrap - ln->length[a] - ln->front[i] : LS_FAR;
        int32_t v_ahead = a >= 0 && a != i ? ln->speed[a] : 0;
        /* The common case first: nothing to gain (see content()), no closure anywhere. */
        if (skip_content && (!LS_IS_REAL(h) || w->fleet.dest[h] < 0) &&
            expected_speed(ln->vcap[i], gap, v_ahead) >= ln->vmax[i]) {
            if (LS_IS_REAL(h) && w->fleet.want_lane[h] >= 0) w->fleet.want_lane[h] = -1;
            continue;
        }
        if (!LS_IS_REAL(h) || w->fleet.ghost_lane[h] >= 0) continue; /* still crossing */
        /* No obligation: the p_change coin first, before any look at the neighbours. */
        if (skip_content && w->fleet.dest[h] < 0 &&
            (ls_fastrng_next(&w->fast) >> 32) >= w->lc_p_thr) {
            w->fleet.want_lane[h] = -1;
            continue;
        }
        cursor[0] = advance(w, ls_lane_neighbour(w, l, -1, ln->front[i]), cursor[0], ln->front[i]);
        cursor[1] = advance(w, ls_lane_neighbour(w, l, +1, ln->front[i]), cursor[1], ln->front[i]);
        lc_vehicle v = {l,
                        i,
                        ln->front[i],
                        ln->speed[i],
                        ln->length[i],
                        ln->accel[i],
                        gap,
                        v_ahead,
                        ln->vmax[i],
                        ln->vcap[i],
                        h,
                        {cursor[0], cursor[1]}};
        ls_status st = decide(w, &v, skip_content && w->fleet.dest[h] < 0);
        if (st != LS_OK) return st;
    }
    return LS_OK;
}

/* ---- applying the decisions ---- */

/* Decisions are applied front to back (then lane by lane), each checked again against the
 * target lane as the earlier ones left it: of two vehicles aiming at the same cells, from the
 * left and from the right, the one further ahead (or, level, from the lower-numbered lane) goes
 * and the other finds no room and stays. */
static int change_order(const void *pa, const void *pb)
{
    const ls_change *a = pa, *b = pb;
    if (a->front != b->front) return a->front > b->front ? -1 : 1;
    return (a->from > b->from) - (a->from < b->from);
}

static ls_status start_crossing(ls_world *w, const ls_change *c, int32_t from_index)
{
    ls_lane *src = &w->lane[c->from];
    if (c->steps <= 0) {
        ls_lane_remove(src, from_index);
        return LS_OK;
    }
    if (ls_grow((void **)&w->crossings, &w->crossing_cap, w->crossing_count, sizeof *w->crossings,
                64))
        return LS_ERR_NOMEM;
    src->handle[from_index] = c->handle | LS_HANDLE_GHOST;
    src->ghosts++;
    w->fleet.ghost_lane[c->handle] = c->from;
    ls_crossing *x = &w->crossings[w->crossing_count++];
    x->handle = c->handle;
    x->front = c->front;
    x->steps = c->steps;
    return LS_OK;
}

static ls_status apply(ls_world *w, const ls_change *c)
{
    ls_lane *src = &w->lane[c->from], *dst = &w->lane[c->to];
    int32_t i = ls_lane_lower_bound(src, c->front);
    if (i >= src->hi || src->handle[i] != c->handle) return LS_ERR_INTERNAL;
    ls_neighbours n;
    ls_lc_neighbours(w, c->to, c->front, src->length[i], &n);
    int32_t need_ahead = src->speed[i] > n.v_ahead ? src->speed[i] - n.v_ahead : 0;
    if (n.gap_ahead < need_ahead || n.gap_back < 0) return LS_OK; /* taken by an earlier change */
    ls_status st = ls_lane_insert(dst, n.index, c->front, src->speed[i], src->vmax[i],
                                  src->length[i], src->accel[i], c->handle, c->cap);
    if (st != LS_OK) return st;
    i = ls_lane_lower_bound(src, c->front); /* src may be dst's neighbour: never the same lane */
    ls_fleet *f = &w->fleet;
    f->lane[c->handle] = c->to;
    f->lane_changes[c->handle]++;
    f->want_lane[c->handle] = -1;
    f->hold[c->handle] = 0;
    if (w->step >= w->warmup_steps) dst->lane_changes++;
    if (src->ramp >= 0) ls_ramps_merged(w, c->from, c->front);
    return start_crossing(w, c, i);
}

ls_status ls_lanechange_step(ls_world *w)
{
    w->change_count = 0;
    for (int l = 0; l < w->all_lanes; l++) {
        ls_status st = decide_lane(w, l);
        if (st != LS_OK) return st;
    }
    if (w->change_count > 1) qsort(w->changes, w->change_count, sizeof *w->changes, change_order);
    for (size_t k = 0; k < w->change_count; k++) {
        ls_status st = apply(w, &w->changes[k]);
        if (st != LS_OK) return st;
    }
    return LS_OK;
}

/* ---- speed caps (friction, speed trick) before the move ---- */

void ls_lanechange_caps(ls_world *w)
{
    for (int l = 0; l < w->all_lanes; l++) {
        ls_lane *ln = &w->lane[l];
        int32_t seg = 0, seg_end = w->seg_cells;
        for (int32_t i = ln->lo; i < ln->hi; i++) {
            uint32_t h = ln->handle[i] & ~LS_HANDLE_GHOST;
            if (ln->handle[i] & LS_HANDLE_OBSTACLE) {
                ln->vcap[i] = 0;
                continue;
            }
            uint16_t cap = ln->vmax[i];
            if (w->cell_limit && w->cell_limit[ln->front[i]] < cap)
                cap = w->cell_limit[ln->front[i]];
            if (w->seg_ref) {
                while (ln->front[i] >= seg_end && seg + 1 < w->seg_count)
                    seg++, seg_end += w->seg_cells;
                cap = ls_friction_cap_seg(w, l, seg, cap);
            }
            if (w->fleet.hold[h] > 0 && LS_IS_REAL(ln->handle[i])) {
                /* Holding back: drop back (one cell/step slower than the leader) until the gap
                 * ahead is trick_gap; then let go, and the run-up into the gap lifts the speed
                 * above the leader's for the next tries. */
                int32_t a = i + 1 < ln->hi ? i + 1 : -1;
                if (a >= 0 && ln->front[a] - ln->length[a] - ln->front[i] < w->trick_gap) {
                    int32_t slower = ln->speed[a] > 0 ? ln->speed[a] - 1 : 0;
                    if (slower < cap) cap = (uint16_t)slower;
                    w->fleet.hold[h]--;
                } else {
                    w->fleet.hold[h] = 0;
                }
            }
            if (w->fleet.yield[h] > 0) {
                /* Yielding to a merging driver: brake at coop_decel this step. */
                int32_t slower = (int32_t)ln->speed[i] - w->lc_yield;
                if (slower < cap) cap = (uint16_t)(slower > 0 ? slower : 0);
                w->fleet.yield[h]--;
            }
            ln->vcap[i] = cap;
        }
    }
}

/* ---- crossings: a vehicle in two lanes ---- */

static int32_t find_entry(const ls_lane *ln, int32_t front, uint32_t handle)
{
    int32_t i = ls_lane_lower_bound(ln, front);
    return i < ln->hi && ln->handle[i] == handle ? i : -1;
}

/* After the move: a crossing vehicle moves no further than either lane allowed (the smaller of
 * its two new speeds, applied to both copies: never an overlap, since the followers in both
 * lanes kept their gaps to its old position). The ghost's move is taken out of its lane's
 * measurements, the real copy's corrected. Ghosts whose time is up leave their lane. */
ls_status ls_crossings_reconcile(ls_world *w)
{
    for (size_t k = 0; k < w->crossing_count; k++) {
        ls_crossing *x = &w->crossings[k];
        ls_lane *real = &w->lane[w->fleet.lane[x->handle]];
        ls_lane *ghost = &w->lane[w->fleet.ghost_lane[x->handle]];
        int32_t r = find_entry(real, x->front, x->handle);
        int32_t g = find_entry(ghost, x->front, x->handle | LS_HANDLE_GHOST);
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
    for (size_t k = 0; k < w->crossing_count; k++) {
        ls_crossing x = w->crossings[k];
        if (w->fleet.id[x.handle] == 0 || w->fleet.ghost_lane[x.handle] < 0) continue;
        if (x.front >= w->cells) x.front -= w->cells;
        w->crossings[n++] = x;
    }
    w->crossing_count = n;
}
