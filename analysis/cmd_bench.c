/* cmd_bench.c: `lanesim bench`: the standard performance cases, median of repeats. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "builtin.h"
#include "cli.h"

/* Each case is a scenario of scenarios/ (compiled in) plus overrides, so the benchmark runs
 * the same roads as `lanesim run`. */
typedef struct bench_case {
    const char *name;
    const char *scenario;
    const char *sets[8];
    const char *about;
} bench_case;

static const bench_case cases[] = {
    {"ring-1lane",
     "ring",
     {"road.length=3750 km", "initial.density=0.2", "model.p_slow=0.25", "simulation.duration=1000",
      "simulation.warmup=0", "detectors=[]"},
     "classic NaSch ring: 500,000 cells of 7.5 m, 100,000 cars, vmax 5, p 0.25, 1000 steps"},
    {"highway-4lane",
     "highway-4lane",
     {NULL},
     "10 km, 4 lanes, 1.5 m cells, 65 mph, 7200 veh/h Poisson, one hour (SUMO's s2_freeway4)"},
    {"highway-4lane-lc",
     "highway-4lane",
     {"lane_change.enabled=true", "friction.enabled=true", "vehicles[0].speed_dev=0.1"},
     "the same with lane changes and friction on, desired speeds spread like SUMO's (sd 0.1)"},
    {"us101-sr92",
     "us101-sr92",
     {NULL},
     "the default scenario: the 4.5 h morning at US-101/SR-92, ramps, friction, congestion"},
};

typedef struct bench_result {
    double vehicles, wall, ups;
    int64_t steps;
} bench_result;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One timed run: world creation is excluded, stepping is what is measured. */
static int bench_once(const ls_scenario *s, bench_result *r)
{
    ls_world *w;
    int rc = ls_cli_create_world(s, &w);
    if (rc) return rc;
    ls_status st = LS_OK;
    double t0 = ls_cli_now();
    while (!ls_world_done(w) && st == LS_OK) st = ls_world_step(w);
    r->wall = ls_cli_now() - t0;
    r->steps = ls_world_step_index(w);
    uint64_t updates = ls_world_vehicle_updates(w);
    r->vehicles = r->steps ? (double)updates / (double)r->steps : 0;
    r->ups = r->wall > 0 ? (double)updates / r->wall : 0;
    ls_world_destroy(w);
    return st == LS_OK ? 0 : 1;
}

static int load_case(const bench_case *c, ls_scenario *s)
{
    const ls_builtin_scenario *b = ls_builtin_find(c->scenario);
    int n = 0;
    while (n < 8 && c->sets[n]) n++;
    ls_diags *d = malloc(sizeof *d);
    if (!b || !d) {
        free(d);
        return ls_cli_fail(1, "bench", "case %s: scenario %s missing", c->name, c->scenario);
    }
    ls_diags_clear(d);
    char name[128];
    ls_status st =
        ls_scenario_load(ls_builtin_path(b, name, sizeof name), b->text, b->len, c->sets, n, s, d);
    ls_cli_print_diags(d);
    free(d);
    return st == LS_OK ? 0 : ls_status_exit_code(st);
}

static int run_case(const bench_case *c, int repeats, bench_result *med)
{
    ls_scenario s;
    int rc = load_case(c, &s);
    if (rc) return rc;
    double ups[64], wall[64];
    bench_result r = {0};
    for (int i = 0; i < repeats; i++) {
        if ((rc = bench_once(&s, &r)) != 0) return rc;
        ups[i] = r.ups;
        wall[i] = r.wall;
        if (ls_cli_interrupted) return 130;
    }
    qsort(ups, (size_t)repeats, sizeof *ups, cmp_double);
    qsort(wall, (size_t)repeats, sizeof *wall, cmp_double);
    *med = r;
    med->ups = ups[repeats / 2];
    med->wall = wall[repeats / 2];
    return 0;
}

static const char bench_help[] =
    "usage: lanesim bench [--case NAME] [--repeats N] [--format table|json]\n"
    "Runs the standard performance cases and prints vehicles, steps, wall seconds and vehicle\n"
    "updates per second (median of N repeats, default 5). Cases:\n";

int ls_cmd_bench(int argc, char **argv)
{
    static const struct option opts[] = {{"case", required_argument, 0, LS_OPT_CASE},
                                         {"repeats", required_argument, 0, LS_OPT_REPEATS},
                                         {"format", required_argument, 0, LS_OPT_FORMAT},
                                         {"help", no_argument, 0, LS_OPT_HELP},
                                         {0, 0, 0, 0}};
    const char *only = NULL;
    int repeats = 5, json = 0, opt;
    double x;
    size_t ncases = sizeof cases / sizeof cases[0];
    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (opt) {
        case LS_OPT_CASE:
            only = optarg;
            break;
        case LS_OPT_REPEATS:
            if (ls_cli_parse_positive(optarg, &x) != 0 || x != (int)x || x > 63)
                return ls_cli_fail(2, "bench", "--repeats %s: expected an integer from 1 to 63",
                                   optarg);
            repeats = (int)x;
            break;
        case LS_OPT_FORMAT:
            if (strcmp(optarg, "json") && strcmp(optarg, "table"))
                return ls_cli_fail(2, "bench", "--format %s: expected table or json", optarg);
            json = strcmp(optarg, "json") == 0;
            break;
        case LS_OPT_HELP:
            fputs(bench_help, stdout);
            for (size_t i = 0; i < ncases; i++)
                printf("  %-14s %s\n", cases[i].name, cases[i].about);
            return 0;
        case ':':
            return ls_cli_fail(2, "bench", "%s: expected a value", argv[optind - 1]);
        default:
            return ls_cli_fail(2, "bench", "unknown option %s", argv[optind - 1]);
        }
    }
    if (optind < argc) return ls_cli_fail(2, "bench", "unexpected argument %s", argv[optind]);
    int found = 0;
    for (size_t i = 0; i < ncases; i++) found |= !only || strcmp(only, cases[i].name) == 0;
    if (!found) return ls_cli_fail(2, "bench", "--case %s: no such case (see --help)", only);
    ls_cli_catch_signals();
    cJSON *root = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(root, "cases");
    if (!json)
        printf("%-14s %10s %7s %10s %22s\n", "case", "vehicles", "steps", "wall s",
               "vehicle updates/s");
    for (size_t i = 0; i < ncases; i++) {
        if (only && strcmp(only, cases[i].name)) continue;
        bench_result r;
        int rc = run_case(&cases[i], repeats, &r);
        if (rc) {
            cJSON_Delete(root);
            return rc;
        }
        if (!json) {
            printf("%-14s %10.0f %7lld %10.3f %22.0f\n", cases[i].name, r.vehicles,
                   (long long)r.steps, r.wall, r.ups);
            fflush(stdout);
        }
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", cases[i].name);
        cJSON_AddNumberToObject(o, "vehicles", r.vehicles);
        cJSON_AddNumberToObject(o, "steps", (double)r.steps);
        cJSON_AddNumberToObject(o, "wall_seconds", r.wall);
        cJSON_AddNumberToObject(o, "vehicle_updates_per_second", r.ups);
        cJSON_AddNumberToObject(o, "repeats", repeats);
        cJSON_AddItemToArray(arr, o);
    }
    if (json) {
        char *text = cJSON_Print(root);
        if (text) printf("%s\n", text);
        free(text);
    }
    cJSON_Delete(root);
    return 0;
}
