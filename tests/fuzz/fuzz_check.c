/* fuzz_check.c: the checks every fuzzed scenario goes through: statuses, worlds, round trips. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "schema.h"

/* Worlds are built only when small, so that an input costs milliseconds: a fuzzer that spends
 * a second on one input finds little. Sizes past these are the engine's limits' business
 * (tests/test_reliability.c), not the fuzzer's. */
#define FUZZ_MAX_CELLS    100000.0 /* lanes x cells */
#define FUZZ_MAX_STEPS    32
#define FUZZ_MAX_ARRIVALS 20000.0 /* vehicles the demand may generate over the steps run */

static int fail(char *why, size_t size, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int fail(char *why, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, size, fmt, ap);
    va_end(ap);
    return -1;
}

/* ---- statuses and diagnostics ---- */

int ls_fuzz_check_status(const char *what, ls_status st, unsigned allowed, const ls_diags *d,
                         char *why, size_t why_size)
{
    if (st < LS_OK || st > LS_ERR_INTERNAL || !(allowed & LS_FUZZ_OK(st)))
        return fail(why, why_size, "%s returned %s", what, ls_status_name(st));
    if (st != LS_OK && d->count == 0)
        return fail(why, why_size, "%s returned %s without saying why", what, ls_status_name(st));
    char line[1024];
    for (int i = 0; i < d->count; i++) {
        int n = ls_diag_format(&d->items[i], line, sizeof line);
        if (n <= 0 || strchr(line, '\n') || strchr(line, '\r'))
            return fail(why, why_size, "%s: problem %d is not one non-empty line: %s", what, i,
                        line);
    }
    return 0;
}

/* ---- comparing two scenarios key by key, through the schema ---- */

typedef struct cmp {
    char path[256];
    char *why;
    size_t why_size;
} cmp;

static double get_double(const char *p)
{
    double v;
    memcpy(&v, p, sizeof v);
    return v;
}

static int get_int(const char *p)
{
    int v;
    memcpy(&v, p, sizeof v);
    return v;
}

static int differ(cmp *c, const char *what)
{
    return fail(c->why, c->why_size, "the YAML round trip changed %s (%s)", c->path, what);
}

static size_t push_name(cmp *c, const char *name)
{
    size_t used = strlen(c->path);
    snprintf(c->path + used, sizeof c->path - used, "%s%s", used ? "." : "", name);
    return used;
}

static size_t push_index(cmp *c, int index)
{
    size_t used = strlen(c->path);
    snprintf(c->path + used, sizeof c->path - used, "[%d]", index);
    return used;
}

static int compare_fields(cmp *c, const ls_schema *sch, const char *a, const char *b);

static int compare_items(cmp *c, const ls_schema *sub, const char *a, const char *b, int count)
{
    for (int i = 0; i < count; i++) {
        size_t saved = push_index(c, i);
        size_t at = (size_t)i * sub->size;
        if (compare_fields(c, sub, a + at, b + at) != 0) return -1;
        c->path[saved] = 0;
    }
    return 0;
}

static int compare_numbers(cmp *c, const char *a, const char *b, int count)
{
    for (int i = 0; i < count; i++)
        if (get_double(a + i * sizeof(double)) != get_double(b + i * sizeof(double)))
            return differ(c, "a number");
    return 0;
}

/* `a` and `b` are the bases of the enclosing section or item; aux offsets are relative to them. */
static int compare_field(cmp *c, const ls_field *f, const char *a, const char *b)
{
    const char *pa = a + f->offset, *pb = b + f->offset;
    switch (f->kind) {
    case LS_FIELD_NUMBER:
        return compare_numbers(c, pa, pb, 1);
    case LS_FIELD_INT:
    case LS_FIELD_ENUM:
    case LS_FIELD_BOOL:
    case LS_FIELD_U64:
    case LS_FIELD_LANES: {
        size_t n = f->kind == LS_FIELD_U64     ? 8
                   : f->kind == LS_FIELD_BOOL  ? sizeof(bool)
                   : f->kind == LS_FIELD_LANES ? sizeof(uint32_t)
                                               : sizeof(int);
        return memcmp(pa, pb, n) ? differ(c, "an integer, flag or choice") : 0;
    }
    case LS_FIELD_STRING:
        return strcmp(pa, pb) ? differ(c, "a string") : 0;
    case LS_FIELD_DENSITY:
        if (memcmp(a + f->aux, b + f->aux, sizeof(bool))) return differ(c, "the density's unit");
        return compare_numbers(c, pa, pb, 1);
    case LS_FIELD_SPLIT:
        if (get_int(a + f->aux) != get_int(b + f->aux)) return differ(c, "the number of shares");
        return compare_numbers(c, pa, pb, get_int(a + f->aux));
    case LS_FIELD_PROFILE:
        if (get_int(pa) != get_int(pb)) return differ(c, "the number of points");
        return compare_items(c, f->sub, pa + offsetof(ls_profile, points),
                             pb + offsetof(ls_profile, points), get_int(pa));
    case LS_FIELD_SECTION:
        return compare_fields(c, f->sub, pa, pb);
    case LS_FIELD_LIST:
        if (get_int(a + f->aux) != get_int(b + f->aux)) return differ(c, "the number of items");
        return compare_items(c, f->sub, pa, pb, get_int(a + f->aux));
    }
    return differ(c, "a field of an unknown kind");
}

static int compare_fields(cmp *c, const ls_schema *sch, const char *a, const char *b)
{
    for (size_t i = 0; i < sch->count; i++) {
        size_t saved = push_name(c, sch->fields[i].name);
        if (compare_field(c, &sch->fields[i], a, b) != 0) return -1;
        c->path[saved] = 0;
    }
    return 0;
}

static int compare_scenarios(const ls_scenario *a, const ls_scenario *b, char *why, size_t why_size)
{
    cmp c = {.why = why, .why_size = why_size};
    return compare_fields(&c, &ls_scenario_schema, (const char *)a, (const char *)b);
}

/* ---- the YAML round trip ---- */

static ls_diags g_diags; /* too large for the stack of a fuzzer's deep call chains */

static int reload(const char *text, size_t len, ls_scenario *back, char *why, size_t why_size)
{
    ls_diags_clear(&g_diags);
    ls_status st = ls_scenario_load("round-trip.yaml", text, len, NULL, 0, back, &g_diags);
    if (st == LS_OK) return 0;
    char line[1024] = "(no problem reported)";
    if (g_diags.count) ls_diag_format(&g_diags.items[0], line, sizeof line);
    return fail(why, why_size, "the scenario written back as YAML does not load: %s", line);
}

/* Written back and read again, a scenario is the same, and writing it again gives the same
 * text. */
static int check_round_trip(const ls_scenario *s, char *why, size_t why_size)
{
    char *text = NULL, *again = NULL;
    size_t len = 0, len2 = 0;
    if (ls_scenario_to_yaml(s, &text, &len) != LS_OK)
        return fail(why, why_size, "ls_scenario_to_yaml failed");
    ls_scenario back;
    int rc = reload(text, len, &back, why, why_size);
    if (rc == 0) rc = compare_scenarios(s, &back, why, why_size);
    if (rc == 0 && ls_scenario_to_yaml(&back, &again, &len2) != LS_OK)
        rc = fail(why, why_size, "ls_scenario_to_yaml failed on the scenario read back");
    if (rc == 0 && (len != len2 || memcmp(text, again, len) != 0))
        rc = fail(why, why_size, "writing the scenario read back gives different YAML");
    free(text);
    free(again);
    return rc;
}

/* ---- a small world, stepped ---- */

/* How many steps to run: -1 when the world is too large to build here. */
static int64_t steps_to_run(const ls_scenario *s)
{
    double cells = s->road.length_m / s->model.cell_length_m * s->road.lanes;
    if (!(cells <= FUZZ_MAX_CELLS)) return -1;
    double peak = 0;
    for (int i = 0; i < s->mainline.flow.count; i++)
        peak = fmax(peak, s->mainline.flow.points[i].flow_vph);
    double per_step = peak * s->model.dt_s / 3600.0;
    int64_t steps = FUZZ_MAX_STEPS;
    if (per_step * (double)steps > FUZZ_MAX_ARRIVALS)
        steps = (int64_t)(FUZZ_MAX_ARRIVALS / per_step);
    return steps;
}

/* A sample of each lane's vehicles reads back (ls_world_vehicle searches the lane: reading them
 * all would make an input cost seconds). */
static int check_vehicles(const ls_world *w, int lanes, char *why, size_t why_size)
{
    for (int l = 0; l < lanes; l++) {
        ls_lane_state ln = ls_world_lane(w, l);
        int stride = ln.count > 8 ? ln.count / 8 : 1;
        for (int i = 0; i < ln.count; i += stride) {
            if (ln.handle[i] & (LS_HANDLE_GHOST | LS_HANDLE_OBSTACLE)) continue;
            ls_vehicle_info v;
            if (ls_world_vehicle(w, ln.handle[i], &v) != LS_OK || v.lane != l)
                return fail(why, why_size, "vehicle %d of lane %d cannot be read back", i, l + 1);
        }
        ls_lane_stats st = ls_world_lane_stats(w, l);
        if (!isfinite(st.flow_vph) || !isfinite(st.speed_kmh) || !isfinite(st.density_vpkm))
            return fail(why, why_size, "lane %d statistics are not finite", l + 1);
    }
    return 0;
}

/* Drains the observers as `lanesim run` does, checking what they hold. */
static int check_observers(ls_world *w, const ls_scenario *s, char *why, size_t why_size)
{
    size_t n;
    const ls_detector_record *r = ls_world_detector_records(w, &n);
    for (size_t i = 0; i < n; i++) {
        if (r[i].detector < 0 || r[i].detector >= s->detector_count || r[i].lane < 0 ||
            r[i].lane >= s->road.lanes || !(r[i].end_s > r[i].begin_s) ||
            !(r[i].occupancy >= 0 && r[i].occupancy <= 1))
            return fail(why, why_size, "detector record %zu is inconsistent", i);
    }
    ls_world_clear_detector_records(w);
    const ls_trip *t = ls_world_trips(w, &n);
    /* A vehicle enters at the end of a step, never before it arrived, and leaves no earlier
     * than it entered (the same step on a road shorter than one step's move). */
    for (size_t i = 0; i < n; i++)
        if (!(t[i].arrival_s <= t[i].entry_s + 1e-9 && t[i].entry_s <= t[i].exit_s))
            return fail(why, why_size,
                        "trip %zu (vehicle %llu) has its times out of order: arrival %g s, "
                        "entry %g s, exit %g s",
                        i, (unsigned long long)t[i].id, t[i].arrival_s, t[i].entry_s, t[i].exit_s);
    ls_world_clear_trips(w);
    return 0;
}

static int run_world(ls_world *w, const ls_scenario *s, int64_t steps, char *why, size_t why_size)
{
    char msg[256];
    for (int64_t k = 0; k < steps && !ls_world_done(w); k++) {
        ls_status st = ls_world_step(w);
        if (st != LS_OK)
            return fail(why, why_size, "step %lld returned %s", (long long)k, ls_status_name(st));
        if (ls_world_check(w, msg, sizeof msg) != LS_OK)
            return fail(why, why_size, "after step %lld: %s", (long long)k, msg);
        if (check_vehicles(w, s->road.lanes, why, why_size) != 0) return -1;
        if (check_observers(w, s, why, why_size) != 0) return -1;
    }
    return 0;
}

static int check_world(const ls_scenario *s, char *why, size_t why_size)
{
    int64_t steps = steps_to_run(s);
    if (steps < 0) return 0;
    ls_world *w = NULL;
    ls_diags_clear(&g_diags);
    ls_status st = ls_world_create(s, &w, &g_diags);
    unsigned allowed = LS_FUZZ_OK(LS_OK) | LS_FUZZ_OK(LS_ERR_INPUT) | LS_FUZZ_OK(LS_ERR_LIMIT);
    if (ls_fuzz_check_status("ls_world_create", st, allowed, &g_diags, why, why_size) != 0) {
        ls_world_destroy(w);
        return -1;
    }
    if (st != LS_OK) return w ? fail(why, why_size, "a failed ls_world_create left a world") : 0;
    int rc = run_world(w, s, steps, why, why_size);
    ls_world_destroy(w);
    return rc;
}

int ls_fuzz_check_scenario(const ls_scenario *s, char *why, size_t why_size)
{
    if (check_world(s, why, why_size) != 0) return -1;
    return check_round_trip(s, why, why_size);
}
