/* spacetime.h: the live space-time diagram: a rolling history of every lane, drawn for one. */
#ifndef LS_SPACETIME_H
#define LS_SPACETIME_H

#include <stdint.h>

#include <SDL.h>

#include "lanesim/lanesim.h"
#include "text.h"

#define LS_ST_COLUMNS   900 /* time columns kept: 15 minutes at one column per second */
#define LS_ST_BINS_MAX  480 /* position bins over the whole road */
#define LS_ST_SPEED_MAX 253 /* stored value of the top of the speed scale */
#define LS_ST_CLOSED    254 /* a bin closed by a blockage, with no vehicle */
#define LS_ST_EMPTY     255 /* a bin with no vehicle */

/* History of every lane, so switching the diagram's lane shows its past at once. A column is one
 * sample of the road; a bin holds the mean speed of the vehicles covering it, as a fraction of
 * the top of the colour scale times LS_ST_SPEED_MAX. Column-major: a column's bins are contiguous.
 */
typedef struct ls_spacetime {
    int lanes, bins;
    double bin_cells;     /* cells per bin (>= 1) */
    int64_t sample_steps; /* steps between columns: one column per simulated second or step */
    double column_s;      /* simulated seconds per column */
    uint8_t *hist;        /* [lane][column][bin] */
    int64_t written;      /* columns written so far; the newest is (written - 1) % COLUMNS */
    double *sum;          /* per-bin work arrays of one sample */
    int *count;
    uint8_t *closed;

    SDL_Texture *tex; /* one lane's history in colour, created on first draw */
    Uint32 lut[256];  /* stored value -> ARGB pixel */
    int tex_lane;
    int64_t tex_written; /* columns of tex_lane already in the texture */
} ls_spacetime;

int ls_spacetime_init(ls_spacetime *st, int lanes, int32_t cells, double dt_s);
void ls_spacetime_free(ls_spacetime *st);

/* Adds a column from the world's current state (speeds divided by top_cells). */
void ls_spacetime_sample(ls_spacetime *st, const ls_world *w, int32_t cells, double top_cells);

/* The speed fraction stored for (lane, age, bin), age 0 the newest column; -1 for no vehicle,
 * -2 for a closed stretch. */
double ls_spacetime_at(const ls_spacetime *st, int lane, int age, int bin);

/* What the panel needs besides the history: where it goes, the lane, the road, and the extent of
 * the main view to mark on the position axis. */
typedef struct ls_spacetime_frame {
    SDL_Rect panel;
    int lane, lanes;
    double road_m, view_from_m, view_to_m;
} ls_spacetime_frame;

void ls_spacetime_draw(ls_spacetime *st, SDL_Renderer *r, const ls_fonts *f,
                       const ls_spacetime_frame *fr);

#endif
