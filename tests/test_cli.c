/* test_cli.c: the `lanesim` command as people script it: outputs, exit statuses, messages. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"

static char *cmd(const char *fmt, const char *a, const char *b)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, fmt, ls_test_cli(), a ? a : "", b ? b : "");
    return buf;
}

static const cJSON *get(const cJSON *o, const char *key)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
    cr_assert_not_null(x, "missing field %s", key);
    return x;
}

Test(cli, version_and_help)
{
    char *out, *err;
    cr_expect_eq(ls_test_run(cmd("%s --version", 0, 0), &out, &err), 0);
    cr_expect(strstr(out, LANESIM_VERSION) != NULL);
    free(out), free(err);
    cr_expect_eq(ls_test_run(cmd("%s run --help", 0, 0), &out, &err), 0);
    cr_expect(strstr(out, "--trajectories") != NULL);
    free(out), free(err);
    cr_expect_eq(ls_test_run(cmd("%s nonsense", 0, 0), &out, &err), 2);
    free(out), free(err);
}

/* The JSON object carries every field cli.md promises. */
Test(cli, run_json_has_contract_fields)
{
    char *out, *err;
    int rc = ls_test_run(
        cmd("%s run %s --duration 300 --set simulation.warmup=100 --format json --quiet",
            ls_test_src("scenarios/ring-2lane.yaml"), 0),
        &out, &err);
    cr_assert_eq(rc, 0, "stderr: %s", err);
    cJSON *j = cJSON_Parse(out);
    cr_assert_not_null(j, "not JSON: %s", out);
    const cJSON *lanes = get(j, "lanes");
    cr_expect_eq(cJSON_GetArraySize(lanes), 2);
    const char *lane_keys[] = {"lane",          "flow_vph",         "speed_kmh",   "density_vpkm",
                               "flow_per_step", "density_per_cell", "lane_changes"};
    for (int k = 0; k < 7; k++) get(cJSON_GetArrayItem(lanes, 0), lane_keys[k]);
    const char *det_keys[] = {"name", "position_m", "lane", "flow_vph", "speed_kmh", "occupancy"};
    for (int k = 0; k < 6; k++) get(cJSON_GetArrayItem(get(j, "detectors"), 0), det_keys[k]);
    const char *veh_keys[] = {"entered", "exited", "inside", "waiting"};
    for (int k = 0; k < 4; k++) get(get(j, "vehicles"), veh_keys[k]);
    const char *top[] = {"mean_travel_time_s", "vehicle_steps", "wall_seconds", "seed"};
    for (int k = 0; k < 4; k++) get(j, top[k]);
    /* 0.2 x 1000 cells x 2 lanes, 300 steps. */
    cr_expect_eq(get(j, "vehicle_steps")->valuedouble, 400.0 * 300);
    cJSON_Delete(j);
    free(out), free(err);
}

static char *read_dir_file(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return ls_test_read(path, NULL);
}

/* Drops the wall-clock fields, the only ones allowed to differ between identical runs. */
static char *without_wall_clock(char *json)
{
    cJSON *j = cJSON_Parse(json);
    cr_assert_not_null(j);
    cJSON_DeleteItemFromObject(j, "wall_seconds");
    cJSON_DeleteItemFromObject(j, "vehicle_updates_per_second");
    char *s = cJSON_Print(j);
    cJSON_Delete(j);
    free(json);
    return s;
}

static void run_to(const char *dir, const char *seed)
{
    char c[4096];
    snprintf(c, sizeof c,
             "%s run %s --duration 900 --seed %s --out %s --trajectories %s/traj.csv --sample 10 "
             "--quiet",
             ls_test_cli(), ls_test_src("scenarios/highway-4lane.yaml"), seed, dir, dir);
    char *out, *err;
    cr_assert_eq(ls_test_run(c, &out, &err), 0, "stderr: %s", err);
    free(out), free(err);
}

/* Same scenario, seed and options: byte-identical files. Another seed: different trips. */
Test(cli, outputs_are_deterministic)
{
    char a[] = "/tmp/lstest-a-XXXXXX", b[] = "/tmp/lstest-b-XXXXXX", c[] = "/tmp/lstest-c-XXXXXX";
    cr_assert_not_null(mkdtemp(a));
    cr_assert_not_null(mkdtemp(b));
    cr_assert_not_null(mkdtemp(c));
    run_to(a, "5");
    run_to(b, "5");
    run_to(c, "6");
    const char *files[] = {"detectors.csv", "trips.csv", "traj.csv"};
    for (int i = 0; i < 3; i++) {
        char *x = read_dir_file(a, files[i]), *y = read_dir_file(b, files[i]);
        cr_assert(x && y, "%s missing", files[i]);
        cr_expect_str_eq(x, y, "%s differs between identical runs", files[i]);
        free(x), free(y);
    }
    char *x = without_wall_clock(read_dir_file(a, "summary.json"));
    char *y = without_wall_clock(read_dir_file(b, "summary.json"));
    cr_expect_str_eq(x, y);
    free(x), free(y);
    x = read_dir_file(a, "trips.csv");
    y = read_dir_file(c, "trips.csv");
    cr_expect(strcmp(x, y) != 0, "seeds 5 and 6 gave the same trips");
    /* Each finished trip is a row: the header plus summary's exited count. */
    size_t rows = 0;
    for (char *p = x; *p; p++) rows += *p == '\n';
    char *text = read_dir_file(a, "summary.json");
    cJSON *j = cJSON_Parse(text);
    cr_expect_eq((double)(rows - 1), get(get(j, "vehicles"), "exited")->valuedouble);
    cJSON_Delete(j);
    free(text);
    free(x), free(y);
    char rm[256];
    snprintf(rm, sizeof rm, "rm -rf %s %s %s", a, b, c);
    cr_expect_eq(system(rm), 0);
}

/* A bad --set value: one line naming the override, exit status 2, and no output at all. */
Test(cli, bad_set_value_is_one_line_and_no_output)
{
    char dir[] = "/tmp/lstest-bad-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char c[4096], *out, *err;
    snprintf(c, sizeof c, "%s run %s --set model.p_slow=1.7 --out %s/o", ls_test_cli(),
             ls_test_src("scenarios/ring.yaml"), dir);
    cr_expect_eq(ls_test_run(c, &out, &err), 2);
    cr_expect(strncmp(err, "lanesim: --set model.p_slow=1.7: expected a number from 0 to 1", 62) ==
                  0,
              "stderr: %s", err);
    cr_expect_eq(strchr(err, '\n') - err + 1, (long)strlen(err), "more than one line: %s", err);
    struct stat st;
    char o[sizeof dir + 8];
    snprintf(o, sizeof o, "%s/o", dir);
    cr_expect_neq(stat(o, &st), 0, "output directory created despite the error");
    rmdir(dir);
    free(out), free(err);
}

Test(cli, bad_options_exit_2)
{
    const char *bad[] = {"run --format xml",       "run --seed -1",
                         "run --sample 0",         "run --bogus",
                         "run a.yaml b.yaml",      "bench --case nope",
                         "run --duration forever", "validate /nonexistent/file.yaml"};
    for (int i = 0; i < 8; i++) {
        char c[512], *out, *err;
        snprintf(c, sizeof c, "%s %s", ls_test_cli(), bad[i]);
        int rc = ls_test_run(c, &out, &err);
        /* A missing file is an I/O failure (1); everything else is bad input (2). */
        cr_expect_eq(rc, i == 7 ? 1 : 2, "'%s' exited %d: %s", bad[i], rc, err);
        cr_expect(err && strlen(err) > 0 && strchr(err, '\n') == err + strlen(err) - 1,
                  "'%s': expected one line on stderr, got: %s", bad[i], err);
        free(out), free(err);
    }
}

/* An output directory that cannot be created: exit status 1, a message, nothing written. */
Test(cli, unwritable_output_fails_cleanly)
{
    char *out, *err;
    int rc = ls_test_run(cmd("%s run %s --duration 1200 --out /proc/lanesim-no/such",
                             ls_test_src("scenarios/ring.yaml"), 0),
                         &out, &err);
    cr_expect_eq(rc, 1);
    cr_expect(strstr(err, "/proc/lanesim-no") != NULL, "stderr: %s", err);
    free(out), free(err);
}

Test(cli, validate_reports_and_exits)
{
    char *out, *err;
    cr_expect_eq(ls_test_run(cmd("%s validate %s", ls_test_src("scenarios/highway-4lane.yaml"), 0),
                             &out, &err),
                 0);
    free(out), free(err);
    cr_expect_eq(ls_test_run(cmd("%s validate %s --set road.lanes=four",
                                 ls_test_src("scenarios/ring.yaml"), 0),
                             &out, &err),
                 2);
    cr_expect(strstr(err, "road.lanes") != NULL, "stderr: %s", err);
    free(out), free(err);
}

Test(cli, bench_runs_one_case)
{
    char *out, *err;
    int rc = ls_test_run(cmd("%s bench --case highway-4lane --repeats 1 --format json", 0, 0), &out,
                         &err);
    cr_assert_eq(rc, 0, "stderr: %s", err);
    cJSON *j = cJSON_Parse(out);
    cr_assert_not_null(j);
    const cJSON *c = cJSON_GetArrayItem(get(j, "cases"), 0);
    cr_expect_str_eq(get(c, "name")->valuestring, "highway-4lane");
    cr_expect_eq(get(c, "steps")->valuedouble, 3600);
    cr_expect(get(c, "vehicle_updates_per_second")->valuedouble > 0);
    cJSON_Delete(j);
    free(out), free(err);
}

/* Every malformed file in tests/data/bad: `lanesim validate` exits 2 and every line it prints
 * has the compiler form "FILE:LINE:COLUMN: " naming that file (the exact messages are checked
 * in test_loader.c). */
Test(cli, validate_bad_files_exit_2_with_positions)
{
    char list[4096], *names, *err;
    snprintf(list, sizeof list, "ls %s", ls_test_src("tests/data/bad"));
    cr_assert_eq(ls_test_run(list, &names, &err), 0);
    free(err);
    int files = 0;
    for (char *name = strtok(names, "\n"); name; name = strtok(NULL, "\n")) {
        char path[2048], c[4096], *out;
        snprintf(path, sizeof path, "%s/%s", ls_test_src("tests/data/bad"), name);
        snprintf(c, sizeof c, "%s validate %s", ls_test_cli(), path);
        cr_expect_eq(ls_test_run(c, &out, &err), 2, "%s", name);
        cr_expect(strlen(err) > 0, "%s: no message", name);
        for (char *line = err; *line;) {
            char *nl = strchr(line, '\n');
            int ln = 0, col = 0;
            cr_expect(strncmp(line, path, strlen(path)) == 0 &&
                          sscanf(line + strlen(path), ":%d:%d: ", &ln, &col) == 2 && ln > 0 &&
                          col > 0,
                      "%s: not FILE:LINE:COLUMN: %.*s", name, nl ? (int)(nl - line) : 80, line);
            line = nl ? nl + 1 : line + strlen(line);
        }
        free(out), free(err);
        files++;
    }
    cr_expect(files >= 25, "only %d malformed files", files);
    free(names);
}

/* The on-ramp road with an on-ramp ("in") and an off-ramp ("out") taking a fifth of the traffic,
 * run for 1500 s with --out into a new directory `dir` (a mkdtemp template); its JSON summary. */
static cJSON *run_with_ramps(char *dir)
{
    cr_assert_not_null(mkdtemp(dir));
    char c[4096], *out, *err;
    snprintf(c, sizeof c,
             "%s run %s --set 'ramps=[{name: in, kind: on, at: 3000, flow: 600}, "
             "{name: out, kind: off, at: 4500, share: 0.2}]' --duration 1500 --format json "
             "--quiet --out %s",
             ls_test_cli(), ls_test_src("scenarios/onramp.yaml"), dir);
    cr_assert_eq(ls_test_run(c, &out, &err), 0, "stderr: %s", err);
    cJSON *j = cJSON_Parse(out);
    cr_assert_not_null(j);
    free(out), free(err);
    return j;
}

static void remove_dir(const char *dir)
{
    char c[4096];
    snprintf(c, sizeof c, "rm -rf %s", dir);
    cr_expect_eq(system(c), 0);
}

/* Ramps in the outputs: the JSON lists each ramp and the trips per origin and destination,
 * trips.csv names them, and --out writes the space-time field and the queue lengths. */
Test(cli, ramps_and_fields_in_the_outputs)
{
    char dir[] = "/tmp/lstest-ramps-XXXXXX";
    cJSON *j = run_with_ramps(dir);
    const cJSON *ramps = get(j, "ramps");
    cr_expect_eq(cJSON_GetArraySize(ramps), 2);
    cr_expect(get(cJSON_GetArrayItem(ramps, 0), "merges")->valuedouble > 0);
    cr_expect(get(cJSON_GetArrayItem(ramps, 1), "exited")->valuedouble > 0);
    get(get(j, "vehicles"), "missed_exits");
    int found = 0;
    const cJSON *od;
    cJSON_ArrayForEach(od, get(j, "od"))
    {
        found |= !strcmp(get(od, "origin")->valuestring, "in") &&
                 !strcmp(get(od, "destination")->valuestring, "out");
    }
    cr_expect(found, "no trip from the on-ramp to the off-ramp in the od table");
    cJSON_Delete(j);
    const char *files[] = {"speed_field.csv", "queues.csv", "trips.csv"};
    const char *heads[] = {"begin_s,end_s,lane,from_m,to_m,speed_kmh", "time_s,bottleneck",
                           "id,type,origin,destination"};
    for (int i = 0; i < 3; i++) {
        char *x = read_dir_file(dir, files[i]);
        cr_assert_not_null(x, "%s missing", files[i]);
        cr_expect(strncmp(x, heads[i], strlen(heads[i])) == 0, "%s header: %.60s", files[i], x);
        if (i == 2) cr_expect(strstr(x, ",in,out,") != NULL, "no trip from in to out");
        free(x);
    }
    remove_dir(dir);
}

/* The summary's origin-destination table and its totals agree with trips.csv, recomputed here
 * from its rows: the trips that ended after the warm-up (exit_s > warmup_s), counted per origin
 * and destination, and their mean travel time (within 0.005 s: the file keeps two decimals);
 * and the file has a row for every vehicle that left the road. */
Test(cli, od_table_agrees_with_trips_csv)
{
    char dir[] = "/tmp/lstest-od-XXXXXX";
    cJSON *j = run_with_ramps(dir);
    double warmup = get(j, "warmup_s")->valuedouble;
    enum { PAIRS = 8 };
    char origin[PAIRS][32], dest[PAIRS][32];
    double n[PAIRS] = {0}, sum[PAIRS] = {0}, all = 0, all_sum = 0, rows = 0;
    int pairs = 0;
    char *csv = read_dir_file(dir, "trips.csv");
    cr_assert_not_null(csv);
    char *save = NULL;
    strtok_r(csv, "\n", &save); /* the header */
    for (char *line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char o[32], d[32];
        double exit_s, tt;
        cr_assert_eq(sscanf(line, "%*[^,],%*[^,],%31[^,],%31[^,],%*d,%*d,%*f,%*f,%lf,%lf", o, d,
                            &exit_s, &tt),
                     4, "row: %s", line);
        rows++;
        if (exit_s <= warmup) continue;
        int k = 0;
        while (k < pairs && (strcmp(origin[k], o) || strcmp(dest[k], d))) k++;
        if (k == pairs) {
            cr_assert_lt(pairs, PAIRS);
            strcpy(origin[pairs], o), strcpy(dest[pairs], d), pairs++;
        }
        n[k]++, sum[k] += tt, all++, all_sum += tt;
    }
    free(csv);
    cr_assert_gt(pairs, 2, "only %d origin-destination pairs", pairs);
    cr_expect_eq(cJSON_GetArraySize(get(j, "od")), pairs);
    const cJSON *od;
    cJSON_ArrayForEach(od, get(j, "od"))
    {
        const char *o = get(od, "origin")->valuestring, *d = get(od, "destination")->valuestring;
        int k = 0;
        while (k < pairs && (strcmp(origin[k], o) || strcmp(dest[k], d))) k++;
        cr_assert_lt(k, pairs, "%s -> %s is in the summary, not in trips.csv", o, d);
        cr_expect_eq(get(od, "trips")->valuedouble, n[k], "%s -> %s", o, d);
        cr_expect(fabs(get(od, "mean_travel_time_s")->valuedouble - sum[k] / n[k]) < 0.005,
                  "%s -> %s: mean %.3f s, trips.csv %.3f s", o, d,
                  get(od, "mean_travel_time_s")->valuedouble, sum[k] / n[k]);
    }
    cr_expect_eq(get(j, "trips")->valuedouble, all);
    /* Every vehicle that left the road, by an exit or at the end, has its row. */
    cr_expect_eq(get(get(j, "vehicles"), "exited")->valuedouble, rows);
    cr_expect(fabs(get(j, "mean_travel_time_s")->valuedouble - all_sum / all) < 0.005);
    cJSON_Delete(j);
    remove_dir(dir);
}

/* One vehicle of a trajectories.csv row: its id, lane (1-based), lane_kind and ramp name. */
typedef struct traj_row {
    unsigned long long id;
    int lane;
    char kind[16], ramp[64];
} traj_row;

static int by_id(const void *a, const void *b)
{
    unsigned long long x = ((const traj_row *)a)->id, y = ((const traj_row *)b)->id;
    return (x > y) - (x < y);
}

/* The rows of `csv` at time t (to the file's two decimals), sorted by id. */
static traj_row *rows_at(const char *csv, double t, size_t *n)
{
    size_t cap = 4096;
    traj_row *rows = malloc(cap * sizeof *rows);
    cr_assert_not_null(rows);
    *n = 0;
    const char *line = strchr(csv, '\n') + 1; /* after the header */
    for (; *line; line = strchr(line, '\n') + 1) {
        double time;
        traj_row r = {0};
        int got = sscanf(line, "%lf,%llu,%d,%*f,%*f,%15[^,\n],%63[^,\n]", &time, &r.id, &r.lane,
                         r.kind, r.ramp);
        cr_assert(got >= 4, "row: %.80s", line);
        if (fabs(time - t) > 0.005) continue;
        if (*n == cap) rows = realloc(rows, (cap *= 2) * sizeof *rows);
        cr_assert_not_null(rows);
        rows[(*n)++] = r;
    }
    qsort(rows, *n, sizeof *rows, by_id);
    return rows;
}

/* Every vehicle on the road has exactly one row per sampled step: on the on-ramp road, every
 * 60 s, the rows are compared with the world itself (the same scenario and seed, stepped here):
 * as many rows as ls_world_counts().inside, no id twice (a vehicle crossing lanes is in two
 * lanes, once as a ghost), each vehicle in the lane the world has it in, and ramp lanes marked
 * `ramp` with the ramp's name, mainline lanes `mainline` with none. */
Test(cli, trajectories_have_a_row_per_vehicle_on_the_road)
{
    char dir[] = "/tmp/lstest-traj-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char c[4096], *out, *err;
    snprintf(c, sizeof c, "%s run %s --duration 900 --sample 60 --trajectories %s/t.csv --quiet",
             ls_test_cli(), ls_test_src("scenarios/onramp.yaml"), dir);
    cr_assert_eq(ls_test_run(c, &out, &err), 0, "stderr: %s", err);
    free(out), free(err);
    char *csv = read_dir_file(dir, "t.csv");
    cr_assert_not_null(csv);
    const char *head = "time_s,id,lane,position_m,speed_kmh,lane_kind,ramp\n";
    cr_expect(strncmp(csv, head, strlen(head)) == 0, "header: %.60s", csv);
    const char *sets[] = {"simulation.duration=900"};
    ls_scenario s;
    ls_test_scenario_file("scenarios/onramp.yaml", sets, 1, &s);
    ls_world *w = ls_test_world(&s);
    ls_world_info info = ls_world_get_info(w);
    cr_assert_eq(info.ramp_lanes, 1);
    int ghosts = 0, on_ramp = 0;
    while (1) {
        if (ls_world_step_index(w) % 60 == 0) {
            size_t n;
            traj_row *rows = rows_at(csv, ls_world_time(w), &n);
            cr_expect_eq(n, ls_world_counts(w).inside, "t = %.0f s: %zu rows, %llu on the road",
                         ls_world_time(w), n, (unsigned long long)ls_world_counts(w).inside);
            for (size_t i = 1; i < n; i++)
                cr_expect_neq(rows[i].id, rows[i - 1].id, "t = %.0f s: vehicle %llu twice",
                              ls_world_time(w), rows[i].id);
            for (int l = 0; l < info.lanes + info.ramp_lanes; l++) {
                ls_lane_state st = ls_world_lane(w, l);
                for (int i = 0; i < st.count; i++) {
                    if (st.handle[i] & LS_HANDLE_OBSTACLE) continue;
                    if (st.handle[i] & LS_HANDLE_GHOST) {
                        ghosts++;
                        continue;
                    }
                    ls_vehicle_info v;
                    cr_assert_eq(ls_world_vehicle(w, st.handle[i], &v), LS_OK);
                    traj_row key = {.id = v.id};
                    traj_row *r = bsearch(&key, rows, n, sizeof *rows, by_id);
                    cr_assert_not_null(r, "t = %.0f s: no row for vehicle %llu in lane %d",
                                       ls_world_time(w), (unsigned long long)v.id, l + 1);
                    cr_expect_eq(r->lane, l + 1, "vehicle %llu", (unsigned long long)v.id);
                    int ramp = l >= info.lanes;
                    on_ramp += ramp;
                    cr_expect_str_eq(r->kind, ramp ? "ramp" : "mainline");
                    cr_expect_str_eq(r->ramp, ramp ? "on-ramp" : "");
                }
            }
            free(rows);
        }
        if (ls_world_done(w)) break;
        cr_assert_eq(ls_world_step(w), LS_OK);
    }
    cr_expect_gt(on_ramp, 0, "no vehicle on the ramp at any sampled time");
    cr_expect_gt(ghosts, 0, "no vehicle crossing lanes at any sampled time");
    ls_world_destroy(w);
    free(csv);
    remove_dir(dir);
}

/* An output path that cannot be written fails before anything runs or is created: exit
 * status 1 and one line naming it; the --out directory is not made when --trajectories cannot
 * be written, and no trajectories are started when --out cannot be made. */
Test(cli, unwritable_outputs_fail_before_running)
{
    char dir[] = "/tmp/lstest-paths-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char c[4096], *out, *err, file[256];
    snprintf(file, sizeof file, "%s/file", dir);
    FILE *f = fopen(file, "w");
    cr_assert_not_null(f);
    fclose(f);
    const char *cases[][2] = {
        {"o", "/nonexistent/t.csv"}, {"o", "no/such/t.csv"}, {"file/o", "t.csv"}, {"o", ""}};
    for (int i = 0; i < 4; i++) {
        char traj[512];
        if (cases[i][1][0] == '/')
            snprintf(traj, sizeof traj, "%s", cases[i][1]);
        else
            snprintf(traj, sizeof traj, "%s/%s", dir, cases[i][1]);
        snprintf(c, sizeof c,
                 "%s run %s --duration 60 --set simulation.warmup=0 --out %s/%s --trajectories %s "
                 "--quiet",
                 ls_test_cli(), ls_test_src("scenarios/ring.yaml"), dir, cases[i][0], traj);
        cr_expect_eq(ls_test_run(c, &out, &err), 1, "%s", c);
        cr_expect(strncmp(err, "lanesim run: ", 13) == 0 &&
                      strchr(err, '\n') == err + strlen(err) - 1,
                  "%s: %s", c, err);
        free(out), free(err);
        /* Only the file made above is left in the directory. */
        snprintf(c, sizeof c, "ls -A %s", dir);
        cr_assert_eq(ls_test_run(c, &out, &err), 0);
        cr_expect_str_eq(out, "file\n", "case %d left files behind", i);
        free(out), free(err);
    }
    remove_dir(dir);
}

/* --sample needs --trajectories, and a period the steps can keep: a whole multiple of
 * model.dt. Either mistake is one line and exit status 2; 2.5 s with dt = 0.5 s samples at
 * 0, 2.5, 5, ... s. */
Test(cli, sample_period_is_checked)
{
    char c[4096], *out, *err;
    const char *bad[] = {"--sample 10", "--sample 2.5 --trajectories /dev/null",
                         "--sample 0.5 --trajectories /dev/null"};
    for (int i = 0; i < 3; i++) {
        snprintf(c, sizeof c, "%s run %s --duration 60 --set simulation.warmup=0 %s --quiet",
                 ls_test_cli(), ls_test_src("scenarios/ring.yaml"), bad[i]);
        cr_expect_eq(ls_test_run(c, &out, &err), 2, "%s", bad[i]);
        cr_expect(strncmp(err, "lanesim run: --sample", 21) == 0 &&
                      strchr(err, '\n') == err + strlen(err) - 1,
                  "%s: %s", bad[i], err);
        free(out), free(err);
    }
    char dir[] = "/tmp/lstest-sample-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    snprintf(c, sizeof c,
             "%s run %s --duration 10 --set simulation.warmup=0 --set model.dt=0.5 --sample 2.5 "
             "--trajectories %s/t.csv "
             "--quiet",
             ls_test_cli(), ls_test_src("scenarios/ring.yaml"), dir);
    cr_assert_eq(ls_test_run(c, &out, &err), 0, "%s", err);
    free(out), free(err);
    char *csv = read_dir_file(dir, "t.csv");
    cr_assert_not_null(csv);
    double expect = 0;
    int times = 0;
    for (char *line = strchr(csv, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
        double t;
        cr_assert_eq(sscanf(line, "%lf,", &t), 1);
        if (fabs(t - expect) < 1e-9) continue;
        expect += 2.5;
        times++;
        cr_expect(fabs(t - expect) < 1e-9, "row at %.2f s after %.2f s", t, expect - 2.5);
    }
    cr_expect_eq(times, 4, "sampled times after 0: %d, expected 2.5, 5, 7.5, 10", times);
    free(csv);
    remove_dir(dir);
}

/* The column of `word` in the line after the header line `head` starts at, which must end
 * where "speed km/h" ends in the header (right-aligned under it). */
static void expect_under_speed(const char *head, const char *word)
{
    const char *speed = strstr(head, "speed km/h"), *next = strchr(head, '\n');
    cr_assert(speed && next && speed < next, "header: %.100s", head);
    long end = speed + 10 - head;
    const char *at = strstr(next + 1, word);
    cr_expect(at && at + strlen(word) - (next + 1) == end && at[strlen(word)] == '\n' &&
                  strspn(next + 1, " ") == (size_t)(at - next - 1),
              "'%s' not alone under \"speed km/h\": %.200s", word, head);
}

/* The table says which mean each speed is: the lanes' speed is the space-mean over the whole
 * road, the detectors' the time-mean at the loop (on ring.yaml they differ by 40 km/h). */
Test(cli, table_says_which_mean_speed)
{
    char *out, *err;
    int rc =
        ls_test_run(cmd("%s run %s --quiet", ls_test_src("scenarios/ring.yaml"), 0), &out, &err);
    cr_assert_eq(rc, 0, "stderr: %s", err);
    const char *lanes = strstr(out, "lane  flow veh/h  speed km/h");
    const char *dets = strstr(out, "\ndetector        position m  lane  flow veh/h  speed km/h");
    cr_assert(lanes && dets, "%s", out);
    expect_under_speed(lanes, "space-mean");
    expect_under_speed(dets + 1, "time-mean");
    free(out), free(err);
}
