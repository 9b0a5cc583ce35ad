/* motion.c: the longitudinal update of one lane (the hot loop) and its boundary. */
#include "alloc.h"
#include "world_state.h"

/* One vehicle's new speed from its state at time t. `rule` is a compile-time constant in each
 * caller below, so the compiler emits one branch-free loop per rule. NaSch (Nagel &
 * Schreckenberg 1992): accelerate, brake to the gap, dawdle with probability p. VDR (Barlovic et
 * al. 1998): a vehicle that was stopped dawdles with p_slow_start instead. Newell: no dawdling,
 * speed jumps straight to min(vmax, gap). */
static inline int32_t new_speed(ls_rule rule, int32_t v, int32_t vmax, int32_t accel, int32_t gap,
                                uint64_t draw, uint64_t thr, uint64_t thr_stopped)
{
    if (rule == LS_RULE_NEWELL) return vmax < gap ? vmax : gap;
    uint64_t th = (rule == LS_RULE_VDR && v == 0) ? thr_stopped : thr;
    v += accel;
    if (v > vmax) v = vmax;
    if (v > gap) v = gap;
    v -= (draw < th) & (v > 0);
    return v;
}

/* Parallel update in one pass: vehicles are visited rear to front, so when vehicle i reads its
 * leader i+1, the leader still holds its position at time t. The front vehicle's leader is the
 * rearmost one on a ring (read before the loop moves it) and nobody on an open road. */
static inline uint64_t update_lane(ls_rule rule, ls_lane *ln, const uint16_t *restrict vmax,
                                   int32_t lead_gap, ls_fastrng *rng, uint64_t thr,
                                   uint64_t thr_stopped)
{
    int32_t *restrict front = ln->front;
    uint16_t *restrict speed = ln->speed;
    const uint16_t *restrict length = ln->length;
    const uint16_t *restrict accel = ln->accel;
    const int32_t last = ln->hi - 1;
    ls_fastrng r = *rng;
    uint64_t sum = 0;
    for (int32_t i = ln->lo; i < last; i++) {
        int32_t gap = front[i + 1] - length[i + 1] - front[i];
        uint64_t draw = rule == LS_RULE_NEWELL ? 0 : ls_fastrng_next(&r) >> 32;
        int32_t v = new_speed(rule, speed[i], vmax[i], accel[i], gap, draw, thr, thr_stopped);
        speed[i] = (uint16_t)v;
        front[i] += v;
        sum += (uint64_t)v;
    }
    uint64_t draw = rule == LS_RULE_NEWELL ? 0 : ls_fastrng_next(&r) >> 32;
    int32_t v =
        new_speed(rule, speed[last], vmax[last], accel[last], lead_gap, draw, thr, thr_stopped);
    speed[last] = (uint16_t)v;
    front[last] += v;
    *rng = r;
    return sum + (uint64_t)v;
}

/* Moves one lane and returns the sum of the new speeds (cells/step) over its entries. With lane
 * changes or friction on, each vehicle's limit is this step's cap (vmax lowered by friction or
 * the speed trick), else its vmax: the classic loop reads no extra array. */
uint64_t ls_motion_lane(ls_world *w, ls_lane *ln)
{
    if (ln->hi == ln->lo) return 0;
    int32_t lead_gap = INT32_MAX;
    if (w->ring)
        lead_gap = ln->front[ln->lo] + w->cells - ln->length[ln->lo] - ln->front[ln->hi - 1];
    const uint16_t *limit = w->caps_on ? ln->vcap : ln->vmax;
    switch (w->rule) {
    case LS_RULE_VDR:
        return update_lane(LS_RULE_VDR, ln, limit, lead_gap, &w->fast, w->p_thr, w->p_start_thr);
    case LS_RULE_NEWELL:
        return update_lane(LS_RULE_NEWELL, ln, limit, lead_gap, &w->fast, 0, 0);
    default:
        return update_lane(LS_RULE_NASCH, ln, limit, lead_gap, &w->fast, w->p_thr, w->p_thr);
    }
}

/* After the move: on an open road the vehicles whose front passed the end leave (each one a
 * trip); on a ring they wrap round, from the front of the deque to its rear, which keeps the
 * order because the wrapped fronts are behind the rearmost vehicle's new rear. */
ls_status ls_motion_boundary(ls_world *w, int lane_index)
{
    ls_lane *ln = &w->lane[lane_index];
    while (ln->hi > ln->lo && ln->front[ln->hi - 1] >= w->cells) {
        int32_t k = ln->hi - 1;
        uint32_t h = ln->handle[k];
        if (!w->ring && (h & LS_HANDLE_GHOST)) {
            /* The crossing vehicle leaves the road from its new lane in this same step. */
            ln->hi--;
            ln->ghosts--;
            w->fleet.ghost_lane[h & ~LS_HANDLE_GHOST] = -1;
            continue;
        }
        if (!w->ring) {
            ls_status st = ls_trips_record(w, h, lane_index);
            if (st != LS_OK) return st;
            ln->hi--;
            w->fleet.lane[h] = -1;
            ls_fleet_release(&w->fleet, h);
            w->counts.exited++;
            w->counts.inside--;
            continue;
        }
        ls_status st = ls_lane_reserve(ln, 1, 0);
        if (st != LS_OK) return st;
        k = ln->hi - 1; /* the arrays may have moved */
        int32_t j = --ln->lo;
        ln->front[j] = ln->front[k] - w->cells;
        ln->speed[j] = ln->speed[k];
        ln->vmax[j] = ln->vmax[k];
        ln->length[j] = ln->length[k];
        ln->accel[j] = ln->accel[k];
        ln->handle[j] = ln->handle[k];
        ln->vcap[j] = ln->vcap[k];
        ln->hi--;
    }
    return LS_OK;
}
