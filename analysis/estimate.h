/* estimate.h: estimators of freeway measures from measured data (docs/validation.md, section
 * 18): the propagation speed of jam fronts, the capacity drop at a bottleneck and turn-taking at
 * a merge. Pure functions of their arguments: no I/O, no allocation that outlives a call, so
 * that tests can feed them synthetic data with known answers. */
#ifndef LS_ESTIMATE_H
#define LS_ESTIMATE_H

#include <stdbool.h>
#include <stddef.h>

/* A space-time speed field on a regular grid: speed_kmh[t * segments + x], segment x = 0 the
 * most upstream, period t = 0 the first. NaN marks a cell without data (an empty segment). */
typedef struct ls_est_field {
    const double *speed_kmh; /* km/h, segments x periods values */
    int segments;
    int periods;
    double segment_m; /* m between the centres of neighbouring segments */
    double period_s;  /* s per period */
    bool ring;        /* the last segment is followed by the first (a periodic road) */
} ls_est_field;

/* Which pairs of segments the wave-speed estimator correlates. */
typedef struct ls_est_wave_opts {
    int max_separation;  /* segments: pairs 1 .. max_separation segments apart */
    int max_lag;         /* periods: lags searched, -max_lag .. max_lag; below half the period of
                            any repeating pattern (a ring's round trip), whose peaks recur */
    double min_sd_kmh;   /* km/h: a series whose speed varies less is left out (free flow) */
    double min_corr;     /* pairs whose best correlation is lower are left out */
    double max_mean_kmh; /* km/h: a series whose mean speed is higher is left out (keeps the fit
                            to congested segments; 0 = no limit) */
} ls_est_wave_opts;

typedef struct ls_est_wave {
    double speed_kmh; /* km/h: propagation speed; negative = upstream, against the traffic */
    double se_kmh;    /* km/h: standard error of the fit (treats pairs as independent, which
                         overlapping pairs are not: a lower bound) */
    int pairs;        /* pairs of segments in the fit */
    double mean_corr; /* mean of their best correlations */
} ls_est_wave;

/* Propagation speed of the speed disturbances of a field (jam fronts in congested traffic):
 * for every pair of segments d = 1 .. max_separation segments apart, the lag tau that maximises
 * the correlation of the downstream series with the upstream one shifted by tau (refined
 * between periods by a parabola through the peak); then the least-squares line tau = d / c
 * through the origin gives c. A wave v(x, t) = f(x - c t) has its peak at tau = d / c exactly.
 * Returns 0, or -1 when no pair qualifies (then *out has pairs = 0 and speed NaN). */
int ls_est_wave_speed(const ls_est_field *f, const ls_est_wave_opts *o, ls_est_wave *out);

/* What the capacity-drop estimator reads from the detector series. */
typedef struct ls_est_drop_opts {
    double queued_kmh; /* km/h: the upstream loop below this speed means a queue stands there */
    int onset_periods; /* periods the upstream speed must stay queued for the queue to count */
    int window;        /* periods: the pre-queue flow is the mean over the `window` periods just
                          before the onset; also the batch length of the discharge's error */
    int skip;          /* periods after the onset left out of the discharge (the transition) */
} ls_est_drop_opts;

typedef struct ls_est_drop {
    int onset;             /* period in which the queue formed (first of onset_periods queued
                              periods), -1 when it never did */
    double prequeue_vph;   /* veh/h: mean flow over the `window` periods before the onset */
    double prequeue_se;    /* veh/h: its standard error, from the periods' spread */
    double discharge_vph;  /* veh/h: mean flow over the queued periods from onset + skip on */
    double discharge_se;   /* veh/h: standard error of that mean (batches of `window` periods) */
    int discharge_periods; /* periods in the discharge mean */
    double drop;           /* 1 - discharge / prequeue: the fraction of capacity lost */
} ls_est_drop;

/* Capacity drop at an active bottleneck (Cassidy & Bertini 1999) from n periods of detector
 * data: flow_vph, the flow summed over the lanes of a loop downstream of the bottleneck, and
 * upstream_kmh, the speed at a loop just upstream of it that tells when the queue stands (the
 * nearer the bottleneck, the sooner it sees the queue: until it does, the bottleneck already
 * discharges and the pre-queue flow comes out low). With a demand that rises into the
 * breakdown, the flow just before the onset is the highest the road carried; the mean over
 * those periods is used rather than the highest windowed mean, which noise biases upwards.
 * Returns 0, or -1 when no queue formed or too few periods surround it (onset may be set). */
int ls_est_capacity_drop(const double *flow_vph, const double *upstream_kmh, int n,
                         const ls_est_drop_opts *o, ls_est_drop *out);

typedef struct ls_est_turns {
    int intervals;     /* intervals between consecutive ramp merges */
    int ramp;          /* ramp merges counted: intervals + 1 */
    int shoulder;      /* shoulder-lane vehicles passing within those intervals */
    double ratio;      /* shoulder / intervals: shoulder-lane vehicles per ramp merge */
    double share_one;  /* fraction of intervals with exactly one shoulder-lane vehicle */
    double share_zero; /* ... with none (two ramp vehicles in a row) */
    double share_more; /* ... with two or more */
} ls_est_turns;

/* Turn-taking at a merge (Cassidy & Ahn 2005): ramp_s, the times of ramp merges, and
 * shoulder_s, the times shoulder-lane vehicles passed the merge, both ascending (s). Each
 * interval (ramp_s[i], ramp_s[i + 1]] holds the shoulder-lane vehicles that went between two
 * ramp vehicles; a strict zipper gives one in every interval. Returns 0, or -1 with fewer than
 * two ramp merges. */
int ls_est_turn_taking(const double *ramp_s, size_t ramp_n, const double *shoulder_s,
                       size_t shoulder_n, ls_est_turns *out);

#endif
