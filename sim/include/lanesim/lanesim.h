/* lanesim.h: the public API of liblanesim, a multi-lane cellular-automaton freeway simulator. */
#ifndef LANESIM_H
#define LANESIM_H

#define LANESIM_VERSION_MAJOR 0
#define LANESIM_VERSION_MINOR 1
#define LANESIM_VERSION_PATCH 0
#define LANESIM_VERSION       "0.1.0"

#include "lanesim/alloc.h"
#include "lanesim/diag.h"
#include "lanesim/scenario.h"
#include "lanesim/world.h"

#endif
