/* layout.c: the window's panels and the mapping between road positions and pixels. */
#include "layout.h"

#include <math.h>

/* Margins around the road inside the overview strip: room for its title and distance labels. */
#define OV_LABEL_W 90
#define OV_PAD_R   12
#define OV_TOP_PAD 6
#define OV_BOT_PAD 18

static int clampi(int x, int lo, int hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

static int main_height(const ls_view *v, const ls_road_geom *g)
{
    int want = g->rows * LS_LANE_PX_MAX + LS_MAIN_TOP_PAD + LS_MAIN_BOT_PAD + 8;
    return clampi(want, 110, clampi(v->win_h * 2 / 5, 110, 460));
}

static int overview_height(const ls_road_geom *g)
{
    return clampi(g->lanes * 7, 14, 96) + OV_TOP_PAD + OV_BOT_PAD;
}

static void place_road(ls_layout *L, const ls_view *v, const ls_road_geom *g)
{
    float avail = (float)(L->main.h - LS_MAIN_TOP_PAD - LS_MAIN_BOT_PAD);
    float to_scale = (float)(g->lane_width_m / v->m_per_px);
    float fill = avail / (float)g->rows;
    if (fill > LS_LANE_PX_MAX) fill = LS_LANE_PX_MAX;
    L->lane_px = to_scale > fill ? to_scale : fill;
    if (L->lane_px < LS_LANE_PX_MIN) L->lane_px = LS_LANE_PX_MIN;
    L->scale_y = L->lane_px / to_scale;
    float road_h = L->lane_px * (float)g->rows;
    float top = (float)(L->main.y + LS_MAIN_TOP_PAD);
    if (road_h <= avail) {
        L->pan_y_limit = 0;
        L->road_y = top + (avail - road_h) / 2;
        return;
    }
    L->pan_y_limit = road_h - avail;
    float pan = (float)v->pan_y;
    if (pan > 0) pan = 0;
    if (pan < -L->pan_y_limit) pan = -L->pan_y_limit;
    L->road_y = top + pan;
}

static void place_overview(ls_layout *L, const ls_road_geom *g)
{
    L->ov_x = (float)(L->overview.x + OV_LABEL_W);
    L->ov_w = (float)(L->overview.w - OV_LABEL_W - OV_PAD_R);
    if (L->ov_w < 1) L->ov_w = 1;
    L->ov_lane_px = (float)(L->overview.h - OV_TOP_PAD - OV_BOT_PAD) / (float)g->lanes;
    L->ov_y = (float)(L->overview.y + OV_TOP_PAD);
}

static void place_bottom(ls_layout *L, const ls_view *v, int y)
{
    int h = v->win_h - y;
    if (h < 0) h = 0;
    int side_w = v->show_side ? (v->win_w < 2 * LS_SIDE_W ? v->win_w / 2 : LS_SIDE_W) : 0;
    L->side = (SDL_Rect){v->win_w - side_w, y, side_w, h};
    L->spacetime = (SDL_Rect){0, y, v->show_spacetime ? v->win_w - side_w : 0, h};
}

ls_layout ls_layout_compute(const ls_view *v, const ls_road_geom *g)
{
    ls_layout L;
    SDL_memset(&L, 0, sizeof L);
    L.status = (SDL_Rect){0, 0, v->win_w, LS_STATUS_H};
    L.main = (SDL_Rect){0, LS_STATUS_H, v->win_w, main_height(v, g)};
    int y = L.main.y + L.main.h;
    if (v->show_overview) {
        L.overview = (SDL_Rect){0, y, v->win_w, overview_height(g)};
        y += L.overview.h;
    }
    place_road(&L, v, g);
    place_overview(&L, g);
    place_bottom(&L, v, y);
    return L;
}

void ls_layout_clamp_pan(ls_view *v, const ls_layout *L)
{
    if (v->pan_y > 0) v->pan_y = 0;
    if (v->pan_y < -L->pan_y_limit) v->pan_y = -L->pan_y_limit;
}

float ls_layout_x(const ls_layout *L, const ls_view *v, double m)
{
    return (float)(L->main.x + L->main.w / 2.0 + (m - v->center_m) / v->m_per_px);
}

double ls_layout_m(const ls_layout *L, const ls_view *v, float x)
{
    return v->center_m + (x - L->main.x - L->main.w / 2.0) * v->m_per_px;
}

int ls_layout_row_at(const ls_layout *L, const ls_road_geom *g, float y)
{
    if (y < L->road_y || y < L->main.y || y >= L->main.y + L->main.h) return -1;
    int row = (int)((y - L->road_y) / L->lane_px);
    return row < g->rows ? row : -1;
}

float ls_layout_ov_x(const ls_layout *L, const ls_road_geom *g, double m)
{
    return L->ov_x + (float)(m / g->length_m) * L->ov_w;
}

double ls_layout_ov_m(const ls_layout *L, const ls_road_geom *g, float x)
{
    double m = (x - L->ov_x) / L->ov_w * g->length_m;
    return m < 0 ? 0 : m > g->length_m ? g->length_m : m;
}

int ls_rect_contains(const SDL_Rect *r, int x, int y)
{
    return r->w > 0 && x >= r->x && x < r->x + r->w && y >= r->y && y < r->y + r->h;
}

double ls_nice_step(double range, int want)
{
    double raw = range / (want > 0 ? want : 1), p = pow(10, floor(log10(raw)));
    double m = raw / p;
    return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}
