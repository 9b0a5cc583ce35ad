/* compare.h: `lanesim compare`: probe runs (compare_run.c), paired statistics (compare_stats.c)
 * and the command (cmd_compare.c). */
#ifndef LS_COMPARE_H
#define LS_COMPARE_H

#include <stddef.h>
#include <stdint.h>

#include "lanesim/lanesim.h"

/* The probes of one run (one independent morning). */
typedef struct cmp_run {
    uint64_t seed;
    ls_probe_result *probes; /* in order of departure, then of the strategies compared */
    size_t count;
    int status; /* 0, or the exit status of a failed run (1) */
} cmp_run;

/* Runs `runs` mornings of scenario `s` with probes of `strategies` (count of them), run r with
 * seed cmp_seed(s->simulation.seed, r), on `jobs` threads; results are the same whatever the
 * number of threads. Returns 0, or 1 (out of memory or a failed step; message printed). */
int cmp_run_all(const ls_scenario *s, const int *strategies, int count, int runs, int jobs,
                int quiet, cmp_run *out);
uint64_t cmp_seed(uint64_t base, int run);
void cmp_runs_free(cmp_run *runs, int n);

/* What is reported of one strategy. */
typedef struct cmp_stats {
    size_t trips;      /* finished probes */
    size_t unfinished; /* still travelling when their run ended */
    size_t missed;     /* passed their exit in a wrong lane */
    double mean_s, median_s, p90_s;
    size_t pairs;                /* departures where it and the baseline both finished */
    int runs_paired;             /* runs with at least one such departure */
    double diff_mean_s;          /* mean over runs of the run's mean paired difference */
    double diff_lo_s, diff_hi_s; /* its 95 % confidence interval (NaN with fewer than 2 runs) */
    /* Traffic I, over its finished trips: */
    uint64_t passed_by, passed;
    double share_time_slower;   /* of the time observed, a lane beside was faster */
    double share_trips_fastest; /* of the trips, its lane was the fastest */
} cmp_stats;

/* The t-based 95 % interval of the mean of x[0..n): mean +- t(0.975, n - 1) s / sqrt(n).
 * lo = hi = NaN for n < 2. */
void cmp_t_interval(const double *x, int n, double *mean, double *lo, double *hi);

/* The statistics of strategy slot `k` against the baseline (slot 0) over the runs. Returns 0,
 * or -1 out of memory. */
int cmp_strategy_stats(const cmp_run *runs, int n_runs, int n_strategies, int k, cmp_stats *out);

/* "late-merge is faster than stay-left by 4.2 min on average (95 % CI 3.1 to 5.3 min, 30
 * mornings, 2,700 paired trips)", or "no significant difference ...", into buf. */
void cmp_verdict(const char *name, const char *baseline, const cmp_stats *st, char *buf,
                 size_t size);

#endif
