/* sweep_plan.c: the runs of a sweep: their numbering, seeds, shards and scenarios. */
#include <stdlib.h>

#include "sweep.h"

/* The output function of splitmix64 (Steele, Lea & Flood 2014): a bijection of 64-bit words
 * whose outputs for nearby inputs are unrelated. */
static uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* docs/sweeps.md documents this formula. The top 53 bits only: a seed read as a double (JSON,
 * spreadsheets, pandas) stays exact, so any row can be rerun with `lanesim run --seed`. */
uint64_t sweep_seed(uint64_t base, uint64_t point, uint64_t rep)
{
    return splitmix64(splitmix64(splitmix64(base) ^ point) ^ rep) >> 11;
}

uint64_t sweep_run_seed(const sweep_plan *p, int64_t run)
{
    int64_t point = run / p->reps;
    return sweep_seed(p->point_seed[point], (uint64_t)point, (uint64_t)(run % p->reps));
}

bool sweep_in_shard(const sweep_plan *p, int64_t run)
{
    return run % p->shard_n == p->shard_k - 1;
}

int64_t sweep_shard_runs(const sweep_plan *p)
{
    return p->runs / p->shard_n + (p->runs % p->shard_n > p->shard_k - 1);
}

ls_status sweep_point_scenario(const sweep_plan *p, int64_t point, ls_scenario *out, ls_diags *d)
{
    ls_source *src = ls_source_clone(p->base);
    if (!src) {
        ls_diags_add(d, "", "", "out of memory");
        return LS_ERR_NOMEM;
    }
    ls_status st = sweep_grid_apply(&p->grid, point, src, d);
    if (st != LS_ERR_NOMEM) {
        ls_status dec = ls_scenario_decode(src, out, d);
        if (st == LS_OK) st = dec;
    }
    ls_source_free(src);
    return st;
}

void sweep_plan_free(sweep_plan *p)
{
    ls_source_free(p->base);
    sweep_grid_free(&p->grid);
    free(p->point_seed);
    p->base = NULL;
    p->point_seed = NULL;
}

int64_t *sweep_queue(const sweep_plan *p, const unsigned char *done, int rank, int ranks,
                     int64_t *count)
{
    int64_t *queue = malloc((size_t)(p->runs ? p->runs : 1) * sizeof *queue), pending = 0;
    *count = 0;
    for (int64_t run = 0; queue && run < p->runs; run++) {
        if (!sweep_in_shard(p, run) || done[run]) continue;
        if (pending++ % ranks == rank) queue[(*count)++] = run;
    }
    return queue;
}

int64_t sweep_pending(const sweep_plan *p, const unsigned char *done)
{
    int64_t n = 0;
    for (int64_t run = 0; run < p->runs; run++) n += sweep_in_shard(p, run) && !done[run];
    return n;
}
