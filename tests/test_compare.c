/* test_compare.c: probe vehicles and `lanesim compare`: strategies do what they say, the pairing
 * and the interval are honest (A/A calibration, a known answer, a hand computation), and the
 * output does not depend on the number of threads. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "lanesim/lanesim.h"
#include "support.h"

/* Two lanes, the right one closed for its last 400 m: a known answer. */
static const char CLOSED[] =
    "name: closed\n"
    "road: {length: 3000, lanes: 2}\n"
    "vehicles: [{type: car, length: 7.5, max_speed: 75 mph}]\n"
    "demand: {mainline: {flow: 1800}}\n"
    "lane_change: {enabled: true}\n"
    "blockages: [{lanes: [2], from: 2600, to: 3000}]\n"
    "strategies:\n"
    "  - {name: stay, enter_lane: 2, policy: keep}\n"
    "  - {name: leave-early, enter_lane: 2, then: {after: 0, move_to: 1}}\n"
    "probes: {every: 30}\n"
    "simulation: {duration: 1800, warmup: 300, seed: 7}\n";

/* A plain road where two identical strategies meet the same traffic: A/A. */
static const char PLAIN[] = "name: plain\n"
                            "road: {length: 2000, lanes: 2}\n"
                            "vehicles: [{type: car, length: 7.5, max_speed: 75 mph}]\n"
                            "demand: {mainline: {flow: 2600}}\n"
                            "lane_change: {enabled: true}\n"
                            "strategies:\n"
                            "  - {name: a, enter_lane: 1, policy: normal}\n"
                            "  - {name: b, enter_lane: 1, policy: normal}\n"
                            "probes: {every: 20}\n"
                            "simulation: {duration: 900, warmup: 120}\n";

static void compare(const ls_scenario *s, int runs, int jobs, cmp_run *out, cmp_stats *st, int n)
{
    int idx[LS_MAX_STRATEGIES];
    for (int k = 0; k < n; k++) idx[k] = k;
    cr_assert_eq(cmp_run_all(s, idx, n, runs, jobs, 1, out), 0);
    for (int k = 0; k < n; k++) cr_assert_eq(cmp_strategy_stats(out, runs, n, k, &st[k]), 0);
}

Test(compare, known_answer_leaving_a_closed_lane_early_wins)
{
    ls_scenario s;
    ls_test_scenario(CLOSED, NULL, 0, &s);
    cmp_run runs[5];
    cmp_stats st[2];
    compare(&s, 5, 2, runs, st, 2);
    cr_expect_gt(st[1].pairs, 20);
    cr_expect_lt(st[1].diff_hi_s, 0, "interval [%g, %g] s not entirely below zero", st[1].diff_lo_s,
                 st[1].diff_hi_s);
    cmp_runs_free(runs, 5);
}

/* Two identical strategies over 40 seeds: their 95 % interval covers zero in at least 90 % of
 * them (a pairing that leaks, or an interval that treats a morning's probes as independent,
 * would be too narrow and fail this). */
Test(compare, aa_calibration_covers_zero, .timeout = 600)
{
    int covered = 0, seeds = 40;
    for (int seed = 1; seed <= seeds; seed++) {
        ls_scenario s;
        char set[32];
        snprintf(set, sizeof set, "simulation.seed=%d", seed);
        const char *sets[] = {set};
        ls_test_scenario(PLAIN, sets, 1, &s);
        cmp_run runs[5];
        cmp_stats st[2];
        compare(&s, 5, 2, runs, st, 2);
        cr_assert_gt(st[1].pairs, 100);
        covered += st[1].diff_lo_s <= 0 && st[1].diff_hi_s >= 0;
        cmp_runs_free(runs, 5);
    }
    cr_expect_geq(covered, 36, "covered zero in %d of %d seeds", covered, seeds);
}

/* The interval against a hand computation: five mornings whose mean differences are 10, 20,
 * 30, 40, 50 s: mean 30, s = 15.8114, t(0.975, 4) = 2.776445 (tables), half-width 19.6324. */
Test(compare, interval_matches_hand_computation)
{
    cmp_run runs[5];
    ls_probe_result p[5][4];
    memset(p, 0, sizeof p);
    for (int r = 0; r < 5; r++) {
        for (int d = 0; d < 2; d++) {
            ls_probe_result *base = &p[r][2 * d], *other = &p[r][2 * d + 1];
            base->status = other->status = LS_PROBE_FINISHED;
            base->strategy = 0, other->strategy = 1;
            base->travel_time_s = 600 + 100 * d;
            /* departure differences 10 (r + 1) -+ 5: their mean is 10 (r + 1) */
            other->travel_time_s = base->travel_time_s + 10.0 * (r + 1) + (d ? 5 : -5);
        }
        runs[r] = (cmp_run){.seed = (uint64_t)r, .probes = p[r], .count = 4};
    }
    cmp_stats st;
    cr_assert_eq(cmp_strategy_stats(runs, 5, 2, 1, &st), 0);
    cr_expect_float_eq(st.diff_mean_s, 30.0, 1e-9);
    cr_expect_float_eq(st.diff_lo_s, 30.0 - 19.6324, 1e-3);
    cr_expect_float_eq(st.diff_hi_s, 30.0 + 19.6324, 1e-3);
    cr_expect_eq(st.pairs, 10);
    cr_expect_eq(st.trips, 10);
    /* The ten times: 605 .. 645 and 715 .. 755 s by tens. */
    cr_expect_float_eq(st.median_s, 0.5 * (645.0 + 715.0), 1e-9, "median %g", st.median_s);
    char v[320];
    cmp_verdict("b", "a", &st, v, sizeof v);
    cr_expect(strstr(v, "b is slower than a by 30.0 s") != NULL, "%s", v);
}

/* A world of the scenario `yaml` with probes of its first n strategies. */
static ls_world *probe_world(const char *yaml, int n)
{
    ls_scenario s;
    ls_test_scenario(yaml, NULL, 0, &s);
    ls_world *w = ls_test_world(&s);
    int idx[LS_MAX_STRATEGIES];
    for (int k = 0; k < n; k++) idx[k] = k;
    cr_assert_eq(ls_world_enable_probes(w, idx, n), LS_OK);
    return w;
}

/* Where each probe of `strategy` first drove in lane `want` at or past `mark` (m), by id. */
typedef struct reach_map {
    uint64_t id[512];
    double at[512];
    int n;
} reach_map;

static void track(const ls_world *w, int strategy, double mark, int want, reach_map *m)
{
    ls_world_info info = ls_world_get_info(w);
    ls_lane_state ls = ls_world_lane(w, want);
    for (int i = 0; i < ls.count; i++) {
        double x = (ls.front[i] + 1) * info.cell_length_m;
        if (x < mark || ls_world_vehicle_strategy(w, ls.handle[i]) != strategy) continue;
        ls_vehicle_info v;
        if (ls_world_vehicle(w, ls.handle[i], &v) != LS_OK) continue;
        int k = 0;
        while (k < m->n && m->id[k] != v.id) k++;
        if (k == m->n && m->n < 512) m->id[m->n] = v.id, m->at[m->n++] = x;
    }
}

/* keep never changes lane unless forced; a move_to probe reaches its lane soon after `after`
 * in free flow: within 600 m (20 s at the speed limit) for two changes, each of which may first
 * have to drop behind a car driving alongside at the same speed. */
Test(compare, strategies_do_what_they_say)
{
    const char yaml[] = "name: free\n"
                        "road: {length: 4000, lanes: 3}\n"
                        "vehicles: [{type: car, length: 7.5, max_speed: 75 mph}]\n"
                        "demand: {mainline: {flow: 1500}}\n"
                        "lane_change: {enabled: true}\n"
                        "strategies:\n"
                        "  - {name: keep, enter_lane: 2, policy: keep}\n"
                        "  - {name: move, enter_lane: 3, then: {after: 2000, move_to: 1}}\n"
                        "  - {name: hop, enter_lane: 2, policy: fastest}\n"
                        "probes: {every: 30}\n"
                        "simulation: {duration: 1800}\n";
    ls_world *w = probe_world(yaml, 3);
    static reach_map m;
    size_t n = 0;
    while (!ls_world_done(w)) {
        cr_assert_eq(ls_world_step(w), LS_OK);
        track(w, 1, 2000, 0, &m);
    }
    double worst = 0;
    for (int k = 0; k < m.n; k++) worst = fmax(worst, m.at[k] - 2000);
    cr_expect_gt(m.n, 40);
    const ls_probe_result *res = ls_world_probe_results(w, &n);
    int finished[3] = {0}, changes[3] = {0};
    for (size_t i = 0; i < n; i++) {
        if (res[i].status != LS_PROBE_FINISHED) continue;
        finished[res[i].strategy]++;
        changes[res[i].strategy] += res[i].lane_changes;
        if (res[i].strategy == 1) cr_expect_geq(res[i].lane_changes, 2);
    }
    cr_expect_gt(finished[0], 40);
    cr_expect_eq(changes[0], 0, "keep probes changed lane %d times", changes[0]);
    cr_expect_gt(changes[2], 0, "the lane hopper never changed lane");
    cr_expect_lt(worst, 600.0, "a move probe first reached lane 1 %g m past `after`", worst);
    ls_world_destroy(w);
}

/* Deterministic free flow (newell: p = 0, a few vehicles): the exit_reenter trip takes exactly
 * the connector delay more than with no delay, plus a signal wait in [0, cycle - green]. */
Test(compare, exit_reenter_includes_delay_and_signal)
{
    const char yaml[] = "name: reenter\n"
                        "model: {rule: newell}\n"
                        "road: {length: 5000, lanes: 2}\n"
                        "vehicles: [{type: car, length: 7.5, max_speed: 75 mph}]\n"
                        "demand: {mainline: {flow: 60}}\n"
                        "lane_change: {enabled: true}\n"
                        "ramps:\n"
                        "  - {name: off, kind: off, at: 1500, share: 0}\n"
                        "  - {name: on, kind: on, at: 1600, length: 300, approach: 100}\n"
                        "strategies:\n"
                        "  - {name: none, enter_lane: 2,\n"
                        "     exit_reenter: {exit: 'off', enter: 'on', delay: 0}}\n"
                        "  - {name: late, enter_lane: 2,\n"
                        "     exit_reenter: {exit: 'off', enter: 'on', delay: 100}}\n"
                        "  - {name: signal, enter_lane: 2,\n"
                        "     exit_reenter: {exit: 'off', enter: 'on', delay: 100,\n"
                        "                    signal: {cycle: 90, green: 20}}}\n"
                        "probes: {every: 37, to: 1200}\n"
                        "simulation: {duration: 1800}\n";
    ls_world *w = probe_world(yaml, 3);
    while (!ls_world_done(w)) cr_assert_eq(ls_world_step(w), LS_OK);
    size_t n = 0;
    const ls_probe_result *r = ls_world_probe_results(w, &n);
    int checked = 0, waited = 0;
    for (size_t i = 0; i + 2 < n; i += 3) {
        cr_assert_eq(r[i].status, LS_PROBE_FINISHED);
        cr_assert_eq(r[i + 1].status, LS_PROBE_FINISHED);
        cr_assert_eq(r[i + 2].status, LS_PROBE_FINISHED);
        /* Probes of a departure queue one behind the other: allow the entry's few seconds. */
        double delay = r[i + 1].travel_time_s - r[i].travel_time_s;
        double wait = r[i + 2].travel_time_s - r[i + 1].travel_time_s;
        cr_expect(fabs(delay - 100) <= 3, "departure %d: delay %g s", r[i].departure, delay);
        cr_expect(wait >= -3 && wait <= 70 + 3, "departure %d: signal wait %g s", r[i].departure,
                  wait);
        waited += wait > 5;
        checked++;
    }
    cr_expect_gt(checked, 20);
    cr_expect_gt(waited, 5, "the signal never made a probe wait");
    ls_world_destroy(w);
}

static char *run_compare(const char *args)
{
    char cmd[1024], *out = NULL, *err = NULL;
    snprintf(cmd, sizeof cmd, "%s compare %s %s --quiet", ls_test_cli(),
             ls_test_src("tests/data/good/strategies.yaml"), args);
    int rc = ls_test_run(cmd, &out, &err);
    cr_assert_eq(rc, 0, "%s: %s", cmd, err);
    free(err);
    return out;
}

Test(compare, same_output_for_any_jobs)
{
    char *a = run_compare("--runs 3 --jobs 1 --format json");
    char *b = run_compare("--runs 3 --jobs 2 --format json");
    char *c = run_compare("--runs 3 --jobs 2 --format json");
    cr_expect_str_eq(a, b);
    cr_expect_str_eq(b, c);
    free(a);
    free(b);
    free(c);
}

Test(compare, bad_input_exit_2_with_position)
{
    char cmd[1024], *out = NULL, *err = NULL;
    snprintf(cmd, sizeof cmd, "%s compare %s --strategies stay-left,nope --quiet", ls_test_cli(),
             ls_test_src("tests/data/good/strategies.yaml"));
    cr_expect_eq(ls_test_run(cmd, &out, &err), 2);
    cr_expect(strstr(err, "--strategies") && strstr(err, "\"nope\""), "%s", err);
    free(out);
    free(err);
    const char bad[] = "name: bad\n"
                       "road: {length: 3000, lanes: 2}\n"
                       "ramps: [{name: x, kind: off, at: 1000, share: 0.1}]\n"
                       "strategies:\n"
                       "  - {name: a, enter_lane: 3}\n"
                       "  - {name: b, enter_ramp: x}\n"
                       "  - {name: c, enter_lane: 1, then: {after: 4000, move_to: 2}}\n"
                       "probes: {from: 5000}\n"
                       "simulation: {duration: 3600}\n";
    const char *want[] = {
        "bad.yaml:5:27: strategies[0].enter_lane: expected a lane from 1 to 2",
        "bad.yaml:6:27: strategies[1].enter_ramp: expected the name of an on-ramp",
        "bad.yaml:7:44: strategies[2].then.after: expected a position below 3000",
        "bad.yaml:8:16: probes.from: expected -1"};
    ls_test_expect_problems("bad.yaml", bad, want, 4);
}

/* Traffic I: with N statistically equal lanes, a driver's lane is the fastest over a trip in
 * about 1/N of the trips. Three equal lanes (equal split, symmetric lane changes), probes
 * keeping each lane: the share over the three is 1/3 within a sampling tolerance (about 300
 * trips: standard error 0.027; +-0.1 allows for the edge lanes differing from the middle). */
Test(compare, equal_lanes_fastest_about_one_in_n)
{
    const char yaml[] = "name: equal\n"
                        "road: {length: 3000, lanes: 3}\n"
                        "vehicles: [{type: car, length: 7.5, max_speed: 75 mph}]\n"
                        "demand: {mainline: {flow: 5200}}\n"
                        "lane_change: {enabled: true}\n"
                        "strategies:\n"
                        "  - {name: one, enter_lane: 1}\n"
                        "  - {name: two, enter_lane: 2}\n"
                        "  - {name: three, enter_lane: 3}\n"
                        "probes: {every: 20}\n"
                        "simulation: {duration: 1500, warmup: 300}\n";
    ls_scenario s;
    ls_test_scenario(yaml, NULL, 0, &s);
    cmp_run runs[2];
    cmp_stats st[3];
    compare(&s, 2, 2, runs, st, 3);
    double fastest = 0, trips = 0;
    for (int k = 0; k < 3; k++) {
        fastest += st[k].share_trips_fastest * (double)st[k].trips;
        trips += (double)st[k].trips;
    }
    cr_expect_gt(trips, 250);
    cr_expect(fabs(fastest / trips - 1.0 / 3) < 0.1, "share %g of %g trips", fastest / trips,
              trips);
    cmp_runs_free(runs, 2);
}

/* enter_ramp: the probe joins by the on-ramp and must merge (at least one lane change); exit:
 * its trip ends at the off-ramp, so it is shorter than the trip to the road's end, by about the
 * rest of the road at free-flow speed (light traffic). */
Test(compare, enter_ramp_and_exit)
{
    const char yaml[] = "name: ramps\n"
                        "road: {length: 4000, lanes: 2}\n"
                        "vehicles: [{type: car, length: 7.5, max_speed: 75 mph}]\n"
                        "demand: {mainline: {flow: 600}}\n"
                        "lane_change: {enabled: true}\n"
                        "ramps:\n"
                        "  - {name: in, kind: on, at: 1000, length: 250, flow: 100}\n"
                        "  - {name: out, kind: off, at: 2500, share: 0.05}\n"
                        "strategies:\n"
                        "  - {name: to-end, enter_ramp: in}\n"
                        "  - {name: to-exit, enter_ramp: in, exit: out}\n"
                        "probes: {every: 40}\n"
                        "simulation: {duration: 1500}\n";
    ls_world *w = probe_world(yaml, 2);
    while (!ls_world_done(w)) cr_assert_eq(ls_world_step(w), LS_OK);
    size_t n = 0;
    const ls_probe_result *r = ls_world_probe_results(w, &n);
    double sum[2] = {0, 0};
    int done[2] = {0, 0};
    for (size_t i = 0; i < n; i++) {
        if (r[i].status != LS_PROBE_FINISHED) continue;
        cr_expect_geq(r[i].lane_changes, 1, "probe %zu never merged", i);
        sum[r[i].strategy] += r[i].travel_time_s;
        done[r[i].strategy]++;
    }
    cr_assert_gt(done[0], 20);
    cr_assert_gt(done[1], 20);
    /* The last 1500 m at the speed limit (65 mph = 29.06 m/s) take about 52 s. */
    double saved = sum[0] / done[0] - sum[1] / done[1];
    cr_expect(saved > 40 && saved < 75, "the exit saves %g s", saved);
    ls_world_destroy(w);
}
