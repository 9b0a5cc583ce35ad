/* test_sweep.c: `lanesim sweep` and `lanesim merge`: identical rows whatever the threads, shards
 * or interruptions; the seed formula; resume; malformed grids; aggregates by hand. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

/* A small ring: 200 cells, a few dozen cars, 300 s; a run takes well under a millisecond. */
#define SMALL                                                                                      \
    "--set road.length=1500 --set 'detectors=[]' --duration 300 --set simulation.warmup=60 "

static char dir[64];

static void make_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/lstest-sweep-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void remove_dir(void)
{
    char c[128];
    snprintf(c, sizeof c, "rm -rf %s", dir);
    cr_expect_eq(system(c), 0);
}

static const char *in_dir(const char *name)
{
    static char buf[8][256];
    static int next;
    char *b = buf[next++ % 8];
    snprintf(b, sizeof buf[0], "%s/%s", dir, name);
    return b;
}

/* `lanesim sweep scenarios/ring.yaml ARGS --quiet`; returns the exit status. */
static int sweep(const char *args, char **err)
{
    char c[4096], *out;
    snprintf(c, sizeof c, "%s sweep %s %s --quiet", ls_test_cli(),
             ls_test_src("scenarios/ring.yaml"), args);
    int rc = ls_test_run(c, &out, err);
    free(out);
    return rc;
}

static void sweep_ok(const char *args)
{
    char *err;
    int rc = sweep(args, &err);
    cr_assert_eq(rc, 0, "sweep %s: exit %d: %s", args, rc, err);
    free(err);
}

static int64_t run_of(const char *line)
{
    return strtoll(line, NULL, 10);
}

static int by_run(const void *a, const void *b)
{
    int64_t x = run_of(*(char *const *)a), y = run_of(*(char *const *)b);
    return (x > y) - (x < y);
}

/* The file's header and rows, rows sorted by run, each without wall_s (the last column: the
 * only one allowed to differ between identical runs). */
static char *canonical(const char *path, int *rows)
{
    size_t len;
    char *text = ls_test_read(path, &len);
    cr_assert_not_null(text, "%s missing", path);
    char *lines[4096];
    int n = 0;
    for (char *s = text, *nl; (nl = strchr(s, '\n')) != NULL && n < 4096; s = nl + 1) {
        *nl = 0;
        char *comma = strrchr(s, ',');
        if (comma) *comma = 0;
        lines[n++] = s;
    }
    cr_assert(n > 0, "%s is empty", path);
    qsort(lines + 1, (size_t)n - 1, sizeof *lines, by_run);
    char *out = calloc(len + 2, 1);
    for (int i = 0; i < n; i++) strcat(strcat(out, lines[i]), "\n");
    if (rows) *rows = n - 1;
    free(text);
    return out;
}

static void expect_same_rows(const char *a, const char *b)
{
    char *x = canonical(a, NULL), *y = canonical(b, NULL);
    cr_expect_str_eq(x, y, "%s and %s differ", a, b);
    free(x), free(y);
}

/* Splits a CSV line without quoted fields, keeping empty fields. */
static int split(char *line, char **f, int max)
{
    int n = 0;
    for (char *s = line; n < max; s++) {
        f[n++] = s;
        s = strchr(s, ',');
        if (!s) break;
        *s = 0;
    }
    return n;
}

/* Index of the column `name` in the header: the first line of `text`. */
static int column(const char *text, const char *name)
{
    char *header = strdup(text), *f[512];
    header[strcspn(header, "\n")] = 0;
    int n = split(header, f, 512), at = -1;
    for (int i = 0; i < n && at < 0; i++)
        if (strcmp(f[i], name) == 0) at = i;
    free(header);
    cr_assert(at >= 0, "no column %s", name);
    return at;
}

/* The data lines of a text (its header dropped), NUL-terminated in place. */
static int data_lines(char *text, char **lines, int max)
{
    int n = 0;
    char *s = strchr(text, '\n');
    cr_assert_not_null(s);
    for (s++; *s && n < max;) {
        char *nl = strchr(s, '\n');
        lines[n++] = s;
        if (!nl) break;
        *nl = 0;
        s = nl + 1;
    }
    return n;
}

static int count_rows(const char *path)
{
    char *text = ls_test_read(path, NULL);
    int n = 0;
    for (char *s = text; s && *s; s++) n += *s == '\n';
    free(text);
    return n - 1;
}

Test(sweep, jobs_1_and_2_give_the_same_rows)
{
    make_dir();
    char a[512], b[512];
    const char *grid =
        SMALL "--grid initial.density=0.1:0.5:0.1 --grid model.p_slow=0.2,0.5 --reps 3";
    snprintf(a, sizeof a, "%s --jobs 1 --out %s", grid, in_dir("a.csv"));
    snprintf(b, sizeof b, "%s --jobs 2 --out %s", grid, in_dir("b.csv"));
    sweep_ok(a);
    sweep_ok(b);
    int rows;
    char *x = canonical(in_dir("a.csv"), &rows);
    cr_expect_eq(rows, 5 * 2 * 3);
    free(x);
    expect_same_rows(in_dir("a.csv"), in_dir("b.csv"));
    remove_dir();
}

/* splitmix64's output function, written from docs/sweeps.md, not from the code. */
static uint64_t mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Run = point x reps + rep, the first --grid varying slowest; seed as documented; and a row is
 * reproduced by `lanesim run` with its seed and grid values. */
Test(sweep, run_numbering_seeds_and_rerun_with_lanesim_run)
{
    make_dir();
    char args[512];
    snprintf(args, sizeof args,
             SMALL "--grid initial.density=0.1,0.3 --grid model.p_slow=0.1,0.2,0.4 "
                   "--reps 2 --seed 42 --out %s",
             in_dir("a.csv"));
    sweep_ok(args);
    char *text = canonical(in_dir("a.csv"), NULL);
    char *lines[64];
    int flow_col = column(text, "lane1_flow_vph"), steps_col = column(text, "vehicle_steps");
    int n = data_lines(text, lines, 64);
    cr_assert_eq(n, 12);
    char *f[64];
    split(lines[7], f, 64); /* run 7: point 3 = (density 0.3, p 0.1), rep 1 */
    cr_expect_str_eq(f[0], "7");
    cr_expect_str_eq(f[1], "3");
    cr_expect_str_eq(f[2], "1");
    cr_expect_str_eq(f[4], "0.3");
    cr_expect_str_eq(f[5], "0.1");
    char seed[32];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)(mix(mix(mix(42) ^ 3) ^ 1) >> 11));
    cr_expect_str_eq(f[3], seed);
    char c[2048], *out, *err;
    snprintf(c, sizeof c,
             "%s run %s " SMALL "--set initial.density=0.3 --set model.p_slow=0.1 --seed %s "
             "--format json --quiet",
             ls_test_cli(), ls_test_src("scenarios/ring.yaml"), seed);
    cr_assert_eq(ls_test_run(c, &out, &err), 0, "%s", err);
    cJSON *j = cJSON_Parse(out);
    const cJSON *lane = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "lanes"), 0);
    char flow[64], steps[64];
    snprintf(flow, sizeof flow, "%.15g", cJSON_GetObjectItem(lane, "flow_vph")->valuedouble);
    snprintf(steps, sizeof steps, "%.15g", cJSON_GetObjectItem(j, "vehicle_steps")->valuedouble);
    cr_expect_str_eq(f[flow_col], flow);
    cr_expect_str_eq(f[steps_col], steps);
    /* Replications differ: each has its own seed. */
    char *g[64];
    split(lines[6], g, 64);
    cr_expect_str_neq(g[3], f[3]);
    cJSON_Delete(j);
    free(text), free(out), free(err);
    remove_dir();
}

Test(sweep, shards_merged_equal_the_whole_sweep)
{
    make_dir();
    const char *grid = SMALL "--grid initial.density=0.1:0.4:0.1 --reps 2";
    char c[1024];
    snprintf(c, sizeof c, "%s --out %s", grid, in_dir("whole.csv"));
    sweep_ok(c);
    for (int k = 1; k <= 3; k++) {
        char name[32];
        snprintf(name, sizeof name, "part%d.csv", k);
        snprintf(c, sizeof c, "%s --shard %d/3 --jobs 2 --out %s", grid, k, in_dir(name));
        sweep_ok(c);
        char *text = canonical(in_dir(name), NULL), *lines[16];
        int n = data_lines(text, lines, 16);
        cr_expect_eq(n, k == 3 ? 2 : 3, "shard %d/3 has %d runs", k, n);
        for (int i = 0; i < n; i++) cr_expect_eq(run_of(lines[i]) % 3, k - 1);
        free(text);
    }
    char *out, *err;
    snprintf(c, sizeof c, "%s merge %s %s %s %s", ls_test_cli(), in_dir("merged.csv"),
             in_dir("part3.csv"), in_dir("part1.csv"), in_dir("part2.csv"));
    cr_assert_eq(ls_test_run(c, &out, &err), 0, "%s", err);
    cr_expect_str_eq(err, "");
    free(out), free(err);
    expect_same_rows(in_dir("merged.csv"), in_dir("whole.csv"));
    /* merge writes rows in run order. */
    char *text = ls_test_read(in_dir("merged.csv"), NULL), *lines[16];
    int n = data_lines(text, lines, 16);
    for (int i = 0; i < n; i++) cr_expect_eq(run_of(lines[i]), i);
    free(text);
    /* Without one shard, merge says runs are missing, and --resume on the merged file (its
     * definition is the whole sweep's) runs just those. */
    snprintf(c, sizeof c, "%s merge %s %s %s", ls_test_cli(), in_dir("m2.csv"), in_dir("part1.csv"),
             in_dir("part2.csv"));
    cr_expect_eq(ls_test_run(c, &out, &err), 0);
    cr_expect(strstr(err, "in no part") != NULL, "stderr: %s", err);
    free(out), free(err);
    cr_expect_eq(count_rows(in_dir("m2.csv")), 6);
    snprintf(c, sizeof c, "%s --out %s --resume", grid, in_dir("m2.csv"));
    sweep_ok(c);
    expect_same_rows(in_dir("m2.csv"), in_dir("whole.csv"));
    /* A shard of another sweep (another seed) is refused. */
    snprintf(c, sizeof c, "%s --seed 7 --shard 3/3 --out %s", grid, in_dir("other3.csv"));
    sweep_ok(c);
    snprintf(c, sizeof c, "%s merge %s %s %s %s", ls_test_cli(), in_dir("m3.csv"),
             in_dir("part1.csv"), in_dir("part2.csv"), in_dir("other3.csv"));
    cr_expect_eq(ls_test_run(c, &out, &err), 2);
    cr_expect(strstr(err, "other3.csv: another sweep") != NULL, "stderr: %s", err);
    free(out), free(err);
    remove_dir();
}

/* Starts `lanesim sweep ARGS` in the background, stderr to a file. */
static pid_t start_sweep(const char *args)
{
    char c[4096];
    snprintf(c, sizeof c, "exec %s sweep %s %s --quiet 2>%s >/dev/null", ls_test_cli(),
             ls_test_src("scenarios/ring.yaml"), args, in_dir("err.txt"));
    pid_t pid = fork();
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", c, (char *)NULL);
        _exit(127);
    }
    cr_assert(pid > 0);
    return pid;
}

/* Waits until the rows file has at least `rows` rows, then sends `sig`; returns the exit status
 * (or 128 + signal). Fails the test if the sweep ended first. */
static int interrupt_after(pid_t pid, int rows, int sig)
{
    int st;
    while (count_rows(in_dir("a.csv")) < rows) {
        cr_assert_eq(waitpid(pid, &st, WNOHANG), 0, "the sweep ended before it could be stopped");
        nanosleep(&(struct timespec){0, 200000}, NULL);
    }
    kill(pid, sig);
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* 40 runs of a 1000-cell ring long enough to be stopped part-way: killed with SIGKILL, resumed
 * and stopped with Ctrl-C, resumed to the end: the rows of one uninterrupted sweep. */
Test(sweep, killed_and_interrupted_sweeps_resume_to_the_same_rows)
{
    make_dir();
    const char *grid = "--set 'detectors=[]' --duration 3000 --set simulation.warmup=0 "
                       "--grid initial.density=0.05:0.5:0.05 --reps 4";
    char c[1024];
    snprintf(c, sizeof c, "%s --jobs 2 --out %s", grid, in_dir("whole.csv"));
    sweep_ok(c);
    /* One worker: the slower the sweep, the surer the signal lands part-way. */
    snprintf(c, sizeof c, "%s --jobs 1 --out %s", grid, in_dir("a.csv"));
    cr_expect_eq(interrupt_after(start_sweep(c), 3, SIGKILL), 128 + SIGKILL);
    int after_kill = count_rows(in_dir("a.csv"));
    cr_expect(after_kill < 40, "the sweep was not killed part-way (%d rows)", after_kill);
    snprintf(c, sizeof c, "%s --jobs 1 --out %s --resume", grid, in_dir("a.csv"));
    cr_expect_eq(interrupt_after(start_sweep(c), after_kill + 2, SIGINT), 130);
    char *err = ls_test_read(in_dir("err.txt"), NULL);
    cr_expect(strstr(err, "interrupted") && strstr(err, "--resume"), "stderr: %s", err);
    free(err);
    int after_int = count_rows(in_dir("a.csv"));
    cr_expect(after_int > after_kill && after_int < 40, "%d rows after Ctrl-C", after_int);
    sweep_ok(c);
    expect_same_rows(in_dir("a.csv"), in_dir("whole.csv"));
    remove_dir();
}

/* A row cut off while being written (the process killed inside write) is removed on resume and
 * its run run again; so is a header cut off before the first row. */
Test(sweep, torn_rows_are_cut_off_on_resume)
{
    make_dir();
    const char *grid = SMALL "--grid initial.density=0.1:0.3:0.1 --reps 2";
    char c[1024];
    snprintf(c, sizeof c, "%s --out %s", grid, in_dir("whole.csv"));
    sweep_ok(c);
    size_t len;
    char *text = ls_test_read(in_dir("whole.csv"), &len);
    FILE *f = fopen(in_dir("a.csv"), "wb");
    fwrite(text, 1, len - 20, f); /* the last row without its end */
    fclose(f);
    snprintf(c, sizeof c, "%s --out %s --resume", grid, in_dir("a.csv"));
    char *err;
    cr_assert_eq(sweep(c, &err), 0, "%s", err);
    cr_expect(strstr(err, "partial last row") != NULL, "stderr: %s", err);
    free(err);
    expect_same_rows(in_dir("a.csv"), in_dir("whole.csv"));
    f = fopen(in_dir("b.csv"), "wb");
    fwrite(text, 1, 7, f); /* "run,poi" */
    fclose(f);
    snprintf(c, sizeof c, "%s --out %s --resume", grid, in_dir("b.csv"));
    sweep_ok(c);
    expect_same_rows(in_dir("b.csv"), in_dir("whole.csv"));
    free(text);
    remove_dir();
}

/* Resuming a file of another sweep, or overwriting one without --resume, is refused: by the
 * definition beside the rows, and without it by the header and by each row's identity. */
Test(sweep, resume_refuses_another_sweeps_file)
{
    make_dir();
    char c[1024], *err;
    struct stat st;
    snprintf(c, sizeof c, SMALL "--grid initial.density=0.1,0.2 --out %s", in_dir("a.csv"));
    sweep_ok(c);
    cr_expect_eq(stat(in_dir("a.csv.sweep"), &st), 0, "no definition beside the rows");
    cr_expect_eq(sweep(c, &err), 2);
    cr_expect(strstr(err, "exists: add --resume") != NULL, "stderr: %s", err);
    free(err);
    snprintf(c, sizeof c, SMALL "--grid initial.density=0.1,0.2 --duration 400 --out %s --resume",
             in_dir("a.csv"));
    cr_expect_eq(sweep(c, &err), 2);
    cr_expect(strstr(err, "started by another sweep") != NULL, "stderr: %s", err);
    free(err);
    cr_assert_eq(unlink(in_dir("a.csv.sweep")), 0);
    snprintf(c, sizeof c, SMALL "--grid model.p_slow=0.1,0.2 --out %s --resume", in_dir("a.csv"));
    cr_expect_eq(sweep(c, &err), 2);
    cr_expect(strstr(err, "its columns are not this sweep's") != NULL, "stderr: %s", err);
    free(err);
    snprintf(c, sizeof c, SMALL "--grid initial.density=0.1,0.2 --seed 9 --out %s --resume",
             in_dir("a.csv"));
    cr_expect_eq(sweep(c, &err), 2);
    /* Rows are appended as runs finish, so the first row is run 0 or run 1. */
    cr_expect(strstr(err, "a.csv:2: run ") != NULL && strstr(err, " has seed ") != NULL,
              "stderr: %s", err);
    free(err);
    cr_expect_neq(stat(in_dir("a.csv.sweep"), &st), 0, "a refused resume wrote a definition");
    remove_dir();
}

/* road.lanes in the grid: lane columns up to the most lanes, empty where a point has fewer. */
Test(sweep, lanes_in_the_grid_leave_missing_lanes_empty)
{
    make_dir();
    char c[1024];
    snprintf(c, sizeof c, SMALL "--grid road.lanes=1,2 --out %s", in_dir("a.csv"));
    sweep_ok(c);
    char *text = canonical(in_dir("a.csv"), NULL), *lines[4], *f[64];
    int col = column(text, "lane2_flow_vph");
    cr_assert_eq(data_lines(text, lines, 4), 2);
    split(lines[0], f, 64);
    cr_expect_str_eq(f[col], "");
    split(lines[1], f, 64);
    cr_expect(atof(f[col]) > 0, "lane 2 of the 2-lane point: %s", f[col]);
    free(text);
    remove_dir();
}

/* Each malformed grid: exit status 2, its one-line message, and no file. */
Test(sweep, malformed_grids_fail_before_any_run)
{
    static const char *const cases[][2] = {
        {"--grid foo.bar=1,2", "lanesim: --grid foo.bar=1,2: foo: unknown key \"foo\"\n"},
        {"--grid initial.density=0.1,1.5",
         "lanesim: --grid initial.density=1.5: expected a density of at most 1 veh/cell (the "
         "vehicles must fit), got 1.5\n"},
        {"--grid initial.density=0.5:0.1:0.1",
         "lanesim: --grid initial.density=0.5:0.1:0.1: expected a step with the sign of TO - "
         "FROM, got 0.1\n"},
        {"--grid initial.density=0.1:0.5:0",
         "lanesim: --grid initial.density=0.1:0.5:0: expected a nonzero step, got 0\n"},
        {"--grid initial.density=",
         "lanesim: --grid initial.density=: expected values V1,V2,... or FROM:TO:STEP, got "
         "nothing\n"},
        {"--grid initial.density=0.1,,0.2",
         "lanesim: --grid initial.density=0.1,,0.2: value 2 is empty\n"},
        {"--grid initial.density=a:0.5:0.1",
         "lanesim: --grid initial.density=a:0.5:0.1: expected numbers FROM:TO:STEP, got \"a\"\n"},
        {"--grid model.p_slow=0:1:0.0000001",
         "lanesim: --grid model.p_slow=0:1:0.0000001: more than 1000000 values\n"},
        {"--grid initial.density=0.001:1:0.001 --reps 2000",
         "lanesim: 1000 grid points x 2000 replications: at most 1000000 runs\n"},
        {"--grid model.p_slow=0.1 --grid model.p_slow=0.2",
         "lanesim: --grid model.p_slow=0.2: this key is already in another --grid\n"},
        {"--grid model.p_slow=0.1 --shard 4/3",
         "lanesim: --shard 4/3: expected K/N with 1 <= K <= N\n"},
        {"--grid model.p_slow=0.1 --shard 1/0",
         "lanesim: --shard 1/0: expected K/N with 1 <= K <= N\n"},
        {"--grid model.p_slow=0.1 --reps 0",
         "lanesim: --reps 0: expected an integer from 1 to 1000000\n"},
    };
    make_dir();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char c[1024], *err;
        snprintf(c, sizeof c, SMALL "%s --out %s", cases[i][0], in_dir("a.csv"));
        cr_expect_eq(sweep(c, &err), 2, "%s", cases[i][0]);
        cr_expect_str_eq(err, cases[i][1], "%s", cases[i][0]);
        free(err);
        struct stat st;
        cr_expect_neq(stat(in_dir("a.csv"), &st), 0, "%s: the rows file was created", cases[i][0]);
    }
    remove_dir();
}

/* Mean, sd and t interval computed here from the rows, with t(0.975, 4) = 2.7764451 from a
 * table, against the aggregate file. One replication: sd and interval are empty. */
Test(sweep, aggregate_matches_a_hand_computation)
{
    make_dir();
    char c[1024];
    snprintf(c, sizeof c, SMALL "--grid initial.density=0.15,0.3 --reps 5 --out %s --aggregate %s",
             in_dir("rows.csv"), in_dir("agg.csv"));
    sweep_ok(c);
    char *rows = canonical(in_dir("rows.csv"), NULL), *agg = ls_test_read(in_dir("agg.csv"), NULL);
    static const char *const stats[4] = {"flow_vph_mean", "flow_vph_sd", "flow_vph_ci95_low",
                                         "flow_vph_ci95_high"};
    int flow = column(rows, "flow_vph"), n_col = column(agg, "n"), at[4];
    for (int k = 0; k < 4; k++) at[k] = column(agg, stats[k]);
    char *lines[16], *alines[4];
    cr_assert_eq(data_lines(rows, lines, 16), 10);
    cr_assert_eq(data_lines(agg, alines, 4), 2);
    for (int p = 0; p < 2; p++) {
        double x[5], mean = 0, ss = 0;
        for (int r = 0; r < 5; r++) {
            char *f[64];
            split(lines[p * 5 + r], f, 64);
            x[r] = atof(f[flow]);
            mean += x[r] / 5;
        }
        for (int r = 0; r < 5; r++) ss += (x[r] - mean) * (x[r] - mean);
        double sd = sqrt(ss / 4), half = 2.7764451051977987 * sd / sqrt(5.0);
        cr_assert(sd > 0, "replications with different seeds gave equal flows");
        char *f[512];
        split(alines[p], f, 512);
        cr_expect_eq(atoi(f[n_col]), 5);
        double want[4] = {mean, sd, mean - half, mean + half};
        for (int k = 0; k < 4; k++)
            cr_expect(fabs(atof(f[at[k]]) - want[k]) < 1e-9 * fabs(want[k]),
                      "point %d, %s: %s, expected %.12g", p, stats[k], f[at[k]], want[k]);
    }
    free(rows), free(agg);
    snprintf(c, sizeof c, SMALL "--grid initial.density=0.15 --out %s --aggregate %s",
             in_dir("one.csv"), in_dir("agg1.csv"));
    sweep_ok(c);
    agg = ls_test_read(in_dir("agg1.csv"), NULL);
    for (int k = 0; k < 4; k++) at[k] = column(agg, stats[k]);
    char *f[512];
    split(strchr(agg, '\n') + 1, f, 512);
    cr_expect(atof(f[at[0]]) > 0);
    for (int k = 1; k < 4; k++) cr_expect_str_eq(f[at[k]], "", "%s of one replication", stats[k]);
    free(agg);
    remove_dir();
}

/* An output path that cannot be written fails at once, before any run: exit status 1, one line
 * naming the path, and nothing written (no rows file, no definition beside it, no merged file).
 */
Test(sweep, unwritable_outputs_fail_before_any_run)
{
    make_dir();
    char args[1024], *err;
    const char *bad[] = {"/nonexistent/agg.csv", in_dir("no/such/agg.csv"), dir};
    for (int i = 0; i < 3; i++) {
        snprintf(args, sizeof args, SMALL "--grid model.p_slow=0.1,0.2 --out %s --aggregate %s",
                 in_dir("rows.csv"), bad[i]);
        cr_expect_eq(sweep(args, &err), 1, "--aggregate %s", bad[i]);
        cr_expect(strncmp(err, "lanesim sweep: ", 15) == 0 && strstr(err, bad[i]) &&
                      strchr(err, '\n') == err + strlen(err) - 1,
                  "--aggregate %s: %s", bad[i], err);
        free(err);
        struct stat st;
        cr_expect_neq(stat(in_dir("rows.csv"), &st), 0, "--aggregate %s: rows written", bad[i]);
        cr_expect_neq(stat(in_dir("rows.csv.sweep"), &st), 0, "--aggregate %s", bad[i]);
    }
    snprintf(args, sizeof args, SMALL "--grid model.p_slow=0.1 --out %s", in_dir("no/rows.csv"));
    cr_expect_eq(sweep(args, &err), 1);
    cr_expect(strstr(err, "no/rows.csv") && strchr(err, '\n') == err + strlen(err) - 1, "%s", err);
    free(err);
    /* merge: the same for OUT and --aggregate. */
    snprintf(args, sizeof args, SMALL "--grid model.p_slow=0.1 --out %s", in_dir("part.csv"));
    sweep_ok(args);
    const char *merges[][2] = {{"out.csv", "/nonexistent/agg.csv"}, {"no/out.csv", "agg.csv"}};
    for (int i = 0; i < 2; i++) {
        char c[4096], *out;
        snprintf(c, sizeof c, "%s merge %s %s --aggregate %s", ls_test_cli(), in_dir(merges[i][0]),
                 in_dir("part.csv"), merges[i][1][0] == '/' ? merges[i][1] : in_dir(merges[i][1]));
        cr_expect_eq(ls_test_run(c, &out, &err), 1, "%s", c);
        cr_expect(strncmp(err, "lanesim merge: ", 15) == 0 &&
                      strchr(err, '\n') == err + strlen(err) - 1,
                  "%s: %s", c, err);
        free(out), free(err);
        struct stat st;
        cr_expect_neq(stat(in_dir("out.csv"), &st), 0, "%s: merged file written", c);
        cr_expect_neq(stat(in_dir("agg.csv"), &st), 0, "%s: aggregate written", c);
    }
    remove_dir();
}
