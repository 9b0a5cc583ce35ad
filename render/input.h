/* input.h: SDL events to changes of the view, as docs/viewer.md lists them. */
#ifndef LS_INPUT_H
#define LS_INPUT_H

#include <SDL.h>

#include "scene.h"
#include "view_state.h"

/* Applies one event. The scene is read to pick the vehicle under a click; nothing else of it is
 * touched, and the simulation is never stepped here (S only asks for a step). */
void ls_input_event(ls_view *v, const ls_scene *s, const SDL_Event *e);

#endif
