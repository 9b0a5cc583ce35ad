/* draw.h: the drawing passes of one frame and what they share. */
#ifndef LS_DRAW_H
#define LS_DRAW_H

#include <SDL.h>

#include "layout.h"
#include "raster.h"
#include "scene.h"
#include "text.h"
#include "view_state.h"

/* Coloured rectangles collected and drawn with one SDL_RenderGeometry call: 10,000 vehicles are
 * one draw call instead of 10,000. */
typedef struct ls_batch {
    SDL_Vertex *vert;
    int *index;
    int quads, cap;
} ls_batch;

void ls_batch_add(ls_batch *b, SDL_FRect rc, SDL_Color c); /* drops the quad if out of memory */
void ls_batch_flush(ls_batch *b, SDL_Renderer *r);
void ls_batch_free(ls_batch *b);

/* Everything a drawing pass reads. */
typedef struct ls_draw_ctx {
    SDL_Renderer *r;
    const ls_fonts *fonts;
    ls_scene *scene;
    const ls_view *view;
    const ls_layout *L;
    ls_batch *batch;
    ls_raster *main_raster, *ov_raster; /* zoomed-out traffic rows (raster.h) */
    const ls_vehicle_info *followed;    /* the followed vehicle on the road now, or NULL */
    const char *message;                /* transient note (a screenshot was saved), or NULL */
    double achieved;                    /* simulated seconds per real second lately */
    double fps;                         /* frames per second lately (0: not measured) */
} ls_draw_ctx;

/* draw_road.c: the main view's road, markings, distance posts, landmarks and distance scale. */
void ls_draw_road(const ls_draw_ctx *d);
void ls_draw_road_labels(const ls_draw_ctx *d); /* drawn over the vehicles */
/* draw_landmarks.c: what stands along the road: detectors, speed limits, ramps' names, its
 * ends; called by ls_draw_road_labels. */
void ls_draw_landmarks(const ls_draw_ctx *d);
/* Ramp meters and entry queues (draw_landmarks.c, part of the landmark layer). A metered
 * on-ramp has a white stop line across its lower row at the start of its approach (where the
 * meter releases vehicles) and, just upstream of it, a signal head: a dark box, the red lamp
 * above the green one, the one lit bright (ls_world_meter_state), the other dark. Every on-ramp's
 * entry queue is a row of stopped vehicles upstream of that, LS_QUEUE_SLOT_M of road each, those
 * past the ramp's storage in the spillback colour; it stops short of the road of an on-ramp
 * upstream. */
#define LS_QUEUE_SLOT_M 7.5 /* a car and its standstill gap: what the default storage assumes */
typedef struct ls_meter_head {
    SDL_FRect box, red, green; /* the housing and its two lamps, whole pixels */
} ls_meter_head;
/* The head of the meter whose stop line is at x in the main view's row `row`. */
ls_meter_head ls_meter_head_at(const ls_layout *L, float stop_x, int row);
/* The overview strip's frame, road and labels; ls_draw_overview_traffic fills it, then
 * ls_draw_overview_marks outlines the main view's stretch and marks detectors and the followed
 * vehicle. */
void ls_draw_overview(const ls_draw_ctx *d);
void ls_draw_overview_marks(const ls_draw_ctx *d);

/* draw_vehicles.c: vehicles one by one close up, as raster rows (raster.h) when the shortest
 * vehicle is under LS_RASTER_BELOW_PX pixels long. */
#define LS_RASTER_BELOW_PX 4.0
void ls_draw_vehicles(const ls_draw_ctx *d);
void ls_draw_overview_traffic(const ls_draw_ctx *d);
/* Probes (lanesim view --probes): in the main view a ring in the strategy's colour
 * (palette.h) LS_PROBE_RING_PX wide round a dark gap LS_PROBE_GAP_PX wide round the body, at
 * least LS_PROBE_MIN_PX long and high at any zoom, and the strategy's name above it once it is
 * LS_PROBE_LABEL_PX long; on the overview a tick in that colour (called by
 * ls_draw_overview_marks' caller, under the marks). */
#define LS_PROBE_RING_PX  2
#define LS_PROBE_GAP_PX   1
#define LS_PROBE_MIN_PX   4.0f
#define LS_PROBE_LABEL_PX 30.0f
void ls_draw_overview_probes(const ls_draw_ctx *d);

/* Where a vehicle is drawn in the main view: front (cells, may be fractional), length (cells),
 * lane; the rectangle is clipped to the road's ends. Returns 0 if nothing is visible. */
int ls_vehicle_rect(const ls_scene *s, const ls_view *v, const ls_layout *L, int lane, double front,
                    int length, int truck, SDL_FRect *out);
/* The vehicle under a point of the main view: 0 with its handle, or -1. A few pixels of slack
 * make vehicles that are one pixel long clickable. */
int ls_pick_vehicle(const ls_scene *s, const ls_view *v, const ls_layout *L, float x, float y,
                    uint32_t *handle);

/* draw_hud.c: the status line, the side panel, the help overlay. */
void ls_draw_status(const ls_draw_ctx *d);
void ls_draw_side(const ls_draw_ctx *d);
void ls_draw_help(const ls_draw_ctx *d);

#endif
