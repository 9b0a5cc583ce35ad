/* field.c: the space-time speed field (segments x periods, per lane) and queue lengths upstream
 * of bottlenecks, measured once per field period. */
#include <math.h>
#include <string.h>

#include "alloc.h"
#include "hash.h"
#include "world_state.h"

ls_status ls_field_create(ls_world *w)
{
    const ls_field_def *f = &w->sc.field;
    int32_t seg = ls_round_cells(f->segment_m / w->cell_m);
    w->field.seg = seg < 1 ? 1 : seg;
    w->field.segs = (w->cells + w->field.seg - 1) / w->field.seg;
    w->field.inv = ls_segment_inverse(w->field.seg, w->cells);
    int64_t period = (int64_t)floor(f->period_s / w->dt_s + 0.5);
    w->field.period = period < 1 ? 1 : period;
    return LS_OK; /* the per-segment sums are allocated when the field is first enabled */
}

/* A step's count and speed sum of a segment, packed in one word: the count in the low
 * FIELD_COUNT_BITS bits, the sum above. A segment holds at most field_seg vehicles (each covers
 * a cell at least), and field.segment (at most 10 km) over model.cell_length (at least 0.1 m)
 * keeps field_seg below 2^17, so the count fits, and the sum (below 2^17 x 2^16 cells/step)
 * fits in the 40 bits above it. */
#define FIELD_COUNT_BITS 24

/* One lane's speeds and vehicles this step, added to its segments' period totals, with no
 * branch (segment boundaries come at random): the segment by the segmenter's multiplication,
 * ghosts masked out, and each segment's packed count and sum as one running total that restarts
 * when the segment changes and is stored every time, so that no store waits for a load of the
 * one before; the last store of a segment holds its totals. */
static void observe_lane(ls_world *w, int l, ls_segmenter g)
{
    const ls_lane *ln = &w->lane[l];
    const int32_t *front = ln->front;
    const uint16_t *v = ln->speed;
    const uint32_t *handle = ln->handle;
    const int32_t segs = w->field.segs;
    uint64_t *step = w->field.step;
    memset(step, 0, (size_t)segs * sizeof *step);
    uint64_t acc = 0;
    int32_t cur = -1;
    for (int32_t i = ln->lo; i < ln->hi; i++) {
        int32_t s = ls_segment_of(g, front[i]);
        uint64_t real = LS_IS_REAL(handle[i]), same = 0 - (uint64_t)(s == cur);
        acc = (acc & same) + (((uint64_t)v[i] << FIELD_COUNT_BITS | 1u) & (0 - real));
        step[s] = acc;
        cur = s;
    }
    uint64_t *sp = w->field.speed + (size_t)l * segs;
    uint64_t *cnt = w->field.count + (size_t)l * segs;
    for (int32_t s = 0; s < segs; s++) {
        sp[s] += step[s] >> FIELD_COUNT_BITS;
        cnt[s] += step[s] & ((1u << FIELD_COUNT_BITS) - 1);
    }
}

void ls_field_observe(ls_world *w)
{
    const ls_segmenter g = ls_field_segmenter(&w->field);
    for (int l = 0; l < w->lanes; l++) observe_lane(w, l, g);
}

static double seg_speed_kmh(const ls_world *w, int l, int32_t s)
{
    size_t k = (size_t)l * w->field.segs + (size_t)s;
    if (w->field.count[k] == 0) return -1;
    return (double)w->field.speed[k] / (double)w->field.count[k] * w->cell_m / w->dt_s * 3.6;
}

static ls_status emit_field(ls_world *w, int64_t steps, double begin_s, double end_s)
{
    for (int l = 0; l < w->lanes; l++) {
        for (int32_t s = 0; s < w->field.segs; s++) {
            if (ls_grow((void **)&w->field.records, &w->field.record_cap, w->field.record_count,
                        sizeof *w->field.records, 1024))
                return LS_ERR_NOMEM;
            ls_field_record *r = &w->field.records[w->field.record_count++];
            size_t k = (size_t)l * w->field.segs + (size_t)s;
            r->begin_s = begin_s;
            r->end_s = end_s;
            r->lane = l;
            r->from_m = s * w->field.seg * w->cell_m;
            r->to_m = fmin((double)(s + 1) * w->field.seg, w->cells) * w->cell_m;
            r->speed_kmh = seg_speed_kmh(w, l, s);
            /* The last segment may be shorter than the others. */
            double km = (r->to_m - r->from_m) / 1000.0;
            r->density_vpkm = (double)w->field.count[k] / (double)steps / km;
            r->flow_vph = r->speed_kmh > 0 ? r->density_vpkm * r->speed_kmh : 0;
        }
    }
    return LS_OK;
}

/* The queue upstream of a bottleneck in one lane: from the segment that holds the bottleneck,
 * back over every segment whose mean speed this period stayed below queue_speed; it ends at the
 * first segment that was faster or empty. */
static double queue_length(const ls_world *w, int l, double at_m)
{
    double seg_m = w->field.seg * w->cell_m;
    int32_t s = (int32_t)floor((at_m - 1e-6) / seg_m);
    if (s >= w->field.segs) s = w->field.segs - 1;
    int32_t first = s + 1;
    for (; s >= 0; s--) {
        double v = seg_speed_kmh(w, l, s);
        if (v < 0 || v >= w->sc.field.queue_speed_kmh) break;
        first = s;
    }
    return first > (int32_t)floor((at_m - 1e-6) / seg_m) ? 0 : at_m - first * seg_m;
}

static ls_status emit_queues(ls_world *w, double time_s)
{
    for (int b = 0; b < w->geometry.bottleneck_count; b++) {
        for (int l = 0; l < w->lanes; l++) {
            if (!(w->geometry.bottlenecks[b].lanes >> l & 1u)) continue;
            if (ls_grow((void **)&w->field.queue_records, &w->field.queue_record_cap,
                        w->field.queue_record_count, sizeof *w->field.queue_records, 256))
                return LS_ERR_NOMEM;
            ls_queue_record *q = &w->field.queue_records[w->field.queue_record_count++];
            q->time_s = time_s;
            q->bottleneck = b;
            q->lane = l;
            q->queue_m = queue_length(w, l, w->geometry.bottlenecks[b].at_m);
        }
    }
    return LS_OK;
}

/* Closes the period that ends with this step (and the partial last one at the end). */
ls_status ls_field_close_period(ls_world *w)
{
    int64_t done = w->step + 1, steps = done - w->field.begin;
    if (steps < w->field.period && done < w->total_steps) return LS_OK;
    double begin = (double)w->field.begin * w->dt_s, end = (double)done * w->dt_s;
    ls_status st = emit_field(w, steps, begin, end);
    if (st == LS_OK) st = emit_queues(w, end);
    size_t n = (size_t)w->lanes * (size_t)w->field.segs;
    memset(w->field.speed, 0, n * sizeof *w->field.speed);
    memset(w->field.count, 0, n * sizeof *w->field.count);
    w->field.begin = done;
    return st;
}

const ls_field_record *ls_world_field_records(const ls_world *w, size_t *count)
{
    *count = w->field.record_count;
    return w->field.records;
}

const ls_queue_record *ls_world_queue_records(const ls_world *w, size_t *count)
{
    *count = w->field.queue_record_count;
    return w->field.queue_records;
}

void ls_world_clear_field_records(ls_world *w)
{
    w->field.record_count = 0;
    w->field.queue_record_count = 0;
}

int ls_world_bottleneck_count(const ls_world *w)
{
    return w->geometry.bottleneck_count;
}

const ls_bottleneck *ls_world_bottleneck(const ls_world *w, int index)
{
    return index >= 0 && index < w->geometry.bottleneck_count ? &w->geometry.bottlenecks[index]
                                                              : NULL;
}

ls_status ls_world_enable_field(ls_world *w, bool on)
{
    if (on && !w->field.speed) {
        size_t n = (size_t)w->lanes * (size_t)w->field.segs;
        w->field.speed = ls_calloc(n, sizeof *w->field.speed);
        w->field.count = ls_calloc(n, sizeof *w->field.count);
        w->field.step = ls_calloc((size_t)w->field.segs, sizeof *w->field.step);
        if (!w->field.speed || !w->field.count || !w->field.step) {
            ls_free(w->field.speed);
            ls_free(w->field.count);
            ls_free(w->field.step);
            w->field.speed = NULL;
            w->field.count = NULL;
            w->field.step = NULL;
            return LS_ERR_NOMEM;
        }
    }
    if (on && !w->field.on) w->field.begin = w->step;
    w->field.on = on;
    return LS_OK;
}

void ls_field_free(ls_field_state *f)
{
    ls_free(f->speed);
    ls_free(f->count);
    ls_free(f->step);
    ls_free(f->records);
    ls_free(f->queue_records);
    memset(f, 0, sizeof *f);
}

/* Whether the field is on, its open period's sums, and the records not yet collected. */
uint64_t ls_field_hash(const ls_world *w, uint64_t h)
{
    const ls_field_state *f = &w->field;
    h = LS_HASH(h, f->on);
    h = LS_HASH(h, f->begin);
    if (f->speed) {
        size_t n = (size_t)w->lanes * (size_t)f->segs;
        h = ls_hash_bytes(h, f->speed, n * sizeof *f->speed);
        h = ls_hash_bytes(h, f->count, n * sizeof *f->count);
    }
    h = LS_HASH(h, f->record_count);
    return LS_HASH(h, f->queue_record_count);
}
