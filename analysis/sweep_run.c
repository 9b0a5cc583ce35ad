/* sweep_run.c: one run of a sweep, from its index to its CSV row. */
#include <stdlib.h>

#include "summary.h"
#include "sweep.h"

/* The first problem as one line (a failure at run time: the up-front checks decode every point
 * but do not build every combination's world). */
static int failure(const ls_diags *d, ls_status st, int64_t run, char *why, size_t size)
{
    char line[1024] = "";
    if (d->count > 0) ls_diag_format(&d->items[0], line, sizeof line);
    snprintf(why, size, "run %lld: %s", (long long)run, line[0] ? line : ls_status_name(st));
    return ls_status_exit_code(st);
}

/* Steps to the end. Trips and detector records are cleared as they come: a sweep keeps only
 * the world's running totals, which clearing leaves alone. */
static ls_status simulate(ls_world *w, const atomic_int *stop, bool *interrupted)
{
    while (!ls_world_done(w)) {
        ls_status st = ls_world_step(w);
        if (st != LS_OK) return st;
        if ((ls_world_step_index(w) & 255) != 0) continue;
        ls_world_clear_trips(w);
        ls_world_clear_detector_records(w);
        if (atomic_load(stop)) {
            *interrupted = true;
            return LS_OK;
        }
    }
    return LS_OK;
}

int sweep_run_one(const sweep_plan *p, int64_t run, const atomic_int *stop, ls_diags *d,
                  sweep_buf *row, char *why, size_t size)
{
    ls_scenario s;
    ls_diags_clear(d);
    ls_status st = sweep_point_scenario(p, run / p->reps, &s, d);
    if (st != LS_OK) return failure(d, st, run, why, size);
    s.simulation.seed = sweep_run_seed(p, run);
    ls_world *w;
    if ((st = ls_world_create(&s, &w, d)) != LS_OK) return failure(d, st, run, why, size);
    bool interrupted = false;
    double start = ls_cli_now();
    st = simulate(w, stop, &interrupted);
    double wall = ls_cli_now() - start;
    cJSON *summary = st == LS_OK && !interrupted ? ls_summary_json(w, &s, wall) : NULL;
    ls_world_destroy(w);
    if (interrupted) return 130;
    if (st != LS_OK) return failure(d, st, run, why, size);
    row->len = 0;
    if (summary) sweep_csv_row(p, run, summary, wall, row);
    cJSON_Delete(summary);
    if (!summary || row->oom) {
        snprintf(why, size, "run %lld: out of memory", (long long)run);
        return 1;
    }
    return 0;
}
