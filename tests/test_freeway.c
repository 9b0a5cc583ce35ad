/* test_freeway.c: the estimators of analysis/estimate.c on synthetic data with known answers,
 * and the default freeway calibration against published freeway numbers where it meets them
 * (docs/validation.md, section 18). */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>

#include "estimate.h"
#include "support.h"

/* ---- synthetic fields ---- */

/* Jams born at a bottleneck at x_b at random times (60-240 s apart), each a dip of 80 km/h and
 * 150 m width (Gaussian) that runs upstream at c; downstream of x_b free flow at 100 km/h whose
 * small ripples run downstream at 90 km/h; noise of sd 3 km/h on every cell. */
typedef struct synth {
    int segments, periods;
    double segment_m, period_s, c_kmh, bottleneck_m;
    unsigned long seed;
} synth;

static double *synth_field(const synth *p)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, p->seed);
    double duration = p->periods * p->period_s, c = p->c_kmh / 3.6;
    double length = p->segments * p->segment_m;
    /* Jams born before t = 0 are on the road at the start too. */
    double born[400];
    int jams = 0;
    for (double t = length / c; t < duration && jams < 400; t += gsl_ran_flat(r, 60, 240))
        born[jams++] = t;
    double phase[8];
    for (int k = 0; k < 8; k++) phase[k] = gsl_ran_flat(r, 0, 6.283185307179586);
    double *v = malloc(sizeof(double) * (size_t)(p->segments * p->periods));
    cr_assert_not_null(v);
    for (int t = 0; t < p->periods; t++)
        for (int x = 0; x < p->segments; x++) {
            double xm = (x + 0.5) * p->segment_m, ts = (t + 0.5) * p->period_s, s = 100;
            if (xm < p->bottleneck_m)
                for (int j = 0; j < jams; j++) {
                    double u = (xm - p->bottleneck_m - c * (ts - born[j])) / 150.0;
                    s -= 80 * exp(-u * u);
                }
            else
                for (int k = 0; k < 8; k++)
                    s += 2 * sin((xm - 25.0 * ts) / (300.0 + 97 * k) + phase[k]);
            v[t * p->segments + x] = s + gsl_ran_gaussian(r, 3);
        }
    gsl_rng_free(r);
    return v;
}

static ls_est_wave wave_of(const synth *p, const double *v)
{
    ls_est_field f = {v, p->segments, p->periods, p->segment_m, p->period_s, false};
    ls_est_wave_opts o = {.max_separation = 10, .max_lag = 40, .min_sd_kmh = 8, .min_corr = 0.5};
    ls_est_wave w;
    cr_assert_eq(ls_est_wave_speed(&f, &o, &w), 0, "no pair qualified");
    return w;
}

/* A field with jam fronts at -18 km/h on a 50 m x 10 s grid (the grid of the model runs below):
 * the estimate comes back within 0.5 km/h (3 %). The free-flow ripples downstream of the
 * bottleneck run the other way; their series vary less than min_sd_kmh and stay out. */
Test(freeway, wave_speed_of_a_synthetic_field)
{
    synth p = {.segments = 100,
               .periods = 300,
               .segment_m = 50,
               .period_s = 10,
               .c_kmh = -18,
               .bottleneck_m = 3500,
               .seed = 1};
    double *v = synth_field(&p);
    ls_est_wave w = wave_of(&p, v);
    cr_log_info("synthetic -18 km/h: %.3f km/h (se %.3f, %d pairs, corr %.2f)", w.speed_kmh,
                w.se_kmh, w.pairs, w.mean_corr);
    cr_expect(fabs(w.speed_kmh - -18) < 0.5, "estimated %.3f km/h, expected -18", w.speed_kmh);
    free(v);
}

/* The same at -15 km/h on a 100 m x 30 s grid, where a front takes 0.8 periods per segment,
 * so the lag must be interpolated between periods; and at -25 km/h. */
Test(freeway, wave_speed_other_speeds_and_grids)
{
    synth a = {.segments = 50,
               .periods = 120,
               .segment_m = 100,
               .period_s = 30,
               .c_kmh = -15,
               .bottleneck_m = 3500,
               .seed = 2};
    synth b = {.segments = 100,
               .periods = 300,
               .segment_m = 50,
               .period_s = 10,
               .c_kmh = -25,
               .bottleneck_m = 4000,
               .seed = 3};
    synth *cases[] = {&a, &b};
    for (int i = 0; i < 2; i++) {
        double *v = synth_field(cases[i]);
        ls_est_wave w = wave_of(cases[i], v);
        cr_log_info("synthetic %.0f km/h: %.3f km/h (se %.3f, %d pairs)", cases[i]->c_kmh,
                    w.speed_kmh, w.se_kmh, w.pairs);
        cr_expect(fabs(w.speed_kmh - cases[i]->c_kmh) < 0.03 * fabs(cases[i]->c_kmh),
                  "estimated %.3f km/h, expected %.0f", w.speed_kmh, cases[i]->c_kmh);
        free(v);
    }
}

/* A ring: the field wraps, and a front crossing the seam between the last segment and the
 * first still counts. One dip running at -20 km/h around a 2 km ring: it comes round every
 * 36 periods, so lags are searched within +-15 (a lag of tau and of tau + 36 periods fit the
 * pattern equally well; a search over more than half the period could take either). */
Test(freeway, wave_speed_on_a_ring)
{
    int segments = 40, periods = 360;
    double seg = 50, per = 10, c = -20 / 3.6, len = segments * seg;
    double *v = malloc(sizeof(double) * (size_t)(segments * periods));
    cr_assert_not_null(v);
    for (int t = 0; t < periods; t++)
        for (int x = 0; x < segments; x++) {
            double u = fmod((x + 0.5) * seg - c * (t + 0.5) * per, len) / len;
            double dist = fmin(u, 1 - u) * len / 120.0;
            v[t * segments + x] = 95 - 70 * exp(-dist * dist);
        }
    ls_est_field f = {v, segments, periods, seg, per, true};
    ls_est_wave_opts o = {.max_separation = 8, .max_lag = 15, .min_sd_kmh = 5, .min_corr = 0.5};
    ls_est_wave w;
    cr_assert_eq(ls_est_wave_speed(&f, &o, &w), 0);
    cr_expect_eq(w.pairs, segments * 8, "every pair, across the seam too: %d", w.pairs);
    cr_expect(fabs(w.speed_kmh - -20) < 0.4, "estimated %.3f km/h, expected -20", w.speed_kmh);
    free(v);
}

/* Free flow everywhere (only noise): no pair qualifies and the estimator says so. */
Test(freeway, wave_speed_needs_disturbances)
{
    int segments = 30, periods = 100;
    double *v = malloc(sizeof(double) * (size_t)(segments * periods));
    cr_assert_not_null(v);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    for (int i = 0; i < segments * periods; i++) v[i] = 100 + gsl_ran_gaussian(r, 2);
    gsl_rng_free(r);
    ls_est_field f = {v, segments, periods, 50, 10, false};
    ls_est_wave_opts o = {.max_separation = 5, .max_lag = 20, .min_sd_kmh = 8, .min_corr = 0.5};
    ls_est_wave w;
    cr_expect_eq(ls_est_wave_speed(&f, &o, &w), -1);
    cr_expect_eq(w.pairs, 0);
    cr_expect(isnan(w.speed_kmh));
    free(v);
}

/* ---- the model ---- */

/* A run's space-time speed field, one ls_est_field per mainline lane: the world is stepped
 * through its warm-up, then the field (the scenario's field.segment x field.period) is recorded
 * to the end. Empty cells are NaN. */
typedef struct run_field {
    int lanes, segments, periods;
    double *speed; /* [lane][period][segment], km/h */
    double segment_m, period_s;
    bool ring;
} run_field;

static run_field record_field(const char *file, const char *const *sets, int nsets)
{
    ls_scenario s;
    ls_test_scenario_file(file, sets, nsets, &s);
    ls_world *w = ls_test_world(&s);
    ls_world_info in = ls_world_get_info(w);
    run_field rf = {.lanes = in.lanes,
                    .segment_m = s.field.segment_m,
                    .period_s = s.field.period_s,
                    .ring = in.ring};
    double road_m = in.cells * in.cell_length_m;
    rf.segments = (int)ceil(road_m / rf.segment_m - 1e-9);
    rf.periods = (int)floor((double)(in.total_steps - in.warmup_steps) * in.dt_s / rf.period_s);
    size_t cells = (size_t)rf.lanes * (size_t)rf.periods * (size_t)rf.segments;
    rf.speed = malloc(sizeof(double) * cells);
    cr_assert_not_null(rf.speed);
    for (size_t i = 0; i < cells; i++) rf.speed[i] = NAN;
    while (ls_world_step_index(w) < in.warmup_steps) cr_assert_eq(ls_world_step(w), LS_OK);
    double t0 = ls_world_time(w);
    cr_assert_eq(ls_world_enable_field(w, true), LS_OK);
    while (!ls_world_done(w)) {
        cr_assert_eq(ls_world_step(w), LS_OK);
        size_t n;
        const ls_field_record *r = ls_world_field_records(w, &n);
        for (size_t i = 0; i < n; i++) {
            int t = (int)floor((r[i].begin_s - t0) / rf.period_s + 0.5);
            int x = (int)floor(r[i].from_m / rf.segment_m + 0.5);
            if (t < 0 || t >= rf.periods || x < 0 || x >= rf.segments || r[i].speed_kmh < 0)
                continue;
            rf.speed[((size_t)r[i].lane * rf.periods + t) * rf.segments + x] = r[i].speed_kmh;
        }
        ls_world_clear_field_records(w);
    }
    ls_world_destroy(w);
    return rf;
}

/* The mean over the lanes of each lane's wave-speed estimate; fails when a lane has none. */
static ls_est_wave lanes_wave(const run_field *rf, const ls_est_wave_opts *o, int first, int n)
{
    ls_est_wave sum = {0};
    for (int l = first; l < first + n; l++) {
        ls_est_field f = {rf->speed + (size_t)l * rf->periods * rf->segments,
                          rf->segments,
                          rf->periods,
                          rf->segment_m,
                          rf->period_s,
                          rf->ring};
        ls_est_wave w;
        cr_assert_eq(ls_est_wave_speed(&f, o, &w), 0, "lane %d: no jam fronts", l + 1);
        cr_log_info("lane %d: %.2f km/h (se %.2f, %d pairs, corr %.2f)", l + 1, w.speed_kmh,
                    w.se_kmh, w.pairs, w.mean_corr);
        sum.speed_kmh += w.speed_kmh / n;
        sum.pairs += w.pairs;
        sum.mean_corr += w.mean_corr / n;
    }
    return sum;
}

/* The highway-4lane calibration closed into a ring (lanes independent: no lane changes). */
static const char *const RING[] = {
    "road.ring=true",  "demand.mainline.flow=0",   "detectors=[]",         "field.segment=50",
    "field.period=10", "simulation.duration=3600", "simulation.warmup=600"};
#define RING_N (int)(sizeof RING / sizeof RING[0])

static double ring_flow(const char *density)
{
    const char *sets[RING_N + 1];
    for (int i = 0; i < RING_N; i++) sets[i] = RING[i];
    sets[RING_N] = density;
    ls_scenario s;
    ls_test_scenario_file("scenarios/highway-4lane.yaml", sets, RING_N + 1, &s);
    ls_world *w = ls_test_world(&s);
    while (!ls_world_done(w)) cr_assert_eq(ls_world_step(w), LS_OK);
    double q = 0;
    for (int l = 0; l < 4; l++) q += ls_world_lane_stats(w, l).flow_vph / 4;
    ls_world_destroy(w);
    return q;
}

/* Jam fronts on the ring at 45 veh/km move upstream at the slope of the congested branch of the
 * ring's own fundamental diagram: a stationary jam takes in and lets out vehicles at the same
 * rate, so its fronts move at the chord between the jam and its outflow (Lighthill-Whitham;
 * Treiber & Kesting, Traffic Flow Dynamics, ch. 8), which the flows at 40 and 50 veh/km give.
 * Tolerance 5 % of the chord. (The published 15-20 km/h is not met: docs/validation.md 18.) */
Test(freeway, ring_jam_fronts_move_at_the_congested_slope)
{
    const char *sets[RING_N + 1];
    for (int i = 0; i < RING_N; i++) sets[i] = RING[i];
    sets[RING_N] = "initial.density=45 veh/km";
    run_field rf = record_field("scenarios/highway-4lane.yaml", sets, RING_N + 1);
    ls_est_wave_opts o = {.max_separation = 10, .max_lag = 30, .min_sd_kmh = 8, .min_corr = 0.5};
    ls_est_wave w = lanes_wave(&rf, &o, 0, rf.lanes);
    double q40 = ring_flow("initial.density=40 veh/km");
    double q50 = ring_flow("initial.density=50 veh/km");
    double chord = (q50 - q40) / 10;
    cr_log_info("ring 45 veh/km: %.2f km/h; chord 40-50 veh/km: %.2f km/h (%.1f, %.1f veh/h)",
                w.speed_kmh, chord, q40, q50);
    cr_expect(chord < 0, "congested branch must fall: %.2f", chord);
    cr_expect(fabs(w.speed_kmh - chord) < 0.05 * fabs(chord), "fronts %.2f km/h, chord %.2f",
              w.speed_kmh, chord);
    free(rf.speed);
}
