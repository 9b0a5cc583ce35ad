/* probe_view.h: probe vehicles (lanesim view --probes) as the viewer shows them: where they are,
 * following one, following a strategy's probes one after another, jumping between them. */
#ifndef LS_PROBE_VIEW_H
#define LS_PROBE_VIEW_H

#include "scene.h"
#include "view_state.h"

/* Takes the probes' marks from the lane arrays, once per step (nothing while probes are off).
 * Returns 0, or -1 when out of memory (the marks are then those of an earlier step). */
int ls_probe_marks_update(ls_scene *s);

/* The probe's own vehicle on the road now (not a see-through copy), or NULL. */
const ls_probe_mark *ls_probe_mark_of(const ls_scene *s, int probe);

/* Following a strategy: once the followed probe has finished its trip, the next one is the first
 * of that strategy to depart at or after that moment (its finish time, not the frame's, so the
 * choice does not depend on how steps fall into frames). Then the followed probe's vehicle is
 * looked up: when it appears on the road (it entered, or came back from exit_reenter's
 * connector), the view follows it and the camera goes to it. */
void ls_probe_follow_update(ls_scene *s, ls_view *v);

/* The next (dir = +1) or previous (-1) probe on the road after the followed one, in order of
 * departure (then of the strategies), wrapping round. 0, or -1 when no probe is on the road. */
int ls_probe_jump(ls_scene *s, ls_view *v, int dir);

/* When the next probe of the scenario's `probes` window departs at or after t_s, or -1 when none
 * does (docs/scenarios.md gives the window's defaults). */
double ls_probe_next_departure(const ls_scene *s, double t_s);

#endif
