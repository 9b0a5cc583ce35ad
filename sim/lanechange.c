/* lanechange.c: lane changes: incentives, decisions (the gap rule itself is in gaprule.c),
 * cooperation, conflicts, and the start of a crossing (its course: crossing.c). The speed caps
 * the decision pass sets as it goes are caps.h's. */
#include "lanechange.h"

#include <math.h>
#include <string.h>

#include "alloc.h"
#include "caps.h"

ls_status ls_lanechange_setup(ls_world *w)
{
    const ls_lane_change_def *lc = &w->sc.lane_change;
    const double pi = 3.14159265358979323846;
    w->lc.sin_alpha = sin(lc->steer_angle_deg * pi / 180.0);
    int32_t gain = ls_round_cells(ls_kmh_to_mps(lc->min_gain_kmh) * w->dt_s / w->cell_m);
    w->lc.gain = gain < 1 ? 1 : gain;
    w->lc.lookahead = ls_round_cells(lc->lookahead_m / w->cell_m);
    w->lc.trick_gap = ls_round_cells(lc->trick_gap_m / w->cell_m);
    w->lc.p_thr = ls_prob_threshold(lc->p_change);
    /* Ta depends on the speed alone: one table instead of a square root per look. */
    w->lc.ta = ls_calloc((size_t)w->max_vmax + 1, sizeof *w->lc.ta);
    if (!w->lc.ta) return LS_ERR_NOMEM;
    for (int v = 0; v <= w->max_vmax; v++)
        w->lc.ta[v] = ls_lc_crossing_time(w, v * w->cell_m / w->dt_s);
    int32_t yield = ls_round_cells(lc->coop_decel_mps2 * w->dt_s * w->dt_s / w->cell_m);
    w->lc.yield = yield < 1 ? 1 : yield;
    return LS_OK;
}

/* ---- neighbours ---- */

/* Neighbours given k, the first index whose front is >= front. */
static void neighbours_at(const ls_world *w, int lane, int32_t front, int32_t length, int32_t k,
                          ls_neighbours *n)
{
    const ls_lane *ln = &w->lane[lane];
    int32_t count = ls_lane_count(ln);
    n->index = k;
    n->gap_ahead = n->gap_back = LS_FAR;
    n->v_ahead = n->v_back = n->a_back = n->vmax_back = 0;
    n->front_ahead = 0;
    n->ahead_handle = UINT32_MAX;
    n->back_handle = UINT32_MAX;
    n->back_index = -1;
    if (count == 0) return;
    int32_t a = k, b = k - 1, wrap_a = 0, wrap_b = 0;
    if (a == ln->hi) a = w->ring ? ln->lo : -1, wrap_a = w->cells;
    if (b < ln->lo) b = w->ring ? ln->hi - 1 : -1, wrap_b = w->cells;
    if (a >= 0) {
        n->gap_ahead = ln->front[a] + wrap_a - ln->length[a] - front;
        n->v_ahead = ln->speed[a];
        n->front_ahead = ln->front[a] + wrap_a;
        n->ahead_handle = ln->handle[a];
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

/* Only the leader part of neighbours_at: the gap from `front` to the entry at k (k = hi: on a
 * ring the rearmost entry a lap on, as in the move; itself when alone) and its speed. */
static inline void leader_at(const ls_world *w, int lane, int32_t front, int32_t k, int32_t *gap,
                             int32_t *v)
{
    const ls_lane *ln = &w->lane[lane];
    int32_t wrap = 0;
    *gap = LS_FAR;
    *v = 0;
    if (k == ln->hi) {
        if (!w->ring || ln->hi == ln->lo) return;
        k = ln->lo, wrap = w->cells;
    }
    *gap = ln->front[k] + wrap - ln->length[k] - front;
    *v = ln->speed[k];
}

void ls_lc_neighbours(const ls_world *w, int lane, int32_t front, int32_t length, ls_neighbours *n)
{
    neighbours_at(w, lane, front, length, ls_lane_lower_bound(&w->lane[lane], front), n);
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
    int must; /* 0: merge avoidance, which the driver could forgo (no dropping behind) */
} lc_need;

/* How far before its exit a driver starts working right: its look-ahead for each lane it has
 * to cross (a driver in the fast lane of four starts three times as early as one next to the
 * right lane). */
static int32_t exit_reach(const ls_world *w, const lc_vehicle *v)
{
    int32_t lanes_to_cross = w->lanes - 1 - v->lane;
    return w->fleet.exit_look[v->handle] * (lanes_to_cross > 1 ? lanes_to_cross : 1);
}

/* Small functions of the decision that the compiler would otherwise call (each is used by the
 * background drivers' decision and a probe's): inlined, as they were before probes. */
#if defined(__GNUC__)
#define LC_INLINE static inline __attribute__((always_inline))
#else
#define LC_INLINE static inline
#endif

/* The needs no driver can forgo: the end of its acceleration lane, a closure ahead, its exit. */
LC_INLINE lc_need forced_need(const ls_world *w, const lc_vehicle *v)
{
    lc_need n = {0.0, 3u, 1};
    const ls_lane *ln = &w->lane[v->lane];
    if (ln->ramp >= 0) {
        if (v->front < ln->zone_from) return n;
        double left = (double)(ln->zone_to - v->front), len = (double)(ln->zone_to - ln->zone_from);
        n.urgency = fmax(1e-3, fmin(1.0, 1.0 - left / len));
        n.sides = 1u;
        return n;
    }
    int32_t d = ls_blockage_ahead(w, v->lane, v->front, w->lc.lookahead);
    if (d >= 0) {
        n.urgency = fmax(1e-3, 1.0 - (double)d / (double)w->lc.lookahead);
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

/* The forced needs, then merge avoidance for a driver without one. */
static lc_need need_of(const ls_world *w, const lc_vehicle *v)
{
    lc_need n = forced_need(w, v);
    if (n.urgency > 0 || (w->fleet.dest[v->handle] >= 0 && v->lane < w->lanes - 1)) return n;
    /* Merge avoidance: out of the rightmost lane before an on-ramp's merge, more urgently
     * nearer the gore, but below the urgency at which drivers ask followers to yield: these
     * drivers could stay. */
    const ls_avoid_zone *a;
    if (v->lane == w->lanes - 1 && w->geometry.avoid_zone_count &&
        (a = ls_avoid_zone_for(w, v->handle, v->front)) != NULL) {
        double reach = (double)(a->gore - a->from), to_gore = (double)(a->gore - v->front);
        n.urgency = reach > 0 && to_gore > 0
                        ? fmax(1e-3, LS_AVOID_URGENCY * (1.0 - to_gore / reach))
                        : LS_AVOID_URGENCY;
        n.sides = 1u;
        n.must = 0;
    }
    return n;
}

/* Whether a move right would put a merge-avoiding driver into the rightmost lane inside the
 * stretch it keeps out of. */
static int avoids_target(const ls_world *w, uint32_t h, int target, int32_t front)
{
    return target == w->lanes - 1 && w->geometry.avoid_zone_count && ls_avoid_zone_for(w, h, front);
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
    if (ls_blockage_ahead(w, m, v->front, w->lc.lookahead) >= 0) return -1;
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
    if (side > 0 && avoids_target(w, v->handle, o->lane, v->front)) return 0;
    if (w->sc.lane_change.keep_right && side > 0) return o->gain >= 0;
    return o->gain >= w->lc.gain;
}

/* The lane a driver would move to, or -1. Mandatory: the qualifying neighbour on the sides the
 * need allows with the larger gain (a tie to the right). Discretionary: the driver checks one
 * mirror per step, on a side drawn at random (a wall on that side means no change this step).
 * Looking both ways and taking the better side would give a lane with two neighbours a smaller
 * chance per side of losing a driver than an edge lane has, and equal lanes would not stay equal
 * (docs/validation.md, symmetry). */
LC_INLINE int choose(ls_world *w, const lc_vehicle *v, lc_need need, lc_option *best)
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

/* Whether the vehicle with handle h wants to move into `lane` (this step or the last). */
static int wants(const ls_world *w, uint32_t h, int lane)
{
    return h != UINT32_MAX && LS_IS_REAL(h) && w->fleet.want_lane[h] == lane;
}

/* Whether a driver refused for want of room drops behind the car alongside, and at what speed
 * (cells/step, returned through *speed). It does, unless that car wants the driver's own lane
 * and is the one further back (level: the one in the higher-numbered lane gives way): then that
 * car drops back instead. When both dropped back, two drivers side by side wanting each other's
 * lanes (one for an exit, one away from a closure) braked each other to a standstill and froze
 * the road behind them. */
static int drops_behind(const ls_world *w, const lc_vehicle *v, const ls_neighbours *n, int target,
                        int32_t *speed)
{
    if (n->gap_ahead < 0) { /* the leader there overlaps: it is level or ahead */
        if (n->front_ahead == v->front && wants(w, n->ahead_handle, v->lane) && v->lane < target)
            return 0;
        *speed = n->v_ahead;
        return 1;
    }
    if (wants(w, n->back_handle, v->lane)) return 0; /* the follower there is behind */
    *speed = n->v_back;
    return 1;
}

/* A driver who has picked `target` (or -1: none) with option o: the gap rule, and on refusal
 * cooperation and the speed trick; on acceptance the change is queued. */
static ls_status settle(ls_world *w, const lc_vehicle *v, double urg, int must, int target,
                        const lc_option *op)
{
    ls_fleet *f = &w->fleet;
    int watching = target >= 0 && f->want_lane[v->handle] == target;
    f->want_lane[v->handle] = (int8_t)target;
    if (target < 0) return LS_OK;
    lc_option o = *op;
    /* No room beside (the body would overlap, or the leader there is too close): refused
     * whatever the times. A discretionary driver has nothing more to do then unless it may
     * try the speed trick, which needs the times: skip the arithmetic. */
    int32_t need_ahead = v->speed > o.n.v_ahead ? v->speed - o.n.v_ahead : 0;
    if (urg == 0 && (o.n.gap_ahead < need_ahead || o.n.gap_back < 0) &&
        !(f->trickster[v->handle] && f->hold[v->handle] == 0))
        return LS_OK;
    ls_lc_times t;
    double patience =
        w->probes.on && f->probe[v->handle] >= 0 ? ls_probe_rules_of(w, v->handle)->patience : 1.0;
    ls_lc_evaluate(w, target, v->front, v->length, v->speed, urg, watching, patience, &o.n, &t);
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
        int32_t beside;
        if (urg > 0 && must && !room && drops_behind(w, v, &o.n, target, &beside)) {
            /* The spot beside is taken by a car alongside: a driver who must get over drops
             * behind it (one cell/step slower than it) rather than ride beside it to the end.
             * One avoiding a merge does not: it could stay, and braking for every car alongside
             * in dense traffic would stop the lane it wants to leave. */
            ls_lane *own = &w->lane[v->lane];
            int32_t slower = beside > 0 ? beside - 1 : 0;
            if (slower < own->vcap[v->index]) own->vcap[v->index] = (uint16_t)slower;
        }
        if (urg >= 0.5 && must && room && fh != UINT32_MAX && LS_IS_REAL(fh)) {
            /* At once, in this step's move too: otherwise the follower drives into the very
             * gap it is yielding (in stop-and-go traffic, that is every gap); then for two
             * more steps. Lanes get their caps in the decision pass, in order: a lane before
             * this one has its caps already (lower its cap here), a later one will brake when
             * its cap is computed. */
            if (target < v->lane) {
                f->yield[fh] = 2;
                ls_lane *tl = &w->lane[target];
                int32_t k = o.n.back_index;
                int32_t slower = (int32_t)tl->speed[k] - w->lc.yield;
                slower = slower > 0 ? slower : 0;
                if (slower < tl->vcap[k]) tl->vcap[k] = (uint16_t)slower;
            } else {
                f->yield[fh] = 3;
            }
        }
        /* The speed trick: refused only because of Tb, drop back to gain speed in a gap. */
        if (f->trickster[v->handle] && f->hold[v->handle] == 0 && t.ta < t.tc && t.tb > 0)
            f->hold[v->handle] = (int16_t)(10.0 / w->dt_s + 1);
        return LS_OK;
    }
    if (ls_grow((void **)&w->lc.changes, &w->lc.change_cap, w->lc.change_count,
                sizeof *w->lc.changes, 64))
        return LS_ERR_NOMEM;
    ls_change *c = &w->lc.changes[w->lc.change_count++];
    c->handle = v->handle;
    c->front = v->front;
    c->from = (int8_t)v->lane;
    c->to = (int8_t)target;
    c->cap = o.cap;
    double steps = floor(t.ta / w->dt_s + 0.5);
    c->steps = (int16_t)(steps > 1000 ? 1000 : steps);
    return LS_OK;
}

/* The lane beside with the larger gain of at least one cell/step, for a driver who takes any
 * faster lane (a probe of policy `fastest`): both mirrors every step, no coin. */
static int choose_faster(ls_world *w, const lc_vehicle *v, lc_option *best)
{
    lc_option o;
    int pick = -1;
    for (int side = -1; side <= 1; side += 2) {
        int m = usable(w, v, side);
        if (m < 0 || (side < 0 && heading_for_exit(w, v))) continue;
        consider(w, v, m, side, &o);
        if (o.gain >= 1 && (pick < 0 || o.gain > best->gain)) {
            *best = o;
            pick = m;
        }
    }
    return pick;
}

/* A probe's strategy (probes.h): what forces every driver first; then, past `then.after`, the
 * way to its `move_to` lane with an urgency growing to 1 over lane_change.lookahead, and once
 * there it keeps that lane; otherwise its policy: keep (no discretionary change), fastest
 * (any faster lane beside), or normal (the background drivers' rule). */
static ls_status decide_probe(ls_world *w, lc_vehicle *v, const ls_probe_rules *r, int *normal)
{
    lc_need need = forced_need(w, v);
    int then_active = r->then_lane >= 0 && v->front >= r->then_after && v->lane < w->lanes;
    if (need.urgency == 0 && then_active && v->lane != r->then_lane) {
        double past = (double)(v->front - r->then_after) / (double)w->lc.lookahead;
        need.urgency = fmax(1e-3, fmin(1.0, past));
        need.sides = r->then_lane < v->lane ? 1u : 2u;
    }
    lc_option o;
    int target = -1;
    if (need.urgency > 0)
        target = choose(w, v, need, &o);
    else if (!then_active && r->policy == LS_POLICY_FASTEST)
        target = choose_faster(w, v, &o);
    else if (!then_active && r->policy == LS_POLICY_NORMAL) {
        *normal = 1;
        return LS_OK;
    }
    return settle(w, v, need.urgency, 1, target, &o);
}

/* The general case: whatever the obligation (on-ramp, closure, exit) or none. */
static ls_status decide(ls_world *w, lc_vehicle *v)
{
    if (w->probes.on && w->fleet.probe[v->handle] >= 0) {
        int normal = 0;
        ls_status st = decide_probe(w, v, ls_probe_rules_of(w, v->handle), &normal);
        if (st != LS_OK || !normal) return st;
    }
    lc_need need = need_of(w, v);
    if (need.urgency == 0 && (content(w, v) || (ls_fastrng_next(&w->fast) >> 32) >= w->lc.p_thr)) {
        w->fleet.want_lane[v->handle] = -1;
        return LS_OK;
    }
    lc_option o;
    int target = choose(w, v, need, &o);
    return settle(w, v, need.urgency, need.must, target, &o);
}

/* Advances a cursor in an adjacent lane to the first entry whose front is >= x: the vehicles
 * of a lane are visited in order, so each cursor only moves forward (one pass per lane pair).
 * Eight fronts at a time, counted without a branch: where a walk of a few entries stops is
 * what the branch predictor cannot guess. */
static int32_t advance(const ls_world *w, int lane, int32_t k, int32_t x)
{
    if (lane < 0) return k;
    const ls_lane *ln = &w->lane[lane];
    const int32_t *front = ln->front;
    if (k < ln->lo) k = ln->lo;
    while (k + 8 <= ln->hi) {
        int32_t c = 0;
        for (int j = 0; j < 8; j++) c += front[k + j] < x;
        k += c;
        if (c < 8) return k;
    }
    while (k < ln->hi && front[k] < x) k++;
    return k;
}

/* A driver who will look this step. */
typedef struct lc_look {
    int32_t i;      /* index in the lane */
    uint16_t own;   /* cells/step: the speed its own lane lets it keep */
    uint16_t right; /* the mirror checked: 0 left, 1 right */
} lc_look;

/* Drivers with no obligation whose p_change coin came up and who have a lane on the side they
 * drew: each moves if the lane there lets it go lc_gain faster and is usable. The same decision
 * as choose() for need 0, in the order that rejects most drivers soonest: in congestion nearly
 * every driver is hindered and looks, and most looks find nothing better. The lookers come in
 * order of position, so the cursor into each lane beside only moves forward. */
static ls_status look_all(ls_world *w, int l, const lc_look *looks, size_t n)
{
    const ls_lane *ln = &w->lane[l];
    int32_t cursor[2] = {0, 0};
    for (size_t k = 0; k < n; k++) {
        int32_t i = looks[k].i, r = looks[k].right, side = 2 * r - 1, m = l + side;
        uint32_t h = ln->handle[i];
        int32_t front = ln->front[i];
        cursor[r] = advance(w, m, cursor[r], front);
        lc_option o;
        o.lane = m;
        o.cap = ls_friction_cap(w, m, front, ln->vmax[i]);
        /* The gain needs only the leader there; most looks end with it. */
        int32_t gap_ahead, v_ahead;
        leader_at(w, m, front, cursor[r], &gap_ahead, &v_ahead);
        o.gain = expected_speed(o.cap, gap_ahead, v_ahead) - looks[k].own;
        if (o.gain < w->lc.gain) {
            w->fleet.want_lane[h] = -1;
            continue;
        }
        neighbours_at(w, m, front, ln->length[i], cursor[r], &o.n);
        lc_vehicle v = {
            l,           i,           front, ln->speed[i], ln->length[i], ln->accel[i], 0, 0,
            ln->vmax[i], ln->vcap[i], h,     {0, 0}};
        if (usable(w, &v, side) < 0 || (side > 0 && avoids_target(w, h, m, front))) {
            w->fleet.want_lane[h] = -1;
            continue;
        }
        ls_status st = settle(w, &v, 0.0, 0, m, &o);
        if (st != LS_OK) return st;
    }
    return LS_OK;
}

/* Drivers with an obligation (on-ramp, closure, exit) or in a lane where one may arise: the
 * general decision, with both cursors. */
static ls_status decide_others(ls_world *w, int l, const int32_t *index, size_t n)
{
    const ls_lane *ln = &w->lane[l];
    int32_t cursor[2] = {0, 0};
    for (size_t k = 0; k < n; k++) {
        int32_t i = index[k], x = ln->front[i], gap, v_ahead;
        leader_at(w, l, x, i + 1, &gap, &v_ahead);
        cursor[0] = advance(w, ls_lane_neighbour(w, l, -1, x), cursor[0], x);
        cursor[1] = advance(w, ls_lane_neighbour(w, l, +1, x), cursor[1], x);
        lc_vehicle v = {
            l,   i,       x,           ln->speed[i], ln->length[i], ln->accel[i],
            gap, v_ahead, ln->vmax[i], ln->vcap[i],  ln->handle[i], {cursor[0], cursor[1]}};
        ls_status st = decide(w, &v);
        if (st != LS_OK) return st;
    }
    return LS_OK;
}

/* Makes room for `need` elements (capacity doubles from 1024). */
static int reserve(void **ptr, size_t *cap, size_t need, size_t elem)
{
    while (*cap < need)
        if (ls_grow(ptr, cap, *cap, elem, 1024)) return -1;
    return 0;
}

/* One lane's caps and decisions. First one pass sets each entry's cap and sorts the drivers:
 * content ones (nothing to gain: see content()) and those whose p_change coin did not come up
 * are done; lookers go to one list, drivers with an obligation to another.
 * Then the lists are decided. Sorting first keeps the hot pass free of the unpredictable
 * branches of the decision itself. Lanes are visited in order (ls_lanechange_step). */
static ls_status decide_lane(ls_world *w, int l)
{
    ls_lane *ln = &w->lane[l];
    ls_fleet *f = &w->fleet;
    const int32_t lo = ln->lo, hi = ln->hi;
    size_t count = (size_t)(hi - lo);
    if (count == 0) return LS_OK;
    if (reserve((void **)&w->lc.looks, &w->lc.look_cap, count, sizeof *w->lc.looks) ||
        reserve((void **)&w->lc.others, &w->lc.other_cap, count, sizeof *w->lc.others))
        return LS_ERR_NOMEM;
    lc_look *looks = w->lc.looks;
    int32_t *others = w->lc.others;
    size_t n_looks = 0, n_others = 0;
    const unsigned sides = (l > 0) | (unsigned)(l + 1 < w->lanes) << 1; /* lanes left, right */
    /* No closure in this lane, not an on-ramp, no keep_right: drivers without an exit to take
     * have no obligation. */
    int plain_lane =
        !w->sc.lane_change.keep_right && !(w->blockage.closed_lanes >> l & 1u) && ln->ramp < 0;
    /* A lane with a probe in it takes the general path, where decide() hands the probe to its
     * strategy: a test per lane and step, not per vehicle (runs without probes pay nothing). */
    plain_lane = plain_lane && !(w->probes.lanes >> l & 1u);
    /* In the rightmost lane, drivers who avoid a merge ahead have an obligation too. */
    int avoid_lane = l == w->lanes - 1 && w->geometry.avoid_zone_count > 0;
    /* Everything the pass reads, in locals: the stores to the fleet's int8_t arrays may alias
     * anything, so fields read through pointers would be loaded again after each of them. */
    const int32_t *front = ln->front;
    const uint16_t *vmax = ln->vmax;
    const uint32_t *handle = ln->handle;
    uint16_t *vcap = ln->vcap;
    const int8_t *dest = f->dest, *ghost = f->ghost_lane;
    int8_t *want = f->want_lane;
    const uint64_t p_thr = w->lc.p_thr;
    ls_fastrng rng = w->fast;
    ls_caps_lane cs = ls_caps_begin(w, l);
    if (!plain_lane) {
        for (int32_t i = lo; i < hi; i++) {
            uint32_t h = handle[i];
            vcap[i] = ls_cap_of(w, ln, &cs, i, front[i], vmax[i], h);
            if (LS_IS_REAL(h) && ghost[h] < 0) others[n_others++] = i;
        }
        return decide_others(w, l, others, n_others);
    }
    for (int32_t i = lo; i < hi; i++) {
        uint32_t h = handle[i];
        uint16_t cap = ls_cap_of(w, ln, &cs, i, front[i], vmax[i], h);
        vcap[i] = cap;
        if (!LS_IS_REAL(h)) continue; /* ghosts of crossing vehicles and closed stretches */
        if (dest[h] >= 0 || (avoid_lane && ls_avoid_zone_for(w, h, front[i]))) {
            if (ghost[h] < 0) others[n_others++] = i;
            continue;
        }
        int32_t gap, v_ahead;
        leader_at(w, l, front[i], i + 1, &gap, &v_ahead);
        int32_t own = expected_speed(cap, gap, v_ahead);
        if (own >= vmax[i]) {
            want[h] = -1;
            continue;
        }
        if (ghost[h] >= 0) continue; /* still crossing */
        uint64_t draw = ls_fastrng_next(&rng);
        unsigned go_right = (unsigned)(draw >> 31 & 1u);
        /* The coin came up and there is a lane on the side drawn (a wall: no change). */
        int look = ((draw >> 32) < p_thr) & (int)(sides >> go_right & 1u);
        want[h] = (int8_t)(want[h] | -(int8_t)!look); /* -1 unless looking, without a branch */
        looks[n_looks] = (lc_look){i, (uint16_t)own, (uint16_t)go_right};
        n_looks += (size_t)look;
    }
    w->fast = rng;
    ls_status st = look_all(w, l, looks, n_looks);
    if (st == LS_OK) st = decide_others(w, l, others, n_others);
    return st;
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
    if (ls_grow((void **)&w->crossings.list, &w->crossings.cap, w->crossings.count,
                sizeof *w->crossings.list, 64))
        return LS_ERR_NOMEM;
    src->handle[from_index] = c->handle | LS_HANDLE_GHOST;
    src->ghosts++;
    w->fleet.ghost_lane[c->handle] = c->from;
    ls_crossing *x = &w->crossings.list[w->crossings.count++];
    x->handle = c->handle;
    x->front = c->front;
    x->steps = c->steps;
    return LS_OK;
}

static ls_status apply(ls_world *w, const ls_change *c)
{
    ls_lane *src = &w->lane[c->from], *dst = &w->lane[c->to];
    int32_t i = ls_lane_find(src, c->front, c->handle);
    if (i < 0) return LS_ERR_INTERNAL;
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
    w->lc.change_count = 0;
    for (int l = 0; l < w->all_lanes; l++) {
        ls_status st = decide_lane(w, l);
        if (st != LS_OK) return st;
    }
    if (w->lc.change_count > 1)
        qsort(w->lc.changes, w->lc.change_count, sizeof *w->lc.changes, change_order);
    for (size_t k = 0; k < w->lc.change_count; k++) {
        ls_status st = apply(w, &w->lc.changes[k]);
        if (st != LS_OK) return st;
    }
    return LS_OK;
}

void ls_lc_free(ls_lc_state *lc)
{
    ls_free(lc->ta);
    ls_free(lc->changes);
    ls_free(lc->looks);
    ls_free(lc->others);
    memset(lc, 0, sizeof *lc);
}
