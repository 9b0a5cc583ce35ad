/* meters.c: on-ramp queues and ramp meters: storage and spillback, release at a fixed rate or
 * by ALINEA, queue and wait statistics, the per-period meter log. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "hash.h"
#include "world_state.h"

/* The detector's loops are consecutive (detectors.c creates them detector by detector). */
static void find_loops(const ls_world *w, const char *name, ls_meter *m)
{
    int d = -1;
    for (int k = 0; k < w->sc.detector_count; k++)
        if (strcmp(w->sc.detectors[k].name, name) == 0) d = k;
    m->loop_first = m->loop_count = 0;
    for (int k = 0; k < w->detectors.loop_count; k++) {
        if (w->detectors.loops[k].detector != d) continue;
        if (m->loop_count == 0) m->loop_first = k;
        m->loop_count++;
    }
}

static int32_t default_storage(const ls_ramp_def *def)
{
    if (def->storage > 0) return def->storage;
    int32_t n = (int32_t)floor(def->approach_m / 7.5);
    return n < 1 ? 1 : n;
}

/* A piecewise linear profile at time t (constant outside its points). */
static double profile_at(const ls_profile *p, double t)
{
    if (t <= p->points[0].t_s) return p->points[0].flow_vph;
    for (int i = 0; i + 1 < p->count; i++) {
        const ls_profile_point *a = &p->points[i], *b = &p->points[i + 1];
        if (t < b->t_s)
            return a->flow_vph + (b->flow_vph - a->flow_vph) * (t - a->t_s) / (b->t_s - a->t_s);
    }
    return p->points[p->count - 1].flow_vph;
}

ls_status ls_meters_create(ls_world *w)
{
    for (int r = 0; r < w->sc.ramp_count; r++) {
        const ls_ramp_def *def = &w->sc.ramps[r];
        ls_meter *m = &w->meters.m[r];
        m->ramp = r;
        m->lane = def->kind == LS_RAMP_ON ? w->ramps[r].lane : -1;
        m->last_release = -1;
        if (def->kind != LS_RAMP_ON) continue;
        w->meters.on_ramps++;
        m->storage = default_storage(def);
        m->kind = def->meter.kind;
        m->occupancy = -1;
        if (m->kind == LS_METER_NONE) continue;
        w->meters.metered++;
        int64_t p = (int64_t)floor(def->meter.period_s / w->dt_s + 0.5);
        m->period_steps = p < 1 ? 1 : p;
        /* ALINEA starts open: it restricts only once the occupancy asks it to. */
        m->rate = def->meter.max_rate;
        m->rate_applied = m->kind == LS_METER_FIXED ? profile_at(&def->meter.rate, 0) : m->rate;
        if (m->kind == LS_METER_ALINEA) find_loops(w, def->meter.detector, m);
    }
    return LS_OK;
}

/* The rate in force this step: the fixed schedule, or ALINEA's; while the queue fills the
 * ramp's storage, at least max_rate (the queue override, so that the queue does not spill onto
 * the street for long). One vehicle per green: the credit never exceeds one. */
void ls_meters_tick(ls_world *w)
{
    double t = (double)w->step * w->dt_s;
    for (int r = 0; r < w->sc.ramp_count; r++) {
        ls_meter *m = &w->meters.m[r];
        if (m->lane < 0 || m->kind == LS_METER_NONE) continue;
        const ls_meter_def *def = &w->sc.ramps[r].meter;
        if (m->kind == LS_METER_FIXED) m->rate = profile_at(&def->rate, t);
        double rate = m->rate;
        m->overridden = w->lane[m->lane].q_count >= m->storage && rate < def->max_rate;
        if (m->overridden) rate = def->max_rate;
        m->rate_applied = rate;
        m->credit = fmin(1.0, m->credit + rate * w->dt_s / 3600.0);
    }
}

int ls_meters_may_release(const ls_world *w, int lane)
{
    const ls_meter *m = &w->meters.m[w->lane[lane].ramp];
    return m->kind == LS_METER_NONE || m->credit >= 1.0 - 1e-9;
}

ls_status ls_meters_released(ls_world *w, int ramp)
{
    ls_meter *m = &w->meters.m[ramp];
    const ls_lane *ln = &w->lane[m->lane];
    double t_end = (double)(w->step + 1) * w->dt_s;
    if (m->kind != LS_METER_NONE) m->credit -= 1.0;
    m->last_release = w->step;
    m->period_released++;
    if (w->step < w->warmup_steps) return LS_OK;
    m->released++;
    /* The vehicle at the storage's end moves off the street onto the ramp. */
    if (ln->q_count > m->storage) {
        uint32_t h = ln->queue[(ln->q_head + m->storage) % ln->q_cap];
        m->street_wait_sum += t_end - w->fleet.arrival_s[h];
    }
    if (ls_grow((void **)&m->waits, &m->wait_cap, m->wait_count, sizeof *m->waits, 256) != 0)
        return LS_ERR_NOMEM;
    m->waits[m->wait_count++] = (float)(t_end - w->fleet.arrival_s[ln->queue[ln->q_head]]);
    return LS_OK;
}

void ls_meters_arrived(ls_world *w, int ramp, int32_t before)
{
    ls_meter *m = &w->meters.m[ramp];
    int32_t after = w->lane[m->lane].q_count, first = before > m->storage ? before : m->storage;
    if (w->step >= w->warmup_steps && after > first) m->spilled += (uint64_t)(after - first);
}

static double loops_occupied(const ls_world *w, const ls_meter *m)
{
    double sum = 0;
    for (int k = 0; k < m->loop_count; k++)
        sum += w->detectors.loops[m->loop_first + k].total_occupied;
    return sum;
}

/* The end of a meter period: ALINEA's law r(k) = r(k-1) + K_R (o_target - o_out(k)) with the
 * occupancies in percent, bounded to [min_rate, max_rate]; a record either way. */
static ls_status close_period(ls_world *w, ls_meter *m)
{
    const ls_meter_def *def = &w->sc.ramps[m->ramp].meter;
    double hours = (double)m->period_steps * w->dt_s / 3600.0;
    if (m->kind == LS_METER_ALINEA && m->loop_count > 0) {
        double occ = loops_occupied(w, m);
        m->occupancy = (occ - m->occ_mark) / ((double)m->period_steps * m->loop_count);
        m->occ_mark = occ;
        double r = m->rate + def->gain * 100.0 * (def->target_occupancy - m->occupancy);
        m->rate = fmin(def->max_rate, fmax(def->min_rate, r));
    }
    double released = (double)m->period_released / hours;
    if (w->step >= w->warmup_steps && released > m->max_released_vph)
        m->max_released_vph = released;
    ls_meters_state *s = &w->meters;
    if (ls_grow((void **)&s->records, &s->record_cap, s->record_count, sizeof *s->records, 64))
        return LS_ERR_NOMEM;
    s->records[s->record_count++] =
        (ls_meter_record){(double)(w->step + 1) * w->dt_s,
                          m->ramp,
                          m->rate,
                          released,
                          m->kind == LS_METER_ALINEA ? m->occupancy : -1,
                          (uint32_t)w->lane[m->lane].q_count};
    m->period_released = 0;
    m->period_begin = w->step + 1;
    return LS_OK;
}

ls_status ls_meters_observe(ls_world *w)
{
    int measured = w->step >= w->warmup_steps;
    for (int r = 0; r < w->sc.ramp_count; r++) {
        ls_meter *m = &w->meters.m[r];
        if (m->lane < 0) continue;
        uint32_t q = (uint32_t)w->lane[m->lane].q_count;
        if (measured) {
            m->queue_sum += q;
            if (q > m->queue_max) m->queue_max = q;
        }
        if (m->kind == LS_METER_NONE || w->step + 1 - m->period_begin < m->period_steps) continue;
        ls_status st = close_period(w, m);
        if (st != LS_OK) return st;
    }
    return LS_OK;
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

ls_status ls_world_meter_stats(const ls_world *w, int ramp, ls_meter_stats *out)
{
    memset(out, 0, sizeof *out);
    if (ramp < 0 || ramp >= w->sc.ramp_count || w->meters.m[ramp].lane < 0) return LS_ERR_INPUT;
    const ls_meter *m = &w->meters.m[ramp];
    double steps = (double)(w->step - w->warmup_steps);
    out->metered = m->kind != LS_METER_NONE;
    out->released = m->released;
    out->mean_rate_vph = steps > 0 ? (double)m->released / (steps * w->dt_s / 3600.0) : 0;
    out->max_rate_vph = m->max_released_vph;
    out->mean_queue = steps > 0 ? m->queue_sum / steps : 0;
    out->max_queue = m->queue_max;
    out->spillback = m->spilled;
    out->mean_street_wait_s = m->spilled ? m->street_wait_sum / (double)m->spilled : 0;
    if (m->wait_count == 0) return LS_OK;
    float *sorted = malloc(m->wait_count * sizeof *sorted);
    if (!sorted) return LS_ERR_NOMEM;
    memcpy(sorted, m->waits, m->wait_count * sizeof *sorted);
    qsort(sorted, m->wait_count, sizeof *sorted, cmp_float);
    double sum = 0;
    for (size_t i = 0; i < m->wait_count; i++) sum += sorted[i];
    out->mean_wait_s = sum / (double)m->wait_count;
    size_t rank = (size_t)ceil(0.95 * (double)m->wait_count); /* nearest rank, 1-based */
    out->p95_wait_s = sorted[(rank ? rank : 1) - 1];
    free(sorted);
    return LS_OK;
}

const ls_meter_record *ls_world_meter_records(const ls_world *w, size_t *count)
{
    *count = w->meters.record_count;
    return w->meters.records;
}

void ls_world_clear_meter_records(ls_world *w)
{
    w->meters.record_count = 0;
}

ls_meter_state ls_world_meter_state(const ls_world *w, int ramp)
{
    ls_meter_state st = {0};
    if (ramp < 0 || ramp >= w->sc.ramp_count || w->meters.m[ramp].lane < 0) return st;
    const ls_meter *m = &w->meters.m[ramp];
    st.queue = (uint32_t)w->lane[m->lane].q_count;
    st.storage = (uint32_t)m->storage;
    if (m->kind == LS_METER_NONE) return st;
    st.metered = true;
    st.rate_vph = m->rate_applied;
    st.override_on = m->overridden;
    /* w->step counts the steps done: the last one was w->step - 1. */
    st.green = (m->last_release >= 0 && m->last_release == w->step - 1) || m->credit >= 1.0 - 1e-9;
    return st;
}

uint64_t ls_meters_hash(const ls_world *w, uint64_t h)
{
    for (int r = 0; r < w->sc.ramp_count; r++) {
        const ls_meter *m = &w->meters.m[r];
        if (m->lane < 0) continue;
        h = LS_HASH(h, m->rate);
        h = LS_HASH(h, m->credit);
        h = LS_HASH(h, m->occ_mark);
        h = LS_HASH(h, m->period_begin);
        h = LS_HASH(h, m->period_released);
        h = LS_HASH(h, m->released);
        h = LS_HASH(h, m->queue_sum);
        h = LS_HASH(h, m->spilled);
        h = LS_HASH(h, m->street_wait_sum);
        h = ls_hash_bytes(h, m->waits, m->wait_count * sizeof *m->waits);
        if (m->kind != LS_METER_ALINEA) continue;
        h = LS_HASH(h, m->occupancy);
        double occ = loops_occupied(w, m); /* the detectors' running totals it reads */
        h = LS_HASH(h, occ);
    }
    return LS_HASH(h, w->meters.record_count);
}

void ls_meters_free(ls_meters_state *s)
{
    for (int r = 0; r < LS_MAX_RAMPS; r++) ls_free(s->m[r].waits);
    ls_free(s->records);
    memset(s, 0, sizeof *s);
}
