/* probe_view.c: where the probes are, and following them (probe_view.h). */
#include "probe_view.h"

#include <math.h>
#include <stdlib.h>

static int add_mark(ls_probe_marks *m, ls_probe_mark mk)
{
    if (m->n == m->cap) {
        int cap = m->cap ? 2 * m->cap : 64;
        ls_probe_mark *p = realloc(m->mark, sizeof *p * (size_t)cap);
        if (!p) return -1;
        m->mark = p;
        m->cap = cap;
    }
    m->mark[m->n++] = mk;
    return 0;
}

/* The engine lists probes by departure, not by handle, so one pass over the lanes finds them. */
int ls_probe_marks_update(ls_scene *s)
{
    int64_t step = ls_world_step_index(s->world);
    if (!s->probes_on || s->marks.step == step) return 0;
    s->marks.n = 0;
    for (int lane = 0; lane < s->all_lanes; lane++) {
        ls_lane_state ls = ls_world_lane(s->world, lane);
        for (int i = 0; i < ls.count; i++) {
            uint32_t h = ls.handle[i];
            int probe = ls_world_vehicle_probe(s->world, h);
            if (probe < 0) continue;
            ls_probe_mark mk = {h,           lane,         ls.front[i],
                                ls.speed[i], ls.length[i], ls_world_vehicle_strategy(s->world, h),
                                probe};
            if (add_mark(&s->marks, mk) != 0) return -1;
        }
    }
    s->marks.step = step;
    return 0;
}

const ls_probe_mark *ls_probe_mark_of(const ls_scene *s, int probe)
{
    for (int i = 0; i < s->marks.n; i++)
        if (s->marks.mark[i].probe == probe && !(s->marks.mark[i].handle & LS_HANDLE_GHOST))
            return &s->marks.mark[i];
    return NULL;
}

/* The chain of a followed strategy, advanced over every probe that finished since the last look. */
static void chase(const ls_scene *s, ls_view *v)
{
    size_t n;
    const ls_probe_result *r = ls_world_probe_results(s->world, &n);
    for (;;) {
        if (v->follow_probe >= 0) {
            const ls_probe_result *p = &r[v->follow_probe];
            if (p->status == LS_PROBE_UNFINISHED) return;
            v->chase_from_s = p->departure_s + p->travel_time_s;
            v->follow_probe = -1;
            v->follow_id = 0;
        }
        int next = -1;
        for (size_t i = n; i-- > 0 && r[i].departure_s >= v->chase_from_s - 1e-9;)
            if (r[i].strategy == v->follow_strategy) next = (int)i;
        if (next < 0) return;
        v->follow_probe = next;
    }
}

void ls_probe_follow_update(ls_scene *s, ls_view *v)
{
    if (v->follow_probe < 0 && v->follow_strategy < 0) return;
    ls_probe_marks_update(s);
    if (v->follow_strategy >= 0) chase(s, v);
    if (v->follow_probe < 0) return;
    ls_vehicle_info info;
    if (v->follow_id && ls_scene_vehicle(s, v->follow_id, v->follow_handle, &info) == 0 &&
        info.lane >= 0)
        return;
    const ls_probe_mark *m = ls_probe_mark_of(s, v->follow_probe);
    if (!m || ls_world_vehicle(s->world, m->handle, &info) != LS_OK) return;
    if (info.id == v->follow_id) return;
    v->follow_id = info.id;
    v->follow_handle = m->handle;
    v->tracking = 1;
}

int ls_probe_jump(ls_scene *s, ls_view *v, int dir)
{
    ls_probe_marks_update(s);
    int cur = v->follow_probe, best = -1, wrap = -1;
    for (int i = 0; i < s->marks.n; i++) {
        const ls_probe_mark *m = &s->marks.mark[i];
        if (m->handle & LS_HANDLE_GHOST) continue;
        int p = m->probe;
        /* Past the current one in the direction asked, the nearest; else the farthest back. */
        if (cur < 0 ? 0 : (dir > 0 ? p > cur : p < cur)) {
            if (best < 0 || (dir > 0 ? p < best : p > best)) best = p;
        } else if (wrap < 0 || (dir > 0 ? p < wrap : p > wrap)) {
            wrap = p;
        }
    }
    int to = best >= 0 ? best : wrap;
    if (to < 0) return -1;
    ls_view_follow_probe(v, to);
    ls_probe_follow_update(s, v);
    return 0;
}

double ls_probe_next_departure(const ls_scene *s, double t_s)
{
    const ls_probes_def *d = &s->sc.probes;
    double duration = s->sc.simulation.duration_s;
    double free_trip = s->sc.road.length_m / ls_kmh_to_mps(s->sc.road.speed_limit_kmh);
    double from = d->from_s >= 0 ? d->from_s : s->sc.simulation.warmup_s;
    double to = d->to_s >= 0 ? d->to_s : duration - 3 * free_trip;
    if (to < from) to = from;
    double k = t_s <= from ? 0 : ceil((t_s - from) / d->every_s - 1e-9);
    double at = from + k * d->every_s;
    return at <= to + 1e-9 ? at : -1;
}
