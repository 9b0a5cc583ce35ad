/* layout.h: where each panel sits in the window, and the road's mapping to pixels. */
#ifndef LS_LAYOUT_H
#define LS_LAYOUT_H

#include <SDL.h>

#include "view_state.h"

/* Fixed sizes of the layout, in pixels. */
#define LS_STATUS_H     26  /* the status line at the top */
#define LS_SIDE_W       380 /* the side panel on the right */
#define LS_MAIN_TOP_PAD 22  /* room above the road in the main view for distance posts */
#define LS_MAIN_BOT_PAD 34  /* room below it for detector names and the distance scale */
#define LS_LANE_PX_MAX  28  /* lanes are not drawn taller than this unless zoomed in to scale */
#define LS_LANE_PX_MIN  4

/* One frame's geometry, computed from the window size and the view: nothing here is state. An
 * empty rectangle (w = 0) is a hidden panel. */
typedef struct ls_layout {
    SDL_Rect status, main, overview, spacetime, side;
    float lane_px;     /* height of one lane (one row) in the main view */
    float road_y;      /* top edge of lane 1 (row 0) in the main view */
    float scale_y;     /* lane_px over the lane's true height at this zoom: 1 = to scale */
    float ov_x, ov_w;  /* the road's extent in the overview strip */
    float ov_y;        /* top edge of lane 1 in the overview */
    float ov_lane_px;  /* height of one lane in the overview */
    float pan_y_limit; /* how far the road can move up when it is taller than the main view */
} ls_layout;

ls_layout ls_layout_compute(const ls_view *v, const ls_road_geom *g);

/* Keeps the view's vertical pan within what the layout allows. */
void ls_layout_clamp_pan(ls_view *v, const ls_layout *L);

/* Main view: x of a road position (m), position of an x, and the row at a y (-1: none; rows
 * 0 .. lanes - 1 are the lanes, the rows below them the ramps'). */
float ls_layout_x(const ls_layout *L, const ls_view *v, double m);
double ls_layout_m(const ls_layout *L, const ls_view *v, float x);
int ls_layout_row_at(const ls_layout *L, const ls_road_geom *g, float y);

/* Overview strip: x of a road position and back. */
float ls_layout_ov_x(const ls_layout *L, const ls_road_geom *g, double m);
double ls_layout_ov_m(const ls_layout *L, const ls_road_geom *g, float x);

int ls_rect_contains(const SDL_Rect *r, int x, int y);

/* A step of 1, 2 or 5 times a power of ten giving about `want` ticks over `range`, for axes,
 * distance posts and the scale bar. */
double ls_nice_step(double range, int want);

#endif
