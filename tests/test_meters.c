/* test_meters.c: on-ramp queues and ramp meters: a fixed meter releases at its rate, ALINEA
 * holds its occupancy, the queue override, conservation with spillback, the wait statistics
 * against the trips, and bad input. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lanesim/lanesim.h"
#include "support.h"

/* Two lanes at 1200 veh/h and an on-ramp asking for 1500 veh/h: more than a meter at a few
 * hundred lets go, so its queue never empties; storage large enough that it never overflows
 * unless a test says so. */
static const char ROAD[] = "name: meter-test\n"
                           "road: {length: 4000, lanes: 2}\n"
                           "vehicles: [{type: car, length: 7.5, max_speed: 75 mph, accel: 2.6}]\n"
                           "demand: {mainline: {flow: 1200}}\n"
                           "lane_change: {enabled: true}\n"
                           "ramps:\n"
                           "  - {name: in, kind: on, at: 1500, length: 250, approach: 200,\n"
                           "     flow: 1500, storage: 100000}\n"
                           "detectors:\n"
                           "  - {name: down, at: 2200, period: 60}\n"
                           "simulation: {duration: 3600, warmup: 600}\n";

static ls_world *run(const char *yaml, const char *const *sets, int n_sets)
{
    ls_scenario s;
    ls_test_scenario(yaml, sets, n_sets, &s);
    ls_world *w = ls_test_world(&s);
    ls_test_run_checked(w, 50);
    return w;
}

static ls_meter_stats stats(const ls_world *w)
{
    ls_meter_stats m;
    cr_assert_eq(ls_world_meter_stats(w, 0, &m), LS_OK);
    return m;
}

/* One vehicle per green at 300 veh/h: 250 vehicles in the 3000 measured seconds; the entry
 * may hold a release back by a step now and then, so within 2 %. */
Test(meters, fixed_meter_releases_at_its_rate)
{
    const char *sets[] = {"ramps[0].meter={kind: fixed, rate: 300}"};
    ls_world *w = run(ROAD, sets, 1);
    ls_meter_stats m = stats(w);
    cr_expect(m.metered);
    cr_expect(fabs(m.mean_rate_vph - 300) < 6, "released %g veh/h", m.mean_rate_vph);
    cr_expect_gt(m.mean_queue, 100, "the queue emptied: the test needs one");
    ls_world_destroy(w);
}

/* A schedule: 150 veh/h, then 300 veh/h from 2100 s (a step, as two points close together);
 * both below what this merge takes from a standing start (about 450 veh/h: docs/validation.md
 * 19). */
Test(meters, fixed_meter_follows_its_schedule)
{
    const char *sets[] = {"ramps[0].meter={kind: fixed, rate: [{t: 0, rate: 150}, {t: 2099, "
                          "rate: 150}, {t: 2100, rate: 300}]}"};
    ls_world *w = run(ROAD, sets, 1);
    /* 1500 s at 150 veh/h and 1500 s at 300: 62.5 + 125 = 187.5 vehicles. */
    ls_meter_stats m = stats(w);
    cr_expect(fabs((double)m.released - 187.5) < 4, "released %llu",
              (unsigned long long)m.released);
    ls_world_destroy(w);
}

/* ALINEA (gain 70 veh/h per %, period 60 s) holds the downstream occupancy near its target:
 * over the second half of the run the mean is within 0.01 of 0.06, every rate is within
 * [min_rate, max_rate], and the meter is active (rates strictly inside the bounds). */
Test(meters, alinea_holds_its_target)
{
    const char *sets[] = {"ramps[0].meter={kind: alinea, detector: down, target_occupancy: 0.06}"};
    ls_world *w = run(ROAD, sets, 1);
    size_t n = 0;
    const ls_meter_record *r = ls_world_meter_records(w, &n);
    cr_assert_eq(n, 60, "one record a minute");
    double occ = 0;
    int inside = 0;
    for (size_t i = 0; i < n; i++) {
        cr_expect(r[i].rate_vph >= 240 && r[i].rate_vph <= 1800, "rate %g", r[i].rate_vph);
        inside += r[i].rate_vph > 240 && r[i].rate_vph < 1800;
        if (i >= n / 2) occ += r[i].occupancy / (double)(n - n / 2);
    }
    cr_expect(fabs(occ - 0.06) < 0.01, "mean occupancy %g", occ);
    cr_expect_gt(inside, 20);
    ls_world_destroy(w);
}

/* The queue override: with room for only 10 vehicles on the ramp, a 100 veh/h meter releases
 * far more than 100 veh/h (at max_rate, 1800, whenever the queue fills the ramp), and every
 * arrival after the first ten of the queue spilled back onto the street; nothing is lost
 * (ls_test_run_checked checks arrived = entered + waiting after every 50 steps). */
Test(meters, queue_override_and_spillback)
{
    const char *sets[] = {"ramps[0].meter={kind: fixed, rate: 100}", "ramps[0].storage=10"};
    ls_world *w = run(ROAD, sets, 2);
    ls_meter_stats m = stats(w);
    cr_expect_gt(m.mean_rate_vph, 300, "released %g veh/h", m.mean_rate_vph);
    cr_expect_gt(m.spillback, 500);
    cr_expect_gt(m.mean_street_wait_s, 0);
    cr_expect_lt(m.mean_street_wait_s, m.mean_wait_s);
    ls_world_destroy(w);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The waits against the trips: when every vehicle finishes (the ramp's demand stops at 1800 s),
 * the vehicles released after the warm-up are the ramp's trips that entered after it, and each
 * waited entry - arrival. Their mean and 95th percentile (nearest rank), computed here from the
 * trips, are the meter's. */
Test(meters, waits_match_the_trips)
{
    const char *sets[] = {"ramps[0].meter={kind: fixed, rate: 600}",
                          "ramps[0].flow=[{t: 0, flow: 900}, {t: 1799, flow: 900}, "
                          "{t: 1800, flow: 0}]"};
    ls_world *w = run(ROAD, sets, 2);
    ls_meter_stats m = stats(w);
    size_t n = 0, k = 0;
    const ls_trip *t = ls_world_trips(w, &n);
    double *waits = malloc(n * sizeof *waits), sum = 0;
    for (size_t i = 0; i < n; i++)
        if (t[i].origin == 0 && t[i].entry_s >= 601) waits[k++] = t[i].entry_s - t[i].arrival_s;
    cr_assert_gt(k, 100);
    cr_expect_eq(k, m.released, "%zu trips, %llu released", k, (unsigned long long)m.released);
    qsort(waits, k, sizeof *waits, cmp_double);
    for (size_t i = 0; i < k; i++) sum += waits[i];
    cr_expect(fabs(sum / (double)k - m.mean_wait_s) < 1e-2, "mean %g vs %g", sum / (double)k,
              m.mean_wait_s);
    double p95 = waits[(size_t)ceil(0.95 * (double)k) - 1];
    cr_expect(fabs(p95 - m.p95_wait_s) < 1e-2, "p95 %g vs %g", p95, m.p95_wait_s);
    free(waits);
    ls_world_destroy(w);
}

/* Without a meter nothing changes but the statistics: the same trips as before meters existed
 * are checked elsewhere (byte-identical outputs); here the queue is watched. */
Test(meters, unmetered_ramp_is_watched)
{
    ls_world *w = run(ROAD, NULL, 0);
    ls_meter_stats m = stats(w);
    cr_expect(!m.metered);
    cr_expect_gt(m.released, 100);
    cr_expect_geq(m.max_queue, (uint32_t)m.mean_queue);
    ls_totals tot = ls_world_totals(w);
    cr_expect_gt(tot.time_spent_veh_h, 0);
    /* Distance: at least the mainline's vehicles over the measured 3000 s, each driving the
     * whole 4 km (1200 veh/h x 0.833 h x 4 km = 4000 veh km), give or take the ones still on
     * the road at either end. */
    cr_expect_gt(tot.distance_veh_km, 3500);
    ls_world_destroy(w);
}

Test(meters, bad_input)
{
    const char yaml[] = "name: bad\n"
                        "road: {length: 4000, lanes: 2}\n"
                        "ramps:\n"
                        "  - {name: a, kind: off, at: 1000, share: 0.1, meter: {kind: fixed}}\n"
                        "  - {name: b, kind: on, at: 1500, meter: {kind: alinea, detector: x}}\n"
                        "  - {name: c, kind: on, at: 2500, meter: {kind: alinea, detector: up}}\n"
                        "  - {name: d, kind: on, at: 3000,\n"
                        "     meter: {kind: fixed, min_rate: 900, max_rate: 600}}\n"
                        "detectors: [{name: up, at: 2000}]\n"
                        "lane_change: {enabled: true}\n";
    const char *want[] = {
        "bad.yaml:4:62: ramps[0].meter.kind: expected a meter on an on-ramp only",
        "bad.yaml:5:67: ramps[1].meter.detector: expected the name of a detector, got \"x\"",
        "bad.yaml:6:67: ramps[2].meter.detector: expected a detector at or downstream of the "
        "merge (2500 m), got \"up\" at 2000 m",
        "bad.yaml:8:37: ramps[3].meter.min_rate: expected a rate up to max_rate (600 veh/h)"};
    ls_test_expect_problems("bad.yaml", yaml, want, 4);
}

/* Total time spent against the trips: with no warm-up and demand that stops early enough for
 * every vehicle to finish, each vehicle is counted from the step it arrived in to the step it
 * left (dt = 1 s): the sum over trips of exit_s - floor(arrival_s) is the total, exactly. The
 * distance: 4 km for a mainline trip, 2.7 km from the ramp's start (1500 - 200 m) for a ramp
 * trip, within 1 % (vehicles enter a few cells in). */
Test(meters, totals_match_the_trips)
{
    const char *sets[] = {"simulation.warmup=0", "ramps[0].meter={kind: fixed, rate: 600}",
                          "demand.mainline.flow=[{t: 0, flow: 1200}, {t: 1799, flow: 1200}, "
                          "{t: 1800, flow: 0}]",
                          "ramps[0].flow=[{t: 0, flow: 900}, {t: 1799, flow: 900}, "
                          "{t: 1800, flow: 0}]"};
    ls_world *w = run(ROAD, sets, 4);
    ls_counts c = ls_world_counts(w);
    cr_assert_eq(c.inside + c.waiting, 0, "not every vehicle finished");
    size_t n = 0;
    const ls_trip *t = ls_world_trips(w, &n);
    double seconds = 0, km = 0;
    for (size_t i = 0; i < n; i++) {
        seconds += t[i].exit_s - floor(t[i].arrival_s);
        km += t[i].origin == 0 ? 2.7 : 4.0;
    }
    ls_totals tot = ls_world_totals(w);
    cr_expect(fabs(tot.time_spent_veh_h * 3600 - seconds) < 1e-6, "%.3f veh s vs %.3f from trips",
              tot.time_spent_veh_h * 3600, seconds);
    cr_expect(fabs(tot.distance_veh_km - km) < 0.01 * km, "%g veh km vs %g", tot.distance_veh_km,
              km);
    ls_world_destroy(w);
}

/* `run --out` writes the meter log (a row a period) and the summary's metering numbers. */
Test(meters, run_writes_the_meter_log)
{
    char cmd[1024], *out = NULL, *err = NULL;
    const char *dir = LS_BINARY_DIR "/meters-out";
    snprintf(cmd, sizeof cmd,
             "rm -rf %s && %s run %s --duration 1200 --set 'ramps[0].meter={kind: alinea, "
             "detector: downstream, target_occupancy: 0.1}' --out %s --format json",
             dir, ls_test_cli(), ls_test_src("scenarios/onramp.yaml"), dir);
    cr_assert_eq(ls_test_run(cmd, &out, &err), 0, "%s", err);
    cr_expect(strstr(out, "\"total_time_spent_veh_h\"") && strstr(out, "\"p95_wait_s\""));
    char path[512];
    snprintf(path, sizeof path, "%s/meters.csv", dir);
    char *csv = ls_test_read(path, NULL);
    cr_assert(csv);
    cr_expect(strncmp(csv, "time_s,ramp,rate_vph,released_vph,occupancy,queue\n", 50) == 0);
    int rows = 0;
    for (char *p = csv; (p = strchr(p, '\n')) != NULL; p++) rows++;
    cr_expect_eq(rows, 1 + 20, "a header and one row a minute for 20 minutes");
    free(csv);
    free(out);
    free(err);
}
