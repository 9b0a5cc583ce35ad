/* probes.c: probe vehicles that follow commute strategies (lanesim compare): departures, the
 * connector of exit_reenter trips, observations along the trip, results. Their lane choice is
 * in lanechange.c (decide_probe). */
#include <math.h>
#include <string.h>

#include "alloc.h"
#include "hash.h"
#include "world_state.h"

static int ramp_index(const ls_scenario *s, const char *name, ls_ramp_kind kind)
{
    if (!name[0]) return -1;
    for (int r = 0; r < s->ramp_count; r++)
        if (s->ramps[r].kind == kind && strcmp(s->ramps[r].name, name) == 0) return r;
    return -1;
}

/* A strategy's rules on this world's grid (the loader checked the names and lanes). */
static ls_probe_rules rules_of(const ls_world *w, const ls_strategy_def *st)
{
    const ls_scenario *s = &w->sc;
    ls_probe_rules r;
    memset(&r, 0, sizeof r);
    r.policy = st->policy;
    r.origin = ramp_index(s, st->enter_ramp, LS_RAMP_ON);
    r.enter_lane = r.origin >= 0 ? w->ramps[r.origin].lane : st->enter_lane - 1;
    r.exit = ramp_index(s, st->exit, LS_RAMP_OFF);
    r.then_lane = st->then.move_to > 0 ? st->then.move_to - 1 : -1;
    r.then_after = (int32_t)ls_round_cells(st->then.after_m / w->cell_m);
    r.re_exit = ramp_index(s, st->reenter.exit, LS_RAMP_OFF);
    r.re_enter = ramp_index(s, st->reenter.enter, LS_RAMP_ON);
    if (r.re_exit < 0 || r.re_enter < 0) r.re_exit = r.re_enter = -1;
    r.re_delay_s = st->reenter.delay_s;
    r.cycle_s = st->reenter.signal.cycle_s;
    r.green_s = st->reenter.signal.green_s;
    r.patience = st->patience;
    r.speed_trick = st->speed_trick;
    return r;
}

/* The departure window: from the end of the warm-up (or probes.from) to probes.to, or by
 * default to the duration less three free-flow trips along the road, so that a probe caught
 * in a jam that triples its trip still finishes. */
static void plan_departures(ls_probes_state *p, const ls_world *w)
{
    const ls_probes_def *d = &w->sc.probes;
    double duration = (double)w->total_steps * w->dt_s;
    double free_trip = w->sc.road.length_m / ls_kmh_to_mps(w->sc.road.speed_limit_kmh);
    p->from_s = d->from_s >= 0 ? d->from_s : (double)w->warmup_steps * w->dt_s;
    double to = d->to_s >= 0 ? d->to_s : duration - 3 * free_trip;
    if (to < p->from_s) to = p->from_s;
    p->every_s = d->every_s;
    p->departures = (int)floor((to - p->from_s) / p->every_s + 1e-9) + 1;
}

ls_status ls_world_enable_probes(ls_world *w, const int *strategies, int count)
{
    ls_probes_state *p = &w->probes;
    if (w->step != 0 || p->on || count < 1 || count > w->sc.strategy_count) return LS_ERR_INPUT;
    for (int i = 0; i < count; i++) {
        if (strategies[i] < 0 || strategies[i] >= w->sc.strategy_count) return LS_ERR_INPUT;
        for (int j = 0; j < i; j++)
            if (strategies[j] == strategies[i]) return LS_ERR_INPUT;
    }
    p->count = count;
    for (int i = 0; i < count; i++) {
        p->strategy[i] = strategies[i];
        p->rules[i] = rules_of(w, &w->sc.strategies[strategies[i]]);
    }
    p->type = 0;
    p->window = (int32_t)ls_round_cells(100.0 / w->cell_m);
    plan_departures(p, w);
    p->on = 1;
    return LS_OK;
}

const ls_probe_rules *ls_probe_rules_of(const ls_world *w, uint32_t handle)
{
    return &w->probes.rules[w->probes.probe[w->fleet.probe[handle]].slot];
}

int ls_world_vehicle_strategy(const ls_world *w, uint32_t handle)
{
    handle &= ~LS_HANDLE_GHOST;
    if ((handle & LS_HANDLE_OBSTACLE) || handle >= w->fleet.cap || w->fleet.id[handle] == 0 ||
        w->fleet.probe[handle] < 0)
        return -1;
    return w->probes.strategy[w->probes.probe[w->fleet.probe[handle]].slot];
}

int ls_world_vehicle_probe(const ls_world *w, uint32_t handle)
{
    handle &= ~LS_HANDLE_GHOST;
    if ((handle & LS_HANDLE_OBSTACLE) || handle >= w->fleet.cap || w->fleet.id[handle] == 0)
        return -1;
    return w->fleet.probe[handle];
}

const ls_probe_result *ls_world_probe_results(const ls_world *w, size_t *count)
{
    *count = w->probes.n;
    return w->probes.result;
}

/* A probe's vehicle for one leg joins the entry queue of `lane` at time t_a. Desired speed: the
 * type's mean (no draw), so that strategies differ only by their lane choice. */
static ls_status join(ls_world *w, uint32_t index, int lane, int origin, int dest, double t_a)
{
    ls_probes_state *p = &w->probes;
    const ls_probe_rules *r = &p->rules[p->probe[index].slot];
    uint32_t h;
    ls_status st = ls_fleet_new(w, p->type, lane, t_a, &h);
    if (st == LS_OK) st = ls_queue_push(&w->lane[lane], h);
    if (st != LS_OK) return st;
    ls_fleet *f = &w->fleet;
    const ls_vehicle_type_def *t = &w->sc.vehicle_types[p->type];
    int desired = ls_round_cells(ls_kmh_to_mps(w->sc.road.speed_limit_kmh) * w->dt_s / w->cell_m *
                                 t->speed_factor);
    int vmax = w->type_vmax[p->type] < w->road_vmax ? w->type_vmax[p->type] : w->road_vmax;
    f->vmax[h] = (uint16_t)(desired < vmax ? (desired < 1 ? 1 : desired) : vmax);
    f->trickster[h] = r->speed_trick;
    f->origin[h] = (int8_t)origin;
    f->dest[h] = (int8_t)dest;
    f->exit_look[h] = (int32_t)ceil(w->sc.lane_change.exit_lookahead_m / w->cell_m);
    f->probe[h] = (int32_t)index;
    p->probe[index].handle = h;
    p->probe[index].front = -1;
    w->counts.arrived++;
    w->counts.waiting++;
    return LS_OK;
}

static ls_status grow(ls_probes_state *p, size_t more)
{
    size_t cap = p->cap;
    if (p->n + more <= cap) return LS_OK;
    while (cap < p->n + more) cap = cap ? 2 * cap : 64;
    ls_probe *pr = ls_realloc(p->probe, cap * sizeof *pr);
    if (!pr) return LS_ERR_NOMEM;
    p->probe = pr;
    ls_probe_result *res = ls_realloc(p->result, cap * sizeof *res);
    if (!res) return LS_ERR_NOMEM;
    p->result = res;
    uint32_t *live = ls_realloc(p->live, cap * sizeof *live);
    if (!live) return LS_ERR_NOMEM;
    p->live = live;
    p->cap = cap;
    return LS_OK;
}

/* Departure k: one probe per strategy, joining their queues in an order rotated by k. */
static ls_status depart(ls_world *w, int k)
{
    ls_probes_state *p = &w->probes;
    ls_status st = grow(p, (size_t)p->count);
    if (st != LS_OK) return st;
    size_t base = p->n;
    double t = p->from_s + k * p->every_s;
    for (int s = 0; s < p->count; s++) {
        ls_probe_result *res = &p->result[base + (size_t)s];
        memset(res, 0, sizeof *res);
        res->strategy = p->strategy[s];
        res->departure = k;
        res->departure_s = t;
        memset(&p->probe[base + (size_t)s], 0, sizeof(ls_probe));
        p->probe[base + (size_t)s].slot = s;
    }
    p->n += (size_t)p->count;
    for (int j = 0; j < p->count; j++) {
        int s = (k + j) % p->count;
        const ls_probe_rules *r = &p->rules[s];
        uint32_t index = (uint32_t)(base + (size_t)s);
        st = join(w, index, r->enter_lane, r->origin, r->re_exit >= 0 ? r->re_exit : r->exit, t);
        if (st != LS_OK) return st;
        p->result[index].id = w->fleet.id[p->probe[index].handle];
        p->live[p->live_n++] = index;
    }
    return LS_OK;
}

/* The lanes the probes on the road are in, for the decision pass (lanechange.c). */
static void mark_lanes(ls_world *w)
{
    ls_probes_state *p = &w->probes;
    p->lanes = 0;
    for (size_t i = 0; i < p->live_n; i++) {
        uint32_t h = p->probe[p->live[i]].handle;
        if (h != UINT32_MAX && w->fleet.lane[h] >= 0) p->lanes |= 1u << w->fleet.lane[h];
    }
}

ls_status ls_probes_depart(ls_world *w)
{
    ls_probes_state *p = &w->probes;
    mark_lanes(w);
    double t_end = (double)(w->step + 1) * w->dt_s;
    /* Probes leaving a connector first: they waited longer than this step's departures. */
    for (size_t i = 0; i < p->live_n; i++) {
        ls_probe *pr = &p->probe[p->live[i]];
        if (pr->handle != UINT32_MAX || pr->ready_s >= t_end) continue;
        const ls_probe_rules *r = &p->rules[pr->slot];
        ls_status st =
            join(w, p->live[i], w->ramps[r->re_enter].lane, r->re_enter, r->exit, pr->ready_s);
        if (st != LS_OK) return st;
    }
    while (p->next < p->departures && p->from_s + p->next * p->every_s < t_end) {
        ls_status st = depart(w, p->next++);
        if (st != LS_OK) return st;
    }
    return LS_OK;
}

/* The end of the connector: the delay, then the next green of the signal (green for the first
 * green_s of every cycle, counted from t = 0). */
static double connector_end(const ls_probe_rules *r, double exit_s)
{
    double t = exit_s + r->re_delay_s;
    if (r->cycle_s <= 0) return t;
    double phase = fmod(t, r->cycle_s);
    return phase < r->green_s ? t : t + (r->cycle_s - phase);
}

static void drop_live(ls_probes_state *p, uint32_t index)
{
    for (size_t i = 0; i < p->live_n; i++)
        if (p->live[i] == index) {
            memmove(p->live + i, p->live + i + 1, (p->live_n - i - 1) * sizeof *p->live);
            p->live_n--;
            return;
        }
}

void ls_probes_trip_end(ls_world *w, uint32_t h, double exit_s)
{
    ls_probes_state *p = &w->probes;
    uint32_t index = (uint32_t)w->fleet.probe[h];
    ls_probe *pr = &p->probe[index];
    ls_probe_result *res = &p->result[index];
    const ls_probe_rules *r = &p->rules[pr->slot];
    int ramp = w->fleet.dest[h]; /* the off-ramp it leaves by, -1 at the road's end */
    res->lane_changes += w->fleet.lane_changes[h];
    w->fleet.probe[h] = -1;
    pr->handle = UINT32_MAX;
    if (pr->leg == 0 && r->re_exit >= 0 && ramp == r->re_exit) {
        pr->leg = 1;
        pr->ready_s = connector_end(r, exit_s);
        return;
    }
    int wanted = pr->leg == 0 && r->re_exit >= 0 ? r->re_exit : r->exit;
    res->status = ramp == wanted ? LS_PROBE_FINISHED : LS_PROBE_MISSED_EXIT;
    res->travel_time_s = exit_s - res->departure_s;
    double best = INFINITY;
    for (int l = 0; l < w->lanes; l++) best = fmin(best, pr->lane_time[l]);
    res->lane_fastest = res->observed_s > 0 && pr->own_time <= best;
    drop_live(p, index);
}

/* The entry of vehicle h in its lane, searching forward from its last known front. */
static int32_t find_entry(const ls_lane *ln, uint32_t h, int32_t hint)
{
    int32_t i = hint >= 0 ? ls_lane_lower_bound(ln, hint) : ln->lo;
    for (; i < ln->hi; i++)
        if (ln->handle[i] == h) return i;
    for (i = ln->lo; i < ln->hi; i++) /* not ahead of the hint: a full search */
        if (ln->handle[i] == h) return i;
    return -1;
}

/* Who passed whom in this step: a vehicle behind the probe (or level) before the move and
 * ahead after it passed the probe, and the other way round. A move is at most max_vmax cells,
 * so only vehicles that close can have changed places; vehicles that entered in this step had
 * no place before it. */
static void count_passes(ls_world *w, ls_probe_result *res, uint32_t h, int32_t x, int32_t v)
{
    int32_t x0 = x - v, reach = w->max_vmax + 1;
    for (int l = 0; l < w->lanes; l++) {
        const ls_lane *ln = &w->lane[l];
        for (int32_t i = ls_lane_lower_bound(ln, (int64_t)x - reach); i < ln->hi; i++) {
            int32_t y = ln->front[i];
            if (y > x + reach) break;
            uint32_t q = ln->handle[i];
            if (!LS_IS_REAL(q) || q == h || w->fleet.entry_step[q] == w->step) continue;
            int32_t y0 = y - ln->speed[i];
            res->passed_by += y0 <= x0 && y > x;
            res->passed += y0 >= x0 && y < x;
        }
    }
}

/* Mean speed (cells/step) of the vehicles in lane l with front in [x - r, x + r]; an empty
 * stretch counts as free at the road's speed. */
static double speed_near(const ls_world *w, int l, int32_t x, int32_t r)
{
    const ls_lane *ln = &w->lane[l];
    uint64_t sum = 0, n = 0;
    for (int32_t i = ls_lane_lower_bound(ln, (int64_t)x - r); i < ln->hi; i++) {
        if (ln->front[i] > x + r) break;
        if (!LS_IS_REAL(ln->handle[i])) continue;
        sum += ln->speed[i];
        n++;
    }
    return n ? (double)sum / (double)n : (double)w->road_vmax;
}

/* The lanes near a probe that moved v cells this step. Which lane was fastest over the trip is
 * judged by the time each would have taken over the stretches the probe drove (v / v_lane per
 * step), not by speeds summed over time: a time average weights the places where the probe was
 * stuck, and so its own lane, most (the selection effect behind "the other lane is faster"). */
static void observe_lanes(ls_world *w, ls_probe *pr, ls_probe_result *res, int lane, int32_t x,
                          int32_t v)
{
    double speed[LS_MAX_LANES];
    for (int l = 0; l < w->lanes; l++) {
        speed[l] = speed_near(w, l, x, w->probes.window);
        pr->lane_time[l] += v / fmax(speed[l], 0.1);
    }
    pr->own_time += v / fmax(speed[lane], 0.1);
    double faster = speed[lane] + w->lc.gain;
    int slower = (lane > 0 && speed[lane - 1] >= faster) ||
                 (lane + 1 < w->lanes && speed[lane + 1] >= faster);
    res->observed_s += w->dt_s;
    res->slower_s += slower ? w->dt_s : 0;
}

void ls_probes_observe(ls_world *w)
{
    ls_probes_state *p = &w->probes;
    for (size_t k = 0; k < p->live_n; k++) {
        ls_probe *pr = &p->probe[p->live[k]];
        uint32_t h = pr->handle;
        if (h == UINT32_MAX || w->fleet.lane[h] < 0) continue; /* queued or on the connector */
        int lane = w->fleet.lane[h];
        const ls_lane *ln = &w->lane[lane];
        int32_t i = find_entry(ln, h, pr->front);
        if (i < 0) continue;
        pr->front = ln->front[i];
        if (lane >= w->lanes) continue; /* on its on-ramp: not yet beside the mainline lanes */
        ls_probe_result *res = &p->result[p->live[k]];
        if (w->fleet.entry_step[h] != w->step) count_passes(w, res, h, ln->front[i], ln->speed[i]);
        observe_lanes(w, pr, res, lane, ln->front[i], ln->speed[i]);
    }
}

void ls_probes_free(ls_probes_state *p)
{
    ls_free(p->probe);
    ls_free(p->result);
    ls_free(p->live);
    memset(p, 0, sizeof *p);
}

uint64_t ls_probes_hash(const ls_world *w, uint64_t h)
{
    const ls_probes_state *p = &w->probes;
    if (!p->on) return h;
    for (uint32_t k = 0; k < w->fleet.cap; k++)
        if (w->fleet.id[k] != 0) h = LS_HASH(h, w->fleet.probe[k]);
    for (size_t i = 0; i < p->n; i++) {
        const ls_probe *pr = &p->probe[i];
        const ls_probe_result *r = &p->result[i];
        h = LS_HASH(h, pr->handle);
        h = LS_HASH(h, pr->front);
        h = LS_HASH(h, pr->leg);
        h = LS_HASH(h, pr->ready_s);
        h = LS_HASH(h, pr->own_time);
        h = ls_hash_bytes(h, pr->lane_time, sizeof pr->lane_time);
        h = LS_HASH(h, r->status);
        h = LS_HASH(h, r->travel_time_s);
        h = LS_HASH(h, r->lane_changes);
        h = LS_HASH(h, r->passed_by);
        h = LS_HASH(h, r->passed);
        h = LS_HASH(h, r->observed_s);
        h = LS_HASH(h, r->slower_s);
    }
    h = ls_hash_bytes(h, p->live, p->live_n * sizeof *p->live);
    return LS_HASH(h, p->next);
}
