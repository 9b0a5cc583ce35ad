/* view_state.c: camera, run control, selection and panel switches of the viewer (no SDL). */
#include "view_state.h"

#include <math.h>
#include <string.h>

const double ls_view_speeds[LS_SPEED_LEVELS] = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 0};

/* The main view opens on this much road: enough to see jams form, close enough to see cars. */
#define DEFAULT_SPAN_M 1000.0

void ls_view_init(ls_view *v, const ls_road_geom *g, int win_w, int win_h)
{
    memset(v, 0, sizeof *v);
    v->win_w = win_w;
    v->win_h = win_h;
    v->show_side = v->show_overview = v->show_spacetime = 1;
    v->follow_probe = v->follow_strategy = -1;
    double span = g->length_m < DEFAULT_SPAN_M ? g->length_m : DEFAULT_SPAN_M;
    ls_view_show_span(v, g, win_w, span / 2, span);
}

double ls_view_speed(const ls_view *v)
{
    return ls_view_speeds[v->speed_level];
}

void ls_view_faster(ls_view *v)
{
    if (v->speed_level < LS_SPEED_MAX_LEVEL) v->speed_level++;
}

void ls_view_slower(ls_view *v)
{
    if (v->speed_level > 0) v->speed_level--;
}

void ls_view_set_speed(ls_view *v, double factor)
{
    if (factor <= 0 || factor > ls_view_speeds[LS_SPEED_MAX_LEVEL - 1] * 1.5) {
        v->speed_level = LS_SPEED_MAX_LEVEL;
        return;
    }
    int best = 0;
    for (int i = 1; i < LS_SPEED_MAX_LEVEL; i++)
        if (fabs(log(ls_view_speeds[i] / factor)) < fabs(log(ls_view_speeds[best] / factor)))
            best = i;
    v->speed_level = best;
}

void ls_view_toggle_pause(ls_view *v)
{
    v->paused = !v->paused;
}

void ls_view_request_step(ls_view *v)
{
    v->paused = 1;
    v->steps_requested++;
}

double ls_view_max_m_per_px(const ls_road_geom *g, int main_w)
{
    double m = g->length_m / (main_w > 1 ? main_w : 1);
    return m > LS_MIN_M_PER_PX ? m : LS_MIN_M_PER_PX;
}

void ls_view_clamp(ls_view *v, const ls_road_geom *g, int main_w)
{
    double hi = ls_view_max_m_per_px(g, main_w);
    if (!(v->m_per_px >= LS_MIN_M_PER_PX)) v->m_per_px = LS_MIN_M_PER_PX;
    if (v->m_per_px > hi) v->m_per_px = hi;
    /* Keep the road filling the view where it can: the centre stays half a view inside. */
    double half = v->m_per_px * main_w / 2;
    double lo_c = half, hi_c = g->length_m - half;
    if (lo_c > hi_c) lo_c = hi_c = g->length_m / 2;
    if (!(v->center_m >= lo_c)) v->center_m = lo_c;
    if (v->center_m > hi_c) v->center_m = hi_c;
}

void ls_view_zoom_at(ls_view *v, const ls_road_geom *g, int main_w, double factor, double px)
{
    if (!(factor > 0)) return;
    double at_m = v->center_m + (px - main_w / 2.0) * v->m_per_px;
    v->m_per_px /= factor;
    ls_view_clamp(v, g, main_w);
    v->center_m = at_m - (px - main_w / 2.0) * v->m_per_px;
    ls_view_clamp(v, g, main_w);
}

void ls_view_pan_px(ls_view *v, const ls_road_geom *g, int main_w, double dx, double dy)
{
    v->center_m -= dx * v->m_per_px;
    v->pan_y += dy;
    ls_view_clamp(v, g, main_w);
}

void ls_view_fit(ls_view *v, const ls_road_geom *g, int main_w)
{
    v->pan_y = 0;
    v->tracking = 0;
    ls_view_show_span(v, g, main_w, g->length_m / 2, g->length_m);
}

void ls_view_show_span(ls_view *v, const ls_road_geom *g, int main_w, double center_m,
                       double span_m)
{
    v->m_per_px = span_m / (main_w > 1 ? main_w : 1);
    v->center_m = center_m;
    ls_view_clamp(v, g, main_w);
}

void ls_view_follow(ls_view *v, uint64_t id, uint32_t handle)
{
    v->follow_id = id;
    v->follow_handle = handle;
    v->tracking = 1;
    v->follow_probe = v->follow_strategy = -1;
}

void ls_view_follow_probe(ls_view *v, int probe)
{
    ls_view_follow(v, 0, 0);
    v->follow_probe = probe;
}

void ls_view_follow_strategy(ls_view *v, int strategy, double t_s)
{
    ls_view_follow(v, 0, 0);
    v->follow_strategy = strategy;
    v->chase_from_s = t_s;
}

void ls_view_unfollow(ls_view *v)
{
    v->follow_id = 0;
    v->follow_handle = 0;
    v->tracking = 0;
    v->follow_probe = v->follow_strategy = -1;
}

void ls_view_next_lane(ls_view *v, const ls_road_geom *g, int step)
{
    v->st_lane = ((v->st_lane + step) % g->lanes + g->lanes) % g->lanes;
}
