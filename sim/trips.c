/* trips.c: trips: one record per vehicle that left the road, and the travel times measured after
 * the warm-up, in all and by origin and destination. */
#include <string.h>

#include "alloc.h"
#include "hash.h"
#include "world_state.h"

ls_status ls_trips_record(ls_world *w, uint32_t h, int lane)
{
    ls_trips_state *tr = &w->trips;
    if (ls_grow((void **)&tr->list, &tr->cap, tr->count, sizeof *tr->list, 256) != 0)
        return LS_ERR_NOMEM;
    const ls_fleet *f = &w->fleet;
    ls_trip *t = &tr->list[tr->count++];
    t->id = f->id[h];
    t->type = f->type[h];
    t->origin = f->origin[h];
    t->destination = f->dest[h];
    t->entry_lane = f->entry_lane[h];
    t->exit_lane = lane;
    t->arrival_s = f->arrival_s[h];
    /* Insertion follows the move, so a vehicle is on the road from the end of its step, which
     * is never before it arrived. */
    t->entry_s = (double)(f->entry_step[h] + 1) * w->dt_s;
    t->exit_s = (double)(w->step + 1) * w->dt_s;
    t->lane_changes = f->lane_changes[h];
    if (f->probe[h] >= 0) ls_probes_trip_end(w, h, t->exit_s);
    if (w->step >= w->warmup_steps) {
        double tt = t->exit_s - t->entry_s;
        tr->measured++;
        tr->time_sum += tt;
        tr->od_count[t->origin + 1][t->destination + 1]++;
        tr->od_time[t->origin + 1][t->destination + 1] += tt;
    }
    return LS_OK;
}

void ls_trips_free(ls_trips_state *t)
{
    ls_free(t->list);
    memset(t, 0, sizeof *t);
}

const ls_trip *ls_world_trips(const ls_world *w, size_t *count)
{
    *count = w->trips.count;
    return w->trips.list;
}

void ls_world_clear_trips(ls_world *w)
{
    w->trips.count = 0;
}

uint64_t ls_world_trip_count(const ls_world *w)
{
    return w->trips.measured;
}

double ls_world_mean_travel_time(const ls_world *w)
{
    return w->trips.measured ? w->trips.time_sum / (double)w->trips.measured : 0;
}

uint64_t ls_world_od(const ls_world *w, int origin, int destination, double *mean_s)
{
    if (origin < -1 || origin >= LS_MAX_RAMPS || destination < -1 || destination >= LS_MAX_RAMPS)
        return 0;
    uint64_t n = w->trips.od_count[origin + 1][destination + 1];
    if (mean_s) *mean_s = n ? w->trips.od_time[origin + 1][destination + 1] / (double)n : 0;
    return n;
}

const char *ls_trip_origin_name(const ls_world *w, const ls_trip *t)
{
    return t->origin >= 0 ? w->sc.ramps[t->origin].name : "mainline";
}

const char *ls_trip_destination_name(const ls_world *w, const ls_trip *t)
{
    return t->destination >= 0 ? w->sc.ramps[t->destination].name : "end";
}

/* The measured totals and the trips not yet collected (their count: each record is a copy of
 * fleet fields hashed while the vehicle was on the road). */
uint64_t ls_trips_hash(const ls_world *w, uint64_t h)
{
    const ls_trips_state *t = &w->trips;
    h = LS_HASH(h, t->count);
    h = LS_HASH(h, t->measured);
    h = LS_HASH(h, t->time_sum);
    h = LS_HASH(h, t->od_count);
    return LS_HASH(h, t->od_time);
}
