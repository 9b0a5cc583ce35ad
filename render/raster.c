/* raster.c: per-lane pixel rows of mean speed, built on the CPU and drawn as one texture. */
#include "raster.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "palette.h"

void ls_raster_free(ls_raster *r)
{
    if (r->tex) SDL_DestroyTexture(r->tex);
    free(r->px);
    free(r->sum);
    free(r->count);
    free(r->closed);
    memset(r, 0, sizeof *r);
}

static int ensure(ls_raster *r, SDL_Renderer *ren, int w, int lanes)
{
    if (r->tex && r->w == w && r->lanes == lanes) return 0;
    ls_raster_free(r);
    size_t n = (size_t)w * (size_t)lanes;
    r->px = malloc(sizeof *r->px * n);
    r->sum = malloc(sizeof *r->sum * (size_t)w);
    r->count = malloc(sizeof *r->count * (size_t)w);
    r->closed = malloc((size_t)w);
    r->tex =
        SDL_CreateTexture(ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING, w, lanes);
    if (!r->px || !r->sum || !r->count || !r->closed || !r->tex) {
        ls_raster_free(r);
        return -1;
    }
    SDL_SetTextureBlendMode(r->tex, SDL_BLENDMODE_BLEND);
    SDL_SetTextureScaleMode(r->tex, SDL_ScaleModeNearest);
    r->w = w;
    r->lanes = lanes;
    return 0;
}

typedef struct mapping {
    double m0, m_per_px;
    int absent_closed;
} mapping;

/* Adds a body over road metres from..to; speed < 0 marks a closed stretch. */
static void add(ls_raster *r, mapping mp, double from_m, double to_m, double speed)
{
    double a = (from_m - mp.m0) / mp.m_per_px, b = (to_m - mp.m0) / mp.m_per_px;
    if (b <= 0 || a >= r->w) return;
    int c0 = a < 0 ? 0 : (int)a, c1 = b >= r->w ? r->w - 1 : (int)ceil(b) - 1;
    if (c1 < c0) c1 = c0;
    for (int c = c0; c <= c1; c++) {
        if (speed < 0) {
            r->closed[c] = 1;
            continue;
        }
        r->sum[c] += speed;
        r->count[c]++;
    }
}

/* One vehicle (or closed stretch) where it is drawn now; on a ring a body across the seam is
 * split between both ends. */
static void add_entry(ls_raster *r, const ls_scene *s, mapping mp, const ls_lane_state *ls, int i,
                      int lane)
{
    int closed = (ls->handle[i] & LS_HANDLE_OBSTACLE) != 0;
    double front = closed ? ls->front[i] : ls_scene_draw_front(s, ls->front[i], ls->speed[i]);
    double speed = closed ? -1.0 : ls->speed[i], cell = s->geom.cell_m;
    if (s->geom.ring && front < 0) front += s->geom.cells;
    double to = (front + 1) * cell, from = to - ls->length[i] * cell;
    if (closed && !mp.absent_closed && !ls_scene_lane_exists(s, lane, (from + to) / 2)) return;
    if (from < 0 && s->geom.ring) add(r, mp, from + s->geom.length_m, s->geom.length_m, speed);
    add(r, mp, from < 0 ? 0 : from, to, speed);
}

static void fill_lane(ls_raster *r, const ls_scene *s, mapping mp, int lane)
{
    memset(r->sum, 0, sizeof *r->sum * (size_t)r->w);
    memset(r->count, 0, sizeof *r->count * (size_t)r->w);
    memset(r->closed, 0, (size_t)r->w);
    ls_lane_state ls = ls_world_lane(s->world, lane);
    for (int i = 0; i < ls.count; i++) add_entry(r, s, mp, &ls, i, lane);
    Uint32 *row = r->px + (size_t)lane * (size_t)r->w;
    const SDL_Color k = ls_col_closed;
    Uint32 closed = (Uint32)k.a << 24 | (Uint32)k.r << 16 | (Uint32)k.g << 8 | k.b;
    for (int c = 0; c < r->w; c++) {
        if (r->count[c])
            row[c] = ls_scene_speed_argb(s, r->sum[c] / r->count[c]);
        else
            row[c] = r->closed[c] ? closed : 0; /* 0: transparent, the road shows */
    }
}

int ls_raster_fill(ls_raster *r, SDL_Renderer *ren, const ls_scene *s, int w, double m0,
                   double m_per_px, int absent_closed)
{
    if (w < 1 || ensure(r, ren, w, s->all_lanes) != 0) return -1;
    mapping mp = {m0, m_per_px, absent_closed};
    for (int lane = 0; lane < s->all_lanes; lane++) fill_lane(r, s, mp, lane);
    return SDL_UpdateTexture(r->tex, NULL, r->px, w * (int)sizeof *r->px) == 0 ? 0 : -1;
}

void ls_raster_draw(const ls_raster *r, SDL_Renderer *ren, const SDL_Rect *src,
                    const SDL_FRect *dst)
{
    if (!r->tex || src->y < 0 || src->y >= r->lanes) return;
    SDL_RenderCopyF(ren, r->tex, src, dst);
}
