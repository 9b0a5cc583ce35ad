/* cmd_compare.c: `lanesim compare`: commute strategies side by side, paired departure by
 * departure, with a confidence interval over independent mornings. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "compare.h"
#include "outfile.h"

#define CMP_DEFAULT_RUNS 20
#define CMP_MAX_RUNS     100000

static const char compare_help[] =
    "usage: lanesim compare [SCENARIO] [options]\n"
    "Probe vehicles follow each commute strategy of the scenario's `strategies` through the same\n"
    "traffic (one probe per strategy at every departure time of `probes`, in one run), over\n"
    "independent mornings (runs with their own seeds). Prints, per strategy, the trips, the\n"
    "unfinished probes, the mean, median and 90th-percentile travel time, the paired difference\n"
    "to the first strategy with its 95 % confidence interval (a t-interval over the mornings'\n"
    "mean differences) and a verdict line.\n\n"
    "  --strategies A,B,...   the strategies to compare, the first the baseline (default: all)\n"
    "  --runs N               independent mornings (default 20)\n"
    "  --jobs J               worker threads (default: the number of cores)\n"
    "  --format table|json    output format (default table)\n"
    "  --by-departure FILE    run,departure_s,strategy,travel_time_s,finished rows\n"
    "  --set KEY=VALUE        override a scenario value (repeatable)\n"
    "  --seed N               the base seed (run r uses a seed derived from it and r)\n"
    "  --duration S           simulated seconds of each morning\n"
    "  --quiet                no progress line\n";

enum { OPT_STRATEGIES = 2000, OPT_RUNS, OPT_JOBS, OPT_BY_DEPARTURE };

typedef struct cmp_opts {
    ls_cli_common c;
    const char *strategies, *by_departure;
    int runs, jobs, json;
} cmp_opts;

/* A whole number from 1 to max, or -1. */
static int parse_count(const char *s, int max)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    return errno || *end || end == s || v < 1 || v > max ? -1 : (int)v;
}

static int parse_option(cmp_opts *o, int opt, const char *arg)
{
    switch (opt) {
    case OPT_STRATEGIES:
        o->strategies = arg;
        return 0;
    case OPT_RUNS:
        if ((o->runs = parse_count(arg, CMP_MAX_RUNS)) < 0)
            return ls_cli_fail(2, "compare", "--runs %s: expected a whole number from 1 to %d", arg,
                               CMP_MAX_RUNS);
        return 0;
    case OPT_JOBS:
        if ((o->jobs = parse_count(arg, 64)) < 0)
            return ls_cli_fail(2, "compare", "--jobs %s: expected a whole number from 1 to 64",
                               arg);
        return 0;
    case OPT_BY_DEPARTURE:
        o->by_departure = arg;
        return 0;
    case LS_OPT_FORMAT:
        if (strcmp(arg, "table") && strcmp(arg, "json"))
            return ls_cli_fail(2, "compare", "--format %s: expected table or json", arg);
        o->json = strcmp(arg, "json") == 0;
        return 0;
    }
    return -1;
}

static int parse_args(int argc, char **argv, cmp_opts *o)
{
    static const struct option opts[] = {LS_CLI_COMMON_OPTIONS,
                                         {"format", required_argument, 0, LS_OPT_FORMAT},
                                         {"strategies", required_argument, 0, OPT_STRATEGIES},
                                         {"runs", required_argument, 0, OPT_RUNS},
                                         {"jobs", required_argument, 0, OPT_JOBS},
                                         {"by-departure", required_argument, 0, OPT_BY_DEPARTURE},
                                         {0, 0, 0, 0}};
    opterr = 0;
    optind = 1;
    for (int opt; (opt = getopt_long(argc, argv, ":", opts, NULL)) != -1;) {
        int r = ls_cli_common_option(&o->c, opt, optarg);
        if (r < 0) return 2;
        if (r > 0) continue;
        if (opt == LS_OPT_HELP) {
            fputs(compare_help, stdout);
            return -1;
        }
        if (opt == ':') return ls_cli_fail(2, "compare", "%s: expected a value", argv[optind - 1]);
        if (opt == '?') return ls_cli_fail(2, "compare", "unknown option %s", argv[optind - 1]);
        if ((r = parse_option(o, opt, optarg)) != 0) return r;
    }
    if (optind < argc) o->c.scenario = argv[optind++];
    if (optind < argc) return ls_cli_fail(2, "compare", "unexpected argument %s", argv[optind]);
    return 0;
}

/* --strategies a,b,c as indices into the scenario's strategies (all of them by default). */
static int pick_strategies(const ls_scenario *s, const char *list, int *idx, int *count)
{
    *count = 0;
    if (s->strategy_count == 0)
        return ls_cli_fail(2, "compare", "%s: expected a `strategies` section, got none",
                           s->name[0] ? s->name : "the scenario");
    if (!list) {
        for (int i = 0; i < s->strategy_count; i++) idx[(*count)++] = i;
        return 0;
    }
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        int found = -1;
        for (int i = 0; i < s->strategy_count; i++)
            if (strlen(s->strategies[i].name) == len && !strncmp(s->strategies[i].name, p, len))
                found = i;
        for (int k = 0; k < *count && found >= 0; k++)
            if (idx[k] == found)
                return ls_cli_fail(2, "compare", "--strategies %s: \"%.*s\" is named twice", list,
                                   (int)len, p);
        if (found < 0 || *count == LS_MAX_STRATEGIES)
            return ls_cli_fail(2, "compare",
                               "--strategies %s: expected names of the scenario's strategies, "
                               "got \"%.*s\"",
                               list, (int)len, p);
        idx[(*count)++] = found;
        p += len + (p[len] == ',');
    }
    return *count ? 0 : ls_cli_fail(2, "compare", "--strategies: expected at least one name");
}

static int write_by_departure(ls_outfile *f, const ls_scenario *s, const cmp_run *runs, int n_runs)
{
    fprintf(f->f, "run,departure_s,strategy,travel_time_s,finished\n");
    for (int r = 0; r < n_runs; r++)
        for (size_t i = 0; i < runs[r].count; i++) {
            const ls_probe_result *p = &runs[r].probes[i];
            int done = p->status == LS_PROBE_FINISHED;
            fprintf(f->f, "%d,%.17g,%s,", r, p->departure_s, s->strategies[p->strategy].name);
            if (done)
                fprintf(f->f, "%.17g,1\n", p->travel_time_s);
            else
                fprintf(f->f, ",0\n");
        }
    if (ls_outfile_commit(f) != 0)
        return ls_cli_fail(1, "compare", "%s: %s", f->path, strerror(errno));
    return 0;
}

/* A strategy that keeps its entry lane (unless forced): the subject of Traffic I. */
static int keeps_lane(const ls_strategy_def *st)
{
    return st->policy == LS_POLICY_KEEP && st->then.move_to == 0 && !st->reenter.exit[0];
}

static void print_table(const ls_scenario *s, const int *idx, int n, const cmp_stats *st, int runs)
{
    const char *base = s->strategies[idx[0]].name;
    printf("%d mornings of %s; travel times in minutes, from departure (waits to enter "
           "included)\n\n",
           runs, s->name);
    printf("%-16s %7s %6s %7s %7s %7s  %-28s\n", "strategy", "trips", "unfin", "mean", "median",
           "p90", "minus baseline (95 % CI)");
    for (int k = 0; k < n; k++) {
        char diff[64] = "baseline";
        if (k > 0 && !isnan(st[k].diff_lo_s))
            snprintf(diff, sizeof diff, "%+.2f (%+.2f to %+.2f)", st[k].diff_mean_s / 60,
                     st[k].diff_lo_s / 60, st[k].diff_hi_s / 60);
        else if (k > 0)
            snprintf(diff, sizeof diff, "%+.2f (no interval)", st[k].diff_mean_s / 60);
        printf("%-16s %7zu %6zu %7.2f %7.2f %7.2f  %s\n", s->strategies[idx[k]].name, st[k].trips,
               st[k].unfinished + st[k].missed, st[k].mean_s / 60, st[k].median_s / 60,
               st[k].p90_s / 60, diff);
    }
    printf("\n");
    for (int k = 1; k < n; k++) {
        char v[320];
        cmp_verdict(s->strategies[idx[k]].name, base, &st[k], v, sizeof v);
        printf("%s\n", v);
    }
    printf("\nThe other lane (Traffic I), probes that keep their lane:\n");
    printf("%-16s %10s %10s %14s %14s\n", "strategy", "passed by", "passed", "time slower",
           "lane fastest");
    for (int k = 0; k < n; k++)
        if (keeps_lane(&s->strategies[idx[k]]))
            printf("%-16s %10.1f %10.1f %13.0f%% %13.0f%%\n", s->strategies[idx[k]].name,
                   st[k].trips ? (double)st[k].passed_by / st[k].trips : 0,
                   st[k].trips ? (double)st[k].passed / st[k].trips : 0,
                   100 * st[k].share_time_slower, 100 * st[k].share_trips_fastest);
    printf("(per trip: vehicles that passed it and that it passed; share of the time a lane\n"
           "beside ran lane_change.min_gain faster near it; share of trips its lane was the\n"
           "fastest near it over the whole trip)\n");
}

static cJSON *number(double x)
{
    return isnan(x) ? cJSON_CreateNull() : cJSON_CreateNumber(x);
}

static cJSON *strategy_json(const ls_scenario *s, const int *idx, int k, const cmp_stats *st)
{
    cJSON *o = cJSON_CreateObject();
    char v[320];
    cmp_verdict(s->strategies[idx[k]].name, s->strategies[idx[0]].name, st, v, sizeof v);
    cJSON_AddStringToObject(o, "name", s->strategies[idx[k]].name);
    cJSON_AddNumberToObject(o, "trips", (double)st->trips);
    cJSON_AddNumberToObject(o, "unfinished", (double)st->unfinished);
    cJSON_AddNumberToObject(o, "missed_exit", (double)st->missed);
    cJSON_AddItemToObject(o, "mean_s", number(st->mean_s));
    cJSON_AddItemToObject(o, "median_s", number(st->median_s));
    cJSON_AddItemToObject(o, "p90_s", number(st->p90_s));
    cJSON_AddItemToObject(o, "diff_mean_s", number(st->diff_mean_s));
    cJSON *ci = cJSON_AddArrayToObject(o, "diff_ci95");
    cJSON_AddItemToArray(ci, number(st->diff_lo_s));
    cJSON_AddItemToArray(ci, number(st->diff_hi_s));
    cJSON_AddNumberToObject(o, "paired_trips", (double)st->pairs);
    cJSON_AddStringToObject(o, "verdict", k == 0 ? "baseline" : v);
    if (keeps_lane(&s->strategies[idx[k]])) {
        cJSON *ol = cJSON_AddObjectToObject(o, "other_lane");
        cJSON_AddNumberToObject(ol, "passed_by", (double)st->passed_by);
        cJSON_AddNumberToObject(ol, "passed", (double)st->passed);
        cJSON_AddItemToObject(ol, "share_time_slower", number(st->share_time_slower));
        cJSON_AddItemToObject(ol, "share_trips_fastest", number(st->share_trips_fastest));
    }
    return o;
}

static int print_json(const ls_scenario *s, const int *idx, int n, const cmp_stats *st, int runs)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(root, "strategies");
    for (int k = 0; k < n; k++) cJSON_AddItemToArray(list, strategy_json(s, idx, k, &st[k]));
    cJSON_AddStringToObject(root, "method",
                            "paired by departure within each morning; 95 % t-interval over the "
                            "mornings' mean differences (independent replications)");
    cJSON_AddNumberToObject(root, "runs", runs);
    cJSON_AddNumberToObject(root, "seed", (double)s->simulation.seed);
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (!text) return ls_cli_fail(1, "compare", "out of memory");
    printf("%s\n", text);
    free(text);
    return 0;
}

static int report(const cmp_opts *o, const ls_scenario *s, const int *idx, int n,
                  const cmp_run *runs)
{
    cmp_stats st[LS_MAX_STRATEGIES];
    for (int k = 0; k < n; k++)
        if (cmp_strategy_stats(runs, o->runs, n, k, &st[k]) != 0)
            return ls_cli_fail(1, "compare", "out of memory");
    if (o->json) return print_json(s, idx, n, st, o->runs);
    print_table(s, idx, n, st, o->runs);
    return 0;
}

int ls_cmd_compare(int argc, char **argv)
{
    cmp_opts o;
    memset(&o, 0, sizeof o);
    o.runs = CMP_DEFAULT_RUNS;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    o.jobs = cores > 0 ? (cores > 64 ? 64 : (int)cores) : 1;
    int rc = parse_args(argc, argv, &o);
    if (rc) return rc < 0 ? 0 : rc;
    ls_scenario s;
    if ((rc = ls_cli_load(&o.c, &s)) != 0) return rc;
    int idx[LS_MAX_STRATEGIES], n;
    if ((rc = pick_strategies(&s, o.strategies, idx, &n)) != 0) return rc;
    ls_cli_catch_signals();
    ls_outfile dep = {0};
    if (o.by_departure && ls_outfile_open(&dep, o.by_departure) != 0)
        return ls_cli_fail(1, "compare", "%s: %s", o.by_departure, strerror(errno));
    cmp_run *runs = calloc((size_t)o.runs, sizeof *runs);
    if (!runs) rc = ls_cli_fail(1, "compare", "out of memory");
    if (!rc) rc = cmp_run_all(&s, idx, n, o.runs, o.jobs, o.c.quiet, runs);
    if (!rc && o.by_departure) rc = write_by_departure(&dep, &s, runs, o.runs);
    if (!rc) rc = report(&o, &s, idx, n, runs);
    if (rc) ls_outfile_abort(&dep);
    if (runs) cmp_runs_free(runs, o.runs);
    free(runs);
    return rc;
}
