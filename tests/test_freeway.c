/* test_freeway.c: the estimators of analysis/estimate.c on synthetic data with known answers,
 * and the default freeway calibration against published freeway numbers where it meets them
 * (docs/validation.md, section 18). */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

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

/* ---- capacity drop ---- */

/* Detector series of a bottleneck that breaks down: one-minute counts downstream whose rate
 * rises from 4000 veh/h to the capacity q_max by period 30, holds it until the queue forms at
 * period `onset`, then discharges at (1 - drop) q_max; the upstream loop runs at 95 km/h until
 * the onset and at 25 km/h after it, until period `end`, when the queue has gone (then 95 km/h
 * and the flow falls back to 4000 veh/h). Counts are Poisson when `noise`, else exact. */
static void drop_series(double q_max, double drop, int onset, int end, int n, bool noise,
                        unsigned long seed, double *flow, double *speed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    for (int k = 0; k < n; k++) {
        double q = k < 30 ? 4000 + (q_max - 4000) * k / 30.0 : q_max;
        if (k >= onset && k < end) q = (1 - drop) * q_max;
        if (k >= end) q = 4000;
        flow[k] = noise ? 60.0 * gsl_ran_poisson(r, q / 60.0) : q;
        speed[k] = k >= onset && k < end ? 25 + (noise ? gsl_ran_gaussian(r, 5) : 0) : 95;
    }
    gsl_rng_free(r);
}

static const ls_est_drop_opts DROP_OPTS = {
    .queued_kmh = 60, .onset_periods = 3, .window = 10, .skip = 5};

/* Exact series: the pre-queue flow is q_max (the plateau is longer than the window), the
 * discharge (1 - drop) q_max, the drop exact; the queue's end is found. */
Test(freeway, capacity_drop_exact)
{
    double flow[150], speed[150];
    drop_series(6000, 0.10, 50, 120, 150, false, 0, flow, speed);
    ls_est_drop d;
    cr_assert_eq(ls_est_capacity_drop(flow, speed, 150, &DROP_OPTS, &d), 0);
    cr_expect_eq(d.onset, 50);
    cr_expect(fabs(d.prequeue_vph - 6000) < 1e-9, "pre-queue %.3f", d.prequeue_vph);
    cr_expect(fabs(d.discharge_vph - 5400) < 1e-9, "discharge %.3f", d.discharge_vph);
    cr_expect_eq(d.discharge_periods, 120 - 55, "periods %d", d.discharge_periods);
    cr_expect(fabs(d.drop - 0.10) < 1e-12, "drop %.6f", d.drop);
}

/* Poisson counts (one-minute counts near capacity are if anything more regular than Poisson):
 * the sd of the drop estimate is about sqrt(1/1000 + 1/6500) = 0.034 (a 10-minute pre-queue
 * mean of 1000 vehicles, a 65-minute discharge). Over 200 series with a 10 % drop the mean
 * estimate is within 0.01 of 0.10 (4 standard errors of that mean are 0.0096), and at least 90 %
 * of the single estimates lie within 0.07 (2 sd) of it; without a drop, the mean estimate is
 * within 0.01 of 0. */
Test(freeway, capacity_drop_with_poisson_counts)
{
    double flow[150], speed[150];
    double drops[] = {0.10, 0.0};
    for (int c = 0; c < 2; c++) {
        double sum = 0;
        int near = 0, runs = 200;
        for (int i = 0; i < runs; i++) {
            drop_series(6000, drops[c], 50, 120, 150, true, 100 + (unsigned long)i, flow, speed);
            ls_est_drop d;
            cr_assert_eq(ls_est_capacity_drop(flow, speed, 150, &DROP_OPTS, &d), 0);
            cr_assert_eq(d.onset, 50, "the noisy speeds must not move the onset: %d", d.onset);
            sum += d.drop;
            near += fabs(d.drop - drops[c]) < 0.07;
        }
        cr_log_info("drop %.2f: mean estimate %.4f, %d of %d within 0.07", drops[c], sum / runs,
                    near, runs);
        cr_expect(fabs(sum / runs - drops[c]) < 0.01, "mean estimate %.4f", sum / runs);
        cr_expect(near >= 0.9 * runs, "%d of %d within 0.07", near, runs);
    }
}

/* No queue, or a queue in the first `window` periods: nothing to compare, and -1. */
Test(freeway, capacity_drop_needs_a_queue)
{
    double flow[100], speed[100];
    drop_series(6000, 0.1, 200, 300, 100, false, 0, flow, speed);
    ls_est_drop d;
    cr_expect_eq(ls_est_capacity_drop(flow, speed, 100, &DROP_OPTS, &d), -1);
    cr_expect_eq(d.onset, -1);
    drop_series(6000, 0.1, 5, 90, 100, false, 0, flow, speed);
    cr_expect_eq(ls_est_capacity_drop(flow, speed, 100, &DROP_OPTS, &d), -1);
    cr_expect_eq(d.onset, 5);
}

/* ---- turn-taking ---- */

/* A strict zipper (ramp, shoulder, ramp, ...) gives one shoulder vehicle per ramp vehicle in
 * every interval; two shoulder vehicles per ramp vehicle give ratio 2 and no interval of one;
 * shoulder vehicles before the first and after the last merge are not counted. */
Test(freeway, turn_taking_patterns)
{
    double ramp[50], shoulder[100];
    for (int i = 0; i < 50; i++) ramp[i] = 10.0 * i;
    for (int i = 0; i < 50; i++) shoulder[i] = 10.0 * i + 5; /* the last is after the last merge */
    ls_est_turns t;
    cr_assert_eq(ls_est_turn_taking(ramp, 50, shoulder, 50, &t), 0);
    cr_expect_eq(t.intervals, 49);
    cr_expect_eq(t.shoulder, 49);
    cr_expect_float_eq(t.ratio, 1.0, 1e-12);
    cr_expect_float_eq(t.share_one, 1.0, 1e-12);
    for (int i = 0; i < 100; i++) shoulder[i] = -3 + 5.0 * i; /* from before the first merge */
    cr_assert_eq(ls_est_turn_taking(ramp, 50, shoulder, 100, &t), 0);
    cr_expect_eq(t.shoulder, 98, "%d", t.shoulder);
    cr_expect_float_eq(t.ratio, 2.0, 1e-12);
    cr_expect_float_eq(t.share_one, 0.0, 1e-12);
    cr_expect_float_eq(t.share_more, 1.0, 1e-12);
    cr_expect_eq(ls_est_turn_taking(ramp, 1, shoulder, 100, &t), -1);
}

/* Vehicles that are ramp vehicles at random with probability 1/3, independently: the shoulder
 * vehicles between two ramp vehicles are geometric with mean (1 - p) / p = 2, none with
 * probability p = 1/3, one with p (1 - p) = 2/9. 30,000 vehicles; tolerance 4 standard errors. */
Test(freeway, turn_taking_random_order)
{
    int n = 30000, nr = 0, ns = 0;
    double *ramp = malloc(sizeof(double) * (size_t)n),
           *shoulder = malloc(sizeof(double) * (size_t)n);
    cr_assert(ramp && shoulder);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 11);
    for (int i = 0; i < n; i++) {
        if (gsl_rng_uniform(r) < 1.0 / 3)
            ramp[nr++] = i;
        else
            shoulder[ns++] = i;
    }
    gsl_rng_free(r);
    ls_est_turns t;
    cr_assert_eq(ls_est_turn_taking(ramp, (size_t)nr, shoulder, (size_t)ns, &t), 0);
    double m = t.intervals;
    /* sd of a geometric count with p = 1/3: sqrt(1 - p) / p = 2.449 */
    cr_expect(fabs(t.ratio - 2) < 4 * 2.449 / sqrt(m), "ratio %.4f", t.ratio);
    cr_expect(fabs(t.share_zero - 1.0 / 3) < 4 * sqrt((1.0 / 3) * (2.0 / 3) / m), "zero %.4f",
              t.share_zero);
    cr_expect(fabs(t.share_one - 2.0 / 9) < 4 * sqrt((2.0 / 9) * (7.0 / 9) / m), "one %.4f",
              t.share_one);
    free(ramp);
    free(shoulder);
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

/* The lanes' wave-speed estimates pooled, each weighted by its pairs; lanes without fronts are
 * skipped, and at least one must have them. */
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
        if (ls_est_wave_speed(&f, o, &w) != 0) {
            cr_log_info("lane %d: no jam fronts", l + 1);
            continue;
        }
        cr_log_info("lane %d: %.2f km/h (se %.2f, %d pairs, corr %.2f)", l + 1, w.speed_kmh,
                    w.se_kmh, w.pairs, w.mean_corr);
        sum.speed_kmh += w.speed_kmh * w.pairs;
        sum.mean_corr += w.mean_corr * w.pairs;
        sum.pairs += w.pairs;
    }
    cr_assert_gt(sum.pairs, 0, "no lane has jam fronts");
    sum.speed_kmh /= sum.pairs;
    sum.mean_corr /= sum.pairs;
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

static const ls_est_wave_opts FRONTS = {
    .max_separation = 10, .max_lag = 30, .min_sd_kmh = 8, .min_corr = 0.5};

/* Jam fronts on the ring at 45 veh/km, the four lanes pooled. */
static ls_est_wave ring_fronts(void)
{
    const char *sets[RING_N + 1];
    for (int i = 0; i < RING_N; i++) sets[i] = RING[i];
    sets[RING_N] = "initial.density=45 veh/km";
    run_field rf = record_field("scenarios/highway-4lane.yaml", sets, RING_N + 1);
    ls_est_wave w = lanes_wave(&rf, &FRONTS, 0, rf.lanes);
    free(rf.speed);
    return w;
}

/* Jam fronts on the ring at 45 veh/km move upstream at the slope of the congested branch of the
 * ring's own fundamental diagram: a stationary jam takes in and lets out vehicles at the same
 * rate, so its fronts move at the chord between the jam and its outflow (kinematic waves,
 * Lighthill & Whitham 1955), which the flows at 40 and 50 veh/km give.
 * Tolerance 5 % of the chord. (The published 15-20 km/h is not met: docs/validation.md 18.) */
Test(freeway, ring_jam_fronts_move_at_the_congested_slope)
{
    ls_est_wave w = ring_fronts();
    double q40 = ring_flow("initial.density=40 veh/km");
    double q50 = ring_flow("initial.density=50 veh/km");
    double chord = (q50 - q40) / 10;
    cr_log_info("ring 45 veh/km: %.2f km/h; chord 40-50 veh/km: %.2f km/h (%.1f, %.1f veh/h)",
                w.speed_kmh, chord, q40, q50);
    cr_expect(chord < 0, "congested branch must fall: %.2f", chord);
    cr_expect(fabs(w.speed_kmh - chord) < 0.05 * fabs(chord), "fronts %.2f km/h, chord %.2f",
              w.speed_kmh, chord);
}

/* The downstream front of a wide moving jam moves at a characteristic speed, the same for every
 * jam whatever made it (Kerner & Rehborn, Phys. Rev. E 53, R1297, 1996): the fronts
 * in the queue of the on-ramp bottleneck (scenarios/onramp.yaml as it is: 5100 + 1200 veh/h,
 * segments whose mean speed is below 40 km/h, i.e. inside the queue) move upstream at the
 * ring's speed within 10 %. (Trucks, 5 % and 18 m long, make the jam a little less dense.) */
Test(freeway, onramp_jam_fronts_move_at_the_ring_speed)
{
    const char *sets[] = {"field.segment=50", "field.period=10"};
    run_field rf = record_field("scenarios/onramp.yaml", sets, 2);
    ls_est_wave_opts o = FRONTS;
    o.max_mean_kmh = 40;
    ls_est_wave w = lanes_wave(&rf, &o, 0, rf.lanes);
    free(rf.speed);
    ls_est_wave ring = ring_fronts();
    cr_log_info("on-ramp queue: %.2f km/h (%d pairs); ring: %.2f km/h", w.speed_kmh, w.pairs,
                ring.speed_kmh);
    cr_expect(w.speed_kmh < 0, "fronts must move upstream: %.2f km/h", w.speed_kmh);
    cr_expect(fabs(w.speed_kmh - ring.speed_kmh) < 0.1 * fabs(ring.speed_kmh),
              "on-ramp %.2f km/h, ring %.2f km/h", w.speed_kmh, ring.speed_kmh);
}

/* ---- the on-ramp bottleneck under a rising demand ---- */

/* One-minute series of scenarios/onramp.yaml with the mainline demand rising from 3000 veh/h
 * to 6600 veh/h over the first hour (the ramp keeps its 1200 veh/h), 90 minutes: the flow over
 * all lanes and its count-weighted mean speed 500 m downstream of the acceleration lane's end
 * (km 3.75), and the speed of the right lane, into which the ramp merges, 100 m upstream of its
 * start (km 2.9). */
#define DROP_PERIODS 90
typedef struct onramp_series {
    double down_vph[DROP_PERIODS], down_kmh[DROP_PERIODS], up_right_kmh[DROP_PERIODS];
} onramp_series;

static void onramp_record(onramp_series *o, const ls_detector_record *r, double *vsum, double *n)
{
    int k = (int)floor(r->begin_s / 60 + 0.5);
    if (k < 0 || k >= DROP_PERIODS) return;
    if (r->detector == 1) {
        o->down_vph[k] += r->flow_vph;
        vsum[k] += r->speed_kmh * r->count;
        n[k] += r->count;
    } else if (r->lane == 2)
        o->up_right_kmh[k] = r->count > 0 ? r->speed_kmh : NAN;
}

static void onramp_run(const char *rule, int seed, onramp_series *o)
{
    char sd[64];
    snprintf(sd, sizeof sd, "simulation.seed=%d", seed);
    const char *sets[] = {
        "demand.mainline.flow=[{t: 0, flow: 3000}, {t: 3600, flow: 6600}]",
        "detectors=[{name: up, at: 2900, period: 60}, {name: down, at: 3750, period: 60}]",
        "simulation.duration=5400",
        "simulation.warmup=0",
        rule,
        sd};
    ls_scenario s;
    ls_test_scenario_file("scenarios/onramp.yaml", sets, 6, &s);
    ls_world *w = ls_test_world(&s);
    double vsum[DROP_PERIODS] = {0}, n[DROP_PERIODS] = {0};
    memset(o, 0, sizeof *o);
    while (!ls_world_done(w)) {
        cr_assert_eq(ls_world_step(w), LS_OK);
        size_t count;
        const ls_detector_record *r = ls_world_detector_records(w, &count);
        for (size_t i = 0; i < count; i++) onramp_record(o, &r[i], vsum, n);
        ls_world_clear_detector_records(w);
    }
    for (int k = 0; k < DROP_PERIODS; k++) o->down_kmh[k] = n[k] > 0 ? vsum[k] / n[k] : NAN;
    ls_world_destroy(w);
}

/* The merge becomes an active bottleneck as the demand rises (Cassidy & Bertini 1999: a queue
 * upstream, free flow downstream): the right lane queues at km 2.9 within the first hour and
 * stays queued, while traffic 750 m downstream runs above 80 km/h on average over the discharge
 * and above 70 km/h in every minute of it (the queue threshold is 60 km/h). The drop itself is
 * logged, not tested: docs/validation.md 18 has the numbers. */
Test(freeway, onramp_becomes_an_active_bottleneck)
{
    const char *rules[] = {"model.rule=nasch", "model.rule=vdr"};
    for (int r = 0; r < 2; r++)
        for (int seed = 1; seed <= 3; seed++) {
            onramp_series o;
            onramp_run(rules[r], seed, &o);
            ls_est_drop d;
            int rc = ls_est_capacity_drop(o.down_vph, o.up_right_kmh, DROP_PERIODS, &DROP_OPTS, &d);
            cr_log_info("%s seed %d: onset minute %d, pre-queue %.0f (se %.0f) veh/h, discharge "
                        "%.0f (se %.0f, %d min) veh/h, drop %+.3f",
                        rules[r], seed, d.onset, d.prequeue_vph, d.prequeue_se, d.discharge_vph,
                        d.discharge_se, d.discharge_periods, d.drop);
            cr_assert_eq(rc, 0, "%s seed %d: no queue at the merge", rules[r], seed);
            cr_expect(d.onset < 60, "queue formed at minute %d", d.onset);
            cr_expect(d.discharge_periods >= DROP_PERIODS - d.onset - DROP_OPTS.skip - 5,
                      "the queue must stay: %d queued minutes", d.discharge_periods);
            double slowest = INFINITY, sum = 0;
            for (int k = d.onset + DROP_OPTS.skip; k < DROP_PERIODS; k++) {
                slowest = fmin(slowest, o.down_kmh[k]);
                sum += o.down_kmh[k];
            }
            double mean = sum / (DROP_PERIODS - d.onset - DROP_OPTS.skip);
            cr_log_info("downstream: mean %.1f km/h, slowest minute %.1f km/h", mean, slowest);
            cr_expect(mean > 80 && slowest > 70,
                      "downstream must run free: mean %.1f km/h, "
                      "slowest minute %.1f km/h",
                      mean, slowest);
        }
}

/* ---- turn-taking at the congested merge ---- */

/* Times at which vehicles cross km `at_m` in the right lane (lane index `lane`) after the
 * warm-up, split by origin: from the on-ramp or from the mainline. Also the ramp's largest
 * queue and the flow past that point (veh/h). */
typedef struct merge_order {
    double *ramp_s, *shoulder_s;
    size_t ramp_n, shoulder_n;
    double outflow_vph;
    uint64_t max_waiting;
} merge_order;

static void push_time(double **v, size_t *n, double t)
{
    if ((*n & (*n - 1)) == 0) {
        *v = realloc(*v, sizeof(double) * (*n ? 2 * *n : 1));
        cr_assert_not_null(*v);
    }
    (*v)[(*n)++] = t;
}

static merge_order merge_run(const char *const *sets, int nsets, int lane, double at_m)
{
    ls_scenario s;
    ls_test_scenario_file("scenarios/onramp.yaml", sets, nsets, &s);
    ls_world *w = ls_test_world(&s);
    ls_world_info in = ls_world_get_info(w);
    merge_order m = {0};
    double t0 = -1;
    while (!ls_world_done(w)) {
        cr_assert_eq(ls_world_step(w), LS_OK);
        if (ls_world_step_index(w) <= in.warmup_steps) continue;
        if (t0 < 0) t0 = ls_world_time(w) - in.dt_s;
        ls_lane_state ln = ls_world_lane(w, lane);
        for (int i = 0; i < ln.count; i++) {
            if (ln.handle[i] & (LS_HANDLE_GHOST | LS_HANDLE_OBSTACLE)) continue;
            ls_vehicle_info v;
            cr_assert_eq(ls_world_vehicle(w, ln.handle[i], &v), LS_OK);
            if (v.front_m < at_m || v.front_m - v.speed_mps * in.dt_s >= at_m) continue;
            if (v.origin >= 0)
                push_time(&m.ramp_s, &m.ramp_n, ls_world_time(w));
            else
                push_time(&m.shoulder_s, &m.shoulder_n, ls_world_time(w));
        }
    }
    m.max_waiting = ls_world_ramp_stats(w, 0).max_waiting;
    m.outflow_vph = (m.ramp_n + m.shoulder_n) / (ls_world_time(w) - t0) * 3600;
    ls_world_destroy(w);
    return m;
}

/* Turn-taking where ramp and shoulder lane are both queued (scenarios/onramp.yaml: the ramp's
 * queue grows to hundreds, the right lane runs at about 15 km/h upstream of the merge): the
 * order in which ramp and mainline vehicles pass km 3.3 in the right lane, 50 m after the
 * acceleration lane ends, over the hour after the warm-up. Cassidy & Ahn (2005) observed a
 * nearly fixed ratio, independent of the merge's outflow; the ratios are logged for the doc
 * (docs/validation.md 18), and the test checks only that the conditions of the comparison hold:
 * the ramp queued throughout and both streams passing the merge. Variants: as it is; lanes 1
 * and 2 closed at km 4 (a downstream restriction that lowers the outflow); a ramp demand of
 * 2000 veh/h; the vdr rule. */
Test(freeway, onramp_turn_taking)
{
    const char *variants[][1] = {
        {"simulation.seed=7"},
        {"blockages=[{lanes: [1, 2], from: 4000, to: 4100}]"},
        {"ramps[0].flow=2000"},
        {"model.rule=vdr"},
    };
    for (int v = 0; v < 4; v++) {
        merge_order m = merge_run(variants[v], 1, 2, 3300);
        ls_est_turns t;
        cr_assert_eq(ls_est_turn_taking(m.ramp_s, m.ramp_n, m.shoulder_s, m.shoulder_n, &t), 0);
        cr_log_info("%s: right-lane outflow %.0f veh/h; %zu ramp, %zu mainline; %.2f mainline "
                    "per ramp vehicle; intervals with 1: %.2f, 0: %.2f, 2 or more: %.2f; ramp "
                    "queue up to %llu",
                    variants[v][0], m.outflow_vph, m.ramp_n, m.shoulder_n, t.ratio, t.share_one,
                    t.share_zero, t.share_more, (unsigned long long)m.max_waiting);
        cr_expect(m.max_waiting > 100, "the ramp must queue: %llu",
                  (unsigned long long)m.max_waiting);
        cr_expect(m.ramp_n > 100 && m.shoulder_n > 100, "both streams pass: %zu, %zu", m.ramp_n,
                  m.shoulder_n);
        free(m.ramp_s);
        free(m.shoulder_s);
    }
}
