/* test_faults.c: `lanesim run` against a full disk, read-only places, devices, memory running
 * out and Ctrl-C: exit status 1 (or 130), one clear line, and never a partial output file. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

/* ---- helpers ---- */

typedef struct result {
    int status;
    char *out, *err;
} result;

static result run(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

static result run(const char *fmt, ...)
{
    char command[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(command, sizeof command, fmt, ap);
    va_end(ap);
    result r = {0, NULL, NULL};
    r.status = ls_test_run(command, &r.out, &r.err);
    if (!r.out) r.out = calloc(1, 1);
    if (!r.err) r.err = calloc(1, 1);
    return r;
}

static void done(result *r)
{
    free(r->out);
    free(r->err);
}

static char *temp_dir(void)
{
    static char dir[64];
    snprintf(dir, sizeof dir, "/tmp/lsfault-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    return dir;
}

static void remove_dir(const char *dir)
{
    result r = run("rm -rf '%s'", dir);
    done(&r);
}

/* The names in a directory, space-separated ("" when empty or missing). */
static void listing(const char *dir, char *buf, size_t size)
{
    buf[0] = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        size_t used = strlen(buf);
        snprintf(buf + used, size - used, "%s%s", used ? " " : "", e->d_name);
    }
    if (d) closedir(d);
}

static void expect_one_line(const char *err, const char *a, const char *b)
{
    size_t n = strlen(err);
    cr_expect(n > 0 && strchr(err, '\n') == err + n - 1, "expected one line, got: %s", err);
    cr_expect(strstr(err, a) && strstr(err, b), "expected \"%s\" and \"%s\" in: %s", a, b, err);
}

/* ---- a tiny or read-only file system of our own, in a private mount namespace ---- */

/* Runs `script` with $1 = a tmpfs mounted with `options` on a fresh directory, $2 = lanesim,
 * $3 = the scenarios folder, inside `unshare -m` so that the mount is private and vanishes with
 * the script. Exit status 99 from the script means the mount was refused. */
static result in_tmpfs(const char *options, const char *script)
{
    char *dir = temp_dir();
    result r =
        run("unshare -m sh -c 'mount -t tmpfs -o %s tmpfs \"$1\" || exit 99; %s' sh %s %s %s",
            options, script, dir, ls_test_cli(), ls_test_src("scenarios"));
    remove_dir(dir);
    if (r.status == 99 || r.status == 127 || (r.status == 1 && strstr(r.err, "unshare")))
        cr_skip_test("cannot mount a private tmpfs here (unshare -m and mount need "
                     "CAP_SYS_ADMIN): %s",
                     r.err);
    return r;
}

/* After the command: its exit status, then what is left in the file system, on stdout. */
#define THEN_LIST                                                                                  \
    "; rc=$?; echo; echo \"left: $(cd \"$1\" && find . -mindepth 1 | sort | tr \"\\n\" \" \")\"; " \
    "exit $rc"

static const char *left(const result *r)
{
    const char *l = strstr(r->out, "left:");
    return l ? l : "left: (no listing)";
}

static int nothing_left(const result *r, const char *allowed)
{
    char expect[128];
    snprintf(expect, sizeof expect, "left: %s\n", allowed);
    return strcmp(left(r), expect) == 0;
}

Test(faults, full_disk_during_out)
{
    result r = in_tmpfs("size=64k", "\"$2\" run \"$3\"/highway-4lane.yaml --quiet --duration 1200 "
                                    "--set simulation.warmup=0 --out \"$1\"/out" THEN_LIST);
    cr_expect_eq(r.status, 1, "exit status %d", r.status);
    expect_one_line(r.err, "/out/", ": No space left on device");
    /* The run created out/ and must leave it empty: no file, no temporary. */
    cr_expect(nothing_left(&r, "./out "), "%s", left(&r));
    done(&r);
}

Test(faults, full_disk_during_trajectories)
{
    result r = in_tmpfs("size=64k", "\"$2\" run \"$3\"/ring.yaml --quiet --duration 3000 "
                                    "--set simulation.warmup=0 --trajectories \"$1\"/traj.csv"
                                    " --out \"$1\"/out" THEN_LIST);
    cr_expect_eq(r.status, 1, "exit status %d", r.status);
    expect_one_line(r.err, "/traj.csv", ": No space left on device");
    cr_expect(nothing_left(&r, "./out "), "%s", left(&r));
    done(&r);
}

Test(faults, read_only_directory)
{
    const char *cases[][2] = {
        {"--out \"$1\"/out", "/out: Read-only file system"},
        {"--out \"$1\"", ".csv: Read-only file system"}, /* whichever file comes first */
        {"--trajectories \"$1\"/t.csv", "/t.csv: Read-only file system"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char script[512];
        snprintf(script, sizeof script,
                 "\"$2\" run \"$3\"/ring.yaml --quiet --duration 60 --set simulation.warmup=0 "
                 "%s" THEN_LIST,
                 cases[i][0]);
        result r = in_tmpfs("ro", script);
        cr_expect_eq(r.status, 1, "%s: exit status %d", cases[i][0], r.status);
        expect_one_line(r.err, cases[i][1], "lanesim run: ");
        cr_expect(nothing_left(&r, ""), "%s: %s", cases[i][0], left(&r));
        done(&r);
    }
}

/* ---- devices and links ---- */

static const char *RING_60 = "%s run %s --quiet --duration 60 --set simulation.warmup=0 "
                             "--trajectories %s/%s";

static bool is_char_device(const char *dir, const char *name)
{
    char path[256];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return lstat(path, &st) == 0 && S_ISCHR(st.st_mode);
}

/* Writing to a device goes to the device: a temporary renamed onto it would replace the device
 * node (as root, /dev/null itself). Our own nodes stand in for /dev/full and /dev/null. */
Test(faults, devices_are_written_not_replaced)
{
    char *dir = temp_dir();
    result m = run("mknod %s/full c 1 7 && mknod %s/null c 1 3", dir, dir);
    if (m.status != 0) {
        remove_dir(dir);
        cr_skip_test("cannot create device nodes here (mknod needs CAP_MKNOD): %s", m.err);
    }
    done(&m);
    const char *ring = ls_test_src("scenarios/ring.yaml");
    result r = run(RING_60, ls_test_cli(), ring, dir, "full");
    cr_expect_eq(r.status, 1);
    expect_one_line(r.err, "/full", ": No space left on device");
    done(&r);
    r = run(RING_60, ls_test_cli(), ring, dir, "null");
    cr_expect_eq(r.status, 0, "%s", r.err);
    done(&r);
    char names[256];
    listing(dir, names, sizeof names);
    cr_expect(is_char_device(dir, "full") && is_char_device(dir, "null"), "left: %s", names);
    cr_expect(!strstr(names, ".tmp."), "left: %s", names);
    remove_dir(dir);
}

/* Through a symbolic link the file it points to is replaced, and the link stays. */
Test(faults, links_are_followed)
{
    char *dir = temp_dir();
    result r = run("echo old > %s/real.csv && ln -s real.csv %s/link", dir, dir);
    done(&r);
    r = run(RING_60, ls_test_cli(), ls_test_src("scenarios/ring.yaml"), dir, "link");
    cr_expect_eq(r.status, 0, "%s", r.err);
    done(&r);
    char path[256];
    struct stat st;
    snprintf(path, sizeof path, "%s/link", dir);
    cr_expect(lstat(path, &st) == 0 && S_ISLNK(st.st_mode), "the link was replaced");
    snprintf(path, sizeof path, "%s/real.csv", dir);
    char *text = ls_test_read(path, NULL);
    cr_expect(text && !strncmp(text, "time_s,id,lane", 14), "the link's target was not written");
    free(text);
    remove_dir(dir);
}

/* ---- memory running out inside the command (an LD_PRELOAD shim, tests/failmalloc.c) ---- */

#ifdef LS_FAILMALLOC
/* Only lanesim runs with the shim: `env` sets LD_PRELOAD for it alone. */
static const char *OOM_RUN = "timeout 60 env LS_FAIL_AT=%ld LS_FAIL_REPORT=%s/count LD_PRELOAD=%s "
                             "%s run %s --duration 60 --set simulation.warmup=0 --out %s/out "
                             "--trajectories %s/out/t.csv";

/* A finished run left every file, whole; a failed one left nothing. */
static void expect_all_or_nothing(const char *dir, long n, const result *r)
{
    char out[256], names[512];
    snprintf(out, sizeof out, "%s/out", dir);
    listing(out, names, sizeof names);
    if (r->status != 0) {
        cr_expect_eq(names[0], 0, "allocation %ld failed: left %s", n, names);
        return;
    }
    const char *files[] = {"detectors.csv", "trips.csv", "summary.json", "t.csv"};
    for (int i = 0; i < 4; i++)
        cr_expect(strstr(names, files[i]) != NULL, "allocation %ld: %s missing", n, files[i]);
    cr_expect(!strstr(names, ".tmp."), "allocation %ld: left %s", n, names);
    char path[300];
    snprintf(path, sizeof path, "%s/summary.json", out);
    char *text = ls_test_read(path, NULL);
    cJSON *sum = text ? cJSON_Parse(text) : NULL;
    cr_expect(cJSON_GetArraySize(cJSON_GetObjectItem(sum, "lanes")) == 1 &&
                  cJSON_GetObjectItem(sum, "vehicles") && cJSON_GetObjectItem(sum, "wall_seconds"),
              "allocation %ld failed and the run succeeded with summary.json: %s", n, text);
    cJSON_Delete(sum);
    free(text);
}

static void oom_once(const char *dir, long n)
{
    result rm = run("rm -rf %s/out", dir);
    done(&rm);
    const char *ring = ls_test_src("scenarios/ring.yaml");
    result r = run(OOM_RUN, n, dir, LS_FAILMALLOC, ls_test_cli(), ring, dir, dir);
    cr_expect(r.status == 0 || r.status == 1, "allocation %ld failed: exit status %d, %s", n,
              r.status, r.err);
    if (r.status == 1) expect_one_line(r.err, "lanesim", ": ");
    expect_all_or_nothing(dir, n, &r);
    done(&r);
}

/* Every allocation of a short run with --out and --trajectories, failing from the N-th on. */
Test(faults, memory_running_out_in_the_command)
{
    char *dir = temp_dir();
    oom_once(dir, 0); /* counts the allocations of a whole run */
    char path[300];
    snprintf(path, sizeof path, "%s/count", dir);
    char *count = ls_test_read(path, NULL);
    long calls = count ? atol(count) : 0;
    free(count);
    cr_assert_gt(calls, 100, "the shim counted %ld allocations", calls);
    long stride = calls > 1500 ? calls / 1500 + 1 : 1;
    for (long n = 1; n <= calls; n += stride) oom_once(dir, n);
    remove_dir(dir);
}
#else
Test(faults, memory_running_out_in_the_command)
{
    cr_skip_test("no LD_PRELOAD shim in this build: the sanitizers replace malloc themselves");
}
#endif

/* ---- Ctrl-C ---- */

static pid_t start(char *const argv[], const char *err_path)
{
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int out = open("/dev/null", O_WRONLY);
        dup2(err, 2);
        dup2(out, 1);
        execv(argv[0], argv);
        _exit(127);
    }
    return pid;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Waits until `path` exists (the run is under way with its temporaries open). */
static bool wait_for(const char *path, int seconds)
{
    for (int i = 0; i < seconds * 100; i++) {
        if (access(path, F_OK) == 0) return true;
        sleep_ms(10);
    }
    return false;
}

static void interrupt_run(int sig)
{
    char *dir = temp_dir();
    char out[128], traj[128], err[128], tmp[160];
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(traj, sizeof traj, "%s/traj.csv", dir);
    snprintf(err, sizeof err, "%s.err", dir);
    char *argv[] = {(char *)ls_test_cli(),
                    "run",
                    (char *)ls_test_src("scenarios/highway-4lane.yaml"),
                    "--quiet",
                    "--duration",
                    "100000",
                    "--set",
                    "simulation.warmup=0",
                    "--out",
                    out,
                    "--trajectories",
                    traj,
                    NULL};
    pid_t pid = start(argv, err);
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", traj, (long)pid);
    cr_expect(wait_for(tmp, 20), "the run never opened %s", tmp);
    sleep_ms(300);
    kill(pid, sig);
    int status = 0;
    waitpid(pid, &status, 0);
    cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 130, "signal %d: status %#x", sig,
              status);
    char *text = ls_test_read(err, NULL);
    expect_one_line(text ? text : "", "lanesim run: interrupted", "no output written");
    free(text);
    char names[512];
    listing(dir, names, sizeof names);
    cr_expect_str_eq(names, "out", "left in the directory: %s", names);
    listing(out, names, sizeof names);
    cr_expect_str_eq(names, "", "left in out/: %s", names);
    unlink(err);
    remove_dir(dir);
}

Test(faults, ctrl_c_stops_cleanly)
{
    interrupt_run(SIGINT);
}

Test(faults, sigterm_stops_cleanly)
{
    interrupt_run(SIGTERM);
}
