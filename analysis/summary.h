/* summary.h: the measured results of a run, as JSON (cli.md's fields) and as a table. */
#ifndef LS_SUMMARY_H
#define LS_SUMMARY_H

#include <cjson/cJSON.h>
#include <stdio.h>

#include "lanesim/lanesim.h"

/* Builds the summary object of a finished (or stopped) run; NULL when out of memory. */
cJSON *ls_summary_json(const ls_world *w, const ls_scenario *s, double wall_seconds);

/* Prints the per-lane table and totals that `lanesim run` shows by default. */
void ls_summary_print_table(const cJSON *summary, FILE *out);

#endif
