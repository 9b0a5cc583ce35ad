/* test_reliability.c: fuzz findings replayed, allocation failures injected, absurd sizes. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "lanesim/lanesim.h"
#include "support.h"

/* ---- the fuzzers' findings and seeds, replayed through the same checks ---- */

typedef int fuzz_fn(const uint8_t *, size_t, char *, size_t);

/* Runs every file of `dir` (relative to the source tree) whose name starts with `prefix`
 * through `fn`; returns how many there were. */
static int replay(const char *dir, const char *prefix, fuzz_fn *fn)
{
    DIR *d = opendir(ls_test_src(dir));
    cr_assert_not_null(d, "cannot open %s", dir);
    struct dirent *e;
    int count = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || strncmp(e->d_name, prefix, strlen(prefix)) != 0) continue;
        char path[512], why[1024] = "";
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t len = 0;
        char *data = ls_test_read(ls_test_src(path), &len);
        cr_assert_not_null(data, "cannot read %s", path);
        cr_expect_eq(fn((const uint8_t *)data, len, why, sizeof why), 0, "%s: %s", path, why);
        free(data);
        count++;
    }
    closedir(d);
    return count;
}

Test(fuzz, regressions_replay)
{
    ls_fuzz_set_init(ls_test_src("tests/data/good"));
    const char *dir = "tests/data/fuzz-regressions";
    int n = replay(dir, "loader-", ls_fuzz_loader) + replay(dir, "set-", ls_fuzz_set) +
            replay(dir, "grid-", ls_fuzz_grid);
    cr_expect_gt(n, 0, "no regression inputs found");
}

Test(fuzz, seeds_pass_every_check)
{
    ls_fuzz_set_init(ls_test_src("tests/data/good"));
    cr_expect_gt(replay("scenarios", "", ls_fuzz_loader), 0);
    cr_expect_gt(replay("tests/data/good", "", ls_fuzz_loader), 0);
    cr_expect_gt(replay("tests/data/bad", "", ls_fuzz_loader), 0);
    cr_expect_gt(replay("tests/fuzz/seeds/set", "", ls_fuzz_set), 0);
    cr_expect_gt(replay("tests/fuzz/seeds/grid", "", ls_fuzz_grid), 0);
}

/* ---- a failing allocator ---- */

/* Counts calls, fails the fail_at-th one (and, with `after`, every later one), and keeps the
 * live and peak bytes so that leaks and large allocations show. */
typedef struct failing {
    long calls, fail_at, failed;
    bool after;
    long live_blocks;
    size_t live_bytes, peak_bytes;
} failing;

#define HEADER 16 /* keeps the caller's block aligned for any type */

static bool should_fail(failing *f)
{
    f->calls++;
    bool fail = f->fail_at && (f->calls == f->fail_at || (f->after && f->calls > f->fail_at));
    f->failed += fail;
    return fail;
}

static void *account(failing *f, char *block, size_t size)
{
    memcpy(block, &size, sizeof size);
    f->live_bytes += size;
    if (f->live_bytes > f->peak_bytes) f->peak_bytes = f->live_bytes;
    return block + HEADER;
}

static void *fa_alloc(size_t size, void *user)
{
    failing *f = user;
    char *block = should_fail(f) ? NULL : malloc(size + HEADER);
    if (!block) return NULL;
    f->live_blocks++;
    return account(f, block, size);
}

static void *fa_realloc(void *ptr, size_t size, void *user)
{
    failing *f = user;
    if (!ptr) return fa_alloc(size, user);
    if (should_fail(f)) return NULL;
    char *old = (char *)ptr - HEADER;
    size_t old_size;
    memcpy(&old_size, old, sizeof old_size);
    char *block = realloc(old, size + HEADER);
    if (!block) return NULL;
    f->live_bytes -= old_size;
    return account(f, block, size);
}

static void fa_free(void *ptr, void *user)
{
    failing *f = user;
    char *block = (char *)ptr - HEADER;
    size_t size;
    memcpy(&size, block, sizeof size);
    f->live_blocks--;
    f->live_bytes -= size;
    free(block);
}

static void install(failing *f, long fail_at, bool after)
{
    f->fail_at = fail_at;
    f->after = after;
    ls_set_allocator(fa_alloc, fa_realloc, fa_free, f);
}

static void uninstall(void)
{
    ls_set_allocator(NULL, NULL, NULL, NULL);
}

static bool says_out_of_memory(const ls_diags *d)
{
    char line[1024];
    for (int i = 0; i < d->count; i++) {
        ls_diag_format(&d->items[i], line, sizeof line);
        if (strstr(line, "out of memory")) return true;
    }
    return false;
}

/* ---- loading ---- */

static const char *const LOAD_SETS[] = {
    "detectors=[{name: a, at: 100}, {name: b, at: 200, lanes: [1]}]",
    "demand.mainline.lane_split=[0.25,0.25,0.25,0.25]",
    /* a literal longer than units.c's stack buffer: converting it allocates */
    "road.length=000000000000000000000000000000000000000000000000000000000000000000005000",
    "vehicles[1].share=0.1"};

/* One load with the N-th allocation failing; false once no failure was injected. */
static bool load_failing(const char *path, const char *text, size_t len, long n, bool after)
{
    failing f = {0};
    ls_scenario s;
    ls_diags d;
    ls_diags_clear(&d);
    install(&f, n, after);
    ls_status st = ls_scenario_load(path, text, len, LOAD_SETS, 4, &s, &d);
    uninstall();
    cr_assert_eq(f.live_blocks, 0, "allocation %ld failed: %ld blocks leaked", n, f.live_blocks);
    if (!f.failed) {
        cr_assert_eq(st, LS_OK, "the scenario does not load: %s", ls_status_name(st));
        return false;
    }
    cr_assert_eq(st, LS_ERR_NOMEM, "allocation %ld failed, the load returned %s", n,
                 ls_status_name(st));
    cr_assert(says_out_of_memory(&d), "allocation %ld failed without saying so", n);
    return true;
}

static long load_all_failures(const char *path, const char *text, size_t len, bool after)
{
    long n = 1;
    while (load_failing(path, text, len, n, after)) n++;
    return n - 1;
}

Test(nomem, scenario_load_from_text)
{
    size_t len = 0;
    char *text = ls_test_read(ls_test_src("tests/data/good/every-key.yaml"), &len);
    cr_assert_not_null(text);
    long once = load_all_failures("every-key.yaml", text, len, false);
    long after = load_all_failures("every-key.yaml", text, len, true);
    cr_expect_gt(once, 20, "only %ld allocations were tried", once);
    cr_expect_eq(once, after);
    free(text);
}

Test(nomem, scenario_load_from_file)
{
    long n = load_all_failures(ls_test_src("tests/data/good/every-key.yaml"), NULL, 0, false);
    cr_expect_gt(n, 20, "only %ld allocations were tried", n);
}

/* ---- worlds ---- */

/* An open road whose demand exceeds the entry (queues grow), with detectors in short periods
 * and trips: every growing array of the engine grows during the first few hundred steps. */
static const char BUSY_ROAD[] =
    "model: {cell_length: 7.5, dt: 1, p_slow: 0.2}\n"
    "road: {length: 600, lanes: 2, speed_limit: 100 km/h}\n"
    "vehicles: [{type: car, share: 0.8, length: 7.5},"
    " {type: truck, share: 0.2, length: 15, max_speed: 80 km/h, lanes: [2]}]\n"
    "initial: {density: 0.1}\n"
    "demand: {mainline: {flow: [{t: 0, flow: 9000}, {t: 200, flow: 200}]}}\n"
    "detectors: [{name: a, at: 100, period: 5}, {name: b, at: 550, period: 7, lanes: [2]}]\n"
    "simulation: {duration: 400, seed: 3}\n";

static const char RING[] = "model: {cell_length: 7.5}\n"
                           "road: {length: 750, lanes: 2, ring: true}\n"
                           "initial: {density: 0.3}\n"
                           "detectors: [{name: a, at: 0, period: 3}]\n"
                           "simulation: {duration: 300}\n";

static bool create_failing(const ls_scenario *s, long n, bool after)
{
    failing f = {0};
    ls_world *w = (ls_world *)&f; /* must be overwritten */
    ls_diags d;
    ls_diags_clear(&d);
    install(&f, n, after);
    ls_status st = ls_world_create(s, &w, &d);
    if (st == LS_OK) ls_world_destroy(w);
    uninstall();
    cr_assert_eq(f.live_blocks, 0, "allocation %ld failed: %ld blocks leaked", n, f.live_blocks);
    if (!f.failed) {
        cr_assert_eq(st, LS_OK);
        return false;
    }
    cr_assert_eq(st, LS_ERR_NOMEM, "allocation %ld failed, ls_world_create returned %s", n,
                 ls_status_name(st));
    cr_assert_null(w, "a failed ls_world_create left a world behind");
    /* The very first allocation fails silently: world_create_first_allocation_says_why. */
    if (n > 1) cr_assert(says_out_of_memory(&d), "allocation %ld failed without saying so", n);
    return true;
}

Test(nomem, world_create)
{
    const char *texts[] = {BUSY_ROAD, RING};
    for (int i = 0; i < 2; i++) {
        ls_scenario s;
        ls_test_scenario(texts[i], NULL, 0, &s);
        long n = 1;
        while (create_failing(&s, n, false)) n++;
        cr_expect_gt(n, 5, "only %ld allocations were tried", n - 1);
        for (long k = 1; create_failing(&s, k, true); k++) continue;
    }
}

/* BUG (sim/world.c, ls_world_create): when the allocation of the world itself fails it returns
 * LS_ERR_NOMEM without a diagnostic, so `lanesim run` exits 1 with no message at all. */
Test(nomem, world_create_first_allocation_says_why)
{
    ls_scenario s;
    ls_test_scenario(RING, NULL, 0, &s);
    failing f = {0};
    ls_world *w = NULL;
    ls_diags d;
    ls_diags_clear(&d);
    install(&f, 1, false);
    cr_expect_eq(ls_world_create(&s, &w, &d), LS_ERR_NOMEM);
    uninstall();
    cr_expect(says_out_of_memory(&d), "no message");
}

/* Steps with the N-th allocation after creation failing; returns the step that failed, or -1
 * when the run completed without a failure. */
static int step_failing(const ls_scenario *s, long n, bool after, int steps)
{
    failing f = {0};
    ls_world *w = NULL;
    install(&f, 0, false);
    cr_assert_eq(ls_world_create(s, &w, NULL), LS_OK);
    install(&f, f.calls + n, after);
    int failed_at = -1;
    for (int k = 0; k < steps && failed_at < 0; k++) {
        ls_status st = ls_world_step(w);
        if (st == LS_OK) continue;
        cr_assert_eq(st, LS_ERR_NOMEM, "step %d returned %s", k, ls_status_name(st));
        cr_assert_gt(f.failed, 0, "step %d failed with no allocation failing", k);
        failed_at = k;
    }
    ls_world_destroy(w);
    uninstall();
    cr_assert_eq(f.live_blocks, 0, "allocation %ld failed: %ld blocks leaked", n, f.live_blocks);
    cr_assert(failed_at >= 0 || f.failed == 0, "allocation %ld failed but every step succeeded", n);
    return failed_at;
}

Test(nomem, world_steps)
{
    const char *texts[] = {BUSY_ROAD, RING};
    for (int i = 0; i < 2; i++) {
        ls_scenario s;
        ls_test_scenario(texts[i], NULL, 0, &s);
        int tried = 0;
        for (long n = 1; step_failing(&s, n, false, 300) >= 0; n++) tried++;
        for (long n = 1; step_failing(&s, n, true, 300) >= 0; n++) continue;
        cr_expect_gt(tried, i == 0 ? 5 : 0, "only %d allocations failed during the steps", tried);
    }
}

/* After a step fails for want of memory the world refuses to go on: every further step returns
 * an error without touching it, and it can still be destroyed cleanly. (A failed step can leave
 * it between two states, e.g. a vehicle past the end whose trip could not be recorded, so it must
 * not be stepped again; docs/reliability.md.) */
Test(nomem, failed_step_stops_the_world)
{
    ls_scenario s;
    ls_test_scenario(BUSY_ROAD, NULL, 0, &s);
    long failures = 0;
    for (long n = 1;; n++) {
        failing f = {0};
        ls_world *w = NULL;
        install(&f, 0, false);
        cr_assert_eq(ls_world_create(&s, &w, NULL), LS_OK);
        install(&f, f.calls + n, false);
        ls_status st = LS_OK;
        for (int k = 0; k < 300 && st == LS_OK; k++) st = ls_world_step(w);
        install(&f, 0, false); /* nothing fails from here on */
        if (st != LS_OK) {
            failures++;
            int64_t at = ls_world_step_index(w);
            cr_expect_eq(ls_world_step(w), LS_ERR_INTERNAL, "allocation %ld: stepped again", n);
            cr_expect_eq(ls_world_step_index(w), at, "allocation %ld: the clock moved", n);
        }
        ls_world_destroy(w);
        uninstall();
        cr_assert_eq(f.live_blocks, 0, "allocation %ld failed: %ld blocks leaked", n,
                     f.live_blocks);
        if (st == LS_OK) break;
    }
    cr_expect_gt(failures, 5, "only %ld failures tried", failures);
}

/* ---- sizes the engine cannot hold are refused before anything large is allocated ---- */

static const char SMALL_ROAD[] = "road: {length: 1000, lanes: 2}\n"
                                 "vehicles: [{type: car}]\n"
                                 "simulation: {duration: 60}\n";

/* Loads SMALL_ROAD with `set`; the load or the world creation must fail with `status` and one
 * line containing `expect`, having allocated less than 1 MiB. */
static void refused(const char *set, ls_status status, const char *expect)
{
    failing f = {0};
    ls_diags d;
    ls_diags_clear(&d);
    ls_scenario s;
    install(&f, 0, false);
    ls_status st = ls_scenario_load("road.yaml", SMALL_ROAD, strlen(SMALL_ROAD), &set, 1, &s, &d);
    ls_world *w = NULL;
    if (st == LS_OK) st = ls_world_create(&s, &w, &d);
    ls_world_destroy(w);
    uninstall();
    cr_expect_eq(st, status, "--set %s: %s", set, ls_status_name(st));
    cr_expect_lt(f.peak_bytes, 1u << 20, "--set %s: %zu bytes allocated before refusing", set,
                 f.peak_bytes);
    cr_assert_eq(d.count, 1, "--set %s: %d problems", set, d.count);
    char line[1024];
    ls_diag_format(&d.items[0], line, sizeof line);
    cr_expect(strstr(line, expect) != NULL, "--set %s: got %s", set, line);
    cr_expect_lt(strlen(line), 200u, "--set %s: an unreadable message: %s", set, line);
}

Test(limits, absurd_sizes_are_refused_before_allocation)
{
    refused("road.length=1.5e9", LS_ERR_INPUT, "expected at most 200000000 cells");
    refused("road.length=1e300", LS_ERR_INPUT, "expected a length above 0 and up to");
    refused("road.lanes=10000000", LS_ERR_INPUT, "expected an integer from 1 to 16");
    refused("simulation.duration=1e12", LS_ERR_INPUT, "up to 1000000000 s");
    refused("demand.mainline.flow=1e300", LS_ERR_INPUT, "from 0 to 10000000 veh/h");
    refused("detectors=[{name: d, at: 1, period: 1e300}]", LS_ERR_INPUT, "up to 1000000000 s");
    refused("vehicles[0].max_speed=1e9", LS_ERR_INPUT, "up to 400 km/h");
}

/* 1e9 one-cell vehicles need 1e9 cells: refused by the cell limit; 2e8 cells full of one-cell
 * vehicles are refused by the vehicle limit. The loader refuses both with positions
 * (test_loader.c); the world refuses them too when given a scenario that skipped the loader. */
Test(limits, a_billion_vehicles_are_refused)
{
    const char *sets[] = {"road.lanes=1", "initial.density=1", "vehicles[0].length=1.5"};
    ls_scenario s;
    ls_test_scenario(SMALL_ROAD, sets, 3, &s);
    s.road.length_m = 1.5e9;
    ls_diags d;
    ls_diags_clear(&d);
    ls_world *w = NULL;
    cr_expect_eq(ls_world_create(&s, &w, &d), LS_ERR_LIMIT);
    s.road.length_m = 3e8;
    ls_diags_clear(&d);
    cr_expect_eq(ls_world_create(&s, &w, &d), LS_ERR_LIMIT);
    cr_expect(d.count == 1 && strstr(d.items[0].message, "expected at most 50000000"), "%s",
              d.count ? d.items[0].message : "(none)");
}

Test(limits, thousands_of_detectors_are_refused)
{
    size_t cap = 64 + 1000 * 32, n = 0;
    char *text = malloc(cap);
    cr_assert_not_null(text);
    n += (size_t)snprintf(text + n, cap - n, "road: {length: 5000}\ndetectors: [");
    for (int i = 0; i < 1000; i++)
        n += (size_t)snprintf(text + n, cap - n, "%s{name: d%d, at: %d}", i ? ", " : "", i, i);
    snprintf(text + n, cap - n, "]\n");
    ls_scenario s;
    ls_diags d;
    ls_diags_clear(&d);
    cr_expect_eq(ls_scenario_load("many.yaml", text, strlen(text), NULL, 0, &s, &d), LS_ERR_INPUT);
    cr_expect(d.count == 1 &&
                  strstr(d.items[0].message, "expected at most 128 detectors, got 1000"),
              "%s", d.count ? d.items[0].message : "(none)");
    free(text);
}
