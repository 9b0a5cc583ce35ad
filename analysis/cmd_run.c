/* cmd_run.c: `lanesim run`: a headless simulation with its table, JSON and files. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "outfile.h"
#include "summary.h"

typedef struct run_opts {
    ls_cli_common common;
    int json;
    const char *out_dir;
    const char *trajectories;
    double sample_s;
} run_opts;

/* The files a run writes; all are temporaries until the run has finished. */
typedef struct run_files {
    ls_outfile detectors, trips, traj, summary, field, queues, meters;
    char *detectors_path, *trips_path, *summary_path, *field_path, *queues_path, *meters_path;
    const char *traj_path;
    int64_t sample_steps;
    /* Per lane index, mainline lanes then on-ramp lanes: the on-ramp's name, NULL for the
     * mainline; trajectories name the ramp a vehicle is on. */
    const char *ramp_of_lane[LS_MAX_LANES + LS_MAX_RAMPS];
} run_files;

#define RUN_FILES 7

/* The files in the order they are finished and renamed, with their final names. */
static void file_list(run_files *f, ls_outfile *files[RUN_FILES], const char *names[RUN_FILES])
{
    files[0] = &f->summary;
    files[1] = &f->detectors;
    files[2] = &f->trips;
    files[3] = &f->traj;
    files[4] = &f->field;
    files[5] = &f->queues;
    files[6] = &f->meters;
    names[4] = f->field_path;
    names[5] = f->queues_path;
    names[6] = f->meters_path;
    names[0] = f->summary_path;
    names[1] = f->detectors_path;
    names[2] = f->trips_path;
    names[3] = f->traj_path;
}

static const char run_help[] =
    "usage: lanesim run [SCENARIO] [options]\n"
    "Runs a scenario headless and prints per-lane flow, speed, density and lane changes.\n"
    "Without SCENARIO runs the built-in default.\n\n"
    "  --set KEY=VALUE        override a scenario value (repeatable)\n"
    "  --seed N               random seed\n"
    "  --duration S           simulated time (\"3600\", \"10 min\")\n"
    "  --format table|json    output on stdout (default table)\n"
    "  --out DIR              write detectors.csv, trips.csv, speed_field.csv, queues.csv,\n"
    "                         meters.csv and summary.json into DIR\n"
    "  --trajectories FILE    write time_s,id,lane,position_m,speed_kmh,lane_kind,ramp rows,\n"
    "                         one per vehicle on the road (ramp lanes included)\n"
    "  --sample S             trajectory sampling period in seconds, a whole multiple of\n"
    "                         model.dt (default: every step); needs --trajectories\n"
    "  --quiet                no progress display\n";

static int parse_run(int argc, char **argv, run_opts *o)
{
    static const struct option opts[] = {
        LS_CLI_COMMON_OPTIONS,
        {"format", required_argument, 0, LS_OPT_FORMAT},
        {"out", required_argument, 0, LS_OPT_OUT},
        {"trajectories", required_argument, 0, LS_OPT_TRAJECTORIES},
        {"sample", required_argument, 0, LS_OPT_SAMPLE},
        {0, 0, 0, 0}};
    memset(o, 0, sizeof *o);
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        int r = ls_cli_common_option(&o->common, c, optarg);
        if (r < 0) return 2;
        if (r > 0) continue;
        switch (c) {
        case LS_OPT_HELP:
            fputs(run_help, stdout);
            return -1;
        case LS_OPT_FORMAT:
            if (strcmp(optarg, "json") && strcmp(optarg, "table"))
                return ls_cli_fail(2, "run", "--format %s: expected table or json", optarg);
            o->json = strcmp(optarg, "json") == 0;
            break;
        case LS_OPT_OUT:
            o->out_dir = optarg;
            break;
        case LS_OPT_TRAJECTORIES:
            o->trajectories = optarg;
            break;
        case LS_OPT_SAMPLE:
            if (ls_cli_parse_positive(optarg, &o->sample_s) != 0)
                return ls_cli_fail(2, "run", "--sample %s: expected a positive number of seconds",
                                   optarg);
            break;
        case ':':
            return ls_cli_fail(2, "run", "%s: expected a value", argv[optind - 1]);
        default:
            return ls_cli_fail(2, "run", "unknown option %s (see lanesim run --help)",
                               argv[optind - 1]);
        }
    }
    return ls_cli_scenario_operand(&o->common, argc, argv, "run");
}

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static int make_dir(const char *dir)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", dir);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(buf, 0777) != 0 && errno != EEXIST) return -1;
        *p = '/';
    }
    return mkdir(buf, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

/* Whether the trajectory file goes straight into the --out directory (which may not exist yet:
 * the run makes it, then opens the trajectories). */
static int traj_in_out_dir(const run_opts *o)
{
    if (!o->trajectories || !o->out_dir) return 0;
    const char *t = o->trajectories, *d = o->out_dir;
    if (!strncmp(t, "./", 2)) t += 2;
    if (!strncmp(d, "./", 2)) d += 2;
    const char *slash = strrchr(t, '/');
    size_t tn = slash ? (size_t)(slash - t) : 0, dn = strlen(d);
    while (tn > 1 && t[tn - 1] == '/') tn--;
    while (dn > 1 && d[dn - 1] == '/') dn--;
    if (!slash) return dn == 1 && d[0] == '.';
    return tn == dn && !strncmp(t, d, tn);
}

static int open_traj(const run_opts *o, run_files *f)
{
    if (!o->trajectories) return 0;
    f->traj_path = o->trajectories;
    if (ls_outfile_open(&f->traj, o->trajectories) != 0)
        return ls_cli_fail(1, "run", "%s: %s", o->trajectories, strerror(errno));
    fputs("time_s,id,lane,position_m,speed_kmh,lane_kind,ramp\n", f->traj.f);
    return 0;
}

static int open_files(const run_opts *o, const ls_world *w, run_files *f)
{
    memset(f, 0, sizeof *f);
    ls_world_info info = ls_world_get_info(w);
    f->sample_steps = o->sample_s > 0 ? (int64_t)floor(o->sample_s / info.dt_s + 0.5) : 1;
    if (f->sample_steps < 1) f->sample_steps = 1;
    /* Before the directory is made, so that a failure leaves nothing behind, unless the file
     * goes into that directory. */
    int rc = traj_in_out_dir(o) ? 0 : open_traj(o, f);
    if (rc) return rc;
    if (o->out_dir) {
        if (make_dir(o->out_dir) != 0)
            return ls_cli_fail(1, "run", "%s: %s", o->out_dir, strerror(errno));
        f->detectors_path = join(o->out_dir, "detectors.csv");
        f->trips_path = join(o->out_dir, "trips.csv");
        f->summary_path = join(o->out_dir, "summary.json");
        f->field_path = join(o->out_dir, "speed_field.csv");
        f->queues_path = join(o->out_dir, "queues.csv");
        f->meters_path = join(o->out_dir, "meters.csv");
        if (!f->detectors_path || !f->trips_path || !f->summary_path || !f->field_path ||
            !f->queues_path || !f->meters_path)
            return ls_cli_fail(1, "run", "out of memory");
        if (ls_outfile_open(&f->meters, f->meters_path) != 0)
            return ls_cli_fail(1, "run", "%s: %s", f->meters_path, strerror(errno));
        fputs("time_s,ramp,rate_vph,released_vph,occupancy,queue\n", f->meters.f);
        if (ls_outfile_open(&f->field, f->field_path) != 0)
            return ls_cli_fail(1, "run", "%s: %s", f->field_path, strerror(errno));
        if (ls_outfile_open(&f->queues, f->queues_path) != 0)
            return ls_cli_fail(1, "run", "%s: %s", f->queues_path, strerror(errno));
        fputs("begin_s,end_s,lane,from_m,to_m,speed_kmh,density_vpkm,flow_vph\n", f->field.f);
        fputs("time_s,bottleneck,position_m,lane,queue_m\n", f->queues.f);
        if (ls_outfile_open(&f->detectors, f->detectors_path) != 0)
            return ls_cli_fail(1, "run", "%s: %s", f->detectors_path, strerror(errno));
        if (ls_outfile_open(&f->trips, f->trips_path) != 0)
            return ls_cli_fail(1, "run", "%s: %s", f->trips_path, strerror(errno));
        fputs("detector,position_m,lane,begin_s,end_s,count,flow_vph,speed_kmh,occupancy\n",
              f->detectors.f);
        fputs("id,type,origin,destination,entry_lane,exit_lane,arrival_s,entry_s,exit_s,"
              "travel_time_s,lane_changes\n",
              f->trips.f);
    }
    return traj_in_out_dir(o) ? open_traj(o, f) : 0;
}

static void close_files(run_files *f)
{
    ls_outfile_abort(&f->detectors);
    ls_outfile_abort(&f->trips);
    ls_outfile_abort(&f->traj);
    ls_outfile_abort(&f->summary);
    ls_outfile_abort(&f->field);
    ls_outfile_abort(&f->queues);
    ls_outfile_abort(&f->meters);
    free(f->meters_path);
    free(f->field_path);
    free(f->queues_path);
    free(f->detectors_path);
    free(f->trips_path);
    free(f->summary_path);
}

/* The on-ramp whose lane each lane index is (off-ramps have no lane). */
static void name_ramp_lanes(const ls_world *w, const ls_scenario *s, run_files *f)
{
    for (int r = 0; r < s->ramp_count; r++) {
        int lane = s->ramps[r].kind == LS_RAMP_ON ? ls_world_ramp_stats(w, r).lane : -1;
        if (lane >= 0 && lane < LS_MAX_LANES + LS_MAX_RAMPS)
            f->ramp_of_lane[lane] = s->ramps[r].name;
    }
}

/* A ramp's name as a CSV field: quoted (RFC 4180) when it holds a comma, quote or line break,
 * since scenario names are free text. */
static void put_csv_text(const char *text, FILE *out)
{
    if (!strpbrk(text, ",\"\r\n")) {
        fputs(text, out);
        return;
    }
    fputc('"', out);
    for (const char *p = text; *p; p++) {
        if (*p == '"') fputc('"', out);
        fputc(*p, out);
    }
    fputc('"', out);
}

/* One row per vehicle on the road, ramp lanes included. A vehicle crossing into another lane is
 * in both until the crossing ends; its ghost copy in the lane it leaves gets no row, so that
 * each vehicle has exactly one, in the lane the world has it in. Closed stretches are no
 * vehicles. */
static void write_trajectories(const ls_world *w, const run_files *f, FILE *out)
{
    ls_world_info info = ls_world_get_info(w);
    double t = ls_world_time(w), to_kmh = info.cell_length_m / info.dt_s * 3.6;
    for (int l = 0; l < info.lanes + info.ramp_lanes; l++) {
        ls_lane_state s = ls_world_lane(w, l);
        const char *ramp = f->ramp_of_lane[l];
        for (int i = 0; i < s.count; i++) {
            ls_vehicle_info v;
            if (s.handle[i] & (LS_HANDLE_GHOST | LS_HANDLE_OBSTACLE)) continue;
            if (ls_world_vehicle(w, s.handle[i], &v) != LS_OK) continue;
            fprintf(out, "%.2f,%llu,%d,%.1f,%.1f,%s,", t, (unsigned long long)v.id, l + 1,
                    (s.front[i] + 1) * info.cell_length_m, s.speed[i] * to_kmh,
                    ramp ? "ramp" : "mainline");
            if (ramp) put_csv_text(ramp, out);
            fputc('\n', out);
        }
    }
}

/* The space-time field (an empty segment's speed is left blank) and the queue lengths. */
static void drain_field(ls_world *w, run_files *f)
{
    size_t n;
    const ls_field_record *r = ls_world_field_records(w, &n);
    for (size_t i = 0; f->field.f && i < n; i++) {
        fprintf(f->field.f, "%.1f,%.1f,%d,%.1f,%.1f,", r[i].begin_s, r[i].end_s, r[i].lane + 1,
                r[i].from_m, r[i].to_m);
        if (r[i].speed_kmh >= 0) fprintf(f->field.f, "%.2f", r[i].speed_kmh);
        fprintf(f->field.f, ",%.3f,%.1f\n", r[i].density_vpkm, r[i].flow_vph);
    }
    const ls_queue_record *q = ls_world_queue_records(w, &n);
    for (size_t i = 0; f->queues.f && i < n; i++) {
        const ls_bottleneck *b = ls_world_bottleneck(w, q[i].bottleneck);
        fprintf(f->queues.f, "%.1f,%s,%.1f,%d,%.1f\n", q[i].time_s, b->name, b->at_m, q[i].lane + 1,
                q[i].queue_m);
    }
    ls_world_clear_field_records(w);
}

/* Moves finished trips and closed detector periods out of the world into the files. */
static void drain(ls_world *w, const ls_scenario *s, run_files *f)
{
    size_t n;
    const ls_trip *t = ls_world_trips(w, &n);
    for (size_t i = 0; f->trips.f && i < n; i++)
        fprintf(f->trips.f, "%llu,%s,%s,%s,%d,%d,%.2f,%.2f,%.2f,%.2f,%d\n",
                (unsigned long long)t[i].id, s->vehicle_types[t[i].type].name,
                ls_trip_origin_name(w, &t[i]), ls_trip_destination_name(w, &t[i]),
                t[i].entry_lane + 1, t[i].exit_lane + 1, t[i].arrival_s, t[i].entry_s, t[i].exit_s,
                t[i].exit_s - t[i].entry_s, t[i].lane_changes);
    ls_world_clear_trips(w);
    const ls_detector_record *r = ls_world_detector_records(w, &n);
    for (size_t i = 0; f->detectors.f && i < n; i++)
        fprintf(f->detectors.f, "%s,%.1f,%d,%.2f,%.2f,%u,%.1f,%.2f,%.4f\n",
                s->detectors[r[i].detector].name, s->detectors[r[i].detector].at_m, r[i].lane + 1,
                r[i].begin_s, r[i].end_s, r[i].count, r[i].flow_vph, r[i].speed_kmh,
                r[i].occupancy);
    ls_world_clear_detector_records(w);
    const ls_meter_record *m = ls_world_meter_records(w, &n);
    for (size_t i = 0; f->meters.f && i < n; i++) {
        fprintf(f->meters.f, "%.2f,", m[i].time_s);
        put_csv_text(s->ramps[m[i].ramp].name, f->meters.f);
        fprintf(f->meters.f, ",%.1f,%.1f,", m[i].rate_vph, m[i].released_vph);
        if (m[i].occupancy >= 0) fprintf(f->meters.f, "%.4f", m[i].occupancy);
        fprintf(f->meters.f, ",%u\n", m[i].queue);
    }
    ls_world_clear_meter_records(w);
    drain_field(w, f);
}

/* A write that failed (a full disk) stops the run at once, naming the file and the reason. */
static int check_writes(run_files *f)
{
    ls_outfile *files[RUN_FILES];
    const char *names[RUN_FILES];
    file_list(f, files, names);
    for (int i = 0; i < RUN_FILES; i++)
        if (files[i]->f && ls_outfile_failed(files[i]))
            return ls_cli_fail(1, "run", "%s: %s", names[i], strerror(files[i]->err));
    return 0;
}

static int simulate(ls_world *w, const ls_scenario *s, run_files *f, int quiet, double *wall)
{
    ls_progress prog;
    ls_progress_begin(&prog, quiet);
    double start = ls_cli_now();
    ls_world_info info = ls_world_get_info(w);
    if (f->traj.f) write_trajectories(w, f, f->traj.f);
    while (!ls_world_done(w)) {
        ls_status st = ls_world_step(w);
        if (st != LS_OK) {
            ls_progress_end(&prog);
            return ls_cli_fail(1, "run", "simulation failed at t = %.0f s: %s", ls_world_time(w),
                               ls_status_name(st));
        }
        int64_t k = ls_world_step_index(w);
        if (f->traj.f && k % f->sample_steps == 0) write_trajectories(w, f, f->traj.f);
        if ((k & 255) == 0 || ls_world_done(w)) {
            drain(w, s, f);
            int rc = check_writes(f);
            if (rc) {
                ls_progress_end(&prog);
                return rc;
            }
            char rate[64];
            snprintf(rate, sizeof rate, "%.1f M upd/s",
                     (double)ls_world_vehicle_updates(w) / (ls_cli_now() - start) / 1e6);
            ls_progress_update(&prog, (double)k / (double)info.total_steps, rate);
        }
        if (ls_cli_interrupted) {
            ls_progress_end(&prog);
            return ls_cli_fail(130, "run", "interrupted at t = %.0f s; no output written",
                               ls_world_time(w));
        }
    }
    *wall = ls_cli_now() - start;
    ls_progress_end(&prog);
    return 0;
}

/* Renames the finished files into place; if one rename fails, the ones already renamed are
 * removed again, so that a run leaves all of its files or none. */
static int rename_files(ls_outfile *files[RUN_FILES], const char *names[RUN_FILES])
{
    for (int i = 0; i < RUN_FILES; i++) {
        if (!files[i]->finished) continue;
        if (ls_outfile_commit(files[i]) == 0) continue;
        int rc = ls_cli_fail(1, "run", "%s: %s", names[i], strerror(errno));
        for (int j = 0; j < i; j++)
            if (names[j]) remove(names[j]);
        return rc;
    }
    return 0;
}

/* Writes summary.json, then finishes (writes out and syncs) every file before renaming any, so
 * that a failure, such as a full disk, leaves no output rather than some of it. */
static int finish_files(run_files *f, const char *json)
{
    if (f->summary_path) {
        if (ls_outfile_open(&f->summary, f->summary_path) != 0)
            return ls_cli_fail(1, "run", "%s: %s", f->summary_path, strerror(errno));
        fputs(json, f->summary.f);
        fputc('\n', f->summary.f);
    }
    ls_outfile *files[RUN_FILES];
    const char *names[RUN_FILES];
    file_list(f, files, names);
    for (int i = 0; i < RUN_FILES; i++)
        if (files[i]->f && ls_outfile_finish(files[i]) != 0)
            return ls_cli_fail(1, "run", "%s: %s", names[i], strerror(errno));
    return rename_files(files, names);
}

static int run_world(const run_opts *o, ls_world *w, const ls_scenario *s)
{
    run_files f;
    double wall = 0;
    int rc = open_files(o, w, &f);
    name_ramp_lanes(w, s, &f);
    /* The space-time field costs a pass over the vehicles every step: only when written. */
    if (!rc && f.field.f && ls_world_enable_field(w, true) != LS_OK)
        rc = ls_cli_fail(1, "run", "out of memory for the space-time field");
    if (!rc) rc = simulate(w, s, &f, o->common.quiet, &wall);
    cJSON *sum = rc ? NULL : ls_summary_json(w, s, wall);
    char *json = sum ? cJSON_Print(sum) : NULL;
    if (!rc && !json) rc = ls_cli_fail(1, "run", "out of memory");
    if (!rc) rc = finish_files(&f, json);
    if (!rc) {
        if (o->json)
            printf("%s\n", json);
        else
            ls_summary_print_table(sum, stdout);
        if (fflush(stdout) != 0) rc = ls_cli_fail(1, "run", "stdout: %s", strerror(errno));
    }
    free(json);
    cJSON_Delete(sum);
    close_files(&f);
    return rc;
}

/* The files --out writes, in the order they are first opened. */
static const char *const OUT_NAMES[] = {"meters.csv",    "speed_field.csv", "queues.csv",
                                        "detectors.csv", "trips.csv",       "summary.json"};

/* The --out directory: the files it will hold if it exists, else whether it can be made. */
static int check_out_dir(const char *dir)
{
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return ls_outfile_check_dir(dir) != 0
                   ? ls_cli_fail(1, "run", "%s: %s", dir, strerror(errno))
                   : 0;
    for (size_t i = 0; i < sizeof OUT_NAMES / sizeof OUT_NAMES[0]; i++) {
        char *path = join(dir, OUT_NAMES[i]);
        if (!path) return ls_cli_fail(1, "run", "out of memory");
        int bad = ls_outfile_check(path) != 0;
        int rc = bad ? ls_cli_fail(1, "run", "%s: %s", path, strerror(errno)) : 0;
        free(path);
        if (rc) return rc;
    }
    return 0;
}

/* Every output path, before the scenario is even loaded: a run that cannot write its results
 * should not be made to wait for them. Nothing is created. */
static int check_outputs(const run_opts *o)
{
    struct stat st;
    int later = traj_in_out_dir(o) && stat(o->out_dir, &st) != 0; /* checked with the dir */
    if (o->trajectories && !later && ls_outfile_check(o->trajectories) != 0)
        return ls_cli_fail(1, "run", "%s: %s", o->trajectories, strerror(errno));
    return o->out_dir ? check_out_dir(o->out_dir) : 0;
}

/* A sampling period the steps keep exactly: a whole number of steps of model.dt. */
static int check_sample(const run_opts *o, const ls_scenario *s)
{
    if (o->sample_s <= 0) return 0;
    double steps = floor(o->sample_s / s->model.dt_s + 0.5);
    if (steps < 1 || fabs(steps * s->model.dt_s - o->sample_s) > 1e-9 * o->sample_s)
        return ls_cli_fail(2, "run", "--sample %g: expected a whole multiple of model.dt (%g s)",
                           o->sample_s, s->model.dt_s);
    return 0;
}

int ls_cmd_run(int argc, char **argv)
{
    run_opts o;
    int rc = parse_run(argc, argv, &o);
    if (rc) return rc < 0 ? 0 : rc;
    if (o.sample_s > 0 && !o.trajectories)
        return ls_cli_fail(2, "run",
                           "--sample: only with --trajectories FILE (it is their "
                           "sampling period)");
    if ((rc = check_outputs(&o)) != 0) return rc;
    ls_scenario s;
    if ((rc = ls_cli_load(&o.common, &s)) != 0) return rc;
    if ((rc = check_sample(&o, &s)) != 0) return rc;
    ls_world *w;
    if ((rc = ls_cli_create_world(&s, &w)) != 0) return rc;
    ls_cli_catch_signals();
    rc = run_world(&o, w, &s);
    ls_world_destroy(w);
    return rc;
}
