/* spacetime.c: rolling space-time history of every lane and the diagram panel of one. */
#include "spacetime.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "palette.h"

/* Panel margins: title above, position labels left, time labels below. */
#define PAD_L 58
#define PAD_R 18
#define PAD_T 30
#define PAD_B 26

int ls_spacetime_init(ls_spacetime *st, int lanes, int32_t cells, double dt_s)
{
    memset(st, 0, sizeof *st);
    st->lanes = lanes;
    st->bins = cells < LS_ST_BINS_MAX ? (int)cells : LS_ST_BINS_MAX;
    st->bin_cells = (double)cells / st->bins;
    st->sample_steps = dt_s >= 1 ? 1 : (int64_t)floor(1.0 / dt_s + 0.5);
    st->column_s = (double)st->sample_steps * dt_s;
    st->hist = malloc((size_t)lanes * LS_ST_COLUMNS * (size_t)st->bins);
    st->sum = malloc(sizeof *st->sum * (size_t)st->bins);
    st->count = malloc(sizeof *st->count * (size_t)st->bins);
    st->closed = malloc((size_t)st->bins);
    st->tex_lane = -1;
    if (!st->hist || !st->sum || !st->count || !st->closed) {
        ls_spacetime_free(st);
        return -1;
    }
    memset(st->hist, LS_ST_EMPTY, (size_t)lanes * LS_ST_COLUMNS * (size_t)st->bins);
    return 0;
}

void ls_spacetime_free(ls_spacetime *st)
{
    free(st->hist);
    free(st->sum);
    free(st->count);
    free(st->closed);
    if (st->tex) SDL_DestroyTexture(st->tex);
    memset(st, 0, sizeof *st);
}

/* Adds a body over cells from..to; speed < 0 marks a closed stretch instead of a vehicle. */
static void add_span(ls_spacetime *st, int32_t from, int32_t to, double speed)
{
    int b0 = (int)(from / st->bin_cells), b1 = (int)(to / st->bin_cells);
    if (b1 >= st->bins) b1 = st->bins - 1;
    for (int b = b0 < 0 ? 0 : b0; b <= b1; b++) {
        if (speed < 0) {
            st->closed[b] = 1;
            continue;
        }
        st->sum[b] += speed;
        st->count[b]++;
    }
}

static uint8_t bin_value(const ls_spacetime *st, int b, double top_cells)
{
    if (!st->count[b]) return st->closed[b] ? LS_ST_CLOSED : LS_ST_EMPTY;
    double f = st->sum[b] / st->count[b] / top_cells;
    return (uint8_t)lround((f > 1 ? 1 : f) * LS_ST_SPEED_MAX);
}

/* One lane into one column: each bin gets the mean speed of the vehicles whose bodies cover it
 * (a vehicle crossing between lanes counts in both), or is marked closed. On a ring a body may
 * straddle the seam and covers both ends. */
static void sample_lane(ls_spacetime *st, const ls_world *w, int lane, int32_t cells,
                        double top_cells, uint8_t *col)
{
    memset(st->sum, 0, sizeof *st->sum * (size_t)st->bins);
    memset(st->count, 0, sizeof *st->count * (size_t)st->bins);
    memset(st->closed, 0, (size_t)st->bins);
    ls_lane_state ls = ls_world_lane(w, lane);
    for (int i = 0; i < ls.count; i++) {
        int32_t rear = ls.front[i] - ls.length[i] + 1;
        double speed = ls.handle[i] & LS_HANDLE_OBSTACLE ? -1.0 : ls.speed[i];
        if (rear < 0) add_span(st, rear + cells, cells - 1, speed);
        add_span(st, rear, ls.front[i], speed);
    }
    for (int b = 0; b < st->bins; b++) col[b] = bin_value(st, b, top_cells);
}

static uint8_t *column(const ls_spacetime *st, int lane, int64_t index)
{
    size_t c = (size_t)(index % LS_ST_COLUMNS);
    return st->hist + ((size_t)lane * LS_ST_COLUMNS + c) * (size_t)st->bins;
}

void ls_spacetime_sample(ls_spacetime *st, const ls_world *w, int32_t cells, double top_cells)
{
    for (int l = 0; l < st->lanes; l++)
        sample_lane(st, w, l, cells, top_cells, column(st, l, st->written));
    st->written++;
}

double ls_spacetime_at(const ls_spacetime *st, int lane, int age, int bin)
{
    int64_t kept = st->written < LS_ST_COLUMNS ? st->written : LS_ST_COLUMNS;
    if (age < 0 || age >= kept || bin < 0 || bin >= st->bins) return -1;
    uint8_t q = column(st, lane, st->written - 1 - age)[bin];
    return q == LS_ST_EMPTY ? -1 : q == LS_ST_CLOSED ? -2 : q / (double)LS_ST_SPEED_MAX;
}

/* ---- drawing ---- */

static Uint32 argb(SDL_Color c)
{
    return (Uint32)c.a << 24 | (Uint32)c.r << 16 | (Uint32)c.g << 8 | c.b;
}

static void make_lut(Uint32 lut[256])
{
    for (int q = 0; q <= LS_ST_SPEED_MAX; q++)
        lut[q] = argb(ls_speed_color(q / (double)LS_ST_SPEED_MAX));
    lut[LS_ST_CLOSED] = argb(ls_col_closed);
    lut[LS_ST_EMPTY] = argb(ls_col_st_empty);
}

/* Texture row 0 is the end of the road, so position grows upwards as on a chart. */
static void column_pixels(const ls_spacetime *st, const uint8_t *col, const Uint32 lut[256],
                          Uint32 *px, int stride)
{
    for (int b = 0; b < st->bins; b++) px[(size_t)(st->bins - 1 - b) * stride] = lut[col[b]];
}

static int upload_all(ls_spacetime *st, int lane, const Uint32 lut[256])
{
    Uint32 *px = malloc(sizeof *px * LS_ST_COLUMNS * (size_t)st->bins);
    if (!px) return -1;
    for (int c = 0; c < LS_ST_COLUMNS; c++)
        column_pixels(st, column(st, lane, c), lut, px + c, LS_ST_COLUMNS);
    SDL_UpdateTexture(st->tex, NULL, px, LS_ST_COLUMNS * (int)sizeof *px);
    free(px);
    return 0;
}

static void upload_new(ls_spacetime *st, int lane, const Uint32 lut[256])
{
    Uint32 px[LS_ST_BINS_MAX];
    for (int64_t i = st->tex_written; i < st->written; i++) {
        column_pixels(st, column(st, lane, i), lut, px, 1);
        SDL_Rect rc = {(int)(i % LS_ST_COLUMNS), 0, 1, st->bins};
        SDL_UpdateTexture(st->tex, &rc, px, (int)sizeof px[0]);
    }
}

/* Brings the texture up to date: new columns one by one, everything on a lane switch. */
static int refresh_texture(ls_spacetime *st, SDL_Renderer *r, int lane)
{
    if (!st->tex) {
        make_lut(st->lut);
        st->tex = SDL_CreateTexture(r, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING,
                                    LS_ST_COLUMNS, st->bins);
        if (!st->tex) return -1;
        SDL_SetTextureScaleMode(st->tex, SDL_ScaleModeNearest);
        st->tex_lane = -1;
    }
    if (lane != st->tex_lane || st->written - st->tex_written >= LS_ST_COLUMNS / 4) {
        if (upload_all(st, lane, st->lut) != 0) return -1;
    } else {
        upload_new(st, lane, st->lut);
    }
    st->tex_lane = lane;
    st->tex_written = st->written;
    return 0;
}

/* The kept columns, oldest at the left, newest against the right edge of the plot. */
static void draw_history(ls_spacetime *st, SDL_Renderer *r, const SDL_Rect *plot)
{
    int64_t kept = st->written < LS_ST_COLUMNS ? st->written : LS_ST_COLUMNS;
    float cw = (float)plot->w / LS_ST_COLUMNS;
    /* Only the part the history does not cover yet is filled: pixels cost on a software
     * rasteriser. */
    SDL_FRect empty = {(float)plot->x, (float)plot->y, (float)plot->w - (float)kept * cw + 1,
                       (float)plot->h};
    ls_set_color(r, ls_col_st_empty);
    if (kept < LS_ST_COLUMNS) SDL_RenderFillRectF(r, &empty);
    if (!kept) return;
    int oldest = (int)((st->written - kept) % LS_ST_COLUMNS);
    int first = (int)(kept < LS_ST_COLUMNS - oldest ? kept : LS_ST_COLUMNS - oldest);
    float x = (float)(plot->x + plot->w) - (float)kept * cw;
    SDL_Rect src = {oldest, 0, first, st->bins};
    SDL_FRect dst = {x, (float)plot->y, (float)first * cw, (float)plot->h};
    SDL_RenderCopyF(r, st->tex, &src, &dst);
    if (first < kept) {
        src = (SDL_Rect){0, 0, (int)kept - first, st->bins};
        dst = (SDL_FRect){x + (float)first * cw, (float)plot->y, (float)src.w * cw, (float)plot->h};
        SDL_RenderCopyF(r, st->tex, &src, &dst);
    }
}

static void position_axis(SDL_Renderer *r, const ls_fonts *f, const SDL_Rect *plot, double road_m)
{
    double step = ls_nice_step(road_m, plot->h / 45 > 2 ? plot->h / 45 : 2);
    for (double m = 0; m <= road_m + 1e-6; m += step) {
        int y = plot->y + plot->h - (int)lround(m / road_m * plot->h);
        ls_set_color(r, ls_col_border);
        SDL_RenderDrawLine(r, plot->x - 4, y, plot->x - 1, y);
        char buf[32];
        SDL_snprintf(buf, sizeof buf, step >= 1000 ? "%.0f km" : "%.1f km", m / 1000);
        ls_text_right(r, &f->small, plot->x - 6, y - f->small.height / 2, ls_col_dim, buf);
    }
}

static void time_axis(SDL_Renderer *r, const ls_fonts *f, const SDL_Rect *plot, double span_s)
{
    int labels = plot->w / 90; /* "-10 min" needs about 50 pixels, and room around it */
    double step = ls_nice_step(span_s / 60, labels > 1 ? labels : 1) * 60;
    int y = plot->y + plot->h + 3;
    for (double a = 0; a <= span_s + 1e-6; a += step) {
        int x = plot->x + plot->w - (int)lround(a / span_s * plot->w);
        ls_set_color(r, ls_col_border);
        SDL_RenderDrawLine(r, x, plot->y + plot->h, x, plot->y + plot->h + 3);
        char buf[32];
        if (a == 0)
            SDL_snprintf(buf, sizeof buf, "now");
        else
            SDL_snprintf(buf, sizeof buf, "-%g min", a / 60);
        if (a == 0)
            ls_text_right(r, &f->small, x, y + 2, ls_col_dim, buf);
        else
            ls_text_center(r, &f->small, x, y + 2, ls_col_dim, buf);
    }
}

/* A bracket right of the plot over the stretch the main view shows. */
static void view_bracket(SDL_Renderer *r, const SDL_Rect *plot, const ls_spacetime_frame *fr)
{
    int y0 = plot->y + plot->h - (int)lround(fr->view_to_m / fr->road_m * plot->h);
    int y1 = plot->y + plot->h - (int)lround(fr->view_from_m / fr->road_m * plot->h);
    if (y1 - y0 < 3) y0 = (y0 + y1) / 2 - 1, y1 = y0 + 3;
    int x = plot->x + plot->w + 4;
    ls_set_color(r, ls_col_view_window);
    SDL_RenderDrawLine(r, x, y0, x, y1);
    SDL_RenderDrawLine(r, x - 3, y0, x, y0);
    SDL_RenderDrawLine(r, x - 3, y1, x, y1);
}

void ls_spacetime_draw(ls_spacetime *st, SDL_Renderer *r, const ls_fonts *f,
                       const ls_spacetime_frame *fr)
{
    const SDL_Rect *p = &fr->panel;
    SDL_Rect plot = {p->x + PAD_L, p->y + PAD_T, p->w - PAD_L - PAD_R, p->h - PAD_T - PAD_B};
    if (plot.w < 20 || plot.h < 20) {
        ls_fill_panel(r, p);
        return;
    }
    ls_fill_frame(r, p, &plot);
    int x = p->x + 10, y = p->y + 6;
    x += ls_textf(r, &f->bold, x, y, ls_col_text, "Space-time, lane %d of %d", fr->lane + 1,
                  fr->lanes);
    ls_text_clip(r, &f->small, x + 10, y + 2, ls_col_dim,
                 "position up, time to the right, colour = speed   (L: next lane)",
                 p->x + p->w - x - 20);
    if (refresh_texture(st, r, fr->lane) != 0) return;
    draw_history(st, r, &plot);
    position_axis(r, f, &plot, fr->road_m);
    time_axis(r, f, &plot, st->column_s * LS_ST_COLUMNS);
    view_bracket(r, &plot, fr);
}
