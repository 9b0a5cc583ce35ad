/* test_soak.c: a million steps of an open road that fills and empties and of a ring, with every
 * invariant checked each 1000 steps and memory that does not grow with simulated time. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lanesim/lanesim.h"
#include "support.h"

#if defined(__SANITIZE_ADDRESS__)
#define LS_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LS_SANITIZED 1
#endif
#endif
#ifndef LS_SANITIZED
#define LS_SANITIZED 0
#endif

/* The sanitizer build checks every invariant inside every step and runs several times slower:
 * there 2e5 steps keep the test near a minute; the Release build does the full 1e6. */
#define STEPS       (LS_SANITIZED ? 200000 : 1000000)
#define CHECK_EVERY 1000
#define BASELINE    100000     /* steps after which memory must stop growing */
#define LIB_GROWTH  (1L << 20) /* bytes the library may still add after BASELINE */
#define RSS_GROWTH  (4L << 20) /* bytes the process may still add after BASELINE */

/* Live bytes of the library, through its allocator hook: exact, and blind to the test's own
 * memory and to the sanitizers' bookkeeping. */
static long g_live;

static void *count_alloc(size_t size, void *user)
{
    (void)user;
    size_t *p = malloc(size + 16);
    if (!p) return NULL;
    *p = size;
    g_live += (long)size;
    return (char *)p + 16;
}

static void *count_realloc(void *ptr, size_t size, void *user)
{
    if (!ptr) return count_alloc(size, user);
    size_t *old = (size_t *)((char *)ptr - 16), old_size = *old;
    size_t *p = realloc(old, size + 16);
    if (!p) return NULL;
    *p = size;
    g_live += (long)size - (long)old_size;
    return (char *)p + 16;
}

static void count_free(void *ptr, void *user)
{
    (void)user;
    size_t *p = (size_t *)((char *)ptr - 16);
    g_live -= (long)*p;
    free(p);
}

static long resident_bytes(void)
{
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f && fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    if (f) fclose(f);
    return resident * sysconf(_SC_PAGESIZE);
}

/* A triangle wave of demand, 0 to 6000 veh/h and back every 32000 s: above what two lanes carry
 * for part of each rise, so the road fills and the entry queues grow, then both empty. */
static void open_road(ls_scenario *s)
{
    char yaml[8192];
    int n =
        snprintf(yaml, sizeof yaml,
                 "road: {length: 1500, lanes: 2, speed_limit: 100 km/h}\n"
                 "vehicles: [{type: car, share: 0.9}, {type: truck, share: 0.1, length: 15,"
                 " max_speed: 80 km/h, lanes: [2]}]\n"
                 "detectors: [{name: a, at: 200, period: 30}, {name: b, at: 1400, period: 60}]\n"
                 "simulation: {duration: %d, seed: 11}\n"
                 "demand: {mainline: {flow: [",
                 STEPS);
    for (int k = 0; k < 63; k++)
        n += snprintf(yaml + n, sizeof yaml - (size_t)n, "%s{t: %d, flow: %d}", k ? ", " : "",
                      k * 16000, k % 2 ? 6000 : 0);
    snprintf(yaml + n, sizeof yaml - (size_t)n, "]}}\n");
    ls_test_scenario(yaml, NULL, 0, s);
}

static void ring(ls_scenario *s)
{
    char yaml[512];
    snprintf(yaml, sizeof yaml,
             "road: {length: 1500, lanes: 2, ring: true}\n"
             "initial: {density: 0.15}\n"
             "detectors: [{name: a, at: 750, period: 10}]\n"
             "simulation: {duration: %d, seed: 5}\n",
             STEPS);
    ls_test_scenario(yaml, NULL, 0, s);
}

/* Drains what `lanesim run` drains: finished trips and closed detector periods. */
static void drain(ls_world *w)
{
    size_t n;
    (void)ls_world_trips(w, &n);
    ls_world_clear_trips(w);
    (void)ls_world_detector_records(w, &n);
    ls_world_clear_detector_records(w);
}

typedef struct memory {
    long lib, rss, lib_max, rss_max;
} memory;

static void soak(const ls_scenario *s, const char *name)
{
    ls_set_allocator(count_alloc, count_realloc, count_free, NULL);
    ls_world *w = NULL;
    cr_assert_eq(ls_world_create(s, &w, NULL), LS_OK);
    memory base = {0}, now = {0};
    char msg[256];
    for (int64_t k = 1; k <= STEPS; k++) {
        cr_assert_eq(ls_world_step(w), LS_OK, "%s: step %lld failed", name, (long long)k);
        if (k % CHECK_EVERY) continue;
        drain(w);
        cr_assert_eq(ls_world_check(w, msg, sizeof msg), LS_OK, "%s, step %lld: %s", name,
                     (long long)k, msg);
        now.lib = g_live;
        now.rss = resident_bytes();
        if (k == BASELINE) base = now;
        if (now.lib > base.lib_max) base.lib_max = now.lib;
        if (now.rss > base.rss_max) base.rss_max = now.rss;
    }
    ls_counts c = ls_world_counts(w);
    cr_log_info("%s: %d steps, %llu vehicles arrived, %llu exited; library %ld bytes at step %d, "
                "%ld at the end (most %ld); resident %ld, %ld (most %ld)",
                name, STEPS, (unsigned long long)c.arrived, (unsigned long long)c.exited, base.lib,
                BASELINE, now.lib, base.lib_max, base.rss, now.rss, base.rss_max);
    cr_expect_lt(base.lib_max - base.lib, LIB_GROWTH, "%s: the library grew by %ld bytes", name,
                 base.lib_max - base.lib);
    if (!LS_SANITIZED) /* ASan keeps freed blocks resident in its quarantine */
        cr_expect_lt(base.rss_max - base.rss, RSS_GROWTH, "%s: resident size grew by %ld bytes",
                     name, base.rss_max - base.rss);
    ls_world_destroy(w);
    cr_expect_eq(g_live, 0, "%s: %ld bytes not freed", name, g_live);
    ls_set_allocator(NULL, NULL, NULL, NULL);
}

Test(soak, open_road_that_fills_and_empties, .timeout = 600)
{
    ls_scenario s;
    open_road(&s);
    soak(&s, "open road");
}

Test(soak, ring, .timeout = 600)
{
    ls_scenario s;
    ring(&s);
    soak(&s, "ring");
}
