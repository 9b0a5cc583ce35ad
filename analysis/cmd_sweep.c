/* cmd_sweep.c: `lanesim sweep`: options, the checked plan of runs, and running it on threads. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtin.h"
#include "outfile.h"
#include "sweep.h"

/* Option codes of this command only (the shared ones are below 2000). */
enum { OPT_GRID = 2000, OPT_REPS, OPT_JOBS, OPT_OUT, OPT_RESUME, OPT_AGGREGATE, OPT_SHARD };

static const char sweep_help[] =
    "usage: lanesim sweep [SCENARIO] --grid KEY=VALUES... [options]\n"
    "Runs the scenario at every combination of the --grid values, --reps times each, and writes\n"
    "one CSV row per run (grid values, rep, seed, per-lane and total metrics, wall time).\n"
    "Without SCENARIO sweeps the built-in default.\n\n"
    "  --grid KEY=V1,V2,...     values of a scenario key, as for --set; repeatable (full grid,\n"
    "  --grid KEY=FROM:TO:STEP  the first --grid varying slowest); a range includes TO\n"
    "  --reps N                 replications of each grid point, each with its own seed (1)\n"
    "  --jobs J                 worker threads (default: the number of cores)\n"
    "  --out FILE.csv           the rows, appended as runs finish (default: stdout); an existing\n"
    "                           file is refused unless --resume\n"
    "  --resume                 continue FILE.csv: keep its rows, run only the missing runs\n"
    "  --aggregate FILE.csv     per grid point, mean, sd and 95% t interval of every metric\n"
    "                           (computed from the --out file when the sweep is complete)\n"
    "  --shard K/N              run only runs i with i % N = K - 1 (join shards: lanesim merge)\n"
    "  --set KEY=VALUE          override a scenario value in every run (repeatable)\n"
    "  --seed N                 the sweep's seed; each run's seed derives from it\n"
    "  --duration S             simulated time of each run\n"
    "  --quiet                  no progress display\n"
    "Under mpirun (a build with -DLANESIM_MPI=ON) the runs are spread over the ranks and rank 0\n"
    "writes the rows; see docs/sweeps.md.\n";

/* A whole-string decimal integer from 1 to max. */
static int parse_count(const char *s, long max, long *out)
{
    if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 9) return -1;
    *out = strtol(s, NULL, 10);
    return *out >= 1 && *out <= max ? 0 : -1;
}

static int parse_shard(const char *s, sweep_plan *p)
{
    const char *slash = strchr(s, '/');
    char k[16];
    long kv, nv;
    if (!slash || slash - s >= (long)sizeof k) return -1;
    memcpy(k, s, (size_t)(slash - s));
    k[slash - s] = 0;
    if (parse_count(k, SWEEP_MAX_RUNS, &kv) != 0 ||
        parse_count(slash + 1, SWEEP_MAX_RUNS, &nv) != 0 || kv > nv)
        return -1;
    p->shard_k = (int)kv;
    p->shard_n = (int)nv;
    return 0;
}

/* The options of the sweep itself; returns 0 or the exit status (message printed). */
static int sweep_option(int c, const char *arg, sweep_opts *o, sweep_plan *p)
{
    long v;
    switch (c) {
    case OPT_GRID:
        return sweep_grid_add(&p->grid, arg);
    case OPT_REPS:
        if (parse_count(arg, SWEEP_MAX_RUNS, &v) != 0)
            return ls_cli_fail(2, NULL, "--reps %s: expected an integer from 1 to 1000000", arg);
        p->reps = (int)v;
        return 0;
    case OPT_JOBS:
        if (parse_count(arg, 1024, &v) != 0)
            return ls_cli_fail(2, NULL, "--jobs %s: expected an integer from 1 to 1024", arg);
        o->jobs = (int)v;
        return 0;
    case OPT_OUT:
        o->out = arg;
        return 0;
    case OPT_RESUME:
        o->resume = true;
        return 0;
    case OPT_AGGREGATE:
        o->aggregate = arg;
        return 0;
    case OPT_SHARD:
        if (parse_shard(arg, p) != 0)
            return ls_cli_fail(2, NULL, "--shard %s: expected K/N with 1 <= K <= N", arg);
        return 0;
    default:
        return ls_cli_fail(2, "sweep", "unknown option %s (see lanesim sweep --help)", arg);
    }
}

static int parse_sweep(int argc, char **argv, sweep_opts *o, sweep_plan *p)
{
    static const struct option opts[] = {LS_CLI_COMMON_OPTIONS,
                                         {"grid", required_argument, 0, OPT_GRID},
                                         {"reps", required_argument, 0, OPT_REPS},
                                         {"jobs", required_argument, 0, OPT_JOBS},
                                         {"out", required_argument, 0, OPT_OUT},
                                         {"resume", no_argument, 0, OPT_RESUME},
                                         {"aggregate", required_argument, 0, OPT_AGGREGATE},
                                         {"shard", required_argument, 0, OPT_SHARD},
                                         {0, 0, 0, 0}};
    opterr = 0;
    optind = 1;
    int c, rc = 0;
    while (!rc && (c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        int r = ls_cli_common_option(&o->common, c, optarg);
        if (r < 0) return 2;
        if (r > 0) continue;
        if (c == LS_OPT_HELP) {
            fputs(sweep_help, stdout);
            return -1;
        }
        if (c == ':') return ls_cli_fail(2, "sweep", "%s: expected a value", argv[optind - 1]);
        rc = sweep_option(c, c == '?' ? argv[optind - 1] : optarg, o, p);
    }
    if (rc) return rc;
    return ls_cli_scenario_operand(&o->common, argc, argv, "sweep");
}

static int check_options(const sweep_opts *o, sweep_plan *p)
{
    if (o->resume && !o->out) return ls_cli_fail(2, "sweep", "--resume needs --out FILE.csv");
    if (o->aggregate && !o->out)
        return ls_cli_fail(2, "sweep",
                           "--aggregate needs --out: it is computed from the rows file");
    if (o->aggregate && strcmp(o->aggregate, o->out) == 0)
        return ls_cli_fail(2, "sweep", "--aggregate and --out name the same file");
    if ((double)p->grid.points * p->reps > SWEEP_MAX_RUNS)
        return ls_cli_fail(2, NULL, "%lld grid points x %d replications: at most %d runs",
                           (long long)p->grid.points, p->reps, SWEEP_MAX_RUNS);
    p->runs = p->grid.points * p->reps;
    return 0;
}

/* The rows file and the aggregate, before the grid is checked or any run starts: a sweep must
 * not run for hours to find that it cannot write its results. Nothing is created. */
static int check_outputs(const sweep_opts *o)
{
    const char *paths[] = {o->out, o->aggregate};
    for (int i = 0; i < 2; i++)
        if (paths[i] && ls_outfile_check(paths[i]) != 0)
            return ls_cli_fail(1, "sweep", "%s: %s", paths[i], strerror(errno));
    return 0;
}

/* --set, then --seed and --duration as the overrides they stand for (as ls_cli_load does). */
static ls_status apply_overrides(const ls_cli_common *c, ls_source *src, ls_diags *d)
{
    char seed[64], duration[512];
    const char *more[2];
    int n = 0;
    if (c->seed) {
        snprintf(seed, sizeof seed, "simulation.seed=%s", c->seed);
        more[n++] = seed;
    }
    if (c->duration) {
        snprintf(duration, sizeof duration, "simulation.duration=%s", c->duration);
        more[n++] = duration;
    }
    ls_status st = LS_OK;
    for (int i = 0; i < c->set_count && st == LS_OK; i++) st = ls_source_set(src, c->sets[i], d);
    for (int i = 0; i < n && st == LS_OK; i++) st = ls_source_set(src, more[i], d);
    return st;
}

/* The scenario as a source with every override applied, after ls_cli_load has checked it and
 * printed any problem exactly as `lanesim run` does. */
static int load_base(const ls_cli_common *c, sweep_plan *p)
{
    ls_scenario s;
    int rc = ls_cli_load(c, &s);
    if (rc) return rc;
    ls_diags *d = malloc(sizeof *d);
    if (!d) return ls_cli_fail(1, "sweep", "out of memory");
    ls_diags_clear(d);
    char name[128];
    ls_status st;
    if (c->scenario) {
        st = ls_source_parse_file(c->scenario, &p->base, d);
    } else {
        const ls_builtin_scenario *b = ls_builtin_find(LS_DEFAULT_SCENARIO);
        st = ls_source_parse_string(b->text, b->len, ls_builtin_path(b, name, sizeof name),
                                    &p->base, d);
    }
    if (st == LS_OK) st = apply_overrides(c, p->base, d);
    ls_cli_print_diags(d);
    free(d);
    return ls_status_exit_code(st);
}

int sweep_command(int argc, char **argv, sweep_executor exec)
{
    sweep_opts o;
    sweep_plan p;
    memset(&o, 0, sizeof o);
    memset(&p, 0, sizeof p);
    p.grid.points = 1;
    p.reps = p.shard_k = p.shard_n = 1;
    int rc = parse_sweep(argc, argv, &o, &p);
    if (!rc) rc = check_options(&o, &p);
    if (!rc) rc = check_outputs(&o);
    if (!rc) rc = load_base(&o.common, &p);
    if (!rc) rc = sweep_plan_check(&p);
    if (!rc) rc = exec(&o, &p);
    sweep_plan_free(&p);
    return rc < 0 ? 0 : rc;
}

int sweep_finish(const sweep_opts *o, const sweep_plan *p, int rc, int64_t rows)
{
    int64_t runs = sweep_shard_runs(p);
    if (rc == 130 && o->out)
        return ls_cli_fail(130, "sweep",
                           "interrupted: %s has %lld of %lld runs; --resume continues", o->out,
                           (long long)rows, (long long)runs);
    if (rc == 130)
        return ls_cli_fail(130, "sweep", "interrupted after %lld of %lld runs", (long long)rows,
                           (long long)runs);
    if (!rc && o->aggregate) rc = sweep_aggregate(o->out, o->aggregate);
    return rc;
}

static int sink_out(void *ctx, const char *row, size_t len)
{
    return sweep_out_write(ctx, row, len);
}

static int cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 && n <= 1024 ? (int)n : 1;
}

/* The threaded sweep: every worker appends its rows to the file through one writer. */
static int run_threads(const sweep_opts *o, sweep_plan *p)
{
    unsigned char *done = calloc((size_t)p->runs, 1);
    if (!done) return ls_cli_fail(1, "sweep", "out of memory");
    sweep_out out;
    int64_t already = 0, count = 0;
    int rc = sweep_out_open(&out, o->out, o->resume, p, done, &already);
    int64_t *queue = rc ? NULL : sweep_queue(p, done, 0, 1, &count);
    if (!rc && !queue) rc = ls_cli_fail(1, "sweep", "out of memory");
    if (!rc) {
        ls_cli_catch_signals();
        sweep_out_begin(&out, count, o->common.quiet);
        rc = sweep_pool_run(p, queue, count, o->jobs ? o->jobs : cores(), sink_out, &out);
    }
    sweep_out_close(&out);
    free(queue);
    free(done);
    if (rc == 0 || rc == 130) rc = sweep_finish(o, p, rc, already + out.done);
    return rc;
}

int ls_cmd_sweep(int argc, char **argv)
{
#ifdef LANESIM_MPI
    if (sweep_mpi_launched()) return sweep_mpi_command(argc, argv);
#endif
    return sweep_command(argc, argv, run_threads);
}
