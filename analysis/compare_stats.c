/* compare_stats.c: paired differences between strategies and their confidence intervals.
 *
 * The probes of one morning share its jam, so their travel times are correlated: treating a
 * morning's departures as independent would make the interval far too narrow. Each morning (an
 * independent run with its own seed) gives one number per strategy, the mean over its
 * departures of the paired difference to the baseline; the interval is the t-interval of those
 * per-morning means (Law, "Simulation Modeling and Analysis", independent replications). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "compare.h"

void cmp_t_interval(const double *x, int n, double *mean, double *lo, double *hi)
{
    *mean = n > 0 ? gsl_stats_mean(x, 1, (size_t)n) : NAN;
    *lo = *hi = NAN;
    if (n < 2) return;
    double sd = gsl_stats_sd_m(x, 1, (size_t)n, *mean);
    double half = gsl_cdf_tdist_Pinv(0.975, n - 1) * sd / sqrt((double)n);
    *lo = *mean - half;
    *hi = *mean + half;
}

/* The probe of slot k at departure d of a run (results come by departure, then slot). */
static const ls_probe_result *probe_at(const cmp_run *r, int n_strategies, size_t d, int k)
{
    size_t i = d * (size_t)n_strategies + (size_t)k;
    return i < r->count ? &r->probes[i] : NULL;
}

/* Counts, Traffic I sums and the travel times (into tt, which holds every probe) of slot k. */
static size_t gather(const cmp_run *runs, int n_runs, int n_strategies, int k, cmp_stats *out,
                     double *tt)
{
    size_t n = 0, fastest = 0;
    double observed = 0, slower = 0;
    for (int r = 0; r < n_runs; r++)
        for (size_t d = 0; d * (size_t)n_strategies < runs[r].count; d++) {
            const ls_probe_result *p = probe_at(&runs[r], n_strategies, d, k);
            if (!p) continue;
            if (p->status == LS_PROBE_UNFINISHED) out->unfinished++;
            if (p->status == LS_PROBE_MISSED_EXIT) out->missed++;
            if (p->status != LS_PROBE_FINISHED) continue;
            tt[n++] = p->travel_time_s;
            out->passed_by += p->passed_by;
            out->passed += p->passed;
            observed += p->observed_s;
            slower += p->slower_s;
            fastest += p->lane_fastest;
        }
    out->trips = n;
    out->share_time_slower = observed > 0 ? slower / observed : NAN;
    out->share_trips_fastest = n ? (double)fastest / (double)n : NAN;
    return n;
}

/* The mean paired difference of slot k to slot 0 in one run, over the departures where both
 * finished; NaN when there is none. */
static double run_difference(const cmp_run *r, int n_strategies, int k, size_t *pairs)
{
    double sum = 0;
    size_t n = 0;
    for (size_t d = 0; d * (size_t)n_strategies < r->count; d++) {
        const ls_probe_result *a = probe_at(r, n_strategies, d, k);
        const ls_probe_result *b = probe_at(r, n_strategies, d, 0);
        if (!a || !b || a->status != LS_PROBE_FINISHED || b->status != LS_PROBE_FINISHED) continue;
        sum += a->travel_time_s - b->travel_time_s;
        n++;
    }
    *pairs += n;
    return n ? sum / (double)n : NAN;
}

int cmp_strategy_stats(const cmp_run *runs, int n_runs, int n_strategies, int k, cmp_stats *out)
{
    size_t total = 0;
    for (int r = 0; r < n_runs; r++) total += runs[r].count;
    double *tt = malloc((total + 1) * sizeof *tt);
    double *diff = malloc(((size_t)n_runs + 1) * sizeof *diff);
    if (!tt || !diff) {
        free(tt);
        free(diff);
        return -1;
    }
    *out = (cmp_stats){0};
    size_t n = gather(runs, n_runs, n_strategies, k, out, tt);
    gsl_sort(tt, 1, n);
    out->mean_s = n ? gsl_stats_mean(tt, 1, n) : NAN;
    out->median_s = n ? gsl_stats_quantile_from_sorted_data(tt, 1, n, 0.5) : NAN;
    out->p90_s = n ? gsl_stats_quantile_from_sorted_data(tt, 1, n, 0.9) : NAN;
    int m = 0;
    for (int r = 0; r < n_runs; r++) {
        double d = run_difference(&runs[r], n_strategies, k, &out->pairs);
        if (!isnan(d)) diff[m++] = d;
    }
    out->runs_paired = m;
    cmp_t_interval(diff, m, &out->diff_mean_s, &out->diff_lo_s, &out->diff_hi_s);
    if (k == 0) out->diff_mean_s = out->diff_lo_s = out->diff_hi_s = 0;
    free(tt);
    free(diff);
    return 0;
}

/* 2700 as "2,700". */
static void thousands(size_t n, char *buf, size_t size)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%zu", n), o = 0;
    for (int i = 0; i < len && (size_t)o + 2 < size; i++) {
        if (i > 0 && (len - i) % 3 == 0) buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = 0;
}

void cmp_verdict(const char *name, const char *baseline, const cmp_stats *st, char *buf,
                 size_t size)
{
    char pairs[32];
    thousands(st->pairs, pairs, sizeof pairs);
    if (st->runs_paired < 2) {
        snprintf(buf, size,
                 "%s against %s: no interval (%d morning%s with paired trips; needs "
                 "--runs 2 or more)",
                 name, baseline, st->runs_paired, st->runs_paired == 1 ? "" : "s");
        return;
    }
    const char *unit = "min";
    double scale = 60;
    if (fabs(st->diff_mean_s) < 60 && fabs(st->diff_hi_s - st->diff_lo_s) < 120)
        unit = "s", scale = 1;
    if (st->diff_lo_s <= 0 && st->diff_hi_s >= 0) {
        snprintf(buf, size,
                 "%s against %s: no significant difference (%+.1f %s on average, 95 %% CI "
                 "%.1f to %.1f %s, %d mornings, %s paired trips)",
                 name, baseline, st->diff_mean_s / scale, unit, st->diff_lo_s / scale,
                 st->diff_hi_s / scale, unit, st->runs_paired, pairs);
        return;
    }
    int faster = st->diff_mean_s < 0;
    double lo = faster ? -st->diff_hi_s : st->diff_lo_s,
           hi = faster ? -st->diff_lo_s : st->diff_hi_s;
    snprintf(buf, size,
             "%s is %s than %s by %.1f %s on average (95 %% CI %.1f to %.1f %s, %d "
             "mornings, %s paired trips)",
             name, faster ? "faster" : "slower", baseline, fabs(st->diff_mean_s) / scale, unit,
             lo / scale, hi / scale, unit, st->runs_paired, pairs);
}
