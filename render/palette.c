/* palette.c: the speed colour scale and its legend, speed units, and the theme colours. */
#include "palette.h"

#include <math.h>

#include "layout.h"

const SDL_Color ls_col_background = {22, 24, 29, 255};
const SDL_Color ls_col_panel = {32, 35, 42, 255};
const SDL_Color ls_col_border = {62, 67, 78, 255};
const SDL_Color ls_col_text = {228, 231, 236, 255};
const SDL_Color ls_col_dim = {150, 157, 170, 255};
const SDL_Color ls_col_road = {74, 77, 84, 255};
const SDL_Color ls_col_marking = {226, 228, 232, 255};
const SDL_Color ls_col_median = {232, 190, 60, 255};
const SDL_Color ls_col_detector = {96, 186, 255, 255};
const SDL_Color ls_col_follow = {255, 70, 230, 255};
const SDL_Color ls_col_truck_edge = {16, 16, 20, 255};
const SDL_Color ls_col_st_empty = {38, 41, 48, 255};
const SDL_Color ls_col_view_window = {255, 255, 255, 255};
const SDL_Color ls_col_accent = {120, 200, 255, 255};
const SDL_Color ls_col_closed = {214, 214, 222, 255};
const SDL_Color ls_col_closed_hatch = {48, 50, 58, 255};
const SDL_Color ls_col_zone = {246, 166, 60, 255};
const SDL_Color ls_col_meter_box = {12, 12, 14, 255};
const SDL_Color ls_col_meter_red = {255, 52, 52, 255};
const SDL_Color ls_col_meter_green = {70, 255, 120, 255};
const SDL_Color ls_col_meter_unlit = {58, 60, 66, 255};
const SDL_Color ls_col_queue = {205, 25, 45, 255}; /* ls_speed_color(0) */
const SDL_Color ls_col_spill = {150, 70, 220, 255};

/* White and cool colours first, which the red-to-green speed scale does not use, then pale ones
 * that are lighter than any speed's; the followed vehicle's magenta (and pinks near it) and the
 * detectors' light blue are left out. */
static const SDL_Color probe_colors[] = {
    {250, 250, 250, 255}, {0, 222, 255, 255},   {72, 104, 255, 255},  {186, 142, 255, 255},
    {0, 164, 144, 255},   {206, 172, 124, 255}, {255, 246, 166, 255}, {150, 156, 172, 255},
};

SDL_Color ls_probe_color(int strategy)
{
    int n = (int)(sizeof probe_colors / sizeof probe_colors[0]);
    return probe_colors[(strategy % n + n) % n];
}

/* Stops of the scale: fraction and colour; linear in RGB between them. */
static const struct {
    double at;
    Uint8 r, g, b;
} stops[] = {
    {0.00, 205, 25, 45},  {0.25, 238, 105, 35}, {0.50, 250, 200, 45},
    {0.75, 150, 208, 70}, {1.00, 36, 172, 92},
};
#define NSTOPS ((int)(sizeof stops / sizeof stops[0]))

static Uint8 lerp8(Uint8 a, Uint8 b, double t)
{
    return (Uint8)lround(a + (b - a) * t);
}

SDL_Color ls_speed_color(double f)
{
    if (!(f > 0)) f = 0;
    if (f > 1) f = 1;
    int i = 0;
    while (i < NSTOPS - 2 && f > stops[i + 1].at) i++;
    double t = (f - stops[i].at) / (stops[i + 1].at - stops[i].at);
    SDL_Color c = {lerp8(stops[i].r, stops[i + 1].r, t), lerp8(stops[i].g, stops[i + 1].g, t),
                   lerp8(stops[i].b, stops[i + 1].b, t), 255};
    return c;
}

const char *ls_speed_unit_name(ls_speed_unit u)
{
    return u == LS_UNIT_MPH ? "mph" : "km/h";
}

double ls_speed_unit_from_mps(ls_speed_unit u, double mps)
{
    return u == LS_UNIT_MPH ? mps * 3600.0 / 1609.344 : mps * 3.6;
}

static int is_whole(double x)
{
    return fabs(x - round(x)) < 1e-6;
}

ls_speed_unit ls_speed_unit_guess(double kmh)
{
    return !is_whole(kmh) && is_whole(kmh / 1.609344) ? LS_UNIT_MPH : LS_UNIT_KMH;
}

void ls_set_color(SDL_Renderer *r, SDL_Color c)
{
    SDL_SetRenderDrawColor(r, c.r, c.g, c.b, c.a);
}

void ls_fill_frame(SDL_Renderer *r, const SDL_Rect *outer, const SDL_Rect *inner)
{
    SDL_Rect parts[4] = {
        {outer->x, outer->y, outer->w, inner->y - outer->y},
        {outer->x, inner->y + inner->h, outer->w, outer->y + outer->h - inner->y - inner->h},
        {outer->x, inner->y, inner->x - outer->x, inner->h},
        {inner->x + inner->w, inner->y, outer->x + outer->w - inner->x - inner->w, inner->h},
    };
    ls_set_color(r, ls_col_panel);
    SDL_RenderFillRects(r, parts, 4);
    ls_set_color(r, ls_col_border);
    SDL_RenderDrawRect(r, outer);
}

void ls_fill_panel(SDL_Renderer *r, const SDL_Rect *rc)
{
    ls_set_color(r, ls_col_panel);
    SDL_RenderFillRect(r, rc);
    ls_set_color(r, ls_col_border);
    SDL_RenderDrawRect(r, rc);
}

/* The scale is linear between its stops, so one quad per pair of stops with the stops' colours
 * at its corners draws it exactly, in one call. */
static void gradient(SDL_Renderer *r, int x, int y, int w, int h)
{
    SDL_Vertex v[4 * (NSTOPS - 1)];
    int ix[6 * (NSTOPS - 1)];
    for (int i = 0; i < NSTOPS - 1; i++) {
        float x0 = (float)x + (float)(stops[i].at * w),
              x1 = (float)x + (float)(stops[i + 1].at * w);
        SDL_Color a = ls_speed_color(stops[i].at), b = ls_speed_color(stops[i + 1].at);
        SDL_Vertex *q = v + 4 * i;
        q[0] = (SDL_Vertex){{x0, (float)y}, a, {0, 0}};
        q[1] = (SDL_Vertex){{x1, (float)y}, b, {0, 0}};
        q[2] = (SDL_Vertex){{x1, (float)(y + h)}, b, {0, 0}};
        q[3] = (SDL_Vertex){{x0, (float)(y + h)}, a, {0, 0}};
        int *k = ix + 6 * i, base = 4 * i;
        k[0] = base, k[1] = base + 1, k[2] = base + 2, k[3] = base, k[4] = base + 2,
        k[5] = base + 3;
    }
    SDL_RenderGeometry(r, NULL, v, 4 * (NSTOPS - 1), ix, 6 * (NSTOPS - 1));
}

static void tick(SDL_Renderer *r, int x, int y)
{
    ls_set_color(r, ls_col_text);
    SDL_RenderDrawLine(r, x, y, x, y + 2);
}

int ls_draw_speed_legend(SDL_Renderer *r, const ls_fonts *f, int x, int y, int w, double top_mps,
                         ls_speed_unit u)
{
    const int bar_h = 12;
    gradient(r, x, y, w, bar_h);
    double top = ls_speed_unit_from_mps(u, top_mps);
    char buf[32];
    SDL_snprintf(buf, sizeof buf, "%.0f %s", top, ls_speed_unit_name(u));
    int label_y = y + bar_h + 2;
    int top_left = x + w - ls_text_width(&f->small, buf);
    ls_text(r, &f->small, top_left, label_y, ls_col_text, buf);
    tick(r, x + w - 1, y + bar_h);
    double step = ls_nice_step(top, 5);
    for (double s = 0; s < top; s += step) {
        int tx = x + (int)lround(s / top * (w - 1));
        SDL_snprintf(buf, sizeof buf, "%.0f", s);
        int lw = ls_text_width(&f->small, buf), lx = s > 0 ? tx - lw / 2 : tx;
        if (lx + lw > top_left - 6) break; /* would run into the top label */
        tick(r, tx, y + bar_h);
        ls_text(r, &f->small, lx, label_y, ls_col_dim, buf);
    }
    return bar_h + 2 + f->small.height;
}
