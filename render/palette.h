/* palette.h: the viewer's colours: the continuous speed scale, its legend, the fixed theme. */
#ifndef LS_PALETTE_H
#define LS_PALETTE_H

#include <SDL.h>

#include "text.h"

/* Fixed colours of the picture (docs/viewer.md shows what each means). */
extern const SDL_Color ls_col_background; /* window background */
extern const SDL_Color ls_col_panel;      /* panel backgrounds */
extern const SDL_Color ls_col_border;     /* panel edges, grid lines */
extern const SDL_Color ls_col_text;
extern const SDL_Color ls_col_dim;          /* secondary text */
extern const SDL_Color ls_col_road;         /* the pavement: an empty lane */
extern const SDL_Color ls_col_marking;      /* lane lines, right edge line */
extern const SDL_Color ls_col_median;       /* left (median) edge line */
extern const SDL_Color ls_col_detector;     /* loop detectors */
extern const SDL_Color ls_col_follow;       /* the followed vehicle's frame */
extern const SDL_Color ls_col_truck_edge;   /* outline that tells trucks apart */
extern const SDL_Color ls_col_st_empty;     /* space-time diagram: no vehicle */
extern const SDL_Color ls_col_view_window;  /* the main view's extent on the overview */
extern const SDL_Color ls_col_accent;       /* highlights in text */
extern const SDL_Color ls_col_closed;       /* a closed stretch of lane (a blockage) */
extern const SDL_Color ls_col_closed_hatch; /* its stripes in the main view */
extern const SDL_Color ls_col_zone;         /* a stretch with its own speed limit */
/* Ramp meters: the signal head's box and its lamps, lit or not; an on-ramp's entry queue,
 * the vehicles the ramp's storage holds and those beyond it, waiting on the street. The lit
 * lamps are brighter than any speed's colour, the queue has the colour of speed zero (its
 * vehicles stand still), the spillback a violet that the speed scale does not use. */
extern const SDL_Color ls_col_meter_box;
extern const SDL_Color ls_col_meter_red;
extern const SDL_Color ls_col_meter_green;
extern const SDL_Color ls_col_meter_unlit;
extern const SDL_Color ls_col_queue;
extern const SDL_Color ls_col_spill;

/* The outline of a probe vehicle of strategy k (index into the scenario's strategies): colours
 * away from the speed scale's where there are enough of them, cycling after the eighth. */
SDL_Color ls_probe_color(int strategy);

/* Speed as a colour on a continuous scale: fraction 0 (stopped) is red, through orange and yellow
 * to green at 1 (the fastest any vehicle of the scenario may drive). Lightness rises from red to
 * yellow, so the scale stays readable without telling red from green. Clamped to [0, 1]. */
SDL_Color ls_speed_color(double fraction);

/* Speed units for labels. */
typedef enum ls_speed_unit { LS_UNIT_KMH = 0, LS_UNIT_MPH } ls_speed_unit;

const char *ls_speed_unit_name(ls_speed_unit u);
double ls_speed_unit_from_mps(ls_speed_unit u, double mps);

/* The scenario keeps its speed limit in km/h only; a limit that is a whole number of mph and not
 * of km/h was written in mph (65 mph = 104.60736 km/h), so labels use mph. */
ls_speed_unit ls_speed_unit_guess(double speed_limit_kmh);

/* The legend: a gradient bar over [x, x + w) from 0 to top_mps with ticks in the unit. Returns
 * the height it used. */
int ls_draw_speed_legend(SDL_Renderer *r, const ls_fonts *f, int x, int y, int w, double top_mps,
                         ls_speed_unit u);

void ls_set_color(SDL_Renderer *r, SDL_Color c);
/* A filled rectangle with a one-pixel border, the panels' frame. */
void ls_fill_panel(SDL_Renderer *r, const SDL_Rect *rc);
/* The same around `inner`, which is left for the caller to cover (fewer pixels to fill). */
void ls_fill_frame(SDL_Renderer *r, const SDL_Rect *outer, const SDL_Rect *inner);

#endif
