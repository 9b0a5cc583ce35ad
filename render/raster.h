/* raster.h: traffic rasterised on the CPU, one pixel row per lane, for zoomed-out pictures. */
#ifndef LS_RASTER_H
#define LS_RASTER_H

#include <stdint.h>

#include <SDL.h>

#include "scene.h"

/* When vehicles are a pixel or two long, thousands of them as separate rectangles cost the
 * software rasterisers (Mesa's llvmpipe under Xvfb) a microsecond each. Instead each pixel column
 * of each lane gets the mean speed of the vehicles covering it (or the closed colour), computed
 * here in one pass over the lane arrays, and the rows go to the screen as one small texture. */
typedef struct ls_raster {
    SDL_Texture *tex;
    int w, lanes; /* texture size: w pixel columns by one row per lane (on-ramps' included) */
    Uint32 *px;
    double *sum;
    int *count;
    uint8_t *closed;
} ls_raster;

/* Fills the rows for `w` columns starting at road position m0 (m), m_per_px metres per column,
 * with vehicles where they are drawn at the scene's instant. The engine's closures of lanes
 * where they do not exist (past a lane drop) are left out when `absent_closed` is 0 (the main
 * view draws no road there) and shown closed when 1 (the overview strip draws every lane
 * throughout). 0, or -1 out of memory. */
int ls_raster_fill(ls_raster *r, SDL_Renderer *ren, const ls_scene *s, int w, double m0,
                   double m_per_px, int absent_closed);
/* Draws part of a lane's row (src: columns, and the lane as its y) stretched over dst; empty
 * columns are transparent. */
void ls_raster_draw(const ls_raster *r, SDL_Renderer *ren, const SDL_Rect *src,
                    const SDL_FRect *dst);
void ls_raster_free(ls_raster *r);

#endif
